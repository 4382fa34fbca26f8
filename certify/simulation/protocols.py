"""Protocols I (Fig. 1) and II (Fig. 3), simulated; and the cross-checks against the certificates.

Protocol I (Fig. 1), one four-party device, n rounds:

1. settings u_1..u_n from the eps-SV source, outputs x_1..x_n from the device;
2. L_n = (1/n) sum_i B(x_i, u_i) with B of eq. (7); abort unless
   L_n <= delta (the *protocol threshold*, compared exactly as
   bell_count <= delta * n);
3. if not aborted, extract from the 4n output bits and 4n further SV bits.

Protocol II (Fig. 3), two devices of M_j = n N_j rounds each, N_j blocks of
n rounds (N_j a power of two here, so that log2 N_j source bits pick a
block exactly as the source makes them): one block per device is chosen
with SV bits, L^j_n is computed on the chosen block of each device, abort
unless both are <= delta, then extract from the two chosen blocks' outputs.
The block-choice bits are drawn (from their own stream) before the device
rounds are simulated; with the sources of :mod:`certify.simulation.source` the
order of independent streams does not change the joint law.

**Extractor.** The paper uses Lemma 5 (i) (non-explicit) in Protocol I and
Rao's three-source extractor (Lemma 5 (ii)) in Protocol II. The simulator
uses the explicit block-wise inner product over GF(2^8) of
:mod:`certify.simulation.extractor` (Protocol I: device outputs with SV bits;
Protocol II: chosen block of device 1 with chosen block of device 2); a
trailing partial block (fewer than 64 rounds) is not extracted.

**Threshold.** The default protocol threshold is
:func:`default_protocol_threshold`: delta = (1/2 - eps)^8 / 4, half the
supremum of the admissible region of Theorem 20 as read from eq. (111),
(1/3)(1 + 2 sqrt(2 delta) / (1/2 - eps)^4) < 1 <=> delta < (1/2 - eps)^8 / 2.
It is a function so that the parameter module can replace it.

**Randomness and streaming.** Rounds are simulated in chunks; chunk k of a
stream uses generators seeded by ``SeedSequence(seed, spawn_key=key)`` (one
child each for the source, the device and the extractor's source bits), so
the output depends only on the seed (not on the thread count or chunk
order). Memory is O(chunk size). Sampling uses 2^-64-rounded inverse-CDF tables.

**Cross-checks** (:func:`crosscheck`), each able to fail:

* ``output_bounds``: for every pair (u, x), the empirical frequency
  f = count(u, x) / count(u) satisfies f - r_u <= v_{u,x}(b), where b is
  the device's exact plain Bell sum B.P, v the certified value function,
  and r_u = sqrt(ln(2 * 256 / alpha) / (2 count(u))) the Hoeffding radius
  (two-sided, Bonferroni over the 256 pairs, confidence 1 - alpha). For the
  adversarial device, also |f - v| <= r_u on its target pair (it reaches
  its bound). The comparisons are decided with interval arithmetic.
* ``bell_count``: the per-round Bell bits are i.i.d. Bernoulli(q) with
  q = B_SV of eq. (36) (exact); the observed count's exact two-sided
  binomial p-value must be >= alpha. ``acceptance``: if the exact
  predicted acceptance probability P(Bin(n, q) <= delta n) is < alpha the
  run must abort, if > 1 - alpha it must accept.
* ``lemma7``: s = |L_n - Lbar_n| with Lbar_n = q (i.i.d. rounds); reported
  beside Lemma 7's bound 2 exp(-n s^2 / 2) (eq. (26)) and the exact binomial
  tail P(|L_n - q| >= s); checks: the tail is <= the bound, and
  s <= sqrt(2 ln(2/alpha) / n) (eq. (26) at confidence 1 - alpha).

Binomial tails are summed term by term with mpmath at 50 digits, the
truncated remainder bounded by a geometric series.
"""

from __future__ import annotations

import math
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable, Sequence

import mpmath
import numpy as np

from certify.simulation.devices import BELL_TABLE, BoxDevice
from certify.errors import InputError
from certify.simulation.extractor import BlockExtractor
from certify.lp.scenario import Scenario
from certify.simulation.source import HALF, SVSource, check_epsilon

