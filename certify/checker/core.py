"""The trusted core: what a referee reads to trust Lemma 11, standard library only.

It imports nothing from the rest of ``certify`` nor its sibling modules (a test
enforces its import list), so it can be read, and run, alone. It holds strict
JSON and canonical rationals, the no-signalling rows, the Bell expression of
eq. (7),

    B(x,u) = I[x1+x2+x3+x4 = 0 mod 2] I[u in U0] + I[x1+x2+x3+x4 = 1 mod 2] I[u in U1],

with U0 = {0001, 0010, 0100, 1000}, U1 = {0111, 1011, 1101, 1110} (eq. (4)), the
inequality certificate, the witness box, the exact value function and the
check of an output-bound file (``docs/certificate-format.md``, version 1). Such a
file for one pair (u*, x*) proves Lemma 11 (eq. (42), with delta = B.P) for
every no-signalling box P:

    P(x*|u*) <= 1/3 + (2/3) B.P,

and the exact value function v(delta) = max{P(x*|u*) : P no-signalling,
B.P <= delta}. Which files must be present for "every (u*, x*)" is said by
:mod:`certify.checker.registry`; the other formats (general expressions,
families, manifests, proof records) are checked by sibling modules built on
this one. Arithmetic is on Python integers (each vector scaled to a common
denominator) and ``Fraction``. Errors: :class:`Malformed` (exit 2: unreadable,
not the format, out of range) and :class:`NotProven` (exit 1: well formed, but
the claim does not follow).

>>> try:
...     loads_strict('{"a": "1/2", "a": "1/3"}', "x.json")
... except Malformed as error:
...     print(error.exit_code, error)
2 x.json: $: duplicate key 'a'
>>> parse_rational("-3/4", "$"), parse_rational("7", "$")
((-3, 4), (7, 1))
"""

import json
import re
from fractions import Fraction
from functools import lru_cache
from itertools import accumulate, product
from math import gcd, lcm

MAX_DEPTH = 64  # nesting of JSON arrays and objects
MAX_TOKENS = 1_000_000  # commas, colons, brackets and quotes of one file (raw text)
MAX_DIGITS = 4300  # per integer: Python's default int <-> str conversion limit
MAX_DENOMINATOR_BITS = 65536  # common denominator of one vector (about 19,700 digits)
PAPER_SCENARIO = {"parties": 4, "settings": [2, 2, 2, 2], "outcomes": [2, 2, 2, 2]}
PAPER_SHAPE = ((2, 2, 2, 2), (2, 2, 2, 2))  # (settings, outcomes) per party
PAPER_U0, PAPER_U1 = ("0001", "0010", "0100", "1000"), ("0111", "1011", "1101", "1110")
PAPER_CLAIM = (Fraction(1, 3), Fraction(2, 3))  # (constant, slope) of eq. (42)
_RATIONAL = re.compile(r"(-?)(0|[1-9][0-9]*)(?:/([1-9][0-9]*))?")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")
_NESTING = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
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


# -- strict JSON --------------------------------------------------------------------------

def loads_strict(text, where):
    """Parse JSON after cheap linear scans for the number of tokens (so that neither
    the scans nor ``json.loads`` build more than about MAX_TOKENS objects), long digit
    runs, ``-0`` and the nesting depth; reject floats, exponents, NaN, Infinity and
    duplicate keys."""
    tokens = sum(map(text.count, ',:[]{}"'))  # bounds every piece, bracket and value built below
    if tokens > MAX_TOKENS:
        raise Malformed(f"{where}: {tokens} JSON tokens (commas, colons, brackets, quotes), more "
                        f"than the limit {MAX_TOKENS}")
    run = re.search("(?<![0-9])[0-9]{%d}" % (MAX_DIGITS + 1), text)  # tried at run starts only: linear
    if run:
        raise Malformed(f"{where}: a digit run at character {run.start()} is longer than {MAX_DIGITS} digits")
    # Without backslashes no quote is escaped, so every other piece lies outside strings.
    outside_strings = "".join(text.split('"')[::2]) if "\\" not in text else _STRING.sub("", text)
    if re.search(r"-0(?![.0-9eE])", outside_strings):
        raise Malformed(f"{where}: integer -0 is not canonical")
    brackets = outside_strings.encode().translate(None, _NOT_BRACKETS)
    if max(accumulate(brackets, lambda depth, c: depth + _NESTING[c], initial=0)) > MAX_DEPTH:
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
    except (ValueError, RecursionError) as error:  # Malformed from the hooks is no ValueError: it passes
        raise Malformed(f"{where}: not valid JSON: {error}") from None


# -- values: each checked against its declared range before use --------------------------

