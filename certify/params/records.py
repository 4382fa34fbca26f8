"""Proof records: the symbolic parameter checks, written as JSON under ``proofs/``.

Format (``docs/proof-record-format.md``): ``"format": "certify/proof-record"``,
``"version": 2``, the formula the algebra proves (derived by the checker's
grammar), the statement in words, the inputs, how it was proved, the result,
and an ``audit`` object. Where the statement reduces to algebra that a
standard-library checker can redo (a polynomial identity, non-negative
coefficients, an exact evaluation, a rational inequality), ``audit.algebra``
carries it and ``audit.independently_audited`` is true; otherwise the
record says plainly that it is not independently audited and why.

:func:`check_algebra_step` is the reference recheck of one algebra step; it
uses only the standard library (``fractions``, ``re``), so ``certify audit``
may copy it.

Polynomials are lists of terms ``[[e_1, ..., e_k], "c"]`` (exponents of the
record's ``variables`` in order, coefficient as a canonical rational string).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from certify.checker import core as checker
from certify.checker import records as checker_records
from certify.builder.jsonio import write_atomic

__all__ = ["write_proof_records", "build_proof_records", "check_algebra_step",
           "RECORD_FORMAT", "RECORD_VERSION", "AUDIT_EPSILONS"]

RECORD_FORMAT = "certify/proof-record"
RECORD_VERSION = 2  # version 2: the machine-readable formula the steps prove
AUDIT_EPSILONS = ("0", "1/10", "1/4")


def check_algebra_step(step: dict) -> bool:
    """Recheck one algebra step with fractions only (the trusted checker's code,
    :func:`certify.checker.core.check_algebra_step`); ValueError if malformed.

    >>> check_algebra_step({"kind": "polynomial-evaluation", "variables": ["s"],
    ...     "polynomial": [[[8], "1/2"]], "values": ["2/5"], "expected": "128/390625"})
    True
    """
    try:
        return checker_records.check_algebra_step(step)
    except checker.Malformed as error:
        raise ValueError(str(error)) from None


# --------------------------------------------------------------------------------------------
# building records (sympy and friends allowed here)
# --------------------------------------------------------------------------------------------

def _sympy_polynomial(expression, symbols) -> list:
    import sympy
    poly = sympy.Poly(sympy.expand(expression), *symbols)
    terms = []
    for exponents, coefficient in sorted(poly.terms()):
        value = Fraction(int(sympy.Rational(coefficient).p), int(sympy.Rational(coefficient).q))
        terms.append([list(exponents), str(value)])
    return terms


def _lemma10_algebra() -> list:
    import sympy
    s = sympy.Symbol("s")
    f = sympy.symbols("f1:5")
    symbols = (s, *f)
    gap = sympy.prod([s + fi for fi in f]) - s ** 4
    factors = [_sympy_polynomial(s + fi, symbols) for fi in f]
    return [
        {"kind": "polynomial-identity",
         "claim": "nu(u) - s^4 = (s+f1)(s+f2)(s+f3)(s+f4) - s^4 with p_i = s + f_i, f_i >= 0",
         "variables": [str(v) for v in symbols],
         "lhs": _sympy_polynomial(gap, symbols),
         "rhs": [{"coefficient": "1", "factors": factors},
                 {"coefficient": "-1", "factors": [_sympy_polynomial(s ** 4, symbols)]}]},
        {"kind": "polynomial-nonnegative",
         "claim": "nu(u) - (1/2 - eps)^4 >= 0 (eq. (39), lower side)",
         "variables": [str(v) for v in symbols],
         "positive_variables": ["s"], "nonnegative_variables": [str(fi) for fi in f],
         "strict": False, "polynomial": _sympy_polynomial(gap, symbols)},
    ]


def _region_algebra_steps(b_star: Fraction) -> list:
    from certify.params.theorems import _region_algebra
    steps = []
    for step in _region_algebra(b_star):
        if step["kind"] == "polynomial-identity":
            steps.append({"kind": "polynomial-identity", "claim": step["claim"],
                          "variables": step["variables"], "lhs": step["lhs"],
                          "rhs": [{"coefficient": "1", "factors": step["rhs_product"]}]})
        else:
            steps.append({"kind": "polynomial-nonnegative", "claim": step["claim"],
                          "variables": step["variables"],
                          "positive_variables": step["positive_variables"],
                          "nonnegative_variables": step["nonnegative_variables"],
                          "strict": True, "polynomial": step["polynomial"]})
    return steps


def _record(name: str, statement: str, inputs: dict, method: str, holds: bool,
            details: dict, algebra: list | None, not_audited_reason: str | None) -> dict:
    if algebra:
        if not all(check_algebra_step(step) for step in algebra):
            holds = False
        audit = {"independently_audited": True, "algebra": algebra}
        if not_audited_reason:
            audit["not_audited_parts"] = not_audited_reason
    else:
        audit = {"independently_audited": False,
                 "reason": not_audited_reason or "no algebra a standard-library checker can redo"}
    formula = [checker_records.step_formula(step) for step in algebra] if algebra else []
    return {"format": RECORD_FORMAT, "version": RECORD_VERSION, "name": name, "formula": formula,
            "statement": statement, "inputs": inputs, "method": method,
            "result": "proved" if holds else "not proved", "details": details, "audit": audit}


def _paper_records() -> dict[str, dict]:
    """Records of the paper's own statements: Lemma 10's chain, the regions of (111)/(180),
    delta_max and the noise tolerance at the audited epsilons."""
    from certify.params.lemma10 import prove_lemma10_chain
    from certify.params.noise import noise_tolerance
    from certify.params.theorems import paper_delta_max, prove_paper_region

    records: dict[str, dict] = {}
    chain = prove_lemma10_chain()
    records["params/lemma10-chain.json"] = _record(
        "lemma10-chain", chain["statement"], {"epsilon": "[0, 1/2)", "protocol_delta": ">= 0"},
        "sympy: expansion of the SV product (coefficients >= 0), identity for eq. (38), "
        "monotonicity of Lemma 11's line", chain["holds"], {"steps": chain["steps"]},
        _lemma10_algebra(),
        "the upper weight bound and the substitution into Lemma 11 are checked by sympy only")
    region = prove_paper_region()
    for theorem, equation in (("theorem20", "(111)"), ("theorem27", "(180)")):
        records[f"params/{theorem}-region-paper.json"] = _record(
            f"{theorem}-region-paper",
            region["statement"].replace("(eq. (111), identical to eq. (180))", f"(eq. {equation})"),
            {"epsilon": "[0, 1/2)", "protocol_delta": ">= 0"},
            "sympy: multiply by 3 s^4 > 0, difference of squares, r = sqrt(2 delta) >= 0; "
            "cross-checked with sympy's inequality solver at eps = 1/10",
            region["holds"], {"closed_form": region["closed_form"], "steps": region["steps"]},
            _region_algebra_steps(Fraction(1)),
            "the step from '3 s^4 (gamma - 1)' to its expanded form is by sympy only")
    for eps_text in AUDIT_EPSILONS:
        eps = Fraction(eps_text)
        delta_max = paper_delta_max(eps)
        records[f"params/delta-max-paper-eps-{eps_text.replace('/', '_')}.json"] = _record(
            f"delta-max-paper-eps-{eps_text}",
            f"delta_max({eps_text}) = (1/2 - eps)^8/2 = {delta_max}",
            {"epsilon": eps_text}, "exact rational arithmetic", True,
            {"delta_max": str(delta_max)},
            [{"kind": "polynomial-evaluation", "claim": "(s^8)/2 at s = 1/2 - eps",
              "variables": ["s"], "polynomial": [[[8], "1/2"]], "values": [str(Fraction(1, 2) - eps)],
              "expected": str(delta_max)}], None)
        tolerance = noise_tolerance(eps, delta_max)
        white = Fraction(tolerance["white_noise"]["supremum"])
        records[f"params/noise-tolerance-paper-eps-{eps_text.replace('/', '_')}.json"] = _record(
            f"noise-tolerance-paper-eps-{eps_text}",
            (f"the worst-case SV round mean of the quantum box with white noise x = 1 - V, "
             f"(1/2 + eps) x / 2, is < delta_max({eps_text}) iff x < {white}; "
             f"bit flips: p < {tolerance['bit_flip']['supremum']}"),
            {"epsilon": eps_text, "delta_max": str(delta_max)},
            "penalties from the exact noisy box (sympy), backward induction over SV bits, "
            "sympy solve of mean = delta_max", True,
            {"white_noise": tolerance["white_noise"], "bit_flip": tolerance["bit_flip"]},
            [{"kind": "polynomial-evaluation", "claim": "(1/2 + eps) x / 2 at the supremum = delta_max",
              "variables": ["e", "x"], "polynomial": [[[0, 1], "1/4"], [[1, 1], "1/2"]],
              "values": [eps_text, str(white)], "expected": str(delta_max)}],
            "the bit-flip supremum is irrational and the box penalties come from sympy: "
            "not independently audited")
    return records


def _certified_records(value_functions) -> dict[str, dict]:
    """Records that rest on the certified Lemma-11 value functions."""
    from certify.lp.value_function import upper_envelope
    from certify.params.theorems import certified_delta_max, prove_certified_region

    records: dict[str, dict] = {}
    envelope = [[str(b), str(v)] for b, v in upper_envelope(value_functions.values())]
    records["params/lemma10-certified.json"] = _record(
        "lemma10-certified",
        ("for all eps in [0, 1/2), delta >= 0 and every no-signalling box with B^SV <= delta: "
         "P(x*|u*) <= E(delta/(1/2-eps)^4), E the upper envelope of the certified value "
         "functions (breakpoints in inputs; linear between, constant after the last)"),
        {"envelope_breakpoints": envelope},
        "eqs. (39)-(40) as in lemma10-chain, then the certified v_{u*x*} are non-decreasing "
        "and bounded by their envelope (exact envelope of the checked value functions)",
        True, {"envelope_breakpoints": envelope}, None,
        "rests on the certificates (audited by 'certify audit' of certificates/) and on "
        "lemma10-chain; no separate algebra")
    certified = prove_certified_region(value_functions)
    records["params/theorem20-region-certified.json"] = _record(
        "theorem20-region-certified", certified["statement"],
        {"epsilon": "[0, 1/2)", "protocol_delta": ">= 0", "b_star": certified["b_star"],
         "pairs_attaining_b_star": certified["pairs_attaining_b_star"]},
        "value functions loaded after the builder's exact check; saturation point read "
        "from the pieces; difference of squares", certified["holds"],
        {"steps": certified["steps"], "closed_form": certified.get("closed_form")},
        _region_algebra_steps(Fraction(certified["b_star"]))[1:] if certified["b_star"] else [],
        "that every value function is non-decreasing and reaches 1 first at its saturation "
        "point rests on the certificates (audited by 'certify audit' of certificates/), "
        "not on this record")
    for eps_text in AUDIT_EPSILONS:
        eps = Fraction(eps_text)
        limit = certified_delta_max(eps, value_functions)
        if limit is None:
            continue
        b_star = Fraction(certified["b_star"])
        records[f"params/delta-max-certified-eps-{eps_text.replace('/', '_')}.json"] = _record(
            f"delta-max-certified-eps-{eps_text}",
            f"delta_max_certified({eps_text}) = (1/2 - eps)^8 b*^2/2 = {limit}",
            {"epsilon": eps_text, "b_star": str(b_star)}, "exact rational arithmetic", True,
            {"delta_max_certified": str(limit)},
            [{"kind": "polynomial-evaluation", "claim": "s^8 b^2 / 2",
              "variables": ["s", "b"], "polynomial": [[[8, 2], "1/2"]],
              "values": [str(Fraction(1, 2) - eps), str(b_star)], "expected": str(limit)}],
            None)
    return records


def build_proof_records(value_functions=None) -> dict[str, dict]:
    """All proof records, keyed by relative path (``params/<name>.json``)."""
    records = _paper_records()
    if value_functions is not None:
        records.update(_certified_records(value_functions))
    return records


def write_proof_records(root: Path, *, certificates_dir: Path | None = None) -> list[Path]:
    """Write every proof record under ``root`` (the ``proofs/`` folder), deterministically.

    ``certificates_dir`` (default ``root.parent / "certificates"``) provides the
    certified value functions; if it holds no Lemma 11 certificates the
    certified records are not written. Each file is written to a temporary
    file in the same folder and moved into place with ``os.replace``.
    Returns the written paths, sorted.
    """
    root = Path(root)
    certificates_dir = Path(certificates_dir) if certificates_dir else root.parent / "certificates"
    value_functions = None
    if (certificates_dir / "lemma11").is_dir() and any((certificates_dir / "lemma11").glob("*.json")):
        from certify.builder.store import load_value_functions
        value_functions = load_value_functions(certificates_dir)
    written = []
    for relative, record in sorted(build_proof_records(value_functions).items()):
        path = root / relative
        write_atomic(path, json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        written.append(path)
    return written
