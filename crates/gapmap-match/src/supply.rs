//! Supply: how many students actually enter an offer, how many of them reach the labour market,
//! and when.
//!
//! `graduates = entrants x completion x (1 - further study)`, in [`Volume`] thousandths, rounded
//! down. Every factor says where it comes from:
//!
//! - **Entrants** ([`EntrantsSource`]): an empty seat trains nobody. A school-mode offer found in
//!   the enrolment census enters the pupils who entered it there
//!   ([`gapmap_model::Enrolment::entered`]), at most its seats (whatever its seats when the source
//!   gives none: the pupils are measured); otherwise its applications times the entrants per
//!   application (calibrated per source on the offers the census counts, see [`SupplyRules`]),
//!   at most its seats; an offer with no
//!   applicant enters nobody ([`MatchConfig::fill_without_applicants`]); an offer whose
//!   applications are not published (declared seats, seats a scenario opens) fills
//!   [`MatchConfig::fill_without_evidence`] of its seats. Seats a scenario adds to an offer
//!   ([`gapmap_model::Intake::added_seats`]) enter the applicants its published seats turned away,
//!   no more: applications x min(1, entrants per application) beyond the seats (an entrant per
//!   application above 1 counts pupils who asked for other courses first), none where the census
//!   shows seats left empty.
//! - **Completion**: the offer's measured retention to the final year (census, school status),
//!   else [`MatchConfig::completion_factor`]; 0 for a seconde commune of a family of trades, whose
//!   pupils reach the final year through the premières of its family and are counted there. InserJeunes measures its rates on final-year
//!   students, passed or not: retention to the final year is the matching completion.
//! - **Further study**: the offer's InserJeunes rate, else the configured default for its level.
//!
//! Graduates enter the labour market [`years_to_graduation`] after the intake year (the course
//! length, less the years before a première entry). Offers with neither a
//! known capacity nor census pupils supply nothing; they stay visible as "capacity unknown"
//! candidates.

use std::collections::BTreeMap;

use gapmap_model::{Capacity, Offer, OfferId, OfferSource, Volume};

use crate::config::{MatchConfig, Projection};

/// Where a further-study rate comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum RateSource {
    /// The offer's InserJeunes outcomes (with their scope).
    Outcomes(String),
    /// The configured default for the offer's level.
    LevelDefault(u8),
    /// The configured default for offers without level.
    Default,
}

/// Whether the offer's capacity is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapacityStatus {
    /// Seats are published.
    Known,
    /// The source holds a placeholder (Affelnet `999`) instead of a capacity.
    Placeholder,
    /// The source gives no capacity.
    Unknown,
    /// Seats given by the user's capacities file.
    Declared,
}

impl CapacityStatus {
    /// Whether the offer has a number of seats (published or declared).
    pub fn is_known(self) -> bool {
        matches!(self, CapacityStatus::Known | CapacityStatus::Declared)
    }

    /// Short machine key (`published`, `placeholder`, `unknown`, `declared`).
    pub fn key(self) -> &'static str {
        match self {
            CapacityStatus::Known => "published",
            CapacityStatus::Placeholder => "placeholder",
            CapacityStatus::Unknown => "unknown",
            CapacityStatus::Declared => "declared",
        }
    }
}

impl RateSource {
    /// Short machine key (`outcomes`, `level-default`, `default`).
    pub fn key(&self) -> &'static str {
        match self {
            RateSource::Outcomes(_) => "outcomes",
            RateSource::LevelDefault(_) => "level-default",
            RateSource::Default => "default",
        }
    }
}

