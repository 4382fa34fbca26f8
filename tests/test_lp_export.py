"""``certify export --lp`` (certify/builder/lp_export.py): the certified LPs as LP files, and the manifest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from certify.builder.jsonio import dumps
from certify.builder.lp_export import (EXPORT_FORMAT, MANIFEST, certified_set, export_lp, load_export, pair_lps,
                                       read_manifest)
from certify.builder.lp_files import compare_model, read_lp_file
from certify.errors import ClaimNotProven, InputError
from certify.lp.expression import paper_bell_expression

REPOSITORY = Path(__file__).resolve().parent.parent
CERTIFICATES = REPOSITORY / "certificates"


@pytest.fixture(scope="module")
def chsh_export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export") / "chsh"
    export_lp(folder, CERTIFICATES, "chsh", "1/10")
    return folder


@pytest.fixture(scope="module")
def lemma11_set():
    return certified_set(CERTIFICATES)


def run(*arguments, cwd=REPOSITORY):
    return subprocess.run([sys.executable, "-m", "certify", *arguments], capture_output=True, text=True, cwd=cwd,
                          env=dict(os.environ, PYTHONPATH=str(REPOSITORY)), timeout=600)


# -- the models --------------------------------------------------------------------------------

@pytest.mark.slow
def test_lemma11_lp_is_the_paper_lp(lemma11_set):
    """Pair (0001, 1000) at B.P <= 1/10: 272 no-signalling rows and B.P <= 1/10 scaled to 10 B.P <= 1; v = 11/30."""
    (lp,) = pair_lps(lemma11_set, Fraction(1, 10), [24])
    assert (lp.pair, lp.file, lp.certificate) == ("0001|1000", "u0001-x1000.lp", "lemma11/u0001-x1000.json")
    assert lp.certified_value == Fraction(11, 30)
    assert lp.model.objective == ((24, 1),) and lp.model.column_names[24] == "p_u0001_x1000"
    rows = {row.name: row for row in lp.model.rows}
    assert len(rows) == 273 and rows["norm_u0001"].rhs == 1 and rows["ns_p4_u0001_x000"].rhs == 0
    bell = rows["bell"]
    assert (bell.sense, bell.rhs, bell.scale) == ("<=", 1, 10)
    assert dict(bell.terms) == {j: 10 for j in paper_bell_expression().coefficients}


def test_values_follow_the_value_functions(lemma11_set):
    values = {lp.pair: lp.certified_value for lp in pair_lps(lemma11_set, Fraction(0), [0, 24])}
    assert values == {"0000|0000": Fraction(3, 10), "0001|1000": Fraction(1, 3)}
    (at_three,) = pair_lps(lemma11_set, Fraction(3), [24])
    assert at_three.certified_value == 1


def test_symmetric_pairs_take_their_representatives_value():
    certified = certified_set(CERTIFICATES, "mermin5")
    assert len(certified.value_functions) < certified.scenario.num_probabilities == len(certified.proven_by)
    image = next(t for t, r in certified.proven_by.items() if t != r)
    (lp,) = pair_lps(certified, Fraction(1, 10), [image])
    assert lp.certificate == f"expressions/mermin5/{certified.certificate(certified.proven_by[image]).split('/')[-1]}"
    assert lp.certified_value == certified.value(certified.proven_by[image], Fraction(1, 10))


# -- export ------------------------------------------------------------------------------------

def test_export_writes_one_exact_file_per_pair_and_the_manifest(chsh_export):
    files = sorted(p.name for p in chsh_export.iterdir())
    assert files == sorted([MANIFEST] + [f"u{u}-x{x}.lp" for u in ("00", "01", "10", "11") for x in ("00", "01", "10", "11")])
    manifest = json.loads((chsh_export / MANIFEST).read_text())
    assert (manifest["format"], manifest["version"], manifest["certificates"]) == (EXPORT_FORMAT, 1, "expressions/chsh")
    assert manifest["bell_value"] == "1/10" and manifest["penalty"] == {"sign": 1, "offset": "0"}
    assert {entry["certified_value"] for entry in manifest["lps"]} == {"1/10", "11/20"}
    _, lps, notes = load_export(chsh_export, CERTIFICATES)
    for lp in lps:
        assert compare_model(lp.model, read_lp_file(chsh_export / lp.file)) == []
        assert notes[lp.pair] == []


def test_export_replaces_an_earlier_export_whole(tmp_path):
    folder = tmp_path / "out"
    export_lp(folder, CERTIFICATES, "chsh", "1/10")
    export_lp(folder, CERTIFICATES, "chsh", "0.5", representatives=True)
    assert json.loads((folder / MANIFEST).read_text())["bell_value"] == "1/2"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]        # no staging folder left


def test_representatives_only(tmp_path):
    summary = export_lp(tmp_path / "m5", CERTIFICATES, "mermin5", "1/10", representatives=True)
    certified = certified_set(CERTIFICATES, "mermin5")
    assert summary["files"] == len(certified.value_functions) == len(list((tmp_path / "m5").glob("*.lp")))


def test_a_number_pulp_would_round_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(InputError, match=r"out/u00-x00.lp: PuLP's LP file would not be exact.*10000000000000 "
                                         r"!= model 10000000000001"):
        export_lp(tmp_path / "out", CERTIFICATES, "chsh", "1/10000000000001")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("arguments, message", [
    ({"expression": "paper-n5"}, "N-party family"),
    ({"expression": "nonesuch"}, "unknown built-in"),
    ({"bell_value": "-1/10"}, ">= 0"),
    ({"bell_value": "1/10 "}, "no spaces"),
])
def test_bad_arguments_are_refused(tmp_path, arguments, message):
    with pytest.raises(InputError, match=message):
        export_lp(tmp_path / "out", CERTIFICATES, **arguments)
    assert not (tmp_path / "out").exists()


def test_a_folder_that_is_not_an_export_is_not_overwritten(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not an LP export"):
        export_lp(tmp_path, CERTIFICATES, "chsh")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_missing_or_incomplete_certificates(tmp_path):
    with pytest.raises(InputError, match="no Lemma-11 certificates"):
        certified_set(tmp_path)
    folder = tmp_path / "expressions" / "chsh"
    folder.mkdir(parents=True)
    with pytest.raises(InputError, match="no bounds.json"):
        certified_set(tmp_path, "chsh")
    for path in (CERTIFICATES / "expressions" / "chsh").glob("*.json"):
        if path.name != "u11-x11.json":
            (folder / path.name).write_bytes(path.read_bytes())
    with pytest.raises(ClaimNotProven, match="no certificate for 1 pair.*11|11"):
        certified_set(tmp_path, "chsh")
    (folder / "u11-x11.json").write_bytes((folder / "u11-x10.json").read_bytes())
    with pytest.raises(InputError, match="u11-x11.json: the document is about pair 11|10"):
        certified_set(tmp_path, "chsh")


def test_a_forged_certificate_is_not_used(tmp_path):
    folder = tmp_path / "expressions" / "chsh"
    folder.mkdir(parents=True)
    for path in (CERTIFICATES / "expressions" / "chsh").glob("*.json"):
        (folder / path.name).write_bytes(path.read_bytes())
    document = json.loads((folder / "u00-x00.json").read_text())
    document["value_function"]["pieces"][-1]["constant"] = "3/5"
    (folder / "u00-x00.json").write_text(dumps(document))
    with pytest.raises((InputError, ClaimNotProven), match="u00-x00.json"):
        certified_set(tmp_path, "chsh")


# -- the manifest ------------------------------------------------------------------------------

def _mutated(chsh_export, tmp_path, change) -> Path:
    document = json.loads((chsh_export / MANIFEST).read_text())
    change(document)
    path = tmp_path / MANIFEST
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(format="certify/lp-files"), "expected format"),
    (lambda d: d.update(version=2), "expected format"),
    (lambda d: d.update(extra=1), "exactly the keys"),
    (lambda d: d.update(certificates="../elsewhere"), "certificates"),
    (lambda d: d.update(expression="mermin3"), "expression"),
    (lambda d: d.update(bell_value="0.1"), "canonical"),
    (lambda d: d.update(lps=[]), "non-empty"),
    (lambda d: d["lps"].reverse(), "canonical order"),
    (lambda d: d["lps"][0].update(file="other.lp"), "expected 'u00-x00.lp'"),
    (lambda d: d["lps"][0].update(pair="00|22"), "pair"),
    (lambda d: d["lps"][0].update(certified_value="2/4"), "canonical"),
    (lambda d: d["penalty"].update(sign=True), "sign"),
], ids=["format", "version", "extra-key", "certificates", "expression", "bell-value", "no-lps", "order", "file",
        "pair", "value", "sign"])
def test_malformed_manifests_are_refused(chsh_export, tmp_path, change, message):
    with pytest.raises(InputError, match=message):
        read_manifest(_mutated(chsh_export, tmp_path, change))


def test_a_float_in_the_manifest_is_refused(tmp_path):
    (tmp_path / MANIFEST).write_text('{"format": "certify/lp-export", "version": 1.0}')
    with pytest.raises(InputError, match="floating-point"):
        read_manifest(tmp_path / MANIFEST)


def test_the_folder_must_hold_exactly_the_listed_files(chsh_export, tmp_path):
    folder = tmp_path / "copy"
    folder.mkdir()
    for path in chsh_export.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "extra.lp").write_text("x")
    with pytest.raises(InputError, match="not listed"):
        load_export(folder, CERTIFICATES)
    (folder / "extra.lp").unlink()
    (folder / "u01-x01.lp").unlink()
    with pytest.raises(InputError, match="missing, e.g. u01-x01.lp"):
        load_export(folder, CERTIFICATES)


def test_manifest_values_are_recomputed_not_trusted(chsh_export, tmp_path):
    folder = tmp_path / "copy"
    folder.mkdir()
    for path in chsh_export.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    document = json.loads((folder / MANIFEST).read_text())
    document["lps"][0]["certified_value"] = "1/2"
    (folder / MANIFEST).write_text(json.dumps(document))
    _, lps, notes = load_export(folder, CERTIFICATES)
    assert lps[0].certified_value == Fraction(11, 20)
    assert notes["00|00"] == ["export.json: certified_value 1/2, the certificates give 11/20"]
    assert all(not notes[lp.pair] for lp in lps[1:])


# -- command line ------------------------------------------------------------------------------

@pytest.mark.slow
def test_command_line(tmp_path):
    result = run("export", "--lp", str(tmp_path / "out"), "--expression", "mermin3", "--bell-value", "1e-1",
                 "--certificates", str(CERTIFICATES), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["files"] == 64 and result.stderr == ""
    result = run("export", "--lp", str(tmp_path / "x"), "--bell-value", "1/10000000000001", "--expression", "chsh",
                 "--quiet")
    assert result.returncode == 2 and "would not be exact" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()
    result = run("export", "--vipr", str(tmp_path / "v"), "--bell-value", "1/10")
    assert result.returncode == 2 and "go with --lp" in result.stderr
    result = run("export", "--vipr", str(tmp_path / "v"), "--lp", str(tmp_path / "l"))
    assert result.returncode == 2 and "not allowed with" in result.stderr
    result = run("export", "--lp", str(tmp_path / "l"), cwd=tmp_path)       # ./certificates is the default
    assert result.returncode == 2 and "certificates/lemma11: no Lemma-11 certificates" in result.stderr


def test_manifest_matches_the_json_schema(chsh_export):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPOSITORY / "docs" / "certificate.schema.json").read_text())
    document = json.loads((chsh_export / MANIFEST).read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    definition = schema["$defs"]["lpExport"]
    assert set(definition["required"]) == set(document)
    assert set(definition["properties"]["lps"]["items"]["required"]) == set(document["lps"][0])
    document["lps"][0]["certified_value"] = "0.55"
    assert not jsonschema.Draft202012Validator(schema).is_valid(document)
