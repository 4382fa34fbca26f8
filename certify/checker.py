"""The trusted checker: decides certificate files exactly, standard library only.

It imports nothing from the rest of ``certify`` (a test enforces its import
list), so it can be audited alone. It reads the files of
``docs/certificate-format.md`` (version 1) and rebuilds everything a file only
names: the four-party binary scenario, the Bell expression of eq. (7),

    B(x,u) = I[x1+x2+x3+x4 = 0 mod 2] I[u in U0] + I[x1+x2+x3+x4 = 1 mod 2] I[u in U1],

with U0, U1 of eq. (4), and the no-signalling rows. For one pair (u*, x*) an
output-bound file then proves Lemma 11 (eq. (42), with delta = B.P):

    P(x*|u*) <= 1/3 + (2/3) B.P   for every no-signalling box P,

and the exact value function v(delta) = max{P(x*|u*) : P no-signalling,
B.P <= delta}. A folder proves "for every (u*, x*)" only with one valid file
per pair (coverage). All arithmetic is on Python integers; a rational is a
pair (numerator, denominator) or a ``Fraction``. Errors: :class:`Malformed`
(exit 2: unreadable, not the format, out of range) and :class:`NotProven`
(exit 1: well formed, but the claim does not follow).

>>> try:
...     loads_strict('{"a": "1/2", "a": "1/3"}', "x.json")
... except Malformed as error:
...     print(error.exit_code, error)
2 x.json: $: duplicate key 'a'
>>> parse_rational("-3/4", "$"), parse_rational("7", "$")
((-3, 4), (7, 1))
"""

import hashlib
import json
import os
import re
import stat
from fractions import Fraction
from functools import lru_cache
from itertools import accumulate, product
from math import gcd, lcm

MAX_FILE_BYTES = 64 * 1024 * 1024  # 64 MiB
MAX_DEPTH = 64  # JSON nesting of arrays and objects
MAX_DIGITS = 4300  # per integer: Python's default int <-> str conversion limit
VERSIONS = {"certify/output-bound": 1, "certify/manifest": 1}
PAPER_SCENARIO = {"parties": 4, "settings": [2, 2, 2, 2], "outcomes": [2, 2, 2, 2]}
PAPER_U0, PAPER_U1 = ("0001", "0010", "0100", "1000"), ("0111", "1011", "1101", "1110")
PAPER_CLAIM = (Fraction(1, 3), Fraction(2, 3))  # (constant, slope) of eq. (42)
_RATIONAL = re.compile(r"(-?)(0|[1-9][0-9]*)(?:/([1-9][0-9]*))?")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class CheckError(Exception):
    """A certificate was not accepted; ``exit_code`` says why."""

    exit_code = 2


class Malformed(CheckError):
    """Unreadable, not the format, or a size/index out of range (exit 2)."""

    exit_code = 2


class NotProven(CheckError):
    """Well formed, but the claim does not follow from the data (exit 1)."""

    exit_code = 1


def read_bytes(path, where=None):
    """Read a regular file (no symlink, at most MAX_FILE_BYTES) as bytes."""
    where = where or str(path)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            raise Malformed(f"{where}: is a symbolic link; certificates must be regular files")
        if not stat.S_ISREG(info.st_mode):
            raise Malformed(f"{where}: not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise Malformed(f"{where}: {info.st_size} bytes, more than the limit {MAX_FILE_BYTES}")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise Malformed(f"{where}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise Malformed(f"{where}: more than the limit of {MAX_FILE_BYTES} bytes")
    return data


def read_json(path, where=None):
    """Read and strictly parse a JSON file (see :func:`loads_strict`)."""
    where = where or str(path)
    try:
        text = read_bytes(path, where).decode("utf-8")
    except UnicodeDecodeError as error:
        raise Malformed(f"{where}: not UTF-8 ({error.reason} at byte {error.start})") from None
    return loads_strict(text, where)


def loads_strict(text, where):
    """Parse JSON with the limits checked first; reject floats, NaN and duplicate keys."""
    run = re.search("[0-9]{%d}" % (MAX_DIGITS + 1), text)
    if run:
        raise Malformed(f"{where}: a digit run at character {run.start()} is longer than "
                        f"{MAX_DIGITS} digits")
    outside_strings = _STRING.sub("", text)
    if re.search(r"-0(?![.0-9eE])", outside_strings):
        raise Malformed(f"{where}: integer -0 is not canonical")
    brackets = re.sub(r"[^\[\]{}]+", "", outside_strings)
    if brackets and max(accumulate(map(_DEPTH_STEP.__getitem__, brackets))) > MAX_DEPTH:
        raise Malformed(f"{where}: JSON nested deeper than {MAX_DEPTH} levels")

    def no_duplicates(pairs):
        result = {}
        for key, value in pairs:
            if key in result:
                raise Malformed(f"{where}: $: duplicate key {key!r}")
            result[key] = value
        return result

    def no_float(token):
        raise Malformed(f"{where}: JSON number {token[:20]!r} is not an integer; "
                        f"rationals are strings like \"1/3\"")

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_float=no_float,
                          parse_constant=no_float)
    except (ValueError, RecursionError) as error:
        if isinstance(error, Malformed):
            raise
        raise Malformed(f"{where}: not valid JSON: {error}") from None


