"""Lemma 11 engine against cddlib's exact GMP simplex, in one run.

What is timed:

* **ours**: the command ``certify regenerate --only lemma11 --out <empty temp folder> --quiet``
  run as a subprocess, wall clock from start to exit (interpreter start-up, symmetry search,
  exact solves of the orbit representatives, mapping and exact check of all 256 documents,
  writing, manifest and the proof report included). Reported per pair as total / 256.
* **cddlib**: pycddlib's exact LP interface (``cdd.gmp``: GMP rationals, cddlib's dual simplex)
  on a fixed sample of the *same* LPs, the paper-claim LP of eq. (43) for a target pair t:

      max  P_t - (2/3) B.P   over   P >= 0,  normalisation rows . P = 1,  no-signalling rows . P = 0,

  with all 272 rows of :class:`certify.lp.no_signalling.NoSignallingSystem` and B of eq. (7)
  (:func:`certify.lp.expression.paper_bell_expression`). Only ``linprog_solve`` is timed
  (building the cdd matrix is not), which favours cddlib.

The sample rule (fixed, no randomness): the smallest member of every orbit of target pairs
under the symmetry group of B (:mod:`certify.lp.symmetry`; for the paper's expression the
representatives 0, 16, 17, which the engine solves), then pair 255, the largest index (the
engine never solves it, it maps it from a representative). Each cddlib optimum must equal, as
an exact rational, the bound of the paper-claim certificate that our run just wrote for that
pair (``paper_claim.certificate.bound``), and cddlib's optimal box must be a no-signalling box
attaining it; otherwise the benchmark exits 1.

Figures: wall time of ours and per pair, the median cddlib solve time per LP, the ratio
(cddlib median per LP) / (ours per pair) against the target of >= 300, and, from a second,
instrumented run of the same ``regenerate`` call in a child process: number of orbits, number
of exact LP solves (and float proposals), time for the symmetry search, for the
representatives, for mapping + exact verification + writing, and for the manifest and proof
report (that run is serial, ``--workers 1``, so each stage can be timed apart; with 2 workers
the representatives are solved in the pool while the mapping runs). CPU times (user + system
of all processes: the CLI and its workers; ``time.process_time`` for cddlib) are printed beside
the wall times, with the ratio they give, since they depend less on other load. A third ratio
uses only the certificate stage (``build_lemma11`` in the serial instrumented run: no interpreter
start-up, no manifest, no proof pages); it is printed for diagnosis, the headline is the command. Peak memory is the largest ``ru_maxrss`` of any waited-for child process (the CLI or
one of its workers) and, separately, of this process (where cddlib runs). The machine load
average is printed too: the host may be shared, and both measurements suffer from it.

Needs pycddlib (``benchmarks/requirements.txt``; it builds against Debian's ``libcdd-dev`` and
``libgmp-dev``). Run from the repository root:

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_lemma11.py [--json] [--runs N]
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
from fractions import Fraction
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from certify.lp.expression import paper_bell_expression  # noqa: E402
from certify.builder.lemma11 import file_name  # noqa: E402
from certify.lp.no_signalling import NoSignallingSystem  # noqa: E402
from certify.lp.symmetry import invariance_group, orbits  # noqa: E402

PAPER_SLOPE = Fraction(2, 3)
TARGET_RATIO = 300


def _child_environment() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY), env.get("PYTHONPATH")]))
    return env


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_ours(workers: int) -> tuple[float, float, Path]:
    """Run the CLI once into a fresh empty folder; returns (wall s, CPU s of all its processes, folder)."""
    out = Path(tempfile.mkdtemp(prefix="bench-lemma11-"))
    command = [sys.executable, "-m", "certify", "regenerate", "--only", "lemma11", "--out", str(out),
               "--quiet", "--workers", str(workers)]
    cpu_before = _children_cpu_seconds()
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=REPOSITORY, env=_child_environment(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    cpu = _children_cpu_seconds() - cpu_before
    if completed.returncode != 0:
        raise SystemExit(f"certify regenerate failed (exit {completed.returncode}):\n{completed.stderr}")
    written = sorted((out / "certificates" / "lemma11").glob("*.json"))
    if len(written) != 256:
        raise SystemExit(f"expected 256 certificate files under {out}, found {len(written)}")
    return wall, cpu, out


def phases_child(out: str) -> None:
    """Instrumented serial ``regenerate(out, only=["lemma11"], workers=1)`` (run in a fresh
    process): prints JSON.

    The engine's functions are wrapped with timers and counters, not changed. The run is
    serial so that every stage is seen (with 2 workers the representatives are solved in the
    pool, overlapping the mapping, and cannot be timed apart).
    """
    import certify.lp.program as nslp
    import certify.builder.pairs as output_bound
    import certify.builder.regenerate as regenerate_module
    import certify.report.pipeline as pipeline

    figures = {"exact_lp_solves": 0, "float_proposals": 0, "symmetry_search_s": 0.0,
               "representatives_s": 0.0, "certifier_setup_s": 0.0}

    def counted(function, key):
        def wrapper(*args, **kwargs):
            figures[key] += 1
            return function(*args, **kwargs)
        return wrapper

    def timed(function, key):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                figures[key] += time.perf_counter() - start
        return wrapper

    nslp.maximise = counted(nslp.maximise, "exact_lp_solves")
    nslp.lexicographic_minimum = counted(nslp.lexicographic_minimum, "exact_lp_solves")
    nslp.propose_basis = counted(nslp.propose_basis, "float_proposals")
    output_bound.invariance_group = timed(output_bound.invariance_group, "symmetry_search_s")
    certifier_class = output_bound.PairCertifier
    original_init = certifier_class.__init__

    def init(self, expression):
        start = time.perf_counter()
        original_init(self, expression)
        figures["certifier_setup_s"] += time.perf_counter() - start
        figures["orbits"] = len(self.orbits)
        figures["orbit_representatives"] = sorted(self.orbits)

    certifier_class.__init__ = init
    certifier_class.solve_representatives = timed(certifier_class.solve_representatives,
                                                  "representatives_s")
    build = regenerate_module.PARTS["lemma11"]
    build_time = {}

    def timed_build(*args, **kwargs):
        start = time.perf_counter()
        count = build(*args, **kwargs)
        build_time["s"] = time.perf_counter() - start
        return count

    regenerate_module.PARTS["lemma11"] = timed_build
    start = time.perf_counter()
    pipeline.regenerate(Path(out), only=["lemma11"], workers=1, show_progress=False)
    total = time.perf_counter() - start
    figures["regenerate_call_s"] = total
    figures["build_lemma11_s"] = build_time["s"]
    figures["map_verify_write_s"] = build_time["s"] - figures["certifier_setup_s"] - figures["representatives_s"]
    figures["manifest_and_proofs_s"] = total - build_time["s"]
    print(json.dumps(figures))


def run_phases() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-lemma11-phases-") as out:
        completed = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--phases-child", out],
                                   cwd=REPOSITORY, env=_child_environment(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"instrumented run failed (exit {completed.returncode}):\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def sample_pairs() -> list[int]:
    """The fixed sample: smallest member of every orbit, then the largest pair index."""
    expression = paper_bell_expression()
    size = expression.scenario.num_probabilities
    representatives = sorted(orbits(invariance_group(expression), size))
    return representatives + [p for p in [size - 1] if p not in representatives]


def our_optimum(out: Path, target: int) -> Fraction:
    """The optimum of the paper-claim LP as our run certified it (bound = witness value)."""
    expression = paper_bell_expression()
    path = out / "certificates" / "lemma11" / file_name(expression.scenario, target)
    document = json.loads(path.read_text())
    return Fraction(document["paper_claim"]["certificate"]["bound"])


def cdd_rows():
    """H-representation rows ``[b, a]`` meaning ``b + a.P >= 0`` (``= 0`` on the linearity set)."""
    expression = paper_bell_expression()
    system = NoSignallingSystem.build(expression.scenario)
    size = expression.scenario.num_probabilities
    rows, linearity = [], []
    for r, (row, rhs) in enumerate(zip(system.rows, system.right_hand_sides)):
        dense = [Fraction(0)] * (size + 1)
        dense[0] = Fraction(-rhs)
        for column, coefficient in row:
            dense[column + 1] = Fraction(coefficient)
        rows.append(dense)
        linearity.append(r)
    for j in range(size):
        dense = [Fraction(0)] * (size + 1)
        dense[j + 1] = Fraction(1)
        rows.append(dense)
    return expression, system, rows, linearity


def run_cdd(targets: list[int], out: Path) -> list[dict]:
    try:
        import cdd
        import cdd.gmp
    except ImportError as error:
        raise SystemExit(f"pycddlib is needed for the reference timing ({error}); install it with "
                         "apt-get install libcdd-dev libgmp-dev && pip install -r benchmarks/requirements.txt")
    expression, system, rows, linearity = cdd_rows()
    bell = expression.dense()
    results = []
    for target in targets:
        objective = [Fraction(0)] + [-PAPER_SLOPE * b for b in bell]
        objective[target + 1] += 1
        start = time.perf_counter()
        matrix = cdd.gmp.matrix_from_array(rows, lin_set=linearity, rep_type=cdd.RepType.INEQUALITY,
                                           obj_type=cdd.LPObjType.MAX, obj_func=objective)
        program = cdd.gmp.linprog_from_matrix(matrix)
        build_s = time.perf_counter() - start
        cpu_start, start = time.process_time(), time.perf_counter()
        cdd.gmp.linprog_solve(program, cdd.LPSolverType.DUAL_SIMPLEX)
        solve_s = time.perf_counter() - start
        solve_cpu_s = time.process_time() - cpu_start
        if program.status != cdd.LPStatusType.OPTIMAL:
            raise SystemExit(f"cddlib: pair {target} not solved to optimality (status {program.status!r})")
        value = Fraction(program.obj_value)
        box = [Fraction(p) for p in program.primal_solution]
        box_value = box[target] - PAPER_SLOPE * sum(b * p for b, p in zip(bell, box))
        ours = our_optimum(out, target)
        results.append({"pair": target, "key": expression.scenario.pair_key(target), "build_s": build_s,
                        "solve_s": solve_s, "solve_cpu_s": solve_cpu_s, "cddlib_optimum": str(value), "our_optimum": str(ours),
                        "agree": value == ours and system.contains(box) and box_value == value})
    return results


def measure(runs: int, workers: int) -> dict:
    walls, cpus, kept = [], [], None
    for _ in range(runs):
        wall, cpu, out = run_ours(workers)
        walls.append(wall)
        cpus.append(cpu)
        if kept is None:
            kept = out
        else:
            shutil.rmtree(out)
    children_peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    load_before_cdd = os.getloadavg()
    phases = run_phases()
    sample = sample_pairs()
    try:
        cdd_results = run_cdd(sample, kept)
    finally:
        shutil.rmtree(kept)
    import importlib.metadata as metadata
    ours_wall = statistics.median(walls)
    ours_per_pair = ours_wall / 256
    cdd_median = statistics.median(r["solve_s"] for r in cdd_results)
    ratio = cdd_median / ours_per_pair
    ours_cpu = statistics.median(cpus)
    cdd_cpu_median = statistics.median(r["solve_cpu_s"] for r in cdd_results)
    return {
        "command": f"certify regenerate --only lemma11 --out <empty temp folder> --quiet --workers {workers}",
        "cpu_count": os.cpu_count(), "load_average_1_5_15": [round(x, 2) for x in load_before_cdd],
        "ours_wall_s_each_run": [round(w, 3) for w in walls], "ours_wall_s": round(ours_wall, 3),
        "pairs": 256, "ours_per_pair_s": round(ours_per_pair, 5),
        "ours_cpu_s_each_run": [round(c, 3) for c in cpus], "ours_cpu_s": round(ours_cpu, 3),
        "ours_cpu_per_pair_s": round(ours_cpu / 256, 5),
        "orbits": phases["orbits"], "orbit_representatives": phases["orbit_representatives"],
        "exact_lp_solves": phases["exact_lp_solves"], "float_proposals": phases["float_proposals"],
        "phases_s": {key: round(phases[key], 3) for key in
                     ("symmetry_search_s", "certifier_setup_s", "representatives_s", "map_verify_write_s",
                      "build_lemma11_s", "manifest_and_proofs_s", "regenerate_call_s")},
        "ratio_certificate_stage_serial": round(cdd_median / (phases["build_lemma11_s"] / 256), 1),
        "peak_rss_kib": {"certify_largest_process": children_peak_kib,
                         "benchmark_process_with_cddlib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss},
        "cddlib": {"pycddlib": metadata.version("pycddlib"), "number_type": "gmp (cdd.gmp, exact rationals)",
                   "solver": "dual simplex", "sample_rule": "smallest member of each orbit, then pair 255",
                   "lps": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()}
                           for r in cdd_results],
                   "median_solve_s": round(cdd_median, 3), "median_solve_cpu_s": round(cdd_cpu_median, 3)},
        "ratio_cddlib_per_lp_over_ours_per_pair": round(ratio, 1),
        "ratio_cpu_time": round(cdd_cpu_median / (ours_cpu / 256), 1),
        "target_ratio": TARGET_RATIO, "target_met": ratio >= TARGET_RATIO,
        "all_optima_agree": all(r["agree"] for r in cdd_results),
    }


def print_text(report: dict) -> None:
    p = report["phases_s"]
    print(f"machine: {report['cpu_count']} cores, load average {report['load_average_1_5_15']}")
    print(f"ours:    {report['command']}")
    print(f"         wall {report['ours_wall_s']:.3f} s (runs: {report['ours_wall_s_each_run']}) "
          f"= {1000 * report['ours_per_pair_s']:.2f} ms per pair (/256)")
    print(f"         CPU time of all its processes {report['ours_cpu_s']:.3f} s "
          f"= {1000 * report['ours_cpu_per_pair_s']:.2f} ms per pair")
    print(f"         orbits {report['orbits']} (representatives {report['orbit_representatives']}), "
          f"exact LP solves {report['exact_lp_solves']} (float proposals {report['float_proposals']})")
    print(f"         instrumented serial run (--workers 1): symmetry search {p['symmetry_search_s']:.3f} s, "
          f"LP set-up incl. symmetry {p['certifier_setup_s']:.3f} s, representatives {p['representatives_s']:.3f} s, "
          f"mapping + exact verification + writing {p['map_verify_write_s']:.3f} s, "
          f"manifest + proofs {p['manifest_and_proofs_s']:.3f} s, regenerate() {p['regenerate_call_s']:.3f} s")
    print(f"         peak RSS {report['peak_rss_kib']['certify_largest_process'] / 1024:.1f} MiB "
          f"(largest process); benchmark process with cddlib "
          f"{report['peak_rss_kib']['benchmark_process_with_cddlib'] / 1024:.1f} MiB")
    c = report["cddlib"]
    print(f"cddlib:  pycddlib {c['pycddlib']}, {c['number_type']}, {c['solver']}; sample: {c['sample_rule']}")
    for r in c["lps"]:
        print(f"         pair {r['pair']:>3} ({r['key']}): solve {r['solve_s']:.3f} s (CPU {r['solve_cpu_s']:.3f} s, "
              f"matrix build {r['build_s']:.3f} s), "
              f"optimum {r['cddlib_optimum']}, ours {r['our_optimum']}, {'agree' if r['agree'] else 'DISAGREE'}")
    print(f"         median solve {c['median_solve_s']:.3f} s per LP (CPU {c['median_solve_cpu_s']:.3f} s)")
    print(f"ratio:   cddlib median per LP / ours per pair = {report['ratio_cddlib_per_lp_over_ours_per_pair']:.1f} "
          f"(target >= {report['target_ratio']}: {'met' if report['target_met'] else 'NOT met'})")
    print(f"         certificates only (build_lemma11 of the serial instrumented run: no start-up, no manifest, "
          f"no proofs, one core): {report['ratio_certificate_stage_serial']:.1f}")
    print(f"         by CPU time (cddlib CPU per LP / ours CPU per pair, all processes; less sensitive to "
          f"other load): {report['ratio_cpu_time']:.1f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--runs", type=int, default=1, help="runs of ours (the median is used; default 1)")
    parser.add_argument("--workers", type=int, default=2, help="--workers passed to certify (default 2)")
    parser.add_argument("--phases-child", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phases_child:
        phases_child(args.phases_child)
        return 0
    if args.runs < 1:
        parser.error("--runs: expected a positive integer")
    report = measure(args.runs, args.workers)
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print_text(report)
    if not report["all_optima_agree"]:
        print("error: cddlib and our certificates disagree on some optimum (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
