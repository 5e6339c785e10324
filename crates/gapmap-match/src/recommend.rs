//! Recommendations: which openings and extensions close the most direct gap per seat (or per
//! euro), under a budget.
//!
//! # Candidates
//!
//! For every need with a direct gap in the baseline (demand less direct coverage):
//!
//! - **extend** a course it is directly linked to, whose capacity is known and whose published
//!   seats turned applicants away ([`Supply::turned_away`](crate::Supply::turned_away)): added seats enter those applicants
//!   and no one else, so a course with empty seats is never extended;
//! - **open** a diploma that leads to one of the need's ROME sheets (Certif Info, parent sheets
//!   included), at a school that does not teach it yet and that teaches the same family of
//!   trades (a ROME domain of the diploma) or sits in the need's employment area, nearest
//!   first. An opened course fills [`crate::MatchConfig::fill_without_evidence`] of its seats
//!   (no applications are published for it).
//!
//! Whether a candidate serves a need is decided by the matcher itself: all the candidate
//! openings are compiled once beside the offers, with no seat ([`Matcher::rerun`] scores them
//! like any opened course), and only direct links count.
//!
//! # Search
//!
//! Greedy, re-solving after each choice. Each step estimates, for every candidate, the direct
//! gap its next seats would close (its extra graduates poured into the residual gaps of the needs
//! it is linked to, highest buyer weight first), divided by their cost (share of the seat
//! budget, of the euro budget, or both), takes the best, then solves the direct allocation again
//! exactly ([`Matcher::direct_allocation`]) with the new supply. A choice that closes nothing
//! once solved (its graduates would only displace others) is undone and its candidate dropped.
//! The objective is the direct gap weighted by buyer priority ([`crate::BuyerPolicy::weight`]).
//!
//! The recommendation is a [`Scenario`]: applying it ([`crate::apply`], then a match) gives the
//! predicted figures exactly, since it is the same allocation of the same links and supplies.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use gapmap_model::{
    Cfd, Departement, EuropeanLevel, Need, NeedId, NeedLocation, Offer, OfferId, OgrCode,
    Referential, RomeCode, SchoolCode, Territory, TrainingMode, Uai, Volume,
};

use rayon::prelude::*;

use crate::config::{BuyerClass, MatchConfig};
use crate::geo::Places;
use crate::matcher::{MatchOutcome, Matcher};
use crate::scenario::{self, Change, OpenSeats, Place, Scenario};
use crate::score::LinkKind;
use crate::supply::SupplyRules;
use crate::text::TextSource;

/// What a recommendation may spend: seats, euros, or both (at least one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Budget {
    /// Seats per intake, added over all actions.
    pub seats: Option<u32>,
    /// Euros, over all actions ([`Costs`]).
    pub euros: Option<u64>,
}

/// Where and how a recommendation may act.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    /// Only schools of these départements (empty: any).
    pub departements: Vec<Departement>,
    /// Only courses of these levels (inclusive).
    pub levels: Option<(EuropeanLevel, EuropeanLevel)>,
    /// Seats added at one school, over all its actions.
    pub max_seats_per_school: Option<u32>,
    /// Extensions only: no opening.
    pub only_extensions: bool,
    /// Seats of an opened course: at least, at most (default 12 to 24: a class).
    pub course_seats: (u32, u32),
    /// Seats added to one running course, at most (default 24).
    pub max_extension: u32,
    /// Diplomas tried per need, most taught in the region first (default 3).
    pub diplomas_per_need: usize,
    /// Schools tried per need and diploma, nearest first (default 2).
    pub schools_per_diploma: usize,
    /// Empty seats of courses whose entrants are measured that may be removed to fund the
    /// actions, at most (0: none); the seat budget is then net (seats added less seats removed).
    /// Only with a seat budget.
    pub redeploy: u32,
}

impl Limits {
    /// Whether a school of `departement` may act.
    fn allows_place(&self, departement: &Departement) -> bool {
        self.departements.is_empty() || self.departements.contains(departement)
    }

    /// Whether a course of `level` may be acted on (an unknown level only without a level
    /// limit).
    fn allows_level(&self, level: Option<EuropeanLevel>) -> bool {
        self.levels
            .is_none_or(|(lo, hi)| level.is_some_and(|l| (lo..=hi).contains(&l)))
    }

    /// Whether an offer's school and level are within the limits.
    fn allow(&self, offer: &Offer) -> bool {
        self.allows_place(&offer.location.departement) && self.allows_level(offer.level)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            departements: Vec::new(),
            levels: None,
            max_seats_per_school: None,
            only_extensions: false,
            course_seats: (12, 24),
            max_extension: 24,
            diplomas_per_need: 3,
            schools_per_diploma: 2,
            redeploy: 0,
        }
    }
}

/// What a seat costs, in euros: equipment and works, and a year of teaching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostRates {
    /// Opening a course: equipment and works, once.
    pub course_opening: u64,
    /// Equipment per seat (opened or added).
    pub seat_equipment: u64,
    /// A teacher's full-time equivalent, for a year.
    pub teacher_fte: u64,
    /// Seats one teacher FTE serves.
    pub seats_per_teacher_fte: u32,
}

impl Default for CostRates {
    /// Assumptions, not data: 150,000 € to open a course, 2,000 € of equipment per seat, a
    /// teacher FTE at 60,000 € a year for 12 seats.
    fn default() -> Self {
        CostRates {
            course_opening: 150_000,
            seat_equipment: 2_000,
            teacher_fte: 60_000,
            seats_per_teacher_fte: 12,
        }
    }
}

/// The cost of actions: default rates, and rates by discipline (the ROME grand domain letter of
/// the course's first sheet, `H` for industry).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Costs {
    /// Rates of every discipline not listed.
    pub default: CostRates,
    /// Rates by ROME grand domain letter.
    pub by_domain: BTreeMap<char, CostRates>,
    /// Whether the rates are the built-in assumptions (no cost file given).
    pub assumed: bool,
    /// The keys a cost file left out, taken from the built-in assumptions.
    pub defaulted: Vec<String>,
}

impl Costs {
    /// The built-in assumptions ([`CostRates::default`]).
    pub fn assumed() -> Costs {
        Costs {
            assumed: true,
            ..Costs::default()
        }
    }

    /// Euros of `seats` seats of an action on a course of `domain`: the opening (for an
    /// opening), the seats' equipment and a year of their teaching.
    pub fn euros(&self, kind: ActionKind, seats: u32, domain: Option<char>) -> u64 {
        let r = domain
            .and_then(|d| self.by_domain.get(&d))
            .unwrap_or(&self.default);
        let opening = if kind == ActionKind::Open {
            r.course_opening
        } else {
            0
        };
        // Wide, then saturating: rates from a file can be huge; an overflow is unaffordable,
        // never cheap.
        let teaching = (u128::from(seats) * u128::from(r.teacher_fte))
            .div_ceil(u128::from(r.seats_per_teacher_fte.max(1)));
        let teaching = u64::try_from(teaching).unwrap_or(u64::MAX);
        opening
            .saturating_add(u64::from(seats).saturating_mul(r.seat_equipment))
            .saturating_add(teaching)
    }
}

/// A recommendation request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Request {
    /// What may be spent.
    pub budget: Budget,
    /// Where and how.
    pub limits: Limits,
    /// What seats cost.
    pub costs: Costs,
}

/// Why a request cannot be served.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecommendError {
    /// Neither seats nor euros.
    #[error("no budget: give seats, euros or both")]
    NoBudget,
    /// Course seats out of order or zero.
    #[error("an opened course's seats must be a range from at least 1: got {min} to {max}")]
    CourseSeats {
        /// Least.
        min: u32,
        /// Most.
        max: u32,
    },
    /// A candidate opening the scenario machinery refused (a bug if it happens).
    #[error("candidate opening refused: {0}")]
    Scenario(#[from] scenario::ScenarioError),
}

