//! Ranking rules shared by the offer and the competence searches: the share of the query's terms
//! a document holds (coordination) and the correction of terms found nowhere (typos).

use std::cmp::Reverse;
use std::collections::BTreeMap;

use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Explanation, Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, Term};

use crate::IndexError;

/// How a text query ranks: its score reads `step * k + bm25`, with k the distinct query terms
/// the document holds (see [`coordinated_query`]), and ranks as `bm25 * k / terms`: a document
/// holding every term of the query before one holding a few, unless their BM25 are far apart.
/// Terms, not words, so that "cybersécurité" and "cyber sécurité" rank alike.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Coordination {
    step: f32,
    /// Distinct terms the query searches.
    pub(crate) terms: usize,
}

impl Coordination {
    /// The ranking score of a raw score of the query.
    pub(crate) fn rank(self, score: f32) -> f32 {
        if self.terms == 0 || self.step <= 0.0 {
            return score;
        }
        // score / step = k + bm25 / step with bm25 / step < 1/2 (step > 2 * reach): a quarter
        // absorbs the rounding of the float sum either way.
        let found = (score / self.step + 0.25).floor();
        let bm25 = (score - found * self.step).max(0.0);
        bm25 * found / self.terms as f32
    }
}

/// The coordinated BM25 of a share of terms: `bm25 * found / searched` (0 when nothing was
/// searched).
pub(crate) fn coordinated(bm25: f64, found: usize, searched: usize) -> f64 {
    if searched == 0 {
        0.0
    } else {
        bm25 * found as f64 / searched as f64
    }
}

/// The query of `terms`, each with the fields that hold it (and their boosts): per term, its
/// BM25 in those fields, plus a constant `step` where any holds it ([`OffsetQuery`]: no second
/// reading of the postings). `searched` counts the distinct terms of the query, those no field
/// holds included. `reach` bounds the BM25 the query can reach (the sum of its clauses' maximum
/// scores); `step` exceeds it.
pub(crate) fn coordinated_query(
    terms: &[(&str, Vec<(Field, f32)>)],
    searched: usize,
    reach: f32,
) -> (Box<dyn Query>, Coordination) {
    // With one term, every match holds it: plain BM25 ranks alike, without the offsets.
    let step = if searched > 1 { 2.0 * reach + 1.0 } else { 0.0 };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (term, fields) in terms {
        let mut scored: Vec<(Occur, Box<dyn Query>)> = fields
            .iter()
            .map(|&(field, boost)| {
                let q = TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                );
                let q: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(q), boost));
                (Occur::Should, q)
            })
            .collect();
        if step == 0.0 {
            clauses.append(&mut scored);
            continue;
        }
        let query: Box<dyn Query> = match scored.len() {
            0 => continue,
            1 => scored.swap_remove(0).1,
            _ => Box::new(BooleanQuery::new(scored)),
        };
        let held = OffsetQuery {
            query,
            offset: step,
        };
        clauses.push((Occur::Should, Box::new(held)));
    }
    let coordination = Coordination {
        step,
        terms: searched,
    };
    (Box::new(BooleanQuery::new(clauses)), coordination)
}

/// A query scoring as its inner query plus a constant, where the inner query matches.
#[derive(Debug)]
struct OffsetQuery {
    query: Box<dyn Query>,
    offset: Score,
}

impl Clone for OffsetQuery {
    fn clone(&self) -> Self {
        OffsetQuery {
            query: self.query.box_clone(),
            offset: self.offset,
        }
    }
}

impl Query for OffsetQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(OffsetWeight {
            weight: self.query.weight(enable_scoring)?,
            offset: self.offset,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct OffsetWeight {
    weight: Box<dyn Weight>,
    offset: Score,
}

impl Weight for OffsetWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(OffsetScorer {
            inner: self.weight.scorer(reader, boost)?,
            offset: self.offset * boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.weight.explain(reader, doc)?;
        let mut explanation = Explanation::new_with_string(
            format!("term held: +{}", self.offset),
            inner.value() + self.offset,
        );
        explanation.add_detail(inner);
        Ok(explanation)
    }
}

struct OffsetScorer {
    inner: Box<dyn Scorer>,
    offset: Score,
}

impl DocSet for OffsetScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for OffsetScorer {
    fn score(&mut self) -> Score {
        self.inner.score() + self.offset
    }
}

/// A query word that the index searched does not hold, nor the ROME referential (a typo, most
/// likely), searched as the closest term of the index: same first letter, one edit, the most
/// frequent among the closest. Terms of fewer than 5 letters are not corrected.
#[derive(Clone, Debug, PartialEq)]
pub struct Correction {
    /// The word as typed.
    pub word: String,
    /// Its term as analysed, found nowhere.
    pub term: String,
    /// The term searched instead.
    pub searched: String,
}

/// The terms of `fields` with their document counts, over every segment.
pub(crate) fn vocabulary(
    searcher: &Searcher,
    fields: &[Field],
) -> Result<Vec<(String, u64)>, IndexError> {
    let mut terms: BTreeMap<String, u64> = BTreeMap::new();
    for &field in fields {
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                if let Ok(text) = std::str::from_utf8(stream.key()) {
                    *terms.entry(text.to_owned()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
    }
    Ok(terms.into_iter().collect())
}

/// The closest term of `vocabulary` to `term` (see [`Correction`]).
pub(crate) fn closest(vocabulary: &[(String, u64)], term: &str) -> Option<String> {
    let len = term.chars().count();
    if len < 5 {
        return None;
    }
    // One edit: two turned ordinary words into trades ("pondeuse" into "ponceuse").
    let limit = 1;
    let first = term.chars().next();
    vocabulary
        .iter()
        .filter(|(t, _)| t.chars().next() == first && t.chars().count().abs_diff(len) <= limit)
        .map(|(t, df)| (strsim::osa_distance(term, t), Reverse(*df), t))
        .filter(|(d, _, _)| *d <= limit)
        .min()
        .map(|(_, _, t)| t.clone())
}

/// The words of a query as typed (lowercase), each with the terms it gives.
pub(crate) type Words = Vec<(String, Vec<String>)>;

/// The query's words with the terms that `absent` says are found nowhere replaced by their
/// closest term of `vocabulary` (when there is one), and the corrections made.
pub(crate) fn correct<'v>(
    words: Words,
    absent: impl Fn(&str) -> Result<bool, IndexError>,
    vocabulary: impl Fn() -> Result<&'v [(String, u64)], IndexError>,
) -> Result<(Words, Vec<Correction>), IndexError> {
    let mut corrections = Vec::new();
    let mut out = Vec::with_capacity(words.len());
    for (word, terms) in words {
        let mut fixed = Vec::with_capacity(terms.len());
        for term in terms {
            let replacement = if absent(&term)? {
                closest(vocabulary()?, &term)
            } else {
                None
            };
            match replacement {
                Some(searched) => {
                    corrections.push(Correction {
                        word: word.clone(),
                        term,
                        searched: searched.clone(),
                    });
                    fixed.push(searched);
                }
                None => fixed.push(term),
            }
        }
        out.push((word, fixed));
    }
    Ok((out, corrections))
}
