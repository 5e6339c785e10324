//! Hostile input to every importer, one case per source file of the demo folder: a value a
//! publisher could get wrong put in one field of the file's second data row (line 3), the import
//! run, and the reject it must give: the file, the line, the field and the reason, the row
//! refused or kept without the value (never read as something else). A file that cannot be
//! read at all (broken JSON, a damaged spreadsheet) fails the import naming it.

use std::path::Path;

use crate::{gapmap, project_root};

/// (file in the demo folder, column, value put at line 3, reason the reject gives).
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "bcn/demo_nFormationDiplome_.csv",
        "FORMATION_DIPLOME",
        "XX",
        "invalid CFD diploma code \"XX\"",
    ),
    ("bcn/demo_nMef.csv", "MEF", "12", "invalid MEF code \"12\""),
    (
        "bcn/demo_vFormationDiplome_.csv",
        "FORMATION_DIPLOME",
        "1234",
        "invalid CFD diploma code \"1234\"",
    ),
    (
        "certifications/demo_Kit_apprentissage_20231218.csv",
        "Code_RNCP",
        "RNCPX",
        "invalid RNCP code \"RNCPX\"",
    ),
    (
        "certifications/demo_certif_info.csv",
        "Code_Rome_1",
        "Z9999",
        "invalid ROME code \"Z9999\"",
    ),
    (
        "certifications/demo_export_fiches_CSV_Blocs_De_Compétences_2024_01_17.csv",
        "Bloc_Competences_Code",
        "BAD",
        "invalid RNCP skill block \"BAD\"",
    ),
    (
        "demand/bmo-2024/demo_Intitulés_FAP2021.csv",
        "Code_FAP341",
        "!!",
        "invalid FAP 2021 code \"!!\"",
    ),
    (
        "demand/dares/demo_Dares_Table_passage_ROME_Qualif_to_FAP2021_pour_programme.csv",
        "ROME",
        "Q1",
        "invalid ROME code \"Q1\"",
    ),
    (
        "establishments/demo_CFASousConvRegionale_latest-UAI.csv",
        "numero_uai",
        "123",
        "invalid UAI \"123\"",
    ),
    (
        "geo/demo_bassin_emploi.csv",
        "code_commune_insee",
        "ABCDE",
        "invalid INSEE commune code \"ABCDE\"",
    ),
    (
        "geo/demo_corresp_geo_point_codes_communes.csv",
        "latitude",
        "north",
        "invalid float literal",
    ),
    (
        "offers/affelnet/demo_attractivite_capacite_2022.csv",
        "Capacité carte scolaire",
        "abc",
        "invalid digit found in string (value \"abc\") [row kept without it]",
    ),
    (
        "offers/affelnet/demo_attractivite_capacite_2021.csv",
        "MEF STAT 11",
        "1",
        "invalid MEFSTAT11 code \"1\"",
    ),
    (
        "offers/parcoursup-bts/demo_BTS_attractivite_capacite_2024.csv",
        "CAPACITEPSUP",
        "-5",
        "invalid digit found in string (value \"-5\") [row kept without it]",
    ),
    (
        "offers/parcoursup-bts/demo_BTS_attractivite_capacite_2023.csv",
        "UAI",
        "0",
        "invalid UAI or site code \"0\"",
    ),
    (
        "offers/parcoursup-bts/demo_BTS_attractivite_capacite_2022.csv",
        "NB_VOEUX_CONFIRMES",
        "x",
        "invalid digit found in string (value \"x\") [row kept without it]",
    ),
    (
        "offers/parcoursup/demo_fr-esr-parcoursup.csv",
        "Code UAI de l etablissement",
        "bad",
        "invalid UAI \"bad\"",
    ),
    (
        "outcomes/demo_depp-2022-etablissements-2022_2023-apprentissage.csv",
        "Taux de poursuite d'études",
        "150",
        "expected a percentage 0-100 or nd (value \"150\")",
    ),
    (
        "outcomes/demo_depp-2022-etablissements-2022_2023-pro.csv",
        "n°UAI de l'établissement",
        "bad",
        "invalid UAI \"bad\"",
    ),
    (
        "outcomes/demo_ij_region_data.csv",
        "nb_annee_term",
        "-3",
        "invalid digit found in string (value \"-3\")",
    ),
    (
        "rome-4.0/demo_unix_arborescence_thematique_v460_utf8.csv",
        "code_rome",
        "ZZ",
        "invalid ROME code \"ZZ\"",
    ),
    (
        "rome-4.0/demo_unix_coherence_item_v460_utf8.csv",
        "code_ogr",
        "x",
        "invalid OGR code \"x\"",
    ),
    (
        "rome-4.0/demo_unix_cr_gd_dp_v460_utf8.csv",
        "code_rome",
        "1234",
        "invalid ROME code \"1234\"",
    ),
    (
        "rome-4.0/demo_unix_liens_rome_referentiels_v460_utf8.csv",
        "code_ogr",
        "-1",
        "invalid OGR code \"-1\"",
    ),
    (
        "rome-4.0/demo_unix_referentiel_appellation_v460_utf8.csv",
        "code_rome",
        "M18",
        "invalid ROME code \"M18\"",
    ),
    (
        "rome-4.0/demo_unix_referentiel_code_rome_v460_utf8.csv",
        "code_ogr",
        "ogr",
        "invalid OGR code \"ogr\"",
    ),
    (
        "rome-4.0/demo_unix_referentiel_competence_v460_utf8.csv",
        "code_ogr",
        "c",
        "invalid OGR code \"c\"",
    ),
    (
        "rome-4.0/demo_unix_referentiel_savoir_v460_utf8.csv",
        "code_ogr_savoir",
        "s",
        "invalid OGR code \"s\"",
    ),
];

