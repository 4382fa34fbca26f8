"""Regenerate every certificate and proof document from scratch.

``regenerate(root)`` builds into a fresh staging folder inside ``root`` (no
cache: nothing is read from an existing ``certificates/``), checks every
document exactly before it is written, and only then swaps the new folders
in, so an interrupted or failing run never leaves a half-written tree.
Output is deterministic: the same pinned versions give the same bytes.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import shutil
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable, Sequence

from certify import __version__
from certify.bell_expression import paper_bell_expression
from certify.certificate import file_name
from certify.errors import InputError
from certify.jsonio import dumps, write_atomic, write_manifest
from certify.progress import Progress

__all__ = ["PARTS", "regenerate", "build_lemma11", "provenance"]

_WORKER = None  # the PairCertifier shared with forked workers


def provenance() -> dict:
    """Versions that determine the bytes of the certificates."""
    versions = {"certify": __version__, "python": ".".join(platform.python_version_tuple()[:2])}
    for package in ("highspy", "python-flint", "numpy"):
        versions[package] = metadata.version(package)
    return versions


def _document_text(target: int) -> tuple[int, str]:
    assert _WORKER is not None
    return target, dumps(_WORKER.document(target))


def build_lemma11(folder: Path, workers: int = 2, progress: Callable[[int, int], None] | None = None) -> int:
    """Write the 256 Lemma-11 certificates into ``folder``; returns the count."""
    global _WORKER
    from certify.output_bound import PairCertifier  # heavy (HiGHS, FLINT): imported when used

    expression = paper_bell_expression()
    certifier = PairCertifier(expression)
    certifier.solve_representatives()
    folder.mkdir(parents=True, exist_ok=True)
    targets = range(certifier.lp.size)
    _WORKER = certifier
    try:
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.imap(_document_text, targets, chunksize=8)
                for done, (target, text) in enumerate(results, start=1):
                    write_atomic(folder / file_name(expression.scenario, target), text)
                    if progress is not None:
                        progress(done, len(targets))
        else:
            for done, target in enumerate(targets, start=1):
                _, text = _document_text(target)
                write_atomic(folder / file_name(expression.scenario, target), text)
                if progress is not None:
                    progress(done, len(targets))
    finally:
        _WORKER = None
    return len(targets)


PARTS: dict[str, Callable[..., int]] = {"lemma11": build_lemma11}


def _replace_folder(new: Path, old: Path) -> None:
    """Swap ``new`` into place of ``old`` (renames; the old tree is removed last)."""
    old.parent.mkdir(parents=True, exist_ok=True)
    trash = None
    if old.exists():
        trash = Path(tempfile.mkdtemp(prefix=".certify-old-", dir=old.parent))
        os.replace(old, trash / old.name)
    os.replace(new, old)
    if trash is not None:
        shutil.rmtree(trash)


def regenerate(root: Path, only: Sequence[str] | None = None, workers: int = 2,
               show_progress: bool = True) -> dict:
    """Rebuild ``root/certificates`` (the selected parts) and ``root/proofs``, and
    refresh the citation metadata (``root/CITATION.cff``, ``root/.zenodo.json``).

    Returns a summary ``{"parts": {name: count}, "proofs": [paths]}``.
    """
    from certify.citation import write_citation_metadata
    from certify.reports import write_proofs

    root = Path(root)
    selected = list(only) if only else list(PARTS)
    unknown = [name for name in selected if name not in PARTS]
    if unknown:
        raise InputError(f"--only: unknown part(s) {unknown}; expected some of {sorted(PARTS)}")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".certify-regenerate-", dir=root))
    summary: dict = {"parts": {}}
    try:
        for name in selected:
            count = PARTS[name](staging / "certificates" / name, workers=workers,
                                progress=Progress(f"certificates/{name}", show_progress))
            summary["parts"][name] = count
        for name in selected:
            _replace_folder(staging / "certificates" / name, root / "certificates" / name)
        write_manifest(root / "certificates", provenance())
        written = write_proofs(staging / "proofs", root / "certificates")
        _replace_folder(staging / "proofs", root / "proofs")
        write_citation_metadata(root)  # CITATION.cff and .zenodo.json carry the set identifier
        summary["proofs"] = [str(Path("proofs") / p.relative_to(staging / "proofs")) for p in written]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary
