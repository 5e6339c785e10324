//! Training offers: Affelnet and Parcoursup capacities joined to the BCN, Certif Info, school
//! directories, communes and InserJeunes outcomes.

use gapmap_model::{Offer, RegionCode, Referential, Territory};

use crate::{DataDir, ImportReport, IngestError};

/// Which offers to keep.
#[derive(Clone, Debug, Default)]
pub struct OfferFilter {
    /// Keep only offers in this region (by the UAI's département); `None` keeps all.
    pub region: Option<RegionCode>,
}

/// Reads and assembles the training offers.
pub fn read_offers(
    data: &DataDir,
    referential: &Referential,
    territory: &Territory,
    filter: &OfferFilter,
    report: &mut ImportReport,
) -> Result<Vec<Offer>, IngestError> {
    let _ = (data, referential, territory, filter, report);
    Ok(Vec::new())
}
