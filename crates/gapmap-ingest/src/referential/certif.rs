//! Certifications: the Certif Info catalogue (UTF-8, `;`), the apprenticeship kit of France
//! Compétences (CFD -> RNCP; UTF-8 with BOM, `;`, CRLF) and the RNCP skill blocks export
//! (UTF-8, `;`, quoted).
//!
//! Certif Info lists some certifications on several rows with the same `Code_Diplome`: once per
//! Onisep (Ideo) entry, or once per RS entry (habilitations). A repeated row that only adds an RS
//! number is merged into the first (and accepted); one that adds nothing is rejected as a
//! duplicate; one that disagrees on a modelled field is rejected as a conflict, the first kept.

use std::collections::{BTreeMap, HashMap};

use gapmap_model::{Certification, Cfd, Formacode, RncpBlockCode, RncpCode, RomeCode, SkillBlock};

use super::{for_each_row, soft, text};
use crate::{
    DataDir, ImportReport, IngestError, Reject, Row, Table, layout::certifications as files,
};

/// The certification part of the referential.
pub(super) struct Certifications {
    pub certifications: Vec<Certification>,
    pub cfd_rncp: BTreeMap<Cfd, Vec<RncpCode>>,
    pub skill_blocks: BTreeMap<RncpCode, Vec<SkillBlock>>,
}

pub(super) fn read(
    data: &DataDir,
    report: &mut ImportReport,
) -> Result<Certifications, IngestError> {
    let mut kit_report = ImportReport::default();
    let mut blocks_report = ImportReport::default();
    let (certifications, (cfd_rncp, skill_blocks)) = rayon::join(
        || read_certif_info(data, report),
        || {
            rayon::join(
                || read_kit(data, &mut kit_report),
                || read_blocks(data, &mut blocks_report),
            )
        },
    );
    let certifications = certifications?;
    let (cfd_rncp, skill_blocks) = (cfd_rncp?, skill_blocks?);
    report.merge(kit_report);
    report.merge(blocks_report);
    Ok(Certifications {
        certifications,
        cfd_rncp,
        skill_blocks,
    })
}

/// Certif Info `Etat` codes of certifications still awarded: published (0), habilitation (11),
/// preparatory course without certification (4). Archived (3), erroneous (2) and deleted
/// preparatory courses (12) are not.
const ACTIVE_STATES: [&str; 3] = ["0", "4", "11"];
const INACTIVE_STATES: [&str; 3] = ["2", "3", "12"];

struct CertifColumns {
    id: usize,
    label: usize,
    kind_label: usize,
    level: usize,
    formacodes: usize,
    rome: Vec<(usize, String)>,
    nsf: usize,
    rncp: usize,
    rs: usize,
    cfd: usize,
    state: usize,
    replaces: Option<usize>,
}

