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

import re
import textwrap
from fractions import Fraction
from pathlib import Path

from certify.builder.store import certificates_dir, load_value_functions
from certify.errors import InputError
from certify.lp.value_function import upper_envelope
from certify.numbers import decimal_text, parse_exact
from certify.params import finite_size
from certify.params.finite_size import smallest_rounds, theorem20_chain, theorem20_optimised
from certify.params.lemma10 import (bell_sum_bound, certified_output_bound, check_protocol_delta,
                                    paper_output_bound, prove_lemma10_chain, sv_weight_bounds)
from certify.params.noise import noise_tolerance, pass_probability
from certify.params.notation import integer_text, with_decimal
from certify.params.theorems import (certified_condition_holds, certified_delta_max, certified_gamma,
                                     certified_saturation_bell_sum, paper_condition_holds, paper_delta_max,
                                     paper_gamma, proof_delta_sup, prove_paper_region)
from certify.simulation.source import check_epsilon

__all__ = ["params_report", "report_text", "load_certified_value_functions", "DEFAULT_TARGET"]

DEFAULT_TARGET = "1e-6"
SECTIONS = 6
"""Calls of ``progress`` per report: certificates, Lemma 10, Theorem 20 (paper, certified), 27, noise."""


def load_certified_value_functions(certificates=None):
    """``(value functions, source)`` from ``certificates/lemma11`` (each checked exactly),
    or ``(None, reason)`` when the folder holds no Lemma-11 certificates."""
    directory = certificates_dir(certificates)
    if not (directory / "lemma11").is_dir() or not any((directory / "lemma11").glob("*.json")):
        return None, f"no Lemma 11 certificates in {directory / 'lemma11'}"
    return load_value_functions(directory), str(directory)


VARIANTS = {
    "paper_choice": ("the proof of Theorem 20 step by step with the paper's own choices (delta_Az = n^(-1/4), "
                     "Lemma 9 at the threshold sqrt(delta + delta_Az), the Markov steps of eqs. (104)-(105)), "
                     "every Omega(.) made explicit; the extractor of Lemma 5 (i) with constants derived here"),
    "optimised": ("the same lemmas with their free choices set for each n: any delta_Az > 0, a Lemma 9 "
                  "threshold tau, a Markov level theta on Lemma 7's tail (in place of eps_Az of eq. (90)) "
                  "and a level a on max_x q(x|..., ACC) (in place of sqrt(delta_1) in eq. (104)); floats "
                  "propose them, the bound at the rational choices is enclosed in interval arithmetic"),
}
"""What the two round counts of the finite-size calculator mean (:mod:`certify.params.finite_size`)."""

COVERAGE_NOTE = ("The proof of Theorem 20 needs n >= n0 only to get mu > 0 and gamma < 1 at delta + delta_Az "
                 "(eq. (94)); Lemma 18 and Proposition 19, on which the bound rests, hold for any delta, "
                 "delta_Az > 0. A round count below n0 is what those lemmas give with explicit constants "
                 "and with gamma < 1 and mu > 0 checked at that n: a result computed here, not covered by "
                 "the paper's proof of Theorem 20 as written.")


def _conditions(found: dict, delta, n0_paper, n0_needed, condition_holds) -> dict:
    """Which of the paper's conditions a round count found by the calculator satisfies.

    ``covered_by_paper_proof``: the hypotheses of the proof of Theorem 20 hold at n
    ((111) at delta, and n >= ceil(1/delta^4) so that its delta_Az = n^(-1/4) <= delta).
    ``delta_az_at_most_delta`` is about the delta_Az the variant itself used.
    """
    rounds, details = found["rounds"], found["details"]
    if "lemma9_threshold_tau" in details:  # optimised: delta_Az is a free choice
        delta_az_ok = Fraction(details["delta_az"]) <= delta
        gamma_note = (f"gamma(tau) < 1 and mu > 0 at delta_Az = {details['delta_az']}, "
                      f"tau = {details['lemma9_threshold_tau']}")
    else:  # paper choice: delta_Az = n^(-1/4) <= delta iff n >= ceil(1/delta^4)
        delta_az_ok = n0_needed is not None and rounds >= n0_needed
        gamma_note = (f"gamma < 1 and mu > 0 at delta + n^(-1/4) (n >= "
                      f"{details['n_gamma_below_one']['value']})")
    return {
        "condition_111_holds_at_delta": condition_holds,
        "n_at_least_n0_paper": n0_paper is not None and rounds >= n0_paper,
        "delta_az_at_most_delta": delta_az_ok,
        "covered_by_paper_proof": bool(condition_holds and n0_needed is not None and rounds >= n0_needed),
        "checked_instead": gamma_note,
    }


def _finite_size(eps, delta, target, bits, gamma_model, condition_holds=None) -> dict:
    n0 = finite_size.needed_n0(delta) if delta > 0 else None
    n0_paper = finite_size.paper_n0(delta) if delta > 0 else None

    def summary(found: dict) -> dict:
        if not found.get("found"):
            return {"found": False, "reason": found.get("reason")}
        details = found["details"]
        return {"found": True, "rounds": found["rounds"],
                "rounds_also_at_least_n0": None if n0 is None else max(n0, found["rounds"]),
                "holds_at_rounds_minus_one": found["holds_at_rounds_minus_one"],
                "conditions": _conditions(found, delta, n0_paper, n0, condition_holds),
                "bound_at_rounds": details["bound"], "chain": {
                    k: v for k, v in details.items() if k not in ("bound_upper",)}}

    paper = smallest_rounds(lambda n: theorem20_chain(eps, delta, n, bits, gamma_model), target)
    optimised = smallest_rounds(lambda n: theorem20_optimised(eps, delta, n, bits, gamma_model), target)
    return {"paper_choice": summary(paper), "optimised": summary(optimised),
            "variants": dict(VARIANTS), "coverage_note": COVERAGE_NOTE}


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
                       certificates_source, advance=lambda: None) -> dict:
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
    theorem20["finite_size"] = _finite_size(eps, delta, target, output_bits, gamma_paper_model,
                                            theorem20["condition_holds_paper"])
    advance()
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
        theorem20["finite_size_certified"] = _finite_size(eps, delta, target, output_bits, certified_model,
                                                          theorem20["condition_holds_certified"])
    else:
        theorem20.update({"delta_max_certified": None, "certified_note": certificates_source})
    advance()
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
                  white_noise=None, bit_flip=None, rao_error_log2=None, progress=None) -> dict:
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
        progress: optional ``progress(done, total)``, called after each of the
            report's sections (certificates, Lemma 10, Theorem 20 twice,
            Theorem 27, noise).

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
    steps = iter(range(1, SECTIONS + 1))

    def advance() -> None:
        if progress is not None:
            progress(next(steps), SECTIONS)

    if progress is not None:
        progress(0, SECTIONS)  # shows the display at once; the first section takes a while

    value_functions, source = load_certified_value_functions(certificates)
    advance()
    lemma10 = _lemma10_section(eps, delta, value_functions, source)
    advance()
    theorem20 = _theorem20_section(eps, delta, delta_source, target, output_bits, rounds, value_functions,
                                   source, advance)
    theorem27 = _theorem27_section(eps, delta, target, output_bits, rounds, rao_error_log2,
                                   theorem20.get("delta_max_certified"))
    advance()
    noise = _noise_section(eps, delta, rounds, value_functions, white_noise, bit_flip)
    advance()
    return {"epsilon": str(eps), "lemma10": lemma10, "theorem20": theorem20, "theorem27": theorem27,
            "noise_tolerance": noise, "certificates": source}


_SYMBOLS = [(re.compile(pattern), symbol) for pattern, symbol in (
    (r"\bdelta_Az\b", "δ_Az"), (r"\bdelta_1\b", "δ_1"), (r"\beps_Az\b", "ε_Az"), (r"\bdelta\b", "δ"), (r"\beps(ilon)?\b", "ε"),
    (r"\bgamma\b", "γ"), (r"\bmu\b", "μ"), (r"\btau\b", "τ"), (r"\btheta\b", "θ"), (r"\bOmega\(\.\)", "Ω(·)"),
    (r"\bsqrt\(", "√("), (r">=", "≥"), (r"<=", "≤"), (r"\bB\.P\b", "B·P"), (r"\bn\^\(-1/4\)", "n^(−1/4)"))]
