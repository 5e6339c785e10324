//! `gaps.json`: every figure of the report, in a documented and versioned shape.
//!
//! The JSON shape is owned here and converted from the report's input by hand, so that the input
//! model can change without changing the file (see [`SCHEMA`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::model::{Axis, ReportInput, TableRow};

/// Version of the `gaps.json` shape; raised whenever a field changes meaning or disappears.
pub const FORMAT_VERSION: u32 = 6;

/// The schema of `gaps.json`, as printed in the documentation.
pub const SCHEMA: &str = r#"gaps.json, format_version 6. Numbers are people a year unless said
otherwise; a share that is unknown is written null, never 0.
{
  "format_version": 6,                       // this schema's version
  "generator": "gapmap 0.1.0",               // program and version that wrote the file
  "title": string,
  "generated_at": string,                    // as given by the caller
  "lang": "fr" | "en",                       // language of the labels of the report
  "data_note": string | null,                // set when the data are illustrative, not real
  "config_toml": string,                     // the configuration used, TOML text
  "sources": [ { "publisher": string, "dataset": string, "licence": string } ],
  "coverage_rule": "direct" | "direct-and-adjacent", // what "covered" counts
  "totals": Row,                             // over all needs (key "total")
  "summary": [ Row ],                        // one per buyer, biggest gap first
  "gaps_by": {                               // only the axes the report has, keys in this order:
                                             // need, rome, competence, departement, bassin, level,
                                             // buyer, tag
    "<axis>": [ Row ]                        // biggest gap first
  },
  "sites": [ { "label": string, "lat": number, "lon": number, "seats": number | null } ],
  "uncovered": [ { "label": string, "lat": number, "lon": number, "gap": number } ],
  "big_gaps": [ { "need_label": string, "gap": number,
                  "closest_offers": [ { "label": string, "school": string,
                                        "distance_km": number | null, "score": number,
                                        "lacks": [ string ], "graduates": number,
                                        "pressure": number | null,
                                        "pressure_mean": number | null,
                                        "employment_6m": number | null,
                                        "employment_6m_mean": number | null } ] } ],
  "scenario": null | { "description": string,
                       "supply_notes": [ string ],   // each changed offer's entrants, and why
                       "rows": [ { "label": string, "before": number, "after": number,
                                   "delta": number } ] },
  "supply": null | {                         // the training map's supply (offers.csv per offer)
    "per_application": [ { "source": string, "value": number,
                           "measured_on": integer | null } ],
    "groups": [ { "source": string, "mode": string, "level": integer | null,
                  "offers": integer, "with_seats": integer, "seats": integer,
                  "entrants": number, "graduates": number,
                  "entrants_from": { "<census|applications|no-applicants|assumed|capacity-unknown>": integer },
                  "measured_completion": integer,
                  "outcomes": { "<diploma|predecessor|school|none>": integer } } ]
  },
  "horizon": null | {                        // the gaps year by year (--years)
    "years": string,                         // "2026-2030"
    "capacity_projection": "last" | "trend", // seats of intake years not published
    "bmo_growth": number,                    // yearly growth of the BMO demand
    "default_duration_years": integer,       // course length when unknown
    "by_year": [ { "year": integer,
                   "buyers_without_demand": [ string ],  // buyer keys: demand not given
                   "supply": { "graduates": number, "projected_graduates": number,
                               "covered_direct": number | null,     // null: no need
                               "covered_direct_projected": number | null },
                   "total": Row | null,            // null: no need that year (not given)
                   "gaps_by": { "<axis>": [ Row ] } } ],  // the axes of "gaps_by" above
    "scenario": null | { "name": string,
                         "changes": [ { "offer": string, "label": string,
                                        "kind": "opened" | "extended" | "closed",
                                        "intake": integer | null,      // first intake year
                                        "first_year": integer | null } ],
                         "gaps": [ { "year": integer, "before": number | null,
                                     "after": number | null } ],   // null: not given
                         "first_year_it_helps": integer | null }
  }
}
Row = { "key": string, "label": string, "needs": integer, "masked_needs": integer,
        "demand": number, "covered": number, "covered_direct": number,
        "covered_adjacent": number, "gap": number, "coverage": number | null,
        "seasonal_excluded": number, "seasonal_masked": integer, "tension": number | null,
        "small": boolean, "capacity_unknown_needs": integer | null,
        "gap_capacity_unknown": number | null,     // null on competence rows
        "transition_ecological": number | null,    // shares of the demand on ROME sheets of
        "transition_digital": number | null,       // the transitions; null when no sheet of
        "transition_demographic": number | null }  // the row says (always on competence rows)
                                     // the columns of the CSV and Parquet tables, same order
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
    coverage_rule: &'static str,
    totals: &'a TableRow,
    summary: &'a [TableRow],
    gaps_by: GapsBy<'a>,
    sites: Vec<Site<'a>>,
    uncovered: Vec<Uncovered<'a>>,
    big_gaps: Vec<BigGap<'a>>,
    scenario: Option<Scenario<'a>>,
    supply: Option<Supply<'a>>,
    horizon: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
