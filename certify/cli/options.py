"""Options and output helpers shared by the subcommands (argument parsing only)."""

from __future__ import annotations

import json
import sys

from certify.progress import Progress

__all__ = ["add_json", "add_certificates", "add_quiet", "progress_for", "print_json"]


def add_json(parser, what: str = "machine-readable output") -> None:
    parser.add_argument("--json", action="store_true", help=what)


def add_certificates(parser) -> None:
    parser.add_argument("--certificates", default=None, metavar="DIR",
                        help="certificates folder (default: ./certificates)")


def add_quiet(parser) -> None:
    parser.add_argument("--quiet", action="store_true", help="no progress display")


def progress_for(args, label: str, unit: str = "") -> Progress:
    """The command's progress display: on unless ``--quiet`` or ``--json`` (then stdout is for data)."""
    enabled = not getattr(args, "quiet", False) and not getattr(args, "json", False)
    return Progress(label, enabled, unit=unit)


def print_json(value, indent: int | None = None, sort_keys: bool = True, **options) -> None:
    """One JSON document on stdout."""
    json.dump(value, sys.stdout, sort_keys=sort_keys, indent=indent, **options)
    sys.stdout.write("\n")
