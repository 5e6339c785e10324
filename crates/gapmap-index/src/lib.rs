//! gapmap's search index: the training map and the ROME referential in tantivy.
//!
//! A [`GapmapIndex`] holds two tantivy indexes built from the model's values:
//! - the **offers** ([`GapmapIndex::search_offers`]): free text over the course label,
//!   certification labels, school name, ROME labels and job titles, core competences and RNCP
//!   skill blocks, ranked by BM25 times the share of the query's terms an offer holds, a word
//!   found nowhere searched as its closest term;
//!   filters on ROME codes (with parents), level, mode, département, region, employment area and
//!   a radius around a point (the engine gives a place's point); hits with a score breakdown and the matched words;
//! - the **referential** ([`GapmapIndex::resolve`], [`GapmapIndex::competences`]): ROME sheets,
//!   their appellations and competences, to turn free text into ROME sheets and competences.
//!
//! Text goes through one French analyser ([`analyze`]): elisions, stop words and gender marks
//! fall away, accents are folded, feminine titles map to the masculine, a few prefixes
//! (`cyber`, `télé`, `aéro`...) are split off, and words are stemmed.
//!
//! The index lives in a folder and is rebuilt only when its [`IndexStamp`] (the caller's
//! content hash plus [`SCHEMA_VERSION`]) changes ([`GapmapIndex::open_or_build`]); builds go to
//! a fresh folder that is switched in atomically, so a crash mid-build leaves the previous index
//! usable. Searches take `&self` and may run from many threads; one process builds at a time.
//!
//! [`GapmapIndex`] implements [`gapmap_match::TextSource`] for the matcher: text relevance of
//! offers to a specialty on a scale comparable across specialties, and resolution of free text.
//!
//! ```
//! use gapmap_index::{GapmapIndex, OfferQuery};
//! use gapmap_model::Referential;
//!
//! let index = GapmapIndex::build_in_ram(&[], &Referential::default())?;
//! let query = OfferQuery { text: "cybersécurité".into(), ..OfferQuery::default() };
//! assert!(index.search_offers(&query)?.is_empty());
//! # Ok::<(), gapmap_index::IndexError>(())
//! ```

mod analysis;
mod directory;
mod offers;
mod ranking;
mod referential;
mod source;
mod store;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

use gapmap_match::Resolution;
use gapmap_model::{Offer, Referential, RomeCode};

pub use analysis::{FRENCH, analyze, french_analyzer, normalize_words, register};
pub use offers::{Near, OfferHit, OfferQuery, ScoreBreakdown, ScorePart, query_words};
pub use ranking::Correction;
pub use referential::{CompetenceHit, ReferentialIndex, SheetInfo};
pub use store::{BuildLock, IndexStamp, OpenOutcome, SCHEMA_VERSION};

use offers::OffersIndex;

/// What can go wrong when building, opening or searching an index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// A file or folder of the index could not be read or written.
    #[error("index file {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The index folder holds something unexpected (a damaged stamp, a missing generation).
    #[error("index folder {path} is damaged: {reason}")]
    Damaged {
        /// The folder.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A new generation could not be written (a full disk, a file size limit): its partial
    /// folder was removed, the previous generation is left as it was.
    #[error("cannot build the index in {}: {reason}", folder.display())]
    Build {
        /// The index folder.
        folder: PathBuf,
        /// What failed.
        reason: String,
    },
    /// tantivy failed (I/O or a corrupt segment).
    #[error("search engine: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A query that cannot be run (an empty level range, a negative radius).
    #[error("invalid query: {0}")]
    InvalidQuery(String),
}

impl From<std::io::Error> for IndexError {
    fn from(source: std::io::Error) -> Self {
        IndexError::Io {
            path: PathBuf::new(),
            source,
        }
    }
}

/// The offers and referential indexes, opened for searching (see the crate docs).
pub struct GapmapIndex {
    offers: OffersIndex,
    referential: ReferentialIndex,
    stamp: Option<IndexStamp>,
    folder: Option<PathBuf>,
    /// Offer ids by segment and document, read once for text relevance.
    offer_ids: std::sync::OnceLock<Vec<Vec<gapmap_model::OfferId>>>,
    /// Place names and short job titles: real words that a search never corrects.
    known: KnownWords,
}

