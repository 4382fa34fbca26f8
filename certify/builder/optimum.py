"""Exact optimum tables: ``max P(x*|u*)`` subject to a bound on the Bell value, for every pair.

:func:`optimum_table` answers ``certify optimum``. For the paper's expression
(eq. (7)) the constraint is ``B.P <= b`` on the plain Bell sum of Lemma 11
(0 to 8); for any other expression it is ``C.P - offset <= b`` on the penalty
value (:func:`certify.lp.expression.penalty_form`: ``offset`` is the
no-signalling optimum, so ``b = 0`` means "at the optimum"). Every value is
checked exactly before it is returned (:func:`certify.builder.verify.check_point`
for the full LP: a dual line valid for every no-signalling box and a witness
box attaining the value; :func:`certify.builder.verify.check_representative`
for the symmetry-reduced LPs used above :data:`REDUCED_ABOVE` probabilities).

The JSON shape is stable (scripts depend on it): ``{"bell_value", "optima":
{pair key: value}}``, plus ``"certificates"`` with ``with_certificates``, plus
``"expression"``, ``"penalty"`` and ``"canonical_order"`` for an expression
other than the paper's (and ``"method"``, ``"representatives"`` for the
reduced path).
"""

from __future__ import annotations

import textwrap
from fractions import Fraction
from typing import Callable

from certify.builder.expressions import ExpressionCertifier
from certify.builder.families import certified_ns_optimum, pair_orbit_labels, representative_json
from certify.builder.jsonio import sparse
from certify.builder.pairs import PairCertifier
from certify.builder.verify import check_point, check_representative
from certify.errors import InputError
from certify.formats.library import as_expression
from certify.formats.native import canonical_order
from certify.lp.expression import BellExpression, paper_bell_expression, penalty_form
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.reduced import parity_family_targets, reduced_certificate
from certify.lp.scenario import select_targets
from certify.numbers import decimal_text, format_exact, parse_exact

__all__ = ["optimum_table", "optimum_text", "REDUCED_ABOVE", "LIST_ALL_UP_TO"]

REDUCED_ABOVE = 1024
"""Scenarios with more probabilities use the symmetry-reduced LPs of
:mod:`certify.lp.reduced` (the dense rational engine is too slow there)."""

LIST_ALL_UP_TO = 256
""":func:`optimum_text` lists every pair up to this many (all 256 of the paper's), else a few per
value and says how to get all."""

Progress = Callable[[int, int], None] | None


def _point(function, certificates, bell_value: Fraction, offset: Fraction) -> tuple:
    """Value, inequality JSON and witness of a value function at ``bell_value``."""
    index = function.piece_index(bell_value)
    constant, slope = function.pieces[index]
    multipliers = certificates[index].multipliers
    inequality = {"constant": format_exact(constant), "slope": format_exact(slope),
                  "certificate": {"bound": format_exact(constant - slope * offset),
                                  "multipliers": [[r, format_exact(y)] for r, y in multipliers]}}
    return function.evaluate(bell_value), inequality, sparse(function.witness_at(bell_value))


def _full_table(expression: BellExpression, bell_value: Fraction, targets: list[int], with_certificates: bool,
                progress: Progress) -> dict:
    """One exact LP per orbit of pairs on the full no-signalling polytope."""
    scenario = expression.scenario
    if expression == paper_bell_expression():  # Lemma 11: the plain Bell sum, offset 0
        certifier, offset, penalty = PairCertifier(expression), Fraction(0), expression
        pair_of = certifier.certificates
    else:
        certifier = ExpressionCertifier(expression)
        offset, penalty = certifier.offset, certifier.penalty
        pair_of = certifier.pair
    optima, certificates = {}, {}
    for done, target in enumerate(targets, start=1):
        pair = pair_of(target)
        value, inequality, witness = _point(pair.value_function, pair.piece_certificates, bell_value, offset)
        check_point(penalty, target, bell_value, value, inequality, witness, offset)
        key = scenario.pair_key(target)
        optima[key] = format_exact(value)
        if with_certificates:
            certificates[key] = {"inequality": inequality, "witness": witness}
        if progress is not None:
            progress(done, len(targets))
    result = {"bell_value": format_exact(bell_value), "optima": optima}
    if with_certificates:
        result["certificates"] = certificates
    if penalty is not expression:
        result.update({"expression": expression.name,
                       "penalty": {"sign": certifier.sign, "offset": format_exact(offset)},
                       "canonical_order": canonical_order(scenario)})
    return result


def _representatives(penalty: BellExpression, targets: list[int]) -> tuple[dict[int, int], bool]:
    """Target -> the pair whose reduced LP answers it: one per orbit under the
    parity-family moves when the expression has them, else the pair itself."""
    family = parity_family_targets(penalty)
    if family is None:
        return {t: t for t in targets}, False
    labels = pair_orbit_labels(penalty)
    representative_of_label = {labels[t]: t for t in family}
    if set(representative_of_label) != set(labels):  # the covering argument of parity_family_targets
        raise ArithmeticError("the parity-family representatives do not cover every orbit of pairs")
    return {t: representative_of_label[labels[t]] for t in targets}, True


