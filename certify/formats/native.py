"""Input format for Bell expressions of any scenario, and exact converters.

A Bell expression file (``"format": "certify/bell-expression"``, version 1;
normative description in ``docs/certificate-format.md``) is UTF-8 JSON::

    {"format": "certify/bell-expression", "version": 1,
     "name": "chsh",
     "scenario": {"parties": 2, "settings": [2, 2], "outcomes": [2, 2]},
     "direction": "minimise",
     "representation": "Signaling Probabilities",
     "coefficients": ["0", "1", ...]}

``coefficients`` is the dense list of canonical rational strings (exactly
``str(Fraction)``) in the canonical order of the representation. The three
representations follow the names of faacets:

* ``"Signaling Probabilities"``: one coefficient per P(x|u), in the canonical
  order of :mod:`certify.lp.scenario` (setting tuples, then outcome tuples, both
  lexicographic with party 1 most significant); length ``prod m_i d_i``.
* ``"Non-signaling Collins-Gisin"``: the tensor product of per-party lists
  ``[1, P_i(0|0), ..., P_i(d_i-2|0), P_i(0|1), ..., P_i(d_i-2|m_i-1)]``
  (the identity first, then setting-major, outcome-minor, the last outcome
  of each setting left out), party 1 most significant; length
  ``prod (1 + m_i (d_i - 1))``. The all-identity entry is a constant term.
* ``"Non-signaling Correlators"`` (every d_i = 2 only): the tensor product of
  ``[1, A_i(0), ..., A_i(m_i - 1)]`` with ``A_i(u) = P_i(0|u) - P_i(1|u)``
  (outcome 0 counts as +1); length ``prod (1 + m_i)``.

Converting a no-signalling representation to full probabilities needs a
convention for a term that leaves parties out, because the full-probability
form of a functional on the no-signalling polytope is not unique. The rule
here (symmetric under relabelings of settings) averages over the settings of
the parties left out: a term ``c * P_S(a_S|u_S)`` becomes ``c / prod_{i not
in S} m_i`` on every P(x|u) with ``x_S = a_S`` and ``u_S`` as given; the
constant ``c`` becomes ``c / prod m_i`` on every probability. On
no-signalling boxes the two forms agree exactly, which is all a certificate
uses. Converting full probabilities to a no-signalling representation is
unique (the coordinates are affine coordinates of the no-signalling
polytope): P(x|u) is expanded party by party, ``P_i(x_i|u_i)`` as itself
when ``x_i < d_i - 1`` and as ``1 - sum_{a < d_i - 1} P_i(a|u_i)`` for the last
outcome (Collins-Gisin), or ``(1 + (-1)^{x_i} A_i(u_i))/2`` (correlators).

faacets' own YAML files (their index order: party 1 least significant) are read by
:mod:`certify.formats.faacets`.

>>> document = {"format": FORMAT, "version": 1, "name": "chsh",
...     "scenario": {"parties": 2, "settings": [2, 2], "outcomes": [2, 2]},
...     "direction": "maximise", "representation": "Non-signaling Correlators",
...     "coefficients": ["0", "0", "0", "0", "1", "1", "0", "1", "-1"]}
>>> expression = parse_expression(document)
>>> expression.coefficient_at("00|00"), expression.coefficient_at("11|01")
(Fraction(1, 1), Fraction(1, 1))
>>> to_representation(expression, CORRELATORS) == [Fraction(int(c)) for c in document["coefficients"]]
True
"""

from __future__ import annotations

from fractions import Fraction
from math import prod
from pathlib import Path

import numpy as np

from certify.lp.expression import BellExpression
from certify.errors import InputError
from certify.formats.strict_json import load_document
from certify.lp.scenario import Scenario
from certify.numbers import format_exact, parse_exact

__all__ = ["FORMAT", "VERSION", "SIGNALING", "COLLINS_GISIN", "CORRELATORS", "REPRESENTATIONS",
           "parse_expression", "load_expression_file", "expression_document", "to_representation",
           "from_representation", "representation_labels", "canonical_order", "shortest_terms"]

FORMAT = "certify/bell-expression"
VERSION = 1
SIGNALING = "Signaling Probabilities"
COLLINS_GISIN = "Non-signaling Collins-Gisin"
CORRELATORS = "Non-signaling Correlators"
REPRESENTATIONS = (SIGNALING, COLLINS_GISIN, CORRELATORS)
_KEYS = {"format", "version", "name", "scenario", "direction", "representation", "coefficients"}
_MAX_PROBABILITIES = 65_536


