//! A plan horizon: demand and supply year by year, openings and closings in time, projections.

use std::fmt::Write as _;

use expect_test::{Expect, expect};
use gapmap_model::{Capacity, Count, Offer, PastCapacity, TrainingMode, Volume};
use proptest::prelude::*;

use super::{Fixture, fixture, fixture_with, random_map};
use crate::{
    Change, Horizon, HorizonOutcome, MatchConfig, Matcher, OpenSeats, Place, Projection, Scenario,
    WordOverlap, apply_over_time,
};

fn years(text: &str) -> Horizon {
    text.parse().unwrap_or_else(|e| panic!("{e}"))
}

fn horizon_of(
    f: &Fixture,
    offers: &[Offer],
    horizon: Horizon,
    config: &MatchConfig,
) -> HorizonOutcome {
    let source = WordOverlap::new(&f.referential, offers);
    let rules = crate::SupplyRules::new(&f.offers, config);
    Matcher::with_rules(&f.referential, &f.territory, offers, &source, config, rules)
        .run_horizon(&f.needs, horizon)
}

/// Per year: the total demand, direct coverage and gap, the buyers without demand, then each
/// offer's cohort (intake year, seats and their basis) and graduates.
fn render(outcome: &HorizonOutcome, offers: &[Offer]) -> String {
    let mut out = String::new();
    for y in &outcome.years {
        let t = y.outcome.total();
        let without: Vec<String> = y.buyers_without_demand.iter().map(|b| b.key()).collect();
        let _ = writeln!(
            out,
            "{}: demand {} direct {} gap {}{}",
            y.year,
            t.volume,
            t.covered_direct,
            t.gap,
            if without.is_empty() {
                String::new()
            } else {
                format!(" | no need: {}", without.join(", "))
            }
        );
        for (s, o) in y.outcome.supplies.iter().zip(offers) {
            let Some(c) = s.cohort else { continue };
            let seats = match c.seats {
                crate::IntakeSeats::Projected { seats, from, rule } => {
                    format!("{seats} projected from {from} ({})", rule.key())
                }
                other => {
                    format!("{:?}", other.seats())
                        .replace("Some(", "")
                        .replace(')', "")
                        + " "
                        + other.key()
                }
            };
            let _ = writeln!(
                out,
                "  {}: intake {} seats {seats} graduates {}",
                o.label, c.intake, s.graduates
            );
        }
    }
    out
}

fn check(offers: &[Offer], horizon: &str, config: &MatchConfig, expect: Expect) {
    let f = fixture();
    let outcome = horizon_of(&f, offers, years(horizon), config);
    expect.assert_eq(&render(&outcome, offers));
}

/// A BTS (two years) opened by a scenario in 2026 supplies nothing in 2026 and 2027 and its
/// graduates from 2028: 24 seats filled (nothing tells its entrants: fill 1) x completion 0.8 x
/// (1 - further study 0.35) = 12.48.
#[test]
fn an_opening_supplies_after_its_course_length() {
    let f = fixture();
    let scenario = Scenario {
        name: "open".to_owned(),
        changes: vec![Change::Open(OpenSeats {
            cfd: super::code("32020110"),
            place: Place::School(super::code("0592345D")),
            seats: 24,
            mode: TrainingMode::School,
            year: Some(2026),
            label: Some("BTS cyber (opened)".to_owned()),
            length: None,
        })],
    };
    let offers = apply_over_time(&scenario, &f.offers, &f.referential, &f.territory, 2026)
        .unwrap_or_else(|e| panic!("{e}"));
    let opened: Vec<&Offer> = offers
        .iter()
        .filter(|o| o.label.contains("opened"))
        .collect();
    assert_eq!(opened.len(), 1);
    let config = MatchConfig {
        default_duration_years: 2,
        ..MatchConfig::default()
    };
    let outcome = horizon_of(&f, &offers, years("2026-2029"), &config);
    let graduates: Vec<(u16, Volume)> = outcome
        .years
        .iter()
        .map(|y| {
            let i = offers
                .iter()
                .position(|o| o.label.contains("opened"))
                .unwrap_or(0);
            (y.year, y.outcome.supplies[i].graduates)
        })
        .collect();
    assert_eq!(
        graduates,
        vec![
            (2026, Volume::ZERO),
            (2027, Volume::ZERO),
            (2028, Volume::from_milli(12_480)),
            (2029, Volume::from_milli(12_480)),
        ]
    );
}

