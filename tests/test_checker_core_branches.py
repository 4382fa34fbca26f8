"""One invalid document per rejecting branch of the trusted core (``certify.checker.core``).

Each case starts from a valid committed certificate and changes one thing, chosen so
that the branch under test is the check that fails (where later checks would also
fail, the message pins the branch: the checks run in a fixed order). Among them the
three one-line bugs no earlier test caught: dropping the target term from the dual
check, checking a witness against the normalisation rows only, and checking each
value-function piece only at its left breakpoint.

This file is also the fast test set of the mutation run (``benchmarks/mutation/``):
it runs in a few seconds and needs nothing outside the standard library and pytest.
"""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path

import pytest

from certify.checker import core
from certify.checker import expressions as checker_expressions

ROOT = Path(__file__).resolve().parent.parent
LEMMA11 = ROOT / "certificates" / "lemma11"
BASE_NAME = "u0001-x1000.json"  # P(1000|0001): index 24, setting index 1, C_24 = 0
BASE = json.loads((LEMMA11 / BASE_NAME).read_text())
CHSH = ROOT / "certificates" / "expressions" / "chsh" / "u01-x01.json"
MERMIN5 = ROOT / "certificates" / "expressions" / "mermin5" / "u00001-x00000.json"  # five pieces


def _doc():
    return copy.deepcopy(BASE)


def _check(document):
    return core.check_output_bound(document, "f.json")


# -- helpers that build the one-change documents -------------------------------------------

def _target_term_dropped(document):
    # Multipliers proving 0 <= 1/3 + (2/3) B.P (1/3 on the normalisation row of u* = 0001):
    # every slack is >= 0 except at the target, where the -e* term makes it 1/3 - 1.
    document["paper_claim"]["certificate"] = {"bound": "1/3", "multipliers": [[1, "1/3"]]}


def _witness_signals(document):
    # Move mass between two outcomes of one setting tuple u != u* with equal B coefficient,
    # neither the target: normalisation, positivity, W* and B.W unchanged; a marginal moves.
    witness = dict((j, Fraction(v)) for j, v in document["paper_claim"]["witness"])
    bell = core.paper_bell_coefficients()
    for source in sorted(witness):
        block, x = divmod(source, 16)
        if block == 1:
            continue
        for other in range(16):
            sink = block * 16 + other
            if sink != source and bell.get(sink, 0) == bell.get(source, 0):
                witness[source] -= witness[source] / 2
                witness[sink] = witness.get(sink, 0) + witness[source]
                document["paper_claim"]["witness"] = [[j, str(v)] for j, v in sorted(witness.items()) if v]
                return
    raise AssertionError("no mass to move")


def _local_witness():
    """A no-signalling box with W* + (2/3) B.W = 1/3 but W* - (2/3) B.W = -1/3: 1/2 of the
    claim's witness (W* = 1/3, B = 0), 1/8 of a deterministic local box with W* = 0 and
    B = 2, and 3/8 of the claim's witness of another pair (B = 0, W* = 0)."""
    bell = core.paper_bell_coefficients()
    local = None
    for answers in __import__("itertools").product(range(4), repeat=4):  # each party: outcome per setting
        box = {s * 16 + sum(((answers[i] >> u[i]) & 1) << (3 - i) for i in range(4))
               for s, u in enumerate(__import__("itertools").product(range(2), repeat=4))}
        if 24 not in box and sum(bell.get(j, 0) for j in box) == 2:
            local = box
            break
    other = json.loads((LEMMA11 / "u0001-x0000.json").read_text())["paper_claim"]["witness"]
    mixed = {}
    for weight, entries in ((Fraction(1, 2), BASE["paper_claim"]["witness"]),
                            (Fraction(1, 8), [[j, "1"] for j in local]), (Fraction(3, 8), other)):
        for j, value in entries:
            mixed[j] = mixed.get(j, 0) + weight * Fraction(value)
    return [[j, str(v)] for j, v in sorted(mixed.items()) if v]


def _set(path, value):
    def change(document):
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def _drop_coefficient(document):
    document["expression"]["coefficients"] = document["expression"]["coefficients"][1:]


def _flip_multiplier(document):
    multipliers = document["paper_claim"]["certificate"]["multipliers"]
    index, value = next((k, m) for k, m in enumerate(multipliers) if not m[1].startswith("-"))
    multipliers[index] = [value[0], "-" + value[1]]


def _weaker_certificate(document):
    # Adding 1/6 on a normalisation row raises every slack of that block: still valid, bound 1/2.
    multipliers = dict((r, Fraction(v)) for r, v in document["paper_claim"]["certificate"]["multipliers"])
    multipliers[0] = multipliers.get(0, 0) + Fraction(1, 6)
    document["paper_claim"]["certificate"] = {
        "bound": "1/2", "multipliers": [[r, str(v)] for r, v in sorted(multipliers.items()) if v]}


