"""Rejecting branches of the checker's sibling modules (expressions, families,
proof records, manifests, files) that no other test reached: each case starts from a
valid committed document (or a minimal valid one) and changes one thing."""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path

import pytest

from certify.checker import core
from certify.checker import dispatch
from certify.checker import expressions as checker_expressions
from certify.checker import files as checker_files
from certify.checker import records as checker_records

ROOT = Path(__file__).resolve().parent.parent
EXPRESSIONS = ROOT / "certificates" / "expressions"


def _load(path):
    return json.loads(Path(path).read_text())


def _weaker(certificate, row=0):
    """The same multipliers plus 1 on normalisation row ``row``: still valid, bound + 1."""
    multipliers = dict((r, Fraction(v)) for r, v in certificate["multipliers"])
    multipliers[row] = multipliers.get(row, 0) + 1
    return {"bound": str(Fraction(certificate["bound"]) + 1),
            "multipliers": [[r, str(v)] for r, v in sorted(multipliers.items()) if v]}


# -- expression files -------------------------------------------------------------------------

def test_bounds_branches():
    bounds = _load(EXPRESSIONS / "chsh" / "bounds.json")
    assert dispatch.check_document(copy.deepcopy(bounds), "b.json")[0] == "certify/expression-bounds"
    cases = [
        (lambda d: d.update(scenario={"parties": 5, "settings": [10] * 5, "outcomes": [10] * 5}),
         core.Malformed, "10000000000 probabilities, more than the limit 65536"),
        (lambda d: d["expression"].update(name="chsh!"), core.Malformed, "expected a name of 1..64 letters"),
        (lambda d: d["ns_optimum"].update(value="1"), core.NotProven, r"ns_optimum.value: must equal sign \* offset"),
        (lambda d: d["ns_optimum"].update(certificate=_weaker(d["ns_optimum"]["certificate"])), core.NotProven,
         r"ns_optimum.certificate: proves C.P >= -1, not the offset 0"),
    ]
    for change, error, message in cases:
        document = copy.deepcopy(bounds)
        change(document)
        with pytest.raises(error, match=message):
            dispatch.check_document(document, "b.json")


def test_relabeling_keeps_party_sizes():
    generator = {"parties": [1, 0], "settings": [[0, 1], [0, 1, 2]], "outcomes": [[[0, 1]] * 2, [[0, 1]] * 3]}
    with pytest.raises(core.Malformed, match="a party must move to a party with as many settings and outcomes"):
        checker_expressions.relabeling(generator, ((2, 3), (2, 2)), "$")


def test_symmetry_branches():
    symmetry = _load(EXPRESSIONS / "mermin5" / "symmetry.json")
    dispatch.check_document(copy.deepcopy(symmetry), "s.json")
    document = copy.deepcopy(symmetry)
    document["pairs"][1], document["pairs"][2] = document["pairs"][2], document["pairs"][1]
    with pytest.raises(core.Malformed, match=r"pairs\[1\].pair: expected '00000\|00001' \(every pair once"):
        dispatch.check_document(document, "s.json")
    # A representative given a non-empty word that maps it to itself (g g with g an involution on it).
    shape = ((2,) * 5, (2,) * 5)
    images = [checker_expressions.relabeling(g, shape, "$") for g in symmetry["generators"]]
    start = core.pair_index("00000|00000", shape, "$")
    involution = next(k for k, image in enumerate(images) if image[image[start]] == start)
    document = copy.deepcopy(symmetry)
    document["pairs"][0]["word"] = [involution, involution]
    with pytest.raises(core.Malformed, match=r"pairs\[0\]: a representative must list itself with an empty word"):
        dispatch.check_document(document, "s.json")


def test_family_branches():
    family = _load(ROOT / "certificates" / "families" / "mermin-n3.json")
    dispatch.check_document(copy.deepcopy(family), "f.json")
    document = copy.deepcopy(family)
    document["ns_optimum"]["value"] = "1"
    with pytest.raises(core.NotProven, match=r"ns_optimum.value: must equal sign \* offset = 0"):
        dispatch.check_document(document, "f.json")
    document = copy.deepcopy(family)
    document["ns_optimum"]["certificate"] = _weaker(document["ns_optimum"]["certificate"])
    with pytest.raises(core.NotProven, match="ns_optimum.certificate: proves C.P >= -1, not the offset 0"):
        dispatch.check_document(document, "f.json")
    # A weaker certificate for a representative's value + 1: its witness no longer attains it.
    document = copy.deepcopy(family)
    representative = document["representatives"][0]
    representative["certificate"] = _weaker(representative["certificate"])
    representative["value"] = str(Fraction(representative["value"]) + 1)
    with pytest.raises(core.NotProven, match=r"representatives\[0\].witness: W\* = 1/2 and C.W = 0; needs 3/2"):
        dispatch.check_document(document, "f.json")


