"""Shared fixtures: the paper's LP objects are built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repository() -> Path:
    return REPOSITORY


@pytest.fixture(scope="session")
def paper_lp():
    from certify.lp.expression import paper_bell_expression
    from certify.lp.program import NoSignallingLP

    return NoSignallingLP(paper_bell_expression())


@pytest.fixture(scope="session")
def paper_certifier():
    from certify.lp.expression import paper_bell_expression
    from certify.builder.pairs import PairCertifier

    return PairCertifier(paper_bell_expression())
