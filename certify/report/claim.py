"""One claim of the paper as the reports present it, and small Markdown helpers.

A :class:`ClaimReport` is what every page of ``proofs/`` is built from: the
statement as the paper gives it, the status the computation assigns, the
exact statement our certificates (or symbolic proofs) establish, the files
that carry the proof and the command that re-checks exactly this claim. The
index page and the LaTeX table are rendered from the same records, so the
three never disagree.

>>> claim = ClaimReport(key="demo", title="Demo", page="demo.md", paper_statement="x <= 1",
...                     status="verified", status_reason="checked", proved_statement="x <= 1",
...                     recheck=("certify audit certificates/lemma11",))
>>> claim.status
'verified'
>>> markdown_cell("0001|0000")
'0001\\\\|0000'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction


__all__ = ["ClaimReport", "STATUSES", "markdown_cell", "file_table", "fraction_tex", "line_text",
           "line_tex", "relative_link"]

STATUSES = ("verified", "tightened", "refuted", "not checkable by computation", "not yet checked")
"""Allowed statuses. ``tightened``: the paper's statement is verified *and* a
strictly sharper one is proved. ``not yet checked``: the code that would check
it is not available in this build (the page says which)."""


@dataclass(frozen=True)
class ClaimReport:
    """Everything a claim page, the index row and the LaTeX table row show.

    Args:
        key: short identifier (``lemma11``), also used by ``certify report --claim``.
        title: heading, e.g. ``"Lemma 11"``.
        page: file name of the page under ``proofs/``.
        paper_statement: the statement as the paper gives it (Markdown).
        status: one of :data:`STATUSES`.
        status_reason: one sentence: why this status.
        proved_statement: the exact statement our certificates prove (Markdown).
        files: ``(path relative to the repository root, sha256)`` of every file
            the proof rests on.
        recheck: shell commands that re-check exactly this claim.
        body: further Markdown sections (tables, evidence).
        summary: one line for the index and the LaTeX table.
    """

    key: str
    title: str
    page: str
    paper_statement: str
    status: str
    status_reason: str
    proved_statement: str
    files: tuple[tuple[str, str], ...] = ()
    recheck: tuple[str, ...] = ()
    body: str = ""
    summary: str = ""
    parts: tuple[tuple[str, str, str], ...] = field(default=())
    """Sub-claims ``(name, status, reason)`` shown as a small table (e.g. the
    parameter condition vs. the asymptotic statement of a theorem)."""

    def __post_init__(self) -> None:
        for status in (self.status,) + tuple(part[1] for part in self.parts):
            if status not in STATUSES:
                raise ValueError(f"status {status!r} of claim {self.key!r}: expected one of {STATUSES}")


def markdown_cell(text: str) -> str:
    """Escape ``|`` so a value stays inside one Markdown table cell."""
    return str(text).replace("|", "\\|")


def relative_link(repository_path: str) -> str:
    """Link from a page in ``proofs/`` to a repository file (``../certificates/...``)."""
    if repository_path.startswith("proofs/"):
        return repository_path[len("proofs/"):]
    return "../" + repository_path


def file_table(files) -> list[str]:
    """Markdown table of files with links and SHA-256."""
    lines = ["| file | SHA-256 |", "|---|---|"]
    for path, digest in files:
        lines.append(f"| [`{path}`]({relative_link(path)}) | `{digest}` |")
    return lines


def line_text(constant: Fraction, slope: Fraction, variable: str = "δ") -> str:
    """``a + s·δ`` with zero terms left out.

    >>> line_text(Fraction(3, 10), Fraction(7, 20)), line_text(Fraction(0), Fraction(1, 2))
    ('3/10 + 7/20·δ', '1/2·δ')
    """
    if slope == 0:
        return str(constant)
    if constant == 0:
        return f"{slope}·{variable}"
    return f"{constant} + {slope}·{variable}"


def fraction_tex(value: Fraction) -> str:
    """LaTeX of an exact rational: ``\\tfrac{p}{q}`` (sign in front).

    >>> fraction_tex(Fraction(-7, 20)), fraction_tex(Fraction(2))
    ('-\\\\tfrac{7}{20}', '2')
    """
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return f"{sign}\\tfrac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def line_tex(constant: Fraction, slope: Fraction, variable: str = "\\delta") -> str:
    """LaTeX of ``a + s δ``.

    >>> line_tex(Fraction(1, 3), Fraction(1, 3))
    '\\\\tfrac{1}{3} + \\\\tfrac{1}{3}\\\\delta'
    """
    if slope == 0:
        return fraction_tex(constant)
    term = ("" if slope == 1 else fraction_tex(slope)) + variable
    if constant == 0:
        return term
    return f"{fraction_tex(constant)} + {term}"
