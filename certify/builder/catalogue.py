"""The facet catalogue: every facet class of the standard small scenarios, certified.

For each scenario of :data:`CATALOGUE_SCENARIOS` the classes come from
:func:`certify.lp.facet_classes.facet_classes` (adjacency decomposition, exact);
each class representative is certified with the expression machinery
(:class:`certify.builder.expressions.ExpressionCertifier`: local bound by
enumeration, no-signalling optimum with a dual certificate and a witness, and, for
every orbit of pairs under the representative's stabiliser, v(0) = max P(x*|u*) at
the no-signalling optimum with a dual certificate and a witness box). One
``certify/catalogue-class`` document per class, a faacets YAML file per class, and a
``certify/catalogue-index`` per scenario (``docs/certificate-format.md``).

The facet count of a scenario is the sum of its orbit sizes; for the scenarios
where a full enumeration is quick (:data:`CROSS_CHECKED`) it is compared with
pycddlib's double description of the whole polytope, classified facet by facet.
"""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path
from typing import Callable

import numpy as np

from certify.builder.jsonio import dumps, expression_json, sparse, write_atomic
from certify.errors import ClaimNotProven
from certify.lp.expression import BellExpression
from certify.lp.facet_classes import FacetClass, Geometry, classify_facets, facet_classes
from certify.lp.local_polytope import check_facet, facets_cdd, local_dimension, parse_scenario, scenario_spec
from certify.numbers import format_exact

__all__ = ["CATALOGUE_SCENARIOS", "CROSS_CHECKED", "CLASS_FORMAT", "INDEX_FORMAT", "ScenarioCatalogue",
           "enumerate_scenario", "class_document", "faacets_text", "build_catalogue", "facet_listing"]

CATALOGUE_SCENARIOS = ("2x2-2x2", "3x2-3x2", "2x3-2x3", "2x2-2x2-2x2", "4x2-3x2")
CROSS_CHECKED = ("2x2-2x2", "3x2-3x2", "2x3-2x3")
CLASS_FORMAT, INDEX_FORMAT, VERSION = "certify/catalogue-class", "certify/catalogue-index", 1


class ScenarioCatalogue:
    """The classes of one scenario with timings (seconds) of each stage."""

    def __init__(self, spec: str, cross_check: bool | None = None) -> None:
        self.scenario = parse_scenario(spec)
        self.spec = scenario_spec(self.scenario)
        self.seconds: dict[str, float] = {}
        start = time.monotonic()
        self.geometry = Geometry(self.scenario)
        self.classes: list[FacetClass] = facet_classes(self.geometry)
        self.seconds["enumeration"] = time.monotonic() - start
        self.facets = sum(c.orbit_size for c in self.classes)
        self.cross_check = {"method": "sum of the orbit sizes of the classes", "facets": self.facets}
        if cross_check if cross_check is not None else self.spec in CROSS_CHECKED:
            start = time.monotonic()
            listed = facets_cdd(self.scenario)
            full = [_collins_gisin_to_full(self.scenario, row) for row in listed]
            groups = classify_facets(self.geometry, full)
            self.seconds["cross-check"] = time.monotonic() - start
            if len(listed) != self.facets or sorted(groups) != sorted(c.canonical for c in self.classes):
                raise ClaimNotProven(f"{self.spec}: adjacency decomposition gives {self.facets} facets in "
                                     f"{len(self.classes)} classes, pycddlib {len(listed)} in {len(groups)}")
            self.cross_check = {"method": "pycddlib double description (GMP) of the whole polytope, "
                                          "classified facet by facet", "facets": len(listed),
                                "classes": len(groups)}


def _collins_gisin_to_full(scenario, row) -> list[Fraction]:
    from certify.lp.local_polytope import facet_from_collins_gisin

    return facet_from_collins_gisin(scenario, row[0], row[1:])


def enumerate_scenario(spec: str, cross_check: bool | None = None) -> ScenarioCatalogue:
    """Classes of one scenario (see :class:`ScenarioCatalogue`)."""
    return ScenarioCatalogue(spec, cross_check)


def _expression(catalogue: ScenarioCatalogue, number: int, facet: FacetClass) -> BellExpression:
    coefficients = {j: Fraction(c) for j, c in enumerate(facet.canonical) if c}
    return BellExpression(f"{catalogue.spec}-class-{number:02d}", catalogue.scenario, coefficients, "minimise")


