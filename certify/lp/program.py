"""The no-signalling LPs behind every certificate, solved exactly.

For a Bell expression B (penalty form, ``B.P`` to be minimised) and a target
pair t = (u*, x*), with the no-signalling system ``A P = b, P >= 0`` of
:mod:`certify.lp.no_signalling` restricted to its independent rows:

* :meth:`NoSignallingLP.maximise_inequality` solves
  ``max P_t - λ B.P`` over no-signalling boxes (for λ = 2/3 this is the LP
  behind the paper's Lemma 11, eqs. (43)-(45));
* :meth:`NoSignallingLP.maximise_target` solves
  ``v(δ) = max P_t  s.t.  B.P <= δ`` (the value function);
* :meth:`NoSignallingLP.canonical_certificate` picks, among all certificates
  of a valid inequality ``P_t <= a + λ B.P``, the one whose slack vector
  ``s = A^T y - (e_t - λ B)`` minimises ``w . s`` for the fixed weights of
  :func:`tie_breaking_weights`, ties broken lexicographically (s_0 first): a
  fixed rule, so the stored multipliers do not depend on the basis HiGHS
  happened to return (y is then unique, since the rows used are independent);
* :meth:`NoSignallingLP.canonical_box` picks, among the no-signalling boxes
  in a face, the minimiser of ``w . P`` with the same tie-breaking.

Every answer comes from :mod:`certify.lp.exact` (floats only propose bases).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Sequence

import flint

from certify.lp.expression import BellExpression
from certify.lp.linear_algebra import SparseLU, dense_matrix, greedy_independent_rows, to_fraction
from certify.lp.exact import StandardFormLP, lexicographic_minimum, maximise
from certify.lp.float_solve import propose_basis
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.symmetry import apply

__all__ = ["NoSignallingLP", "Inequality", "SolvedPoint"]


@dataclass(frozen=True)
class Inequality:
    """``P_t <= constant + slope * B.P`` with its multipliers over *all* rows."""

    target: int
    constant: Fraction
    slope: Fraction
    multipliers: tuple[tuple[int, Fraction], ...]


@dataclass(frozen=True)
class SolvedPoint:
    """Exact solution of ``max P_t s.t. B.P <= bell_value``: value, box and the
    supporting inequality read off the optimal dual."""

    bell_value: Fraction
    value: Fraction
    box: tuple[Fraction, ...]
    constant: Fraction
    slope: Fraction


_ZERO = Fraction(0)


def tie_breaking_weights(count: int) -> tuple[Fraction, ...]:
    """The fixed weights of the canonical rule: ``w_k = 2^20 + (h_k mod 2^20)``, with
    ``h_k`` the first four bytes of SHA-256 of ``"certify-weight k"`` (big-endian).

    Canonical choices minimise ``w . z`` first and break any remaining tie
    lexicographically (z_0 first). The weights have no arithmetic structure
    (an affine rule such as ``1000 + (7919 k mod 1009)`` gives
    ``w_a + w_b = w_c + w_d`` whenever ``a + b = c + d``, and such exchanges
    are edges of the no-signalling polytope), so the minimiser is unique in
    practice and one exact check of HiGHS's basis settles it
    (:func:`certify.lp.exact.lexicographic_minimum`); the weights stay within
    a factor 2, so the float proposal is well scaled.

    >>> tie_breaking_weights(3)
    (Fraction(1386531, 1), Fraction(1979767, 1), Fraction(1443642, 1))
    """
    return tuple(_weight(k) for k in range(count))


@lru_cache(maxsize=None)
def _weight(k: int) -> Fraction:
    digest = hashlib.sha256(f"certify-weight {k}".encode()).digest()
    return Fraction((1 << 20) + int.from_bytes(digest[:4], "big") % (1 << 20))


class NoSignallingLP:
    """Exact LPs over the no-signalling polytope of one Bell expression."""

    def __init__(self, expression: BellExpression, offset: Fraction = Fraction(0)) -> None:
        """``offset`` shifts the Bell constraint: the LPs use ``B.P <= offset + δ``
        (for a general expression, offset = its no-signalling minimum, so that
        δ >= 0 is exactly the feasible range; 0 for the paper)."""
        self.expression = expression
        self.offset = Fraction(offset)
        self.scenario = expression.scenario
        self.system = NoSignallingSystem.build(self.scenario)
        self.size = self.scenario.num_probabilities
        self.rows_used = self.system.independent_rows
        self.rows = tuple(tuple((c, Fraction(v)) for c, v in self.system.rows[r])
                          for r in self.rows_used)
        self.rhs = tuple(Fraction(self.system.right_hand_sides[r]) for r in self.rows_used)
        self.bell = expression.dense()
        self.bell_row = tuple((j, v) for j, v in enumerate(self.bell) if v)
        self.uniform = Fraction(1, self.scenario.num_outcome_tuples)

    # -- linear algebra prepared once -------------------------------------------------
    @cached_property
    def row_index(self) -> dict[tuple[tuple[int, int], ...], int]:
        """Row (as its sorted sparse entries) -> its index in the full system."""
        return {row: r for r, row in enumerate(self.system.rows)}

    @cached_property
    def row_index_by_entries(self) -> dict[frozenset, int]:
        """Row (as the set of its ``(column, coefficient)`` entries) -> its index in the
        full system; the same rows as :attr:`row_index`, looked up without sorting."""
        return {frozenset(row): r for row, r in self.row_index.items()}

    @cached_property
    def _row_matrix(self) -> "flint.fmpq_mat":
        return dense_matrix(self.rows, self.size)

    @cached_property
    def _column_factors(self) -> tuple[tuple[int, ...], SparseLU]:
        """Columns J of A (rows used) with ``A_J`` square and non-singular, and its sparse
        LU: ``A_J^T y = v_J`` recovers y from ``v = A^T y`` exactly."""
        columns: list[list[tuple[int, Fraction]]] = [[] for _ in range(self.size)]
        for k, row in enumerate(self.rows):
            for c, v in row:
                columns[c].append((k, v))
        chosen = greedy_independent_rows(columns, len(self.rows))
        entries = [(k, position, v) for position, c in enumerate(chosen) for k, v in columns[c]]
        return chosen, SparseLU(len(self.rows), entries)

    @cached_property
    def _null_space_rows(self) -> tuple[tuple[tuple[int, Fraction], ...], ...]:
        """Rows ``n_k^T`` of a basis of the null space of A (exact, from the RREF)."""
        reduced, rank = self._row_matrix.rref()
        pivots, column = [], 0
        for r in range(rank):
            while reduced[r, column] == 0:
                column += 1
            pivots.append(column)
            column += 1
        free = [j for j in range(self.size) if j not in set(pivots)]
        rows = []
        for f in free:
            vector = {f: Fraction(1)}
            for r, p in enumerate(pivots):
                value = reduced[r, f]
                if value != 0:
                    vector[p] = -to_fraction(value)
            rows.append(tuple(sorted(vector.items())))
        return tuple(rows)

    # -- problems -------------------------------------------------------------------
    def objective(self, target: int | None, slope: Fraction) -> list[Fraction]:
        """``e_t - slope * B`` as a dense vector (``-slope * B`` when target is None)."""
        c = [_ZERO] * self.size
        for j, b in self.bell_row:
            c[j] = -slope * b
        if target is not None:
            c[target] += 1
        return c

    def _solve(self, lp: StandardFormLP):
        proposal = propose_basis(lp.objective, lp.rows, lp.rhs, lp.num_columns)
        return maximise(lp, proposal.basis(lp.num_columns))

    def maximise_inequality(self, target: int, slope: Fraction) -> tuple[Fraction, tuple[Fraction, ...]]:
        """``max P_t - slope * B.P`` over no-signalling boxes: (value, optimal box)."""
        lp = StandardFormLP(self.rows, self.rhs, self.size, tuple(self.objective(target, slope)))
        result = self._solve(lp)
        return result.value, result.primal

    def maximise_target(self, target: int, bell_value: Fraction) -> SolvedPoint:
        """``v(δ) = max P_t  s.t.  B.P <= δ`` with the dual's supporting line."""
        bell_value = Fraction(bell_value)
        rows = self.rows + (self.bell_row + ((self.size, Fraction(1)),),)
        objective = [Fraction(0)] * (self.size + 1)
        objective[target] = Fraction(1)
        lp = StandardFormLP(rows, self.rhs + (bell_value + self.offset,), self.size + 1, tuple(objective))
        result = self._solve(lp)
        slope = result.dual[-1]
        constant = sum((b * y for b, y in zip(self.rhs, result.dual)), Fraction(0)) + slope * self.offset
        return SolvedPoint(bell_value, result.value, result.primal[:self.size], constant, slope)

    def saturation(self, target: int) -> tuple[Fraction, Fraction]:
        """``(v_max, δ_sat)``: the largest P_t over all no-signalling boxes and the
        smallest Bell value at which it is reached."""
        v_max, _ = self.maximise_inequality(target, Fraction(0))
        rows = self.rows + (((target, Fraction(1)),),)
        objective = tuple(-b for b in self.bell)
        lp = StandardFormLP(rows, self.rhs + (v_max,), self.size, objective)
        result = self._solve(lp)
        return v_max, -result.value - self.offset

    def minimise_bell(self) -> tuple[Fraction, tuple[Fraction, ...]]:
        """``min B.P`` over no-signalling boxes: (value, an optimal box)."""
        lp = StandardFormLP(self.rows, self.rhs, self.size, tuple(-b for b in self.bell))
        result = self._solve(lp)
        return -result.value, result.primal

    # -- canonical choices ------------------------------------------------------------
    def canonical_certificate(self, target: int | None, slope: Fraction, constant: Fraction) -> Inequality:
        """Lexicographically smallest slack vector among certificates of
        ``P_t <= constant + slope * (B.P - offset)`` (``0 <= ...`` when target
        is None); raises ExactLPError if none exists."""
        constant = Fraction(constant) - slope * self.offset
        c = self.objective(target, slope)
        # s >= 0 with s + c in the row space of A (orthogonal to the null space)
        # and b.y = uniform . (s + c) = constant.
        rows, rhs = [], []
        for null_row in self._null_space_rows:
            rows.append(null_row)
            rhs.append(-sum((v * c[j] for j, v in null_row), Fraction(0)))
        rows.append(tuple((j, self.uniform) for j in range(self.size)))
        rhs.append(Fraction(constant) - self.uniform * sum(c, Fraction(0)))
        lp = StandardFormLP(tuple(rows), tuple(rhs), self.size)
        weights = tie_breaking_weights(self.size)
        proposal = propose_basis(weights, lp.rows, lp.rhs, self.size, maximise=False)
        result = lexicographic_minimum(lp, range(self.size), proposal.basis(self.size), weights)
        return self.certificate_from_slack(target, slope, constant + slope * self.offset, result.primal)

    def certificate_from_slack(self, target: int, slope: Fraction, constant: Fraction,
                               slack: Sequence[Fraction]) -> Inequality:
        """Recover the unique multipliers y with ``A^T y = c + s`` (exact) and
        check them; raises ``ArithmeticError`` if ``c + s`` is not in the row space."""
        c = self.objective(target, slope)
        return self._inequality(target, slope, constant, [ci + si for ci, si in zip(c, slack)])

    def _inequality(self, target: int | None, slope: Fraction, constant: Fraction, total: Sequence,
                    scale: int = 1) -> Inequality:
        """The inequality whose multipliers y satisfy ``A^T y = total / scale`` (exact,
        unique since the rows used are independent), checked on every column and
        against ``constant``; raises ``ArithmeticError`` if there is none."""
        chosen, factors = self._column_factors
        y = factors.solve_transposed([total[j] for j in chosen])
        back = [0] * self.size
        for k, value in enumerate(y):
            if value:
                for j, a in self.system.rows[self.rows_used[k]]:
                    back[j] += a * value
        if back != list(total):
            raise ArithmeticError("the vector is not A^T y for any multipliers y (not in the row space)")
        if scale != 1:
            y = [value / scale for value in y]
        bound = sum((b * v for b, v in zip(self.rhs, y) if v), Fraction(0)) + slope * self.offset
        if bound != constant:
            raise ArithmeticError(f"certificate bound {bound} differs from {constant}")
        multipliers = tuple((self.rows_used[k], v) for k, v in enumerate(y) if v)
        return Inequality(target, Fraction(constant), Fraction(slope), multipliers)

    # -- images under a symmetry of the expression -----------------------------------
    def row_images(self, g: Sequence[int]) -> list[tuple[int, int]] | None:
        """For each row r, ``(r', sign)`` with ``g . row_r = sign * row_r'``, or None
        when some row does not map to a signed row (then multipliers are rebuilt)."""
        index = self.row_index_by_entries
        images = []
        for row in self.system.rows:
            key = frozenset((g[j], a) for j, a in row)
            image = index.get(key)
            if image is not None:
                images.append((image, 1))
                continue
            image = index.get(frozenset((j, -a) for j, a in key))
            if image is None:
                return None
            images.append((image, -1))
        return images

    def image_of_inequality(self, inequality: Inequality, g: Sequence[int],
                            row_images: list[tuple[int, int]] | None) -> Inequality:
        """The inequality for target ``g[t]`` obtained by relabeling with ``g`` (a
        symmetry of the expression; ``row_images`` is :meth:`row_images` of ``g``).

        Multipliers are carried along the induced signed permutation of the rows
        when there is one (normalisation rows map to normalisation rows, so the
        bound is unchanged); otherwise they are recomputed exactly: g keeps B and
        maps t to g[t], so the new multipliers y' solve ``A^T y' = g . (A^T y)``
        (the permuted slack plus the new objective), computed in integers over
        the common denominator of y.
        """
        target = g[inequality.target]
        if row_images is None:
            scale = math.lcm(*(y.denominator for _, y in inequality.multipliers))
            combination = [0] * self.size
            for r, y in inequality.multipliers:
                scaled = y.numerator * (scale // y.denominator)
                for j, a in self.system.rows[r]:
                    combination[j] += a * scaled
            return self._inequality(target, inequality.slope, inequality.constant, apply(g, combination), scale)
        multipliers = sorted((row_images[r][0], row_images[r][1] * y) for r, y in inequality.multipliers)
        return Inequality(target, inequality.constant, inequality.slope, tuple(multipliers))

    def canonical_box(self, target: int, bell_value: Fraction | None, value: Fraction,
                      slope: Fraction | None = None) -> tuple[Fraction, ...]:
        """Lexicographically smallest no-signalling box in a face.

        With ``slope`` None: boxes with ``B.P <= bell_value`` and ``P_t = value``.
        Otherwise: boxes with ``P_t - slope * B.P = value`` (``-slope * B.P``
        when target is None). With an offset the Bell constraint is
        ``B.P <= offset + bell_value``.
        """
        if slope is None:
            rows = self.rows + (self.bell_row + ((self.size, Fraction(1)),), ((target, Fraction(1)),))
            rhs = self.rhs + (Fraction(bell_value) + self.offset, Fraction(value))
            columns = self.size + 1
        else:
            c = self.objective(target, slope)
            rows = self.rows + (tuple((j, v) for j, v in enumerate(c) if v),)
            rhs = self.rhs + (Fraction(value),)
            columns = self.size
        lp = StandardFormLP(rows, rhs, columns)
        weights = tie_breaking_weights(columns)
        proposal = propose_basis(weights, rows, rhs, columns, maximise=False)
        result = lexicographic_minimum(lp, range(columns), proposal.basis(columns), weights)
        return result.primal[:self.size]
