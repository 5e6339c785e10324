//! `gaps.json`: every figure of the report, in a documented and versioned shape.
//!
//! The JSON shape is owned here and converted from the report's input by hand, so that the input
//! model can change without changing the file (see [`SCHEMA`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::model::{Axis, GapRow, ReportInput};

/// Version of the `gaps.json` shape; raised whenever a field changes meaning or disappears.
pub const FORMAT_VERSION: u32 = 2;

/// The schema of `gaps.json`, format version 1, as printed in the documentation.
pub const SCHEMA: &str = r#"gaps.json, format_version 1. Numbers are people unless said otherwise;
a number that is not finite is written null.
{
  "format_version": 1,                       // this schema's version
  "generator": "gapmap 0.1.0",               // program and version that wrote the file
  "title": string,
  "generated_at": string,                    // as given by the caller
  "lang": "fr" | "en",                       // language of the labels of the report
  "data_note": string | null,                // set when the data are illustrative, not real
  "config_toml": string,                     // the configuration used, TOML text
  "sources": [ { "publisher": string, "dataset": string, "licence": string } ],
  "totals": { "demand": number, "covered": number, "gap": number,
              "coverage": number | null },   // covered / demand, 0 to 1; null without demand
  "summary": [ { "buyer": string, "demand": number, "covered": number, "gap": number,
                 "coverage": number | null } ],
  "gaps_by": {                               // only the axes the report has, keys in this order:
                                             // need, rome, competence, departement, bassin, level,
                                             // buyer, tag
    "<axis>": [ { "key": string, "label": string, "demand": number, "covered": number,
                  "gap": number, "coverage": number, "small_count": boolean } ]
  },
  "sites": [ { "label": string, "lat": number, "lon": number, "seats": number | null } ],
  "uncovered": [ { "label": string, "lat": number, "lon": number, "gap": number } ],
  "big_gaps": [ { "need_label": string, "gap": number,
                  "closest_offers": [ { "label": string, "school": string,
                                        "distance_km": number | null, "score": number,
                                        "lacks": [ string ] } ] } ],
  "scenario": null | { "description": string,
                       "rows": [ { "label": string, "before": number, "after": number,
                                   "delta": number } ] }
}
The commune points used to draw the map outline are not in the file."#;

/// The whole of `gaps.json`.
#[derive(Debug, Serialize)]
struct Document<'a> {
    format_version: u32,
    generator: String,
    title: &'a str,
    generated_at: &'a str,
    lang: &'static str,
    data_note: Option<&'a str>,
    config_toml: &'a str,
    sources: Vec<Source<'a>>,
    totals: Totals,
    summary: Vec<Buyer<'a>>,
    gaps_by: GapsBy<'a>,
    sites: Vec<Site<'a>>,
    uncovered: Vec<Uncovered<'a>>,
    big_gaps: Vec<BigGap<'a>>,
    scenario: Option<Scenario<'a>>,
}

/// One field per axis, in [`Axis::ALL`] order; absent axes are left out.
#[derive(Debug, Default, Serialize)]
struct GapsBy<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    need: Option<Vec<Row<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rome: Option<Vec<Row<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    competence: Option<Vec<Row<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    departement: Option<Vec<Row<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bassin: Option<Vec<Row<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<Vec<Row<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    buyer: Option<Vec<Row<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<Vec<Row<'a>>>,
}

impl<'a> GapsBy<'a> {
    fn new(gaps_by: &'a BTreeMap<Axis, Vec<GapRow>>) -> Self {
        let rows = |axis: Axis| {
            gaps_by
                .get(&axis)
                .map(|rows| rows.iter().map(row).collect())
        };
        GapsBy {
            need: rows(Axis::Need),
            rome: rows(Axis::Rome),
            competence: rows(Axis::Competence),
            departement: rows(Axis::Departement),
            bassin: rows(Axis::Bassin),
            level: rows(Axis::Level),
            buyer: rows(Axis::Buyer),
            tag: rows(Axis::Tag),
        }
    }
}

#[derive(Debug, Serialize)]
struct Source<'a> {
    publisher: &'a str,
    dataset: &'a str,
    licence: &'a str,
}

#[derive(Debug, Serialize)]
struct Totals {
    demand: f64,
    covered: f64,
    covered_adjacent: f64,
    gap: f64,
    coverage: Option<f64>,
    seasonal_excluded: f64,
    coverage_rule: &'static str,
}

