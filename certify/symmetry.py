"""Symmetries of a Bell expression: relabelings that leave B and the
no-signalling polytope invariant.

A candidate symmetry permutes the parties (only among parties with the same
numbers of settings and outcomes), relabels each party's settings, and
relabels each party's outcomes separately for each of its settings. Every
such relabeling maps no-signalling boxes to no-signalling boxes (the
marginals of a party do not depend on the labels of another party's
settings or outcomes), so it is a symmetry of the LP whenever it maps B to
itself. The group is enumerated in a fixed order (parties, then settings,
then outcomes, each lexicographically), the identity first.

As a permutation ``g`` of canonical indices, ``(g.P)[g[j]] = P[j]``.

>>> from certify.bell_expression import paper_bell_expression
>>> group = invariance_group(paper_bell_expression())
>>> len(group)
3072
>>> sorted(len(members) for members in orbits(group, 256).values())
[64, 64, 128]
"""

from __future__ import annotations

from itertools import permutations, product

import numpy as np

from certify.bell_expression import BellExpression

__all__ = ["invariance_group", "orbits", "apply"]


def invariance_group(expression: BellExpression, limit: int = 5_000_000) -> list[tuple[int, ...]]:
    """All relabelings (as index permutations) that map B to itself.

    The search runs over party permutations and setting relabelings in Python
    and over the outcome relabelings of each (party, setting) with numpy.
    """
    scenario = expression.scenario
    n = scenario.num_parties
    size = scenario.num_probabilities
    coefficients = expression.coefficients
    distinct = {value: code for code, value in enumerate(sorted(set(coefficients.values()) | {0}))}
    codes = np.array([distinct[coefficients.get(j, 0)] for j in range(size)], dtype=np.int64)
    setting_weights = [int(np.prod(scenario.settings[i + 1:])) for i in range(n)]
    outcome_weights = [int(np.prod(scenario.outcomes[i + 1:])) for i in range(n)]
    width = scenario.num_outcome_tuples
    pairs = [scenario.pair(j) for j in range(size)]
    party_perms = [p for p in permutations(range(n))
                   if all(scenario.settings[p[i]] == scenario.settings[i]
                          and scenario.outcomes[p[i]] == scenario.outcomes[i] for i in range(n))]
    setting_relabels = list(product(*(list(permutations(range(m))) for m in scenario.settings)))
    # One row per outcome relabeling: for each (party, setting) a permutation of outcomes.
    per_party = [list(product(*(list(permutations(range(scenario.outcomes[i])))
                                for _ in range(scenario.settings[i])))) for i in range(n)]
    outcome_relabels = list(product(*per_party))
    if len(party_perms) * len(setting_relabels) * len(outcome_relabels) > limit:
        raise ValueError(f"symmetry search exceeds {limit} candidates for this scenario")
    # table[o, i, u_i, x_i] = new outcome of party i.
    d_max, m_max = max(scenario.outcomes), max(scenario.settings)
    table = np.zeros((len(outcome_relabels), n, m_max, d_max), dtype=np.int64)
    for o, relabel in enumerate(outcome_relabels):
        for i in range(n):
            for u in range(scenario.settings[i]):
                table[o, i, u, :scenario.outcomes[i]] = relabel[i][u]
    group = []
    u_digits = [np.array([pairs[j][0][i] for j in range(size)]) for i in range(n)]
    x_digits = [np.array([pairs[j][1][i] for j in range(size)]) for i in range(n)]
    for party_perm in party_perms:
        outcome_part = np.zeros((len(outcome_relabels), size), dtype=np.int64)
        for i in range(n):
            outcome_part += table[:, i, u_digits[i], x_digits[i]] * outcome_weights[party_perm[i]]
        for settings in setting_relabels:
            setting_part = np.zeros(size, dtype=np.int64)
            for i in range(n):
                relabel = np.array(settings[i])
                setting_part += relabel[u_digits[i]] * (setting_weights[party_perm[i]] * width)
            images = setting_part[None, :] + outcome_part
            keep = np.all(codes[images] == codes[None, :], axis=1)
            group.extend(tuple(row) for row in images[keep].tolist())
    # Fixed enumeration order: party permutation, setting relabeling, outcome
    # relabeling (each lexicographic), exactly the loop order above.
    return group


def orbits(group: list[tuple[int, ...]], size: int) -> dict[int, list[int]]:
    """Orbit representative (smallest index) -> sorted members."""
    representative = {}
    for j in range(size):
        if j in representative:
            continue
        members = sorted({g[j] for g in group})
        for k in members:
            representative[k] = j
    result: dict[int, list[int]] = {}
    for j in range(size):
        result.setdefault(representative[j], []).append(j)
    return result


def apply(g: tuple[int, ...], vector):
    """``g . v`` for a dense vector: the entry at ``j`` moves to ``g[j]``."""
    out = [None] * len(vector)
    for j, value in enumerate(vector):
        out[g[j]] = value
    return out