/// Files that cannot be read whole: (file, what is written over it, text the error gives).
const BROKEN: &[(&str, &[u8], &str)] = &[
    (
        "geo/demo_communes.json",
        b"[{\"code\": \"80021\", \"nom\": ",
        "EOF while parsing",
    ),
    (
        "establishments/demo_high_school.json",
        b"{\"not\": \"a list\"}",
        "demo_high_school.json",
    ),
    (
        "demand/bmo-2024/demo_Base_open_data_BMO_2024.xlsx",
        b"PK\x03\x04 not a workbook",
        "demo_Base_open_data_BMO_2024.xlsx",
    ),
];

/// Puts `value` in `column` of the row at line 3 of the delimited file `path` (read as bytes:
/// the encoding and the byte-order mark are kept).
fn edit(path: &Path, column: &str, value: &str) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(path)?;
    let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (&bytes[..3], rest),
        None => (&bytes[..0], &bytes[..]),
    };
    let first = body.split(|&b| b == b'\n').next().unwrap_or_default();
    let semicolons = first.iter().filter(|&&b| b == b';').count();
    let commas = first.iter().filter(|&&b| b == b',').count();
    let delimiter = if semicolons > commas { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(body);
    let mut rows: Vec<csv::ByteRecord> = reader.byte_records().collect::<Result<_, _>>()?;
    let at = rows[0]
        .iter()
        .position(|h| h == column.as_bytes())
        .ok_or_else(|| format!("{}: no column {column}", path.display()))?;
    let row = &rows[2];
    let mut edited = csv::ByteRecord::new();
    for (i, field) in row.iter().enumerate() {
        edited.push_field(if i == at { value.as_bytes() } else { field });
    }
    rows[2] = edited;
    let mut out = bom.to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(&mut out);
        for row in &rows {
            writer.write_byte_record(row)?;
        }
        writer.flush()?;
    }
    std::fs::write(path, out)?;
    Ok(())
}

/// Imports the demo folder copied to `dir` after `change`, returns (success, standard error,
/// the rejects the store lists).
fn import_after(
    dir: &Path,
    change: impl FnOnce(&Path) -> Result<(), Box<dyn std::error::Error>>,
) -> Result<(bool, String, String), Box<dyn std::error::Error>> {
    let data = dir.join("data");
    crate::hostile::copy_dir(
        &project_root().join("datasets/demo").to_string_lossy(),
        &data.to_string_lossy(),
    )?;
    change(&data)?;
    let store = dir.join("store");
    let (data, store) = (data.to_str().ok_or("path")?, store.to_str().ok_or("path")?);
    let out = gapmap(
        dir,
        &["import", "--data", data, "--store", store, "--quiet"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        return Ok((false, stderr, String::new()));
    }
    let rejects = gapmap(dir, &["rejects", "--store", store]);
    Ok((
        true,
        stderr,
        String::from_utf8_lossy(&rejects.stdout).into_owned(),
    ))
}

#[track_caller]
fn check(file: &str, column: &str, value: &str, reason: &str) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let (ok, stderr, rejects) =
        import_after(tmp.path(), |data| edit(&data.join(file), column, value))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(ok, "{file}: the import failed: {stderr}");
    let expected = format!("{file}:3: field \"{column}\": ");
    let line = rejects
        .lines()
        .find(|l| l.starts_with(&expected))
        .unwrap_or_else(|| panic!("{file}: no reject {expected:?} in\n{rejects}"));
    assert!(line.contains(reason), "{file}: {reason:?} not in {line:?}");
}

#[test]
fn every_importer_names_the_file_line_and_field_of_a_bad_value() {
    // Two at a time: each case is an import of the demo.
    std::thread::scope(|scope| {
        for pair in CASES.chunks(CASES.len().div_ceil(2)) {
            scope.spawn(move || {
                for &(file, column, value, reason) in pair {
                    check(file, column, value, reason);
                }
            });
        }
    });
}

#[test]
fn an_unreadable_source_file_fails_the_import_naming_it() {
    for &(file, bytes, reason) in BROKEN {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let (ok, stderr, _) = import_after(tmp.path(), |data| {
            std::fs::write(data.join(file), bytes)?;
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        let name = Path::new(file)
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        assert!(!ok, "{file}: a broken file was imported: {stderr}");
        assert!(
            stderr.contains(&*name) && stderr.contains(reason),
            "{file}: {stderr}"
        );
    }
}
