"""``proofs/families.md``: the N-party families of issue 7 (local bound,
no-signalling optimum, largest output probability at the optimum), exact."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from certify.jsonio import write_atomic
from certify.report_context import ReportContext

__all__ = ["parity_box", "family_rows", "write_families_report", "FAMILY_LP_MAX_PARTIES"]


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


def write_families_report(context: ReportContext) -> list[Path]:
    """``proofs/families.md``: the N-party tables (issue 7)."""
    proofs_dir = context.proofs_dir
    rows = family_rows(context.certificates_dir)
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


