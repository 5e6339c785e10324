//! A primal network simplex for the transportation problem, in safe Rust with integer quantities.
//!
//! [`solve`] has the contract of [`crate::flow::solve`] (the successive-shortest-path solver,
//! kept as the test oracle): flows on the edges that maximise `sum(gain x flow)` within supplies
//! and demands; no unit has to move. Unlike shortest paths, whose rounds grow with the range of
//! path costs, the simplex's work grows with the number of pivots, which stays near a few times
//! the number of edges whatever the gains.
//!
//! The problem is written as a min-cost flow with balanced node demands: sources (offers) send
//! their supply, sinks (needs) receive their demand, real edges cost `-gain`, and a slack node
//! takes unused supply and gives unmet demand at cost 0. The initial spanning tree joins every
//! node to an artificial root by an edge of prohibitive cost (a strongly feasible tree); pivots
//! use block search (Dantzig's rule within blocks of `sqrt(edges)`, Bland's rule between blocks)
//! and the leaving-arc rule that keeps the tree strongly feasible, so the method cannot cycle.
//! The tree is kept as parent pointers, subtree sizes and a depth-first thread.

use crate::flow::TransportEdge;

/// No node (the root's parent).
const NONE: usize = usize::MAX;

/// The spanning-tree state over the real nodes plus the root (the last node). Edges: one
/// artificial edge per real node (indices `0..nodes`), then the slack and real edges as added.
struct Tree {
    /// Edge tails and heads (real edges, then one artificial edge per node).
    tail: Vec<usize>,
    head: Vec<usize>,
    cap: Vec<i64>,
    cost: Vec<i64>,
    flow: Vec<i64>,
    potential: Vec<i64>,
    parent: Vec<usize>,
    parent_edge: Vec<usize>,
    size: Vec<usize>,
    next: Vec<usize>,
    prev: Vec<usize>,
    last: Vec<usize>,
    /// Capacity of real edges: more than any flow can be.
    uncapped: i64,
}

impl Tree {
    fn reduced_cost(&self, e: usize) -> i64 {
        let c = self.cost[e] - self.potential[self.tail[e]] + self.potential[self.head[e]];
        if self.flow[e] == 0 { c } else { -c }
    }

