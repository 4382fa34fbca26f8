"""``certify regenerate`` and ``certify optimum`` (Lemma 11 engine)."""

from __future__ import annotations

import json
import re
import sys
from fractions import Fraction
from pathlib import Path

from certify.lp.expression import paper_bell_expression
from certify.builder.lemma11 import verify_optimum
from certify.errors import InputError
from certify.builder.jsonio import rational, sparse
from certify.progress import Progress
from certify.builder.regenerate import part_names, regenerate

__all__ = ["add_parser", "parse_exact", "optimum_table", "select_targets"]

_EXACT = re.compile(r"\s*(\d+)(?:/(\d+)|\.(\d+))?\s*")


def default_root() -> Path:
    """The repository root when run from a checkout, else the current folder."""
    candidate = Path(__file__).resolve().parent.parent
    return candidate if (candidate / "pyproject.toml").is_file() else Path.cwd()


def parse_exact(text: str, option: str) -> Fraction:
    """A non-negative exact number: ``3``, ``1/10`` or ``0.1`` (read exactly).

    >>> parse_exact("1/10", "--bell-value"), parse_exact("0.25", "--bell-value")
    (Fraction(1, 10), Fraction(1, 4))
    """
    match = _EXACT.fullmatch(text or "")
    if not match or (match.group(2) is not None and int(match.group(2)) == 0):
        raise InputError(f"{option}: expected a non-negative exact number such as 1/10 or 0.1, got {text!r}")
    whole, denominator, decimals = match.groups()
    if denominator is not None:
        return Fraction(int(whole), int(denominator))
    if decimals is not None:
        return Fraction(int(whole + decimals), 10 ** len(decimals))
    return Fraction(int(whole))


def select_targets(scenario, setting: str | None, outcome: str | None) -> list[int]:
    """The target indices of ``--setting``/``--outcome`` (both or neither; all pairs when neither)."""
    if (setting is None) != (outcome is None):
        raise InputError("--setting and --outcome must be given together")
    if setting is not None:
        try:
            targets = [scenario.index(scenario.parse_setting(setting), scenario.parse_outcome(outcome))]
        except ValueError as error:
            raise InputError(f"--setting/--outcome: {error}") from None
    else:
        targets = list(range(scenario.num_probabilities))
    return targets


def optimum_table(bell_value: Fraction, setting: str | None = None, outcome: str | None = None,
                  with_certificates: bool = False, show_progress: bool = False) -> dict:
    """Exact ``max P(x*|u*) s.t. B.P <= bell_value`` for all (or one) pairs,
    each checked by its dual line and witness box before it is returned."""
    from certify.builder.pairs import PairCertifier  # heavy (HiGHS, FLINT): imported when used

    expression = paper_bell_expression()
    scenario = expression.scenario
    targets = select_targets(scenario, setting, outcome)
    certifier = PairCertifier(expression)
    progress = Progress("optimum", show_progress)
    optima, certificates = {}, {}
    for done, target in enumerate(targets, start=1):
        pair = certifier.certificates(target)
        function = pair.value_function
        index = function.piece_index(bell_value)
        constant, slope = function.pieces[index]
        value = function.evaluate(bell_value)
        inequality = {"constant": rational(constant), "slope": rational(slope),
                      "certificate": {"bound": rational(constant),
                                      "multipliers": [[r, rational(y)] for r, y in
                                                      pair.piece_certificates[index].multipliers]}}
        witness = sparse(function.witness_at(bell_value))
        verify_optimum(expression, target, bell_value, value, inequality, witness)
        key = scenario.pair_key(target)
        optima[key] = rational(value)
        if with_certificates:
            certificates[key] = {"inequality": inequality, "witness": witness}
        progress(done, len(targets))
    result = {"bell_value": rational(bell_value), "optima": optima}
    if with_certificates:
        result["certificates"] = certificates
    return result


def _run_regenerate(args) -> int:
    root = Path(args.out) if args.out else default_root()
    summary = regenerate(root, only=args.only, workers=args.workers, show_progress=not args.quiet)
    if args.json:
        print(json.dumps(summary, sort_keys=True))
    else:
        for name, count in summary["parts"].items():
            print(f"certificates/{name}: {count} certificates written, each checked exactly")
        if summary["proofs"]:
            print(f"proofs: {len(summary['proofs'])} documents written under {root / 'proofs'}")
    return 0