__all__ = ["default_protocol_threshold", "DEFAULT_THRESHOLD_RULE", "ProtocolResult",
           "run_protocol_one", "run_protocol_two", "crosscheck", "check_output_bounds",
           "check_bell_counts", "check_lemma7", "binomial_cdf", "binomial_upper_tail",
           "paper_lemma11_bounds", "DEFAULT_CHUNK_ROUNDS", "PAPER_BOUND_SOURCE",
           "CERTIFIED_BOUND_SOURCE"]

DEFAULT_CHUNK_ROUNDS = 1 << 18
SCENARIO = Scenario.binary(4)
DEFAULT_THRESHOLD_RULE = ("delta = (1/2 - epsilon)^8 / 4: half the supremum of Theorem 20's admissible "
                          "region, eq. (111) read as (1/3)(1 + 2 sqrt(2 delta)/(1/2 - epsilon)^4) < 1, "
                          "i.e. delta < (1/2 - epsilon)^8 / 2")


def default_protocol_threshold(epsilon) -> Fraction:
    """Default protocol threshold delta on L_n: ``(1/2 - epsilon)^8 / 4``, half the
    supremum ``(1/2 - epsilon)^8 / 2`` of Theorem 20's admissible region (eq. (111);
    :func:`certify.params.theorems.paper_delta_max`, with which a test compares it).

    >>> default_protocol_threshold(Fraction(1, 10))
    Fraction(64, 390625)
    """
    return (HALF - check_epsilon(epsilon)) ** 8 / 4


@dataclass
class _ChunkStats:
    rounds: int
    bell_count: int
    pair_counts: np.ndarray
    output_bytes: np.ndarray | None = None
    extracted: np.ndarray | None = None


def _generators(seed: int, key: tuple[int, ...]):
    children = np.random.SeedSequence(seed, spawn_key=key).spawn(3)
    return [np.random.PCG64(child) for child in children]


