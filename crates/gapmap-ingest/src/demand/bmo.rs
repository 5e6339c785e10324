//! The BMO survey (France Travail, "Besoins en main-d'œuvre"): recruitment projects per BMO
//! occupation and employment area, turned into needs per ROME sheet.
//!
//! The BMO occupation code is a FAP 2021 code at the FAP228 level (`A0X41`; a FAP341 code such as
//! `A0X41a` is accepted too). The DARES crosswalk maps each parent ROME sheet at each
//! qualification level 0-9 to one FAP341; FAP341 rolls up to FAP228 through the FAP labels
//! table (or, when the referential lacks it, the code's first five characters, which is how FAP
//! codes are built).
//!
//! **Apportioning rule.** A line's projects are split over the ROME sheets linked to its
//! occupation, in proportion to the number of crosswalk rows (qualification levels) that link
//! each sheet to the occupation, with [`Volume::apportion`]: the parts add up to the published
//! count exactly. `xmet` (difficult) and `smet` (seasonal) are split with the same weights.
//! Sheets come in code order.
//!
//! A masked line (`*`) gives one masked need carrying all the occupation's sheets (a masked count
//! is small but unknown: it is never read as zero and never split). A line whose occupation maps
//! to no sheet gives one need with an empty ROME list, and the report says so once per
//! occupation (a [`Reject`] that keeps the line, at its first line). No line is dropped unless
//! its region, area or `met` value is unreadable (then with a [`Reject`]).

use std::collections::BTreeMap;

use gapmap_model::{
    BassinCode, Buyer, Count, FapCode, Need, NeedId, NeedLocation, Referential, RegionCode,
    RomeCode, SourceRef, Volume,
};

use super::sheet::{SheetRow, read_sheet};
use crate::layout::demand::{BMO, BMO_SHEET};
use crate::table::{cut, fold};
use crate::{DataDir, ImportReport, IngestError, Reject};

/// The BMO survey as read: its needs, and the employment areas its lines name.
#[derive(Clone, Debug, Default)]
pub struct BmoSurvey {
    /// One need per line and ROME sheet.
    pub needs: Vec<Need>,
    /// Each area of the lines read, as the survey codes and names it (`NOMBE24`), with its region
    /// and the position of its first line.
    pub areas: BTreeMap<BassinCode, SurveyArea>,
}

/// An employment area as the BMO survey names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyArea {
    /// Name (`BASSIN ILES DU NORD`); empty when the sheet has no name column.
    pub name: String,
    /// Region of its lines.
    pub region: RegionCode,
    /// The sheet's file name.
    pub file: String,
    /// First line naming it.
    pub line: u64,
}

/// Reads the BMO workbook of `data` (sheet `BMO_2024_open_data`, or another `BMO_<year>_open_data`).
pub(super) fn read_bmo(
    data: &DataDir,
    referential: &Referential,
    region: Option<RegionCode>,
    report: &mut ImportReport,
) -> Result<BmoSurvey, IngestError> {
    let file = data.file(BMO).to_owned();
    let rows = read_sheet(&data.path(BMO), &file, |names| {
        names
            .iter()
            .find(|n| n.as_str() == BMO_SHEET)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.starts_with("BMO_") && n.ends_with("_open_data"))
            })
            .cloned()
            .ok_or_else(|| {
                format!(
                    "no sheet {BMO_SHEET:?} (the workbook has: {})",
                    names.join(", ")
                )
            })
    })?;
    bmo_needs(&file, rows, referential, region, report)
}

/// Column positions in the BMO sheet.
struct Columns {
    code: usize,
    label: usize,
    region: usize,
    bassin: usize,
    bassin_name: Option<usize>,
    met: usize,
    xmet: Option<usize>,
    smet: Option<usize>,
    year: Option<usize>,
}

impl Columns {
    fn find(header: &SheetRow, file: &str) -> Result<Columns, IngestError> {
        let folded: Vec<String> = header.cells.iter().map(|h| fold(h)).collect();
        let optional = |names: &[&str]| {
            names.iter().find_map(|n| {
                let n = fold(n);
                folded.iter().position(|h| *h == n)
            })
        };
        let missing = |column: &str| IngestError::MissingColumn {
            file: file.to_owned(),
            column: column.to_owned(),
            found: cut(&header.cells.join(", "), 300),
        };
        let required = |names: &[&str]| optional(names).ok_or_else(|| missing(names[0]));
        // The area column is named after the survey's zoning year (`BE24` in 2024).
        let bassin = folded
            .iter()
            .position(|h| {
                h.len() == 4 && h.starts_with("be") && h[2..].bytes().all(|b| b.is_ascii_digit())
            })
            .ok_or_else(|| missing("BE24"))?;
        let bassin_name = folded.iter().position(|h| {
            h.len() == 7 && h.starts_with("nombe") && h[5..].bytes().all(|b| b.is_ascii_digit())
        });
        Ok(Columns {
            code: required(&["Code métier BMO"])?,
            label: required(&["Nom métier BMO"])?,
            region: required(&["REG"])?,
            bassin,
            bassin_name,
            met: required(&["met"])?,
            xmet: optional(&["xmet"]),
            smet: optional(&["smet"]),
            year: optional(&["annee"]),
        })
    }
}

