"""Exact stage: rebuild an optimum in rationals from a proposed basis.

Standard form (as in :mod:`certify.lp.float_solve`)::

    z >= 0,   A z = b,

with either a scalar objective ``maximise c . z`` or a *lexicographic*
objective ``minimise (z_{o_1}, z_{o_2}, ...)`` for a priority order ``o`` of
the columns (the lexicographic minimum of a polytope is a single point, which
is what makes stored certificates canonical).

Each row r also has a *logical* column ``e_r`` fixed at 0. A basis is a set
of m columns (structural or logical) with a non-singular submatrix. From a
basis the primal is ``z_B = A_B^{-1} b`` and, for a scalar objective, the
dual is ``y = c_B A_B^{-1}``. The basis is optimal iff the primal is feasible
(structural values >= 0, logical values = 0) and no structural column
improves the objective (reduced cost ``c_j - y . A_j <= 0``; for the
lexicographic objective, every reduced-cost vector is lexicographically
non-negative). Then weak duality makes ``y`` an exact certificate:
``c . z <= b . y`` for every feasible z.

The float basis is only a starting point. If it is dependent, infeasible or
not optimal in exact arithmetic, the stage continues with exact simplex
pivots under Bland's rule (so it terminates): a zero-cost dual simplex
restores primal feasibility, then the primal simplex restores optimality.
A float value is never returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import flint

from certify.errors import ClaimNotProven
from certify.lp.linear_algebra import SparseLU, to_fmpq, to_fraction

__all__ = ["StandardFormLP", "ExactOptimum", "ExactLPError", "maximise", "lexicographic_minimum"]


class ExactLPError(ClaimNotProven):
    """The exact stage could not establish an optimum (infeasible or unbounded LP):
    whatever claim needed it is not proven (exit code 1)."""


@dataclass(frozen=True)
class StandardFormLP:
    """``A z = b, z >= 0`` with exact data; ``objective`` used by :func:`maximise`."""

    rows: tuple[tuple[tuple[int, Fraction], ...], ...]
    rhs: tuple[Fraction, ...]
    num_columns: int
    objective: tuple[Fraction, ...] = ()

    @property
    def num_rows(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class ExactOptimum:
    """An exactly verified optimal basic solution (and dual, for scalar objectives)."""

    value: Fraction | None
    primal: tuple[Fraction, ...]
    dual: tuple[Fraction, ...] | None
    basis: tuple[int, ...]
    pivots: int


class _Simplex:
    """Exact bounded simplex on ``[A | I]`` with the logical columns fixed at 0."""

    def __init__(self, lp: StandardFormLP, proposed: Sequence[int]) -> None:
        self.lp = lp
        self.n = lp.num_columns
        self.m = lp.num_rows
        # Sparse copy of [A | I] by column (zeros dropped; a repeated (row, column)
        # keeps its last value, as item assignment would), so that basis matrices
        # and column sets are assembled from non-zeros only.
        converted: dict = {}
        entries: dict[tuple[int, int], object] = {}
        for r, row in enumerate(lp.rows):
            for c, v in row:
                value = converted.get(v)
                if value is None:
                    value = converted[v] = to_fmpq(v)
                entries[r, c] = value
        self.columns: list[list[tuple[int, object]]] = [[] for _ in range(self.n)]
        self.matrix = flint.fmpq_mat(self.m, self.n + self.m)
        for (r, c), value in sorted(entries.items(), key=lambda item: (item[0][1], item[0][0])):
            if value != 0:
                self.columns[c].append((r, value))
                self.matrix[r, c] = value
        self.integral = all(value.q == 1 for column in self.columns for _, value in column)
        one = flint.fmpq(1)
        for r in range(self.m):
            self.columns.append([(r, one)])
            self.matrix[r, self.n + r] = one
        self.rhs = flint.fmpq_mat(self.m, 1, [to_fmpq(v) for v in lp.rhs])
        self.basis = self._complete(proposed)
        self.pivots = 0
        self._refresh()

    def _complete(self, proposed: Sequence[int]) -> list[int]:
        """Independent subset of ``proposed`` (in order), completed by logicals.

        Greedy in candidate order: a column is kept iff it is independent of
        the columns before it, i.e. iff it is a pivot column of the reduced row
        echelon form of the candidate columns side by side.
        """
        candidates = [j for j in dict.fromkeys(proposed) if 0 <= j < self.n + self.m]
        candidates += [self.n + r for r in range(self.m)]
        if self.m == 0:
            return []
        head = candidates[:self.m]
        if len(head) == self.m and self._rank(head) == self.m:
            return head  # the usual case: the proposal is a basis, so greedy keeps all of it
        stacked = flint.fmpq_mat(self.m, len(candidates))
        for k, j in enumerate(candidates):
            for r, value in self.columns[j]:
                stacked[r, k] = value
        reduced, rank = stacked.rref()
        chosen: list[int] = []
        k = 0
        for r in range(min(rank, self.m)):
            while reduced[r, k] == 0:
                k += 1
            chosen.append(candidates[k])
            k += 1
        return chosen

    def _rank(self, chosen: Sequence[int]) -> int:
        """Exact rank of the columns ``chosen`` (over the integers when A is integral)."""
        if self.integral:
            matrix = flint.fmpz_mat(self.m, len(chosen))
            for k, j in enumerate(chosen):
                for r, value in self.columns[j]:
                    matrix[r, k] = value.p
        else:
            matrix = flint.fmpq_mat(self.m, len(chosen))
            for k, j in enumerate(chosen):
                for r, value in self.columns[j]:
                    matrix[r, k] = value
        return matrix.rank()

    def _refresh(self) -> None:
        basis_matrix = flint.fmpq_mat(self.m, self.m)
        for position, j in enumerate(self.basis):
            for r, value in self.columns[j]:
                basis_matrix[r, position] = value
        self.inverse = basis_matrix.inv()
        self.values = (self.inverse * self.rhs).entries()
        self._tableau = None

    @property
    def tableau(self) -> list[list]:
        """``A_B^{-1} [A | I]`` as nested lists of fmpq (computed lazily)."""
        if self._tableau is None:
            self._tableau = (self.inverse * self.matrix).tolist()
        return self._tableau

    def is_logical(self, j: int) -> bool:
        return j >= self.n

    def infeasible_positions(self) -> list[tuple[int, int]]:
        out = []
        for position, (j, value) in enumerate(zip(self.basis, self.values)):
            if value < 0 or (self.is_logical(j) and value != 0):
                out.append((j, position))
        return out

    def pivot(self, position: int, entering: int) -> None:
        self.basis[position] = entering
        self.pivots += 1
        if self.pivots > 20_000:
            raise ExactLPError("pivot limit reached in the exact simplex")
        self._refresh()

    def phase_one(self) -> None:
        """Zero-cost dual simplex (every basis is dual feasible), Bland's rule."""
        while True:
            infeasible = self.infeasible_positions()
            if not infeasible:
                return
            _, position = min(infeasible)
            value = self.values[position]
            row = self.tableau[position]
            basic = set(self.basis)
            # value < 0: increase a non-basic column with a negative entry;
            # logical value > 0: increase one with a positive entry.
            sign = -1 if value < 0 else 1
            entering = [j for j in range(self.n) if j not in basic and row[j] * sign > 0]
            if not entering:
                raise ExactLPError("the LP is infeasible (exact phase 1)")
            self.pivot(position, min(entering))

    def ratio_test(self, entering: int) -> int:
        candidates = []
        for position, j in enumerate(self.basis):
            alpha = self.tableau[position][entering]
            if self.is_logical(j):
                if alpha != 0:
                    candidates.append((flint.fmpq(0), j, position))
            elif alpha > 0:
                candidates.append((self.values[position] / alpha, j, position))
        if not candidates:
            raise ExactLPError("the LP is unbounded")
        return min(candidates)[2]

    def primal(self) -> tuple[Fraction, ...]:
        z = [Fraction(0)] * self.n
        for j, value in zip(self.basis, self.values):
            if not self.is_logical(j):
                z[j] = to_fraction(value)
        return tuple(z)


