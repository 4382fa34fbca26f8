"""Santha-Vazirani sources for the simulator (eq. (1)) and exact checks of eq. (1).

An eps-SV source emits bits a_1, a_2, ... with

    1/2 - eps <= p(a_i | a_1, ..., a_{i-1}) <= 1/2 + eps        (1)

The simulator draws the bits four at a time (one *nibble*: the setting
u = u_1 u_2 u_3 u_4 of one round, u_1 first, or four further bits for the
extractor). Every source here decides each bit's probability from the bits
already emitted *in the same nibble* only, so eq. (1) is a finite statement:
for each of the 1 + 2 + 4 + 8 = 15 prefixes, P(next bit = 0 | prefix) must lie
in [1/2 - eps, 1/2 + eps]. :meth:`SVSource.check_sv_condition` proves it in
exact rationals, and :meth:`SVSource.nibble_distribution` gives the exact
per-round setting distribution nu(u) used in eq. (36).

Sources:

* :class:`IIDSource` (the default): every bit equals ``favoured_bit`` with
  probability 1/2 + eps (default favoured value 0).
* :class:`TargetingSource`: bit i equals ``target[i]`` with probability
  1/2 + eps, which puts the largest weight eq. (1) allows,
  nu(target) = (1/2 + eps)^4, on one setting.
* :class:`AdaptiveSource`: the Santha-Vazirani attack towards a target
  predicate T on the nibble: given the prefix, the next bit takes, with
  probability 1/2 + eps, the value under which more completions of the
  prefix lie in T (ties favour 0). The default T is the set of settings
  *not* tested by the Bell expression (U0 u U1 complement, eq. (4)), which
  starves the test. Its rule depends on the prefix, so it is adaptive in
  the sense of eq. (1); because the prefix is the round's own bits, rounds
  are independent and the exact nu(u) is known, which lets the simulator
  sample it vectorised.

Sampling is done by exact inverse CDF on uint64 words (:class:`GuideTable`):
each probability is rounded to a multiple of 2^-64; the exact
statements (eq. (1), nu(u), predicted Bell values) use the exact rationals.

>>> source = IIDSource(Fraction(1, 10))
>>> source.check_sv_condition()
>>> source.nibble_distribution()[0]
Fraction(81, 625)
>>> TargetingSource(Fraction(1, 10), "0110").nibble_distribution()[6]
Fraction(81, 625)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Sequence

import numpy as np

from certify.lp.expression import PAPER_U0, PAPER_U1
from certify.errors import ClaimNotProven, InputError
from certify.numbers import parse_exact

__all__ = ["SVSource", "IIDSource", "TargetingSource", "AdaptiveSource", "GuideTable",
           "check_epsilon", "make_source", "UNTESTED_SETTINGS"]

HALF = Fraction(1, 2)
UNTESTED_SETTINGS = tuple(s for s in (format(k, "04b") for k in range(16))
                          if s not in PAPER_U0 + PAPER_U1)


def check_epsilon(epsilon, name: str = "--epsilon") -> Fraction:
    """The SV bias, exact, with 0 <= eps < 1/2 (eq. (1)), read by :func:`certify.numbers.parse_exact`.

    >>> check_epsilon("1/10"), check_epsilon("0.1")
    (Fraction(1, 10), Fraction(1, 10))
    """
    value = parse_exact(epsilon, name)
    if not 0 <= value < HALF:
        raise InputError(f"{name}: the SV bias must satisfy 0 <= epsilon < 1/2, got {value}")
    return value


class GuideTable:
    """Exact inverse-CDF sampling of 16 values from uint64 words, one row per condition.

    Each row's probabilities are rounded to integer weights w_k summing to
    2^64 (floor, remainder to the most likely value), so the sampled law is
    exactly w_k / 2^64, within 16 * 2^-64 of the exact one. A word r gives
    the smallest k with r < w_0 + ... + w_k. For speed a guide table over the
    top 12 bits of r answers directly whenever its bin of 2^52 words lies
    inside one value's interval; the few bins that straddle a boundary
    (at most 15 per row) fall back to comparing r with the cumulative sums.

    >>> table = GuideTable([[Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)] + [Fraction(0)] * 13])
    >>> table.exact_weights(0)[:3]
    [Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)]
    >>> table.sample(np.array([0, 1 << 63, (1 << 64) - 1], dtype=np.uint64)).tolist()
    [0, 1, 2]
    """

    GUIDE_BITS = 12
    AMBIGUOUS = 255

    def __init__(self, rows: Sequence[Sequence[Fraction]]) -> None:
        total = 1 << 64
        bin_width = 1 << (64 - self.GUIDE_BITS)
        guides, cumulative, last_positive, self.weights = [], [], [], []
        for row_number, probabilities in enumerate(rows):
            if len(probabilities) != 16:
                raise ValueError(f"row {row_number}: needs 16 probabilities, got {len(probabilities)}")
            probabilities = [Fraction(p) for p in probabilities]
            if any(p < 0 for p in probabilities) or sum(probabilities) != 1:
                raise ValueError(f"row {row_number}: probabilities must be >= 0 and sum to 1")
            weights = [int(p * total) for p in probabilities]
            weights[max(range(16), key=lambda k: probabilities[k])] += total - sum(weights)
            self.weights.append(weights)
            sums, running = [], 0
            for w in weights:
                running += w
                sums.append(running)

            def value_of(word: int) -> int:
                return next(k for k in range(16) if word < sums[k])

            guide = []
            for b in range(1 << self.GUIDE_BITS):
                low, high = value_of(b * bin_width), value_of((b + 1) * bin_width - 1)
                guide.append(low if low == high else self.AMBIGUOUS)
            guides.append(guide)
            cumulative.append([min(x, total - 1) for x in sums[:15]])
            last_positive.append(max(k for k in range(16) if weights[k]))
        self.guide = np.array(guides, dtype=np.uint8).reshape(-1)
        self.cumulative = np.array(cumulative, dtype=np.uint64)
        self.last_positive = np.array(last_positive, dtype=np.uint8)

    def exact_weights(self, row: int = 0) -> list[Fraction]:
        """The law actually sampled for ``row``: weights / 2^64."""
        return [Fraction(w, 1 << 64) for w in self.weights[row]]

    def sample(self, random_words: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Values 0..15 (uint8), one uint64 word each; ``rows`` selects the row per word."""
        top = random_words >> np.uint64(64 - self.GUIDE_BITS)
        cell = top if rows is None else (rows.astype(np.uint64) << np.uint64(self.GUIDE_BITS)) | top
        values = self.guide[cell]
        ambiguous = np.flatnonzero(values == self.AMBIGUOUS)
        if ambiguous.size:
            row_of = np.zeros(ambiguous.size, dtype=np.intp) if rows is None else rows[ambiguous].astype(np.intp)
            words = random_words[ambiguous]
            counted = (words[:, None] >= self.cumulative[row_of]).sum(axis=1)
            values[ambiguous] = np.minimum(counted, self.last_positive[row_of]).astype(np.uint8)
        return values


