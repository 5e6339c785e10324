//! The matcher's view: [`TextSource`] over the offers and referential indexes.
//!
//! Text relevance of an offer to a specialty is the share of the specialty's information that
//! the offer's names (course label, certification labels, ROME sheet labels) match: each word of
//! the specialty weighs its rarity among the offers (`idf = ln(1 + (N - df + 0.5) / (df + 0.5))`),
//! and the relevance is the weight of the matched words over the weight of all of them. Words that
//! name no offer at all (`drone` when no course mentions drones) tell no offer apart and are left
//! out of both. The value
//! means the same for every specialty (unlike BM25 divided by the best hit of each query), so
//! scores of different needs can be compared and allocated against each other.

use std::collections::HashMap;

use gapmap_match::{Resolution, TextHit, TextSource};
use gapmap_model::OfferId;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocSet, Searcher, TERMINATED, TantivyDocument, Term};

use crate::offers::typed_words;
use crate::{GapmapIndex, IndexError, analysis};

/// The words of a specialty with their analysed terms and weight.
struct WeightedWords {
    /// Each word as typed, its analysed terms and its weight.
    words: Vec<(String, Vec<String>, f64)>,
    /// Per word, per segment, the documents whose names hold it.
    postings: Vec<Vec<Vec<u32>>>,
    total: f64,
}

impl GapmapIndex {
    /// The fields an offer is named by.
    fn name_fields(&self) -> [Field; 3] {
        let f = &self.offers.fields;
        [f.label, f.certification, f.rome_label]
    }

