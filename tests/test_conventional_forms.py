"""The conventional figures of ``certify bounds``: the affine map from the built-ins' penalty form
to CHSH's S and Mermin's M_N is computed, not assumed, and holds on every no-signalling box."""

import itertools
import json
from fractions import Fraction

import pytest

from certify.builder.bounds import bounds_text, expression_bounds
from certify.cli.main import main
from certify.formats.conventional import affine_map, chsh_form, conventional_bounds, mermin_form
from certify.formats.library import builtin_expression, chsh_expression
from certify.formats.native import CORRELATORS, from_representation
from certify.lp.expression import BellExpression
from certify.lp.scenario import Scenario


def _deterministic_boxes(scenario: Scenario):
    """Every local deterministic box: one outcome per party and setting."""
    per_party = [list(itertools.product(range(d), repeat=m)) for m, d in zip(scenario.settings, scenario.outcomes)]
    for strategy in itertools.product(*per_party):
        box = [Fraction(0)] * scenario.num_probabilities
        for setting in scenario.setting_tuples:
            outcome = tuple(strategy[i][u] for i, u in enumerate(setting))
            box[scenario.index(setting, outcome)] = Fraction(1)
        yield box


def _pr_box():
    """The PR box: a XOR b = x AND y, uniformly: wins CHSH with certainty (B.P = 0, S = 4)."""
    scenario = Scenario.binary(2)
    box = [Fraction(0)] * scenario.num_probabilities
    for setting in scenario.setting_tuples:
        for outcome in scenario.outcome_tuples:
            if outcome[0] ^ outcome[1] == setting[0] & setting[1]:
                box[scenario.index(setting, outcome)] = Fraction(1, 2)
    return box


@pytest.mark.slow
@pytest.mark.parametrize("name,form", [("chsh", chsh_form()), ("mermin3", mermin_form(3)),
                                       ("mermin5", mermin_form(5))])
def test_affine_map_holds_on_local_vertices_and_the_pr_box(name, form):
    expression = builtin_expression(name)
    alpha, beta = affine_map(expression, form.expression)
    boxes = list(_deterministic_boxes(expression.scenario))
    if name == "chsh":
        boxes.append(_pr_box())
    for box in boxes:
        assert form.expression.value(box) == alpha + beta * expression.value(box)


def test_chsh_figures_are_the_familiar_ones():
    bounds = expression_bounds("chsh")
    found = bounds["conventional"]
    assert found["map"] == {"constant": "4", "slope": "-2"}            # S = 4 - 2 B.P
    assert (found["local_bound"], found["ns_optimum"]) == ("2", "4")
    assert found["quantum_bound"]["value"] == "2*sqrt(2)" and found["quantum_bound"]["computed_here"] is False
    assert found["quantum_bound"]["value_in_this_expression"] == "2 - sqrt(2)"
    assert bounds["penalty"] == {"sign": 1, "offset": "0"}


@pytest.mark.slow
@pytest.mark.parametrize("name,local", [("mermin3", "2"), ("mermin5", "4")])
def test_mermin_local_bound_is_two_to_the_half_n_minus_one(name, local):
    found = expression_bounds(name)["conventional"]
    parties = int(name[-1])
    assert found["local_bound"] == local == str(2 ** ((parties - 1) // 2))
    assert found["ns_optimum"] == found["quantum_bound"]["value"] == str(2 ** (parties - 1))


def test_a_rescaled_maximise_chsh_file_maps_too():
    # 3 S + 1 written as its own maximise expression: S = (T - 1)/3
    coefficients = [Fraction(1)] + [Fraction(0)] * 3 + [Fraction(3), Fraction(3), Fraction(0), Fraction(3),
                                                        Fraction(-3)]
    tripled = from_representation("tripled", Scenario.binary(2), "maximise", CORRELATORS, coefficients)
    assert affine_map(tripled, chsh_form().expression) == (Fraction(-1, 3), Fraction(1, 3))
    found = conventional_bounds(tripled, Fraction(7), Fraction(13))   # 3*2 + 1, 3*4 + 1
    assert (found["local_bound"], found["ns_optimum"]) == ("2", "4")


@pytest.mark.slow
def test_expressions_without_a_conventional_form_say_nothing():
    assert expression_bounds("paper")["conventional"] is None
    chsh = chsh_expression()
    relabelled = BellExpression("flipped", chsh.scenario,
                                {j: v for j, v in enumerate(reversed(chsh.dense())) if v}, "minimise")
    assert affine_map(relabelled, mermin_form(3).expression) is None          # another scenario
    assert "conventional form" not in bounds_text("paper", expression_bounds("paper"))


def test_bounds_text_prints_the_expression_and_the_convention(capsys):
    assert main(["bounds", "--expression", "chsh"]) == 0
    text = capsys.readouterr().out
    flat = " ".join(text.split())
    assert "B·P = 2 − 1/2·⟨A0 B0⟩ − 1/2·⟨A0 B1⟩ − 1/2·⟨A1 B0⟩ + 1/2·⟨A1 B1⟩" in text
    assert "penalty form: C = B" in text and "0 exactly at their optimum" in flat
    assert "S = 4 − 2·B·P" in flat
    assert "quantum        2√2 ≈ 2.828" in text and "known, not computed here" in flat


def test_bounds_json_keeps_its_keys(capsys):
    assert main(["bounds", "--expression", "chsh", "--json"]) == 0
    keys = set(json.loads(capsys.readouterr().out))
    assert {"expression", "direction", "scenario", "canonical_order", "local_bound", "local_strategy",
            "ns_optimum", "is_bell_inequality", "max_output_probability_at_ns_optimum",
            "pairs_attaining_max", "num_pairs_attaining_max", "pair_orbits", "method"} <= keys


@pytest.mark.slow
def test_magic_square_is_listed_per_setting():
    text = bounds_text("magic-square", expression_bounds("magic-square"))
    assert "setting 00: 1 − P(x ∈ {01, 02, 31, 32, 54, 57, 64, 67} | 00)" in text
    assert "conventional form" not in text
