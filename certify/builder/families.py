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
C, and relabelings keep no-signalling). :func:`certify.builder.verify.verify_family_document`
checks a document exactly in these terms before it is written; the trusted checker
(:func:`certify.checker.expressions.check_expression_reduced`) does so independently.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

from certify.builder import parallel
from certify.builder.jsonio import expression_json
from certify.builder.verify import (REDUCED_FORMAT, VERSION, box_entry, check_box, check_reduced_inequality,
                                    group_orbits, verify_family_document)
from certify.errors import ClaimNotProven, InputError
from certify.lp.expression import BellExpression, penalty_form
from certify.lp.local_bound import local_bound
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.reduced import ReducedCertificate, parity_family_moves, parity_family_targets, reduced_certificate
from certify.numbers import format_exact

__all__ = ["family_document", "representative_json", "pair_orbit_labels", "certified_ns_optimum"]


def _certificate_json(certificate) -> dict:
    return {"bound": format_exact(certificate.bound),
            "multipliers": [[r, format_exact(y)] for r, y in sorted(certificate.multipliers.items())]}


def _solve_target(state: tuple, target: int) -> ReducedCertificate:
    """One representative of a family (run in a worker process)."""
    penalty, offset, system = state
    return reduced_certificate(penalty, target, offset, system=system)


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
    representatives = parallel.forked_map(_solve_target, targets, workers, state=(penalty, offset, system),
                                          progress=progress)
    best = max(rep.value for rep in representatives)
    best_pair = next(rep.target for rep in representatives if rep.value == best)
    document = {
        "format": REDUCED_FORMAT, "version": VERSION,
        "scenario": scenario.to_json(),
        "expression": expression_json(expression),
        "penalty": {"sign": sign, "offset": format_exact(offset)},
        "symmetry": parity_family_moves(scenario),
        "local_bound": {"value": format_exact(sign * local.value),
                        "strategy": ["".join(map(str, party)) for party in local.strategy]},
        "ns_optimum": {"value": format_exact(sign * offset), "stabiliser": list(ns.generators),
                       "certificate": _certificate_json(ns)},
        "representatives": [representative_json(rep, scenario) for rep in representatives],
        "is_bell_inequality": local.value != offset,
        "max_output_probability_at_ns_optimum": {"value": format_exact(best), "pair": scenario.pair_key(best_pair)},
    }
    verify_family_document(document, expression, system, workers)
    return document


def pair_orbit_labels(expression: BellExpression) -> list[int]:
    """Orbit label (smallest member) of every pair under :func:`parity_family_moves`,
    each move checked to keep the expression's coefficients."""
    return group_orbits(expression.scenario, parity_family_moves(expression.scenario), "symmetry",
                         dict(expression.coefficients)).tolist()


def certified_ns_optimum(penalty: BellExpression, system: NoSignallingSystem) -> Fraction:
    """``min C.P`` over no-signalling boxes by the reduced LP, checked exactly:
    the reduced certificate proves ``C.P >= optimum`` and its witness, expanded,
    is a no-signalling box with ``C.W = optimum``."""
    ns = reduced_certificate(penalty, None, system=system)
    coefficients = dict(penalty.coefficients)
    labels = group_orbits(system.scenario, ns.generators, "ns_optimum.stabiliser", coefficients)
    bound = check_reduced_inequality(system, coefficients, labels, None, Fraction(1), _certificate_json(ns),
                                      "ns_optimum.certificate")
    parts = check_box(system, [[j, format_exact(v)] for j, v in enumerate(ns.box()) if v], "ns_optimum.witness")
    attained = sum((box_entry(parts, j) * c for j, c in coefficients.items() if j in parts), Fraction(0))
    if attained != -bound or ns.value != -bound:
        raise ClaimNotProven(f"ns_optimum: certificate gives {-bound}, witness {attained}")
    return ns.value


def representative_json(certificate: ReducedCertificate, scenario) -> dict:
    """The JSON of one reduced certificate with a target (as in the family documents)."""
    return {"pair": scenario.pair_key(certificate.target), "value": format_exact(certificate.value),
            "stabiliser": list(certificate.generators), "slope": format_exact(certificate.slope),
            "certificate": _certificate_json(certificate),
            "witness": [[j, format_exact(v)] for j, v in sorted(certificate.witness.items())]}
