"""Errata page: every place the computation disagrees with, sharpens or disambiguates the paper.

Each entry carries its evidence, computed here from the certificates and the
library (nothing typed in that can be computed). Kinds:

* ``disagrees``: the paper's text says something the computation contradicts
  (in these entries: harmless slips that do not change a result);
* ``sharpens``: the paper's statement holds and a strictly stronger one is proved;
* ``disambiguates``: the paper's text admits readings; the one used is stated;
* ``confirmed``: checked and found exactly as claimed (listed for completeness).

Entries from the parameter modules (:mod:`certify.params.theorems`,
:mod:`certify.params.finite_size`) appear only when those modules are in the build.

>>> [kind for kind in KINDS]
['disagrees', 'sharpens', 'disambiguates', 'confirmed']
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from certify.lp.expression import PAPER_U0, PAPER_U1
from certify.report.claim import line_text, markdown_cell
from certify.report.claims import SAMPLE_EPSILONS, optional_module
from certify.report.context import ReportContext

__all__ = ["Erratum", "errata", "errata_page", "KINDS"]

KINDS = ("disagrees", "sharpens", "disambiguates", "confirmed")


@dataclass(frozen=True)
class Erratum:
    """One entry: where in the paper, what kind, what it says, the evidence."""

    where: str
    kind: str
    title: str
    evidence: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"erratum kind {self.kind!r}: expected one of {KINDS}")


def _model_entries(context: ReportContext) -> list[Erratum]:
    """Section II B: the quantum box and the settings of eq. (7)."""
    from certify.simulation import quantum_box
    from certify.report.claims import local_bound_of_paper_expression, local_strategy_count

    settings = context.penalised_settings
    entries = []
    box = quantum_box.quantum_box_fractions()
    bell = quantum_box.bell_sum(box)
    local = local_bound_of_paper_expression()
    entries.append(Erratum(
        "Section II B, eqs. (5), (8)-(10)", "confirmed",
        "The quantum box reaches the algebraic limit B·P = 0; the local bound is 2",
        f"Exact box of |Ψ⟩ (`certify.simulation.quantum_box`): B·P = {bell}, no-signalling: "
        f"{'yes' if context.system.contains(box) else 'NO'}; minimum over the {local_strategy_count()} deterministic local strategies: {local}. "
        "See [the quantum box page](quantum-box.md)."))
    entries.append(Erratum(
        "Section II B, last paragraph; Lemma 11 (text after eq. (41))", "disagrees",
        f"\"2^4 possible settings in the inequality\" and |U| = 16: only {len(settings)} settings occur",
        f"B of eq. (7) has {len(context.expression.coefficients)} non-zero coefficients, on the "
        f"{len(settings)} settings {', '.join(settings)} = U0 ∪ U1 of eq. (4) "
        f"(U0 = {', '.join(PAPER_U0)}, U1 = {', '.join(PAPER_U1)}), so 0 ≤ B·P ≤ {context.bell_sum_maximum} "
        "(each setting contributes at most its normalisation). Harmless: |U| cancels in eq. (41) "
        "(B·P/|U| ≤ δ/|U| is B·P ≤ δ) and in eq. (40) (B_U is compared with B^SV/|U|). The lemma's "
        f"conclusion holds for all {context.expression.scenario.num_setting_tuples} settings u*, including the "
        f"{context.expression.scenario.num_setting_tuples - len(settings)} that do not occur in B."))
    return entries


def _lemma_entries(context: ReportContext) -> list[Erratum]:
    """Lemmas 10 and 11: the bound, its proof's dual and the two deltas."""
    from certify.builder.verify import PAPER_CONSTANT, PAPER_SLOPE

    entries = []
    kinds = context.kinds
    described = "; ".join(
        f"{len(kind.members)} pairs ({context.kind_description(kind)}) like "
        f"`{markdown_cell(kind.representative)}`: best constant "
        f"{kind.paper_bound}, v(δ) = "
        + ", then ".join(line_text(a, s) for a, s in kind.function.pieces)
        for kind in kinds)
    envelope = "; ".join(line_text(a, s) for a, s in context.envelope_pieces)
    saturation = context.saturation_bell_value
    entries.append(Erratum(
        "Lemma 11, eq. (42)", "sharpens",
        f"(1 + 2δ)/3 holds for all {len(context.documents)} pairs but is loose",
        f"At slope 2/3 the best constants are: {described} (breakpoints in the [Lemma 11 table](lemma11.md)). "
        f"Uniformly over pairs the exact bound is max v(δ) = {envelope} (breakpoints "
        f"{', '.join(f'({d}, {v})' for d, v in context.envelope)}), equal to (1 + 2δ)/3 only at δ = 0 "
        f"and reaching 1 at δ = {saturation} instead of δ = {(1 - PAPER_CONSTANT) / PAPER_SLOPE}. Every number is certified by the files in "
        "`certificates/lemma11/` (`certify audit certificates/lemma11`)."))
    entries.append(Erratum(
        "Lemma 11 proof, eqs. (43)-(44)", "disambiguates",
        "The dual of (43): positivity rows are part of A",
        "(43) maximises M·P subject to A P ≤ c with positivity, normalisation, no-signalling and the "
        "Bell constraint all in A; the dual (44) A^T λ = M, λ ≥ 0 is then correct. Our certificates "
        "keep the equality rows (free multipliers y_r) apart from positivity: the multipliers of "
        "−P_j ≤ 0 are the slacks s_j ≥ 0 shown on the [proof pages](lemma11.md), and the multiplier of "
        "B·P ≤ δ is the slope λ."))
    entries.append(Erratum(
        "Lemma 10, eqs. (36)-(40); Lemma 11, eq. (41)", "disambiguates",
        "Two different δ's",
        f"Lemma 11's δ bounds the plain Bell sum B·P ∈ [0, {context.bell_sum_maximum}]; Lemma 10's δ (eq. (37)) bounds the "
        "SV-weighted B^SV of eq. (36), the quantity the protocol's test on L_n estimates. By (39)-(40), "
        "B·P ≤ δ/(1/2 − ε)^4, so Lemma 11 is applied at δ/(1/2 − ε)^4, e.g. "
        + ", ".join(f"ε = {eps}: factor {1 / (Fraction(1, 2) - eps) ** 4}" for eps in SAMPLE_EPSILONS)
        + ". The code keeps them apart by name (`bell_value`/`bell_sum` vs `protocol_delta`)."))
    entries.append(Erratum(
        "Lemma 10, eq. (38)", "disambiguates",
        "Reading of eq. (38) in the text extraction",
        "P(x*|u*) ≤ (1/3)(1 + 2δ/(1/2 − ε)^4): the (1/2 − ε)^4 is the denominator of 2δ, as (40) and "
        "Lemma 11 require."))
    return entries


