"""Stored Lemma-11 certificates: exact check, coverage and regeneration."""

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from certify.builder.verify import verify_lemma11_document
from certify.builder.store import load_lemma11
from certify.formats.strict_json import load_document
from certify.errors import ClaimNotProven, InputError
from certify.builder.jsonio import sha256_file

REPOSITORY = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 3600  # generous: no timeout below CI's budget on a busy machine; a hung command still ends
CERTIFICATES = REPOSITORY / "certificates"


@pytest.mark.slow
def test_every_stored_certificate_passes_the_exact_check():
    documents = load_lemma11(CERTIFICATES)
    assert len(documents) == 256
    bounds = {Fraction(d["paper_claim"]["certificate"]["bound"]) for d in documents.values()}
    assert max(bounds) == Fraction(1, 3)


def test_manifest_hashes_match():
    manifest = load_document(CERTIFICATES / "manifest.json")
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    assert sum(1 for path in listed if path.startswith("lemma11/")) == 256
    for path, digest in listed.items():
        assert sha256_file(CERTIFICATES / path) == digest


@pytest.fixture()
def document():
    return load_document(CERTIFICATES / "lemma11" / "u0001-x0001.json")


def test_lowered_bound_is_not_proven(document):
    document["paper_claim"]["certificate"]["bound"] = "3/10"
    with pytest.raises(ClaimNotProven):
        verify_lemma11_document(document)


def test_changed_multiplier_is_not_proven(document):
    entry = document["value_function"]["pieces"][0]["certificate"]["multipliers"][0]
    entry[1] = str(Fraction(entry[1]) - 1)
    with pytest.raises(ClaimNotProven):
        verify_lemma11_document(document)


def test_witness_must_attain_value(document):
    document["value_function"]["breakpoints"][0]["value"] = "1/2"
    with pytest.raises(ClaimNotProven):
        verify_lemma11_document(document)


@pytest.mark.parametrize("bad", ["2/6", "0.5", " 1/3", "+1/3", "1e3", "1_000", "-0"])
def test_non_canonical_rationals_are_malformed(document, bad):
    document["paper_claim"]["certificate"]["bound"] = bad
    with pytest.raises(InputError):
        verify_lemma11_document(document)


@pytest.mark.slow
def test_regeneration_reproduces_the_committed_files(tmp_path):
    """certify regenerate into an empty folder gives byte-identical certificates/ and proofs/."""
    result = subprocess.run([sys.executable, "-m", "certify", "regenerate", "--out", str(tmp_path), "--quiet"],
                            cwd=REPOSITORY, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    assert result.returncode == 0, result.stderr
    for folder in ("certificates", "proofs"):
        produced = sorted(p.relative_to(tmp_path / folder) for p in (tmp_path / folder).rglob("*") if p.is_file())
        committed = sorted(p.relative_to(REPOSITORY / folder) for p in (REPOSITORY / folder).rglob("*") if p.is_file())
        assert produced == committed, f"{folder}: file lists differ"
        for relative in produced:
            assert (tmp_path / folder / relative).read_bytes() == (REPOSITORY / folder / relative).read_bytes(), \
                f"{folder}/{relative} is stale: run `certify regenerate`"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".certify")], "staging folder left behind"
