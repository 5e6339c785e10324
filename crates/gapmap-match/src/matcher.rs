//! The matching run: resolve, join, score, supply, allocate, and report per need.
//!
//! A [`Matcher`] compiles the offers once ([`Matcher::new`]); [`Matcher::run`] then matches any
//! list of needs, and [`Matcher::explain`] rebuilds the full score breakdown of one need on
//! demand (results keep only integers per link).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gapmap_model::{
    BassinCode, Buyer, Count, Departement, EuropeanLevel, Need, NeedId, NeedLocation, Offer,
    OfferSource, OgrCode, Referential, RomeCode, Territory, Transitions, Volume,
};
use rayon::prelude::*;

use crate::allocate::{AllocationEdge, AllocationProblem, allocate};
use crate::config::{BuyerClass, MatchConfig};
use crate::geo::{Cells, Places, Reach};
use crate::horizon::{self, Horizon, HorizonOutcome, YearOutcome};
use crate::join::{CompiledMap, Subject, SubjectLink};
use crate::score::{LinkKind, Points, Score, Scoring};
use crate::supply::{Supply, SupplyRules};
use crate::text::{Resolution, TextSource};

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

/// An offer that can supply a need: integers only (12 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// Index of the offer in the input offers (and in [`MatchOutcome::supplies`]).
    pub offer: u32,
    /// `subject x level x distance`.
    pub score: Points,
    /// Direct or adjacent.
    pub kind: LinkKind,
}

/// Graduates of an offer allocated to a need.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Allocation {
    /// Index of the offer.
    pub offer_index: usize,
    /// Graduates per year.
    pub volume: Volume,
    /// Direct or adjacent supply.
    pub kind: LinkKind,
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
    /// No demand to compare (zero, or only seasonal projects).
    NoVolume,
    /// No training offer within reach teaches anything of the job.
    NoCandidate,
    /// Only adjacent offers (graduates who would need retraining) are within reach.
    AdjacentOnly,
    /// The direct offers within reach all have unknown capacity.
    CapacityUnknown,
    /// The direct offers' graduates are all allocated (to this need or to others the allocation
    /// served better).
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
            NeedStatus::AdjacentOnly => "adjacent-only",
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
    /// Volume as published (all projects).
    pub volume: Count,
    /// Seasonal projects as published (BMO `smet`).
    pub seasonal: Option<Count>,
    /// Projects judged difficult by employers as published (BMO `xmet`).
    pub difficult: Option<Count>,
    /// Seasonal projects left out of the demand (zero when seasonal demand is included or unknown).
    pub seasonal_excluded: Volume,
    /// Demand compared with the training map: the volume less the excluded seasonal projects;
    /// `None` when the volume is masked.
    pub demand: Option<Volume>,
    /// ROME sheets used (given, or resolved) with the confidence in each.
    pub sheets: Vec<(RomeCode, f64)>,
    /// The transition flags of each sheet, in the order of `sheets`.
    pub transitions: Vec<Transitions>,
    /// Whether the sheets were resolved from the specialty text.
    pub resolved: bool,
    /// Resolutions proposed by the text source (empty when the need gave its sheets).
    pub resolutions: Vec<Resolution>,
    /// Minimum level.
    pub level: Option<EuropeanLevel>,
    /// Where.
    pub location: NeedLocation,
    /// Département of the need's place, when it has one.
    pub departement: Option<Departement>,
    /// Employment area of the need's place, when it has one.
    pub bassin: Option<BassinCode>,
    /// Tags.
    pub tags: Vec<String>,
    /// Competences demanded with their weight (2 = core or named by the buyer).
    pub competences: Vec<(OgrCode, u32)>,
    /// Demanded competences that no candidate offer teaches.
    pub untaught_competences: Vec<OgrCode>,
    /// Index of the need's links in [`MatchOutcome::links`] (needs with the same sheets, level,
    /// place and specialty share them).
    pub profile: usize,
    /// Graduates allocated, direct first, then largest first.
    pub allocations: Vec<Allocation>,
    /// Covered by direct supply.
    pub covered_direct: Volume,
    /// Covered by adjacent supply (graduates who would need retraining).
    pub covered_adjacent: Volume,
    /// Covered in the headline: direct, plus adjacent when the configuration counts it.
    pub covered: Volume,
    /// Demand less the headline coverage (zero for masked needs).
    pub gap: Volume,
    /// Why the rest is uncovered.
    pub status: NeedStatus,
    /// Candidates counted in the headline (direct ones, adjacent ones too when the configuration
    /// counts them) whose capacity is unknown (the Parcoursup course list, which holds the
    /// higher-education courses, publishes none) or a placeholder (Affelnet `999`), and whose
    /// pupils the census does not count: they supply nothing in the figures, so part of the gap
    /// may be theirs, by an amount no data says.
    pub capacity_unknown_offers: usize,
    /// Demand below the small-count threshold.
    pub small: bool,
}

impl NeedResult {
    /// Compared demand (zero when masked).
    pub fn known_volume(&self) -> Volume {
        self.demand.unwrap_or(Volume::ZERO)
    }

    /// The ROME sheets used.
    pub fn rome(&self) -> impl Iterator<Item = RomeCode> + '_ {
        self.sheets.iter().map(|&(code, _)| code)
    }

    /// Headline covered share in [0, 1], when the demand is known and positive.
    pub fn coverage(&self) -> Option<f64> {
        let v = self.known_volume();
        (!v.is_zero()).then(|| self.covered.milli() as f64 / v.milli() as f64)
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
    /// Demand of those needs.
    pub demand: Volume,
    /// Graduates a year of all offers teaching it.
    pub graduates: Volume,
    /// Demand of the needs demanding it for which no candidate offer teaches it.
    pub untaught_demand: Volume,
}

/// Everything a run produces; plain values for the front ends to print.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchOutcome {
    /// Supply per offer, in input order.
    pub supplies: Vec<Supply>,
    /// Use of each offer's supply, in input order.
    pub offer_use: Vec<OfferUse>,
    /// One result per need, in input order.
    pub needs: Vec<NeedResult>,
    /// Links of each need profile ([`NeedResult::profile`]): direct first, then best score, then
    /// offer index (shared by the years of a plan horizon).
    pub links: Arc<Vec<Vec<Link>>>,
    /// Demanded competences with supply and demand, by OGR code.
    pub competences: Vec<CompetenceGap>,
    /// Small-count threshold (people) used for the flags.
    pub small_count_threshold: u64,
    /// Whether the headline coverage counts adjacent supply.
    pub count_adjacent: bool,
}