def _basis_solution(lp: StandardFormLP, proposed: Sequence[int]):
    """``(z, y, reduced costs, basis)`` of ``proposed`` when it is a primal-feasible
    basis of ``lp`` (dual y for ``lp.objective``), else None.

    No inverse and no tableau: a basic logical ``e_r`` only absorbs row r (its
    value ``b_r - A_r z`` must be 0 and its dual ``y_r`` is 0), so the primal
    and the dual come from one exact sparse factorisation of the *core*, the
    rows without a basic logical against the basic structural columns
    (:class:`certify.lp.linear_algebra.SparseLU`, which checks both solutions);
    feasibility and reduced costs are then computed on the sparse rows.
    """
    m, n = lp.num_rows, lp.num_columns
    basis = list(proposed)
    if m == 0 or len(basis) != m or len(set(basis)) != m or not all(0 <= j < n + m for j in basis):
        return None
    logical_rows = {j - n for j in basis if j >= n}
    core_rows = [r for r in range(m) if r not in logical_rows]
    structural = [j for j in basis if j < n]
    position = {r: k for k, r in enumerate(core_rows)}
    entries: list[tuple[int, int, Fraction]] = []
    column_of = {j: k for k, j in enumerate(structural)}
    for r, row in enumerate(lp.rows):
        k = position.get(r)
        if k is None:
            continue
        for c, v in row:
            if c in column_of and v:
                entries.append((k, column_of[c], Fraction(v)))
    try:
        factors = SparseLU(len(structural), entries)
    except ZeroDivisionError:
        return None  # the proposal is not a basis
    values = factors.solve([lp.rhs[r] for r in core_rows])
    duals = factors.solve_transposed([lp.objective[j] for j in structural])
    z = [Fraction(0)] * n
    for k, j in enumerate(structural):
        z[j] = values[k]
        if z[j] < 0:
            return None
    y = [Fraction(0)] * m
    for k, r in enumerate(core_rows):
        y[r] = duals[k]
    for r in logical_rows:
        if sum((v * z[c] for c, v in lp.rows[r] if z[c]), Fraction(0)) != lp.rhs[r]:
            return None  # a basic logical off zero: not primal feasible
    reduced = list(lp.objective)
    for r, row in enumerate(lp.rows):
        if y[r]:
            for c, v in row:
                reduced[c] -= y[r] * v
    return z, y, reduced, basis


