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
    from certify.bell_expression import paper_bell_expression
    from certify.no_signalling_lp import NoSignallingLP

    return NoSignallingLP(paper_bell_expression())


@pytest.fixture(scope="session")
def paper_certifier():
    from certify.bell_expression import paper_bell_expression
    from certify.output_bound import PairCertifier

    return PairCertifier(paper_bell_expression())
