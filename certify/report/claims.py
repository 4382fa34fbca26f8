"""Claim records for Lemma 10, Theorems 20 and 27 and the quantum box of eq. (8).

Lemma 10 and the parameter conditions of Theorems 20/27 are decided by
:mod:`certify.params.lemma10` and :mod:`certify.params.theorems` (with the proof records
of :mod:`certify.params.records`). When those modules are not part of this
build, the pages say so plainly and carry the status ``not yet checked``;
nothing is filled in by hand.

Readings of the PDF extraction used here (stated on the pages too):

* eq. (38): P(x*|u*) <= (1/3) (1 + 2δ/(1/2 - ε)^4);
* eqs. (111) = (180): (1/3) (1 + 2 sqrt(2δ)/(1/2 - ε)^4) < 1, the root over 2δ only.

>>> from fractions import Fraction
>>> local_bound_of_paper_expression()
Fraction(2, 1)
"""

from __future__ import annotations

import importlib
from fractions import Fraction
from itertools import product

import dataclasses

from certify.report.claim import ClaimReport, line_text
from certify.report.context import ReportContext

__all__ = ["lemma10_claim", "theorem_claim", "quantum_box_claim", "local_bound_of_paper_expression",
           "optional_module", "SAMPLE_EPSILONS"]

SAMPLE_EPSILONS = (Fraction(0), Fraction(1, 10), Fraction(1, 4))
"""SV biases at which the pages tabulate exact values (the same as the proof records')."""


