//! BCN nomenclatures (Éducation nationale): diplomas, their levels, and MEF training units.
//!
//! Diplomas come from two extracts: `nFormationDiplome_` (Windows-1252, about 4,000 diplomas,
//! updated up to 2025) and `vFormationDiplome_` (UTF-8 with BOM, about 11,000: it adds older and
//! closed diplomas but misses a few recent ones and carries older values). Both are read; for a
//! diploma in both, **`nFormationDiplome_` wins** (in 2025 it gives closing dates the view lacks
//! and fixes a label typo); the view's row is accepted but not used.
//!
//! The European level: the diploma's own `NIVEAU_QUALIFICATION_RNCP` when it is a level (`01` to
//! `08`), else the one of its BCN level in `nNiveauFormationDiplome_`. The diploma's own value is
//! preferred because the level table marks some levels `XX` ("varies": a mention complémentaire
//! is at level 3 or 4 depending on the diploma). `00` (no qualification level: DNB, first-cycle
//! years), `99` (undetermined) and `XX` give no level, without a reject.
//!
//! Renovations: `nFormationDiplome_` names up to seven diplomas a diploma replaces
//! (`ANCIEN_DIPLOME_1..7`); they become [`Diploma::predecessors`] (the view has no such columns).
//!
//! Training units: several MEFs may share one MEFSTAT11 (one pair in 2025). The unit kept is the
//! intake year (`ANNEE_DISPOSITIF` = 1) if any, then an open one (no closing date), then the one
//! closed last, then the smaller MEF code; the others are rejected with a reason naming the MEF
//! kept. The kept unit's diploma and duration are its own, never mixed with the others'. A unit's
//! diploma is kept even when the diploma files lack it (no such unit in the 2025 files).

use std::collections::{BTreeMap, HashMap};

use gapmap_model::{Cfd, Diploma, EuropeanLevel, Mef, MefStat11, MefUnit};

use super::{for_each_row, soft, text};
use crate::{DataDir, ImportReport, IngestError, Reject, Table, layout::bcn as files};

/// The BCN part of the referential.
pub(super) struct Bcn {
    pub diplomas: BTreeMap<Cfd, Diploma>,
    pub mef_units: BTreeMap<MefStat11, MefUnit>,
}

pub(super) fn read(data: &DataDir, report: &mut ImportReport) -> Result<Bcn, IngestError> {
    let levels = read_levels(data, report)?;
    let mut diplomas = BTreeMap::new();
    let mut origin = HashMap::new();
    read_diplomas(
        data,
        files::DIPLOMAS,
        &levels,
        report,
        &mut diplomas,
        &mut origin,
    )?;
    read_diplomas(
        data,
        files::DIPLOMAS_VIEW,
        &levels,
        report,
        &mut diplomas,
        &mut origin,
    )?;
    let mef_units = read_mef(data, report)?;
    Ok(Bcn {
        diplomas,
        mef_units,
    })
}

/// A `NIVEAU_QUALIFICATION_RNCP` value: a level, no level (`00`, `99`, `XX`, empty), or invalid.
fn qualification_level(raw: &str) -> Result<Option<EuropeanLevel>, ()> {
    match raw {
        "" | "00" | "99" | "XX" => Ok(None),
        _ => raw
            .trim_start_matches('0')
            .parse::<u8>()
            .ok()
            .and_then(EuropeanLevel::new)
            .map(Some)
            .ok_or(()),
    }
}

const LEVEL_EXPECTED: &str = "expected a level 01 to 08, or 00, 99, XX";

/// BCN level code (`NIVEAU_FORMATION_DIPLOME`) -> European level.
fn read_levels(
    data: &DataDir,
    report: &mut ImportReport,
) -> Result<HashMap<String, Option<EuropeanLevel>>, IngestError> {
    let table = Table::open(data, files::LEVELS)?;
    let code = table.column(&["NIVEAU_FORMATION_DIPLOME"])?;
    let level = table.column(&["NIVEAU_QUALIFICATION_RNCP"])?;
    let mut levels = HashMap::new();
    for_each_row(&table, report, |row, field_rejects| {
        let bcn = row.get(code);
        if bcn.is_empty() {
            return Err(row.reject("NIVEAU_FORMATION_DIPLOME", "", "empty required field", true));
        }
        if levels.contains_key(bcn) {
            return Err(row.reject("NIVEAU_FORMATION_DIPLOME", bcn, "duplicate level", true));
        }
        let raw = row.get(level);
        let european = qualification_level(raw).unwrap_or_else(|()| {
            field_rejects.push(row.reject("NIVEAU_QUALIFICATION_RNCP", raw, LEVEL_EXPECTED, false));
            None
        });
        levels.insert(bcn.to_owned(), european);
        Ok(())
    });
    Ok(levels)
}

