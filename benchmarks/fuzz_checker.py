"""Long mutation-fuzz run of the trusted checker against the builder's reference.

Usage (from the repository root)::

    PYTHONPATH=. /work/venv/bin/python benchmarks/fuzz_checker.py [--mutations 10000] [--seed 0]
        [--certificates tests/certificates/valid] [--json]

Mutates valid certificates with the mutations of ``tests/test_checker_fuzz.py``
(one multiplier, an index, a claimed bound, the scenario, a Bell coefficient,
a breakpoint, a witness entry, a type; dropping, duplicating or swapping
entries) and prints how many mutants the checker rejected, how many stayed
valid, how often its verdict agreed with ``certify.builder.verify.verify_lemma11_document``
(accepted vs rejected, and the exit-code class), tightened bounds accepted
(target 0) and crashes of either side (target 0). Deterministic for a seed.
Exit code 1 if any crash, any accepted tightening or any disagreement.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("checker_fuzz", ROOT / "tests" / "test_checker_fuzz.py")
fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutations", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--certificates", default=str(ROOT / "tests" / "certificates" / "valid"),
                        help="folder of valid output-bound certificates to mutate")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the builder's verify_lemma11_document (checker only)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    bases = [json.loads(p.read_text()) for p in sorted(Path(args.certificates).glob("u*.json"))]
    if not bases:
        print(f"no certificates u*.json in {args.certificates}", file=sys.stderr)
        return 2
    use_reference = not args.no_reference
    if use_reference:
        try:
            import certify.builder.lemma11  # noqa: F401
        except ImportError as error:
            print(f"reference unavailable ({error}); use --no-reference", file=sys.stderr)
            return 2
    rng = random.Random(args.seed)
    counts, kinds, examples = Counter(), Counter(), []
    start = time.perf_counter()
    for n in range(args.mutations):
        base = bases[rng.randrange(len(bases))]
        mutant, description, tightens = fuzz.mutate(base, rng)
        kinds[description.split(":")[0].split(" ")[0]] += 1
        try:
            ours = fuzz.checker_verdict(mutant)
        except Exception as error:  # noqa: BLE001 - counted, reported
            ours = f"crash: {type(error).__name__}: {error}"
        counts["checker " + ("crash" if ours.startswith("crash") else ours)] += 1
        if tightens:
            counts["tightening mutations"] += 1
            if ours == "ok":
                counts["tightening ACCEPTED"] += 1
                examples.append(("tightening accepted", description))
        if use_reference:
            reference = fuzz.reference_verdict(mutant)
            counts["reference " + ("crash" if reference.startswith("crash") else reference)] += 1
            if reference.startswith("crash"):
                examples.append((reference[:200], description))
            elif (ours == "ok") == (reference == "ok"):
                counts["agree (accept/reject)"] += 1
                counts["agree (exit class too)" if ours == reference else "agree, other class"] += 1
            else:
                counts["DISAGREE"] += 1
                examples.append((f"checker {ours}, reference {reference}", description))
        if ours.startswith("crash"):
            examples.append((ours[:200], description))
    elapsed = time.perf_counter() - start
    summary = {"mutations": args.mutations, "seed": args.seed, "seconds": round(elapsed, 1),
               "bases": len(bases), "counts": dict(sorted(counts.items())),
               "mutation kinds": dict(sorted(kinds.items())), "examples": examples[:20]}
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print(f"{args.mutations} mutations of {len(bases)} certificates, seed {args.seed}, "
              f"{elapsed:.1f} s")
        rejected = counts["checker not proven"] + counts["checker malformed"]
        print(f"  rejected by the checker: {rejected} ({counts['checker not proven']} not proven, "
              f"{counts['checker malformed']} malformed); still valid: {counts['checker ok']}")
        print(f"  tightening mutations: {counts['tightening mutations']}, accepted: "
              f"{counts['tightening ACCEPTED']}")
        if use_reference:
            print(f"  agreement with verify_lemma11_document: {counts['agree (accept/reject)']} of "
                  f"{args.mutations} (same exit class: {counts['agree (exit class too)']}); "
                  f"disagreements: {counts['DISAGREE']}")
        print(f"  crashes: checker {counts['checker crash']}, reference {counts['reference crash']}")
        for problem, description in examples[:20]:
            print(f"  ! {problem}  <- {description}")
    bad = (counts["checker crash"] + counts["tightening ACCEPTED"] + counts["DISAGREE"]
           + counts["reference crash"])
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
