//! Gap tables: rows of [`GapRow`] with their labels, along any [`Axis`], their cells in the order
//! of [`FRAME_COLUMNS`], and polars data frames.

use gapmap_match::{Axis, GapRow, MatchOutcome, NeedResult};
use gapmap_model::Volume;

use crate::Engine;

/// A row of a gap table with its readable label; figures in fixed point. Serialised as one object
/// with the keys of [`FRAME_COLUMNS`] (people a year as numbers, unknown shares as `null`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    /// The figures (the key is `row.key`).
    pub row: GapRow,
    /// The key's label (a sheet's, a place's, a buyer's name; a need's specialty).
    pub label: String,
}

/// One cell of a table row, typed, for writers that format it their own way.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    /// Text (key, label).
    Text(&'a str),
    /// A count of needs.
    Count(usize),
    /// People a year, fixed point.
    People(Volume),
    /// A share in [0, 1]; `None` when unknown (never 0).
    Share(Option<f64>),
    /// A yes/no flag.
    Flag(bool),
    /// A count that may be unknown (`None`: not applicable to the row, never 0).
    MaybeCount(Option<usize>),
    /// People a year that may be unknown (`None`: not applicable to the row, never 0).
    MaybePeople(Option<Volume>),
}

impl Cell<'_> {
    /// The text of a text cell (`""` for another kind).
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(text) => text,
            _ => "",
        }
    }

    /// The count of a count cell (0 for another kind).
    pub fn count(&self) -> usize {
        match self {
            Cell::Count(n) => *n,
            _ => 0,
        }
    }

    /// People a year of a people cell, as `f64` (three decimals exact; 0 for another kind).
    pub fn people(&self) -> f64 {
        match self {
            Cell::People(v) => v.as_f64(),
            _ => 0.0,
        }
    }

    /// The share of a share cell (`None` when unknown or for another kind).
    pub fn share(&self) -> Option<f64> {
        match self {
            Cell::Share(share) => *share,
            _ => None,
        }
    }

    /// The flag of a flag cell (`false` for another kind).
    pub fn flag(&self) -> bool {
        matches!(self, Cell::Flag(true))
    }
}

impl TableRow {
    /// The total row of `outcome`, labelled `label`.
    pub fn total(outcome: &MatchOutcome, label: &str) -> TableRow {
        TableRow {
            row: outcome.total(),
            label: label.to_owned(),
        }
    }

    /// The row's cells in the order of [`FRAME_COLUMNS`]; `key` is the key's text.
    pub fn cells<'a>(&'a self, key: &'a str) -> [Cell<'a>; COLUMN_COUNT] {
        let r = &self.row;
        [
            Cell::Text(key),
            Cell::Text(&self.label),
            Cell::Count(r.needs),
            Cell::Count(r.masked_needs),
            Cell::People(r.volume),
            Cell::People(r.covered),
            Cell::People(r.covered_direct),
            Cell::People(r.covered_adjacent),
            Cell::People(r.gap),
            Cell::Share(r.coverage()),
            Cell::People(r.seasonal_excluded),
            Cell::Count(r.seasonal_masked),
            Cell::Share(r.tension()),
            Cell::Flag(r.small),
            Cell::MaybeCount(r.capacity_unknown.map(|u| u.needs)),
            Cell::MaybePeople(r.capacity_unknown.map(|u| u.gap)),
            Cell::Share(r.transitions.ecological_share()),
            Cell::Share(r.transitions.digital_share()),
            Cell::Share(r.transitions.demographic_share()),
        ]
    }
}

impl serde::Serialize for TableRow {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let key = self.row.key.to_string();
        let mut map = serializer.serialize_map(Some(FRAME_COLUMNS.len()))?;
        for (name, cell) in FRAME_COLUMNS.iter().zip(self.cells(&key)) {
            match cell {
                Cell::Text(text) => map.serialize_entry(name, text)?,
                Cell::Count(n) => map.serialize_entry(name, &n)?,
                Cell::People(v) => map.serialize_entry(name, &v.as_f64())?,
                Cell::Share(share) => map.serialize_entry(name, &share)?,
                Cell::Flag(flag) => map.serialize_entry(name, &flag)?,
                Cell::MaybeCount(n) => map.serialize_entry(name, &n)?,
                Cell::MaybePeople(v) => map.serialize_entry(name, &v.map(|v| v.as_f64()))?,
            }
        }
        map.end()
    }
}

impl Engine {
    /// The gap table of `outcome` (a result of this engine) along `axis`, biggest gap first (ties
    /// by key), each row with its label.
    pub fn table(&self, outcome: &MatchOutcome, axis: Axis) -> Vec<TableRow> {
        match axis {
            Axis::Competence => self.labelled(outcome.aggregate(axis)),
            _ => self
                .table_where(outcome, axis, |_| true)
                .unwrap_or_default(),
        }
    }

