"""``certify optimum``: exact ``max P(x*|u*)`` under a Bell-value bound (:func:`certify.builder.optimum.optimum_table`)."""

from __future__ import annotations

from certify.builder.optimum import LIST_ALL_UP_TO, optimum_table, optimum_text
from certify.cli.options import add_json, add_quiet, print_json, progress_for
from certify.formats.library import resolve_expression
from certify.numbers import parse_exact

__all__ = ["add_parser"]


def _run(args) -> int:
    bell_value = parse_exact(args.bell_value, "--bell-value")
    expression = resolve_expression(args.expression)
    table = optimum_table(expression, bell_value, args.setting, args.outcome, args.with_certificates,
                          progress=progress_for(args, "optimum"))
    if args.json:
        print_json(table)
        return 0
    print(optimum_text(table, all_pairs=args.all))
    return 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "optimum", help="exact max P(x*|u*) subject to B.P <= a Bell value, for every pair",
        description=("Exact optimum of max P(x*|u*) over four-party no-signalling boxes with "
                     "B.P <= BELL_VALUE (B of eq. (7), the plain sum 0..8 of Lemma 11), for all 256 "
                     "pairs or one. Each value is checked by a dual certificate and a witness box."))
    parser.add_argument("--expression", default="paper", metavar="NAME_OR_FILE",
                        help=("Bell expression: a built-in name or a JSON expression file "
                              "(default: paper). For another expression BELL_VALUE bounds the "
                              "penalty value sign*B.P - offset (offset = no-signalling optimum "
                              "in penalty form; sign -1 for a maximise expression), and the "
                              "output adds the expression, penalty and canonical order"))
    parser.add_argument("--bell-value", required=True, metavar="VALUE",
                        help="bound on the plain Bell sum B.P, exact (e.g. 1/10 or 0.1)")
    parser.add_argument("--setting", metavar="U1U2U3U4",
                        help="restrict to one setting, one digit per party, e.g. 0001")
    parser.add_argument("--outcome", metavar="X1X2X3X4",
                        help="restrict to one outcome, one digit per party, e.g. 1000")
    parser.add_argument("--with-certificates", action="store_true",
                        help="include the dual line and witness box of each value")
    parser.add_argument("--all", action="store_true",
                        help=f"list every pair in the text output (it does up to {LIST_ALL_UP_TO} pairs; "
                             "above that a few per value, saying how many are left out)")
    add_quiet(parser)
    add_json(parser)
    parser.set_defaults(func=_run)
