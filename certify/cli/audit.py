"""Subcommands ``audit``, ``check``, ``show`` and ``export``: thin wrappers over the checker.

``audit`` and ``check`` decide with :mod:`certify.checker.core` alone (standard
library, nothing else from the package). One status line per file goes to
stdout, then a summary; the reasons go to stderr. Exit codes: 0 every file
valid, 1 some claim not proven, 2 some input malformed or unreadable (2 wins
over 1). ``show`` prints the statement exactly as the checker parsed it.
``export --vipr`` writes the Lemma-11 certificates in the VIPR 1.0 format of
Cheung, Gleixner and Steffy (see :mod:`certify.builder.vipr`).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import sys
from fractions import Fraction

from certify.checker import core as checker

__all__ = ["add_parser", "audit", "run_audit", "run_check", "run_show", "run_export", "exit_code_of"]

STATUS_LABEL = {"ok": "OK", "not proven": "NOT PROVEN", "malformed": "MALFORMED", "skipped": "SKIPPED",
                "not audited": "NOT AUDITED"}
DEFAULT_CERTIFICATES = "certificates"
DEFAULT_PROOFS = "proofs"
_PAIR_FILE = re.compile(r"u[0-9]+-x[0-9]+\.json")

def check_member(path: str, skip_unknown: bool = False):
    """Check one file of an audited folder; a picklable outcome for worker processes:
    ``("ok", format, statement)``, ``("skipped", format)`` or ``("error", format, exit code,
    message)`` (format None when the file is not a JSON object with a format string)."""
    kind = None
    try:
        document = checker.read_json(path)
        kind = document.get("format") if isinstance(document, dict) else None
        kind = kind if isinstance(kind, str) else None
        if skip_unknown and kind not in checker.VERSIONS:
            return ("skipped", kind)
        return ("ok",) + checker.check_document(document, path, os.path.dirname(path))
    except checker.CheckError as error:
        return ("error", kind, error.exit_code, str(error))


def _check_members(paths: list[str], skip_unknown: bool, workers: int):
    """Outcomes of :func:`check_member` in order; two or more worker processes
    share the work when there are many files (each file is checked independently)."""
    if workers > 1 and len(paths) >= 64 and "fork" in multiprocessing.get_all_start_methods():
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                return pool.starmap(check_member, [(p, skip_unknown) for p in paths],
                                    chunksize=max(1, len(paths) // (4 * workers)))
        except (OSError, ImportError):  # no semaphores or processes here: check serially
            pass
    return [check_member(p, skip_unknown) for p in paths]


def audit(paths, skip_unknown: bool = False, require_manifest: bool = False,
          workers: int | None = None) -> list[tuple[str, str, str]]:
    """Check files and folders (recursively) with the trusted checker.

    Returns ``[(path, status, detail)]`` with status ``ok``, ``not proven``,
    ``malformed`` or ``skipped`` (a JSON file of another format, only with
    ``skip_unknown``). Each folder holding output-bound files gets a coverage
    entry (:func:`certify.checker.core.check_coverage`: all 256 pairs proven, names
    matching targets), each folder of expression files one by
    :func:`certify.checker.core.check_expression_coverage`; a root folder with a ``manifest.json`` (required with
    ``require_manifest``) gets a manifest entry, which also requires every
    ``.json`` file and symbolic link below the root to be listed. Symbolic
    links are never followed: each one is reported malformed. ``workers``
    (default: the number of CPUs, at most 2) processes check the files.
    """
    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    results = []

    def record(path, action):
        try:
            value = action()
        except checker.CheckError as error:
            results.append((path, "malformed" if error.exit_code == 2 else "not proven", str(error)))
            return None
        results.append((path, "ok", ""))
        return value

    for root in paths:
        if not os.path.isdir(root) or os.path.islink(root):
            record(root, lambda: checker.check_file(root))
            continue
        manifest, found, members = os.path.join(root, "manifest.json"), set(), []
        for folder, subfolders, names in os.walk(root):
            subfolders.sort()
            for name in sorted(subfolders + names):
                path = os.path.join(folder, name)
                if os.path.islink(path) or (name.endswith(".json") and path != manifest):
                    found.add(os.path.relpath(path, root).replace(os.sep, "/"))
                    members.append((folder, name, path))
        outcomes = _check_members([path for _, _, path in members], skip_unknown, workers)
        by_folder: dict[str, tuple[dict, set, dict, set, set]] = {}
        for (folder, name, path), outcome in zip(members, outcomes):
            proven, present, expression_proven, expression_present, broken = by_folder.setdefault(
                folder, ({}, set(), {}, set(), set()))
            if outcome[0] == "skipped":
                results.append((path, "skipped", f"{path}: format {outcome[1]!r} is not one the checker "
                                                 f"knows ({', '.join(sorted(checker.VERSIONS))}); skipped"))
                continue
            if outcome[0] == "error":
                results.append((path, "malformed" if outcome[2] == 2 else "not proven", outcome[3]))
            elif isinstance(outcome[2], str) and outcome[2].startswith(checker.NOT_AUDITED):
                # A proof record whose claim has no algebra the checker can redo: said plainly.
                results.append((path, "not audited", f"{path}: {outcome[2]}"))
            else:
                results.append((path, "ok", ""))
            if outcome[1] in checker.EXPRESSION_FORMATS:
                expression_present.add(name)
                if outcome[0] == "ok":
                    expression_proven[name] = outcome[2]
            elif outcome[1] == "certify/output-bound" or (outcome[0] == "error" and outcome[1] is None
                                                          and _PAIR_FILE.fullmatch(name)):
                present.add(name)  # an output-bound certificate (manifests and proof records are not)
                if outcome[1] is None:
                    broken.add(name)  # unreadable: counted for the folder's kind of coverage
                if outcome[0] == "ok":
                    proven[name] = outcome[2]
        for folder, (proven, present, expression_proven, expression_present, broken) in by_folder.items():
            where = os.path.join(folder, "")
            if present and (present - broken or not expression_present):  # output-bound files
                record(where + " (coverage of the 256 pairs)",
                       lambda: checker.check_coverage(proven, present, where))
            if expression_present:
                record(where + " (coverage of the expression's pairs)",
                       lambda: _expression_coverage(expression_proven, expression_present | present, where))
        if require_manifest or os.path.lexists(manifest):
            record(manifest, lambda: _check_listed(manifest, found))
    return results


def _expression_coverage(statements: dict, present: set[str], where: str) -> None:
    if not statements:
        raise checker.NotProven(f"{where}: no expression document of this folder is proven")
    checker.check_expression_coverage(statements, present, where)


def _check_listed(manifest: str, found: set[str]) -> set[str]:
    """Check the root manifest and that it lists every file found below the root."""
    if not os.path.lexists(manifest):
        raise checker.Malformed(f"{manifest}: the required manifest is missing")
    kind, listed = checker.check_file(manifest)
    if kind != "certify/manifest":
        raise checker.Malformed(f"{manifest}: $.format: expected 'certify/manifest'")
    if found - listed:
        raise checker.NotProven(f"{manifest}: files not listed: {sorted(found - listed)[:4]}")
    return listed



def exit_code_of(results) -> int:
    """0 if every entry is ok or skipped, 2 if any is malformed, else 1."""
    statuses = {status for _, status, _ in results}
    return 2 if "malformed" in statuses else 1 if "not proven" in statuses else 0


def _report(results, command: str, as_json: bool) -> int:
    counts = {status: sum(1 for _, s, _ in results if s == status) for status in STATUS_LABEL}
    code = exit_code_of(results)
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


def run_audit(args) -> int:
    """``certify audit [PATH ...]``."""
    results = []
    if args.paths:
        results = audit(args.paths)
    else:
        if not os.path.isdir(DEFAULT_CERTIFICATES):
            results.append((DEFAULT_CERTIFICATES, "malformed",
                            f"{DEFAULT_CERTIFICATES}/: no such folder (run from the repository root, "
                            f"or give PATH)"))
        else:
            results += audit([DEFAULT_CERTIFICATES], require_manifest=True)
        if os.path.isdir(DEFAULT_PROOFS):
            results += audit([DEFAULT_PROOFS], skip_unknown=True)
    if not results:
        results.append((" ".join(args.paths), "malformed", "no certificate files found"))
    return _report(results, "audit", args.json)


def run_check(args) -> int:
    """``certify check FILE``."""
    results = []
    try:
        checker.check_file(args.file)
        results.append((args.file, "ok", ""))
    except checker.CheckError as error:
        results.append((args.file, "malformed" if error.exit_code == 2 else "not proven", str(error)))
    return _report(results, "check", args.json)


def describe(kind: str, statement, path: str) -> str:
    """The statement a checked file proves, in readable mathematical form."""
    if kind == "certify/manifest":
        return (f"{path}: certify/manifest version 1: {len(statement)} files, each a regular file "
                f"inside {os.path.dirname(path) or '.'} with the listed SHA-256\n"
                + "".join(f"  {p}\n" for p in sorted(statement)))
    if kind in checker.EXPRESSION_FORMATS or kind == "certify/expression-reduced":
        return _describe_expression(kind, statement, path)
    if kind != "certify/output-bound":
        return f"{path}: {kind} version 1: {statement}\n"
    target = f"P({statement['outcome']}|{statement['setting']})"
    lines = [
        f"{path}: certify/output-bound version 1, verified by certify.checker.core",
        "scenario: 4 parties, 2 settings and 2 outcomes each; 256 probabilities P(x|u), u=u1u2u3u4, "
        "x=x1x2x3x4; 272 no-signalling rows rebuilt by the checker",
        "expression: B of eq. (7) ('paper', 64 indicator coefficients, rebuilt and matched), "
        "B.P in [0, 8]",
        f"target: {target} (index {statement['index']})",
        f"Lemma 11, eq. (42): {target} <= 1/3 + 2/3 * B.P for every no-signalling box",
        f"  best constant for slope 2/3: {statement['bound']} (a witness attains it), so "
        f"{target} <= {statement['bound']} + 2/3 * B.P",
        f"value function v(delta) = max {{ {target} : P no-signalling, B.P <= delta }}, exact:",
    ] + _value_function_table(statement["breakpoints"], statement["pieces"])
    return "\n".join(lines) + "\n"


def _jsonable(value):
    """A checker statement with Fractions as canonical strings, tuples as lists."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return str(value) if isinstance(value, Fraction) else value


