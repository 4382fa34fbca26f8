"""Output-bound certificates for every pair (u*, x*) of one Bell expression.

For each orbit of target pairs under the expression's symmetry group
(:mod:`certify.lp.symmetry`) the smallest pair is solved exactly
(:mod:`certify.lp.program`, :mod:`certify.lp.value_function`); every other
pair receives the image of the representative's certificates under the
first group element (in the fixed enumeration order) that maps the
representative to it. Images are rebuilt exactly (slack vectors permuted,
multipliers recomputed) and every document passes
:func:`certify.builder.verify.verify_lemma11_document` before it is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

from certify.builder.lemma11 import build_document
from certify.builder.verify import PAPER_SLOPE, verify_lemma11_document
from certify.lp.expression import BellExpression, paper_bell_expression
from certify.lp.program import Inequality, NoSignallingLP
from certify.lp.scenario import select_targets
from certify.lp.symmetry import apply, invariance_group, orbits
from certify.lp.value_function import ValueFunction, certified_value_function

__all__ = ["PairCertificates", "PairCertifier", "solve_pair", "map_pair", "lemma11_value_function"]


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
    function, pieces = certified_value_function(lp, target)
    return PairCertificates(target, paper_certificate, paper_witness, function, pieces)


def map_pair(lp: NoSignallingLP, result: PairCertificates, g: tuple[int, ...]) -> PairCertificates:
    """Image of a pair's certificates under the symmetry ``g``.

    Witnesses are permuted; multipliers follow
    :meth:`certify.lp.program.NoSignallingLP.image_of_inequality`.
    """
    target = g[result.target]
    row_images = lp.row_images(g)

    def image(inequality: Inequality) -> Inequality:
        return lp.image_of_inequality(inequality, g, row_images)

    return PairCertificates(target, image(result.paper_certificate), tuple(apply(g, result.paper_witness)),
                            result.value_function.image(g), tuple(image(c) for c in result.piece_certificates))


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
        verify_lemma11_document(document, self.expression)
        return document


def lemma11_value_function(setting: str, outcome: str) -> ValueFunction:
    """The exact value function ``v(b) = max P(x*|u*)`` subject to ``B.P <= b`` of one pair
    (B of eq. (7), b the plain Bell sum of eq. (6)), solved afresh and checked exactly
    (the pair's whole Lemma-11 document passes
    :func:`certify.builder.verify.verify_lemma11_document`) before it is returned.

    >>> v = lemma11_value_function("0001", "1000")
    >>> v.evaluate(Fraction(1, 10)), v.breakpoints
    (Fraction(11, 30), ((Fraction(0, 1), Fraction(1, 3)), (Fraction(2, 1), Fraction(1, 1))))
    """
    expression = paper_bell_expression()
    target, = select_targets(expression.scenario, setting, outcome)
    solved = solve_pair(NoSignallingLP(expression), target)
    verify_lemma11_document(solved.document(expression), expression)
    return solved.value_function
