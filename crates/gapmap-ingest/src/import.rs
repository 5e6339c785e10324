//! One call that reads a whole data folder into a [`Dataset`].

use gapmap_model::{Dataset, RegionCode};

use crate::territory::{read_territory_with_homonyms, reconcile_areas};
use crate::{
    BmoSurvey, DataDir, ImportReport, IngestError, OfferFilter, layout, read_bmo, read_offers,
    read_referential,
};

/// What to import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Keep only the offers and survey demand of this region; `None` keeps the whole country.
    pub region: Option<RegionCode>,
    /// Which offers to keep (years...). Its `region` is overridden by `region` above.
    pub offers: OfferFilter,
    /// Skip the BMO survey even when the folder has it.
    pub skip_bmo: bool,
}

/// The result of an import: the data and the account of every row.
#[derive(Clone, Debug)]
pub struct Import {
    /// What was read.
    pub dataset: Dataset,
    /// Per-file counts and rejects.
    pub report: ImportReport,
}

/// Reads the referential and the territory (in parallel), then the offers and the BMO survey.
pub fn import(data: &DataDir, options: &ImportOptions) -> Result<Import, IngestError> {
    let mut referential_report = ImportReport::default();
    let mut territory_report = ImportReport::default();
    let (referential, territory) = rayon::join(
        || read_referential(data, &mut referential_report),
        || read_territory_with_homonyms(data, &mut territory_report),
    );
    let (referential, (mut territory, homonyms)) = (referential?, territory?);
    let mut report = referential_report;
    report.merge(territory_report);
    if let Some(region) = options.region
        && !territory.regions.contains_key(&region)
    {
        let known: Vec<String> = territory.regions.keys().map(ToString::to_string).collect();
        return Err(IngestError::UnknownRegion {
            region: region.to_string(),
            known: known.join(", "),
        });
    }

    let filter = OfferFilter {
        region: options.region,
        ..options.offers.clone()
    };
    let mut offers_report = ImportReport::default();
    let mut bmo_report = ImportReport::default();
    let with_bmo = !options.skip_bmo && data.has(layout::demand::BMO);
    let (offers, survey) = rayon::join(
        || read_offers(data, &referential, &territory, &filter, &mut offers_report),
        || {
            if with_bmo {
                read_bmo(data, &referential, options.region, &mut bmo_report)
            } else {
                Ok(BmoSurvey::default())
            }
        },
    );
    let (mut offers, survey) = (offers?, survey?);
    report.merge(offers_report);
    report.merge(bmo_report);
    // The survey's areas are the authority on its own codes; offers follow their commune's area.
    let moved = reconcile_areas(&mut territory, &homonyms, &survey.areas, &mut report);
    for offer in &mut offers {
        if let Some(&area) = offer.location.commune.as_ref().and_then(|c| moved.get(c)) {
            offer.location.bassin = Some(area);
        }
    }
    let needs = survey.needs;
    Ok(Import {
        dataset: Dataset {
            referential,
            territory,
            offers,
            needs,
        },
        report,
    })
}
