"""Simulated devices: memoryless four-party boxes given by 256 exact probabilities.

Every device here is a fixed no-signalling box P(x|u) (canonical order of
:mod:`certify.lp.scenario`) used identically and independently in each round.
The exact box decides every predicted number (Bell sum B.P, SV-weighted
value of eq. (36)); sampling uses a per-setting inverse-CDF table whose
probabilities are rounded to multiples of 2^-64.

Devices:

* :func:`honest_quantum_device`: the box of eq. (8) measured as in
  eqs. (9)-(10) (:mod:`certify.simulation.quantum_box`), optionally with white noise of
  visibility V and/or an independent flip of each output bit with
  probability p (white noise first, then flips).
* :func:`adversarial_device`: the tightness witness of a certificate
  ``certificates/lemma11/u<setting>-x<outcome>.json`` (format:
  ``docs/certificate-format.md``): the no-signalling box with the largest
  P(x*|u*) among boxes with plain Bell sum B.P <= b. For a Bell value b
  between breakpoints the witness is the exact convex combination of the two
  neighbouring breakpoint witnesses.
* :func:`local_deterministic_device`: party i answers ``a_i(u_i)``; 4^4 = 256
  strategies. :func:`best_local_strategy` enumerates them all and returns
  the first (in the order of :func:`all_local_strategies`) with the smallest
  plain Bell sum, which is the local bound 2 of eq. (5).

>>> device = local_deterministic_device(best_local_strategy())
>>> device.bell_sum
Fraction(2, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Sequence

import numpy as np

from certify.lp.expression import paper_bell_expression
from certify.errors import ClaimNotProven, InputError
from certify.numbers import parse_exact
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.scenario import Scenario
from certify.simulation.source import GuideTable

__all__ = ["BoxDevice", "honest_quantum_device", "adversarial_device", "local_deterministic_device",
           "all_local_strategies", "best_local_strategy", "local_box", "load_checked_value_function",
           "load_value_function_bounds", "BELL_TABLE", "sv_weighted_value"]

SCENARIO = Scenario.binary(4)
BELL_TABLE = np.zeros(256, dtype=np.uint8)
for _index in paper_bell_expression().coefficients:
    BELL_TABLE[_index] = 1
"""B(x,u) of eq. (7) as a 0/1 table indexed by setting*16 + outcome."""


def sv_weighted_value(box: Sequence[Fraction], setting_distribution: Sequence[Fraction]) -> Fraction:
    """Eq. (36) in Fractions: sum_{x,u} nu(u) B(x,u) P(x|u) (nu in canonical setting order)."""
    return sum((Fraction(setting_distribution[i // 16]) * Fraction(box[i])
                for i in paper_bell_expression().coefficients), Fraction(0))


@dataclass
class BoxDevice:
    """A memoryless device given by an exact box (256 Fractions, canonical order)."""

    name: str
    box: list[Fraction]
    description: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.box) != 256:
            raise InputError(f"device {self.name!r}: box must have 256 entries, got {len(self.box)}")
        self.box = [Fraction(p) for p in self.box]
        if not NoSignallingSystem.build(SCENARIO).contains(self.box):
            raise ClaimNotProven(f"device {self.name!r}: box is not a no-signalling box")
        self.table = GuideTable([self.box[s * 16:(s + 1) * 16] for s in range(16)])

    @property
    def bell_sum(self) -> Fraction:
        """Plain Bell sum B.P of eq. (5) (Lemma 11's quantity, 0..8)."""
        return paper_bell_expression().value(self.box)

    def sv_weighted_bell_value(self, setting_distribution: Sequence[Fraction]) -> Fraction:
        """Per-round SV-weighted Bell value of eq. (36) for the given nu(u)."""
        return sv_weighted_value(self.box, setting_distribution)

    def sample(self, settings: np.ndarray, random_words: np.ndarray) -> np.ndarray:
        """Outcome nibbles (uint8) for settings (uint8 0..15), one uint64 word per round."""
        return self.table.sample(random_words, settings)

    def describe(self) -> dict:
        return {"name": self.name, "bell_sum": str(self.bell_sum), **self.description}


def honest_quantum_device(visibility=1, flip_probability=0) -> BoxDevice:
    """The quantum box of eq. (8) with white noise (visibility V) and output flips (probability p).

    >>> honest_quantum_device().bell_sum
    Fraction(0, 1)
    >>> honest_quantum_device(visibility="0.9999").bell_sum
    Fraction(1, 2500)
    """
    from certify.simulation.quantum_box import quantum_box_fractions

    v = parse_exact(visibility, "--visibility")
    p = parse_exact(flip_probability, "--flip-probability")
    if not 0 <= v <= 1:
        raise InputError(f"--visibility: expected 0 <= V <= 1, got {v}")
    if not 0 <= p <= 1:
        raise InputError(f"--flip-probability: expected 0 <= p <= 1, got {p}")
    ideal = quantum_box_fractions()
    box = [v * q + (1 - v) / 16 for q in ideal]
    if p:
        kernel = [p ** flips * (1 - p) ** (4 - flips) for flips in range(5)]
        flipped = []
        for s in range(16):
            for x in range(16):
                flipped.append(sum((box[s * 16 + y] * kernel[bin(x ^ y).count("1")]
                                    for y in range(16) if box[s * 16 + y]), Fraction(0)))
        box = flipped
    return BoxDevice("quantum", box, {"visibility": str(v), "flip_probability": str(p),
                                      "state": "eq. (8), X for u_i=0, Z for u_i=1, x_i=0 <-> +1"})


def all_local_strategies() -> list[tuple[tuple[int, int], ...]]:
    """All 256 deterministic strategies: party i answers strategy[i][u_i]."""
    return [tuple(parties) for parties in product(product((0, 1), repeat=2), repeat=4)]


def local_box(strategy: Sequence[Sequence[int]]) -> list[Fraction]:
    """The 0/1 box of a deterministic strategy."""
    box = [Fraction(0)] * 256
    for setting in SCENARIO.setting_tuples:
        outcome = tuple(strategy[i][setting[i]] for i in range(4))
        box[SCENARIO.index(setting, outcome)] = Fraction(1)
    return box


def best_local_strategy() -> tuple[tuple[int, int], ...]:
    """The first deterministic strategy with the smallest plain Bell sum (exhaustive, 4^4 cases).

    >>> best_local_strategy()
    ((0, 0), (0, 0), (0, 0), (1, 0))
    """
    expression = paper_bell_expression()
    return min(all_local_strategies(), key=lambda s: expression.value(local_box(s)))


def local_deterministic_device(strategy: Sequence[Sequence[int]]) -> BoxDevice:
    text = ",".join(f"{a}{b}" for a, b in strategy)
    return BoxDevice("local", local_box(strategy),
                     {"strategy": text, "strategy_meaning": "party i outputs digit u_i of its pair"})


# --- certificates (docs/certificate-format.md) -------------------------------------------------


def _certificate_path(certificates_dir, setting: str, outcome: str) -> Path:
    if not (_valid_digits(setting) and _valid_digits(outcome)):
        raise InputError(f"--setting/--outcome: expected four bits each such as 0001 and 1000, "
                         f"got {setting!r} and {outcome!r}")
    path = Path(certificates_dir) / "lemma11" / f"u{setting}-x{outcome}.json"
    if not path.is_file():
        raise InputError(f"{path}: certificate not found (run `certify regenerate`, or pass "
                         f"--certificates DIR)")
    return path


def _valid_digits(text) -> bool:
    return isinstance(text, str) and len(text) == 4 and set(text) <= {"0", "1"}


def load_checked_value_function(certificates_dir, setting: str, outcome: str):
    """The value function of one certificate file, after the builder's exact check.

    Uses :func:`certify.formats.strict_json.load_document`,
    :func:`certify.builder.verify.verify_lemma11_document` (raises InputError /
    ClaimNotProven naming the file) and
    :func:`certify.builder.store.value_function_of`.
    """
    from certify.builder.verify import verify_lemma11_document
    from certify.builder.store import value_function_of
    from certify.formats.strict_json import load_document

    path = _certificate_path(certificates_dir, setting, outcome)
    document = load_document(path)
    try:
        verify_lemma11_document(document)
    except InputError as error:
        raise InputError(f"{path}: {error}") from None
    except ClaimNotProven as error:
        raise ClaimNotProven(f"{path}: {error}") from None
    return value_function_of(document), path


def load_value_function_bounds(certificates_dir) -> dict:
    """Certified v_{u,x} for all 256 pairs (:func:`certify.builder.store.load_value_functions`).

    Cached per folder and per (name, size, mtime) of its files, so repeated
    runs in one process check the certificates once.
    """
    folder = Path(certificates_dir).resolve()
    lemma11 = folder / "lemma11"
    stamp = tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns)
                         for p in lemma11.glob("*.json"))) if lemma11.is_dir() else ()
    return dict(_load_value_functions_cached(str(folder), stamp))


