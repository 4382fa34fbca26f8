"""``certify simulate``: run Protocol I or II on a simulated device (:func:`certify.simulation.run.simulate`)."""

from __future__ import annotations

import argparse
import json
import sys

from certify.cli.options import add_certificates
from certify.errors import ClaimNotProven
from certify.progress import Progress
from certify.simulation.protocols import DEFAULT_CHUNK_ROUNDS, DEFAULT_THRESHOLD_RULE
from certify.simulation.run import DEVICES, SOURCES, simulate, simulation_text

__all__ = ["add_parser"]

PROGRESS_MIN_ROUNDS = 5_000_000


def _run(args) -> int:
    show = args.progress
    if show is None:
        total = args.rounds * (2 * args.blocks if args.protocol == "II" else 1)
        show = sys.stderr.isatty() and total >= PROGRESS_MIN_ROUNDS
    document = simulate(
        protocol=args.protocol, epsilon=args.epsilon, rounds=args.rounds, seed=args.seed, source=args.source,
        favoured_bit=args.favoured_bit, target_setting=args.target_setting, device=args.device,
        visibility=args.visibility, flip_probability=args.flip_probability, setting=args.setting,
        outcome=args.outcome, bell_value=args.bell_value, certificates=args.certificates, blocks=args.blocks,
        threshold=args.threshold, threads=args.threads, chunk_rounds=args.chunk_rounds,
        run_crosscheck=args.crosscheck, paper_bounds=args.paper_bounds, alpha=args.alpha,
        output_file=args.output_file, progress=Progress("simulate", show, unit="rounds"))
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        print(simulation_text(document))
    if "crosscheck" in document and not document["crosscheck"]["passed"]:
        raise ClaimNotProven("a cross-check failed (see the crosscheck object)")
    return 0


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
    parser.add_argument("--source", choices=SOURCES, default="iid",
                        help="iid: each bit = --favoured-bit w.p. 1/2+eps (default); adaptive: SV "
                             "attack pushing each setting toward the settings the Bell test does not "
                             "use; targeting: maximal weight (1/2+eps)^4 on --target-setting")
    parser.add_argument("--favoured-bit", type=int, choices=(0, 1), default=0,
                        help="bit value the i.i.d. source favours (default 0)")
    parser.add_argument("--target-setting", default=None,
                        help="setting the targeting source favours (default: --setting, else 0000)")
    parser.add_argument("--device", choices=DEVICES, default="quantum",
                        help="quantum: state of eq. (8) with noise; adversarial: certificate witness "
                             "maximising P(--outcome|--setting); local: best deterministic cheater")
    parser.add_argument("--visibility", default="1", help="white-noise visibility V (exact), default 1")
    parser.add_argument("--flip-probability", default="0",
                        help="independent output bit-flip probability p (exact), default 0")
    parser.add_argument("--setting", default=None, help="adversarial target setting u*, e.g. 0001")
    parser.add_argument("--outcome", default=None, help="adversarial target outcome x*, e.g. 1000")
    parser.add_argument("--bell-value", default="0",
                        help="adversarial: plain Bell sum B.P at which the witness is taken (default 0)")
    add_certificates(parser)
    parser.add_argument("--rounds", type=int, required=True,
                        help="Protocol I: rounds n; Protocol II: rounds per block n")
    parser.add_argument("--blocks", type=int, default=4,
                        help="Protocol II: blocks per device N (power of two), default 4")
    parser.add_argument("--threshold", default=None,
                        help="protocol threshold delta on L_n (exact); default: " + DEFAULT_THRESHOLD_RULE)
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
    parser.set_defaults(func=_run)
