"""The conventional forms of CHSH and Mermin, and the exact affine map from a penalty form to them.

The built-ins are stored as penalties (the summed probability of losing),
so ``certify bounds --expression chsh`` finds local bound 1 and
no-signalling optimum 0, where the literature writes CHSH as

    S = <A0 B0> + <A0 B1> + <A1 B0> - <A1 B1>,   local 2, quantum 2√2, no-signalling 4,

and Mermin's N-party expression (N odd) as ``M_N = Re[(A0 + i A1)^{⊗N}]``,
i.e. the sum over the settings u with an even number w of ones of
``(-1)^(w/2) <A_{u1} ... A_{uN}>`` (local ``2^((N-1)/2)``, quantum and
no-signalling ``2^(N-1)``). Correlators count outcome 0 as +1.

:func:`conventional_bounds` does not trust the names: it writes the
conventional expression down from its definition, converts both it and the
given expression to correlator coordinates (unique on the no-signalling
polytope, :func:`certify.formats.native.to_representation`) and solves
``S = alpha + beta * (B.P)`` coefficient by coefficient, exactly. Only when
such ``alpha, beta`` exist (``beta != 0``) is the conventional form
reported, and then the local and no-signalling values of S are the exact
images of the computed ones. The quantum values are known from the
literature, not computed here: Tsirelson's bound 2√2 for CHSH
(B. S. Cirel'son, Lett. Math. Phys. 4, 93 (1980)) and ``2^(N-1)`` for
Mermin's expression, reached by the GHZ state (N. D. Mermin, Phys. Rev.
Lett. 65, 1838 (1990)).

>>> from certify.formats.library import chsh_expression
>>> found = conventional_bounds(chsh_expression(), Fraction(1), Fraction(0))
>>> found["name"], found["map"], found["local_bound"], found["ns_optimum"], found["quantum_bound"]["value"]
('CHSH', {'constant': '4', 'slope': '-2'}, '2', '4', '2*sqrt(2)')
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import isqrt

from certify.formats.native import CORRELATORS, from_representation, representation_labels, to_representation
from certify.lp.expression import BellExpression
from certify.lp.scenario import Scenario
from certify.numbers import decimal_text

__all__ = ["ConventionalForm", "chsh_form", "mermin_form", "candidate_forms", "affine_map",
           "conventional_bounds"]


@dataclass(frozen=True)
class ConventionalForm:
    """A conventional Bell expression (to be maximised) and its known quantum value.

    ``quantum`` is ``(a, b, r)`` for ``a + b sqrt(r)``; ``quantum_source`` says
    where that value is known from (it is not computed here).
    """

    name: str
    symbol: str
    definition: str
    expression: BellExpression
    quantum: tuple[Fraction, Fraction, Fraction]
    quantum_source: str


def _correlator_expression(name: str, parties: int, coefficient_of) -> BellExpression:
    """A maximise expression on binary parties with two settings from its full-correlator
    coefficients ``coefficient_of(settings tuple)``."""
    scenario = Scenario.binary(parties)
    labels = representation_labels(scenario, CORRELATORS)
    values = []
    for label in labels:
        factors = label.split()
        if len(factors) != parties:  # a marginal or the constant: not in these expressions
            values.append(Fraction(0))
            continue
        values.append(Fraction(coefficient_of(tuple(int(f[2]) for f in factors))))
    return from_representation(name, scenario, "maximise", CORRELATORS, values)


def chsh_form() -> ConventionalForm:
    """CHSH: ``S = <A0 B0> + <A0 B1> + <A1 B0> - <A1 B1>``."""
    return ConventionalForm(
        "CHSH", "S", "S = ⟨A0 B0⟩ + ⟨A0 B1⟩ + ⟨A1 B0⟩ − ⟨A1 B1⟩",
        _correlator_expression("chsh-correlators", 2, lambda u: -1 if u == (1, 1) else 1),
        (Fraction(0), Fraction(2), Fraction(2)),
        "Tsirelson's bound (B. S. Cirel'son, Lett. Math. Phys. 4, 93 (1980))")


def mermin_form(parties: int) -> ConventionalForm:
    """Mermin: ``M_N = Re[(A0 + i A1)^{⊗N}]``, the settings with an even number w of ones weighted
    ``(-1)^(w/2)``."""

    def coefficient(u):
        weight = sum(u)
        return 0 if weight % 2 else (-1) ** (weight // 2)

    return ConventionalForm(
        "Mermin", f"M_{parties}", f"M_{parties} = Re[(A0 + i A1)^⊗{parties}] (settings with w ones, w even, "
                                  "weighted (−1)^(w/2))",
        _correlator_expression(f"mermin-correlators-{parties}", parties, coefficient),
        (Fraction(2) ** (parties - 1), Fraction(0), Fraction(0)),
        "reached by the GHZ state (N. D. Mermin, Phys. Rev. Lett. 65, 1838 (1990))")


def candidate_forms(scenario: Scenario) -> list[ConventionalForm]:
    """The conventional forms defined for a scenario: CHSH on two binary parties with two settings
    each, Mermin on an odd number >= 3 of such parties."""
    if scenario != Scenario.binary(scenario.num_parties):
        return []
    if scenario.num_parties == 2:
        return [chsh_form()]
    if scenario.num_parties >= 3 and scenario.num_parties % 2 == 1:
        return [mermin_form(scenario.num_parties)]
    return []


def affine_map(expression: BellExpression, conventional: BellExpression) -> tuple[Fraction, Fraction] | None:
    """``(alpha, beta)`` with ``conventional.P = alpha + beta * expression.P`` on every
    no-signalling box, or None when no such pair with ``beta != 0`` exists.

    Both are written in correlator coordinates (affine coordinates of the
    no-signalling polytope, the constant first); the non-constant parts must be
    proportional, ``beta`` is their ratio and ``alpha`` the constants' difference.
    """
    if expression.scenario != conventional.scenario:
        return None
    mine = to_representation(expression, CORRELATORS)
    theirs = to_representation(conventional, CORRELATORS)
    beta = None
    for a, b in zip(mine[1:], theirs[1:]):
        if a == 0 and b == 0:
            continue
        if a == 0 or b == 0:
            return None
        if beta is None:
            beta = b / a
        elif b != beta * a:
            return None
    if beta is None:
        return None
    return theirs[0] - beta * mine[0], beta


def _root_text(a: Fraction, b: Fraction, r: Fraction) -> str:
    """``a + b*sqrt(r)`` as sympy writes it (the project's string for algebraic numbers).

    >>> _root_text(Fraction(2), Fraction(-1), Fraction(2)), _root_text(Fraction(0), Fraction(3, 2), Fraction(2))
    ('2 - sqrt(2)', '3*sqrt(2)/2')
    """
    if b == 0 or r == 0:
        return str(a)
    size = abs(b)
    root = "sqrt(" + str(r) + ")"
    root = root if size.numerator == 1 else f"{size.numerator}*{root}"
    root = root if size.denominator == 1 else f"{root}/{size.denominator}"
    if a == 0:
        return root if b > 0 else f"-{root}"
    return f"{a} {'+' if b > 0 else '-'} {root}"


def _root_decimal(a: Fraction, b: Fraction, r: Fraction, significant: int = 4) -> str:
    """A decimal copy of ``a + b sqrt(r)``, from an integer square root at 40 digits (display only).

    >>> _root_decimal(Fraction(0), Fraction(2), Fraction(2)), _root_decimal(Fraction(2), Fraction(-1), Fraction(2))
    ('2.828', '0.5858')
    """
    scale = 10 ** 40
    root = Fraction(isqrt(r.numerator * scale * scale // r.denominator), scale)
    return decimal_text(a + b * root, significant)


def conventional_bounds(expression: BellExpression, local_value: Fraction, ns_value: Fraction) -> dict | None:
    """The conventional form of ``expression`` with its local, no-signalling and (known) quantum
    values, or None when the scenario has no conventional form or the expression is not an affine
    image of it.

    ``local_value`` and ``ns_value`` are the exact extrema of ``expression.P``
    (in its own direction) over local and no-signalling boxes.
    """
    for form in candidate_forms(expression.scenario):
        mapped = affine_map(expression, form.expression)
        if mapped is None:
            continue
        alpha, beta = mapped
        a, b, r = form.quantum
        # the expression's value at the quantum optimum: (S_q - alpha) / beta
        quantum_in_expression = ((a - alpha) / beta, b / beta, r)
        return {
            "name": form.name, "symbol": form.symbol, "definition": form.definition,
            "map": {"constant": str(alpha), "slope": str(beta)},
            "local_bound": str(alpha + beta * Fraction(local_value)),
            "ns_optimum": str(alpha + beta * Fraction(ns_value)),
            "quantum_bound": {"value": _root_text(a, b, r), "decimal": _root_decimal(a, b, r),
                              "value_in_this_expression": _root_text(*quantum_in_expression),
                              "decimal_in_this_expression": _root_decimal(*quantum_in_expression),
                              "source": form.quantum_source, "computed_here": False},
        }
    return None
