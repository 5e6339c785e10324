//! The Éducation nationale enrolment census (*constat de rentrée*, `constat_2020.csv`): pupils per
//! school (UAI) x MEFSTAT11 on census day, one year (`Rentrée scolaire`), every year of every
//! course of the lycées.
//!
//! Two things come out of it:
//!
//! - an offer's **enrolment**: the pupils of its own school and MEFSTAT11 (its year of entry).
//!   The census counts pupils (school status): it is joined to school-mode offers only, never to
//!   an apprenticeship offer that shares the school and code. Where a school offers both the first
//!   year of a course (`2381…`) and an entry in its second (`2382…`, première), the pupils of its
//!   first year mostly move up: they are the first offer's entrants, recorded on the second as
//!   [`Enrolment::continuing`] and not counted again. (Where the school offers only the première
//!   entry, its pupils come from a seconde commune of a family of trades or elsewhere: all are
//!   the première's entrants, and a seconde commune sends no graduates of its own, see
//!   [`gapmap_model::Intake::common_year`].)
//! - the **retention** of a kind of course in a region: a MEFSTAT11's first three characters are
//!   its *dispositif* (`238` bac pro in three years, `232` CAP in two, `322` BTS), the fourth its
//!   year of course. Retention from year `y` to the final year is the product, year after year, of
//!   the region's pupils in year `k + 1` over its pupils in year `k`, each step capped at 1 (pupils
//!   joining on the way, from a CAP or a general seconde, hide losses but never create them). The
//!   census is one snapshot: the ratio assumes cohorts of stable size.

use std::collections::{BTreeMap, HashMap, HashSet};

use gapmap_model::{
    Enrolment, MefStat11, Offer, RegionCode, Retention, SchoolCode, TrainingMode, Uai,
};

use super::sources::RegionScope;
use crate::{DataDir, ImportReport, IngestError, Table, layout};

/// The kind of course of a training unit (its MEFSTAT11 *dispositif*, the first three
/// characters: `238` bac pro in three years) and its year of course (the fourth, a digit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct CourseYear {
    dispositif: [u8; 3],
    year: u8,
}

impl CourseYear {
    /// The kind and year of course of `mef` (`None` when its fourth character is not a year).
    pub(crate) fn of(mef: MefStat11) -> Option<CourseYear> {
        let b = mef.as_str().as_bytes();
        let year = char::from(*b.get(3)?).to_digit(10).filter(|y| *y > 0)?;
        Some(CourseYear {
            dispositif: [*b.first()?, *b.get(1)?, *b.get(2)?],
            year: u8::try_from(year).ok()?,
        })
    }

    /// The year of course (1 for a first year).
    pub(crate) fn year(self) -> u8 {
        self.year
    }

    /// The dispositif as written (`238`).
    fn dispositif(self) -> String {
        self.dispositif.iter().map(|&c| char::from(c)).collect()
    }
}

/// A kind of course in a region.
type Kind = (Option<RegionCode>, [u8; 3]);

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
            census.pupils.insert(
                (uai, mef),
                Enrolment {
                    year,
                    pupils,
                    continuing: 0,
                },
            );
            if let Some(course) = CourseYear::of(mef) {
                let kind = (scope.territory.region_of(&departement), course.dispositif);
                let cell = census
                    .by_year
                    .entry(kind)
                    .or_default()
                    .entry(course.year)
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

    /// Marks the continuing pupils of the offers that enter a course after its first year
    /// beside an offer of the same school for the year before (Affelnet lists both for some
    /// specialties): the pupils the census counts in that earlier year are that offer's entrants.
    pub(crate) fn mark_continuing(&self, offers: &mut [Offer]) {
        let present: HashSet<(SchoolCode, MefStat11)> = offers
            .iter()
            .filter_map(|o| Some((o.school, o.mefstat11?)))
            .collect();
        for o in offers.iter_mut() {
            let (Some(mef), Some(uai)) = (o.mefstat11, o.school.uai()) else {
                continue;
            };
            let Some(earlier) = earlier_year(mef).filter(|m| present.contains(&(o.school, *m)))
            else {
                continue;
            };
            if let (Some(e), Some(before)) =
                (&mut o.intake.enrolment, self.pupils.get(&(uai, earlier)))
            {
                e.continuing = before.pupils.min(e.pupils);
            }
        }
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
        let course = CourseYear::of(mef?)?;
        let (entry, last) = (course.year, duration?);
        let years = self.by_year.get(&(region, course.dispositif))?;
        let census_year = years.get(&entry)?.0;
        let mut share = 1.0;
        let mut steps = Vec::new();
        for k in entry..last {
            let (&(_, here), &(_, next)) = (years.get(&k)?, years.get(&(k + 1))?);
            if here == 0 {
                return None;
            }
            let step = next as f64 / here as f64;
            share *= step.min(1.0);
            steps.push(format!(
                "{here} -> {next}: {step:.3}{}",
                if step > 1.0 { " (counted 1)" } else { "" }
            ));
        }
        let area = region.map_or_else(|| "France".to_owned(), |r| format!("region {r}"));
        Some(Retention {
            share,
            scope: format!(
                "census {census_year} {area} dispositif {} years {entry}->{last}, pupils year after year: {}",
                course.dispositif(),
                steps.join(", ")
            ),
        })
    }
}

/// The same course's MEFSTAT11 one year of course earlier (`23820025406` -> `23810025406`), for a
/// year after the first.
fn earlier_year(mef: MefStat11) -> Option<MefStat11> {
    let code = mef.as_str();
    let year = code.get(3..4)?.parse::<u8>().ok().filter(|y| *y > 1)?;
    format!("{}{}{}", code.get(..3)?, year - 1, code.get(4..)?)
        .parse()
        .ok()
}
