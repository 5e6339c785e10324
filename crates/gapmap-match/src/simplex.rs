//! A primal network simplex for the transportation problem, in safe Rust with integer quantities.
//!
//! [`solve`] has the contract of [`crate::flow::solve`] (the successive-shortest-path solver,
//! kept as the test oracle): flows on the edges that maximise `sum(gain x flow)` within supplies
//! and demands; no unit has to move. Unlike shortest paths, whose rounds grow with the range of
//! path costs, the simplex's work grows with the number of pivots, which stays near a few times
//! the number of edges whatever the gains.
//!
//! The problem is written as a min-cost flow: sources (offers) send their supply, sinks (needs)
//! receive their demand, real edges cost `-gain`, and a slack node, the root of the spanning
//! tree, takes unused supply and gives unmet demand at cost 0. The starting tree is the slack
//! solution itself (nothing moves), a strongly feasible basis without artificial edges; pivots
//! use block search (Dantzig's rule within blocks of `sqrt(edges)`, Bland's rule between blocks)
//! and the leaving-edge rule that keeps the tree strongly feasible, so the method cannot cycle.
//! The tree is kept as parent pointers, subtree sizes and a depth-first thread.
//!
//! Every edge is uncapacitated (its capacity exceeds any possible flow), so an edge out of the
//! tree always carries no flow and its reduced cost alone says whether it may enter.

use crate::flow::TransportEdge;

/// No node (the root's parent).
const NONE: usize = usize::MAX;

/// Edges of each sink in the first basis (its best gains).
const FIRST_PER_SINK: usize = 8;

/// Edges of each sink added at each round of column generation (its most negative reduced costs).
const ADDED_PER_SINK: usize = 64;

/// One edge of the tree's graph, packed for the pricing loop.
#[derive(Clone, Copy)]
struct Arc {
    tail: u32,
    head: u32,
    cost: i64,
}

/// The spanning-tree state over the offers (`0..m`), the sinks (`m..m + n`) and the slack node
/// (`m + n`, the root). Edges: the slack edge of each offer and sink (indices `0..m + n`), then
/// real edges as they are added.
struct Tree {
    arcs: Vec<Arc>,
    flow: Vec<i64>,
    potential: Vec<i64>,
    parent: Vec<usize>,
    parent_edge: Vec<usize>,
    size: Vec<usize>,
    next: Vec<usize>,
    prev: Vec<usize>,
    last: Vec<usize>,
    /// Capacity of every edge: more than any flow can be.
    uncapped: i64,
    /// Scratch space of a pivot: the cycle's nodes and edges, and a path to the root.
    cycle_nodes: Vec<usize>,
    cycle_edges: Vec<usize>,
    path: Vec<usize>,
}

impl Tree {
    fn tail(&self, e: usize) -> usize {
        self.arcs[e].tail as usize
    }

    fn head(&self, e: usize) -> usize {
        self.arcs[e].head as usize
    }

    /// Reduced cost of edge `e` (0 for tree edges; an edge out of the tree carries no flow).
    fn reduced_cost(&self, e: usize) -> i64 {
        let a = self.arcs[e];
        a.cost - self.potential[a.tail as usize] + self.potential[a.head as usize]
    }

    /// Residual capacity of edge `e` in the direction leaving node `p`.
    fn residual(&self, e: usize, p: usize) -> i64 {
        if self.tail(e) == p {
            self.uncapped - self.flow[e]
        } else {
            self.flow[e]
        }
    }

    /// Lowest common ancestor of `p` and `q`.
    fn apex(&self, mut p: usize, mut q: usize) -> usize {
        let (mut sp, mut sq) = (self.size[p], self.size[q]);
        loop {
            while sp < sq {
                p = self.parent[p];
                sp = self.size[p];
            }
            while sp > sq {
                q = self.parent[q];
                sq = self.size[q];
            }
            if p == q {
                return p;
            }
            if sp == sq {
                p = self.parent[p];
                sp = self.size[p];
                q = self.parent[q];
                sq = self.size[q];
            }
        }
    }

    /// The cycle closed by entering edge `i = (p, q)`, oriented from `p` to `q`, into
    /// `cycle_nodes` and `cycle_edges`: `cycle_nodes[k]` is the node `cycle_edges[k]` leaves in
    /// that orientation.
    fn cycle(&mut self, i: usize, p: usize, q: usize) {
        let w = self.apex(p, q);
        let (nodes, edges) = (&mut self.cycle_nodes, &mut self.cycle_edges);
        nodes.clear();
        edges.clear();
        // From the apex down to p, then i, then from q up to the apex.
        let mut v = p;
        while v != w {
            nodes.push(v);
            edges.push(self.parent_edge[v]);
            v = self.parent[v];
        }
        nodes.push(w);
        nodes.reverse();
        edges.reverse();
        // nodes = [w, .., p]; the edge leaving nodes[k] towards p is edges[k].
        if edges.as_slice() != [i] {
            edges.push(i);
        }
        let mut v = q;
        while v != w {
            nodes.push(v);
            edges.push(self.parent_edge[v]);
            v = self.parent[v];
        }
    }
    /// Removes tree edge `(s, t)` where `parent[t] == s`.
    fn remove(&mut self, mut s: usize, t: usize) {
        let size_t = self.size[t];
        let prev_t = self.prev[t];
        let last_t = self.last[t];
        let next_last_t = self.next[last_t];
        self.parent[t] = NONE;
        self.parent_edge[t] = NONE;
        self.next[prev_t] = next_last_t;
        self.prev[next_last_t] = prev_t;
        self.next[last_t] = t;
        self.prev[t] = last_t;
        while s != NONE {
            self.size[s] -= size_t;
            if self.last[s] == last_t {
                self.last[s] = prev_t;
            }
            s = self.parent[s];
        }
    }

    /// Makes `q` the root of the subtree that holds it.
    fn reroot(&mut self, q: usize) {
        let mut ancestors = std::mem::take(&mut self.path);
        ancestors.clear();
        let mut a = q;
        while a != NONE {
            ancestors.push(a);
            a = self.parent[a];
        }
        ancestors.reverse();
        for k in 1..ancestors.len() {
            let (p, q) = (ancestors[k - 1], ancestors[k]);
            let size_p = self.size[p];
            let mut last_p = self.last[p];
            let prev_q = self.prev[q];
            let last_q = self.last[q];
            let next_last_q = self.next[last_q];
            self.parent[p] = q;
            self.parent[q] = NONE;
            self.parent_edge[p] = self.parent_edge[q];
            self.parent_edge[q] = NONE;
            self.size[p] = size_p - self.size[q];
            self.size[q] = size_p;
            self.next[prev_q] = next_last_q;
            self.prev[next_last_q] = prev_q;
            self.next[last_q] = q;
            self.prev[q] = last_q;
            if last_p == last_q {
                self.last[p] = prev_q;
                last_p = prev_q;
            }
            self.prev[p] = last_q;
            self.next[last_q] = p;
            self.next[last_p] = q;
            self.prev[q] = last_p;
            self.last[q] = last_p;
        }
        self.path = ancestors;
    }

    /// Hangs the subtree rooted at `q` under `p` by edge `i`.
    fn attach(&mut self, i: usize, mut p: usize, q: usize) {
        let last_p = self.last[p];
        let next_last_p = self.next[last_p];
        let size_q = self.size[q];
        let last_q = self.last[q];
        self.parent[q] = p;
        self.parent_edge[q] = i;
        self.next[last_p] = q;
        self.prev[q] = last_p;
        self.prev[next_last_p] = last_q;
        self.next[last_q] = next_last_p;
        while p != NONE {
            self.size[p] += size_q;
            if self.last[p] == last_p {
                self.last[p] = last_q;
            }
            p = self.parent[p];
        }
    }

    /// Shifts the potentials of the subtree rooted at `q` (joined to `p` by edge `i`) so that
    /// edge `i` has a zero reduced cost.
    fn update_potentials(&mut self, i: usize, p: usize, q: usize) {
        let cost = self.arcs[i].cost;
        let d = if q == self.head(i) {
            self.potential[p] - cost - self.potential[q]
        } else {
            self.potential[p] + cost - self.potential[q]
        };
        let end = self.last[q];
        let mut v = q;
        loop {
            self.potential[v] += d;
            if v == end {
                break;
            }
            v = self.next[v];
        }
    }
}

/// The flow on each edge (same order as `edges`) maximising the total gain; see the module docs.
/// Supplies and demands below zero are read as zero; edges with a gain of 0 or less, or pointing
/// outside the node ranges, carry no flow. Deterministic.
///
/// The simplex prices its edges at every pivot block, so its time grows with the number of edges
/// it knows; most edges of a transportation problem never carry flow. The solve therefore starts
/// on the best few edges of each sink; at each optimum it adds, for each sink, the few edges whose
/// reduced cost under the tree's dual prices is most negative, and pivots on from the same tree,
/// until no edge has a negative reduced cost: the result is optimal on the full graph.
pub fn solve(supplies: &[i64], demands: &[i64], edges: &[TransportEdge]) -> Vec<i64> {
    solve_with(supplies, demands, edges, FIRST_PER_SINK)
}