@dataclass
class SVSource:
    """Base class: an eps-SV source whose bit rule depends on the nibble prefix only."""

    epsilon: Fraction
    name: str = field(default="sv", init=False)

    def __post_init__(self) -> None:
        self.epsilon = Fraction(self.epsilon)
        if not 0 <= self.epsilon < HALF:
            raise InputError(f"epsilon must satisfy 0 <= epsilon < 1/2, got {self.epsilon}")
        self._table = GuideTable([self.nibble_distribution()])

    def probability_of_zero(self, prefix: tuple[int, ...]) -> Fraction:
        """P(next bit = 0 | bits ``prefix`` of the current nibble); override."""
        raise NotImplementedError

    def nibble_distribution(self) -> list[Fraction]:
        """Exact law of one nibble (setting u), index = int(u1u2u3u4, base 2)."""
        distribution = []
        for value in range(16):
            bits = tuple((value >> (3 - i)) & 1 for i in range(4))
            weight = Fraction(1)
            for i, bit in enumerate(bits):
                zero = self.probability_of_zero(bits[:i])
                weight *= zero if bit == 0 else 1 - zero
            distribution.append(weight)
        return distribution

    def check_sv_condition(self) -> None:
        """Prove eq. (1) exactly for every prefix; raise ClaimNotProven otherwise."""
        for length in range(4):
            for value in range(1 << length):
                prefix = tuple((value >> (length - 1 - i)) & 1 for i in range(length))
                zero = self.probability_of_zero(prefix)
                for bit, probability in ((0, zero), (1, 1 - zero)):
                    if not HALF - self.epsilon <= probability <= HALF + self.epsilon:
                        raise ClaimNotProven(
                            f"source {self.name!r} violates eq. (1): P(bit {bit} | prefix "
                            f"{prefix}) = {probability} outside [{HALF - self.epsilon}, "
                            f"{HALF + self.epsilon}]")

    def sample_nibbles(self, random_words: np.ndarray) -> np.ndarray:
        """Nibbles (uint8, 0..15) from uint64 words, one word per nibble."""
        return self._table.sample(random_words)

    def describe(self) -> dict:
        return {"name": self.name, "epsilon": str(self.epsilon)}


