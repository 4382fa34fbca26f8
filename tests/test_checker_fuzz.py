"""Mutation fuzzing of the trusted checker against the builder's own exact check.

Each mutation perturbs one valid certificate (a multiplier, an index, a claimed
bound, the scenario, a Bell coefficient, a breakpoint, a witness entry, a
type; or drops, duplicates or swaps entries of a sparse vector). For every
mutation:

* the checker returns or raises :class:`certify.checker.core.CheckError`, nothing else;
* a mutation that tightens a claimed bound is rejected;
* the verdict (accepted or rejected) equals that of the reference
  ``certify.builder.verify.verify_lemma11_document`` (the builder's check).

``benchmarks/fuzz_checker.py`` runs the same mutations at scale.
"""

from __future__ import annotations

import copy
import json
import random
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certify.checker import core as checker
from certify.checker import dispatch as checker_dispatch

VALID = sorted((Path(__file__).resolve().parent / "certificates" / "valid").glob("*.json"))
SIZES = {"coefficients": 256, "witness": 256, "multipliers": 272}


def sparse_locations(document) -> list[tuple]:
    """JSON paths of every sparse vector of an output-bound document."""
    locations = [("expression", "coefficients"), ("paper_claim", "certificate", "multipliers"),
                 ("paper_claim", "witness")]
    value_function = document.get("value_function", {})
    for i in range(len(value_function.get("pieces", []))):
        locations.append(("value_function", "pieces", i, "certificate", "multipliers"))
    for i in range(len(value_function.get("breakpoints", []))):
        locations.append(("value_function", "breakpoints", i, "witness"))
    return locations


def _get(document, path):
    for key in path:
        document = document[key]
    return document


def _small_fraction(rng: random.Random) -> Fraction:
    value = Fraction(rng.randint(-12, 12), rng.choice([1, 2, 3, 4, 5, 7, 10, 1000, 10**9]))
    return value or Fraction(1, 10**6)


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,))
    else:
        yield path


def mutate(document: dict, rng: random.Random) -> tuple[dict, str, bool]:
    """One random mutation: (new document, description, tightens a claimed bound)."""
    d = copy.deepcopy(document)
    kind = rng.choice(["multiplier", "multiplier", "index", "drop", "duplicate", "swap",
                       "tighten", "tighten", "loosen", "scenario", "bell", "breakpoint",
                       "witness", "slope", "type", "keys"])
    locations = sparse_locations(d)
    if kind in ("multiplier", "index", "drop", "duplicate", "swap", "witness", "bell"):
        if kind == "multiplier":
            candidates = [p for p in locations if p[-1] == "multipliers"]
        elif kind == "witness":
            candidates = [p for p in locations if p[-1] == "witness"]
        elif kind == "bell":
            candidates = [("expression", "coefficients")]
        else:
            candidates = locations
        path = rng.choice(candidates)
        vector = _get(d, path)
        if not vector:
            return d, f"{kind} on empty {path}", False
        k = rng.randrange(len(vector))
        if kind in ("multiplier", "witness", "bell") and rng.random() < 0.8:
            old = Fraction(vector[k][1])
            new = rng.choice([old + _small_fraction(rng), -old, 2 * old, old / 3])
            if new == 0:
                del vector[k]
            else:
                vector[k][1] = str(new)
            return d, f"{kind}: {path}[{k}] value {old} -> {new}", False
        if kind in ("index", "multiplier", "witness", "bell"):
            size = SIZES[path[-1]]
            new_index = rng.choice([-1, 0, size - 1, size, size + 1, rng.randrange(size)])
            old_index = vector[k][0]
            vector[k][0] = new_index
            return d, f"index: {path}[{k}] {old_index} -> {new_index}", False
        if kind == "drop":
            del vector[k]
            return d, f"drop: {path}[{k}]", False
        if kind == "duplicate":
            vector.insert(k, list(vector[k]))
            return d, f"duplicate: {path}[{k}]", False
        j = rng.randrange(len(vector))
        vector[k], vector[j] = vector[j], vector[k]
        return d, f"swap: {path}[{k}] <-> [{j}]", False
    if kind in ("tighten", "loosen"):
        sign = -1 if kind == "tighten" else 1
        delta = abs(_small_fraction(rng)) * sign
        choice = rng.randrange(3)
        if choice == 0:
            certificate = d["paper_claim"]["certificate"]
            certificate["bound"] = str(Fraction(certificate["bound"]) + delta)
            return d, f"{kind}: paper bound by {delta}", kind == "tighten"
        if choice == 1:
            d["paper_claim"]["constant"] = str(Fraction(d["paper_claim"]["constant"]) + delta)
            return d, f"{kind}: paper constant by {delta}", kind == "tighten"
        pieces = d["value_function"]["pieces"]
        i = rng.randrange(len(pieces))
        pieces[i]["constant"] = str(Fraction(pieces[i]["constant"]) + delta)
        if rng.random() < 0.7:
            pieces[i]["certificate"]["bound"] = pieces[i]["constant"]
        return d, f"{kind}: piece {i} constant by {delta}", kind == "tighten"
    if kind == "scenario":
        field = rng.choice(["parties", "settings", "outcomes"])
        if field == "parties":
            d["scenario"]["parties"] = rng.choice([3, 5, 0, -1, True])
        else:
            values = d["scenario"][field]
            values[rng.randrange(len(values))] = rng.choice([1, 3, 10, 11, 0])
        return d, f"scenario: {field} -> {d['scenario'][field]}", False
    if kind == "breakpoint":
        points = d["value_function"]["breakpoints"]
        i = rng.randrange(len(points))
        field = rng.choice(["bell_value", "value"])
        delta = _small_fraction(rng)
        points[i][field] = str(Fraction(points[i][field]) + delta)
        # Claiming a larger value at a breakpoint is a (tighter) lower bound on v.
        return d, f"breakpoint {i} {field} by {delta}", False
    if kind == "slope":
        if rng.random() < 0.5:
            d["paper_claim"]["slope"] = str(Fraction(d["paper_claim"]["slope"]) + _small_fraction(rng))
            return d, "slope: paper slope changed", False
        pieces = d["value_function"]["pieces"]
        i = rng.randrange(len(pieces))
        pieces[i]["slope"] = str(Fraction(pieces[i]["slope"]) + _small_fraction(rng))
        return d, f"slope: piece {i} changed", False
    if kind == "type":
        path = rng.choice(list(_leaves(d)))
        new = rng.choice([None, True, 1, -1, "1", "x", 0.5, [], {}, "1/2", 10**30])
        parent = _get(d, path[:-1])
        old = parent[path[-1]]
        parent[path[-1]] = new
        return d, f"type: {path} {old!r} -> {new!r}", False
    # keys
    choice = rng.randrange(4)
    if choice == 0:
        d[rng.choice(list(d))] = d.pop(rng.choice(list(d)))  # drop one key (maybe renamed)
        return d, "keys: one top-level key dropped or moved", False
    if choice == 1:
        d["extra"] = "1"
        return d, "keys: unknown field added", False
    if choice == 2:
        d["version"] = rng.choice([0, 2, "1", 1.0, True])
        return d, f"keys: version {d['version']!r}", False
    d["format"] = rng.choice(["certify/manifest", "certify/output-bound-v2", "", None])
    return d, f"keys: format {d['format']!r}", False


