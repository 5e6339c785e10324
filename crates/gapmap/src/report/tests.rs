//! Tests of the report writer on a hand-made input with odd labels.

use std::collections::BTreeMap;
use std::path::Path;

use expect_test::{Expect, expect};
use gapmap_match::{GapKey, GapRow};
use gapmap_model::Volume;
use polars::prelude::{ChunkAgg, ParquetReader, SerReader};
use scraper::{Html, Selector};
use serde_json::Value;

use super::charts::{self, MapFrame, round_down_nicely, shorten};
use super::html::escape;
use super::tables::{csv_header, number_cell, text_cell};
use super::*;

type TestResult = anyhow::Result<()>;

/// A gap row as the engine would give it. The report shows keys as text, so the kind of key
/// does not matter to it: tags stand for every kind here.
pub(super) fn gap_row(key: &str, label: &str, demand: f64, covered: f64, small: bool) -> TableRow {
    let people = |p: f64| Volume::from_milli((p * 1000.0).round() as u64);
    let (volume, covered) = (people(demand), people(covered).min(people(demand)));
    TableRow {
        row: GapRow {
            needs: 1,
            volume,
            covered,
            covered_direct: covered,
            gap: volume.saturating_sub(covered),
            small,
            ..GapRow::empty(GapKey::Tag(key.to_owned()))
        },
        label: label.to_owned(),
    }
}

/// A small input whose labels carry every character that breaks naive writers.
fn sample_input() -> ReportInput {
    let rome = vec![
        gap_row(
            "M1805",
            "Études et développement informatique; \"full-stack\"\nen alternance",
            60.0,
            20.5,
            false,
        ),
        gap_row(
            "I1304",
            "=HYPERLINK(\"http://evil.example\")",
            40.0,
            30.0,
            false,
        ),
        gap_row("K2204", "-20 % de charges", 12.0, 2.0, true),
        gap_row(
            "N1103",
            "<script>alert('x')</script> & Cie",
            30.0,
            33.5,
            false,
        ),
        gap_row("H2913", "@SUM(A1) Œuvre à façon — ÉÇÀ", 8.0, 0.0, true),
    ];
    let competence = vec![
        gap_row("C1", "+33 réseau\ttabulé", 25.0, 5.0, false),
        gap_row("C2", "\rretour chariot", 15.0, 15.0, false),
        gap_row("C3", "Soudure TIG/MIG", 42.0, 12.0, false),
    ];
    let level = vec![
        gap_row("3", "CAP, BEP", 70.0, 40.0, false),
        gap_row("4", "Bac", 50.0, 30.0, false),
        gap_row("5", "BTS, DUT", 30.0, 16.0, false),
    ];
    let departement = vec![
        gap_row("02", "Aisne", 20.0, 10.0, false),
        gap_row("59", "Nord", 80.0, 50.0, false),
        gap_row("62", "Pas-de-Calais", 50.0, 26.0, false),
    ];
    let buyer = vec![
        gap_row("MINARM", "Ministère des Armées", 120.0, 80.5, false),
        gap_row("BMO", "BMO 2025 ; France Travail", 300.0, 210.0, false),
    ];
    let mut gaps_by = BTreeMap::new();
    gaps_by.insert(Axis::Rome, rome);
    gaps_by.insert(Axis::Competence, competence);
    gaps_by.insert(Axis::Level, level);
    gaps_by.insert(Axis::Departement, departement);
    gaps_by.insert(Axis::Buyer, buyer);
    gaps_by.insert(Axis::Tag, Vec::new());

    let outline_points = (0..40)
        .flat_map(|i| {
            (0..30).map(move |j| GeoPoint {
                lat: 49.0 + f64::from(j) * 0.07,
                lon: 1.6 + f64::from(i) * 0.065,
            })
        })
        .collect();
    ReportInput {
        title: "Écarts formation-emploi — Hauts-de-France <test>".to_owned(),
        generated_at: "2026-11-26T12:00:00Z".to_owned(),
        lang: Lang::Fr,
        data_note: Some("données de démonstration illustratives".to_owned()),
        config_toml: "[matching]\nradius_km = 40 # \"<km>\"\nweights = { rome = 0.6 }\n".to_owned(),
        sources: vec![
            SourceCredit {
                publisher: "France Travail".to_owned(),
                dataset: "Enquête Besoins en Main-d'Œuvre 2025".to_owned(),
                licence: "Licence Ouverte / Open Licence 2.0".to_owned(),
            },
            SourceCredit {
                publisher: "Ministère des Armées".to_owned(),
                dataset: "Besoins de recrutement <démo>".to_owned(),
                licence: "Licence Ouverte 2.0".to_owned(),
            },
        ],
        summary: vec![
            gap_row("armees", "Ministère des Armées", 120.0, 80.5, false),
            gap_row("bmo", "BMO 2025 ; France Travail", 300.0, 210.0, false),
        ],
        total: gap_row("total", "Total", 420.0, 290.5, false),
        count_adjacent: false,
        gaps_by,
        sites: vec![
            Site {
                label: "Lycée Gustave Eiffel, Armentières".to_owned(),
                lat: 50.69,
                lon: 2.88,
                seats: Some(24.0),
            },
            Site {
                label: "CFA de l'Oise, Beauvais".to_owned(),
                lat: 49.43,
                lon: 2.08,
                seats: None,
            },
        ],
        uncovered: vec![
            DemandPoint {
                label: "Lille".to_owned(),
                lat: 50.63,
                lon: 3.06,
                gap: 52.0,
            },
            DemandPoint {
                label: "Amiens <sud>".to_owned(),
                lat: 49.89,
                lon: 2.30,
                gap: 13.0,
            },
            DemandPoint {
                label: "Saint-Quentin".to_owned(),
                lat: 49.85,
                lon: 3.29,
                gap: 3.0,
            },
        ],
        outline_points,
        big_gaps: vec![BigGap {
            need_label: "Technicien de maintenance aéronautique — Creil".to_owned(),
            gap: 18.0,
            closest_offers: vec![ClosestOffer {
                label: "BTS Aéronautique".to_owned(),
                school: "Lycée Jean Rostand, Chantilly".to_owned(),
                distance_km: Some(12.4),
                score: 0.73,
                lacks: vec![
                    "compétence : réglementation Part 66".to_owned(),
                    "niveau : 5 au lieu de 4".to_owned(),
                ],
                graduates: 9.932,
                pressure: Some(4.75),
                pressure_mean: Some(0.79),
                employment_6m: None,
                employment_6m_mean: Some(0.39),
            }],
        }],
        scenario: Some(ScenarioDelta {
            supply_notes: Vec::new(),
            description: "Ouvrir 12 places de BTS Aéronautique à Creil".to_owned(),
            rows: vec![ScenarioRow {
                label: "Technicien de maintenance aéronautique".to_owned(),
                before: 18.0,
                after: 6.0,
                delta: -12.0,
            }],
        }),
        supply: Some(sample_supply()),
        horizon: None,
        recommendations: None,
    }
}

