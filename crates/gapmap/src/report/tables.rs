//! Gap tables as CSV (for spreadsheets) and Parquet (for analysts).
//!
//! CSV cells follow two rules, chosen for Excel and LibreOffice as French planners use them:
//! - Numbers are written as numbers, never neutralised: a negative number is `-3,5` (or `-3.5`), which a
//!   spreadsheet reads as a number and cannot run as a formula. With the `;` separator (the default,
//!   what a French-locale spreadsheet expects) the decimal mark is a comma; with `,` it is a point.
//! - Text cells (key, label) that start with `=`, `+`, `-`, `@`, a tab or a carriage return get a
//!   leading apostrophe, so that a spreadsheet shows them as text instead of evaluating them (formula
//!   injection). The apostrophe is visible in other readers; that is the price of safety.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use gapmap_engine::{Cell, TableRow};
use polars::prelude::{ParquetCompression, ParquetWriter};

use super::i18n::{Lang, Msg};

/// The column separator of the CSV files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvDelimiter {
    /// `;` with a decimal comma: what French-locale spreadsheets open directly (default).
    #[default]
    Semicolon,
    /// `,` with a decimal point.
    Comma,
}

impl CsvDelimiter {
    /// The separator byte.
    pub fn byte(self) -> u8 {
        match self {
            CsvDelimiter::Semicolon => b';',
            CsvDelimiter::Comma => b',',
        }
    }

    fn decimal_mark(self) -> char {
        match self {
            CsvDelimiter::Semicolon => ',',
            CsvDelimiter::Comma => '.',
        }
    }
}

/// The CSV header in the report's language, in the order of [`gapmap_engine::FRAME_COLUMNS`].
pub fn csv_header(lang: Lang) -> [String; gapmap_engine::COLUMN_COUNT] {
    [
        Msg::Code,
        Msg::Label,
        Msg::Needs,
        Msg::MaskedNeeds,
        Msg::Demand,
        Msg::Covered,
        Msg::Direct,
        Msg::Adjacent,
        Msg::Gap,
        Msg::Coverage,
        Msg::Seasonal,
        Msg::SeasonalMasked,
        Msg::Tension,
        Msg::SmallCount,
        Msg::CapacityUnknownNeeds,
        Msg::GapCapacityUnknown,
        Msg::TransitionEcological,
        Msg::TransitionDigital,
        Msg::TransitionDemographic,
    ]
    .map(|msg| lang.text(msg).to_lowercase())
}

/// Writes `rows` as an Excel-friendly CSV: UTF-8 with a BOM, one header line, then one line per row.
pub fn write_csv(
    path: &Path,
    rows: &[TableRow],
    lang: Lang,
    delimiter: CsvDelimiter,
) -> anyhow::Result<()> {
    let records = rows.iter().map(|row| record(row, lang, delimiter));
    write_records(path, csv_header(lang).to_vec(), records, delimiter)
}

/// Writes `header` and `records` as an Excel-friendly CSV: UTF-8 with a BOM.
fn write_records(
    path: &Path,
    header: Vec<String>,
    records: impl Iterator<Item = Vec<String>>,
    delimiter: CsvDelimiter,
) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = BufWriter::new(file);
    // Excel guesses a legacy code page for UTF-8 files without a BOM and garbles accents.
    out.write_all("\u{FEFF}".as_bytes())?;
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter.byte())
        .from_writer(out);
    writer.write_record(header)?;
    for record in records {
        writer.write_record(record)?;
    }
    writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!("writing {}: {}", path.display(), error.error()))?
        .flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// The cells of a row as CSV fields.
