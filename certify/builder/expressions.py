"""Certificates for any Bell expression: bounds, and output bounds for every pair.

For an expression B (direction minimise or maximise) the *penalty form* is
``C = sign * B`` with ``sign = +1`` (minimise) or ``-1`` (maximise), and the
*penalty value* of a no-signalling box is ``δ(P) = C.P - offset`` where
``offset = min C.P`` over no-signalling boxes (the no-signalling optimum in
penalty form). So δ >= 0 on the no-signalling polytope and δ = 0 exactly at
its optimum; for the library's games (``C >= 0`` with a no-signalling box
winning every round) ``sign = 1`` and ``offset = 0``, and δ is the plain sum
B.P of the paper.

Two document kinds (``docs/certificate-format.md``):

* ``certify/expression-bounds`` (one per expression, ``bounds.json``): the
  local bound with an optimal deterministic strategy, the no-signalling
  optimum with a dual certificate and a witness box, and the largest output
  probability at the no-signalling optimum (max over pairs of v(0)).
* ``certify/expression-bound`` (one per pair (u*, x*), every setting
  including those B does not use): the exact value function
  ``v(δ) = max P(x*|u*) subject to δ(P) <= δ`` with one dual certificate per
  piece (each valid for every no-signalling box, so for all δ at once) and
  an exact witness box per breakpoint, as for Lemma 11 but with no
  paper-specific claim.

Pairs are solved once per orbit of the symmetries found by
:func:`certify.lp.symmetry.orbit_transversal` and mapped to the other members;
every document passes :func:`verify_expression_document` /
:func:`verify_bounds_document` before it is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

from certify.lp.expression import BellExpression
from certify.builder.lemma11 import (_bell_value, _check_box, _check_inequality, _check_target, _integer, _object, _require,
                                 _system, check_value_function, parse_rational)
from certify.errors import ClaimNotProven, InputError
from certify.builder.jsonio import rational, sparse
from certify.lp.local_bound import deterministic_box_value, local_bound
from certify.lp.program import Inequality, NoSignallingLP
from certify.builder.pairs import _row_images, _slack
from certify.lp.scenario import Scenario
from certify.lp.symmetry import apply, orbit_transversal
from certify.lp.value_function import ValueFunction, compute_value_function

__all__ = ["PAIR_FORMAT", "BOUNDS_FORMAT", "VERSION", "penalty_form", "ExpressionCertifier",
           "verify_expression_document", "verify_bounds_document"]

PAIR_FORMAT = "certify/expression-bound"
BOUNDS_FORMAT = "certify/expression-bounds"
VERSION = 1


def penalty_form(expression: BellExpression) -> tuple[int, BellExpression]:
    """``(sign, C)`` with ``C = sign * B`` to be minimised.

    >>> from certify.formats.library import chsh_expression
    >>> sign, c = penalty_form(chsh_expression())
    >>> sign, c.direction, c.coefficient_at("11|00")
    (1, 'minimise', Fraction(1, 1))
    """
    sign = 1 if expression.direction == "minimise" else -1
    coefficients = {j: sign * v for j, v in expression.coefficients.items()}
    return sign, BellExpression(expression.name, expression.scenario, coefficients, "minimise")


@dataclass(frozen=True)
class PairResult:
    target: int
    value_function: ValueFunction
    piece_certificates: tuple[Inequality, ...]


def _expression_json(expression: BellExpression) -> dict:
    return {"name": expression.name, "direction": expression.direction,
            "coefficients": sparse(expression.dense())}


def _inequality_json(inequality: Inequality, offset: Fraction) -> dict:
    bound = inequality.constant - inequality.slope * offset
    return {"bound": rational(bound), "multipliers": [[r, rational(v)] for r, v in inequality.multipliers]}


class ExpressionCertifier:
    """Solves the bounds and the orbit representatives of one expression; builds
    and verifies the document of any pair."""

    def __init__(self, expression: BellExpression, symmetry: bool = True) -> None:
        self.expression = expression
        self.scenario = expression.scenario
        self.sign, self.penalty = penalty_form(expression)
        self.lp = NoSignallingLP(self.penalty)
        self.offset, _ = self.lp.minimise_bell()
        self.lp.offset = self.offset
        size = self.lp.size
        if symmetry:
            self.orbits, self.transversal = orbit_transversal(self.penalty)
        else:
            self.orbits = {j: [j] for j in range(size)}
            self.transversal = {j: tuple(range(size)) for j in range(size)}
        self.representative_of = {j: rep for rep, members in self.orbits.items() for j in members}
        self.solved: dict[int, PairResult] = {}

    # -- bounds ---------------------------------------------------------------------
    def ns_optimum(self) -> tuple[Fraction, Inequality, tuple[Fraction, ...]]:
        """Penalty-form optimum with a canonical certificate (slope 1, no target:
        ``0 <= 0 + 1 * (C.P - offset)``) and the canonical optimal box."""
        certificate = self.lp.canonical_certificate(None, Fraction(1), Fraction(0))
        witness = self.lp.canonical_box(None, None, -self.offset, Fraction(1))
        return self.offset, certificate, witness

    def bounds_document(self, pair_values: dict[int, Fraction] | None = None) -> dict:
        """The ``certify/expression-bounds`` document (verified)."""
        local = local_bound(self.penalty, "minimise")
        offset, certificate, witness = self.ns_optimum()
        if pair_values is None:
            pair_values = {j: self.pair(j).value_function.breakpoints[0][1] for j in range(self.lp.size)}
        best = max(pair_values.values())
        best_pair = min(j for j, v in pair_values.items() if v == best)
        scenario = self.scenario
        document = {
            "format": BOUNDS_FORMAT, "version": VERSION,
            "scenario": scenario.to_json(),
            "expression": _expression_json(self.expression),
            "penalty": {"sign": self.sign, "offset": rational(offset)},
            "local_bound": {"value": rational(self.sign * local.value),
                            "strategy": ["".join(map(str, party)) for party in local.strategy]},
            "ns_optimum": {"value": rational(self.sign * offset),
                           "certificate": _inequality_json(certificate, offset),
                           "witness": sparse(witness)},
            "is_bell_inequality": local.value != offset,
            "max_output_probability_at_ns_optimum": {"value": rational(best),
                                                     "pair": scenario.pair_key(best_pair)},
        }
        verify_bounds_document(document, self.expression)
        return document

    # -- pairs ------------------------------------------------------------------------
    def _solve(self, target: int) -> PairResult:
        lp = self.lp
        function = compute_value_function(lp, target)
        witnesses = tuple(lp.canonical_box(target, d, v) for d, v in function.breakpoints)
        function = ValueFunction(target, function.breakpoints, function.pieces, witnesses)
        pieces = tuple(lp.canonical_certificate(target, s, a) for a, s in function.pieces)
        return PairResult(target, function, pieces)

    def _map(self, result: PairResult, g: tuple[int, ...]) -> PairResult:
        lp = self.lp
        target = g[result.target]
        row_images = _row_images(lp, g)

        def image(inequality: Inequality) -> Inequality:
            if row_images is None:
                slack = apply(g, _slack(lp, inequality))
                return lp.certificate_from_slack(target, inequality.slope, inequality.constant, slack)
            multipliers = sorted((row_images[r][0], row_images[r][1] * y) for r, y in inequality.multipliers)
            return Inequality(target, inequality.constant, inequality.slope, tuple(multipliers))

        function = result.value_function
        mapped = ValueFunction(target, function.breakpoints, function.pieces,
                               tuple(tuple(apply(g, w)) for w in function.witnesses))
        return PairResult(target, mapped, tuple(image(c) for c in result.piece_certificates))

    def solve_representatives(self, progress: Callable[[int, int], None] | None = None) -> None:
        for k, rep in enumerate(sorted(self.orbits)):
            if rep not in self.solved:
                self.solved[rep] = self._solve(rep)
            if progress is not None:
                progress(k + 1, len(self.orbits))

    def pair(self, target: int) -> PairResult:
        rep = self.representative_of[target]
        if rep not in self.solved:
            self.solved[rep] = self._solve(rep)
        if target == rep:
            return self.solved[rep]
        return self._map(self.solved[rep], self.transversal[target])

    def pair_document(self, target: int) -> dict:
        """The verified ``certify/expression-bound`` document of one pair."""
        result = self.pair(target)
        scenario = self.scenario
        setting, outcome = scenario.pair_key(target).split("|")
        function = result.value_function
        document = {
            "format": PAIR_FORMAT, "version": VERSION,
            "scenario": scenario.to_json(),
            "expression": _expression_json(self.expression),
            "penalty": {"sign": self.sign, "offset": rational(self.offset)},
            "target": {"setting": setting, "outcome": outcome, "index": target},
            "value_function": {
                "breakpoints": [{"bell_value": rational(d), "value": rational(v), "witness": sparse(w)}
                                for (d, v), w in zip(function.breakpoints, function.witnesses)],
                "pieces": [{"constant": rational(a), "slope": rational(s),
                            "certificate": _inequality_json(cert, self.offset)}
                           for (a, s), cert in zip(function.pieces, result.piece_certificates)],
            },
        }
        verify_expression_document(document, self.expression)
        return document


# -- the builder's exact checks ------------------------------------------------------------

def _scenario(spec) -> Scenario:
    spec = _object(spec, "$.scenario", {"parties", "settings", "outcomes"})
    parties = _integer(spec["parties"], "$.scenario.parties")
    _require(1 <= parties <= 8, "$.scenario.parties: expected 1..8")
    for key in ("settings", "outcomes"):
        _require(isinstance(spec[key], list) and len(spec[key]) == parties,
                 f"$.scenario.{key}: expected a list of {parties} integers")
        for k, count in enumerate(spec[key]):
            _require(_integer(count, f"$.scenario.{key}[{k}]") in range(1, 11), f"$.scenario.{key}[{k}]: expected 1..10")
    scenario = Scenario(tuple(spec["settings"]), tuple(spec["outcomes"]))
    _require(scenario.num_probabilities <= 65_536, "$.scenario: more than 65536 probabilities")
    return scenario


def _common(document, keys: set[str], format_name: str, expected: BellExpression):
    """Check the shared header; returns (scenario, penalty coefficients C dense, sign, offset)."""
    document = _object(document, "$", keys)
    _require(document["format"] == format_name, f"$.format: expected {format_name!r}, got {document['format']!r}")
    _require(type(document["version"]) is int and document["version"] == VERSION,
             f"$.version: expected {VERSION}, got {document['version']!r}")
    scenario = _scenario(document["scenario"])
    _require(scenario == expected.scenario, "$.scenario: does not match the expression")
    spec = _object(document["expression"], "$.expression", {"name", "direction", "coefficients"})
    _require(spec["name"] == expected.name, f"$.expression.name: expected {expected.name!r}")
    _require(spec["direction"] == expected.direction, f"$.expression.direction: expected {expected.direction!r}")
    from certify.builder.lemma11 import _sparse
    coefficients = _sparse(spec["coefficients"], scenario.num_probabilities, "$.expression.coefficients")
    if coefficients != dict(expected.coefficients):
        raise ClaimNotProven("$.expression.coefficients: differ from the expression")
    penalty = _object(document["penalty"], "$.penalty", {"sign", "offset"})
    sign = penalty["sign"]
    _require(type(sign) is int and sign == (1 if expected.direction == "minimise" else -1),
             "$.penalty.sign: expected 1 for minimise, -1 for maximise")
    offset = parse_rational(penalty["offset"], "$.penalty.offset")
    bell = [sign * v for v in expected.dense()]
    return document, scenario, bell, sign, offset


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
    document, scenario, bell, sign, offset = _common(document, keys, BOUNDS_FORMAT, expression)
    system = _system(scenario)
    local = _object(document["local_bound"], "$.local_bound", {"value", "strategy"})
    local_value = parse_rational(local["value"], "$.local_bound.value")
    strategy_text = local["strategy"]
    _require(isinstance(strategy_text, list) and len(strategy_text) == scenario.num_parties,
             "$.local_bound.strategy: expected one string per party")
    strategy = []
    for i, text in enumerate(strategy_text):
        _require(isinstance(text, str) and len(text) == scenario.settings[i]
                 and all(c.isdigit() and int(c) < scenario.outcomes[i] for c in text),
                 f"$.local_bound.strategy[{i}]: expected one outcome digit per setting of party {i + 1}")
        strategy.append(tuple(int(c) for c in text))
    if deterministic_box_value(expression, strategy) != local_value:
        raise ClaimNotProven("$.local_bound: the strategy does not attain the stated value")
    exhaustive = local_bound(expression)
    if exhaustive.value != local_value:
        raise ClaimNotProven(f"$.local_bound.value: enumeration gives {exhaustive.value}, not {local_value}")
    optimum = _object(document["ns_optimum"], "$.ns_optimum", {"value", "certificate", "witness"})
    _require(parse_rational(optimum["value"], "$.ns_optimum.value") == sign * offset,
             "$.ns_optimum.value: must equal sign * penalty offset")
    bound = _check_inequality(system, bell, None, Fraction(1), optimum["certificate"], "$.ns_optimum.certificate")
    if bound != -offset:
        raise ClaimNotProven(f"$.ns_optimum.certificate: proves C.P >= {-bound}, not the offset {offset}")
    witness = _check_box(system, optimum["witness"], "$.ns_optimum.witness")
    if _bell_value(bell, witness) != offset:
        raise ClaimNotProven("$.ns_optimum.witness: does not attain the optimum")
    _require(type(document["is_bell_inequality"]) is bool, "$.is_bell_inequality: expected true or false")
    if document["is_bell_inequality"] != (local_value != sign * offset):
        raise ClaimNotProven("$.is_bell_inequality: inconsistent with the two bounds")
    best = _object(document["max_output_probability_at_ns_optimum"], "$.max_output_probability_at_ns_optimum",
                   {"value", "pair"})
    best_value = parse_rational(best["value"], "$.max_output_probability_at_ns_optimum.value")
    try:
        scenario.index_of_key(best["pair"])
    except ValueError as error:
        raise InputError(f"$.max_output_probability_at_ns_optimum.pair: {error}") from None
    if pair_values is not None:
        if len(pair_values) != scenario.num_probabilities:
            raise ClaimNotProven("max output probability: not every pair is certified")
        if max(pair_values.values()) != best_value or pair_values.get(best["pair"]) != best_value:
            raise ClaimNotProven("$.max_output_probability_at_ns_optimum: differs from the pair certificates")
    return {"local_bound": local_value, "ns_optimum": sign * offset, "max_output_probability": best_value}


def verify_expression_document(document, expression: BellExpression) -> dict:
    """Exact check of one ``certify/expression-bound`` document (value function
    of one pair, in penalty form); returns a short summary."""
    keys = {"format", "version", "scenario", "expression", "penalty", "target", "value_function"}
    document, scenario, bell, sign, offset = _common(document, keys, PAIR_FORMAT, expression)
    system = _system(scenario)
    target = _check_target(document["target"], scenario)
    points, lines = check_value_function(system, bell, target, document["value_function"], offset)
    return {"target": scenario.pair_key(target), "breakpoints": points, "pieces": lines}


# -- orbit representatives with symmetry maps ----------------------------------------------

SYMMETRY_FORMAT = "certify/expression-symmetry"


def symmetry_document(expression: BellExpression) -> tuple[dict, list[int]]:
    """The ``certify/expression-symmetry`` document of an expression and the
    representative indices whose pair documents must accompany it (verified)."""
    from certify.lp.symmetry import orbit_words

    scenario = expression.scenario
    found, generators, words = orbit_words(expression)
    representative_of = {j: rep for rep, members in found.items() for j in members}
    document = {
        "format": SYMMETRY_FORMAT, "version": VERSION,
        "scenario": scenario.to_json(),
        "expression": _expression_json(expression),
        "generators": generators,
        "pairs": [{"pair": scenario.pair_key(j), "representative": scenario.pair_key(representative_of[j]),
                   "word": words[j]} for j in range(scenario.num_probabilities)],
    }
    verify_symmetry_document(document, expression)
    return document, sorted(found)


def invariant_images(scenario: Scenario, structures, where: str, coefficients: dict,
                     fixed: int | None = None) -> list[list[int]]:
    """Index maps of the relabelings ``structures`` (see
    :func:`certify.lp.symmetry.relabeling_image`), each checked exactly to map every
    coefficient to an equal one and, when ``fixed`` is given, to fix that index."""
    from certify.lp.symmetry import relabeling_image

    _require(isinstance(structures, (list, tuple)), f"{where}: expected a list of relabelings")
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

    keys = {"format", "version", "scenario", "expression", "generators", "pairs"}
    document = _object(document, "$", keys)
    _require(document["format"] == SYMMETRY_FORMAT, f"$.format: expected {SYMMETRY_FORMAT!r}")
    _require(type(document["version"]) is int and document["version"] == VERSION, f"$.version: expected {VERSION}")
    scenario = _scenario(document["scenario"])
    _require(scenario == expression.scenario, "$.scenario: does not match the expression")
    spec = _object(document["expression"], "$.expression", {"name", "direction", "coefficients"})
    _require(spec["name"] == expression.name and spec["direction"] == expression.direction,
             "$.expression: name or direction differ from the expression")
    from certify.builder.lemma11 import _sparse
    if _sparse(spec["coefficients"], scenario.num_probabilities, "$.expression.coefficients") != dict(expression.coefficients):
        raise ClaimNotProven("$.expression.coefficients: differ from the expression")
    generators = document["generators"]
    _require(isinstance(generators, list), "$.generators: expected a list")
    images = invariant_images(scenario, generators, "$.generators", dict(expression.coefficients))
    pairs = document["pairs"]
    _require(isinstance(pairs, list) and len(pairs) == scenario.num_probabilities,
             f"$.pairs: expected {scenario.num_probabilities} entries, one per pair in canonical order")
    result = {}
    for j, entry in enumerate(pairs):
        where = f"$.pairs[{j}]"
        entry = _object(entry, where, {"pair", "representative", "word"})
        _require(entry["pair"] == scenario.pair_key(j), f"{where}.pair: expected {scenario.pair_key(j)!r}")
        try:
            start = scenario.index_of_key(entry["representative"])
        except ValueError as error:
            raise InputError(f"{where}.representative: {error}") from None
        word = entry["word"]
        _require(isinstance(word, list) and all(type(p) is int and 0 <= p < len(images) for p in word),
                 f"{where}.word: expected generator positions 0..{len(images) - 1}")
        position = start
        for p in word:
            position = images[p][position]
        if position != j:
            raise ClaimNotProven(f"{where}: the word maps {entry['representative']} to "
                                 f"{scenario.pair_key(position)}, not to {entry['pair']}")
        result[entry["pair"]] = entry["representative"]
    for pair, representative in result.items():
        _require(result[representative] == representative, f"$.pairs: {representative} is not its own representative")
    return result
