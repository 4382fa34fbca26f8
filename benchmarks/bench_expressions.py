"""Time and peak memory against N for the N-party families (issue 7, item 5).

For each family member: the exact local bound (enumeration of all 4^N deterministic
strategies), the exact check that the parity box is no-signalling with penalty 0 (so the
no-signalling optimum is 0), and, up to --max-lp-parties, the exact max output probability at
the optimum (one exact LP per orbit of pairs, `certify bounds`). Run from the repository root:

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_expressions.py [--max-lp-parties 4] [--json]

Peak memory is the tracemalloc peak of Python allocations of each step (numpy included).
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc

from certify.commands_expressions import expression_bounds
from certify.expression_library import FAMILIES
from certify.local_bound import local_bound
from certify.no_signalling import NoSignallingSystem
from certify.reports import parity_box


def measure(step):
    tracemalloc.start()
    start = time.perf_counter()
    result = step()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, round(elapsed, 3), round(peak / 2 ** 20, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-lp-parties", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    for name, build in FAMILIES.items():
        expression = build()
        n = expression.scenario.num_parties
        if n < 3:
            continue
        local, local_seconds, local_mib = measure(lambda: local_bound(expression))
        box = parity_box(expression)
        ok, ns_seconds, ns_mib = measure(lambda: NoSignallingSystem.build(expression.scenario).contains(box))
        row = {"name": name, "parties": n, "local_bound": str(local.value), "local_seconds": local_seconds,
               "local_peak_mib": local_mib, "ns_optimum": "0" if ok and expression.value(box) == 0 else "?",
               "ns_check_seconds": ns_seconds, "ns_check_peak_mib": ns_mib}
        if n <= args.max_lp_parties:
            bounds, seconds, mib = measure(lambda: expression_bounds(expression))
            row.update(max_output=bounds["max_output_probability_at_ns_optimum"], lp_seconds=seconds,
                       lp_peak_mib=mib, pair_orbits=bounds["pair_orbits"])
        rows.append(row)
        if not args.json:
            print(row, flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
