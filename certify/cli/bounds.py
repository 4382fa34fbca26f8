"""``certify bounds`` and the general-expression path of ``certify optimum``.

``certify bounds --expression NAME_OR_FILE`` prints, all exact:

* ``local_bound``: the extremum of B.P over local boxes (enumeration of
  deterministic strategies, :mod:`certify.lp.local_bound`), in the expression's
  own direction;
* ``ns_optimum``: the extremum over no-signalling boxes (exact LP with a
  dual certificate);
* ``is_bell_inequality``: true when the two differ;
* ``max_output_probability_at_ns_optimum``: the largest P(x*|u*), over every
  setting and outcome, among no-signalling boxes attaining the optimum, i.e.
  the maximum over pairs of v(0) in penalty form (one exact LP per orbit of
  pairs under the symmetries found).
"""

from __future__ import annotations

import json
import sys
from fractions import Fraction

from certify.lp.expression import BellExpression
from certify.cli.lemma11 import select_targets
from certify.builder.lemma11 import _bell_value, _check_box, _check_inequality, _system
from certify.errors import ClaimNotProven
from certify.builder.expressions import ExpressionCertifier, penalty_form
from certify.formats.native import canonical_order
from certify.formats.library import builtin_names, resolve_expression
from certify.builder.jsonio import rational, sparse
from certify.lp.local_bound import local_bound
from certify.progress import Progress

__all__ = ["add_parser", "expression_bounds", "expression_optimum_table", "reduced_optimum_table"]


REDUCED_ABOVE = 1024
"""Scenarios with more probabilities use the symmetry-reduced LPs of
:mod:`certify.lp.reduced` (the dense rational engine is too slow there)."""


def _bounds_summary(expression: BellExpression, sign, offset, local, best, attaining, count, orbits,
                    method: str) -> dict:
    """The JSON of ``certify bounds`` (both the full and the symmetry-reduced path)."""
    scenario = expression.scenario
    return {
        "expression": expression.name, "direction": expression.direction, "scenario": scenario.to_json(),
        "canonical_order": canonical_order(scenario),
        "local_bound": rational(sign * local.value),
        "local_strategy": ["".join(map(str, party)) for party in local.strategy],
        "ns_optimum": rational(sign * offset),
        "is_bell_inequality": local.value != offset,
        "max_output_probability_at_ns_optimum": rational(best),
        "pairs_attaining_max": [scenario.pair_key(j) for j in attaining[:16]],
        "num_pairs_attaining_max": count,
        "pair_orbits": orbits,
        "method": method,
    }


def reduced_bounds(expression: BellExpression, show_progress: bool = False) -> dict:
    """The same numbers by symmetry-reduced exact LPs (:mod:`certify.lp.reduced`):
    for an expression with the parity-family moves, the verified family document
    (:func:`certify.builder.families.family_document`, as stored for the
    N-party families); otherwise one reduced LP per pair."""
    from certify.builder.families import certified_ns_optimum, family_document, pair_orbit_labels
    from certify.lp.no_signalling import NoSignallingSystem
    from certify.lp.reduced import parity_family_targets, reduced_max_output_at_optimum

    sign, penalty = penalty_form(expression)
    local = local_bound(penalty, "minimise")
    progress = Progress("bounds", show_progress)
    if parity_family_targets(penalty) is not None:
        document = family_document(expression, progress=progress)
        offset = Fraction(document["penalty"]["offset"])
        values = {expression.scenario.index_of_key(rep["pair"]): Fraction(rep["value"])
                  for rep in document["representatives"]}
        best = max(values.values())
        labels = pair_orbit_labels(penalty)
        best_labels = {labels[t] for t, v in values.items() if v == best}
        attaining = [j for j, label in enumerate(labels) if label in best_labels]
        return _bounds_summary(expression, sign, offset, local, best, attaining, len(attaining), len(values),
                               "symmetry-reduced exact LPs, one per orbit of pairs under party permutations "
                               "and two-party outcome flips (each checked exactly: the family certificate format)")
    offset = certified_ns_optimum(penalty, NoSignallingSystem.build(expression.scenario))
    best, best_target, values = reduced_max_output_at_optimum(penalty, None, offset, progress=progress)
    attaining = sorted(t for t, v in values.items() if v == best)
    return _bounds_summary(expression, sign, offset, local, best, attaining, None, len(values),
                           "symmetry-reduced exact LPs over every pair")


