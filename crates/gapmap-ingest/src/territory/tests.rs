use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use expect_test::{Expect, expect};
use gapmap_model::{RegionCode, Territory};

use super::read_territory;
use crate::{DataDir, ImportReport, IngestError, layout};

/// The real data folder: `GAPMAP_DATA`, else `../../../shared/datasets` from the crate. `None`
/// (with a notice) when it is missing outside CI; a panic when it is missing in CI.
pub(crate) fn real_data() -> Option<DataDir> {
    let dir = std::env::var_os("GAPMAP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"));
    match DataDir::open(&dir) {
        Ok(data) => Some(data),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "real data folder missing in CI: {e}"
            );
            eprintln!("notice: real data folder missing ({e}): test skipped");
            None
        }
    }
}

/// Writes `files` (standard name -> content) into a fresh folder.
pub(crate) fn sample_dir(
    files: &[(&str, &str)],
) -> Result<(tempfile::TempDir, DataDir), IngestError> {
    let dir = tempfile::tempdir().map_err(|source| IngestError::Io {
        path: PathBuf::from("tmp"),
        source,
    })?;
    for (name, content) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| IngestError::Io {
                path: path.clone(),
                source,
            })?;
        }
        std::fs::write(&path, content).map_err(|source| IngestError::Io {
            path: path.clone(),
            source,
        })?;
    }
    let data = DataDir::open(dir.path())?;
    Ok((dir, data))
}

/// A small territory in the shape of the real files (Aisne and Nord, one delegated commune,
/// one former code, one commune of a collectivité d'outre-mer).
pub(crate) const SAMPLE: &[(&str, &str)] = &[
    (
        layout::geo::REGIONS,
        r#"[{"code":"32","nom":"Hauts-de-France"},{"code":"975","nom":"Saint-Pierre-et-Miquelon"}]"#,
    ),
    (
        layout::geo::DEPARTEMENTS,
        r#"[{"code":"02","region":"32","nom":"Aisne"},{"code":"59","region":"32","nom":"Nord"},
            {"code":"975","region":"975","nom":"Saint-Pierre-et-Miquelon"}]"#,
    ),
    (
        layout::geo::ACADEMIES,
        "\u{feff}libelleRegion;codeAcademie;codeRegion;codeDepartement;libelleAcademie;libelleDepartement\n\
         Hauts-de-France;20;32;002;Amiens;Aisne\n\
         Hauts-de-France;09;32;059;Lille;Nord\n\
         Non renseignée;99;$;;Non renseignée;x\n",
    ),
    (
        layout::geo::COMMUNES,
        r#"[
 {"code":"02168","nom":"Château-Thierry","departement":"02","region":"32","type":"commune-actuelle","codesPostaux":["02400"],"population":14643,"anciensCodes":["02999"]},
 {"code":"02722","nom":"Soissons","departement":"02","region":"32","type":"commune-actuelle","codesPostaux":["02200"],"population":28471},
 {"code":"02001","nom":"Vieux-Bourg","departement":"02","region":"32","type":"commune-deleguee","chefLieu":"02722"},
 {"code":"59350","nom":"Lille","departement":"59","region":"32","type":"commune-actuelle","codesPostaux":["59000","59800","5900x"],"population":236710},
 {"code":"59183","nom":"Dunkerque","departement":"59","region":"32","type":"commune-actuelle","codesPostaux":["59140"]},
 {"code":"97502","nom":"Saint-Pierre","departement":"975","region":"975","type":"commune-actuelle","codesPostaux":["97500"],"population":5194},
 {"code":"59xx0","nom":"Bad","departement":"59","region":"32","type":"commune-actuelle"}
]"#,
    ),
    (
        layout::geo::POINTS,
        ";GeoPoint;Annee;Code_Officiel_Commune;latitude;longitude\n\
         0;x;2025;02168;49.0464;3.4030\n\
         1;x;2025;02722;49.3817;3.3236\n\
         2;x;2025;59350;50.6311;3.0468\n\
         3;x;2025;59183;51.0307;2.3375\n\
         4;x;2025;02002;49.0;3.0\n\
         5;x;2025;59350;95.0;3.0\n",
    ),
    (
        layout::geo::BASSINS,
        "reg,dep,code_commune_insee,code_bassin_BMO,lib_bassin_BMO\n\
         32,02,02168,3201,CHATEAU THIERRY\n\
         32,02,02722,3202,SOISSONS\n\
         32,02,02001,3203,VIEUX\n\
         32,02,02999,3201,CHATEAU THIERRY\n\
         32,59,59350,3211,LILLE\n\
         32,59,59183,3212,DUNKERQUE\n\
         32,59,59999,3211,LILLE\n\
         1,97,97101,101,BASSIN BASSE-TERRE\n",
    ),
];

