"""faacets' YAML subset: documented index order (party 1 least significant), the three
representations, rational coefficients, and clear errors."""

from fractions import Fraction

import pytest

from certify.errors import InputError
from certify.formats.native import CORRELATORS, COLLINS_GISIN, to_representation
from certify.formats.library import resolve_expression
from certify.formats.faacets import parse_faacets


def _yaml(scenario: str, representation: str, coefficients: str, orientation: str = "upper: {}") -> str:
    return (f"type: BellExpression\nscenario: '{scenario}'\nrepresentation: {representation}\n"
            f"coefficients: {coefficients}\n{orientation}\n")


def test_documented_probability_order_is_party_one_least_significant():
    # faacets' documentation: increment Alice's outcome, then Alice's setting, then Bob's outcome,
    # then Bob's setting. Coefficient k is therefore alpha(a, b | x, y) with k = a + 2x + 4b + 8y.
    values = list(range(16))
    expression = parse_faacets(_yaml("[(2 2) (2 2)]", "Signaling Probabilities", str(values)), "t.yaml", "t")
    for a in range(2):
        for x in range(2):
            for b in range(2):
                for y in range(2):
                    key = f"{x}{y}|{a}{b}"
                    assert expression.coefficient_at(key) == a + 2 * x + 4 * b + 8 * y, key


def test_documented_collins_gisin_order():
    # faacets' documentation lists gamma, A(1|1), A(1|2), B(1|1), AB(11|11), AB(11|21), B(1|2), AB(11|12),
    # AB(11|22): Alice's index runs fastest. A lone coefficient on A(1|2) (position 2) must land on
    # Alice's marginal at her setting 1 (certify's 0-based), not on Bob's.
    values = [0] * 9
    values[2] = 1
    expression = parse_faacets(_yaml("[(2 2) (2 2)]", "Non-signaling Collins-Gisin", str(values)), "t.yaml", "t")
    cg = to_representation(expression, COLLINS_GISIN)  # certify's order: party 1 most significant
    assert cg == [0, 0, 0, 0, 0, 0, 1, 0, 0]


def test_chsh_in_correlators_with_a_rational_denominator_is_the_library_chsh_up_to_scale():
    text = ("type: BellExpression\nscenario: '[(2 2) (2 2)]'\nrepresentation: Non-signaling Correlators\n"
            "coefficients:\n  numerator: [0, 0, 0,\n     0, 1, 1, 0, 1, -1]\n  denominator: 4\nupper:\n"
            "  bounds:\n    local: 1/2\nsources:\n  upper.bounds.local: ['doi:10.1103/PhysRevLett.23.880']\n")
    expression = parse_faacets(text, "chsh.yaml", "chsh")
    assert expression.direction == "maximise"
    quarter = Fraction(1, 4)
    assert to_representation(expression, CORRELATORS) == [0, 0, 0, 0, quarter, quarter, 0, quarter, -quarter]


def test_resolve_expression_reads_yaml_files(tmp_path):
    path = tmp_path / "ch.yaml"
    path.write_text(_yaml("[(2 2) (2 2)]", "Non-signaling Collins-Gisin", "[0, -1, 0, -1, 1, 1, 0, 1, -1]",
                          "lower: {}"))
    expression = resolve_expression(str(path))
    assert expression.name == "ch" and expression.direction == "minimise"


@pytest.mark.parametrize("text, message", [
    (_yaml("[(2 2) (2 2)]", "Non-signaling Collins-Gisin", "[0, 1]"), "expected 9 values"),
    (_yaml("[(2 2) (2 2)]", "Local Polytope", "[0]"), "representation: expected one of"),
    (_yaml("[(2 2) (2 2)]", "Non-signaling Collins-Gisin", "[0, 1.5, 0, 0, 0, 0, 0, 0, 0]"), "must be integers"),
    (_yaml("[(2 2) (2 3)]", "Non-signaling Collins-Gisin", "[0]"), "party 2 has outcome counts"),
    (_yaml("[(2 2) (2 2)]", "Non-signaling Collins-Gisin", "[0, 0, 0, 0, 0, 0, 0, 0, 0]", ""), "no direction"),
    ("type: BellExpression\nscenario: '[(2 2)]'\n", "missing key 'representation'"),
    ("type: BellExpression\ntype: BellExpression\n", "duplicate key 'type'"),
    ("- a\n- b\n", "expected 'key: value'"),
])
def test_bad_files_give_clear_errors(text, message):
    with pytest.raises(InputError, match=message) as error:
        parse_faacets(text, "bad.yaml", "bad")
    assert "bad.yaml" in str(error.value)
