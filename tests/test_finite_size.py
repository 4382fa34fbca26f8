"""Tests for certify.params.finite_size: the proof chain of Theorems 20 and 27 with explicit constants."""

from fractions import Fraction

import mpmath
import pytest

from certify.errors import InputError
from certify.params.finite_size import (UnionBoundTwoSourceExtractor, n_for_gamma_below_one, needed_n0,
                                 paper_gamma_model, paper_n0, smallest_rounds, theorem20_chain,
                                 theorem20_optimised, theorem27_chain, theorem27_smallest)
from certify.params.theorems import paper_delta_max


def _inside(entry, value, relative=mpmath.mpf(10) ** -8):
    lower, upper = mpmath.mpf(entry["lower"]), mpmath.mpf(entry["upper"])
    return lower * (1 - relative) <= value <= upper * (1 + relative)


def test_n0_floor_versus_what_the_proof_needs():
    assert paper_n0(Fraction(1, 10)) == needed_n0(Fraction(1, 10)) == 10000
    # 1/delta^4 = 2401/16 = 150.06...: the printed floor gives 150, where delta_Az > delta
    delta = Fraction(2, 7)
    assert paper_n0(delta) == 150 and needed_n0(delta) == 151
    assert 150 * delta ** 4 < 1          # 150^(-1/4) > 2/7
    assert 151 * delta ** 4 >= 1
    with pytest.raises(InputError):
        paper_n0(0)


@pytest.mark.parametrize("eps", [Fraction(0), Fraction(1, 10), Fraction(1, 4)])
def test_n_for_gamma_below_one_is_exact(eps):
    delta = paper_delta_max(eps) / 2
    n = n_for_gamma_below_one(eps, delta)
    room = (Fraction(1, 2) - eps) ** 8 - delta
    assert n * room ** 4 > 1 >= (n - 1) * room ** 4
    assert n_for_gamma_below_one(eps, (Fraction(1, 2) - eps) ** 8) is None


def test_chain_matches_an_independent_high_precision_computation():
    eps, delta, n, m = Fraction(1, 10), Fraction(64, 390625), 10 ** 14, 1
    chain = theorem20_chain(eps, delta, n, m)
    assert chain["applies"]
    mpmath.mp.dps = 40
    d_az = mpmath.mpf(n) ** mpmath.mpf(-0.25)
    eps_az = 2 * mpmath.exp(-d_az ** 2 * n / 4)
    total = mpmath.mpf(64) / 390625 + d_az
    mu = 1 - mpmath.sqrt(total)
    gamma = (1 + 2 * mpmath.sqrt(total) / mpmath.mpf("0.4") ** 4) / 3
    delta_1 = gamma ** (mu * n) + 2 * eps_az
    eta = mpmath.sqrt(delta_1)
    assert _inside(chain["delta_az"], d_az)
    assert _inside(chain["epsilon_az"], eps_az)
    assert _inside(chain["epsilon_az_lemma7"], 2 * mpmath.exp(-d_az ** 2 * n / 2))
    assert _inside(chain["mu"], mu) and _inside(chain["gamma"], gamma)
    assert _inside(chain["delta_1"], delta_1) and _inside(chain["eta"], eta)
    k1 = int(mpmath.floor(mpmath.log(1 / delta_1, 2) / 4))
    assert chain["min_entropy_x"]["used_integer"] == k1
    k2 = int(mpmath.floor(n * mpmath.log(1 / mpmath.mpf("0.6"), 2)))
    assert chain["min_entropy_t"]["used_integer"] == k2
    # extractor: 2 e with 2 K1 K2 e^2 log2(e) = K1(l1-k1+log2 e) + K2(l2-k2+log2 e) + 2^m + 1
    log2e = 1 / mpmath.log(2)
    numerator = (mpmath.mpf(2) ** k1 * (4 * n - k1 + log2e) + mpmath.mpf(2) ** k2 * (n - k2 + log2e)
                 + 2 ** m + 1)
    error = 2 * mpmath.sqrt(numerator / (2 * mpmath.mpf(2) ** (k1 + k2) * log2e))
    assert _inside(chain["extractor_error_l1"], error)
    bound = 2 ** m * max(2 * eta, error + 2 * mpmath.sqrt(eta))
    assert _inside(chain["bound"], bound)


