"""Protocol simulator and cross-checks; every cross-check is also shown to fail on bad input."""

import json
import math
from pathlib import Path
from fractions import Fraction

import numpy as np
import pytest

from certify.lp.expression import paper_bell_expression
from certify.simulation.devices import (BoxDevice, adversarial_device, all_local_strategies, best_local_strategy,
                             honest_quantum_device, load_value_function_bounds, local_box,
                             local_deterministic_device)
from certify.errors import ClaimNotProven, InputError
from certify.lp.exact import StandardFormLP, maximise
from certify.lp.float_solve import propose_basis
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.scenario import Scenario
from certify.simulation.protocols import (binomial_cdf, binomial_upper_tail, check_bell_counts, check_lemma7,
                               check_output_bounds, crosscheck, default_protocol_threshold,
                               paper_lemma11_bounds, run_protocol_one, run_protocol_two)
from certify.simulation.source import IIDSource, make_source

SCENARIO = Scenario.binary(4)
EPS = Fraction(1, 10)
ALPHA = Fraction(1, 10 ** 6)


CERTIFICATES = Path(__file__).resolve().parent.parent / "certificates"


@pytest.fixture(scope="module")
def certificates_dir():
    """The committed certificates (generated on main by ``certify regenerate``)."""
    assert (CERTIFICATES / "lemma11" / "u0001-x1000.json").is_file(), "certificates missing"
    return CERTIFICATES


@pytest.fixture(scope="module")
def certified_bounds(certificates_dir):
    return load_value_function_bounds(certificates_dir)


def _exact_max(target_key: str, bell_value: Fraction) -> Fraction:
    """max P(target) over no-signalling boxes with B.P <= bell_value, by the exact LP stage."""
    ns = NoSignallingSystem.build(SCENARIO)
    rows = [tuple((c, Fraction(v)) for c, v in ns.rows[i]) for i in ns.independent_rows]
    rhs = [Fraction(ns.right_hand_sides[i]) for i in ns.independent_rows]
    bell = paper_bell_expression()
    rows.append(tuple(sorted(bell.coefficients.items())) + ((256, Fraction(1)),))  # slack column
    rhs.append(bell_value)
    objective = [Fraction(0)] * 257
    objective[SCENARIO.index_of_key(target_key)] = Fraction(1)
    proposal = propose_basis(objective, rows, rhs, 257)
    lp = StandardFormLP(rows=tuple(rows), rhs=tuple(rhs), num_columns=257, objective=tuple(objective))
    return maximise(lp, proposal.basic_columns).value


# --- binomial tails -------------------------------------------------------------------------

@pytest.mark.parametrize("n, q", [(12, Fraction(1, 3)), (30, Fraction(1, 50)), (25, Fraction(9, 10))])
def test_binomial_tails_match_exact_sums(n, q):
    pmf = [math.comb(n, k) * q ** k * (1 - q) ** (n - k) for k in range(n + 1)]
    for c in range(-1, n + 2):
        exact_cdf = sum(pmf[:max(c + 1, 0)], Fraction(0))
        exact_upper = sum(pmf[max(c, 0):], Fraction(0))
        assert abs(binomial_cdf(n, q, c) - float(exact_cdf)) < 1e-30 + 1e-12 * float(exact_cdf)
        assert abs(binomial_upper_tail(n, q, c) - float(exact_upper)) < 1e-30 + 1e-12 * float(exact_upper)


def test_lemma7_bound_dominates_exact_tail_for_small_n():
    """Eq. (26) against the exact binomial tail for every achievable deviation (n = 40)."""
    n, q = 40, Fraction(1, 8)
    for count in range(n + 1):
        report = check_lemma7(n, count, q, Fraction(1, 2))
        assert report["exact_binomial_tail"] <= report["lemma7_bound"] * (1 + 1e-12)


# --- devices ---------------------------------------------------------------------------------

