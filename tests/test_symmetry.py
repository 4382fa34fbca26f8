from fractions import Fraction

from certify.lp.expression import paper_bell_expression
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.symmetry import apply, invariance_group, orbits


def test_group_preserves_expression_and_polytope():
    expression = paper_bell_expression()
    group = invariance_group(expression)
    assert len(group) == 3072 and group[0] == tuple(range(256))
    system = NoSignallingSystem.build(expression.scenario)
    rows = {tuple(sorted(row)) for row in system.rows}
    for g in group[::97]:
        assert sorted(g) == list(range(256))
        assert {g[j]: v for j, v in expression.coefficients.items()} == dict(expression.coefficients)
        for row in system.rows:
            image = tuple(sorted((g[j], a) for j, a in row))
            negated = tuple(sorted((g[j], -a) for j, a in row))
            assert image in rows or negated in rows


def test_orbits_of_the_paper_expression():
    group = invariance_group(paper_bell_expression())
    found = orbits(group, 256)
    assert {rep: len(members) for rep, members in found.items()} == {0: 128, 16: 64, 17: 64}


def test_apply_moves_entries():
    assert apply((2, 0, 1), [Fraction(1), Fraction(2), Fraction(3)]) == [Fraction(2), Fraction(3), Fraction(1)]
