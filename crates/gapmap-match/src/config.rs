//! The matcher's configuration: weights, radii, factors and thresholds, with documented defaults.
//!
//! The binary reads it from the `[match]` table of the TOML configuration; every field may be
//! omitted and then takes the default written in its documentation.

use serde::Deserialize;

/// Everything the matcher can be tuned with. `MatchConfig::default()` is the documented setup;
/// [`MatchConfig::validate`] checks every value against its range.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchConfig {
    /// Weights of the subject-relevance parts (normalised to sum to 1 before use).
    pub weights: ScoreWeights,
    /// Level factors: how a level mismatch lowers a link's score.
    pub level_fit: LevelFitValues,
    /// Distance (km) within which the distance factor is 1. Default `30.0` km.
    pub commute_radius_km: f64,
    /// Decay length (km) beyond the commute radius: the distance factor is
    /// `exp(-(d - radius) / decay)`. Default `25.0` km (about 0.37 at 55 km, 0.06 at 100 km).
    pub distance_decay_km: f64,
    /// Distance factor when the offer or the need has no usable point. Default `0.5`.
    pub unknown_distance_score: f64,
    /// Farthest distance (km) from the need's place at which an offer is a candidate. Default
    /// `150.0` km. Offers without a point are candidates (distance unknown).
    pub reach_km: f64,
    /// Minimum subject relevance, in [0, 1], for an offer to supply a need at all (besides the
    /// link gates, see [`crate::LinkKind`]). Level and distance never count towards it.
    /// Default `0.3`.
    pub min_subject_score: f64,
    /// Share of the need's (weighted) competences an offer must teach for its graduates to count
    /// as direct supply without a sheet or parent-sheet link. Default `0.5`.
    pub direct_competence_share: f64,
    /// Share of the need's competences an offer without any shared ROME domain must teach to be
    /// an adjacent candidate. Default `0.25`.
    pub adjacent_competence_share: f64,
    /// Whether the headline coverage (and so the gap) counts adjacent supply too. Default
    /// `false`: covered means direct supply only.
    pub count_adjacent: bool,
    /// Whether seasonal BMO projects (`smet`) count as demand. Default `false`: the training map
    /// is compared with non-seasonal demand and seasonal projects are shown apart.
    pub include_seasonal: bool,
    /// Share of entrants who reach the final year, in [0, 1], for offers without a measured
    /// retention (apprenticeships, courses the census does not cover, or all offers when
    /// `measured_completion` is off) whose level `completion_by_level` does not list. Default
    /// `0.8`.
    pub completion_factor: f64,
    /// The same share by European level, for offers without a measured retention. Default: none
    /// (no open file gives apprentices' or higher education's completion: `completion_factor`).
    pub completion_by_level: Vec<LevelRate>,
    /// Whether an offer's completion is its measured retention to the final year (the census
    /// ratio of its kind of course in its region, school status) when it has one, and 0 for a
    /// seconde commune (its pupils are counted in the premières of its family). Default `true`;
    /// off, every offer's completion is configured.
    pub measured_completion: bool,
    /// Whether an offer's entrants are its census enrolment (capped at its seats) when it has
    /// one. Default `true`; off, every offer's entrants come from its applications.
    pub census_entrants: bool,
    /// Entrants per application for offers without census enrolment: entrants = min(seats,
    /// applications x this). Default: calibrated per source on the offers the census counts (the
    /// value for which their entrants by this rule add up to their census entrants), `1.0` when
    /// fewer than 20 offers allow the measure.
    pub entrants_per_application: Option<f64>,
    /// Share of its seats an offer fills when nothing tells its entrants (no census enrolment,
    /// applications not published: declared seats, seats a scenario opens). Default `1.0`
    /// (full), stated on each such offer.
    pub fill_without_evidence: f64,
    /// Share of its seats an offer fills when it had no applicant and no census enrolment.
    /// Default `0.0`: seats nobody asked for supply nobody.
    pub fill_without_applicants: f64,
    /// Offers with fewer seats than this have their pressure and fill rate flagged as small.
    /// Default `10`.
    pub small_capacity_threshold: u32,
    /// Outcomes measured on fewer final-year students than this are flagged as small. Default
    /// `20`.
    pub small_cohort_threshold: u32,
    /// Share of graduates who go on studying (and so do not enter the labour market) when the offer
    /// has no InserJeunes outcome, by European level; levels not listed use
    /// `further_study_default`. Default: level 3 (CAP) `0.35`, level 4 (bac pro) `0.45`, level 5
    /// (BTS) `0.35`, level 6 `0.40`.
    pub further_study_by_level: Vec<LevelRate>,
    /// Further-study share for offers with neither outcomes nor a listed level. Default `0.4`.
    pub further_study_default: f64,
    /// Course length (years) assumed when the offer does not give one. Default `2` years.
    pub default_duration_years: u8,
    /// Resolutions asked of the text source for a need without ROME sheet. Default `3`.
    pub max_resolutions: usize,
    /// Minimum confidence, in [0, 1], for a resolution to be used. Default `0.3`.
    pub min_resolution_confidence: f64,
    /// How buyers compete for the same graduates.
    pub buyer_policy: BuyerPolicy,
    /// Counts (people) below this are flagged as small in gap tables. Default `5`.
    pub small_count_threshold: u64,
    /// How a plan horizon projects an offer's seats beyond (and before) the intake years its
    /// source published. Default [`Projection::Last`].
    pub capacity_projection: Projection,
    /// Yearly growth of the BMO demand over a plan horizon, from the survey's year, a fraction
    /// (`0.02`: +2 % a year), in [-0.99, 1]. Default `0.0`: the survey's yearly flow repeated every year.
    pub bmo_growth: f64,
}

