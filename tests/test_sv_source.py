"""SV sources: exact eq. (1), exact nu(u), and the inverse-CDF sampler."""

import math
from fractions import Fraction

import numpy as np
import pytest

from certify.errors import ClaimNotProven, InputError
from certify.simulation.source import (AdaptiveSource, GuideTable, IIDSource, SVSource, TargetingSource,
                               UNTESTED_SETTINGS, check_epsilon, make_source)

EPSILONS = [Fraction(0), Fraction(1, 10), Fraction(1, 3), Fraction(49, 100)]


@pytest.mark.parametrize("epsilon", EPSILONS)
@pytest.mark.parametrize("kind", ["iid", "adaptive", "targeting"])
def test_every_source_satisfies_eq1_exactly(kind, epsilon):
    source = make_source(kind, epsilon, target_setting="0110")
    source.check_sv_condition()
    distribution = source.nibble_distribution()
    assert sum(distribution) == 1
    # eq. (1) for four bits implies (1/2 - eps)^4 <= nu(u) <= (1/2 + eps)^4
    assert all((Fraction(1, 2) - epsilon) ** 4 <= w <= (Fraction(1, 2) + epsilon) ** 4 for w in distribution)


def test_violating_source_is_rejected():
    class TooBiased(SVSource):
        def probability_of_zero(self, prefix):
            return Fraction(1, 2) + 2 * self.epsilon

    with pytest.raises(ClaimNotProven, match="violates eq. \\(1\\)"):
        TooBiased(Fraction(1, 10)).check_sv_condition()


def test_targeting_source_puts_the_maximal_weight_on_its_setting():
    epsilon = Fraction(1, 10)
    distribution = TargetingSource(epsilon, "1011").nibble_distribution()
    assert distribution[0b1011] == (Fraction(1, 2) + epsilon) ** 4
    assert max(distribution) == distribution[0b1011]


def test_iid_source_favours_the_stated_bit():
    assert IIDSource(Fraction(1, 10), 0).nibble_distribution()[0] == Fraction(3, 5) ** 4
    assert IIDSource(Fraction(1, 10), 1).nibble_distribution()[15] == Fraction(3, 5) ** 4


def test_adaptive_source_pushes_toward_untested_settings():
    epsilon = Fraction(1, 10)
    adaptive = AdaptiveSource(epsilon).nibble_distribution()
    iid = IIDSource(epsilon).nibble_distribution()
    untested = [int(s, 2) for s in UNTESTED_SETTINGS]
    # Untested = even weight: the first three bits tie (favour 0), the last fixes parity w.p. 1/2+eps.
    assert sum(adaptive[k] for k in untested) == Fraction(1, 2) + epsilon
    assert sum(iid[k] for k in untested) == (1 + (2 * epsilon) ** 4) / 2
    assert sum(adaptive[k] for k in untested) > sum(iid[k] for k in untested)


def test_guide_table_law_is_exact_to_2_minus_64():
    """Recount, bin by bin, the words mapped to each value: the law is exactly weights / 2^64."""
    rows = [IIDSource(Fraction(1, 7)).nibble_distribution(),
            [Fraction(1, 3), Fraction(0), Fraction(2, 3)] + [Fraction(0)] * 13]
    table = GuideTable(rows)
    bits = GuideTable.GUIDE_BITS
    width = 1 << (64 - bits)
    for row, probabilities in enumerate(rows):
        sampled = table.exact_weights(row)
        assert sum(sampled) == 1
        assert all(abs(a - b) <= Fraction(16, 1 << 64) for a, b in zip(sampled, probabilities))
        mass = [0] * 16
        guide = table.guide[row << bits:(row + 1) << bits]
        for b, value in enumerate(guide.tolist()):
            if value != GuideTable.AMBIGUOUS:
                mass[value] += width
            else:  # split the straddling bin at the cumulative sums, using the sampler itself
                start, end = b * width, (b + 1) * width
                cuts = sorted({start, end} | {int(c) for c in table.cumulative[row] if start < int(c) < end})
                for left, right in zip(cuts, cuts[1:]):
                    words = np.array([left, right - 1], dtype=np.uint64)
                    values = table.sample(words, np.array([row, row])).tolist()
                    assert values[0] == values[1]
                    mass[values[0]] += right - left
        assert [Fraction(m, 1 << 64) for m in mass] == sampled


def test_sampling_frequencies():
    """Empirical nibble frequencies within a Hoeffding radius at 1e-9 (Bonferroni over 16)."""
    source = AdaptiveSource(Fraction(1, 10))
    rng = np.random.Generator(np.random.PCG64(11))
    n = 400_000
    counts = np.bincount(source.sample_nibbles(rng.bit_generator.random_raw(n)), minlength=16)
    radius = math.sqrt(math.log(2 * 16 / 1e-9) / (2 * n))
    for k, probability in enumerate(source.nibble_distribution()):
        assert abs(counts[k] / n - float(probability)) <= radius


@pytest.mark.parametrize("text", ["1/2", "-1/10", "abc", "1/0", 0.1])
def test_bad_epsilon(text):
    with pytest.raises(InputError, match="--epsilon"):
        check_epsilon(text)


def test_bad_source_name_and_target():
    with pytest.raises(InputError, match="--source"):
        make_source("fancy", Fraction(1, 10))
    with pytest.raises(InputError, match="target setting"):
        make_source("targeting", Fraction(1, 10), target_setting="012")
