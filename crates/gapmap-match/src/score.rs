//! Explainable scores of (need, offer) pairs: what the offer teaches decides whether it can
//! supply the need at all; level and distance only modulate.
//!
//! **Subject relevance** is the weighted sum of three parts, each in [0, 1] (weights from
//! [`ScoreWeights`](crate::ScoreWeights), normalised to sum to 1):
//! - **occupation**: best link between a ROME sheet of the need and one of the offer's: same sheet
//!   `1.0`, same parent sheet `0.8`, same professional domain (or an offer code naming the need's
//!   whole domain, like `H2100`) `0.5`, none `0`; multiplied by the resolution confidence when the
//!   need's sheets were resolved from its text;
//! - **competences**: the weighted share of the need's competences that the offer's sheets (and
//!   their child sheets) teach: the competences of the need's sheets (core 2, others 1) and the
//!   OGR codes its buyer names (weight 2);
//! - **text**: how much of the need's specialty text the offer's labels match, comparable across
//!   needs (see [`TextSource`](crate::TextSource)).
//!
//! **Gates** ([`LinkKind`]): a pair is a link only if the offer shares a ROME domain with the
//! need or teaches at least [`adjacent_competence_share`](crate::MatchConfig) of its
//! competences, and its subject relevance reaches
//! [`min_subject_score`](crate::MatchConfig::min_subject_score). The link is **direct** when
//! the offer leads to the same sheet or parent sheet, or teaches at least
//! [`direct_competence_share`](crate::MatchConfig::direct_competence_share) of the need's
//! competences; otherwise **adjacent** (graduates who would need retraining).
//!
//! **Score** = subject x level factor x distance factor, in integer millionths ([`Points`]).
//! Level and distance factors are in [0, 1]: they rank links, they never create one.

use std::fmt;

use gapmap_model::{EuropeanLevel, Referential, RomeCode};

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

    /// The code.
    pub(crate) fn code(&self) -> RomeCode {
        self.code
    }

    /// The professional domain (`H29`).
    pub(crate) fn domain(&self) -> [u8; 3] {
        self.domain
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

/// Whether an offer's graduates supply a need directly or after retraining.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    /// Same sheet or parent sheet, or most of the need's competences: graduates of a training
    /// that teaches the job.
    Direct,
    /// Same domain or part of the competences: graduates who would need retraining.
    Adjacent,
}

impl LinkKind {
    /// Machine key (`direct`, `adjacent`).
    pub fn key(self) -> &'static str {
        match self {
            LinkKind::Direct => "direct",
            LinkKind::Adjacent => "adjacent",
        }
    }
}

/// Which part of the subject relevance a component is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComponentKind {
    /// Occupational link through ROME codes.
    Occupation,
    /// Competence coverage.
    Competences,
    /// Text relevance.
    Text,
}

impl ComponentKind {
    /// Short machine key.
    pub fn key(self) -> &'static str {
        match self {
            ComponentKind::Occupation => "occupation",
            ComponentKind::Competences => "competences",
            ComponentKind::Text => "text",
        }
    }
}

/// One named part of the subject relevance.
#[derive(Clone, Debug, PartialEq)]
pub struct Component {
    /// Which part.
    pub kind: ComponentKind,
    /// Normalised weight in [0, 1] (the weights sum to 1).
    pub weight: f64,
    /// Sub-score in [0, 1].
    pub sub_score: f64,
    /// `weight x sub_score`, rounded down to millionths; the components' points sum to the
    /// subject relevance.
    pub points: Points,
    /// Why, in a few words (`same parent sheet I1310~I1304`, `12/40 competences`).
    pub note: String,
}

/// Which factor modulates the subject relevance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactorKind {
    /// Level fit.
    Level,
    /// Distance.
    Distance,
}

impl FactorKind {
    /// Short machine key.
    pub fn key(self) -> &'static str {
        match self {
            FactorKind::Level => "level",
            FactorKind::Distance => "distance",
        }
    }
}

/// A factor in [0, 1] that multiplies the subject relevance.
#[derive(Clone, Debug, PartialEq)]
pub struct Factor {
    /// Which factor.
    pub kind: FactorKind,
    /// Value in [0, 1].
    pub value: f64,
    /// Why (`level 5 for 4`, `42.0 km`).
    pub note: String,
}

