"""Output-bound certificates for every pair (u*, x*) of one Bell expression.

For each orbit of target pairs under the expression's symmetry group
(:mod:`certify.lp.symmetry`) the smallest pair is solved exactly
(:mod:`certify.lp.program`, :mod:`certify.lp.value_function`); every other
pair receives the image of the representative's certificates under the
first group element (in the fixed enumeration order) that maps the
representative to it. Images are rebuilt exactly (slack vectors permuted,
multipliers recomputed) and every document passes
:func:`certify.builder.lemma11.verify_document` before it is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Iterable

from certify.lp.expression import BellExpression
from certify.builder.lemma11 import PAPER_SLOPE, build_document, verify_document
from certify.lp.program import Inequality, NoSignallingLP
from certify.lp.symmetry import apply, invariance_group, orbits
from certify.lp.value_function import ValueFunction, compute_value_function

__all__ = ["PairCertificates", "solve_pair", "map_pair", "certify_all_pairs"]


@dataclass(frozen=True)
class PairCertificates:
    """Everything stored for one target pair."""

    target: int
    paper_certificate: Inequality
    paper_witness: tuple[Fraction, ...]
    value_function: ValueFunction
    piece_certificates: tuple[Inequality, ...]

    def document(self, expression: BellExpression) -> dict:
        return build_document(expression, self.target, self.paper_certificate, self.paper_witness,
                              self.value_function, self.piece_certificates)


def solve_pair(lp: NoSignallingLP, target: int) -> PairCertificates:
    """Solve one pair from scratch (canonical certificates and witnesses)."""
    bound, _ = lp.maximise_inequality(target, PAPER_SLOPE)
    paper_certificate = lp.canonical_certificate(target, PAPER_SLOPE, bound)
    paper_witness = lp.canonical_box(target, None, bound, PAPER_SLOPE)
    function = compute_value_function(lp, target)
    witnesses = tuple(lp.canonical_box(target, d, v) for d, v in function.breakpoints)
    function = ValueFunction(target, function.breakpoints, function.pieces, witnesses)
    pieces = tuple(lp.canonical_certificate(target, s, a) for a, s in function.pieces)
    return PairCertificates(target, paper_certificate, paper_witness, function, pieces)


def _slack(lp: NoSignallingLP, inequality: Inequality) -> list[Fraction]:
    combination = [Fraction(0)] * lp.size
    for r, y in inequality.multipliers:
        for j, a in lp.system.rows[r]:
            combination[j] += a * y
    objective = lp.objective(inequality.target, inequality.slope)
    return [c - o for c, o in zip(combination, objective)]


def _row_images(lp: NoSignallingLP, g: tuple[int, ...]) -> list[tuple[int, int]] | None:
    """For each row r, ``(r', sign)`` with ``g . row_r = sign * row_r'``, or None
    when some row does not map to a signed row (then multipliers are rebuilt)."""
    index = lp.row_index_by_entries
    images = []
    for row in lp.system.rows:
        key = frozenset((g[j], a) for j, a in row)
        image = index.get(key)
        if image is not None:
            images.append((image, 1))
            continue
        image = index.get(frozenset((j, -a) for j, a in key))
        if image is None:
            return None
        images.append((image, -1))
    return images


def map_pair(lp: NoSignallingLP, result: PairCertificates, g: tuple[int, ...]) -> PairCertificates:
    """Image of a pair's certificates under the symmetry ``g``.

    Witnesses are permuted. Multipliers are carried along the induced signed
    permutation of the rows when there is one (normalisation rows map to
    normalisation rows, so the bound is unchanged); otherwise they are
    recomputed exactly from the permuted slack vector.
    """
    target = g[result.target]
    row_images = _row_images(lp, g)

    def image(inequality: Inequality) -> Inequality:
        if row_images is None:
            slack = apply(g, _slack(lp, inequality))
            return lp.certificate_from_slack(target, inequality.slope, inequality.constant, slack)
        multipliers = sorted((row_images[r][0], y if row_images[r][1] == 1 else -y)
                             for r, y in inequality.multipliers)
        return Inequality(target, inequality.constant, inequality.slope, tuple(multipliers))

    function = result.value_function
    mapped_function = ValueFunction(target, function.breakpoints, function.pieces,
                                    tuple(tuple(apply(g, w)) for w in function.witnesses))
    return PairCertificates(target, image(result.paper_certificate), tuple(apply(g, result.paper_witness)),
                            mapped_function, tuple(image(c) for c in result.piece_certificates))


class PairCertifier:
    """Solves the orbit representatives once; then builds and verifies the
    document of any pair (cheap: a symmetry image plus the exact check)."""

    def __init__(self, expression: BellExpression) -> None:
        self.expression = expression
        self.lp = NoSignallingLP(expression)
        self.group = invariance_group(expression)
        self.orbits = orbits(self.group, self.lp.size)
        self.representative_of = {j: rep for rep, members in self.orbits.items() for j in members}
        self.solved: dict[int, PairCertificates] = {}

    def solve_representatives(self, progress: Callable[[int, int], None] | None = None) -> None:
        for k, rep in enumerate(sorted(self.orbits)):
            if rep not in self.solved:
                self.solved[rep] = solve_pair(self.lp, rep)
            if progress is not None:
                progress(k + 1, len(self.orbits))

    def certificates(self, target: int) -> PairCertificates:
        rep = self.representative_of[target]
        if rep not in self.solved:
            self.solved[rep] = solve_pair(self.lp, rep)
        if target == rep:
            return self.solved[rep]
        g = next(g for g in self.group if g[rep] == target)
        return map_pair(self.lp, self.solved[rep], g)

    def document(self, target: int) -> dict:
        """The verified document of one pair (raises if the exact check fails)."""
        document = self.certificates(target).document(self.expression)
        verify_document(document, self.expression)
        return document


def certify_all_pairs(expression: BellExpression,
                      progress: Callable[[int, int], None] | None = None) -> Iterable[tuple[int, dict]]:
    """Yield ``(target, verified document)`` for every pair, in canonical order."""
    certifier = PairCertifier(expression)
    total = certifier.lp.size
    for target in range(total):
        document = certifier.document(target)
        if progress is not None:
            progress(target + 1, total)
        yield target, document
