//! Gap tables by axis.
//!
//! Every row carries the demand compared with the training map, what direct and adjacent supply
//! cover of it, the gap, and beside them the seasonal projects left out and the share of projects
//! employers judge difficult to recruit (BMO lines only; unknown elsewhere). A row's key is a
//! [`GapKey`]: the typed value on its axis, never a string to parse back.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use gapmap_model::{
    BassinCode, Buyer, Count, Departement, Ecological, EuropeanLevel, NeedId, OgrCode, RomeCode,
    Transitions, Volume,
};

use crate::matcher::{CompetenceGap, MatchOutcome, NeedResult, NeedStatus};

/// What a gap table has one row per. The order of the variants is the order of the outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Axis {
    /// One row per need.
    Need,
    /// ROME sheet; a need over several sheets is apportioned equally (totals stay exact).
    Rome,
    /// Demanded competence: `covered` is min(demand, graduates of every offer that teaches it),
    /// an upper bound with no allocation per competence (see [`CompetenceGap::row`]). A need
    /// counts under each of its competences, so rows do not add up to the total.
    Competence,
    /// Département of the need's place ([`GapKey::Region`] for region-wide needs).
    Departement,
    /// BMO employment area ([`GapKey::None`] for needs located by département or region).
    Bassin,
    /// Minimum European level.
    Level,
    /// Buyer.
    Buyer,
    /// Tag; a need counts under each of its tags, so rows do not add up to the total.
    Tag,
}

impl Axis {
    /// All axes, in output order.
    pub const ALL: [Axis; 8] = [
        Axis::Need,
        Axis::Rome,
        Axis::Competence,
        Axis::Departement,
        Axis::Bassin,
        Axis::Level,
        Axis::Buyer,
        Axis::Tag,
    ];

    /// The axes that group needs by one of their attributes (every axis but [`Axis::Need`] and
    /// [`Axis::Competence`]).
    pub const GROUPS: [Axis; 6] = [
        Axis::Rome,
        Axis::Departement,
        Axis::Bassin,
        Axis::Level,
        Axis::Buyer,
        Axis::Tag,
    ];

    /// Machine key (`need`, `rome`, `competence`, `departement`, `bassin`, `level`, `buyer`,
    /// `tag`): command-line values, file names, JSON keys.
    pub fn key(self) -> &'static str {
        match self {
            Axis::Need => "need",
            Axis::Rome => "rome",
            Axis::Competence => "competence",
            Axis::Departement => "departement",
            Axis::Bassin => "bassin",
            Axis::Level => "level",
            Axis::Buyer => "buyer",
            Axis::Tag => "tag",
        }
    }
}

impl fmt::Display for Axis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// An unknown axis name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown axis {0:?}: expected need, rome, competence, departement, bassin, level, buyer or tag"
)]
pub struct UnknownAxis(pub String);

impl FromStr for Axis {
    type Err = UnknownAxis;

    /// Parses a machine key of [`Axis::key`].
    ///
    /// ```
    /// use gapmap_match::Axis;
    /// assert_eq!("bassin".parse(), Ok(Axis::Bassin));
    /// assert!("town".parse::<Axis>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Axis, UnknownAxis> {
        Axis::ALL
            .into_iter()
            .find(|a| a.key() == s)
            .ok_or_else(|| UnknownAxis(s.to_owned()))
    }
}

