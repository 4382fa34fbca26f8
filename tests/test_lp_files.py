"""LP files (certify/builder/lp_files.py): the exact model, PuLP's writer and its traps, the strict reader.

Every file in tests/fixtures/lp-files/valid must be read, every file in malformed/ refused with a
message naming the problem (add a file per bug found)."""

from __future__ import annotations

import decimal
import shutil
import subprocess
from fractions import Fraction
from importlib import metadata
from pathlib import Path

import pulp
import pytest

from certify.builder.lp_files import (ExactModel, LinearRow, compare_model, integer_row, read_lp_file, read_lp_text,
                                      write_lp)
from certify.errors import InputError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lp-files"
REPOSITORY = Path(__file__).resolve().parent.parent
needs_esolver = pytest.mark.skipif(shutil.which("esolver") is None,
                                   reason="esolver missing (Debian package qsopt-ex; .ci/run installs it)")

MESSAGES = {
    "no-final-newline": "final newline", "no-end": "'End'", "no-title": "name", "subject-to-lowercase": "Subject To",
    "maximise-spelling": "Maximize", "bounds-section": "Bounds", "generals-section": "Generals",
    "repeated-row": "repeated", "missing-sign": "'+' or '-'", "repeated-variable": "repeated",
    "strict-inequality": "'<='", "fraction-number": "number as PuLP writes it", "exponent-not-pulp": "number",
    "leading-zero": "number", "zero-coefficient": "zero coefficient", "space-before-colon": "label",
    "double-space": "single spaces", "tab": "tabs", "crlf": "LF", "leading-plus": "leading '+'",
    "no-rhs": "right-hand side", "empty-row": "no terms", "non-ascii": "ASCII",
}


def small_model(coefficient=1, rhs=1) -> ExactModel:
    rows = (LinearRow("c0", ((0, 1), (1, coefficient)), "<=", rhs), LinearRow("c1", ((0, 3), (1, 1)), "=", 2))
    return ExactModel("small", ("x", "y"), ((0, 1),), rows)


# -- fixture folders ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted((FIXTURES / "valid").glob("*.lp")), ids=lambda p: p.stem)
def test_valid_files_are_read(path):
    parsed = read_lp_file(path)
    assert parsed.rows and parsed.objective


def test_valid_numbers_are_read_exactly():
    parsed = read_lp_file(FIXTURES / "valid" / "exponents.lp")
    assert parsed.rows["c0"] == ({"x": 10 ** 13, "y": Fraction(1, 40000)}, "<=", Fraction(333333333333, 10 ** 12))
    assert parsed.rows["c1"] == ({"x": -1, "y": -1234567890120}, ">=", -7)
    wrapped = read_lp_file(FIXTURES / "valid" / "wrapped.lp")
    assert len(wrapped.rows["bell"][0]) == 7                      # the continuation line is joined


def test_small_file_is_the_small_model():
    assert compare_model(small_model(), read_lp_file(FIXTURES / "valid" / "small.lp")) == []


def test_every_malformed_file_has_an_expected_message():
    assert {p.stem for p in (FIXTURES / "malformed").glob("*.lp")} == set(MESSAGES)


@pytest.mark.parametrize("path", sorted((FIXTURES / "malformed").glob("*.lp")), ids=lambda p: p.stem)
def test_malformed_files_are_refused(path):
    with pytest.raises(InputError) as error:
        read_lp_file(path)
    assert str(path) in str(error.value)
    assert MESSAGES[path.stem] in str(error.value)


# -- the exact model ---------------------------------------------------------------------------

def test_rows_are_scaled_by_the_lcm_of_their_denominators():
    row = integer_row("r", [(0, Fraction(1, 3)), (2, Fraction(1, 2)), (1, Fraction(0))], "<=", Fraction(1, 10))
    assert row == LinearRow("r", ((0, 10), (2, 15)), "<=", 3, 30)
    assert integer_row("s", [(1, 2), (0, -4)], "=", 0) == LinearRow("s", ((0, -4), (1, 2)), "=", 0, 1)


def test_compare_reports_each_kind_of_difference():
    good = (FIXTURES / "valid" / "small.lp").read_text()
    model = small_model()
    changed = read_lp_text(good.replace("3 x + y = 2", "3 x + 2 y = 2").replace("<= 1", ">= 1"))
    assert compare_model(model, changed) == ["row c0: sense >= != <=", "row c1, y: file 2 != model 1"]
    assert compare_model(model, read_lp_text(good.replace("Maximize", "Minimize"))) == [
        "objective sense is minimise, expected maximise"]
    assert compare_model(model, read_lp_text(good.replace("c1: 3 x + y = 2\n", ""))) == ["row c1 is missing"]
    assert compare_model(model, read_lp_text(good.replace("End", "c2: x >= 0\nEnd"))) == ["row c2 is not in the model"]
    assert compare_model(model, read_lp_text(good.replace("3 x + y", "3 x + z"))) == [
        "row c1, y: file 0 != model 1", "row c1: variable z is not in the model"]
    assert compare_model(model, read_lp_text(good.replace("= 2", "= 3"))) == ["row c1: rhs 3 != 2"]
    assert compare_model(model, read_lp_text(good.replace("OBJ: x", "OBJ: 2 x"))) == [
        "objective, x: file 2 != model 1"]
    one_column = ExactModel("small", ("x", "y", "w"), ((0, 1),), model.rows)
    assert compare_model(one_column, read_lp_text(good)) == ["variable w is not in the file"]


