//! gapmap's matcher: which training offers can serve which recruitment needs, how many graduates
//! they supply, how those graduates are best shared out, and what stays uncovered.
//!
//! The crate is pure: no I/O, no search engine, no file format. It reads a
//! [`MatchInput`] (referential, territory, offers, needs), asks a [`CandidateSource`] for candidate
//! offers (the index crate implements it with tantivy; [`CodeCandidates`] is a plain fallback over
//! ROME codes), and returns a [`MatchOutcome`] of plain values:
//!
//! 1. **Resolution**: needs without ROME sheets are resolved from their specialty text.
//! 2. **Scores** ([`score`]): each (need, candidate) pair gets a [`Score`] in [0, 1], the exact sum of
//!    five named [`Component`]s (occupation, competences, text, level, distance).
//! 3. **Supply** ([`supply`]): graduates per offer and year, with every factor.
//! 4. **Allocation** ([`allocate`]): a min-cost flow over the edges whose score reaches
//!    [`MatchConfig::min_edge_score`], per connected component in parallel, under the
//!    [`BuyerPolicy`].
//! 5. **Gaps** ([`gaps`]): per need (covered, gap, why) and per [`Axis`]; per competence.
//! 6. **Scenarios** ([`scenario`]): change the offers, run again, [`compare`].
//!
//! Same inputs give the same outputs whatever the number of threads.
//!
//! `examples/real_data.rs` runs the matcher on the Hauts-de-France data with [`CodeCandidates`];
//! `benches/allocation.rs` times the allocation on synthetic maps.
//!
//! ```
//! use gapmap_match::{CodeCandidates, MatchConfig, MatchInput, run};
//! use gapmap_model::Dataset;
//!
//! let data = Dataset::default();
//! let config = MatchConfig::default();
//! let source = CodeCandidates::new(&data.referential, &data.territory, &data.offers, config.reach_km);
//! let input = MatchInput {
//!     referential: &data.referential,
//!     territory: &data.territory,
//!     offers: &data.offers,
//!     needs: &data.needs,
//! };
//! let outcome = run(&input, &source, &config);
//! assert!(outcome.total().gap.is_zero());
//! ```

pub mod allocate;
mod candidates;
mod code_candidates;
mod config;
pub mod flow;
pub mod gaps;
mod matcher;
pub mod scenario;
pub mod score;
pub mod supply;

#[cfg(test)]
mod tests;

pub use candidates::{Candidate, CandidateSource, Resolution};
pub use code_candidates::CodeCandidates;
pub use config::{BuyerClass, BuyerPolicy, LevelFitValues, LevelRate, MatchConfig, ScoreWeights};
pub use gaps::{Axis, CandidateExplanation, Explanation, GapRow};
pub use matcher::{
    Allocation, CompetenceGap, MatchInput, MatchOutcome, NeedResult, NeedStatus, OfferUse,
    ScoredCandidate, run,
};
pub use scenario::{Change, Comparison, OpenSeats, Place, Scenario, ScenarioError, apply, compare};
pub use score::{Component, ComponentKind, Points, Score};
pub use supply::{CapacityStatus, RateSource, Supply};
