"""Regenerate every certificate and proof document from scratch.

``regenerate(root)`` builds into a fresh staging folder inside ``root`` (no
cache: nothing is read from an existing ``certificates/``), checks every
document exactly before it is written, and only then swaps the new folders
in, so an interrupted or failing run never leaves a half-written tree.
Output is deterministic: the same pinned versions give the same bytes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import shutil
import tempfile
from fractions import Fraction
from importlib import metadata
from pathlib import Path
from typing import Callable, Sequence

from certify import __version__
from certify.bell_expression import paper_bell_expression
from certify.certificate import file_name
from certify.errors import InputError
from certify.jsonio import dumps, write_atomic, write_manifest
from certify.output_bound import PairCertifier
from certify.progress import Progress

__all__ = ["PARTS", "regenerate", "build_lemma11", "provenance"]

_WORKER: PairCertifier | None = None


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


_EXPRESSION_WORKER = None

COMMITTED_EXPRESSIONS = ("chsh", "mermin3", "paper", "magic-square", "mermin5")
"""Library expressions whose certificates are committed."""

ORBIT_ONLY_EXPRESSIONS = ("mermin5",)
"""Expressions stored as orbit representatives plus ``symmetry.json`` (the
full set of 1024 mermin5 pair documents would be about 90 MB)."""


def _expression_document_text(target: int) -> tuple[int, str]:
    assert _EXPRESSION_WORKER is not None
    return target, dumps(_EXPRESSION_WORKER.pair_document(target))


def build_expressions(folder: Path, workers: int = 2, progress: Callable[[int, int], None] | None = None,
                      names: Sequence[str] = COMMITTED_EXPRESSIONS) -> int:
    """Write ``folder/<name>/bounds.json`` and one ``certify/expression-bound``
    document per pair for each library expression; returns the file count."""
    global _EXPRESSION_WORKER
    from certify.expression_certificates import ExpressionCertifier
    from certify.expression_library import builtin_expression

    written = 0
    for name in names:
        certifier = ExpressionCertifier(builtin_expression(name))
        if name not in ORBIT_ONLY_EXPRESSIONS:
            certifier.solve_representatives()  # else each worker solves its representative
        scenario = certifier.scenario
        targets = range(certifier.lp.size)
        values = {}
        if name in ORBIT_ONLY_EXPRESSIONS:
            from certify.expression_certificates import symmetry_document

            document, representatives = symmetry_document(certifier.expression)
            write_atomic(folder / name / "symmetry.json", dumps(document))
            targets = representatives
            representative_of = {scenario.index_of_key(entry["pair"]): scenario.index_of_key(entry["representative"])
                                 for entry in document["pairs"]}
        _EXPRESSION_WORKER = certifier
        try:
            if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    results = list(pool.imap(_expression_document_text, targets,
                                             chunksize=1 if name in ORBIT_ONLY_EXPRESSIONS else 8))
            else:
                results = [_expression_document_text(target) for target in targets]
        finally:
            _EXPRESSION_WORKER = None
        for target, text in results:
            write_atomic(folder / name / file_name(scenario, target), text)
            values[target] = Fraction(json.loads(text)["value_function"]["breakpoints"][0]["value"])
        if name in ORBIT_ONLY_EXPRESSIONS:
            values = {j: values[representative_of[j]] for j in range(certifier.lp.size)}
            written += 1
        write_atomic(folder / name / "bounds.json", dumps(certifier.bounds_document(values)))
        written += len(results) + 1
        if progress is not None:
            progress(names.index(name) + 1, len(names))
    return written


PARTS: dict[str, Callable[..., int]] = {"lemma11": build_lemma11, "expressions": build_expressions}
OWN_MANIFEST = ("expressions",)
"""Parts with their own ``manifest.json`` (left out of the top-level manifest,
which keeps listing exactly the Lemma-11 files)."""


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
    """Rebuild ``root/certificates`` (the selected parts) and ``root/proofs``.

    Returns a summary ``{"parts": {name: count}, "proofs": [paths]}``.
    """
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
            if name in OWN_MANIFEST:
                write_manifest(staging / "certificates" / name, provenance())
            _replace_folder(staging / "certificates" / name, root / "certificates" / name)
        write_manifest(root / "certificates", provenance(), exclude=OWN_MANIFEST)
        written = write_proofs(staging / "proofs", root / "certificates")
        _replace_folder(staging / "proofs", root / "proofs")
        summary["proofs"] = [str(Path("proofs") / p.relative_to(staging / "proofs")) for p in written]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary
