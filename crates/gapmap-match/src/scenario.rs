//! What-if scenarios: open, extend or close offers and compare the gaps.
//!
//! A [`Scenario`] is applied on top of the offers with [`apply`]; the matcher then runs again on
//! the changed offers and [`compare`] gives the gap delta per need and per aggregate.
//!
//! # File format (TOML, read by the binary)
//!
//! ```toml
//! name = "Télépilotes à Cambrai"
//!
//! [[change]]
//! kind = "open"           # open N seats of a diploma (CFD) at a school or in a commune
//! cfd = "32022310"
//! uai = "0590005K"        # or: commune = "59122" (uses a school already known in the commune)
//! seats = 24
//! mode = "school"         # optional: school (default) | apprenticeship
//! year = 2026             # optional: intake year (default: the latest year of the offers; over
//!                         # a plan horizon, its first year)
//! label = "BTS ..."       # optional: default from the BCN / Certif Info
//! length = 2              # optional: course length in years (default: that of the diploma's
//!                         # offers, else of its BCN units)
//!
//! [[change]]
//! kind = "extend"         # add N seats to an existing offer (of known capacity): they enter the
//!                         # applicants it turned away, no more
//! offer = "affelnet:2022:0590005K:23830023102:school"
//! seats = 12
//! year = 2026             # optional: first intake year of the seats (default: every year; over
//!                         # a plan horizon, its first year)
//!
//! [[change]]
//! kind = "reduce"         # remove seats of an offer of known capacity (at least one is kept);
//!                         # the steady state only: refused over a plan horizon
//! offer = "affelnet:2022:0590005K:23830023102:school"
//! seats = 4
//!
//! [[change]]
//! kind = "close"          # remove an offer
//! offer = "parcoursup-bts:2024:0620108B:32022310:school"
//! year = 2026             # optional: first intake year without entrants (default: the year
//!                         # after the offer's own; over a plan horizon, its first year)
//! ```
//!
//! Over a plan horizon ([`apply_over_time`]) a change takes effect from its intake year: an
//! opening or an extension supplies its first graduates a course length later, a closed course
//! still graduates the cohorts it took before. Without a horizon ([`apply`]) the map is compared
//! as the scenario leaves it, every change in effect.
//!
//! Each `[[change]]` maps to one [`Change`]; `uai`/`commune` map to [`Place`].

use std::collections::BTreeMap;

use gapmap_model::{
    Capacity, Cfd, InseeCommune, Intake, Offer, OfferId, OfferSource, Referential, SchoolCode,
    Territory, TrainingMode, Uai, Volume,
};

use crate::gaps::{Axis, GapKey, GapRow};
use crate::matcher::MatchOutcome;
use crate::supply::{EntrantsSource, Supply, SupplyRules};

/// A named list of changes to the training map.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Name for reports.
    pub name: String,
    /// Changes, applied in order.
    pub changes: Vec<Change>,
}

/// One change of a [`Scenario`].
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Open seats of a diploma somewhere.
    Open(OpenSeats),
    /// Add seats to an existing offer of known capacity; they enter only the applicants it turned
    /// away. An offer of unknown capacity is refused ([`ScenarioError::UnknownCapacity`]).
    Extend {
        /// The offer.
        offer: OfferId,
        /// Seats added.
        seats: u32,
        /// First intake year of the seats (`None`: every year; over a plan horizon, its first
        /// year).
        year: Option<u16>,
    },
    /// Remove seats from an offer of known capacity, keeping at least one (the steady state
    /// only: over a plan horizon it is refused, [`ScenarioError::Reduce`] with
    /// [`ReduceRefusal::OverTime`]).
    Reduce {
        /// The offer.
        offer: OfferId,
        /// Seats removed.
        seats: u32,
    },
    /// Remove an offer.
    Close {
        /// The offer.
        offer: OfferId,
        /// First intake year without entrants (`None`: the year after the offer's own; over a
        /// plan horizon, its first year).
        year: Option<u16>,
    },
}

