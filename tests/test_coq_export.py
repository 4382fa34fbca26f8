"""The Coq route: ``certify export --coq DIR`` and the development it writes.

The generator is tested without Coq (form checks, determinism, the folder
policy, the forbidden words, package data). The Coq tests compile the export
with ``coqc`` and ``make``: the whole Lemma-11 development plus the CHSH and
Mermin-3 expressions once per session, then a forged certificate written into
a copy of that build, which must fail at its pair. They are skipped, saying
why, only where ``coqc`` or ``make`` is missing.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest

from certify.builder import coq
from certify.checker import core as checker
from certify.checker import dispatch as checker_dispatch
from certify.errors import InputError

REPOSITORY = Path(__file__).resolve().parent.parent
CERTIFICATES = REPOSITORY / "certificates"
HAVE_COQ = shutil.which("coqc") is not None and shutil.which("make") is not None
needs_coq = pytest.mark.skipif(not HAVE_COQ, reason="coqc or make not installed (apt-get install coq make)")
STRETCH = ("chsh", "mermin3")


def _copy_lemma11(root: Path) -> Path:
    """A private certificates folder holding a copy of the stored Lemma-11 files."""
    shutil.copytree(CERTIFICATES / "lemma11", root / "certificates" / "lemma11")
    return root / "certificates"


def _edit(path: Path, change) -> None:
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def _make(folder: Path, *targets: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-j2", *targets], cwd=folder, capture_output=True, text=True, timeout=1800)


def _certify(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "certify", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=str(REPOSITORY)), timeout=300)


# -- the generator, without Coq ---------------------------------------------------------------

def test_the_generator_imports_only_the_standard_library_the_checker_and_the_package_helpers():
    tree = ast.parse(Path(coq.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    package = {name for name in imported if name.startswith("certify")}
    assert package <= {"certify.builder.jsonio", "certify.checker", "certify.errors"}
    assert all(name in sys.stdlib_module_names or name == "__future__" for name in imported - package)


@pytest.mark.slow
def test_export_is_deterministic_complete_and_free_of_the_forbidden_words():
    files, summary = coq.coq_development(CERTIFICATES, STRETCH)
    again, _ = coq.coq_development(CERTIFICATES, STRETCH)
    assert files == again
    assert summary["pairs"] == 256 and summary["pair_files"] == 16
    assert summary["expressions"] == {"chsh": 16, "mermin3": 64}
    assert summary["theorems"][:2] == ["lemma_11", "value_functions"]
    for name in coq.TEMPLATES + ("Final.v", "ValueFunctions.v", "Expression.v", "Makefile", "_CoqProject"):
        assert name in files
    for name, text in files.items():
        lowered = text.lower()
        assert not [word for word in coq.FORBIDDEN_WORDS if word in lowered], name
    pairs = "".join(text for name, text in files.items() if name.startswith("Pairs_"))
    names = set(re.findall(r"^Lemma (u[01]{4}_x[01]{4})_checked : check_pair \1 = true\.$", pairs, re.M))
    assert len(names) == 256
    for kind in ("paper_claim", "value_function", "piece_0", "breakpoint_0"):
        assert len(re.findall(rf"^Theorem u[01]{{4}}_x[01]{{4}}_{kind} :", pairs, re.M)) == 256, kind


def test_the_definitions_are_short_and_cite_the_paper():
    definitions = coq.template("Definitions.v")
    assert len(definitions.splitlines()) <= 90
    for equation in ("(4)", "(6)", "(7)", "(13)", "(41)", "(42)"):
        assert equation in definitions


def test_sparse_vectors_use_primitive_integers_and_fall_back_for_large_numbers():
    big = 10 ** 30
    text = coq.sparse_vector([(0, (1, 3)), (5, (-2, 1)), (7, (big, 7)), (9, (1, 2 ** 62))], width=1000)
    assert text == f"[0 |-> 1/3; 5 |-> -2; big_entry 7 ({big}) 7; big_entry 9 (1) {2 ** 62}]"
    assert coq.sparse_vector([]) == "[]"


def test_the_generator_refuses_a_forbidden_word(monkeypatch):
    original = coq.template

    def template(name):
        text = original(name)
        return text + "(* an Axiom in a comment *)\n" if name == "Sparse.v" else text

    monkeypatch.setattr(coq, "template", template)
    with pytest.raises(RuntimeError, match="contains the word 'axiom'"):
        coq.coq_development(CERTIFICATES)


def _claim_multiplier(document):
    return document["paper_claim"]["certificate"]["multipliers"]


MALFORMED = [  # (file, change, expected text of the message); each case one way the form can break
    ("u0001-x1000.json", lambda d: _claim_multiplier(d)[0].__setitem__(1, "2/4"),
     "$.paper_claim.certificate.multipliers[0][1]"),
    ("u0001-x1000.json", lambda d: _claim_multiplier(d).reverse(),
     "$.paper_claim.certificate.multipliers[1][0]"),
    ("u0001-x1000.json", lambda d: _claim_multiplier(d)[0].__setitem__(0, 272),
     "$.paper_claim.certificate.multipliers[0][0]"),
    ("u0001-x1000.json", lambda d: d["target"].__setitem__("index", 25), "$.target.index"),
    ("u0001-x1000.json", lambda d: d.__setitem__("extra", 1), "unknown ['extra']"),
    ("u0001-x1000.json", lambda d: d["paper_claim"]["witness"][0].__setitem__(0, True),
     "$.paper_claim.witness[0][0]"),
    ("u0001-x1000.json", lambda d: d["paper_claim"].__setitem__("constant", "1/4"), "$.paper_claim.constant"),
    ("u0001-x1000.json", lambda d: d.__setitem__("version", 2), "$.version"),
    ("u0001-x1000.json", lambda d: d["value_function"]["pieces"].pop(), "pieces for"),
    ("u0000-x0000.json", lambda d: d["expression"]["coefficients"].pop(), "differ from"),
    ("u0000-x0000.json", lambda d: d["target"].update(setting="0001", index=16), "the file name says"),
]


@pytest.mark.parametrize("name, change, message", MALFORMED)
def test_malformed_input_is_refused_naming_file_and_path(tmp_path, name, change, message):
    certificates = _copy_lemma11(tmp_path)
    _edit(certificates / "lemma11" / name, change)
    with pytest.raises(InputError) as error:
        coq.write_coq_export(certificates, tmp_path / "out")
    assert message in str(error.value)
    assert f"lemma11/{name}" in str(error.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("damage, message", [
    (lambda folder: (folder / "u1111-x1111.json").unlink(), "u1111-x1111.json: missing"),
    (lambda folder: (folder / "u0000-x0000.json").write_text('{"version": 1.0}'), "not an integer"),
    (lambda folder: (folder / "u0000-x0000.json").write_text('{"a": 1, "a": 2}'), "duplicate key"),
    (lambda folder: (folder / "u0000-x0000.json").write_text("[" * 100 + "]" * 100), "nested deeper"),
    (lambda folder: (folder / "u9999-x0000.json").write_text("{}"), "unexpected file"),
])
def test_malformed_folders_are_refused(tmp_path, damage, message):
    certificates = _copy_lemma11(tmp_path)
    damage(certificates / "lemma11")
    with pytest.raises(InputError, match=re.escape(message)):
        coq.write_coq_export(certificates, tmp_path / "out")


@pytest.mark.slow
def test_expression_folders_that_the_export_does_not_handle_are_refused(tmp_path):
    with pytest.raises(InputError, match="symmetry.json"):
        coq.coq_development(CERTIFICATES, ["mermin5"])
    with pytest.raises(InputError, match="bounds.json: missing"):
        coq.coq_development(CERTIFICATES, ["no-such-expression"])
    with pytest.raises(InputError, match="expected a name"):
        coq.coq_development(CERTIFICATES, ["../lemma11"])


@pytest.mark.slow
def test_the_output_folder_is_written_at_once_and_replaces_only_an_earlier_export(tmp_path):
    summary = coq.write_coq_export(CERTIFICATES, tmp_path / "out")
    assert sorted(os.listdir(tmp_path / "out")) == summary["files"]
    (tmp_path / "out" / "Final.vo").write_text("stale build product")
    coq.write_coq_export(CERTIFICATES, tmp_path / "out")
    assert "Final.vo" not in os.listdir(tmp_path / "out")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.v").write_text("(* mine *)")
    with pytest.raises(InputError, match="not empty"):
        coq.write_coq_export(CERTIFICATES, tmp_path / "mine")
    assert os.listdir(tmp_path / "mine") == ["notes.v"]
    assert not [p for p in os.listdir(tmp_path) if ".staging-" in p or ".old-" in p]


@pytest.mark.slow
def test_command_line_reads_certificates_of_the_current_folder(tmp_path):
    _copy_lemma11(tmp_path)
    result = _certify("export", "--coq", "development", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["route"] == "coq" and summary["pairs"] == 256
    assert (tmp_path / "development" / "Final.v").is_file()
    result = _certify("export", "--coq", "other", "--certificates", CERTIFICATES, "--expression", "chsh",
                      cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "make -C other -j2" in result.stdout and (tmp_path / "other" / "Expr_chsh_final.v").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("args, message", [
    (["--coq", "out", "--certificates", "nowhere"], "not a folder of certificates"),
    (["--coq", "out", "--expression", "mermin5"], "symmetry.json"),
    (["--vipr", "out", "--expression", "chsh"], "--expression: not an option of --vipr"),
])
def test_command_line_errors_exit_2_without_traceback(tmp_path, args, message):
    shutil.copytree(CERTIFICATES / "expressions" / "mermin5", tmp_path / "certificates" / "expressions" / "mermin5")
    _copy_lemma11(tmp_path)
    result = _certify("export", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_audit_does_not_need_coq(tmp_path):
    # The trusted checker alone decides `certify audit`: no coqc on the PATH, same verdict.
    result = subprocess.run([sys.executable, "-m", "certify", "audit", str(CERTIFICATES / "lemma11")],
                            cwd=REPOSITORY, capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, PYTHONPATH=str(REPOSITORY), PATH=str(tmp_path)))
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_templates_ship_in_a_plain_installed_package(tmp_path):
    # A non-editable build (wheel) must carry the Coq templates as package data.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPOSITORY / name, source / name)
    shutil.copytree(REPOSITORY / "certify", source / "certify",
                    ignore=shutil.ignore_patterns("__pycache__"))
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--quiet", "--wheel-dir", str(tmp_path / "wheels"), str(source)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = (tmp_path / "wheels").glob("certify-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {f"certify/builder/coq_templates/{name}" for name in coq.TEMPLATES} <= set(names)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "site")
    code = ("import certify.builder.coq as c; print(c.__file__); "
            "print(all(c.template(n) for n in c.TEMPLATES))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(tmp_path / "site")), timeout=120)
    assert result.returncode == 0, result.stderr
    location, found = result.stdout.split()
    assert location.startswith(str(tmp_path / "site")) and found == "True"


# -- the Coq kernel ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The export of the stored certificates (Lemma 11, CHSH, Mermin-3), built once with make -j2."""
    folder = tmp_path_factory.mktemp("coq") / "export"
    coq.write_coq_export(CERTIFICATES, folder, STRETCH)
    result = _make(folder)
    return folder, result


