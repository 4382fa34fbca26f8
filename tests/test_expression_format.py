"""Expression input format: representations, converters and clear errors."""

from fractions import Fraction

import pytest

from certify.errors import InputError
from certify.formats.native import (COLLINS_GISIN, CORRELATORS, FORMAT, expression_document,
                                       from_representation, parse_expression, representation_labels,
                                       to_representation)
from certify.formats.library import LIBRARY, builtin_expression, chsh_expression, magic_square_expression
from certify.lp.no_signalling import NoSignallingSystem


def chsh_correlators(direction="maximise"):
    # CHSH = A0B0 + A0B1 + A1B0 - A1B1 over [1, A0, A1] x [1, B0, B1].
    return {"format": FORMAT, "version": 1, "name": "chsh-correlators",
            "scenario": {"parties": 2, "settings": [2, 2], "outcomes": [2, 2]},
            "direction": direction, "representation": CORRELATORS,
            "coefficients": ["0", "0", "0", "0", "1", "1", "0", "1", "-1"]}


def uniform_box(scenario):
    return [Fraction(1, scenario.num_outcome_tuples)] * scenario.num_probabilities


def pr_box(scenario):
    # P(ab|xy) = 1/2 [a xor b = xy]: no-signalling, wins CHSH always.
    box = []
    for u in scenario.setting_tuples:
        for x in scenario.outcome_tuples:
            box.append(Fraction(1, 2) if (x[0] ^ x[1]) == (u[0] & u[1]) else Fraction(0))
    return box


def test_correlator_chsh_matches_the_game_on_no_signalling_boxes():
    maximised = parse_expression(chsh_correlators())
    game = chsh_expression()
    for box in (pr_box(game.scenario), uniform_box(game.scenario)):
        # CHSH value = 4 - 2 * (probability-sum of losing) since each setting gives win - lose = 1 - 2 lose.
        assert maximised.value(box) == 4 - 2 * game.value(box)


@pytest.mark.parametrize("name", list(LIBRARY))
@pytest.mark.parametrize("representation", [COLLINS_GISIN, CORRELATORS])
def test_round_trip_through_a_no_signalling_representation(name, representation):
    expression = builtin_expression(name)
    if representation == CORRELATORS and any(d != 2 for d in expression.scenario.outcomes):
        pytest.skip("correlators need binary outcomes")
    coordinates = to_representation(expression, representation)
    back = from_representation(name, expression.scenario, "minimise", representation, coordinates)
    # Equal on the no-signalling polytope: the difference is orthogonal to its affine hull,
    # i.e. the coordinates of the difference vanish (unique representation) ...
    assert to_representation(back, representation) == coordinates
    # ... and the values agree on a no-signalling box.
    box = uniform_box(expression.scenario)
    assert back.value(box) == expression.value(box)


def test_signaling_round_trip_is_the_identity():
    expression = magic_square_expression()
    document = expression_document(expression)
    assert parse_expression(document).coefficients == expression.coefficients


def test_collins_gisin_of_the_paper_differs_from_full_form_only_off_the_polytope():
    expression = builtin_expression("paper")
    cg = to_representation(expression, COLLINS_GISIN)
    assert len(cg) == 81
    back = from_representation("paper", expression.scenario, "minimise", COLLINS_GISIN, cg)
    system = NoSignallingSystem.build(expression.scenario)
    difference = [a - b for a, b in zip(expression.dense(), back.dense())]
    assert any(difference)  # not the same vector ...
    # ... but a combination of the no-signalling rows and normalisation differences: zero on every NS box
    # (checked on a deterministic local box and the uniform box).
    local = [Fraction(0)] * 256
    for k, u in enumerate(expression.scenario.setting_tuples):
        local[k * 16 + 0] = Fraction(1)
    assert system.contains(local)
    assert back.value(local) == expression.value(local)


def test_labels():
    labels = representation_labels(builtin_expression("chsh").scenario, COLLINS_GISIN)
    assert labels == ["1", "B(0|0)", "B(0|1)", "A(0|0)", "A(0|0) B(0|0)", "A(0|0) B(0|1)",
                      "A(0|1)", "A(0|1) B(0|0)", "A(0|1) B(0|1)"]


@pytest.mark.parametrize("change,message", [
    (lambda d: d["coefficients"].pop(), "expected 9 coefficients"),
    (lambda d: d.update(representation="Signalling"), "unknown representation"),
    (lambda d: d["coefficients"].__setitem__(4, "2/2"), "lowest terms"),
    (lambda d: d["coefficients"].__setitem__(4, 1), "canonical rational"),
    (lambda d: d["coefficients"].__setitem__(4, "0.5"), "canonical rational"),
    (lambda d: d.update(direction="up"), "direction"),
    (lambda d: d.update(version=2), "version"),
    (lambda d: d.update(extra=1), "keys"),
    (lambda d: d["scenario"].update(outcomes=[3, 2]), "two outcomes"),
    (lambda d: d["scenario"].update(parties=3), "list of 3"),
])
def test_malformed_documents_name_the_problem(change, message):
    document = chsh_correlators()
    change(document)
    with pytest.raises(InputError, match=message):
        parse_expression(document)
