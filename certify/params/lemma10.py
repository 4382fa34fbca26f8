"""Lemma 10: from the SV-weighted Bell value to a bound on every output probability.

Two different "deltas" meet here and are kept apart by name:

* ``protocol_delta`` (the paper's δ of eq. (37)): a bound on the SV-weighted
  Bell value ``B^SV = sum_{x,u} nu(u) B(x,u) P(x|u)`` of eq. (36), which is
  what the protocol's test on L_n estimates;
* ``bell_sum`` (the δ of Lemma 11, eq. (41)): a bound on the plain Bell sum
  ``B.P = sum_{x,u} B(x,u) P(x|u)``, between 0 and 8.

The chain (eqs. (39), (40), (38)), with ``a = (1/2 - eps)^4``:

1. eq. (39): an eps-SV source gives every setting string u of four bits the
   weight ``nu(u) = prod_i p(u_i | u_<i)`` with each factor in
   ``[1/2 - eps, 1/2 + eps]``, hence ``a <= nu(u) <= (1/2 + eps)^4``;
2. eq. (40) (times |U|): since ``B(x,u) P(x|u) >= 0``,
   ``B^SV >= a * B.P``, so ``B^SV <= protocol_delta`` gives
   ``B.P <= protocol_delta / a``;
3. Lemma 11 (paper, eq. (42)): ``P(x*|u*) <= (1 + 2 B.P)/3``, and the
   right side increases with B.P, hence eq. (38):
   ``P(x*|u*) <= (1/3) (1 + 2 protocol_delta / a)``.

Reading of the PDF extraction: eq. (38) is
``P(x*|u*) <= 1/3 * (1 + 2 delta / (1/2 - eps)^4)`` (the "(1/2 - ε)4" sits in
the denominator of the fraction ``2δ / ...``).

The certified value functions of Lemma 11 (one per pair (u*, x*),
``v(b) = max {P(x*|u*) : P no-signalling, B.P <= b}``) replace step 3: they
are non-decreasing, so ``P(x*|u*) <= v_{u*x*}(protocol_delta / a)``; the
largest over pairs is :func:`certified_output_bound`.

>>> from fractions import Fraction
>>> paper_output_bound(Fraction(1, 1000), Fraction(0))
Fraction(43, 125)
>>> bell_sum_bound(Fraction(1, 1000), Fraction(1, 4))
Fraction(32, 125)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping

from certify.errors import InputError
from certify.numbers import parse_exact
from certify.simulation.source import check_epsilon

__all__ = [
    "check_epsilon", "check_protocol_delta", "sv_weight_bounds",
    "bell_sum_bound", "paper_output_bound", "certified_output_bound",
    "prove_lemma10_chain", "HALF",
]

HALF = Fraction(1, 2)

def check_protocol_delta(protocol_delta, name: str = "delta") -> Fraction:
    """Validate the protocol threshold δ on L_n: a rational >= 0."""
    value = parse_exact(protocol_delta, name)
    if value < 0:
        raise InputError(f"{name}: the protocol threshold must be >= 0, got {value}")
    return value


def sv_weight_bounds(epsilon) -> tuple[Fraction, Fraction]:
    """Eq. (39): ``(1/2 - eps)^4 <= nu(u) <= (1/2 + eps)^4`` for four SV bits.

    >>> sv_weight_bounds(Fraction(0))
    (Fraction(1, 16), Fraction(1, 16))
    """
    eps = check_epsilon(epsilon)
    return (HALF - eps) ** 4, (HALF + eps) ** 4


def bell_sum_bound(protocol_delta, epsilon) -> Fraction:
    """Eq. (40) times |U|: ``B^SV <= delta`` implies ``B.P <= delta / (1/2 - eps)^4``."""
    delta = check_protocol_delta(protocol_delta)
    lower, _ = sv_weight_bounds(epsilon)
    return delta / lower


def paper_output_bound(protocol_delta, epsilon) -> Fraction:
    """Eq. (38): ``P(x*|u*) <= (1/3) (1 + 2 delta / (1/2 - eps)^4)``."""
    return Fraction(1, 3) * (1 + 2 * bell_sum_bound(protocol_delta, epsilon))


def certified_output_bound(protocol_delta, epsilon,
                           value_functions: Mapping[str, object]) -> tuple[Fraction, str]:
    """Largest certified ``v_{u*x*}(delta / (1/2 - eps)^4)`` over pairs, and the pair reaching it.

    Args:
        protocol_delta: bound δ on the SV-weighted Bell value (eq. (37)).
        epsilon: SV bias.
        value_functions: pair key -> object with ``evaluate(bell_sum)``
            (the certified :class:`~certify.lp.value_function.ValueFunction`).

    Returns:
        ``(bound, pair_key)``; the first pair in key order wins ties.
    """
    if not value_functions:
        raise InputError("value functions: expected at least one pair, got none")
    bell_sum = bell_sum_bound(protocol_delta, epsilon)
    best_key, best_value = None, None
    for key in sorted(value_functions):
        value = Fraction(value_functions[key].evaluate(bell_sum))
        if best_value is None or value > best_value:
            best_key, best_value = key, value
    return best_value, best_key


def prove_lemma10_chain() -> dict:
    """Check the chain (39) -> (40) -> (38) symbolically for all eps in [0, 1/2), delta >= 0.

    Symbols: ``s = 1/2 - eps`` (so ``s`` in (0, 1/2]), ``t = 1/2 + eps``,
    ``delta >= 0``, ``b = B.P >= 0``, ``w = B^SV``, and the four conditional SV
    probabilities ``p_i = 1/2 + e_i`` with ``|e_i| <= eps``. Steps, each
    checked with sympy:

    * (39) ``nu(u) - s^4 = prod(s + f_i) - s^4`` with ``f_i = p_i - s >= 0``
      expands to a polynomial in ``s, f_i`` with non-negative coefficients,
      hence >= 0; likewise ``t^4 - nu(u) = prod(p_i + g_i) - prod(p_i)``,
      ``g_i = t - p_i >= 0``;
    * (40) ``w - s^4 b = sum_u (nu(u) - s^4) (B.P)_u >= 0`` is a sum of
      products of non-negatives; with ``w <= delta``: ``s^4 b <= delta``;
    * (38) ``1/3 + (2/3)(delta/s^4) - (1/3)(1 + 2 delta/s^4) = 0`` identically,
      and ``(1 + 2 b)/3`` is increasing in ``b`` (slope 2/3 > 0).

    Returns a dict with the statement, the steps and their results (all True).
    """
    import sympy

    s, t = sympy.symbols("s t", positive=True)
    f = sympy.symbols("f1:5", nonnegative=True)
    g = sympy.symbols("g1:5", nonnegative=True)
    p = sympy.symbols("p1:5", positive=True)
    delta, b = sympy.symbols("delta b", nonnegative=True)

    lower_gap = sympy.Poly(sympy.expand(sympy.prod([s + fi for fi in f]) - s ** 4), s, *f)
    lower_ok = all(c >= 0 for c in lower_gap.coeffs())
    upper_gap = sympy.Poly(sympy.expand(sympy.prod([pi + gi for pi, gi in zip(p, g)])
                                        - sympy.prod(p)), *p, *g)
    upper_ok = all(c >= 0 for c in upper_gap.coeffs())
    identity = sympy.simplify(sympy.Rational(1, 3) + sympy.Rational(2, 3) * delta / s ** 4
                              - sympy.Rational(1, 3) * (1 + 2 * delta / s ** 4)) == 0
    slope_positive = sympy.diff((1 + 2 * b) / 3, b) > 0
    return {
        "statement": ("for all eps in [0, 1/2), delta >= 0 and every no-signalling box with "
                      "B^SV <= delta: B.P <= delta/(1/2-eps)^4 and "
                      "P(x*|u*) <= (1/3)(1 + 2 delta/(1/2-eps)^4)  (eqs. (39), (40), (38))"),
        "steps": {
            "eq39_lower_weight": bool(lower_ok),
            "eq39_upper_weight": bool(upper_ok),
            "eq38_identity": bool(identity),
            "lemma11_monotone": bool(slope_positive),
        },
        "lower_weight_polynomial": str(lower_gap.as_expr()),
        "holds": bool(lower_ok and upper_ok and identity and slope_positive),
    }
