//! The supply side as a planner reads it: per offer, the students who enter, the graduates who
//! reach the labour market, and the indicators beside its peers' means; per group of offers, the
//! totals.
//!
//! ```
//! use gapmap_engine::{Engine, ImportOptions};
//! use gapmap_match::MatchConfig;
//!
//! # fn main() -> Result<(), gapmap_engine::EngineError> {
//! let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
//! let engine = Engine::import(&root.join("datasets/demo"), &ImportOptions::default())?;
//! let supplies = engine.supplies(&MatchConfig::default());
//! for facts in supplies.iter() {
//!     // An empty seat trains nobody: entrants never exceed the seats.
//!     let seats = facts.supply.seats.unwrap_or(0);
//!     assert!(facts.supply.entrants.milli() <= u64::from(seats) * 1000);
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;

use gapmap_match::{
    EntrantsSource, EntryStage, Indicators, MatchConfig, OfferIndicators, PeerMeans,
    PerApplication, Supply, SupplyRules,
};
use gapmap_model::{
    EuropeanLevel, Offer, OfferId, OfferSource, OutcomeBasis, TrainingMode, Volume,
};
use serde_json::{Value, json};

use crate::Engine;

/// The supply of every offer of an engine under one configuration.
pub struct Supplies<'e> {
    engine: &'e Engine,
    offers: &'e [Offer],
    rules: SupplyRules,
    indicators: Indicators,
}

/// One offer with its supply and indicators.
#[derive(Clone, Debug)]
pub struct OfferFacts<'s> {
    /// The offer.
    pub offer: &'s Offer,
    /// Its entrants, completion, further study and graduates, each with its source.
    pub supply: Supply,
    /// Pressure, fill rate, outcomes, flags, quadrant.
    pub indicators: &'s OfferIndicators,
    /// The means of its peers (same region, source, mode and level).
    pub peers: PeerMeans,
}

impl Engine {
    /// The supply and indicators of the engine's offers under `config` (entrants per application
    /// measured on them unless configured).
    pub fn supplies(&self, config: &MatchConfig) -> Supplies<'_> {
        let offers = &self.dataset().offers;
        Supplies {
            engine: self,
            offers,
            rules: self.supply_rules(config),
            indicators: Indicators::new(offers, config),
        }
    }
}

impl<'e> Supplies<'e> {
    /// The rules, with what they measured (entrants per application by source).
    pub fn rules(&self) -> &SupplyRules {
        &self.rules
    }

    /// The indicators of every offer and the means of every peer group.
    pub fn indicators(&self) -> &Indicators {
        &self.indicators
    }

    /// The facts of the `i`-th offer of the engine.
    pub fn get(&self, i: usize) -> Option<OfferFacts<'_>> {
        let offer = self.offers.get(i)?;
        let indicators = self.indicators.get(i)?;
        Some(OfferFacts {
            offer,
            supply: self.rules.supply(offer),
            indicators,
            peers: self.indicators.means(&indicators.peers),
        })
    }

    /// The facts of an offer by identifier.
    pub fn of(&self, id: &OfferId) -> Option<OfferFacts<'_>> {
        self.get(self.engine.offer_position(id)?)
    }

    /// The facts of every offer, in the engine's order.
    pub fn iter(&self) -> impl Iterator<Item = OfferFacts<'_>> {
        (0..self.offers.len()).filter_map(|i| self.get(i))
    }

    /// Entrants per application of each source and entry stage whose offers have applications
    /// (Affelnet, Parcoursup BTS; first year, later year), as the rules use them.
    pub fn per_application(&self) -> Vec<(OfferSource, EntryStage, PerApplication)> {
        let mut keys: Vec<(OfferSource, EntryStage)> = self
            .offers
            .iter()
            .filter(|o| o.applications.is_some())
            .map(|o| (o.source, EntryStage::of(o)))
            .collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .map(|(source, stage)| (source, stage, self.rules.per_application(source, stage)))
            .collect()
    }

    /// Totals per source, mode and level, in that order.
    pub fn summary(&self) -> Vec<SupplyGroup> {
        let mut groups: BTreeMap<GroupKey, SupplyGroup> = BTreeMap::new();
        for f in self.iter() {
            let key = (f.offer.source, f.offer.mode, f.offer.level);
            groups
                .entry(key)
                .or_insert_with(|| SupplyGroup::empty(key))
                .add(&f);
        }
        groups.into_values().collect()
    }
}

