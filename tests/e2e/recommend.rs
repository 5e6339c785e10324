//! `gapmap recommend` end to end: on the demo, its scenario file gives `gaps --scenario` the
//! figures it predicted and bad inputs are refused with the file and key; on the real
//! Hauts-de-France data with the Ministry plan, the same round trip, and the recommended plan
//! leaves no larger weighted gap than the two baselines at the same budget.

use std::path::Path;

use crate::{gapmap, gapmap_ok, real_data};

/// `recommend ... --format json --scenario-out F`, then `gaps ... --scenario F --format json`:
/// the total gap of the second is the first's applied direct gap. Returns the recommendation.
fn round_trip(dir: &Path, source: &[&str], budget: &[&str]) -> serde_json::Value {
    let scenario = dir.join("recommended.toml");
    let scenario = scenario.to_str().unwrap_or_default();
    let mut args = vec![
        "recommend",
        "--quiet",
        "--format",
        "json",
        "--scenario-out",
        scenario,
    ];
    args.extend(source);
    args.extend(budget);
    let rec: serde_json::Value =
        serde_json::from_str(&gapmap_ok(dir, &args)).unwrap_or_else(|e| panic!("{e}"));
    let mut args = vec![
        "gaps",
        "--quiet",
        "--format",
        "json",
        "--scenario",
        scenario,
    ];
    args.extend(source);
    let gaps: serde_json::Value =
        serde_json::from_str(&gapmap_ok(dir, &args)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(gaps["coverage_rule"], "direct");
    let applied = rec["applied"]["direct_gap"].as_f64().unwrap_or(f64::NAN);
    let after = gaps["total"]["gap"].as_f64().unwrap_or(f64::NAN);
    assert!(
        (applied - after).abs() < 1e-9,
        "recommend {applied} != gaps {after}"
    );
    assert_eq!(rec["after"], rec["applied"]);
    rec
}

#[test]
fn recommend_round_trip_on_the_demo() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rec = round_trip(tmp.path(), &[], &["--budget", "60"]);
    assert!(
        rec["seats"].as_u64().is_some_and(|s| s > 0 && s <= 60),
        "{rec}"
    );
    let actions = rec["actions"].as_array().cloned().unwrap_or_default();
    assert!(!actions.is_empty());
    for a in &actions {
        assert!(a["closed"].as_f64().is_some_and(|c| c > 0.0), "{a}");
        assert!(a["needs"].as_array().is_some_and(|n| !n.is_empty()), "{a}");
    }
    // The table states the costs and the opened courses' fill as assumptions.
    let table = gapmap_ok(tmp.path(), &["recommend", "--quiet", "--budget", "60"]);
    assert!(
        table.contains("an opened course fills 100% of its seats"),
        "{table}"
    );
    assert!(table.contains("costs assumed (no cost file)"), "{table}");
}