/// The value a gap row stands for on its axis. Shown (and serialised) as the code as published:
/// `H2903`, `59`, `3201`, `4`, `armee-de-terre`, a tag, a need id, a competence's `code_ogr`;
/// `(none)`, `(region)` and `total` for the special rows.
///
/// Keys order by kind (the special rows `(none)` and `(region)` first), then by value: codes as
/// codes (numeric codes numerically), buyers in the order of [`Buyer`]'s variants, tags and need
/// ids as text. Tables sorted "by key" follow this order, not the printed text's.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GapKey {
    /// No value on the axis: a need without sheet, employment area, level or tag (`(none)`).
    None,
    /// A region-wide need on the département axis (`(region)`).
    Region,
    /// A need.
    Need(NeedId),
    /// A ROME sheet.
    Rome(RomeCode),
    /// A competence.
    Competence(OgrCode),
    /// A département.
    Departement(Departement),
    /// A BMO employment area.
    Bassin(BassinCode),
    /// A European level.
    Level(EuropeanLevel),
    /// A buyer.
    Buyer(Buyer),
    /// A free tag of the needs.
    Tag(String),
    /// The total over all needs (`total`).
    Total,
}

impl fmt::Display for GapKey {
    /// The code as published; width and alignment apply (`{:<8}`), a precision does not.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            GapKey::None => NONE_KEY.to_owned(),
            GapKey::Region => "(region)".to_owned(),
            GapKey::Need(id) => id.to_string(),
            GapKey::Rome(code) => code.to_string(),
            GapKey::Competence(code) => code.to_string(),
            GapKey::Departement(code) => code.to_string(),
            GapKey::Bassin(code) => code.to_string(),
            GapKey::Level(level) => level.to_string(),
            GapKey::Buyer(buyer) => buyer.key(),
            GapKey::Tag(tag) => tag.clone(),
            GapKey::Total => "total".to_owned(),
        };
        match f.precision() {
            // `pad` would read a precision as a maximum width and cut the code.
            Some(_) => f.write_str(&text),
            None => f.pad(&text),
        }
    }
}

/// Needs with a gap that have candidates of unknown capacity
/// ([`NeedResult::capacity_unknown_offers`]), and their gap: the part of a row's gap that courses
/// whose size no data gives may fill, by an amount no data says either.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CapacityUnknown {
    /// The needs.
    pub needs: usize,
    /// Their gap.
    pub gap: Volume,
}

/// One row of a gap table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GapRow {
    /// The value on the axis.
    pub key: GapKey,
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
    /// The demand on ROME sheets of each transition (a need's demand apportioned equally over its
    /// sheets, like the ROME axis); zero on competence rows, whose transitions are unknown.
    pub transitions: TransitionDemand,
    /// The needs with a gap that courses of unknown capacity could serve, and their gap; `None`
    /// on competence rows, whose gap is not a sum of needs' gaps.
    pub capacity_unknown: Option<CapacityUnknown>,
    /// Known demand below the small-count threshold (rows of masked needs only are not flagged):
    /// to be read with care or not published.
    pub small: bool,
}

impl GapRow {
    /// A row of zeros for `key`.
    pub fn empty(key: GapKey) -> GapRow {
        GapRow {
            key,
            needs: 0,
            masked_needs: 0,
            volume: Volume::ZERO,
            covered: Volume::ZERO,
            covered_direct: Volume::ZERO,
            covered_adjacent: Volume::ZERO,
            gap: Volume::ZERO,
            seasonal_excluded: Volume::ZERO,
            seasonal_masked: 0,
            difficult: Volume::ZERO,
            difficult_base: Volume::ZERO,
            transitions: TransitionDemand::default(),
            capacity_unknown: Some(CapacityUnknown::default()),
            small: false,
        }
    }

    /// Whether the row has needs (masked ones included): without any, its demand is not given
    /// (a year without a need of the row), not 0.
    pub fn has_needs(&self) -> bool {
        self.needs + self.masked_needs > 0
    }

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
        self.add_share(need, |v| v, None);
    }

    /// Adds `share` of a need's figures; `sheet`: the row is the need's `sheet`-th ROME sheet
    /// (its transitions are that sheet's alone).
    fn add_share(
        &mut self,
        need: &NeedResult,
        share: impl Fn(Volume) -> Volume,
        sheet: Option<usize>,
    ) {
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
        self.transitions
            .add(need, share(need.known_volume()), sheet);
        if let Some(unknown) = &mut self.capacity_unknown
            && need.capacity_unknown_offers > 0
            && !need.gap.is_zero()
        {
            unknown.needs += 1;
            unknown.gap += share(need.gap);
        }
    }
}