def _describe_expression(kind: str, statement, path: str) -> str:
    """Readable statement of an expression file (bound, bounds, symmetry or reduced family)."""
    (settings, outcomes), head = statement["shape"], [f"{path}: {kind} version 1, verified by certify.checker.core"]
    head.append(f"scenario: {len(settings)} parties, settings {list(settings)}, outcomes {list(outcomes)}; "
                f"no-signalling rows rebuilt by the checker; expression identity {statement['expression'][:16]}")
    if kind == "certify/expression-symmetry":
        representatives = sorted(set(statement["representative"].values()))
        return "\n".join(head + [f"{len(statement['representative'])} pairs, each the image of one of "
                                 f"{len(representatives)} representatives under relabelings keeping B"]) + "\n"
    sign, offset = statement["penalty"]
    head.append(f"penalty form: C = {sign} * B, offset min C.P = {offset} over no-signalling boxes, "
                f"delta(P) = C.P - offset")
    if kind == "certify/expression-bounds":
        value, index = statement["max_output"]
        return "\n".join(head + [
            f"local bound (every deterministic strategy enumerated): {statement['local_bound']}",
            f"no-signalling optimum (certificate and witness): {statement['ns_optimum']}",
            f"max output probability at the optimum (checked against the pair documents by audit of "
            f"the folder): {value} at {checker.pair_key(index, statement['shape'])}"]) + "\n"
    if kind == "certify/expression-reduced":
        value, index = statement["max_output"]
        shape = statement["shape"]
        lines = [f"local bound (every deterministic strategy enumerated): {statement['local_bound']}",
                 f"no-signalling optimum (dual certificate on orbit sums): {statement['ns_optimum']}",
                 f"Bell inequality (the two differ): {'yes' if statement['local_bound'] != statement['ns_optimum'] else 'no'}",
                 f"v(0) = max P(x*|u*) at the no-signalling optimum, {len(statement['values'])} representatives "
                 f"covering all {statement['pair_orbits']} orbits of pairs (symmetry-reduced dual certificates "
                 f"and witness boxes):"]
        lines += [f"  {checker.pair_key(j, shape)}: {v}" for j, v in sorted(statement["values"].items())]
        lines.append(f"max output probability at the optimum: {value} at {checker.pair_key(index, shape)}")
        return "\n".join(head + lines) + "\n"
    target = f"P({statement['outcome']}|{statement['setting']})"
    head.append(f"value function v(delta) = max {{ {target} : P no-signalling, delta(P) <= delta }}, exact:")
    return "\n".join(head + _value_function_table(statement["breakpoints"], statement["pieces"])) + "\n"


