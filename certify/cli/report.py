"""``certify report`` and ``certify cite``: thin wrappers over :mod:`certify.report.pages` and
:mod:`certify.report.citation`.

* ``certify report`` rewrites ``proofs/`` from ``certificates/`` (the same
  writers ``certify regenerate`` runs), through a staging folder that is
  swapped in only when every page was written; ``--check`` writes nothing
  and fails (exit 1) when the committed ``proofs/`` differ from what would
  be written; ``--claim KEY`` recomputes one claim and prints its status.
* ``certify cite`` prints the identifier of the committed set (``--json``:
  with the manifest digests and the BibTeX entry); ``--write-metadata``
  rewrites ``CITATION.cff`` and ``.zenodo.json``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from certify.errors import ClaimNotProven, InputError

__all__ = ["add_parser", "report", "check_proofs"]


def _root(args) -> Path:
    root = Path(args.root)
    if not (root / "certificates").is_dir():
        raise InputError(f"--root {root}: no certificates/ folder there (run `certify regenerate`)")
    return root


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def check_proofs(root: Path) -> list[str]:
    """Files under ``root/proofs`` that differ from a fresh ``write_proofs`` (empty list: up to date)."""
    from certify.report.pages import write_proofs

    staging = Path(tempfile.mkdtemp(prefix=".certify-report-", dir=root))
    try:
        write_proofs(staging / "proofs", root / "certificates")
        fresh, committed = _tree(staging / "proofs"), _tree(root / "proofs") if (root / "proofs").is_dir() else {}
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(name for name in set(fresh) | set(committed) if fresh.get(name) != committed.get(name))


def report(root: Path) -> list[str]:
    """Rewrite ``root/proofs`` atomically (staging folder, then a swap); returns the files."""
    from certify.builder.regenerate import _replace_folder
    from certify.report.pages import write_proofs

    staging = Path(tempfile.mkdtemp(prefix=".certify-report-", dir=root))
    try:
        written = write_proofs(staging / "proofs", root / "certificates")
        names = [p.relative_to(staging / "proofs").as_posix() for p in written]
        _replace_folder(staging / "proofs", root / "proofs")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return names


def _run_report(args) -> int:
    root = _root(args)
    if args.claim:
        from certify.report.context import ReportContext
        from certify.report.pages import collect_claims

        claims = collect_claims(ReportContext(root / "certificates", root / "proofs"), args.claim)
        if args.json:
            print(json.dumps([{"claim": c.key, "status": c.status, "reason": c.status_reason,
                               "parts": [list(p) for p in c.parts], "proved": c.proved_statement}
                              for c in claims], indent=2, ensure_ascii=False))
        else:
            for c in claims:
                print(f"{c.title}: {c.status} ({c.status_reason})")
                print(f"  proved: {c.proved_statement.splitlines()[0]}")
        unproven = [f"{c.key} ({c.status})" for c in claims if c.status in ("refuted", "not yet checked")]
        if unproven:
            raise ClaimNotProven(f"not proven: {', '.join(unproven)}")
        return 0
    if args.check:
        stale = check_proofs(root)
        if args.json:
            print(json.dumps({"up_to_date": not stale, "stale": stale}, indent=2))
        if stale:
            raise ClaimNotProven(f"proofs/ is stale ({len(stale)} file(s), e.g. {stale[0]}): run `certify report`")
        if not args.json:
            print("proofs/ is up to date")
        return 0
    names = report(root)
    if args.json:
        print(json.dumps({"written": names}, indent=2))
    else:
        print(f"wrote {len(names)} files under {root / 'proofs'}")
    return 0


def _run_cite(args) -> int:
    from certify.report.citation import citation, write_citation_metadata

    root = _root(args)
    result = citation(root / "certificates", root / "proofs")
    if args.write_metadata:
        result["written"] = [p.name for p in write_citation_metadata(root)]
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    elif args.bibtex:
        print(result["bibtex"], end="")
    else:
        print(result["identifier"])
    return 0


def add_parser(subparsers) -> None:
    report_parser = subparsers.add_parser(
        "report", help="write the proof pages under proofs/ from certificates/",
        description=("Write proofs/ (claim pages, hand-checkable Lemma 11 proofs, errata, LaTeX, "
                     "manifest and citation files) from the checked certificates. Deterministic: "
                     "the same certificates and pinned versions give the same bytes."))
    report_parser.add_argument("--root", default=".", help="repository root holding certificates/ (default .)")
    report_parser.add_argument("--check", action="store_true",
                               help="write nothing; exit 1 if proofs/ differs from what would be written")
    report_parser.add_argument("--claim", action="append", metavar="KEY",
                               help=("recompute one claim and print its status (repeatable): lemma11, "
                                     "lemma10, theorem20, theorem27, quantum-box; exit 1 if refuted or not yet checked"))
    report_parser.add_argument("--json", action="store_true", help="machine-readable output")
    report_parser.set_defaults(func=_run_report)

    cite_parser = subparsers.add_parser(
        "cite", help="print the identifier of the certificate set",
        description=("Print the identifier of the committed set: certify-sha256: + SHA-256 of "
                     "'certify-set v1\\ncertificates/manifest.json <C>\\nproofs/manifest.json <R>\\n' "
                     "with C, R the SHA-256 of the two manifests."))
    cite_parser.add_argument("--root", default=".", help="repository root (default .)")
    cite_parser.add_argument("--json", action="store_true",
                             help="identifier, manifest digests and BibTeX entry as JSON")
    cite_parser.add_argument("--bibtex", action="store_true", help="print the BibTeX entry")
    cite_parser.add_argument("--write-metadata", action="store_true",
                             help="also rewrite CITATION.cff and .zenodo.json at the root")
    cite_parser.set_defaults(func=_run_cite)
