//! The referential index: ROME sheets, their appellations, competences and knowledge items.
//!
//! Answers "which ROME sheet is this free-text job title?" ([`ReferentialIndex::resolve`]) and
//! "which ROME competences does this text describe?" ([`ReferentialIndex::competences`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use gapmap_match::Resolution;
use gapmap_model::{CompetenceKind, OgrCode, Referential, RomeCode};
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
    Value,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

use crate::IndexError;
use crate::analysis::{self, FRENCH};
use crate::ranking::{self, Clause, CoordinatedQuery, Correction};

/// Boost of the typo-tolerant fallback clauses: a fuzzy match scores a constant, well below the
/// BM25 of an exact term.
const FUZZY_BOOST: f32 = 0.3;
/// Terms shorter than this are not matched fuzzily (too many neighbours).
const FUZZY_MIN_LEN: usize = 4;
/// How many BM25 hits are re-ranked by string similarity.
const RERANK_POOL: usize = 60;
/// Share of the string similarity in the confidence (the rest is the normalised BM25).
const SIMILARITY_WEIGHT: f64 = 0.6;

const KIND_SHEET: &str = "sheet";
const KIND_APPELLATION: &str = "appellation";
const KIND_COMPETENCE: &str = "competence";

/// A ROME sheet as the index knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetInfo {
    /// The parent (pre-4.0) sheet, itself for parent sheets.
    pub parent: RomeCode,
    /// The sheet's label.
    pub label: String,
}

/// A ROME competence or knowledge item found by [`ReferentialIndex::competences`].
#[derive(Clone, Debug, PartialEq)]
pub struct CompetenceHit {
    /// OGR code.
    pub ogr: OgrCode,
    /// Label as published.
    pub label: String,
    /// Know-how, soft skill or knowledge.
    pub kind: CompetenceKind,
    /// Coordinated BM25 divided by the best of the lookup, in [0, 1].
    pub relevance: f64,
    /// The words of the text searched as another term (the same for every hit).
    pub corrections: Vec<Correction>,
}

#[derive(Clone, Copy)]
struct Fields {
    kind: Field,
    rome: Field,
    ogr: Field,
    competence_kind: Field,
    label: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(FRENCH)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
        .set_stored();
    let fields = Fields {
        kind: builder.add_text_field("kind", STRING | STORED),
        rome: builder.add_text_field("rome", STRING | STORED),
        ogr: builder.add_u64_field("ogr", INDEXED | STORED),
        competence_kind: builder.add_text_field("competence_kind", STORED),
        label: builder.add_text_field("label", text),
    };
    (builder.build(), fields)
}

/// The referential index (see the module docs).
pub struct ReferentialIndex {
    reader: IndexReader,
    fields: Fields,
    sheets: BTreeMap<RomeCode, SheetInfo>,
    /// The labels' terms, for corrections (read on first need).
    vocabulary: std::sync::OnceLock<Vec<(String, u64)>>,
}

fn kind_key(kind: CompetenceKind) -> &'static str {
    match kind {
        CompetenceKind::KnowHow => "know-how",
        CompetenceKind::SoftSkill => "soft-skill",
        CompetenceKind::Knowledge => "knowledge",
    }
}

fn kind_from_key(key: &str) -> CompetenceKind {
    match key {
        "soft-skill" => CompetenceKind::SoftSkill,
        "knowledge" => CompetenceKind::Knowledge,
        _ => CompetenceKind::KnowHow,
    }
}