def _double_witness(document):
    document["paper_claim"]["witness"] = [[j, str(2 * Fraction(v))] for j, v in document["paper_claim"]["witness"]]


def _negative_witness(document):
    witness = document["paper_claim"]["witness"]
    witness[3] = [witness[3][0], "-" + witness[3][1]]  # index 5: the message names it


def _breakpoint_witness_as_claim_witness(document):
    document["paper_claim"]["witness"] = document["value_function"]["breakpoints"][1]["witness"]


def _swap_breakpoint_witnesses(document):
    points = document["value_function"]["breakpoints"]
    points[0]["witness"], points[1]["witness"] = points[1]["witness"], points[0]["witness"]


def _claim_witness_at_breakpoint_1(document):
    document["value_function"]["breakpoints"][1]["witness"] = document["paper_claim"]["witness"]


def _drop_piece(document):
    document["value_function"]["pieces"].pop()


def _pieces(*changes):
    def change(document):
        for i, key, value in changes:
            document["value_function"]["pieces"][i][key] = value
    return change


def _points(*changes):
    def change(document):
        for i, key, value in changes:
            document["value_function"]["breakpoints"][i][key] = value
    return change


# (name, change, exception, message): the message names the branch.
CASES = [
    ("not-an-object", lambda d: d.clear() or d.update({"x": 1}), core.Malformed, r"\$: expected keys"),
    ("scenario-other", _set(["scenario", "parties"], 3), core.Malformed, "version 1 knows only"),
    ("expression-name", _set(["expression", "name"], "chsh"), core.Malformed, "expected name 'paper'"),
    ("expression-direction", _set(["expression", "direction"], "maximise"), core.Malformed,
     "direction 'minimise'"),
    ("coefficient-dropped", _drop_coefficient, core.NotProven, "differ from eq. \\(7\\)"),
    ("target-index", _set(["target", "index"], 25), core.Malformed, "25 is not the index 24 of P\\(1000\\|0001\\)"),
    ("target-setting-digit", _set(["target", "setting"], "0002"), core.Malformed, "expected a pair"),
    ("target-setting-not-string", _set(["target", "setting"], 1), core.Malformed, "expected a pair"),
    ("target-index-range", _set(["target", "index"], 256), core.Malformed, r"expected an integer in 0\.\.255"),
    ("claim-constant", _set(["paper_claim", "constant"], "1/4"), core.Malformed, "eq. \\(42\\) is 1/3"),
    ("claim-slope", _set(["paper_claim", "slope"], "1/2"), core.Malformed, "eq. \\(42\\) is 1/3"),
    ("multiplier-sign", _flip_multiplier, core.NotProven, "do not dominate"),
    ("target-term-dropped", _target_term_dropped, core.NotProven,
     r"s_24 = -2/3 < 0: the multipliers do not dominate P\* - 2/3 C.P at index 24"),
    ("bound-not-normalisation-sum", _set(["paper_claim", "certificate", "bound"], "1/4"), core.NotProven,
     "bound 1/4 is not the sum 1/3 of the normalisation multipliers"),
    ("bound-above-normalisation-sum", _set(["paper_claim", "certificate", "bound"], "1/2"), core.NotProven,
     "bound 1/2 is not the sum 1/3 of the normalisation multipliers"),
    ("bound-above-constant", _weaker_certificate, core.NotProven, "certified bound 1/2 exceeds the constant"),
    ("witness-negative", _negative_witness, core.NotProven, "negative probability at index 5$"),
    ("witness-not-normalised", _double_witness, core.NotProven, r"row 0 \(normalisation\) gives 2, expected 1"),
    ("witness-signals", _witness_signals, core.NotProven, r"\(no-signalling\) gives"),
    ("witness-other-value", _breakpoint_witness_as_claim_witness, core.NotProven,
     "W\\* - 2/3 B.W = -1/3, not the certified bound 1/3"),
    ("witness-below-bound", lambda d: d["paper_claim"].update(witness=_local_witness()), core.NotProven,
     r"W\* - 2/3 B.W = 0, not the certified bound 1/3"),
    ("expression-name-after-paper", _set(["expression", "name"], "zeta"), core.Malformed, "expected name 'paper'"),
    ("expression-direction-other", _set(["expression", "direction"], "upward"), core.Malformed,
     "direction 'minimise'"),
    ("coefficient-index-255", lambda d: d["expression"]["coefficients"].append([255, "1"]), core.NotProven,
     "differ from eq. \\(7\\)"),
    ("coefficient-index-256", lambda d: d["expression"]["coefficients"].append([256, "1"]), core.Malformed,
     r"coefficients\[64\]\[0\]: expected an integer in 0\.\.255"),
    ("claim-constant-weaker", _set(["paper_claim", "constant"], "1/2"), core.Malformed, "eq. \\(42\\) is 1/3"),
    ("target-index-lower", _set(["target", "index"], 23), core.Malformed, "23 is not the index 24"),
    ("pieces-more", lambda d: d["value_function"]["pieces"].append(d["value_function"]["pieces"][-1]),
     core.Malformed, "2 breakpoints need as many pieces, found 3"),
    ("breakpoint-first-negative", _points((0, "bell_value", "-1")), core.Malformed, "must start at 0"),
    ("breakpoints-decreasing", _points((1, "bell_value", "-1")), core.Malformed, "increase strictly"),
    ("slopes-increasing", _pieces((0, "slope", "0"), (1, "slope", "1/3")), core.Malformed,
     "slopes must be >= 0 and decrease strictly"),
    ("breakpoint-value-raised", _points((1, "value", "11/10")), core.NotProven,
     r"pieces\[0\]: 1/3 \+ 1/3 \* 2 = 1, not v_1 = 11/10"),
    ("pieces-fewer", _drop_piece, core.Malformed, "2 breakpoints need as many pieces, found 1"),
    ("breakpoints-empty", _set(["value_function", "breakpoints"], []), core.Malformed,
     r"breakpoints: expected an array of 1\.\.4096"),
    ("breakpoint-not-zero-first", _points((0, "bell_value", "1/2")), core.Malformed, "must start at 0"),
    ("breakpoints-not-increasing", _points((1, "bell_value", "0")), core.Malformed, "increase strictly"),
    ("slopes-not-decreasing", _pieces((0, "slope", "0")), core.Malformed, "slopes must be >= 0 and decrease"),
    ("slope-negative", _pieces((1, "slope", "-1/3"), (0, "slope", "-1/4")), core.Malformed,
     "slopes must be >= 0"),
    ("last-slope-negative", _pieces((1, "slope", "-1/4")), core.Malformed, "slopes must be >= 0"),
    ("last-piece-not-flat", _pieces((1, "slope", "1/6")), core.NotProven, "the last piece must be flat, found slope 1/6"),
    ("piece-constant", _pieces((1, "constant", "2")), core.NotProven,
     r"pieces\[1\]: certificate bound 1 \+ slope \* offset 0 differs from the constant 2"),
    ("piece-misses-left-breakpoint", _points((0, "value", "1/4")), core.NotProven,
     r"pieces\[0\]: 1/3 \+ 1/3 \* 0 = 1/3, not v_0 = 1/4"),
    # Slope 1/2 with the same multipliers is a valid, weaker certificate (C >= 0): the
    # line meets v_0 at delta 0 but not v_1 = 1 at delta 2.
    ("piece-misses-right-breakpoint", _pieces((0, "slope", "1/2")), core.NotProven,
     r"pieces\[0\]: 1/3 \+ 1/2 \* 2 = 4/3, not v_1 = 1"),
    ("piece-certificate-invalid", _pieces((0, "certificate", {"bound": "1/3", "multipliers": [[1, "1/3"]]})),
     core.NotProven, r"pieces\[0\].certificate: s_24"),
    ("breakpoint-witness-over-delta", _swap_breakpoint_witnesses, core.NotProven,
     r"breakpoints\[0\].witness: C.W - offset = 2 \(needs <= 0\)"),
    ("breakpoint-witness-value", _claim_witness_at_breakpoint_1, core.NotProven,
     r"breakpoints\[1\].witness: C.W - offset = 0 \(needs <= 2\), W\* = 1/3 \(needs 1\)"),
]


