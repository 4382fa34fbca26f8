"""Regenerate the invalid/ and malformed/ fixtures from one valid certificate.

Usage (from the repository root)::

    /work/venv/bin/python tests/certificates/make_fixtures.py

Every file written is a test by itself (tests/test_checker.py): files in
``invalid/`` are well-formed but claim something that does not follow
(exit 1), files in ``malformed/`` are not the format (exit 2). The base file
is ``valid/u0001-x1000.json`` (a copy of the committed certificate); each
mutation is named after what it breaks. Deterministic: no randomness.
"""

from __future__ import annotations

import copy
import json
import os
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "valid", "u0001-x1000.json")


def _write(folder: str, name: str, content) -> None:
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    path = os.path.join(HERE, folder, name)
    data = content if isinstance(content, (str, bytes)) else json.dumps(content, indent=1)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as handle:
        handle.write(data)


def _shift(text: str, delta: Fraction) -> str:
    return str(Fraction(text) + delta)


def invalid_documents(document: dict) -> dict[str, dict]:
    """Well-formed documents whose claim must be rejected (name -> document)."""
    out = {}

    def variant(name):
        out[name] = copy.deepcopy(document)
        return out[name]

    claim = document["paper_claim"]
    d = variant("paper-bound-lowered.json")
    d["paper_claim"]["certificate"]["bound"] = _shift(claim["certificate"]["bound"], Fraction(-1, 100))
    # Lowered bound made consistent with the normalisation sum: the reduced
    # costs must then fail instead.
    d = variant("paper-bound-lowered-consistently.json")
    certificate = d["paper_claim"]["certificate"]
    certificate["bound"] = _shift(certificate["bound"], Fraction(-1, 100))
    norm = next(entry for entry in certificate["multipliers"] if entry[0] < 16)
    norm[1] = _shift(norm[1], Fraction(-1, 100))
    if norm[1] == "0":
        certificate["multipliers"].remove(norm)
    d = variant("multiplier-sign-flipped.json")
    entry = next(e for e in d["paper_claim"]["certificate"]["multipliers"] if e[0] >= 16)
    entry[1] = str(-Fraction(entry[1]))
    d = variant("witness-off-by-epsilon.json")
    d["paper_claim"]["witness"][0][1] = _shift(d["paper_claim"]["witness"][0][1], Fraction(1, 1000))
    d = variant("witness-negative-entry.json")
    d["paper_claim"]["witness"][0][1] = "-" + d["paper_claim"]["witness"][0][1]
    d = variant("expression-coefficient-changed.json")
    d["expression"]["coefficients"][0][1] = "2"
    d = variant("expression-coefficient-dropped.json")
    d["expression"]["coefficients"].pop()
    d = variant("value-function-missing-breakpoint.json")
    d["value_function"]["breakpoints"].pop()
    d["value_function"]["pieces"].pop()
    d = variant("value-function-last-slope-not-zero.json")
    d["value_function"]["pieces"][-1]["slope"] = "1/1000"
    d = variant("value-function-piece-constant-lowered.json")
    piece = d["value_function"]["pieces"][0]
    piece["constant"] = _shift(piece["constant"], Fraction(-1, 100))
    piece["certificate"]["bound"] = piece["constant"]
    d = variant("value-function-breakpoint-value-raised.json")
    point = d["value_function"]["breakpoints"][-1]
    point["value"] = _shift(point["value"], Fraction(1, 100))
    d = variant("value-function-breakpoint-moved.json")
    point = d["value_function"]["breakpoints"][-1]
    point["bell_value"] = _shift(point["bell_value"], Fraction(-1, 10))
    d = variant("value-function-witness-swapped.json")
    points = d["value_function"]["breakpoints"]
    points[0]["witness"], points[-1]["witness"] = points[-1]["witness"], points[0]["witness"]
    return out


