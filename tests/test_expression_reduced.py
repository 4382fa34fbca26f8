"""Symmetry-reduced exact LPs agree with the full LPs and scale to many parties."""

from fractions import Fraction

import pytest

from certify.builder.store import load_value_functions
from certify.formats.library import builtin_expression, mermin_expression, paper_family_expression
from certify.lp.program import NoSignallingLP
from certify.lp.reduced import (parity_family_targets, reduced_max_output_at_optimum, reduced_ns_optimum,
                                  reduced_value_at_optimum)


@pytest.mark.slow
def test_reduced_values_match_the_committed_lemma11_value_functions(repository):
    functions = load_value_functions(repository / "certificates")
    expression = builtin_expression("paper")
    for key in ("0000|0000", "0001|0000", "0001|0001", "0110|1011", "1111|0101"):
        target = expression.scenario.index_of_key(key)
        reduced = reduced_value_at_optimum(expression, target, check_box=True)
        assert reduced.value == functions[key].evaluate(0)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mermin3", "chsh", "paper-n3"])
def test_reduced_values_match_the_full_lp_on_every_pair(name):
    expression = builtin_expression(name)
    lp = NoSignallingLP(expression)
    for target in range(expression.scenario.num_probabilities):
        assert reduced_value_at_optimum(expression, target).value == lp.maximise_target(target, Fraction(0)).value


def test_reduced_bell_row_uses_the_offset():
    # With a positive δ the reduced value follows the full value function (paper pair 0001|0001: 1/3 + δ/3).
    expression = builtin_expression("paper")
    target = expression.scenario.index_of_key("0001|0001")
    assert reduced_value_at_optimum(expression, target, bell_value=Fraction(1, 2)).value == Fraction(1, 2)


def test_parity_family_representatives():
    assert len(parity_family_targets(paper_family_expression(6))) == 14
    assert parity_family_targets(builtin_expression("magic-square")) is None


@pytest.mark.slow
def test_six_parties():
    expression = paper_family_expression(6)
    assert reduced_ns_optimum(expression) == 0
    best, target, values = reduced_max_output_at_optimum(expression, offset=Fraction(0))
    assert best == Fraction(9, 28) and expression.scenario.pair_key(target) == "000001|100000"


def test_mermin5_max_output():
    best, _, _ = reduced_max_output_at_optimum(mermin_expression(5), offset=Fraction(0))
    assert best == Fraction(9, 44)
