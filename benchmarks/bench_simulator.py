"""Rounds per second of the Protocol I simulator (issue 5, item 7).

Protocol I, eps = 1/10, honest quantum device (visibility 9999/10000), extraction
included (block-wise GF(2^8) inner product with 4n further SV bits). The i.i.d.
source is the headline number; the adaptive and targeting sources are reported
separately. Run from the repository root:

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_simulator.py [--rounds N] [--threads T]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from fractions import Fraction

from certify.devices import honest_quantum_device
from certify.simulator import DEFAULT_CHUNK_ROUNDS, default_protocol_threshold, run_protocol_one
from certify.sv_source import make_source


def measure(kind: str, rounds: int, threads: int, repeats: int, chunk_rounds: int) -> dict:
    epsilon = Fraction(1, 10)
    source = make_source(kind, epsilon, target_setting="0001")
    device = honest_quantum_device("0.9999")
    threshold = default_protocol_threshold(epsilon)
    run_protocol_one(source, device, chunk_rounds, threshold, 0, threads=threads,
                     chunk_rounds=chunk_rounds)  # warm-up
    timings = []
    for repeat in range(repeats):
        start = time.perf_counter()
        result = run_protocol_one(source, device, rounds, threshold, repeat + 1, threads=threads,
                                  chunk_rounds=chunk_rounds)
        timings.append(time.perf_counter() - start)
    best = min(timings)
    return {"source": kind, "rounds": rounds, "threads": threads, "best_seconds": round(best, 3),
            "rounds_per_second": round(rounds / best), "accepted": result.accepted,
            "output_bits": result.output_bits}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chunk-rounds", type=int, default=DEFAULT_CHUNK_ROUNDS)
    args = parser.parse_args()
    results = [measure(kind, args.rounds, args.threads, args.repeats, args.chunk_rounds)
               for kind in ("iid", "adaptive", "targeting")]
    print(json.dumps({"cpu_count": os.cpu_count(), "target_rounds_per_second": 10_000_000,
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