/// FAP occupation -> parent ROME sheets with their weights (number of crosswalk rows).
pub(crate) struct FapRomeIndex {
    by_fap: BTreeMap<FapCode, Vec<(RomeCode, u64)>>,
}

impl FapRomeIndex {
    /// Builds the index from the DARES crosswalk, at both the FAP341 and the FAP228 level.
    pub(crate) fn new(referential: &Referential) -> FapRomeIndex {
        let mut counts: BTreeMap<FapCode, BTreeMap<RomeCode, u64>> = BTreeMap::new();
        for link in &referential.rome_fap {
            let fap228 = referential
                .fap
                .get(&link.fap341)
                .map(|occupation| occupation.fap228.clone())
                .or_else(|| link.fap341.fap228());
            *counts
                .entry(link.fap341.clone())
                .or_default()
                .entry(link.rome)
                .or_default() += 1;
            if let Some(fap228) = fap228.filter(|f| *f != link.fap341) {
                *counts
                    .entry(fap228)
                    .or_default()
                    .entry(link.rome)
                    .or_default() += 1;
            }
        }
        let by_fap = counts
            .into_iter()
            .map(|(fap, romes)| (fap, romes.into_iter().collect()))
            .collect();
        FapRomeIndex { by_fap }
    }

    /// The sheets of an occupation with their weights, in code order (empty if unknown).
    pub(crate) fn sheets(&self, fap: &FapCode) -> &[(RomeCode, u64)] {
        self.by_fap.get(fap).map_or(&[], Vec::as_slice)
    }
}

/// Turns the rows of the BMO sheet (header first) into needs.
pub(super) fn bmo_needs(
    file: &str,
    rows: Vec<SheetRow>,
    referential: &Referential,
    region: Option<RegionCode>,
    report: &mut ImportReport,
) -> Result<BmoSurvey, IngestError> {
    let mut rows = rows.into_iter().filter(|r| !r.is_blank());
    let header = rows.next().ok_or_else(|| IngestError::Format {
        file: file.to_owned(),
        line: 1,
        message: "empty sheet: expected a header row".to_owned(),
    })?;
    let columns = Columns::find(&header, file)?;
    let index = FapRomeIndex::new(referential);
    report.file(file);
    let mut needs = Vec::new();
    let mut areas = BTreeMap::new();
    let mut unmapped = std::collections::BTreeSet::new();
    for row in rows {
        let reject = |field: &str, reason: String, row_dropped: bool, column: usize| Reject {
            file: file.to_owned(),
            line: row.line,
            field: Some(field.to_owned()),
            value: cut(row.get(column), 80),
            reason,
            row_dropped,
        };
        let row_region = match row.get(columns.region).parse::<RegionCode>() {
            Ok(code) => code,
            Err(e) => {
                report.reject(reject("REG", e.to_string(), true, columns.region));
                continue;
            }
        };
        if region.is_some_and(|wanted| wanted != row_region) {
            report.outside_region(file);
            continue;
        }
        let bassin = match parse_bassin(row.get(columns.bassin)) {
            Ok(code) => code,
            Err(e) => {
                report.reject(reject("BE24", e, true, columns.bassin));
                continue;
            }
        };
        let projects = match parse_count(row.get(columns.met)) {
            Ok(count) => count,
            Err(e) => {
                report.reject(reject("met", e, true, columns.met));
                continue;
            }
        };
        let mut soft = Vec::new();
        let mut optional_count = |column: Option<usize>, field: &str| {
            let column = column?;
            parse_count(row.get(column))
                .map_err(|e| soft.push(reject(field, e, false, column)))
                .ok()
        };
        let difficult = optional_count(columns.xmet, "xmet");
        let seasonal = optional_count(columns.smet, "smet");
        let fap = match row.get(columns.code).parse::<FapCode>() {
            Ok(code) => Some(code),
            Err(e) => {
                soft.push(reject(
                    "Code métier BMO",
                    format!("{e}: kept without ROME sheets"),
                    false,
                    columns.code,
                ));
                None
            }
        };
        let year = match columns.year.map(|c| (c, row.get(c))) {
            None | Some((_, "")) => None,
            Some((column, text)) => match text.parse::<u16>() {
                Ok(year) => Some(year),
                Err(_) => {
                    soft.push(reject("annee", "expected a year".to_owned(), false, column));
                    None
                }
            },
        };
        areas.entry(bassin).or_insert_with(|| SurveyArea {
            name: columns
                .bassin_name
                .map_or("", |c| row.get(c))
                .trim()
                .to_owned(),
            region: row_region,
            file: file.to_owned(),
            line: row.line,
        });
        let sheets = fap.as_ref().map_or(&[][..], |f| index.sheets(f));
        if let Some(code) = fap.as_ref().filter(|_| sheets.is_empty()) {
            // Said once per occupation, at its first line, not on each of its lines.
            if unmapped.insert(code.clone()) {
                let reason = format!(
                    "occupation {code} maps to no ROME sheet in the DARES crosswalk: this line and the later ones of {code} are kept with an empty ROME list"
                );
                soft.push(reject("Code métier BMO", reason, false, columns.code));
            }
        }
        for r in soft {
            report.reject(r);
        }
        report.accept(file);
        let line = LineNeeds {
            prefix: year.map_or_else(|| "bmo".to_owned(), |y| format!("bmo{y}")),
            specialty: row.get(columns.label).to_owned(),
            bassin,
            year,
            fap,
            source: SourceRef {
                file: file.to_owned(),
                line: row.line,
            },
        };
        line.push_needs(sheets, projects, difficult, seasonal, &mut needs);
    }
    Ok(BmoSurvey { needs, areas })
}