def expression_bounds(expression: BellExpression, symmetry: bool = True, show_progress: bool = False,
                      reduced: bool | None = None) -> dict:
    """Exact local bound, no-signalling optimum and largest output probability at it."""
    if reduced is None:
        reduced = expression.scenario.num_probabilities > REDUCED_ABOVE
    if reduced:
        return reduced_bounds(expression, show_progress)
    certifier = ExpressionCertifier(expression, symmetry=symmetry)
    sign, offset = certifier.sign, certifier.offset
    local = local_bound(certifier.penalty, "minimise")
    progress = Progress("bounds", show_progress)
    values = {}
    representatives = sorted(certifier.orbits)
    for done, rep in enumerate(representatives, start=1):
        point = certifier.lp.maximise_target(rep, Fraction(0))
        values[rep] = point.value
        progress(done, len(representatives))
    best = max(values.values())
    best_pairs = sorted(j for rep, value in values.items() if value == best for j in certifier.orbits[rep])
    return _bounds_summary(expression, sign, offset, local, best, best_pairs, len(best_pairs),
                           len(representatives), "exact LP per orbit of pairs on the full no-signalling polytope")


def _verify_point(certifier: ExpressionCertifier, target: int, bell_value: Fraction, value: Fraction,
                  inequality: dict, witness: list) -> None:
    """Exact check of ``value = max P_t s.t. C.P - offset <= bell_value``."""
    system = _system(certifier.scenario)
    bell = certifier.penalty.dense()
    slope = Fraction(inequality["slope"])
    bound = _check_inequality(system, bell, target, slope, inequality["certificate"], "certificate")
    if bound + slope * certifier.offset + slope * bell_value != value:
        raise ClaimNotProven(f"the certified line does not give {value}")
    box = _check_box(system, witness, "witness")
    if _bell_value(bell, box) - certifier.offset > bell_value or box[target] != value:
        raise ClaimNotProven("the witness does not attain the value within the Bell constraint")


def reduced_optimum_table(expression: BellExpression, bell_value: Fraction, setting: str | None = None,
                          outcome: str | None = None, with_certificates: bool = False,
                          show_progress: bool = False) -> dict:
    """As :func:`expression_optimum_table`, by symmetry-reduced exact LPs
    (:func:`certify.lp.reduced.reduced_certificate`): one LP per orbit of the
    selected pairs under the parity-family moves when the expression has them
    (every pair has its representative's value: relabelings keep v), else one per
    pair. Every value is checked exactly (reduced dual line and witness box,
    :func:`certify.builder.families.check_representative`); with certificates,
    those of the representatives are returned, keyed by representative."""
    from certify.builder.families import (certified_ns_optimum, check_representative, pair_orbit_labels,
                                             representative_json)
    from certify.lp.no_signalling import NoSignallingSystem
    from certify.lp.reduced import parity_family_targets, reduced_certificate

    scenario = expression.scenario
    targets = select_targets(scenario, setting, outcome)
    sign, penalty = penalty_form(expression)
    system = NoSignallingSystem.build(scenario)
    offset = certified_ns_optimum(penalty, system)
    family = parity_family_targets(penalty)
    if family is not None:
        labels = pair_orbit_labels(penalty)
        representative_of_label = {labels[t]: t for t in family}
        if set(representative_of_label) != set(labels):  # the covering argument of parity_family_targets
            raise ArithmeticError("the parity-family representatives do not cover every orbit of pairs")
        representative = {t: representative_of_label[labels[t]] for t in targets}
    else:
        representative = {t: t for t in targets}
    needed = sorted(set(representative.values()))
    progress = Progress("optimum", show_progress)
    coefficients = dict(penalty.coefficients)
    values, certificates = {}, {}
    for done, rep in enumerate(needed, start=1):
        document = representative_json(reduced_certificate(penalty, rep, offset, bell_value, system), scenario)
        values[rep] = check_representative(system, coefficients, document, offset + bell_value,
                                           f"certificate of {scenario.pair_key(rep)}")
        if with_certificates:
            certificates[scenario.pair_key(rep)] = document
        progress(done, len(needed))
    result = {"bell_value": rational(bell_value),
              "optima": {scenario.pair_key(t): rational(values[representative[t]]) for t in targets},
              "expression": expression.name, "penalty": {"sign": sign, "offset": rational(offset)},
              "canonical_order": canonical_order(scenario),
              "method": "symmetry-reduced exact LPs, one per " + (
                  "orbit of pairs under party permutations and two-party outcome flips"
                  if family is not None else "pair"),
              "representatives": {scenario.pair_key(t): scenario.pair_key(r) for t, r in representative.items()}}
    if with_certificates:
        result["certificates"] = certificates
    return result