struct Supply<'a> {
    per_application: Vec<PerApplication<'a>>,
    groups: &'a [gapmap_engine::SupplyGroup],
}

#[derive(Debug, Serialize)]
struct PerApplication<'a> {
    source: &'a str,
    value: f64,
    measured_on: Option<usize>,
}

/// One field per axis, in [`Axis::ALL`] order; absent axes are left out.
#[derive(Debug, Default, Serialize)]
struct GapsBy<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    need: Option<&'a [TableRow]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rome: Option<&'a [TableRow]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    competence: Option<&'a [TableRow]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    departement: Option<&'a [TableRow]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bassin: Option<&'a [TableRow]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<&'a [TableRow]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    buyer: Option<&'a [TableRow]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<&'a [TableRow]>,
}

impl<'a> GapsBy<'a> {
    fn new(gaps_by: &'a BTreeMap<Axis, Vec<TableRow>>) -> Self {
        let rows = |axis: Axis| gaps_by.get(&axis).map(Vec::as_slice);
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
    graduates: f64,
    pressure: Option<f64>,
    pressure_mean: Option<f64>,
    employment_6m: Option<f64>,
    employment_6m_mean: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Scenario<'a> {
    description: &'a str,
    supply_notes: &'a [String],
    rows: Vec<ScenarioRow<'a>>,
}

#[derive(Debug, Serialize)]
struct ScenarioRow<'a> {
    label: &'a str,
    before: f64,
    after: f64,
    delta: f64,
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
        coverage_rule: if input.count_adjacent {
            "direct-and-adjacent"
        } else {
            "direct"
        },
        totals: &input.total,
        summary: &input.summary,
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
                        graduates: offer.graduates,
                        pressure: offer.pressure,
                        pressure_mean: offer.pressure_mean,
                        employment_6m: offer.employment_6m,
                        employment_6m_mean: offer.employment_6m_mean,
                    })
                    .collect(),
            })
            .collect(),
        supply: input.supply.as_ref().map(|supply| Supply {
            per_application: supply
                .per_application
                .iter()
                .map(|(source, value, measured_on)| PerApplication {
                    source,
                    value: *value,
                    measured_on: *measured_on,
                })
                .collect(),
            groups: &supply.groups,
        }),
        horizon: input.horizon.as_ref().map(horizon),
        scenario: input.scenario.as_ref().map(|scenario| Scenario {
            description: &scenario.description,
            supply_notes: &scenario.supply_notes,
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

/// The `horizon` object of the file.
fn horizon(h: &super::model::HorizonSection) -> serde_json::Value {
    let years: Vec<u16> = h
        .gaps_by
        .values()
        .next()
        .map(|tables| tables.iter().map(|t| t.year).collect())
        .unwrap_or_default();
    let by_year: Vec<serde_json::Value> = years
        .iter()
        .enumerate()
        .map(|(k, year)| {
            let first = h.gaps_by.values().next().and_then(|t| t.get(k));
            let gaps_by: BTreeMap<&str, &[TableRow]> = h
                .gaps_by
                .iter()
                .filter_map(|(axis, tables)| Some((axis.key(), tables.get(k)?.rows.as_slice())))
                .collect();
            serde_json::json!({
                "year": year,
                "buyers_without_demand": first.map(|t| t.buyers_without_demand.iter().map(|b| b.key()).collect::<Vec<_>>()),
                "supply": first.map(|t| {
                    let given = t.total.row.has_needs();
                    serde_json::json!({
                        "graduates": t.supply.graduates.as_f64(),
                        "projected_graduates": t.supply.projected.as_f64(),
                        "covered_direct": given.then(|| t.supply.covered_direct.as_f64()),
                        "covered_direct_projected":
                            given.then(|| t.supply.covered_direct_projected.as_f64()),
                    })
                }),
                "total": first.filter(|t| t.total.row.has_needs()).map(|t| &t.total),
                "gaps_by": gaps_by,
            })
        })
        .collect();
    let scenario = h.scenario.as_ref().map(|s| {
        serde_json::json!({
            "name": s.name,
            "changes": s.changes.iter().map(|c| serde_json::json!({
                "offer": c.offer.as_str(), "label": c.label, "kind": c.kind.key(),
                "intake": c.intake, "first_year": c.first_year,
            })).collect::<Vec<_>>(),
            "gaps": s.gaps.iter().map(|&(year, gaps)| serde_json::json!({
                "year": year, "before": gaps.map(|g| g.0), "after": gaps.map(|g| g.1),
            })).collect::<Vec<_>>(),
            "first_year_it_helps": s.first_year_it_helps,
        })
    });
    serde_json::json!({
        "years": h.years,
        "capacity_projection": h.capacity_projection,
        "bmo_growth": h.bmo_growth,
        "default_duration_years": h.default_duration_years,
        "by_year": by_year,
        "scenario": scenario,
    })
}
