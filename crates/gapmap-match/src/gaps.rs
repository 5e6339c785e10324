//! Gap tables by axis, and explanations of single needs.

use std::collections::BTreeMap;

use gapmap_model::{NeedId, Volume};

use crate::matcher::{MatchOutcome, NeedResult, NeedStatus, ScoredCandidate};
use crate::supply::Supply;

/// An axis to aggregate needs along.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Axis {
    /// ROME sheet; a need over several sheets is apportioned equally (totals stay exact).
    Rome,
    /// Département of the need's place (`(region)` for region-wide needs).
    Departement,
    /// BMO employment area (`(none)` for needs located by département or region).
    Bassin,
    /// Minimum European level.
    Level,
    /// Buyer key.
    Buyer,
    /// Tag; a need counts under each of its tags, so rows do not add up to the total.
    Tag,
}

impl Axis {
    /// All axes.
    pub const ALL: [Axis; 6] = [
        Axis::Rome,
        Axis::Departement,
        Axis::Bassin,
        Axis::Level,
        Axis::Buyer,
        Axis::Tag,
    ];

    /// Machine key.
    pub fn key(self) -> &'static str {
        match self {
            Axis::Rome => "rome",
            Axis::Departement => "departement",
            Axis::Bassin => "bassin",
            Axis::Level => "level",
            Axis::Buyer => "buyer",
            Axis::Tag => "tag",
        }
    }
}

/// One row of a gap table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GapRow {
    /// The value on the axis (`H2903`, `59`, `armee-de-terre`...).
    pub key: String,
    /// Needs with a known volume.
    pub needs: usize,
    /// Needs with a masked volume, reported apart (not in the volumes).
    pub masked_needs: usize,
    /// Known volume.
    pub volume: Volume,
    /// Covered.
    pub covered: Volume,
    /// Uncovered.
    pub gap: Volume,
    /// Known volume below the small-count threshold (rows of masked needs only are not flagged):
    /// to be read with care or not published.
    pub small: bool,
}

impl GapRow {
    /// Covered share, when the volume is positive.
    pub fn coverage(&self) -> Option<f64> {
        (!self.volume.is_zero()).then(|| self.covered.milli() as f64 / self.volume.milli() as f64)
    }
}

/// Marker for needs without a value on the axis.
pub const NONE_KEY: &str = "(none)";

impl MatchOutcome {
    /// The gap table along `axis`, sorted by key.
    pub fn aggregate(&self, axis: Axis) -> Vec<GapRow> {
        let mut rows: BTreeMap<String, GapRow> = BTreeMap::new();
        for need in &self.needs {
            let keys = keys_of(need, axis);
            let n = keys.len().max(1);
            let split = |v: Volume| -> Vec<Volume> {
                if axis == Axis::Rome {
                    v.apportion(&vec![1; n])
                } else {
                    vec![v; n]
                }
            };
            let covered = split(need.covered);
            let gap = split(need.gap);
            for (k, key) in keys.into_iter().enumerate() {
                let row = rows.entry(key.clone()).or_insert_with(|| GapRow {
                    key,
                    ..GapRow::default()
                });
                if need.volume.known().is_none() {
                    row.masked_needs += 1;
                    continue;
                }
                row.needs += 1;
                row.covered += covered[k];
                row.gap += gap[k];
                row.volume += covered[k] + gap[k];
            }
        }
        let small = self.small_count_threshold.saturating_mul(Volume::SCALE);
        rows.into_values()
            .map(|mut r| {
                r.small = r.needs > 0 && r.volume.milli() < small;
                r
            })
            .collect()
    }

    /// The totals over all needs (key `total`).
    pub fn total(&self) -> GapRow {
        let mut row = GapRow {
            key: "total".to_owned(),
            ..GapRow::default()
        };
        for need in &self.needs {
            if need.volume.known().is_none() {
                row.masked_needs += 1;
                continue;
            }
            row.needs += 1;
            row.volume += need.known_volume();
            row.covered += need.covered;
            row.gap += need.gap;
        }
        row.small = row.needs > 0
            && row.volume.milli() < self.small_count_threshold.saturating_mul(Volume::SCALE);
        row
    }

    /// Needs whose volume is masked by the publisher, reported apart.
    pub fn masked_needs(&self) -> impl Iterator<Item = &NeedResult> {
        self.needs.iter().filter(|n| n.status == NeedStatus::Masked)
    }

    /// The result of one need.
    pub fn need(&self, id: &NeedId) -> Option<&NeedResult> {
        self.needs.iter().find(|n| &n.id == id)
    }

    /// Why a need is (un)covered: its candidates with their scores, the allocation, and the state
    /// of each candidate offer's supply.
    pub fn explain(&self, id: &NeedId) -> Option<Explanation<'_>> {
        let need = self.need(id)?;
        let candidates = need
            .candidates
            .iter()
            .map(|candidate| {
                let i = candidate.offer_index;
                let to_this_need = need
                    .allocations
                    .iter()
                    .filter(|a| a.offer_index == i)
                    .map(|a| a.volume)
                    .sum();
                CandidateExplanation {
                    candidate,
                    supply: &self.supplies[i],
                    to_this_need,
                    offer_allocated: self.offer_use[i].allocated,
                    offer_remaining: self.offer_use[i].remaining,
                }
            })
            .collect();
        Some(Explanation { need, candidates })
    }
}

fn keys_of(need: &NeedResult, axis: Axis) -> Vec<String> {
    let none = || vec![NONE_KEY.to_owned()];
    match axis {
        Axis::Rome if need.rome.is_empty() => none(),
        Axis::Rome => need.rome.iter().map(|r| r.to_string()).collect(),
        Axis::Departement => {
            vec![
                need.departement
                    .as_ref()
                    .map_or_else(|| "(region)".to_owned(), |d| d.to_string()),
            ]
        }
        Axis::Bassin => need.bassin.map_or_else(none, |b| vec![b.to_string()]),
        Axis::Level => need.level.map_or_else(none, |l| vec![l.to_string()]),
        Axis::Buyer => vec![need.buyer.key()],
        Axis::Tag if need.tags.is_empty() => none(),
        Axis::Tag => {
            let mut tags = need.tags.clone();
            tags.sort();
            tags.dedup();
            tags
        }
    }
}

/// The explanation of one need, for the binary to print.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation<'a> {
    /// The need's result: volume, sheets and resolutions, allocation, gap and status.
    pub need: &'a NeedResult,
    /// Each candidate with its supply and where that supply went.
    pub candidates: Vec<CandidateExplanation<'a>>,
}

/// One candidate of an [`Explanation`].
#[derive(Clone, Debug, PartialEq)]
pub struct CandidateExplanation<'a> {
    /// The candidate with its score breakdown.
    pub candidate: &'a ScoredCandidate,
    /// The offer's supply and its factors.
    pub supply: &'a Supply,
    /// Graduates allocated to this need.
    pub to_this_need: Volume,
    /// Graduates of the offer allocated to all needs.
    pub offer_allocated: Volume,
    /// Graduates of the offer left over.
    pub offer_remaining: Volume,
}