def test_best_local_strategy_reaches_the_local_bound_2_exhaustively():
    bell = paper_bell_expression()
    values = [bell.value(local_box(s)) for s in all_local_strategies()]
    assert len(values) == 256 and min(values) == 2
    assert local_deterministic_device(best_local_strategy()).bell_sum == 2


def test_device_rejects_a_signalling_box():
    box = [Fraction(0)] * 256
    for setting in SCENARIO.setting_tuples:  # party 1 outputs party 2's setting: signalling
        box[SCENARIO.index(setting, (setting[1], 0, 0, 0))] = Fraction(1)
    with pytest.raises(ClaimNotProven):
        BoxDevice("bad", box)


def test_device_sampling_matches_its_box():
    device = honest_quantum_device("7/10", "1/20")
    rng = np.random.Generator(np.random.PCG64(2))
    n = 200_000
    settings = np.full(n, 0b0110, dtype=np.uint8)
    counts = np.bincount(device.sample(settings, rng.bit_generator.random_raw(n)), minlength=16)
    radius = math.sqrt(math.log(2 * 16 / 1e-9) / (2 * n))
    for x in range(16):
        assert abs(counts[x] / n - float(device.box[0b0110 * 16 + x])) <= radius


@pytest.mark.slow
def test_adversarial_device_from_certificate(certificates_dir):
    device = adversarial_device(certificates_dir, "0001", "1000")
    assert device.bell_sum == 0
    # independent recomputation of the optimum with the exact LP stage
    assert device.box[SCENARIO.index_of_key("0001|1000")] == _exact_max("0001|1000", Fraction(0))
    halfway = adversarial_device(certificates_dir, "0001", "1000", "1/2")
    assert halfway.bell_sum <= Fraction(1, 2)
    assert halfway.box[SCENARIO.index_of_key("0001|1000")] == _exact_max("0001|1000", Fraction(1, 2))
    with pytest.raises(InputError, match="certificate not found"):
        adversarial_device(certificates_dir / "nowhere", "0010", "1000")
    with pytest.raises(InputError, match="four bits"):
        adversarial_device(certificates_dir, "0001", "10")


def test_adversarial_device_rejects_a_tampered_certificate(certificates_dir, tmp_path):
    document = json.loads((certificates_dir / "lemma11" / "u0001-x1000.json").read_text())
    document["value_function"]["breakpoints"][0]["value"] = "1/2"
    (tmp_path / "lemma11").mkdir()
    (tmp_path / "lemma11" / "u0001-x1000.json").write_text(json.dumps(document))
    with pytest.raises((ClaimNotProven, InputError), match="u0001-x1000.json"):
        adversarial_device(tmp_path, "0001", "1000")


# --- protocols -------------------------------------------------------------------------------

def test_same_seed_same_output_any_thread_count(tmp_path):
    source = IIDSource(EPS)
    device = honest_quantum_device("0.999")
    threshold = default_protocol_threshold(EPS) * 10
    outputs = []
    for threads, name in ((1, "a.bin"), (2, "b.bin")):
        result = run_protocol_one(source, device, 300_000, threshold, 7, chunk_rounds=65_536,
                                  threads=threads, output_path=tmp_path / name)
        outputs.append((result.bell_counts, result.output_bits, (tmp_path / name).read_bytes()))
    assert outputs[0] == outputs[1]
    other = run_protocol_one(source, device, 300_000, threshold, 8, chunk_rounds=65_536)
    assert other.bell_counts != outputs[0][0] or other.pair_counts.tolist() != []


