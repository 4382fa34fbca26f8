from fractions import Fraction

import pytest

from certify.lp.expression import PAPER_U0, PAPER_U1, paper_bell_expression
from certify.lp.scenario import Scenario


def test_canonical_order_party_one_most_significant():
    scenario = Scenario.binary(4)
    assert scenario.setting_tuples[1] == (0, 0, 0, 1)
    assert scenario.index((1, 0, 0, 0), (0, 0, 0, 0)) == 8 * 16
    assert scenario.index((0, 0, 0, 0), (1, 0, 0, 0)) == 8
    for index in range(scenario.num_probabilities):
        assert scenario.index_of_key(scenario.pair_key(index)) == index


@pytest.mark.parametrize("key", ["0001-1000", "001|1000", "0002|1000", "0001|10a0", "", "0001|1000|1"])
def test_bad_pair_keys_are_rejected(key):
    with pytest.raises(ValueError):
        Scenario.binary(4).index_of_key(key)


def test_mixed_scenario_sizes():
    scenario = Scenario((3, 2), (8, 2))  # e.g. one party with 3 settings and 8 outcomes
    assert scenario.num_probabilities == 6 * 16
    assert scenario.pair_key(scenario.index((2, 1), (7, 1))) == "21|71"


@pytest.mark.parametrize("settings,outcomes", [((), ()), ((2,), (2, 2)), ((0,), (2,)), ((11,), (2,)), ((2,), (True,))])
def test_invalid_scenarios(settings, outcomes):
    with pytest.raises(ValueError):
        Scenario(settings, outcomes)


def test_paper_expression_matches_eq_7_by_hand():
    expression = paper_bell_expression()
    scenario = expression.scenario
    for setting in scenario.setting_tuples:
        for outcome in scenario.outcome_tuples:
            text = "".join(map(str, setting))
            parity = sum(outcome) % 2
            expected = int((text in PAPER_U0 and parity == 0) or (text in PAPER_U1 and parity == 1))
            assert expression.coefficients.get(scenario.index(setting, outcome), 0) == expected
    # 8 settings, 8 losing outcomes each; the uniform box has Bell sum 8 * 1/2 = 4.
    assert len(expression.coefficients) == 64
    assert expression.value([Fraction(1, 16)] * 256) == 4
