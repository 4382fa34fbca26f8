"""Proof documents under ``proofs/``, generated from the stored certificates.

Each writer reads ``certificates/`` (already written and checked) and writes
deterministic Markdown/JSON. ``write_proofs`` runs them all.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from certify.certificate import PAPER_CONSTANT, PAPER_SLOPE
from certify.certificate_store import load_lemma11, value_function_of
from certify.jsonio import sha256_file, write_atomic
from certify.value_function import upper_envelope

__all__ = ["write_proofs", "lemma11_summary", "PROOF_WRITERS"]


def _line(constant: Fraction, slope: Fraction) -> str:
    if slope == 0:
        return str(constant)
    if constant == 0:
        return f"{slope}·δ"
    return f"{constant} + {slope}·δ"


def lemma11_summary(certificates_dir: Path) -> dict:
    """Kinds of pairs (same value function and paper bound), tightness of the
    paper's (1+2δ)/3, and the best bound uniform over pairs."""
    documents = load_lemma11(certificates_dir)
    kinds: dict[tuple, list[str]] = defaultdict(list)
    functions = {}
    for key, document in documents.items():
        function = value_function_of(document)
        functions[key] = function
        paper_bound = Fraction(document["paper_claim"]["certificate"]["bound"])
        kinds[(paper_bound, function.breakpoints, function.pieces)].append(key)
    envelope = upper_envelope(functions.values())
    holds = all(Fraction(d["paper_claim"]["certificate"]["bound"]) <= PAPER_CONSTANT for d in documents.values())
    return {"pairs": len(documents), "paper_bound_holds": holds, "kinds": kinds, "envelope": envelope}


def _tight_at(breakpoints, pieces) -> str:
    """Where v(δ) = (1+2δ)/3: v is concave and the paper's line is linear, so
    they can meet on at most one interval; check each breakpoint and piece."""
    tight_points = [d for d, v in breakpoints if v == PAPER_CONSTANT + PAPER_SLOPE * d]
    same_line = [(a, s) for a, s in pieces if (a, s) == (PAPER_CONSTANT, PAPER_SLOPE)]
    if same_line:
        return "on a whole piece"
    if tight_points:
        return "only at δ = " + ", ".join(str(d) for d in tight_points)
    return "nowhere"


def write_lemma11_report(proofs_dir: Path, certificates_dir: Path) -> list[Path]:
    summary = lemma11_summary(certificates_dir)
    lines = [
        "# Lemma 11: output probabilities of no-signalling boxes with a small Bell value",
        "",
        "**Paper (Section IV B, eqs. (41)-(42))**: for every four-party no-signalling box with",
        "B·P ≤ δ (B of eq. (7); B·P is the plain sum over the 8 settings of U0 ∪ U1, so",
        "0 ≤ B·P ≤ 8; the paper's |U| = 16 counts settings that do not occur), every setting",
        "u* and outcome x* satisfy P(x*|u*) ≤ (1 + 2δ)/3.",
        "",
        f"**Status**: {'verified' if summary['paper_bound_holds'] else 'REFUTED'} for all "
        f"{summary['pairs']} pairs, and tightened (see below).",
        "",
        "Each pair's certificate proves the linear inequality P(x*|u*) ≤ c + (2/3)·B·P for every",
        "no-signalling box with c ≤ 1/3 (hence the lemma for every δ ≥ 0 at once), and gives the",
        "exact value function v(δ) = max P(x*|u*) subject to B·P ≤ δ with a dual certificate per",
        "piece and an exact witness box per breakpoint.",
        "",
        "## Kinds of pairs",
        "",
        "| pairs | example | best c at slope 2/3 | v(δ) | paper's bound tight |",
        "|---|---|---|---|---|",
    ]
    for (paper_bound, breakpoints, pieces), keys in sorted(summary["kinds"].items(), key=lambda kv: kv[1][0]):
        segments = []
        for i, (a, s) in enumerate(pieces):
            start = breakpoints[i][0]
            end = breakpoints[i + 1][0] if i + 1 < len(breakpoints) else None
            domain = f"[{start}, {end}]" if end is not None else f"[{start}, ∞)"
            segments.append(f"{_line(a, s)} on {domain}")
        example = keys[0]
        file = f"../certificates/lemma11/u{example.split('|')[0]}-x{example.split('|')[1]}.json"
        shown = example.replace("|", "\\|")  # a bare | would split the table cell
        lines.append(f"| {len(keys)} | [`{shown}`]({file}) | {paper_bound} | {'; '.join(segments)} | "
                     f"{_tight_at(breakpoints, pieces)} |")
    envelope = summary["envelope"]
    lines += [
        "",
        "## Best bound uniform over all pairs",
        "",
        "The pointwise maximum over all 256 pairs of v(δ) (exact; breakpoints (δ, value)): "
        + ", ".join(f"({d}, {v})" for d, v in envelope) + ", constant afterwards.",
        "",
        "Compared with the paper's (1 + 2δ)/3, the certificates give the sharper uniform bound "
        "above; the two agree only where listed in the last column of the table.",
        "",
        "## Re-check",
        "",
        "```",
        "certify audit certificates/lemma11",
        "```",
        "",
        "Certificate set: `certificates/manifest.json` (SHA-256 "
        f"`{sha256_file(Path(certificates_dir) / 'manifest.json')}`).",
        "",
    ]
    path = Path(proofs_dir) / "lemma11.md"
    write_atomic(path, "\n".join(lines))
    return [path]


PROOF_WRITERS = [write_lemma11_report]


def write_proofs(proofs_dir: Path, certificates_dir: Path) -> list[Path]:
    """Run every proof writer; returns the files written."""
    Path(proofs_dir).mkdir(parents=True, exist_ok=True)
    written = []
    for writer in PROOF_WRITERS:
        written.extend(writer(Path(proofs_dir), Path(certificates_dir)))
    return written
