//! The offers index: the training map, searchable by text, codes, level, mode and place.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::path::Path;

use crate::analysis::MAX_WORD;
use gapmap_model::{
    BassinCode, Certification, Cfd, Departement, EuropeanLevel, GeoPoint, Offer, OfferId, OgrCode,
    Referential, RegionCode, RncpCode, RomeCode, SchoolCode, TrainingMode,
};
use tantivy::collector::TopDocs;
use tantivy::postings::Postings;
use tantivy::query::{
    AllQuery, Bm25StatisticsProvider, Bm25Weight, BooleanQuery, ConstScoreQuery, Occur, Query,
    RangeQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::IndexError;
use crate::analysis::{self, FRENCH};
use crate::ranking::{self, Clause, CoordinatedQuery, Correction};

/// A radius around a point. The index knows no places: a commune's or an area's point comes from
/// the territory's geography (`gapmap_match::geo::Places`, through the engine).
#[derive(Clone, Debug, PartialEq)]
pub struct Near {
    /// The centre.
    pub center: GeoPoint,
    /// Radius in kilometres (great-circle distance).
    pub radius_km: f64,
}

/// A search over the offers: free text plus filters. Empty filters do not filter; a filter
/// holding several values keeps offers matching any of them.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferQuery {
    /// Free text (French), matched against the course label, certification labels, school name,
    /// ROME labels and job titles, core competences and RNCP skill blocks. Empty: filters only.
    pub text: String,
    /// ROME sheets: an offer matches if it leads to one of them or to its parent.
    pub rome: Vec<RomeCode>,
    /// Lowest European level (inclusive). Offers without a level fail a level filter.
    pub min_level: Option<EuropeanLevel>,
    /// Highest European level (inclusive).
    pub max_level: Option<EuropeanLevel>,
    /// School or apprenticeship.
    pub mode: Option<TrainingMode>,
    /// Départements.
    pub departements: Vec<Departement>,
    /// Regions.
    pub regions: Vec<RegionCode>,
    /// BMO employment areas.
    pub bassins: Vec<BassinCode>,
    /// Schools (UAI or other school codes).
    pub schools: Vec<SchoolCode>,
    /// Within a radius (offers without a point fail this filter).
    pub near: Option<Near>,
    /// Maximum number of hits.
    pub limit: usize,
}

impl Default for OfferQuery {
    fn default() -> Self {
        OfferQuery {
            text: String::new(),
            rome: Vec::new(),
            min_level: None,
            max_level: None,
            mode: None,
            departements: Vec::new(),
            regions: Vec::new(),
            bassins: Vec::new(),
            schools: Vec::new(),
            near: None,
            limit: 20,
        }
    }
}

/// One part of a hit's text score: a term of the query found in one text field of the offer.
#[derive(Clone, Debug, PartialEq)]
pub struct ScorePart {
    /// The text field: `label`, `certification`, `rome_label`, `rome_title` (the job titles
    /// of its ROME sheets), `skill_block`, `competence_text` or `school` (see
    /// [`OfferQuery::text`]).
    pub field: &'static str,
    /// The field's weight (what the course is called weighs more than its occupations).
    pub boost: f64,
    /// The term as analysed (folded, stemmed).
    pub term: String,
    /// The query words, as typed, that give this term.
    pub words: Vec<String>,
    /// Occurrences of the term in the field.
    pub term_freq: u32,
    /// Its BM25, the field's weight included: the parts of a hit add up to its `bm25`.
    pub bm25: f64,
}

/// How a hit's score was made. `score` of the hit equals `text`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScoreBreakdown {
    /// Raw BM25 of the text part (0 without text): the sum of `parts`.
    pub bm25: f64,
    /// Each (field, term) that matched and its share of `bm25`, largest first.
    pub parts: Vec<ScorePart>,
    /// Distinct terms of the query found in the offer (in any text field): the text part ranks
    /// by `bm25 * terms_held() / terms_searched` (an offer holding every term of the query
    /// before one holding a few, unless their BM25 are far apart). Terms, not words, so that
    /// "cybersécurité" and "cyber sécurité" rank alike.
    pub terms_found: usize,
    /// Of those, the terms held in a field that names the offer (its label, its certifications'
    /// labels); the others count half in the coordination.
    pub terms_named: usize,
    /// Distinct terms the query searched.
    pub terms_searched: usize,
    /// Query words found neither in the training map nor in the ROME referential, searched as
    /// the closest term of the training map.
    pub corrections: Vec<Correction>,
    /// BM25 divided by the best BM25 of the search, in [0, 1].
    pub text: f64,
    /// Distance from the centre, when a radius was asked.
    pub distance_km: Option<f64>,
    /// The filters the offer passed, as `name=value` (`rome=M1802`, `level=4..5`).
    pub filters: Vec<String>,
}

