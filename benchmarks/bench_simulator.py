"""Rounds per second of the Protocol I simulator; with --rates, accept rates.

Protocol I, eps = 1/10, honest quantum device (visibility 9999/10000), extraction
included (block-wise GF(2^8) inner product with 4n further SV bits). The i.i.d.
source is the headline number; the adaptive and targeting sources are reported
separately. Run from the repository root:

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_simulator.py [--rounds N] [--threads T]
    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_simulator.py --rates [--runs R] [--rounds N]

--rates runs Protocol I R times (seeds 1..R) for each device and source at eps = 1/10 with the
default threshold and prints the measured acceptance frequency beside the exact prediction
prod P(Bin(n, q) <= floor(delta n)), q = B_SV of eq. (36).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from fractions import Fraction

import math

from certify.builder.store import certificates_dir
from certify.simulation.devices import (adversarial_device, best_local_strategy,
                             honest_quantum_device, local_deterministic_device)
from certify.simulation.protocols import (DEFAULT_CHUNK_ROUNDS, binomial_upper_tail, default_protocol_threshold,
                               run_protocol_one)
from certify.simulation.source import make_source


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


def rates(rounds: int, runs: int, threads: int, chunk_rounds: int) -> dict:
    epsilon = Fraction(1, 10)
    threshold = default_protocol_threshold(epsilon)
    certificates = certificates_dir()
    devices = [
        ("quantum V=1", honest_quantum_device()),
        ("quantum V=0.9999", honest_quantum_device("0.9999")),
        ("quantum V=0.999", honest_quantum_device("0.999")),
        ("quantum V=0.9994", honest_quantum_device("0.9994")),
        ("quantum V=0.9993", honest_quantum_device("0.9993")),
        ("quantum flip p=1/10000", honest_quantum_device(1, "1/10000")),
        ("adversarial 0001|1000 at B.P=0", adversarial_device(certificates, "0001", "1000", 0)),
        ("adversarial 0001|1000 at B.P=1/1000", adversarial_device(certificates, "0001", "1000", "1/1000")),
        ("local best (B.P=2)", local_deterministic_device(best_local_strategy())),
    ]
    rows = []
    for kind in ("iid", "adaptive", "targeting"):
        source = make_source(kind, epsilon, target_setting="0001")
        nu = source.nibble_distribution()
        for label, device in devices:
            q = device.sv_weighted_bell_value(nu)
            predicted = 1 - binomial_upper_tail(rounds, q, math.floor(threshold * rounds) + 1)
            accepted = sum(run_protocol_one(source, device, rounds, threshold, seed, threads=threads,
                                            chunk_rounds=chunk_rounds).accepted
                           for seed in range(1, runs + 1))
            rows.append({"source": kind, "device": label, "bell_sum": str(device.bell_sum),
                         "sv_weighted_bell_value": str(q), "accepted": accepted, "runs": runs,
                         "predicted_acceptance_probability": float(predicted)})
    return {"epsilon": str(epsilon), "delta": str(threshold), "rounds": rounds, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chunk-rounds", type=int, default=DEFAULT_CHUNK_ROUNDS)
    parser.add_argument("--rates", action="store_true", help="acceptance rates instead of speed")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if args.rates:
        print(json.dumps(rates(args.rounds, args.runs, args.threads, args.chunk_rounds), indent=2))
        return
    results = [measure(kind, args.rounds, args.threads, args.repeats, args.chunk_rounds)
               for kind in ("iid", "adaptive", "targeting")]
    print(json.dumps({"cpu_count": os.cpu_count(), "target_rounds_per_second": 10_000_000,
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
