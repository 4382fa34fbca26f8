"""`certify referee`: one table over every route available here."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from certify.report.referee import RouteResult, exit_code, referee

REPOSITORY = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 3600  # generous: no timeout below CI's budget on a busy machine; a hung command still ends


def _fake_viprchk(folder: Path, status: int) -> str:
    script = folder / "viprchk"
    script.write_text(f"#!/bin/sh\nexit {status}\n")
    script.chmod(0o755)
    return str(script)


def test_exit_code_counts_only_available_routes():
    assert exit_code([RouteResult("a", "passed", ""), RouteResult("b", "not available", "")]) == 0
    assert exit_code([RouteResult("a", "passed", ""), RouteResult("b", "failed", "")]) == 1


@pytest.mark.slow
@pytest.mark.parametrize("status, expected", [(0, "passed"), (1, "failed")])
def test_vipr_route_reports_what_viprchk_says(tmp_path, monkeypatch, status, expected):
    monkeypatch.setenv("VIPRCHK", _fake_viprchk(tmp_path, status))
    result, = referee(REPOSITORY, routes=["vipr"])
    assert result.status == expected
    assert ("accepted all" in result.detail) == (status == 0) and ("rejected" in result.detail) == (status != 0)


def test_vipr_route_without_viprchk_is_not_available(monkeypatch):
    monkeypatch.delenv("VIPRCHK", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    result, = referee(REPOSITORY, routes=["vipr"])
    assert result.status == "not available" and "viprchk" in result.detail


@pytest.mark.slow
def test_a_tampered_certificate_fails_the_audit_route_and_the_command(tmp_path):
    shutil.copytree(REPOSITORY / "certificates", tmp_path / "certificates")
    target = tmp_path / "certificates" / "lemma11" / "u0001-x1000.json"
    target.write_text(target.read_text().replace('"bound": "1/3"', '"bound": "1/4"', 1))
    completed = subprocess.run([sys.executable, "-m", "certify", "referee", "--route", "audit", "--json"],
                               cwd=tmp_path, capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
                               env={"PYTHONPATH": str(REPOSITORY), "PATH": "/usr/bin:/bin"})
    assert completed.returncode == 1, completed.stderr
    document = json.loads(completed.stdout)
    assert document["routes"][0]["status"] == "failed"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("esolver") is None, reason="esolver (Debian qsopt-ex) not installed")
def test_qsopt_route_agrees_on_every_lemma11_lp():
    result, = referee(REPOSITORY, routes=["qsopt"])
    assert result.status == "passed" and "512 agree, 0 disagree" in result.detail


def test_qsopt_route_without_esolver_is_not_available(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result, = referee(REPOSITORY, routes=["qsopt"])
    assert result.status == "not available" and "qsopt-ex" in result.detail