/// Where new seats open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// At a school of the training map; its location is taken from an offer of the school (a
    /// school the map does not hold is refused: [`ScenarioError::UnknownSchool`]).
    School(Uai),
    /// In a commune, at the school (smallest UAI) of an existing offer located there.
    Commune(InseeCommune),
}

/// New seats of a diploma.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenSeats {
    /// Diploma code; its ROME sheets, level and label come from Certif Info and the BCN.
    pub cfd: Cfd,
    /// Where.
    pub place: Place,
    /// Seats per intake.
    pub seats: u32,
    /// School or apprenticeship.
    pub mode: TrainingMode,
    /// Intake year (default: the latest year among the offers).
    pub year: Option<u16>,
    /// Label (default: the diploma's).
    pub label: Option<String>,
    /// Course length in years (default: the most common length of the offers of the diploma,
    /// else the shortest of its BCN units of more than a year).
    pub length: Option<u8>,
}

/// Why a scenario cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// `extend` or `close` names an offer that does not exist.
    #[error("change {change}: no offer {offer}")]
    UnknownOffer {
        /// 1-based index of the change.
        change: usize,
        /// The offer id.
        offer: String,
    },
    /// `open` names a diploma that neither Certif Info nor the BCN knows.
    #[error("change {change}: diploma {cfd} is unknown to Certif Info and the BCN")]
    UnknownDiploma {
        /// 1-based index of the change.
        change: usize,
        /// The diploma code.
        cfd: String,
    },
    /// `extend` names an offer whose capacity is unknown: seats added to an unknown number are
    /// an unknown number (declare its seats with a capacities file first).
    #[error(
        "change {change}: offer {offer} has no known capacity: seats added to it make an unknown number; declare its seats with a capacities file first"
    )]
    UnknownCapacity {
        /// 1-based index of the change.
        change: usize,
        /// The offer id.
        offer: String,
    },
    /// `open` at a school the training map does not hold: its place is unknown.
    #[error(
        "change {change}: no offer of school {uai} in the data: its place is unknown; open the seats at a school of the training map, or in a commune (commune = \"...\")"
    )]
    UnknownSchool {
        /// 1-based index of the change.
        change: usize,
        /// The school's UAI.
        uai: String,
    },
    /// `open` a diploma that leads to no ROME sheet: its graduates could serve no need.
    #[error(
        "change {change}: diploma {cfd} leads to no ROME sheet in Certif Info: its graduates could serve no need"
    )]
    NoRomeSheet {
        /// 1-based index of the change.
        change: usize,
        /// The diploma code.
        cfd: String,
    },
    /// `open` in a commune where no school is known.
    #[error(
        "change {change}: no school of the training map in commune {commune}; give the UAI of one"
    )]
    NoSchoolInCommune {
        /// 1-based index of the change.
        change: usize,
        /// The commune code.
        commune: String,
    },
    /// Two changes add seats to one offer from different intake years.
    #[error(
        "change {change}: seats are added to {offer} from {year}, and from {other} by an earlier change: give them the same year, or open another offer"
    )]
    ConflictingYears {
        /// 1-based index of the change.
        change: usize,
        /// The offer id.
        offer: String,
        /// The year of this change.
        year: String,
        /// The year of the earlier change.
        other: String,
    },
    /// `open` without a year while there is no offer to take it from.
    #[error("change {change}: no intake year given and no offer to take one from")]
    NoYear {
        /// 1-based index of the change.
        change: usize,
    },
    /// A reduction that cannot be applied.
    #[error("change {change}: cannot reduce {offer}: {}", match why {
        ReduceRefusal::OverTime => "a reduction is not followed over a plan horizon (--years); apply it without one".to_owned(),
        ReduceRefusal::Extended => "an earlier change adds seats to it".to_owned(),
        ReduceRefusal::AllSeats { seats } => format!("it has {seats} seats: close it instead"),
    })]
    Reduce {
        /// 1-based index of the change.
        change: usize,
        /// The offer id.
        offer: String,
        /// Why.
        why: ReduceRefusal,
    },
    /// A year far outside the data: more than [`MAX_YEARS_AHEAD`] years before or after the
    /// latest intake year of its offers (a typo: `226`, `20266`).
    #[error(
        "change {change}: year {year} is outside the data's reach: give a year from {first} to {last}"
    )]
    YearOutOfRange {
        /// 1-based index of the change.
        change: usize,
        /// The year given.
        year: u16,
        /// The latest intake year of the offers, less [`MAX_YEARS_AHEAD`].
        first: u16,
        /// The latest intake year of the offers, plus [`MAX_YEARS_AHEAD`].
        last: u16,
    },
}