impl ScoreBreakdown {
    /// The terms held, as the coordination counts them: each term named 1, each other term
    /// found a half (a term found only in what the offer's occupations are called or require,
    /// or in its school's name, is weaker evidence than one in its name).
    ///
    /// ```
    /// let b = gapmap_index::ScoreBreakdown { terms_found: 2, terms_named: 1, ..Default::default() };
    /// assert_eq!(b.terms_held(), 1.5);
    /// ```
    pub fn terms_held(&self) -> f64 {
        ranking::held(self.terms_found, self.terms_named)
    }
}

/// One offer found by a search.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferHit {
    /// The offer.
    pub offer: OfferId,
    /// Its label.
    pub label: String,
    /// Ranking score in [0, 1] (see [`ScoreBreakdown`]).
    pub score: f64,
    /// How the score was made.
    pub breakdown: ScoreBreakdown,
    /// Query words (lowercase, as typed) found in the offer's text fields.
    pub matched_terms: Vec<String>,
}

/// Text fields and their boosts: what the course is called weighs more than what its
/// occupations require.
const TEXT_FIELDS: &[(&str, f32)] = &[
    ("label", 3.0),
    ("certification", 2.0),
    ("rome_label", 1.5),
    ("rome_title", 1.0),
    ("skill_block", 1.0),
    ("competence_text", 0.7),
    ("school", 0.5),
];

/// The text fields that name a course: a query term found only in the others (what its
/// occupations are called or require, its school) counts half in the coordination.
const NAMING_FIELDS: &[&str] = &["label", "certification"];

#[derive(Clone)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    order: Field,
    /// The text fields: name, field, boost.
    text: Vec<(&'static str, Field, f32)>,
    pub(crate) label: Field,
    pub(crate) certification: Field,
    pub(crate) rome_label: Field,
    pub(crate) rome_title: Field,
    skill_block: Field,
    competence_text: Field,
    school: Field,
    pub(crate) rome: Field,
    pub(crate) rome_domain: Field,
    pub(crate) competence: Field,
    cfd: Field,
    rncp: Field,
    formacode: Field,
    nsf: Field,
    uai: Field,
    commune: Field,
    departement: Field,
    pub(crate) region: Field,
    bassin: Field,
    mode: Field,
    source: Field,
    level: Field,
    capacity: Field,
    year: Field,
    lat: Field,
    lon: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(FRENCH)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let label = b.add_text_field("label", text(true));
    let certification = b.add_text_field("certification", text(false));
    let rome_label = b.add_text_field("rome_label", text(false));
    let rome_title = b.add_text_field("rome_title", text(false));
    let skill_block = b.add_text_field("skill_block", text(false));
    let competence_text = b.add_text_field("competence_text", text(false));
    let school = b.add_text_field("school", text(false));
    let by_name: HashMap<&str, Field> = [
        ("label", label),
        ("certification", certification),
        ("rome_label", rome_label),
        ("rome_title", rome_title),
        ("skill_block", skill_block),
        ("competence_text", competence_text),
        ("school", school),
    ]
    .into_iter()
    .collect();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        order: b.add_u64_field("order", FAST),
        text: TEXT_FIELDS
            .iter()
            .filter_map(|&(name, boost)| Some((name, *by_name.get(name)?, boost)))
            .collect(),
        label,
        certification,
        rome_label,
        rome_title,
        skill_block,
        competence_text,
        school,
        rome: b.add_text_field("rome", STRING),
        rome_domain: b.add_text_field("rome_domain", STRING),
        competence: b.add_text_field("competence", STRING),
        cfd: b.add_text_field("cfd", STRING),
        rncp: b.add_text_field("rncp", STRING),
        formacode: b.add_text_field("formacode", STRING),
        nsf: b.add_text_field("nsf", STRING),
        uai: b.add_text_field("uai", STRING),
        commune: b.add_text_field("commune", STRING),
        departement: b.add_text_field("departement", STRING),
        region: b.add_text_field("region", STRING),
        bassin: b.add_text_field("bassin", STRING),
        mode: b.add_text_field("mode", STRING),
        source: b.add_text_field("source", STRING),
        level: b.add_u64_field("level", INDEXED | FAST),
        capacity: b.add_u64_field("capacity", FAST),
        year: b.add_u64_field("year", INDEXED | FAST),
        lat: b.add_f64_field("lat", FAST),
        lon: b.add_f64_field("lon", FAST),
    };
    (b.build(), fields)
}

/// Referential lookups prepared once for a build.
struct Lookups<'a> {
    referential: &'a Referential,
    by_cfd: HashMap<Cfd, Vec<&'a Certification>>,
    by_rncp: HashMap<RncpCode, Vec<&'a Certification>>,
    children: HashMap<RomeCode, Vec<RomeCode>>,
    titles: HashMap<RomeCode, Vec<&'a str>>,
    competences: HashMap<RomeCode, Vec<(OgrCode, bool)>>,
}

