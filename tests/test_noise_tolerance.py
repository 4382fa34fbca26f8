"""Tests for certify.params.noise: worst-case SV round mean, noise suprema, abort probability."""

import random
from fractions import Fraction
from itertools import product
from math import comb

import mpmath
import pytest
import sympy

from certify.errors import InputError
from certify.params.noise import (honest_round_mean, noise_tolerance, pass_probability,
                                     worst_case_sv_bell_value)
from certify.params.theorems import paper_delta_max

SETTINGS = list(product((0, 1), repeat=4))


def _brute_force_worst(penalties, eps):
    """Max of sum nu(u) c_u over SV strategies: the maximum of a linear function is attained
    with every conditional probability at an endpoint; enumerate all 2^15 choices.
    Integer arithmetic: probabilities scaled by their common denominator D."""
    prefixes = [p for i in range(4) for p in product((0, 1), repeat=i)]
    index = {p: j for j, p in enumerate(prefixes)}
    low, high = Fraction(1, 2) - eps, Fraction(1, 2) + eps
    scale = low.denominator * high.denominator
    low_int, high_int = int(low * scale), int(high * scale)
    c_scale = 1
    for c in penalties:
        c_scale = c_scale * c.denominator // __import__("math").gcd(c_scale, c.denominator)
    costs = [int(c * c_scale) for c in penalties]
    paths = [[(index[u[:i]], u[i]) for i in range(4)] for u in SETTINGS]
    best = None
    for choice in product((low_int, high_int), repeat=len(prefixes)):
        total = 0
        for path, cost in zip(paths, costs):
            if cost:
                weight = 1
                for j, bit in path:
                    weight *= choice[j] if bit == 0 else scale - choice[j]
                total += weight * cost
        best = total if best is None or total > best else best
    return Fraction(best, scale ** 4 * c_scale)


def test_backward_induction_equals_brute_force():
    rng = random.Random(7)
    eps = Fraction(1, 10)
    penalties = [Fraction(rng.randrange(0, 20), 19) for _ in SETTINGS]
    assert worst_case_sv_bell_value(penalties, eps) == _brute_force_worst(penalties, eps)


@pytest.mark.parametrize("eps", [Fraction(0), Fraction(1, 3), Fraction(499, 1000)])
def test_backward_induction_dominates_random_sv_sources(eps):
    rng = random.Random(11)
    penalties = [Fraction(rng.randrange(0, 20), 19) for _ in SETTINGS]
    worst = worst_case_sv_bell_value(penalties, eps)
    for _ in range(200):
        p0 = {}
        total = Fraction(0)
        for u, c in zip(SETTINGS, penalties):
            weight = Fraction(1)
            for i in range(4):
                if u[:i] not in p0:
                    p0[u[:i]] = Fraction(1, 2) - eps + 2 * eps * Fraction(rng.randrange(0, 11), 10)
                weight *= p0[u[:i]] if u[i] == 0 else 1 - p0[u[:i]]
            total += weight * c
        assert total <= worst


def test_odd_settings_weight_is_half_plus_eps():
    indicator = [Fraction(sum(u) % 2) for u in SETTINGS]
    for eps in (Fraction(0), Fraction(1, 10), Fraction(49, 100)):
        assert worst_case_sv_bell_value(indicator, eps) == Fraction(1, 2) + eps


