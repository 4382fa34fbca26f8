"""Float stage: HiGHS proposes an optimal basis. It never decides anything.

The LP is given in the standard form used throughout the package::

    maximise (or minimise) c . z   subject to   A z = b,  z >= 0,

with ``A`` as sparse rows of exact numbers. HiGHS (through ``highspy``) is
used because it exposes the optimal basis directly; its floating-point values
are discarded and only the *set of basic columns* is passed on to
:mod:`certify.lp.exact`, which recomputes everything in rationals.

HiGHS is run with one thread, presolve off and a fixed random seed so that
the proposal is deterministic on a given build.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

__all__ = ["BasisProposal", "propose_basis"]


@dataclass(frozen=True)
class BasisProposal:
    """Basic structural columns and basic row logicals proposed by HiGHS."""

    basic_columns: tuple[int, ...]
    basic_row_logicals: tuple[int, ...]
    status: str

    def basis(self, num_columns: int) -> tuple[int, ...]:
        """The basis in :mod:`certify.lp.exact` numbering (logical of row r is
        column ``num_columns + r``)."""
        return self.basic_columns + tuple(num_columns + r for r in self.basic_row_logicals)


def propose_basis(objective, rows, rhs, num_columns: int, maximise: bool = True) -> BasisProposal:
    """Solve ``max (or min) objective . z, rows z = rhs, z >= 0`` in floating point.

    Args:
        objective: dense sequence of exact numbers (length ``num_columns``).
        rows: sparse rows, each a sequence of ``(column, value)``.
        rhs: right-hand sides, one per row.
        num_columns: number of variables.
    """
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("presolve", "off")
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("solver", "simplex")
    lp = highspy.HighsLp()
    lp.num_col_ = num_columns
    lp.num_row_ = len(rows)
    lp.col_cost_ = np.array([float(v) for v in objective], dtype=np.float64)
    lp.col_lower_ = np.zeros(num_columns)
    lp.col_upper_ = np.full(num_columns, highspy.kHighsInf)
    lp.row_lower_ = np.array([float(v) for v in rhs], dtype=np.float64)
    lp.row_upper_ = lp.row_lower_.copy()
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    # Column-wise sparse matrix.
    columns: list[list[tuple[int, float]]] = [[] for _ in range(num_columns)]
    for r, row in enumerate(rows):
        for c, v in row:
            columns[c].append((r, float(v)))
    starts, indices, values = [0], [], []
    for column in columns:
        for r, v in column:
            indices.append(r)
            values.append(v)
        starts.append(len(indices))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(indices, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values, dtype=np.float64)
    highs.passModel(lp)
    highs.run()
    status = highs.modelStatusToString(highs.getModelStatus())
    basis = highs.getBasis()
    basic = highspy.HighsBasisStatus.kBasic
    basic_columns = tuple(j for j, s in enumerate(basis.col_status) if s == basic)
    basic_rows = tuple(i for i, s in enumerate(basis.row_status) if s == basic)
    return BasisProposal(basic_columns, basic_rows, status)
