"""Command line of the engine: optimum output shape and errors."""

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from certify.cli.main import main

REPOSITORY = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 3600  # generous: no timeout below CI's budget on a busy machine; a hung command still ends


def run(*args):
    return subprocess.run([sys.executable, "-m", "certify", *args], cwd=REPOSITORY,
                          capture_output=True, text=True, timeout=COMMAND_TIMEOUT)


@pytest.mark.slow
def test_optimum_all_pairs_json():
    result = run("optimum", "--bell-value", "1/10", "--json")
    assert result.returncode == 0, result.stderr
    table = json.loads(result.stdout)
    assert table["bell_value"] == "1/10"
    assert len(table["optima"]) == 256
    assert table["optima"]["0001|1000"] == "11/30"  # (1 + 1/10)/3
    assert table["optima"]["0000|0000"] == "67/200"  # 3/10 + (7/20)(1/10)
    assert table["optima"]["0001|0000"] == "1/20"  # (1/2)(1/10)
    assert all(Fraction(v) <= Fraction(1 + 2 * Fraction(1, 10), 3) for v in table["optima"].values())


def test_optimum_one_pair_with_certificates(capsys):
    assert main(["optimum", "--bell-value", "0.1", "--setting", "0001", "--outcome", "1000",
                 "--with-certificates", "--json"]) == 0
    table = json.loads(capsys.readouterr().out)
    assert list(table["optima"]) == ["0001|1000"]
    certificate = table["certificates"]["0001|1000"]
    assert certificate["inequality"]["slope"] == "1/3"
    assert certificate["witness"]


@pytest.mark.slow
@pytest.mark.parametrize("args,message", [
    (["--bell-value", "-1"], "expected a value >= 0"),
    (["--bell-value", "abc"], "expected an exact number"),
    (["--bell-value", "1/0"], "denominator is zero"),
    (["--bell-value", "1", "--setting", "0001"], "together"),
    (["--bell-value", "1", "--setting", "0002", "--outcome", "0000"], "setting"),
])
def test_optimum_bad_input_exit_2_without_traceback(args, message):
    result = run("optimum", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_regenerate_unknown_part_is_rejected():
    result = run("regenerate", "--only", "nonsense", "--out", "/tmp/unused")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_regenerate_into_a_file_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = run("regenerate", "--out", str(blocker / "root"), "--quiet")
    assert result.returncode == 2
    assert "error" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_ctrl_c_exits_130_with_one_line_and_leaves_no_staging_folder(tmp_path):
    # Ctrl-C reaches the whole process group (the command and its workers), as in a terminal.
    import os
    import signal

    def new_group_with_default_sigint():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setpgrp()

    process = subprocess.Popen([sys.executable, "-m", "certify", "regenerate", "--out", str(tmp_path),
                                "--only", "families"], cwd=REPOSITORY, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=new_group_with_default_sigint)
    first_line = process.stderr.readline()  # a progress line: the workers are running
    os.killpg(process.pid, signal.SIGINT)
    _, rest = process.communicate(timeout=COMMAND_TIMEOUT)
    assert first_line.startswith("certificates/families")
    assert process.returncode == 130
    assert rest.strip().splitlines()[-1] == "certify: interrupted" and "Traceback" not in rest
    assert not list(tmp_path.glob(".certify-*"))


def test_out_into_a_missing_parent_is_refused_naming_the_path(tmp_path):
    result = run("regenerate", "--out", str(tmp_path / "missing" / "deep"), "--quiet")
    assert result.returncode == 2
    assert f"--out {tmp_path / 'missing' / 'deep'}: its parent folder" in result.stderr
    assert not (tmp_path / "missing").exists()
