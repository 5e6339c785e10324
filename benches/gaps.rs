//! Benchmark: the full gap computation on the real data.
//!
//! 1. Hauts-de-France: the project's Ministry plan + the BMO demand of region 32 against the
//!    region's offers;
//! 2. scaling: the Hauts-de-France demand repeated 1, 2, 5 and 10 times (time and memory against
//!    the number of need-offer edges of the allocation);
//! 3. national: the BMO demand of the whole country against every national offer.
//!
//! Each phase: import, index build (in memory), matching; wall time and the process's peak resident
//! memory after the phase (VmHWM, monotonic: later figures include the earlier runs).
//!
//! `cargo bench -p gapmap-engine --bench gaps` (reads `$GAPMAP_DATA`, else `../shared/datasets`);
//! without `--bench` (as `cargo test --benches` runs it) only the regional phase runs;
//! `cargo bench -p gapmap-engine --bench gaps -- --national-scaling` also repeats the national
//! demand up to 10 times.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use gapmap_engine::{Engine, ImportOptions, Steps};
use gapmap_match::{Change, MatchConfig, OpenSeats, Place, Scenario};
use gapmap_model::{RegionCode, TrainingMode};

#[path = "common.rs"]
mod common;
use common::{data_dir, root};

/// Peak resident set size of this process, in MB (Linux), if readable.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The duration of each step of an engine's work.
#[derive(Default)]
struct Timed(RefCell<Vec<(String, Duration)>>);

impl Steps for Timed {
    fn step<T>(&self, label: &str, work: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = work();
        self.0.borrow_mut().push((label.to_owned(), t.elapsed()));
        out
    }
}

impl Timed {
    fn of(&self, label: &str) -> Duration {
        let steps = self.0.borrow();
        steps
            .iter()
            .filter(|(l, _)| l == label)
            .map(|(_, d)| *d)
            .sum()
    }
}

fn phase(
    name: &str,
    region: Option<RegionCode>,
    with_plan: bool,
    scaling: &[usize],
) -> Result<(), Box<dyn std::error::Error>> {
    let options = ImportOptions {
        region,
        ..ImportOptions::default()
    };
    let timed = Timed::default();
    let engine = Engine::import_with(&data_dir(), &options, &timed)?;
    let (t_import, t_index) = (timed.of("import"), timed.of("build index"));
    let d = engine.dataset();
    let mut needs = engine.survey_needs().to_vec();
    if with_plan {
        let plan = engine.needs_from_file(&root().join("datasets/needs/armees-hdf-2026.csv"))?;
        needs.extend(plan.needs);
    }
    let config = MatchConfig::default();
    let t = Instant::now();
    let matcher = engine.matcher(&config);
    let t_compile = t.elapsed();
    let t = Instant::now();
    let (outcome, steps) = matcher.run_timed(&needs);
    let t_match = t.elapsed();
    let total = outcome.total();
    println!(
        "{name:<16} import {:>5.1} s  index {:>5.1} s  compile {:>5.2} s  match {:>5.2} s \
         (text {:.2} s, join {:.2} s, allocation {:.2} s) | {} offers, {} needs, {} links | \
         demand {:.0}, direct {:.0}, adjacent {:.0}, gap {:.0} | peak RSS {:.0} MB",
        t_import.as_secs_f64(),
        t_index.as_secs_f64(),
        t_compile.as_secs_f64(),
        t_match.as_secs_f64(),
        steps.resolve_and_text.as_secs_f64(),
        steps.join.as_secs_f64(),
        steps.allocation.as_secs_f64(),
        d.offers.len(),
        needs.len(),
        outcome.link_count(),
        total.volume.as_f64(),
        total.covered_direct.as_f64(),
        total.covered_adjacent.as_f64(),
        total.gap.as_f64(),
        peak_rss_mb().unwrap_or(f64::NAN),
    );
    if with_plan {
        what_if(&engine, &needs, &config, &outcome)?;
        horizon(&engine, &needs, &config, t_match)?;
    }
    // Demand k times larger: every need repeated k times (same places and jobs, so the join is
    // the same and the allocation graph has k times the edges).
    for &k in scaling {
        let many: Vec<_> = (0..k)
            .flat_map(|r| {
                needs.iter().map(move |n| {
                    let mut n = n.clone();
                    n.id.0 = format!("{}#{r}", n.id);
                    n
                })
            })
            .collect();
        let t = Instant::now();
        let (outcome, steps) = matcher.run_timed(&many);
        let edges: usize = outcome
            .needs
            .iter()
            .filter(|n| !n.known_volume().is_zero())
            .map(|n| outcome.links_of(n).len())
            .sum();
        println!(
            "{name:<16} demand x{k:<3} {} needs, {edges} need-offer edges: match {:>6.2} s \
             (join {:.2} s, allocation {:.2} s), {:.0} ns per edge | peak RSS {:.0} MB",
            many.len(),
            t.elapsed().as_secs_f64(),
            steps.join.as_secs_f64(),
            steps.allocation.as_secs_f64(),
            t.elapsed().as_secs_f64() * 1e9 / edges.max(1) as f64,
            peak_rss_mb().unwrap_or(f64::NAN),
        );
    }
    Ok(())
}

