"""``certify export``: the certificates for checkers and solvers outside this package, one route per option.

* ``--vipr DIR``: the Lemma-11 certificates as VIPR 1.0 files
  (:func:`certify.builder.vipr.export_folder`);
* ``--coq DIR``: a Coq development that re-checks them in the Coq kernel
  (:func:`certify.builder.coq.write_coq_export`);
* ``--lp DIR``: the certified per-pair LPs as LP-format files, exactly
  (:func:`certify.builder.lp_export.export_lp`), for ``certify resolve``.

All read ``./certificates`` (``--certificates DIR`` to override) and write
their folder all at once.
"""

from __future__ import annotations

import json

from certify.builder.store import certificates_dir
from certify.cli.options import add_certificates, add_json, add_quiet, progress_for
from certify.errors import InputError

__all__ = ["add_parser", "ROUTES"]


def _refuse(args, route: str, options: dict[str, object]) -> None:
    given = [name for name, value in options.items() if value]
    if given:
        raise InputError(f"{', '.join(given)}: not an option of --{route} (--bell-value and --representatives "
                         f"go with --lp; --expression goes with --lp or --coq)")


def _vipr(args) -> dict:
    from certify.builder.vipr import export_folder

    _refuse(args, "vipr", {"--expression": args.expression, "--bell-value": args.bell_value,
                           "--representatives": args.representatives})
    written = export_folder(certificates_dir(args.certificates) / "lemma11", args.vipr)
    return {"route": "vipr", "directory": args.vipr, "written": [str(path) for path in written],
            "message": f"export: wrote {len(written)} VIPR 1.0 files to {args.vipr}"}


def _coq(args) -> dict:
    from certify.builder.coq import write_coq_export

    _refuse(args, "coq", {"--bell-value": args.bell_value, "--representatives": args.representatives})
    summary = write_coq_export(certificates_dir(args.certificates), args.coq, args.expression)
    expressions = "".join(f"; {name}: {count} pairs" for name, count in summary["expressions"].items())
    return {"route": "coq", **summary,
            "message": (f"export: wrote a Coq development of {len(summary['files'])} files to {args.coq} "
                        f"(Lemma 11: {summary['pairs']} pairs in {summary['pair_files']} files{expressions}); "
                        f"build it with: make -C {args.coq} -j2")}


def _lp(args) -> dict:
    from certify.builder.lp_export import DEFAULT_BELL_VALUE, export_lp

    if len(args.expression) > 1:
        raise InputError("--expression: --lp exports one expression at a time")
    summary = export_lp(args.lp, args.certificates, args.expression[0] if args.expression else None,
                        DEFAULT_BELL_VALUE if args.bell_value is None else args.bell_value,
                        args.representatives, progress_for(args, "LP files"))
    return {"route": "lp", **summary,
            "message": (f"export: wrote {summary['files']} LP files and export.json to {summary['directory']} "
                        f"(certificates/{summary['certificates']}, bell value {summary['bell_value']}); "
                        f"re-solve them with `certify resolve --solver qsopt {summary['directory']}`")}


ROUTES = {"vipr": _vipr, "coq": _coq, "lp": _lp}
"""Export route (the option's name) -> function of the parsed arguments returning a summary."""


def _run(args) -> int:
    route = next(name for name in ROUTES if getattr(args, name) is not None)
    result = ROUTES[route](args)
    message = result.pop("message")
    if args.json:
        print(json.dumps(result, indent=1, sort_keys=True))
    else:
        print(message)
    return 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="write the certificates for other checkers (VIPR, Coq) or the certified LPs as LP files",
        description=("Write the certificates for a checker or solver outside this package. "
                     "--vipr: every Lemma-11 certificate (paper claim and each value-function piece) as a "
                     "VIPR 1.0 file (Cheung, Gleixner, Steffy; checked by viprchk); only files the "
                     "trusted checker accepts are exported. --coq: a Coq development (plain coqc 8.16, "
                     "`make -j2` in DIR) whose final theorems state Lemma 11 and the exact value "
                     "functions about the no-signalling polytope and eq. (7); the Coq kernel checks "
                     "every certificate, so a forged one makes the build fail at its pair. "
                     "--lp: through PuLP, one LP-format file per pair: maximise P(x*|u*) over the "
                     "no-signalling polytope subject to B.P <= V (Lemma 11) or, with --expression, to the "
                     "expression's penalty value <= its no-signalling optimum + V, with rows scaled to "
                     "integers; each file is read back and compared exactly with the model, and a file "
                     "that would round a number is refused (exit 2); `certify resolve` re-solves them. "
                     "The output folder is written all at once; an existing one is replaced only if it is "
                     "empty or holds an earlier export of the same kind."))
    routes = parser.add_mutually_exclusive_group(required=True)
    routes.add_argument("--vipr", metavar="DIR", help="write VIPR 1.0 files into DIR")
    routes.add_argument("--coq", metavar="DIR", help="write a Coq development into DIR")
    routes.add_argument("--lp", metavar="DIR", help="write LP files and export.json into DIR")
    add_certificates(parser)
    parser.add_argument("--expression", action="append", default=[], metavar="NAME",
                        help=("with --coq: also export the built-in expression NAME of certificates/expressions/ "
                              "(full folders: chsh, mermin3, paper, magic-square; repeatable); with --lp: export "
                              "that library expression's LPs instead of Lemma 11's (chsh, mermin3, mermin5, "
                              "magic-square, paper)"))
    parser.add_argument("--bell-value", metavar="V",
                        help="with --lp: the bound V >= 0 on the Bell (penalty) value, an exact number such as "
                             "1/10, 0.1 or 1e-1 (default 1/10)")
    parser.add_argument("--representatives", action="store_true",
                        help="with --lp: only the pairs with their own certificate (for mermin5 the orbit "
                             "representatives; the other pairs share their value by the checked symmetry)")
    add_quiet(parser)
    add_json(parser, "machine-readable summary on stdout")
    parser.set_defaults(func=_run)
