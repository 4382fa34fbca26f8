"""``certify export``: the certificates in other formats.

``--vipr`` (:func:`certify.builder.vipr.export_folder`) or ``--lp``
(:func:`certify.builder.lp_export.export_lp`), exactly one of them.
"""

from __future__ import annotations

import os

from certify.builder.store import certificates_dir
from certify.cli.options import add_certificates, add_json, add_quiet, print_json, progress_for
from certify.errors import InputError

__all__ = ["add_parser"]


def _run(args) -> int:
    if args.vipr is not None and (args.expression is not None or args.bell_value is not None or args.representatives):
        raise InputError("--expression, --bell-value and --representatives go with --lp")
    if args.vipr is not None:
        from certify.builder.vipr import export_folder

        written = export_folder(os.path.join(certificates_dir(args.certificates), "lemma11"), args.vipr)
        if args.json:
            print_json({"written": written, "directory": args.vipr}, indent=1, sort_keys=False)
        else:
            print(f"export: wrote {len(written)} VIPR 1.0 files to {args.vipr}")
        return 0
    from certify.builder.lp_export import DEFAULT_BELL_VALUE, export_lp

    summary = export_lp(args.lp, args.certificates, args.expression,
                        DEFAULT_BELL_VALUE if args.bell_value is None else args.bell_value,
                        args.representatives, progress_for(args, "LP files"))
    if args.json:
        print_json(summary, indent=1)
    else:
        print(f"export: wrote {summary['files']} LP files and export.json to {summary['directory']} "
              f"(certificates/{summary['certificates']}, bell value {summary['bell_value']}); "
              f"re-solve them with `certify resolve --solver qsopt {summary['directory']}`")
    return 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="write the certificates in the VIPR 1.0 format or the certified LPs as LP files",
        description=("--vipr: write every Lemma-11 certificate (paper claim and each value-function piece) "
                     "as a VIPR 1.0 file (Cheung, Gleixner, Steffy; checked by viprchk): maximise "
                     "P(x*|u*) - slope * B.P over the no-signalling polytope, with the exact "
                     "optimum proven by one 'lin' derivation and attained by a witness. Only files "
                     "the trusted checker accepts are exported. "
                     "--lp: write, through PuLP, one LP-format file per pair: maximise P(x*|u*) over the "
                     "no-signalling polytope subject to B.P <= V (Lemma 11) or, with --expression, to the "
                     "expression's penalty value <= its no-signalling optimum + V, with rows scaled to "
                     "integers; each file is read back and compared exactly with the model, and a file "
                     "that would round a number is refused (exit 2). export.json lists the files and the "
                     "certified optima; `certify resolve` re-solves them with QSopt_ex or CBC."))
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--vipr", metavar="DIR", help="write VIPR 1.0 files into DIR (created)")
    target.add_argument("--lp", metavar="DIR",
                        help="write LP files and export.json into DIR (new, empty or an earlier LP export, "
                             "which is replaced as a whole)")
    parser.add_argument("--expression", metavar="NAME",
                        help="with --lp: a library expression with stored pair certificates (chsh, mermin3, "
                             "mermin5, magic-square, paper); default: the Lemma-11 certificates")
    parser.add_argument("--bell-value", metavar="V",
                        help="with --lp: the bound V >= 0 on the Bell (penalty) value, an exact number such as "
                             "1/10, 0.1 or 1e-1 (default 1/10)")
    parser.add_argument("--representatives", action="store_true",
                        help="with --lp: only the pairs with their own certificate (for mermin5 the orbit "
                             "representatives; the other pairs share their value by the checked symmetry)")
    add_certificates(parser)
    add_quiet(parser)
    add_json(parser, "machine-readable result on stdout")
    parser.set_defaults(func=_run)