def _theorem_entries(context: ReportContext) -> list[Erratum]:
    """Theorems 20 and 27: the parameter condition, n0 and the finite-size readings."""
    entries = []
    parameters = optional_module("certify.params.theorems")
    finite_size = optional_module("certify.params.finite_size")
    if parameters is not None:
        rows = ", ".join(
            f"ε = {eps}: paper {parameters.paper_delta_max(eps)}, chain {parameters.proof_delta_sup(eps)}, "
            f"certified {parameters.certified_delta_max(eps, context.functions)}"
            for eps in SAMPLE_EPSILONS)
        b_star, pairs = parameters.certified_saturation_bell_sum(context.functions)
        entries.append(Erratum(
            "Theorems 20 and 27, eqs. (111) and (180)", "disambiguates",
            "Reading of the parameter condition",
            "(1/3)(1 + 2√(2δ)/(1/2 − ε)^4) < 1 with the root over 2δ only; the 2δ is δ + δ_Az of "
            "eq. (94) with δ_Az ≤ δ. Then (111) ⇔ δ < (1/2 − ε)^8/2 (proved symbolically, "
            "`certify.params.theorems.prove_paper_region`)."))
        entries.append(Erratum(
            "Theorems 20 and 27, eqs. (111) and (180)", "sharpens",
            "The admissible thresholds are larger than (111) states",
            f"The proof only needs γ < 1 at δ + δ_Az (eq. (94)); with δ_Az → 0 (large n) that allows "
            f"δ < (1/2 − ε)^8, twice (111)'s bound. With the certified Lemma 11 (all v < 1 for "
            f"B·P < b* = {b_star}, reached by {len(pairs)} pairs) the condition becomes "
            f"δ < (1/2 − ε)^8·b*^2/2. Supremum of δ: {rows}."))
    if finite_size is not None and parameters is not None:
        delta = parameters.paper_delta_max(Fraction(1, 10)) / 2
        entries.append(Erratum(
            "Proof of Theorem 20, n0", "disagrees",
            "n0 = ⌊1/δ^4⌋ is one too small when 1/δ^4 is not an integer",
            "The proof needs δ_Az = n^(−1/4) ≤ δ, i.e. n ≥ ⌈1/δ^4⌉. Example ε = 1/10, "
            f"δ = δ_max/2 = {delta}: paper n0 = {finite_size.paper_n0(delta)}, needed "
            f"{finite_size.needed_n0(delta)}."))
        entries.append(Erratum(
            "Proof of Theorem 20, eqs. (90), (121)", "disambiguates",
            "Readings used by the finite-size calculator",
            "ε_Az = 2 exp(−δ_Az² n/4) in (90) (the extra 1/2 relative to Lemma 7's (26) is what the "
            "hidden Markov step needs); the Good-complement term of (121), printed as 2√η/η, is read "
            "as 2√η (a probability under q(·|ACC), eq. (114)). See `certify/params/finite_size.py`."))
        entries.append(Erratum(
            "Proof of Theorem 27, eqs. (50), (186), (198)", "disambiguates",
            "Readings and an omitted event in Protocol II",
            "The de Finetti term of (50) is read with |Σ| = 16; (198) omits the event of probability "
            "≤ 2√(δ1/q(ACC)) (eq. (186)) on which (187) fails, added as 4√η; Rao's extractor [21] has "
            "no explicit constants, so its error is a named input. See `certify/params/finite_size.py`."))
    return entries


