"""Time and peak memory of the facet catalogue, per scenario and stage.

Stages, each in a fresh forked process (so that the peak resident memory is the stage's own):

* ``enumeration``: the facet classes by adjacency decomposition (pycddlib on each class
  representative's tight vertices; classification by canonical form is part of it);
* ``classification``: where :data:`certify.builder.catalogue.CROSS_CHECKED` says a full enumeration is
  quick, pycddlib's enumeration of the whole polytope and the classification of every facet;
* ``certification``: the class documents (local bound, no-signalling optimum, v(0) per orbit of
  pairs), every one checked exactly, in the enumeration's process after it (its peak memory
  includes the enumeration's).

Run from the repository root::

    .venv/bin/python benchmarks/bench_catalogue.py                 # every catalogue scenario
    .venv/bin/python benchmarks/bench_catalogue.py 2x2-2x2 3x2-3x2  # some

Wall and CPU seconds are printed: the machine may be shared, and the load average is printed too.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import time


def _stage(spec: str, stage: str, queue) -> None:
    from certify.builder.catalogue import class_document, enumerate_scenario
    from certify.lp.facet_classes import classify_facets
    from certify.lp.local_polytope import facet_from_collins_gisin, facets_cdd

    wall, cpu = time.monotonic(), time.process_time()
    detail = ""
    if stage == "enumeration":
        catalogue = enumerate_scenario(spec, cross_check=False)
        queue.put((time.monotonic() - wall, time.process_time() - cpu,
                   resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   f"{catalogue.facets} facets, {len(catalogue.classes)} classes"))
        wall, cpu = time.monotonic(), time.process_time()
        for number in range(1, len(catalogue.classes) + 1):
            class_document(catalogue, number)
        detail = f"{len(catalogue.classes)} class documents"
    elif stage == "classification":
        catalogue = enumerate_scenario(spec, cross_check=False)
        wall, cpu = time.monotonic(), time.process_time()
        listed = facets_cdd(catalogue.scenario)
        groups = classify_facets(catalogue.geometry,
                                 [facet_from_collins_gisin(catalogue.scenario, r[0], r[1:]) for r in listed])
        detail = f"{len(listed)} facets, {len(groups)} classes (pycddlib, whole polytope)"
    queue.put((time.monotonic() - wall, time.process_time() - cpu,
               resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, detail))


def main(specs) -> int:
    from certify.builder.catalogue import CATALOGUE_SCENARIOS, CROSS_CHECKED
    from certify.lp.local_polytope import parse_scenario, scenario_spec

    specs = [scenario_spec(parse_scenario(s)) for s in specs] or list(CATALOGUE_SCENARIOS)
    context = multiprocessing.get_context("fork")
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    print(f"{'scenario':<14} {'stage':<15} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}  result")
    for spec in specs:
        for stage in ("enumeration", "classification"):
            if stage == "classification" and spec not in CROSS_CHECKED:
                print(f"{spec:<14} {stage:<15} {'-':>8} {'-':>8} {'-':>8}  (no full enumeration: too slow here)")
                continue
            queue = context.Queue()
            process = context.Process(target=_stage, args=(spec, stage, queue))
            process.start()
            names = ("enumeration", "certification") if stage == "enumeration" else (stage,)
            for name in names:  # the certification runs in the enumeration's process, after it
                wall, cpu, memory, detail = queue.get()
                print(f"{spec:<14} {name:<15} {wall:>8.1f} {cpu:>8.1f} {memory:>8.0f}  {detail}", flush=True)
            process.join()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
