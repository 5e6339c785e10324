//! The matcher's configuration: weights, radii, factors and thresholds, with documented defaults.
//!
//! The binary reads it from the `[match]` table of the TOML configuration; every field may be
//! omitted and then takes the default written in its documentation.

use serde::Deserialize;

/// Everything the matcher can be tuned with. `MatchConfig::default()` is the documented setup.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchConfig {
    /// Weights of the score's components (normalised to sum to 1 before use).
    pub weights: ScoreWeights,
    /// Values of the level-fit sub-score.
    pub level_fit: LevelFitValues,
    /// Distance (km) within which the distance sub-score is 1. Default `30.0` km.
    pub commute_radius_km: f64,
    /// Decay length (km) beyond the commute radius: the distance sub-score is
    /// `exp(-(d - radius) / decay)`. Default `25.0` km (about 0.37 at 55 km, 0.02 at 130 km).
    pub distance_decay_km: f64,
    /// Distance sub-score when the offer or the need has no usable point. Default `0.3`.
    pub unknown_distance_score: f64,
    /// Farthest distance (km) at which [`crate::CodeCandidates`] proposes an offer. Default `150.0` km.
    pub reach_km: f64,
    /// Minimum score, in [0, 1], for an edge to carry flow in the allocation. Default `0.45`.
    pub min_edge_score: f64,
    /// Share of entrants who complete the course, in [0, 1]. Default `0.8`.
    pub completion_factor: f64,
    /// Share of graduates who go on studying (and so do not enter the labour market) when the offer
    /// has no InserJeunes outcome, by European level; levels not listed use
    /// `further_study_default`. Default: level 3 (CAP) `0.35`, level 4 (bac pro) `0.45`, level 5
    /// (BTS) `0.35`, level 6 `0.40`.
    pub further_study_by_level: Vec<LevelRate>,
    /// Further-study share for offers with neither outcomes nor a listed level. Default `0.4`.
    pub further_study_default: f64,
    /// Course length (years) assumed when the offer does not give one. Default `2` years.
    pub default_duration_years: u8,
    /// Candidates asked of the candidate source per need. Default `50`.
    pub max_candidates_per_need: usize,
    /// Resolutions asked of the candidate source for a need without ROME sheet. Default `3`.
    pub max_resolutions: usize,
    /// Minimum confidence, in [0, 1], for a resolution to be used. Default `0.3`.
    pub min_resolution_confidence: f64,
    /// How buyers compete for the same graduates.
    pub buyer_policy: BuyerPolicy,
    /// Counts (people) below this are flagged as small in gap tables. Default `5`.
    pub small_count_threshold: u64,
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig {
            weights: ScoreWeights::default(),
            level_fit: LevelFitValues::default(),
            commute_radius_km: 30.0,
            distance_decay_km: 25.0,
            unknown_distance_score: 0.3,
            reach_km: 150.0,
            min_edge_score: 0.45,
            completion_factor: 0.8,
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
            max_candidates_per_need: 50,
            max_resolutions: 3,
            min_resolution_confidence: 0.3,
            buyer_policy: BuyerPolicy::default(),
            small_count_threshold: 5,
        }
    }
}

impl MatchConfig {
    /// The further-study share assumed for an offer of `level` without outcomes.
    pub fn further_study_for(&self, level: Option<u8>) -> f64 {
        level
            .and_then(|l| self.further_study_by_level.iter().find(|r| r.level == l))
            .map_or(self.further_study_default, |r| r.rate)
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

/// Relative weights of the score components. Any non-negative values; the scorer divides each by
/// their sum so that the score stays in [0, 1] (all zero falls back to the defaults).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreWeights {
    /// Occupational link (same ROME sheet, parent sheet, domain). Default `0.35`.
    pub occupation: f64,
    /// Competence coverage. Default `0.20`.
    pub competences: f64,
    /// Text relevance from the candidate source. Default `0.15`.
    pub text: f64,
    /// Level fit. Default `0.15`.
    pub level: f64,
    /// Distance. Default `0.15`.
    pub distance: f64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights {
            occupation: 0.35,
            competences: 0.20,
            text: 0.15,
            level: 0.15,
            distance: 0.15,
        }
    }
}

/// Sub-scores of the level fit between the need's minimum level and the offer's level.
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
    /// The need or the offer gives no level. Default `0.6`.
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
            unknown: 0.6,
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
