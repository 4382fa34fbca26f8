"""Export the certificates as a Coq development (``certify export --coq DIR``).

The Coq route is a second, optional way to check the Lemma-11 certificates:
the Coq kernel, not Python, does the arithmetic. :func:`write_coq_export`
reads the 256 output-bound certificates of ``CERTIFICATES/lemma11/``
(docs/certificate-format.md, "Output-bound certificate") and writes a folder
that plain ``coqc`` (Coq 8.16) builds with ``make``:

* ``Definitions.v`` - what the final theorems speak about: the scenario, the
  no-signalling polytope, the Bell expression B of eq. (7), value functions;
* ``Checker.v`` - a boolean checker of dual certificates over exact
  rationals (``Q``) and its soundness theorems over real-valued boxes;
* ``PaperChecker.v`` - the check of one Lemma-11 certificate and the
  statements it proves; ``Sparse.v`` - how the data files write vectors;
* ``Pairs_u<setting>.v`` - the certificates as data, one lemma
  ``u<setting>_x<outcome>_checked`` per pair proved by ``vm_compute``, and
  the pair's theorems (paper claim, every value-function piece, every
  breakpoint witness, the value function);
* ``Expression.v`` (the stored coefficients are B), ``ValueFunctions.v``
  (the table of value functions) and ``Final.v`` (Lemma 11, eqs. (41)-(42),
  and the exact value functions for every pair; ``Print Assumptions``);
* optionally ``Expr_<name>*.v`` for built-in expressions of other scenarios
  stored as full folders (``certificates/expressions/<name>/``): the value
  function of every pair and the no-signalling minimum of ``bounds.json``;
* ``_CoqProject``, ``Makefile`` and a short ``README.md``.

The exporter checks the *form* of every file (keys, types, canonical
rationals, index ranges, the claim of eq. (42)) and raises
:class:`~certify.errors.InputError` naming file and JSON path; it does not
check the arithmetic, which is Coq's job, so a forged multiplier gives an
export whose build fails at that pair. The Coq templates are package data
(``certify/builder/coq_templates/``). Standard library only (besides the
package's error class and the trusted checker's strict readers); the output
is deterministic, and the words of unfinished or assumed proofs appear
nowhere in it (:data:`FORBIDDEN_WORDS`; the generator refuses otherwise).

>>> sparse_vector([(0, (1, 9)), (3, (-2, 3)), (7, (-1, 1))])
'[0 |-> 1/9; 3 |-> -2/3; 7 |-> -1]'
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from certify.builder.jsonio import write_folder
from certify.checker import core as checker
from certify.checker import files as checker_files
from certify.errors import InputError

__all__ = ["write_coq_export", "coq_development", "sparse_vector", "template", "build_verdict",
           "printed_assumptions", "FORBIDDEN_WORDS", "LOGICAL_NAME", "TEMPLATES", "STANDARD_AXIOMS"]

LOGICAL_NAME = "Certify"
"""The Coq library name of the export (``-Q . Certify``)."""

TEMPLATES = ("Definitions.v", "Checker.v", "Sparse.v", "PaperChecker.v", "Expressions.v")
"""The fixed Coq files, copied verbatim from ``certify/builder/coq_templates/``."""

FORBIDDEN_WORDS = ("admitted", "axiom", "parameter")
"""Never in an export, comments included (compared in lower case), so that a plain
search shows that no proof is left open and nothing is assumed beyond Coq's library."""

STANDARD_AXIOMS = frozenset({"ClassicalDedekindReals.sig_forall_dec",
                             "FunctionalExtensionality.functional_extensionality_dep"})
"""The two axioms that Coq's real numbers (``Reals``) bring; the only ones the final theorems
may depend on (``Print Assumptions``)."""

PROJECT_LINE = "# Written by `certify export --coq`; every export replaces this folder."
"""First line of ``_CoqProject``: marks a folder that a new export may replace."""

PAPER_SHAPE = ((2, 2, 2, 2), (2, 2, 2, 2))
NUM_PROBABILITIES = 256
NUM_ROWS = 16 + 4 * 8 * 8
MAX_EXPRESSION_PROBABILITIES = 4096  # the Coq checker's lists are not meant for more
SMALL_INT = 1 << 62  # |numerator| < 2^62 and denominator, index < 2^62 use primitive integers


# -- reading: the form of each file, with the trusted checker's strict readers --------------

def _malformed(call, *args):
    """Run one of the checker's readers; its errors become :class:`InputError`."""
    try:
        return call(*args)
    except checker.CheckError as error:
        raise InputError(str(error)) from None


def _rational(value, where: str) -> tuple[int, int]:
    return _malformed(checker.parse_rational, value, where)


def _sparse(value, size: int, where: str) -> list[tuple[int, tuple[int, int]]]:
    """A sparse vector (indices increasing below ``size``, canonical non-zero rationals)."""
    _malformed(checker.sparse, value, size, where)
    return [(index, checker.parse_rational(text, where)) for index, text in value]


def _exactly(value, expected, where: str, what: str) -> None:
    if type(value) is not type(expected) or value != expected:
        raise InputError(f"{where}: expected {what}, found {value!r}"[:400])


def _value_function(value, size: int, num_rows: int, where: str) -> tuple[list[dict], list[dict]]:
    breakpoints, pieces = _malformed(checker.fields, value, where, ("breakpoints", "pieces"))
    points = []
    for k, point in enumerate(_malformed(checker.array, breakpoints, f"{where}.breakpoints", 1, 4096)):
        at = f"{where}.breakpoints[{k}]"
        delta, number, witness = _malformed(checker.fields, point, at, ("bell_value", "value", "witness"))
        points.append({"delta": _rational(delta, f"{at}.bell_value"), "value": _rational(number, f"{at}.value"),
                       "witness": _sparse(witness, size, f"{at}.witness")})
    lines = []
    for k, piece in enumerate(_malformed(checker.array, pieces, f"{where}.pieces", 1, 4096)):
        at = f"{where}.pieces[{k}]"
        constant, slope, certificate = _malformed(checker.fields, piece, at, ("constant", "slope", "certificate"))
        bound, multipliers = _malformed(checker.fields, certificate, f"{at}.certificate", ("bound", "multipliers"))
        lines.append({"constant": _rational(constant, f"{at}.constant"), "slope": _rational(slope, f"{at}.slope"),
                      "bound": _rational(bound, f"{at}.certificate.bound"),
                      "multipliers": _sparse(multipliers, num_rows, f"{at}.certificate.multipliers")})
    if len(lines) != len(points):
        raise InputError(f"{where}.pieces: {len(lines)} pieces for {len(points)} breakpoints "
                         f"(the format has one piece per breakpoint)")
    return points, lines


