"""The certified per-pair LPs as LP files, for a second opinion by any LP solver.

For every pair t = (u*, x*) of a certified expression the LP is

    maximise  P(x*|u*)
    subject to  the normalisation and no-signalling rows (= 1, = 0; eq. (13)),
                C.P <= offset + V,                P >= 0,

with C the expression in penalty form (:func:`certify.lp.expression.penalty_form`)
and offset its certified no-signalling optimum. For Lemma 11 C = B of
eq. (7), offset = 0 and C.P is the plain Bell sum B.P of eq. (6), so the
optimum is the value function v(V) of the paper's Lemma 11 certificate; for a
built-in expression it is v(V) of its ``certify/expression-bound`` document.

The model is built from the package's own definitions
(:class:`~certify.lp.no_signalling.NoSignallingSystem` and the built-in
expressions), never from a file; the certified value comes from the stored
certificates, each checked exactly by :mod:`certify.builder.verify` when it is
read. :func:`export_lp` writes one file per pair with
:func:`certify.builder.lp_files.write_lp` (exact, or refused) and the manifest
``export.json`` (format ``certify/lp-export``, ``docs/certificate-format.md``);
:func:`load_export` rebuilds the models and values for a written folder, which
:mod:`certify.builder.resolve` hands to another solver.

Names in the files: column ``p_u0001_x1000`` is P(x = 1000 | u = 0001); rows
``norm_u0001`` (normalisation of setting 0001), ``ns_p2_u0100_x000``
(no-signalling of party 2 at setting 0100 for the other parties' outcomes 000)
and ``bell``.

>>> row_label("ns[party 2, u=0100, x_-2=000]"), row_label("norm[0001]")
('ns_p2_u0100_x000', 'norm_u0001')
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable

from certify.builder.jsonio import dumps, write_atomic
from certify.builder.lemma11 import file_name
from certify.builder.lp_files import ExactModel, LinearRow, integer_row, write_lp
from certify.builder.regenerate import replace_folder
from certify.builder.store import certificates_dir
from certify.builder.verify import (verify_bounds_document, verify_expression_document, verify_lemma11_document,
                                    verify_symmetry_document)
from certify.errors import ClaimNotProven, InputError
from certify.formats.library import FAMILIES, LIBRARY, builtin_expression
from certify.formats.strict_json import load_document
from certify.lp.expression import BellExpression, paper_bell_expression, penalty_form
from certify.lp.no_signalling import NoSignallingSystem
from certify.lp.scenario import Scenario
from certify.lp.value_function import ValueFunction
from certify.numbers import format_exact, parse_exact

__all__ = ["EXPORT_FORMAT", "EXPORT_VERSION", "MANIFEST", "DEFAULT_BELL_VALUE", "CertifiedSet", "PairLP",
           "expression_names", "certified_set", "constraint_rows", "pair_lps", "export_lp", "read_manifest",
           "load_export", "row_label", "lp_file_name"]

EXPORT_FORMAT = "certify/lp-export"
EXPORT_VERSION = 1
MANIFEST = "export.json"
DEFAULT_BELL_VALUE = Fraction(1, 10)
LEMMA11 = "lemma11"
SOLVE_COMMAND = "esolver -L -O FILE.sol FILE.lp"
LP_DESCRIPTION = ("maximise P(x*|u*) subject to the normalisation and no-signalling rows (norm_*, ns_*), "
                  "bell: C.P <= offset + bell_value (C the expression in penalty form), P >= 0; "
                  "each row multiplied by the lcm of its denominators")

Progress = Callable[[int, int], None] | None


# -- the certified values --------------------------------------------------------------------

@dataclass(frozen=True)
class CertifiedSet:
    """The checked value functions of one folder of certificates.

    ``source`` is ``"lemma11"`` or ``"expressions/<name>"`` (relative to the
    certificates folder); ``penalty`` is C (for Lemma 11, B itself) with its
    ``sign`` and certified ``offset``; ``value_functions`` holds the pairs with
    their own document, and ``proven_by[t]`` is the pair whose document proves
    v for pair t (itself, or its representative under a checked symmetry)."""

    source: str
    expression: BellExpression
    penalty: BellExpression
    sign: int
    offset: Fraction
    value_functions: dict[int, ValueFunction]
    proven_by: dict[int, int]

    @property
    def scenario(self) -> Scenario:
        return self.expression.scenario

    def value(self, target: int, bell_value: Fraction) -> Fraction:
        """The certified v(bell_value) of pair ``target``."""
        return self.value_functions[self.proven_by[target]].evaluate(bell_value)

    def certificate(self, target: int) -> str:
        """The document proving pair ``target``, relative to the certificates folder."""
        return f"{self.source}/{file_name(self.scenario, self.proven_by[target])}"


def expression_names() -> list[str]:
    """Names accepted by ``--expression`` (the library expressions with stored pair certificates)."""
    return list(LIBRARY)


def _source_of(expression: str | None) -> str:
    if expression is None:
        return LEMMA11
    if expression in FAMILIES:
        raise InputError(f"--expression: {expression} is an N-party family, certified by symmetry-reduced "
                         f"documents without per-pair value functions; expected one of {expression_names()} "
                         "(or no --expression for Lemma 11)")
    if expression not in LIBRARY:
        raise InputError(f"--expression: unknown built-in {expression!r}; expected one of {expression_names()} "
                         "(or no --expression for Lemma 11)")
    return f"expressions/{expression}"


def _checked(path: Path, check):
    """``check(document)`` of a stored file; errors name the file."""
    document = load_document(path)
    try:
        return document, check(document)
    except (InputError, ClaimNotProven) as error:
        raise type(error)(f"{path}: {error}") from None


def _value_function(path: Path, check, scenario: Scenario) -> tuple[int, ValueFunction]:
    """The target and checked value function of one pair document named after its pair."""
    _, summary = _checked(path, check)
    target = scenario.index_of_key(summary["target"])
    if path.name != file_name(scenario, target):
        raise InputError(f"{path}: the document is about pair {summary['target']}, "
                         f"expected the file name {file_name(scenario, target)}")
    return target, ValueFunction(target, tuple(summary["breakpoints"]), tuple(summary["pieces"]))


def certified_set(certificates=None, expression: str | None = None) -> CertifiedSet:
    """The value functions of ``certificates/lemma11`` (``expression`` None) or of
    ``certificates/expressions/<expression>``, each document checked exactly
    (:mod:`certify.builder.verify`).

    Every pair of the scenario must be covered: by its own document, or (with a
    checked ``symmetry.json``) by its representative's.
    """
    root = certificates_dir(certificates)
    source = _source_of(expression)
    folder = root / source
    if source == LEMMA11:
        bell = penalty = paper_bell_expression()
        sign, offset = 1, Fraction(0)
        if not folder.is_dir():
            raise InputError(f"{folder}: no Lemma-11 certificates (run `certify regenerate --only lemma11`)")

        def check(document):
            return verify_lemma11_document(document, bell)
    else:
        bell = builtin_expression(expression)
        sign, penalty = penalty_form(bell)
        if not (folder / "bounds.json").is_file():
            raise InputError(f"{folder}: no bounds.json (expected the certificates of {expression}; "
                             "run `certify regenerate --only expressions`)")
        bounds, _ = _checked(folder / "bounds.json", lambda d: verify_bounds_document(d, bell))
        offset = parse_exact(bounds["penalty"]["offset"], f"{folder / 'bounds.json'}: $.penalty.offset",
                             canonical=True)

        def check(document):
            return verify_expression_document(document, bell)
    scenario = bell.scenario
    functions = dict(_value_function(path, check, scenario) for path in sorted(folder.glob("u*-x*.json")))
    proven_by = {t: t for t in functions}
    if source != LEMMA11 and (folder / "symmetry.json").is_file():
        _, representatives = _checked(folder / "symmetry.json", lambda d: verify_symmetry_document(d, bell))
        for pair, representative in representatives.items():
            proven_by.setdefault(scenario.index_of_key(pair), scenario.index_of_key(representative))
    missing = [t for t in range(scenario.num_probabilities) if proven_by.get(t) not in functions]
    if missing:
        raise ClaimNotProven(f"{folder}: no certificate for {len(missing)} pair(s), e.g. {scenario.pair_key(missing[0])}")
    return CertifiedSet(source, bell, penalty, sign, offset, functions, proven_by)


# -- the LPs -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PairLP:
    """One pair's LP, its file name and its certified optimum."""

    pair: str
    target: int
    file: str
    model: ExactModel
    certified_value: Fraction
    certificate: str


