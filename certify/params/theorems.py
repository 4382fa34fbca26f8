"""Admissible parameters of Theorems 20 and 27: the region in eps and the protocol threshold.

Both theorems assume the same condition (eq. (111) = eq. (180)); with
``s = 1/2 - eps`` and the protocol threshold ``delta`` (the bound on L_n):

    gamma_paper(delta) = (1/3) (1 + 2 sqrt(2 delta) / s^4) < 1          (111), (180)

Reading of the PDF extraction: the square root covers ``2δ`` only, and
``(1/2 - ε)^4`` is the denominator of ``2 sqrt(2δ)``. The ``2δ`` is
``δ + δ_Az`` of eq. (94) with ``δ_Az <= δ`` (i.e. ``n >= n0``).

Version (a), as the paper states it. For eps in [0, 1/2) and delta >= 0,
(111) holds iff ``delta < delta_max = s^8 / 2`` (proof in
:func:`prove_paper_region`: multiply by ``3 s^4 > 0``, then square two
non-negative numbers). The paper also asks ``delta > 0``.

Version (b), "certified". The line ``(1 + 2 b)/3`` of Lemma 11 is replaced
by the certified value functions ``v_{u*x*}(b)`` (exact, from
``certificates/lemma11``), evaluated at the same Bell sum
``b = sqrt(2 delta)/s^4``:

    gamma_certified(delta) = max_{pairs} v_{u*x*}(sqrt(2 delta) / s^4) < 1.

Each v is continuous and non-decreasing with values <= 1; let ``b*`` be the
smallest Bell sum at which some pair's v reaches 1 (read off the pieces,
:func:`certified_saturation_bell_sum`). Then the condition holds iff
``sqrt(2 delta)/s^4 < b*`` iff ``delta < delta_max_certified = s^8 b*^2 / 2``
(if no v reaches 1 every delta >= 0 is admissible).

Deciding for given rationals never uses floats: ``sqrt(2 delta)`` is handled
as the exact number ``r`` with ``r^2 = 2 delta`` (signs of ``a + c r`` by
squaring, :func:`sign_of_sum_with_root`).

>>> paper_delta_max(Fraction(0))
Fraction(1, 512)
>>> paper_condition_holds(Fraction(1, 10), Fraction(128, 390625))
False
>>> paper_condition_holds(Fraction(1, 10), Fraction(127, 390625))
True
"""

from __future__ import annotations

import copy
from functools import lru_cache

from fractions import Fraction
from typing import Mapping

from certify.errors import ClaimNotProven, InputError
from certify.params.lemma10 import HALF, check_epsilon, check_protocol_delta

__all__ = [
    "paper_delta_max", "paper_condition_holds", "paper_gamma", "proof_delta_sup",
    "sign_of_sum_with_root", "certified_saturation_bell_sum", "certified_delta_max",
    "certified_gamma", "certified_condition_holds", "prove_paper_region",
    "prove_certified_region", "RootLinear",
]