WIDTH = 100


def _symbols(text: str) -> str:
    """The report's ASCII prose with the paper's symbols (ε, δ, γ, ...)."""
    for pattern, symbol in _SYMBOLS:
        text = pattern.sub(symbol, text)
    return text


_SHORT_GROUP = re.compile(r"\([^()]{1,14}\)")


def _wrap(text: str, indent: str = "  ", first: str | None = None) -> list[str]:
    """Wrapped prose; short parenthesised groups such as (1/2 − ε) are not broken."""
    protected = _SHORT_GROUP.sub(lambda match: match.group(0).replace(" ", "\u00a0"), text)
    protected = re.sub(r" ([=≈≤≥<>]) ", "\u00a0\\1\u00a0", protected)
    lines = textwrap.wrap(protected, WIDTH, initial_indent=indent if first is None else first,
                          subsequent_indent=indent, break_on_hyphens=False)
    return [line.replace("\u00a0", " ") for line in lines]


def _upper_text(bound: dict) -> str:
    """The upper end of an interval enclosure (mpmath's decimal string), rounded up to 5 digits."""
    return "≤ " + decimal_text(parse_exact(bound["upper"], "bound"), 5, up=True)


def _yes(flag) -> str:
    return "yes" if flag else "no"


def _rounds_rows(t20: dict) -> list[tuple[str, str, dict]]:
    """``(gamma from, variant, entry)`` for each round count the report holds."""
    return [(gamma_from, name, t20[key][mode])
            for key, gamma_from in (("finite_size", "paper"), ("finite_size_certified", "certified")) if key in t20
            for mode, name in (("paper_choice", "paper choice"), ("optimised", "optimised"))]


def _checked_instead(entry: dict, t20: dict) -> str:
    """What the calculator checked at n in place of the paper's n >= n0, in words."""
    chain = entry["chain"]
    if "lemma9_threshold_tau" in chain:
        delta_az = Fraction(chain["delta_az"])
        relation = "≤" if delta_az <= Fraction(t20["protocol_delta"]) else ">"
        return (f"γ(τ) < 1, μ > 0 at its δ_Az ≈ {decimal_text(delta_az)} ({relation} δ), "
                f"τ ≈ {decimal_text(Fraction(chain['lemma9_threshold_tau']))}")
    start = chain["n_gamma_below_one"]["value"]
    return f"γ < 1, μ > 0 at δ + n^(−1/4) (from n = {start:,} on)"