def _verify_proposed_basis(lp: StandardFormLP, proposed: Sequence[int]) -> ExactOptimum | None:
    """The exact optimum at ``proposed`` if it is an optimal basis, else None.

    The common case (HiGHS proposed the optimal basis) is decided by
    :func:`_basis_solution` (no inverse, no tableau) and the optimality test on
    the reduced costs (``c_j - y . A_j <= 0`` for every non-basic structural
    column). The result is the one :func:`maximise`'s simplex returns when it
    starts at an optimal basis, so certificates do not depend on which path
    found them; any failure returns None and the simplex takes over.
    """
    solution = _basis_solution(lp, proposed)
    if solution is None:
        return None
    z, y, reduced, basis = solution
    basic = set(basis)
    if any(reduced[j] > 0 for j in range(lp.num_columns) if j not in basic):
        return None
    value = sum((Fraction(c) * v for c, v in zip(lp.objective, z) if v), Fraction(0))
    if value != sum((b * v for b, v in zip(lp.rhs, y) if v), Fraction(0)):
        return None
    return ExactOptimum(value, tuple(z), tuple(y), tuple(basis), 0)


def _unique_primary_minimum(lp: StandardFormLP, primary: Sequence[Fraction],
                            proposed: Sequence[int]) -> ExactOptimum | None:
    """The point of ``proposed`` when it is the *unique* minimiser of ``primary . z``, else None.

    Every non-basic structural column has a strictly positive reduced cost, so
    any other feasible point (some non-basic z_j > 0; logicals are fixed at 0)
    costs strictly more: the lexicographic minimum is this point, whatever the
    priority order.
    """
    negated = StandardFormLP(lp.rows, lp.rhs, lp.num_columns, tuple(-Fraction(w) for w in primary))
    solution = _basis_solution(negated, proposed)
    if solution is None:
        return None
    z, _, reduced, basis = solution
    basic = set(basis)
    if any(reduced[j] >= 0 for j in range(lp.num_columns) if j not in basic):
        return None
    return ExactOptimum(None, tuple(z), None, tuple(basis), 0)