def test_ideal_quantum_device_never_fails_a_bell_test():
    result = run_protocol_one(IIDSource(EPS), honest_quantum_device(), 100_000,
                              Fraction(0), 3, chunk_rounds=16_384)
    assert result.bell_counts == [0] and result.accepted
    assert result.output_bits == 8 * (100_000 // 64)


def test_local_cheater_aborts_and_writes_nothing(tmp_path):
    source = IIDSource(EPS)
    device = local_deterministic_device(best_local_strategy())
    target = tmp_path / "out.bin"
    result = run_protocol_one(source, device, 50_000, default_protocol_threshold(EPS), 1,
                              chunk_rounds=16_384, output_path=target)
    assert not result.accepted and result.output_bits == 0
    assert not target.exists() and list(tmp_path.iterdir()) == []
    report = crosscheck(result, [device], source, paper_lemma11_bounds(), ALPHA)
    assert report["passed"]
    acceptance = next(c for c in report["checks"] if c["name"] == "acceptance")
    assert acceptance["expected"] == "abort"


def test_noisy_device_accepts_at_the_predicted_rate():
    """Acceptance frequency over repeated runs vs the exact binomial prediction (Hoeffding, 1e-6)."""
    source = IIDSource(EPS)
    device = honest_quantum_device("99/100")
    q = device.sv_weighted_bell_value(source.nibble_distribution())
    n = 2048
    threshold = Fraction(math.floor(q * n), n)  # accept iff count <= about the mean: rate near 1/2
    predicted = 1 - float(binomial_upper_tail(n, q, math.floor(threshold * n) + 1))
    runs = 300
    accepted = sum(run_protocol_one(source, device, n, threshold, seed, chunk_rounds=2048,
                                    threads=1).accepted for seed in range(runs))
    assert 0.2 < predicted < 0.8
    assert abs(accepted / runs - predicted) <= math.sqrt(math.log(2 / 1e-6) / (2 * runs))


def test_honest_noisy_device_inside_the_region_passes_all_crosschecks(certified_bounds):
    source = make_source("iid", EPS)
    device = honest_quantum_device("0.9999")
    result = run_protocol_one(source, device, 200_000, default_protocol_threshold(EPS), 1,
                              chunk_rounds=65_536)
    report = crosscheck(result, [device], source, certified_bounds, ALPHA)
    assert result.accepted and report["passed"], report


def test_adversarial_device_reaches_its_certified_bound(certificates_dir, certified_bounds):
    source = make_source("targeting", EPS, target_setting="0001")
    device = adversarial_device(certificates_dir, "0001", "1000")
    result = run_protocol_one(source, device, 200_000, default_protocol_threshold(EPS), 5,
                              chunk_rounds=65_536)
    report = crosscheck(result, [device], source, certified_bounds, ALPHA)
    assert report["passed"], report
    target = report["checks"][0]["target"]
    assert target["certified_bound"] == "1/3" and target["reached_within_interval"]


def test_two_sided_check_fails_when_the_claimed_bound_is_not_reached(certificates_dir):
    """A box strictly below its bound fails the two-sided check on its target pair."""
    source = make_source("iid", EPS)
    device = honest_quantum_device()  # P(1000|0001) = 1/8, far below 1/3
    result = run_protocol_one(source, device, 100_000, Fraction(0), 5, chunk_rounds=65_536)
    report = check_output_bounds(result.pair_counts, device.bell_sum, paper_lemma11_bounds(),
                                 ALPHA, target="0001|1000")
    assert not report["passed"] and not report["target"]["reached_within_interval"]


def test_output_bound_check_fails_for_a_box_violating_the_certified_bound(certified_bounds):
    """Local box (P = 1 on some pairs) presented as if its Bell sum were 0: bound 1/3 is violated."""
    source = make_source("iid", EPS)
    device = local_deterministic_device(best_local_strategy())
    result = run_protocol_one(source, device, 20_000, Fraction(1), 2, chunk_rounds=16_384)
    honest = check_output_bounds(result.pair_counts, device.bell_sum, certified_bounds, ALPHA)
    lying = check_output_bounds(result.pair_counts, Fraction(0), certified_bounds, ALPHA)
    assert honest["passed"]
    assert not lying["passed"] and len(lying["violations"]) == 256 - 16 * 15


def test_bell_count_and_lemma7_checks_fail_with_a_wrong_mean():
    source = make_source("iid", EPS)
    device = honest_quantum_device("0.9")
    result = run_protocol_one(source, device, 100_000, Fraction(1), 4, chunk_rounds=65_536)
    q = device.sv_weighted_bell_value(source.nibble_distribution())
    assert all(c["passed"] for c in check_bell_counts(result, ALPHA))
    assert check_lemma7(100_000, result.bell_counts[0], q, ALPHA)["passed"]
    wrong = q + Fraction(1, 20)
    assert not check_bell_counts(result, ALPHA, [wrong])[0]["passed"]
    assert not check_lemma7(100_000, result.bell_counts[0], wrong, ALPHA)["passed"]


def test_acceptance_check_fails_when_the_decision_contradicts_the_prediction():
    source = make_source("iid", EPS)
    device = local_deterministic_device(best_local_strategy())
    result = run_protocol_one(source, device, 10_000, default_protocol_threshold(EPS), 4,
                              chunk_rounds=8192)
    result.accepted = True  # tamper: a local cheater "accepted"
    assert not check_bell_counts(result, ALPHA)[1]["passed"]


def test_protocol_two_block_choice_and_extraction(tmp_path):
    source = make_source("iid", EPS)
    device = honest_quantum_device("0.9999")
    result = run_protocol_two(source, [device, device], 32_768, [4, 8], default_protocol_threshold(EPS),
                              9, chunk_rounds=8192, output_path=tmp_path / "bits")
    assert result.accepted
    assert result.device_rounds == 32_768 * 12
    assert int(result.pair_counts.sum()) == 32_768 * 12
    chosen = result.details["chosen_blocks"]
    assert 0 <= chosen[0] < 4 and 0 <= chosen[1] < 8
    assert result.output_bits == 8 * (32_768 // 64) == 8 * len((tmp_path / "bits").read_bytes())
    again = run_protocol_two(source, [device, device], 32_768, [4, 8], default_protocol_threshold(EPS),
                             9, chunk_rounds=8192)
    assert again.bell_counts == result.bell_counts and again.details == result.details
    with pytest.raises(InputError, match="power of two"):
        run_protocol_two(source, [device, device], 1024, [3, 4], Fraction(1), 1, chunk_rounds=1024)


def test_bad_chunk_size():
    with pytest.raises(InputError, match="--chunk-rounds"):
        run_protocol_one(IIDSource(EPS), honest_quantum_device(), 100, Fraction(1), 1, chunk_rounds=100)


# --- command line ---------------------------------------------------------------------------

def _cli(capsys, *argv):
    from certify.cli.main import main
    code = main(["simulate", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_json_document_and_determinism(capsys, tmp_path, certificates_dir):
    argv = ["--protocol", "I", "--epsilon", "1/10", "--device", "quantum", "--visibility", "0.9999",
            "--rounds", "200000", "--seed", "1", "--json", "--crosscheck",
            "--certificates", str(certificates_dir), "--chunk-rounds", "65536"]
    code, out, _ = _cli(capsys, *argv, "--output-file", str(tmp_path / "bits.bin"))
    assert code == 0
    document = json.loads(out)
    assert document["accepted"] is True and isinstance(document["bell_count"], int)
    assert document["bell_estimate"] == document["bell_count"] / 200000
    assert document["delta"] == "64/390625" and "Theorem 20" in document["delta_rule"]
    assert document["output_bits"] == 8 * len((tmp_path / "bits.bin").read_bytes()) == 25000
    assert document["crosscheck"]["passed"] is True
    assert {c["name"] for c in document["crosscheck"]["checks"]} == {
        "output_bounds", "bell_count", "acceptance", "lemma7"}
    assert document["crosscheck"]["checks"][0]["bound_source"].startswith("certificates")
    code, again, _ = _cli(capsys, *argv, "--threads", "1", "--output-file", str(tmp_path / "b2.bin"))
    assert code == 0 and json.loads(again)["bell_count"] == document["bell_count"]
    assert (tmp_path / "bits.bin").read_bytes() == (tmp_path / "b2.bin").read_bytes()


def test_cli_local_and_adversarial(capsys, certificates_dir):
    code, out, _ = _cli(capsys, "--epsilon", "1/10", "--device", "local", "--rounds", "20000",
                        "--json", "--crosscheck", "--certificates", str(certificates_dir),
                        "--chunk-rounds", "16384")
    document = json.loads(out)
    assert code == 0 and document["accepted"] is False and document["output_bits"] == 0
    code, out, _ = _cli(capsys, "--epsilon", "1/10", "--device", "adversarial", "--setting", "0001",
                        "--outcome", "1000", "--source", "targeting", "--rounds", "100000", "--json",
                        "--crosscheck", "--certificates", str(certificates_dir),
                        "--chunk-rounds", "65536", "--protocol", "II", "--blocks", "2")
    document = json.loads(out)
    assert code == 0 and document["accepted"] is True and document["crosscheck"]["passed"]
    assert document["source"]["target_setting"] == "0001"


@pytest.mark.parametrize("argv, message", [
    (["--epsilon", "1/2", "--rounds", "10"], "--epsilon"),
    (["--epsilon", "1/10", "--rounds", "0"], "--rounds"),
    (["--epsilon", "1/10", "--rounds", "100", "--visibility", "2"], "--visibility"),
    (["--epsilon", "1/10", "--rounds", "100", "--device", "adversarial"], "--setting"),
    (["--epsilon", "1/10", "--rounds", "100", "--threshold", "x"], "--threshold"),
    (["--epsilon", "1/10", "--rounds", "100", "--output-file", "/nonexistent/dir/f"], "--output-file"),
])
def test_cli_bad_input_exit_2(capsys, argv, message):
    code, _, err = _cli(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err


def test_cli_failed_crosscheck_exits_1(capsys, certificates_dir):
    """The witness at B.P = 1 has P(1000|0001) = v(1) = 2/3; the paper's line (1 + 2*1)/3 = 1 is
    not reached, so the two-sided check against --paper-bounds fails (exit 1); it passes with
    the certified bounds."""
    argv = ["--epsilon", "1/10", "--device", "adversarial", "--setting", "0001", "--outcome", "1000",
            "--bell-value", "1", "--rounds", "20000", "--threshold", "1", "--json", "--crosscheck",
            "--certificates", str(certificates_dir), "--chunk-rounds", "16384"]
    code, out, err = _cli(capsys, *argv)
    document = json.loads(out)
    assert code == 0 and document["crosscheck"]["checks"][0]["target"]["certified_bound"] == "2/3"
    code, out, err = _cli(capsys, *argv, "--paper-bounds")
    document = json.loads(out)
    assert code == 1 and "cross-check failed" in err
    assert document["crosscheck"]["passed"] is False
    assert document["crosscheck"]["checks"][0]["target"]["reached_within_interval"] is False


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["iid", "adaptive", "targeting"])
def test_lemma10_sandwich_for_every_device_and_source(kind, certificates_dir):
    """Eq. (39)-(40) without |U|: (1/2-eps)^4 B.P <= B_SV <= (1/2+eps)^4 B.P, exactly."""
    source = make_source(kind, EPS, target_setting="0111")
    nu = source.nibble_distribution()
    for device in (honest_quantum_device("0.99", "1/50"), local_deterministic_device(best_local_strategy()),
                   adversarial_device(certificates_dir, "0001", "1000", "3/2")):
        q, plain = device.sv_weighted_bell_value(nu), device.bell_sum
        assert (Fraction(1, 2) - EPS) ** 4 * plain <= q <= (Fraction(1, 2) + EPS) ** 4 * plain
