//! Tests of the demand importers: needs files (CSV, XLSX) and the BMO survey.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use expect_test::{Expect, expect};
use gapmap_model::{
    Buyer, Count, FapCode, FapOccupation, Need, Referential, RegionCode, RomeCode, RomeFapLink,
    Volume,
};

use super::bmo::bmo_needs;
use super::needs_file::{parse_location, parse_volume};
use super::sheet::SheetRow;
use crate::{DataDir, ImportReport, IngestError, read_needs_file};

/// One line per need, then one per reject, then the file counts.
fn render(needs: &[Need], report: &ImportReport) -> String {
    let mut out = String::new();
    for n in needs {
        let rome: Vec<String> = n.rome.iter().map(ToString::to_string).collect();
        let ogr: Vec<String> = n.competences.iter().map(ToString::to_string).collect();
        let volume = match n.volume {
            Count::Known(v) => v.to_string(),
            Count::Masked => "*".to_owned(),
        };
        let _ = write!(
            out,
            "{} L{} {} {:?} rome=[{}] {} vol={volume}",
            n.id,
            n.source.line,
            n.buyer.key(),
            n.specialty,
            rome.join(" "),
            n.location,
        );
        for (name, value) in [("ogr", ogr.join(" ")), ("tags", n.tags.join(" "))] {
            if !value.is_empty() {
                let _ = write!(out, " {name}=[{value}]");
            }
        }
        if let Some(level) = n.min_level {
            let _ = write!(out, " niv={level}");
        }
        if let Some(year) = n.year {
            let _ = write!(out, " an={year}");
        }
        if let Some(growth) = n.growth {
            let _ = write!(out, " croissance={growth}");
        }
        if let Some(until) = n.until {
            let _ = write!(out, " fin={until}");
        }
        if let Some(fap) = &n.fap {
            let _ = write!(out, " fap={fap}");
        }
        for (name, count) in [("x", n.difficult), ("s", n.seasonal)] {
            match count {
                Some(Count::Known(v)) => {
                    let _ = write!(out, " {name}={v}");
                }
                Some(Count::Masked) => {
                    let _ = write!(out, " {name}=*");
                }
                None => {}
            }
        }
        out.push('\n');
    }
    for r in &report.rejects {
        let _ = writeln!(out, "reject {r}");
    }
    for f in &report.files {
        let _ = writeln!(
            out,
            "{}: read {} accepted {} rejected {}",
            f.file, f.rows_read, f.accepted, f.rejected
        );
    }
    out
}

/// Writes `text` as `plan.csv` in a temporary folder and reads it as a needs file.
#[track_caller]
fn check_csv(text: &str, expect: Expect) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let path = dir.path().join("plan.csv");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write: {e}"));
    let mut report = ImportReport::default();
    let shown = match read_needs_file(&path, &mut report) {
        Ok(needs) => render(&needs, &report),
        Err(e) => format!("error {e}\n"),
    };
    expect.assert_eq(&shown);
}

