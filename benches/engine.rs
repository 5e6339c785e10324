//! Benchmark of the library entry point, on the real data:
//! - `Engine::open` of a Hauts-de-France and of a national store: the first open builds the index
//!   beside the store, the next ones reuse it;
//! - `Engine::gaps` of the project's Ministry plan on Hauts-de-France (imported, index in memory)
//!   with its table by buyer (`Engine::table`, labels included): the Rust side of the Python
//!   overhead figure (`crates/gapmap-py/bench.py` times the same call from Python, which also
//!   reads the needs file and builds a polars DataFrame).
//!
//! `cargo bench -p gapmap-engine --bench engine` (reads `$GAPMAP_DATA`, else `../shared/datasets`);
//! without `--bench` (as `cargo test --benches` would run it) only Hauts-de-France is measured.

use std::path::Path;
use std::time::{Duration, Instant};

use gapmap_engine::{Engine, ImportOptions};
use gapmap_ingest::{DataDir, Store};
use gapmap_match::{Axis, MatchConfig};
use gapmap_model::RegionCode;

#[path = "common.rs"]
mod common;
use common::{data_dir, median, root};

/// Writes the store of `region` in `dir` and times opening it.
fn open(
    name: &str,
    region: Option<RegionCode>,
    dir: &Path,
) -> Result<Engine, Box<dyn std::error::Error>> {
    let options = ImportOptions {
        region,
        ..ImportOptions::default()
    };
    let data = DataDir::open(data_dir())?;
    let imported = gapmap_ingest::import(&data, &options)?;
    Store::write(
        dir,
        data.root(),
        None,
        region.map(|r| r.get()),
        &imported.dataset,
        &imported.report,
    )?;
    drop(imported);
    let t = Instant::now();
    drop(Engine::open(dir)?);
    let first = t.elapsed();
    let runs: Vec<Duration> = (0..3)
        .map(|_| {
            let t = Instant::now();
            let engine = Engine::open(dir);
            let elapsed = t.elapsed();
            drop(engine);
            elapsed
        })
        .collect();
    println!(
        "{name:<16} Engine::open: first {:.2} s (builds the index), then {:.3} s (median of 3, index reused)",
        first.as_secs_f64(),
        median(runs).as_secs_f64()
    );
    Ok(Engine::open(dir)?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let full = std::env::args().any(|a| a == "--bench");
    let tmp = std::env::temp_dir().join(format!("gapmap-engine-bench-{}", std::process::id()));
    let hdf = Some(RegionCode::HAUTS_DE_FRANCE);
    drop(open("Hauts-de-France", hdf, &tmp.join("hdf"))?);
    // The gaps are timed on an import (index in memory), as `bench.py` does from Python.
    let options = ImportOptions {
        region: hdf,
        ..ImportOptions::default()
    };
    let engine = Engine::import(&data_dir(), &options)?;
    let plan = engine.needs_from_file(&root().join("datasets/needs/armees-hdf-2026.csv"))?;
    let config = MatchConfig::default();
    let runs: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let outcome = engine.gaps(&plan.needs, &config);
            std::hint::black_box(engine.table(&outcome, Axis::Buyer));
            t.elapsed()
        })
        .collect();
    println!(
        "Hauts-de-France  Engine::gaps of the plan + table by buyer: {:.3} s (median of 5)",
        median(runs).as_secs_f64()
    );
    drop(engine);
    if full {
        drop(open("national", None, &tmp.join("national"))?);
    }
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}
