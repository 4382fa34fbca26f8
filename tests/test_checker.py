"""Tests of the trusted checker: fixtures, strict parsing, hostile-input limits,
rebuilt rows and expression, manifest, coverage, and the audit command."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from certify.checker import core as checker
from certify.checker import dispatch as checker_dispatch
from certify.checker import registry as checker_registry
from certify.lp.expression import paper_bell_expression
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "certificates"
COMMITTED = ROOT / "certificates"
LEMMA11 = COMMITTED / "lemma11"


def _fixtures(kind: str) -> list[Path]:
    return sorted((FIXTURES / kind).glob("*.json"))


def _run_cli(*arguments, cwd=ROOT):
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "certify", *map(str, arguments)], cwd=cwd,
                          capture_output=True, text=True, env=environment, timeout=120)


# -- fixture folders: each file is a test ------------------------------------------------

@pytest.mark.parametrize("path", _fixtures("valid"), ids=lambda p: p.name)
def test_valid_fixture_is_accepted(path):
    kind, statement = checker_dispatch.check_file(str(path))
    assert kind == "certify/output-bound"
    assert statement["bound"] <= Fraction(1, 3)


@pytest.mark.parametrize("path", _fixtures("invalid"), ids=lambda p: p.name)
def test_invalid_fixture_is_not_proven(path):
    with pytest.raises(checker.NotProven) as error:
        checker_dispatch.check_file(str(path))
    assert error.value.exit_code == 1
    assert str(path) in str(error.value)


# Fixtures refused by a limit: the message names the limit, so that removing the limit
# (which would let json.loads or the arithmetic run into it much later) fails the test.
LIMIT_MESSAGES = {"deep-nesting.json": "nested deeper than 64 levels",
                  "million-digit-integer.json": "longer than 4300 digits"}


@pytest.mark.parametrize("path", _fixtures("malformed"), ids=lambda p: p.name)
def test_malformed_fixture_is_refused(path):
    with pytest.raises(checker.Malformed) as error:
        checker_dispatch.check_file(str(path))
    assert error.value.exit_code == 2
    assert str(path) in str(error.value)
    assert LIMIT_MESSAGES.get(path.name, "") in str(error.value)


def test_fixture_folders_are_populated():
    # Guards the parametrisation above against silently running no case.
    assert len(_fixtures("valid")) >= 2
    assert len(_fixtures("invalid")) >= 10
    assert len(_fixtures("malformed")) >= 40


# -- the trusted base stays small and alone ----------------------------------------------

CHECKER_MODULES = sorted((ROOT / "certify" / "checker").glob("*.py"))


@pytest.mark.parametrize("module", CHECKER_MODULES, ids=lambda path: path.name)
def test_checker_imports_only_the_standard_library_and_itself(module):
    source = module.read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import in the checker"
            imported.add(node.module)
    if module.name != "__init__.py":
        assert imported, "no imports found: the test parsed the wrong file"
    own = {name for name in imported if name.split(".")[0] == "certify"}
    assert all(name == "certify.checker" or name.startswith("certify.checker.") for name in own), own
    if module.name == "core.py":  # the trusted core imports nothing of the package at all
        assert not own, own
    top = {name.split(".")[0] for name in imported - own}
    assert top <= set(sys.stdlib_module_names), top - set(sys.stdlib_module_names)
    # No dynamic imports either.
    assert "__import__" not in source and "importlib" not in source


def test_the_trusted_core_has_at_most_300_code_lines():
    counter = ROOT / "benchmarks" / "core_lines.py"
    result = subprocess.run([sys.executable, str(counter)], capture_output=True, text=True, timeout=60)
    count = int(result.stdout.split()[0])
    assert result.returncode == 0 and 100 < count <= 300, result.stdout + result.stderr


def test_the_core_checks_a_lemma_11_file_without_the_package(tmp_path):
    # Copy the core alone into an empty folder and run it there.
    shutil.copy(ROOT / "certify" / "checker" / "core.py", tmp_path / "core.py")
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import core; "
              "text = open(sys.argv[2], encoding='utf-8').read(); "
              "print(core.check_output_bound(core.loads_strict(text, 'f'), 'f')['bound'])")
    valid = _fixtures("valid")[0]
    result = subprocess.run([sys.executable, "-I", "-c", script, str(tmp_path), str(valid)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert Fraction(result.stdout.strip()) <= Fraction(1, 3)


# -- rebuilt objects agree with the builder's --------------------------------------------

def test_rows_match_the_builder_and_spec_order():
    rows, normalisation = checker.no_signalling_rows((2, 2, 2, 2), (2, 2, 2, 2))
    system = NoSignallingSystem.build(Scenario.binary(4))
    assert normalisation == 16 and len(rows) == 272
    assert rows == system.rows


def test_rows_of_a_small_scenario_by_hand():
    # Two parties, binary: 4 normalisation rows, then party 1 (u1 = 1: u = 10, 11,
    # for x2 = 0, 1), then party 2 (u2 = 1: u = 01, 11, for x1 = 0, 1).
    rows, normalisation = checker.no_signalling_rows((2, 2), (2, 2))
    assert normalisation == 4 and len(rows) == 4 + 4 + 4
    # P(x|u) index = u_index * 4 + x_index; first party-1 row: u = 10, x2 = 0:
    # P(00|10) + P(10|10) - P(00|00) - P(10|00).
    assert rows[4] == ((0, -1), (2, -1), (8, 1), (10, 1))


def test_bell_expression_matches_eq_7_and_the_builder():
    bell = checker.paper_bell_coefficients()
    assert len(bell) == 64
    builder = paper_bell_expression()
    assert bell == {index: int(value) for index, value in builder.coefficients.items()}
    # eq. (7): u = 0001 in U0, even parity x = 0000 counts; x = 1000 does not.
    assert bell.get(1 * 16 + 0) == 1 and 1 * 16 + 8 not in bell
    # u = 0111 in U1, odd parity x = 0001 counts.
    assert bell.get(7 * 16 + 1) == 1 and 7 * 16 + 0 not in bell


# -- strict numbers ----------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [("0", (0, 1)), ("-1", (-1, 1)), ("1/3", (1, 3)),
                                         ("-22/7", (-22, 7)), ("1" + "0" * 4299, (10 ** 4299, 1))])
def test_canonical_rationals_are_parsed(text, value):
    assert checker.parse_rational(text, "$") == value
    numerator, denominator = value
    assert str(Fraction(numerator, denominator)) == text


@pytest.mark.parametrize("text", ["2/4", "1/1", " 1/2", "1/2 ", "1e3", "1_000", "+1", "-0", "0.5",
                                  "1/-2", "-0/3", "0/5", "00", "01", "1/0", "1/01", "", "/2", "1/",
                                  "\u0661", "1" + "0" * 4300, 1, None, ["1"], True])
def test_non_canonical_rationals_are_malformed(text):
    with pytest.raises(checker.Malformed):
        checker.parse_rational(text, "$")


def test_integers_are_not_booleans_or_floats():
    assert checker.integer(3, "$", 0, 5) == 3
    for bad in (True, False, 3.0, "3", 6, -1):
        with pytest.raises(checker.Malformed):
            checker.integer(bad, "$", 0, 5)


def test_strict_json_rejects_floats_constants_duplicates():
    for text in ('{"a": 1.5}', '{"a": 1e2}', '{"a": NaN}', '{"a": -Infinity}', '{"a": 1, "a": 1}',
                 '{"a": -0}', '{"a": [1, 2,]}', "{'a': 1}"):
        with pytest.raises(checker.Malformed):
            checker.loads_strict(text, "t.json")
    assert checker.loads_strict('{"a": [1, -2, "x"]}', "t.json") == {"a": [1, -2, "x"]}


def test_depth_scan_ignores_brackets_inside_strings():
    text = json.dumps({"a": "[" * 1000 + "{" * 1000})
    assert checker.loads_strict(text, "t.json")["a"].startswith("[[")
    nested = "[" * 64 + "]" * 64
    assert checker.loads_strict(nested, "t.json")
    with pytest.raises(checker.Malformed, match="nested deeper"):
        checker.loads_strict("[" * 65 + "]" * 65, "t.json")


# -- limits on hostile input: each refused by its limit (times: benchmarks/hostile_inputs.py) --

def _refused_quickly(path, match):
    with pytest.raises(checker.Malformed, match=match):
        checker_dispatch.check_file(str(path))


def test_million_digit_integer_is_refused_quickly(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"format": "certify/output-bound", "version": ' + "7" * 1_000_000 + "}")
    _refused_quickly(path, "longer than 4300 digits")


def test_deep_nesting_is_refused_quickly(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    _refused_quickly(path, "nested deeper than 64")


def test_hundred_megabyte_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:  # sparse file: no 100 MB actually written
        handle.truncate(100 * 1024 * 1024)
    _refused_quickly(path, "more than the limit")


def test_symbolic_link_is_refused(tmp_path):
    target = _fixtures("valid")[0]
    link = tmp_path / "link.json"
    link.symlink_to(target)
    _refused_quickly(link, "symbolic link")


def test_folder_given_as_file_is_malformed(tmp_path):
    _refused_quickly(tmp_path, "not a regular file")


# -- manifest ----------------------------------------------------------------------------

def _write_manifest(folder: Path, entries) -> Path:
    manifest = {"format": "certify/manifest", "version": 1,
                "files": [{"path": p, "sha256": h} for p, h in entries],
                "provenance": {"certify": "0.1.0"}}
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest))
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_accepts_listed_files_and_rejects_changes(tmp_path):
    (tmp_path / "sub").mkdir()
    data = tmp_path / "sub" / "a.json"
    data.write_text("{}")
    manifest = _write_manifest(tmp_path, [("sub/a.json", _sha(data))])
    assert checker_dispatch.check_file(str(manifest))[1] == {"sub/a.json"}
    data.write_text("{ }")
    with pytest.raises(checker.NotProven, match="SHA-256 differs"):
        checker_dispatch.check_file(str(manifest))
    data.unlink()
    with pytest.raises(checker.NotProven, match="does not exist"):
        checker_dispatch.check_file(str(manifest))


@pytest.mark.parametrize("bad_path", ["../outside.json", "/etc/passwd", "sub/../a.json", "./a.json",
                                      "sub\\a.json", "sub//a.json", "", "a.json\n", 7])
def test_manifest_paths_must_stay_inside(tmp_path, bad_path):
    manifest = _write_manifest(tmp_path, [(bad_path, "0" * 64)])
    _refused_quickly(manifest, "path")


def test_manifest_rejects_symlinked_folder_and_unsorted_paths(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.json").write_text("{}")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    manifest = _write_manifest(tmp_path, [("link/a.json", _sha(real / "a.json"))])
    _refused_quickly(manifest, "symbolic link")
    manifest = _write_manifest(tmp_path, [("real/b.json", "0" * 64), ("real/a.json", "0" * 64)])
    _refused_quickly(manifest, "sorted and unique")
    manifest = _write_manifest(tmp_path, [("real/a.json", "0" * 63)])
    _refused_quickly(manifest, "64 lowercase hex")


# -- coverage ----------------------------------------------------------------------------

def test_coverage_names_absent_and_mislabelled_pairs():
    statement = {"setting": "0001", "outcome": "1000"}
    with pytest.raises(checker.NotProven, match="1 of 256 pairs proven"):
        checker_registry.check_coverage({"u0001-x1000.json": statement}, {"u0001-x1000.json"})
    with pytest.raises(checker.NotProven, match="name must match"):
        checker_registry.check_coverage({"u0000-x0000.json": statement}, {"u0000-x0000.json"})


# -- the committed certificates and the audit command ------------------------------------

needs_committed = pytest.mark.skipif(not (LEMMA11 / "u0000-x0000.json").exists(),
                                     reason="certificates/lemma11 not generated on this branch yet")


@pytest.mark.slow
@needs_committed
def test_audit_accepts_the_committed_certificates():
    result = _run_cli("audit")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert sum(line.startswith("OK ") for line in lines) >= 256 + 2  # files, coverage, manifest
    assert "0 not proven, 0 malformed" in lines[-1]


@needs_committed
def test_audit_copy_with_lowered_bound_exits_1(tmp_path):
    copy = tmp_path / "lemma11"
    shutil.copytree(LEMMA11, copy)
    path = copy / "u0001-x1000.json"
    document = json.loads(path.read_text())
    certificate = document["paper_claim"]["certificate"]
    certificate["bound"] = str(Fraction(certificate["bound"]) - Fraction(1, 10**6))
    path.write_text(json.dumps(document))
    result = _run_cli("audit", copy)
    assert result.returncode == 1, result.stdout[-2000:]
    assert f"NOT PROVEN  {path}" in result.stdout
    assert str(path) in result.stderr


@needs_committed
def test_audit_copy_with_pair_removed_exits_1(tmp_path):
    copy = tmp_path / "lemma11"
    shutil.copytree(LEMMA11, copy)
    (copy / "u1111-x0110.json").unlink()
    result = _run_cli("audit", copy)
    assert result.returncode == 1
    assert "255 of 256 pairs proven" in result.stderr and "u1111-x0110.json" in result.stderr


@needs_committed
def test_audit_copy_with_broken_json_exits_2_over_1(tmp_path):
    copy = tmp_path / "lemma11"
    shutil.copytree(LEMMA11, copy)
    (copy / "u0000-x0000.json").write_text('{"format": ')
    result = _run_cli("audit", copy)
    assert result.returncode == 2  # malformed wins over the coverage failure it causes
    assert "MALFORMED" in result.stdout


@pytest.mark.slow
@needs_committed
def test_audit_detects_an_unlisted_file_in_the_certificates_folder(tmp_path):
    copy = tmp_path / "certificates"
    shutil.copytree(COMMITTED, copy)
    shutil.copy(copy / "lemma11" / "u0000-x0000.json", copy / "extra.json")
    result = _run_cli("audit", copy)
    assert result.returncode == 1
    assert "files not listed" in result.stderr and "extra.json" in result.stderr


def test_check_and_show_on_fixtures():
    valid = _fixtures("valid")[0]
    result = _run_cli("check", valid)
    assert result.returncode == 0 and result.stdout.startswith("OK")
    shown = _run_cli("show", valid)
    assert shown.returncode == 0
    assert "<= 1/3 + 2/3 * B.P for every no-signalling box" in shown.stdout
    assert "value function" in shown.stdout
    as_json = json.loads(_run_cli("show", "--json", valid).stdout)
    assert as_json["paper_claim"]["constant"] == "1/3"
    invalid = _run_cli("check", FIXTURES / "invalid" / "witness-off-by-epsilon.json")
    assert invalid.returncode == 1 and invalid.stdout.startswith("NOT PROVEN")
    assert "witness" in invalid.stderr and "Traceback" not in invalid.stderr
    malformed = _run_cli("check", FIXTURES / "malformed" / "duplicate-key.json")
    assert malformed.returncode == 2 and "duplicate key" in malformed.stderr


def test_audit_of_mixed_files_exits_2_and_prints_one_line_each():
    files = [_fixtures("valid")[0], FIXTURES / "invalid" / "paper-bound-lowered.json",
             FIXTURES / "malformed" / "broken-json.json"]
    result = _run_cli("audit", *files)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["USER", "NOT", "MALFORMED"]
    assert lines[-1].startswith("audit: 3 entries: 0 ok, 1 not proven, 1 malformed, 0 skipped, "
                               "0 not independently audited, 1 user statements")
    assert "Traceback" not in result.stderr


def test_audit_skips_foreign_records_only_under_proofs(tmp_path):
    (tmp_path / "certificates").mkdir()
    (tmp_path / "proofs").mkdir()
    (tmp_path / "proofs" / "note.json").write_text('{"format": "someone/else", "version": 1}')
    shutil.copy(_fixtures("valid")[0], tmp_path / "certificates" / "one.json")
    environment_result = _run_cli("audit", cwd=tmp_path)
    assert "SKIPPED     proofs/note.json" in environment_result.stdout
    assert "format 'someone/else' is not one the checker knows" in environment_result.stderr
    # certificates/ needs a manifest and full coverage: exit 1, not 0.
    assert environment_result.returncode == 2  # the required manifest is missing


# -- limits added by the clarification in the spec -----------------------------------------

def test_huge_common_denominator_is_refused_quickly():
    # Many distinct 4300-digit denominators: their lcm would have about a million digits.
    entries = [[k, f"1/{10 ** 4299 + 2 * k + 1}"] for k in range(256)]
    with pytest.raises(checker.Malformed, match="common denominator has more than 65536 bits"):
        checker.sparse(entries, 256, "$.witness")


def test_checker_runs_as_a_script():
    files = [_fixtures("valid")[0], FIXTURES / "invalid" / "witness-off-by-epsilon.json",
             FIXTURES / "malformed" / "duplicate-key.json"]
    result = subprocess.run([sys.executable, "-m", "certify.checker.dispatch", *map(str, files)],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    statuses = [line.split()[0] for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert statuses == ["OK", "NOT", "MALFORMED"]


# -- the JSON Schema matches the checker where a schema can say anything ------------------

SCHEMA = json.loads((ROOT / "docs" / "certificate.schema.json").read_text())


@pytest.mark.parametrize("text", ["0", "-1", "1/3", "-22/7", "7", "2/4", "1/1", "-0", "+1", " 1/2", "1e3",
                                  "1_000", "0.5", "1/-2", "0/5", "01", "1/0", "1/01", "١"])
def test_schema_rational_pattern_agrees_with_the_checker(text):
    import re
    in_schema = re.fullmatch(SCHEMA["$defs"]["rational"]["pattern"].strip("^$"), text) is not None
    try:
        checker.parse_rational(text, "$")
        in_checker = True
    except checker.Malformed:
        in_checker = False
    if text == "2/4":  # lowest terms is beyond a regular expression: the checker decides
        assert in_schema and not in_checker
    else:
        assert in_schema == in_checker


def test_schema_keys_match_the_committed_files():
    document = json.loads(_fixtures("valid")[0].read_text())
    output_bound = SCHEMA["$defs"]["outputBound"]
    assert set(output_bound["required"]) == set(document)
    assert output_bound["properties"]["scenario"]["const"] == checker.PAPER_SCENARIO
    for key in ("paper_claim", "value_function", "target", "expression"):
        assert set(output_bound["properties"][key]["required"]) == set(document[key])


def test_committed_files_validate_against_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for path in _fixtures("valid"):
        validator.validate(json.loads(path.read_text()))
    bad = json.loads((FIXTURES / "malformed" / "unknown-field.json").read_text())
    assert not validator.is_valid(bad)


@pytest.mark.slow
@needs_committed
def test_parallel_and_serial_audit_agree(tmp_path):
    from certify.checker.audit import audit
    copy = tmp_path / "lemma11"
    shutil.copytree(LEMMA11, copy)
    (copy / "u0000-x0001.json").write_text("[")
    (copy / "u0011-x0000.json").unlink()
    serial = audit([str(copy)], workers=1)
    parallel = audit([str(copy)], workers=2)
    assert serial == parallel
    # Outside a certificates/ folder no claim is registered: proven files are user statements.
    assert [status for _, status, _ in serial].count("user") == 254


@pytest.mark.slow
def test_audit_quiet_prints_only_the_entries_that_need_attention_and_the_summary(tmp_path):
    folder = tmp_path / "lemma11"  # outside certificates/: its files are user statements
    shutil.copytree(ROOT / "certificates" / "lemma11", folder)
    loud = _run_cli("audit", folder)
    quiet = _run_cli("audit", "--quiet", folder)
    assert loud.returncode == quiet.returncode == 0
    assert len(loud.stdout.splitlines()) == 258 and loud.stderr
    assert quiet.stdout.splitlines() == loud.stdout.splitlines()[-1:] and quiet.stderr == ""
    assert quiet.stdout.startswith("audit: 257 entries") and "-> exit 0" in quiet.stdout
    (folder / "u0000-x0000.json").write_text("{")
    broken = _run_cli("audit", "--quiet", folder)
    lines = broken.stdout.splitlines()
    assert broken.returncode == 2 and lines[-1].startswith("audit: ")
    assert lines[:-1] and all("u0000-x0000.json" in line or "coverage" in line for line in lines[:-1])
    assert "u0000-x0000.json" in broken.stderr