/// Opening a course or extending one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKind {
    /// Add seats to a running course.
    Extend,
    /// Open a diploma at a school that does not teach it.
    Open,
    /// Remove empty seats of a course (they change no graduate).
    Reduce,
    /// Close a course that enters nobody (measured).
    Close,
}

impl ActionKind {
    /// Machine key (`extend`, `open`).
    pub fn key(self) -> &'static str {
        match self {
            ActionKind::Extend => "extend",
            ActionKind::Open => "open",
            ActionKind::Reduce => "reduce",
            ActionKind::Close => "close",
        }
    }
}

/// What an action does to one need's direct gap.
#[derive(Clone, Debug, PartialEq)]
pub struct NeedEffect {
    /// The need.
    pub need: NeedId,
    /// Its direct gap without this action, the others in place.
    pub gap_before: Volume,
    /// Direct gap the action closes there, the other actions in place (negative: graduates the
    /// allocation moves away from it to a need that weighs more).
    pub closed_milli: i64,
    /// Distance from the course to the need's place, when both are placed.
    pub distance_km: Option<f64>,
    /// When the need's ROME sheets were resolved from its title by text (it gave none): the
    /// confidence of the best one. The link then rests on that resolution.
    pub resolved: Option<f64>,
}

/// The best other candidate for the same demand when an action was first chosen, with the
/// factors of the value the search ranks by (weighted gap closed per unit of budget =
/// graduates per seat x weighted gap closed per graduate / budget per seat), its own first.
#[derive(Clone, Debug, PartialEq)]
pub struct Alternative {
    /// Opening or extension.
    pub kind: ActionKind,
    /// The offer (an opening's: the id it would get).
    pub offer: OfferId,
    /// Course label.
    pub label: String,
    /// School name, when known.
    pub school_name: Option<String>,
    /// Estimated weighted gap closed per unit of budget.
    pub value: (f64, f64),
    /// Graduates a year per seat.
    pub graduates_per_seat: (f64, f64),
    /// Weighted gap its graduates would close per graduate (the demand still uncovered they
    /// reach, times its buyers' weight).
    pub reach: (f64, f64),
    /// Euros per seat (they enter the value only under a euro budget).
    pub euros_per_seat: (f64, f64),
    /// Whether the budget has euros.
    pub euro_budget: bool,
    /// Distance to the need both serve, for information (distance enters the value only
    /// through the allocation's scores).
    pub distance_km: (Option<f64>, Option<f64>),
}

impl Alternative {
    /// Why it was not chosen: of the factors of the value, the one where it falls furthest
    /// behind the chosen action; a tie when the values are equal (the first candidate in a fixed
    /// order is taken).
    pub fn reason(&self) -> AlternativeReason {
        let (v, vc) = self.value;
        if (vc - v).abs() <= 1e-9 * vc.abs().max(1.0) {
            return AlternativeReason::Tie;
        }
        let shortfall = |(theirs, ours): (f64, f64)| {
            if ours > 0.0 { 1.0 - theirs / ours } else { 0.0 }
        };
        let (e, ec) = self.euros_per_seat;
        let mut factors = vec![
            (
                shortfall(self.graduates_per_seat),
                AlternativeReason::FewerGraduatesPerSeat {
                    theirs: self.graduates_per_seat.0,
                    ours: self.graduates_per_seat.1,
                },
            ),
            (
                shortfall(self.reach),
                AlternativeReason::LessDemandReached {
                    theirs: self.reach.0,
                    ours: self.reach.1,
                },
            ),
        ];
        if self.euro_budget && e > 0.0 {
            factors.push((
                1.0 - ec / e,
                AlternativeReason::DearerPerSeat {
                    theirs: e,
                    ours: ec,
                },
            ));
        }
        factors
            .into_iter()
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map_or(AlternativeReason::Tie, |(_, r)| r)
    }
}

/// Why an alternative was not chosen (its figure, then the chosen action's).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AlternativeReason {
    /// Fewer graduates a year per seat: fewer applicants to fill added seats, or lower
    /// completion.
    FewerGraduatesPerSeat {
        /// Its own.
        theirs: f64,
        /// The chosen action's.
        ours: f64,
    },
    /// Its graduates reach less of the demand still uncovered (weighted gap per graduate).
    LessDemandReached {
        /// Its own.
        theirs: f64,
        /// The chosen action's.
        ours: f64,
    },
    /// Dearer per seat (euros), under a euro budget.
    DearerPerSeat {
        /// Its own.
        theirs: f64,
        /// The chosen action's.
        ours: f64,
    },
    /// As good: the first candidate in a fixed order was taken.
    Tie,
}

impl std::fmt::Display for AlternativeReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            AlternativeReason::FewerGraduatesPerSeat { theirs, ours } => write!(
                f,
                "fewer graduates per seat ({theirs:.2} against {ours:.2}: fewer applicants to fill added seats, or lower completion)"
            ),
            AlternativeReason::LessDemandReached { theirs, ours } => write!(
                f,
                "its graduates reach less of the demand still uncovered ({theirs:.2} against {ours:.2} weighted people per graduate: other needs weigh less or are already served)"
            ),
            AlternativeReason::DearerPerSeat { theirs, ours } => {
                write!(f, "dearer per seat ({theirs:.0} € against {ours:.0} €)")
            }
            AlternativeReason::Tie => {
                f.write_str("as good: the first candidate in a fixed order was taken")
            }
        }
    }
}

/// One recommended action.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// Opening or extension.
    pub kind: ActionKind,
    /// The offer extended, or the id of the offer opened.
    pub offer: OfferId,
    /// Course label.
    pub label: String,
    /// The diploma.
    pub cfd: Option<Cfd>,
    /// School, with its name when known.
    pub school: SchoolCode,
    /// School name.
    pub school_name: Option<String>,
    /// Département of the school.
    pub departement: Departement,
    /// Level.
    pub level: Option<EuropeanLevel>,
    /// School or apprenticeship.
    pub mode: TrainingMode,
    /// Seats per intake.
    pub seats: u32,
    /// Cost in euros ([`Costs`]).
    pub euros: u64,
    /// Graduates a year the seats add (steady state).
    pub graduates: Volume,
    /// Course length (years): the lag before the first graduates.
    pub length_years: u8,
    /// Whether the length is the configured default (the data give none for the course).
    pub length_assumed: bool,
    /// Intake year of the seats: the course's data year (an opening: the data's latest intake
    /// year). Figures are the steady state of that intake.
    pub intake_year: u16,
    /// Year the first graduates of that intake enter the labour market.
    pub first_graduates: u16,
    /// Applicants the course turned away (an extension's seats enter them).
    pub turned_away: Option<Volume>,
    /// Applications and published seats of an extended course (its pressure).
    pub applications: Option<u32>,
    /// Its entrants per seat before the extension (fill rate), when its seats are known.
    pub fill_rate: Option<f64>,
    /// Weighted direct gap (people x buyer weight) its removal alone would reopen, the other
    /// actions in place: its marginal effect in the plan.
    pub weighted_closed: f64,
    /// Needs whose direct gap its removal alone would change, most closed first (the actions'
    /// effects need not add up to the plan's: two actions may serve one need).
    pub effects: Vec<NeedEffect>,
    /// Demanded competences of the needs it serves that the course's sheets hold.
    pub competences: Vec<OgrCode>,
    /// The runner-up for the same demand.
    pub alternative: Option<Alternative>,
    /// For a reduction: the course of the plan of the same diploma at the same school in the
    /// other status (school or apprenticeship), where the seats move.
    pub moved_to: Option<OfferId>,
}

impl Action {
    /// Direct gap closed, over its needs.
    pub fn closed(&self) -> Volume {
        let milli: i64 = self.effects.iter().map(|e| e.closed_milli).sum();
        Volume::from_milli(milli.max(0) as u64)
    }
}

