//! Demand: the project's needs files (CSV, XLSX) and the BMO survey.

mod bmo;

pub use bmo::{BmoSurvey, SurveyArea};
pub(crate) mod needs_file;
mod sheet;

#[cfg(test)]
mod tests;

use std::path::Path;

use gapmap_model::{Need, Referential, RegionCode};

use crate::{DataDir, ImportReport, IngestError};

/// Reads a needs file (CSV or XLSX, by extension) in the format of `datasets/README.md`.
///
/// Every row is accounted for in `report`: accepted (possibly without some optional field, with
/// a [`Reject`](crate::Reject) saying which) or dropped with a positioned reject. Structural
/// problems (missing file, no header, missing required column) are errors.
///
/// ```
/// # fn main() -> Result<(), gapmap_ingest::IngestError> {
/// let dir = std::env::temp_dir().join(format!("gapmap-doc-needs-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).ok();
/// let path = dir.join("plan.csv");
/// std::fs::write(
///     &path,
///     "# Plan illustratif\nid;acheteur;specialite;rome;lieu;volume\n\
///      d1;armee-de-terre;Télépilote de drone;N2204;commune:80021;12\n",
/// )
/// .ok();
/// let mut report = gapmap_ingest::ImportReport::default();
/// let needs = gapmap_ingest::read_needs_file(&path, &mut report)?;
/// assert_eq!(needs.len(), 1);
/// assert_eq!(needs[0].location.to_string(), "commune:80021");
/// assert_eq!(needs[0].source.line, 3);
/// # Ok(())
/// # }
/// ```
pub fn read_needs_file(path: &Path, report: &mut ImportReport) -> Result<Vec<Need>, IngestError> {
    needs_file::read_needs_file(path, report)
}

/// Reads the BMO survey and turns each line into needs per ROME sheet (DARES crosswalk).
///
/// `region` keeps the lines of one region (other lines are skipped and not counted in the
/// report). Each line becomes one need per parent ROME sheet of its occupation, its projects
/// apportioned by the number of crosswalk rows linking the sheet to the occupation (totals
/// conserved exactly); a masked line becomes one masked need with all the sheets, a line whose
/// occupation maps to no sheet one need with an empty ROME list. Ids are
/// `bmo2024:<row>:<ROME>` (or `bmo2024:<row>`), the location the line's employment area. The
/// survey's areas come with their names as published (`NOMBE24`), for [`crate::import`] to
/// reconcile with the commune -> area table.
pub fn read_bmo(
    data: &DataDir,
    referential: &Referential,
    region: Option<RegionCode>,
    report: &mut ImportReport,
) -> Result<BmoSurvey, IngestError> {
    bmo::read_bmo(data, referential, region, report)
}