@needs_coq
@pytest.mark.slow
def test_the_whole_export_compiles_and_prints_only_standard_axioms(built):
    folder, result = built
    assert result.returncode == 0, result.stderr[-3000:]
    theorems = re.findall(r"^Print Assumptions (\w+)\.", (folder / "Final.v").read_text(), re.M)
    assert theorems[:2] == ["lemma_11", "value_functions"]
    blocks = coq.printed_assumptions(result.stdout)
    assert len(blocks) == len(theorems) + 2 * len(STRETCH)
    assert all(block == {"ClassicalDedekindReals.sig_forall_dec",
                         "FunctionalExtensionality.functional_extensionality_dep"} for block in blocks), blocks
    assert coq.build_verdict(result.returncode, result.stdout, result.stderr, len(theorems))[0]
    assert (folder / "Final.vo").is_file() and (folder / "Expr_mermin3_final.vo").is_file()


@needs_coq
@pytest.mark.slow
def test_a_forged_multiplier_fails_compilation_at_that_pair(built, tmp_path):
    """One multiplier of u0001-x1000.json changed (so that the trusted checker rejects it):
    rebuilding the built export with that certificate fails in Pairs_u0001.v, at u0001_x1000."""
    folder, result = built
    assert result.returncode == 0, result.stderr[-3000:]
    certificates = _copy_lemma11(tmp_path)
    path = certificates / "lemma11" / "u0001-x1000.json"
    original = json.loads(path.read_text())
    for k in range(len(_claim_multiplier(original))):
        forged = json.loads(path.read_text())
        row, value = _claim_multiplier(forged)[k]
        _claim_multiplier(forged)[k][1] = str(Fraction(value) + 1 or Fraction(2))
        try:
            checker_dispatch.check_document(forged, "forged")
        except checker.NotProven:
            break
    else:
        pytest.fail("no single changed multiplier is rejected by the trusted checker")
    path.write_text(json.dumps(forged))
    files, _ = coq.coq_development(certificates)
    changed = [name for name, text in files.items() if name.endswith(".v") and (folder / name).read_text() != text]
    assert changed == ["Pairs_u0001.v"]
    copy = tmp_path / "export"
    shutil.copytree(folder, copy)
    (copy / "Pairs_u0001.v").write_text(files["Pairs_u0001.v"])
    result = _make(copy, "Final.vo")
    assert result.returncode != 0
    assert 'File "./Pairs_u0001.v"' in result.stderr
    assert "check_pair u0001_x1000 = true" in result.stderr
    assert "u0001_x1000_checked" in (copy / "Pairs_u0001.v").read_text()


