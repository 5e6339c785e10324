//! Demand: the project's needs files (CSV, XLSX) and the BMO survey.

use std::path::Path;

use gapmap_model::{Need, RegionCode, Referential, Territory};

use crate::{DataDir, ImportReport, IngestError};

/// Reads a needs file (CSV or XLSX, by extension) in the format of `datasets/README.md`.
pub fn read_needs_file(path: &Path, report: &mut ImportReport) -> Result<Vec<Need>, IngestError> {
    let _ = (path, report);
    Ok(Vec::new())
}

/// Reads the BMO survey and turns each line into needs per ROME sheet (DARES crosswalk).
pub fn read_bmo(
    data: &DataDir,
    referential: &Referential,
    territory: &Territory,
    region: Option<RegionCode>,
    report: &mut ImportReport,
) -> Result<Vec<Need>, IngestError> {
    let _ = (data, referential, territory, region, report);
    Ok(Vec::new())
}