#[test]
fn recommend_refuses_bad_requests() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let limits = tmp.path().join("limits.toml");
    std::fs::write(&limits, "levels = \"3-9\"\n").unwrap_or_else(|e| panic!("{e}"));
    let costs = tmp.path().join("costs.toml");
    std::fs::write(&costs, "[domain.Z]\ncourse_opening = 1\n").unwrap_or_else(|e| panic!("{e}"));
    let limits = limits.to_str().unwrap_or_default();
    let costs = costs.to_str().unwrap_or_default();
    let cases: [(&[&str], &str); 4] = [
        (&["recommend"], "give a budget"),
        (
            &["recommend", "--budget", "10", "--limits", limits],
            "limits.toml: levels:",
        ),
        (
            &["recommend", "--budget", "10", "--costs", costs],
            "costs.toml: [domain.Z]",
        ),
        (
            &["recommend", "--budget", "10", "--years", "2026-2027"],
            "--years and --scenario are refused",
        ),
    ];
    for (args, message) in cases {
        let out = gapmap(tmp.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

/// The figures the README gives for the Ministry plan at 300 seats.
#[test]
fn real_recommend_with_the_ministry_plan() {
    let Some(data) = real_data() else {
        return;
    };
    let data = data.to_str().unwrap_or_default().to_owned();
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let source = ["--data", data.as_str(), "--region", "32"];
    let rec = round_trip(tmp.path(), &source, &["--budget", "300", "--baselines"]);
    let weighted = |v: &serde_json::Value| v["weighted_gap"].as_f64().unwrap_or(f64::NAN);
    let direct = |v: &serde_json::Value| v["direct_gap"].as_f64().unwrap_or(f64::NAN);
    assert_eq!(direct(&rec["before"]), 1670.827);
    assert_eq!(direct(&rec["applied"]), 1534.075);
    assert_eq!(rec["seats"], 287);
    let baselines = rec["baselines"].as_array().cloned().unwrap_or_default();
    assert_eq!(baselines.len(), 2);
    for b in &baselines {
        assert!(b["seats"].as_u64().is_some_and(|s| s <= 300));
        assert!(
            weighted(&rec["applied"]) <= weighted(&b["after"]) + 1e-6,
            "{b}"
        );
    }
    // Every action is explained: the needs it closes, with their distance, and its lag.
    for a in rec["actions"].as_array().into_iter().flatten() {
        assert!(a["needs"][0]["distance_km"].is_number(), "{a}");
        assert!(a["length_years"].as_u64().is_some_and(|l| l >= 1), "{a}");
    }
}

/// `report --recommend` adds the section and writes the same scenario as `recommend`.
#[test]
fn report_has_the_recommendations() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = tmp.path().join("report");
    let out = out.to_str().unwrap_or_default();
    gapmap_ok(
        tmp.path(),
        &["report", "--quiet", "--recommend", "60", "--out", out],
    );
    let json = gapmap_ok(
        tmp.path(),
        &["recommend", "--quiet", "--budget", "60", "--format", "json"],
    );
    let rec: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    let written = std::fs::read_to_string(Path::new(out).join("recommendation.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rec["scenario_toml"].as_str(), Some(written.as_str()));
    let html = std::fs::read_to_string(Path::new(out).join("report.html"))
        .unwrap_or_else(|e| panic!("{e}"));
    let start = html
        .find("<section id=\"recommendations\">")
        .unwrap_or_else(|| panic!("no section"));
    let section = &html[start..start + html[start..].find("</section>").unwrap_or(0)];
    let rows = section.matches("data-field=\"closed\"").count();
    assert_eq!(rows, rec["actions"].as_array().map_or(0, Vec::len));
    assert!(section.contains("coûts supposés"), "{section}");
    let readme = std::fs::read_to_string(Path::new(out).join("README.txt")).unwrap_or_default();
    assert!(readme.contains("recommendation.toml"));
}

/// With `redeploy`, empty seats of courses whose entrants are measured fund the actions: with no
/// seat of budget, the plan gets what 287 added seats give, and no removal changes a graduate.
#[test]
fn real_recommend_redeploys_empty_seats() {
    let Some(data) = real_data() else {
        return;
    };
    let data = data.to_str().unwrap_or_default().to_owned();
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let limits = tmp.path().join("limits.toml");
    std::fs::write(&limits, "redeploy = 300\n").unwrap_or_else(|e| panic!("{e}"));
    let limits = limits.to_str().unwrap_or_default();
    let source = ["--data", data.as_str(), "--region", "32"];
    let rec = round_trip(tmp.path(), &source, &["--budget", "0", "--limits", limits]);
    assert_eq!(rec["seats"], rec["seats_removed"], "net zero seats");
    assert_eq!(rec["seats"], 287);
    assert_eq!(rec["applied"]["direct_gap"].as_f64(), Some(1534.075));
    let removals: Vec<&serde_json::Value> = (rec["actions"].as_array().into_iter().flatten())
        .filter(|a| a["kind"] == "reduce" || a["kind"] == "close")
        .collect();
    assert!(!removals.is_empty());
    for a in removals {
        assert_eq!(a["graduates"].as_f64(), Some(0.0), "{a}");
        assert!(a["fill_rate"].as_f64().is_some_and(|f| f < 1.0), "{a}");
    }
}
