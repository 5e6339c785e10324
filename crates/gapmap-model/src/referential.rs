//! The referential: ROME 4.0 métiers and competences, certifications and their crosswalks, and the
//! FAP 2021 occupations of the BMO survey.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{
    Cfd, EuropeanLevel, FapCode, Formacode, Mef, MefStat11, Nsf, OgrCode, RncpBlockCode, RncpCode,
    RomeCode,
};

/// A ROME 4.0 métier sheet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metier {
    /// The sheet's code.
    pub code: RomeCode,
    /// The older sheet it hangs under (itself for the 532 parent sheets). Certif Info and the
    /// DARES crosswalk speak only parent codes.
    pub parent: RomeCode,
    /// The sheet's OGR identifier.
    pub ogr: OgrCode,
    /// Label as published ("Conducteur / Conductrice d'engins agricoles").
    pub label: String,
    /// Professional domain code (`A11`) and label.
    pub domain: String,
    /// Label of the professional domain.
    pub domain_label: String,
    /// Theme codes the sheet belongs to (`002` = defence and public security).
    pub themes: Vec<String>,
    /// Regulated occupation.
    pub regulated: bool,
    /// Managerial ("cadre") occupation.
    pub manager: bool,
}

impl Metier {
    /// Whether the sheet is one of the 532 parent (pre-4.0) sheets.
    pub fn is_parent(&self) -> bool {
        self.parent == self.code
    }
}

/// A job title (appellation) of ROME 4.0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Appellation {
    /// The appellation's OGR identifier.
    pub ogr: OgrCode,
    /// The long label ("Télépilote de drone").
    pub label: String,
    /// The short label.
    pub short_label: String,
    /// The sheet the title belongs to.
    pub rome: RomeCode,
    /// That sheet's parent.
    pub rome_parent: RomeCode,
    /// Flagged as rarely used (`peu_usite`).
    pub rare: bool,
}

/// What kind of competence item this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CompetenceKind {
    /// Savoir-faire: know-how.
    KnowHow,
    /// Savoir-être professionnel: soft skill.
    SoftSkill,
    /// Savoir: knowledge item (`unix_referentiel_savoir`).
    Knowledge,
}

/// A competence, soft skill or knowledge item of ROME 4.0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Competence {
    /// OGR identifier.
    pub ogr: OgrCode,
    /// Label as published ("Abattre un arbre").
    pub label: String,
    /// Know-how, soft skill or knowledge.
    pub kind: CompetenceKind,
    /// Category (`cat_comp` or `categorie_savoir`).
    pub category: String,
    /// Sub-category.
    pub subcategory: String,
    /// The macro-competence it belongs to, if any.
    pub macro_competence: Option<OgrCode>,
}

/// A link from a métier sheet to one of its competences or knowledge items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MetierCompetence {
    /// The sheet.
    pub rome: RomeCode,
    /// The competence or knowledge item.
    pub competence: OgrCode,
    /// A core ("cœur de métier") competence of the sheet (`unix_coherence_item`).
    pub core: bool,
}

/// A certification of the Certif Info catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Certification {
    /// Certif Info's own identifier (`Code_Diplome`).
    pub certif_info_id: u32,
    /// Label ("BTS maintenance des systèmes option A").
    pub label: String,
    /// Type of diploma ("Brevet de technicien supérieur").
    pub kind_label: String,
    /// European level.
    pub level: Option<EuropeanLevel>,
    /// Training fields.
    pub formacodes: Vec<Formacode>,
    /// ROME codes it leads to, as published (parent sheets, sometimes domain-level codes).
    pub rome: Vec<RomeCode>,
    /// NSF specialty.
    pub nsf: Option<Nsf>,
    /// RNCP number.
    pub rncp: Option<RncpCode>,
    /// RS (répertoire spécifique) number, as written.
    pub rs: Option<String>,
    /// Diploma code of the Éducation nationale (`Code_Scolarité`).
    pub cfd: Option<Cfd>,
    /// Still awarded (Certif Info `Etat`).
    pub active: bool,
}

/// A skill block of an RNCP certification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SkillBlock {
    /// Block code (`RNCP183BC03`).
    pub code: RncpBlockCode,
    /// Label.
    pub label: String,
}

