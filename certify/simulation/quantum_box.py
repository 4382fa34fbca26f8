"""The paper's quantum box, exactly, and its noisy versions.

The state of eq. (8), parties in the tensor order written there
(party 1 (x) party 2 (x) party 3 (x) party 4),

    |Psi> = (|phi^->_{12} |phi~^+>_{34} + |psi^+>_{12} |psi~^->_{34}) / sqrt(2)     (8)

with |phi^-> = (|00> - |11>)/sqrt(2), |psi^+> = (|01> + |10>)/sqrt(2),
|phi~^+> = (|0>|+> + |1>|->)/sqrt(2), |psi~^-> = (|0>|-> - |1>|+>)/sqrt(2),
is measured by party i in the X basis {|+>, |->} (eq. (9)) when u_i = 0 and
in the Z basis {|0>, |1>} (eq. (10)) when u_i = 1. Outcome x_i = 0 is the
eigenvalue +1 (|+> for X, |0> for Z), x_i = 1 the eigenvalue -1.

With these conventions (read from the PDF extraction, nothing changed) the
256 probabilities P(x|u) are rational, the box is normalised and
no-signalling, and the plain Bell sum of eq. (5)/(7) is B.P = 0, the
algebraic limit the paper states below eq. (10). Every probability is a
multiple of 1/16; on each setting of U0 u U1 the eight outcomes of the
allowed parity have probability 1/8 each.

Noise models (both act on the ideal box; the parameter may be a sympy
symbol or an exact rational):

* white noise with visibility V: rho = V |Psi><Psi| + (1 - V) I/16, so
  P_V(x|u) = V P(x|u) + (1 - V)/16 and B.P_V = 4 (1 - V);
* independent bit flip of each party's output with probability p:
  B.P_p = 4 (1 - (1 - 2p)^4) (a parity flips iff an odd number of bits
  flip).

Both closed forms are *derived here* by summing the exact noisy box
(:func:`white_noise_box`, :func:`bit_flip_box`), not hard-coded; the tests
compare them with the formulas above.

Two different numbers are reported (see the project's naming rule):

* ``bell_sum``: the plain Bell sum B.P = sum_{x,u} B(x,u) P(x|u) of
  Lemma 11, in [0, 8] (eight settings carry penalties);
* the SV-weighted per-round value of eq. (36),
  B_SV = sum_{x,u} nu(u) B(x,u) P(x|u), which is E[B(x_i,u_i)] for one
  round, the quantity L_n of eq. (25) averages. For the i.i.d. source
  with bias eps each setting bit equals the *favoured* bit value with
  probability 1/2 + eps (default favoured value 0), so
  nu(u) = prod_i (1/2 + eps if u_i == favoured_i else 1/2 - eps).

>>> box = quantum_box_probabilities()
>>> len(box), sum(box[:16]), bell_sum(box)
(256, 1, 0)
>>> import sympy
>>> V = sympy.Symbol("V")
>>> sympy.expand(white_noise_bell_value(V))
4 - 4*V
>>> bit_flip_bell_value(sympy.Rational(1, 2))
4
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Mapping, Sequence

import sympy

from certify.lp.expression import paper_bell_expression
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.scenario import Scenario

__all__ = [
    "paper_state",
    "measurement_vector",
    "quantum_box_probabilities",
    "born_rule_probability",
    "quantum_box_fractions",
    "white_noise_box",
    "bit_flip_box",
    "bell_sum",
    "white_noise_bell_value",
    "bit_flip_bell_value",
    "iid_setting_distribution",
    "sv_weighted_bell_value",
    "is_no_signalling",
]

_HALF_ROOT = 1 / sympy.sqrt(2)


def _ket(bit: int) -> sympy.Matrix:
    return sympy.Matrix([1, 0]) if bit == 0 else sympy.Matrix([0, 1])


def _kron(*vectors: sympy.Matrix) -> sympy.Matrix:
    result = vectors[0]
    for vector in vectors[1:]:
        result = sympy.kronecker_product(result, vector)
    return result


def paper_state() -> sympy.Matrix:
    """The 16-component state |Psi> of eq. (8), basis |b1 b2 b3 b4>, b1 most significant.

    >>> psi = paper_state()
    >>> sympy.simplify((psi.T * psi)[0])
    1
    """
    zero, one = _ket(0), _ket(1)
    plus, minus = _HALF_ROOT * (zero + one), _HALF_ROOT * (zero - one)
    phi_minus = _HALF_ROOT * (_kron(zero, zero) - _kron(one, one))
    psi_plus = _HALF_ROOT * (_kron(zero, one) + _kron(one, zero))
    phi_tilde_plus = _HALF_ROOT * (_kron(zero, plus) + _kron(one, minus))
    psi_tilde_minus = _HALF_ROOT * (_kron(zero, minus) - _kron(one, plus))
    state = _HALF_ROOT * (_kron(phi_minus, phi_tilde_plus) + _kron(psi_plus, psi_tilde_minus))
    return state.applyfunc(sympy.nsimplify).applyfunc(sympy.radsimp)


def measurement_vector(setting: int, outcome: int) -> sympy.Matrix:
    """Eigenvector of one party's measurement: X (eq. (9)) for setting 0, Z (eq. (10)) for 1.

    Outcome 0 is the eigenvalue +1 (|+> or |0>), outcome 1 the eigenvalue -1.

    >>> list(measurement_vector(1, 1))
    [0, 1]
    """
    if setting not in (0, 1) or outcome not in (0, 1):
        raise ValueError(f"setting and outcome must be 0 or 1, got {setting!r}, {outcome!r}")
    if setting == 1:
        return _ket(outcome)
    sign = 1 if outcome == 0 else -1
    return _HALF_ROOT * (_ket(0) + sign * _ket(1))


@lru_cache(maxsize=1)
def _quantum_box_cached() -> tuple[sympy.Rational, ...]:
    """The 256 probabilities, exactly, by the Born rule in the computational basis.

    The amplitudes of |Psi> are rational (+-1/4, checked), and <b|x> is 1 or 0 for
    a Z measurement and ``+-1/sqrt(2)`` for an X measurement, so with k parties
    measuring X, ``P(x|u) = (sum_b Psi_b prod_i m_i(b_i))^2 / 2^k`` with integer
    signs m_i: exact rational arithmetic, no radicals (the sympy route through
    :func:`measurement_vector` gives the same numbers; a test compares them).
    """
    scenario = Scenario.binary(4)
    amplitudes = []
    for entry in paper_state():
        if not entry.is_Rational:
            raise ArithmeticError(f"the state has a non-rational amplitude {entry}")
        amplitudes.append(Fraction(int(entry.p), int(entry.q)))
    probabilities = []
    for setting in scenario.setting_tuples:
        x_parties = sum(1 for u in setting if u == 0)
        for outcome in scenario.outcome_tuples:
            total = Fraction(0)
            for b, amplitude in enumerate(amplitudes):
                bits = [(b >> (3 - i)) & 1 for i in range(4)]
                sign = 1
                for u, x, bit in zip(setting, outcome, bits):
                    if u == 1:  # Z: <x|b> = [b = x]
                        if bit != x:
                            sign = 0
                            break
                    elif x == 1 and bit == 1:  # X: <-|1> = -1/sqrt(2)
                        sign = -sign
                total += sign * amplitude
            value = total * total / 2 ** x_parties
            probabilities.append(sympy.Rational(value.numerator, value.denominator))
    return tuple(probabilities)


def born_rule_probability(setting: Sequence[int], outcome: Sequence[int]) -> sympy.Rational:
    """``|<x_1..x_4|Psi>|^2`` for the measurement vectors of :func:`measurement_vector`, by
    sympy (radicals included): the slow, literal route, kept to cross-check the box.

    >>> born_rule_probability((1, 1, 1, 1), (0, 0, 0, 0))
    1/16
    """
    vector = _kron(*(measurement_vector(u, x) for u, x in zip(setting, outcome)))
    amplitude = sympy.expand((vector.T * paper_state())[0])  # real vectors: <v|Psi>
    return sympy.nsimplify(sympy.expand(amplitude ** 2))


def quantum_box_probabilities() -> list[sympy.Rational]:
    """The 256 exact probabilities P(x|u) of the state of eq. (8), canonical order.

    Canonical order: :mod:`certify.lp.scenario` (setting index * 16 + outcome
    index, party 1 most significant).

    >>> box = quantum_box_probabilities()
    >>> box[Scenario.binary(4).index_of_key("0001|0000")]
    0
    """
    return list(_quantum_box_cached())


def quantum_box_fractions() -> list[Fraction]:
    """:func:`quantum_box_probabilities` as :class:`fractions.Fraction` values."""
    return [Fraction(int(p.p), int(p.q)) for p in _quantum_box_cached()]


def _as_exact(value):
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        raise TypeError(f"noise parameter must be exact (sympy expression, int or Fraction), "
                        f"got the float {value!r}")
    return sympy.sympify(value)


def white_noise_box(visibility) -> list:
    """P_V(x|u) = V P(x|u) + (1 - V)/16: the state mixed with white noise.

    Args:
        visibility: V, a sympy symbol/expression, int or Fraction.

    >>> white_noise_box(0)[0]
    1/16
    """
    v = _as_exact(visibility)
    return [sympy.expand(v * p + (1 - v) * sympy.Rational(1, 16)) for p in _quantum_box_cached()]


def bit_flip_box(flip_probability) -> list:
    """The ideal box followed by an independent flip of each output bit with probability p.

    P_p(x|u) = sum_y P(y|u) prod_i (p if x_i != y_i else 1 - p).

    >>> bit_flip_box(0) == quantum_box_probabilities()
    True
    """
    p = _as_exact(flip_probability)
    scenario = Scenario.binary(4)
    ideal = _quantum_box_cached()
    noisy = []
    for setting in scenario.setting_tuples:
        base = scenario.setting_index(setting) * 16
        for outcome in scenario.outcome_tuples:
            total = sympy.Integer(0)
            for source_index, source in enumerate(scenario.outcome_tuples):
                flips = sum(a != b for a, b in zip(outcome, source))
                total += ideal[base + source_index] * p ** flips * (1 - p) ** (4 - flips)
            noisy.append(sympy.expand(total))
    return noisy


def bell_sum(box: Sequence) -> sympy.Expr:
    """Plain Bell sum B.P of eq. (5)/(7) (Lemma 11's quantity, range 0..8), exact.

    >>> bell_sum([sympy.Rational(1, 16)] * 256)
    4
    """
    expression = paper_bell_expression()
    if len(box) != expression.scenario.num_probabilities:
        raise ValueError(f"box must have {expression.scenario.num_probabilities} entries, "
                         f"got {len(box)}")
    total = sympy.Integer(0)
    for index, coefficient in expression.coefficients.items():
        total += sympy.Rational(coefficient.numerator, coefficient.denominator) * _as_exact(box[index])
    return sympy.expand(total)


def white_noise_bell_value(visibility) -> sympy.Expr:
    """Exact plain Bell sum B.P of the white-noise box (= 4(1 - V)), as a polynomial in V.

    >>> white_noise_bell_value(Fraction(9999, 10000))
    1/2500
    """
    return bell_sum(white_noise_box(visibility))


def bit_flip_bell_value(flip_probability) -> sympy.Expr:
    """Exact plain Bell sum B.P of the bit-flip box (= 4(1 - (1 - 2p)^4)), polynomial in p.

    >>> bit_flip_bell_value(0)
    0
    """
    return bell_sum(bit_flip_box(flip_probability))


def iid_setting_distribution(epsilon, favoured: Sequence[int] = (0, 0, 0, 0)) -> list:
    """nu(u) of the i.i.d. SV source: each bit equals ``favoured[i]`` with probability 1/2 + eps.

    Returned in canonical setting order (16 entries), exact.

    >>> nu = iid_setting_distribution(Fraction(1, 10))
    >>> nu[0], nu[15], sum(nu)
    (81/625, 16/625, 1)
    """
    eps = _as_exact(epsilon)
    if len(favoured) != 4 or any(b not in (0, 1) for b in favoured):
        raise ValueError(f"favoured must be four bits, got {favoured!r}")
    half = sympy.Rational(1, 2)
    distribution = []
    for setting in Scenario.binary(4).setting_tuples:
        weight = sympy.Integer(1)
        for bit, preferred in zip(setting, favoured):
            weight *= (half + eps) if bit == preferred else (half - eps)
        distribution.append(sympy.expand(weight))
    return distribution


def sv_weighted_bell_value(box: Sequence, epsilon=None, *, favoured: Sequence[int] = (0, 0, 0, 0),
                           setting_distribution: Sequence | Mapping | None = None) -> sympy.Expr:
    """Per-round SV-weighted Bell value of eq. (36): B_SV = sum_{x,u} nu(u) B(x,u) P(x|u).

    This is the expectation of one round's B(x_i, u_i), so L_n of eq. (25)
    is the average of n such values; the protocol compares L_n with its
    threshold delta.

    Args:
        box: 256 exact probabilities (sympy/Fraction/int), canonical order.
        epsilon: SV bias of the i.i.d. source (ignored when
            ``setting_distribution`` is given).
        favoured: the bit value each position favours (default all 0,
            i.e. P(u_i = 0) = 1/2 + eps).
        setting_distribution: an explicit nu(u), 16 values in canonical
            setting order or a mapping from setting strings like "0001".

    >>> sv_weighted_bell_value([sympy.Rational(1, 16)] * 256, 0)
    1/4
    """
    scenario = Scenario.binary(4)
    if setting_distribution is None:
        if epsilon is None:
            raise ValueError("give epsilon or setting_distribution")
        nu = iid_setting_distribution(epsilon, favoured)
    elif isinstance(setting_distribution, Mapping):
        nu = [_as_exact(setting_distribution.get("".join(map(str, u)), 0))
              for u in scenario.setting_tuples]
    else:
        nu = [_as_exact(w) for w in setting_distribution]
    if len(nu) != 16:
        raise ValueError(f"setting distribution must have 16 entries, got {len(nu)}")
    expression = paper_bell_expression()
    total = sympy.Integer(0)
    for index, coefficient in expression.coefficients.items():
        setting_index = index // 16
        total += (nu[setting_index] * sympy.Rational(coefficient.numerator, coefficient.denominator)
                  * _as_exact(box[index]))
    return sympy.expand(total)


def is_no_signalling(box: Sequence) -> bool:
    """Exact membership of a box of rationals in the no-signalling polytope (eq. (13)).

    >>> is_no_signalling(quantum_box_probabilities())
    True
    """
    fractions_box = [Fraction(int(sympy.Rational(p).p), int(sympy.Rational(p).q)) for p in box]
    return NoSignallingSystem.build(Scenario.binary(4)).contains(fractions_box)


if __name__ == "__main__":  # pragma: no cover - manual inspection
    for key_index, value in enumerate(quantum_box_probabilities()):
        if value:
            print(Scenario.binary(4).pair_key(key_index), value)
