//! Recommendations on the demo data: hand-checked cases through one `check` helper, and
//! properties (the predicted figures are those of the scenario applied from its file; more budget
//! never leaves a larger gap; no action for a need already covered directly).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gapmap_engine::{Engine, ImportOptions, Recommended};
use gapmap_match::{ActionKind, Budget, Costs, MatchConfig, MatchOutcome, Request};
use gapmap_model::{Need, Volume};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::import(&root().join("datasets/demo"), &ImportOptions::default())
            .unwrap_or_else(|e| panic!("demo import: {e}"))
    })
}

/// Needs from the lines of a needs file (header added).
fn needs(lines: &str) -> Vec<Need> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("needs.csv");
    let header = "id;acheteur;specialite;rome;competences;niveau_min;lieu;volume;annee;croissance;annee_fin;tags;commentaire\n";
    std::fs::write(&path, format!("{header}{lines}")).unwrap_or_else(|e| panic!("{e}"));
    let read = engine()
        .needs_from_file(&path)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(read.report.rejects.is_empty(), "{:?}", read.report.rejects);
    read.needs
}

fn plan() -> Vec<Need> {
    let read = engine()
        .needs_from_file(&root().join("datasets/needs/armees-hdf-2026.csv"))
        .unwrap_or_else(|e| panic!("{e}"));
    read.needs
}

fn request(seats: u32, limits: &str) -> Request {
    Request {
        budget: Budget {
            seats: Some(seats),
            euros: None,
        },
        limits: gapmap_engine::limits_from_toml(limits).unwrap_or_else(|e| panic!("{e}")),
        costs: Costs::assumed(),
    }
}

/// Recommends for `needs` under `request`, checks the round trip (the scenario written as a file,
/// read back and applied gives the predicted direct gap of every need), and returns the result
/// with the baseline.
fn check(needs: &[Need], request: &Request) -> (Recommended, MatchOutcome) {
    let engine = engine();
    let config = MatchConfig::default();
    let base = engine.gaps(needs, &config);
    let recommended = engine
        .recommend(needs, &config, &base, request)
        .unwrap_or_else(|e| panic!("{e}"));
    let r = &recommended.recommendation;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("recommended.toml");
    std::fs::write(&file, gapmap_engine::scenario_toml(&r.scenario))
        .unwrap_or_else(|e| panic!("{e}"));
    let read = gapmap_engine::read_scenario(&file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read.changes, r.scenario.changes);
    // Applied in full (no reuse of the baseline), as `gaps --scenario` does.
    let offers = engine.apply(&read).unwrap_or_else(|e| panic!("{e}"));
    let applied = engine.matcher_over(&offers, &config).run(needs);
    let totals = gapmap_engine::direct_totals(&applied, &config);
    assert_eq!(
        totals.direct_gap, r.after.direct_gap,
        "predicted direct gap"
    );
    assert_eq!(recommended.applied.direct_gap, r.after.direct_gap);
    // The budget holds (net of the empty seats removed, with `redeploy`).
    let budget = request.budget.seats.unwrap_or(u32::MAX);
    assert!(r.seats.saturating_sub(r.seats_removed) <= budget);
    assert!(r.euros <= request.budget.euros.unwrap_or(u64::MAX));
    let removal =
        |a: &&gapmap_match::Action| matches!(a.kind, ActionKind::Reduce | ActionKind::Close);
    let (removed, added): (Vec<_>, Vec<_>) = r.actions.iter().partition(removal);
    assert_eq!(r.seats, added.iter().map(|a| a.seats).sum::<u32>());
    assert_eq!(
        r.seats_removed,
        removed.iter().map(|a| a.seats).sum::<u32>()
    );
    assert!(r.seats_removed <= request.limits.redeploy);
    // Every action closes direct gap of needs that had one.
    for a in added {
        assert!(a.closed() > Volume::ZERO, "{} closes nothing", a.offer);
        for e in a.effects.iter().filter(|e| e.closed_milli > 0) {
            assert!(
                e.gap_before > Volume::ZERO,
                "{} closes {} already covered",
                a.offer,
                e.need
            );
        }
    }
    (recommended, base)
}