type GroupKey = (OfferSource, TrainingMode, Option<EuropeanLevel>);

/// The supply of a group of offers (one source, mode and level).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct SupplyGroup {
    /// Source key.
    pub source: &'static str,
    /// Mode key.
    pub mode: &'static str,
    /// European level.
    pub level: Option<u8>,
    /// Offers.
    pub offers: usize,
    /// Offers with a known (published or declared) capacity.
    pub with_seats: usize,
    /// Their seats.
    pub seats: u64,
    /// Offers whose entrants are known (a capacity, or census pupils).
    pub with_entrants: usize,
    /// Students entering per intake, over the offers whose entrants are known.
    pub entrants: f64,
    /// Graduates entering the labour market per year, over the same offers.
    pub graduates: f64,
    /// Offers by where their entrants come from.
    pub entrants_from: EntrantsCounts,
    /// Offers whose completion is a measured retention.
    pub measured_completion: usize,
    /// Offers by what their outcomes were measured on.
    pub outcomes: OutcomeCounts,
}

/// Offers by where their entrants come from ([`EntrantsSource`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct EntrantsCounts {
    /// The census.
    pub census: usize,
    /// Their applications.
    pub applications: usize,
    /// No applicant.
    pub no_applicants: usize,
    /// Assumed (nothing tells).
    pub assumed: usize,
    /// Unknown (no capacity, no census).
    pub capacity_unknown: usize,
}

/// Offers by what their outcomes were measured on ([`OutcomeBasis`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutcomeCounts {
    /// Their diploma in their region.
    pub diploma: usize,
    /// The diploma theirs renovates.
    pub predecessor: usize,
    /// Their school, all courses mixed.
    pub school: usize,
    /// No outcomes.
    pub none: usize,
}

impl OutcomeCounts {
    /// Offers whose outcomes are their course's (their diploma's or its predecessor's).
    pub fn of_the_course(&self) -> usize {
        self.diploma + self.predecessor
    }
}

impl SupplyGroup {
    fn empty((source, mode, level): GroupKey) -> SupplyGroup {
        SupplyGroup {
            source: source.key(),
            mode: mode.key(),
            level: level.map(EuropeanLevel::get),
            ..SupplyGroup::default()
        }
    }

    fn add(&mut self, f: &OfferFacts<'_>) {
        let s = &f.supply;
        self.offers += 1;
        if let Some(n) = s.seats {
            self.with_seats += 1;
            self.seats += u64::from(n);
        }
        let from = &mut self.entrants_from;
        match s.entrants_source {
            EntrantsSource::Census { .. } => from.census += 1,
            EntrantsSource::Applications { .. } => from.applications += 1,
            EntrantsSource::NoApplicants { .. } => from.no_applicants += 1,
            EntrantsSource::Assumed { .. } => from.assumed += 1,
            EntrantsSource::CapacityUnknown => from.capacity_unknown += 1,
        }
        if s.is_known() {
            self.with_entrants += 1;
            self.entrants = sum(self.entrants, s.entrants);
            self.graduates = sum(self.graduates, s.graduates);
        }
        self.measured_completion += usize::from(matches!(
            s.completion_source,
            gapmap_match::CompletionSource::Measured(_)
        ));
        let counts = &mut self.outcomes;
        match f.offer.outcomes.as_ref().map(|o| o.basis) {
            Some(OutcomeBasis::Diploma) => counts.diploma += 1,
            Some(OutcomeBasis::Predecessor(_)) => counts.predecessor += 1,
            Some(OutcomeBasis::School) => counts.school += 1,
            None => counts.none += 1,
        }
    }
}

/// Adds people in thousandths exactly (no float drift over thousands of offers).
fn sum(total: f64, v: Volume) -> f64 {
    ((total * 1000.0).round() + v.milli() as f64) / 1000.0
}

