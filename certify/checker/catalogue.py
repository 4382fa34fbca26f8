"""Checking the facet catalogue: one class document, and a scenario folder's index.

Standard library only, like :mod:`certify.checker.core`, whose parsing and
expression-bound checks it reuses. A ``certify/catalogue-class`` document states,
for one class of facets of the local polytope of a scenario:

* the representative ``C.P >= b`` is a **facet**: ``b`` is the minimum of ``C.P``
  over every deterministic box (the enumeration of the embedded bounds
  document), ``C`` is orthogonal to every normalisation and no-signalling row and
  non-zero (so ``C.P`` is not constant on the affine hull), and the listed tight
  strategies are ``D`` deterministic boxes with ``C.P = b`` whose differences have
  rank ``D - 1``, where ``D`` is the rank of the differences of all deterministic
  boxes (the dimension of the local polytope), computed exactly;
* ``C`` is the **canonical form** of its class: the lexicographically least image
  of itself under every relabelling of the scenario (re-enumerated here), with
  ``orbit_size = |G| / |stabiliser|`` facets in the class;
* the **bounds** (local bound, no-signalling optimum, Bell flag) by
  :func:`certify.checker.core.check_expression_bounds`, and, for every orbit of
  pairs under the stabiliser, ``v(0) = max P(x*|u*)`` over no-signalling boxes at
  the optimum (a dual certificate by :func:`~certify.checker.core.check_inequality`
  and a witness box by :func:`~certify.checker.core.check_box`); their maximum
  and the least pair attaining it are ``max_output_probability_at_ns_optimum``.

A ``certify/catalogue-index`` lists a scenario's class files with their orbit
sizes and the facet count; :func:`check_catalogue_folder` checks that every listed
class is present and proven, numbered in order, distinct, that the orbit sizes add
up to the count, and that the first class is positivity. No small certificate
proves a facet list complete: the count is cross-checked when it is built.
"""

from itertools import permutations, product
from math import factorial, gcd

from certify.checker.core import (Malformed, NotProven, array, check_box, check_inequality, fields, fraction,
                                  integer, pair_index, size_of, system)
from certify.checker.expressions import (check_expression_bounds, check_expression_header, orbit_labels, pair_key,
                                         relabeling)

__all__ = ["CLASS_FORMAT", "INDEX_FORMAT", "VERSIONS", "check_catalogue_class", "check_catalogue_index",
           "check_catalogue_folder", "MAX_GROUP_WORK"]

CLASS_FORMAT, INDEX_FORMAT = "certify/catalogue-class", "certify/catalogue-index"
VERSIONS = {CLASS_FORMAT: 1, INDEX_FORMAT: 1}
MAX_GROUP_WORK = 4_000_000  # relabellings times probabilities
MAX_BOXES = 4096  # deterministic boxes whose rank is computed


