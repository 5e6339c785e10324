//! Spreadsheets (XLSX) as rows of text with their spreadsheet row numbers.
//!
//! Publishers and planners store numbers as numbers or as text, codes with or without a leading
//! apostrophe: every cell is turned into the text a user sees, and the typed parsers of the
//! importers do the rest, exactly as for CSV.

use std::path::Path;

use calamine::{Data, Range, Reader};

use crate::IngestError;

/// One spreadsheet row: its 1-based row number and its cells as text (trimmed).
pub(crate) struct SheetRow {
    /// Spreadsheet row number (1 = the first row of the sheet).
    pub line: u64,
    /// Cells from the sheet's first used column, as text.
    pub cells: Vec<String>,
}

impl SheetRow {
    /// The cell at `column`, or `""`.
    pub fn get(&self, column: usize) -> &str {
        self.cells.get(column).map_or("", String::as_str)
    }

    /// Whether every cell is empty.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(String::is_empty)
    }
}

/// Opens the workbook at `path` and reads the sheet chosen by `pick` among the sheet names (in
/// workbook order). `file` names the file in errors.
pub(crate) fn read_sheet(
    path: &Path,
    file: &str,
    pick: impl FnOnce(&[String]) -> Result<String, String>,
) -> Result<Vec<SheetRow>, IngestError> {
    if !path.is_file() {
        return Err(IngestError::Io {
            path: path.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
    }
    let format_error = |message: String| IngestError::Format {
        file: file.to_owned(),
        line: 1,
        message,
    };
    let mut workbook = calamine::open_workbook_auto(path)
        .map_err(|e| format_error(format!("not a readable spreadsheet: {e}")))?;
    let names = workbook.sheet_names();
    let name = pick(&names).map_err(format_error)?;
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| format_error(format!("sheet {name:?} cannot be read: {e}")))?;
    Ok(rows_of(&range))
}

/// The rows of a range with their absolute spreadsheet row numbers.
fn rows_of(range: &Range<Data>) -> Vec<SheetRow> {
    let first_row = range.start().map_or(0, |(row, _)| u64::from(row));
    range
        .rows()
        .enumerate()
        .map(|(i, cells)| SheetRow {
            line: first_row + i as u64 + 1,
            cells: cells.iter().map(cell_text).collect(),
        })
        .collect()
}

/// The text of a cell as a user reads it: `12` for the number 12.0, `2.5` for 2.5.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        // Display of f64 writes integral values without a fraction (`12`) and others in their
        // shortest exact form (`2.5`).
        Data::Float(f) => f.to_string(),
        // A date is no count, year or code: shown as a date cell, which no field accepts (read as
        // its serial number, 2026-01-05 would be 46,027 people).
        Data::DateTime(d) => format!("(date cell {})", d.as_f64()),
        Data::DateTimeIso(d) | Data::DurationIso(d) => format!("(date cell {d})"),
        other => other.to_string().trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_a_user_sees_them() {
        let cells = [
            Data::Float(12.0),
            Data::Float(2.5),
            Data::Int(7),
            Data::String(" 02408 ".to_owned()),
            Data::Empty,
            Data::Bool(true),
            // 2026-01-05 typed in a volume cell: no count of people.
            Data::DateTime(calamine::ExcelDateTime::new(
                46027.0,
                calamine::ExcelDateTimeType::DateTime,
                false,
            )),
        ];
        let shown: Vec<String> = cells.iter().map(cell_text).collect();
        assert_eq!(
            shown,
            ["12", "2.5", "7", "02408", "", "true", "(date cell 46027)"]
        );
        assert!(crate::demand::needs_file::parse_volume(&shown[6]).is_err());
    }
}