# -- PuLP 3.3's traps, and the writer that guards against them ---------------------------------

def test_pulp_is_the_pinned_version():
    pinned = [line for line in (REPOSITORY / "constraints.txt").read_text().splitlines() if line.startswith("pulp==")]
    assert pinned == [f"pulp=={metadata.version('pulp')}"]


def _one_row_problem(coefficient, rhs=1):
    problem = pulp.LpProblem("t", pulp.LpMaximize)
    x = problem.add_variable("x", lowBound=0)
    problem.setObjective(pulp.LpAffineExpression([(x, 1)]))
    problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression([(x, coefficient)]), pulp.LpConstraintLE,
                                            name="c", rhs=rhs))
    return problem


def test_pulp_cannot_write_a_fraction(tmp_path):
    with pytest.raises(TypeError):
        _one_row_problem(Fraction(1, 3)).writeLP(str(tmp_path / "t.lp"))


@pytest.mark.parametrize("coefficient", [decimal.Decimal(1) / 3, 1 / 3], ids=["decimal", "float"])
def test_pulp_rounds_to_12_significant_digits(tmp_path, coefficient):
    _one_row_problem(coefficient).writeLP(str(tmp_path / "t.lp"))
    assert "c: 0.333333333333 x <= 1" in (tmp_path / "t.lp").read_text()


def test_writer_refuses_what_pulp_would_round_and_leaves_nothing(tmp_path):
    with pytest.raises(InputError, match="would not be exact.*c0, y: file 1234567890120 != model 1234567890123"):
        write_lp(small_model(coefficient=1234567890123), tmp_path / "big.lp")
    with pytest.raises(InputError, match="rhs"):
        write_lp(small_model(rhs=10 ** 13 + 1), tmp_path / "big.lp")
    assert list(tmp_path.iterdir()) == []                  # neither the file nor a temporary file


def test_writer_keeps_exactly_representable_numbers(tmp_path):
    path = tmp_path / "ok.lp"
    text = write_lp(small_model(coefficient=10 ** 13), path)
    assert "1e+13 y" in text and path.read_text() == text
    assert compare_model(small_model(coefficient=10 ** 13), read_lp_file(path)) == []


def test_writer_round_trip_with_wrapped_rows(tmp_path):
    columns = tuple(f"p{j:03d}" for j in range(40))
    model = ExactModel("w", columns, ((5, 1),), (LinearRow("r", tuple((j, 10 * j + 1) for j in range(40)), "=", 3),))
    write_lp(model, tmp_path / "w.lp")
    assert len((tmp_path / "w.lp").read_text().splitlines()) > 6
    assert compare_model(model, read_lp_file(tmp_path / "w.lp")) == []


def test_writer_names_the_file_it_was_asked_for(tmp_path):
    with pytest.raises(InputError, match="^shown/name.lp: "):
        write_lp(small_model(coefficient=1234567890123), tmp_path / "big.lp", "shown/name.lp")


# -- what esolver makes of these files ---------------------------------------------------------

@needs_esolver
def test_esolver_reads_exponent_numbers_exactly(tmp_path):
    path = tmp_path / "e.lp"
    path.write_text("\\* e *\\\nMaximize\nOBJ: x\nSubject To\nc: 1e+13 x <= 1\nEnd\n")
    subprocess.run(["esolver", "-L", "-O", str(tmp_path / "e.sol"), str(path)], capture_output=True, check=True)
    assert "\tValue = 1/10000000000000\n" in (tmp_path / "e.sol").read_text()


@needs_esolver
def test_pulp_mps_files_lose_the_maximisation(tmp_path):
    """Why LP format: PuLP's MPS writer keeps 'Maximize' only in a comment, and esolver minimises."""
    problem = _one_row_problem(1)
    problem.writeMPS(str(tmp_path / "t.mps"))
    problem.writeLP(str(tmp_path / "t.lp"))
    assert "*SENSE:Maximize" in (tmp_path / "t.mps").read_text()
    subprocess.run(["esolver", "-O", str(tmp_path / "m.sol"), str(tmp_path / "t.mps")], capture_output=True)
    subprocess.run(["esolver", "-L", "-O", str(tmp_path / "l.sol"), str(tmp_path / "t.lp")], capture_output=True)
    assert "\tValue = 0\n" in (tmp_path / "m.sol").read_text()      # minimised
    assert "\tValue = 1\n" in (tmp_path / "l.sol").read_text()      # LP format: maximised