def test_expression_coverage_branches():
    folder = EXPRESSIONS / "chsh"
    statements = {path.name: dispatch.check_file(str(path))[1] for path in sorted(folder.glob("*.json"))}
    checker_expressions.check_expression_coverage(dict(statements), set(statements))
    renamed = dict(statements)
    renamed["u00-x00.json"], renamed["u01-x01.json"] = statements["u01-x01.json"], statements["u00-x00.json"]
    with pytest.raises(core.NotProven, match=r"file u00-x00.json proves the pair 01\|01; its name must match"):
        checker_expressions.check_expression_coverage(renamed, set(statements))
    without_bounds = {name: s for name, s in statements.items() if name != "bounds.json"}
    with pytest.raises(core.NotProven, match="no proven bounds.json"):
        checker_expressions.check_expression_coverage(without_bounds, set(statements))


# -- manifests and files ----------------------------------------------------------------------

def test_manifest_provenance_must_be_strings(tmp_path):
    manifest = {"format": "certify/manifest", "version": 1, "files": [], "provenance": {"certify": 1}}
    with pytest.raises(core.Malformed, match=r"\$.provenance: expected an object of strings"):
        dispatch.check_document(manifest, "m.json", str(tmp_path))
    manifest["provenance"] = ["certify"]
    with pytest.raises(core.Malformed, match=r"\$.provenance: expected an object of strings"):
        dispatch.check_document(manifest, "m.json", str(tmp_path))


def test_file_that_grows_past_the_limit_while_read(monkeypatch):
    # /proc files say size 0 and then have content: the read itself is bounded.
    monkeypatch.setattr(checker_files, "MAX_FILE_BYTES", 10)
    with pytest.raises(core.Malformed, match="more than the limit of 10 bytes"):
        checker_files.read_bytes("/proc/self/status")


# -- proof records ----------------------------------------------------------------------------

def _record(*steps, **fields):
    try:
        formula = [checker_records.step_formula(step) for step in steps]
    except core.CheckError:
        formula = []
    record = {"format": "certify/proof-record", "version": 2, "name": "r", "formula": formula, "statement": "s",
              "inputs": {}, "method": "m", "result": "proved", "details": {},
              "audit": {"independently_audited": True, "algebra": list(steps)}}
    record.update(fields)
    return record


NONNEGATIVE = {"kind": "polynomial-nonnegative", "variables": ["a", "b"], "claim": "a + b >= 0",
               "polynomial": [[[1, 0], "1"], [[0, 1], "2"]], "positive_variables": ["a"],
               "nonnegative_variables": ["b"], "strict": True}
INEQUALITY = {"kind": "rational-inequality", "variables": ["s"], "claim": "s^2 < 1/3",
              "polynomial": [[[2], "1"]], "values": ["1/2"], "bound": "1/3", "relation": "<"}

RECORD_CASES = [
    (_record({**NONNEGATIVE, "polynomial": [[[1], "1"]]}), core.Malformed, r"polynomial\[0\]: expected \[\[2 exponents"),
    (_record([1]), core.Malformed, r"algebra\[0\]: expected an object, found \[1\]"),
    (_record({**NONNEGATIVE, "variables": ["a", "a"]}), core.Malformed, "variables: expected distinct names"),
    (_record({**NONNEGATIVE, "nonnegative_variables": []}), core.Malformed,
     "every variable must be declared positive or non-negative"),
    (_record({**NONNEGATIVE, "strict": 1}), core.Malformed, "strict a bool"),
    (_record({**NONNEGATIVE, "polynomial": [[[1, 0], "1"], [[0, 1], "-2"]]}), core.NotProven,
     r"algebra\[0\] does not hold: a \+ b >= 0"),
    (_record({**NONNEGATIVE, "polynomial": [[[0, 1], "2"]]}), core.NotProven, r"algebra\[0\] does not hold"),
    (_record({**INEQUALITY, "relation": "<<"}), core.Malformed, "relation: expected <, <=, > or >=, found '<<'"),
    (_record({**INEQUALITY, "relation": ">"}), core.NotProven, r"algebra\[0\] does not hold: s\^2 < 1/3"),
    (_record(INEQUALITY, name=1), core.Malformed, "name and statement must be strings"),
    (_record(INEQUALITY, result="maybe"), core.Malformed, "result 'proved' or 'not proved'"),
    (_record(INEQUALITY, audit={"independently_audited": True, "algebra": [INEQUALITY], "x": 1}), core.Malformed,
     r"\$.audit: expected keys"),
    (_record(INEQUALITY, result="not proved"), core.NotProven, "the record says 'not proved'"),
]


@pytest.mark.parametrize("record, error, message", RECORD_CASES, ids=[case[2][:40] for case in RECORD_CASES])
def test_proof_record_branches(record, error, message):
    with pytest.raises(error, match=message):
        checker_records.check_proof_record(record, "r.json")


def test_proof_record_relations_and_strictness_hold_when_true():
    for relation, value in (("<", "1/2"), ("<=", "1/2"), (">", "1"), (">=", "1")):
        step = {**INEQUALITY, "relation": relation, "values": [value],
                "bound": "1/3" if relation.startswith("<") else "1/4"}
        assert "1 algebra steps rechecked" in checker_records.check_proof_record(_record(step), "r.json")
    assert checker_records.check_proof_record(_record(NONNEGATIVE), "r.json")
    assert checker_records.check_proof_record(_record({**INEQUALITY, "relation": "<=", "values": ["0"],
                                                       "bound": "0"}), "r.json")
