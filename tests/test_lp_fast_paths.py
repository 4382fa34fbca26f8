"""The builder's exact shortcuts must not accept what they should hand on: the fast
path of :func:`certify.lp.exact.maximise` and :func:`~certify.lp.exact.lexicographic_minimum`
given a feasible but non-optimal basis of full length, and
:func:`certify.lp.value_function.upper_envelope` where the maximum changes hands
between breakpoints (an interior crossing)."""

from __future__ import annotations

from fractions import Fraction

from certify.lp import exact
from certify.lp.value_function import ValueFunction, upper_envelope

ONE_ROW = exact.StandardFormLP(rows=(((0, Fraction(1)), (1, Fraction(1)), (2, Fraction(1))),),
                               rhs=(Fraction(1),), num_columns=3,
                               objective=(Fraction(1), Fraction(3), Fraction(2)))


def test_maximise_does_not_stop_at_a_feasible_non_optimal_basis():
    # Basis [0] (one column for one row): z = (1, 0, 0) is feasible, y = 1, and
    # c.z = b.y = 1, so only the reduced cost 3 - 1 > 0 of column 1 shows it is not optimal.
    assert exact._basis_solution(ONE_ROW, [0]) is not None
    assert exact._verify_proposed_basis(ONE_ROW, [0]) is None
    result = exact.maximise(ONE_ROW, [0])
    assert (result.value, result.primal, result.dual) == (3, (0, 1, 0), (3,))
    assert exact._verify_proposed_basis(ONE_ROW, [1]).value == 3  # the optimal basis is taken as is


def test_maximise_over_two_rows_from_a_non_optimal_basis():
    # z0 + z1 + z2 = 1, z2 + z3 = 1; maximise z1 + z3. Basis [0, 2] is feasible: z = (0, 0, 1, 0).
    lp = exact.StandardFormLP(rows=(((0, Fraction(1)), (1, Fraction(1)), (2, Fraction(1))),
                                    ((2, Fraction(1)), (3, Fraction(1)))),
                              rhs=(Fraction(1), Fraction(1)), num_columns=4,
                              objective=(Fraction(0), Fraction(1), Fraction(0), Fraction(1)))
    assert exact._basis_solution(lp, [0, 2])[0] == [0, 0, 1, 0]  # value 0, not optimal
    assert exact._verify_proposed_basis(lp, [0, 2]) is None
    result = exact.maximise(lp, [0, 2])
    assert result.value == 2 and result.primal == (0, 1, 0, 1)


def test_unique_minimum_shortcut_needs_strictly_positive_reduced_costs():
    primary = [Fraction(1), Fraction(2), Fraction(2)]
    # Basis [1]: z = (0, 1, 0) is feasible, primary cost 2; column 0 costs 1 less.
    assert exact._unique_primary_minimum(ONE_ROW, primary, [1]) is None
    assert exact.lexicographic_minimum(ONE_ROW, [0, 1, 2], [1], primary).primal == (1, 0, 0)
    # A tie (reduced cost 0): the basis point minimises the primary cost but is not the
    # only minimiser, so the priority order decides: z1 first, so z1 = 0.
    tie = [Fraction(1), Fraction(1), Fraction(2)]
    assert exact._unique_primary_minimum(ONE_ROW, tie, [1]) is None
    assert exact.lexicographic_minimum(ONE_ROW, [1, 0, 2], [1], tie).primal == (1, 0, 0)
    assert exact.lexicographic_minimum(ONE_ROW, [0, 1, 2], [0], tie).primal == (0, 1, 0)
    assert exact._unique_primary_minimum(ONE_ROW, primary, [0]).primal == (1, 0, 0)


def _function(target, breakpoints, pieces):
    return ValueFunction(target, tuple((Fraction(d), Fraction(v)) for d, v in breakpoints),
                         tuple((Fraction(a), Fraction(s)) for a, s in pieces))


def test_upper_envelope_keeps_an_interior_crossing():
    # f = min(delta, 1); g = min(1/2 + delta/4, 1). g leads until they cross at delta = 2/3
    # (value 2/3, a breakpoint of neither), then f leads up to (1, 1).
    f = _function(0, [(0, 0), (1, 1)], [(0, 1), (1, 0)])
    g = _function(1, [(0, "1/2"), (2, 1)], [("1/2", "1/4"), (1, 0)])
    expected = ((0, Fraction(1, 2)), (Fraction(2, 3), Fraction(2, 3)), (1, 1))
    assert upper_envelope([f, g]) == expected
    assert upper_envelope([g, f]) == expected


def test_upper_envelope_of_one_function_is_itself():
    f = _function(0, [(0, "1/3"), (2, 1)], [("1/3", "1/3"), (1, 0)])
    assert upper_envelope([f]) == f.breakpoints