def _run_optimum(args) -> int:
    bell_value = parse_exact(args.bell_value, "--bell-value")
    if args.expression == "paper":
        table = optimum_table(bell_value, args.setting, args.outcome, args.with_certificates,
                              show_progress=not args.json and sys.stderr.isatty())
    else:
        from certify.cli.bounds import expression_optimum_table
        from certify.formats.library import resolve_expression

        table = expression_optimum_table(resolve_expression(args.expression), bell_value, args.setting,
                                         args.outcome, args.with_certificates,
                                         show_progress=not args.json and sys.stderr.isatty())
    if args.json:
        print(json.dumps(table, sort_keys=True))
        return 0
    print(f"max P(x*|u*) subject to B.P <= {table['bell_value']} over no-signalling boxes "
          f"(each value checked by a dual line and a witness box):")
    groups: dict[str, list[str]] = {}
    for key, value in table["optima"].items():
        groups.setdefault(value, []).append(key)
    for value, keys in sorted(groups.items(), key=lambda kv: Fraction(kv[0]), reverse=True):
        shown = ", ".join(keys[:4]) + (f", ... ({len(keys)} pairs)" if len(keys) > 4 else "")
        print(f"  {value:>10}  {shown}")
    return 0


def add_parser(subparsers) -> None:
    regenerate_parser = subparsers.add_parser(
        "regenerate", help="rebuild every certificate and proof document from scratch",
        description=("Rebuild certificates/ and proofs/ from an empty staging folder (no cache), "
                     "check every certificate exactly before writing, and swap the result in. "
                     "Exits non-zero (1) if any claim fails."))
    regenerate_parser.add_argument("--out", metavar="ROOT",
                                   help="write ROOT/certificates and ROOT/proofs (default: repository root)")
    regenerate_parser.add_argument("--only", action="append", choices=part_names(),
                                   help="rebuild only this part: a folder of certificates/ or 'proofs' "
                                        "(proofs/ and the citation metadata); repeatable")
    regenerate_parser.add_argument("--workers", type=int, default=2, help="processes to use (default 2)")
    regenerate_parser.add_argument("--quiet", action="store_true", help="no progress display")
    regenerate_parser.add_argument("--json", action="store_true", help="print a JSON summary")
    regenerate_parser.set_defaults(func=_run_regenerate)

    optimum_parser = subparsers.add_parser(
        "optimum", help="exact max P(x*|u*) subject to B.P <= a Bell value, for every pair",
        description=("Exact optimum of max P(x*|u*) over four-party no-signalling boxes with "
                     "B.P <= BELL_VALUE (B of eq. (7), the plain sum 0..8 of Lemma 11), for all 256 "
                     "pairs or one. Each value is checked by a dual certificate and a witness box."))
    optimum_parser.add_argument("--expression", default="paper", metavar="NAME_OR_FILE",
                                help=("Bell expression: a built-in name or a JSON expression file "
                                      "(default: paper). For another expression BELL_VALUE bounds the "
                                      "penalty value sign*B.P - offset (offset = no-signalling optimum "
                                      "in penalty form; sign -1 for a maximise expression), and the "
                                      "output adds the expression, penalty and canonical order"))
    optimum_parser.add_argument("--bell-value", required=True, metavar="VALUE",
                                help="bound on the plain Bell sum B.P, exact (e.g. 1/10 or 0.1)")
    optimum_parser.add_argument("--setting", metavar="U1U2U3U4",
                                help="restrict to one setting, one digit per party, e.g. 0001")
    optimum_parser.add_argument("--outcome", metavar="X1X2X3X4",
                                help="restrict to one outcome, one digit per party, e.g. 1000")
    optimum_parser.add_argument("--with-certificates", action="store_true",
                                help="include the dual line and witness box of each value")
    optimum_parser.add_argument("--json", action="store_true", help="machine-readable output")
    optimum_parser.set_defaults(func=_run_optimum)
