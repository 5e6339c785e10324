//! A min-cost flow for the transportation problem by successive shortest paths, in safe Rust with
//! integer quantities: the reference solver, kept as the oracle of the network simplex
//! ([`crate::simplex`]) that the allocation uses. Its rounds grow with the range of path costs,
//! which makes it slow on large components with fine-grained gains.
//!
//! Sources (offers) with supplies, sinks (needs) with demands, and edges with a positive integer
//! gain per unit. [`solve`] finds flows on the edges that maximise `sum(gain x flow)` without
//! exceeding any supply or demand (not every unit must move: an edge with no gain never carries
//! flow). Primal-dual successive shortest paths: Dijkstra on reduced costs (Johnson potentials)
//! finds the cost of the most profitable augmenting path, then flow is pushed along every path of
//! that cost (zero reduced-cost arcs) before the next Dijkstra. The search stops when no path has a
//! positive gain, which is optimal because the best gain of successive paths never increases.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One candidate edge of a transportation problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransportEdge {
    /// Index of the source (offer).
    pub from: usize,
    /// Index of the sink (need).
    pub to: usize,
    /// Gain per unit of flow; edges with a gain of 0 or less never carry flow.
    pub gain: i64,
}

#[derive(Clone, Copy, Debug)]
struct Arc {
    to: usize,
    rev: usize,
    cap: i64,
    cost: i64,
}

struct Network {
    arcs: Vec<Vec<Arc>>,
}

impl Network {
    fn add(&mut self, from: usize, to: usize, cap: i64, cost: i64) -> (usize, usize) {
        let forward = self.arcs[from].len();
        let backward = self.arcs[to].len() + usize::from(from == to);
        self.arcs[from].push(Arc {
            to,
            rev: backward,
            cap,
            cost,
        });
        self.arcs[to].push(Arc {
            to: from,
            rev: forward,
            cap: 0,
            cost: -cost,
        });
        (from, forward)
    }
}

/// The flow on each edge (same order as `edges`) maximising the total gain.
///
/// Supplies and demands below zero are read as zero; edges pointing outside the node ranges carry
/// no flow. Deterministic: ties are broken by node index.
pub fn solve(supplies: &[i64], demands: &[i64], edges: &[TransportEdge]) -> Vec<i64> {
    let m = supplies.len();
    let n = demands.len();
    let source = 0;
    let sink = m + n + 1;
    let mut net = Network {
        arcs: vec![Vec::new(); m + n + 2],
    };
    for (i, &s) in supplies.iter().enumerate() {
        net.add(source, 1 + i, s.max(0), 0);
    }
    let mut handles = Vec::with_capacity(edges.len());
    for e in edges {
        if e.from < m && e.to < n && e.gain > 0 {
            handles.push(Some(net.add(
                1 + e.from,
                1 + m + e.to,
                i64::MAX / 4,
                -e.gain,
            )));
        } else {
            handles.push(None);
        }
    }
    for (j, &d) in demands.iter().enumerate() {
        net.add(1 + m + j, sink, d.max(0), 0);
    }

    // Initial potentials: the network is a DAG source -> offers -> needs -> sink, so the shortest
    // distances follow in one pass and make every reduced cost non-negative.
    let mut potential = vec![0i64; m + n + 2];
    for e in edges
        .iter()
        .filter(|e| e.from < m && e.to < n && e.gain > 0)
    {
        let v = 1 + m + e.to;
        potential[v] = potential[v].min(-e.gain);
    }
    potential[sink] = potential[1 + m..1 + m + n]
        .iter()
        .copied()
        .min()
        .unwrap_or(0)
        .min(0);

    let nodes = m + n + 2;
    let mut dist = vec![i64::MAX; nodes];
    let mut done = vec![false; nodes];
    let mut visited = vec![false; nodes];
    let mut current_arc = vec![0usize; nodes];
    let mut heap = BinaryHeap::new();
    loop {
        // Dijkstra on reduced costs, stopping once the sink is settled.
        dist.fill(i64::MAX);
        done.fill(false);
        dist[source] = 0;
        heap.clear();
        heap.push(Reverse((0i64, source)));
        while let Some(Reverse((d, u))) = heap.pop() {
            if done[u] {
                continue;
            }
            done[u] = true;
            if u == sink {
                break;
            }
            for arc in &net.arcs[u] {
                if arc.cap <= 0 || done[arc.to] {
                    continue;
                }
                let nd = d + arc.cost + potential[u] - potential[arc.to];
                if nd < dist[arc.to] {
                    dist[arc.to] = nd;
                    heap.push(Reverse((nd, arc.to)));
                }
            }
        }
        if !done[sink] {
            break;
        }
        // Nodes settled before the sink keep their distance; the others are at least as far as the
        // sink, so capping at its distance keeps every reduced cost non-negative.
        let to_sink = dist[sink];
        for v in 0..nodes {
            potential[v] += if done[v] {
                dist[v].min(to_sink)
            } else {
                to_sink
            };
        }
        // Every shortest path now runs over zero reduced-cost arcs and has the real cost
        // `potential[sink] - potential[source]`; stop once it no longer gains anything.
        if potential[sink] - potential[source] >= 0 {
            break;
        }
        augment_shortest_paths(
            &mut net,
            &potential,
            source,
            sink,
            &mut visited,
            &mut current_arc,
        );
    }

    handles
        .iter()
        .map(|h| match *h {
            Some((u, k)) => {
                let arc = net.arcs[u][k];
                net.arcs[arc.to][arc.rev].cap
            }
            None => 0,
        })
        .collect()
}

