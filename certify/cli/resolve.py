"""``certify resolve``: re-solve an LP export with another solver and compare (:func:`certify.builder.resolve.resolve_folder`)."""

from __future__ import annotations

from certify.cli.options import add_certificates, add_json, add_quiet, print_json, progress_for
from certify.errors import EXIT_NOT_PROVEN, EXIT_OK, InputError

__all__ = ["add_parser"]


def _run(args) -> int:
    from certify.builder.resolve import report_lines, resolve_folder

    if args.workers < 1:
        raise InputError(f"--workers: expected at least 1, got {args.workers}")
    report = resolve_folder(args.directory, args.solver, args.certificates, args.workers, args.timeout,
                            args.esolver, progress_for(args, "LPs re-solved"))
    if args.json:
        print_json(report.to_json(), indent=1)
    else:
        print("\n".join(report_lines(report)))
    return EXIT_OK if report.all_agree else EXIT_NOT_PROVEN


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "resolve", help="re-solve the LP files of `certify export --lp` with QSopt_ex (exact) or CBC and compare",
        description=("A second opinion from a standard solver. Each LP file of DIR is read back and compared "
                     "coefficient by coefficient with the exact model rebuilt from the definitions "
                     "(so an edit to any row is caught), solved by QSopt_ex's exact rational simplex "
                     "(`esolver`, Debian package qsopt-ex: the optimum, the primal point and the duals "
                     "are checked exactly against the model) or by CBC in floating point (a cross-check "
                     "with a stated tolerance, not a proof), and its optimum compared with the certified "
                     "value of the certificates. Prints one row per LP; exits 1 if any LP disagrees or "
                     "fails to solve, 2 for a malformed folder or a missing esolver."))
    parser.add_argument("directory", metavar="DIR", help="a folder written by `certify export --lp`")
    parser.add_argument("--solver", choices=("qsopt", "cbc"), default="qsopt",
                        help="qsopt: exact (QSopt_ex's esolver; default); cbc: floating-point cross-check")
    parser.add_argument("--workers", type=int, default=2, help="processes to use (default 2)")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                        help="time allowed for one LP (default 600)")
    parser.add_argument("--esolver", metavar="PATH", help="the esolver program (default: found on PATH)")
    add_certificates(parser)
    add_quiet(parser)
    add_json(parser, "the comparison as JSON on stdout")
    parser.set_defaults(func=_run)
