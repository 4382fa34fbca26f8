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
import queue
import shutil
import tempfile
from fractions import Fraction
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from certify.version import __version__
from certify.lp.expression import paper_bell_expression
from certify.builder.lemma11 import file_name
from certify.errors import InputError
from certify.builder.jsonio import dumps, write_atomic, write_manifest
from certify.progress import Progress

if TYPE_CHECKING:  # heavy (HiGHS, FLINT): imported at run time only where used
    from certify.builder.pairs import PairCertificates, PairCertifier

__all__ = ["PARTS", "PROOFS_PART", "part_names", "regenerate", "build_lemma11", "build_families", "family_names",
           "provenance"]

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


def _solve_representative(representative: int) -> tuple[str, int, PairCertificates]:
    from certify.builder.pairs import solve_pair

    assert _WORKER is not None
    return "solved", representative, solve_pair(_WORKER.lp, representative)


def _document_texts(task: tuple[int, PairCertificates, list[int]]) -> tuple[str, list[tuple[int, str]]]:
    representative, solved, targets = task
    assert _WORKER is not None
    _WORKER.solved.setdefault(representative, solved)
    return "documents", [_document_text(target) for target in targets]


def _build_in_pool(certifier: PairCertifier, workers: int, write: Callable[[int, str], None],
                   chunk: int = 8) -> None:
    """Solve the representatives and build the documents in ``workers`` forked processes.

    The representatives are solved in the workers, in parallel; as soon as one is
    solved, the documents of its orbit are queued (each task carries the solved
    representative), so mapping and checking overlap the remaining solves. Every
    document depends only on its representative's (deterministic) solution, so
    the bytes do not depend on which process built it or in which order.
    """
    events: queue.SimpleQueue = queue.SimpleQueue()
    representatives = sorted(certifier.orbits)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        def submit(function, argument) -> None:
            pool.apply_async(function, (argument,), callback=events.put,
                             error_callback=lambda error: events.put(("error", error)))

        for representative in representatives:
            submit(_solve_representative, representative)
        expected, written = certifier.lp.size, 0
        while written < expected:
            event = events.get()
            if event[0] == "error":
                raise event[1]
            if event[0] == "solved":
                _, representative, solved = event
                certifier.solved[representative] = solved
                members = certifier.orbits[representative]
                for start in range(0, len(members), chunk):
                    submit(_document_texts, (representative, solved, members[start:start + chunk]))
                continue
            for target, text in event[1]:
                write(target, text)
                written += 1


def build_lemma11(folder: Path, workers: int = 2, progress: Callable[[int, int], None] | None = None) -> int:
    """Write the 256 Lemma-11 certificates into ``folder``; returns the count."""
    global _WORKER
    from certify.builder.pairs import PairCertifier  # heavy (HiGHS, FLINT): imported when used

    expression = paper_bell_expression()
    certifier = PairCertifier(expression)
    folder.mkdir(parents=True, exist_ok=True)
    targets = range(certifier.lp.size)
    done = 0

    def write(target: int, text: str) -> None:
        nonlocal done
        write_atomic(folder / file_name(expression.scenario, target), text)
        done += 1
        if progress is not None:
            progress(done, len(targets))

    _WORKER = certifier
    try:
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            _build_in_pool(certifier, workers, write)
        else:
            certifier.solve_representatives()
            for target in targets:
                write(*_document_text(target))
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
    from certify.builder.expressions import ExpressionCertifier
    from certify.formats.library import builtin_expression

    written = 0
    for name in names:
        certifier = ExpressionCertifier(builtin_expression(name))
        if name not in ORBIT_ONLY_EXPRESSIONS:
            certifier.solve_representatives()  # else each worker solves its representative
        scenario = certifier.scenario
        targets = range(certifier.lp.size)
        values = {}
        if name in ORBIT_ONLY_EXPRESSIONS:
            from certify.builder.expressions import symmetry_document

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


def family_names() -> list[str]:
    """Family members with certificates in ``certificates/families/`` (N >= 3)."""
    from certify.formats.library import FAMILIES

    names = [name for name in FAMILIES if int(name.rsplit("-n", 1)[1]) >= 3]
    return sorted(names, key=lambda name: (name.split("-n")[0] != "paper", int(name.rsplit("-n", 1)[1])))


def build_families(folder: Path, workers: int = 2, progress: Callable[[int, int], None] | None = None) -> int:
    """Write ``folder/<name>.json``, the verified ``certify/expression-reduced``
    document of each N-party family member (representatives solved and checked
    in ``workers`` processes); returns the file count."""
    from certify.formats.library import builtin_expression
    from certify.builder.families import family_document

    names = family_names()
    folder.mkdir(parents=True, exist_ok=True)
    for done, name in enumerate(names, start=1):
        document = family_document(builtin_expression(name), workers=workers)
        write_atomic(folder / f"{name}.json", dumps(document))
        if progress is not None:
            progress(done, len(names))
    return len(names)


PARTS: dict[str, Callable[..., int]] = {"lemma11": build_lemma11, "expressions": build_expressions,
                                        "families": build_families}
PROOFS_PART = "proofs"  # proofs/ and the citation metadata, generated from certificates/


def part_names() -> list[str]:
    """What ``--only`` accepts: the certificate parts, then ``proofs``."""
    return sorted(PARTS) + [PROOFS_PART]


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
    """Rebuild ``root/certificates`` and ``root/proofs`` (with the citation metadata
    ``root/CITATION.cff``, ``root/.zenodo.json``), or only the parts named in
    ``only``: names of :data:`PARTS` (certificate folders) and ``"proofs"``.

    Returns a summary ``{"parts": {name: count}, "proofs": [paths]}``.
    """
    root = Path(root)
    selected = list(dict.fromkeys(only)) if only else list(PARTS) + [PROOFS_PART]
    unknown = [name for name in selected if name not in part_names()]
    if unknown:
        raise InputError(f"--only: unknown part(s) {unknown}; expected some of {part_names()}")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".certify-regenerate-", dir=root))
    summary: dict = {"parts": {}, "proofs": []}
    try:
        certificate_parts = [name for name in selected if name in PARTS]
        for name in certificate_parts:
            count = PARTS[name](staging / "certificates" / name, workers=workers,
                                progress=Progress(f"certificates/{name}", show_progress))
            summary["parts"][name] = count
        for name in certificate_parts:
            _replace_folder(staging / "certificates" / name, root / "certificates" / name)
        if certificate_parts:
            write_manifest(root / "certificates", provenance())
        if PROOFS_PART in selected:
            from certify.report.citation import write_citation_metadata
            from certify.report.pages import write_proofs

            written = write_proofs(staging / "proofs", root / "certificates")
            _replace_folder(staging / "proofs", root / "proofs")
            write_citation_metadata(root)  # CITATION.cff and .zenodo.json carry the set identifier
            summary["proofs"] = [str(Path("proofs") / p.relative_to(staging / "proofs")) for p in written]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary
