//! The referential: ROME 4.0 métiers and competences, certifications and their crosswalks, and the
//! FAP 2021 occupations of the BMO survey.

use std::collections::{BTreeMap, HashMap};

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
    /// What ROME 4.0 says of the sheet and the ecological, digital and demographic transitions.
    pub transitions: Transitions,
}

/// ROME 4.0's classification of a job in the ecological transition (`transition_eco`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Ecological {
    /// `Emploi Vert`: a job whose purpose is the environment.
    Green,
    /// `Emploi stratégique pour la Transition écologique`: a job the transition depends on.
    Strategic,
    /// `Emploi Brun`: a job of an activity the transition must reduce or transform.
    Brown,
    /// `Emploi Blanc`: none of these.
    Neutral,
}

impl Ecological {
    /// Short machine key (`green`, `strategic`, `brown`, `neutral`).
    pub fn key(self) -> &'static str {
        match self {
            Ecological::Green => "green",
            Ecological::Strategic => "strategic",
            Ecological::Brown => "brown",
            Ecological::Neutral => "neutral",
        }
    }
}

/// The transition flags of a ROME sheet. A flag the referential leaves empty is unknown (`None`),
/// never read as "no".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transitions {
    /// `transition_eco`.
    pub ecological: Option<Ecological>,
    /// `transition_num` (`O`/`N`): a job the digital transition reshapes.
    pub digital: Option<bool>,
    /// `transition_demo` (`O`/`N`): a job the demographic transition (ageing) makes grow.
    pub demographic: Option<bool>,
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
    /// RS (répertoire spécifique) number, as written (`5638`). When Certif Info lists the same
    /// certification once per RS entry (some habilitations), the numbers in file order, separated
    /// by a space (`2754 6316`).
    pub rs: Option<String>,
    /// Diploma code of the Éducation nationale (`Code_Scolarité`).
    pub cfd: Option<Cfd>,
    /// Still awarded (Certif Info `Etat`).
    pub active: bool,
    /// The Certif Info certification this one replaces (`Code_Ancien_Diplome`), if any.
    pub replaces: Option<u32>,
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
    /// The diplomas this one renovates (`ANCIEN_DIPLOME_1..7` of `nFormationDiplome_`): their
    /// measured outcomes describe this diploma's predecessors.
    pub predecessors: Vec<Cfd>,
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
    ///
    /// A scan of every link: for many lookups use [`Referential::index`].
    pub fn competences_of(&self, rome: RomeCode) -> impl Iterator<Item = &MetierCompetence> + '_ {
        self.metier_competences
            .iter()
            .filter(move |l| l.rome == rome)
    }

    /// The core ("cœur de métier") competences and knowledge items of a sheet.
    pub fn core_competences_of(&self, rome: RomeCode) -> impl Iterator<Item = &Competence> + '_ {
        self.competences_of(rome)
            .filter(|l| l.core)
            .filter_map(|l| self.competences.get(&l.competence))
    }

    /// The sheets (parents and sub-sheets) whose code lies in a professional domain (`H21`), in
    /// code order. An ill-formed domain gives nothing.
    pub fn metiers_in_domain<'a>(&'a self, domain: &str) -> impl Iterator<Item = &'a Metier> + 'a {
        let bounds = format!("{domain}00")
            .parse::<RomeCode>()
            .ok()
            .zip(format!("{domain}99").parse().ok());
        bounds
            .into_iter()
            .flat_map(move |(low, high)| self.metiers.range(low..=high).map(|(_, m)| m))
    }

    /// The parent sheets of a professional domain (`H21`), in code order.
    pub fn parent_metiers_in_domain<'a>(
        &'a self,
        domain: &str,
    ) -> impl Iterator<Item = &'a Metier> + 'a {
        self.metiers_in_domain(domain).filter(|m| m.is_parent())
    }

    /// The sheets a published ROME code stands for: a domain-level code (`H2100`, used by Certif
    /// Info) that is not itself a sheet stands for the parent sheets of its domain; any other code
    /// stands for itself.
    pub fn expand_rome(&self, code: RomeCode) -> Vec<RomeCode> {
        if code.is_domain_level() && !self.metiers.contains_key(&code) {
            self.parent_metiers_in_domain(code.domain())
                .map(|m| m.code)
                .collect()
        } else {
            vec![code]
        }
    }

    /// The job titles of a sheet, in file order.
    pub fn appellations_of(&self, rome: RomeCode) -> impl Iterator<Item = &Appellation> + '_ {
        self.appellations.iter().filter(move |a| a.rome == rome)
    }

    /// The Certif Info certifications whose diploma code is `cfd`.
    pub fn certifications_for_cfd(&self, cfd: Cfd) -> impl Iterator<Item = &Certification> + '_ {
        self.certifications
            .iter()
            .filter(move |c| c.cfd == Some(cfd))
    }

    /// The Certif Info certifications registered under an RNCP number.
    pub fn certifications_for_rncp(
        &self,
        rncp: RncpCode,
    ) -> impl Iterator<Item = &Certification> + '_ {
        self.certifications
            .iter()
            .filter(move |c| c.rncp == Some(rncp))
    }

    /// The RNCP certifications of a diploma: the apprenticeship kit's links and Certif Info's,
    /// sorted and without repeats.
    pub fn rncp_for_cfd(&self, cfd: Cfd) -> Vec<RncpCode> {
        let mut out: Vec<RncpCode> = self.cfd_rncp.get(&cfd).cloned().unwrap_or_default();
        out.extend(self.certifications_for_cfd(cfd).filter_map(|c| c.rncp));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The BCN training unit of a MEFSTAT11 code.
    pub fn mef_unit(&self, mefstat11: MefStat11) -> Option<&MefUnit> {
        self.mef_units.get(&mefstat11)
    }

    /// The DARES rows of a (parent) sheet, one per qualification level.
    pub fn fap_links_of(&self, rome: RomeCode) -> impl Iterator<Item = &RomeFapLink> + '_ {
        self.rome_fap.iter().filter(move |l| l.rome == rome)
    }

    /// The ROME sheets (parents) that the DARES crosswalk sends to a FAP code of any level
    /// (`A0X41a`, `A0X41`, `A0X`), sorted and without repeats.
    pub fn romes_for_fap(&self, fap: &FapCode) -> Vec<RomeCode> {
        let mut out: Vec<RomeCode> = self
            .rome_fap
            .iter()
            .filter(|l| l.fap341.as_str().starts_with(fap.as_str()))
            .map(|l| l.rome)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Builds lookup maps over this referential for repeated queries (one pass over each table;
    /// a few milliseconds on the full referential). The index borrows the referential, so it
    /// cannot go stale.
    pub fn index(&self) -> ReferentialIndex<'_> {
        ReferentialIndex::new(self)
    }
}

