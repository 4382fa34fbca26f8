"""A second opinion on exported LPs: re-solve each file with another solver and compare.

For a folder written by :func:`certify.builder.lp_export.export_lp`,
:func:`resolve_folder` rebuilds every listed LP and its certified value from
the package's definitions and the certificates (never from the folder), then,
for each LP file:

1. reads the file strictly and compares every coefficient, sense and
   right-hand side with the exact model, so an edit to any row, binding or not,
   is reported (:func:`certify.builder.lp_files.compare_model`);
2. solves the file with the chosen solver:

   * ``qsopt``: QSopt_ex's exact rational simplex, ``esolver -L -O SOL FILE``
     (Debian package ``qsopt-ex``). Its optimum and primal solution are read
     exactly (:func:`parse_esolver_solution`); the primal point must satisfy
     every row of the *model* exactly with objective equal to the reported
     optimum (:func:`check_primal`), and the duals must prove that optimum
     (:func:`check_dual`: ``y >= 0`` on ``<=`` rows, ``A^T y >= c``, ``b.y`` =
     optimum);
   * ``cbc``: CBC through PuLP, in floating point: a cross-check with the
     absolute tolerance :data:`CBC_TOLERANCE`, never a proof;
3. compares the optimum with the certified v(V).

The verdict of an LP is ``agree``, ``disagree`` (the file is not the certified
LP, the manifest misstates a value, or the solver's answer differs from the
certificate or fails an exact check) or ``error`` (the solver crashed, timed
out or wrote nothing readable). Nothing is written.

>>> solution = parse_esolver_solution(
...     "status = OPTIMAL\\nstatus OPTIMAL\\n\\tValue = 13/71\\nVARS:\\nx = 5/71\\ny = 8/71\\n"
...     "REDUCED COST:\\nPI:\\nc1 = 9/71\\nc2 = 4/71\\nSLACK:\\n")
>>> solution.value, solution.primal["y"]
(Fraction(13, 71), Fraction(8, 71))
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable

from certify.builder import parallel
from certify.builder.lp_export import PairLP, load_export
from certify.builder.lp_files import ExactModel, ParsedLP, compare_model, read_lp_file
from certify.errors import InputError
from certify.numbers import format_exact, parse_exact

__all__ = ["SOLVERS", "CBC_TOLERANCE", "DEFAULT_TIMEOUT", "EsolverSolution", "LPOutcome", "ResolveReport",
           "find_esolver", "parse_esolver_solution", "run_esolver", "sense_probe", "check_primal", "check_dual",
           "resolve_folder", "report_lines"]

SOLVERS = ("qsopt", "cbc")
CBC_TOLERANCE = 1e-5
"""Absolute tolerance of the floating-point cross-check: objective against the
certified value, and each row (in the units of the row before scaling). CBC's
optimum on the 1024-probability mermin5 LPs at V = 3 is off by up to 2e-6."""
DEFAULT_TIMEOUT = 600.0
"""Seconds allowed for one LP."""
DEBIAN_PACKAGE = "qsopt-ex"

Progress = Callable[[int, int], None] | None


# -- QSopt_ex ----------------------------------------------------------------------------------

def find_esolver(explicit: str | None = None) -> str:
    """The ``esolver`` program (QSopt_ex): ``explicit`` or the one on PATH."""
    path = explicit or shutil.which("esolver")
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise InputError(f"esolver (QSopt_ex) not found{f' at {explicit}' if explicit else ' on PATH'}: install the "
                         f"Debian package {DEBIAN_PACKAGE} (apt-get install {DEBIAN_PACKAGE}), or use --solver cbc "
                         "for a floating-point cross-check")
    return path


@dataclass(frozen=True)
class EsolverSolution:
    """What ``esolver -O`` wrote: the status and, when optimal, exact values
    (only the non-zero entries are listed)."""

    status: str
    value: Fraction | None = None
    primal: dict[str, Fraction] = field(default_factory=dict)
    reduced_costs: dict[str, Fraction] = field(default_factory=dict)
    dual: dict[str, Fraction] = field(default_factory=dict)
    slack: dict[str, Fraction] = field(default_factory=dict)


_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*) = (\S+)")
_SECTIONS = ("VARS:", "REDUCED COST:", "PI:", "SLACK:")


def parse_esolver_solution(text: str, where: str = "solution file") -> EsolverSolution:
    """Parse the file written by ``esolver -O`` (QSopt_ex 2.5)::

        status = OPTIMAL
        status OPTIMAL
        <TAB>Value = 13/71
        VARS:
        x = 5/71            (non-zero primal values)
        REDUCED COST:
        ...
        PI:
        c1 = 9/71           (non-zero duals)
        SLACK:
        ...

    or the single line ``status = INFEASIBLE`` (``UNBOUNDED``, ...). Values are
    canonical rationals (GMP writes ``p/q`` in lowest terms); anything else, a
    repeated name or a missing section is an :class:`~certify.errors.InputError`.
    """
    if not text.endswith("\n"):
        raise InputError(f"{where}: expected a final newline (truncated?)")
    lines = text[:-1].split("\n")
    status = re.fullmatch(r"status = ([A-Z_]+)", lines[0])
    if status is None:
        raise InputError(f"{where}:1: expected 'status = ...', got {lines[0]!r}")
    if status.group(1) != "OPTIMAL":
        if len(lines) != 1:
            raise InputError(f"{where}:2: expected nothing after status {status.group(1)}")
        return EsolverSolution(status.group(1))
    if lines[1:2] != ["status OPTIMAL"]:
        raise InputError(f"{where}:2: expected 'status OPTIMAL'")
    value = re.fullmatch(r"\tValue = (\S+)", lines[2] if len(lines) > 2 else "")
    if value is None:
        raise InputError(f"{where}:3: expected '<TAB>Value = <rational>'")
    sections: dict[str, dict[str, Fraction]] = {}
    current = None
    for number, line in enumerate(lines[3:], start=4):
        if line in _SECTIONS:
            if len(sections) >= len(_SECTIONS) or line != _SECTIONS[len(sections)]:
                raise InputError(f"{where}:{number}: section {line!r} out of order; expected {list(_SECTIONS)}")
            current = sections[line] = {}
            continue
        entry = _ENTRY.fullmatch(line)
        if current is None or entry is None:
            raise InputError(f"{where}:{number}: expected 'name = rational', got {line!r}")
        name, raw = entry.groups()
        if name in current:
            raise InputError(f"{where}:{number}: {name} repeated")
        current[name] = parse_exact(raw, f"{where}:{number}", canonical=True)
    if list(sections) != list(_SECTIONS):
        raise InputError(f"{where}: expected the sections {list(_SECTIONS)}, found {list(sections)}")
    return EsolverSolution("OPTIMAL", parse_exact(value.group(1), f"{where}:3", canonical=True),
                           *(sections[s] for s in _SECTIONS))


def run_esolver(esolver: str, lp_path: Path, timeout: float) -> tuple[EsolverSolution | None, str, float]:
    """``(solution or None, error message, wall seconds)`` of ``esolver -L -O SOL lp_path``.

    esolver exits 0 for INFEASIBLE and UNBOUNDED too, so the status is read from
    the solution file; an unreadable LP file makes it exit 1."""
    with tempfile.TemporaryDirectory(prefix="certify-esolver-") as work:
        solution_path = Path(work) / "solution.sol"
        command = [esolver, "-L", "-O", str(solution_path), str(Path(lp_path).resolve())]
        start = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=work)
        except subprocess.TimeoutExpired:
            return None, f"timeout after {timeout:g} s", time.perf_counter() - start
        except OSError as error:
            return None, f"cannot run esolver: {error.strerror or error}", time.perf_counter() - start
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            tail = " | ".join(line.strip() for line in (done.stdout + done.stderr).splitlines()[-3:] if line.strip())
            return None, f"esolver exit {done.returncode}: {tail}", seconds
        try:
            text = solution_path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            return None, f"esolver wrote no readable solution file ({error})", seconds
        try:
            return parse_esolver_solution(text, "esolver's solution"), "", seconds
        except InputError as error:
            return None, f"unreadable solution: {error}", seconds


PROBE_LP = "\\* probe *\\\nMaximize\nOBJ: x + 2 y\nSubject To\nc1: x + y <= 1\nEnd\n"
"""max x + 2y subject to x + y <= 1: optimum 2 at y = 1 (a minimiser would report 0)."""


def sense_probe(esolver: str) -> None:
    """Check once that ``esolver`` maximises an LP-format ``Maximize`` problem."""
    with tempfile.TemporaryDirectory(prefix="certify-probe-") as work:
        path = Path(work) / "probe.lp"
        path.write_text(PROBE_LP, encoding="ascii")
        solution, error, _ = run_esolver(esolver, path, 60)
    if solution is None or solution.status != "OPTIMAL" or solution.value != 2 or solution.primal != {"y": 1}:
        raise InputError(f"{esolver} fails the maximisation probe (max x + 2y s.t. x + y <= 1 should be 2): "
                         f"{error or solution}")


# -- exact checks against the model -------------------------------------------------------------

def _scaled(values: dict) -> tuple[dict, int]:
    """``({key: integer numerator}, common denominator)`` of exact values (integer arithmetic is
    much faster than summing Fractions, and as exact)."""
    denominator = math.lcm(*(Fraction(v).denominator for v in values.values())) if values else 1
    return {k: Fraction(v).numerator * (denominator // Fraction(v).denominator) for k, v in values.items()}, denominator


def check_primal(model: ExactModel, primal: dict[str, Fraction], value: Fraction) -> list[str]:
    """Problems with a reported point (empty: it is feasible for the *model*, exactly,
    and its objective is ``value``).

    >>> from certify.builder.lp_files import LinearRow
    >>> model = ExactModel("m", ("x", "y"), ((0, 1),), (LinearRow("c", ((0, 1), (1, 1)), "<=", 1),))
    >>> check_primal(model, {"x": Fraction(1)}, Fraction(1)), check_primal(model, {"x": Fraction(2)}, Fraction(2))
    ([], ['row c: 2 <= 1 fails'])
    """
    index = {name: j for j, name in enumerate(model.column_names)}
    problems = [f"primal: {name} is not a variable of the model" for name in sorted(set(primal) - set(index))]
    numerators, denominator = _scaled({index[n]: v for n, v in primal.items() if n in index})
    problems += [f"{model.column_names[j]} = {Fraction(v, denominator)} < 0" for j, v in sorted(numerators.items())
                 if v < 0]
    for row in model.rows:
        lhs = sum(v * numerators[c] for c, v in row.terms if c in numerators)
        rhs = row.rhs * denominator
        if not (lhs <= rhs if row.sense == "<=" else lhs == rhs if row.sense == "=" else lhs >= rhs):
            problems.append(f"row {row.name}: {Fraction(lhs, denominator)} {row.sense} {row.rhs} fails")
    objective = Fraction(sum(v * numerators[c] for c, v in model.objective if c in numerators), denominator)
    if objective != value:
        problems.append(f"objective at the point is {objective}, reported {value}")
    return problems


def check_dual(model: ExactModel, dual: dict[str, Fraction], value: Fraction) -> list[str]:
    """Problems with reported duals as a proof that ``value`` is the maximum
    (empty: ``y >= 0`` on ``<=`` rows, ``y <= 0`` on ``>=`` rows, ``A^T y >= c``
    column by column and ``b.y = value``, so by weak duality no feasible point
    exceeds ``value``)."""
    rows = {row.name: row for row in model.rows}
    problems = [f"dual: {name} is not a row of the model" for name in sorted(set(dual) - set(rows))]
    numerators, denominator = _scaled({n: y for n, y in dual.items() if n in rows})
    column_sums = [0] * len(model.column_names)
    bound = 0
    for name, y in numerators.items():
        row = rows[name]
        if (row.sense == "<=" and y < 0) or (row.sense == ">=" and y > 0):
            problems.append(f"dual of row {name} ({row.sense}) has the wrong sign: {Fraction(y, denominator)}")
        bound += y * row.rhs
        for c, v in row.terms:
            column_sums[c] += y * v
    costs = dict(model.objective)
    short = [j for j in range(len(column_sums)) if column_sums[j] < costs.get(j, 0) * denominator]
    problems += [f"dual infeasible at {model.column_names[j]}: (A^T y) = {Fraction(column_sums[j], denominator)} "
                 f"< {costs.get(j, 0)}" for j in short[:3]]
    if len(short) > 3:
        problems.append(f"dual infeasible at {len(short) - 3} more columns")
    if Fraction(bound, denominator) != value:
        problems.append(f"dual bound b.y = {Fraction(bound, denominator)} != value {value}")
    return problems


# -- one LP ------------------------------------------------------------------------------------

@dataclass
class LPOutcome:
    """The comparison for one LP file."""

    file: str
    pair: str
    certified: Fraction
    status: str = ""
    value: Fraction | float | None = None
    file_differences: list[str] = field(default_factory=list)
    manifest_differences: list[str] = field(default_factory=list)
    primal_problems: list[str] | None = None
    dual_problems: list[str] | None = None
    error: str = ""
    seconds: float = 0.0
    verdict: str = ""

    def details(self) -> list[str]:
        """Every reason for the verdict, one line each."""
        return (self.manifest_differences + self.file_differences + (self.primal_problems or [])
                + (self.dual_problems or []) + ([self.error] if self.error else [])
                + ([f"solver status {self.status}; the certificates give the optimum {self.certified}"]
                   if self.status and self.status != "OPTIMAL" else []))


def _read(lp: PairLP, path: Path) -> tuple[ParsedLP | None, list[str]]:
    try:
        parsed = read_lp_file(path)
    except InputError as error:
        return None, [f"the file is not a readable LP of the exported kind: {error}"]
    return parsed, compare_model(lp.model, parsed)


def _verdict(outcome: LPOutcome, value_agrees: bool) -> str:
    if outcome.error:
        return "error"
    if (outcome.file_differences or outcome.manifest_differences or outcome.status != "OPTIMAL"
            or outcome.primal_problems or outcome.dual_problems or not value_agrees):
        return "disagree"
    return "agree"


def _solve_qsopt(esolver: str, lp: PairLP, path: Path, notes: list[str], timeout: float) -> LPOutcome:
    outcome = LPOutcome(lp.file, lp.pair, lp.certified_value, manifest_differences=list(notes))
    _, outcome.file_differences = _read(lp, path)
    solution, outcome.error, outcome.seconds = run_esolver(esolver, path, timeout)
    if solution is not None:
        outcome.status = solution.status
        if solution.status == "OPTIMAL":
            outcome.value = solution.value
            outcome.primal_problems = check_primal(lp.model, solution.primal, solution.value)
            outcome.dual_problems = check_dual(lp.model, solution.dual, solution.value)
    outcome.verdict = _verdict(outcome, outcome.value == lp.certified_value)
    return outcome


def _cbc_solver(timeout: float):
    """CBC as bundled with PuLP 3.3, through the non-deprecated ``COIN_CMD``."""
    import pulp

    path = pulp.PULP_CBC_CMD.pulp_cbc_path
    if not os.access(path, os.X_OK):
        raise InputError(f"CBC bundled with PuLP is not executable: {path}")
    return pulp.COIN_CMD(path=path, msg=False, timeLimit=max(1, int(timeout)))


def _solve_cbc(_: str, lp: PairLP, path: Path, notes: list[str], timeout: float) -> LPOutcome:
    """CBC on the LP *as read from the file* (floating point, tolerance :data:`CBC_TOLERANCE`)."""
    import pulp

    outcome = LPOutcome(lp.file, lp.pair, lp.certified_value, manifest_differences=list(notes))
    parsed, outcome.file_differences = _read(lp, path)
    if parsed is None:
        outcome.verdict = "disagree"
        return outcome
    problem = pulp.LpProblem(parsed.name, pulp.LpMaximize if parsed.sense == "maximise" else pulp.LpMinimize)
    variables: dict = {}

    def variable(name: str):
        if name not in variables:
            variables[name] = problem.add_variable(name, lowBound=0)
        return variables[name]

    problem.setObjective(pulp.LpAffineExpression([(variable(n), float(v)) for n, v in parsed.objective.items()]))
    senses = {"<=": pulp.LpConstraintLE, "=": pulp.LpConstraintEQ, ">=": pulp.LpConstraintGE}
    for label, (terms, sense, rhs) in parsed.rows.items():
        expression = pulp.LpAffineExpression([(variable(n), float(v)) for n, v in terms.items()])
        problem.addConstraint(pulp.LpConstraint(expression, senses[sense], name=label, rhs=float(rhs)))
    start = time.perf_counter()
    try:
        problem.solve(_cbc_solver(timeout))
    except pulp.PulpSolverError as error:
        outcome.error = f"CBC: {error}"
    outcome.seconds = time.perf_counter() - start
    outcome.status = pulp.LpStatus[problem.status].upper()
    if not outcome.error and problem.status == pulp.LpStatusOptimal:
        outcome.value = float(pulp.value(problem.objective))
        point = [variables[n].varValue or 0.0 if n in variables else 0.0 for n in lp.model.column_names]
        worst = max([-v for v in point] + [0.0])
        for row in lp.model.rows:
            lhs = sum(v * point[c] for c, v in row.terms)
            gap = lhs - row.rhs if row.sense == "<=" else abs(lhs - row.rhs) if row.sense == "=" else row.rhs - lhs
            worst = max(worst, gap / row.scale)
        outcome.primal_problems = ([] if worst <= CBC_TOLERANCE
                                   else [f"largest violation of the model's rows {worst:.3g} > {CBC_TOLERANCE:g}"])
    agrees = outcome.value is not None and abs(outcome.value - float(lp.certified_value)) <= CBC_TOLERANCE
    outcome.verdict = _verdict(outcome, agrees)
    return outcome


def _resolve_one(state: tuple, index: int) -> LPOutcome:
    solve, esolver, directory, lps, notes, timeout = state
    lp = lps[index]
    return solve(esolver, lp, directory / lp.file, notes[lp.pair], timeout)


# -- a folder ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResolveReport:
    """Everything :func:`resolve_folder` found, in the manifest's order."""

    directory: str
    solver: str
    exact: bool
    expression: str
    certificates: str
    bell_value: Fraction
    outcomes: tuple[LPOutcome, ...]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"agree": 0, "disagree": 0, "error": 0}
        for outcome in self.outcomes:
            counts[outcome.verdict] += 1
        return counts

    @property
    def all_agree(self) -> bool:
        return all(outcome.verdict == "agree" for outcome in self.outcomes)

    @property
    def method(self) -> str:
        if self.exact:
            return "exact re-solve by QSopt_ex (esolver), primal and dual checked exactly"
        return f"floating-point cross-check by CBC (via PuLP), absolute tolerance {CBC_TOLERANCE:g}: not a proof"

    def to_json(self) -> dict:
        def number(value):
            return None if value is None else repr(value) if isinstance(value, float) else format_exact(value)

        return {"directory": self.directory, "solver": self.solver, "exact": self.exact, "method": self.method,
                "expression": self.expression, "certificates": self.certificates,
                "bell_value": format_exact(self.bell_value), "counts": self.counts,
                "lps": [{"file": o.file, "pair": o.pair, "verdict": o.verdict, "status": o.status,
                         "solver_value": number(o.value), "certified_value": format_exact(o.certified),
                         "file_matches_model": not o.file_differences, "details": o.details(),
                         "seconds": round(o.seconds, 3)} for o in self.outcomes]}


