"""Command line: thin wrappers over library functions.

Each subcommand lives in a ``certify.commands_*`` module exposing
``add_parser(subparsers)``; the parser's ``func`` default receives the parsed
arguments and returns an exit code or raises a :class:`CertifyError`.
``main`` maps exceptions to exit codes (0 ok, 1 claim not proven, 2 malformed
input) and never prints a traceback for bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from certify import __version__
from certify.errors import EXIT_MALFORMED, EXIT_NOT_PROVEN, CertifyError
from certify.exact_lp import ExactLPError

__all__ = ["main", "build_parser"]

COMMAND_MODULES = (
    "certify.commands_lemma11",
    "certify.commands_audit",
    "certify.commands_simulate",
    "certify.commands_params",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="certify",
        description=("Exact certificates for device-independent randomness amplification "
                     "(Brandão et al., four no-signalling devices). Regenerate, audit and "
                     "cite the certificates; query exact optima; check parameters."))
    parser.add_argument("--version", action="version", version=f"certify {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(subparsers)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_MALFORMED
    try:
        return int(args.func(args) or 0)
    except CertifyError as error:
        print(f"certify {args.command}: error: {error}", file=sys.stderr)
        return error.exit_code
    except OSError as error:  # unreadable input, unwritable output folder, full disk
        print(f"certify {args.command}: error: {error.strerror or error}: {error.filename or ''}",
              file=sys.stderr)
        return EXIT_MALFORMED
    except (ExactLPError, ArithmeticError) as error:  # the exact stage could not prove a claim
        print(f"certify {args.command}: claim not established: {error}", file=sys.stderr)
        return EXIT_NOT_PROVEN
    except KeyboardInterrupt:
        print("certify: interrupted", file=sys.stderr)
        return 130
