"""Work limits of the checker: every hostile input of ``benchmarks/hostile_inputs.py``
is refused by the limit that names it (or decided), and the committed certificates stay
within every limit. Assertions are on the refusal (exit code and message), never on a
time: the times and memory are measured by the benchmark."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from certify.checker import core as checker
from certify.checker import dispatch as checker_dispatch
from certify.checker import expressions as checker_expressions
from certify.checker import records as checker_records

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("hostile_inputs", ROOT / "benchmarks" / "hostile_inputs.py")
hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile)

# input name -> (exit code, the part of the message that names the limit or the decision)
EXPECTED = {
    "empty objects, 64 MiB": (2, "more than the limit 16777216"),
    "empty objects, 16 MiB": (2, "JSON tokens (commas, colons, brackets, quotes), more than the limit 1000000"),
    "quotes, 16 MiB": (2, "JSON tokens"),
    "closing brackets, 16 MiB": (2, "JSON tokens"),
    "one string, 16 MiB": (2, "expected a JSON object"),
    "nesting 400,000 deep": (2, "nested deeper than 64 levels"),
    "million-digit integer": (2, "longer than 4300 digits"),
    "coprime 4,300-digit denominators": (2, "common denominator has more than 65536 bits"),
    "bounds.json without coefficients": (2, "enumeration needs 1010000000000 steps, more than the checker's limit"),
    "family: repeated generators": (2, "orbit labelling of this file needs 26214400 steps"),
    "family: distinct generators": (2, "stabiliser[32]: the distinct generators of this file need"),
    "record: product blow-up": (2, "the algebra of this record needs"),
    "record: huge powers": (2, "algebra[0].polynomial: the algebra of this record needs"),
    "record: powers at the bit limit": (1, "algebra[0] does not hold"),
    "record: coprime coefficients summed": (2, "polynomial[18]: the algebra of this record needs"),
    "record: non-string variable": (2, "positive_variables and nonnegative_variables must be variable names"),
}
SMALL = [case for case in hostile.CASES if "MiB" not in case[0] and case[1] == "check"]


def test_every_hostile_input_has_an_expected_refusal():
    assert {name for name, _, _ in hostile.CASES} - set(EXPECTED) == {"record: lone surrogate name"}


@pytest.mark.slow
@pytest.mark.parametrize("name, command, build", SMALL, ids=[case[0] for case in SMALL])
def test_hostile_input_is_refused_by_its_limit(tmp_path, name, command, build):
    path = tmp_path / "input.json"
    path.write_text(build())
    code, message = EXPECTED[name]
    with pytest.raises(checker.CheckError) as error:
        checker_dispatch.check_file(str(path))
    assert error.value.exit_code == code
    assert message in str(error.value)


@pytest.mark.parametrize("name", ["empty objects, 16 MiB", "quotes, 16 MiB", "closing brackets, 16 MiB",
                                  "one string, 16 MiB"])
def test_sixteen_mebibyte_inputs_are_refused(tmp_path, name):
    build = next(b for n, _, b in hostile.CASES if n == name)
    path = tmp_path / "input.json"
    path.write_text(build())
    with pytest.raises(checker.Malformed, match=EXPECTED[name][1].replace("(", r"\(").replace(")", r"\)")):
        checker_dispatch.check_file(str(path))


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as handle:
        handle.truncate(16 * 1024 * 1024 + 1)
    with pytest.raises(checker.Malformed, match="more than the limit 16777216"):
        checker_dispatch.check_file(str(path))


def test_token_limit_counts_the_raw_text():
    text = "[" + "0," * checker.MAX_TOKENS + "0]"
    with pytest.raises(checker.Malformed, match="JSON tokens"):
        checker.loads_strict(text, "t.json")
    assert len(checker.loads_strict("[" + "0," * 1000 + "0]", "t.json")) == 1001


def test_digit_runs_after_long_runs_are_still_found():
    # The scan starts a match only at the start of a run: a long run after many
    # runs of exactly 4300 digits is found, a run of 4300 digits is not refused.
    text = '["' + '", "'.join(["7" * 4300] * 50) + '", "' + "7" * 4301 + '"]'
    with pytest.raises(checker.Malformed, match="longer than 4300 digits"):
        checker.loads_strict(text, "t.json")
    assert checker.loads_strict('["' + "7" * 4300 + '"]', "t.json")


def test_enumeration_cost_counts_every_strategy_not_only_coefficients():
    shape = ((10, 10), (10, 10))
    assert checker_expressions.enumeration_cost(shape, 0, set()) >= 10 ** 10
    with pytest.raises(checker.Malformed, match="enumeration needs"):
        checker_expressions.local_minimum(shape, (1, {}), [(0,) * 10, (0,) * 10])


def test_orbit_labelling_is_charged_per_list_entry(monkeypatch):
    # Two lists of one repeated generator: each entry counts, though its image is cached.
    monkeypatch.setattr(checker_expressions, "MAX_ORBIT_WORK", 3 * 16)
    shape, cache = ((2, 2), (2, 2)), {}
    swap = {"parties": [0, 1], "settings": [[1, 0], [0, 1]], "outcomes": [[[0, 1], [0, 1]], [[0, 1], [0, 1]]]}
    checker_expressions.group_orbits([swap, swap], shape, {}, "$.a", cache)
    with pytest.raises(checker.Malformed, match=r"\$.b: orbit labelling of this file needs 64 steps"):
        checker_expressions.group_orbits([swap, swap], shape, {}, "$.b", cache)


def test_distinct_generators_are_charged_by_size(monkeypatch):
    monkeypatch.setattr(checker_expressions, "MAX_ORBIT_IMAGES", 16)
    shape = ((2, 2), (2, 2))
    identity = {"parties": [0, 1], "settings": [[0, 1], [0, 1]], "outcomes": [[[0, 1], [0, 1]], [[0, 1], [0, 1]]]}
    swap = dict(identity, settings=[[1, 0], [0, 1]])
    assert checker_expressions.group_orbits([identity, identity], shape, {}, "$", {}) == list(range(16))
    with pytest.raises(checker.Malformed, match=r"\$\[1\]: the distinct generators of this file need 32"):
        checker_expressions.group_orbits([identity, swap], shape, {}, "$", {})


def test_symmetry_file_generators_are_bounded(monkeypatch):
    document = json.loads((ROOT / "certificates" / "expressions" / "mermin5" / "symmetry.json").read_text())
    checker_dispatch.check_document(document, "s.json")
    monkeypatch.setattr(checker_expressions, "MAX_ORBIT_IMAGES", 1024 * len(document["generators"]) - 1)
    with pytest.raises(checker.Malformed, match="generators x probabilities"):
        checker_dispatch.check_document(document, "s.json")
    monkeypatch.setattr(checker_expressions, "MAX_ORBIT_IMAGES", 1 << 21)
    monkeypatch.setattr(checker_expressions, "MAX_ORBIT_WORK", 0)
    if any(pair["word"] for pair in document["pairs"]):
        with pytest.raises(checker.Malformed, match="the words so far apply"):
            checker_dispatch.check_document(document, "s.json")


def test_algebra_budget_is_per_record(monkeypatch):
    step = {"kind": "polynomial-evaluation", "variables": ["s"], "claim": "",
            "polynomial": [[[1], "1"]], "values": ["1"], "expected": "1"}
    record = hostile._record([step] * 3)
    assert "3 algebra steps rechecked" in checker_records.check_proof_record(record, "r.json")
    monkeypatch.setattr(checker_records, "MAX_ALGEBRA_TERMS", 5)  # 2 terms per step: read, evaluated
    with pytest.raises(checker.Malformed, match=r"algebra\[2\]\.polynomial.*needs 6 terms"):
        checker_records.check_proof_record(record, "r.json")


@pytest.mark.slow
def test_committed_certificates_and_records_are_within_every_limit():
    result = subprocess.run([sys.executable, "-m", "certify", "audit", "proofs", "certificates/expressions"],
                            cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0, result.stdout[-2000:]