impl MatchOutcome {
    /// The links of a need.
    pub fn links_of(&self, need: &NeedResult) -> &[Link] {
        self.links.get(need.profile).map_or(&[], Vec::as_slice)
    }

    /// Number of (need profile, offer) links.
    pub fn link_count(&self) -> usize {
        self.links.iter().map(Vec::len).sum()
    }
}

/// How long the steps of a run took (wall clock).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Timings {
    /// Resolving needs without sheets and the text relevance of each distinct specialty.
    pub resolve_and_text: Duration,
    /// The candidate join and the scores of every link.
    pub join: Duration,
    /// The allocation and the results per need and per competence.
    pub allocation: Duration,
}

/// Matches needs against a compiled training map.
pub struct Matcher<'a> {
    referential: &'a Referential,
    territory: &'a Territory,
    offers: &'a [Offer],
    text: &'a dyn TextSource,
    config: MatchConfig,
    scoring: Scoring,
    map: CompiledMap<'a>,
    places: Places<'a>,
    cells: Cells,
    rules: SupplyRules,
    supplies: Vec<Supply>,
    offer_index: HashMap<&'a gapmap_model::OfferId, u32>,
    /// Offers opened by a scenario: the text source has not indexed them.
    scenario_offers: Vec<u32>,
    bassin_departements: BTreeMap<BassinCode, Departement>,
}

/// Runs the matcher once: [`Matcher::new`] then [`Matcher::run`].
pub fn run(input: &MatchInput<'_>, text: &dyn TextSource, config: &MatchConfig) -> MatchOutcome {
    Matcher::new(
        input.referential,
        input.territory,
        input.offers,
        text,
        config,
    )
    .run(input.needs)
}

/// A need's sheets with the confidence in each, and the resolutions asked for.
type Settled = (Vec<(RomeCode, f64)>, Vec<Resolution>);

/// The links of a profile and the demanded competences none of them teaches.
type Linked = (Vec<Link>, Vec<OgrCode>);

/// A need profile: its subject, minimum level, place and specialty (ids into [`Profiles`]).
type ProfileKey = (u32, Option<u8>, NeedLocation, u32);

/// The needs of a run grouped: needs of one profile share their links.
struct Profiles<'n> {
    sheets: Vec<Settled>,
    specialties: Interner<&'n str>,
    subjects: Interner<Subject>,
    keys: Interner<ProfileKey>,
    need_profile: Vec<u32>,
}

/// The needs of a run once linked, before the allocation.
struct Prepared<'n> {
    results: Vec<NeedResult>,
    links: Arc<Vec<Vec<Link>>>,
    profiles: Profiles<'n>,
}

/// One plan year before its allocation: the needs of the year and the offers' supplies.
struct YearPlan {
    year: u16,
    /// The position of each need of the year in the run's needs.
    positions: Vec<usize>,
    results: Vec<NeedResult>,
    supplies: Vec<Supply>,
}

impl YearPlan {
    /// Whether `other` has the same allocation problem (same needs and volumes, same graduates).
    fn same_allocation(&self, other: &YearPlan) -> bool {
        self.positions == other.positions
            && (self.results.iter().zip(&other.results)).all(|(a, b)| a.demand == b.demand)
            && (self.supplies.iter().zip(&other.supplies)).all(|(a, b)| a.graduates == b.graduates)
    }
}

/// What a rerun keeps of its base (see [`Matcher::rerun`]).
struct Reuse {
    /// Index here of each base offer (`None`: closed by the scenario).
    new_index: Vec<Option<u32>>,
    /// Offers opened by the scenario, by code set.
    opened: HashMap<u32, Vec<u32>>,
}

/// What a rerun relinks each profile with.
struct Relink<'r> {
    base: &'r MatchOutcome,
    reuse: &'r Reuse,
    subject_links: &'r [Vec<SubjectLink>],
    subjects: &'r [Subject],
    /// Relevance by specialty, then by opened label.
    text: &'r [Vec<f64>],
    labels: &'r Interner<&'r str>,
}

/// Whether `result` is the result of `need` in a run: same identity, text, level, place, volumes
/// and, for a need with ROME codes, the same sheets.
fn same_need(result: &NeedResult, need: &Need) -> bool {
    result.id == need.id
        && result.specialty == need.specialty
        && result.level == need.min_level
        && result.location == need.location
        && result.volume == need.volume
        && result.seasonal == need.seasonal
        && result.difficult == need.difficult
        && result.buyer == need.buyer
        && (need.rome.is_empty()
            || result
                .sheets
                .iter()
                .map(|&(c, _)| c)
                .eq(need.rome.iter().copied()))
}

/// Links in the order results show them: direct first, best score first, then offer.
fn sort_links(links: &mut [Link]) {
    links.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.score.cmp(&a.score))
            .then(a.offer.cmp(&b.offer))
    });
}

/// The text relevance of the offers to one specialty (offers absent: 0), looked up in constant
/// time: a bit per offer with a relevance, the count of hits before each 64-bit word, and the
/// relevances in offer order.
struct TextTable {
    bits: Vec<u64>,
    before: Vec<u32>,
    values: Vec<f32>,
}

impl TextTable {
    /// The table of `(offer, relevance)` pairs sorted by offer, each offer once.
    fn from_sorted(hits: &[(u32, f32)]) -> TextTable {
        let words = hits.last().map_or(0, |&(o, _)| o as usize / 64 + 1);
        let mut bits = vec![0u64; words];
        for &(o, _) in hits {
            bits[o as usize / 64] |= 1 << (o % 64);
        }
        let mut before = Vec::with_capacity(words);
        let mut count = 0u32;
        for w in &bits {
            before.push(count);
            count += w.count_ones();
        }
        TextTable {
            bits,
            before,
            values: hits.iter().map(|&(_, r)| r).collect(),
        }
    }

    fn get(&self, offer: u32) -> f64 {
        let (w, b) = (offer as usize / 64, offer % 64);
        match self.bits.get(w) {
            Some(&word) if word >> b & 1 == 1 => {
                let rank = self.before[w] + (word & ((1u64 << b) - 1)).count_ones();
                f64::from(self.values[rank as usize])
            }
            _ => 0.0,
        }
    }
}