/// [`solve`] starting from `first_per_sink` edges of each sink (`usize::MAX`: all of them).
pub(crate) fn solve_with(
    supplies: &[i64],
    demands: &[i64],
    edges: &[TransportEdge],
    first_per_sink: usize,
) -> Vec<i64> {
    let (m, n) = (supplies.len(), demands.len());
    let supply: Vec<i64> = supplies.iter().map(|&s| s.max(0)).collect();
    let demand: Vec<i64> = demands.iter().map(|&d| d.max(0)).collect();
    // Edges from an offer without supply or to a sink without demand can carry nothing (and
    // leaving them out keeps the starting tree strongly feasible).
    let valid = |e: &TransportEdge| {
        e.from < m && e.to < n && e.gain > 0 && supply[e.from] > 0 && demand[e.to] > 0
    };
    // The valid edges of each sink (compressed rows, edge indices as `u32`), best gain first.
    let mut start = vec![0u32; n + 1];
    for e in edges.iter().filter(|e| valid(e)) {
        start[e.to + 1] += 1;
    }
    for j in 0..n {
        start[j + 1] += start[j];
    }
    let mut by_sink = vec![0u32; start[n] as usize];
    let mut fill = start.clone();
    for (k, e) in edges.iter().enumerate().filter(|(_, e)| valid(e)) {
        by_sink[fill[e.to] as usize] = k as u32;
        fill[e.to] += 1;
    }
    drop(fill);
    let mut flows = vec![0i64; edges.len()];
    if by_sink.is_empty() {
        return flows;
    }
    let sinks = || (0..n).map(|j| start[j] as usize..start[j + 1] as usize);
    let mut first = Vec::new();
    let mut active = vec![false; edges.len()];
    for range in sinks() {
        let list = &mut by_sink[range];
        list.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            edges[b].gain.cmp(&edges[a].gain).then(a.cmp(&b))
        });
        for &k in list.iter().take(first_per_sink) {
            active[k as usize] = true;
            first.push(k as usize);
        }
    }
    first.sort_unstable();
    let mut tree = Tree::new(&supply, &demand);
    // Tree edge index of each original edge placed in the tree.
    let mut placed: Vec<(usize, usize)> = Vec::new();
    let mut place = |tree: &mut Tree, k: usize| {
        let e = &edges[k];
        placed.push((k, tree.push_edge(e.from, m + e.to, -e.gain)));
    };
    for k in first {
        place(&mut tree, k);
    }
    let mut candidates: Vec<(i64, usize)> = Vec::new();
    loop {
        tree.pivot_until_optimal();
        let mut added = 0usize;
        for range in sinks() {
            candidates.clear();
            for k in by_sink[range]
                .iter()
                .map(|&k| k as usize)
                .filter(|&k| !active[k])
            {
                let e = &edges[k];
                let reduced = -e.gain - tree.potential[e.from] + tree.potential[m + e.to];
                if reduced < 0 {
                    candidates.push((reduced, k));
                }
            }
            candidates.sort_unstable();
            for &(_, k) in candidates.iter().take(ADDED_PER_SINK) {
                active[k] = true;
                place(&mut tree, k);
                added += 1;
            }
        }
        if added == 0 {
            break;
        }
    }
    for (k, slot) in placed {
        flows[k] = tree.flow[slot];
    }
    flows
}

impl Tree {
    /// The starting tree: the slack node is the root and every offer and sink hangs under it by
    /// its slack edge (edges `0..m + n`), offers sending their whole supply to the slack, the
    /// slack giving every sink its whole demand. All potentials are 0. Every tree edge carries
    /// flow except those of offers without supply and sinks without demand; their other edges are
    /// left out of the problem, so those leaves lie on no cycle and the tree is strongly feasible
    /// for every pivot.
    fn new(supply: &[i64], demand: &[i64]) -> Tree {
        let (m, n) = (supply.len(), demand.len());
        let root = m + n;
        let nodes = m + n + 1;
        let total: i64 = supply.iter().chain(demand).sum();
        let mut tree = Tree {
            arcs: Vec::with_capacity(nodes),
            flow: Vec::with_capacity(nodes),
            potential: vec![0; nodes],
            parent: (0..root).map(|_| root).chain([NONE]).collect(),
            parent_edge: (0..root).chain([NONE]).collect(),
            size: std::iter::repeat_n(1, root).chain([nodes]).collect(),
            next: (1..=root).chain([0]).collect(),
            prev: std::iter::once(root).chain(0..root).collect(),
            last: (0..root).chain([root.saturating_sub(1)]).collect(),
            uncapped: total.saturating_add(1),
            cycle_nodes: Vec::new(),
            cycle_edges: Vec::new(),
            path: Vec::new(),
        };
        for (i, &s) in supply.iter().enumerate() {
            let e = tree.push_edge(i, root, 0);
            tree.flow[e] = s;
        }
        for (j, &d) in demand.iter().enumerate() {
            let e = tree.push_edge(root, m + j, 0);
            tree.flow[e] = d;
        }
        tree
    }

