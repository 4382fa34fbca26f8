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

__all__ = ["greedy_independent_rows", "to_fraction", "to_fmpq", "solve", "dense_matrix"]


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
