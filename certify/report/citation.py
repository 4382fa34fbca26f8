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
           "set_identifier_from_digests", "citation", "bibtex", "citation_cff", "zenodo_json",
           "write_citation_files", "write_citation_metadata", "proofs_provenance"]

IDENTIFIER_PREFIX = "certify-sha256:"
CITATION_FILES = ("citation.bib", "citation.md")
"""Files under ``proofs/`` that contain the identifier (excluded from ``proofs/manifest.json``)."""

TITLE = "certify: exact certificates for device-independent randomness amplification with four devices"
AUTHOR = "certify contributors"
PAPER = {
    # The arXiv text the project follows (its equation numbers are the ones cited).
    "authors": [("Brandão", "F. G. S. L."), ("Ramanathan", "R."), ("Grudka", "A."), ("Horodecki", None)],
    "title": "Randomness amplification with a finite number of devices",
    "notes": "et al.; four no-signalling devices",
}


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
    }


def _key(identifier: str) -> str:
    return "certify_" + identifier[len(IDENTIFIER_PREFIX):][:12]


def bibtex(identifier: str) -> str:
    """BibTeX entry for the certificate set (no year: the entry is a function of the content only).

    >>> print(bibtex("certify-sha256:" + "ab" * 32).splitlines()[0])
    @misc{certify_abababababab,
    """
    return (
        f"@misc{{{_key(identifier)},\n"
        f"  title = {{{{{TITLE}}}: certificate set {identifier}}},\n"
        f"  author = {{{{{AUTHOR}}}}},\n"
        f"  note = {{Exact certificates and proof reports (certify {__version__}) for Lemmas 10 and 11 "
        f"and Theorems 20 and 27 of Brand{{\\~a}}o et al.; identifier {identifier}, the SHA-256 over "
        f"certificates/manifest.json and proofs/manifest.json; re-check with "
        f"\\texttt{{certify audit certificates/lemma11}} and \\texttt{{certify cite}}}},\n"
        f"  howpublished = {{Software and data, certify {__version__}}}\n"
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
    write_atomic(bib, bibtex(identifier))
    write_atomic(page, _citation_page(identifier))
    return [bib, page]


def citation_cff(identifier: str) -> str:
    """``CITATION.cff`` (Citation File Format 1.2.0) carrying the identifier."""
    paper_authors = "\n".join(
        f"      - family-names: \"{family}\"" + (f"\n        given-names: \"{given}\"" if given else "")
        for family, given in PAPER["authors"])
    return (
        "cff-version: 1.2.0\n"
        "message: \"If you use these certificates, please cite the certificate set by its identifier "
        "and the paper it checks.\"\n"
        f"title: \"{TITLE}\"\n"
        "type: software\n"
        "authors:\n"
        f"  - name: \"{AUTHOR}\"\n"
        f"version: \"{__version__}\"\n"
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
        f"    title: \"{PAPER['title']}\"\n"
        "    authors:\n"
        f"{paper_authors}\n"
        f"    notes: \"{PAPER['notes']}\"\n"
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
        "notes": f"certificate set identifier: {identifier}",
    }
    return dumps(document)


def write_citation_metadata(root: Path) -> list[Path]:
    """Write ``CITATION.cff`` and ``.zenodo.json`` at the repository root from the committed set."""
    root = Path(root)
    identifier = set_identifier(root / "certificates", root / "proofs")
    cff, zenodo = root / "CITATION.cff", root / ".zenodo.json"
    write_atomic(cff, citation_cff(identifier))
    write_atomic(zenodo, zenodo_json(identifier))
    return [cff, zenodo]