/// The number of columns of the per-offer table.
pub const OFFER_COLUMN_COUNT: usize = 42;

/// Column names of the per-offer table (the report's `offers.csv`, `gapmap supply --offers`, the
/// Python `Engine.offers()` frame), in order.
pub const OFFER_COLUMNS: [&str; OFFER_COLUMN_COUNT] = [
    "offer",
    "label",
    "school",
    "school_code",
    "departement",
    "commune",
    "source",
    "year",
    "mode",
    "level",
    "cfd",
    "seats",
    "capacity",
    "applications",
    "census_year",
    "census_pupils",
    "census_entered",
    "entrants",
    "entrants_source",
    "entrants_per_application",
    "turned_away",
    "completion",
    "completion_source",
    "further_study_used",
    "further_study_source",
    "graduates",
    "pressure",
    "pressure_mean",
    "fill_rate",
    "fill_rate_mean",
    "employment_6m",
    "employment_6m_mean",
    "employment_12m",
    "employment_12m_mean",
    "employment_24m",
    "employment_24m_mean",
    "further_study",
    "further_study_mean",
    "outcomes_basis",
    "small_capacity",
    "small_cohort",
    "quadrant",
];

impl OfferFacts<'_> {
    /// The offer's values in the order of [`OFFER_COLUMNS`] (`null` when unknown, never 0:
    /// entrants, graduates and applicants turned away of an offer with neither seats nor census
    /// pupils are unknown).
    pub fn values(&self) -> [Value; OFFER_COLUMN_COUNT] {
        let (o, s, i, m) = (self.offer, &self.supply, self.indicators, &self.peers);
        let known = s.is_known();
        let people = |v: Volume| {
            if known {
                json!(v.as_f64())
            } else {
                Value::Null
            }
        };
        let per_application = match &s.entrants_source {
            EntrantsSource::Applications {
                per_application, ..
            } => json!(per_application),
            _ => Value::Null,
        };
        [
            json!(o.id.as_str()),
            json!(o.label),
            json!(o.school_name),
            json!(o.school.to_string()),
            json!(o.location.departement.to_string()),
            json!(o.location.commune.map(|c| c.to_string())),
            json!(o.source.key()),
            // The course list publishes no year (written 0): unknown.
            json!((o.year != 0).then_some(o.year)),
            json!(o.mode.key()),
            json!(o.level.map(EuropeanLevel::get)),
            json!(o.cfd.map(|c| c.to_string())),
            json!(s.seats),
            json!(s.capacity.key()),
            json!(o.applications),
            json!(o.intake.enrolment.map(|e| e.year)),
            json!(o.intake.enrolment.map(|e| e.pupils)),
            json!(o.intake.enrolment.map(|e| e.entered())),
            people(s.entrants),
            json!(s.entrants_source.key()),
            per_application,
            // Applicants turned away are counted against seats: unknown without them.
            if s.seats.is_some() {
                json!(s.turned_away.as_f64())
            } else {
                Value::Null
            },
            json!(s.completion_factor),
            json!(s.completion_source.key()),
            json!(s.further_study_rate),
            json!(s.rate_source.key()),
            people(s.graduates),
            json!(i.pressure),
            json!(m.pressure),
            json!(i.fill_rate),
            json!(m.fill_rate),
            json!(i.employment_6m),
            json!(m.employment_6m),
            json!(i.employment_12m),
            json!(m.employment_12m),
            json!(i.employment_24m),
            json!(m.employment_24m),
            json!(i.further_study),
            json!(m.further_study),
            json!(o.outcomes.as_ref().map(|x| x.basis.key())),
            json!(i.small_capacity),
            json!(i.small_cohort),
            json!(i.quadrant.map(|q| q.key())),
        ]
    }

    /// The offer as one JSON object with the keys of [`OFFER_COLUMNS`].
    pub fn to_json(&self) -> Value {
        Value::Object(
            OFFER_COLUMNS
                .iter()
                .zip(self.values())
                .map(|(k, v)| ((*k).to_owned(), v))
                .collect(),
        )
    }
}
