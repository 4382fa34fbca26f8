"""Proof documents under ``proofs/``, generated from the stored certificates.

Each writer reads ``certificates/`` (already written and checked) and writes
deterministic Markdown/JSON. ``write_proofs`` runs them all.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from certify.certificate import PAPER_CONSTANT, PAPER_SLOPE
from certify.certificate_store import load_lemma11, value_function_of
from certify.jsonio import sha256_file, write_atomic
from certify.value_function import upper_envelope

__all__ = ["write_proofs", "lemma11_summary", "PROOF_WRITERS"]


def _line(constant: Fraction, slope: Fraction) -> str:
    if slope == 0:
        return str(constant)
    if constant == 0:
        return f"{slope}·δ"
    return f"{constant} + {slope}·δ"


def lemma11_summary(certificates_dir: Path) -> dict:
    """Kinds of pairs (same value function and paper bound), tightness of the
    paper's (1+2δ)/3, and the best bound uniform over pairs."""
    documents = load_lemma11(certificates_dir)
    kinds: dict[tuple, list[str]] = defaultdict(list)
    functions = {}
    for key, document in documents.items():
        function = value_function_of(document)
        functions[key] = function
        paper_bound = Fraction(document["paper_claim"]["certificate"]["bound"])
        kinds[(paper_bound, function.breakpoints, function.pieces)].append(key)
    envelope = upper_envelope(functions.values())
    holds = all(Fraction(d["paper_claim"]["certificate"]["bound"]) <= PAPER_CONSTANT for d in documents.values())
    return {"pairs": len(documents), "paper_bound_holds": holds, "kinds": kinds, "envelope": envelope}


def _tight_at(breakpoints, pieces) -> str:
    """Where v(δ) = (1+2δ)/3: v is concave and the paper's line is linear, so
    they can meet on at most one interval; check each breakpoint and piece."""
    tight_points = [d for d, v in breakpoints if v == PAPER_CONSTANT + PAPER_SLOPE * d]
    same_line = [(a, s) for a, s in pieces if (a, s) == (PAPER_CONSTANT, PAPER_SLOPE)]
    if same_line:
        return "on a whole piece"
    if tight_points:
        return "only at δ = " + ", ".join(str(d) for d in tight_points)
    return "nowhere"


def write_lemma11_report(proofs_dir: Path, certificates_dir: Path) -> list[Path]:
    summary = lemma11_summary(certificates_dir)
    lines = [
        "# Lemma 11: output probabilities of no-signalling boxes with a small Bell value",
        "",
        "**Paper (Section IV B, eqs. (41)-(42))**: for every four-party no-signalling box with",
        "B·P ≤ δ (B of eq. (7); B·P is the plain sum over the 8 settings of U0 ∪ U1, so",
        "0 ≤ B·P ≤ 8; the paper's |U| = 16 counts settings that do not occur), every setting",
        "u* and outcome x* satisfy P(x*|u*) ≤ (1 + 2δ)/3.",
        "",
        f"**Status**: {'verified' if summary['paper_bound_holds'] else 'REFUTED'} for all "
        f"{summary['pairs']} pairs, and tightened (see below).",
        "",
        "Each pair's certificate proves the linear inequality P(x*|u*) ≤ c + (2/3)·B·P for every",
        "no-signalling box with c ≤ 1/3 (hence the lemma for every δ ≥ 0 at once), and gives the",
        "exact value function v(δ) = max P(x*|u*) subject to B·P ≤ δ with a dual certificate per",
        "piece and an exact witness box per breakpoint.",
        "",
        "## Kinds of pairs",
        "",
        "| pairs | example | best c at slope 2/3 | v(δ) | paper's bound tight |",
        "|---|---|---|---|---|",
    ]
    for (paper_bound, breakpoints, pieces), keys in sorted(summary["kinds"].items(), key=lambda kv: kv[1][0]):
        segments = []
        for i, (a, s) in enumerate(pieces):
            start = breakpoints[i][0]
            end = breakpoints[i + 1][0] if i + 1 < len(breakpoints) else None
            domain = f"[{start}, {end}]" if end is not None else f"[{start}, ∞)"
            segments.append(f"{_line(a, s)} on {domain}")
        example = keys[0]
        file = f"../certificates/lemma11/u{example.split('|')[0]}-x{example.split('|')[1]}.json"
        shown = example.replace("|", "\\|")  # a bare | would split the table cell
        lines.append(f"| {len(keys)} | [`{shown}`]({file}) | {paper_bound} | {'; '.join(segments)} | "
                     f"{_tight_at(breakpoints, pieces)} |")
    envelope = summary["envelope"]
    lines += [
        "",
        "## Best bound uniform over all pairs",
        "",
        "The pointwise maximum over all 256 pairs of v(δ) (exact; breakpoints (δ, value)): "
        + ", ".join(f"({d}, {v})" for d, v in envelope) + ", constant afterwards.",
        "",
        "Compared with the paper's (1 + 2δ)/3, the certificates give the sharper uniform bound "
        "above; the two agree only where listed in the last column of the table.",
        "",
        "## Re-check",
        "",
        "```",
        "certify audit certificates/lemma11",
        "```",
        "",
        "Certificate set: `certificates/manifest.json` (SHA-256 "
        f"`{sha256_file(Path(certificates_dir) / 'manifest.json')}`).",
        "",
    ]
    path = Path(proofs_dir) / "lemma11.md"
    write_atomic(path, "\n".join(lines))
    return [path]


