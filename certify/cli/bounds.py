"""``certify bounds``: exact bounds of a Bell expression (:func:`certify.builder.bounds.expression_bounds`)."""

from __future__ import annotations

from certify.builder.bounds import expression_bounds
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
    sense = "min" if expression.direction == "minimise" else "max"
    print(f"{expression.name} ({expression.direction} B.P; {result['canonical_order']})")
    print(f"  local bound ({sense} over deterministic strategies): {result['local_bound']}"
          f"  strategy {' '.join(result['local_strategy'])}")
    print(f"  no-signalling optimum:                         {result['ns_optimum']}")
    print(f"  Bell inequality (bounds differ):               {result['is_bell_inequality']}")
    print(f"  max P(x*|u*) at the no-signalling optimum:     {result['max_output_probability_at_ns_optimum']}"
          f"  (e.g. at {result['pairs_attaining_max'][0]})")
    print(f"  method: {result['method']}")
    return 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "bounds", help="exact local bound, no-signalling optimum and max output probability of a Bell expression",
        description=("For a built-in Bell expression or an expression file (format certify/bell-expression, "
                     "see docs/certificate-format.md): the exact local bound (all deterministic strategies), "
                     "the exact no-signalling optimum, whether it is a Bell inequality (the two differ), and "
                     "the largest output probability P(x*|u*) over all settings and outcomes among "
                     "no-signalling boxes attaining the optimum. Built-ins: " + ", ".join(builtin_names())))
    parser.add_argument("--expression", required=True, metavar="NAME_OR_FILE",
                        help="a built-in name or a JSON expression file")
    parser.add_argument("--no-symmetry", action="store_true",
                        help="solve every pair instead of one per symmetry orbit")
    parser.add_argument("--reduced", action="store_true",
                        help=f"use symmetry-reduced exact LPs (automatic above {REDUCED_ABOVE} probabilities)")
    add_quiet(parser)
    add_json(parser)
    parser.set_defaults(func=_run)