/// Direct gap totals.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GapTotals {
    /// Direct gap of the needs of known demand.
    pub direct_gap: Volume,
    /// The same, weighted by buyer priority.
    pub weighted_gap: f64,
}

/// The recommendation and how it was found.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation {
    /// Actions in the order chosen.
    pub actions: Vec<Action>,
    /// The actions as a scenario (extensions, then openings).
    pub scenario: Scenario,
    /// Seats added over all actions (openings and extensions).
    pub seats: u32,
    /// Empty seats removed to fund them (with [`Limits::redeploy`]).
    pub seats_removed: u32,
    /// Euros over all actions.
    pub euros: u64,
    /// Direct gap before.
    pub before: GapTotals,
    /// Direct gap once the scenario is applied.
    pub after: GapTotals,
    /// Candidates considered: extensions, openings.
    pub candidates: (usize, usize),
    /// Choices made, and choices undone because they closed nothing once solved.
    pub steps: (usize, usize),
    /// Actions dropped at the end because a later choice took over their demand (their removal
    /// changed no gap).
    pub pruned: usize,
    /// The budget, limits and costs asked.
    pub request: Request,
}

/// How seats are chosen: the recommendation, or one of two simple baselines to compare it with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Greedy on gap closed per unit of budget, re-solving after each choice.
    Greedy,
    /// Baseline: the needs of largest direct gap first, each given seats at its candidate of
    /// most graduates per seat until its gap is closed.
    LargestGap,
    /// Baseline: the seats spread over the needs in proportion to their direct gap, each share
    /// at the need's candidate of most graduates per seat.
    Proportional,
}

/// What the recommender reads.
#[derive(Clone, Copy)]
pub struct RecommendInput<'a> {
    /// ROME, certifications.
    pub referential: &'a Referential,
    /// Communes and areas.
    pub territory: &'a Territory,
    /// The training map.
    pub offers: &'a [Offer],
    /// Text relevance.
    pub text: &'a dyn TextSource,
    /// The configuration of `base`.
    pub config: &'a MatchConfig,
    /// The supply rules of the training map.
    pub rules: &'a SupplyRules,
}

/// Recommends actions for `needs` under `request`, from `base` (their match over
/// `input.offers` with `input.config`).
pub fn recommend(
    input: RecommendInput<'_>,
    needs: &[Need],
    base: &MatchOutcome,
    request: &Request,
    strategy: Strategy,
) -> Result<Recommendation, RecommendError> {
    check(request)?;
    let opens = candidate_openings(input, base, &request.limits);
    let mut universe = input.offers.to_vec();
    let mut seen: BTreeSet<OfferId> = universe.iter().map(|o| o.id.clone()).collect();
    let mut open_specs = Vec::new();
    for (spec, offer) in opens.iter().zip(scenario::open_offers(
        &opens,
        input.offers,
        input.referential,
        input.territory,
    )) {
        let offer = offer?;
        if seen.insert(offer.id.clone()) {
            open_specs.push(spec.clone());
            universe.push(offer);
        }
    }
    let matcher = Matcher::with_rules(
        input.referential,
        input.territory,
        &universe,
        input.text,
        input.config,
        input.rules.clone(),
    );
    let outcome = matcher.rerun(needs, base, input.offers);
    let mut search = Search::new(input, &matcher, &outcome, request, open_specs);
    match strategy {
        Strategy::Greedy => search.greedy(),
        Strategy::LargestGap | Strategy::Proportional => search.baseline(strategy),
    }
    Ok(search.finish())
}

fn check(request: &Request) -> Result<(), RecommendError> {
    if request.budget.seats.is_none() && request.budget.euros.is_none() {
        return Err(RecommendError::NoBudget);
    }
    let (min, max) = request.limits.course_seats;
    if min == 0 || min > max {
        return Err(RecommendError::CourseSeats { min, max });
    }
    Ok(())
}

/// The direct gap of each need of `outcome` (thousandths; zero when masked).
fn direct_gaps(outcome: &MatchOutcome) -> Vec<u64> {
    outcome
        .needs
        .iter()
        .map(|n| n.known_volume().saturating_sub(n.covered_direct).milli())
        .collect()
}

/// A school of the map that could open a course.
struct School<'a> {
    uai: Uai,
    offer: &'a Offer,
    /// Certif Info kinds of the diplomas it teaches.
    kinds: BTreeSet<&'a str>,
    domains: BTreeSet<&'a str>,
    cfds: BTreeSet<Cfd>,
    modes: [usize; 2],
}

/// The openings tried: for each need with a direct gap, its diplomas at the schools nearest to
/// it of the same family of trades (or of its employment area), in a fixed order.
fn candidate_openings(
    input: RecommendInput<'_>,
    base: &MatchOutcome,
    limits: &Limits,
) -> Vec<OpenSeats> {
    let Some(year) = input.offers.iter().map(|o| o.year).max() else {
        return Vec::new();
    };
    if limits.only_extensions {
        return Vec::new();
    }
    let openings = Openings::new(input, limits, year);
    let gaps = direct_gaps(base);
    let mut opens: Vec<OpenSeats> = Vec::new();
    let mut tried: BTreeSet<(Cfd, Uai, TrainingMode)> = BTreeSet::new();
    // Needs of one place, level and sheets try the same openings.
    let mut seen: BTreeSet<(&NeedLocation, Option<EuropeanLevel>, Vec<RomeCode>)> = BTreeSet::new();
    for (need, _) in base.needs.iter().zip(&gaps).filter(|(_, g)| **g > 0) {
        if !seen.insert((&need.location, need.level, need.rome().collect())) {
            continue;
        }
        for (cfd, family) in openings.diplomas(need) {
            for school in openings.schools(need, cfd, &family) {
                let mode = if school.modes[1] > school.modes[0] {
                    TrainingMode::Apprenticeship
                } else {
                    TrainingMode::School
                };
                if tried.insert((cfd, school.uai, mode)) {
                    opens.push(OpenSeats {
                        cfd,
                        place: Place::School(school.uai),
                        seats: 0,
                        mode,
                        year: Some(year),
                        label: None,
                        length: None,
                    });
                }
            }
        }
    }
    opens
}

/// What candidate openings are drawn from.
struct Openings<'a> {
    input: RecommendInput<'a>,
    limits: &'a Limits,
    year: u16,
    schools: Vec<School<'a>>,
    by_sheet: HashMap<RomeCode, Vec<Diploma<'a>>>,
    /// Offers per diploma in the map.
    taught: HashMap<Cfd, usize>,
    places: Places<'a>,
}

