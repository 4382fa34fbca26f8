"""One simulation run, from named choices to a JSON-ready document (``certify simulate``).

:func:`simulate` builds the SV source, the device and the extractor, runs
Protocol I (Fig. 1) or II (Fig. 3) with a seed, and optionally cross-checks
the observed statistics against the certified bounds
(:func:`certify.simulation.protocols.crosscheck`). The protocol threshold
delta bounds L_n, the estimate of the SV-weighted Bell value of eq. (36): it
is not the plain Bell sum B.P of Lemma 11. Every number that decides
something is exact; floats appear only as readable copies of exact values.

>>> document = simulate(protocol="I", epsilon="1/10", device="local", rounds=1000, seed=1)
>>> document["accepted"], document["delta"]
(False, '64/390625')
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Callable

from certify.builder.store import certificates_dir
from certify.errors import InputError
from certify.numbers import decimal_text, parse_exact
from certify.simulation.devices import (adversarial_device, best_local_strategy, honest_quantum_device,
                                        load_value_function_bounds, local_deterministic_device)
from certify.simulation.extractor import BlockExtractor
from certify.simulation.protocols import (CERTIFIED_BOUND_SOURCE, DEFAULT_CHUNK_ROUNDS, DEFAULT_THRESHOLD_RULE,
                                          PAPER_BOUND_SOURCE, crosscheck, default_protocol_threshold,
                                          paper_lemma11_bounds, run_protocol_one, run_protocol_two)
from certify.simulation.source import check_epsilon, make_source

__all__ = ["simulate", "simulation_text", "DEVICES", "SOURCES"]

DEVICES = ("quantum", "adversarial", "local")
SOURCES = ("iid", "adaptive", "targeting")


def _device(kind: str, visibility, flip_probability, certificates: Path, setting, outcome, bell_value):
    if kind == "quantum":
        return honest_quantum_device(visibility, flip_probability)
    if kind == "local":
        return local_deterministic_device(best_local_strategy())
    if kind != "adversarial":
        raise InputError(f"--device: expected one of {DEVICES}, got {kind!r}")
    if setting is None or outcome is None:
        raise InputError("--device adversarial needs --setting and --outcome (e.g. 0001 and 1000)")
    return adversarial_device(certificates, setting, outcome, bell_value)


def _threshold(epsilon, threshold) -> tuple:
    if threshold is None:
        return default_protocol_threshold(epsilon), DEFAULT_THRESHOLD_RULE
    value = parse_exact(threshold, "--threshold")
    if value < 0:
        raise InputError(f"--threshold: expected delta >= 0, got {value}")
    return value, "given with --threshold"


def _crosscheck(result, devices, source, alpha, paper_bounds: bool, certificates: Path) -> dict:
    alpha = parse_exact(alpha, "--alpha")
    if not 0 < alpha < 1:
        raise InputError(f"--alpha: expected 0 < alpha < 1, got {alpha}")
    if paper_bounds:
        bounds, bound_source = paper_lemma11_bounds(), PAPER_BOUND_SOURCE
    else:
        bounds, bound_source = load_value_function_bounds(certificates), CERTIFIED_BOUND_SOURCE
    return crosscheck(result, devices, source, bounds, alpha, bound_source)


def _tested_blocks(result) -> list[dict]:
    """One labelled record per device whose rounds enter the test (Protocol II: the chosen block)."""
    records = []
    for index, (rounds, count, estimate) in enumerate(zip(result.test_rounds, result.bell_counts,
                                                          result.bell_estimates)):
        record = {"device": index + 1, "rounds": rounds, "bell_count": count,
                  "bell_estimate_exact": str(estimate), "within_threshold": estimate <= result.threshold}
        if result.protocol == "II":
            record.update({"chosen_block": result.details["chosen_blocks"][index],
                           "blocks": result.details["blocks"][index]})
        records.append(record)
    return records


def simulate(*, protocol: str = "I", epsilon, rounds: int, seed: int = 0, source: str = "iid",
             favoured_bit: int = 0, target_setting: str | None = None, device: str = "quantum",
             visibility="1", flip_probability="0", setting: str | None = None, outcome: str | None = None,
             bell_value="0", certificates=None, blocks: int = 4, threshold=None, threads: int = 2,
             chunk_rounds: int = DEFAULT_CHUNK_ROUNDS, run_crosscheck: bool = False, paper_bounds: bool = False,
             alpha="1/1000", output_file: str | None = None,
             progress: Callable[[int, int], None] | None = None) -> dict:
    """Run one simulation and return its document (the JSON of ``certify simulate``).

    ``rounds`` is n for Protocol I and the rounds per block for Protocol II
    (``blocks`` blocks per device, two devices); ``threshold`` is the protocol
    threshold delta on L_n (default :func:`default_protocol_threshold`);
    ``device`` is the state of eq. (8) with noise (``quantum``), a certificate's
    witness box maximising P(outcome|setting) at Bell value ``bell_value``
    (``adversarial``), or the best local deterministic strategy (``local``).

    >>> document = simulate(protocol="I", epsilon="1/10", device="local", rounds=1000, seed=1)
    >>> document["accepted"], document["delta"], document["device"]["bell_sum"]
    (False, '64/390625', '2')
    """
    eps = check_epsilon(epsilon)
    if protocol not in ("I", "II"):
        raise InputError(f"--protocol: expected I or II, got {protocol!r}")
    if threads < 1:
        raise InputError(f"--threads: expected a positive integer, got {threads}")
    folder = certificates_dir(certificates)
    sv_source = make_source(source, eps, favoured_bit=favoured_bit,
                            target_setting=target_setting or setting or "0000")
    box_device = _device(device, visibility, flip_probability, folder, setting, outcome, bell_value)
    delta, rule = _threshold(eps, threshold)
    common = dict(chunk_rounds=chunk_rounds, threads=threads, extractor=BlockExtractor(),
                  output_path=output_file, progress=progress)
    if protocol == "I":
        devices = [box_device]
        result = run_protocol_one(sv_source, box_device, rounds, delta, seed, **common)
    else:
        devices = [box_device, box_device]
        result = run_protocol_two(sv_source, devices, rounds, [blocks, blocks], delta, seed, **common)
    one = result.protocol == "I"
    document = {
        "protocol": result.protocol, "epsilon": str(eps), "seed": seed, "source": sv_source.describe(),
        "device": {**box_device.describe(),
                   "sv_weighted_bell_value": str(box_device.sv_weighted_bell_value(sv_source.nibble_distribution()))},
        "rounds": result.test_rounds[0], "device_rounds": result.device_rounds, "accepted": result.accepted,
        "bell_count": result.bell_counts[0] if one else result.bell_counts,
        "bell_estimate": float(result.bell_estimates[0]) if one else [float(x) for x in result.bell_estimates],
        "bell_estimate_exact": str(result.bell_estimates[0]) if one else [str(x) for x in result.bell_estimates],
        "delta": str(delta), "delta_rule": rule, "output_bits": result.output_bits,
        "output_file": output_file if (output_file and result.accepted) else None,
        "extractor": result.extractor,
    }
    if result.details:
        document["protocol_details"] = result.details
    document["tested_blocks"] = _tested_blocks(result)
    if run_crosscheck:
        document["crosscheck"] = _crosscheck(result, devices, sv_source, alpha, paper_bounds, folder)
    return document


def _check_lines(check: dict) -> tuple[str, str]:
    """One cross-check in words: ``(verdict, what it tests, per the paper)`` and the figures behind it."""
    name = {"output_bounds": "output bounds", "bell_count": "Bell counts", "acceptance": "acceptance",
            "lemma7": f"Lemma 7 on device {check.get('device', 1)}"}.get(check["name"], check["name"])
    if check.get("skipped"):
        return f"skipped {name}: {check['skipped']}", ""
    figures = ""
    if check["name"] == "output_bounds":
        worst = check.get("largest_excess")
        if worst:
            excess = Fraction(worst["frequency"]) - Fraction(worst["bound"])
            size = decimal_text(abs(excess))
            figures = f"largest frequency − bound: {'−' + size if excess < 0 else size} at {worst['pair']}"
        if "target" in check:
            target = check["target"]
            figures += (f"; target {target['pair']}: frequency {decimal_text(Fraction(target['frequency']))}, "
                        f"bound {target['certified_bound']}")
    elif check["name"] == "bell_count":
        figures = "; ".join(f"device {b['device']}: {b['bell_count']:,} observed, {b['expected_count']:.4g} "
                            f"expected, p-value {b['two_sided_p_value']:.3g}" for b in check["blocks"])
    elif check["name"] == "acceptance":
        expected = ("either decision passes (it lies between α and 1 − α)"
                    if check["expected"].startswith("either") else f"it must {check['expected']}")
        figures = (f"predicted P(accept) ≈ {check['predicted_acceptance_probability']:.4g}, so {expected}; "
                   f"the run {'accepted' if check['accepted'] else 'aborted'}")
    elif check["name"] == "lemma7":
        figures = (f"s = {decimal_text(Fraction(check['deviation_exact']))}, radius "
                   f"{check['lemma7_radius']:.4g}; exact tail {check['exact_binomial_tail']:.4g}, bound "
                   f"{check['lemma7_bound']:.4g}")
    verdict = "passed" if check["passed"] else "FAILED"
    return f"{verdict:<7} {name} ({_symbols(check.get('paper', ''))}): {_symbols(check.get('title', ''))}", figures


def _symbols(text: str) -> str:
    for ascii_text, symbol in (("Lbar_n", "L̄_n"), ("sqrt(", "√("), ("alpha", "α"), (">=", "≥"), ("<=", "≤"),
                               ("B.P", "B·P"), ("delta", "δ"), ("epsilon", "ε"), (" - ", " − "),
                               ("s^2", "s²"), ("(-n", "(−n")):
        text = text.replace(ascii_text, symbol)
    return text


def simulation_text(document: dict, width: int = 100) -> str:
    """The document of :func:`simulate` for a person: the run, each tested block labelled by
    device, the decision, and each cross-check named in words with the paper's lemma or equation.

    >>> print(simulation_text(simulate(protocol="I", epsilon="1/10", device="local", rounds=1000, seed=1)))
    Protocol I (Fig. 1), ε = 1/10, 1,000 rounds; SV source iid: each bit is 0 with probability 1/2 + ε
      device: local (B·P = 2; SV-weighted Bell value q = 78/625 per round)
      threshold δ = 64/390625 ≈ 1.638e-4 on L_n (default: (1/2 − ε)^8/4, half the paper's δ_max)
      device 1: Bell count 121, L_n = 121/1000 ≈ 0.121 > δ
    ABORTED
    """
    import re
    import textwrap

    def wrap(text: str, indent: str = "  ", hanging: str = "    ") -> list[str]:
        """Wrapped; ``a = b``, ``a ≤ b`` and short parenthesised groups are not broken."""
        keep = re.sub(r"\([^()]{1,18}\)|\([^()]{0,8}\([^()]*\)[^()]{0,8}\)",
                      lambda match: match.group(0).replace(" ", "\u00a0"), text)
        keep = re.sub(r" ([=≤≥<>]) ", "\u00a0\\1\u00a0", keep)
        return [line.replace("\u00a0", " ") for line in
                textwrap.wrap(keep, width, initial_indent=indent, subsequent_indent=indent + hanging,
                              break_on_hyphens=False)]

    protocol, device, source = document["protocol"], document["device"], document["source"]
    if protocol == "I":
        run = f"Protocol I (Fig. 1), ε = {document['epsilon']}, {document['rounds']:,} rounds"
    else:
        blocks = document["tested_blocks"][0]["blocks"]
        run = (f"Protocol II (Fig. 3), ε = {document['epsilon']}, two devices of {blocks} blocks of "
               f"{document['rounds']:,} rounds")
    rule = (f"each bit is {source['favoured_bit']} with probability 1/2 + ε" if source["name"] == "iid"
            else _symbols(source.get("rule", "")))
    lines = wrap(f"{run}; SV source {source['name']}: {rule}", "")
    extra = {"quantum": f"; visibility V = {device.get('visibility')}, bit flip p = {device.get('flip_probability')}",
             "adversarial": f"; certificate witness with P({device.get('outcome')}|{device.get('setting')}) = "
                            f"{device.get('certified_value')}"}.get(device["name"], "")
    lines += wrap(f"device{'s' if protocol == 'II' else ''}: {device['name']} (B·P = {device['bell_sum']}; "
                  f"SV-weighted Bell value q = {device['sv_weighted_bell_value']} per round{extra})")
    threshold = f"δ = {document['delta']} ≈ {decimal_text(Fraction(document['delta']))} on L_n"
    if document["delta_rule"] == DEFAULT_THRESHOLD_RULE:
        threshold += " (default: (1/2 − ε)^8/4, half the paper's δ_max)"
    lines += wrap(f"threshold {threshold}")
    for block in document["tested_blocks"]:
        where = (f"block {block['chosen_block'] + 1} of {block['blocks']} (chosen with SV bits), "
                 if "chosen_block" in block else "")
        estimate = Fraction(block["bell_estimate_exact"])
        approx = "" if estimate == 0 or estimate.denominator == 1 else f" ≈ {decimal_text(estimate)}"
        lines += wrap(f"device {block['device']}: {where}Bell count {block['bell_count']:,}, "
                      f"L_n = {block['bell_estimate_exact']}{approx} {'≤' if block['within_threshold'] else '>'} δ")
    if document["accepted"]:
        lines += wrap(f"ACCEPTED: {document['output_bits']:,} output bits from an explicit extractor "
                      f"({document['extractor']['name']}), not the paper's", "")
        if document.get("output_file"):
            lines.append(f"  written to {document['output_file']}")
    else:
        lines.append("ABORTED")
    if "crosscheck" in document:
        crosscheck = document["crosscheck"]
        alpha = next((c["alpha"] for c in crosscheck["checks"] if "alpha" in c), None)
        lines.append(f"cross-checks at significance α = {alpha}: "
                     + ("all passed" if crosscheck["passed"] else "SOME FAILED"))
        for check in crosscheck["checks"]:
            head, figures = _check_lines(check)
            lines += wrap(head, "  ", " " * 8)
            if figures:
                lines += wrap(figures, " " * 10, "  ")
    return "\n".join(lines)