/// Demand on the ROME sheets that each transition concerns, beside the demand on sheets whose
/// flag the referential gives (an empty flag is unknown: it counts in neither).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransitionDemand {
    /// On sheets of green jobs or jobs strategic for the ecological transition.
    pub ecological: Volume,
    /// On sheets of brown jobs (activities the ecological transition must reduce or transform).
    pub brown: Volume,
    /// On sheets whose ecological classification is given.
    pub ecological_known: Volume,
    /// On sheets of jobs the digital transition reshapes.
    pub digital: Volume,
    /// On sheets whose digital flag is given.
    pub digital_known: Volume,
    /// On sheets of jobs the demographic transition makes grow.
    pub demographic: Volume,
    /// On sheets whose demographic flag is given.
    pub demographic_known: Volume,
}

impl TransitionDemand {
    /// Adds `demand` of `need`: all of it on its `sheet`-th sheet when given, else apportioned
    /// equally over its sheets.
    fn add(&mut self, need: &NeedResult, demand: Volume, sheet: Option<usize>) {
        let parts: Vec<(&Transitions, Volume)> = match sheet {
            Some(k) => need
                .transitions
                .get(k)
                .map(|t| (t, demand))
                .into_iter()
                .collect(),
            None => {
                let n = need.transitions.len().max(1);
                need.transitions
                    .iter()
                    .zip(demand.apportion(&vec![1; n]))
                    .collect()
            }
        };
        for (t, part) in parts {
            if let Some(e) = t.ecological {
                self.ecological_known += part;
                match e {
                    Ecological::Green | Ecological::Strategic => self.ecological += part,
                    Ecological::Brown => self.brown += part,
                    Ecological::Neutral => {}
                }
            }
            if let Some(d) = t.digital {
                self.digital_known += part;
                if d {
                    self.digital += part;
                }
            }
            if let Some(d) = t.demographic {
                self.demographic_known += part;
                if d {
                    self.demographic += part;
                }
            }
        }
    }

    /// Share of the demand (with a known classification) on green or strategic jobs.
    pub fn ecological_share(&self) -> Option<f64> {
        ratio(self.ecological, self.ecological_known)
    }

    /// Share of the demand (with a known flag) on jobs of the digital transition.
    pub fn digital_share(&self) -> Option<f64> {
        ratio(self.digital, self.digital_known)
    }

    /// Share of the demand (with a known flag) on jobs of the demographic transition.
    pub fn demographic_share(&self) -> Option<f64> {
        ratio(self.demographic, self.demographic_known)
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
        match axis {
            Axis::Competence => sorted(
                self.competences
                    .iter()
                    .map(|c| c.row(self.small_count_threshold))
                    .collect(),
            ),
            _ => self.aggregate_where(axis, |_| true).unwrap_or_default(),
        }
    }

    /// [`MatchOutcome::aggregate`] over the needs `keep` accepts (each counted whole, as in the
    /// full table). `None` along [`Axis::Competence`]: a competence row's supply is that of every
    /// offer teaching it, shared by all needs, with no share per need to keep or leave out.
    ///
    /// ```
    /// # use gapmap_match::{Axis, MatchOutcome};
    /// # fn check(outcome: &MatchOutcome) {
    /// let nord = outcome.aggregate_where(Axis::Level, |n| n.departement.as_ref().is_some_and(|d| d.as_str() == "59"));
    /// assert!(outcome.aggregate_where(Axis::Competence, |_| true).is_none());
    /// # }
    /// ```
    pub fn aggregate_where(
        &self,
        axis: Axis,
        keep: impl Fn(&NeedResult) -> bool,
    ) -> Option<Vec<GapRow>> {
        let needs = self.needs.iter().filter(|n| keep(n));
        match axis {
            Axis::Competence => None,
            Axis::Need => Some(sorted(needs.map(NeedResult::row).collect())),
            _ => Some(self.group(axis, needs)),
        }
    }