    /// Residual capacity of edge `e` in the direction leaving node `p`.
    fn residual(&self, e: usize, p: usize) -> i64 {
        if self.tail[e] == p {
            self.cap[e] - self.flow[e]
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

    /// Nodes and edges from `p` up to its ancestor `w`.
    fn path_up(&self, mut p: usize, w: usize, nodes: &mut Vec<usize>, edges: &mut Vec<usize>) {
        nodes.push(p);
        while p != w {
            edges.push(self.parent_edge[p]);
            p = self.parent[p];
            nodes.push(p);
        }
    }

    /// The cycle closed by entering edge `i = (p, q)`, oriented from `p` to `q`: `nodes[k]` is
    /// the node edge `edges[k]` leaves in that orientation.
    fn cycle(&self, i: usize, p: usize, q: usize, nodes: &mut Vec<usize>, edges: &mut Vec<usize>) {
        nodes.clear();
        edges.clear();
        let w = self.apex(p, q);
        self.path_up(p, w, nodes, edges);
        nodes.reverse();
        edges.reverse();
        if edges.as_slice() != [i] {
            edges.push(i);
        }
        let mut up_nodes = Vec::new();
        let mut up_edges = Vec::new();
        self.path_up(q, w, &mut up_nodes, &mut up_edges);
        up_nodes.pop();
        nodes.extend(up_nodes);
        edges.extend(up_edges);
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
        let mut ancestors = Vec::new();
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
        let d = if q == self.head[i] {
            self.potential[p] - self.cost[i] - self.potential[q]
        } else {
            self.potential[p] + self.cost[i] - self.potential[q]
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
    solve_with(supplies, demands, edges, 4)
}

/// [`solve`] starting from `first_per_sink` edges of each sink (`usize::MAX`: all of them).
pub(crate) fn solve_with(
    supplies: &[i64],
    demands: &[i64],
    edges: &[TransportEdge],
    first_per_sink: usize,
) -> Vec<i64> {
    const ADDED_PER_SINK: usize = 4;
    let (m, n) = (supplies.len(), demands.len());
    let valid = |e: &TransportEdge| e.from < m && e.to < n && e.gain > 0;
    let mut by_sink: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, e) in edges.iter().enumerate().filter(|(_, e)| valid(e)) {
        by_sink[e.to].push(k);
    }
    let supply: Vec<i64> = supplies.iter().map(|&s| s.max(0)).collect();
    let demand: Vec<i64> = demands.iter().map(|&d| d.max(0)).collect();
    let (total_supply, total_demand) = (supply.iter().sum::<i64>(), demand.iter().sum::<i64>());
    let mut flows = vec![0i64; edges.len()];
    if total_supply == 0 || total_demand == 0 || by_sink.iter().all(Vec::is_empty) {
        // Nothing can move (and a zero capacity would make an entering edge leave at once).
        return flows;
    }
    let mut active = vec![false; edges.len()];
    let mut first = Vec::new();
    for list in &mut by_sink {
        list.sort_by(|&a, &b| edges[b].gain.cmp(&edges[a].gain).then(a.cmp(&b)));
        for &k in list.iter().take(first_per_sink) {
            active[k] = true;
            first.push(k);
        }
    }
    first.sort_unstable();
    let abs_costs: i64 = edges.iter().filter(|e| valid(e)).map(|e| e.gain).sum();
    let mut tree = Tree::new(&supply, &demand, abs_costs);
    // Tree edge index of each original edge placed in the tree.
    let mut placed: Vec<(usize, usize)> = Vec::new();
    // The slack edges follow the artificial ones (one per node: m + n + 1).
    let artificial = m + n + 1;
    let mut priced: Vec<usize> = (artificial..artificial + m + n).collect();
    for k in first {
        priced.push(tree.push_edge(edges[k].from, m + edges[k].to, -edges[k].gain));
        placed.push((k, priced.len() - 1));
    }
    let mut candidates: Vec<(i64, usize)> = Vec::new();
    loop {
        tree.pivot_until_optimal(&priced);
        let mut added = 0usize;
        for list in &by_sink {
            candidates.clear();
            for &k in list.iter().filter(|&&k| !active[k]) {
                let e = &edges[k];
                let reduced = -e.gain - tree.potential[e.from] + tree.potential[m + e.to];
                if reduced < 0 {
                    candidates.push((reduced, k));
                }
            }
            candidates.sort_unstable();
            for &(_, k) in candidates.iter().take(ADDED_PER_SINK) {
                active[k] = true;
                priced.push(tree.push_edge(edges[k].from, m + edges[k].to, -edges[k].gain));
                placed.push((k, priced.len() - 1));
                added += 1;
            }
        }
        if added == 0 {
            break;
        }
    }
    for (k, slot) in placed {
        flows[k] = tree.flow[priced[slot]];
    }
    flows
}

impl Tree {
    /// The strongly feasible starting tree over the offers (`supply`), the sinks (`demand`) and
    /// the slack node, with their slack edges (edges `0..m + n`); artificial edges join every node
    /// to the root at a prohibitive cost above `abs_costs`.
    fn new(supply: &[i64], demand: &[i64], abs_costs: i64) -> Tree {
        let (m, n) = (supply.len(), demand.len());
        let slack = m + n;
        let nodes = m + n + 1;
        let root = nodes;
        let (total_supply, total_demand) = (supply.iter().sum::<i64>(), demand.iter().sum::<i64>());
        let mut balance: Vec<i64> = supply.iter().map(|&s| -s).collect();
        balance.extend(demand);
        balance.push(total_supply - total_demand);
        let big = 3 * (total_supply + total_demand).max(abs_costs).max(1);
        let mut tree = Tree {
            tail: Vec::new(),
            head: Vec::new(),
            cap: Vec::new(),
            cost: Vec::new(),
            flow: Vec::new(),
            potential: balance
                .iter()
                .map(|&b| if b <= 0 { big } else { -big })
                .chain([0])
                .collect(),
            parent: (0..nodes).map(|_| root).chain([NONE]).collect(),
            parent_edge: Vec::new(),
            size: std::iter::repeat_n(1, nodes).chain([nodes + 1]).collect(),
            next: (1..nodes).chain([root, 0]).collect(),
            prev: std::iter::once(root).chain(0..nodes).collect(),
            last: (0..nodes).chain([nodes - 1]).collect(),
            uncapped: total_supply.max(total_demand),
        };
        // Artificial edges first (their indices are the tree's starting parent edges).
        for (v, &b) in balance.iter().enumerate() {
            let (t, h) = if b > 0 { (root, v) } else { (v, root) };
            tree.tail.push(t);
            tree.head.push(h);
            tree.cost.push(big);
            tree.cap.push(big);
            tree.flow.push(b.abs());
        }
        tree.parent_edge = (0..nodes).chain([NONE]).collect();
        for i in 0..m {
            tree.push_edge(i, slack, 0);
        }
        for j in 0..n {
            tree.push_edge(slack, m + j, 0);
        }
        tree
    }

    /// Adds a non-tree edge at zero flow; returns its index.
    fn push_edge(&mut self, tail: usize, head: usize, cost: i64) -> usize {
        self.tail.push(tail);
        self.head.push(head);
        self.cost.push(cost);
        self.cap.push(self.uncapped);
        self.flow.push(0);
        self.tail.len() - 1
    }

    /// Pivots until no edge of `priced` has a negative reduced cost.
    fn pivot_until_optimal(&mut self, priced: &[usize]) {
        let count = priced.len();
        if count == 0 {
            return;
        }
        let block = (count as f64).sqrt().ceil() as usize;
        let blocks = count.div_ceil(block);
        let (mut idle, mut first) = (0usize, 0usize);
        let (mut nodes, mut edges) = (Vec::new(), Vec::new());
        while idle < blocks {
            let mut best = (0i64, usize::MAX);
            for step in 0..block {
                let e = priced[(first + step) % count];
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
            self.pivot(best.1, &mut nodes, &mut edges);
        }
    }

    /// Brings edge `i` into the tree: flow around its cycle, and the leaving edge out.
    fn pivot(&mut self, i: usize, nodes: &mut Vec<usize>, edges: &mut Vec<usize>) {
        let (p, q) = if self.flow[i] == 0 {
            (self.tail[i], self.head[i])
        } else {
            (self.head[i], self.tail[i])
        };
        self.cycle(i, p, q, nodes, edges);
        // Leaving edge: the last edge of minimum residual capacity along the cycle.
        let mut leave = (i64::MAX, 0usize);
        for k in (0..edges.len()).rev() {
            let r = self.residual(edges[k], nodes[k]);
            if r < leave.0 {
                leave = (r, k);
            }
        }
        let (delta, at) = leave;
        let j = edges[at];
        let s0 = nodes[at];
        let t0 = if self.tail[j] == s0 {
            self.head[j]
        } else {
            self.tail[j]
        };
        for (&e, &v) in edges.iter().zip(nodes.iter()) {
            if self.tail[e] == v {
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
        let pos_i = edges.iter().position(|&e| e == i).unwrap_or(0);
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
    use crate::flow::{brute_force, check_feasible, total_gain};
    use proptest::prelude::*;

    fn case(
        max_nodes: usize,
        max_edges: usize,
        max_quantity: i64,
    ) -> impl Strategy<Value = (Vec<i64>, Vec<i64>, Vec<TransportEdge>)> {
        (1..=max_nodes, 1..=max_nodes).prop_flat_map(move |(m, n)| {
            (
                prop::collection::vec(0i64..=max_quantity, m),
                prop::collection::vec(0i64..=max_quantity, n),
                prop::collection::vec((0..m, 0..n, -3i64..=40), 0..=max_edges),
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Same optimum as exhaustive enumeration on tiny problems.
        #[test]
        fn matches_brute_force((supplies, demands, edges) in case(3, 6, 4)) {
            let flows = solve(&supplies, &demands, &edges);
            check_feasible(&supplies, &demands, &edges, &flows)?;
            prop_assert_eq!(total_gain(&edges, &flows), brute_force(&supplies, &demands, &edges));
        }

        /// Same objective as the successive-shortest-path solver (the oracle) on larger random
        /// graphs, parallel edges included, with and without the sparse start.
        #[test]
        fn matches_the_shortest_path_oracle((supplies, demands, edges) in case(12, 60, 9)) {
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