/// Random transportation problems for property tests: up to `max_nodes` offers and sinks with
/// quantities up to `max_quantity`, up to `max_edges` edges (parallel ones included) with gains
/// from -3 to `max_gain`.
#[cfg(test)]
pub(crate) fn random_case(
    max_nodes: usize,
    max_edges: usize,
    max_quantity: i64,
    max_gain: i64,
) -> impl proptest::strategy::Strategy<Value = (Vec<i64>, Vec<i64>, Vec<TransportEdge>)> {
    use proptest::prelude::*;
    (1..=max_nodes, 1..=max_nodes).prop_flat_map(move |(m, n)| {
        (
            prop::collection::vec(0i64..=max_quantity, m),
            prop::collection::vec(0i64..=max_quantity, n),
            prop::collection::vec((0..m, 0..n, -3i64..=max_gain), 0..=max_edges),
        )
            .prop_map(|(s, d, es)| {
                let edges = es
                    .into_iter()
                    .map(|(from, to, gain)| TransportEdge { from, to, gain })
                    .collect();
                (s, d, edges)
            })
    })
}

#[cfg(test)]
/// Best total gain by enumerating every integer flow (the transportation LP has integral
/// optima when supplies and demands are integers, so this is also the LP optimum).
pub(crate) fn brute_force(supplies: &[i64], demands: &[i64], edges: &[TransportEdge]) -> i128 {
    fn go(
        k: usize,
        edges: &[TransportEdge],
        left_s: &mut Vec<i64>,
        left_d: &mut Vec<i64>,
        acc: i128,
    ) -> i128 {
        if k == edges.len() {
            return acc;
        }
        let e = edges[k];
        let max = left_s[e.from].min(left_d[e.to]).max(0);
        let mut best = i128::MIN;
        for f in 0..=max {
            left_s[e.from] -= f;
            left_d[e.to] -= f;
            let g = go(
                k + 1,
                edges,
                left_s,
                left_d,
                acc + i128::from(e.gain) * i128::from(f),
            );
            best = best.max(g);
            left_s[e.from] += f;
            left_d[e.to] += f;
        }
        best
    }
    go(0, edges, &mut supplies.to_vec(), &mut demands.to_vec(), 0)
}