def checker_verdict(document) -> str:
    """'ok', 'not proven' or 'malformed', from the checker on the serialised document."""
    try:
        text = json.dumps(document)
    except (TypeError, ValueError):
        return "malformed"
    try:
        checker_dispatch.check_document(checker.loads_strict(text, "mutant.json"), "mutant.json")
    except checker.NotProven:
        return "not proven"
    except checker.Malformed:
        return "malformed"
    return "ok"


def reference_verdict(document) -> str:
    """'ok', 'not proven', 'malformed' from the builder's verify_lemma11_document, or
    'crash: <exception>' for anything else it raises."""
    from certify.builder.verify import verify_lemma11_document
    from certify.errors import ClaimNotProven, InputError
    try:
        verify_lemma11_document(copy.deepcopy(document))
    except ClaimNotProven:
        return "not proven"
    except InputError:
        return "malformed"
    except Exception as error:  # noqa: BLE001 - a crash of the reference is data, not a test error
        return f"crash: {type(error).__name__}: {error}"
    return "ok"


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_unmutated_certificates_are_accepted(path):
    assert checker_verdict(_load(path)) == "ok"


@pytest.mark.slow
@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, 100))
def test_mutations_never_crash_and_tightened_bounds_are_rejected(seed, which):
    base = _load(VALID[which % len(VALID)])
    mutant, description, tightens = mutate(base, random.Random(seed))
    verdict = checker_verdict(mutant)  # raises (fails the test) on anything but CheckError
    if tightens:
        assert verdict != "ok", description


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, 100))
def test_mutations_agree_with_the_builder_reference(seed, which):
    pytest.importorskip("certify.builder.lemma11")
    base = _load(VALID[which % len(VALID)])
    mutant, description, _ = mutate(base, random.Random(seed))
    ours, reference = checker_verdict(mutant), reference_verdict(mutant)
    assert not reference.startswith("crash"), f"{description}: reference {reference}"
    assert (ours == "ok") == (reference == "ok"), f"{description}: checker {ours}, reference {reference}"


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 4))
def test_text_level_edits_never_crash(seed, edits):
    """Random byte edits of a valid file: the checker answers, or raises CheckError."""
    rng = random.Random(seed)
    data = bytearray(VALID[seed % len(VALID)].read_bytes())
    for _ in range(edits):
        position = rng.randrange(len(data))
        action = rng.randrange(3)
        byte = rng.choice(b'0123456789-+./eE"[]{}:, \\\x00\xff')
        if action == 0:
            data[position] = byte
        elif action == 1:
            data.insert(position, byte)
        else:
            del data[position]
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return
    try:
        checker_dispatch.check_document(checker.loads_strict(text, "edited.json"), "edited.json")
    except checker.CheckError:
        pass


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=st.text(alphabet='[]{}",:0123456789-+.eE \\nultrasfNaIy/', max_size=300))
def test_arbitrary_json_like_text_never_crashes(text):
    try:
        checker_dispatch.check_document(checker.loads_strict(text, "t.json"), "t.json")
    except checker.CheckError:
        pass
