//! The three offer files, each read into [`RawOffer`]s: one per row, before any join.

use gapmap_model::{
    Capacity, Cfd, Departement, GeoPoint, MefStat11, OfferSource, RegionCode, SchoolCode,
    Territory, TrainingMode,
};

use crate::table::fold;
use crate::{DataDir, ImportReport, IngestError, Reject, Row, Table};

/// An offer as one row of a source tells it.
pub(crate) struct RawOffer {
    pub source: OfferSource,
    pub year: u16,
    pub school: SchoolCode,
    pub mefstat11: Option<MefStat11>,
    /// The MEF of the final year (Affelnet `mef_stat_terminale`), to find outcomes.
    pub terminal_mef: Option<MefStat11>,
    /// The diploma code the source itself gives (Parcoursup BTS 2022-2023).
    pub cfd: Option<Cfd>,
    pub label: Option<String>,
    /// The code part of the identifier.
    pub code: String,
    pub mode: TrainingMode,
    pub capacity: Capacity,
    pub applications: Option<u32>,
    pub point: Option<GeoPoint>,
    pub school_name: Option<String>,
    pub file: String,
    pub line: u64,
}

/// Keeps a row when its school is in the filter's region.
pub(crate) struct RegionScope<'a> {
    pub region: Option<RegionCode>,
    pub territory: &'a Territory,
}

impl RegionScope<'_> {
    pub(crate) fn keeps(&self, departement: &Departement) -> bool {
        self.region
            .is_none_or(|r| self.territory.region_of(departement) == Some(r))
    }
}

/// Opens a table with at least one data row and records its encoding.
fn open(data: &DataDir, standard: &str, report: &mut ImportReport) -> Result<Table, IngestError> {
    let table = Table::open(data, standard)?;
    // A source file with a header and no row would count no offer, and say nothing.
    if table.rows().next().is_none() {
        return Err(IngestError::Format {
            file: table.file.clone(),
            line: 2,
            message: "no data row after the header: the file would give no offer".to_owned(),
        });
    }
    report.file(&table.file).encoding = Some(table.encoding);
    Ok(table)
}

/// What becomes of a row once its head (school, codes) is read: `Some` to go on; `None` when the
/// row is already counted, as outside the region or as a reject.
fn settle<T>(head: Result<Option<T>, Reject>, file: &str, report: &mut ImportReport) -> Option<T> {
    match head {
        Ok(Some(head)) => Some(head),
        Ok(None) => {
            report.outside_region(file);
            None
        }
        Err(r) => {
            report.reject(r);
            None
        }
    }
}

/// Which school codes a source gives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Codes {
    /// UAIs only.
    Uai,
    /// UAIs, or apprenticeship site codes (Parcoursup BTS).
    UaiOrSite,
}

/// The school (UAI, or site code where the source gives them) of a row, or the row's reject.
/// `None` when the row is outside the region.
fn school(
    row: &Row,
    column: usize,
    field: &str,
    codes: Codes,
    scope: &RegionScope<'_>,
) -> Result<Option<SchoolCode>, Reject> {
    let school: SchoolCode = match codes {
        Codes::Uai => SchoolCode::Uai(row.parse(column, field)?),
        Codes::UaiOrSite => row.parse(column, field)?,
    };
    Ok(scope.keeps(&school.departement()).then_some(school))
}

fn applications(
    row: &Row,
    column: Option<usize>,
    field: &str,
    report: &mut ImportReport,
) -> Option<u32> {
    let column = column?;
    row.parse_opt::<u32>(column, field).unwrap_or_else(|r| {
        report.reject(r);
        None
    })
}

/// A capacity field: empty is unknown, `999` (Affelnet) is a placeholder.
fn capacity(
    row: &Row,
    column: usize,
    field: &str,
    placeholder: Option<u32>,
    report: &mut ImportReport,
) -> Capacity {
    match row.parse_opt::<u32>(column, field) {
        Ok(None) => Capacity::Unknown,
        Ok(Some(n)) if Some(n) == placeholder => Capacity::Placeholder(n),
        Ok(Some(n)) => Capacity::Seats(n),
        Err(r) => {
            report.reject(r);
            Capacity::Unknown
        }
    }
}

