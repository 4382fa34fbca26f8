"""Exact stage: rebuild the optimum in rationals from a proposed basis.

Standard form (as in :mod:`certify.float_solve`)::

    maximise c . z   subject to   A z = b,  z >= 0,

where the rows of ``A`` are linearly independent. A *basis* is a set of m
columns (m = number of rows) whose submatrix ``A_B`` is non-singular. From a
basis the exact primal is ``z_B = A_B^{-1} b`` (zero elsewhere) and the exact
dual is ``y = A_B^{-T} c_B``; the basis is optimal iff ``z_B >= 0`` and every
reduced cost ``c_j - y . A_j`` is ``<= 0``. Then ``c . z = b . y`` and, for
every feasible z, ``c . z <= b . y`` (weak duality), so ``y`` is an exact
certificate of the optimum.

The float basis is only a starting point. If it is incomplete, dependent,
infeasible or not optimal in exact arithmetic, the stage continues with
exact simplex pivots (Bland's rule, so it terminates): a zero-cost dual
simplex restores primal feasibility, then the primal simplex restores
optimality. A float value is never returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import flint

from certify.exact_linear_algebra import to_fmpq, to_fraction

__all__ = ["ExactOptimum", "solve_from_basis", "StandardFormLP", "ExactLPError"]


class ExactLPError(RuntimeError):
    """The exact stage could not establish an optimum (infeasible/unbounded LP)."""


@dataclass(frozen=True)
class StandardFormLP:
    """``max objective . z  s.t.  rows z = rhs, z >= 0`` with exact data."""

    objective: tuple[Fraction, ...]
    rows: tuple[tuple[tuple[int, Fraction], ...], ...]
    rhs: tuple[Fraction, ...]

    @property
    def num_columns(self) -> int:
        return len(self.objective)

    @property
    def num_rows(self) -> int:
        return len(self.rows)

    def columns(self) -> list[list[tuple[int, Fraction]]]:
        columns: list[list[tuple[int, Fraction]]] = [[] for _ in range(self.num_columns)]
        for r, row in enumerate(self.rows):
            for c, v in row:
                columns[c].append((r, Fraction(v)))
        return columns


@dataclass(frozen=True)
class ExactOptimum:
    """An exactly verified optimal basic solution and its dual."""

    value: Fraction
    primal: tuple[Fraction, ...]
    dual: tuple[Fraction, ...]
    basis: tuple[int, ...]
    pivots: int


class _BasisWork:
    """Exact basis bookkeeping: solves with the current basis matrix."""

    def __init__(self, lp: StandardFormLP, basis: list[int]) -> None:
        self.lp = lp
        self.columns = lp.columns()
        self.basis = list(basis)
        self._factor()

    def _factor(self) -> None:
        m = self.lp.num_rows
        matrix = flint.fmpq_mat(m, m)
        for position, column in enumerate(self.basis):
            for r, v in self.columns[column]:
                matrix[r, position] = to_fmpq(v)
        self.matrix = matrix
        self.inverse = matrix.inv()

    def primal_basic(self) -> list[Fraction]:
        b = flint.fmpq_mat(self.lp.num_rows, 1, [to_fmpq(v) for v in self.lp.rhs])
        z = self.inverse * b
        return [to_fraction(z[i, 0]) for i in range(self.lp.num_rows)]

    def dual(self) -> list[Fraction]:
        m = self.lp.num_rows
        cb = flint.fmpq_mat(1, m, [to_fmpq(self.lp.objective[j]) for j in self.basis])
        y = cb * self.inverse
        return [to_fraction(y[0, i]) for i in range(m)]

    def column_in_basis(self, column: int) -> list[Fraction]:
        """``A_B^{-1} A_column``."""
        vector = flint.fmpq_mat(self.lp.num_rows, 1)
        for r, v in self.columns[column]:
            vector[r, 0] = to_fmpq(v)
        d = self.inverse * vector
        return [to_fraction(d[i, 0]) for i in range(self.lp.num_rows)]

    def row_of_tableau(self, position: int) -> dict[int, Fraction]:
        """Entries ``(A_B^{-1} A)[position, j]`` for every non-basic j."""
        m = self.lp.num_rows
        row = [to_fraction(self.inverse[position, r]) for r in range(m)]
        basic = set(self.basis)
        out = {}
        for j in range(self.lp.num_columns):
            if j in basic:
                continue
            value = sum((row[r] * v for r, v in self.columns[j]), Fraction(0))
            if value:
                out[j] = value
        return out

    def reduced_costs(self, y: Sequence[Fraction]) -> dict[int, Fraction]:
        basic = set(self.basis)
        return {j: self.lp.objective[j] - sum((y[r] * v for r, v in self.columns[j]), Fraction(0))
                for j in range(self.lp.num_columns) if j not in basic}

    def pivot(self, leaving_position: int, entering: int) -> None:
        self.basis[leaving_position] = entering
        self._factor()


def _complete_basis(lp: StandardFormLP, proposed: Sequence[int]) -> list[int]:
    """Largest independent subset of the proposed columns (in order), completed
    greedily by further columns in index order to a full basis."""
    m = lp.num_rows
    columns = lp.columns()
    chosen: list[int] = []
    candidates = list(dict.fromkeys(list(proposed) + list(range(lp.num_columns))))
    # Incremental rank test in exact arithmetic via an echelon basis.
    echelon: list[tuple[int, dict[int, Fraction]]] = []
    for column in candidates:
        if len(chosen) == m:
            break
        vector = {r: Fraction(v) for r, v in columns[column]}
        for pivot_row, pivot_vector in echelon:
            factor = vector.get(pivot_row)
            if factor:
                for r, v in pivot_vector.items():
                    vector[r] = vector.get(r, Fraction(0)) - factor * v
                vector = {r: v for r, v in vector.items() if v}
        if vector:
            pivot_row = min(vector)
            scale = vector[pivot_row]
            echelon.append((pivot_row, {r: v / scale for r, v in vector.items()}))
            chosen.append(column)
    if len(chosen) != m:
        raise ExactLPError(f"constraint rows are dependent: rank {len(chosen)} < {m} rows")
    return chosen


def solve_from_basis(lp: StandardFormLP, proposed_basis: Sequence[int],
                     max_pivots: int = 10_000) -> ExactOptimum:
    """Exact optimum of ``lp`` starting from a (float-proposed) basis."""
    work = _BasisWork(lp, _complete_basis(lp, proposed_basis))
    pivots = 0
    # Phase 1: zero-cost dual simplex (every basis is dual feasible for c = 0),
    # Bland's rule: leaving = smallest column index among negative basics,
    # entering = smallest column index with a negative tableau entry.
    while True:
        z = work.primal_basic()
        negative = [(work.basis[p], p) for p, v in enumerate(z) if v < 0]
        if not negative:
            break
        _, position = min(negative)
        row = work.row_of_tableau(position)
        entering = [j for j, a in row.items() if a < 0]
        if not entering:
            raise ExactLPError("the LP is infeasible (exact dual simplex certificate)")
        work.pivot(position, min(entering))
        pivots += 1
        if pivots > max_pivots:
            raise ExactLPError("pivot limit reached in the exact phase 1")
    # Phase 2: primal simplex with Bland's rule.
    while True:
        y = work.dual()
        reduced = work.reduced_costs(y)
        improving = [j for j, d in reduced.items() if d > 0]
        if not improving:
            break
        entering = min(improving)
        direction = work.column_in_basis(entering)
        z = work.primal_basic()
        ratios = [(z[p] / d, work.basis[p], p) for p, d in enumerate(direction) if d > 0]
        if not ratios:
            raise ExactLPError("the LP is unbounded")
        _, _, position = min(ratios)
        work.pivot(position, entering)
        pivots += 1
        if pivots > max_pivots:
            raise ExactLPError("pivot limit reached in the exact phase 2")
    z_basic = work.primal_basic()
    primal = [Fraction(0)] * lp.num_columns
    for position, column in enumerate(work.basis):
        primal[column] = z_basic[position]
    y = work.dual()
    value = sum((lp.objective[j] * primal[j] for j in range(lp.num_columns)), Fraction(0))
    dual_value = sum((lp.rhs[r] * y[r] for r in range(lp.num_rows)), Fraction(0))
    if value != dual_value:  # cannot happen for an optimal basis; guard the invariant
        raise ExactLPError(f"primal value {value} != dual value {dual_value}")
    return ExactOptimum(value, tuple(primal), tuple(y), tuple(work.basis), pivots)
