"""``certify report`` and ``certify cite``: the proof pages and the identifier of the set.

* ``certify report`` rewrites ``proofs/`` from ``certificates/``
  (:func:`certify.report.pipeline.rewrite_proofs`); ``--check`` writes nothing
  and fails (exit 1) when the committed ``proofs/`` differ from what would be
  written; ``--claim KEY`` recomputes one claim and prints its status.
* ``certify cite`` prints the identifier of the committed set
  (:func:`certify.report.citation.citation`; ``--json``: with the manifest
  digests and the BibTeX entries); ``--write-metadata`` rewrites
  ``CITATION.cff``, ``.zenodo.json`` and the release's line in ``CHANGELOG.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

from certify.errors import ClaimNotProven, InputError
from certify.report.citation import citation, write_citation_metadata
from certify.report.pipeline import claim_summaries, rewrite_proofs, stale_proofs

__all__ = ["add_parser"]


def _root(args) -> Path:
    root = Path(args.root)
    if not (root / "certificates").is_dir():
        raise InputError(f"--root {root}: no certificates/ folder there (run `certify regenerate`)")
    return root


def _run_claims(root: Path, keys, as_json: bool) -> int:
    claims = claim_summaries(root, keys)
    if as_json:
        print(json.dumps([{k: c[k] for k in ("claim", "status", "reason", "parts", "proved")} for c in claims],
                         indent=2, ensure_ascii=False))
    else:
        for c in claims:
            print(f"{c['title']}: {c['status']} ({c['reason']})")
            print(f"  proved: {c['proved'].splitlines()[0]}")
    unproven = [f"{c['claim']} ({c['status']})" for c in claims if c["status"] in ("refuted", "not yet checked")]
    if unproven:
        raise ClaimNotProven(f"not proven: {', '.join(unproven)}")
    return 0


def _run_report(args) -> int:
    root = _root(args)
    if args.claim:
        return _run_claims(root, args.claim, args.json)
    if args.check:
        stale = stale_proofs(root)
        if args.json:
            print(json.dumps({"up_to_date": not stale, "stale": stale}, indent=2))
        if stale:
            raise ClaimNotProven(f"proofs/ is stale ({len(stale)} file(s), e.g. {stale[0]}): run `certify report`")
        if not args.json:
            print("proofs/ is up to date")
        return 0
    names = rewrite_proofs(root)
    if args.json:
        print(json.dumps({"written": names}, indent=2))
    else:
        print(f"wrote {len(names)} files under {root / 'proofs'}")
    return 0


def _run_cite(args) -> int:
    root = _root(args)
    result = citation(root / "certificates", root / "proofs")
    if args.write_metadata:
        result["written"] = [p.name for p in write_citation_metadata(root)]
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    elif args.bibtex:
        print(result["bibtex"] + "\n" + result["paper_bibtex"], end="")
    else:
        print(result["identifier"])
        print()
        print("Cite the certificate set and the paper it checks (BibTeX; --bibtex prints only these):")
        print()
        print(result["bibtex"] + "\n" + result["paper_bibtex"], end="")
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
        "cite", help="print the identifier of the certificate set and the BibTeX entries to cite",
        description=("Print the identifier of the committed set (first line): certify-sha256: + SHA-256 of "
                     "'certify-set v1\\ncertificates/manifest.json <C>\\nproofs/manifest.json <R>\\n' "
                     "with C, R the SHA-256 of the two manifests; then BibTeX entries for the set and for "
                     "the paper (the arXiv preprint arXiv:1310.4544 whose equation numbers certify uses, "
                     "and the published version, Nat. Commun. 7, 11345 (2016))."))
    cite_parser.add_argument("--root", default=".", help="repository root (default .)")
    cite_parser.add_argument("--json", action="store_true",
                             help="identifier, manifest digests and BibTeX entry as JSON")
    cite_parser.add_argument("--bibtex", action="store_true", help="print only the BibTeX entries")
    cite_parser.add_argument("--write-metadata", action="store_true",
                             help="also rewrite CITATION.cff, .zenodo.json and this release's identifier in CHANGELOG.md")
    cite_parser.set_defaults(func=_run_cite)