impl<'a> Openings<'a> {
    fn new(input: RecommendInput<'a>, limits: &'a Limits, year: u16) -> Openings<'a> {
        let by_sheet = diplomas_by_sheet(input.referential);
        let mut taught: HashMap<Cfd, usize> = HashMap::new();
        for cfd in input.offers.iter().filter_map(|o| o.cfd) {
            *taught.entry(cfd).or_default() += 1;
        }
        Openings {
            input,
            limits,
            year,
            schools: schools(input.offers, &kinds(input.referential)),
            by_sheet,
            taught,
            places: Places::new(input.territory),
        }
    }

    /// The diplomas leading to a need's sheets (or their parents), at its level or above, within
    /// the limits, still open to intakes; the most taught in the region first.
    fn diplomas(&self, need: &crate::NeedResult) -> Vec<(Cfd, Family<'a>)> {
        let r = self.input.referential;
        let mut diplomas: BTreeMap<Cfd, Family<'a>> = BTreeMap::new();
        for sheet in need.rome() {
            for code in [sheet, r.parent_of(sheet)] {
                for d in self.by_sheet.get(&code).into_iter().flatten() {
                    let entry = diplomas.entry(d.cfd).or_insert(Family {
                        level: d.level,
                        kind: d.kind,
                        domains: BTreeSet::new(),
                    });
                    entry.domains.extend(d.rome.iter().map(RomeCode::domain));
                }
            }
        }
        let mut ranked: Vec<(Cfd, Family<'a>)> = diplomas
            .into_iter()
            .filter(|(cfd, f)| {
                let asked = need.level.is_none_or(|n| f.level.is_some_and(|l| l >= n));
                asked && self.limits.allows_level(f.level) && self.still_open(*cfd)
            })
            .collect();
        ranked.sort_by_key(|(cfd, _)| {
            (
                std::cmp::Reverse(self.taught.get(cfd).copied().unwrap_or(0)),
                *cfd,
            )
        });
        ranked.truncate(self.limits.diplomas_per_need);
        ranked
    }

    /// Whether the BCN keeps the diploma open to the intake and its graduation (closing year
    /// after the intake year plus two).
    fn still_open(&self, cfd: Cfd) -> bool {
        let closing = self
            .input
            .referential
            .diplomas
            .get(&cfd)
            .and_then(|d| d.closed_on.as_deref())
            .and_then(|date| date.get(date.len().checked_sub(4)?..)?.parse::<u16>().ok());
        closing.is_none_or(|y| y > self.year.saturating_add(2))
    }

    /// The schools that could open `cfd` for `need`: not teaching it yet, teaching its kind of
    /// diploma, of its family of trades or of the need's employment area, within reach; nearest
    /// first.
    fn schools(&self, need: &crate::NeedResult, cfd: Cfd, family: &Family<'_>) -> Vec<&School<'a>> {
        let mut near: Vec<(f64, &School<'a>)> = self
            .schools
            .iter()
            .filter(|s| {
                !s.cfds.contains(&cfd) && self.limits.allows_place(&s.offer.location.departement)
            })
            .filter(|s| family.kind.is_some_and(|k| s.kinds.contains(k)))
            .filter(|s| {
                !s.domains.is_disjoint(&family.domains)
                    || (need.bassin.is_some() && s.offer.location.bassin == need.bassin)
            })
            .filter_map(|s| {
                let d = self.places.distance_km(&need.location, &s.offer.location)?;
                (d <= self.input.config.reach_km).then_some((d, s))
            })
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.uai.cmp(&b.1.uai)));
        near.into_iter()
            .take(self.limits.schools_per_diploma)
            .map(|(_, s)| s)
            .collect()
    }
}

/// The Certif Info kind of each diploma code (`Brevet de technicien supérieur`...).
fn kinds(referential: &Referential) -> HashMap<Cfd, &str> {
    referential
        .certifications
        .iter()
        .filter_map(|c| Some((c.cfd?, c.kind_label.as_str())))
        .collect()
}

/// The schools of the map known by UAI, with the ROME domains and diplomas they teach.
fn schools<'a>(offers: &'a [Offer], kinds: &HashMap<Cfd, &'a str>) -> Vec<School<'a>> {
    let mut by_uai: BTreeMap<Uai, School<'a>> = BTreeMap::new();
    for offer in offers {
        let SchoolCode::Uai(uai) = offer.school else {
            continue;
        };
        let school = by_uai.entry(uai).or_insert_with(|| School {
            uai,
            offer,
            kinds: BTreeSet::new(),
            domains: BTreeSet::new(),
            cfds: BTreeSet::new(),
            modes: [0, 0],
        });
        school
            .domains
            .extend(offer.rome.iter().map(RomeCode::domain));
        school.cfds.extend(offer.cfd);
        school
            .kinds
            .extend(offer.cfd.and_then(|c| kinds.get(&c).copied()));
        school.modes[usize::from(offer.mode == TrainingMode::Apprenticeship)] += 1;
    }
    by_uai.into_values().collect()
}

/// A diploma's level, kind and the ROME domains (families of trades) it leads to.
struct Family<'r> {
    level: Option<EuropeanLevel>,
    kind: Option<&'r str>,
    domains: BTreeSet<&'r str>,
}

/// A diploma as Certif Info links it to ROME sheets.
struct Diploma<'r> {
    cfd: Cfd,
    level: Option<EuropeanLevel>,
    kind: Option<&'r str>,
    rome: &'r [RomeCode],
}

/// Active Certif Info certifications with a diploma code, by each ROME sheet they lead to.
fn diplomas_by_sheet(referential: &Referential) -> HashMap<RomeCode, Vec<Diploma<'_>>> {
    let mut map: HashMap<RomeCode, Vec<Diploma<'_>>> = HashMap::new();
    for c in referential.certifications.iter().filter(|c| c.active) {
        let Some(cfd) = c.cfd else { continue };
        for &code in &c.rome {
            let list = map.entry(code).or_default();
            if !list.iter().any(|d| d.cfd == cfd) {
                list.push(Diploma {
                    cfd,
                    level: c.level,
                    kind: Some(c.kind_label.as_str()).filter(|k| !k.is_empty()),
                    rome: &c.rome,
                });
            }
        }
    }
    map
}

/// What a candidate does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Lever {
    /// Extend a published course.
    Extend,
    /// Open a course.
    Open,
}

impl Lever {
    fn action(self) -> ActionKind {
        match self {
            Lever::Extend => ActionKind::Extend,
            Lever::Open => ActionKind::Open,
        }
    }
}

/// Entrants per published seat of `offer`, when its seats are known and not zero.
fn fill_rate(offer: &Offer, entrants: Volume) -> Option<f64> {
    (offer.capacity.seats())
        .filter(|&n| n > 0)
        .map(|n| entrants.as_f64() / f64::from(n))
}

/// A candidate action during the search.
struct Candidate {
    /// Offer index in the universe.
    offer: u32,
    kind: Lever,
    /// Needs it is directly linked to: (need index, weight), heaviest first.
    needs: Vec<(u32, f64)>,
    /// Seats it may take, at most.
    cap: u32,
    /// Seats taken.
    added: u32,
    /// Graduates (thousandths) a year per seat (estimate for the next seats).
    per_seat: f64,
    domain: Option<char>,
    dropped: bool,
}

/// A step under consideration.
#[derive(Clone, Copy, Debug)]
struct Proposal {
    candidate: usize,
    seats: u32,
    euros: u64,
    /// Estimated graduates a year of the seats (thousandths).
    graduates: f64,
    /// Estimated weighted gap they close (weighted thousandths).
    weighted: f64,
    /// `weighted` per unit of budget: what the search ranks by.
    value: f64,
}

/// One choice made.
struct Step {
    candidate: usize,
    seats: u32,
    euros: u64,
    /// (need, gap before the step, after).
    moved: Vec<(usize, u64, u64)>,
    /// The best other proposals for the same demand when it was chosen, best first.
    runners: Vec<RunnerUp>,
}

/// Another proposal for the demand of a choice, as it stood then.
#[derive(Clone, Copy, Debug)]
struct RunnerUp {
    proposal: Proposal,
    kind: ActionKind,
    chosen: Proposal,
}

struct Search<'a> {
    input: RecommendInput<'a>,
    matcher: &'a Matcher<'a>,
    outcome: &'a MatchOutcome,
    request: &'a Request,
    opens: Vec<OpenSeats>,
    universe: &'a [Offer],
    candidates: Vec<Candidate>,
    weights: Vec<f64>,
    graduates: Vec<u64>,
    gaps: Vec<u64>,
    start: Vec<u64>,
    school_seats: HashMap<SchoolCode, u32>,
    seats: u32,
    euros: u64,
    steps: Vec<Step>,
    undone: usize,
    /// Choices dropped at the end: a later choice took over their demand.
    pruned: usize,
    /// Each kept candidate's marginal effect in the final plan: (need, gap without it, gap).
    marginal: HashMap<usize, Vec<(usize, u64, u64)>>,
    /// Empty seats that may fund the actions ([`Limits::redeploy`]), most first.
    reductions: Vec<Reduction>,
}

/// Empty seats of a course whose entrants are measured: removing them changes no graduate.
struct Reduction {
    /// Offer index.
    offer: u32,
    /// Seats that may be removed (all of them: the course enters nobody).
    seats: u32,
    /// Its entrants by the larger of its measures (census, applications).
    entrants: Volume,
}

