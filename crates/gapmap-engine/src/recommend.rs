//! Recommendations on an engine: [`Engine::recommend`], the limits and cost files, and the
//! scenario file a recommendation is written as.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use gapmap_match::{
    Change, CostRates, Costs, GapTotals, Limits, MatchConfig, MatchOutcome, Place, RecommendInput,
    Recommendation, Request, Scenario, Strategy,
};
use gapmap_model::{Departement, EuropeanLevel, Need};

use crate::files::read;
use crate::{Engine, EngineError, WhatIf};

/// A recommendation with the scenario applied: the figures of [`Engine::what_if`] on it.
#[derive(Clone, Debug)]
pub struct Recommended {
    /// The actions, the scenario and the figures the search predicted.
    pub recommendation: Recommendation,
    /// The scenario applied and matched like any scenario.
    pub what_if: WhatIf,
    /// The direct gap totals of the applied scenario (equal to the prediction).
    pub applied: GapTotals,
}

impl Engine {
    /// Recommends openings and extensions for `needs` under `request`, from `base` (their match
    /// with `config`, [`Engine::gaps`]), then applies the recommendation as a scenario
    /// ([`Engine::what_if`]). See [`gapmap_match::recommend()`] for the candidates and the search.
    pub fn recommend(
        &self,
        needs: &[Need],
        config: &MatchConfig,
        base: &MatchOutcome,
        request: &Request,
    ) -> Result<Recommended, EngineError> {
        self.recommend_by(needs, config, base, request, Strategy::Greedy)
    }

    /// [`Engine::recommend`] with another strategy (the baselines it is compared with).
    pub fn recommend_by(
        &self,
        needs: &[Need],
        config: &MatchConfig,
        base: &MatchOutcome,
        request: &Request,
        strategy: Strategy,
    ) -> Result<Recommended, EngineError> {
        let d = self.dataset();
        let rules = self.supply_rules(config);
        let input = RecommendInput {
            referential: &d.referential,
            territory: &d.territory,
            offers: &d.offers,
            text: self.index(),
            config,
            rules: &rules,
        };
        let recommendation = gapmap_match::recommend(input, needs, base, request, strategy)?;
        let what_if = self.what_if(needs, config, base, &recommendation.scenario)?;
        let applied = direct_totals(&what_if.outcome, config);
        // The prediction is the scenario's figures by construction; a difference is a bug that
        // must not reach a planner as a figure.
        if applied.direct_gap != recommendation.after.direct_gap {
            return Err(EngineError::RecommendMismatch {
                predicted: recommendation.after.direct_gap.as_f64(),
                applied: applied.direct_gap.as_f64(),
            });
        }
        Ok(Recommended {
            recommendation,
            what_if,
            applied,
        })
    }
}

/// The direct gap of an outcome's needs, plain and weighted by buyer priority.
pub fn direct_totals(outcome: &MatchOutcome, config: &MatchConfig) -> GapTotals {
    let mut totals = GapTotals::default();
    for n in &outcome.needs {
        let gap = n.known_volume().saturating_sub(n.covered_direct);
        let weight = config
            .buyer_policy
            .weight(gapmap_match::BuyerClass::of(&n.buyer));
        totals.direct_gap += gap;
        totals.weighted_gap += gap.milli() as f64 * weight / gapmap_model::Volume::SCALE as f64;
    }
    totals
}

/// Reads a limits file (TOML, every key optional):
///
/// ```toml
/// departements = ["59", "62"]   # only schools of these départements
/// levels = "3-5"                # only courses of these levels
/// max_seats_per_school = 48     # seats added at one school, over all its actions
/// only_extensions = false       # no opening
/// course_seats = [12, 24]       # seats of an opened course: at least, at most
/// max_extension = 24            # seats added to one running course, at most
/// diplomas_per_need = 3         # diplomas tried per need
/// schools_per_diploma = 2       # schools tried per need and diploma
/// redeploy = 0                  # at most this many empty seats of courses whose entrants are
///                               # measured removed to fund the actions (the budget is then net)
/// ```
///
/// Errors name the file and the key.
pub fn read_limits(path: &Path) -> Result<Limits, EngineError> {
    let text = read(path)?;
    limits_from_toml(&text).map_err(|message| EngineError::Limits {
        path: path.to_owned(),
        message,
    })
}