def optional_module(name: str):
    """The module ``name`` if it is part of this build, else None."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return None


def _params_available() -> bool:
    return all(optional_module(name) is not None
               for name in ("certify.params.lemma10", "certify.params.theorems", "certify.params.records"))


def _record_files(context: ReportContext, names: list[str]) -> list[tuple[str, str]]:
    from certify.builder.jsonio import sha256_file
    files = []
    for name in names:
        path = context.proofs_dir / "params" / name
        if path.is_file():
            files.append((f"proofs/params/{name}", sha256_file(path)))
    return files


def _audit_command(records: list[tuple[str, str]]) -> str:
    """``certify audit`` of the proof records a page rests on and of the Lemma 11 certificates
    (the certified versions use the value functions)."""
    return "certify audit " + " ".join([path for path, _ in records] + ["certificates/lemma11"])


def _not_yet(key: str, title: str, page: str, statement: str, missing: str) -> ClaimReport:
    return ClaimReport(
        key=key, title=title, page=page, paper_statement=statement, status="not yet checked",
        status_reason=f"{missing} are not part of this build",
        proved_statement="Nothing yet: no certificate or symbolic proof of this claim exists in this build.",
        recheck=(), summary="not yet checked in this build")


LEMMA10_STATEMENT = (
    "**Lemma 10** (Section IV B). Consider a four-partite no-signalling box P(x|u) satisfying "
    "B^SV ≤ δ (37), where B^SV = Σ_{x,u} ν(u) B(x,u) P(x|u) is given by eq. (36) with B(x,u) given by "
    "eq. (7). Then, for any measurement setting u* and any output x*,\n\n"
    "P(x*|u*) ≤ (1/3) (1 + 2δ/(1/2 − ε)^4).  (38)\n\n"
    "Proof: (1/2 − ε)^4 ≤ ν(u) ≤ (1/2 + ε)^4 (39), so B^SV/((1/2+ε)^4 |U|) ≤ B_U ≤ "
    "B^SV/((1/2−ε)^4 |U|) (40); then Lemma 11.\n\n"
    "Reading of the extraction: in (38) the (1/2 − ε)^4 is the denominator of 2δ. Here δ is the "
    "*protocol threshold* on the SV-weighted Bell value, not the Bell sum B·P of Lemma 11; "
    "(40) links them: B·P ≤ δ/(1/2 − ε)^4."
)


def lemma10_claim(context: ReportContext) -> ClaimReport:
    """Lemma 10: the chain (39) -> (40) -> (38) and its certified sharpening."""
    if not _params_available():
        return _not_yet("lemma10", "Lemma 10", "lemma10.md", LEMMA10_STATEMENT,
                        "certify.params.lemma10 and certify.params.records (branch `params`)")
    lemma10 = importlib.import_module("certify.params.lemma10")
    chain = lemma10.prove_lemma10_chain()
    rows = ["| ε | protocol δ | B·P bound δ/(1/2−ε)^4 | paper (38) | certified max v(B·P bound) | pair |",
            "|---|---|---|---|---|---|"]
    strictly_better = False
    for eps in SAMPLE_EPSILONS:
        scale = (Fraction(1, 2) - eps) ** 4
        for bell in (Fraction(1, 10), Fraction(1, 2), Fraction(1)):
            delta = bell * scale
            paper = lemma10.paper_output_bound(delta, eps)
            certified, pair = lemma10.certified_output_bound(delta, eps, context.functions)
            strictly_better |= certified < paper
            rows.append(f"| {eps} | {delta} | {lemma10.bell_sum_bound(delta, eps)} | {paper} | "
                        f"{certified} | `{pair.replace('|', chr(92) + '|')}` |")
    steps = "\n".join(f"* `{name}`: {'holds' if ok else 'FAILS'}" for name, ok in chain["steps"].items())
    status = "refuted" if not chain["holds"] else ("tightened" if strictly_better else "verified")
    envelope = "; ".join(line_text(a, s, "b") for a, s in context.envelope_pieces)
    proved = (
        f"{chain['statement']}.\n\nSharper, from the Lemma 11 certificates: with b = δ/(1/2 − ε)^4, "
        f"P(x*|u*) ≤ max over pairs of v(b), i.e. {envelope} (pieces of the envelope in order, "
        f"breakpoints {', '.join(f'({d}, {v})' for d, v in context.envelope)})."
    )
    body = "\n".join([
        "## Steps of the symbolic proof (sympy, `certify.params.lemma10.prove_lemma10_chain`)",
        "", steps, "",
        "## Exact values (protocol δ chosen so that the B·P bound is 1/10, 1/2, 1)",
        "", *rows, "",
    ])
    records = _record_files(context, ["lemma10-chain.json", "lemma10-certified.json"])
    files = records + [("certificates/manifest.json", _sha(context, "certificates/manifest.json"))]
    return ClaimReport(
        key="lemma10", title="Lemma 10", page="lemma10.md", paper_statement=LEMMA10_STATEMENT,
        status=status, status_reason=("the chain (39)→(40)→(38) is proved symbolically for all "
                                      "ε ∈ [0, 1/2), δ ≥ 0" + ("; the certified value functions give a "
                                                               "strictly smaller bound" if strictly_better else "")),
        proved_statement=proved, files=tuple(files),
        recheck=("certify report --claim lemma10", _audit_command(records),
                 "certify params --epsilon 1/10 --json"),
        body=body, summary="P(x*|u*) ≤ (1/3)(1 + 2δ/(1/2−ε)^4): proved; sharper via the certified v")


def _theorem_statement(number: int, equation: str, conclusion: str) -> str:
    return (
        f"**Theorem {number}**. Suppose we are given ε > 0. Set δ > 0 such that\n\n"
        f"(1/3) (1 + 2 √(2δ)/(1/2 − ε)^4) < 1  ({equation})\n\n"
        f"(see Fig. 6). Then {conclusion}\n\n"
        "Reading of the extraction: the square root covers 2δ only, and (1/2 − ε)^4 divides 2√(2δ). "
        "δ is the protocol threshold on L_n (eq. (25)), not the Bell sum B·P."
    )


THEOREM_TEXT = {
    20: ("111", "for any probability distribution p_w(x, z, u, t, e) satisfying Eqs. (71)-(76) there "
                "exists an extractor s(x, t) with |S| = 2^Ω(n^(1/4)) values, such that "
                "d_comp · p(ACC) ≤ 2^(−Ω(n^(1/4))) (112)."),
    27: ("180", "for arbitrary family of probability distributions p_w(x, y, z, u, v, t, j, e) "
                "satisfying conditions (142)-(149) there exists an extractor s(x, y_j, t) with |S| = 2^(n^c) "
                "values for a constant c > 0 (depending on ε) such that d^II_comp · p(ACC) ≤ 2^(−n^c)."),
}


def theorem_claim(context: ReportContext, number: int) -> ClaimReport:
    """Theorem 20 or 27: the parameter condition (111)/(180), exact; the asymptotics are not computable."""
    equation, conclusion = THEOREM_TEXT[number]
    statement = _theorem_statement(number, equation, conclusion)
    key, page = f"theorem{number}", f"theorem{number}.md"
    asymptotic_reason = ("Ω(·) statements and the existence of an extractor"
                         + (" (Rao's extractor [21] has no published explicit constants)" if number == 27 else "")
                         + " are not finite statements a computation can decide")
    if not _params_available():
        claim = _not_yet(key, f"Theorem {number}", page, statement,
                         "certify.params.theorems and certify.params.records (branch `params`)")
        return dataclasses.replace(claim, parts=(
            (f"condition ({equation})", "not yet checked", "certify.params.theorems is not part of this build"),
            ("conclusion (rates)", "not checkable by computation", asymptotic_reason)))
    parameters = importlib.import_module("certify.params.theorems")
    region = parameters.prove_paper_region()
    certified = parameters.prove_certified_region(context.functions)
    b_star = certified["b_star"]
    rows = ["| ε | paper δ_max = (1/2−ε)^8/2 | proof's chain works for δ < (1/2−ε)^8 | certified δ_max "
            "= (1/2−ε)^8·b*^2/2 | certified chain (1/2−ε)^8·b*^2 | ratio certified/paper |",
            "|---|---|---|---|---|---|"]
    for eps in SAMPLE_EPSILONS:
        paper_max = parameters.paper_delta_max(eps)
        chain_sup = parameters.proof_delta_sup(eps)
        certified_max = parameters.certified_delta_max(eps, context.functions)
        ratio = "—" if certified_max is None else str(certified_max / paper_max)
        certified_chain = "—" if b_star is None else parameters.proof_delta_sup(eps, Fraction(b_star))
        rows.append(f"| {eps} | {paper_max} | {chain_sup} | {certified_max} | {certified_chain} | {ratio} |")
    holds = region["holds"] and certified["holds"]
    larger = b_star is not None and Fraction(b_star) > 1
    condition_status = "refuted" if not holds else ("tightened" if larger else "verified")
    condition_reason = ("(" + equation + ") ⇔ δ < (1/2−ε)^8/2 proved symbolically"
                        + (f"; with the certified Lemma 11 the condition can be weakened to "
                           f"δ < (1/2−ε)^8·{b_star}^2/2" if larger else ""))
    proved = (
        f"1. {region['statement']}.\n"
        f"2. {certified['statement']}, with b* = {b_star} (the smallest Bell sum at which a certified "
        f"value function reaches 1; {len(certified['pairs_attaining_b_star'])} pairs reach it there).\n\n"
        "The conclusion of the theorem (Ω(n^(1/4)) rates, existence of the extractor) is not proved here."
    )
    steps = "\n".join(f"* `{name}`: {'holds' if ok else 'FAILS'}"
                      for name, ok in {**region["steps"], **certified["steps"]}.items())
    body = "\n".join([
        f"## The region of condition ({equation})", "", *rows, "",
        "Column 3 (and 5, with the certified Lemma 11) is the supremum of thresholds for which the proof's own chain (γ < 1 at δ + δ_Az, "
        "eq. (94)) works for large n (`certify.params.theorems.proof_delta_sup`): twice the bound that "
        f"({equation}) states (see the [errata](errata.md)).", "",
        "## Steps", "", steps, "",
        "The certified region (b*) is the same for eqs. (111) and (180); its proof record is "
        "`proofs/params/theorem20-region-certified.json` for both theorems.", "",
        "## Finite size", "",
        "`certify params --epsilon E --delta D --json` follows the proof's chain with explicit "
        "constants (interval arithmetic, `certify.params.finite_size`); those numbers depend on readings of "
        "eqs. (90), (121)" + (", (198)" if number == 27 else "") + " listed on the errata page.", "",
    ])
    record = "theorem20-region-paper.json" if number == 20 else "theorem27-region-paper.json"
    records = _record_files(context, [record, "theorem20-region-certified.json"])
    files = records + [("certificates/manifest.json", _sha(context, "certificates/manifest.json"))]
    return ClaimReport(
        key=key, title=f"Theorem {number}", page=page, paper_statement=statement,
        status=condition_status, status_reason=condition_reason + f"; the conclusion: {asymptotic_reason}",
        proved_statement=proved, files=tuple(files),
        recheck=(f"certify report --claim {key}", _audit_command(records),
                 "certify params --epsilon 1/10 --json"), body=body,
        summary=f"condition ({equation}) ⇔ δ < (1/2−ε)^8/2; certified: δ < (1/2−ε)^8·{b_star}^2/2",
        parts=((f"condition ({equation})", condition_status, condition_reason),
               ("conclusion (rates)", "not checkable by computation", asymptotic_reason)))


def local_strategy_count() -> int:
    """Number of deterministic local strategies: prod over parties of outcomes^settings.

    >>> local_strategy_count()
    256
    """
    from certify.lp.expression import paper_bell_expression
    scenario = paper_bell_expression().scenario
    count = 1
    for settings, outcomes in zip(scenario.settings, scenario.outcomes):
        count *= outcomes ** settings
    return count


def local_bound_of_paper_expression() -> Fraction:
    """min of B.P over the 4^4 deterministic local strategies (eq. (5): the paper says 2)."""
    from certify.lp.expression import paper_bell_expression
    expression = paper_bell_expression()
    scenario = expression.scenario
    best = None
    functions = list(product((0, 1), repeat=2))  # outcome for setting 0, for setting 1
    for strategy in product(functions, repeat=4):
        box = [0] * scenario.num_probabilities
        for setting in scenario.setting_tuples:
            outcome = tuple(strategy[i][setting[i]] for i in range(4))
            box[scenario.index(setting, outcome)] = 1
        value = expression.value(box)
        best = value if best is None else min(best, value)
    return best


def _polynomial_text(expression) -> str:
    """A sympy polynomial as readable text: ``4 - 4*V`` -> ``4 − 4·V``."""
    return str(expression).replace("**", "^").replace("*", "·").replace(" - ", " − ")


QUANTUM_STATEMENT = (
    "**Eqs. (8)-(10)** (Section II B). |Ψ⟩ = (|φ⁻⟩|φ̃⁺⟩ + |ψ⁺⟩|ψ̃⁻⟩)/√2 (8) with "
    "|φ⁻⟩ = (|00⟩ − |11⟩)/√2, |ψ⁺⟩ = (|01⟩ + |10⟩)/√2, |φ̃⁺⟩ = (|0⟩|+⟩ + |1⟩|−⟩)/√2, "
    "|ψ̃⁻⟩ = (|0⟩|−⟩ − |1⟩|+⟩)/√2; measurements in the X basis (9) for u_i = 0 and the Z basis (10) "
    "for u_i = 1. \"These measurements on |Ψ⟩ lead to the algebraic violation of the inequality, "
    "i.e., the sum of the probabilities appearing in the inequality is zero.\" Also (eq. (5)): "
    "\"The local hidden variable bound is 2 and there exist no-signaling distributions that reach "
    "the algebraic limit of 0.\""
)


def quantum_box_claim(context: ReportContext) -> ClaimReport:
    """The quantum realisation of eq. (8), exactly (sympy, :mod:`certify.simulation.quantum_box`)."""
    import sympy

    from certify.simulation import quantum_box

    box = quantum_box.quantum_box_fractions()
    scenario = context.expression.scenario
    bell = quantum_box.bell_sum(box)
    no_signalling = context.system.contains(box)
    visibility, flip = sympy.Symbol("V"), sympy.Symbol("p")
    white_polynomial = sympy.expand(quantum_box.white_noise_bell_value(visibility))
    flip_polynomial = sympy.expand(quantum_box.bit_flip_bell_value(flip))
    white = _polynomial_text(white_polynomial)
    bit_flip = _polynomial_text(flip_polynomial)
    if sympy.expand(white_polynomial - 4 * (1 - visibility)) == 0:
        white += " = 4(1 − V)"
    if sympy.expand(flip_polynomial - 4 * (1 - (1 - 2 * flip) ** 4)) == 0:
        bit_flip += " = 4(1 − (1 − 2p)^4)"
    local = local_bound_of_paper_expression()
    denominators = sorted({value.denominator for value in box if value})
    flipped = [box[scenario.index(setting, (1 - outcome[0],) + outcome[1:])]
               for setting in scenario.setting_tuples for outcome in scenario.outcome_tuples]
    flipped_bell = quantum_box.bell_sum(flipped)
    holds = bell == 0 and no_signalling and local == 2
    status = "verified" if holds else "refuted"
    rows = ["| setting u | in | outcomes x with P(x\\|u) > 0 | P(x\\|u) |", "|---|---|---|---|"]
    from certify.lp.expression import PAPER_U0, PAPER_U1
    for setting in scenario.setting_tuples:
        text = "".join(map(str, setting))
        start = scenario.setting_index(setting) * scenario.num_outcome_tuples
        support = [(scenario.pair_key(start + k).split("|")[1], box[start + k])
                   for k in range(scenario.num_outcome_tuples) if box[start + k]]
        values = sorted({v for _, v in support})
        where = "U0" if text in PAPER_U0 else ("U1" if text in PAPER_U1 else "—")
        rows.append(f"| {text} | {where} | {' '.join(x for x, _ in support)} | "
                    f"{', '.join(str(v) for v in values)} |")
    proved = (
        f"The {len(box)} probabilities of |Ψ⟩ under these measurements are rational (denominators "
        f"{', '.join(map(str, denominators))}); the box is {'no-signalling' if no_signalling else 'NOT no-signalling'} "
        f"(exact check of all {len(context.system.rows)} rows) and its plain Bell sum is B·P = {bell}. "
        f"White noise of visibility V gives B·P = {white}; an independent flip of each output bit "
        f"with probability p gives B·P = {bit_flip} (both exact polynomials from the noisy boxes). "
        f"The minimum of B·P over the {local_strategy_count()} deterministic local strategies is {local} (eq. (5)). "
        f"Flipping party 1's outcome in the quantum box gives B·P = {flipped_bell}, so B·P takes "
        f"every value in [{bell}, {flipped_bell}] on no-signalling boxes (mixtures)."
    )
    body = "\n".join(["## The box", "", *rows, ""])
    return ClaimReport(
        key="quantum-box", title="Quantum box of eq. (8)", page="quantum-box.md",
        paper_statement=QUANTUM_STATEMENT, status=status,
        status_reason=("B·P = 0 exactly, the box is no-signalling, and the local bound of eq. (5) is 2"
                       if holds else "see the exact values below"),
        proved_statement=proved, files=(),
        recheck=("certify report --claim quantum-box",), body=body,
        summary=f"B·P = {bell} exactly; white noise {white}; bit flip {bit_flip}; local bound {local}")


def _sha(context: ReportContext, repository_path: str) -> str:
    from certify.builder.jsonio import sha256_file
    return sha256_file(context.certificates_dir.parent / repository_path)

