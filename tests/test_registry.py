"""The claims registry: exit 0 of the default audit means exactly the registered
claims, and removing, renaming or replacing what proves one of them is exit 1
with a message naming the claim."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from certify.checker import registry
from certify.checker.audit import audit, default_audit, exit_code_of

ROOT = Path(__file__).resolve().parent.parent
CERTIFICATES = ROOT / "certificates"


def _copy(tmp_path: Path, *parts: str) -> Path:
    """Copy ``certificates/<parts>`` to ``tmp_path/certificates/<parts>``; returns the copy."""
    source = CERTIFICATES.joinpath(*parts)
    target = tmp_path.joinpath("certificates", *parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target) if source.is_dir() else shutil.copy(source, target)
    return target


def _rewrite_manifest(folder: Path) -> None:
    """What a hostile author would do: list exactly the files present, with their hashes."""
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json") if p.name != "manifest.json")
    entries = [{"path": p, "sha256": hashlib.sha256((folder / p).read_bytes()).hexdigest()} for p in files]
    (folder / "manifest.json").write_text(json.dumps({"format": "certify/manifest", "version": 1,
                                                      "files": entries, "provenance": {}}))


def _failed_claims(results) -> dict[str, str]:
    return {path: detail for path, status, detail in results if path.startswith("claim ") and status != "ok"}


def test_every_registered_path_exists_and_names_are_unique():
    assert len({claim.name for claim in registry.CLAIMS}) == len(registry.CLAIMS)
    for claim in registry.CLAIMS:
        assert (ROOT / claim.path).exists(), claim.path
        assert claim.kind in registry.RULES and claim.section in (registry.PAPER, registry.PROJECT)
    kinds = {claim.kind for claim in registry.CLAIMS}
    assert kinds == {"lemma11", "record", "expression", "family", "catalogue"}


def test_every_committed_family_and_expression_is_registered():
    # A new built-in committed without a registry row would otherwise be a user statement.
    registered = {claim.path for claim in registry.CLAIMS}
    for path in sorted((CERTIFICATES / "families").glob("*.json")) + sorted(
            p for folder in ("expressions", "catalogue") for p in (CERTIFICATES / folder).iterdir() if p.is_dir()):
        assert path.relative_to(ROOT).as_posix() in registered, path


def test_claims_option_prints_the_registry_as_text_and_json():
    run = [sys.executable, "-m", "certify", "audit", "--claims"]
    text = subprocess.run(run, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert text.returncode == 0 and text.stdout == registry.registry_text()
    assert "The paper's claims:" in text.stdout and "The project's own results:" in text.stdout
    data = json.loads(subprocess.run(run + ["--json"], capture_output=True, text=True, timeout=60,
                                     cwd=ROOT).stdout)
    assert [c["name"] for c in data["claims"]] == [c.name for c in registry.CLAIMS]
    assert "```\n" + text.stdout + "```" in (ROOT / "README.md").read_text()  # the README quotes it


@pytest.mark.slow
def test_default_audit_exits_1_when_lemma11_is_deleted_and_the_manifest_rewritten(tmp_path, monkeypatch):
    copy = _copy(tmp_path)
    shutil.rmtree(copy / "lemma11")
    shutil.rmtree(copy / "families")  # keeps the test fast; its claims fail the same way
    _rewrite_manifest(copy)
    monkeypatch.chdir(tmp_path)
    results = default_audit()
    assert exit_code_of(results) == 1
    failed = _failed_claims(results)
    assert "claim lemma11-eq42 (certificates/lemma11)" in failed
    assert "missing" in failed["claim lemma11-eq42 (certificates/lemma11)"]
    assert "claim paper-n4 (certificates/families/paper-n4.json)" in failed
    # The manifest itself is consistent: only the registry notices.
    assert all(status == "ok" for path, status, _ in results if path.endswith("manifest.json"))


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["chsh", "mermin3", "mermin5", "magic-square", "paper"])
def test_deleting_a_registered_expression_folder_names_its_claim(tmp_path, folder):
    copy = _copy(tmp_path, "expressions")
    shutil.rmtree(copy / folder)
    results = audit([str(copy)])
    assert exit_code_of(results) == 1
    assert list(_failed_claims(results)) == [f"claim {folder} (certificates/expressions/{folder})"]


@pytest.mark.slow
def test_renaming_a_folder_fails_its_claim_and_the_renamed_files_are_user_statements(tmp_path):
    copy = _copy(tmp_path, "expressions")
    (copy / "chsh").rename(copy / "chsh-renamed")
    results = audit([str(copy)])
    assert exit_code_of(results) == 1
    assert list(_failed_claims(results)) == ["claim chsh (certificates/expressions/chsh)"]
    renamed = [(status, detail) for path, status, detail in results if "chsh-renamed" in path]
    assert renamed and all(status == "user" for status, _ in renamed)
    assert all("user statement" in detail and "coefficients stated in the file" in detail for _, detail in renamed)


@pytest.mark.slow
def test_chsh_files_under_a_builtin_name_are_rejected(tmp_path):
    copy = _copy(tmp_path, "expressions")
    shutil.rmtree(copy / "mermin5")
    (copy / "chsh").rename(copy / "mermin5")
    results = audit([str(copy)])
    failed = _failed_claims(results)
    assert exit_code_of(results) == 1
    assert "claim mermin5 (certificates/expressions/mermin5)" in failed
    assert "'chsh', not 'mermin5'" in failed["claim mermin5 (certificates/expressions/mermin5)"]


def test_a_family_file_under_another_members_name_is_rejected(tmp_path):
    copy = _copy(tmp_path, "families", "paper-n3.json")
    copy.rename(copy.parent / "paper-n4.json")
    results = audit([str(copy.parent)])
    assert exit_code_of(results) == 1
    failed = _failed_claims(results)  # the other members are missing from this folder
    assert "'paper-n3', not 'paper-n4'" in failed["claim paper-n4 (certificates/families/paper-n4.json)"]


def test_auditing_a_subfolder_checks_what_it_registers(tmp_path):
    results = audit([str(CERTIFICATES / "lemma11")])
    claims = [path for path, _, _ in results if path.startswith("claim ")]
    assert exit_code_of(results) == 0
    assert claims == ["claim lemma11-eq42 (certificates/lemma11)",
                      "claim lemma11-value-function (certificates/lemma11)"]


def test_a_lemma11_folder_missing_one_pair_fails_both_lemma11_claims(tmp_path):
    copy = _copy(tmp_path, "lemma11")
    (copy / "u0101-x0011.json").unlink()
    failed = _failed_claims(audit([str(copy)]))
    assert set(failed) == {"claim lemma11-eq42 (certificates/lemma11)",
                           "claim lemma11-value-function (certificates/lemma11)"}


def test_files_outside_any_certificates_folder_are_user_statements(tmp_path):
    target = tmp_path / "mine"
    shutil.copytree(CERTIFICATES / "expressions" / "chsh", target)
    results = audit([str(target)])
    assert exit_code_of(results) == 0
    assert not [path for path, _, _ in results if path.startswith("claim ")]
    assert {status for path, status, _ in results if path.endswith(".json")} == {"user"}


def test_the_registered_record_must_be_the_named_record(tmp_path):
    proofs = tmp_path / "proofs" / "params"
    proofs.mkdir(parents=True)
    source = ROOT / "proofs" / "params"
    for path in source.glob("*.json"):
        shutil.copy(path, proofs / path.name)
    # Replace one registered record by another (true) record.
    shutil.copy(source / "delta-max-paper-eps-0.json", proofs / "delta-max-paper-eps-1_4.json")
    results = audit([str(tmp_path / "proofs")], skip_unknown=True)
    failed = _failed_claims(results)
    assert exit_code_of(results) == 1
    assert list(failed) == ["claim delta-max-paper-eps-1/4 (proofs/params/delta-max-paper-eps-1_4.json)"]


def test_location_of_an_audited_path():
    assert registry.location(["", "tmp", "x", "certificates", "lemma11"]) == "certificates/lemma11"
    assert registry.location(["", "tmp", "proofs"]) == "proofs"
    assert registry.location(["", "tmp", "mine"]) is None
    assert [c.name for c in registry.claims_under("certificates/lemma11")] == ["lemma11-eq42",
                                                                              "lemma11-value-function"]


# -- built-ins rebuilt by name (certify.checker.builtins) ------------------------------------

BUILTIN_FILES = ["expressions/chsh/bounds.json", "expressions/mermin3/bounds.json", "expressions/mermin5/bounds.json",
                 "expressions/magic-square/bounds.json", "expressions/paper/bounds.json",
                 "families/paper-n3.json", "families/paper-n8.json", "families/mermin-n7.json"]


def test_the_checker_rebuilds_every_builtin_like_the_library():
    from certify.formats.library import FAMILIES, LIBRARY, builtin_expression
    from certify.checker import builtins

    for name in list(LIBRARY) + list(FAMILIES):
        expression = builtin_expression(name)
        shape, coefficients = builtins.definition(name)
        assert shape == (tuple(expression.scenario.settings), tuple(expression.scenario.outcomes)), name
        assert coefficients == {j: int(c) for j, c in expression.coefficients.items()}, name
        assert expression.direction == "minimise"


@pytest.mark.parametrize("relative", BUILTIN_FILES)
@pytest.mark.parametrize("edit", ["add", "drop", "rescale"])
def test_a_builtin_with_edited_coefficients_is_not_proven_and_names_the_claim(relative, edit):
    from certify.checker import core, dispatch

    document = json.loads((CERTIFICATES / relative).read_text())
    name = document["expression"]["name"]
    coefficients = document["expression"]["coefficients"]
    if edit == "add":
        used = {j for j, _ in coefficients}
        free = next(j for j in range(10 ** 6) if j not in used)
        coefficients.append([free, "1"])
        coefficients.sort()
    elif edit == "drop":
        coefficients.pop()
    else:
        for entry in coefficients:
            entry[1] = "2"
    with pytest.raises(core.NotProven, match=f"the name '{name}' is a built-in expression") as error:
        dispatch.check_document(document, relative)
    assert f"the claim '{name}'" in str(error.value)


@pytest.mark.slow
def test_chsh_files_relabelled_as_mermin5_fail_the_mermin5_claim(tmp_path):
    copy = _copy(tmp_path, "expressions")
    shutil.rmtree(copy / "mermin5")
    (copy / "chsh").rename(copy / "mermin5")
    for path in (copy / "mermin5").glob("*.json"):
        document = json.loads(path.read_text())
        document["expression"]["name"] = "mermin5"
        path.write_text(json.dumps(document))
    results = audit([str(copy)])
    failed = _failed_claims(results)
    assert exit_code_of(results) == 1
    assert "claim mermin5 (certificates/expressions/mermin5)" in failed  # (and chsh is missing)
    details = [detail for path, status, detail in results
               if "/mermin5/" in path and path.endswith(".json") and status == "not proven"]
    assert details and all("the name 'mermin5' is a built-in expression" in d for d in details)


def test_renaming_the_lemma11_folder_fails_both_lemma11_claims(tmp_path):
    copy = _copy(tmp_path, "lemma11")
    copy.rename(copy.parent / "lemma-eleven")
    _rewrite_manifest(copy.parent)
    results = audit([str(copy.parent)], require_manifest=True)
    failed = _failed_claims(results)
    assert exit_code_of(results) == 1
    for name in ("lemma11-eq42", "lemma11-value-function"):
        assert f"claim {name} (certificates/lemma11)" in failed
        assert "missing" in failed[f"claim {name} (certificates/lemma11)"]
    renamed = {status for path, status, _ in results if "lemma-eleven" in path and path.endswith(".json")}
    assert renamed == {"user"}


@pytest.mark.slow
def test_deleting_a_catalogue_folder_or_a_class_names_its_claim(tmp_path):
    copy = _copy(tmp_path, "catalogue")  # the committed folder audits with exit 0 (test_catalogue.py)
    shutil.rmtree(copy / "2x2-2x2")
    results = audit([str(copy)])
    assert exit_code_of(results) == 1
    assert list(_failed_claims(results)) == ["claim catalogue-2x2-2x2 (certificates/catalogue/2x2-2x2)"]


def test_a_catalogue_index_with_a_class_dropped_fails_the_registered_counts(tmp_path):
    # The index rewritten consistently (one class and its orbit removed) still proves a
    # smaller catalogue, but not the registered one.
    folder = _copy(tmp_path, "catalogue", "2x2-2x2")
    index = json.loads((folder / "index.json").read_text())
    dropped = index["classes"].pop()
    index["facets"] -= dropped["orbit_size"]
    (folder / "index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
    (folder / dropped["file"]).unlink()
    results = audit([str(folder)])
    assert exit_code_of(results) == 1
    detail = _failed_claims(results)["claim catalogue-2x2-2x2 (certificates/catalogue/2x2-2x2)"]
    assert "the registry 24 in 2" in detail
