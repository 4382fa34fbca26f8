"""One identifier for the whole certificate set, and the files that cite it.

Definition (version 1). Let ``C`` be the SHA-256 (hex) of the bytes of
``certificates/manifest.json`` and ``R`` that of ``proofs/manifest.json``.
The identifier is ``certify-sha256:`` followed by the SHA-256 (hex) of the
ASCII text

    certify-set v1\\n
    certificates/manifest.json C\\n
    proofs/manifest.json R\\n

(re-computable with ``sha256sum`` and ``printf``, see ``docs/api.md``).

``proofs/manifest.json`` has the format of ``certificates/manifest.json``
(``certify/manifest`` version 1: sorted relative paths with their SHA-256,
and the provenance: versions that determine the bytes). It lists *every*
file under ``proofs/`` except itself and the :data:`CITATION_FILES`, the
only generated files that contain the identifier: they are derived from the
two manifests, so listing them would make the identifier depend on itself.
Everything else under ``proofs/`` and ``certificates/`` is covered. No
timestamps and no absolute paths enter any of these files, so the identifier
is the same on every machine with the pinned versions.

The repository-level ``CITATION.cff`` and ``.zenodo.json`` also carry the
identifier; they are written by ``certify cite --write-metadata`` and a test
checks that the committed copies are current.

>>> set_identifier_from_digests("0" * 64, "1" * 64)[:22]
'certify-sha256:a502881'
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import metadata
from pathlib import Path

from certify.version import __version__
from certify.errors import InputError
from certify.builder.jsonio import dumps, sha256_file, write_atomic

__all__ = ["CITATION_FILES", "IDENTIFIER_PREFIX", "write_proofs_manifest", "set_identifier",
           "set_identifier_from_digests", "citation", "bibtex", "paper_bibtex", "citation_cff", "zenodo_json",
           "write_citation_files", "write_citation_metadata", "update_changelog", "proofs_provenance"]

IDENTIFIER_PREFIX = "certify-sha256:"
CITATION_FILES = ("citation.bib", "citation.md")
"""Files under ``proofs/`` that contain the identifier (excluded from ``proofs/manifest.json``)."""

TITLE = "certify: exact certificates for device-independent randomness amplification with four devices"
AUTHOR = "certify contributors"
RELEASE_YEAR = 2026
"""Year of this release (a constant, so that the citation files are a function of the content)."""

PAPER_AUTHORS = (("Brandão", "F. G. S. L."), ("Ramanathan", "R."), ("Grudka", "A."), ("Horodecki", ""))
"""The first authors of the paper, as the project cites them (``et al.`` follows)."""
PAPER_ARXIV = "1310.4544"
"""The preprint whose text and equation numbers the project follows."""
PAPER_PUBLISHED = {
    "title": "Realistic noise-tolerant randomness amplification using finite number of devices",
    "journal": "Nature Communications", "volume": "7", "pages": "11345", "year": "2016",
    "doi": "10.1038/ncomms11345",
}
"""The published version of the paper."""
PAPER_KEYS = ("brandao2013arxiv", "brandao2016natcommun")


def proofs_provenance() -> dict:
    """Versions that determine the bytes under ``proofs/`` (those of the certificates, plus sympy
    and mpmath used by the quantum box and the parameter proofs)."""
    from certify.builder.regenerate import provenance

    versions = dict(provenance())
    for package in ("sympy", "mpmath"):
        versions[package] = metadata.version(package)
    return versions


def write_proofs_manifest(proofs_dir: Path, provenance: dict | None = None) -> Path:
    """Write ``proofs/manifest.json``: every file except itself and :data:`CITATION_FILES`.

    Same format as ``certificates/manifest.json`` (:func:`certify.builder.jsonio.write_manifest`,
    which lists only ``*.json``; the pages here are Markdown and LaTeX, so all files count).
    """
    proofs_dir = Path(proofs_dir)
    excluded = {"manifest.json", *CITATION_FILES}
    files = []
    for path in sorted(proofs_dir.rglob("*"), key=lambda p: p.relative_to(proofs_dir).as_posix()):
        relative = path.relative_to(proofs_dir).as_posix()
        if not path.is_file() or relative in excluded or path.name.startswith("."):
            continue
        files.append({"path": relative, "sha256": sha256_file(path)})
    manifest = {"format": "certify/manifest", "version": 1, "files": files,
                "provenance": proofs_provenance() if provenance is None else provenance}
    target = proofs_dir / "manifest.json"
    write_atomic(target, dumps(manifest))
    return target


def set_identifier_from_digests(certificates_manifest_sha256: str, proofs_manifest_sha256: str) -> str:
    """The identifier from the two manifest digests (see the module docstring)."""
    for digest in (certificates_manifest_sha256, proofs_manifest_sha256):
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise InputError(f"manifest digest: expected 64 lower-case hex digits, got {digest!r}")
    text = (f"certify-set v1\ncertificates/manifest.json {certificates_manifest_sha256}\n"
            f"proofs/manifest.json {proofs_manifest_sha256}\n")
    return IDENTIFIER_PREFIX + hashlib.sha256(text.encode("ascii")).hexdigest()


def _manifest_digest(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"{path}: missing (run `certify regenerate`)")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise InputError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != "certify/manifest":
        raise InputError(f"{path}: expected a 'certify/manifest' document")
    return sha256_file(path)


def set_identifier(certificates_dir: Path, proofs_dir: Path) -> str:
    """The identifier of the committed set: hash over the two manifests."""
    return set_identifier_from_digests(_manifest_digest(Path(certificates_dir) / "manifest.json"),
                                       _manifest_digest(Path(proofs_dir) / "manifest.json"))


def citation(certificates_dir: Path, proofs_dir: Path) -> dict:
    """What ``certify cite --json`` prints."""
    certificates_digest = _manifest_digest(Path(certificates_dir) / "manifest.json")
    proofs_digest = _manifest_digest(Path(proofs_dir) / "manifest.json")
    identifier = set_identifier_from_digests(certificates_digest, proofs_digest)
    return {
        "identifier": identifier,
        "definition": "sha256('certify-set v1\\ncertificates/manifest.json <C>\\nproofs/manifest.json <R>\\n')",
        "certificates_manifest_sha256": certificates_digest,
        "proofs_manifest_sha256": proofs_digest,
        "certify_version": __version__,
        "bibtex": bibtex(identifier),
        "paper_bibtex": paper_bibtex(),
    }


def _key(identifier: str) -> str:
    return "certify_" + identifier[len(IDENTIFIER_PREFIX):][:12]


def _bibtex_authors() -> str:
    names = [family.replace("ã", "{\\~a}") + (", " + given if given else "") for family, given in PAPER_AUTHORS]
    return " and ".join(names + ["others"])


def bibtex(identifier: str) -> str:
    """BibTeX entry for the certificate set (a function of the content and the release only).

    >>> print(bibtex("certify-sha256:" + "ab" * 32).splitlines()[0])
    @misc{certify_abababababab,
    """
    return (
        f"@misc{{{_key(identifier)},\n"
        f"  title = {{{{{TITLE}}}: certificate set {identifier}}},\n"
        f"  author = {{{{{AUTHOR}}}}},\n"
        f"  year = {{{RELEASE_YEAR}}},\n"
        f"  version = {{{__version__}}},\n"
        f"  note = {{Exact certificates and proof reports (certify {__version__}) for Lemmas 10 and 11 "
        f"and Theorems 20 and 27 of Brand{{\\~a}}o et al., arXiv:{PAPER_ARXIV} (published in "
        f"Nat. Commun. 7, 11345 (2016)); "
        f"identifier {identifier}, the SHA-256 over certificates/manifest.json and proofs/manifest.json; "
        f"re-check with \\texttt{{certify audit}} and \\texttt{{certify cite}}}},\n"
        f"  howpublished = {{Software and data, certify {__version__}}}\n"
        "}\n"
    )


def paper_bibtex() -> str:
    """BibTeX entries for the paper: the arXiv preprint whose text and equation numbers
    the project follows, and the published version.

    >>> print(paper_bibtex().splitlines()[0])
    @misc{brandao2013arxiv,
    """
    published = PAPER_PUBLISHED
    return (
        f"@misc{{{PAPER_KEYS[0]},\n"
        f"  author = {{{_bibtex_authors()}}},\n"
        f"  year = {{2013}},\n"
        f"  eprint = {{{PAPER_ARXIV}}},\n"
        f"  archivePrefix = {{arXiv}},\n"
        f"  primaryClass = {{quant-ph}},\n"
        f"  howpublished = {{arXiv:{PAPER_ARXIV} [quant-ph]}},\n"
        f"  url = {{https://arxiv.org/abs/{PAPER_ARXIV}}},\n"
        f"  note = {{Preprint; the text and equation numbers followed by certify. Published as "
        f"Nat. Commun. 7, 11345 (2016), doi:{PAPER_PUBLISHED['doi']}}}\n"
        "}\n\n"
        f"@article{{{PAPER_KEYS[1]},\n"
        f"  author = {{{_bibtex_authors()}}},\n"
        f"  title = {{{{{published['title']}}}}},\n"
        f"  journal = {{{published['journal']}}},\n"
        f"  volume = {{{published['volume']}}},\n"
        f"  pages = {{{published['pages']}}},\n"
        f"  year = {{{published['year']}}},\n"
        f"  doi = {{{published['doi']}}},\n"
        f"  url = {{https://doi.org/{published['doi']}}}\n"
        "}\n"
    )


def _citation_page(identifier: str) -> str:
    return "\n".join([
        "# Citing this certificate set",
        "",
        f"Identifier: `{identifier}`",
        "",
        "Definition: with C = SHA-256 of `certificates/manifest.json` and R = SHA-256 of "
        "`proofs/manifest.json`, the identifier is `certify-sha256:` + SHA-256 of the text "
        "`certify-set v1\\ncertificates/manifest.json C\\nproofs/manifest.json R\\n`. "
        "`proofs/manifest.json` lists every file under `proofs/` except itself, `citation.md` and "
        "`citation.bib` (the only files that contain the identifier). Recompute with `certify cite`; "
        "check every listed file against its SHA-256 with "
        "`certify audit certificates/manifest.json proofs/manifest.json`.",
        "",
        "```bibtex",
        bibtex(identifier).rstrip("\n"),
        "",
        paper_bibtex().rstrip("\n"),
        "```",
        "",
        "[Index](index.md)",
        "",
    ])


def write_citation_files(proofs_dir: Path, certificates_dir: Path) -> list[Path]:
    """Write ``proofs/citation.bib`` and ``proofs/citation.md`` (after both manifests exist)."""
    identifier = set_identifier(certificates_dir, proofs_dir)
    bib = Path(proofs_dir) / "citation.bib"
    page = Path(proofs_dir) / "citation.md"
    write_atomic(bib, bibtex(identifier) + "\n" + paper_bibtex())
    write_atomic(page, _citation_page(identifier))
    return [bib, page]


def citation_cff(identifier: str) -> str:
    """``CITATION.cff`` (Citation File Format 1.2.0) carrying the identifier and both versions of the paper."""
    def authors(indent: str) -> str:
        return "\n".join(f"{indent}- family-names: \"{family}\""
                         + (f"\n{indent}  given-names: \"{given}\"" if given else "")
                         for family, given in PAPER_AUTHORS) + f"\n{indent}- name: \"et al.\""

    published = PAPER_PUBLISHED
    return (
        "cff-version: 1.2.0\n"
        "message: \"If you use these certificates, please cite the certificate set by its identifier "
        "and the paper it checks.\"\n"
        f"title: \"{TITLE}\"\n"
        "type: software\n"
        "authors:\n"
        f"  - name: \"{AUTHOR}\"\n"
        f"version: \"{__version__}\"\n"
        f"date-released: \"{RELEASE_YEAR}-12-02\"\n"
        "license: MIT\n"
        "identifiers:\n"
        "  - type: other\n"
        f"    value: \"{identifier}\"\n"
        "    description: \"SHA-256 over certificates/manifest.json and proofs/manifest.json "
        "(definition in certify/report/citation.py; printed by certify cite)\"\n"
        "keywords:\n"
        "  - randomness amplification\n"
        "  - no-signalling\n"
        "  - linear programming certificates\n"
        "  - exact arithmetic\n"
        "references:\n"
        "  - type: article\n"
        f"    title: \"{published['title']}\"\n"
        "    authors:\n"
        f"{authors('      ')}\n"
        f"    journal: \"{published['journal']}\"\n"
        f"    volume: {published['volume']}\n"
        f"    start: {published['pages']}\n"
        f"    year: {published['year']}\n"
        f"    doi: \"{published['doi']}\"\n"
        f"    url: \"https://doi.org/{published['doi']}\"\n"
        "    identifiers:\n"
        "      - type: doi\n"
        f"        value: \"{published['doi']}\"\n"
        "      - type: other\n"
        f"        value: \"arXiv:{PAPER_ARXIV}\"\n"
        "        description: \"the preprint (2013) whose text and equation numbers certify follows\"\n"
    )


def zenodo_json(identifier: str) -> str:
    """``.zenodo.json`` archive metadata carrying the identifier (canonical JSON)."""
    document = {
        "title": f"{TITLE} (certificate set {identifier})",
        "upload_type": "software",
        "description": ("Exact-arithmetic certificates (certificates/) and proof reports (proofs/) for "
                        "Lemmas 10 and 11 and the parameter conditions of Theorems 20 and 27 of "
                        "Brandão et al. Identifier " + identifier + ": SHA-256 over "
                        "certificates/manifest.json and proofs/manifest.json, printed by `certify cite`."),
        "creators": [{"name": AUTHOR}],
        "license": "MIT",
        "version": __version__,
        "keywords": ["randomness amplification", "no-signalling", "linear programming certificates",
                     "exact arithmetic"],
        "publication_date": f"{RELEASE_YEAR}-12-02",
        "related_identifiers": [
            {"identifier": PAPER_PUBLISHED["doi"], "relation": "isSupplementTo", "scheme": "doi"},
            {"identifier": f"arXiv:{PAPER_ARXIV}", "relation": "isSupplementTo", "scheme": "arxiv"},
        ],
        "notes": f"certificate set identifier: {identifier}",
    }
    return dumps(document)


_CHANGELOG_LINE = re.compile(r"^Set identifier: `certify-sha256:[0-9a-f]{64}`$", re.M)


def update_changelog(text: str, identifier: str) -> str:
    """``CHANGELOG.md`` with the set identifier of this release's section (``## <version> ...``)
    set to ``identifier``; the sections of earlier releases are left as they are.

    >>> text = "# Changelog\\n\\n## 9.9 (2026)\\n\\nSet identifier: `certify-sha256:" + "0" * 64 + "`\\n"
    >>> update_changelog(text.replace("9.9", __version__), "certify-sha256:" + "1" * 64).count("1" * 64)
    1
    """
    heading = re.search(rf"^## {re.escape(__version__)}\b.*$", text, re.M)
    if heading is None:
        raise InputError(f"CHANGELOG.md: no section '## {__version__}' for this release")
    following = re.search(r"^## ", text[heading.end():], re.M)
    end = heading.end() + (following.start() if following else len(text) - heading.end())
    section = text[heading.end():end]
    if not _CHANGELOG_LINE.search(section):
        raise InputError(f"CHANGELOG.md: the section '## {__version__}' has no 'Set identifier:' line")
    section = _CHANGELOG_LINE.sub(f"Set identifier: `{identifier}`", section, count=1)
    return text[:heading.end()] + section + text[end:]


def write_citation_metadata(root: Path) -> list[Path]:
    """Write ``CITATION.cff`` and ``.zenodo.json`` at the repository root from the committed set,
    and this release's identifier into ``CHANGELOG.md`` (when the root has one)."""
    root = Path(root)
    identifier = set_identifier(root / "certificates", root / "proofs")
    cff, zenodo, changelog = root / "CITATION.cff", root / ".zenodo.json", root / "CHANGELOG.md"
    write_atomic(cff, citation_cff(identifier))
    write_atomic(zenodo, zenodo_json(identifier))
    written = [cff, zenodo]
    if changelog.exists():
        write_atomic(changelog, update_changelog(changelog.read_text(encoding="utf-8"), identifier))
        written.append(changelog)
    return written