/// Where an offer's entrants come from.
#[derive(Clone, Debug, PartialEq)]
pub enum EntrantsSource {
    /// The pupils who entered the course at its school in the census, at most its seats.
    Census {
        /// Census year.
        year: u16,
        /// Pupils who entered ([`gapmap_model::Enrolment::entered`]).
        pupils: u32,
        /// Whether the census shows the class full (all its pupils, those moving up included, at
        /// least its seats); `false` when the seats are unknown.
        full: bool,
    },
    /// Applications (Affelnet's first choices, Parcoursup's confirmed wishes) times the entrants
    /// per application, at most the seats.
    Applications {
        /// Applications published.
        applications: u32,
        /// Entrants per application used.
        per_application: f64,
        /// Whether `per_application` was measured on the data (else configured).
        measured: bool,
    },
    /// No applicant and no census enrolment: [`MatchConfig::fill_without_applicants`] of the
    /// seats.
    NoApplicants {
        /// Share of the seats filled.
        fill: f64,
    },
    /// Nothing tells the entrants: [`MatchConfig::fill_without_evidence`] of the seats, an
    /// assumption.
    Assumed {
        /// Share of the seats filled.
        fill: f64,
    },
    /// The capacity is not known and the census does not count the course: no entrants are
    /// counted, and none is 0: unknown.
    CapacityUnknown,
}

impl EntrantsSource {
    /// Short machine key (`census`, `applications`, `no-applicants`, `assumed`,
    /// `capacity-unknown`).
    pub fn key(&self) -> &'static str {
        match self {
            EntrantsSource::Census { .. } => "census",
            EntrantsSource::Applications { .. } => "applications",
            EntrantsSource::NoApplicants { .. } => "no-applicants",
            EntrantsSource::Assumed { .. } => "assumed",
            EntrantsSource::CapacityUnknown => "capacity-unknown",
        }
    }
}

/// Where a completion factor comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum CompletionSource {
    /// The measured retention to the final year (with its scope).
    Measured(String),
    /// The configuration: [`MatchConfig::completion_by_level`] for the offer's level, else
    /// [`MatchConfig::completion_factor`].
    Configured,
    /// A seconde commune of a family of trades: its pupils reach the final year through a
    /// première of the family, whose supply counts them; none through this offer (0).
    CommonYear,
}

impl CompletionSource {
    /// Short machine key (`measured`, `configured`).
    pub fn key(&self) -> &'static str {
        match self {
            CompletionSource::Measured(_) => "measured",
            CompletionSource::Configured => "configured",
            CompletionSource::CommonYear => "common-year",
        }
    }
}

/// The supply of one offer with every factor that went into it.
#[derive(Clone, Debug, PartialEq)]
pub struct Supply {
    /// The offer.
    pub offer: OfferId,
    /// Seats per intake, when known (scenario seats included).
    pub seats: Option<u32>,
    /// Whether the capacity is known.
    pub capacity: CapacityStatus,
    /// Students entering per intake, at most the seats (the census pupils of a course whose seats
    /// are unknown).
    pub entrants: Volume,
    /// Where the entrants come from.
    pub entrants_source: EntrantsSource,
    /// Applicants the published seats turned away (applications x min(1, entrants per
    /// application) beyond the seats; zero when the census shows seats left empty): whom added
    /// seats enter.
    pub turned_away: Volume,
    /// Completion factor used.
    pub completion_factor: f64,
    /// Where it comes from.
    pub completion_source: CompletionSource,
    /// Further-study rate used.
    pub further_study_rate: f64,
    /// Where the rate comes from.
    pub rate_source: RateSource,
    /// Graduates entering the labour market per year (zero when the capacity is unknown).
    pub graduates: Volume,
    /// Course length used (years).
    pub duration_years: u8,
    /// Whether the course length is the configured default.
    pub duration_assumed: bool,
    /// Year the first graduates of the intake enter the labour market.
    pub entry_year: u16,
    /// In a plan year ([`SupplyRules::supply_in`]): the cohort whose graduates enter the labour
    /// market that year. `None`: the steady state of the offer's own intake.
    pub cohort: Option<Cohort>,
}

/// The cohort of an offer that supplies a plan year: its graduates enter the labour market in
/// `year`, having entered the course in `intake` (`year` less the course length).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cohort {
    /// Year the graduates enter the labour market.
    pub year: u16,
    /// Intake year of the cohort.
    pub intake: u16,
    /// The seats of that intake and where they come from.
    pub seats: IntakeSeats,
}

impl Cohort {
    /// Whether the cohort's seats or entrants are a projection (not published for its intake
    /// year).
    pub fn is_projected(&self) -> bool {
        matches!(
            self.seats,
            IntakeSeats::Projected { .. } | IntakeSeats::Held { .. }
        )
    }
}

