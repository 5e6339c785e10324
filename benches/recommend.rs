//! Benchmark of the recommendation on the real data: Hauts-de-France (imported, index in
//! memory) with the BMO survey's demand and the project's Ministry plan, a budget of 500 seats
//! (`Engine::recommend`: the candidates, their compilation beside the map, the greedy search
//! re-solving after each choice, and the scenario applied), median of 3; then the two baselines
//! at the same budget, and the plan alone at 300 seats, with the direct gap each leaves.
//!
//! `cargo bench -p gapmap-engine --bench recommend` (reads `$GAPMAP_DATA`, else
//! `../shared/datasets`).

use std::time::{Duration, Instant};

use gapmap_engine::{Engine, ImportOptions, Recommended};
use gapmap_match::{Budget, Costs, MatchConfig, Request, Strategy};
use gapmap_model::{Need, RegionCode};

#[path = "common.rs"]
mod common;
use common::{data_dir, median, root};

fn request(seats: u32) -> Request {
    Request {
        budget: Budget {
            seats: Some(seats),
            euros: None,
        },
        limits: Default::default(),
        costs: Costs::assumed(),
    }
}

fn line(name: &str, r: &Recommended) {
    let rec = &r.recommendation;
    println!(
        "  {name:<13} {:>4} seats {:>3} actions: direct gap {:.1} -> {:.1}, weighted {:.1} -> {:.1}",
        rec.seats,
        rec.actions.len(),
        rec.before.direct_gap.as_f64(),
        r.applied.direct_gap.as_f64(),
        rec.before.weighted_gap,
        r.applied.weighted_gap
    );
}

fn compare(
    engine: &Engine,
    needs: &[Need],
    seats: u32,
    label: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let config = MatchConfig::default();
    let base = engine.gaps(needs, &config);
    let request = request(seats);
    let runs: Vec<(Duration, Recommended)> = (0..3)
        .map(|_| {
            let t = Instant::now();
            let r = engine.recommend(needs, &config, &base, &request);
            (t.elapsed(), r)
        })
        .map(|(t, r)| r.map(|r| (t, r)))
        .collect::<Result<_, _>>()?;
    let times: Vec<Duration> = runs.iter().map(|(t, _)| *t).collect();
    let r = &runs[0].1;
    let rec = &r.recommendation;
    println!(
        "{label}, {} needs, {seats} seats: Engine::recommend {:.2} s (median of 3); {} extension and {} opening candidates, {} choices ({} undone)",
        needs.len(),
        median(times).as_secs_f64(),
        rec.candidates.0,
        rec.candidates.1,
        rec.steps.0,
        rec.steps.1
    );
    line("recommended", r);
    for (name, strategy) in [
        ("largest-gap", Strategy::LargestGap),
        ("proportional", Strategy::Proportional),
    ] {
        line(
            name,
            &engine.recommend_by(needs, &config, &base, &request, strategy)?,
        );
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = ImportOptions {
        region: Some(RegionCode::HAUTS_DE_FRANCE),
        ..ImportOptions::default()
    };
    let engine = Engine::import(&data_dir(), &options)?;
    let plan = engine.needs_from_file(&root().join("datasets/needs/armees-hdf-2026.csv"))?;
    let mut all = plan.needs.clone();
    all.extend(engine.survey_needs().iter().cloned());
    compare(&engine, &all, 500, "Hauts-de-France, plan + BMO")?;
    compare(&engine, &plan.needs, 300, "Hauts-de-France, plan")?;
    Ok(())
}
