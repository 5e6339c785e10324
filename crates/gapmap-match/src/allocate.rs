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
                // (`get` also drops edges whose ends are out of range.)
                e.kind == kind
                    && supplies.get(e.offer as usize).is_some_and(|&s| s > 0)
                    && volumes.get(e.need as usize).is_some_and(|&v| v > 0)
            })
            .collect();
        if picked.is_empty() {
            continue;
        }
        let phase = allocate_phase(problem, &supplies, &volumes, &picked, policy);
        for (&k, flow) in picked.iter().zip(phase) {
            let k = k as usize;
            let e = problem.edges[k];
            flows[k] = flow;
            supplies[e.offer as usize] = supplies[e.offer as usize].saturating_sub(flow);
            volumes[e.need as usize] = volumes[e.need as usize].saturating_sub(flow);
        }
    }
    flows
}

/// The flows of one phase on the edges `picked` (indices into `problem.edges`, in that order),
/// with what is left of supplies and volumes.
fn allocate_phase(
    problem: &AllocationProblem,
    supplies: &[u64],
    volumes: &[u64],
    picked: &[u32],
    policy: &BuyerPolicy,
) -> Vec<u64> {
    let left = Left { supplies, volumes };
    let split = Components::of(problem, picked);
    let solved: Vec<Vec<u64>> = split
        .groups
        .par_iter()
        .map(|group| solve_component(problem, &left, &split, group, policy))
        .collect();
    let mut flows = vec![0u64; picked.len()];
    for (group, group_flows) in split.groups.iter().zip(solved) {
        for (&slot, flow) in group.edges.iter().zip(group_flows) {
            flows[slot as usize] = flow;
        }
    }
    flows
}

/// What is left of supplies and volumes at the start of a phase.
struct Left<'a> {
    supplies: &'a [u64],
    volumes: &'a [u64],
}

/// The connected components of a phase's edges, ordered by their first edge. Nodes are numbered
/// locally in each component in order of first appearance (which keeps the solver's
/// tie-breaking stable); each node is in one component, so one array holds every local number.
struct Components<'p> {
    picked: &'p [u32],
    groups: Vec<Component>,
    /// Local number of each node: offers `0..m`, then needs.
    local: Vec<u32>,
    /// Number of offers (the first node of the needs).
    offers: usize,
}

/// One connected component.
struct Component {
    /// Positions in `picked` of its edges, in order.
    edges: Vec<u32>,
    /// Local offer number -> offer index.
    offers: Vec<u32>,
    /// Local need number -> need index.
    needs: Vec<u32>,
}

