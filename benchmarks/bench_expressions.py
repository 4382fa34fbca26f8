"""Time and memory against N for the N-party families (issue 7, item 5).

Each family member runs in a fresh subprocess (so peak memory is its own) and computes, exactly:
the local bound (enumeration of all 4^N deterministic strategies), the no-signalling optimum and
the largest output probability at it (symmetry-reduced exact LPs over representatives of all
pairs, `certify.symmetric_lp`). Reported per step: wall-clock seconds; per member: peak resident
memory of the subprocess. Run from the repository root:

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_expressions.py [--names paper-n6 ...] [--markdown]

Measured on the 2-core development machine (see the issue-7 report for the numbers).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from certify.expression_library import FAMILIES

_CHILD = r"""
import json, sys, time, resource
from fractions import Fraction
from certify.expression_library import builtin_expression
from certify.local_bound import local_bound
from certify.symmetric_lp import reduced_max_output_at_optimum, reduced_ns_optimum, parity_family_targets
expression = builtin_expression(sys.argv[1])
row = {"name": sys.argv[1], "parties": expression.scenario.num_parties,
       "probabilities": expression.scenario.num_probabilities}
start = time.perf_counter(); local = local_bound(expression)
row["local_bound"] = str(local.value); row["local_seconds"] = round(time.perf_counter() - start, 3)
start = time.perf_counter(); offset = reduced_ns_optimum(expression)
row["ns_optimum"] = str(offset); row["ns_seconds"] = round(time.perf_counter() - start, 3)
start = time.perf_counter()
best, target, values = reduced_max_output_at_optimum(expression, parity_family_targets(expression), offset)
row["max_output"] = str(best); row["attained"] = expression.scenario.pair_key(target)
row["representatives"] = len(values); row["max_output_seconds"] = round(time.perf_counter() - start, 3)
row["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps(row))
"""


def run(name: str) -> dict:
    result = subprocess.run([sys.executable, "-c", _CHILD, name], capture_output=True, text=True)
    if result.returncode != 0:
        return {"name": name, "error": result.stderr.strip().splitlines()[-1:]}
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--names", nargs="*", default=[n for n in FAMILIES if not n.endswith("n2")],
                        help="family members to run (default: all with N >= 3)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table at the end")
    args = parser.parse_args()
    rows = []
    for name in args.names:
        row = run(name)
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.markdown:
        print("| expression | N | probabilities | local bound | NS optimum | max P at NS optimum | attained |"
              " local s | NS s | max-output s | peak MiB |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            if "error" in r:
                print(f"| {r['name']} | error: {r['error']} |")
                continue
            print(f"| {r['name']} | {r['parties']} | {r['probabilities']} | {r['local_bound']} | {r['ns_optimum']} | "
                  f"{r['max_output']} | {r['attained'].replace('|', chr(92) + '|')} | {r['local_seconds']} | {r['ns_seconds']} | "
                  f"{r['max_output_seconds']} | {r['peak_rss_mib']} |")


if __name__ == "__main__":
    main()