    /// [`Engine::table`] over the needs `keep` accepts, each counted whole (a planner's filter:
    /// the needs of a département, of a buyer...). `None` along [`Axis::Competence`] (see
    /// [`MatchOutcome::aggregate_where`]).
    pub fn table_where(
        &self,
        outcome: &MatchOutcome,
        axis: Axis,
        keep: impl Fn(&NeedResult) -> bool,
    ) -> Option<Vec<TableRow>> {
        if axis == Axis::Need {
            // A need's label is its specialty (one pass: needs of several files may share an id).
            let mut table: Vec<TableRow> = outcome
                .needs
                .iter()
                .filter(|n| keep(n))
                .map(|n| TableRow {
                    row: n.row(),
                    label: n.specialty.clone(),
                })
                .collect();
            by_gap(&mut table);
            return Some(table);
        }
        Some(self.labelled(outcome.aggregate_where(axis, keep)?))
    }

    fn labelled(&self, rows: Vec<GapRow>) -> Vec<TableRow> {
        let mut table: Vec<TableRow> = rows
            .into_iter()
            .map(|row| TableRow {
                label: self.label(&row.key),
                row,
            })
            .collect();
        by_gap(&mut table);
        table
    }
}

/// Biggest gap first, ties by key.
fn by_gap(table: &mut [TableRow]) {
    table.sort_by(|a, b| {
        b.row
            .gap
            .cmp(&a.row.gap)
            .then_with(|| a.row.key.cmp(&b.row.key))
    });
}

/// The number of columns of a gap table.
pub const COLUMN_COUNT: usize = 19;

/// Column names of a gap table, in order (stable, English, snake_case): the data frames, the
/// command line's CSV and JSON, the report's tables and the Python package use them.
/// `capacity_unknown_needs` and `gap_capacity_unknown` say how much of the gap courses of unknown
/// capacity may fill (needs, and their gap); the `transition_*` columns are the shares of the
/// demand on ROME sheets of green or strategic jobs of the ecological transition, of jobs of the
/// digital transition and of jobs the demographic transition makes grow (over the demand whose
/// sheets carry the flag; unknown on competence rows).
pub const FRAME_COLUMNS: [&str; COLUMN_COUNT] = [
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
    "capacity_unknown_needs",
    "gap_capacity_unknown",
    "transition_ecological",
    "transition_digital",
    "transition_demographic",
];

/// A gap table as a polars data frame with the columns of [`FRAME_COLUMNS`]: people a year as
/// `f64` (three decimals exact), shares as nullable `f64` (`null`: unknown, never 0).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use gapmap_engine::{Engine, ImportOptions, to_dataframe};
/// use gapmap_match::{Axis, MatchConfig};
/// use polars::prelude::ChunkAgg;
///
/// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
/// let engine = Engine::import(&root.join("datasets/demo"), &ImportOptions::default())?;
/// let plan = engine.needs_from_file(&root.join("datasets/needs/armees-hdf-2026.csv"))?;
/// let outcome = engine.gaps(&plan.needs, &MatchConfig::default());
/// let frame = to_dataframe(&engine.table(&outcome, Axis::Buyer))?;
/// let demand: f64 = frame.column("demand")?.f64()?.sum().unwrap_or(0.0);
/// assert!((demand - outcome.total().volume.as_f64()).abs() < 1e-6);
/// # Ok(())
/// # }
/// ```
#[cfg(feature = "polars")]
pub fn to_dataframe(
    rows: &[TableRow],
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    use gapmap_match::GapKey;
    use polars::prelude::{Column, DataFrame, NamedFrom, PlSmallStr, Series};

    let keys: Vec<String> = rows.iter().map(|r| r.row.key.to_string()).collect();
    let cells: Vec<[Cell<'_>; COLUMN_COUNT]> =
        rows.iter().zip(&keys).map(|(r, k)| r.cells(k)).collect();
    // The cells of a row of zeros give each column's type, also for an empty table.
    let template = TableRow {
        row: GapRow::empty(GapKey::Total),
        label: String::new(),
    };
    let columns = FRAME_COLUMNS
        .iter()
        .zip(template.cells(""))
        .enumerate()
        .map(|(i, (name, kind))| {
            let name = PlSmallStr::from(*name);
            let column = cells.iter().map(|c| &c[i]);
            let series = match kind {
                Cell::Count(_) => {
                    let values: Vec<u64> = column.map(|c| c.count() as u64).collect();
                    Series::new(name, values)
                }
                Cell::People(_) => {
                    let values: Vec<f64> = column.map(Cell::people).collect();
                    Series::new(name, values)
                }
                Cell::Share(_) => {
                    let values: Vec<Option<f64>> = column.map(Cell::share).collect();
                    Series::new(name, values)
                }
                Cell::Flag(_) => {
                    let values: Vec<bool> = column.map(Cell::flag).collect();
                    Series::new(name, values)
                }
                Cell::Text(_) => {
                    let values: Vec<&str> = column.map(Cell::text).collect();
                    Series::new(name, values)
                }
                Cell::MaybeCount(_) => {
                    let values: Vec<Option<u64>> = column
                        .map(|c| match c {
                            Cell::MaybeCount(n) => n.map(|n| n as u64),
                            _ => None,
                        })
                        .collect();
                    Series::new(name, values)
                }
                Cell::MaybePeople(_) => {
                    let values: Vec<Option<f64>> = column
                        .map(|c| match c {
                            Cell::MaybePeople(v) => v.map(Volume::as_f64),
                            _ => None,
                        })
                        .collect();
                    Series::new(name, values)
                }
            };
            Column::from(series)
        })
        .collect();
    DataFrame::new(rows.len(), columns)
}