#[test]
fn one_opening_closes_a_known_gap() {
    // Matelot de la flotte (N3102) in Dunkerque: one course of the demo within reach supplies
    // 4.68 graduates a year of the 10 asked; the maritime CAP (50021308) leads to the sheet, and
    // the nearest schools of its kind of diploma and family of trades are in Dunkerque.
    let needs = needs(
        "t-marin;marine-nationale;Matelot de la flotte;N3102;;;commune:59183;10;2026;0;2030;;\n",
    );
    let (rec, base) = check(&needs, &request(100, ""));
    let r = &rec.recommendation;
    assert_eq!(base.needs[0].covered_direct, Volume::from_milli(4_680));
    assert_eq!(r.before.direct_gap, Volume::from_milli(5_320));
    assert_eq!(r.actions.len(), 1, "{:#?}", r.actions);
    let a = &r.actions[0];
    assert_eq!(a.kind, ActionKind::Open);
    assert_eq!(a.cfd.map(|c| c.to_string()).as_deref(), Some("50021308"));
    assert_eq!(a.school.as_str(), "0595918M");
    // 0.52 graduates a seat (completion x no further study): 11 seats would do, a class is 12.
    assert_eq!(a.seats, 12);
    assert_eq!(a.graduates, Volume::from_milli(6_240));
    assert_eq!(a.closed(), Volume::from_milli(5_320));
    assert_eq!(a.effects[0].distance_km, Some(0.0));
    assert_eq!(r.after.direct_gap, Volume::ZERO);
    assert_eq!((a.length_years, a.first_graduates), (2, 2026));
    // Ministry demand weighs 3 (the default priority).
    assert!((a.weighted_closed - 3.0 * 5.32).abs() < 1e-9);
}

#[test]
fn a_budget_below_a_class_does_nothing() {
    let needs = needs(
        "t-marin;marine-nationale;Matelot de la flotte;N3102;;;commune:59183;10;2026;0;2030;;\n",
    );
    let (rec, _) = check(&needs, &request(5, ""));
    let r = &rec.recommendation;
    assert!(r.actions.is_empty(), "{:#?}", r.actions);
    assert_eq!(r.after, r.before);
    assert!(r.scenario.changes.is_empty());
}

#[test]
fn limits_are_respected() {
    let plan = plan();
    let cases = [
        ("departements = [\"62\"]", "62"),
        ("levels = \"5\"", "level 5"),
        ("max_seats_per_school = 12", "12 a school"),
        ("only_extensions = true", "extensions"),
        ("course_seats = [20, 20]", "20-seat courses"),
    ];
    for (limits, what) in cases {
        let (rec, _) = check(&plan, &request(200, limits));
        let r = &rec.recommendation;
        assert!(!r.actions.is_empty(), "{what}: no action");
        for a in &r.actions {
            match what {
                "62" => assert_eq!(a.departement.to_string(), "62", "{what}"),
                "level 5" => assert_eq!(a.level.map(|l| l.get()), Some(5), "{what}"),
                "extensions" => assert_eq!(a.kind, ActionKind::Extend, "{what}"),
                "20-seat courses" if a.kind == ActionKind::Open => {
                    assert_eq!(a.seats, 20, "{what}");
                }
                _ => {}
            }
        }
        if what == "12 a school" {
            let mut by_school = std::collections::BTreeMap::new();
            for a in &r.actions {
                *by_school.entry(a.school).or_insert(0) += a.seats;
            }
            assert!(by_school.values().all(|&s| s <= 12), "{by_school:?}");
        }
    }
}

#[test]
fn no_seat_is_redeployed_without_measured_entrants() {
    // The demo has no enrolment census and too few courses to measure entrants per
    // application: no course's empty seats are known, so none is removed (the real data's case
    // is the end-to-end test `real_recommend_redeploys_empty_seats`).
    let plan = plan();
    let (with, _) = check(&plan, &request(0, "redeploy = 300"));
    assert_eq!(with.recommendation.seats_removed, 0);
    assert!(with.recommendation.actions.is_empty());
}

#[test]
fn a_euro_budget_is_spent_within_costs() {
    let plan = plan();
    let costs = gapmap_engine::costs_from_toml(
        "[default]\ncourse_opening = 50000\nseat_equipment = 1000\nteacher_fte = 0\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let request = Request {
        budget: Budget {
            seats: None,
            euros: Some(200_000),
        },
        limits: Default::default(),
        costs,
    };
    let (rec, _) = check(&plan, &request);
    let r = &rec.recommendation;
    assert!(!r.actions.is_empty());
    for a in &r.actions {
        let opening = if a.kind == ActionKind::Open {
            50_000
        } else {
            0
        };
        assert_eq!(a.euros, opening + 1000 * u64::from(a.seats), "{}", a.offer);
    }
    assert!(r.euros <= 200_000);
}