    fn group<'a>(&self, axis: Axis, needs: impl Iterator<Item = &'a NeedResult>) -> Vec<GapRow> {
        let mut rows: BTreeMap<GapKey, GapRow> = BTreeMap::new();
        for need in needs {
            let keys = need.keys(axis);
            let n = keys.len().max(1);
            for (k, key) in keys.into_iter().enumerate() {
                let row = rows
                    .entry(key.clone())
                    .or_insert_with(|| GapRow::empty(key));
                if axis == Axis::Rome {
                    row.add_share(need, |v| v.even_part(n, k), Some(k));
                } else {
                    row.add(need);
                }
            }
        }
        rows.into_values()
            .map(|mut r| {
                r.small = self.is_small(&r);
                r
            })
            .collect()
    }

    fn is_small(&self, row: &GapRow) -> bool {
        row.needs > 0
            && row.volume.milli() < self.small_count_threshold.saturating_mul(Volume::SCALE)
    }

    /// The totals over all needs (key [`GapKey::Total`]).
    pub fn total(&self) -> GapRow {
        self.total_where(|_| true)
    }

    /// The totals over the needs `keep` accepts (key [`GapKey::Total`]).
    pub fn total_where(&self, keep: impl Fn(&NeedResult) -> bool) -> GapRow {
        let mut row = GapRow::empty(GapKey::Total);
        for need in self.needs.iter().filter(|n| keep(n)) {
            row.add(need);
        }
        row.small = self.is_small(&row);
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

fn sorted(mut rows: Vec<GapRow>) -> Vec<GapRow> {
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    rows
}

impl NeedResult {
    /// The need as a gap row of its own (its small flag as the matcher set it).
    pub fn row(&self) -> GapRow {
        let mut row = GapRow::empty(GapKey::Need(self.id.clone()));
        row.add(self);
        row.small = self.small;
        row
    }

    /// The keys of the rows the need counts under along `axis` (several for a need over several
    /// sheets, competences or tags; [`GapKey::None`] when it has no value on the axis, except on
    /// [`Axis::Competence`], whose table has no `(none)` row: none there).
    pub fn keys(&self, axis: Axis) -> Vec<GapKey> {
        let none = || vec![GapKey::None];
        match axis {
            Axis::Need => vec![GapKey::Need(self.id.clone())],
            Axis::Competence => self
                .competences
                .iter()
                .map(|&(c, _)| GapKey::Competence(c))
                .collect(),
            Axis::Rome if self.sheets.is_empty() => none(),
            Axis::Rome => self.rome().map(GapKey::Rome).collect(),
            Axis::Departement => vec![
                self.departement
                    .clone()
                    .map_or(GapKey::Region, GapKey::Departement),
            ],
            Axis::Bassin => self.bassin.map_or_else(none, |b| vec![GapKey::Bassin(b)]),
            Axis::Level => self.level.map_or_else(none, |l| vec![GapKey::Level(l)]),
            Axis::Buyer => vec![GapKey::Buyer(self.buyer.clone())],
            Axis::Tag if self.tags.is_empty() => none(),
            Axis::Tag => {
                let mut tags = self.tags.clone();
                tags.sort();
                tags.dedup();
                tags.into_iter().map(GapKey::Tag).collect()
            }
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
            needs: self.needs,
            volume: self.demand,
            covered,
            covered_direct: covered,
            gap: self.demand.saturating_sub(covered),
            small: self.demand.milli() < small_threshold.saturating_mul(Volume::SCALE),
            capacity_unknown: None,
            ..GapRow::empty(GapKey::Competence(self.competence))
        }
    }
}