def canonical_order(scenario: Scenario) -> str:
    """The sentence echoed in every output that states the canonical index order."""
    return ("P(x|u) at index setting_index(u) * " + str(scenario.num_outcome_tuples)
            + " + outcome_index(x); setting and outcome tuples lexicographic, party 1 most significant")


# -- per-party maps ----------------------------------------------------------------------

def _check_representation(scenario: Scenario, representation: str, where: str) -> None:
    if representation not in REPRESENTATIONS:
        raise InputError(f"{where}: unknown representation {representation!r}; expected one of "
                         f"{list(REPRESENTATIONS)}")
    if representation == CORRELATORS and any(d != 2 for d in scenario.outcomes):
        raise InputError(f"{where}: {CORRELATORS!r} needs two outcomes for every party, "
                         f"the scenario has outcomes {list(scenario.outcomes)}")


def _local_length(representation: str, settings: int, outcomes: int) -> int:
    if representation == SIGNALING:
        return settings * outcomes
    if representation == COLLINS_GISIN:
        return 1 + settings * (outcomes - 1)
    return 1 + settings


def representation_length(scenario: Scenario, representation: str) -> int:
    """Number of coefficients of a representation (raises InputError if unknown).

    >>> representation_length(Scenario.binary(2), COLLINS_GISIN)
    9
    """
    _check_representation(scenario, representation, "representation")
    return prod(_local_length(representation, m, d) for m, d in zip(scenario.settings, scenario.outcomes))


def representation_labels(scenario: Scenario, representation: str) -> list[str]:
    """Human-readable label of every coefficient, in canonical order.

    >>> representation_labels(Scenario.binary(2), CORRELATORS)[:4]
    ['1', 'B(0)', 'B(1)', 'A(0)']
    """
    _check_representation(scenario, representation, "representation")
    if representation == SIGNALING:
        return [scenario.pair_key(j) for j in range(scenario.num_probabilities)]
    names = [chr(ord("A") + i) for i in range(scenario.num_parties)]
    per_party = []
    for name, m, d in zip(names, scenario.settings, scenario.outcomes):
        if representation == COLLINS_GISIN:
            per_party.append([None] + [f"{name}({a}|{u})" for u in range(m) for a in range(d - 1)])
        else:
            per_party.append([None] + [f"{name}({u})" for u in range(m)])
    labels = [""]
    for party_labels in per_party:
        labels = [left + ("" if right is None else (" " if left else "") + right)
                  for left in labels for right in party_labels]
    return [label or "1" for label in labels]


def _to_full_matrix(representation: str, m: int, d: int) -> list[list[Fraction]]:
    """Rows: local coordinates; columns: (u_i, x_i) = u_i * d + x_i (NS -> full)."""
    width = m * d
    rows = [[Fraction(1, m)] * width]  # the identity, averaged over settings
    for u in range(m):
        if representation == COLLINS_GISIN:
            for a in range(d - 1):
                row = [Fraction(0)] * width
                row[u * d + a] = Fraction(1)
                rows.append(row)
        else:
            row = [Fraction(0)] * width
            row[u * d] = Fraction(1)
            row[u * d + 1] = Fraction(-1)
            rows.append(row)
    return rows


def _from_full_matrix(representation: str, m: int, d: int) -> list[list[Fraction]]:
    """Rows: (u_i, x_i); columns: local coordinates (full -> NS expansion)."""
    length = _local_length(representation, m, d)
    rows = []
    for u in range(m):
        for x in range(d):
            row = [Fraction(0)] * length
            if representation == COLLINS_GISIN:
                if x < d - 1:
                    row[1 + u * (d - 1) + x] = Fraction(1)
                else:
                    row[0] = Fraction(1)
                    for a in range(d - 1):
                        row[1 + u * (d - 1) + a] = Fraction(-1)
            else:
                row[0] = Fraction(1, 2)
                row[1 + u] = Fraction(1, 2) if x == 0 else Fraction(-1, 2)
            rows.append(row)
    return rows