def expression_optimum_table(expression: BellExpression, bell_value: Fraction, setting: str | None = None,
                             outcome: str | None = None, with_certificates: bool = False,
                             show_progress: bool = False, reduced: bool | None = None) -> dict:
    """``max P(x*|u*)`` subject to penalty value ``<= bell_value``, every (or one) pair
    (symmetry-reduced LPs above :data:`REDUCED_ABOVE` probabilities or when asked)."""
    if reduced is None:
        reduced = expression.scenario.num_probabilities > REDUCED_ABOVE
    if reduced:
        return reduced_optimum_table(expression, bell_value, setting, outcome, with_certificates, show_progress)
    scenario = expression.scenario
    targets = select_targets(scenario, setting, outcome)
    certifier = ExpressionCertifier(expression)
    progress = Progress("optimum", show_progress)
    optima, certificates = {}, {}
    for done, target in enumerate(targets, start=1):
        pair = certifier.pair(target)
        function = pair.value_function
        index = function.piece_index(bell_value)
        constant, slope = function.pieces[index]
        value = function.evaluate(bell_value)
        multipliers = pair.piece_certificates[index].multipliers
        inequality = {"constant": rational(constant), "slope": rational(slope),
                      "certificate": {"bound": rational(constant - slope * certifier.offset),
                                      "multipliers": [[r, rational(y)] for r, y in multipliers]}}
        witness = sparse(function.witness_at(bell_value))
        _verify_point(certifier, target, bell_value, value, inequality, witness)
        key = scenario.pair_key(target)
        optima[key] = rational(value)
        if with_certificates:
            certificates[key] = {"inequality": inequality, "witness": witness}
        progress(done, len(targets))
    result = {"bell_value": rational(bell_value), "optima": optima, "expression": expression.name,
              "penalty": {"sign": certifier.sign, "offset": rational(certifier.offset)},
              "canonical_order": canonical_order(scenario)}
    if with_certificates:
        result["certificates"] = certificates
    return result


def _run_bounds(args) -> int:
    expression = resolve_expression(args.expression)
    result = expression_bounds(expression, symmetry=not args.no_symmetry,
                               show_progress=not args.json and sys.stderr.isatty(),
                               reduced=True if args.reduced else None)
    if args.json:
        print(json.dumps(result, sort_keys=True))
        return 0
    sense = "min" if expression.direction == "minimise" else "max"
    print(f"{expression.name} ({expression.direction} B.P; {result['canonical_order']})")
    print(f"  local bound ({sense} over deterministic strategies): {result['local_bound']}"
          f"  strategy {' '.join(result['local_strategy'])}")
    print(f"  no-signalling optimum:                         {result['ns_optimum']}")
    print(f"  Bell inequality (bounds differ):               {result['is_bell_inequality']}")
    print(f"  max P(x*|u*) at the no-signalling optimum:     {result['max_output_probability_at_ns_optimum']}"
          f"  (e.g. at {result['pairs_attaining_max'][0]})")
    print(f"  method: {result['method']}")
    return 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "bounds", help="exact local bound, no-signalling optimum and max output probability of a Bell expression",
        description=("For a built-in Bell expression or an expression file (format certify/bell-expression, "
                     "see docs/certificate-format.md): the exact local bound (all deterministic strategies), "
                     "the exact no-signalling optimum, whether it is a Bell inequality (the two differ), and "
                     "the largest output probability P(x*|u*) over all settings and outcomes among "
                     "no-signalling boxes attaining the optimum. Built-ins: " + ", ".join(builtin_names())))
    parser.add_argument("--expression", required=True, metavar="NAME_OR_FILE",
                        help="a built-in name or a JSON expression file")
    parser.add_argument("--no-symmetry", action="store_true",
                        help="solve every pair instead of one per symmetry orbit")
    parser.add_argument("--reduced", action="store_true",
                        help=f"use symmetry-reduced exact LPs (automatic above {REDUCED_ABOVE} probabilities)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(func=_run_bounds)


def penalty_description(expression: BellExpression) -> str:
    sign, _ = penalty_form(expression)
    return "B.P - offset" if sign == 1 else "offset - B.P"