_NORMALISATION = re.compile(r"norm\[([0-9]+)\]")
_NO_SIGNALLING = re.compile(r"ns\[party ([0-9]+), u=([0-9]+), x_-\1=([0-9]*)\]")


def row_label(name: str) -> str:
    """The LP-file label of a row of :class:`~certify.lp.no_signalling.NoSignallingSystem`."""
    match = _NORMALISATION.fullmatch(name)
    if match:
        return f"norm_u{match.group(1)}"
    match = _NO_SIGNALLING.fullmatch(name)
    if match:
        return f"ns_p{match.group(1)}_u{match.group(2)}_x{match.group(3)}"
    raise ValueError(f"no LP label for the row name {name!r}")


def lp_file_name(scenario: Scenario, target: int) -> str:
    """``u<setting>-x<outcome>.lp``, as the certificate files are named.

    >>> lp_file_name(Scenario.binary(4), 24)
    'u0001-x1000.lp'
    """
    return file_name(scenario, target)[:-len(".json")] + ".lp"


def _column_names(scenario: Scenario) -> tuple[str, ...]:
    names = []
    for j in range(scenario.num_probabilities):
        setting, outcome = scenario.pair_key(j).split("|")
        names.append(f"p_u{setting}_x{outcome}")
    return tuple(names)


