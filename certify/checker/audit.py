"""Audit of files and folders with the trusted checker: coverage, manifests, verdicts.

Standard library only, like :mod:`certify.checker.core` on which it builds.
:func:`audit` checks files and folders (recursively) and returns one entry per
file plus one per coverage or manifest condition; :func:`default_audit` is
what ``certify audit`` checks without arguments (``certificates/`` with its
manifest required, and the proof records in ``proofs/``);
:func:`exit_code_of` turns the entries into the exit code (0 every entry
valid, 1 some claim not proven, 2 some input malformed or unreadable; 2 wins).
"""

import multiprocessing
import os
import re
import signal

from certify.checker import catalogue
from certify.checker import core as checker
from certify.checker import dispatch as checker_dispatch
from certify.checker import expressions as checker_expressions
from certify.checker import files as checker_files
from certify.checker import records as checker_records
from certify.checker import registry

__all__ = ["STATUS_LABEL", "DEFAULT_CERTIFICATES", "DEFAULT_PROOFS", "audit", "default_audit", "check_one",
           "check_member", "exit_code_of", "counts_of", "status_of"]

STATUS_LABEL = {"ok": "OK", "not proven": "NOT PROVEN", "malformed": "MALFORMED", "skipped": "SKIPPED",
                "not audited": "NOT AUDITED", "user": "USER", "cannot read": "CANNOT READ"}
DEFAULT_CERTIFICATES = "certificates"
DEFAULT_PROOFS = "proofs"
_PAIR_FILE = re.compile(r"u[0-9]+-x[0-9]+\.json")


def status_of(error) -> str:
    """The audit status of a :class:`~certify.checker.core.CheckError`."""
    if isinstance(error, checker_files.Unreadable):
        return "cannot read"
    return "malformed" if error.exit_code == 2 else "not proven"


def check_member(path: str, skip_unknown: bool = False):
    """Check one file of an audited folder; a picklable outcome for worker processes:
    ``("ok", format, statement)``, ``("skipped", format)`` or ``("error", format, status,
    message)`` (format None when the file is not a JSON object with a format string)."""
    kind = None
    try:
        document = checker_files.read_json(path)
        kind = document.get("format") if isinstance(document, dict) else None
        kind = kind if isinstance(kind, str) else None
        if skip_unknown and kind not in checker_dispatch.VERSIONS:
            return ("skipped", kind)
        return ("ok",) + checker_dispatch.check_document(document, path, os.path.dirname(path))
    except checker.CheckError as error:
        return ("error", kind, status_of(error), str(error))