/// A limits file's limits; an error says what is wrong.
///
/// ```
/// let limits = gapmap_engine::limits_from_toml("levels = \"3-4\"\nmax_seats_per_school = 30")?;
/// assert_eq!(limits.max_seats_per_school, Some(30));
/// assert!(gapmap_engine::limits_from_toml("levels = \"9\"").is_err());
/// # Ok::<(), String>(())
/// ```
pub fn limits_from_toml(text: &str) -> Result<Limits, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        departements: Option<Vec<String>>,
        levels: Option<String>,
        max_seats_per_school: Option<u32>,
        only_extensions: Option<bool>,
        course_seats: Option<Vec<u32>>,
        max_extension: Option<u32>,
        diplomas_per_need: Option<usize>,
        schools_per_diploma: Option<usize>,
        redeploy: Option<u32>,
    }
    let file: File = toml::from_str(text)
        .map_err(|e| format!("invalid limits: {}", e.to_string().trim_end()))?;
    let mut limits = Limits::default();
    for code in file.departements.unwrap_or_default() {
        let dep: Departement = code
            .parse()
            .map_err(|e| format!("departements: {code:?}: {e}"))?;
        limits.departements.push(dep);
    }
    if let Some(levels) = file.levels {
        limits.levels =
            Some(EuropeanLevel::parse_range(&levels).map_err(|e| format!("levels: {e}"))?);
    }
    limits.max_seats_per_school = file.max_seats_per_school;
    limits.only_extensions = file.only_extensions.unwrap_or(false);
    if let Some(seats) = file.course_seats {
        let &[min, max] = seats.as_slice() else {
            return Err(format!(
                "course_seats: {seats:?}: give two numbers, [least, most]"
            ));
        };
        if min == 0 || min > max {
            return Err(format!(
                "course_seats: [{min}, {max}]: give [least, most] with 1 <= least <= most"
            ));
        }
        limits.course_seats = (min, max);
    }
    if let Some(n) = file.max_extension {
        limits.max_extension = n;
    }
    if let Some(n) = file.diplomas_per_need {
        limits.diplomas_per_need = n;
    }
    if let Some(n) = file.schools_per_diploma {
        limits.schools_per_diploma = n;
    }
    limits.redeploy = file.redeploy.unwrap_or(0);
    Ok(limits)
}

/// Reads a cost file (TOML): `[default]` rates and `[domain.X]` rates of the courses whose first
/// ROME sheet is in grand domain `X` (a letter A to N); a table's missing keys take the
/// `[default]` table's, whose missing keys take the built-in assumptions
/// ([`CostRates::default`]).
///
/// ```toml
/// [default]
/// course_opening = 150000      # euros to open a course (equipment, works), once
/// seat_equipment = 2000        # euros of equipment per seat
/// teacher_fte = 60000          # euros a teacher FTE costs a year
/// seats_per_teacher_fte = 12   # seats one teacher FTE serves
///
/// [domain.H]                   # industry: heavier equipment
/// course_opening = 400000
/// ```
pub fn read_costs(path: &Path) -> Result<Costs, EngineError> {
    let text = read(path)?;
    costs_from_toml(&text).map_err(|message| EngineError::Costs {
        path: path.to_owned(),
        message,
    })
}

