"""``certify simulate`` for a person: Protocol II labelled per device and block, each cross-check
named in words with the paper's lemma or equation; the JSON keeps its keys and gains labelled ones."""

import json

import pytest

from certify.cli.main import main
from certify.simulation.run import simulate, simulation_text


@pytest.fixture(scope="module")
def protocol_two():
    return simulate(protocol="II", epsilon="1/10", rounds=4096, blocks=4, seed=1, run_crosscheck=True,
                    visibility="0.999")


@pytest.mark.slow
def test_protocol_two_is_labelled_per_device_and_block(protocol_two):
    text = simulation_text(protocol_two)
    chosen = protocol_two["protocol_details"]["chosen_blocks"]
    for device, block in enumerate(chosen, start=1):
        assert f"device {device}: block {block + 1} of 4 (chosen with SV bits), Bell count" in text
    assert "['" not in text and "[0" not in text                     # no Python list repr
    assert [b["chosen_block"] for b in protocol_two["tested_blocks"]] == chosen
    assert [b["device"] for b in protocol_two["tested_blocks"]] == [1, 2]


@pytest.mark.slow
def test_cross_checks_are_named_with_the_paper_reference(protocol_two):
    text = " ".join(simulation_text(protocol_two).split())
    assert "Lemma 7 on device 1 (Lemma 7, eq. (26))" in text and "Lemma 7 on device 2 (Lemma 7, eq. (26))" in text
    assert "output bounds (Lemma 11, eq. (42))" in text and "Bell counts (eq. (36))" in text
    for check in protocol_two["crosscheck"]["checks"]:
        assert check["title"] and check["paper"]
    assert [c["device"] for c in protocol_two["crosscheck"]["checks"] if c["name"] == "lemma7"] == [1, 2]


def test_simulate_json_keeps_its_keys(capsys):
    assert main(["simulate", "--protocol", "II", "--epsilon", "1/10", "--rounds", "512", "--seed", "1",
                 "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {"protocol", "epsilon", "seed", "source", "device", "rounds", "device_rounds", "accepted",
            "bell_count", "bell_estimate", "bell_estimate_exact", "delta", "delta_rule", "output_bits",
            "output_file", "extractor", "protocol_details", "tested_blocks"} <= set(document)
    assert isinstance(document["bell_count"], list)                  # Protocol II: one per device, as before