PROOF_WRITERS = [write_lemma11_report]


def write_proofs(proofs_dir: Path, certificates_dir: Path) -> list[Path]:
    """Run every proof writer; returns the files written."""
    Path(proofs_dir).mkdir(parents=True, exist_ok=True)
    written = []
    for writer in PROOF_WRITERS:
        written.extend(writer(Path(proofs_dir), Path(certificates_dir)))
    return written


# -- N-party families (issue 7) ----------------------------------------------------------

def parity_box(expression) -> list[Fraction]:
    """The no-signalling box ``P(x|u) = 2^(1-N) [parity(x) = f(u)]`` that wins every
    setting of a binary parity game (f(u) = the winning parity, 0 where both win).

    Summing out any one party leaves the uniform distribution 2^(1-N) on the
    others, independent of every setting, so the box is no-signalling.
    """
    scenario = expression.scenario
    n = scenario.num_parties
    box = []
    for setting in scenario.setting_tuples:
        losing = {sum(x) % 2 for x in scenario.outcome_tuples
                  if scenario.index(setting, x) in expression.coefficients}
        winning = 1 if losing == {0} else 0
        if len(losing) == 2:
            raise ValueError("not a parity game: both parities lose at a setting")
        for outcome in scenario.outcome_tuples:
            box.append(Fraction(1, 2 ** (n - 1)) if sum(outcome) % 2 == winning else Fraction(0))
    return box


FAMILY_LP_MAX_PARTIES = 6
"""Largest N whose max output probability is computed at regeneration (the
reduced LPs for N = 7, 8 take minutes: ``benchmarks/bench_expressions.py``)."""


