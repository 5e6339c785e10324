//! Explainable scores of (need, offer) pairs.
//!
//! A [`Score`] is the exact sum of five [`Component`]s, each `weight x sub-score` where the weights
//! are the configured [`ScoreWeights`](crate::ScoreWeights) divided by their sum. Scores are kept in
//! integer millionths ([`Points`]) so that the parts add up exactly and the allocation can use them
//! as integer costs.
//!
//! Sub-scores, each in [0, 1]:
//! - **occupation**: best link between a ROME sheet of the need and one of the offer:
//!   same sheet `1.0`, same parent sheet `0.8`, same professional domain (or an offer code that names
//!   the need's whole domain, like `H2100`) `0.5`, none `0.0`; multiplied by the resolution confidence
//!   when the need's sheets were resolved from its text.
//! - **competences**: the weighted share of the need's competences the offer's sheets cover. The
//!   need's competences are its explicit OGR codes (weight 1 each), else those of its sheets (core
//!   competences weight 2, others 1). The offer covers the competences of its sheets and of their
//!   child sheets. `0.5` when the need has no known competence.
//! - **text**: the candidate's text relevance.
//! - **level**: see [`LevelFitValues`](crate::LevelFitValues).
//! - **distance**: `1` within the commute radius, `exp(-(d - radius) / decay)` beyond; the need's
//!   place is its commune's point, or for an area (employment area, département, region) 0 km when
//!   the offer lies in it and otherwise the nearest commune point of the area.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Mutex;

use gapmap_model::{
    BassinCode, Departement, GeoPoint, Need, NeedLocation, Offer, OgrCode, Referential, RegionCode,
    RomeCode, Territory,
};

use crate::config::MatchConfig;

/// A score in millionths: `Points(1_000_000)` is 1.0.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(pub u32);

impl Points {
    /// One, the best score.
    pub const ONE: Points = Points(1_000_000);

    /// From a value in [0, 1] (clamped; rounded down so that sums never exceed one).
    pub fn from_unit(value: f64) -> Points {
        let v = if value.is_finite() {
            value.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Points((v * 1_000_000.0).floor() as u32)
    }

    /// As a float in [0, 1].
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 1_000_000.0
    }
}

impl fmt::Display for Points {
    /// Three decimals, e.g. `0.734`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3}", self.as_f64())
    }
}

impl fmt::Debug for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Points({self})")
    }
}

/// Which part of the score a component is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComponentKind {
    /// Occupational link through ROME codes.
    Occupation,
    /// Competence coverage.
    Competences,
    /// Text relevance.
    Text,
    /// Level fit.
    Level,
    /// Distance.
    Distance,
}

impl ComponentKind {
    /// Short machine key.
    pub fn key(self) -> &'static str {
        match self {
            ComponentKind::Occupation => "occupation",
            ComponentKind::Competences => "competences",
            ComponentKind::Text => "text",
            ComponentKind::Level => "level",
            ComponentKind::Distance => "distance",
        }
    }
}

/// One named part of a score.
#[derive(Clone, Debug, PartialEq)]
pub struct Component {
    /// Which part.
    pub kind: ComponentKind,
    /// Normalised weight in [0, 1] (the weights sum to 1).
    pub weight: f64,
    /// Sub-score in [0, 1].
    pub sub_score: f64,
    /// `weight x sub_score`, rounded down to millionths; the components' points sum to the score.
    pub points: Points,
    /// Why, in a few words (`same parent sheet H2903`, `12.4 km`, `level 4 for 5`).
    pub note: String,
}

/// The score of a (need, offer) pair with its breakdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// Total, the exact sum of the components' points.
    pub total: Points,
    /// The parts, in [`ComponentKind`] order.
    pub components: Vec<Component>,
    /// Distance in km between the offer and the need's place, when both are located.
    pub distance_km: Option<f64>,
}

/// How a need's ROME sheet relates to an offer's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum OccupationLink {
    /// No shared domain.
    Unrelated,
    /// Same professional domain (or the offer names the need's whole domain).
    SameDomain,
    /// Same parent sheet.
    SameParent,
    /// Same sheet.
    SameSheet,
}

impl OccupationLink {
    /// How the need's code `need` relates to the offer's code `offer`. A domain-level code
    /// (`H2100`) on either side links at most as [`OccupationLink::SameDomain`].
    pub fn between(referential: &Referential, need: RomeCode, offer: RomeCode) -> OccupationLink {
        if need == offer {
            OccupationLink::SameSheet
        } else if need.domain() != offer.domain() {
            OccupationLink::Unrelated
        } else if !need.is_domain_level()
            && !offer.is_domain_level()
            && referential.parent_of(need) == referential.parent_of(offer)
        {
            OccupationLink::SameParent
        } else {
            OccupationLink::SameDomain
        }
    }

