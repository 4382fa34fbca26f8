"""``certify audit``, ``check`` and ``show``: the trusted checker's verdicts (:mod:`certify.checker`).

These commands decide with the standard-library checker alone. One status
line per entry goes to stdout, then a summary; the reasons go to stderr.
Exit codes: 0 every entry valid, 1 some claim not proven, 2 some input
malformed or unreadable (2 wins over 1). ``show`` prints the statement
exactly as the checker parsed it.
"""

from __future__ import annotations

import json
import sys

from certify.checker import audit as audit_module
from certify.checker import core as checker
from certify.checker.audit import DEFAULT_CERTIFICATES, DEFAULT_PROOFS, STATUS_LABEL
from certify.checker.describe import describe, show_payload

__all__ = ["add_parser"]

CODES = "Exit codes: 0 all valid, 1 some claim not proven, 2 some input malformed (2 wins)."


def _report(results, command: str, as_json: bool) -> int:
    counts = audit_module.counts_of(results)
    code = audit_module.exit_code_of(results)
    for _, status, detail in results:
        if detail:
            print(detail, file=sys.stderr)
    if as_json:
        print(json.dumps({"command": command, "exit_code": code, "counts": counts,
                          "results": [{"path": p, "status": s, "detail": d} for p, s, d in results]},
                         indent=1))
        return code
    for path, status, _ in results:
        print(f"{STATUS_LABEL[status]:<11} {path}")
    print(f"{command}: {len(results)} entries: {counts['ok']} ok, {counts['not proven']} not proven, "
          f"{counts['malformed']} malformed, {counts['skipped']} skipped, "
          f"{counts['not audited']} not independently audited -> exit {code}")
    return code


def _run_audit(args) -> int:
    results = audit_module.audit(args.paths) if args.paths else audit_module.default_audit()
    if not results:
        results.append((" ".join(args.paths), "malformed", "no certificate files found"))
    return _report(results, "audit", args.json)


def _run_check(args) -> int:
    return _report(audit_module.check_one(args.file), "check", args.json)


def _run_show(args) -> int:
    try:
        kind, statement = audit_module.check_file(args.file)
    except checker.CheckError as error:
        return _report([(args.file, "malformed" if error.exit_code == 2 else "not proven", str(error))],
                       "show", False)
    if args.json:
        print(json.dumps(show_payload(kind, statement, args.file), indent=1))
    else:
        sys.stdout.write(describe(kind, statement, args.file))
    return 0


def add_parser(subparsers) -> None:
    """Register ``audit``, ``check`` and ``show``."""
    audit = subparsers.add_parser(
        "audit", help="check every certificate, coverage and manifest hashes (standard library only)",
        description=("Check every certificate under the given files or folders with the small "
                     "trusted checker (certify/checker/). Folders are searched recursively; a "
                     "folder of output-bound files must cover all 256 pairs (u*, x*); a folder of "
                     "expression files (certificates/expressions/<name>/) must prove every pair of its "
                     "scenario, by the pair's document or by symmetry.json from a representative "
                     "with one, and hold a proven bounds.json agreeing with the pairs; a family "
                     "file (certificates/families/<name>.json) is self-contained and checked alone; a "
                     "manifest.json must list every .json file below it with its SHA-256. "
                     f"Default: {DEFAULT_CERTIFICATES}/ (manifest required) and, if present, the "
                     f"certify records in {DEFAULT_PROOFS}/ (other JSON there is skipped with a "
                     f"note). {CODES}"))
    audit.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check")
    audit.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    audit.set_defaults(func=_run_audit)
    check = subparsers.add_parser("check", help="check one certificate file",
                                  description=f"Check one certificate or manifest file. {CODES}")
    check.add_argument("file", metavar="FILE")
    check.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    check.set_defaults(func=_run_check)
    show = subparsers.add_parser(
        "show", help="print the statement a certificate proves, as the checker parsed it",
        description=("Check FILE and print the statement it proves (Lemma 11 inequality and the "
                     f"exact value function table) as parsed by the checker. {CODES}"))
    show.add_argument("file", metavar="FILE")
    show.add_argument("--json", action="store_true", help="machine-readable statement on stdout")
    show.set_defaults(func=_run_show)
