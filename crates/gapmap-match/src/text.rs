//! What the matcher asks of a full-text engine, without knowing which one: how well each offer's
//! labels match a specialty text, and which ROME sheets a free-text specialty names.
//!
//! The index crate implements [`TextSource`] with tantivy; [`WordOverlap`](crate::WordOverlap)
//! is a plain implementation for tests and small runs. Candidates themselves come from the
//! matcher's compiled join over codes and competences, never from a text search.

use gapmap_model::{OfferId, RomeCode};

/// The text relevance of one offer to a specialty.
#[derive(Clone, Debug, PartialEq)]
pub struct TextHit {
    /// The offer.
    pub offer: OfferId,
    /// Relevance in [0, 1], comparable across specialties: the share of the specialty's
    /// information (its words, weighted by rarity) that the offer's labels match. 0.5 means the
    /// same for every query, never "half as good as the best hit".
    pub relevance: f64,
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

/// Text relevance of offers and resolution of free text to ROME sheets.
///
/// Implementations must be deterministic: the same text gives the same answers, so that the
/// matcher's results do not depend on thread scheduling.
pub trait TextSource: Sync {
    /// Every offer whose labels match part of `specialty`, with a relevance above zero, in any
    /// order. The matcher calls it once per distinct specialty text.
    fn text_relevance(&self, specialty: &str) -> Vec<TextHit>;

    /// The relevance of a label the source has not indexed (an offer opened by a scenario) to
    /// `specialty`, on the same scale as [`TextSource::text_relevance`].
    fn label_relevance(&self, specialty: &str, label: &str) -> f64;

    /// [`TextSource::label_relevance`] of each label, in order: a source may read the specialty
    /// once for all of them.
    fn label_relevances(&self, specialty: &str, labels: &[&str]) -> Vec<f64> {
        labels
            .iter()
            .map(|label| self.label_relevance(specialty, label))
            .collect()
    }

    /// The words of `specialty` that the offer's labels match, for explanations.
    fn matched_terms(&self, specialty: &str, offer: &OfferId) -> Vec<String>;

    /// ROME sheets for a free-text specialty, best first, at most `limit`.
    fn resolve(&self, specialty: &str, limit: usize) -> Vec<Resolution>;
}
