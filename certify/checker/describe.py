"""The statement a checked file proves, in readable form (``certify show``).

Standard library only. :func:`describe` renders what :func:`certify.checker.core.check_file`
returned for a file; :func:`show_payload` is the same as JSON-ready data. The
variable of a value function is the Bell value b (the plain sum B.P of eq. (6)
for Lemma 11, the penalty value C.P - offset for other expressions), never the
protocol threshold delta on L_n.
"""

import os
from fractions import Fraction

from certify.checker import expressions as checker_expressions
from certify.checker.builtins import definition
from certify.checker.dispatch import VERSIONS

__all__ = ["describe", "show_payload"]


def describe(kind: str, statement, path: str) -> str:
    """The statement a checked file proves, in readable mathematical form."""
    if kind == "certify/manifest":
        return (f"{path}: certify/manifest version 1: {len(statement)} files, each a regular file "
                f"inside {os.path.dirname(path) or '.'} with the listed SHA-256\n"
                + "".join(f"  {p}\n" for p in sorted(statement)))
    if kind in checker_expressions.EXPRESSION_FORMATS or kind == "certify/expression-reduced":
        return _describe_expression(kind, statement, path)
    if kind != "certify/output-bound":
        return f"{path}: {kind} version {VERSIONS[kind]}: {statement}\n"
    target = f"P({statement['outcome']}|{statement['setting']})"
    lines = [
        f"{path}: certify/output-bound version 1, verified by certify.checker.core",
        "scenario: 4 parties, 2 settings and 2 outcomes each; 256 probabilities P(x|u), u=u1u2u3u4, "
        "x=x1x2x3x4; 272 no-signalling rows rebuilt by the checker",
        "expression: B of eq. (7) ('paper', 64 indicator coefficients, rebuilt and matched), "
        "B.P in [0, 8]",
        f"target: {target} (index {statement['index']})",
        f"Lemma 11, eq. (42): {target} <= 1/3 + 2/3 * B.P for every no-signalling box",
        f"  best constant for slope 2/3: {statement['bound']} (a witness attains it), so "
        f"{target} <= {statement['bound']} + 2/3 * B.P",
        f"value function v(delta) = max {{ {target} : P no-signalling, B.P <= delta }}, exact:",
    ] + _value_function_table(statement["breakpoints"], statement["pieces"])
    return "\n".join(lines) + "\n"


def _jsonable(value):
    """A checker statement with Fractions as canonical strings, tuples as lists."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return str(value) if isinstance(value, Fraction) else value


def _describe_expression(kind: str, statement, path: str) -> str:
    """Readable statement of an expression file (bound, bounds, symmetry or reduced family)."""
    (settings, outcomes) = statement["shape"]
    head = [f"{path}: {kind} version {VERSIONS[kind]}, verified by certify.checker.expressions"]
    head.append(f"scenario: {len(settings)} parties, settings {list(settings)}, outcomes {list(outcomes)}; "
                f"no-signalling rows rebuilt by the checker; expression identity {statement['expression'][:16]}")
    name = statement["name"]
    head.append(f"expression {name!r}: " + ("a built-in, its coefficients rebuilt by the checker from its definition"
                                             if definition(name) is not None else
                                             "not a built-in: the statement holds for the coefficients stated "
                                             "in the file"))
    if kind == "certify/expression-symmetry":
        representatives = sorted(set(statement["representative"].values()))
        return "\n".join(head + [f"{len(statement['representative'])} pairs, each the image of one of "
                                 f"{len(representatives)} representatives under relabelings keeping B"]) + "\n"
    sign, offset = statement["penalty"]
    head.append(f"penalty form: C = {sign} * B, offset min C.P = {offset} over no-signalling boxes "
                f"(proved in this file), delta(P) = C.P - offset")
    if kind == "certify/expression-bounds":
        value, index = statement["max_output"]
        return "\n".join(head + [
            f"local bound (every deterministic strategy enumerated): {statement['local_bound']}",
            f"no-signalling optimum (certificate and witness): {statement['ns_optimum']}",
            f"stated, not proven by this file alone: max output probability at the optimum {value} at "
            f"{checker_expressions.pair_key(index, statement['shape'])} (an audit of the folder checks it "
            f"against the pair documents)"]) + "\n"
    if kind == "certify/expression-reduced":
        value, index = statement["max_output"]
        shape = statement["shape"]
        lines = [f"local bound (every deterministic strategy enumerated): {statement['local_bound']}",
                 f"no-signalling optimum (dual certificate on orbit sums): {statement['ns_optimum']}",
                 f"Bell inequality (the two differ): {'yes' if statement['local_bound'] != statement['ns_optimum'] else 'no'}",
                 f"v(0) = max P(x*|u*) at the no-signalling optimum, {len(statement['values'])} representatives "
                 f"covering all {statement['pair_orbits']} orbits of pairs (symmetry-reduced dual certificates "
                 f"and witness boxes):"]
        lines += [f"  {checker_expressions.pair_key(j, shape)}: {v}" for j, v in sorted(statement["values"].items())]
        lines.append(f"max output probability at the optimum: {value} at {checker_expressions.pair_key(index, shape)}")
        return "\n".join(head + lines) + "\n"
    target = f"P({statement['outcome']}|{statement['setting']})"
    head.append(f"value function v(delta) = max {{ {target} : P no-signalling, delta(P) <= delta }}, exact:")
    return "\n".join(head + _value_function_table(statement["breakpoints"], statement["pieces"])) + "\n"


def _value_function_table(breakpoints, pieces) -> list[str]:
    lines = [f"  {'delta from':<14}{'delta to':<14}{'v at start':<14}v(delta) on the interval"]
    for i, ((delta, value), (constant, slope)) in enumerate(zip(breakpoints, pieces)):
        end = str(breakpoints[i + 1][0]) if i + 1 < len(breakpoints) else "inf"
        terms = ([str(constant)] if constant or not slope else []) + ([f"{slope} * delta"] if slope else [])
        lines.append(f"  {str(delta):<14}{end:<14}{str(value):<14}{' + '.join(terms)}")
    return lines


def show_payload(kind: str, statement, path: str) -> dict:
    """The statement of a checked file as JSON-ready data."""
    payload = {"path": path, "format": kind}
    if kind == "certify/manifest":
        payload["files"] = sorted(statement)
    elif kind != "certify/output-bound":
        payload["statement"] = _jsonable(statement)
    else:
        payload.update({k: statement[k] for k in ("setting", "outcome", "index")})
        payload["paper_claim"] = {"constant": "1/3", "slope": "2/3", "bound": str(statement["bound"])}
        payload["value_function"] = {
            "breakpoints": [{"bell_value": str(d), "value": str(v)} for d, v in statement["breakpoints"]],
            "pieces": [{"constant": str(c), "slope": str(s)} for c, s in statement["pieces"]]}
    return payload
