"""Fig. 6 of the paper: the trade-off between the SV bias ε and the largest protocol threshold δ.

:func:`plot_trade_off` draws ``δ_max(ε)``, the supremum of the thresholds
allowed by eq. (111), in two versions:

* paper: ``δ_max = (1/2 − ε)^8 / 2`` (eq. (111) solved for δ,
  :func:`certify.params.theorems.paper_delta_max`);
* certified: ``δ_max = b*² (1/2 − ε)^8 / 2``, where ``b*`` is the smallest
  plain Bell sum B·P at which a certified Lemma-11 value function reaches 1
  (:func:`certify.params.theorems.certified_delta_max`; ``b* = 2`` for the
  committed certificates, so ``δ_max = 2 (1/2 − ε)^8``). Drawn only when
  ``certificates/lemma11`` is present.

The legend carries each curve's formula. One ε is marked on both curves
with its exact values: the ``epsilon`` given (``certify params --plot FILE
--epsilon E``), else :data:`DEFAULT_MARKED_EPSILON` = 1/10, the value the
project's examples use. Output: PNG at 300 dpi, SVG or PDF (by the file's
suffix), deterministic (no dates in the SVG or PDF metadata, fixed SVG ids),
written to a temporary file in the same folder and then renamed. The curves
are sampled in floating point for drawing only; the exact values are in
``certify params`` and in the marked points' labels.
"""

from __future__ import annotations

import os
import tempfile
from fractions import Fraction
from pathlib import Path

from certify.errors import InputError
from certify.params.lemma10 import HALF, check_epsilon
from certify.params.notation import with_decimal
from certify.params.report import load_certified_value_functions
from certify.params.theorems import certified_delta_max, certified_saturation_bell_sum, paper_delta_max

__all__ = ["plot_trade_off", "DEFAULT_MARKED_EPSILON", "FORMATS", "DPI"]

DEFAULT_MARKED_EPSILON = Fraction(1, 10)
"""The ε marked on the curves when none is given."""
FORMATS = (".png", ".svg", ".pdf")
DPI = 300
_METADATA = {".svg": {"Date": None}, ".pdf": {"CreationDate": None, "ModDate": None}, ".png": {}}
_Y_FLOOR = 1e-12  # the curves fall to 0 at ε = 1/2; the axis stops here


def _latex_fraction(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return rf"\frac{{{value.numerator}}}{{{value.denominator}}}"


def _certified_label(b_star: Fraction) -> str:
    factor = b_star ** 2 / 2
    closed = "" if factor == 1 else rf" = {_latex_fraction(factor)}\,(1/2-\varepsilon)^8"
    return (rf"certified: $\delta_{{\max}} = b^{{*2}}(1/2-\varepsilon)^8/2{closed}$, "
            rf"$b^* = {_latex_fraction(b_star)}$")


def plot_trade_off(path: Path, certificates_dir: Path | None = None, epsilon=None, points: int = 400) -> Path:
    """Fig. 6: δ_max(ε) of eq. (111), paper and certified, with one ε marked; written to ``path``.

    Args:
        path: the output file, ending in ``.png`` (300 dpi), ``.svg`` or ``.pdf``.
        certificates_dir: folder holding ``lemma11/`` (default ``./certificates``); without
            Lemma-11 certificates only the paper's curve is drawn.
        epsilon: the ε to mark (exact, 0 <= ε < 1/2); default :data:`DEFAULT_MARKED_EPSILON`.
        points: samples per curve.

    Returns the path written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"--plot: expected a file name ending in {', '.join(FORMATS)}, got {str(path)!r}")
    marked = DEFAULT_MARKED_EPSILON if epsilon is None else check_epsilon(epsilon, "--epsilon")
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot

    value_functions, _ = load_certified_value_functions(certificates_dir)
    b_star = None
    if value_functions is not None:
        b_star, _ = certified_saturation_bell_sum(value_functions)
    grid = [Fraction(k, 2 * points) for k in range(points)]
    xs = [float(e) for e in grid]
    style = {"svg.hashsalt": "certify-fig6", "font.size": 9, "axes.titlesize": 10}
    with matplotlib.rc_context(style):
        figure, axes = pyplot.subplots(figsize=(6.4, 4.2))
        curves = [("paper", paper_delta_max(marked),
                   [paper_delta_max(e) for e in grid],
                   r"paper, eq. (111): $\delta_{\max} = (1/2-\varepsilon)^8/2$", "-", "C0")]
        if b_star is not None:
            # certified_delta_max at every sample is the same closed form with b* read once
            curves.append(("certified", certified_delta_max(marked, value_functions),
                           [(HALF - e) ** 8 * b_star ** 2 / 2 for e in grid],
                           _certified_label(b_star), "--", "C1"))
        for _, _, values, label, line, colour in curves:
            axes.semilogy(xs, [float(v) for v in values], linestyle=line, color=colour, linewidth=1.6,
                          label=label)
        axes.axvline(float(marked), color="0.45", linestyle=":", linewidth=1.0,
                     label=rf"marked: $\varepsilon = {marked}$")
        for _, value, _, _, _, colour in curves:
            if value > 0:
                axes.plot([float(marked)], [float(value)], marker="o", markersize=5, color=colour, zorder=3)
        lines = [rf"at $\varepsilon = {marked}$:"] + [
            rf"{name}: $\delta_{{\max}}$ = {with_decimal(value)}" for name, value, *_ in curves]
        axes.text(0.98, 0.96, "\n".join(lines), transform=axes.transAxes, ha="right", va="top", fontsize=8,
                  bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": "0.7"})
        axes.set_xlim(0, 0.5)
        axes.set_ylim(_Y_FLOOR, 0.05)
        axes.set_xlabel(r"SV bias $\varepsilon$")
        axes.set_ylabel(r"largest protocol threshold $\delta_{\max}$")
        axes.set_title(r"Fig. 6: trade-off between the SV bias $\varepsilon$ and the threshold $\delta$"
                       r" ($0 < \delta < \delta_{\max}$)")
        axes.grid(True, which="major", color="0.85", linewidth=0.8)
        axes.grid(True, which="minor", axis="y", color="0.93", linewidth=0.5)
        axes.legend(loc="lower left", fontsize=8, framealpha=0.95)
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=suffix)
        os.close(handle)
        try:
            figure.savefig(temporary, format=suffix[1:], dpi=DPI, metadata=_METADATA[suffix])
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(temporary, 0o666 & ~mask)  # mkstemp creates 0600
            os.replace(temporary, path)
        finally:
            pyplot.close(figure)
            if os.path.exists(temporary):
                os.unlink(temporary)
    return path
