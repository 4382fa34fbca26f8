"""Exact LPs as LP-format files: the exact model, PuLP's writer and a strict reader.

An :class:`ExactModel` is the LP

    maximise  c.P   subject to   rows (each ``<=``, ``=`` or ``>=`` a right-hand side),   P >= 0

with *integer* data: a row with rational coefficients is multiplied by the
lowest common multiple of its denominators (:func:`integer_row`). PuLP writes
the file (:func:`write_lp`): it is the modelling layer researchers know, and
its LP format is read by QSopt_ex's ``esolver -L``, CBC and most LP solvers.
Two traps of PuLP 3.3 make the integer rows necessary and the re-read
mandatory: its writer prints every number with ``%.12g`` (1/3 becomes
``0.333333333333``, 1234567890123 becomes ``1.23456789012e+12``), and it
cannot write a ``Fraction`` at all (a ``Decimal`` is turned into a float). So
the written file is read back by :func:`read_lp_text`, a strict parser of the
subset of LP format PuLP writes for such a model, and compared number by
number with the exact model (:func:`compare_model`); a file that differs in
anything is refused and never appears under its name.

Numbers in the file are read exactly with :func:`certify.numbers.parse_exact`
(``1e+13`` is exactly 10^13, ``0.333333333333`` is 333333333333/10^12), after
a check that the token has the shape ``%.12g`` produces.

>>> model = ExactModel("demo", ("x", "y"), ((0, 1),),
...                    (integer_row("c0", [(0, Fraction(1, 3)), (1, 1)], "<=", Fraction(1, 2)),))
>>> model.rows[0].terms, model.rows[0].rhs, model.rows[0].scale
(((0, 2), (1, 6)), 3, 6)
>>> text = "\\\\* demo *\\\\\\nMaximize\\nOBJ: x\\nSubject To\\nc0: 2 x + 6 y <= 3\\nEnd\\n"
>>> compare_model(model, read_lp_text(text))
[]
>>> compare_model(model, read_lp_text(text.replace("6 y", "5 y")))
['row c0, y: file 5 != model 6']
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from certify.errors import InputError
from certify.numbers import parse_exact

__all__ = ["LinearRow", "ExactModel", "ParsedLP", "integer_row", "write_lp", "read_lp_text",
           "read_lp_file", "compare_model", "MAX_LP_BYTES"]

MAX_LP_BYTES = 64 * 2 ** 20
"""LP files larger than this are refused before they are read."""


@dataclass(frozen=True)
class LinearRow:
    """``sum coefficient * column  (sense)  rhs`` with integer data.

    ``terms`` are sorted ``(column index, non-zero integer)`` pairs; ``scale`` is
    the positive factor the rational row was multiplied by (to report a
    floating-point violation in the units of the original row)."""

    name: str
    terms: tuple[tuple[int, int], ...]
    sense: str
    rhs: int
    scale: int = 1


@dataclass(frozen=True)
class ExactModel:
    """maximise ``objective . P`` subject to ``rows`` and ``P >= 0`` (integer data).

    ``column_names[j]`` is the variable name of column j in the file."""

    name: str
    column_names: tuple[str, ...]
    objective: tuple[tuple[int, int], ...]
    rows: tuple[LinearRow, ...]


def integer_row(name: str, terms, sense: str, rhs) -> LinearRow:
    """The rational row ``terms (sense) rhs`` times the lcm of its denominators.

    >>> integer_row("r", [(2, Fraction(1, 2)), (0, Fraction(1, 3)), (1, 0)], "<=", Fraction(1, 10))
    LinearRow(name='r', terms=((0, 10), (2, 15)), sense='<=', rhs=3, scale=30)
    """
    if sense not in ("<=", "=", ">="):
        raise ValueError(f"row {name}: sense must be <=, = or >=, got {sense!r}")
    terms = [(c, Fraction(v)) for c, v in terms if v != 0]
    rhs = Fraction(rhs)
    scale = math.lcm(*(v.denominator for _, v in terms), rhs.denominator)
    scaled = tuple(sorted((c, int(v * scale)) for c, v in terms))
    if len({c for c, _ in scaled}) != len(scaled):
        raise ValueError(f"row {name}: a column is repeated")
    return LinearRow(name, scaled, sense, int(rhs * scale), scale)


# -- writing through PuLP ----------------------------------------------------------------------

class _PulpWriter:
    """PuLP problems for a sequence of models; the rows of consecutive models are
    usually the same object (one export), so the problem is built once and only
    its objective and name change."""

    def __init__(self) -> None:
        self._rows = None
        self._columns = None
        self._problem = None
        self._variables = None

    def problem(self, model: ExactModel):
        import pulp  # the modelling layer: loaded only when LP files are written

        if self._rows is not model.rows or self._columns != model.column_names:
            problem = pulp.LpProblem(model.name, pulp.LpMaximize)
            variables = [problem.add_variable(name, lowBound=0) for name in model.column_names]
            senses = {"<=": pulp.LpConstraintLE, "=": pulp.LpConstraintEQ, ">=": pulp.LpConstraintGE}
            for row in model.rows:
                expression = pulp.LpAffineExpression([(variables[c], v) for c, v in row.terms])
                problem.addConstraint(pulp.LpConstraint(expression, senses[row.sense], name=row.name, rhs=row.rhs))
            self._rows, self._columns, self._problem, self._variables = model.rows, model.column_names, problem, variables
        self._problem.name = model.name
        self._problem.setObjective(pulp.LpAffineExpression([(self._variables[c], v) for c, v in model.objective]))
        return self._problem


_WRITER = _PulpWriter()


def write_lp(model: ExactModel, path: Path, shown_as: str | None = None) -> str:
    """Write ``model`` to ``path`` in LP format through PuLP, exactly, or not at all.

    PuLP writes a temporary file next to ``path``; it is read back with
    :func:`read_lp_text` and compared with the model, and renamed to ``path``
    only when identical. On any difference (PuLP rounds numbers to 12
    significant digits) :class:`~certify.errors.InputError` is raised and
    nothing is left behind. Messages name the file ``shown_as`` (default
    ``path``). Returns the text written.
    """
    path = Path(path)
    shown_as = shown_as or str(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        _WRITER.problem(model).writeLP(temporary)
        with open(temporary, encoding="ascii") as stream:
            text = stream.read()
        differences = compare_model(model, read_lp_text(text, shown_as))
        if differences:
            shown = "; ".join(differences[:3]) + (f" (and {len(differences) - 3} more)" if len(differences) > 3 else "")
            raise InputError(f"{shown_as}: PuLP's LP file would not be exact ({shown}); refused, nothing written")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return text


# -- the strict reader -------------------------------------------------------------------------

@dataclass(frozen=True)
class ParsedLP:
    """An LP file as read: the sense, the objective and the labelled rows, exactly
    (read-only: files with the same rows share one parse)."""

    name: str
    sense: str                                          # "maximise" | "minimise"
    objective: dict[str, int | Fraction]                # variable -> coefficient
    rows: dict[str, tuple[dict[str, int | Fraction], str, int | Fraction]]   # label -> (terms, sense, rhs)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LABEL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):")
_NUMBER = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:e[+-][0-9]{2,4})?")
"""What ``%.12g`` writes for a non-negative finite number (the sign is a separate token)."""
_SECTIONS = ("Bounds", "Generals", "Binaries", "SOS", "Semi-Continuous", "General", "Binary")


def _number(token: str, where: str) -> int | Fraction:
    """A non-negative number token, exactly (an ``int`` when it is plain digits)."""
    if token.isdigit() and (token[0] != "0" or token == "0"):
        return int(token)
    if not _NUMBER.fullmatch(token):
        raise InputError(f"{where}: expected a number as PuLP writes it (such as 3, 0.25 or 1e+13), got {token!r}")
    return parse_exact(token, where)


def _statements(lines: list[tuple[int, str]], where: str, section: str) -> list[tuple[int, str, list[str]]]:
    """``(line number, label, tokens)`` per statement: a statement starts with
    ``label:`` at the start of a line and continues on lines starting with a space."""
    statements: list[tuple[int, str, list[str]]] = []
    for number, line in lines:
        tokens = line.split(" ")
        if line.startswith(" ") and statements and all(tokens[1:]) and tokens[0] == "":
            statements[-1][2].extend(tokens[1:])
            continue
        label = _LABEL.fullmatch(tokens[0])
        if label is None or not all(tokens[1:]):
            raise InputError(f"{where}:{number}: expected 'label: ...' in {section} "
                             f"(single spaces between tokens), got {line!r}")
        statements.append((number, label.group(1), tokens[1:]))
    return statements


def _terms(tokens: list[str], where: str) -> dict[str, int | Fraction]:
    """``[-] [number] variable`` then ``(+|-) [number] variable`` repeated."""
    terms: dict[str, int | Fraction] = {}
    i = 0
    while i < len(tokens):
        sign = 1
        if tokens[i] in ("+", "-"):
            if tokens[i] == "+" and i == 0:
                raise InputError(f"{where}: a leading '+'")
            sign = -1 if tokens[i] == "-" else 1
            i += 1
        elif i > 0:
            raise InputError(f"{where}: expected '+' or '-' before {tokens[i]!r}")
        value: int | Fraction = 1
        if i < len(tokens) and tokens[i][:1].isdigit():
            value = _number(tokens[i], where)
            i += 1
        if i >= len(tokens) or not _NAME.fullmatch(tokens[i]):
            raise InputError(f"{where}: expected a variable name, got {tokens[i] if i < len(tokens) else 'end of row'!r}")
        if tokens[i] in terms:
            raise InputError(f"{where}: variable {tokens[i]} repeated")
        if value == 0:
            raise InputError(f"{where}: zero coefficient for {tokens[i]}")
        terms[tokens[i]] = sign * value
        i += 1
    return terms


def read_lp_text(text: str, where: str = "LP file") -> ParsedLP:
    """Parse exactly what PuLP 3.3's ``writeLP`` produces for a continuous LP with
    non-negative variables, and nothing else.

    The layout is: ``\\* name *\\``, ``Maximize`` or ``Minimize``, one objective
    statement, ``Subject To``, labelled rows ending in ``<=``, ``>=`` or ``=`` and a
    number, ``End``; LF line ends, single spaces, a final newline. A Bounds,
    Generals, Binaries or SOS section (which would change the meaning of the
    variables), a missing label or a number PuLP would not write is an
    :class:`~certify.errors.InputError` naming the line.
    """
    if not text.endswith("\n") or "\r" in text or "\t" in text or not text.isascii():
        raise InputError(f"{where}: expected ASCII text with LF line ends, no tabs and a final newline")
    lines = list(enumerate(text[:-1].split("\n"), start=1))
    title = re.fullmatch(r"\\\* ([A-Za-z0-9_]+) \*\\", lines[0][1])
    if title is None:
        raise InputError(f"{where}:1: expected '\\* name *\\', got {lines[0][1]!r}")
    if len(lines) < 5 or lines[1][1] not in ("Maximize", "Minimize"):
        raise InputError(f"{where}:2: expected 'Maximize' or 'Minimize', got {lines[1][1] if len(lines) > 1 else ''!r}")
    subject = [i for i, (_, line) in enumerate(lines) if line == "Subject To"]
    if len(subject) != 1:
        raise InputError(f"{where}: expected exactly one 'Subject To' line, found {len(subject)}")
    if lines[-1][1] != "End":
        raise InputError(f"{where}:{lines[-1][0]}: expected 'End' as the last line, got {lines[-1][1]!r}")
    body = lines[subject[0] + 1:-1]
    for number, line in body:
        if line.strip() in _SECTIONS or line.strip() == "End":
            raise InputError(f"{where}:{number}: section {line.strip()!r} is not part of the LP files certify writes "
                             "(only rows; every variable is >= 0)")
    objective = _statements(lines[2:subject[0]], where, "the objective")
    if len(objective) != 1:
        raise InputError(f"{where}: expected one objective statement, found {len(objective)}")
    number, _, tokens = objective[0]
    parsed_objective = _terms(tokens, f"{where}:{number}")
    return ParsedLP(title.group(1), "maximise" if lines[1][1] == "Maximize" else "minimise", parsed_objective,
                    _parse_rows(body, where))


_LAST_ROWS: list = [None, None]
"""The text and parse of the last ``Subject To`` section read: the files of one export share
it, so each file's rows are parsed once per process (the same text always parses the same)."""


