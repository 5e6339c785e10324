//! Gap tables by axis.
//!
//! Every row carries the demand compared with the training map, what direct and adjacent supply
//! cover of it, the gap, and beside them the seasonal projects left out and the share of projects
//! employers judge difficult to recruit (BMO lines only; unknown elsewhere).

use std::collections::BTreeMap;

use gapmap_model::{Count, NeedId, Volume};

use crate::matcher::{CompetenceGap, MatchOutcome, NeedResult, NeedStatus};

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
    /// Demand compared with the training map (seasonal projects excluded unless configured).
    pub volume: Volume,
    /// Covered in the headline (direct, plus adjacent when the configuration counts it).
    pub covered: Volume,
    /// Covered by direct supply.
    pub covered_direct: Volume,
    /// Covered by adjacent supply (graduates who would need retraining).
    pub covered_adjacent: Volume,
    /// Demand less the headline coverage.
    pub gap: Volume,
    /// Seasonal projects left out of the demand.
    pub seasonal_excluded: Volume,
    /// Needs whose seasonal share is masked by the publisher (their demand may hold seasonal
    /// projects).
    pub seasonal_masked: usize,
    /// Projects judged difficult to recruit, over the needs that publish it.
    pub difficult: Volume,
    /// All projects (seasonal included) of the needs that publish the difficult count: the base
    /// of [`GapRow::tension`].
    pub difficult_base: Volume,
    /// Known demand below the small-count threshold (rows of masked needs only are not flagged):
    /// to be read with care or not published.
    pub small: bool,
}

impl GapRow {
    /// Headline covered share, when the demand is positive.
    pub fn coverage(&self) -> Option<f64> {
        ratio(self.covered, self.volume)
    }

    /// Direct covered share, when the demand is positive.
    pub fn direct_coverage(&self) -> Option<f64> {
        ratio(self.covered_direct, self.volume)
    }

    /// Share of projects judged difficult to recruit, where the needs publish it (`None`: unknown).
    pub fn tension(&self) -> Option<f64> {
        ratio(self.difficult, self.difficult_base)
    }

    /// Adds a need's figures to the row.
    pub fn add(&mut self, need: &NeedResult) {
        self.add_share(need, |v| v);
    }

    fn add_share(&mut self, need: &NeedResult, share: impl Fn(Volume) -> Volume) {
        if need.demand.is_none() {
            self.masked_needs += 1;
            return;
        }
        self.needs += 1;
        self.volume += share(need.known_volume());
        self.covered += share(need.covered);
        self.covered_direct += share(need.covered_direct);
        self.covered_adjacent += share(need.covered_adjacent);
        self.gap += share(need.gap);
        self.seasonal_excluded += share(need.seasonal_excluded);
        if matches!(need.seasonal, Some(Count::Masked)) {
            self.seasonal_masked += 1;
        }
        if let (Some(Count::Known(d)), Count::Known(all)) = (need.difficult, need.volume) {
            self.difficult += share(d);
            self.difficult_base += share(all);
        }
    }
}

fn ratio(part: Volume, whole: Volume) -> Option<f64> {
    (!whole.is_zero()).then(|| part.milli() as f64 / whole.milli() as f64)
}

/// Marker for needs without a value on the axis.
pub const NONE_KEY: &str = "(none)";

impl MatchOutcome {
    /// The gap table along `axis`, sorted by key. A need over several ROME sheets is apportioned
    /// equally between them (each figure apportioned exactly, so totals are conserved).
    pub fn aggregate(&self, axis: Axis) -> Vec<GapRow> {
        let mut rows: BTreeMap<String, GapRow> = BTreeMap::new();
        for need in &self.needs {
            let keys = keys_of(need, axis);
            let n = keys.len().max(1);
            for (k, key) in keys.into_iter().enumerate() {
                let row = rows.entry(key.clone()).or_insert_with(|| GapRow {
                    key,
                    ..GapRow::default()
                });
                if axis == Axis::Rome {
                    row.add_share(need, |v| v.apportion(&vec![1; n])[k]);
                } else {
                    row.add(need);
                }
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
            row.add(need);
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
}

fn keys_of(need: &NeedResult, axis: Axis) -> Vec<String> {
    let none = || vec![NONE_KEY.to_owned()];
    match axis {
        Axis::Rome if need.sheets.is_empty() => none(),
        Axis::Rome => need.rome().map(|r| r.to_string()).collect(),
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

impl CompetenceGap {
    /// The competence as a gap row, in fixed point: the demand of the needs asking for it
    /// against the graduates of every offer that teaches it (an upper bound of what could be
    /// covered: these graduates are shared with the other competences and needs, there is no
    /// allocation per competence), so `covered = min(demand, graduates)` and
    /// `gap = demand - covered`. `small_threshold` is the small-count threshold in people.
    ///
    /// ```
    /// use gapmap_match::CompetenceGap;
    /// use gapmap_model::Volume;
    ///
    /// let c = CompetenceGap {
    ///     competence: "101".parse()?,
    ///     label: None,
    ///     needs: 2,
    ///     demand: Volume::from_milli(12_500),
    ///     graduates: Volume::from_milli(4_200),
    ///     untaught_demand: Volume::ZERO,
    /// };
    /// let row = c.row(5);
    /// assert_eq!((row.covered, row.gap), (Volume::from_milli(4_200), Volume::from_milli(8_300)));
    /// # Ok::<(), gapmap_model::CodeError>(())
    /// ```
    pub fn row(&self, small_threshold: u64) -> GapRow {
        let covered = self.demand.min(self.graduates);
        GapRow {
            key: self.competence.to_string(),
            needs: self.needs,
            volume: self.demand,
            covered,
            covered_direct: covered,
            gap: self.demand.saturating_sub(covered),
            small: self.demand.milli() < small_threshold.saturating_mul(Volume::SCALE),
            ..GapRow::default()
        }
    }
}
