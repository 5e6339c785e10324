//! Benchmark: the full national import from the publishers' raw files, and reopening the store.
//!
//! `cargo bench -p gapmap-ingest --bench import` (reads `$GAPMAP_DATA`, else `../shared/datasets`).
//! Prints the median of a few runs of each step; the figures go into the README with the machine.

use std::time::{Duration, Instant};

use gapmap_ingest::{DataDir, ImportOptions, OfferFilter, Store, import};
use gapmap_model::RegionCode;

#[path = "common.rs"]
mod common;
use common::{data_dir, median};

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let t = Instant::now();
    let mut value = f();
    let mut samples = vec![t.elapsed()];
    for _ in 1..runs {
        let t = Instant::now();
        value = f();
        samples.push(t.elapsed());
    }
    (median(samples), value)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo test --benches` runs bench binaries with `--bench` absent: do one quick pass only.
    let quick = !std::env::args().any(|a| a == "--bench");
    let runs = if quick { 1 } else { 3 };
    let dir = DataDir::open(data_dir())?;
    let tmp = std::env::temp_dir().join(format!("gapmap-bench-store-{}", std::process::id()));
    for (name, region) in [
        ("national", None),
        ("Hauts-de-France", Some(RegionCode::HAUTS_DE_FRANCE)),
    ] {
        let options = ImportOptions {
            region,
            offers: OfferFilter {
                region,
                all_years: false,
            },
            skip_bmo: false,
        };
        let (took, imported) = time(runs, || import(&dir, &options));
        let imported = imported?;
        println!(
            "import {name:<16} {:>8.2} s  ({} offers, {} needs, {} rejects)",
            took.as_secs_f64(),
            imported.dataset.offers.len(),
            imported.dataset.needs.len(),
            imported.report.rejects.len()
        );
        let (write, manifest) = time(runs, || {
            Store::write(
                &tmp,
                dir.root(),
                None,
                region.map(|r| r.get()),
                &imported.dataset,
                &imported.report,
            )
        });
        manifest?;
        let (open, store) = time(runs.max(3), || Store::open(&tmp));
        let store = store?;
        let size: u64 = std::fs::read_dir(&tmp)?
            .filter_map(|e| e.ok()?.metadata().ok())
            .map(|m| m.len())
            .sum();
        println!(
            "store  {name:<16} write {:>6.3} s, reopen {:>6.3} s, {:.1} MB ({} offers)",
            write.as_secs_f64(),
            open.as_secs_f64(),
            size as f64 / 1e6,
            store.dataset.offers.len()
        );
    }
    std::fs::remove_dir_all(&tmp).ok();
    Ok(())
}