@pytest.mark.slow
@pytest.mark.parametrize("eps", [Fraction(0), Fraction(1, 10), Fraction(1, 4)])
def test_noise_suprema_closed_forms(eps):
    delta_max = paper_delta_max(eps)
    result = noise_tolerance(eps, delta_max)
    white = Fraction(result["white_noise"]["supremum"])
    # worst mean (1/2+eps) * B.P/8 with B.P = 4 (1 - V) = 4 x
    assert white == 2 * delta_max / (Fraction(1, 2) + eps)
    assert honest_round_mean(eps, "white_noise", white) == delta_max
    assert honest_round_mean(eps, "white_noise", white * Fraction(999, 1000)) < delta_max
    flip = sympy.sympify(result["bit_flip"]["supremum"])
    r = sympy.Rational(2 * delta_max / (Fraction(1, 2) + eps))
    expected = (1 - (1 - r) ** sympy.Rational(1, 4)) / 2
    assert abs(sympy.N(flip - expected, 50)) < sympy.Float(10) ** -45
    # rational points just inside / outside
    low = Fraction(str(sympy.N(expected * (1 - sympy.Rational(1, 10 ** 6)), 30)))
    high = Fraction(str(sympy.N(expected * (1 + sympy.Rational(1, 10 ** 6)), 30)))
    assert honest_round_mean(eps, "bit_flip", low) < delta_max < honest_round_mean(eps, "bit_flip", high)


@pytest.mark.slow
def test_white_noise_bell_sum_cross_check():
    # uniform box has Bell sum 8 * 1/2 = 4, the quantum box 0: B.P = 4 (1 - V)
    result = noise_tolerance(Fraction(0), paper_delta_max(0))
    assert result["white_noise"]["supremum"] == "1/128"
    assert result["white_noise"]["bell_sum_at_supremum"] == str(4 * Fraction(1, 128))


def test_no_limit_means_everything_is_admissible():
    result = noise_tolerance(Fraction(1, 10), None)
    assert result["white_noise"]["supremum"] == "1" and result["bit_flip"]["supremum"] == "1/2"


def test_abort_probability_exact_small_n():
    eps, delta, n, noise = Fraction(0), Fraction(1, 20), 60, Fraction(1, 50)
    q = Fraction(1, 2) * noise / 2          # (1/2 + eps) * x / 2
    limit = n // 20
    expected = sum(comb(n, k) * q ** k * (1 - q) ** (n - k) for k in range(limit + 1, n + 1))
    result = pass_probability(eps, delta, n, "white_noise", noise)
    assert result["worst_case_round_mean"] == str(q)
    entry = result["abort_probability_exact"]
    mpmath.mp.dps = 30
    value = mpmath.mpf(expected.numerator) / expected.denominator
    assert mpmath.mpf(entry["lower"]) * (1 - 1e-10) <= value <= mpmath.mpf(entry["upper"]) * (1 + 1e-10)
    lemma7 = 2 * mpmath.exp(-n * mpmath.mpf((delta - q).numerator) ** 2 / (delta - q).denominator ** 2 / 2)
    assert mpmath.mpf(result["abort_probability_lemma7"]["upper"]) == pytest.approx(float(lemma7), rel=1e-9)


def test_abort_probability_interval_agrees_with_exact():
    from certify.params.noise import _binomial_lower_tail, _binomial_upper_tail_interval
    n, q, limit = 3000, Fraction(1, 50), 150
    exact = 1 - _binomial_lower_tail(n, q, limit)
    interval = _binomial_upper_tail_interval(n, q, limit)
    value = mpmath.mpf(exact.numerator) / exact.denominator
    assert mpmath.mpf(interval.a) <= value <= mpmath.mpf(interval.b)


def test_lemma7_is_vacuous_where_the_exact_tail_is_small():
    result = pass_probability(Fraction(1, 10), Fraction(64, 390625), 10 ** 6, "white_noise", Fraction(1, 5000))
    assert mpmath.mpf(result["abort_probability_exact"]["upper"]) < 1e-20
    assert mpmath.mpf(result["abort_probability_lemma7"]["upper"]) > 1


@pytest.mark.parametrize("model,noise", [("white_noise", "3/2"), ("bit_flip", "2/3"), ("pink", "0"),
                                         ("white_noise", "-1/10"), ("bit_flip", "much")])
def test_bad_noise(model, noise):
    with pytest.raises(InputError):
        honest_round_mean(Fraction(1, 10), model, noise)


def test_bad_rounds():
    with pytest.raises(InputError, match="rounds"):
        pass_probability(Fraction(0), Fraction(1, 100), 0, "white_noise", "1/100")
