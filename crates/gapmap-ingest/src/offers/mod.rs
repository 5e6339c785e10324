//! Training offers: Affelnet and Parcoursup capacities joined to the BCN, Certif Info, school
//! directories, communes and InserJeunes outcomes.
//!
//! One offer per row of each source, never merged and never dropped for a failed join:
//! - **Affelnet lycée** (`attractivite_capacite_<year>.csv`): school x MEFSTAT11 x status (`ST`
//!   school, `AP` apprenticeship; the published files hold only `ST`). Every row is an offer,
//!   general "seconde" MEFs included. `999` seats is Affelnet's placeholder
//!   ([`Capacity::Placeholder`]), never 999 seats.
//! - **Parcoursup BTS** (`BTS_attractivite_capacite_<year>.csv`): school x MEFSTAT11 x status
//!   (`Scolaire`/`Apprentissage`), capacity, confirmed wishes; 2022-2023 also give the CFD, used
//!   when the BCN does not know the MEF.
//! - **Parcoursup course list** (`fr-esr-parcoursup.csv`): school, course label, GPS point; no
//!   code and no capacity ([`Capacity::Unknown`]); its year is not published and is written `0`.
//!   It overlaps the BTS capacities (a BTS course is in both): select sources accordingly.
//!
//! Joins: MEFSTAT11 -> BCN training unit (diploma CFD, duration) -> BCN diploma (label, level,
//! NSF) -> Certif Info certifications with that CFD (ROME codes, Formacodes, RNCP; level and NSF
//! when the BCN lacks them) and the apprenticeship kit (RNCP). A MEF unknown to the BCN keeps the
//! offer and records a field reject. The label is the course's own when the source has one, else
//! the BCN diploma's, else the BCN unit's, else `MEFSTAT11 <code>`. Location: see
//! [`locate`](self::locate); outcomes (with the renovated diplomas' lineage): see
//! [`outcomes`](self::outcomes); enrolment and retention (the census): see [`census`](self::census).
//!
//! Identifiers are `source:year:UAI:code:mode` ([`OfferId::new`]). Some files list the same
//! school x MEF x status twice (two sections with their own capacities, e.g. a "parcours
//! partenariat lycée militaire"): both rows are kept, the second gets the identifier suffixed
//! `#2` ([`OfferId::nth`]), and so on.
//!
//! With a region filter, rows of schools outside the region are skipped before any check and are
//! not counted in the report; a row whose UAI is invalid is rejected whatever the filter (its
//! region is unknown).

mod by_label;
mod census;
mod directory;
mod locate;
mod outcomes;
mod sources;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use gapmap_model::{
    Capacity, Certification, Cfd, GeoPoint, Intake, Location, MefStat11, Offer, OfferId,
    OfferSource, PastCapacity, Referential, RegionCode, SchoolCode, Territory, TrainingMode,
};

use crate::{DataDir, ImportReport, IngestError, Reject, layout};
use census::{Census, CourseYear};
use directory::Directory;
use locate::Locator;
use outcomes::OutcomeIndex;
use sources::{RawOffer, RegionScope};

/// Which offers to keep.
#[derive(Clone, Debug, Default)]
pub struct OfferFilter {
    /// Keep only offers in this region (by the UAI's département); `None` keeps all.
    pub region: Option<RegionCode>,
    /// Read every year of each source. By default (`false`) only the latest year present in the
    /// folder is read for each source, so that a course is not counted once per year.
    pub all_years: bool,
}