def _ignore_interrupt() -> None:
    """In a worker: Ctrl-C is for the main process, which ends the pool and exits 130."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_members(paths: list[str], skip_unknown: bool, workers: int):
    """Outcomes of :func:`check_member` in order; two or more worker processes
    share the work when there are many files (each file is checked independently)."""
    if workers > 1 and len(paths) >= 64 and "fork" in multiprocessing.get_all_start_methods():
        try:
            with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupt) as pool:
                return pool.starmap(check_member, [(p, skip_unknown) for p in paths],
                                    chunksize=max(1, len(paths) // (4 * workers)))
        except (OSError, ImportError):  # no semaphores or processes here: check serially
            pass
    return [check_member(p, skip_unknown) for p in paths]


def audit(paths=None, skip_unknown: bool = False, require_manifest: bool = False,
          workers: int | None = None) -> list[tuple[str, str, str]]:
    """Check files and folders (recursively) with the trusted checker; with no
    ``paths``, what ``certify audit`` checks by default (:func:`default_audit`).

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

    >>> root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    >>> results = audit([os.path.join(root, "certificates", "lemma11")])
    >>> exit_code_of(results), counts_of(results)["ok"]  # 256 pairs, their coverage, 2 registered claims
    (0, 259)
    """
    if paths is None:
        return default_audit()
    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    results = []

    def record(path, action):
        try:
            value = action()
        except checker.CheckError as error:
            results.append((path, status_of(error), str(error)))
            return None
        results.append((path, "ok", ""))
        return value

    statements = {}  # path -> (format, statement) of every proven file
    for root in paths:
        start = len(results)
        if not os.path.isdir(root) or os.path.islink(root):
            statement = record(root, lambda: checker_dispatch.check_file(root))
            if statement is not None:
                statements[root] = statement
            _registered(root, results, start, statements)
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
        catalogue_files: dict[str, tuple[dict, set]] = {}
        for (folder, name, path), outcome in zip(members, outcomes):
            proven, present, expression_proven, expression_present, broken = by_folder.setdefault(
                folder, ({}, set(), {}, set(), set()))
            if outcome[0] == "skipped":
                results.append((path, "skipped", f"{path}: format {outcome[1]!r} is not one the checker "
                                                 f"knows ({', '.join(sorted(checker_dispatch.VERSIONS))}); skipped"))
                continue
            if outcome[0] == "error":
                results.append((path, outcome[2], outcome[3]))
            elif isinstance(outcome[2], str) and outcome[2].startswith(checker_records.NOT_AUDITED):
                # A proof record whose claim has no algebra the checker can redo: said plainly.
                results.append((path, "not audited", f"{path}: {outcome[2]}"))
            else:
                results.append((path, "ok", ""))
                statements[path] = outcome[1:]
            if outcome[1] in catalogue.VERSIONS:
                catalogue_files.setdefault(folder, ({}, set()))[1].add(name)
                if outcome[0] == "ok":
                    catalogue_files[folder][0][name] = outcome[2]
            elif outcome[1] in checker_expressions.EXPRESSION_FORMATS:
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
                       lambda: registry.check_coverage(proven, present, where))
            if expression_present:
                record(where + " (coverage of the expression's pairs)",
                       lambda: _expression_coverage(expression_proven, expression_present | present, where))
        for folder, (classes, listed) in catalogue_files.items():
            record(os.path.join(folder, "") + " (catalogue: every class of the index)",
                   lambda: catalogue.check_catalogue_folder(classes, listed, os.path.join(folder, "")))
        if require_manifest or os.path.lexists(manifest):
            record(manifest, lambda: _check_listed(manifest, found))
        _registered(root, results, start, statements)
    return results


def _under(path: str, folder: str) -> bool:
    """Whether an entry path (a file, or a folder's coverage entry) lies at or below ``folder``."""
    head = os.path.normpath(path.split(" (coverage")[0])
    return head == folder or head.startswith(folder + os.sep)


def _registered(root: str, results: list, start: int, statements: dict) -> None:
    """Decide the registered claims at or below ``root`` (:mod:`certify.checker.registry`) from
    the entries ``results[start:]``, append one entry per claim, and mark every proven file
    that no registered claim covers as a user statement."""
    parts = os.path.abspath(root).split(os.sep)
    where = registry.location(parts)
    root = os.path.normpath(root)
    entries = results[start:]
    covered = []
    for claim in registry.claims_under(where):
        folder = os.path.normpath(os.path.join(root, *claim.path[len(where):].split("/")))
        covered.append(folder)
        mine = [(path, status) for path, status, _ in entries if _under(path, folder)]
        proven = {path: statement for path, statement in statements.items() if _under(path, folder)}
        problem = registry.decide(claim, mine, proven)
        label = f"claim {claim.name} ({claim.path})"
        results.append((label, "ok", "") if problem is None else
                       (label, "not proven", f"{label}: not proven: {problem}"))
    if where is not None and any(where.startswith(claim.path + "/") for claim in registry.CLAIMS):
        covered.append(root)  # part of a registered claim's folder, audited alone
    for k in range(start, start + len(entries)):
        path, status, _ = results[k]
        if status == "ok" and os.path.basename(path) != "manifest.json" and not any(
                _under(path, folder) for folder in covered):
            results[k] = (path, "user", f"{path}: user statement: proves what `certify show` prints for the "
                                        f"coefficients stated in the file; not a claim registered by certify "
                                        f"(certify audit --claims)")


def _expression_coverage(statements: dict, present: set[str], where: str) -> None:
    if not statements:
        raise checker.NotProven(f"{where}: no expression document of this folder is proven")
    checker_expressions.check_expression_coverage(statements, present, where)


def _check_listed(manifest: str, found: set[str]) -> set[str]:
    """Check the root manifest and that it lists every file found below the root."""
    if not os.path.lexists(manifest):
        raise checker.Malformed(f"{manifest}: the required manifest is missing")
    kind, listed = checker_dispatch.check_file(manifest)
    if kind != "certify/manifest":
        raise checker.Malformed(f"{manifest}: $.format: expected 'certify/manifest'")
    if found - listed:
        raise checker.NotProven(f"{manifest}: files not listed: {sorted(found - listed)[:4]}")
    return listed


def exit_code_of(results) -> int:
    """0 if every entry is ok, a user statement or skipped, 2 if any is malformed or
    unreadable, else 1."""
    statuses = {status for _, status, _ in results}
    return 2 if statuses & {"malformed", "cannot read"} else 1 if "not proven" in statuses else 0


def counts_of(results) -> dict[str, int]:
    """Number of entries per status."""
    return {status: sum(1 for _, s, _ in results if s == status) for status in STATUS_LABEL}


def default_audit() -> list[tuple[str, str, str]]:
    """``certificates/`` under the current folder (manifest required) and, if present,
    the proof records in ``proofs/`` (other JSON there is skipped with a note)."""
    results = []
    if not os.path.isdir(DEFAULT_CERTIFICATES):
        results.append((DEFAULT_CERTIFICATES, "malformed",
                        f"{DEFAULT_CERTIFICATES}/: no such folder (run from the repository root, or give PATH)"))
    else:
        results += audit([DEFAULT_CERTIFICATES], require_manifest=True)
    if os.path.isdir(DEFAULT_PROOFS):
        results += audit([DEFAULT_PROOFS], skip_unknown=True)
    return results


def check_one(path: str) -> list[tuple[str, str, str]]:
    """One file, as an audit entry list (a proof record without algebra is "not audited")."""
    try:
        _, statement = checker_dispatch.check_file(path)
    except checker.CheckError as error:
        return [(path, status_of(error), str(error))]
    if isinstance(statement, str) and statement.startswith(checker_records.NOT_AUDITED):
        return [(path, "not audited", f"{path}: {statement}")]
    return [(path, "ok", "")]