impl<'a> Search<'a> {
    fn new(
        input: RecommendInput<'a>,
        matcher: &'a Matcher<'a>,
        outcome: &'a MatchOutcome,
        request: &'a Request,
        opens: Vec<OpenSeats>,
    ) -> Search<'a> {
        let policy = &input.config.buyer_policy;
        let weights: Vec<f64> = outcome
            .needs
            .iter()
            .map(|n| policy.weight(BuyerClass::of(&n.buyer)))
            .collect();
        let gaps = direct_gaps(outcome);
        let mut search = Search {
            input,
            matcher,
            outcome,
            request,
            opens,
            universe: matcher.offers(),
            candidates: Vec::new(),
            weights,
            graduates: outcome
                .supplies
                .iter()
                .map(|s| s.graduates.milli())
                .collect(),
            start: gaps.clone(),
            gaps,
            school_seats: HashMap::new(),
            seats: 0,
            euros: 0,
            steps: Vec::new(),
            undone: 0,
            pruned: 0,
            marginal: HashMap::new(),
            reductions: Vec::new(),
        };
        search.candidates = search.candidates();
        search.reductions = search.reductions();
        search
    }

    /// Extension and opening candidates directly linked to a need with a gap.
    fn candidates(&self) -> Vec<Candidate> {
        let published = self.input.offers.len();
        let limits = &self.request.limits;
        let mut by_offer: BTreeMap<u32, Vec<(u32, f64)>> = BTreeMap::new();
        for (j, need) in self.outcome.needs.iter().enumerate() {
            if self.gaps[j] == 0 {
                continue;
            }
            for link in self.outcome.links_of(need) {
                if link.kind != LinkKind::Direct {
                    break;
                }
                by_offer
                    .entry(link.offer)
                    .or_default()
                    .push((j as u32, self.weights[j]));
            }
        }
        let mut list = Vec::new();
        for (offer, mut needs) in by_offer {
            let o = &self.universe[offer as usize];
            let supply = &self.outcome.supplies[offer as usize];
            let kind = if (offer as usize) < published {
                Lever::Extend
            } else {
                Lever::Open
            };
            if !limits.allow(o) {
                continue;
            }
            let cap = match kind {
                Lever::Open => limits.course_seats.1,
                Lever::Extend => {
                    // Whole applicants only: a seat beyond them would stay empty.
                    let turned = (supply.turned_away.milli() / Volume::SCALE) as u32;
                    if o.capacity.seats().is_none() || turned == 0 {
                        continue;
                    }
                    turned.min(limits.max_extension)
                }
            };
            needs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut c = Candidate {
                offer,
                kind,
                needs,
                cap,
                added: 0,
                per_seat: 0.0,
                domain: o.rome.first().map(RomeCode::grand_domain),
                dropped: false,
            };
            c.per_seat = self.extra_graduates(&c, cap) as f64 / f64::from(cap.max(1));
            if c.per_seat > 0.0 {
                list.push(c);
            }
        }
        list
    }

    /// Graduates (thousandths) that `seats` more seats of `c` add to its offer's.
    fn extra_graduates(&self, c: &Candidate, seats: u32) -> u64 {
        let now = self.graduates[c.offer as usize];
        self.graduates_with(c, c.added + seats).saturating_sub(now)
    }

    /// Graduates (thousandths) of `c`'s offer with `seats` seats of the candidate: an opening
    /// of that many seats, or that many added to the course.
    fn graduates_with(&self, c: &Candidate, seats: u32) -> u64 {
        let mut grown = self.universe[c.offer as usize].clone();
        match c.kind {
            Lever::Open => grown.capacity = gapmap_model::Capacity::Seats(seats),
            Lever::Extend => scenario::add_seats(&mut grown, seats),
        }
        self.input.rules.supply(&grown).graduates.milli()
    }

    /// The best next seats of candidate `k`, if any fit the budget and limits and reach a gap.
    fn proposal(&self, k: usize) -> Option<Proposal> {
        let c = &self.candidates[k];
        if c.dropped || c.per_seat <= 0.0 {
            return None;
        }
        let reachable: u64 = c.needs.iter().map(|&(j, _)| self.gaps[j as usize]).sum();
        if reachable == 0 {
            return None;
        }
        let limits = &self.request.limits;
        let school = self.universe[c.offer as usize].school;
        let mut room = c.cap.saturating_sub(c.added);
        if let Some(max) = limits.max_seats_per_school {
            room =
                room.min(max.saturating_sub(self.school_seats.get(&school).copied().unwrap_or(0)));
        }
        if let Some(budget) = self.seat_budget() {
            room = room.min(budget.saturating_sub(self.seats));
        }
        let wanted = (reachable as f64 / c.per_seat).ceil() as u32;
        let first_opening = c.kind == Lever::Open && c.added == 0;
        let least = if first_opening {
            limits.course_seats.0
        } else {
            1
        };
        let mut seats = wanted.max(least).min(room);
        let kind = if first_opening {
            ActionKind::Open
        } else {
            ActionKind::Extend
        };
        if let Some(budget) = self.request.budget.euros {
            let left = budget.saturating_sub(self.euros);
            while seats >= least && self.request.costs.euros(kind, seats, c.domain) > left {
                seats -= 1;
            }
        }
        if seats < least || seats == 0 {
            return None;
        }
        let euros = self.request.costs.euros(kind, seats, c.domain);
        let mut pour = (c.per_seat * f64::from(seats)) as u64;
        let mut value = 0.0;
        for &(j, w) in &c.needs {
            let take = pour.min(self.gaps[j as usize]);
            value += take as f64 * w;
            pour -= take;
            if pour == 0 {
                break;
            }
        }
        let spent = self.cost_units(seats, euros);
        (value > 0.0).then_some(Proposal {
            candidate: k,
            seats,
            euros,
            graduates: c.per_seat * f64::from(seats),
            weighted: value,
            value: value / spent,
        })
    }

    /// Share of the budget `seats` and `euros` spend.
    fn cost_units(&self, seats: u32, euros: u64) -> f64 {
        let (s, e) = self.shares(seats, euros);
        (s + e).max(f64::MIN_POSITIVE)
    }

    /// The larger share of a budget `seats` and `euros` take (the proportional baseline's
    /// measure: a need's share of the gap is its share of each budget).
    fn budget_share(&self, seats: u32, euros: u64) -> f64 {
        let (s, e) = self.shares(seats, euros);
        s.max(e)
    }

    /// The shares of the seat budget and of the euro budget that `seats` and `euros` take (0
    /// for a budget not given).
    fn shares(&self, seats: u32, euros: u64) -> (f64, f64) {
        let b = self.request.budget;
        let s = b
            .seats
            .map_or(0.0, |s| f64::from(seats) / f64::from(s.max(1)));
        let e = b.euros.map_or(0.0, |e| euros as f64 / (e.max(1)) as f64);
        (s, e)
    }

    fn weighted(&self, gaps: &[u64]) -> f64 {
        gaps.iter()
            .zip(&self.weights)
            .map(|(&g, &w)| g as f64 * w)
            .sum()
    }

    /// The seat budget, with the seats the reductions may free.
    fn seat_budget(&self) -> Option<u32> {
        let freed: u32 = self.reductions.iter().map(|r| r.seats).sum();
        let freed = freed.min(self.request.limits.redeploy);
        self.request.budget.seats.map(|b| b.saturating_add(freed))
    }

    /// The empty seats of the published courses within the limits whose entrants are measured
    /// (census, or applications at a measured rate), each removal checked to change no graduate.
    fn reductions(&self) -> Vec<Reduction> {
        if self.request.limits.redeploy == 0 || self.request.budget.seats.is_none() {
            return Vec::new();
        }
        let mut list: Vec<Reduction> = (0..self.input.offers.len())
            .filter_map(|i| self.reduction(i))
            .collect();
        list.sort_by(|a, b| b.seats.cmp(&a.seats).then(a.offer.cmp(&b.offer)));
        list
    }

    fn reduction(&self, i: usize) -> Option<Reduction> {
        let offer = &self.universe[i];
        let supply = &self.outcome.supplies[i];
        let measured = match supply.entrants_source {
            crate::EntrantsSource::Census { .. } => true,
            crate::EntrantsSource::Applications { measured, .. } => measured,
            _ => false,
        };
        let n = offer.capacity.seats()?;
        if !measured || offer.intake.added_seats > 0 || !self.request.limits.allow(offer) {
            return None;
        }
        // The seats its entrants take by every measure: the census's pupils, and its published
        // applications at the measured rate (a course the census found empty may have
        // applicants since).
        let mut by_applications = offer.clone();
        by_applications.intake.enrolment = None;
        let entrants = (supply.entrants).max(self.input.rules.supply(&by_applications).entrants);
        let keep = entrants.milli().div_ceil(Volume::SCALE) as u32;
        let seats = n.saturating_sub(keep);
        if seats == 0 {
            return None;
        }
        // Checked, not assumed: the course with `keep` seats supplies the same graduates.
        let mut reduced = offer.clone();
        reduced.capacity = match offer.capacity {
            gapmap_model::Capacity::Declared(_) => gapmap_model::Capacity::Declared(keep),
            _ => gapmap_model::Capacity::Seats(keep),
        };
        let same = self.input.rules.supply(&reduced).graduates == supply.graduates;
        same.then_some(Reduction {
            offer: i as u32,
            seats,
            entrants,
        })
    }

    /// The reductions that fund the seats added beyond the budget: first at schools where the
    /// plan adds seats (seats moved within a school), then most empty seats first; (reduction,
    /// seats removed).
    fn reductions_used(&self) -> Vec<(usize, u32)> {
        let budget = self.request.budget.seats.unwrap_or(u32::MAX);
        let mut excess = self.seats.saturating_sub(budget);
        let acting: BTreeSet<SchoolCode> = (self.candidates.iter().filter(|c| c.added > 0))
            .map(|c| self.universe[c.offer as usize].school)
            .collect();
        let mut order: Vec<usize> = (0..self.reductions.len()).collect();
        // Seats moved between statuses of one course first, then within a school.
        order.sort_by_key(|&r| {
            let offer = &self.universe[self.reductions[r].offer as usize];
            let moved = self.moved_to(offer).is_some();
            (!moved, !acting.contains(&offer.school), r)
        });
        let mut used = Vec::new();
        for r in order {
            if excess == 0 {
                break;
            }
            let n = self.reductions[r].seats.min(excess);
            excess -= n;
            used.push((r, n));
        }
        used
    }

    /// The course of the plan of the same diploma at the same school in the other status
    /// (school or apprenticeship) than `offer`: where its removed seats move.
    fn moved_to(&self, offer: &Offer) -> Option<&Offer> {
        let cfd = offer.cfd?;
        (self.candidates.iter().filter(|c| c.added > 0))
            .map(|c| &self.universe[c.offer as usize])
            .find(|o| o.school == offer.school && o.cfd == Some(cfd) && o.mode != offer.mode)
    }

    /// The action of removing `seats` of reduction `r`.
    fn reduction_action(&self, r: usize, seats: u32) -> Action {
        let red = &self.reductions[r];
        let offer = &self.universe[red.offer as usize];
        let kind = match offer.capacity.seats() {
            Some(n) if n == seats => ActionKind::Close,
            _ => ActionKind::Reduce,
        };
        Action {
            applications: offer.applications,
            fill_rate: fill_rate(offer, red.entrants),
            moved_to: self.moved_to(offer).map(|o| o.id.clone()),
            ..self.course_action(red.offer as usize, kind, seats)
        }
    }

    /// An action of `kind` on `seats` of the course at `index`: the course as the data describe
    /// it and its supply's lag, nothing added, closed nor explained yet.
    fn course_action(&self, index: usize, kind: ActionKind, seats: u32) -> Action {
        let offer = &self.universe[index];
        let supply = &self.outcome.supplies[index];
        Action {
            kind,
            offer: offer.id.clone(),
            label: offer.label.clone(),
            cfd: offer.cfd,
            school: offer.school,
            school_name: offer.school_name.clone(),
            departement: offer.location.departement.clone(),
            level: offer.level,
            mode: offer.mode,
            seats,
            euros: 0,
            graduates: Volume::ZERO,
            length_years: supply.duration_years,
            length_assumed: supply.duration_assumed,
            intake_year: offer.year,
            first_graduates: supply.entry_year,
            turned_away: None,
            applications: None,
            fill_rate: None,
            weighted_closed: 0.0,
            effects: Vec::new(),
            competences: Vec::new(),
            alternative: None,
            moved_to: None,
        }
    }

    fn greedy(&mut self) {
        loop {
            let proposals: Vec<Proposal> = (0..self.candidates.len())
                .filter_map(|k| self.proposal(k))
                .collect();
            let Some(best) = proposals.iter().copied().max_by(|a, b| {
                a.value
                    .total_cmp(&b.value)
                    .then(b.candidate.cmp(&a.candidate))
            }) else {
                break;
            };
            let runners = self.runners_up(&best, &proposals);
            self.take(best, runners);
        }
        self.settle();
    }

    /// The chosen candidates in the order first chosen.
    fn chosen(&self) -> Vec<usize> {
        let mut order: Vec<usize> = Vec::new();
        for step in &self.steps {
            if !order.contains(&step.candidate) {
                order.push(step.candidate);
            }
        }
        order
    }

    /// After the search, each chosen candidate's marginal effect in the final plan (the direct
    /// gap its removal alone would reopen); a candidate whose removal changes no gap (a later
    /// choice took over its demand) is dropped, and the effects found before a drop are found
    /// again.
    fn settle(&mut self) {
        loop {
            let chosen = self.chosen();
            // Each removal solved on its own copy of the supplies, in parallel.
            let withouts: Vec<Vec<u64>> = chosen
                .par_iter()
                .map(|&k| {
                    let offer = self.candidates[k].offer as usize;
                    let mut graduates = self.graduates.clone();
                    graduates[offer] = self.outcome.supplies[offer].graduates.milli();
                    self.solve_with(&graduates)
                })
                .collect();
            self.marginal.clear();
            // Useless: without it the direct gap is no larger (it closes nobody net: its
            // graduates only move others between needs); the most useless first, one at a time
            // (two actions may each be useless beside the other).
            let now = self.gaps.iter().sum::<u64>();
            let useless = (chosen.iter().zip(&withouts))
                .map(|(&k, without)| (k, without.iter().sum::<u64>(), without))
                .filter(|(_, plain, _)| *plain <= now)
                .min_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            if let Some((k, _, without)) = useless {
                let without = without.clone();
                let offer = self.candidates[k].offer as usize;
                self.graduates[offer] = self.outcome.supplies[offer].graduates.milli();
                self.gaps = without;
                self.drop_choice(k);
                continue;
            }
            for (k, without) in chosen.into_iter().zip(withouts) {
                let moved = (0..without.len())
                    .filter(|&j| without[j] != self.gaps[j])
                    .map(|j| (j, without[j], self.gaps[j]))
                    .collect();
                self.marginal.insert(k, moved);
            }
            break;
        }
    }

    /// Removes the choices of candidate `k` (its graduates already taken out).
    fn drop_choice(&mut self, k: usize) {
        let c = &mut self.candidates[k];
        let school = self.universe[c.offer as usize].school;
        if let Some(n) = self.school_seats.get_mut(&school) {
            *n = n.saturating_sub(c.added);
        }
        self.seats = self.seats.saturating_sub(c.added);
        c.added = 0;
        let euros: u64 = (self.steps.iter().filter(|s| s.candidate == k))
            .map(|s| s.euros)
            .sum();
        self.euros = self.euros.saturating_sub(euros);
        self.steps.retain(|s| s.candidate != k);
        self.pruned += 1;
    }

    /// The best three other proposals sharing a need with `best`, as they stand.
    fn runners_up(&self, best: &Proposal, proposals: &[Proposal]) -> Vec<RunnerUp> {
        let chosen = &self.candidates[best.candidate];
        let served: BTreeSet<u32> = chosen
            .needs
            .iter()
            .filter(|(j, _)| self.gaps[*j as usize] > 0)
            .map(|(j, _)| *j)
            .collect();
        let mut others: Vec<&Proposal> = proposals
            .iter()
            .filter(|p| p.candidate != best.candidate)
            .filter(|p| {
                let c = &self.candidates[p.candidate];
                c.needs.iter().any(|(j, _)| served.contains(j))
            })
            .collect();
        others.sort_by(|a, b| {
            b.value
                .total_cmp(&a.value)
                .then(a.candidate.cmp(&b.candidate))
        });
        others
            .into_iter()
            .take(3)
            .map(|p| {
                let c = &self.candidates[p.candidate];
                RunnerUp {
                    proposal: *p,
                    kind: self.step_kind(c),
                    chosen: *best,
                }
            })
            .collect()
    }

    /// What the next seats of `c` are: an opening until it has seats, then an extension.
    fn step_kind(&self, c: &Candidate) -> ActionKind {
        if c.kind == Lever::Open && c.added == 0 {
            ActionKind::Open
        } else {
            ActionKind::Extend
        }
    }

    /// Takes `p`, solves the direct allocation again; undoes it when it closes nothing.
    fn take(&mut self, p: Proposal, runners: Vec<RunnerUp>) {
        let offer = self.candidates[p.candidate].offer as usize;
        let extra = self.extra_graduates(&self.candidates[p.candidate], p.seats);
        self.graduates[offer] += extra;
        let gaps = self.solve();
        self.graduates[offer] -= extra;
        let gain = self.weighted(&self.gaps) - self.weighted(&gaps);
        if gain < 1.0 {
            self.candidates[p.candidate].dropped = true;
            self.undone += 1;
            return;
        }
        let moved = (0..gaps.len())
            .filter(|&j| gaps[j] != self.gaps[j])
            .map(|j| (j, self.gaps[j], gaps[j]))
            .collect();
        self.gaps = gaps;
        self.add(p.candidate, p.seats, p.euros);
        self.steps.push(Step {
            candidate: p.candidate,
            seats: p.seats,
            euros: p.euros,
            moved,
            runners,
        });
    }

    /// Each need's direct gap with the current graduates.
    fn solve(&self) -> Vec<u64> {
        self.solve_with(&self.graduates)
    }

    /// Each need's direct gap with `graduates` (thousandths by offer).
    fn solve_with(&self, graduates: &[u64]) -> Vec<u64> {
        let allocations = self.matcher.direct_allocation(self.outcome, graduates);
        self.outcome
            .needs
            .iter()
            .zip(allocations)
            .map(|(n, a)| {
                let covered: u64 = a.iter().map(|a| a.volume.milli()).sum();
                n.known_volume().milli().saturating_sub(covered)
            })
            .collect()
    }

    /// The baselines: each need with a candidate, largest direct gap first, gets seats at its
    /// candidates, most graduates per seat first: enough to close its gap
    /// ([`Strategy::LargestGap`]), within its share of the budget in proportion to its gap
    /// ([`Strategy::Proportional`]; a share too small for a course carries to the next need).
    /// One exact solve at the end.
    fn baseline(&mut self, strategy: Strategy) {
        let mut by_need: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (k, c) in self.candidates.iter().enumerate() {
            for &(j, _) in &c.needs {
                by_need.entry(j as usize).or_default().push(k);
            }
        }
        for list in by_need.values_mut() {
            let rate = |k: &usize| self.candidates[*k].per_seat;
            list.sort_by(|a, b| rate(b).total_cmp(&rate(a)).then(a.cmp(b)));
        }
        let mut order: Vec<usize> = by_need.keys().copied().collect();
        order.sort_by(|&a, &b| self.start[b].cmp(&self.start[a]).then(a.cmp(&b)));
        let total: u64 = order.iter().map(|&j| self.start[j]).sum();
        let mut allowance = 0.0;
        for j in order {
            let mut left = self.start[j] as f64;
            if strategy == Strategy::Proportional {
                allowance += self.start[j] as f64 / total.max(1) as f64;
            }
            for &k in &by_need[&j] {
                if left <= 0.0 {
                    break;
                }
                let Some(p) = self.proposal(k) else { continue };
                let c = &self.candidates[k];
                let (kind, rate, domain) = (self.step_kind(c), c.per_seat, c.domain);
                let least = if kind == ActionKind::Open {
                    self.request.limits.course_seats.0
                } else {
                    1
                };
                let mut seats = p.seats.min(((left / rate).ceil() as u32).max(least));
                let euros = |n| self.request.costs.euros(kind, n, domain);
                if strategy == Strategy::Proportional {
                    while seats >= least && self.budget_share(seats, euros(seats)) > allowance {
                        seats -= 1;
                    }
                    if seats < least {
                        continue;
                    }
                    allowance -= self.budget_share(seats, euros(seats));
                }
                let cost = euros(seats);
                self.add(k, seats, cost);
                left -= f64::from(seats) * rate;
                self.steps.push(Step {
                    candidate: k,
                    seats,
                    euros: cost,
                    moved: Vec::new(),
                    runners: Vec::new(),
                });
            }
        }
        self.gaps = self.solve();
    }

    /// Adds `seats` to candidate `k` and its graduates to its offer (no solve).
    fn add(&mut self, k: usize, seats: u32, euros: u64) {
        let extra = self.extra_graduates(&self.candidates[k], seats);
        let c = &mut self.candidates[k];
        let offer = c.offer as usize;
        self.graduates[offer] += extra;
        c.added += seats;
        *self
            .school_seats
            .entry(self.universe[offer].school)
            .or_default() += seats;
        self.seats = self.seats.saturating_add(seats);
        self.euros = self.euros.saturating_add(euros);
        let c = &self.candidates[k];
        let room = c.cap.saturating_sub(c.added);
        let next = if room == 0 {
            0.0
        } else {
            self.extra_graduates(c, room) as f64 / f64::from(room)
        };
        self.candidates[k].per_seat = next;
    }

    fn finish(self) -> Recommendation {
        let weights = &self.weights;
        let totals = |gaps: &[u64]| GapTotals {
            direct_gap: Volume::from_milli(gaps.iter().sum()),
            weighted_gap: gaps
                .iter()
                .zip(weights)
                .map(|(&g, &w)| g as f64 * w)
                .sum::<f64>()
                / Volume::SCALE as f64,
        };
        let before = totals(&self.start);
        let after = totals(&self.gaps);
        let reductions = self.reductions_used();
        let mut actions = self.actions();
        actions.extend(reductions.iter().map(|&(r, n)| self.reduction_action(r, n)));
        let scenario = self.scenario(&reductions);
        let extensions = self
            .candidates
            .iter()
            .filter(|c| c.kind == Lever::Extend)
            .count();
        Recommendation {
            actions,
            scenario,
            seats: self.seats,
            seats_removed: reductions.iter().map(|(_, n)| n).sum(),
            euros: self.euros,
            before,
            after,
            candidates: (extensions, self.candidates.len() - extensions),
            steps: (self.steps.len(), self.undone),
            pruned: self.pruned,
            request: self.request.clone(),
        }
    }

    /// The steps merged per candidate, in the order first chosen.
    fn actions(&self) -> Vec<Action> {
        self.chosen()
            .into_iter()
            .map(|k| {
                let steps: Vec<&Step> = self.steps.iter().filter(|s| s.candidate == k).collect();
                self.action(k, &steps)
            })
            .collect()
    }

    fn action(&self, k: usize, steps: &[&Step]) -> Action {
        let c = &self.candidates[k];
        let offer = &self.universe[c.offer as usize];
        let supply = &self.outcome.supplies[c.offer as usize];
        let places = Places::new(self.input.territory);
        // Its marginal effect in the final plan (the greedy search), else the sum of its steps'
        // (the baselines record none).
        let moved: Vec<&(usize, u64, u64)> = match self.marginal.get(&k) {
            Some(m) => m.iter().collect(),
            None => steps.iter().flat_map(|s| &s.moved).collect(),
        };
        let effects = self.effects(k, offer, &moved, &places);
        // The best other proposal of its first choice that the plan did not take.
        let alternative = steps[0]
            .runners
            .iter()
            .find(|r| self.candidates[r.proposal.candidate].added == 0)
            .map(|r| self.alternative(k, r, steps[0], &places));
        let extension = c.kind == Lever::Extend;
        Action {
            euros: steps.iter().map(|s| s.euros).sum(),
            graduates: Volume::from_milli(self.extra_total(c)),
            turned_away: extension.then_some(supply.turned_away),
            applications: offer.applications.filter(|_| extension),
            fill_rate: fill_rate(offer, supply.entrants).filter(|_| extension),
            weighted_closed: moved
                .iter()
                .map(|&&(j, before, after)| (before as f64 - after as f64) * self.weights[j])
                .sum::<f64>()
                / Volume::SCALE as f64,
            competences: self.competences(offer, &effects),
            effects,
            alternative,
            ..self.course_action(
                c.offer as usize,
                c.kind.action(),
                steps.iter().map(|s| s.seats).sum(),
            )
        }
    }

    /// The needs whose gap the moves `moved` of candidate `k` change, most closed first.
    fn effects(
        &self,
        k: usize,
        offer: &Offer,
        moved: &[&(usize, u64, u64)],
        places: &Places<'_>,
    ) -> Vec<NeedEffect> {
        let mut closed: BTreeMap<usize, (u64, i64)> = BTreeMap::new();
        for &&(j, before, after) in moved {
            // The gap without it (the others in place); the baselines record no marginal effect.
            let base = if self.marginal.contains_key(&k) {
                before
            } else {
                self.start[j]
            };
            let e = closed.entry(j).or_insert((base, 0));
            e.1 += before as i64 - after as i64;
        }
        let mut effects: Vec<NeedEffect> = closed
            .into_iter()
            .filter(|(_, (_, d))| *d != 0)
            .map(|(j, (gap, d))| {
                let need = &self.outcome.needs[j];
                NeedEffect {
                    need: need.id.clone(),
                    gap_before: Volume::from_milli(gap),
                    closed_milli: d,
                    distance_km: places.distance_km(&need.location, &offer.location),
                    resolved: need
                        .resolved
                        .then(|| need.sheets.iter().map(|s| s.1).fold(0.0, f64::max)),
                }
            })
            .collect();
        effects.sort_by(|a, b| {
            b.closed_milli
                .cmp(&a.closed_milli)
                .then(a.need.cmp(&b.need))
        });
        effects
    }

    /// Graduates all the seats of `c` add.
    fn extra_total(&self, c: &Candidate) -> u64 {
        let base = self.outcome.supplies[c.offer as usize].graduates.milli();
        self.graduates_with(c, c.added).saturating_sub(base)
    }

    fn alternative(
        &self,
        chosen: usize,
        runner: &RunnerUp,
        step: &Step,
        places: &Places<'_>,
    ) -> Alternative {
        let c = &self.candidates[runner.proposal.candidate];
        let offer = &self.universe[c.offer as usize];
        let mine = &self.candidates[chosen];
        let my_offer = &self.universe[mine.offer as usize];
        // The need both serve that the chosen step closed most.
        let shared = step
            .moved
            .iter()
            .filter(|(j, _, _)| c.needs.iter().any(|(n, _)| *n as usize == *j))
            .max_by_key(|(_, b, a)| b.saturating_sub(*a))
            .map(|(j, _, _)| &self.outcome.needs[*j]);
        let distance =
            |o: &Offer| shared.and_then(|n| places.distance_km(&n.location, &o.location));
        let (p, q) = (runner.proposal, runner.chosen);
        let per_seat =
            |p: &Proposal| p.graduates / f64::from(p.seats.max(1)) / Volume::SCALE as f64;
        let reach = |p: &Proposal| {
            if p.graduates > 0.0 {
                p.weighted / p.graduates
            } else {
                0.0
            }
        };
        let euros = |p: &Proposal| p.euros as f64 / f64::from(p.seats.max(1));
        Alternative {
            kind: runner.kind,
            offer: offer.id.clone(),
            label: offer.label.clone(),
            school_name: offer.school_name.clone(),
            value: (p.value, q.value),
            graduates_per_seat: (per_seat(&p), per_seat(&q)),
            reach: (reach(&p), reach(&q)),
            euros_per_seat: (euros(&p), euros(&q)),
            euro_budget: self.request.budget.euros.is_some(),
            distance_km: (distance(offer), distance(my_offer)),
        }
    }

    /// The demanded competences of the needs an action closes that its sheets hold.
    fn competences(&self, offer: &Offer, effects: &[NeedEffect]) -> Vec<OgrCode> {
        let r = self.input.referential;
        let sheets: BTreeSet<RomeCode> = r
            .metiers
            .iter()
            .filter(|(code, m)| offer.rome.contains(code) || offer.rome.contains(&m.parent))
            .map(|(code, _)| *code)
            .chain(offer.rome.iter().copied())
            .collect();
        let taught: BTreeSet<OgrCode> = sheets
            .iter()
            .flat_map(|&s| r.competences_of(s).map(|mc| mc.competence))
            .collect();
        let ids: BTreeSet<&NeedId> = effects
            .iter()
            .filter(|e| e.closed_milli > 0)
            .map(|e| &e.need)
            .collect();
        let mut out: BTreeSet<OgrCode> = BTreeSet::new();
        for need in self.outcome.needs.iter().filter(|n| ids.contains(&n.id)) {
            out.extend(
                need.competences
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| taught.contains(c)),
            );
        }
        out.into_iter().collect()
    }

    /// The chosen candidates as a scenario: extensions, then openings in the universe's order
    /// (the order the search compiled them in, so that applying the scenario numbers the
    /// opened courses in the same order).
    fn scenario(&self, reductions: &[(usize, u32)]) -> Scenario {
        let published = self.input.offers.len();
        let mut chosen: Vec<&Candidate> = self.candidates.iter().filter(|c| c.added > 0).collect();
        chosen.sort_by_key(|c| (c.kind, c.offer));
        let mut changes: Vec<Change> = reductions
            .iter()
            .map(|&(r, n)| {
                let offer = &self.universe[self.reductions[r].offer as usize];
                // All its seats: a course that enters nobody is closed.
                if offer.capacity.seats() == Some(n) {
                    Change::Close {
                        offer: offer.id.clone(),
                        year: None,
                    }
                } else {
                    Change::Reduce {
                        offer: offer.id.clone(),
                        seats: n,
                    }
                }
            })
            .collect();
        changes.extend(chosen.into_iter().map(|c| {
            match c.kind {
                Lever::Extend => Change::Extend {
                    offer: self.universe[c.offer as usize].id.clone(),
                    seats: c.added,
                    year: None,
                },
                Lever::Open => {
                    let offer = &self.universe[c.offer as usize];
                    let spec = &self.opens[c.offer as usize - published];
                    // No year: the data's latest intake year in the steady state, the horizon's
                    // first year over `--years`, as for extensions.
                    Change::Open(OpenSeats {
                        seats: c.added,
                        length: offer.duration_years,
                        year: None,
                        ..spec.clone()
                    })
                }
            }
        }));
        Scenario {
            name: "gapmap recommend".to_owned(),
            changes,
        }
    }
}
