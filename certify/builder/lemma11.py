"""Lemma-11 documents (``certify/output-bound``): one per target pair (u*, x*).

A document (format ``certify/output-bound``, version 1, see
``docs/certificate-format.md``) proves, for one target pair t = (u*, x*):

* the paper's claim (Lemma 11, eq. (42)): ``P_t <= 1/3 + (2/3) B.P`` for every
  no-signalling box, through multipliers y with
  ``s = A^T y - (e_t - (2/3) B) >= 0`` and ``bound = sum of y over the
  normalisation rows <= 1/3``, plus a box attaining the bound;
* the exact value function v(b) = max P_t subject to B.P <= b, with B.P the
  plain Bell sum of eq. (6).

:func:`build_document` assembles it from exact ingredients;
:func:`certify.builder.verify.verify_lemma11_document` checks it before it is
written (:class:`certify.builder.pairs.PairCertifier` does both).
"""

from __future__ import annotations

from certify.builder.jsonio import expression_json, sparse
from certify.builder.verify import LEMMA11_FORMAT, PAPER_CONSTANT, PAPER_SLOPE, VERSION
from certify.lp.expression import BellExpression
from certify.lp.scenario import Scenario
from certify.numbers import format_exact

__all__ = ["build_document", "file_name"]


def file_name(scenario: Scenario, target: int) -> str:
    """``u<setting>-x<outcome>.json`` for a target index.

    >>> file_name(Scenario.binary(4), 24)
    'u0001-x1000.json'
    """
    setting, outcome = scenario.pair_key(target).split("|")
    return f"u{setting}-x{outcome}.json"


def _inequality_json(multipliers, bound) -> dict:
    return {"bound": format_exact(bound), "multipliers": [[r, format_exact(v)] for r, v in multipliers]}


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
        "format": LEMMA11_FORMAT,
        "version": VERSION,
        "scenario": scenario.to_json(),
        "expression": expression_json(expression),
        "target": {"setting": setting, "outcome": outcome, "index": target},
        "paper_claim": {
            "constant": format_exact(PAPER_CONSTANT),
            "slope": format_exact(PAPER_SLOPE),
            "certificate": _inequality_json(paper_certificate.multipliers, paper_bound),
            "witness": sparse(paper_witness),
        },
        "value_function": {
            "breakpoints": [{"bell_value": format_exact(d), "value": format_exact(v), "witness": sparse(w)}
                            for (d, v), w in zip(value_function.breakpoints, value_function.witnesses)],
            "pieces": [{"constant": format_exact(a), "slope": format_exact(s),
                        "certificate": _inequality_json(cert.multipliers, cert.constant)}
                       for (a, s), cert in zip(value_function.pieces, piece_certificates)],
        },
    }
