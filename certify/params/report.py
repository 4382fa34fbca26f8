"""The parameter report of ``certify params``: Lemma 10, Theorems 20 and 27, finite size, noise.

:func:`params_report` gathers, for one SV bias epsilon and one protocol
threshold delta on L_n (the SV-weighted Bell value of eq. (36); not the plain
Bell sum B.P of Lemma 11), every exact parameter check of the paper, in the
paper's version and, when the Lemma-11 certificates are present, in the
certified version (the exact value functions in place of (1 + 2 B.P)/3):

* Lemma 10 (eq. (38)): the output-probability bound at delta;
* Theorem 20 (eq. (111)): the admissible region, gamma, n0 and the smallest
  number of rounds for a target bound on d_comp p(ACC) (eq. (112));
* Theorem 27 (eq. (180)): the same for Protocol II;
* the noise tolerated by the quantum box of eq. (8).

Each section is one function; :func:`report_text` renders the report for a
terminal. Everything is exact or an interval enclosure of an exact quantity.
"""

from __future__ import annotations

from pathlib import Path

from certify.builder.store import certificates_dir, load_value_functions
from certify.errors import InputError
from certify.lp.value_function import upper_envelope
from certify.numbers import parse_exact
from certify.params import finite_size
from certify.params.finite_size import smallest_rounds, theorem20_chain, theorem20_optimised
from certify.params.lemma10 import (bell_sum_bound, certified_output_bound, check_protocol_delta,
                                    paper_output_bound, prove_lemma10_chain, sv_weight_bounds)
from certify.params.noise import noise_tolerance, pass_probability
from certify.params.theorems import (certified_condition_holds, certified_delta_max, certified_gamma,
                                     certified_saturation_bell_sum, paper_condition_holds, paper_delta_max,
                                     paper_gamma, proof_delta_sup, prove_paper_region)
from certify.simulation.source import check_epsilon

__all__ = ["params_report", "report_text", "load_certified_value_functions", "DEFAULT_TARGET"]

DEFAULT_TARGET = "1e-6"


def load_certified_value_functions(certificates=None):
    """``(value functions, source)`` from ``certificates/lemma11`` (each checked exactly),
    or ``(None, reason)`` when the folder holds no Lemma-11 certificates."""
    directory = certificates_dir(certificates)
    if not (directory / "lemma11").is_dir() or not any((directory / "lemma11").glob("*.json")):
        return None, f"no Lemma 11 certificates in {directory / 'lemma11'}"
    return load_value_functions(directory), str(directory)


def _finite_size(eps, delta, target, bits, gamma_model) -> dict:
    n0 = finite_size.needed_n0(delta) if delta > 0 else None

    def summary(found: dict) -> dict:
        if not found.get("found"):
            return {"found": False, "reason": found.get("reason")}
        details = found["details"]
        return {"found": True, "rounds": found["rounds"],
                "rounds_also_at_least_n0": None if n0 is None else max(n0, found["rounds"]),
                "holds_at_rounds_minus_one": found["holds_at_rounds_minus_one"],
                "bound_at_rounds": details["bound"], "chain": {
                    k: v for k, v in details.items() if k not in ("bound_upper",)}}

    paper = smallest_rounds(lambda n: theorem20_chain(eps, delta, n, bits, gamma_model), target)
    optimised = smallest_rounds(lambda n: theorem20_optimised(eps, delta, n, bits, gamma_model), target)
    return {"paper_choice": summary(paper), "optimised": summary(optimised)}


def _lemma10_section(eps, delta, value_functions, certificates_source) -> dict:
    lower, upper = sv_weight_bounds(eps)
    lemma10 = {
        "equation": "(38)", "protocol_delta": str(delta),
        "sv_weight_bounds": [str(lower), str(upper)],
        "bell_sum_bound": str(bell_sum_bound(delta, eps)),
        "paper_output_bound": str(paper_output_bound(delta, eps)),
        "chain_proof": prove_lemma10_chain(),
    }
    if value_functions is None:
        lemma10.update({"certified_output_bound": None, "certified_note": certificates_source})
        return lemma10
    bound, pair = certified_output_bound(delta, eps, value_functions)
    envelope = upper_envelope(value_functions.values())
    lemma10.update({
        "certified_output_bound": str(bound), "certified_pair": pair,
        "certified_envelope_breakpoints": [[str(b), str(v)] for b, v in envelope],
        "certified_envelope_note": ("max over pairs of v(b), b = B.P <= delta/(1/2-eps)^4; "
                                    "linear between breakpoints, constant after the last"),
    })
    return lemma10


