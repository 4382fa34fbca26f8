"""Exact local (classical) bound of a Bell expression by enumerating deterministic strategies.

The local polytope is the convex hull of the deterministic boxes
``P(x|u) = prod_i [x_i = f_i(u_i)]``, one for each choice of functions
``f_i: settings -> outcomes``, so a linear functional reaches its minimum
(and maximum) over local boxes at a deterministic box:

    local bound = min_f sum_u B(f_1(u_1) ... f_n(u_n) | u).

The coefficients are scaled to integers (by their least common denominator)
and all ``prod_i d_i^{m_i}`` strategies are evaluated at once with numpy
integer arrays, one setting tuple at a time; the result is an exact
Fraction. Strategy ``s_i`` of party i lists its outcome for each setting,
setting 0 most significant (base ``d_i``); the first optimal strategy in the
canonical order (party 1 most significant) is reported.

>>> from certify.formats.library import chsh_expression
>>> result = local_bound(chsh_expression())
>>> result.value, result.strategy
(Fraction(1, 1), ((0, 0), (0, 0)))
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm, prod

import numpy as np

from certify.lp.expression import BellExpression

__all__ = ["LocalBound", "local_bound", "deterministic_box_value", "MAX_STRATEGIES"]

MAX_STRATEGIES = 1 << 26


@dataclass(frozen=True)
class LocalBound:
    """Extremum of ``B.P`` over local boxes and a deterministic strategy attaining it.

    ``strategy[i][u]`` is party i's outcome at setting u.
    """

    value: Fraction
    strategy: tuple[tuple[int, ...], ...]
    sense: str


def deterministic_box_value(expression: BellExpression, strategy) -> Fraction:
    """Exact ``B.P`` of the deterministic box of ``strategy`` (for checking).

    >>> from certify.formats.library import chsh_expression
    >>> deterministic_box_value(chsh_expression(), ((0, 0), (0, 1)))
    Fraction(1, 1)
    """
    scenario = expression.scenario
    total = Fraction(0)
    for setting in scenario.setting_tuples:
        outcome = tuple(strategy[i][u] for i, u in enumerate(setting))
        total += expression.coefficients.get(scenario.index(setting, outcome), Fraction(0))
    return total


def local_bound(expression: BellExpression, sense: str | None = None) -> LocalBound:
    """Exact minimum (``sense="minimise"``, default for a minimise expression) or
    maximum of ``B.P`` over local boxes, by enumerating deterministic strategies.

    Raises ValueError when there are more than ``MAX_STRATEGIES`` strategies.
    """
    sense = sense or expression.direction
    scenario = expression.scenario
    n = scenario.num_parties
    counts = [d ** m for m, d in zip(scenario.settings, scenario.outcomes)]
    if prod(counts) > MAX_STRATEGIES:
        raise ValueError(f"{prod(counts)} deterministic strategies: more than {MAX_STRATEGIES} to enumerate")
    values = list(expression.coefficients.values())
    denominator = lcm(*(v.denominator for v in values)) if values else 1
    largest = max((abs(v) for v in values), default=Fraction(0)) * denominator
    if largest * scenario.num_setting_tuples >= 2 ** 62:
        raise ValueError("coefficients too large for exact 64-bit enumeration")
    table = np.zeros(scenario.num_probabilities, dtype=np.int64)
    for j, v in expression.coefficients.items():
        table[j] = int(v * denominator)
    table = table.reshape(scenario.settings + scenario.outcomes)
    # outcome_of[i][s, u] = outcome of strategy s of party i at setting u.
    outcome_of = []
    for m, d, count in zip(scenario.settings, scenario.outcomes, counts):
        s = np.arange(count, dtype=np.int64)
        outcome_of.append(np.stack([(s // d ** (m - 1 - u)) % d for u in range(m)], axis=1))
    totals = np.zeros(counts, dtype=np.int64)
    for setting in scenario.setting_tuples:
        block = table[setting]
        index = tuple(outcome_of[i][:, u].reshape([-1 if k == i else 1 for k in range(n)])
                      for i, u in enumerate(setting))
        totals += block[index]
    flat = totals.reshape(-1)
    position = int(np.argmin(flat) if sense == "minimise" else np.argmax(flat))
    value = Fraction(int(flat[position]), denominator)
    strategy = []
    for i, count in reversed(list(enumerate(counts))):
        position, s = divmod(position, count)
        strategy.append(tuple(int(o) for o in outcome_of[i][s]))
    strategy = tuple(reversed(strategy))
    return LocalBound(value, strategy, sense)
