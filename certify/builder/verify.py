"""The builder's exact verifier: every document is checked here before it is written.

One module holds every builder-side check, for every document kind of
``docs/certificate-format.md`` (:func:`verify_document` dispatches on
``"format"``):

* ``certify/output-bound`` (Lemma 11, :func:`verify_lemma11_document`): the
  paper's claim ``P_t <= 1/3 + (2/3) B.P`` (eq. (42)) through multipliers y
  with ``s = A^T y - (e_t - (2/3) B) >= 0`` and ``bound = sum of y over the
  normalisation rows <= 1/3``, a box attaining the bound, and the exact value
  function ``v(b) = max P_t`` subject to ``B.P <= b``;
* ``certify/expression-bound``, ``-bounds`` and ``-symmetry`` (any Bell
  expression, in penalty form ``C = sign B``, penalty value ``C.P - offset``);
* ``certify/expression-reduced`` (the N-party families: dual certificates
  checked on orbit sums of a stabiliser group, orbit-constant witnesses).

The building blocks are public and shared by every builder:
:func:`check_inequality`, :func:`check_box`, :func:`check_value_function`,
:func:`check_point` (one exact optimum with its dual line and witness box),
:func:`check_reduced_inequality` and :func:`check_representative`.
Malformed content raises :class:`~certify.errors.InputError` (exit 2); a
claim that does not hold raises :class:`~certify.errors.ClaimNotProven`
(exit 1). Messages name the JSON path. This verifier shares no code with the
trusted checker (:mod:`certify.checker`), which decides the stored files
independently; each serves as the other's reference in the fuzz tests.
Arithmetic is on Python integers (each vector scaled to one denominator) and
``Fraction``; no float is involved.

>>> from certify.lp.expression import paper_bell_expression
>>> expression = paper_bell_expression()
>>> system = system_of(expression.scenario)
>>> uniform = [[j, "1/16"] for j in range(256)]
>>> box = check_box(system, uniform, "$.witness")
>>> box_entry(box, 0), bell_value_of_parts(bell_integers(expression.dense()), box)
(Fraction(1, 16), Fraction(4, 1))
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from math import gcd, lcm

import numpy as np

from certify.builder import parallel
from certify.builder.jsonio import expression_json
from certify.errors import ClaimNotProven, InputError
from certify.lp.expression import BellExpression, paper_bell_expression, penalty_form
from certify.lp.local_bound import deterministic_box_value, local_bound
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.reduced import orbit_labels
from certify.lp.scenario import Scenario
from certify.lp.symmetry import relabeling_image
from certify.numbers import MAX_DIGITS, parse_exact

__all__ = [
    "LEMMA11_FORMAT", "PAIR_FORMAT", "BOUNDS_FORMAT", "SYMMETRY_FORMAT", "REDUCED_FORMAT", "VERSION", "PAIR_VERSION",
    "PAPER_CONSTANT", "PAPER_SLOPE", "BUILTIN_EXPRESSIONS",
    "verify_document", "verify_lemma11_document", "verify_bounds_document", "verify_expression_document",
    "verify_symmetry_document", "verify_family_document",
    "check_inequality", "check_box", "check_value_function", "check_point", "check_reduced_inequality",
    "check_representative", "invariant_images", "group_orbits", "system_of", "bell_integers",
    "bell_value_of_parts", "box_entry", "require", "expect_object", "exact",
]

LEMMA11_FORMAT = "certify/output-bound"
PAIR_FORMAT = "certify/expression-bound"
BOUNDS_FORMAT = "certify/expression-bounds"
SYMMETRY_FORMAT = "certify/expression-symmetry"
REDUCED_FORMAT = "certify/expression-reduced"
VERSION = 1
PAIR_VERSION = 2  # version 2 carries the proof of its offset (the no-signalling optimum)
PAPER_CONSTANT = Fraction(1, 3)
PAPER_SLOPE = Fraction(2, 3)
BUILTIN_EXPRESSIONS = {"paper": paper_bell_expression}
"""Expressions a Lemma-11 document may name (the name fixes the coefficients)."""

_CANONICAL = re.compile(r"(0|-?[1-9][0-9]*)(/[1-9][0-9]*)?")


# -- structure -------------------------------------------------------------------------------

def require(condition: bool, message: str) -> None:
    """Raise :class:`InputError` with ``message`` unless ``condition``."""
    if not condition:
        raise InputError(message)


def expect_object(value, where: str, keys: set[str]) -> dict:
    """``value`` as an object with exactly ``keys``."""
    require(isinstance(value, dict), f"{where}: expected an object, got {type(value).__name__}")
    require(set(value) == keys, f"{where}: expected exactly the keys {sorted(keys)}, got {sorted(value)}")
    return value


def _integer(value, where: str) -> int:
    require(isinstance(value, int) and not isinstance(value, bool), f"{where}: expected an integer, got {value!r}")
    return value


def exact(text, where: str) -> Fraction:
    """A canonical rational string of a file (:func:`certify.numbers.parse_exact`, canonical mode)."""
    return parse_exact(text, where, canonical=True)


def _header(document, keys: set[str], format_name: str) -> dict:
    document = expect_object(document, "$", keys)
    require(document["format"] == format_name, f"$.format: expected {format_name!r}, got {document['format']!r}")
    version = PAIR_VERSION if format_name == PAIR_FORMAT else VERSION
    require(type(document["version"]) is int and document["version"] == version,
            f"$.version: expected {version}, got {document['version']!r}")
    return document


def check_scenario(spec) -> Scenario:
    """The scenario of ``$.scenario``: 1..8 parties, 1..10 settings and outcomes each, <= 65,536 probabilities."""
    spec = expect_object(spec, "$.scenario", {"parties", "settings", "outcomes"})
    parties = _integer(spec["parties"], "$.scenario.parties")
    require(1 <= parties <= 8, "$.scenario.parties: expected 1..8")
    for key in ("settings", "outcomes"):
        require(isinstance(spec[key], list) and len(spec[key]) == parties,
                f"$.scenario.{key}: expected a list of {parties} integers")
        for k, count in enumerate(spec[key]):
            require(_integer(count, f"$.scenario.{key}[{k}]") in range(1, 11), f"$.scenario.{key}[{k}]: expected 1..10")
    scenario = Scenario(tuple(spec["settings"]), tuple(spec["outcomes"]))
    require(scenario.num_probabilities <= 65_536, "$.scenario: more than 65536 probabilities")
    return scenario


def check_target(value, scenario: Scenario) -> int:
    """The target index of ``{"setting", "outcome", "index"}``, all three consistent."""
    target_spec = expect_object(value, "$.target", {"setting", "outcome", "index"})
    try:
        target = scenario.index(scenario.parse_setting(target_spec["setting"]),
                                scenario.parse_outcome(target_spec["outcome"]))
    except ValueError as error:
        raise InputError(f"$.target: {error}") from None
    require(_integer(target_spec["index"], "$.target.index") == target,
            f"$.target.index: expected {target} for this setting and outcome")
    return target


def _pair_index(scenario: Scenario, key, where: str) -> int:
    try:
        return scenario.index_of_key(key)
    except ValueError as error:
        raise InputError(f"{where}: {error}") from None


# -- exact vectors ---------------------------------------------------------------------------

def sparse_parts(value, size: int, where: str) -> dict[int, tuple[int, int]]:
    """Sparse vector as index -> (numerator, denominator), fully validated.

    (Messages naming an entry are built only when that entry is rejected.)
    """
    require(isinstance(value, list), f"{where}: expected a list of [index, \"rational\"] pairs")
    out: dict[int, tuple[int, int]] = {}
    previous = -1
    fullmatch = _CANONICAL.fullmatch
    limit = 2 * MAX_DIGITS + 2
    for k, entry in enumerate(value):
        if not (type(entry) is list and len(entry) == 2):
            raise InputError(f"{where}[{k}]: expected [index, \"rational\"]")
        index, text = entry
        if not (type(index) is int and previous < index < size):
            raise InputError(f"{where}[{k}][0]: expected an increasing index in 0..{size - 1}, got {index!r}")
        parts = None
        if type(text) is str and len(text) <= limit and fullmatch(text):
            # Fast path for a valid non-zero entry; anything else goes through
            # the package's parser for the same message.
            if "/" in text:
                numerator_text, denominator_text = text.split("/")
                numerator, denominator = int(numerator_text), int(denominator_text)
                if denominator != 1 and numerator != 0 and gcd(numerator, denominator) == 1:
                    parts = (numerator, denominator)
            elif text != "0":
                parts = (int(text), 1)
        if parts is None:
            number = exact(text, f"{where}[{k}][1]")
            if number == 0:
                raise InputError(f"{where}[{k}][1]: zero entries are not stored")
            parts = (number.numerator, number.denominator)
        out[index] = parts
        previous = index
    return out


def sparse_fractions(value, size: int, where: str) -> dict[int, Fraction]:
    """A sparse vector of a file as index -> Fraction (validated)."""
    return {j: Fraction(p, q) for j, (p, q) in sparse_parts(value, size, where).items()}


def scaled(entries: dict[int, tuple[int, int]]) -> tuple[dict[int, int], int]:
    """Integer numerators over the least common denominator (exact, fast)."""
    denominator = lcm(*(q for _, q in entries.values())) if entries else 1
    return {j: p * (denominator // q) for j, (p, q) in entries.items()}, denominator


def bell_integers(bell) -> tuple[dict[int, int], int]:
    """B (dense, or a ``{index: value}`` map) as integer numerators over their least common denominator."""
    items = bell.items() if isinstance(bell, dict) else enumerate(bell)
    return scaled({j: (b.numerator, b.denominator) for j, b in items if b})


def box_entry(parts: dict[int, tuple[int, int]], j: int) -> Fraction:
    """Entry ``j`` of a checked box."""
    p, q = parts.get(j, (0, 1))
    return Fraction(p, q)


def bell_value_of_parts(integers: tuple[dict[int, int], int], parts: dict[int, tuple[int, int]]) -> Fraction:
    """Exact ``B.P`` for a checked box (integers, one division at the end)."""
    bell_numerators, bell_denominator = integers
    numerators, denominator = scaled(parts)
    total = sum(b * numerators[j] for j, b in bell_numerators.items() if j in numerators)
    return Fraction(total, bell_denominator * denominator)


# -- the no-signalling polytope -----------------------------------------------------------------

@lru_cache(maxsize=8)
def system_of(scenario: Scenario) -> NoSignallingSystem:
    """The normalisation and no-signalling rows of a scenario (cached)."""
    return NoSignallingSystem.build(scenario)


@lru_cache(maxsize=8)
def _rows_by_column(scenario: Scenario) -> tuple[tuple[tuple[int, int], ...], ...]:
    """For each probability j, the ``(row, coefficient)`` pairs of the rows that contain it."""
    system = system_of(scenario)
    columns: list[list[tuple[int, int]]] = [[] for _ in range(system.scenario.num_probabilities)]
    for r, row in enumerate(system.rows):
        for j, a in row:
            columns[j].append((r, a))
    return tuple(tuple(column) for column in columns)


def check_box(system: NoSignallingSystem, value, where: str) -> dict[int, tuple[int, int]]:
    """A sparse box of a file, checked exactly to be a no-signalling box (non-negative,
    every normalisation and no-signalling row holds); returns its entries as
    index -> (numerator, denominator)."""
    size = system.scenario.num_probabilities
    parts = sparse_parts(value, size, where)
    if any(p < 0 for p, _ in parts.values()):
        raise ClaimNotProven(f"{where}: negative probability")
    numerators, denominator = scaled(parts)
    # Row totals accumulated over the support of the box (integers), then
    # compared row by row in row order.
    totals = [0] * len(system.rows)
    rows_by_column = _rows_by_column(system.scenario)
    for j, p in numerators.items():
        for r, a in rows_by_column[j]:
            totals[r] += a * p
    for r, (total, rhs) in enumerate(zip(totals, system.right_hand_sides)):
        if total != rhs * denominator:
            raise ClaimNotProven(f"{where}: row {system.names[r]} is violated by "
                                 f"{Fraction(total, denominator) - rhs}")
    return parts


def check_inequality(system: NoSignallingSystem, bell, target: int | None, slope: Fraction,
                     certificate, where: str, integers: tuple[dict[int, int], int] | None = None) -> Fraction:
    """Check multipliers exactly; returns the certified bound.

    The certificate ``{"bound", "multipliers"}`` proves ``P_t - slope * C.P <= bound``
    for every no-signalling box (``-slope * C.P <= bound`` with no target):
    ``A^T y >= e_t - slope * C`` componentwise and ``bound`` = y summed over the
    normalisation rows (right-hand side 1; the no-signalling rows have 0).
    ``integers`` (optional) is :func:`bell_integers` of ``bell``, passed in when the
    caller checks several inequalities of the same expression.
    """
    certificate = expect_object(certificate, where, {"bound", "multipliers"})
    bound = exact(certificate["bound"], f"{where}.bound")
    multipliers = sparse_parts(certificate["multipliers"], len(system.rows), f"{where}.multipliers")
    numerators, denominator = scaled(multipliers)
    combination = [0] * system.scenario.num_probabilities
    for r, y in numerators.items():
        for j, a in system.rows[r]:
            combination[j] += a * y
    # Objective e_t - slope * B over the integer scale q * d (slope = p/q,
    # B = b/d): check combination / denominator >= objective in integers.
    p, q = slope.numerator, slope.denominator
    bell_numerators, bell_denominator = integers if integers is not None else bell_integers(bell)
    scale = q * bell_denominator
    for j, value in enumerate(combination):
        objective = (scale if j == target else 0) - p * bell_numerators.get(j, 0)
        if value * scale < denominator * objective:
            raise ClaimNotProven(f"{where}: multiplier slack at probability {j} "
                                 f"({system.scenario.pair_key(j)}) is "
                                 f"{Fraction(value * scale - denominator * objective, denominator * scale)} < 0")
    normalisation = sum(y for r, y in numerators.items() if r < system.num_normalisation_rows)
    total = Fraction(normalisation, denominator)
    if total != bound:
        raise ClaimNotProven(f"{where}: multipliers give bound {total}, the file says {bound}")
    return bound


def check_value_function(system: NoSignallingSystem, bell, target: int, function,
                         offset: Fraction = Fraction(0), integers=None) -> tuple[list, list]:
    """The value-function conditions of the format spec, exactly, with penalty
    value ``C.P - offset`` (``offset = 0`` and ``C = B`` for Lemma 11); returns
    ``(breakpoints, pieces)``. Shared by every document kind that stores one."""
    integers = integers or bell_integers(bell)
    function = expect_object(function, "$.value_function", {"breakpoints", "pieces"})
    breakpoints, pieces = function["breakpoints"], function["pieces"]
    require(isinstance(breakpoints, list) and breakpoints, "$.value_function.breakpoints: expected a non-empty list")
    require(isinstance(pieces, list) and len(pieces) == len(breakpoints),
            "$.value_function.pieces: expected one piece per breakpoint")
    points = []
    for i, point in enumerate(breakpoints):
        where = f"$.value_function.breakpoints[{i}]"
        point = expect_object(point, where, {"bell_value", "value", "witness"})
        delta = exact(point["bell_value"], f"{where}.bell_value")
        value = exact(point["value"], f"{where}.value")
        require(delta == 0 if i == 0 else delta > points[-1][0], f"{where}.bell_value: must start at 0 and increase")
        box = check_box(system, point["witness"], f"{where}.witness")
        if bell_value_of_parts(integers, box) - offset > delta:
            raise ClaimNotProven(f"{where}.witness: Bell (penalty) value exceeds {delta}")
        if box_entry(box, target) != value:
            raise ClaimNotProven(f"{where}.witness: P(target) = {box_entry(box, target)}, not {value}")
        points.append((delta, value))
    lines = []
    for i, piece in enumerate(pieces):
        where = f"$.value_function.pieces[{i}]"
        piece = expect_object(piece, where, {"constant", "slope", "certificate"})
        a = exact(piece["constant"], f"{where}.constant")
        s = exact(piece["slope"], f"{where}.slope")
        require(s >= 0 and (not lines or s < lines[-1][1]), f"{where}.slope: slopes must be >= 0 and decrease")
        certified = check_inequality(system, bell, target, s, piece["certificate"], f"{where}.certificate", integers)
        if certified + s * offset != a:
            raise ClaimNotProven(f"{where}: certificate bound {certified} (+ slope * offset {offset}) "
                                 f"differs from the constant {a}")
        for delta, value in points[i:i + 2]:
            if a + s * delta != value:
                raise ClaimNotProven(f"{where}: line gives {a + s * delta} at {delta}, the witness {value}")
        lines.append((a, s))
    if lines[-1][1] != 0:
        raise ClaimNotProven("$.value_function.pieces[-1].slope: the last piece must be flat")
    return points, lines


def check_point(expression: BellExpression, target: int, bell_value: Fraction, value: Fraction,
                inequality: dict, witness: list, offset: Fraction = Fraction(0)) -> None:
    """Check ``value = max P_t`` subject to ``C.P - offset <= bell_value`` exactly.

    ``expression`` is C (the penalty form; B itself with ``offset = 0`` for
    Lemma 11). The inequality ``{"constant", "slope", "certificate"}`` bounds
    ``P_t <= constant + slope * (C.P - offset)`` for every no-signalling box (its
    certificate bound is ``constant - slope * offset``), which is ``value`` at
    ``bell_value``; the witness (a sparse box) is a no-signalling box with
    ``C.W - offset <= bell_value`` and ``W_t = value``.
    """
    system = system_of(expression.scenario)
    bell = expression.dense()
    constant = exact(inequality["constant"], "constant")
    slope = exact(inequality["slope"], "slope")
    if slope < 0:
        raise ClaimNotProven("slope must be non-negative for an upper bound under a Bell-value constraint")
    certified = check_inequality(system, bell, target, slope, inequality["certificate"], "certificate")
    if certified + slope * offset != constant or constant + slope * bell_value != value:
        raise ClaimNotProven(f"the certified line gives {certified + slope * offset + slope * bell_value}, "
                             f"not {value}")
    box = check_box(system, witness, "witness")
    if bell_value_of_parts(bell_integers(bell), box) - offset > bell_value or box_entry(box, target) != value:
        raise ClaimNotProven("the witness does not attain the value within the Bell constraint")


# -- symmetry ---------------------------------------------------------------------------------------

def invariant_images(scenario: Scenario, structures, where: str, coefficients: dict,
                     fixed: int | None = None) -> list[list[int]]:
    """Index maps of the relabelings ``structures`` (see
    :func:`certify.lp.symmetry.relabeling_image`), each checked exactly to map every
    coefficient to an equal one and, when ``fixed`` is given, to fix that index."""
    require(isinstance(structures, (list, tuple)), f"{where}: expected a list of relabelings")
    images = []
    for k, structure in enumerate(structures):
        try:
            image = relabeling_image(scenario, structure)
        except ValueError as error:
            raise InputError(f"{where}[{k}]: {error}") from None
        if {image[j]: v for j, v in coefficients.items()} != coefficients:
            raise ClaimNotProven(f"{where}[{k}]: does not map every coefficient to an equal one")
        if fixed is not None and image[fixed] != fixed:
            raise ClaimNotProven(f"{where}[{k}]: does not fix the target {scenario.pair_key(fixed)}")
        images.append(image)
    return images


def group_orbits(scenario: Scenario, structures, where: str, coefficients: dict,
                 fixed: int | None = None) -> np.ndarray:
    """Orbit labels under the relabelings ``structures``, each checked to keep C
    (and to fix ``fixed``)."""
    images = invariant_images(scenario, structures, where, coefficients, fixed)
    return orbit_labels(scenario.num_probabilities, [np.array(image, dtype=np.int64) for image in images])


def check_reduced_inequality(system: NoSignallingSystem, coefficients: dict, labels: np.ndarray,
                             target: int | None, slope: Fraction, certificate, where: str) -> Fraction:
    """Orbit sums of ``y.A_j - [j = t] + slope C_j`` are >= 0; returns the bound (exact)."""
    certificate = expect_object(certificate, where, {"bound", "multipliers"})
    bound = exact(certificate["bound"], f"{where}.bound")
    numerators, denominator = scaled(sparse_parts(certificate["multipliers"], len(system.rows),
                                                  f"{where}.multipliers"))
    # Everything over the integer scale denominator * q * (common denominator of C).
    c_numerators, c_denominator = bell_integers(coefficients)
    p, q = slope.numerator, slope.denominator
    sums: dict[int, int] = {}
    label_list = labels.tolist()
    for r, y in numerators.items():
        for j, a in system.rows[r]:
            label = label_list[j]
            sums[label] = sums.get(label, 0) + a * y * q * c_denominator
    for j, c in c_numerators.items():
        label = label_list[j]
        sums[label] = sums.get(label, 0) + denominator * p * c
    if target is not None:
        sums[target] = sums.get(target, 0) - denominator * q * c_denominator
    negative = [label for label, value in sums.items() if value < 0]
    if negative:
        raise ClaimNotProven(f"{where}: the orbit of {system.scenario.pair_key(min(negative))} has negative "
                             f"slack: the multipliers do not dominate the objective there")
    total = Fraction(sum(y for r, y in numerators.items() if r < system.num_normalisation_rows), denominator)
    if total != bound:
        raise ClaimNotProven(f"{where}: multipliers give bound {total}, the file says {bound}")
    return bound


def check_representative(system: NoSignallingSystem, coefficients: dict, rep, limit: Fraction, where: str) -> Fraction:
    """Exact check of one reduced certificate ``rep`` (as in the family documents):
    ``v_t(δ) = value`` where ``limit = offset + δ`` bounds C.P. Returns the value."""
    scenario = system.scenario
    rep = expect_object(rep, where, {"pair", "value", "stabiliser", "slope", "certificate", "witness"})
    target = _pair_index(scenario, rep["pair"], f"{where}.pair")
    labels = group_orbits(scenario, rep["stabiliser"], f"{where}.stabiliser", coefficients, target)
    slope = exact(rep["slope"], f"{where}.slope")
    value = exact(rep["value"], f"{where}.value")
    require(slope >= 0, f"{where}.slope: must be >= 0")
    bound = check_reduced_inequality(system, coefficients, labels, target, slope, rep["certificate"],
                                     f"{where}.certificate")
    if bound + slope * limit != value:
        raise ClaimNotProven(f"{where}: bound {bound} + slope * {limit} differs from the value {value}")
    witness = sparse_parts(rep["witness"], scenario.num_probabilities, f"{where}.witness")
    label_list = labels.tolist()
    require(all(label_list[j] == j for j in witness), f"{where}.witness: entries must sit at orbit minima")
    expanded = [[j, str(Fraction(*witness[label]))] for j, label in enumerate(label_list) if label in witness]
    parts = check_box(system, expanded, f"{where}.witness")
    attained = box_entry(parts, target)
    penalty_value = sum((box_entry(parts, j) * c for j, c in coefficients.items() if j in parts), Fraction(0))
    if attained != value or penalty_value > limit:
        raise ClaimNotProven(f"{where}.witness: W_t = {attained}, C.W = {penalty_value}; needs {value} and "
                             f"<= {limit}")
    return value


# -- documents ------------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _builtin_expression(name: str) -> BellExpression:
    return BUILTIN_EXPRESSIONS[name]()


def verify_lemma11_document(document, expected_expression: BellExpression | None = None) -> dict:
    """Exact check of one ``certify/output-bound`` document; returns a short summary."""
    document = _header(document, {"format", "version", "scenario", "expression", "target", "paper_claim",
                                  "value_function"}, LEMMA11_FORMAT)
    scenario = check_scenario(document["scenario"])
    expression_spec = expect_object(document["expression"], "$.expression", {"name", "direction", "coefficients"})
    name = expression_spec["name"]
    require(expression_spec["direction"] == "minimise", "$.expression.direction: expected 'minimise'")
    coefficients = sparse_fractions(expression_spec["coefficients"], scenario.num_probabilities,
                                    "$.expression.coefficients")
    if expected_expression is None:
        require(isinstance(name, str) and name in BUILTIN_EXPRESSIONS,
                f"$.expression.name: unknown built-in expression {name!r}")
        expected_expression = _builtin_expression(name)
    require(name == expected_expression.name, f"$.expression.name: expected {expected_expression.name!r}")
    require(scenario == expected_expression.scenario, "$.scenario: does not match the named expression")
    if coefficients != dict(expected_expression.coefficients):
        raise ClaimNotProven(f"$.expression.coefficients: differ from the built-in expression {name!r}")
    bell = expected_expression.dense()
    integers = bell_integers(bell)
    target = check_target(document["target"], scenario)
    system = system_of(scenario)

    claim = expect_object(document["paper_claim"], "$.paper_claim", {"constant", "slope", "certificate", "witness"})
    constant = exact(claim["constant"], "$.paper_claim.constant")
    slope = exact(claim["slope"], "$.paper_claim.slope")
    require((constant, slope) == (PAPER_CONSTANT, PAPER_SLOPE),
            "$.paper_claim: constant and slope must be the paper's 1/3 and 2/3")
    bound = check_inequality(system, bell, target, slope, claim["certificate"], "$.paper_claim.certificate", integers)
    if bound > constant:
        raise ClaimNotProven(f"$.paper_claim: certified bound {bound} exceeds the claimed {constant}")
    witness = check_box(system, claim["witness"], "$.paper_claim.witness")
    attained = box_entry(witness, target) - slope * bell_value_of_parts(integers, witness)
    if attained != bound:
        raise ClaimNotProven(f"$.paper_claim.witness: attains {attained}, not the bound {bound}")
    points, lines = check_value_function(system, bell, target, document["value_function"], integers=integers)
    return {"target": scenario.pair_key(target), "paper_bound": bound, "breakpoints": points, "pieces": lines}


def _expression_header(document, keys: set[str], format_name: str, expected: BellExpression):
    """Check the shared header; returns (document, scenario, penalty coefficients C dense, sign, offset)."""
    document = _header(document, keys, format_name)
    scenario = check_scenario(document["scenario"])
    require(scenario == expected.scenario, "$.scenario: does not match the expression")
    spec = expect_object(document["expression"], "$.expression", {"name", "direction", "coefficients"})
    require(spec["name"] == expected.name, f"$.expression.name: expected {expected.name!r}")
    require(spec["direction"] == expected.direction, f"$.expression.direction: expected {expected.direction!r}")
    coefficients = sparse_fractions(spec["coefficients"], scenario.num_probabilities, "$.expression.coefficients")
    if coefficients != dict(expected.coefficients):
        raise ClaimNotProven("$.expression.coefficients: differ from the expression")
    penalty = expect_object(document["penalty"], "$.penalty", {"sign", "offset"})
    sign = penalty["sign"]
    require(type(sign) is int and sign == (1 if expected.direction == "minimise" else -1),
            "$.penalty.sign: expected 1 for minimise, -1 for maximise")
    offset = exact(penalty["offset"], "$.penalty.offset")
    bell = [sign * v for v in expected.dense()]
    return document, scenario, bell, sign, offset


def _check_local_strategy(expression: BellExpression, strategy_text, where: str) -> list[tuple[int, ...]]:
    """One string of outcome digits per party, one digit per setting."""
    scenario = expression.scenario
    require(isinstance(strategy_text, list) and len(strategy_text) == scenario.num_parties,
            f"{where}: expected one string per party")
    strategy = []
    for i, text in enumerate(strategy_text):
        require(isinstance(text, str) and len(text) == scenario.settings[i]
                and all(c.isdigit() and int(c) < scenario.outcomes[i] for c in text),
                f"{where}[{i}]: expected one outcome digit per setting of party {i + 1}")
        strategy.append(tuple(int(c) for c in text))
    return strategy


def _check_ns_optimum(value, system: NoSignallingSystem, bell, sign: int, offset: Fraction) -> None:
    """The offset is the no-signalling optimum: a certificate of ``C.P >= offset`` and a witness
    attaining it (``$.ns_optimum`` of bounds.json and of version-2 pair documents)."""
    optimum = expect_object(value, "$.ns_optimum", {"value", "certificate", "witness"})
    require(exact(optimum["value"], "$.ns_optimum.value") == sign * offset,
            "$.ns_optimum.value: must equal sign * penalty offset")
    bound = check_inequality(system, bell, None, Fraction(1), optimum["certificate"], "$.ns_optimum.certificate")
    if bound != -offset:
        raise ClaimNotProven(f"$.ns_optimum.certificate: proves C.P >= {-bound}, not the offset {offset}")
    witness = check_box(system, optimum["witness"], "$.ns_optimum.witness")
    if bell_value_of_parts(bell_integers(bell), witness) != offset:
        raise ClaimNotProven("$.ns_optimum.witness: does not attain the optimum")


def verify_bounds_document(document, expression: BellExpression, pair_values: dict[str, Fraction] | None = None) -> dict:
    """Exact check of a ``certify/expression-bounds`` document.

    Checks the local bound by enumerating every deterministic strategy, the
    no-signalling optimum by its certificate (``C.P >= offset`` for every
    no-signalling box) and witness (``C.W = offset``), ``is_bell_inequality``,
    and, when ``pair_values`` (pair key -> checked v(0)) is given, the maximum
    output probability at the optimum.
    """
    keys = {"format", "version", "scenario", "expression", "penalty", "local_bound", "ns_optimum",
            "is_bell_inequality", "max_output_probability_at_ns_optimum"}
    document, scenario, bell, sign, offset = _expression_header(document, keys, BOUNDS_FORMAT, expression)
    system = system_of(scenario)
    local = expect_object(document["local_bound"], "$.local_bound", {"value", "strategy"})
    local_value = exact(local["value"], "$.local_bound.value")
    strategy = _check_local_strategy(expression, local["strategy"], "$.local_bound.strategy")
    if deterministic_box_value(expression, strategy) != local_value:
        raise ClaimNotProven("$.local_bound: the strategy does not attain the stated value")
    exhaustive = local_bound(expression)
    if exhaustive.value != local_value:
        raise ClaimNotProven(f"$.local_bound.value: enumeration gives {exhaustive.value}, not {local_value}")
    _check_ns_optimum(document["ns_optimum"], system, bell, sign, offset)
    require(type(document["is_bell_inequality"]) is bool, "$.is_bell_inequality: expected true or false")
    if document["is_bell_inequality"] != (local_value != sign * offset):
        raise ClaimNotProven("$.is_bell_inequality: inconsistent with the two bounds")
    best = expect_object(document["max_output_probability_at_ns_optimum"], "$.max_output_probability_at_ns_optimum",
                         {"value", "pair"})
    best_value = exact(best["value"], "$.max_output_probability_at_ns_optimum.value")
    _pair_index(scenario, best["pair"], "$.max_output_probability_at_ns_optimum.pair")
    if pair_values is not None:
        if len(pair_values) != scenario.num_probabilities:
            raise ClaimNotProven("max output probability: not every pair is certified")
        if max(pair_values.values()) != best_value or pair_values.get(best["pair"]) != best_value:
            raise ClaimNotProven("$.max_output_probability_at_ns_optimum: differs from the pair certificates")
    return {"local_bound": local_value, "ns_optimum": sign * offset, "max_output_probability": best_value}


def verify_expression_document(document, expression: BellExpression) -> dict:
    """Exact check of one ``certify/expression-bound`` document (value function
    of one pair, in penalty form); returns a short summary."""
    keys = {"format", "version", "scenario", "expression", "penalty", "ns_optimum", "target", "value_function"}
    document, scenario, bell, sign, offset = _expression_header(document, keys, PAIR_FORMAT, expression)
    _check_ns_optimum(document["ns_optimum"], system_of(scenario), bell, sign, offset)
    target = check_target(document["target"], scenario)
    points, lines = check_value_function(system_of(scenario), bell, target, document["value_function"], offset)
    return {"target": scenario.pair_key(target), "breakpoints": points, "pieces": lines}


def verify_symmetry_document(document, expression: BellExpression) -> dict[str, str]:
    """Exact check of a ``certify/expression-symmetry`` document; returns
    pair key -> representative key.

    Each generator must be a relabeling (party permutation keeping shapes,
    setting permutations, per-setting outcome permutations) that maps every
    coefficient of B to an equal coefficient; relabelings map no-signalling
    boxes to no-signalling boxes, so v is the same for a pair and its image.
    Every pair must be listed once, in canonical order, and its word
    (generator positions, applied first to last) must map its representative
    to it; representatives list themselves with an empty word.
    """
    document = _header(document, {"format", "version", "scenario", "expression", "generators", "pairs"},
                       SYMMETRY_FORMAT)
    scenario = check_scenario(document["scenario"])
    require(scenario == expression.scenario, "$.scenario: does not match the expression")
    spec = expect_object(document["expression"], "$.expression", {"name", "direction", "coefficients"})
    require(spec["name"] == expression.name and spec["direction"] == expression.direction,
            "$.expression: name or direction differ from the expression")
    coefficients = sparse_fractions(spec["coefficients"], scenario.num_probabilities, "$.expression.coefficients")
    if coefficients != dict(expression.coefficients):
        raise ClaimNotProven("$.expression.coefficients: differ from the expression")
    generators = document["generators"]
    require(isinstance(generators, list), "$.generators: expected a list")
    images = invariant_images(scenario, generators, "$.generators", dict(expression.coefficients))
    pairs = document["pairs"]
    require(isinstance(pairs, list) and len(pairs) == scenario.num_probabilities,
            f"$.pairs: expected {scenario.num_probabilities} entries, one per pair in canonical order")
    result = {}
    for j, entry in enumerate(pairs):
        where = f"$.pairs[{j}]"
        entry = expect_object(entry, where, {"pair", "representative", "word"})
        require(entry["pair"] == scenario.pair_key(j), f"{where}.pair: expected {scenario.pair_key(j)!r}")
        start = _pair_index(scenario, entry["representative"], f"{where}.representative")
        word = entry["word"]
        require(isinstance(word, list) and all(type(p) is int and 0 <= p < len(images) for p in word),
                f"{where}.word: expected generator positions 0..{len(images) - 1}")
        position = start
        for p in word:
            position = images[p][position]
        if position != j:
            raise ClaimNotProven(f"{where}: the word maps {entry['representative']} to "
                                 f"{scenario.pair_key(position)}, not to {entry['pair']}")
        result[entry["pair"]] = entry["representative"]
    for pair, representative in result.items():
        require(result[representative] == representative, f"$.pairs: {representative} is not its own representative")
    return result


def _check_family_entry(state: tuple, k: int) -> Fraction:
    """One representative of a family document (run in a worker process)."""
    penalty, offset, system, document = state
    return check_representative(system, dict(penalty.coefficients), document["representatives"][k], offset,
                                f"$.representatives[{k}]")


def _check_family_bounds(document: dict, expression: BellExpression, system: NoSignallingSystem):
    """Local bound and no-signalling optimum of a family document; returns (sign, penalty, offset, local)."""
    scenario = expression.scenario
    sign, penalty = penalty_form(expression)
    coefficients = dict(penalty.coefficients)
    penalty_spec = expect_object(document["penalty"], "$.penalty", {"sign", "offset"})
    require(penalty_spec["sign"] == sign, "$.penalty.sign: wrong sign for the direction")
    offset = exact(penalty_spec["offset"], "$.penalty.offset")
    local_spec = expect_object(document["local_bound"], "$.local_bound", {"value", "strategy"})
    strategy = _check_local_strategy(penalty, local_spec["strategy"], "$.local_bound.strategy")
    local = local_bound(penalty, "minimise").value
    if deterministic_box_value(penalty, strategy) != local or \
            sign * local != exact(local_spec["value"], "$.local_bound.value"):
        raise ClaimNotProven("$.local_bound: the strategy does not attain the enumerated local bound")
    ns = expect_object(document["ns_optimum"], "$.ns_optimum", {"value", "stabiliser", "certificate"})
    labels = group_orbits(scenario, ns["stabiliser"], "$.ns_optimum.stabiliser", coefficients)
    bound = check_reduced_inequality(system, coefficients, labels, None, Fraction(1), ns["certificate"],
                                     "$.ns_optimum.certificate")
    if bound != -offset or exact(ns["value"], "$.ns_optimum.value") != sign * offset:
        raise ClaimNotProven(f"$.ns_optimum: certificate proves C.P >= {-bound}, the offset is {offset}")
    return sign, penalty, offset, local


def verify_family_document(document, expression: BellExpression, system: NoSignallingSystem | None = None,
                           workers: int = 1) -> dict:
    """Exact check of a ``certify/expression-reduced`` document (builder side);
    returns ``{pair key: v(0)}`` for the representatives (checked in ``workers``
    processes).

    The reduced dual is checked on orbit sums: for multipliers y and slope λ,
    ``s_O = sum_{j in O} (y.A_j - [j = t] + λ C_j) >= 0`` for every orbit O of the
    stabiliser group H gives ``P_t <= y.b + λ C.P`` for every H-invariant
    no-signalling box, and averaging over H extends it to every box (H fixes t and
    C, and relabelings keep no-signalling).
    """
    keys = {"format", "version", "scenario", "expression", "penalty", "symmetry", "local_bound", "ns_optimum",
            "representatives", "is_bell_inequality", "max_output_probability_at_ns_optimum"}
    document = _header(document, keys, REDUCED_FORMAT)
    scenario = expression.scenario
    require(document["scenario"] == scenario.to_json() and document["expression"] == expression_json(expression),
            "$.scenario/$.expression: do not match the expression")
    system = system or NoSignallingSystem.build(scenario)
    sign, penalty, offset, local = _check_family_bounds(document, expression, system)
    coefficients = dict(penalty.coefficients)
    representatives = document["representatives"]
    require(isinstance(representatives, list) and representatives, "$.representatives: expected a non-empty list")
    checked = parallel.forked_map(_check_family_entry, list(range(len(representatives))), workers,
                                  state=(penalty, offset, system, document))
    values = {rep["pair"]: value for rep, value in zip(representatives, checked)}
    indices = [scenario.index_of_key(rep["pair"]) for rep in representatives]  # checked above
    pair_labels = group_orbits(scenario, document["symmetry"], "$.symmetry", coefficients).tolist()
    require(indices == sorted(set(indices)), "$.representatives: pairs must increase strictly")
    covered = [pair_labels[j] for j in indices]
    require(len(set(covered)) == len(covered), "$.representatives: two representatives share an orbit")
    if set(covered) != set(pair_labels):
        raise ClaimNotProven("$.representatives: some orbit of pairs has no representative")
    best = max(values.values())
    at = "$.max_output_probability_at_ns_optimum"
    claimed = expect_object(document["max_output_probability_at_ns_optimum"], at, {"value", "pair"})
    if exact(claimed["value"], f"{at}.value") != best or values.get(claimed["pair"]) != best:
        raise ClaimNotProven(f"$.max_output_probability_at_ns_optimum: the representatives give {best}")
    require(type(document["is_bell_inequality"]) is bool, "$.is_bell_inequality: expected true or false")
    if document["is_bell_inequality"] is not (local != offset):
        raise ClaimNotProven("$.is_bell_inequality: disagrees with the local bound and the optimum")
    return values


_VERIFIERS = {LEMMA11_FORMAT: verify_lemma11_document, PAIR_FORMAT: verify_expression_document,
              BOUNDS_FORMAT: verify_bounds_document, SYMMETRY_FORMAT: verify_symmetry_document,
              REDUCED_FORMAT: verify_family_document}


def verify_document(document, expression: BellExpression | None = None):
    """Exact check of any stored document, by its ``"format"``; returns that kind's summary.

    ``expression`` is the Bell expression the document must be about (needed for
    every kind but Lemma 11, whose file names a built-in).
    """
    kind = document.get("format") if isinstance(document, dict) else None
    require(kind in _VERIFIERS, f"$.format: expected one of {sorted(_VERIFIERS)}, got {kind!r}")
    if kind != LEMMA11_FORMAT and expression is None:
        raise InputError(f"$.format: a {kind} document is checked against a given Bell expression")
    return _VERIFIERS[kind](document, expression)
