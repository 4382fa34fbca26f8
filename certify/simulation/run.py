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

from pathlib import Path
from typing import Callable

from certify.builder.store import certificates_dir
from certify.errors import InputError
from certify.numbers import parse_exact
from certify.simulation.devices import (adversarial_device, best_local_strategy, honest_quantum_device,
                                        load_value_function_bounds, local_deterministic_device)
from certify.simulation.extractor import BlockExtractor
from certify.simulation.protocols import (CERTIFIED_BOUND_SOURCE, DEFAULT_CHUNK_ROUNDS, DEFAULT_THRESHOLD_RULE,
                                          PAPER_BOUND_SOURCE, crosscheck, default_protocol_threshold,
                                          paper_lemma11_bounds, run_protocol_one, run_protocol_two)
from certify.simulation.source import check_epsilon, make_source

__all__ = ["simulate", "DEVICES", "SOURCES"]

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
    if run_crosscheck:
        document["crosscheck"] = _crosscheck(result, devices, sv_source, alpha, paper_bounds, folder)
    return document