fn read_diplomas(
    data: &DataDir,
    standard: &'static str,
    levels: &HashMap<String, Option<EuropeanLevel>>,
    report: &mut ImportReport,
    diplomas: &mut BTreeMap<Cfd, Diploma>,
    origin: &mut HashMap<Cfd, (&'static str, u64)>,
) -> Result<(), IngestError> {
    let table = Table::open(data, standard)?;
    let cfd = table.column(&["FORMATION_DIPLOME"])?;
    let bcn_level = table.column(&["NIVEAU_FORMATION_DIPLOME"])?;
    let group = table.column(&["GROUPE_SPECIALITE"])?;
    let letter = table.column(&["LETTRE_SPECIALITE"])?;
    let short_label = table.column(&["LIBELLE_COURT"])?;
    let label = table.column(&["LIBELLE_LONG_200"])?;
    let closed_on = table.column(&["DATE_FERMETURE"])?;
    let own_level = table.find_column(&["NIVEAU_QUALIFICATION_RNCP"]);
    let predecessor_columns: Vec<(usize, String)> = (1..=7)
        .filter_map(|n| {
            let name = format!("ANCIEN_DIPLOME_{n}");
            table.find_column(&[name.as_str()]).map(|c| (c, name))
        })
        .collect();
    for_each_row(&table, report, |row, field_rejects| {
        let code: Cfd = row.parse(cfd, "FORMATION_DIPLOME")?;
        match origin.get(&code) {
            Some(&(file, line)) if file == standard => {
                return Err(row.reject(
                    "FORMATION_DIPLOME",
                    code.as_str(),
                    &format!("duplicate diploma (first at line {line})"),
                    true,
                ));
            }
            // Read from the file that wins: this row is valid but not used.
            Some(_) => return Ok(()),
            None => {}
        }
        let bcn = row.get(bcn_level);
        let own = own_level.map_or("", |column| row.get(column));
        let level = match qualification_level(own) {
            Ok(Some(level)) => Some(level),
            Ok(None) => match levels.get(bcn) {
                Some(level) => *level,
                None => {
                    field_rejects.push(row.reject(
                        "NIVEAU_FORMATION_DIPLOME",
                        bcn,
                        "level not in the BCN level table",
                        false,
                    ));
                    None
                }
            },
            Err(()) => {
                field_rejects.push(row.reject(
                    "NIVEAU_QUALIFICATION_RNCP",
                    own,
                    LEVEL_EXPECTED,
                    false,
                ));
                levels.get(bcn).copied().flatten()
            }
        };
        let nsf = match row.get(group) {
            "" => None,
            group => {
                let raw = format!("{group}{}", row.get(letter));
                soft(
                    raw.parse().map(Some).map_err(|e: gapmap_model::CodeError| {
                        row.reject("GROUPE_SPECIALITE", &raw, &e.to_string(), false)
                    }),
                    field_rejects,
                )
            }
        };
        let diploma = Diploma {
            cfd: code,
            short_label: row.get(short_label).to_owned(),
            label: text(row, label, "LIBELLE_LONG_200", field_rejects),
            bcn_level: bcn.to_owned(),
            level,
            nsf,
            closed_on: row.opt(closed_on).map(str::to_owned),
            predecessors: predecessor_columns
                .iter()
                .filter_map(|(c, name)| soft(row.parse_opt(*c, name), field_rejects))
                .filter(|old| *old != code)
                .collect(),
        };
        origin.insert(code, (standard, row.line));
        diplomas.insert(code, diploma);
        Ok(())
    });
    Ok(())
}

/// A readable MEF row, before choosing among the MEFs of one MEFSTAT11.
struct MefCandidate {
    line: u64,
    unit: MefUnit,
    mefstat11: MefStat11,
    /// `DATE_FERMETURE` as `yyyymmdd` (`None`: open).
    closed_on: Option<u32>,
    field_rejects: Vec<Reject>,
}

impl MefCandidate {
    /// Larger is preferred: intake year, open, closed last, smaller MEF code.
    fn preference(&self) -> (bool, bool, u32, std::cmp::Reverse<Mef>) {
        (
            self.unit.year_of_course == Some(1),
            self.closed_on.is_none(),
            self.closed_on.unwrap_or(0),
            std::cmp::Reverse(self.unit.mef),
        )
    }
}

/// `dd/mm/yyyy` -> `yyyymmdd`.
fn sortable_date(raw: &str) -> Option<u32> {
    let mut parts = raw.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || d.len() != 2 || m.len() != 2 || y.len() != 4 {
        return None;
    }
    Some(y.parse::<u32>().ok()? * 10_000 + m.parse::<u32>().ok()? * 100 + d.parse::<u32>().ok()?)
}

fn read_mef(
    data: &DataDir,
    report: &mut ImportReport,
) -> Result<BTreeMap<MefStat11, MefUnit>, IngestError> {
    let table = Table::open(data, files::MEF)?;
    let mef = table.column(&["MEF"])?;
    let cfd = table.column(&["FORMATION_DIPLOME"])?;
    let duration = table.column(&["DUREE_DISPOSITIF"])?;
    let year = table.column(&["ANNEE_DISPOSITIF"])?;
    let label = table.column(&["LIBELLE_LONG"])?;
    let closed_on = table.column(&["DATE_FERMETURE"])?;
    let mefstat11 = table.column(&["MEF_STAT_11"])?;
    report.file(&table.file).encoding = Some(table.encoding);

    // Every record in file order (a candidate or a reject), so that the report keeps reading
    // order once the kept MEF of each MEFSTAT11 is known.
    let mut records: Vec<Result<MefCandidate, Reject>> = Vec::new();
    let mut best: HashMap<MefStat11, usize> = HashMap::new();
    for row in table.rows() {
        let row = match row {
            Ok(row) => row,
            Err(reject) => {
                records.push(Err(reject));
                continue;
            }
        };
        let mut field_rejects = Vec::new();
        let candidate = (|| {
            let code: MefStat11 = row.parse(mefstat11, "MEF_STAT_11")?;
            let diploma: Cfd = row.parse(cfd, "FORMATION_DIPLOME")?;
            let closing = row.get(closed_on);
            let closed = match closing {
                "" => None,
                raw => match sortable_date(raw) {
                    Some(date) => Some(date),
                    None => {
                        field_rejects.push(row.reject(
                            "DATE_FERMETURE",
                            raw,
                            "expected dd/mm/yyyy",
                            false,
                        ));
                        None
                    }
                },
            };
            let unit = MefUnit {
                mef: row.parse(mef, "MEF")?,
                mefstat11: Some(code),
                cfd: diploma,
                duration_years: soft(
                    row.parse_opt(duration, "DUREE_DISPOSITIF"),
                    &mut field_rejects,
                ),
                year_of_course: soft(row.parse_opt(year, "ANNEE_DISPOSITIF"), &mut field_rejects),
                label: text(&row, label, "LIBELLE_LONG", &mut field_rejects),
            };
            Ok::<_, Reject>(MefCandidate {
                line: row.line,
                unit,
                mefstat11: code,
                closed_on: closed,
                field_rejects: Vec::new(),
            })
        })();
        match candidate {
            Ok(mut candidate) => {
                candidate.field_rejects = field_rejects;
                let index = records.len();
                let holder = best.entry(candidate.mefstat11).or_insert(index);
                if let Some(Ok(held)) = records.get(*holder)
                    && candidate.preference() > held.preference()
                {
                    *holder = index;
                }
                records.push(Ok(candidate));
            }
            Err(reject) => records.push(Err(reject)),
        }
    }
    let kept_mef: HashMap<MefStat11, Mef> = best
        .iter()
        .filter_map(|(code, &i)| match records.get(i) {
            Some(Ok(kept)) => Some((*code, kept.unit.mef)),
            _ => None,
        })
        .collect();

    let mut units = BTreeMap::new();
    for (index, record) in records.into_iter().enumerate() {
        let candidate = match record {
            Ok(candidate) => candidate,
            Err(reject) => {
                report.reject(reject);
                continue;
            }
        };
        let kept = best.get(&candidate.mefstat11).copied().unwrap_or(index);
        if kept == index {
            report.accept(&table.file);
            for reject in candidate.field_rejects {
                report.reject(reject);
            }
            units.insert(candidate.mefstat11, candidate.unit);
        } else {
            report.reject(Reject {
                file: table.file.clone(),
                line: candidate.line,
                field: Some("MEF_STAT_11".to_owned()),
                value: candidate.mefstat11.to_string(),
                reason: format!(
                    "MEFSTAT11 shared with MEF {}, which is kept (intake year first, then open, then closed last); this MEF {} prepares {}",
                    kept_mef.get(&candidate.mefstat11).map_or("?", Mef::as_str),
                    candidate.unit.mef,
                    candidate.unit.cfd
                ),
                row_dropped: true,
            });
        }
    }
    Ok(units)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::super::tests::{Sample, check};

    const DIPLOMA_HEADER: &str = "FORMATION_DIPLOME;NIVEAU_FORMATION_DIPLOME;GROUPE_SPECIALITE;LETTRE_SPECIALITE;LIBELLE_COURT;LIBELLE_LONG_200;DATE_OUVERTURE;DATE_FERMETURE;NIVEAU_QUALIFICATION_RNCP\n";

    #[test]
    fn bcn_sample() {
        let n = DIPLOMA_HEADER.to_owned()
            + "46321218;463;212;S;CSA NIV4;APICULTURE (CSA);01/09/2017;;04\n"
            + "01022001;010;220;R;MC4;AGENT DE CONTRÔLE NON DESTRUCTIF (MC NIVEAU IV);01/09/1995;31/08/2024;04\n"
            + "67010011;670;100;A;1E CYC.GEN;3E ANNÉE;01/01/1992;31/08/1999;00\n"
            + "32123002;320;230;2;BTS;BAD LETTER;;31/08/2028;ZZ\n";
        let v = DIPLOMA_HEADER.to_owned()
            + "32123002;320;230;S;BTS;OLD VALUES;;;05\n"
            + "01022101;013;221;;MC4;EMPLOYE TRAITEUR (MC4);;;XX\n"
            + "99999999;922;221;S;X;UNKNOWN LEVEL;;;\n"
            + "99999999;922;221;S;X;DUPLICATE IN THE VIEW;;;\n";
        check(
            &[
                Sample::utf8(
                    super::files::LEVELS,
                    "NIVEAU_FORMATION_DIPLOME;LIBELLE_COURT;NIVEAU_QUALIFICATION_RNCP\n463;CSA;04\n010;MC;XX\n013;MC AG;XX\n670;1E CYC;00\n320;BTS;05\n999;INDET;99\n",
                ),
                Sample::windows_1252(super::files::DIPLOMAS, &n),
                Sample::bom_crlf(super::files::DIPLOMAS_VIEW, &v),
                Sample::bom_crlf(
                    super::files::MEF,
                    "MEF;DISPOSITIF_FORMATION;FORMATION_DIPLOME;DUREE_DISPOSITIF;ANNEE_DISPOSITIF;LIBELLE_LONG;DATE_FERMETURE;MEF_STAT_11\n\
                     2543340421;254;46321218;2;1;1CSA APICULTURE;31/08/2025;25110033404\n\
                     2543340422;254;46321218;2;2;2CSA APICULTURE;31/08/2025;25110033405\n\
                     3171340131;317;32123002;3;1;1DMA3 OLD;31/08/2019;32710013401\n\
                     4181340131;418;01022001;3;1;1MADE3 NEWER;31/08/2024;32710013401\n\
                     4181340132;418;12345678;x;2;UNKNOWN DIPLOMA;;32710013402\n\
                     2512340821;251;01022001;2;1;1BMA2 PIANO;31/08/2003;23C10023408\n\
                     2512340899;251;01022001;2;1;LOWERCASE CODE;;23c1002340\n",
                ),
            ],
            |data, report| {
                let bcn = super::read(data, report)?;
                let mut out = String::new();
                for d in bcn.diplomas.values() {
                    out += &format!(
                        "diploma {} {:?} {:?} bcn={} level={:?} nsf={:?} closed={:?}\n",
                        d.cfd, d.short_label, d.label, d.bcn_level, d.level, d.nsf, d.closed_on
                    );
                }
                for (code, u) in &bcn.mef_units {
                    out += &format!(
                        "mef {code} {} cfd={} duration={:?} year={:?} {:?}\n",
                        u.mef, u.cfd, u.duration_years, u.year_of_course, u.label
                    );
                }
                Ok(out)
            },
            expect![[r#"
                diploma 01022001 "MC4" "AGENT DE CONTRÔLE NON DESTRUCTIF (MC NIVEAU IV)" bcn=010 level=Some(EuropeanLevel(4)) nsf=Some(Nsf(220r)) closed=Some("31/08/2024")
                diploma 01022101 "MC4" "EMPLOYE TRAITEUR (MC4)" bcn=013 level=None nsf=Some(Nsf(221)) closed=None
                diploma 32123002 "BTS" "BAD LETTER" bcn=320 level=Some(EuropeanLevel(5)) nsf=None closed=Some("31/08/2028")
                diploma 46321218 "CSA NIV4" "APICULTURE (CSA)" bcn=463 level=Some(EuropeanLevel(4)) nsf=Some(Nsf(212s)) closed=None
                diploma 67010011 "1E CYC.GEN" "3E ANNÉE" bcn=670 level=None nsf=Some(Nsf(100a)) closed=Some("31/08/1999")
                diploma 99999999 "X" "UNKNOWN LEVEL" bcn=922 level=None nsf=Some(Nsf(221s)) closed=None
                mef 23C10023408 2512340821 cfd=01022001 duration=Some(2) year=Some(1) "1BMA2 PIANO"
                mef 25110033404 2543340421 cfd=46321218 duration=Some(2) year=Some(1) "1CSA APICULTURE"
                mef 25110033405 2543340422 cfd=46321218 duration=Some(2) year=Some(2) "2CSA APICULTURE"
                mef 32710013401 4181340131 cfd=01022001 duration=Some(3) year=Some(1) "1MADE3 NEWER"
                mef 32710013402 4181340132 cfd=12345678 duration=None year=Some(2) "UNKNOWN DIPLOMA"
                file bcn/nNiveauFormationDiplome_.csv Some(Utf8): read 6 accepted 6 rejected 0
                file bcn/nFormationDiplome_.csv Some(Windows1252): read 4 accepted 4 rejected 0
                file bcn/vFormationDiplome_.csv Some(Utf8Bom): read 4 accepted 3 rejected 1
                file bcn/nMef.csv Some(Utf8Bom): read 7 accepted 5 rejected 2
                reject bcn/nFormationDiplome_.csv:5: field "NIVEAU_QUALIFICATION_RNCP": expected a level 01 to 08, or 00, 99, XX (value "ZZ") [row kept without it]
                reject bcn/nFormationDiplome_.csv:5: field "GROUPE_SPECIALITE": invalid NSF code "2302": expected 3 digits and an optional letter, e.g. 255r (value "2302") [row kept without it]
                reject bcn/vFormationDiplome_.csv:4: field "NIVEAU_FORMATION_DIPLOME": level not in the BCN level table (value "922") [row kept without it]
                reject bcn/vFormationDiplome_.csv:5: field "FORMATION_DIPLOME": duplicate diploma (first at line 4) (value "99999999")
                reject bcn/nMef.csv:4: field "MEF_STAT_11": MEFSTAT11 shared with MEF 4181340131, which is kept (intake year first, then open, then closed last); this MEF 3171340131 prepares 32123002 (value "32710013401")
                reject bcn/nMef.csv:6: field "DUREE_DISPOSITIF": invalid digit found in string (value "x") [row kept without it]
                reject bcn/nMef.csv:8: field "MEF_STAT_11": invalid MEFSTAT11 code "23c1002340": expected 11 characters, digits or capital letters (value "23c1002340")
            "#]],
        );
    }
}
