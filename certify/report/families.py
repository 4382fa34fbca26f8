"""``proofs/families.md``: the N-party families (local bound,
no-signalling optimum, largest output probability at the optimum), exact."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from certify.builder.jsonio import write_atomic
from certify.report.context import ReportContext

__all__ = ["family_rows", "write_families_report"]


def family_rows(certificates_dir: Path, workers: int = 2) -> list[dict]:
    """One row per N-party family member, read from its certificate
    ``certificates/families/<name>.json`` and checked exactly first
    (:func:`certify.builder.verify.verify_family_document`, in ``workers``
    processes, unless the builder checked these very bytes earlier in this run):
    local bound, no-signalling optimum, Bell inequality or not, v(0) of every
    representative pair and their maximum."""
    from certify.builder.store import read_checked
    from certify.builder.verify import verify_family_document
    from certify.formats.library import builtin_expression, family_names

    rows = []
    for name in family_names():
        path = Path(certificates_dir) / "families" / f"{name}.json"
        expression = builtin_expression(name)
        document, values = read_checked(path, lambda d: verify_family_document(d, expression, workers=workers))
        if values is None:
            values = {rep["pair"]: Fraction(rep["value"]) for rep in document["representatives"]}
        best = document["max_output_probability_at_ns_optimum"]
        rows.append({"name": name, "parties": expression.scenario.num_parties,
                     "probabilities": expression.scenario.num_probabilities,
                     "local_bound": Fraction(document["local_bound"]["value"]),
                     "strategy": " ".join(document["local_bound"]["strategy"]),
                     "ns_optimum": Fraction(document["ns_optimum"]["value"]),
                     "is_bell": document["is_bell_inequality"],
                     "max_output": Fraction(best["value"]), "attained": best["pair"], "values": values,
                     "file": f"certificates/families/{name}.json"})
    return rows


def write_families_report(context: ReportContext) -> list[Path]:
    """``proofs/families.md``: the N-party tables."""
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
        "Every number below is read from the member's certificate `certificates/families/<name>.json`",
        "(format `certify/expression-reduced`, docs/certificate-format.md), verified exactly when this page",
        "was generated and audited independently by `certify audit` (`certify/checker/core.py`):",
        "",
        "* local bound: exact minimum over all deterministic strategies (exhaustive enumeration); one optimal",
        "  strategy is listed (party i's outcome for setting 0 then 1).",
        "* no-signalling optimum: a dual certificate C.P >= optimum, reduced by symmetry, attained by the",
        "  representatives' witness boxes (stored in the certificate).",
        "* Bell inequality: the two bounds differ.",
        "* max P(x*|u*) at the optimum: the largest output probability among no-signalling boxes at the",
        "  no-signalling optimum, over all settings and outcomes: v(0) = max P(x*|u*) of one representative",
        "  per orbit of pairs under party permutations and two-party outcome flips, each proven by a dual",
        "  certificate of the LP reduced by symmetries fixing that pair (an optimal box averaged over them",
        "  stays optimal) and attained by an explicit no-signalling witness box; `attained` is one pair",
        "  reaching it.",
        "",
        "| expression | N | probabilities | local bound | optimal strategy | NS optimum | Bell inequality | max P(x*\\|u*) at NS optimum | attained | representatives |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(f"| `{row['name']}` | {row['parties']} | {row['probabilities']} | {row['local_bound']} | "
                     f"{row['strategy']} | {row['ns_optimum']} | {'yes' if row['is_bell'] else 'no'} | "
                     f"{row['max_output']} | {row['attained'].replace('|', chr(92) + '|')} | {len(row['values'])} |")
    lines += [
        "",
        "For odd N the paper's construction is not a Bell inequality: f_i(u) = u_i for every party gives",
        "parity 1 on weight-1 settings and parity N-1 = 0 (mod 2) on weight N-1 settings, so it never loses.",
        "",
        "## v(0) of every representative pair",
        "",
        "v(0) = max P(x*|u*) over no-signalling boxes at the no-signalling optimum; every pair of the",
        "scenario has the value of its representative (same Hamming weight of u, same output parity).",
        "",
    ]
    for row in rows:
        lines += [f"### `{row['name']}`", "", "| pair | v(0) |", "|---|---|"]
        lines += [f"| {pair.replace('|', chr(92) + '|')} | {value} |" for pair, value in row["values"].items()]
        lines.append("")
    path = Path(proofs_dir) / "families.md"
    write_atomic(path, "\n".join(lines))
    return [path]


