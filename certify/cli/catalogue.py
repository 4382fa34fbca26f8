"""``certify catalogue``: bounds and Lemma 11's property for a folder of Bell expressions
(:func:`certify.builder.catalogue.certify_folder`)."""

from __future__ import annotations

from pathlib import Path

from certify.builder.catalogue import certify_folder
from certify.cli.options import add_json, add_quiet, print_json, progress_for

__all__ = ["add_parser"]


def _run(args) -> int:
    rows = certify_folder(Path(args.folder), progress=progress_for(args, "catalogue", "files"))
    if args.json:
        print_json(rows)
    else:
        print(f"{'file':<32} {'scenario':<14} {'local':>8} {'NS optimum':>10} {'max P':>7}  Lemma 11")
        for row in rows:
            name = Path(row["file"]).name
            if "error" in row:
                print(f"{name:<32} MALFORMED, skipped: {row['error']}")
                continue
            print(f"{name:<32} {row['scenario']:<14} {row['local_bound']:>8} {row['ns_optimum']:>10} "
                  f"{row['max_output_probability']:>7}  {'yes' if row['lemma11_property'] else 'no'}")
        good = [row for row in rows if "error" not in row]
        print(f"{len(good)} certified ({sum(r['lemma11_property'] for r in good)} with max P < 1), "
              f"{len(rows) - len(good)} malformed and skipped")
    return 2 if any("error" in row for row in rows) else 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "catalogue", help="certify a folder of Bell expressions (faacets YAML or certify JSON) in bulk",
        description=("For every .yaml/.yml (faacets BellExpression) and .json (certify/bell-expression) file "
                     "under FOLDER: the exact local bound, no-signalling optimum and largest output "
                     "probability at that optimum (every pair), each checked exactly, in one summary table. "
                     "A malformed file is reported and skipped (exit 2 at the end); the others are certified."))
    parser.add_argument("folder", metavar="FOLDER")
    add_quiet(parser)
    add_json(parser)
    parser.set_defaults(func=_run)
