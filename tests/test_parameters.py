"""Tests for certify.params.theorems: the regions of Theorems 20 and 27, versions (a) and (b)."""

import json
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from certify.errors import ClaimNotProven, InputError
from certify.params.theorems import (certified_condition_holds, certified_delta_max, certified_gamma,
                                certified_saturation_bell_sum, paper_condition_holds,
                                paper_delta_max, paper_gamma, prove_certified_region,
                                prove_paper_region, sign_of_sum_with_root)

CERTIFICATES = Path(__file__).resolve().parent.parent / "certificates"
HAVE_CERTIFICATES = (CERTIFICATES / "lemma11").is_dir()
EPSILONS = [Fraction(0), Fraction(1, 10), Fraction(1, 4), Fraction(49, 100), Fraction(4999, 10000)]


def _sympy_delta_max(eps):
    """Independent: solve (1/3)(1 + 2 sqrt(2 d)/s^4) = 1 for d with sympy."""
    d = sympy.Symbol("d", nonnegative=True)
    s = sympy.Rational(1, 2) - sympy.Rational(eps.numerator, eps.denominator)
    (root,) = sympy.solve(sympy.Eq(sympy.Rational(1, 3) * (1 + 2 * sympy.sqrt(2 * d) / s ** 4), 1), d)
    return Fraction(int(root.p), int(root.q))


@pytest.mark.parametrize("eps", EPSILONS)
def test_paper_delta_max_matches_sympy_solution(eps):
    assert paper_delta_max(eps) == _sympy_delta_max(eps)


@pytest.mark.parametrize("eps", EPSILONS)
def test_paper_boundary_is_open(eps):
    limit = paper_delta_max(eps)
    assert not paper_condition_holds(eps, limit)          # exactly on the boundary: gamma = 1
    assert paper_gamma(eps, limit) == 1
    assert paper_condition_holds(eps, limit * (1 - Fraction(1, 10 ** 30)))
    assert not paper_condition_holds(eps, limit * (1 + Fraction(1, 10 ** 30)))
    assert paper_condition_holds(eps, 0)


def test_known_values():
    assert paper_delta_max(0) == Fraction(1, 512)
    assert paper_delta_max(Fraction(1, 10)) == Fraction(128, 390625)
    assert paper_delta_max(Fraction(1, 4)) == Fraction(1, 131072)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.fractions(min_value=-10, max_value=10, max_denominator=50),
       st.fractions(min_value=-10, max_value=10, max_denominator=50),
       st.fractions(min_value=0, max_value=10, max_denominator=50))
def test_sign_of_sum_with_root_matches_sympy(a, c, r):
    value = (sympy.Rational(a.numerator, a.denominator)
             + sympy.Rational(c.numerator, c.denominator) * sympy.sqrt(sympy.Rational(r.numerator, r.denominator)))
    expected = 0 if sympy.simplify(value) == 0 else (1 if value.is_positive else -1)
    assert sign_of_sum_with_root(a, c, r) == expected


@pytest.mark.parametrize("bad_eps", ["1/2", "0.6", "-0.1", "one tenth"])
def test_bad_epsilon(bad_eps):
    with pytest.raises(InputError):
        paper_condition_holds(bad_eps, "1/1000")


@pytest.mark.parametrize("bad_delta", ["-1/1000", "delta", "1/0"])
def test_bad_delta(bad_delta):
    with pytest.raises(InputError):
        paper_condition_holds("1/10", bad_delta)


def test_region_proof_holds_and_algebra_is_present():
    proof = prove_paper_region()
    assert proof["holds"] and all(proof["steps"].values())
    assert proof["closed_form"] == "delta_max(eps) = (1/2 - eps)^8 / 2"
    assert [step["kind"] for step in proof["algebra"]] == [
        "polynomial-identity", "polynomial-identity", "polynomial-positive"]


# ----------------------------------------------------------------------------- version (b)

def _raw_saturation_points(folder: Path):
    """Independent: for each certificate file, the first breakpoint with value "1"."""
    result = {}
    for path in sorted((folder / "lemma11").glob("*.json")):
        document = json.loads(path.read_text())
        points = [(Fraction(p["bell_value"]), Fraction(p["value"]))
                  for p in document["value_function"]["breakpoints"]]
        reaching = [b for b, v in points if v == 1]
        key = document["target"]["setting"] + "|" + document["target"]["outcome"]
        result[key] = min(reaching) if reaching else None
    return result


@pytest.fixture(scope="module")
def value_functions():
    if not HAVE_CERTIFICATES:
        pytest.skip("no certificates in this checkout")
    from certify.builder.store import load_value_functions
    return load_value_functions(CERTIFICATES)


@pytest.mark.slow
def test_certified_saturation_read_from_files(value_functions):
    raw = _raw_saturation_points(CERTIFICATES)
    expected = min(b for b in raw.values() if b is not None)
    b_star, pairs = certified_saturation_bell_sum(value_functions)
    assert b_star == expected
    assert pairs == sorted(k for k, b in raw.items() if b == expected)