def _value_function_table(breakpoints, pieces) -> list[str]:
    lines = [f"  {'delta from':<14}{'delta to':<14}{'v at start':<14}v(delta) on the interval"]
    for i, ((delta, value), (constant, slope)) in enumerate(zip(breakpoints, pieces)):
        end = str(breakpoints[i + 1][0]) if i + 1 < len(breakpoints) else "inf"
        terms = ([str(constant)] if constant or not slope else []) + ([f"{slope} * delta"] if slope else [])
        lines.append(f"  {str(delta):<14}{end:<14}{str(value):<14}{' + '.join(terms)}")
    return lines


def run_show(args) -> int:
    """``certify show FILE``."""
    try:
        kind, statement = checker.check_file(args.file)
    except checker.CheckError as error:
        return _report([(args.file, "malformed" if error.exit_code == 2 else "not proven", str(error))],
                       "show", False)
    if args.json:
        payload = {"path": args.file, "format": kind}
        if kind == "certify/manifest":
            payload["files"] = sorted(statement)
        elif kind != "certify/output-bound":
            payload["statement"] = _jsonable(statement)
        else:
            payload.update({k: statement[k] for k in ("setting", "outcome", "index")})
            payload["paper_claim"] = {"constant": "1/3", "slope": "2/3", "bound": str(statement["bound"])}
            payload["value_function"] = {
                "breakpoints": [{"bell_value": str(d), "value": str(v)} for d, v in statement["breakpoints"]],
                "pieces": [{"constant": str(c), "slope": str(s)} for c, s in statement["pieces"]]}
        print(json.dumps(payload, indent=1))
    else:
        sys.stdout.write(describe(kind, statement, args.file))
    return 0


