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

>>> from certify.lp.expression import paper_bell_expression
>>> group = invariance_group(paper_bell_expression())
>>> len(group)
3072
>>> sorted(len(members) for members in orbits(group, 256).values())
[64, 64, 128]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations, product

import numpy as np

from certify.lp.expression import BellExpression

__all__ = ["invariance_group", "orbits", "apply"]


def invariance_group(expression: BellExpression, limit: int = 5_000_000) -> list[tuple[int, ...]]:
    """All relabelings (as index permutations) that map B to itself.

    The search runs over party permutations and setting relabelings in Python
    and over the outcome relabelings of each (party, setting) with numpy.
    """
    scenario = expression.scenario
    n = scenario.num_parties
    size = scenario.num_probabilities
    distinct, codes = _coefficient_codes(expression)
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


# -- search by backtracking, for scenarios too large for brute force -------------------

def _slot_candidates(outcomes: int) -> list[tuple[int, ...]]:
    """Outcome relabelings searched for one (party, setting).

    All ``d!`` permutations when ``d <= 6``; for ``d = 2^k > 6`` the affine
    maps of the binary digits (a permutation of the k bits, then an XOR mask:
    ``k! 2^k`` of them, 48 for eight outcomes); otherwise the identity only.
    """
    if outcomes <= 6:
        return list(permutations(range(outcomes)))
    bits = outcomes.bit_length() - 1
    if 1 << bits != outcomes:
        return [tuple(range(outcomes))]
    maps = []
    for order in permutations(range(bits)):
        for mask in range(outcomes):
            image = []
            for x in range(outcomes):
                digits = [(x >> (bits - 1 - b)) & 1 for b in range(bits)]
                moved = [digits[order[b]] for b in range(bits)]
                value = 0
                for digit in moved:
                    value = 2 * value + digit
                image.append(value ^ mask)
            maps.append(tuple(image))
    return sorted(set(maps))


def _party_permutations(scenario) -> list[tuple[int, ...]]:
    """Party permutations searched: all shape-preserving ones when there are at
    most 24; otherwise (all parties alike) the identity, the transposition of
    parties 1 and 2 and the cycle 1 -> 2 -> ... -> n, which generate S_n, so
    together with all symmetries that fix the parties they generate the group."""
    n = scenario.num_parties
    alike = [p for p in permutations(range(n)) if len(p) <= 4 and all(
        scenario.settings[p[i]] == scenario.settings[i] and scenario.outcomes[p[i]] == scenario.outcomes[i]
        for i in range(n))]
    if n <= 4:
        return alike
    if len(set(scenario.settings)) == 1 and len(set(scenario.outcomes)) == 1:
        identity = tuple(range(n))
        swap = (1, 0) + tuple(range(2, n))
        cycle = tuple((i + 1) % n for i in range(n))
        return [identity, swap, cycle]
    return [tuple(range(n))]


def _coefficient_codes(expression: BellExpression) -> tuple[dict, np.ndarray]:
    """``(value -> code, code of every index)``: coefficients as small integers
    (equal codes iff equal values). Cached on the (immutable) expression, since
    a stabiliser-chain search calls :func:`search_symmetries` hundreds of times."""
    cached = expression.__dict__.get("_coefficient_codes")
    if cached is None:
        coefficients = expression.coefficients
        distinct = {value: code for code, value in enumerate(sorted(set(coefficients.values()) | {0}))}
        codes = np.full(expression.scenario.num_probabilities, distinct[0], dtype=np.int64)
        for j, value in coefficients.items():
            codes[j] = distinct[value]
        codes.setflags(write=False)
        cached = (distinct, codes)
        object.__setattr__(expression, "_coefficient_codes", cached)
    return cached


@dataclass(frozen=True)
class _SearchSpace:
    """What the backtracking search of :func:`search_symmetries` precomputes once per expression."""

    scenario: object
    width: int
    codes: np.ndarray
    blocks: np.ndarray
    signature: list
    setting_weights: list
    outcome_weights: list
    outcome_digits: list
    settings: np.ndarray
    candidates: dict
    slots: list
    checks: list
    slot_level: dict
    all_settings: np.ndarray
    setting_digits: list
    all_outcomes: list