@pytest.mark.slow
@needs_coq
def test_large_numbers_are_written_and_decoded_exactly(tmp_path):
    values = [(0, (1, 3)), (4, (-2, 1)), (7, (10 ** 30 + 1, 7)), (9, (-(2 ** 62), 2 ** 62 + 1)),
              (12, (2 ** 62 - 1, 2 ** 63 - 1))]
    expected = "; ".join(f"({p}#{q})%Q" if q > 1 else f"({p})%Q" for _, (p, q) in values)
    (tmp_path / "Sparse.v").write_text(coq.template("Sparse.v"))
    (tmp_path / "Test.v").write_text(
        "From Coq Require Import List NArith QArith PrimInt63 Sint63.\n"
        "From Certify Require Import Sparse.\nImport ListNotations.\nOpen Scope sparse_scope.\n"
        f"Definition v : list (N * Q) := {coq.sparse_vector(values)}.\n"
        f"Lemma v_ok : map snd v = [{expected}] /\\ map fst v = [0; 4; 7; 9; 12]%N.\n"
        "Proof. vm_compute. split; reflexivity. Qed.\n")
    for name in ("Sparse.v", "Test.v"):
        result = subprocess.run(["coqc", "-Q", ".", "Certify", name], cwd=tmp_path, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr


# -- the Coq route of `certify referee` ---------------------------------------------------------

def _fake_tools(folder: Path, make_script: str) -> str:
    """A PATH holding a stand-in ``coqc`` and a ``make`` running ``make_script``."""
    for name, body in (("coqc", "exit 0"), ("make", make_script)):
        (folder / name).write_text(f"#!/bin/sh\n{body}\n")
        (folder / name).chmod(0o755)
    return str(folder)


AXIOMS_BLOCK = ("Axioms:\\nClassicalDedekindReals.sig_forall_dec\\n  : forall P : nat -> Prop, P 0\\n"
                "FunctionalExtensionality.functional_extensionality_dep\\n  : True\\n")


@pytest.mark.slow
@pytest.mark.parametrize("make_script, status, detail", [
    (f"printf '{AXIOMS_BLOCK * 3}'", "passed", "assume only Coq's real-number axioms"),
    (f"printf '{AXIOMS_BLOCK * 2}Axioms:\\nMy.axiom : False\\n'", "failed", "depend on My.axiom"),
    (f"printf '{AXIOMS_BLOCK}'", "failed", "printed 1 assumption listings"),
    ("printf 'File \"./Pairs_u0001.v\", line 9, characters 1-4:\\nError:\\nThe term \"eq_refl\" has type "
     "\"true = true\" while it is expected to have type\\n \"check_pair u0001_x1000 = true\".\\n' >&2; exit 2",
     "failed", "Pairs_u0001.v: check_pair u0001_x1000 = true does not hold"),
])
def test_referee_coq_route_reports_what_the_build_says(tmp_path, monkeypatch, make_script, status, detail):
    from certify.report.referee import referee

    monkeypatch.setenv("PATH", _fake_tools(tmp_path, make_script))
    result, = referee(REPOSITORY, routes=["coq"])
    assert (result.route, result.status) == ("coq", status)
    assert detail in result.detail


def test_referee_coq_route_without_coq_is_not_available(tmp_path, monkeypatch):
    from certify.report.referee import referee

    monkeypatch.setenv("PATH", str(tmp_path))
    result, = referee(REPOSITORY, routes=["coq"])
    assert result.status == "not available" and "coqc" in result.detail
