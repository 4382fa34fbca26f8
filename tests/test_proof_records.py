"""Tests for certify.params.records: format, determinism, and an independent recheck of the algebra."""

import ast
import copy
import inspect
import json
from pathlib import Path

import pytest
import sympy

from certify.params import records as proof_records
from certify.params.records import (RECORD_FORMAT, RECORD_VERSION, build_proof_records,
                                   check_algebra_step, write_proof_records)

CERTIFICATES = Path(__file__).resolve().parent.parent / "certificates"


@pytest.fixture(scope="module")
def records():
    return build_proof_records()


def _sympy_polynomial(terms, symbols):
    return sum(sympy.Rational(c) * sympy.prod([v ** e for v, e in zip(symbols, exps)])
               for exps, c in terms)


def _sympy_recheck(step):
    """Independent recheck with sympy (the reference checker uses fractions only)."""
    symbols = sympy.symbols(step["variables"])
    if step["kind"] == "polynomial-identity":
        rhs = sum(sympy.Rational(t["coefficient"]) * sympy.prod([_sympy_polynomial(f, symbols) for f in t["factors"]])
                  for t in step["rhs"])
        return sympy.expand(_sympy_polynomial(step["lhs"], symbols) - rhs) == 0
    if step["kind"] == "polynomial-nonnegative":
        poly = sympy.Poly(sympy.expand(_sympy_polynomial(step["polynomial"], symbols)), *symbols)
        return all(c >= 0 for c in poly.coeffs())
    if step["kind"] == "polynomial-evaluation":
        value = _sympy_polynomial(step["polynomial"], symbols).subs(
            dict(zip(symbols, map(sympy.Rational, step["values"]))))
        return value == sympy.Rational(step["expected"])
    raise AssertionError(step["kind"])


def test_every_record_has_the_format_and_rechecks(records):
    assert records
    for path, record in records.items():
        assert path.startswith("params/") and path.endswith(".json")
        assert record["format"] == RECORD_FORMAT == "certify/proof-record"
        assert record["version"] == RECORD_VERSION == 2
        assert set(record) == {"format", "version", "name", "formula", "statement", "inputs", "method",
                               "result", "details", "audit"}
        assert record["result"] == "proved"
        audit = record["audit"]
        if audit["independently_audited"]:
            assert audit["algebra"]
            for step in audit["algebra"]:
                assert check_algebra_step(step) is True
                assert _sympy_recheck(step)
        else:
            assert audit["reason"]


def test_expected_records_present(records):
    names = {record["name"] for record in records.values()}
    assert {"lemma10-chain", "theorem20-region-paper", "theorem27-region-paper",
            "delta-max-paper-eps-1/10", "noise-tolerance-paper-eps-0"} <= names
    assert records["params/delta-max-paper-eps-1_10.json"]["details"]["delta_max"] == "128/390625"


def test_tampered_algebra_fails(records):
    step = copy.deepcopy(records["params/theorem20-region-paper.json"]["audit"]["algebra"][1])
    assert check_algebra_step(step)
    step["lhs"][0][1] = "2"
    assert not check_algebra_step(step)
    evaluation = copy.deepcopy(records["params/delta-max-paper-eps-0.json"]["audit"]["algebra"][0])
    evaluation["expected"] = "1/511"
    assert not check_algebra_step(evaluation)
    positive = {"kind": "polynomial-nonnegative", "variables": ["s", "r"], "positive_variables": ["s"],
                "nonnegative_variables": ["r"], "strict": True, "polynomial": [[[0, 1], "1"]]}
    assert not check_algebra_step(positive)      # r alone can be 0: not strictly positive


@pytest.mark.parametrize("bad", ["2/4", "1.5", " 1", "1e3", "+1", "-0", 3])
def test_non_canonical_rationals_are_malformed(bad):
    step = {"kind": "polynomial-evaluation", "variables": ["s"], "polynomial": [[[1], bad]],
            "values": ["1"], "expected": "1"}
    with pytest.raises(ValueError):
        check_algebra_step(step)


def test_checker_uses_only_the_standard_library():
    from certify.checker import records as checker_records
    source = inspect.getsource(checker_records.check_algebra_step)
    for name in ("sympy", "mpmath", "flint", "numpy"):
        assert name not in source
    tree = ast.parse(inspect.getsource(proof_records))
    top_imports = {alias.name for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
                   for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])}
    # Standard library, plus the package's own stdlib-only checker and writer (certify.builder.jsonio).
    assert top_imports <= {"__future__", "json", "re", "fractions", "pathlib", "certify.checker",
                           "certify.builder.jsonio"}


def test_written_deterministically_and_atomically(tmp_path):
    first = write_proof_records(tmp_path / "a" / "proofs", certificates_dir=tmp_path / "none")
    second = write_proof_records(tmp_path / "b" / "proofs", certificates_dir=tmp_path / "none")
    assert [p.relative_to(tmp_path / "a") for p in first] == [p.relative_to(tmp_path / "b") for p in second]
    assert first == sorted(first)
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
        assert json.loads(a.read_text())["format"] == "certify/proof-record"
    assert not list((tmp_path / "a").rglob(".tmp-*"))
    assert all(p.stat().st_mode & 0o044 for p in first)    # readable by others, not 0600


@pytest.mark.skipif(not (CERTIFICATES / "lemma11").is_dir(), reason="no certificates in this checkout")
def test_certified_records_from_the_certificates(tmp_path):
    written = write_proof_records(tmp_path / "proofs", certificates_dir=CERTIFICATES)
    names = {p.name for p in written}
    assert "theorem20-region-certified.json" in names
    record = json.loads((tmp_path / "proofs" / "params" / "theorem20-region-certified.json").read_text())
    raw = []
    for path in sorted((CERTIFICATES / "lemma11").glob("*.json")):
        points = json.loads(path.read_text())["value_function"]["breakpoints"]
        raw += [sympy.Rational(p["bell_value"]) for p in points if p["value"] == "1"][:1]
    assert record["inputs"]["b_star"] == str(min(raw))
    assert record["result"] == "proved" and record["audit"]["independently_audited"]
    assert "not_audited_parts" in record["audit"]