/// The score of a (need, offer) pair with its breakdown.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// `subject x level x distance`, rounded down to millionths.
    pub total: Points,
    /// Subject relevance: the exact sum of the components' points.
    pub subject: Points,
    /// The parts of the subject relevance, in [`ComponentKind`] order.
    pub components: Vec<Component>,
    /// Level and distance factors.
    pub factors: Vec<Factor>,
    /// The link, or `None` when the pair fails a gate.
    pub kind: Option<LinkKind>,
    /// Why the pair is no link, when it is not.
    pub rejected: Option<String>,
    /// Distance in km between the offer and the need's place, when both are located.
    pub distance_km: Option<f64>,
}

/// What the matcher knows of a (need, offer) pair before scoring, all in plain numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SubjectFacts {
    /// Best occupational link.
    pub link: OccupationLink,
    /// Confidence of the need's sheet in that link (1 when given, the resolution's otherwise).
    pub confidence: f64,
    /// The pair of sheets (need, offer) of the best link.
    pub pair: Option<(RomeCode, RomeCode)>,
    /// Weighted competences of the need that the offer teaches.
    pub covered_weight: u32,
    /// Weighted competences of the need.
    pub total_weight: u32,
    /// Competences taught, counted once each.
    pub covered_count: u32,
    /// Competences of the need, counted once each.
    pub total_count: u32,
    /// Text relevance in [0, 1].
    pub text: f64,
}

impl SubjectFacts {
    /// Weighted share of the need's competences the offer teaches (0 when the need has none).
    pub fn competence_share(&self) -> f64 {
        if self.total_weight == 0 {
            0.0
        } else {
            f64::from(self.covered_weight) / f64::from(self.total_weight)
        }
    }
}

/// The scoring rules with the configuration's weights, normalised once.
#[derive(Clone, Debug)]
pub struct Scoring {
    weights: [f64; 3],
    config: MatchConfig,
}

impl Scoring {
    /// Normalises the weights of `config` (all zero or invalid falls back to the defaults).
    pub fn new(config: &MatchConfig) -> Scoring {
        let w = &config.weights;
        let raw = [w.occupation, w.competences, w.text]
            .map(|x| if x.is_finite() { x.max(0.0) } else { 0.0 });
        let sum: f64 = raw.iter().sum();
        let weights = if sum > 0.0 {
            raw.map(|x| x / sum)
        } else {
            let d = crate::config::ScoreWeights::default();
            let raw = [d.occupation, d.competences, d.text];
            let sum: f64 = raw.iter().sum();
            raw.map(|x| x / sum)
        };
        Scoring {
            weights,
            config: config.clone(),
        }
    }

    /// The competence share that makes an offer without shared domain an adjacent candidate.
    pub fn adjacent_competence_share(&self) -> f64 {
        self.config.adjacent_competence_share
    }

    /// Whether the pair passes the link gates before text is known, and of which kind.
    pub fn gate(&self, facts: &SubjectFacts) -> Option<LinkKind> {
        let share = facts.competence_share();
        match facts.link {
            OccupationLink::SameSheet | OccupationLink::SameParent => Some(LinkKind::Direct),
            _ if facts.total_weight > 0 && share >= self.config.direct_competence_share => {
                Some(LinkKind::Direct)
            }
            OccupationLink::SameDomain => Some(LinkKind::Adjacent),
            OccupationLink::Unrelated
                if facts.total_weight > 0 && share >= self.config.adjacent_competence_share =>
            {
                Some(LinkKind::Adjacent)
            }
            OccupationLink::Unrelated => None,
        }
    }

    /// The parts of the subject relevance, each `weight x sub-score` in millionths.
    fn parts(&self, facts: &SubjectFacts) -> [Points; 3] {
        let occupation = facts.link.value() * unit(facts.confidence);
        let subs = [occupation, facts.competence_share(), unit(facts.text)];
        let mut parts = [Points::default(); 3];
        for (k, part) in parts.iter_mut().enumerate() {
            *part = Points::from_unit(self.weights[k] * unit(subs[k]));
        }
        parts
    }

    /// Subject relevance.
    pub fn subject(&self, facts: &SubjectFacts) -> Points {
        Points(self.parts(facts).iter().map(|p| p.0).sum())
    }

    /// The link kind of a pair with its subject relevance, or `None` when it fails a gate.
    pub fn link(&self, facts: &SubjectFacts, subject: Points) -> Option<LinkKind> {
        let kind = self.gate(facts)?;
        (subject >= Points::from_unit(self.config.min_subject_score)).then_some(kind)
    }