    /// Sub-score of the link.
    pub fn value(self) -> f64 {
        match self {
            OccupationLink::SameSheet => 1.0,
            OccupationLink::SameParent => 0.8,
            OccupationLink::SameDomain => 0.5,
            OccupationLink::Unrelated => 0.0,
        }
    }

    /// Machine key.
    pub fn key(self) -> &'static str {
        match self {
            OccupationLink::SameSheet => "same sheet",
            OccupationLink::SameParent => "same parent sheet",
            OccupationLink::SameDomain => "same domain",
            OccupationLink::Unrelated => "unrelated",
        }
    }
}

/// A ROME code with its domain and parent looked up once, for fast repeated comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CodeKey {
    code: RomeCode,
    domain: [u8; 3],
    parent: RomeCode,
    domain_level: bool,
}

impl CodeKey {
    pub(crate) fn new(referential: &Referential, code: RomeCode) -> CodeKey {
        let mut domain = [0u8; 3];
        domain.copy_from_slice(&code.as_str().as_bytes()[..3]);
        CodeKey {
            code,
            domain,
            parent: referential.parent_of(code),
            domain_level: code.is_domain_level(),
        }
    }

    /// Same rule as [`OccupationLink::between`].
    pub(crate) fn link(&self, offer: &CodeKey) -> OccupationLink {
        if self.code == offer.code {
            OccupationLink::SameSheet
        } else if self.domain != offer.domain {
            OccupationLink::Unrelated
        } else if !self.domain_level && !offer.domain_level && self.parent == offer.parent {
            OccupationLink::SameParent
        } else {
            OccupationLink::SameDomain
        }
    }
}

/// What the scorer knows about a need once its sheets are settled.
#[derive(Clone, Debug, PartialEq)]
pub struct NeedProfile {
    /// ROME sheets used for matching with the confidence in each: 1 when given, the resolution's
    /// confidence when resolved from the specialty text.
    pub rome: Vec<(RomeCode, f64)>,
    /// Competences demanded with their weight (2 = core, 1 = other or explicit), sorted by code.
    pub competences: Vec<(OgrCode, u32)>,
}

/// Scores pairs; holds the lookups built once from the referential and the territory.
pub struct Scorer<'a> {
    referential: &'a Referential,
    config: &'a MatchConfig,
    weights: [f64; 5],
    children: BTreeMap<RomeCode, Vec<RomeCode>>,
    sheet_competences: BTreeMap<RomeCode, Vec<(OgrCode, bool)>>,
    places: Places<'a>,
}