def _theorem20_section(eps, delta, delta_source, target, output_bits, rounds, value_functions,
                       certificates_source) -> dict:
    delta_max = paper_delta_max(eps)
    gamma = paper_gamma(eps, delta)
    theorem20 = {
        "condition": "(111): (1/3)(1 + 2 sqrt(2 delta)/(1/2-eps)^4) < 1",
        "epsilon": str(eps), "delta_max": str(delta_max), "region": "0 < delta < delta_max",
        "region_proof": prove_paper_region(),
        "delta_sup_proof_chain": str(proof_delta_sup(eps)),
        "delta_sup_proof_chain_note": ("(111) is only used for gamma < 1 at delta + delta_Az "
                                       "(eq. (94)); that holds for large n iff delta < (1/2-eps)^8"),
        "protocol_delta": str(delta), "protocol_delta_source": delta_source,
        "gamma_paper": str(gamma), "gamma_paper_enclosure": list(gamma.enclosure(15)),
        "condition_holds_paper": paper_condition_holds(eps, delta),
        "n0_paper": finite_size.paper_n0(delta) if delta > 0 else None,
        "n0_needed": finite_size.needed_n0(delta) if delta > 0 else None,
        "n_gamma_below_one": finite_size.n_for_gamma_below_one(eps, delta),
        "target_error": str(target), "output_bits": output_bits,
    }
    gamma_paper_model = finite_size.paper_gamma_model(eps)
    theorem20["finite_size"] = _finite_size(eps, delta, target, output_bits, gamma_paper_model)
    if value_functions is not None:
        b_star, pairs = certified_saturation_bell_sum(value_functions)
        limit = certified_delta_max(eps, value_functions)
        gamma_c, pair = certified_gamma(eps, delta, value_functions)
        theorem20.update({
            "delta_max_certified": None if limit is None else str(limit),
            "delta_sup_proof_chain_certified": None if b_star is None else str(proof_delta_sup(eps, b_star)),
            "b_star": None if b_star is None else str(b_star), "b_star_pairs": pairs[:8],
            "gamma_certified": str(gamma_c), "gamma_certified_pair": pair,
            "gamma_certified_enclosure": list(gamma_c.enclosure(15)),
            "condition_holds_certified": certified_condition_holds(eps, delta, value_functions),
        })
        certified_model = finite_size.certified_gamma_model(eps, value_functions)
        theorem20["finite_size_certified"] = _finite_size(eps, delta, target, output_bits, certified_model)
    else:
        theorem20.update({"delta_max_certified": None, "certified_note": certificates_source})
    if rounds is not None:
        theorem20["chain_at_n"] = {k: v for k, v in finite_size.theorem20_chain(
            eps, delta, rounds, output_bits, gamma_paper_model).items() if k != "bound_upper"}
    return theorem20


def _theorem27_section(eps, delta, target, output_bits, rounds, rao_error_log2, delta_max_certified) -> dict:
    gamma_paper_model = finite_size.paper_gamma_model(eps)
    theorem27 = {
        "condition": "(180): identical to (111)", "delta_max": str(paper_delta_max(eps)),
        "delta_max_certified": delta_max_certified,
        "protocol_delta": str(delta),
        "finite_size": finite_size.theorem27_smallest(eps, delta, target, output_bits,
                                                      gamma_paper_model, rao_error_log2),
        "extractor_note": ("Rao's three-source extractor [21] (Lemma 5 (ii)) has no published "
                           "explicit constants: its error term is included only when "
                           "--rao-error-log2 is given"),
        "sigma_outputs_per_box": finite_size.SIGMA_OUTPUTS_PER_BOX,
    }
    if rounds is not None:
        theorem27["chain_at_n_with_blocks_2_to_n"] = {
            k: v for k, v in finite_size.theorem27_chain(
                eps, delta, rounds, rounds, output_bits, gamma_paper_model).items() if k != "bound_upper"}
    return theorem27


def _noise_section(eps, delta, rounds, value_functions, white_noise, bit_flip) -> dict:
    noise = {"paper": noise_tolerance(eps, paper_delta_max(eps))}
    if value_functions is not None:
        noise["certified"] = noise_tolerance(eps, certified_delta_max(eps, value_functions))
    for model, level in (("white_noise", white_noise), ("bit_flip", bit_flip)):
        if level is not None:
            if rounds is None:
                raise InputError(f"--{model.replace('_', '-')}: give --n for the pass probability")
            noise[f"pass_probability_{model}"] = pass_probability(eps, delta, rounds, model, level)
    return noise


