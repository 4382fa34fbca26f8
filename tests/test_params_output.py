"""What ``certify params`` prints for a person: exact values in mathematical notation with
decimals, the variants explained, and which of the paper's conditions each round count meets."""

import json
from fractions import Fraction
from pathlib import Path

import pytest

from certify.cli.main import main
from certify.numbers import decimal_text
from certify.params.notation import integer_text, math_text, with_decimal
from certify.params.report import params_report, report_text

CERTIFICATES = Path(__file__).resolve().parent.parent / "certificates"
HAVE_CERTIFICATES = (CERTIFICATES / "lemma11").is_dir()


@pytest.fixture(scope="module")
def report():
    return params_report("1/10")


@pytest.mark.parametrize("value,expected", [
    # sympy's string of the paper's bit-flip tolerance at eps = 1/10, regrouped under one root
    ("-1170595**(1/4)*3**(3/4)/150 + 1/2", "1/2 − (3^3 · 1170595)^(1/4)/150"),
    ("1/3 + sqrt(2)/3", "1/3 + √2/3"),
    ("sqrt(2)/6 + 1/3", "1/3 + √2/6"),         # the rational part first
    ("1/3 + 25*sqrt(5)/48", "1/3 + 25·√5/48"),
    ("-3/4", "−3/4"),                           # a true minus sign
    ("2**(1/3)*3**(2/3)", "(2 · 3^2)^(1/3)"),
])
def test_math_text(value, expected):
    assert math_text(value) == expected


def test_decimals_are_rounded_from_the_exact_value():
    # 1/2 - (27 * 1170595)^(1/4)/150 = 0.000136589...: four significant digits
    assert with_decimal("-1170595**(1/4)*3**(3/4)/150 + 1/2").endswith("≈ 1.366e-4")
    assert with_decimal("1/4") == "1/4 = 0.25"       # exact decimals say "="
    assert decimal_text(Fraction(2, 3)) == "0.6667" and decimal_text(Fraction(2, 3), up=True) == "0.6667"
    assert decimal_text(Fraction(1, 6), 2, up=True) == "0.17"
    assert decimal_text(Fraction(-1, 10 ** 20)) == "-1e-20"
    assert integer_text(1387778780781445) == "1,387,778,780,781,445 ≈ 1.388e15"
    with pytest.raises(TypeError):
        decimal_text(0.1)


@pytest.mark.slow
def test_report_text_reads_without_the_code(report):
    text = report_text(report)
    flat = " ".join(text.split())
    assert "**" not in text and "sqrt(" not in text          # no Python syntax
    assert "p < 1/2 − (3^3 · 1170595)^(1/4)/150 ≈ 1.366e-4" in text
    assert "n0 = ⌊1/δ^4⌋ = 1,387,778,780,781,445 ≈ 1.388e15" in flat
    assert "paper choice:" in text and "optimised:" in text   # each variant explained
    assert "388,110" in text
    assert "Coverage: none of these n reaches n0." in flat
    assert "not covered by the paper's proof of Theorem 20 as written" in flat
    assert max(len(line) for line in text.splitlines()) <= 110


@pytest.mark.slow
def test_round_counts_state_the_paper_conditions(report):
    n0 = report["theorem20"]["n0_paper"]
    for key in ("finite_size", "finite_size_certified") if HAVE_CERTIFICATES else ("finite_size",):
        for mode in ("paper_choice", "optimised"):
            entry = report["theorem20"][key][mode]
            conditions = entry["conditions"]
            assert conditions["n_at_least_n0_paper"] == (entry["rounds"] >= n0) == False  # noqa: E712
            assert conditions["covered_by_paper_proof"] is False
            assert conditions["condition_111_holds_at_delta"] is True
        assert set(report["theorem20"][key]["variants"]) == {"paper_choice", "optimised"}