def parse_rational(value, where):
    """A canonical rational ``"p/q"`` (q >= 2, gcd 1) or ``"p"`` as ``(p, q)``."""
    known = _PARSED.get(value) if type(value) is str else None
    if known:
        return known
    match = _RATIONAL.fullmatch(value) if type(value) is str and len(value) <= 2 * MAX_DIGITS + 2 else None
    if match is None or max(len(match[2]), len(match[3] or "")) > MAX_DIGITS:
        raise Malformed(f"{where}: expected a canonical rational string like \"-3/4\", found {show(value)}")
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
        raise Malformed(f"{where}: expected an integer in {low}..{high}, found {show(value)}")
    return value


def fields(value, where, names):
    """An object with exactly the keys ``names``; returns their values in that order."""
    if not isinstance(value, dict):
        raise Malformed(f"{where}: expected an object, found {show(value)}")
    if set(value) != set(names):
        missing, unknown = sorted(set(names) - set(value)), sorted(set(value) - set(names))
        raise Malformed(f"{where}: expected keys {list(names)}; missing {missing}, unknown {unknown}")
    return [value[name] for name in names]


def array(value, where, low, high):
    """A JSON array with ``low..high`` entries."""
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise Malformed(f"{where}: expected an array of {low}..{high} entries, found {show(value)}")
    return value


def sparse(value, size, where, extra=1):
    """A sparse vector ``[[index, "rational"], ...]`` (indices strictly increasing in
    ``0..size-1``, no zeros) as ``(d, {index: value * d})`` with ``d`` the least
    common denominator of the values and ``extra``."""
    entries, previous = [], -1
    for k, entry in enumerate(array(value, where, 0, size)):
        if type(entry) is not list or len(entry) != 2:
            raise Malformed(f"{where}[{k}]: expected [index, \"rational\"], found {show(entry)}")
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

def dual_slacks(certificate, slope, target, where, shape=PAPER_SHAPE, penalty=None):
    """The slacks of a dual certificate for ``P_t <= a + slope C.P``: returns
    ``(a, total, d, reduced)`` with ``reduced[j] = d s_j`` where
    ``s_j = sum_r y_r A[r][j] - e*_j + slope C_j`` and ``total`` the sum of y_r over
    the normalisation rows (:func:`check_inequality` says why these decide the bound).
    ``penalty = (c, {j: c C_j})`` (integers; default eq. (7) with c = 1);
    ``target`` None means ``P_t`` is 0."""
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
    return bound, Fraction(sum(w for r, w in y.items() if r < num_norm), d), d, reduced


def check_inequality(certificate, slope, target, where, shape=PAPER_SHAPE, penalty=None):
    """Check ``P_t <= a + slope C.P`` for every no-signalling box; return ``a``.

    Needs ``s_j = sum_r y_r A[r][j] - e*_j + slope C_j >= 0`` for every j and ``a =
    sum of y_r over the normalisation rows`` (:func:`dual_slacks`): then for P >= 0
    with ``A P = b``, ``P_t - slope C.P = y.(A P) - s.P <= y.b = a``."""
    bound, total, d, reduced = dual_slacks(certificate, slope, target, where, shape, penalty)
    negative = next((j for j, value in enumerate(reduced) if value < 0), None)
    if negative is not None:
        raise NotProven(f"{where}: s_{negative} = {Fraction(reduced[negative], d)} < 0: the multipliers "
                        f"do not dominate P* - {slope} C.P at index {negative}")
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
                        f"found {show(scenario)}")
    name, direction, coefficients = fields(expression, at("expression"),
                                           ("name", "direction", "coefficients"))
    if name != "paper" or direction != "minimise":
        raise Malformed(f"{at('expression')}: expected name 'paper' (eq. (7)) and direction 'minimise', "
                        f"found {show(name)}, {show(direction)}")
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

    >>> pair_index("0001|1000", PAPER_SHAPE, "$")
    24
    """
    settings, outcomes = shape
    n = len(settings)
    if not (isinstance(key, str) and len(key) == 2 * n + 1 and key[n] == "|"
            and all(c in "0123456789" for c in key[:n] + key[n + 1:])
            and all(int(key[i]) < settings[i] and int(key[n + 1 + i]) < outcomes[i] for i in range(n))):
        raise Malformed(f"{where}: expected a pair 'u1..u{n}|x1..x{n}' with digits below the settings "
                        f"{list(settings)} and outcomes {list(outcomes)}, found {show(key)}")
    setting = outcome = 0
    for i in range(n):
        setting, outcome = setting * settings[i] + int(key[i]), outcome * outcomes[i] + int(key[n + 1 + i])
    return setting * (size_of(shape) // product_of(settings)) + outcome


def product_of(values):
    """The product of integers (1 for none)."""
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


def show(value):
    """A value as it appears in an error message, at most 60 characters."""
    text = repr(value) if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."
