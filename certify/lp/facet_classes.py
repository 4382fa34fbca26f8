"""Facet classes of a local polytope up to relabelling, with a canonical form per class.

Two inequalities ``F.P >= b`` define the same face of the local polytope when they
differ by a positive factor and by normalisation and no-signalling rows (the
rewritings that do not change the value on any no-signalling box). The *normal
form* of an inequality removes those freedoms: the orthogonal projection of ``F``
onto the direction space of the no-signalling affine hull, scaled to coprime
integers (positive factor only). A relabelling (parties with equal shapes,
settings per party, outcomes per setting) permutes the probabilities and keeps the
affine hull, so it commutes with the projection: the normal form of an image is the
image of the normal form. The *canonical form* of a class is the lexicographically
least image of a member's normal form under the whole relabelling group, which the
checker re-enumerates (:mod:`certify.checker.catalogue`).

Classes are found by adjacency decomposition: from the positivity facet, the
ridges of each new class representative (facets of the facet, by pycddlib's double
description on its tight vertices) are rotated into the neighbouring facets, whose
canonical forms name their classes; the facet graph is connected, so every class is
reached. The facet count is the sum of the orbit sizes ``|G| / |stabiliser|``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import permutations, product
from math import lcm

import numpy as np

from certify.errors import InputError
from certify.lp.local_polytope import (cdd_available, collins_gisin_columns, collins_gisin_point, deterministic_box,
                                       deterministic_strategies, local_dimension, primitive_integers)
from certify.lp.scenario import Scenario
from certify.lp.symmetry import relabeling_image

__all__ = ["Geometry", "FacetClass", "relabelings", "facet_classes", "classify_facets"]


def relabelings(scenario: Scenario) -> list[dict]:
    """Every relabelling of the scenario as ``{"parties", "settings", "outcomes"}``
    (the structure of :func:`certify.lp.symmetry.relabeling_image`), identity first."""
    n = scenario.num_parties
    shapes = list(zip(scenario.settings, scenario.outcomes))
    party_maps = [list(p) for p in permutations(range(n)) if all(shapes[p[i]] == shapes[i] for i in range(n))]
    setting_maps = list(product(*(list(map(list, permutations(range(m)))) for m in scenario.settings)))
    outcome_maps = list(product(*(list(product(*([list(map(list, permutations(range(d))))] * m)))
                                  for m, d in shapes)))
    return [{"parties": p, "settings": [list(s) for s in sigma], "outcomes": [[list(t) for t in per] for per in tau]}
            for p in party_maps for sigma in setting_maps for tau in outcome_maps]


def _primitive(values) -> tuple[int, ...]:
    return tuple(primitive_integers(values))


def _solve(matrix: list[list[Fraction]], right: list[list[Fraction]]) -> list[list[Fraction]]:
    """Exact solution X of ``matrix X = right`` (square, invertible), Gauss-Jordan."""
    n = len(matrix)
    rows = [list(matrix[i]) + list(right[i]) for i in range(n)]
    for column in range(n):
        pivot = next(r for r in range(column, n) if rows[r][column])
        rows[column], rows[pivot] = rows[pivot], rows[column]
        inverse = 1 / rows[column][column]
        rows[column] = [a * inverse for a in rows[column]]
        for r in range(n):
            if r != column and rows[r][column]:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[column])]
    return [row[n:] for row in rows]


@dataclass
class Geometry:
    """The deterministic boxes, the projection onto the no-signalling directions, the
    Collins-Gisin maps and the relabelling group of one scenario."""

    scenario: Scenario
    strategies: list = field(init=False)
    boxes: np.ndarray = field(init=False)          # V x N, 0/1
    points: np.ndarray = field(init=False)         # V x (D + 1), Collins-Gisin with the leading 1
    structures: list = field(init=False)
    group: np.ndarray = field(init=False)          # |G| x N index images

    def __post_init__(self) -> None:
        scenario = self.scenario
        self.strategies = deterministic_strategies(scenario)
        self.boxes = np.array([deterministic_box(scenario, s) for s in self.strategies], dtype=np.int64)
        self.points = np.array([[1] + collins_gisin_point(scenario, s) for s in self.strategies], dtype=np.int64)
        self.structures = relabelings(scenario)
        self.group = np.array([relabeling_image(scenario, s) for s in self.structures], dtype=np.int64)
        # images[g, group[g, i]] = v[i] is images[g, j] = v[inverse[g, j]]: a gather, not a scatter
        self.inverse = np.argsort(self.group, axis=1)
        self._projection()

    def _projection(self) -> None:
        """``Pi = B^T (B B^T)^-1 B`` for a basis B of the directions ``box - box_0``, as an
        integer matrix over a common denominator."""
        differences = (self.boxes[1:] - self.boxes[0]).tolist()
        basis, echelon = [], []
        for row in differences:  # greedy independent rows, exact
            reduced = [Fraction(v) for v in row]
            for pivot_column, pivot_row in echelon:
                if reduced[pivot_column]:
                    factor = reduced[pivot_column] / pivot_row[pivot_column]
                    reduced = [a - factor * b for a, b in zip(reduced, pivot_row)]
            column = next((k for k, v in enumerate(reduced) if v), None)
            if column is not None:
                echelon.append((column, reduced))
                basis.append(row)
        dimension = local_dimension(self.scenario)
        assert len(basis) == dimension, (len(basis), dimension)
        gram = [[Fraction(sum(a * b for a, b in zip(r, s))) for s in basis] for r in basis]
        solved = _solve(gram, [[Fraction(v) for v in row] for row in basis])  # (B B^T)^-1 B
        size = self.scenario.num_probabilities
        projection = [[sum(basis[k][i] * solved[k][j] for k in range(dimension)) for j in range(size)]
                      for i in range(size)]
        denominator = lcm(*(v.denominator for row in projection for v in row))
        self.projection = [[int(v * denominator) for v in row] for row in projection]

    def normal_form(self, coefficients) -> tuple[int, ...]:
        """Projected, coprime-integer coefficients of ``coefficients . P`` (full probabilities)."""
        values = [Fraction(c) for c in coefficients]
        scale = lcm(*(v.denominator for v in values))
        integers = [int(v * scale) for v in values]
        return _primitive([sum(a * c for a, c in zip(row, integers) if c) for row in self.projection])

    def bound(self, normal: tuple[int, ...]) -> int:
        """The local bound ``min over deterministic boxes`` of a normal form."""
        return min(self.values(normal))

    def values(self, normal) -> list[int]:
        """``normal . d`` for every deterministic box d, exactly (integers)."""
        return _exact_products(self.boxes, normal)

    def canonical(self, normal: tuple[int, ...]) -> tuple[tuple[int, ...], int, int]:
        """``(canonical form, index of a group element mapping normal to it, stabiliser order)``."""
        vector = np.array(normal, dtype=np.int64)
        images = vector[self.inverse]
        # The lexicographically least image and the first group element giving it: keep the
        # elements whose images are least in column 0, then among them in column 1, ...
        candidates = np.arange(len(images))
        for column in range(images.shape[1]):
            values = images[candidates, column]
            candidates = candidates[values == values.min()]
            if len(candidates) == 1:
                break
        best = images[candidates[0]]
        stabiliser = int((images == vector[None, :]).all(axis=1).sum())
        return tuple(int(v) for v in best), int(candidates[0]), stabiliser

    def collins_gisin(self, normal: tuple[int, ...], bound: int) -> tuple[int, ...]:
        """The facet as ``h.(1, p_CG) >= 0`` (values on the deterministic points)."""
        values = [v - bound for v in self.values(normal)]
        # h is determined by its values on the points (full column rank): least squares, exactly
        points = self.points.tolist()
        gram = [[Fraction(sum(p[i] * p[j] for p in points)) for j in range(len(points[0]))]
                for i in range(len(points[0]))]
        right = [[Fraction(sum(p[i] * int(v) for p, v in zip(points, values)))] for i in range(len(points[0]))]
        return _primitive([row[0] for row in _solve(gram, right)])


@dataclass(frozen=True)
class FacetClass:
    """One class: canonical normal form, local bound, orbit size."""

    canonical: tuple[int, ...]
    bound: int
    orbit_size: int


def _neighbours(geometry: Geometry, normal: tuple[int, ...], bound: int) -> list[tuple[int, ...]]:
    """Normal forms of the facets adjacent to one facet (ridge rotation)."""
    import cdd
    import cdd.gmp

    values = [v - bound for v in geometry.values(normal)]
    tight = [k for k, v in enumerate(values) if v == 0]
    loose = [k for k, v in enumerate(values) if v > 0]
    points = geometry.points.tolist()
    matrix = cdd.gmp.matrix_from_array([[Fraction(v) for v in points[k]] for k in tight],
                                       rep_type=cdd.RepType.GENERATOR)
    ridges = cdd.gmp.copy_inequalities(cdd.gmp.polyhedron_from_matrix(matrix))
    found = set()
    cg_to_normal = _cg_to_full(geometry)
    loose_points = geometry.points[loose]
    facet_h = facet_values = None
    for index, row in enumerate(ridges.array):
        if index in ridges.lin_set:
            continue
        # The ridge scaled by a positive number to coprime integers (the same inequality),
        # so that everything below is exact integer arithmetic.
        ridge = primitive_integers(row)
        if facet_h is None:
            facet_h = geometry.collins_gisin(normal, bound)
            facet_values = _exact_products(loose_points, facet_h)  # > 0: the points are not tight
        ridge_values = _exact_products(loose_points, ridge)
        # g = ridge + t h >= 0 on every point: t = max(-r(v) / h(v)) over loose points, as a
        # fraction num/den (den > 0), and g scaled by den: den ridge + num h
        num, den = -ridge_values[0], facet_values[0]
        for r, h in zip(ridge_values[1:], facet_values[1:]):
            if -r * den > num * h:
                num, den = -r, h
        g = _primitive([den * a + num * b for a, b in zip(ridge, facet_h)])
        full = [sum(g[k] for k, c in enumerate(row) if c) for row in cg_to_normal]
        found.add(geometry.normal_form(full))
    return sorted(found)


def _exact_products(points, vector) -> list[int]:
    """``points @ vector`` exactly: in int64 where no sum can overflow, else in Python integers."""
    bound = int(np.abs(points).max(initial=0)) * sum(abs(int(v)) for v in vector)
    if bound < 2 ** 62:
        return [int(v) for v in points @ np.array(vector, dtype=np.int64)]
    return [sum(int(a) * int(b) for a, b in zip(row, vector)) for row in points.tolist()]


def _cg_to_full(geometry: Geometry) -> list[list[int]]:
    """Rows j: the full coefficient F_j as a linear form in the Collins-Gisin coefficients."""
    cached = getattr(geometry, "_cg_full", None)
    if cached is None:
        columns = collins_gisin_columns(geometry.scenario)
        cached = [[int(j in column) for column in columns] for j in range(geometry.scenario.num_probabilities)]
        geometry._cg_full = cached
    return cached


def facet_classes(geometry: Geometry, progress=None) -> list[FacetClass]:
    """Every facet class (adjacency decomposition from positivity), sorted by
    (local-bound-free) canonical form with positivity first."""
    if not cdd_available():
        raise InputError("the facet catalogue needs pycddlib: apt-get install libcdd-dev libgmp-dev, then "
                         "pip install -c constraints.txt -e '.[catalogue]'")
    size = geometry.scenario.num_probabilities
    start = geometry.normal_form([1] + [0] * (size - 1))  # P(0...0|0...0) >= 0
    order = len(geometry.group)
    classes: dict[tuple[int, ...], FacetClass] = {}
    queue = []
    seen = set()  # normal forms already classified (neighbours repeat)

    def add(normal):
        if normal in seen:
            return
        seen.add(normal)
        canonical, _, stabiliser = geometry.canonical(normal)
        if canonical not in classes:
            classes[canonical] = FacetClass(canonical, geometry.bound(canonical), order // stabiliser)
            queue.append(canonical)

    add(start)
    while queue:
        normal = queue.pop(0)
        for neighbour in _neighbours(geometry, normal, classes[normal].bound):
            add(neighbour)
        if progress is not None:
            progress(len(classes) - len(queue), len(classes))
    positivity = geometry.canonical(start)[0]
    return sorted(classes.values(), key=lambda c: (c.canonical != positivity, -c.orbit_size, c.canonical))


def classify_facets(geometry: Geometry, facets_full) -> dict[tuple[int, ...], list[int]]:
    """Group full-coordinate facets by canonical form: ``{canonical: [facet positions]}``."""
    groups: dict[tuple[int, ...], list[int]] = {}
    known: dict[tuple[int, ...], tuple[int, ...]] = {}
    for position, coefficients in enumerate(facets_full):
        normal = geometry.normal_form(coefficients)
        if normal not in known:
            canonical = geometry.canonical(normal)[0]
            images = np.empty_like(geometry.group)
            vector = np.array(canonical, dtype=np.int64)
            images[np.arange(len(geometry.group))[:, None], geometry.group] = vector[None, :]
            for image in {tuple(int(v) for v in row) for row in images}:
                known[image] = canonical
        groups.setdefault(known[normal], []).append(position)
    return groups
