"""Symmetry-reduced exact LP for v(0): the largest P(x*|u*) at the no-signalling optimum.

Let H be a group of relabelings that fix the target index t and map the
penalty expression C to itself (found by :func:`certify.symmetry.search_symmetries`
with ``fixed=t``). Every relabeling maps no-signalling boxes to no-signalling
boxes, so for an optimal box P of

    v(δ) = max P_t  subject to  P no-signalling,  C.P <= offset + δ,

the average of P over H is feasible, H-invariant and has the same P_t.
Hence v(δ) equals the optimum over H-invariant boxes, ``P = sum_O z_O 1_O``
with one variable per H-orbit O of the probability indices. Substituting
gives one row per distinct image of a no-signalling row (duplicates and
zero rows dropped), plus the Bell row; the reduced LP is solved exactly
(:mod:`certify.exact_lp`, HiGHS only proposes a basis). Its exact optimal
dual bounds P_t on invariant boxes, which by the averaging argument bounds
it on all boxes; its exact primal, expanded, is a no-signalling box
attaining the value (checked exactly against the full rows when asked).

Orbits are computed from generators: the elements found for the identity
party permutation and for the adjacent transpositions within each class of
parties with the same (u*_i, x*_i) and the same numbers of settings and
outcomes (setting relabelings are not searched here: H is a subgroup of the
stabiliser, which is enough for the argument).

>>> from certify.expression_library import chsh_expression
>>> reduced_value_at_optimum(chsh_expression(), 0).value
Fraction(1, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.bell_expression import BellExpression
from certify.exact_lp import StandardFormLP, maximise
from certify.float_solve import propose_basis
from certify.no_signalling import NoSignallingSystem
from certify.symmetry import kernel_generators

__all__ = ["ReducedOptimum", "stabiliser_orbits", "reduced_value_at_optimum", "reduced_ns_optimum",
           "parity_family_targets", "reduced_max_output_at_optimum"]


@dataclass(frozen=True)
class ReducedOptimum:
    """Exact v(δ) of one target from the reduced LP."""

    target: int
    value: Fraction
    num_orbits: int
    num_rows: int
    box: tuple[Fraction, ...] | None


def _stabiliser_generators(expression: BellExpression, target: int | None) -> list[np.ndarray]:
    """Generators of H (the stabiliser subgroup of the module docstring; with
    target None, the same construction without a fixed index)."""
    scenario = expression.scenario
    n = scenario.num_parties
    setting, outcome = scenario.pair(target) if target is not None else ((0,) * n, (0,) * n)
    identity = tuple(range(n))
    perms = [identity]
    classes: dict[tuple, list[int]] = {}
    for i in range(n):
        classes.setdefault((setting[i], outcome[i], scenario.settings[i], scenario.outcomes[i]), []).append(i)
    for members in classes.values():
        for a, b in zip(members, members[1:]):
            perm = list(identity)
            perm[a], perm[b] = b, a
            perms.append(tuple(perm))
    identity_relabel = tuple(tuple(range(m)) for m in scenario.settings)
    generators = []
    for perm in perms:
        # The kernel (identity permutation) by its stabiliser chain; one element per transposition.
        generators.extend(kernel_generators(expression, perm, identity_relabel, target))
    return generators


def stabiliser_orbits(expression: BellExpression, target: int | None) -> np.ndarray:
    """Orbit label (smallest member) of every index under the subgroup H."""
    size = expression.scenario.num_probabilities
    labels = np.arange(size, dtype=np.int64)
    generators = _stabiliser_generators(expression, target)
    changed = True
    while changed:
        changed = False
        for g in generators:
            merged = np.minimum(labels, labels[g])
            np.minimum.at(merged, g, merged.copy())
            if not np.array_equal(merged, labels):
                labels, changed = merged, True
    # Labels are minima over connected components once stable; map to the smallest member.
    return labels


def reduced_value_at_optimum(expression: BellExpression, target: int, offset: Fraction = Fraction(0),
                             bell_value: Fraction = Fraction(0), check_box: bool = False,
                             system: NoSignallingSystem | None = None) -> ReducedOptimum:
    """Exact ``v(bell_value) = max P_t s.t. NS, C.P <= offset + bell_value`` for a
    minimise-direction expression C, by the reduced LP of the module docstring."""
    scenario = expression.scenario
    size = scenario.num_probabilities
    labels = stabiliser_orbits(expression, target)
    orbit_ids = {label: k for k, label in enumerate(sorted(set(labels.tolist())))}
    column = np.array([orbit_ids[label] for label in labels.tolist()], dtype=np.int64)
    count = len(orbit_ids)
    system = system or NoSignallingSystem.build(scenario)
    rows, rhs, seen = [], [], set()
    for row, b in zip(system.rows, system.right_hand_sides):
        reduced: dict[int, int] = {}
        for j, a in row:
            k = int(column[j])
            reduced[k] = reduced.get(k, 0) + a
        key = tuple(sorted((k, a) for k, a in reduced.items() if a))
        if not key:
            if b != 0:
                raise ArithmeticError("the reduced system is inconsistent")
            continue
        if (key, b) in seen:
            continue
        seen.add((key, b))
        rows.append(tuple((k, Fraction(a)) for k, a in key))
        rhs.append(Fraction(b))
    bell: dict[int, Fraction] = {}
    members = np.bincount(column, minlength=count)
    for j, value in expression.coefficients.items():
        k = int(column[j])
        bell[k] = bell.get(k, Fraction(0)) + value
    rows.append(tuple(sorted(bell.items())) + ((count, Fraction(1)),))
    rhs.append(Fraction(offset) + Fraction(bell_value))
    objective = [Fraction(0)] * (count + 1)
    objective[int(column[target])] = Fraction(1)
    lp = StandardFormLP(tuple(rows), tuple(rhs), count + 1, tuple(objective))
    proposal = propose_basis(lp.objective, lp.rows, lp.rhs, lp.num_columns)
    result = maximise(lp, proposal.basis(lp.num_columns))
    box = None
    if check_box:
        box = tuple(result.primal[int(column[j])] for j in range(size))
        if not system.contains(box) or expression.value(box) > offset + bell_value or box[target] != result.value:
            raise ArithmeticError("the expanded reduced optimum is not a feasible box attaining the value")
    del members
    return ReducedOptimum(target, result.value, count, len(rows), box)


def _reduced_rows(system: NoSignallingSystem, column: np.ndarray):
    rows, rhs, seen = [], [], set()
    for row, b in zip(system.rows, system.right_hand_sides):
        reduced: dict[int, int] = {}
        for j, a in row:
            k = int(column[j])
            reduced[k] = reduced.get(k, 0) + a
        key = tuple(sorted((k, a) for k, a in reduced.items() if a))
        if not key:
            if b != 0:
                raise ArithmeticError("the reduced system is inconsistent")
            continue
        if (key, b) not in seen:
            seen.add((key, b))
            rows.append(tuple((k, Fraction(a)) for k, a in key))
            rhs.append(Fraction(b))
    return rows, rhs


def reduced_ns_optimum(expression: BellExpression, system: NoSignallingSystem | None = None) -> Fraction:
    """Exact ``min C.P`` over no-signalling boxes by the reduced LP (the objective
    is invariant under every symmetry, so invariant boxes suffice)."""
    labels = stabiliser_orbits(expression, None)
    orbit_ids = {label: k for k, label in enumerate(sorted(set(labels.tolist())))}
    column = np.array([orbit_ids[label] for label in labels.tolist()], dtype=np.int64)
    count = len(orbit_ids)
    system = system or NoSignallingSystem.build(expression.scenario)
    rows, rhs = _reduced_rows(system, column)
    objective = [Fraction(0)] * count
    for j, value in expression.coefficients.items():
        objective[int(column[j])] -= value
    lp = StandardFormLP(tuple(rows), tuple(rhs), count, tuple(objective))
    proposal = propose_basis(lp.objective, lp.rows, lp.rhs, lp.num_columns)
    return -maximise(lp, proposal.basis(lp.num_columns)).value


def _relabelled(expression: BellExpression, image) -> dict:
    return {int(image[j]): v for j, v in expression.coefficients.items()}


def parity_family_targets(expression: BellExpression) -> list[int] | None:
    """Representatives of all pairs for a binary expression invariant under every
    party permutation and under flipping the outcomes of two parties at every
    setting (checked exactly on the generators: the swap of parties 1, 2, the
    cycle of all parties, and the flip of parties 1 and 2); None otherwise.

    Party permutations sort u to ``0...01...1`` (w ones); two-party flips reduce
    x to ``0...0`` or to a single 1, and move that 1 to party 1; so the pairs
    ``(0^{N-w} 1^w | 0^N)`` and ``(0^{N-w} 1^w | 10^{N-1})`` for w = 0..N
    represent every pair.
    """
    scenario = expression.scenario
    n = scenario.num_parties
    if n < 2 or any(m != 2 for m in scenario.settings) or any(d != 2 for d in scenario.outcomes):
        return None
    pairs = [scenario.pair(j) for j in range(scenario.num_probabilities)]
    coefficients = dict(expression.coefficients)

    def image_of(move) -> list[int]:
        return [scenario.index(*move(u, x)) for u, x in pairs]

    swap = lambda u, x: ((u[1], u[0]) + u[2:], (x[1], x[0]) + x[2:])
    cycle = lambda u, x: (u[-1:] + u[:-1], x[-1:] + x[:-1])
    flip = lambda u, x: (u, (1 - x[0], 1 - x[1]) + x[2:])
    for move in (swap, cycle, flip):
        if _relabelled(expression, image_of(move)) != coefficients:
            return None
    targets = []
    for w in range(n + 1):
        setting = (0,) * (n - w) + (1,) * w
        targets.append(scenario.index(setting, (0,) * n))
        targets.append(scenario.index(setting, (1,) + (0,) * (n - 1)))
    return targets


def reduced_max_output_at_optimum(expression: BellExpression, targets=None, offset: Fraction | None = None,
                                  progress=None) -> tuple[Fraction, int, dict[int, Fraction]]:
    """``(max_t v_t(0), argmax target, values)`` over ``targets`` (default: the
    parity-family representatives, else every pair) by reduced LPs; stops at
    the first target whose value is 1 (``values`` then covers the targets solved)."""
    system = NoSignallingSystem.build(expression.scenario)
    if offset is None:
        offset = reduced_ns_optimum(expression, system)
    if targets is None:
        targets = parity_family_targets(expression) or list(range(expression.scenario.num_probabilities))
    values = {}
    for done, target in enumerate(targets, start=1):
        values[target] = reduced_value_at_optimum(expression, target, offset, system=system).value
        if progress is not None:
            progress(done, len(targets))
        if values[target] == 1:
            break  # no probability exceeds 1: the maximum is reached
    best = max(values.values())
    return best, min(t for t, v in values.items() if v == best), values
