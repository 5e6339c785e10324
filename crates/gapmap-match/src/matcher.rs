//! The matching run: resolve, score, supply, allocate, and report per need.

use std::collections::{BTreeMap, HashMap};

use gapmap_model::{
    BassinCode, Buyer, Count, Departement, EuropeanLevel, Need, NeedId, NeedLocation, Offer,
    OfferId, OfferSource, OgrCode, Referential, RomeCode, Territory, Volume,
};
use rayon::prelude::*;

use crate::allocate::{AllocationEdge, AllocationProblem, allocate};
use crate::candidates::{Candidate, CandidateSource, Resolution};
use crate::code_candidates::CodeCandidates;
use crate::config::{BuyerClass, MatchConfig};
use crate::score::{Points, Score, Scorer};
use crate::supply::{CapacityStatus, Supply, supply_of};

/// What the matcher reads: the referential, the territory, the offers and the needs.
#[derive(Clone, Copy, Debug)]
pub struct MatchInput<'a> {
    /// ROME, certifications.
    pub referential: &'a Referential,
    /// Communes and areas.
    pub territory: &'a Territory,
    /// Training offers (supply).
    pub offers: &'a [Offer],
    /// Recruitment needs (demand).
    pub needs: &'a [Need],
}

/// A candidate offer of a need with its score.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredCandidate {
    /// The offer.
    pub offer: OfferId,
    /// Index of the offer in [`MatchOutcome::supplies`] (and in the input offers).
    pub offer_index: usize,
    /// Offer label.
    pub label: String,
    /// The score with its breakdown.
    pub score: Score,
    /// Query terms that matched.
    pub matched_terms: Vec<String>,
    /// Whether the score reaches the configured threshold.
    pub above_threshold: bool,
    /// Whether the offer's capacity is known.
    pub capacity: CapacityStatus,
    /// Proposed because it is a scenario offer the candidate source does not know.
    pub from_scenario: bool,
}

/// Graduates of an offer allocated to a need.
#[derive(Clone, Debug, PartialEq)]
pub struct Allocation {
    /// The offer.
    pub offer: OfferId,
    /// Index of the offer.
    pub offer_index: usize,
    /// Graduates per year.
    pub volume: Volume,
    /// Share of the need's volume, in [0, 1].
    pub share: f64,
    /// Score of the pair.
    pub score: Points,
}

/// Why (the rest of) a need stays uncovered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeedStatus {
    /// Fully covered.
    Covered,
    /// Volume masked by the publisher: not allocated, reported apart.
    Masked,
    /// Volume zero.
    NoVolume,
    /// No candidate offer at all.
    NoCandidate,
    /// Candidates exist but none reaches the score threshold (best score given).
    BelowThreshold(Points),
    /// The candidates over the threshold all have unknown capacity.
    CapacityUnknown,
    /// The candidates over the threshold with known capacity have no graduates left (their supply
    /// went to this need or to others the allocation served better).
    SupplyExhausted,
}

impl NeedStatus {
    /// Machine key.
    pub fn key(self) -> &'static str {
        match self {
            NeedStatus::Covered => "covered",
            NeedStatus::Masked => "masked",
            NeedStatus::NoVolume => "no-volume",
            NeedStatus::NoCandidate => "no-candidate",
            NeedStatus::BelowThreshold(_) => "below-threshold",
            NeedStatus::CapacityUnknown => "capacity-unknown",
            NeedStatus::SupplyExhausted => "supply-exhausted",
        }
    }
}

/// The result for one need.
#[derive(Clone, Debug, PartialEq)]
pub struct NeedResult {
    /// The need.
    pub id: NeedId,
    /// Who recruits.
    pub buyer: Buyer,
    /// Specialty as written.
    pub specialty: String,
    /// Volume as published.
    pub volume: Count,
    /// ROME sheets used (given, or resolved).
    pub rome: Vec<RomeCode>,
    /// Whether the sheets were resolved from the specialty text.
    pub resolved: bool,
    /// Resolutions proposed by the candidate source (empty when the need gave its sheets).
    pub resolutions: Vec<Resolution>,
    /// Minimum level.
    pub level: Option<EuropeanLevel>,
    /// Département of the need's place, when it has one.
    pub departement: Option<Departement>,
    /// Employment area of the need's place, when it has one.
    pub bassin: Option<BassinCode>,
    /// Tags.
    pub tags: Vec<String>,
    /// Competences demanded with their weight (2 = core).
    pub competences: Vec<(OgrCode, u32)>,
    /// Demanded competences that no candidate offer teaches.
    pub untaught_competences: Vec<OgrCode>,
    /// Candidates, best score first (ties by offer id).
    pub candidates: Vec<ScoredCandidate>,
    /// Graduates allocated, largest first.
    pub allocations: Vec<Allocation>,
    /// Volume covered.
    pub covered: Volume,
    /// Volume left uncovered (zero for masked needs).
    pub gap: Volume,
    /// Why the rest is uncovered.
    pub status: NeedStatus,
    /// Volume below the small-count threshold.
    pub small: bool,
}

