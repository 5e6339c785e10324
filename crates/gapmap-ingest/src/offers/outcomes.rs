//! DEPP InserJeunes outcomes: per region x diploma (`ij_region_data.csv`) and per school
//! (`depp-2022-etablissements-*`).
//!
//! The region file has two region columns: `code_region` is the INSEE code (32 = Hauts-de-France)
//! and `code_region_ij` InserJeunes' own numbering (09 for it): `code_region` is used. School-mode
//! rows (`voie = scolaire`) give a `mefstat11` (of the final year), apprenticeship rows a `cfd`.
//! Several cohorts (`millesime`, e.g. `2022_2023`) are published: the latest one with a figure is
//! kept; the 24-month employment rate, published two cohorts later than the others, is the latest
//! cohort's that has one (the scope names it). Rates are published as percentages and stored as shares (0-1); `nd` and empty are unknown.

use std::collections::{BTreeMap, HashMap};

use gapmap_model::{
    Cfd, MefStat11, OutcomeBasis, Outcomes, Referential, RegionCode, SchoolCode, TrainingMode, Uai,
};

use super::census::CourseYear;
use crate::{DataDir, ImportReport, IngestError, Row, Table, layout};

/// What a region x diploma row is keyed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum DiplomaKey {
    Mef(MefStat11),
    Cfd(Cfd),
}

/// A school file's population.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SchoolScope {
    /// Apprenticeship file, or the pro file's `dont apprentis`.
    Apprentices,
    /// The pro file's `dont élèves en voie pro sco`.
    Pupils,
    /// The pro file's `ensemble`.
    All,
}

#[derive(Default)]
pub(crate) struct OutcomeIndex {
    region: BTreeMap<(RegionCode, TrainingMode, DiplomaKey), (String, Outcomes)>,
    /// The latest cohort with a 24-month employment rate, per key: InserJeunes publishes it two
    /// cohorts after the others.
    region_24: BTreeMap<(RegionCode, TrainingMode, DiplomaKey), (String, f64)>,
    schools: BTreeMap<(Uai, SchoolScope), Outcomes>,
    /// The BCN's training units by diploma, kind and year of course: where a renovated
    /// diploma's predecessor was counted.
    units: HashMap<(Cfd, CourseYear), MefStat11>,
}

/// A percentage field: empty or `nd` is unknown, else a share 0-1.
fn rate(row: &Row, column: usize, field: &str, report: &mut ImportReport) -> Option<f64> {
    let raw = row.get(column);
    if raw.is_empty() || raw.eq_ignore_ascii_case("nd") {
        return None;
    }
    match raw.replace(',', ".").parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Some(v / 100.0),
        _ => {
            report.reject(row.reject(field, raw, "expected a percentage 0-100 or nd", false));
            None
        }
    }
}

impl OutcomeIndex {
    /// Reads the outcome files present in the folder (each is optional).
    pub(crate) fn read(
        data: &DataDir,
        referential: &Referential,
        report: &mut ImportReport,
    ) -> Result<Self, IngestError> {
        let mut index = OutcomeIndex::default();
        for (&mef, unit) in &referential.mef_units {
            if let Some(course) = CourseYear::of(mef) {
                index.units.entry((unit.cfd, course)).or_insert(mef);
            }
        }
        if data.has(layout::outcomes::REGION) {
            index.read_region(data, referential, report)?;
        }
        for (standard, apprenticeship_file) in [
            (layout::outcomes::SCHOOLS_PRO, false),
            (layout::outcomes::SCHOOLS_APPRENTICESHIP, true),
        ] {
            if data.has(standard) {
                index.read_schools(data, standard, apprenticeship_file, report)?;
            }
        }
        Ok(index)
    }