fn read_certif_info(
    data: &DataDir,
    report: &mut ImportReport,
) -> Result<Vec<Certification>, IngestError> {
    let table = Table::open(data, files::CERTIF_INFO)?;
    let mut rome = Vec::new();
    for i in 1..=5 {
        let name = format!("Code_Rome_{i}");
        rome.push((table.column(&[name.as_str()])?, name));
    }
    let columns = CertifColumns {
        id: table.column(&["Code_Diplome"])?,
        label: table.column(&["Libelle_Diplome"])?,
        kind_label: table.column(&["Libelle_Type_Diplome"])?,
        level: table.column(&["Code_Niveau_Europeen"])?,
        formacodes: table.column(&["Code_FormaCode"])?,
        rome,
        nsf: table.column(&["Code_Nsf"])?,
        rncp: table.column(&["Code_RNCP"])?,
        rs: table.column(&["Code_RS"])?,
        cfd: table.column(&["Code_Scolarité"])?,
        state: table.column(&["Etat"])?,
        replaces: table.find_column(&["Code_Ancien_Diplome"]),
    };
    let mut certifications: Vec<Certification> = Vec::new();
    let mut first_line: HashMap<u32, (usize, u64)> = HashMap::new();
    for_each_row(&table, report, |row, field_rejects| {
        let certification = read_certification(row, &columns, field_rejects)?;
        let id = certification.certif_info_id;
        let Some(&(at, line)) = first_line.get(&id) else {
            first_line.insert(id, (certifications.len(), row.line));
            certifications.push(certification);
            return Ok(());
        };
        let first = &mut certifications[at];
        let same_but_rs = Certification {
            rs: first.rs.clone(),
            ..certification.clone()
        } == *first;
        if !same_but_rs {
            let reason = format!(
                "Code_Diplome {id} already read at line {line} with other values: kept the first"
            );
            return Err(row.reject("Code_Diplome", &id.to_string(), &reason, true));
        }
        let known = |rs: &str| {
            first
                .rs
                .as_deref()
                .is_some_and(|all| all.split(' ').any(|r| r == rs))
        };
        let Some(new_rs) = certification.rs.filter(|rs| !known(rs)) else {
            let reason = format!("duplicate of line {line} (differs only in columns not kept)");
            return Err(row.reject("Code_Diplome", &id.to_string(), &reason, true));
        };
        first.rs = Some(match first.rs.take() {
            Some(all) => format!("{all} {new_rs}"),
            None => new_rs,
        });
        // The row's field rejects repeat those of the first row.
        field_rejects.clear();
        Ok(())
    });
    Ok(certifications)
}

fn read_certification(
    row: &Row,
    c: &CertifColumns,
    field_rejects: &mut Vec<Reject>,
) -> Result<Certification, Reject> {
    let certif_info_id: u32 = row.parse(c.id, "Code_Diplome")?;
    let mut formacodes = Vec::new();
    // One code in this extract, but the field is a list in other Certif Info exports.
    for part in row
        .get(c.formacodes)
        .split(|ch: char| ch.is_whitespace() || ",|/".contains(ch))
    {
        if part.is_empty() {
            continue;
        }
        match part.parse::<Formacode>() {
            Ok(code) if !formacodes.contains(&code) => formacodes.push(code),
            Ok(_) => {}
            Err(e) => field_rejects.push(row.reject("Code_FormaCode", part, &e.to_string(), false)),
        }
    }
    let mut rome = Vec::new();
    for (column, name) in &c.rome {
        // Domain-level codes (`H2100`) are valid codes and kept as published.
        if let Some(code) = soft(row.parse_opt::<RomeCode>(*column, name), field_rejects)
            && !rome.contains(&code)
        {
            rome.push(code);
        }
    }
    let rncp = match row.opt(c.rncp) {
        None => None,
        // Certif Info writes the bare number (`4863`).
        Some(raw) => {
            let prefixed = if raw.starts_with("RNCP") {
                raw.to_owned()
            } else {
                format!("RNCP{raw}")
            };
            match prefixed.parse::<RncpCode>() {
                Ok(code) => Some(code),
                Err(e) => {
                    field_rejects.push(row.reject("Code_RNCP", raw, &e.to_string(), false));
                    None
                }
            }
        }
    };
    let active = match row.get(c.state) {
        s if ACTIVE_STATES.contains(&s) => true,
        s if INACTIVE_STATES.contains(&s) => false,
        other => {
            field_rejects.push(row.reject(
                "Etat",
                other,
                "unknown state (expected 0, 2, 3, 4, 11 or 12)",
                false,
            ));
            false
        }
    };
    Ok(Certification {
        certif_info_id,
        label: text(row, c.label, "Libelle_Diplome", field_rejects),
        kind_label: row.get(c.kind_label).to_owned(),
        level: soft(
            row.parse_opt(c.level, "Code_Niveau_Europeen"),
            field_rejects,
        ),
        formacodes,
        rome,
        nsf: soft(row.parse_opt(c.nsf, "Code_Nsf"), field_rejects),
        rncp,
        rs: row.opt(c.rs).map(str::to_owned),
        cfd: soft(row.parse_opt(c.cfd, "Code_Scolarité"), field_rejects),
        active,
        replaces: c
            .replaces
            .and_then(|col| soft(row.parse_opt(col, "Code_Ancien_Diplome"), field_rejects)),
    })
}

