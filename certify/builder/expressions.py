"""Certificates for any Bell expression: bounds, and output bounds for every pair.

For an expression B (direction minimise or maximise) the *penalty form* is
``C = sign * B`` with ``sign = +1`` (minimise) or ``-1`` (maximise), and the
*penalty value* of a no-signalling box is ``δ(P) = C.P - offset`` where
``offset = min C.P`` over no-signalling boxes (the no-signalling optimum in
penalty form). So δ >= 0 on the no-signalling polytope and δ = 0 exactly at
its optimum; for the library's games (``C >= 0`` with a no-signalling box
winning every round) ``sign = 1`` and ``offset = 0``, and δ is the plain sum
B.P of the paper.

Two document kinds (``docs/certificate-format.md``):

* ``certify/expression-bounds`` (one per expression, ``bounds.json``): the
  local bound with an optimal deterministic strategy, the no-signalling
  optimum with a dual certificate and a witness box, and the largest output
  probability at the no-signalling optimum (max over pairs of v(0)).
* ``certify/expression-bound`` (one per pair (u*, x*), every setting
  including those B does not use): the exact value function
  ``v(δ) = max P(x*|u*) subject to δ(P) <= δ`` with one dual certificate per
  piece (each valid for every no-signalling box, so for all δ at once) and
  an exact witness box per breakpoint, as for Lemma 11 but with no
  paper-specific claim.

Pairs are solved once per orbit of the symmetries found by
:func:`certify.lp.symmetry.orbit_transversal` and mapped to the other members;
every document passes :func:`certify.builder.verify.verify_expression_document` /
:func:`certify.builder.verify.verify_bounds_document` before it is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

from certify.builder.jsonio import expression_json, sparse
from certify.builder.verify import (BOUNDS_FORMAT, PAIR_FORMAT, PAIR_VERSION, SYMMETRY_FORMAT, VERSION,
                                    verify_bounds_document, verify_expression_document, verify_symmetry_document)
from certify.lp.expression import BellExpression, penalty_form
from certify.lp.local_bound import local_bound
from certify.lp.program import Inequality, NoSignallingLP
from certify.lp.symmetry import orbit_transversal, orbit_words
from certify.lp.value_function import ValueFunction, certified_value_function
from certify.numbers import format_exact

__all__ = ["ExpressionCertifier", "PairResult", "symmetry_document"]


@dataclass(frozen=True)
class PairResult:
    target: int
    value_function: ValueFunction
    piece_certificates: tuple[Inequality, ...]


def _inequality_json(inequality: Inequality, offset: Fraction) -> dict:
    bound = inequality.constant - inequality.slope * offset
    return {"bound": format_exact(bound), "multipliers": [[r, format_exact(v)] for r, v in inequality.multipliers]}


class ExpressionCertifier:
    """Solves the bounds and the orbit representatives of one expression; builds
    and verifies the document of any pair."""

    def __init__(self, expression: BellExpression, symmetry: bool = True) -> None:
        self.expression = expression
        self.scenario = expression.scenario
        self.sign, self.penalty = penalty_form(expression)
        self.lp = NoSignallingLP(self.penalty)
        self.offset, _ = self.lp.minimise_bell()
        self.lp.offset = self.offset
        size = self.lp.size
        if symmetry:
            self.orbits, self.transversal = orbit_transversal(self.penalty)
        else:
            self.orbits = {j: [j] for j in range(size)}
            self.transversal = {j: tuple(range(size)) for j in range(size)}
        self.representative_of = {j: rep for rep, members in self.orbits.items() for j in members}
        self.solved: dict[int, PairResult] = {}

    # -- bounds ---------------------------------------------------------------------
    def ns_optimum(self) -> tuple[Fraction, Inequality, tuple[Fraction, ...]]:
        """Penalty-form optimum with a canonical certificate (slope 1, no target:
        ``0 <= 0 + 1 * (C.P - offset)``) and the canonical optimal box."""
        certificate = self.lp.canonical_certificate(None, Fraction(1), Fraction(0))
        witness = self.lp.canonical_box(None, None, -self.offset, Fraction(1))
        return self.offset, certificate, witness

    def ns_optimum_json(self) -> dict:
        """``$.ns_optimum`` of bounds.json and of every pair document: the offset's proof."""
        if not hasattr(self, "_ns_optimum_json"):
            offset, certificate, witness = self.ns_optimum()
            self._ns_optimum_json = {"value": format_exact(self.sign * offset),
                                     "certificate": _inequality_json(certificate, offset), "witness": sparse(witness)}
        return self._ns_optimum_json

    def bounds_document(self, pair_values: dict[int, Fraction] | None = None) -> dict:
        """The ``certify/expression-bounds`` document (verified)."""
        local = local_bound(self.penalty, "minimise")
        offset = self.offset
        if pair_values is None:
            pair_values = {j: self.pair(j).value_function.breakpoints[0][1] for j in range(self.lp.size)}
        best = max(pair_values.values())
        best_pair = min(j for j, v in pair_values.items() if v == best)
        scenario = self.scenario
        document = {
            "format": BOUNDS_FORMAT, "version": VERSION,
            "scenario": scenario.to_json(),
            "expression": expression_json(self.expression),
            "penalty": {"sign": self.sign, "offset": format_exact(offset)},
            "local_bound": {"value": format_exact(self.sign * local.value),
                            "strategy": ["".join(map(str, party)) for party in local.strategy]},
            "ns_optimum": self.ns_optimum_json(),
            "is_bell_inequality": local.value != offset,
            "max_output_probability_at_ns_optimum": {"value": format_exact(best),
                                                     "pair": scenario.pair_key(best_pair)},
        }
        verify_bounds_document(document, self.expression)
        return document

    # -- pairs ------------------------------------------------------------------------
    def _solve(self, target: int) -> PairResult:
        function, pieces = certified_value_function(self.lp, target)
        return PairResult(target, function, pieces)

    def _map(self, result: PairResult, g: tuple[int, ...]) -> PairResult:
        row_images = self.lp.row_images(g)
        return PairResult(g[result.target], result.value_function.image(g),
                          tuple(self.lp.image_of_inequality(c, g, row_images) for c in result.piece_certificates))

    def solve_representatives(self, progress: Callable[[int, int], None] | None = None) -> None:
        for k, rep in enumerate(sorted(self.orbits)):
            if rep not in self.solved:
                self.solved[rep] = self._solve(rep)
            if progress is not None:
                progress(k + 1, len(self.orbits))

    def pair(self, target: int) -> PairResult:
        rep = self.representative_of[target]
        if rep not in self.solved:
            self.solved[rep] = self._solve(rep)
        if target == rep:
            return self.solved[rep]
        return self._map(self.solved[rep], self.transversal[target])

    def pair_document(self, target: int) -> dict:
        """The verified ``certify/expression-bound`` document of one pair."""
        result = self.pair(target)
        scenario = self.scenario
        setting, outcome = scenario.pair_key(target).split("|")
        function = result.value_function
        document = {
            "format": PAIR_FORMAT, "version": PAIR_VERSION,
            "scenario": scenario.to_json(),
            "expression": expression_json(self.expression),
            "penalty": {"sign": self.sign, "offset": format_exact(self.offset)},
            "ns_optimum": self.ns_optimum_json(),
            "target": {"setting": setting, "outcome": outcome, "index": target},
            "value_function": {
                "breakpoints": [{"bell_value": format_exact(d), "value": format_exact(v), "witness": sparse(w)}
                                for (d, v), w in zip(function.breakpoints, function.witnesses)],
                "pieces": [{"constant": format_exact(a), "slope": format_exact(s),
                            "certificate": _inequality_json(cert, self.offset)}
                           for (a, s), cert in zip(function.pieces, result.piece_certificates)],
            },
        }
        verify_expression_document(document, self.expression)
        return document


# -- orbit representatives with symmetry maps ----------------------------------------------

def symmetry_document(expression: BellExpression) -> tuple[dict, list[int]]:
    """The ``certify/expression-symmetry`` document of an expression and the
    representative indices whose pair documents must accompany it (verified)."""
    scenario = expression.scenario
    found, generators, words = orbit_words(expression)
    representative_of = {j: rep for rep, members in found.items() for j in members}
    document = {
        "format": SYMMETRY_FORMAT, "version": VERSION,
        "scenario": scenario.to_json(),
        "expression": expression_json(expression),
        "generators": generators,
        "pairs": [{"pair": scenario.pair_key(j), "representative": scenario.pair_key(representative_of[j]),
                   "word": words[j]} for j in range(scenario.num_probabilities)],
    }
    verify_symmetry_document(document, expression)
    return document, sorted(found)
