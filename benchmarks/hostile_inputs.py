"""Hostile inputs for the checker: each is built in a temporary folder and checked
by ``python -m certify check`` (or ``show``) in a subprocess; prints one table row per
input with its size, wall time, peak memory of that child (``os.wait4``) and exit code.

    python benchmarks/hostile_inputs.py [--markdown]

Every row must stay under one second and 256 MB (exit 1 otherwise): each input is
refused by a limit computed before the work (docs/certificate-format.md, "Limits")
or decided at once. The test suite asserts the refusals (exit code and message),
never a time; this script is where the time and memory are measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT, MEMORY_LIMIT = 1.0, 256 * 1024 * 1024
MIB = 1024 * 1024


def _header(parties, settings, outcomes, coefficients, kind, direction="minimise"):
    return {"format": kind, "version": 1,
            "scenario": {"parties": parties, "settings": [settings] * parties, "outcomes": [outcomes] * parties},
            "expression": {"name": "hostile", "direction": direction, "coefficients": coefficients},
            "penalty": {"sign": 1, "offset": "0"}}


def bounds_without_coefficients():
    """A 530-byte ``bounds.json``: no coefficients, 2 parties with 10 settings and 10 outcomes
    (10^10 strategies of one party; the old cost counted only non-zero coefficients)."""
    document = _header(2, 10, 10, [], "certify/expression-bounds")
    document.update({"local_bound": {"value": "0", "strategy": ["0" * 10, "0" * 10]},
                     "ns_optimum": {"value": "0", "certificate": {"bound": "0", "multipliers": []},
                                    "witness": []},
                     "is_bell_inequality": False,
                     "max_output_probability_at_ns_optimum": {"value": "1", "pair": "00|00"}})
    return json.dumps(document)


def _party_swap(a, b, parties=8):
    order = list(range(parties))
    order[a], order[b] = b, a
    return {"parties": order, "settings": [[0, 1]] * parties, "outcomes": [[[0, 1], [0, 1]]] * parties}


def _family(stabiliser, representative_stabiliser, representatives=1):
    """An 8-party family file (65,536 probabilities) whose C is one coefficient at index 0,
    so every relabeling that moves only parties keeps C; the local bound and the
    no-signalling certificate hold, the orbit labelling is what costs."""
    document = _header(8, 2, 2, [[0, "1"]], "certify/expression-reduced")
    document.update({
        "symmetry": [], "local_bound": {"value": "0", "strategy": ["11"] * 8},
        "ns_optimum": {"value": "0", "stabiliser": stabiliser,
                       "certificate": {"bound": "0", "multipliers": []}},
        "representatives": [{"pair": f"{k:08b}|00000000", "value": "0", "stabiliser": representative_stabiliser,
                             "slope": "0", "certificate": {"bound": "0", "multipliers": []}, "witness": []}
                            for k in range(representatives)],
        "is_bell_inequality": False,
        "max_output_probability_at_ns_optimum": {"value": "0", "pair": "00000000|00000000"}})
    return json.dumps(document)


def family_repeated_generators():
    """Every generator list as long as allowed, one generator repeated (the old checker
    labelled orbits once per entry: 64 x 256 x 65,536 steps, about 20 minutes)."""
    same = _party_swap(0, 1)
    return _family([same] * 200, [same] * 100, representatives=2)


def family_distinct_generators():
    """Many distinct generators (each index map costs about 2.5 MB at 8 parties)."""
    swaps = [_party_swap(a, b) for a in range(8) for b in range(a + 1, 8)]  # 28
    cycles = [{"parties": [(i + k) % 8 for i in range(8)], "settings": [[0, 1]] * 8,
               "outcomes": [[[0, 1], [0, 1]]] * 8} for k in range(1, 8)]  # 7
    return _family(swaps + cycles, [])


def algebra_blowup():
    """A proof record of about 60 KB whose product of 64 factors has astronomically many terms."""
    variables = [f"v{i}" for i in range(16)]
    factor = [[[1 if i == k else 0 for i in range(16)], "1"] for k in range(16)] + [[[0] * 16, "1"]]
    step = {"kind": "polynomial-identity", "variables": variables, "claim": "",
            "lhs": [], "rhs": [{"coefficient": "1", "factors": [factor] * 64}]}
    return json.dumps(_record([step]))


def algebra_huge_powers():
    """A proof record raising 4,300-digit rationals to the 64th power in every term."""
    value = "1/" + "7" * 4300
    step = {"kind": "polynomial-evaluation", "variables": [f"v{i}" for i in range(16)], "claim": "",
            "polynomial": [[[64] * 16, "1"]], "values": [value] * 16, "expected": "0"}
    return json.dumps(_record([step] * 50))


def algebra_powers_at_limit():
    """Powers just inside the bit limit: 1000 steps, each a 480-digit rational to the 64th power."""
    step = {"kind": "polynomial-evaluation", "variables": ["v"], "claim": "",
            "polynomial": [[[64], "1"], [[63], "1"]], "values": ["1/" + "7" * 480], "expected": "0"}
    return json.dumps(_record([step] * 1000))


def algebra_coprime_sum():
    """One polynomial repeating a monomial with coprime 4,300-digit denominators (their sum grows)."""
    terms = [[[1], f"1/{10 ** 4299 + 2 * k + 1}"] for k in range(1800)]
    step = {"kind": "polynomial-evaluation", "variables": ["v"], "claim": "",
            "polynomial": terms, "values": ["1"], "expected": "0"}
    return json.dumps(_record([step]))


def _formula(steps):
    """The formulas the steps prove (what a version-2 record must state), where they render."""
    from certify.checker.records import step_formula
    try:
        return [step_formula(step) for step in steps]
    except Exception:  # a step the checker refuses: the refusal comes first anyway
        return []


def _record(steps):
    return {"format": "certify/proof-record", "version": 2, "name": "hostile", "formula": _formula(steps),
            "statement": "s", "inputs": {}, "method": "m", "result": "proved", "details": {},
            "audit": {"independently_audited": True, "algebra": steps}}


def record_non_string_variable():
    """A non-string entry in positive_variables (raised TypeError before)."""
    step = {"kind": "polynomial-nonnegative", "variables": ["a"], "claim": "", "polynomial": [[[1], "1"]],
            "positive_variables": [["a"]], "nonnegative_variables": ["a"], "strict": False}
    return json.dumps(_record([step]))


def lone_surrogate_name():
    """A record named by a lone surrogate, printed by ``show``."""
    document = _record([])
    document["audit"] = {"independently_audited": False, "reason": "r"}
    return json.dumps(document).replace('"hostile"', '"\\ud800"')


def empty_objects(size):
    count = (size - 2) // 3
    return "[" + "{}," * (count - 1) + "{}]"


def huge_common_denominator():
    entries = [[k, f"1/{10 ** 4299 + 2 * k + 1}"] for k in range(256)]
    document = json.loads(open(ROOT / "certificates" / "lemma11" / "u0001-x1000.json").read())
    document["paper_claim"]["witness"] = entries
    return json.dumps(document)


CASES = [  # (name, command, builder)
    ("empty objects, 64 MiB", "check", lambda: empty_objects(64 * MIB)),
    ("empty objects, 16 MiB", "check", lambda: empty_objects(16 * MIB - 16)),
    ("quotes, 16 MiB", "check", lambda: '"' * (16 * MIB - 16)),
    ("closing brackets, 16 MiB", "check", lambda: "]" * (16 * MIB - 16)),
    ("one string, 16 MiB", "check", lambda: '"' + "a" * (16 * MIB - 16) + '"'),
    ("nesting 400,000 deep", "check", lambda: "[" * 400_000 + "]" * 400_000),
    ("million-digit integer", "check", lambda: '{"format": ' + "7" * 1_000_000 + "}"),
    ("coprime 4,300-digit denominators", "check", huge_common_denominator),
    ("bounds.json without coefficients", "check", bounds_without_coefficients),
    ("family: repeated generators", "check", family_repeated_generators),
    ("family: distinct generators", "check", family_distinct_generators),
    ("record: product blow-up", "check", algebra_blowup),
    ("record: huge powers", "check", algebra_huge_powers),
    ("record: powers at the bit limit", "check", algebra_powers_at_limit),
    ("record: coprime coefficients summed", "check", algebra_coprime_sum),
    ("record: non-string variable", "check", record_non_string_variable),
    ("record: lone surrogate name", "show", lone_surrogate_name),
]


def run(command, path):
    """``python -m certify COMMAND PATH``: size, seconds, peak bytes, exit code, last stderr line,
    whether a traceback was printed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "certify", command, str(path)], cwd=ROOT,
                                 stdout=out, stderr=err, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak memory (ru_maxrss, KiB)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    peak, code = usage.ru_maxrss * 1024, child.returncode
    message = (stderr.strip().splitlines() or [""])[-1]
    return os.path.getsize(path), elapsed, peak, code, message, "Traceback" in stderr


