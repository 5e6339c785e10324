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

/// The spanning-tree state over `nodes` real nodes plus the root (index `nodes`).
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
pub fn solve(supplies: &[i64], demands: &[i64], edges: &[TransportEdge]) -> Vec<i64> {
    let (m, n) = (supplies.len(), demands.len());
    let slack = m + n;
    let nodes = m + n + 1;
    let root = nodes;
    let mut tail = Vec::with_capacity(edges.len() + m + n + nodes);
    let mut head = Vec::with_capacity(tail.capacity());
    let mut cost = Vec::with_capacity(tail.capacity());
    let mut used = Vec::with_capacity(edges.len());
    for (k, e) in edges.iter().enumerate() {
        if e.from < m && e.to < n && e.gain > 0 {
            tail.push(e.from);
            head.push(m + e.to);
            cost.push(-e.gain);
            used.push(k);
        }
    }
    for i in 0..m {
        tail.push(i);
        head.push(slack);
        cost.push(0);
    }
    for j in 0..n {
        tail.push(slack);
        head.push(m + j);
        cost.push(0);
    }
    let real = tail.len();
    let supply: Vec<i64> = supplies.iter().map(|&s| s.max(0)).collect();
    let demand: Vec<i64> = demands.iter().map(|&d| d.max(0)).collect();
    let total_supply: i64 = supply.iter().sum();
    let total_demand: i64 = demand.iter().sum();
    if total_supply == 0 || total_demand == 0 || used.is_empty() {
        // Nothing can move; a zero capacity would also make an entering edge leave at once.
        return vec![0; edges.len()];
    }
    // Node balances (positive: receives): offers send, needs receive, the slack node balances.
    let mut balance: Vec<i64> = supply.iter().map(|&s| -s).collect();
    balance.extend(&demand);
    balance.push(total_supply - total_demand);
    let big = 3 * (total_supply + total_demand)
        .max(cost.iter().map(|c| c.abs()).sum::<i64>())
        .max(1);
    let mut cap = vec![total_supply.max(total_demand); real];
    for (v, &b) in balance.iter().enumerate() {
        if b > 0 {
            tail.push(root);
            head.push(v);
        } else {
            tail.push(v);
            head.push(root);
        }
        cost.push(big);
        cap.push(big);
    }
    let mut flow = vec![0i64; real];
    flow.extend(balance.iter().map(|b| b.abs()));
    let mut potential: Vec<i64> = balance.iter().map(|&b| if b <= 0 { big } else { -big }).collect();
    potential.push(0);
    let mut tree = Tree {
        tail,
        head,
        cap,
        cost,
        flow,
        potential,
        parent: (0..nodes).map(|_| root).chain([NONE]).collect(),
        parent_edge: (real..real + nodes).chain([NONE]).collect(),
        size: std::iter::repeat_n(1, nodes).chain([nodes + 1]).collect(),
        next: (1..nodes).chain([root, 0]).collect(),
        prev: std::iter::once(root).chain(0..nodes).collect(),
        last: (0..nodes).chain([nodes - 1]).collect(),
    };
    pivot_until_optimal(&mut tree, real);
    let mut flows = vec![0i64; edges.len()];
    for (slot, &k) in used.iter().enumerate() {
        flows[k] = tree.flow[slot];
    }
    flows
}

/// Pivots until no real edge has a negative reduced cost (artificial edges never re-enter).
fn pivot_until_optimal(tree: &mut Tree, real: usize) {
    let count = real;
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
            let e = (first + step) % count;
            let c = tree.reduced_cost(e);
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
        let i = best.1;
        let (p, q) = if tree.flow[i] == 0 {
            (tree.tail[i], tree.head[i])
        } else {
            (tree.head[i], tree.tail[i])
        };
        tree.cycle(i, p, q, &mut nodes, &mut edges);
        // Leaving edge: the last edge of minimum residual capacity along the cycle.
        let mut leave = (i64::MAX, 0usize);
        for k in (0..edges.len()).rev() {
            let r = tree.residual(edges[k], nodes[k]);
            if r < leave.0 {
                leave = (r, k);
            }
        }
        let (delta, at) = leave;
        let j = edges[at];
        let s0 = nodes[at];
        let t0 = if tree.tail[j] == s0 { tree.head[j] } else { tree.tail[j] };
        for (&e, &v) in edges.iter().zip(&nodes) {
            if tree.tail[e] == v {
                tree.flow[e] += delta;
            } else {
                tree.flow[e] -= delta;
            }
        }
        if i == j {
            continue;
        }
        let (s, t) = if tree.parent[t0] == s0 { (s0, t0) } else { (t0, s0) };
        let pos_i = edges.iter().position(|&e| e == i).unwrap_or(0);
        let (p, q) = if pos_i > at { (q, p) } else { (p, q) };
        tree.remove(s, t);
        tree.reroot(q);
        tree.attach(i, p, q);
        tree.update_potentials(i, p, q);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{brute_force, total_gain};
    use proptest::prelude::*;

    fn case(max_nodes: usize, max_edges: usize, max_quantity: i64) -> impl Strategy<Value = (Vec<i64>, Vec<i64>, Vec<TransportEdge>)> {
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

    fn check_feasible(supplies: &[i64], demands: &[i64], edges: &[TransportEdge], flows: &[i64]) -> Result<(), TestCaseError> {
        for (i, &s) in supplies.iter().enumerate() {
            let out: i64 = edges.iter().zip(flows).filter(|(e, _)| e.from == i).map(|(_, f)| f).sum();
            prop_assert!(out <= s.max(0));
        }
        for (j, &d) in demands.iter().enumerate() {
            let inflow: i64 = edges.iter().zip(flows).filter(|(e, _)| e.to == j).map(|(_, f)| f).sum();
            prop_assert!(inflow <= d.max(0));
        }
        prop_assert!(flows.iter().all(|&f| f >= 0));
        prop_assert!(edges.iter().zip(flows).all(|(e, &f)| e.gain > 0 || f == 0));
        Ok(())
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
        /// graphs, parallel edges included.
        #[test]
        fn matches_the_shortest_path_oracle((supplies, demands, edges) in case(12, 60, 9)) {
            let flows = solve(&supplies, &demands, &edges);
            check_feasible(&supplies, &demands, &edges, &flows)?;
            let oracle = crate::flow::solve(&supplies, &demands, &edges);
            prop_assert_eq!(total_gain(&edges, &flows), total_gain(&edges, &oracle));
        }
    }
}
