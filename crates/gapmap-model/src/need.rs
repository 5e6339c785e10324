//! Recruitment needs: the demand side.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{
    BassinCode, CodeError, Count, Departement, EuropeanLevel, FapCode, InseeCommune, OgrCode,
    RegionCode, RomeCode,
};

/// A stable identifier of a need: the file's explicit id column, or `file:line`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NeedId(pub String);

impl NeedId {
    /// The identifier as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NeedId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for NeedId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NeedId({})", self.0)
    }
}

/// Who recruits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Buyer {
    /// Armée de Terre.
    ArmeeDeTerre,
    /// Marine nationale.
    MarineNationale,
    /// Armée de l'Air et de l'Espace.
    ArmeeAirEspace,
    /// Service de santé des armées.
    ServiceSanteArmees,
    /// Direction générale de l'armement.
    Dga,
    /// Civilian staff of the Ministry of the Armed Forces.
    MinistryCivilians,
    /// A defence-industry employer (BITD), named.
    DefenceIndustry(String),
    /// A line of the BMO survey (civil demand).
    BmoSurvey,
    /// Any other named employer.
    Other(String),
}

impl Buyer {
    /// Machine key used in needs files and outputs (`armee-de-terre`, `bitd:Naval Group`...).
    pub fn key(&self) -> String {
        match self {
            Buyer::ArmeeDeTerre => "armee-de-terre".into(),
            Buyer::MarineNationale => "marine-nationale".into(),
            Buyer::ArmeeAirEspace => "armee-air-espace".into(),
            Buyer::ServiceSanteArmees => "ssa".into(),
            Buyer::Dga => "dga".into(),
            Buyer::MinistryCivilians => "civils-defense".into(),
            Buyer::DefenceIndustry(name) => format!("bitd:{name}"),
            Buyer::BmoSurvey => "bmo".into(),
            Buyer::Other(name) => format!("autre:{name}"),
        }
    }

    /// French label for reports.
    pub fn label_fr(&self) -> String {
        match self {
            Buyer::ArmeeDeTerre => "Armée de Terre".into(),
            Buyer::MarineNationale => "Marine nationale".into(),
            Buyer::ArmeeAirEspace => "Armée de l'Air et de l'Espace".into(),
            Buyer::ServiceSanteArmees => "Service de santé des armées".into(),
            Buyer::Dga => "DGA".into(),
            Buyer::MinistryCivilians => "Personnels civils du ministère des Armées".into(),
            Buyer::DefenceIndustry(name) => format!("Industrie de défense ({name})"),
            Buyer::BmoSurvey => "Enquête BMO (demande civile)".into(),
            Buyer::Other(name) => name.clone(),
        }
    }

    /// Whether the buyer is the Ministry of the Armed Forces (forces, services and civilians).
    pub fn is_ministry(&self) -> bool {
        matches!(
            self,
            Buyer::ArmeeDeTerre
                | Buyer::MarineNationale
                | Buyer::ArmeeAirEspace
                | Buyer::ServiceSanteArmees
                | Buyer::Dga
                | Buyer::MinistryCivilians
        )
    }
}

impl FromStr for Buyer {
    type Err = CodeError;
    /// Reads the keys of [`Buyer::key`]; also accepts common spellings ("Armée de Terre", "MN").
    fn from_str(s: &str) -> Result<Self, CodeError> {
        let t = s.trim();
        let lower = t.to_lowercase();
        let buyer = match lower.as_str() {
            "armee-de-terre" | "armée de terre" | "armee de terre" | "adt" => Buyer::ArmeeDeTerre,
            "marine-nationale" | "marine nationale" | "mn" => Buyer::MarineNationale,
            "armee-air-espace" | "armée de l'air et de l'espace" | "aae" => Buyer::ArmeeAirEspace,
            "ssa" | "service de santé des armées" => Buyer::ServiceSanteArmees,
            "dga" => Buyer::Dga,
            "civils-defense" | "civils" => Buyer::MinistryCivilians,
            "bmo" => Buyer::BmoSurvey,
            _ => {
                if let Some(name) = t.strip_prefix("bitd:") {
                    Buyer::DefenceIndustry(name.trim().to_owned())
                } else if let Some(name) = t.strip_prefix("autre:") {
                    Buyer::Other(name.trim().to_owned())
                } else {
                    return Err(CodeError {
                        kind: "buyer",
                        value: t.chars().take(40).collect(),
                        expected: "armee-de-terre, marine-nationale, armee-air-espace, ssa, dga, civils-defense, bitd:<name>, autre:<name> or bmo",
                    });
                }
            }
        };
        Ok(buyer)
    }
}

/// Where a need is located.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum NeedLocation {
    /// A commune (e.g. a base or a plant).
    Commune(InseeCommune),
    /// A BMO employment area.
    Bassin(BassinCode),
    /// A département.
    Departement(Departement),
    /// A whole region.
    Region(RegionCode),
}

impl fmt::Display for NeedLocation {
    /// The needs-file syntax: `commune:80523`, `bassin:3211`, `departement:59`, `region:32`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NeedLocation::Commune(code) => write!(f, "commune:{code}"),
            NeedLocation::Bassin(code) => write!(f, "bassin:{code}"),
            NeedLocation::Departement(code) => write!(f, "departement:{code}"),
            NeedLocation::Region(code) => write!(f, "region:{code}"),
        }
    }
}

/// Where a record came from: file and 1-based line (the header is line 1).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourceRef {
    /// File name.
    pub file: String,
    /// Line (CSV) or row (spreadsheet), 1-based.
    pub line: u64,
}

/// A recruitment need: so many people a year for a specialty, somewhere.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Need {
    /// Stable identifier.
    pub id: NeedId,
    /// Who recruits.
    pub buyer: Buyer,
    /// The specialty as the buyer writes it ("Télépilote de drone").
    pub specialty: String,
    /// ROME sheets, if given or resolved.
    pub rome: Vec<RomeCode>,
    /// Required competences (OGR codes), if given.
    pub competences: Vec<OgrCode>,
    /// Minimum European level.
    pub min_level: Option<EuropeanLevel>,
    /// Where.
    pub location: NeedLocation,
    /// People per year.
    pub volume: Count,
    /// Year of recruitment: the year the volume is for. A need without a year is a yearly flow
    /// of every year.
    pub year: Option<u16>,
    /// A yearly growth rate (`0.05`: +5 % a year; `0`: the same volume every year): the need is a
    /// flow from [`Need::year`] on, its volume scaled by `(1 + growth)^(year - Need::year)`.
    /// `None`: the volume is for [`Need::year`] only (a BMO line is a flow growing by the
    /// matcher's configured BMO growth).
    #[serde(default)]
    pub growth: Option<f64>,
    /// The last year of a growing flow (inclusive); `None`: no end.
    #[serde(default)]
    pub until: Option<u16>,
    /// Free tags (`drones`, `cyber`, `aero`...).
    pub tags: Vec<String>,
    /// FAP occupation for BMO lines.
    pub fap: Option<FapCode>,
    /// BMO lines only: the projects judged difficult by the employers (`xmet`), apportioned over
    /// ROME sheets like [`Need::volume`]. `None` for needs files and unreadable values.
    pub difficult: Option<Count>,
    /// BMO lines only: the seasonal projects (`smet`), apportioned like [`Need::volume`].
    pub seasonal: Option<Count>,
    /// Where the need was read.
    pub source: SourceRef,
}
