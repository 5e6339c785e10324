//! Supply: entrants, completion, indicators, and what a scenario's extension is worth.

use std::fmt::Write as _;

use expect_test::{Expect, expect};
use gapmap_model::{
    Capacity, Enrolment, Intake, Offer, OfferSource, Outcomes, Retention, TrainingMode, Volume,
};
use proptest::prelude::*;

use super::offer;
use crate::indicators::Indicators;
use crate::supply::SupplyRules;
use crate::{Change, MatchConfig, Scenario};

/// A school-mode bac pro offer of `seats` seats with these applications and census pupils.
fn course(seats: u32, applications: Option<u32>, census: Option<u32>) -> Offer {
    let mut o = offer(
        "0801853E",
        "80021",
        "Bac pro",
        &["H2902"],
        4,
        Capacity::Seats(seats),
    );
    o.applications = applications;
    o.intake.enrolment = census.map(|pupils| Enrolment {
        year: 2020,
        pupils,
        continuing: 0,
    });
    o
}

/// Renders the supply of each case under `config`, entrants per application measured on the
/// cases themselves.
fn check(cases: &[(&str, Offer)], config: &MatchConfig, expect: Expect) {
    let offers: Vec<Offer> = cases.iter().map(|(_, o)| o.clone()).collect();
    let rules = SupplyRules::new(&offers, config);
    let mut out = String::new();
    for (name, o) in cases {
        let s = rules.supply(o);
        let _ = writeln!(
            out,
            "{name}: seats={:?} entrants={} ({:?}) turned_away={} completion={} graduates={}",
            s.seats, s.entrants, s.entrants_source, s.turned_away, s.completion_factor, s.graduates
        );
    }
    expect.assert_eq(&out);
}

