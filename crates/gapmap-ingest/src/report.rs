//! What an import read, kept and refused, per file.

use crate::{Reject, TextEncoding};

/// Counts for one input file. Invariant: `rows_read == accepted + rejected + outside_region`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    /// File name relative to the data folder.
    pub file: String,
    /// Encoding detected (`None` for spreadsheets and JSON).
    pub encoding: Option<TextEncoding>,
    /// Data rows read (header excluded).
    pub rows_read: u64,
    /// Rows turned into model values (possibly without some optional field: see the rejects).
    pub accepted: u64,
    /// Rows dropped, each with a [`Reject`].
    pub rejected: u64,
    /// Valid rows left out because they lie outside the region asked for (`--region`).
    pub outside_region: u64,
}

/// The account of an import: per-file counts and every reject.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// One entry per file, in reading order.
    pub files: Vec<FileReport>,
    /// Every rejected row or field, in reading order.
    pub rejects: Vec<Reject>,
}

impl ImportReport {
    /// The counts of `file`, created on first use.
    pub fn file(&mut self, file: &str) -> &mut FileReport {
        let i = match self.files.iter().position(|f| f.file == file) {
            Some(i) => i,
            None => {
                self.files.push(FileReport {
                    file: file.to_owned(),
                    ..FileReport::default()
                });
                self.files.len() - 1
            }
        };
        &mut self.files[i]
    }

    /// Counts one row read and accepted.
    pub fn accept(&mut self, file: &str) {
        let f = self.file(file);
        f.rows_read += 1;
        f.accepted += 1;
    }

    /// Counts one row read and left out because it lies outside the region asked for.
    pub fn outside_region(&mut self, file: &str) {
        let f = self.file(file);
        f.rows_read += 1;
        f.outside_region += 1;
    }

    /// Records a reject. A dropped row counts as read and rejected; a field-level reject (row
    /// kept) is only recorded: the row is counted by [`ImportReport::accept`].
    pub fn reject(&mut self, reject: Reject) {
        if reject.row_dropped {
            let f = self.file(&reject.file);
            f.rows_read += 1;
            f.rejected += 1;
        }
        self.rejects.push(reject);
    }

    /// Records the reject of a row counted as accepted, found unusable later (against other
    /// data): it counts as rejected instead.
    pub fn reject_accepted(&mut self, reject: Reject) {
        let f = self.file(&reject.file);
        f.accepted = f.accepted.saturating_sub(1);
        f.rejected += 1;
        self.rejects.push(Reject {
            row_dropped: true,
            ..reject
        });
    }

    /// The value of `result`, or `None` after recording its reject: for the
    /// `let Some(row) = report.keep(row) else { continue };` of every importer loop.
    pub fn keep<T>(&mut self, result: Result<T, Reject>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(reject) => {
                self.reject(reject);
                None
            }
        }
    }

    /// Appends another report (parallel importers each fill their own).
    pub fn merge(&mut self, other: ImportReport) {
        for f in other.files {
            let mine = self.file(&f.file);
            mine.encoding = mine.encoding.or(f.encoding);
            mine.rows_read += f.rows_read;
            mine.accepted += f.accepted;
            mine.rejected += f.rejected;
            mine.outside_region += f.outside_region;
        }
        self.rejects.extend(other.rejects);
    }
}