def test_chain_does_not_apply_when_gamma_is_not_below_one():
    eps = Fraction(1, 10)
    delta = paper_delta_max(eps) / 2
    n = n_for_gamma_below_one(eps, delta)
    assert not theorem20_chain(eps, delta, n - 1)["applies"]
    assert theorem20_chain(eps, delta, n + 10)["applies"]
    # eq. (111) is stricter than what the chain needs: at delta = delta_max (gamma = 1 in
    # (111)) the chain still applies for large n, because gamma is evaluated at
    # delta + delta_Az < 2 delta; it stops only at delta = (1/2 - eps)^8
    assert theorem20_chain(eps, paper_delta_max(eps), 10 ** 30)["applies"]
    assert not theorem20_chain(eps, 2 * paper_delta_max(eps), 10 ** 60)["applies"]


def test_union_bound_extractor_condition_holds_at_the_returned_error():
    extractor = UnionBoundTwoSourceExtractor()
    for k1, l1, k2, l2, m in [(10, 40, 12, 20, 1), (30, 100, 40, 50, 3), (1, 4, 1, 1, 1)]:
        interval = extractor.l1_error(k1, l1, k2, l2, m)
        upper = mpmath.mpf(interval.b)
        if upper >= 2:
            continue
        e = upper / 2 * (1 + mpmath.mpf(10) ** -20)
        lhs = 2 * 2 ** k1 * 2 ** k2 * e ** 2 / mpmath.log(2)
        rhs = 2 ** k1 * (l1 - k1 + 1 / mpmath.log(2)) + 2 ** k2 * (l2 - k2 + 1 / mpmath.log(2)) + 2 ** m + 1
        assert lhs >= rhs
    assert extractor.l1_error(0, 4, 5, 5, 1) == 2


@pytest.mark.slow
def test_smallest_rounds_paper_choice_eps_zero():
    eps, delta, target = Fraction(0), Fraction(1, 1024), Fraction(1, 10 ** 6)
    found = smallest_rounds(lambda n: theorem20_chain(eps, delta, n), target)
    assert found["found"] and not found["holds_at_rounds_minus_one"]
    n = found["rounds"]
    assert theorem20_chain(eps, delta, n)["bound_upper"] <= mpmath.mpf(10) ** -6
    optimised = smallest_rounds(lambda k: theorem20_optimised(eps, delta, k), target)
    assert optimised["found"] and optimised["rounds"] < n
    # more output bits cost more rounds (the |S| = 2^m factor of Prop. 16)
    more = smallest_rounds(lambda k: theorem20_chain(eps, delta, k, 20), target)
    assert more["rounds"] >= n


def test_theorem27_de_finetti_term_and_xi_condition():
    eps, delta = Fraction(1, 10), Fraction(64, 390625)
    n = n_for_gamma_below_one(eps, delta) + 10 ** 9
    chain = theorem27_chain(eps, delta, n, n)
    mpmath.mp.dps = 30
    expected = mpmath.sqrt(8 * mpmath.log(2) * n) * mpmath.mpf(2) ** (n * mpmath.log(mpmath.mpf("0.6"), 2) / 2)
    assert _inside(chain["de_finetti_squared"], expected)
    assert chain["xi_at_least_2_eps_deF"] and chain["applies"] and not chain["extractor_term_included"]
    assert not theorem27_chain(eps, delta, n, 1)["applies"]     # N = 2: eps_deF far too large
    result = theorem27_smallest(eps, delta, "1e-6")
    assert result["found"] and result["paper_choice_sufficient"]


@pytest.mark.parametrize("bad", [0, -5, 1.5, "10"])
def test_bad_rounds(bad):
    with pytest.raises(InputError, match="rounds"):
        theorem20_chain(Fraction(1, 10), Fraction(1, 10 ** 5), bad)


@pytest.mark.parametrize("bad", ["-1", "0", "x"])
def test_bad_target(bad):
    with pytest.raises(InputError):
        smallest_rounds(lambda n: theorem20_chain(0, Fraction(1, 1024), n), bad)


def test_paper_gamma_model_limit():
    model = paper_gamma_model(Fraction(1, 4))
    assert model.tau_limit == Fraction(1, 256)
    assert model.gamma_float(float(model.tau_limit)) == pytest.approx(1)
