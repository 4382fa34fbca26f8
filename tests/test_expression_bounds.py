"""Local bounds, no-signalling optima and the bounds / optimum commands."""

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from certify.cli.main import main
from certify.builder.expressions import ExpressionCertifier
from certify.builder.verify import verify_bounds_document, verify_expression_document
from certify.errors import ClaimNotProven
from certify.formats.library import builtin_expression, mermin_expression, paper_family_expression
from certify.lp.local_bound import deterministic_box_value, local_bound
from certify.lp.symmetry import orbit_transversal

REPOSITORY = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 3600  # generous: no timeout below CI's budget on a busy machine; a hung command still ends


@pytest.mark.parametrize("name,expected", [
    ("chsh", 1), ("mermin3", 1), ("mermin5", 6), ("paper", 2), ("magic-square", 1),
    ("paper-n3", 0), ("paper-n5", 0), ("paper-n6", 2), ("mermin-n7", 28),
])
def test_local_bounds(name, expected):
    # Mermin: max of M_N over local boxes is 2^((N-1)/2), so losses = (terms - bound)/2.
    result = local_bound(builtin_expression(name))
    assert result.value == expected
    assert deterministic_box_value(builtin_expression(name), result.strategy) == expected


def test_odd_paper_family_is_not_a_bell_inequality():
    # f_i(0) = 0, f_i(1) = 1 for every party: weight-1 settings give parity 1, weight N-1 give N-1 even.
    for n in (3, 5, 7):
        strategy = ((0, 1),) * n
        assert deterministic_box_value(paper_family_expression(n), strategy) == 0


@pytest.mark.slow
def test_symmetry_elements_preserve_coefficients():
    expression = mermin_expression(5)
    found, transversal = orbit_transversal(expression)
    assert sorted(len(m) for m in found.values()) == [256, 256, 512]
    for k in list(transversal)[::101]:
        g = transversal[k]
        assert sorted(g) == list(range(1024))
        assert {g[j]: v for j, v in expression.coefficients.items()} == dict(expression.coefficients)
        assert g[min(m for m in found if k in found[m])] == k


def test_certifier_documents_verify_and_tampering_fails():
    certifier = ExpressionCertifier(builtin_expression("mermin3"))
    documents = [certifier.pair_document(j) for j in range(64)]
    values = {d["target"]["setting"] + "|" + d["target"]["outcome"]:
              Fraction(d["value_function"]["breakpoints"][0]["value"]) for d in documents}
    bounds = certifier.bounds_document({certifier.scenario.index_of_key(k): v for k, v in values.items()})
    summary = verify_bounds_document(bounds, certifier.expression, values)
    assert summary == {"local_bound": 1, "ns_optimum": 0, "max_output_probability": Fraction(1, 2)}
    document = documents[7]
    document["value_function"]["pieces"][0]["certificate"]["bound"] = "-1"
    with pytest.raises(ClaimNotProven):
        verify_expression_document(document, certifier.expression)
    bounds["local_bound"]["value"] = "0"
    with pytest.raises(ClaimNotProven):
        verify_bounds_document(bounds, certifier.expression)


def test_maximise_direction_is_shifted_to_penalty_form(tmp_path):
    document = {"format": "certify/bell-expression", "version": 1, "name": "chsh-correlators",
                "scenario": {"parties": 2, "settings": [2, 2], "outcomes": [2, 2]},
                "direction": "maximise", "representation": "Non-signaling Correlators",
                "coefficients": ["0", "0", "0", "0", "1", "1", "0", "1", "-1"]}
    path = tmp_path / "chsh.json"
    path.write_text(json.dumps(document))
    result = subprocess.run([sys.executable, "-m", "certify", "bounds", "--expression", str(path), "--json"],
                            cwd=REPOSITORY, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    assert result.returncode == 0, result.stderr
    bounds = json.loads(result.stdout)
    assert (bounds["local_bound"], bounds["ns_optimum"], bounds["is_bell_inequality"]) == ("2", "4", True)
    assert bounds["max_output_probability_at_ns_optimum"] == "1/2"
    certifier = ExpressionCertifier(json_expression(document))
    assert (certifier.sign, certifier.offset) == (-1, -4)
    pair = certifier.pair_document(0)
    assert pair["value_function"]["breakpoints"][0]["value"] == "1/2"


def json_expression(document):
    from certify.formats.native import parse_expression
    return parse_expression(document)


def test_bounds_command_json(capsys):
    assert main(["bounds", "--expression", "chsh", "--json"]) == 0
    bounds = json.loads(capsys.readouterr().out)
    assert bounds["local_bound"] == "1" and bounds["ns_optimum"] == "0"
    assert bounds["max_output_probability_at_ns_optimum"] == "1/2"


def test_optimum_with_expression(capsys):
    assert main(["optimum", "--expression", "chsh", "--bell-value", "1/10", "--json"]) == 0
    table = json.loads(capsys.readouterr().out)
    assert table["optima"]["00|00"] == "11/20" and table["optima"]["11|00"] == "1/10"
    assert "canonical_order" in table


@pytest.mark.parametrize("args", [["bounds", "--expression", "nonsense"],
                                  ["optimum", "--expression", "nonsense", "--bell-value", "1"]])
def test_unknown_expression_is_malformed(args):
    result = subprocess.run([sys.executable, "-m", "certify", *args], cwd=REPOSITORY,
                            capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    assert result.returncode == 2 and "neither a built-in" in result.stderr and "Traceback" not in result.stderr
