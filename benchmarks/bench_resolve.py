"""certify against QSopt_ex on the Lemma-11 LPs, in one run on one machine.

What is timed (wall clock; CPU seconds beside it, user + system of this process and its children,
since CPU time depends less on what else runs on a shared machine):

* **regenerate**: ``certify regenerate --only lemma11 --out <empty temp folder> --quiet`` as a
  subprocess (interpreter start-up, symmetry search, exact solves of the orbit representatives,
  mapping, exact check and writing of all 256 documents with their value functions and witnesses).
* **esolver, 256 LPs**: QSopt_ex's ``esolver -L -O SOL FILE.lp`` on each of the 256 single-value
  LPs ``max P(x*|u*)`` subject to the no-signalling rows and ``B.P <= V`` (default V = 1/10), as
  written by ``certify export --lp`` (the export is not timed), one process per LP: sequentially,
  then two at a time. Each optimum must equal the certified v(V) (exact comparison), else the
  benchmark exits 1.
* **one LP**: pair (0001, 1000) at V: certify's exact solve in-process
  (:meth:`certify.lp.program.NoSignallingLP.maximise_target`: HiGHS proposes a basis, then the
  exact check; *cold* includes building the LP object, *warm* is the median over other targets of
  the same object) against ``esolver`` on the same LP file as a whole process (median of
  ``--runs``). Both optima must be equal.

Ratios printed (higher is better for certify): esolver time / certify time, for the 256 LPs
(sequential esolver, as in the original measurement; two processes, as regenerate uses two; and
CPU seconds, which a loaded machine distorts least) and for one LP (warm and cold). The load average is printed at the start and the end.

Needs ``esolver`` (Debian package qsopt-ex). Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/bench_resolve.py [--bell-value 1/10] [--runs 21] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

from certify.builder.lp_export import certified_set, export_lp, pair_lps
from certify.builder.resolve import run_esolver
from certify.lp.expression import paper_bell_expression
from certify.lp.program import NoSignallingLP
from certify.numbers import format_exact, parse_exact

REPOSITORY = Path(__file__).resolve().parent.parent
ONE_PAIR = 24                      # (0001, 1000): v(1/10) = 11/30
WARM_TARGETS = (25, 26, 27, 28, 29, 30, 31)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def regenerate_lemma11(work: Path) -> dict:
    out = work / "regenerated"
    command = [sys.executable, "-m", "certify", "regenerate", "--only", "lemma11", "--out", str(out), "--quiet"]
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=REPOSITORY, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPOSITORY)))
    seconds, cpu = time.perf_counter() - start, children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"regenerate failed (exit {done.returncode}): {done.stderr[-2000:]}")
    written = len(list((out / "certificates" / "lemma11").glob("u*-x*.json")))
    return {"command": "certify regenerate --only lemma11 --out TMP --quiet", "seconds": seconds, "cpu": cpu,
            "files": written}


def esolver_all(paths: list[Path], expected: dict[str, Fraction], processes: int) -> dict:
    def one(path: Path):
        solution, error, _ = run_esolver("esolver", path, 600)
        if solution is None or solution.status != "OPTIMAL":
            raise SystemExit(f"{path.name}: esolver did not solve it: {error or solution.status}")
        return path.name, solution.value

    cpu, start = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(processes) as pool:       # each thread waits on its own esolver process
        values = dict(pool.map(one, paths))
    seconds, cpu = time.perf_counter() - start, children_cpu() - cpu
    wrong = sorted(name for name, value in values.items() if value != expected[name])
    if wrong:
        raise SystemExit(f"esolver's optimum differs from the certified value for {wrong}")
    return {"processes": processes, "seconds": seconds, "cpu": cpu, "lps": len(paths)}


def esolver_one(path: Path, runs: int) -> tuple[float, Fraction]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        solution, error, _ = run_esolver("esolver", path, 600)
        times.append(time.perf_counter() - start)
        if solution is None:
            raise SystemExit(f"{path.name}: {error}")
        value = solution.value
    return statistics.median(times), value


def certify_one(bell_value: Fraction) -> dict:
    expression = paper_bell_expression()
    start = time.perf_counter()
    lp = NoSignallingLP(expression)
    value = lp.maximise_target(ONE_PAIR, bell_value).value
    cold = time.perf_counter() - start
    warm = []
    for target in WARM_TARGETS:
        start = time.perf_counter()
        lp.maximise_target(target, bell_value)
        warm.append(time.perf_counter() - start)
    return {"cold": cold, "warm": statistics.median(warm), "value": value}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bell-value", default="1/10", help="V of the single-value LPs (default 1/10)")
    parser.add_argument("--runs", type=int, default=21, help="esolver runs for the one-LP median (default 21)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if shutil.which("esolver") is None:
        raise SystemExit("esolver not found: apt-get install qsopt-ex")
    bell_value = parse_exact(args.bell_value, "--bell-value")
    result: dict = {"bell_value": format_exact(bell_value), "cpus": os.cpu_count(),
                    "load_average_start": [round(x, 2) for x in os.getloadavg()]}
    with tempfile.TemporaryDirectory(prefix="bench-resolve-") as work:
        work = Path(work)
        start = time.perf_counter()
        export_lp(work / "lp", REPOSITORY / "certificates", None, bell_value)
        result["export_seconds"] = time.perf_counter() - start
        expected = {lp.file: lp.certified_value
                    for lp in pair_lps(certified_set(REPOSITORY / "certificates"), bell_value)}
        paths = sorted((work / "lp").glob("*.lp"))

        result["regenerate"] = regenerate_lemma11(work)
        result["esolver_sequential"] = esolver_all(paths, expected, 1)
        result["esolver_two_processes"] = esolver_all(paths, expected, 2)
        one_file = work / "lp" / "u0001-x1000.lp"
        result["esolver_one_lp"], esolver_value = esolver_one(one_file, args.runs)
        result["certify_one_lp"] = certify_one(bell_value)
        if result["certify_one_lp"]["value"] != esolver_value:
            raise SystemExit(f"one LP: certify {result['certify_one_lp']['value']} != esolver {esolver_value}")
        result["one_lp_value"] = format_exact(esolver_value)
        result["certify_one_lp"]["value"] = format_exact(result["certify_one_lp"]["value"])
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    regenerate = result["regenerate"]["seconds"]
    ratios = {
        "regenerate_vs_esolver_sequential": result["esolver_sequential"]["seconds"] / regenerate,
        "regenerate_vs_esolver_two_processes": result["esolver_two_processes"]["seconds"] / regenerate,
        "regenerate_vs_esolver_cpu": result["esolver_sequential"]["cpu"] / result["regenerate"]["cpu"],
        "one_lp_warm": result["esolver_one_lp"] / result["certify_one_lp"]["warm"],
        "one_lp_cold": result["esolver_one_lp"] / result["certify_one_lp"]["cold"],
    }
    result["ratios"] = ratios
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    r, e1, e2, one = result["regenerate"], result["esolver_sequential"], result["esolver_two_processes"], \
        result["certify_one_lp"]
    print(f"machine: {result['cpus']} CPUs, load average {result['load_average_start']} at the start, "
          f"{result['load_average_end']} at the end; V = {result['bell_value']}")
    print(f"certify regenerate --only lemma11: {r['seconds']:.2f} s wall ({r['cpu']:.2f} s CPU), {r['files']} documents")
    print(f"esolver on the 256 LPs: {e1['seconds']:.2f} s sequential ({e1['cpu']:.2f} s CPU), "
          f"{e2['seconds']:.2f} s with 2 processes; every optimum equals the certified v(V)")
    print(f"  ratio esolver / regenerate: {ratios['regenerate_vs_esolver_sequential']:.2f}x (sequential), "
          f"{ratios['regenerate_vs_esolver_two_processes']:.2f}x (2 processes), {ratios['regenerate_vs_esolver_cpu']:.2f}x "
          "in CPU seconds; goal 5x, moonshot 10x")
    print(f"one LP (0001|1000, optimum {result['one_lp_value']}): certify {one['warm'] * 1e3:.1f} ms warm, "
          f"{one['cold'] * 1e3:.1f} ms cold (with the LP set-up); esolver {result['esolver_one_lp'] * 1e3:.1f} ms "
          f"(whole process, median of {args.runs})")
    print(f"  ratio esolver / certify: {ratios['one_lp_warm']:.2f}x (warm), {ratios['one_lp_cold']:.2f}x (cold)")
    print(f"(certify export --lp of the 256 files, not counted above: {result['export_seconds']:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