/// A diploma of the BCN (`n/vFormationDiplome_`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Diploma {
    /// Diploma code.
    pub cfd: Cfd,
    /// Short label ("BAC PRO").
    pub short_label: String,
    /// Long label.
    pub label: String,
    /// BCN level code (`NIVEAU_FORMATION_DIPLOME`, e.g. `400`).
    pub bcn_level: String,
    /// European level derived from the BCN level nomenclature.
    pub level: Option<EuropeanLevel>,
    /// Specialty group and letter (`GROUPE_SPECIALITE` + `LETTRE_SPECIALITE`).
    pub nsf: Option<Nsf>,
    /// Closing date as published (`DATE_FERMETURE`, `dd/mm/yyyy`), if closed.
    pub closed_on: Option<String>,
}

/// A training unit of the BCN MEF nomenclature (`nMef`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MefUnit {
    /// MEF code.
    pub mef: Mef,
    /// Statistical code, as used by Affelnet and Parcoursup.
    pub mefstat11: Option<MefStat11>,
    /// Diploma prepared.
    pub cfd: Cfd,
    /// Length of the course in years (`DUREE_DISPOSITIF`).
    pub duration_years: Option<u8>,
    /// Year of the course this unit is (`ANNEE_DISPOSITIF`, 1 = intake year).
    pub year_of_course: Option<u8>,
    /// Long label.
    pub label: String,
}

/// A FAP 2021 occupation at its finest level with its ancestors' labels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FapOccupation {
    /// FAP341 code.
    pub fap341: FapCode,
    /// FAP341 label.
    pub label341: String,
    /// FAP228 code.
    pub fap228: FapCode,
    /// FAP228 label.
    pub label228: String,
    /// FAP86 code.
    pub fap86: FapCode,
    /// FAP86 label.
    pub label86: String,
    /// FAP22 code.
    pub fap22: FapCode,
    /// FAP22 label.
    pub label22: String,
}

/// One row of the DARES crosswalk: a ROME sheet at a qualification level maps to a FAP341.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RomeFapLink {
    /// A parent ROME sheet.
    pub rome: RomeCode,
    /// Qualification 0-9 as coded by DARES.
    pub qualification: u8,
    /// FAP341 occupation.
    pub fap341: FapCode,
}

/// All referential tables, keyed for lookup.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Referential {
    /// ROME 4.0 sheets by code.
    pub metiers: BTreeMap<RomeCode, Metier>,
    /// Job titles.
    pub appellations: Vec<Appellation>,
    /// Competences, soft skills and knowledge items by OGR code.
    pub competences: BTreeMap<OgrCode, Competence>,
    /// Sheet -> competence links with the core flag.
    pub metier_competences: Vec<MetierCompetence>,
    /// Theme code -> label.
    pub themes: BTreeMap<String, String>,
    /// Certif Info certifications.
    pub certifications: Vec<Certification>,
    /// RNCP skill blocks by certification.
    pub skill_blocks: BTreeMap<RncpCode, Vec<SkillBlock>>,
    /// BCN diplomas by code.
    pub diplomas: BTreeMap<Cfd, Diploma>,
    /// BCN training units by statistical code.
    pub mef_units: BTreeMap<MefStat11, MefUnit>,
    /// Apprenticeship kit: diploma -> RNCP certifications.
    pub cfd_rncp: BTreeMap<Cfd, Vec<RncpCode>>,
    /// FAP 2021 occupations by FAP341 code.
    pub fap: BTreeMap<FapCode, FapOccupation>,
    /// DARES ROME x qualification -> FAP341 rows.
    pub rome_fap: Vec<RomeFapLink>,
}

impl Referential {
    /// The parent sheet of `code`, or `code` itself if it is unknown or a parent.
    pub fn parent_of(&self, code: RomeCode) -> RomeCode {
        self.metiers.get(&code).map_or(code, |m| m.parent)
    }

    /// The competences of a sheet (with the core flag), in referential order.
    pub fn competences_of(&self, rome: RomeCode) -> impl Iterator<Item = &MetierCompetence> + '_ {
        self.metier_competences.iter().filter(move |l| l.rome == rome)
    }
}
