"""Proof records (``docs/proof-record-format.md``, version 2): algebra rechecked with
Fractions, and the statement derived from it.

Standard library only, built on :mod:`certify.checker.core`. A record states
its claim as ``formula``: a list of formulas in the small grammar of
:func:`step_formula`, one per algebra step. The checker rechecks every step and
renders the formula each step proves; the record is proved only if the list it
states is exactly the list derived, in order, so the last formula is where the
chain ends. The prose ``statement`` is commentary and is never printed as
proved.

>>> step_formula({"kind": "polynomial-nonnegative", "variables": ["s", "r"], "claim": "",
...     "polynomial": [[[4, 0], "1"], [[0, 1], "1"]], "positive_variables": ["s"],
...     "nonnegative_variables": ["r"], "strict": True})
'for all s > 0, r >= 0: r + s^4 > 0'
>>> step_formula({"kind": "polynomial-evaluation", "variables": ["s"], "claim": "",
...     "polynomial": [[[8], "1/2"]], "values": ["1/2"], "expected": "1/512"})
'1/2*s^8 = 1/512 at s = 1/2'
"""

from fractions import Fraction

from certify.checker.core import Malformed, NotProven, array, fields, fraction, integer, show

NOT_AUDITED = "not independently audited"  # statement prefix of records without algebra
RELATIONS = ("<", "<=", ">", ">=")
MAX_ALGEBRA_TERMS = 1 << 16  # terms read, multiplied or evaluated in one record
MAX_ALGEBRA_BITS = 1 << 18  # bits of the coefficients those terms can make, in one record


# -- proof records (docs/proof-record-format.md): algebra rechecked with Fractions -------

def _polynomial(terms, arity, where, budget=None):
    """``[[exponents], "c"], ...`` as ``{exponents: Fraction}`` (zero terms dropped);
    each term is charged to ``budget`` (:func:`_charge`; a fresh one when None)."""
    result, budget = {}, [0, 0] if budget is None else budget
    for k, term in enumerate(array(terms, where, 0, 10_000)):
        if type(term) is not list or len(term) != 2 or type(term[0]) is not list or len(term[0]) != arity:
            raise Malformed(f"{where}[{k}]: expected [[{arity} exponents], \"rational\"], found {show(term)}")
        key = tuple(integer(e, f"{where}[{k}][0]", 0, 64) for e in term[0])
        coefficient = fraction(term[1], f"{where}[{k}][1]")
        _charge(budget, 1, _bits({key: coefficient}), f"{where}[{k}]")
        result[key] = result.get(key, 0) + coefficient
    return {key: value for key, value in result.items() if value}


def _bits(polynomial):
    """Bit size of a polynomial's coefficients (numerators and denominators)."""
    return sum(c.numerator.bit_length() + c.denominator.bit_length() for c in polynomial.values())


def _charge(budget, terms, bits, where):
    """Take ``terms`` and ``bits`` from a record's ``budget`` (``[terms, bits]`` spent so
    far) before the work is done; refuse beyond MAX_ALGEBRA_TERMS or MAX_ALGEBRA_BITS."""
    budget[0] += terms
    budget[1] += bits
    if budget[0] > MAX_ALGEBRA_TERMS or budget[1] > MAX_ALGEBRA_BITS:
        raise Malformed(f"{where}: the algebra of this record needs {budget[0]} terms of {budget[1]} bits, "
                        f"more than the checker's limits {MAX_ALGEBRA_TERMS} terms, {MAX_ALGEBRA_BITS} bits")


def _multiply(left, right, budget, where):
    _charge(budget, len(left) * len(right), len(right) * _bits(left) + len(left) * _bits(right), where)
    product = {}
    for ka, va in left.items():
        for kb, vb in right.items():
            key = tuple(a + b for a, b in zip(ka, kb))
            product[key] = product.get(key, 0) + va * vb
    return {key: value for key, value in product.items() if value}


