"""No traceback on any input: the command line ends every run with one status per
entry, a summary and the conventional exit code (a closed pipe, Ctrl-C, an unreadable
file, odd names and odd record fields included)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from certify.checker import audit as audit_module
from certify.checker import files as checker_files
from certify.checker import records

ROOT = Path(__file__).resolve().parent.parent


def _certify(*arguments, cwd=ROOT, **environment):
    return subprocess.run([sys.executable, "-m", "certify", *map(str, arguments)], cwd=cwd, capture_output=True,
                          text=True, errors="replace", timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), **environment))


def _record(name="r", step=None):
    audit = ({"independently_audited": True, "algebra": [step]} if step
             else {"independently_audited": False, "reason": "no algebra"})
    try:
        formula = [records.step_formula(step)] if step else []
    except Exception:  # refused by the checker before the formula is compared
        formula = []
    return {"format": "certify/proof-record", "version": 2, "name": name, "formula": formula, "statement": "s",
            "inputs": {}, "method": "m", "result": "proved", "details": {}, "audit": audit}


def test_non_string_positive_variable_is_malformed_and_the_audit_goes_on(tmp_path):
    step = {"kind": "polynomial-nonnegative", "variables": ["a"], "claim": "", "polynomial": [[[1], "1"]],
            "positive_variables": [["a"]], "nonnegative_variables": ["a"], "strict": False}
    (tmp_path / "a-bad.json").write_text(json.dumps(_record(step=step)))
    good = dict(step, positive_variables=["a"], nonnegative_variables=[])
    (tmp_path / "b-good.json").write_text(json.dumps(_record(step=good)))
    result = _certify("audit", tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "positive_variables and nonnegative_variables must be variable names" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("MALFORMED") and lines[1].split()[0] in ("OK", "USER") and "b-good.json" in lines[1]


@pytest.mark.slow
def test_lone_surrogate_in_a_name_is_shown_without_traceback(tmp_path):
    path = tmp_path / "record.json"
    path.write_text(json.dumps(_record()).replace('"name": "r"', '"name": "\\ud800"'))
    for environment in ({}, {"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "utf-8"}):
        for command in (("show",), ("show", "--json"), ("check",), ("check", "--json")):
            result = _certify(*command, path, **environment)
            assert result.returncode == 0, (command, environment, result.stderr)
            assert "Traceback" not in result.stderr and "Error" not in result.stderr


def test_closed_pipe_ends_quietly_with_the_conventional_status():
    # `certify audit | head -1`: the reader goes away after one line.
    child = subprocess.Popen([sys.executable, "-m", "certify", "audit", "certificates/lemma11"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
    first = child.stdout.readline()
    child.stdout.close()
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=300) == 141  # 128 + SIGPIPE, as a shell reports it
    assert first.startswith(b"OK")
    assert "Traceback" not in stderr and "Broken pipe" not in stderr and "BrokenPipe" not in stderr


def test_missing_file_cannot_be_read_and_is_not_called_malformed(tmp_path):
    missing = tmp_path / "absent.json"
    result = _certify("check", missing)
    assert result.returncode == 2
    assert result.stdout.startswith("CANNOT READ ")
    assert "MALFORMED" not in result.stdout and "1 cannot read" in result.stdout
    assert f"{missing}: cannot read: No such file or directory" in result.stderr
    assert audit_module.check_one(str(missing))[0][1] == "cannot read"
    assert audit_module.exit_code_of([(str(missing), "cannot read", "")]) == 2
    shown = _certify("show", missing)
    assert shown.returncode == 2 and shown.stdout.startswith("CANNOT READ ")


def test_unreadable_is_a_kind_of_malformed():
    # Library callers that catch Malformed (exit code 2) keep working.
    assert issubclass(checker_files.Unreadable, checker_files.Malformed)
    assert checker_files.Unreadable("x").exit_code == 2


@pytest.mark.slow
def test_ctrl_c_during_a_parallel_audit_prints_one_line_and_exits_130():
    # Ctrl-C reaches the whole process group: the pool's workers ignore it, the main
    # process ends the pool and reports one line.
    child = subprocess.Popen([sys.executable, "-m", "certify", "audit", "certificates"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
    time.sleep(2.5)  # into the 256 Lemma-11 files, checked by the worker pool
    os.killpg(child.pid, signal.SIGINT)
    _, stderr = child.communicate(timeout=300)
    assert child.returncode == 130
    assert stderr == "certify: interrupted\n"


def test_workers_ignore_interrupts():
    handler = signal.getsignal(signal.SIGINT)
    try:
        audit_module._ignore_interrupt()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, handler)
