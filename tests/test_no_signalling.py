"""The no-signalling polytope: membership, rank and dimension."""

from fractions import Fraction
from itertools import product

import pytest

from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.scenario import Scenario

SCENARIO = Scenario.binary(4)
SYSTEM = NoSignallingSystem.build(SCENARIO)


def deterministic_box(responses):
    """Local deterministic box: party i outputs responses[i][u_i]."""
    box = [Fraction(0)] * SCENARIO.num_probabilities
    for setting in SCENARIO.setting_tuples:
        outcome = tuple(responses[i][u] for i, u in enumerate(setting))
        box[SCENARIO.index(setting, outcome)] = Fraction(1)
    return box


def test_rank_and_dimension():
    assert len(SYSTEM.rows) == 16 + 4 * 8 * 8
    assert SYSTEM.rank == 176
    assert SYSTEM.dimension == 80 == 3 ** 4 - 1


@pytest.mark.parametrize("strategy", range(0, 256, 17))
def test_local_deterministic_boxes_are_no_signalling(strategy):
    bits = [(strategy >> k) & 1 for k in range(8)]
    responses = [(bits[2 * i], bits[2 * i + 1]) for i in range(4)]
    assert SYSTEM.contains(deterministic_box(responses))


def test_pr_like_box_is_no_signalling_but_not_local():
    """P(x|u) = 1/8 when x1+x2+x3+x4 = u1 u2 + u3 u4 (mod 2): every marginal of
    fewer than four parties is uniform, so it is no-signalling."""
    box = [Fraction(0)] * SCENARIO.num_probabilities
    for u in SCENARIO.setting_tuples:
        for x in SCENARIO.outcome_tuples:
            if sum(x) % 2 == (u[0] * u[1] + u[2] * u[3]) % 2:
                box[SCENARIO.index(u, x)] = Fraction(1, 8)
    assert SYSTEM.contains(box)


def test_signalling_box_is_rejected():
    """Party 1's output copies party 2's setting: normalised and positive, but signalling."""
    box = [Fraction(0)] * SCENARIO.num_probabilities
    for u in SCENARIO.setting_tuples:
        box[SCENARIO.index(u, (u[1], 0, 0, 0))] = Fraction(1)
    assert all(sum(box[SCENARIO.index(u, x)] for x in SCENARIO.outcome_tuples) == 1 for u in SCENARIO.setting_tuples)
    assert not SYSTEM.contains(box)


def test_rows_imply_no_signalling_for_every_subset():
    """On a box that satisfies the rows, every marginal of every subset of
    parties depends only on that subset's settings (eq. (13))."""
    import random

    generator = random.Random(7)
    mixture = [Fraction(0)] * SCENARIO.num_probabilities
    for _ in range(5):
        responses = [(generator.randrange(2), generator.randrange(2)) for _ in range(4)]
        for j, p in enumerate(deterministic_box(responses)):
            mixture[j] += p / 5
    assert SYSTEM.contains(mixture)
    for subset_size in (1, 2, 3):
        for subset in [s for s in product(range(2), repeat=4) if sum(s) == subset_size]:
            kept = [i for i in range(4) if subset[i]]
            marginals = {}
            for u in SCENARIO.setting_tuples:
                for x in SCENARIO.outcome_tuples:
                    key = (tuple(u[i] for i in kept), tuple(x[i] for i in kept), u)
                    marginals[key] = marginals.get(key, 0) + mixture[SCENARIO.index(u, x)]
            by_local = {}
            for (local_u, local_x, u), value in marginals.items():
                by_local.setdefault((local_u, local_x), set()).add(value)
            assert all(len(values) == 1 for values in by_local.values())


def test_negative_entries_and_wrong_length_are_rejected():
    box = deterministic_box([(0, 0)] * 4)
    box[0] += Fraction(1, 2)
    box[1] -= Fraction(1, 2)  # P(0001|0000) = -1/2, normalisation still holds
    assert all(r == 0 for r in SYSTEM.residuals(box)[:16])
    assert not SYSTEM.contains(box)
    assert not SYSTEM.contains(box[:-1])