/// How a plan horizon projects an offer's seats to an intake year its source did not publish.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Projection {
    /// The seats of the nearest published year before (the latest year for later years, the
    /// earliest for earlier ones).
    #[default]
    Last,
    /// For years after the last published one: the least-squares line through the published
    /// years (at least two), from the latest published seats, at least 0 seats; one published
    /// year, and years before or between published ones: as [`Projection::Last`].
    Trend,
}

impl Projection {
    /// Short machine key (`last`, `trend`).
    pub fn key(self) -> &'static str {
        match self {
            Projection::Last => "last",
            Projection::Trend => "trend",
        }
    }
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig {
            weights: ScoreWeights::default(),
            level_fit: LevelFitValues::default(),
            commute_radius_km: 30.0,
            distance_decay_km: 25.0,
            unknown_distance_score: 0.5,
            reach_km: 150.0,
            min_subject_score: 0.3,
            direct_competence_share: 0.5,
            adjacent_competence_share: 0.25,
            count_adjacent: false,
            include_seasonal: false,
            completion_factor: 0.8,
            completion_by_level: Vec::new(),
            measured_completion: true,
            census_entrants: true,
            entrants_per_application: None,
            fill_without_evidence: 1.0,
            fill_without_applicants: 0.0,
            small_capacity_threshold: 10,
            small_cohort_threshold: 20,
            further_study_by_level: vec![
                LevelRate {
                    level: 3,
                    rate: 0.35,
                },
                LevelRate {
                    level: 4,
                    rate: 0.45,
                },
                LevelRate {
                    level: 5,
                    rate: 0.35,
                },
                LevelRate {
                    level: 6,
                    rate: 0.40,
                },
            ],
            further_study_default: 0.4,
            default_duration_years: 2,
            max_resolutions: 3,
            min_resolution_confidence: 0.3,
            buyer_policy: BuyerPolicy::default(),
            small_count_threshold: 5,
            capacity_projection: Projection::Last,
            bmo_growth: 0.0,
        }
    }
}

/// A configuration value out of its range.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("`{field}` = {value}: expected {expected}")]
pub struct ConfigError {
    /// The field, as written in the `[match]` table (`level_fit.exact`).
    pub field: String,
    /// The value given.
    pub value: String,
    /// The valid range.
    pub expected: &'static str,
}

impl MatchConfig {
    /// The completion assumed for an offer of `level` without a measured retention.
    pub fn completion_for(&self, level: Option<u8>) -> f64 {
        level
            .and_then(|l| self.completion_by_level.iter().find(|r| r.level == l))
            .map_or(self.completion_factor, |r| r.rate)
    }

    /// The further-study share assumed for an offer of `level` without outcomes.
    pub fn further_study_for(&self, level: Option<u8>) -> f64 {
        level
            .and_then(|l| self.further_study_by_level.iter().find(|r| r.level == l))
            .map_or(self.further_study_default, |r| r.rate)
    }

