"""The trusted checker on the family certificates (``certify/expression-reduced``,
``certificates/families/``): every committed file passes and agrees with the builder,
and each kind of tampering is caught with the right exit class and JSON path."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from certify.checker import core as checker
from certify.checker import dispatch as checker_dispatch
from certify.checker import expressions as checker_expressions
from certify.checker.audit import audit, exit_code_of

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = ROOT / "certificates" / "families"


@pytest.fixture(scope="module")
def paper_n4() -> dict:
    return json.loads((FAMILIES / "paper-n4.json").read_text())


def _rejected(document, error, match):
    with pytest.raises(error, match=match) as caught:
        checker_dispatch.check_document(document, "tampered.json")
    assert caught.value.exit_code == (1 if error is checker.NotProven else 2)
    assert "tampered.json: $" in str(caught.value)


@pytest.mark.slow
def test_every_committed_family_file_is_accepted_and_agrees_with_the_builder():
    from certify.formats.library import builtin_expression
    from certify.builder.verify import verify_family_document
    from certify.formats.library import family_names

    names = family_names()
    assert sorted(p.stem for p in FAMILIES.glob("*.json")) == sorted(names)
    for name in names:
        document = json.loads((FAMILIES / f"{name}.json").read_text())
        kind, statement = checker_dispatch.check_file(str(FAMILIES / f"{name}.json"))
        assert kind == "certify/expression-reduced"
        if builtin_expression(name).scenario.num_parties > 6:
            continue  # the builder's check of the large ones is in test_family_certificates.py
        built = verify_family_document(document, builtin_expression(name))
        shape = statement["shape"]
        assert {checker_expressions.pair_key(j, shape): v for j, v in statement["values"].items()} == built
        assert statement["max_output"][0] == max(built.values())


@pytest.mark.slow
def test_audit_of_the_families_folder_exits_0():
    results = audit([str(FAMILIES)])
    assert exit_code_of(results) == 0, [r for r in results if r[1] != "ok"][:3]
    files = [r for r in results if not r[0].startswith("claim ")]
    claims = [r for r in results if r[0].startswith("claim ")]
    assert len([r for r in files if r[1] == "ok"]) == len(list(FAMILIES.glob("*.json")))
    assert len(claims) == len(list(FAMILIES.glob("*.json"))) and all(r[1] == "ok" for r in claims)


def test_check_and_show_commands(tmp_path):
    path = FAMILIES / "mermin-n5.json"
    result = subprocess.run([sys.executable, "-m", "certify", "check", str(path)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    result = subprocess.run([sys.executable, "-m", "certify", "show", str(path)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "9/44" in result.stdout and "12 representatives" in result.stdout
    broken = json.loads(path.read_text())
    broken["representatives"][0]["value"] = "1/2"
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    result = subprocess.run([sys.executable, "-m", "certify", "check", str(tmp_path / "broken.json")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "representatives[0]" in result.stdout + result.stderr


def _representative(document, pair):
    return next(rep for rep in document["representatives"] if rep["pair"] == pair)


# -- NOT PROVEN (exit 1): well formed, the claim does not follow -------------------------

def test_lowered_value_is_not_proven(paper_n4):
    document = copy.deepcopy(paper_n4)
    _representative(document, "0001|1000")["value"] = "1/4"
    _rejected(document, checker.NotProven, r"representatives\[3\]: bound 1/3")


def test_tampered_multiplier_is_not_proven(paper_n4):
    document = copy.deepcopy(paper_n4)
    rep = _representative(document, "0001|1000")
    rep["certificate"]["multipliers"][0][1] = str(Fraction(rep["certificate"]["multipliers"][0][1]) - 1)
    _rejected(document, checker.NotProven, r"representatives\[3\]\.certificate")


def test_tampered_witness_is_not_proven(paper_n4):
    document = copy.deepcopy(paper_n4)
    rep = _representative(document, "0001|1000")
    rep["witness"][-1][1] = str(Fraction(rep["witness"][-1][1]) * 2)
    _rejected(document, checker.NotProven, r"representatives\[3\]\.witness")


def test_stabiliser_element_moving_the_target_is_not_proven(paper_n4):
    document = copy.deepcopy(paper_n4)
    _representative(document, "0001|1000")["stabiliser"].append(document["symmetry"][0])  # swaps parties 1, 2
    _rejected(document, checker.NotProven, "does not fix the target 0001|1000")


def test_symmetry_generator_that_changes_the_expression_is_not_proven(paper_n4):
    document = copy.deepcopy(paper_n4)
    flip_one = copy.deepcopy(document["symmetry"][2])
    flip_one["outcomes"][1] = [[0, 1], [0, 1]]  # flips party 1 alone: changes every parity
    document["symmetry"].append(flip_one)
    _rejected(document, checker.NotProven, r"\$\.symmetry\[3\]: does not map every coefficient")


def test_missing_orbit_is_not_proven(paper_n4):
    document = copy.deepcopy(paper_n4)
    document["representatives"].pop(5)
    _rejected(document, checker.NotProven, "orbits of pairs have no representative")


def test_wrong_maximum_and_pair_are_not_proven(paper_n4):
    document = copy.deepcopy(paper_n4)
    document["max_output_probability_at_ns_optimum"]["value"] = "1/2"
    _rejected(document, checker.NotProven, "max_output_probability_at_ns_optimum")
    document = copy.deepcopy(paper_n4)
    document["max_output_probability_at_ns_optimum"]["pair"] = "0000|0000"
    _rejected(document, checker.NotProven, "max_output_probability_at_ns_optimum")


def test_wrong_local_bound_flag_and_optimum_are_not_proven(paper_n4):
    document = copy.deepcopy(paper_n4)
    document["local_bound"]["value"] = "1"
    _rejected(document, checker.NotProven, r"\$\.local_bound")
    document = copy.deepcopy(paper_n4)
    document["is_bell_inequality"] = False
    _rejected(document, checker.NotProven, r"\$\.is_bell_inequality")
    document = copy.deepcopy(paper_n4)
    document["ns_optimum"]["certificate"]["bound"] = "-1"
    _rejected(document, checker.NotProven, r"\$\.ns_optimum\.certificate")


# -- MALFORMED (exit 2): not the format, out of range, non-canonical ------------------------

def test_negative_slope_is_malformed(paper_n4):
    document = copy.deepcopy(paper_n4)
    _representative(document, "0001|1000")["slope"] = "-1"
    _rejected(document, checker.Malformed, r"representatives\[3\]\.slope")


def test_witness_entry_off_an_orbit_minimum_is_malformed(paper_n4):
    document = copy.deepcopy(paper_n4)
    rep = _representative(document, "0000|0000")  # stabiliser: all party permutations
    # Index 128 is P(0000|1000); its orbit's smallest member is 16, P(0000|0001).
    rep["witness"] = sorted(rep["witness"] + [[128, "1/7"]], key=lambda entry: entry[0])
    _rejected(document, checker.Malformed, r"representatives\[0\]\.witness: index 128 is not the smallest")


def test_two_representatives_in_one_orbit_are_malformed(paper_n4):
    # A second, valid certificate for 0001|1110 (same setting, odd parity: the orbit of 0001|1000).
    from certify.formats.library import builtin_expression
    from certify.builder.families import representative_json
    from certify.lp.reduced import reduced_certificate

    expression = builtin_expression("paper-n4")
    extra = representative_json(reduced_certificate(expression, expression.scenario.index_of_key("0001|1110")),
                                expression.scenario)
    document = copy.deepcopy(paper_n4)
    document["representatives"].insert(4, extra)  # keeps the canonical order (24 < 30 < 48)
    _rejected(document, checker.Malformed, "0001|1000 and 0001|1110 lie in one orbit of pairs")


@pytest.mark.parametrize("path, value", [
    (("representatives", 3, "value"), 0.25),
    (("representatives", 3, "value"), "2/6"),
    (("representatives", 3, "slope"), "1e3"),
    (("ns_optimum", "value"), " 0"),
])
def test_float_or_non_canonical_rational_is_malformed(paper_n4, path, value):
    document = copy.deepcopy(paper_n4)
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    _rejected(document, checker.Malformed, r"tampered\.json: \$")


@pytest.mark.parametrize("change", [
    lambda d: d["representatives"][3]["witness"].append([256, "1"]),
    lambda d: d["representatives"][3]["certificate"]["multipliers"].append([10**6, "1"]),
    lambda d: d["representatives"][3].__setitem__("pair", "0002|1000"),
    lambda d: d["symmetry"][0].__setitem__("parties", [0, 0, 2, 3]),
    lambda d: d["representatives"].reverse(),
    lambda d: d.__setitem__("is_bell_inequality", "yes"),
])
def test_out_of_range_or_out_of_order_fields_are_malformed(paper_n4, change):
    document = copy.deepcopy(paper_n4)
    change(document)
    _rejected(document, checker.Malformed, r"tampered\.json: \$")


@pytest.mark.slow
def test_committed_family_files_validate_against_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads((ROOT / "docs" / "certificate.schema.json").read_text()))
    for path in sorted(FAMILIES.glob("*.json")):
        errors = list(validator.iter_errors(json.loads(path.read_text())))
        assert not errors, f"{path.name}: {errors[0].message[:200]}"


def test_too_many_representatives_are_refused_before_any_arithmetic(paper_n4, monkeypatch):
    # Each representative costs work proportional to the number of probabilities; a small hostile
    # file with many trivial representatives is refused by the limit, not checked for hours.
    monkeypatch.setattr(checker_expressions, "MAX_REDUCED_WORK", 9 * 256)
    _rejected(copy.deepcopy(paper_n4), checker.Malformed, "exceed the checker's limit")
