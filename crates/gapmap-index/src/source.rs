//! The matcher's view: [`CandidateSource`] over the offers and referential indexes.

use gapmap_match::{Candidate, CandidateSource, Resolution};
use gapmap_model::{Need, NeedLocation, RomeCode};
use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use crate::offers::{OffersIndex, typed_words};
use crate::{GapmapIndex, IndexError};

/// Boosts of the ways an offer can serve a need: its own ROME sheet first, then the parent
/// sheet, the professional domain, shared competences, and the specialty text.
const BOOST_SHEET: f32 = 4.0;
const BOOST_PARENT: f32 = 2.0;
const BOOST_DOMAIN: f32 = 0.5;
const BOOST_COMPETENCE: f32 = 0.2;
const BOOST_TEXT: f32 = 1.0;

impl GapmapIndex {
    /// The region a need's place belongs to, as far as the indexed offers tell.
    fn region_of(&self, location: &NeedLocation) -> Option<String> {
        let places = &self.offers.places;
        let region = match location {
            NeedLocation::Region(r) => Some(r.get()),
            NeedLocation::Departement(d) => places.departement_region.get(d.as_str()).copied(),
            NeedLocation::Bassin(b) => places.bassin_region.get(&b.get()).copied(),
            NeedLocation::Commune(c) => places
                .departement_region
                .get(c.departement().as_str())
                .copied(),
        }?;
        Some(format!("{region:02}"))
    }

    /// Candidate offers for `need` (see [`CandidateSource::candidates`]), with errors.
    ///
    /// An offer is a candidate if it leads to one of the need's sheets, their parents or their
    /// domains, shares one of its competences, or matches its specialty text; only offers of the
    /// need's region are kept when the region is known. Relevance is the summed score (sheet
    /// 4, parent 2, domain 0.5, each shared competence 0.2, specialty text BM25) divided by the
    /// best of the lookup; ties are broken by offer id.
    pub fn candidates_for(&self, need: &Need, limit: usize) -> Result<Vec<Candidate>, IndexError> {
        let f = &self.offers.fields;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut code_terms: Vec<(String, Term)> = Vec::new();
        let boosted = |term: Term, boost: f32| -> (Occur, Box<dyn Query>) {
            let q = TermQuery::new(term, IndexRecordOption::Basic);
            (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
        };
        let mut sheets: Vec<RomeCode> = need.rome.clone();
        sheets.sort();
        sheets.dedup();
        let mut parents: Vec<RomeCode> = sheets
            .iter()
            .map(|&c| self.referential.parent_of(c))
            .filter(|p| !sheets.contains(p))
            .collect();
        parents.sort();
        parents.dedup();
        let mut domains: Vec<&str> = sheets.iter().map(|c| c.domain()).collect();
        domains.sort();
        domains.dedup();
        for code in &sheets {
            let term = Term::from_field_text(f.rome, code.as_str());
            should.push(boosted(term.clone(), BOOST_SHEET));
            code_terms.push((format!("rome:{code}"), term));
        }
        for code in &parents {
            let term = Term::from_field_text(f.rome, code.as_str());
            should.push(boosted(term.clone(), BOOST_PARENT));
            code_terms.push((format!("rome:{code}"), term));
        }
        for domain in domains {
            let term = Term::from_field_text(f.rome_domain, domain);
            should.push(boosted(term.clone(), BOOST_DOMAIN));
            code_terms.push((format!("domain:{domain}"), term));
        }
        let mut competences = need.competences.clone();
        competences.sort();
        competences.dedup();
        for ogr in &competences {
            let term = Term::from_field_text(f.competence, &ogr.to_string());
            should.push(boosted(term.clone(), BOOST_COMPETENCE));
            code_terms.push((format!("competence:{ogr}"), term));
        }
        let words = typed_words(&need.specialty);
        let terms: Vec<String> = words.iter().flat_map(|(_, t)| t.iter().cloned()).collect();
        if !terms.is_empty() {
            let text = BooleanQuery::new(self.offers.text_clauses(&terms));
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(text), BOOST_TEXT)),
            ));
        }
        if should.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        if let Some(region) = self.region_of(&need.location) {
            filters.push(OffersIndex::filter_of_codes(f.region, &[region]));
        }
        let searcher = self.offers.searcher();
        let scoring: Box<dyn Query> = Box::new(BooleanQuery::new(should));
        let top = self
            .offers
            .top(&searcher, Some(scoring), filters, None, limit)?;
        let best = top.first().map_or(0.0, |(s, _, _)| f64::from(*s));
        let mut candidates = Vec::with_capacity(top.len());
        for (score, address, _) in top {
            let (offer, _) = self.offers.id_and_label(&searcher, address)?;
            let mut matched_terms = self.offers.matched_words(&searcher, address, &words)?;
            for (name, term) in &code_terms {
                if OffersIndex::has_term(&searcher, address, term)? {
                    matched_terms.push(name.clone());
                }
            }
            candidates.push(Candidate {
                offer,
                text_relevance: if best > 0.0 {
                    (f64::from(score) / best).clamp(0.0, 1.0)
                } else {
                    0.0
                },
                matched_terms,
            });
        }
        Ok(candidates)
    }
}

/// Search failures (I/O on the index files) give no candidates: the trait has no error channel.
/// Use [`GapmapIndex::candidates_for`] and [`GapmapIndex::resolve`] to see them.
impl CandidateSource for GapmapIndex {
    fn candidates(&self, need: &Need, limit: usize) -> Vec<Candidate> {
        self.candidates_for(need, limit).unwrap_or_default()
    }

    fn resolve(&self, specialty: &str, limit: usize) -> Vec<Resolution> {
        GapmapIndex::resolve(self, specialty, limit).unwrap_or_default()
    }
}
