"""``certify bounds``: exact bounds of a Bell expression (:func:`certify.builder.bounds.expression_bounds`)."""

from __future__ import annotations

from certify.builder.bounds import bounds_text, expression_bounds
from certify.builder.optimum import REDUCED_ABOVE
from certify.cli.options import add_json, add_quiet, print_json, progress_for
from certify.formats.library import builtin_names, resolve_expression

__all__ = ["add_parser"]


def _run(args) -> int:
    expression = resolve_expression(args.expression)
    result = expression_bounds(expression, symmetry=not args.no_symmetry, progress=progress_for(args, "bounds"),
                               reduced=True if args.reduced else None)
    if args.json:
        print_json(result)
        return 0
    print(bounds_text(expression, result))
    return 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "bounds", help="exact local bound, no-signalling optimum and max output probability of a Bell expression",
        description=("For a built-in Bell expression or an expression file (format certify/bell-expression, "
                     "see docs/certificate-format.md): the exact local bound (all deterministic strategies), "
                     "the exact no-signalling optimum, whether it is a Bell inequality (the two differ), and "
                     "the largest output probability P(x*|u*) over all settings and outcomes among "
                     "no-signalling boxes attaining the optimum. The text output also prints the expression "
                     "(in its shortest form), the penalty convention, and for an expression that is an "
                     "affine image of CHSH or Mermin's expression the conventional figures (for CHSH: "
                     "local 2, quantum 2√2, no-signalling 4). Built-ins: " + ", ".join(builtin_names())))
    parser.add_argument("--expression", required=True, metavar="NAME_OR_FILE",
                        help="a built-in name or a JSON expression file")
    parser.add_argument("--no-symmetry", action="store_true",
                        help="solve every pair instead of one per symmetry orbit")
    parser.add_argument("--reduced", action="store_true",
                        help=f"use symmetry-reduced exact LPs (automatic above {REDUCED_ABOVE} probabilities)")
    add_quiet(parser)
    add_json(parser)
    parser.set_defaults(func=_run)
