//! One result per course: the offers of a search that are the same course at the same school.
//!
//! The training map lists a course several times: once per status (school and
//! apprenticeship), per entry year (a bac pro entered in seconde or in première), per row of a
//! source that repeats it, per intake year of a store holding several, and once per source that
//! lists it (a BTS of the Parcoursup file and the same BTS of the course list). A planner looking
//! for training wants the course once, with its variants. Two offers are the same course when
//! they are at the same school and have the same diploma code (CFD), or the same label once
//! accents, case, punctuation, small words and the "en apprentissage" mark are set aside.
//!
//! A course's seats and graduates are the sums over its variants, each intake counted once
//! ([`CourseHit::totals`]): a variant that repeats another (an earlier intake year of the same
//! source, or the course list's row of a course another file gives with its seats, in the same
//! status) is listed but not added. An entry in première of a bac pro also entered in seconde
//! adds only its seats left to newcomers: its seats less the pupils the census counts moving up
//! from the seconde (unknown without the census); its graduates are added (the supply rules
//! count only its newcomers).

use std::collections::HashMap;

use gapmap_index::{Correction, OfferHit, OfferQuery};
use gapmap_model::{Cfd, Offer, OfferId, OfferSource, SchoolCode};

use crate::{Engine, EngineError};

/// A course at a school found by a search: its variants that match the query, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseHit {
    score: f64,
    variants: Vec<OfferHit>,
}

impl CourseHit {
    /// The course's score: its best variant's.
    pub fn score(&self) -> f64 {
        self.score
    }

    /// The offers of the course that match the query, best first (never empty).
    pub fn variants(&self) -> &[OfferHit] {
        &self.variants
    }

    /// The best variant (whose label and school the course shows).
    pub fn best(&self) -> &OfferHit {
        // Never empty: a course is made from its first hit and only grows.
        &self.variants[0]
    }

    /// Seats and graduates summed over the variants, each intake once (see the module docs);
    /// `graduates` gives a variant's graduates a year, `None` when unknown.
    pub fn totals(
        &self,
        engine: &Engine,
        graduates: impl Fn(&OfferId) -> Option<f64>,
    ) -> CourseTotals {
        let offers: Vec<Option<&Offer>> = self
            .variants
            .iter()
            .map(|v| engine.offer(&v.offer))
            .collect();
        let mut totals = CourseTotals::default();
        for (i, offer) in offers.iter().enumerate() {
            let repeats = offer.and_then(|o| repeats(o, &offers));
            totals.repeats.push(repeats);
            if repeats.is_some_and(|r| r != Repeat::LaterEntry) {
                continue;
            }
            match offer.and_then(|o| counted_seats(o, repeats)) {
                Some(seats) => *totals.seats.get_or_insert(0) += seats,
                None => totals.seats_unknown += 1,
            }
            match graduates(&self.variants[i].offer) {
                Some(g) => *totals.graduates.get_or_insert(0.0) += g,
                None => totals.graduates_unknown += 1,
            }
        }
        totals
    }
}

/// Seats and graduates of a course (see [`CourseHit::totals`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CourseTotals {
    /// Seats per intake of the variants counted that publish them; `None` when none does.
    pub seats: Option<u32>,
    /// Variants counted whose seats are not published (not in `seats`).
    pub seats_unknown: usize,
    /// Graduates a year of the variants counted whose supply is known; `None` when none is.
    pub graduates: Option<f64>,
    /// Variants counted whose graduates are unknown (not in `graduates`).
    pub graduates_unknown: usize,
    /// Per variant (in order), why it is not counted (or, for [`Repeat::LaterEntry`], its
    /// seats): `None` when it is.
    pub repeats: Vec<Option<Repeat>>,
}

/// Why a variant of a course is listed but not added to its totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// An earlier intake year of the same source, status and entry year.
    EarlierYear,
    /// The course list's row (no seats) of a course another file gives in the same status.
    CourseList,
    /// An entry in a later year of course (première) of a course the same source also gives,
    /// in the same status, entered in its first year: its seats hold the pupils moving up from
    /// that first year (in Hauts-de-France, 1,501 of 1,742 première pupils match as many seconde
    /// pupils of the same school), so only its seats left to newcomers are added (its seats
    /// less the pupils moving up, by the census; unknown without it); its graduates are (the
    /// supply rules count only its newcomers).
    LaterEntry,
}

impl Repeat {
    /// A key for tables and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Repeat::EarlierYear => "earlier-year",
            Repeat::CourseList => "course-list",
            Repeat::LaterEntry => "later-entry",
        }
    }
}

/// The seats a variant adds to its course (see [`CourseHit::totals`]): all its seats, those
/// left to newcomers for a later entry, `None` when unknown.
fn counted_seats(offer: &Offer, repeats: Option<Repeat>) -> Option<u32> {
    let seats = offer.capacity.seats()?;
    match repeats {
        Some(Repeat::LaterEntry) => offer
            .intake
            .enrolment
            .map(|e| seats.saturating_sub(e.continuing)),
        _ => Some(seats),
    }
}

