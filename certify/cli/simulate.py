"""``certify simulate``: run Protocol I or II on a simulated device and cross-check the certificates.

Thin wrapper over :mod:`certify.simulation.protocols`; all numbers that decide
something are exact (the threshold delta, the Bell counts, the predicted
Bell values), floats appear only as readable copies.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from fractions import Fraction

from certify.simulation.devices import (adversarial_device, best_local_strategy, default_certificates_dir,
                             honest_quantum_device, load_value_function_bounds,
                             local_deterministic_device)
from certify.errors import ClaimNotProven, InputError
from certify.simulation.extractor import BlockExtractor
from certify.simulation.protocols import (CERTIFIED_BOUND_SOURCE, DEFAULT_CHUNK_ROUNDS,
                               DEFAULT_THRESHOLD_RULE, PAPER_BOUND_SOURCE, crosscheck,
                               default_protocol_threshold, paper_lemma11_bounds, run_protocol_one,
                               run_protocol_two)
from certify.simulation.source import make_source, parse_epsilon

__all__ = ["add_parser", "run_simulate", "simulate_document"]

PROGRESS_MIN_ROUNDS = 5_000_000


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="simulate Protocol I/II on a quantum, adversarial or local device",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Simulate the randomness-amplification protocols of the paper (Protocol I, Fig. 1; "
            "Protocol II, Fig. 3) with settings from an epsilon-SV source (eq. (1)).\n\n"
            "The run accepts iff every tested block has bell_count <= delta * rounds, i.e. "
            "L_n <= delta, with delta the protocol threshold on the SV-weighted Bell value "
            "(eq. (36)); not the plain Bell sum B.P of Lemma 11 (0..8).\n\n"
            "Output bits come from an explicit block-wise GF(2^8) inner-product extractor, "
            "NOT the paper's extractors (Lemma 5: non-explicit two-source; Rao's three-source).\n"
            "The same --seed (and --chunk-rounds) gives the same output, whatever --threads."),
        epilog=("example:\n  certify simulate --protocol I --epsilon 1/10 --device quantum "
                "--visibility 0.9999 --rounds 200000 --seed 1 --json --crosscheck"))
    parser.add_argument("--protocol", choices=("I", "II"), default="I",
                        help="Protocol I (one device) or II (two devices, block choice); default I")
    parser.add_argument("--epsilon", required=True,
                        help="SV parameter, exact (e.g. 1/10 or 0.1), 0 <= epsilon < 1/2")
    parser.add_argument("--source", choices=("iid", "adaptive", "targeting"), default="iid",
                        help="iid: each bit = --favoured-bit w.p. 1/2+eps (default); adaptive: SV "
                             "attack pushing each setting toward the settings the Bell test does not "
                             "use; targeting: maximal weight (1/2+eps)^4 on --target-setting")
    parser.add_argument("--favoured-bit", type=int, choices=(0, 1), default=0,
                        help="bit value the i.i.d. source favours (default 0)")
    parser.add_argument("--target-setting", default=None,
                        help="setting the targeting source favours (default: --setting, else 0000)")
    parser.add_argument("--device", choices=("quantum", "adversarial", "local"), default="quantum",
                        help="quantum: state of eq. (8) with noise; adversarial: certificate witness "
                             "maximising P(--outcome|--setting); local: best deterministic cheater")
    parser.add_argument("--visibility", default="1", help="white-noise visibility V (exact), default 1")
    parser.add_argument("--flip-probability", default="0",
                        help="independent output bit-flip probability p (exact), default 0")
    parser.add_argument("--setting", default=None, help="adversarial target setting u*, e.g. 0001")
    parser.add_argument("--outcome", default=None, help="adversarial target outcome x*, e.g. 1000")
    parser.add_argument("--bell-value", default="0",
                        help="adversarial: plain Bell sum B.P at which the witness is taken (default 0)")
    parser.add_argument("--certificates", default=None,
                        help="certificates folder (default $CERTIFY_CERTIFICATES or ./certificates)")
    parser.add_argument("--rounds", type=int, required=True,
                        help="Protocol I: rounds n; Protocol II: rounds per block n")
    parser.add_argument("--blocks", type=int, default=4,
                        help="Protocol II: blocks per device N (power of two), default 4")
    parser.add_argument("--threshold", default=None,
                        help="protocol threshold delta on L_n (exact); default: "
                             + DEFAULT_THRESHOLD_RULE)
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--threads", type=int, default=2, help="worker threads (default 2)")
    parser.add_argument("--chunk-rounds", type=int, default=DEFAULT_CHUNK_ROUNDS,
                        help=f"rounds per chunk (multiple of 64), default {DEFAULT_CHUNK_ROUNDS}")
    parser.add_argument("--crosscheck", action="store_true",
                        help="run the cross-checks against the certificates and the exact tails")
    parser.add_argument("--paper-bounds", action="store_true",
                        help="cross-check output probabilities against the paper's Lemma 11 line "
                             "(1 + 2 B.P)/3 instead of the certificates")
    parser.add_argument("--alpha", default="1/1000",
                        help="significance level of the cross-checks (exact), default 1/1000")
    parser.add_argument("--output-file", default=None,
                        help="write the extracted bits (raw bytes, most significant bit first) "
                             "when the run accepts")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="show a progress bar on stderr")
    progress.add_argument("--no-progress", dest="progress", action="store_false",
                          help="never show the progress bar")
    parser.set_defaults(func=run_simulate)


def _exact(text, option: str) -> Fraction:
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError, TypeError):
        raise InputError(f"{option}: expected an exact rational such as 1/1000, got {text!r}") from None


class _ProgressBar:
    def __init__(self, stream) -> None:
        self.stream = stream
        self.start = time.perf_counter()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        percent = int(100 * done / total)
        if percent == self.last:
            return
        self.last = percent
        rate = done / max(time.perf_counter() - self.start, 1e-9)
        bar = "#" * (percent // 4)
        self.stream.write(f"\r[{bar:<25}] {percent:3d}%  {done}/{total} rounds  {rate / 1e6:.1f} M/s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _build_device(args):
    if args.device == "quantum":
        return honest_quantum_device(args.visibility, args.flip_probability)
    if args.device == "local":
        return local_deterministic_device(best_local_strategy())
    if args.setting is None or args.outcome is None:
        raise InputError("--device adversarial needs --setting and --outcome (e.g. 0001 and 1000)")
    return adversarial_device(args.certificates or default_certificates_dir(), args.setting,
                              args.outcome, args.bell_value)


def simulate_document(args, progress=None) -> dict:
    """Run the simulation described by parsed arguments; return the JSON document."""
    epsilon = parse_epsilon(args.epsilon)
    if args.threads < 1:
        raise InputError(f"--threads: expected a positive integer, got {args.threads}")
    target = args.target_setting or args.setting or "0000"
    source = make_source(args.source, epsilon, favoured_bit=args.favoured_bit, target_setting=target)
    device = _build_device(args)
    if args.threshold is None:
        threshold, rule = default_protocol_threshold(epsilon), DEFAULT_THRESHOLD_RULE
    else:
        threshold, rule = _exact(args.threshold, "--threshold"), "given with --threshold"
        if threshold < 0:
            raise InputError(f"--threshold: expected delta >= 0, got {threshold}")
    extractor = BlockExtractor()
    common = dict(chunk_rounds=args.chunk_rounds, threads=args.threads, extractor=extractor,
                  output_path=args.output_file, progress=progress)
    if args.protocol == "I":
        result = run_protocol_one(source, device, args.rounds, threshold, args.seed, **common)
        devices = [device]
    else:
        devices = [device, device]
        result = run_protocol_two(source, devices, args.rounds, [args.blocks, args.blocks],
                                  threshold, args.seed, **common)
    nu = source.nibble_distribution()
    document = {
        "protocol": result.protocol,
        "epsilon": str(epsilon),
        "seed": args.seed,
        "source": source.describe(),
        "device": {**device.describe(),
                   "sv_weighted_bell_value": str(device.sv_weighted_bell_value(nu))},
        "rounds": result.test_rounds[0],
        "device_rounds": result.device_rounds,
        "accepted": result.accepted,
        "bell_count": result.bell_counts[0] if result.protocol == "I" else result.bell_counts,
        "bell_estimate": (float(result.bell_estimates[0]) if result.protocol == "I"
                          else [float(x) for x in result.bell_estimates]),
        "bell_estimate_exact": (str(result.bell_estimates[0]) if result.protocol == "I"
                                else [str(x) for x in result.bell_estimates]),
        "delta": str(threshold),
        "delta_rule": rule,
        "output_bits": result.output_bits,
        "output_file": args.output_file if (args.output_file and result.accepted) else None,
        "extractor": result.extractor,
    }
    if result.details:
        document["protocol_details"] = result.details
    if args.crosscheck:
        alpha = _exact(args.alpha, "--alpha")
        if not 0 < alpha < 1:
            raise InputError(f"--alpha: expected 0 < alpha < 1, got {alpha}")
        certificates = args.certificates or default_certificates_dir()
        if args.paper_bounds:
            bounds, bound_source = paper_lemma11_bounds(), PAPER_BOUND_SOURCE
        else:
            bounds, bound_source = load_value_function_bounds(certificates), CERTIFIED_BOUND_SOURCE
        document["crosscheck"] = crosscheck(result, devices, source, bounds, alpha, bound_source)
    return document


def run_simulate(args) -> int:
    show = args.progress
    if show is None:
        total = args.rounds * (2 * args.blocks if args.protocol == "II" else 1)
        show = sys.stderr.isatty() and total >= PROGRESS_MIN_ROUNDS
    document = simulate_document(args, _ProgressBar(sys.stderr) if show else None)
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        estimate = document["bell_estimate_exact"]
        print(f"Protocol {document['protocol']}, epsilon = {document['epsilon']}, "
              f"source {document['source']['name']}, device {document['device']['name']} "
              f"(B.P = {document['device']['bell_sum']})")
        print(f"bell_count = {document['bell_count']}, L_n = {estimate}, delta = {document['delta']} "
              f"-> {'ACCEPTED' if document['accepted'] else 'ABORTED'}; output bits: "
              f"{document['output_bits']}")
        if "crosscheck" in document:
            for check in document["crosscheck"]["checks"]:
                print(f"  crosscheck {check['name']}: {'passed' if check['passed'] else 'FAILED'}")
    if "crosscheck" in document and not document["crosscheck"]["passed"]:
        raise ClaimNotProven("a cross-check failed (see the crosscheck object)")
    return 0