class RootLinear:
    """The exact real number ``constant + coefficient * sqrt(radicand)`` (all rationals, radicand >= 0).

    >>> x = RootLinear(Fraction(1, 3), Fraction(2, 3), Fraction(2))
    >>> x < 1, x.sympy()
    (False, 1/3 + 2*sqrt(2)/3)
    """

    def __init__(self, constant: Fraction, coefficient: Fraction, radicand: Fraction) -> None:
        if radicand < 0:
            raise InputError(f"radicand must be >= 0, got {radicand}")
        self.constant, self.coefficient, self.radicand = (
            Fraction(constant), Fraction(coefficient), Fraction(radicand))

    def _minus(self, other) -> tuple[Fraction, Fraction]:
        if isinstance(other, RootLinear):
            if other.radicand != self.radicand and other.coefficient != 0 and self.coefficient != 0:
                raise InputError("cannot compare numbers with different square roots")
            return self.constant - other.constant, self.coefficient - other.coefficient
        return self.constant - Fraction(other), self.coefficient

    def __lt__(self, other) -> bool:
        a, c = self._minus(other)
        return sign_of_sum_with_root(a, c, self.radicand) < 0

    def __gt__(self, other) -> bool:
        a, c = self._minus(other)
        return sign_of_sum_with_root(a, c, self.radicand) > 0

    def __eq__(self, other) -> bool:
        a, c = self._minus(other)
        return sign_of_sum_with_root(a, c, self.radicand) == 0

    def __hash__(self) -> int:
        return hash((self.constant, self.coefficient, self.radicand))

    def sympy(self):
        import sympy
        return (sympy.Rational(self.constant.numerator, self.constant.denominator)
                + sympy.Rational(self.coefficient.numerator, self.coefficient.denominator)
                * sympy.sqrt(sympy.Rational(self.radicand.numerator, self.radicand.denominator)))

    def __str__(self) -> str:
        return str(self.sympy())

    def enclosure(self, digits: int = 30) -> tuple[str, str]:
        """A decimal interval (mpmath.iv) containing the number, for display only."""
        from mpmath import iv, mp
        saved = iv.prec
        iv.dps = digits + 10
        try:
            value = (iv.mpf(self.constant.numerator) / self.constant.denominator
                     + iv.mpf(self.coefficient.numerator) / self.coefficient.denominator
                     * iv.sqrt(iv.mpf(self.radicand.numerator) / self.radicand.denominator))
            low, high = (mp.make_mpf(end) for end in value._mpi_)
            return (mp.nstr(low, digits), mp.nstr(high, digits))
        finally:
            iv.prec = saved


def sign_of_sum_with_root(constant: Fraction, coefficient: Fraction, radicand: Fraction) -> int:
    """Exact sign of ``constant + coefficient * sqrt(radicand)`` for rationals, radicand >= 0.

    >>> sign_of_sum_with_root(Fraction(-3, 2), Fraction(1), Fraction(2))
    -1
    >>> sign_of_sum_with_root(Fraction(-1), Fraction(1), Fraction(1))
    0
    """
    def sign(value: Fraction) -> int:
        return (value > 0) - (value < 0)

    root_sign = sign(coefficient) if radicand > 0 else 0
    if root_sign == 0:
        return sign(constant)
    if sign(constant) in (0, root_sign):
        return root_sign
    # opposite signs: compare squares
    return sign(constant) * sign(constant * constant - coefficient * coefficient * radicand)


def paper_delta_max(epsilon) -> Fraction:
    """Supremum of the protocol thresholds allowed by eq. (111): ``(1/2 - eps)^8 / 2``."""
    eps = check_epsilon(epsilon)
    return (HALF - eps) ** 8 / 2


def proof_delta_sup(epsilon, b_star: Fraction | None = Fraction(1)) -> Fraction | None:
    """Supremum of thresholds for which the proof's chain works for some n: ``b*^2 (1/2-eps)^8``.

    The proof uses (111) only to get gamma < 1 at ``delta + delta_Az`` (eq. (94))
    with ``delta_Az <= delta``; gamma < 1 there iff ``sqrt(delta + delta_Az) <
    b* s^4`` (``b* = 1`` for the paper's Lemma 11 line), which some
    ``delta_Az > 0`` (i.e. large n) achieves iff ``delta < b*^2 s^8`` -- twice
    the bound of (111).

    >>> proof_delta_sup(Fraction(0))
    Fraction(1, 256)
    """
    eps = check_epsilon(epsilon)
    if b_star is None:
        return None
    return Fraction(b_star) ** 2 * (HALF - eps) ** 8


def paper_gamma(epsilon, protocol_delta) -> RootLinear:
    """The left side of eq. (111): ``(1/3)(1 + 2 sqrt(2 delta)/(1/2 - eps)^4)``, exactly."""
    eps = check_epsilon(epsilon)
    delta = check_protocol_delta(protocol_delta)
    return RootLinear(Fraction(1, 3), Fraction(2, 3) / (HALF - eps) ** 4, 2 * delta)