    /// Checks every value against its documented range; the first value out of range is named.
    pub fn validate(&self) -> Result<(), ConfigError> {
        const UNIT: &str = "a number in [0, 1]";
        const WEIGHT: &str = "a finite number >= 0";
        const KM: &str = "a finite number of km >= 0";
        const POSITIVE_KM: &str = "a finite number of km > 0";
        let w = &self.weights;
        let f = &self.level_fit;
        let mut checks: Vec<(String, f64, &'static str, bool)> = vec![
            (
                "weights.occupation".into(),
                w.occupation,
                WEIGHT,
                w.occupation >= 0.0,
            ),
            (
                "weights.competences".into(),
                w.competences,
                WEIGHT,
                w.competences >= 0.0,
            ),
            ("weights.text".into(), w.text, WEIGHT, w.text >= 0.0),
            (
                "commute_radius_km".into(),
                self.commute_radius_km,
                KM,
                self.commute_radius_km >= 0.0,
            ),
            (
                "distance_decay_km".into(),
                self.distance_decay_km,
                POSITIVE_KM,
                self.distance_decay_km > 0.0,
            ),
            ("reach_km".into(), self.reach_km, KM, self.reach_km >= 0.0),
        ];
        for (name, value) in [
            ("level_fit.exact", f.exact),
            ("level_fit.one_below", f.one_below),
            ("level_fit.far_below", f.far_below),
            ("level_fit.one_above", f.one_above),
            ("level_fit.far_above", f.far_above),
            ("level_fit.unknown", f.unknown),
            ("unknown_distance_score", self.unknown_distance_score),
            ("min_subject_score", self.min_subject_score),
            ("direct_competence_share", self.direct_competence_share),
            ("adjacent_competence_share", self.adjacent_competence_share),
            ("completion_factor", self.completion_factor),
            ("fill_without_evidence", self.fill_without_evidence),
            ("fill_without_applicants", self.fill_without_applicants),
            ("further_study_default", self.further_study_default),
            ("min_resolution_confidence", self.min_resolution_confidence),
        ] {
            checks.push((name.into(), value, UNIT, (0.0..=1.0).contains(&value)));
        }
        checks.push((
            "bmo_growth".into(),
            self.bmo_growth,
            "a number in [-0.99, 1]",
            (-0.99..=1.0).contains(&self.bmo_growth),
        ));
        if let Some(m) = self.entrants_per_application {
            checks.push((
                "entrants_per_application".into(),
                m,
                "a finite number >= 0",
                m >= 0.0,
            ));
        }
        for (table, rates) in [
            ("further_study_by_level", &self.further_study_by_level),
            ("completion_by_level", &self.completion_by_level),
        ] {
            for (k, r) in rates.iter().enumerate() {
                let name = format!("{table}[{k}].rate");
                checks.push((name, r.rate, UNIT, (0.0..=1.0).contains(&r.rate)));
            }
        }
        if let BuyerPolicy::Priority {
            ministry,
            defence_industry,
            civil,
        } = &self.buyer_policy
        {
            const CLASS: &str = "a number in [0.01, 100]";
            for (name, value) in [
                ("buyer_policy.ministry", *ministry),
                ("buyer_policy.defence_industry", *defence_industry),
                ("buyer_policy.civil", *civil),
            ] {
                checks.push((name.into(), value, CLASS, (0.01..=100.0).contains(&value)));
            }
        }
        for (field, value, expected, ok) in checks {
            if !(ok && value.is_finite()) {
                return Err(ConfigError {
                    field,
                    value: value.to_string(),
                    expected,
                });
            }
        }
        if w.occupation + w.competences + w.text <= 0.0 {
            return Err(ConfigError {
                field: "weights".into(),
                value: "all zero".into(),
                expected: "at least one positive weight",
            });
        }
        let levels = [
            ("further_study_by_level", &self.further_study_by_level),
            ("completion_by_level", &self.completion_by_level),
        ];
        for (k, (table, r)) in levels
            .iter()
            .flat_map(|(t, rates)| rates.iter().enumerate().map(move |(k, r)| (k, (t, r))))
        {
            if !(1..=8).contains(&r.level) {
                return Err(ConfigError {
                    field: format!("{table}[{k}].level"),
                    value: r.level.to_string(),
                    expected: "a European level, 1 to 8",
                });
            }
        }
        if self.default_duration_years == 0 || self.default_duration_years > 8 {
            return Err(ConfigError {
                field: "default_duration_years".into(),
                value: self.default_duration_years.to_string(),
                expected: "1 to 8 years",
            });
        }
        if self.direct_competence_share < self.adjacent_competence_share {
            return Err(ConfigError {
                field: "direct_competence_share".into(),
                value: self.direct_competence_share.to_string(),
                expected: "at least adjacent_competence_share",
            });
        }
        Ok(())
    }
}

/// A rate for one European level.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRate {
    /// European level, 1 to 8.
    pub level: u8,
    /// Rate in [0, 1].
    pub rate: f64,
}