def _rank(vectors):
    """Exact rank of integer vectors (fraction-free elimination)."""
    rows = [list(v) for v in vectors if any(v)]
    rank = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        top = rows[rank]
        for r in range(rank + 1, len(rows)):
            factor = rows[r][column]
            if factor:
                row = [top[column] * a - factor * b for a, b in zip(rows[r], top)]
                divisor = 0
                for a in row:
                    divisor = gcd(divisor, a)
                rows[r] = [a // divisor for a in row] if divisor > 1 else row
        rank += 1
    return rank


def _box(shape, strategy):
    """Indices where the deterministic box of ``strategy`` is 1."""
    settings, outcomes = shape
    ones = []
    for u in product(*map(range, settings)):
        ones.append(pair_index("".join(map(str, u)) + "|" + "".join(str(strategy[i][u[i]])
                                                                    for i in range(len(u))), shape, "strategy"))
    return ones


def _strategies(shape):
    settings, outcomes = shape
    return product(*(product(range(d), repeat=m) for m, d in zip(settings, outcomes)))


_GROUPS = {}  # shape -> the index images of its relabellings (one scenario kept)


def _group(shape, where):
    """Index images of every relabelling (parties of equal shape, settings, outcomes per setting)."""
    settings, outcomes = shape
    n, size = len(settings), size_of(shape)
    party_maps = [list(p) for p in permutations(range(n))
                  if all((settings[p[i]], outcomes[p[i]]) == (settings[i], outcomes[i]) for i in range(n))]
    order = len(party_maps)
    for m, d in zip(settings, outcomes):
        order *= factorial(m) * factorial(d) ** m
    if order * size > MAX_GROUP_WORK:  # decided before any relabelling is listed
        raise Malformed(f"{where}: {order} relabellings of {size} probabilities exceed the checker's limit "
                        f"{MAX_GROUP_WORK}")
    setting_maps = list(product(*(permutations(range(m)) for m in settings)))
    outcome_maps = list(product(*(product(*([list(permutations(range(d)))] * m))
                                  for m, d in zip(settings, outcomes))))
    if shape not in _GROUPS:  # the same for every class of a scenario: listed once per process
        _GROUPS.clear()
        _GROUPS[shape] = [relabeling({"parties": p, "settings": [list(s) for s in sigma],
                                      "outcomes": [[list(t) for t in per] for per in tau]}, shape, where)
                          for p in party_maps for sigma in setting_maps for tau in outcome_maps]
    return _GROUPS[shape]


def _dimension(shape, where):
    """Rank of the differences of all deterministic boxes (the local polytope's dimension)."""
    size = size_of(shape)
    boxes = []
    for strategy in _strategies(shape):
        if len(boxes) >= MAX_BOXES:
            raise Malformed(f"{where}: more than {MAX_BOXES} deterministic boxes")
        dense = [0] * size
        for j in _box(shape, strategy):
            dense[j] = 1
        boxes.append(dense)
    return _rank([[a - b for a, b in zip(box, boxes[0])] for box in boxes[1:]])


def _parse_strategy(text, shape, where):
    settings, outcomes = shape
    if not isinstance(text, list) or len(text) != len(settings):
        raise Malformed(f"{where}: expected one outcome string per party")
    strategy = []
    for i, (m, d) in enumerate(zip(settings, outcomes)):
        digits = text[i]
        if not (isinstance(digits, str) and len(digits) == m and all(c in "0123456789"[:d] for c in digits)):
            raise Malformed(f"{where}[{i}]: expected {m} outcome digits below {d}")
        strategy.append(tuple(map(int, digits)))
    return strategy


def check_facet_property(shape, coefficients, bound, tight_text, where):
    """The listed strategies are ``D`` deterministic boxes with ``C.P = bound`` whose differences
    have rank ``D - 1``, ``D`` the rank of the differences of all deterministic boxes.

    >>> chsh_positivity = {0: 1}  # P(00|00) >= 0, not in normal form but a facet all the same
    >>> tight = [["10", "00"], ["10", "01"], ["10", "10"], ["11", "00"], ["11", "11"], ["00", "10"],
    ...          ["01", "10"], ["00", "11"]]
    >>> check_facet_property(((2, 2), (2, 2)), chsh_positivity, 0, tight, "$")
    >>> check_facet_property(((2, 2), (2, 2)), {0: 1, 6: 1}, 0, tight, "$")
    Traceback (most recent call last):
    ...
    certify.checker.core.NotProven: $[0]: C.P = 1, not the bound 0
    """
    size = size_of(shape)
    dimension = _dimension(shape, where)
    tight = []
    for k, text in enumerate(array(tight_text, where, dimension, dimension)):
        strategy = _parse_strategy(text, shape, f"{where}[{k}]")
        ones = _box(shape, strategy)
        value = sum(coefficients.get(j, 0) for j in ones)
        if value != bound:
            raise NotProven(f"{where}[{k}]: C.P = {value}, not the bound {bound}")
        dense = [0] * size
        for j in ones:
            dense[j] = 1
        tight.append(dense)
    rank = _rank([[a - b for a, b in zip(box, tight[0])] for box in tight[1:]])
    if rank != dimension - 1:
        raise NotProven(f"{where}: the differences of these boxes have rank {rank}, a facet needs "
                        f"{dimension - 1} (dimension {dimension})")


def check_catalogue_class(document, where):
    """Check a ``certify/catalogue-class`` document; return its statement."""
    keys = ("format", "version", "scenario", "expression", "class", "facet", "bounds", "pairs",
            "max_output_probability_at_ns_optimum", "lemma11_property")
    values, shape, penalty, sign, _, identity = check_expression_header(document, where, keys)
    scale, coefficients = penalty
    size = size_of(shape)
    if sign != 1 or scale != 1:
        raise Malformed(f"{where}: $.expression: a facet is written 'minimise' with integer coefficients")
    bounds_document = values[6]
    if not isinstance(bounds_document, dict) or bounds_document.get("format") != "certify/expression-bounds" \
            or bounds_document.get("version") != 1:
        raise Malformed(f"{where}: $.bounds: expected a certify/expression-bounds version 1 document")
    if bounds_document.get("scenario") != values[2] or bounds_document.get("expression") != values[3]:
        raise Malformed(f"{where}: $.bounds: scenario and expression must equal the document's")
    bounds = check_expression_bounds(bounds_document, f"{where}: $.bounds")
    offset = bounds["penalty"][1]
    # normal form: orthogonal to every normalisation and no-signalling row, non-zero
    rows, _, _ = system(shape)
    for r, row in enumerate(rows):
        if sum(a * coefficients.get(column, 0) for column, a in row):
            raise NotProven(f"{where}: $.expression: not orthogonal to row {r} of the normalisation and "
                            f"no-signalling rows (not in normal form)")
    if not coefficients:
        raise NotProven(f"{where}: $.expression: the zero functional is no facet")
    # facet: valid (the local bound), tight on an affinely independent set of D boxes
    bound_text, tight_text = fields(values[5], f"{where}: $.facet", ("bound", "tight_strategies"))
    bound = fraction(bound_text, f"{where}: $.facet.bound")
    if bound != bounds["local_bound"]:
        raise NotProven(f"{where}: $.facet.bound: {bound} is not the local bound {bounds['local_bound']}")
    check_facet_property(shape, coefficients, bound, tight_text, f"{where}: $.facet.tight_strategies")
    # canonical form and orbit
    number, orbit_size, order, spec = fields(values[4], f"{where}: $.class",
                                             ("number", "orbit_size", "group_order", "scenario"))
    group = _group(shape, f"{where}: $.scenario")
    dense = tuple(coefficients.get(j, 0) for j in range(size))
    stabiliser = []
    for g in group:
        image = [0] * size
        for j, c in enumerate(dense):
            image[g[j]] = c
        image = tuple(image)
        if image < dense:
            raise NotProven(f"{where}: $.expression: a relabelling gives a lexicographically smaller "
                            f"coefficient vector (not the canonical form of its class)")
        if image == dense:
            stabiliser.append(g)
    if integer(order, f"{where}: $.class.group_order", 1, 10 ** 9) != len(group) or \
            integer(orbit_size, f"{where}: $.class.orbit_size", 1, 10 ** 9) != len(group) // len(stabiliser):
        raise NotProven(f"{where}: $.class: {len(group)} relabellings, stabiliser of order {len(stabiliser)}: "
                        f"orbit size {len(group) // len(stabiliser)}, the file states {orbit_size} of {order}")
    integer(number, f"{where}: $.class.number", 1, 10 ** 6)
    # v(0) for every orbit of pairs under the stabiliser
    orbits = {}
    for j, label in enumerate(orbit_labels(stabiliser, size)):
        orbits.setdefault(label, []).append(j)
    representatives = sorted(orbits)
    entries = array(values[7], f"{where}: $.pairs", len(representatives), len(representatives))
    best, best_pair = None, None
    for k, (entry, representative) in enumerate(zip(entries, representatives)):
        at = f"{where}: $.pairs[{k}]"
        pair, orbit, value, slope, certificate, witness = fields(
            entry, at, ("pair", "orbit_size", "value", "slope", "certificate", "witness"))
        if pair != pair_key(representative, shape) or orbit != len(orbits[representative]):
            raise Malformed(f"{at}: expected pair {pair_key(representative, shape)!r} with orbit size "
                            f"{len(orbits[representative])} (one entry per orbit, least member, in order)")
        value, slope = fraction(value, at + ".value"), fraction(slope, at + ".slope")
        if slope < 0:
            raise Malformed(f"{at}.slope: must be >= 0")
        upper = check_inequality(certificate, slope, representative, at + ".certificate", shape, penalty)
        if upper + slope * offset != value:
            raise NotProven(f"{at}: the certificate bounds P by {upper + slope * offset} at the optimum, "
                            f"not by {value}")
        attained, penalty_value = check_box(witness, representative, at + ".witness", shape, penalty)
        if penalty_value != offset or attained != value:
            raise NotProven(f"{at}.witness: C.W = {penalty_value} (needs {offset}), W* = {attained} "
                            f"(needs {value})")
        if best is None or value > best:
            best, best_pair = value, min(orbits[representative])
        elif value == best:
            best_pair = min(best_pair, min(orbits[representative]))
    if bounds["max_output"] != (best, best_pair) or values[8] != bounds_document.get(
            "max_output_probability_at_ns_optimum"):
        raise NotProven(f"{where}: $.max_output_probability_at_ns_optimum: the pairs give {best} at "
                        f"{pair_key(best_pair, shape)}; the file states {bounds['max_output']}")
    if values[9] is not (best < 1):
        raise NotProven(f"{where}: $.lemma11_property: max output probability {best} says {best < 1}")
    return {"format": CLASS_FORMAT, "expression": identity, "shape": shape, "spec": spec, "number": number,
            "orbit_size": orbit_size, "canonical": dense, "bound": bound, "ns_optimum": bounds["ns_optimum"],
            "max_output": best, "positivity": _is_positivity(shape, dense, bound)}


def _is_positivity(shape, dense, bound):
    """Whether ``C.P - b`` equals ``lambda P_j`` on every deterministic box for some j, lambda > 0."""
    values, boxes = [], []
    for strategy in _strategies(shape):
        ones = _box(shape, strategy)
        values.append(sum(dense[j] for j in ones) - bound)
        boxes.append(set(ones))
    scale = max(values)
    if any(v not in (0, scale) for v in values):
        return False
    return any(all((j in ones) == (v == scale) for ones, v in zip(boxes, values)) for j in range(size_of(shape)))


def check_catalogue_index(document, where):
    """Check the form of a ``certify/catalogue-index``; its claims are checked with the folder."""
    _, _, scenario, spec, facets, classes, cross_check = fields(
        document, f"{where}: $", ("format", "version", "scenario", "spec", "facets", "classes", "cross_check"))
    parties, settings, outcomes = fields(scenario, f"{where}: $.scenario", ("parties", "settings", "outcomes"))
    integer(parties, f"{where}: $.scenario.parties", 1, 8)
    shape = tuple(tuple(integer(c, f"{where}: $.scenario.{key}[{k}]", 1, 10)
                        for k, c in enumerate(array(counts, f"{where}: $.scenario.{key}", parties, parties)))
                  for key, counts in (("settings", settings), ("outcomes", outcomes)))
    integer(facets, f"{where}: $.facets", 1, 10 ** 9)
    listed = []
    for k, entry in enumerate(array(classes, f"{where}: $.classes", 1, 10 ** 5)):
        name, orbit = fields(entry, f"{where}: $.classes[{k}]", ("file", "orbit_size"))
        if name != f"class-{k + 1:02d}.json":
            raise Malformed(f"{where}: $.classes[{k}].file: expected 'class-{k + 1:02d}.json', found {name!r}")
        listed.append((name, integer(orbit, f"{where}: $.classes[{k}].orbit_size", 1, 10 ** 9)))
    if sum(orbit for _, orbit in listed) != facets:
        raise NotProven(f"{where}: $.facets: {facets}, but the orbit sizes add up to "
                        f"{sum(orbit for _, orbit in listed)}")
    if not isinstance(cross_check, dict) or not isinstance(spec, str):
        raise Malformed(f"{where}: $.cross_check: expected an object, $.spec a string")
    return {"format": INDEX_FORMAT, "shape": shape, "spec": spec, "facets": facets, "classes": listed}


def check_catalogue_folder(statements, present, where):
    """Coverage of one scenario folder: ``statements`` maps file names to the statements of
    the proven catalogue files, ``present`` names every catalogue file found."""
    index = statements.get("index.json")
    if index is None:
        raise NotProven(f"{where}: no proven index.json")
    listed = {name for name, _ in index["classes"]}
    if present - listed - {"index.json"}:
        raise Malformed(f"{where}: class files not in the index: {sorted(present - listed - {'index.json'})[:4]}")
    seen = set()
    for number, (name, orbit) in enumerate(index["classes"], start=1):
        statement = statements.get(name)
        if statement is None:
            raise NotProven(f"{where}{name}: listed in index.json but missing or not proven")
        if (statement["number"], statement["orbit_size"], statement["spec"], statement["shape"]) != (
                number, orbit, index["spec"], index["shape"]):
            raise NotProven(f"{where}{name}: number, orbit size or scenario differ from index.json")
        if statement["canonical"] in seen:
            raise NotProven(f"{where}{name}: the same class as an earlier file")
        seen.add(statement["canonical"])
    if not statements[index["classes"][0][0]]["positivity"]:
        raise NotProven(f"{where}class-01.json: the first class must be positivity")
    return index
