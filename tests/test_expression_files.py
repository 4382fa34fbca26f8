"""Expression files in tests/fixtures/expressions: every valid/ file gives exact bounds, every
malformed/ file is rejected with exit code 2 and a message naming the problem (add a file per bug)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 3600  # generous: no timeout below CI's budget on a busy machine; a hung command still ends
FIXTURES = REPOSITORY / "tests" / "fixtures" / "expressions"

# Expected local bound / no-signalling optimum known from the literature:
# CHSH in correlators: 2 / 4 (the PR box); I3322 in Collins-Gisin form: 0 / 1.
KNOWN = {"chsh-correlators": ("2", "4"), "i3322": ("0", "1")}

MESSAGES = {"wrong-length": "expected 9 coefficients", "unknown-representation": "unknown representation",
            "non-canonical-rational": "lowest terms", "float-coefficient": "non-finite number|float|canonical",
            "correlators-ternary": "two outcomes"}


def bounds(path):
    return subprocess.run([sys.executable, "-m", "certify", "bounds", "--expression", str(path), "--json"],
                          cwd=REPOSITORY, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)


@pytest.mark.parametrize("path", sorted((FIXTURES / "valid").glob("*.json")), ids=lambda p: p.stem)
def test_valid_files(path):
    result = bounds(path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    if path.stem in KNOWN:
        assert (values["local_bound"], values["ns_optimum"]) == KNOWN[path.stem]


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted((FIXTURES / "malformed").glob("*.json")), ids=lambda p: p.stem)
def test_malformed_files(path):
    result = bounds(path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert str(path.name) in result.stderr
    assert re.search(MESSAGES[path.stem], result.stderr), result.stderr
