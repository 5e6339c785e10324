//! The matcher on the real data of Hauts-de-France, with the code-based candidate source.
//!
//! `cargo run --release -p gapmap-match --example real_data` reads the data folder named by
//! `GAPMAP_DATA` (default `../../../shared/datasets` from this crate), keeps region 32, and prints
//! the supply, the allocation's totals and timings, and the gap by buyer and by département.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use gapmap_ingest::{DataDir, ImportOptions, import};
use gapmap_match::allocate::{AllocationEdge, AllocationProblem, allocate};
use gapmap_match::{Axis, BuyerClass, CodeCandidates, MatchConfig, MatchInput, run};
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
    let source = CodeCandidates::new(
        &data.referential,
        &data.territory,
        &data.offers,
        config.reach_km,
    );
    let input = MatchInput {
        referential: &data.referential,
        territory: &data.territory,
        offers: &data.offers,
        needs: &data.needs,
    };
    let start = Instant::now();
    let found: usize = data
        .needs
        .iter()
        .map(|n| {
            gapmap_match::CandidateSource::candidates(&source, n, config.max_candidates_per_need)
                .len()
        })
        .sum();
    println!(
        "candidate lookups alone (one thread): {:.2}s, {found} candidates",
        start.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    let outcome = run(&input, &source, &config);
    println!(
        "match: {:.2}s on {} threads",
        start.elapsed().as_secs_f64(),
        rayon::current_num_threads()
    );

    // The allocation alone, rebuilt from the outcome as `run` builds it.
    let problem = AllocationProblem {
        supplies: outcome
            .supplies
            .iter()
            .map(|s| s.graduates.milli())
            .collect(),
        volumes: outcome
            .needs
            .iter()
            .map(|n| n.known_volume().milli())
            .collect(),
        classes: outcome
            .needs
            .iter()
            .map(|n| BuyerClass::of(&n.buyer))
            .collect(),
        edges: outcome
            .needs
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.known_volume().is_zero())
            .flat_map(|(j, n)| {
                n.candidates
                    .iter()
                    .filter(|c| {
                        c.above_threshold && !outcome.supplies[c.offer_index].graduates.is_zero()
                    })
                    .map(move |c| AllocationEdge {
                        offer: c.offer_index,
                        need: j,
                        score: c.score.total,
                    })
            })
            .collect(),
    };
    let start = Instant::now();
    let flows = allocate(&problem, &config.buyer_policy);
    println!(
        "allocation alone: {:.2}s over {} edges, {} allocated (thousandths)",
        start.elapsed().as_secs_f64(),
        problem.edges.len(),
        flows.iter().sum::<u64>()
    );
    let graduates: Volume = outcome.supplies.iter().map(|s| s.graduates).sum();
    let known = outcome
        .supplies
        .iter()
        .filter(|s| s.seats.is_some())
        .count();
    let allocated: Volume = outcome.offer_use.iter().map(|u| u.allocated).sum();
    println!(
        "supply: {known} offers with seats, {graduates} graduates a year, {allocated} allocated"
    );
    let total = outcome.total();
    println!(
        "needs: {} known ({} masked), volume {}, covered {}, gap {}",
        total.needs, total.masked_needs, total.volume, total.covered, total.gap
    );
    let edges: usize = outcome
        .needs
        .iter()
        .map(|n| n.candidates.iter().filter(|c| c.above_threshold).count())
        .sum();
    let candidates: usize = outcome.needs.iter().map(|n| n.candidates.len()).sum();
    println!("candidates: {candidates}, over the threshold: {edges}");
    for status in [
        "covered",
        "masked",
        "no-volume",
        "no-candidate",
        "below-threshold",
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
                "{}:{} needs={} vol={} covered={} gap={}",
                axis.key(),
                row.key,
                row.needs,
                row.volume,
                row.covered,
                row.gap
            );
        }
    }
    ExitCode::SUCCESS
}