@pytest.mark.slow
@pytest.mark.parametrize("eps", EPSILONS)
def test_certified_delta_max_and_boundary(value_functions, eps):
    b_star = min(b for b in _raw_saturation_points(CERTIFICATES).values() if b is not None)
    s = Fraction(1, 2) - eps
    limit = certified_delta_max(eps, value_functions)
    assert limit == s ** 8 * b_star ** 2 / 2
    assert not certified_condition_holds(eps, limit, value_functions)
    assert certified_condition_holds(eps, limit * (1 - Fraction(1, 10 ** 20)), value_functions)
    assert certified_condition_holds(eps, 0, value_functions)


def test_certified_gamma_against_direct_evaluation(value_functions):
    # at a rational Bell sum (delta chosen so sqrt(2 delta) is rational) evaluate every
    # function directly and take the maximum
    eps = Fraction(1, 10)
    s4 = (Fraction(1, 2) - eps) ** 4
    for bell_sum in (Fraction(0), Fraction(1, 7), Fraction(1), Fraction(3, 2), Fraction(2), Fraction(5)):
        root = bell_sum * s4          # sqrt(2 delta)
        delta = root ** 2 / 2
        gamma, _ = certified_gamma(eps, delta, value_functions)
        expected = max(f.evaluate(bell_sum) for f in value_functions.values())
        assert gamma == expected


def test_certified_region_proof(value_functions):
    proof = prove_certified_region(value_functions)
    assert proof["holds"]
    assert proof["b_star"] == str(certified_saturation_bell_sum(value_functions)[0])


@pytest.mark.slow
def test_version_b_follows_the_certificates(value_functions, tmp_path):
    """(b) is computed from the certificates: change one value function, (b) changes.

    A consistent edit of a certificate would need new LP multipliers, so this test
    bypasses the builder's check: it edits the *document* of one pair in a temporary
    copy (a steeper piece reaching 1 at Bell sum 1/2) and builds ValueFunctions with
    ``certificate_store.value_function_of``. The checked loader must refuse the
    edited copy, so the command can never use it.
    """
    from certify.builder.store import load_value_functions, value_function_of
    from certify.formats.strict_json import load_document
    copy = tmp_path / "certificates"
    shutil.copytree(CERTIFICATES, copy)
    eps = Fraction(1, 10)
    assert certified_delta_max(eps, load_value_functions(copy)) == certified_delta_max(eps, value_functions)
    path = copy / "lemma11" / "u0000-x0000.json"
    document = load_document(path)
    function = document["value_function"]
    witness = function["breakpoints"][-1]["witness"]
    function["breakpoints"] = [
        {"bell_value": "0", "value": "3/10", "witness": function["breakpoints"][0]["witness"]},
        {"bell_value": "1/2", "value": "1", "witness": witness}]
    function["pieces"] = [{"constant": "3/10", "slope": "7/5", "certificate": function["pieces"][0]["certificate"]},
                          {"constant": "1", "slope": "0", "certificate": function["pieces"][-1]["certificate"]}]
    path.write_text(json.dumps(document))
    edited = dict(value_functions)
    edited["0000|0000"] = value_function_of(document)
    before = certified_delta_max(eps, value_functions)
    after = certified_delta_max(eps, edited)
    assert after == (Fraction(2, 5)) ** 8 * Fraction(1, 2) ** 2 / 2
    assert after != before
    assert certified_saturation_bell_sum(edited) == (Fraction(1, 2), ["0000|0000"])
    with pytest.raises((InputError, ClaimNotProven)):
        load_value_functions(copy)


# ----------------------------------------------------------------------------- command line

@pytest.mark.slow
def test_params_command_json(capsys):
    from certify.cli.main import main
    assert main(["params", "--epsilon", "1/10", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"lemma10", "theorem20", "theorem27", "noise_tolerance"} <= set(report)
    assert report["theorem20"]["delta_max"] == str(Fraction(2, 5) ** 8 / 2)
    if HAVE_CERTIFICATES:
        b_star = min(b for b in _raw_saturation_points(CERTIFICATES).values() if b is not None)
        assert report["theorem20"]["delta_max_certified"] == str(Fraction(2, 5) ** 8 * b_star ** 2 / 2)
    finite = report["theorem20"]["finite_size"]
    assert finite["paper_choice"]["found"] and finite["optimised"]["found"]
    assert finite["optimised"]["rounds"] <= finite["paper_choice"]["rounds"]


@pytest.mark.parametrize("argv,fragment", [
    (["params", "--epsilon", "1/2"], "--epsilon"),
    (["params", "--epsilon", "abc"], "--epsilon"),
    (["params", "--epsilon", "1/10", "--delta=-1/100"], "--delta"),
    (["params", "--epsilon", "1/10", "--target-error", "2"], "--target-error"),
    (["params"], "--epsilon"),
    (["params", "--plot", "figure.jpg"], "--plot"),
])
def test_params_command_bad_input(argv, fragment, capsys):
    from certify.cli.main import main
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert fragment in error and "Traceback" not in error


@pytest.mark.slow
def test_params_plot(tmp_path):
    from certify.cli.main import main
    target = tmp_path / "fig6.svg"
    assert main(["params", "--plot", str(target)]) == 0
    text = target.read_text()
    assert "<svg" in text and "certified" in text.lower() or not HAVE_CERTIFICATES
