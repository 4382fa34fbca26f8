"""``certify facets``: the facets of a local polytope, in classes (:func:`certify.builder.catalogue.facets_summary`)."""

from __future__ import annotations

from certify.builder.catalogue import facets_summary
from certify.cli.options import add_json, print_json

__all__ = ["add_parser"]


def _run(args) -> int:
    result = facets_summary(args.scenario, args.method, listing=args.list)
    if args.json:
        print_json(result)
        return 0
    print(f"scenario {result['scenario']}: dimension {result['dimension']}, "
          f"{result['deterministic_boxes']} deterministic boxes, {result['relabellings']} relabellings")
    print(f"{result['facets']} facets in {len(result['classes'])} classes (each representative checked exactly: "
          f"valid on every deterministic box, tight on an affinely independent set of them)")
    print(f"{'class':>5}  {'orbit':>6}  {'bound':>6}")
    for entry in result["classes"]:
        print(f"{entry['number']:>5}  {entry['orbit_size']:>6}  {entry['bound']:>6}")
    second = result.get("second_method")
    if second:
        verdict = "agrees" if second["agrees"] else "DISAGREES"
        print(f"{second['method']}: {second['facets']} facets in {second['classes']} classes ({verdict})")
    if args.list:
        for facet in result["facet_list"]:
            print(f"class {facet['class']}: {facet['coefficients']} >= {facet['bound']}; "
                  f"to representative: {facet['to_representative']}")
    return 0 if not second or second["agrees"] else 1


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "facets", help="facets of the local polytope of a scenario, exactly, in classes up to relabelling",
        description=("Compute the facets of the local polytope of a scenario exactly (adjacency decomposition "
                     "with pycddlib in GMP arithmetic), group them into classes up to relabelling of parties, "
                     "settings and outcomes (canonical form: the least image of the normal form), check each "
                     "class representative exactly, and report the facet and class counts. SPEC: one 'MxD' per "
                     "party joined by '-' (M settings, D outcomes; 'M' alone: D = 2), or chsh, i3322, cglmp, "
                     "tripartite. A facet list has no small certificate of completeness: --method lrs or cdd "
                     "counts again with a second enumeration of the whole polytope."))
    parser.add_argument("--scenario", required=True, metavar="SPEC", help="e.g. 2x2-2x2, 3-3, 2x3-2x3, tripartite")
    parser.add_argument("--method", choices=("adjacency", "lrs", "cdd"), default="adjacency",
                        help="also enumerate the whole polytope with lrs or pycddlib and compare the counts")
    parser.add_argument("--list", action="store_true",
                        help="print every facet with its class and the relabelling mapping it to the representative")
    add_json(parser)
    parser.set_defaults(func=_run)