/// The seats of one intake year of an offer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IntakeSeats {
    /// Seats the data give for that intake year (published, or declared in the capacities file),
    /// with a scenario's added seats once they apply.
    Data(u32),
    /// Seats projected from the published `from` year by the configured rule
    /// ([`MatchConfig::capacity_projection`]), with a scenario's added seats once they apply.
    Projected {
        /// Seats.
        seats: u32,
        /// The published year projected from.
        from: u16,
        /// The rule.
        rule: Projection,
    },
    /// Seats a scenario opens, from the intake year of the opening.
    Scenario(u32),
    /// A scenario opens the course in a later intake year.
    NotOpenYet {
        /// First intake year.
        opens: u16,
    },
    /// A scenario closed the course from an earlier intake year.
    Closed {
        /// First intake year without entrants.
        from: u16,
    },
    /// The data give no seats for the course in any year, but the census counts its entrants in
    /// its own year `from`: held at that year's (a projection).
    Held {
        /// The offer's own year.
        from: u16,
    },
    /// The data give no seats for the course in any year: its supply is that of its own year
    /// (census pupils, or unknown).
    Unknown,
}

impl IntakeSeats {
    /// The seats, when known (0 for a course that does not run).
    pub fn seats(self) -> Option<u32> {
        match self {
            IntakeSeats::Data(n) | IntakeSeats::Scenario(n) => Some(n),
            IntakeSeats::Projected { seats, .. } => Some(seats),
            IntakeSeats::NotOpenYet { .. } | IntakeSeats::Closed { .. } => Some(0),
            IntakeSeats::Held { .. } | IntakeSeats::Unknown => None,
        }
    }

    /// Short machine key (`data`, `projected`, `scenario`, `not-open-yet`, `closed`, `held`,
    /// `unknown`).
    pub fn key(self) -> &'static str {
        match self {
            IntakeSeats::Data(_) => "data",
            IntakeSeats::Projected { .. } => "projected",
            IntakeSeats::Scenario(_) => "scenario",
            IntakeSeats::NotOpenYet { .. } => "not-open-yet",
            IntakeSeats::Closed { .. } => "closed",
            IntakeSeats::Held { .. } => "held",
            IntakeSeats::Unknown => "unknown",
        }
    }
}

impl Supply {
    /// Whether the offer's supply is known: it has seats, or the census counts its pupils.
    pub fn is_known(&self) -> bool {
        self.entrants_source != EntrantsSource::CapacityUnknown
    }

    /// Whether the course takes entrants in the cohort's intake year: `false` when a scenario
    /// opens it later or closed it (always `true` outside a plan horizon).
    pub fn is_running(&self) -> bool {
        self.cohort.is_none_or(|c| {
            !matches!(
                c.seats,
                IntakeSeats::NotOpenYet { .. } | IntakeSeats::Closed { .. }
            )
        })
    }
}

/// Whether an offer enters a course in its first year or later (an entry in première): their
/// applicants differ (pupils choosing a specialty after a seconde commune), so are their entrants
/// per application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryStage {
    /// A first year, or a course whose code does not tell.
    First,
    /// A later year.
    Later,
}

impl EntryStage {
    /// The stage of `offer`.
    pub fn of(offer: &Offer) -> EntryStage {
        match offer.intake.entry_year {
            Some(y) if y > 1 => EntryStage::Later,
            _ => EntryStage::First,
        }
    }

    /// Short machine key (`first-year`, `later-year`).
    pub fn key(self) -> &'static str {
        match self {
            EntryStage::First => "first-year",
            EntryStage::Later => "later-year",
        }
    }
}

/// Entrants per application of one source.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PerApplication {
    /// The value.
    pub value: f64,
    /// Offers it was measured on (`None`: configured, or the fallback `1.0`).
    pub measured_on: Option<usize>,
}

/// The rules that turn offers into supply, with what they measured on the offers.
#[derive(Clone, Debug, PartialEq)]
pub struct SupplyRules {
    config: MatchConfig,
    per_application: BTreeMap<(OfferSource, EntryStage), PerApplication>,
}