/// The distances of one need place to the offers, computed as needed.
struct ReachCache {
    /// Per offer: NaN not computed, -1 far, -2 unknown, else km.
    km: Vec<f32>,
    /// Per cell: whether an offer of it may be within reach.
    near: Vec<bool>,
}

impl ReachCache {
    const FAR: f32 = -1.0;
    const UNKNOWN: f32 = -2.0;
}

impl<'a> Matcher<'a> {
    /// Compiles the join over `offers` and computes their supply, with supply rules measured on
    /// `offers` themselves.
    pub fn new(
        referential: &'a Referential,
        territory: &'a Territory,
        offers: &'a [Offer],
        text: &'a dyn TextSource,
        config: &MatchConfig,
    ) -> Matcher<'a> {
        let rules = SupplyRules::new(offers, config);
        Matcher::with_rules(referential, territory, offers, text, config, rules)
    }

    /// [`Matcher::new`] with supply rules measured elsewhere: a scenario's offers are supplied by
    /// the rules of the published map, so that a change never moves the supply of the offers it
    /// does not touch.
    pub fn with_rules(
        referential: &'a Referential,
        territory: &'a Territory,
        offers: &'a [Offer],
        text: &'a dyn TextSource,
        config: &MatchConfig,
        rules: SupplyRules,
    ) -> Matcher<'a> {
        let supplies = offers.par_iter().map(|o| rules.supply(o)).collect();
        let cells = Cells::new(offers, territory);
        Matcher {
            referential,
            territory,
            offers,
            text,
            config: config.clone(),
            scoring: Scoring::new(config),
            map: CompiledMap::new(referential, offers, cells.of_offer()),
            places: Places::new(territory),
            cells,
            rules,
            supplies,
            offer_index: offers
                .iter()
                .enumerate()
                .map(|(i, o)| (&o.id, i as u32))
                .collect(),
            scenario_offers: offers
                .iter()
                .enumerate()
                .filter(|(_, o)| o.source == OfferSource::Scenario)
                .map(|(i, _)| i as u32)
                .collect(),
            bassin_departements: bassin_departements(territory),
        }
    }

    /// The offers matched against.
    pub fn offers(&self) -> &'a [Offer] {
        self.offers
    }

    /// The supply rules, with what they measured on the offers.
    pub fn supply_rules(&self) -> &SupplyRules {
        &self.rules
    }

    /// Matches `needs`.
    pub fn run(&self, needs: &[Need]) -> MatchOutcome {
        self.run_timed(needs).0
    }

    /// Matches `needs` and says how long each step took.
    pub fn run_timed(&self, needs: &[Need]) -> (MatchOutcome, Timings) {
        let (prepared, mut timings) = self.prepare(needs);
        let clock = Instant::now();
        let outcome = self.finish(
            prepared.results,
            prepared.links,
            &prepared.profiles,
            self.supplies.clone(),
        );
        timings.allocation = clock.elapsed();
        (outcome, timings)
    }

    /// Matches `needs` year by year over `horizon`: each year's demand
    /// ([`crate::horizon::demand_factor`]) against each offer's graduates of that year
    /// ([`SupplyRules::supply_in`]). Links depend on neither, so they are found once for all the
    /// needs and shared by the years; years whose demand and supply are those of an earlier year
    /// share its allocation.
    pub fn run_horizon(&self, needs: &[Need], horizon: Horizon) -> HorizonOutcome {
        self.run_horizon_timed(needs, horizon).0
    }

    /// [`Matcher::run_horizon`], saying how long each step took (the allocation: of all years).
    pub fn run_horizon_timed(&self, needs: &[Need], horizon: Horizon) -> (HorizonOutcome, Timings) {
        let (prepared, mut timings) = self.prepare(needs);
        let clock = Instant::now();
        let buyers: BTreeSet<&Buyer> = needs.iter().map(|n| &n.buyer).collect();
        let plans: Vec<YearPlan> = horizon
            .years()
            .collect::<Vec<u16>>()
            .par_iter()
            .map(|&year| self.year_plan(needs, &prepared.results, year))
            .collect();
        // One allocation per distinct (demand, supply): years often repeat one another.
        let mut distinct: Vec<usize> = Vec::new();
        let mut same_as: Vec<usize> = Vec::with_capacity(plans.len());
        for (k, plan) in plans.iter().enumerate() {
            match distinct
                .iter()
                .position(|&d| plans[d].same_allocation(plan))
            {
                Some(d) => same_as.push(d),
                None => {
                    same_as.push(distinct.len());
                    distinct.push(k);
                }
            }
        }
        let allocations: Vec<(Vec<u64>, Vec<Vec<Allocation>>)> = distinct
            .par_iter()
            .map(|&k| self.allocate(&plans[k].results, &prepared.links, &plans[k].supplies))
            .collect();
        let years = plans
            .into_iter()
            .zip(same_as)
            .map(|(plan, d)| {
                let without: Vec<Buyer> = buyers
                    .iter()
                    .filter(|b| !plan.results.iter().any(|r| &&r.buyer == *b))
                    .map(|b| (*b).clone())
                    .collect();
                let outcome = self.settle_all(
                    plan.results,
                    Arc::clone(&prepared.links),
                    &prepared.profiles,
                    plan.supplies,
                    allocations[d].clone(),
                );
                YearOutcome {
                    year: plan.year,
                    outcome,
                    buyers_without_demand: without,
                }
            })
            .collect();
        timings.allocation = clock.elapsed();
        (HorizonOutcome { horizon, years }, timings)
    }

    /// The needs' results (before allocation) and the offers' supplies of one plan year.
    fn year_plan(&self, needs: &[Need], results: &[NeedResult], year: u16) -> YearPlan {
        let (positions, results) = needs
            .iter()
            .zip(results)
            .enumerate()
            .filter_map(|(k, (need, result))| {
                let factor = horizon::demand_factor(need, year, &self.config)?;
                Some((k, self.scaled(result, factor)))
            })
            .unzip();
        let supplies = self
            .offers
            .iter()
            .map(|o| self.rules.supply_in(o, year))
            .collect();
        YearPlan {
            year,
            positions,
            results,
            supplies,
        }
    }

    /// `result` with its volumes scaled by `factor` (the demand fields recomputed).
    fn scaled(&self, result: &NeedResult, factor: f64) -> NeedResult {
        let mut scaled = result.clone();
        if factor != 1.0 {
            let scale = |c: Option<Count>| c.map(|c| horizon::scale_count(c, factor));
            scaled.volume = horizon::scale_count(result.volume, factor);
            scaled.seasonal = scale(result.seasonal);
            scaled.difficult = scale(result.difficult);
            let (seasonal_excluded, demand, small) = self.demand_of(scaled.volume, scaled.seasonal);
            scaled.seasonal_excluded = seasonal_excluded;
            scaled.demand = demand;
            scaled.small = small;
        }
        scaled
    }

    /// The needs' sheets, profiles, links and results before the allocation.
    fn prepare<'n>(&self, needs: &'n [Need]) -> (Prepared<'n>, Timings) {
        let clock = Instant::now();
        let mut profiles = self.profiles(needs, self.settle_sheets(needs));
        let text: Vec<TextTable> = profiles
            .specialties
            .values
            .par_iter()
            .map(|s| self.text_table(s))
            .collect();
        let text_time = clock.elapsed();
        let clock = Instant::now();
        let subject_links = self.subject_links(&profiles.subjects);
        let (links, untaught) = self.profile_links(
            &profiles.keys.values,
            &subject_links,
            &profiles.subjects,
            &text,
        );
        let results = self.need_results(needs, &mut profiles, &untaught);
        let timings = Timings {
            resolve_and_text: text_time,
            join: clock.elapsed(),
            allocation: Duration::ZERO,
        };
        let prepared = Prepared {
            results,
            links: Arc::new(links),
            profiles,
        };
        (prepared, timings)
    }

    /// Matches `needs` again over this matcher's offers, reusing `base`: the outcome of the same
    /// needs, with the same configuration and text source, over `base_offers` (a what-if's
    /// starting point; this matcher's offers are the scenario's). A link depends only on the need
    /// and the offer, and a scenario changes seats, not what an offer teaches or where: links to
    /// offers present in both are taken from `base`, links to opened offers are computed, links
    /// to closed offers dropped, the sheets resolved from text are kept; the allocation is solved
    /// again. The outcome is the one [`Matcher::run`] gives (property-tested); when `base` does
    /// not fit (other needs, an offer changed otherwise than in seats), this is `run(needs)`.
    /// The configuration and the text source must be those of `base`'s run (they are not
    /// compared).
    pub fn rerun(
        &self,
        needs: &[Need],
        base: &MatchOutcome,
        base_offers: &[Offer],
    ) -> MatchOutcome {
        let Some(reuse) = self.reusable(needs, base, base_offers) else {
            return self.run(needs);
        };
        let sheets = base
            .needs
            .iter()
            .map(|n| (n.sheets.clone(), n.resolutions.clone()))
            .collect();
        let mut profiles = self.profiles(needs, sheets);
        let same_profiles = profiles.keys.values.len() == base.links.len()
            && (profiles.need_profile.iter())
                .zip(&base.needs)
                .all(|(&p, n)| p as usize == n.profile);
        // Same subjects too (a need's named competences are part of it).
        let same_subjects = (profiles.need_profile.iter())
            .zip(&base.needs)
            .all(|(&p, n)| {
                let subject = profiles.keys.values[p as usize].0 as usize;
                profiles.subjects.values[subject].competences == n.competences
            });
        if !same_profiles || !same_subjects {
            return self.run(needs);
        }
        let subject_links = self.subject_links(&profiles.subjects);
        // Text relevance of each opened offer to each specialty, as in a full run's text table:
        // kept as `f32`, 0 when not positive. It depends on the offer's label only: computed once
        // per distinct label (openings of one diploma share theirs).
        let labels = Interner::of(
            reuse
                .opened
                .values()
                .flatten()
                .map(|&o| self.offers[o as usize].label.as_str()),
        );
        let text: Vec<Vec<f64>> = profiles
            .specialties
            .values
            .par_iter()
            .map(|specialty| {
                self.text
                    .label_relevances(specialty, &labels.values)
                    .into_iter()
                    .map(|r| if r > 0.0 { f64::from(r as f32) } else { 0.0 })
                    .collect()
            })
            .collect();
        let relink = Relink {
            base,
            reuse: &reuse,
            subject_links: &subject_links,
            subjects: &profiles.subjects.values,
            text: &text,
            labels: &labels,
        };
        // Profiles grouped by place: one reach cache per place, as in a full run.
        let keys = &profiles.keys.values;
        let (links, untaught) =
            self.per_place(keys, |p, cache| self.relinked(&relink, p, &keys[p], cache));
        let results = self.need_results(needs, &mut profiles, &untaught);
        self.finish(results, Arc::new(links), &profiles, self.supplies.clone())
    }

    /// A rerun's links of profile `p`: its base links to the offers kept, and links to the
    /// offers opened of its linked code sets within reach.
    fn relinked(
        &self,
        r: &Relink<'_>,
        p: usize,
        (subject, level, place, specialty): &ProfileKey,
        cache: &mut ReachCache,
    ) -> Linked {
        let mut kept: Vec<Link> = (r.base.links.get(p).into_iter().flatten())
            .filter_map(|l| {
                let offer = r.reuse.new_index.get(l.offer as usize).copied().flatten()?;
                Some(Link { offer, ..*l })
            })
            .collect();
        let level = level.and_then(EuropeanLevel::new);
        let cells = self.cells.of_offer();
        for sl in &r.subject_links[*subject as usize] {
            for &o in r.reuse.opened.get(&sl.codeset).into_iter().flatten() {
                let near = cells
                    .get(o as usize)
                    .and_then(|&c| cache.near.get(c as usize));
                if near == Some(&false) {
                    continue;
                }
                let km = self.reach(place, o, &mut cache.km);
                if km == ReachCache::FAR {
                    continue;
                }
                // Every opened offer's label was interned with the text table.
                let label = r.labels.ids.get(self.offers[o as usize].label.as_str());
                debug_assert!(label.is_some(), "label of opened offer {o} not interned");
                let relevance = label.map_or(0.0, |&l| r.text[*specialty as usize][l as usize]);
                kept.extend(self.link(sl, o, km, level, relevance));
            }
        }
        sort_links(&mut kept);
        let untaught = self.untaught(&r.subjects[*subject as usize], &kept);
        (kept, untaught)
    }

    /// What of `base` a rerun can keep: each base offer's index here (`None`: closed), and the
    /// opened offers by code set. `None` when `base` does not fit.
    fn reusable(
        &self,
        needs: &[Need],
        base: &MatchOutcome,
        base_offers: &[Offer],
    ) -> Option<Reuse> {
        let same_needs = base.needs.len() == needs.len()
            && base.needs.iter().zip(needs).all(|(r, n)| same_need(r, n))
            && base.supplies.len() == base_offers.len();
        if !same_needs {
            return None;
        }
        let mut new_index = Vec::with_capacity(base_offers.len());
        let mut seen = vec![false; self.offers.len()];
        for old in base_offers {
            let Some(&i) = self.offer_index.get(&old.id) else {
                new_index.push(None);
                continue;
            };
            let new = &self.offers[i as usize];
            let same_subject = new.rome == old.rome
                && new.level == old.level
                && new.location == old.location
                && new.label == old.label
                && new.source == old.source;
            if !same_subject {
                return None;
            }
            seen[i as usize] = true;
            new_index.push(Some(i));
        }
        let mut opened: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, offer) in self.offers.iter().enumerate().filter(|(i, _)| !seen[*i]) {
            // Only scenario offers are scored from their label; another new offer would need
            // the index.
            if offer.source != OfferSource::Scenario {
                return None;
            }
            if let Some(set) = self.map.codeset_of(i) {
                opened.entry(set).or_default().push(i as u32);
            }
        }
        Some(Reuse { new_index, opened })
    }

    /// The sheets, specialties, subjects and profiles of `needs`.
    fn profiles<'n>(&self, needs: &'n [Need], sheets: Vec<Settled>) -> Profiles<'n> {
        let specialties = Interner::of(needs.iter().map(|n| n.specialty.as_str()));
        let mut subjects: Interner<Subject> = Interner::default();
        let mut keys: Interner<ProfileKey> = Interner::default();
        let mut need_profile = Vec::with_capacity(needs.len());
        for (need, (sheets, _)) in needs.iter().zip(&sheets) {
            let subject = subjects.intern(self.map.subject(sheets, &need.competences));
            let specialty = specialties.id(need.specialty.as_str());
            let key = (
                subject,
                need.min_level.map(EuropeanLevel::get),
                need.location.clone(),
                specialty,
            );
            need_profile.push(keys.intern(key));
        }
        Profiles {
            sheets,
            specialties,
            subjects,
            keys,
            need_profile,
        }
    }

    fn subject_links(&self, subjects: &Interner<Subject>) -> Vec<Vec<SubjectLink>> {
        subjects
            .values
            .par_iter()
            .map(|s| self.map.subject_links(s, &self.scoring))
            .collect()
    }

    /// One result per need, before the allocation.
    fn need_results(
        &self,
        needs: &[Need],
        profiles: &mut Profiles<'_>,
        untaught: &[Vec<OgrCode>],
    ) -> Vec<NeedResult> {
        let sheets = std::mem::take(&mut profiles.sheets);
        needs
            .iter()
            .zip(sheets)
            .zip(&profiles.need_profile)
            .map(|((need, (sheets, resolutions)), &profile)| {
                let key = &profiles.keys.values[profile as usize];
                let subject = &profiles.subjects.values[key.0 as usize];
                self.need_result(
                    need,
                    sheets,
                    resolutions,
                    subject,
                    profile as usize,
                    untaught,
                )
            })
            .collect()
    }

    /// The allocation, the results per need and per competence.
    fn finish(
        &self,
        results: Vec<NeedResult>,
        links: Arc<Vec<Vec<Link>>>,
        profiles: &Profiles<'_>,
        supplies: Vec<Supply>,
    ) -> MatchOutcome {
        let allocation = self.allocate(&results, &links, &supplies);
        self.settle_all(results, links, profiles, supplies, allocation)
    }

    /// The results per need and per competence once the allocation is made.
    fn settle_all(
        &self,
        mut results: Vec<NeedResult>,
        links: Arc<Vec<Vec<Link>>>,
        profiles: &Profiles<'_>,
        supplies: Vec<Supply>,
        (allocated, flows): (Vec<u64>, Vec<Vec<Allocation>>),
    ) -> MatchOutcome {
        for (need, allocations) in results.iter_mut().zip(flows) {
            self.settle(need, allocations, &links[need.profile], &supplies);
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
        let profile_subject: Vec<u32> = profiles.keys.values.iter().map(|p| p.0).collect();
        let competences = self.competence_gaps(
            &results,
            &profile_subject,
            &profiles.subjects.values,
            &supplies,
        );
        MatchOutcome {
            supplies,
            offer_use,
            needs: results,
            links,
            competences,
            small_count_threshold: self.config.small_count_threshold,
            count_adjacent: self.config.count_adjacent,
        }
    }

    /// Each need's sheets with confidence, and the resolutions asked for when it gave none
    /// (once per distinct specialty).
    fn settle_sheets(&self, needs: &[Need]) -> Vec<Settled> {
        let unresolved = Interner::of(
            needs
                .iter()
                .filter(|n| n.rome.is_empty())
                .map(|n| n.specialty.as_str()),
        );
        let resolved: Vec<Vec<Resolution>> = unresolved
            .values
            .par_iter()
            .map(|s| self.text.resolve(s, self.config.max_resolutions))
            .collect();
        needs
            .iter()
            .map(|need| {
                if !need.rome.is_empty() {
                    return (need.rome.iter().map(|&c| (c, 1.0)).collect(), Vec::new());
                }
                let resolutions = resolved[unresolved.id(need.specialty.as_str()) as usize].clone();
                let mut rome: Vec<(RomeCode, f64)> = Vec::new();
                for r in resolutions
                    .iter()
                    .filter(|r| r.confidence >= self.config.min_resolution_confidence)
                {
                    if !rome.iter().any(|(c, _)| *c == r.rome) {
                        rome.push((r.rome, r.confidence));
                    }
                }
                (rome, resolutions)
            })
            .collect()
    }

    /// Text relevance of every offer to a specialty, by offer index. Scenario offers, which an
    /// index built before the scenario cannot know, are scored from their label.
    fn text_table(&self, specialty: &str) -> TextTable {
        let mut table: HashMap<u32, f32> = self
            .text
            .text_relevance(specialty)
            .into_iter()
            .filter_map(|hit| {
                let i = *self.offer_index.get(&hit.offer)?;
                Some((i, hit.relevance as f32))
            })
            .collect();
        for &i in &self.scenario_offers {
            let r = self
                .text
                .label_relevance(specialty, &self.offers[i as usize].label);
            if r > 0.0 {
                table.insert(i, r as f32);
            }
        }
        let mut sorted: Vec<(u32, f32)> = table.into_iter().collect();
        sorted.sort_unstable_by_key(|&(i, _)| i);
        TextTable::from_sorted(&sorted)
    }

    /// The links of every profile, and the demanded competences no link teaches.
    fn profile_links(
        &self,
        profiles: &[ProfileKey],
        subject_links: &[Vec<SubjectLink>],
        subjects: &Interner<Subject>,
        text: &[TextTable],
    ) -> (Vec<Vec<Link>>, Vec<Vec<OgrCode>>) {
        self.per_place(profiles, |p, cache| {
            let (subject, level, place, specialty) = &profiles[p];
            let links = self.links_of(
                place,
                &subject_links[*subject as usize],
                level.and_then(EuropeanLevel::new),
                &text[*specialty as usize],
                cache,
            );
            let untaught = self.untaught(&subjects.values[*subject as usize], &links);
            (links, untaught)
        })
    }

    /// `link` of every profile, the profiles of one place sharing a reach cache (computed in
    /// parallel, place by place): the links of each profile and its untaught competences, in
    /// profile order.
    fn per_place(
        &self,
        profiles: &[ProfileKey],
        link: impl Fn(usize, &mut ReachCache) -> Linked + Sync,
    ) -> (Vec<Vec<Link>>, Vec<Vec<OgrCode>>) {
        let mut by_place: BTreeMap<&NeedLocation, Vec<usize>> = BTreeMap::new();
        for (p, key) in profiles.iter().enumerate() {
            by_place.entry(&key.2).or_default().push(p);
        }
        let groups: Vec<(&NeedLocation, Vec<usize>)> = by_place.into_iter().collect();
        let solved: Vec<Vec<(usize, Linked)>> = groups
            .par_iter()
            .map(|(place, members)| {
                let mut cache = ReachCache {
                    km: vec![f32::NAN; self.offers.len()],
                    near: self
                        .places
                        .near_cells(place, &self.cells, self.config.reach_km),
                };
                members.iter().map(|&p| (p, link(p, &mut cache))).collect()
            })
            .collect();
        let mut links = vec![Vec::new(); profiles.len()];
        let mut untaught = vec![Vec::new(); profiles.len()];
        for (p, (l, u)) in solved.into_iter().flatten() {
            links[p] = l;
            untaught[p] = u;
        }
        (links, untaught)
    }

    /// The links of one profile: every offer of a linked code set within reach.
    fn links_of(
        &self,
        place: &NeedLocation,
        subject_links: &[SubjectLink],
        level: Option<EuropeanLevel>,
        text: &TextTable,
        cache: &mut ReachCache,
    ) -> Vec<Link> {
        let mut links = Vec::new();
        for sl in subject_links {
            for o in self.map.offers_near(sl.codeset, &cache.near) {
                let km = self.reach(place, o, &mut cache.km);
                if km == ReachCache::FAR {
                    continue;
                }
                links.extend(self.link(sl, o, km, level, text.get(o)));
            }
        }
        sort_links(&mut links);
        links
    }

    /// The link of one offer of a linked code set at `km` from the need's place
    /// ([`ReachCache::UNKNOWN`]: unknown), if it passes the gates and its level fits.
    fn link(
        &self,
        sl: &SubjectLink,
        offer: u32,
        km: f32,
        level: Option<EuropeanLevel>,
        text: f64,
    ) -> Option<Link> {
        let level_factor = self
            .scoring
            .level_factor(level, self.offers[offer as usize].level);
        if level_factor <= 0.0 {
            return None;
        }
        let mut facts = sl.facts;
        facts.text = text;
        let subject = self.scoring.subject(&facts);
        let kind = self.scoring.link(&facts, subject)?;
        let distance = (km >= 0.0).then_some(f64::from(km));
        let score = Scoring::total(
            subject,
            level_factor,
            self.scoring.distance_factor(distance),
        );
        Some(Link { offer, score, kind })
    }

    /// Distance from the place to an offer (km), [`ReachCache::FAR`] or [`ReachCache::UNKNOWN`].
    fn reach(&self, place: &NeedLocation, offer: u32, km: &mut [f32]) -> f32 {
        let slot = &mut km[offer as usize];
        if slot.is_nan() {
            let location = &self.offers[offer as usize].location;
            let radius = self.config.commute_radius_km;
            *slot = match self
                .places
                .reach(place, location, self.config.reach_km, radius)
            {
                Reach::Within(d) => d as f32,
                Reach::Far => ReachCache::FAR,
                Reach::Unknown => ReachCache::UNKNOWN,
            };
        }
        *slot
    }

    fn untaught(&self, subject: &Subject, links: &[Link]) -> Vec<OgrCode> {
        let mut sets: Vec<u32> = links
            .iter()
            .filter_map(|l| self.map.codeset_of(l.offer as usize))
            .collect();
        sets.sort_unstable();
        sets.dedup();
        subject
            .competences
            .iter()
            .map(|&(c, _)| c)
            .filter(|&c| {
                self.map
                    .competence_bit(c)
                    .is_none_or(|bit| !sets.iter().any(|&s| self.map.teaches_bit(s, bit)))
            })
            .collect()
    }

    fn need_result(
        &self,
        need: &Need,
        sheets: Vec<(RomeCode, f64)>,
        resolutions: Vec<Resolution>,
        subject: &Subject,
        profile: usize,
        untaught: &[Vec<OgrCode>],
    ) -> NeedResult {
        let (seasonal_excluded, demand, small) = self.demand_of(need.volume, need.seasonal);
        NeedResult {
            id: need.id.clone(),
            buyer: need.buyer.clone(),
            specialty: need.specialty.clone(),
            volume: need.volume,
            seasonal: need.seasonal,
            difficult: need.difficult,
            seasonal_excluded,
            demand,
            resolved: need.rome.is_empty() && !sheets.is_empty(),
            transitions: sheets
                .iter()
                .map(|(code, _)| {
                    self.referential
                        .metiers
                        .get(code)
                        .map_or_else(Transitions::default, |m| m.transitions)
                })
                .collect(),
            sheets,
            resolutions,
            level: need.min_level,
            location: need.location.clone(),
            departement: departement_of(&need.location, self.territory, &self.bassin_departements),
            bassin: bassin_of(&need.location, self.territory),
            tags: need.tags.clone(),
            competences: subject.competences.clone(),
            untaught_competences: untaught[profile].clone(),
            profile,
            allocations: Vec::new(),
            covered_direct: Volume::ZERO,
            covered_adjacent: Volume::ZERO,
            covered: Volume::ZERO,
            gap: Volume::ZERO,
            status: NeedStatus::Covered,
            capacity_unknown_offers: 0,
            small,
        }
    }

    /// The seasonal projects left out, the demand compared and whether it is small, of a need of
    /// `volume` with `seasonal` projects.
    fn demand_of(&self, volume: Count, seasonal: Option<Count>) -> (Volume, Option<Volume>, bool) {
        let published = volume.known();
        let seasonal_excluded = match (self.config.include_seasonal, seasonal) {
            (false, Some(Count::Known(s))) => published.map_or(Volume::ZERO, |v| s.min(v)),
            _ => Volume::ZERO,
        };
        let demand = published.map(|v| v.saturating_sub(seasonal_excluded));
        let small = self
            .config
            .small_count_threshold
            .saturating_mul(Volume::SCALE);
        let small = demand.is_some_and(|v| v.milli() < small);
        (seasonal_excluded, demand, small)
    }

    /// The direct allocation of `outcome`'s needs (a run of this matcher) if the offers supplied
    /// `graduates` (thousandths, by offer index) instead of their own: each need's direct
    /// allocations, as the direct phase of a run with those supplies gives them (that phase never
    /// depends on adjacent links). A recommendation's search evaluates candidate supplies with it.
    pub fn direct_allocation(
        &self,
        outcome: &MatchOutcome,
        graduates: &[u64],
    ) -> Vec<Vec<Allocation>> {
        self.allocate_with(&outcome.needs, &outcome.links, graduates.to_vec(), true)
            .1
    }

    /// The allocation: graduates allocated per offer, and the allocations of each need.
    fn allocate(
        &self,
        needs: &[NeedResult],
        links: &[Vec<Link>],
        supplies: &[Supply],
    ) -> (Vec<u64>, Vec<Vec<Allocation>>) {
        let graduates = supplies.iter().map(|s| s.graduates.milli()).collect();
        self.allocate_with(needs, links, graduates, false)
    }

    /// [`Matcher::allocate`] of `graduates` (thousandths per offer); `direct_only` leaves the
    /// adjacent links out.
    fn allocate_with(
        &self,
        needs: &[NeedResult],
        links: &[Vec<Link>],
        graduates: Vec<u64>,
        direct_only: bool,
    ) -> (Vec<u64>, Vec<Vec<Allocation>>) {
        let mut problem = AllocationProblem {
            supplies: graduates,
            volumes: needs.iter().map(|n| n.known_volume().milli()).collect(),
            classes: needs.iter().map(|n| BuyerClass::of(&n.buyer)).collect(),
            edges: Vec::new(),
        };
        for (j, need) in needs.iter().enumerate() {
            if problem.volumes[j] == 0 {
                continue;
            }
            for l in links.get(need.profile).into_iter().flatten() {
                if direct_only && l.kind != LinkKind::Direct {
                    break; // direct links come first
                }
                if problem
                    .supplies
                    .get(l.offer as usize)
                    .is_some_and(|&s| s > 0)
                {
                    problem.edges.push(AllocationEdge {
                        offer: l.offer,
                        need: j as u32,
                        score: l.score,
                        kind: l.kind,
                    });
                }
            }
        }
        let flows = allocate(&problem, &self.config.buyer_policy);
        let mut allocated = vec![0u64; self.offers.len()];
        let mut per_need = vec![Vec::new(); needs.len()];
        for (e, &f) in problem.edges.iter().zip(&flows) {
            if f == 0 {
                continue;
            }
            allocated[e.offer as usize] += f;
            per_need[e.need as usize].push(Allocation {
                offer_index: e.offer as usize,
                volume: Volume::from_milli(f),
                kind: e.kind,
                score: e.score,
            });
        }
        (allocated, per_need)
    }

    fn settle(
        &self,
        need: &mut NeedResult,
        mut allocations: Vec<Allocation>,
        links: &[Link],
        supplies: &[Supply],
    ) {
        allocations.sort_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then(b.volume.cmp(&a.volume))
                .then(a.offer_index.cmp(&b.offer_index))
        });
        let sum = |kind| {
            allocations
                .iter()
                .filter(|a| a.kind == kind)
                .map(|a| a.volume)
                .sum::<Volume>()
        };
        need.covered_direct = sum(LinkKind::Direct);
        need.covered_adjacent = sum(LinkKind::Adjacent);
        need.covered = if self.config.count_adjacent {
            need.covered_direct + need.covered_adjacent
        } else {
            need.covered_direct
        };
        need.gap = need.known_volume().saturating_sub(need.covered);
        need.allocations = allocations;
        need.status = self.status_of(need, links, supplies);
        need.capacity_unknown_offers = links
            .iter()
            .filter(|l| l.kind == LinkKind::Direct || self.config.count_adjacent)
            .filter(|l| !supplies[l.offer as usize].is_known())
            .count();
    }

    fn status_of(&self, need: &NeedResult, links: &[Link], supplies: &[Supply]) -> NeedStatus {
        if need.demand.is_none() {
            return NeedStatus::Masked;
        }
        if need.known_volume().is_zero() {
            return NeedStatus::NoVolume;
        }
        if need.gap.is_zero() {
            return NeedStatus::Covered;
        }
        // A course a scenario opens later, or closed, is no candidate of this year.
        let running: Vec<&Link> = links
            .iter()
            .filter(|l| supplies[l.offer as usize].is_running())
            .collect();
        if running.is_empty() {
            return NeedStatus::NoCandidate;
        }
        let counted: Vec<&Link> = running
            .into_iter()
            .filter(|l| self.config.count_adjacent || l.kind == LinkKind::Direct)
            .collect();
        if counted.is_empty() {
            return NeedStatus::AdjacentOnly;
        }
        if counted
            .iter()
            .all(|l| !supplies[l.offer as usize].is_known())
        {
            return NeedStatus::CapacityUnknown;
        }
        NeedStatus::SupplyExhausted
    }

    /// The gap rows per demanded competence. Needs of one subject share their competences, and
    /// needs of one profile their untaught ones: demand is summed per subject and per profile
    /// first, then spread over the competences.
    fn competence_gaps(
        &self,
        needs: &[NeedResult],
        profile_subject: &[u32],
        subjects: &[Subject],
        supplies: &[Supply],
    ) -> Vec<CompetenceGap> {
        let mut per_subject: Vec<(usize, Volume)> = vec![(0, Volume::ZERO); subjects.len()];
        let mut per_profile: Vec<(Volume, Option<usize>)> =
            vec![(Volume::ZERO, None); profile_subject.len()];
        for (i, need) in needs.iter().enumerate().filter(|(_, n)| n.demand.is_some()) {
            let Some(&subject) = profile_subject.get(need.profile) else {
                continue;
            };
            let s = &mut per_subject[subject as usize];
            s.0 += 1;
            s.1 += need.known_volume();
            let p = &mut per_profile[need.profile];
            p.0 += need.known_volume();
            p.1.get_or_insert(i);
        }
        let mut rows: BTreeMap<OgrCode, CompetenceGap> = BTreeMap::new();
        for (subject, &(count, volume)) in subjects.iter().zip(&per_subject) {
            if count == 0 {
                continue;
            }
            for &(c, _) in &subject.competences {
                let row = rows.entry(c).or_insert_with(|| CompetenceGap {
                    competence: c,
                    label: self
                        .referential
                        .competences
                        .get(&c)
                        .map(|k| k.label.clone()),
                    needs: 0,
                    demand: Volume::ZERO,
                    graduates: Volume::ZERO,
                    untaught_demand: Volume::ZERO,
                });
                row.needs += count;
                row.demand += volume;
            }
        }
        // Profiles often share their untaught competences: sum per distinct list first.
        let mut per_untaught: HashMap<&[OgrCode], Volume> = HashMap::new();
        for &(volume, first) in &per_profile {
            if let Some(need) = first.map(|i| &needs[i]) {
                *per_untaught
                    .entry(&need.untaught_competences)
                    .or_insert(Volume::ZERO) += volume;
            }
        }
        for (untaught, volume) in per_untaught {
            for c in untaught {
                if let Some(row) = rows.get_mut(c) {
                    row.untaught_demand += volume;
                }
            }
        }
        // Graduates of every offer teaching each competence (by competence bit).
        let mut per_bit: Vec<Volume> = Vec::new();
        for (i, s) in supplies.iter().enumerate() {
            let Some(set) = self.map.codeset_of(i) else {
                continue;
            };
            for bit in self.map.taught_bits(set) {
                let bit = bit as usize;
                if per_bit.len() <= bit {
                    per_bit.resize(bit + 1, Volume::ZERO);
                }
                per_bit[bit] += s.graduates;
            }
        }
        for row in rows.values_mut() {
            if let Some(&v) = self
                .map
                .competence_bit(row.competence)
                .and_then(|bit| per_bit.get(bit as usize))
            {
                row.graduates = v;
            }
        }
        rows.into_values().collect()
    }

    /// Why a need is (un)covered: every link with its full score breakdown (rebuilt now), the
    /// allocation, and the state of each linked offer's supply.
    pub fn explain<'o>(&self, outcome: &'o MatchOutcome, id: &NeedId) -> Option<Explanation<'o>> {
        let need = outcome.needs.iter().find(|n| &n.id == id)?;
        let subject = Subject::new(&need.sheets, need.competences.clone());
        let table = self.text_table(&need.specialty);
        let candidates = outcome
            .links_of(need)
            .iter()
            .filter_map(|link| {
                let i = link.offer as usize;
                let offer = &self.offers[i];
                let mut facts = self.map.facts(&subject, self.map.codeset_of(i)?);
                facts.text = table.get(link.offer);
                let distance = self.places.distance_km(&need.location, &offer.location);
                Some(CandidateExplanation {
                    offer_index: i,
                    link: *link,
                    score: self
                        .scoring
                        .details(&facts, need.level, offer.level, distance),
                    matched_terms: self.text.matched_terms(&need.specialty, &offer.id),
                    supply: outcome.supplies[i].clone(),
                    to_this_need: need
                        .allocations
                        .iter()
                        .filter(|a| a.offer_index == i)
                        .map(|a| a.volume)
                        .sum(),
                    offer_allocated: outcome.offer_use[i].allocated,
                    offer_remaining: outcome.offer_use[i].remaining,
                })
            })
            .collect();
        Some(Explanation { need, candidates })
    }
}

