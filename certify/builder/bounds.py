"""Exact bounds of any Bell expression (``certify bounds``).

:func:`expression_bounds` returns, all exact:

* ``local_bound``: the extremum of B.P over local boxes (enumeration of
  deterministic strategies, :mod:`certify.lp.local_bound`), in the expression's
  own direction;
* ``ns_optimum``: the extremum over no-signalling boxes (exact LP with a
  dual certificate);
* ``is_bell_inequality``: true when the two differ;
* ``max_output_probability_at_ns_optimum``: the largest P(x*|u*), over every
  setting and outcome, among no-signalling boxes attaining the optimum, i.e.
  the maximum over pairs of v(0) in penalty form (one exact LP per orbit of
  pairs under the symmetries found).

Above :data:`certify.builder.optimum.REDUCED_ABOVE` probabilities the
symmetry-reduced LPs are used: for an expression with the parity-family
moves, the verified family document (as stored for the N-party families);
otherwise one reduced LP per pair.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

from certify.builder.expressions import ExpressionCertifier
from certify.builder.families import certified_ns_optimum, family_document, pair_orbit_labels
from certify.builder.optimum import REDUCED_ABOVE
from certify.formats.library import as_expression
from certify.formats.native import canonical_order
from certify.lp.expression import BellExpression, penalty_form
from certify.lp.local_bound import LocalBound, local_bound
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.reduced import parity_family_targets, reduced_max_output_at_optimum
from certify.numbers import format_exact

__all__ = ["expression_bounds"]

Progress = Callable[[int, int], None] | None


def _summary(expression: BellExpression, sign: int, offset: Fraction, local: LocalBound, best: Fraction,
             attaining: list[int], count: int | None, orbits: int, method: str) -> dict:
    """The JSON of ``certify bounds`` (every path)."""
    scenario = expression.scenario
    return {
        "expression": expression.name, "direction": expression.direction, "scenario": scenario.to_json(),
        "canonical_order": canonical_order(scenario),
        "local_bound": format_exact(sign * local.value),
        "local_strategy": ["".join(map(str, party)) for party in local.strategy],
        "ns_optimum": format_exact(sign * offset),
        "is_bell_inequality": local.value != offset,
        "max_output_probability_at_ns_optimum": format_exact(best),
        "pairs_attaining_max": [scenario.pair_key(j) for j in attaining[:16]],
        "num_pairs_attaining_max": count,
        "pair_orbits": orbits,
        "method": method,
    }


def _reduced_bounds(expression: BellExpression, progress: Progress) -> dict:
    sign, penalty = penalty_form(expression)
    local = local_bound(penalty, "minimise")
    if parity_family_targets(penalty) is not None:
        document = family_document(expression, progress=progress)
        offset = Fraction(document["penalty"]["offset"])
        values = {expression.scenario.index_of_key(rep["pair"]): Fraction(rep["value"])
                  for rep in document["representatives"]}
        best = max(values.values())
        labels = pair_orbit_labels(penalty)
        best_labels = {labels[t] for t, v in values.items() if v == best}
        attaining = [j for j, label in enumerate(labels) if label in best_labels]
        return _summary(expression, sign, offset, local, best, attaining, len(attaining), len(values),
                        "symmetry-reduced exact LPs, one per orbit of pairs under party permutations "
                        "and two-party outcome flips (each checked exactly: the family certificate format)")
    offset = certified_ns_optimum(penalty, NoSignallingSystem.build(expression.scenario))
    best, _, values = reduced_max_output_at_optimum(penalty, None, offset, progress=progress)
    attaining = sorted(t for t, v in values.items() if v == best)
    return _summary(expression, sign, offset, local, best, attaining, None, len(values),
                    "symmetry-reduced exact LPs over every pair")


def expression_bounds(expression, symmetry: bool = True, progress: Progress = None,
                      reduced: bool | None = None) -> dict:
    """Exact local bound, no-signalling optimum and largest output probability at it.

    ``expression`` is a :class:`~certify.lp.expression.BellExpression`, a built-in
    name or an expression file. The bounds are in the expression's own
    direction; CHSH is stored as a penalty (the probability of losing the game,
    summed over the four settings), so its local bound 1 is the familiar 2 and
    its no-signalling optimum 0 the familiar 4 of the correlator form.

    >>> bounds = expression_bounds("chsh")
    >>> bounds["local_bound"], bounds["ns_optimum"], bounds["max_output_probability_at_ns_optimum"]
    ('1', '0', '1/2')
    """
    expression = as_expression(expression)
    if reduced is None:
        reduced = expression.scenario.num_probabilities > REDUCED_ABOVE
    if reduced:
        return _reduced_bounds(expression, progress)
    certifier = ExpressionCertifier(expression, symmetry=symmetry)
    local = local_bound(certifier.penalty, "minimise")
    values = {}
    representatives = sorted(certifier.orbits)
    for done, rep in enumerate(representatives, start=1):
        values[rep] = certifier.lp.maximise_target(rep, Fraction(0)).value
        if progress is not None:
            progress(done, len(representatives))
    best = max(values.values())
    best_pairs = sorted(j for rep, value in values.items() if value == best for j in certifier.orbits[rep])
    return _summary(expression, certifier.sign, certifier.offset, local, best, best_pairs, len(best_pairs),
                    len(representatives), "exact LP per orbit of pairs on the full no-signalling polytope")
