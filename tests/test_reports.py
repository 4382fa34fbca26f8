"""Proof reports: identities of the hand-checkable proofs, page contents, links, LaTeX, CLI, API docs."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from certify.report import claims as report_claims
from certify.errors import ClaimNotProven
from certify.report.context import ReportContext
from certify.report.lemma11 import inequality_proof, row_tex
from certify.report.pages import claim_page, collect_claims, write_proofs

REPOSITORY = Path(__file__).resolve().parent.parent
COMMAND_TIMEOUT = 3600  # generous: no timeout below CI's budget on a busy machine; a hung command still ends
CERTIFICATES = REPOSITORY / "certificates"
PROOFS = REPOSITORY / "proofs"


@pytest.fixture(scope="module")
def context():
    return ReportContext(CERTIFICATES, PROOFS)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """One fresh run of every writer into a temporary proofs/ folder."""
    folder = tmp_path_factory.mktemp("report") / "proofs"
    write_proofs(folder, CERTIFICATES)
    return folder


@pytest.mark.slow
def test_three_kinds_with_the_expected_representatives(context):
    assert [(k.representative, len(k.members)) for k in context.kinds] == \
        [("0000|0000", 128), ("0001|0000", 64), ("0001|0001", 64)]


@pytest.mark.slow
@pytest.mark.parametrize("pair", ["0000|0000", "0001|0000", "0001|0001"])
def test_printed_identity_holds_for_arbitrary_vectors(context, pair):
    """(*) P* = a + λ B.P + Σ y_r R_r(P) − Σ s_j P_j for random (not no-signalling) rational P."""
    rng = random.Random(11)
    scenario = context.expression.scenario
    target = scenario.index_of_key(pair)
    bell = context.expression.dense()
    kind = next(k for k in context.kinds if k.representative == pair)
    for which in ["paper_claim"] + [f"piece{i}" for i in range(len(kind.function.pieces))]:
        proof = inequality_proof(context, pair, which)
        for _ in range(3):
            box = [Fraction(rng.randint(-5, 9), rng.randint(1, 7)) for _ in range(scenario.num_probabilities)]
            rows = sum((y * (sum(a * box[j] for j, a in context.system.rows[r]) - context.system.right_hand_sides[r])
                        for r, _, y in proof.multipliers), Fraction(0))
            right = (proof.bound + proof.slope * sum(b * p for b, p in zip(bell, box)) + rows
                     - sum(s * box[j] for j, s in proof.slacks))
            assert box[target] == right, (pair, which)


@pytest.mark.slow
def test_tampered_multiplier_is_caught(tmp_path):
    """A multiplier changed after loading makes the report refuse (not print a wrong proof)."""
    tampered = ReportContext(CERTIFICATES, tmp_path / "proofs")
    document = tampered.documents["0001|0000"]  # loaded and checked before tampering
    entry = document["paper_claim"]["certificate"]["multipliers"][0]
    entry[1] = str(Fraction(entry[1]) - 1)
    with pytest.raises(ClaimNotProven):
        inequality_proof(tampered, "0001|0000", "paper_claim")


def test_row_names_render_for_every_row(context):
    symbols = {row_tex(name) for name in context.system.names}
    assert len(symbols) == len(context.system.names)


def test_lemma11_claim_numbers_come_from_the_certificates(context):
    claim = collect_claims(context, ["lemma11"])[0]
    assert claim.status == "tightened"
    assert len(claim.files) == 257  # manifest + 256 certificates
    page = claim_page(claim)
    for kind in context.kinds:
        assert kind.representative.replace("|", "\\|") in page
    assert "3/10 + 7/20·δ on [0, 2]; 1 on [2, ∞)" in page
    assert "1/2·δ on [0, 2]" in page and "1/3 + 1/3·δ on [0, 2]" in page


def test_quantum_claim_is_refuted_for_a_box_that_violates_it(context, monkeypatch):
    """The status is computed: the uniform box (B.P = 4) would refute 'B.P = 0'."""
    from certify.simulation import quantum_box
    monkeypatch.setattr(quantum_box, "quantum_box_fractions", lambda: [Fraction(1, 16)] * 256)
    claim = report_claims.quantum_box_claim(context)
    assert claim.status == "refuted" and "B·P = 4" in claim.proved_statement


def test_quantum_claim(context):
    claim = report_claims.quantum_box_claim(context)
    assert claim.status == "verified"
    assert "4(1 − V)" in claim.proved_statement and "4(1 − (1 − 2p)^4)" in claim.proved_statement


def test_pages_say_plainly_when_the_parameter_modules_are_missing(context, monkeypatch):
    real = report_claims.optional_module
    monkeypatch.setattr(report_claims, "optional_module",
                        lambda name: None if name in ("certify.params.theorems", "certify.params.lemma10",
                                                      "certify.params.records") else real(name))
    lemma10 = report_claims.lemma10_claim(context)
    theorem = report_claims.theorem_claim(context, 20)
    assert lemma10.status == theorem.status == "not yet checked"
    assert dict((name, status) for name, status, _ in theorem.parts)["conclusion (rates)"] == \
        "not checkable by computation"


@pytest.mark.slow
def test_all_expected_files_are_written(written):
    names = {p.relative_to(written).as_posix() for p in written.rglob("*") if p.is_file()}
    for name in ("index.md", "lemma11.md", "lemma10.md", "theorem20.md", "theorem27.md", "quantum-box.md",
                 "errata.md", "lemma11-proof-u0000-x0000.md", "lemma11-proof-u0001-x0000.md",
                 "lemma11-proof-u0001-x0001.md", "latex/claims-table.tex", "latex/certify-proofs.tex",
                 "manifest.json", "citation.bib", "citation.md"):
        assert name in names


@pytest.mark.slow
def test_relative_links_resolve(written):
    """Every relative link on every page points at an existing file (as on a code-hosting site)."""
    root = written.parent
    shutil.copytree(CERTIFICATES, root / "certificates", dirs_exist_ok=True)
    broken = []
    for page in written.rglob("*.md"):
        for target in re.findall(r"\]\(([^)#\s]+)\)", page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            if not (page.parent / target).resolve().is_file():
                broken.append((page.name, target))
    assert not broken


@pytest.mark.slow
def test_errata_lists_the_known_items(written):
    text = (written / "errata.md").read_text(encoding="utf-8")
    assert "only 8 settings occur" in text
    assert "reaching 1 at δ = 2 instead of δ = 1" in text
    assert "x* penalised (B(x*,u*) = 1)) like `0001\\|0000`: best constant 0, v(δ) = 1/2·δ" in text
    assert "Two different δ's" in text
    assert "*confirmed*" in text


@pytest.mark.slow
def test_committed_proofs_are_current(written):
    """The committed proofs/ equals what the writers produce now (a stale page fails)."""
    fresh = {p.relative_to(written).as_posix(): p.read_bytes() for p in written.rglob("*") if p.is_file()}
    committed = {p.relative_to(PROOFS).as_posix(): p.read_bytes() for p in PROOFS.rglob("*") if p.is_file()}
    assert sorted(fresh) == sorted(committed)
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"stale: {stale}; run `certify report`"


@pytest.mark.slow
def test_check_proofs_names_a_stale_page(tmp_path, written):
    """`certify report --check` logic: a hand edit to a page is reported (compared with the pages
    the writers produced once for this module)."""
    from certify.report.pipeline import stale_proofs
    (tmp_path / "certificates").symlink_to(CERTIFICATES)
    shutil.copytree(PROOFS, tmp_path / "proofs")
    (tmp_path / "proofs" / "index.md").write_text("edited\n")
    assert stale_proofs(tmp_path, fresh_proofs=written) == ["index.md"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="pdflatex not installed (Debian: texlive-latex-base texlive-latex-recommended)")
def test_latex_document_compiles(written, tmp_path):
    shutil.copy(written / "latex" / "certify-proofs.tex", tmp_path)
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "certify-proofs.tex"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "certify-proofs.pdf").stat().st_size > 0


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="pdflatex not installed (Debian: texlive-latex-base texlive-latex-recommended)")
def test_claims_table_fragment_compiles_with_booktabs(written, tmp_path):
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage{booktabs}\\begin{document}"
        "\\input{" + (written / "latex" / "claims-table.tex").as_posix() + "}\\end{document}\n")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    assert result.returncode == 0, result.stdout[-2000:]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "certify", *args], cwd=REPOSITORY,
                          capture_output=True, text=True, timeout=COMMAND_TIMEOUT)


@pytest.mark.slow
def test_cli_claim_and_bad_option():
    ok = _cli("report", "--claim", "quantum-box", "--json")
    assert ok.returncode == 0 and '"status": "verified"' in ok.stdout
    bad = _cli("report", "--claim", "lemma12")
    assert bad.returncode == 2 and "--claim" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.slow
def test_api_documentation_examples_run():
    """Every ```python block of docs/api.md runs (in order, one namespace) from the repository root."""
    text = (REPOSITORY / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "docs/api.md", "exec"), namespace)  # noqa: S102 - our own documentation
