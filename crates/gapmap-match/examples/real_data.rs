//! The matcher on the real data of Hauts-de-France, with the word-overlap text source.
//!
//! `cargo run --release -p gapmap-match --example real_data` reads the data folder named by
//! `GAPMAP_DATA` (default `../../../shared/datasets` from this crate), keeps region 32, matches the
//! BMO survey's needs, and prints the timings, the links of the compiled join, the allocation's
//! totals (direct and adjacent) and the gap by buyer and by département.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use gapmap_ingest::{DataDir, ImportOptions, import};
use gapmap_match::{Axis, LinkKind, MatchConfig, Matcher, WordOverlap};
use gapmap_model::{RegionCode, Volume};

fn main() -> ExitCode {
    let root = std::env::var_os("GAPMAP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets")
        });
    let start = Instant::now();
    let data = match DataDir::open(&root).and_then(|dir| {
        import(
            &dir,
            &ImportOptions {
                region: Some(RegionCode::HAUTS_DE_FRANCE),
                ..ImportOptions::default()
            },
        )
    }) {
        Ok(imported) => imported.dataset,
        Err(e) => {
            eprintln!("cannot import {}: {e}", root.display());
            return ExitCode::FAILURE;
        }
    };
    println!(
        "import: {:.1}s, {} offers, {} needs",
        start.elapsed().as_secs_f64(),
        data.offers.len(),
        data.needs.len()
    );

    let config = MatchConfig::default();
    let text = WordOverlap::new(&data.referential, &data.offers);
    let start = Instant::now();
    let matcher = Matcher::new(
        &data.referential,
        &data.territory,
        &data.offers,
        &text,
        &config,
    );
    println!("compile: {:.2}s", start.elapsed().as_secs_f64());
    let start = Instant::now();
    let outcome = matcher.run(&data.needs);
    println!(
        "match: {:.2}s on {} threads, {} links over {} need profiles",
        start.elapsed().as_secs_f64(),
        rayon::current_num_threads(),
        outcome.link_count(),
        outcome.links.len()
    );
    let direct = outcome
        .links
        .iter()
        .flatten()
        .filter(|l| l.kind == LinkKind::Direct)
        .count();
    println!("links: {direct} direct");
    let graduates: Volume = outcome.supplies.iter().map(|s| s.graduates).sum();
    let allocated: Volume = outcome.offer_use.iter().map(|u| u.allocated).sum();
    println!("supply: {graduates} graduates a year, {allocated} allocated");
    let total = outcome.total();
    println!(
        "needs: {} known ({} masked), demand {} (seasonal left out {}), direct {}, adjacent {}, gap {}",
        total.needs,
        total.masked_needs,
        total.volume,
        total.seasonal_excluded,
        total.covered_direct,
        total.covered_adjacent,
        total.gap
    );
    for status in [
        "covered",
        "masked",
        "no-volume",
        "no-candidate",
        "adjacent-only",
        "capacity-unknown",
        "supply-exhausted",
    ] {
        let n = outcome
            .needs
            .iter()
            .filter(|n| n.status.key() == status)
            .count();
        println!("  status {status}: {n}");
    }
    for axis in [Axis::Buyer, Axis::Departement] {
        for row in outcome.aggregate(axis) {
            println!(
                "{}:{} needs={} demand={} direct={} adjacent={} gap={} tension={:?}",
                axis.key(),
                row.key,
                row.needs,
                row.volume,
                row.covered_direct,
                row.covered_adjacent,
                row.gap,
                row.tension().map(|t| format!("{t:.2}"))
            );
        }
    }
    ExitCode::SUCCESS
}