/// Hash maps over a [`Referential`] for the lookups that would otherwise scan a table: build it
/// once with [`Referential::index`] when looking up many sheets or diplomas.
#[derive(Debug)]
pub struct ReferentialIndex<'a> {
    referential: &'a Referential,
    certifications_by_cfd: HashMap<Cfd, Vec<usize>>,
    appellations_by_rome: HashMap<RomeCode, Vec<usize>>,
    competences_by_rome: HashMap<RomeCode, Vec<usize>>,
}

impl<'a> ReferentialIndex<'a> {
    fn new(referential: &'a Referential) -> Self {
        let mut certifications_by_cfd: HashMap<Cfd, Vec<usize>> = HashMap::new();
        for (i, c) in referential.certifications.iter().enumerate() {
            if let Some(cfd) = c.cfd {
                certifications_by_cfd.entry(cfd).or_default().push(i);
            }
        }
        let mut appellations_by_rome: HashMap<RomeCode, Vec<usize>> = HashMap::new();
        for (i, a) in referential.appellations.iter().enumerate() {
            appellations_by_rome.entry(a.rome).or_default().push(i);
        }
        let mut competences_by_rome: HashMap<RomeCode, Vec<usize>> = HashMap::new();
        for (i, l) in referential.metier_competences.iter().enumerate() {
            competences_by_rome.entry(l.rome).or_default().push(i);
        }
        ReferentialIndex {
            referential,
            certifications_by_cfd,
            appellations_by_rome,
            competences_by_rome,
        }
    }

