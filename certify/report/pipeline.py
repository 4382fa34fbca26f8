"""The whole job: certificates, then the proof pages built from them.

:func:`regenerate` is ``certify regenerate``: it rebuilds the requested parts
of ``certificates/`` (:mod:`certify.builder.regenerate`, every document checked
exactly before it is written) and then ``proofs/`` with the citation
metadata (:func:`certify.report.pages.write_proofs`), everything through one
staging folder that is swapped in only when complete. :func:`rewrite_proofs`
and :func:`stale_proofs` are ``certify report`` and ``certify report --check``.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Sequence

from certify.builder.regenerate import PARTS, build_parts, install_parts, replace_folder
from certify.errors import ClaimNotProven, InputError
from certify.report.citation import write_citation_metadata
from certify.report.context import ReportContext
from certify.report.pages import collect_claims, write_proofs

__all__ = ["PROOFS_PART", "part_names", "regenerate", "rewrite_proofs", "stale_proofs", "claim_summaries"]

PROOFS_PART = "proofs"
"""``proofs/`` and the citation metadata, generated from ``certificates/``."""


def part_names() -> list[str]:
    """What ``--only`` accepts: the certificate parts, then ``proofs``."""
    return sorted(PARTS) + [PROOFS_PART]


def regenerate(root: Path, only: Sequence[str] | None = None, workers: int = 2,
               show_progress: bool = True) -> dict:
    """Rebuild ``root/certificates`` and ``root/proofs`` (with ``root/CITATION.cff`` and
    ``root/.zenodo.json``), or only the parts named in ``only``.

    Returns a summary ``{"parts": {name: count}, "proofs": [paths], "seconds": {part: wall time}}``.
    """
    root = Path(root)
    selected = list(dict.fromkeys(only)) if only else list(PARTS) + [PROOFS_PART]
    unknown = [name for name in selected if name not in part_names()]
    if unknown:
        raise InputError(f"--only: unknown part(s) {unknown}; expected some of {part_names()}")
    if root.exists() and not root.is_dir():
        raise InputError(f"--out {root}: not a folder")
    if not root.exists():
        if not root.parent.is_dir():
            raise InputError(f"--out {root}: its parent folder {root.parent} does not exist "
                             f"(regenerate creates ROOT itself, not the folders above it)")
        root.mkdir()
    staging = Path(tempfile.mkdtemp(prefix=".certify-regenerate-", dir=root))
    summary: dict = {"parts": {}, "proofs": [], "seconds": {}}
    try:
        _build_into(root, staging, selected, workers, show_progress, summary)
    except OSError as error:  # name the user's folder, not the staging folder
        if error.filename and str(error.filename).startswith(str(staging)):
            error.filename = str(root / Path(error.filename).relative_to(staging))
        raise
    except (InputError, ClaimNotProven) as error:
        raise type(error)(str(error).replace(str(staging), str(root))) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary


def _build_into(root: Path, staging: Path, selected: list[str], workers: int, show_progress: bool,
                summary: dict) -> None:
    """The certificate parts, then the proofs, built in ``staging`` and swapped into ``root``."""
    certificate_parts = [name for name in selected if name in PARTS]
    summary["parts"] = build_parts(staging, certificate_parts, workers, show_progress, summary["seconds"])
    install_parts(staging, root, certificate_parts)
    if PROOFS_PART in selected:
        start = time.monotonic()
        written = write_proofs(staging / "proofs", root / "certificates")
        replace_folder(staging / "proofs", root / "proofs")
        write_citation_metadata(root)  # CITATION.cff and .zenodo.json carry the set identifier
        summary["proofs"] = [str(Path("proofs") / p.relative_to(staging / "proofs")) for p in written]
        summary["seconds"][PROOFS_PART] = time.monotonic() - start


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def stale_proofs(root: Path, fresh_proofs: Path | None = None) -> list[str]:
    """Files under ``root/proofs`` that differ from a fresh :func:`write_proofs` (empty: up to date).

    ``fresh_proofs`` is a folder :func:`write_proofs` already wrote from the same
    certificates (to compare against it instead of writing the pages again).
    """
    staging = Path(tempfile.mkdtemp(prefix=".certify-report-", dir=root))
    try:
        if fresh_proofs is None:
            write_proofs(staging / "proofs", root / "certificates")
            fresh_proofs = staging / "proofs"
        fresh = _tree(fresh_proofs)
        committed = _tree(root / "proofs") if (root / "proofs").is_dir() else {}
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(name for name in set(fresh) | set(committed) if fresh.get(name) != committed.get(name))


def rewrite_proofs(root: Path) -> list[str]:
    """Rewrite ``root/proofs`` atomically (staging folder, then a swap); returns the files."""
    staging = Path(tempfile.mkdtemp(prefix=".certify-report-", dir=root))
    try:
        written = write_proofs(staging / "proofs", root / "certificates")
        names = [p.relative_to(staging / "proofs").as_posix() for p in written]
        replace_folder(staging / "proofs", root / "proofs")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return names


def claim_summaries(root: Path, keys: Sequence[str]) -> list[dict]:
    """Recompute the named claims (``lemma11``, ``lemma10``, ``theorem20``, ``theorem27``,
    ``quantum-box``) from ``root/certificates``: key, title, status, reason, parts and
    the statement proved."""
    claims = collect_claims(ReportContext(root / "certificates", root / "proofs"), keys)
    return [{"claim": c.key, "title": c.title, "status": c.status, "reason": c.status_reason,
             "parts": [list(p) for p in c.parts], "proved": c.proved_statement} for c in claims]