/// Why a reduction cannot be applied (see [`ScenarioError::Reduce`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReduceRefusal {
    /// Over a plan horizon: a reduction is not followed in time.
    OverTime,
    /// The offer's seats were added to by an earlier change.
    Extended,
    /// As many seats as the offer has, or more: close it instead.
    AllSeats {
        /// The offer's seats.
        seats: u32,
    },
}

/// How many years before or after the data's latest intake a change may take effect.
pub const MAX_YEARS_AHEAD: u16 = 30;

/// Refuses the years of `scenario`'s changes outside the reach of `offers` (within
/// [`MAX_YEARS_AHEAD`] years of their latest intake year; some sources give no year, so the
/// earliest says nothing).
fn check_years(scenario: &Scenario, offers: &[Offer]) -> Result<(), ScenarioError> {
    let Some(latest) = offers.iter().map(|o| o.year).max() else {
        return Ok(());
    };
    let first = latest.saturating_sub(MAX_YEARS_AHEAD);
    let last = latest.saturating_add(MAX_YEARS_AHEAD);
    for (k, change) in scenario.changes.iter().enumerate() {
        let year = match change {
            Change::Open(o) => o.year,
            Change::Extend { year, .. } | Change::Close { year, .. } => *year,
            Change::Reduce { .. } => None,
        };
        if let Some(year) = year.filter(|y| !(first..=last).contains(y)) {
            return Err(ScenarioError::YearOutOfRange {
                change: k + 1,
                year,
                first,
                last,
            });
        }
    }
    Ok(())
}

/// The offers after the scenario's changes, all in effect. New offers have
/// [`OfferSource::Scenario`] and the id `scenario:YEAR:UAI:CFD:MODE`; opening the same one twice
/// adds the seats; closed offers are removed.
pub fn apply(
    scenario: &Scenario,
    offers: &[Offer],
    referential: &Referential,
    territory: &Territory,
) -> Result<Vec<Offer>, ScenarioError> {
    let mut result = apply_changes(scenario, offers, referential, territory, None)?;
    result.retain(|o| o.intake.closed_from.is_none());
    Ok(result)
}

/// [`apply`] for a plan horizon starting in `first_year`: closed offers are kept with the first
/// intake year they close for ([`gapmap_model::Intake::closed_from`]), added seats with their
/// first intake year ([`gapmap_model::Intake::added_from`]); an opened offer's year is its first
/// intake. A change without a year takes effect at the `first_year` intake.
pub fn apply_over_time(
    scenario: &Scenario,
    offers: &[Offer],
    referential: &Referential,
    territory: &Territory,
    first_year: u16,
) -> Result<Vec<Offer>, ScenarioError> {
    apply_changes(scenario, offers, referential, territory, Some(first_year))
}