def paper_condition_holds(epsilon, protocol_delta) -> bool:
    """Decide eq. (111) exactly for rational inputs (the paper's extra ``delta > 0`` aside).

    Decided twice: directly on the exact number of :func:`paper_gamma`, and
    through the closed form ``delta < (1/2 - eps)^8 / 2``; a disagreement
    would be a bug and raises :class:`ClaimNotProven`.
    """
    direct = paper_gamma(epsilon, protocol_delta) < 1
    closed = check_protocol_delta(protocol_delta) < paper_delta_max(epsilon)
    if direct != closed:
        raise ClaimNotProven(f"eq. (111) decided two ways disagrees at eps={epsilon}, "
                             f"delta={protocol_delta}: direct {direct}, closed form {closed}")
    return direct


def _saturation_of(function) -> Fraction | None:
    """First Bell sum where one certified value function reaches 1, or None if it never does."""
    breakpoints = [(Fraction(b), Fraction(v)) for b, v in function.breakpoints]
    pieces = [(Fraction(c), Fraction(s)) for c, s in function.pieces]
    if not breakpoints or breakpoints[0][0] != 0 or len(pieces) != len(breakpoints):
        raise InputError("value function: expected breakpoints starting at Bell sum 0 and "
                         "one piece per breakpoint")
    for index, (bell_value, value) in enumerate(breakpoints):
        if value >= 1:
            if index == 0:
                return Fraction(0)
            constant, slope = pieces[index - 1]
            if slope <= 0:
                raise InputError("value function: a piece rising to 1 must have positive slope")
            return (1 - constant) / slope
    return None


def certified_saturation_bell_sum(value_functions: Mapping[str, object]) -> tuple[Fraction | None, list[str]]:
    """``b*``: the smallest Bell sum B.P at which some certified v_{u*x*} reaches 1.

    Returns ``(b_star, pairs)`` with the pairs attaining it (``(None, [])``
    if no value function reaches 1).
    """
    if not value_functions:
        raise InputError("value functions: expected the 256 certified pairs, got none")
    best, pairs = None, []
    for key in sorted(value_functions):
        saturation = _saturation_of(value_functions[key])
        if saturation is None:
            continue
        if best is None or saturation < best:
            best, pairs = saturation, [key]
        elif saturation == best:
            pairs.append(key)
    return best, pairs


def certified_delta_max(epsilon, value_functions: Mapping[str, object]) -> Fraction | None:
    """Supremum of protocol thresholds with gamma_certified < 1: ``(1/2-eps)^8 b*^2 / 2``.

    Returns None when no certified value function reaches 1 (no upper limit).
    """
    eps = check_epsilon(epsilon)
    b_star, _ = certified_saturation_bell_sum(value_functions)
    if b_star is None:
        return None
    return (HALF - eps) ** 8 * b_star ** 2 / 2


def certified_gamma(epsilon, protocol_delta, value_functions: Mapping[str, object],
                    *, bell_sum_radicand_factor: Fraction = Fraction(2)) -> tuple[RootLinear, str]:
    """``max_pairs v(sqrt(f delta)/(1/2-eps)^4)`` exactly, with ``f = 2`` as in eq. (111).

    The Bell sum ``beta = sqrt(f delta)/s^4`` is irrational in general; the
    piece containing it is found exactly (``beta >= b`` iff
    ``f delta >= (b s^4)^2``), and the value ``c + slope * beta`` is returned as
    a :class:`RootLinear`. Returns the maximum and the first pair attaining it.
    """
    eps = check_epsilon(epsilon)
    delta = check_protocol_delta(protocol_delta)
    scale = (HALF - eps) ** 4
    radicand = bell_sum_radicand_factor * delta
    best, best_key = None, None
    for key in sorted(value_functions):
        function = value_functions[key]
        breakpoints = [Fraction(b) for b, _ in function.breakpoints]
        pieces = [(Fraction(c), Fraction(s)) for c, s in function.pieces]
        index = 0
        while index + 1 < len(breakpoints) and radicand >= (breakpoints[index + 1] * scale) ** 2:
            index += 1
        constant, slope = pieces[index]
        value = RootLinear(constant, slope / scale, radicand)
        if best is None or value > best:
            best, best_key = value, key
    if best is None:
        raise InputError("value functions: expected the 256 certified pairs, got none")
    return best, best_key