def errata(context: ReportContext) -> list[Erratum]:
    """All entries, in the order of the paper."""
    return _model_entries(context) + _lemma_entries(context) + _theorem_entries(context)


def errata_page(context: ReportContext) -> str:
    """Markdown of the errata page."""
    entries = errata(context)
    counts = {kind: sum(entry.kind == kind for entry in entries) for kind in KINDS}
    lines = [
        "# Errata and clarifications",
        "",
        "Every place where the computation disagrees with, sharpens or disambiguates the paper "
        "(Brandão et al., randomness amplification with a finite number of devices), with its "
        "evidence. Every number below is computed from `certificates/` and the library when the "
        "page is generated.",
        "",
        "| kind | entries |",
        "|---|---|",
        *(f"| {kind} | {counts[kind]} |" for kind in KINDS),
        "",
    ]
    if optional_module("certify.params.theorems") is None:
        lines += ["Not yet checked in this build: the parameter conditions of Theorems 20 and 27 and "
                  "the finite-size chain (modules `certify.params.theorems`, `certify.params.finite_size`).", ""]
    for number, entry in enumerate(entries, start=1):
        lines += [f"## {number}. {entry.title}", "",
                  f"*{entry.kind}* — {entry.where}", "", entry.evidence, ""]
    lines += ["[Index](index.md)", ""]
    return "\n".join(lines)