def check_algebra_step(step, where="step", budget=None):
    """True iff one algebra step holds (kinds: polynomial-identity, -nonnegative,
    -evaluation, rational-inequality); raises :class:`Malformed` if malformed or
    beyond the work limits (``budget``: ``[terms, bits]`` spent by the record so far).

    >>> check_algebra_step({"kind": "polynomial-evaluation", "variables": ["s"], "claim": "",
    ...     "polynomial": [[[8], "1/2"]], "values": ["2/5"], "expected": "128/390625"})
    True
    """
    if not isinstance(step, dict):
        raise Malformed(f"{where}: expected an object, found {show(step)}")
    variables = array(step.get("variables"), f"{where}.variables", 0, 16)
    if not all(type(v) is str for v in variables) or len(set(variables)) != len(variables):
        raise Malformed(f"{where}.variables: expected distinct names")
    arity, kind = len(variables), step.get("kind")
    budget = [0, 0] if budget is None else budget
    if kind == "polynomial-identity":
        lhs = _polynomial(step.get("lhs"), arity, f"{where}.lhs", budget)
        total = {}
        for k, term in enumerate(array(step.get("rhs"), f"{where}.rhs", 0, 1000)):
            coefficient, factors = fields(term, f"{where}.rhs[{k}]", ("coefficient", "factors"))
            product = {(0,) * arity: fraction(coefficient, f"{where}.rhs[{k}].coefficient")}
            for m, factor in enumerate(array(factors, f"{where}.rhs[{k}].factors", 0, 64)):
                factor_at = f"{where}.rhs[{k}].factors[{m}]"
                product = _multiply(product, _polynomial(factor, arity, factor_at, budget), budget, factor_at)
            for key, value in product.items():
                total[key] = total.get(key, 0) + value
        return lhs == {key: value for key, value in total.items() if value}
    if kind == "polynomial-nonnegative":
        polynomial = _polynomial(step.get("polynomial"), arity, f"{where}.polynomial", budget)
        positive = array(step.get("positive_variables"), f"{where}.positive_variables", 0, arity)
        others = array(step.get("nonnegative_variables"), f"{where}.nonnegative_variables", 0, arity)
        if not all(type(v) is str for v in positive + others):
            raise Malformed(f"{where}: positive_variables and nonnegative_variables must be variable names")
        if set(positive) | set(others) != set(variables) or type(step.get("strict")) is not bool:
            raise Malformed(f"{where}: every variable must be declared positive or non-negative; strict a bool")
        if any(value < 0 for value in polynomial.values()):
            return False
        return not step["strict"] or any(
            value > 0 and all(e == 0 or variables[i] in positive for i, e in enumerate(key))
            for key, value in polynomial.items())
    if kind in ("polynomial-evaluation", "rational-inequality"):
        values = [fraction(v, f"{where}.values") for v in array(step.get("values"), f"{where}.values", arity, arity)]
        total, polynomial = Fraction(0), _polynomial(step.get("polynomial"), arity, f"{where}.polynomial", budget)
        value_bits = [v.numerator.bit_length() + v.denominator.bit_length() for v in values]
        _charge(budget, len(polynomial), _bits(polynomial) + sum(
            sum(e * b for e, b in zip(key, value_bits)) for key in polynomial), f"{where}.polynomial")
        for key, coefficient in polynomial.items():
            for value, exponent in zip(values, key):
                coefficient *= value ** exponent
            total += coefficient
        if kind == "polynomial-evaluation":
            return total == fraction(step.get("expected"), f"{where}.expected")
        bound, relation = fraction(step.get("bound"), f"{where}.bound"), step.get("relation")
        if relation not in RELATIONS:
            raise Malformed(f"{where}.relation: expected <, <=, > or >=, found {show(relation)}")
        return {"<": total < bound, "<=": total <= bound, ">": total > bound, ">=": total >= bound}[relation]
    raise Malformed(f"{where}.kind: unknown algebra step kind {show(kind)}")


def _render(polynomial, variables):
    """A polynomial as text: terms in increasing exponent order, ``c*v^e*w`` (``c`` omitted
    when 1 and a monomial follows), ``0`` for the zero polynomial."""
    terms = []
    for key in sorted(polynomial):
        monomial = "*".join(v if e == 1 else f"{v}^{e}" for v, e in zip(variables, key) if e)
        coefficient = polynomial[key]
        terms.append(monomial if monomial and coefficient == 1 else
                     f"{coefficient}*{monomial}" if monomial else str(coefficient))
    return " + ".join(terms) or "0"