def certified_condition_holds(epsilon, protocol_delta, value_functions: Mapping[str, object]) -> bool:
    """Decide version (b) exactly: ``gamma_certified < 1``, checked two ways (direct, closed form)."""
    direct = certified_gamma(epsilon, protocol_delta, value_functions)[0] < 1
    limit = certified_delta_max(epsilon, value_functions)
    closed = True if limit is None else check_protocol_delta(protocol_delta) < limit
    if direct != closed:
        raise ClaimNotProven(f"version (b) decided two ways disagrees at eps={epsilon}, "
                             f"delta={protocol_delta}: direct {direct}, closed form {closed}")
    return direct


def _region_algebra(b_star) -> list[dict]:
    """Polynomial identities behind the region proof, in variables s > 0, r >= 0.

    With ``r = sqrt(2 delta)``, ``B = b_star`` (1 for the paper's line):
    the condition is ``r < B s^4`` (for the paper after multiplying (111) by
    ``3 s^4 > 0``: ``s^4 + 2 r - 3 s^4 = 2 (r - s^4)``), and
    ``r^2 - B^2 s^8 = (r - B s^4)(r + B s^4)`` with ``r + B s^4 > 0``.
    Polynomials are lists of ``[[exponent of s, exponent of r], "coefficient"]``.
    """
    b = Fraction(b_star)
    steps = []
    if b == 1:
        steps.append({
            "kind": "polynomial-identity",
            "claim": "3 s^4 * ((1/3)(1 + 2 r/s^4) - 1) = 2 (r - s^4)",
            "variables": ["s", "r"],
            "lhs": [[[4, 0], "1"], [[0, 1], "2"], [[4, 0], "-3"]],
            "rhs_product": [[[[0, 1], "2"], [[4, 0], "-2"]]],
        })
    steps.append({
        "kind": "polynomial-identity",
        "claim": f"r^2 - ({b})^2 s^8 = (r - ({b}) s^4)(r + ({b}) s^4)",
        "variables": ["s", "r"],
        "lhs": [[[0, 2], "1"], [[8, 0], str(-b * b)]],
        "rhs_product": [[[[0, 1], "1"], [[4, 0], str(-b)]], [[[0, 1], "1"], [[4, 0], str(b)]]],
    })
    steps.append({
        "kind": "polynomial-positive",
        "claim": f"r + ({b}) s^4 > 0 for s > 0, r >= 0",
        "variables": ["s", "r"],
        "positive_variables": ["s"],
        "nonnegative_variables": ["r"],
        "polynomial": [[[0, 1], "1"], [[4, 0], str(b)]],
    })
    return steps


def prove_paper_region() -> dict:
    """A fresh copy of :func:`_paper_region_proof` (the proof is done once per process)."""
    return copy.deepcopy(_paper_region_proof())