def _contract(tensor: np.ndarray, matrices: list[list[list[Fraction]]]) -> np.ndarray:
    """Apply one matrix per axis (object arrays of Fractions, exact)."""
    for axis, matrix in enumerate(matrices):
        tensor = np.tensordot(tensor, np.array(matrix, dtype=object), axes=([axis], [0]))
        tensor = np.moveaxis(tensor, -1, axis)
    return tensor


def _full_tensor_axes(scenario: Scenario) -> tuple[list[int], list[int]]:
    n = scenario.num_parties
    # canonical full vector reshaped as (u_1..u_n, x_1..x_n); interleave to (u_1,x_1,...).
    interleave = [axis for i in range(n) for axis in (i, n + i)]
    return interleave, [m * d for m, d in zip(scenario.settings, scenario.outcomes)]


def to_representation(expression: BellExpression, representation: str) -> list[Fraction]:
    """Exact coefficients of ``expression`` in a representation (unique on the
    no-signalling polytope; identity for ``Signaling Probabilities``)."""
    scenario = expression.scenario
    _check_representation(scenario, representation, "representation")
    dense = expression.dense()
    if representation == SIGNALING:
        return dense
    interleave, local_sizes = _full_tensor_axes(scenario)
    tensor = np.array(dense, dtype=object).reshape(scenario.settings + scenario.outcomes)
    tensor = tensor.transpose(interleave).reshape(local_sizes)
    matrices = [_from_full_matrix(representation, m, d) for m, d in zip(scenario.settings, scenario.outcomes)]
    return [Fraction(v) for v in _contract(tensor, matrices).reshape(-1).tolist()]


def from_representation(name: str, scenario: Scenario, direction: str, representation: str,
                        coefficients: list[Fraction]) -> BellExpression:
    """The full-probability expression of coefficients given in a representation
    (the averaging convention of the module docstring)."""
    _check_representation(scenario, representation, "representation")
    expected = representation_length(scenario, representation)
    if len(coefficients) != expected:
        raise InputError(f"coefficients: expected {expected} values for {representation!r} in this "
                         f"scenario, got {len(coefficients)}")
    if representation == SIGNALING:
        full = list(coefficients)
    else:
        local = [_local_length(representation, m, d) for m, d in zip(scenario.settings, scenario.outcomes)]
        tensor = np.array(list(coefficients), dtype=object).reshape(local)
        matrices = [_to_full_matrix(representation, m, d) for m, d in zip(scenario.settings, scenario.outcomes)]
        tensor = _contract(tensor, matrices)  # axes (u_1 x_1, ..., u_n x_n)
        n = scenario.num_parties
        shape = [size for m, d in zip(scenario.settings, scenario.outcomes) for size in (m, d)]
        tensor = tensor.reshape(shape)
        order = [2 * i for i in range(n)] + [2 * i + 1 for i in range(n)]
        full = [Fraction(v) for v in tensor.transpose(order).reshape(-1).tolist()]
    return BellExpression(name, scenario, {j: v for j, v in enumerate(full) if v}, direction)


# -- documents ---------------------------------------------------------------------------

def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InputError(message)


