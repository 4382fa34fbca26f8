"""What every report writer reads: the checked Lemma-11 certificates, loaded once.

The context is built from ``certificates/`` only (already written and
checked: :func:`certify.builder.store.load_lemma11` re-runs the
builder's exact check on every document). Pairs are grouped into the orbits
of the symmetry group of B (:mod:`certify.lp.symmetry`); the report checks that
the value function is the same on every orbit instead of assuming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from pathlib import Path

from certify.lp.expression import BellExpression, paper_bell_expression
from certify.builder.verify import PAPER_CONSTANT, PAPER_SLOPE
from certify.builder.store import load_lemma11, value_function_of
from certify.errors import ClaimNotProven
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.symmetry import invariance_group, orbits
from certify.lp.value_function import ValueFunction, upper_envelope

__all__ = ["ReportContext", "PairKind"]


@dataclass(frozen=True)
class PairKind:
    """One orbit of pairs (u*, x*): representative, members, common value function."""

    representative: str
    members: tuple[str, ...]
    paper_bound: Fraction
    function: ValueFunction

    @property
    def file_stem(self) -> str:
        setting, outcome = self.representative.split("|")
        return f"u{setting}-x{outcome}"


@dataclass
class ReportContext:
    """Checked certificates and derived facts for one run of the report writers.

    Args:
        certificates_dir: the ``certificates/`` folder (its parent is taken as
            the repository root for the relative paths shown on pages).
        proofs_dir: the folder the pages are written into (may be a staging
            folder; files written there earlier in the run can be hashed).
    """

    certificates_dir: Path
    proofs_dir: Path
    claims: list | None = None
    """The claim records once built (the index and LaTeX writers reuse them)."""

    def __post_init__(self) -> None:
        self.certificates_dir = Path(self.certificates_dir)
        self.proofs_dir = Path(self.proofs_dir)

    @cached_property
    def expression(self) -> BellExpression:
        return paper_bell_expression()

    @cached_property
    def system(self) -> NoSignallingSystem:
        return NoSignallingSystem.build(self.expression.scenario)

    @cached_property
    def penalised_settings(self) -> list[str]:
        """Settings u with some B(x,u) != 0 (U0 ∪ U1 of eq. (4) for the paper's B)."""
        scenario = self.expression.scenario
        return sorted({"".join(map(str, scenario.pair(j)[0])) for j in self.expression.coefficients})

    @property
    def bell_sum_maximum(self) -> int:
        """Upper end of B·P: one unit per penalised setting (B is a 0/1 indicator, rows normalised)."""
        if any(value not in (0, 1) for value in self.expression.coefficients.values()):
            raise ValueError("the Bell expression is not a 0/1 indicator")
        return len(self.penalised_settings)

    def pair_description(self, key: str) -> str:
        """Where a pair sits relative to B: setting outside U0 ∪ U1, penalised outcome, or allowed."""
        setting = key.split("|")[0]
        if setting not in self.penalised_settings:
            return "u* outside U0 ∪ U1"
        index = self.expression.scenario.index_of_key(key)
        if self.expression.coefficients.get(index):
            return "u* in U0 ∪ U1, x* penalised (B(x*,u*) = 1)"
        return "u* in U0 ∪ U1, x* allowed (B(x*,u*) = 0)"

    def kind_description(self, kind) -> str:
        descriptions = {self.pair_description(key) for key in kind.members}
        return descriptions.pop() if len(descriptions) == 1 else "mixed"

    @cached_property
    def documents(self) -> dict[str, dict]:
        return load_lemma11(self.certificates_dir)

    @cached_property
    def functions(self) -> dict[str, ValueFunction]:
        return {key: value_function_of(document) for key, document in self.documents.items()}

    @cached_property
    def kinds(self) -> list[PairKind]:
        """Orbits of the symmetry group, largest first, each with one value function.

        Raises :class:`ClaimNotProven` if two pairs of one orbit carry different
        value functions or paper bounds (the certificates would contradict the
        symmetry).
        """
        scenario = self.expression.scenario
        groups = orbits(invariance_group(self.expression), scenario.num_probabilities)
        kinds = []
        for representative_index, member_indices in groups.items():
            members = tuple(sorted(scenario.pair_key(j) for j in member_indices))
            representative = scenario.pair_key(representative_index)
            function = self.functions[representative]
            bound = self.paper_bound(representative)
            for key in members:
                other = self.functions[key]
                if (other.breakpoints, other.pieces, self.paper_bound(key)) != \
                        (function.breakpoints, function.pieces, bound):
                    raise ClaimNotProven(f"pairs {representative} and {key} lie in one symmetry orbit "
                                         "but their certificates give different value functions")
            kinds.append(PairKind(representative, members, bound, function))
        kinds.sort(key=lambda kind: (-len(kind.members), kind.representative))
        return kinds

    def paper_bound(self, key: str) -> Fraction:
        return Fraction(self.documents[key]["paper_claim"]["certificate"]["bound"])

    @cached_property
    def paper_bound_holds(self) -> bool:
        """Every pair's best constant at slope 2/3 is at most the paper's 1/3."""
        return all(self.paper_bound(key) <= PAPER_CONSTANT for key in self.documents)

    @cached_property
    def envelope(self) -> tuple[tuple[Fraction, Fraction], ...]:
        """Breakpoints of max over pairs of v(δ) (exact; constant after the last)."""
        return upper_envelope(self.functions.values())

    def envelope_value(self, bell_value) -> Fraction:
        return max(function.evaluate(Fraction(bell_value)) for function in self.functions.values())

    @cached_property
    def envelope_pieces(self) -> list[tuple[Fraction, Fraction]]:
        """The envelope as lines ``(constant, slope)``, one per interval between breakpoints."""
        points = self.envelope
        pieces = []
        for (d0, v0), (d1, v1) in zip(points, points[1:]):
            slope = (v1 - v0) / (d1 - d0)
            pieces.append((v0 - slope * d0, slope))
        pieces.append((points[-1][1], Fraction(0)))
        return pieces

    @cached_property
    def saturation_bell_value(self) -> Fraction | None:
        """Smallest B.P at which some pair's v reaches 1 (None if none does)."""
        for bell_value, value in self.envelope:
            if value >= 1:
                return bell_value
        return None

    @staticmethod
    def paper_line(bell_value) -> Fraction:
        """The paper's bound (1 + 2δ)/3 of eq. (42)."""
        return PAPER_CONSTANT + PAPER_SLOPE * Fraction(bell_value)