def _search_space(expression: BellExpression) -> _SearchSpace:
    scenario = expression.scenario
    n = scenario.num_parties
    width = scenario.num_outcome_tuples
    distinct, codes = _coefficient_codes(expression)
    blocks = codes.reshape(scenario.num_setting_tuples, width)
    settings = np.array(scenario.setting_tuples, dtype=np.int64)  # (S, n)
    outcome_digits = [np.array([x[i] for x in scenario.outcome_tuples], dtype=np.int64) for i in range(n)]
    # Slot order and, per level, the blocks that become checkable.
    slots, checks, seen = [], [], set()
    for s, setting in enumerate(scenario.setting_tuples):
        for i, u in enumerate(setting):
            if (i, u) not in seen:
                seen.add((i, u))
                slots.append((i, u))
                checks.append([])
        checks[len(slots) - 1].append(s)
    return _SearchSpace(
        scenario=scenario, width=width, codes=codes, blocks=blocks,
        signature=[tuple(np.bincount(block, minlength=len(distinct))) for block in blocks],
        setting_weights=[int(np.prod(scenario.settings[i + 1:], dtype=np.int64)) for i in range(n)],
        outcome_weights=[int(np.prod(scenario.outcomes[i + 1:], dtype=np.int64)) for i in range(n)],
        outcome_digits=outcome_digits, settings=settings,
        candidates={i: [np.array(c, dtype=np.int64) for c in _slot_candidates(scenario.outcomes[i])]
                    for i in range(n)},
        slots=slots, checks=checks, slot_level={slot: k for k, slot in enumerate(slots)},
        all_settings=np.repeat(np.arange(scenario.num_setting_tuples, dtype=np.int64), width),
        setting_digits=[np.repeat(settings[:, i], width) for i in range(n)],
        all_outcomes=[np.tile(outcome_digits[i], scenario.num_setting_tuples) for i in range(n)])


def _outcome_relabelings(space: _SearchSpace, party_perm, relabel, new_settings: np.ndarray, fixed_pair,
                         allowed, with_structure: bool):
    """Backtracking over the outcome relabelings of each (party, setting) slot, for one
    party permutation and setting relabeling (``new_settings``: the image of each
    setting tuple); ``fixed_pair`` is ``(setting, outcome)`` of a fixed target or None."""
    scenario, width, n = space.scenario, space.width, space.scenario.num_parties
    slot_level, outcome_digits, outcome_weights = space.slot_level, space.outcome_digits, space.outcome_weights
    chosen: list[np.ndarray | None] = [None] * len(space.slots)
    # Each slot's candidates as their contribution to the image index (outcome digit
    # of the party relabeled, times the weight of the party it moves to), and each
    # block's slots and bytes, prepared once: the block test below runs millions
    # of times in the larger scenarios.
    terms = [[candidate[outcome_digits[i]] * outcome_weights[party_perm[i]] for candidate in space.candidates[i]]
             for i, _ in space.slots]
    block_slots = [[slot_level[(i, u)] for i, u in enumerate(setting)] for setting in scenario.setting_tuples]
    block_bytes = [block.tobytes() for block in space.blocks]
    chosen_position = [0] * len(space.slots)

    def block_ok(s: int) -> bool:
        levels = block_slots[s]
        image = terms[levels[0]][chosen_position[levels[0]]]
        for level in levels[1:]:
            image = image + terms[level][chosen_position[level]]
        return space.blocks[new_settings[s]][image].tobytes() == block_bytes[s]

    def complete():
        image = new_settings[space.all_settings] * width
        for i in range(n):
            table = np.stack([chosen[slot_level[(i, u)]] for u in range(scenario.settings[i])])
            image = image + table[space.setting_digits[i], space.all_outcomes[i]] * outcome_weights[party_perm[i]]
        if not np.array_equal(space.codes[image], space.codes):
            return None
        if not with_structure:
            return image
        structure = {"parties": list(party_perm), "settings": [list(r) for r in relabel],
                     "outcomes": [[[int(v) for v in chosen[slot_level[(i, u)]]]
                                   for u in range(scenario.settings[i])] for i in range(n)]}
        return image, structure

    def extend(level: int):
        if level == len(space.slots):
            found = complete()
            if found is not None:
                yield found
            return
        party, own_setting = space.slots[level]
        for position, candidate in enumerate(space.candidates[party]):
            if allowed is not None and not allowed(level, position):
                continue
            if (fixed_pair is not None and own_setting == fixed_pair[0][party]
                    and candidate[fixed_pair[1][party]] != fixed_pair[1][party_perm[party]]):
                continue
            chosen[level] = candidate
            chosen_position[level] = position
            if all(block_ok(s) for s in space.checks[level]):
                yield from extend(level + 1)
        chosen[level] = None

    yield from extend(0)