    fn read_region(
        &mut self,
        data: &DataDir,
        referential: &Referential,
        report: &mut ImportReport,
    ) -> Result<(), IngestError> {
        let table = Table::open(data, layout::outcomes::REGION)?;
        report.file(&table.file).encoding = Some(table.encoding);
        let cohort_col = table.column(&["millesime"])?;
        let region_col = table.column(&["code_region"])?;
        let voie_col = table.column(&["voie"])?;
        let cfd_col = table.column(&["cfd"])?;
        let mef_col = table.column(&["mefstat11"])?;
        let employment_col = table.column(&["taux_emploi_6_mois"])?;
        let employment_12_col = table.find_column(&["taux_emploi_12_mois"]);
        let employment_24_col = table.find_column(&["taux_emploi_24_mois"]);
        let cohort_size_col = table.find_column(&["nb_annee_term"]);
        let study_col = table.column(&["taux_poursuite_etudes"])?;
        for row in table.rows() {
            let Some(row) = report.keep(row) else {
                continue;
            };
            let head = (|| {
                let region: RegionCode = row.parse(region_col, "code_region")?;
                let mode = match row.get(voie_col) {
                    "scolaire" => TrainingMode::School,
                    "apprentissage" => TrainingMode::Apprenticeship,
                    other => {
                        return Err(row.reject(
                            "voie",
                            other,
                            "expected scolaire or apprentissage",
                            true,
                        ));
                    }
                };
                let mef = row.parse_opt::<MefStat11>(mef_col, "mefstat11")?;
                let cfd = row.parse_opt::<Cfd>(cfd_col, "cfd")?;
                Ok((region, mode, mef, cfd))
            })();
            let (region, mode, mef, cfd) = match head {
                Ok(head) => head,
                Err(mut r) => {
                    r.row_dropped = true;
                    report.reject(r);
                    continue;
                }
            };
            let cohort = row.get(cohort_col).to_owned();
            let employment = rate(&row, employment_col, "taux_emploi_6_mois", report);
            let employment_12 =
                employment_12_col.and_then(|c| rate(&row, c, "taux_emploi_12_mois", report));
            let employment_24 =
                employment_24_col.and_then(|c| rate(&row, c, "taux_emploi_24_mois", report));
            let cohort_size = cohort_size_col.and_then(|c| {
                report
                    .keep(row.parse_opt::<u32>(c, "nb_annee_term"))
                    .flatten()
            });
            let study = rate(&row, study_col, "taux_poursuite_etudes", report);
            report.accept(&row.file);
            if employment.is_none() && study.is_none() {
                continue;
            }
            // A school-mode MEF also answers for its diploma.
            let cfd = cfd.or_else(|| {
                mef.and_then(|m| referential.mef_units.get(&m))
                    .map(|u| u.cfd)
            });
            let keys = [mef.map(DiplomaKey::Mef), cfd.map(DiplomaKey::Cfd)];
            for key in keys.into_iter().flatten() {
                if let Some(r) = employment_24 {
                    let latest = self
                        .region_24
                        .entry((region, mode, key))
                        .or_insert_with(|| (cohort.clone(), r));
                    if cohort > latest.0 {
                        *latest = (cohort.clone(), r);
                    }
                }
                let scope = match key {
                    DiplomaKey::Mef(m) => format!("region {region} mefstat11 {m} {cohort}"),
                    DiplomaKey::Cfd(c) => format!("region {region} cfd {c} {cohort}"),
                };
                let outcomes = Outcomes {
                    employment_rate_6m: employment,
                    employment_rate_12m: employment_12,
                    employment_rate_24m: employment_24,
                    further_study_rate: study,
                    cohort: cohort_size,
                    basis: OutcomeBasis::Diploma,
                    scope,
                };
                let entry = self.region.entry((region, mode, key));
                match entry {
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert((cohort.clone(), outcomes));
                    }
                    std::collections::btree_map::Entry::Occupied(mut o) => {
                        // Cohorts are written `2021_2022`: their order is the text order. For a
                        // diploma key reached by several MEFs of one cohort, the first row stays.
                        if cohort > o.get().0 {
                            o.insert((cohort.clone(), outcomes));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn read_schools(
        &mut self,
        data: &DataDir,
        standard: &str,
        apprenticeship_file: bool,
        report: &mut ImportReport,
    ) -> Result<(), IngestError> {
        let table = Table::open(data, standard)?;
        report.file(&table.file).encoding = Some(table.encoding);
        let uai_col = table.column(&["n°UAI de l'établissement"])?;
        let scope_col = table.find_column(&["Dont apprentis en EPLE"]);
        let study_col = table.column(&["Taux de poursuite d'études"])?;
        let employment_col = table.column(&["Taux"])?;
        let label = if apprenticeship_file {
            "apprentissage"
        } else {
            "pro"
        };
        for row in table.rows() {
            let Some(row) = report.keep(row) else {
                continue;
            };
            let Some(uai) = report.keep::<Uai>(row.parse(uai_col, "n°UAI de l'établissement"))
            else {
                continue;
            };
            let scope = match (apprenticeship_file, scope_col.map(|c| row.get(c))) {
                (true, _) => SchoolScope::Apprentices,
                (false, None | Some("ensemble")) => SchoolScope::All,
                (false, Some("dont apprentis")) => SchoolScope::Apprentices,
                (false, Some(s)) if s.starts_with("dont ") => SchoolScope::Pupils,
                (false, Some(other)) => {
                    report.reject(row.reject(
                        "Dont apprentis en EPLE",
                        other,
                        "unknown population",
                        true,
                    ));
                    continue;
                }
            };
            let employment = rate(&row, employment_col, "Taux", report);
            let study = rate(&row, study_col, "Taux de poursuite d'études", report);
            report.accept(&row.file);
            if employment.is_none() && study.is_none() {
                continue;
            }
            let scope_label = match scope {
                SchoolScope::Apprentices if !apprenticeship_file => "pro apprentis",
                SchoolScope::Pupils => "pro scolaires",
                _ => label,
            };
            let outcomes = Outcomes {
                employment_rate_6m: employment,
                employment_rate_12m: None,
                employment_rate_24m: None,
                further_study_rate: study,
                cohort: None,
                basis: OutcomeBasis::School,
                scope: format!("school {uai} 2022_2023 {scope_label}"),
            };
            // The apprenticeship file comes second and wins for apprentices.
            self.schools.insert((uai, scope), outcomes);
        }
        Ok(())
    }

    /// The region x diploma outcomes of a key: its latest cohort's, with the 24-month employment
    /// rate of the latest cohort that publishes one (named in the scope when older).
    fn region_outcomes(
        &self,
        region: RegionCode,
        mode: TrainingMode,
        key: DiplomaKey,
    ) -> Option<Outcomes> {
        let (cohort, o) = self.region.get(&(region, mode, key))?;
        let mut o = o.clone();
        if o.employment_rate_24m.is_none()
            && let Some((older, rate)) = self.region_24.get(&(region, mode, key))
        {
            o.employment_rate_24m = Some(*rate);
            if older != cohort {
                o.scope = format!("{} (24 months: {older})", o.scope);
            }
        }
        Some(o)
    }

    /// Outcomes for an offer: region x diploma first (its MEF, its final-year MEF, its diploma),
    /// then region x the diplomas its diploma renovated (see [`predecessors`]), else the school's
    /// figures for its population.
    pub(crate) fn find(
        &self,
        referential: &Referential,
        region: Option<RegionCode>,
        mode: TrainingMode,
        mefs: &[MefStat11],
        cfd: Option<Cfd>,
        school: SchoolCode,
    ) -> Option<Outcomes> {
        if let Some(region) = region {
            let keys = mefs
                .iter()
                .map(|m| DiplomaKey::Mef(*m))
                .chain(cfd.map(DiplomaKey::Cfd));
            for key in keys {
                if let Some(o) = self.region_outcomes(region, mode, key) {
                    return Some(o);
                }
            }
            for old in cfd.map_or_else(Vec::new, |c| predecessors(referential, c)) {
                // The old diploma's own code, or its units (in the BCN) in the offer's kinds and
                // years of course.
                let keys = mefs
                    .iter()
                    .filter_map(|m| self.units.get(&(old, CourseYear::of(*m)?)).copied())
                    .map(DiplomaKey::Mef)
                    .chain([DiplomaKey::Cfd(old)]);
                for key in keys {
                    if let Some(mut o) = self.region_outcomes(region, mode, key) {
                        o.basis = OutcomeBasis::Predecessor(old);
                        o.scope = format!(
                            "{}, renovated as {}",
                            o.scope,
                            cfd.map_or_else(String::new, |c| c.to_string())
                        );
                        return Some(o);
                    }
                }
            }
        }
        let scopes: &[SchoolScope] = match mode {
            TrainingMode::School => &[SchoolScope::Pupils, SchoolScope::All],
            TrainingMode::Apprenticeship => &[SchoolScope::Apprentices],
        };
        // School-level outcomes are published by UAI; an apprenticeship site has none.
        let uai = school.uai()?;
        scopes
            .iter()
            .find_map(|s| self.schools.get(&(uai, *s)).cloned())
    }
}

/// The diplomas `cfd` renovated, nearest first: its `ANCIEN_DIPLOME_n`, then theirs, up to
/// [`LINEAGE_DEPTH`] renovations back, each once.
pub(crate) fn predecessors(referential: &Referential, cfd: Cfd) -> Vec<Cfd> {
    let mut found: Vec<Cfd> = Vec::new();
    let mut frontier = vec![cfd];
    for _ in 0..LINEAGE_DEPTH {
        let mut next = Vec::new();
        for c in frontier {
            for &old in referential
                .diplomas
                .get(&c)
                .map_or(&[][..], |d| &d.predecessors)
            {
                if old != cfd && !found.contains(&old) {
                    found.push(old);
                    next.push(old);
                }
            }
        }
        frontier = next;
    }
    found
}

/// How many renovations back the outcomes of a diploma are looked for.
pub(crate) const LINEAGE_DEPTH: usize = 3;
