"""The trusted checker on proof records (docs/proof-record-format.md)."""

import copy
import json
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
    lambda d: d.update(version=1),
    lambda d: d.update(formula="1/2*s^8 = 1/512 at s = 1/2"),
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


# -- the statement is the formula the steps prove (version 2) --------------------------------

def test_a_record_whose_steps_do_not_end_in_its_formula_is_not_proven():
    path, document = audited_record()
    tampered = copy.deepcopy(document)
    tampered["formula"][-1] = "for all s > 0: s > 0"
    with pytest.raises(checker.NotProven, match="the steps do not end in the stated formula"):
        checker_dispatch.check_document(tampered, str(path))


def test_a_record_with_one_true_step_and_any_prose_proves_only_that_step():
    # A statement in words proves nothing: what is printed as proved is the derived formula.
    step = {"kind": "rational-inequality", "claim": "", "variables": [], "polynomial": [[[], "1"]],
            "values": [], "relation": ">=", "bound": "0"}
    record = {"format": "certify/proof-record", "version": 2, "name": "lemma10-chain",
              "formula": ["1 >= 0"], "statement": "Lemma 10 holds for every epsilon", "inputs": {},
              "method": "", "result": "proved", "details": {},
              "audit": {"independently_audited": True, "algebra": [step]}}
    kind, statement = checker_dispatch.check_document(record, "one-step.json")
    assert statement == "lemma10-chain: 1 >= 0 (1 algebra steps rechecked)"
    assert "Lemma 10 holds" not in statement
    record["formula"] = ["for all s > 0, f1 >= 0: anything"]
    with pytest.raises(checker.NotProven, match="the steps do not end in the stated formula"):
        checker_dispatch.check_document(record, "one-step.json")


def test_a_registered_record_must_end_in_the_registered_formula(tmp_path):
    import shutil
    from certify.checker.audit import audit, exit_code_of

    folder = tmp_path / "proofs" / "params"
    folder.mkdir(parents=True)
    for source in PROOFS.glob("*.json"):
        shutil.copy(source, folder / source.name)
    document = json.loads((folder / "theorem20-region-paper.json").read_text())
    document["audit"]["algebra"] = document["audit"]["algebra"][:1]  # a true chain, ending too early
    document["formula"] = document["formula"][:1]
    (folder / "theorem20-region-paper.json").write_text(json.dumps(document))
    results = audit([str(tmp_path / "proofs")], skip_unknown=True)
    assert exit_code_of(results) == 1
    failed = [detail for path, status, detail in results if path.startswith("claim ") and status != "ok"]
    assert len(failed) == 1 and "claim theorem20-region-paper" in failed[0] and "not the registered" in failed[0]


@pytest.mark.parametrize("audited", [True, False])
def test_a_record_that_says_not_proved_makes_check_exit_1(tmp_path, audited):
    import subprocess
    import sys

    source = next(p for p in sorted(PROOFS.glob("*.json"))
                  if json.loads(p.read_text())["audit"]["independently_audited"] is audited)
    document = json.loads(source.read_text())
    document["result"] = "not proved"
    path = tmp_path / source.name
    path.write_text(json.dumps(document))
    result = subprocess.run([sys.executable, "-m", "certify", "check", str(path)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1, result.stdout
    assert result.stdout.startswith("NOT PROVEN")


def test_check_of_a_record_without_algebra_says_not_audited():
    import subprocess
    import sys

    source = next(p for p in sorted(PROOFS.glob("*.json"))
                  if not json.loads(p.read_text())["audit"]["independently_audited"])
    result = subprocess.run([sys.executable, "-m", "certify", "check", str(source)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("NOT AUDITED")
