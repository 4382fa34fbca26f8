"""Symmetry-reduced certificates of the N-party families (``certify/expression-reduced``).

One self-contained document per family member (``certificates/families/<name>.json``;
the format is in ``docs/certificate-format.md``) proves, for the penalty form C:

* the local bound (a deterministic strategy and the exhaustive enumeration of
  :mod:`certify.lp.local_bound`);
* the no-signalling optimum ``min C.P`` (a reduced dual certificate, attained by
  every representative's witness);
* ``v_t(0) = max{P_t : P no-signalling, C.P <= offset}`` for one representative t
  of every orbit of pairs under :func:`certify.lp.reduced.parity_family_moves`,
  each by a dual certificate of the LP reduced by a stabiliser subgroup of t and
  an orbit-constant witness box (:func:`certify.lp.reduced.reduced_certificate`);
* hence the largest output probability at the no-signalling optimum.

The reduced dual is checked on orbit sums: for multipliers y and slope λ,
``s_O = sum_{j in O} (y.A_j - [j = t] + λ C_j) >= 0`` for every orbit O of the
stabiliser group H gives ``P_t <= y.b + λ C.P`` for every H-invariant
no-signalling box, and averaging over H extends it to every box (H fixes t and
C, and relabelings keep no-signalling). :func:`verify_family_document` checks a
document exactly in these terms before it is written; the trusted checker
(:func:`certify.checker.core.check_expression_reduced`) does so independently.
"""

from __future__ import annotations

import multiprocessing
from fractions import Fraction
from typing import Callable

import numpy as np

from certify.lp.expression import BellExpression
from certify.builder.lemma11 import _checked_box_parts, _object, _require, _scaled, _sparse_parts, parse_rational
from certify.errors import ClaimNotProven, InputError
from certify.builder.expressions import _expression_json, invariant_images, penalty_form
from certify.builder.jsonio import rational
from certify.lp.local_bound import deterministic_box_value, local_bound
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.reduced import (ReducedCertificate, _orbit_labels, parity_family_moves,
                                  parity_family_targets, reduced_certificate)

__all__ = ["REDUCED_FORMAT", "family_document", "verify_family_document", "representative_json",
           "check_representative", "pair_orbit_labels", "certified_ns_optimum"]

REDUCED_FORMAT = "certify/expression-reduced"
VERSION = 1


def _certificate_json(certificate) -> dict:
    return {"bound": rational(certificate.bound),
            "multipliers": [[r, rational(y)] for r, y in sorted(certificate.multipliers.items())]}


_JOB: tuple | None = None  # (penalty, offset or None, system, document or None), shared with forked workers


def _solve_target(target: int) -> ReducedCertificate:
    assert _JOB is not None
    penalty, offset, system, _ = _JOB
    return reduced_certificate(penalty, target, offset, system=system)


def _check_entry(k: int) -> Fraction:
    assert _JOB is not None
    penalty, offset, system, document = _JOB
    return check_representative(system, dict(penalty.coefficients), document["representatives"][k], offset,
                                f"$.representatives[{k}]")


def _mapped(function, items: list, workers: int, progress: Callable[[int, int], None] | None) -> list:
    """``[function(item) for item in items]``, in ``workers`` forked processes when
    more than one (the results do not depend on which process computed them)."""
    results = []
    if workers > 1 and len(items) > 1 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for result in pool.imap(function, items):
                results.append(result)
                if progress is not None:
                    progress(len(results), len(items))
        return results
    for item in items:
        results.append(function(item))
        if progress is not None:
            progress(len(results), len(items))
    return results


def family_document(expression: BellExpression, progress: Callable[[int, int], None] | None = None,
                    workers: int = 1) -> dict:
    """The verified ``certify/expression-reduced`` document of a binary parity
    family member (invariant under :func:`parity_family_moves`); the
    representatives are solved and checked in ``workers`` processes."""
    scenario = expression.scenario
    sign, penalty = penalty_form(expression)
    targets = parity_family_targets(penalty)
    if targets is None:
        raise InputError(f"{expression.name}: reduced family certificates need a binary expression invariant "
                         f"under party permutations and two-party outcome flips")
    system = NoSignallingSystem.build(scenario)
    local = local_bound(penalty, "minimise")
    ns = reduced_certificate(penalty, None, system=system)
    offset = ns.value  # verified below with the whole document
    global _JOB
    _JOB = (penalty, offset, system, None)
    try:
        representatives = _mapped(_solve_target, targets, workers, progress)
    finally:
        _JOB = None
    best = max(rep.value for rep in representatives)
    best_pair = next(rep.target for rep in representatives if rep.value == best)
    document = {
        "format": REDUCED_FORMAT, "version": VERSION,
        "scenario": scenario.to_json(),
        "expression": _expression_json(expression),
        "penalty": {"sign": sign, "offset": rational(offset)},
        "symmetry": parity_family_moves(scenario),
        "local_bound": {"value": rational(sign * local.value),
                        "strategy": ["".join(map(str, party)) for party in local.strategy]},
        "ns_optimum": {"value": rational(sign * offset), "stabiliser": list(ns.generators),
                       "certificate": _certificate_json(ns)},
        "representatives": [representative_json(rep, scenario) for rep in representatives],
        "is_bell_inequality": local.value != offset,
        "max_output_probability_at_ns_optimum": {"value": rational(best), "pair": scenario.pair_key(best_pair)},
    }
    verify_family_document(document, expression, system, workers)
    return document