impl<'a> Lookups<'a> {
    fn new(referential: &'a Referential) -> Self {
        let mut by_cfd: HashMap<Cfd, Vec<&Certification>> = HashMap::new();
        let mut by_rncp: HashMap<RncpCode, Vec<&Certification>> = HashMap::new();
        for c in &referential.certifications {
            if let Some(cfd) = c.cfd {
                by_cfd.entry(cfd).or_default().push(c);
            }
            if let Some(rncp) = c.rncp {
                by_rncp.entry(rncp).or_default().push(c);
            }
        }
        let mut children: HashMap<RomeCode, Vec<RomeCode>> = HashMap::new();
        for m in referential.metiers.values() {
            children.entry(m.parent).or_default().push(m.code);
        }
        let mut titles: HashMap<RomeCode, Vec<&str>> = HashMap::new();
        for a in &referential.appellations {
            titles.entry(a.rome).or_default().push(a.label.as_str());
        }
        let mut competences: HashMap<RomeCode, Vec<(OgrCode, bool)>> = HashMap::new();
        for link in &referential.metier_competences {
            competences
                .entry(link.rome)
                .or_default()
                .push((link.competence, link.core));
        }
        Lookups {
            referential,
            by_cfd,
            by_rncp,
            children,
            titles,
            competences,
        }
    }
}

/// The offers index (see the module docs).
pub(crate) struct OffersIndex {
    reader: IndexReader,
    pub(crate) fields: Fields,
    /// The terms that name offers, for corrections (read on first need).
    vocabulary: std::sync::OnceLock<Vec<(String, u64)>>,
}