def main(argv):
    """Build every input, then measure them from a fresh, small process: a child forked
    from this one would report the builder's memory as its own peak."""
    if argv[:1] == ["--run"]:
        for (name, command, _), path in zip(CASES, argv[1:]):
            print(json.dumps([name, command, *run(command, path)]))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, _, build in CASES:
            path = Path(folder) / (name.replace(" ", "-").replace(",", "").replace(":", "") + ".json")
            path.write_text(build(), encoding="utf-8", errors="surrogatepass")
            paths.append(str(path))
        measured = subprocess.run([sys.executable, __file__, "--run", *paths], capture_output=True, text=True,
                                  check=True).stdout.splitlines()
    failed = False
    print("| input | command | size | time | peak memory | exit | message |")
    print("|---|---|---:|---:|---:|---:|---|")
    for line in measured:
        name, command, size, elapsed, peak, code, message, traceback = json.loads(line)
        bad = elapsed >= TIME_LIMIT or peak >= MEMORY_LIMIT or traceback or code not in (0, 1, 2)
        failed |= bad
        message = message.replace(folder + "/", "")
        short = message if len(message) <= 100 else message[:97] + "..."
        print(f"| {name}{' **OVER**' if bad else ''} | {command} | {size:,} B | {elapsed:.2f} s | "
              f"{peak / MIB:.0f} MB | {code} | {short.replace('|', '/')} |")
    reference = "certificates/families/paper-n8.json"
    if os.path.exists(ROOT / reference):  # not hostile: the largest committed file, within every limit
        _, elapsed, peak, code, _, _ = run("check", str(ROOT / reference))
        print(f"\nFor comparison (not a hostile input): {reference} takes {elapsed:.2f} s and {peak / MIB:.0f} MB "
              f"(exit {code}); a file within every limit can cost about as much.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