def _parse_rows(body: list[tuple[int, str]], where: str) -> dict:
    text = "\n".join(line for _, line in body)
    if _LAST_ROWS[0] == text:
        return _LAST_ROWS[1]
    rows: dict = {}
    for number, label, tokens in _statements(body, where, "Subject To"):
        at = f"{where}:{number}"
        if len(tokens) < 2 or tokens[-2] not in ("<=", ">=", "="):
            raise InputError(f"{at}: row {label}: expected '<=', '>=' or '=' and a right-hand side at the end")
        if label in rows:
            raise InputError(f"{at}: row {label} repeated")
        rhs_token = tokens[-1]
        rhs = -_number(rhs_token[1:], at) if rhs_token.startswith("-") else _number(rhs_token, at)
        terms = _terms(tokens[:-2], at)
        if not terms:
            raise InputError(f"{at}: row {label} has no terms")
        rows[label] = (terms, tokens[-2], rhs)
    _LAST_ROWS[:] = [text, rows]
    return rows


def read_lp_file(path: Path) -> ParsedLP:
    """:func:`read_lp_text` of a file (at most :data:`MAX_LP_BYTES`); errors name the file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_LP_BYTES:
            raise InputError(f"{path}: {size} bytes, larger than the {MAX_LP_BYTES} bytes an LP file may have")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: expected ASCII text, found byte {data[error.start]:#x} at offset {error.start}") from None
    return read_lp_text(text, str(path))


def compare_model(model: ExactModel, parsed: ParsedLP) -> list[str]:
    """Every difference between the exact model and a parsed file (empty: the same LP).

    Compared: the sense, every objective coefficient, every row by label (each
    coefficient, the sense and the right-hand side), rows or variables the model
    does not have, and that every column appears in the file (a column missing
    from the file would lose its bound ``P >= 0`` and its place in the rows).
    """
    names = model.column_names
    out = []
    if parsed.sense != "maximise":
        out.append(f"objective sense is {parsed.sense}, expected maximise")
    want_objective = {names[c]: v for c, v in model.objective}
    for variable in sorted(set(parsed.objective) | set(want_objective)):
        if parsed.objective.get(variable, 0) != want_objective.get(variable, 0):
            out.append(f"objective, {variable}: file {parsed.objective.get(variable, 0)} "
                       f"!= model {want_objective.get(variable, 0)}")
    out += _compare_rows(model, parsed.rows)
    used = set(parsed.objective).union(*(terms for terms, _, _ in parsed.rows.values()))
    out += [f"variable {v} is not in the file" for v in names if v not in used]
    return out


_LAST_COMPARISON: list = [None, None, None, None]
"""The last rows compared (model rows, column names, parsed rows, differences): the same
objects always compare the same, and the files of one export share them."""


def _compare_rows(model: ExactModel, rows: dict) -> list[str]:
    key = (model.rows, model.column_names, rows)
    if all(a is b for a, b in zip(_LAST_COMPARISON, key)):
        return list(_LAST_COMPARISON[3])
    names = model.column_names
    known = set(names)
    out: list[str] = []
    expected = {row.name: row for row in model.rows}
    out += [f"row {name} is not in the model" for name in sorted(set(rows) - set(expected))]
    for row in model.rows:
        if row.name not in rows:
            out.append(f"row {row.name} is missing")
            continue
        terms, sense, rhs = rows[row.name]
        want = {names[c]: v for c, v in row.terms}
        for variable in sorted(set(terms) | set(want)):
            if variable not in known:
                out.append(f"row {row.name}: variable {variable} is not in the model")
            elif terms.get(variable, 0) != want.get(variable, 0):
                out.append(f"row {row.name}, {variable}: file {terms.get(variable, 0)} != model {want.get(variable, 0)}")
        if sense != row.sense:
            out.append(f"row {row.name}: sense {sense} != {row.sense}")
        if rhs != row.rhs:
            out.append(f"row {row.name}: rhs {rhs} != {row.rhs}")
    _LAST_COMPARISON[:] = [*key, list(out)]
    return out
