//! gapmap's domain model.
//!
//! The types every other crate speaks: validated [codes](RomeCode) of the French nomenclatures,
//! the [`Referential`] (ROME 4.0, certifications, crosswalks), the [`Territory`], training
//! [`Offer`]s (supply) and recruitment [`Need`]s (demand), gathered in a [`Dataset`].
//!
//! This crate knows no file format and does no I/O: importers build these values, the matcher
//! reads them. `serde` derives exist so that the store can snapshot a dataset; the outputs
//! (JSON, CSV) are shaped by the binary, not by these derives.
//!
//! ```
//! use gapmap_model::{RomeCode, Uai, Volume};
//!
//! let rome: RomeCode = "I1304".parse().unwrap();
//! assert_eq!(rome.domain(), "I13");
//! let school: Uai = "0590005K".parse().unwrap();
//! assert_eq!(school.departement().as_str(), "59");
//! // A BMO line of 10 projects over 3 ROME sheets keeps its total exactly.
//! let parts = Volume::whole(10).apportion(&[2, 1, 1]);
//! assert_eq!(parts.into_iter().sum::<Volume>(), Volume::whole(10));
//! ```

mod codes;
mod need;
mod offer;
mod quantity;
mod referential;
mod territory;

use serde::{Deserialize, Serialize};

pub use codes::{
    BassinCode, Cfd, CodeError, Departement, EuropeanLevel, FapCode, Formacode, InseeCommune,
    LevelRangeError, Mef, MefStat11, Nsf, OgrCode, Postcode, RegionCode, RncpBlockCode, RncpCode,
    RomeCode, SchoolCode, SiteCode, Uai,
};
pub use need::{Buyer, Need, NeedId, NeedLocation, SourceRef};
pub use offer::{
    Enrolment, Intake, Location, LocationPrecision, Offer, OfferId, OfferSource, OutcomeBasis,
    Outcomes, PastCapacity, Retention, TrainingMode,
};
pub use quantity::{Capacity, Count, Volume};
pub use referential::{
    Appellation, Certification, Competence, CompetenceKind, Diploma, Ecological, FapOccupation,
    MefUnit, Metier, MetierCompetence, Referential, ReferentialIndex, RomeFapLink, SkillBlock,
    Transitions,
};
pub use territory::{Bassin, Commune, DepartementInfo, GeoPoint, Territory};

/// Everything gapmap knows after an import: referential, territory, supply and survey demand.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// ROME, certifications, crosswalks.
    pub referential: Referential,
    /// Communes, départements, regions, employment areas.
    pub territory: Territory,
    /// Training offers.
    pub offers: Vec<Offer>,
    /// Needs read with the data (the BMO survey lines, apportioned to ROME sheets).
    pub needs: Vec<Need>,
}
