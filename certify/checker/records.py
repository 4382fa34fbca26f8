"""Proof records (``docs/proof-record-format.md``): algebra rechecked with Fractions.

Standard library only, built on :mod:`certify.checker.core`.
"""

from fractions import Fraction

from certify.checker.core import Malformed, NotProven, array, fields, fraction, integer, show

NOT_AUDITED = "not independently audited"  # statement prefix of records without algebra


# -- proof records (docs/proof-record-format.md): algebra rechecked with Fractions -------

def _polynomial(terms, arity, where):
    """``[[exponents], "c"], ...`` as ``{exponents: Fraction}`` (zero terms dropped)."""
    result = {}
    for k, term in enumerate(array(terms, where, 0, 10_000)):
        if type(term) is not list or len(term) != 2 or type(term[0]) is not list or len(term[0]) != arity:
            raise Malformed(f"{where}[{k}]: expected [[{arity} exponents], \"rational\"], found {show(term)}")
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
        raise Malformed(f"{where}: expected an object, found {show(step)}")
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
            raise Malformed(f"{where}.relation: expected <, <=, > or >=, found {show(relation)}")
        return {"<": total < bound, "<=": total <= bound, ">": total > bound, ">=": total >= bound}[relation]
    raise Malformed(f"{where}.kind: unknown algebra step kind {show(kind)}")


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