impl OffersIndex {
    /// Builds the index in `dir` (an empty folder) or in memory.
    pub(crate) fn build(
        dir: Option<&Path>,
        offers: &[Offer],
        referential: &Referential,
    ) -> Result<OffersIndex, IndexError> {
        let (schema, fields) = schema();
        let index = match dir {
            Some(dir) => Index::create_in_dir(dir, schema)?,
            None => Index::create_in_ram(schema),
        };
        analysis::register(&index);
        let lookups = Lookups::new(referential);
        // Offers in id order; `order` is the rank used to break score ties.
        let mut sorted: Vec<&Offer> = offers.iter().collect();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4));
        let mut writer = index.writer_with_num_threads(threads, 60_000_000 * threads)?;
        let mut rome_terms = HashMap::new();
        for (rank, offer) in sorted.iter().enumerate() {
            let doc = document(&fields, &lookups, offer, rank as u64, &mut rome_terms);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        Self::from_index(index, fields)
    }

    pub(crate) fn open(dir: &Path) -> Result<OffersIndex, IndexError> {
        let index = crate::directory::ReadOnly::open(dir)?;
        crate::store::verify(&index, dir)?;
        analysis::register(&index);
        let (_, fields) = schema();
        Self::from_index(index, fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<OffersIndex, IndexError> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(OffersIndex {
            reader,
            fields,
            vocabulary: std::sync::OnceLock::new(),
        })
    }

    /// Number of indexed offers.
    pub(crate) fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The text query over the text fields that hold each term, coordinated over the
    /// `searched` distinct terms (see [`CoordinatedQuery`]).
    fn term_query(weights: &[PartWeight], searched: usize) -> Box<dyn Query> {
        let mut texts: Vec<&str> = Vec::new();
        let clauses = weights
            .iter()
            .map(|w| {
                let of = texts.iter().position(|t| *t == w.text).unwrap_or_else(|| {
                    texts.push(&w.text);
                    texts.len() - 1
                });
                Clause {
                    term: w.term.clone(),
                    weight: w.weight.clone(),
                    of,
                    naming: NAMING_FIELDS.contains(&w.field),
                }
            })
            .collect();
        Box::new(CoordinatedQuery::new(clauses, searched))
    }

    pub(crate) fn filter_of_codes(field: Field, values: &[String]) -> Box<dyn Query> {
        let terms = values.iter().map(|v| Term::from_field_text(field, v));
        Box::new(ConstScoreQuery::new(
            Box::new(TermSetQuery::new(terms)),
            0.0,
        ))
    }

    /// Runs `scoring` (which may match nothing but filters) restricted by `filters`, keeps the
    /// docs inside `circle` if any, and returns the best `limit` with their ranking score
    /// (coordinated BM25, see [`CoordinatedQuery`]), ranked by score then offer id.
    pub(crate) fn top(
        &self,
        searcher: &Searcher,
        scoring: Option<Box<dyn Query>>,
        filters: Vec<Box<dyn Query>>,
        circle: Option<(GeoPoint, f64)>,
        limit: usize,
    ) -> Result<Vec<(f32, DocAddress, Option<f64>)>, IndexError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            filters.into_iter().map(|f| (Occur::Must, f)).collect();
        if let Some(scoring) = scoring {
            clauses.push((Occur::Must, scoring));
        }
        if let Some((center, radius)) = circle {
            for (field, lo, hi) in bounding_box(center, radius, &self.fields) {
                let range = RangeQuery::new(
                    Bound::Included(Term::from_field_f64(field, lo)),
                    Bound::Included(Term::from_field_f64(field, hi)),
                );
                clauses.push((
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(Box::new(range), 0.0)),
                ));
            }
        }
        let query: Box<dyn Query> = if clauses.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        let (order_name, lat_name, lon_name) = ("order", "lat", "lon");
        // tantivy sizes its heap by the limit: never ask for more than there are documents.
        let capped = limit.clamp(
            1,
            usize::try_from(searcher.num_docs())
                .unwrap_or(usize::MAX)
                .max(1),
        );
        let collector =
            TopDocs::with_limit(capped).tweak_score(move |segment: &tantivy::SegmentReader| {
                let fast = segment.fast_fields();
                let order = fast.u64(order_name).ok();
                let lat = fast.f64(lat_name).ok();
                let lon = fast.f64(lon_name).ok();
                move |doc: tantivy::DocId, score: tantivy::Score| {
                    let inside = match circle {
                        None => true,
                        Some((center, radius)) => {
                            let point = lat
                                .as_ref()
                                .and_then(|c| c.first(doc))
                                .zip(lon.as_ref().and_then(|c| c.first(doc)))
                                .and_then(|(la, lo)| GeoPoint::new(la, lo));
                            point.is_some_and(|p| p.distance_km(center) <= radius)
                        }
                    };
                    let rank = order
                        .as_ref()
                        .and_then(|c| c.first(doc))
                        .unwrap_or(u64::MAX);
                    (inside, score, Reverse(rank))
                }
            });
        let found = searcher.search(query.as_ref(), &collector)?;
        let mut top = Vec::with_capacity(found.len());
        for ((inside, score, _), address) in found {
            if !inside {
                continue;
            }
            let distance = match circle {
                Some((center, _)) => self.point(searcher, address).map(|p| p.distance_km(center)),
                None => None,
            };
            top.push((score, address, distance));
        }
        top.truncate(limit);
        Ok(top)
    }

    fn point(&self, searcher: &Searcher, address: DocAddress) -> Option<GeoPoint> {
        let fast = searcher.segment_reader(address.segment_ord).fast_fields();
        let lat = fast.f64("lat").ok()?.first(address.doc_id)?;
        let lon = fast.f64("lon").ok()?.first(address.doc_id)?;
        GeoPoint::new(lat, lon)
    }

    pub(crate) fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The stored id and label of a hit.
    pub(crate) fn id_and_label(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> Result<(OfferId, String), IndexError> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text_of = |f: Field| {
            doc.get_first(f)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        Ok((OfferId(text_of(self.fields.id)), text_of(self.fields.label)))
    }

    /// Whether the document holds `term` in `field` (read from the postings, so it works for
    /// fields that are not stored).
    pub(crate) fn has_term(
        searcher: &Searcher,
        address: DocAddress,
        term: &Term,
    ) -> Result<bool, IndexError> {
        let segment = searcher.segment_reader(address.segment_ord);
        let inverted = segment.inverted_index(term.field())?;
        let postings = inverted.read_postings(term, IndexRecordOption::Basic)?;
        let target = address.doc_id;
        // `seek` requires the cursor not to be past the target already.
        Ok(postings.is_some_and(|mut p| p.doc() <= target && p.seek(target) == target))
    }

    /// The terms of the fields that name an offer (label, certification, ROME labels and job
    /// titles) with their document counts, read once.
    fn vocabulary(&self, searcher: &Searcher) -> Result<&[(String, u64)], IndexError> {
        if let Some(v) = self.vocabulary.get() {
            return Ok(v);
        }
        let f = &self.fields;
        let terms = ranking::vocabulary(
            searcher,
            &[f.label, f.certification, f.rome_label, f.rome_title],
        )?;
        Ok(self.vocabulary.get_or_init(|| terms))
    }

    /// The BM25 weight of every (text field, query term) pair where the field holds the term,
    /// the field's boost included, computed once per search: the clauses
    /// [`Self::term_query`] scores with.
    fn part_weights(
        &self,
        searcher: &Searcher,
        words: &[(String, Vec<String>)],
    ) -> Result<Vec<PartWeight>, IndexError> {
        let mut terms: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (word, analysed) in words {
            for term in analysed {
                let typed = terms.entry(term).or_default();
                if !typed.contains(word) {
                    typed.push(word.clone());
                }
            }
        }
        let mut weights = Vec::new();
        let docs = searcher.total_num_docs()?;
        for &(name, field, boost) in &self.fields.text {
            let mut average_norm = None;
            for (text, typed) in &terms {
                let term = Term::from_field_text(field, text);
                let doc_freq = searcher.doc_freq(&term)?;
                // A field that does not hold the term adds nothing: no clause, no part.
                if doc_freq == 0 {
                    continue;
                }
                // The statistics tantivy's term query scores with (`Bm25Weight::for_terms`).
                let average = match average_norm {
                    Some(a) => a,
                    None => {
                        let a = searcher.total_num_tokens(field)? as f32 / docs.max(1) as f32;
                        *average_norm.insert(a)
                    }
                };
                let weight = Bm25Weight::for_one_term_without_explain(doc_freq, docs, average)
                    .boost_by(boost);
                weights.push(PartWeight {
                    field: name,
                    boost,
                    text: (*text).to_owned(),
                    term,
                    words: typed.clone(),
                    weight,
                });
            }
        }
        Ok(weights)
    }

    /// The parts of each document's BM25 (see [`ScorePart`]), largest first: each (field, term)
    /// posting list is read once per segment, in document order.
    fn score_parts(
        searcher: &Searcher,
        addresses: &[DocAddress],
        weights: &[PartWeight],
    ) -> Result<Vec<Vec<ScorePart>>, IndexError> {
        let mut parts: Vec<Vec<ScorePart>> = vec![Vec::new(); addresses.len()];
        let mut order: Vec<usize> = (0..addresses.len()).collect();
        order.sort_by_key(|&i| (addresses[i].segment_ord, addresses[i].doc_id));
        for same_segment in
            order.chunk_by(|&a, &b| addresses[a].segment_ord == addresses[b].segment_ord)
        {
            let segment = searcher.segment_reader(addresses[same_segment[0]].segment_ord);
            for w in weights {
                let field = w.term.field();
                let inverted = segment.inverted_index(field)?;
                let Some(mut postings) =
                    inverted.read_postings(&w.term, IndexRecordOption::WithFreqs)?
                else {
                    continue;
                };
                let norms = segment.get_fieldnorms_reader(field)?;
                for &i in same_segment {
                    let doc = addresses[i].doc_id;
                    // Documents come in increasing order: the cursor never passes a target.
                    if postings.doc() > doc || postings.seek(doc) != doc {
                        continue;
                    }
                    let term_freq = postings.term_freq();
                    parts[i].push(ScorePart {
                        field: w.field,
                        boost: f64::from(w.boost),
                        term: w.text.clone(),
                        words: w.words.clone(),
                        term_freq,
                        bm25: f64::from(w.weight.score(norms.fieldnorm_id(doc), term_freq)),
                    });
                }
            }
        }
        for p in &mut parts {
            p.sort_by(|a, b| b.bm25.total_cmp(&a.bm25));
        }
        Ok(parts)
    }

    /// The query's words corrected (see [`Correction`]), the corrections and the weights of
    /// the terms searched. A term no field of the map holds and `known` (the ROME referential's
    /// words) does not either is a typo, most likely.
    fn corrected(
        &self,
        searcher: &Searcher,
        words: ranking::Words,
        known: &dyn Fn(&str) -> Result<bool, IndexError>,
    ) -> Result<(ranking::Words, Vec<Correction>, Vec<PartWeight>), IndexError> {
        let weights = self.part_weights(searcher, &words)?;
        let absent = |term: &str| Ok(!weights.iter().any(|w| w.text == term) && !known(term)?);
        let (words, corrections) = ranking::correct(words, absent, || self.vocabulary(searcher))?;
        if corrections.is_empty() {
            return Ok((words, corrections, weights));
        }
        let weights = self.part_weights(searcher, &words)?;
        Ok((words, corrections, weights))
    }

    /// The corrections a search of `text` makes (see [`Correction`]).
    pub(crate) fn corrections(
        &self,
        text: &str,
        known: &dyn Fn(&str) -> Result<bool, IndexError>,
    ) -> Result<Vec<Correction>, IndexError> {
        let searcher = self.searcher();
        Ok(self.corrected(&searcher, typed_words(text), known)?.1)
    }

    /// tantivy's own BM25 of an offer for `text` (words corrected as a search corrects them):
    /// the score its term queries give, for tests to check the parts against.
    #[cfg(test)]
    pub(crate) fn tantivy_bm25(
        &self,
        text: &str,
        offer: &OfferId,
        known: &dyn Fn(&str) -> Result<bool, IndexError>,
    ) -> Result<f64, IndexError> {
        let searcher = self.searcher();
        let (words, _, _) = self.corrected(&searcher, typed_words(text), known)?;
        let terms: BTreeSet<&String> = words.iter().flat_map(|(_, t)| t).collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for &(_, field, boost) in &self.fields.text {
            for term in &terms {
                let q = tantivy::query::TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                );
                let q = tantivy::query::BoostQuery::new(Box::new(q), boost);
                clauses.push((Occur::Should, Box::new(q)));
            }
        }
        self.score_of(&searcher, offer, Box::new(BooleanQuery::new(clauses)))
    }

    /// The score `query` gives `offer` (0 when it does not match it), for tests.
    #[cfg(test)]
    fn score_of(
        &self,
        searcher: &Searcher,
        offer: &OfferId,
        query: Box<dyn Query>,
    ) -> Result<f64, IndexError> {
        // The offer alone (its id, scoring nothing) and the query's score of it.
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Self::filter_of_codes(self.fields.id, &[offer.as_str().to_owned()]),
            ),
            (Occur::Must, query),
        ]);
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        Ok(top.first().map_or(0.0, |(score, _)| f64::from(*score)))
    }

    /// The score the ranking's [`CoordinatedQuery`] gives an offer for `text`, for tests to
    /// check against the coordinated BM25 of its parts.
    #[cfg(test)]
    pub(crate) fn ranking_score(
        &self,
        text: &str,
        offer: &OfferId,
        known: &dyn Fn(&str) -> Result<bool, IndexError>,
    ) -> Result<f64, IndexError> {
        let searcher = self.searcher();
        let (words, _, weights) = self.corrected(&searcher, typed_words(text), known)?;
        let searched = words
            .iter()
            .flat_map(|(_, t)| t)
            .collect::<BTreeSet<_>>()
            .len();
        self.score_of(&searcher, offer, Self::term_query(&weights, searched))
    }

    /// Runs an [`OfferQuery`] whose ROME codes were already expanded to their parents.
    pub(crate) fn search(
        &self,
        query: &OfferQuery,
        rome_codes: &[String],
        known: &dyn Fn(&str) -> Result<bool, IndexError>,
    ) -> Result<Vec<OfferHit>, IndexError> {
        let f = &self.fields;
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        let mut passed: Vec<String> = Vec::new();
        if !rome_codes.is_empty() {
            filters.push(Self::filter_of_codes(f.rome, rome_codes));
            passed.push(format!("rome={}", rome_codes.join("|")));
        }
        if query.min_level.is_some() || query.max_level.is_some() {
            let lo = query.min_level.map_or(0, |l| u64::from(l.get()));
            let hi = query.max_level.map_or(u64::MAX, |l| u64::from(l.get()));
            if lo > hi {
                return Err(IndexError::InvalidQuery(format!(
                    "level range {lo}..{hi} is empty"
                )));
            }
            let range = RangeQuery::new(
                Bound::Included(Term::from_field_u64(f.level, lo)),
                Bound::Included(Term::from_field_u64(f.level, hi)),
            );
            filters.push(Box::new(ConstScoreQuery::new(Box::new(range), 0.0)));
            let show =
                |l: Option<EuropeanLevel>| l.map(|l| l.get().to_string()).unwrap_or_default();
            passed.push(format!(
                "level={}..{}",
                show(query.min_level),
                show(query.max_level)
            ));
        }
        if let Some(mode) = query.mode {
            filters.push(Self::filter_of_codes(f.mode, &[mode.key().to_owned()]));
            passed.push(format!("mode={}", mode.key()));
        }
        let mut code_filter = |name: &str, field: Field, values: Vec<String>| {
            if !values.is_empty() {
                passed.push(format!("{name}={}", values.join("|")));
                filters.push(Self::filter_of_codes(field, &values));
            }
        };
        code_filter(
            "departement",
            f.departement,
            query
                .departements
                .iter()
                .map(|d| d.as_str().to_owned())
                .collect(),
        );
        code_filter(
            "region",
            f.region,
            query.regions.iter().map(|r| r.to_string()).collect(),
        );
        code_filter(
            "bassin",
            f.bassin,
            query.bassins.iter().map(|b| b.to_string()).collect(),
        );
        code_filter(
            "school",
            f.uai,
            query
                .schools
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
        );
        let circle = match &query.near {
            Some(near) => {
                if !(near.radius_km.is_finite() && near.radius_km >= 0.0) {
                    return Err(IndexError::InvalidQuery(format!(
                        "radius {} km is not a distance",
                        near.radius_km
                    )));
                }
                let center = near.center;
                passed.push(format!("within={}km", near.radius_km));
                Some((center, near.radius_km))
            }
            None => None,
        };
        let words = typed_words(&query.text);
        let terms: Vec<String> = words.iter().flat_map(|(_, t)| t.iter().cloned()).collect();
        // A text with no searchable word would filter nothing and rank nothing: every offer,
        // each with the same score. Said instead.
        if terms.is_empty() && !query.text.trim().is_empty() {
            return Err(IndexError::InvalidQuery(format!(
                "no searchable word in {:?} (only stop words, punctuation or symbols, or words of {MAX_WORD} bytes or more)",
                query.text.chars().take(60).collect::<String>()
            )));
        }
        if terms.is_empty() && filters.is_empty() && circle.is_none() {
            return Err(IndexError::InvalidQuery(
                "nothing to search: give a text or a filter (ROME code, level, mode, place)"
                    .to_owned(),
            ));
        }
        let searcher = self.searcher();
        let (words, corrections, weights) = self.corrected(&searcher, words, known)?;
        let searched = words
            .iter()
            .flat_map(|(_, terms)| terms)
            .collect::<BTreeSet<_>>()
            .len();
        let scoring = (searched > 0).then(|| Self::term_query(&weights, searched));
        let top = self.top(&searcher, scoring, filters, circle, query.limit)?;
        let addresses: Vec<DocAddress> = top.iter().map(|(_, a, _)| *a).collect();
        let all_parts = Self::score_parts(&searcher, &addresses, &weights)?;
        let mut hits = Vec::with_capacity(top.len());
        for ((_, address, distance_km), parts) in top.into_iter().zip(all_parts) {
            let (offer, label) = self.id_and_label(&searcher, address)?;
            // The typed words found, in the order they were typed.
            let matched_terms = words
                .iter()
                .map(|(word, _)| word)
                .filter(|word| parts.iter().any(|p| p.words.contains(word)))
                .fold(Vec::new(), |mut found: Vec<String>, word| {
                    if !found.contains(word) {
                        found.push(word.clone());
                    }
                    found
                });
            let bm25: f64 = parts.iter().map(|p| p.bm25).sum();
            let found = parts
                .iter()
                .map(|p| p.term.as_str())
                .collect::<BTreeSet<_>>()
                .len();
            let named = parts
                .iter()
                .filter(|p| NAMING_FIELDS.contains(&p.field))
                .map(|p| p.term.as_str())
                .collect::<BTreeSet<_>>()
                .len();
            hits.push(OfferHit {
                offer,
                label,
                score: 0.0,
                breakdown: ScoreBreakdown {
                    bm25,
                    parts,
                    terms_found: found,
                    terms_named: named,
                    terms_searched: searched,
                    corrections: corrections.clone(),
                    text: 0.0,
                    distance_km,
                    filters: passed.clone(),
                },
                matched_terms,
            });
        }
        // Scores on [0, 1]: the coordinated BM25 over the best's.
        let coordinated = |b: &ScoreBreakdown| {
            ranking::coordinated(b.bm25, b.terms_found, b.terms_named, b.terms_searched)
        };
        let best = hits
            .iter()
            .map(|h| coordinated(&h.breakdown))
            .fold(0.0, f64::max);
        for h in &mut hits {
            let text = if best > 0.0 {
                coordinated(&h.breakdown) / best
            } else {
                0.0
            };
            h.score = text;
            h.breakdown.text = text;
        }
        // The collector ranked by a float approximation: the published scores set the order
        // (stable: equal scores keep the offer order).
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        Ok(hits)
    }
}

