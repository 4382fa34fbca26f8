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

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Sequence

import flint

from certify.lp.expression import BellExpression
from certify.lp.linear_algebra import dense_matrix, to_fmpq, to_fraction
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


def tie_breaking_weights(count: int) -> tuple[Fraction, ...]:
    """The fixed weights ``w_k = 1000 + (7919 k mod 1009)`` of the canonical rule.

    Canonical choices minimise ``w . z`` first (a generic positive weight makes
    the minimiser unique in practice, so one exact check usually settles it)
    and break any remaining tie lexicographically (z_0 first).

    >>> tie_breaking_weights(3)
    (Fraction(1000, 1), Fraction(1856, 1), Fraction(1703, 1))
    """
    return tuple(Fraction(1000 + (7919 * k) % 1009) for k in range(count))


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
    def _left_inverse(self) -> "flint.fmpq_mat":
        """``(A A^T)^{-1} A``: recovers y from ``A^T y`` exactly."""
        a = self._row_matrix
        return (a * a.transpose()).inv() * a

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
        c = [-slope * b for b in self.bell]
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
        total = [ci + si for ci, si in zip(c, slack)]
        vector = flint.fmpq_mat(self.size, 1, [to_fmpq(v) for v in total])
        y = [to_fraction(v) for v in (self._left_inverse * vector).entries()]
        back = (self._row_matrix.transpose() * flint.fmpq_mat(len(y), 1, [to_fmpq(v) for v in y])).entries()
        if any(to_fraction(back[j]) != total[j] for j in range(self.size)):
            raise ArithmeticError("slack vector does not give a certificate (not in the row space)")
        bound = sum((b * v for b, v in zip(self.rhs, y)), Fraction(0)) + slope * self.offset
        if bound != constant:
            raise ArithmeticError(f"certificate bound {bound} differs from {constant}")
        multipliers = tuple((self.rows_used[k], v) for k, v in enumerate(y) if v)
        return Inequality(target, Fraction(constant), Fraction(slope), multipliers)

    # -- images under a symmetry of the expression -----------------------------------
    def slack(self, inequality: Inequality) -> list[Fraction]:
        """``A^T y - c`` of an inequality's multipliers y (c its objective): >= 0 when valid."""
        combination = [Fraction(0)] * self.size
        for r, y in inequality.multipliers:
            for j, a in self.system.rows[r]:
                combination[j] += a * y
        objective = self.objective(inequality.target, inequality.slope)
        return [c - o for c, o in zip(combination, objective)]

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
        bound is unchanged); otherwise they are recomputed exactly from the
        permuted slack vector.
        """
        target = g[inequality.target]
        if row_images is None:
            slack = apply(g, self.slack(inequality))
            return self.certificate_from_slack(target, inequality.slope, inequality.constant, slack)
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