/// The changes applied in order; a change without a year takes `default_year` when given.
fn apply_changes(
    scenario: &Scenario,
    offers: &[Offer],
    referential: &Referential,
    territory: &Territory,
    default_year: Option<u16>,
) -> Result<Vec<Offer>, ScenarioError> {
    check_years(scenario, offers)?;
    let mut result: Vec<Offer> = offers.to_vec();
    for (k, change) in scenario.changes.iter().enumerate() {
        let number = k + 1;
        match change {
            Change::Extend { offer, seats, year } => {
                let year = &year.or(default_year);
                let target = running_mut(&mut result, number, offer)?;
                if target.capacity.seats().is_none() {
                    return Err(ScenarioError::UnknownCapacity {
                        change: number,
                        offer: offer.to_string(),
                    });
                }
                if target.intake.added_seats > 0 && target.intake.added_from != *year {
                    return Err(ScenarioError::ConflictingYears {
                        change: number,
                        offer: offer.to_string(),
                        year: year_text(*year),
                        other: year_text(target.intake.added_from),
                    });
                }
                add_seats(target, *seats);
                target.intake.added_from = *year;
            }
            Change::Reduce { offer, seats } => {
                reduce(number, &mut result, offer, *seats, default_year.is_some())?;
            }
            Change::Close { offer, year } => {
                let target = running_mut(&mut result, number, offer)?;
                let from = year
                    .or(default_year)
                    .unwrap_or(target.year.saturating_add(1));
                target.intake.closed_from = Some(from);
            }
            Change::Open(open) => {
                let dated;
                let open = match (open.year, default_year) {
                    (None, Some(year)) => {
                        dated = OpenSeats {
                            year: Some(year),
                            ..open.clone()
                        };
                        &dated
                    }
                    _ => open,
                };
                let new = new_offer(number, open, &result, &by_school(&result), referential)?;
                let new = locate(new, &open.place, territory);
                match result.iter_mut().find(|o| o.id == new.id) {
                    // Opened twice: one course with the seats of both, from the same year.
                    Some(existing) => {
                        existing.capacity = match existing.capacity {
                            Capacity::Seats(n) => Capacity::Seats(n.saturating_add(open.seats)),
                            other => other,
                        }
                    }
                    None => result.push(new),
                }
            }
        }
    }
    Ok(result)
}

/// The offer `offer` of `offers` that a change (`number`) finds running (not closed by an
/// earlier change).
fn running_mut<'o>(
    offers: &'o mut [Offer],
    number: usize,
    offer: &OfferId,
) -> Result<&'o mut Offer, ScenarioError> {
    offers
        .iter_mut()
        .find(|o| &o.id == offer && o.intake.closed_from.is_none())
        .ok_or_else(|| ScenarioError::UnknownOffer {
            change: number,
            offer: offer.to_string(),
        })
}

/// Removes `seats` from `offer` in `offers` (change `number`).
fn reduce(
    number: usize,
    offers: &mut [Offer],
    offer: &OfferId,
    seats: u32,
    over_time: bool,
) -> Result<(), ScenarioError> {
    let refuse = |why| ScenarioError::Reduce {
        change: number,
        offer: offer.to_string(),
        why,
    };
    if over_time {
        return Err(refuse(ReduceRefusal::OverTime));
    }
    let target = running_mut(offers, number, offer)?;
    let Some(n) = target.capacity.seats() else {
        return Err(ScenarioError::UnknownCapacity {
            change: number,
            offer: offer.to_string(),
        });
    };
    if target.intake.added_seats > 0 {
        return Err(refuse(ReduceRefusal::Extended));
    }
    if seats >= n {
        return Err(refuse(ReduceRefusal::AllSeats { seats: n }));
    }
    target.capacity = match target.capacity {
        Capacity::Seats(n) => Capacity::Seats(n - seats),
        Capacity::Declared(n) => Capacity::Declared(n - seats),
        other => other,
    };
    Ok(())
}

fn year_text(year: Option<u16>) -> String {
    year.map_or_else(|| "every year".to_owned(), |y| y.to_string())
}

/// Adds `seats` to an offer of known capacity (published, declared, or opened by the scenario),
/// recorded as added ([`gapmap_model::Intake::added_seats`]): they enter only the applicants the
/// offer turned away (a scenario's opened offer, with no applicants, fills them as its own).
pub(crate) fn add_seats(offer: &mut Offer, seats: u32) {
    offer.capacity = match offer.capacity {
        Capacity::Seats(n) => Capacity::Seats(n.saturating_add(seats)),
        Capacity::Declared(n) => Capacity::Declared(n.saturating_add(seats)),
        unknown @ (Capacity::Placeholder(_) | Capacity::Unknown) => unknown,
    };
    if offer.capacity.seats().is_some() {
        offer.intake.added_seats = offer.intake.added_seats.saturating_add(seats);
    }
}

