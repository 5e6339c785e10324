//! Capacity-aware allocation of graduates to needs.
//!
//! The (offer, need) edges whose score reaches the threshold form a bipartite graph; it falls apart
//! into independent connected components (occupation families, territories), each solved exactly
//! as a transportation problem by the network simplex ([`crate::simplex::solve`]) in parallel with
//! rayon. Components are ordered
//! by their first edge and results written back by edge index, so the outcome does not depend on
//! the number of threads.
//!
//! Direct links are allocated first, on their own: the direct coverage of a need never depends on
//! adjacent links. Adjacent links then share what is left of supplies and demands.
//!
//! Under [`BuyerPolicy::Priority`] the objective is `sum(score x class weight x flow)`; under
//! [`BuyerPolicy::Proportional`] it is `sum(score x flow)` within each class's shares. Ties between
//! allocations of the same objective go to the one covering more volume.

use rayon::prelude::*;

use crate::config::{BuyerClass, BuyerPolicy};
use crate::flow::TransportEdge;
use crate::score::{LinkKind, Points};
use crate::simplex::solve;

/// One edge of the allocation graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocationEdge {
    /// Offer index.
    pub offer: u32,
    /// Need index.
    pub need: u32,
    /// Score of the pair.
    pub score: Points,
    /// Direct or adjacent.
    pub kind: LinkKind,
}

/// An allocation problem: supplies and volumes in thousandths of a person.
#[derive(Clone, Debug, PartialEq)]
pub struct AllocationProblem {
    /// Graduates per offer (thousandths).
    pub supplies: Vec<u64>,
    /// Volume per need (thousandths).
    pub volumes: Vec<u64>,
    /// Buyer class per need.
    pub classes: Vec<BuyerClass>,
    /// Candidate edges over the threshold.
    pub edges: Vec<AllocationEdge>,
}

/// Flow (thousandths) on each edge of `problem`, in edge order: the direct edges first, maximising
/// the policy's objective, then the adjacent edges on what is left, maximising it again.
pub fn allocate(problem: &AllocationProblem, policy: &BuyerPolicy) -> Vec<u64> {
    let mut flows = vec![0u64; problem.edges.len()];
    let mut supplies = problem.supplies.clone();
    let mut volumes = problem.volumes.clone();
    for kind in [LinkKind::Direct, LinkKind::Adjacent] {
        // Edges of this phase whose offer and need still have something to give and take.
        let picked: Vec<u32> = (0..problem.edges.len() as u32)
            .filter(|&k| {
                let k = k as usize;
                let e = &problem.edges[k];
                e.kind == kind
                    && supplies.get(e.offer as usize).is_some_and(|&s| s > 0)
                    && volumes.get(e.need as usize).is_some_and(|&v| v > 0)
            })
            .collect();
        if picked.is_empty() {
            continue;
        }
        for (k, flow) in allocate_phase(problem, &supplies, &volumes, &picked, policy) {
            let e = problem.edges[k];
            flows[k] = flow;
            supplies[e.offer as usize] = supplies[e.offer as usize].saturating_sub(flow);
            volumes[e.need as usize] = volumes[e.need as usize].saturating_sub(flow);
        }
    }
    flows
}

/// The flows of one phase over the edges `picked` (indices into `problem.edges`), with what is
/// left of supplies and volumes.
fn allocate_phase(
    problem: &AllocationProblem,
    supplies: &[u64],
    volumes: &[u64],
    picked: &[u32],
    policy: &BuyerPolicy,
) -> Vec<(usize, u64)> {
    let left = Left { supplies, volumes };
    components(problem, picked)
        .par_iter()
        .map(|edges| solve_component(problem, &left, edges, policy))
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}

/// What is left of supplies and volumes at the start of a phase.
struct Left<'a> {
    supplies: &'a [u64],
    volumes: &'a [u64],
}