def parse_rational(value, where):
    """A canonical rational string ``"p/q"`` or ``"p"`` as ``(p, q)`` with ``q >= 1``."""
    known = _PARSED.get(value) if type(value) is str else None
    if known:
        return known
    match = _RATIONAL.fullmatch(value) if isinstance(value, str) and len(value) <= 8700 else None
    if match is None or max(len(match[2]), len(match[3] or "")) > MAX_DIGITS:
        raise Malformed(f"{where}: expected a canonical rational string like \"-3/4\", "
                        f"found {_show(value)}")
    numerator, denominator = int(match[1] + match[2]), int(match[3] or 1)
    if (match[1] and numerator == 0) or (match[3] and (denominator < 2 or gcd(numerator, denominator) != 1)):
        raise Malformed(f"{where}: rational {value!r} is not in lowest terms with "
                        f"denominator >= 2 (or is -0)")
    if len(_PARSED) < 100_000:  # only strings that passed every check are remembered
        _PARSED[value] = (numerator, denominator)
    return numerator, denominator


def fraction(value, where):
    """A canonical rational string as a ``Fraction``."""
    return Fraction(*parse_rational(value, where))


def integer(value, where, low, high):
    """A JSON integer (never a bool or float) in ``low..high``."""
    if type(value) is not int or not low <= value <= high:
        raise Malformed(f"{where}: expected an integer in {low}..{high}, found {_show(value)}")
    return value


def fields(value, where, names):
    """An object with exactly the keys ``names``; returns their values in order."""
    if not isinstance(value, dict):
        raise Malformed(f"{where}: expected an object, found {_show(value)}")
    if set(value) != set(names):
        missing, unknown = sorted(set(names) - set(value)), sorted(set(value) - set(names))
        raise Malformed(f"{where}: expected keys {list(names)}; missing {missing}, unknown {unknown}")
    return [value[name] for name in names]


def array(value, where, low=0, high=1 << 20):
    """A JSON array with ``low..high`` entries."""
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise Malformed(f"{where}: expected an array of {low}..{high} entries, found {_show(value)}")
    return value


def sparse(value, size, where):
    """A sparse vector: ``[[index, "rational"], ...]``, indices strictly increasing in
    ``0..size-1``, no zero values; returned as a list of ``(index, p, q)``."""
    entries, previous = [], -1
    for k, entry in enumerate(array(value, where, 0, size)):
        if type(entry) is not list or len(entry) != 2:
            raise Malformed(f"{where}[{k}]: expected [index, \"rational\"], found {_show(entry)}")
        index, text = entry
        if type(index) is not int or not previous < index < size:
            integer(index, f"{where}[{k}][0]", 0, size - 1)
            raise Malformed(f"{where}[{k}][0]: index {index} after {previous}: indices must increase strictly")
        p, q = (_PARSED.get(text) if type(text) is str else None) or parse_rational(text, f"{where}[{k}][1]")
        if p == 0:
            raise Malformed(f"{where}[{k}][1]: zero entries must be left out of sparse vectors")
        entries.append((index, p, q))
        previous = index
    return entries


