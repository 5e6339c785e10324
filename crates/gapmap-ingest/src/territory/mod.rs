//! The territory: COG communes, départements and regions, commune points, employment areas.

use gapmap_model::Territory;

use crate::{DataDir, ImportReport, IngestError};

/// Reads every territorial table of the data folder.
pub fn read_territory(data: &DataDir, report: &mut ImportReport) -> Result<Territory, IngestError> {
    let _ = (data, report);
    Ok(Territory::default())
}