def maximise(lp: StandardFormLP, proposed_basis: Sequence[int] = ()) -> ExactOptimum:
    """Exact optimum of ``max lp.objective . z`` starting from a proposed basis.

    >>> lp = StandardFormLP(rows=(((0, Fraction(1)), (1, Fraction(1))),),
    ...                     rhs=(Fraction(1),), num_columns=2,
    ...                     objective=(Fraction(1), Fraction(2)))
    >>> result = maximise(lp)
    >>> result.value, result.primal, result.dual
    (Fraction(2, 1), (Fraction(0, 1), Fraction(1, 1)), (Fraction(2, 1),))
    """
    quick = _verify_proposed_basis(lp, proposed_basis)
    if quick is not None:
        return quick
    simplex = _Simplex(lp, proposed_basis)
    simplex.phase_one()
    cost = [to_fmpq(v) for v in lp.objective] + [flint.fmpq(0)] * lp.num_rows
    while True:
        cb = flint.fmpq_mat(1, lp.num_rows, [cost[j] for j in simplex.basis])
        y = (cb * simplex.inverse).entries()
        basic = set(simplex.basis)
        improving = None
        # Reduced costs c_j - y . A_j for all columns in one product.
        reduced = (flint.fmpq_mat(1, lp.num_rows, y) * simplex.matrix).entries()
        for j in range(lp.num_columns):
            if j not in basic and cost[j] - reduced[j] > 0:
                improving = j
                break
        if improving is None:
            break
        simplex.pivot(simplex.ratio_test(improving), improving)
    primal = simplex.primal()
    dual = tuple(to_fraction(v) for v in y)
    value = sum((Fraction(c) * z for c, z in zip(lp.objective, primal) if z), Fraction(0))
    dual_value = sum((b * v for b, v in zip(lp.rhs, dual)), Fraction(0))
    if value != dual_value:  # guards the invariant of an optimal basis
        raise ExactLPError(f"primal value {value} differs from dual value {dual_value}")
    return ExactOptimum(value, primal, dual, tuple(simplex.basis), simplex.pivots)


def lexicographic_minimum(lp: StandardFormLP, priority: Sequence[int],
                          proposed_basis: Sequence[int] = (),
                          primary: Sequence[Fraction] | None = None) -> ExactOptimum:
    """The lexicographically smallest feasible point of
    ``(primary . z, z_{priority[0]}, z_{priority[1]}, ...)``.

    ``priority`` must list every column once; ``primary`` (optional) is a cost
    vector minimised first. The point is unique, so it does not depend on the
    proposed basis (only the work needed to reach it does). When the proposed
    basis is the unique minimiser of the primary cost (strictly positive
    reduced costs, the usual case for generic weights), that settles it
    without a tableau (:func:`_unique_primary_minimum`); otherwise an exact
    simplex walks to the lexicographic minimum.

    >>> lp = StandardFormLP(rows=(((0, Fraction(1)), (1, Fraction(1)), (2, Fraction(1))),),
    ...                     rhs=(Fraction(1),), num_columns=3)
    >>> lexicographic_minimum(lp, [0, 1, 2]).primal
    (Fraction(0, 1), Fraction(0, 1), Fraction(1, 1))
    >>> lexicographic_minimum(lp, [0, 1, 2], primary=[Fraction(1), Fraction(2), Fraction(2)]).primal
    (Fraction(1, 1), Fraction(0, 1), Fraction(0, 1))
    """
    priority = list(priority)
    if sorted(priority) != list(range(lp.num_columns)):
        raise ValueError("priority must be a permutation of the columns")
    if primary is not None:
        unique = _unique_primary_minimum(lp, primary, proposed_basis)
        if unique is not None:
            return unique
    rank = {j: k for k, j in enumerate(priority)}
    order = sorted(range(lp.num_columns), key=rank.__getitem__)
    simplex = _Simplex(lp, proposed_basis)
    simplex.phase_one()
    cost = None
    if primary is not None:
        cost = [to_fmpq(v) for v in primary] + [flint.fmpq(0)] * lp.num_rows
    while True:
        basic = set(simplex.basis)
        ties = order
        if cost is not None:
            # Primary level: reduced costs w_j - y.A_j with y = w_B A_B^{-1}.
            cb = flint.fmpq_mat(1, lp.num_rows, [cost[j] for j in simplex.basis])
            y = cb * simplex.inverse
            reduced = (y * simplex.matrix).entries()
            improving = [j for j in order if j not in basic and cost[j] - reduced[j] < 0]
            if improving:
                simplex.pivot(simplex.ratio_test(improving[0]), improving[0])
                continue
            ties = [j for j in order if j not in basic and cost[j] - reduced[j] == 0]
        entering = None
        if ties:
            tableau = simplex.tableau
            for j in ties:
                if j in basic:
                    continue
                # Reduced-cost vector e_j - sum_p alpha_pj e_{basis[p]}: its first
                # non-zero component (in priority order) decides its sign.
                first_rank, first_alpha = rank[j], None
                for position, i in enumerate(simplex.basis):
                    if simplex.is_logical(i):
                        continue
                    alpha = tableau[position][j]
                    if alpha != 0 and rank[i] < first_rank:
                        first_rank, first_alpha = rank[i], alpha
                if first_alpha is not None and first_alpha > 0:
                    entering = j
                    break
        if entering is None:
            break
        simplex.pivot(simplex.ratio_test(entering), entering)
    return ExactOptimum(None, simplex.primal(), None, tuple(simplex.basis), simplex.pivots)
