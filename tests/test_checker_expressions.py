"""The trusted checker on general Bell expressions (``certificates/expressions/``):
every committed file passes, each kind of tampering is caught with the right
exit class, and a folder missing a pair fails its coverage."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from certify.checker import core as checker
from certify.checker import dispatch as checker_dispatch
from certify.checker import expressions as checker_expressions
from certify.checker.audit import audit, exit_code_of

ROOT = Path(__file__).resolve().parent.parent
EXPRESSIONS = ROOT / "certificates" / "expressions"
FILES = sorted(EXPRESSIONS.glob("*/*.json"))

pytestmark = pytest.mark.skipif(not (EXPRESSIONS / "chsh" / "bounds.json").exists(),
                                reason="certificates/expressions not generated on this branch")


def _load(relative: str) -> dict:
    return json.loads((EXPRESSIONS / relative).read_text())


def _not_proven(document, match):
    with pytest.raises(checker.NotProven, match=match) as error:
        checker_dispatch.check_document(document, "tampered.json")
    assert error.value.exit_code == 1


@pytest.mark.slow
def test_every_committed_expression_file_is_accepted():
    assert len(FILES) > 900  # guards against checking an empty glob
    kinds = {checker_dispatch.check_file(str(path))[0] for path in FILES}
    assert kinds == set(checker_expressions.EXPRESSION_FORMATS)


def test_audit_of_the_expression_folders_exits_0_with_one_coverage_entry_each():
    results = audit([str(EXPRESSIONS)])
    assert exit_code_of(results) == 0, [r for r in results if r[1] != "ok"][:3]
    coverage = [path for path, _, _ in results if "coverage of the expression" in path]
    assert len(coverage) == len([p for p in EXPRESSIONS.iterdir() if p.is_dir()])


# -- NOT PROVEN: the data does not support the claim -------------------------------------

def test_lowered_piece_bound_is_not_proven():
    document = _load("chsh/u00-x00.json")
    certificate = document["value_function"]["pieces"][0]["certificate"]
    certificate["bound"] = str(Fraction(certificate["bound"]) - Fraction(1, 10**6))
    _not_proven(document, "normalisation multipliers")
    document = _load("chsh/u00-x00.json")
    piece = document["value_function"]["pieces"][0]
    piece["constant"] = str(Fraction(piece["constant"]) - Fraction(1, 10**6))
    _not_proven(document, "differs from the constant")


def test_tampered_witness_is_not_proven():
    document = _load("mermin3/u000-x000.json")
    witness = document["value_function"]["breakpoints"][0]["witness"]
    witness[0][1] = str(Fraction(witness[0][1]) + Fraction(1, 7))
    _not_proven(document, "witness")


def test_witness_above_its_penalty_value_is_not_proven():
    # The witness of breakpoint 1 (penalty 1) claimed at breakpoint 0 (penalty 0).
    document = _load("chsh/u00-x00.json")
    points = document["value_function"]["breakpoints"]
    points[0]["witness"] = points[1]["witness"]
    _not_proven(document, "witness")


def test_wrong_local_bound_is_not_proven():
    document = _load("magic-square/bounds.json")
    document["local_bound"]["value"] = str(Fraction(document["local_bound"]["value"]) - 1)
    _not_proven(document, "enumeration")
    document = _load("magic-square/bounds.json")
    document["local_bound"]["strategy"] = ["000", "000"]  # valid digits, not an optimal strategy
    _not_proven(document, "enumeration")


def test_wrong_bell_inequality_flag_and_optimum_are_not_proven():
    document = _load("chsh/bounds.json")
    document["is_bell_inequality"] = not document["is_bell_inequality"]
    _not_proven(document, "is_bell_inequality")
    document = _load("chsh/bounds.json")
    document["ns_optimum"]["witness"] = [[0, "1"], [4, "1"], [8, "1"], [12, "1"]]  # P(00|u) = 1: C.W = 2
    _not_proven(document, "witness")


def test_broken_symmetry_word_is_not_proven():
    document = _load("mermin5/symmetry.json")
    entry = next(e for e in document["pairs"] if len(e["word"]) >= 2)
    entry["word"] = entry["word"][:-1]
    _not_proven(document, "the word maps")


def test_generator_that_changes_the_expression_is_not_proven():
    document = _load("chsh/bounds.json")
    symmetry = {"format": "certify/expression-symmetry", "version": 1, "scenario": document["scenario"],
                "expression": document["expression"],
                # Flipping party 2's outcome at setting 0 only: CHSH is not invariant under it.
                "generators": [{"parties": [0, 1], "settings": [[0, 1], [0, 1]],
                                "outcomes": [[[0, 1], [0, 1]], [[1, 0], [0, 1]]]}],
                "pairs": [{"pair": checker_expressions.pair_key(j, ((2, 2), (2, 2))),
                           "representative": checker_expressions.pair_key(j, ((2, 2), (2, 2))), "word": []}
                          for j in range(16)]}
    _not_proven(symmetry, "does not map every coefficient")
    symmetry["generators"][0]["outcomes"] = [[[1, 0], [1, 0]], [[1, 0], [1, 0]]]  # flip every outcome
    checker_dispatch.check_document(symmetry, "ok.json")  # x1 + x2 parity kept: a true symmetry


def test_name_paper_must_be_eq_7():
    document = _load("paper/u0000-x0000.json")
    document["expression"]["coefficients"] = document["expression"]["coefficients"][1:]
    _not_proven(document, "the name .paper. is a built-in expression")


# -- MALFORMED: not the format ------------------------------------------------------------

@pytest.mark.parametrize("replace", [('"1/2"', "0.5"), ('"1/2"', '"2/4"'), ('"1/2"', '"+1/2"')],
                         ids=["float", "unreduced", "plus-sign"])
def test_float_or_non_canonical_rational_is_malformed(tmp_path, replace):
    text = (EXPRESSIONS / "chsh" / "u00-x00.json").read_text()
    assert replace[0] in text
    path = tmp_path / "u00-x00.json"
    path.write_text(text.replace(replace[0], replace[1], 1))
    with pytest.raises(checker.Malformed) as error:
        checker_dispatch.check_file(str(path))
    assert error.value.exit_code == 2 and str(path) in str(error.value)


@pytest.mark.parametrize("change", ["scenario", "sign", "strategy", "pair", "permutation"])
def test_out_of_range_fields_are_malformed(change):
    document = _load("mermin5/symmetry.json" if change == "permutation" else "chsh/bounds.json")
    if change == "scenario":
        document["scenario"]["outcomes"] = [2, 11]
    elif change == "sign":
        document["penalty"]["sign"] = -1  # minimise needs sign 1
    elif change == "strategy":
        document["local_bound"]["strategy"] = ["02", "00"]  # outcome 2 of a binary party
    elif change == "pair":
        document["max_output_probability_at_ns_optimum"]["pair"] = "00|0"
    else:
        document["generators"][0]["settings"][0] = [0, 0]
    with pytest.raises(checker.Malformed):
        checker_dispatch.check_document(document, "bad.json")


# -- coverage of a folder ------------------------------------------------------------------

def _audit_copy(tmp_path, name, change):
    folder = tmp_path / name
    shutil.copytree(EXPRESSIONS / name, folder)
    change(folder)
    results = audit([str(folder)], workers=1)
    return exit_code_of(results), "\n".join(detail for _, _, detail in results)


def test_removing_one_chsh_pair_fails_the_coverage(tmp_path):
    code, details = _audit_copy(tmp_path, "chsh", lambda folder: (folder / "u10-x01.json").unlink())
    assert code == 1
    assert "15 of 16 pairs proven" in details and "10|01" in details


def test_removing_a_mermin5_representative_fails_its_orbit(tmp_path):
    code, details = _audit_copy(tmp_path, "mermin5", lambda folder: (folder / "u00001-x00000.json").unlink())
    assert code == 1 and "of 1024 pairs proven" in details


def test_wrong_maximum_output_probability_fails_the_folder(tmp_path):
    def lower(folder):
        document = json.loads((folder / "bounds.json").read_text())
        document["max_output_probability_at_ns_optimum"]["value"] = "1/3"
        (folder / "bounds.json").write_text(json.dumps(document))

    code, details = _audit_copy(tmp_path, "chsh", lower)
    assert code == 1 and "maximum output probability 1/3" in details


def test_a_pair_document_of_another_expression_fails_the_folder(tmp_path):
    def swap(folder):
        document = json.loads((folder / "u00-x00.json").read_text())
        document["expression"]["name"] = "chsh-copy"  # still a valid document on its own
        (folder / "u00-x00.json").write_text(json.dumps(document))

    code, details = _audit_copy(tmp_path, "chsh", swap)
    assert code == 1 and "one expression" in details


def test_pair_index_and_key_are_inverse():
    shape = ((3, 3), (8, 8))
    assert [checker.pair_index(checker_expressions.pair_key(j, shape), shape, "$") for j in range(576)] == list(range(576))
    assert checker.pair_index("12|07", shape, "$") == (1 * 3 + 2) * 64 + 7


@pytest.mark.parametrize("seed", range(4))
def test_local_enumeration_agrees_with_the_builders_numpy_enumeration(seed):
    # Independent algorithm (certify.lp.local_bound: numpy table of every strategy tuple)
    # on random rational expressions in uneven scenarios, both directions.
    import random

    from certify.lp.expression import BellExpression
    from certify.lp.local_bound import local_bound
    from certify.lp.scenario import Scenario

    generator = random.Random(seed)
    shapes = [((2, 3, 1), (3, 2, 2)), ((3, 2), (2, 4)), ((2,), (3,)), ((2, 2, 2, 2), (2, 2, 2, 2))]
    settings, outcomes = shapes[seed]
    scenario = Scenario(settings, outcomes)
    coefficients = {j: Fraction(generator.randint(-9, 9), generator.randint(1, 4))
                    for j in range(scenario.num_probabilities) if generator.random() < 0.5}
    coefficients = {j: v for j, v in coefficients.items() if v}
    expression = BellExpression("random", scenario, coefficients, "minimise")
    scale = 12
    penalty = (scale, {j: int(v * scale) for j, v in coefficients.items()})
    expected = local_bound(expression)
    minimum, chosen = checker_expressions.local_minimum((settings, outcomes), penalty, expected.strategy)
    assert Fraction(minimum, scale) == Fraction(chosen, scale) == expected.value


def test_relabeling_images_agree_with_the_builder():
    from certify.lp.scenario import Scenario
    from certify.lp.symmetry import relabeling_image

    document = _load("mermin5/symmetry.json")
    shape = ((2,) * 5, (2,) * 5)
    # mermin5 keeps the parties in place; a party swap in an uneven scenario is added.
    swap = {"parties": [2, 1, 0], "settings": [[1, 0], [2, 0, 1], [0, 1]],
            "outcomes": [[[2, 0, 1], [0, 1, 2]], [[1, 0], [0, 1], [1, 0]], [[0, 2, 1], [1, 2, 0]]]}
    cases = [(shape, g) for g in document["generators"]] + [(((2, 3, 2), (3, 2, 3)), swap)]
    for k, (shape, generator) in enumerate(cases):
        image = checker_expressions.relabeling(generator, shape, f"$.generators[{k}]")
        assert list(image) == list(relabeling_image(Scenario(*shape), generator))
        assert sorted(image) == list(range(checker.size_of(shape)))


# -- a pair file proves its offset alone (format version 2) ---------------------------------

def test_a_pair_file_with_a_shifted_offset_is_rejected_alone():
    # Version 1 tied the offset to bounds.json only in a folder audit; now the file carries its proof.
    document = _load("chsh/u00-x00.json")
    document["penalty"]["offset"] = "1"
    document["ns_optimum"]["value"] = "1"
    with pytest.raises(checker.NotProven, match=r"ns_optimum\.certificate: proves C\.P >= 0, not the offset 1"):
        checker_dispatch.check_document(document, "shifted.json")


def test_a_pair_file_without_the_proof_of_its_offset_is_malformed():
    document = _load("chsh/u00-x00.json")
    del document["ns_optimum"]
    with pytest.raises(checker.Malformed, match="missing \\['ns_optimum'\\]"):
        checker_dispatch.check_document(document, "no-proof.json")
    document = _load("chsh/u00-x00.json")
    document["version"] = 1
    with pytest.raises(checker.Malformed, match="version 2 only"):
        checker_dispatch.check_document(document, "old.json")


def test_the_pair_files_offset_proof_is_the_one_in_bounds_json():
    bounds = _load("paper/bounds.json")
    for path in sorted((EXPRESSIONS / "paper").glob("u*.json"))[:8]:
        assert json.loads(path.read_text())["ns_optimum"] == bounds["ns_optimum"]


def test_a_pair_files_witness_for_the_offset_must_attain_it():
    document = _load("chsh/u00-x00.json")
    document["ns_optimum"]["witness"] = document["value_function"]["breakpoints"][-1]["witness"]
    with pytest.raises(checker.NotProven, match="C.W differs from the offset"):
        checker_dispatch.check_document(document, "witness.json")