def constraint_rows(certified: CertifiedSet, bell_value: Fraction) -> tuple[LinearRow, ...]:
    """The rows every pair's LP shares: no-signalling system, then ``bell``."""
    system = NoSignallingSystem.build(certified.scenario)
    rows = [integer_row(row_label(name), row, "=", rhs)
            for name, row, rhs in zip(system.names, system.rows, system.right_hand_sides)]
    rows.append(integer_row("bell", certified.penalty.coefficients.items(), "<=", certified.offset + bell_value))
    return tuple(rows)


def pair_lps(certified: CertifiedSet, bell_value: Fraction, targets=None) -> list[PairLP]:
    """The LP of each target (default: every pair, in canonical order) with its certified value."""
    scenario = certified.scenario
    targets = range(scenario.num_probabilities) if targets is None else targets
    rows = constraint_rows(certified, bell_value)
    columns = _column_names(scenario)
    lps = []
    for target in targets:
        setting, outcome = scenario.pair_key(target).split("|")
        model = ExactModel(f"u{setting}_x{outcome}", columns, ((target, 1),), rows)
        lps.append(PairLP(scenario.pair_key(target), target, lp_file_name(scenario, target), model,
                          certified.value(target, bell_value), certified.certificate(target)))
    return lps


# -- export ------------------------------------------------------------------------------------

def _manifest(certified: CertifiedSet, bell_value: Fraction, lps: list[PairLP]) -> dict:
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "certificates": certified.source,
            "expression": certified.expression.name, "bell_value": format_exact(bell_value),
            "penalty": {"sign": certified.sign, "offset": format_exact(certified.offset)},
            "lp": LP_DESCRIPTION, "solve": SOLVE_COMMAND,
            "lps": [{"file": lp.file, "pair": lp.pair, "certified_value": format_exact(lp.certified_value),
                     "certificate": lp.certificate} for lp in lps]}