def search_symmetries(expression: BellExpression, party_perms=None, setting_relabels=None,
                      fixed: int | None = None, allowed=None, with_structure: bool = False):
    """Yield relabelings (numpy index permutations) that map B to itself.

    ``party_perms`` / ``setting_relabels`` restrict the search (default: all of
    :func:`_party_permutations` and every setting relabeling); with ``fixed``
    (a canonical index) only relabelings that map that index to itself are
    yielded (elements of its stabiliser). ``allowed(level, position)``, when
    given, restricts slot ``level`` (in the search order of the slots) to the
    candidates at the positions for which it is true (position 0 is always
    the identity). With ``with_structure`` each item is ``(image, structure)``
    where structure is the relabeling as :func:`relabeling_image` reads it.

    Backtracking over the outcome relabelings of each (party, setting), one
    setting tuple's block checked as soon as its slots are all assigned, for
    every party permutation of :func:`_party_permutations` and every setting
    relabeling that maps each block to a block with the same multiset of
    coefficients. Outcome relabelings come from :func:`_slot_candidates`. The
    elements found generate a subgroup of the invariance group (all of it
    when every candidate set is complete); every element yielded is checked
    on all coefficients.
    """
    space = _search_space(expression)
    scenario = space.scenario
    if party_perms is None:
        party_perms = _party_permutations(scenario)
    if setting_relabels is None:
        setting_relabels = list(product(*(list(permutations(range(m))) for m in scenario.settings)))
    fixed_pair = None if fixed is None else scenario.pair(fixed)
    for party_perm in party_perms:
        for relabel in setting_relabels:
            new_settings = sum(np.array(relabel[i])[space.settings[:, i]] * space.setting_weights[party_perm[i]]
                               for i in range(scenario.num_parties))
            if any(space.signature[s] != space.signature[t] for s, t in enumerate(new_settings.tolist())):
                continue
            if fixed is not None and int(new_settings[fixed // space.width]) != fixed // space.width:
                continue
            yield from _outcome_relabelings(space, party_perm, relabel, new_settings, fixed_pair, allowed,
                                            with_structure)


def kernel_generators(expression: BellExpression, party_perm, relabel, fixed: int | None = None,
                      with_structure: bool = False):
    """Generators of the symmetries with the given party permutation and setting
    relabeling (and fixing ``fixed``), by a stabiliser chain over the slots.

    For the identity party permutation and relabeling these elements form a
    group K; with K_k its elements that are the identity on the first k slots
    (search order), one element of K_k for each candidate value of slot k
    that occurs is a transversal of K_{k+1} in K_k, and the union over k
    generates K. Each element is the first completion found by the
    backtracking, so the work is one short search per (slot, value) rather
    than an enumeration of K. For another party permutation, the first
    element found (if any) is returned. With ``with_structure`` each element
    is ``(image, structure)`` as :func:`search_symmetries` yields it.
    """
    identity_perm = tuple(range(expression.scenario.num_parties))
    identity_relabel = tuple(tuple(range(m)) for m in expression.scenario.settings)
    if tuple(party_perm) != identity_perm or tuple(map(tuple, relabel)) != identity_relabel:
        for g in search_symmetries(expression, [party_perm], [relabel], fixed, with_structure=with_structure):
            return [g]
        return []
    generators = []
    outcomes_of_slot = []
    for s, setting in enumerate(expression.scenario.setting_tuples):
        for i, u in enumerate(setting):
            if (i, u) not in outcomes_of_slot:
                outcomes_of_slot.append((i, u))
    for level, (party, _) in enumerate(outcomes_of_slot):
        for position in range(1, len(_slot_candidates(expression.scenario.outcomes[party]))):
            def allowed(k, p, level=level, position=position):
                return p == 0 if k < level else (p == position if k == level else True)
            for g in search_symmetries(expression, [party_perm], [relabel], fixed, allowed,
                                       with_structure=with_structure):
                generators.append(g)
                break
    return generators


def _merging_symmetries(expression: BellExpression, size: int, with_structure: bool):
    """Orbits under the symmetries of :func:`search_symmetries` (union-find), keeping
    only the elements that merge orbits: ``(orbits, [(image, structure or None)])``
    with orbits as representative (smallest index) -> sorted members."""
    parent = list(range(size))

    def find(j: int) -> int:
        while parent[j] != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    kept = []
    for item in search_symmetries(expression, with_structure=with_structure):
        g, structure = item if with_structure else (item, None)
        merged = False
        for j, k in enumerate(g.tolist()):
            a, b = find(j), find(k)
            if a != b:
                parent[max(a, b)] = min(a, b)
                merged = True
        if merged:
            kept.append((g.tolist(), structure))
    members: dict[int, list[int]] = {}
    for j in range(size):
        members.setdefault(find(j), []).append(j)
    return {min(m): sorted(m) for m in members.values()}, kept


def orbit_transversal(expression: BellExpression, size: int | None = None):
    """Orbits of the probability indices under the symmetries found by
    :func:`search_symmetries`, and for every index k an element mapping its
    orbit's representative (smallest index) to k.

    Returns ``(orbits, transversal)``: representative -> sorted members, and
    index -> permutation tuple (the identity for representatives). Only the
    elements that merge orbits are kept as generators; transversal elements
    are products of generators found by breadth-first search (in generator
    order), so each is a symmetry.

    >>> from certify.formats.library import chsh_expression
    >>> found, transversal = orbit_transversal(chsh_expression())
    >>> sorted(len(m) for m in found.values())
    [8, 8]
    """
    size = size or expression.scenario.num_probabilities
    found, kept = _merging_symmetries(expression, size, with_structure=False)
    generators = [tuple(image) for image, _ in kept]
    identity = tuple(range(size))
    transversal: dict[int, tuple[int, ...]] = {}
    for rep in found:
        transversal[rep] = identity
        queue = [rep]
        while queue:
            current = queue.pop(0)
            element = transversal[current]
            for g in generators:
                k = g[current]
                if k not in transversal:
                    transversal[k] = tuple(g[element[j]] for j in range(size))
                    queue.append(k)
    return found, transversal


def relabeling_image(scenario, structure) -> list[int]:
    """Index permutation of a relabeling given as
    ``{"parties": π, "settings": [σ_i], "outcomes": [[τ_{i,u}]]}``: party i
    becomes party π(i), its setting u becomes σ_i(u) and, at setting u, its
    outcome x becomes τ_{i,u}(x). Raises ValueError if it is not a valid
    relabeling of the scenario (π must keep the numbers of settings and outcomes).

    >>> from certify.lp.scenario import Scenario
    >>> relabeling_image(Scenario.binary(2), {"parties": [1, 0], "settings": [[0, 1], [0, 1]],
    ...                                       "outcomes": [[[0, 1], [0, 1]], [[0, 1], [0, 1]]]})[:4]
    [0, 2, 1, 3]
    """
    n = scenario.num_parties
    if not isinstance(structure, dict) or set(structure) != {"parties", "settings", "outcomes"}:
        raise ValueError("expected an object with keys parties, settings, outcomes")
    parties, settings, outcomes = structure["parties"], structure["settings"], structure["outcomes"]

    def is_permutation(values, size) -> bool:
        return (isinstance(values, list) and len(values) == size
                and all(type(v) is int for v in values) and sorted(values) == list(range(size)))

    if not is_permutation(parties, n):
        raise ValueError(f"parties: expected a permutation of 0..{n - 1}")
    for i in range(n):
        if (scenario.settings[parties[i]], scenario.outcomes[parties[i]]) != (scenario.settings[i], scenario.outcomes[i]):
            raise ValueError(f"parties: party {i + 1} and party {parties[i] + 1} have different shapes")
    if not isinstance(settings, list) or len(settings) != n or not isinstance(outcomes, list) or len(outcomes) != n:
        raise ValueError("settings and outcomes: expected one entry per party")
    for i in range(n):
        if not is_permutation(settings[i], scenario.settings[i]):
            raise ValueError(f"settings[{i}]: expected a permutation of 0..{scenario.settings[i] - 1}")
        if not isinstance(outcomes[i], list) or len(outcomes[i]) != scenario.settings[i]:
            raise ValueError(f"outcomes[{i}]: expected one permutation per setting")
        for u in range(scenario.settings[i]):
            if not is_permutation(outcomes[i][u], scenario.outcomes[i]):
                raise ValueError(f"outcomes[{i}][{u}]: expected a permutation of 0..{scenario.outcomes[i] - 1}")
    u_digits, x_digits = _index_digits(scenario)
    setting_strides = [int(np.prod(scenario.settings[i + 1:], dtype=np.int64)) for i in range(n)]
    outcome_strides = [int(np.prod(scenario.outcomes[i + 1:], dtype=np.int64)) for i in range(n)]
    new_setting = np.zeros(scenario.num_probabilities, dtype=np.int64)
    new_outcome = np.zeros(scenario.num_probabilities, dtype=np.int64)
    for i in range(n):
        # Party i's digits move to position parties[i], relabelled by its permutations.
        new_setting += np.array(settings[i], dtype=np.int64)[u_digits[i]] * setting_strides[parties[i]]
        table = np.array(outcomes[i], dtype=np.int64)  # (settings of i, outcomes of i)
        new_outcome += table[u_digits[i], x_digits[i]] * outcome_strides[parties[i]]
    return (new_setting * scenario.num_outcome_tuples + new_outcome).tolist()


@lru_cache(maxsize=8)
def _index_digits(scenario) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Per party, its setting digit and its outcome digit at every canonical index."""
    pairs = [scenario.pair(j) for j in range(scenario.num_probabilities)]
    u = np.array([p[0] for p in pairs], dtype=np.int64).reshape(len(pairs), scenario.num_parties)
    x = np.array([p[1] for p in pairs], dtype=np.int64).reshape(len(pairs), scenario.num_parties)
    for array in (u, x):
        array.setflags(write=False)
    return tuple(u[:, i] for i in range(scenario.num_parties)), tuple(x[:, i] for i in range(scenario.num_parties))


def orbit_words(expression: BellExpression):
    """Orbits of the probability indices under the symmetries found by
    :func:`search_symmetries`, with structured generators and, for every index
    k, a word: generator positions whose successive application maps the
    orbit representative (smallest index) to k.

    Returns ``(orbits, generators, words)``; generators are structures (see
    :func:`relabeling_image`) kept only when they merge orbits; words come from
    a breadth-first search in generator order.

    >>> from certify.formats.library import chsh_expression
    >>> found, generators, words = orbit_words(chsh_expression())
    >>> sorted(found), words[0], len(words)
    ([0, 1], [], 16)
    """
    found, kept = _merging_symmetries(expression, expression.scenario.num_probabilities, with_structure=True)
    generators = [structure for _, structure in kept]
    images = [image for image, _ in kept]
    words: dict[int, list[int]] = {}
    for rep in found:
        words[rep] = []
        queue = [rep]
        while queue:
            current = queue.pop(0)
            for position, image in enumerate(images):
                k = image[current]
                if k not in words:
                    words[k] = words[current] + [position]
                    queue.append(k)
    return found, generators, words
