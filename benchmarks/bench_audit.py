"""Wall time of ``certify audit`` on the committed Lemma-11 certificates.

Usage (from the repository root)::

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_audit.py [--repeat 5] [--json]

Measures, each ``--repeat`` times (reporting min and median):

* ``python -m certify audit certificates/lemma11`` as a subprocess (what a
  user waits for; includes interpreter start-up and the CLI's imports);
* ``python -m certify.checker.dispatch certificates/lemma11/*.json`` (the checker
  alone, standard library only);
* the in-process time of checking the folder (parse + arithmetic +
  coverage), without start-up.

Target: under 1 s wall on a 2-core machine for the first line.
Exit code 1 if the audit does not exit 0 or the median exceeds 1 s.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = "certificates/lemma11"


def _timed(command) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return time.perf_counter() - start, result.returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from certify.checker.audit import audit, exit_code_of

    files = sorted(glob.glob(str(ROOT / FOLDER / "*.json")))
    commands = {
        "certify audit certificates/lemma11": [sys.executable, "-m", "certify", "audit", FOLDER],
        "python -m certify.checker.dispatch certificates/lemma11/*.json":
            [sys.executable, "-m", "certify.checker.dispatch", *files],
    }
    report = {"files": len(files), "cpu_count": os.cpu_count(), "seconds": {}}
    codes = {}
    for name, command in commands.items():
        runs = [_timed(command) for _ in range(args.repeat)]
        report["seconds"][name] = {"min": round(min(t for t, _ in runs), 3),
                                   "median": round(statistics.median(t for t, _ in runs), 3)}
        codes[name] = {code for _, code in runs}
    in_process = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        results = audit([str(ROOT / FOLDER)])
        in_process.append(time.perf_counter() - start)
    report["seconds"]["in-process audit (no start-up)"] = {
        "min": round(min(in_process), 3), "median": round(statistics.median(in_process), 3)}
    report["exit codes"] = {name: sorted(c) for name, c in codes.items()}
    report["in-process exit code"] = exit_code_of(results)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"{len(files)} certificate files, {os.cpu_count()} CPUs, {args.repeat} runs each")
        for name, value in report["seconds"].items():
            print(f"  {name:<55} min {value['min']:.3f} s  median {value['median']:.3f} s")
        print(f"  exit codes: {report['exit codes']}, in-process {report['in-process exit code']}")
    slow = report["seconds"]["certify audit certificates/lemma11"]["median"] > 1.0
    failed = codes["certify audit certificates/lemma11"] != {0}
    return 1 if slow or failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
