//! Training offers: the supply side of the training map.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{
    BassinCode, Capacity, Cfd, Departement, EuropeanLevel, Formacode, GeoPoint, InseeCommune,
    MefStat11, Nsf, RegionCode, RncpCode, RomeCode, SchoolCode,
};

/// A stable identifier of an offer: `source:year:school:code:mode` (school: the UAI or site code)
/// (e.g. `affelnet:2022:0590005K:23830023102:school`), the same across runs on the same data.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OfferId(pub String);

impl OfferId {
    /// Builds the identifier from its parts.
    pub fn new(
        source: OfferSource,
        year: u16,
        school: SchoolCode,
        code: &str,
        mode: TrainingMode,
    ) -> Self {
        OfferId(format!(
            "{}:{year}:{school}:{code}:{}",
            source.key(),
            mode.key()
        ))
    }

    /// The identifier of the `n`-th row (2, 3, …) of one file that gives the same parts: this
    /// identifier suffixed `#n` (`affelnet:2022:0590005K:23830023102:school#2`).
    pub fn nth(&self, n: u32) -> OfferId {
        OfferId(format!("{}#{n}", self.0))
    }

    /// The identifier as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OfferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for OfferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OfferId({})", self.0)
    }
}

/// Where an offer comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum OfferSource {
    /// Affelnet lycée capacities (CAP, bac pro, seconde).
    Affelnet,
    /// Parcoursup BTS capacities.
    ParcoursupBts,
    /// Parcoursup course list (no capacity).
    Parcoursup,
    /// A scenario file (what-if seats).
    Scenario,
}

impl OfferSource {
    /// Short machine key (`affelnet`, `parcoursup-bts`, `parcoursup`, `scenario`).
    pub fn key(self) -> &'static str {
        match self {
            OfferSource::Affelnet => "affelnet",
            OfferSource::ParcoursupBts => "parcoursup-bts",
            OfferSource::Parcoursup => "parcoursup",
            OfferSource::Scenario => "scenario",
        }
    }
}

/// How the training is followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TrainingMode {
    /// At school (statut scolaire).
    School,
    /// As an apprentice.
    Apprenticeship,
}

impl TrainingMode {
    /// Short machine key (`school`, `apprenticeship`).
    pub fn key(self) -> &'static str {
        match self {
            TrainingMode::School => "school",
            TrainingMode::Apprenticeship => "apprenticeship",
        }
    }

    /// The mode a user names: its key or its French name (`school` or `scolaire`,
    /// `apprenticeship` or `apprentissage`), as written; `None` for anything else.
    ///
    /// ```
    /// use gapmap_model::TrainingMode;
    /// assert_eq!(TrainingMode::from_name("apprentissage"), Some(TrainingMode::Apprenticeship));
    /// assert_eq!(TrainingMode::from_name("evening"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<TrainingMode> {
        match name {
            "school" | "scolaire" => Some(TrainingMode::School),
            "apprenticeship" | "apprentissage" => Some(TrainingMode::Apprenticeship),
            _ => None,
        }
    }
}

/// How precisely an offer (or a need) is located.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LocationPrecision {
    /// The source's own GPS point of the course.
    Point,
    /// The school's commune, found by INSEE code or by name within the département.
    Commune,
    /// Found by postcode only (several communes may share it; the most populous is taken).
    Postcode,
    /// Only the département is known (from the UAI); the point is the département's centroid.
    Departement,
}

impl LocationPrecision {
    /// Short machine key.
    pub fn key(self) -> &'static str {
        match self {
            LocationPrecision::Point => "point",
            LocationPrecision::Commune => "commune",
            LocationPrecision::Postcode => "postcode",
            LocationPrecision::Departement => "departement",
        }
    }
}

/// Where an offer takes place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Commune, when resolved.
    pub commune: Option<InseeCommune>,
    /// Département (always known for offers: the UAI or site code gives it).
    pub departement: Departement,
    /// Region.
    pub region: Option<RegionCode>,
    /// BMO employment area.
    pub bassin: Option<BassinCode>,
    /// Coordinates.
    pub point: Option<GeoPoint>,
    /// How the location was found.
    pub precision: LocationPrecision,
}

/// What becomes of the students of a school or diploma (DEPP InserJeunes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcomes {
    /// Share in employment 6 months after leaving (0-1).
    pub employment_rate_6m: Option<f64>,
    /// Share in employment 12 months after leaving (0-1; region x diploma figures only).
    pub employment_rate_12m: Option<f64>,
    /// Share in employment 24 months after leaving (0-1; region x diploma figures only).
    pub employment_rate_24m: Option<f64>,
    /// Share going on to further study (0-1).
    pub further_study_rate: Option<f64>,
    /// Final-year students the rates are measured on (`nb_annee_term`; region x diploma only).
    pub cohort: Option<u32>,
    /// What the figures were measured on.
    pub basis: OutcomeBasis,
    /// What the figures describe (`school 0590005K 2022`, `region 32 cfd 40025214 2021_2022`).
    pub scope: String,
}