/// A what-if recomputation with the data and the index loaded (as a server or a library user
/// holds them): the openings of `datasets/scenarios/ouvertures-2026.toml` applied to the offers,
/// then the training map compiled again and the needs matched again.
fn what_if(
    engine: &Engine,
    needs: &[gapmap_model::Need],
    config: &MatchConfig,
    base: &gapmap_match::MatchOutcome,
) -> Result<(), Box<dyn std::error::Error>> {
    let open = |cfd: &str,
                uai: &str,
                seats: u32,
                mode: TrainingMode|
     -> Result<Change, Box<dyn std::error::Error>> {
        Ok(Change::Open(OpenSeats {
            cfd: cfd.parse()?,
            place: Place::School(uai.parse()?),
            seats,
            mode,
            year: None,
            label: None,
            length: None,
        }))
    };
    let scenario = Scenario {
        name: "ouvertures-2026".to_owned(),
        changes: vec![
            open("50022139", "0620257T", 24, TrainingMode::School)?,
            open("32025303", "0801514L", 24, TrainingMode::School)?,
            open("32020116", "0620257T", 30, TrainingMode::School)?,
            open("32020116", "0620030W", 15, TrainingMode::Apprenticeship)?,
        ],
    };
    let t = Instant::now();
    let offers = engine.apply(&scenario)?;
    let (full, steps) = engine.matcher_over(&offers, config).run_timed(needs);
    let t_full = t.elapsed();
    let t = Instant::now();
    let rerun = engine.what_if(needs, config, base, &scenario)?.outcome;
    let t_rerun = t.elapsed();
    println!(
        "{:<16} what-if (4 openings): apply + compile + rerun {:>5.2} s; with a full match \
         instead {:.2} s (text {:.2} s, join {:.2} s, allocation {:.2} s) | direct {:.0} -> {:.0}{}",
        "Hauts-de-France",
        t_rerun.as_secs_f64(),
        t_full.as_secs_f64(),
        steps.resolve_and_text.as_secs_f64(),
        steps.join.as_secs_f64(),
        steps.allocation.as_secs_f64(),
        base.total().covered_direct.as_f64(),
        rerun.total().covered_direct.as_f64(),
        if rerun == full {
            ""
        } else {
            " | RERUN DIFFERS FROM THE FULL MATCH"
        },
    );
    if rerun != full {
        return Err("the rerun differs from the full match".into());
    }
    Ok(())
}

/// The same needs over the plan horizon 2026-2030 (the plan's lines grow, the BMO demand is
/// repeated): the five years against the single match, best of three runs each (the README's
/// target: at most 2x).
fn horizon(
    engine: &Engine,
    needs: &[gapmap_model::Need],
    config: &MatchConfig,
    single: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    let matcher = engine.matcher(config);
    let horizon: gapmap_match::Horizon = "2026-2030".parse()?;
    let best = |work: &dyn Fn() -> Duration| (0..3).map(|_| work()).min().unwrap_or_default();
    let single = best(&|| {
        let t = Instant::now();
        std::hint::black_box(matcher.run(needs));
        t.elapsed()
    })
    .min(single);
    let years = best(&|| {
        let t = Instant::now();
        let (outcome, steps) = matcher.run_horizon_timed(needs, horizon);
        let elapsed = t.elapsed();
        println!(
            "{:<16} horizon 2026-2030 run: {:.2} s (text {:.2} s, join {:.2} s, allocation of the \
             years {:.2} s)",
            "Hauts-de-France",
            elapsed.as_secs_f64(),
            steps.resolve_and_text.as_secs_f64(),
            steps.join.as_secs_f64(),
            steps.allocation.as_secs_f64(),
        );
        std::hint::black_box(outcome);
        elapsed
    });
    let outcome = matcher.run_horizon(needs, horizon);
    let gaps: Vec<String> = (outcome.years.iter())
        .map(|y| format!("{} {:.0}", y.year, y.outcome.total().gap.as_f64()))
        .collect();
    println!(
        "{:<16} horizon 2026-2030: {:.2} s against one year {:.2} s: x{:.2} | gap {} | peak RSS \
         {:.0} MB",
        "Hauts-de-France",
        years.as_secs_f64(),
        single.as_secs_f64(),
        years.as_secs_f64() / single.as_secs_f64(),
        gaps.join(", "),
        peak_rss_mb().unwrap_or(f64::NAN),
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let full = std::env::args().any(|a| a == "--bench");
    let scaling: &[usize] = if full { &[1, 2, 5, 10] } else { &[] };
    phase(
        "Hauts-de-France",
        Some(RegionCode::HAUTS_DE_FRANCE),
        true,
        scaling,
    )?;
    if full {
        // `--national-scaling`: the national demand x1, x2, x5, x10 too (about 10 GB and a few
        // minutes more).
        let national_scaling = std::env::args().any(|a| a == "--national-scaling");
        let scaling: &[usize] = if national_scaling {
            &[1, 2, 5, 10]
        } else {
            &[]
        };
        phase("national", None, false, scaling)?;
    }
    Ok(())
}
