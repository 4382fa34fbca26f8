"""``certify optimum`` for a person: a header, every pair listed (or, above LIST_ALL_UP_TO pairs, a
few per value with a line saying how many are left out and that --all lists them); --json unchanged."""

import json
import pytest

from certify.builder.optimum import LIST_ALL_UP_TO, optimum_text
from certify.cli.main import main


def _pairs_listed(text: str) -> list[str]:
    return [token.strip(",") for line in text.splitlines()[3:] for token in line.split() if "|" in token]


@pytest.mark.slow
def test_paper_table_lists_all_256_pairs_under_a_header(capsys):
    assert main(["optimum", "--bell-value", "1/10", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "max P(x*|u*)" in text.splitlines()[2] and "setting|outcome" in text.splitlines()[2]
    assert len(_pairs_listed(text)) == len(set(_pairs_listed(text))) == 256
    assert "..." not in text and "…" not in text
    rows = [line.split()[:3] for line in text.splitlines()[3:] if line[2] != " "]
    assert rows == [["11/30", "0.3667", "64"], ["67/200", "0.335", "128"], ["1/20", "0.05", "64"]]


def test_large_tables_say_what_is_left_out_and_all_lists_it():
    optima = {f"{u:07b}|{x:07b}": ("1/2" if (u + x) % 2 else "1/3") for u in range(128) for x in range(4)}
    table = {"bell_value": "0", "optima": optima, "expression": "big", "penalty": {"sign": 1, "offset": "0"}}
    assert len(optima) > LIST_ALL_UP_TO
    short = optimum_text(table)
    assert "(248 more)" in short and f"496 of {len(optima)} pairs not listed; --all lists every pair" in short
    assert len(_pairs_listed(short)) == 16
    assert len(_pairs_listed(optimum_text(table, all_pairs=True))) == len(optima)


def test_json_shape_is_unchanged(capsys):
    assert main(["optimum", "--bell-value", "1/10", "--setting", "0001", "--outcome", "1000", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"bell_value": "1/10", "optima": {"0001|1000": "11/30"}}