def _finite_size_lines(t20: dict) -> list[str]:
    target, bits = t20["target_error"], t20["output_bits"]
    lines = ["", f"Rounds n for d_comp·p(ACC) ≤ {with_decimal(target)} (eq. (112)), "
                 f"m = {bits} output bit{'s' if bits != 1 else ''}"]
    n0, n0_needed = t20["n0_paper"], t20["n0_needed"]
    if n0 is None:
        lines.append("  δ = 0: Theorem 20 asks δ > 0, and the proof's n0 = ⌊1/δ^4⌋ is not defined.")
    else:
        needed = "" if n0 == n0_needed else f" (δ_Az ≤ δ needs n ≥ ⌈1/δ^4⌉ = {n0_needed:,})"
        lines += _wrap("The paper's proof of Theorem 20 sets δ_Az = n^(−1/4) and considers only n ≥ n0 = "
                       f"⌊1/δ^4⌋ = {integer_text(n0)}{needed}.")
    rows = _rounds_rows(t20)
    lines.append(f"  {'γ from':<12}{'variant':<15}{'smallest n':<32}{'n ≥ n0':<9}bound at n")
    outside = []
    for gamma_from, variant, entry in rows:
        head = f"  {gamma_from:<12}{variant:<15}"
        if not entry["found"]:
            lines.append(f"{head}not found: {_symbols(entry.get('reason') or '')}")
            continue
        conditions = entry["conditions"]
        at_least_n0 = "—" if n0 is None else _yes(conditions["n_at_least_n0_paper"])
        lines.append(f"{head}{integer_text(entry['rounds']):<32}{at_least_n0:<9}"
                     f"{_upper_text(entry['bound_at_rounds'])}")
        if not conditions["covered_by_paper_proof"]:
            outside.append(entry)
            lines += _wrap(f"instead: {_checked_instead(entry, t20)}", " " * 31, " " * 29)
    lines.append("  Each n meets the target and n − 1 does not.")
    variants = t20["finite_size"]["variants"]
    lines += _wrap(_symbols("paper choice: " + variants["paper_choice"] + "."), "    ", "  ")
    lines += _wrap(_symbols("optimised: " + variants["optimised"] + "."), "    ", "  ")
    lines += _wrap("paper γ: γ(b) from Lemma 11's line (1 + 2b)/3 (eq. (94)); certified γ: from the exact "
                   "value functions of certificates/lemma11.", "    ", "  ")
    if outside:
        if n0 is None:
            summary = "Theorem 20 asks δ > 0, so its proof covers none of these rows"
        elif all(entry["rounds"] < n0_needed for entry in outside) and len(outside) == len(rows):
            summary = "none of these n reaches n0"
        else:
            summary = "the rows with an 'instead' line are not covered by the paper's proof as written"
        lines += _wrap("Coverage: " + summary
                       + ". " + _symbols(t20["finite_size"]["coverage_note"])
                       + ("" if n0_needed is None else
                          f" Within the proof as written: n ≥ {n0_needed:,} (the bound decreases with n)."),
                       "    ", "  ")
    return lines


def _theorem27_lines(t20: dict, t27: dict) -> list[str]:
    found = t27["finite_size"]
    lines = ["", "Theorem 27 (Protocol II, eqs. (180)-(201)):"]
    if not found.get("found"):
        return lines + [f"  no round count found: {found.get('reason')}"]
    rounds = found["rounds"]
    lines.append(f"  n = {integer_text(rounds)} rounds per block, N = 2^{found['log2_blocks']} blocks per device")
    if not found["extractor_term_included"]:
        lines += _wrap("The error of Rao's three-source extractor (Lemma 5 (ii)) is left out: it has no "
                       "published explicit constants (--rao-error-log2 includes one). Without it these n "
                       "and N do not establish the bound of eq. (181).")
    if t20["n0_needed"] is not None and rounds < t20["n0_needed"]:
        lines += _wrap(f"n < n0 = {integer_text(t20['n0_paper'])}: outside the paper's proof as written, "
                       "as for Theorem 20 above.")
    return lines


def _noise_lines(noise: dict) -> list[str]:
    lines = ["", "Noise tolerated by the quantum box of eq. (8) (its worst-case SV-weighted Bell value stays "
                 "below δ_max):"]
    for version in ("paper", "certified"):
        if version not in noise:
            continue
        entry = noise[version]
        white, flip = entry["white_noise"], entry["bit_flip"]
        lines.append(f"  {version:<10} white noise 1 − V < {with_decimal(white['supremum'])}")
        lines.append(f"  {'':<10} bit flip    p < {with_decimal(flip['supremum'])}")
    for model, name in (("white_noise", "white noise"), ("bit_flip", "bit flip")):
        entry = noise.get(f"pass_probability_{model}")
        if entry is None:
            continue
        exact = entry.get("abort_probability_exact")
        lemma7 = entry.get("abort_probability_lemma7")
        if exact is None:
            abort = "not computed"
        elif exact["lower"] == exact["upper"]:
            abort = f"≈ {exact['lower']}"
        else:
            abort = f"in [{exact['lower']}, {exact['upper']}]"
        lines += _wrap(f"honest box with {name} {entry['noise']}, n = {entry['rounds']:,} rounds: abort "
                       f"probability {abort}" + (f"; Lemma 7 (eq. (26)) bounds it by {lemma7['upper']}"
                                                 if lemma7 else ""), "    ", "  ")
    return lines