def _check_output_folder(out: Path) -> None:
    """``out`` may be new, empty, or an earlier LP export (replaced as a whole)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")
    entries = [p.name for p in out.iterdir()]
    if entries and (MANIFEST not in entries or any(not (n == MANIFEST or n.endswith(".lp")) for n in entries)):
        raise InputError(f"{out}: exists and is not an LP export (expected a new or empty folder, or one holding "
                         f"only {MANIFEST} and .lp files, which is replaced)")


def export_lp(out_dir, certificates=None, expression: str | None = None,
              bell_value=DEFAULT_BELL_VALUE, representatives: bool = False, progress: Progress = None) -> dict:
    """Write one LP file per pair and ``export.json`` into ``out_dir``; returns a summary.

    Args:
        out_dir: the folder to write (new, empty, or an earlier LP export, which
            is replaced only once the new one is complete).
        certificates: the certificates folder (default ``./certificates``).
        expression: None for the Lemma-11 certificates, else a library name.
        bell_value: V >= 0 (an exact number or its text, such as ``"1/10"``).
        representatives: only the pairs with their own document (for
            ``mermin5`` the orbit representatives; the other pairs have the same
            value by the checked symmetry map).
        progress: ``progress(done, total)`` per file written.

    Raises :class:`~certify.errors.InputError` (nothing written) when PuLP's
    file would not be exact, e.g. when V has a denominator above 10^12.
    """
    bell_value = parse_exact(bell_value, "--bell-value")
    if bell_value < 0:
        raise InputError(f"--bell-value: expected a number >= 0, got {format_exact(bell_value)}")
    out = Path(out_dir).absolute()        # "." has no name to stage beside
    _check_output_folder(out)
    certified = certified_set(certificates, expression)
    targets = sorted(certified.value_functions) if representatives else None
    lps = pair_lps(certified, bell_value, targets)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for done, lp in enumerate(lps, start=1):
            write_lp(lp.model, staging / lp.file, str(Path(out_dir) / lp.file))
            if progress is not None:
                progress(done, len(lps))
        write_atomic(staging / MANIFEST, dumps(_manifest(certified, bell_value, lps)))
        os.chmod(staging, 0o755)
        replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {"directory": str(out_dir), "files": len(lps), "certificates": certified.source,
            "expression": certified.expression.name, "bell_value": format_exact(bell_value)}


# -- reading an export back --------------------------------------------------------------------

def _expect(value, where: str, keys: set[str]) -> dict:
    if not isinstance(value, dict) or set(value) != keys:
        found = sorted(value) if isinstance(value, dict) else type(value).__name__
        raise InputError(f"{where}: expected an object with exactly the keys {sorted(keys)}, got {found}")
    return value


def read_manifest(path: Path) -> dict:
    """``export.json`` checked against the format (``certify/lp-export``, version 1):
    returns ``{"expression": name or None, "bell_value": Fraction, "pairs": [key, ...],
    "document": the parsed JSON}``. The values it lists are re-derived from the
    certificates by :func:`load_export`, never trusted."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path.parent}: no {MANIFEST} (expected a folder written by `certify export --lp`)")
    document = load_document(path)
    where = str(path)
    _expect(document, f"{where}: $", {"format", "version", "certificates", "expression", "bell_value", "penalty",
                                      "lp", "solve", "lps"})
    if document["format"] != EXPORT_FORMAT or document["version"] != EXPORT_VERSION or type(document["version"]) is not int:
        raise InputError(f"{where}: expected format {EXPORT_FORMAT!r} version {EXPORT_VERSION}, "
                         f"got {document['format']!r} version {document['version']!r}")
    source = document["certificates"]
    if source == LEMMA11:
        expression, expected_name = None, paper_bell_expression().name
    elif isinstance(source, str) and source.startswith("expressions/") and source[len("expressions/"):] in LIBRARY:
        expression = expected_name = source[len("expressions/"):]
    else:
        raise InputError(f"{where}: $.certificates: expected 'lemma11' or 'expressions/<name>' with a name of "
                         f"{expression_names()}, got {source!r}")
    if document["expression"] != expected_name:
        raise InputError(f"{where}: $.expression: expected {expected_name!r} for {source}, got {document['expression']!r}")
    bell_value = parse_exact(document["bell_value"], f"{where}: $.bell_value", canonical=True)
    if bell_value < 0:
        raise InputError(f"{where}: $.bell_value: expected a number >= 0, got {document['bell_value']}")
    penalty = _expect(document["penalty"], f"{where}: $.penalty", {"sign", "offset"})
    if type(penalty["sign"]) is not int or penalty["sign"] not in (1, -1):
        raise InputError(f"{where}: $.penalty.sign: expected 1 or -1, got {penalty['sign']!r}")
    parse_exact(penalty["offset"], f"{where}: $.penalty.offset", canonical=True)
    for key in ("lp", "solve"):
        if not isinstance(document[key], str):
            raise InputError(f"{where}: $.{key}: expected a string")
    entries = document["lps"]
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{where}: $.lps: expected a non-empty list")
    scenario = (paper_bell_expression() if expression is None else builtin_expression(expression)).scenario
    pairs, previous = [], -1
    for i, entry in enumerate(entries):
        at = f"{where}: $.lps[{i}]"
        entry = _expect(entry, at, {"file", "pair", "certified_value", "certificate"})
        try:
            target = scenario.index_of_key(entry["pair"])
        except ValueError as error:
            raise InputError(f"{at}.pair: {error}") from None
        if target <= previous:
            raise InputError(f"{at}.pair: pairs must be listed once each, in canonical order")
        previous = target
        if entry["file"] != lp_file_name(scenario, target):
            raise InputError(f"{at}.file: expected {lp_file_name(scenario, target)!r} for pair {entry['pair']}, "
                             f"got {entry['file']!r}")
        parse_exact(entry["certified_value"], f"{at}.certified_value", canonical=True)
        if not isinstance(entry["certificate"], str):
            raise InputError(f"{at}.certificate: expected a string")
        pairs.append(entry["pair"])
    return {"expression": expression, "bell_value": bell_value, "pairs": pairs, "document": document}


