"""Certificate stage: build output-bound documents and check them exactly.

A document (format ``certify/output-bound``, version 1, see
``docs/certificate-format.md``) proves, for one target pair t = (u*, x*):

* the paper's claim (Lemma 11, eq. (42)): ``P_t <= 1/3 + (2/3) B.P`` for every
  no-signalling box, through multipliers y with
  ``s = A^T y - (e_t - (2/3) B) >= 0`` and ``bound = sum of y over the
  normalisation rows <= 1/3``, plus a box attaining the bound;
* the exact value function v(δ) = max P_t subject to B.P <= δ.

:func:`verify_document` is the builder's own exact check, run on every
document before it is written. It is independent of the trusted checker
(:mod:`certify.checker.core`) and serves as its reference in the fuzz tests.
"""

from __future__ import annotations

import re
from functools import lru_cache
from fractions import Fraction
from math import gcd, lcm

from certify.lp.expression import BellExpression, paper_bell_expression
from certify.errors import ClaimNotProven, InputError
from certify.builder.jsonio import rational
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.scenario import Scenario

__all__ = ["FORMAT", "VERSION", "PAPER_CONSTANT", "PAPER_SLOPE", "BUILTIN_EXPRESSIONS",
           "build_document", "verify_document", "verify_optimum", "check_value_function", "file_name", "parse_rational"]

FORMAT = "certify/output-bound"
VERSION = 1
PAPER_CONSTANT = Fraction(1, 3)
PAPER_SLOPE = Fraction(2, 3)
BUILTIN_EXPRESSIONS = {"paper": paper_bell_expression}

_RATIONAL = re.compile(r"(0|-?[1-9][0-9]*)(/[1-9][0-9]*)?")
_MAX_DIGITS = 10_000


def file_name(scenario: Scenario, target: int) -> str:
    """``u<setting>-x<outcome>.json`` for a target index."""
    setting, outcome = scenario.pair_key(target).split("|")
    return f"u{setting}-x{outcome}.json"


def _rational_parts(text, where: str) -> tuple[int, int]:
    """Strict canonical rational as (numerator, denominator); raises InputError."""
    if not isinstance(text, str) or len(text) > 2 * _MAX_DIGITS + 2 or not _RATIONAL.fullmatch(text):
        raise InputError(f"{where}: expected a canonical rational string like \"-3/4\", got {text!r}")
    if "/" in text:
        numerator, denominator = (int(part) for part in text.split("/"))
        if denominator == 1 or gcd(numerator, denominator) != 1:
            raise InputError(f"{where}: rational {text!r} is not in lowest terms with denominator > 1")
        return numerator, denominator
    return int(text), 1


def parse_rational(text, where: str) -> Fraction:
    """Strict canonical rational (see the format spec); raises InputError.

    >>> parse_rational("-3/4", "$.x")
    Fraction(-3, 4)
    >>> parse_rational("2/4", "$.x")
    Traceback (most recent call last):
    ...
    certify.errors.InputError: $.x: rational '2/4' is not in lowest terms with denominator > 1
    """
    numerator, denominator = _rational_parts(text, where)
    return Fraction(numerator, denominator)


# -- building -------------------------------------------------------------------------

def _text(value) -> str:
    """``rational(value)``, without the round trip through Fraction for a Fraction."""
    return str(value) if type(value) is Fraction else rational(value)


def _sparse_text(vector) -> list[list]:
    """``sparse(vector)`` (same output, faster for Fraction entries)."""
    return [[j, str(v) if type(v) is Fraction else rational(v)] for j, v in enumerate(vector) if v]


def _inequality(multipliers, bound) -> dict:
    return {"bound": _text(bound), "multipliers": [[r, _text(v)] for r, v in multipliers]}