/// The explanation of one need, for the front ends to print.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation<'a> {
    /// The need's result: demand, sheets and resolutions, allocation, gap and status.
    pub need: &'a NeedResult,
    /// Each linked offer with its score breakdown, supply and where that supply went; in link
    /// order (direct first, best score first).
    pub candidates: Vec<CandidateExplanation>,
}

/// One linked offer of an [`Explanation`].
#[derive(Clone, Debug, PartialEq)]
pub struct CandidateExplanation {
    /// Index of the offer.
    pub offer_index: usize,
    /// The link as the allocation saw it.
    pub link: Link,
    /// The score with its breakdown.
    pub score: Score,
    /// Words of the specialty the offer's labels match.
    pub matched_terms: Vec<String>,
    /// The offer's supply and its factors.
    pub supply: Supply,
    /// Graduates allocated to this need.
    pub to_this_need: Volume,
    /// Graduates of the offer allocated to all needs.
    pub offer_allocated: Volume,
    /// Graduates of the offer left over.
    pub offer_remaining: Volume,
}

/// Distinct values with dense ids in order of first appearance.
struct Interner<T> {
    values: Vec<T>,
    ids: HashMap<T, u32>,
}

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Interner {
            values: Vec::new(),
            ids: HashMap::new(),
        }
    }
}

impl<T: std::hash::Hash + Eq + Clone> Interner<T> {
    fn intern(&mut self, value: T) -> u32 {
        if let Some(&id) = self.ids.get(&value) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(value.clone());
        self.ids.insert(value, id);
        id
    }
}

impl<'s> Interner<&'s str> {
    fn of(values: impl Iterator<Item = &'s str>) -> Interner<&'s str> {
        let mut interner = Interner::default();
        for v in values {
            interner.intern(v);
        }
        interner
    }

    fn id(&self, value: &str) -> u32 {
        self.ids.get(value).copied().unwrap_or(0)
    }
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