def load_export(directory, certificates=None) -> tuple[dict, list[PairLP], dict[str, list[str]]]:
    """The manifest of an LP export folder, the LPs it lists rebuilt from the
    package's definitions and the certificates (never from the LP files), and,
    per pair, where the manifest's own statements differ from the certificates
    (``{pair: [difference, ...]}``, empty when they agree).

    Raises :class:`~certify.errors.InputError` for a missing or malformed
    manifest, a listed file that is missing, or an ``.lp`` file it does not list.
    """
    directory = Path(directory)
    manifest = read_manifest(directory / MANIFEST)
    certified = certified_set(certificates, manifest["expression"])
    scenario = certified.scenario
    lps = pair_lps(certified, manifest["bell_value"], [scenario.index_of_key(p) for p in manifest["pairs"]])
    listed = {lp.file for lp in lps}
    stray = sorted(p.name for p in directory.glob("*.lp") if p.name not in listed)
    if stray:
        raise InputError(f"{directory}: {len(stray)} .lp file(s) not listed in {MANIFEST}, e.g. {stray[0]}")
    missing = [lp.file for lp in lps if not (directory / lp.file).is_file()]
    if missing:
        raise InputError(f"{directory}: {len(missing)} file(s) listed in {MANIFEST} are missing, e.g. {missing[0]}")
    document = manifest["document"]
    shared = []
    penalty = document["penalty"]
    if penalty != {"sign": certified.sign, "offset": format_exact(certified.offset)}:
        shared.append(f"{MANIFEST}: penalty {penalty} differs from the certificates' "
                      f"(sign {certified.sign}, offset {format_exact(certified.offset)})")
    notes = {}
    for lp, entry in zip(lps, document["lps"]):
        own = list(shared)
        if entry["certified_value"] != format_exact(lp.certified_value):
            own.append(f"{MANIFEST}: certified_value {entry['certified_value']}, "
                       f"the certificates give {format_exact(lp.certified_value)}")
        if entry["certificate"] != lp.certificate:
            own.append(f"{MANIFEST}: certificate {entry['certificate']!r}, expected {lp.certificate!r}")
        notes[lp.pair] = own
    return manifest, lps, notes