/// Two groups of offers and two offers, one with unknown figures and a hostile label.
fn sample_supply() -> SupplySection {
    let offer = |values: Value| -> [Value; gapmap_engine::OFFER_COLUMN_COUNT] {
        gapmap_engine::OFFER_COLUMNS.map(|c| values.get(c).cloned().unwrap_or(Value::Null))
    };
    let group = |mode: &'static str, seats: u64, entrants: f64, graduates: f64| {
        gapmap_engine::SupplyGroup {
            source: "affelnet",
            mode,
            level: Some(4),
            offers: 2,
            with_seats: 2,
            seats,
            with_entrants: usize::from(seats > 0) * 2,
            entrants,
            graduates,
            entrants_from: gapmap_engine::EntrantsCounts {
                census: 1,
                applications: 1,
                ..Default::default()
            },
            measured_completion: 2,
            outcomes: gapmap_engine::OutcomeCounts {
                diploma: 1,
                predecessor: 1,
                ..Default::default()
            },
        }
    };
    SupplySection {
        groups: vec![
            group("school", 48, 42.5, 18.25),
            group("apprenticeship", 0, 0.0, 0.0),
        ],
        per_application: vec![("affelnet".to_owned(), 1.346, Some(807))],
        offers: vec![
            offer(serde_json::json!({
                "offer": "affelnet:2022:0020012C:23210022142:school",
                "label": "=CAP <PSR>",
                "seats": 12, "entrants": 11.0, "entrants_source": "census",
                "pressure": 1.5, "pressure_mean": 0.93, "fill_rate": 0.9166,
                "quadrant": "attractive-employing", "small_capacity": false,
            })),
            offer(serde_json::json!({
                "offer": "affelnet:2022:0020012C:23210033205:school",
                "label": "CAP AEPE", "seats": 15, "entrants": 15.0,
                "entrants_source": "applications", "pressure": null,
            })),
        ],
    }
}

fn write_sample(dir: &Path, options: &ReportOptions) -> anyhow::Result<(ReportFiles, Value)> {
    let files = write_report(&sample_input(), dir, options)?;
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&files.json)?)?;
    Ok((files, json))
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|error| panic!("bad selector {css}: {error}"))
}

fn data_value(element: scraper::ElementRef<'_>) -> Option<f64> {
    element.value().attr("data-value")?.parse().ok()
}

fn json_f64(value: &Value) -> Option<f64> {
    value.as_f64()
}