/// Real words ([`GapmapIndex::know_words`]) and, read on first need, their terms.
#[derive(Default)]
struct KnownWords {
    names: Vec<String>,
    terms: std::sync::OnceLock<std::collections::HashSet<String>>,
}

impl KnownWords {
    fn knows(&self, term: &str) -> bool {
        self.terms
            .get_or_init(|| {
                let mut analyzer = analysis::french_analyzer();
                self.names
                    .iter()
                    .flat_map(|name| analysis::run(&mut analyzer, name))
                    .collect()
            })
            .contains(term)
    }
}

impl GapmapIndex {
    /// Builds both indexes in memory (tests, one-off runs), at the same time. No stamp, no
    /// folder.
    pub fn build_in_ram(offers: &[Offer], referential: &Referential) -> Result<Self, IndexError> {
        let (offers, referential) = std::thread::scope(|scope| {
            let sheets = scope.spawn(|| ReferentialIndex::build(None, referential));
            let offers = OffersIndex::build(None, offers, referential);
            // A panic of the other thread is a bug: it goes on as a panic here.
            let sheets = sheets
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (offers, sheets)
        });
        Ok(GapmapIndex {
            offers: offers?,
            referential: referential?,
            stamp: None,
            folder: None,
            offer_ids: std::sync::OnceLock::new(),
            known: KnownWords::default(),
        })
    }

    /// Tells the index real words its fields may lack: the names of the territory's places
    /// (communes) and the short job titles of the referential. A word of them is never searched
    /// as another term ("cuisine Péronne" must not become "cuisine person"). Their terms are
    /// read on the first search that needs them.
    pub fn know_words<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        self.known = KnownWords {
            names: names.into_iter().map(str::to_owned).collect(),
            terms: std::sync::OnceLock::new(),
        };
    }

    /// Whether a term is a word of the referential or of a place name (words never corrected).
    fn knows(&self, term: &str) -> Result<bool, IndexError> {
        Ok(self.referential.knows(term)? || self.known.knows(term))
    }

    /// The stamp of the opened index (`None` for an in-memory index).
    pub fn stamp(&self) -> Option<&IndexStamp> {
        self.stamp.as_ref()
    }

    /// The generation folder the index was opened from (`None` in memory).
    pub fn folder(&self) -> Option<&std::path::Path> {
        self.folder.as_deref()
    }

    /// Number of indexed offers.
    pub fn offer_count(&self) -> u64 {
        self.offers.len()
    }

    /// The referential part, for sheet lookups.
    pub fn referential(&self) -> &ReferentialIndex {
        &self.referential
    }

    /// Searches the offers: text and filters, ranked by text relevance then offer id.
    /// ROME codes in the query also match offers of their parent sheet.
    pub fn search_offers(&self, query: &OfferQuery) -> Result<Vec<OfferHit>, IndexError> {
        let codes = self.expand_rome(&query.rome);
        self.offers.search(query, &codes, &|term| self.knows(term))
    }

    /// The words of `text` an offer search would search as another term ([`Correction`]).
    pub fn corrections(&self, text: &str) -> Result<Vec<Correction>, IndexError> {
        self.offers.corrections(text, &|term| self.knows(term))
    }

    /// ROME sheets for a free-text job title (see [`ReferentialIndex::resolve`]).
    pub fn resolve(&self, text: &str, limit: usize) -> Result<Vec<Resolution>, IndexError> {
        self.referential.resolve(text, limit)
    }

    /// ROME competences for a text (see [`ReferentialIndex::competences`]).
    pub fn competences(&self, text: &str, limit: usize) -> Result<Vec<CompetenceHit>, IndexError> {
        self.referential.competences(text, limit)
    }

    /// The codes and their parents, deduplicated, as index terms.
    fn expand_rome(&self, codes: &[RomeCode]) -> Vec<String> {
        let mut all: Vec<String> = codes
            .iter()
            .flat_map(|&c| [c, self.referential.parent_of(c)])
            .map(|c| c.as_str().to_owned())
            .collect();
        all.sort();
        all.dedup();
        all
    }
}