impl NeedResult {
    /// Known volume (zero when masked).
    pub fn known_volume(&self) -> Volume {
        self.volume.known().unwrap_or(Volume::ZERO)
    }

    /// Covered share in [0, 1], when the volume is known and positive.
    pub fn coverage(&self) -> Option<f64> {
        let v = self.known_volume();
        (!v.is_zero()).then(|| self.covered.milli() as f64 / v.milli() as f64)
    }

    /// Candidates over the threshold whose capacity is unknown (listed in explanations).
    pub fn capacity_unknown_candidates(&self) -> impl Iterator<Item = &ScoredCandidate> {
        self.candidates
            .iter()
            .filter(|c| c.above_threshold && c.capacity != CapacityStatus::Known)
    }
}

/// How an offer's graduates were used.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferUse {
    /// Graduates per year (see [`MatchOutcome::supplies`]).
    pub graduates: Volume,
    /// Allocated to needs.
    pub allocated: Volume,
    /// Left over.
    pub remaining: Volume,
}

/// Supply of a competence against its demand.
#[derive(Clone, Debug, PartialEq)]
pub struct CompetenceGap {
    /// The competence.
    pub competence: OgrCode,
    /// Label from the referential.
    pub label: Option<String>,
    /// Needs demanding it (known volume).
    pub needs: usize,
    /// Volume of those needs.
    pub demand: Volume,
    /// Graduates a year of all offers teaching it.
    pub graduates: Volume,
    /// Volume of the needs demanding it for which no candidate offer teaches it.
    pub untaught_demand: Volume,
}

/// Everything a run produces; plain values for the binary to print.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchOutcome {
    /// Supply per offer, in input order.
    pub supplies: Vec<Supply>,
    /// Use of each offer's supply, in input order.
    pub offer_use: Vec<OfferUse>,
    /// One result per need, in input order.
    pub needs: Vec<NeedResult>,
    /// Demanded competences with supply and demand, by OGR code.
    pub competences: Vec<CompetenceGap>,
    /// Candidates whose offer id is not among the input offers (e.g. closed by a scenario).
    pub unknown_candidates: usize,
    /// Small-count threshold (people) used for the flags.
    pub small_count_threshold: u64,
}