impl ReferentialIndex {
    /// Builds the index in `dir` (an empty folder), or in memory when `dir` is `None`.
    pub(crate) fn build(
        dir: Option<&Path>,
        referential: &Referential,
    ) -> Result<ReferentialIndex, IndexError> {
        let (schema, fields) = schema();
        let index = match dir {
            Some(dir) => Index::create_in_dir(dir, schema)?,
            None => Index::create_in_ram(schema),
        };
        analysis::register(&index);
        // One thread: the document order, hence tie-breaking, is the same at every build.
        let mut writer = index.writer_with_num_threads(1, 50_000_000)?;
        for metier in referential.metiers.values() {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.kind, KIND_SHEET);
            doc.add_text(fields.rome, metier.code.as_str());
            doc.add_text(fields.rome, metier.parent.as_str());
            doc.add_text(fields.label, &metier.label);
            writer.add_document(doc)?;
        }
        for appellation in &referential.appellations {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.kind, KIND_APPELLATION);
            doc.add_text(fields.rome, appellation.rome.as_str());
            doc.add_u64(fields.ogr, u64::from(appellation.ogr.get()));
            doc.add_text(fields.label, &appellation.label);
            writer.add_document(doc)?;
        }
        for competence in referential.competences.values() {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.kind, KIND_COMPETENCE);
            doc.add_u64(fields.ogr, u64::from(competence.ogr.get()));
            doc.add_text(fields.competence_kind, kind_key(competence.kind));
            doc.add_text(fields.label, &competence.label);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        Self::from_index(index, fields)
    }

    /// Opens the index built in `dir`.
    pub(crate) fn open(dir: &Path) -> Result<ReferentialIndex, IndexError> {
        let index = crate::directory::ReadOnly::open(dir)?;
        crate::store::verify(&index, dir)?;
        analysis::register(&index);
        let (_, fields) = schema();
        Self::from_index(index, fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<ReferentialIndex, IndexError> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let mut this = ReferentialIndex {
            reader,
            fields,
            sheets: BTreeMap::new(),
            vocabulary: std::sync::OnceLock::new(),
        };
        this.sheets = this.load_sheets()?;
        Ok(this)
    }

    fn load_sheets(&self) -> Result<BTreeMap<RomeCode, SheetInfo>, IndexError> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.kind, KIND_SHEET),
            IndexRecordOption::Basic,
        );
        let mut sheets = BTreeMap::new();
        for address in searcher.search(&query, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            let codes: Vec<RomeCode> = doc
                .get_all(self.fields.rome)
                .filter_map(|v| v.as_str()?.parse().ok())
                .collect();
            let label = doc
                .get_first(self.fields.label)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            if let (Some(&code), Some(&parent)) = (codes.first(), codes.get(1)) {
                sheets.insert(code, SheetInfo { parent, label });
            }
        }
        Ok(sheets)
    }

    /// The sheets of the referential, by code.
    pub fn sheets(&self) -> &BTreeMap<RomeCode, SheetInfo> {
        &self.sheets
    }

    /// The terms of the referential's labels with their document counts, read once.
    fn vocabulary(&self, searcher: &tantivy::Searcher) -> Result<&[(String, u64)], IndexError> {
        if let Some(v) = self.vocabulary.get() {
            return Ok(v);
        }
        let terms = ranking::vocabulary(searcher, &[self.fields.label])?;
        Ok(self.vocabulary.get_or_init(|| terms))
    }

    /// Whether an analysed term is a word of the referential's labels (sheets, job titles,
    /// competences).
    pub(crate) fn knows(&self, term: &str) -> Result<bool, IndexError> {
        let searcher = self.reader.searcher();
        Ok(searcher.doc_freq(&Term::from_field_text(self.fields.label, term))? > 0)
    }

    /// The parent of `code`, or `code` itself when unknown.
    pub fn parent_of(&self, code: RomeCode) -> RomeCode {
        self.sheets.get(&code).map_or(code, |s| s.parent)
    }

    fn text_query(&self, terms: &[String], fuzzy: bool) -> Vec<(Occur, Box<dyn Query>)> {
        let unique: BTreeSet<&String> = terms.iter().collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for term in unique {
            let t = Term::from_field_text(self.fields.label, term);
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)),
            ));
            if fuzzy && term.chars().count() >= FUZZY_MIN_LEN {
                let fuzzy = FuzzyTermQuery::new(t, 1, true);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(fuzzy), FUZZY_BOOST)),
                ));
            }
        }
        clauses
    }

    fn kinds(&self, kinds: &[&str]) -> Box<dyn Query> {
        let clauses: Vec<(Occur, Box<dyn Query>)> = kinds
            .iter()
            .map(|k| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.kind, k),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        Box::new(tantivy::query::ConstScoreQuery::new(
            Box::new(BooleanQuery::new(clauses)),
            0.0,
        ))
    }

    /// ROME sheets for a free-text job title, best first, at most `limit`.
    ///
    /// Candidates come from BM25 over appellation and sheet labels (with a low-boost
    /// typo-tolerant fallback per term); each is re-ranked by a string similarity of the
    /// normalised texts (accents folded, stop words and gender marks dropped; mean of a
    /// token-set and a token-sort Levenshtein ratio). The confidence is
    /// `0.4 * BM25 / best BM25 + 0.6 * similarity`; a sheet keeps its best-matching label. Ties
    /// are broken by ROME code.
    pub fn resolve(&self, text: &str, limit: usize) -> Result<Vec<Resolution>, IndexError> {
        let terms = analysis::analyze(text);
        if terms.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(vec![
            (Occur::Must, self.kinds(&[KIND_SHEET, KIND_APPELLATION])),
            (
                Occur::Must,
                Box::new(BooleanQuery::new(self.text_query(&terms, true))),
            ),
        ]);
        let searcher = self.reader.searcher();
        let hits = searcher.search(
            &query,
            &TopDocs::with_limit(RERANK_POOL.max(limit).min(doc_cap(&searcher))).order_by_score(),
        )?;
        let best = hits.first().map_or(0.0, |(s, _)| f64::from(*s));
        if best <= 0.0 {
            return Ok(Vec::new());
        }
        let query_words = analysis::normalize_words(text);
        let mut by_sheet: BTreeMap<RomeCode, (f64, String)> = BTreeMap::new();
        let mut words_analyzer = analysis::french_words_analyzer();
        for (score, address) in hits {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(rome) = doc
                .get_first(self.fields.rome)
                .and_then(|v| v.as_str())
                .and_then(|s| s.parse::<RomeCode>().ok())
            else {
                continue;
            };
            let label = doc
                .get_first(self.fields.label)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let label_words = analysis::run(&mut words_analyzer, label);
            let similarity = similarity(&query_words, &label_words);
            let confidence = (1.0 - SIMILARITY_WEIGHT) * f64::from(score) / best
                + SIMILARITY_WEIGHT * similarity;
            let entry = by_sheet.entry(rome).or_insert((f64::MIN, String::new()));
            if confidence > entry.0 || (confidence == entry.0 && label < entry.1.as_str()) {
                *entry = (confidence, label.to_owned());
            }
        }
        let mut ranked: Vec<Resolution> = by_sheet
            .into_iter()
            .map(|(rome, (confidence, label))| Resolution {
                rome,
                label,
                confidence: confidence.clamp(0.0, 1.0),
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then_with(|| a.rome.cmp(&b.rome))
        });
        ranked.truncate(limit);
        Ok(ranked)
    }

    /// ROME competences, soft skills and knowledge items whose label matches `text`, best
    /// first, at most `limit`: BM25 coordinated by the share of the query's terms a label holds
    /// (as the offer search ranks, see [`crate::ScoreBreakdown`]), ties by OGR code. A word
    /// the referential does not hold is searched as its closest term ([`Correction`], given
    /// with every hit).
    pub fn competences(&self, text: &str, limit: usize) -> Result<Vec<CompetenceHit>, IndexError> {
        let words = crate::offers::typed_words(text);
        if words.iter().all(|(_, terms)| terms.is_empty()) || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let label = self.fields.label;
        let absent = |term: &str| Ok(searcher.doc_freq(&Term::from_field_text(label, term))? == 0);
        let (words, corrections) = ranking::correct(words, absent, || self.vocabulary(&searcher))?;
        let terms: BTreeSet<&str> = words
            .iter()
            .flat_map(|(_, terms)| terms.iter().map(String::as_str))
            .collect();
        let mut clauses = Vec::new();
        for (of, &text) in terms.iter().enumerate() {
            let term = Term::from_field_text(label, text);
            if searcher.doc_freq(&term)? == 0 {
                continue;
            }
            let weight = Bm25Weight::for_terms(&searcher, std::slice::from_ref(&term))?;
            clauses.push(Clause {
                term,
                weight,
                of,
                naming: true,
            });
        }
        let text_query: Box<dyn Query> = Box::new(CoordinatedQuery::new(clauses, terms.len()));
        let query = BooleanQuery::new(vec![
            (Occur::Must, self.kinds(&[KIND_COMPETENCE])),
            (Occur::Must, text_query),
        ]);
        let pool = limit.saturating_mul(2).min(doc_cap(&searcher));
        let collector = TopDocs::with_limit(pool).order_by_score();
        let hits = searcher.search(&query, &collector)?;
        let best = hits.first().map_or(0.0, |(s, _)| f64::from(*s));
        let mut found = Vec::with_capacity(hits.len());
        for (score, address) in hits {
            let doc: TantivyDocument = searcher.doc(address)?;
            let ogr = doc
                .get_first(self.fields.ogr)
                .and_then(|v| v.as_u64())
                .and_then(|n| u32::try_from(n).ok())
                .and_then(|n| n.to_string().parse::<OgrCode>().ok());
            let Some(ogr) = ogr else { continue };
            let text_of = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            found.push(CompetenceHit {
                ogr,
                label: text_of(self.fields.label),
                kind: kind_from_key(&text_of(self.fields.competence_kind)),
                relevance: if best > 0.0 {
                    f64::from(score) / best
                } else {
                    0.0
                },
                corrections: corrections.clone(),
            });
        }
        found.sort_by(|a, b| {
            b.relevance
                .total_cmp(&a.relevance)
                .then_with(|| a.ogr.cmp(&b.ogr))
        });
        found.truncate(limit);
        Ok(found)
    }
}