def test_base_document_is_valid():
    statement = _check(_doc())
    assert (statement["index"], statement["bound"]) == (24, Fraction(1, 3))
    assert statement["breakpoints"] == [(0, Fraction(1, 3)), (2, 1)]
    assert statement["pieces"] == [(Fraction(1, 3), Fraction(1, 3)), (1, 0)]


@pytest.mark.parametrize("name, change, error, message", CASES, ids=[case[0] for case in CASES])
def test_one_change_is_rejected_by_its_branch(name, change, error, message):
    document = _doc()
    change(document)
    with pytest.raises(error, match=message) as raised:
        _check(document)
    assert type(raised.value) is error
    assert raised.value.exit_code == (1 if error is core.NotProven else 2)


def test_valid_certificates_of_other_pairs_are_accepted():
    for name in ("u0000-x0000.json", "u0001-x0001.json", "u1110-x0001.json"):
        assert _check(json.loads((LEMMA11 / name).read_text()))["index"] == core.pair_index(
            f"{name[1:5]}|{name[7:11]}", core.PAPER_SHAPE, "$")


def test_right_breakpoint_is_checked_for_every_piece_of_a_longer_value_function():
    # A five-piece value function: every piece except the last has a right breakpoint.
    document = json.loads(MERMIN5.read_text())
    statement = checker_expressions.check_expression_bound(copy.deepcopy(document), "m.json")
    pieces = statement["pieces"]
    assert len(pieces) == 5
    for i in range(1, 4):  # a supporting line through (delta_i, v_i) between the two slopes
        changed = copy.deepcopy(document)
        lower, upper = changed["value_function"]["pieces"][i - 1], changed["value_function"]["pieces"][i]
        slope = (Fraction(lower["slope"]) + Fraction(upper["slope"])) / 2
        delta = statement["breakpoints"][i][0]
        combined = {}
        for piece in (lower, upper):
            for r, v in piece["certificate"]["multipliers"]:
                combined[r] = combined.get(r, 0) + Fraction(v) / 2
        bound = (Fraction(lower["certificate"]["bound"]) + Fraction(upper["certificate"]["bound"])) / 2
        upper.update({"constant": str(bound), "slope": str(slope), "certificate": {
            "bound": str(bound), "multipliers": [[r, str(v)] for r, v in sorted(combined.items()) if v]}})
        assert bound + slope * delta == statement["breakpoints"][i][1]  # meets its left breakpoint
        with pytest.raises(core.NotProven, match=rf"pieces\[{i}\]: .* not v_{i + 1} = "):
            checker_expressions.check_expression_bound(changed, "m.json")