def run_export(args) -> int:
    """``certify export --vipr DIR``."""
    from certify.builder.vipr import export_folder
    written = export_folder(args.certificates, args.vipr)
    if args.json:
        print(json.dumps({"written": written, "directory": args.vipr}, indent=1))
    else:
        print(f"export: wrote {len(written)} VIPR 1.0 files to {args.vipr}")
    return 0


def add_parser(subparsers) -> None:
    """Register ``audit``, ``check``, ``show`` and ``export``."""
    codes = "Exit codes: 0 all valid, 1 some claim not proven, 2 some input malformed (2 wins)."
    audit = subparsers.add_parser(
        "audit", help="check every certificate, coverage and manifest hashes (standard library only)",
        description=("Check every certificate under the given files or folders with the small "
                     "trusted checker (certify/checker/core.py). Folders are searched recursively; a "
                     "folder of output-bound files must cover all 256 pairs (u*, x*); a folder of "
                     "expression files (certificates/expressions/<name>/) must prove every pair of its "
                     "scenario, by the pair's document or by symmetry.json from a representative "
                     "with one, and hold a proven bounds.json agreeing with the pairs; a family "
                     "file (certificates/families/<name>.json) is self-contained and checked alone; a "
                     "manifest.json must list every .json file below it with its SHA-256. "
                     f"Default: {DEFAULT_CERTIFICATES}/ (manifest required) and, if present, the "
                     f"certify records in {DEFAULT_PROOFS}/ (other JSON there is skipped with a "
                     f"note). {codes}"))
    audit.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check")
    audit.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    audit.set_defaults(func=run_audit)
    check = subparsers.add_parser("check", help="check one certificate file",
                                  description=f"Check one certificate or manifest file. {codes}")
    check.add_argument("file", metavar="FILE")
    check.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    check.set_defaults(func=run_check)
    show = subparsers.add_parser(
        "show", help="print the statement a certificate proves, as the checker parsed it",
        description=("Check FILE and print the statement it proves (Lemma 11 inequality and the "
                     f"exact value function table) as parsed by the checker. {codes}"))
    show.add_argument("file", metavar="FILE")
    show.add_argument("--json", action="store_true", help="machine-readable statement on stdout")
    show.set_defaults(func=run_show)
    export = subparsers.add_parser(
        "export", help="write the Lemma-11 certificates in the VIPR 1.0 format",
        description=("Write every Lemma-11 certificate (paper claim and each value-function piece) "
                     "as a VIPR 1.0 file (Cheung, Gleixner, Steffy; checked by viprchk): maximise "
                     "P(x*|u*) - slope * B.P over the no-signalling polytope, with the exact "
                     "optimum proven by one 'lin' derivation and attained by a witness. Only files "
                     "the trusted checker accepts are exported."))
    export.add_argument("--vipr", required=True, metavar="DIR", help="output folder (created)")
    export.add_argument("--certificates", default=os.path.join(DEFAULT_CERTIFICATES, "lemma11"),
                        metavar="DIR", help="folder of output-bound certificates (default: %(default)s)")
    export.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    export.set_defaults(func=run_export)
