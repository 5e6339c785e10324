//! How the matcher finds candidate offers for a need, without knowing how they are searched.
//!
//! The index crate implements [`CandidateSource`] with tantivy; tests and small runs can use a
//! plain implementation over codes. The matcher only ever sees offer identifiers and relevances.

use gapmap_model::{Need, OfferId, RomeCode};

/// An offer proposed for a need by a [`CandidateSource`].
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The offer.
    pub offer: OfferId,
    /// Text relevance of the offer to the need's specialty, in [0, 1] (1 = best of the lookup).
    pub text_relevance: f64,
    /// The query terms that matched, for explanations.
    pub matched_terms: Vec<String>,
}

/// A ROME sheet proposed for a free-text specialty.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    /// The sheet.
    pub rome: RomeCode,
    /// The label that matched (appellation or sheet label).
    pub label: String,
    /// Confidence in [0, 1].
    pub confidence: f64,
}

/// Looks up candidate offers and resolves free text to ROME sheets.
///
/// Implementations must be deterministic: the same need gives the same candidates in the same
/// order, so that the matcher's results do not depend on thread scheduling.
pub trait CandidateSource: Sync {
    /// Offers that may serve `need`: those sharing its ROME sheets (or their parents or domain),
    /// teaching its competences or matching its specialty text, at most `limit`, best first.
    fn candidates(&self, need: &Need, limit: usize) -> Vec<Candidate>;

    /// ROME sheets for a free-text specialty, best first, at most `limit`.
    fn resolve(&self, specialty: &str, limit: usize) -> Vec<Resolution>;
}
