"""``proofs/catalogue.md``: every facet class of the catalogue scenarios with its certified bounds."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from certify.builder.jsonio import write_atomic
from certify.report.context import ReportContext

__all__ = ["write_catalogue_report", "catalogue_rows"]

_NAMES = {"2x2-2x2": "CHSH scenario", "3x2-3x2": "I3322 scenario", "2x3-2x3": "CGLMP scenario",
          "2x2-2x2-2x2": "three parties, two binary settings each", "4x2-3x2": "binary outcomes, 4 and 3 settings"}


_PUBLISHED = {"2x2-2x2": "24 facets, 2 classes (Fine 1982)",
              "3x2-3x2": "684 facets, 3 classes (Collins and Gisin 2004)",
              "2x2-2x2-2x2": "53856 facets (Pitowsky and Svozil 2001), 46 classes (Sliwa 2003)"}
"""Published counts the computed ones can be compared with (only where the publication is known here)."""


def catalogue_rows(certificates_dir: Path) -> dict[str, tuple[dict, list[dict]]]:
    """``{scenario: (index document, [class documents])}`` read from ``certificates/catalogue``."""
    folder = Path(certificates_dir) / "catalogue"
    result = {}
    if not folder.is_dir():
        return result
    for scenario_folder in sorted(p for p in folder.iterdir() if p.is_dir()):
        index = json.loads((scenario_folder / "index.json").read_text())
        classes = [json.loads((scenario_folder / entry["file"]).read_text()) for entry in index["classes"]]
        result[scenario_folder.name] = (index, classes)
    return result


def write_catalogue_report(context: ReportContext) -> list[Path]:
    """Write ``proofs/catalogue.md`` (nothing if there is no catalogue)."""
    rows = catalogue_rows(context.certificates_dir)
    if not rows:
        return []
    lines = [
        "# Facet catalogue: Lemma 11's property for every facet class of small scenarios",
        "",
        "The construction of the paper needs a Bell expression whose no-signalling optimum leaves every output",
        "probability P(x*|u*) bounded away from 1 (the property used in Lemma 11), and asks which other",
        "expressions have it. This page answers the linear-programming half of that question for every facet",
        "class of the local polytope of the scenarios below.",
        "",
        "For each scenario the facets of the local polytope were computed exactly (adjacency decomposition:",
        "pycddlib's double description in GMP rationals on the tight vertices of each class representative,",
        "ridges rotated into neighbouring facets) and grouped into classes up to relabelling of parties (of",
        "equal shape), settings, and outcomes per setting, and up to the normalisation and no-signalling",
        "rewritings. A class is named by its canonical form: the orthogonal projection of the coefficients onto",
        "the no-signalling directions, as coprime integers, least among its images under every relabelling.",
        "The positivity facets P(x|u) >= 0 are class 1 of every scenario. Each class is certified in",
        "`certificates/catalogue/<scenario>/class-NN.json` (format `certify/catalogue-class`,",
        "docs/certificate-format.md), with a faacets file `class-NN.yaml` beside it, and checked by",
        "`certify audit` (`certify/checker/catalogue.py`, standard library only):",
        "",
        "* facet: valid on every deterministic box (exhaustive enumeration gives the local bound) and tight on",
        "  an affinely independent set of dimension-many deterministic boxes (exact rank);",
        "* canonical form and orbit size: every relabelling re-enumerated by the checker;",
        "* local bound C.P >= b, no-signalling optimum with a dual certificate and a witness box, and",
        "  max P(x*|u*) over no-signalling boxes at that optimum: one dual certificate and one witness box per",
        "  orbit of pairs under the class's own symmetries; the maximum and the least pair attaining it.",
        "",
        "Coefficients are in the class's canonical form, so the bounds are in those units (a class",
        "representative is `minimise C.P`, local bound = b, the no-signalling optimum below it when the",
        "class is a Bell inequality). Lemma 11's property: max P(x*|u*) < 1.",
        "",
        "## Summary",
        "",
        "| scenario | facets | classes | classes with max P < 1 | count cross-checked by | published |",
        "|---|---|---|---|---|---|",
    ]
    for spec, (index, classes) in rows.items():
        good = sum(1 for c in classes if c["lemma11_property"])
        lines.append(f"| {spec} ({_NAMES.get(spec, 'scenario')}) | {index['facets']} | {len(classes)} | {good} | "
                     f"{index['cross_check']['method']}: {index['cross_check']['facets']} facets | "
                     f"{_PUBLISHED.get(spec, '-')} |")
    lines += ["", "A facet list has no small certificate of completeness. The counts above are cross-checked",
              "rather than proved: by an independent enumeration of the whole polytope where that is quick, and",
              "otherwise only by the sum of the orbit sizes of the classes found (which only shows that the",
              "facets found are closed under relabelling), and against published counts where known.", ""]
    for spec, (index, classes) in rows.items():
        lines += [f"## {spec}: {_NAMES.get(spec, 'scenario')}", "",
                  f"{index['facets']} facets in {len(classes)} classes.", "",
                  "| class | facets in class | local bound | NS optimum | Bell inequality | max P(x*\\|u*) at NS optimum | attained at | max P < 1 |",
                  "|---|---|---|---|---|---|---|---|"]
        for document in classes:
            bounds = document["bounds"]
            best = document["max_output_probability_at_ns_optimum"]
            lines.append(f"| {document['class']['number']} | {document['class']['orbit_size']} | "
                         f"{bounds['local_bound']['value']} | {bounds['ns_optimum']['value']} | "
                         f"{'yes' if bounds['is_bell_inequality'] else 'no'} | {best['value']} | "
                         f"{best['pair'].replace('|', '&#124;')} | {'yes' if document['lemma11_property'] else 'no'} |")
        lines.append("")
    lines += [
        "## What this answers, and what it does not",
        "",
        "It answers, exactly and for every facet class of these scenarios, whether no-signalling boxes",
        "attaining the no-signalling optimum of the class can output some pair (x*, u*) with probability 1.",
        "A class with max P < 1 has the property Lemma 11 uses; a class with max P = 1 does not, at the",
        "no-signalling optimum.",
        "",
        "It does not answer the quantum half of the question: whether quantum boxes reach that optimum",
        "(or come close enough to it) needs semidefinite programming and is outside this project. Nor does",
        "it prove that the facet lists are complete (see the summary), or say anything about scenarios not",
        "listed or about Bell expressions that are not facets; `certify catalogue FOLDER` certifies any",
        "folder of expressions in the same way.",
        "",
        "Regenerate with `certify regenerate --only catalogue --only proofs`; audit with `certify audit`.",
        "",
    ]
    path = context.proofs_dir / "catalogue.md"
    write_atomic(path, "\n".join(lines))
    return [path]
