//! The report's input: the engine's gap rows ([`TableRow`], fixed-point people a year) along the
//! engine's axes ([`Axis`]), and plain values for the map, the closest offers and a scenario.
//!
//! The report writer formats and draws; it never recomputes a gap. Every gap figure is the
//! engine's, shown as given; the only derived values are the rows' own shares.

use std::collections::BTreeMap;

pub use gapmap_engine::TableRow;
pub use gapmap_match::Axis;

use super::i18n::Lang;

/// Everything one report shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportInput {
    /// Title of the report, e.g. "Écarts formation-emploi — Hauts-de-France".
    pub title: String,
    /// When the figures were produced, as the caller wants it printed (e.g. an ISO 8601 timestamp).
    pub generated_at: String,
    /// Language of the labels of the HTML report, the CSV headers and README.txt.
    pub lang: Lang,
    /// Notice shown prominently when the data are not real (e.g. "données de démonstration
    /// illustratives"); `None` for real data.
    pub data_note: Option<String>,
    /// The configuration used, as TOML text, printed verbatim in the report and README.txt.
    pub config_toml: String,
    /// Publishers, data sets and licences to credit.
    pub sources: Vec<SourceCredit>,
    /// One row per buyer (recruiting organisation or survey): demand, covered, gap.
    pub summary: Vec<TableRow>,
    /// The totals over all needs.
    pub total: TableRow,
    /// Whether the headline coverage counts adjacent supply.
    pub count_adjacent: bool,
    /// Gap tables by axis, rows in the order shown; an axis that is absent is left out of every
    /// output.
    pub gaps_by: BTreeMap<Axis, Vec<TableRow>>,
    /// Training sites drawn on the map.
    pub sites: Vec<Site>,
    /// Demand left uncovered, drawn on the map as circles proportional to the gap.
    pub uncovered: Vec<DemandPoint>,
    /// Commune points of the region, drawn as light dots that outline the territory.
    pub outline_points: Vec<GeoPoint>,
    /// The largest gaps with the offers that came closest to filling them.
    pub big_gaps: Vec<BigGap>,
    /// A scenario's effect on the gaps, when one was run.
    pub scenario: Option<ScenarioDelta>,
    /// The supply of the training map, when the caller computed it.
    pub supply: Option<SupplySection>,
    /// The gaps year by year over a plan horizon, when one was asked for.
    pub horizon: Option<HorizonSection>,
    /// The recommended openings and extensions, when asked for (`--recommend`).
    pub recommendations: Option<RecommendSection>,
}

/// The recommended openings and extensions under a budget.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendSection {
    /// The budget and what was spent, in words.
    pub budget: String,
    /// Direct gap (people a year) before and once the recommendation is applied.
    pub direct_gap: (f64, f64),
    /// The same weighted by buyer priority.
    pub weighted_gap: (f64, f64),
    /// The assumptions the figures rest on, in words.
    pub assumptions: Vec<String>,
    /// One row per action, in the order chosen.
    pub rows: Vec<RecommendRow>,
    /// The recommendation as a scenario file, written beside the report.
    pub scenario_toml: String,
}

/// One recommended action, as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendRow {
    /// `open` or `extend`.
    pub action: String,
    /// Course label.
    pub course: String,
    /// School name and code, département.
    pub school: String,
    /// Seats per intake.
    pub seats: u32,
    /// Cost in euros.
    pub euros: u64,
    /// Graduates a year the seats add.
    pub graduates: f64,
    /// Direct gap closed a year.
    pub closed: f64,
    /// Year the first graduates enter the labour market.
    pub first_graduates: u16,
    /// The needs it closes, with how much and how far.
    pub needs: String,
    /// Pressure, competences brought, the alternative not chosen.
    pub why: String,
}

/// The gaps year by year over a plan horizon (`--years`).
#[derive(Debug, Clone, PartialEq)]
pub struct HorizonSection {
    /// The years, as given (`2026-2030`).
    pub years: String,
    /// The rule projecting seats of unpublished intake years (`last`, `trend`).
    pub capacity_projection: &'static str,
    /// The yearly growth of the BMO demand.
    pub bmo_growth: f64,
    /// The course length assumed when an offer gives none.
    pub default_duration_years: u8,
    /// Per axis, the table of each year (the engine's rows).
    pub gaps_by: BTreeMap<Axis, Vec<gapmap_engine::YearTable>>,
    /// The lines drawn: the total, each buyer, the biggest trades.
    pub charts: Vec<YearSeries>,
    /// A scenario in time, when one was run.
    pub scenario: Option<HorizonScenario>,
}

