//! Allocation at scale on synthetic data: 5k offers x 20k needs x 200k candidate edges, grouped
//! in occupation families (the graph's connected components), solved with rayon.
//!
//! Run with `cargo bench -p gapmap-match --bench allocation`; `GAPMAP_BENCH_FAMILIES=200,50`
//! chooses the family counts (fewer families = larger components).

use std::time::Instant;

use gapmap_match::allocate::{AllocationEdge, AllocationProblem, allocate};
use gapmap_match::{BuyerClass, BuyerPolicy, LinkKind, Points};

/// A small deterministic generator (xorshift64*), so that runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn synthetic(
    offers: usize,
    needs: usize,
    edges_per_need: usize,
    families: usize,
    seed: u64,
) -> AllocationProblem {
    let mut rng = Rng(seed);
    let supplies: Vec<u64> = (0..offers).map(|_| 1_000 * (5 + rng.below(26))).collect();
    let volumes: Vec<u64> = (0..needs).map(|_| 1_000 + rng.below(20_000)).collect();
    let classes: Vec<BuyerClass> = (0..needs)
        .map(|_| BuyerClass::ALL[rng.below(3) as usize])
        .collect();
    // Offer i belongs to family i % families; a need picks its family and links to offers of it.
    let per_family = offers.div_ceil(families);
    let mut edges = Vec::with_capacity(needs * edges_per_need);
    for need in 0..needs {
        let family = rng.below(families as u64) as usize;
        let mut picked = Vec::with_capacity(edges_per_need);
        for _ in 0..edges_per_need {
            let k = rng.below(per_family as u64) as usize;
            let offer = family + k * families;
            if offer < offers && !picked.contains(&offer) {
                picked.push(offer);
                let score = Points(450_000 + rng.below(550_000) as u32);
                edges.push(AllocationEdge {
                    offer: offer as u32,
                    need: need as u32,
                    score,
                    kind: LinkKind::Direct,
                });
            }
        }
    }
    AllocationProblem {
        supplies,
        volumes,
        classes,
        edges,
    }
}

fn main() {
    let families: Vec<usize> = std::env::var("GAPMAP_BENCH_FAMILIES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![400, 200, 50]);
    println!("threads: {}", rayon::current_num_threads());
    for f in families {
        let problem = synthetic(5_000, 20_000, 10, f, 0x5EED + f as u64);
        for (name, policy) in [
            ("priority", BuyerPolicy::default()),
            ("proportional", BuyerPolicy::Proportional),
        ] {
            let start = Instant::now();
            let flows = allocate(&problem, &policy);
            let elapsed = start.elapsed();
            let moved: u64 = flows.iter().sum();
            let supply: u64 = problem.supplies.iter().sum();
            let demand: u64 = problem.volumes.iter().sum();
            println!(
                "families={f:4} offers=5000 needs=20000 edges={} policy={name:12} time={:.3}s allocated={} of supply {} / demand {} (people)",
                problem.edges.len(),
                elapsed.as_secs_f64(),
                moved / 1000,
                supply / 1000,
                demand / 1000
            );
        }
    }
}