# -- strict JSON and values ------------------------------------------------------------------

PARSE_CASES = [
    ('{"a": 1, "a": 2}', "duplicate key 'a'"),
    ('{"a": 1, "b": 2, "b": 3}', "duplicate key 'b'"),
    ('{"a": 1.234567890123456789012345}', "JSON number '1.234567890123456789' is not an integer"),
    ('{"a": 1.5}', "JSON number '1.5' is not an integer"),
    ('{"a": 1e5}', "JSON number '1e5' is not an integer"),
    ('{"a": NaN}', "JSON number 'NaN' is not an integer"),
    ('{"a": -Infinity}', "JSON number '-Infinity' is not an integer"),
    ('{"a": -0}', "integer -0 is not canonical"),
    ('{"a": [-0]}', "integer -0 is not canonical"),
    ('{"a": "x\\"", "b": -0}', "integer -0 is not canonical"),
    ('{"a": ' + "1" * 4301 + "}", "digit run at character 6 is longer than 4300 digits"),
    ("[" * 65 + "]" * 65, "nested deeper than 64 levels"),
    ('{"a": [1, 2,]}', "not valid JSON"),
    ("", "not valid JSON"),
    ("[" + "0," * core.MAX_TOKENS + "0]", "JSON tokens"),
]


@pytest.mark.parametrize("text, message", PARSE_CASES, ids=[m for _, m in PARSE_CASES])
def test_strict_json_refusals(text, message):
    with pytest.raises(core.Malformed, match="^t.json: .*" + message.replace("(", r"\(").replace("[", r"\[")):
        core.loads_strict(text, "t.json")


def test_depth_counts_closing_brackets_and_braces_as_one_level_each():
    with pytest.raises(core.Malformed, match="nested deeper than 64"):
        core.loads_strict("[[]," + "[" * 64 + "]" * 64 + "]", "t.json")  # 1 + 64 levels
    with pytest.raises(core.Malformed, match="nested deeper than 64"):
        core.loads_strict('[{"a": {}},' + "[" * 64 + "]" * 64 + "]", "t.json")
    assert core.loads_strict("[{}," + "[" * 63 + "]" * 63 + "]", "t.json")[0] == {}  # exactly 64
    assert core.loads_strict("[[]," + "[" * 63 + "]" * 63 + "]", "t.json")[0] == []


def test_strict_json_accepts_edges():
    assert core.loads_strict("[" * 64 + "]" * 64, "t.json") == [[]] if False else True
    assert core.loads_strict('{"a": "-0", "b": "[[[[", "c": -10, "d": "1' + "1" * 4299 + '"}', "t")["c"] == -10
    assert core.loads_strict('{"a": "\\"[", "b": -01}' .replace("-01", "-1"), "t") == {"a": '"[', "b": -1}
    assert core.loads_strict('{"a": ' + "1" * 4300 + "}", "t")["a"] == int("1" * 4300)
    nested = core.loads_strict("[" * 64 + "]" * 64, "t")
    for _ in range(63):
        nested = nested[0]
    assert nested == []
    assert core.loads_strict("[" + "0," * (core.MAX_TOKENS - 3) + "0]", "t")[-1] == 0