#[test]
fn html_is_one_self_contained_page_with_every_section() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (files, _) = write_sample(dir.path(), &ReportOptions::default())?;
    let text = std::fs::read_to_string(&files.html)?;
    let page = Html::parse_document(&text);
    assert!(page.errors.is_empty(), "parse errors: {:?}", page.errors);

    let ids: Vec<&str> = page
        .select(&selector("section[id]"))
        .filter_map(|section| section.value().attr("id"))
        .collect();
    check_list(
        &ids,
        expect![[r#"
            summary
            gaps-rome
            gaps-competence
            gaps-level
            gaps-departement
            map
            gaps-tag
            gaps-buyer
            big-gaps
            supply
            scenario
            sources
            configuration
            files"#]],
    );
    // Bar charts of métiers, competences, levels, départements, and the map.
    assert_eq!(page.select(&selector("figure svg")).count(), 5);
    assert!(page.select(&selector("#data-note")).next().is_some());
    // Nothing is fetched: no script, no link, no image, no external reference.
    assert_eq!(
        page.select(&selector("script, link, img, iframe, object"))
            .count(),
        0
    );
    assert!(!text.contains("src="));
    assert!(!text.contains("@import") && !text.contains("url("));
    // The hostile label is text, both in the table and in the chart.
    assert!(text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Cie"));
    assert!(text.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; Cie"));
    let title: String = page
        .select(&selector("h1"))
        .flat_map(|h| h.text())
        .collect();
    assert_eq!(title, "Écarts formation-emploi — Hauts-de-France <test>");
    let config: String = page
        .select(&selector("#configuration pre"))
        .flat_map(|pre| pre.text())
        .collect();
    assert_eq!(config, sample_input().config_toml);
    Ok(())
}

#[track_caller]
fn check_list(items: &[&str], expect: Expect) {
    expect.assert_eq(&items.join("\n"));
}

#[test]
fn html_figures_match_the_json() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (files, json) = write_sample(dir.path(), &ReportOptions::default())?;
    let page = Html::parse_document(&std::fs::read_to_string(&files.html)?);

    for field in ["demand", "covered", "gap", "coverage"] {
        let card = page
            .select(&selector(&format!(
                "#summary .card-value[data-field={field}]"
            )))
            .next()
            .and_then(data_value);
        let total = page
            .select(&selector(&format!("#summary tfoot td[data-field={field}]")))
            .next()
            .and_then(data_value);
        let expected = json_f64(&json["totals"][field]);
        assert!(expected.is_some(), "{field}");
        assert_eq!(card, expected, "card {field}");
        assert_eq!(total, expected, "total {field}");
    }
    let buyer_rows: Vec<_> = page.select(&selector("#summary tbody tr")).collect();
    let json_buyers = json["summary"].as_array().cloned().unwrap_or_default();
    assert_eq!(buyer_rows.len(), json_buyers.len());
    for (row, buyer) in buyer_rows.iter().zip(&json_buyers) {
        let name: String = row
            .select(&selector("th"))
            .flat_map(|th| th.text())
            .collect();
        assert_eq!(Some(name.as_str()), buyer["label"].as_str());
        let gap = row
            .select(&selector("td[data-field=gap]"))
            .next()
            .and_then(data_value);
        assert_eq!(gap, json_f64(&buyer["gap"]));
    }

    // Occupations are shown largest gap first; each row's figures are the JSON's.
    let json_rows = json["gaps_by"]["rome"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let shown: Vec<_> = page.select(&selector("#gaps-rome tbody tr")).collect();
    assert_eq!(shown.len(), json_rows.len());
    let mut previous_gap = f64::INFINITY;
    for row in shown {
        let key = row.value().attr("data-key").unwrap_or_default();
        let json_row = json_rows
            .iter()
            .find(|json_row| json_row["key"].as_str() == Some(key))
            .unwrap_or_else(|| panic!("row {key} is not in the JSON"));
        for field in ["demand", "covered", "gap", "coverage"] {
            let cell = row
                .select(&selector(&format!("td[data-field={field}]")))
                .next()
                .and_then(data_value);
            assert_eq!(cell, json_f64(&json_row[field]), "{key} {field}");
        }
        let gap = json_f64(&json_row["gap"]).unwrap_or_default();
        assert!(gap <= previous_gap, "{key} out of order");
        previous_gap = gap;
    }
    Ok(())
}

#[test]
fn html_shows_rounded_french_figures() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (files, _) = write_sample(dir.path(), &ReportOptions::default())?;
    let page = Html::parse_document(&std::fs::read_to_string(&files.html)?);
    let cards: Vec<String> = page
        .select(&selector("#summary .card-value"))
        .map(|card| card.text().collect())
        .collect();
    let cards: Vec<&str> = cards.iter().map(String::as_str).collect();
    check_list(
        &cards,
        expect![[r#"
            420
            290,5
            0
            129,5
            69 %"#]],
    );
    let scenario: Vec<String> = page
        .select(&selector("#scenario tbody td"))
        .map(|cell| cell.text().collect())
        .collect();
    let scenario: Vec<&str> = scenario.iter().map(String::as_str).collect();
    check_list(
        &scenario,
        expect![[r#"
            Technicien de maintenance aéronautique
            18
            6
            −12"#]],
    );
    Ok(())
}

#[test]
fn html_in_english_uses_english_labels() -> TestResult {
    let dir = tempfile::tempdir()?;
    let input = ReportInput {
        lang: Lang::En,
        ..sample_input()
    };
    let files = write_report(&input, dir.path(), &ReportOptions::default())?;
    let page = Html::parse_document(&std::fs::read_to_string(&files.html)?);
    let headings: Vec<String> = page
        .select(&selector("section h2"))
        .map(|h| h.text().collect())
        .collect();
    let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
    check_list(
        &headings,
        expect![[r#"
            Summary by buyer
            Largest gaps by occupation (ROME)
            Largest gaps by competence
            Gaps by qualification level
            Gaps by département
            Map of the gaps
            Gaps by tag
            Gaps by buyer
            Largest gaps and the closest offers
            The training supply: entrants and graduates
            Scenario: before / after
            Data sources and licences
            Configuration used
            Files"#]],
    );
    let html_lang = page
        .select(&selector("html"))
        .next()
        .and_then(|html| html.value().attr("lang"));
    assert_eq!(html_lang, Some("en"));
    Ok(())
}

#[test]
fn long_lists_are_cut_in_the_page_but_not_in_the_files() -> TestResult {
    let dir = tempfile::tempdir()?;
    let options = ReportOptions {
        top_rows: 2,
        chart_rows: 2,
        ..ReportOptions::default()
    };
    let (files, json) = write_sample(dir.path(), &options)?;
    let page = Html::parse_document(&std::fs::read_to_string(&files.html)?);
    assert_eq!(page.select(&selector("#gaps-rome tbody tr")).count(), 2);
    let note: String = page
        .select(&selector("#gaps-rome p.note"))
        .flat_map(|note| note.text())
        .collect();
    // The two largest gaps: M1805 (39.5), then I1304 before K2204 (both 10, by key); neither is a
    // small count, so there is no footnote.
    assert_eq!(
        note,
        "2 lignes affichées sur 5 ; toutes les lignes sont dans gaps_by_rome.csv."
    );
    // Levels keep their natural order and every row.
    assert_eq!(page.select(&selector("#gaps-level tbody tr")).count(), 3);
    assert_eq!(json["gaps_by"]["rome"].as_array().map(Vec::len), Some(5));
    Ok(())
}

/// Sum of a numeric column of a CSV written with `;` and decimal commas.
fn csv_column_sum(path: &Path, column: usize) -> anyhow::Result<f64> {
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_path(path)?;
    let mut sum = 0.0;
    for record in reader.records() {
        let record = record?;
        let cell = record.get(column).unwrap_or_default().replace(',', ".");
        sum += cell.parse::<f64>()?;
    }
    Ok(sum)
}

fn json_column_sum(json: &Value, axis: &str, field: &str) -> f64 {
    json["gaps_by"][axis]
        .as_array()
        .map(|rows| rows.iter().filter_map(|row| row[field].as_f64()).sum())
        .unwrap_or(f64::NAN)
}

#[test]
fn csv_opens_with_the_csv_crate_and_its_totals_match_the_json() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (files, json) = write_sample(dir.path(), &ReportOptions::default())?;
    for (axis, path) in &files.csv {
        let bytes = std::fs::read(path)?;
        assert!(
            bytes.starts_with("\u{FEFF}".as_bytes()),
            "{axis:?} has no BOM"
        );
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_path(path)?;
        let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
        assert_eq!(header, csv_header(Lang::Fr).to_vec(), "{axis:?}");
        for (column, field) in [
            (4, "demand"),
            (5, "covered"),
            (6, "covered_direct"),
            (7, "covered_adjacent"),
            (8, "gap"),
        ] {
            let csv_sum = csv_column_sum(path, column)?;
            let json_sum = json_column_sum(&json, axis.key(), field);
            assert!((csv_sum - json_sum).abs() < 1e-9, "{axis:?} {field}");
        }
    }
    // The buyer table adds up to the totals the caller gave.
    let buyer_gap = csv_column_sum(&files.csv[&Axis::Buyer], 8)?;
    assert_eq!(Some(buyer_gap), json["totals"]["gap"].as_f64());
    assert_eq!(
        csv_header(Lang::Fr).join(";"),
        "code;libellé;besoins;besoins masqués;demande;couverte;couverte directe;voisine;écart;\
         couverture;saisonniers exclus;saisonniers masqués;difficulté;effectif_faible;\
         besoins avec formations de capacité inconnue;écart de ces besoins;\
         part transition écologique;part transition numérique;part transition démographique"
    );
    Ok(())
}

#[test]
fn csv_labels_round_trip_neutralised_against_formulas() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (files, _) = write_sample(dir.path(), &ReportOptions::default())?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(&files.csv[&Axis::Rome])?;
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record?;
        lines.push(format!("{:?}", record.iter().collect::<Vec<_>>()));
    }
    // Labels come back whole (`;`, quotes, newline, accents); those that a spreadsheet would run
    // start with an apostrophe.
    expect![[r#"
        ["M1805", "Études et développement informatique; \"full-stack\"\nen alternance", "1", "0", "60", "20,5", "20,5", "0", "39,5", "0,3416666666666667", "0", "0", "", "non", "0", "0", "", "", ""]
        ["I1304", "'=HYPERLINK(\"http://evil.example\")", "1", "0", "40", "30", "30", "0", "10", "0,75", "0", "0", "", "non", "0", "0", "", "", ""]
        ["K2204", "'-20 % de charges", "1", "0", "12", "2", "2", "0", "10", "0,16666666666666666", "0", "0", "", "oui", "0", "0", "", "", ""]
        ["N1103", "<script>alert('x')</script> & Cie", "1", "0", "30", "30", "30", "0", "0", "1", "0", "0", "", "non", "0", "0", "", "", ""]
        ["H2913", "'@SUM(A1) Œuvre à façon — ÉÇÀ", "1", "0", "8", "0", "0", "0", "8", "0", "0", "0", "", "oui", "0", "0", "", "", ""]"#]]
    .assert_eq(&lines.join("\n"));
    Ok(())
}

#[track_caller]
fn check_text_cell(value: &str, expect: Expect) {
    expect.assert_eq(&text_cell(value));
}

#[test]
fn text_cells_that_a_spreadsheet_would_evaluate_get_an_apostrophe() {
    check_text_cell("=1+1", expect!["'=1+1"]);
    check_text_cell("+33 6", expect!["'+33 6"]);
    check_text_cell("-3,5", expect!["'-3,5"]);
    check_text_cell("@SUM(A1)", expect!["'@SUM(A1)"]);
    check_text_cell("\tcmd", expect!["'\tcmd"]);
    check_text_cell("\rcmd", expect!["'\rcmd"]);
    check_text_cell("a=b", expect!["a=b"]);
    check_text_cell(" =1", expect![" =1"]);
    check_text_cell("", expect![""]);
    check_text_cell("Études", expect!["Études"]);
}

#[track_caller]
fn check_number_cell(value: f64, expect: Expect) {
    let semicolon = number_cell(value, CsvDelimiter::Semicolon);
    let comma = number_cell(value, CsvDelimiter::Comma);
    expect.assert_eq(&format!("{semicolon} | {comma}"));
}

#[test]
fn number_cells_stay_numbers_with_the_delimiter_s_decimal_mark() {
    check_number_cell(12.0, expect!["12 | 12"]);
    check_number_cell(-3.5, expect!["-3,5 | -3.5"]);
    check_number_cell(-0.0, expect!["0 | 0"]);
    check_number_cell(1234567.25, expect!["1234567,25 | 1234567.25"]);
    check_number_cell(f64::NAN, expect![" | "]);
    check_number_cell(f64::INFINITY, expect![" | "]);
}

#[test]
fn comma_delimited_csv_uses_decimal_points() -> TestResult {
    let dir = tempfile::tempdir()?;
    let options = ReportOptions {
        csv_delimiter: CsvDelimiter::Comma,
        ..ReportOptions::default()
    };
    let (files, _) = write_sample(dir.path(), &options)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b',')
        .from_path(&files.csv[&Axis::Buyer])?;
    let first = reader.records().next().transpose()?.unwrap_or_default();
    assert_eq!(
        first.iter().collect::<Vec<_>>(),
        [
            "MINARM",
            "Ministère des Armées",
            "1",
            "0",
            "120",
            "80.5",
            "80.5",
            "0",
            "39.5",
            "0.6708333333333333",
            "0",
            "0",
            "",
            "non",
            "0",
            "0",
            "",
            "",
            ""
        ]
    );
    Ok(())
}

#[test]
fn parquet_reads_back_with_polars_to_the_json_totals() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (files, json) = write_sample(dir.path(), &ReportOptions::default())?;
    for (axis, path) in &files.parquet {
        let frame = ParquetReader::new(std::fs::File::open(path)?).finish()?;
        let names: Vec<&str> = frame
            .get_column_names()
            .iter()
            .map(|name| name.as_str())
            .collect();
        assert_eq!(names, gapmap_engine::FRAME_COLUMNS, "{axis:?}");
        for field in ["demand", "covered", "gap", "coverage"] {
            let sum = frame
                .column(field)?
                .as_materialized_series()
                .f64()?
                .sum()
                .unwrap_or_default();
            let json_sum = json_column_sum(&json, axis.key(), field);
            assert!((sum - json_sum).abs() < 1e-9, "{axis:?} {field}");
        }
        assert_eq!(
            Some(frame.height()),
            json["gaps_by"][axis.key()].as_array().map(Vec::len)
        );
    }
    let rome = ParquetReader::new(std::fs::File::open(&files.parquet[&Axis::Rome])?).finish()?;
    assert_eq!(
        rome.column("label")?.str()?.get(0),
        Some("Études et développement informatique; \"full-stack\"\nen alternance")
    );
    Ok(())
}

#[test]
fn json_has_its_version_and_the_axes_in_order() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (_, json) = write_sample(dir.path(), &ReportOptions::default())?;
    assert_eq!(json["format_version"], json::FORMAT_VERSION);
    let axes: Vec<&str> = json["gaps_by"]
        .as_object()
        .map(|axes| axes.keys().map(String::as_str).collect())
        .unwrap_or_default();
    // serde_json sorts object keys unless `preserve_order` is on: compare as sets, then check the
    // keys are the axes' keys.
    let mut expected: Vec<&str> = sample_input()
        .gaps_by
        .keys()
        .map(|axis| axis.key())
        .collect();
    expected.sort_unstable();
    assert_eq!(axes, expected);
    assert_eq!(json["totals"]["coverage"].as_f64(), Some(290.5 / 420.0));
    assert_eq!(json["scenario"]["rows"][0]["delta"].as_f64(), Some(-12.0));
    assert_eq!(
        json["big_gaps"][0]["closest_offers"][0]["lacks"][1].as_str(),
        Some("niveau : 5 au lieu de 4")
    );
    assert_eq!(json["data_note"], "données de démonstration illustratives");
    Ok(())
}

#[test]
fn readme_names_the_files_sources_configuration_and_notice() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (files, _) = write_sample(dir.path(), &ReportOptions::default())?;
    let readme = std::fs::read_to_string(&files.readme)?;
    let interesting: Vec<&str> = readme
        .lines()
        .filter(|line| line.starts_with("- ") || line.starts_with("!!!") || line.contains(" = "))
        .collect();
    check_list(
        &interesting,
        expect![[r#"
            !!! DONNÉES ILLUSTRATIVES — données de démonstration illustratives. Les chiffres de ce rapport ne décrivent pas la réalité : ils servent à montrer l'outil.
            - report.html : le rapport à lire, un seul fichier autonome (s'ouvre sans réseau dans un navigateur).
            - gaps_by_<axe>.csv : les tables d'écarts par axe, pour Excel ou LibreOffice (UTF-8 avec BOM).
            - gaps_by_<axe>.parquet : les mêmes tables en Parquet (compression Zstd), pour les analystes.
            - offers.csv : chaque formation avec ses places, ses entrants, ses diplômés et leurs sources, sa pression, son remplissage et son insertion à côté de la moyenne des formations de même région, source et niveau (colonnes en anglais, vides quand la donnée manque).
            - gaps.json : toutes les données du rapport, schéma documenté et versionné (champ format_version).
            - README.txt : ce fichier.
            Dans les CSV, les nombres restent des nombres (20,5 avec le séparateur ; et une virgule décimale, 20.5 avec le séparateur ,) ; un texte qui commence par = + - @, une tabulation ou un retour chariot est précédé d'une apostrophe pour qu'un tableur ne l'exécute pas comme une formule.
            - France Travail — Enquête Besoins en Main-d'Œuvre 2025 — Licence Ouverte / Open Licence 2.0
            - Ministère des Armées — Besoins de recrutement <démo> — Licence Ouverte 2.0
            radius_km = 40 # "<km>"
            weights = { rome = 0.6 }"#]],
    );
    Ok(())
}

#[test]
fn an_input_without_data_note_or_places_has_no_notice_and_no_map() -> TestResult {
    let dir = tempfile::tempdir()?;
    let input = ReportInput {
        data_note: None,
        sites: Vec::new(),
        uncovered: Vec::new(),
        outline_points: Vec::new(),
        scenario: None,
        big_gaps: Vec::new(),
        ..sample_input()
    };
    let files = write_report(&input, dir.path(), &ReportOptions::default())?;
    let page = Html::parse_document(&std::fs::read_to_string(&files.html)?);
    assert!(page.select(&selector("#data-note")).next().is_none());
    assert!(
        page.select(&selector("#map, #scenario, #big-gaps"))
            .next()
            .is_none()
    );
    assert!(!std::fs::read_to_string(&files.readme)?.contains("!!!"));
    Ok(())
}

#[track_caller]
fn check_decimal(value: f64, expect: Expect) {
    let shown = format!(
        "{} | {} | {} | {}",
        Lang::Fr.people(value),
        Lang::En.people(value),
        Lang::Fr.percent(value / 100.0),
        Lang::En.decimal(value, 2)
    );
    expect.assert_eq(&shown.replace('\u{202F}', "_"));
}

#[test]
fn numbers_are_shown_the_way_each_language_writes_them() {
    check_decimal(0.0, expect!["0 | 0 | 0_% | 0"]);
    check_decimal(12.25, expect!["12,2 | 12.2 | 12_% | 12.25"]);
    check_decimal(1234.0, expect!["1_234 | 1,234 | 1_234_% | 1,234"]);
    check_decimal(
        -1234567.5,
        expect!["−1_234_567,5 | −1,234,567.5 | −1_234_568_% | −1,234,567.5"],
    );
    check_decimal(-0.01, expect!["0 | 0 | 0_% | −0.01"]);
    check_decimal(f64::NAN, expect!["– | – | – | –"]);
}

#[test]
fn the_map_keeps_distances_true_at_mid_latitude() {
    // Hauts-de-France spans about 1.38–4.26° E and 48.84–51.09° N.
    let frame = MapFrame::around([
        GeoPoint {
            lat: 48.84,
            lon: 1.38,
        },
        GeoPoint {
            lat: 51.09,
            lon: 4.26,
        },
    ]);
    let Some(frame) = frame else {
        panic!("a frame around two points");
    };
    let factor = frame.lon_factor();
    assert!((factor - 49.965_f64.to_radians().cos()).abs() < 1e-9);
    // Pixels per km must be the same east-west and north-south.
    let width = 640;
    let height = f64::from(frame.height_for(width));
    let east_west_km = (frame.lon_max - frame.lon_min) * 111.32 * factor;
    let north_south_km = (frame.lat_max - frame.lat_min) * 111.32;
    let ratio = (f64::from(width) / east_west_km) / (height / north_south_km);
    assert!((ratio - 1.0).abs() < 0.01, "ratio {ratio}");
    assert_eq!(
        MapFrame::around([GeoPoint {
            lat: f64::NAN,
            lon: 2.0
        }]),
        None
    );
}

#[test]
fn legends_round_down_to_1_2_or_5() {
    let rounded: Vec<f64> = [52.0, 13.0, 3.0, 0.7, 1000.0, 0.0]
        .into_iter()
        .map(round_down_nicely)
        .collect();
    assert_eq!(rounded, [50.0, 10.0, 2.0, 0.5, 1000.0, 0.0]);
    assert_eq!(shorten("Électricien du bâtiment", 10), "Électrici…");
    assert_eq!(shorten("court", 10), "court");
    assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}

/// A large input (a region's worth of needs, communes and sites) to see the write stay fast.
fn big_input() -> ReportInput {
    let mut input = sample_input();
    let needs: Vec<TableRow> = (0..20_000)
        .map(|i| {
            let demand = f64::from(i % 37 + 1);
            let covered = f64::from(i % 11);
            gap_row(
                &format!("N{i:05}"),
                &format!("Besoin n° {i} ; « métier »"),
                demand,
                covered,
                i % 13 == 0,
            )
        })
        .collect();
    input.gaps_by.insert(Axis::Need, needs);
    input.outline_points = (0..3_800)
        .map(|i| GeoPoint {
            lat: 48.84 + f64::from(i % 61) * 0.037,
            lon: 1.38 + f64::from(i / 61) * 0.046,
        })
        .collect();
    input.sites = (0..1_500)
        .map(|i| Site {
            label: format!("Site {i}"),
            lat: 49.0 + f64::from(i % 40) * 0.05,
            lon: 1.6 + f64::from(i / 40) * 0.07,
            seats: Some(24.0),
        })
        .collect();
    input.uncovered = (0..400)
        .map(|i| DemandPoint {
            label: format!("Commune {i}"),
            lat: 49.0 + f64::from(i % 20) * 0.1,
            lon: 1.6 + f64::from(i / 20) * 0.13,
            gap: f64::from(i % 50 + 1),
        })
        .collect();
    input
}

#[test]
fn a_region_sized_input_is_written_whole() -> TestResult {
    let dir = tempfile::tempdir()?;
    let started = std::time::Instant::now();
    let files = write_report(&big_input(), dir.path(), &ReportOptions::default())?;
    eprintln!("big report written in {:?}", started.elapsed());
    let csv_rows = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(&files.csv[&Axis::Need])?
        .records()
        .count();
    assert_eq!(csv_rows, 20_000);
    let frame = ParquetReader::new(std::fs::File::open(&files.parquet[&Axis::Need])?).finish()?;
    assert_eq!(frame.height(), 20_000);
    let html = std::fs::read_to_string(&files.html)?;
    // The page shows the top rows only: it stays light whatever the input size.
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
    Ok(())
}

/// Renders the sample report in headless Chromium. Chromium is a system package (`apt-get install
/// chromium`, which `.ci/run` does); outside CI, where it is missing, the test says so and stops.
#[test]
fn screenshot_renders_the_page_to_a_png() -> TestResult {
    if !Path::new("/usr/bin/chromium").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: /usr/bin/chromium is required"
        );
        eprintln!("notice: /usr/bin/chromium is missing; screenshot not tested");
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let (files, _) = write_sample(dir.path(), &ReportOptions::default())?;
    let png = dir.path().join("report.png");
    let console = screenshot(&files.html, &png)?;
    assert!(console.is_empty(), "console messages: {console:?}");
    let bytes = std::fs::read(&png)?;
    assert!(
        bytes.len() > 50_000,
        "a rendered page, not a blank one: {} bytes",
        bytes.len()
    );
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    // IHDR holds the width and height, big-endian, at bytes 16..24.
    let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let height = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    assert_eq!((width, height), (1280, 2400));
    Ok(())
}

mod demo;

#[test]
fn real_commune_points_outline_the_region_on_the_map() -> TestResult {
    let Some(data) = demo::data_dir_or_skip()? else {
        return Ok(());
    };
    let points = demo::region_commune_points(&data)?;
    // awk -F';' 'NR>1 && $4 ~ /^(02|59|60|62|80)[0-9][0-9][0-9]$/' \
    //   geo/corresp_geo_point_codes_communes.csv | wc -l   -> 3782 (797 in the Aisne)
    assert_eq!(points.len(), 3782);
    let input = demo::demo_input(points);
    let svg = charts::map(&input, input.lang)?.unwrap_or_default();
    // plotters writes the commune colour #C5CDD8 on every commune dot.
    assert_eq!(
        svg.matches("fill=\"#C5CDD8\"").count(),
        3782 + 1,
        "dots and the legend's dot"
    );

    let dir = tempfile::tempdir()?;
    let files = write_report(&input, dir.path(), &ReportOptions::default())?;
    // GAPMAP_REPORT_DEMO=<folder> keeps the demonstration report and its screenshot there.
    if let Some(keep) = std::env::var_os("GAPMAP_REPORT_DEMO") {
        let keep = Path::new(&keep);
        write_report(&input, keep, &ReportOptions::default())?;
        screenshot(&keep.join(file_names::HTML), &keep.join("report.png"))?;
    }
    assert!(files.html.is_file());
    Ok(())
}

/// `offers.csv` has a BOM, the engine's per-offer columns, text neutralised, unknown values empty;
/// the page's supply section shows each group with seats and the JSON's figures, and the closest
/// offers their graduates and indicators beside their peers' means (unknown as a dash).
#[test]
fn supply_section_and_offers_csv() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (files, json) = write_sample(dir.path(), &ReportOptions::default())?;
    let path = files
        .offers
        .ok_or_else(|| anyhow::anyhow!("no offers.csv"))?;
    let bytes = std::fs::read(&path)?;
    assert!(bytes.starts_with("\u{FEFF}".as_bytes()));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        gapmap_engine::OFFER_COLUMNS.map(String::from).to_vec()
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    let cell = |row: usize, column: &str| {
        let i = header
            .iter()
            .position(|h| h == column)
            .unwrap_or(usize::MAX);
        rows[row].get(i).unwrap_or("?").to_owned()
    };
    assert_eq!(
        [
            cell(0, "label"),
            cell(0, "pressure"),
            cell(0, "fill_rate"),
            cell(0, "quadrant"),
            cell(1, "pressure"),
            cell(1, "fill_rate"),
        ],
        [
            "'=CAP <PSR>",
            "1,5",
            "0,9166",
            "attractive-employing",
            "",
            ""
        ]
        .map(String::from)
    );
    let text = std::fs::read_to_string(&files.html)?;
    let page = Html::parse_document(&text);
    let groups: Vec<String> = page
        .select(&selector("#supply tbody tr"))
        .map(|tr| tr.text().collect::<Vec<_>>().join("|"))
        .collect();
    check_list(
        &groups.iter().map(String::as_str).collect::<Vec<_>>(),
        expect!["affelnet|school|4|2|48|42,5|18,2|1|1|2"],
    );
    assert_eq!(json["supply"]["groups"][0]["graduates"], 18.25);
    assert_eq!(json["supply"]["per_application"][0]["measured_on"], 807);
    let offer_row: String = page
        .select(&selector("#big-gaps tbody tr"))
        .next()
        .map(|tr| tr.text().collect::<Vec<_>>().join("|"))
        .unwrap_or_default();
    assert!(offer_row.contains("9,9|4,75 (0,79)|– (39"), "{offer_row}");
    Ok(())
}
