"""The facet catalogue: enumeration, classes, class documents and their independent check."""

import copy
import json
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from certify.builder.catalogue import (class_document, enumerate_scenario, faacets_text, facet_listing,
                                       build_catalogue, certify_folder)
from certify.builder.jsonio import dumps
from certify.checker import audit as checker_audit
from certify.checker import catalogue as checker
from certify.checker.core import Malformed, NotProven
from certify.checker.expressions import relabeling
from certify.formats.faacets import parse_faacets
from certify.lp.local_polytope import (cdd_available, check_facet, facets_cdd, facets_lrs, lrs_available,
                                       parse_scenario)

needs_cdd = pytest.mark.skipif(not cdd_available(), reason="pycddlib (extra 'catalogue') not installed")
needs_lrs = pytest.mark.skipif(not lrs_available(), reason="lrs (Debian lrslib) not installed")


@pytest.fixture(scope="module")
def chsh():
    return enumerate_scenario("chsh")


@needs_cdd
@pytest.mark.parametrize("spec, facets, classes", [
    ("chsh", 24, 2),      # positivity and CHSH
    pytest.param("i3322", 684, 3, marks=pytest.mark.slow),   # positivity, CHSH, I3322
    pytest.param("cglmp", 1116, 4, marks=pytest.mark.slow),  # positivity, CHSH lifted, CGLMP, one more
])
def test_counts_agree_with_a_full_enumeration(spec, facets, classes):
    catalogue = enumerate_scenario(spec)  # raises if pycddlib's full enumeration disagrees
    assert (catalogue.facets, len(catalogue.classes)) == (facets, classes)
    assert catalogue.cross_check["facets"] == facets


@needs_lrs
def test_lrs_agrees_on_chsh():
    assert len(facets_lrs(parse_scenario("chsh"))) == 24


@needs_lrs
@pytest.mark.slow
def test_lrs_agrees_on_i3322():
    assert len(facets_lrs(parse_scenario("3-3"))) == 684


@needs_cdd
def test_every_representative_is_a_facet_and_a_changed_coefficient_is_not(chsh):
    for facet in chsh.classes:
        check_facet(chsh.scenario, facet.canonical, facet.bound)
    changed = list(chsh.classes[1].canonical)
    changed[0] += 1
    with pytest.raises(ValueError):
        check_facet(chsh.scenario, changed, chsh.classes[1].bound)


@needs_cdd
def test_class_document_passes_the_checker(chsh):
    for number in (1, 2):
        document = json.loads(dumps(class_document(chsh, number)))
        statement = checker.check_catalogue_class(document, f"class-{number}")
        assert statement["orbit_size"] == chsh.classes[number - 1].orbit_size
        assert statement["positivity"] == (number == 1)


@needs_cdd
@pytest.mark.parametrize("position", [0, 1, 5])
def test_checker_rejects_a_facet_with_one_coefficient_changed(chsh, position):
    document = json.loads(dumps(class_document(chsh, 2)))
    for target in (document["expression"], document["bounds"]["expression"]):
        coefficients = dict((j, Fraction(v)) for j, v in target["coefficients"])
        coefficients[position] = coefficients.get(position, Fraction(0)) + 1
        target["coefficients"] = [[j, str(v)] for j, v in sorted(coefficients.items()) if v]
    with pytest.raises((NotProven, Malformed)):
        checker.check_catalogue_class(document, "changed")


@needs_cdd
def test_checker_rejects_a_wrong_bound_a_wrong_orbit_and_a_dependent_tight_set(chsh):
    good = json.loads(dumps(class_document(chsh, 2)))
    wrong_bound = copy.deepcopy(good)
    wrong_bound["facet"]["bound"] = str(Fraction(good["facet"]["bound"]) - 1)
    wrong_orbit = copy.deepcopy(good)
    wrong_orbit["class"]["orbit_size"] += 1
    repeated = copy.deepcopy(good)
    repeated["facet"]["tight_strategies"][1] = repeated["facet"]["tight_strategies"][0]
    wrong_max = copy.deepcopy(good)
    wrong_max["pairs"][0]["value"] = "1"
    for document in (wrong_bound, wrong_orbit, repeated, wrong_max):
        with pytest.raises((NotProven, Malformed)):
            checker.check_catalogue_class(document, "tampered")


@needs_cdd
def test_relabelling_maps_every_facet_to_its_representative(chsh):
    listing = facet_listing(chsh)
    assert len(listing) == 24
    shape = (chsh.scenario.settings, chsh.scenario.outcomes)
    for facet in listing:
        g = relabeling(facet["to_representative"], shape, "$")
        image = [0] * len(g)
        for j, c in enumerate(facet["coefficients"]):
            image[g[j]] = c
        assert tuple(image) == chsh.classes[facet["class"] - 1].canonical


@needs_cdd
def test_faacets_file_reads_back_as_the_same_facet(chsh):
    for number, facet in enumerate(chsh.classes, start=1):
        expression = parse_faacets(faacets_text(chsh, number), "class.yaml", "class")
        assert chsh.geometry.normal_form(expression.dense()) == facet.canonical


@needs_cdd
def test_folder_audit_and_coverage(tmp_path):
    build_catalogue(tmp_path / "catalogue", workers=1, specs=("2x2-2x2",))
    folder = tmp_path / "catalogue"
    results = checker_audit.audit([str(folder)])
    assert checker_audit.exit_code_of(results) == 0, [r for r in results if r[1] != "ok"]
    (folder / "2x2-2x2" / "class-02.json").unlink()
    results = checker_audit.audit([str(folder)])
    assert checker_audit.exit_code_of(results) == 1


@needs_cdd
def test_bulk_certification_skips_a_malformed_file(tmp_path, chsh):
    (tmp_path / "chsh.yaml").write_text(faacets_text(chsh, 2))
    (tmp_path / "broken.yaml").write_text("type: BellExpression\nscenario: '[(2 2)'\n")
    rows = certify_folder(tmp_path)
    assert [("error" in row) for row in rows] == [True, False]
    assert rows[1]["max_output_probability"] == "1/2" and rows[1]["lemma11_property"]


def test_scenario_syntax():
    assert parse_scenario("2x3-2x3") == parse_scenario("cglmp")
    with pytest.raises(ValueError):
        parse_scenario("2x")


@pytest.mark.slow
def test_committed_catalogue_audits():
    folder = Path(__file__).resolve().parent.parent / "certificates" / "catalogue"
    if not folder.is_dir():
        pytest.skip("no committed catalogue")
    results = checker_audit.audit([str(folder)])
    assert checker_audit.exit_code_of(results) == 0


def test_exact_products_fall_back_to_python_integers_where_int64_could_overflow():
    import numpy as np

    from certify.lp.facet_classes import _exact_products

    points = np.array([[1, 0, 1], [1, 1, 1]], dtype=np.int64)
    small = [3, -5, 7]
    assert _exact_products(points, small) == [10, 5]
    huge = [2 ** 70, -(2 ** 69), 1]  # int64 would wrap: the exact sums need Python integers
    assert _exact_products(points, huge) == [2 ** 70 + 1, 2 ** 70 - 2 ** 69 + 1]