/// The offers of `opens` as [`apply`] would open each one alone over `offers` (without merging
/// seats): one result per opening, in order. Built in one pass (the offers sorted once, each
/// diploma's usual length found once): a recommendation opens thousands of candidates.
pub fn open_offers(
    opens: &[OpenSeats],
    offers: &[Offer],
    referential: &Referential,
    territory: &Territory,
) -> Vec<Result<Offer, ScenarioError>> {
    let sorted = by_school(offers);
    let mut lengths: BTreeMap<Cfd, Option<u8>> = BTreeMap::new();
    opens
        .iter()
        .enumerate()
        .map(|(k, open)| {
            let length = open.length.or_else(|| {
                *lengths
                    .entry(open.cfd)
                    .or_insert_with(|| usual_length(open.cfd, offers, referential))
            });
            let open = OpenSeats {
                length,
                ..open.clone()
            };
            new_offer(k + 1, &open, offers, &sorted, referential)
                .map(|o| locate(o, &open.place, territory))
        })
        .collect()
}

/// The offers sorted by school, then id: where an opening finds its school's place.
fn by_school(offers: &[Offer]) -> Vec<&Offer> {
    let mut by_id: Vec<&Offer> = offers.iter().collect();
    by_id.sort_by(|a, b| a.school.cmp(&b.school).then_with(|| a.id.cmp(&b.id)));
    by_id
}

/// An offer opened in a commune is placed at the commune's point when the territory has one.
fn locate(mut offer: Offer, place: &Place, territory: &Territory) -> Offer {
    if let Place::Commune(code) = place
        && let Some(point) = territory.communes.get(code).and_then(|c| c.point)
    {
        offer.location.point = Some(point);
    }
    offer
}

fn new_offer(
    change: usize,
    open: &OpenSeats,
    offers: &[Offer],
    by_id: &[&Offer],
    referential: &Referential,
) -> Result<Offer, ScenarioError> {
    let certifications: Vec<_> = referential
        .certifications
        .iter()
        .filter(|c| c.cfd == Some(open.cfd))
        .collect();
    let diploma = referential.diplomas.get(&open.cfd);
    if certifications.is_empty() && diploma.is_none() {
        return Err(ScenarioError::UnknownDiploma {
            change,
            cfd: open.cfd.to_string(),
        });
    }
    let mut rome = Vec::new();
    let mut rncp = Vec::new();
    let mut formacodes = Vec::new();
    for c in &certifications {
        rome.extend(c.rome.iter().copied());
        rncp.extend(c.rncp);
        formacodes.extend(c.formacodes.iter().copied());
    }
    rome.sort();
    rome.dedup();
    if rome.is_empty() {
        return Err(ScenarioError::NoRomeSheet {
            change,
            cfd: open.cfd.to_string(),
        });
    }
    rncp.sort();
    rncp.dedup();
    formacodes.sort();
    formacodes.dedup();
    let level = diploma
        .and_then(|d| d.level)
        .or_else(|| certifications.iter().find_map(|c| c.level));
    let label = open.label.clone().unwrap_or_else(|| {
        diploma.map_or_else(
            || {
                certifications
                    .first()
                    .map(|c| c.label.clone())
                    .unwrap_or_default()
            },
            |d| d.label.clone(),
        )
    });
    let duration_years = open
        .length
        .or_else(|| usual_length(open.cfd, offers, referential));
    let (school, location, school_name) = match &open.place {
        Place::School(uai) => {
            let school = by_id
                .iter()
                .find(|o| o.school == SchoolCode::Uai(*uai))
                .ok_or_else(|| ScenarioError::UnknownSchool {
                    change,
                    uai: uai.to_string(),
                })?;
            (
                school.school,
                school.location.clone(),
                school.school_name.clone(),
            )
        }
        Place::Commune(code) => {
            let school = by_id
                .iter()
                .find(|o| o.location.commune.as_ref() == Some(code))
                .ok_or_else(|| ScenarioError::NoSchoolInCommune {
                    change,
                    commune: code.to_string(),
                })?;
            (
                school.school,
                school.location.clone(),
                school.school_name.clone(),
            )
        }
    };
    let year = open
        .year
        .or_else(|| offers.iter().map(|o| o.year).max())
        .ok_or(ScenarioError::NoYear { change })?;
    Ok(Offer {
        id: OfferId::new(
            OfferSource::Scenario,
            year,
            school,
            open.cfd.as_str(),
            open.mode,
        ),
        source: OfferSource::Scenario,
        year,
        school,
        school_name,
        location,
        label,
        cfd: Some(open.cfd),
        mefstat11: None,
        rncp,
        level,
        nsf: diploma.and_then(|d| d.nsf),
        formacodes,
        rome,
        mode: open.mode,
        duration_years,
        capacity: Capacity::Seats(open.seats),
        applications: None,
        intake: Intake::default(),
        outcomes: None,
    })
}