/// What an offer's outcomes were measured on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutcomeBasis {
    /// The leavers of the offer's own diploma in its region.
    Diploma,
    /// The leavers, in its region, of a diploma that the offer's diploma renovated (BCN
    /// `ANCIEN_DIPLOME_n`): the renovated course's measured history.
    Predecessor(Cfd),
    /// All the leavers of the offer's school (for its population), whatever their course.
    School,
}

impl OutcomeBasis {
    /// Short machine key (`diploma`, `predecessor`, `school`).
    pub fn key(self) -> &'static str {
        match self {
            OutcomeBasis::Diploma => "diploma",
            OutcomeBasis::Predecessor(_) => "predecessor",
            OutcomeBasis::School => "school",
        }
    }
}

/// Pupils enrolled in a course on the day of a school census (Éducation nationale *constat de
/// rentrée*), matched by school and MEFSTAT11.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// Census year (rentrée).
    pub year: u16,
    /// Pupils in the course's year of entry at that school.
    pub pupils: u32,
    /// Of them, as many as the same school counts in the year before of the same course (an
    /// entry in première beside the school's own seconde): pupils who mostly move up, entrants of
    /// the earlier year's offer, not of this one. 0 for a first year.
    pub continuing: u32,
}

impl Enrolment {
    /// Pupils who entered the course in this year: the pupils less the continuing ones.
    pub fn entered(self) -> u32 {
        self.pupils.saturating_sub(self.continuing)
    }
}

/// The share of a course's entrants who reach its final year, measured in a census: the product,
/// year after year, of the region's pupils in the next year of the same kind of course (MEFSTAT11
/// *dispositif*) over its pupils in this one, each step capped at 1; a cross-sectional ratio that
/// assumes stable cohorts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Retention {
    /// The share, in [0, 1] (a ratio above 1, from pupils joining on the way, counts as 1).
    pub share: f64,
    /// What it was measured on (`census 2020 region 32 dispositif 322 years 1->2, pupils year
    /// after year: 14109 -> 10683: 0.757`).
    pub scope: String,
}

/// What is known of the students who actually enter an offer, beside its seats.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Intake {
    /// The census enrolment of the course at the school (school status only).
    pub enrolment: Option<Enrolment>,
    /// The measured retention to the final year of its kind of course (school status only).
    pub retention: Option<Retention>,
    /// Seats a scenario added on top of the published capacity (0 for published offers): the
    /// entrants of these seats are the applicants the published seats turned away.
    pub added_seats: u32,
    /// The year of course the offer enters (1: a first year; 2: an entry in première), when its
    /// code tells.
    pub entry_year: Option<u8>,
    /// A seconde commune of a family of trades (BCN `familleMetiers`): its pupils choose their
    /// specialty in première, where they are counted (at this school or another); it sends no
    /// graduates of its own.
    pub common_year: bool,
    /// The capacities the same course (source, school, code, mode) published for earlier intake
    /// years, oldest first (the offer's own year is not repeated).
    #[serde(default)]
    pub history: Vec<PastCapacity>,
    /// The first intake year of the seats a scenario added ([`Intake::added_seats`]); `None`:
    /// every year.
    #[serde(default)]
    pub added_from: Option<u16>,
    /// The first intake year a scenario closes the course for: it takes no entrants from then
    /// on, and its last cohort (the intake of the year before) still graduates. `None`: open.
    #[serde(default)]
    pub closed_from: Option<u16>,
}

/// The capacity a course published for one earlier intake year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastCapacity {
    /// Intake year (rentrée).
    pub year: u16,
    /// Its capacity as published.
    pub capacity: Capacity,
}

/// A training offer: a course at a school, with its capacity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    /// Stable identifier.
    pub id: OfferId,
    /// Source dataset.
    pub source: OfferSource,
    /// Intake year (rentrée).
    pub year: u16,
    /// School (a UAI), or apprenticeship site (a Parcoursup BTS site code).
    pub school: SchoolCode,
    /// School name, if found in a directory.
    pub school_name: Option<String>,
    /// Where.
    pub location: Location,
    /// Course label as published or as the BCN names the diploma.
    pub label: String,
    /// Diploma code.
    pub cfd: Option<Cfd>,
    /// Statistical training code.
    pub mefstat11: Option<MefStat11>,
    /// RNCP certifications.
    pub rncp: Vec<RncpCode>,
    /// European level.
    pub level: Option<EuropeanLevel>,
    /// NSF specialty.
    pub nsf: Option<Nsf>,
    /// Formacodes.
    pub formacodes: Vec<Formacode>,
    /// ROME sheets it leads to (parent sheets, from Certif Info).
    pub rome: Vec<RomeCode>,
    /// School or apprenticeship.
    pub mode: TrainingMode,
    /// Course length in years.
    pub duration_years: Option<u8>,
    /// Intake capacity.
    pub capacity: Capacity,
    /// First-choice applications (Affelnet "vœux 1", Parcoursup confirmed wishes).
    pub applications: Option<u32>,
    /// Census enrolment, measured retention and scenario seats.
    pub intake: Intake,
    /// InserJeunes outcomes, when known.
    pub outcomes: Option<Outcomes>,
}
