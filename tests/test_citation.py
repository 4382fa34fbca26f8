"""The set identifier: definition, no hash cycle, stability, committed metadata, CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from certify.report.citation import (CITATION_FILES, citation_cff, set_identifier, write_citation_files,
                              write_proofs_manifest, zenodo_json)
from certify.errors import InputError

REPOSITORY = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 3600  # generous: no timeout below CI's budget on a busy machine; a hung command still ends


def _independent_identifier(root: Path) -> str:
    """The documented definition, recomputed with hashlib only."""
    c = hashlib.sha256((root / "certificates" / "manifest.json").read_bytes()).hexdigest()
    r = hashlib.sha256((root / "proofs" / "manifest.json").read_bytes()).hexdigest()
    text = f"certify-set v1\ncertificates/manifest.json {c}\nproofs/manifest.json {r}\n"
    return "certify-sha256:" + hashlib.sha256(text.encode("ascii")).hexdigest()


def test_identifier_matches_the_documented_definition():
    assert set_identifier(REPOSITORY / "certificates", REPOSITORY / "proofs") == _independent_identifier(REPOSITORY)


def test_proofs_manifest_covers_every_file_but_itself_and_the_citation_files():
    manifest = json.loads((REPOSITORY / "proofs" / "manifest.json").read_text())
    listed = {entry["path"] for entry in manifest["files"]}
    present = {p.relative_to(REPOSITORY / "proofs").as_posix()
               for p in (REPOSITORY / "proofs").rglob("*") if p.is_file()}
    assert listed == present - {"manifest.json", *CITATION_FILES}
    assert manifest["format"] == "certify/manifest" and manifest["version"] == 1
    assert list(manifest["files"]) == sorted(manifest["files"], key=lambda e: e["path"])
    assert not any("/" in str(value) for value in manifest["provenance"].values())  # versions, no paths
    for entry in manifest["files"]:
        assert hashlib.sha256((REPOSITORY / "proofs" / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]


@pytest.fixture()
def copy(tmp_path):
    for folder in ("certificates", "proofs"):
        shutil.copytree(REPOSITORY / folder, tmp_path / folder)
    return tmp_path


def test_no_cycle_citation_files_do_not_change_the_identifier(copy):
    before = set_identifier(copy / "certificates", copy / "proofs")
    write_citation_files(copy / "proofs", copy / "certificates")
    (copy / "proofs" / "citation.bib").write_text("edited\n")
    write_proofs_manifest(copy / "proofs")
    assert set_identifier(copy / "certificates", copy / "proofs") == before


def test_any_page_change_changes_the_identifier(copy):
    before = set_identifier(copy / "certificates", copy / "proofs")
    page = copy / "proofs" / "errata.md"
    page.write_text(page.read_text() + "x")
    write_proofs_manifest(copy / "proofs")
    assert set_identifier(copy / "certificates", copy / "proofs") != before


def test_committed_citation_files_carry_the_current_identifier():
    identifier = set_identifier(REPOSITORY / "certificates", REPOSITORY / "proofs")
    assert (REPOSITORY / "CITATION.cff").read_text() == citation_cff(identifier), \
        "CITATION.cff is stale: run `certify cite --write-metadata`"
    assert (REPOSITORY / ".zenodo.json").read_text() == zenodo_json(identifier), \
        ".zenodo.json is stale: run `certify cite --write-metadata`"
    assert identifier in (REPOSITORY / "proofs" / "citation.bib").read_text()
    from certify.report.citation import update_changelog
    changelog = (REPOSITORY / "CHANGELOG.md").read_text()
    assert changelog == update_changelog(changelog, identifier), \
        "CHANGELOG.md does not carry this release's identifier: run `certify cite --write-metadata`"


def test_missing_manifest_is_a_clear_input_error(tmp_path):
    (tmp_path / "certificates").mkdir()
    with pytest.raises(InputError, match="manifest.json: missing"):
        set_identifier(tmp_path / "certificates", tmp_path / "proofs")


@pytest.mark.slow
def test_cli_prints_the_identifier_as_text_and_json():
    text = subprocess.run([sys.executable, "-m", "certify", "cite"], cwd=REPOSITORY,
                          capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    assert text.returncode == 0 and text.stdout.splitlines()[0] == _independent_identifier(REPOSITORY)
    assert "@article{brandao2016natcommun," in text.stdout and "eprint = {1310.4544}" in text.stdout
    as_json = subprocess.run([sys.executable, "-m", "certify", "cite", "--json"], cwd=REPOSITORY,
                             capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    document = json.loads(as_json.stdout)
    assert document["identifier"] == text.stdout.splitlines()[0]
    assert document["bibtex"].startswith("@misc{certify_")


@pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("bibtex") is None,
                    reason="pdflatex/bibtex not installed (Debian: texlive-latex-base)")
def test_bibtex_entry_is_accepted_by_bibtex(tmp_path):
    shutil.copy(REPOSITORY / "proofs" / "citation.bib", tmp_path / "citation.bib")
    key = (REPOSITORY / "proofs" / "citation.bib").read_text().split("{", 1)[1].split(",", 1)[0]
    (tmp_path / "paper.tex").write_text("\\documentclass{article}\\begin{document}\\cite{" + key + "}"
                                        "\\bibliographystyle{plain}\\bibliography{citation}\\end{document}\n")
    for command in (["pdflatex", "-interaction=nonstopmode", "paper.tex"], ["bibtex", "paper"],
                    ["pdflatex", "-interaction=nonstopmode", "paper.tex"]):
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
        assert result.returncode == 0, result.stdout[-2000:]
    assert "Warning" not in (tmp_path / "paper.blg").read_text()
    assert "certify-sha256" in (tmp_path / "paper.bbl").read_text()
