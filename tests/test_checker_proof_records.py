"""The trusted checker on proof records (docs/proof-record-format.md)."""

import copy
from pathlib import Path

import pytest

from certify.checker import core as checker
from certify.checker import dispatch as checker_dispatch
from certify.checker import files as checker_files
from certify.checker import records as checker_records
from certify.builder.verify import verify_lemma11_document
from certify.errors import InputError

PROOFS = Path(__file__).resolve().parent.parent / "proofs" / "params"


def audited_record():
    for path in sorted(PROOFS.glob("*.json")):
        document = checker_files.read_json(str(path))
        if document["audit"]["independently_audited"]:
            return path, document
    pytest.fail("no independently audited proof record in proofs/params")


def test_committed_records_recheck():
    outcomes = [checker_dispatch.check_file(str(path)) for path in sorted(PROOFS.glob("*.json"))]
    assert outcomes and all(kind == "certify/proof-record" for kind, _ in outcomes)
    assert sum(1 for _, statement in outcomes if not statement.startswith(checker_records.NOT_AUDITED)) >= 10


def test_tampered_algebra_is_not_proven():
    path, document = audited_record()
    step = document["audit"]["algebra"][0]
    tampered = copy.deepcopy(document)
    if step["kind"] == "polynomial-evaluation":
        tampered["audit"]["algebra"][0]["expected"] = "12345/7"
    else:
        tampered["audit"]["algebra"][0]["kind"] = "polynomial-evaluation"
    with pytest.raises(checker.CheckError):
        checker_dispatch.check_document(tampered, str(path))


@pytest.mark.parametrize("mutation", [
    lambda d: d.pop("statement"),
    lambda d: d.update(version=2),
    lambda d: d["audit"].update(independently_audited="yes"),
    lambda d: d["audit"]["algebra"].append({"kind": "magic", "variables": []}),
    lambda d: d["audit"]["algebra"].append({"kind": "polynomial-evaluation", "variables": ["s"],
                                            "polynomial": [[[1], "2/4"]], "values": ["1"], "expected": "1/2"}),
])
def test_malformed_records(mutation):
    path, document = audited_record()
    broken = copy.deepcopy(document)
    mutation(broken)
    with pytest.raises(checker.Malformed):
        checker_dispatch.check_document(broken, str(path))


def test_false_identity_is_not_proven():
    step = {"kind": "polynomial-identity", "variables": ["x"], "claim": "(x+1)^2 = x^2 + 1",
            "lhs": [[[2], "1"], [[0], "1"]], "rhs": [{"coefficient": "1", "factors": [[[[1], "1"], [[0], "1"]]] * 2}]}
    assert checker_records.check_algebra_step(step) is False
    step["lhs"].append([[1], "2"])
    assert checker_records.check_algebra_step(step) is True


def test_reference_check_rejects_a_non_string_expression_name():
    document = checker_files.read_json(str(PROOFS.parent.parent / "certificates" / "lemma11" / "u0000-x0000.json"))
    document["expression"]["name"] = []
    with pytest.raises(InputError):
        verify_lemma11_document(document)
