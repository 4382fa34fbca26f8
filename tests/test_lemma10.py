"""Tests for certify.params.lemma10: SV weights (eq. (39)), eq. (40), eq. (38), certified bound."""

import random
from fractions import Fraction
from itertools import product
from pathlib import Path

import pytest

from certify.errors import InputError
from certify.params.lemma10 import (bell_sum_bound, certified_output_bound, check_epsilon,
                                    check_protocol_delta, paper_output_bound, prove_lemma10_chain,
                                    sv_weight_bounds)

CERTIFICATES = Path(__file__).resolve().parent.parent / "certificates"
EPSILONS = [Fraction(0), Fraction(1, 10), Fraction(1, 4), Fraction(49, 100), Fraction(999, 2000)]


@pytest.mark.parametrize("bad", ["1/2", "0.5", "3/4", "-1/10", "x"])
def test_epsilon_outside_range_is_refused(bad):
    with pytest.raises(InputError, match="epsilon"):
        check_epsilon(bad)


def test_negative_delta_is_refused():
    with pytest.raises(InputError, match="delta"):
        check_protocol_delta("-1/1000")


@pytest.mark.parametrize("eps", EPSILONS)
def test_sv_weight_bounds_are_extremes_of_four_factors(eps):
    # every nu(u) is a product of four conditional probabilities in [1/2-eps, 1/2+eps];
    # a product of non-negative factors is monotone in each, so the extremes are the
    # products of endpoint choices: enumerate them all
    values = [a * b * c * d for a, b, c, d in product([Fraction(1, 2) - eps, Fraction(1, 2) + eps], repeat=4)]
    assert sv_weight_bounds(eps) == (min(values), max(values))


def _random_sv_distribution(eps, rng):
    """nu(u) with random conditional probabilities p(u_i = 0 | u_<i) in [1/2-eps, 1/2+eps]."""
    conditional = {}
    nu = []
    for u in product((0, 1), repeat=4):
        weight = Fraction(1)
        for i in range(4):
            prefix = u[:i]
            if prefix not in conditional:
                conditional[prefix] = Fraction(1, 2) - eps + 2 * eps * Fraction(rng.randrange(0, 101), 100)
            p0 = conditional[prefix]
            weight *= p0 if u[i] == 0 else 1 - p0
        nu.append(weight)
    return nu


@pytest.mark.parametrize("eps", [Fraction(0), Fraction(1, 10), Fraction(1, 4)])
def test_eq40_on_noisy_quantum_boxes_and_random_sv_sources(eps):
    from certify.lp.expression import paper_bell_expression
    from certify.simulation.quantum_box import white_noise_box
    rng = random.Random(4)
    bell = paper_bell_expression()
    for visibility in (Fraction(1), Fraction(9, 10), Fraction(0)):
        box = [Fraction(str(p)) for p in white_noise_box(visibility)]
        bell_sum = bell.value(box)
        for _ in range(20):
            nu = _random_sv_distribution(eps, rng)
            assert sum(nu) == 1
            weighted = sum(nu[j // 16] * c * box[j] for j, c in bell.coefficients.items())
            # B^SV <= delta with delta := weighted must give B.P <= delta/(1/2-eps)^4
            assert bell_sum <= bell_sum_bound(weighted, eps)


def test_paper_output_bound_is_eq38():
    # eps = 0: (1/2)^4 = 1/16, so the bound is (1 + 32 delta)/3
    assert paper_output_bound(Fraction(1, 100), 0) == (1 + Fraction(32, 100)) / 3
    # eps = 1/4: (1/4)^4 = 1/256
    assert paper_output_bound(Fraction(1, 1000), Fraction(1, 4)) == (1 + Fraction(512, 1000)) / 3
    assert paper_output_bound(0, Fraction(49, 100)) == Fraction(1, 3)


def test_chain_proof_holds():
    result = prove_lemma10_chain()
    assert result["holds"] and all(result["steps"].values())


@pytest.mark.slow
@pytest.mark.skipif(not (CERTIFICATES / "lemma11").is_dir(), reason="no certificates in this checkout")
def test_certified_bound_dominates_witnesses_and_is_below_paper():
    from certify.lp.expression import paper_bell_expression
    from certify.builder.store import load_value_functions
    functions = load_value_functions(CERTIFICATES)
    bell = paper_bell_expression()
    for eps in (Fraction(0), Fraction(1, 10)):
        delta = Fraction(1, 1000)
        bound, pair = certified_output_bound(delta, eps, functions)
        assert bound <= paper_output_bound(delta, eps)
        # every witness box with B.P <= delta/(1/2-eps)^4 respects the bound at its target
        limit = bell_sum_bound(delta, eps)
        for key in sorted(functions)[:32]:
            function = functions[key]
            box = function.witness_at(limit)
            assert bell.value(box) <= limit
            assert box[function.target] <= bound
    with pytest.raises(InputError):
        certified_output_bound(Fraction(1, 10), 0, {})