/// One offer of a calibration: seats, applications, census entrants (at most the seats).
type Sample = (f64, f64, f64);

/// Fewest offers on which entrants per application are measured.
pub const MIN_PER_APPLICATION_SAMPLE: usize = 20;

impl SupplyRules {
    /// The rules of `config`, measuring entrants per application on `offers` unless configured:
    /// per source and entry stage, the value for which the rule's entrants (min(seats, applications x value)) of
    /// the offers the census counts add up to their census entrants (at most their seats), from
    /// [`MIN_PER_APPLICATION_SAMPLE`] such offers. Seats a scenario adds are left out (the
    /// published seats decide).
    pub fn new(offers: &[Offer], config: &MatchConfig) -> SupplyRules {
        let mut samples: BTreeMap<(OfferSource, EntryStage), Vec<Sample>> = BTreeMap::new();
        for o in offers {
            // Published seats only (declared ones are the user's), and no première entry beside
            // the school's own seconde (its seats hold the pupils moving up).
            let published = match o.capacity {
                Capacity::Seats(n) => Some(n.saturating_sub(o.intake.added_seats)),
                _ => None,
            };
            if let (Some(e), Some(seats), Some(a)) = (o.intake.enrolment, published, o.applications)
                && a > 0
                && seats > 0
                && e.continuing == 0
            {
                let entered = e.entered().min(seats);
                samples
                    .entry((o.source, EntryStage::of(o)))
                    .or_default()
                    .push((f64::from(seats), f64::from(a), f64::from(entered)));
            }
        }
        let per_application = samples
            .into_iter()
            .filter(|(_, sample)| sample.len() >= MIN_PER_APPLICATION_SAMPLE)
            .map(|(key, sample)| {
                let measured = PerApplication {
                    value: calibrate(&sample),
                    measured_on: Some(sample.len()),
                };
                (key, measured)
            })
            .collect();
        SupplyRules {
            config: config.clone(),
            per_application,
        }
    }

    /// Entrants per application for offers of `source` entering at `stage`.
    pub fn per_application(&self, source: OfferSource, stage: EntryStage) -> PerApplication {
        match self.config.entrants_per_application {
            Some(value) => PerApplication {
                value: value.max(0.0),
                measured_on: None,
            },
            None => self
                .per_application
                .get(&(source, stage))
                .copied()
                .unwrap_or(PerApplication {
                    value: 1.0,
                    measured_on: None,
                }),
        }
    }

    /// The supply of `offer`: the steady state of its own intake year.
    pub fn supply(&self, offer: &Offer) -> Supply {
        self.supply_with(offer, offer.capacity, offer.intake.added_seats)
    }

    /// The supply of `offer` in the plan year `year`: the graduates of its intake of `year` less
    /// its [`years_to_graduation`], that intake's seats taken from the data, projected
    /// ([`MatchConfig::capacity_projection`]) or set by a scenario ([`IntakeSeats`]). The same
    /// rules as [`SupplyRules::supply`] turn the seats into graduates, with the offer's own
    /// applications, census, completion and further study (the only ones the data give).
    pub fn supply_in(&self, offer: &Offer, year: u16) -> Supply {
        let remaining = years_to_graduation(offer, self.config.default_duration_years);
        let intake = year.saturating_sub(u16::from(remaining));
        let seats = self.intake_seats(offer, intake);
        let added = match offer.intake.added_from {
            Some(from) if intake < from => 0,
            _ => offer.intake.added_seats,
        };
        // Seats of the offer's own year keep their kind (declared stays declared); those of
        // other years come from the published history or a projection.
        let kind = |from: u16| {
            if from == offer.year {
                offer.capacity
            } else {
                Capacity::Seats(0)
            }
        };
        let mut supply = match seats {
            IntakeSeats::Unknown => self.supply(offer),
            IntakeSeats::NotOpenYet { .. } | IntakeSeats::Closed { .. } => {
                let mut s = self.supply_with(offer, with_seats(offer.capacity, 0), 0);
                s.turned_away = Volume::ZERO;
                s
            }
            IntakeSeats::Data(n) => {
                self.supply_with(offer, with_seats(kind(intake), n + added), added)
            }
            IntakeSeats::Projected { seats: n, from, .. } => {
                self.supply_with(offer, with_seats(kind(from), n + added), added)
            }
            IntakeSeats::Scenario(n) => {
                // The opened seats, then those added from their own first year.
                let opened = n.saturating_sub(offer.intake.added_seats);
                self.supply_with(offer, with_seats(offer.capacity, opened + added), added)
            }
            IntakeSeats::Held { .. } => self.supply(offer),
        };
        let seats = match seats {
            IntakeSeats::Data(n) => IntakeSeats::Data(n + added),
            IntakeSeats::Projected { seats, from, rule } => IntakeSeats::Projected {
                seats: seats + added,
                from,
                rule,
            },
            IntakeSeats::Scenario(n) => {
                IntakeSeats::Scenario(n.saturating_sub(offer.intake.added_seats) + added)
            }
            // No seats in any year, but entrants counted in the census: held from its year.
            IntakeSeats::Unknown if supply.is_known() && intake != offer.year => {
                IntakeSeats::Held { from: offer.year }
            }
            other => other,
        };
        supply.entry_year = intake.saturating_add(u16::from(remaining));
        supply.cohort = Some(Cohort {
            year,
            intake,
            seats,
        });
        supply
    }