/// Relative weights of the parts of subject relevance: how well what the offer teaches matches
/// the need's job. Any non-negative values, not all zero; the scorer divides each by their sum.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreWeights {
    /// Occupational link (same ROME sheet, parent sheet, domain). Default `0.5`.
    pub occupation: f64,
    /// Competence coverage. Default `0.35`.
    pub competences: f64,
    /// Text relevance of the offer's labels to the need's specialty. Default `0.15`.
    pub text: f64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights {
            occupation: 0.5,
            competences: 0.35,
            text: 0.15,
        }
    }
}

/// Level factors between the need's minimum level and the offer's level: the link's score is
/// multiplied by them. A factor of 0 removes the link.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LevelFitValues {
    /// Offer at the required level. Default `1.0`.
    pub exact: f64,
    /// Offer one level below the requirement. Default `0.5`.
    pub one_below: f64,
    /// Offer two or more levels below. Default `0.0`.
    pub far_below: f64,
    /// Offer one level above (over-qualified). Default `0.8`.
    pub one_above: f64,
    /// Offer two or more levels above (over-qualified). Default `0.5`.
    pub far_above: f64,
    /// The need or the offer gives no level. Default `0.8`.
    pub unknown: f64,
}

impl Default for LevelFitValues {
    fn default() -> Self {
        LevelFitValues {
            exact: 1.0,
            one_below: 0.5,
            far_below: 0.0,
            one_above: 0.8,
            far_above: 0.5,
            unknown: 0.8,
        }
    }
}

/// How buyers compete for the same graduates.
///
/// Buyers fall into three classes ([`BuyerClass`]): the Ministry of the Armed Forces (forces,
/// services, civilian staff), the defence industry, and civil demand (BMO survey and other
/// employers).
///
/// In TOML: `buyer_policy = { kind = "priority", ministry = 3.0, defence_industry = 2.0, civil = 1.0 }`
/// or `buyer_policy = { kind = "proportional" }`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum BuyerPolicy {
    /// One allocation for all buyers that maximises the sum of `score x weight x flow`: a graduate
    /// goes to a higher-weight buyer unless a lower-weight buyer's score is higher by more than the
    /// ratio of the weights. Weights are clamped to [0.01, 100]. Default: ministry `3.0`, defence
    /// industry `2.0`, civil `1.0`.
    Priority {
        /// Weight of the Ministry of the Armed Forces.
        ministry: f64,
        /// Weight of the defence industry.
        defence_industry: f64,
        /// Weight of civil demand (BMO, other employers).
        civil: f64,
    },
    /// Each offer's supply is first split between buyer classes in proportion to the volume the
    /// class asks of that offer (the needs linked to it over the threshold); each class then gets
    /// its own allocation within its shares. No class can crowd out another.
    Proportional,
}

impl BuyerPolicy {
    /// The weight of a class in the allocation's objective: its priority weight clamped to
    /// [0.01, 100] (1 when not finite), 1 under [`BuyerPolicy::Proportional`].
    pub fn weight(&self, class: BuyerClass) -> f64 {
        match self {
            BuyerPolicy::Priority {
                ministry,
                defence_industry,
                civil,
            } => {
                let w = match class {
                    BuyerClass::Ministry => *ministry,
                    BuyerClass::DefenceIndustry => *defence_industry,
                    BuyerClass::Civil => *civil,
                };
                if w.is_finite() {
                    w.clamp(0.01, 100.0)
                } else {
                    1.0
                }
            }
            BuyerPolicy::Proportional => 1.0,
        }
    }
}

impl Default for BuyerPolicy {
    fn default() -> Self {
        BuyerPolicy::Priority {
            ministry: 3.0,
            defence_industry: 2.0,
            civil: 1.0,
        }
    }
}

/// The three classes of buyers that the [`BuyerPolicy`] arbitrates between.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BuyerClass {
    /// Ministry of the Armed Forces.
    Ministry,
    /// Defence industry (BITD).
    DefenceIndustry,
    /// BMO survey and other employers.
    Civil,
}

impl BuyerClass {
    /// The class of a buyer.
    pub fn of(buyer: &gapmap_model::Buyer) -> BuyerClass {
        match buyer {
            gapmap_model::Buyer::DefenceIndustry(_) => BuyerClass::DefenceIndustry,
            b if b.is_ministry() => BuyerClass::Ministry,
            _ => BuyerClass::Civil,
        }
    }

    /// All classes in a fixed order.
    pub const ALL: [BuyerClass; 3] = [
        BuyerClass::Ministry,
        BuyerClass::DefenceIndustry,
        BuyerClass::Civil,
    ];
}