/// The usual course length of a diploma: the most common among its offers (ties: the shorter),
/// else the shortest of its BCN units of more than a year (a one-year unit is a course for those
/// who already hold another qualification; a CAP also exists in 3 years).
fn usual_length(cfd: Cfd, offers: &[Offer], referential: &Referential) -> Option<u8> {
    let mut counts: BTreeMap<u8, usize> = BTreeMap::new();
    for o in offers.iter().filter(|o| o.cfd == Some(cfd)) {
        if let Some(d) = o.duration_years {
            *counts.entry(d).or_insert(0) += 1;
        }
    }
    let most = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(&d, _)| d);
    most.or_else(|| {
        referential
            .mef_units
            .values()
            .filter(|u| u.cfd == cfd)
            .filter_map(|u| u.duration_years)
            .filter(|&d| d > 1)
            .min()
    })
}

/// Gap before and after for one need.
#[derive(Clone, Debug, PartialEq)]
pub struct NeedDelta {
    /// The need.
    pub id: gapmap_model::NeedId,
    /// Covered before.
    pub covered_before: Volume,
    /// Covered after.
    pub covered_after: Volume,
    /// Gap before.
    pub gap_before: Volume,
    /// Gap after.
    pub gap_after: Volume,
}

impl NeedDelta {
    /// Change of the gap in thousandths (negative: the scenario closes part of the gap).
    pub fn gap_delta_milli(&self) -> i64 {
        signed_delta(self.gap_before, self.gap_after)
    }
}

/// One aggregate row before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowDelta {
    /// Row key.
    pub key: GapKey,
    /// Before (zero row when the key is new).
    pub before: GapRow,
    /// After (zero row when the key disappeared).
    pub after: GapRow,
}

impl RowDelta {
    /// Change of the gap in thousandths.
    pub fn gap_delta_milli(&self) -> i64 {
        signed_delta(self.before.gap, self.after.gap)
    }
}

fn signed_delta(before: Volume, after: Volume) -> i64 {
    let b = i128::from(before.milli());
    let a = i128::from(after.milli());
    i64::try_from(a - b).unwrap_or(if a > b { i64::MAX } else { i64::MIN })
}

/// The effect of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Totals before and after.
    pub total: RowDelta,
    /// Needs whose coverage changed, in the order of the `after` outcome.
    pub needs: Vec<NeedDelta>,
    /// Per axis, the rows whose gap or coverage changed, by key.
    pub aggregates: Vec<(Axis, Vec<RowDelta>)>,
}