/// Runs the matcher.
///
/// Needs without ROME sheets are resolved through [`CandidateSource::resolve`]; candidates come from
/// `source`, plus the scenario offers ([`OfferSource::Scenario`]) that share the need's ROME domain
/// within [`MatchConfig::reach_km`], since an index built before the scenario cannot know them.
pub fn run(
    input: &MatchInput<'_>,
    source: &dyn CandidateSource,
    config: &MatchConfig,
) -> MatchOutcome {
    let scorer = Scorer::new(input.referential, input.territory, config);
    let supplies: Vec<Supply> = input
        .offers
        .par_iter()
        .map(|o| supply_of(o, config))
        .collect();
    let offer_competences: Vec<Vec<OgrCode>> = input
        .offers
        .par_iter()
        .map(|o| scorer.offer_competences(o))
        .collect();
    let offer_index: HashMap<&OfferId, usize> = input
        .offers
        .iter()
        .enumerate()
        .map(|(i, o)| (&o.id, i))
        .collect();
    let scenario_offers: Vec<Offer> = input
        .offers
        .iter()
        .filter(|o| o.source == OfferSource::Scenario)
        .cloned()
        .collect();
    let scenario_source = CodeCandidates::new(
        input.referential,
        input.territory,
        &scenario_offers,
        config.reach_km,
    );
    let threshold = Points::from_unit(config.min_edge_score);
    let bassin_departements = bassin_departements(input.territory);
    let small_milli = config.small_count_threshold.saturating_mul(Volume::SCALE);

    struct Scored {
        result: NeedResult,
        unknown: usize,
    }
    let scored: Vec<Scored> = input
        .needs
        .par_iter()
        .map(|need| {
            let (rome, resolutions) = settle_sheets(need, source, config);
            let resolved = need.rome.is_empty() && !rome.is_empty();
            let mut query = need.clone();
            query.rome = rome.iter().map(|(c, _)| *c).collect();
            let mut found: Vec<(Candidate, bool)> = source
                .candidates(&query, config.max_candidates_per_need)
                .into_iter()
                .map(|c| (c, false))
                .collect();
            if !scenario_offers.is_empty() {
                found.extend(
                    scenario_source
                        .candidates(&query, config.max_candidates_per_need)
                        .into_iter()
                        .map(|c| (c, true)),
                );
            }
            let profile = scorer.need_profile(need, rome);
            let mut unknown = 0;
            let mut seen = std::collections::HashSet::new();
            let mut candidates = Vec::new();
            for (candidate, from_scenario) in found {
                let Some(&i) = offer_index.get(&candidate.offer) else {
                    unknown += 1;
                    continue;
                };
                if !seen.insert(i) {
                    continue;
                }
                let offer = &input.offers[i];
                let score = scorer.score(
                    need,
                    &profile,
                    offer,
                    &offer_competences[i],
                    candidate.text_relevance,
                );
                candidates.push(ScoredCandidate {
                    offer: offer.id.clone(),
                    offer_index: i,
                    label: offer.label.clone(),
                    above_threshold: score.total >= threshold,
                    score,
                    matched_terms: candidate.matched_terms,
                    capacity: supplies[i].capacity,
                    from_scenario,
                });
            }
            candidates.sort_by(|a, b| {
                b.score
                    .total
                    .cmp(&a.score.total)
                    .then_with(|| a.offer.cmp(&b.offer))
            });
            let untaught_competences = profile
                .competences
                .iter()
                .map(|(c, _)| *c)
                .filter(|c| {
                    !candidates
                        .iter()
                        .any(|k| offer_competences[k.offer_index].binary_search(c).is_ok())
                })
                .collect();
            let volume_milli = need.volume.known().map(Volume::milli);
            let result = NeedResult {
                id: need.id.clone(),
                buyer: need.buyer.clone(),
                specialty: need.specialty.clone(),
                volume: need.volume,
                rome: profile.rome.iter().map(|(c, _)| *c).collect(),
                resolved,
                resolutions,
                level: need.min_level,
                departement: departement_of(&need.location, input.territory, &bassin_departements),
                bassin: bassin_of(&need.location, input.territory),
                tags: need.tags.clone(),
                competences: profile.competences.clone(),
                untaught_competences,
                candidates,
                allocations: Vec::new(),
                covered: Volume::ZERO,
                gap: Volume::ZERO,
                status: NeedStatus::Covered,
                small: volume_milli.is_some_and(|v| v < small_milli),
            };
            Scored { result, unknown }
        })
        .collect();
    let unknown_candidates = scored.iter().map(|s| s.unknown).sum();
    let mut needs: Vec<NeedResult> = scored.into_iter().map(|s| s.result).collect();

    let mut problem = AllocationProblem {
        supplies: supplies.iter().map(|s| s.graduates.milli()).collect(),
        volumes: needs.iter().map(|n| n.known_volume().milli()).collect(),
        classes: needs.iter().map(|n| BuyerClass::of(&n.buyer)).collect(),
        edges: Vec::new(),
    };
    for (j, need) in needs.iter().enumerate() {
        if problem.volumes[j] == 0 {
            continue;
        }
        for c in need.candidates.iter().filter(|c| c.above_threshold) {
            if problem.supplies[c.offer_index] > 0 {
                problem.edges.push(AllocationEdge {
                    offer: c.offer_index,
                    need: j,
                    score: c.score.total,
                });
            }
        }
    }
    let flows = allocate(&problem, &config.buyer_policy);

    let mut allocated = vec![0u64; input.offers.len()];
    for (e, &f) in problem.edges.iter().zip(&flows) {
        if f == 0 {
            continue;
        }
        allocated[e.offer] += f;
        let need = &mut needs[e.need];
        let volume = problem.volumes[e.need];
        need.allocations.push(Allocation {
            offer: input.offers[e.offer].id.clone(),
            offer_index: e.offer,
            volume: Volume::from_milli(f),
            share: f as f64 / volume.max(1) as f64,
            score: e.score,
        });
    }
    for need in &mut needs {
        need.allocations
            .sort_by(|a, b| b.volume.cmp(&a.volume).then_with(|| a.offer.cmp(&b.offer)));
        need.covered = need.allocations.iter().map(|a| a.volume).sum();
        need.gap = need.known_volume().saturating_sub(need.covered);
        need.status = status_of(need, &problem.supplies);
    }
    let offer_use = supplies
        .iter()
        .zip(&allocated)
        .map(|(s, &a)| OfferUse {
            graduates: s.graduates,
            allocated: Volume::from_milli(a),
            remaining: s.graduates.saturating_sub(Volume::from_milli(a)),
        })
        .collect();
    let competences = competence_gaps(input, &needs, &supplies, &offer_competences);
    MatchOutcome {
        supplies,
        offer_use,
        needs,
        competences,
        unknown_candidates,
        small_count_threshold: config.small_count_threshold,
    }
}

