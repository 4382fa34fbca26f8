"""Lemma 11 pages: the claim, the value-function table and hand-checkable proofs.

Lemma 11 of the paper (eqs. (41)-(42)): for every four-party no-signalling
box with B.P <= δ (eq. (41) divides both sides by |U|, which cancels),

    P(x*|u*) <= (1 + 2δ)/3                                           (42)

for every setting u* and outcome x*. A certificate with multipliers y over
the named rows R_r(P) = A_r.P - b_r (normalisation ``norm[u]``:
sum_x P(x|u) - 1; no-signalling ``ns[party i, u, x_-i]``) and slope λ proves

    P(x*|u*) = a + λ B.P + sum_r y_r R_r(P) - sum_j s_j P_j              (*)

identically in P, with every slack s_j >= 0 and a = sum of y over the
normalisation rows. On a no-signalling box every R_r(P) = 0 and P_j >= 0,
so P(x*|u*) <= a + λ B.P. :func:`inequality_proof` recomputes y, s and a
exactly from a certificate and checks (*) coefficient by coefficient; the
pages print exactly these numbers.

>>> import pathlib
>>> root = pathlib.Path(__file__).resolve().parents[2]
>>> from certify.report.context import ReportContext
>>> context = ReportContext(root / "certificates", root / "proofs")
>>> proof = inequality_proof(context, "0001|0000", "paper_claim")
>>> proof.bound, proof.slope, len(proof.multipliers) > 0, all(s > 0 for _, s in proof.slacks)
(Fraction(0, 1), Fraction(2, 3), True, True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from certify.builder.verify import PAPER_CONSTANT, PAPER_SLOPE, exact
from certify.errors import ClaimNotProven
from certify.report.claim import (ClaimReport, fraction_tex, line_tex, line_text,
                                  markdown_cell, relative_link)
from certify.report.context import PairKind, ReportContext

__all__ = ["InequalityProof", "inequality_proof", "lemma11_claim", "lemma11_proof_pages",
           "lemma11_proofs_tex", "value_function_table_tex", "proof_page_name", "row_tex"]

PAPER_STATEMENT = (
    "**Lemma 11** (Section IV B 1). Consider a four-partite no-signalling box P(x|u) satisfying\n"
    "\n"
    "B_U := (1/|U|) B.{P(x|u)} ≤ δ/|U|,  (41)\n"
    "\n"
    "for some δ ≥ 0, with B the indicator vector for the Bell expression in Eq. (5) and |U| = 16 "
    "the number of settings in the Bell expression. For any measurement setting u* and any output "
    "x*, we have\n"
    "\n"
    "P(x*|u*) ≤ (1 + 2δ)/3.  (42)\n"
    "\n"
    "The proof (eqs. (43)-(45)) finds, for each (u*, x*), a feasible point of the dual linear "
    "program with value at most (1 + 2δ)/3; the multipliers are not printed in the paper."
)


@dataclass(frozen=True)
class InequalityProof:
    """``P(x*|u*) <= bound + slope * B.P`` written out as in (*) of the module docstring.

    ``multipliers``: ``(row index, row name, y_r)``; ``slacks``: ``(probability
    index, s_j)`` for the non-zero s_j; ``columns``: for every probability
    index j, the rows through j with their multipliers, the target term and
    the Bell term, so a referee can redo each column sum by hand.
    """

    pair: str
    which: str
    slope: Fraction
    bound: Fraction
    multipliers: tuple[tuple[int, str, Fraction], ...]
    slacks: tuple[tuple[int, Fraction], ...]
    columns: tuple[tuple[int, tuple[tuple[int, int, Fraction], ...], Fraction, Fraction, Fraction], ...]


def _certificate_of(document: dict, which: str) -> tuple[Fraction, dict]:
    if which == "paper_claim":
        return PAPER_SLOPE, document["paper_claim"]["certificate"]
    match = re.fullmatch(r"piece(\d+)", which)
    if not match:
        raise ValueError(f"which: expected 'paper_claim' or 'piece<i>', got {which!r}")
    piece = document["value_function"]["pieces"][int(match.group(1))]
    return exact(piece["slope"], "slope"), piece["certificate"]


def inequality_proof(context: ReportContext, pair: str, which: str) -> InequalityProof:
    """Recompute multipliers, slacks and the bound of one stored certificate exactly.

    Args:
        context: the loaded certificates.
        pair: ``"u1u2u3u4|x1x2x3x4"``.
        which: ``"paper_claim"`` (slope 2/3) or ``"piece<i>"`` (value-function piece i).

    Raises :class:`ClaimNotProven` if (*) fails (a negative slack or a bound
    that is not the sum over the normalisation rows): it cannot for a file
    that passed the builder's check, so this is a second, independent
    recomputation.
    """
    document = context.documents[pair]
    slope, certificate = _certificate_of(document, which)
    system = context.system
    scenario = context.expression.scenario
    target = scenario.index_of_key(pair)
    bell = context.expression.dense()
    multipliers = {int(r): exact(v, "multiplier") for r, v in certificate["multipliers"]}
    rows_through: dict[int, list[tuple[int, int, Fraction]]] = {j: [] for j in range(scenario.num_probabilities)}
    for r, y in multipliers.items():
        for j, a in system.rows[r]:
            rows_through[j].append((r, a, y))
    slacks, columns = [], []
    for j in range(scenario.num_probabilities):
        combination = sum((a * y for _, a, y in rows_through[j]), Fraction(0))
        target_term = Fraction(1 if j == target else 0)
        bell_term = slope * bell[j]
        slack = combination - target_term + bell_term
        if slack < 0:
            raise ClaimNotProven(f"{pair} {which}: slack at {scenario.pair_key(j)} is {slack} < 0")
        if slack:
            slacks.append((j, slack))
        columns.append((j, tuple(rows_through[j]), target_term, bell_term, slack))
    bound = sum((y for r, y in multipliers.items() if r < system.num_normalisation_rows), Fraction(0))
    if bound != exact(certificate["bound"], "bound"):
        raise ClaimNotProven(f"{pair} {which}: multipliers give {bound}, the file says {certificate['bound']}")
    named = tuple((r, system.names[r], y) for r, y in sorted(multipliers.items()))
    return InequalityProof(pair, which, slope, bound, named, tuple(slacks), tuple(columns))


def row_tex(name: str) -> str:
    """LaTeX symbol of a named row: ``N_{u}`` or ``\\mathrm{NS}^{(i)}_{u;\\,x_{-i}}``.

    >>> row_tex("norm[0101]"), row_tex("ns[party 2, u=0100, x_-2=011]")
    ('N_{0101}', '\\\\mathrm{NS}^{(2)}_{0100;011}')
    """
    match = re.fullmatch(r"norm\[(\d+)\]", name)
    if match:
        return f"N_{{{match.group(1)}}}"
    match = re.fullmatch(r"ns\[party (\d+), u=(\d+), x_-\d+=(\d+)\]", name)
    if match:
        return f"\\mathrm{{NS}}^{{({match.group(1)})}}_{{{match.group(2)};{match.group(3)}}}"
    raise ValueError(f"row name {name!r} is not a normalisation or no-signalling row")


def _probability_tex(context: ReportContext, j: int) -> str:
    setting, outcome = context.expression.scenario.pair_key(j).split("|")
    return f"P({outcome}|{setting})"


def _signed_terms(terms: list[tuple[Fraction, str]]) -> list[str]:
    """``[(coefficient, symbol)]`` -> LaTeX summands with explicit signs, first one included."""
    out = []
    for coefficient, symbol in terms:
        sign = "-" if coefficient < 0 else "+"
        magnitude = abs(coefficient)
        factor = "" if magnitude == 1 else fraction_tex(magnitude) + "\\,"
        out.append(f"{sign} {factor}{symbol}")
    return out


def _aligned_lines(summands: list[str], per_line: int) -> list[str]:
    lines = []
    for start in range(0, len(summands), per_line):
        lines.append("&\\quad " + " ".join(summands[start:start + per_line]))
    return lines


def identity_tex(context: ReportContext, proof: InequalityProof, per_line: int = 4) -> list[str]:
    """The identity (*) as the lines of an ``aligned``/``align*`` body."""
    setting, outcome = proof.pair.split("|")
    bell = f"{fraction_tex(proof.slope)}\\, B\\cdot P" if proof.slope else ""
    if proof.bound and bell:
        head = f"P({outcome}|{setting}) &= {fraction_tex(proof.bound)} + {bell}"
    else:
        head = f"P({outcome}|{setting}) &= {bell or fraction_tex(proof.bound)}"
    rows = _signed_terms([(y, row_tex(name)) for _, name, y in proof.multipliers])
    slacks = _signed_terms([(-s, _probability_tex(context, j)) for j, s in proof.slacks])
    body = [head]
    body += _aligned_lines(rows, per_line)
    body += _aligned_lines(slacks, per_line)
    return [line + (" \\\\" if i + 1 < len(body) else "") for i, line in enumerate(body)]


def _row_meaning(name: str) -> str:
    match = re.fullmatch(r"norm\[(\d+)\]", name)
    if match:
        return f"Σ_x P(x|{match.group(1)}) − 1"
    match = re.fullmatch(r"ns\[party (\d+), u=(\d+), x_-\d+=(\d+)\]", name)
    party, setting, rest = int(match.group(1)), match.group(2), match.group(3)
    reference = setting[:party - 1] + "0" + setting[party:]
    pattern = rest[:party - 1] + "·" + rest[party - 1:]
    return f"Σ_(x_{party}) P({pattern}|{setting}) − Σ_(x_{party}) P({pattern}|{reference})"


def _proof_section(context: ReportContext, proof: InequalityProof, heading: str) -> list[str]:
    scenario = context.expression.scenario
    setting, outcome = proof.pair.split("|")
    lines = [
        f"### {heading}",
        "",
        f"Claim: for every no-signalling box P, P({outcome}|{setting}) ≤ "
        f"{line_text(proof.bound, proof.slope, 'B·P')}.",
        "",
        f"{len(proof.multipliers)} multipliers y_r on named rows, {len(proof.slacks)} non-zero "
        "positivity slacks s_j. The identity below holds for every vector P (compare the "
        "coefficient of each P(x|u); the column table does exactly that). On a no-signalling box "
        "every row N_u, NS^(i) is 0 and every P(x|u) ≥ 0, which gives the claim.",
        "",
        "```math",
        "\\begin{aligned}",
        *identity_tex(context, proof),
        "\\end{aligned}",
        "```",
        "",
        "<details><summary>Multipliers (row, meaning, y_r)</summary>",
        "",
        "| row | name | R_r(P) | y_r |",
        "|---|---|---|---|",
    ]
    for r, name, y in proof.multipliers:
        lines.append(f"| {r} | `{markdown_cell(name)}` | {markdown_cell(_row_meaning(name))} | {y} |")
    lines += [
        "",
        "</details>",
        "",
        "<details><summary>Column check: for each P(x|u), Σ_r y_r A_rj − [target] + λ·B_j = s_j ≥ 0</summary>",
        "",
        "| P(x\\|u) | rows through it: y_r·A_rj | target | λ·B_j | s_j |",
        "|---|---|---|---|---|",
    ]
    for j, rows, target_term, bell_term, slack in proof.columns:
        setting_j, outcome_j = scenario.pair_key(j).split("|")
        contributions = ", ".join(f"{r}: {a * y}" for r, a, y in rows) or "none"
        lines.append(f"| P({outcome_j}\\|{setting_j}) | {contributions} | {target_term} | {bell_term} | {slack} |")
    lines += ["", "</details>", ""]
    return lines


def proof_page_name(kind: PairKind) -> str:
    return f"lemma11-proof-{kind.file_stem}.md"


def _which_list(kind: PairKind) -> list[tuple[str, str]]:
    entries = [("paper_claim", "Paper's slope 2/3 (eq. (42))")]
    function = kind.function
    for i, (constant, slope) in enumerate(function.pieces):
        start = function.breakpoints[i][0]
        end = function.breakpoints[i + 1][0] if i + 1 < len(function.breakpoints) else None
        domain = f"[{start}, {end}]" if end is not None else f"[{start}, ∞)"
        entries.append((f"piece{i}", f"Value-function piece {i}: v(δ) ≤ {line_text(constant, slope)}, "
                                     f"tight on δ ∈ {domain}"))
    return entries


def lemma11_proof_pages(context: ReportContext) -> dict[str, str]:
    """One Markdown page per kind of pair: every certificate of its representative written out."""
    pages = {}
    for kind in context.kinds:
        setting, outcome = kind.representative.split("|")
        certificate = f"certificates/lemma11/{kind.file_stem}.json"
        lines = [
            f"# Lemma 11, hand-checkable proof for P({outcome}|{setting}) and its orbit",
            "",
            f"Representative pair u* = {setting}, x* = {outcome}; the same statements hold for all "
            f"{len(kind.members)} pairs of its orbit under the {len(context.kinds)}-orbit symmetry group "
            "of B (each pair has its own certificate file).",
            "",
            f"Certificate: [`{certificate}`]({relative_link(certificate)}); re-check: "
            f"`certify audit {certificate}`.",
            "",
            "Rows (see `docs/certificate-format.md`): N_u = Σ_x P(x|u) − 1 (normalisation) and "
            "NS^(i)_(u;x_−i) = Σ_(x_i) P(x|u) − Σ_(x_i) P(x|u with u_i = 0) for u_i = 1 "
            f"(no-signalling of party i). B·P is the plain Bell sum of eq. (7), between 0 and "
            f"{context.bell_sum_maximum}.",
            "",
        ]
        for which, heading in _which_list(kind):
            lines += _proof_section(context, inequality_proof(context, kind.representative, which), heading)
        lines += ["[Back to Lemma 11](lemma11.md) · [Index](index.md)", ""]
        pages[proof_page_name(kind)] = "\n".join(lines)
    return pages


def _segments_text(kind: PairKind) -> str:
    function = kind.function
    segments = []
    for i, (constant, slope) in enumerate(function.pieces):
        start = function.breakpoints[i][0]
        end = function.breakpoints[i + 1][0] if i + 1 < len(function.breakpoints) else None
        domain = f"[{start}, {end}]" if end is not None else f"[{start}, ∞)"
        segments.append(f"{line_text(constant, slope)} on {domain}")
    return "; ".join(segments)


def _tight_points(context: ReportContext, kind: PairKind) -> str:
    """Where v(δ) = (1 + 2δ)/3. v is concave and piecewise linear, the paper's
    line is linear, so the set where they agree is found from the breakpoints
    and the pieces."""
    if any(piece == (PAPER_CONSTANT, PAPER_SLOPE) for piece in kind.function.pieces):
        return "on a whole piece"
    points = [d for d, v in kind.function.breakpoints if v == context.paper_line(d)]
    return ("only at δ = " + ", ".join(str(d) for d in points)) if points else "nowhere"


def lemma11_claim(context: ReportContext) -> ClaimReport:
    """The Lemma 11 claim record, every number read from the certificates."""
    kinds = context.kinds
    pairs = len(context.documents)
    holds = context.paper_bound_holds
    strictly_better_somewhere = any(context.envelope_value(d) < context.paper_line(d)
                                    for d, _ in context.envelope if d > 0)
    status = "refuted" if not holds else ("tightened" if strictly_better_somewhere else "verified")
    envelope_text = ", ".join(f"({d}, {v})" for d, v in context.envelope)
    envelope_lines = "; ".join(
        f"{line_text(a, s)}" + (f" on [{context.envelope[i][0]}, {context.envelope[i + 1][0]}]"
                                if i + 1 < len(context.envelope) else f" from δ = {context.envelope[i][0]} on")
        for i, (a, s) in enumerate(context.envelope_pieces))
    saturation = context.saturation_bell_value
    proved = (
        f"For each of the {pairs} pairs (u*, x*) and every no-signalling box P of the four-party, "
        "two-setting, two-outcome scenario:\n\n"
        "1. P(x*|u*) ≤ c + (2/3)·B·P with the pair's constant c ≤ 1/3 (column *best c at slope 2/3*; "
        "hence eq. (42) for every δ ≥ 0 at once), and c is attained by a stored no-signalling box;\n"
        "2. the exact value function v(δ) = max {P(x*|u*) : P no-signalling, B·P ≤ δ} is the "
        "piecewise-linear function in the table below: each piece is a certified upper bound for "
        "all δ, and each breakpoint is attained by a stored box.\n\n"
        f"Uniformly over pairs: max over (u*, x*) of v(δ) = {envelope_lines} "
        f"(breakpoints {envelope_text})."
    )
    reason = (f"all {pairs} certificates prove the paper's bound"
              + ("; the exact value functions are strictly below (1 + 2δ)/3 for every δ > 0"
                 if status == "tightened" else ""))
    table = [
        "## Kinds of pairs (orbits of the symmetry group of B)",
        "",
        "| pairs | which pairs | representative | best c at slope 2/3 | exact v(δ) | v = (1+2δ)/3 | proof |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in kinds:
        file = f"certificates/lemma11/{kind.file_stem}.json"
        table.append(
            f"| {len(kind.members)} | {context.kind_description(kind)} | "
            f"[`{markdown_cell(kind.representative)}`]({relative_link(file)}) | "
            f"{kind.paper_bound} | {_segments_text(kind)} | {_tight_points(context, kind)} | "
            f"[written out]({proof_page_name(kind)}) |")
    table += [
        "",
        _saturation_sentence(context, saturation),
        "",
        "## Comparison with the paper at a few Bell values",
        "",
        "| δ = B·P bound | paper (1+2δ)/3 | max over pairs of v(δ) |",
        "|---|---|---|",
    ]
    samples = sorted({Fraction(0), Fraction(1, 10), Fraction(1, 2), Fraction(1)}
                     | {d for d, _ in context.envelope})
    for d in samples:
        table.append(f"| {d} | {context.paper_line(d)} | {context.envelope_value(d)} |")
    members = ["", "<details><summary>Members of each kind</summary>", ""]
    for kind in kinds:
        members.append(f"* {kind.representative} ({len(kind.members)}): "
                       + ", ".join(f"`{key}`" for key in kind.members))
    members += ["", "</details>", ""]
    files = [("certificates/manifest.json", _sha(context, "certificates/manifest.json"))]
    files += [(f"certificates/lemma11/{_stem(key)}.json", _sha(context, f"certificates/lemma11/{_stem(key)}.json"))
              for key in sorted(context.documents)]
    body = "\n".join(table + members)
    return ClaimReport(
        key="lemma11", title="Lemma 11", page="lemma11.md", paper_statement=PAPER_STATEMENT,
        status=status, status_reason=reason, proved_statement=proved, files=tuple(files),
        recheck=("certify audit certificates/lemma11",), body=body,
        summary=(f"P(x*|u*) ≤ (1+2δ)/3 under B·P ≤ δ: holds for all {pairs} pairs; exact bound "
                 f"{'; '.join(line_text(a, s) for a, s in context.envelope_pieces)} (breakpoints "
                 f"{envelope_text})"))


def _saturation_sentence(context: ReportContext, saturation) -> str:
    """Where v reaches 1, read from the envelope and checked on every pair."""
    if saturation is None:
        return "No pair reaches v = 1."
    everyone = all(function.evaluate(saturation) == 1 for function in context.functions.values())
    return (f"Some pair reaches v(δ) = 1 first at δ = {saturation}, so no no-signalling box with "
            f"B·P < {saturation} makes any outcome certain; "
            + ("every pair has v = 1 from there on." if everyone else "not every pair reaches 1 there."))


def _stem(key: str) -> str:
    setting, outcome = key.split("|")
    return f"u{setting}-x{outcome}"


def _sha(context: ReportContext, repository_path: str) -> str:
    from certify.builder.jsonio import sha256_file
    return sha256_file(context.certificates_dir.parent / repository_path)


def value_function_table_tex(context: ReportContext) -> list[str]:
    """booktabs table of the value functions, one row per kind."""
    lines = [
        "\\begin{tabular}{rlll}",
        "\\toprule",
        "pairs & representative $u^*|x^*$ & best $c$ at slope $\\tfrac23$ & $v(\\delta)$ \\\\",
        "\\midrule",
    ]
    for kind in context.kinds:
        function = kind.function
        parts = []
        for i, (constant, slope) in enumerate(function.pieces):
            start = function.breakpoints[i][0]
            end = function.breakpoints[i + 1][0] if i + 1 < len(function.breakpoints) else None
            domain = (f"[{fraction_tex(start)}, {fraction_tex(end)}]" if end is not None
                      else f"[{fraction_tex(start)}, \\infty)")
            parts.append(f"${line_tex(constant, slope)}$ on ${domain}$")
        setting, outcome = kind.representative.split("|")
        lines.append(f"{len(kind.members)} & ${setting}|{outcome}$ & ${fraction_tex(kind.paper_bound)}$ & "
                     + "; ".join(parts) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return lines


def lemma11_proofs_tex(context: ReportContext) -> list[str]:
    """LaTeX body: for each kind, the paper-claim and value-function certificates as identities (*)."""
    lines = [
        "\\section{Lemma 11: certified inequalities}",
        "Rows: $N_u = \\sum_x P(x|u) - 1$ and "
        "$\\mathrm{NS}^{(i)}_{u;x_{-i}} = \\sum_{x_i} P(x|u) - \\sum_{x_i} P(x|u_{i\\to 0})$ "
        f"for $u_i = 1$; $B\\cdot P$ is the plain Bell sum of eq.~(7), $0 \\le B\\cdot P \\le {context.bell_sum_maximum}$. "
        "Each identity holds for every vector $P$; on a no-signalling box all $N$ and $\\mathrm{NS}$ "
        "vanish and $P \\ge 0$, so dropping the last (non-positive) terms gives the bound.",
        "",
        "\\begin{center}",
        *value_function_table_tex(context),
        "\\end{center}",
    ]
    for kind in context.kinds:
        setting, outcome = kind.representative.split("|")
        lines += ["", f"\\subsection{{Pairs of the orbit of $u^*={setting}$, $x^*={outcome}$ "
                      f"({len(kind.members)} pairs)}}"]
        for which, heading in _which_list(kind):
            proof = inequality_proof(context, kind.representative, which)
            caption = heading.replace("δ", "$\\delta$").replace("∞", "$\\infty$").replace("≤", "$\\le$") \
                .replace("∈", "$\\in$")
            lines += [
                "",
                f"\\paragraph{{{caption}.}} {len(proof.multipliers)} multipliers, "
                f"{len(proof.slacks)} positivity slacks.",
                "{\\small",
                "\\begin{align*}",
                *identity_tex(context, proof),
                "\\end{align*}}",
            ]
    return lines
