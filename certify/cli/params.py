"""``certify params``: Lemma 10, Theorems 20 and 27, finite size, noise (:func:`certify.params.report.params_report`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from certify.cli.options import add_certificates, add_quiet, progress_for
from certify.errors import InputError
from certify.params.figure import DEFAULT_MARKED_EPSILON, plot_trade_off
from certify.params.report import DEFAULT_TARGET, params_report, report_text

__all__ = ["add_parser"]


def _run(args) -> int:
    if args.plot is None and args.epsilon is None:
        raise InputError("--epsilon: required (a rational in [0, 1/2), e.g. 1/10) unless only --plot is given")
    if args.plot is not None:
        written = plot_trade_off(Path(args.plot), args.certificates, args.epsilon)
        if args.epsilon is None:
            print(f"wrote {written}")
            return 0
        print(f"wrote {written}", file=sys.stderr)
    report = params_report(args.epsilon, args.delta, args.n, args.target_error, args.output_bits,
                           args.certificates, args.white_noise, args.bit_flip, args.rao_error_log2,
                           progress=progress_for(args, "params: sections"))
    if args.json:
        json.dump(report, sys.stdout, indent=2, sort_keys=True, default=str)
        sys.stdout.write("\n")
    else:
        print(report_text(report))
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "params",
        help="check the parameters of Lemma 10 and Theorems 20/27; finite size; noise tolerance",
        description=(
            "Exact parameter checks for the paper. Two deltas are kept apart: the protocol "
            "threshold delta on L_n (--delta; the SV-weighted Bell value of eq. (36)) and the "
            "plain Bell sum B.P of Lemma 11 (0..8). Reports Lemma 10 (eq. (38)), the admissible "
            "region of Theorems 20/27 (eqs. (111), (180)) as the paper states it and with the "
            "certified Lemma 11 value functions, the smallest number of rounds for a target "
            "bound on d_comp p(ACC) (eq. (112)), and the noise tolerated by the quantum box of "
            "eq. (8). Exit 0 ok, 1 claim not proven, 2 bad input."))
    parser.add_argument("--epsilon", help="SV bias eps, exact, 0 <= eps < 1/2 (e.g. 1/10)")
    parser.add_argument("--delta", help="protocol threshold delta on L_n (default: delta_max/2)")
    parser.add_argument("--n", type=_positive_int, help="number of rounds n: print the proof's chain at n")
    parser.add_argument("--target-error", default=DEFAULT_TARGET,
                        help="target bound on d_comp p(ACC) of eq. (112) (default 1e-6)")
    parser.add_argument("--output-bits", type=_positive_int, default=1,
                        help="output length m in bits, |S| = 2^m (default 1)")
    add_certificates(parser)
    parser.add_argument("--white-noise", help="white-noise fraction 1 - V for the pass probability at --n")
    parser.add_argument("--bit-flip", help="bit-flip probability p for the pass probability at --n")
    parser.add_argument("--rao-error-log2",
                        help=("log2 of the L1 error of Rao's extractor for Theorem 27 (no published "
                              "constant; without it that term is left out and the output says so)"))
    add_quiet(parser)
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--plot", metavar="FILE",
                        help=("write Fig. 6 (delta_max against eps, paper and certified, each with its formula) "
                              "to FILE.png (300 dpi), FILE.svg or FILE.pdf; marks the --epsilon given, else "
                              f"eps = {DEFAULT_MARKED_EPSILON}; without --epsilon only the figure is made"))
    parser.set_defaults(func=_run)
