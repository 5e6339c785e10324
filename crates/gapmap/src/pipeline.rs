//! The steps shared by `gaps`, `explain` and `report`: load the data (store or folder), open the
//! index, read the needs, apply a scenario, run the matcher.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use gapmap_index::GapmapIndex;
use gapmap_ingest::{DataDir, ImportOptions, ImportReport, OfferFilter, Store, read_needs_file};
use gapmap_match::{Change, MatchConfig, MatchOutcome, Matcher, OpenSeats, Place, Scenario};
use gapmap_model::{Dataset, Need, OfferId, TrainingMode};

use crate::cli::{MatchArgs, SourceArgs};
use crate::config;
use crate::progress::Progress;

/// The data a command works on.
pub struct Loaded {
    /// Referential, territory, offers, survey needs.
    pub dataset: Dataset,
    /// What the import read and refused.
    pub report: ImportReport,
    /// Where the data came from, for outputs.
    pub source_label: String,
    /// The data folder's own note (e.g. "illustrative demo data").
    pub data_note: Option<String>,
    /// Whether the data is the project's demo.
    pub is_demo: bool,
    /// The store folder, when the data came from one.
    pub store_dir: Option<PathBuf>,
    /// Content hash of the store (empty for an in-memory import).
    pub content_hash: String,
    /// Region the data was restricted to.
    pub region: Option<u8>,
}

/// Opens `--store`, or imports `--data` (default: `$GAPMAP_DATA`, else the demo) in memory.
pub fn load(source: &SourceArgs, progress: &Progress) -> anyhow::Result<Loaded> {
    if let Some(dir) = &source.store {
        let store = progress.step("open store", || Store::open(dir))?;
        return Ok(Loaded {
            dataset: store.dataset,
            report: store.report,
            source_label: format!("store {}", dir.display()),
            data_note: store.manifest.data_description.clone(),
            is_demo: store
                .manifest
                .data_description
                .as_deref()
                .is_some_and(|d| d.contains("illustrative")),
            store_dir: Some(dir.clone()),
            content_hash: store.manifest.content_hash,
            region: store.manifest.region,
        });
    }
    let data = config::data_dir(source.data.as_deref())?;
    let region = config::region(&source.region)?;
    let dir = DataDir::open(&data.dir)?;
    let options = ImportOptions {
        region,
        offers: OfferFilter {
            region,
            all_years: false,
        },
        skip_bmo: false,
    };
    let imported = progress
        .step("import", || gapmap_ingest::import(&dir, &options))
        .with_context(|| format!("importing {}", data.dir.display()))?;
    Ok(Loaded {
        dataset: imported.dataset,
        report: imported.report,
        source_label: format!("data {}", data.dir.display()),
        data_note: dir.description().map(str::to_owned),
        is_demo: data.is_demo,
        store_dir: None,
        content_hash: String::new(),
        region: region.map(|r| r.get()),
    })
}

/// The index of the loaded data: reused from (or rebuilt into) the store's `index/` folder when
/// the data came from a store, built in memory otherwise.
pub fn index(loaded: &Loaded, progress: &Progress) -> anyhow::Result<GapmapIndex> {
    let d = &loaded.dataset;
    let index = match &loaded.store_dir {
        Some(dir) => progress.step("open index", || {
            GapmapIndex::open_or_build(
                &dir.join("index"),
                &loaded.content_hash,
                &d.offers,
                &d.referential,
            )
            .map(|(index, _)| index)
        })?,
        None => progress.step("build index", || {
            GapmapIndex::build_in_ram(&d.offers, &d.referential)
        })?,
    };
    Ok(index)
}

/// Reads the matching configuration (`[match]` table of a TOML file), or the defaults.
pub fn match_config(path: Option<&Path>) -> anyhow::Result<(MatchConfig, String)> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default, rename = "match")]
        matching: Option<MatchConfig>,
    }
    let Some(path) = path else {
        return Ok((
            MatchConfig::default(),
            "# built-in defaults (see `gapmap-match` MatchConfig)\n".to_owned(),
        ));
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: File = toml::from_str(&text)
        .with_context(|| format!("{}: invalid configuration", path.display()))?;
    let config = file.matching.unwrap_or_default();
    config
        .validate()
        .with_context(|| format!("{}: invalid configuration in [match]", path.display()))?;
    Ok((config, text))
}