def _pair_orbits(geometry: Geometry, canonical: tuple[int, ...]) -> list[list[int]]:
    """Orbits of the pair indices under the stabiliser of a canonical form (sorted members)."""
    vector = np.array(canonical, dtype=np.int64)
    images = np.empty_like(geometry.group)
    images[np.arange(len(geometry.group))[:, None], geometry.group] = vector[None, :]
    stabiliser = geometry.group[(images == vector[None, :]).all(axis=1)]
    size = geometry.scenario.num_probabilities
    parent = list(range(size))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for image in stabiliser.tolist():
        for j, k in enumerate(image):
            a, b = root(j), root(k)
            if a != b:
                parent[max(a, b)] = min(a, b)
    orbits: dict[int, list[int]] = {}
    for j in range(size):
        orbits.setdefault(root(j), []).append(j)
    return [orbits[r] for r in sorted(orbits)]


def _tight_basis(geometry: Geometry, facet: FacetClass) -> list[int]:
    """Positions of an affinely independent set of D tight deterministic boxes (greedy, exact)."""
    from certify.lp.local_polytope import _rank

    tight = [k for k, v in enumerate(geometry.values(facet.canonical)) if v == facet.bound]
    chosen = [tight[0]]
    rows: list[list[int]] = []
    base = geometry.boxes[tight[0]].tolist()
    for k in tight[1:]:
        candidate = rows + [[a - b for a, b in zip(geometry.boxes[k].tolist(), base)]]
        if _rank(candidate) == len(candidate):
            rows, chosen = candidate, chosen + [k]
        if len(chosen) == local_dimension(geometry.scenario):
            break
    return chosen


def _strategy_text(strategy) -> list[str]:
    return ["".join(map(str, party)) for party in strategy]


def class_document(catalogue: ScenarioCatalogue, number: int) -> dict:
    """The verified ``certify/catalogue-class`` document of class ``number`` (1-based)."""
    from certify.builder.expressions import ExpressionCertifier, _inequality_json

    facet = catalogue.classes[number - 1]
    scenario, geometry = catalogue.scenario, catalogue.geometry
    check_facet(scenario, facet.canonical, facet.bound)
    expression = _expression(catalogue, number, facet)
    certifier = ExpressionCertifier(expression)
    offset = certifier.offset
    pairs, values = [], {}
    for orbit in _pair_orbits(geometry, facet.canonical):
        result = certifier.pair(orbit[0])
        function = result.value_function
        value = function.breakpoints[0][1]
        constant, slope = function.pieces[0]
        if constant != value:
            raise ClaimNotProven(f"{expression.name}: v(0) {value} differs from the first piece {constant}")
        pairs.append({"pair": scenario.pair_key(orbit[0]), "orbit_size": len(orbit), "value": format_exact(value),
                      "slope": format_exact(slope),
                      "certificate": _inequality_json(result.piece_certificates[0], offset),
                      "witness": sparse(function.witnesses[0])})
        values.update({j: value for j in orbit})
    bounds = certifier.bounds_document(values)  # verified by the builder's verifier
    if Fraction(bounds["local_bound"]["value"]) != facet.bound:
        raise ClaimNotProven(f"{expression.name}: local bound {bounds['local_bound']['value']} differs from the "
                             f"facet's bound {facet.bound}")
    strategies = [_strategy_text(geometry.strategies[k]) for k in _tight_basis(geometry, facet)]
    return {
        "format": CLASS_FORMAT, "version": VERSION,
        "scenario": scenario.to_json(),
        "class": {"scenario": catalogue.spec, "number": number, "orbit_size": facet.orbit_size,
                  "group_order": len(geometry.group)},
        "expression": expression_json(expression),
        "facet": {"bound": format_exact(Fraction(facet.bound)), "tight_strategies": strategies},
        "bounds": bounds,
        "pairs": pairs,
        "max_output_probability_at_ns_optimum": bounds["max_output_probability_at_ns_optimum"],
        "lemma11_property": Fraction(bounds["max_output_probability_at_ns_optimum"]["value"]) < 1,
    }