/// Compares two outcomes of the same needs (matched by id).
pub fn compare(before: &MatchOutcome, after: &MatchOutcome) -> Comparison {
    let old: BTreeMap<_, _> = before.needs.iter().map(|n| (&n.id, n)).collect();
    let needs = after
        .needs
        .iter()
        .filter_map(|n| {
            let b = old.get(&n.id);
            let delta = NeedDelta {
                id: n.id.clone(),
                covered_before: b.map_or(Volume::ZERO, |b| b.covered),
                covered_after: n.covered,
                gap_before: b.map_or(Volume::ZERO, |b| b.gap),
                gap_after: n.gap,
            };
            (delta.covered_before != delta.covered_after || delta.gap_before != delta.gap_after)
                .then_some(delta)
        })
        .collect();
    let aggregates = Axis::GROUPS
        .iter()
        .map(|&axis| {
            let mut rows: BTreeMap<GapKey, RowDelta> = BTreeMap::new();
            for row in before.aggregate(axis) {
                rows.insert(
                    row.key.clone(),
                    RowDelta {
                        key: row.key.clone(),
                        after: GapRow::empty(row.key.clone()),
                        before: row,
                    },
                );
            }
            for row in after.aggregate(axis) {
                let entry = rows.entry(row.key.clone()).or_insert_with(|| RowDelta {
                    key: row.key.clone(),
                    before: GapRow::empty(row.key.clone()),
                    after: GapRow::empty(row.key.clone()),
                });
                entry.after = row;
            }
            let changed = rows
                .into_values()
                .filter(|d| d.before.gap != d.after.gap || d.before.covered != d.after.covered)
                .collect();
            (axis, changed)
        })
        .collect();
    Comparison {
        total: RowDelta {
            key: GapKey::Total,
            before: before.total(),
            after: after.total(),
        },
        needs,
        aggregates,
    }
}

/// What a scenario does to the supply of one offer: its supply before and after (each `None`
/// when the offer is absent: opened, or closed).
#[derive(Clone, Debug, PartialEq)]
pub struct SupplyChange {
    /// The offer.
    pub offer: OfferId,
    /// Before the scenario.
    pub before: Option<Supply>,
    /// After it.
    pub after: Option<Supply>,
}

impl SupplyChange {
    /// Entrants gained (thousandths; negative when lost).
    pub fn entrants_delta_milli(&self) -> i64 {
        let of = |s: &Option<Supply>| s.as_ref().map_or(0, |s| s.entrants.milli() as i64);
        of(&self.after) - of(&self.before)
    }

    /// Graduates a year gained (thousandths; negative when lost).
    pub fn graduates_delta_milli(&self) -> i64 {
        let of = |s: &Option<Supply>| s.as_ref().map_or(0, |s| s.graduates.milli() as i64);
        of(&self.after) - of(&self.before)
    }

    /// In words: the seats changed, the entrants they bring and why (an extension enters only
    /// the applicants the course turned away: worth nothing where seats stay empty).
    pub fn note(&self) -> String {
        let people = |milli: i64| format!("{:+}", milli as f64 / 1000.0);
        match (&self.before, &self.after) {
            (None, Some(a)) => format!(
                "{}: opens {} seats: {} entrants ({}), {} graduates a year",
                self.offer,
                a.seats.unwrap_or(0),
                a.entrants,
                entrants_reason(&a.entrants_source),
                a.graduates
            ),
            (Some(b), None) => format!(
                "{}: closed: {} graduates a year lost",
                self.offer, b.graduates
            ),
            (Some(b), Some(a)) => {
                let added = i64::from(a.seats.unwrap_or(0)) - i64::from(b.seats.unwrap_or(0));
                let seats = u64::from(b.seats.unwrap_or(0)) * 1000;
                let why = match &b.entrants_source {
                    _ if !b.turned_away.is_zero() => {
                        format!("{} applicants turned away before", b.turned_away)
                    }
                    EntrantsSource::Assumed { fill } => {
                        format!("{:.0} % of the seats assumed filled", fill * 100.0)
                    }
                    EntrantsSource::Census { full: false, .. } if b.entrants.milli() < seats => {
                        format!(
                            "the census shows seats left empty ({} entrants for {} seats): added seats enter nobody",
                            b.entrants,
                            b.seats.unwrap_or(0)
                        )
                    }
                    _ => "no applicant was turned away: added seats enter nobody".to_owned(),
                };
                format!(
                    "{}: {added:+} seats: {} entrants ({why}), {} graduates a year",
                    self.offer,
                    people(self.entrants_delta_milli()),
                    people(self.graduates_delta_milli()),
                )
            }
            (None, None) => format!("{}: no change", self.offer),
        }
    }
}

