"""General Bell expressions, families and their folders, built on the trusted core.

Standard library only. For a general Bell expression B (given by its
coefficients in the file; a built-in name such as ``paper`` or ``chsh`` must carry the
coefficients :mod:`certify.checker.builtins` rebuilds) in any scenario
of at most 8 parties, 10 settings and 10 outcomes each, the penalty form
C = sign B, offset = min C.P has an ``expression-bound`` file per pair (the
value function of :func:`certify.checker.core.check_value_function` with
delta = C.P - offset), a ``bounds.json`` (local bound by enumeration,
no-signalling optimum, largest v(0)) and optionally a ``symmetry.json``
(relabelings of B mapping representatives to the other pairs);
:func:`check_expression_coverage` joins them per folder. An
``expression-reduced`` file (an N-party family member, self-contained) proves
the same bounds and v(0) of one representative per orbit of pairs by dual
certificates checked on orbit sums of a stabiliser group (an averaged box keeps
P(x*|u*) and C.P) and orbit-constant witnesses (:func:`check_expression_reduced`).
"""

import hashlib
import json
import re
from fractions import Fraction
from itertools import product

from certify.checker.builtins import definition
from certify.checker.core import (Malformed, NotProven, array, check_box, check_inequality,
                                  check_scaled_box, check_target, check_value_function, dual_slacks, fields,
                                  fraction, integer, pair_index, product_of, show,
                                  size_of, sparse)