def faacets_text(catalogue: ScenarioCatalogue, number: int) -> str:
    """The class representative as a faacets ``BellExpression`` (``Non-signaling Collins-Gisin``,
    faacets' party order: party 1 least significant), oriented ``lower`` (expr >= local bound)."""
    from certify.formats.native import COLLINS_GISIN, to_representation

    facet = catalogue.classes[number - 1]
    scenario = catalogue.scenario
    values = to_representation(_expression(catalogue, number, facet), COLLINS_GISIN)
    sizes = [m * (d - 1) + 1 for m, d in zip(scenario.settings, scenario.outcomes)]
    tensor = np.array(values, dtype=object).reshape(sizes).transpose(list(reversed(range(len(sizes)))))
    flat = [Fraction(v) for v in tensor.reshape(-1).tolist()]
    if any(v.denominator != 1 for v in flat):
        from math import lcm
        scale = lcm(*(v.denominator for v in flat))
        numbers = ", ".join(str(int(v * scale)) for v in flat)
        coefficients = f"{{numerator: [{numbers}], denominator: {scale}}}"
    else:
        coefficients = "[" + ", ".join(str(int(v)) for v in flat) + "]"
    party_text = " ".join("(" + " ".join([str(d)] * m) + ")" for m, d in zip(scenario.settings, scenario.outcomes))
    return (f"type: BellExpression\nshortName: {catalogue.spec}-class-{number:02d}\n"
            f"scenario: '[{party_text}]'\nrepresentation: Non-signaling Collins-Gisin\n"
            f"coefficients: {coefficients}\nlower:\n  bounds:\n    local: {facet.bound}\n")


def index_document(catalogue: ScenarioCatalogue) -> dict:
    """The ``certify/catalogue-index`` of a scenario folder."""
    return {"format": INDEX_FORMAT, "version": VERSION, "scenario": catalogue.scenario.to_json(),
            "spec": catalogue.spec, "facets": catalogue.facets,
            "classes": [{"file": f"class-{k:02d}.json", "orbit_size": c.orbit_size}
                        for k, c in enumerate(catalogue.classes, start=1)],
            "cross_check": catalogue.cross_check}


def _build_scenario(spec: str) -> tuple[str, dict, dict[str, str], dict[str, float]]:
    catalogue = enumerate_scenario(spec)
    start = time.monotonic()
    files = {}
    for number in range(1, len(catalogue.classes) + 1):
        files[f"class-{number:02d}.json"] = dumps(class_document(catalogue, number))
        files[f"class-{number:02d}.yaml"] = faacets_text(catalogue, number)
    files["index.json"] = dumps(index_document(catalogue))
    catalogue.seconds["certification"] = time.monotonic() - start
    return catalogue.spec, files, catalogue.seconds


def build_catalogue(folder: Path, workers: int = 2, progress: Callable[..., None] | None = None,
                    specs=CATALOGUE_SCENARIOS) -> int:
    """Write ``folder/<scenario>/`` for every catalogue scenario; returns the file count.
    Scenarios are built in ``workers`` forked processes (largest first)."""
    from certify.builder import parallel

    folder.mkdir(parents=True, exist_ok=True)
    order = sorted(specs, key=lambda s: -parse_scenario(s).num_probabilities)
    written = 0
    results = parallel.forked_map(_build_one, order, workers, state=None,
                                  progress=(lambda done, total: progress(done, total)) if progress else None,
                                  chunksize=1)
    for spec, files, _ in results:
        for name, text in files.items():
            write_atomic(folder / spec / name, text)
            written += 1
    return written


def _build_one(state, spec: str):
    return _build_scenario(spec)


def facet_listing(catalogue: ScenarioCatalogue) -> list[dict]:
    """Every facet of the scenario: its normal form, class and the relabelling mapping it
    to the class representative (``{"parties", "settings", "outcomes"}``)."""
    geometry, listing = catalogue.geometry, []
    for number, facet in enumerate(catalogue.classes, start=1):
        vector = np.array(facet.canonical, dtype=np.int64)
        images = np.empty_like(geometry.group)
        images[np.arange(len(geometry.group))[:, None], geometry.group] = vector[None, :]
        seen = {}
        for k, row in enumerate(images.tolist()):
            seen.setdefault(tuple(row), k)
        for image, k in sorted(seen.items()):
            # image = g_k(representative); the inverse of g_k maps the facet back
            inverse = _inverse_structure(geometry.structures[k])
            listing.append({"class": number, "bound": facet.bound, "coefficients": list(image),
                            "to_representative": inverse})
    return listing


