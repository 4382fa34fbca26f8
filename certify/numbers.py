"""The one exact-number parser of the package (outside the trusted checker).

Two modes, one function, :func:`parse_exact`:

* **Options and values typed by a person** (the default): an integer
  (``"3"``, ``"-2"``), a fraction (``"1/10"``), a decimal (``"0.1"``) or a
  decimal with an exponent (``"1e-6"``, ``"2.5E3"``), read *exactly*: ``"0.1"``
  and ``"1e-1"`` are both 1/10, never the binary float near it. A leading
  ``-`` is allowed and ``"-0"`` is zero (range checks belong to the caller).
  Refused: spaces anywhere (``" 1/10 "``), ``+``, underscores (``"1_000"``),
  ``inf``/``nan``, a zero denominator, Python floats (already rounded) and
  booleans. Exponents are limited to ``|e| <= 1000`` and numerals to 4,300
  digits, so a hostile option cannot make the parser run for long.
* **Numbers stored in files** (``canonical=True``): exactly the canonical
  strings of ``docs/certificate-format.md``, i.e. what ``str(Fraction)``
  writes (``"-3/4"``, ``"7"``): no decimal point, no ``"-0"``, no ``"2/4"``,
  no ``"1/1"``. The trusted checker keeps its own copy of this rule.

:func:`format_exact` writes the canonical string; :func:`decimal_text` a short
decimal copy for people to read (rounded exactly from the Fraction, never via
a float, and always printed beside or labelled as a copy of the exact value).
Errors are
:class:`~certify.errors.InputError` naming ``where`` (an option such as
``--epsilon`` or a JSON path such as ``$.value_function.pieces[0].slope``).

>>> parse_exact("1/10", "--bell-value"), parse_exact("0.1", "--bell-value"), parse_exact("1e-1", "--x")
(Fraction(1, 10), Fraction(1, 10), Fraction(1, 10))
>>> parse_exact("-0", "--x"), format_exact(parse_exact("2.50", "--x"))
(Fraction(0, 1), '5/2')
>>> parse_exact(" 1/10", "--bell-value")
Traceback (most recent call last):
...
certify.errors.InputError: --bell-value: expected an exact number such as 1/10, 0.1 or 1e-6 (no spaces), got ' 1/10'
>>> parse_exact("2/4", "$.bound", canonical=True)
Traceback (most recent call last):
...
certify.errors.InputError: $.bound: expected a canonical rational string such as "-3/4" (lowest terms, as str(Fraction) writes it), got '2/4'
"""

from __future__ import annotations

import re
from fractions import Fraction

from certify.errors import InputError

__all__ = ["parse_exact", "format_exact", "decimal_text", "MAX_DIGITS", "MAX_EXPONENT"]

MAX_DIGITS = 4300
"""Digits per numeral (Python's own default int <-> str conversion limit)."""
MAX_EXPONENT = 1000
"""Largest ``|e|`` of a decimal exponent in an option."""

_TYPED = re.compile(r"(-?)([0-9]+)(?:/([0-9]+)|\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?")
_CANONICAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:/[1-9][0-9]*)?")


def _typed(text: str, where: str) -> Fraction:
    match = _TYPED.fullmatch(text)
    if match is None or len(text) > 2 * MAX_DIGITS + 8:
        raise InputError(f"{where}: expected an exact number such as 1/10, 0.1 or 1e-6 (no spaces), got {text!r}")
    sign, whole, denominator, decimals, exponent = match.groups()
    if denominator is not None and exponent is not None:
        raise InputError(f"{where}: a fraction takes no exponent, got {text!r}")
    if denominator is not None and int(denominator) == 0:
        raise InputError(f"{where}: the denominator is zero in {text!r}")
    if exponent is not None and abs(int(exponent)) > MAX_EXPONENT:
        raise InputError(f"{where}: exponent beyond +-{MAX_EXPONENT} in {text!r}")
    value = Fraction(int(whole + (decimals or "")), int(denominator) if denominator else 10 ** len(decimals or ""))
    if exponent is not None:
        value *= Fraction(10) ** int(exponent)
    return -value if sign else value