def step_formula(step, where="step"):
    """The formula one algebra step proves, in the record grammar:

    - ``polynomial-identity``: ``for all v real, ...: LHS = c*(F1)*(F2) + ...``;
    - ``polynomial-nonnegative``: ``for all v > 0, w >= 0: P >= 0`` (``> 0`` if strict);
    - ``polynomial-evaluation``: ``P = expected at v = x, ...``;
    - ``rational-inequality``: ``P relation bound at v = x, ...``;

    where polynomials are rendered by :func:`_render` and variables keep the step's order."""
    if not isinstance(step, dict):
        raise Malformed(f"{where}: expected an object, found {show(step)}")
    variables = array(step.get("variables"), f"{where}.variables", 0, 16)
    arity, kind = len(variables), step.get("kind")
    if kind == "polynomial-identity":
        products = []
        for k, term in enumerate(array(step.get("rhs"), f"{where}.rhs", 0, 1000)):
            coefficient, factors = fields(term, f"{where}.rhs[{k}]", ("coefficient", "factors"))
            products.append(f"{fraction(coefficient, f'{where}.rhs[{k}].coefficient')}" + "".join(
                f"*({_render(_polynomial(factor, arity, where), variables)})"
                for factor in array(factors, f"{where}.rhs[{k}].factors", 0, 64)))
        return (f"for all {', '.join(v + ' real' for v in variables)}: "
                f"{_render(_polynomial(step.get('lhs'), arity, where), variables)} = {' + '.join(products) or '0'}")
    polynomial = _render(_polynomial(step.get("polynomial"), arity, f"{where}.polynomial"), variables)
    if kind == "polynomial-nonnegative":
        positive = array(step.get("positive_variables"), f"{where}.positive_variables", 0, arity)
        declared = ", ".join(f"{v} > 0" if v in positive else f"{v} >= 0" for v in variables)
        return f"for all {declared}: {polynomial} {'>' if step.get('strict') is True else '>='} 0"
    values = [fraction(v, f"{where}.values") for v in array(step.get("values"), f"{where}.values", arity, arity)]
    at = " at " + ", ".join(f"{v} = {x}" for v, x in zip(variables, values)) if variables else ""
    if kind == "polynomial-evaluation":
        return f"{polynomial} = {fraction(step.get('expected'), f'{where}.expected')}{at}"
    return f"{polynomial} {step.get('relation')} {fraction(step.get('bound'), f'{where}.bound')}{at}"


def check_proof_record(document, where):
    """A proof record (version 2): every algebra step must hold and the stated ``formula``
    must be exactly the list of formulas the steps prove (:func:`step_formula`);
    records without algebra are reported as not independently audited (their statement
    starts with NOT_AUDITED). A record whose result is not "proved" is not proven."""
    names = ("format", "version", "name", "formula", "statement", "inputs", "method", "result", "details",
             "audit")
    _, _, name, formula, statement, _, _, result, _, audit = fields(document, where, names)
    if type(name) is not str or type(statement) is not str or result not in ("proved", "not proved"):
        raise Malformed(f"{where}: name and statement must be strings, result 'proved' or 'not proved'")
    stated = array(formula, f"{where}: $.formula", 0, 1000)
    if not all(type(text) is str for text in stated):
        raise Malformed(f"{where}: $.formula: expected a list of formula strings")
    if not isinstance(audit, dict) or type(audit.get("independently_audited")) is not bool:
        raise Malformed(f"{where}: $.audit.independently_audited: expected true or false")
    if not audit["independently_audited"]:
        fields(audit, f"{where}: $.audit", ("independently_audited", "reason"))
        if stated:
            raise NotProven(f"{where}: $.formula: a record without algebra proves no formula; found {len(stated)}")
        if result != "proved":
            raise NotProven(f"{where}: the record says {result!r}")
        return f"{NOT_AUDITED}: {name}: {audit['reason']}"
    allowed = {"independently_audited", "algebra", "not_audited_parts"}
    if not set(audit) <= allowed or "algebra" not in audit:
        raise Malformed(f"{where}: $.audit: expected keys {sorted(allowed)}")
    steps, budget = array(audit["algebra"], f"{where}: $.audit.algebra", 1, 1000), [0, 0]
    derived = []
    for k, step in enumerate(steps):
        if not check_algebra_step(step, f"{where}: $.audit.algebra[{k}]", budget):
            raise NotProven(f"{where}: $.audit.algebra[{k}] does not hold: {step.get('claim', '')}")
        derived.append(step_formula(step, f"{where}: $.audit.algebra[{k}]"))
    if stated != derived:
        k = next((k for k, (a, b) in enumerate(zip(stated, derived)) if a != b), min(len(stated), len(derived)))
        raise NotProven(f"{where}: $.formula: the steps do not end in the stated formula: at [{k}] the record "
                        f"states {show(stated[k]) if k < len(stated) else 'nothing'}, the steps prove "
                        f"{show(derived[k]) if k < len(derived) else 'nothing more'}")
    if result != "proved":
        raise NotProven(f"{where}: the record says {result!r}")
    return f"{name}: " + "; ".join(derived) + f" ({len(steps)} algebra steps rechecked)"