/// A course closed from the 2026 intake still graduates its 2024 and 2025 intakes (in 2026 and
/// 2027), then nothing; the seats of years after the last published one are projected, those of
/// the published year are data.
#[test]
fn a_closing_removes_supply_after_the_last_cohort() {
    let f = fixture();
    let target = f.offers[1].id.clone();
    let scenario = Scenario {
        name: "close".to_owned(),
        changes: vec![Change::Close {
            offer: target,
            year: Some(2026),
        }],
    };
    let offers = apply_over_time(&scenario, &f.offers, &f.referential, &f.territory, 2026)
        .unwrap_or_else(|e| panic!("{e}"));
    check(
        &offers[1..2],
        "2026-2028",
        &MatchConfig::default(),
        expect![[r#"
            2026: demand 54 direct 10.56 gap 43.44
              Bac pro maintenance: intake 2024 seats 24 data graduates 10.56
            2027: demand 12 direct 10.56 gap 1.44 | no need: armee-de-terre, marine-nationale, armee-air-espace, bitd:Naval Group
              Bac pro maintenance: intake 2025 seats 24 projected from 2024 (last) graduates 10.56
            2028: demand 12 direct 0 gap 12 | no need: armee-de-terre, marine-nationale, armee-air-espace, bitd:Naval Group
              Bac pro maintenance: intake 2026 seats 0 closed graduates 0
        "#]],
    );
}

/// Seats of years the source did not publish: the nearest published year's (`last`), or the
/// least-squares line through the published years from the last one (`trend`: 10, 14, 18 seats
/// in 2022-2024 give +4 a year); a year before the first published one holds the first.
#[test]
fn projections_of_seats() {
    let f = fixture();
    let mut o = f.offers[1].clone();
    o.capacity = Capacity::Seats(18);
    o.intake.history = vec![
        PastCapacity {
            year: 2022,
            capacity: Capacity::Seats(10),
        },
        PastCapacity {
            year: 2023,
            capacity: Capacity::Seats(14),
        },
    ];
    let rules = |projection| {
        crate::SupplyRules::new(
            std::slice::from_ref(&o),
            &MatchConfig {
                capacity_projection: projection,
                ..MatchConfig::default()
            },
        )
    };
    let mut out = String::new();
    for projection in [Projection::Last, Projection::Trend] {
        let rules = rules(projection);
        let seats: Vec<String> = [2021, 2022, 2023, 2024, 2025, 2026]
            .iter()
            .map(|&y| match rules.intake_seats(&o, y) {
                crate::IntakeSeats::Data(n) => format!("{y}:{n}"),
                crate::IntakeSeats::Projected { seats, from, .. } => {
                    format!("{y}:{seats}~{from}")
                }
                other => format!("{y}:{other:?}"),
            })
            .collect();
        let _ = writeln!(out, "{}: {}", projection.key(), seats.join(" "));
    }
    expect![[r#"
        last: 2021:10~2022 2022:10 2023:14 2024:18 2025:18~2024 2026:18~2024
        trend: 2021:10~2022 2022:10 2023:14 2024:18 2025:22~2024 2026:26~2024
    "#]]
    .assert_eq(&out);
}

/// Demand in time: a need with a year is for that year only (and its buyer has no need in the
/// others: not zero demand, none given); with a growth, a flow from its year (+10 %: 10, 11,
/// 12.1) to its last year; without a year, every year.
#[test]
fn demand_rules_in_time() {
    let mut f = fixture();
    f.needs.truncate(3);
    f.needs[0].growth = Some(0.1);
    f.needs[0].until = Some(2028);
    f.needs[0].volume = Count::Known(Volume::whole(10));
    f.needs[1].year = None;
    let offers = f.offers.clone();
    let outcome = horizon_of(&f, &offers, years("2025-2029"), &MatchConfig::default());
    let mut out = String::new();
    for y in &outcome.years {
        let needs: Vec<String> = y
            .outcome
            .needs
            .iter()
            .map(|n| format!("{} {}", n.id, n.volume.known().unwrap_or_default()))
            .collect();
        let without: Vec<String> = y.buyers_without_demand.iter().map(|b| b.key()).collect();
        let _ = writeln!(
            out,
            "{}: {} | no need: {}",
            y.year,
            needs.join(", "),
            without.join(", ")
        );
    }
    expect![[r#"
        2025: bmo-1 12 | no need: armee-de-terre, marine-nationale
        2026: adt-1 10, bmo-1 12, mn-1 8 | no need: 
        2027: adt-1 11, bmo-1 12 | no need: marine-nationale
        2028: adt-1 12.1, bmo-1 12 | no need: marine-nationale
        2029: bmo-1 12 | no need: armee-de-terre, marine-nationale
    "#]]
    .assert_eq(&out);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Each year adds up: its demand is the sum of its needs' volumes of that year, covered plus
    /// gap is the demand, no offer gives more than its graduates of the year; and a year whose
    /// cohorts all entered in their offers' published year is the steady-state match.
    #[test]
    fn years_add_up((offers, needs) in random_map(), growth in -0.2f64..0.3) {
        let mut f = fixture_with(offers, needs);
        for (k, n) in f.needs.iter_mut().enumerate() {
            if k % 2 == 0 {
                n.growth = Some(growth);
            }
        }
        let config = MatchConfig::default();
        let offers = f.offers.clone();
        let outcome = horizon_of(&f, &offers, years("2026-2028"), &config);
        for y in &outcome.years {
            let expected: Volume = f
                .needs
                .iter()
                .filter_map(|n| {
                    let factor = crate::horizon::demand_factor(n, y.year, &config)?;
                    Some(crate::horizon::scale(n.volume.known()?, factor))
                })
                .sum();
            let total = y.outcome.total();
            prop_assert_eq!(total.volume, expected);
            prop_assert_eq!(total.covered + total.gap, total.volume);
            let mut given = vec![0u64; offers.len()];
            for n in &y.outcome.needs {
                for a in &n.allocations {
                    given[a.offer_index] += a.volume.milli();
                }
            }
            for (s, g) in y.outcome.supplies.iter().zip(&given) {
                prop_assert!(*g <= s.graduates.milli());
            }
        }
        // The fixture's offers entered in 2024 for two years: 2026 is their published intake.
        let steady = super::outcome_of(&f, &f.offers, &config);
        let first = &outcome.years[0].outcome;
        prop_assert_eq!(first.total(), steady.total());
        prop_assert_eq!(&first.needs, &steady.needs);
    }

    /// An opening never changes the years before its first graduates.
    #[test]
    fn a_later_opening_never_helps_earlier_years(
        (offers, needs) in random_map(),
        from in 2024u16..2031,
        seats in 1u32..40,
    ) {
        let f = fixture_with(offers, needs);
        let mut opened = f.offers[0].clone();
        opened.source = gapmap_model::OfferSource::Scenario;
        opened.id = gapmap_model::OfferId(format!("scenario:{from}:x"));
        opened.year = from;
        opened.capacity = Capacity::Seats(seats);
        let mut after = f.offers.clone();
        after.push(opened);
        let config = MatchConfig::default();
        let horizon = years("2024-2032");
        let before = horizon_of(&f, &f.offers, horizon, &config);
        let later = horizon_of(&f, &after, horizon, &config);
        for (b, a) in before.years.iter().zip(&later.years) {
            if a.year < from + 2 {
                prop_assert_eq!(b.outcome.total(), a.outcome.total());
                prop_assert_eq!(&b.outcome.needs, &a.outcome.needs);
            }
        }
    }
}

/// Seats a scenario adds from 2028 to a course it opens in 2026 count from the 2028 intake only:
/// the 2026 and 2027 intakes have the 10 opened seats, the 2028 one 15.
#[test]
fn seats_added_later_to_an_opened_course_count_from_their_year() {
    let f = fixture();
    let mut opened = f.offers[1].clone();
    opened.source = gapmap_model::OfferSource::Scenario;
    opened.year = 2026;
    opened.capacity = Capacity::Seats(15);
    opened.intake.added_seats = 5;
    opened.intake.added_from = Some(2028);
    let rules = crate::SupplyRules::new(&f.offers, &MatchConfig::default());
    let seats: Vec<String> = (2027..=2031)
        .map(|year| {
            let c = rules.supply_in(&opened, year).cohort;
            c.map_or_else(String::new, |c| {
                format!("{}:{}:{:?}", year, c.intake, c.seats.seats())
            })
        })
        .collect();
    assert_eq!(
        seats,
        [
            "2027:2025:Some(0)",
            "2028:2026:Some(10)",
            "2029:2027:Some(10)",
            "2030:2028:Some(15)",
            "2031:2029:Some(15)"
        ]
    );
}

/// An offer entering a three-year course in its second year (première) graduates two years after
/// its intake, in a horizon as in the steady state.
#[test]
fn a_later_year_entry_graduates_after_the_years_left() {
    let f = fixture();
    let mut premiere = f.offers[1].clone();
    premiere.duration_years = Some(3);
    premiere.intake.entry_year = Some(2);
    let rules = crate::SupplyRules::new(&f.offers, &MatchConfig::default());
    let cohort = rules.supply_in(&premiere, 2027).cohort;
    assert_eq!(cohort.map(|c| c.intake), Some(2025));
    assert_eq!(rules.supply(&premiere).entry_year, 2026);
}

/// Two needs files may use the same id for different needs of different years: each year is
/// allocated on its own needs (years are shared only when the same needs have the same volumes).
#[test]
fn years_with_needs_of_the_same_id_are_not_confused() {
    let mut f = fixture();
    f.needs.truncate(2);
    f.needs[0].year = Some(2026);
    f.needs[1].id = f.needs[0].id.clone();
    f.needs[1].year = Some(2027);
    f.needs[1].buyer = f.needs[0].buyer.clone();
    f.needs[1].volume = f.needs[0].volume;
    let offers = f.offers.clone();
    let config = MatchConfig::default();
    let outcome = horizon_of(&f, &offers, years("2026-2027"), &config);
    for (y, need) in outcome.years.iter().zip(&f.needs) {
        let single = fixture_with(offers.clone(), vec![need.clone()]);
        let alone = super::outcome_of(&single, &single.offers, &config);
        assert_eq!(y.outcome.total(), alone.total(), "{}", y.year);
    }
}
