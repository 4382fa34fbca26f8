"""Scenarios: parties, settings, outcomes and the canonical order of P(x|u).

A *scenario* fixes the number of parties ``n`` and, for each party ``i``, its
number of settings ``m_i`` and outcomes ``d_i``.  A behaviour (box) is the
vector of probabilities P(x|u) for every setting tuple ``u = u_1...u_n`` and
outcome tuple ``x = x_1...x_n``.

Canonical order (part of the certificate format, echoed in every output):

* setting tuples are ordered lexicographically with party 1 most
  significant, so for four binary parties ``0000, 0001, ..., 1111``;
* outcome tuples likewise;
* the probability P(x|u) sits at index ``setting_index(u) * num_outcome_tuples
  + outcome_index(x)``.

Pairs are written ``"u1u2u3u4|x1x2x3x4"``, one decimal digit per party, as in
the paper (u = u1u2u3u4, x = x1x2x3x4).

>>> s = Scenario.binary(4)
>>> s.num_probabilities
256
>>> s.pair_key(s.index((0, 0, 0, 1), (1, 0, 0, 0)))
'0001|1000'
>>> s.index_of_key('0001|1000')
24
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import product

from certify.errors import InputError

__all__ = ["Scenario", "select_targets"]


@dataclass(frozen=True)
class Scenario:
    """A Bell scenario: per-party numbers of settings and of outcomes.

    Args:
        settings: number of settings of each party, party 1 first.
        outcomes: number of outcomes of each party (the same for each of its
            settings), party 1 first.
    """

    settings: tuple[int, ...]
    outcomes: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.settings) != len(self.outcomes) or not self.settings:
            raise ValueError(
                f"settings and outcomes must be non-empty and of equal length, "
                f"got {self.settings!r} and {self.outcomes!r}")
        for name, counts in (("settings", self.settings), ("outcomes", self.outcomes)):
            for count in counts:
                if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 10:
                    raise ValueError(
                        f"each party's number of {name} must be an integer from 1 to 10 "
                        f"(one decimal digit per party in pair keys), got {count!r}")

    @classmethod
    def binary(cls, parties: int) -> "Scenario":
        """The scenario with ``parties`` parties, two settings and two outcomes each."""
        return cls((2,) * parties, (2,) * parties)

    @property
    def num_parties(self) -> int:
        return len(self.settings)

    @cached_property
    def setting_tuples(self) -> tuple[tuple[int, ...], ...]:
        """All setting tuples in canonical (lexicographic) order."""
        return tuple(product(*(range(m) for m in self.settings)))

    @cached_property
    def outcome_tuples(self) -> tuple[tuple[int, ...], ...]:
        """All outcome tuples in canonical (lexicographic) order."""
        return tuple(product(*(range(d) for d in self.outcomes)))

    @property
    def num_setting_tuples(self) -> int:
        return len(self.setting_tuples)

    @property
    def num_outcome_tuples(self) -> int:
        return len(self.outcome_tuples)

    @property
    def num_probabilities(self) -> int:
        return self.num_setting_tuples * self.num_outcome_tuples

    @cached_property
    def _setting_position(self) -> dict[tuple[int, ...], int]:
        return {u: k for k, u in enumerate(self.setting_tuples)}

    @cached_property
    def _outcome_position(self) -> dict[tuple[int, ...], int]:
        return {x: k for k, x in enumerate(self.outcome_tuples)}

    def setting_index(self, setting: tuple[int, ...]) -> int:
        return self._setting_position[tuple(setting)]

    def outcome_index(self, outcome: tuple[int, ...]) -> int:
        return self._outcome_position[tuple(outcome)]

    def index(self, setting: tuple[int, ...], outcome: tuple[int, ...]) -> int:
        """Position of P(outcome|setting) in the canonical probability vector."""
        return self.setting_index(setting) * self.num_outcome_tuples + self.outcome_index(outcome)

    def pair(self, index: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The (setting, outcome) tuples at a canonical index."""
        setting_index, outcome_index = divmod(index, self.num_outcome_tuples)
        return self.setting_tuples[setting_index], self.outcome_tuples[outcome_index]

    def pair_key(self, index: int) -> str:
        """The key ``"u1...un|x1...xn"`` of a canonical index."""
        setting, outcome = self.pair(index)
        return "".join(map(str, setting)) + "|" + "".join(map(str, outcome))

    def index_of_key(self, key: str) -> int:
        """Inverse of :meth:`pair_key`; raises ``ValueError`` naming the key."""
        parts = key.split("|") if isinstance(key, str) else []
        if len(parts) != 2:
            raise ValueError(f"pair key must look like 'u1..un|x1..xn', got {key!r}")
        setting = self.parse_setting(parts[0])
        outcome = self.parse_outcome(parts[1])
        return self.index(setting, outcome)

    def _parse_digits(self, text: str, limits: tuple[int, ...], what: str) -> tuple[int, ...]:
        if (not isinstance(text, str) or len(text) != len(limits)
                or not all("0" <= c <= "9" for c in text)):
            raise ValueError(
                f"{what} must be {len(limits)} decimal digits (one per party), got {text!r}")
        digits = tuple(int(c) for c in text)
        for party, (digit, limit) in enumerate(zip(digits, limits), start=1):
            if digit >= limit:
                raise ValueError(
                    f"{what} {text!r}: party {party} has {limit} {what}s, got digit {digit}")
        return digits

    def parse_setting(self, text: str) -> tuple[int, ...]:
        """Parse a setting string such as ``"0001"``."""
        return self._parse_digits(text, self.settings, "setting")

    def parse_outcome(self, text: str) -> tuple[int, ...]:
        """Parse an outcome string such as ``"1000"``."""
        return self._parse_digits(text, self.outcomes, "outcome")

    def to_json(self) -> dict:
        return {"parties": self.num_parties, "settings": list(self.settings),
                "outcomes": list(self.outcomes)}


def select_targets(scenario: Scenario, setting: str | None, outcome: str | None) -> list[int]:
    """The target indices of a setting and an outcome (both or neither; all pairs when neither).

    >>> select_targets(Scenario.binary(4), "0001", "1000")
    [24]
    """
    if (setting is None) != (outcome is None):
        raise InputError("--setting and --outcome must be given together")
    if setting is None:
        return list(range(scenario.num_probabilities))
    try:
        return [scenario.index(scenario.parse_setting(setting), scenario.parse_outcome(outcome))]
    except ValueError as error:
        raise InputError(f"--setting/--outcome: {error}") from None
