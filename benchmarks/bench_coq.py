"""Time the Coq route: ``coqc`` on the whole Lemma-11 export with ``make -j2``, and per pair.

Usage (from the repository root; needs ``coqc`` and ``make``)::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_coq.py [--jobs 2] [--pairs-per-file 16] [--json]

Writes the export of ``certificates/`` (Lemma 11 only, or ``--expression NAME``
too) into a temporary folder and builds it with ``make -j JOBS``, every
``coqc`` call wrapped so that its wall, user and system time are recorded.
Prints: the wall time of the whole build (what a referee waits for; on 2
cores the critical path is the start files, then the pair files two at a
time, then ``Final.v``), the CPU time (user + system) summed over all files
and over the ``Pairs_*.v`` files, both divided by the 256 pairs, an estimate
of the wall time on free cores (each file taking its measured CPU time,
scheduled along the Makefile's dependencies: on a busy machine the measured
wall time says more about the other processes than about Coq), the slowest
files, and the load average before and after.

Goal: all 256 pairs in under 60 s wall with ``make -j2`` on 2 cores. Exit
code 1 if the build fails or misses the goal.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 60.0


def _timed_coqc(log: str, arguments: list[str]) -> int:
    """Run ``coqc`` with ``arguments``; append ``{"file", "wall", "user", "system"}`` to ``log``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code = subprocess.call(["coqc", *arguments])
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    record = {"file": arguments[-1], "wall": wall, "user": after.ru_utime - before.ru_utime,
              "system": after.ru_stime - before.ru_stime, "exit": code}
    with open(log, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(record) + "\n")
    return code


def _estimated_wall(cpu: dict[str, float], makefile: str, order: list[str], jobs: int) -> float:
    """The build's wall time if each file took its CPU time and ``jobs`` cores were free:
    list scheduling over the Makefile's dependencies, files taken in ``order``."""
    needs = {}
    for line in makefile.splitlines():
        target, colon, rest = line.partition(".vo:")
        if colon and " " not in target:
            needs[f"{target}.v"] = [name[:-1] for name in rest.split() if name.endswith(".vo")]
    finished, running, clock, waiting = {}, [], 0.0, [name for name in order if name in cpu]
    while waiting or running:
        ready = [name for name in waiting if all(need in finished for need in needs.get(name, []))]
        while ready and len(running) < jobs:
            name = ready.pop(0)
            waiting.remove(name)
            running.append((clock + cpu[name], name))
        running.sort()
        clock, name = running.pop(0)
        finished[name] = clock
    return clock


def _coqc_version() -> str:
    result = subprocess.run(["coqc", "--version"], capture_output=True, text=True)
    return " ".join(result.stdout.split()[:6])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="make -j JOBS (default 2)")
    parser.add_argument("--pairs-per-file", type=int, default=16, help="pairs per data file (default 16)")
    parser.add_argument("--expression", action="append", default=[], help="also export this expression")
    parser.add_argument("--certificates", default=str(ROOT / "certificates"))
    parser.add_argument("--keep", metavar="DIR", help="build in DIR (kept) instead of a temporary folder")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--coqc-wrapper", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.coqc_wrapper:
        return _timed_coqc(args.coqc_wrapper[0], args.coqc_wrapper[1:])
    if not (shutil.which("coqc") and shutil.which("make")):
        print("bench_coq: coqc and make are needed (apt-get install coq make)", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    from certify.builder.coq import write_coq_export

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-coq-"))
    folder = work / "export"
    try:
        start = time.perf_counter()
        summary = write_coq_export(args.certificates, folder, args.expression, args.pairs_per_file)
        export_seconds = time.perf_counter() - start
        log = work / "coqc-times.jsonl"
        log.unlink(missing_ok=True)
        wrapper = f"{sys.executable} {Path(__file__).resolve()} --coqc-wrapper {log}"
        load_before = os.getloadavg()
        start = time.perf_counter()
        build = subprocess.run(["make", f"-j{args.jobs}", f"COQC={wrapper}"], cwd=folder,
                               capture_output=True, text=True)
        wall = time.perf_counter() - start
        load_after = os.getloadavg()
        records = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        makefile = (folder / "Makefile").read_text()
        order = [line for line in (folder / "_CoqProject").read_text().splitlines() if line.endswith(".v")]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    cpu = {r["file"]: r["user"] + r["system"] for r in records}
    pair_cpu = sum(seconds for name, seconds in cpu.items() if name.startswith("Pairs_"))
    pairs = summary["pairs"]
    report = {
        "coqc": _coqc_version(), "cpu_count": os.cpu_count(), "jobs": args.jobs,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "files": len(records), "pair_files": summary["pair_files"], "pairs": pairs,
        "expressions": summary["expressions"], "export_seconds": round(export_seconds, 2),
        "build_ok": build.returncode == 0, "wall_seconds": round(wall, 2),
        "wall_per_pair": round(wall / pairs, 3),
        "cpu_seconds": round(sum(cpu.values()), 2), "cpu_pair_files_seconds": round(pair_cpu, 2),
        "cpu_per_pair": round(pair_cpu / pairs, 3),
        "estimated_wall_on_free_cores": round(_estimated_wall(cpu, makefile, order, args.jobs), 1),
        "slowest": sorted(([name, round(seconds, 2)] for name, seconds in cpu.items()),
                          key=lambda item: -item[1])[:5],
        "goal_seconds": GOAL_SECONDS, "goal_met": build.returncode == 0 and wall < GOAL_SECONDS,
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"{report['coqc']}; {report['cpu_count']} cores; make -j{args.jobs}; load average "
              f"{report['load_average_before'][0]} before, {report['load_average_after'][0]} after")
        print(f"export: {pairs} pairs in {report['pair_files']} data files, {len(records)} files to compile "
              f"(written in {report['export_seconds']} s)")
        print(f"build:  {'ok' if report['build_ok'] else 'FAILED'}, {report['wall_seconds']} s wall "
              f"({report['wall_per_pair']} s per pair), {report['cpu_seconds']} s CPU in all files")
        print(f"pairs:  {report['cpu_pair_files_seconds']} s CPU in the Pairs_*.v files, "
              f"{report['cpu_per_pair']} s CPU per pair")
        print(f"estimate: {report['estimated_wall_on_free_cores']} s wall on {args.jobs} free cores "
              f"(each file taking its measured CPU time, scheduled along the Makefile)")
        print("slowest files (CPU s): " + ", ".join(f"{name} {seconds}" for name, seconds in report["slowest"]))
        print(f"goal: all pairs in under {GOAL_SECONDS:.0f} s wall: {'met' if report['goal_met'] else 'NOT met'}")
    if build.returncode != 0:
        print(build.stderr[-2000:], file=sys.stderr)
    return 0 if report["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