def _canonical(text: str, where: str) -> Fraction:
    if len(text) > 2 * MAX_DIGITS + 2 or not _CANONICAL.fullmatch(text) or text == "-0":
        raise InputError(f"{where}: expected a canonical rational string such as \"-3/4\" (lowest terms, "
                         f"as str(Fraction) writes it), got {text!r}")
    value = Fraction(text)
    if str(value) != text:
        raise InputError(f"{where}: expected a canonical rational string such as \"-3/4\" (lowest terms, "
                         f"as str(Fraction) writes it), got {text!r}")
    return value


def parse_exact(value, where: str, *, canonical: bool = False) -> Fraction:
    """An exact number from an option (default) or a file (``canonical=True``).

    For an option, a :class:`~fractions.Fraction` or an ``int`` is taken as it
    is and a string is read as the module docstring says; in a file
    (``canonical=True``) only a canonical string is accepted. Anything else (a
    float, a bool, None, a list) is refused.
    """
    if canonical and not isinstance(value, str):
        raise InputError(f"{where}: expected a canonical rational string such as \"-3/4\", "
                         f"got {value!r} of type {type(value).__name__}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if not isinstance(value, str):
        raise InputError(f"{where}: expected an exact number written as a string such as \"1/10\", "
                         f"got {value!r} of type {type(value).__name__}")
    return _canonical(value, where) if canonical else _typed(value, where)


def format_exact(value) -> str:
    """The canonical string of an exact number (``str(Fraction(value))``); floats are refused.

    >>> format_exact(Fraction(6, 4)), format_exact(3)
    ('3/2', '3')
    """
    if isinstance(value, float):
        raise TypeError("floats are never written as exact numbers")
    return str(value) if type(value) is Fraction else str(Fraction(value))


def _floor_log10(value: Fraction) -> int:
    """``floor(log10(value))`` for a positive Fraction, exactly."""
    exponent = len(str(value.numerator)) - len(str(value.denominator))
    while Fraction(10) ** exponent > value:
        exponent -= 1
    while Fraction(10) ** (exponent + 1) <= value:
        exponent += 1
    return exponent


def decimal_text(value, significant: int = 4, *, up: bool = False) -> str:
    """A readable decimal copy of an exact number, rounded (half to even) from the exact value.

    Positional between 0.001 and 100000, else ``mantissa e exponent``; trailing
    zeros dropped; ``up=True`` rounds away from zero instead (to show an upper
    bound as one). Only for display: decisions use the exact value.

    >>> decimal_text(Fraction(211, 625)), decimal_text(Fraction(128, 390625)), decimal_text(1387778780781445)
    ('0.3376', '3.277e-4', '1.388e15')
    >>> decimal_text(Fraction(1, 3), 2), decimal_text(0), decimal_text(-2), decimal_text(Fraction(99999, 10**6), 3)
    ('0.33', '0', '-2', '0.1')
    >>> decimal_text(Fraction(1, 3), 2, up=True)
    '0.34'
    """
    if isinstance(value, float):
        raise TypeError("decimal_text takes an exact number, not a float")
    value = Fraction(value)
    if significant < 1:
        raise ValueError(f"significant: expected at least 1 digit, got {significant}")
    if value == 0:
        return "0"
    sign, magnitude = ("-" if value < 0 else ""), abs(value)
    exponent = _floor_log10(magnitude)
    scale = exponent - significant + 1
    scaled = magnitude / Fraction(10) ** scale
    digits = -(-scaled.numerator // scaled.denominator) if up else round(scaled)  # exact; half to even
    if digits == 10 ** significant:  # rounding carried into a new digit (9.9996 -> 10.00)
        digits, exponent, scale = digits // 10, exponent + 1, scale + 1
    if -3 <= exponent < 5:
        text = format_exact(Fraction(digits) * Fraction(10) ** scale) if scale >= 0 else \
            f"{digits // 10 ** -scale}.{digits % 10 ** -scale:0{-scale}d}".rstrip("0").rstrip(".")
        return sign + text
    mantissa = str(digits)
    mantissa = (mantissa[0] + "." + mantissa[1:]).rstrip("0").rstrip(".")
    return f"{sign}{mantissa}e{exponent}"
