"""Fig. 6 of the paper: the trade-off between the SV bias epsilon and the largest protocol threshold delta.

:func:`plot_trade_off` draws delta_max(epsilon) of eq. (111), in the paper's
version and with the certified Lemma-11 value functions, to a PNG or SVG
file (written to a temporary file, then renamed). The curves are sampled in
floating point for drawing only; the exact values are in ``certify params``.
"""

from __future__ import annotations

import os
import tempfile
from fractions import Fraction
from pathlib import Path

from certify.errors import InputError
from certify.params.report import load_certified_value_functions
from certify.params.theorems import certified_delta_max, paper_delta_max

__all__ = ["plot_trade_off"]


def plot_trade_off(path: Path, certificates_dir: Path | None = None, points: int = 200) -> Path:
    """Fig. 6: delta_max(eps) of eq. (111), paper and certified, written to ``path`` (.png/.svg)."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"--plot: expected a file name ending in .png or .svg, got {str(path)!r}")
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot

    value_functions, _ = load_certified_value_functions(certificates_dir)
    grid = [Fraction(k, 2 * points) for k in range(points)]
    figure, axes = pyplot.subplots(figsize=(6, 4))
    axes.semilogy([float(e) for e in grid], [float(paper_delta_max(e)) for e in grid],
                  label="paper: (1/2-eps)^8/2 (eq. (111))")
    if value_functions is not None:
        axes.semilogy([float(e) for e in grid],
                      [float(certified_delta_max(e, value_functions) or 0) for e in grid],
                      linestyle="--", label="certified value functions")
    axes.set_xlabel("SV bias eps")
    axes.set_ylabel("largest protocol threshold delta")
    axes.set_title("Fig. 6: trade-off between eps and delta")
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(handle)
    try:
        metadata = {"Date": None} if path.suffix.lower() == ".svg" else {}
        figure.savefig(temporary, format=path.suffix[1:].lower(), metadata=metadata)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # mkstemp creates 0600
        os.replace(temporary, path)
    finally:
        pyplot.close(figure)
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


