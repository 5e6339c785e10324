//! Bad input, end to end: the demo folder with one file damaged at a time. Each damage must give a
//! positioned error or reported rejects — never a panic, never a silent loss.

use std::fs;
use std::path::{Path, PathBuf};

use expect_test::{Expect, expect};

use crate::{DataDir, ImportOptions, import, layout, read_needs_file};

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/demo")
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Copies the demo, damages the file with standard name `standard` with `damage`, imports, and
/// prints the error or the rejects of that file.
#[track_caller]
fn check(standard: &str, damage: impl FnOnce(Vec<u8>) -> Vec<u8>, expect: Expect) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    copy_dir(&demo_dir(), tmp.path()).unwrap_or_else(|e| panic!("copy demo: {e}"));
    let data = DataDir::open(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
    let path = data.path(standard);
    let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    fs::write(&path, damage(bytes)).unwrap_or_else(|e| panic!("{e}"));
    let file = data.file(standard).to_owned();
    let shown = match import(&data, &ImportOptions::default()) {
        Err(e) => format!("error: {e}"),
        Ok(imported) => {
            let counts = imported.report.files.iter().find(|f| f.file == file);
            let mut out = match counts {
                Some(f) => format!(
                    "read {} accepted {} rejected {}\n",
                    f.rows_read, f.accepted, f.rejected
                ),
                None => "file not read\n".to_owned(),
            };
            for r in imported
                .report
                .rejects
                .iter()
                .filter(|r| r.file == file)
                .take(3)
            {
                let mut r = r.clone();
                r.value = r.value.chars().take(30).collect();
                out.push_str(&format!("{r}\n"));
            }
            out
        }
    };
    expect.assert_eq(&shown);
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

const AFFELNET: &str = layout::offers::AFFELNET[1].1;

#[test]
fn truncated_file() {
    check(
        AFFELNET,
        |b| {
            let cut = b.len() - 20;
            b[..cut].to_vec()
        },
        expect![[r#"
            read 151 accepted 150 rejected 1
            offers/affelnet/demo_attractivite_capacite_2022.csv:152: 7 fields where the header has 9 (value "0801853E|23820025513|N|ST|15|1")
        "#]],
    );
}

#[test]
fn wrong_separator() {
    check(
        AFFELNET,
        |b| text(b).replace(';', "|").into_bytes(),
        expect![[
            r#"error: offers/affelnet/demo_attractivite_capacite_2022.csv: line 1: the header has a single column ("Etablissement d'accueil|MEF STAT 11|Voeu de recensement O/N|Statut Offre de form…"): wrong separator or not a table"#
        ]],
    );
}

#[test]
fn renamed_column() {
    check(
        AFFELNET,
        |b| {
            text(b)
                .replacen("Capacité carte scolaire", "Capacite", 1)
                .into_bytes()
        },
        expect![[
            r#"error: offers/affelnet/demo_attractivite_capacite_2022.csv: line 1: missing column "Capacité carte scolaire" (the header has: Etablissement d'accueil, MEF STAT 11, Voeu de recensement O/N, Statut Offre de formation, Capacite, Demandes vœux 1, Famille de métiers, nb_apparitions_uai_mefstat, mef_stat_terminale)"#
        ]],
    );
}

#[test]
fn missing_column() {
    check(
        layout::rome::METIERS,
        |b| {
            let t = text(b);
            t.lines()
                .map(|l| l.rsplit_once(',').map_or(l, |(head, _)| head).to_owned() + "\n")
                .collect::<String>()
                .into_bytes()
        },
        expect![[
            r#"error: rome-4.0/demo_unix_referentiel_code_rome_v460_utf8.csv: line 1: missing column "code_rome_parent" (the header has: code_rome, code_fiche_metier, code_ogr, libelle_rome, transition_eco, transition_num, transition_demo, emploi_reglemente, emploi_cadre)"#
        ]],
    );
}

#[test]
fn empty_file() {
    check(
        layout::certifications::CERTIF_INFO,
        |_| Vec::new(),
        expect![
            "error: certifications/demo_certif_info.csv: line 1: empty file: expected a header line"
        ],
    );
}

#[test]
fn invalid_codes_are_rejected_with_their_line() {
    check(
        AFFELNET,
        |b| {
            let mut t = text(b);
            t.push_str("0590005X;23830023102;N;ST;24;10;;1;\n0590005K;2383002310;N;ST;24;10;;1;\n");
            t.into_bytes()
        },
        expect![[r#"
            read 153 accepted 151 rejected 2
            offers/affelnet/demo_attractivite_capacite_2022.csv:153: field "Etablissement d'accueil": invalid UAI "0590005X": expected 7 digits and the matching check letter, e.g. 0590005K (value "0590005X")
            offers/affelnet/demo_attractivite_capacite_2022.csv:154: field "MEF STAT 11": invalid MEFSTAT11 code "2383002310": expected 11 characters, digits or capital letters (value "2383002310")
        "#]],
    );
}

#[test]
fn wrong_encoding_is_detected() {
    // The same file in Windows-1252 instead of UTF-8 reads the same.
    check(
        layout::certifications::CERTIF_INFO,
        |b| {
            let t = text(b);
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&t);
            bytes.into_owned()
        },
        expect![[r#"
            read 42 accepted 42 rejected 0
        "#]],
    );
}

#[test]
fn a_ten_megabyte_field() {
    check(
        AFFELNET,
        |b| {
            let mut t = text(b);
            t.push_str("0590005K;");
            t.push_str(&"9".repeat(10 * 1024 * 1024));
            t.push_str(";N;ST;24;10;;1;\n");
            t.into_bytes()
        },
        expect![[r#"
            read 152 accepted 151 rejected 1
            offers/affelnet/demo_attractivite_capacite_2022.csv:153: field "MEF STAT 11": invalid MEFSTAT11 code "9999999999999999999999999999999999999999": expected 11 characters, digits or capital letters (value "999999999999999999999999999999")
        "#]],
    );
}

#[test]
fn needs_file_bad_input() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("needs.csv");
    let mut report = crate::ImportReport::default();
    fs::write(&path, "")?;
    let empty = read_needs_file(&path, &mut report)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        empty.contains("needs.csv") && empty.contains("line 1"),
        "{empty}"
    );
    let huge = format!(
        "id;acheteur;specialite;rome;competences;niveau_min;lieu;volume;annee;tags;commentaire\n\
         a;armee-de-terre;{};;;;region:32;3;2026;;\n\
         b;armee-de-terre;x;;;;region:32;;2026;;\n",
        "x".repeat(10 * 1024 * 1024)
    );
    fs::write(&path, huge)?;
    let needs = read_needs_file(&path, &mut report)?;
    assert!(
        needs.is_empty(),
        "the 10 MB specialty and the row without volume are rejected"
    );
    let reject = |line| {
        report
            .rejects
            .iter()
            .find(|r| r.line == line)
            .map(|r| r.to_string())
            .unwrap_or_default()
    };
    assert!(
        reject(2).starts_with("needs.csv:2:")
            && reject(2).contains("field 3 holds 10485760 characters: at most 1000"),
        "{}",
        reject(2)
    );
    assert!(reject(3).starts_with("needs.csv:3:"), "{}", reject(3));
    Ok(())
}

/// Random input to the readers (property tests: random, not coverage-guided): any bytes decode,
/// any text reads as a table or fails with its file and line, a needs file of random rows under a
/// valid header is read or refused with its name, a damaged store is refused: never a panic.
mod random_input {
    use proptest::prelude::*;

    use crate::{ImportReport, Store, Table, decode, read_needs_file};

    /// Text made of the characters that matter to a CSV reader.
    fn csvish() -> impl Strategy<Value = String> {
        "[;,\"\r\n\t# é\u{feff}\u{0}a-z0-9:]{0,300}"
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn any_bytes_decode_and_read_as_a_table_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let (text, encoding) = decode(bytes);
            match Table::from_text("random.csv", text, encoding) {
                Ok(table) => {
                    for row in table.rows() {
                        if let Err(reject) = row {
                            prop_assert_eq!(reject.file.as_str(), "random.csv");
                        }
                    }
                }
                Err(e) => prop_assert!(e.to_string().starts_with("random.csv"), "{}", e),
            }
        }

        #[test]
        fn any_csv_text_reads_as_a_table_or_an_error(text in csvish()) {
            if let Ok(table) = Table::from_text("random.csv", text, crate::TextEncoding::Utf8) {
                prop_assert!(table.rows().count() <= 10_000);
            }
        }

        #[test]
        fn random_needs_rows_are_read_or_refused_by_name(rows in csvish()) {
            let tmp = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let path = tmp.path().join("besoins.csv");
            let text = format!("id;acheteur;specialite;rome;lieu;volume\n{rows}");
            std::fs::write(&path, text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut report = ImportReport::default();
            match read_needs_file(&path, &mut report) {
                Ok(_) => {
                    for r in &report.rejects {
                        prop_assert!(r.file.ends_with("besoins.csv"), "{:?}", r);
                    }
                }
                Err(e) => prop_assert!(e.to_string().contains("besoins.csv"), "{}", e),
            }
        }

        #[test]
        fn a_random_manifest_is_refused(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let tmp = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
            std::fs::write(tmp.path().join("manifest.json"), bytes)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let err = Store::open(tmp.path()).err().map(|e| e.to_string()).unwrap_or_default();
            prop_assert!(err.contains("manifest.json") || err.contains("dataset-") || err.contains("report-"), "{}", err);
        }
    }
}
