"""Value functions: property tests against fresh LP solves."""

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certify.lp.value_function import compute_value_function

REPRESENTATIVES = [0, 16, 17]  # one pair of each orbit of the paper's expression


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(REPRESENTATIVES + [5, 99, 254]),
       numerator=st.integers(min_value=0, max_value=90), denominator=st.integers(min_value=1, max_value=30))
def test_value_function_equals_fresh_lp(paper_certifier, target, numerator, denominator):
    bell_value = Fraction(numerator, denominator)
    pair = paper_certifier.certificates(target)
    function = pair.value_function
    fresh = paper_certifier.lp.maximise_target(target, bell_value)
    assert function.evaluate(bell_value) == fresh.value
    witness = function.witness_at(bell_value)
    assert paper_certifier.lp.system.contains(witness)
    assert paper_certifier.expression.value(witness) <= bell_value
    assert witness[target] == fresh.value


def test_value_functions_of_the_three_orbits(paper_lp):
    """Exact shapes (computed from scratch here, not read from files)."""
    shapes = {}
    for target in REPRESENTATIVES:
        function = compute_value_function(paper_lp, target)
        shapes[paper_lp.scenario.pair_key(target)] = (function.breakpoints, function.pieces)
    F = Fraction
    assert shapes["0000|0000"] == (((0, F(3, 10)), (2, 1)), ((F(3, 10), F(7, 20)), (1, 0)))
    assert shapes["0001|0000"] == (((0, 0), (2, 1)), ((0, F(1, 2)), (1, 0)))
    assert shapes["0001|0001"] == (((0, F(1, 3)), (2, 1)), ((F(1, 3), F(1, 3)), (1, 0)))


def test_paper_bound_holds_and_is_loose(paper_lp):
    """max P_t - (2/3) B.P <= 1/3 for every orbit, equality only for 0001|0001."""
    values = {t: paper_lp.maximise_inequality(t, Fraction(2, 3))[0] for t in REPRESENTATIVES}
    assert values == {0: Fraction(3, 10), 16: 0, 17: Fraction(1, 3)}