    /// The seats of `offer`'s intake of `intake` before a scenario's added seats (which
    /// [`SupplyRules::supply_in`] adds from their first year).
    pub fn intake_seats(&self, offer: &Offer, intake: u16) -> IntakeSeats {
        if let Some(from) = offer.intake.closed_from
            && intake >= from
        {
            return IntakeSeats::Closed { from };
        }
        if offer.source == OfferSource::Scenario {
            return match offer.capacity.seats() {
                _ if intake < offer.year => IntakeSeats::NotOpenYet { opens: offer.year },
                Some(n) => IntakeSeats::Scenario(n),
                None => IntakeSeats::Unknown,
            };
        }
        let mut points: Vec<(u16, u32)> = offer
            .intake
            .history
            .iter()
            .filter(|p| p.year < offer.year)
            .filter_map(|p| Some((p.year, p.capacity.seats()?)))
            .collect();
        if let Some(n) = published_seats(offer) {
            points.push((offer.year, n));
        }
        points.sort_unstable();
        project(&points, intake, self.config.capacity_projection)
    }

    /// The supply of `offer` with `capacity` seats, `added` of them a scenario's.
    fn supply_with(&self, offer: &Offer, capacity: Capacity, added: u32) -> Supply {
        let config = &self.config;
        let (seats, capacity) = match capacity {
            Capacity::Seats(n) => (Some(n), CapacityStatus::Known),
            Capacity::Placeholder(_) => (None, CapacityStatus::Placeholder),
            Capacity::Unknown => (None, CapacityStatus::Unknown),
            Capacity::Declared(n) => (Some(n), CapacityStatus::Declared),
        };
        let census = offer.intake.enrolment.filter(|_| config.census_entrants);
        let (entrants, entrants_source, turned_away) = match (seats, census) {
            (Some(n), _) => self.entrants(offer, n, added),
            // No seats published, but the pupils who entered are counted.
            (None, Some(e)) => (
                u64::from(e.entered()) * 1000,
                EntrantsSource::Census {
                    year: e.year,
                    pupils: e.entered(),
                    full: false,
                },
                0,
            ),
            (None, None) => (0, EntrantsSource::CapacityUnknown, 0),
        };
        let (completion_factor, completion_source) = match &offer.intake.retention {
            _ if offer.intake.common_year && config.measured_completion => {
                (0.0, CompletionSource::CommonYear)
            }
            Some(r) if config.measured_completion && r.share.is_finite() => (
                r.share.clamp(0.0, 1.0),
                CompletionSource::Measured(r.scope.clone()),
            ),
            _ => (
                unit(config.completion_for(offer.level.map(|l| l.get()))),
                CompletionSource::Configured,
            ),
        };
        let (further_study_rate, rate_source) = further_study(offer, config);
        let milli = entrants as f64 * completion_factor * (1.0 - further_study_rate);
        // Rounded down to the thousandth, past the float error of an exact product
        // (18 x 0.8 x (1 - 0.56) is 6.336, not 6.335).
        let graduates = Volume::from_milli((milli + 1e-6).floor().max(0.0) as u64);
        let duration_assumed = offer.duration_years.is_none();
        let duration_years = offer
            .duration_years
            .unwrap_or(config.default_duration_years);
        Supply {
            offer: offer.id.clone(),
            seats,
            capacity,
            entrants: Volume::from_milli(entrants),
            entrants_source,
            turned_away: Volume::from_milli(turned_away),
            completion_factor,
            completion_source,
            further_study_rate,
            rate_source,
            graduates,
            duration_years,
            duration_assumed,
            entry_year: offer.year.saturating_add(u16::from(years_to_graduation(
                offer,
                config.default_duration_years,
            ))),
            cohort: None,
        }
    }

