"""Finite-size calculator: the chain of quantities in the proofs of Theorems 20 and 27.

The paper gives only Omega(.) error terms. This module follows the proof of
Theorem 20 (and of Theorem 27) step by step with explicit constants, and
finds the smallest number of rounds n (and of blocks N) at which the proof's
bound on ``d_comp * p(ACC)`` (eq. (112), eq. (181)) is below a target, for a
given SV bias eps, protocol threshold delta (the bound on L_n) and output
length m bits.

Chain (Theorem 20), ``s = 1/2 - eps``, readings of the PDF extraction stated:

* ``delta_Az = n^(-1/4)`` (proof of Thm 20);
* ``eps_Az = 2 exp(-delta_Az^2 n / 4)`` (eq. (90): "2e^{-1/4 δ_Az^2 n}").
  Lemma 7, eq. (26), gives ``P(|L - Lbar| >= s') <= 2 exp(-n s'^2 / 2)``;
  the extra factor 1/2 in the exponent of (90) is what the Markov step
  hidden in "q(A) >= 1 - eps_Az" needs: ``q(A^c) <= 2 e^{-n d^2/2} / eps_Az
  = e^{-n d^2/4} <= eps_Az``;
* ``n0 = floor(1/delta^4)`` as printed; the proof needs ``delta_Az <= delta``,
  i.e. ``n >= ceil(1/delta^4)`` (floor is one too small when ``1/delta^4`` is
  not an integer); what the rest of the proof really needs is only
  ``gamma < 1`` at ``delta + delta_Az``, i.e. ``n > (s^8 - delta)^(-4)``;
* ``mu = 1 - sqrt(delta + delta_Az)``,
  ``gamma = (1/3)(1 + 2 sqrt(delta + delta_Az)/s^4)`` (eq. (94); the root
  covers ``δ + δ_Az``, as eq. (101) shows);
* ``delta_1 = gamma^(mu n) + 2 eps_Az`` (eq. (105)); ``eta = sqrt(delta_1)``;
* min-entropy of x on the set Good: ``H_min >= log2(1/sqrt(eta)) =
  (1/4) log2(1/delta_1)`` (eq. (115), "c sqrt(n)");
* min-entropy of the n SV bits t: ``H_min >= n log2(1/(1/2 + eps))``
  (eq. (119), ``c' = log2(1/(1/2+eps))``);
* extractor of Lemma 5 (i) on x (4n bits) and t (n bits) with m output bits:
  L1 error ``e_ext`` from :class:`UnionBoundTwoSourceExtractor` (named
  constants below);
* ``d q(ACC) <= max(2 eta, e_ext + 2 sqrt(eta))`` (eqs. (113)-(122)). Reading:
  eq. (121) prints the Good-complement term as ``2 sqrt(eta)/eta``, which
  grows without bound; eq. (114) is a probability under ``q(.|ACC)``, so the
  term is ``2 sqrt(eta)`` and that is what is used here;
* Proposition 16: ``d_comp <= |S| d`` with ``|S| = 2^m``:
  ``d_comp p(ACC) <= 2^m max(2 eta, e_ext + 2 sqrt(eta))``.

"Optimised" keeps the proof and frees its choices: any ``delta_Az > 0``;
Lemma 9 with any threshold ``tau`` in place of ``sqrt(delta + delta_Az)``
(fraction ``mu = 1 - (delta + delta_Az)/tau`` of positions with
``Bbar_i <= tau``, so ``gamma = gamma(tau)``); Lemma 7 used directly with
Markov at any level ``theta`` (``delta_1' = max(theta, gamma^(mu n)) +
2 e^{-n delta_Az^2/2} / theta``); and Markov on max_x q(x|...,ACC) at any
level ``a`` (``d q(ACC) <= e_ext(log2 1/a) + 2 delta_1'/a``). Floats propose
these parameters; the bound at the proposed (exact, rational) parameters is
evaluated with interval arithmetic (``mpmath.iv``) and decides.

Theorem 27 (Protocol II): the same delta_1 and eta per device (Prop. 25),
the de Finetti term of Lemma 13 (eq. (50)) read as
``E||...|| <= sqrt(2 ln2 * N^{log2(1+2 eps)} * n log2|Sigma| / N)``
``= c sqrt(n) N^{(1/2) log2(1/2 + eps)} = eps_deF^2`` with ``|Sigma| = 16``,
``c = sqrt(8 ln 2)``; and eq. (198) with ``xi = eta^2``:
``d_II <= e_Rao + 5 eps_deF/eta^4 + 2 eta`` (eq. (199)), needing
``xi >= 2 eps_deF``. Eq. (198) omits the event of probability
``<= 2 sqrt(delta_1/q(ACC))`` (eq. (186)) on which (187) fails; it is added
here as ``4 sqrt(eta)``. Rao's extractor [21] has no published explicit
constants: its error is a named parameter (``rao_error_log2``) with no
default; without it the extractor term is left out and the output says so.

All values that are too small or too large for floats are reported as
log2 enclosures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Mapping

from mpmath import iv, mp

from certify.errors import InputError
from certify.numbers import parse_exact
from certify.params.lemma10 import HALF, check_epsilon, check_protocol_delta

__all__ = [
    "UnionBoundTwoSourceExtractor", "GammaModel", "paper_gamma_model", "certified_gamma_model",
    "theorem20_chain", "theorem20_optimised", "smallest_rounds", "theorem27_chain",
    "theorem27_smallest", "paper_n0", "needed_n0", "n_for_gamma_below_one",
    "SIGMA_OUTPUTS_PER_BOX",
]

PRECISION_BITS = 96
SIGMA_OUTPUTS_PER_BOX = 16  # |Sigma| of Lemma 13: four output bits per box
LOG2E = 1 / math.log(2)


def _iv(value):
    """An interval enclosing an int, Fraction or interval."""
    if isinstance(value, Fraction):
        return iv.mpf(value.numerator) / value.denominator
    return iv.mpf(value)


def _ends(value) -> tuple:
    return tuple(mp.make_mpf(end) for end in value._mpi_)


def _fraction_of(mpf_value) -> Fraction:
    mantissa, exponent = mpf_value.man_exp
    return Fraction(mantissa) * Fraction(2) ** exponent if exponent >= 0 else \
        Fraction(mantissa, 2 ** (-exponent))


def _log2(value):
    return iv.log(value) / iv.log(2)


def _show(value, digits: int = 10) -> dict:
    """A JSON view of a positive interval: value enclosure and log2 enclosure."""
    low, high = _ends(value)
    result = {"lower": mp.nstr(low, digits), "upper": mp.nstr(high, digits)}
    if low > 0:
        l2low, l2high = _ends(_log2(value))
        result["log2"] = [mp.nstr(l2low, digits), mp.nstr(l2high, digits)]
    return result


def _upper(value):
    return _ends(value)[1]


def _lower(value):
    return _ends(value)[0]


@dataclass(frozen=True)
class UnionBoundTwoSourceExtractor:
    """Lemma 5 (i) with explicit constants: a random function is a good two-source extractor.

    Standard probabilistic-method argument (the one behind the non-explicit
    extractor of Lemma 5 (i); cf. Chor and Goldreich, SIAM J. Comput. 17
    (1988) 230-261, and Vadhan, "Pseudorandomness", Sec. 6): fix sources of
    lengths l1, l2 with min-entropy >= k1, k2 (integers; such sources are
    mixtures of flat sources on ``K_i = 2^{k_i}`` strings). For a uniformly
    random ``f: {0,1}^l1 x {0,1}^l2 -> {0,1}^m``, a fixed pair of flat sources
    and a fixed test set T, Hoeffding gives
    ``P(|Pr[f in T] - |T|/2^m| > e) <= 2 exp(-2 K1 K2 e^2)``. A union bound
    over ``C(2^l1, K1) C(2^l2, K2) 2^(2^m)`` choices, with
    ``log2 C(N, K) <= K log2(e N / K)``, shows an f with total-variation error
    <= e for all such sources exists whenever

        2 K1 K2 e^2 log2(e) >= K1 (l1 - k1 + log2 e) + K2 (l2 - k2 + log2 e) + 2^m + 1.

    The L1 error (the paper's ``sum_s |q(s) - 1/|S||``) is ``2 e``.

    Args (named constants, defaults = the argument above):
        hoeffding_factor: the 2 in ``exp(-2 K1 K2 e^2)``.
        l1_factor: ``2`` converts total variation to the paper's L1 sum.
    """

    hoeffding_factor: int = 2
    l1_factor: int = 2
    name: str = "union-bound random two-source extractor (Lemma 5 (i), constants derived here)"

    def l1_error(self, k1: int, l1: int, k2: int, l2: int, output_bits: int):
        """Interval enclosing the L1 error bound for integer min-entropies k1, k2."""
        if k1 < 1 or k2 < 1:
            return iv.mpf(2)
        log2e = 1 / iv.log(2)
        two = iv.mpf(2)
        numerator = (two ** k1 * (l1 - k1 + log2e) + two ** k2 * (l2 - k2 + log2e)
                     + two ** output_bits + 1)
        tv_squared = numerator / (self.hoeffding_factor * two ** (k1 + k2) * log2e)
        error = self.l1_factor * iv.sqrt(tv_squared)
        return error if _upper(error) < 2 else iv.mpf(2)

    def l1_error_log2_float(self, k1: int, l1: int, k2: int, l2: int, output_bits: int) -> float:
        """Float proposal of log2 of :meth:`l1_error` (guides the optimiser only)."""
        if k1 < 1 or k2 < 1:
            return 1.0
        terms = [k1 + math.log2(max(l1 - k1 + LOG2E, 1e-300)),
                 k2 + math.log2(max(l2 - k2 + LOG2E, 1e-300)), float(output_bits), 0.0]
        top = max(terms)
        log_numerator = top + math.log2(sum(2.0 ** (t - top) for t in terms))
        log_tv_sq = log_numerator - math.log2(self.hoeffding_factor) - (k1 + k2) - math.log2(LOG2E)
        return min(1.0, math.log2(self.l1_factor) + log_tv_sq / 2)

    def to_json(self) -> dict:
        return {"name": self.name, "hoeffding_factor": self.hoeffding_factor,
                "l1_factor": self.l1_factor,
                "condition": ("2 K1 K2 e^2 log2(e) >= K1 (l1-k1+log2 e) + K2 (l2-k2+log2 e) "
                              "+ 2^m + 1, L1 error = 2 e")}


@dataclass(frozen=True)
class GammaModel:
    """gamma(tau): the bound on P(x*|u*) for a box whose SV-weighted Bell value is <= tau.

    ``gamma_float`` proposes, ``gamma_interval`` (monotone in tau) decides;
    ``tau_limit`` is the supremum of tau with gamma(tau) < 1.
    """

    name: str
    gamma_float: Callable[[float], float]
    gamma_interval: Callable[[object], object]
    tau_limit: Fraction


def paper_gamma_model(epsilon) -> GammaModel:
    """Lemma 10 with the paper's Lemma 11: ``gamma(tau) = (1/3)(1 + 2 tau/s^4)`` (eq. (38))."""
    scale = (HALF - check_epsilon(epsilon)) ** 4
    scale_float = float(scale)
    return GammaModel(
        name="paper (Lemma 10 with Lemma 11's (1+2b)/3)",
        gamma_float=lambda tau: (1 + 2 * tau / scale_float) / 3,
        gamma_interval=lambda tau: (1 + 2 * tau / _iv(scale)) / 3,
        tau_limit=scale,
    )


def certified_gamma_model(epsilon, value_functions: Mapping[str, object]) -> GammaModel:
    """Lemma 10 with the certified value functions: ``gamma(tau) = max_pairs v(tau/s^4)``.

    Interval evaluation uses monotonicity: v over ``[lo, hi]`` lies in
    ``[v(lo), v(hi)]``, with v evaluated exactly at the rational endpoints.
    """
    from certify.params.theorems import certified_saturation_bell_sum

    scale = (HALF - check_epsilon(epsilon)) ** 4
    functions, seen = [], set()
    for key in sorted(value_functions):  # pairs related by symmetry share one function
        function = value_functions[key]
        signature = (tuple(map(tuple, function.breakpoints)), tuple(map(tuple, function.pieces)))
        if signature not in seen:
            seen.add(signature)
            functions.append(function)
    if not functions:
        raise InputError("value functions: expected the certified pairs, got none")
    b_star, _ = certified_saturation_bell_sum(value_functions)
    float_pieces = [([float(b) for b, _ in f.breakpoints],
                     [(float(c), float(sl)) for c, sl in f.pieces]) for f in functions]

    def envelope_exact(bell_sum: Fraction) -> Fraction:
        return max(Fraction(f.evaluate(bell_sum)) for f in functions)

    def gamma_float(tau: float) -> float:
        bell_sum = tau / float(scale)
        best = 0.0
        for breakpoints, pieces in float_pieces:
            index = 0
            while index + 1 < len(breakpoints) and bell_sum >= breakpoints[index + 1]:
                index += 1
            constant, slope = pieces[index]
            best = max(best, constant + slope * bell_sum)
        return best

    def gamma_interval(tau):
        low, high = _ends(tau / _iv(scale))
        return iv.mpf([_iv(envelope_exact(max(Fraction(0), _fraction_of(low)))).a,
                       _iv(envelope_exact(_fraction_of(high))).b])

    return GammaModel(
        name="certified (Lemma 10 with the certified value functions)",
        gamma_float=gamma_float, gamma_interval=gamma_interval,
        tau_limit=(b_star * scale) if b_star is not None else Fraction(10 ** 9),
    )


def paper_n0(protocol_delta) -> int:
    """``n0 = floor(1/delta^4)`` exactly as printed in the proof of Theorem 20."""
    delta = check_protocol_delta(protocol_delta)
    if delta == 0:
        raise InputError("delta: n0 = floor(1/delta^4) needs delta > 0")
    return math.floor(1 / delta ** 4)


def needed_n0(protocol_delta) -> int:
    """Smallest n with ``delta_Az = n^(-1/4) <= delta``: ``ceil(1/delta^4)``."""
    delta = check_protocol_delta(protocol_delta)
    if delta == 0:
        raise InputError("delta: n0 needs delta > 0")
    return math.ceil(1 / delta ** 4)


def n_for_gamma_below_one(epsilon, protocol_delta, tau_limit: Fraction | None = None) -> int | None:
    """Smallest n with ``delta + n^(-1/4) < tau_limit^2`` (gamma < 1 at eq. (94)), exactly.

    For the paper ``tau_limit = s^4`` (gamma(sqrt(D)) < 1 iff sqrt(D) < s^4).
    Returns None if ``delta >= tau_limit^2`` (no n works).
    """
    eps = check_epsilon(epsilon)
    delta = check_protocol_delta(protocol_delta)
    limit = ((HALF - eps) ** 4 if tau_limit is None else tau_limit) ** 2
    room = limit - delta
    if room <= 0:
        return None
    # n^(-1/4) < room  iff  n > room^(-4)
    bound = 1 / room ** 4
    return math.floor(bound) + 1


def _paper_delta_az(n: int):
    return iv.exp(-iv.log(iv.mpf(n)) / 4)


def _checked_inputs(epsilon, protocol_delta, rounds, output_bits, gamma_model, extractor):
    """Validated inputs of the Theorem 20 chain, with the paper's defaults filled in
    (and the interval precision set)."""
    iv.prec = PRECISION_BITS
    eps = check_epsilon(epsilon)
    return (eps, check_protocol_delta(protocol_delta), _check_rounds(rounds), _check_output_bits(output_bits),
            gamma_model or paper_gamma_model(eps), extractor or UnionBoundTwoSourceExtractor())


def theorem20_chain(epsilon, protocol_delta, rounds: int, output_bits: int = 1,
                    gamma_model: GammaModel | None = None,
                    extractor: UnionBoundTwoSourceExtractor | None = None) -> dict:
    """The proof of Theorem 20 at ``n = rounds`` with the paper's choices (eqs. (90)-(122)).

    Returns a dict with every quantity (enclosures; log2 for tiny ones), its
    equation number, and ``bound_upper`` (an mpf upper end of the bound on
    ``d_comp p(ACC)``; ``None`` where the proof does not apply, e.g. gamma >= 1).
    """
    eps, delta, n, m, gamma_model, extractor = _checked_inputs(
        epsilon, protocol_delta, rounds, output_bits, gamma_model, extractor)
    delta_az = _paper_delta_az(n)
    eps_az = 2 * iv.exp(-delta_az ** 2 * n / 4)
    eps_az_lemma7 = 2 * iv.exp(-delta_az ** 2 * n / 2)
    total = _iv(delta) + delta_az
    root = iv.sqrt(total)
    mu = 1 - root
    gamma = gamma_model.gamma_interval(root)
    chain = {
        "rounds": n, "output_bits": m, "gamma_model": gamma_model.name,
        "delta_az": {"equation": "proof of Thm 20: n^(-1/4)", **_show(delta_az)},
        "epsilon_az": {"equation": "(90): 2 exp(-delta_Az^2 n/4)", **_show(eps_az)},
        "epsilon_az_lemma7": {"equation": "(26) at s = delta_Az: 2 exp(-n delta_Az^2/2)",
                              **_show(eps_az_lemma7)},
        "n0_paper": {"equation": "proof of Thm 20: floor(1/delta^4)",
                     "value": paper_n0(delta) if delta > 0 else None},
        "n0_needed": {"equation": "delta_Az <= delta iff n >= ceil(1/delta^4)",
                      "value": needed_n0(delta) if delta > 0 else None},
        "n_gamma_below_one": {"equation": "(94): gamma < 1 iff delta + n^(-1/4) < s^8",
                              "value": n_for_gamma_below_one(eps, delta, gamma_model.tau_limit)},
        "mu": {"equation": "(94): 1 - sqrt(delta + delta_Az)", **_show(mu)},
        "gamma": {"equation": "(94)", **_show(gamma)},
        "set_size_factor": {"equation": "Prop. 16 (86): |S| = 2^m", "log2": m},
    }
    if not (_upper(gamma) < 1 and _lower(mu) > 0):
        chain["applies"] = False
        chain["bound_upper"] = None
        chain["reason"] = "gamma >= 1 or mu <= 0 at delta + delta_Az: eq. (94) gives nothing"
        return chain
    gamma_power = iv.exp(mu * n * iv.log(gamma))
    delta_1 = gamma_power + 2 * eps_az
    eta = iv.sqrt(delta_1)
    entropy_x = _log2(1 / delta_1) / 4
    entropy_t = n * _log2(1 / (_iv(HALF + eps)))
    k1 = int(mp.floor(_lower(entropy_x)))
    k2 = int(mp.floor(_lower(entropy_t)))
    error_ext = extractor.l1_error(k1, 4 * n, k2, n, m)
    d_times_q = iv.mpf([_lower(iv.mpf(2) * eta), _upper(iv.mpf(2) * eta)])
    other = error_ext + 2 * iv.sqrt(eta)
    upper = max(_upper(d_times_q), _upper(other))
    lower = max(_lower(d_times_q), _lower(other))
    d_q = iv.mpf([lower, upper])
    bound = iv.mpf(2) ** m * d_q
    chain.update({
        "applies": True,
        "gamma_power_mu_n": {"equation": "(93), (103): gamma^(mu n)", **_show(gamma_power)},
        "delta_1": {"equation": "(105): gamma^(mu n) + 2 eps_Az", **_show(delta_1)},
        "eta": {"equation": "proof of Thm 20: sqrt(delta_1)", **_show(eta)},
        "min_entropy_x": {"equation": "(115): log2(1/sqrt(eta)) = (1/4) log2(1/delta_1)",
                          **_show(entropy_x), "used_integer": k1},
        "min_entropy_t": {"equation": "(119): n log2(1/(1/2+eps))", **_show(entropy_t),
                          "used_integer": k2},
        "extractor_error_l1": {"equation": "(120), Lemma 5 (i)", **_show(error_ext),
                               "extractor": extractor.to_json()},
        "d_times_q_acc": {"equation": "(113)-(122): max(2 eta, e_ext + 2 sqrt(eta))", **_show(d_q)},
        "bound": {"equation": "(112) with Prop. 16: 2^m max(2 eta, e_ext + 2 sqrt(eta))",
                  **_show(bound)},
    })
    chain["bound_upper"] = _upper(bound)
    return chain


def _check_rounds(rounds) -> int:
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise InputError(f"rounds n: expected a positive integer, got {rounds!r}")
    return rounds


def _check_output_bits(bits) -> int:
    if isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= 10 ** 6:
        raise InputError(f"output bits m: expected an integer from 1 to 10^6, got {bits!r}")
    return bits


def _golden_minimum(function, low: float, high: float, iterations: int = 60) -> float:
    """Float proposal: golden-section search for a minimum on [low, high]."""
    ratio = (math.sqrt(5) - 1) / 2
    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = function(c), function(d)
    for _ in range(iterations):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = function(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = function(d)
    return (a + b) / 2


def _propose(n: int, delta: float, eps: float, m: int, gamma_model: GammaModel,
             extractor: UnionBoundTwoSourceExtractor) -> dict | None:
    """Float proposal of (delta_Az, tau, theta, k1) minimising log2 of the optimised bound."""
    tau_limit = float(gamma_model.tau_limit)
    if delta >= tau_limit:
        return None
    k2 = int(math.floor(n * math.log2(1 / (0.5 + eps))))

    def log_gamma_power(delta_az: float, tau: float) -> float:
        total = delta + delta_az
        if not total < tau < tau_limit:
            return 0.0
        gamma = gamma_model.gamma_float(tau)
        if gamma >= 1:
            return 0.0
        return n * (1 - total / tau) * math.log2(gamma)

    def best_tau(delta_az: float) -> float:
        low = delta + delta_az
        return _golden_minimum(lambda tau: log_gamma_power(delta_az, tau), low, tau_limit)

    def evaluate(delta_az: float) -> tuple[float, dict]:
        tau = best_tau(delta_az)
        log_g = log_gamma_power(delta_az, tau)
        log_p = 1 - n * delta_az ** 2 * LOG2E / 2
        log_theta = math.floor(max(log_g, log_p / 2))
        theta_term = max(log_theta, log_g)
        rest = log_p - log_theta
        top = max(theta_term, rest)
        log_delta_1 = top + math.log2(2.0 ** (theta_term - top) + 2.0 ** (rest - top))
        best = (math.inf, None)
        centre = int(max(1, min(k2, -(2 / 3) * log_delta_1)))
        for k1 in range(max(1, centre - 60), min(k2, centre + 60) + 1):
            ext = extractor.l1_error_log2_float(k1, 4 * n, k2, n, m)
            markov = 1 + log_delta_1 + k1
            top2 = max(ext, markov)
            value = top2 + math.log2(2.0 ** (ext - top2) + 2.0 ** (markov - top2))
            if value < best[0]:
                best = (value, k1)
        return best[0] + m, {"delta_az": delta_az, "tau": tau, "log2_theta": log_theta,
                             "k1": best[1], "k2": k2}

    room = tau_limit - delta
    log_low, log_high = math.log(room * 1e-9), math.log(room * (1 - 1e-12))
    best_log = _golden_minimum(lambda x: evaluate(math.exp(x))[0], log_low, log_high)
    value, params = evaluate(math.exp(best_log))
    if params["k1"] is None:
        return None
    params["log2_bound_float"] = value
    return params


def theorem20_optimised(epsilon, protocol_delta, rounds: int, output_bits: int = 1,
                        gamma_model: GammaModel | None = None,
                        extractor: UnionBoundTwoSourceExtractor | None = None) -> dict:
    """The proof of Theorem 20 with its free choices optimised (see module docstring).

    Floats propose ``delta_Az``, ``tau``, ``theta`` and ``k1``; they are made
    rational and the bound

        2^m (e_ext(k1) + 2 delta_1' 2^k1),
        delta_1' = max(theta, gamma(tau)^(mu n)) + 2 e^{-n delta_Az^2/2}/theta,
        mu = 1 - (delta + delta_Az)/tau,

    is evaluated with interval arithmetic.
    """
    eps, delta, n, m, gamma_model, extractor = _checked_inputs(
        epsilon, protocol_delta, rounds, output_bits, gamma_model, extractor)
    proposal = _propose(n, float(delta), float(eps), m, gamma_model, extractor)
    result = {"rounds": n, "output_bits": m, "gamma_model": gamma_model.name}
    if proposal is None:
        result.update({"applies": False, "bound_upper": None,
                       "reason": "no admissible tau with gamma(tau) < 1 above delta"})
        return result
    delta_az = Fraction(proposal["delta_az"]).limit_denominator(10 ** 12)
    tau = Fraction(proposal["tau"]).limit_denominator(10 ** 12)
    total = delta + delta_az
    if not (delta_az > 0 and total < tau < gamma_model.tau_limit):
        result.update({"applies": False, "bound_upper": None,
                       "reason": "proposed parameters left the admissible range"})
        return result
    mu = 1 - _iv(total) / _iv(tau)
    gamma = gamma_model.gamma_interval(_iv(tau))
    if not (_upper(gamma) < 1 and _lower(mu) > 0):
        result.update({"applies": False, "bound_upper": None, "reason": "gamma >= 1 at tau"})
        return result
    gamma_power = iv.exp(mu * n * iv.log(gamma))
    azuma = 2 * iv.exp(-_iv(delta_az) ** 2 * n / 2)
    theta = iv.mpf(2) ** proposal["log2_theta"]
    maximum = iv.mpf([max(_lower(theta), _lower(gamma_power)), max(_upper(theta), _upper(gamma_power))])
    delta_1 = maximum + azuma / theta
    k1, k2 = proposal["k1"], proposal["k2"]
    error_ext = extractor.l1_error(k1, 4 * n, k2, n, m)
    d_q = error_ext + 2 * delta_1 * iv.mpf(2) ** k1
    bound = iv.mpf(2) ** m * d_q
    result.update({
        "applies": True,
        "delta_az": str(delta_az), "lemma9_threshold_tau": str(tau),
        "markov_level_theta_log2": proposal["log2_theta"], "markov_level_a_log2": -k1,
        "mu": _show(mu), "gamma": _show(gamma),
        "gamma_power_mu_n": _show(gamma_power),
        "azuma_lemma7": {"equation": "(26): 2 exp(-n delta_Az^2/2)", **_show(azuma)},
        "delta_1": {"equation": "(105) generalised", **_show(delta_1)},
        "min_entropy_x_used": k1, "min_entropy_t_used": k2,
        "extractor_error_l1": _show(error_ext),
        "bound": {"equation": "(112): 2^m (e_ext + 2 delta_1'/a)", **_show(bound)},
    })
    result["bound_upper"] = _upper(bound)
    return result


def _first_holding(holds: Callable[[int], bool], start: int, limit: int) -> int | None:
    """Smallest n >= ``start // 2 + 1`` (or >= 1 when n = ``start`` holds at once) with
    ``holds(n)``, for a predicate that stays true once true: doubling from ``start``,
    then bisection; None when it fails up to ``limit``."""
    high = start
    while not holds(high):
        high *= 2
        if high > limit:
            return None
    low = high // 2 if high > start else 0
    while high - low > 1:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle
    return high


def smallest_rounds(evaluate: Callable[[int], dict], target, *, start: int = 16,
                    limit_log2: int = 90) -> dict:
    """Smallest n with ``evaluate(n)["bound_upper"] <= target``, by doubling then bisection.

    Bisection assumes the bound decreases in n (true for the paper's chain:
    delta_Az, eps_Az, gamma and the extractor error all decrease); the result
    is checked at n (holds) and n - 1 (fails) and both are reported.
    """
    target_value = parse_exact(target, "target error")
    if target_value <= 0:
        raise InputError(f"target error: expected > 0, got {target_value}")
    target_iv = _iv(target_value)

    def holds(n: int) -> bool:
        upper = evaluate(n)["bound_upper"]
        return upper is not None and upper <= _lower(target_iv)

    high = _first_holding(holds, start, 2 ** limit_log2)
    if high is None:
        return {"found": False, "reason": f"bound not met for any n <= 2^{limit_log2}"}
    return {"found": True, "rounds": high, "log2_rounds": math.log2(high),
            "holds_at_rounds": True, "holds_at_rounds_minus_one": holds(high - 1) if high > 1 else False,
            "details": evaluate(high)}


def _de_finetti_squared(n: int, log2_blocks, eps: Fraction):
    """``eps_deF^2 = sqrt(2 ln2 * n log2|Sigma|) * N^{(1/2) log2(1/2+eps)}`` (eq. (50)), N = 2^log2_blocks."""
    constant = iv.sqrt(2 * iv.log(2) * n * math.log2(SIGMA_OUTPUTS_PER_BOX))
    return constant * iv.mpf(2) ** (_iv(log2_blocks) * _log2(_iv(HALF + eps)) / 2)


def theorem27_chain(epsilon, protocol_delta, rounds: int, log2_blocks, output_bits: int = 1,
                    gamma_model: GammaModel | None = None, rao_error_log2=None) -> dict:
    """Proof of Theorem 27 at n rounds and N = 2^log2_blocks blocks (eqs. (50), (182)-(201)).

    ``rao_error_log2``: log2 of the L1 error of Rao's three-source extractor
    (Lemma 5 (ii)) at the min-entropies of this chain; no published explicit
    constant exists, so there is no default: if None the term is left out
    and ``"extractor_term_included": False`` says so.
    """
    iv.prec = PRECISION_BITS
    eps = check_epsilon(epsilon)
    delta = check_protocol_delta(protocol_delta)
    base = theorem20_chain(eps, delta, rounds, output_bits, gamma_model)
    result = {"rounds": base["rounds"], "log2_blocks": str(log2_blocks),
              "output_bits": base["output_bits"], "extractor_term_included": rao_error_log2 is not None}
    if not base["applies"]:
        result.update({"applies": False, "bound_upper": None, "reason": base["reason"]})
        return result
    n, m = base["rounds"], base["output_bits"]
    delta_az = _paper_delta_az(n)
    root = iv.sqrt(_iv(delta) + delta_az)
    gamma_model = gamma_model or paper_gamma_model(eps)
    gamma = gamma_model.gamma_interval(root)
    delta_1 = iv.exp((1 - root) * n * iv.log(gamma)) + 4 * iv.exp(-delta_az ** 2 * n / 4)
    eta = iv.sqrt(delta_1)
    de_finetti_sq = _de_finetti_squared(n, log2_blocks, eps)
    de_finetti = iv.sqrt(de_finetti_sq)
    xi_ok = _upper(2 * de_finetti) <= _lower(eta ** 2)
    extractor_term = iv.mpf(2) ** _iv(parse_exact(rao_error_log2, "rao_error_log2")) \
        if rao_error_log2 is not None else iv.mpf(0)
    accepted = extractor_term + 5 * de_finetti / eta ** 4 + 2 * eta + 4 * iv.sqrt(eta)
    small = 2 * eta
    d_q = iv.mpf([max(_lower(accepted), _lower(small)), max(_upper(accepted), _upper(small))])
    bound = iv.mpf(2) ** m * d_q
    result.update({
        "applies": bool(xi_ok),
        "delta_1": {"equation": "(171)", **_show(delta_1)},
        "eta": _show(eta),
        "de_finetti_squared": {"equation": "(50), (183): c sqrt(n) N^((1/2) log2(1/2+eps)), "
                                           "c = sqrt(8 ln 2)", **_show(de_finetti_sq)},
        "xi_at_least_2_eps_deF": bool(xi_ok),
        "bound": {"equation": "(198)-(201) + omitted 4 sqrt(eta), times 2^m (Prop. 23)", **_show(bound)},
    })
    result["bound_upper"] = _upper(bound) if xi_ok else None
    return result


def theorem27_smallest(epsilon, protocol_delta, target, output_bits: int = 1,
                       gamma_model: GammaModel | None = None, rao_error_log2=None) -> dict:
    """Smallest n, then the smallest integer L with N = 2^L blocks, meeting the target (Thm 27).

    n: smallest n at which the terms without the de Finetti term are below
    the target (``2^m max(2 eta, e_Rao + 2 eta + 4 sqrt(eta)) < target``),
    by bisection; L: smallest integer with the whole bound (and
    ``xi = eta^2 >= 2 eps_deF``) met at that n, by bisection on L.
    """
    target_value = parse_exact(target, "target error")
    eps = check_epsilon(epsilon)

    def without_de_finetti(n: int) -> dict:
        chain = theorem27_chain(eps, protocol_delta, n, 10 ** 30, output_bits, gamma_model,
                                rao_error_log2)
        return chain

    rounds = smallest_rounds(without_de_finetti, target_value)
    if not rounds["found"]:
        return {"found": False, "reason": rounds["reason"]}
    n = rounds["rounds"]

    def holds(level: int) -> bool:
        chain = theorem27_chain(eps, protocol_delta, n, level, output_bits, gamma_model, rao_error_log2)
        return chain["bound_upper"] is not None and chain["bound_upper"] <= _lower(_iv(target_value))

    high = _first_holding(holds, 1, 10 ** 30)
    if high is None:
        return {"found": False, "rounds": n, "reason": "no N = 2^L with L <= 10^30"}
    return {"found": True, "rounds": n, "log2_blocks": high,
            "paper_choice_log2_blocks_equals_n": n,
            "paper_choice_sufficient": holds(n) if n >= 1 else False,
            "extractor_term_included": rao_error_log2 is not None}
