//! FAP 2021 (DARES): the labels at every level (UTF-8 with BOM, `;`, CRLF) and the ROME x
//! qualification -> FAP341 crosswalk (Latin-1, read as Windows-1252; `;`, CRLF).

use std::collections::BTreeMap;

use gapmap_model::{FapCode, FapOccupation, RomeCode, RomeFapLink};

use super::{for_each_row, text};
use crate::{DataDir, ImportReport, IngestError, Table, layout::demand as files};

/// The FAP part of the referential.
pub(super) struct Fap {
    pub occupations: BTreeMap<FapCode, FapOccupation>,
    pub rome_fap: Vec<RomeFapLink>,
}

pub(super) fn read(data: &DataDir, report: &mut ImportReport) -> Result<Fap, IngestError> {
    let occupations = read_labels(data, report)?;
    let rome_fap = read_crosswalk(data, report, &occupations)?;
    Ok(Fap {
        occupations,
        rome_fap,
    })
}

fn read_labels(
    data: &DataDir,
    report: &mut ImportReport,
) -> Result<BTreeMap<FapCode, FapOccupation>, IngestError> {
    let table = Table::open(data, files::FAP_LABELS)?;
    let mut columns = Vec::new();
    for level in ["341", "228", "86", "22"] {
        let code = format!("Code_FAP{level}");
        let label = format!("Intitulé_FAP{level}");
        columns.push((
            table.column(&[code.as_str()])?,
            code,
            table.column(&[label.as_str()])?,
            label,
        ));
    }
    let mut occupations = BTreeMap::new();
    for_each_row(&table, report, |row, field_rejects| {
        let mut levels = Vec::with_capacity(4);
        for (code, code_name, label, label_name) in &columns {
            let fap: FapCode = row.parse(*code, code_name)?;
            levels.push((fap, text(row, *label, label_name, field_rejects)));
        }
        let mut levels = levels.into_iter();
        let mut next = || {
            levels
                .next()
                .ok_or_else(|| row.reject("Code_FAP341", "", "missing level", true))
        };
        let ((fap341, label341), (fap228, label228), (fap86, label86), (fap22, label22)) =
            (next()?, next()?, next()?, next()?);
        // Each level must refine the next coarser one (`A0X41a` in `A0X41` in `A0X` in `A`).
        for (fine, coarse, name) in [
            (&fap341, &fap228, "Code_FAP228"),
            (&fap228, &fap86, "Code_FAP86"),
            (&fap86, &fap22, "Code_FAP22"),
        ] {
            if !fine.as_str().starts_with(coarse.as_str()) {
                return Err(row.reject(
                    name,
                    coarse.as_str(),
                    &format!("does not contain {fine}"),
                    true,
                ));
            }
        }
        if occupations.contains_key(&fap341) {
            return Err(row.reject(
                "Code_FAP341",
                fap341.as_str(),
                "duplicate FAP341 code",
                true,
            ));
        }
        let occupation = FapOccupation {
            fap341: fap341.clone(),
            label341,
            fap228,
            label228,
            fap86,
            label86,
            fap22,
            label22,
        };
        occupations.insert(fap341, occupation);
        Ok(())
    });
    Ok(occupations)
}

