"""Builder side of the family certificates (certify/expression-reduced): values agree with the
full-LP certificates where both exist, the exact verification rejects tampering, and the committed
files verify."""

import copy
import json
from fractions import Fraction

import pytest

from certify.builder.store import load_value_functions
from certify.errors import CertifyError, ClaimNotProven, InputError
from certify.formats.library import builtin_expression
from certify.builder.families import family_document
from certify.builder.verify import verify_family_document
from certify.formats.library import family_names
from certify.lp.reduced import reduced_certificate


@pytest.fixture(scope="module")
def paper_n4():
    return family_document(builtin_expression("paper-n4"))


@pytest.mark.slow
def test_paper_n4_is_the_papers_expression_and_matches_lemma_11(paper_n4, repository):
    # paper-n4 is eq. (7); each representative's v(0) equals the committed Lemma-11 value function at 0.
    assert builtin_expression("paper-n4").coefficients == builtin_expression("paper").coefficients
    functions = load_value_functions(repository / "certificates")
    values = verify_family_document(paper_n4, builtin_expression("paper-n4"))
    assert len(values) == 10
    for pair, value in values.items():
        assert functions[pair].evaluate(0) == value, pair
    assert paper_n4["max_output_probability_at_ns_optimum"] == {"value": "1/3", "pair": "0001|1000"}
    assert paper_n4["local_bound"]["value"] == "2" and paper_n4["is_bell_inequality"] is True


def test_mermin3_family_member_matches_the_library_certificates(repository):
    document = family_document(builtin_expression("mermin-n3"))
    bounds = json.loads((repository / "certificates/expressions/mermin3/bounds.json").read_text())
    assert document["local_bound"]["value"] == bounds["local_bound"]["value"]
    assert document["ns_optimum"]["value"] == bounds["ns_optimum"]["value"]
    assert document["max_output_probability_at_ns_optimum"]["value"] == \
        bounds["max_output_probability_at_ns_optimum"]["value"]


def test_dropping_the_penalised_orbits_gives_the_same_values_as_the_bell_row():
    # At offset + δ = 0 with C >= 0 the LP drops the orbits where C > 0 and sets the slope afterwards;
    # a tiny positive δ keeps the Bell row. v is non-decreasing and continuous, so the two must
    # nearly agree, and the Bell-row form must reproduce its value from bound + slope * δ.
    expression = builtin_expression("paper-n4")
    for key in ("0001|0000", "0001|1000", "0011|0000", "0000|0000"):
        target = expression.scenario.index_of_key(key)
        dropped = reduced_certificate(expression, target)
        tiny = reduced_certificate(expression, target, bell_value=Fraction(1, 10**6))
        assert dropped.value <= tiny.value <= dropped.value + Fraction(1, 10**5)
        assert tiny.value == tiny.bound + tiny.slope * Fraction(1, 10**6)


@pytest.mark.parametrize("mutate, error", [
    (lambda d: d["representatives"][3].__setitem__("value", "1/2"), ClaimNotProven),
    (lambda d: d["representatives"][3]["certificate"]["multipliers"][0].__setitem__(1, "7"), ClaimNotProven),
    (lambda d: d["representatives"][3].__setitem__("slope", "-1"), InputError),
    (lambda d: d["representatives"].pop(5), ClaimNotProven),
    (lambda d: d["max_output_probability_at_ns_optimum"].__setitem__("value", "1/2"), ClaimNotProven),
    (lambda d: d["local_bound"].__setitem__("value", "1"), ClaimNotProven),
    (lambda d: d.__setitem__("is_bell_inequality", False), ClaimNotProven),
    (lambda d: d["ns_optimum"]["certificate"].__setitem__("bound", "1"), ClaimNotProven),
    (lambda d: d["representatives"][3]["witness"].pop(), ClaimNotProven),
])
def test_tampered_documents_are_rejected(paper_n4, mutate, error):
    document = copy.deepcopy(paper_n4)
    mutate(document)
    with pytest.raises(error):
        verify_family_document(document, builtin_expression("paper-n4"))


def test_a_stabiliser_element_moving_the_target_is_rejected(paper_n4):
    document = copy.deepcopy(paper_n4)
    swap = document["symmetry"][0]  # parties 1 and 2 swapped: moves 0001|1000 (representative 3)
    document["representatives"][3]["stabiliser"].append(swap)
    with pytest.raises(ClaimNotProven, match="does not fix the target"):
        verify_family_document(document, builtin_expression("paper-n4"))


def test_non_parity_expressions_are_refused():
    with pytest.raises(InputError, match="binary expression invariant"):
        family_document(builtin_expression("magic-square"))


@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name in family_names() if name != "paper-n8"])
def test_committed_family_certificates_verify(repository, name):
    # paper-n8 (9 s) is verified by the regeneration test, which rebuilds, verifies and compares it.
    document = json.loads((repository / "certificates/families" / f"{name}.json").read_text())
    try:
        values = verify_family_document(document, builtin_expression(name))
    except CertifyError as error:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{name}: {error}")
    assert max(values.values()) == Fraction(document["max_output_probability_at_ns_optimum"]["value"])


def _lopsided_chsh():
    # CHSH plus a penalty on one pair: no parity-family moves, so the reduced path solves every pair.
    from certify.lp.expression import BellExpression

    chsh = builtin_expression("chsh")
    coefficients = dict(chsh.coefficients)
    coefficients[0] = coefficients.get(0, Fraction(0)) + Fraction(1, 2)
    return BellExpression("lopsided-chsh", chsh.scenario, coefficients, "minimise")


@pytest.mark.slow
@pytest.mark.parametrize("name, bell_value", [("mermin3", Fraction(1, 3)), ("paper", Fraction(1, 2)),
                                              ("chsh", Fraction(0)), ("lopsided-chsh", Fraction(1, 5))])
def test_reduced_optimum_table_equals_the_full_lp_table(name, bell_value):
    # The symmetry-reduced path (used above 1024 probabilities) against the full LPs, every pair.
    from certify.builder.optimum import optimum_table
    from certify.lp.reduced import parity_family_targets

    expression = _lopsided_chsh() if name == "lopsided-chsh" else builtin_expression(name)
    assert (parity_family_targets(expression) is None) == (name == "lopsided-chsh")
    full = optimum_table(expression, bell_value, reduced=False)
    reduced = optimum_table(expression, bell_value, reduced=True)
    assert reduced["optima"] == full["optima"]
    if name == "paper":  # the full table is Lemma 11's: plain Bell sum B.P, no penalty shift
        assert "penalty" not in full and reduced["penalty"] == {"sign": 1, "offset": "0"}
    else:
        assert reduced["penalty"] == full["penalty"] and reduced["canonical_order"] == full["canonical_order"]


@pytest.mark.parametrize("mutate", [
    lambda d: d.__setitem__("penalty", "1"),
    lambda d: d["local_bound"].__setitem__("strategy", ["0x", "00", "00", "10"]),
    lambda d: d.__setitem__("ns_optimum", []),
    lambda d: d["representatives"][2].__setitem__("pair", "0001"),
    lambda d: d.__setitem__("symmetry", {"parties": [0, 1, 2, 3]}),
    lambda d: d.__setitem__("max_output_probability_at_ns_optimum", None),
    lambda d: d.__setitem__("is_bell_inequality", "yes"),
])
def test_malformed_documents_give_input_errors_not_tracebacks(paper_n4, mutate):
    document = copy.deepcopy(paper_n4)
    mutate(document)
    with pytest.raises(InputError, match=r"\$\."):
        verify_family_document(document, builtin_expression("paper-n4"))
