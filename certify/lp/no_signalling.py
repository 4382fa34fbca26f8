"""The no-signalling polytope as exact sparse rows.

For a scenario with canonical probability vector P (see
:mod:`certify.lp.scenario`) the no-signalling polytope is

    { P >= 0 :  normalisation rows . P = 1,  no-signalling rows . P = 0 }.

Rows, in this order (the order is part of the certificate format):

1. **normalisation**, one per setting tuple u (canonical order):
   ``sum_x P(x|u) = 1``;
2. **no-signalling** (eq. (13) of the paper, one party at a time), for each
   party i (1..n), each setting tuple u with u_i != 0 (canonical order) and
   each outcome tuple x_{-i} of the other parties (canonical order):
   ``sum_{x_i} P(x|u) - sum_{x_i} P(x|u with u_i := 0) = 0``.

Why these rows give no-signalling for *every* subset of parties: the rows for
party i say that the marginal of the other n-1 parties,
``P(x_{-i}|u) = sum_{x_i} P(x|u)``, does not depend on u_i. For a set T of
parties to be summed out, sum them out one at a time: after summing out
``j in T``, the result is independent of u_j, and summing further parties
out of an expression independent of u_j keeps it independent of u_j. Hence
``sum_{x_T} P(x|u)`` depends only on u restricted to the complement of T,
which is no-signalling for the subset S = complement of T (eq. (13)).
Normalisation for every u, together with these rows, gives a normalised
marginal for every subset.

For four binary parties there are 16 + 4*8*8 = 272 rows of rank 176, so the
polytope has dimension 256 - 176 = 80 = 3^4 - 1, as it should.

>>> ns = NoSignallingSystem.build(Scenario.binary(4))
>>> len(ns.rows), ns.num_normalisation_rows
(272, 16)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from itertools import product

from certify.lp.scenario import Scenario

__all__ = ["NoSignallingSystem", "SparseRow"]

SparseRow = tuple[tuple[int, int], ...]
"""A row as sorted ``(column, integer coefficient)`` pairs."""


@dataclass(frozen=True)
class NoSignallingSystem:
    """Equality rows (normalisation, then no-signalling) and their names."""

    scenario: Scenario
    rows: tuple[SparseRow, ...]
    right_hand_sides: tuple[int, ...]
    names: tuple[str, ...]
    num_normalisation_rows: int

    @classmethod
    def build(cls, scenario: Scenario) -> "NoSignallingSystem":
        """The rows of ``scenario`` (built once per scenario and process; the system is immutable)."""
        return _build(cls, scenario)

    @classmethod
    def _build_rows(cls, scenario: Scenario) -> "NoSignallingSystem":
        rows: list[SparseRow] = []
        rhs: list[int] = []
        names: list[str] = []
        width = scenario.num_outcome_tuples
        for setting in scenario.setting_tuples:
            start = scenario.setting_index(setting) * width
            rows.append(tuple((start + k, 1) for k in range(width)))
            rhs.append(1)
            names.append("norm[" + _digits(setting) + "]")
        for party in range(scenario.num_parties):
            other_outcomes = list(product(*(range(d) for i, d in enumerate(scenario.outcomes)
                                            if i != party)))
            for setting in scenario.setting_tuples:
                if setting[party] == 0:
                    continue
                reference = setting[:party] + (0,) + setting[party + 1:]
                for rest in other_outcomes:
                    row: dict[int, int] = {}
                    for own in range(scenario.outcomes[party]):
                        outcome = rest[:party] + (own,) + rest[party:]
                        row[scenario.index(setting, outcome)] = 1
                        column = scenario.index(reference, outcome)
                        row[column] = row.get(column, 0) - 1
                    rows.append(tuple(sorted((c, v) for c, v in row.items() if v)))
                    rhs.append(0)
                    names.append(f"ns[party {party + 1}, u={_digits(setting)}, "
                                 f"x_-{party + 1}={_digits(rest)}]")
        return cls(scenario, tuple(rows), tuple(rhs), tuple(names), scenario.num_setting_tuples)

    def residuals(self, box) -> list[Fraction]:
        """Exact ``row . P - rhs`` for every row."""
        return [sum((Fraction(box[c]) * v for c, v in row), Fraction(0)) - b
                for row, b in zip(self.rows, self.right_hand_sides)]

    def contains(self, box) -> bool:
        """True when ``box`` (exact entries) is a no-signalling box."""
        if len(box) != self.scenario.num_probabilities:
            return False
        if any(Fraction(p) < 0 for p in box):
            return False
        return all(r == 0 for r in self.residuals(box))

    @cached_property
    def independent_rows(self) -> tuple[int, ...]:
        """Greedy basis of the row space: each row kept iff independent of the
        rows kept before it, in row order (exact, over the rationals)."""
        from certify.lp.linear_algebra import greedy_independent_rows
        return greedy_independent_rows(self.rows, self.scenario.num_probabilities)

    @property
    def rank(self) -> int:
        return len(self.independent_rows)

    @property
    def dimension(self) -> int:
        """Dimension of the polytope (it contains the uniform box, which is
        strictly positive, so it equals the dimension of the affine hull)."""
        return self.scenario.num_probabilities - self.rank


@lru_cache(maxsize=8)
def _build(cls, scenario: Scenario) -> NoSignallingSystem:
    return cls._build_rows(scenario)


def _digits(values) -> str:
    return "".join(map(str, values))