/// The kit's CFD -> RNCP pairs, active and inactive RNCP fiches alike (the link is a fact about
/// the diploma either way), in file order per diploma.
fn read_kit(
    data: &DataDir,
    report: &mut ImportReport,
) -> Result<BTreeMap<Cfd, Vec<RncpCode>>, IngestError> {
    let table = Table::open(data, files::KIT)?;
    let cfd = table.column(&["Code_Diplome"])?;
    let rncp = table.column(&["Code_RNCP"])?;
    let mut links: BTreeMap<Cfd, Vec<RncpCode>> = BTreeMap::new();
    for_each_row(&table, report, |row, _| {
        let diploma: Cfd = row.parse(cfd, "Code_Diplome")?;
        let raw = row.get(rncp);
        if raw == "NR" {
            return Err(row.reject("Code_RNCP", raw, "no RNCP certification given (NR)", true));
        }
        let code: RncpCode = row.parse(rncp, "Code_RNCP")?;
        let codes = links.entry(diploma).or_default();
        if codes.contains(&code) {
            return Err(row.reject(
                "Code_RNCP",
                raw,
                &format!("duplicate link of {diploma}"),
                true,
            ));
        }
        codes.push(code);
        Ok(())
    });
    Ok(links)
}

fn read_blocks(
    data: &DataDir,
    report: &mut ImportReport,
) -> Result<BTreeMap<RncpCode, Vec<SkillBlock>>, IngestError> {
    let table = Table::open(data, files::BLOCKS)?;
    let fiche = table.column(&["Numero_Fiche"])?;
    let code = table.column(&["Bloc_Competences_Code"])?;
    let label = table.column(&["Bloc_Competences_Libelle"])?;
    let mut blocks: BTreeMap<RncpCode, Vec<SkillBlock>> = BTreeMap::new();
    let mut lines: HashMap<RncpBlockCode, u64> = HashMap::new();
    for_each_row(&table, report, |row, field_rejects| {
        let certification: RncpCode = row.parse(fiche, "Numero_Fiche")?;
        let block: RncpBlockCode = row.parse(code, "Bloc_Competences_Code")?;
        if block.certification() != certification {
            return Err(row.reject(
                "Bloc_Competences_Code",
                &block.to_string(),
                &format!("not a block of {certification}"),
                true,
            ));
        }
        if let Some(first) = lines.insert(block, row.line) {
            return Err(row.reject(
                "Bloc_Competences_Code",
                &block.to_string(),
                &format!("duplicate block (first at line {first})"),
                true,
            ));
        }
        let label = text(row, label, "Bloc_Competences_Libelle", field_rejects);
        blocks
            .entry(certification)
            .or_default()
            .push(SkillBlock { code: block, label });
        Ok(())
    });
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{Sample, check};

    const CERTIF_HEADER: &str = "Code_Diplome;Libelle_Diplome;Libelle_Type_Diplome;Code_Niveau_Europeen;Date_MaJ;Code_FormaCode;Libelle_FormaCode;Code_Rome_1;Code_Rome_2;Code_Rome_3;Code_Rome_4;Code_Rome_5;Code_Nsf;Code_RNCP;Code_RS;Code_Scolarité;Etat\n";

    #[test]
    fn certifications_sample() {
        let certif = CERTIF_HEADER.to_owned()
            + "1879;DU actuaire;Diplôme d'université;;29/07/2020;41079;Actuariat;;;;;;313;;;;4\n"
            + "2001;BTS banque;Brevet de technicien supérieur;5;;31006 31054;;C1206;H2100;Z9999;;;313;38381;;32031313;0\n"
            + "2002;Pisteur;Habilitation;;;;;;;;;;;;2754;;11\n"
            + "2002;Pisteur;Habilitation;;;;;;;;;;;;6316;;11\n"
            + "2002;Pisteur;Habilitation;;;;;;;;;;;;6316;;11\n"
            + "2002;Pisteur secouriste;Habilitation;;;;;;;;;;;;;;11\n"
            + "abc;Bad id;x;;;;;;;;;;;;;;0\n"
            + "2003;;CAP;9;;123;;;;;;;31;x1;;123;7\n"
            + "2004;Short;CAP\n";
        check(
            &[
                Sample::utf8(super::files::CERTIF_INFO, &certif),
                Sample::bom_crlf(
                    super::files::KIT,
                    "Code_Diplome;Intitulé diplôme (DEPP);Code_RNCP;Niveau fiche RNCP;Fiche ACTIVE/INACTIVE\n32031313;BANQUE (BTS) ;RNCP38381;Niveau 5;ACTIVE\n13511418;\"MÉTIERS\nSUR DEUX LIGNES\";RNCP23315;Niveau 7;INACTIVE\n32031313;BANQUE;RNCP38382;Niveau 5;ACTIVE\n32031314;X;NR;;ACTIVE\n3203131;X;RNCP1;;ACTIVE\n",
                ),
                Sample::utf8(
                    super::files::BLOCKS,
                    "\"Numero_Fiche\";\"Bloc_Competences_Code\";\"Bloc_Competences_Libelle\"\n\"RNCP183\";\"RNCP183BC03\";\"Réaliser l'assemblage\"\n\"RNCP183\";\"RNCP183BC1\";\"\"\n\"RNCP184\";\"RNCP183BC02\";\"Wrong fiche\"\n\"RNCP183\";\"RNCP183BC03\";\"Again\"\n",
                ),
            ],
            |data, report| {
                let c = super::read(data, report)?;
                let mut out = String::new();
                for c in &c.certifications {
                    out += &format!(
                        "certif {} {:?} {:?} level={:?} formacodes={:?} rome={:?} nsf={:?} rncp={:?} rs={:?} cfd={:?} active={}\n",
                        c.certif_info_id,
                        c.label,
                        c.kind_label,
                        c.level,
                        c.formacodes,
                        c.rome,
                        c.nsf,
                        c.rncp,
                        c.rs,
                        c.cfd,
                        c.active
                    );
                }
                for (cfd, rncp) in &c.cfd_rncp {
                    out += &format!("kit {cfd} -> {rncp:?}\n");
                }
                for (rncp, blocks) in &c.skill_blocks {
                    for b in blocks {
                        out += &format!("block {rncp} {} {:?}\n", b.code, b.label);
                    }
                }
                Ok(out)
            },
            expect![[r#"
                certif 1879 "DU actuaire" "Diplôme d'université" level=None formacodes=[Formacode(41079)] rome=[] nsf=Some(Nsf(313)) rncp=None rs=None cfd=None active=true
                certif 2001 "BTS banque" "Brevet de technicien supérieur" level=Some(EuropeanLevel(5)) formacodes=[Formacode(31006), Formacode(31054)] rome=[RomeCode(C1206), RomeCode(H2100)] nsf=Some(Nsf(313)) rncp=Some(RncpCode(RNCP38381)) rs=None cfd=Some(Cfd(32031313)) active=true
                certif 2002 "Pisteur" "Habilitation" level=None formacodes=[] rome=[] nsf=None rncp=None rs=Some("2754 6316") cfd=None active=true
                certif 2003 "" "CAP" level=None formacodes=[] rome=[] nsf=None rncp=None rs=None cfd=None active=false
                kit 13511418 -> [RncpCode(RNCP23315)]
                kit 32031313 -> [RncpCode(RNCP38381), RncpCode(RNCP38382)]
                block RNCP183 RNCP183BC03 "Réaliser l'assemblage"
                block RNCP183 RNCP183BC1 ""
                file certifications/certif_info.csv Some(Utf8): read 9 accepted 5 rejected 4
                file certifications/Kit_apprentissage_20231218.csv Some(Utf8Bom): read 5 accepted 3 rejected 2
                file certifications/export_fiches_CSV_Blocs_De_Compétences_2024_01_17.csv Some(Utf8): read 4 accepted 2 rejected 2
                reject certifications/certif_info.csv:3: field "Code_Rome_3": invalid ROME code "Z9999": expected a letter A-N and 4 digits, e.g. M1844 (value "Z9999") [row kept without it]
                reject certifications/certif_info.csv:6: field "Code_Diplome": duplicate of line 4 (differs only in columns not kept) (value "2002")
                reject certifications/certif_info.csv:7: field "Code_Diplome": Code_Diplome 2002 already read at line 4 with other values: kept the first (value "2002")
                reject certifications/certif_info.csv:8: field "Code_Diplome": invalid digit found in string (value "abc")
                reject certifications/certif_info.csv:9: field "Code_FormaCode": invalid Formacode "123": expected 5 digits (value "123") [row kept without it]
                reject certifications/certif_info.csv:9: field "Code_RNCP": invalid RNCP code "RNCPx1": expected RNCP followed by digits, e.g. RNCP38381 (value "x1") [row kept without it]
                reject certifications/certif_info.csv:9: field "Etat": unknown state (expected 0, 2, 3, 4, 11 or 12) (value "7") [row kept without it]
                reject certifications/certif_info.csv:9: field "Libelle_Diplome": empty label [row kept without it]
                reject certifications/certif_info.csv:9: field "Code_Niveau_Europeen": invalid European level "9": expected 1 to 8, e.g. 5 or "Niveau 5" (value "9") [row kept without it]
                reject certifications/certif_info.csv:9: field "Code_Nsf": invalid NSF code "31": expected 3 digits and an optional letter, e.g. 255r (value "31") [row kept without it]
                reject certifications/certif_info.csv:9: field "Code_Scolarité": invalid CFD diploma code "123": expected 8 characters, digits or capital letters (value "123") [row kept without it]
                reject certifications/certif_info.csv:10: 3 fields where the header has 17 (value "2004|Short|CAP")
                reject certifications/Kit_apprentissage_20231218.csv:6: field "Code_RNCP": no RNCP certification given (NR) (value "NR")
                reject certifications/Kit_apprentissage_20231218.csv:7: field "Code_Diplome": invalid CFD diploma code "3203131": expected 8 characters, digits or capital letters (value "3203131")
                reject certifications/export_fiches_CSV_Blocs_De_Compétences_2024_01_17.csv:3: field "Bloc_Competences_Libelle": empty label [row kept without it]
                reject certifications/export_fiches_CSV_Blocs_De_Compétences_2024_01_17.csv:4: field "Bloc_Competences_Code": not a block of RNCP184 (value "RNCP183BC02")
                reject certifications/export_fiches_CSV_Blocs_De_Compétences_2024_01_17.csv:5: field "Bloc_Competences_Code": duplicate block (first at line 2) (value "RNCP183BC03")
            "#]],
        );
    }

    #[test]
    fn missing_column_and_empty_file() {
        let no_etat = CERTIF_HEADER.replace(";Etat", "") + "1879;DU;x;;;;;;;;;;;;;\n";
        check(
            &[Sample::utf8(super::files::CERTIF_INFO, &no_etat)],
            |data, report| super::read(data, report).map(|_| String::new()),
            expect![[r#"
            error: certifications/certif_info.csv: line 1: missing column "Etat" (the header has: Code_Diplome, Libelle_Diplome, Libelle_Type_Diplome, Code_Niveau_Europeen, Date_MaJ, Code_FormaCode, Libelle_FormaCode, Code_Rome_1, Code_Rome_2, Code_Rome_3, Code_Rome_4, Code_Rome_5, Code_Nsf, Code_RNCP, Code_RS, Code_Scolarité)
        "#]],
        );
        check(
            &[Sample::utf8(super::files::CERTIF_INFO, "")],
            |data, report| super::read(data, report).map(|_| String::new()),
            expect![[r#"
            error: certifications/certif_info.csv: line 1: empty file: expected a header line
        "#]],
        );
    }
}