/// The number of documents, at least 1: tantivy sizes its heap by the limit it is given.
fn doc_cap(searcher: &tantivy::Searcher) -> usize {
    usize::try_from(searcher.num_docs())
        .unwrap_or(usize::MAX)
        .max(1)
}

/// String similarity of two normalised word lists in [0, 1]: the mean of a token-set ratio
/// (shared words vs. the rest, forgiving extra words) and a token-sort ratio (whole sorted
/// strings, penalising them), each a normalised Levenshtein similarity.
pub(crate) fn similarity(a: &[String], b: &[String]) -> f64 {
    let set_a: BTreeSet<&str> = a.iter().map(String::as_str).collect();
    let set_b: BTreeSet<&str> = b.iter().map(String::as_str).collect();
    if set_a.is_empty() || set_b.is_empty() {
        return 0.0;
    }
    let join = |words: Vec<&str>| words.join(" ");
    let shared = join(set_a.intersection(&set_b).copied().collect());
    let only_a = join(set_a.difference(&set_b).copied().collect());
    let only_b = join(set_b.difference(&set_a).copied().collect());
    let with = |rest: &str| format!("{shared} {rest}").trim().to_owned();
    let (full_a, full_b) = (with(&only_a), with(&only_b));
    let ratio = |x: &str, y: &str| {
        if x.is_empty() || y.is_empty() {
            0.0
        } else {
            strsim::normalized_levenshtein(x, y)
        }
    };
    let token_set = ratio(&shared, &full_a)
        .max(ratio(&shared, &full_b))
        .max(ratio(&full_a, &full_b));
    let token_sort = ratio(
        &join(set_a.iter().copied().collect()),
        &join(set_b.iter().copied().collect()),
    );
    (token_set + token_sort) / 2.0
}