/// Reads a territory from `files` and prints its tables and the report.
#[track_caller]
fn check(files: &[(&str, &str)], expect: Expect) {
    let mut report = ImportReport::default();
    let result = sample_dir(files).and_then(|(_dir, data)| read_territory(&data, &mut report));
    let mut out = String::new();
    match result {
        Ok(t) => out.push_str(&show(&t)),
        Err(e) => out.push_str(&format!("error: {e}\n")),
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
    expect.assert_eq(&out);
}

fn show(t: &Territory) -> String {
    let mut out = String::new();
    for (code, name) in &t.regions {
        out.push_str(&format!("region {code} {name}\n"));
    }
    for d in t.departements.values() {
        out.push_str(&format!(
            "dep {} {} region={:?} academie={:?}\n",
            d.code,
            d.name,
            d.region.map(|r| r.to_string()),
            d.academie
        ));
    }
    for c in t.communes.values() {
        let postcodes: Vec<String> = c.postcodes.iter().map(ToString::to_string).collect();
        out.push_str(&format!(
            "commune {} {} dep={} region={:?} postcodes={postcodes:?} pop={:?} point={:?} bassin={:?}\n",
            c.code,
            c.name,
            c.departement,
            c.region.map(|r| r.to_string()),
            c.population,
            c.point.map(|p| (p.lat, p.lon)),
            c.bassin.map(|b| b.to_string())
        ));
    }
    for (old, current) in &t.former_codes {
        out.push_str(&format!("former {old} -> {current}\n"));
    }
    for b in t.bassins.values() {
        out.push_str(&format!(
            "bassin {} {} region={:?}\n",
            b.code,
            b.name,
            b.region.map(|r| r.to_string())
        ));
    }
    out
}

#[test]
fn sample_territory() {
    check(
        SAMPLE,
        expect![[r#"
            region 32 Hauts-de-France
            dep 02 Aisne region=Some("32") academie=Some("Amiens")
            dep 59 Nord region=Some("32") academie=Some("Lille")
            dep 975 Saint-Pierre-et-Miquelon region=None academie=None
            commune 02168 Château-Thierry dep=02 region=Some("32") postcodes=["02400"] pop=Some(14643) point=Some((49.0464, 3.403)) bassin=Some("3201")
            commune 02722 Soissons dep=02 region=Some("32") postcodes=["02200"] pop=Some(28471) point=Some((49.3817, 3.3236)) bassin=Some("3202")
            commune 59183 Dunkerque dep=59 region=Some("32") postcodes=["59140"] pop=None point=Some((51.0307, 2.3375)) bassin=Some("3212")
            commune 59350 Lille dep=59 region=Some("32") postcodes=["59000", "59800"] pop=Some(236710) point=Some((50.6311, 3.0468)) bassin=Some("3211")
            commune 97502 Saint-Pierre dep=975 region=None postcodes=["97500"] pop=Some(5194) point=None bassin=None
            former 02001 -> 02722
            former 02999 -> 02168
            bassin 0101 BASSIN BASSE-TERRE region=Some("01")
            bassin 3201 CHATEAU THIERRY region=Some("32")
            bassin 3202 SOISSONS region=Some("32")
            bassin 3203 VIEUX region=Some("32")
            bassin 3211 LILLE region=Some("32")
            bassin 3212 DUNKERQUE region=Some("32")
            file geo/regions.json read=2 accepted=1 rejected=1
            file geo/departements.json read=3 accepted=3 rejected=0
            file geo/departements_academies_regions.csv read=3 accepted=2 rejected=1
            file geo/communes.json read=7 accepted=6 rejected=1
            file geo/corresp_geo_point_codes_communes.csv read=6 accepted=4 rejected=2
            file geo/bassin_emploi.csv read=8 accepted=4 rejected=4
            reject geo/regions.json:2: field "code": collectivité d'outre-mer, not an INSEE region (value "975")
            reject geo/departements_academies_regions.csv:4: field "codeDepartement": no département: an aggregate row (académie or zone)
            reject geo/communes.json:4: field "codesPostaux": invalid postcode "5900x": expected 5 digits (value "5900x") [row kept without it]
            reject geo/communes.json:7: field "code": invalid INSEE commune code "59xx0": expected 5 digits, or 2A/2B and 3 digits (value "59xx0")
            reject geo/corresp_geo_point_codes_communes.csv:6: field "Code_Officiel_Commune": not a current commune of the COG (value "02002")
            reject geo/corresp_geo_point_codes_communes.csv:7: field "latitude": coordinates out of range (value "95, 3")
            reject geo/bassin_emploi.csv:4: field "code_commune_insee": former or delegated commune of 02722, whose own row (area 3202) is used (value "02001")
            reject geo/bassin_emploi.csv:5: field "code_commune_insee": former or delegated commune of 02168, whose own row (area 3201) is used (value "02999")
            reject geo/bassin_emploi.csv:8: field "code_commune_insee": not a commune of the COG (value "59999")
            reject geo/bassin_emploi.csv:9: field "code_commune_insee": not a commune of the COG (value "97101")
        "#]],
    );
}

#[test]
fn missing_column_is_an_error() {
    let mut files = SAMPLE.to_vec();
    files.retain(|(name, _)| *name != layout::geo::BASSINS);
    files.push((
        layout::geo::BASSINS,
        "reg,dep,commune,code_bassin_BMO,lib_bassin_BMO\n32,02,02168,3201,X\n",
    ));
    check(
        &files,
        expect![[r#"
            error: geo/bassin_emploi.csv: line 1: missing column "code_commune_insee" (the header has: reg, dep, commune, code_bassin_BMO, lib_bassin_BMO)
            file geo/regions.json read=2 accepted=1 rejected=1
            file geo/departements.json read=3 accepted=3 rejected=0
            file geo/departements_academies_regions.csv read=3 accepted=2 rejected=1
            file geo/communes.json read=7 accepted=6 rejected=1
            file geo/corresp_geo_point_codes_communes.csv read=6 accepted=4 rejected=2
            reject geo/regions.json:2: field "code": collectivité d'outre-mer, not an INSEE region (value "975")
            reject geo/departements_academies_regions.csv:4: field "codeDepartement": no département: an aggregate row (académie or zone)
            reject geo/communes.json:4: field "codesPostaux": invalid postcode "5900x": expected 5 digits (value "5900x") [row kept without it]
            reject geo/communes.json:7: field "code": invalid INSEE commune code "59xx0": expected 5 digits, or 2A/2B and 3 digits (value "59xx0")
            reject geo/corresp_geo_point_codes_communes.csv:6: field "Code_Officiel_Commune": not a current commune of the COG (value "02002")
            reject geo/corresp_geo_point_codes_communes.csv:7: field "latitude": coordinates out of range (value "95, 3")
        "#]],
    );
}

/// Figures checked by hand with python3 on `geo/`: 3,782 `commune-actuelle` entries with
/// `region == "32"` in communes.json; 28 distinct `code_bassin_BMO` among rows with `reg == 32` in
/// bassin_emploi.csv (the BMO survey's 28 areas); 37,498 data rows; 34,969 current communes nationally, of which 81
/// have no point in corresp_geo_point_codes_communes.csv (34,888 rows, all current communes);
/// 2,619 bassin rows name a non-current code, 3 of which are in no COG list.
#[test]
fn real_territory_region_32() {
    let Some(data) = real_data() else { return };
    let mut report = ImportReport::default();
    let t = match read_territory(&data, &mut report) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let hdf = RegionCode::HAUTS_DE_FRANCE;
    assert_eq!(t.communes.len(), 34_969);
    assert_eq!(t.communes_in(hdf).count(), 3_782);
    let bassins: BTreeSet<_> = t.communes_in(hdf).filter_map(|c| c.bassin).collect();
    assert_eq!(bassins.len(), 28);
    assert_eq!(
        t.bassins.values().filter(|b| b.region == Some(hdf)).count(),
        28
    );
    assert!(
        t.communes_in(hdf)
            .all(|c| c.point.is_some() && c.bassin.is_some())
    );
    assert_eq!(
        t.communes.values().filter(|c| c.point.is_none()).count(),
        81
    );
    let deps: Vec<&str> = t
        .departements
        .values()
        .filter(|d| d.region == Some(hdf))
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(deps, ["02", "59", "60", "62", "80"]);
    assert_eq!(
        t.departements
            .get(&"59".parse().unwrap_or_else(|e| panic!("{e}")))
            .and_then(|d| d.academie.as_deref()),
        Some("Lille")
    );
    let bassin_file = report.files.iter().find(|f| f.file == layout::geo::BASSINS);
    // 37,498 rows (python3 csv: the file has no final newline): 34,879 current communes + 2,619
    // other codes, used only for a current commune that has no row of its own.
    assert_eq!(bassin_file.map(|f| f.rows_read), Some(37_498));
    let unknown = report
        .rejects
        .iter()
        .filter(|r| r.file == layout::geo::BASSINS && r.reason == "not a commune of the COG")
        .count();
    assert_eq!(unknown, 3);
    for f in &report.files {
        eprintln!(
            "{} read={} accepted={} rejected={}",
            f.file, f.rows_read, f.accepted, f.rejected
        );
    }
}

/// Overseas employment areas keep their own identity. Checked by hand with python3 on the files:
/// `bassin_emploi.csv` codes both `BASSIN GRANDE-TERRE` and `BASSIN ILES DU NORD` 102 (the latter
/// on 4 rows: 97123, 97127, 97701, 97801), where the BMO 2024 sheet codes `BASSIN ILES DU NORD`
/// 104 (departements 971 and 978); the sheet also names 304 `MATOURY` and 7549 `Aiguillon`, which
/// the commune table does not know, and renames two areas (1119 `Roissy - Le Bourget` -> `Grand
/// Roissy - Le Bourget`, 2808 `LILLEBONNE` -> `BOLBEC`). The sheet has 406 areas. Of the 4 rows of
/// `ILES DU NORD`, 97123 and 97127 are former codes of 97701 and 97801, which have rows of their
/// own: 2 communes move.
#[test]
fn real_overseas_areas_stay_distinct() -> Result<(), Box<dyn std::error::Error>> {
    let Some(data) = real_data() else {
        return Ok(());
    };
    let mut report = ImportReport::default();
    let (mut t, homonyms) = super::read_territory_with_homonyms(&data, &mut report)?;
    let code = |c: &str| c.parse::<gapmap_model::BassinCode>();
    let (grande_terre, iles) = (code("0102")?, code("0104")?);
    let old_iles = grande_terre;
    let homonym = homonyms
        .get(&(old_iles, "BASSIN ILES DU NORD".to_owned()))
        .map(|h| h.communes.clone())
        .unwrap_or_default();
    assert_eq!(homonyms.len(), 1, "{homonyms:?}");
    assert!(!homonym.is_empty());
    let gt_before: Vec<_> = t
        .communes
        .values()
        .filter(|c| c.bassin == Some(grande_terre) && !homonym.contains(&c.code))
        .map(|c| c.code)
        .collect();
    let survey = crate::read_bmo(
        &data,
        &gapmap_model::Referential::default(),
        None,
        &mut report,
    )?;
    assert_eq!(survey.areas.len(), 406);
    let moved = super::reconcile_areas(&mut t, &homonyms, &survey.areas, &mut report);
    // The homonym's communes, and only them, moved to the survey's code.
    assert_eq!(moved.keys().copied().collect::<Vec<_>>(), homonym);
    assert!(moved.values().all(|&b| b == iles));
    let name = |b| t.bassins.get(&b).map(|b| b.name.as_str());
    assert_eq!(name(grande_terre), Some("BASSIN GRANDE-TERRE"));
    assert_eq!(name(iles), Some("BASSIN ILES DU NORD"));
    assert_eq!(name(code("0304")?), Some("MATOURY"));
    assert_eq!(name(code("7549")?), Some("Aiguillon"));
    assert!(
        gt_before
            .iter()
            .all(|c| t.communes[c].bassin == Some(grande_terre))
    );
    // Every area of the survey is an area of the territory, with the survey's name (up to case
    // and accents: the table's `MARENNES-OLERON` is the survey's `MARENNES-OLÉRON`).
    let fold = crate::table::fold;
    for (b, area) in &survey.areas {
        assert_eq!(name(*b).map(fold), Some(fold(&area.name)), "{b}");
    }
    let said: Vec<String> = report
        .rejects
        .iter()
        .filter(|r| r.field.as_deref() == Some("BE24"))
        .map(|r| format!("{} {}", r.value, r.reason))
        .collect();
    expect_test::expect![[r#"
        [
            "0104 BASSIN ILES DU NORD the commune -> area table codes this area 0102 (line 17090), the code of another area: its 2 communes are placed in 0104 as the survey codes it",
            "0304 MATOURY area unknown to the commune -> area table: kept with the survey's name, but it has no commune and its demand cannot be placed on the map",
            "1119 Grand Roissy - Le Bourget named \"Roissy - Le Bourget\" in the commune -> area table: the survey's name is used",
            "2808 BOLBEC named \"LILLEBONNE\" in the commune -> area table: the survey's name is used",
            "7549 Aiguillon area unknown to the commune -> area table: kept with the survey's name, but it has no commune and its demand cannot be placed on the map",
        ]"#]]
    .assert_eq(&format!("{said:#?}"));
    assert_eq!(homonym.len(), 2);
    Ok(())
}
