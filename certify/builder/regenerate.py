"""Rebuild the stored certificates from scratch, part by part.

Each part (:data:`PARTS`: ``lemma11``, ``expressions``, ``families``, ``catalogue``) is built
into a staging folder (no cache: nothing is read from an existing
``certificates/``), every document checked exactly before it is written
(:mod:`certify.builder.verify`); :func:`install_parts` then swaps the new
folders in and rewrites ``certificates/manifest.json``, so an interrupted or
failing run never leaves a half-written tree. Output is deterministic: the
same pinned versions give the same bytes. The whole job, certificates and
then the proof pages built from them, is :func:`certify.report.pipeline.regenerate`.
"""

from __future__ import annotations

import json
import os
import platform
import queue
import shutil
import tempfile
import time
from fractions import Fraction
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from certify.builder import parallel
from certify.builder.jsonio import dumps, write_atomic, write_manifest
from certify.builder.lemma11 import file_name
from certify.builder.store import remember_verified
from certify.formats.library import builtin_expression, family_names
from certify.lp.expression import paper_bell_expression
from certify.progress import Progress
from certify.version import __version__

if TYPE_CHECKING:  # heavy (HiGHS, FLINT): imported at run time only where used
    from certify.builder.pairs import PairCertificates, PairCertifier

__all__ = ["PARTS", "build_lemma11", "build_expressions", "build_families", "build_parts", "install_parts",
           "replace_folder", "provenance"]

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
    with parallel.worker_pool(workers) as pool:
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
        remember_verified(text)  # checked exactly by PairCertifier.document before it was serialised
        done += 1
        if progress is not None:
            progress(done, len(targets))

    _WORKER = certifier
    try:
        if workers > 1 and parallel.can_fork():
            _build_in_pool(certifier, workers, write)
        else:
            certifier.solve_representatives()
            for target in targets:
                write(*_document_text(target))
    finally:
        _WORKER = None
    _SOLVED_LEMMA11.clear()
    _SOLVED_LEMMA11.update(certifier.solved)
    return len(targets)


_SOLVED_LEMMA11: dict = {}
"""Lemma-11 representatives solved by :func:`build_lemma11` in this process (target ->
:class:`certify.builder.pairs.PairCertificates`): the ``paper`` expression's value
functions are the same LPs, so :func:`build_expressions` takes them from here
instead of solving them again."""


def _reuse_lemma11(certifier) -> None:
    """Seed the paper expression's certifier with the Lemma-11 solutions of this run
    (same expression, same LPs, offset 0, same canonical rule; the documents are
    still built and checked exactly from them)."""
    from certify.builder.expressions import PairResult

    if certifier.expression != paper_bell_expression() or certifier.offset != 0:
        return
    for representative in certifier.orbits:
        solved = _SOLVED_LEMMA11.get(representative)
        if solved is not None:
            certifier.solved[representative] = PairResult(representative, solved.value_function,
                                                          solved.piece_certificates)


COMMITTED_EXPRESSIONS = ("chsh", "mermin3", "paper", "magic-square", "mermin5")
"""Library expressions whose certificates are committed."""

ORBIT_ONLY_EXPRESSIONS = ("mermin5",)
"""Expressions stored as orbit representatives plus ``symmetry.json`` (the
full set of 1024 mermin5 pair documents would be about 90 MB)."""


def _expression_document_text(certifier, target: int) -> tuple[int, str]:
    return target, dumps(certifier.pair_document(target))


def _solve_representative_of(certifier, representative: int):
    return representative, certifier.pair(representative)


