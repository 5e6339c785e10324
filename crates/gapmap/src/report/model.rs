//! The report's own input: plain values the caller fills from the matcher's results.
//!
//! The report writer formats and draws; it never recomputes a gap. Every figure is given here, in
//! people (`f64`, already rounded by the caller where it wants rounding), and the writer shows it as
//! given. The only derived values are display ratios (a buyer's coverage) and sums of the rows a table
//! shows, which the writer labels as such.

use std::collections::BTreeMap;

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
    pub summary: Vec<BuyerRow>,
    /// Totals over all buyers, as computed by the caller.
    pub totals: Totals,
    /// Gap tables by axis; an axis that is absent is left out of every output.
    pub gaps_by: BTreeMap<Axis, Vec<GapRow>>,
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

/// Demand, covered demand and gap of one buyer, in people.
#[derive(Debug, Clone, PartialEq)]
pub struct BuyerRow {
    /// The buyer's name as shown to planners.
    pub buyer: String,
    /// People the buyer wants to recruit.
    pub demand: f64,
    /// Part of the demand the training map covers.
    pub covered: f64,
    /// Part of the demand left uncovered.
    pub gap: f64,
}

impl BuyerRow {
    /// Covered demand as a fraction of demand; `None` when there is no demand.
    pub fn coverage(&self) -> Option<f64> {
        ratio(self.covered, self.demand)
    }
}

/// Totals over all buyers, in people.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Totals {
    /// Total demand.
    pub demand: f64,
    /// Total covered demand (headline).
    pub covered: f64,
    /// Demand adjacent supply could fill after retraining.
    pub covered_adjacent: f64,
    /// Total gap.
    pub gap: f64,
    /// Seasonal projects left out of the demand.
    pub seasonal_excluded: f64,
    /// Whether the headline coverage counts adjacent supply.
    pub count_adjacent: bool,
}

impl Totals {
    /// Covered demand as a fraction of demand; `None` when there is no demand.
    pub fn coverage(&self) -> Option<f64> {
        ratio(self.covered, self.demand)
    }
}

fn ratio(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| part / whole)
}

/// The axes along which gaps are broken down.
///
/// The order of the variants is the order of the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Axis {
    /// One row per recruitment need.
    Need,
    /// One row per ROME occupation (métier).
    Rome,
    /// One row per competence (skill block).
    Competence,
    /// One row per département.
    Departement,
    /// One row per employment area (bassin d'emploi).
    Bassin,
    /// One row per qualification level.
    Level,
    /// One row per buyer.
    Buyer,
    /// One row per free tag of the needs.
    Tag,
}

impl Axis {
    /// Every axis, in output order.
    pub const ALL: [Axis; 8] = [
        Axis::Need,
        Axis::Rome,
        Axis::Competence,
        Axis::Departement,
        Axis::Bassin,
        Axis::Level,
        Axis::Buyer,
        Axis::Tag,
    ];

    /// Stable ASCII name used in file names (`gaps_by_<slug>.csv`) and JSON keys.
    pub fn slug(self) -> &'static str {
        match self {
            Axis::Need => "need",
            Axis::Rome => "rome",
            Axis::Competence => "competence",
            Axis::Departement => "departement",
            Axis::Bassin => "bassin",
            Axis::Level => "level",
            Axis::Buyer => "buyer",
            Axis::Tag => "tag",
        }
    }
}

/// One line of a gap table: a key of the axis (a code) with its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct GapRow {
    /// The key on the axis, usually a code (ROME code, département number, level...).
    pub key: String,
    /// The label planners read, e.g. the ROME title.
    pub label: String,
    /// Demand, in people.
    pub demand: f64,
    /// Covered demand in the headline (direct supply, plus adjacent when configured), in people.
    pub covered: f64,
    /// Demand that graduates of related trainings could fill after retraining, in people.
    pub covered_adjacent: f64,
    /// Gap (demand less the headline coverage), in people.
    pub gap: f64,
    /// Covered demand as a fraction of demand (0 to 1), as computed by the caller.
    pub coverage: f64,
    /// Seasonal projects left out of the demand, in people.
    pub seasonal_excluded: f64,
    /// Share of projects employers judge difficult to recruit (0 to 1); NaN when unknown.
    pub tension: f64,
    /// The figures rest on small or masked counts and are fragile.
    pub small_count: bool,
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
}

/// The effect of a scenario (e.g. opening seats) on the gaps.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioDelta {
    /// What the scenario changes, in planners' words.
    pub description: String,
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