    /// Level factor of an offer of level `have` for a need asking at least `want`.
    pub fn level_factor(&self, want: Option<EuropeanLevel>, have: Option<EuropeanLevel>) -> f64 {
        let fit = &self.config.level_fit;
        let value = match (want, have) {
            (Some(want), Some(have)) => match i16::from(have.get()) - i16::from(want.get()) {
                0 => fit.exact,
                -1 => fit.one_below,
                1 => fit.one_above,
                d if d < 0 => fit.far_below,
                _ => fit.far_above,
            },
            _ => fit.unknown,
        };
        unit(value)
    }

    /// Distance factor: 1 within the commute radius, exponential decay beyond; the configured
    /// value when the distance is unknown.
    pub fn distance_factor(&self, km: Option<f64>) -> f64 {
        let c = &self.config;
        match km {
            Some(d) if d <= c.commute_radius_km.max(0.0) => 1.0,
            Some(d) => {
                let decay = c.distance_decay_km.max(1e-9);
                unit((-(d - c.commute_radius_km.max(0.0)) / decay).exp())
            }
            None => unit(c.unknown_distance_score),
        }
    }

    /// `subject x level x distance` in millionths, rounded down.
    pub fn total(subject: Points, level: f64, distance: f64) -> Points {
        Points::from_unit(subject.as_f64() * unit(level) * unit(distance))
    }

    /// The full breakdown of a pair, for explanations.
    pub fn details(
        &self,
        facts: &SubjectFacts,
        want: Option<EuropeanLevel>,
        have: Option<EuropeanLevel>,
        distance_km: Option<f64>,
    ) -> Score {
        let parts = self.parts(facts);
        let subject = Points(parts.iter().map(|p| p.0).sum());
        let occupation_note = match facts.pair {
            Some((a, b)) if facts.confidence < 1.0 => format!(
                "{} {a}~{b}, resolved x{:.2}",
                facts.link.key(),
                facts.confidence
            ),
            Some((a, b)) => format!("{} {a}~{b}", facts.link.key()),
            None => "no shared ROME domain".to_owned(),
        };
        let competences_note = if facts.total_count == 0 {
            "need competences unknown".to_owned()
        } else {
            format!("{}/{} competences", facts.covered_count, facts.total_count)
        };
        let subs = [
            facts.link.value() * unit(facts.confidence),
            facts.competence_share(),
            unit(facts.text),
        ];
        let notes = [
            occupation_note,
            competences_note,
            format!("relevance {:.2}", facts.text),
        ];
        let kinds = [
            ComponentKind::Occupation,
            ComponentKind::Competences,
            ComponentKind::Text,
        ];
        let components = (0..3)
            .map(|k| Component {
                kind: kinds[k],
                weight: self.weights[k],
                sub_score: unit(subs[k]),
                points: parts[k],
                note: notes[k].clone(),
            })
            .collect();
        let level = self.level_factor(want, have);
        let distance = self.distance_factor(distance_km);
        let level_note = match (want, have) {
            (Some(w), Some(h)) => format!("level {h} for {w}"),
            _ => "level unknown".to_owned(),
        };
        let distance_note =
            distance_km.map_or_else(|| "distance unknown".to_owned(), |d| format!("{d:.1} km"));
        let factors = vec![
            Factor {
                kind: FactorKind::Level,
                value: level,
                note: level_note,
            },
            Factor {
                kind: FactorKind::Distance,
                value: distance,
                note: distance_note,
            },
        ];
        let kind = self.link(facts, subject);
        let rejected = match (kind, self.gate(facts)) {
            (Some(_), _) => None,
            (None, None) => Some("no shared ROME domain and too few shared competences".into()),
            (None, Some(_)) => Some(format!(
                "subject relevance {subject} below {}",
                Points::from_unit(self.config.min_subject_score)
            )),
        };
        Score {
            total: Self::total(subject, level, distance),
            subject,
            components,
            factors,
            kind,
            rejected,
            distance_km,
        }
    }
}

/// A value clamped to [0, 1]; non-finite values read as 0.
fn unit(value: f64) -> f64 {
    if value.is_finite() {
        value.clamp(0.0, 1.0)
    } else {
        0.0
    }
}
