//! A planner's session with gapmap as a library.
//!
//! 1. Open the data: the project's demo folder (or the folder given as the first argument, e.g. the
//!    official files in `../shared/datasets`, restricted to Hauts-de-France).
//! 2. Ask for the gaps of a recruitment plan: the Ministry plan of `datasets/needs/`, compared with
//!    the graduates of the trainings that teach each job.
//! 3. Explain one need: which offers could supply it, how each scores, where their graduates went.
//! 4. Read the supply: the students who actually enter the courses, and their graduates.
//! 5. Try a scenario: the openings of `datasets/scenarios/ouvertures-2026.toml`, and what they
//!    change.
//!
//! `cargo run -p gapmap-engine --example plan [DATA_FOLDER]`

use std::path::{Path, PathBuf};

use gapmap_engine::{Engine, EngineError, ImportOptions, read_scenario};
use gapmap_match::{Axis, LinkKind, MatchConfig, compare};
use gapmap_model::{NeedId, RegionCode};

fn main() -> Result<(), EngineError> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");

    // 1. Open the data. An import builds the index in memory; `Engine::open` would reopen a store
    //    written by `gapmap import --store` and reuse the index kept beside it.
    let (data, region) = match std::env::args_os().nth(1) {
        Some(dir) => (PathBuf::from(dir), Some(RegionCode::HAUTS_DE_FRANCE)),
        None => (root.join("datasets/demo"), None),
    };
    let options = ImportOptions {
        region,
        ..ImportOptions::default()
    };
    let engine = Engine::import(&data, &options)?;
    let d = engine.dataset();
    println!(
        "{}: {} offers, {} ROME sheets, {} rows refused by the import",
        data.display(),
        d.offers.len(),
        d.referential.metiers.len(),
        engine.report().rejects.len()
    );

    // 2. The gaps of a plan. Every figure is in fixed-point people per year; "covered" counts the
    //    graduates of trainings that teach the job (direct links) only.
    let plan = engine.needs_from_file(&root.join("datasets/needs/armees-hdf-2026.csv"))?;
    let config = MatchConfig::default();
    let outcome = engine.gaps(&plan.needs, &config);
    let total = outcome.total();
    println!(
        "plan: {} people a year, covered {} by direct supply, {} more by adjacent supply, gap {}",
        total.volume, total.covered, total.covered_adjacent, total.gap
    );
    // A table along an axis: typed keys (here `GapKey::Buyer`) with their labels, biggest gap
    // first.
    for t in engine.table(&outcome, Axis::Buyer).iter().take(3) {
        println!(
            "  {:<32} demand {:>8}  gap {:>8}",
            t.label, t.row.volume, t.row.gap
        );
    }

    // 3. Explain the need with the largest gap.
    let Some(worst) = outcome.needs.iter().max_by_key(|n| (n.gap, n.id.clone())) else {
        return Ok(());
    };
    let id: NeedId = worst.id.clone();
    if let Some(why) = engine.explain(&outcome, &id, &config) {
        println!(
            "need {id} ({}): demand {}, direct {}, gap {}; {} candidate offers",
            why.need.specialty,
            why.need
                .demand
                .map_or("masked".to_owned(), |v| v.to_string()),
            why.need.covered_direct,
            why.need.gap,
            why.candidates.len()
        );
        for c in why.candidates.iter().take(3) {
            let offer = &d.offers[c.offer_index];
            let kind = match c.link.kind {
                LinkKind::Direct => "direct",
                LinkKind::Adjacent => "adjacent",
            };
            println!("  {kind:<8} {} {}", c.score.total, offer.label);
        }
    }

    // 4. The supply behind those figures: students who enter (census enrolment or applications,
    //    at most the seats; an empty seat trains nobody) and graduates, per source, mode and level.
    for g in engine.supplies(&config).summary() {
        // A group whose entrants no data gives (courses without capacity or census) is unknown.
        let people = |v: f64| match g.with_entrants {
            0 => "unknown".to_owned(),
            _ => format!("{v:.1}"),
        };
        println!(
            "  {:<15} {:<14} level {:<2} {:>4} offers {:>6} seats {:>9} entrants {:>8} graduates",
            g.source,
            g.mode,
            g.level.map_or("-".to_owned(), |l| l.to_string()),
            g.offers,
            g.seats,
            people(g.entrants),
            people(g.graduates)
        );
    }

    // 5. A scenario: apply its openings and match again, reusing the links of step 2.
    let scenario = read_scenario(&root.join("datasets/scenarios/ouvertures-2026.toml"))?;
    let what_if = engine.what_if(&plan.needs, &config, &outcome, &scenario)?;
    let delta = compare(&outcome, &what_if.outcome);
    println!(
        "scenario \"{}\": {} offers, gap {} -> {}",
        scenario.name,
        what_if.offers.len(),
        delta.total.before.gap,
        delta.total.after.gap
    );
    Ok(())
}
