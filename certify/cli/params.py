"""``certify params``: parameter checks of Lemma 10 and Theorems 20 and 27, finite size, noise.

A thin wrapper over :func:`params_report` (library, raises
:class:`~certify.errors.InputError` / :class:`~certify.errors.ClaimNotProven`)
and :func:`plot_trade_off` (Fig. 6).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

from certify.errors import InputError

__all__ = ["add_parser", "params_report", "plot_trade_off", "default_certificates_dir"]

DEFAULT_TARGET = "1e-6"


def default_certificates_dir() -> Path:
    """``certificates/`` next to the package (a checkout), else ``./certificates``."""
    beside = Path(__file__).resolve().parent.parent / "certificates"
    return beside if (beside / "lemma11").is_dir() else Path("certificates")


def _load_value_functions(certificates_dir: Path | None):
    directory = Path(certificates_dir) if certificates_dir else default_certificates_dir()
    if not (directory / "lemma11").is_dir() or not any((directory / "lemma11").glob("*.json")):
        return None, f"no Lemma 11 certificates in {directory / 'lemma11'}"
    from certify.builder.store import load_value_functions
    return load_value_functions(directory), str(directory)


def _finite_size(eps, delta, target, bits, gamma_model) -> dict:
    from certify.params import finite_size
    from certify.params.finite_size import smallest_rounds, theorem20_chain, theorem20_optimised

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


def params_report(epsilon, protocol_delta=None, rounds=None, target_error=DEFAULT_TARGET,
                  output_bits: int = 1, certificates_dir: Path | None = None,
                  white_noise=None, bit_flip=None, rao_error_log2=None) -> dict:
    """Everything ``certify params`` prints, as a JSON-ready dict.

    Args:
        epsilon: SV bias (rational string or Fraction), 0 <= eps < 1/2.
        protocol_delta: the test's threshold delta on L_n; default
            ``delta_max/2`` (paper version), stated in the output.
        rounds: n at which to print the proof's chain (optional).
        target_error: target for the bound on d_comp p(ACC) (eq. (112)).
        output_bits: m, so |S| = 2^m.
        certificates_dir: folder holding ``lemma11/`` (certified version (b)).
        white_noise, bit_flip: noise (1 - V, p) for the honest-device pass
            probability at ``rounds``.
        rao_error_log2: log2 of the L1 error of Rao's extractor (Lemma 5 (ii))
            for Theorem 27; no published explicit constant, so no default.
    """
    from certify.params import finite_size
    from certify.params.lemma10 import (bell_sum_bound, certified_output_bound, check_epsilon,
                                 check_protocol_delta, parse_rational, paper_output_bound,
                                 prove_lemma10_chain, sv_weight_bounds)
    from certify.params.noise import noise_tolerance, pass_probability
    from certify.params.theorems import (certified_condition_holds, certified_delta_max, certified_gamma,
                                    certified_saturation_bell_sum, paper_condition_holds,
                                    paper_delta_max, paper_gamma, proof_delta_sup,
                                    prove_paper_region)

    eps = check_epsilon(epsilon, "--epsilon")
    delta_max = paper_delta_max(eps)
    if protocol_delta is None:
        delta, delta_source = delta_max / 2, "default: delta_max/2 (paper version)"
    else:
        delta, delta_source = check_protocol_delta(protocol_delta, "--delta"), "given"
    if rounds is not None and (isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1):
        raise InputError(f"--n: expected a positive integer number of rounds, got {rounds!r}")
    if isinstance(output_bits, bool) or not isinstance(output_bits, int) or output_bits < 1:
        raise InputError(f"--output-bits: expected a positive integer, got {output_bits!r}")
    target = parse_rational(target_error, "--target-error")
    if not 0 < target < 1:
        raise InputError(f"--target-error: expected a number in (0, 1), got {target}")
    value_functions, certificates_source = _load_value_functions(certificates_dir)

    lower, upper = sv_weight_bounds(eps)
    lemma10 = {
        "equation": "(38)", "protocol_delta": str(delta),
        "sv_weight_bounds": [str(lower), str(upper)],
        "bell_sum_bound": str(bell_sum_bound(delta, eps)),
        "paper_output_bound": str(paper_output_bound(delta, eps)),
        "chain_proof": prove_lemma10_chain(),
    }
    if value_functions is not None:
        bound, pair = certified_output_bound(delta, eps, value_functions)
        from certify.lp.value_function import upper_envelope
        envelope = upper_envelope(value_functions.values())
        lemma10.update({
            "certified_output_bound": str(bound), "certified_pair": pair,
            "certified_envelope_breakpoints": [[str(b), str(v)] for b, v in envelope],
            "certified_envelope_note": ("max over pairs of v(b), b = B.P <= delta/(1/2-eps)^4; "
                                        "linear between breakpoints, constant after the last"),
        })
    else:
        lemma10.update({"certified_output_bound": None, "certified_note": certificates_source})

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
    certified_model = None
    if value_functions is not None:
        b_star, pairs = certified_saturation_bell_sum(value_functions)
        limit = certified_delta_max(eps, value_functions)
        gamma_c, pair = certified_gamma(eps, delta, value_functions)
        theorem20.update({
            "delta_max_certified": None if limit is None else str(limit),
            "delta_sup_proof_chain_certified": (None if b_star is None
                                                else str(proof_delta_sup(eps, b_star))),
            "b_star": None if b_star is None else str(b_star), "b_star_pairs": pairs[:8],
            "gamma_certified": str(gamma_c), "gamma_certified_pair": pair,
            "gamma_certified_enclosure": list(gamma_c.enclosure(15)),
            "condition_holds_certified": certified_condition_holds(eps, delta, value_functions),
        })
        certified_model = finite_size.certified_gamma_model(eps, value_functions)
        theorem20["finite_size_certified"] = _finite_size(eps, delta, target, output_bits,
                                                          certified_model)
    else:
        theorem20.update({"delta_max_certified": None, "certified_note": certificates_source})
    if rounds is not None:
        theorem20["chain_at_n"] = {k: v for k, v in finite_size.theorem20_chain(
            eps, delta, rounds, output_bits, gamma_paper_model).items() if k != "bound_upper"}

    theorem27 = {
        "condition": "(180): identical to (111)", "delta_max": str(delta_max),
        "delta_max_certified": theorem20.get("delta_max_certified"),
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

    noise = {"paper": noise_tolerance(eps, delta_max)}
    if value_functions is not None:
        noise["certified"] = noise_tolerance(eps, certified_delta_max(eps, value_functions))
    for model, level in (("white_noise", white_noise), ("bit_flip", bit_flip)):
        if level is not None:
            if rounds is None:
                raise InputError(f"--{model.replace('_', '-')}: give --n for the pass probability")
            noise[f"pass_probability_{model}"] = pass_probability(eps, delta, rounds, model, level)
    return {"epsilon": str(eps), "lemma10": lemma10, "theorem20": theorem20,
            "theorem27": theorem27, "noise_tolerance": noise,
            "certificates": certificates_source}


def plot_trade_off(path: Path, certificates_dir: Path | None = None, points: int = 200) -> Path:
    """Fig. 6: delta_max(eps) of eq. (111), paper and certified, written to ``path`` (.png/.svg)."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"--plot: expected a file name ending in .png or .svg, got {str(path)!r}")
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot

    from certify.params.theorems import certified_delta_max, paper_delta_max

    value_functions, source = _load_value_functions(certificates_dir)
    grid = [Fraction(k, 2 * points) for k in range(points)]
    figure, axes = pyplot.subplots(figsize=(6, 4))
    axes.semilogy([float(e) for e in grid], [float(paper_delta_max(e)) for e in grid],
                  label="paper: (1/2-eps)^8/2 (eq. (111))")
    if value_functions is not None:
        axes.semilogy([float(e) for e in grid],
                      [float(certified_delta_max(e, value_functions) or 0) for e in grid],
                      linestyle="--", label="certified value functions")
    axes.set_xlabel("SV bias eps")
    axes.set_ylabel("largest protocol threshold delta")
    axes.set_title("Fig. 6: trade-off between eps and delta")
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(handle)
    try:
        metadata = {"Date": None} if path.suffix.lower() == ".svg" else {}
        figure.savefig(temporary, format=path.suffix[1:].lower(), metadata=metadata)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # mkstemp creates 0600
        os.replace(temporary, path)
    finally:
        pyplot.close(figure)
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def _text(report: dict) -> str:
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