def _shape(scenario, where: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    parties, settings, outcomes = _malformed(checker.fields, scenario, where, ("parties", "settings", "outcomes"))
    _malformed(checker.integer, parties, f"{where}.parties", 1, 8)
    return tuple(tuple(_malformed(checker.integer, count, f"{where}.{key}[{k}]", 1, 10)
                       for k, count in enumerate(_malformed(checker.array, counts, f"{where}.{key}",
                                                            parties, parties)))
                 for key, counts in (("settings", settings), ("outcomes", outcomes)))


def _target(target, shape, where: str, setting: str, outcome: str) -> int:
    found_setting, found_outcome, index = _malformed(checker.check_target, target, shape, where)
    if (found_setting, found_outcome) != (setting, outcome):
        raise InputError(f"{where}: names P({found_outcome}|{found_setting}); the file name says "
                         f"P({outcome}|{setting})")
    return index


def _read_lemma11_document(path: Path, label: str, setting: str, outcome: str) -> dict:
    document = _malformed(checker_files.read_json, path, label)
    keys = ("format", "version", "scenario", "expression", "target", "paper_claim", "value_function")
    kind, version, scenario, expression, target, claim, value_function = _malformed(
        checker.fields, document, f"{label}: $", keys)
    _exactly(kind, "certify/output-bound", f"{label}: $.format", "'certify/output-bound'")
    _exactly(version, 1, f"{label}: $.version", "1")
    if _shape(scenario, f"{label}: $.scenario") != PAPER_SHAPE:
        raise InputError(f"{label}: $.scenario: expected the paper's scenario (four parties, two settings "
                         f"and two outcomes each)")
    name, direction, coefficients = _malformed(checker.fields, expression, f"{label}: $.expression",
                                               ("name", "direction", "coefficients"))
    _exactly(name, "paper", f"{label}: $.expression.name", "'paper' (eq. (7))")
    _exactly(direction, "minimise", f"{label}: $.expression.direction", "'minimise'")
    constant, slope, certificate, witness = _malformed(checker.fields, claim, f"{label}: $.paper_claim",
                                                       ("constant", "slope", "certificate", "witness"))
    _exactly(constant, "1/3", f"{label}: $.paper_claim.constant", "'1/3' (eq. (42))")
    _exactly(slope, "2/3", f"{label}: $.paper_claim.slope", "'2/3' (eq. (42))")
    bound, multipliers = _malformed(checker.fields, certificate, f"{label}: $.paper_claim.certificate",
                                    ("bound", "multipliers"))
    breakpoints, pieces = _value_function(value_function, NUM_PROBABILITIES, NUM_ROWS,
                                          f"{label}: $.value_function")
    return {
        "setting": setting, "outcome": outcome, "file": label,
        "index": _target(target, PAPER_SHAPE, f"{label}: $.target", setting, outcome),
        "coefficients": _sparse(coefficients, NUM_PROBABILITIES, f"{label}: $.expression.coefficients"),
        "claim_bound": _rational(bound, f"{label}: $.paper_claim.certificate.bound"),
        "claim_multipliers": _sparse(multipliers, NUM_ROWS, f"{label}: $.paper_claim.certificate.multipliers"),
        "claim_witness": _sparse(witness, NUM_PROBABILITIES, f"{label}: $.paper_claim.witness"),
        "breakpoints": breakpoints, "pieces": pieces,
    }


def _pair_files(folder: Path, label: str, setting_tuples: list[str], outcome_tuples: list[str],
                allowed: frozenset = frozenset()) -> None:
    """The folder holds exactly one ``u<setting>-x<outcome>.json`` per pair (and ``allowed``)."""
    if folder.is_symlink() or not folder.is_dir():
        raise InputError(f"{label}: not a folder of certificates (run `certify regenerate`, or give "
                         f"--certificates DIR)")
    expected = {f"u{u}-x{x}.json" for u in setting_tuples for x in outcome_tuples}
    present = {path.name for path in folder.iterdir() if path.suffix == ".json"}
    unexpected = sorted(present - expected - allowed)
    if unexpected:
        raise InputError(f"{label}/{unexpected[0]}: unexpected file; expected one file "
                         f"u<setting>-x<outcome>.json per pair")
    missing = sorted(expected - present)
    if missing:
        raise InputError(f"{label}/{missing[0]}: missing; the Coq export needs a certificate for "
                         f"every pair ({len(missing)} missing)")


def _tuples(sizes) -> list[str]:
    tuples = [""]
    for size in sizes:
        tuples = [t + str(a) for t in tuples for a in range(size)]
    return tuples


def read_lemma11(certificates: Path) -> list[dict]:
    """The 256 Lemma-11 documents of ``certificates/lemma11/``, in canonical order, checked
    for form only; all of them must state the same coefficients."""
    folder = Path(certificates) / "lemma11"
    settings = _tuples(PAPER_SHAPE[0])
    _pair_files(folder, str(folder), settings, settings)
    pairs = []
    for u in settings:
        for x in settings:
            label = f"{folder}/u{u}-x{x}.json"
            pair = _read_lemma11_document(folder / f"u{u}-x{x}.json", label, u, x)
            if pairs and pair["coefficients"] != pairs[0]["coefficients"]:
                raise InputError(f"{label}: $.expression.coefficients: differ from {pairs[0]['file']}")
            pairs.append(pair)
    return pairs


def _read_expression_header(document, label: str, keys: tuple[str, ...], name: str):
    values = _malformed(checker.fields, document, f"{label}: $", keys)
    shape = _shape(values[2], f"{label}: $.scenario")
    expression_name, direction, coefficients = _malformed(
        checker.fields, values[3], f"{label}: $.expression", ("name", "direction", "coefficients"))
    _exactly(expression_name, name, f"{label}: $.expression.name", f"{name!r} (the folder's name)")
    size = checker.size_of(shape)
    if size > MAX_EXPRESSION_PROBABILITIES:
        raise InputError(f"{label}: $.scenario: {size} probabilities; the Coq export handles at most "
                         f"{MAX_EXPRESSION_PROBABILITIES}")
    sign, offset = _malformed(checker.fields, values[4], f"{label}: $.penalty", ("sign", "offset"))
    if direction != "minimise" or sign != 1 or type(sign) is not int or offset != "0":
        raise InputError(f"{label}: $.penalty: the Coq export handles expressions minimised with penalty "
                         f"sign 1 and offset 0 (every built-in expression); found direction "
                         f"{direction!r}, sign {sign!r}, offset {offset!r}")
    return values, shape, _sparse(coefficients, size, f"{label}: $.expression.coefficients")


def read_expression(certificates: Path, name: str) -> dict:
    """The full folder ``certificates/expressions/<name>/``: ``bounds.json`` and one
    ``certify/expression-bound`` document per pair, checked for form only."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name or ""):
        raise InputError(f"expression {name!r}: expected a name of letters, digits, '-' and '_'")
    folder = Path(certificates) / "expressions" / name
    label = str(folder)
    if (folder / "symmetry.json").exists():
        raise InputError(f"{label}: stored by orbit representatives (symmetry.json); the Coq export "
                         f"handles full folders with one document per pair")
    bounds_label = f"{label}/bounds.json"
    if not (folder / "bounds.json").is_file():
        raise InputError(f"{bounds_label}: missing (or {label} is not a folder of expression certificates)")
    keys = ("format", "version", "scenario", "expression", "penalty", "local_bound", "ns_optimum",
            "is_bell_inequality", "max_output_probability_at_ns_optimum")
    document = _malformed(checker_files.read_json, folder / "bounds.json", bounds_label)
    values, shape, coefficients = _read_expression_header(document, bounds_label, keys, name)
    _exactly(values[0], "certify/expression-bounds", f"{bounds_label}: $.format", "'certify/expression-bounds'")
    _exactly(values[1], 1, f"{bounds_label}: $.version", "1")
    size = checker.size_of(shape)
    num_rows = len(checker.no_signalling_rows(*shape)[0])
    value, certificate, witness = _malformed(checker.fields, values[6], f"{bounds_label}: $.ns_optimum",
                                             ("value", "certificate", "witness"))
    bound, multipliers = _malformed(checker.fields, certificate, f"{bounds_label}: $.ns_optimum.certificate",
                                    ("bound", "multipliers"))
    ns_optimum = {"value": _rational(value, f"{bounds_label}: $.ns_optimum.value"),
                  "bound": _rational(bound, f"{bounds_label}: $.ns_optimum.certificate.bound"),
                  "multipliers": _sparse(multipliers, num_rows,
                                         f"{bounds_label}: $.ns_optimum.certificate.multipliers"),
                  "witness": _sparse(witness, size, f"{bounds_label}: $.ns_optimum.witness")}
    setting_tuples, outcome_tuples = _tuples(shape[0]), _tuples(shape[1])
    _pair_files(folder, label, setting_tuples, outcome_tuples, frozenset({"bounds.json"}))
    pairs = []
    keys = ("format", "version", "scenario", "expression", "penalty", "ns_optimum", "target", "value_function")
    for u in setting_tuples:
        for x in outcome_tuples:
            pair_label = f"{label}/u{u}-x{x}.json"
            document = _malformed(checker_files.read_json, folder / f"u{u}-x{x}.json", pair_label)
            values, pair_shape, pair_coefficients = _read_expression_header(document, pair_label, keys, name)
            _exactly(values[0], "certify/expression-bound", f"{pair_label}: $.format",
                     "'certify/expression-bound'")
            _exactly(values[1], 2, f"{pair_label}: $.version", "2")
            if (pair_shape, pair_coefficients) != (shape, coefficients):
                raise InputError(f"{pair_label}: $.scenario/$.expression: differ from {bounds_label}")
            breakpoints, pieces = _value_function(values[7], size, num_rows, f"{pair_label}: $.value_function")
            pairs.append({"setting": u, "outcome": x, "breakpoints": breakpoints, "pieces": pieces,
                          "index": _target(values[6], shape, f"{pair_label}: $.target", u, x)})
    return {"name": name, "shape": shape, "coefficients": coefficients, "ns_optimum": ns_optimum,
            "setting_tuples": setting_tuples, "outcome_tuples": outcome_tuples, "pairs": pairs}


# -- rendering ---------------------------------------------------------------------------------

def template(name: str) -> str:
    """The text of one fixed Coq file (package data ``certify/builder/coq_templates/``)."""
    if name not in TEMPLATES:
        raise ValueError(f"no Coq template {name!r}; the templates are {', '.join(TEMPLATES)}")
    return resources.files("certify.builder").joinpath("coq_templates", name).read_text(encoding="utf-8")


def _q(value: tuple[int, int]) -> str:
    """A ``Q`` literal: ``p`` or ``p#q`` (read in ``Q_scope``)."""
    p, q = value
    return str(p) if q == 1 else f"{p}#{q}"


def _r(value: tuple[int, int]) -> str:
    """An ``R`` literal as ``qr`` of Checker.v writes it: ``p`` or ``(p/q)``, in parentheses
    unless a non-negative integer (so that it can stand as an argument)."""
    p, q = value
    return str(p) if q == 1 and p >= 0 else f"({p})" if q == 1 else f"({p}/{q})"


def _entry(index: int, value: tuple[int, int]) -> str:
    p, q = value
    if index < SMALL_INT and -SMALL_INT <= p < SMALL_INT and q < SMALL_INT:
        return f"{index} |-> {p}" if q == 1 else f"{index} |-> {p}/{q}"
    return f"big_entry {index} ({p}) {q}"


def sparse_vector(entries, indent: str = "", width: int = 100) -> str:
    """A sparse vector ``[(index, (p, q)), ...]`` in the notation of ``Sparse.v``,
    wrapped to ``width`` columns."""
    lines, current = [], ""
    for item in (_entry(index, value) for index, value in entries):
        candidate = f"{current}; {item}" if current else item
        if current and len(indent) + len(candidate) + 2 > width:
            lines.append(current + ";")
            current = item
        else:
            current = candidate
    if current or not lines:
        lines.append(current)
    return "[" + ("\n" + indent + " ").join(lines) + "]"


def _tuple(digits: str) -> str:
    return "[" + ";".join(digits) + "]"


def _numbers(values) -> str:
    return "[" + "; ".join(str(v) for v in values) + "]"


def _lines(pair) -> str:
    """The value function's lines (constant, slope) as a list of real pairs."""
    return "[" + "; ".join(f"({_r(piece['constant'])}, {_r(piece['slope'])})" for piece in pair["pieces"]) + "]%R"


def _in_pattern(count: int) -> str:
    """Intro pattern for ``In v [t_1; ...; t_count]``: ``t_1 = v \\/ ... \\/ False``."""
    pattern = "[]"
    for _ in range(count):
        pattern = f"[<- | {pattern}]"
    return pattern


def _cases(hypothesis: str, kind: str, scenario: str, count: int, tactics: list[str]) -> str:
    """Case analysis on ``In v (settings s)`` or ``In v (outcomes s)``: one branch per tuple,
    in canonical order (``In a [b; ...]`` unfolds to ``b = a \\/ In a [...]``)."""
    return (f"  cbv [{kind} {scenario} {kind}_per_party tuples flat_map map seq app] in {hypothesis}.\n"
            f"  destruct {hypothesis} as {_in_pattern(count)};\n"
            "  [ " + "\n  | ".join(tactics) + " ].\n")


def _header(source: str) -> str:
    return f"(* Written by certify export --coq from {source}; do not edit. *)\n"


def _pair_name(pair) -> str:
    return f"u{pair['setting']}_x{pair['outcome']}"


def _vector(name: str, entries) -> str:
    """A named sparse vector. [Eval vm_compute] stores it decoded (pairs of [N] and [Q]), so
    that the theorems do not depend on the primitive integers used to write it."""
    return f"Definition {name} : list (N * Q) := Eval vm_compute in\n    {sparse_vector(entries, '    ')}."


def _vectors(name: str, pair) -> list[str]:
    """The pair's witnesses ``<name>_witness_<k>`` and multipliers ``<name>_multipliers_<k>``."""
    return ([_vector(f"{name}_witness_{k}", point["witness"]) for k, point in enumerate(pair["breakpoints"])]
            + [_vector(f"{name}_multipliers_{k}", piece["multipliers"]) for k, piece in enumerate(pair["pieces"])])


def _breakpoints(name: str, pair) -> str:
    return ";\n".join(f"   {{| bp_delta := {_q(point['delta'])}; bp_value := {_q(point['value'])}; "
                      f"bp_witness := {name}_witness_{k} |}}" for k, point in enumerate(pair["breakpoints"]))


def _pieces(name: str, pair) -> str:
    return ";\n".join(f"   {{| pc_constant := {_q(piece['constant'])}; pc_slope := {_q(piece['slope'])}; "
                      f"pc_bound := {_q(piece['bound'])}; pc_multipliers := {name}_multipliers_{k} |}}"
                      for k, piece in enumerate(pair["pieces"]))


def _lemma11_pair(pair) -> str:
    name = _pair_name(pair)
    u, x = _tuple(pair["setting"]), _tuple(pair["outcome"])
    out = [f"(** ** u = {pair['setting']}, x = {pair['outcome']} (lemma11/u{pair['setting']}-x{pair['outcome']}.json) *)"]
    out += _vectors(name, pair)
    # The paper-claim witness is usually one of the breakpoint witnesses; it is then written once.
    shared = [k for k, point in enumerate(pair["breakpoints"]) if point["witness"] == pair["claim_witness"]]
    claim_witness = f"{name}_witness_{shared[0]}" if shared else f"{name}_claim_witness"
    if not shared:
        out.append(_vector(claim_witness, pair["claim_witness"]))
    out += [_vector(f"{name}_claim_multipliers", pair["claim_multipliers"]),
            f"Definition {name} : pair_data := {{|",
            f"  pd_setting := {u}; pd_outcome := {x}; pd_index := {pair['index']};",
            f"  pd_claim_bound := {_q(pair['claim_bound'])}; pd_claim_multipliers := {name}_claim_multipliers;",
            f"  pd_claim_witness := {claim_witness};",
            f"  pd_breakpoints := [\n{_breakpoints(name, pair)}];",
            f"  pd_pieces := [\n{_pieces(name, pair)}] |}}.",
            "",
            f"Lemma {name}_checked : check_pair {name} = true.",
            "Proof. vm_cast_no_check (eq_refl true). Qed.",
            "",
            f"Theorem {name}_paper_claim : line_bound {u} {x} (1/3) (2/3).",
            f"Proof. exact (paper_claim_sound _ {name}_checked). Qed."]
    bound = _r(pair["claim_bound"])
    out += [f"Theorem {name}_best_constant : line_bound {u} {x} {bound} (2/3) "
            f"/\\ line_attained {u} {x} {bound} (2/3).",
            f"Proof. exact (best_constant_sound _ {name}_checked). Qed."]
    for k, piece in enumerate(pair["pieces"]):
        out += [f"Theorem {name}_piece_{k} : line_bound {u} {x} {_r(piece['constant'])} {_r(piece['slope'])}.",
                f"Proof. exact (piece_sound _ {k} {name}_checked eq_refl). Qed."]
    for k, point in enumerate(pair["breakpoints"]):
        out += [f"Theorem {name}_breakpoint_{k} : attained_at {u} {x} {_r(point['delta'])} {_r(point['value'])}.",
                f"Proof. exact (breakpoint_sound _ {k} {name}_checked eq_refl). Qed."]
    out += [f"Theorem {name}_value_function :\n  max_output paper B {u} {x} (lower_envelope {_lines(pair)}).",
            f"Proof. exact (value_function_sound _ {name}_checked). Qed."]
    return "\n".join(out) + "\n"


def _lemma11_setting(setting: str, group: list[dict]) -> str:
    """The 16 outcomes of one setting: paper claims and value functions."""
    u = _tuple(setting)
    names = [_pair_name(pair) for pair in group]
    return (f"(** ** All outcomes x for u = {setting} *)\n"
            f"Theorem u{setting}_paper_claims :\n"
            f"  forall x, In x (outcomes paper) -> line_bound {u} x (1/3) (2/3).\n"
            "Proof.\n  intros x Hx.\n"
            + _cases("Hx", "outcomes", "paper", 16, [f"exact {n}_paper_claim" for n in names]) + "Qed.\n\n"
            f"Theorem u{setting}_value_functions : forall x, In x (outcomes paper) ->\n"
            f"  max_output paper B {u} x (lower_envelope (value_lines {u} x)).\n"
            "Proof.\n  intros x Hx.\n"
            + _cases("Hx", "outcomes", "paper", 16, [f"exact {n}_value_function" for n in names]) + "Qed.\n")


def _lemma11_pairs_file(group: list[dict], title: str) -> str:
    blocks = [_header("certificates/lemma11/*.json")
              + f"(** * Certificates for {title}: data, one [*_checked] lemma per pair\n"
              "    (computed by [vm_compute] in the kernel) and the theorems it gives. *)\n"
              "From Coq Require Import List NArith QArith Reals PrimInt63 Sint63.\n"
              f"From {LOGICAL_NAME} Require Import Definitions Checker Sparse PaperChecker ValueFunctions.\n"
              "Import ListNotations.\nOpen Scope nat_scope.\nOpen Scope sparse_scope.\n"]
    for start in range(0, len(group), 16):
        setting_group = group[start:start + 16]
        blocks += [_lemma11_pair(pair) for pair in setting_group]
        blocks.append(_lemma11_setting(setting_group[0]["setting"], setting_group))
    return "\n".join(blocks)


def _expression_file(coefficients) -> str:
    return (_header("certificates/lemma11/*.json")
            + "(** * The coefficient vector stored in every Lemma-11 certificate\n"
            "    ([expression.coefficients], canonical index order) is the B of eq. (7)\n"
            "    in [Definitions.v].  The checker uses [B] itself, not this list. *)\n"
            "From Coq Require Import List NArith QArith PrimInt63 Sint63.\n"
            f"From {LOGICAL_NAME} Require Import Definitions Checker Sparse.\n"
            "Import ListNotations.\nOpen Scope nat_scope.\nOpen Scope sparse_scope.\n\n"
            + _vector("certificate_coefficients", coefficients) + "\n\n"
            "Lemma B_is_certificate_coefficients :\n"
            "  map (fun c => B (fst c) (snd c)) (cells paper)\n"
            f"  = densify_from 0 {NUM_PROBABILITIES} certificate_coefficients.\n"
            "Proof. vm_compute. reflexivity. Qed.\n")


def _value_functions_file(pairs) -> str:
    table = ";\n".join(f"  ({_tuple(p['setting'])}, {_tuple(p['outcome'])}, {_lines(p)})" for p in pairs)
    return "\n".join([
        _header("certificates/lemma11/*.json"),
        "(** * The value functions, one row (u, x, lines) per pair: for every",
        "    delta >= 0, v(delta) = max { P(x|u) : P no-signalling, B.P <= delta }",
        "    is the minimum over the lines (c, s) of c + s delta (theorem",
        "    [value_functions] of [Final.v], with [max_output] of [Definitions.v]). *)",
        "From Coq Require Import List Reals.",
        f"From {LOGICAL_NAME} Require Import Definitions Checker.",
        "Import ListNotations.", "Open Scope nat_scope.", "",
        "Definition value_function_table : list (list nat * list nat * list (R * R)) := [",
        table + "].", "",
        "Definition value_lines (u x : list nat) : list (R * R) :=",
        "  match find (fun e => (tuple_eqb (fst (fst e)) u && tuple_eqb (snd (fst e)) x)%bool)",
        "              value_function_table with",
        "  | Some e => snd e",
        "  | None => []",
        "  end."]) + "\n"


def _final_file(pairs, module_of: dict[str, str]) -> str:
    settings = sorted({pair["setting"] for pair in pairs})
    modules = sorted(set(module_of.values()))
    tight = next((pair for pair in pairs if pair["claim_bound"] == (1, 3)), None)
    out = [_header("certificates/lemma11/*.json"),
           "(** * The final theorems.  Read them with [Definitions.v] (and the table of",
           "    [ValueFunctions.v]): they speak about real-valued boxes in the",
           "    no-signalling polytope and the B of eq. (7), not about certificates. *)",
           "From Coq Require Import List QArith Reals Lra.",
           f"From {LOGICAL_NAME} Require Import Definitions Checker PaperChecker Expression ValueFunctions.",
           f"From {LOGICAL_NAME} Require " + " ".join(modules) + ".",
           "Import ListNotations.", "Open Scope nat_scope.", "",
           "(** Lemma 11, eqs. (41)-(42): for every setting u, outcome x and",
           "    delta >= 0, every no-signalling box P with B.P <= delta has",
           "    P(x|u) <= (1 + 2 delta) / 3.  (Eq. (41) divides both sides of",
           "    B.P <= delta by |U| = 16.) *)",
           "Theorem lemma_11 : forall u x, In u (settings paper) -> In x (outcomes paper) ->",
           "  forall (delta : R) (P : box), (0 <= delta)%R -> no_signalling_box paper P ->",
           "  (bell P <= delta)%R -> (P u x <= (1 + 2 * delta) / 3)%R.",
           "Proof.",
           "  intros u x Hu Hx delta P Hd HP HB.",
           "  enough (H : line_bound u x (1/3) (2/3)) by (specialize (H P HP); lra).",
           _cases("Hu", "settings", "paper", 16,
                  [f"exact ({module_of[s]}.u{s}_paper_claims x Hx)" for s in settings]).rstrip("\n"),
           "Qed.", "",
           "(** The exact value function of every pair (table in [ValueFunctions.v]). *)",
           "Theorem value_functions : forall u x, In u (settings paper) -> In x (outcomes paper) ->",
           "  max_output paper B u x (lower_envelope (value_lines u x)).",
           "Proof.",
           "  intros u x Hu Hx.",
           _cases("Hu", "settings", "paper", 16,
                  [f"exact ({module_of[s]}.u{s}_value_functions x Hx)" for s in settings]).rstrip("\n"),
           "Qed.", ""]
    theorems = ["lemma_11", "value_functions"]
    if tight is not None:
        u, x = _tuple(tight["setting"]), _tuple(tight["outcome"])
        out += [f"(** The constant 1/3 of Lemma 11 cannot be lowered: for u = {tight['setting']}, "
                f"x = {tight['outcome']}",
                "    some no-signalling box has P(x|u) = 1/3 + 2/3 B.P. *)",
                "Theorem lemma_11_constant_is_attained : exists u x P,",
                "  In u (settings paper) /\\ In x (outcomes paper) /\\ no_signalling_box paper P",
                "  /\\ P u x = (1/3 + 2/3 * bell P)%R.",
                "Proof.",
                f"  destruct (proj2 {module_of[tight['setting']]}.{_pair_name(tight)}_best_constant)"
                " as [P [HP HPt]].",
                f"  exists {u}, {x}, P; split; [cbv; tauto | split; [cbv; tauto | auto]].",
                "Qed.", ""]
        theorems.append("lemma_11_constant_is_attained")
    out += [f"Print Assumptions {name}." for name in theorems]
    return "\n".join(out) + "\n"


def _groups(pairs: list[dict], pairs_per_file: int) -> list[list[dict]]:
    """Consecutive pairs, whole settings per group, about ``pairs_per_file`` each."""
    groups, current = [], []
    for pair in pairs:
        starts_setting = not current or pair["setting"] != current[-1]["setting"]
        if starts_setting and len(current) >= pairs_per_file:
            groups.append(current)
            current = []
        current.append(pair)
    if current:
        groups.append(current)
    return groups


def _module_name(prefix: str, group: list[dict]) -> str:
    first, last = group[0]["setting"], group[-1]["setting"]
    return f"{prefix}_u{first}" if first == last else f"{prefix}_u{first}_u{last}"


# -- other expressions (certificates/expressions/<name>/) ---------------------------------------

def _coq_ident(name: str) -> str:
    """The expression's name as a Coq identifier (file names ``Expr_<ident>*.v``)."""
    ident = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return ident if ident[:1].isalpha() else "e_" + ident


def _prefix(expression) -> str:
    """Prefix of the expression's Coq names (``expr_chsh_scenario``), apart from the paper's."""
    return f"expr_{_coq_ident(expression['name'])}"


def _expression_base(expression) -> str:
    e = _prefix(expression)
    size_out = len(expression["outcome_tuples"])
    table = []
    for index, value in expression["coefficients"]:
        u = expression["setting_tuples"][index // size_out]
        x = expression["outcome_tuples"][index % size_out]
        table.append(f"({_tuple(u)}, {_tuple(x)}, ({_q(value)})%Q)")
    settings, outcomes = expression["shape"]
    ns = expression["ns_optimum"]
    return "\n".join([
        _header(f"certificates/expressions/{expression['name']}/*.json"),
        f"(** * The built-in expression [{expression['name']}]: its scenario and coefficients",
        "    (the certificates' [expression.coefficients], written with tuples), and",
        "    its minimum over the no-signalling polytope ([bounds.json]). *)",
        "From Coq Require Import List NArith QArith Reals PrimInt63 Sint63.",
        f"From {LOGICAL_NAME} Require Import Definitions Checker Sparse Expressions.",
        "Import ListNotations.", "Open Scope nat_scope.", "Open Scope sparse_scope.", "",
        f"Definition {e}_scenario : scenario := {{| settings_per_party := {_numbers(settings)};",
        f"  outcomes_per_party := {_numbers(outcomes)} |}}.", "",
        "(** C(x,u) as (u, x, C(x,u)) for its non-zero coefficients. *)",
        f"Definition {e}_table : list (list nat * list nat * Q) :=",
        "  [" + ";\n   ".join(table) + "].",
        f"Definition {e}_C : list nat -> list nat -> Q := expression_of_table {e}_table.", "",
        f"Lemma {e}_scenario_ok : scenario_ok {e}_scenario = true.",
        "Proof. vm_cast_no_check (eq_refl true). Qed.", "",
        "(** The rows, cells and form of C, computed once (and checked equal to their definitions). *)",
        f"Definition {e}_rows : list (form * Q) := Eval vm_compute in rows {e}_scenario.",
        f"Definition {e}_cells : list cell := Eval vm_compute in cells {e}_scenario.",
        f"Definition {e}_form : form := Eval vm_compute in expr_form {e}_scenario {e}_C.",
        f"Lemma {e}_rows_ok : {e}_rows = rows {e}_scenario.",
        f"Proof. vm_cast_no_check (eq_refl {e}_rows). Qed.",
        f"Lemma {e}_cells_ok : {e}_cells = cells {e}_scenario.",
        f"Proof. vm_cast_no_check (eq_refl {e}_cells). Qed.",
        f"Lemma {e}_form_ok : {e}_form = expr_form {e}_scenario {e}_C.",
        f"Proof. vm_cast_no_check (eq_refl {e}_form). Qed.", "",
        _vector(f"{e}_ns_witness", ns["witness"]),
        _vector(f"{e}_ns_multipliers", ns["multipliers"]),
        f"Definition {e}_ns_certificate : ns_minimum_data := {{|",
        f"  nm_value := {_q(ns['value'])}; nm_bound := {_q(ns['bound'])};",
        f"  nm_multipliers := {e}_ns_multipliers; nm_witness := {e}_ns_witness |}}.",
        f"Lemma {e}_ns_checked : check_ns_minimum {e}_scenario {e}_C {e}_ns_certificate = true.",
        "Proof. vm_cast_no_check (eq_refl true). Qed.", "",
        f"(** min {{ C.P : P no-signalling }} = {_r(ns['value'])} ([bounds.json], ns_optimum). *)",
        f"Theorem {e}_ns_minimum : ns_minimum {e}_scenario {e}_C {_r(ns['value'])}.",
        f"Proof. exact (ns_minimum_sound _ _ _ {e}_scenario_ok {e}_ns_checked). Qed."]) + "\n"


def _expression_pairs_file(expression, group: list[dict], base: str) -> str:
    e = _prefix(expression)
    out = [_header(f"certificates/expressions/{expression['name']}/*.json"),
           f"(** * Value-function certificates of [{expression['name']}] for "
           f"u = {group[0]['setting']} .. {group[-1]['setting']}. *)",
           "From Coq Require Import List NArith QArith Reals PrimInt63 Sint63.",
           f"From {LOGICAL_NAME} Require Import Definitions Checker Sparse Expressions {base}.",
           "Import ListNotations.", "Open Scope nat_scope.", "Open Scope sparse_scope.", ""]
    for pair in group:
        name = f"{e}_{_pair_name(pair)}"
        u, x = _tuple(pair["setting"]), _tuple(pair["outcome"])
        out += _vectors(name, pair)
        out += [f"Definition {name} : expression_pair := {{|",
                f"  ep_setting := {u}; ep_outcome := {x}; ep_index := {pair['index']};",
                f"  ep_breakpoints := [\n{_breakpoints(name, pair)}];",
                f"  ep_pieces := [\n{_pieces(name, pair)}] |}}.",
                f"Lemma {name}_checked :\n  check_expression_pair {e}_rows {e}_cells {e}_form {e}_scenario {e}_C "
                f"{name} = true.",
                "Proof. vm_cast_no_check (eq_refl true). Qed.",
                f"Theorem {name}_value_function :\n  max_output {e}_scenario {e}_C {u} {x} "
                f"(lower_envelope {_lines(pair)}).",
                f"Proof.\n  exact (expression_pair_sound _ _ _ _ _ _ {e}_scenario_ok {e}_rows_ok {e}_cells_ok "
                f"{e}_form_ok\n                                {name}_checked).\nQed.", ""]
    return "\n".join(out) + "\n"


def _expression_final(expression, base: str, module_of: dict[str, str]) -> str:
    e = _prefix(expression)
    settings, outcomes = expression["setting_tuples"], expression["outcome_tuples"]
    rows = ";\n".join(f"  ({_tuple(p['setting'])}, {_tuple(p['outcome'])}, {_lines(p)})"
                      for p in expression["pairs"])
    out = [_header(f"certificates/expressions/{expression['name']}/*.json"),
           f"(** * [{expression['name']}]: the exact value function of every pair and the",
           "    no-signalling minimum, about the definitions of [Definitions.v]. *)",
           "From Coq Require Import List QArith Reals.",
           f"From {LOGICAL_NAME} Require Import Definitions Checker Expressions {base}.",
           f"From {LOGICAL_NAME} Require " + " ".join(sorted(set(module_of.values()))) + ".",
           "Import ListNotations.", "Open Scope nat_scope.", "",
           f"Definition {e}_value_function_table : list (list nat * list nat * list (R * R)) := [",
           rows + "].", "",
           f"(** For every pair (u, x) and delta >= 0: max {{ P(x|u) : P no-signalling, C.P <= delta }}",
           "    is the minimum of the pair's lines in the table. *)",
           f"Theorem {e}_value_functions : forall u x,",
           f"  In u (settings {e}_scenario) -> In x (outcomes {e}_scenario) ->",
           f"  max_output {e}_scenario {e}_C u x (lower_envelope (lines_of {e}_value_function_table u x)).",
           "Proof.", "  intros u x Hu Hx.",
           f"  cbv [settings outcomes {e}_scenario settings_per_party outcomes_per_party tuples",
           "       flat_map map seq app] in Hu, Hx.",
           f"  destruct Hu as {_in_pattern(len(settings))};",
           f"  destruct Hx as {_in_pattern(len(outcomes))};",
           "  [ " + "\n  | ".join(f"exact {module_of[u]}.{e}_u{u}_x{x}_value_function"
                                 for u in settings for x in outcomes) + " ]."]
    out += ["Qed.", "", f"Print Assumptions {e}_value_functions.", f"Print Assumptions {e}_ns_minimum."]
    return "\n".join(out) + "\n"


def _expression_files(expression, pairs_per_file: int) -> dict[str, str]:
    e = _coq_ident(expression["name"])
    base = f"Expr_{e}"
    files = {f"{base}.v": _expression_base(expression)}
    module_of = {}
    for group in _groups(expression["pairs"], pairs_per_file):
        module = _module_name(f"{base}_pairs", group)
        files[f"{module}.v"] = _expression_pairs_file(expression, group, base)
        module_of.update({pair["setting"]: module for pair in group})
    files[f"{base}_final.v"] = _expression_final(expression, base, module_of)
    return files


# -- the build files ---------------------------------------------------------------------------

def _makefile(dependencies: dict[str, list[str]], goals: list[str]) -> str:
    rules = "\n".join(f"{target}.vo: " + " ".join(f"{d}.vo" for d in needs)
                      for target, needs in dependencies.items() if needs)
    return f"""# Written by certify export --coq.  Build: make -j2   (plain coqc 8.16, no plugins)
COQC ?= coqc
COQFLAGS = -Q . {LOGICAL_NAME}

all: {" ".join(f"{goal}.vo" for goal in goals)}

%.vo: %.v
\t$(COQC) $(COQFLAGS) $<

{rules}

clean:
\trm -f *.vo *.vok *.vos *.glob .*.aux .lia.cache .nia.cache .nra.cache

.PHONY: all clean
"""


def _readme(summary: dict) -> str:
    expressions = "".join(f"\n* `Expr_{_coq_ident(name)}*.v`: the built-in expression `{name}` "
                          f"({count} pairs): value functions and no-signalling minimum."
                          for name, count in summary["expressions"].items())
    expressions = f"\nAlso exported:\n{expressions}\n" if expressions else ""
    return f"""# Coq development written by `certify export --coq`

Brandão et al., "Randomness amplification with a finite number of devices"
(arXiv:1310.4544): Lemma 11 and the exact value functions of its linear programs,
re-checked by the Coq kernel from the certificates of the certify project.

    make -j2        # plain coqc (Coq 8.16); Print Assumptions is part of the output

What to read: `Definitions.v` (the scenario, the no-signalling polytope, the
Bell expression of eq. (7), value functions) and the statements of `Final.v`.
The rest is the checker (`Checker.v`, `PaperChecker.v`, proved sound once), the
certificates as data ({summary['pair_files']} files `Pairs_u*.v`, {summary['pairs']} pairs, each
checked by `vm_compute`) and the tables they prove (`ValueFunctions.v`).
{expressions}
If the build stops at a lemma `u<setting>_x<outcome>_checked`, the certificate of
that pair does not prove its claims (Coq's message shows only that the check
returned false); `certify check certificates/lemma11/u<setting>-x<outcome>.json`
names the part that fails.
"""


def coq_development(certificates: Path, expressions=(), pairs_per_file: int = 16) -> tuple[dict[str, str], dict]:
    """Every file of the export (name -> text) and a summary, without writing anything.

    Raises :class:`InputError` for malformed or missing certificates and
    ``RuntimeError`` if a generated file would contain one of
    :data:`FORBIDDEN_WORDS` or unbalanced comment delimiters.
    """
    if not isinstance(pairs_per_file, int) or isinstance(pairs_per_file, bool) or not 1 <= pairs_per_file <= 256:
        raise InputError(f"pairs per file: expected an integer 1..256, found {pairs_per_file!r}")
    certificates = Path(certificates)
    pairs = read_lemma11(certificates)
    loaded = [read_expression(certificates, name) for name in dict.fromkeys(expressions)]
    files = {name: template(name) for name in TEMPLATES}
    files["Expression.v"] = _expression_file(pairs[0]["coefficients"])
    files["ValueFunctions.v"] = _value_functions_file(pairs)
    module_of = {}
    for group in _groups(pairs, pairs_per_file):
        module = _module_name("Pairs", group)
        title = (f"setting u = {group[0]['setting']}" if group[0]["setting"] == group[-1]["setting"]
                 else f"settings u = {group[0]['setting']} .. {group[-1]['setting']}")
        files[f"{module}.v"] = _lemma11_pairs_file(group, title)
        module_of.update({pair["setting"]: module for pair in group})
    files["Final.v"] = _final_file(pairs, module_of)
    pair_modules = sorted(set(module_of.values()))
    dependencies = {"Checker": ["Definitions"], "PaperChecker": ["Checker"], "Expressions": ["Checker"],
                    "Expression": ["Checker", "Sparse"], "ValueFunctions": ["Checker"]}
    dependencies.update({m: ["PaperChecker", "Sparse", "ValueFunctions"] for m in pair_modules})
    dependencies["Final"] = ["Expression", "ValueFunctions", *pair_modules]
    goals = ["Final"]
    stems = [_coq_ident(expression["name"]) for expression in loaded]
    if len(set(stems)) < len(stems):
        raise InputError(f"expressions {[e['name'] for e in loaded]}: two names give the same Coq file names")
    summary = {"pairs": len(pairs), "pair_files": len(pair_modules), "expressions": {}}
    for expression in loaded:
        expression_files = _expression_files(expression, pairs_per_file)
        files.update(expression_files)
        base = f"Expr_{_coq_ident(expression['name'])}"
        dependencies[base] = ["Expressions", "Sparse"]
        modules = [name[:-2] for name in expression_files if name[:-2] not in (base, f"{base}_final")]
        dependencies.update({m: [base] for m in modules})
        dependencies[f"{base}_final"] = [base, *modules]
        goals.append(f"{base}_final")
        summary["expressions"][expression["name"]] = len(expression["pairs"])
    order = list(files)
    files["_CoqProject"] = "\n".join([PROJECT_LINE, f"-Q . {LOGICAL_NAME}", *order]) + "\n"
    files["Makefile"] = _makefile(dependencies, goals)
    files["README.md"] = _readme(summary)
    for name, text in files.items():
        _refuse_forbidden(name, text)
    summary["files"] = sorted(files)
    summary["theorems"] = [line.split()[2].rstrip(".") for line in files["Final.v"].splitlines()
                           if line.startswith("Print Assumptions")]
    return files, summary


def _refuse_forbidden(name: str, text: str) -> None:
    lowered = text.lower()
    for word in FORBIDDEN_WORDS:
        if word in lowered:
            raise RuntimeError(f"generated {name} contains the word {word!r}; the export is refused")
    if name.endswith(".v") and text.count("(*") != text.count("*)"):
        raise RuntimeError(f"generated {name}: unbalanced comment delimiters; the export is refused")


def _is_earlier_export(folder: Path) -> bool:
    project = folder / "_CoqProject"
    try:
        return project.is_file() and project.read_text(encoding="utf-8").startswith(PROJECT_LINE)
    except (OSError, UnicodeDecodeError):
        return False


def write_coq_export(certificates: Path, out_dir: Path, expressions=(), pairs_per_file: int = 16) -> dict:
    """Write the Coq development for the certificates under ``certificates`` into ``out_dir``.

    Reads ``certificates/lemma11/`` (all 256 pairs) and, for each name in
    ``expressions``, the full folder ``certificates/expressions/<name>/``.
    ``out_dir`` is written all at once (a staging folder renamed into place):
    it must not exist, be empty, or hold an earlier export, which is then
    replaced. Returns a summary: ``directory``, ``files``, ``pairs``,
    ``pair_files``, ``expressions`` (name -> pairs) and ``theorems`` (those
    whose assumptions the build prints). Raises :class:`InputError` for
    malformed input or an unusable output folder.
    """
    files, summary = coq_development(certificates, expressions, pairs_per_file)
    write_folder(Path(out_dir), files, _is_earlier_export)
    return {"directory": str(out_dir), **summary}


# -- reading a build's output ------------------------------------------------------------------

def printed_assumptions(log: str) -> list[frozenset[str]]:
    """The axiom names of each ``Print Assumptions`` in a build's output, in order (an empty
    set for "Closed under the global context").

    >>> [sorted(names) for names in printed_assumptions(
    ...     "Axioms:\\nA.x\\n  : Prop\\nB.y : Prop\\nClosed under the global context\\n")]
    [['A.x', 'B.y'], []]
    """
    blocks, current = [], None
    for line in log.splitlines():
        if line.startswith("Closed under the global context"):
            blocks.append(frozenset())
            current = None
        elif line == "Axioms:":
            current = set()
            blocks.append(current)
        elif current is not None and line[:1].isspace():
            continue  # the type of the name above
        elif current is not None and re.fullmatch(r"[\w.']+( :.*)?", line):
            current.add(line.split()[0])
        else:
            current = None
    return [frozenset(block) for block in blocks]


def build_verdict(returncode: int, stdout: str, stderr: str, theorems: int) -> tuple[bool, str]:
    """Whether ``make`` in an export proved everything: exit 0, ``theorems`` assumption
    listings (at least), none naming an axiom beyond :data:`STANDARD_AXIOMS`. Returns
    ``(passed, one-line detail)``; for a failed build the detail names the file and, for a
    certificate that does not check, the pair.

    >>> build_verdict(2, "", 'File "./Pairs_u0001.v", line 9, characters 1-4:\\nError:\\n'
    ...               'The term "eq_refl" has type "true = true" while it is expected to have type\\n'
    ...               ' "check_pair u0001_x1000 = true".', 3)[1]
    'the build stops in Pairs_u0001.v: check_pair u0001_x1000 = true does not hold'
    """
    if returncode != 0:
        where = re.search(r'File "\./([^"]+)", line (\d+)', stderr)
        goal = re.search(r'expected to have type\s+"([^"]+)"', stderr)
        if where and goal:
            return False, f"the build stops in {where[1]}: {' '.join(goal[1].split())} does not hold"
        if where:
            return False, f"the build stops in {where[1]}, line {where[2]}"
        return False, f"the build failed (exit {returncode}): {' '.join(stderr.split())[-300:]}"
    listed = printed_assumptions(stdout)
    extra = sorted(set().union(*listed) - STANDARD_AXIOMS) if listed else []
    if len(listed) < theorems:
        return False, f"the build printed {len(listed)} assumption listings, expected {theorems}"
    if extra:
        return False, f"the theorems depend on {', '.join(extra)} beyond Coq's real numbers"
    return True, (f"Coq checked every certificate; the {len(listed)} final theorems assume only "
                  f"Coq's real-number axioms")