def test_round_count_covered_only_from_n0_on():
    # The paper's n0 lies far above the smallest n for any realistic target (the bound at n0 is
    # below 1e-3500 for eps = 0), so the rule is tested on the record of one round count directly.
    from certify.params.report import _conditions

    delta = Fraction(1, 1000)
    n0 = 10 ** 12  # floor(1/delta^4) = ceil(1/delta^4)
    paper_choice = {"rounds": n0, "details": {"n_gamma_below_one": {"value": 14_000_000_000}}}
    assert _conditions(paper_choice, delta, n0, n0, True)["covered_by_paper_proof"] is True
    assert _conditions(paper_choice, delta, n0, n0, False)["covered_by_paper_proof"] is False  # (111) fails
    below = {**paper_choice, "rounds": n0 - 1}
    floor_n0 = {**paper_choice, "rounds": 1387778780781445}
    conditions = _conditions(floor_n0, Fraction(64, 390625), 1387778780781445, 1387778780781446, True)
    assert conditions["n_at_least_n0_paper"] and not conditions["covered_by_paper_proof"]
    assert _conditions(below, delta, n0, n0, True)["covered_by_paper_proof"] is False
    optimised = {"rounds": n0, "details": {"delta_az": "1/100", "lemma9_threshold_tau": "1/50"}}
    conditions = _conditions(optimised, delta, n0, n0, True)
    assert conditions["covered_by_paper_proof"] and not conditions["delta_az_at_most_delta"]


@pytest.mark.slow
def test_params_quiet_and_json_print_no_progress(capsys):
    assert main(["params", "--epsilon", "1/10", "--quiet", "--certificates", "no-such-folder"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "SV bias ε = 1/10" in captured.out
    assert main(["params", "--epsilon", "1/10", "--json", "--certificates", "no-such-folder"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and json.loads(captured.out)["epsilon"] == "1/10"


@pytest.mark.slow
def test_params_progress_is_called_per_section():
    calls = []
    params_report("1/10", certificates="no-such-folder", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(k, 6) for k in range(0, 7)]


# ----------------------------------------------------------------------------- Fig. 6

@pytest.mark.slow
def test_figure_png_is_300_dpi_and_marks_the_given_epsilon(tmp_path):
    import struct

    target = tmp_path / "fig6.png"
    assert main(["params", "--plot", str(target)]) == 0
    data = target.read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1920, 1260)                       # 6.4 x 4.2 inches at 300 dpi
    chunk = data.index(b"pHYs")                                  # pixels per metre, 300 dpi = 11811
    assert struct.unpack(">II", data[chunk + 4:chunk + 12]) == (11811, 11811)
    assert not list(tmp_path.glob(".tmp-*"))                    # written to a temporary file, renamed


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".svg", ".pdf"])
def test_figure_vector_formats_are_deterministic_and_undated(tmp_path, suffix):
    from certify.params.figure import plot_trade_off

    first = plot_trade_off(tmp_path / f"a{suffix}", epsilon="1/4").read_bytes()
    second = plot_trade_off(tmp_path / f"b{suffix}", epsilon="1/4").read_bytes()
    assert first == second
    assert b"CreationDate" not in first and b"<dc:date>" not in first


@pytest.mark.slow
def test_figure_legend_carries_each_formula_and_the_marked_values(tmp_path):
    from certify.params.figure import plot_trade_off

    text = plot_trade_off(tmp_path / "fig6.svg", epsilon="1/10").read_text()
    assert r"$\delta_{\max} = (1/2-\varepsilon)^8/2$" in text     # the paper's curve, eq. (111)
    assert "128/390625 ≈ 3.277e-4" in text                        # paper delta_max at eps = 1/10
    assert r"\varepsilon = 1/10" in text
    if HAVE_CERTIFICATES:
        # b* = 2 for the committed certificates: delta_max = b*^2 (1/2 - eps)^8 / 2 = 2 (1/2 - eps)^8
        assert r"b^{*2}(1/2-\varepsilon)^8/2 = 2\,(1/2-\varepsilon)^8" in text
        assert "512/390625 ≈ 0.001311" in text


@pytest.mark.slow
def test_figure_default_marks_one_tenth_and_refuses_other_formats(tmp_path, capsys):
    from certify.params.figure import DEFAULT_MARKED_EPSILON, plot_trade_off

    assert DEFAULT_MARKED_EPSILON == Fraction(1, 10)
    assert r"\varepsilon = 1/10" in plot_trade_off(tmp_path / "fig6.svg").read_text()
    assert main(["params", "--plot", str(tmp_path / "fig6.jpg")]) == 2
    assert ".png, .svg, .pdf" in capsys.readouterr().err
