"""Exact rational linear algebra on top of python-flint (``fmpq_mat``).

python-flint is used because FLINT's rational matrices solve the 177 x 177
systems of this project in milliseconds, where pure-Python Fractions take
seconds; it decides nothing by floating point.

>>> greedy_independent_rows([((0, 1),), ((0, 2),), ((1, 1),)], 2)
(0, 2)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import flint

__all__ = ["greedy_independent_rows", "to_fraction", "to_fmpq", "solve", "dense_matrix", "SparseLU"]


def to_fraction(value) -> Fraction:
    """Convert an ``fmpq``/``fmpz``/int/Fraction to a Fraction exactly."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(int(value.p), int(value.q)) if isinstance(value, flint.fmpq) else Fraction(int(value))


def to_fmpq(value) -> "flint.fmpq":
    value = Fraction(value)
    return flint.fmpq(value.numerator, value.denominator)


def dense_matrix(rows: Sequence[Sequence[tuple[int, object]]], num_columns: int) -> "flint.fmpq_mat":
    """An ``fmpq_mat`` from sparse ``(column, value)`` rows."""
    matrix = flint.fmpq_mat(len(rows), num_columns)
    for r, row in enumerate(rows):
        for c, v in row:
            matrix[r, c] = to_fmpq(v)
    return matrix


def greedy_independent_rows(rows, num_columns: int) -> tuple[int, ...]:
    """Indices of the rows kept by the greedy rule: row k is kept iff it is
    linearly independent of the rows kept before it (exact).

    These are the pivot columns of the reduced row echelon form of the
    transposed matrix.
    """
    transposed = flint.fmpq_mat(num_columns, len(rows))
    for r, row in enumerate(rows):
        for c, v in row:
            transposed[c, r] = to_fmpq(v)
    reduced, rank = transposed.rref()
    pivots = []
    column = 0
    for r in range(rank):
        while reduced[r, column] == 0:
            column += 1
        pivots.append(column)
        column += 1
    return tuple(pivots)


def solve(matrix: "flint.fmpq_mat", rhs: Sequence) -> list[Fraction]:
    """Solve ``matrix @ z = rhs`` exactly; raises ``ZeroDivisionError`` if singular."""
    vector = flint.fmpq_mat(len(rhs), 1, [to_fmpq(v) for v in rhs])
    solution = matrix.solve(vector)
    return [to_fraction(solution[i, 0]) for i in range(solution.nrows())]


class SparseLU:
    """Exact sparse LU factorisation of a square matrix, for both ``A x = b`` and ``A^T y = c``.

    The bases of the no-signalling LPs are very sparse (about four non-zeros per
    row, small integers), so Gaussian elimination that picks a shortest row and
    then its least-used column (Markowitz's rule) keeps the fill-in small, where
    a dense solve costs O(n^3) on matrices of several thousand rows. Entries are
    FLINT rationals: exact, only faster than ``Fraction``. The elimination is
    recorded step by step (pivot row, pivot column, the pivot row as eliminated,
    and the multiple of it subtracted from each other row), which is ``A = M U``
    with M lower and U upper triangular in step order; :meth:`solve` and
    :meth:`solve_transposed` run the triangular solves. Each solution is checked
    exactly against the original matrix before it is returned.

    >>> lu = SparseLU(2, [(0, 0, Fraction(2)), (0, 1, Fraction(1)), (1, 1, Fraction(3))])
    >>> lu.solve([Fraction(1), Fraction(3)]), lu.solve_transposed([Fraction(2), Fraction(4)])
    ([Fraction(0, 1), Fraction(1, 1)], [Fraction(1, 1), Fraction(1, 1)])
    """

    def __init__(self, size: int, entries: Sequence[tuple[int, int, object]]) -> None:
        self.size = size
        self.entries = [(r, c, to_fmpq(v)) for r, c, v in entries if v]
        rows: list[dict] = [{} for _ in range(size)]
        columns: list[set] = [set() for _ in range(size)]
        for r, c, v in self.entries:
            rows[r][c] = v
            columns[c].add(r)
        length = [len(row) for row in rows]
        buckets: dict[int, set] = {}
        for r in range(size):
            buckets.setdefault(length[r], set()).add(r)
        steps = []
        smallest = 0
        for _ in range(size):
            while not buckets.get(smallest):
                smallest += 1
            if smallest == 0:
                raise ZeroDivisionError("singular matrix")
            pivot_row = min(buckets[smallest])
            row_p = rows[pivot_row]
            pivot_column = min(row_p, key=lambda c: (len(columns[c]), c))
            pivot = row_p[pivot_column]
            eliminated = []
            for r in sorted(columns[pivot_column] - {pivot_row}):
                row = rows[r]
                factor = row[pivot_column] / pivot
                eliminated.append((r, factor))
                for c, v in row_p.items():
                    new = row.get(c, 0) - factor * v
                    if c == pivot_column or new == 0:
                        if c in row:
                            del row[c]
                            columns[c].discard(r)
                    else:
                        if c not in row:
                            columns[c].add(r)
                        row[c] = new
                buckets[length[r]].discard(r)
                length[r] = len(row)
                buckets.setdefault(length[r], set()).add(r)
                smallest = min(smallest, length[r])
            for c in row_p:
                columns[c].discard(pivot_row)
            buckets[length[pivot_row]].discard(pivot_row)
            rows[pivot_row] = None
            steps.append((pivot_row, pivot_column, row_p, eliminated))
        self.steps = steps

    def _checked(self, solution: list, rhs: list, transposed: bool) -> list[Fraction]:
        total = [flint.fmpq(0)] * self.size
        for r, c, v in self.entries:
            if transposed:
                total[c] += v * solution[r]
            else:
                total[r] += v * solution[c]
        if total != rhs:
            raise ArithmeticError("sparse LU: the solution does not satisfy the system")
        return [to_fraction(v) for v in solution]

    def solve(self, rhs: Sequence) -> list[Fraction]:
        """The exact solution x of ``A x = rhs``."""
        target = [to_fmpq(v) for v in rhs]
        b = list(target)
        for pivot_row, _, _, eliminated in self.steps:
            value = b[pivot_row]
            if value:
                for r, factor in eliminated:
                    b[r] -= factor * value
        x = [flint.fmpq(0)] * self.size
        for pivot_row, pivot_column, row_p, _ in reversed(self.steps):
            total = b[pivot_row]
            for c, v in row_p.items():
                if c != pivot_column and x[c]:
                    total -= v * x[c]
            x[pivot_column] = total / row_p[pivot_column]
        return self._checked(x, target, transposed=False)

    def solve_transposed(self, rhs: Sequence) -> list[Fraction]:
        """The exact solution y of ``A^T y = rhs``."""
        target = [to_fmpq(v) for v in rhs]
        accumulated = [flint.fmpq(0)] * self.size
        v = []
        for _, pivot_column, row_p, _ in self.steps:  # U^T v = rhs, forward
            value = (target[pivot_column] - accumulated[pivot_column]) / row_p[pivot_column]
            v.append(value)
            if value:
                for c, entry in row_p.items():
                    if c != pivot_column:
                        accumulated[c] += entry * value
        y = [flint.fmpq(0)] * self.size
        for k in range(len(self.steps) - 1, -1, -1):  # M^T y = v, backward
            pivot_row, _, _, eliminated = self.steps[k]
            total = v[k]
            for r, factor in eliminated:
                if y[r]:
                    total -= factor * y[r]
            y[pivot_row] = total
        return self._checked(y, target, transposed=True)
