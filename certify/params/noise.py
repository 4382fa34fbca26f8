"""Noise tolerance (completeness): how much noise the quantum box of eq. (8) may carry.

An honest device is the box of eq. (8) (:mod:`certify.simulation.quantum_box`) used
independently in every round, with white noise (visibility V, noise
fraction ``1 - V``) or an independent flip of each output bit with
probability p. The protocol's test compares L_n with the threshold delta,
and Theorems 20/27 need ``delta < delta_max(eps)`` (:mod:`certify.params.theorems`).
Each round's B_i has conditional mean ``sum_u nu(u | past) c_u``, with
``c_u = sum_x B(x,u) P(x|u)`` the per-setting penalty. The SV source is
adversarial, so the honest device is safe only if the *largest* such mean
over SV sources stays below delta_max:

    worst(eps) = max_{nu SV} sum_u nu(u) c_u.

Computed exactly by backward induction over the four setting bits: a node
with children values ``w0, w1`` is worth
``max_{p in [1/2-eps, 1/2+eps]} p w0 + (1-p) w1 = (w0 + w1)/2 + eps |w0 - w1|``
(:func:`worst_case_sv_bell_value`). For both noise models the penalties are
equal (``c = B.P / 8``) on the eight settings of ``U0 u U1`` (odd Hamming
weight) and zero elsewhere (checked exactly from the box); the parity of u
is fixed by its last bit, so ``worst = (1/2 + eps) * B.P / 8``. With
``B.P = 4 x`` for white noise of fraction ``x = 1 - V`` and
``B.P = 4 (1 - (1 - 2p)^4)`` for bit flips (both from the exact boxes):

    white noise:  (1/2 + eps) x / 2 < delta_max,  i.e.  x < 2 delta_max / (1/2 + eps),
    bit flip:     p < (1 - (1 - 2 delta_max/(1/2 + eps))^(1/4)) / 2

(solved by sympy from the exact penalties, compared with these closed forms
in the tests).

The supremum is returned as an exact sympy expression (and a decimal
enclosure for reading); the region is open (strict inequality).

Passing probability at n rounds: every B_i is conditionally Bernoulli with
mean at most ``q = worst``, so the number of penalties is stochastically
dominated by Binomial(n, q) and ``P(abort) = P(L_n > delta) <=
P(Bin(n, q) > n delta)``, computed exactly (integers) for ``n <= 4000`` and
otherwise enclosed by interval arithmetic (upper tail plus a geometric
remainder, when the threshold is above the mean);
beside it Lemma 7 (eq. (26)) with ``s = delta - q``:
``P(abort) <= 2 exp(-n (delta - q)^2 / 2)``.

>>> from fractions import Fraction
>>> worst_case_sv_bell_value([Fraction(u.count(1) % 2) for u in _SETTINGS], Fraction(1, 10))
Fraction(3, 5)
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

from certify.errors import ClaimNotProven, InputError
from certify.numbers import parse_exact
from certify.params.lemma10 import HALF, check_epsilon, check_protocol_delta
from certify.lp.scenario import Scenario

__all__ = [
    "setting_penalties", "worst_case_sv_bell_value", "noise_tolerance",
    "honest_round_mean", "pass_probability", "EXACT_TAIL_LIMIT", "EXACT_INTEGER_LIMIT",
]

_SETTINGS = Scenario.binary(4).setting_tuples
EXACT_TAIL_LIMIT = 10 ** 6
EXACT_INTEGER_LIMIT = 4000


def setting_penalties(box) -> list:
    """``c_u = sum_x B(x,u) P(x|u)`` for the 16 settings (canonical order), exact (sympy)."""
    import sympy
    from certify.lp.expression import paper_bell_expression

    expression = paper_bell_expression()
    penalties = [sympy.Integer(0)] * 16
    for index, coefficient in expression.coefficients.items():
        penalties[index // 16] += sympy.Rational(coefficient.numerator, coefficient.denominator) * box[index]
    return [sympy.expand(c) for c in penalties]


def worst_case_sv_bell_value(penalties, epsilon) -> Fraction:
    """``max over eps-SV distributions nu of sum_u nu(u) c_u`` for rational penalties, exactly.

    Backward induction over the bits u_4, u_3, u_2, u_1 (eq. (1): each
    conditional probability lies in [1/2 - eps, 1/2 + eps]).
    """
    eps = check_epsilon(epsilon)
    values = [Fraction(c) for c in penalties]
    if len(values) != 16:
        raise InputError(f"penalties: expected 16 values, got {len(values)}")
    while len(values) > 1:
        values = [(values[i] + values[i + 1]) / 2 + eps * abs(values[i] - values[i + 1])
                  for i in range(0, len(values), 2)]
    return values[0]


@lru_cache(maxsize=None)
def _noise_penalty(model: str):
    """(symbol x, common penalty c(x) on U0 u U1, plain Bell sum B.P(x)) for a noise model."""
    import sympy
    from certify.simulation import quantum_box

    x = sympy.Symbol("x", nonnegative=True)
    if model == "white_noise":
        box = quantum_box.white_noise_box(1 - x)
        bell = quantum_box.white_noise_bell_value(1 - x)
    elif model == "bit_flip":
        box = quantum_box.bit_flip_box(x)
        bell = quantum_box.bit_flip_bell_value(x)
    else:
        raise InputError(f"noise model: expected 'white_noise' or 'bit_flip', got {model!r}")
    penalties = setting_penalties(box)
    odd = [c for u, c in zip(_SETTINGS, penalties) if sum(u) % 2 == 1]
    even = [c for u, c in zip(_SETTINGS, penalties) if sum(u) % 2 == 0]
    if any(sympy.expand(c - odd[0]) != 0 for c in odd) or any(c != 0 for c in even):
        raise ClaimNotProven(f"{model}: penalties are not equal on U0 u U1 and zero elsewhere; "
                             "the closed form (1/2+eps) B.P/8 does not apply")
    if sympy.expand(8 * odd[0] - bell) != 0:
        raise ClaimNotProven(f"{model}: 8 * per-setting penalty differs from B.P")
    return x, odd[0], sympy.expand(bell)


@lru_cache(maxsize=None)
def _penalty_increasing(model: str, upper) -> bool:
    """Whether the per-setting penalty c(x) of a noise model increases on [0, upper): its
    derivative is checked positive there (sympy). The worst-case mean is (1/2 + eps) c(x)
    with 1/2 + eps > 0, so this decides its monotonicity for every eps at once."""
    import sympy

    x, penalty, _ = _noise_penalty(model)
    derivative = sympy.diff(penalty, x)
    return bool(sympy.solve_univariate_inequality(derivative > 0, x, relational=False)
                .is_superset(sympy.Interval.Ropen(0, upper)))


def honest_round_mean(epsilon, model: str, noise) -> Fraction:
    """Largest conditional mean of B_i over SV sources for the noisy quantum box, exactly.

    ``noise`` is the white-noise fraction ``1 - V`` or the flip probability p.
    Computed by :func:`worst_case_sv_bell_value` on the exact penalties
    (not through the closed form, which the tests compare with it).
    """
    import sympy

    eps = check_epsilon(epsilon)
    value = parse_exact(noise, f"{model} noise")
    upper = 1 if model == "white_noise" else Fraction(1, 2)
    if not 0 <= value <= upper:
        raise InputError(f"{model} noise: expected a value in [0, {upper}], got {value}")
    x, _, _ = _noise_penalty(model)
    from certify.simulation import quantum_box
    box = (quantum_box.white_noise_box(1 - value) if model == "white_noise"
           else quantum_box.bit_flip_box(value))
    penalties = [Fraction(int(sympy.Rational(c).p), int(sympy.Rational(c).q)) for c in setting_penalties(box)]
    return worst_case_sv_bell_value(penalties, eps)


def noise_tolerance(epsilon, delta_max: Fraction | None) -> dict:
    """Supremum of white-noise fraction and of bit-flip probability with worst mean < delta_max.

    Returns for each model the exact supremum (sympy string), a decimal
    enclosure, and the plain Bell sum B.P at it; ``None`` delta_max means no
    limit (every noise level is admissible).
    """
    import sympy

    eps = check_epsilon(epsilon)
    result = {"epsilon": str(eps), "delta_max": None if delta_max is None else str(delta_max),
              "worst_case_weight_of_U0_u_U1": str(HALF + eps)}
    indicator = [Fraction(sum(u) % 2) for u in _SETTINGS]
    if worst_case_sv_bell_value(indicator, eps) != HALF + eps:
        raise ClaimNotProven("backward induction does not give 1/2 + eps for the odd settings")
    for model, upper in (("white_noise", sympy.Integer(1)), ("bit_flip", sympy.Rational(1, 2))):
        x, penalty, bell = _noise_penalty(model)
        if delta_max is None:
            result[model] = {"supremum": str(upper), "note": "no certified limit"}
            continue
        limit = sympy.Rational(delta_max.numerator, delta_max.denominator)
        mean = sympy.expand(sympy.Rational(HALF + eps) * penalty)
        increasing = _penalty_increasing(model, upper)
        roots = [r for r in sympy.solve(sympy.Eq(mean, limit), x)
                 if r.is_real and 0 <= r <= upper]
        at_upper = mean.subs(x, upper)
        if not increasing:
            raise ClaimNotProven(f"{model}: worst-case mean is not increasing in the noise")
        if not roots:
            supremum = upper if at_upper < limit else None
        else:
            supremum = sympy.nsimplify(min(roots)) if min(roots).is_rational else sympy.simplify(min(roots))
        if supremum is None:
            raise ClaimNotProven(f"{model}: no crossing found")
        check = sympy.simplify(mean.subs(x, supremum) - limit)
        if supremum != upper and check != 0:
            raise ClaimNotProven(f"{model}: the supremum does not solve mean = delta_max exactly")
        entry = {
            "parameter": "1 - V" if model == "white_noise" else "p",
            "supremum": str(supremum),
            "decimal": sympy.N(supremum, 15).__str__(),
            "bell_sum_at_supremum": str(sympy.nsimplify(sympy.simplify(bell.subs(x, supremum)))),
            "worst_case_round_mean": str(mean),
        }
        if model == "white_noise":
            entry["visibility_infimum"] = str(1 - supremum)
        result[model] = entry
    return result


def _binomial_lower_tail(rounds: int, probability: Fraction, limit: int) -> Fraction:
    """``P(Bin(rounds, probability) <= limit)`` exactly (integer arithmetic; small n only)."""
    a, b = probability.numerator, probability.denominator
    rest = b - a
    if limit < 0:
        return Fraction(0)
    if limit >= rounds:
        return Fraction(1)
    term = rest ** rounds
    total = term
    for k in range(1, limit + 1):
        term = term * (rounds - k + 1) * a // (k * rest) if rest else 0
        total += term
    return Fraction(total, b ** rounds)


def _log_factorial_interval(k: int):
    """Interval enclosing ln(k!): exact sum for small k, else Stirling with Robbins' bounds.

    Robbins (1955): ``ln k! = k ln k - k + (1/2) ln(2 pi k) + r_k`` with
    ``1/(12k+1) < r_k < 1/(12k)``.
    """
    from mpmath import iv

    if k < 64:
        total = iv.mpf(0)
        for i in range(2, k + 1):
            total += iv.log(iv.mpf(i))
        return total
    kk = iv.mpf(k)
    remainder = iv.mpf([(1 / (12 * kk + 1)).a, (1 / (12 * kk)).b])
    return kk * iv.log(kk) - kk + iv.log(2 * iv.pi * kk) / 2 + remainder


def _binomial_upper_tail_interval(rounds: int, probability: Fraction, limit: int):
    """Interval enclosing ``P(Bin(rounds, probability) > limit)`` (mpmath.iv, rigorous).

    Terms ``t_k = C(n,k) q^k (1-q)^(n-k)`` from ``k = limit + 1`` upward via
    ``t_{k+1} = t_k r_k``, ``r_k = (n-k)/(k+1) q/(1-q)`` (decreasing in k). Once
    ``r_k < 1`` and ``t_k r_k/(1 - r_k)`` (a bound on the rest) is below
    2^-60 of the sum, the rest is added as the interval ``[0, t_k r_k/(1-r_k)]``.
    The first term uses :func:`_log_factorial_interval`. Returns None when the
    threshold is not above the mean (``r_{limit+1} >= 1``) or the sum does
    not settle within :data:`EXACT_TAIL_LIMIT` terms.
    """
    from mpmath import iv

    n, k = rounds, limit + 1
    if k > n:
        return iv.mpf(0)
    q = iv.mpf(probability.numerator) / probability.denominator
    odds = q / (1 - q)
    if (odds * (n - k) / (k + 1)).b >= 1:
        return None
    log_binomial = _log_factorial_interval(n) - _log_factorial_interval(k) - _log_factorial_interval(n - k)
    term = iv.exp(log_binomial + k * iv.log(q) + (n - k) * iv.log(1 - q))
    total = iv.mpf(0)
    for _ in range(EXACT_TAIL_LIMIT):
        total += term
        if k == n:
            return total
        ratio = odds * (n - k) / (k + 1)
        rest = term * ratio / (1 - ratio)
        if rest.b < total.a * 2 ** -60:
            return total + iv.mpf([0, rest.b])
        term = term * ratio
        k += 1
    return None


def pass_probability(epsilon, protocol_delta, rounds: int, model: str, noise) -> dict:
    """Abort probability of the honest noisy device: exact binomial tail and Lemma 7's bound.

    Args:
        epsilon: SV bias; protocol_delta: the test's threshold on L_n;
        rounds: n; model: ``"white_noise"`` or ``"bit_flip"``; noise: 1 - V or p.
    """
    from mpmath import iv, mp

    eps = check_epsilon(epsilon)
    delta = check_protocol_delta(protocol_delta)
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise InputError(f"rounds n: expected a positive integer, got {rounds!r}")
    mean = honest_round_mean(eps, model, noise)
    result = {"rounds": rounds, "model": model, "noise": str(parse_exact(noise, "noise")),
              "worst_case_round_mean": str(mean), "protocol_delta": str(delta)}
    iv.prec = 96
    limit = math.floor(rounds * delta)
    if rounds <= EXACT_INTEGER_LIMIT:
        abort = 1 - _binomial_lower_tail(rounds, mean, limit)
        interval = iv.mpf(abort.numerator) / iv.mpf(abort.denominator)
        method = "exact integer sum"
    else:
        interval = _binomial_upper_tail_interval(rounds, mean, limit)
        method = ("interval sum of the upper tail, Robbins-Stirling first term, geometric "
                  "remainder (mpmath.iv)" if interval is not None else
                  "not computed: threshold not above the mean, or the tail did not settle")
    if interval is not None:
        low, high = (mp.make_mpf(e) for e in interval._mpi_)
        result["abort_probability_exact"] = {"lower": mp.nstr(low, 12), "upper": mp.nstr(high, 12),
                                             "method": method}
    else:
        result["abort_probability_exact"] = None
        result["abort_probability_exact_note"] = method
    if delta > mean:
        gap = iv.mpf((delta - mean).numerator) / (delta - mean).denominator
        bound = 2 * iv.exp(-rounds * gap ** 2 / 2)
        high = mp.make_mpf(bound._mpi_[1])
        result["abort_probability_lemma7"] = {"upper": mp.nstr(high, 12),
                                              "equation": "(26): 2 exp(-n (delta - q)^2/2)"}
    else:
        result["abort_probability_lemma7"] = None
        result["abort_probability_lemma7_note"] = "delta <= worst-case round mean: no bound"
    return result