@dataclass
class IIDSource(SVSource):
    """Each bit equals ``favoured_bit`` with probability 1/2 + eps, independently."""

    favoured_bit: int = 0

    def __post_init__(self) -> None:
        if self.favoured_bit not in (0, 1):
            raise InputError(f"favoured bit must be 0 or 1, got {self.favoured_bit!r}")
        self.name = "iid"
        super().__post_init__()

    def probability_of_zero(self, prefix):
        return HALF + self.epsilon if self.favoured_bit == 0 else HALF - self.epsilon

    def describe(self) -> dict:
        return {**super().describe(), "favoured_bit": self.favoured_bit,
                "rule": "each bit equals favoured_bit with probability 1/2 + epsilon"}


@dataclass
class TargetingSource(SVSource):
    """Bit i equals ``target[i]`` with probability 1/2 + eps: nu(target) = (1/2 + eps)^4."""

    target: str = "0000"

    def __post_init__(self) -> None:
        if not (isinstance(self.target, str) and len(self.target) == 4
                and set(self.target) <= {"0", "1"}):
            raise InputError(f"target setting must be four bits such as 0001, got {self.target!r}")
        self.name = "targeting"
        super().__post_init__()

    def probability_of_zero(self, prefix):
        wanted = int(self.target[len(prefix)])
        return HALF + self.epsilon if wanted == 0 else HALF - self.epsilon

    def describe(self) -> dict:
        return {**super().describe(), "target_setting": self.target,
                "rule": "bit i equals target[i] with probability 1/2 + epsilon"}


@dataclass
class AdaptiveSource(SVSource):
    """The SV attack pushing each bit toward the predicate "nibble lies in ``targets``"."""

    targets: tuple[str, ...] = UNTESTED_SETTINGS

    def __post_init__(self) -> None:
        for target in self.targets:
            if not (isinstance(target, str) and len(target) == 4 and set(target) <= {"0", "1"}):
                raise InputError(f"target settings must be four bits, got {target!r}")
        self.targets = tuple(sorted(set(self.targets)))
        self.name = "adaptive"
        super().__post_init__()

    def _completions_in_target(self, prefix: tuple[int, ...]) -> int:
        text = "".join(map(str, prefix))
        return sum(1 for t in self.targets if t.startswith(text))

    def probability_of_zero(self, prefix):
        with_zero = self._completions_in_target(prefix + (0,))
        with_one = self._completions_in_target(prefix + (1,))
        return HALF + self.epsilon if with_zero >= with_one else HALF - self.epsilon

    def describe(self) -> dict:
        return {**super().describe(), "target_settings": list(self.targets),
                "rule": ("each bit takes, with probability 1/2 + epsilon, the value with more "
                         "completions of the current prefix in target_settings (ties: 0)")}


def make_source(kind: str, epsilon: Fraction, *, favoured_bit: int = 0,
                target_setting: str | None = None,
                adaptive_targets: Sequence[str] | None = None) -> SVSource:
    """Build a source by command-line name (``iid``, ``adaptive``, ``targeting``), checked against eq. (1)."""
    if kind == "iid":
        source: SVSource = IIDSource(epsilon, favoured_bit)
    elif kind == "targeting":
        source = TargetingSource(epsilon, target_setting or "0000")
    elif kind == "adaptive":
        source = AdaptiveSource(epsilon, tuple(adaptive_targets or UNTESTED_SETTINGS))
    else:
        raise InputError(f"--source: expected iid, adaptive or targeting, got {kind!r}")
    source.check_sv_condition()
    return source