def _group_orbits(scenario, structures, where: str, coefficients: dict, fixed: int | None = None) -> np.ndarray:
    """Orbit labels under the relabelings ``structures``, each checked to keep C
    (and to fix ``fixed``)."""
    images = invariant_images(scenario, structures, where, coefficients, fixed)
    return _orbit_labels(scenario.num_probabilities, [np.array(image, dtype=np.int64) for image in images])


def _check_reduced_inequality(system: NoSignallingSystem, coefficients: dict, labels: np.ndarray,
                              target: int | None, slope: Fraction, certificate, where: str) -> Fraction:
    """Orbit sums of ``y.A_j - [j = t] + slope C_j`` are >= 0; returns the bound (exact)."""
    certificate = _object(certificate, where, {"bound", "multipliers"})
    bound = parse_rational(certificate["bound"], f"{where}.bound")
    numerators, denominator = _scaled(_sparse_parts(certificate["multipliers"], len(system.rows),
                                                    f"{where}.multipliers"))
    # Everything over the integer scale denominator * q * (common denominator of C).
    c_numerators, c_denominator = _scaled({j: (v.numerator, v.denominator) for j, v in coefficients.items()})
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


def pair_orbit_labels(expression: BellExpression) -> list[int]:
    """Orbit label (smallest member) of every pair under :func:`parity_family_moves`,
    each move checked to keep the expression's coefficients."""
    return _group_orbits(expression.scenario, parity_family_moves(expression.scenario), "symmetry",
                         dict(expression.coefficients)).tolist()


def certified_ns_optimum(penalty: BellExpression, system: NoSignallingSystem) -> Fraction:
    """``min C.P`` over no-signalling boxes by the reduced LP, checked exactly:
    the reduced certificate proves ``C.P >= optimum`` and its witness, expanded,
    is a no-signalling box with ``C.W = optimum``."""
    ns = reduced_certificate(penalty, None, system=system)
    coefficients = dict(penalty.coefficients)
    labels = _group_orbits(system.scenario, ns.generators, "ns_optimum.stabiliser", coefficients)
    bound = _check_reduced_inequality(system, coefficients, labels, None, Fraction(1), _certificate_json(ns),
                                      "ns_optimum.certificate")
    parts = _checked_box_parts(system, [[j, rational(v)] for j, v in enumerate(ns.box()) if v], "ns_optimum.witness")
    attained = sum((Fraction(*parts[j]) * c for j, c in coefficients.items() if j in parts), Fraction(0))
    if attained != -bound or ns.value != -bound:
        raise ClaimNotProven(f"ns_optimum: certificate gives {-bound}, witness {attained}")
    return ns.value


def representative_json(certificate: ReducedCertificate, scenario) -> dict:
    """The JSON of one reduced certificate with a target (as in the family documents)."""
    return {"pair": scenario.pair_key(certificate.target), "value": rational(certificate.value),
            "stabiliser": list(certificate.generators), "slope": rational(certificate.slope),
            "certificate": _certificate_json(certificate),
            "witness": [[j, rational(v)] for j, v in sorted(certificate.witness.items())]}


def _pair_index(scenario, key, where: str) -> int:
    try:
        return scenario.index_of_key(key)
    except ValueError as error:
        raise InputError(f"{where}: {error}") from None


def check_representative(system: NoSignallingSystem, coefficients: dict, rep, limit: Fraction, where: str) -> Fraction:
    """Exact check of one reduced certificate ``rep`` (see :func:`representative_json`):
    ``v_t(δ) = value`` where ``limit = offset + δ`` bounds C.P. Returns the value."""
    scenario = system.scenario
    rep = _object(rep, where, {"pair", "value", "stabiliser", "slope", "certificate", "witness"})
    target = _pair_index(scenario, rep["pair"], f"{where}.pair")
    labels = _group_orbits(scenario, rep["stabiliser"], f"{where}.stabiliser", coefficients, target)
    slope = parse_rational(rep["slope"], f"{where}.slope")
    value = parse_rational(rep["value"], f"{where}.value")
    _require(slope >= 0, f"{where}.slope: must be >= 0")
    bound = _check_reduced_inequality(system, coefficients, labels, target, slope, rep["certificate"],
                                      f"{where}.certificate")
    if bound + slope * limit != value:
        raise ClaimNotProven(f"{where}: bound {bound} + slope * {limit} differs from the value {value}")
    witness = _sparse_parts(rep["witness"], scenario.num_probabilities, f"{where}.witness")
    label_list = labels.tolist()
    _require(all(label_list[j] == j for j in witness), f"{where}.witness: entries must sit at orbit minima")
    expanded = [[j, rational(Fraction(*witness[label]))] for j, label in enumerate(label_list) if label in witness]
    parts = _checked_box_parts(system, expanded, f"{where}.witness")
    attained = Fraction(*parts.get(target, (0, 1)))
    penalty_value = sum((Fraction(*parts[j]) * c for j, c in coefficients.items() if j in parts), Fraction(0))
    if attained != value or penalty_value > limit:
        raise ClaimNotProven(f"{where}.witness: W_t = {attained}, C.W = {penalty_value}; needs {value} and "
                             f"<= {limit}")
    return value


