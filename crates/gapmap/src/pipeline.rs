//! The steps shared by `gaps`, `explain`, `report` and `search`, over [`gapmap_engine::Engine`]:
//! choose the data (store or folder) from the arguments, read the needs, the configuration and
//! the scenario named on the command line, and show each long step.

use anyhow::{Context, bail};
use gapmap_engine::{Engine, ImportOptions, Steps};
use gapmap_ingest::ImportReport;
use gapmap_match::{Horizon, HorizonOutcome, MatchConfig, MatchOutcome, Matcher, Scenario};
use gapmap_model::Need;

use crate::cli::{MatchArgs, SourceArgs};
use crate::config;
use crate::progress::Progress;

impl Steps for Progress {
    fn step<T>(&self, label: &str, work: impl FnOnce() -> T) -> T {
        Progress::step(self, label, work)
    }

    fn note(&self, message: &str) {
        crate::say!("gapmap: {message}");
    }
}

/// The data a command works on.
pub struct Loaded {
    /// The data, its index and where they came from.
    pub engine: Engine,
    /// Where the data came from, for outputs.
    pub source_label: String,
    /// Whether the data is the project's demo.
    pub is_demo: bool,
}

/// Whether a data folder's description says its data are illustrative (the demo's does).
pub fn is_illustrative(description: &str) -> bool {
    description.to_lowercase().contains("illustrative")
}

/// Opens `--store`, or imports `--data` (default: `$GAPMAP_DATA`, else the demo) in memory.
pub fn load(source: &SourceArgs, progress: &Progress) -> anyhow::Result<Loaded> {
    if let Some(dir) = &source.store {
        let engine = Engine::open_with(dir, progress)?;
        // The region was chosen at import: another would be silently ignored.
        if let Some(arg) = &source.region {
            let asked = config::region(arg)?;
            if asked != engine.region() {
                let held = engine.region().map_or("all".to_owned(), |r| r.to_string());
                bail!(
                    "--region {arg}: store {} holds region {held} (chosen at import); import the region asked (`gapmap import --region {arg}`) or leave --region out",
                    dir.display()
                );
            }
        }
        let is_demo = engine.note().is_some_and(is_illustrative);
        return Ok(Loaded {
            engine,
            source_label: format!("store {}", dir.display()),
            is_demo,
        });
    }
    let data = config::data_dir(source.data.as_deref())?;
    let region = config::region(source.region.as_deref().unwrap_or("32"))?;
    let options = ImportOptions {
        region,
        ..ImportOptions::default()
    };
    let engine = Engine::import_with(&data.dir, &options, progress)
        .with_context(|| format!("importing {}", data.dir.display()))?;
    Ok(Loaded {
        engine,
        source_label: format!("data {}", data.dir.display()),
        is_demo: data.is_demo,
    })
}

/// The needs a command matches: the needs files (default: the project's Ministry plan) plus, with
/// `--bmo`, the survey's lines of the loaded data (a plan horizon, `--years`, takes each need in
/// the years its rule gives). Rejected rows of needs files are returned with them.
pub fn needs(matching: &MatchArgs, loaded: &Loaded) -> anyhow::Result<(Vec<Need>, ImportReport)> {
    let mut files = matching.needs.clone();
    if files.is_empty() && !matching.no_default_needs {
        files.push(config::default_needs_file());
    }
    let mut report = ImportReport::default();
    let mut needs = Vec::new();
    for file in &files {
        // The reader's errors name the file (and the line and field).
        let read = loaded.engine.needs_from_file(file)?;
        needs.extend(read.needs);
        report.merge(read.report);
    }
    if matching.bmo {
        needs.extend(loaded.engine.survey_needs().iter().cloned());
    }
    if needs.is_empty() && !report.rejects.is_empty() {
        // Every row was refused: the reasons, not a hint about arguments.
        let shown: Vec<String> = report
            .rejects
            .iter()
            .take(20)
            .map(|r| format!("  {r}"))
            .collect();
        let more = report.rejects.len().saturating_sub(shown.len());
        bail!(
            "no needs to match: every row of the needs files was refused:\n{}{}",
            shown.join("\n"),
            if more > 0 {
                format!("\n  ({more} more)")
            } else {
                String::new()
            }
        );
    }
    if needs.is_empty() {
        bail!("no needs to match: give --needs FILE or --bmo");
    }
    Ok((needs, report))
}

/// Refuses needs whose dated lines (for their year only) are for several years: their volumes
/// are not one year's demand; `--years` compares each year's.
fn one_year(needs: &[Need], config: &MatchConfig) -> anyhow::Result<()> {
    let years = gapmap_match::horizon::dated_years(needs, config);
    if let [first, .., last] = years.as_slice() {
        let list: Vec<String> = years.iter().map(u16::to_string).collect();
        bail!(
            "the needs are for several years ({}): give --years {first}-{last} to follow them year by year, or --years YEAR for one of them",
            list.join(", ")
        );
    }
    Ok(())
}