/// The needs a command matches: the needs files (default: the project's Ministry plan) plus, with
/// `--bmo`, the survey's lines of the loaded data; restricted to `--year` when given. Rejected rows of
/// needs files are returned with them.
pub fn needs(matching: &MatchArgs, loaded: &Loaded) -> anyhow::Result<(Vec<Need>, ImportReport)> {
    let mut files = matching.needs.clone();
    if files.is_empty() && !matching.no_default_needs {
        files.push(config::default_needs_file());
    }
    let mut report = ImportReport::default();
    let mut needs = Vec::new();
    for file in &files {
        needs.extend(
            read_needs_file(file, &mut report)
                .with_context(|| format!("reading needs {}", file.display()))?,
        );
    }
    if matching.bmo {
        needs.extend(loaded.dataset.needs.iter().cloned());
    }
    if let Some(year) = matching.year {
        needs.retain(|n| n.year.is_none_or(|y| y == year));
    }
    if needs.is_empty() {
        bail!("no needs to match: give --needs FILE or --bmo");
    }
    Ok((needs, report))
}

/// Reads a scenario file (TOML, format documented in `gapmap_match::scenario`).
pub fn scenario(path: &Path) -> anyhow::Result<Scenario> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        name: Option<String>,
        #[serde(default, rename = "change")]
        changes: Vec<RawChange>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawChange {
        kind: String,
        cfd: Option<String>,
        uai: Option<String>,
        commune: Option<String>,
        seats: Option<u32>,
        mode: Option<String>,
        year: Option<u16>,
        label: Option<String>,
        offer: Option<String>,
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: File =
        toml::from_str(&text).with_context(|| format!("{}: invalid scenario", path.display()))?;
    let mut changes = Vec::with_capacity(file.changes.len());
    for (i, c) in file.changes.into_iter().enumerate() {
        let at = || format!("{}: change {}", path.display(), i + 1);
        let seats = || {
            c.seats
                .with_context(|| format!("{}: `seats` is required", at()))
        };
        let offer = || {
            c.offer
                .clone()
                .map(OfferId)
                .with_context(|| format!("{}: `offer` is required", at()))
        };
        let change = match c.kind.as_str() {
            "open" => {
                let cfd = c
                    .cfd
                    .as_deref()
                    .with_context(|| format!("{}: `cfd` is required", at()))?;
                let place = match (&c.uai, &c.commune) {
                    (Some(uai), None) => Place::School(uai.parse().with_context(at)?),
                    (None, Some(commune)) => Place::Commune(commune.parse().with_context(at)?),
                    _ => bail!("{}: give exactly one of `uai` or `commune`", at()),
                };
                let mode = match c.mode.as_deref() {
                    None | Some("school" | "scolaire") => TrainingMode::School,
                    Some("apprenticeship" | "apprentissage") => TrainingMode::Apprenticeship,
                    Some(other) => bail!(
                        "{}: mode {other:?}: expected school or apprenticeship",
                        at()
                    ),
                };
                Change::Open(OpenSeats {
                    cfd: cfd.parse().with_context(at)?,
                    place,
                    seats: seats()?,
                    mode,
                    year: c.year,
                    label: c.label.clone(),
                })
            }
            "extend" => Change::Extend {
                offer: offer()?,
                seats: seats()?,
            },
            "close" => Change::Close { offer: offer()? },
            other => bail!("{}: kind {other:?}: expected open, extend or close", at()),
        };
        changes.push(change);
    }
    let name = file.name.unwrap_or_else(|| path.display().to_string());
    Ok(Scenario { name, changes })
}

/// Everything a matching command works on: the data, its index, the needs, the configuration
/// and the scenario's offers, if any.
pub struct Prepared {
    /// The loaded data.
    pub loaded: Loaded,
    /// Its index (text relevance and resolution).
    pub index: GapmapIndex,
    /// The needs to match.
    pub needs: Vec<Need>,
    /// The matching configuration.
    pub config: MatchConfig,
    /// The configuration as given, for reports.
    pub config_text: String,
    /// The scenario with the offers it gives.
    pub scenario: Option<(Scenario, Vec<gapmap_model::Offer>)>,
}