def report_text(report: dict) -> str:
    """The report for a terminal: exact values in mathematical notation, each with a decimal copy,
    what each variant means, and which of the paper's conditions each round count meets."""
    t20, t27, noise, lemma10 = (report["theorem20"], report["theorem27"], report["noise_tolerance"],
                                report["lemma10"])
    certified = lemma10["certified_output_bound"] is not None
    lines = [f"SV bias ε = {with_decimal(report['epsilon'])}; protocol threshold δ = "
             f"{with_decimal(t20['protocol_delta'])} "
             f"({'given' if t20['protocol_delta_source'] == 'given' else 'default: δ_max/2, paper version'})"]
    lines += _wrap("δ bounds L_n, the test's estimate of the SV-weighted Bell value (eq. (36)); the plain Bell "
                   "sum B·P of Lemma 11 is another quantity (Lemma 10 below links them).")
    lines.append("  Lemma 11 value functions: " + (f"{report['certificates']}/lemma11, each checked exactly"
                                                   if certified else f"none ({lemma10['certified_note']}); "
                                                   "certified rows left out"))
    lines += [""] + _wrap(f"Lemma 10 (eqs. (39), (40), (38)): a box whose SV-weighted Bell value is at most δ "
                          f"has B·P ≤ δ/(1/2 − ε)^4 = {with_decimal(lemma10['bell_sum_bound'])}, so every "
                          "output probability", "  ", "")
    lines.append(f"  paper      P(x*|u*) ≤ {with_decimal(lemma10['paper_output_bound']):<24}"
                 "Lemma 11's line (1 + 2 B·P)/3")
    if certified:
        lines.append(f"  certified  P(x*|u*) ≤ {with_decimal(lemma10['certified_output_bound']):<24}"
                     f"largest certified v(B·P) over the pairs (at {lemma10['certified_pair']})")
    lines += ["", "Theorems 20 and 27 (eqs. (111), (180)): thresholds allowed 0 < δ < δ_max"]
    verdict = "< 1: (111) holds" if t20["condition_holds_paper"] else "≥ 1: (111) fails"
    lines.append(f"  paper      δ_max = (1/2 − ε)^8/2 = {with_decimal(t20['delta_max'])}")
    lines.append(f"  {'':<11}at this δ: γ = {with_decimal(t20['gamma_paper'])} {verdict}")
    if certified and t20.get("delta_max_certified") is not None:
        verdict = "< 1: holds" if t20["condition_holds_certified"] else "≥ 1: fails"
        lines.append(f"  certified  δ_max = (1/2 − ε)^8·b*²/2 = {with_decimal(t20['delta_max_certified'])}")
        lines.append(f"  {'':<11}at this δ: γ = {with_decimal(t20['gamma_certified'])} {verdict}")
        lines += _wrap(f"b* = {t20['b_star']}: the smallest B·P at which a certified v reaches 1 (Lemma 11's "
                       "line reaches 1 at B·P = 1); certified γ = max over pairs of v(√(2δ)/(1/2 − ε)^4).",
                       " " * 13)
    elif certified:
        lines.append("  certified  no certified v reaches 1: every δ ≥ 0 is allowed")
    chain = f"{t20['delta_sup_proof_chain']}" + (
        f" (paper), {t20['delta_sup_proof_chain_certified']} (certified)"
        if t20.get("delta_sup_proof_chain_certified") else "")
    lines += _wrap(f"The proof uses (111) only for γ < 1 at δ + δ_Az (eq. (94)), which holds for large n iff "
                   f"δ < (1/2 − ε)^8·b*² = {chain}.")
    lines += _finite_size_lines(t20)
    if "chain_at_n" in t20:
        chain_n = t20["chain_at_n"]
        lines.append(f"  at n = {chain_n['rounds']:,} (--n), paper choice, paper γ: " + (
            f"bound ≤ {chain_n['bound']['upper']}" if chain_n.get("applies") else
            f"the chain gives nothing ({_symbols(chain_n.get('reason', ''))})"))
    lines += _theorem27_lines(t20, t27)
    lines += _noise_lines(noise)
    return "\n".join(lines)
