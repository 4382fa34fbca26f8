"""Exact LP stage: the float basis only proposes."""

from fractions import Fraction

import pytest

from certify.lp.exact import ExactLPError, StandardFormLP, lexicographic_minimum, maximise
from certify.lp.float_solve import propose_basis


def _lp(paper_lp, target, slope):
    return StandardFormLP(paper_lp.rows, paper_lp.rhs, paper_lp.size,
                          tuple(paper_lp.objective(target, slope)))


def _chsh_lp(target):
    """Two parties, CHSH penalty: small enough for long exact pivot sequences."""
    from certify.lp.expression import BellExpression
    from certify.lp.program import NoSignallingLP
    from certify.lp.scenario import Scenario

    scenario = Scenario.binary(2)
    losing = {scenario.index(u, x): Fraction(1) for u in scenario.setting_tuples
              for x in scenario.outcome_tuples if (x[0] ^ x[1]) != (u[0] & u[1])}
    lp = NoSignallingLP(BellExpression("chsh", scenario, losing))
    return StandardFormLP(lp.rows, lp.rhs, lp.size, tuple(lp.objective(target, Fraction(1, 2))))


@pytest.mark.parametrize("target", range(0, 16, 3))
def test_wrong_or_empty_basis_falls_back_to_exact_pivots(target):
    lp = _chsh_lp(target)
    proposal = propose_basis(lp.objective, lp.rows, lp.rhs, lp.num_columns)
    from_float = maximise(lp, proposal.basis(lp.num_columns))
    from_bad = maximise(lp, list(range(lp.num_columns - 1, -1, -1)))  # a deliberately poor start
    from_nothing = maximise(lp, [])  # logicals only: phase 1 must find a feasible basis
    assert from_float.value == from_bad.value == from_nothing.value
    assert from_nothing.pivots > 0


@pytest.mark.slow
@pytest.mark.parametrize("target", [0, 16, 17])
def test_perturbed_float_basis_is_repaired_exactly(paper_lp, target):
    """Drop one basic column of HiGHS's optimal basis: the exact stage repairs it."""
    lp = _lp(paper_lp, target, Fraction(2, 3))
    proposal = propose_basis(lp.objective, lp.rows, lp.rhs, lp.num_columns)
    from_float = maximise(lp, proposal.basis(lp.num_columns))
    assert from_float.pivots == 0  # HiGHS's basis is exactly optimal here
    damaged = list(proposal.basis(lp.num_columns))[1:]
    repaired = maximise(lp, damaged)
    assert repaired.value == from_float.value


def test_exact_duality_certificate_is_checked(paper_lp):
    lp = _lp(paper_lp, 17, Fraction(2, 3))
    result = maximise(lp, propose_basis(lp.objective, lp.rows, lp.rhs, lp.num_columns).basis(lp.num_columns))
    # Weak duality by hand: c - A^T y <= 0 componentwise and b.y = value.
    for j in range(lp.num_columns):
        column = sum((result.dual[r] * v for r, row in enumerate(lp.rows) for c, v in row if c == j), Fraction(0))
        assert lp.objective[j] - column <= 0
    assert sum(b * y for b, y in zip(lp.rhs, result.dual)) == result.value == Fraction(1, 3)


def test_infeasible_and_unbounded_are_errors():
    infeasible = StandardFormLP(rows=(((0, Fraction(1)),),), rhs=(Fraction(-1),), num_columns=1,
                                objective=(Fraction(1),))
    with pytest.raises(ExactLPError, match="infeasible"):
        maximise(infeasible)
    unbounded = StandardFormLP(rows=(((0, Fraction(1)), (1, Fraction(-1))),), rhs=(Fraction(0),),
                               num_columns=2, objective=(Fraction(1), Fraction(0)))
    with pytest.raises(ExactLPError, match="unbounded"):
        maximise(unbounded)


@pytest.mark.slow
def test_lexicographic_minimum_does_not_depend_on_the_start(paper_lp):
    """The canonical point is the same from the float proposal and from scratch."""
    from certify.lp.program import tie_breaking_weights

    target, slope = 16, Fraction(2, 3)
    value, _ = paper_lp.maximise_inequality(target, slope)
    c = paper_lp.objective(target, slope)
    rows = paper_lp.rows + (tuple((j, v) for j, v in enumerate(c) if v),)
    lp = StandardFormLP(rows, paper_lp.rhs + (value,), paper_lp.size)
    weights = tie_breaking_weights(paper_lp.size)
    proposal = propose_basis(weights, rows, lp.rhs, lp.num_columns, maximise=False)
    a = lexicographic_minimum(lp, range(lp.num_columns), proposal.basis(lp.num_columns), weights)
    damaged = list(proposal.basis(lp.num_columns))
    damaged = damaged[3:] + damaged[:1]  # drop a few columns: exact pivots must restore the same point
    b = lexicographic_minimum(lp, range(lp.num_columns), damaged, weights)
    assert a.primal == b.primal
    assert a.primal == paper_lp.canonical_box(target, None, value, slope)