/// Reads and assembles the training offers of the sources present in the folder (a source with
/// no file is skipped). Directories and outcome files are optional: without them offers are
/// located by département and have no outcomes.
pub fn read_offers(
    data: &DataDir,
    referential: &Referential,
    territory: &Territory,
    filter: &OfferFilter,
    report: &mut ImportReport,
) -> Result<Vec<Offer>, IngestError> {
    let scope = RegionScope {
        region: filter.region,
        territory,
    };
    let mut raw: Vec<RawOffer> = Vec::new();
    for &(year, standard) in years(data, layout::offers::AFFELNET, filter.all_years) {
        raw.extend(sources::read_affelnet(
            data, standard, year, &scope, report,
        )?);
    }
    for &(year, standard) in years(data, layout::offers::PARCOURSUP_BTS, filter.all_years) {
        raw.extend(sources::read_parcoursup_bts(
            data, standard, year, &scope, report,
        )?);
    }
    let history = if filter.all_years {
        History::default()
    } else {
        History::read(data, &scope, report)
    };
    if data.has(layout::offers::PARCOURSUP) {
        raw.extend(sources::read_parcoursup(
            data,
            layout::offers::PARCOURSUP,
            &scope,
            report,
        )?);
    }
    let directory = Directory::read(data, report)?;
    let outcomes = OutcomeIndex::read(data, referential, report)?;
    let census = Census::read(data, &scope, report)?;
    let common_years = common_years(data, report)?;
    let mut hints = SchoolHints::default();
    for r in &raw {
        if let Some(point) = r.point {
            hints.points.entry(r.school).or_insert(point);
        }
        if let Some(name) = &r.school_name {
            hints.names.entry(r.school).or_insert_with(|| name.clone());
        }
    }
    let mut joiner = Joiner::new(referential, territory, directory, hints, outcomes, census);
    joiner.learn_codes(&raw);
    let mut seen: BTreeMap<OfferId, u32> = BTreeMap::new();
    let mut offers = Vec::with_capacity(raw.len());
    for r in raw {
        let (mut offer, rejects) = joiner.assemble(r);
        for reject in rejects {
            report.reject(reject);
        }
        let n = seen.entry(offer.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            offer.id = offer.id.nth(*n);
        }
        offer.intake.history = history.of(&offer, *n);
        offers.push(offer);
    }
    joiner.census.mark_continuing(&mut offers);
    for o in &mut offers {
        o.intake.common_year = o.cfd.is_some_and(|c| common_years.contains(&c));
    }
    Ok(offers)
}

/// The diplomas of the secondes communes of the families of trades (`CFD_COMMUN` of BCN
/// `familleMetiers`; none without the file).
fn common_years(data: &DataDir, report: &mut ImportReport) -> Result<BTreeSet<Cfd>, IngestError> {
    let mut common = BTreeSet::new();
    if !data.has(layout::bcn::FAMILIES) {
        return Ok(common);
    }
    let table = crate::Table::open(data, layout::bcn::FAMILIES)?;
    report.file(&table.file).encoding = Some(table.encoding);
    let column = table.column(&["CFD_COMMUN"])?;
    for row in table.rows() {
        let Some(row) = report.keep(row) else {
            continue;
        };
        if let Some(cfd) = report.keep(row.parse::<Cfd>(column, "CFD_COMMUN")) {
            report.accept(&row.file);
            common.insert(cfd);
        }
    }
    Ok(common)
}

/// The capacities the courses published in the years before the latest of their source, by
/// (source, school, code, mode), each year's rows in file order: the n-th row of a course in an
/// earlier year is the past of its n-th row in the latest year (as their identifiers number them).
#[derive(Default)]
struct History {
    rows: BTreeMap<CourseKey, BTreeMap<u16, Vec<Capacity>>>,
}

/// A course across the years of its source: source, school, code, mode.
type CourseKey = (OfferSource, SchoolCode, String, TrainingMode);

impl History {
    /// Reads the earlier years of Affelnet and Parcoursup BTS (their rows count in the report as
    /// read for the history). A file that cannot be read (a missing column) leaves its year out
    /// of the history, with a reject that says so: the offers of the latest year do not depend
    /// on it.
    fn read(
        data: &DataDir,
        scope: &sources::RegionScope<'_>,
        report: &mut ImportReport,
    ) -> History {
        let mut history = History::default();
        let files = earlier(data, layout::offers::AFFELNET)
            .into_iter()
            .map(|f| (OfferSource::Affelnet, f))
            .chain(
                earlier(data, layout::offers::PARCOURSUP_BTS)
                    .into_iter()
                    .map(|f| (OfferSource::ParcoursupBts, f)),
            );
        for (source, &(year, standard)) in files {
            let read = match source {
                OfferSource::Affelnet => {
                    sources::read_affelnet(data, standard, year, scope, report)
                }
                _ => sources::read_parcoursup_bts(data, standard, year, scope, report),
            };
            match read {
                Ok(raw) => history.add(raw),
                Err(e) => report.reject(Reject {
                    file: data.file(standard).to_owned(),
                    line: 1,
                    field: None,
                    value: String::new(),
                    reason: format!(
                        "earlier year not read, the offers have no seats history for {year}: {e}"
                    ),
                    row_dropped: false,
                }),
            }
        }
        history
    }