/// The BM25 weight of one text field for one query term (see [`OffersIndex::part_weights`]).
struct PartWeight {
    field: &'static str,
    boost: f32,
    /// The term's text.
    text: String,
    term: Term,
    words: Vec<String>,
    weight: Bm25Weight,
}

/// The words of a query as typed (lowercase) that give a searchable term, in order: what a
/// hit's `matched_terms` is made of.
///
/// ```
/// assert_eq!(gapmap_index::query_words("Maintenance de l'Aéronautique"), ["maintenance", "aéronautique"]);
/// ```
pub fn query_words(text: &str) -> Vec<String> {
    typed_words(text)
        .into_iter()
        .map(|(word, _)| word)
        .collect()
}

/// The words of a query as typed (lowercase) with the terms each gives.
pub(crate) fn typed_words(text: &str) -> ranking::Words {
    let mut analyzer = analysis::french_analyzer();
    let text = analysis::clean(text);
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| (w.to_lowercase(), analysis::run(&mut analyzer, w)))
        .filter(|(_, terms)| !terms.is_empty())
        .collect()
}

fn bounding_box(center: GeoPoint, radius_km: f64, fields: &Fields) -> [(Field, f64, f64); 2] {
    let dlat = (radius_km / GeoPoint::EARTH_RADIUS_KM).to_degrees();
    let cos = center.lat.to_radians().cos().abs().max(1e-6);
    let dlon = (dlat / cos).min(180.0);
    [
        (fields.lat, center.lat - dlat, center.lat + dlat),
        (fields.lon, center.lon - dlon, center.lon + dlon),
    ]
}