fn entrants_reason(source: &EntrantsSource) -> String {
    match source {
        EntrantsSource::Assumed { fill } => {
            format!(
                "{fill} of the seats assumed filled: no applications or census for a new course"
            )
        }
        EntrantsSource::Census { year, pupils, .. } => {
            format!("census {year}: {pupils} pupils entered")
        }
        EntrantsSource::Applications { applications, .. } => {
            format!("{applications} applications")
        }
        EntrantsSource::NoApplicants { .. } => "no applicant".to_owned(),
        EntrantsSource::CapacityUnknown => "capacity unknown".to_owned(),
    }
}

/// The offers whose supply a scenario changes, in identifier order: opened, closed, or with other
/// seats, under the same `rules` before and after (those of the published map).
pub fn supply_changes(before: &[Offer], after: &[Offer], rules: &SupplyRules) -> Vec<SupplyChange> {
    let index = |offers: &'_ [Offer]| -> BTreeMap<OfferId, usize> {
        offers
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect()
    };
    let (at_before, at_after) = (index(before), index(after));
    let ids: std::collections::BTreeSet<&OfferId> =
        at_before.keys().chain(at_after.keys()).collect();
    ids.into_iter()
        .filter_map(|id| {
            let b = at_before.get(id).map(|&i| &before[i]);
            let a = at_after.get(id).map(|&i| &after[i]);
            if let (Some(b), Some(a)) = (b, a)
                && b.capacity == a.capacity
                && b.intake == a.intake
            {
                return None;
            }
            Some(SupplyChange {
                offer: id.clone(),
                before: b.map(|o| rules.supply(o)),
                after: a.map(|o| rules.supply(o)),
            })
        })
        .collect()
}

/// What a scenario's change does to one offer over a plan horizon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeInTime {
    /// The offer.
    pub offer: OfferId,
    /// Its label.
    pub label: String,
    /// Opened, extended or closed.
    pub kind: ChangeKind,
    /// The first intake year concerned (`None`: every year, an extension without a year).
    pub intake: Option<u16>,
    /// The first year its graduates enter the labour market (for a closing: the first year
    /// without them), the intake year plus the course length (`None` with `intake`).
    pub first_year: Option<u16>,
}

/// The kind of a [`ChangeInTime`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// An opened offer.
    Opened,
    /// Seats added to an offer.
    Extended,
    /// A closed offer.
    Closed,
}

impl ChangeKind {
    /// Short machine key (`opened`, `extended`, `closed`).
    pub fn key(self) -> &'static str {
        match self {
            ChangeKind::Opened => "opened",
            ChangeKind::Extended => "extended",
            ChangeKind::Closed => "closed",
        }
    }
}

/// The changes of the offers of [`apply_over_time`] in time: each opened, extended or closed
/// offer with the first year its change reaches the labour market (the years to graduation of
/// [`crate::supply::years_to_graduation`], the course length defaulting to
/// `default_duration_years`).
pub fn changes_in_time(offers: &[Offer], default_duration_years: u8) -> Vec<ChangeInTime> {
    offers
        .iter()
        .filter_map(|o| {
            let (kind, intake) = if let Some(from) = o.intake.closed_from {
                (ChangeKind::Closed, Some(from))
            } else if o.source == OfferSource::Scenario {
                (ChangeKind::Opened, Some(o.year))
            } else if o.intake.added_seats > 0 {
                (ChangeKind::Extended, o.intake.added_from)
            } else {
                return None;
            };
            let length = u16::from(crate::supply::years_to_graduation(
                o,
                default_duration_years,
            ));
            Some(ChangeInTime {
                offer: o.id.clone(),
                label: o.label.clone(),
                kind,
                intake,
                first_year: intake.map(|y| y.saturating_add(length)),
            })
        })
        .collect()
}
