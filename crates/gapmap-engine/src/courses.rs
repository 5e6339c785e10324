//! One result per course: the offers of a search that are the same course at the same school.
//!
//! The training map lists a course several times: once per status (school and
//! apprenticeship), per entry year (a bac pro entered in seconde or in première), per row of a
//! source that repeats it, and once per source that lists it (a BTS of the Parcoursup file and the
//! same BTS of the course list). A planner looking for training wants the course once, with its
//! variants. Two offers are the same course when they are at the same school and have the same
//! diploma code (CFD), or the same label once accents, case, punctuation, small words and the
//! "en apprentissage" mark are set aside.

use std::collections::HashMap;

use gapmap_index::{OfferHit, OfferQuery};
use gapmap_model::{Cfd, Offer, SchoolCode};

use crate::{Engine, EngineError};

/// A course at a school found by a search: its variants that match the query, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseHit {
    /// The course's score: its best variant's (variants are ranked by score, then offer id).
    pub score: f64,
    /// The offers of the course that the search found, best first (never empty).
    pub variants: Vec<OfferHit>,
}

impl CourseHit {
    /// The best variant (whose label and school the course shows).
    pub fn best(&self) -> &OfferHit {
        // `variants` is never empty: a course is made from its first hit.
        &self.variants[0]
    }
}

/// What makes two offers of one school the same course.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum CourseKey {
    Diploma(SchoolCode, Cfd),
    Label(SchoolCode, String),
}

/// The keys of an offer: its diploma code and its normalised label, at its school.
fn keys(offer: &Offer) -> Vec<CourseKey> {
    let label: Vec<String> = gapmap_index::normalize_words(&offer.label)
        .into_iter()
        .filter(|w| w != "apprentissage")
        .collect();
    let mut keys = vec![CourseKey::Label(offer.school, label.join(" "))];
    if let Some(cfd) = offer.cfd {
        keys.push(CourseKey::Diploma(offer.school, cfd));
    }
    keys
}

/// Groups ranked hits into courses, in the order of their best variant.
pub(crate) fn group(engine: &Engine, hits: Vec<OfferHit>) -> Vec<CourseHit> {
    let mut courses: Vec<CourseHit> = Vec::new();
    let mut by_key: HashMap<CourseKey, usize> = HashMap::new();
    for hit in hits {
        let keys = engine.offer(&hit.offer).map(keys).unwrap_or_default();
        let known = keys.iter().find_map(|k| by_key.get(k).copied());
        let at = match known {
            Some(at) => {
                courses[at].variants.push(hit);
                at
            }
            None => {
                courses.push(CourseHit {
                    score: hit.score,
                    variants: vec![hit],
                });
                courses.len() - 1
            }
        };
        for key in keys {
            by_key.entry(key).or_insert(at);
        }
    }
    courses
}

impl Engine {
    /// Searches the courses: [`Engine::search`] with the offers that are one course at one
    /// school (see the module docs) given as one [`CourseHit`], ranked by its best variant; at
    /// most `query.limit` courses, each with its variants among the matching offers (every one
    /// that ranks above the best of the first course left out).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use gapmap_engine::{Engine, ImportOptions};
    /// use gapmap_index::OfferQuery;
    ///
    /// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    /// let engine = Engine::import(&root.join("datasets/demo"), &ImportOptions::default())?;
    /// let query = OfferQuery { text: "maintenance".into(), limit: 5, ..OfferQuery::default() };
    /// let courses = engine.search_courses(&query)?;
    /// assert!(!courses.is_empty() && courses.len() <= 5);
    /// for course in &courses {
    ///     let school = |hit: &gapmap_index::OfferHit| engine.offer(&hit.offer).map(|o| &o.school);
    ///     assert!(school(course.best()).is_some());
    ///     assert!(course.variants.iter().all(|v| school(v) == school(course.best())));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn search_courses(&self, query: &OfferQuery) -> Result<Vec<CourseHit>, EngineError> {
        let total = usize::try_from(self.index().offer_count()).unwrap_or(usize::MAX);
        let mut window = query.limit.saturating_mul(4).max(40);
        loop {
            let wide = OfferQuery {
                limit: window,
                ..query.clone()
            };
            let hits = self.index().search_offers(&wide)?;
            let complete = hits.len() < window || window >= total;
            let mut courses = group(self, hits);
            // Past the window, a course shown could still have variants: widen until the
            // courses shown are followed by one more (whose best ranks after every variant
            // of theirs) or every offer is read.
            if courses.len() > query.limit || complete {
                courses.truncate(query.limit);
                return Ok(courses);
            }
            window = window.saturating_mul(2).min(total.max(1));
        }
    }
}
