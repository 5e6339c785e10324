//! A [`CandidateSource`] over codes alone, for tests and when no search index is available.

use std::collections::BTreeMap;

use gapmap_model::{Need, Offer, Referential, RomeCode, Territory};

use crate::candidates::{Candidate, CandidateSource, Resolution};
use crate::score::{CodeKey, OccupationLink, Places};

/// Proposes the offers that share a need's ROME sheet, parent sheet or professional domain and lie
/// within reach (or are not located); resolves free text by word overlap with ROME labels.
///
/// Order: closest occupational link first, then nearest, then offer id. The text relevance is the
/// Sørensen-Dice overlap of the need's specialty words and the offer label's words (accents folded,
/// short words dropped), so it is modest compared with a real full-text index.
pub struct CodeCandidates<'a> {
    referential: &'a Referential,
    offers: &'a [Offer],
    places: Places<'a>,
    reach_km: f64,
    offer_words: Vec<Vec<String>>,
    offer_codes: Vec<Vec<CodeKey>>,
    labels: Vec<(RomeCode, String, Vec<String>)>,
}

impl<'a> CodeCandidates<'a> {
    /// Builds the lookups over `offers`; offers farther than `reach_km` from a need are left out.
    pub fn new(
        referential: &'a Referential,
        territory: &'a Territory,
        offers: &'a [Offer],
        reach_km: f64,
    ) -> CodeCandidates<'a> {
        let offer_words = offers.iter().map(|o| words(&o.label)).collect();
        let offer_codes = offers
            .iter()
            .map(|o| {
                o.rome
                    .iter()
                    .map(|&r| CodeKey::new(referential, r))
                    .collect()
            })
            .collect();
        let mut labels: Vec<(RomeCode, String, Vec<String>)> = Vec::new();
        for m in referential.metiers.values() {
            labels.push((m.code, m.label.clone(), words(&m.label)));
        }
        for a in &referential.appellations {
            labels.push((a.rome, a.label.clone(), words(&a.label)));
        }
        CodeCandidates {
            referential,
            offers,
            places: Places::new(territory),
            reach_km,
            offer_words,
            offer_codes,
            labels,
        }
    }

    fn link(need: &[CodeKey], offer: &[CodeKey]) -> OccupationLink {
        let pairs = need
            .iter()
            .flat_map(|a| offer.iter().map(move |b| a.link(b)));
        pairs.max().unwrap_or(OccupationLink::Unrelated)
    }
}

impl CandidateSource for CodeCandidates<'_> {
    fn candidates(&self, need: &Need, limit: usize) -> Vec<Candidate> {
        let need_words = words(&need.specialty);
        let need_codes: Vec<CodeKey> = need
            .rome
            .iter()
            .map(|&r| CodeKey::new(self.referential, r))
            .collect();
        let mut found: Vec<(OccupationLink, f64, usize)> = Vec::new();
        for (i, offer) in self.offers.iter().enumerate() {
            let link = Self::link(&need_codes, &self.offer_codes[i]);
            if link == OccupationLink::Unrelated {
                continue;
            }
            let distance = self.places.distance_km(&need.location, offer);
            if distance.is_some_and(|d| d > self.reach_km) {
                continue;
            }
            found.push((link, distance.unwrap_or(f64::INFINITY), i));
        }
        found.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.total_cmp(&b.1))
                .then_with(|| self.offers[a.2].id.cmp(&self.offers[b.2].id))
        });
        found
            .into_iter()
            .take(limit)
            .map(|(_, _, i)| {
                let (relevance, matched_terms) = dice(&need_words, &self.offer_words[i]);
                Candidate {
                    offer: self.offers[i].id.clone(),
                    text_relevance: relevance,
                    matched_terms,
                }
            })
            .collect()
    }

    fn resolve(&self, specialty: &str, limit: usize) -> Vec<Resolution> {
        let query = words(specialty);
        let mut best: BTreeMap<RomeCode, (f64, String)> = BTreeMap::new();
        for (rome, label, label_words) in &self.labels {
            let (confidence, _) = dice(&query, label_words);
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

/// Sørensen-Dice overlap of two sorted word sets, with the shared words.
fn dice(a: &[String], b: &[String]) -> (f64, Vec<String>) {
    if a.is_empty() || b.is_empty() {
        return (0.0, Vec::new());
    }
    let shared: Vec<String> = a
        .iter()
        .filter(|w| b.binary_search(w).is_ok())
        .cloned()
        .collect();
    let score = 2.0 * shared.len() as f64 / (a.len() + b.len()) as f64;
    (score, shared)
}