/// The need's sheets with their confidence, and the resolutions asked for when it gave none.
fn settle_sheets(
    need: &Need,
    source: &dyn CandidateSource,
    config: &MatchConfig,
) -> (Vec<(RomeCode, f64)>, Vec<Resolution>) {
    if !need.rome.is_empty() {
        return (need.rome.iter().map(|&c| (c, 1.0)).collect(), Vec::new());
    }
    let resolutions = source.resolve(&need.specialty, config.max_resolutions);
    let mut rome: Vec<(RomeCode, f64)> = Vec::new();
    for r in resolutions
        .iter()
        .filter(|r| r.confidence >= config.min_resolution_confidence)
    {
        if !rome.iter().any(|(c, _)| *c == r.rome) {
            rome.push((r.rome, r.confidence));
        }
    }
    (rome, resolutions)
}

fn status_of(need: &NeedResult, supplies: &[u64]) -> NeedStatus {
    if need.volume == Count::Masked {
        return NeedStatus::Masked;
    }
    if need.known_volume().is_zero() {
        return NeedStatus::NoVolume;
    }
    if need.gap.is_zero() {
        return NeedStatus::Covered;
    }
    if need.candidates.is_empty() {
        return NeedStatus::NoCandidate;
    }
    let over: Vec<&ScoredCandidate> = need
        .candidates
        .iter()
        .filter(|c| c.above_threshold)
        .collect();
    if over.is_empty() {
        let best = need
            .candidates
            .iter()
            .map(|c| c.score.total)
            .max()
            .unwrap_or_default();
        return NeedStatus::BelowThreshold(best);
    }
    if over.iter().all(|c| supplies[c.offer_index] == 0) {
        return NeedStatus::CapacityUnknown;
    }
    NeedStatus::SupplyExhausted
}

/// The département holding most of each employment area's communes (ties: the smallest code).
fn bassin_departements(territory: &Territory) -> BTreeMap<BassinCode, Departement> {
    let mut counts: BTreeMap<BassinCode, BTreeMap<&Departement, usize>> = BTreeMap::new();
    for c in territory.communes.values() {
        if let Some(b) = c.bassin {
            *counts
                .entry(b)
                .or_default()
                .entry(&c.departement)
                .or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter_map(|(b, per)| {
            let best = per
                .into_iter()
                .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(x.0)))?;
            Some((b, best.0.clone()))
        })
        .collect()
}

fn departement_of(
    location: &NeedLocation,
    territory: &Territory,
    bassin_departements: &BTreeMap<BassinCode, Departement>,
) -> Option<Departement> {
    match location {
        NeedLocation::Commune(c) => Some(
            territory
                .commune(c)
                .map_or_else(|| c.departement(), |k| k.departement.clone()),
        ),
        NeedLocation::Departement(d) => Some(d.clone()),
        NeedLocation::Bassin(b) => bassin_departements.get(b).cloned(),
        NeedLocation::Region(_) => None,
    }
}

fn bassin_of(location: &NeedLocation, territory: &Territory) -> Option<BassinCode> {
    match location {
        NeedLocation::Commune(c) => territory.commune(c).and_then(|k| k.bassin),
        NeedLocation::Bassin(b) => Some(*b),
        NeedLocation::Departement(_) | NeedLocation::Region(_) => None,
    }
}

fn competence_gaps(
    input: &MatchInput<'_>,
    needs: &[NeedResult],
    supplies: &[Supply],
    offer_competences: &[Vec<OgrCode>],
) -> Vec<CompetenceGap> {
    let mut rows: BTreeMap<OgrCode, CompetenceGap> = BTreeMap::new();
    for need in needs.iter().filter(|n| n.volume.known().is_some()) {
        for &(c, _) in &need.competences {
            let row = rows.entry(c).or_insert_with(|| CompetenceGap {
                competence: c,
                label: input
                    .referential
                    .competences
                    .get(&c)
                    .map(|k| k.label.clone()),
                needs: 0,
                demand: Volume::ZERO,
                graduates: Volume::ZERO,
                untaught_demand: Volume::ZERO,
            });
            row.needs += 1;
            row.demand += need.known_volume();
            if need.untaught_competences.binary_search(&c).is_ok() {
                row.untaught_demand += need.known_volume();
            }
        }
    }
    for (supply, taught) in supplies.iter().zip(offer_competences) {
        for c in taught {
            if let Some(row) = rows.get_mut(c) {
                row.graduates += supply.graduates;
            }
        }
    }
    rows.into_values().collect()
}