#[test]
fn recommended_beats_or_equals_the_baselines_on_the_plan() {
    let plan = plan();
    let engine = engine();
    let config = MatchConfig::default();
    let base = engine.gaps(&plan, &config);
    let request = request(120, "");
    let best = engine
        .recommend(&plan, &config, &base, &request)
        .unwrap_or_else(|e| panic!("{e}"));
    for strategy in [
        gapmap_match::Strategy::LargestGap,
        gapmap_match::Strategy::Proportional,
    ] {
        let other = engine
            .recommend_by(&plan, &config, &base, &request, strategy)
            .unwrap_or_else(|e| panic!("{e}"));
        let (applied, predicted) = (&other.applied, &other.recommendation.after);
        assert_eq!(applied.direct_gap, predicted.direct_gap, "{strategy:?}");
        assert!((applied.weighted_gap - predicted.weighted_gap).abs() < 1e-6);
        assert!(other.recommendation.seats <= 120);
        assert!(
            best.applied.weighted_gap <= other.applied.weighted_gap + 1e-6,
            "{strategy:?}: {} > {}",
            best.applied.weighted_gap,
            other.applied.weighted_gap
        );
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// More budget never leaves a larger gap, and the round trip holds at both budgets.
        #[test]
        fn more_budget_never_leaves_a_larger_gap(seats in 0u32..160, more in 1u32..120, max_ext in 1u32..30) {
            let plan = plan();
            let limits = format!("max_extension = {max_ext}");
            let (small, _) = check(&plan, &request(seats, &limits));
            let (large, _) = check(&plan, &request(seats + more, &limits));
            prop_assert!(
                large.applied.direct_gap <= small.applied.direct_gap,
                "{} seats: {:?}, {} seats: {:?}",
                seats, small.applied, seats + more, large.applied
            );
        }
    }
}

/// A reduction in a scenario file: read, applied in the steady state, refused with the reason
/// over a plan horizon, for all its seats, after an extension.
#[test]
fn reductions_in_scenarios() {
    let engine = engine();
    let offer = engine
        .dataset()
        .offers
        .iter()
        .find(|o| o.capacity.seats().is_some_and(|n| n > 10))
        .unwrap_or_else(|| panic!("no offer with seats"));
    let seats = offer.capacity.seats().unwrap_or(0);
    let scenario = |changes: &str| {
        gapmap_engine::scenario_from_json(&format!("{{\"changes\": [{changes}]}}"))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let reduce = |n: u32| {
        format!(
            r#"{{"kind": "reduce", "offer": "{}", "seats": {n}}}"#,
            offer.id
        )
    };
    let applied = engine
        .apply(&scenario(&reduce(4)))
        .unwrap_or_else(|e| panic!("{e}"));
    let after = applied
        .iter()
        .find(|o| o.id == offer.id)
        .map(|o| o.capacity.seats());
    assert_eq!(after, Some(Some(seats - 4)));
    let cases = [
        (scenario(&reduce(seats)), "close it instead"),
        (
            scenario(&format!(
                r#"{{"kind": "extend", "offer": "{}", "seats": 2}}, {}"#,
                offer.id,
                reduce(1)
            )),
            "an earlier change adds seats to it",
        ),
    ];
    for (s, says) in cases {
        let err = engine
            .apply(&s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains(says), "{err}");
    }
    let err = engine
        .apply_over_time(&scenario(&reduce(1)), 2026)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("not followed over a plan horizon"), "{err}");
    let err = gapmap_engine::scenario_from_json(
        r#"{"changes": [{"kind": "reduce", "offer": "x", "seats": 1, "year": 2026}]}"#,
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(err.contains("a reduction has no year"), "{err}");
}

/// The example files of `datasets/config` read to the defaults they document.
#[test]
fn example_limits_and_costs_are_the_defaults() {
    let config = root().join("datasets/config");
    let limits = gapmap_engine::read_limits(&config.join("recommend-limits.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(limits, gapmap_match::Limits::default());
    let costs = gapmap_engine::read_costs(&config.join("recommend-costs.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(costs.default, gapmap_match::CostRates::default());
    assert!(costs.by_domain.is_empty() && costs.defaulted.is_empty());
}