def build_document(expression: BellExpression, target: int, paper_certificate, paper_witness,
                   value_function, piece_certificates) -> dict:
    """Assemble one document from exact ingredients (see the format spec).

    ``paper_certificate`` and each of ``piece_certificates`` are
    :class:`certify.lp.program.Inequality`; witnesses are dense boxes.
    """
    scenario = expression.scenario
    setting, outcome = scenario.pair_key(target).split("|")
    paper_bound = paper_certificate.constant
    return {
        "format": FORMAT,
        "version": VERSION,
        "scenario": scenario.to_json(),
        "expression": {"name": expression.name, "direction": expression.direction,
                       "coefficients": _sparse_text(expression.dense())},
        "target": {"setting": setting, "outcome": outcome, "index": target},
        "paper_claim": {
            "constant": _text(PAPER_CONSTANT),
            "slope": _text(PAPER_SLOPE),
            "certificate": _inequality(paper_certificate.multipliers, paper_bound),
            "witness": _sparse_text(paper_witness),
        },
        "value_function": {
            "breakpoints": [{"bell_value": _text(d), "value": _text(v), "witness": _sparse_text(w)}
                            for (d, v), w in zip(value_function.breakpoints, value_function.witnesses)],
            "pieces": [{"constant": _text(a), "slope": _text(s),
                        "certificate": _inequality(cert.multipliers, cert.constant)}
                       for (a, s), cert in zip(value_function.pieces, piece_certificates)],
        },
    }


# -- checking -------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _system(scenario: Scenario) -> NoSignallingSystem:
    return NoSignallingSystem.build(scenario)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InputError(message)


def _object(value, where: str, keys: set[str]) -> dict:
    _require(isinstance(value, dict), f"{where}: expected an object, got {type(value).__name__}")
    _require(set(value) == keys, f"{where}: expected exactly the keys {sorted(keys)}, got {sorted(value)}")
    return value


def _integer(value, where: str) -> int:
    _require(isinstance(value, int) and not isinstance(value, bool), f"{where}: expected an integer, got {value!r}")
    return value


def _check_target(value, scenario: Scenario) -> int:
    """The target index of ``{"setting", "outcome", "index"}``, all three consistent."""
    target_spec = _object(value, "$.target", {"setting", "outcome", "index"})
    try:
        target = scenario.index(scenario.parse_setting(target_spec["setting"]),
                                scenario.parse_outcome(target_spec["outcome"]))
    except ValueError as error:
        raise InputError(f"$.target: {error}") from None
    _require(_integer(target_spec["index"], "$.target.index") == target,
             f"$.target.index: expected {target} for this setting and outcome")
    return target


def _sparse_parts(value, size: int, where: str) -> dict[int, tuple[int, int]]:
    """Sparse vector as index -> (numerator, denominator), fully validated.

    (Messages naming an entry are built only when that entry is rejected.)
    """
    _require(isinstance(value, list), f"{where}: expected a list of [index, \"rational\"] pairs")
    out: dict[int, tuple[int, int]] = {}
    previous = -1
    fullmatch = _RATIONAL.fullmatch
    limit = 2 * _MAX_DIGITS + 2
    for k, entry in enumerate(value):
        if not (type(entry) is list and len(entry) == 2):
            raise InputError(f"{where}[{k}]: expected [index, \"rational\"]")
        index, text = entry
        if not (type(index) is int and previous < index < size):
            raise InputError(f"{where}[{k}][0]: expected an increasing index in 0..{size - 1}, got {index!r}")
        parts = None
        if type(text) is str and len(text) <= limit and fullmatch(text):
            # Fast path of _rational_parts for a valid non-zero entry; anything
            # else goes through _rational_parts for the same message.
            if "/" in text:
                numerator_text, denominator_text = text.split("/")
                numerator, denominator = int(numerator_text), int(denominator_text)
                if denominator != 1 and numerator != 0 and gcd(numerator, denominator) == 1:
                    parts = (numerator, denominator)
            elif text != "0":
                parts = (int(text), 1)
        if parts is None:
            parts = _rational_parts(text, f"{where}[{k}][1]")
            if parts[0] == 0:
                raise InputError(f"{where}[{k}][1]: zero entries are not stored")
        out[index] = parts
        previous = index
    return out


