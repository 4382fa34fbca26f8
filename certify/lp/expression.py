"""Bell expressions with exact rational coefficients.

A Bell expression is a linear functional ``B . P = sum_{x,u} B(x,u) P(x|u)``
on the canonical probability vector of a :class:`~certify.lp.scenario.Scenario`.
Coefficients are :class:`fractions.Fraction`; only non-zero ones are kept.

The paper's expression (eqs. (4)-(7)) is a *penalty*: with

    U0 = {0001, 0010, 0100, 1000},   U1 = {0111, 1011, 1101, 1110}   (eq. (4))

    B(x,u) = I[x1+x2+x3+x4 = 0 mod 2] I[u in U0]
           + I[x1+x2+x3+x4 = 1 mod 2] I[u in U1]                       (eq. (7))

the plain Bell sum ``B . P`` ranges over [0, 8] (one unit per setting of
U0 u U1: eight settings, not the ``|U| = 16`` of the paper's Lemma 11), the
local bound is 2 (eq. (5)) and no-signalling boxes reach 0.

>>> b = paper_bell_expression()
>>> len(b.coefficients), b.direction
(64, 'minimise')
>>> b.coefficient_at("0001|0000"), b.coefficient_at("0001|1000")
(Fraction(1, 1), Fraction(0, 1))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping

from certify.lp.scenario import Scenario

__all__ = ["BellExpression", "paper_bell_expression", "penalty_form", "PAPER_U0", "PAPER_U1"]

PAPER_U0 = ("0001", "0010", "0100", "1000")
PAPER_U1 = ("0111", "1011", "1101", "1110")


@dataclass(frozen=True)
class BellExpression:
    """A linear Bell functional with exact coefficients.

    Args:
        name: short identifier (used in file names and outputs).
        scenario: the scenario the coefficients live in.
        coefficients: canonical index -> non-zero Fraction.
        direction: ``"minimise"`` (penalty form, like the paper) or
            ``"maximise"``.
    """

    name: str
    scenario: Scenario
    coefficients: Mapping[int, Fraction] = field(repr=False)
    direction: str = "minimise"

    def __post_init__(self) -> None:
        if self.direction not in ("minimise", "maximise"):
            raise ValueError(f"direction must be 'minimise' or 'maximise', got {self.direction!r}")
        size = self.scenario.num_probabilities
        clean = {}
        for index, value in self.coefficients.items():
            if not isinstance(index, int) or not 0 <= index < size:
                raise ValueError(f"coefficient index {index!r} outside 0..{size - 1}")
            if not isinstance(value, (int, Fraction)):
                raise ValueError(f"coefficient at {index} must be exact (int or Fraction), got {value!r}")
            if value != 0:
                clean[index] = Fraction(value)
        object.__setattr__(self, "coefficients", dict(sorted(clean.items())))

    def dense(self) -> list[Fraction]:
        """All coefficients in canonical order, zeros included."""
        values = [Fraction(0)] * self.scenario.num_probabilities
        for index, value in self.coefficients.items():
            values[index] = value
        return values

    def value(self, box) -> Fraction:
        """Exact value ``B . P`` of a box given as a canonical sequence."""
        return sum((value * Fraction(box[index]) for index, value in self.coefficients.items()),
                   Fraction(0))

    def coefficient_at(self, key: str) -> Fraction:
        return self.coefficients.get(self.scenario.index_of_key(key), Fraction(0))


def paper_bell_expression() -> BellExpression:
    """The four-party penalty expression of eqs. (4)-(7) of the paper."""
    scenario = Scenario.binary(4)
    u0 = {scenario.parse_setting(s) for s in PAPER_U0}
    u1 = {scenario.parse_setting(s) for s in PAPER_U1}
    coefficients = {}
    for setting in scenario.setting_tuples:
        for outcome in scenario.outcome_tuples:
            parity = sum(outcome) % 2
            if (setting in u0 and parity == 0) or (setting in u1 and parity == 1):
                coefficients[scenario.index(setting, outcome)] = Fraction(1)
    return BellExpression("paper", scenario, coefficients, "minimise")


def penalty_form(expression: BellExpression) -> tuple[int, BellExpression]:
    """``(sign, C)`` with ``C = sign * B`` to be minimised (``sign = 1`` for a
    minimise expression, ``-1`` for a maximise one).

    The *penalty value* of a box is ``C.P - offset`` with ``offset = min C.P``
    over no-signalling boxes: >= 0 on the no-signalling polytope and 0 exactly
    at its optimum. For the paper's expression ``sign = 1`` and the offset is 0,
    so the penalty value is the plain Bell sum B.P of eq. (6).

    >>> sign, c = penalty_form(paper_bell_expression())
    >>> sign, c.direction, c.coefficient_at("0001|0000")
    (1, 'minimise', Fraction(1, 1))
    """
    sign = 1 if expression.direction == "minimise" else -1
    coefficients = {j: sign * v for j, v in expression.coefficients.items()}
    return sign, BellExpression(expression.name, expression.scenario, coefficients, "minimise")