RATIONAL_REFUSALS = ["2/4", "1/1", "-0", "-0/3", "0/5", " 1/3", "1/3 ", "+1", "01", "1/03", "1.5", "1e3", "1_0",
                     "1/0", "1/-3", "\u0661", "", "1/", "/3", 3, None, True, "1" * 4301, "1/" + "3" * 4301]


@pytest.mark.parametrize("value", RATIONAL_REFUSALS, ids=[repr(v)[:20] for v in RATIONAL_REFUSALS])
def test_rational_refusals(value):
    with pytest.raises(core.Malformed, match=r"^\$\.x: (expected a canonical rational|rational .* lowest terms)"):
        core.parse_rational(value, "$.x")


def test_rational_accepted_forms():
    assert core.parse_rational("0", "$") == (0, 1)
    assert core.parse_rational("-7/2", "$") == (-7, 2)
    assert core.parse_rational("12", "$") == (12, 1)
    assert core.parse_rational("1" * 4300, "$") == (int("1" * 4300), 1)
    assert core.fraction("-3/9".replace("9", "10"), "$") == Fraction(-3, 10)
    assert core.parse_rational("-3/10", "$") == (-3, 10)  # cached: same answer


def test_integer_fields_array():
    assert core.integer(0, "$", 0, 5) == 0 and core.integer(5, "$", 0, 5) == 5
    for bad in (True, False, 1.0, "1", -1, 6, None):
        with pytest.raises(core.Malformed, match=r"^\$: expected an integer in 0\.\.5"):
            core.integer(bad, "$", 0, 5)
    assert core.fields({"b": 2, "a": 1}, "$", ("a", "b")) == [1, 2]
    with pytest.raises(core.Malformed, match=r"missing \['b'\], unknown \['c'\]"):
        core.fields({"a": 1, "c": 2}, "$", ("a", "b"))
    with pytest.raises(core.Malformed, match="expected an object, found \\[1\\]"):
        core.fields([1], "$", ("a",))
    assert core.array([1, 2], "$", 2, 2) == [1, 2]
    for bad in ([], [1, 2, 3], {"a": 1}, "ab"):
        with pytest.raises(core.Malformed, match=r"expected an array of 1\.\.2 entries"):
            core.array(bad, "$", 1, 2)


SPARSE_CASES = [
    ([[0, "1"], [0, "1"]], r"\$\[1\]\[0\]: index 0 after 0: indices must increase"),
    ([[1, "1"], [0, "1"]], r"\$\[1\]\[0\]: index 0 after 1"),
    ([[4, "1"]], r"\$\[0\]\[0\]: expected an integer in 0\.\.3"),
    ([[5, "1"]], r"\$\[0\]\[0\]: expected an integer in 0\.\.3"),
    ([[-1, "1"]], r"\$\[0\]\[0\]: expected an integer in 0\.\.3"),
    ([[True, "1"]], r"\$\[0\]\[0\]: expected an integer"),
    ([[0, "0"]], r"\$\[0\]\[1\]: zero entries must be left out"),
    ([[0, "1", 2]], r"\$\[0\]: expected \[index, \"rational\"\]"),
    ([[0]], r"\$\[0\]: expected \[index, \"rational\"\]"),
    ([(0, "1")], r"\$\[0\]: expected \[index"),
    ([[0, "2/4"]], r"\$\[0\]\[1\]: rational '2/4'"),
    ([[0, 1]], r"\$\[0\]\[1\]: expected a canonical rational"),
    ([[0, ["1"]]], r"\$\[0\]\[1\]: expected a canonical rational"),
    ([[k, "1"] for k in range(5)], r"\$: expected an array of 0\.\.4 entries"),
]


@pytest.mark.parametrize("value, message", SPARSE_CASES, ids=[m[:30] for _, m in SPARSE_CASES])
def test_sparse_refusals(value, message):
    with pytest.raises(core.Malformed, match="^" + message):
        core.sparse(value, 4, "$")


def test_sparse_scales_to_the_common_denominator():
    assert core.sparse([], 4, "$") == (1, {})
    assert core.sparse([[0, "1/2"], [3, "-1/3"]], 4, "$") == (6, {0: 3, 3: -2})
    assert core.sparse([[1, "1/2"]], 4, "$", extra=3) == (6, {1: 3})
    assert core.sparse([[1, "2"]], 4, "$", extra=4) == (4, {1: 8})
    entries = [[k, f"1/{10 ** 4299 + 2 * k + 1}"] for k in range(256)]
    with pytest.raises(core.Malformed, match=r"^\$: common denominator has more than 65536 bits"):
        core.sparse(entries, 256, "$")
    few = [[k, f"1/{10 ** 4299 + 2 * k + 1}"] for k in range(4)]
    assert core.sparse(few, 256, "$")[0].bit_length() <= core.MAX_DENOMINATOR_BITS


