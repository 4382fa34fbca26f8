"""Exact bounds of any Bell expression (``certify bounds``).

:func:`expression_bounds` returns, all exact:

* ``local_bound``: the extremum of B.P over local boxes (enumeration of
  deterministic strategies, :mod:`certify.lp.local_bound`), in the expression's
  own direction;
* ``ns_optimum``: the extremum over no-signalling boxes (exact LP with a
  dual certificate);
* ``is_bell_inequality``: true when the two differ;
* ``max_output_probability_at_ns_optimum``: the largest P(x*|u*), over every
  setting and outcome, among no-signalling boxes attaining the optimum, i.e.
  the maximum over pairs of v(0) in penalty form (one exact LP per orbit of
  pairs under the symmetries found);
* ``penalty``: ``{"sign", "offset"}`` of the penalty form ``C = sign * B``
  (:func:`certify.lp.expression.penalty_form`; offset = min C.P over
  no-signalling boxes), as in ``certify optimum``;
* ``conventional``: for an expression that is an exact affine image of CHSH
  or Mermin's expression on the no-signalling polytope, that form with the
  local and no-signalling values mapped exactly and the quantum value known
  from the literature (:mod:`certify.formats.conventional`); else None.

:func:`bounds_text` writes the result for a person: the expression itself
(in its shortest representation), the penalty convention in words, the
bounds and the conventional figures.

Above :data:`certify.builder.optimum.REDUCED_ABOVE` probabilities the
symmetry-reduced LPs are used: for an expression with the parity-family
moves, the verified family document (as stored for the N-party families);
otherwise one reduced LP per pair.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

from certify.builder.expressions import ExpressionCertifier
from certify.builder.families import certified_ns_optimum, family_document, pair_orbit_labels
from certify.builder.optimum import REDUCED_ABOVE
from certify.formats.conventional import conventional_bounds
from certify.formats.library import as_expression
from certify.formats.native import COLLINS_GISIN, CORRELATORS, canonical_order, shortest_terms
from certify.lp.expression import BellExpression, penalty_form
from certify.lp.local_bound import LocalBound, local_bound
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.reduced import parity_family_targets, reduced_max_output_at_optimum
from certify.numbers import format_exact

__all__ = ["expression_bounds", "bounds_text"]

Progress = Callable[[int, int], None] | None


def _summary(expression: BellExpression, sign: int, offset: Fraction, local: LocalBound, best: Fraction,
             attaining: list[int], count: int | None, orbits: int, method: str) -> dict:
    """The JSON of ``certify bounds`` (every path)."""
    scenario = expression.scenario
    return {
        "expression": expression.name, "direction": expression.direction, "scenario": scenario.to_json(),
        "canonical_order": canonical_order(scenario),
        "local_bound": format_exact(sign * local.value),
        "local_strategy": ["".join(map(str, party)) for party in local.strategy],
        "ns_optimum": format_exact(sign * offset),
        "is_bell_inequality": local.value != offset,
        "max_output_probability_at_ns_optimum": format_exact(best),
        "pairs_attaining_max": [scenario.pair_key(j) for j in attaining[:16]],
        "num_pairs_attaining_max": count,
        "pair_orbits": orbits,
        "method": method,
        "penalty": {"sign": sign, "offset": format_exact(offset)},
        "conventional": conventional_bounds(expression, sign * local.value, sign * offset),
    }


def _reduced_bounds(expression: BellExpression, progress: Progress) -> dict:
    sign, penalty = penalty_form(expression)
    local = local_bound(penalty, "minimise")
    if parity_family_targets(penalty) is not None:
        document = family_document(expression, progress=progress)
        offset = Fraction(document["penalty"]["offset"])
        values = {expression.scenario.index_of_key(rep["pair"]): Fraction(rep["value"])
                  for rep in document["representatives"]}
        best = max(values.values())
        labels = pair_orbit_labels(penalty)
        best_labels = {labels[t] for t, v in values.items() if v == best}
        attaining = [j for j, label in enumerate(labels) if label in best_labels]
        return _summary(expression, sign, offset, local, best, attaining, len(attaining), len(values),
                        "symmetry-reduced exact LPs, one per orbit of pairs under party permutations "
                        "and two-party outcome flips (each checked exactly: the family certificate format)")
    offset = certified_ns_optimum(penalty, NoSignallingSystem.build(expression.scenario))
    best, _, values = reduced_max_output_at_optimum(penalty, None, offset, progress=progress)
    attaining = sorted(t for t, v in values.items() if v == best)
    return _summary(expression, sign, offset, local, best, attaining, None, len(values),
                    "symmetry-reduced exact LPs over every pair")


def expression_bounds(expression, symmetry: bool = True, progress: Progress = None,
                      reduced: bool | None = None) -> dict:
    """Exact local bound, no-signalling optimum and largest output probability at it.

    ``expression`` is a :class:`~certify.lp.expression.BellExpression`, a built-in
    name or an expression file. The bounds are in the expression's own
    direction; CHSH is stored as a penalty (the probability of losing the game,
    summed over the four settings), so its local bound 1 is the familiar 2 and
    its no-signalling optimum 0 the familiar 4 of the correlator form.

    >>> bounds = expression_bounds("chsh")
    >>> bounds["local_bound"], bounds["ns_optimum"], bounds["max_output_probability_at_ns_optimum"]
    ('1', '0', '1/2')
    """
    expression = as_expression(expression)
    if reduced is None:
        reduced = expression.scenario.num_probabilities > REDUCED_ABOVE
    if reduced:
        return _reduced_bounds(expression, progress)
    certifier = ExpressionCertifier(expression, symmetry=symmetry)
    local = local_bound(certifier.penalty, "minimise")
    values = {}
    representatives = sorted(certifier.orbits)
    for done, rep in enumerate(representatives, start=1):
        values[rep] = certifier.lp.maximise_target(rep, Fraction(0)).value
        if progress is not None:
            progress(done, len(representatives))
    best = max(values.values())
    best_pairs = sorted(j for rep, value in values.items() if value == best for j in certifier.orbits[rep])
    return _summary(expression, certifier.sign, certifier.offset, local, best, best_pairs, len(best_pairs),
                    len(representatives), "exact LP per orbit of pairs on the full no-signalling polytope")


# -- text for a person -----------------------------------------------------------------------

WIDTH = 100
MAX_TERMS = 200
MAX_LINES = 64
_MINUS = "−"
_JOIN = " "  # kept inside one term when wrapping
_PROTECT = "\u00a0"


def _coefficient_prefix(value: Fraction, first: bool) -> str:
    """``" + 1/2·"``-style prefix of a term (the sign separated, 1 left out)."""
    sign = _MINUS if value < 0 else "+"
    size = abs(value)
    body = "" if size == 1 else f"{size}·"
    if first:
        return (_MINUS if value < 0 else "") + body
    return f" {sign}{_PROTECT}{body}"


def _factor_label(label: str, representation: str) -> str:
    """``A(0) B(1)`` as ``⟨A0 B1⟩`` (correlators) or ``A(0|1) B(1|0)`` as ``P_AB(01|10)`` (Collins-Gisin)."""
    factors = label.split()
    if representation == CORRELATORS:
        return "⟨" + _PROTECT.join(f[0] + f[2:-1] for f in factors) + "⟩"
    parties = "".join(f[0] for f in factors)
    outcomes = "".join(f[2:-1].split("|")[0] for f in factors)
    settings = "".join(f[2:-1].split("|")[1] for f in factors)
    return f"P_{parties}({outcomes}|{settings})"


def _sum_text(terms: list[tuple[str, Fraction]], representation: str) -> str:
    parts = []
    for index, (label, value) in enumerate(terms):
        if label == "1":
            parts.append((_MINUS if value < 0 and index == 0 else "") + (str(abs(value)) if index == 0 else
                                                                          f" {'+' if value > 0 else _MINUS} {abs(value)}"))
        else:
            parts.append(_coefficient_prefix(value, index == 0) + _factor_label(label, representation))
    return "".join(parts)


def _setting_lines(expression: BellExpression, terms: list[tuple[str, Fraction]]) -> list[str]:
    """Full-probability form, one line per setting: ``c·P(x ∈ {...} | u)`` or, when shorter,
    ``c·(1 − P(x ∈ {...} | u))`` naming the outcomes with coefficient 0."""
    outcomes = expression.scenario.num_outcome_tuples
    by_setting: dict[str, dict[str, Fraction]] = {}
    for label, value in terms:
        setting, outcome = label.split("|")
        by_setting.setdefault(setting, {})[outcome] = value
    every_outcome = [expression.scenario.pair_key(j).split("|")[1] for j in range(outcomes)]
    lines = []
    for setting, values in by_setting.items():
        groups: dict[Fraction, list[str]] = {}
        for outcome, value in values.items():
            groups.setdefault(value, []).append(outcome)
        pieces = []
        for value, members in sorted(groups.items(), reverse=True):
            scale = "" if value == 1 else f"{value}·"
            if len(groups) == 1 and outcomes - len(members) + 1 < len(members):
                zero = [o for o in every_outcome if o not in values]
                complement = f"1 − P(x ∈ {{{', '.join(zero)}}} | {setting})"
                pieces.append(f"{scale}({complement})" if scale else complement)
            else:
                pieces.append(f"{scale}P(x ∈ {{{', '.join(members)}}} | {setting})")
        lines.append(f"setting {setting}: " + " + ".join(pieces))
    return lines


def _wrap(text: str, indent: str, hanging: str = "    ") -> list[str]:
    """Wrapped to :data:`WIDTH`; spaces written as ``_PROTECT`` do not break."""
    import textwrap

    return [line.replace(_PROTECT, " ") for line in
            textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + hanging,
                          break_on_hyphens=False)]


def _expression_lines(expression: BellExpression) -> list[str]:
    representation, terms = shortest_terms(expression)
    if representation == CORRELATORS:
        lines = _wrap("B·P in correlators, exact on no-signalling boxes (⟨A0 B1⟩ = Σ (−1)^(a+b) P(ab|01), "
                      "outcome 0 counting as +1):", "  ")
    elif representation == COLLINS_GISIN:
        lines = _wrap("B·P in Collins–Gisin form, exact on no-signalling boxes (P_AB(01|10): the marginal "
                      "probability that A outputs 0 and B outputs 1 at settings 1 and 0):", "  ")
    else:
        lines = _wrap("B·P = the sum over the settings u below (x: one outcome digit per party, u: one "
                      "setting digit per party):", "  ")
        body = _setting_lines(expression, terms)
        for line in body[:MAX_LINES]:
            lines += _wrap(line, "    ")
        if len(body) > MAX_LINES:
            lines.append(f"    … {len(body) - MAX_LINES:,} more settings not shown")
        return lines
    lines += _wrap("B·P = " + _sum_text(terms[:MAX_TERMS], representation), "    ")
    if len(terms) > MAX_TERMS:
        lines.append(f"    … {len(terms) - MAX_TERMS:,} more terms not shown")
    return lines


def _penalty_lines(result: dict) -> list[str]:
    sign, offset = result["penalty"]["sign"], result["penalty"]["offset"]
    form = "C = B (B·P is minimised)" if sign == 1 else "C = −B (B·P is maximised, so C·P is minimised)"
    return _wrap(f"penalty form: {form}, offset {offset} = the least C·P over no-signalling boxes. The penalty "
                 "value C·P − offset is ≥ 0 on every no-signalling box and 0 exactly at their optimum (for a "
                 "game, C·P is the summed probability of losing: 0 means never losing); "
                 "certify\u00a0optimum\u00a0--expression bounds it.", "  ")


def _root_symbols(text: str) -> str:
    """``2*sqrt(2)`` / ``2 - sqrt(2)`` as ``2√2`` / ``2 − √2``."""
    import re

    return re.sub(r"(\d+)\*sqrt\((\d+)\)", r"\1√\2", text).replace("sqrt(", "√").replace(")", "") \
        .replace(" - ", f" {_MINUS} ")


def _conventional_lines(result: dict) -> list[str]:
    found = result.get("conventional")
    if not found:
        return []
    alpha, beta = Fraction(found["map"]["constant"]), Fraction(found["map"]["slope"])
    relation = _PROTECT.join([str(alpha), "+" if beta > 0 else _MINUS,
                              ("" if abs(beta) == 1 else f"{abs(beta)}·") + "B·P"])
    quantum = found["quantum_bound"]
    lines = _wrap(f"conventional form ({found['name']}): {found['definition']}; on no-signalling boxes "
                  f"{found['symbol']}{_PROTECT}={_PROTECT}{relation} (map computed exactly from the correlator coordinates "
                  "of both expressions)", "  ")
    lines += [
        f"    local bound    {found['local_bound']}",
        f"    quantum        {_root_symbols(quantum['value'])}"
        + ("" if quantum["decimal"] == quantum["value"] else f" ≈ {quantum['decimal']}")
        + f"   (B·P = {_root_symbols(quantum['value_in_this_expression'])}"
        + ("" if quantum["decimal_in_this_expression"] == quantum["value_in_this_expression"]
           else f" ≈ {quantum['decimal_in_this_expression']}") + ")",
    ]
    lines += _wrap(f"{quantum['source']}: known, not computed here", " " * 19, "")
    lines.append(f"    no-signalling  {found['ns_optimum']}")
    return lines


def bounds_text(expression, result: dict) -> str:
    """The result of :func:`expression_bounds` for a person: the expression, the penalty
    convention, the bounds and (for CHSH and Mermin) the conventional figures.

    >>> from certify.formats.library import chsh_expression
    >>> text = bounds_text(chsh_expression(), expression_bounds("chsh"))
    >>> print(text.splitlines()[3])
        B·P = 2 − 1/2·⟨A0 B0⟩ − 1/2·⟨A0 B1⟩ − 1/2·⟨A1 B0⟩ + 1/2·⟨A1 B1⟩
    """
    expression = as_expression(expression)
    scenario = result["scenario"]
    sense = "min" if expression.direction == "minimise" else "max"
    attaining = result["num_pairs_attaining_max"]
    count = f"{attaining} pairs, e.g. " if attaining else "e.g. "
    rows = [
        (f"local bound ({sense} B·P over deterministic strategies)",
         f"{result['local_bound']}   (strategy {' '.join(result['local_strategy'])})"),
        (f"no-signalling optimum ({sense} B·P)", result["ns_optimum"]),
        ("Bell inequality (the two differ)", "yes" if result["is_bell_inequality"] else "no"),
        ("max P(x*|u*) at the no-signalling optimum",
         f"{result['max_output_probability_at_ns_optimum']}   ({count}{result['pairs_attaining_max'][0]})"),
    ]
    width = max(len(label) for label, _ in rows) + 2
    lines = [f"{result['expression']}: {scenario['parties']} parties, settings {scenario['settings']}, "
             f"outcomes {scenario['outcomes']}; B·P is {expression.direction}d"]
    lines += _expression_lines(expression)
    lines += _penalty_lines(result)
    lines += [f"  {label + ':':<{width}}{value}" for label, value in rows]
    lines += _conventional_lines(result)
    lines += _wrap(f"method: {result['method']}", "  ")
    lines += _wrap(f"canonical order: {result['canonical_order']}", "  ")
    return "\n".join(lines)