def resolve_folder(directory, solver: str = "qsopt", certificates=None, workers: int = 1,
                   timeout: float = DEFAULT_TIMEOUT, esolver: str | None = None,
                   progress: Progress = None) -> ResolveReport:
    """Re-solve every LP of an export folder with ``solver`` and compare (see the module docstring).

    Args:
        directory: a folder written by ``certify export --lp``.
        solver: ``"qsopt"`` (exact) or ``"cbc"`` (floating point).
        certificates: the certificates folder the values are taken from (default ``./certificates``).
        workers: processes to use.
        timeout: seconds per LP.
        esolver: path of ``esolver`` (default: found on PATH).
        progress: ``progress(done, total)`` per LP.

    Raises :class:`~certify.errors.InputError` for a malformed folder or
    certificates, a missing ``esolver`` or one that does not maximise.
    """
    if solver not in SOLVERS:
        raise InputError(f"--solver: expected one of {list(SOLVERS)}, got {solver!r}")
    if not (isinstance(timeout, (int, float)) and timeout > 0):
        raise InputError(f"--timeout: expected a positive number of seconds, got {timeout!r}")
    directory = Path(directory)
    manifest, lps, notes = load_export(directory, certificates)
    binary = ""
    if solver == "qsopt":
        binary = find_esolver(esolver)
        sense_probe(binary)
        solve = _solve_qsopt
    else:
        _cbc_solver(timeout)
        solve = _solve_cbc
    outcomes = parallel.forked_map(_resolve_one, range(len(lps)), max(1, workers),
                                   state=(solve, binary, directory, lps, notes, timeout), progress=progress)
    document = manifest["document"]
    return ResolveReport(str(directory), solver, solver == "qsopt", document["expression"], document["certificates"],
                         manifest["bell_value"], tuple(outcomes))


def report_lines(report: ResolveReport) -> list[str]:
    """The comparison as a plain-text table: one row per LP, reasons indented below it."""
    lines = [f"# {report.certificates} at bell value {report.bell_value} ({report.directory}): {report.method}",
             "file | status | solver value | certified v(V) | file = model | primal | dual | verdict | seconds"]

    def check(problems) -> str:
        return "-" if problems is None else "ok" if not problems else "FAIL"

    for o in report.outcomes:
        value = "-" if o.value is None else f"{o.value:.12g}" if isinstance(o.value, float) else str(o.value)
        lines.append(" | ".join([o.file, o.status or "-", value, str(o.certified),
                                 "ok" if not o.file_differences else "DIFFERS", check(o.primal_problems),
                                 check(o.dual_problems), o.verdict, f"{o.seconds:.3f}"]))
        details = o.details()
        lines += [f"    {line}" for line in details[:6]]
        if len(details) > 6:
            lines.append(f"    ... and {len(details) - 6} more")
    counts = report.counts
    lines.append(f"{counts['agree']} agree, {counts['disagree']} disagree, {counts['error']} error "
                 f"(of {len(report.outcomes)} LPs)")
    return lines