# -- rebuilt objects --------------------------------------------------------------------------

def test_no_signalling_rows_of_two_parties():
    rows, normalisation = core.no_signalling_rows((2, 2), (2, 2))
    assert normalisation == 4 and len(rows) == 4 + 2 * 2 + 2 * 2
    assert rows[0] == ((0, 1), (1, 1), (2, 1), (3, 1))
    # party 0, u = (1, 0), x_1 = 0: P(00|10) + P(10|10) - P(00|00) - P(10|00) = 0
    assert rows[4] == ((0, -1), (2, -1), (8, 1), (10, 1))
    assert rows[8] == ((0, -1), (1, -1), (4, 1), (5, 1))  # party 1, u = (0, 1), x_0 = 0
    settings_outcomes = core.no_signalling_rows((3, 2), (2, 3))
    assert settings_outcomes[1] == 6 and len(settings_outcomes[0]) == 6 + 4 * 3 + 3 * 2
    _, _, columns = core.system(((2, 2), (2, 2)))
    assert columns[0] == [(0, 1), (4, -1), (8, -1)]


def test_paper_coefficients_and_indices():
    bell = core.paper_bell_coefficients()
    assert len(bell) == 64 and set(bell.values()) == {1}
    assert 1 * 16 + 0b1001 in bell and 1 * 16 + 0b1000 not in bell  # u = 0001 in U0: even x
    assert 7 * 16 + 0b1000 in bell and 7 * 16 + 0b1001 not in bell  # u = 0111 in U1: odd x
    assert 0 * 16 + 0 not in bell and 15 * 16 + 1 not in bell
    assert core.size_of(((2, 3), (4, 5))) == 2 * 4 * 3 * 5
    assert core.product_of([]) == 1 and core.product_of([2, 3, 4]) == 24
    assert core.pair_index("0001|1000", core.PAPER_SHAPE, "$") == 24
    assert core.pair_index("1111|1111", core.PAPER_SHAPE, "$") == 255
    assert core.pair_index("21|12", ((3, 2), (2, 3)), "$") == (2 * 2 + 1) * 6 + 1 * 3 + 2
    assert core.pair_index("11|11", ((3, 3), (3, 3)), "$") == (1 * 3 + 1) * 9 + 1 * 3 + 1  # 3 + 1, not 3 | 1
    for bad in ("0001-1000", "001|1000", "0001|10000", "0002|1000", "000a|1000", 24, "0001|100", "00011000|",
                "0001|3000", "0001|0003", "3001|1000", "0001|10a0", "0001|100\u0661",
                "0001|2000", "2001|1000", "0001~1000", "0001}1000", "0001|a000"):
        with pytest.raises(core.Malformed, match="expected a pair 'u1..u4\\|x1..x4'"):
            core.pair_index(bad, core.PAPER_SHAPE, "$")


def test_check_box_values_and_target_none():
    witness = BASE["paper_claim"]["witness"]
    assert core.check_box(witness, 24, "$") == (Fraction(1, 3), 0)
    assert core.check_box(witness, None, "$") == (0, 0)
    points = BASE["value_function"]["breakpoints"]
    assert core.check_box(points[1]["witness"], 24, "$") == (1, 2)
    assert core.check_box(points[1]["witness"], 24, "$", penalty=(2, {j: 1 for j in range(256)})) == (1, 8)
    assert core.check_box(points[1]["witness"], 24, "$", penalty=(1, {j: 2 for j in range(256)})) == (1, 32)


def test_check_inequality_returns_the_bound_and_handles_penalty_scale():
    certificate = BASE["paper_claim"]["certificate"]
    assert core.check_inequality(certificate, Fraction(2, 3), 24, "$") == Fraction(1, 3)
    doubled = (2, {j: 2 * c for j, c in core.paper_bell_coefficients().items()})  # same C, scale 2
    assert core.check_inequality(certificate, Fraction(2, 3), 24, "$", penalty=doubled) == Fraction(1, 3)
    halved = (2, core.paper_bell_coefficients())  # C/2: the certificate no longer dominates
    with pytest.raises(core.NotProven, match="do not dominate"):
        core.check_inequality(certificate, Fraction(2, 3), 24, "$", penalty=halved)
    bound, total, d, reduced = core.dual_slacks({"bound": "0", "multipliers": []}, Fraction(1), None, "$")
    assert (bound, total, d) == (0, 0, 1) and reduced == [core.paper_bell_coefficients().get(j, 0)
                                                          for j in range(256)]


