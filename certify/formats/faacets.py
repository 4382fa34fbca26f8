"""Read faacets' Bell-expression YAML files (a strict subset, no YAML library).

faacets (Rosset et al., faacets.com) stores a Bell expression as YAML::

    type: BellExpression
    scenario: '[(2 2) (2 2)]'
    representation: Non-signaling Collins-Gisin
    coefficients: [0, -1, 0, -1, 1, 1, 0, 1, -1]
    upper:
      bounds:
        local: 0

``scenario`` lists, per party, the number of outcomes of each setting;
``coefficients`` is a list of integers or a mapping ``{numerator: [...],
denominator: d}``. The order is faacets' documented one ("Representations" page
of the faacets documentation), which differs from certify's canonical order:

* **party 1 is the least significant** (certify: the most significant);
* probabilities ("Signaling Probabilities", "Non-signaling Probabilities"):
  per party, the outcome increments first, then the setting: index
  ``k_1 + m_1 d_1 (k_2 + m_2 d_2 (...))`` with ``k_i = a_i + d_i x_i``. A
  "Non-signaling Probabilities" vector is one full-probability representative
  of the functional (faacets' projected one), so it is read as full probabilities;
* "Non-signaling Collins-Gisin" / "Non-signaling Correlators": per party the
  list ``[1, P(0|0), ..., P(d-2|0), P(0|1), ...]`` (resp. ``[1, A(0), A(1), ...]``),
  exactly as in :mod:`certify.formats.native`, in faacets' party order.

A faacets ``BellExpression`` has no direction; an oriented one carries ``upper``
(knowledge about ``expr <= bound``: a violation maximises, so direction
``maximise``) or ``lower`` (``expr >= bound``: ``minimise``). A file with
neither or both is refused, since certify needs the direction. Only the keys
above are read; other top-level keys (``sources``, ``keywords``,
``symmetryInfo``, ...) are skipped. Anything outside the subset (anchors, tags,
block sequences for the coefficients, floats) is an :class:`InputError` naming
the line.

>>> text = '''type: BellExpression
... scenario: '[(2 2) (2 2)]'
... representation: Non-signaling Collins-Gisin
... coefficients: [0, -1, 0, -1, 1, 1, 0, 1, -1]
... lower: {}
... '''
>>> ch = parse_faacets(text, "ch.yaml", "ch")
>>> ch.direction, ch.coefficient_at("00|00"), ch.coefficient_at("11|00")
('minimise', Fraction(0, 1), Fraction(-1, 1))
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np

from certify.lp.expression import BellExpression
from certify.errors import InputError
from certify.formats.native import COLLINS_GISIN, CORRELATORS, SIGNALING, from_representation
from certify.lp.scenario import Scenario

__all__ = ["parse_faacets", "load_faacets_file", "FAACETS_REPRESENTATIONS"]

FAACETS_REPRESENTATIONS = {
    "Signaling Probabilities": SIGNALING,
    "Non-signaling Probabilities": SIGNALING,
    "Non-signaling Collins-Gisin": COLLINS_GISIN,
    "Non-signaling Correlators": CORRELATORS,
}

_KEY = re.compile(r"([A-Za-z][A-Za-z0-9_]*):(?:\s+(.*))?$")
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_SCENARIO = re.compile(r"\[\s*((?:\(\s*[0-9]+(?:\s+[0-9]+)*\s*\)\s*)+)\]")


def _top_level_entries(text: str, where: str) -> dict[str, tuple[int, str, list[str]]]:
    """``{key: (line number, inline value, indented continuation lines)}`` for the
    top-level keys; comments and blank lines dropped."""
    entries: dict[str, tuple[int, str, list[str]]] = {}
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip() or line.strip() in ("---", "..."):
            continue
        if "\t" in line[:len(line) - len(line.lstrip())]:
            raise InputError(f"{where}: line {number}: tabs are not allowed in YAML indentation")
        if line.startswith(" "):
            if current is None:
                raise InputError(f"{where}: line {number}: indented text before any key")
            entries[current][2].append(line.strip())
            continue
        match = _KEY.match(line)
        if not match:
            raise InputError(f"{where}: line {number}: expected 'key: value' at the top level "
                             f"(faacets' subset of YAML), found {line.strip()[:40]!r}")
        key = match.group(1)
        if key in entries:
            raise InputError(f"{where}: line {number}: duplicate key {key!r}")
        current = key
        entries[key] = (number, (match.group(2) or "").strip(), [])
    return entries


def _scalar(entry, key: str, where: str) -> str:
    number, value, rest = entry
    if rest or not value:
        raise InputError(f"{where}: line {number}: {key}: expected a single-line value")
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


def _integers(text: str, number: int, where: str) -> list[int]:
    """A flow sequence ``[i, j, ...]`` of integers (already joined over lines)."""
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        raise InputError(f"{where}: line {number}: expected a list [..] of integers")
    items = [item.strip() for item in text[1:-1].split(",")] if text[1:-1].strip() else []
    bad = next((item for item in items if not _INTEGER.fullmatch(item)), None)
    if bad is not None:
        raise InputError(f"{where}: line {number}: coefficients must be integers (faacets' format; use "
                         f"numerator/denominator for rationals), found {bad!r}")
    return [int(item) for item in items]


def _coefficients(entry, where: str) -> list[Fraction]:
    number, value, rest = entry
    if value:
        return [Fraction(v) for v in _integers(" ".join([value] + rest), number, where)]
    # Block mapping: numerator: [...] (possibly over several lines), denominator: d.
    parts: dict[str, str] = {}
    key = None
    for line in rest:
        match = _KEY.match(line)
        if match and match.group(1) in ("numerator", "denominator"):
            key = match.group(1)
            if key in parts:
                raise InputError(f"{where}: line {number}: coefficients.{key} given twice")
            parts[key] = match.group(2) or ""
        elif key == "numerator":
            parts[key] += " " + line
        else:
            raise InputError(f"{where}: line {number}: coefficients: expected a list or numerator/denominator, "
                             f"found {line[:40]!r}")
    if set(parts) != {"numerator", "denominator"} or not _INTEGER.fullmatch(parts["denominator"].strip()):
        raise InputError(f"{where}: line {number}: coefficients: expected numerator: [..] and a positive "
                         f"integer denominator")
    denominator = int(parts["denominator"])
    if denominator <= 0:
        raise InputError(f"{where}: line {number}: coefficients.denominator must be positive")
    return [Fraction(v, denominator) for v in _integers(parts["numerator"], number, where)]


def _scenario(text: str, number: int, where: str) -> Scenario:
    match = _SCENARIO.fullmatch(text.strip())
    if not match:
        raise InputError(f"{where}: line {number}: scenario: expected faacets' form '[(d d) (d d d) ...]' "
                         f"(per party, the outcomes of each setting), found {text[:40]!r}")
    parties = [[int(v) for v in group.split()] for group in re.findall(r"\(([^)]*)\)", match.group(1))]
    for i, outcomes in enumerate(parties):
        if len(set(outcomes)) != 1 or outcomes[0] < 1:
            raise InputError(f"{where}: line {number}: scenario: party {i + 1} has outcome counts {outcomes}; "
                             f"certify needs the same number (>= 1) at every setting of a party")
    return Scenario(tuple(len(p) for p in parties), tuple(p[0] for p in parties))


def _reordered(values: list[Fraction], scenario: Scenario, representation: str) -> list[Fraction]:
    """faacets' order (party 1 least significant) to certify's (party 1 most significant)."""
    n = scenario.num_parties
    if representation == SIGNALING:
        # faacets axes, slowest first: (m_n, d_n, ..., m_1, d_1); party i at 2 (n - 1 - i).
        shape = [size for i in reversed(range(n)) for size in (scenario.settings[i], scenario.outcomes[i])]
        order = [2 * (n - 1 - i) for i in range(n)] + [2 * (n - 1 - i) + 1 for i in range(n)]
    else:
        local = [1 + m * (d - 1) if representation == COLLINS_GISIN else 1 + m
                 for m, d in zip(scenario.settings, scenario.outcomes)]
        shape = list(reversed(local))
        order = list(reversed(range(n)))
    if len(values) != int(np.prod(shape)):
        raise InputError(f"coefficients: expected {int(np.prod(shape))} values for this scenario and "
                         f"representation, found {len(values)}")
    return np.array(values, dtype=object).reshape(shape).transpose(order).reshape(-1).tolist()


def parse_faacets(text: str, where: str, name: str) -> BellExpression:
    """The Bell expression of a faacets YAML text (see the module docstring)."""
    entries = _top_level_entries(text, where)
    for key in ("type", "scenario", "representation", "coefficients"):
        if key not in entries:
            raise InputError(f"{where}: missing key {key!r} (a faacets BellExpression needs type, scenario, "
                             f"representation, coefficients)")
    if _scalar(entries["type"], "type", where) != "BellExpression":
        raise InputError(f"{where}: type: expected BellExpression")
    scenario = _scenario(_scalar(entries["scenario"], "scenario", where), entries["scenario"][0], where)
    representation_name = _scalar(entries["representation"], "representation", where)
    if representation_name not in FAACETS_REPRESENTATIONS:
        raise InputError(f"{where}: representation: expected one of {sorted(FAACETS_REPRESENTATIONS)}, "
                         f"found {representation_name!r}")
    representation = FAACETS_REPRESENTATIONS[representation_name]
    orientation = [key for key in ("upper", "lower") if key in entries]
    if len(orientation) != 1:
        raise InputError(f"{where}: a faacets BellExpression has no direction; certify needs exactly one of "
                         f"'upper:' (expr <= bound, violations maximise) or 'lower:' (expr >= bound), found "
                         f"{orientation or 'neither'}")
    direction = "maximise" if orientation == ["upper"] else "minimise"
    try:
        values = _reordered(_coefficients(entries["coefficients"], where), scenario, representation)
        return from_representation(name, scenario, direction, representation, values)
    except InputError as error:
        raise InputError(f"{where}: {error}") from None


def load_faacets_file(path) -> BellExpression:
    """Read a faacets ``.yaml`` file (UTF-8); the expression is named after the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read ({error})") from None
    name = re.sub(r"[^A-Za-z0-9_-]", "-", path.stem)[:64] or "faacets"
    return parse_faacets(text, str(path), name)