impl<'p> Components<'p> {
    fn of(problem: &AllocationProblem, picked: &'p [u32]) -> Components<'p> {
        let m = problem.supplies.len();
        let nodes = m + problem.volumes.len();
        let ends = |k: u32| {
            let e = &problem.edges[k as usize];
            (e.offer as usize, m + e.need as usize)
        };
        let mut parent: Vec<u32> = (0..nodes as u32).collect();
        fn find(parent: &mut [u32], mut x: usize) -> usize {
            while parent[x] as usize != x {
                parent[x] = parent[parent[x] as usize];
                x = parent[x] as usize;
            }
            x
        }
        for &k in picked {
            let (o, n) = ends(k);
            let (a, b) = (find(&mut parent, o), find(&mut parent, n));
            if a != b {
                parent[a.max(b)] = a.min(b) as u32;
            }
        }
        const UNSEEN: u32 = u32::MAX;
        let mut local = vec![UNSEEN; nodes];
        let mut slot_of_root = vec![UNSEEN; nodes];
        let mut groups: Vec<Component> = Vec::new();
        for (slot, &k) in picked.iter().enumerate() {
            let (o, n) = ends(k);
            let root = find(&mut parent, o);
            if slot_of_root[root] == UNSEEN {
                slot_of_root[root] = groups.len() as u32;
                groups.push(Component {
                    edges: Vec::new(),
                    offers: Vec::new(),
                    needs: Vec::new(),
                });
            }
            let group = &mut groups[slot_of_root[root] as usize];
            if local[o] == UNSEEN {
                local[o] = group.offers.len() as u32;
                group.offers.push(o as u32);
            }
            if local[n] == UNSEEN {
                local[n] = group.needs.len() as u32;
                group.needs.push((n - m) as u32);
            }
            group.edges.push(slot as u32);
        }
        Components {
            picked,
            groups,
            local,
            offers: m,
        }
    }

    /// The edge at position `slot` of `picked`, with its local offer and need numbers.
    fn edge(&self, problem: &AllocationProblem, slot: u32) -> (AllocationEdge, usize, usize) {
        let e = problem.edges[self.picked[slot as usize] as usize];
        let o = self.local[e.offer as usize] as usize;
        let n = self.local[self.offers + e.need as usize] as usize;
        (e, o, n)
    }
}

fn class_weight(policy: &BuyerPolicy, class: BuyerClass) -> i64 {
    (policy.weight(class) * 100.0).round() as i64
}

/// The flows of one component's edges, in the component's edge order.
fn solve_component(
    problem: &AllocationProblem,
    left: &Left<'_>,
    split: &Components<'_>,
    component: &Component,
    policy: &BuyerPolicy,
) -> Vec<u64> {
    let to_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX / 8).min(i64::MAX / 8);
    let volumes: Vec<i64> = component
        .needs
        .iter()
        .map(|&n| to_i64(left.volumes[n as usize]))
        .collect();
    let transport = |keep: &dyn Fn(&AllocationEdge) -> bool, weight: &dyn Fn(BuyerClass) -> i64| {
        component
            .edges
            .iter()
            .map(|&slot| split.edge(problem, slot))
            .filter(|(e, _, _)| keep(e))
            .map(|(e, o, n)| TransportEdge {
                from: o,
                to: n,
                gain: gain(e.score, weight(problem.classes[e.need as usize])),
            })
            .collect::<Vec<_>>()
    };
    let to_u64 = |f: i64| f.max(0) as u64;
    match policy {
        BuyerPolicy::Priority { .. } => {
            let supplies: Vec<i64> = component
                .offers
                .iter()
                .map(|&o| to_i64(left.supplies[o as usize]))
                .collect();
            let edges = transport(&|_| true, &|class| class_weight(policy, class));
            solve(&supplies, &volumes, &edges)
                .into_iter()
                .map(to_u64)
                .collect()
        }
        BuyerPolicy::Proportional => {
            // Each offer's supply is shared between classes by the volume each class asks of it.
            let mut pairs: Vec<(usize, usize)> = component
                .edges
                .iter()
                .map(|&slot| {
                    let (_, o, n) = split.edge(problem, slot);
                    (o, n)
                })
                .collect();
            // Each (offer, need) pair once, whatever its parallel edges.
            pairs.sort_unstable();
            pairs.dedup();
            let mut asked = vec![[0u64; 3]; component.offers.len()];
            for (o, n) in pairs {
                let need = component.needs[n] as usize;
                let c = class_index(problem.classes[need]);
                asked[o][c] = asked[o][c].saturating_add(left.volumes[need]);
            }
            let shares: Vec<Vec<u64>> = component
                .offers
                .iter()
                .zip(&asked)
                .map(|(&o, weights)| {
                    gapmap_model::Volume::from_milli(left.supplies[o as usize])
                        .apportion(weights)
                        .into_iter()
                        .map(|v| v.milli())
                        .collect()
                })
                .collect();
            let mut flows = vec![0u64; component.edges.len()];
            for class in BuyerClass::ALL {
                let c = class_index(class);
                let of_class = |e: &AllocationEdge| problem.classes[e.need as usize] == class;
                let edges = transport(&of_class, &|_| 1);
                if edges.is_empty() {
                    continue;
                }
                let supplies: Vec<i64> = shares.iter().map(|s| to_i64(s[c])).collect();
                let mut solved = solve(&supplies, &volumes, &edges).into_iter();
                for (k, &slot) in component.edges.iter().enumerate() {
                    if of_class(&split.edge(problem, slot).0) {
                        flows[k] = solved.next().map_or(0, to_u64);
                    }
                }
            }
            flows
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