    /// The offer id of every document, by segment and document id (read once).
    fn ids(&self, searcher: &Searcher) -> Result<&Vec<Vec<OfferId>>, IndexError> {
        if let Some(ids) = self.offer_ids.get() {
            return Ok(ids);
        }
        let mut all = Vec::with_capacity(searcher.segment_readers().len());
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let mut ids = Vec::with_capacity(segment.max_doc() as usize);
            for doc in 0..segment.max_doc() {
                let stored: TantivyDocument =
                    searcher.doc(tantivy::DocAddress::new(ord as u32, doc))?;
                let id = stored
                    .get_first(self.offers.fields.id)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                ids.push(OfferId(id.to_owned()));
            }
            all.push(ids);
        }
        Ok(self.offer_ids.get_or_init(|| all))
    }

    /// Per segment, the documents holding any of `terms` in a name field.
    fn docs_with(
        &self,
        searcher: &Searcher,
        terms: &[String],
    ) -> Result<Vec<Vec<u32>>, IndexError> {
        let mut per_segment = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let mut docs: Vec<u32> = Vec::new();
            for field in self.name_fields() {
                let inverted = segment.inverted_index(field)?;
                for term in terms {
                    let term = Term::from_field_text(field, term);
                    if let Some(mut postings) =
                        inverted.read_postings(&term, IndexRecordOption::Basic)?
                    {
                        let mut doc = postings.doc();
                        while doc != TERMINATED {
                            docs.push(doc);
                            doc = postings.advance();
                        }
                    }
                }
            }
            docs.sort_unstable();
            docs.dedup();
            per_segment.push(docs);
        }
        Ok(per_segment)
    }

    /// The specialty's words with their rarity weights (words with no analysed term dropped).
    fn weighted_words(
        &self,
        searcher: &Searcher,
        specialty: &str,
    ) -> Result<WeightedWords, IndexError> {
        let n = searcher.num_docs() as f64;
        let mut words = Vec::new();
        let mut postings = Vec::new();
        let mut seen: Vec<Vec<String>> = Vec::new();
        for (word, terms) in typed_words(specialty) {
            if seen.contains(&terms) {
                continue;
            }
            seen.push(terms.clone());
            let docs = self.docs_with(searcher, &terms)?;
            let df = docs.iter().map(Vec::len).sum::<usize>() as f64;
            if df == 0.0 {
                // A word no offer is named with cannot tell offers apart.
                continue;
            }
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            words.push((word, terms, idf));
            postings.push(docs);
        }
        let total = words.iter().map(|(_, _, w)| w).sum();
        Ok(WeightedWords {
            words,
            postings,
            total,
        })
    }

    /// Text relevance of every offer matching part of `specialty` (see the module docs).
    pub fn text_relevance_of(&self, specialty: &str) -> Result<Vec<TextHit>, IndexError> {
        let searcher = self.offers.searcher();
        let weighted = self.weighted_words(&searcher, specialty)?;
        if weighted.total <= 0.0 {
            return Ok(Vec::new());
        }
        let ids = self.ids(&searcher)?;
        let mut sums: HashMap<(usize, u32), f64> = HashMap::new();
        for ((_, _, weight), docs) in weighted.words.iter().zip(&weighted.postings) {
            for (segment, list) in docs.iter().enumerate() {
                for &doc in list {
                    *sums.entry((segment, doc)).or_default() += weight;
                }
            }
        }
        let mut hits: Vec<TextHit> = sums
            .into_iter()
            .filter_map(|((segment, doc), sum)| {
                let offer = ids.get(segment)?.get(doc as usize)?.clone();
                Some(TextHit {
                    offer,
                    relevance: (sum / weighted.total).clamp(0.0, 1.0),
                })
            })
            .collect();
        hits.sort_by(|a, b| a.offer.cmp(&b.offer));
        Ok(hits)
    }

    /// Relevance of a label that is not indexed, with the index's word weights.
    pub fn label_relevance_of(&self, specialty: &str, label: &str) -> Result<f64, IndexError> {
        Ok(self.label_relevances_of(specialty, &[label])?[0])
    }

    /// [`GapmapIndex::label_relevance_of`] of each label, the specialty's words weighed once.
    pub fn label_relevances_of(
        &self,
        specialty: &str,
        labels: &[&str],
    ) -> Result<Vec<f64>, IndexError> {
        let searcher = self.offers.searcher();
        let weighted = self.weighted_words(&searcher, specialty)?;
        if weighted.total <= 0.0 {
            return Ok(vec![0.0; labels.len()]);
        }
        let mut analyzer = analysis::french_analyzer();
        Ok(labels
            .iter()
            .map(|label| {
                let label_terms = analysis::run(&mut analyzer, label);
                let matched: f64 = weighted
                    .words
                    .iter()
                    .filter(|(_, terms, _)| terms.iter().any(|t| label_terms.contains(t)))
                    .map(|(_, _, w)| w)
                    .sum();
                (matched / weighted.total).clamp(0.0, 1.0)
            })
            .collect())
    }

    /// The words of `specialty` that the offer's names match.
    pub fn matched_terms_of(
        &self,
        specialty: &str,
        offer: &OfferId,
    ) -> Result<Vec<String>, IndexError> {
        let searcher = self.offers.searcher();
        let id_term = Term::from_field_text(self.offers.fields.id, offer.as_str());
        let mut matched = Vec::new();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(self.offers.fields.id)?;
            let Some(postings) = inverted.read_postings(&id_term, IndexRecordOption::Basic)? else {
                continue;
            };
            let doc = postings.doc();
            if doc == TERMINATED {
                continue;
            }
            let address = tantivy::DocAddress::new(segment_ord as u32, doc);
            for (word, terms) in typed_words(specialty) {
                if matched.contains(&word) {
                    continue;
                }
                'search: for term in &terms {
                    for field in self.name_fields() {
                        let t = Term::from_field_text(field, term);
                        if crate::offers::OffersIndex::has_term(&searcher, address, &t)? {
                            matched.push(word.clone());
                            break 'search;
                        }
                    }
                }
            }
        }
        Ok(matched)
    }
}

/// Search failures (I/O on the index files) give no relevance: the trait has no error channel.
/// Use the `*_of` methods and [`GapmapIndex::resolve`] to see them.
impl TextSource for GapmapIndex {
    fn text_relevance(&self, specialty: &str) -> Vec<TextHit> {
        self.text_relevance_of(specialty).unwrap_or_default()
    }

    fn label_relevance(&self, specialty: &str, label: &str) -> f64 {
        self.label_relevance_of(specialty, label).unwrap_or(0.0)
    }

    fn label_relevances(&self, specialty: &str, labels: &[&str]) -> Vec<f64> {
        self.label_relevances_of(specialty, labels)
            .unwrap_or_else(|_| vec![0.0; labels.len()])
    }

    fn matched_terms(&self, specialty: &str, offer: &OfferId) -> Vec<String> {
        self.matched_terms_of(specialty, offer).unwrap_or_default()
    }

    fn resolve(&self, specialty: &str, limit: usize) -> Vec<Resolution> {
        GapmapIndex::resolve(self, specialty, limit).unwrap_or_default()
    }
}