/// Everything a matching command works on: the data and its index, the needs, the configuration
/// and the scenario's offers, if any.
pub struct Prepared {
    /// The loaded data.
    pub loaded: Loaded,
    /// The needs to match (over a plan horizon, each in the years its rule gives).
    pub needs: Vec<Need>,
    /// The needs of the one-year figures (the steady state: every offer's graduates of its
    /// published seats): without a horizon, the needs; with one, those of its first year with
    /// their volume of that year.
    pub steady_needs: Vec<Need>,
    /// The matching configuration.
    pub config: MatchConfig,
    /// The configuration as given, for reports.
    pub config_text: String,
    /// The scenario with the offers it gives.
    pub scenario: Option<(Scenario, Vec<gapmap_model::Offer>)>,
    /// The plan years, when given.
    pub horizon: Option<Horizon>,
}

/// Loads the data, its index, the needs, the configuration and the scenario.
pub fn prepare(
    source: &SourceArgs,
    matching: &MatchArgs,
    progress: &Progress,
) -> anyhow::Result<Prepared> {
    let mut loaded = load(source, progress)?;
    if let Some(path) = &matching.capacities {
        loaded.engine.declare_capacities(path)?;
        for d in loaded.engine.declared() {
            if let Some(published) = d.replaces_published() {
                crate::say!(
                    "gapmap: warning: {}:{}: offer {} publishes {published} seats: the file's {} replace them",
                    d.line.file,
                    d.line.line,
                    d.line.offer,
                    d.line.seats
                );
            }
        }
    }
    let (config, config_text) = gapmap_engine::read_match_config(matching.config.as_deref())?;
    let (needs, needs_report) = self::needs(matching, &loaded)?;
    if matching.years.is_some()
        && let Some(o) =
            gapmap_match::horizon::course_in_several_years(&loaded.engine.dataset().offers)
    {
        bail!(
            "the data hold the course of offer {} for several intake years (imported with --all-years?): over --years each copy would supply every year; import the latest year (the default), which reads the earlier years' seats as history",
            o.id
        );
    }
    let steady_needs = match matching.years {
        Some(horizon) => needs
            .iter()
            .filter_map(|n| gapmap_match::horizon::need_in(n, horizon.first(), &config))
            .collect(),
        None => {
            one_year(&needs, &config)?;
            needs.clone()
        }
    };
    for r in &needs_report.rejects {
        crate::say!("gapmap: warning: {r}");
    }
    let scenario = match &matching.scenario {
        Some(path) => {
            let scenario = gapmap_engine::read_scenario(path)?;
            let offers = loaded
                .engine
                .apply(&scenario)
                .with_context(|| format!("applying scenario {}", path.display()))?;
            Some((scenario, offers))
        }
        None => None,
    };
    Ok(Prepared {
        loaded,
        needs,
        config,
        config_text,
        scenario,
        horizon: matching.years,
        steady_needs,
    })
}

impl Prepared {
    /// A matcher over `offers` (the loaded ones, or a scenario's).
    pub fn matcher<'a>(
        &'a self,
        offers: &'a [gapmap_model::Offer],
        progress: &Progress,
    ) -> Matcher<'a> {
        progress.step("compile the training map", || {
            self.loaded.engine.matcher_over(offers, &self.config)
        })
    }

    /// The offers the command matches: the scenario's when there is one, else the loaded ones.
    pub fn offers(&self) -> &[gapmap_model::Offer] {
        match &self.scenario {
            Some((_, offers)) => offers,
            None => &self.loaded.engine.dataset().offers,
        }
    }

    /// The offers of the scenario applied over time (closed offers kept with the intake year they
    /// close for), if there is a scenario.
    pub fn scenario_over_time(
        &self,
        horizon: Horizon,
    ) -> anyhow::Result<Option<Vec<gapmap_model::Offer>>> {
        let Some((scenario, _)) = &self.scenario else {
            return Ok(None);
        };
        let offers = self
            .loaded
            .engine
            .apply_over_time(scenario, horizon.first())
            .with_context(|| format!("applying scenario {:?} over time", scenario.name))?;
        Ok(Some(offers))
    }

    /// Matches the needs with `matcher` year by year over `horizon`.
    pub fn run_over(
        &self,
        matcher: &Matcher<'_>,
        horizon: Horizon,
        progress: &Progress,
    ) -> HorizonOutcome {
        progress.step("match year by year", || {
            matcher.run_horizon(&self.needs, horizon)
        })
    }

    /// Matches the needs with `matcher`.
    pub fn run(&self, matcher: &Matcher<'_>, progress: &Progress) -> MatchOutcome {
        progress.step("match", || matcher.run(&self.steady_needs))
    }

    /// Matches the needs again with `matcher` (over the scenario's offers), reusing `base`, the
    /// outcome over the loaded offers (see [`Matcher::rerun`]).
    pub fn rerun(
        &self,
        matcher: &Matcher<'_>,
        base: &MatchOutcome,
        progress: &Progress,
    ) -> MatchOutcome {
        progress.step("match the scenario", || {
            matcher.rerun(
                &self.steady_needs,
                base,
                &self.loaded.engine.dataset().offers,
            )
        })
    }
}
