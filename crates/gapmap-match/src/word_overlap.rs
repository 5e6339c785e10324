//! A [`TextSource`] over word overlap, for tests and when no search index is available.

use std::collections::{BTreeMap, HashMap};

use gapmap_model::{Offer, OfferId, Referential, RomeCode};

use crate::text::{Resolution, TextHit, TextSource};

/// Text relevance by word overlap: the share of the specialty's words (accents folded, short
/// and stop words dropped) found in the offer's label; resolution by the Sørensen-Dice overlap
/// of the specialty's words with ROME sheet and appellation labels. Modest next to a real
/// full-text index (no stemming, no rarity weights), but deterministic and dependency-free.
pub struct WordOverlap {
    offers: Vec<(OfferId, Vec<String>)>,
    by_id: HashMap<OfferId, usize>,
    labels: Vec<(RomeCode, String, Vec<String>)>,
}

impl WordOverlap {
    /// Builds the word lists of `offers` and of the referential's labels.
    pub fn new(referential: &Referential, offers: &[Offer]) -> WordOverlap {
        let offers: Vec<(OfferId, Vec<String>)> = offers
            .iter()
            .map(|o| (o.id.clone(), words(&o.label)))
            .collect();
        let by_id = offers
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.clone(), i))
            .collect();
        let mut labels: Vec<(RomeCode, String, Vec<String>)> = Vec::new();
        for m in referential.metiers.values() {
            labels.push((m.code, m.label.clone(), words(&m.label)));
        }
        for a in &referential.appellations {
            labels.push((a.rome, a.label.clone(), words(&a.label)));
        }
        WordOverlap {
            offers,
            by_id,
            labels,
        }
    }
}

impl TextSource for WordOverlap {
    fn text_relevance(&self, specialty: &str) -> Vec<TextHit> {
        let query = words(specialty);
        if query.is_empty() {
            return Vec::new();
        }
        self.offers
            .iter()
            .filter_map(|(id, label)| {
                let shared = query
                    .iter()
                    .filter(|w| label.binary_search(w).is_ok())
                    .count();
                (shared > 0).then(|| TextHit {
                    offer: id.clone(),
                    relevance: shared as f64 / query.len() as f64,
                })
            })
            .collect()
    }

    fn label_relevance(&self, specialty: &str, label: &str) -> f64 {
        let query = words(specialty);
        let label = words(label);
        let shared = query
            .iter()
            .filter(|w| label.binary_search(w).is_ok())
            .count();
        if query.is_empty() {
            0.0
        } else {
            shared as f64 / query.len() as f64
        }
    }

    fn matched_terms(&self, specialty: &str, offer: &OfferId) -> Vec<String> {
        let Some(&i) = self.by_id.get(offer) else {
            return Vec::new();
        };
        let label = &self.offers[i].1;
        words(specialty)
            .into_iter()
            .filter(|w| label.binary_search(w).is_ok())
            .collect()
    }

    fn resolve(&self, specialty: &str, limit: usize) -> Vec<Resolution> {
        let query = words(specialty);
        let mut best: BTreeMap<RomeCode, (f64, String)> = BTreeMap::new();
        for (rome, label, label_words) in &self.labels {
            let confidence = dice(&query, label_words);
            if confidence <= 0.0 {
                continue;
            }
            let entry = best.entry(*rome).or_insert((0.0, String::new()));
            if confidence > entry.0 {
                *entry = (confidence, label.clone());
            }
        }
        let mut list: Vec<Resolution> = best
            .into_iter()
            .map(|(rome, (confidence, label))| Resolution {
                rome,
                label,
                confidence,
            })
            .collect();
        list.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.rome.cmp(&b.rome))
        });
        list.truncate(limit);
        list
    }
}

/// Lower-cased, accent-folded words of three letters or more, without a few stop words, sorted.
pub(crate) fn words(text: &str) -> Vec<String> {
    const STOP: &[&str] = &[
        "des", "les", "une", "pour", "avec", "dans", "sur", "par", "aux", "option",
    ];
    let folded: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    let mut list: Vec<String> = folded
        .split_whitespace()
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(w))
        .map(str::to_owned)
        .collect();
    list.sort();
    list.dedup();
    list
}

/// Sørensen-Dice overlap of two sorted word sets.
fn dice(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|w| b.binary_search(w).is_ok()).count();
    2.0 * shared as f64 / (a.len() + b.len()) as f64
}
