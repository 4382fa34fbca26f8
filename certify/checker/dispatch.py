"""One entry point for every certificate format: :func:`check_document`,
:func:`check_file` and ``python -m certify.checker.dispatch FILE...``.

Standard library only. It reads the format and version of a document and hands
it to the module that checks that format: :mod:`certify.checker.core`
(output-bound files, Lemma 11), :mod:`certify.checker.expressions`,
:mod:`certify.checker.manifest`, :mod:`certify.checker.records` and
:mod:`certify.checker.catalogue` (facet-catalogue classes and their index).
"""

import os
import sys

from certify.checker import catalogue
from certify.checker.core import CheckError, Malformed, check_output_bound, show
from certify.checker.expressions import (EXPRESSION_FORMATS, check_expression_bound, check_expression_bounds,
                                         check_expression_reduced, check_expression_symmetry)
from certify.checker.files import read_json
from certify.checker.manifest import check_manifest
from certify.checker.records import check_proof_record

VERSIONS = {"certify/output-bound": 1, "certify/manifest": 1, "certify/proof-record": 2,
            "certify/expression-bound": 2, "certify/expression-bounds": 1, "certify/expression-symmetry": 1,
            "certify/expression-reduced": 1, **catalogue.VERSIONS}


def check_document(document, where, folder="."):
    """Check a parsed document (a manifest relative to ``folder``); return ``(format, statement)``."""
    if not isinstance(document, dict):
        raise Malformed(f"{where}: $: expected a JSON object, found {show(document)}")
    kind, version = document.get("format"), document.get("version")
    if not isinstance(kind, str) or kind not in VERSIONS:
        raise Malformed(f"{where}: $.format: expected one of {sorted(VERSIONS)}, found {show(kind)}")
    if type(version) is not int or version != VERSIONS[kind]:
        raise Malformed(f"{where}: $.version: this checker knows {kind} version {VERSIONS[kind]} only, "
                        f"found {show(version)}")
    if kind == "certify/manifest":
        return kind, check_manifest(document, folder, where)
    if kind == "certify/proof-record":
        return kind, check_proof_record(document, where)
    if kind == catalogue.CLASS_FORMAT:
        return kind, catalogue.check_catalogue_class(document, where)
    if kind == catalogue.INDEX_FORMAT:
        return kind, catalogue.check_catalogue_index(document, where)
    if kind == "certify/expression-reduced":  # self-contained: no folder coverage
        return kind, check_expression_reduced(document, where)
    if kind in EXPRESSION_FORMATS:
        check = {"certify/expression-bound": check_expression_bound, "certify/expression-bounds":
                 check_expression_bounds, "certify/expression-symmetry": check_expression_symmetry}[kind]
        return kind, check(document, where)
    return kind, check_output_bound(document, where)


def check_file(path, where=None):
    """Read, parse and check one file; return ``(format, statement)``."""
    return check_document(read_json(path, where), where or str(path), os.path.dirname(path) or ".")


def main(paths):
    """``python checker.py FILE...``: one status line per file; exit 0, 1 or 2 (2 wins)."""
    code = 0
    for path in paths:
        try:
            check_file(path)
            print(f"OK          {path}")
        except CheckError as error:
            print(f"{'NOT PROVEN' if error.exit_code == 1 else 'MALFORMED':<11} {path}\n  {error}")
            code = max(code, error.exit_code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
