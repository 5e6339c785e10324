//! gapmap's matcher: which training offers can serve which recruitment needs, how many graduates
//! they supply, how those graduates are best shared out, and what stays uncovered.
//!
//! The crate is pure: no I/O, no search engine, no file format. A [`Matcher`] compiles the offers
//! of a [`MatchInput`] once, asks a [`TextSource`] only for text (the index crate implements it
//! with tantivy; [`WordOverlap`] is a plain fallback), and returns a [`MatchOutcome`] of plain
//! values:
//!
//! 1. **Resolution**: needs without ROME sheets are resolved from their specialty text, once per
//!    distinct text.
//! 2. **Candidate join** (`join`): every offer that shares a ROME domain with the need or teaches
//!    enough of its competences, within [`MatchConfig::reach_km`] of its place; no cap.
//! 3. **Scores** ([`score`]): subject relevance (occupation, competences, text) decides whether an
//!    offer is a link at all and whether it is [`LinkKind::Direct`] or [`LinkKind::Adjacent`];
//!    level and distance factors multiply it. Needs with the same sheets, level, place and
//!    specialty share their links.
//! 4. **Supply** ([`supply`]): the students who actually enter each offer (census enrolment, or
//!    applications; empty seats supply nobody), who reach its final year, who enter the labour
//!    market; every factor with its source. [`indicators`]: pressure, fill rate, outcomes, their
//!    peers' means and quadrant.
//! 5. **Allocation** ([`allocate`]): an exact min-cost flow, direct links first, then adjacent
//!    links on what is left, per connected component in parallel, under the [`BuyerPolicy`].
//! 6. **Gaps** ([`gaps`]): per need and per [`Axis`]: demand (seasonal projects apart), covered
//!    directly, covered by adjacent supply, gap, recruitment difficulty, demand on jobs of the
//!    ecological, digital and demographic transitions; per competence.
//! 7. **Scenarios** ([`scenario`]): change the offers, run again, [`compare`].
//!
//! Same inputs give the same outputs whatever the number of threads.
//!
//! `examples/real_data.rs` runs the matcher on the Hauts-de-France data with [`WordOverlap`];
//! `benches/allocation.rs` times the allocation on synthetic maps.
//!
//! ```
//! use gapmap_match::{MatchConfig, MatchInput, WordOverlap, run};
//! use gapmap_model::Dataset;
//!
//! let data = Dataset::default();
//! let config = MatchConfig::default();
//! let text = WordOverlap::new(&data.referential, &data.offers);
//! let input = MatchInput {
//!     referential: &data.referential,
//!     territory: &data.territory,
//!     offers: &data.offers,
//!     needs: &data.needs,
//! };
//! let outcome = run(&input, &text, &config);
//! assert!(outcome.total().gap.is_zero());
//! ```

pub mod allocate;
mod config;
pub mod flow;
pub mod gaps;
pub mod geo;
pub mod horizon;
pub mod indicators;
mod join;
mod matcher;
pub mod recommend;
pub mod scenario;
pub mod score;
pub mod simplex;
pub mod supply;
mod text;
mod word_overlap;

#[cfg(test)]
mod tests;

pub use config::{
    BuyerClass, BuyerPolicy, ConfigError, LevelFitValues, LevelRate, MatchConfig, Projection,
    ScoreWeights,
};
pub use gaps::{Axis, CapacityUnknown, GapKey, GapRow, TransitionDemand, UnknownAxis};
pub use horizon::{DemandRule, Horizon, HorizonError, HorizonOutcome, YearOutcome};
pub use indicators::{Indicators, OfferIndicators, PeerGroup, PeerMeans, Quadrant};
pub use matcher::{
    Allocation, CandidateExplanation, CompetenceGap, Explanation, Link, MatchInput, MatchOutcome,
    Matcher, NeedResult, NeedStatus, OfferUse, Timings, run,
};
pub use recommend::{
    Action, ActionKind, Alternative, AlternativeReason, Budget, CostRates, Costs, GapTotals,
    Limits, NeedEffect, RecommendError, RecommendInput, Recommendation, Request, Strategy,
    recommend,
};
pub use scenario::{
    Change, ChangeInTime, ChangeKind, Comparison, OpenSeats, Place, ReduceRefusal, Scenario,
    ScenarioError, SupplyChange, apply, apply_over_time, changes_in_time, compare, open_offers,
    supply_changes,
};
pub use score::{Component, ComponentKind, Factor, FactorKind, LinkKind, Points, Score};
pub use supply::{
    CapacityStatus, Cohort, CompletionSource, EntrantsSource, EntryStage, IntakeSeats,
    PerApplication, RateSource, Supply, SupplyRules,
};
pub use text::{Resolution, TextHit, TextSource};
pub use word_overlap::WordOverlap;
