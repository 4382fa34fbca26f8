"""``certify referee``: every independent check available here, one table (:func:`certify.report.referee.referee`)."""

from __future__ import annotations

import json

from certify.cli.options import add_json, add_quiet, progress_for
from certify.report.referee import ROUTES, exit_code, referee

__all__ = ["add_parser"]


def _run(args) -> int:
    results = referee(routes=args.route, progress=progress_for(args, "referee"))
    code = exit_code(results)
    if args.json:
        print(json.dumps({"exit_code": code, "routes": [{"route": r.route, "status": r.status,
                                                         "detail": r.detail} for r in results]}, indent=1))
        return code
    width = max(len(r.route) for r in results)
    print(f"{'route':<{width}}  {'status':<13}  detail")
    for r in results:
        print(f"{r.route:<{width}}  {r.status:<13}  {r.detail}")
    available = [r for r in results if r.status != "not available"]
    passed = sum(r.status == "passed" for r in available)
    missing = [r.route for r in results if r.status == "not available"]
    print(f"referee: {passed} of {len(available)} available routes passed"
          + (f"; not available here: {', '.join(missing)}" if missing else "") + f" -> exit {code}")
    return code


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "referee", help="run every independent check that is installed here and print one table",
        description=("Run every route that can check the stored certificates on this machine: the "
                     "project's standard-library checker (certify audit, always), and the outside "
                     "verifiers when they are installed. Each route is reported as passed, failed, or "
                     "not available (with the reason). Exit 0 when every available route passed, 1 when "
                     "one failed. Reads ./certificates."))
    parser.add_argument("--route", action="append", choices=sorted(ROUTES),
                        help="run only this route (repeatable)")
    add_quiet(parser)
    add_json(parser)
    parser.set_defaults(func=_run)
