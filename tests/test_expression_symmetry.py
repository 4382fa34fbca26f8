"""Orbit representatives with checked symmetry maps (certify/expression-symmetry)."""

import copy
from fractions import Fraction
from pathlib import Path

import pytest

from certify.formats.strict_json import load_document
from certify.errors import ClaimNotProven, InputError
from certify.builder.expressions import symmetry_document
from certify.builder.verify import verify_bounds_document, verify_expression_document, verify_symmetry_document
from certify.formats.library import builtin_expression
from certify.lp.symmetry import relabeling_image

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mermin3_symmetry():
    expression = builtin_expression("mermin3")
    document, representatives = symmetry_document(expression)
    return expression, document, representatives


def test_every_pair_maps_from_a_representative(mermin3_symmetry):
    expression, document, representatives = mermin3_symmetry
    mapping = verify_symmetry_document(document, expression)
    assert len(mapping) == 64 and set(mapping.values()) == {expression.scenario.pair_key(r) for r in representatives}


def test_wrong_word_is_not_proven(mermin3_symmetry):
    expression, document, _ = mermin3_symmetry
    document = copy.deepcopy(document)
    entry = next(e for e in document["pairs"] if e["word"])
    entry["word"] = entry["word"][:-1]
    with pytest.raises(ClaimNotProven, match="maps"):
        verify_symmetry_document(document, expression)


def test_generator_that_breaks_the_expression_is_not_proven(mermin3_symmetry):
    expression, document, _ = mermin3_symmetry
    document = copy.deepcopy(document)
    # Flip party 1's outcomes at setting 0 only: changes the parity at 000 but not at 110.
    document["generators"][0] = {"parties": [0, 1, 2], "settings": [[0, 1]] * 3,
                                 "outcomes": [[[1, 0], [0, 1]], [[0, 1], [0, 1]], [[0, 1], [0, 1]]]}
    with pytest.raises(ClaimNotProven, match="does not map"):
        verify_symmetry_document(document, expression)


def test_malformed_generator(mermin3_symmetry):
    expression, document, _ = mermin3_symmetry
    document = copy.deepcopy(document)
    document["generators"][0]["parties"] = [0, 0, 1]
    with pytest.raises(InputError, match="permutation"):
        verify_symmetry_document(document, expression)


def test_relabeling_image_is_a_permutation():
    scenario = builtin_expression("magic-square").scenario
    structure = {"parties": [1, 0], "settings": [[2, 0, 1], [0, 1, 2]],
                 "outcomes": [[list(range(8))] * 3, [list(reversed(range(8)))] * 3]}
    assert sorted(relabeling_image(scenario, structure)) == list(range(576))


def test_committed_mermin5_folder_is_complete():
    folder = REPOSITORY / "certificates" / "expressions" / "mermin5"
    if not folder.is_dir():
        pytest.skip("mermin5 certificates not generated")
    expression = builtin_expression("mermin5")
    mapping = verify_symmetry_document(load_document(folder / "symmetry.json"), expression)
    values = {}
    for representative in sorted(set(mapping.values())):
        setting, outcome = representative.split("|")
        summary = verify_expression_document(load_document(folder / f"u{setting}-x{outcome}.json"), expression)
        values[representative] = summary["breakpoints"][0][1]
    all_values = {pair: values[rep] for pair, rep in mapping.items()}
    summary = verify_bounds_document(load_document(folder / "bounds.json"), expression, all_values)
    assert summary["max_output_probability"] == Fraction(9, 44)
    assert summary["local_bound"] == 6 and summary["ns_optimum"] == 0
