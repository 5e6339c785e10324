//! Gap reports a planner reads: one folder with an HTML page, CSV and Parquet tables, JSON and a
//! README.
//!
//! The writer takes the engine's gap rows ([`TableRow`]) in a [`ReportInput`], with plain values for
//! the map and the closest offers; it formats and draws, it never recomputes a gap. [`write_report`] writes into a
//! folder:
//!
//! | file | for whom | what |
//! |---|---|---|
//! | `report.html` | planners | one self-contained page: key figures, tables, bar charts, map (inline SVG) |
//! | `gaps_by_<axis>.csv` | spreadsheets | one table per axis, UTF-8 with BOM, `;` and decimal comma by default |
//! | `gaps_by_<axis>.parquet` | analysts | the same tables, Zstd-compressed |
//! | `offers.csv` | spreadsheets | every offer: seats, entrants, graduates, indicators and their peers' means (when the input has its supply) |
//! | `recommendation.toml` | planners, `gapmap gaps --scenario` | the recommended openings and extensions as a scenario (with `--recommend`) |
//! | `gaps.json` | programs | every figure, shape in [`json::SCHEMA`], versioned by `format_version` |
//! | `README.txt` | everyone | what each file is, sources and licences, the configuration used |
//!
//! ```no_run
//! use std::path::Path;
//! use gapmap::report::{ReportInput, ReportOptions, TableRow, write_report};
//! use gapmap_match::{GapKey, GapRow};
//!
//! # fn main() -> anyhow::Result<()> {
//! let input = ReportInput {
//!     title: "Écarts formation-emploi — Hauts-de-France".to_owned(),
//!     generated_at: "2026-11-26T12:00:00Z".to_owned(),
//!     lang: Default::default(),
//!     data_note: Some("données de démonstration illustratives".to_owned()),
//!     config_toml: "[matching]\nradius_km = 40\n".to_owned(),
//!     sources: Vec::new(),
//!     summary: Vec::new(),
//!     total: TableRow { row: GapRow::empty(GapKey::Total), label: "Total".to_owned() },
//!     count_adjacent: false,
//!     gaps_by: Default::default(),
//!     sites: Vec::new(),
//!     uncovered: Vec::new(),
//!     outline_points: Vec::new(),
//!     big_gaps: Vec::new(),
//!     scenario: None,
//!     supply: None,
//!     horizon: None,
//!     recommendations: None,
//! };
//! let files = write_report(&input, Path::new("out"), &ReportOptions::default())?;
//! println!("open {}", files.html.display());
//! # Ok(())
//! # }
//! ```

mod charts;
mod html;
mod i18n;
pub mod json;
mod model;
mod readme;
mod screenshot;
pub mod tables;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

pub use i18n::Lang;
pub use model::{
    Axis, BigGap, ClosestOffer, DemandPoint, GeoPoint, HorizonScenario, HorizonSection,
    RecommendRow, RecommendSection, ReportInput, ScenarioDelta, ScenarioRow, Site, SourceCredit,
    SupplySection, TableRow, YearFigures, YearSeries,
};
pub use screenshot::screenshot;
pub use tables::{CsvDelimiter, text_cell};

/// Choices of the caller that are not data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// Separator of the CSV files (`;` with a decimal comma by default).
    pub csv_delimiter: CsvDelimiter,
    /// Rows shown in the HTML tables of long lists (occupations, competences, needs); the CSV,
    /// Parquet and JSON files hold every row.
    pub top_rows: usize,
    /// Bars drawn in a chart.
    pub chart_rows: usize,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            csv_delimiter: CsvDelimiter::Semicolon,
            top_rows: 20,
            chart_rows: 15,
        }
    }
}