def _run(args) -> int:
    if args.plot is None and args.epsilon is None:
        raise InputError("--epsilon: required (a rational in [0, 1/2), e.g. 1/10) unless only --plot is given")
    if args.plot is not None:
        written = plot_trade_off(Path(args.plot), args.certificates)
        if args.epsilon is None:
            print(f"wrote {written}")
            return 0
    report = params_report(args.epsilon, args.delta, args.n, args.target_error, args.output_bits,
                           args.certificates, args.white_noise, args.bit_flip, args.rao_error_log2)
    if args.json:
        json.dump(report, sys.stdout, indent=2, sort_keys=True, default=str)
        sys.stdout.write("\n")
    else:
        print(_text(report))
    return 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "params",
        help="check the parameters of Lemma 10 and Theorems 20/27; finite size; noise tolerance",
        description=(
            "Exact parameter checks for the paper. Two deltas are kept apart: the protocol "
            "threshold delta on L_n (--delta; the SV-weighted Bell value of eq. (36)) and the "
            "plain Bell sum B.P of Lemma 11 (0..8). Reports Lemma 10 (eq. (38)), the admissible "
            "region of Theorems 20/27 (eqs. (111), (180)) as the paper states it and with the "
            "certified Lemma 11 value functions, the smallest number of rounds for a target "
            "bound on d_comp p(ACC) (eq. (112)), and the noise tolerated by the quantum box of "
            "eq. (8). Exit 0 ok, 1 claim not proven, 2 bad input."))
    parser.add_argument("--epsilon", help="SV bias eps, exact, 0 <= eps < 1/2 (e.g. 1/10)")
    parser.add_argument("--delta", help="protocol threshold delta on L_n (default: delta_max/2)")
    parser.add_argument("--n", type=_positive_int, help="number of rounds n: print the proof's chain at n")
    parser.add_argument("--target-error", default=DEFAULT_TARGET,
                        help="target bound on d_comp p(ACC) of eq. (112) (default 1e-6)")
    parser.add_argument("--output-bits", type=_positive_int, default=1,
                        help="output length m in bits, |S| = 2^m (default 1)")
    parser.add_argument("--certificates", type=Path, default=None,
                        help="folder with lemma11/ certificates (default: the checkout's certificates/)")
    parser.add_argument("--white-noise", help="white-noise fraction 1 - V for the pass probability at --n")
    parser.add_argument("--bit-flip", help="bit-flip probability p for the pass probability at --n")
    parser.add_argument("--rao-error-log2",
                        help=("log2 of the L1 error of Rao's extractor for Theorem 27 (no published "
                              "constant; without it that term is left out and the output says so)"))
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--plot", metavar="FILE", help="write Fig. 6 (both curves) to FILE.png or FILE.svg")
    parser.set_defaults(func=_run)


def _positive_int(text: str) -> int:
    import argparse
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value
