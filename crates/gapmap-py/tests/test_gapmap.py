"""The Python package against the command line, on the demo data and on the real Hauts-de-France
data: every table equals `gapmap gaps --format json` row by row, and its totals the JSON totals."""

import json
import os
import pathlib
import subprocess

import pytest

import gapmap

ROOT = pathlib.Path(__file__).resolve().parents[3]
PLAN = ROOT / "datasets" / "needs" / "armees-hdf-2026.csv"
# The binary the tests compare with: $GAPMAP_BIN (CI sets it), else the debug build.
BINARY = pathlib.Path(os.environ.get("GAPMAP_BIN", ROOT / "target" / "debug" / "gapmap"))


def real_data():
    data = pathlib.Path(os.environ.get("GAPMAP_DATA", ROOT.parent / "shared" / "datasets"))
    if (data / "SOURCES.md").is_file():
        return data
    if os.environ.get("CI"):
        pytest.fail(f"CI: real data missing at {data}")
    pytest.skip(f"real data missing at {data}")


def cli_gaps(*args):
    assert BINARY.is_file(), f"no gapmap binary at {BINARY}: build it or set GAPMAP_BIN"
    env = {k: v for k, v in os.environ.items() if k != "GAPMAP_DATA"}
    out = subprocess.run(
        [str(BINARY), "gaps", "--format", "json", "--quiet", *args],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def assert_same_totals(frame, total):
    for column in ["demand", "covered", "covered_direct", "covered_adjacent", "gap"]:
        assert abs(frame[column].sum() - total[column]) < 1e-6, (column, frame[column].sum(), total)


def assert_same_rows(frame, rows):
    """Row by row, in order: keys, labels, figures and shares equal the CLI's."""
    mine_rows = list(frame.iter_rows(named=True))
    assert [r["key"] for r in mine_rows] == [r["key"] for r in rows]
    for mine, cli in zip(mine_rows, rows):
        assert mine["label"] == cli["label"], (mine, cli)
        for column in ["needs", "masked_needs", "demand", "covered", "covered_direct",
                       "covered_adjacent", "gap", "seasonal_excluded", "seasonal_masked", "small"]:
            assert mine[column] == pytest.approx(cli[column], abs=1e-9), (column, mine, cli)
        for column in ["coverage", "tension", "transition_ecological", "transition_digital",
                       "transition_demographic"]:
            if cli[column] is None:
                assert mine[column] is None, (column, mine, cli)
            else:
                assert mine[column] == pytest.approx(cli[column], abs=1e-9), (column, mine, cli)


def demo():
    return gapmap.Engine.import_data(ROOT / "datasets" / "demo")


def test_demo_tables_equal_the_cli():
    engine = demo()
    for by in ["need", "buyer", "rome", "departement", "bassin", "level", "tag"]:
        frame = engine.gaps(PLAN, by=by)  # one file, not a list: also accepted
        assert frame.columns == list(gapmap.FRAME_COLUMNS), by
        cli = cli_gaps("--by", by)
        assert_same_rows(frame, cli["rows"])
        if by != "tag":  # a need counts under each of its tags
            assert_same_totals(frame, cli["total"])


def test_demo_competence_rows_equal_the_cli():
    # A need counts under each competence it asks for: rows are compared, not totals.
    frame = demo().gaps([PLAN], by="competence")
    assert frame.columns == list(gapmap.FRAME_COLUMNS) + ["graduates", "untaught_demand"]
    assert_same_rows(frame.drop(["graduates", "untaught_demand"]),
                     cli_gaps("--by", "competence")["rows"])
    for row in frame.iter_rows(named=True):
        assert row["covered"] == min(row["demand"], row["graduates"])


def test_pandas_on_request():
    frame = demo().gaps([PLAN], by="buyer", pandas=True)
    assert list(frame.columns) == list(gapmap.FRAME_COLUMNS)
    assert list(frame["key"]).count("armee-de-terre") == 1
    # Unknown tension (needs files publish no difficulty) stays a number column, all NaN.
    assert str(frame["tension"].dtype) == "float64" and frame["tension"].isna().all()
    assert_same_totals(frame, cli_gaps("--by", "buyer")["total"])


def test_demo_years_equal_the_cli():
    # Year by year: each year's rows equal `gapmap gaps --years`'s, a first column "year".
    frame = demo().gaps([PLAN], by="buyer", years="2026-2028")
    assert frame.columns == ["year"] + list(gapmap.FRAME_COLUMNS)
    cli = cli_gaps("--by", "buyer", "--years", "2026-2028")
    assert [y["year"] for y in cli["by_year"]] == [2026, 2027, 2028]
    for year in cli["by_year"]:
        rows = frame.filter(frame["year"] == year["year"]).drop("year")
        assert_same_rows(rows, year["rows"])
        assert_same_totals(rows, year["total"])
    with pytest.raises(gapmap.GapmapError, match="first year is after the last"):
        demo().gaps([PLAN], years="2028-2026")


def test_real_hauts_de_france_equals_the_cli():
    data = real_data()
    engine = gapmap.Engine.import_data(data, region=32)
    frame = engine.gaps([PLAN], by="buyer", bmo=True)
    cli = cli_gaps("--data", str(data), "--region", "32", "--bmo", "--by", "buyer")
    assert_same_rows(frame, cli["rows"])
    assert_same_totals(frame, cli["total"])
    assert cli["total"]["demand"] > 100_000
    assert frame["tension"].null_count() < frame.height  # the survey publishes difficulty


def test_explain_search_resolve_give_plain_values():
    engine = demo()
    why = engine.explain("adt-combat-59", PLAN)
    assert why["need"] == "adt-combat-59"
    assert why["gap"] + why["covered_direct"] == pytest.approx(why["demand"])
    assert isinstance(why["candidates"], list)
    courses = engine.search("maintenance aéronautique", limit=5)
    assert courses and len(courses) <= 5
    assert all(c["score"] == c["variants"][0]["score"] for c in courses)
    hits = [h for c in courses for h in c["variants"]]
    assert all(isinstance(h["score"], float) for h in hits)
    assert all(h["supply"]["offer"] == h["offer"] for h in hits)
    assert all(sum(p["bm25"] for p in h["parts"]) == pytest.approx(h["bm25"]) for h in hits)
    for c in courses:
        counted = [h for h in c["variants"] if h["repeats"] is None]
        known = [h["seats"] for h in counted if h["seats"] is not None]
        assert c["seats"] == (sum(known) if known else None)
        assert c["variants_of_unknown_capacity"] == len(counted) - len(known)
    assert all(h["parts"] and {p["field"] for p in h["parts"]} <= {"label", "certification", "rome_label", "rome_title", "skill_block", "competence_text", "school"} for h in hits)
    assert all("graduates" in c["supply"] for c in why["candidates"])
    sheets = engine.resolve("télépilote de drone")
    assert sheets and sheets[0]["rome"][0].isalpha()


def test_recommend_equals_the_cli():
    engine = demo()
    rec = engine.recommend(PLAN, seats=60)
    env = {k: v for k, v in os.environ.items() if k != "GAPMAP_DATA"}
    out = subprocess.run(
        [str(BINARY), "recommend", "--budget", "60", "--format", "json", "--quiet"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )
    cli = json.loads(out.stdout)
    assert rec["after"]["direct_gap"] == pytest.approx(cli["applied"]["direct_gap"])
    assert [a["offer"] for a in rec["actions"]] == [a["offer"] for a in cli["actions"]]
    assert rec["scenario_toml"] == cli["scenario_toml"]
    assert 0 < rec["seats"] <= 60 and rec["costs_assumed"] is True
    with pytest.raises(gapmap.GapmapError, match="no budget"):
        engine.recommend(PLAN)


def cli_supply(*args):
    env = {k: v for k, v in os.environ.items() if k != "GAPMAP_DATA"}
    out = subprocess.run(
        [str(BINARY), "supply", "--offers", "--format", "json", "--quiet", *args],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)["offers"]


def test_real_offers_equal_the_cli_and_keep_entrants_within_seats():
    data = real_data()
    engine = gapmap.Engine.import_data(data, region=32)
    frame = engine.offers()
    assert list(frame.columns) == list(gapmap.OFFER_COLUMNS)
    cli = cli_supply("--data", str(data), "--region", "32")
    assert frame.height == len(cli) == 4801
    for mine, theirs in zip(frame.iter_rows(named=True), cli):
        for column in gapmap.OFFER_COLUMNS:
            if theirs[column] is None or isinstance(theirs[column], str):
                assert mine[column] == theirs[column], (column, mine, theirs)
            else:
                assert mine[column] == pytest.approx(theirs[column], abs=1e-9), (column, mine)
    # An empty seat trains nobody: entrants never exceed seats; unknown is null, never 0.
    known = frame.filter(frame["seats"].is_not_null())
    assert (known["entrants"] <= known["seats"]).all()
    assert frame["pressure"].null_count() > 0
    # The CAP PSR of 0020012C, by hand (Affelnet 2022: 12 seats, 18 first choices; census 2020:
    # 11 pupils): pressure 1.5, fill rate 11/12, 11 entrants.
    cap = frame.filter(frame["offer"] == "affelnet:2022:0020012C:23210022142:school").row(0, named=True)
    assert (cap["pressure"], cap["fill_rate"], cap["entrants"]) == (1.5, pytest.approx(11 / 12), 11.0)
    pandas_frame = engine.offers(pandas=True)
    assert pandas_frame["seats"].isna().sum() == frame["seats"].null_count()


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


def test_capacities_file_equals_the_cli(tmp_path):
    # The demo's first course of unknown capacity gets 30 declared seats: the Python tables equal
    # the command line's with the same file, and a wrong offer is an error naming line and field.
    engine = demo()
    offers = engine.offers()
    course = offers.filter(offers["seats"].is_null())["offer"][0]
    capacities = tmp_path / "capacites.csv"
    capacities.write_text(f"offer;capacity;source\n{course};30;test\n", encoding="utf-8")
    declared = gapmap.Engine.import_data(ROOT / "datasets" / "demo", capacities=capacities)
    frame = declared.gaps([PLAN], by="buyer")
    doc = cli_gaps("--by", "buyer", "--capacities", str(capacities))
    assert_same_totals(frame, doc["total"])
    assert_same_rows(frame, doc["rows"])
    capacities.write_text("offer;capacity\nno-such-offer;30\n", encoding="utf-8")
    with pytest.raises(gapmap.GapmapError, match=r'capacites\.csv: line 2: field "offer"'):
        gapmap.Engine.import_data(ROOT / "datasets" / "demo", capacities=capacities)