    /// Entrants (thousandths) of an offer of `seats` seats, their source, and the applicants its
    /// published seats turned away.
    fn entrants(&self, offer: &Offer, seats: u32, added: u32) -> (u64, EntrantsSource, u64) {
        let config = &self.config;
        let added = added.min(seats);
        let published = u64::from(seats - added) * 1000;
        let census = offer.intake.enrolment.filter(|_| config.census_entrants);
        let per_application = self.per_application(offer.source, EntryStage::of(offer));
        let wanted = |share: f64| {
            offer
                .applications
                .map(|a| (f64::from(a) * share * 1000.0).floor() as u64)
        };
        let (base, source) = match (census, offer.applications) {
            // The seats of a première entry beside the school's own seconde hold the pupils moving
            // up: the newcomers take what is left.
            (Some(e), _) => (
                published
                    .saturating_sub(u64::from(e.continuing) * 1000)
                    .min(u64::from(e.entered()) * 1000),
                EntrantsSource::Census {
                    year: e.year,
                    pupils: e.entered(),
                    full: u64::from(e.pupils) * 1000 >= published,
                },
            ),
            (None, Some(0)) => {
                let fill = unit(config.fill_without_applicants);
                (
                    share_of(published, fill),
                    EntrantsSource::NoApplicants { fill },
                )
            }
            (None, Some(a)) => (
                published.min(wanted(per_application.value).unwrap_or(0)),
                EntrantsSource::Applications {
                    applications: a,
                    per_application: per_application.value,
                    measured: per_application.measured_on.is_some(),
                },
            ),
            (None, None) => {
                let fill = unit(config.fill_without_evidence);
                (share_of(published, fill), EntrantsSource::Assumed { fill })
            }
        };
        // Seats left empty in the census turned nobody away, whatever the applications say; an
        // entrant per application above 1 counts pupils who asked for other courses first.
        let full = census.is_none_or(|e| u64::from(e.pupils) * 1000 >= published);
        let open_to_newcomers =
            published.saturating_sub(census.map_or(0, |e| u64::from(e.continuing) * 1000));
        let turned_away = match wanted(per_application.value.min(1.0)) {
            Some(w) if full => w.saturating_sub(open_to_newcomers),
            _ => 0,
        };
        let extra = match source {
            EntrantsSource::Assumed { fill } => share_of(u64::from(added) * 1000, fill),
            _ => turned_away.min(u64::from(added) * 1000),
        };
        (base + extra, source, turned_away)
    }
}

/// The years from an offer's intake to its graduates' entry on the labour market: its course
/// length (else `default`) less the years before the one it enters (an entry in première of a
/// three-year bac pro: 2), at least 1.
pub fn years_to_graduation(offer: &Offer, default: u8) -> u8 {
    let length = offer.duration_years.unwrap_or(default);
    let before = offer.intake.entry_year.map_or(0, |y| y.saturating_sub(1));
    length.saturating_sub(before).max(1)
}

/// `capacity` with `n` seats, of the same kind (published or declared).
fn with_seats(capacity: Capacity, n: u32) -> Capacity {
    match capacity {
        Capacity::Declared(_) => Capacity::Declared(n),
        _ => Capacity::Seats(n),
    }
}