fn record(row: &TableRow, lang: Lang, delimiter: CsvDelimiter) -> Vec<String> {
    let key = row.row.key.to_string();
    row.cells(&key)
        .map(|cell| match cell {
            Cell::Text(text) => text_cell(text),
            Cell::Count(n) => n.to_string(),
            Cell::People(v) => number_cell(v.as_f64(), delimiter),
            Cell::Share(share) => number_cell(share.unwrap_or(f64::NAN), delimiter),
            Cell::Flag(flag) => lang.text(if flag { Msg::Yes } else { Msg::No }).to_owned(),
            Cell::MaybeCount(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Cell::MaybePeople(v) => {
                v.map_or_else(String::new, |v| number_cell(v.as_f64(), delimiter))
            }
        })
        .to_vec()
}

/// Writes the tables of a plan horizon as one CSV like [`write_csv`], with a first column, the
/// year: each year's rows (totals left out, as in the other tables).
pub fn write_year_csv(
    path: &Path,
    tables: &[gapmap_engine::YearTable],
    lang: Lang,
    delimiter: CsvDelimiter,
) -> anyhow::Result<()> {
    let mut header = vec![lang.text(Msg::Year).to_lowercase()];
    header.extend(csv_header(lang));
    let records = tables.iter().flat_map(|t| {
        t.rows.iter().map(move |row| {
            let mut fields = vec![t.year.to_string()];
            fields.extend(record(row, lang, delimiter));
            fields
        })
    });
    write_records(path, header, records, delimiter)
}

/// Writes the tables of a plan horizon as Parquet: [`gapmap_engine::to_year_dataframe`], the
/// columns of [`gapmap_engine::YEAR_FRAME_COLUMNS`].
pub fn write_year_parquet(path: &Path, tables: &[gapmap_engine::YearTable]) -> anyhow::Result<()> {
    let frame = gapmap_engine::to_year_dataframe(tables)?;
    write_frame(path, frame)
}

/// Writes `offers.csv`: UTF-8 with a BOM, the columns of [`gapmap_engine::OFFER_COLUMNS`].
pub fn write_offers_file(
    path: &Path,
    offers: &[[serde_json::Value; gapmap_engine::OFFER_COLUMN_COUNT]],
    delimiter: CsvDelimiter,
) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = BufWriter::new(file);
    out.write_all("\u{FEFF}".as_bytes())?;
    write_offers_csv(&mut out, offers.iter(), delimiter)?;
    out.flush()
        .with_context(|| format!("writing {}", path.display()))
}

/// Writes the per-offer table (the columns of [`gapmap_engine::OFFER_COLUMNS`]) as CSV to `out`:
/// text neutralised, numbers with the delimiter's decimal mark, unknown values empty.
pub fn write_offers_csv<'v>(
    out: impl Write,
    offers: impl Iterator<Item = &'v [serde_json::Value; gapmap_engine::OFFER_COLUMN_COUNT]>,
    delimiter: CsvDelimiter,
) -> anyhow::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter.byte())
        .from_writer(out);
    writer.write_record(gapmap_engine::OFFER_COLUMNS)?;
    for values in offers {
        writer.write_record(values.iter().map(|v| match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(text) => text_cell(text),
            serde_json::Value::Number(n) => number_cell(n.as_f64().unwrap_or(f64::NAN), delimiter),
            other => other.to_string(),
        }))?;
    }
    writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!("writing the offers' CSV: {}", error.error()))?
        .flush()?;
    Ok(())
}

/// A text cell, neutralised against formula injection (see the module documentation).
pub fn text_cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    }
}

/// A number cell: the shortest exact decimal form, with the delimiter's decimal mark; empty when the
/// value is not finite (e.g. a coverage without demand).
pub fn number_cell(value: f64, delimiter: CsvDelimiter) -> String {
    if !value.is_finite() {
        return String::new();
    }
    // `-0` would look like a tiny deficit in a spreadsheet.
    let value = if value == 0.0 { 0.0 } else { value };
    let text = value.to_string();
    match delimiter.decimal_mark() {
        '.' => text,
        mark => text.replace('.', &mark.to_string()),
    }
}

/// Writes `rows` as a Zstd-compressed Parquet file: the engine's data frame
/// ([`gapmap_engine::to_dataframe`]), with the columns of [`gapmap_engine::FRAME_COLUMNS`].
pub fn write_parquet(path: &Path, rows: &[TableRow]) -> anyhow::Result<()> {
    write_frame(path, gapmap_engine::to_dataframe(rows)?)
}

fn write_frame(path: &Path, mut frame: polars::prelude::DataFrame) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = BufWriter::new(file);
    ParquetWriter::new(&mut out)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut frame)
        .with_context(|| format!("writing {}", path.display()))?;
    out.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