def _positive_integer(value, option: str):
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise InputError(f"{option}: expected a positive integer, got {value!r}")
    return value


def params_report(epsilon, protocol_delta=None, rounds=None, target_error=DEFAULT_TARGET,
                  output_bits: int = 1, certificates: Path | None = None,
                  white_noise=None, bit_flip=None, rao_error_log2=None) -> dict:
    """Everything ``certify params`` prints, as a JSON-ready dict.

    Args:
        epsilon: SV bias (exact, e.g. ``"1/10"``), 0 <= eps < 1/2.
        protocol_delta: the test's threshold delta on L_n; default
            ``delta_max/2`` (paper version), stated in the output.
        rounds: n at which to print the proof's chain (optional).
        target_error: target for the bound on d_comp p(ACC) (eq. (112)).
        output_bits: m, so |S| = 2^m.
        certificates: folder holding ``lemma11/`` (default ``./certificates``).
        white_noise, bit_flip: noise (1 - V, p) for the honest-device pass
            probability at ``rounds``.
        rao_error_log2: log2 of the L1 error of Rao's extractor (Lemma 5 (ii))
            for Theorem 27; no published explicit constant, so no default.

    >>> report = params_report("1/10", certificates="no-such-folder")
    >>> report["theorem20"]["delta_max"], report["lemma10"]["certified_output_bound"]
    ('128/390625', None)
    """
    eps = check_epsilon(epsilon, "--epsilon")
    if protocol_delta is None:
        delta, delta_source = paper_delta_max(eps) / 2, "default: delta_max/2 (paper version)"
    else:
        delta, delta_source = check_protocol_delta(protocol_delta, "--delta"), "given"
    _positive_integer(rounds, "--n")
    _positive_integer(output_bits, "--output-bits")
    target = parse_exact(target_error, "--target-error")
    if not 0 < target < 1:
        raise InputError(f"--target-error: expected a number in (0, 1), got {target}")
    value_functions, source = load_certified_value_functions(certificates)
    theorem20 = _theorem20_section(eps, delta, delta_source, target, output_bits, rounds, value_functions, source)
    return {"epsilon": str(eps),
            "lemma10": _lemma10_section(eps, delta, value_functions, source),
            "theorem20": theorem20,
            "theorem27": _theorem27_section(eps, delta, target, output_bits, rounds, rao_error_log2,
                                            theorem20.get("delta_max_certified")),
            "noise_tolerance": _noise_section(eps, delta, rounds, value_functions, white_noise, bit_flip),
            "certificates": source}


def report_text(report: dict) -> str:
    """The report for a terminal: one line per result."""
    t20, t27, noise = report["theorem20"], report["theorem27"], report["noise_tolerance"]
    lines = [f"eps = {report['epsilon']}",
             f"Lemma 10 (eq. (38)) at delta = {t20['protocol_delta']} ({t20['protocol_delta_source']}): "
             f"P(x*|u*) <= {report['lemma10']['paper_output_bound']} (paper), "
             f"{report['lemma10']['certified_output_bound']} (certified)",
             f"Theorem 20 (eq. (111)): delta_max = {t20['delta_max']} (paper), "
             f"{t20.get('delta_max_certified')} (certified)",
             f"  condition at delta: paper {t20['condition_holds_paper']}, "
             f"certified {t20.get('condition_holds_certified')}",
             f"  n0 as printed floor(1/delta^4) = {t20['n0_paper']}, needed ceil = {t20['n0_needed']}, "
             f"gamma < 1 from n = {t20['n_gamma_below_one']}"]
    for key, label in (("finite_size", "paper gamma"), ("finite_size_certified", "certified gamma")):
        if key in t20:
            for mode in ("paper_choice", "optimised"):
                entry = t20[key][mode]
                lines.append(f"  rounds for d_comp p(ACC) <= {t20['target_error']} with "
                             f"{t20['output_bits']} bit(s), {label}, {mode}: "
                             f"{entry.get('rounds') if entry['found'] else 'not found'}")
    fs27 = t27["finite_size"]
    lines.append(f"Theorem 27 (eq. (180)): rounds {fs27.get('rounds')}, log2 N = {fs27.get('log2_blocks')}"
                 f" (Rao extractor term included: {fs27.get('extractor_term_included')})")
    for version in ("paper", "certified"):
        if version in noise:
            entry = noise[version]
            lines.append(f"noise tolerance ({version}): 1 - V < {entry['white_noise']['supremum']}, "
                         f"bit flip p < {entry['bit_flip']['supremum']}")
    return "\n".join(lines)


