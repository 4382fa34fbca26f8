"""The package's one exact-number parser (certify.numbers): what options and files accept."""

from fractions import Fraction

import pytest

from certify.errors import InputError
from certify.numbers import MAX_EXPONENT, format_exact, parse_exact


@pytest.mark.parametrize("text, expected", [
    ("1/10", Fraction(1, 10)), ("0.1", Fraction(1, 10)), ("1e-1", Fraction(1, 10)), ("1E-1", Fraction(1, 10)),
    ("3", Fraction(3)), ("-3/6", Fraction(-1, 2)), ("0", Fraction(0)), ("-0", Fraction(0)),
    ("2.50", Fraction(5, 2)), ("1e-6", Fraction(1, 10 ** 6)), ("2.5e3", Fraction(2500)), ("7e+2", Fraction(700)),
    ("007", Fraction(7)), (Fraction(2, 3), Fraction(2, 3)), (5, Fraction(5)),
])
def test_options_read_exactly(text, expected):
    # Decimals and exponents are read as exact decimals, never through a binary float.
    assert parse_exact(text, "--x") == expected


@pytest.mark.parametrize("bad", [
    " 1/10", "1/10 ", "1 /2", "+1", "1_000", "1/0", "", "1/2/3", "0x10", "nan", "inf", "1.", ".5",
    "1/2e3", "1e", f"1e{MAX_EXPONENT + 1}", "9" * 9000, 0.1, True, None, [1],
])
def test_options_refuse_everything_else_naming_the_option(bad):
    with pytest.raises(InputError, match="--x"):
        parse_exact(bad, "--x")


@pytest.mark.parametrize("text", ["-3/4", "7", "0", "-1", "1/2"])
def test_files_accept_canonical_strings(text):
    assert str(parse_exact(text, "$.a", canonical=True)) == text


@pytest.mark.parametrize("bad", ["2/4", "1/1", "-0", "0.5", "1e3", "+1", " 1", "1/-2", "007", "0/3", 3.0])
def test_files_refuse_non_canonical_strings(bad):
    with pytest.raises(InputError, match=r"\$\.a"):
        parse_exact(bad, "$.a", canonical=True)


def test_format_round_trips_and_refuses_floats():
    for value in (Fraction(-3, 4), Fraction(0), Fraction(10 ** 40, 3)):
        assert parse_exact(format_exact(value), "$", canonical=True) == value
    with pytest.raises(TypeError):
        format_exact(0.5)