def verify_family_document(document, expression: BellExpression, system: NoSignallingSystem | None = None,
                           workers: int = 1) -> dict:
    """Exact check of a ``certify/expression-reduced`` document (builder side);
    returns ``{pair key: v(0)}`` for the representatives (checked in ``workers``
    processes)."""
    keys = {"format", "version", "scenario", "expression", "penalty", "symmetry", "local_bound", "ns_optimum",
            "representatives", "is_bell_inequality", "max_output_probability_at_ns_optimum"}
    document = _object(document, "$", keys)
    _require(document["format"] == REDUCED_FORMAT and document["version"] == VERSION,
             f"$.format/$.version: expected {REDUCED_FORMAT!r} version {VERSION}")
    scenario = expression.scenario
    _require(document["scenario"] == scenario.to_json() and document["expression"] == _expression_json(expression),
             "$.scenario/$.expression: do not match the expression")
    sign, penalty = penalty_form(expression)
    coefficients = dict(penalty.coefficients)
    penalty_spec = _object(document["penalty"], "$.penalty", {"sign", "offset"})
    _require(penalty_spec["sign"] == sign, "$.penalty.sign: wrong sign for the direction")
    offset = parse_rational(penalty_spec["offset"], "$.penalty.offset")
    system = system or NoSignallingSystem.build(scenario)
    local_spec = _object(document["local_bound"], "$.local_bound", {"value", "strategy"})
    strategy = local_spec["strategy"]
    _require(isinstance(strategy, list) and len(strategy) == scenario.num_parties and all(
        isinstance(text, str) and len(text) == m and all(c in "0123456789"[:d] for c in text)
        for text, m, d in zip(strategy, scenario.settings, scenario.outcomes)),
        "$.local_bound.strategy: expected one string of outcome digits per party, one digit per setting")
    local = local_bound(penalty, "minimise").value
    if deterministic_box_value(penalty, [tuple(map(int, text)) for text in strategy]) != local or \
            sign * local != parse_rational(local_spec["value"], "$.local_bound.value"):
        raise ClaimNotProven("$.local_bound: the strategy does not attain the enumerated local bound")
    ns = _object(document["ns_optimum"], "$.ns_optimum", {"value", "stabiliser", "certificate"})
    labels = _group_orbits(scenario, ns["stabiliser"], "$.ns_optimum.stabiliser", coefficients)
    bound = _check_reduced_inequality(system, coefficients, labels, None, Fraction(1), ns["certificate"],
                                      "$.ns_optimum.certificate")
    if bound != -offset or parse_rational(ns["value"], "$.ns_optimum.value") != sign * offset:
        raise ClaimNotProven(f"$.ns_optimum: certificate proves C.P >= {-bound}, the offset is {offset}")
    representatives = document["representatives"]
    _require(isinstance(representatives, list) and representatives, "$.representatives: expected a non-empty list")
    global _JOB
    _JOB = (penalty, offset, system, document)
    try:
        checked = _mapped(_check_entry, list(range(len(representatives))), workers, None)
    finally:
        _JOB = None
    values = {rep["pair"]: value for rep, value in zip(representatives, checked)}
    indices = [scenario.index_of_key(rep["pair"]) for rep in representatives]  # checked above
    pair_labels = _group_orbits(scenario, document["symmetry"], "$.symmetry", coefficients).tolist()
    _require(indices == sorted(set(indices)), "$.representatives: pairs must increase strictly")
    covered = [pair_labels[j] for j in indices]
    _require(len(set(covered)) == len(covered), "$.representatives: two representatives share an orbit")
    if set(covered) != set(pair_labels):
        raise ClaimNotProven("$.representatives: some orbit of pairs has no representative")
    best = max(values.values())
    at = "$.max_output_probability_at_ns_optimum"
    claimed = _object(document["max_output_probability_at_ns_optimum"], at, {"value", "pair"})
    if parse_rational(claimed["value"], f"{at}.value") != best or values.get(claimed["pair"]) != best:
        raise ClaimNotProven(f"$.max_output_probability_at_ns_optimum: the representatives give {best}")
    _require(type(document["is_bell_inequality"]) is bool, "$.is_bell_inequality: expected true or false")
    if document["is_bell_inequality"] is not (local != offset):
        raise ClaimNotProven("$.is_bell_inequality: disagrees with the local bound and the optimum")
    return values