/// Demand, direct supply and gap of one row over the years.
#[derive(Debug, Clone, PartialEq)]
pub struct YearSeries {
    /// What the line is about (`Total`, a buyer's or a sheet's label).
    pub title: String,
    /// Each year with its figures, `None` for a year without a need of the row (its demand is
    /// not given).
    pub points: Vec<(u16, Option<YearFigures>)>,
}

/// A row's figures in one year, in people.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearFigures {
    /// Demand.
    pub demand: f64,
    /// Direct supply.
    pub direct: f64,
    /// Gap.
    pub gap: f64,
}

/// A scenario over a plan horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizonScenario {
    /// The scenario's name.
    pub name: String,
    /// Each changed offer with the first year it reaches the labour market.
    pub changes: Vec<gapmap_match::ChangeInTime>,
    /// Each year: (year, gap without the scenario, gap with it); `None` in a year without a need
    /// (not given).
    pub gaps: Vec<(u16, Option<(f64, f64)>)>,
    /// The first year the scenario lowers the total gap.
    pub first_year_it_helps: Option<u16>,
}

/// The supply of the training map: the students who enter, the graduates who leave, per group
/// of offers and per offer.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplySection {
    /// Totals per source, mode and level.
    pub groups: Vec<gapmap_engine::SupplyGroup>,
    /// Entrants per first-choice application by source key, with the number of offers it was
    /// measured on (`None`: configured, or 1 for want of offers to measure it on).
    pub per_application: Vec<(String, f64, Option<usize>)>,
    /// Every offer's values, in the order of [`gapmap_engine::OFFER_COLUMNS`].
    pub offers: Vec<[serde_json::Value; gapmap_engine::OFFER_COLUMN_COUNT]>,
}

/// Credit line for one source data set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCredit {
    /// Who publishes the data, e.g. "Ministère des Armées" or "France Travail".
    pub publisher: String,
    /// The data set's name, e.g. "Enquête Besoins en Main-d'Œuvre 2025".
    pub dataset: String,
    /// The licence, e.g. "Licence Ouverte / Open Licence 2.0".
    pub licence: String,
}

/// A point in WGS 84 degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
}

/// A training site on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Name shown to planners (school and commune).
    pub label: String,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Seats offered at the site, when known.
    pub seats: Option<f64>,
}

/// Demand left uncovered at a place.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandPoint {
    /// Name of the place (commune or employment area).
    pub label: String,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Uncovered demand, in people.
    pub gap: f64,
}

/// One of the largest gaps, with the offers that came closest to filling it.
#[derive(Debug, Clone, PartialEq)]
pub struct BigGap {
    /// The need as planners read it (occupation, place, buyer).
    pub need_label: String,
    /// Its gap, in people.
    pub gap: f64,
    /// Offers that came closest, best first.
    pub closest_offers: Vec<ClosestOffer>,
}

/// An offer that came close to a need, and what it lacks to fill it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosestOffer {
    /// The training as published (diploma title).
    pub label: String,
    /// The school and its commune.
    pub school: String,
    /// Distance from the need, in kilometres, when both are located.
    pub distance_km: Option<f64>,
    /// The matcher's score, shown as given.
    pub score: f64,
    /// What the offer lacks, in planners' words (missing competences, level, distance...).
    pub lacks: Vec<String>,
    /// Graduates a year it sends to the labour market (its entrants, not its seats).
    pub graduates: f64,
    /// First-choice applications per seat, when published.
    pub pressure: Option<f64>,
    /// Its peers' mean pressure (same region, source, mode and level).
    pub pressure_mean: Option<f64>,
    /// Employment rate 6 months after leaving, when measured.
    pub employment_6m: Option<f64>,
    /// Its peers' mean.
    pub employment_6m_mean: Option<f64>,
}

/// The effect of a scenario (e.g. opening seats) on the gaps.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioDelta {
    /// What the scenario changes, in planners' words.
    pub description: String,
    /// What each changed offer supplies before and after, in words: an extension enters only the
    /// applicants a course turned away.
    pub supply_notes: Vec<String>,
    /// One row per item whose gap the scenario changes.
    pub rows: Vec<ScenarioRow>,
}

/// Gap before and after a scenario for one item.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRow {
    /// The item (occupation, territory...).
    pub label: String,
    /// Gap before the scenario, in people.
    pub before: f64,
    /// Gap after the scenario, in people.
    pub after: f64,
    /// Change of the gap (after − before), as computed by the caller.
    pub delta: f64,
}