#[derive(Debug, Serialize)]
struct Buyer<'a> {
    buyer: &'a str,
    demand: f64,
    covered: f64,
    gap: f64,
    coverage: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Row<'a> {
    key: &'a str,
    label: &'a str,
    demand: f64,
    covered: f64,
    covered_adjacent: f64,
    gap: f64,
    coverage: f64,
    seasonal_excluded: f64,
    tension: f64,
    small_count: bool,
}

#[derive(Debug, Serialize)]
struct Site<'a> {
    label: &'a str,
    lat: f64,
    lon: f64,
    seats: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Uncovered<'a> {
    label: &'a str,
    lat: f64,
    lon: f64,
    gap: f64,
}

#[derive(Debug, Serialize)]
struct BigGap<'a> {
    need_label: &'a str,
    gap: f64,
    closest_offers: Vec<Offer<'a>>,
}

#[derive(Debug, Serialize)]
struct Offer<'a> {
    label: &'a str,
    school: &'a str,
    distance_km: Option<f64>,
    score: f64,
    lacks: &'a [String],
}

#[derive(Debug, Serialize)]
struct Scenario<'a> {
    description: &'a str,
    rows: Vec<ScenarioRow<'a>>,
}

#[derive(Debug, Serialize)]
struct ScenarioRow<'a> {
    label: &'a str,
    before: f64,
    after: f64,
    delta: f64,
}

fn row(row: &GapRow) -> Row<'_> {
    Row {
        key: &row.key,
        label: &row.label,
        demand: row.demand,
        covered: row.covered,
        covered_adjacent: row.covered_adjacent,
        gap: row.gap,
        coverage: row.coverage,
        seasonal_excluded: row.seasonal_excluded,
        tension: row.tension,
        small_count: row.small_count,
    }
}

/// `gaps.json` for `input`, pretty-printed.
pub fn to_json(input: &ReportInput) -> anyhow::Result<String> {
    let document = Document {
        format_version: FORMAT_VERSION,
        generator: format!("gapmap {}", env!("CARGO_PKG_VERSION")),
        title: &input.title,
        generated_at: &input.generated_at,
        lang: input.lang.tag(),
        data_note: input.data_note.as_deref(),
        config_toml: &input.config_toml,
        sources: input
            .sources
            .iter()
            .map(|source| Source {
                publisher: &source.publisher,
                dataset: &source.dataset,
                licence: &source.licence,
            })
            .collect(),
        totals: Totals {
            demand: input.totals.demand,
            covered: input.totals.covered,
            covered_adjacent: input.totals.covered_adjacent,
            gap: input.totals.gap,
            coverage: input.totals.coverage(),
            seasonal_excluded: input.totals.seasonal_excluded,
            coverage_rule: if input.totals.count_adjacent {
                "direct-and-adjacent"
            } else {
                "direct"
            },
        },
        summary: input
            .summary
            .iter()
            .map(|buyer| Buyer {
                buyer: &buyer.buyer,
                demand: buyer.demand,
                covered: buyer.covered,
                gap: buyer.gap,
                coverage: buyer.coverage(),
            })
            .collect(),
        gaps_by: GapsBy::new(&input.gaps_by),
        sites: input
            .sites
            .iter()
            .map(|site| Site {
                label: &site.label,
                lat: site.lat,
                lon: site.lon,
                seats: site.seats,
            })
            .collect(),
        uncovered: input
            .uncovered
            .iter()
            .map(|point| Uncovered {
                label: &point.label,
                lat: point.lat,
                lon: point.lon,
                gap: point.gap,
            })
            .collect(),
        big_gaps: input
            .big_gaps
            .iter()
            .map(|big| BigGap {
                need_label: &big.need_label,
                gap: big.gap,
                closest_offers: big
                    .closest_offers
                    .iter()
                    .map(|offer| Offer {
                        label: &offer.label,
                        school: &offer.school,
                        distance_km: offer.distance_km,
                        score: offer.score,
                        lacks: &offer.lacks,
                    })
                    .collect(),
            })
            .collect(),
        scenario: input.scenario.as_ref().map(|scenario| Scenario {
            description: &scenario.description,
            rows: scenario
                .rows
                .iter()
                .map(|row| ScenarioRow {
                    label: &row.label,
                    before: row.before,
                    after: row.after,
                    delta: row.delta,
                })
                .collect(),
        }),
    };
    let mut text = serde_json::to_string_pretty(&document)?;
    text.push('\n');
    Ok(text)
}