def _sparse(value, size: int, where: str) -> dict[int, Fraction]:
    return {j: Fraction(p, q) for j, (p, q) in _sparse_parts(value, size, where).items()}


def _scaled(entries: dict[int, tuple[int, int]]) -> tuple[dict[int, int], int]:
    """Integer numerators over the least common denominator (exact, fast)."""
    denominator = lcm(*(q for _, q in entries.values())) if entries else 1
    return {j: p * (denominator // q) for j, (p, q) in entries.items()}, denominator


def _bell_integers(bell: list[Fraction]) -> tuple[dict[int, int], int]:
    """B as integer numerators over their least common denominator."""
    return _scaled({j: (b.numerator, b.denominator) for j, b in enumerate(bell) if b})


def _check_inequality(system: NoSignallingSystem, bell: list[Fraction], target: int, slope: Fraction,
                      certificate, where: str, bell_integers: tuple[dict[int, int], int] | None = None) -> Fraction:
    """Check multipliers exactly; returns the certified bound.

    ``bell_integers`` (optional) is ``_bell_integers(bell)``, passed in when the
    caller checks several inequalities of the same expression.
    """
    certificate = _object(certificate, where, {"bound", "multipliers"})
    bound = parse_rational(certificate["bound"], f"{where}.bound")
    multipliers = _sparse_parts(certificate["multipliers"], len(system.rows), f"{where}.multipliers")
    numerators, denominator = _scaled(multipliers)
    combination = [0] * system.scenario.num_probabilities
    for r, y in numerators.items():
        for j, a in system.rows[r]:
            combination[j] += a * y
    # Objective e_t - slope * B over the integer scale q * d (slope = p/q,
    # B = b/d): check combination / denominator >= objective in integers.
    p, q = slope.numerator, slope.denominator
    bell_numerators, bell_denominator = bell_integers if bell_integers is not None else _bell_integers(bell)
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


@lru_cache(maxsize=8)
def _rows_by_column(scenario: Scenario) -> tuple[tuple[tuple[int, int], ...], ...]:
    """For each probability j, the ``(row, coefficient)`` pairs of the rows that contain it."""
    system = _system(scenario)
    columns: list[list[tuple[int, int]]] = [[] for _ in range(system.scenario.num_probabilities)]
    for r, row in enumerate(system.rows):
        for j, a in row:
            columns[j].append((r, a))
    return tuple(tuple(column) for column in columns)


def _check_box(system: NoSignallingSystem, value, where: str) -> list[Fraction]:
    """Check a sparse box exactly (non-negative, every row holds); returns it dense."""
    parts = _checked_box_parts(system, value, where)
    box = [Fraction(0)] * system.scenario.num_probabilities
    for j, (p, q) in parts.items():
        box[j] = Fraction(p, q)
    return box


def _checked_box_parts(system: NoSignallingSystem, value, where: str) -> dict[int, tuple[int, int]]:
    """As :func:`_check_box`, returning the entries as index -> (numerator, denominator)."""
    size = system.scenario.num_probabilities
    parts = _sparse_parts(value, size, where)
    if any(p < 0 for p, _ in parts.values()):
        raise ClaimNotProven(f"{where}: negative probability")
    numerators, denominator = _scaled(parts)
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


def _entry(parts: dict[int, tuple[int, int]], j: int) -> Fraction:
    p, q = parts.get(j, (0, 1))
    return Fraction(p, q)


def _bell_value_of_parts(bell_integers: tuple[dict[int, int], int], parts: dict[int, tuple[int, int]]) -> Fraction:
    """Exact ``B.P`` for a box given as checked parts (integers, one division at the end)."""
    bell_numerators, bell_denominator = bell_integers
    numerators, denominator = _scaled(parts)
    total = sum(b * numerators[j] for j, b in bell_numerators.items() if j in numerators)
    return Fraction(total, bell_denominator * denominator)


@lru_cache(maxsize=8)
def _builtin_expression(name: str) -> BellExpression:
    return BUILTIN_EXPRESSIONS[name]()


def _bell_value(bell: list[Fraction], box: list[Fraction]) -> Fraction:
    return sum((b * box[j] for j, b in enumerate(bell) if b and box[j]), Fraction(0))


def verify_document(document, expected_expression: BellExpression | None = None) -> dict:
    """Exact check of one output-bound document; returns a short summary.

    Raises :class:`InputError` for malformed content and
    :class:`ClaimNotProven` for a claim that does not hold.
    """
    document = _object(document, "$", {"format", "version", "scenario", "expression", "target",
                                       "paper_claim", "value_function"})
    _require(document["format"] == FORMAT, f"$.format: expected {FORMAT!r}, got {document['format']!r}")
    _require(type(document["version"]) is int and document["version"] == VERSION,
             f"$.version: expected {VERSION}, got {document['version']!r}")
    spec = _object(document["scenario"], "$.scenario", {"parties", "settings", "outcomes"})
    parties = _integer(spec["parties"], "$.scenario.parties")
    _require(1 <= parties <= 8, "$.scenario.parties: expected 1..8")
    for key in ("settings", "outcomes"):
        _require(isinstance(spec[key], list) and len(spec[key]) == parties,
                 f"$.scenario.{key}: expected a list of {parties} integers")
        for k, count in enumerate(spec[key]):
            _require(_integer(count, f"$.scenario.{key}[{k}]") in range(1, 11), f"$.scenario.{key}[{k}]: expected 1..10")
    scenario = Scenario(tuple(spec["settings"]), tuple(spec["outcomes"]))
    size = scenario.num_probabilities
    _require(size <= 65_536, "$.scenario: more than 65536 probabilities")

    expression_spec = _object(document["expression"], "$.expression", {"name", "direction", "coefficients"})
    name = expression_spec["name"]
    _require(expression_spec["direction"] == "minimise", "$.expression.direction: expected 'minimise'")
    coefficients = _sparse(expression_spec["coefficients"], size, "$.expression.coefficients")
    if expected_expression is None:
        _require(isinstance(name, str) and name in BUILTIN_EXPRESSIONS,
                 f"$.expression.name: unknown built-in expression {name!r}")
        expected_expression = _builtin_expression(name)
    _require(name == expected_expression.name, f"$.expression.name: expected {expected_expression.name!r}")
    _require(scenario == expected_expression.scenario, "$.scenario: does not match the named expression")
    if coefficients != dict(expected_expression.coefficients):
        raise ClaimNotProven(f"$.expression.coefficients: differ from the built-in expression {name!r}")
    bell = expected_expression.dense()
    bell_integers = _bell_integers(bell)

    target = _check_target(document["target"], scenario)
    system = _system(scenario)

    claim = _object(document["paper_claim"], "$.paper_claim", {"constant", "slope", "certificate", "witness"})
    constant = parse_rational(claim["constant"], "$.paper_claim.constant")
    slope = parse_rational(claim["slope"], "$.paper_claim.slope")
    _require((constant, slope) == (PAPER_CONSTANT, PAPER_SLOPE),
             "$.paper_claim: constant and slope must be the paper's 1/3 and 2/3")
    bound = _check_inequality(system, bell, target, slope, claim["certificate"], "$.paper_claim.certificate",
                              bell_integers)
    if bound > constant:
        raise ClaimNotProven(f"$.paper_claim: certified bound {bound} exceeds the claimed {constant}")
    witness = _checked_box_parts(system, claim["witness"], "$.paper_claim.witness")
    attained = _entry(witness, target) - slope * _bell_value_of_parts(bell_integers, witness)
    if attained != bound:
        raise ClaimNotProven(f"$.paper_claim.witness: attains {attained}, not the bound {bound}")

    points, lines = check_value_function(system, bell, target, document["value_function"],
                                         bell_integers=bell_integers)
    return {"target": scenario.pair_key(target), "paper_bound": bound, "breakpoints": points, "pieces": lines}


def check_value_function(system: NoSignallingSystem, bell: list[Fraction], target: int, function,
                         offset: Fraction = Fraction(0), bell_integers=None) -> tuple[list, list]:
    """The value-function conditions of the format spec, exactly, with penalty
    value ``C.P - offset`` (``offset = 0`` and ``C = B`` for Lemma 11); returns
    ``(breakpoints, pieces)``. Shared by every document kind that stores one."""
    bell_integers = bell_integers or _bell_integers(bell)
    function = _object(function, "$.value_function", {"breakpoints", "pieces"})
    breakpoints, pieces = function["breakpoints"], function["pieces"]
    _require(isinstance(breakpoints, list) and breakpoints, "$.value_function.breakpoints: expected a non-empty list")
    _require(isinstance(pieces, list) and len(pieces) == len(breakpoints),
             "$.value_function.pieces: expected one piece per breakpoint")
    points = []
    for i, point in enumerate(breakpoints):
        where = f"$.value_function.breakpoints[{i}]"
        point = _object(point, where, {"bell_value", "value", "witness"})
        delta = parse_rational(point["bell_value"], f"{where}.bell_value")
        value = parse_rational(point["value"], f"{where}.value")
        _require(delta == 0 if i == 0 else delta > points[-1][0], f"{where}.bell_value: must start at 0 and increase")
        box = _checked_box_parts(system, point["witness"], f"{where}.witness")
        if _bell_value_of_parts(bell_integers, box) - offset > delta:
            raise ClaimNotProven(f"{where}.witness: Bell (penalty) value exceeds {delta}")
        if _entry(box, target) != value:
            raise ClaimNotProven(f"{where}.witness: P(target) = {_entry(box, target)}, not {value}")
        points.append((delta, value))
    lines = []
    for i, piece in enumerate(pieces):
        where = f"$.value_function.pieces[{i}]"
        piece = _object(piece, where, {"constant", "slope", "certificate"})
        a = parse_rational(piece["constant"], f"{where}.constant")
        s = parse_rational(piece["slope"], f"{where}.slope")
        _require(s >= 0 and (not lines or s < lines[-1][1]), f"{where}.slope: slopes must be >= 0 and decrease")
        certified = _check_inequality(system, bell, target, s, piece["certificate"], f"{where}.certificate",
                                      bell_integers)
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


def verify_optimum(expression: BellExpression, target: int, bell_value: Fraction, value: Fraction,
                   inequality: dict, witness: dict) -> None:
    """Check ``value = max P_t s.t. B.P <= bell_value`` exactly: the inequality
    (``{"constant", "slope", "certificate"}``) bounds P_t by ``value`` at
    ``bell_value`` for every no-signalling box, and the witness (a sparse box)
    is a no-signalling box with ``B.W <= bell_value`` and ``W_t = value``."""
    system = _system(expression.scenario)
    bell = expression.dense()
    constant = parse_rational(inequality["constant"], "constant")
    slope = parse_rational(inequality["slope"], "slope")
    if slope < 0:
        raise ClaimNotProven("slope must be non-negative for an upper bound under B.P <= δ")
    certified = _check_inequality(system, bell, target, slope, inequality["certificate"], "certificate")
    if certified != constant or constant + slope * bell_value != value:
        raise ClaimNotProven(f"the certified line gives {certified + slope * bell_value}, not {value}")
    box = _check_box(system, witness, "witness")
    if _bell_value(bell, box) > bell_value or box[target] != value:
        raise ClaimNotProven("the witness does not attain the value within the Bell constraint")
