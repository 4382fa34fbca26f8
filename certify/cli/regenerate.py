"""``certify regenerate``: rebuild certificates/ and proofs/ from scratch (:func:`certify.report.pipeline.regenerate`)."""

from __future__ import annotations

from pathlib import Path

from certify.cli.options import add_json, add_quiet, print_json
from certify.report.pipeline import part_names, regenerate

__all__ = ["add_parser"]


def _run(args) -> int:
    root = Path(args.out) if args.out else Path.cwd()
    summary = regenerate(root, only=args.only, workers=args.workers, show_progress=not (args.quiet or args.json))
    if args.json:
        print_json(summary)
        return 0
    seconds = summary["seconds"]
    for name, count in summary["parts"].items():
        print(f"certificates/{name}: {count} files written, each checked exactly ({seconds[name]:.1f} s)")
    if summary["proofs"]:
        print(f"proofs: {len(summary['proofs'])} documents written under {root / 'proofs'} "
              f"({seconds['proofs']:.1f} s)")
    print(f"total: {sum(seconds.values()):.1f} s")
    return 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "regenerate", help="rebuild every certificate and proof document from scratch",
        description=("Rebuild certificates/ and proofs/ from an empty staging folder (no cache), "
                     "check every certificate exactly before writing, and swap the result in. "
                     "Exits non-zero (1) if any claim fails."))
    parser.add_argument("--out", metavar="ROOT",
                        help="write ROOT/certificates and ROOT/proofs (default: the current folder)")
    parser.add_argument("--only", action="append", choices=part_names(),
                        help="rebuild only this part: a folder of certificates/ or 'proofs' "
                             "(proofs/ and the citation metadata); repeatable")
    parser.add_argument("--workers", type=int, default=2, help="processes to use (default 2)")
    add_quiet(parser)
    add_json(parser, "print a JSON summary")
    parser.set_defaults(func=_run)