    /// The referential indexed.
    pub fn referential(&self) -> &'a Referential {
        self.referential
    }

    /// Like [`Referential::certifications_for_cfd`].
    pub fn certifications_for_cfd(&self, cfd: Cfd) -> impl Iterator<Item = &'a Certification> + '_ {
        let all = &self.referential.certifications;
        self.certifications_by_cfd
            .get(&cfd)
            .into_iter()
            .flatten()
            .map(move |&i| &all[i])
    }

    /// Like [`Referential::appellations_of`].
    pub fn appellations_of(&self, rome: RomeCode) -> impl Iterator<Item = &'a Appellation> + '_ {
        let all = &self.referential.appellations;
        self.appellations_by_rome
            .get(&rome)
            .into_iter()
            .flatten()
            .map(move |&i| &all[i])
    }

    /// Like [`Referential::competences_of`].
    pub fn competences_of(
        &self,
        rome: RomeCode,
    ) -> impl Iterator<Item = &'a MetierCompetence> + '_ {
        let all = &self.referential.metier_competences;
        self.competences_by_rome
            .get(&rome)
            .into_iter()
            .flatten()
            .map(move |&i| &all[i])
    }

    /// Like [`Referential::core_competences_of`].
    pub fn core_competences_of(&self, rome: RomeCode) -> impl Iterator<Item = &'a Competence> + '_ {
        let competences = &self.referential.competences;
        self.competences_of(rome)
            .filter(|l| l.core)
            .filter_map(move |l| competences.get(&l.competence))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metier(code: &str, parent: &str) -> Result<Metier, crate::CodeError> {
        let code: RomeCode = code.parse()?;
        Ok(Metier {
            transitions: Default::default(),
            code,
            parent: parent.parse()?,
            ogr: "1".parse()?,
            label: String::new(),
            domain: code.domain().to_owned(),
            domain_label: String::new(),
            themes: Vec::new(),
            regulated: false,
            manager: false,
        })
    }

    #[test]
    fn domain_codes_expand_to_the_parent_sheets_of_their_domain() -> Result<(), crate::CodeError> {
        let mut referential = Referential::default();
        for (code, parent) in [
            ("H2101", "H2101"),
            ("H2102", "H2102"),
            ("H2103", "H2101"),
            ("H2201", "H2201"),
            ("A1206", "F1101"),
        ] {
            let m = metier(code, parent)?;
            referential.metiers.insert(m.code, m);
        }
        let codes = |it: &mut dyn Iterator<Item = &Metier>| {
            it.map(|m| m.code.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(
            codes(&mut referential.metiers_in_domain("H21")),
            ["H2101", "H2102", "H2103"]
        );
        assert_eq!(
            codes(&mut referential.parent_metiers_in_domain("H21")),
            ["H2101", "H2102"]
        );
        assert_eq!(
            codes(&mut referential.metiers_in_domain("Z9")),
            Vec::<String>::new()
        );
        let expanded: Vec<String> = referential
            .expand_rome("H2100".parse()?)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(expanded, ["H2101", "H2102"]);
        assert_eq!(
            referential.expand_rome("H2103".parse()?),
            ["H2103".parse::<RomeCode>()?]
        );
        assert_eq!(
            referential.parent_of("A1206".parse()?),
            "F1101".parse::<RomeCode>()?
        );
        Ok(())
    }

    #[test]
    fn index_agrees_with_the_scans() -> Result<(), crate::CodeError> {
        let mut referential = Referential::default();
        let cfd: Cfd = "32031313".parse()?;
        for (id, cfd) in [(1, Some(cfd)), (2, None), (3, Some(cfd))] {
            referential.certifications.push(Certification {
                certif_info_id: id,
                label: String::new(),
                kind_label: String::new(),
                level: None,
                formacodes: Vec::new(),
                rome: Vec::new(),
                nsf: None,
                rncp: Some(format!("RNCP{id}").parse()?),
                rs: None,
                cfd,
                active: true,
                replaces: None,
            });
        }
        referential
            .cfd_rncp
            .insert(cfd, vec!["RNCP9".parse()?, "RNCP1".parse()?]);
        let ids = |it: &mut dyn Iterator<Item = &Certification>| {
            it.map(|c| c.certif_info_id).collect::<Vec<_>>()
        };
        assert_eq!(ids(&mut referential.certifications_for_cfd(cfd)), [1, 3]);
        assert_eq!(
            ids(&mut referential.index().certifications_for_cfd(cfd)),
            [1, 3]
        );
        let rncp: Vec<String> = referential
            .rncp_for_cfd(cfd)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(rncp, ["RNCP1", "RNCP3", "RNCP9"]);
        Ok(())
    }
}
