//! Errors and rejected rows.

use std::fmt;
use std::path::PathBuf;

/// A failure that stops an import: a file that cannot be read or whose structure is not the
/// expected one (missing column, empty file, wrong separator). Row-level problems are not errors:
/// they become [`Reject`]s and the import goes on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The file could not be opened or read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file of a store could not be written (a full disk, a file size limit, permissions):
    /// the store it was replacing is left as it was.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file's structure is not the one expected.
    #[error("{file}: line {line}: {message}")]
    Format {
        /// File name (relative to the data folder).
        file: String,
        /// 1-based line (1 = header).
        line: u64,
        /// What is wrong, in words a user can act on.
        message: String,
    },
    /// A required column is absent from the header.
    #[error("{file}: line 1: missing column {column:?} (the header has: {found})")]
    MissingColumn {
        /// File name.
        file: String,
        /// The column that was looked for.
        column: String,
        /// The header's columns, comma-separated (cut to 300 characters).
        found: String,
    },
    /// The region asked for is not one of the data's territory (its offers and survey lines would
    /// all be left out).
    #[error("region {region}: not a region of the data's territory (regions: {known})")]
    UnknownRegion {
        /// The code asked for.
        region: String,
        /// The territory's region codes.
        known: String,
    },
    /// The store could not be written or read back.
    #[error("store {}: {message}", path.display())]
    Store {
        /// The store folder or file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// A row (or one field of a row) that could not be read, with where and why.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Reject {
    /// File name, relative to the data folder (`offers/affelnet/attractivite_capacite_2022.csv`).
    pub file: String,
    /// 1-based line of the file (1 = header) or spreadsheet row.
    pub line: u64,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// The offending value (cut to 80 characters).
    pub value: String,
    /// Why the row or field was refused.
    pub reason: String,
    /// `true` when the whole row was dropped, `false` when the row was kept without that field.
    pub row_dropped: bool,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(field) = &self.field {
            write!(f, ": field {field:?}")?;
        }
        write!(f, ": {}", self.reason)?;
        if !self.value.is_empty() {
            write!(f, " (value {:?})", self.value)?;
        }
        if !self.row_dropped {
            write!(f, " [row kept without it]")?;
        }
        Ok(())
    }
}