    fn add(&mut self, raw: Vec<RawOffer>) {
        for r in raw {
            self.rows
                .entry((r.source, r.school, r.code, r.mode))
                .or_default()
                .entry(r.year)
                .or_default()
                .push(r.capacity);
        }
    }

    /// The past capacities of the `n`-th (1-based) offer of its identifier, oldest first.
    fn of(&self, offer: &Offer, n: u32) -> Vec<PastCapacity> {
        let Some(code) = offer.mefstat11.map(|m| m.to_string()) else {
            return Vec::new();
        };
        let key = (offer.source, offer.school, code, offer.mode);
        let Some(years) = self.rows.get(&key) else {
            return Vec::new();
        };
        years
            .iter()
            .filter(|&(&year, _)| year < offer.year)
            .filter_map(|(&year, rows)| {
                let capacity = *rows.get(n as usize - 1)?;
                Some(PastCapacity { year, capacity })
            })
            .collect()
    }
}

/// The present files of a source before its latest present one.
fn earlier<'a>(data: &DataDir, files: &'a [(u16, &'a str)]) -> Vec<&'a (u16, &'a str)> {
    let mut present: Vec<&(u16, &str)> = files.iter().filter(|f| data.has(f.1)).collect();
    present.pop();
    present
}

/// The years of a source to read: those whose file is present, all or only the latest.
fn years<'a>(data: &DataDir, files: &'a [(u16, &'a str)], all: bool) -> &'a [(u16, &'a str)] {
    let present: Vec<usize> = (0..files.len()).filter(|&i| data.has(files[i].1)).collect();
    match (present.first(), present.last()) {
        (Some(&first), Some(&last)) if all => &files[first..=last],
        (_, Some(&last)) => &files[last..=last],
        _ => &[],
    }
}

/// What the Parcoursup course list tells of schools that other sources name only by UAI: a
/// course point (to locate a school in no directory) and the school's name.
#[derive(Default)]
struct SchoolHints {
    points: BTreeMap<SchoolCode, GeoPoint>,
    names: BTreeMap<SchoolCode, String>,
}

/// The joins of an offer to the referential, the directories, the territory and the outcomes.
struct Joiner<'a> {
    referential: &'a Referential,
    certifications: BTreeMap<Cfd, Vec<&'a Certification>>,
    /// The final-year units of each diploma, where the outcomes of a school course are counted.
    final_year_mefs: BTreeMap<Cfd, Vec<MefStat11>>,
    directory: Directory,
    /// What the Parcoursup course list tells of schools.
    hints: SchoolHints,
    /// Diplomas by label, for codes the BCN does not know yet.
    by_label: by_label::ByLabel,
    /// Certifications by label, for the courses of the course list.
    by_course: by_label::ByCourse<'a>,
    /// The diploma of each code unknown to the BCN that its rows found by label, when they agree
    /// (`None` when they name several).
    learned: BTreeMap<MefStat11, Option<Cfd>>,
    /// Locations already found, by school.
    locations: RefCell<BTreeMap<SchoolCode, Location>>,
    locator: Locator<'a>,
    outcomes: OutcomeIndex,
    census: Census,
}

impl<'a> Joiner<'a> {
    fn new(
        referential: &'a Referential,
        territory: &'a Territory,
        directory: Directory,
        hints: SchoolHints,
        outcomes: OutcomeIndex,
        census: Census,
    ) -> Self {
        let mut certifications: BTreeMap<Cfd, Vec<&Certification>> = BTreeMap::new();
        for c in &referential.certifications {
            if let Some(cfd) = c.cfd {
                certifications.entry(cfd).or_default().push(c);
            }
        }
        let mut final_year_mefs: BTreeMap<Cfd, Vec<MefStat11>> = BTreeMap::new();
        for u in referential.mef_units.values() {
            if let (Some(mef), Some(year), Some(duration)) =
                (u.mefstat11, u.year_of_course, u.duration_years)
                && year == duration
            {
                final_year_mefs.entry(u.cfd).or_default().push(mef);
            }
        }
        Joiner {
            by_label: by_label::ByLabel::new(referential),
            by_course: by_label::ByCourse::new(referential),
            learned: BTreeMap::new(),
            referential,
            certifications,
            final_year_mefs,
            directory,
            hints,
            locations: RefCell::default(),
            locator: Locator::new(territory),
            outcomes,
            census,
        }
    }

    /// Learns, for each MEFSTAT11 unknown to the BCN, the diploma its rows' labels name when they
    /// all name the same one, so that a row whose own label names none (an option the BCN does
    /// not list) takes its code's diploma.
    fn learn_codes(&mut self, raw: &[RawOffer]) {
        for r in raw {
            let Some(mef) = r.mefstat11 else { continue };
            if r.cfd.is_some() || self.referential.mef_units.contains_key(&mef) {
                continue;
            }
            let Some(Ok(cfd)) = r.label.as_deref().map(|l| self.by_label.find(l, r.year)) else {
                continue;
            };
            self.learned
                .entry(mef)
                .and_modify(|known| {
                    if *known != Some(cfd) {
                        *known = None;
                    }
                })
                .or_insert(Some(cfd));
        }
    }

    /// Builds the offer of a row, with the field rejects of failed joins.
    fn assemble(&self, raw: RawOffer) -> (Offer, Vec<Reject>) {
        let mut rejects = Vec::new();
        let unit = raw
            .mefstat11
            .and_then(|m| self.referential.mef_units.get(&m));
        let mut by_label = None;
        if let (Some(mef), None) = (raw.mefstat11, unit) {
            let reason = match (raw.cfd, &raw.label) {
                (Some(_), _) => "unknown to the BCN (nMef): the source's CFD is used".to_owned(),
                (None, Some(label)) => match self.by_label.find(label, raw.year) {
                    Ok(cfd) => {
                        by_label = Some(cfd);
                        format!("unknown to the BCN (nMef): diploma {cfd} found by its label")
                    }
                    Err(why) => match self.learned.get(&mef) {
                        Some(&Some(cfd)) => {
                            by_label = Some(cfd);
                            format!(
                                "unknown to the BCN (nMef), and {why}: diploma {cfd}, found by the labels of the other rows of the same code"
                            )
                        }
                        _ => format!(
                            "unknown to the BCN (nMef), and {why}: no diploma, level or ROME codes"
                        ),
                    },
                },
                (None, None) => {
                    "unknown to the BCN (nMef): no diploma, level or ROME codes".to_owned()
                }
            };
            rejects.push(field_reject(&raw, "MEFSTAT11", mef.as_str(), &reason));
        }
        let cfd = unit.map(|u| u.cfd).or(raw.cfd).or(by_label);
        let diploma = cfd.and_then(|c| self.referential.diplomas.get(&c));
        let mut certifications: Vec<&Certification> = cfd
            .and_then(|c| self.certifications.get(&c))
            .map_or_else(Vec::new, Clone::clone);
        let mut course_rome = None;
        if raw.source == OfferSource::Parcoursup
            && let Some(label) = &raw.label
        {
            match self.by_course.find(label) {
                Ok(course) => {
                    let ids: Vec<String> = course
                        .certifications
                        .iter()
                        .map(|c| c.certif_info_id.to_string())
                        .collect();
                    rejects.push(field_reject(
                        &raw,
                        "Filiere de formation",
                        label,
                        &format!(
                            "no code: ROME codes {} by label, from Certif Info {}",
                            course
                                .rome
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(" "),
                            ids.join(" ")
                        ),
                    ));
                    certifications = course.certifications;
                    course_rome = Some(course.rome);
                }
                Err(by_label::NoCourse::OtherKind) => {}
                Err(why) => rejects.push(field_reject(
                    &raw,
                    "Filiere de formation",
                    label,
                    &format!("no code, and {}: no ROME codes", why.reason()),
                )),
            }
        }
        let mut rome = Vec::new();
        let mut formacodes = Vec::new();
        let mut rncp = BTreeSet::new();
        for c in &certifications {
            for code in &c.rome {
                let taken = course_rome
                    .as_ref()
                    .is_none_or(|codes| codes.contains(code));
                if taken && !rome.contains(code) {
                    rome.push(*code);
                }
            }
            for code in &c.formacodes {
                if !formacodes.contains(code) {
                    formacodes.push(*code);
                }
            }
            rncp.extend(c.rncp);
        }
        if let Some(codes) = cfd.and_then(|c| self.referential.cfd_rncp.get(&c)) {
            rncp.extend(codes.iter().copied());
        }
        let label = raw
            .label
            .clone()
            .or_else(|| diploma.map(|d| d.label.clone()))
            .or_else(|| unit.map(|u| u.label.clone()))
            .or_else(|| raw.mefstat11.map(|m| format!("MEFSTAT11 {m}")))
            .unwrap_or_else(|| raw.code.clone());
        let school = raw
            .school
            .uai()
            .and_then(|uai| self.directory.schools.get(&uai));
        let locate = || {
            let hint = self.hints.points.get(&raw.school).copied();
            self.locator
                .locate(raw.school.departement(), school, raw.point, hint)
        };
        // Schools have many offers: a location without the offer's own point is the school's.
        let location = match raw.point {
            Some(_) => locate(),
            None => self
                .locations
                .borrow_mut()
                .entry(raw.school)
                .or_insert_with(locate)
                .clone(),
        };
        let mut mefs: Vec<_> = raw.mefstat11.into_iter().chain(raw.terminal_mef).collect();
        if let Some(last) = cfd.and_then(|c| self.final_year_mefs.get(&c)) {
            mefs.extend(last.iter().copied());
        }
        let outcomes = self.outcomes.find(
            self.referential,
            location.region,
            raw.mode,
            &mefs,
            cfd,
            raw.school,
        );
        let duration_years = unit.and_then(|u| u.duration_years);
        let intake = Intake {
            enrolment: self.census.enrolment(raw.school, raw.mefstat11, raw.mode),
            retention: self.census.retention(
                location.region,
                raw.mefstat11,
                duration_years,
                raw.mode,
            ),
            added_seats: 0,
            entry_year: raw.mefstat11.and_then(CourseYear::of).map(CourseYear::year),
            common_year: false,
            history: Vec::new(),
            added_from: None,
            closed_from: None,
        };
        let offer = Offer {
            id: OfferId::new(raw.source, raw.year, raw.school, &raw.code, raw.mode),
            source: raw.source,
            year: raw.year,
            school: raw.school,
            school_name: school
                .and_then(|s| s.name.clone())
                .or(raw.school_name)
                .or_else(|| self.hints.names.get(&raw.school).cloned()),
            location,
            label,
            cfd,
            mefstat11: raw.mefstat11,
            rncp: rncp.into_iter().collect(),
            level: diploma
                .and_then(|d| d.level)
                .or_else(|| certifications.iter().find_map(|c| c.level)),
            nsf: diploma
                .and_then(|d| d.nsf)
                .or_else(|| certifications.iter().find_map(|c| c.nsf)),
            formacodes,
            rome,
            mode: raw.mode,
            duration_years,
            capacity: raw.capacity,
            applications: raw.applications,
            intake,
            outcomes,
        };
        (offer, rejects)
    }
}

fn field_reject(raw: &RawOffer, field: &str, value: &str, reason: &str) -> Reject {
    Reject {
        file: raw.file.clone(),
        line: raw.line,
        field: Some(field.to_owned()),
        value: value.to_owned(),
        reason: reason.to_owned(),
        row_dropped: false,
    }
}

/// Figures about a set of offers, for reports and checks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OfferSummary {
    /// Offers by source key and year.
    pub by_source: BTreeMap<(OfferSource, u16), usize>,
    /// Total known seats ([`Capacity::Seats`]).
    pub seats: u64,
    /// Offers whose capacity is a placeholder (Affelnet `999`).
    pub placeholders: usize,
    /// Offers with no capacity.
    pub unknown_capacity: usize,
    /// Offers by location precision key (`point`, `commune`, `postcode`, `departement`).
    pub by_precision: BTreeMap<&'static str, usize>,
    /// Offers with at least one ROME code.
    pub with_rome: usize,
    /// Offers with outcomes.
    pub with_outcomes: usize,
    /// Offers whose identifier got a `#n` suffix (a repeated row).
    pub repeated: usize,
}

impl OfferSummary {
    /// Counts `offers`.
    pub fn of(offers: &[Offer]) -> OfferSummary {
        let mut s = OfferSummary::default();
        for o in offers {
            *s.by_source.entry((o.source, o.year)).or_insert(0) += 1;
            match o.capacity {
                Capacity::Seats(n) | Capacity::Declared(n) => s.seats += u64::from(n),
                Capacity::Placeholder(_) => s.placeholders += 1,
                Capacity::Unknown => s.unknown_capacity += 1,
            }
            *s.by_precision
                .entry(o.location.precision.key())
                .or_insert(0) += 1;
            s.with_rome += usize::from(!o.rome.is_empty());
            s.with_outcomes += usize::from(o.outcomes.is_some());
            s.repeated += usize::from(o.id.as_str().contains('#'));
        }
        s
    }
}

#[cfg(test)]
mod tests;