#[cfg(test)]
/// Checks that `flows` is a feasible transportation flow: within supplies and demands (negative
/// ones read as zero), non-negative, and never on an edge without gain.
pub(crate) fn check_feasible(
    supplies: &[i64],
    demands: &[i64],
    edges: &[TransportEdge],
    flows: &[i64],
) -> Result<(), proptest::test_runner::TestCaseError> {
    for (i, &s) in supplies.iter().enumerate() {
        let out: i64 = edges
            .iter()
            .zip(flows)
            .filter(|(e, _)| e.from == i)
            .map(|(_, f)| f)
            .sum();
        proptest::prop_assert!(out <= s.max(0));
    }
    for (j, &d) in demands.iter().enumerate() {
        let inflow: i64 = edges
            .iter()
            .zip(flows)
            .filter(|(e, _)| e.to == j)
            .map(|(_, f)| f)
            .sum();
        proptest::prop_assert!(inflow <= d.max(0));
    }
    proptest::prop_assert!(flows.iter().all(|&f| f >= 0));
    proptest::prop_assert!(edges.iter().zip(flows).all(|(e, &f)| e.gain > 0 || f == 0));
    Ok(())
}

/// Pushes flow along shortest paths (arcs of zero reduced cost) until none is left, with
/// depth-first searches that remember exhausted arcs (as in Dinic's algorithm).
fn augment_shortest_paths(
    net: &mut Network,
    potential: &[i64],
    source: usize,
    sink: usize,
    visited: &mut [bool],
    current_arc: &mut [usize],
) {
    current_arc.fill(0);
    let mut stack: Vec<usize> = Vec::new();
    let mut path: Vec<(usize, usize)> = Vec::new();
    loop {
        visited.fill(false);
        stack.clear();
        path.clear();
        stack.push(source);
        visited[source] = true;
        let mut found = false;
        while let Some(&u) = stack.last() {
            if u == sink {
                found = true;
                break;
            }
            let mut advanced = false;
            while current_arc[u] < net.arcs[u].len() {
                let k = current_arc[u];
                let arc = net.arcs[u][k];
                if arc.cap > 0
                    && !visited[arc.to]
                    && arc.cost + potential[u] - potential[arc.to] == 0
                {
                    visited[arc.to] = true;
                    stack.push(arc.to);
                    path.push((u, k));
                    advanced = true;
                    break;
                }
                current_arc[u] += 1;
            }
            if !advanced {
                // Dead end: leave it and skip the arc that led here.
                stack.pop();
                path.pop();
                if let Some(&parent) = stack.last() {
                    current_arc[parent] += 1;
                }
            }
        }
        if !found {
            return;
        }
        let bottleneck = path
            .iter()
            .map(|&(u, k)| net.arcs[u][k].cap)
            .min()
            .unwrap_or(0);
        if bottleneck <= 0 {
            return;
        }
        for &(u, k) in &path {
            let Arc { to, rev, .. } = net.arcs[u][k];
            net.arcs[u][k].cap -= bottleneck;
            net.arcs[to][rev].cap += bottleneck;
        }
    }
}

/// Total gain of a flow.
pub fn total_gain(edges: &[TransportEdge], flows: &[i64]) -> i128 {
    edges
        .iter()
        .zip(flows)
        .map(|(e, &f)| i128::from(e.gain) * i128::from(f))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn matches_brute_force_optimum((supplies, demands, edges) in random_case(3, 6, 4, 20)) {
            let flows = solve(&supplies, &demands, &edges);
            check_feasible(&supplies, &demands, &edges, &flows)?;
            prop_assert_eq!(total_gain(&edges, &flows), brute_force(&supplies, &demands, &edges));
        }
    }

    #[test]
    fn prefers_the_better_assignment_over_the_greedy_one() {
        // Greedy would give offer 0 to need 0 (gain 10) and leave need 1 empty; the optimum
        // sends offer 0 to need 1 (9) and offer 1 to need 0 (8): 17 > 10 + 0.
        let edges = [
            TransportEdge {
                from: 0,
                to: 0,
                gain: 10,
            },
            TransportEdge {
                from: 0,
                to: 1,
                gain: 9,
            },
            TransportEdge {
                from: 1,
                to: 0,
                gain: 8,
            },
        ];
        let flows = solve(&[1, 1], &[1, 1], &edges);
        assert_eq!(flows, vec![0, 1, 1]);
        assert_eq!(total_gain(&edges, &flows), 17);
    }
}