def scaled(entries, extra=1):
    """Common denominator ``d`` (a multiple of ``extra``) and ``{index: value * d}``."""
    d = lcm(extra, *(q for _, _, q in entries))
    return d, {index: p * (d // q) for index, p, q in entries}


@lru_cache(maxsize=4)
def no_signalling_rows(settings, outcomes):
    """Rows of the spec, in order: normalisation per setting tuple u, then for each
    party i, each u with u_i != 0, each x_-i: sum_{x_i} P(x|u) - P(x|u, u_i := 0) = 0."""
    setting_tuples = list(product(*map(range, settings)))
    outcome_tuples = list(product(*map(range, outcomes)))
    position = {(u, x): s * len(outcome_tuples) + o for s, u in enumerate(setting_tuples)
                for o, x in enumerate(outcome_tuples)}
    rows = [[(position[u, x], 1) for x in outcome_tuples] for u in setting_tuples]
    for party in range(len(settings)):
        others = list(product(*(range(d) for i, d in enumerate(outcomes) if i != party)))
        for u in (u for u in setting_tuples if u[party] != 0):
            reference = u[:party] + (0,) + u[party + 1:]
            for rest in others:
                row = {}
                for own in range(outcomes[party]):
                    x = rest[:party] + (own,) + rest[party:]
                    row[position[u, x]] = 1
                    row[position[reference, x]] = -1
                rows.append(sorted(row.items()))
    return tuple(tuple(row) for row in rows), len(setting_tuples)


@lru_cache(maxsize=4)
def row_incidence(settings, outcomes):
    """For each column j, the ``(row, coefficient)`` pairs of the rows containing j."""
    rows, _ = no_signalling_rows(settings, outcomes)
    columns = [[] for _ in range(max(c for row in rows for c, _ in row) + 1)]
    for r, row in enumerate(rows):
        for column, a in row:
            columns[column].append((r, a))
    return columns


@lru_cache(maxsize=1)
def paper_bell_coefficients():
    """Eq. (7) in full-probability form: ``{index: 1}`` for the 64 indicator entries."""
    coefficients = {}
    for s, u in enumerate(product("01", repeat=4)):
        for o, x in enumerate(product((0, 1), repeat=4)):
            parity = sum(x) % 2
            if ("".join(u) in PAPER_U0 and parity == 0) or ("".join(u) in PAPER_U1 and parity == 1):
                coefficients[s * 16 + o] = 1
    return coefficients


def check_output_bound(document, where):
    """Check one output-bound file; return the parsed statement (see ``describe``)."""
    keys = ("format", "version", "scenario", "expression", "target", "paper_claim", "value_function")
    _, _, scenario, expression, target, claim, value_function = fields(document, f"{where}: $", keys)
    if scenario != PAPER_SCENARIO:
        raise Malformed(f"{where}: $.scenario: version 1 knows only {json.dumps(PAPER_SCENARIO)}, "
                        f"found {_show(scenario)}")
    rows, num_norm = no_signalling_rows((2, 2, 2, 2), (2, 2, 2, 2))
    name, direction, coefficients = fields(expression, f"{where}: $.expression",
                                           ("name", "direction", "coefficients"))
    if name != "paper" or direction != "minimise":
        raise Malformed(f"{where}: $.expression: expected name 'paper' (eq. (7)) and direction "
                        f"'minimise', found {_show(name)}, {_show(direction)}")
    bell = paper_bell_coefficients()
    found = sparse(coefficients, 256, f"{where}: $.expression.coefficients")
    if [(i, p, q) for i, p, q in found] != [(i, b, 1) for i, b in bell.items()]:
        raise Malformed(f"{where}: $.expression.coefficients differ from eq. (7) as rebuilt by the checker")
    setting, outcome, index = fields(target, f"{where}: $.target", ("setting", "outcome", "index"))
    for label, text in (("setting", setting), ("outcome", outcome)):
        if not (isinstance(text, str) and len(text) == 4 and set(text) <= {"0", "1"}):
            raise Malformed(f"{where}: $.target.{label}: expected four digits 0/1, found {_show(text)}")
    if integer(index, f"{where}: $.target.index", 0, 255) != int(setting, 2) * 16 + int(outcome, 2):
        raise Malformed(f"{where}: $.target.index {index} is not the index of "
                        f"P({outcome}|{setting}) = {int(setting, 2) * 16 + int(outcome, 2)}")
    lp = (rows, num_norm, bell, index)
    constant, slope, certificate, witness = fields(
        claim, f"{where}: $.paper_claim", ("constant", "slope", "certificate", "witness"))
    constant, slope = fraction(constant, f"{where}: $.paper_claim.constant"), fraction(slope, f"{where}: $.paper_claim.slope")
    if (constant, slope) != PAPER_CLAIM:
        raise NotProven(f"{where}: $.paper_claim states {constant} + {slope} B.P; Lemma 11 "
                        f"(eq. (42)) is 1/3 + 2/3 B.P")
    bound = check_inequality(certificate, slope, lp, f"{where}: $.paper_claim.certificate")
    if bound > constant:
        raise NotProven(f"{where}: $.paper_claim: certified bound {bound} exceeds the constant 1/3 of eq. (42)")
    attained, bell_value = check_box(witness, lp, f"{where}: $.paper_claim.witness")
    if attained - slope * bell_value != bound:
        raise NotProven(f"{where}: $.paper_claim.witness: W* - 2/3 B.W = {attained - slope * bell_value}, "
                        f"not the certified bound {bound}")
    breakpoints, pieces = fields(value_function, f"{where}: $.value_function", ("breakpoints", "pieces"))
    table = [fields(b, f"{where}: $.value_function.breakpoints[{i}]", ("bell_value", "value", "witness"))
             for i, b in enumerate(array(breakpoints, f"{where}: $.value_function.breakpoints", 1, 4096))]
    lines = [fields(p, f"{where}: $.value_function.pieces[{i}]", ("constant", "slope", "certificate"))
             for i, p in enumerate(array(pieces, f"{where}: $.value_function.pieces", 1, 4096))]
    if len(lines) != len(table):
        raise NotProven(f"{where}: $.value_function: {len(table)} breakpoints need {len(table)} pieces, found {len(lines)}")
    deltas = [fraction(d, f"{where}: $.value_function.breakpoints[{i}].bell_value") for i, (d, _, _) in enumerate(table)]
    values = [fraction(v, f"{where}: $.value_function.breakpoints[{i}].value") for i, (_, v, _) in enumerate(table)]
    line_values = [(fraction(c, f"{where}: $.value_function.pieces[{i}].constant"),
                    fraction(s, f"{where}: $.value_function.pieces[{i}].slope")) for i, (c, s, _) in enumerate(lines)]
    if deltas[0] != 0 or any(a >= b for a, b in zip(deltas, deltas[1:])):
        raise NotProven(f"{where}: $.value_function.breakpoints: bell_value must start at 0 and increase strictly")
    slopes = [s for _, s in line_values]
    if slopes[-1] != 0 or any(a <= b for a, b in zip(slopes, slopes[1:])):
        raise NotProven(f"{where}: $.value_function.pieces: slopes must decrease strictly to a last slope 0")
    for i, ((c, s), (_, _, certificate)) in enumerate(zip(line_values, lines)):
        piece = f"{where}: $.value_function.pieces[{i}]"
        if check_inequality(certificate, s, lp, piece + ".certificate") != c:
            raise NotProven(f"{piece}: certificate bound differs from the constant {c}")
        for j in (i, i + 1)[: 2 if i + 1 < len(deltas) else 1]:
            if c + s * deltas[j] != values[j]:
                raise NotProven(f"{piece}: {c} + {s} * {deltas[j]} = {c + s * deltas[j]}, not v_{j} = {values[j]}")
    for i, (_, _, box) in enumerate(table):
        attained, bell_value = check_box(box, lp, f"{where}: $.value_function.breakpoints[{i}].witness")
        if bell_value > deltas[i] or attained != values[i]:
            raise NotProven(f"{where}: $.value_function.breakpoints[{i}].witness: B.W = {bell_value} "
                            f"(needs <= {deltas[i]}), W* = {attained} (needs {values[i]})")
    return {"setting": setting, "outcome": outcome, "index": index, "bound": bound,
            "breakpoints": list(zip(deltas, values)), "pieces": line_values}


def check_inequality(certificate, slope, lp, where):
    """Check ``P* <= a + slope B.P`` on the no-signalling polytope; return ``a``.

    Needs ``s_j = sum_r y_r A[r][j] - e*_j + slope B_j >= 0`` for every j and
    ``a = sum of y_r over the normalisation rows``, computed as integers times ``d``."""
    rows, num_norm, bell, target = lp
    bound_text, multipliers = fields(certificate, where, ("bound", "multipliers"))
    bound = fraction(bound_text, where + ".bound")
    d, y = scaled(sparse(multipliers, len(rows), where + ".multipliers"), slope.denominator)
    reduced = [0] * 256
    for r, weight in y.items():
        for column, a in rows[r]:
            reduced[column] += weight * a
    reduced[target] -= d
    step = d // slope.denominator * slope.numerator
    for column, b in bell.items():
        reduced[column] += step * b
    for column, value in enumerate(reduced):
        if value < 0:
            raise NotProven(f"{where}: s_{column} = {Fraction(value, d)} < 0: the multipliers do not "
                            f"dominate P* - {slope} B.P at index {column}")
    if Fraction(sum(w for r, w in y.items() if r < num_norm), d) != bound:
        raise NotProven(f"{where}: bound {bound} is not the sum of the normalisation multipliers "
                        f"{Fraction(sum(w for r, w in y.items() if r < num_norm), d)}")
    return bound


def check_box(box, lp, where):
    """Check a sparse no-signalling box W >= 0; return ``(W*, B.W)`` exactly."""
    rows, num_norm, bell, target = lp
    entries = sparse(box, 256, where)
    negative = [i for i, p, _ in entries if p < 0]
    if negative:
        raise NotProven(f"{where}: negative probability at index {negative[0]}")
    d, w = scaled(entries)
    residual = [-d] * num_norm + [0] * (len(rows) - num_norm)  # row . (d W) - d b
    for column, value in w.items():
        for r, a in row_incidence((2, 2, 2, 2), (2, 2, 2, 2))[column]:
            residual[r] += a * value
    if any(residual):
        r = next(r for r, value in enumerate(residual) if value)
        raise NotProven(f"{where}: row {r} ({'normalisation' if r < num_norm else 'no-signalling'}) "
                        f"gives {Fraction(residual[r], d) + (r < num_norm)}, expected {int(r < num_norm)}")
    return Fraction(w.get(target, 0), d), Fraction(sum(w.get(j, 0) * b for j, b in bell.items()), d)


def document_format(document, where):
    """The known ``format`` of a parsed document, after checking its exact ``version``."""
    if not isinstance(document, dict):
        raise Malformed(f"{where}: $: expected a JSON object, found {_show(document)}")
    kind = document.get("format")
    if not isinstance(kind, str) or kind not in VERSIONS:
        raise Malformed(f"{where}: $.format: expected one of {sorted(VERSIONS)}, found {_show(kind)}")
    if type(document.get("version")) is not int or document["version"] != VERSIONS[kind]:
        raise Malformed(f"{where}: $.version: this checker knows {kind} version {VERSIONS[kind]} "
                        f"only, found {_show(document.get('version'))}")
    return kind


def check_manifest(document, folder, where):
    """Check a manifest: safe sorted unique paths, each a regular file with that SHA-256."""
    _, _, files, provenance = fields(document, f"{where}: $", ("format", "version", "files", "provenance"))
    if not isinstance(provenance, dict) or not all(isinstance(v, str) for v in provenance.values()):
        raise Malformed(f"{where}: $.provenance: expected an object of strings")
    listed = []
    for k, entry in enumerate(array(files, f"{where}: $.files", 0, 100_000)):
        path, digest = fields(entry, f"{where}: $.files[{k}]", ("path", "sha256"))
        if not (isinstance(path, str) and _SAFE_PATH.fullmatch(path)) or set(path.split("/")) & {".", ".."}:
            raise Malformed(f"{where}: $.files[{k}].path: expected a relative '/'-separated path inside "
                            f"the folder (letters, digits, '._-', no '..'), found {_show(path)}")
        if not (isinstance(digest, str) and re.fullmatch("[0-9a-f]{64}", digest)):
            raise Malformed(f"{where}: $.files[{k}].sha256: expected 64 lowercase hex digits")
        listed.append((path, digest))
    if [p for p, _ in listed] != sorted({p for p, _ in listed}):
        raise Malformed(f"{where}: $.files: paths must be sorted and unique")
    for path, digest in listed:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            if os.path.islink(os.path.join(folder, *parts[:depth])):
                raise Malformed(f"{where}: {path}: goes through a symbolic link")
        full = os.path.join(folder, *parts)
        if not os.path.lexists(full):
            raise NotProven(f"{where}: listed file {path} does not exist")
        if hashlib.sha256(read_bytes(full, os.path.join(where, "..", path))).hexdigest() != digest:
            raise NotProven(f"{where}: {path}: SHA-256 differs from the manifest")
    return {p for p, _ in listed}


def check_coverage(proven, present, where="folder"):
    """Coverage of Lemma 11: one proven file ``u<setting>-x<outcome>.json`` per pair.

    ``proven`` maps file names to statements of files that passed; ``present``
    holds every output-bound file name of the folder."""
    for name, statement in proven.items():
        if name != f"u{statement['setting']}-x{statement['outcome']}.json":
            raise NotProven(f"{where}: file {name} proves P({statement['outcome']}|{statement['setting']}); "
                            f"its name must match its target")
    pairs = [f"u{u}-x{x}.json" for u in map(_bits, range(16)) for x in map(_bits, range(16))]
    absent = [p for p in pairs if p not in present]
    failed = [p for p in pairs if p in present and p not in proven]
    if absent or failed:
        raise NotProven(f"{where}: {256 - len(absent) - len(failed)} of 256 pairs proven; absent: "
                        f"{absent[:4]}{'...' if len(absent) > 4 else ''}, not proven: {failed[:4]}"
                        f"{'...' if len(failed) > 4 else ''}")


def check_file(path, where=None):
    """Read, parse and check one file; return ``(format, statement)``."""
    where = where or str(path)
    return check_document(read_json(path, where), where, os.path.dirname(path) or ".")


def check_document(document, where, folder="."):
    """Check a parsed document (a manifest relative to ``folder``); return ``(format, statement)``."""
    kind = document_format(document, where)
    if kind == "certify/manifest":
        return kind, check_manifest(document, folder, where)
    return kind, check_output_bound(document, where)


def audit(paths, skip_unknown=False, require_manifest=False):
    """Check files and folders (recursively); return ``[(path, status, detail)]``.

    Status is ``ok``, ``not proven``, ``malformed`` or ``skipped`` (a JSON file
    of another format, only with ``skip_unknown``). A folder also gets a
    coverage entry per subfolder holding output-bound files and, when it has a
    ``manifest.json`` (or ``require_manifest``), a manifest entry that also
    requires every ``.json`` file below it to be listed."""
    results = []

    def record(path, action):
        try:
            value = action()
        except CheckError as error:
            results.append((path, "malformed" if error.exit_code == 2 else "not proven", str(error)))
            return None
        results.append((path, "skipped" if value is _SKIPPED else "ok",
                        f"{path}: not a certify certificate format, skipped" if value is _SKIPPED else ""))
        return value

    def check_member(path):
        document = read_json(path)
        if skip_unknown and (not isinstance(document, dict) or document.get("format") not in list(VERSIONS)):
            return _SKIPPED
        if document_format(document, path) == "certify/manifest":
            return check_manifest(document, os.path.dirname(path), path)
        return check_output_bound(document, path)

    for root in paths:
        if not os.path.isdir(root) or os.path.islink(root):
            record(root, lambda: check_file(root))
            continue
        manifest, found = os.path.join(root, "manifest.json"), set()
        for folder, subfolders, names in os.walk(root):
            subfolders.sort()
            proven, present = {}, set()
            for name in sorted(subfolders + names):
                path = os.path.join(folder, name)
                if os.path.islink(path) or (name.endswith(".json") and path != manifest):
                    found.add(os.path.relpath(path, root).replace(os.sep, "/"))
                    statement = record(path, lambda: check_member(path))
                    if isinstance(statement, dict):
                        proven[name] = statement
                    if statement is not _SKIPPED and not isinstance(statement, set):
                        present.add(name)
            if proven or present:
                label = os.path.join(folder, "") + " (coverage of the 256 pairs)"
                record(label, lambda: check_coverage(proven, present, os.path.join(folder, "")))
        if require_manifest or os.path.lexists(manifest):
            record(manifest, lambda: _check_listed(manifest, root, found))
    return results


def _check_listed(manifest, root, found):
    if not os.path.lexists(manifest):
        raise Malformed(f"{manifest}: the required manifest is missing")
    kind, listed = check_file(manifest)
    if kind != "certify/manifest":
        raise Malformed(f"{manifest}: $.format: expected certify/manifest")
    if found - listed:
        raise NotProven(f"{manifest}: files not listed: {sorted(found - listed)[:4]}")
    return listed


def _bits(number):
    return format(number, "04b")


_SKIPPED = object()
_PARSED = {}
_SAFE_PATH = re.compile(r"[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*")


def _show(value):
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
