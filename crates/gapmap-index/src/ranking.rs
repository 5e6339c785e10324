//! Ranking rules shared by the offer and the competence searches: the share of the query's terms
//! a document holds (coordination) and the correction of terms found nowhere (typos).

use std::cmp::Reverse;
use std::collections::BTreeMap;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use crate::IndexError;

/// The coordinated BM25 of a share of terms: `bm25 * found / searched` (0 when nothing was
/// searched): a document holding every term of the query ranks before one holding a few,
/// unless their BM25 are far apart. Terms, not words, so that "cybersécurité" and
/// "cyber sécurité" rank alike.
pub(crate) fn coordinated(bm25: f64, found: usize, named: usize, searched: usize) -> f64 {
    if searched == 0 {
        0.0
    } else {
        bm25 * held(found, named) / searched as f64
    }
}

/// The terms a document holds, counted for coordination: `named` (held in a field that names
/// it) count 1, the other `found - named` a half.
pub(crate) fn held(found: usize, named: usize) -> f64 {
    named as f64 + 0.5 * found.saturating_sub(named) as f64
}

/// One clause of a [`CoordinatedQuery`]: a term in one field, with its BM25 weight (the
/// field's boost included) and the query term it stands for.
#[derive(Clone)]
pub(crate) struct Clause {
    /// The term, in its field.
    pub(crate) term: Term,
    /// Its BM25 weight, boost included.
    pub(crate) weight: Bm25Weight,
    /// The query term it stands for (clauses of one term in several fields share it).
    pub(crate) of: usize,
    /// Whether the field names the document (its label, its certifications): a term held only
    /// in other fields counts half in the coordination.
    pub(crate) naming: bool,
}

/// A text query scoring each document by its [`coordinated`] BM25: the sum of its clauses'
/// BM25, times the share of the `searched` distinct query terms it holds. The postings are
/// merged in one pass (no union per term, no second reading) and scored by the same
/// [`Bm25Weight`]s that explain the score in parts.
#[derive(Clone)]
pub(crate) struct CoordinatedQuery {
    clauses: Vec<Clause>,
    searched: usize,
}

impl CoordinatedQuery {
    /// The query of `clauses` over `searched` distinct terms (those no field holds included).
    pub(crate) fn new(mut clauses: Vec<Clause>, searched: usize) -> CoordinatedQuery {
        // Clauses of one term side by side: held terms count at each change of term.
        clauses.sort_by_key(|c| c.of);
        CoordinatedQuery { clauses, searched }
    }
}

impl std::fmt::Debug for CoordinatedQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let terms: Vec<&Term> = self.clauses.iter().map(|c| &c.term).collect();
        f.debug_struct("CoordinatedQuery")
            .field("terms", &terms)
            .field("searched", &self.searched)
            .finish()
    }
}

impl Query for CoordinatedQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            visitor(&clause.term, false);
        }
    }
}

impl Weight for CoordinatedQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut postings = Vec::with_capacity(self.clauses.len());
        for clause in &self.clauses {
            let field = clause.term.field();
            let inverted = reader.inverted_index(field)?;
            if let Some(p) = inverted.read_postings(&clause.term, IndexRecordOption::WithFreqs)? {
                postings.push(ClauseScorer {
                    postings: p,
                    norms: reader.get_fieldnorms_reader(field)?,
                    weight: clause.weight.boost_by(boost),
                    of: clause.of,
                    naming: clause.naming,
                });
            }
        }
        let mut scorer = CoordinatedScorer {
            clauses: postings,
            searched: self.searched as Score,
            doc: 0,
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match {self:?}"
            )));
        }
        Ok(Explanation::new(
            "BM25 times the share of the query's terms held",
            scorer.score(),
        ))
    }
}

/// The postings of one [`Clause`] in a segment.
struct ClauseScorer {
    postings: SegmentPostings,
    norms: FieldNormReader,
    weight: Bm25Weight,
    of: usize,
    naming: bool,
}

/// The scorer of a [`CoordinatedQuery`] in a segment: on the smallest document of its
/// clauses' postings.
struct CoordinatedScorer {
    clauses: Vec<ClauseScorer>,
    searched: Score,
    doc: DocId,
}

impl CoordinatedScorer {
    /// Moves to the smallest document any clause is on.
    fn settle(&mut self) -> DocId {
        self.doc = self
            .clauses
            .iter()
            .map(|c| c.postings.doc())
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for CoordinatedScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        for c in &mut self.clauses {
            if c.postings.doc() == doc {
                c.postings.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for c in &mut self.clauses {
            if c.postings.doc() < target {
                c.postings.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.clauses
            .iter()
            .map(|c| c.postings.size_hint())
            .fold(0, u32::saturating_add)
    }
}

impl Scorer for CoordinatedScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut bm25 = 0.0;
        let (mut found, mut named) = (0u32, 0u32);
        let mut last: Option<(usize, bool)> = None;
        for c in &self.clauses {
            if c.postings.doc() != doc {
                continue;
            }
            bm25 += c
                .weight
                .score(c.norms.fieldnorm_id(doc), c.postings.term_freq());
            match &mut last {
                Some((of, naming)) if *of == c.of => {
                    if c.naming && !*naming {
                        *naming = true;
                        named += 1;
                    }
                }
                _ => {
                    found += 1;
                    named += u32::from(c.naming);
                    last = Some((c.of, c.naming));
                }
            }
        }
        if self.searched > 0.0 {
            bm25 * held(found as usize, named as usize) as Score / self.searched
        } else {
            bm25
        }
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
