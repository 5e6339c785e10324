//! The Éducation nationale enrolment census (*constat de rentrée*, `constat_2020.csv`): pupils per
//! school (UAI) x MEFSTAT11 on census day, one year (`Rentrée scolaire`), every year of every
//! course of the lycées.
//!
//! Two things come out of it:
//!
//! - an offer's **enrolment**: the pupils of its own school and MEFSTAT11 (its year of entry).
//!   The census counts pupils (school status): it is joined to school-mode offers only, never to
//!   an apprenticeship offer that shares the school and code.
//! - the **retention** of a kind of course in a region: a MEFSTAT11's first three characters are
//!   its *dispositif* (`238` bac pro in three years, `232` CAP in two, `322` BTS), the fourth its
//!   year of course. Retention from year `y` to the final year is the product, year after year, of
//!   the region's pupils in year `k + 1` over its pupils in year `k`, each step capped at 1 (pupils
//!   joining on the way, from a CAP or a general seconde, hide losses but never create them). The
//!   census is one snapshot: the ratio assumes cohorts of stable size.

use std::collections::{BTreeMap, HashMap};

use gapmap_model::{Enrolment, MefStat11, RegionCode, Retention, SchoolCode, TrainingMode, Uai};

use super::sources::RegionScope;
use crate::{DataDir, ImportReport, IngestError, Table, layout};

/// A kind of course in a region: (region, dispositif).
type Kind = (Option<RegionCode>, String);

/// The census, as read.
#[derive(Default)]
pub(crate) struct Census {
    pupils: HashMap<(Uai, MefStat11), Enrolment>,
    /// Pupils per kind of course and year of course, with the census year.
    by_year: BTreeMap<Kind, BTreeMap<u8, (u16, u64)>>,
}

impl Census {
    /// Reads the census when the folder has it (else an empty census).
    pub(crate) fn read(
        data: &DataDir,
        scope: &RegionScope<'_>,
        report: &mut ImportReport,
    ) -> Result<Census, IngestError> {
        let mut census = Census::default();
        if !data.has(layout::offers::CENSUS) {
            return Ok(census);
        }
        let table = Table::open(data, layout::offers::CENSUS)?;
        report.file(&table.file).encoding = Some(table.encoding);
        let year_col = table.column(&["Rentrée scolaire"])?;
        let uai_col = table.column(&["UAI"])?;
        let mef_col = table.column(&["Mef Bcp 11", "MEF STAT 11", "mefstat11"])?;
        let pupils_col = table.column(&["Nombre d'élèves : Total", "Nombre d'élèves"])?;
        for row in table.rows() {
            let Some(row) = report.keep(row) else {
                continue;
            };
            let head = (|| {
                let uai: Uai = row.parse(uai_col, "UAI")?;
                let mef: MefStat11 = row.parse(mef_col, "Mef Bcp 11")?;
                let year: u16 = row.parse(year_col, "Rentrée scolaire")?;
                let pupils: u32 = row.parse(pupils_col, "Nombre d'élèves : Total")?;
                Ok((uai, mef, year, pupils))
            })();
            let Some((uai, mef, year, pupils)) = report.keep(head) else {
                continue;
            };
            let departement = uai.departement();
            if !scope.keeps(&departement) {
                report.outside_region(&row.file);
                continue;
            }
            if let Some(first) = census.pupils.get(&(uai, mef)) {
                report.reject(row.reject(
                    "Mef Bcp 11",
                    mef.as_str(),
                    &format!(
                        "school and course already counted ({} pupils in {}): this row is left out",
                        first.pupils, first.year
                    ),
                    true,
                ));
                continue;
            }
            report.accept(&row.file);
            census.pupils.insert((uai, mef), Enrolment { year, pupils });
            if let Some((dispositif, course_year)) = split(mef) {
                let kind = (scope.territory.region_of(&departement), dispositif);
                let cell = census
                    .by_year
                    .entry(kind)
                    .or_default()
                    .entry(course_year)
                    .or_insert((year, 0));
                cell.1 += u64::from(pupils);
            }
        }
        Ok(census)
    }

    /// The census enrolment of a school-mode offer at `school` with code `mef`.
    pub(crate) fn enrolment(
        &self,
        school: SchoolCode,
        mef: Option<MefStat11>,
        mode: TrainingMode,
    ) -> Option<Enrolment> {
        if mode != TrainingMode::School {
            return None;
        }
        self.pupils.get(&(school.uai()?, mef?)).copied()
    }

    /// The measured retention, in `region`, from the year of course of `mef` to the final year
    /// `duration` of its kind of course (school status).
    pub(crate) fn retention(
        &self,
        region: Option<RegionCode>,
        mef: Option<MefStat11>,
        duration: Option<u8>,
        mode: TrainingMode,
    ) -> Option<Retention> {
        if mode != TrainingMode::School {
            return None;
        }
        let (dispositif, entry) = split(mef?)?;
        let last = duration?;
        let years = self.by_year.get(&(region, dispositif.clone()))?;
        let (census_year, first) = *years.get(&entry)?;
        let mut share = 1.0;
        for k in entry..last {
            let (&(_, here), &(_, next)) = (years.get(&k)?, years.get(&(k + 1))?);
            if here == 0 {
                return None;
            }
            share *= (next as f64 / here as f64).min(1.0);
        }
        let (_, final_pupils) = *years.get(&last)?;
        let area = region.map_or_else(|| "France".to_owned(), |r| format!("region {r}"));
        Some(Retention {
            share,
            scope: format!(
                "census {census_year} {area} dispositif {dispositif} years {entry}->{last}: \
                 {first} -> {final_pupils} pupils, each year's step capped at 1"
            ),
        })
    }
}

/// The dispositif (first three characters) and year of course (fourth, a digit) of a MEFSTAT11.
fn split(mef: MefStat11) -> Option<(String, u8)> {
    let code = mef.as_str();
    let year = code.get(3..4)?.parse::<u8>().ok().filter(|y| *y > 0)?;
    Some((code.get(..3)?.to_owned(), year))
}