/// Affelnet lycée "attractivité et capacité": one row per school x MEF x status.
pub(crate) fn read_affelnet(
    data: &DataDir,
    standard: &str,
    year: u16,
    scope: &RegionScope<'_>,
    report: &mut ImportReport,
) -> Result<Vec<RawOffer>, IngestError> {
    let table = open(data, standard, report)?;
    let uai_col = table.column(&["Etablissement d'accueil", "UAI"])?;
    let mef_col = table.column(&["MEF STAT 11", "MEFSTAT11"])?;
    let status_col = table.column(&["Statut Offre de formation"])?;
    let capacity_col = table.column(&["Capacité carte scolaire"])?;
    let wishes_col = table.find_column(&["Demandes vœux 1", "Demandes voeux 1"]);
    let terminal_col = table.find_column(&["mef_stat_terminale"]);
    let mut out = Vec::new();
    for row in table.rows() {
        let Some(row) = report.keep(row) else {
            continue;
        };
        let head = school(&row, uai_col, "Etablissement d'accueil", Codes::Uai, scope).and_then(
            |school| {
                let Some(school) = school else {
                    return Ok(None);
                };
                let mef: MefStat11 = row.parse(mef_col, "MEF STAT 11")?;
                let mode = match row.get(status_col) {
                    "ST" => TrainingMode::School,
                    "AP" => TrainingMode::Apprenticeship,
                    other => {
                        return Err(row.reject(
                            "Statut Offre de formation",
                            other,
                            "unknown status: expected ST (school) or AP (apprenticeship)",
                            true,
                        ));
                    }
                };
                Ok(Some((school, mef, mode)))
            },
        );
        let Some((school, mef, mode)) = settle(head, &row.file, report) else {
            continue;
        };
        let terminal_mef = terminal_col.and_then(|c| {
            row.parse_opt::<MefStat11>(c, "mef_stat_terminale")
                .unwrap_or_else(|r| {
                    report.reject(r);
                    None
                })
        });
        out.push(RawOffer {
            source: OfferSource::Affelnet,
            year,
            school,
            mefstat11: Some(mef),
            terminal_mef,
            cfd: None,
            label: None,
            code: mef.to_string(),
            mode,
            capacity: capacity(
                &row,
                capacity_col,
                "Capacité carte scolaire",
                Some(999),
                report,
            ),
            applications: applications(&row, wishes_col, "Demandes vœux 1", report),
            point: None,
            school_name: None,
            file: row.file.clone(),
            line: row.line,
        });
        report.accept(&row.file);
    }
    Ok(out)
}

/// Parcoursup BTS capacities. 2022 and 2023 also give `CFD` (and `MEFSTAT11_old`); 2024 gives
/// only `MEFSTAT11`.
pub(crate) fn read_parcoursup_bts(
    data: &DataDir,
    standard: &str,
    year: u16,
    scope: &RegionScope<'_>,
    report: &mut ImportReport,
) -> Result<Vec<RawOffer>, IngestError> {
    let table = open(data, standard, report)?;
    let uai_col = table.column(&["UAI"])?;
    let label_col = table.find_column(&["LIBELLÉFORMATION", "LIBELLEFORMATION"]);
    let mef_col = table.column(&["MEFSTAT11"])?;
    let cfd_col = table.find_column(&["CFD rectifié", "CFD"]);
    let status_col = table.column(&["STATUT"])?;
    let capacity_col = table.column(&["CAPACITEPSUP"])?;
    let wishes_col = table.find_column(&["NB_VOEUX_CONFIRMES"]);
    let mut out = Vec::new();
    for row in table.rows() {
        let Some(row) = report.keep(row) else {
            continue;
        };
        let head = school(&row, uai_col, "UAI", Codes::UaiOrSite, scope).and_then(|school| {
            let Some(school) = school else {
                return Ok(None);
            };
            let mef: MefStat11 = row.parse(mef_col, "MEFSTAT11")?;
            let mode = match fold(row.get(status_col)).as_str() {
                "scolaire" => TrainingMode::School,
                "apprentissage" => TrainingMode::Apprenticeship,
                _ => {
                    return Err(row.reject(
                        "STATUT",
                        row.get(status_col),
                        "unknown status: expected Scolaire or Apprentissage",
                        true,
                    ));
                }
            };
            Ok(Some((school, mef, mode)))
        });
        let Some((school, mef, mode)) = settle(head, &row.file, report) else {
            continue;
        };
        let cfd = cfd_col.and_then(|c| {
            row.parse_opt::<Cfd>(c, "CFD").unwrap_or_else(|r| {
                report.reject(r);
                None
            })
        });
        out.push(RawOffer {
            source: OfferSource::ParcoursupBts,
            year,
            school,
            mefstat11: Some(mef),
            terminal_mef: None,
            cfd,
            label: label_col.and_then(|c| row.opt(c)).map(str::to_owned),
            code: mef.to_string(),
            mode,
            capacity: capacity(&row, capacity_col, "CAPACITEPSUP", None, report),
            applications: applications(&row, wishes_col, "NB_VOEUX_CONFIRMES", report),
            point: None,
            school_name: None,
            file: row.file.clone(),
            line: row.line,
        });
        report.accept(&row.file);
    }
    Ok(out)
}

