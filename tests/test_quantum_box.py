"""Exact facts about the quantum box of eq. (8) and its noisy versions."""

from fractions import Fraction

import pytest
import sympy

from certify.lp.expression import paper_bell_expression
from certify.simulation.quantum_box import (bell_sum, bit_flip_bell_value, bit_flip_box,
                                 iid_setting_distribution, is_no_signalling, measurement_vector,
                                 paper_state, quantum_box_fractions, quantum_box_probabilities,
                                 sv_weighted_bell_value, white_noise_bell_value, white_noise_box)
from certify.lp.scenario import Scenario

SCENARIO = Scenario.binary(4)
V, P, EPS = sympy.symbols("V p epsilon")


def test_state_is_normalised_and_has_rational_probabilities():
    psi = paper_state()
    assert sympy.simplify((psi.T * psi)[0]) == 1
    box = quantum_box_probabilities()
    assert len(box) == 256
    assert all(isinstance(p, sympy.Rational) and p >= 0 for p in box)


def test_normalisation_per_setting():
    box = quantum_box_probabilities()
    for setting_index in range(16):
        assert sum(box[setting_index * 16:(setting_index + 1) * 16]) == 1


def test_no_signalling_exactly():
    assert is_no_signalling(quantum_box_probabilities())


def test_no_signalling_check_can_fail():
    # Move weight between outcomes of party 1 only under setting u1 = 1: signals to party 2..4.
    box = quantum_box_fractions()
    i = SCENARIO.index_of_key("1000|0001")
    j = SCENARIO.index_of_key("1000|0010")
    box[i], box[j] = box[i] + box[j], Fraction(0)
    assert sum(box[8 * 16:9 * 16]) == 1
    assert not is_no_signalling(box)


def test_bell_sum_reaches_the_algebraic_limit_zero():
    """Below eq. (10): the measurements on |Psi> give B.P = 0 (the stated conventions)."""
    box = quantum_box_probabilities()
    assert bell_sum(box) == 0
    assert paper_bell_expression().value(quantum_box_fractions()) == 0


def test_allowed_parity_outcomes_are_uniform_on_tested_settings():
    box = quantum_box_probabilities()
    for key in ("0001", "0010", "0100", "1000"):
        row = box[SCENARIO.setting_index(SCENARIO.parse_setting(key)) * 16:][:16]
        assert row == [sympy.Rational(1, 8) if sum(x) % 2 else 0 for x in SCENARIO.outcome_tuples]
    assert max(box) == sympy.Rational(1, 8)


def test_other_reading_with_flipped_outcome_labels_is_not_zero():
    """Outcome convention matters: labelling -1 as x_i = 0 for party 1 moves B.P off 0."""
    box = quantum_box_probabilities()
    relabelled = [box[SCENARIO.index(u, (1 - x[0],) + x[1:])] for u, x in
                  (SCENARIO.pair(k) for k in range(256))]
    assert bell_sum(relabelled) == 8


def test_measurement_vectors():
    assert list(measurement_vector(0, 0)) == [1 / sympy.sqrt(2), 1 / sympy.sqrt(2)]
    assert list(measurement_vector(0, 1)) == [1 / sympy.sqrt(2), -1 / sympy.sqrt(2)]
    with pytest.raises(ValueError):
        measurement_vector(2, 0)


def test_white_noise_bell_value_polynomial():
    assert sympy.expand(white_noise_bell_value(V) - 4 * (1 - V)) == 0
    assert white_noise_bell_value(Fraction(9999, 10000)) == sympy.Rational(4, 10000)
    assert white_noise_bell_value(0) == 4


def test_bit_flip_bell_value_polynomial():
    assert sympy.expand(bit_flip_bell_value(P) - 4 * (1 - (1 - 2 * P) ** 4)) == 0
    assert bit_flip_bell_value(Fraction(1, 2)) == 4


@pytest.mark.parametrize("make_box, parameter", [(white_noise_box, Fraction(3, 7)),
                                                 (bit_flip_box, Fraction(1, 9))])
def test_noisy_boxes_are_no_signalling(make_box, parameter):
    assert is_no_signalling(make_box(parameter))


def test_floats_rejected():
    with pytest.raises(TypeError):
        white_noise_bell_value(0.5)


def test_iid_setting_distribution_sums_to_one_and_respects_sv_bounds():
    nu = iid_setting_distribution(EPS)
    assert sympy.expand(sum(nu) - 1) == 0
    nu = iid_setting_distribution(Fraction(1, 10), favoured=(1, 0, 1, 0))
    assert max(nu) == sympy.Rational(3, 5) ** 4
    assert nu[SCENARIO.setting_index((1, 0, 1, 0))] == max(nu)


def test_sv_weighted_value_white_noise_closed_form():
    # Tested settings of U0 u U1 carry weight 1 - 16 eps^4 ... divided by 2; each has penalty (1-V)/2.
    value = sv_weighted_bell_value(white_noise_box(V), EPS)
    assert sympy.expand(value - (1 - V) * (1 - 16 * EPS ** 4) / 4) == 0
    assert sv_weighted_bell_value(white_noise_box(V), Fraction(1, 10)) == sympy.expand(
        sympy.Rational(156, 625) * (1 - V))


def test_sv_weighted_value_lemma10_sandwich():
    """Eq. (40), with |U| dropped: (1/2-eps)^4 B.P <= B_SV <= (1/2+eps)^4 B.P."""
    eps = sympy.Rational(1, 10)
    for box in (white_noise_box(Fraction(1, 3)), bit_flip_box(Fraction(1, 5))):
        plain, weighted = bell_sum(box), sv_weighted_bell_value(box, eps, favoured=(0, 1, 1, 0))
        assert (sympy.Rational(1, 2) - eps) ** 4 * plain <= weighted <= (sympy.Rational(1, 2) + eps) ** 4 * plain


def test_sv_weighted_value_with_explicit_distribution():
    uniform = {"".join(map(str, u)): Fraction(1, 16) for u in SCENARIO.setting_tuples}
    box = white_noise_box(Fraction(1, 2))
    assert sv_weighted_bell_value(box, setting_distribution=uniform) == bell_sum(box) / 16


@pytest.mark.slow
@pytest.mark.parametrize("setting", ["0000", "0101", "1111", "0111"])
def test_fast_box_equals_the_literal_born_rule(setting):
    # The box is computed in rationals; the literal route projects on the measurement vectors with radicals.
    from certify.simulation.quantum_box import born_rule_probability

    scenario = Scenario.binary(4)
    u = scenario.parse_setting(setting)
    box = quantum_box_probabilities()
    for x in scenario.outcome_tuples:
        assert born_rule_probability(u, x) == box[scenario.index(u, x)]