#[test]
fn needs_csv_reads_every_field_and_comments() {
    check_csv(
        "\u{feff}# Plan ILLUSTRATIF; \"guillemets\" ignorés\n\
         id;acheteur;specialite;rome;competences;niveau_min;lieu;volume;annee;tags;commentaire\n\
         # un commentaire au milieu\n\
         d1;armee-de-terre;Télépilote de drone;N2204|N2206;200090;4;commune:80021;12;2026;drones|aero;x\n\
         ;marine-nationale;Mécanicien naval;I1605 I1310;;Niveau 3;62160;2,5;;;\n\
         c1;bitd:Sous-traitance aéronautique (Somme);Ajusteur aéronautique;;;;departement:80;0.125;;aero\n\
         r1;civils-defense;Infirmier;J1506;;6;region:32;3;2026;sante;\n\
         b1;ssa;Aide-soignant;;;;bassin:3211;1;;;\n\
         \n\
         ;;;;;;;;;;\n\
         d2;adt;Combattant;K1701;;;59;100;;formation-interne\n",
        expect![[r#"
            d1 L4 armee-de-terre "Télépilote de drone" rome=[N2204 N2206] commune:80021 vol=12 ogr=[200090] tags=[drones aero] niv=4 an=2026
            plan.csv:5 L5 marine-nationale "Mécanicien naval" rome=[I1605 I1310] commune:62160 vol=2.5 niv=3
            c1 L6 bitd:Sous-traitance aéronautique (Somme) "Ajusteur aéronautique" rome=[] departement:80 vol=0.125 tags=[aero]
            r1 L7 civils-defense "Infirmier" rome=[J1506] region:32 vol=3 tags=[sante] niv=6 an=2026
            b1 L8 ssa "Aide-soignant" rome=[] bassin:3211 vol=1
            d2 L11 armee-de-terre "Combattant" rome=[K1701] departement:59 vol=100 tags=[formation-interne]
            plan.csv: read 6 accepted 6 rejected 0
        "#]],
    );
}

#[test]
fn needs_csv_rejects_with_positions() {
    check_csv(
        "id;acheteur;specialite;rome;niveau_min;lieu;volume;annee\n\
         a;armee-de-terre;Cyber;M1844|Z9999|M18;9;59350;4;\n\
         b;armée de terre;Cyber;;;;;\n\
         c;inconnu;Cyber;;;59350;4;\n\
         d;mn;;;;59350;4;\n\
         e;mn;Marin;;;2408;4;\n\
         f;mn;Marin;;;region:32;-3;\n\
         g;mn;Marin;;;region:32;0;\n\
         h;mn;Marin;;;region:32;1.2345;\n\
         a;mn;Marin;;;pays:FR;1;\n\
         a;mn;Marin;;;region:32;1;\n\
         i;mn;Marin;;;region:32;1;;extra\n\
         j;mn;Marin;;;region:32;1;;;;\n",
        expect![[r#"
            a L2 armee-de-terre "Cyber" rome=[M1844] commune:59350 vol=4
            j L13 marine-nationale "Marin" rome=[] region:32 vol=1
            reject plan.csv:2: field "rome": invalid ROME code "Z9999": expected a letter A-N and 4 digits, e.g. M1844 (value "Z9999") [row kept without it]
            reject plan.csv:2: field "rome": invalid ROME code "M18": expected a letter A-N and 4 digits, e.g. M1844 (value "M18") [row kept without it]
            reject plan.csv:2: field "niveau_min": invalid European level "9": expected 1 to 8, e.g. 5 or "Niveau 5" (value "9") [row kept without it]
            reject plan.csv:3: field "lieu": empty required field; also volume: empty required field
            reject plan.csv:4: field "acheteur": invalid buyer "inconnu": expected armee-de-terre, marine-nationale, armee-air-espace, ssa, dga, civils-defense, bitd:<name>, autre:<name> or bmo (value "inconnu")
            reject plan.csv:5: field "specialite": no specialty and no valid ROME code: nothing to match
            reject plan.csv:6: field "lieu": 4 digits: a commune code that lost its leading zero (a spreadsheet number?) or a bassin; write commune:02408 or bassin:2408 (value "2408")
            reject plan.csv:7: field "volume": expected a positive number of people, e.g. 12 or 2.5 (at most 3 decimals) (value "-3")
            reject plan.csv:8: field "volume": a need of zero people: leave the row out (value "0")
            reject plan.csv:9: field "volume": expected a positive number of people, e.g. 12 or 2.5 (at most 3 decimals) (value "1.2345")
            reject plan.csv:10: field "lieu": unknown kind of place "pays": expected commune:<INSEE code>, departement:<code>, bassin:<code>, region:<code>, a 5-character INSEE code or a département code (value "pays:FR")
            reject plan.csv:11: field "id": duplicate id (first used on line 2) (value "a")
            reject plan.csv:12: 9 fields where the header has 8 (a `;` inside a field must be quoted) (value "i;mn;Marin;;;region:32;1;;extra")
            plan.csv: read 12 accepted 2 rejected 10
        "#]],
    );
}

/// Flows in time: a growth (`5%`, `-3 %`, `2,5 %`, `0`) from the year, to the last year; a last
/// year alone is a flat flow; a year that cannot be read (it would count every year), a growth
/// or a last year without a year, an unreadable growth or
/// one without `%` (`0.05`: 5 % or 0.05 %?), a last year before the year: the row is refused (leaving them out would change every later
/// year's volume).
#[test]
fn needs_csv_flows_in_time() {
    check_csv(
        "id;acheteur;specialite;lieu;volume;annee;croissance;annee_fin\n\
         a;mn;Marin;region:32;10;2026;5%;2030\n\
         b;mn;Marin;region:32;10;2026;-3 %;\n\
         c;mn;Marin;region:32;10;2026;2,5 %;\n\
         k;mn;Marin;region:32;10;2026;0.05;\n\
         d;mn;Marin;region:32;10;2026;;2028\n\
         e;mn;Marin;region:32;10;2026;0;\n\
         f;mn;Marin;region:32;10;;5%;\n\
         g;mn;Marin;region:32;10;2026;beaucoup;\n\
         h;mn;Marin;region:32;10;2026;250%;\n\
         i;mn;Marin;region:32;10;2026;;2025\n\
         j;mn;Marin;region:32;10;;;2030\n\
         l;mn;Marin;region:32;10;2O26;;\n",
        expect![[r#"
            a L2 marine-nationale "Marin" rome=[] region:32 vol=10 an=2026 croissance=0.05 fin=2030
            b L3 marine-nationale "Marin" rome=[] region:32 vol=10 an=2026 croissance=-0.03
            c L4 marine-nationale "Marin" rome=[] region:32 vol=10 an=2026 croissance=0.025
            d L6 marine-nationale "Marin" rome=[] region:32 vol=10 an=2026 croissance=0 fin=2028
            e L7 marine-nationale "Marin" rome=[] region:32 vol=10 an=2026 croissance=0
            reject plan.csv:5: field "croissance": expected a yearly growth in percent between -99 % and +100 %, e.g. 5%, -3 % or 0 (a number without % is ambiguous: write 0.05 % or 5 %) (value "0.05")
            reject plan.csv:8: field "croissance": a yearly flow needs the year it starts from (annee) (value "5%")
            reject plan.csv:9: field "croissance": expected a yearly growth in percent between -99 % and +100 %, e.g. 5%, -3 % or 0 (a number without % is ambiguous: write beaucoup % or ? %) (value "beaucoup")
            reject plan.csv:10: field "croissance": expected a yearly growth in percent between -99 % and +100 %, e.g. 5%, -3 % or 0 (value "250%")
            reject plan.csv:11: field "annee_fin": expected a year between 2026 (annee) and 2100 (value "2025")
            reject plan.csv:12: field "annee_fin": a yearly flow needs the year it starts from (annee) (value "2030")
            reject plan.csv:13: field "annee": expected a year between 1990 and 2100 (value "2O26")
            plan.csv: read 12 accepted 5 rejected 7
        "#]],
    );
}

#[test]
fn needs_file_structural_errors() {
    check_csv(
        "",
        expect![[r#"
        error plan.csv: line 1: no header line (the file is empty or holds only comments)
    "#]],
    );
    check_csv(
        "# seulement un commentaire\n",
        expect![[r#"
        error plan.csv: line 1: no header line (the file is empty or holds only comments)
    "#]],
    );
    check_csv(
        "id;acheteur;specialite;volume\na;mn;Marin;3\n",
        expect![[r#"
        error plan.csv: line 1: missing column "lieu" (the header has: id, acheteur, specialite, volume)
    "#]],
    );
    let mut report = ImportReport::default();
    let missing = read_needs_file(Path::new("/nonexistent/plan.xlsx"), &mut report);
    assert!(matches!(missing, Err(IngestError::Io { .. })));
}

#[test]
fn locations_and_volumes() {
    let mut out = String::new();
    for text in [
        "commune:80523",
        "COMMUNE:2A004",
        "dep:059",
        "2B",
        "971",
        "bassin:3211",
        "region:32",
        "80523",
        "bassin:32",
        "commune:8052",
    ] {
        let _ = writeln!(
            out,
            "{text:<14} -> {:?}",
            parse_location(text).map(|l| l.to_string())
        );
    }
    for text in ["12", "2,5", "1 400", "0.001", "007", "1e3", ".5"] {
        let _ = writeln!(
            out,
            "{text:<14} -> {:?}",
            parse_volume(text).map(|v| v.milli())
        );
    }
    expect![[r#"
        commune:80523  -> Ok("commune:80523")
        COMMUNE:2A004  -> Ok("commune:2A004")
        dep:059        -> Ok("departement:59")
        2B             -> Ok("departement:2B")
        971            -> Ok("departement:971")
        bassin:3211    -> Ok("bassin:3211")
        region:32      -> Ok("region:32")
        80523          -> Ok("commune:80523")
        bassin:32      -> Err("invalid BMO employment area \"32\": expected 4 digits")
        commune:8052   -> Err("invalid INSEE commune code \"8052\": expected 5 digits, or 2A/2B and 3 digits")
        12             -> Ok(12000)
        2,5            -> Ok(2500)
        1 400          -> Ok(1400000)
        0.001          -> Ok(1)
        007            -> Ok(7000)
        1e3            -> Err("expected a positive number of people, e.g. 12 or 2.5 (at most 3 decimals)")
        .5             -> Err("expected a positive number of people, e.g. 12 or 2.5 (at most 3 decimals)")
    "#]]
    .assert_eq(&out);
}

/// A small workbook made by `testdata/make_needs_fixture.py`: a first sheet of notes, then a
/// sheet `Besoins` with comment rows, numbers stored as numbers and as text, a blank row and
/// bad rows.
#[test]
fn needs_xlsx_picks_the_besoins_sheet_and_numbers_rows_as_the_spreadsheet() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demand/testdata/needs-fixture.xlsx");
    let mut report = ImportReport::default();
    let shown = match read_needs_file(&path, &mut report) {
        Ok(needs) => render(&needs, &report),
        Err(e) => format!("error {e}\n"),
    };
    expect![[r#"
        x1 L4 armee-air-espace "Mécanicien aéronautique" rome=[I1602] commune:60175 vol=14 niv=4 an=2026
        x2 L5 marine-nationale "Marin" rome=[N3102] commune:59183 vol=2.5 an=2026
        x3 L6 dga "Ingénieur essais" rome=[] region:32 vol=3 niv=7
        reject needs-fixture.xlsx:8: field "lieu": 4 digits: a commune code that lost its leading zero (a spreadsheet number?) or a bassin; write commune:02408 or bassin:2408 (value "2408")
        reject needs-fixture.xlsx:9: field "id": duplicate id (first used on line 4) (value "x1")
        needs-fixture.xlsx: read 5 accepted 3 rejected 2
    "#]]
    .assert_eq(&shown);
}

/// The folder of the real open data: `GAPMAP_DATA`, else `../shared/datasets` beside the project.
/// `None` (with a notice) when it is missing, unless `CI` is set: then the test fails.
fn real_data() -> Option<DataDir> {
    let root = std::env::var_os("GAPMAP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"));
    if !root.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: the data folder {} is missing",
            root.display()
        );
        eprintln!(
            "notice: data folder {} missing, real-data test skipped",
            root.display()
        );
        return None;
    }
    match DataDir::open(&root) {
        Ok(dir) => Some(dir),
        Err(e) => panic!("data folder {}: {e}", root.display()),
    }
}

fn plan_path(extension: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../datasets/needs/armees-hdf-2026.{extension}"))
}

/// Totals per buyer, for snapshots.
fn totals_per_buyer(needs: &[Need]) -> String {
    let mut totals: std::collections::BTreeMap<String, (usize, Volume)> = Default::default();
    for n in needs {
        let entry = totals.entry(n.buyer.key()).or_default();
        entry.0 += 1;
        entry.1 += n.volume.known().unwrap_or_default();
    }
    let all: Volume = totals.values().map(|t| t.1).sum();
    let mut out = String::new();
    for (buyer, (lines, volume)) in &totals {
        let _ = writeln!(out, "{buyer:<48} {lines:>3} lines {volume:>6}");
    }
    let _ = writeln!(out, "{:<48} {:>3} lines {all:>6}", "total", needs.len());
    out
}

/// The illustrative plan reads without a reject, and its CSV and XLSX forms give the same needs
/// (except the file name in ids and sources, and XLSX rows = CSV lines since both keep the
/// comment lines). Totals per buyer checked by hand with
/// `grep -v '^#' armees-hdf-2026.csv | awk -F';' 'NR>1{t[$2]+=$8} END{for(b in t) print b, t[b]}'`.
#[test]
fn illustrative_plan_csv_and_xlsx_agree() -> Result<(), IngestError> {
    let mut csv_report = ImportReport::default();
    let from_csv = read_needs_file(&plan_path("csv"), &mut csv_report)?;
    let mut xlsx_report = ImportReport::default();
    let from_xlsx = read_needs_file(&plan_path("xlsx"), &mut xlsx_report)?;
    assert_eq!(csv_report.rejects, vec![], "the plan must read cleanly");
    assert_eq!(xlsx_report.rejects, vec![]);
    assert_eq!(from_csv.len(), from_xlsx.len());
    for (a, b) in from_csv.iter().zip(&from_xlsx) {
        let mut b = b.clone();
        b.source.file = a.source.file.clone();
        assert_eq!(*a, b);
    }
    assert!(from_csv.iter().all(|n| n.year == Some(2026)));
    assert!(
        from_csv.iter().any(|n| n.rome.is_empty()),
        "some lines leave ROME to the index"
    );
    expect![[r#"
        armee-air-espace                                  13 lines    360
        armee-de-terre                                    20 lines   1400
        bitd:Aérostructures (Somme)                        2 lines     55
        bitd:Construction navale (Dunkerque)               1 lines     18
        bitd:Cybersécurité (Lille)                         1 lines     10
        bitd:Drones (Hauts-de-France)                      1 lines      8
        bitd:Logistique de défense (Calais)                1 lines      6
        bitd:Maintenance aéronautique (Nord)               1 lines     20
        bitd:Véhicules de défense (Oise)                   1 lines     15
        bitd:Électronique de défense (Nord)                2 lines     20
        civils-defense                                     7 lines     90
        dga                                                3 lines     15
        marine-nationale                                  11 lines    370
        ssa                                                4 lines     40
        total                                             68 lines   2427
    "#]]
    .assert_eq(&totals_per_buyer(&from_csv));
    Ok(())
}

/// A referential with the crosswalk rows of two occupations: `X0X40` (unsplit, sheets A1101
/// x3 rows and B1101 x1) and `Y0X41` split into `Y0X41a` (C1101 x2) and `Y0X41b` (C1101 x1,
/// D1101 x1); the labels table knows only `Y0X41a`.
fn small_referential() -> Referential {
    let link = |rome: &str, qualification: u8, fap: &str| -> RomeFapLink {
        RomeFapLink {
            rome: rome.parse::<RomeCode>().unwrap_or_else(|e| panic!("{e}")),
            qualification,
            fap341: fap.parse::<FapCode>().unwrap_or_else(|e| panic!("{e}")),
        }
    };
    let fap = |s: &str| s.parse::<FapCode>().unwrap_or_else(|e| panic!("{e}"));
    let occupation = FapOccupation {
        fap341: fap("Y0X41a"),
        label341: "Y a".to_owned(),
        fap228: fap("Y0X41"),
        label228: "Y".to_owned(),
        fap86: fap("Y0X"),
        label86: "Y".to_owned(),
        fap22: fap("Y"),
        label22: "Y".to_owned(),
    };
    Referential {
        rome_fap: vec![
            link("A1101", 0, "X0X40"),
            link("A1101", 1, "X0X40"),
            link("A1101", 2, "X0X40"),
            link("B1101", 7, "X0X40"),
            link("C1101", 0, "Y0X41a"),
            link("C1101", 1, "Y0X41a"),
            link("C1101", 2, "Y0X41b"),
            link("D1101", 3, "Y0X41b"),
        ],
        fap: [(fap("Y0X41a"), occupation)].into_iter().collect(),
        ..Referential::default()
    }
}

/// Reads BMO rows written as `;`-separated cells, the header first, rows numbered from 1.
#[track_caller]
fn check_bmo(rows: &str, region: Option<u8>, expect: Expect) {
    let rows: Vec<SheetRow> = rows
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| SheetRow {
            line: i as u64 + 1,
            cells: l.split(';').map(str::to_owned).collect(),
        })
        .collect();
    let region = region.map(|r| {
        r.to_string()
            .parse::<RegionCode>()
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let mut report = ImportReport::default();
    let shown = match bmo_needs("bmo.xlsx", rows, &small_referential(), region, &mut report) {
        Ok(survey) => render(&survey.needs, &report),
        Err(e) => format!("error {e}\n"),
    };
    expect.assert_eq(&shown);
}

const BMO_HEADER: &str = "annee;Code métier BMO;Nom métier BMO;REG;Dept;BE24;NOMBE24;met;xmet;smet";

#[test]
fn bmo_lines_are_apportioned_over_rome_sheets() {
    check_bmo(
        &format!(
            "{BMO_HEADER}
            2024;X0X40;Occupation X;32;59;3211;LILLE;10;*;4
            2024;Y0X41;Occupation Y;32;59;3211;LILLE;7;7;0
            2024;Y0X41a;Occupation Y a;32;59;3211;LILLE;5;;
            2024;X0X40;Occupation X;32;59;3211;LILLE;*;*;*
            2024;Z0X40;Occupation sans fiche;32;59;3211;LILLE;3;1;*
            2024;Z0X40;Occupation sans fiche;32;59;3212;ROUBAIX;2;*;*
            2024;X0X40;Occupation X;01;971;101;BASSIN;1;1;1
            2024;X0X40;Occupation X;11;75;1119;ROISSY;1;1;1"
        ),
        Some(32),
        expect![[r#"
            bmo2024:2:A1101 L2 bmo "Occupation X" rome=[A1101] bassin:3211 vol=7.5 an=2024 fap=X0X40 x=* s=3
            bmo2024:2:B1101 L2 bmo "Occupation X" rome=[B1101] bassin:3211 vol=2.5 an=2024 fap=X0X40 x=* s=1
            bmo2024:3:C1101 L3 bmo "Occupation Y" rome=[C1101] bassin:3211 vol=5.25 an=2024 fap=Y0X41 x=5.25 s=0
            bmo2024:3:D1101 L3 bmo "Occupation Y" rome=[D1101] bassin:3211 vol=1.75 an=2024 fap=Y0X41 x=1.75 s=0
            bmo2024:4:C1101 L4 bmo "Occupation Y a" rome=[C1101] bassin:3211 vol=5 an=2024 fap=Y0X41a
            bmo2024:5 L5 bmo "Occupation X" rome=[A1101 B1101] bassin:3211 vol=* an=2024 fap=X0X40 x=* s=*
            bmo2024:6 L6 bmo "Occupation sans fiche" rome=[] bassin:3211 vol=3 an=2024 fap=Z0X40 x=1 s=*
            bmo2024:7 L7 bmo "Occupation sans fiche" rome=[] bassin:3212 vol=2 an=2024 fap=Z0X40 x=* s=*
            reject bmo.xlsx:4: field "xmet": empty count (expected a number or `*` for a masked count) [row kept without it]
            reject bmo.xlsx:4: field "smet": empty count (expected a number or `*` for a masked count) [row kept without it]
            reject bmo.xlsx:6: field "Code métier BMO": occupation Z0X40 maps to no ROME sheet in the DARES crosswalk: this line and the later ones of Z0X40 are kept with an empty ROME list (value "Z0X40") [row kept without it]
            bmo.xlsx: read 8 accepted 6 rejected 0
        "#]],
    );
}

#[test]
fn bmo_bad_rows_are_rejected_with_positions() {
    check_bmo(
        &format!(
            "{BMO_HEADER}
            2024;X0X40;Occupation X;xx;59;3211;LILLE;10;1;1
            2024;X0X40;Occupation X;01;971;101;BASSIN;1;1;1
            2024;X0X40;Occupation X;32;59;32111;LILLE;1;1;1
            2024;X0X40;Occupation X;32;59;3211;LILLE;;1;1
            2024;X0X40;Occupation X;32;59;3211;LILLE;-4;1;1
            2024;X0X4;Occupation X;32;59;3211;LILLE;2;x;1
            2O24;X0X40;Occupation X;32;59;3211;LILLE;2;1;1"
        ),
        None,
        expect![[r#"
            bmo2024:3:A1101 L3 bmo "Occupation X" rome=[A1101] bassin:0101 vol=0.75 an=2024 fap=X0X40 x=0.75 s=0.75
            bmo2024:3:B1101 L3 bmo "Occupation X" rome=[B1101] bassin:0101 vol=0.25 an=2024 fap=X0X40 x=0.25 s=0.25
            bmo2024:7 L7 bmo "Occupation X" rome=[] bassin:3211 vol=2 an=2024 s=1
            bmo:8:A1101 L8 bmo "Occupation X" rome=[A1101] bassin:3211 vol=1.5 fap=X0X40 x=0.75 s=0.75
            bmo:8:B1101 L8 bmo "Occupation X" rome=[B1101] bassin:3211 vol=0.5 fap=X0X40 x=0.25 s=0.25
            reject bmo.xlsx:2: field "REG": invalid region code "xx": expected 2 digits, e.g. 32 (value "xx")
            reject bmo.xlsx:4: field "BE24": expected an employment area code of 3 or 4 digits (value "32111")
            reject bmo.xlsx:5: field "met": empty count (expected a number or `*` for a masked count)
            reject bmo.xlsx:6: field "met": expected a whole number or `*` for a masked count (value "-4")
            reject bmo.xlsx:7: field "xmet": expected a whole number or `*` for a masked count (value "x") [row kept without it]
            reject bmo.xlsx:7: field "Code métier BMO": invalid FAP 2021 code "X0X4": expected A, A0X, A0X40 or A0X41a: kept without ROME sheets (value "X0X4") [row kept without it]
            reject bmo.xlsx:8: field "annee": expected a year (value "2O24") [row kept without it]
            bmo.xlsx: read 7 accepted 3 rejected 4
        "#]],
    );
    check_bmo(
        "annee;met\n2024;3",
        None,
        expect![[r#"
            error bmo.xlsx: line 1: missing column "BE24" (the header has: annee, met)
        "#]],
    );
}

/// The real BMO 2024 file. Figures checked by hand with python3 + openpyxl over sheet
/// `BMO_2024_open_data` (column `met`: `*` = masked, else an integer stored as text):
/// 53,443 rows; 10,891 masked; 2,751,069 projects on the 42,552 known lines; `xmet` known sum
/// 1,568,524, `smet` 818,189. 406 areas. Region 32 (`REG` = `32`): 3,807 rows in 28 areas, 716 masked,
/// 174,511 projects, `xmet` 89,502, `smet` 41,652. With the DARES crosswalk every one of the
/// 217 BMO codes maps to at least one ROME sheet, giving 188,367 needs nationally and 13,745 in
/// region 32 (one per sheet for known lines, one per masked line).
#[test]
fn bmo_2024_real_file() -> Result<(), IngestError> {
    let Some(data) = real_data() else {
        return Ok(());
    };
    let mut referential_report = ImportReport::default();
    let referential = crate::read_referential(&data, &mut referential_report)?;
    let crosswalk_loaded = !referential.rome_fap.is_empty();
    if !crosswalk_loaded {
        eprintln!(
            "notice: read_referential gave no DARES crosswalk yet: needs carry no ROME sheets"
        );
    }
    let cases = [
        (
            None, 53_443, 10_891, 2_751_069, 1_568_524, 818_189, 188_367, 406,
        ),
        (
            Some(RegionCode::HAUTS_DE_FRANCE),
            3_807,
            716,
            174_511,
            89_502,
            41_652,
            13_745,
            28,
        ),
    ];
    for (region, rows, masked, projects, difficult, seasonal, needs_with_crosswalk, areas) in cases
    {
        let mut report = ImportReport::default();
        let needs = crate::read_bmo(&data, &referential, region, &mut report)?.needs;
        let file = &report.files[0];
        // Every line is read; those of other regions are counted apart.
        assert_eq!(
            (file.rows_read, file.accepted, file.rejected),
            (53_443, rows, 0),
            "{region:?}"
        );
        assert_eq!(file.outside_region, 53_443 - rows, "{region:?}");
        if crosswalk_loaded {
            assert!(report.rejects.is_empty(), "{:?}", report.rejects.first());
        } else {
            // One notice per BMO occupation (217 codes nationally, checked with python3).
            assert!(report.rejects.iter().all(|r| !r.row_dropped));
        }
        let masked_needs = needs.iter().filter(|n| n.volume == Count::Masked).count();
        assert_eq!(masked_needs, masked);
        let sum = |pick: fn(&Need) -> Option<Count>| -> u64 {
            needs
                .iter()
                .filter_map(|n| pick(n).and_then(Count::known))
                .sum::<Volume>()
                .milli()
        };
        assert_eq!(
            sum(|n| Some(n.volume)),
            projects * 1000,
            "projects conserved, {region:?}"
        );
        assert_eq!(sum(|n| n.difficult), difficult * 1000);
        assert_eq!(sum(|n| n.seasonal), seasonal * 1000);
        assert!(
            needs
                .iter()
                .all(|n| n.buyer == Buyer::BmoSurvey && n.fap.is_some())
        );
        if crosswalk_loaded {
            assert_eq!(needs.len(), needs_with_crosswalk, "{region:?}");
            assert!(
                needs.iter().all(|n| !n.rome.is_empty()),
                "every BMO code maps to ROME"
            );
        } else {
            assert_eq!(
                needs.len() as u64,
                rows,
                "one need per line without the crosswalk"
            );
        }
        let bassins: std::collections::BTreeSet<_> =
            needs.iter().map(|n| n.location.clone()).collect();
        assert_eq!(bassins.len(), areas);
    }
    Ok(())
}