@lru_cache(maxsize=1)
def _paper_region_proof() -> dict:
    """Prove with sympy: for all eps in [0, 1/2) and delta >= 0, (111) iff delta < (1/2-eps)^8/2.

    Symbols ``s = 1/2 - eps`` (positive) and ``r = sqrt(2 delta)`` (non-negative):

    1. ``3 s^4 (gamma - 1) = 2 (r - s^4)``, and ``3 s^4 > 0``: so (111) iff ``r < s^4``;
    2. ``r^2 - s^8 = (r - s^4)(r + s^4)`` with ``r + s^4 > 0``: so iff ``r^2 < s^8``;
    3. ``r^2 = 2 delta``: iff ``delta < s^8/2``.

    Eq. (180) of Theorem 27 is the same inequality, so the same region.
    """
    import sympy

    s = sympy.Symbol("s", positive=True)
    r = sympy.Symbol("r", nonnegative=True)
    gamma = sympy.Rational(1, 3) * (1 + 2 * r / s ** 4)
    step1 = sympy.simplify(3 * s ** 4 * (gamma - 1) - 2 * (r - s ** 4)) == 0
    step2 = sympy.expand((r - s ** 4) * (r + s ** 4) - (r ** 2 - s ** 8)) == 0
    positive = bool((r + s ** 4).is_positive)
    # cross-check: sympy's own solver on the original inequality in delta, for symbolic s
    delta = sympy.Symbol("delta", real=True)  # sqrt(2 delta) real forces delta >= 0
    solved = sympy.solve_univariate_inequality(
        (sympy.Rational(1, 3) * (1 + 2 * sympy.sqrt(2 * delta) / s ** 4) < 1).subs(s, sympy.Rational(2, 5)),
        delta, relational=False)
    cross = solved == sympy.Interval.Ropen(0, sympy.Rational(2, 5) ** 8 / 2)
    holds = bool(step1 and step2 and positive and cross)
    return {
        "statement": ("for all eps in [0, 1/2) and protocol thresholds delta >= 0: "
                      "(1/3)(1 + 2 sqrt(2 delta)/(1/2-eps)^4) < 1  iff  delta < (1/2-eps)^8/2 "
                      "(eq. (111), identical to eq. (180))"),
        "closed_form": "delta_max(eps) = (1/2 - eps)^8 / 2",
        "steps": {"multiply_by_3s4": bool(step1), "difference_of_squares": bool(step2),
                  "sum_positive": positive, "sympy_solver_cross_check_at_eps_1_10": bool(cross)},
        "algebra": _region_algebra(Fraction(1)),
        "holds": holds,
    }


def prove_certified_region(value_functions: Mapping[str, object]) -> dict:
    """Prove the closed form of version (b) from the certified value functions.

    Statement: for all eps in [0, 1/2) and delta >= 0,
    ``max_pairs v(sqrt(2 delta)/s^4) < 1`` iff ``delta < s^8 b*^2 / 2``.
    Uses: every v is non-decreasing and continuous (checked when the value
    functions were loaded), ``v(b) < 1`` iff ``b < b_pair`` (from the pieces),
    then the algebra of :func:`_region_algebra` with ``B = b*``.
    """
    import sympy

    b_star, pairs = certified_saturation_bell_sum(value_functions)
    monotone = True
    for key in sorted(value_functions):
        function = value_functions[key]
        slopes = [Fraction(sl) for _, sl in function.pieces]
        values = [Fraction(v) for _, v in function.breakpoints]
        monotone &= all(sl >= 0 for sl in slopes) and all(v <= 1 for v in values)
    result = {
        "statement": ("for all eps in [0, 1/2) and protocol thresholds delta >= 0: "
                      "max over pairs of the certified v(sqrt(2 delta)/(1/2-eps)^4) < 1 iff "
                      + ("delta < (1/2-eps)^8 b*^2/2" if b_star is not None else "always")),
        "b_star": None if b_star is None else str(b_star),
        "pairs_attaining_b_star": pairs,
        "steps": {"value_functions_nondecreasing_and_at_most_1": bool(monotone)},
    }
    if b_star is None:
        result["holds"] = bool(monotone)
        result["algebra"] = []
        return result
    s = sympy.Symbol("s", positive=True)
    r = sympy.Symbol("r", nonnegative=True)
    b = sympy.Rational(b_star.numerator, b_star.denominator)
    step = sympy.expand((r - b * s ** 4) * (r + b * s ** 4) - (r ** 2 - b ** 2 * s ** 8)) == 0
    positive = bool((r + b * s ** 4).is_positive) if b > 0 else False
    result["closed_form"] = f"delta_max_certified(eps) = (1/2 - eps)^8 * ({b_star})^2 / 2"
    result["steps"].update({"difference_of_squares": bool(step), "sum_positive": positive})
    result["algebra"] = _region_algebra(b_star) if b_star > 0 else []
    result["holds"] = bool(monotone and step and positive)
    return result