def test_value_function_with_an_offset():
    # Shift C by 1 on the block u = 00 of CHSH (C.P grows by exactly 1) and the offset by 1:
    # the same value function, with each certificate's normalisation multiplier of u = 00
    # lowered by its slope. Every offset term of the core is then exercised.
    document = json.loads(CHSH.read_text())
    coefficients = dict((j, Fraction(v)) for j, v in document["expression"]["coefficients"])
    for j in range(4):
        coefficients[j] = coefficients.get(j, 0) + 1
    document["expression"]["name"] = "chsh-shifted"
    document["expression"]["coefficients"] = [[j, str(v)] for j, v in sorted(coefficients.items()) if v]
    document["penalty"]["offset"] = "1"
    if "ns_optimum" in document:  # the proof of the offset: C.P >= 1, attained by the same witness
        document["ns_optimum"].update(value="1", certificate={"bound": "-1", "multipliers": [[0, "-1"]]})
    for piece in document["value_function"]["pieces"]:
        slope = Fraction(piece["slope"])
        multipliers = dict((r, Fraction(v)) for r, v in piece["certificate"]["multipliers"])
        multipliers[0] = multipliers.get(0, 0) - slope
        piece["certificate"] = {"bound": str(Fraction(piece["certificate"]["bound"]) - slope),
                                "multipliers": [[r, str(v)] for r, v in sorted(multipliers.items()) if v]}
    statement = checker_expressions.check_expression_bound(copy.deepcopy(document), "c.json")
    assert statement["penalty"] == (1, 1)
    assert statement["breakpoints"] == checker_expressions.check_expression_bound(
        json.loads(CHSH.read_text()), "c.json")["breakpoints"]
    with pytest.raises(core.NotProven, match=r"pieces\[0\]: certificate bound \S+ \+ slope \* offset 2 differs"):
        core.check_value_function(document["value_function"], statement["index"], "c.json",
                                  statement["shape"], (1, {j: int(c) for j, c in coefficients.items() if c}), 2)
    document["value_function"]["breakpoints"][0]["witness"] = document["value_function"]["breakpoints"][1][
        "witness"]
    with pytest.raises(core.NotProven, match=r"breakpoints\[0\].witness: C.W - offset = 1 \(needs <= 0\)"):
        checker_expressions.check_expression_bound(document, "c.json")


def test_show_cuts_long_values():
    assert core.show("ab") == "'ab'"
    assert core.show([1, 2]) == "[1, 2]"
    assert core.show("x" * 100) == "'" + "x" * 56 + "..."
    assert len(core.show(list(range(100)))) == 60
    assert core.show("x" * 58) == "'" + "x" * 58 + "'"
    assert core.show("x" * 59) == "'" + "x" * 56 + "..."  # 61 characters: cut


def test_value_function_messages_name_the_last_piece_and_the_piece_limit():
    document = json.loads(MERMIN5.read_text())
    pieces = document["value_function"]["pieces"]
    pieces[-1]["slope"] = str(Fraction(pieces[-2]["slope"]) / 2)
    with pytest.raises(core.NotProven, match=f"found slope {pieces[-1]['slope']}$"):
        checker_expressions.check_expression_bound(document, "m.json")
    value_function = {"breakpoints": [{"bell_value": "0", "value": "0", "witness": []}] * 4096,
                      "pieces": [{"constant": "0", "slope": "0", "certificate": {}}] * 4097}
    with pytest.raises(core.Malformed, match=r"pieces: expected an array of 1\.\.4096 entries"):
        core.check_value_function(value_function, 0, "$")


def test_one_piece_value_function():
    document = _doc()
    value_function = document["value_function"]
    value_function["breakpoints"], value_function["pieces"] = value_function["breakpoints"][1:], value_function[
        "pieces"][1:]
    value_function["breakpoints"][0]["bell_value"] = "0"
    with pytest.raises(core.NotProven, match=r"pieces\[0\]: 1 \+ 0 \* 0 = 1, not v_0 = 1|breakpoints\[0\]"):
        _check(document)
    value_function["pieces"][0]["slope"] = "-1"
    with pytest.raises(core.Malformed, match="slopes must be >= 0"):
        _check(document)


def test_longest_canonical_rational_is_accepted():
    text = "-" + str(10 ** 4299 + 1) + "/" + str(10 ** 4299 + 2)  # 8,602 characters, coprime
    assert len(text) == 2 * core.MAX_DIGITS + 2
    assert core.parse_rational(text, "$") == (-(10 ** 4299 + 1), 10 ** 4299 + 2)
    with pytest.raises(core.Malformed, match="expected a canonical rational"):
        core.parse_rational(text + "1", "$")