def _build_expression(folder: Path, name: str, workers: int, say: Callable[[str], None]) -> int:
    """One library expression's documents (see :func:`build_expressions`); returns the file count."""
    from certify.builder.expressions import ExpressionCertifier, symmetry_document

    say(f"{name}: symmetries and the no-signalling optimum")
    certifier = ExpressionCertifier(builtin_expression(name))
    _reuse_lemma11(certifier)
    scenario = certifier.scenario
    orbit_only = name in ORBIT_ONLY_EXPRESSIONS
    targets = list(range(certifier.lp.size))
    if orbit_only:
        document, targets = symmetry_document(certifier.expression)
        write_atomic(folder / name / "symmetry.json", dumps(document))
        representative_of = {scenario.index_of_key(entry["pair"]): scenario.index_of_key(entry["representative"])
                             for entry in document["pairs"]}
    else:  # representatives first, in parallel; the documents of their orbits are images of them
        missing = sorted(set(certifier.orbits) - set(certifier.solved))
        for representative, solved in parallel.forked_map(
                _solve_representative_of, missing, workers, state=certifier,
                progress=lambda done, total: say(f"{name}: {done}/{total} representatives solved")):
            certifier.solved[representative] = solved
    results = parallel.forked_map(_expression_document_text, targets, workers, state=certifier,
                                  progress=lambda done, total: say(f"{name}: {done}/{total} documents"),
                                  chunksize=1 if orbit_only else 8)
    values = {}
    for target, text in results:
        write_atomic(folder / name / file_name(scenario, target), text)
        values[target] = Fraction(json.loads(text)["value_function"]["breakpoints"][0]["value"])
    if orbit_only:
        values = {j: values[representative_of[j]] for j in range(certifier.lp.size)}
    say(f"{name}: local bound and no-signalling optimum")
    write_atomic(folder / name / "bounds.json", dumps(certifier.bounds_document(values)))
    return len(results) + 1 + (1 if orbit_only else 0)


def build_expressions(folder: Path, workers: int = 2, progress: Callable[[int, int], None] | None = None,
                      names: Sequence[str] = COMMITTED_EXPRESSIONS) -> int:
    """Write ``folder/<name>/bounds.json`` and one ``certify/expression-bound``
    document per pair for each library expression (or, for
    :data:`ORBIT_ONLY_EXPRESSIONS`, per orbit representative plus
    ``symmetry.json``); returns the file count."""
    written = 0
    for done, name in enumerate(names):
        def say(detail: str, done=done) -> None:
            if progress is not None:
                progress(done, len(names), detail)

        written += _build_expression(folder, name, workers, say)
        if progress is not None:
            progress(done + 1, len(names))
    return written


def build_families(folder: Path, workers: int = 2, progress: Callable[[int, int], None] | None = None) -> int:
    """Write ``folder/<name>.json``, the verified ``certify/expression-reduced``
    document of each N-party family member (representatives solved and checked
    in ``workers`` processes); returns the file count."""
    from certify.builder.families import family_document

    names = family_names()
    folder.mkdir(parents=True, exist_ok=True)
    for done, name in enumerate(names, start=1):
        def step(solved: int, total: int, name=name, done=done) -> None:
            if progress is not None:
                progress(done - 1, len(names), f"{name}: {solved}/{total} representatives")

        document = family_document(builtin_expression(name), progress=step, workers=workers)
        text = dumps(document)
        write_atomic(folder / f"{name}.json", text)
        remember_verified(text)  # family_document checks the document exactly before returning it
        if progress is not None:
            progress(done, len(names))
    return len(names)


def build_catalogue(folder: Path, workers: int = 2, progress: Callable[..., None] | None = None) -> int:
    """Write the facet catalogue (:mod:`certify.builder.catalogue`); returns the file count."""
    from certify.builder.catalogue import build_catalogue as build  # pycddlib: imported when used

    return build(folder, workers, progress)


PARTS: dict[str, Callable[..., int]] = {"lemma11": build_lemma11, "expressions": build_expressions,
                                        "families": build_families, "catalogue": build_catalogue}
def replace_folder(new: Path, old: Path) -> None:
    """Swap ``new`` into place of ``old`` (renames; the old tree is removed last)."""
    old.parent.mkdir(parents=True, exist_ok=True)
    trash = None
    if old.exists():
        trash = Path(tempfile.mkdtemp(prefix=".certify-old-", dir=old.parent))
        os.replace(old, trash / old.name)
    os.replace(new, old)
    if trash is not None:
        shutil.rmtree(trash)


def build_parts(staging: Path, names: Sequence[str], workers: int = 2, show_progress: bool = True,
                seconds: dict[str, float] | None = None) -> dict[str, int]:
    """Build the named parts into ``staging/certificates/<name>``; returns the file count of
    each (and records the wall time of each in ``seconds`` when given)."""
    counts = {}
    for name in names:
        start = time.monotonic()
        counts[name] = PARTS[name](staging / "certificates" / name, workers=workers,
                                   progress=Progress(f"certificates/{name}", show_progress))
        if seconds is not None:
            seconds[name] = time.monotonic() - start
    return counts


def install_parts(staging: Path, root: Path, names: Sequence[str]) -> None:
    """Swap the built parts into ``root/certificates`` and rewrite its manifest."""
    for name in names:
        replace_folder(staging / "certificates" / name, root / "certificates" / name)
    if names:
        write_manifest(root / "certificates", provenance())
