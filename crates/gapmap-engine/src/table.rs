//! Gap tables: rows of [`GapRow`] with their labels, along any axis, and as polars data frames.

use gapmap_match::{Axis, GapRow, MatchOutcome};

use crate::Engine;

/// What a gap table has one row per: an aggregation axis of the matcher, a need, a competence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rows {
    /// One row per key of an axis (sheet, département, employment area, level, buyer, tag).
    By(Axis),
    /// One row per need.
    Need,
    /// One row per demanded competence: `covered` is min(demand, graduates of every offer that
    /// teaches it), an upper bound with no allocation per competence.
    Competence,
}

impl Rows {
    /// Machine key: the axis's (`rome`, `buyer`...), `need` or `competence`.
    pub fn key(self) -> &'static str {
        match self {
            Rows::By(axis) => axis.key(),
            Rows::Need => "need",
            Rows::Competence => "competence",
        }
    }

    /// Every kind of table.
    pub fn all() -> impl Iterator<Item = Rows> {
        [Rows::Need, Rows::Competence]
            .into_iter()
            .chain(Axis::ALL.into_iter().map(Rows::By))
    }
}

/// A row of a gap table with its readable label; figures in fixed point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    /// The figures (the key is `row.key`).
    pub row: GapRow,
    /// The key's label (a sheet's, a place's, a buyer's name; a need's specialty).
    pub label: String,
}

impl Engine {
    /// The gap table of `outcome` (a result of this engine) with one row per `rows`, biggest gap
    /// first (ties by key).
    pub fn table(&self, outcome: &MatchOutcome, rows: Rows) -> Vec<TableRow> {
        let mut table: Vec<TableRow> = match rows {
            Rows::By(axis) => outcome
                .aggregate(axis)
                .into_iter()
                .map(|row| TableRow {
                    label: self.label(axis, &row.key),
                    row,
                })
                .collect(),
            Rows::Competence => outcome
                .competences
                .iter()
                .map(|c| TableRow {
                    row: c.row(outcome.small_count_threshold),
                    label: c.label.clone().unwrap_or_default(),
                })
                .collect(),
            Rows::Need => outcome
                .needs
                .iter()
                .map(|n| {
                    let mut row = GapRow {
                        key: n.id.to_string(),
                        ..GapRow::default()
                    };
                    row.add(n);
                    row.small = n.small;
                    TableRow {
                        row,
                        label: n.specialty.clone(),
                    }
                })
                .collect(),
        };
        table.sort_by(|a, b| {
            b.row
                .gap
                .cmp(&a.row.gap)
                .then_with(|| a.row.key.cmp(&b.row.key))
        });
        table
    }
}

/// Column names of a gap table, in order (stable, English, snake_case): the data frames, the
/// command line's CSV and the Python package use them.
pub const FRAME_COLUMNS: [&str; 14] = [
    "key",
    "label",
    "needs",
    "masked_needs",
    "demand",
    "covered",
    "covered_direct",
    "covered_adjacent",
    "gap",
    "coverage",
    "seasonal_excluded",
    "seasonal_masked",
    "tension",
    "small",
];

/// A gap table as a polars data frame with the columns of [`FRAME_COLUMNS`]: people a year as
/// `f64` (three decimals exact), shares as nullable `f64` (`null`: unknown, never 0).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use gapmap_engine::{Engine, ImportOptions, Rows, to_dataframe};
/// use gapmap_match::{Axis, MatchConfig};
/// use polars::prelude::ChunkAgg;
///
/// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
/// let engine = Engine::import(&root.join("datasets/demo"), &ImportOptions::default())?;
/// let plan = engine.needs_from_file(&root.join("datasets/needs/armees-hdf-2026.csv"))?;
/// let outcome = engine.gaps(&plan.needs, &MatchConfig::default());
/// let frame = to_dataframe(&engine.table(&outcome, Rows::By(Axis::Buyer)))?;
/// let demand: f64 = frame.column("demand")?.f64()?.sum().unwrap_or(0.0);
/// assert!((demand - outcome.total().volume.as_f64()).abs() < 1e-6);
/// # Ok(())
/// # }
/// ```
#[cfg(feature = "polars")]
pub fn to_dataframe(
    rows: &[TableRow],
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    use gapmap_model::Volume;
    use polars::prelude::{Column, DataFrame, NamedFrom, PlSmallStr, Series};

    let name = |i: usize| PlSmallStr::from(FRAME_COLUMNS[i]);
    let volume = |i: usize, f: fn(&GapRow) -> Volume| -> Column {
        let values: Vec<f64> = rows.iter().map(|r| f(&r.row).as_f64()).collect();
        Series::new(name(i), values).into()
    };
    let count = |i: usize, f: fn(&GapRow) -> usize| -> Column {
        let values: Vec<u64> = rows.iter().map(|r| f(&r.row) as u64).collect();
        Series::new(name(i), values).into()
    };
    let share = |i: usize, f: fn(&GapRow) -> Option<f64>| -> Column {
        let values: Vec<Option<f64>> = rows.iter().map(|r| f(&r.row)).collect();
        Series::new(name(i), values).into()
    };
    let keys: Vec<&str> = rows.iter().map(|r| r.row.key.as_str()).collect();
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    let small: Vec<bool> = rows.iter().map(|r| r.row.small).collect();
    let columns = vec![
        Series::new(name(0), keys).into(),
        Series::new(name(1), labels).into(),
        count(2, |r| r.needs),
        count(3, |r| r.masked_needs),
        volume(4, |r| r.volume),
        volume(5, |r| r.covered),
        volume(6, |r| r.covered_direct),
        volume(7, |r| r.covered_adjacent),
        volume(8, |r| r.gap),
        share(9, GapRow::coverage),
        volume(10, |r| r.seasonal_excluded),
        count(11, |r| r.seasonal_masked),
        share(12, GapRow::tension),
        Series::new(name(13), small).into(),
    ];
    DataFrame::new(rows.len(), columns)
}