fn read_crosswalk(
    data: &DataDir,
    report: &mut ImportReport,
    occupations: &BTreeMap<FapCode, FapOccupation>,
) -> Result<Vec<RomeFapLink>, IngestError> {
    let table = Table::open(data, files::DARES_CROSSWALK)?;
    let rome = table.column(&["ROME"])?;
    let qualification = table.column(&["Qualif"])?;
    let fap = table.column(&["FAP341"])?;
    let mut links = Vec::new();
    for_each_row(&table, report, |row, _| {
        let code: RomeCode = row.parse(rome, "ROME")?;
        let level: u8 = row.parse(qualification, "Qualif")?;
        if level > 9 {
            return Err(row.reject(
                "Qualif",
                row.get(qualification),
                "expected a qualification 0 to 9",
                true,
            ));
        }
        let fap341: FapCode = row.parse(fap, "FAP341")?;
        // Every kept link has its occupation's labels (callers may index `fap` with it).
        if !occupations.contains_key(&fap341) {
            return Err(row.reject(
                "FAP341",
                fap341.as_str(),
                "not in the FAP 2021 label file",
                true,
            ));
        }
        links.push(RomeFapLink {
            rome: code,
            qualification: level,
            fap341,
        });
        Ok(())
    });
    Ok(links)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{Sample, check};

    #[test]
    fn fap_sample() {
        check(
            &[
                Sample::bom_crlf(
                    super::files::FAP_LABELS,
                    "Code_FAP341;Intitulé_FAP341;Code_FAP228;Intitulé_FAP228;Code_FAP86;Intitulé_FAP86;Code_FAP22;Intitulé_FAP22\n\
                     A0X40;Agriculteurs;A0X40;Agriculteurs;A0X;Agriculteurs, éleveurs;A;Agriculture, marine, pêche\n\
                     A0X41a;Eleveurs de bovins;A0X41;Eleveurs;A0X;Agriculteurs, éleveurs;A;Agriculture, marine, pêche\n\
                     A0X41b;Eleveurs;A0X42;Wrong parent;A0X;Agriculteurs, éleveurs;A;Agriculture, marine, pêche\n\
                     QAX01;Banque;QAX01;Banque;QAX;Banque;Q;Banque et assurances\n\
                     A0X4;Bad code;A0X4;Bad;A0X;Agriculteurs;A;Agriculture\n",
                ),
                Sample::windows_1252(
                    super::files::DARES_CROSSWALK,
                    "ROME;Intitule_ROME;Qualif;FAP341;Intitule_FAP341\r\n\
                     A1101;Conduite d'engins agricoles et forestiers;0;A0X40;Agriculteurs\r\n\
                     A1101;Conduite d'engins agricoles et forestiers;1;A0X43;Conducteurs d'engins agricoles\r\n\
                     A1101;Conduite;12;A0X40;Bûcheronnage\r\n\
                     C1101;Banque;1;QAX01;Banque\r\n\
                     C1102;Banque;1;QAX0;Banque\r\n",
                ),
            ],
            |data, report| {
                let fap = super::read(data, report)?;
                let mut out = String::new();
                for o in fap.occupations.values() {
                    out += &format!(
                        "fap {} {:?} < {} {:?} < {} {:?} < {} {:?}\n",
                        o.fap341,
                        o.label341,
                        o.fap228,
                        o.label228,
                        o.fap86,
                        o.label86,
                        o.fap22,
                        o.label22
                    );
                }
                for l in &fap.rome_fap {
                    out += &format!("link {} q{} -> {}\n", l.rome, l.qualification, l.fap341);
                }
                Ok(out)
            },
            expect![[r#"
                fap A0X40 "Agriculteurs" < A0X40 "Agriculteurs" < A0X "Agriculteurs, éleveurs" < A "Agriculture, marine, pêche"
                fap A0X41a "Eleveurs de bovins" < A0X41 "Eleveurs" < A0X "Agriculteurs, éleveurs" < A "Agriculture, marine, pêche"
                fap QAX01 "Banque" < QAX01 "Banque" < QAX "Banque" < Q "Banque et assurances"
                link A1101 q0 -> A0X40
                link C1101 q1 -> QAX01
                file demand/bmo-2024/Intitulés_FAP2021.csv Some(Utf8Bom): read 5 accepted 3 rejected 2
                file demand/dares/Dares_Table_passage_ROME_Qualif_to_FAP2021_pour_programme.csv Some(Windows1252): read 5 accepted 2 rejected 3
                reject demand/bmo-2024/Intitulés_FAP2021.csv:4: field "Code_FAP228": does not contain A0X41b (value "A0X42")
                reject demand/bmo-2024/Intitulés_FAP2021.csv:6: field "Code_FAP341": invalid FAP 2021 code "A0X4": expected A, A0X, A0X40 or A0X41a (value "A0X4")
                reject demand/dares/Dares_Table_passage_ROME_Qualif_to_FAP2021_pour_programme.csv:3: field "FAP341": not in the FAP 2021 label file (value "A0X43")
                reject demand/dares/Dares_Table_passage_ROME_Qualif_to_FAP2021_pour_programme.csv:4: field "Qualif": expected a qualification 0 to 9 (value "12")
                reject demand/dares/Dares_Table_passage_ROME_Qualif_to_FAP2021_pour_programme.csv:6: field "FAP341": invalid FAP 2021 code "QAX0": expected A, A0X, A0X40 or A0X41a (value "QAX0")
            "#]],
        );
    }
}
