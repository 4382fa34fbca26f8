"""docs/tutorial.md runs as written: every `>>>` example is a doctest, executed from the repository root."""

import doctest
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_tutorial_examples_run(monkeypatch):
    monkeypatch.chdir(REPOSITORY)  # the tutorial reads certificates/ relative to the root
    failures, attempted = doctest.testfile(
        str(REPOSITORY / "docs" / "tutorial.md"), module_relative=False, verbose=False, report=True,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert attempted > 20 and failures == 0