/// The intake year given to the Parcoursup course list, whose extract does not say its year.
pub(crate) const UNKNOWN_YEAR: u16 = 0;

/// The Parcoursup course list: school, course label and GPS point; no code, no capacity. The
/// identifier's code is the folded label (`bts-services-comptabilite-et-gestion`); a label that
/// mentions apprenticeship gives the apprenticeship mode.
pub(crate) fn read_parcoursup(
    data: &DataDir,
    standard: &str,
    scope: &RegionScope<'_>,
    report: &mut ImportReport,
) -> Result<Vec<RawOffer>, IngestError> {
    let table = open(data, standard, report)?;
    let uai_col = table.column(&["Code UAI de l etablissement", "Code UAI de l'établissement"])?;
    let school_col = table.find_column(&["etablissement", "établissement"]);
    let label_col = table.column(&["Filiere de formation", "Filière de formation"])?;
    let gps_col = table.find_column(&["Coordonnées GPS de la formation"]);
    let mut out = Vec::new();
    for row in table.rows() {
        let Some(row) = report.keep(row) else {
            continue;
        };
        let head = school(
            &row,
            uai_col,
            "Code UAI de l etablissement",
            Codes::Uai,
            scope,
        )
        .and_then(|school| {
            let Some(school) = school else {
                return Ok(None);
            };
            let label = row.opt(label_col).ok_or_else(|| {
                row.reject("Filiere de formation", "", "empty required field", true)
            })?;
            Ok(Some((school, label.to_owned())))
        });
        let Some((school, label)) = settle(head, &row.file, report) else {
            continue;
        };
        let point = gps_col.and_then(|c| {
            let raw = row.opt(c)?;
            let point = raw.split_once(',').and_then(|(lat, lon)| {
                GeoPoint::new(lat.trim().parse().ok()?, lon.trim().parse().ok()?)
            });
            if point.is_none() {
                report.reject(row.reject(
                    "Coordonnées GPS de la formation",
                    raw,
                    "expected \"latitude, longitude\"",
                    false,
                ));
            }
            point
        });
        let folded = slug(&label);
        let mode = if folded.contains("apprentissage") {
            TrainingMode::Apprenticeship
        } else {
            TrainingMode::School
        };
        out.push(RawOffer {
            source: OfferSource::Parcoursup,
            year: UNKNOWN_YEAR,
            school,
            mefstat11: None,
            terminal_mef: None,
            cfd: None,
            label: Some(label),
            code: folded,
            mode,
            capacity: Capacity::Unknown,
            applications: None,
            point,
            school_name: school_col.and_then(|c| row.opt(c)).map(str::to_owned),
            file: row.file.clone(),
            line: row.line,
        });
        report.accept(&row.file);
    }
    Ok(out)
}

/// Lowercase ASCII words joined by `-` (accents folded): a stable code made from a label.
pub(crate) fn slug(label: &str) -> String {
    let folded = super::locate::fold_accents(label);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.join("-")
}