def _pack_nibbles(nibbles: np.ndarray) -> np.ndarray:
    even = nibbles[: nibbles.size // 2 * 2]
    return ((even[0::2] << 4) | even[1::2]).astype(np.uint8)


def _simulate_chunk(source: SVSource, device: BoxDevice, seed: int, key: tuple[int, ...],
                    rounds: int, extractor: BlockExtractor | None, keep_outputs: bool) -> _ChunkStats:
    source_bits, device_bits, extra_bits = _generators(seed, key)
    settings = source.sample_nibbles(source_bits.random_raw(rounds))
    outcomes = device.sample(settings, device_bits.random_raw(rounds))
    cells = (settings.astype(np.uint16) << 4) | outcomes
    pair_counts = np.bincount(cells, minlength=256).astype(np.int64)
    bell_count = int(pair_counts @ BELL_TABLE.astype(np.int64))
    stats = _ChunkStats(rounds, bell_count, pair_counts)
    if extractor is not None or keep_outputs:
        output_bytes = _pack_nibbles(outcomes)
        if keep_outputs:
            stats.output_bytes = output_bytes
        if extractor is not None:
            second = _pack_nibbles(source.sample_nibbles(extra_bits.random_raw(rounds)))
            stats.extracted = extractor.extract(output_bytes, second)
    return stats


def _ordered_map(function: Callable, tasks: Iterable, threads: int):
    """Yield function(*task) in task order, at most 2*threads tasks in flight."""
    if threads <= 1:
        for task in tasks:
            yield function(*task)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending = []
        for task in tasks:
            pending.append(pool.submit(function, *task))
            if len(pending) >= 2 * threads:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


class _OutputWriter:
    """Streams extracted bytes to a temporary file; ``commit`` renames it (os.replace)."""

    def __init__(self, path: str | os.PathLike | None) -> None:
        self.path = Path(path) if path is not None else None
        self.handle = None
        self.bits = 0
        if self.path is not None:
            directory = self.path.parent if str(self.path.parent) else Path(".")
            if not directory.is_dir():
                raise InputError(f"--output-file: directory {directory} does not exist")
            descriptor, self.temporary = tempfile.mkstemp(prefix=".certify-", dir=directory)
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(self.temporary, 0o666 & ~mask)  # mkstemp creates 0600; the result is an ordinary file
            self.handle = os.fdopen(descriptor, "wb")

    def write(self, data: np.ndarray) -> None:
        self.bits += 8 * int(data.size)
        if self.handle is not None:
            self.handle.write(data.tobytes())

    def finish(self, keep: bool) -> None:
        if self.handle is None:
            return
        self.handle.close()
        if keep:
            os.replace(self.temporary, self.path)
        else:
            os.unlink(self.temporary)


@dataclass
class ProtocolResult:
    """Outcome of one simulated protocol run (numbers exact where they are decided)."""

    protocol: str
    accepted: bool
    threshold: Fraction
    test_rounds: list[int]            # rounds entering each L^j_n (one entry for Protocol I)
    bell_counts: list[int]            # bell count of each tested block
    per_round_bell_probability: Fraction  # q = B_SV of eq. (36), exact
    pair_counts: np.ndarray           # counts of (u, x) over all simulated rounds, index u*16+x
    device_rounds: int
    output_bits: int
    extractor: dict
    details: dict = field(default_factory=dict)

    @property
    def bell_estimates(self) -> list[Fraction]:
        return [Fraction(c, n) for c, n in zip(self.bell_counts, self.test_rounds)]


def _check_rounds(rounds, option: str) -> None:
    if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 1:
        raise InputError(f"{option}: expected a positive integer, got {rounds!r}")


def _chunk_sizes(total: int, chunk_rounds: int) -> list[int]:
    full, rest = divmod(total, chunk_rounds)
    return [chunk_rounds] * full + ([rest] if rest else [])


def _validate_chunk(chunk_rounds: int, extractor: BlockExtractor) -> None:
    unit = 2 * extractor.block_bytes
    if chunk_rounds < unit or chunk_rounds % unit:
        raise InputError(f"--chunk-rounds: expected a positive multiple of {unit}, got {chunk_rounds}")


def run_protocol_one(source: SVSource, device: BoxDevice, rounds: int, threshold: Fraction, seed: int,
                     *, chunk_rounds: int = DEFAULT_CHUNK_ROUNDS, threads: int = 2,
                     extractor: BlockExtractor | None = None, output_path=None,
                     progress: Callable[[int, int], None] | None = None) -> ProtocolResult:
    """Simulate Protocol I (Fig. 1); see the module docstring."""
    _check_rounds(rounds, "--rounds")
    extractor = extractor or BlockExtractor()
    _validate_chunk(chunk_rounds, extractor)
    threshold = Fraction(threshold)
    writer = _OutputWriter(output_path)
    bell_count, done = 0, 0
    pair_counts = np.zeros(256, dtype=np.int64)
    tasks = ((source, device, seed, (1, k), size, extractor, False)
             for k, size in enumerate(_chunk_sizes(rounds, chunk_rounds)))
    try:
        for stats in _ordered_map(_simulate_chunk, tasks, threads):
            bell_count += stats.bell_count
            pair_counts += stats.pair_counts
            writer.write(stats.extracted)
            done += stats.rounds
            if progress:
                progress(done, rounds)
        accepted = bell_count <= threshold * rounds
    except BaseException:
        writer.finish(False)
        raise
    writer.finish(accepted)
    q = device.sv_weighted_bell_value(source.nibble_distribution())
    return ProtocolResult("I", accepted, threshold, [rounds], [bell_count], q, pair_counts, rounds,
                          writer.bits if accepted else 0, extractor.describe())


def _block_choice(source: SVSource, seed: int, blocks: Sequence[int]) -> list[int]:
    """One block index per device from log2(N_j) SV bits each (bits read most significant first)."""
    widths = [b.bit_length() - 1 for b in blocks]
    nibbles = source.sample_nibbles(_generators(seed, (3,))[0].random_raw(max(1, -(-sum(widths) // 4))))
    bits = [int(b) for nibble in nibbles for b in format(int(nibble), "04b")]
    chosen, position = [], 0
    for width in widths:
        chosen.append(int("".join(map(str, bits[position:position + width])) or "0", 2))
        position += width
    return chosen


def run_protocol_two(source: SVSource, devices: Sequence[BoxDevice], block_rounds: int,
                     blocks: Sequence[int], threshold: Fraction, seed: int, *,
                     chunk_rounds: int = DEFAULT_CHUNK_ROUNDS, threads: int = 2,
                     extractor: BlockExtractor | None = None, output_path=None,
                     progress: Callable[[int, int], None] | None = None) -> ProtocolResult:
    """Simulate Protocol II (Fig. 3) with two devices, N_j = ``blocks[j]`` blocks of ``block_rounds``."""
    _check_rounds(block_rounds, "--rounds")
    if len(devices) != 2 or len(blocks) != 2:
        raise InputError("Protocol II needs two devices and two block counts")
    for count in blocks:
        if not isinstance(count, int) or count < 1 or count & (count - 1):
            raise InputError(f"--blocks: expected a power of two >= 1, got {count!r}")
    extractor = extractor or BlockExtractor()
    _validate_chunk(chunk_rounds, extractor)
    threshold = Fraction(threshold)
    chosen = _block_choice(source, seed, blocks)
    sizes = _chunk_sizes(block_rounds, chunk_rounds)
    total = block_rounds * sum(blocks)
    writer = _OutputWriter(output_path)
    bell_counts = [0, 0]
    pair_counts = np.zeros(256, dtype=np.int64)
    done = 0

    def account(stats: _ChunkStats) -> None:
        nonlocal done, pair_counts
        pair_counts += stats.pair_counts
        done += stats.rounds
        if progress:
            progress(done, total)

    try:
        # Chosen blocks of both devices in lockstep, so their outputs can be extracted streaming.
        tasks = ((source, devices[j], seed, (2, j, chosen[j], k), size, None, True)
                 for k, size in enumerate(sizes) for j in (0, 1))
        iterator = _ordered_map(_simulate_chunk, tasks, threads)
        for first in iterator:
            second = next(iterator)
            for j, stats in ((0, first), (1, second)):
                bell_counts[j] += stats.bell_count
                account(stats)
            writer.write(extractor.extract(first.output_bytes, second.output_bytes))
        # The other blocks: device uses that do not enter the test (statistics only).
        tasks = ((source, devices[j], seed, (2, j, block, k), size, None, False)
                 for j in (0, 1) for block in range(blocks[j]) if block != chosen[j]
                 for k, size in enumerate(sizes))
        for stats in _ordered_map(_simulate_chunk, tasks, threads):
            account(stats)
        accepted = all(count <= threshold * block_rounds for count in bell_counts)
    except BaseException:
        writer.finish(False)
        raise
    writer.finish(accepted)
    nu = source.nibble_distribution()
    q_values = [d.sv_weighted_bell_value(nu) for d in devices]
    return ProtocolResult("II", accepted, threshold, [block_rounds, block_rounds], bell_counts,
                          q_values[0], pair_counts, total, writer.bits if accepted else 0,
                          extractor.describe(),
                          {"chosen_blocks": chosen, "blocks": list(blocks),
                           "per_device_bell_probability": [str(q) for q in q_values]})


# --- exact-ish binomial tails ------------------------------------------------------------------

_DPS = 50


def _log_pmf(n: int, q, k: int):
    return (mpmath.loggamma(n + 1) - mpmath.loggamma(k + 1) - mpmath.loggamma(n - k + 1)
            + (k * mpmath.log(q) if k else 0) + ((n - k) * mpmath.log(1 - q) if n - k else 0))


def binomial_upper_tail(n: int, q: Fraction, c: int) -> mpmath.mpf:
    """P(Bin(n, q) >= c), 50 digits; summation stops once the geometric remainder is negligible.

    >>> float(binomial_upper_tail(4, Fraction(1, 2), 3))
    0.3125
    """
    with mpmath.workdps(_DPS):
        if c <= 0:
            return mpmath.mpf(1)
        if c > n:
            return mpmath.mpf(0)
        if q == 0:
            return mpmath.mpf(0)
        if q == 1:
            return mpmath.mpf(1)
        mean = n * q
        if c <= mean:  # the far tail is the lower one
            return 1 - binomial_cdf(n, q, c - 1)
        qm = mpmath.mpf(q.numerator) / q.denominator
        term = mpmath.exp(_log_pmf(n, qm, c))
        total, k = term, c
        odds = qm / (1 - qm)
        while k < n:
            ratio = (n - k) * odds / (k + 1)  # term(k+1)/term(k), decreasing in k
            term *= ratio
            k += 1
            total += term
            if ratio < mpmath.mpf("0.5") and term * ratio / (1 - ratio) < total * mpmath.mpf(10) ** (-_DPS + 5):
                break
        return total


def binomial_cdf(n: int, q: Fraction, c: int) -> mpmath.mpf:
    """P(Bin(n, q) <= c), 50 digits.

    >>> float(binomial_cdf(4, Fraction(1, 2), 1))
    0.3125
    """
    with mpmath.workdps(_DPS):
        if c < 0:
            return mpmath.mpf(0)
        if c >= n:
            return mpmath.mpf(1)
        if q == 0:
            return mpmath.mpf(1)
        if q == 1:
            return mpmath.mpf(0)
        if c >= n * q:
            return 1 - binomial_upper_tail(n, q, c + 1)
        qm = mpmath.mpf(q.numerator) / q.denominator
        term = mpmath.exp(_log_pmf(n, qm, c))
        total, k = term, c
        inverse_odds = (1 - qm) / qm
        while k > 0:
            ratio = k * inverse_odds / (n - k + 1)  # term(k-1)/term(k), decreasing as k falls
            term *= ratio
            k -= 1
            total += term
            if ratio < mpmath.mpf("0.5") and term * ratio / (1 - ratio) < total * mpmath.mpf(10) ** (-_DPS + 5):
                break
        return total


def _number(value) -> float:
    return float(value)


# --- cross-checks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    constant: Fraction
    slope: Fraction

    def evaluate(self, bell_value) -> Fraction:
        return self.constant + self.slope * Fraction(bell_value)


PAPER_BOUND_SOURCE = "paper Lemma 11 (1 + 2 B.P)/3, uncertified"
CERTIFIED_BOUND_SOURCE = "certificates (certify.builder.store.load_value_functions, exact check)"


def paper_lemma11_bounds() -> dict:
    """The paper's claim P(x|u) <= (1 + 2 B.P)/3 (Lemma 11) for every pair: not a certificate."""
    line = _Line(Fraction(1, 3), Fraction(2, 3))
    return {SCENARIO.pair_key(i): line for i in range(256)}


def _exceeds_radius(difference: Fraction, count: int, log_argument: Fraction) -> bool | None:
    """Decide difference > sqrt(ln(log_argument) / (2 count)) with interval arithmetic (None: undecided)."""
    if difference <= 0:
        return False
    iv = mpmath.iv
    with mpmath.workdps(30):
        left = iv.mpf(difference.numerator) ** 2 / iv.mpf(difference.denominator) ** 2 * 2 * count
        right = iv.log(iv.mpf(log_argument.numerator) / log_argument.denominator)
        if left.a > right.b:
            return True
        if left.b < right.a:
            return False
        return None


def check_output_bounds(pair_counts: np.ndarray, bell_value: Fraction, bounds: dict,
                        alpha: Fraction, target: str | None = None,
                        bound_source: str = CERTIFIED_BOUND_SOURCE) -> dict:
    """Empirical P(x|u) against the certified bound v_{u,x}(B.P) (one-sided; two-sided on ``target``)."""
    alpha = Fraction(alpha)
    log_argument = Fraction(2 * 256) / alpha
    failures, undecided, worst = [], [], None
    target_report = None
    for index in range(256):
        key = SCENARIO.pair_key(index)
        setting_total = int(pair_counts[(index // 16) * 16:(index // 16) * 16 + 16].sum())
        if setting_total == 0:
            continue
        frequency = Fraction(int(pair_counts[index]), setting_total)
        bound = bounds[key].evaluate(bell_value)
        verdict = _exceeds_radius(frequency - bound, setting_total, log_argument)
        if verdict is None:
            undecided.append(key)
        elif verdict:
            failures.append({"pair": key, "frequency": str(frequency), "bound": str(bound)})
        margin = float(frequency - bound)
        if worst is None or margin > worst[0]:
            worst = (margin, key, frequency, bound)
        if key == target:
            two_sided = _exceeds_radius(bound - frequency, setting_total, log_argument)
            reached = verdict is False and two_sided is False
            target_report = {"pair": key, "frequency": str(frequency), "certified_bound": str(bound),
                             "rounds_with_setting": setting_total,
                             "hoeffding_radius": math.sqrt(math.log(float(log_argument)) / (2 * setting_total)),
                             "reached_within_interval": reached}
    passed = not failures and not undecided and (target_report is None or target_report["reached_within_interval"])
    report = {
        "name": "output_bounds", "passed": passed,
        "title": ("each observed frequency of x at u is at most its bound "
                  + ("(1 + 2 B.P)/3 (the paper's line)" if bound_source == PAPER_BOUND_SOURCE else
                     "v(B.P) (the certified value function)")
                  + " plus a Hoeffding radius"
                  + ("; the adversarial device reaches its bound on its target pair" if target else "")),
        "paper": "Lemma 11, eq. (42)",
        "statement": ("for every (u,x): freq - r_u <= v_{u,x}(B.P), r_u = sqrt(ln(512/alpha)/(2 N_u)) "
                      "(Hoeffding, two-sided, Bonferroni over 256 pairs)"
                      + ("; target pair two-sided |freq - v| <= r_u" if target else "")),
        "alpha": str(alpha), "device_bell_sum": str(bell_value),
        "bound_source": bound_source,
        "violations": failures, "undecided": undecided,
    }
    if worst is not None:
        report["largest_excess"] = {"pair": worst[1], "frequency": str(worst[2]), "bound": str(worst[3]),
                                    "frequency_minus_bound": worst[0]}
    if target_report is not None:
        report["target"] = target_report
    return report


def check_bell_counts(result: ProtocolResult, alpha: Fraction,
                      per_block_probability: Sequence[Fraction] | None = None) -> list[dict]:
    """Observed Bell counts vs Bin(n, q) (two-sided exact p-value) and the accept/abort decision."""
    alpha = Fraction(alpha)
    probabilities = list(per_block_probability or [result.per_round_bell_probability] * len(result.bell_counts))
    reports, acceptance_probability = [], mpmath.mpf(1)
    all_ok = True
    for block, (n, count, q) in enumerate(zip(result.test_rounds, result.bell_counts, probabilities)):
        with mpmath.workdps(_DPS):
            lower = binomial_cdf(n, q, count)
            upper = binomial_upper_tail(n, q, count)
            p_value = min(mpmath.mpf(1), 2 * min(lower, upper))
            abort = binomial_upper_tail(n, q, math.floor(result.threshold * n) + 1)
            acceptance_probability *= 1 - abort
        ok = p_value >= mpmath.mpf(alpha.numerator) / alpha.denominator
        all_ok &= ok
        reports.append({"block": block, "device": block + 1, "rounds": n, "bell_count": count,
                        "per_round_probability": str(q), "expected_count": float(q * n),
                        "two_sided_p_value": _number(p_value),
                        "predicted_abort_probability": _number(abort), "passed": ok})
    alpha_m = mpmath.mpf(alpha.numerator) / alpha.denominator
    if acceptance_probability < alpha_m:
        decision_ok, expectation = not result.accepted, "abort"
    elif acceptance_probability > 1 - alpha_m:
        decision_ok, expectation = result.accepted, "accept"
    else:
        decision_ok, expectation = True, "either (acceptance probability between alpha and 1 - alpha)"
    return [
        {"name": "bell_count", "passed": all_ok, "alpha": str(alpha),
         "title": "each tested block's Bell count fits Bin(n, q), q the device's exact SV-weighted Bell value",
         "paper": "eq. (36)",
         "statement": "bell count ~ Bin(n, q), q = B_SV of eq. (36) (exact); two-sided p-value >= alpha",
         "blocks": reports},
        {"name": "acceptance", "passed": decision_ok, "accepted": result.accepted,
         "title": "the accept/abort decision agrees with its exact predicted probability",
         "paper": "the test L_n <= delta, Fig. 1 step 2 and Fig. 3 step 4",
         "predicted_acceptance_probability": _number(acceptance_probability),
         "predicted_abort_probability": _number(1 - acceptance_probability), "expected": expectation,
         "statement": "P(accept) = prod_j P(Bin(n, q_j) <= floor(delta n)); must abort if < alpha, "
                      "accept if > 1 - alpha"},
    ]


def check_lemma7(n: int, count: int, mean: Fraction, alpha: Fraction) -> dict:
    """|L_n - Lbar_n| vs Lemma 7 (eq. (26)) and the exact binomial tail, for i.i.d. rounds."""
    alpha = Fraction(alpha)
    deviation = abs(Fraction(count, n) - Fraction(mean))
    with mpmath.workdps(_DPS):
        lemma7_bound = min(mpmath.mpf(1), 2 * mpmath.exp(-n * mpmath.mpf(deviation.numerator) ** 2
                                                        / mpmath.mpf(deviation.denominator) ** 2 / 2))
        if deviation == 0:
            exact_tail = mpmath.mpf(1)
        else:
            low_cut = Fraction(mean) * n - deviation * n   # counts <= low_cut
            high_cut = Fraction(mean) * n + deviation * n  # counts >= high_cut
            exact_tail = (binomial_cdf(n, Fraction(mean), math.floor(low_cut))
                          + binomial_upper_tail(n, Fraction(mean), math.ceil(high_cut)))
        radius_sq = 2 * mpmath.log(mpmath.mpf(2) / (mpmath.mpf(alpha.numerator) / alpha.denominator)) / n
        within = mpmath.mpf(deviation.numerator) ** 2 / mpmath.mpf(deviation.denominator) ** 2 <= radius_sq
        tail_ok = exact_tail <= lemma7_bound * (1 + mpmath.mpf(10) ** -30)
    return {"name": "lemma7", "passed": bool(within and tail_ok),
            "title": ("s = |L_n - Lbar_n| is within the radius sqrt(2 ln(2/alpha)/n), and the exact "
                      "binomial tail P(|L_n - q| >= s) is at most the lemma's 2e^(-n s^2/2)"),
            "paper": "Lemma 7, eq. (26)",
            "statement": ("s = |L_n - Lbar_n| with Lbar_n = q; exact tail P(|L_n - q| >= s) <= 2 exp(-n s^2/2) "
                          "(eq. (26)) and s <= sqrt(2 ln(2/alpha)/n)"),
            "rounds": n, "deviation": float(deviation), "deviation_exact": str(deviation),
            "lemma7_bound": _number(lemma7_bound), "exact_binomial_tail": _number(exact_tail),
            "lemma7_radius": float(mpmath.sqrt(radius_sq)), "alpha": str(alpha)}


def crosscheck(result: ProtocolResult, devices: Sequence[BoxDevice], source: SVSource,
               bounds: dict, alpha: Fraction, bound_source: str = CERTIFIED_BOUND_SOURCE) -> dict:
    """All cross-checks of one run: ``{"passed": bool, "checks": [...]}``."""
    checks = []
    nu = source.nibble_distribution()
    per_block = [d.sv_weighted_bell_value(nu) for d in devices]
    if len(per_block) == 1:
        per_block = per_block * len(result.bell_counts)
    if len(devices) == 1 or all(d.box == devices[0].box for d in devices):
        target = None
        device = devices[0]
        if device.name == "adversarial":
            target = f"{device.description['setting']}|{device.description['outcome']}"
        checks.append(check_output_bounds(result.pair_counts, device.bell_sum, bounds, alpha, target,
                                          bound_source))
    else:
        checks.append({"name": "output_bounds", "passed": True, "title": "not run",
                       "paper": "Lemma 11, eq. (42)",
                       "skipped": "devices differ; pair counts are pooled over both"})
    checks.extend(check_bell_counts(result, alpha, per_block))
    for device, (n, count, q) in enumerate(zip(result.test_rounds, result.bell_counts, per_block), start=1):
        checks.append({**check_lemma7(n, count, q, alpha), "device": device})
    return {"passed": all(c["passed"] for c in checks), "checks": checks}