EXPRESSION_FORMATS = ("certify/expression-bound", "certify/expression-bounds", "certify/expression-symmetry")
MAX_ENUMERATION = 1 << 22  # steps of the local-bound enumeration (enumeration_cost)
MAX_ORBIT_WORK = 1 << 24  # generator-list entries x probabilities labelled in one file
MAX_ORBIT_IMAGES = 1 << 21  # distinct generators x probabilities held in one file (index maps)
MAX_REDUCED_WORK = 1 << 22  # representatives x probabilities of one expression-reduced file
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def pair_key(index, shape):
    """Inverse of :func:`certify.checker.core.pair_index`."""
    settings, outcomes = shape
    setting, outcome = divmod(index, size_of(shape) // product_of(settings))
    digits = []
    for radices, value in ((settings, setting), (outcomes, outcome)):
        text = ""
        for radix in reversed(radices):
            value, digit = divmod(value, radix)
            text = str(digit) + text
        digits.append(text)
    return "|".join(digits)


def check_expression_header(document, where, keys):
    """Scenario (1..8 parties, 1..10 settings and outcomes each, at most 65,536
    probabilities), expression (a built-in name must carry its rebuilt coefficients) and, if in ``keys``,
    the penalty form ``C = sign B``. Returns ``(values of keys, shape, penalty C as
    (c, {j: c C_j}), sign, offset, identity)``; ``identity`` names the expression."""
    values = fields(document, f"{where}: $", keys)
    scenario, expression = values[2], values[3]
    parties, settings, outcomes = fields(scenario, f"{where}: $.scenario", ("parties", "settings", "outcomes"))
    integer(parties, f"{where}: $.scenario.parties", 1, 8)
    shape = tuple(tuple(integer(c, f"{where}: $.scenario.{key}[{k}]", 1, 10)
                        for k, c in enumerate(array(counts, f"{where}: $.scenario.{key}", parties, parties)))
                  for key, counts in (("settings", settings), ("outcomes", outcomes)))
    size = size_of(shape)
    if size > 65_536:
        raise Malformed(f"{where}: $.scenario: {size} probabilities, more than the limit 65536")
    name, direction, coefficients = fields(expression, f"{where}: $.expression", ("name", "direction", "coefficients"))
    if not (isinstance(name, str) and _NAME.fullmatch(name)) or direction not in ("minimise", "maximise"):
        raise Malformed(f"{where}: $.expression: expected a name of 1..64 letters, digits, '-', '_' and "
                        f"direction 'minimise' or 'maximise', found {show(name)}, {show(direction)}")
    scale, bell = sparse(coefficients, size, f"{where}: $.expression.coefficients")
    builtin = definition(name)
    if builtin is not None and (direction, shape, scale, bell) != ("minimise", builtin[0], 1, builtin[1]):
        raise NotProven(f"{where}: $.expression: the name {name!r} is a built-in expression, rebuilt by the "
                        f"checker from its definition (certify.checker.builtins); these coefficients, this "
                        f"scenario or this direction differ, so the file does not prove the claim {name!r}")
    sign, offset = (1 if direction == "minimise" else -1), Fraction(0)
    if "penalty" in keys:
        sign_text, offset_text = fields(document["penalty"], f"{where}: $.penalty", ("sign", "offset"))
        if type(sign_text) is not int or sign_text != sign:
            raise Malformed(f"{where}: $.penalty.sign: expected {sign} for direction {direction!r}, "
                            f"found {show(sign_text)}")
        offset = fraction(offset_text, f"{where}: $.penalty.offset")
    identity = hashlib.sha256(json.dumps([scenario, expression], sort_keys=True).encode()).hexdigest()
    penalty = (scale, {j: sign * c for j, c in bell.items()})
    return values, shape, penalty, sign, offset, identity


def check_ns_optimum(optimum, shape, penalty, sign, offset, where):
    """``{"value", "certificate", "witness"}``: the offset is the no-signalling optimum,
    min C.P = offset (a certificate of ``C.P >= offset`` and a witness box attaining it)."""
    value, certificate, witness = fields(optimum, where, ("value", "certificate", "witness"))
    if fraction(value, f"{where}.value") != sign * offset:
        raise NotProven(f"{where}.value: must equal sign * offset = {sign * offset}")
    bound = check_inequality(certificate, Fraction(1), None, f"{where}.certificate", shape, penalty)
    if bound != -offset:
        raise NotProven(f"{where}.certificate: proves C.P >= {-bound}, not the offset {offset}")
    if check_box(witness, None, f"{where}.witness", shape, penalty)[1] != offset:
        raise NotProven(f"{where}.witness: C.W differs from the offset {offset}")


def check_expression_bound(document, where):
    """Check a ``certify/expression-bound`` file (version 2): the offset is the
    no-signalling optimum (its proof is in the file) and the exact value function
    of one pair with the penalty value delta = C.P - offset; return its statement."""
    keys = ("format", "version", "scenario", "expression", "penalty", "ns_optimum", "target", "value_function")
    values, shape, penalty, sign, offset, identity = check_expression_header(document, where, keys)
    check_ns_optimum(values[5], shape, penalty, sign, offset, f"{where}: $.ns_optimum")
    setting, outcome, index = check_target(values[6], shape, f"{where}: $.target")
    breakpoints, pieces = check_value_function(values[7], index, f"{where}: $.value_function", shape,
                                               penalty, offset)
    return {"format": "certify/expression-bound", "expression": identity, "name": values[3]["name"], "penalty": (sign, offset),
            "shape": shape, "setting": setting, "outcome": outcome, "index": index,
            "breakpoints": breakpoints, "pieces": pieces}


def local_minimum(shape, penalty, strategy):
    """``(min C.P over deterministic local boxes, C.P of strategy)``, scaled by c.

    A deterministic box has P(x|u) = 1 iff x_i = s_i(u_i) for every i, so
    C.P = sum_u C(s(u)|u). The party r with the most strategies d_r^{m_r}
    answers each strategy tuple of the others with its best outcome per setting,
    so only ``prod_{i != r} d_i^{m_i}`` tuples are enumerated; setting tuples
    where C has no coefficient add 0 to every strategy and are skipped
    (``MAX_ENUMERATION`` bounds :func:`enumeration_cost`, computed before the loop).

    >>> local_minimum(((2, 2), (2, 2)), (1, {1: 1, 2: 1, 5: 1, 6: 1, 9: 1, 10: 1, 12: 1, 15: 1}),
    ...               [(0, 0), (0, 0)])  # CHSH as a game: a local strategy loses one round
    (1, 1)
    """
    (settings, outcomes), (_, coefficients) = shape, penalty
    n, width = len(settings), product_of(outcomes)
    strides = [product_of(outcomes[i + 1:]) for i in range(n)]
    r = max(range(n), key=lambda i: outcomes[i] ** settings[i])
    others = [i for i in range(n) if i != r]
    active = {j // width for j in coefficients}
    cost = enumeration_cost(shape, r, active)
    if cost > MAX_ENUMERATION:
        raise Malformed(f"local bound: enumeration needs {cost} steps, more than the checker's limit "
                        f"{MAX_ENUMERATION}")
    all_settings = list(product(*map(range, settings)))
    head_settings = list(product(*(range(settings[i]) for i in others)))
    head_position = {u: h for h, u in enumerate(head_settings)}
    starts_at = [[] for _ in range(settings[r])]  # per setting of r: (head setting, block start)
    for s, u in enumerate(all_settings):
        if s in active:
            starts_at[u[r]].append((head_position[u[:r] + u[r + 1:]], s * width))
    needed = sorted({h for pairs in starts_at for h, _ in pairs})
    get, best_total = coefficients.get, None
    for heads in product(*(product(range(outcomes[i]), repeat=settings[i]) for i in others)):
        shift = {h: sum(heads[a][head_settings[h][a]] * strides[i] for a, i in enumerate(others)) for h in needed}
        total = sum(min(sum(get(start + shift[h] + x * strides[r], 0) for h, start in pairs)
                        for x in range(outcomes[r])) for pairs in starts_at)
        best_total = total if best_total is None else min(best_total, total)
    chosen = sum(get(s * width + sum(strategy[i][u[i]] * strides[i] for i in range(n)), 0)
                 for s, u in enumerate(all_settings))
    return best_total, chosen


def enumeration_cost(shape, r, active):
    """Steps of :func:`local_minimum` before it runs: every strategy tuple of the parties
    other than ``r`` (also when C has few or no coefficients) times the inner work per
    tuple (a shift per needed setting tuple of the others, and per setting of r and
    outcome of r one look-up per active setting tuple, at least one)."""
    settings, outcomes = shape
    others = [i for i in range(len(settings)) if i != r]
    heads = product_of(outcomes[i] ** settings[i] for i in others)
    return heads * (1 + len(active) * len(others) + outcomes[r] * (settings[r] + len(active)))


def check_local_bound(local, shape, penalty, sign, where):
    """``{"value", "strategy"}``: the strategy (one outcome digit per setting, per party)
    attains the value and the enumeration of every deterministic strategy finds nothing
    better; returns the value (in the expression's own direction)."""
    local_text, strategy_text = fields(local, where, ("value", "strategy"))
    local_value = fraction(local_text, f"{where}.value")
    strategy = []
    for i, (m, d) in enumerate(zip(*shape)):
        text = array(strategy_text, f"{where}.strategy", len(shape[0]), len(shape[0]))[i]
        if not (isinstance(text, str) and len(text) == m and all(c in "0123456789"[:d] for c in text)):
            raise Malformed(f"{where}.strategy[{i}]: expected {m} outcome digits below {d}, found {show(text)}")
        strategy.append(tuple(map(int, text)))
    minimum, chosen = local_minimum(shape, penalty, strategy)
    if sign * Fraction(chosen, penalty[0]) != local_value or minimum != chosen:
        raise NotProven(f"{where}: the strategy gives {sign * Fraction(chosen, penalty[0])}, the enumeration of "
                        f"every deterministic strategy {sign * Fraction(minimum, penalty[0])}; the file states "
                        f"{local_value}")
    return local_value


def check_bell_flag(is_bell, local_value, optimum, where):
    """``is_bell_inequality`` must be a boolean saying whether the two bounds differ."""
    if type(is_bell) is not bool:
        raise Malformed(f"{where}: expected true or false, found {show(is_bell)}")
    if is_bell != (local_value != optimum):
        raise NotProven(f"{where}: local bound {local_value} and no-signalling optimum {optimum} say "
                        f"{local_value != optimum}")


def check_expression_bounds(document, where):
    """Check ``bounds.json``: the local bound (strategy and exhaustive enumeration),
    the no-signalling optimum (certificate ``C.P >= offset`` and a witness attaining
    it) and ``is_bell_inequality``; the maximum output probability is compared with
    the pair documents by :func:`check_expression_coverage`. Returns the statement."""
    keys = ("format", "version", "scenario", "expression", "penalty", "local_bound", "ns_optimum",
            "is_bell_inequality", "max_output_probability_at_ns_optimum")
    values, shape, penalty, sign, offset, identity = check_expression_header(document, where, keys)
    local, optimum, is_bell, best = values[5:]
    local_value = check_local_bound(local, shape, penalty, sign, f"{where}: $.local_bound")
    check_ns_optimum(optimum, shape, penalty, sign, offset, f"{where}: $.ns_optimum")
    check_bell_flag(is_bell, local_value, sign * offset, f"{where}: $.is_bell_inequality")
    best_value, best_pair = fields(best, f"{where}: $.max_output_probability_at_ns_optimum", ("value", "pair"))
    return {"format": "certify/expression-bounds", "expression": identity, "name": values[3]["name"], "penalty": (sign, offset),
            "shape": shape, "local_bound": local_value, "ns_optimum": sign * offset,
            "max_output": (fraction(best_value, f"{where}: $.max_output_probability_at_ns_optimum.value"),
                           pair_index(best_pair, shape, f"{where}: $.max_output_probability_at_ns_optimum.pair"))}


def relabeling(generator, shape, where):
    """The index map g of a relabeling ``{"parties", "settings", "outcomes"}``:
    ``u'[pi_i] = sigma_i(u_i)``, ``x'[pi_i] = tau_{i,u_i}(x_i)``; each a permutation."""
    settings, outcomes = shape
    n = len(settings)

    def permutation(value, size, at):
        if not (isinstance(value, list) and all(type(v) is int for v in value)
                and sorted(value) == list(range(size))):
            raise Malformed(f"{where}.{at}: expected a permutation of 0..{size - 1}, found {show(value)}")
        return value

    parties, sigma, tau = fields(generator, where, ("parties", "settings", "outcomes"))
    pi = permutation(parties, n, "parties")
    if any(settings[pi[i]] != settings[i] or outcomes[pi[i]] != outcomes[i] for i in range(n)):
        raise Malformed(f"{where}.parties: a party must move to a party with as many settings and outcomes")
    sigma = [permutation(s, settings[i], f"settings[{i}]")
             for i, s in enumerate(array(sigma, where + ".settings", n, n))]
    tau = [[permutation(t, outcomes[i], f"outcomes[{i}][{u}]")
            for u, t in enumerate(array(per_party, f"{where}.outcomes[{i}]", settings[i], settings[i]))]
           for i, per_party in enumerate(array(tau, where + ".outcomes", n, n))]
    setting_strides = [product_of(settings[i + 1:]) for i in range(n)]
    outcome_strides = [product_of(outcomes[i + 1:]) for i in range(n)]
    image = []
    for u in product(*map(range, settings)):
        moved = sum(sigma[i][u[i]] * setting_strides[pi[i]] for i in range(n)) * product_of(outcomes)
        per_party = [[tau[i][u[i]][x] * outcome_strides[pi[i]] for x in range(outcomes[i])] for i in range(n)]
        image.extend(moved + sum(parts) for parts in product(*per_party))
    return image


def check_expression_symmetry(document, where):
    """Check ``symmetry.json``: each generator is a relabeling keeping every coefficient
    of B, and each pair (listed once, canonical order) is its representative's image
    under its word; returns ``{pair index: representative index}`` in the statement."""
    keys = ("format", "version", "scenario", "expression", "generators", "pairs")
    values, shape, penalty, _, _, identity = check_expression_header(document, where, keys)
    size, coefficients = size_of(shape), penalty[1]
    images, generators = [], array(values[4], f"{where}: $.generators", 0, 256)
    if len(generators) * size > MAX_ORBIT_IMAGES:
        raise Malformed(f"{where}: $.generators: {len(generators)} generators of {size} probabilities each "
                        f"exceed the checker's limit {MAX_ORBIT_IMAGES} (generators x probabilities)")
    letters = 0  # images applied by the words, bounded by MAX_ORBIT_WORK
    for k, generator in enumerate(generators):
        image = relabeling(generator, shape, f"{where}: $.generators[{k}]")
        if {image[j]: c for j, c in coefficients.items()} != coefficients:
            raise NotProven(f"{where}: $.generators[{k}]: does not map every coefficient of B to an equal one")
        images.append(image)
    representative = {}
    for j, entry in enumerate(array(values[5], f"{where}: $.pairs", size, size)):
        at = f"{where}: $.pairs[{j}]"
        pair, start, word = fields(entry, at, ("pair", "representative", "word"))
        if pair != pair_key(j, shape):
            raise Malformed(f"{at}.pair: expected {pair_key(j, shape)!r} (every pair once, canonical order), "
                            f"found {show(pair)}")
        position = representative[j] = pair_index(start, shape, at + ".representative")
        letters += len(array(word, at + ".word", 0, 256))
        if letters > MAX_ORBIT_WORK:
            raise Malformed(f"{at}.word: the words so far apply {letters} generators, more than the "
                            f"checker's limit {MAX_ORBIT_WORK}")
        for k in word:
            position = images[integer(k, at + ".word[]", 0, len(images) - 1)][position]
        if position != j:
            raise NotProven(f"{at}: the word maps {start} to {pair_key(position, shape)}, not to {pair}")
    for j, start in representative.items():
        if representative[start] != start or (start == j) != (values[5][j]["word"] == []):
            raise Malformed(f"{where}: $.pairs[{start}]: a representative must list itself with an empty word")
    return {"format": "certify/expression-symmetry", "expression": identity, "name": values[3]["name"], "shape": shape,
            "representative": representative}


def orbit_labels(images, size):
    """The smallest member of the orbit of every index under the group the index maps
    ``images`` generate (union-find; a root is always the smallest index of its class).

    >>> orbit_labels([[1, 0, 2, 3], [0, 1, 3, 2]], 4)
    [0, 0, 2, 2]
    """
    parent = list(range(size))

    def root(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for image in images:
        for j, k in enumerate(image):
            if j != k:
                a, b = root(j), root(k)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return [root(j) for j in range(size)]


def check_orbit_inequality(certificate, slope, target, where, shape, penalty, orbits):
    """:func:`certify.checker.core.check_inequality` for boxes constant on orbits:
    with ``orbits`` (the orbit label of every index under a group of relabelings
    that keep C and fix t, :func:`orbit_labels`) only the orbit sums of the slacks
    s must be >= 0. That proves the bound for boxes constant on orbits, and the
    average of any no-signalling box over the group is one, with the same P_t and C.P."""
    bound, total, d, reduced = dual_slacks(certificate, slope, target, where, shape, penalty)
    sums = {}
    for j, value in enumerate(reduced):
        if value:
            sums[orbits[j]] = sums.get(orbits[j], 0) + value
    negative = min((j for j, value in sums.items() if value < 0), default=None)
    if negative is not None:
        raise NotProven(f"{where}: the slacks of the orbit of index {negative} sum to "
                        f"{Fraction(sums[negative], d)} < 0: the multipliers do not dominate P* - {slope} C.P "
                        f"there")
    if total != bound:
        raise NotProven(f"{where}: bound {bound} is not the sum {total} of the normalisation multipliers")
    return bound


def group_orbits(generators, shape, coefficients, where, cache, fixed=None):
    """Orbit labels under a list (0..256) of relabelings, each checked to map every
    coefficient of C to an equal one (and to fix the index ``fixed``); ``cache`` maps
    a generator's JSON text to its checked image within one document (and None to
    the work charged so far: ``[entries x size, distinct generators x size]``, each
    checked against its limit before the work is done)."""
    images, size = [], size_of(shape)
    spent = cache.setdefault(None, [0, 0])
    spent[0] += len(array(generators, where, 0, 256)) * size
    if spent[0] > MAX_ORBIT_WORK:
        raise Malformed(f"{where}: orbit labelling of this file needs {spent[0]} steps (generator-list "
                        f"entries x probabilities), more than the checker's limit {MAX_ORBIT_WORK}")
    for k, generator in enumerate(generators):
        key = json.dumps(generator, sort_keys=True)
        if key not in cache:
            spent[1] += size
            if spent[1] > MAX_ORBIT_IMAGES:
                raise Malformed(f"{where}[{k}]: the distinct generators of this file need {spent[1]} index "
                                f"entries, more than the checker's limit {MAX_ORBIT_IMAGES}")
            image = relabeling(generator, shape, f"{where}[{k}]")
            if {image[j]: c for j, c in coefficients.items()} != coefficients:
                raise NotProven(f"{where}[{k}]: does not map every coefficient of C to an equal one")
            cache[key] = image
        if fixed is not None and cache[key][fixed] != fixed:
            raise NotProven(f"{where}[{k}]: does not fix the target {pair_key(fixed, shape)}")
        images.append(key)
    return orbit_labels([cache[key] for key in dict.fromkeys(images)], size)  # a repeated entry adds nothing


def check_expression_reduced(document, where):
    """Check a ``certify/expression-reduced`` file (an N-party family member): the
    local bound, the no-signalling optimum and v_t(0) of one representative per orbit
    of pairs, by dual certificates checked on orbit sums (:func:`check_orbit_inequality`
    with orbits) and orbit-constant witness boxes. Returns the statement."""
    keys = ("format", "version", "scenario", "expression", "penalty", "symmetry", "local_bound", "ns_optimum",
            "representatives", "is_bell_inequality", "max_output_probability_at_ns_optimum")
    values, shape, penalty, sign, offset, identity = check_expression_header(document, where, keys)
    symmetry, local, optimum, representatives, is_bell, best = values[5:]
    size, coefficients, cache = size_of(shape), penalty[1], {}
    lists = [symmetry] + [entry.get("stabiliser") for entry in [optimum] + (
        representatives if isinstance(representatives, list) else []) if isinstance(entry, dict)]
    entries = sum(len(generators) for generators in lists if isinstance(generators, list))
    if entries * size > MAX_ORBIT_WORK:  # counted again, list by list, by group_orbits
        raise Malformed(f"{where}: $: orbit labelling of this file needs {entries * size} steps ({entries} "
                        f"generator-list entries x {size} probabilities), more than the checker's limit "
                        f"{MAX_ORBIT_WORK}")
    local_value = check_local_bound(local, shape, penalty, sign, f"{where}: $.local_bound")
    at = f"{where}: $.ns_optimum"
    value, stabiliser, certificate = fields(optimum, at, ("value", "stabiliser", "certificate"))
    if fraction(value, at + ".value") != sign * offset:
        raise NotProven(f"{at}.value: must equal sign * offset = {sign * offset}")
    labels = group_orbits(stabiliser, shape, coefficients, at + ".stabiliser", cache)
    bound = check_orbit_inequality(certificate, Fraction(1), None, at + ".certificate", shape, penalty, labels)
    if bound != -offset:
        raise NotProven(f"{at}.certificate: proves C.P >= {-bound}, not the offset {offset}")
    entries = array(representatives, f"{where}: $.representatives", 1, size)
    if len(entries) * size > MAX_REDUCED_WORK:  # each representative costs work proportional to size
        raise Malformed(f"{where}: $.representatives: {len(entries)} representatives of {size} probabilities "
                        f"each exceed the checker's limit of {MAX_REDUCED_WORK} (representatives x probabilities)")
    proven, previous = {}, -1
    for k, entry in enumerate(entries):
        at = f"{where}: $.representatives[{k}]"
        pair, value, stabiliser, slope, certificate, witness = fields(
            entry, at, ("pair", "value", "stabiliser", "slope", "certificate", "witness"))
        target = pair_index(pair, shape, at + ".pair")
        if target <= previous:
            raise Malformed(f"{at}.pair: representatives must be listed in increasing canonical order")
        previous = target
        value, slope = fraction(value, at + ".value"), fraction(slope, at + ".slope")
        if slope < 0:
            raise Malformed(f"{at}.slope: expected a rational >= 0, found {slope}")
        labels = group_orbits(stabiliser, shape, coefficients, at + ".stabiliser", cache, target)
        bound = check_orbit_inequality(certificate, slope, target, at + ".certificate", shape, penalty, labels)
        if bound + slope * offset != value:
            raise NotProven(f"{at}: bound {bound} + slope {slope} * offset {offset} is not the value {value}")
        d, w = sparse(witness, size, at + ".witness")
        off_minimum = next((j for j in w if labels[j] != j), None)
        if off_minimum is not None:
            raise Malformed(f"{at}.witness: index {off_minimum} is not the smallest of its orbit "
                            f"({labels[off_minimum]} is)")
        expanded = {j: w[label] for j, label in enumerate(labels) if label in w}
        attained, penalty_value = check_scaled_box(d, expanded, target, at + ".witness", shape, penalty)
        if attained != value or penalty_value > offset:
            raise NotProven(f"{at}.witness: W* = {attained} and C.W = {penalty_value}; needs {value} and "
                            f"at most the offset {offset}")
        proven[target] = value
    pair_orbits = group_orbits(symmetry, shape, coefficients, f"{where}: $.symmetry", cache)
    seen = {}
    for target in proven:
        if pair_orbits[target] in seen:
            raise Malformed(f"{where}: $.representatives: {pair_key(seen[pair_orbits[target]], shape)} and "
                            f"{pair_key(target, shape)} lie in one orbit of pairs")
        seen[pair_orbits[target]] = target
    uncovered = sorted(set(pair_orbits) - set(seen))
    if uncovered:
        raise NotProven(f"{where}: $.representatives: {len(uncovered)} orbits of pairs have no representative, "
                        f"e.g. the orbit of {pair_key(uncovered[0], shape)}")
    check_bell_flag(is_bell, local_value, sign * offset, f"{where}: $.is_bell_inequality")
    at = f"{where}: $.max_output_probability_at_ns_optimum"
    best_value, best_pair = fields(best, at, ("value", "pair"))
    best_value, best_index = fraction(best_value, at + ".value"), pair_index(best_pair, shape, at + ".pair")
    if best_value != max(proven.values()) or proven.get(best_index) != best_value:
        raise NotProven(f"{at}: the representatives give the maximum {max(proven.values())}; "
                        f"the file states {best_value} at {best_pair}")
    return {"format": "certify/expression-reduced", "expression": identity, "name": values[3]["name"], "penalty": (sign, offset),
            "shape": shape, "local_bound": local_value, "ns_optimum": sign * offset,
            "max_output": (best_value, best_index), "values": proven, "pair_orbits": len(seen)}


def check_expression_coverage(statements, present, where="folder"):
    """An expression folder proves v for every pair: every statement speaks of one
    expression and penalty; each pair has a proven ``u<setting>-x<outcome>.json`` or
    is mapped by ``symmetry.json`` from a representative that has one; ``bounds.json``
    is proven and its maximum of v(0) over the pairs is right.

    ``statements`` maps file names to the statements of files that passed;
    ``present`` holds every expression file name of the folder."""
    if len({s["expression"] for s in statements.values()}) != 1 or len(
            {s["penalty"] for s in statements.values() if "penalty" in s}) > 1:
        raise NotProven(f"{where}: the documents do not all speak of one expression and penalty form")
    by_kind = {}
    for name, statement in statements.items():
        by_kind.setdefault(statement["format"], {})[name] = statement
    shape = next(iter(statements.values()))["shape"]
    first_value = {}
    for name, statement in by_kind.get("certify/expression-bound", {}).items():
        if name != f"u{statement['setting']}-x{statement['outcome']}.json":
            raise NotProven(f"{where}: file {name} proves the pair {statement['setting']}|{statement['outcome']}; "
                            f"its name must match its target")
        first_value[statement["index"]] = statement["breakpoints"][0][1]
    symmetry = [s for n, s in by_kind.get("certify/expression-symmetry", {}).items() if n == "symmetry.json"]
    if symmetry:
        for j, start in symmetry[0]["representative"].items():
            if j not in first_value and start in first_value:
                first_value[j] = first_value[start]
    missing = [pair_key(j, shape) for j in range(size_of(shape)) if j not in first_value]
    if missing:
        raise NotProven(f"{where}: {size_of(shape) - len(missing)} of {size_of(shape)} pairs proven (by their "
                        f"document or by symmetry.json); not proven: {missing[:4] + ['...'] * (len(missing) > 4)}"
                        f"; unproven files: {sorted(present - set(statements))[:4]}")
    bounds = by_kind.get("certify/expression-bounds", {}).get("bounds.json")
    if bounds is None:
        raise NotProven(f"{where}: no proven bounds.json")
    value, index = bounds["max_output"]
    if max(first_value.values()) != value or first_value[index] != value:
        raise NotProven(f"{where}bounds.json: maximum output probability {value} at {pair_key(index, shape)}; "
                        f"the pair documents give {max(first_value.values())}, and v(0) = {first_value[index]} "
                        f"at that pair")
