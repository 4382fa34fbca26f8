"""The trusted checker: decides certificate files exactly, standard library only.

It imports nothing from the rest of ``certify`` (a test enforces its import
list), so it can be audited alone, and even run alone (``python checker.py
FILE...``). It reads the files of ``docs/certificate-format.md`` (version 1)
and rebuilds everything a file only names: the four-party binary scenario,
the no-signalling rows and the Bell expression of eq. (7),

    B(x,u) = I[x1+x2+x3+x4 = 0 mod 2] I[u in U0] + I[x1+x2+x3+x4 = 1 mod 2] I[u in U1],

with U0 = {0001, 0010, 0100, 1000}, U1 = {0111, 1011, 1101, 1110} (eq. (4)).
An output-bound file for one pair (u*, x*) then proves Lemma 11 (eq. (42),
with delta = B.P) for every no-signalling box P:

    P(x*|u*) <= 1/3 + (2/3) B.P,

and the exact value function v(delta) = max{P(x*|u*) : P no-signalling,
B.P <= delta}. A folder proves "for every (u*, x*)" only with one proven file
per pair (:func:`check_coverage`). For a general Bell expression B (given by
its coefficients in the file; the name ``paper`` must be eq. (7)) in any
scenario of at most 8 parties, 10 settings and 10 outcomes each, the
penalty form C = sign B, offset = min C.P has an ``expression-bound`` file per
pair (the same value function with delta = C.P - offset), a ``bounds.json``
(local bound by enumeration, no-signalling optimum, largest v(0)) and
optionally a ``symmetry.json`` (relabelings of B mapping representatives to
the other pairs); :func:`check_expression_coverage` joins them per folder. An
``expression-reduced`` file (an N-party family member, self-contained) proves the
same bounds and v(0) of one representative per orbit of pairs by dual
certificates checked on orbit sums of a stabiliser group (an averaged box keeps
P(x*|u*) and C.P) and orbit-constant witnesses (:func:`check_expression_reduced`).
Arithmetic is on Python integers (each
vector scaled to a common denominator) and ``Fraction``. Errors:
:class:`Malformed` (exit 2: unreadable, not the format, out of range) and
:class:`NotProven` (exit 1: well formed, but the claim does not follow).

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
import sys
from fractions import Fraction
from functools import lru_cache
from itertools import product
from math import gcd, lcm

MAX_FILE_BYTES = 64 * 1024 * 1024  # 64 MiB
MAX_DEPTH = 64  # nesting of JSON arrays and objects
MAX_DIGITS = 4300  # per integer: Python's default int <-> str conversion limit
MAX_DENOMINATOR_BITS = 65536  # common denominator of one vector (about 19,700 digits)
VERSIONS = {"certify/output-bound": 1, "certify/manifest": 1, "certify/proof-record": 1,
            "certify/expression-bound": 1, "certify/expression-bounds": 1, "certify/expression-symmetry": 1,
            "certify/expression-reduced": 1}
EXPRESSION_FORMATS = ("certify/expression-bound", "certify/expression-bounds", "certify/expression-symmetry")
MAX_ENUMERATION = 5_000_000  # coefficient look-ups of the local-bound enumeration
MAX_REDUCED_WORK = 1 << 22  # representatives x probabilities of one expression-reduced file
NOT_AUDITED = "not independently audited"  # statement prefix of records without algebra
PAPER_SCENARIO = {"parties": 4, "settings": [2, 2, 2, 2], "outcomes": [2, 2, 2, 2]}
PAPER_SHAPE = ((2, 2, 2, 2), (2, 2, 2, 2))  # (settings, outcomes) per party
PAPER_U0, PAPER_U1 = ("0001", "0010", "0100", "1000"), ("0111", "1011", "1101", "1110")
PAPER_CLAIM = (Fraction(1, 3), Fraction(2, 3))  # (constant, slope) of eq. (42)
_RATIONAL = re.compile(r"(-?)(0|[1-9][0-9]*)(?:/([1-9][0-9]*))?")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SAFE_PATH = re.compile(r"[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*")
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")
_INNERMOST_PAIRS = re.compile(rb"\[\]|\{\}")
_PARSED = {}  # canonical rational strings seen (and fully checked) before -> (p, q)


class CheckError(Exception):
    """A certificate was not accepted; ``exit_code`` says why."""

    exit_code = 2


class Malformed(CheckError):
    """Unreadable, not the format, or a size or index out of range (exit 2)."""

    exit_code = 2


class NotProven(CheckError):
    """Well formed, but the claim does not follow from the data (exit 1)."""

    exit_code = 1


# -- reading: limits first, then strict JSON ---------------------------------------------

def read_bytes(path, where=None):
    """A regular file (never a symbolic link) of at most MAX_FILE_BYTES, as bytes."""
    where = where or str(path)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
            raise Malformed(f"{where}: is {kind}; certificates must be regular files")
        if info.st_size > MAX_FILE_BYTES:
            raise Malformed(f"{where}: {info.st_size} bytes, more than the limit {MAX_FILE_BYTES}")
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise Malformed(f"{where}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise Malformed(f"{where}: more than the limit of {MAX_FILE_BYTES} bytes")
    return data


def read_json(path, where=None):
    """Read a file and parse it with :func:`loads_strict`."""
    where = where or str(path)
    try:
        return loads_strict(read_bytes(path, where).decode("utf-8"), where)
    except UnicodeDecodeError as error:
        raise Malformed(f"{where}: not UTF-8 ({error.reason} at byte {error.start})") from None


def loads_strict(text, where):
    """Parse JSON after cheap scans for long digit runs, nesting depth and ``-0``;
    reject floats, exponents, NaN, Infinity and duplicate keys."""
    run = re.search("[0-9]{%d}" % (MAX_DIGITS + 1), text)
    if run:
        raise Malformed(f"{where}: a digit run at character {run.start()} is longer than {MAX_DIGITS} digits")
    # Without backslashes no quote is escaped, so every other piece lies outside strings.
    outside_strings = "".join(text.split('"')[::2]) if "\\" not in text else _STRING.sub("", text)
    if re.search(r"-0(?![.0-9eE])", outside_strings):
        raise Malformed(f"{where}: integer -0 is not canonical")
    brackets = outside_strings.encode().translate(None, _NOT_BRACKETS)
    for _ in range(MAX_DEPTH):  # each pass removes exactly one level of innermost pairs
        brackets, previous = _INNERMOST_PAIRS.sub(b"", brackets), brackets
        if brackets == previous:
            break  # empty, or unbalanced: json.loads below reports it
    else:
        if brackets:
            raise Malformed(f"{where}: JSON nested deeper than {MAX_DEPTH} levels")

    def no_duplicates(pairs):
        if len({key for key, _ in pairs}) != len(pairs):
            keys = [key for key, _ in pairs]
            raise Malformed(f"{where}: $: duplicate key {next(k for k in keys if keys.count(k) > 1)!r}")
        return dict(pairs)

    def no_float(token):
        raise Malformed(f"{where}: JSON number {token[:20]!r} is not an integer; rationals are "
                        f"strings like \"1/3\"")

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_float=no_float,
                          parse_constant=no_float)
    except (ValueError, RecursionError) as error:
        if isinstance(error, Malformed):
            raise
        raise Malformed(f"{where}: not valid JSON: {error}") from None


# -- values: each checked against its declared range before use --------------------------

def parse_rational(value, where):
    """A canonical rational ``"p/q"`` (q >= 2, gcd 1) or ``"p"`` as ``(p, q)``."""
    known = _PARSED.get(value) if type(value) is str else None
    if known:
        return known
    match = _RATIONAL.fullmatch(value) if type(value) is str and len(value) <= 2 * MAX_DIGITS + 2 else None
    if match is None or max(len(match[2]), len(match[3] or "")) > MAX_DIGITS:
        raise Malformed(f"{where}: expected a canonical rational string like \"-3/4\", found {_show(value)}")
    numerator, denominator = int(match[1] + match[2]), int(match[3] or 1)
    if (match[1] and numerator == 0) or (match[3] and (denominator < 2 or gcd(numerator, denominator) != 1)):
        raise Malformed(f"{where}: rational {value!r} is not in lowest terms with denominator >= 2 "
                        f"(or is -0)")
    if len(value) <= 40 and len(_PARSED) < 100_000:  # bounded memory
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
    """An object with exactly the keys ``names``; returns their values in that order."""
    if not isinstance(value, dict):
        raise Malformed(f"{where}: expected an object, found {_show(value)}")
    if set(value) != set(names):
        missing, unknown = sorted(set(names) - set(value)), sorted(set(value) - set(names))
        raise Malformed(f"{where}: expected keys {list(names)}; missing {missing}, unknown {unknown}")
    return [value[name] for name in names]


def array(value, where, low, high):
    """A JSON array with ``low..high`` entries."""
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise Malformed(f"{where}: expected an array of {low}..{high} entries, found {_show(value)}")
    return value


def sparse(value, size, where, extra=1):
    """A sparse vector ``[[index, "rational"], ...]`` (indices strictly increasing in
    ``0..size-1``, no zeros) as ``(d, {index: value * d})`` with ``d`` the least
    common denominator of the values and ``extra``."""
    entries, previous = [], -1
    for k, entry in enumerate(array(value, where, 0, size)):
        if type(entry) is not list or len(entry) != 2:
            raise Malformed(f"{where}[{k}]: expected [index, \"rational\"], found {_show(entry)}")
        index, text = entry
        if type(index) is not int or not previous < index < size:
            integer(index, f"{where}[{k}][0]", 0, size - 1)
            raise Malformed(f"{where}[{k}][0]: index {index} after {previous}: indices must increase")
        p, q = (_PARSED.get(text) if type(text) is str else None) or parse_rational(text, f"{where}[{k}][1]")
        if p == 0:
            raise Malformed(f"{where}[{k}][1]: zero entries must be left out of sparse vectors")
        entries.append((index, p, q))
        previous = index
    d = extra
    for q in {q for _, _, q in entries}:
        d = lcm(d, q)
        if d.bit_length() > MAX_DENOMINATOR_BITS:
            raise Malformed(f"{where}: common denominator has more than {MAX_DENOMINATOR_BITS} bits")
    return d, {index: p * (d // q) for index, p, q in entries}


# -- the objects a file only names, rebuilt here -----------------------------------------

@lru_cache(maxsize=4)
def no_signalling_rows(settings, outcomes):
    """Rows of the spec, in order: normalisation per setting tuple u, then for each
    party i, each u with u_i != 0, each x_-i: sum_{x_i} P(x|u) - P(x|u, u_i := 0) = 0.
    Returns ``(rows, number of normalisation rows)``; rows are ``(column, ±1)`` pairs."""
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
                    row[position[u, x]], row[position[reference, x]] = 1, -1
                rows.append(sorted(row.items()))
    return tuple(tuple(row) for row in rows), len(setting_tuples)


@lru_cache(maxsize=4)
def system(shape):
    """Rows, normalisation count and, per column, its ``(row, coefficient)`` pairs,
    for ``shape = (settings, outcomes)``."""
    rows, num_norm = no_signalling_rows(*shape)
    columns = [[] for _ in range(size_of(shape))]
    for r, row in enumerate(rows):
        for column, a in row:
            columns[column].append((r, a))
    return rows, num_norm, columns


def size_of(shape):
    """Number of probabilities ``prod m_i d_i`` of a scenario shape."""
    size = 1
    for m, d in zip(*shape):
        size *= m * d
    return size


@lru_cache(maxsize=1)
def paper_bell_coefficients():
    """Eq. (7) in full-probability form: ``{index: 1}`` for its 64 indicator entries."""
    return {s * 16 + o: 1 for s, u in enumerate(product("01", repeat=4))
            for o, x in enumerate(product((0, 1), repeat=4))
            if ("".join(u) in PAPER_U0 and sum(x) % 2 == 0) or ("".join(u) in PAPER_U1 and sum(x) % 2 == 1)}


# -- the claims ----------------------------------------------------------------------------

def check_inequality(certificate, slope, target, where, shape=PAPER_SHAPE, penalty=None, orbits=None):
    """Check ``P_t <= a + slope C.P`` for every no-signalling box; return ``a``.

    ``penalty = (c, {j: c C_j})`` (integers; default eq. (7) with c = 1);
    ``target`` None means ``P_t`` is 0. Needs ``s_j = sum_r y_r A[r][j] - e*_j +
    slope C_j >= 0`` for every j and ``a = sum of y_r over the normalisation
    rows``: then for P >= 0 with ``A P = b``, ``P_t - slope C.P = y.(A P) - s.P <= y.b = a``.
    With ``orbits`` (the orbit label of every index under a group of relabelings
    that keep C and fix t, :func:`orbit_labels`) only the orbit sums of s must be
    >= 0: that proves the bound for boxes constant on orbits, and the average of
    any no-signalling box over the group is one, with the same P_t and C.P."""
    rows, num_norm, columns = system(shape)
    scale, coefficients = penalty or (1, paper_bell_coefficients())
    bound_text, multipliers = fields(certificate, where, ("bound", "multipliers"))
    bound = fraction(bound_text, where + ".bound")
    d, y = sparse(multipliers, len(rows), where + ".multipliers", slope.denominator * scale)
    reduced = [0] * len(columns)  # d * s
    for r, weight in y.items():
        for column, a in rows[r]:
            reduced[column] += weight * a
    if target is not None:
        reduced[target] -= d
    factor = d // (slope.denominator * scale) * slope.numerator
    for column, c in coefficients.items():
        reduced[column] += factor * c
    if orbits is not None:
        sums = {}
        for j, value in enumerate(reduced):
            if value:
                sums[orbits[j]] = sums.get(orbits[j], 0) + value
        negative = min((j for j, value in sums.items() if value < 0), default=None)
        if negative is not None:
            raise NotProven(f"{where}: the slacks of the orbit of index {negative} sum to "
                            f"{Fraction(sums[negative], d)} < 0: the multipliers do not dominate P* - {slope} C.P "
                            f"there")
    negative = next((j for j, value in enumerate(reduced) if value < 0), None) if orbits is None else None
    if negative is not None:
        raise NotProven(f"{where}: s_{negative} = {Fraction(reduced[negative], d)} < 0: the multipliers "
                        f"do not dominate P* - {slope} C.P at index {negative}")
    total = Fraction(sum(w for r, w in y.items() if r < num_norm), d)
    if total != bound:
        raise NotProven(f"{where}: bound {bound} is not the sum {total} of the normalisation multipliers")
    return bound


def check_box(box, target, where, shape=PAPER_SHAPE, penalty=None):
    """Check a sparse no-signalling box W >= 0; return ``(W_t, C.W)`` exactly
    (``C`` as in :func:`check_inequality`; ``W_t`` is 0 without a target)."""
    d, w = sparse(box, size_of(shape), where)
    return check_scaled_box(d, w, target, where, shape, penalty)


def check_scaled_box(d, w, target, where, shape=PAPER_SHAPE, penalty=None):
    """:func:`check_box` for a box given as ``{index: d W_index}`` (integers)."""
    rows, num_norm, columns = system(shape)
    scale, coefficients = penalty or (1, paper_bell_coefficients())
    if any(value < 0 for value in w.values()):
        raise NotProven(f"{where}: negative probability at index {min(j for j in w if w[j] < 0)}")
    residual = [-d] * num_norm + [0] * (len(rows) - num_norm)  # A (d W) - d b
    for column, value in w.items():
        for r, a in columns[column]:
            residual[r] += a * value
    if any(residual):
        r = next(r for r, value in enumerate(residual) if value)
        raise NotProven(f"{where}: row {r} ({'normalisation' if r < num_norm else 'no-signalling'}) gives "
                        f"{Fraction(residual[r], d) + (r < num_norm)}, expected {int(r < num_norm)}")
    value = sum(w.get(j, 0) * c for j, c in coefficients.items())
    return Fraction(w.get(target, 0), d), Fraction(value, d * scale)


def check_output_bound(document, where):
    """Check an output-bound file (Lemma 11 for one pair); return its statement."""
    def at(path):
        return f"{where}: $.{path}"

    keys = ("format", "version", "scenario", "expression", "target", "paper_claim", "value_function")
    _, _, scenario, expression, target, claim, value_function = fields(document, f"{where}: $", keys)
    if scenario != PAPER_SCENARIO:
        raise Malformed(f"{at('scenario')}: version 1 knows only {json.dumps(PAPER_SCENARIO)}, "
                        f"found {_show(scenario)}")
    name, direction, coefficients = fields(expression, at("expression"),
                                           ("name", "direction", "coefficients"))
    if name != "paper" or direction != "minimise":
        raise Malformed(f"{at('expression')}: expected name 'paper' (eq. (7)) and direction 'minimise', "
                        f"found {_show(name)}, {_show(direction)}")
    if sparse(coefficients, 256, at("expression.coefficients")) != (1, paper_bell_coefficients()):
        raise NotProven(f"{at('expression.coefficients')}: differ from eq. (7) as rebuilt by the checker")
    setting, outcome, index = check_target(target, PAPER_SHAPE, at("target"))

    constant, slope, certificate, witness = fields(claim, at("paper_claim"),
                                                   ("constant", "slope", "certificate", "witness"))
    constant, slope = fraction(constant, at("paper_claim.constant")), fraction(slope, at("paper_claim.slope"))
    if (constant, slope) != PAPER_CLAIM:
        raise Malformed(f"{at('paper_claim')}: states {constant} + {slope} B.P; eq. (42) is 1/3 + 2/3 B.P")
    bound = check_inequality(certificate, slope, index, at("paper_claim.certificate"))
    if bound > constant:
        raise NotProven(f"{at('paper_claim')}: certified bound {bound} exceeds the constant 1/3 of eq. (42)")
    attained, bell_value = check_box(witness, index, at("paper_claim.witness"))
    if attained - slope * bell_value != bound:
        raise NotProven(f"{at('paper_claim.witness')}: W* - 2/3 B.W = {attained - slope * bell_value}, "
                        f"not the certified bound {bound}")
    breakpoints, pieces = check_value_function(value_function, index, at("value_function"))
    return {"setting": setting, "outcome": outcome, "index": index, "bound": bound,
            "breakpoints": breakpoints, "pieces": pieces}


def check_target(target, shape, where):
    """``{"setting", "outcome", "index"}`` with one digit per party in range and the
    canonical index; returns ``(setting, outcome, index)``."""
    setting, outcome, index = fields(target, where, ("setting", "outcome", "index"))
    expected = pair_index(f"{setting}|{outcome}" if isinstance(setting, str) and isinstance(outcome, str)
                          else None, shape, where + ".setting/outcome")
    if integer(index, where + ".index", 0, size_of(shape) - 1) != expected:
        raise Malformed(f"{where}.index: {index} is not the index {expected} of P({outcome}|{setting})")
    return setting, outcome, index


def pair_index(key, shape, where):
    """The canonical index of a pair key ``"u1..un|x1..xn"`` (one digit per party, in range):
    ``setting_index(u) * prod(d_i) + outcome_index(x)``.

    >>> pair_index("0001|1000", PAPER_SHAPE, "$"), pair_key(24, PAPER_SHAPE)
    (24, '0001|1000')
    """
    settings, outcomes = shape
    n = len(settings)
    if not (isinstance(key, str) and len(key) == 2 * n + 1 and key[n] == "|"
            and all(c in "0123456789" for c in key[:n] + key[n + 1:])
            and all(int(key[i]) < settings[i] and int(key[n + 1 + i]) < outcomes[i] for i in range(n))):
        raise Malformed(f"{where}: expected a pair 'u1..u{n}|x1..x{n}' with digits below the settings "
                        f"{list(settings)} and outcomes {list(outcomes)}, found {_show(key)}")
    setting = outcome = 0
    for i in range(n):
        setting, outcome = setting * settings[i] + int(key[i]), outcome * outcomes[i] + int(key[n + 1 + i])
    return setting * (size_of(shape) // _product(settings)) + outcome


def pair_key(index, shape):
    """Inverse of :func:`pair_index`."""
    settings, outcomes = shape
    setting, outcome = divmod(index, size_of(shape) // _product(settings))
    digits = []
    for radices, value in ((settings, setting), (outcomes, outcome)):
        text = ""
        for radix in reversed(radices):
            value, digit = divmod(value, radix)
            text = str(digit) + text
        digits.append(text)
    return "|".join(digits)


def _product(values):
    result = 1
    for value in values:
        result *= value
    return result


def check_value_function(value_function, index, where, shape=PAPER_SHAPE, penalty=None, offset=0):
    """Check the exact value function v(delta) = max{P_t : P no-signalling,
    C.P - offset <= delta}: pieces certified with ``bound + slope offset = constant``,
    slopes >= 0 decreasing to 0, lines meeting the breakpoint values, and one
    witness per breakpoint; returns ``(breakpoints, pieces)`` as Fractions."""
    breakpoints, pieces = fields(value_function, where, ("breakpoints", "pieces"))
    points = [fields(b, f"{where}.breakpoints[{i}]", ("bell_value", "value", "witness"))
              for i, b in enumerate(array(breakpoints, f"{where}.breakpoints", 1, 4096))]
    lines = [fields(p, f"{where}.pieces[{i}]", ("constant", "slope", "certificate"))
             for i, p in enumerate(array(pieces, f"{where}.pieces", 1, 4096))]
    if len(lines) != len(points):
        raise Malformed(f"{where}: {len(points)} breakpoints need as many pieces, found {len(lines)}")
    deltas = [fraction(d, f"{where}.breakpoints[{i}].bell_value") for i, (d, _, _) in enumerate(points)]
    values = [fraction(v, f"{where}.breakpoints[{i}].value") for i, (_, v, _) in enumerate(points)]
    constants = [fraction(c, f"{where}.pieces[{i}].constant") for i, (c, _, _) in enumerate(lines)]
    slopes = [fraction(s, f"{where}.pieces[{i}].slope") for i, (_, s, _) in enumerate(lines)]
    if deltas[0] != 0 or any(a >= b for a, b in zip(deltas, deltas[1:])):
        raise Malformed(f"{where}.breakpoints: bell_value must start at 0 and increase strictly")
    if slopes[-1] < 0 or any(a <= b for a, b in zip(slopes, slopes[1:])):
        raise Malformed(f"{where}.pieces: slopes must be >= 0 and decrease strictly")
    if slopes[-1] != 0:
        raise NotProven(f"{where}.pieces: the last piece must be flat, found slope {slopes[-1]}")
    for i, (c, s, (_, _, certificate)) in enumerate(zip(constants, slopes, lines)):
        bound = check_inequality(certificate, s, index, f"{where}.pieces[{i}].certificate", shape, penalty)
        if bound + s * offset != c:
            raise NotProven(f"{where}.pieces[{i}]: certificate bound {bound} + slope * offset {offset} "
                            f"differs from the constant {c}")
        for j in range(i, min(i + 2, len(deltas))):  # piece i meets v_i and v_{i+1}
            if c + s * deltas[j] != values[j]:
                raise NotProven(f"{where}.pieces[{i}]: {c} + {s} * {deltas[j]} = "
                                f"{c + s * deltas[j]}, not v_{j} = {values[j]}")
    for i, (_, _, box) in enumerate(points):
        attained, value = check_box(box, index, f"{where}.breakpoints[{i}].witness", shape, penalty)
        if value - offset > deltas[i] or attained != values[i]:
            raise NotProven(f"{where}.breakpoints[{i}].witness: C.W - offset = {value - offset} "
                            f"(needs <= {deltas[i]}), W* = {attained} (needs {values[i]})")
    return list(zip(deltas, values)), list(zip(constants, slopes))


# -- general Bell expressions (certificates/expressions/<name>/) ----------------------------

def check_expression_header(document, where, keys):
    """Scenario (1..8 parties, 1..10 settings and outcomes each, at most 65,536
    probabilities), expression (name ``paper`` must be eq. (7)) and, if in ``keys``,
    the penalty form ``C = sign B``. Returns ``(values of keys, shape, penalty C as
    (c, {j: c C_j}), sign, offset, identity)``; ``identity`` names the expression."""
    values = fields(document, f"{where}: $", keys)
    scenario, expression = values[2], values[3]
    parties, settings, outcomes = fields(scenario, f"{where}: $.scenario", ("parties", "settings", "outcomes"))
    integer(parties, f"{where}: $.scenario.parties", 1, 8)
    shape = tuple(tuple(integer(c, f"{where}: $.scenario.{key}[{k}]", 1, 10)
                        for k, c in enumerate(array(counts, f"{where}: $.scenario.{key}", parties, parties)))
                  for key, counts in (("settings", settings), ("outcomes", outcomes)))
    size = size_of(shape)
    if size > 65_536:
        raise Malformed(f"{where}: $.scenario: {size} probabilities, more than the limit 65536")
    name, direction, coefficients = fields(expression, f"{where}: $.expression", ("name", "direction", "coefficients"))
    if not (isinstance(name, str) and _NAME.fullmatch(name)) or direction not in ("minimise", "maximise"):
        raise Malformed(f"{where}: $.expression: expected a name of 1..64 letters, digits, '-', '_' and "
                        f"direction 'minimise' or 'maximise', found {_show(name)}, {_show(direction)}")
    scale, bell = sparse(coefficients, size, f"{where}: $.expression.coefficients")
    if name == "paper" and (shape != PAPER_SHAPE or (scale, bell) != (1, paper_bell_coefficients())):
        raise NotProven(f"{where}: $.expression: the name 'paper' means eq. (7) as rebuilt by the checker; "
                        f"these coefficients or this scenario differ")
    sign, offset = (1 if direction == "minimise" else -1), Fraction(0)
    if "penalty" in keys:
        sign_text, offset_text = fields(document["penalty"], f"{where}: $.penalty", ("sign", "offset"))
        if type(sign_text) is not int or sign_text != sign:
            raise Malformed(f"{where}: $.penalty.sign: expected {sign} for direction {direction!r}, "
                            f"found {_show(sign_text)}")
        offset = fraction(offset_text, f"{where}: $.penalty.offset")
    identity = hashlib.sha256(json.dumps([scenario, expression], sort_keys=True).encode()).hexdigest()
    penalty = (scale, {j: sign * c for j, c in bell.items()})
    return values, shape, penalty, sign, offset, identity


def check_expression_bound(document, where):
    """Check a ``certify/expression-bound`` file: the exact value function of one
    pair with the penalty value delta = C.P - offset; return its statement."""
    keys = ("format", "version", "scenario", "expression", "penalty", "target", "value_function")
    values, shape, penalty, sign, offset, identity = check_expression_header(document, where, keys)
    setting, outcome, index = check_target(values[5], shape, f"{where}: $.target")
    breakpoints, pieces = check_value_function(values[6], index, f"{where}: $.value_function", shape,
                                               penalty, offset)
    return {"format": "certify/expression-bound", "expression": identity, "penalty": (sign, offset),
            "shape": shape, "setting": setting, "outcome": outcome, "index": index,
            "breakpoints": breakpoints, "pieces": pieces}


def local_minimum(shape, penalty, strategy):
    """``(min C.P over deterministic local boxes, C.P of strategy)``, scaled by c.

    A deterministic box has P(x|u) = 1 iff x_i = s_i(u_i) for every i, so
    C.P = sum_u C(s(u)|u). The party r with the most strategies d_r^{m_r}
    answers each strategy tuple of the others with its best outcome per setting,
    so only ``prod_{i != r} d_i^{m_i}`` tuples are enumerated; setting tuples
    where C has no coefficient add 0 to every strategy and are skipped
    (``MAX_ENUMERATION`` bounds the coefficient look-ups).

    >>> local_minimum(((2, 2), (2, 2)), (1, {1: 1, 2: 1, 5: 1, 6: 1, 9: 1, 10: 1, 12: 1, 15: 1}),
    ...               [(0, 0), (0, 0)])  # CHSH as a game: a local strategy loses one round
    (1, 1)
    """
    (settings, outcomes), (_, coefficients) = shape, penalty
    n, width = len(settings), _product(outcomes)
    strides = [_product(outcomes[i + 1:]) for i in range(n)]
    r = max(range(n), key=lambda i: outcomes[i] ** settings[i])
    others = [i for i in range(n) if i != r]
    active = {j // width for j in coefficients}
    cost = (_product(outcomes[i] ** settings[i] for i in others) * len(active) * outcomes[r])
    if cost > MAX_ENUMERATION:
        raise Malformed(f"local bound: enumeration needs {cost} look-ups, more than the checker's limit "
                        f"{MAX_ENUMERATION}")
    all_settings = list(product(*map(range, settings)))
    head_settings = list(product(*(range(settings[i]) for i in others)))
    head_position = {u: h for h, u in enumerate(head_settings)}
    starts_at = [[] for _ in range(settings[r])]  # per setting of r: (head setting, block start)
    for s, u in enumerate(all_settings):
        if s in active:
            starts_at[u[r]].append((head_position[u[:r] + u[r + 1:]], s * width))
    needed = sorted({h for pairs in starts_at for h, _ in pairs})
    get, best_total = coefficients.get, None
    for heads in product(*(product(range(outcomes[i]), repeat=settings[i]) for i in others)):
        shift = {h: sum(heads[a][head_settings[h][a]] * strides[i] for a, i in enumerate(others)) for h in needed}
        total = sum(min(sum(get(start + shift[h] + x * strides[r], 0) for h, start in pairs)
                        for x in range(outcomes[r])) for pairs in starts_at)
        best_total = total if best_total is None else min(best_total, total)
    chosen = sum(get(s * width + sum(strategy[i][u[i]] * strides[i] for i in range(n)), 0)
                 for s, u in enumerate(all_settings))
    return best_total, chosen


def check_local_bound(local, shape, penalty, sign, where):
    """``{"value", "strategy"}``: the strategy (one outcome digit per setting, per party)
    attains the value and the enumeration of every deterministic strategy finds nothing
    better; returns the value (in the expression's own direction)."""
    local_text, strategy_text = fields(local, where, ("value", "strategy"))
    local_value = fraction(local_text, f"{where}.value")
    strategy = []
    for i, (m, d) in enumerate(zip(*shape)):
        text = array(strategy_text, f"{where}.strategy", len(shape[0]), len(shape[0]))[i]
        if not (isinstance(text, str) and len(text) == m and all(c in "0123456789"[:d] for c in text)):
            raise Malformed(f"{where}.strategy[{i}]: expected {m} outcome digits below {d}, found {_show(text)}")
        strategy.append(tuple(map(int, text)))
    minimum, chosen = local_minimum(shape, penalty, strategy)
    if sign * Fraction(chosen, penalty[0]) != local_value or minimum != chosen:
        raise NotProven(f"{where}: the strategy gives {sign * Fraction(chosen, penalty[0])}, the enumeration of "
                        f"every deterministic strategy {sign * Fraction(minimum, penalty[0])}; the file states "
                        f"{local_value}")
    return local_value


def check_bell_flag(is_bell, local_value, optimum, where):
    """``is_bell_inequality`` must be a boolean saying whether the two bounds differ."""
    if type(is_bell) is not bool:
        raise Malformed(f"{where}: expected true or false, found {_show(is_bell)}")
    if is_bell != (local_value != optimum):
        raise NotProven(f"{where}: local bound {local_value} and no-signalling optimum {optimum} say "
                        f"{local_value != optimum}")


def check_expression_bounds(document, where):
    """Check ``bounds.json``: the local bound (strategy and exhaustive enumeration),
    the no-signalling optimum (certificate ``C.P >= offset`` and a witness attaining
    it) and ``is_bell_inequality``; the maximum output probability is compared with
    the pair documents by :func:`check_expression_coverage`. Returns the statement."""
    keys = ("format", "version", "scenario", "expression", "penalty", "local_bound", "ns_optimum",
            "is_bell_inequality", "max_output_probability_at_ns_optimum")
    values, shape, penalty, sign, offset, identity = check_expression_header(document, where, keys)
    local, optimum, is_bell, best = values[5:]
    local_value = check_local_bound(local, shape, penalty, sign, f"{where}: $.local_bound")
    value, certificate, witness = fields(optimum, f"{where}: $.ns_optimum", ("value", "certificate", "witness"))
    if fraction(value, f"{where}: $.ns_optimum.value") != sign * offset:
        raise NotProven(f"{where}: $.ns_optimum.value: must equal sign * offset = {sign * offset}")
    bound = check_inequality(certificate, Fraction(1), None, f"{where}: $.ns_optimum.certificate", shape, penalty)
    if bound != -offset:
        raise NotProven(f"{where}: $.ns_optimum.certificate: proves C.P >= {-bound}, not the offset {offset}")
    if check_box(witness, None, f"{where}: $.ns_optimum.witness", shape, penalty)[1] != offset:
        raise NotProven(f"{where}: $.ns_optimum.witness: C.W differs from the offset {offset}")
    check_bell_flag(is_bell, local_value, sign * offset, f"{where}: $.is_bell_inequality")
    best_value, best_pair = fields(best, f"{where}: $.max_output_probability_at_ns_optimum", ("value", "pair"))
    return {"format": "certify/expression-bounds", "expression": identity, "penalty": (sign, offset),
            "shape": shape, "local_bound": local_value, "ns_optimum": sign * offset,
            "max_output": (fraction(best_value, f"{where}: $.max_output_probability_at_ns_optimum.value"),
                           pair_index(best_pair, shape, f"{where}: $.max_output_probability_at_ns_optimum.pair"))}


def relabeling(generator, shape, where):
    """The index map g of a relabeling ``{"parties", "settings", "outcomes"}``:
    ``u'[pi_i] = sigma_i(u_i)``, ``x'[pi_i] = tau_{i,u_i}(x_i)``; each a permutation."""
    settings, outcomes = shape
    n = len(settings)

    def permutation(value, size, at):
        if not (isinstance(value, list) and all(type(v) is int for v in value)
                and sorted(value) == list(range(size))):
            raise Malformed(f"{where}.{at}: expected a permutation of 0..{size - 1}, found {_show(value)}")
        return value

    parties, sigma, tau = fields(generator, where, ("parties", "settings", "outcomes"))
    pi = permutation(parties, n, "parties")
    if any(settings[pi[i]] != settings[i] or outcomes[pi[i]] != outcomes[i] for i in range(n)):
        raise Malformed(f"{where}.parties: a party must move to a party with as many settings and outcomes")
    sigma = [permutation(s, settings[i], f"settings[{i}]")
             for i, s in enumerate(array(sigma, where + ".settings", n, n))]
    tau = [[permutation(t, outcomes[i], f"outcomes[{i}][{u}]")
            for u, t in enumerate(array(per_party, f"{where}.outcomes[{i}]", settings[i], settings[i]))]
           for i, per_party in enumerate(array(tau, where + ".outcomes", n, n))]
    setting_strides = [_product(settings[i + 1:]) for i in range(n)]
    outcome_strides = [_product(outcomes[i + 1:]) for i in range(n)]
    image = []
    for u in product(*map(range, settings)):
        moved = sum(sigma[i][u[i]] * setting_strides[pi[i]] for i in range(n)) * _product(outcomes)
        per_party = [[tau[i][u[i]][x] * outcome_strides[pi[i]] for x in range(outcomes[i])] for i in range(n)]
        image.extend(moved + sum(parts) for parts in product(*per_party))
    return image


def check_expression_symmetry(document, where):
    """Check ``symmetry.json``: each generator is a relabeling keeping every coefficient
    of B, and each pair (listed once, canonical order) is its representative's image
    under its word; returns ``{pair index: representative index}`` in the statement."""
    keys = ("format", "version", "scenario", "expression", "generators", "pairs")
    values, shape, penalty, _, _, identity = check_expression_header(document, where, keys)
    size, coefficients = size_of(shape), penalty[1]
    images = []
    for k, generator in enumerate(array(values[4], f"{where}: $.generators", 0, 256)):
        image = relabeling(generator, shape, f"{where}: $.generators[{k}]")
        if {image[j]: c for j, c in coefficients.items()} != coefficients:
            raise NotProven(f"{where}: $.generators[{k}]: does not map every coefficient of B to an equal one")
        images.append(image)
    representative = {}
    for j, entry in enumerate(array(values[5], f"{where}: $.pairs", size, size)):
        at = f"{where}: $.pairs[{j}]"
        pair, start, word = fields(entry, at, ("pair", "representative", "word"))
        if pair != pair_key(j, shape):
            raise Malformed(f"{at}.pair: expected {pair_key(j, shape)!r} (every pair once, canonical order), "
                            f"found {_show(pair)}")
        position = representative[j] = pair_index(start, shape, at + ".representative")
        for k in array(word, at + ".word", 0, 256):
            position = images[integer(k, at + ".word[]", 0, len(images) - 1)][position]
        if position != j:
            raise NotProven(f"{at}: the word maps {start} to {pair_key(position, shape)}, not to {pair}")
    for j, start in representative.items():
        if representative[start] != start or (start == j) != (values[5][j]["word"] == []):
            raise Malformed(f"{where}: $.pairs[{start}]: a representative must list itself with an empty word")
    return {"format": "certify/expression-symmetry", "expression": identity, "shape": shape,
            "representative": representative}


def orbit_labels(images, size):
    """The smallest member of the orbit of every index under the group the index maps
    ``images`` generate (union-find; a root is always the smallest index of its class).

    >>> orbit_labels([[1, 0, 2, 3], [0, 1, 3, 2]], 4)
    [0, 0, 2, 2]
    """
    parent = list(range(size))

    def root(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for image in images:
        for j, k in enumerate(image):
            if j != k:
                a, b = root(j), root(k)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return [root(j) for j in range(size)]


def group_orbits(generators, shape, coefficients, where, cache, fixed=None):
    """Orbit labels under a list (0..256) of relabelings, each checked to map every
    coefficient of C to an equal one (and to fix the index ``fixed``); ``cache`` maps
    a generator's JSON text to its checked image within one document."""
    images = []
    for k, generator in enumerate(array(generators, where, 0, 256)):
        key = json.dumps(generator, sort_keys=True)
        if key not in cache:
            image = relabeling(generator, shape, f"{where}[{k}]")
            if {image[j]: c for j, c in coefficients.items()} != coefficients:
                raise NotProven(f"{where}[{k}]: does not map every coefficient of C to an equal one")
            cache[key] = image
        if fixed is not None and cache[key][fixed] != fixed:
            raise NotProven(f"{where}[{k}]: does not fix the target {pair_key(fixed, shape)}")
        images.append(cache[key])
    return orbit_labels(images, size_of(shape))


def check_expression_reduced(document, where):
    """Check a ``certify/expression-reduced`` file (an N-party family member): the
    local bound, the no-signalling optimum and v_t(0) of one representative per orbit
    of pairs, by dual certificates checked on orbit sums (:func:`check_inequality`
    with orbits) and orbit-constant witness boxes. Returns the statement."""
    keys = ("format", "version", "scenario", "expression", "penalty", "symmetry", "local_bound", "ns_optimum",
            "representatives", "is_bell_inequality", "max_output_probability_at_ns_optimum")
    values, shape, penalty, sign, offset, identity = check_expression_header(document, where, keys)
    symmetry, local, optimum, representatives, is_bell, best = values[5:]
    size, coefficients, cache = size_of(shape), penalty[1], {}
    local_value = check_local_bound(local, shape, penalty, sign, f"{where}: $.local_bound")
    at = f"{where}: $.ns_optimum"
    value, stabiliser, certificate = fields(optimum, at, ("value", "stabiliser", "certificate"))
    if fraction(value, at + ".value") != sign * offset:
        raise NotProven(f"{at}.value: must equal sign * offset = {sign * offset}")
    labels = group_orbits(stabiliser, shape, coefficients, at + ".stabiliser", cache)
    bound = check_inequality(certificate, Fraction(1), None, at + ".certificate", shape, penalty, labels)
    if bound != -offset:
        raise NotProven(f"{at}.certificate: proves C.P >= {-bound}, not the offset {offset}")
    entries = array(representatives, f"{where}: $.representatives", 1, size)
    if len(entries) * size > MAX_REDUCED_WORK:  # each representative costs work proportional to size
        raise Malformed(f"{where}: $.representatives: {len(entries)} representatives of {size} probabilities "
                        f"each exceed the checker's limit of {MAX_REDUCED_WORK} (representatives x probabilities)")
    proven, previous = {}, -1
    for k, entry in enumerate(entries):
        at = f"{where}: $.representatives[{k}]"
        pair, value, stabiliser, slope, certificate, witness = fields(
            entry, at, ("pair", "value", "stabiliser", "slope", "certificate", "witness"))
        target = pair_index(pair, shape, at + ".pair")
        if target <= previous:
            raise Malformed(f"{at}.pair: representatives must be listed in increasing canonical order")
        previous = target
        value, slope = fraction(value, at + ".value"), fraction(slope, at + ".slope")
        if slope < 0:
            raise Malformed(f"{at}.slope: expected a rational >= 0, found {slope}")
        labels = group_orbits(stabiliser, shape, coefficients, at + ".stabiliser", cache, target)
        bound = check_inequality(certificate, slope, target, at + ".certificate", shape, penalty, labels)
        if bound + slope * offset != value:
            raise NotProven(f"{at}: bound {bound} + slope {slope} * offset {offset} is not the value {value}")
        d, w = sparse(witness, size, at + ".witness")
        off_minimum = next((j for j in w if labels[j] != j), None)
        if off_minimum is not None:
            raise Malformed(f"{at}.witness: index {off_minimum} is not the smallest of its orbit "
                            f"({labels[off_minimum]} is)")
        expanded = {j: w[label] for j, label in enumerate(labels) if label in w}
        attained, penalty_value = check_scaled_box(d, expanded, target, at + ".witness", shape, penalty)
        if attained != value or penalty_value > offset:
            raise NotProven(f"{at}.witness: W* = {attained} and C.W = {penalty_value}; needs {value} and "
                            f"at most the offset {offset}")
        proven[target] = value
    pair_orbits = group_orbits(symmetry, shape, coefficients, f"{where}: $.symmetry", cache)
    seen = {}
    for target in proven:
        if pair_orbits[target] in seen:
            raise Malformed(f"{where}: $.representatives: {pair_key(seen[pair_orbits[target]], shape)} and "
                            f"{pair_key(target, shape)} lie in one orbit of pairs")
        seen[pair_orbits[target]] = target
    uncovered = sorted(set(pair_orbits) - set(seen))
    if uncovered:
        raise NotProven(f"{where}: $.representatives: {len(uncovered)} orbits of pairs have no representative, "
                        f"e.g. the orbit of {pair_key(uncovered[0], shape)}")
    check_bell_flag(is_bell, local_value, sign * offset, f"{where}: $.is_bell_inequality")
    at = f"{where}: $.max_output_probability_at_ns_optimum"
    best_value, best_pair = fields(best, at, ("value", "pair"))
    best_value, best_index = fraction(best_value, at + ".value"), pair_index(best_pair, shape, at + ".pair")
    if best_value != max(proven.values()) or proven.get(best_index) != best_value:
        raise NotProven(f"{at}: the representatives give the maximum {max(proven.values())}; "
                        f"the file states {best_value} at {best_pair}")
    return {"format": "certify/expression-reduced", "expression": identity, "penalty": (sign, offset),
            "shape": shape, "local_bound": local_value, "ns_optimum": sign * offset,
            "max_output": (best_value, best_index), "values": proven, "pair_orbits": len(seen)}


def check_expression_coverage(statements, present, where="folder"):
    """An expression folder proves v for every pair: every statement speaks of one
    expression and penalty; each pair has a proven ``u<setting>-x<outcome>.json`` or
    is mapped by ``symmetry.json`` from a representative that has one; ``bounds.json``
    is proven and its maximum of v(0) over the pairs is right.

    ``statements`` maps file names to the statements of files that passed;
    ``present`` holds every expression file name of the folder."""
    if len({s["expression"] for s in statements.values()}) != 1 or len(
            {s["penalty"] for s in statements.values() if "penalty" in s}) > 1:
        raise NotProven(f"{where}: the documents do not all speak of one expression and penalty form")
    by_kind = {}
    for name, statement in statements.items():
        by_kind.setdefault(statement["format"], {})[name] = statement
    shape = next(iter(statements.values()))["shape"]
    first_value = {}
    for name, statement in by_kind.get("certify/expression-bound", {}).items():
        if name != f"u{statement['setting']}-x{statement['outcome']}.json":
            raise NotProven(f"{where}: file {name} proves the pair {statement['setting']}|{statement['outcome']}; "
                            f"its name must match its target")
        first_value[statement["index"]] = statement["breakpoints"][0][1]
    symmetry = [s for n, s in by_kind.get("certify/expression-symmetry", {}).items() if n == "symmetry.json"]
    if symmetry:
        for j, start in symmetry[0]["representative"].items():
            if j not in first_value and start in first_value:
                first_value[j] = first_value[start]
    missing = [pair_key(j, shape) for j in range(size_of(shape)) if j not in first_value]
    if missing:
        raise NotProven(f"{where}: {size_of(shape) - len(missing)} of {size_of(shape)} pairs proven (by their "
                        f"document or by symmetry.json); not proven: {missing[:4] + ['...'] * (len(missing) > 4)}"
                        f"; unproven files: {sorted(present - set(statements))[:4]}")
    bounds = by_kind.get("certify/expression-bounds", {}).get("bounds.json")
    if bounds is None:
        raise NotProven(f"{where}: no proven bounds.json")
    value, index = bounds["max_output"]
    if max(first_value.values()) != value or first_value[index] != value:
        raise NotProven(f"{where}bounds.json: maximum output probability {value} at {pair_key(index, shape)}; "
                        f"the pair documents give {max(first_value.values())}, and v(0) = {first_value[index]} "
                        f"at that pair")


def check_coverage(proven, present, where="folder"):
    """Lemma 11 "for every (u*, x*)": one proven file ``u<setting>-x<outcome>.json`` per pair.

    ``proven`` maps file names to the statements of files that passed;
    ``present`` holds every certificate file name of the folder."""
    for name, statement in proven.items():
        if name != f"u{statement['setting']}-x{statement['outcome']}.json":
            raise NotProven(f"{where}: file {name} proves P({statement['outcome']}|{statement['setting']}); "
                            f"its name must match its target")
    pairs = [f"u{u:04b}-x{x:04b}.json" for u in range(16) for x in range(16)]
    absent = [p for p in pairs if p not in present]
    failed = [p for p in pairs if p in present and p not in proven]
    if absent or failed:
        raise NotProven(f"{where}: {256 - len(absent) - len(failed)} of 256 pairs proven; absent: "
                        f"{absent[:4] + ['...'] * (len(absent) > 4)}, "
                        f"not proven: {failed[:4] + ['...'] * (len(failed) > 4)}")


def check_manifest(document, folder, where):
    """Check a manifest: safe, sorted, unique paths, each a regular file with that SHA-256."""
    _, _, files, provenance = fields(document, f"{where}: $", ("format", "version", "files", "provenance"))
    if not isinstance(provenance, dict) or not all(isinstance(v, str) for v in provenance.values()):
        raise Malformed(f"{where}: $.provenance: expected an object of strings")
    listed = []
    for k, entry in enumerate(array(files, f"{where}: $.files", 0, 100_000)):
        path, digest = fields(entry, f"{where}: $.files[{k}]", ("path", "sha256"))
        if not (isinstance(path, str) and _SAFE_PATH.fullmatch(path)) or set(path.split("/")) & {".", ".."}:
            raise Malformed(f"{where}: $.files[{k}].path: expected a relative '/'-separated path inside the "
                            f"folder (letters, digits, '._-', no '..'), found {_show(path)}")
        if not (isinstance(digest, str) and re.fullmatch("[0-9a-f]{64}", digest)):
            raise Malformed(f"{where}: $.files[{k}].sha256: expected 64 lowercase hex digits")
        listed.append((path, digest))
    if [p for p, _ in listed] != sorted({p for p, _ in listed}):
        raise Malformed(f"{where}: $.files: paths must be sorted and unique")
    for path, digest in listed:
        parts = path.split("/")
        if any(os.path.islink(os.path.join(folder, *parts[:depth])) for depth in range(1, len(parts))):
            raise Malformed(f"{where}: {path}: goes through a symbolic link")
        if not os.path.lexists(os.path.join(folder, *parts)):
            raise NotProven(f"{where}: listed file {path} does not exist")
        if hashlib.sha256(read_bytes(os.path.join(folder, *parts), f"{where}: {path}")).hexdigest() != digest:
            raise NotProven(f"{where}: {path}: SHA-256 differs from the manifest")
    return {p for p, _ in listed}


# -- proof records (docs/proof-record-format.md): algebra rechecked with Fractions -------

def _polynomial(terms, arity, where):
    """``[[exponents], "c"], ...`` as ``{exponents: Fraction}`` (zero terms dropped)."""
    result = {}
    for k, term in enumerate(array(terms, where, 0, 10_000)):
        if type(term) is not list or len(term) != 2 or type(term[0]) is not list or len(term[0]) != arity:
            raise Malformed(f"{where}[{k}]: expected [[{arity} exponents], \"rational\"], found {_show(term)}")
        key = tuple(integer(e, f"{where}[{k}][0]", 0, 64) for e in term[0])
        result[key] = result.get(key, 0) + fraction(term[1], f"{where}[{k}][1]")
    return {key: value for key, value in result.items() if value}


def _multiply(left, right):
    product = {}
    for ka, va in left.items():
        for kb, vb in right.items():
            key = tuple(a + b for a, b in zip(ka, kb))
            product[key] = product.get(key, 0) + va * vb
    return {key: value for key, value in product.items() if value}


def check_algebra_step(step, where="step"):
    """True iff one algebra step holds (kinds: polynomial-identity, -nonnegative,
    -evaluation, rational-inequality); raises :class:`Malformed` if malformed.

    >>> check_algebra_step({"kind": "polynomial-evaluation", "variables": ["s"], "claim": "",
    ...     "polynomial": [[[8], "1/2"]], "values": ["2/5"], "expected": "128/390625"})
    True
    """
    if not isinstance(step, dict):
        raise Malformed(f"{where}: expected an object, found {_show(step)}")
    variables = array(step.get("variables"), f"{where}.variables", 0, 16)
    if not all(type(v) is str for v in variables) or len(set(variables)) != len(variables):
        raise Malformed(f"{where}.variables: expected distinct names")
    arity, kind = len(variables), step.get("kind")
    if kind == "polynomial-identity":
        lhs = _polynomial(step.get("lhs"), arity, f"{where}.lhs")
        total = {}
        for k, term in enumerate(array(step.get("rhs"), f"{where}.rhs", 0, 1000)):
            coefficient, factors = fields(term, f"{where}.rhs[{k}]", ("coefficient", "factors"))
            product = {(0,) * arity: fraction(coefficient, f"{where}.rhs[{k}].coefficient")}
            for m, factor in enumerate(array(factors, f"{where}.rhs[{k}].factors", 0, 64)):
                product = _multiply(product, _polynomial(factor, arity, f"{where}.rhs[{k}].factors[{m}]"))
            for key, value in product.items():
                total[key] = total.get(key, 0) + value
        return lhs == {key: value for key, value in total.items() if value}
    if kind == "polynomial-nonnegative":
        polynomial = _polynomial(step.get("polynomial"), arity, f"{where}.polynomial")
        positive = array(step.get("positive_variables"), f"{where}.positive_variables", 0, arity)
        others = array(step.get("nonnegative_variables"), f"{where}.nonnegative_variables", 0, arity)
        if set(positive) | set(others) != set(variables) or type(step.get("strict")) is not bool:
            raise Malformed(f"{where}: every variable must be declared positive or non-negative; strict a bool")
        if any(value < 0 for value in polynomial.values()):
            return False
        return not step["strict"] or any(
            value > 0 and all(e == 0 or variables[i] in positive for i, e in enumerate(key))
            for key, value in polynomial.items())
    if kind in ("polynomial-evaluation", "rational-inequality"):
        values = [fraction(v, f"{where}.values") for v in array(step.get("values"), f"{where}.values", arity, arity)]
        total = Fraction(0)
        for key, coefficient in _polynomial(step.get("polynomial"), arity, f"{where}.polynomial").items():
            for value, exponent in zip(values, key):
                coefficient *= value ** exponent
            total += coefficient
        if kind == "polynomial-evaluation":
            return total == fraction(step.get("expected"), f"{where}.expected")
        bound, relation = fraction(step.get("bound"), f"{where}.bound"), step.get("relation")
        if relation not in ("<", "<=", ">", ">="):
            raise Malformed(f"{where}.relation: expected <, <=, > or >=, found {_show(relation)}")
        return {"<": total < bound, "<=": total <= bound, ">": total > bound, ">=": total >= bound}[relation]
    raise Malformed(f"{where}.kind: unknown algebra step kind {_show(kind)}")


def check_proof_record(document, where):
    """A proof record: every algebra step must hold; records without algebra are
    reported as not independently audited (their statement starts with NOT_AUDITED)."""
    names = ("format", "version", "name", "statement", "inputs", "method", "result", "details", "audit")
    _, _, name, statement, _, _, result, _, audit = fields(document, where, names)
    if type(name) is not str or type(statement) is not str or result not in ("proved", "not proved"):
        raise Malformed(f"{where}: name and statement must be strings, result 'proved' or 'not proved'")
    if not isinstance(audit, dict) or type(audit.get("independently_audited")) is not bool:
        raise Malformed(f"{where}: $.audit.independently_audited: expected true or false")
    if not audit["independently_audited"]:
        fields(audit, f"{where}: $.audit", ("independently_audited", "reason"))
        return f"{NOT_AUDITED}: {name}: {audit['reason']}"
    allowed = {"independently_audited", "algebra", "not_audited_parts"}
    if not set(audit) <= allowed or "algebra" not in audit:
        raise Malformed(f"{where}: $.audit: expected keys {sorted(allowed)}")
    steps = array(audit["algebra"], f"{where}: $.audit.algebra", 1, 1000)
    for k, step in enumerate(steps):
        if not check_algebra_step(step, f"{where}: $.audit.algebra[{k}]"):
            raise NotProven(f"{where}: $.audit.algebra[{k}] does not hold: {step.get('claim', '')}")
    if result != "proved":
        raise NotProven(f"{where}: the record says {result!r}")
    return f"{name}: {statement} ({len(steps)} algebra steps rechecked)"


def check_document(document, where, folder="."):
    """Check a parsed document (a manifest relative to ``folder``); return ``(format, statement)``."""
    if not isinstance(document, dict):
        raise Malformed(f"{where}: $: expected a JSON object, found {_show(document)}")
    kind, version = document.get("format"), document.get("version")
    if not isinstance(kind, str) or kind not in VERSIONS:
        raise Malformed(f"{where}: $.format: expected one of {sorted(VERSIONS)}, found {_show(kind)}")
    if type(version) is not int or version != VERSIONS[kind]:
        raise Malformed(f"{where}: $.version: this checker knows {kind} version {VERSIONS[kind]} only, "
                        f"found {_show(version)}")
    if kind == "certify/manifest":
        return kind, check_manifest(document, folder, where)
    if kind == "certify/proof-record":
        return kind, check_proof_record(document, where)
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


def _show(value):
    text = repr(value) if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