def _reduced_table(expression: BellExpression, bell_value: Fraction, targets: list[int],
                   with_certificates: bool, progress: Progress) -> dict:
    """By symmetry-reduced exact LPs (:func:`certify.lp.reduced.reduced_certificate`),
    each value checked exactly (reduced dual line and witness box); with
    certificates, those of the representatives are returned, keyed by representative."""
    scenario = expression.scenario
    sign, penalty = penalty_form(expression)
    system = NoSignallingSystem.build(scenario)
    offset = certified_ns_optimum(penalty, system)
    representative, family = _representatives(penalty, targets)
    needed = sorted(set(representative.values()))
    coefficients = dict(penalty.coefficients)
    values, certificates = {}, {}
    for done, rep in enumerate(needed, start=1):
        document = representative_json(reduced_certificate(penalty, rep, offset, bell_value, system), scenario)
        values[rep] = check_representative(system, coefficients, document, offset + bell_value,
                                           f"certificate of {scenario.pair_key(rep)}")
        if with_certificates:
            certificates[scenario.pair_key(rep)] = document
        if progress is not None:
            progress(done, len(needed))
    result = {"bell_value": format_exact(bell_value),
              "optima": {scenario.pair_key(t): format_exact(values[representative[t]]) for t in targets},
              "expression": expression.name, "penalty": {"sign": sign, "offset": format_exact(offset)},
              "canonical_order": canonical_order(scenario),
              "method": "symmetry-reduced exact LPs, one per " + (
                  "orbit of pairs under party permutations and two-party outcome flips" if family else "pair"),
              "representatives": {scenario.pair_key(t): scenario.pair_key(r) for t, r in representative.items()}}
    if with_certificates:
        result["certificates"] = certificates
    return result


def optimum_table(expression, bell_value, setting: str | None = None,
                  outcome: str | None = None, with_certificates: bool = False, progress: Progress = None,
                  reduced: bool | None = None) -> dict:
    """Exact ``max P(x*|u*)`` subject to (penalty) Bell value ``<= bell_value``, for every
    pair or the one given by ``setting`` and ``outcome``, each value checked exactly.

    ``expression`` is a :class:`~certify.lp.expression.BellExpression`, a built-in
    name (``"paper"``, ``"chsh"``, ...) or an expression file; ``bell_value`` is
    exact (a Fraction or a string such as ``"1/10"``). ``reduced`` forces (True)
    or forbids (False) the symmetry-reduced LPs; by default they are used above
    :data:`REDUCED_ABOVE` probabilities.

    >>> optimum_table("paper", "1/10", "0001", "1000")["optima"]
    {'0001|1000': '11/30'}
    """
    expression = as_expression(expression)
    bell_value = parse_exact(bell_value, "--bell-value")
    if bell_value < 0:
        raise InputError(f"--bell-value: expected a value >= 0, got {bell_value}")
    targets = select_targets(expression.scenario, setting, outcome)
    if reduced is None:
        reduced = expression.scenario.num_probabilities > REDUCED_ABOVE
    if reduced:
        return _reduced_table(expression, bell_value, targets, with_certificates, progress)
    return _full_table(expression, bell_value, targets, with_certificates, progress)


def optimum_text(table: dict, all_pairs: bool = False, width: int = 100) -> str:
    """A table of :func:`optimum_table` for a person: one row per distinct optimum, with its decimal,
    the number of pairs and the pairs (``setting|outcome``).

    Every pair is listed when there are at most :data:`LIST_ALL_UP_TO` of them or
    ``all_pairs``; otherwise the first few of each value and a line saying how
    many are left out and that ``--all`` lists them (nothing is dropped silently).

    >>> print(optimum_text({"bell_value": "1/10", "optima": {"00|00": "11/20", "00|01": "1/10", "11|00": "1/10"},
    ...                     "expression": "chsh", "penalty": {"sign": 1, "offset": "0"}}))
    max P(x*|u*) over no-signalling boxes with penalty value C·P − 0 ≤ 1/10 (C = B; expression chsh), 3 pairs
      each value checked exactly by a dual line and a witness box
      max P(x*|u*)         decimal  pairs  setting|outcome
      11/20                0.55         1  00|00
      1/10                 0.1          2  00|01, 11|00
    """
    optima = table["optima"]
    if "expression" in table:
        sign = "B" if table["penalty"]["sign"] == 1 else "−B"
        constraint = (f"penalty value C·P − {table['penalty']['offset']} ≤ {table['bell_value']} "
                      f"(C = {sign}; expression {table['expression']})")
    else:
        constraint = f"B·P ≤ {table['bell_value']} (B of eq. (7), the plain Bell sum of Lemma 11)"
    groups: dict[str, list[str]] = {}
    for key, value in optima.items():
        groups.setdefault(value, []).append(key)
    show_all = all_pairs or len(optima) <= LIST_ALL_UP_TO
    lines = [f"max P(x*|u*) over no-signalling boxes with {constraint}, {len(optima):,} "
             f"pair{'s' if len(optima) != 1 else ''}",
             "  each value checked exactly by a dual line and a witness box",
             f"  {'max P(x*|u*)':<20} {'decimal':<8} {'pairs':>5}  setting|outcome"]
    indent = " " * 39
    hidden = 0
    for value, keys in sorted(groups.items(), key=lambda item: Fraction(item[0]), reverse=True):
        shown = keys if show_all else keys[:8]
        hidden += len(keys) - len(shown)
        listing = ", ".join(shown) + ("" if len(shown) == len(keys) else f", … ({len(keys) - len(shown):,} more)")
        head = f"  {value:<20} {decimal_text(Fraction(value)):<8} {len(keys):>5}  "
        lines += textwrap.wrap(listing, width, initial_indent=head, subsequent_indent=indent,
                               break_on_hyphens=False) or [head.rstrip()]
    if hidden:
        lines.append(f"  {hidden:,} of {len(optima):,} pairs not listed; --all lists every pair "
                     "(--json gives them all too)")
    return "\n".join(lines)
