//! The steps shared by `gaps`, `explain` and `report`: load the data (store or folder), open the
//! index, read the needs, apply a scenario, run the matcher.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use gapmap_index::GapmapIndex;
use gapmap_ingest::{DataDir, ImportOptions, ImportReport, OfferFilter, Store, read_needs_file};
use gapmap_match::{
    Change, MatchConfig, MatchInput, MatchOutcome, OpenSeats, Place, Scenario, run as run_matcher,
};
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

/// An in-memory index of offers changed by a scenario: the stored index cannot know the new
/// offers, and they must be found by text and competences like any other.
pub fn scenario_index(
    loaded: &Loaded,
    offers: &[gapmap_model::Offer],
    progress: &Progress,
) -> anyhow::Result<GapmapIndex> {
    Ok(progress.step("index the scenario's offers", || {
        GapmapIndex::build_in_ram(offers, &loaded.dataset.referential)
    })?)
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
    Ok((file.matching.unwrap_or_default(), text))
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

/// Runs the matcher on the loaded data, with `offers` (possibly changed by a scenario).
pub fn run_match(
    loaded: &Loaded,
    offers: &[gapmap_model::Offer],
    needs: &[Need],
    index: &GapmapIndex,
    config: &MatchConfig,
    progress: &Progress,
) -> MatchOutcome {
    let input = MatchInput {
        referential: &loaded.dataset.referential,
        territory: &loaded.dataset.territory,
        offers,
        needs,
    };
    progress.step("match", || run_matcher(&input, index, config))
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
            "[match]\nmin_edge_score = 0.6\ncommute_radius_km = 40.0\n",
        )?;
        let (config, text) = match_config(Some(&path))?;
        assert_eq!(config.min_edge_score, 0.6);
        assert_eq!(config.commute_radius_km, 40.0);
        assert_eq!(
            config.completion_factor,
            MatchConfig::default().completion_factor
        );
        assert!(
            text.contains("min_edge_score"),
            "the report records the file as given"
        );
        std::fs::write(&path, "[match]\nmin_edge_scor = 0.6\n")?;
        let err = match_config(Some(&path))
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            err.contains("invalid configuration") && err.contains("min_edge_scor"),
            "{err}"
        );
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