impl<'a> Scorer<'a> {
    /// Builds the lookups.
    pub fn new(
        referential: &'a Referential,
        territory: &'a Territory,
        config: &'a MatchConfig,
    ) -> Scorer<'a> {
        let w = &config.weights;
        let raw = [w.occupation, w.competences, w.text, w.level, w.distance]
            .map(|x| if x.is_finite() { x.max(0.0) } else { 0.0 });
        let sum: f64 = raw.iter().sum();
        let weights = if sum > 0.0 {
            raw.map(|x| x / sum)
        } else {
            let d = crate::config::ScoreWeights::default();
            let raw = [d.occupation, d.competences, d.text, d.level, d.distance];
            let sum: f64 = raw.iter().sum();
            raw.map(|x| x / sum)
        };
        let mut children: BTreeMap<RomeCode, Vec<RomeCode>> = BTreeMap::new();
        for m in referential.metiers.values() {
            if m.parent != m.code {
                children.entry(m.parent).or_default().push(m.code);
            }
        }
        let mut sheet_competences: BTreeMap<RomeCode, Vec<(OgrCode, bool)>> = BTreeMap::new();
        for link in &referential.metier_competences {
            sheet_competences
                .entry(link.rome)
                .or_default()
                .push((link.competence, link.core));
        }
        Scorer {
            referential,
            config,
            weights,
            children,
            sheet_competences,
            places: Places::new(territory),
        }
    }

    /// The competences of a sheet, falling back to its child sheets' when it has none of its own.
    fn competences_of_sheet(&self, rome: RomeCode) -> Vec<(OgrCode, bool)> {
        if let Some(own) = self.sheet_competences.get(&rome) {
            return own.clone();
        }
        let mut all = Vec::new();
        for child in self.children.get(&rome).into_iter().flatten() {
            all.extend(
                self.sheet_competences
                    .get(child)
                    .into_iter()
                    .flatten()
                    .copied(),
            );
        }
        all
    }

    /// The competences an offer teaches: those of its sheets and their child sheets, sorted.
    pub fn offer_competences(&self, offer: &Offer) -> Vec<OgrCode> {
        let mut all = Vec::new();
        for &code in &offer.rome {
            if code.is_domain_level() {
                continue;
            }
            let sheets = std::iter::once(code)
                .chain(self.children.get(&code).into_iter().flatten().copied());
            for sheet in sheets {
                all.extend(
                    self.sheet_competences
                        .get(&sheet)
                        .into_iter()
                        .flatten()
                        .map(|(c, _)| *c),
                );
            }
        }
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The profile of a need whose sheets are `rome`, each with its confidence.
    pub fn need_profile(&self, need: &Need, rome: Vec<(RomeCode, f64)>) -> NeedProfile {
        let mut competences: BTreeMap<OgrCode, u32> = BTreeMap::new();
        if need.competences.is_empty() {
            for &(sheet, _) in &rome {
                for (c, core) in self.competences_of_sheet(sheet) {
                    let w = if core { 2 } else { 1 };
                    let e = competences.entry(c).or_insert(w);
                    *e = (*e).max(w);
                }
            }
        } else {
            for &c in &need.competences {
                competences.insert(c, 1);
            }
        }
        let rome = rome
            .into_iter()
            .map(|(code, c)| {
                (
                    code,
                    if c.is_finite() {
                        c.clamp(0.0, 1.0)
                    } else {
                        0.0
                    },
                )
            })
            .collect();
        NeedProfile {
            rome,
            competences: competences.into_iter().collect(),
        }
    }

    /// The best occupational link between the need's sheets (with their confidence) and the
    /// offer's codes: the pair with the highest `link value x confidence`.
    pub fn occupation_link(
        &self,
        need_rome: &[(RomeCode, f64)],
        offer_rome: &[RomeCode],
    ) -> (OccupationLink, f64, Option<(RomeCode, RomeCode)>) {
        let mut best = (OccupationLink::Unrelated, 1.0, None);
        let mut best_value = 0.0;
        for &(a, confidence) in need_rome {
            for &b in offer_rome {
                let link = OccupationLink::between(self.referential, a, b);
                let value = link.value() * confidence;
                if value > best_value {
                    best_value = value;
                    best = (link, confidence, Some((a, b)));
                }
            }
        }
        best
    }

    /// Distance in km from the offer to the need's place, if both are located.
    pub fn distance_km(&self, location: &NeedLocation, offer: &Offer) -> Option<f64> {
        self.places.distance_km(location, offer)
    }

    /// Scores a pair. `offer_competences` is [`Scorer::offer_competences`] of the offer.
    pub fn score(
        &self,
        need: &Need,
        profile: &NeedProfile,
        offer: &Offer,
        offer_competences: &[OgrCode],
        text_relevance: f64,
    ) -> Score {
        let (link, confidence, pair) = self.occupation_link(&profile.rome, &offer.rome);
        let occupation = link.value() * confidence;
        let occupation_note = match pair {
            Some((a, b)) if confidence < 1.0 => {
                format!("{} {a}~{b}, resolved x{confidence:.2}", link.key())
            }
            Some((a, b)) => format!("{} {a}~{b}", link.key()),
            None => "no shared ROME domain".to_owned(),
        };

        let (competences, competences_note) = if profile.competences.is_empty() {
            (0.5, "need competences unknown".to_owned())
        } else {
            let total: u32 = profile.competences.iter().map(|(_, w)| w).sum();
            let covered: u32 = profile
                .competences
                .iter()
                .filter(|(c, _)| offer_competences.binary_search(c).is_ok())
                .map(|(_, w)| w)
                .sum();
            let n = profile
                .competences
                .iter()
                .filter(|(c, _)| offer_competences.binary_search(c).is_ok())
                .count();
            (
                f64::from(covered) / f64::from(total.max(1)),
                format!("{n}/{} competences", profile.competences.len()),
            )
        };

        let text = if text_relevance.is_finite() {
            text_relevance.clamp(0.0, 1.0)
        } else {
            0.0
        };

        let fit = &self.config.level_fit;
        let (level, level_note) = match (need.min_level, offer.level) {
            (Some(want), Some(have)) => {
                let diff = i16::from(have.get()) - i16::from(want.get());
                let v = match diff {
                    0 => fit.exact,
                    -1 => fit.one_below,
                    1 => fit.one_above,
                    d if d < 0 => fit.far_below,
                    _ => fit.far_above,
                };
                (v, format!("level {have} for {want}"))
            }
            _ => (fit.unknown, "level unknown".to_owned()),
        };

        let distance_km = self.distance_km(&need.location, offer);
        let (distance, distance_note) = match distance_km {
            Some(d) => {
                let radius = self.config.commute_radius_km.max(0.0);
                let decay = self.config.distance_decay_km.max(1e-9);
                let v = if d <= radius {
                    1.0
                } else {
                    (-(d - radius) / decay).exp()
                };
                (v, format!("{d:.1} km"))
            }
            None => (
                self.config.unknown_distance_score,
                "distance unknown".to_owned(),
            ),
        };

        let parts = [
            (ComponentKind::Occupation, occupation, occupation_note),
            (ComponentKind::Competences, competences, competences_note),
            (ComponentKind::Text, text, format!("relevance {text:.2}")),
            (ComponentKind::Level, level, level_note),
            (ComponentKind::Distance, distance, distance_note),
        ];
        let components: Vec<Component> = parts
            .into_iter()
            .zip(self.weights)
            .map(|((kind, sub, note), weight)| {
                let sub_score = if sub.is_finite() {
                    sub.clamp(0.0, 1.0)
                } else {
                    0.0
                };
                Component {
                    kind,
                    weight,
                    sub_score,
                    points: Points::from_unit(weight * sub_score),
                    note,
                }
            })
            .collect();
        let total = Points(components.iter().map(|c| c.points.0).sum());
        Score {
            total,
            components,
            distance_km,
        }
    }
}