    /// Adds a non-tree edge at zero flow; returns its index.
    fn push_edge(&mut self, tail: usize, head: usize, cost: i64) -> usize {
        // Node counts come from slices of `u32`-indexed problems (see `allocate`).
        self.arcs.push(Arc {
            tail: tail as u32,
            head: head as u32,
            cost,
        });
        self.flow.push(0);
        self.arcs.len() - 1
    }

    /// Pivots until no edge has a negative reduced cost.
    fn pivot_until_optimal(&mut self) {
        let count = self.arcs.len();
        let block = (count as f64).sqrt().ceil() as usize;
        let blocks = count.div_ceil(block);
        let (mut idle, mut first) = (0usize, 0usize);
        while idle < blocks {
            let mut best = (0i64, usize::MAX);
            for step in 0..block {
                let mut e = first + step;
                if e >= count {
                    e -= count;
                }
                let c = self.reduced_cost(e);
                if c < best.0 {
                    best = (c, e);
                }
            }
            first = (first + block) % count;
            if best.1 == usize::MAX {
                idle += 1;
                continue;
            }
            idle = 0;
            self.pivot(best.1);
        }
    }

    /// Brings edge `i` into the tree: flow around its cycle, and the leaving edge out.
    fn pivot(&mut self, i: usize) {
        // An entering edge carries no flow: the cycle runs along it.
        let (p, q) = (self.tail(i), self.head(i));
        self.cycle(i, p, q);
        // Leaving edge: the last edge of minimum residual capacity along the cycle.
        let mut leave = (i64::MAX, 0usize);
        for k in (0..self.cycle_edges.len()).rev() {
            let r = self.residual(self.cycle_edges[k], self.cycle_nodes[k]);
            if r < leave.0 {
                leave = (r, k);
            }
        }
        let (delta, at) = leave;
        let j = self.cycle_edges[at];
        let s0 = self.cycle_nodes[at];
        let t0 = if self.tail(j) == s0 {
            self.head(j)
        } else {
            self.tail(j)
        };
        for k in 0..self.cycle_edges.len() {
            let (e, v) = (self.cycle_edges[k], self.cycle_nodes[k]);
            if self.tail(e) == v {
                self.flow[e] += delta;
            } else {
                self.flow[e] -= delta;
            }
        }
        if i == j {
            return;
        }
        let (s, t) = if self.parent[t0] == s0 {
            (s0, t0)
        } else {
            (t0, s0)
        };
        let pos_i = self.cycle_edges.iter().position(|&e| e == i).unwrap_or(0);
        let (p, q) = if pos_i > at { (q, p) } else { (p, q) };
        self.remove(s, t);
        self.reroot(q);
        self.attach(i, p, q);
        self.update_potentials(i, p, q);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{brute_force, check_feasible, random_case, total_gain};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Same optimum as exhaustive enumeration on tiny problems.
        #[test]
        fn matches_brute_force((supplies, demands, edges) in random_case(3, 6, 4, 40)) {
            let flows = solve(&supplies, &demands, &edges);
            check_feasible(&supplies, &demands, &edges, &flows)?;
            prop_assert_eq!(total_gain(&edges, &flows), brute_force(&supplies, &demands, &edges));
        }

        /// Same objective as the successive-shortest-path solver (the oracle) on larger random
        /// graphs, parallel edges included, with and without the sparse start.
        #[test]
        fn matches_the_shortest_path_oracle((supplies, demands, edges) in random_case(12, 60, 9, 40)) {
            let flows = solve(&supplies, &demands, &edges);
            check_feasible(&supplies, &demands, &edges, &flows)?;
            let oracle = crate::flow::solve(&supplies, &demands, &edges);
            prop_assert_eq!(total_gain(&edges, &flows), total_gain(&edges, &oracle));
            let all = solve_with(&supplies, &demands, &edges, usize::MAX);
            check_feasible(&supplies, &demands, &edges, &all)?;
            prop_assert_eq!(total_gain(&edges, &all), total_gain(&edges, &oracle));
        }
    }
}
