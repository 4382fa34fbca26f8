"""Facets of the local polytope of a scenario, computed and checked exactly.

The local polytope is the convex hull of the deterministic boxes
``P(x|u) = prod_i [x_i = f_i(u_i)]``. In Collins-Gisin coordinates (per party
``[1, P(0|0), ..., P(d-2|0), P(0|1), ...]``, the tensor product over parties,
the leading 1 dropped; :mod:`certify.formats.native`) it is full-dimensional, of
dimension ``D = prod_i (m_i (d_i - 1) + 1) - 1``. Its facets are computed by
reverse search with lrs (Debian package ``lrslib``; exact rationals) or, as a
second method, by double description with pycddlib in GMP arithmetic (the
optional extra ``catalogue``). Neither answer is trusted: every facet is
checked by :func:`check_facet` (valid on every deterministic box, tight on an
affinely independent set of ``D`` of them, by exact rank), and a facet list has
no small certificate of completeness, so counts are cross-checked by a second
method instead.

Scenario syntax (:func:`parse_scenario`): one ``MxD`` per party joined by
``-`` (``M`` settings, ``D`` outcomes; a bare ``M`` means two outcomes), or a
name: ``chsh`` = ``2x2-2x2``, ``i3322`` = ``3x2-3x2``, ``cglmp`` = ``2x3-2x3``,
``tripartite`` = ``2x2-2x2-2x2``.

>>> scenario = parse_scenario("chsh")
>>> scenario_spec(scenario), local_dimension(scenario)
('2x2-2x2', 8)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from fractions import Fraction
from itertools import product
from math import gcd, lcm, prod
from pathlib import Path

from certify.errors import InputError
from certify.lp.scenario import Scenario

__all__ = ["NAMED_SCENARIOS", "parse_scenario", "scenario_spec", "local_dimension", "deterministic_strategies",
           "deterministic_box", "collins_gisin_point", "facets_lrs", "facets_cdd", "check_facet",
           "lrs_available", "cdd_available", "facet_from_collins_gisin", "collins_gisin_columns", "primitive_integers"]

NAMED_SCENARIOS = {"chsh": "2x2-2x2", "i3322": "3x2-3x2", "cglmp": "2x3-2x3", "tripartite": "2x2-2x2-2x2"}
_PARTY = re.compile(r"([1-9])(?:x([2-9]))?")


def parse_scenario(text: str) -> Scenario:
    """The scenario of a spec such as ``2x3-2x3``, ``3-3`` or ``tripartite``.

    >>> parse_scenario("3-3")
    Scenario(settings=(3, 3), outcomes=(2, 2))
    """
    spec = NAMED_SCENARIOS.get(text.strip().lower(), text.strip()) if isinstance(text, str) else ""
    parts = spec.split("-")
    matches = [_PARTY.fullmatch(part) for part in parts]
    if not spec or not all(matches) or not 2 <= len(parts) <= 4:
        raise InputError(f"--scenario: expected 2 to 4 parties 'MxD' joined by '-' (M settings 1..9, D outcomes "
                         f"2..9; 'M' alone means D = 2), or one of {sorted(NAMED_SCENARIOS)}; found {text!r}")
    return Scenario(tuple(int(m.group(1)) for m in matches), tuple(int(m.group(2) or 2) for m in matches))


def scenario_spec(scenario: Scenario) -> str:
    """The canonical spec ``M1xD1-M2xD2-...`` (also the catalogue folder name)."""
    return "-".join(f"{m}x{d}" for m, d in zip(scenario.settings, scenario.outcomes))


def local_dimension(scenario: Scenario) -> int:
    """``prod_i (m_i (d_i - 1) + 1) - 1``, the dimension of the local polytope."""
    return prod(m * (d - 1) + 1 for m, d in zip(scenario.settings, scenario.outcomes)) - 1


def deterministic_strategies(scenario: Scenario) -> list[tuple[tuple[int, ...], ...]]:
    """Every deterministic strategy ``((f_1(0), f_1(1), ...), (f_2(0), ...), ...)``,
    canonical order (party 1 most significant, setting 0 most significant)."""
    per_party = [list(product(range(d), repeat=m)) for m, d in zip(scenario.settings, scenario.outcomes)]
    return list(product(*per_party))


def deterministic_box(scenario: Scenario, strategy) -> list[int]:
    """The 0/1 full probability vector of a deterministic strategy."""
    box = [0] * scenario.num_probabilities
    for u in scenario.setting_tuples:
        box[scenario.index(u, tuple(f[ui] for f, ui in zip(strategy, u)))] = 1
    return box


def collins_gisin_point(scenario: Scenario, strategy) -> list[int]:
    """Collins-Gisin coordinates (without the leading 1) of a deterministic strategy."""
    local = []
    for f, m, d in zip(strategy, scenario.settings, scenario.outcomes):
        local.append([1] + [int(f[u] == a) for u in range(m) for a in range(d - 1)])
    return [prod(values) for values in product(*local)][1:]


def collins_gisin_columns(scenario: Scenario) -> list[dict[int, int]]:
    """For each Collins-Gisin coordinate k (0 the constant 1, then the order of
    :func:`collins_gisin_point`), a full-probability vector ``{index: 1}`` equal to it on every
    normalised no-signalling box: the marginal ``P(a_S|s_S)`` with the other parties' settings 0
    and their outcomes summed over (the constant: the normalisation of setting tuple 0...0)."""
    local = [[None] + [(u, a) for u in range(m) for a in range(d - 1)]
             for m, d in zip(scenario.settings, scenario.outcomes)]
    columns = []
    for options in product(*local):
        setting = tuple(0 if o is None else o[0] for o in options)
        outcome_ranges = [range(d) if o is None else (o[1],) for o, d in zip(options, scenario.outcomes)]
        columns.append({scenario.index(setting, x): 1 for x in product(*outcome_ranges)})
    return columns


def facet_from_collins_gisin(scenario: Scenario, constant, coefficients) -> list[Fraction]:
    """Full-probability coefficients F with ``F.P = constant + c.p_CG`` on every normalised
    no-signalling box (see :func:`collins_gisin_columns`)."""
    full = [Fraction(0)] * scenario.num_probabilities
    for value, column in zip([constant] + list(coefficients), collins_gisin_columns(scenario)):
        if value:
            for j in column:
                full[j] += Fraction(value)
    return full


def primitive_integers(values) -> list[int]:
    """Rationals scaled to coprime integers with the same ratios (all zeros stay zeros)."""
    values = [Fraction(v) for v in values]
    scale = lcm(*(v.denominator for v in values)) if values else 1
    numbers = [int(v * scale) for v in values]
    divisor = 0
    for n in numbers:
        divisor = gcd(divisor, n)
    return [n // divisor for n in numbers] if divisor else numbers


def lrs_available() -> bool:
    return shutil.which("lrs") is not None


def cdd_available() -> bool:
    try:
        import cdd.gmp  # noqa: F401  (optional extra 'catalogue')
    except ImportError:
        return False
    return True


def facets_lrs(scenario: Scenario, timeout: float | None = None) -> list[tuple[int, ...]]:
    """The facets ``b + c.p_CG >= 0`` as primitive integer tuples ``(b, c_1, ..., c_D)``
    (sorted), by lrs on the deterministic points in Collins-Gisin coordinates."""
    if not lrs_available():
        raise InputError("lrs not found: install Debian's lrslib (apt-get install lrslib)")
    points = [collins_gisin_point(scenario, s) for s in deterministic_strategies(scenario)]
    dimension = len(points[0])
    text = "local\nV-representation\nbegin\n" + f"{len(points)} {dimension + 1} rational\n"
    text += "".join("1 " + " ".join(map(str, p)) + "\n" for p in points) + "end\n"
    with tempfile.TemporaryDirectory(prefix="certify-lrs-") as folder:
        source = Path(folder) / "local.ext"
        source.write_text(text)
        result = subprocess.run(["lrs", str(source)], capture_output=True, text=True, timeout=timeout,
                                check=False)
    if result.returncode != 0:
        raise InputError(f"lrs failed (exit {result.returncode}): {result.stderr.strip()[:300]}")
    facets, inside = set(), False
    for line in result.stdout.splitlines():
        words = line.split()
        if words[:1] == ["begin"]:
            inside = True
            continue
        if words[:1] == ["end"]:
            inside = False
        if not inside or not words or not re.fullmatch(r"-?[0-9]+(/[0-9]+)?", words[0]):
            continue
        if len(words) != dimension + 1:
            continue  # the "***** d+1 rational" header
        facets.add(tuple(primitive_integers(words)))
    if "linearity" in result.stdout:
        raise InputError("lrs reported a linearity: the points are not full-dimensional")
    return sorted(facets)


def facets_cdd(scenario: Scenario) -> list[tuple[int, ...]]:
    """The same list as :func:`facets_lrs`, by double description (pycddlib, GMP rationals)."""
    if not cdd_available():
        raise InputError("pycddlib is not installed: pip install -c constraints.txt -e '.[catalogue]'")
    import cdd.gmp

    points = [collins_gisin_point(scenario, s) for s in deterministic_strategies(scenario)]
    matrix = cdd.gmp.matrix_from_array([[Fraction(1)] + [Fraction(v) for v in p] for p in points],
                                       rep_type=cdd.RepType.GENERATOR)
    polyhedron = cdd.gmp.polyhedron_from_matrix(matrix)
    inequalities = cdd.gmp.copy_inequalities(polyhedron)
    if inequalities.lin_set:
        raise InputError("cddlib reported a linearity: the points are not full-dimensional")
    return sorted({tuple(primitive_integers(row)) for row in inequalities.array})


def _rank(vectors: list[list[int]]) -> int:
    """Exact rank of integer vectors (fraction-free Gaussian elimination)."""
    rows = [list(v) for v in vectors if any(v)]
    rank, columns = 0, len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        p = rows[rank]
        for r in range(rank + 1, len(rows)):
            if rows[r][column]:
                factor = rows[r][column]
                rows[r] = [p[column] * a - factor * b for a, b in zip(rows[r], p)]
                g = 0
                for a in rows[r]:
                    g = gcd(g, a)
                if g > 1:
                    rows[r] = [a // g for a in rows[r]]
        rank += 1
    return rank


def check_facet(scenario: Scenario, coefficients, bound) -> None:
    """Raise ``ValueError`` unless ``coefficients . P >= bound`` (full probabilities) is a
    facet of the local polytope: valid on every deterministic box, some box strictly
    above, and the tight boxes affinely spanning a space of dimension ``D - 1``.

    >>> scenario = parse_scenario("chsh")
    >>> check_facet(scenario, [1] + [0] * 15, 0)  # positivity P(00|00) >= 0
    """
    boxes = [deterministic_box(scenario, s) for s in deterministic_strategies(scenario)]
    values = [sum(c * p for c, p in zip(coefficients, box) if p) for box in boxes]
    if min(values) < bound:
        raise ValueError(f"not valid: a deterministic box gives {min(values)} < {bound}")
    if min(values) > bound or max(values) == bound:
        raise ValueError("not a facet: no deterministic box is tight, or every one is")
    tight = [box for box, value in zip(boxes, values) if value == bound]
    dimension = local_dimension(scenario)
    rank = _rank([[a - b for a, b in zip(box, tight[0])] for box in tight[1:]])
    if rank != dimension - 1:
        raise ValueError(f"not a facet: the tight boxes span an affine space of dimension {rank}, "
                         f"expected {dimension - 1}")