/// Loads the data, its index, the needs, the configuration and the scenario.
pub fn prepare(
    source: &SourceArgs,
    matching: &MatchArgs,
    progress: &Progress,
) -> anyhow::Result<Prepared> {
    let loaded = load(source, progress)?;
    let (config, config_text) = match_config(matching.config.as_deref())?;
    let (needs, needs_report) = self::needs(matching, &loaded)?;
    for r in &needs_report.rejects {
        eprintln!("gapmap: warning: {r}");
    }
    let scenario = match &matching.scenario {
        Some(path) => {
            let scenario = self::scenario(path)?;
            let d = &loaded.dataset;
            let offers = gapmap_match::apply(&scenario, &d.offers, &d.referential, &d.territory)
                .with_context(|| format!("applying scenario {}", path.display()))?;
            Some((scenario, offers))
        }
        None => None,
    };
    let index = self::index(&loaded, progress)?;
    Ok(Prepared {
        loaded,
        index,
        needs,
        config,
        config_text,
        scenario,
    })
}

impl Prepared {
    /// A matcher over `offers` (the loaded ones, or a scenario's).
    pub fn matcher<'a>(
        &'a self,
        offers: &'a [gapmap_model::Offer],
        progress: &Progress,
    ) -> Matcher<'a> {
        let d = &self.loaded.dataset;
        progress.step("compile the training map", || {
            Matcher::new(
                &d.referential,
                &d.territory,
                offers,
                &self.index,
                &self.config,
            )
        })
    }

    /// The offers the command matches: the scenario's when there is one, else the loaded ones.
    pub fn offers(&self) -> &[gapmap_model::Offer] {
        match &self.scenario {
            Some((_, offers)) => offers,
            None => &self.loaded.dataset.offers,
        }
    }

    /// Matches the needs with `matcher`.
    pub fn run(&self, matcher: &Matcher<'_>, progress: &Progress) -> MatchOutcome {
        progress.step("match", || matcher.run(&self.needs))
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
            matcher.rerun(&self.needs, base, &self.loaded.dataset.offers)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_file_overrides_defaults() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("gapmap.toml");
        std::fs::write(
            &path,
            "[match]\nmin_subject_score = 0.6\ncommute_radius_km = 40.0\n",
        )?;
        let (config, text) = match_config(Some(&path))?;
        assert_eq!(config.min_subject_score, 0.6);
        assert_eq!(config.commute_radius_km, 40.0);
        assert_eq!(
            config.completion_factor,
            MatchConfig::default().completion_factor
        );
        assert!(
            text.contains("min_subject_score"),
            "the report records the file as given"
        );
        std::fs::write(&path, "[match]\nmin_subject_scor = 0.6\n")?;
        let err = match_config(Some(&path))
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            err.contains("invalid configuration") && err.contains("min_subject_scor"),
            "{err}"
        );
        std::fs::write(&path, "[match]\ncompletion_factor = 1.5\n")?;
        let err = match_config(Some(&path))
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            err.ends_with("`completion_factor` = 1.5: expected a number in [0, 1]"),
            "{err}"
        );
        Ok(())
    }

    /// The documented configuration file holds exactly the defaults, so the documentation cannot
    /// drift from the code.
    #[test]
    fn documented_configuration_is_the_default() -> anyhow::Result<()> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/config/gapmap.toml");
        let (config, _) = match_config(Some(&path))?;
        assert_eq!(config, MatchConfig::default());
        Ok(())
    }

    #[test]
    fn scenario_file_errors_name_the_change() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("s.toml");
        std::fs::write(
            &path,
            "[[change]]\nkind = \"open\"\ncfd = \"50022139\"\nseats = 3\n",
        )?;
        let err = scenario(&path)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            err.ends_with("change 1: give exactly one of `uai` or `commune`"),
            "{err}"
        );
        std::fs::write(
            &path,
            "[[change]]\nkind = \"close\"\noffer = \"affelnet:2022:0620257T:x:school\"\n",
        )?;
        let s = scenario(&path)?;
        assert_eq!(
            s.changes,
            vec![Change::Close {
                offer: OfferId("affelnet:2022:0620257T:x:school".into())
            }]
        );
        Ok(())
    }
}