def parse_expression(document, where: str = "$") -> BellExpression:
    """A :class:`BellExpression` (full-probability form) from a parsed document;
    raises :class:`InputError` naming the JSON path for anything malformed."""
    _require(isinstance(document, dict), f"{where}: expected a JSON object")
    _require(set(document) == _KEYS, f"{where}: expected exactly the keys {sorted(_KEYS)}, got {sorted(document)}")
    _require(document["format"] == FORMAT, f"{where}.format: expected {FORMAT!r}, got {document['format']!r}")
    _require(type(document["version"]) is int and document["version"] == VERSION,
             f"{where}.version: expected {VERSION}, got {document['version']!r}")
    name = document["name"]
    _require(isinstance(name, str) and name.replace("-", "").replace("_", "").isalnum() and len(name) <= 64,
             f"{where}.name: expected a short name of letters, digits, '-' and '_', got {name!r}")
    spec = document["scenario"]
    _require(isinstance(spec, dict) and set(spec) == {"parties", "settings", "outcomes"},
             f"{where}.scenario: expected an object with keys parties, settings, outcomes")
    parties = spec["parties"]
    _require(type(parties) is int and 1 <= parties <= 8, f"{where}.scenario.parties: expected an integer 1..8, got {parties!r}")
    for key in ("settings", "outcomes"):
        values = spec[key]
        _require(isinstance(values, list) and len(values) == parties,
                 f"{where}.scenario.{key}: expected a list of {parties} integers")
        for k, count in enumerate(values):
            _require(type(count) is int and 1 <= count <= 10,
                     f"{where}.scenario.{key}[{k}]: expected an integer 1..10, got {count!r}")
    scenario = Scenario(tuple(spec["settings"]), tuple(spec["outcomes"]))
    _require(scenario.num_probabilities <= _MAX_PROBABILITIES,
             f"{where}.scenario: {scenario.num_probabilities} probabilities, at most {_MAX_PROBABILITIES} supported")
    direction = document["direction"]
    _require(direction in ("minimise", "maximise"),
             f"{where}.direction: expected 'minimise' or 'maximise', got {direction!r}")
    representation = document["representation"]
    _check_representation(scenario, representation, f"{where}.representation")
    values = document["coefficients"]
    expected = representation_length(scenario, representation)
    _require(isinstance(values, list), f"{where}.coefficients: expected a list of rational strings")
    _require(len(values) == expected,
             f"{where}.coefficients: expected {expected} coefficients for {representation!r} "
             f"in scenario settings={list(scenario.settings)} outcomes={list(scenario.outcomes)}, got {len(values)}")
    coefficients = [parse_exact(v, f"{where}.coefficients[{k}]", canonical=True) for k, v in enumerate(values)]
    expression = from_representation(name, scenario, direction, representation, coefficients)
    _require(bool(expression.coefficients), f"{where}.coefficients: the expression is identically zero")
    return expression


def load_expression_file(path) -> BellExpression:
    """Read and parse an expression file strictly (no floats, NaN, duplicate keys)."""
    path = Path(path)
    document = load_document(path)
    try:
        return parse_expression(document)
    except InputError as error:
        raise InputError(f"{path}: {error}") from None


def expression_document(expression: BellExpression, representation: str = SIGNALING) -> dict:
    """The input-format document of an expression (round trip of :func:`parse_expression`)."""
    return {"format": FORMAT, "version": VERSION, "name": expression.name,
            "scenario": expression.scenario.to_json(), "direction": expression.direction,
            "representation": representation,
            "coefficients": [format_exact(v) for v in to_representation(expression, representation)]}


# -- a short readable form ------------------------------------------------------------------

def _signaling_size(expression: BellExpression) -> int:
    """Outcomes a per-setting listing names: per setting and coefficient, the outcomes carrying it
    or (when shorter) the zero outcomes of a setting whose other outcomes share one coefficient."""
    scenario = expression.scenario
    per_setting: dict[int, list[Fraction]] = {}
    for index, value in expression.coefficients.items():
        per_setting.setdefault(index // scenario.num_outcome_tuples, []).append(value)
    size = 0
    for values in per_setting.values():
        if len(set(values)) == 1:
            size += min(len(values), scenario.num_outcome_tuples - len(values) + 1)
        else:
            size += len(values)
    return size


def shortest_terms(expression: BellExpression, limit: int = 4096) -> tuple[str, list[tuple[str, Fraction]]]:
    """The expression in whichever representation names fewest terms: ``(representation, [(label, c)])``.

    Candidates: the correlators (every party binary), Collins-Gisin (up to
    ``limit`` probabilities: the conversion is dense) and the full
    probabilities (sized as a per-setting listing, :func:`_signaling_size`);
    ties go to that order. The two no-signalling forms are exact on
    no-signalling boxes.

    >>> from certify.formats.library import chsh_expression
    >>> representation, terms = shortest_terms(chsh_expression())
    >>> representation, terms[:2]
    ('Non-signaling Correlators', [('1', Fraction(2, 1)), ('A(0) B(0)', Fraction(-1, 2))])
    """
    scenario = expression.scenario
    options = []
    if all(d == 2 for d in scenario.outcomes):
        options.append(CORRELATORS)
    if scenario.num_probabilities <= limit:
        options.append(COLLINS_GISIN)
    best = None
    for preference, representation in enumerate(options):
        labels = representation_labels(scenario, representation)
        terms = [(label, v) for label, v in zip(labels, to_representation(expression, representation)) if v]
        if best is None or len(terms) < best[0]:
            best = (len(terms), representation, terms)
    signaling = _signaling_size(expression)
    if best is None or signaling < best[0]:
        return SIGNALING, [(scenario.pair_key(j), v) for j, v in expression.coefficients.items()]
    return best[1], best[2]