def family_rows(certificates_dir: Path, max_lp_parties: int = FAMILY_LP_MAX_PARTIES) -> list[dict]:
    """One row per N-party family member: exact local bound, no-signalling optimum
    (0: coefficients are >= 0 and :func:`parity_box` attains 0, checked exactly
    with integer arithmetic), and the largest output probability at the optimum
    (symmetry-reduced exact LPs, :mod:`certify.symmetric_lp`, up to
    ``max_lp_parties``; 1 wherever a deterministic box wins every round)."""
    from certify.expression_library import FAMILIES
    from certify.local_bound import local_bound
    from certify.symmetric_lp import parity_family_targets, reduced_max_output_at_optimum

    rows = []
    for name, build in FAMILIES.items():
        expression = build()
        n = expression.scenario.num_parties
        if n < 3:
            continue
        local = local_bound(expression)
        box = parity_box(expression)
        if not (all(v >= 0 for v in expression.coefficients.values()) and expression.value(box) == 0
                and _is_no_signalling_box(expression.scenario, box)):
            raise ValueError(f"{name}: the parity box does not certify the no-signalling optimum 0")
        max_output, source, attained = None, "not computed at regeneration (see benchmarks)", ""
        if local.value == 0:
            max_output, source = Fraction(1), "a deterministic local box wins every round"
        elif n <= max_lp_parties:
            targets = parity_family_targets(expression)
            max_output, target, values = reduced_max_output_at_optimum(expression, targets, Fraction(0))
            source = f"reduced exact LPs, {len(values)} representative pairs"
            attained = expression.scenario.pair_key(target)
        rows.append({"name": name, "parties": n, "probabilities": expression.scenario.num_probabilities,
                     "local_bound": local.value, "strategy": " ".join("".join(map(str, s)) for s in local.strategy),
                     "ns_optimum": Fraction(0), "max_output": max_output, "attained": attained, "source": source})
    return rows


def _is_no_signalling_box(scenario, box) -> bool:
    """Exact membership test with integer arithmetic over the common denominator."""
    from math import lcm

    from certify.no_signalling import NoSignallingSystem

    if any(p < 0 for p in box):
        return False
    denominator = lcm(*(Fraction(p).denominator for p in box))
    scaled = [int(Fraction(p) * denominator) for p in box]
    system = NoSignallingSystem.build(scenario)
    return all(sum(a * scaled[j] for j, a in row) == b * denominator
               for row, b in zip(system.rows, system.right_hand_sides))


def write_families_report(proofs_dir: Path, certificates_dir: Path) -> list[Path]:
    rows = family_rows(certificates_dir)
    lines = [
        "# N-party families: local bound, no-signalling optimum, output probabilities",
        "",
        "Penalty form (probability sum of losing, to be minimised), binary parties.",
        "`paper-nN`: settings of Hamming weight 1 lose on even output parity, weight N-1 on odd parity",
        "(eq. (7) for N = 4). `mermin-nN`: settings with an even number w of ones lose when the parity",
        "differs from (w/2) mod 2 (M_N = Re[(X + iY)^N]).",
        "",
        "* local bound: exact minimum over all deterministic strategies (`certify.local_bound`); one optimal",
        "  strategy is listed (party i's outcome for setting 0 then 1).",
        "* no-signalling optimum: 0, since every coefficient is >= 0 and the box",
        "  P(x|u) = 2^(1-N)[parity(x) wins at u] is no-signalling (checked exactly against every row) with penalty 0.",
        "* Bell inequality: the two bounds differ.",
        "* max P(x*|u*) at the optimum: the largest output probability among no-signalling boxes with",
        "  penalty 0, over all settings and outcomes: exact LPs reduced by the symmetries fixing each",
        "  target (an optimal box averaged over them stays optimal), over representatives of all pairs",
        "  under party permutations and two-party outcome flips (`certify.symmetric_lp`); `attained` is",
        "  one pair reaching it.",
        "",
        "| expression | N | probabilities | local bound | optimal strategy | NS optimum | Bell inequality | max P(x*\\|u*) at NS optimum | attained | source |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        max_output = "—" if row["max_output"] is None else str(row["max_output"])
        lines.append(f"| `{row['name']}` | {row['parties']} | {row['probabilities']} | {row['local_bound']} | "
                     f"{row['strategy']} | {row['ns_optimum']} | {'yes' if row['local_bound'] != 0 else 'no'} | "
                     f"{max_output} | {row['attained'].replace('|', chr(92) + '|')} | {row['source']} |")
    lines += [
        "",
        "For odd N the paper's construction is not a Bell inequality: f_i(u) = u_i for every party gives",
        "parity 1 on weight-1 settings and parity N-1 = 0 (mod 2) on weight N-1 settings, so it never loses.",
        "",
    ]
    path = Path(proofs_dir) / "families.md"
    write_atomic(path, "\n".join(lines))
    return [path]


PROOF_WRITERS.append(write_families_report)
