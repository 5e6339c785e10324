//! Where each input lives in a data folder: the layout of `../shared/datasets`, which the demo
//! folder (`datasets/demo`) mirrors. Paths are relative to the data folder.

/// ROME 4.0 (France Travail), CSV exports of version v460.
pub mod rome {
    /// Métier sheets.
    pub const METIERS: &str = "rome-4.0/unix_referentiel_code_rome_v460_utf8.csv";
    /// Sheets with their professional domain.
    pub const DOMAINS: &str = "rome-4.0/unix_cr_gd_dp_v460_utf8.csv";
    /// Job titles.
    pub const APPELLATIONS: &str = "rome-4.0/unix_referentiel_appellation_v460_utf8.csv";
    /// Competences.
    pub const COMPETENCES: &str = "rome-4.0/unix_referentiel_competence_v460_utf8.csv";
    /// Knowledge items.
    pub const SAVOIRS: &str = "rome-4.0/unix_referentiel_savoir_v460_utf8.csv";
    /// Sheet -> appellation/competence/knowledge links.
    pub const LINKS: &str = "rome-4.0/unix_liens_rome_referentiels_v460_utf8.csv";
    /// Core-competence flags.
    pub const COHERENCE: &str = "rome-4.0/unix_coherence_item_v460_utf8.csv";
    /// Themes.
    pub const THEMES: &str = "rome-4.0/unix_themes_v460_utf8.csv";
    /// Sheet -> theme.
    pub const THEME_TREE: &str = "rome-4.0/unix_arborescence_thematique_v460_utf8.csv";
}

/// Certifications.
pub mod certifications {
    /// Certif Info extract.
    pub const CERTIF_INFO: &str = "certifications/certif_info.csv";
    /// France Compétences apprenticeship kit (CFD -> RNCP).
    pub const KIT: &str = "certifications/Kit_apprentissage_20231218.csv";
    /// RNCP skill blocks.
    pub const BLOCKS: &str = "certifications/export_fiches_CSV_Blocs_De_Compétences_2024_01_17.csv";
}

/// BCN nomenclatures (Éducation nationale).
pub mod bcn {
    /// Training units (MEF).
    pub const MEF: &str = "bcn/nMef.csv";
    /// Diplomas (Windows-1252).
    pub const DIPLOMAS: &str = "bcn/nFormationDiplome_.csv";
    /// Diplomas, view with more rows.
    pub const DIPLOMAS_VIEW: &str = "bcn/vFormationDiplome_.csv";
    /// Diploma levels.
    pub const LEVELS: &str = "bcn/nNiveauFormationDiplome_.csv";
    /// Families of trades: seconde commune -> specialties of première.
    pub const FAMILIES: &str = "bcn/familleMetiers.csv";
}

/// Training offers.
pub mod offers {
    /// Affelnet capacities, by intake year.
    pub const AFFELNET: &[(u16, &str)] = &[
        (2021, "offers/affelnet/attractivite_capacite_2021.csv"),
        (2022, "offers/affelnet/attractivite_capacite_2022.csv"),
    ];
    /// Parcoursup BTS capacities, by intake year.
    pub const PARCOURSUP_BTS: &[(u16, &str)] = &[
        (
            2022,
            "offers/parcoursup-bts/BTS_attractivite_capacite_2022.csv",
        ),
        (
            2023,
            "offers/parcoursup-bts/BTS_attractivite_capacite_2023.csv",
        ),
        (
            2024,
            "offers/parcoursup-bts/BTS_attractivite_capacite_2024.csv",
        ),
    ];
    /// Parcoursup course list (GPS, no capacity).
    pub const PARCOURSUP: &str = "offers/parcoursup/fr-esr-parcoursup.csv";
    /// Éducation nationale enrolment census (constat de rentrée): pupils per school x MEFSTAT11.
    pub const CENSUS: &str = "offers/affelnet/constat_2020.csv";
}

/// School directories.
pub mod establishments {
    /// Lycées (Django fixture JSON).
    pub const LYCEES: &str = "establishments/high_school.json";
    /// Apprenticeship centres (Windows-1252).
    pub const CFA: &str = "establishments/CFASousConvRegionale_latest-UAI.csv";
}

/// InserJeunes outcomes.
pub mod outcomes {
    /// Per school, vocational lycées.
    pub const SCHOOLS_PRO: &str = "outcomes/depp-2022-etablissements-2022_2023-pro.csv";
    /// Per school, apprenticeship.
    pub const SCHOOLS_APPRENTICESHIP: &str =
        "outcomes/depp-2022-etablissements-2022_2023-apprentissage.csv";
    /// Per region x diploma.
    pub const REGION: &str = "outcomes/ij_region_data.csv";
}

/// Territory.
pub mod geo {
    /// Commune points.
    pub const POINTS: &str = "geo/corresp_geo_point_codes_communes.csv";
    /// Commune -> BMO employment area.
    pub const BASSINS: &str = "geo/bassin_emploi.csv";
    /// COG communes.
    pub const COMMUNES: &str = "geo/communes.json";
    /// COG départements.
    pub const DEPARTEMENTS: &str = "geo/departements.json";
    /// COG regions.
    pub const REGIONS: &str = "geo/regions.json";
    /// Département -> académie -> region.
    pub const ACADEMIES: &str = "geo/departements_academies_regions.csv";
}

/// Demand.
pub mod demand {
    /// BMO 2024 survey.
    pub const BMO: &str = "demand/bmo-2024/Base_open_data_BMO_2024.xlsx";
    /// Its sheet.
    pub const BMO_SHEET: &str = "BMO_2024_open_data";
    /// FAP 2021 labels.
    pub const FAP_LABELS: &str = "demand/bmo-2024/Intitulés_FAP2021.csv";
    /// DARES ROME x qualification -> FAP341 crosswalk (Latin-1).
    pub const DARES_CROSSWALK: &str =
        "demand/dares/Dares_Table_passage_ROME_Qualif_to_FAP2021_pour_programme.csv";
}