/// The seats of intake year `intake` from the published `(year, seats)` points (sorted by year):
/// those of that year; else the nearest published year before (the earliest for an earlier year),
/// or, for a year after the last under [`Projection::Trend`], the least-squares line through the
/// points from the last one, at least 0.
fn project(points: &[(u16, u32)], intake: u16, rule: Projection) -> IntakeSeats {
    let (Some(&first), Some(&last)) = (points.first(), points.last()) else {
        return IntakeSeats::Unknown;
    };
    if let Some(&(_, n)) = points.iter().rev().find(|&&(y, _)| y == intake) {
        return IntakeSeats::Data(n);
    }
    let (from, held) = match points.iter().rev().find(|&&(y, _)| y < intake) {
        Some(&before) => before,
        None => first,
    };
    let seats = match (rule, slope(points)) {
        (Projection::Trend, Some(b)) if intake > last.0 => {
            let value = f64::from(last.1) + b * f64::from(intake - last.0);
            value.round().max(0.0).min(f64::from(u32::MAX)) as u32
        }
        _ => held,
    };
    IntakeSeats::Projected { seats, from, rule }
}

/// The least-squares slope (seats a year) of the points, when they span two years or more.
fn slope(points: &[(u16, u32)]) -> Option<f64> {
    let n = points.len() as f64;
    let mean_x = points.iter().map(|&(y, _)| f64::from(y)).sum::<f64>() / n;
    let mean_y = points.iter().map(|&(_, s)| f64::from(s)).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for &(y, s) in points {
        let dx = f64::from(y) - mean_x;
        sxy += dx * (f64::from(s) - mean_y);
        sxx += dx * dx;
    }
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The seats an offer published (a scenario's added seats left out), when known.
pub fn published_seats(offer: &Offer) -> Option<u32> {
    offer
        .capacity
        .seats()
        .map(|n| n.saturating_sub(offer.intake.added_seats))
}

/// The entrants per application for which `sum(min(seats, applications x value))` equals
/// `sum(entered)` over `sample` (seats, applications, entered): a bisection between 0 and the
/// largest seats / applications, the sum growing with the value.
fn calibrate(sample: &[Sample]) -> f64 {
    let target: f64 = sample.iter().map(|&(_, _, e)| e).sum();
    let predicted = |m: f64| -> f64 { sample.iter().map(|&(s, a, _)| s.min(a * m)).sum() };
    // At the largest seats / applications every offer is full: the sum is the seats, at least
    // the target (entered pupils are counted at most their seats).
    let most = sample.iter().map(|&(s, a, _)| s / a).fold(0.0, f64::max);
    let (mut lo, mut hi) = (0.0_f64, most);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if predicted(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// The further-study rate of an offer and where it comes from.
fn further_study(offer: &Offer, config: &MatchConfig) -> (f64, RateSource) {
    let known_rate = offer.outcomes.as_ref().and_then(|o| {
        o.further_study_rate
            .filter(|r| r.is_finite())
            .map(|r| (r.clamp(0.0, 1.0), o.scope.clone()))
    });
    match known_rate {
        Some((rate, scope)) => (rate, RateSource::Outcomes(scope)),
        None => {
            let level = offer.level.map(|l| l.get());
            let listed =
                level.filter(|l| config.further_study_by_level.iter().any(|r| r.level == *l));
            let rate = unit(config.further_study_for(level));
            match listed {
                Some(l) => (rate, RateSource::LevelDefault(l)),
                None => (rate, RateSource::Default),
            }
        }
    }
}

/// A share clamped to [0, 1] (0 when not finite).
fn unit(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// `share` of `milli` thousandths, rounded down.
fn share_of(milli: u64, share: f64) -> u64 {
    (milli as f64 * share + 1e-6).floor() as u64
}

/// The supply of an offer under `config` alone (entrants per application not measured): for
/// tests and single offers. A run uses [`SupplyRules`], measured on all offers.
pub fn supply_of(offer: &Offer, config: &MatchConfig) -> Supply {
    SupplyRules::new(std::slice::from_ref(offer), config).supply(offer)
}
