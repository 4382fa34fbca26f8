"""``certify``: the entry point. Maps each subcommand to its module and errors to exit codes.

Each subcommand lives in one module of :mod:`certify.cli` exposing
``add_parser(subparsers)``; the parser's ``func`` default receives the parsed
arguments and returns an exit code or raises a :class:`~certify.errors.CertifyError`.
:func:`main` maps exceptions to exit codes (0 ok, 1 claim not proven,
2 malformed input, 130 interrupted by Ctrl-C, 141 output pipe closed) and never prints a traceback for bad
input. Only the module of the command being run is imported, so that
``certify audit`` does not load the solvers.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from certify.errors import EXIT_MALFORMED, EXIT_NOT_PROVEN, CertifyError
from certify.version import __version__

__all__ = ["main", "build_parser", "COMMAND_MODULES"]

COMMAND_MODULES = {
    "certify.cli.regenerate": ("regenerate",),
    "certify.cli.optimum": ("optimum",),
    "certify.cli.bounds": ("bounds",),
    "certify.cli.audit": ("audit", "check", "show"),
    "certify.cli.export": ("export",),
    "certify.cli.resolve": ("resolve",),
    "certify.cli.simulate": ("simulate",),
    "certify.cli.params": ("params",),
    "certify.cli.report": ("report", "cite"),
    "certify.cli.referee": ("referee",),
    "certify.cli.facets": ("facets",),
    "certify.cli.catalogue": ("catalogue",),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or (with ``command``) one holding only the module that
    defines that command."""
    parser = argparse.ArgumentParser(
        prog="certify",
        description=("Exact certificates for device-independent randomness amplification "
                     "(Brandão et al., four no-signalling devices). Regenerate, audit and "
                     "cite the certificates; query exact optima; check parameters."))
    parser.add_argument("--version", action="version", version=f"certify {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, commands in COMMAND_MODULES.items():
        if command is None or command in commands:
            importlib.import_module(name).add_parser(subparsers)
    return parser


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a closed pipe (`certify audit | head -1`)


def main(argv=None) -> int:
    """Run one command; returns its exit code (see the module docstring)."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("certify: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away: say nothing more, and keep Python from complaining
        # about the unflushed stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _main(argv) -> int:
    for stream in (sys.stdout, sys.stderr):  # ε, ≈ and · stay readable on an ASCII-only terminal
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    argv = sys.argv[1:] if argv is None else list(argv)
    known = {c for commands in COMMAND_MODULES.values() for c in commands}
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(first if first in known else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_MALFORMED
    try:
        return int(args.func(args) or 0)
    except CertifyError as error:
        print(f"certify {args.command}: error: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        raise  # handled by main: the reader went away
    except OSError as error:  # unreadable input, unwritable output folder, full disk
        print(f"certify {args.command}: error: {error.strerror or error}: {error.filename or ''}",
              file=sys.stderr)
        return EXIT_MALFORMED
    except ArithmeticError as error:  # an exact-stage invariant failed: the claim is not established
        print(f"certify {args.command}: claim not established: {error}", file=sys.stderr)
        return EXIT_NOT_PROVEN
