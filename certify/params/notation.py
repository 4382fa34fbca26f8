"""Exact numbers written for people: mathematical notation with a decimal copy beside it.

The parameter report holds exact values as strings: rationals (``"128/390625"``)
and, for the noise tolerance and gamma, algebraic numbers as sympy writes them
(``"-1170595**(1/4)*3**(3/4)/150 + 1/2"``). :func:`math_text` rewrites such a
string in mathematical notation (radicals grouped under one root, the
rational part first, a true minus sign) and :func:`with_decimal` adds the
decimal copy, marked with ``≈`` unless the decimal is exact.

>>> math_text("-1170595**(1/4)*3**(3/4)/150 + 1/2")
'1/2 − (3^3 · 1170595)^(1/4)/150'
>>> with_decimal("-1170595**(1/4)*3**(3/4)/150 + 1/2")
'1/2 − (3^3 · 1170595)^(1/4)/150 ≈ 1.366e-4'
>>> with_decimal("1/3 + sqrt(2)/3"), with_decimal("1/4"), with_decimal("128/390625")
('1/3 + √2/3 ≈ 0.8047', '1/4 = 0.25', '128/390625 ≈ 3.277e-4')
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

from certify.numbers import decimal_text

__all__ = ["math_text", "with_decimal", "integer_text"]

MINUS = "−"
LONG = 40
"""Longest exact rational written out in full beside its decimal."""


def _sympy(value):
    import sympy

    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, int):
        return sympy.Integer(value)
    return sympy.sympify(str(value), rational=True)


def _radical(factors) -> str | None:
    """``prod base^exponent`` (integer bases, rational exponents) as one root, or None."""
    import sympy

    powers = []
    for factor in factors:
        base, exponent = factor.as_base_exp()
        if not (base.is_Integer and base > 0 and exponent.is_Rational):
            return None
        powers.append((int(base), Fraction(int(exponent.p), int(exponent.q))))
    degree = lcm(*(exponent.denominator for _, exponent in powers))
    inner = []
    for base, exponent in sorted(powers):
        power = int(exponent * degree)
        if power < 0:
            return None
        inner.append(str(base) if power == 1 else f"{base}^{power}")
    body = " · ".join(inner)
    if degree == 1:
        return body
    simple = len(inner) == 1 and "^" not in body
    if degree == 2:
        return f"√{body}" if simple else f"√({body})"
    return f"{body}^(1/{degree})" if simple else f"({body})^(1/{degree})"


def _term(term) -> tuple[int, str] | None:
    """``(sign, text)`` of one summand ``c * radical``, or None if it is not of that form."""
    import sympy

    coefficient, rest = term.as_coeff_Mul()
    if not coefficient.is_Rational:
        return None
    coefficient = Fraction(int(coefficient.p), int(coefficient.q))
    sign, magnitude = (-1 if coefficient < 0 else 1), abs(coefficient)
    if rest == 1:
        return sign, str(magnitude)
    radical = _radical(sympy.Mul.make_args(rest))
    if radical is None:
        return None
    numerator = radical if magnitude.numerator == 1 else f"{magnitude.numerator}·{radical}"
    return sign, numerator if magnitude.denominator == 1 else f"{numerator}/{magnitude.denominator}"


def math_text(value) -> str:
    """An exact number (Fraction, int or sympy-style string) in mathematical notation.

    Sums of rational multiples of radicals of integers are rewritten (rational
    part first); anything else is returned as sympy prints it.

    >>> math_text("sqrt(2)/6 + 1/3"), math_text("2*sqrt(2)"), math_text(Fraction(-3, 4)), math_text("254**(1/4)")
    ('1/3 + √2/6', '2·√2', '−3/4', '254^(1/4)')
    """
    import sympy

    expression = _sympy(value)
    terms = sorted(sympy.Add.make_args(expression), key=lambda t: (not t.is_Rational,))
    parts = [_term(term) for term in terms]
    if any(part is None for part in parts):
        return str(expression)
    text = ""
    for index, (sign, body) in enumerate(parts):
        if index == 0:
            text = (MINUS if sign < 0 else "") + body
        else:
            text += f" {MINUS if sign < 0 else '+'} {body}"
    return text


def with_decimal(value, significant: int = 4) -> str:
    """:func:`math_text` of ``value`` with its decimal copy: ``= d`` when exact, else ``≈ d``.

    A rational longer than :data:`LONG` characters is shown by its decimal
    alone (``1e-400``, or ``≈ 3.3e-401``); the exact value stays in the JSON.
    """
    import sympy

    expression = _sympy(value)
    text = math_text(expression)
    if expression.is_Rational:
        exact = Fraction(int(expression.p), int(expression.q))
        decimal = decimal_text(exact, significant)
        if exact.denominator == 1 and len(text) <= LONG:
            return text
        relation = "=" if _decimal_value(decimal) == exact else "≈"
        return f"{text} {relation} {decimal}" if len(text) <= LONG else \
            (decimal if relation == "=" else f"≈ {decimal}")
    approximate = Fraction(str(sympy.N(expression, 40)))
    return f"{text} ≈ {decimal_text(approximate, significant)}"


def _decimal_value(decimal: str) -> Fraction:
    """The exact value of a string written by :func:`~certify.numbers.decimal_text`."""
    mantissa, _, exponent = decimal.partition("e")
    return Fraction(mantissa) * Fraction(10) ** int(exponent or 0)


def integer_text(value: int) -> str:
    """A (large) integer with thousands separators and, from a million on, its size.

    >>> integer_text(388110), integer_text(1387778780781445)
    ('388,110', '1,387,778,780,781,445 ≈ 1.388e15')
    """
    text = f"{value:,}"
    return text if abs(value) < 10 ** 6 else f"{text} ≈ {decimal_text(value)}"
