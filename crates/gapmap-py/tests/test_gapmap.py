"""The Python package against the command line, on the demo data and on the real Hauts-de-France
data: the DataFrame totals equal the totals of `gapmap gaps --format json`."""

import json
import os
import pathlib
import subprocess

import pytest

import gapmap

ROOT = pathlib.Path(__file__).resolve().parents[3]
PLAN = ROOT / "datasets" / "needs" / "armees-hdf-2026.csv"
BINARY = pathlib.Path(os.environ.get("GAPMAP_BIN", ROOT / "target" / "debug" / "gapmap"))


def real_data():
    data = pathlib.Path(os.environ.get("GAPMAP_DATA", ROOT.parent / "shared" / "datasets"))
    if (data / "SOURCES.md").is_file():
        return data
    if os.environ.get("CI"):
        pytest.fail(f"CI: real data missing at {data}")
    pytest.skip(f"real data missing at {data}")


def cli_gaps(*args):
    env = {k: v for k, v in os.environ.items() if k != "GAPMAP_DATA"}
    out = subprocess.run(
        [str(BINARY), "gaps", "--format", "json", "--quiet", *args],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def assert_same_totals(frame, total):
    for column in ["demand", "covered_direct", "covered_adjacent", "gap"]:
        assert abs(frame[column].sum() - total[column]) < 1e-6, (column, frame[column].sum(), total)


def test_demo_totals_equal_the_cli():
    engine = gapmap.Engine.import_data(ROOT / "datasets" / "demo")
    for by in ["buyer", "rome", "departement"]:
        frame = engine.gaps([PLAN], by=by)
        assert frame.height > 0
        assert set(frame.columns) >= {"key", "label", "demand", "covered", "gap", "tension"}
        assert_same_totals(frame, cli_gaps("--by", by)["total"])


def test_demo_competence_rows_equal_the_cli():
    # A need counts under each competence it asks for: rows are compared one by one.
    engine = gapmap.Engine.import_data(ROOT / "datasets" / "demo")
    frame = engine.gaps([PLAN], by="competence")
    cli = {row["key"]: row for row in cli_gaps("--by", "competence")["rows"]}
    assert frame.height == len(cli) > 0
    for row in frame.iter_rows(named=True):
        for column in ["demand", "covered", "gap"]:
            assert abs(row[column] - cli[row["key"]][column]) < 1e-9, (row, cli[row["key"]])
        assert row["covered"] == min(row["demand"], row["graduates"])


def test_pandas_on_request():
    engine = gapmap.Engine.import_data(ROOT / "datasets" / "demo")
    frame = engine.gaps([PLAN], by="buyer", pandas=True)
    assert list(frame["key"]).count("armee-de-terre") == 1
    assert_same_totals(frame, cli_gaps("--by", "buyer")["total"])


def test_real_hauts_de_france_totals_equal_the_cli():
    data = real_data()
    engine = gapmap.Engine.import_data(data, region=32)
    frame = engine.gaps([PLAN], by="buyer", bmo=True)
    total = cli_gaps("--data", str(data), "--region", "32", "--bmo", "--by", "buyer")["total"]
    assert_same_totals(frame, total)
    assert total["demand"] > 100_000


def test_explain_search_resolve_give_plain_values():
    engine = gapmap.Engine.import_data(ROOT / "datasets" / "demo")
    why = engine.explain("adt-combat-59", [PLAN])
    assert why["need"] == "adt-combat-59"
    assert why["gap"] + why["covered_direct"] == pytest.approx(why["demand"])
    assert isinstance(why["candidates"], list)
    hits = engine.search("maintenance aéronautique", limit=5)
    assert hits and all(isinstance(h["score"], float) for h in hits)
    sheets = engine.resolve("télépilote de drone")
    assert sheets and sheets[0]["rome"][0].isalpha()


def test_errors_and_refused_rows_carry_the_position(tmp_path):
    engine = gapmap.Engine.import_data(ROOT / "datasets" / "demo")
    bad = tmp_path / "needs.csv"
    bad.write_text(
        "id;acheteur;specialite;rome;competences;niveau_min;lieu;volume;annee;tags;commentaire\n"
        "x;armee-de-terre;Soudeur;H2913;;4;commune:80021;abc;2026;;\n",
        encoding="utf-8",
    )
    # A refused row is a warning naming the file, line and field; no need is left to match.
    with pytest.warns(UserWarning, match=r'needs\.csv:2: field "volume"'):
        with pytest.raises(gapmap.GapmapError, match="no needs to match"):
            engine.gaps([bad], by="rome")
    # A file that cannot be read as a needs file is an error naming it.
    bad.write_text("id;acheteur\nx;y\n", encoding="utf-8")
    with pytest.raises(gapmap.GapmapError, match=r"needs\.csv"):
        engine.gaps([bad], by="rome")
    with pytest.raises(gapmap.GapmapError, match="by="):
        engine.gaps([PLAN], by="nothing")
