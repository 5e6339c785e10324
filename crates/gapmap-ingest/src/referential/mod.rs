//! The referential: ROME 4.0, Certif Info, BCN, apprenticeship kit, RNCP blocks, FAP 2021, DARES.
//!
//! Each publisher's files have their own module; [`read_referential`] runs them in parallel and
//! merges their reports in a fixed order (ROME, certifications, BCN, FAP), so that the report
//! does not depend on scheduling.

mod bcn;
mod certif;
mod fap;
mod rome;

use gapmap_model::Referential;

use crate::{DataDir, ImportReport, IngestError, Reject, Row, Table};

/// Reads every referential table of the data folder.
///
/// Every file is required. Rows that cannot be used are rejected with their position; fields
/// that cannot be read are rejected with `row_dropped: false` and the row is kept without them.
pub fn read_referential(
    data: &DataDir,
    report: &mut ImportReport,
) -> Result<Referential, IngestError> {
    let mut rome_report = ImportReport::default();
    let mut certif_report = ImportReport::default();
    let mut bcn_report = ImportReport::default();
    let mut fap_report = ImportReport::default();
    let (rome, (certif, (bcn, fap))) = rayon::join(
        || rome::read(data, &mut rome_report),
        || {
            rayon::join(
                || certif::read(data, &mut certif_report),
                || {
                    rayon::join(
                        || bcn::read(data, &mut bcn_report),
                        || fap::read(data, &mut fap_report),
                    )
                },
            )
        },
    );
    let (rome, certif, bcn, fap) = (rome?, certif?, bcn?, fap?);
    for part in [rome_report, certif_report, bcn_report, fap_report] {
        report.merge(part);
    }
    Ok(Referential {
        metiers: rome.metiers,
        appellations: rome.appellations,
        competences: rome.competences,
        metier_competences: rome.metier_competences,
        themes: rome.themes,
        certifications: certif.certifications,
        skill_blocks: certif.skill_blocks,
        diplomas: bcn.diplomas,
        mef_units: bcn.mef_units,
        cfd_rncp: certif.cfd_rncp,
        fap: fap.occupations,
        rome_fap: fap.rome_fap,
    })
}

/// Feeds every record of `table` to `read_row` and accounts for it in `report`: a row is
/// accepted when `read_row` returns `Ok` (its field-level rejects, pushed to the vector, are
/// recorded after it), rejected with the returned [`Reject`] otherwise (field-level rejects of a
/// dropped row are discarded: the row-level reason is the one that matters). Also records the
/// file's encoding.
fn for_each_row(
    table: &Table,
    report: &mut ImportReport,
    mut read_row: impl FnMut(&Row, &mut Vec<Reject>) -> Result<(), Reject>,
) {
    report.file(&table.file).encoding = Some(table.encoding);
    let mut field_rejects = Vec::new();
    for row in table.rows() {
        let row = match row {
            Ok(row) => row,
            Err(reject) => {
                report.reject(reject);
                continue;
            }
        };
        field_rejects.clear();
        match read_row(&row, &mut field_rejects) {
            Ok(()) => {
                report.accept(&table.file);
                for reject in field_rejects.drain(..) {
                    report.reject(reject);
                }
            }
            Err(reject) => report.reject(reject),
        }
    }
}

/// An `O`/`N` flag of the publishers (also `oui`/`non`); empty reads as "no". Anything else is a
/// field-level reject and reads as "no".
fn yes_no(row: &Row, column: usize, field: &str, field_rejects: &mut Vec<Reject>) -> bool {
    match row.get(column) {
        "O" | "o" | "Oui" | "oui" | "OUI" => true,
        "N" | "n" | "Non" | "non" | "NON" | "" => false,
        other => {
            field_rejects.push(row.reject(field, other, "expected O or N", false));
            false
        }
    }
}

/// A required text field: when empty, a field-level reject and an empty string.
fn text(row: &Row, column: usize, field: &str, field_rejects: &mut Vec<Reject>) -> String {
    let value = row.get(column);
    if value.is_empty() {
        field_rejects.push(row.reject(field, "", "empty label", false));
    }
    value.to_owned()
}

/// A field-level parse: the value, or `None` with the reject recorded.
fn soft<T>(parsed: Result<Option<T>, Reject>, field_rejects: &mut Vec<Reject>) -> Option<T> {
    parsed.unwrap_or_else(|reject| {
        field_rejects.push(reject);
        None
    })
}

#[cfg(test)]
mod tests;
