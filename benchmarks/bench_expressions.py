"""Time and memory against N for the N-party families.

Each family member runs in a fresh subprocess (so peak memory is its own) and is *certified*:
`certify.builder.families.family_document` computes, exactly, the local bound (enumeration of
all 4^N deterministic strategies), the no-signalling optimum and v(0) of one representative pair
per orbit (symmetry-reduced exact LPs, `certify.lp.reduced`), and verifies the whole document
exactly (the document `certify regenerate` stores in certificates/families/). Then the trusted
stdlib checker (`certify/checker/`) checks the same document independently. Reported per
member: wall-clock seconds of the local bound alone, of the certified build (including its
verification), of the builder-side verification alone, and of the trusted check;
the document size; peak resident memory of the subprocess and of its largest forked worker. `--workers` (default 2) processes solve and check the
representatives; the trusted check is single-process.
Run from the repository root:

    PYTHONPATH=. python benchmarks/bench_expressions.py [--names paper-n6 ...] [--markdown]

Targets: N = 7 certified in under a minute on a 2-core machine; N = 8 as the stretch.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from certify.formats.library import FAMILIES

_CHILD = r"""
import json, sys, time, resource
from certify.checker import core as checker
from certify.checker import dispatch as checker_dispatch
from certify.formats.library import builtin_expression
from certify.builder.families import family_document
from certify.builder.verify import verify_family_document
from certify.builder.jsonio import dumps
from certify.lp.local_bound import local_bound
expression = builtin_expression(sys.argv[1])
row = {"name": sys.argv[1], "parties": expression.scenario.num_parties,
       "probabilities": expression.scenario.num_probabilities}
start = time.perf_counter(); local = local_bound(expression)
row["local_bound"] = str(local.value); row["local_seconds"] = round(time.perf_counter() - start, 2)
workers = int(sys.argv[2])
start = time.perf_counter(); document = family_document(expression, workers=workers)
row["certify_seconds"] = round(time.perf_counter() - start, 2)
start = time.perf_counter(); verify_family_document(document, expression, workers=workers)
row["verify_seconds"] = round(time.perf_counter() - start, 2)
text = dumps(document)
row["document_bytes"] = len(text.encode())
start = time.perf_counter(); checker_dispatch.check_document(checker.loads_strict(text, "bench"), "bench")
row["checker_seconds"] = round(time.perf_counter() - start, 2)
row["ns_optimum"] = document["ns_optimum"]["value"]
row["is_bell_inequality"] = document["is_bell_inequality"]
row["max_output"] = document["max_output_probability_at_ns_optimum"]["value"]
row["attained"] = document["max_output_probability_at_ns_optimum"]["pair"]
row["representatives"] = len(document["representatives"])
row["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
row["peak_worker_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps(row))
"""


def run(name: str, workers: int) -> dict:
    result = subprocess.run([sys.executable, "-c", _CHILD, name, str(workers)], capture_output=True, text=True)
    if result.returncode != 0:
        return {"name": name, "error": result.stderr.strip().splitlines()[-1:]}
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--names", nargs="*", default=[n for n in FAMILIES if not n.endswith("n2")],
                        help="family members to run (default: all with N >= 3)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table at the end")
    parser.add_argument("--workers", type=int, default=2,
                        help="processes for the representatives (default 2: the 2-core target machine)")
    args = parser.parse_args()
    rows = []
    for name in args.names:
        row = run(name, args.workers)
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.markdown:
        print("| expression | N | probabilities | local bound | NS optimum | Bell inequality | max P at NS optimum |"
              " attained | representatives | local bound s | certified s (build + verify) | verify s |"
              " trusted check s | file MB | peak MiB (main / worker) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            if "error" in r:
                print(f"| {r['name']} | error: {r['error']} |")
                continue
            print(f"| {r['name']} | {r['parties']} | {r['probabilities']} | {r['local_bound']} | {r['ns_optimum']} | "
                  f"{'yes' if r['is_bell_inequality'] else 'no'} | {r['max_output']} | "
                  f"{r['attained'].replace('|', chr(92) + '|')} | {r['representatives']} | {r['local_seconds']} | "
                  f"{r['certify_seconds']} | {r['verify_seconds']} | {r['checker_seconds']} | "
                  f"{r['document_bytes'] / 1e6:.2f} | {r['peak_rss_mib']} / {r['peak_worker_mib']} |")


if __name__ == "__main__":
    main()
