"""``certify resolve`` (certify/builder/resolve.py): QSopt_ex's exact optimum of every exported LP agrees
with the certificates, and a hand-edited file is reported as a disagreement.

The comparisons need ``esolver`` (Debian package qsopt-ex, installed by .ci/run) and are skipped,
saying so, where it is missing. Lemma 11 and every library expression are compared at two Bell values
(1/10 and 3: the first and the last pieces of most value functions), every pair; for mermin5 only
the orbit representatives (3 LPs of 1024 probabilities, about a second each; the other pairs' values
follow by the checked symmetry map, and all 1024 take QSopt_ex a quarter of an hour of CPU).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from certify.builder.lp_export import MANIFEST, export_lp
from certify.builder.lp_files import ExactModel, LinearRow
from certify.builder.resolve import (check_dual, check_primal, find_esolver, parse_esolver_solution, resolve_folder,
                                     run_esolver, sense_probe)
from certify.errors import InputError

REPOSITORY = Path(__file__).resolve().parent.parent
CERTIFICATES = REPOSITORY / "certificates"
SOLUTIONS = Path(__file__).resolve().parent / "fixtures" / "esolver-solutions"
needs_esolver = pytest.mark.skipif(shutil.which("esolver") is None,
                                   reason="esolver missing (Debian package qsopt-ex; .ci/run installs it)")
WORKERS = 2


def run(*arguments, env=None):
    return subprocess.run([sys.executable, "-m", "certify", *arguments], capture_output=True, text=True,
                          cwd=REPOSITORY, env=dict(env or os.environ, PYTHONPATH=str(REPOSITORY)), timeout=900)


def copy_of(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(folder, target)
    return target


def edit(path: Path, pattern: str, replacement: str) -> None:
    """Change one spot of a file by hand (the pattern must occur exactly once)."""
    text, count = re.subn(pattern, replacement, path.read_text(), flags=re.M)
    assert count == 1, f"{pattern!r} occurs {count} times in {path.name}"
    path.write_text(text)


def disagreements(report):
    return [o for o in report.outcomes if o.verdict != "agree"]


# -- esolver's solution files ------------------------------------------------------------------

MESSAGES = {"truncated": "final newline", "not-lowest-terms": "canonical", "denominator-one": "canonical",
            "negative-zero": "canonical", "decimal": "canonical", "exponent": "canonical", "no-spaces": "name = rational",
            "repeated-name": "repeated", "missing-section": "out of order", "sections-out-of-order": "out of order",
            "value-without-tab": "Value", "lines-after-infeasible": "nothing after", "status-colon": "status = "}


@pytest.mark.parametrize("path", sorted((SOLUTIONS / "valid").glob("*.sol")), ids=lambda p: p.stem)
def test_valid_solutions_are_read(path):
    solution = parse_esolver_solution(path.read_text())
    assert solution.status in ("OPTIMAL", "INFEASIBLE", "UNBOUNDED")
    assert (solution.value is None) == (solution.status != "OPTIMAL")


def test_optimal_solution_is_read_exactly():
    solution = parse_esolver_solution((SOLUTIONS / "valid" / "optimal.sol").read_text())
    assert (solution.value, solution.primal) == (Fraction(13, 71), {"x": Fraction(5, 71), "y": Fraction(8, 71)})
    assert solution.dual == {"c1": Fraction(9, 71), "c2": Fraction(4, 71)} and solution.reduced_costs == {}


def test_every_malformed_solution_has_an_expected_message():
    assert {p.stem for p in (SOLUTIONS / "malformed").glob("*.sol")} == set(MESSAGES)


@pytest.mark.parametrize("path", sorted((SOLUTIONS / "malformed").glob("*.sol")), ids=lambda p: p.stem)
def test_malformed_solutions_are_refused(path):
    with pytest.raises(InputError, match=re.escape(MESSAGES[path.stem])):
        parse_esolver_solution(path.read_text())


# -- exact checks ------------------------------------------------------------------------------

MODEL = ExactModel("m", ("x", "y"), ((0, 1), (1, 1)),
                   (LinearRow("c1", ((0, 3), (1, 7)), "<=", 1), LinearRow("c2", ((0, 11), (1, 2)), "<=", 1)))


def test_exact_checks_accept_the_true_optimum():
    solution = parse_esolver_solution((SOLUTIONS / "valid" / "optimal.sol").read_text())
    assert check_primal(MODEL, solution.primal, solution.value) == []
    assert check_dual(MODEL, solution.dual, solution.value) == []


def test_exact_checks_catch_wrong_answers():
    assert check_primal(MODEL, {"x": Fraction(1, 3)}, Fraction(1, 3)) == ["row c2: 11/3 <= 1 fails"]
    assert check_primal(MODEL, {"x": Fraction(1, 11)}, Fraction(1, 10)) == [
        "objective at the point is 1/11, reported 1/10"]
    assert check_primal(MODEL, {"z": Fraction(1)}, Fraction(0)) == ["primal: z is not a variable of the model"]
    assert "wrong sign" in check_dual(MODEL, {"c1": Fraction(-1), "c2": Fraction(1)}, Fraction(0))[0]
    assert check_dual(MODEL, {"c1": Fraction(9, 71), "c2": Fraction(4, 71)}, Fraction(1, 5)) == [
        "dual bound b.y = 13/71 != value 1/5"]
    assert check_dual(MODEL, {"c1": Fraction(1, 10)}, Fraction(1, 10))[0].startswith("dual infeasible at x")


# -- finding and running esolver ---------------------------------------------------------------

def fake_esolver(tmp_path: Path, body: str) -> str:
    path = tmp_path / "fake-esolver"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


def test_a_missing_esolver_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InputError, match="apt-get install qsopt-ex"):
        find_esolver()
    with pytest.raises(InputError, match="not found at /nonexistent/esolver"):
        find_esolver("/nonexistent/esolver")


def test_a_minimising_solver_fails_the_sense_probe(tmp_path):
    minimiser = fake_esolver(tmp_path, 'printf "status = OPTIMAL\\nstatus OPTIMAL\\n\\tValue = 0\\nVARS:\\n'
                                       'REDUCED COST:\\nPI:\\nSLACK:\\n" > "$3"\n')
    with pytest.raises(InputError, match="maximisation probe"):
        sense_probe(minimiser)


def test_timeout_crash_and_silence_are_errors(tmp_path):
    lp = tmp_path / "a.lp"
    lp.write_text("x")
    solution, error, _ = run_esolver(fake_esolver(tmp_path, "sleep 5\n"), lp, 0.3)
    assert solution is None and error == "timeout after 0.3 s"
    solution, error, _ = run_esolver(fake_esolver(tmp_path, "echo 'Could not read lp file.'; exit 1\n"), lp, 5)
    assert solution is None and error == "esolver exit 1: Could not read lp file."
    solution, error, _ = run_esolver(fake_esolver(tmp_path, "exit 0\n"), lp, 5)
    assert solution is None and error.startswith("esolver wrote no readable solution file")


@needs_esolver
def test_an_unreadable_lp_makes_esolver_fail(tmp_path):
    lp = tmp_path / "bad.lp"
    lp.write_text("Maximize\nOBJ: x\nSubject To\nc1: x + y <= 1x\nEnd\n")
    solution, error, _ = run_esolver("esolver", lp, 60)
    assert solution is None and error.startswith("esolver exit 1")


@needs_esolver
def test_esolver_reports_infeasible_with_exit_zero(tmp_path):
    lp = tmp_path / "infeasible.lp"
    lp.write_text("\\* i *\\\nMaximize\nOBJ: x\nSubject To\nc1: x <= -1\nEnd\n")
    solution, error, _ = run_esolver("esolver", lp, 60)
    assert (solution.status, error) == ("INFEASIBLE", "")


# -- QSopt_ex agrees with every certified value ------------------------------------------------

COMPARISONS = [(expression, bell_value, expression == "mermin5")
               for expression in (None, "chsh", "mermin3", "paper", "magic-square", "mermin5")
               for bell_value in ("1/10", "3")]


@pytest.mark.slow
@needs_esolver
@pytest.mark.parametrize("expression, bell_value, representatives", COMPARISONS,
                         ids=[f"{e or 'lemma11'}-{v}" for e, v, _ in COMPARISONS])
def test_qsopt_agrees_with_the_certificates(tmp_path, expression, bell_value, representatives):
    summary = export_lp(tmp_path / "lp", CERTIFICATES, expression, bell_value, representatives)
    report = resolve_folder(tmp_path / "lp", "qsopt", CERTIFICATES, workers=WORKERS)
    assert [o.file for o in disagreements(report)] == []
    assert len(report.outcomes) == summary["files"]
    assert all(o.status == "OPTIMAL" and o.value == o.certified and o.primal_problems == o.dual_problems == []
               for o in report.outcomes)
    if expression is None and bell_value == "1/10":
        values = {o.pair: o.value for o in report.outcomes}
        assert len(values) == 256
        assert (values["0001|1000"], values["0000|0000"], values["0001|0000"]) == (
            Fraction(11, 30), Fraction(67, 200), Fraction(1, 20))


# -- hand-edited files are disagreements -------------------------------------------------------

@pytest.fixture(scope="module")
def lemma11_export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("resolve") / "lemma11"
    export_lp(folder, CERTIFICATES, None, "1/10")
    return folder


@pytest.fixture(scope="module")
def chsh_export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("resolve") / "chsh"
    export_lp(folder, CERTIFICATES, "chsh", "1/10")
    return folder


@pytest.mark.slow
@needs_esolver
def test_a_coefficient_changed_by_hand_is_a_disagreement(lemma11_export, tmp_path):
    """One Bell coefficient of pair (0001, 1000), 10 -> 1: esolver still finds 11/30 (a box with
    P(1000|0001) = 11/30 meets the weaker row too), but the file is not the certified LP."""
    folder = copy_of(lemma11_export, tmp_path)
    edit(folder / "u0001-x1000.lp", r"^bell: 10 p_u0001_x0000 ", "bell: p_u0001_x0000 ")
    report = resolve_folder(folder, "qsopt", CERTIFICATES, workers=WORKERS)
    (bad,) = disagreements(report)
    assert (bad.file, bad.verdict) == ("u0001-x1000.lp", "disagree")
    assert bad.file_differences == ["row bell, p_u0001_x0000: file 1 != model 10"]
    assert report.counts == {"agree": 255, "disagree": 1, "error": 0}


@needs_esolver
def test_a_change_to_a_slack_row_is_a_disagreement(tmp_path):
    """At V = 3 the CHSH Bell row is slack for pair (00, 00) (v = 1): the same optimum, still caught."""
    export_lp(tmp_path / "v3", CERTIFICATES, "chsh", "3")
    edit(tmp_path / "v3" / "u00-x00.lp", r"^bell: p_u00_x01 ", "bell: 2 p_u00_x01 ")
    (bad,) = disagreements(resolve_folder(tmp_path / "v3", "qsopt", CERTIFICATES))
    assert bad.value == bad.certified == 1
    assert bad.file_differences == ["row bell, p_u00_x01: file 2 != model 1"]


@needs_esolver
def test_a_changed_rhs_moves_the_optimum_and_fails_the_exact_checks(chsh_export, tmp_path):
    folder = copy_of(chsh_export, tmp_path)
    edit(folder / "u00-x00.lp", r"<= 1$", "<= 2")
    (bad,) = disagreements(resolve_folder(folder, "qsopt", CERTIFICATES))
    assert bad.value != bad.certified == Fraction(11, 20)
    assert bad.file_differences == ["row bell: rhs 2 != 1"]
    assert bad.primal_problems and bad.dual_problems          # the point breaks the model's Bell row


@needs_esolver
def test_an_infeasible_edit_is_a_disagreement(chsh_export, tmp_path):
    folder = copy_of(chsh_export, tmp_path)
    edit(folder / "u00-x00.lp", r"^(norm_u00: .*) = 1$", r"\1 = -1")
    (bad,) = disagreements(resolve_folder(folder, "qsopt", CERTIFICATES))
    assert (bad.status, bad.verdict, bad.value) == ("INFEASIBLE", "disagree", None)
    assert bad.file_differences == ["row norm_u00: rhs -1 != 1"]


@needs_esolver
def test_garbage_is_a_disagreement_and_an_error_is_reported(chsh_export, tmp_path):
    folder = copy_of(chsh_export, tmp_path)
    (folder / "u11-x11.lp").write_text("Maximize\nnot an LP\n")
    (bad,) = disagreements(resolve_folder(folder, "qsopt", CERTIFICATES))
    assert bad.verdict == "error" and bad.error.startswith("esolver exit 1")
    assert bad.file_differences[0].startswith("the file is not a readable LP")


@needs_esolver
def test_a_misstated_manifest_value_is_a_disagreement(chsh_export, tmp_path):
    folder = copy_of(chsh_export, tmp_path)
    document = json.loads((folder / MANIFEST).read_text())
    document["lps"][5]["certified_value"] = "1/2"
    (folder / MANIFEST).write_text(json.dumps(document))
    (bad,) = disagreements(resolve_folder(folder, "qsopt", CERTIFICATES))
    assert bad.pair == document["lps"][5]["pair"] and bad.value == bad.certified
    assert bad.manifest_differences == [f"export.json: certified_value 1/2, the certificates give {bad.certified}"]


# -- CBC, in floating point --------------------------------------------------------------------

def test_cbc_cross_check_agrees_and_sees_an_edit(chsh_export, tmp_path):
    report = resolve_folder(chsh_export, "cbc", CERTIFICATES)
    assert not report.exact and "not a proof" in report.method
    assert report.counts == {"agree": 16, "disagree": 0, "error": 0}
    assert all(abs(o.value - float(o.certified)) <= 1e-9 for o in report.outcomes)
    folder = copy_of(chsh_export, tmp_path)
    edit(folder / "u00-x00.lp", r"<= 1$", "<= 2")
    (bad,) = disagreements(resolve_folder(folder, "cbc", CERTIFICATES))
    assert bad.file_differences == ["row bell: rhs 2 != 1"] and bad.primal_problems


# -- command line ------------------------------------------------------------------------------

@pytest.mark.slow
@needs_esolver
def test_command_line_exit_codes(chsh_export, tmp_path):
    result = run("resolve", str(chsh_export), "--certificates", str(CERTIFICATES), "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("16 agree, 0 disagree, 0 error")
    folder = copy_of(chsh_export, tmp_path)
    edit(folder / "u11-x11.lp", r"<= 1$", "<= 2")
    result = run("resolve", str(folder), "--certificates", str(CERTIFICATES), "--json")
    assert result.returncode == 1 and result.stderr == ""
    document = json.loads(result.stdout)
    assert document["counts"] == {"agree": 15, "disagree": 1, "error": 0} and document["exact"] is True
    (bad,) = [lp for lp in document["lps"] if lp["verdict"] != "agree"]
    assert bad["file"] == "u11-x11.lp" and not bad["file_matches_model"] and "row bell: rhs 2 != 1" in bad["details"]
    result = run("resolve", str(tmp_path / "nothing"))
    assert result.returncode == 2 and "no export.json" in result.stderr and "Traceback" not in result.stderr


def test_command_line_without_esolver(chsh_export, tmp_path):
    result = run("resolve", str(chsh_export), "--certificates", str(CERTIFICATES),
                 env=dict(os.environ, PATH=str(tmp_path)))
    assert result.returncode == 2 and "qsopt-ex" in result.stderr and "Traceback" not in result.stderr