/// The files [`write_report`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFiles {
    /// `report.html`.
    pub html: PathBuf,
    /// `gaps_by_<axis>.csv`, one per axis of the input.
    pub csv: BTreeMap<Axis, PathBuf>,
    /// `gaps_by_<axis>.parquet`, one per axis of the input.
    pub parquet: BTreeMap<Axis, PathBuf>,
    /// `years_by_<axis>.csv`, one per axis of the input's horizon.
    pub years_csv: BTreeMap<Axis, PathBuf>,
    /// `years_by_<axis>.parquet`, one per axis of the input's horizon.
    pub years_parquet: BTreeMap<Axis, PathBuf>,
    /// `offers.csv`, when the input has its supply.
    pub offers: Option<PathBuf>,
    /// `gaps.json`.
    pub json: PathBuf,
    /// `README.txt`.
    pub readme: PathBuf,
}

/// Names of the files in the report folder.
pub mod file_names {
    use super::Axis;

    /// The HTML page.
    pub const HTML: &str = "report.html";
    /// The JSON document.
    pub const JSON: &str = "gaps.json";
    /// The README.
    pub const README: &str = "README.txt";
    /// The offers' table.
    pub const OFFERS: &str = "offers.csv";
    /// The recommendation as a scenario file (with `--recommend`).
    pub const RECOMMENDATION: &str = "recommendation.toml";

    /// `gaps_by_<axis>`, the name of an axis's tables without extension.
    pub fn table_stem(axis: Axis) -> String {
        format!("gaps_by_{}", axis.key())
    }

    /// `years_by_<axis>`, the name of an axis's tables over a plan horizon without extension.
    pub fn year_table_stem(axis: Axis) -> String {
        format!("years_by_{}", axis.key())
    }
}

/// Writes the report for `input` into `out_dir` (created if missing; files of the same names are
/// replaced, other files are left alone).
pub fn write_report(
    input: &ReportInput,
    out_dir: &Path,
    options: &ReportOptions,
) -> anyhow::Result<ReportFiles> {
    fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;

    let mut csv = BTreeMap::new();
    let mut parquet = BTreeMap::new();
    for (axis, rows) in &input.gaps_by {
        let stem = file_names::table_stem(*axis);
        let csv_path = out_dir.join(format!("{stem}.csv"));
        tables::write_csv(&csv_path, rows, input.lang, options.csv_delimiter)?;
        csv.insert(*axis, csv_path);
        let parquet_path = out_dir.join(format!("{stem}.parquet"));
        tables::write_parquet(&parquet_path, rows)?;
        parquet.insert(*axis, parquet_path);
    }

    let mut years_csv = BTreeMap::new();
    let mut years_parquet = BTreeMap::new();
    for (axis, tables) in input.horizon.iter().flat_map(|h| &h.gaps_by) {
        let stem = file_names::year_table_stem(*axis);
        let csv_path = out_dir.join(format!("{stem}.csv"));
        tables::write_year_csv(&csv_path, tables, input.lang, options.csv_delimiter)?;
        years_csv.insert(*axis, csv_path);
        let parquet_path = out_dir.join(format!("{stem}.parquet"));
        tables::write_year_parquet(&parquet_path, tables)?;
        years_parquet.insert(*axis, parquet_path);
    }

    let offers = match &input.supply {
        Some(supply) => {
            let path = out_dir.join(file_names::OFFERS);
            tables::write_offers_file(&path, &supply.offers, options.csv_delimiter)?;
            Some(path)
        }
        None => None,
    };
    let json = out_dir.join(file_names::JSON);
    write_text(&json, &json::to_json(input)?)?;
    if let Some(r) = &input.recommendations {
        write_text(&out_dir.join(file_names::RECOMMENDATION), &r.scenario_toml)?;
    }
    let readme = out_dir.join(file_names::README);
    write_text(&readme, &readme::render(input)?)?;
    // The page last: its presence tells that the folder is complete.
    let html = out_dir.join(file_names::HTML);
    write_text(&html, &html::render(input, options)?)?;

    Ok(ReportFiles {
        html,
        csv,
        parquet,
        years_csv,
        years_parquet,
        offers,
        json,
        readme,
    })
}

fn write_text(path: &Path, text: &str) -> anyhow::Result<()> {
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