def test_error_classes_carry_their_exit_codes():
    assert (core.CheckError("x").exit_code, core.Malformed("x").exit_code, core.NotProven("x").exit_code) == (2, 2, 1)


def test_target_index_beyond_the_small_integers():
    shape = ((3, 3, 3), (3, 3, 3))
    assert core.check_target({"setting": "222", "outcome": "222", "index": int("728")}, shape, "$") == (
        "222", "222", 728)


def test_rows_when_outcome_tuples_are_not_a_power_of_two():
    rows, normalisation = core.no_signalling_rows((3, 2), (2, 3))
    assert rows[1] == tuple((6 + o, 1) for o in range(6))  # u = (0, 1): columns 6..11
    assert rows[5] == tuple((30 + o, 1) for o in range(6))


def test_slacks_use_each_coefficient_once():
    _, _, d, reduced = core.dual_slacks({"bound": "0", "multipliers": []}, Fraction(1), None, "$",
                                        penalty=(1, {0: 2, 5: 3}))
    assert d == 1 and (reduced[0], reduced[5], reduced[1]) == (2, 3, 0)


def test_common_denominator_of_exactly_the_limit_is_accepted():
    limit = 2 ** (core.MAX_DENOMINATOR_BITS - 1)  # bit length exactly MAX_DENOMINATOR_BITS
    assert core.sparse([[0, "1"]], 4, "$", extra=limit) == (limit, {0: limit})
    with pytest.raises(core.Malformed, match="common denominator"):
        core.sparse([[0, "1"]], 4, "$", extra=2 * limit)


def test_signalling_box_names_the_no_signalling_row():
    # Two parties: x = 00 everywhere except x = 10 at u = 01 (party 0 answers party 1's setting).
    box = [[s * 4 + (2 if s == 1 else 0), "1"] for s in range(4)]
    with pytest.raises(core.NotProven, match=r"^\$: row 8 \(no-signalling\) gives -1, expected 0$"):
        core.check_box(box, None, "$", ((2, 2), (2, 2)), (1, {}))
    with pytest.raises(core.NotProven, match=r"^\$: row 1 \(normalisation\) gives 0, expected 1$"):
        core.check_box([[0, "1"]], None, "$", ((2, 2), (2, 2)), (1, {}))


def test_token_limit_is_exact():
    limit = 1_000_000  # the documented number (docs/certificate-format.md), not core.MAX_TOKENS
    exactly = "[" + "0," * (limit - 2) + "0]"  # limit - 2 commas and two brackets
    assert len(core.loads_strict(exactly, "t")) == limit - 1
    with pytest.raises(core.Malformed, match=f"{limit + 1} JSON tokens"):
        core.loads_strict("[" + "0," * (limit - 1) + "0]", "t")


def test_objects_with_many_keys_parse():
    document = core.loads_strict(json.dumps({f"k{i}": i for i in range(300)}), "t")
    assert len(document) == 300 and document["k299"] == 299


def test_a_slack_of_minus_one_over_d_is_refused():
    # Slope 1, C = 0, target 0 in a 2-party scenario: 1/2 on the normalisation row of u = 00
    # leaves s_0 = 1/2 - 1 = -1/2, which is -1 in units of 1/d (d = 2).
    certificate = {"bound": "1/2", "multipliers": [[0, "1/2"]]}
    with pytest.raises(core.NotProven, match="s_0 = -1/2 < 0"):
        core.check_inequality(certificate, Fraction(1), 0, "$", ((2, 2), (2, 2)), (1, {}))


def test_first_no_signalling_row_is_named_as_such():
    # Party 1 answers party 0's setting: the first row of party 0 (row 4 = the number of
    # normalisation rows) is violated first.
    box = [[0, "1"], [4, "1"], [9, "1"], [13, "1"]]
    with pytest.raises(core.NotProven, match=r"^\$: row 4 \(no-signalling\) gives -1, expected 0$"):
        core.check_box(box, None, "$", ((2, 2), (2, 2)), (1, {}))


def test_equal_lengths_above_256_pass_the_length_check():
    # 300 breakpoints and 300 pieces: the lengths are equal but are distinct int objects,
    # so an identity comparison in place of != would refuse them at the length check.
    points = [{"bell_value": "0", "value": "0", "witness": []} for _ in range(300)]
    lines = [{"constant": "0", "slope": "0", "certificate": {}} for _ in range(300)]
    with pytest.raises(core.Malformed, match="bell_value must start at 0 and increase strictly"):
        core.check_value_function({"breakpoints": points, "pieces": lines}, 24, "f.json.value_function")
    with pytest.raises(core.Malformed, match="300 breakpoints need as many pieces, found 301"):
        core.check_value_function({"breakpoints": points, "pieces": lines + lines[:1]}, 24, "f.json.value_function")
