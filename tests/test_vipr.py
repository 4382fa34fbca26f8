"""Tests of the VIPR 1.0 export: file structure and the derived bound.

``read_vipr`` below is an independent reader for the part of the VIPR 1.0
format (cert_spec_v1_0) that the export uses: comments, VER, VAR, INT, OBJ,
CON, RTP, SOL and DER with ``lin`` reasons. It re-derives the last
constraint as viprchk does (a suitable linear combination whose sense follows
the multiplier signs, then domination of ``OBJ <= upper`` for maximisation)
and checks every solution against every constraint.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from certify.checker import core as checker
from certify.builder import vipr
from certify.errors import ClaimNotProven

VALID = sorted((Path(__file__).resolve().parent / "certificates" / "valid").glob("u*.json"))
SENSES = {"E": 0, "L": -1, "G": 1}


class ViprError(AssertionError):
    pass


def _expect(condition, message):
    if not condition:
        raise ViprError(message)


def read_vipr(text: str) -> dict:
    """Parse and verify a VIPR 1.0 LP certificate (subset: lin reasons only)."""
    lines = text.split("\n")
    while lines and lines[0].startswith("%"):
        _expect(lines[0].startswith("% "), "comment lines are written '% text'")
        lines.pop(0)
    tokens = " ".join(lines).split()
    position = 0

    def take():
        nonlocal position
        _expect(position < len(tokens), "unexpected end of file")
        position += 1
        return tokens[position - 1]

    def number(token):
        _expect(checker._RATIONAL.fullmatch(token) is not None, f"rational expected, read {token}")
        return Fraction(token)

    def count(limit=None):
        token = take()
        _expect(token.isdigit(), f"count expected, read {token}")
        value = int(token)
        _expect(limit is None or value <= limit, f"count {value} above {limit}")
        return value

    def coefficients(num_vars):
        token = take()
        if token == "OBJ":
            return "OBJ"
        _expect(token.isdigit(), f"coefficient count expected, read {token}")
        vector, previous = {}, -1
        for _ in range(int(token)):
            index = int(take())
            _expect(0 <= index < num_vars, f"variable index {index} out of range")
            _expect(index > previous, "indices increase")
            vector[index] = number(take())
            _expect(vector[index] != 0, "no zero coefficients written")
            previous = index
        return vector

    _expect(take() == "VER" and take() == "1.0", "VER 1.0 first")
    _expect(take() == "VAR", "VAR section")
    num_vars = count()
    names = [take() for _ in range(num_vars)]
    _expect(len(set(names)) == num_vars, "variable names unique")
    _expect(take() == "INT", "INT section")
    _expect(count() == 0, "no integer variables")
    _expect(take() == "OBJ" and take() == "max", "OBJ max")
    objective = coefficients(num_vars)
    _expect(take() == "CON", "CON section")
    num_constraints, num_bounds = count(), count()
    constraints = []
    for k in range(num_constraints):
        name, sense, rhs = take(), take(), number(take())
        _expect(sense in SENSES, f"sense E/L/G, read {sense}")
        vector = coefficients(num_vars)
        vector = objective if vector == "OBJ" else vector
        if k < num_bounds:
            _expect(len(vector) == 1 and sense in "LG", "bound constraints first")
        constraints.append((name, SENSES[sense], rhs, vector))
    _expect(take() == "RTP" and take() == "range", "RTP range")
    lower_text, upper_text = take(), take()
    lower = None if lower_text == "-inf" else number(lower_text)
    upper = None if upper_text == "inf" else number(upper_text)
    _expect(lower is None or upper is None or lower <= upper, "RTP lb <= ub")
    _expect(take() == "SOL", "SOL section")
    solutions = []
    for _ in range(count()):
        name, vector = take(), coefficients(num_vars)
        for cname, sense, rhs, cvector in constraints:
            value = sum((a * vector.get(j, 0) for j, a in cvector.items()), Fraction(0))
            _expect(value == rhs if sense == 0 else (value - rhs) * sense >= 0,
                    f"solution {name} violates {cname}")
        solutions.append(sum((c * vector.get(j, 0) for j, c in objective.items()), Fraction(0)))
    if lower is not None:
        _expect(solutions and max(solutions) >= lower, "a solution attains the lower bound")
    _expect(take() == "DER", "DER section")
    num_derived = count()
    _expect(num_derived >= 1, "at least one derivation")
    for _ in range(num_derived):
        name, sense, rhs = take(), SENSES[take()], number(take())
        vector = coefficients(num_vars)
        vector = objective if vector == "OBJ" else vector
        _expect(take() == "{" and take() == "lin", "{ lin ... } reason")
        combined, combined_rhs, signs = {}, Fraction(0), set()
        previous = -1
        for _ in range(count()):
            index, weight = int(take()), number(take())
            _expect(previous < index < len(constraints), f"constraint index {index} in range, increasing")
            previous = index
            _, csense, crhs, cvector = constraints[index]
            signs.add(csense * (1 if weight > 0 else -1))
            for j, a in cvector.items():
                combined[j] = combined.get(j, 0) + weight * a
            combined_rhs += weight * crhs
        _expect(take() == "}", "reason closed")
        _expect(int(take()) == -1, "last reference index -1")
        signs.discard(0)
        _expect(len(signs) <= 1, "suitable linear combination (one sign)")
        derived_sense = signs.pop() if signs else 0
        combined = {j: a for j, a in combined.items() if a != 0}
        _expect(combined == vector, "derived coefficients equal the stated ones")
        _expect(derived_sense <= 0 and sense == -1 and combined_rhs <= rhs, "derived <= dominates")
        constraints.append((name, sense, rhs, vector))
    _expect(position == len(tokens), "nothing after DER")
    _, last_sense, last_rhs, last_vector = constraints[-1]
    if upper is not None:
        _expect(last_vector == objective and last_sense == -1 and last_rhs <= upper,
                "last derived constraint dominates OBJ <= upper")
    return {"variables": num_vars, "constraints": num_constraints, "bounds": num_bounds,
            "lower": lower, "upper": upper, "objective": objective, "derived": last_rhs,
            "solution_values": solutions}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vipr")
    certificates = tmp_path_factory.mktemp("certificates")
    for path in VALID:
        shutil.copy(path, certificates / path.name)
    written = vipr.export_folder(str(certificates), str(folder))
    return folder, written


def test_export_writes_paper_claim_and_every_piece(exported):
    folder, written = exported
    expected = set()
    for path in VALID:
        document = json.loads(path.read_text())
        stem = path.stem
        expected.add(f"{stem}-paper-claim.vipr")
        expected.update(f"{stem}-piece-{i}.vipr" for i in range(len(document["value_function"]["pieces"])))
    assert {os.path.basename(p) for p in written} == expected
    assert set(os.listdir(folder)) == expected  # no temporary files left behind


def test_exported_files_verify_with_the_independent_reader(exported):
    folder, _ = exported
    for path in VALID:
        document = json.loads(path.read_text())
        index = document["target"]["index"]
        claim = read_vipr((folder / f"{path.stem}-paper-claim.vipr").read_text())
        assert (claim["variables"], claim["constraints"], claim["bounds"]) == (256, 256 + 272, 256)
        bound = Fraction(document["paper_claim"]["certificate"]["bound"])
        assert claim["derived"] == bound == claim["lower"] == max(claim["solution_values"])
        assert claim["upper"] == Fraction(1, 3)
        bell = checker.paper_bell_coefficients()
        assert claim["objective"][index] == 1 - Fraction(2, 3) * bell.get(index, 0)
        for i, piece in enumerate(document["value_function"]["pieces"]):
            result = read_vipr((folder / f"{path.stem}-piece-{i}.vipr").read_text())
            constant = Fraction(piece["constant"])
            assert result["derived"] == result["lower"] == result["upper"] == constant


def test_reader_rejects_a_lowered_bound(exported):
    folder, _ = exported
    path = folder / f"{VALID[0].stem}-paper-claim.vipr"
    text = path.read_text()
    lines = text.split("\n")
    der = next(i for i, line in enumerate(lines) if line.startswith("upper_bound L "))
    bound = Fraction(lines[der].split()[2])
    lowered = bound - Fraction(1, 100)
    lines[der] = lines[der].replace(f"upper_bound L {bound} ", f"upper_bound L {lowered} ", 1)
    with pytest.raises(ViprError, match="dominates"):
        read_vipr("\n".join(lines))
    rtp = next(i for i, line in enumerate(lines) if line.startswith("RTP"))
    lines = text.split("\n")
    lines[rtp] = f"RTP range {bound} {bound - Fraction(1, 100)}"
    with pytest.raises(ViprError):
        read_vipr("\n".join(lines))


def test_vipr_lines_refuses_a_wrong_certificate():
    document = json.loads(VALID[0].read_text())
    certificate = document["paper_claim"]["certificate"]
    multipliers = [(r, Fraction(v)) for r, v in certificate["multipliers"]]
    with pytest.raises(ClaimNotProven):
        vipr.vipr_lines("t", document["target"]["index"], Fraction(2, 3),
                        Fraction(certificate["bound"]) - 1, multipliers, [], None, None)
    flipped = [(r, -v) for r, v in multipliers]
    with pytest.raises(ClaimNotProven):
        vipr.vipr_lines("t", document["target"]["index"], Fraction(2, 3),
                        Fraction(certificate["bound"]), flipped, [], None, None)


VIPRCHK = os.environ.get("VIPRCHK") or shutil.which("viprchk")


@pytest.mark.skipif(not VIPRCHK, reason="viprchk (VIPR 1.0 checker) not installed; set VIPRCHK")
def test_viprchk_accepts_the_exported_files(exported):
    folder, written = exported
    for path in written:
        result = subprocess.run([VIPRCHK, path], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout[-1500:] + result.stderr[-1500:]
        assert "Successfully verified optimal value range" in result.stdout


def _export(*options, cwd):
    import sys
    root = Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, "-m", "certify", "export", *map(str, options)],
                          capture_output=True, text=True, cwd=cwd,
                          env=dict(os.environ, PYTHONPATH=str(root)), timeout=120)


@pytest.mark.slow
def test_export_command_line(tmp_path):
    # --certificates names the certificates folder (default ./certificates); VIPR reads its lemma11/.
    certificates = tmp_path / "certificates"
    (certificates / "lemma11").mkdir(parents=True)
    for path in VALID:
        shutil.copy(path, certificates / "lemma11" / path.name)
    result = _export("--vipr", tmp_path / "out", "--certificates", certificates, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = json.loads(result.stdout)["written"]
    assert len(written) == len(os.listdir(tmp_path / "out")) >= 3 * len(VALID)
    result = _export("--vipr", "out3", cwd=tmp_path)  # ./certificates by default
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(tmp_path / "out3")) == sorted(os.listdir(tmp_path / "out"))
    broken = tmp_path / "broken"
    (broken / "lemma11").mkdir(parents=True)
    (broken / "lemma11" / "u0000-x0000.json").write_text('{"format": ')
    result = _export("--vipr", tmp_path / "out2", "--certificates", broken, cwd=tmp_path)
    assert result.returncode == 2 and "not valid JSON" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out2").exists()  # nothing half-written


@pytest.mark.slow
def test_export_refuses_a_foreign_folder_and_replaces_an_earlier_export(tmp_path):
    certificates = tmp_path / "certificates" / "lemma11"
    certificates.mkdir(parents=True)
    shutil.copy(VALID[0], certificates / VALID[0].name)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    result = _export("--vipr", "mine", cwd=tmp_path)
    assert result.returncode == 2 and "not empty" in result.stderr
    assert os.listdir(tmp_path / "mine") == ["notes.txt"]
    assert _export("--vipr", "out", cwd=tmp_path).returncode == 0
    (tmp_path / "out" / "stale.vipr").write_text("% from an earlier export\n")
    assert _export("--vipr", "out", cwd=tmp_path).returncode == 0
    assert "stale.vipr" not in os.listdir(tmp_path / "out")


def test_export_takes_exactly_one_route(tmp_path):
    assert _export(cwd=tmp_path).returncode == 2
    result = _export("--vipr", "a", "--coq", "b", cwd=tmp_path)
    assert result.returncode == 2 and "not allowed with" in result.stderr