/// Edge indices (into `problem.edges`) of each connected component of the `picked` edges,
/// ordered by their first edge.
fn components(problem: &AllocationProblem, picked: &[u32]) -> Vec<Vec<u32>> {
    let m = problem.supplies.len();
    let mut parent: Vec<usize> = (0..m + problem.volumes.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let valid =
        |e: &AllocationEdge| (e.offer as usize) < m && (e.need as usize) < problem.volumes.len();
    for e in picked
        .iter()
        .map(|&k| &problem.edges[k as usize])
        .filter(|e| valid(e))
    {
        let a = find(&mut parent, e.offer as usize);
        let b = find(&mut parent, m + (e.need as usize));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut slot_of_root: Vec<Option<usize>> = vec![None; parent.len()];
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for (i, e) in picked
        .iter()
        .map(|&k| (k, &problem.edges[k as usize]))
        .filter(|(_, e)| valid(e))
    {
        let root = find(&mut parent, e.offer as usize);
        let slot = *slot_of_root[root].get_or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[slot].push(i);
    }
    groups
}

fn class_weight(policy: &BuyerPolicy, class: BuyerClass) -> i64 {
    match policy {
        BuyerPolicy::Priority {
            ministry,
            defence_industry,
            civil,
        } => {
            let w = match class {
                BuyerClass::Ministry => *ministry,
                BuyerClass::DefenceIndustry => *defence_industry,
                BuyerClass::Civil => *civil,
            };
            let w = if w.is_finite() {
                w.clamp(0.01, 100.0)
            } else {
                1.0
            };
            (w * 100.0).round() as i64
        }
        BuyerPolicy::Proportional => 1,
    }
}

fn solve_component(
    problem: &AllocationProblem,
    left: &Left<'_>,
    edges: &[u32],
    policy: &BuyerPolicy,
) -> Vec<(usize, u64)> {
    // Local numbering in order of first appearance keeps the solver's tie-breaking stable.
    let mut offers: Vec<usize> = Vec::new();
    let mut needs: Vec<usize> = Vec::new();
    let mut local_offer = std::collections::HashMap::new();
    let mut local_need = std::collections::HashMap::new();
    let mut local_edges = Vec::with_capacity(edges.len());
    for &i in edges {
        let e = problem.edges[i as usize];
        let o = *local_offer.entry(e.offer as usize).or_insert_with(|| {
            offers.push(e.offer as usize);
            offers.len() - 1
        });
        let n = *local_need.entry(e.need as usize).or_insert_with(|| {
            needs.push(e.need as usize);
            needs.len() - 1
        });
        local_edges.push((o, n));
    }
    let to_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX / 8).min(i64::MAX / 8);
    let volumes: Vec<i64> = needs.iter().map(|&n| to_i64(left.volumes[n])).collect();
    let edge = |k: usize| problem.edges[edges[k] as usize];

    match policy {
        BuyerPolicy::Priority { .. } => {
            let supplies: Vec<i64> = offers.iter().map(|&o| to_i64(left.supplies[o])).collect();
            let transport: Vec<TransportEdge> = local_edges
                .iter()
                .enumerate()
                .map(|(k, &(o, n))| {
                    let e = edge(k);
                    TransportEdge {
                        from: o,
                        to: n,
                        gain: gain(
                            e.score,
                            class_weight(policy, problem.classes[e.need as usize]),
                        ),
                    }
                })
                .collect();
            let flows = solve(&supplies, &volumes, &transport);
            edges
                .iter()
                .zip(flows)
                .map(|(&i, f)| (i as usize, f.max(0) as u64))
                .collect()
        }
        BuyerPolicy::Proportional => {
            // Each offer's supply is shared between classes by the volume each class asks of it.
            let mut asked = vec![[0u64; 3]; offers.len()];
            let mut seen = std::collections::HashSet::new();
            for (k, &(o, n)) in local_edges.iter().enumerate() {
                if seen.insert((o, n)) {
                    let e = edge(k);
                    let c = class_index(problem.classes[e.need as usize]);
                    asked[o][c] = asked[o][c].saturating_add(left.volumes[e.need as usize]);
                }
            }
            let shares: Vec<Vec<u64>> = offers
                .iter()
                .zip(&asked)
                .map(|(&o, weights)| {
                    gapmap_model::Volume::from_milli(left.supplies[o])
                        .apportion(weights)
                        .into_iter()
                        .map(|v| v.milli())
                        .collect()
                })
                .collect();
            let mut result = Vec::with_capacity(edges.len());
            for class in BuyerClass::ALL {
                let c = class_index(class);
                let picked: Vec<usize> = (0..local_edges.len())
                    .filter(|&k| problem.classes[edge(k).need as usize] == class)
                    .collect();
                if picked.is_empty() {
                    continue;
                }
                let supplies: Vec<i64> = shares.iter().map(|s| to_i64(s[c])).collect();
                let transport: Vec<TransportEdge> = picked
                    .iter()
                    .map(|&k| {
                        let (o, n) = local_edges[k];
                        TransportEdge {
                            from: o,
                            to: n,
                            gain: gain(edge(k).score, 1),
                        }
                    })
                    .collect();
                let flows = solve(&supplies, &volumes, &transport);
                result.extend(
                    picked
                        .iter()
                        .zip(flows)
                        .map(|(&k, f)| (edges[k] as usize, f.max(0) as u64)),
                );
            }
            result
        }
    }
}

/// Gain per thousandth of a graduate on an edge: the score in thousandths (the precision scores
/// are shown with) x the class weight, scaled by 16 plus one, so that among allocations of equal
/// score-weighted total the one covering more volume wins (the bonus is worth a sixteenth of a
/// score thousandth per thousandth of a graduate).
fn gain(score: Points, weight: i64) -> i64 {
    i64::from(score.0 / 1000) * weight * 16 + 1
}

fn class_index(class: BuyerClass) -> usize {
    match class {
        BuyerClass::Ministry => 0,
        BuyerClass::DefenceIndustry => 1,
        BuyerClass::Civil => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::brute_force;
    use proptest::prelude::*;

    fn tiny_problem() -> impl Strategy<Value = AllocationProblem> {
        (1usize..=3, 1usize..=3).prop_flat_map(|(m, n)| {
            (
                prop::collection::vec(0u64..=3, m),
                prop::collection::vec(0u64..=3, n),
                prop::collection::vec(0usize..3, n),
                prop::collection::btree_map((0..m, 0..n), 0u32..=1_000_000, 0..=6),
            )
                .prop_map(|(supplies, volumes, classes, edges)| AllocationProblem {
                    supplies,
                    volumes,
                    classes: classes.into_iter().map(|c| BuyerClass::ALL[c]).collect(),
                    edges: edges
                        .into_iter()
                        .map(|((offer, need), s)| AllocationEdge {
                            offer: offer as u32,
                            need: need as u32,
                            score: Points(s),
                            kind: LinkKind::Direct,
                        })
                        .collect(),
                })
        })
    }

    proptest! {
        /// The Priority allocation reaches the brute-force optimum of its objective, within
        /// supplies and volumes, whatever the components.
        #[test]
        fn priority_allocation_is_optimal(problem in tiny_problem()) {
            let policy = BuyerPolicy::default();
            let flows = allocate(&problem, &policy);
            let edges: Vec<TransportEdge> = problem
                .edges
                .iter()
                .map(|e| TransportEdge {
                    from: e.offer as usize,
                    to: e.need as usize,
                    gain: gain(e.score, class_weight(&policy, problem.classes[e.need as usize])),
                })
                .collect();
            let supplies: Vec<i64> = problem.supplies.iter().map(|&s| s as i64).collect();
            let volumes: Vec<i64> = problem.volumes.iter().map(|&v| v as i64).collect();
            let as_i64: Vec<i64> = flows.iter().map(|&f| f as i64).collect();
            prop_assert_eq!(crate::flow::total_gain(&edges, &as_i64), brute_force(&supplies, &volumes, &edges));
        }

        /// Under Proportional, no class takes more of an offer than its share.
        #[test]
        fn proportional_classes_stay_within_their_shares(problem in tiny_problem()) {
            let flows = allocate(&problem, &BuyerPolicy::Proportional);
            for (o, &supply) in problem.supplies.iter().enumerate() {
                let mut asked = [0u64; 3];
                let mut taken = [0u64; 3];
                for (e, &f) in problem.edges.iter().zip(&flows).filter(|(e, _)| (e.offer as usize) == o) {
                    let c = class_index(problem.classes[e.need as usize]);
                    asked[c] += problem.volumes[e.need as usize];
                    taken[c] += f;
                }
                let shares = gapmap_model::Volume::from_milli(supply).apportion(&asked);
                for (c, share) in shares.iter().enumerate() {
                    prop_assert!(taken[c] <= share.milli());
                }
                prop_assert_eq!(shares.len(), 3);
            }
            for (j, &v) in problem.volumes.iter().enumerate() {
                let inflow: u64 = problem.edges.iter().zip(&flows).filter(|(e, _)| (e.need as usize) == j).map(|(_, f)| f).sum();
                prop_assert!(inflow <= v);
            }
        }
    }
}