/// A cost file's costs; an error says what is wrong.
///
/// ```
/// let costs = gapmap_engine::costs_from_toml("[default]\nseat_equipment = 0\n[domain.H]\ncourse_opening = 1")?;
/// assert_eq!(costs.by_domain[&'H'].seat_equipment, 0);
/// assert!(!costs.assumed);
/// # Ok::<(), String>(())
/// ```
pub fn costs_from_toml(text: &str) -> Result<Costs, String> {
    #[derive(serde::Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct Rates {
        course_opening: Option<u64>,
        seat_equipment: Option<u64>,
        teacher_fte: Option<u64>,
        seats_per_teacher_fte: Option<u32>,
    }
    impl Rates {
        fn over(&self, base: CostRates) -> CostRates {
            CostRates {
                course_opening: self.course_opening.unwrap_or(base.course_opening),
                seat_equipment: self.seat_equipment.unwrap_or(base.seat_equipment),
                teacher_fte: self.teacher_fte.unwrap_or(base.teacher_fte),
                seats_per_teacher_fte: self
                    .seats_per_teacher_fte
                    .unwrap_or(base.seats_per_teacher_fte),
            }
        }
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        default: Rates,
        #[serde(default)]
        domain: BTreeMap<String, Rates>,
    }
    let file: File =
        toml::from_str(text).map_err(|e| format!("invalid costs: {}", e.to_string().trim_end()))?;
    let default = file.default.over(CostRates::default());
    let d = &file.default;
    let defaulted = [
        ("course_opening", d.course_opening.is_none()),
        ("seat_equipment", d.seat_equipment.is_none()),
        ("teacher_fte", d.teacher_fte.is_none()),
        ("seats_per_teacher_fte", d.seats_per_teacher_fte.is_none()),
    ]
    .into_iter()
    .filter(|(_, missing)| *missing)
    .map(|(key, _)| key.to_owned())
    .collect();
    let defaulted: Vec<String> = defaulted;
    // A file that gives no rate at all leaves every cost an assumption.
    let assumed = defaulted.len() == 4 && file.domain.is_empty();
    let mut costs = Costs {
        default,
        by_domain: BTreeMap::new(),
        assumed,
        defaulted,
    };
    for (key, rates) in &file.domain {
        let mut chars = key.chars();
        let letter = match (chars.next(), chars.next()) {
            (Some(c @ 'A'..='N'), None) => c,
            _ => {
                return Err(format!(
                    "[domain.{key}]: a ROME grand domain is one letter from A to N"
                ));
            }
        };
        costs.by_domain.insert(letter, rates.over(default));
    }
    let tables = std::iter::once(("default".to_owned(), default)).chain(
        costs
            .by_domain
            .iter()
            .map(|(k, r)| (format!("domain.{k}"), *r)),
    );
    for (name, r) in tables {
        if r.seats_per_teacher_fte == 0 {
            return Err(format!(
                "[{name}] seats_per_teacher_fte: must be at least 1"
            ));
        }
    }
    Ok(costs)
}

/// A scenario as a scenario file (TOML) that [`crate::read_scenario`] reads back to the same
/// scenario.
pub fn scenario_toml(scenario: &Scenario) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "name = {}", toml_string(&scenario.name));
    for change in &scenario.changes {
        out.push_str("\n[[change]]\n");
        match change {
            Change::Extend { offer, seats, year } => {
                let _ = writeln!(out, "kind = \"extend\"\noffer = {}", toml_string(&offer.0));
                let _ = writeln!(out, "seats = {seats}");
                if let Some(y) = year {
                    let _ = writeln!(out, "year = {y}");
                }
            }
            Change::Reduce { offer, seats } => {
                let _ = writeln!(out, "kind = \"reduce\"\noffer = {}", toml_string(&offer.0));
                let _ = writeln!(out, "seats = {seats}");
            }
            Change::Close { offer, year } => {
                let _ = writeln!(out, "kind = \"close\"\noffer = {}", toml_string(&offer.0));
                if let Some(y) = year {
                    let _ = writeln!(out, "year = {y}");
                }
            }
            Change::Open(open) => {
                let _ = writeln!(out, "kind = \"open\"\ncfd = \"{}\"", open.cfd);
                match &open.place {
                    Place::School(uai) => {
                        let _ = writeln!(out, "uai = \"{uai}\"");
                    }
                    Place::Commune(c) => {
                        let _ = writeln!(out, "commune = \"{c}\"");
                    }
                }
                let _ = writeln!(
                    out,
                    "seats = {}\nmode = \"{}\"",
                    open.seats,
                    open.mode.key()
                );
                if let Some(y) = open.year {
                    let _ = writeln!(out, "year = {y}");
                }
                if let Some(label) = &open.label {
                    let _ = writeln!(out, "label = {}", toml_string(label));
                }
                if let Some(l) = open.length {
                    let _ = writeln!(out, "length = {l}");
                }
            }
        }
    }
    out
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