def _inverse_structure(structure: dict) -> dict:
    parties = structure["parties"]
    n = len(parties)
    inverse_parties = [0] * n
    for i, p in enumerate(parties):
        inverse_parties[p] = i
    settings = [None] * n
    outcomes = [None] * n
    for i in range(n):
        sigma = structure["settings"][i]
        inverse_sigma = [0] * len(sigma)
        for u, v in enumerate(sigma):
            inverse_sigma[v] = u
        settings[parties[i]] = inverse_sigma
        per_setting = [None] * len(sigma)
        for u, tau in enumerate(structure["outcomes"][i]):
            inverse_tau = [0] * len(tau)
            for x, y in enumerate(tau):
                inverse_tau[y] = x
            per_setting[sigma[u]] = inverse_tau
        outcomes[parties[i]] = per_setting
    return {"parties": inverse_parties, "settings": settings, "outcomes": outcomes}


# -- `certify facets` and `certify catalogue` -------------------------------------------------

def facets_summary(spec: str, method: str = "adjacency", listing: bool = False) -> dict:
    """``certify facets``: facet and class counts of a scenario, every class representative
    checked exactly (:func:`certify.lp.local_polytope.check_facet`); ``method`` ``lrs`` or
    ``cdd`` also enumerates the whole polytope with that tool and classifies each facet
    (a second count). With ``listing`` every facet with its class and relabelling."""
    from certify.lp.local_polytope import facets_lrs

    catalogue = enumerate_scenario(spec, cross_check=False)
    for facet in catalogue.classes:
        check_facet(catalogue.scenario, facet.canonical, facet.bound)
    result = {"scenario": catalogue.spec, "dimension": local_dimension(catalogue.scenario),
              "deterministic_boxes": len(catalogue.geometry.strategies), "relabellings": len(catalogue.geometry.group),
              "facets": catalogue.facets,
              "classes": [{"number": k, "bound": c.bound, "orbit_size": c.orbit_size,
                           "coefficients": [[j, v] for j, v in enumerate(c.canonical) if v]}
                          for k, c in enumerate(catalogue.classes, start=1)],
              "seconds": dict(catalogue.seconds)}
    if method in ("lrs", "cdd"):
        start = time.monotonic()
        listed = facets_lrs(catalogue.scenario) if method == "lrs" else facets_cdd(catalogue.scenario)
        full = [_collins_gisin_to_full(catalogue.scenario, row) for row in listed]
        groups = classify_facets(catalogue.geometry, full)
        result["second_method"] = {"method": method, "facets": len(listed), "classes": len(groups),
                                   "agrees": len(listed) == catalogue.facets and len(groups) == len(catalogue.classes)}
        result["seconds"][method] = time.monotonic() - start
    if listing:
        result["facet_list"] = facet_listing(catalogue)
    return result


def certify_expression_file(path: Path) -> dict:
    """Bounds and max output probability at the no-signalling optimum of one user file
    (faacets YAML or the project's JSON), checked exactly; raises InputError if malformed."""
    from certify.builder.expressions import ExpressionCertifier
    from certify.formats.faacets import load_faacets_file
    from certify.formats.native import load_expression_file

    path = Path(path)
    expression = load_faacets_file(path) if path.suffix in (".yaml", ".yml") else load_expression_file(path)
    document = ExpressionCertifier(expression).bounds_document()
    best = document["max_output_probability_at_ns_optimum"]
    return {"file": str(path), "scenario": scenario_spec(expression.scenario), "name": expression.name,
            "direction": expression.direction, "local_bound": document["local_bound"]["value"],
            "ns_optimum": document["ns_optimum"]["value"], "is_bell_inequality": document["is_bell_inequality"],
            "max_output_probability": best["value"], "pair": best["pair"],
            "lemma11_property": Fraction(best["value"]) < 1}


def certify_folder(folder: Path, progress: Callable[..., None] | None = None) -> list[dict]:
    """``certify catalogue FOLDER``: :func:`certify_expression_file` for every ``.yaml``,
    ``.yml`` and ``.json`` file (sorted); a malformed file gives ``{"file", "error"}`` and the
    others go on."""
    from certify.errors import CertifyError, InputError

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json"))
    rows = []
    for done, path in enumerate(files, start=1):
        try:
            rows.append(certify_expression_file(path))
        except (CertifyError, ValueError, OSError) as error:
            rows.append({"file": str(path), "error": str(error)})
        if progress is not None:
            progress(done, len(files))
    return rows