@lru_cache(maxsize=4)
def _load_value_functions_cached(folder: str, stamp) -> dict:
    from certify.builder.store import load_value_functions

    return load_value_functions(Path(folder))


def adversarial_device(certificates_dir, setting: str, outcome: str, bell_value=None) -> BoxDevice:
    """The certificate's witness box maximising P(outcome|setting) at plain Bell sum ``bell_value``.

    Args:
        certificates_dir: folder holding ``lemma11/``.
        setting, outcome: the target pair (u*, x*), four bits each.
        bell_value: b >= 0 (exact); default 0. Between breakpoints the box is
            the exact convex combination of the neighbouring breakpoint
            witnesses (``ValueFunction.witness_at``).
    """
    b = Fraction(0) if bell_value is None else parse_exact(bell_value, "--bell-value")
    if b < 0:
        raise InputError(f"--bell-value: expected b >= 0, got {b}")
    function, path = load_checked_value_function(certificates_dir, setting, outcome)
    value = function.evaluate(b)
    box = list(function.witness_at(b))
    target_index = SCENARIO.index_of_key(f"{setting}|{outcome}")
    device = BoxDevice("adversarial", box, {
        "setting": setting, "outcome": outcome, "certificate": str(path),
        "requested_bell_value": str(b), "certified_value": str(value)})
    if device.box[target_index] != value or device.bell_sum > b:
        raise ClaimNotProven(f"{path}: witness does not attain P({outcome}|{setting}) = {value} "
                             f"with B.P <= {b} (got {device.box[target_index]}, B.P = {device.bell_sum})")
    return device
