"""The exact value function v(δ) = max P(x*|u*) over no-signalling boxes with B.P <= δ.

v is concave, non-decreasing and piecewise linear on δ >= 0 (the optimal
value of an LP as a function of one right-hand side). It is computed by the
sandwich (Eisner-Severance) method, exactly:

1. solve at δ = 0 and at δ_sat, the smallest Bell value at which P_t reaches
   its unconstrained maximum v_max; each solve gives the value and a
   supporting line ``a + λ δ`` read off the exact optimal dual;
2. for two points whose lines differ, solve at the intersection δ_I of the
   lines: if v(δ_I) equals the lines' value there, δ_I is a breakpoint and
   both segments are linear; otherwise the new supporting line splits the
   interval in two and the method recurses.

Each segment ends up with one line that is a valid upper bound on v
everywhere (an LP certificate) and is attained at both ends (the exact
optimal boxes), so v is exact between breakpoints by concavity.

>>> vf = ValueFunction(target=0, breakpoints=((Fraction(0), Fraction(1, 3)), (Fraction(2), Fraction(1))),
...                    pieces=((Fraction(1, 3), Fraction(1, 3)), (Fraction(1), Fraction(0))))
>>> vf.evaluate(Fraction(1, 10)), vf.evaluate(Fraction(5))
(Fraction(11, 30), Fraction(1, 1))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from certify.lp.program import Inequality, NoSignallingLP, SolvedPoint
from certify.lp.symmetry import apply

__all__ = ["ValueFunction", "compute_value_function", "certified_value_function", "upper_envelope"]


@dataclass(frozen=True)
class ValueFunction:
    """Breakpoints ``(δ_i, v_i)`` (δ_0 = 0) and pieces ``(constant_i, slope_i)``;
    piece i holds on ``[δ_i, δ_{i+1}]``, the last one on ``[δ_k, ∞)``.
    ``witnesses[i]`` is an exact no-signalling box attaining ``v_i`` at ``δ_i``."""

    target: int
    breakpoints: tuple[tuple[Fraction, Fraction], ...]
    pieces: tuple[tuple[Fraction, Fraction], ...]
    witnesses: tuple[tuple[Fraction, ...], ...] = field(default=(), repr=False, compare=False)

    def piece_index(self, bell_value: Fraction) -> int:
        bell_value = Fraction(bell_value)
        if bell_value < 0:
            raise ValueError(f"the Bell value must be >= 0, got {bell_value}")
        index = 0
        for i, (start, _) in enumerate(self.breakpoints):
            if bell_value >= start:
                index = i
        return index

    def evaluate(self, bell_value) -> Fraction:
        """Exact v(δ)."""
        constant, slope = self.pieces[self.piece_index(bell_value)]
        return constant + slope * Fraction(bell_value)

    def witness_at(self, bell_value) -> tuple[Fraction, ...]:
        """An exact no-signalling box with B.P <= δ attaining v(δ): the convex
        combination of the witnesses at the surrounding breakpoints."""
        bell_value = Fraction(bell_value)
        i = self.piece_index(bell_value)
        if i == len(self.breakpoints) - 1 or bell_value == self.breakpoints[i][0]:
            return self.witnesses[i]
        left, right = self.breakpoints[i][0], self.breakpoints[i + 1][0]
        weight = (bell_value - left) / (right - left)
        return tuple((1 - weight) * p + weight * q
                     for p, q in zip(self.witnesses[i], self.witnesses[i + 1]))


    def image(self, g) -> "ValueFunction":
        """The same function for the target ``g[t]``, witnesses relabeled by the symmetry ``g``."""
        return ValueFunction(g[self.target], self.breakpoints, self.pieces,
                             tuple(tuple(apply(g, w)) for w in self.witnesses))


def compute_value_function(lp: NoSignallingLP, target: int) -> ValueFunction:
    """Exact value function for one target index (see the module docstring).

    Witnesses are left empty here; :func:`certified_value_function` attaches the
    canonical ones.
    """
    v_max, saturation = lp.saturation(target)
    start = lp.maximise_target(target, Fraction(0))
    if start.value == v_max:
        return ValueFunction(target, ((Fraction(0), v_max),), ((v_max, Fraction(0)),))
    end = SolvedPoint(saturation, v_max, (), v_max, Fraction(0))
    segments: list[tuple[SolvedPoint, SolvedPoint, tuple[Fraction, Fraction]]] = []
    _refine(lp, target, start, end, segments)
    # Merge neighbouring segments carried by the same line.
    merged: list[list] = []
    for left, right, line in segments:
        if merged and merged[-1][2] == line:
            merged[-1][1] = right
        else:
            merged.append([left, right, line])
    breakpoints = tuple((left.bell_value, left.value) for left, _, _ in merged)
    breakpoints += ((merged[-1][1].bell_value, merged[-1][1].value),)
    pieces = tuple(line for _, _, line in merged) + ((v_max, Fraction(0)),)
    return ValueFunction(target, breakpoints, pieces)


def _line_at(point: SolvedPoint, bell_value: Fraction) -> Fraction:
    return point.constant + point.slope * bell_value


def _refine(lp: NoSignallingLP, target: int, left: SolvedPoint, right: SolvedPoint,
            segments: list) -> None:
    """Append the linear segments of v on [left.δ, right.δ] in order."""
    if _line_at(left, right.bell_value) == right.value:
        segments.append((left, right, (left.constant, left.slope)))
        return
    if _line_at(right, left.bell_value) == left.value:
        segments.append((left, right, (right.constant, right.slope)))
        return
    if left.slope <= right.slope:
        raise ArithmeticError("supporting lines are not concave: the LP duals are inconsistent")
    crossing = (right.constant - left.constant) / (left.slope - right.slope)
    if not left.bell_value < crossing < right.bell_value:
        raise ArithmeticError("supporting lines cross outside the interval")
    middle = lp.maximise_target(target, crossing)
    if middle.value == _line_at(left, crossing):
        segments.append((left, middle, (left.constant, left.slope)))
        segments.append((middle, right, (right.constant, right.slope)))
        return
    _refine(lp, target, left, middle, segments)
    _refine(lp, target, middle, right, segments)


def upper_envelope(functions) -> tuple[tuple[Fraction, Fraction], ...]:
    """Exact pointwise maximum of value functions, as its breakpoints ``(δ, value)``;
    beyond the last breakpoint it is constant.

    Between consecutive candidate points (all breakpoints and all crossings
    of pieces) every function is linear and the maximising one does not
    change, so evaluating the maximum there gives the envelope exactly.

    >>> f = ValueFunction(0, ((Fraction(0), Fraction(0)), (Fraction(2), Fraction(1))),
    ...                   ((Fraction(0), Fraction(1, 2)), (Fraction(1), Fraction(0))))
    >>> g = ValueFunction(1, ((Fraction(0), Fraction(1, 3)), (Fraction(2), Fraction(1))),
    ...                   ((Fraction(1, 3), Fraction(1, 3)), (Fraction(1), Fraction(0))))
    >>> upper_envelope([f, g])
    ((Fraction(0, 1), Fraction(1, 3)), (Fraction(2, 1), Fraction(1, 1)))
    """
    functions = list(functions)
    candidates = {Fraction(0)}
    lines = set()
    for function in functions:
        candidates.update(d for d, _ in function.breakpoints)
        lines.update(function.pieces)
    lines = sorted(lines)
    for i, (a1, s1) in enumerate(lines):
        for a2, s2 in lines[i + 1:]:
            if s1 != s2:
                crossing = (a2 - a1) / (s1 - s2)
                if crossing > 0:
                    candidates.add(crossing)
    points = [(d, max(f.evaluate(d) for f in functions)) for d in sorted(candidates)]
    # Keep only genuine breakpoints (drop points where the envelope is straight),
    # then drop a final run that is already flat.
    kept = [points[0]]
    for k in range(1, len(points) - 1):
        (d0, v0), (d1, v1), (d2, v2) = kept[-1], points[k], points[k + 1]
        if (v1 - v0) * (d2 - d1) != (v2 - v1) * (d1 - d0):
            kept.append(points[k])
    if len(points) > 1:
        kept.append(points[-1])
    while len(kept) > 1 and kept[-1][1] == kept[-2][1]:
        kept.pop()
    return tuple(kept)


def certified_value_function(lp: NoSignallingLP, target: int) -> tuple[ValueFunction, tuple[Inequality, ...]]:
    """The value function with its canonical witness boxes (one per breakpoint) and
    the canonical dual certificate of each piece: everything a stored document needs."""
    function = compute_value_function(lp, target)
    witnesses = tuple(lp.canonical_box(target, d, v) for d, v in function.breakpoints)
    function = ValueFunction(target, function.breakpoints, function.pieces, witnesses)
    return function, tuple(lp.canonical_certificate(target, s, a) for a, s in function.pieces)