/// Commune points by area, for distances to a need's place.
pub(crate) struct Places<'a> {
    territory: &'a Territory,
    bassin_points: BTreeMap<BassinCode, Vec<GeoPoint>>,
    departement_points: BTreeMap<Departement, Vec<GeoPoint>>,
    region_points: BTreeMap<RegionCode, Vec<GeoPoint>>,
    /// Nearest-commune distances already computed, by area and offer point (many needs share an
    /// area and many offers a point).
    nearest_cache: Mutex<HashMap<(NeedLocation, u64, u64), Option<f64>>>,
}

impl<'a> Places<'a> {
    pub(crate) fn new(territory: &'a Territory) -> Places<'a> {
        let mut bassin_points: BTreeMap<BassinCode, Vec<GeoPoint>> = BTreeMap::new();
        let mut departement_points: BTreeMap<Departement, Vec<GeoPoint>> = BTreeMap::new();
        let mut region_points: BTreeMap<RegionCode, Vec<GeoPoint>> = BTreeMap::new();
        for c in territory.communes.values() {
            let Some(p) = c.point else { continue };
            if let Some(b) = c.bassin {
                bassin_points.entry(b).or_default().push(p);
            }
            departement_points
                .entry(c.departement.clone())
                .or_default()
                .push(p);
            if let Some(r) = c.region {
                region_points.entry(r).or_default().push(p);
            }
        }
        Places {
            territory,
            bassin_points,
            departement_points,
            region_points,
            nearest_cache: Mutex::default(),
        }
    }

    /// Distance in km from the offer to the need's place, if both are located.
    pub(crate) fn distance_km(&self, location: &NeedLocation, offer: &Offer) -> Option<f64> {
        let point = offer.location.point?;
        let nearest = |points: Option<&Vec<GeoPoint>>| {
            let key = (location.clone(), point.lat.to_bits(), point.lon.to_bits());
            if let Some(hit) = self
                .nearest_cache
                .lock()
                .ok()
                .and_then(|cache| cache.get(&key).copied())
            {
                return hit;
            }
            let found = points.and_then(|ps| {
                ps.iter()
                    .map(|p| point.distance_km(*p))
                    .min_by(f64::total_cmp)
            });
            if let Ok(mut cache) = self.nearest_cache.lock() {
                cache.insert(key, found);
            }
            found
        };
        match location {
            NeedLocation::Commune(code) => self
                .territory
                .commune(code)
                .and_then(|c| c.point)
                .map(|p| point.distance_km(p)),
            NeedLocation::Bassin(b) => {
                if offer.location.bassin == Some(*b) {
                    Some(0.0)
                } else {
                    nearest(self.bassin_points.get(b))
                }
            }
            NeedLocation::Departement(d) => {
                if &offer.location.departement == d {
                    Some(0.0)
                } else {
                    nearest(self.departement_points.get(d))
                }
            }
            NeedLocation::Region(r) => {
                let region = offer
                    .location
                    .region
                    .or_else(|| self.territory.region_of(&offer.location.departement));
                if region == Some(*r) {
                    Some(0.0)
                } else {
                    nearest(self.region_points.get(r))
                }
            }
        }
    }
}
