"""Every independent route a referee can run on the stored certificates, in one go.

:func:`referee` runs each route that is available on this machine and reports
one row per route: passed, failed, or not available (and why). The routes:

* ``audit``: the project's standard-library checker (:mod:`certify.checker`)
  on ``certificates/`` (and the proof records in ``proofs/``) - always available;
* ``vipr``: the Lemma-11 certificates exported to the VIPR 1.0 format and
  checked by ``viprchk`` (Cheung, Gleixner and Steffy's verifier), when
  ``viprchk`` is on the PATH (or named by ``$VIPRCHK``);
* ``coq``: the Lemma-11 certificates exported as a Coq development
  (:mod:`certify.builder.coq`) and built with ``make``: the Coq kernel checks
  every certificate, and the final theorems may assume only the axioms of
  Coq's real numbers - when ``coqc`` and ``make`` are on the PATH;
* ``qsopt``: the 256 Lemma-11 LPs written as LP files (at B.P <= 1/10 and
  <= 3) and re-solved exactly by QSopt_ex's ``esolver``, every optimum compared
  with the certified value, when ``esolver`` is installed (Debian ``qsopt-ex``).

A route that is not available is said plainly and does not count as passed
or failed; the exit status (:func:`exit_code`) is 1 when any available route
failed, else 0.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from certify.builder.store import certificates_dir

__all__ = ["RouteResult", "ROUTES", "referee", "exit_code"]


@dataclass(frozen=True)
class RouteResult:
    """One route's outcome: ``status`` is ``passed``, ``failed`` or ``not available``."""

    route: str
    status: str
    detail: str


def _audit(root: Path) -> RouteResult:
    from certify.checker.audit import audit, counts_of, exit_code_of

    paths = [str(root / "certificates")]
    results = audit(paths, require_manifest=True)
    if (root / "proofs").is_dir():
        results += audit([str(root / "proofs")], skip_unknown=True)
    counts, code = counts_of(results), exit_code_of(results)
    detail = (f"{len(results)} entries: {counts['ok']} ok, {counts['not proven']} not proven, "
              f"{counts['malformed']} malformed (certify audit)")
    return RouteResult("audit", "passed" if code == 0 else "failed", detail)


def _viprchk() -> str | None:
    return os.environ.get("VIPRCHK") or shutil.which("viprchk")


def _vipr(root: Path) -> RouteResult:
    from certify.builder.vipr import export_folder

    program = _viprchk()
    if program is None:
        return RouteResult("vipr", "not available", "viprchk (the VIPR 1.0 checker) is not on the PATH; "
                                                    "set $VIPRCHK to use it")
    with tempfile.TemporaryDirectory(prefix="certify-referee-vipr-") as folder:
        written = export_folder(str(root / "certificates" / "lemma11"), folder)
        rejected = []
        for path in written:
            completed = subprocess.run([program, path], capture_output=True, text=True)
            if completed.returncode != 0:
                rejected.append(os.path.basename(path))
    if rejected:
        return RouteResult("vipr", "failed", f"viprchk rejected {len(rejected)} of {len(written)} files, "
                                             f"e.g. {rejected[0]}")
    return RouteResult("vipr", "passed", f"viprchk accepted all {len(written)} exported files")


def _coq(root: Path) -> RouteResult:
    from certify.builder.coq import build_verdict, write_coq_export

    if shutil.which("coqc") is None or shutil.which("make") is None:
        return RouteResult("coq", "not available", "coqc and make (Debian: apt-get install coq make) are "
                                                   "not on the PATH")
    with tempfile.TemporaryDirectory(prefix="certify-referee-coq-") as folder:
        export = Path(folder) / "coq"
        summary = write_coq_export(root / "certificates", export)
        completed = subprocess.run(["make", f"-j{min(os.cpu_count() or 1, 4)}"], cwd=export,
                                   capture_output=True, text=True)
    passed, detail = build_verdict(completed.returncode, completed.stdout, completed.stderr,
                                   len(summary["theorems"]))
    return RouteResult("coq", "passed" if passed else "failed", detail)


def _qsopt(root: Path) -> RouteResult:
    from certify.builder.lp_export import export_lp
    from certify.builder.resolve import resolve_folder

    if shutil.which("esolver") is None:
        return RouteResult("qsopt", "not available", "esolver (QSopt_ex's exact LP solver, Debian package "
                                                     "qsopt-ex) is not on the PATH")
    totals = {"agree": 0, "disagree": 0, "error": 0}
    with tempfile.TemporaryDirectory(prefix="certify-referee-lp-") as folder:
        for bell_value in ("1/10", "3"):
            export_lp(Path(folder) / bell_value.replace("/", "_"), root / "certificates", bell_value=bell_value)
            report = resolve_folder(Path(folder) / bell_value.replace("/", "_"), "qsopt", root / "certificates",
                                    workers=2)
            for key, count in report.counts.items():
                totals[key] += count
    detail = (f"QSopt_ex re-solved the 256 Lemma-11 LPs at B.P <= 1/10 and <= 3 exactly: {totals['agree']} agree, "
              f"{totals['disagree']} disagree, {totals['error']} errors (certify export --lp, certify resolve)")
    return RouteResult("qsopt", "passed" if totals["agree"] == sum(totals.values()) else "failed", detail)


ROUTES: dict[str, Callable[[Path], RouteResult]] = {"audit": _audit, "vipr": _vipr, "coq": _coq,
                                                    "qsopt": _qsopt}
"""Route name -> function of the repository root (holding ``certificates/``)."""


def referee(root: Path | None = None, routes=None,
            progress: Callable[[int, int, str], None] | None = None) -> list[RouteResult]:
    """Run the named routes (default: all of :data:`ROUTES`) on ``root/certificates``.

    ``root`` defaults to the current folder (the project's rule: ``./certificates``).
    """
    root = Path(root) if root is not None else certificates_dir().parent
    names = list(routes) if routes else list(ROUTES)
    results = []
    for done, name in enumerate(names):
        if progress is not None:
            progress(done, len(names), name)
        results.append(ROUTES[name](root))
    if progress is not None:
        progress(len(names), len(names))
    return results


def exit_code(results: list[RouteResult]) -> int:
    """1 if any available route failed, else 0 (a route that is not available does not count)."""
    return 1 if any(result.status == "failed" for result in results) else 0