/// The ROME part of an offer's document, the same for every offer with the same sheets (so it is
/// computed once per set of sheets).
struct RomeTerms<'a> {
    /// The offer's sheets and their parents.
    rome: Vec<String>,
    /// Domains of the family (the sheets, their parents and the parents' children).
    domains: Vec<String>,
    /// Labels of the family's sheets.
    labels: Vec<&'a str>,
    /// Job titles (appellations) of the offer's own sheets and their parents.
    titles: Vec<&'a str>,
    /// Core competences of the offer's own sheets, as text.
    competence_texts: Vec<&'a str>,
    /// Every competence of the family, as codes.
    competences: Vec<String>,
}

impl<'a> RomeTerms<'a> {
    fn new(lookups: &Lookups<'a>, codes: &[RomeCode]) -> RomeTerms<'a> {
        let referential = lookups.referential;
        // ROME: the offer's sheets, their parents, and the family (children of those parents).
        let direct: BTreeSet<RomeCode> = codes.iter().copied().collect();
        let parents: BTreeSet<RomeCode> =
            direct.iter().map(|&c| referential.parent_of(c)).collect();
        let mut family: BTreeSet<RomeCode> = direct.union(&parents).copied().collect();
        for parent in &parents {
            family.extend(lookups.children.get(parent).into_iter().flatten().copied());
        }
        let rome = direct
            .union(&parents)
            .map(|c| c.as_str().to_owned())
            .collect();
        let domains: BTreeSet<String> = family.iter().map(|c| c.domain().to_owned()).collect();
        let mut labels = Vec::new();
        let mut competences: BTreeSet<OgrCode> = BTreeSet::new();
        let mut core_texts: BTreeSet<OgrCode> = BTreeSet::new();
        let mut competence_texts = Vec::new();
        for code in &family {
            if let Some(metier) = referential.metiers.get(code) {
                labels.push(metier.label.as_str());
            }
            // Core competences of the offer's own sheets as text; all of the family as codes.
            let own = direct.contains(code) || parents.contains(code);
            for &(ogr, core) in lookups.competences.get(code).into_iter().flatten() {
                competences.insert(ogr);
                if own
                    && core
                    && core_texts.insert(ogr)
                    && let Some(c) = referential.competences.get(&ogr)
                {
                    competence_texts.push(c.label.as_str());
                }
            }
        }
        let titles = direct
            .union(&parents)
            .flat_map(|c| lookups.titles.get(c).into_iter().flatten().copied())
            .collect();
        RomeTerms {
            rome,
            domains: domains.into_iter().collect(),
            labels,
            titles,
            competence_texts,
            competences: competences.iter().map(OgrCode::to_string).collect(),
        }
    }

    fn add_to(&self, doc: &mut TantivyDocument, fields: &Fields) {
        for code in &self.rome {
            doc.add_text(fields.rome, code);
        }
        for domain in &self.domains {
            doc.add_text(fields.rome_domain, domain);
        }
        for label in &self.labels {
            doc.add_text(fields.rome_label, label);
        }
        for title in &self.titles {
            doc.add_text(fields.rome_title, title);
        }
        for text in &self.competence_texts {
            doc.add_text(fields.competence_text, text);
        }
        for code in &self.competences {
            doc.add_text(fields.competence, code);
        }
    }
}

fn document<'a>(
    fields: &Fields,
    lookups: &Lookups<'a>,
    offer: &Offer,
    rank: u64,
    rome_terms: &mut HashMap<Vec<RomeCode>, RomeTerms<'a>>,
) -> TantivyDocument {
    let referential = lookups.referential;
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, offer.id.as_str());
    doc.add_u64(fields.order, rank);
    doc.add_text(fields.label, &offer.label);
    if let Some(name) = &offer.school_name {
        doc.add_text(fields.school, name);
    }
    // Certifications by diploma code and by RNCP number, each once.
    let mut certifications: BTreeMap<u32, &Certification> = BTreeMap::new();
    if let Some(cfd) = offer.cfd {
        for c in lookups.by_cfd.get(&cfd).into_iter().flatten() {
            certifications.insert(c.certif_info_id, c);
        }
    }
    for rncp in &offer.rncp {
        for c in lookups.by_rncp.get(rncp).into_iter().flatten() {
            certifications.insert(c.certif_info_id, c);
        }
    }
    let mut rncps: BTreeSet<RncpCode> = offer.rncp.iter().copied().collect();
    for c in certifications.values() {
        doc.add_text(fields.certification, &c.label);
        rncps.extend(c.rncp);
    }
    for rncp in &rncps {
        doc.add_text(fields.rncp, rncp.to_string());
        for block in referential.skill_blocks.get(rncp).into_iter().flatten() {
            doc.add_text(fields.skill_block, &block.label);
        }
    }
    let mut codes = offer.rome.clone();
    codes.sort_unstable();
    codes.dedup();
    let terms = rome_terms
        .entry(codes)
        .or_insert_with_key(|codes| RomeTerms::new(lookups, codes));
    terms.add_to(&mut doc, fields);
    if let Some(cfd) = offer.cfd {
        doc.add_text(fields.cfd, cfd.as_str());
    }
    for formacode in &offer.formacodes {
        doc.add_text(fields.formacode, formacode.to_string());
    }
    if let Some(nsf) = offer.nsf {
        doc.add_text(fields.nsf, nsf.to_string());
    }
    doc.add_text(fields.uai, offer.school.as_str());
    let location = &offer.location;
    if let Some(commune) = location.commune {
        doc.add_text(fields.commune, commune.as_str());
    }
    doc.add_text(fields.departement, location.departement.as_str());
    if let Some(region) = location.region {
        doc.add_text(fields.region, region.to_string());
    }
    if let Some(bassin) = location.bassin {
        doc.add_text(fields.bassin, bassin.to_string());
    }
    doc.add_text(fields.mode, offer.mode.key());
    doc.add_text(fields.source, offer.source.key());
    if let Some(level) = offer.level {
        doc.add_u64(fields.level, u64::from(level.get()));
    }
    if let Some(seats) = offer.capacity.seats() {
        doc.add_u64(fields.capacity, u64::from(seats));
    }
    doc.add_u64(fields.year, u64::from(offer.year));
    if let Some(point) = location.point {
        doc.add_f64(fields.lat, point.lat);
        doc.add_f64(fields.lon, point.lon);
    }
    doc
}