/// Whether `offer` repeats another variant of its course (see [`Repeat`]).
fn repeats(offer: &Offer, variants: &[Option<&Offer>]) -> Option<Repeat> {
    let mut course_list = false;
    for other in variants.iter().flatten().filter(|o| o.id != offer.id) {
        let same_intake = other.source == offer.source
            && other.mode == offer.mode
            && other.intake.entry_year == offer.intake.entry_year
            && other.mefstat11 == offer.mefstat11;
        if same_intake && other.year > offer.year {
            return Some(Repeat::EarlierYear);
        }
        course_list |= offer.source == OfferSource::Parcoursup
            && other.source != OfferSource::Parcoursup
            && other.mode == offer.mode;
    }
    if course_list {
        return Some(Repeat::CourseList);
    }
    let first_year_too = offer.intake.entry_year.is_some_and(|y| y > 1)
        && variants.iter().flatten().any(|o| {
            o.source == offer.source && o.mode == offer.mode && o.intake.entry_year == Some(1)
        });
    first_year_too.then_some(Repeat::LaterEntry)
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

/// Groups items (in order) into courses, in the order of their first item: an item joins the
/// course of the first earlier item sharing a key with it (see the module docs). Items without
/// an offer are courses of their own.
pub fn group_courses<'o, T>(items: Vec<T>, offer: impl Fn(&T) -> Option<&'o Offer>) -> Vec<Vec<T>> {
    let mut courses: Vec<Vec<T>> = Vec::new();
    let mut by_key: HashMap<CourseKey, usize> = HashMap::new();
    for item in items {
        let keys = offer(&item).map(keys).unwrap_or_default();
        let at = match keys.iter().find_map(|k| by_key.get(k).copied()) {
            Some(at) => at,
            None => {
                courses.push(Vec::new());
                courses.len() - 1
            }
        };
        courses[at].push(item);
        for key in keys {
            by_key.entry(key).or_insert(at);
        }
    }
    courses
}

/// The courses of a search ([`Engine::search_courses`]): best first, and the query's words
/// searched as another term.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseSearch {
    /// The courses, best first.
    pub courses: Vec<CourseHit>,
    /// Words found neither in the training map nor in the ROME referential, searched as their
    /// closest term (also when nothing was found).
    pub corrections: Vec<Correction>,
}

impl Engine {
    /// Searches the courses: [`Engine::search`] with the offers that are one course at one
    /// school (see the module docs) given as one [`CourseHit`], ranked by its best variant; at
    /// most `query.limit` courses, each with every offer of the course that matches the query.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use gapmap_engine::{Engine, ImportOptions};
    /// use gapmap_index::OfferQuery;
    ///
    /// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    /// let engine = Engine::import(&root.join("datasets/demo"), &ImportOptions::default())?;
    /// let query = OfferQuery { text: "maintenance".into(), limit: 5, ..OfferQuery::default() };
    /// let found = engine.search_courses(&query)?;
    /// assert!(!found.courses.is_empty() && found.courses.len() <= 5);
    /// for course in &found.courses {
    ///     let school = |hit: &gapmap_index::OfferHit| engine.offer(&hit.offer).map(|o| o.school);
    ///     assert!(school(course.best()).is_some());
    ///     assert!(course.variants().iter().all(|v| school(v) == school(course.best())));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn search_courses(&self, query: &OfferQuery) -> Result<CourseSearch, EngineError> {
        let chosen = self.chosen_courses(query)?;
        let corrections = match chosen.first() {
            Some(course) => course[0].breakdown.corrections.clone(),
            None => self.index().corrections(&query.text)?,
        };
        // Every matching offer of the chosen courses: the same query at their schools only.
        let mut at_schools = query.clone();
        at_schools.schools = chosen
            .iter()
            .filter_map(|c| self.offer(&c[0].offer).map(|o| o.school))
            .collect();
        at_schools.schools.sort();
        at_schools.schools.dedup();
        at_schools.limit = usize::try_from(self.index().offer_count()).unwrap_or(usize::MAX);
        let firsts: Vec<OfferId> = chosen.iter().map(|c| c[0].offer.clone()).collect();
        let all = self.index().search_offers(&at_schools)?;
        let mut courses: Vec<CourseHit> = group_courses(all, |h| self.offer(&h.offer))
            .into_iter()
            .filter(|variants| variants.iter().any(|v| firsts.contains(&v.offer)))
            .map(|variants| CourseHit {
                score: variants[0].score,
                variants,
            })
            .collect();
        // In the order of the first search (ties of equal score kept as it ranked them).
        courses.sort_by_key(|c| {
            firsts
                .iter()
                .position(|f| c.variants.iter().any(|v| &v.offer == f))
        });
        Ok(CourseSearch {
            courses,
            corrections,
        })
    }

    /// The first `query.limit` courses of a search, each with the variants its window held.
    fn chosen_courses(&self, query: &OfferQuery) -> Result<Vec<Vec<OfferHit>>, EngineError> {
        let total = usize::try_from(self.index().offer_count()).unwrap_or(usize::MAX);
        let mut window = query.limit.saturating_mul(4).max(40);
        loop {
            let wide = OfferQuery {
                limit: window,
                ..query.clone()
            };
            let hits = self.index().search_offers(&wide)?;
            let complete = hits.len() < window || window >= total;
            let mut courses = group_courses(hits, |h| self.offer(&h.offer));
            if courses.len() >= query.limit || complete {
                courses.truncate(query.limit);
                return Ok(courses);
            }
            window = window.saturating_mul(2).min(total.max(1));
        }
    }
}