/// The entrants rules: census first (at most the seats), else applications x entrants per
/// application (1 when too few offers allow the measure), nobody without applicants, the seats
/// when nothing is known; graduates = entrants x 0.8 x (1 - 0.45).
#[test]
fn entrants_rules() {
    check(
        &[
            ("census under seats", course(20, Some(30), Some(14))),
            ("census over seats", course(20, Some(30), Some(26))),
            ("applications under seats", course(20, Some(9), None)),
            ("applications over seats", course(20, Some(45), None)),
            ("no applicant", course(20, Some(0), None)),
            ("nothing known", course(20, None, None)),
            ("no applicant, census", course(20, Some(0), Some(12))),
            ("placeholder", {
                let mut o = course(0, Some(10), Some(10));
                o.capacity = Capacity::Placeholder(999);
                o
            }),
        ],
        &MatchConfig::default(),
        expect![[r#"
            census under seats: seats=Some(20) entrants=14 (Census { year: 2020, pupils: 14, full: false }) turned_away=0 completion=0.8 graduates=6.16
            census over seats: seats=Some(20) entrants=20 (Census { year: 2020, pupils: 26, full: true }) turned_away=10 completion=0.8 graduates=8.8
            applications under seats: seats=Some(20) entrants=9 (Applications { applications: 9, per_application: 1.0, measured: false }) turned_away=0 completion=0.8 graduates=3.96
            applications over seats: seats=Some(20) entrants=20 (Applications { applications: 45, per_application: 1.0, measured: false }) turned_away=25 completion=0.8 graduates=8.8
            no applicant: seats=Some(20) entrants=0 (NoApplicants { fill: 0.0 }) turned_away=0 completion=0.8 graduates=0
            nothing known: seats=Some(20) entrants=20 (Assumed { fill: 1.0 }) turned_away=0 completion=0.8 graduates=8.8
            no applicant, census: seats=Some(20) entrants=12 (Census { year: 2020, pupils: 12, full: false }) turned_away=0 completion=0.8 graduates=5.28
            placeholder: seats=None entrants=10 (Census { year: 2020, pupils: 10, full: false }) turned_away=0 completion=0.8 graduates=4.4
        "#]],
    );
}

/// Configured otherwise: no census, a fixed 1.5 entrants per application, seats nobody asked for
/// half filled, a measured retention ignored.
#[test]
fn entrants_rules_configured() {
    let mut measured = course(20, Some(10), Some(18));
    measured.intake.retention = Some(Retention {
        share: 0.75,
        scope: "census".into(),
    });
    let config = MatchConfig {
        census_entrants: false,
        measured_completion: false,
        entrants_per_application: Some(1.5),
        fill_without_applicants: 0.5,
        ..MatchConfig::default()
    };
    check(
        &[
            ("census ignored", measured.clone()),
            ("no applicant", course(20, Some(0), None)),
        ],
        &config,
        expect![[r#"
            census ignored: seats=Some(20) entrants=15 (Applications { applications: 10, per_application: 1.5, measured: false }) turned_away=0 completion=0.8 graduates=6.6
            no applicant: seats=Some(20) entrants=10 (NoApplicants { fill: 0.5 }) turned_away=0 completion=0.8 graduates=4.4
        "#]],
    );
    check(
        &[("measured retention", measured)],
        &MatchConfig::default(),
        expect![[r#"
            measured retention: seats=Some(20) entrants=18 (Census { year: 2020, pupils: 18, full: false }) turned_away=0 completion=0.75 graduates=7.425
        "#]],
    );
}

/// Entrants per application are calibrated per source on the offers the census counts: the value
/// for which min(seats, applications x value) adds up to their census entrants. 21 offers of 30
/// seats with 10 applications and 10 to 30 pupils: census entrants 420; min(30, 10 x m) summed is
/// 210 m up to m = 3, so m = 2.
#[test]
fn entrants_per_application_calibrated() {
    let mut cases: Vec<(String, Offer)> = (0..21)
        .map(|k| (format!("c{k}"), course(30, Some(10), Some(10 + k))))
        .collect();
    cases.push(("no census".into(), course(30, Some(12), None)));
    let offers: Vec<Offer> = cases.iter().map(|(_, o)| o.clone()).collect();
    let rules = SupplyRules::new(&offers, &MatchConfig::default());
    let p = rules.per_application(OfferSource::Affelnet, crate::EntryStage::First);
    assert!((p.value - 2.0).abs() < 1e-9, "{p:?}");
    assert_eq!(p.measured_on, Some(21));
    let s = rules.supply(&offers[21]);
    assert_eq!(s.entrants, Volume::from_milli(24_000));
    // Turned away: applications x min(1, m) beyond the seats (none here: 12 for 30 seats).
    assert_eq!(s.turned_away, Volume::ZERO);
    // Too few for Parcoursup BTS: 1.
    let bts = rules.per_application(OfferSource::ParcoursupBts, crate::EntryStage::First);
    assert_eq!((bts.value, bts.measured_on), (1.0, None));
}

/// An offer whose source publishes no capacity but whose pupils the census counts supplies them:
/// its entrants are measured, whatever its seats.
#[test]
fn census_entrants_without_capacity() {
    let mut o = course(0, Some(8), Some(35));
    o.capacity = Capacity::Placeholder(999);
    check(
        &[("placeholder", o)],
        &MatchConfig::default(),
        expect![[r#"
            placeholder: seats=None entrants=35 (Census { year: 2020, pupils: 35, full: false }) turned_away=0 completion=0.8 graduates=15.4
        "#]],
    );
}

/// An entry in première beside the school's own seconde of the same course (0590185F: 35 seats,
/// 38 first choices, 35 pupils of whom 32 counted in seconde the year before): the pupils who
/// move up are the seconde offer's entrants; newcomers take the 3 seats they leave, and the class
/// being full, 38 - 3 = 35 applicants were turned away.
#[test]
fn continuing_pupils_are_not_entrants_again() {
    let mut o = course(35, Some(38), Some(35));
    if let Some(e) = &mut o.intake.enrolment {
        e.continuing = 32;
    }
    check(
        &[("premiere", o)],
        &MatchConfig::default(),
        expect![[r#"
            premiere: seats=Some(35) entrants=3 (Census { year: 2020, pupils: 3, full: true }) turned_away=35 completion=0.8 graduates=1.32
        "#]],
    );
}

/// Seats added to a course of unknown capacity make an unknown number: refused, with the change.
#[test]
fn extending_an_unknown_capacity_is_refused() {
    let mut o = course(0, Some(10), Some(35));
    o.capacity = Capacity::Placeholder(999);
    let scenario = Scenario {
        name: "extend".into(),
        changes: vec![Change::Extend {
            offer: o.id.clone(),
            seats: 10,
            year: None,
        }],
    };
    let f = super::fixture();
    let refused = crate::apply(&scenario, &[o], &f.referential, &f.territory).err();
    expect!["change 1: offer affelnet:2024:0801853E:Bac pro:school has no known capacity: seats added to it make an unknown number; declare its seats with a capacities file first"].assert_eq(&refused.map(|e| e.to_string()).unwrap_or_default());
}

/// Pressure, fill rate, peers' seat-weighted means and quadrants, by hand: pressures 30/20 = 1.5,
/// 10/20 = 0.5 and 4/5 = 0.8 (mean 44/45 = 0.978); fill rates 18/20 and 20/20, the third has no
/// census (mean 38/40 = 0.95); employment 0.6, 0.4, 0.6 (mean (12 + 8 + 3)/45 = 0.511). The
/// third has 5 seats (small, under 10) and every cohort is 15 (small, under 20).
#[test]
fn indicators_by_hand() {
    let with = |applications, pupils, employment: f64| {
        let mut o = course(20, Some(applications), Some(pupils));
        o.outcomes = Some(Outcomes {
            employment_rate_6m: Some(employment),
            employment_rate_12m: None,
            employment_rate_24m: None,
            further_study_rate: Some(0.4),
            cohort: Some(15),
            basis: gapmap_model::OutcomeBasis::Diploma,
            scope: "test".into(),
        });
        o
    };
    let offers = vec![with(30, 18, 0.6), with(10, 20, 0.4), {
        let mut small = with(4, 3, 0.6);
        small.capacity = Capacity::Seats(5);
        small.intake = Intake::default();
        small
    }];
    let indicators = Indicators::new(&offers, &MatchConfig::default());
    let mut out = String::new();
    for k in 0..3 {
        let i = indicators.get(k).unwrap_or_else(|| panic!("no offer {k}"));
        let m = indicators.means(&i.peers);
        let _ = writeln!(
            out,
            "pressure={:?} fill={:?} employment={:?} small_capacity={:?} small_cohort={:?} quadrant={:?} | means pressure={:?} fill={:?} employment={:?}",
            i.pressure,
            i.fill_rate,
            i.employment_6m,
            i.small_capacity,
            i.small_cohort,
            i.quadrant,
            m.pressure,
            m.fill_rate,
            m.employment_6m
        );
    }
    expect![[r#"
        pressure=Some(1.5) fill=Some(0.9) employment=Some(0.6) small_capacity=Some(false) small_cohort=Some(true) quadrant=Some(AttractiveEmploying) | means pressure=Some(0.9777777777777777) fill=Some(0.95) employment=Some(0.5111111111111111)
        pressure=Some(0.5) fill=Some(1.0) employment=Some(0.4) small_capacity=Some(false) small_cohort=Some(true) quadrant=Some(Neither) | means pressure=Some(0.9777777777777777) fill=Some(0.95) employment=Some(0.5111111111111111)
        pressure=Some(0.8) fill=None employment=Some(0.6) small_capacity=Some(true) small_cohort=Some(true) quadrant=Some(EmployingOnly) | means pressure=Some(0.9777777777777777) fill=Some(0.95) employment=Some(0.5111111111111111)
    "#]].assert_eq(&out);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Supply never exceeds seats x completion (x (1 - further study)): an empty seat trains
    /// nobody and no rule creates students; entrants never exceed the seats.
    #[test]
    fn supply_within_seats(
        seats in 0u32..200,
        applications in proptest::option::of(0u32..400),
        census in proptest::option::of(0u32..300),
        added in 0u32..50,
        per_application in proptest::option::of(0.0f64..5.0),
        census_entrants in any::<bool>(),
        apprentice in any::<bool>(),
    ) {
        let mut o = course(seats, applications, census);
        o.capacity = Capacity::Seats(seats + added);
        o.intake.added_seats = added;
        if apprentice {
            o.mode = TrainingMode::Apprenticeship;
        }
        let config = MatchConfig {
            entrants_per_application: per_application,
            census_entrants,
            ..MatchConfig::default()
        };
        let s = SupplyRules::new(std::slice::from_ref(&o), &config).supply(&o);
        let capacity = u64::from(seats + added) * 1000;
        prop_assert!(s.entrants.milli() <= capacity);
        let bound = capacity as f64 * s.completion_factor * (1.0 - s.further_study_rate);
        prop_assert!(s.graduates.milli() as f64 <= bound + 1e-6);
        // Seats added enter at most the applicants turned away (all of them when nothing tells
        // the entrants and the seats are assumed filled).
        let base = {
            let mut b = o.clone();
            b.capacity = Capacity::Seats(seats);
            b.intake.added_seats = 0;
            SupplyRules::new(std::slice::from_ref(&b), &config).supply(&b)
        };
        let extra = match s.entrants_source {
            crate::EntrantsSource::Assumed { .. } => u64::from(added) * 1000,
            _ => s.turned_away.milli().min(u64::from(added) * 1000),
        };
        prop_assert!(s.entrants.milli() <= base.entrants.milli() + extra);
        // No applicant and no census: nobody enters (default configuration).
        if applications == Some(0) && (census.is_none() || !census_entrants) {
            prop_assert_eq!(s.entrants, Volume::ZERO);
            prop_assert_eq!(s.graduates, Volume::ZERO);
        }
    }
}

/// Each row's demand on jobs of the transitions: a flag the referential leaves empty is unknown,
/// never "no". I1304 is green and digital, I1310 neutral and not digital, M1844 digital with an
/// unknown ecological flag; nothing says the demographic flag. On the ROME axis a row's shares are
/// its sheet's: 1, 0 or unknown, also for the half of a need over two sheets.
#[test]
fn transition_shares() {
    use gapmap_model::{Ecological, Transitions};
    let mut f = super::fixture();
    for (sheet, ecological, digital) in [
        ("I1304", Some(Ecological::Green), Some(true)),
        ("I1310", Some(Ecological::Neutral), Some(false)),
        ("M1844", None, Some(true)),
    ] {
        if let Some(m) = f.referential.metiers.get_mut(&super::code(sheet)) {
            m.transitions = Transitions {
                ecological,
                digital,
                demographic: None,
            };
        }
    }
    // A need over two sheets: its demand splits 10 / 10, each half with its sheet's flags.
    f.needs.push(super::need(
        "two-sheets",
        gapmap_model::Buyer::BmoSurvey,
        "Technicien réseaux et maintenance",
        &["I1304", "I1310"],
        Some(4),
        gapmap_model::NeedLocation::Commune(super::code("59350")),
        gapmap_model::Count::Known(Volume::from_milli(20_000)),
        &[],
    ));
    let outcome = super::outcome_of(&f, &f.offers, &MatchConfig::default());
    let mut out = String::new();
    for row in outcome
        .aggregate(crate::Axis::Rome)
        .into_iter()
        .chain([outcome.total()])
    {
        let t = row.transitions;
        let _ = writeln!(
            out,
            "{:<6} demand={} ecological={:?} digital={:?} demographic={:?}",
            row.key.to_string(),
            row.volume,
            t.ecological_share(),
            t.digital_share(),
            t.demographic_share()
        );
    }
    expect![[r#"
        I1304  demand=25 ecological=Some(1.0) digital=Some(1.0) demographic=None
        I1310  demand=35 ecological=Some(0.0) digital=Some(0.0) demographic=None
        M1810  demand=0 ecological=None digital=None demographic=None
        M1844  demand=8 ecological=None digital=Some(1.0) demographic=None
        N2205  demand=6 ecological=None digital=None demographic=None
        total  demand=74 ecological=Some(0.4166666666666667) digital=Some(0.4852941176470588) demographic=None
    "#]]
    .assert_eq(&out);
}

/// A seconde commune of a family of trades sends no graduates of its own: its pupils reach the
/// final year through a première of the family, whose census pupils count them. Its entrants stay
/// shown; with `measured_completion` off, the configured factor applies as to every offer.
#[test]
fn common_year_sends_no_graduates() {
    let mut o = course(24, Some(30), Some(24));
    o.intake.common_year = true;
    check(
        &[("seconde commune", o.clone())],
        &MatchConfig::default(),
        expect![[r#"
            seconde commune: seats=Some(24) entrants=24 (Census { year: 2020, pupils: 24, full: true }) turned_away=6 completion=0 graduates=0
        "#]],
    );
    let configured = MatchConfig {
        measured_completion: false,
        ..MatchConfig::default()
    };
    check(
        &[("configured", o)],
        &configured,
        expect![[r#"
            configured: seats=Some(24) entrants=24 (Census { year: 2020, pupils: 24, full: true }) turned_away=6 completion=0.8 graduates=10.56
        "#]],
    );
}

/// Entrants per application are calibrated apart for entries in a later year (premières, whose
/// applicants come from secondes communes) and first years.
#[test]
fn entrants_per_application_by_entry_stage() {
    let mut offers: Vec<Offer> = (0..20).map(|_| course(30, Some(10), Some(10))).collect();
    offers.extend((0..20).map(|_| {
        let mut o = course(30, Some(10), Some(25));
        o.intake.entry_year = Some(2);
        o
    }));
    let rules = SupplyRules::new(&offers, &MatchConfig::default());
    let first = rules.per_application(OfferSource::Affelnet, crate::EntryStage::First);
    let later = rules.per_application(OfferSource::Affelnet, crate::EntryStage::Later);
    assert!((first.value - 1.0).abs() < 1e-9, "{first:?}");
    assert!((later.value - 2.5).abs() < 1e-9, "{later:?}");
    assert_eq!((first.measured_on, later.measured_on), (Some(20), Some(20)));
}