/// What the needs of one BMO line share.
struct LineNeeds {
    prefix: String,
    specialty: String,
    bassin: BassinCode,
    year: Option<u16>,
    fap: Option<FapCode>,
    source: SourceRef,
}

impl LineNeeds {
    fn need(
        &self,
        id: String,
        rome: Vec<RomeCode>,
        volume: Count,
        difficult: Option<Count>,
        seasonal: Option<Count>,
    ) -> Need {
        Need {
            id: NeedId(id),
            buyer: Buyer::BmoSurvey,
            specialty: self.specialty.clone(),
            rome,
            competences: Vec::new(),
            min_level: None,
            location: NeedLocation::Bassin(self.bassin),
            volume,
            year: self.year,
            growth: None,
            until: None,
            tags: Vec::new(),
            fap: self.fap.clone(),
            difficult,
            seasonal,
            source: self.source.clone(),
        }
    }

    /// One need per sheet for a known count, else one need with every sheet (or none).
    fn push_needs(
        &self,
        sheets: &[(RomeCode, u64)],
        projects: Count,
        difficult: Option<Count>,
        seasonal: Option<Count>,
        needs: &mut Vec<Need>,
    ) {
        let line = self.source.line;
        match projects {
            Count::Known(volume) if !sheets.is_empty() => {
                let weights: Vec<u64> = sheets.iter().map(|&(_, w)| w).collect();
                let volumes = volume.apportion(&weights);
                let difficult = split(difficult, &weights);
                let seasonal = split(seasonal, &weights);
                for (i, &(rome, _)) in sheets.iter().enumerate() {
                    let id = format!("{}:{line}:{rome}", self.prefix);
                    needs.push(self.need(
                        id,
                        vec![rome],
                        Count::Known(volumes[i]),
                        difficult[i],
                        seasonal[i],
                    ));
                }
            }
            _ => {
                let rome = sheets.iter().map(|&(rome, _)| rome).collect();
                needs.push(self.need(
                    format!("{}:{line}", self.prefix),
                    rome,
                    projects,
                    difficult,
                    seasonal,
                ));
            }
        }
    }
}

/// Splits an optional count with `weights`: known counts apportioned, masked ones stay masked.
fn split(count: Option<Count>, weights: &[u64]) -> Vec<Option<Count>> {
    match count {
        Some(Count::Known(volume)) => volume
            .apportion(weights)
            .into_iter()
            .map(|v| Some(Count::Known(v)))
            .collect(),
        other => vec![other; weights.len()],
    }
}

/// A BMO count: `*` is masked, otherwise a whole number (stored as text or as a number).
fn parse_count(text: &str) -> Result<Count, String> {
    if text == "*" {
        return Ok(Count::Masked);
    }
    if text.is_empty() {
        return Err("empty count (expected a number or `*` for a masked count)".to_owned());
    }
    text.parse::<u64>()
        .map(|n| Count::Known(Volume::whole(n)))
        .map_err(|_| "expected a whole number or `*` for a masked count".to_owned())
}

/// An employment area code; overseas areas are published with 3 digits (`101`) and read as
/// `0101`.
fn parse_bassin(text: &str) -> Result<BassinCode, String> {
    let expected = || "expected an employment area code of 3 or 4 digits".to_owned();
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(expected());
    }
    format!("{text:0>4}")
        .parse::<BassinCode>()
        .map_err(|_| expected())
}