def malformed_texts(text: str, document: dict) -> dict[str, str | bytes]:
    """Texts that are not valid version-1 files (name -> content)."""
    out: dict[str, str | bytes] = {}

    def replaced(old, new):
        assert old in text, old
        return text.replace(old, new, 1)

    constant = '"constant": "1/3"'
    for name, bad in [("unreduced-2-6", '"2/6"'), ("leading-space", '" 1/3"'),
                      ("exponent-string", '"1e3"'), ("underscore", '"1_000"'),
                      ("plus-sign", '"+1"'), ("minus-zero", '"-0"'), ("one-over-one", '"1/1"'),
                      ("decimal-string", '"0.5"'), ("negative-denominator", '"1/-3"'),
                      ("leading-zero", '"01/3"'), ("trailing-space", '"1/3 "'),
                      ("unicode-digit", '"\\u0661/3"'), ("json-float", "0.5"),
                      ("json-integer-rational", "1"), ("nan", "NaN"), ("infinity", "Infinity"),
                      ("denominator-zero", '"1/0"')]:
        out[f"rational-{name}.json"] = replaced(constant, f'"constant": {bad}')
    out["version-float.json"] = replaced('"version": 1', '"version": 1.0')
    out["version-string.json"] = replaced('"version": 1', '"version": "1"')
    out["version-true.json"] = replaced('"version": 1', '"version": true')
    out["version-2.json"] = replaced('"version": 1', '"version": 2')
    out["format-unknown.json"] = replaced('"certify/output-bound"', '"certify/output-bounds"')
    out["duplicate-key.json"] = replaced('"version": 1', '"version": 1, "version": 1')
    out["exponent-integer.json"] = replaced('"index": 24', '"index": 2.4e1')
    out["minus-zero-index.json"] = replaced('"version": 1', '"version": -0')
    out["broken-json.json"] = text[: len(text) // 2]
    out["empty.json"] = ""
    out["not-utf8.json"] = text.encode("utf-8").replace(b'"paper"', b'"pap\xff"', 1)
    out["top-level-array.json"] = "[" + text + "]"
    out["deep-nesting.json"] = "[" * 100_000 + "]" * 100_000
    out["million-digit-integer.json"] = replaced('"index": 24', '"index": ' + "9" * 1_000_000)
    out["long-rational.json"] = replaced(constant, '"constant": "1/' + "3" * 5000 + '"')
    out["trailing-garbage.json"] = text + "x"

    def mutated(change) -> str:
        d = copy.deepcopy(document)
        change(d)
        return json.dumps(d, indent=1)

    # Found by the fuzzer: an unhashable "format" crashed the lookup in the known formats.
    out["format-object.json"] = mutated(lambda d: d.update(format={"a": 1}))
    out["format-array.json"] = mutated(lambda d: d.update(format=["certify/output-bound"]))
    out["unknown-field.json"] = mutated(lambda d: d.update(comment="hello"))
    out["missing-field.json"] = mutated(lambda d: d.pop("value_function"))
    out["scenario-three-parties.json"] = mutated(
        lambda d: d.update(scenario={"parties": 3, "settings": [2, 2, 2], "outcomes": [2, 2, 2]}))
    out["scenario-three-settings.json"] = mutated(
        lambda d: d["scenario"].update(settings=[3, 2, 2, 2]))
    out["scenario-bool.json"] = mutated(lambda d: d["scenario"].update(parties=True))
    out["expression-other-name.json"] = mutated(lambda d: d["expression"].update(name="mermin"))
    out["expression-maximise.json"] = mutated(lambda d: d["expression"].update(direction="maximise"))
    # The claim of eq. (42) and the shape of the value function are fixed by the format.
    out["paper-constant-stronger-than-lemma.json"] = mutated(lambda d: d["paper_claim"].update(constant="1/4"))
    out["paper-slope-changed.json"] = mutated(lambda d: d["paper_claim"].update(slope="1/3"))
    out["value-function-missing-piece.json"] = mutated(lambda d: d["value_function"]["pieces"].pop())
    out["value-function-slopes-increasing.json"] = mutated(lambda d: d["value_function"]["pieces"].reverse())
    out["value-function-first-breakpoint-not-zero.json"] = mutated(
        lambda d: d["value_function"]["breakpoints"][0].update(bell_value="1/1000"))
    out["target-index-mismatch.json"] = mutated(lambda d: d["target"].update(index=25))
    out["target-index-out-of-range.json"] = mutated(lambda d: d["target"].update(index=256))
    out["target-setting-digit-2.json"] = mutated(lambda d: d["target"].update(setting="0002"))
    out["target-setting-short.json"] = mutated(lambda d: d["target"].update(setting="001"))
    out["multiplier-row-out-of-range.json"] = mutated(
        lambda d: d["paper_claim"]["certificate"]["multipliers"].append([272, "1"]))
    out["multiplier-row-negative.json"] = mutated(
        lambda d: d["paper_claim"]["certificate"]["multipliers"].insert(0, [-1, "1"]))
    out["multiplier-index-bool.json"] = mutated(
        lambda d: d["paper_claim"]["certificate"]["multipliers"].insert(0, [False, "1"]))
    out["multipliers-reordered.json"] = mutated(
        lambda d: d["paper_claim"]["certificate"]["multipliers"].reverse())
    out["multiplier-duplicated.json"] = mutated(
        lambda d: d["paper_claim"]["certificate"]["multipliers"].insert(
            0, d["paper_claim"]["certificate"]["multipliers"][0]))
    out["multiplier-zero.json"] = mutated(
        lambda d: d["paper_claim"]["certificate"]["multipliers"][0].__setitem__(1, "0"))
    out["multiplier-triple.json"] = mutated(
        lambda d: d["paper_claim"]["certificate"]["multipliers"][0].append("1"))
    out["witness-index-out-of-range.json"] = mutated(lambda d: d["paper_claim"]["witness"].append([256, "1"]))
    out["breakpoints-empty.json"] = mutated(lambda d: d["value_function"].update(breakpoints=[], pieces=[]))
    out["pieces-not-array.json"] = mutated(lambda d: d["value_function"].update(pieces={}))
    return out


def main() -> None:
    with open(BASE) as handle:
        text = handle.read()
    document = json.loads(text)
    for name, variant in invalid_documents(document).items():
        _write("invalid", name, variant)
    for name, content in malformed_texts(text, document).items():
        _write("malformed", name, content)
    # A symbolic link to a valid file: refused because it is a link (git stores links).
    link = os.path.join(HERE, "malformed", "symbolic-link.json")
    if not os.path.islink(link):
        os.symlink(os.path.join("..", "valid", os.path.basename(BASE)), link)


if __name__ == "__main__":
    main()
