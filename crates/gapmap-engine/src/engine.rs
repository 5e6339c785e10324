//! The engine: the data, its index, and the matching on them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gapmap_index::{CompetenceHit, GapmapIndex, IndexError, OfferHit, OfferQuery};
use gapmap_ingest::{
    DataDir, DeclaredCapacity, ImportOptions, ImportReport, IngestError, Store,
    read_capacities_file, read_needs_file,
};
use gapmap_match::geo::Places;
use gapmap_match::{
    Explanation, GapKey, MatchConfig, MatchOutcome, Matcher, Resolution, Scenario, SupplyRules,
};
use gapmap_model::{
    Capacity, Dataset, GeoPoint, Need, NeedId, NeedLocation, Offer, OfferId, RegionCode,
};

use crate::EngineError;

/// Where an engine's data came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Imported from a data folder, with an index built in memory.
    Data {
        /// The folder.
        dir: PathBuf,
    },
    /// Opened from a store, with the index kept beside it.
    Store {
        /// The store folder.
        dir: PathBuf,
        /// The store's content hash (the index is built for it).
        content_hash: String,
    },
}

/// Told of the long steps of an engine's work (importing, building the index), for a front end
/// that shows progress; `()` runs them silently.
pub trait Steps {
    /// Runs `work`, the step called `label`.
    fn step<T>(&self, label: &str, work: impl FnOnce() -> T) -> T;

    /// Told of something a user waiting should know (another process holds a lock); nothing by
    /// default.
    fn note(&self, _message: &str) {}
}

impl Steps for () {
    fn step<T>(&self, _label: &str, work: impl FnOnce() -> T) -> T {
        work()
    }
}

/// Needs read from a file, with the account of its rows.
#[derive(Clone, Debug)]
pub struct Needs {
    /// The needs.
    pub needs: Vec<Need>,
    /// The rows read and refused (file, line, field, reason).
    pub report: ImportReport,
}

/// A what-if scenario's training map and the needs matched against it.
#[derive(Clone, Debug)]
pub struct WhatIf {
    /// The offers once the scenario is applied.
    pub offers: Vec<Offer>,
    /// The needs matched against them.
    pub outcome: MatchOutcome,
}

/// The data, its index and where they came from (see the crate docs).
pub struct Engine {
    dataset: Dataset,
    report: ImportReport,
    index: GapmapIndex,
    origin: Origin,
    note: Option<String>,
    region: Option<RegionCode>,
    declared: Vec<Declaration>,
    /// Position of each offer in `dataset.offers`, built on first use (offers never move; a
    /// capacities file changes their seats only).
    offer_at: OnceLock<HashMap<OfferId, usize>>,
}

/// A line of a capacities file applied to an offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    /// The line.
    pub line: DeclaredCapacity,
    /// The offer's capacity before (as published, or declared by an earlier line).
    pub before: Capacity,
}

impl Declaration {
    /// The published seats the line replaces, if any.
    pub fn replaces_published(&self) -> Option<u32> {
        match self.before {
            Capacity::Seats(n) => Some(n),
            _ => None,
        }
    }
}

impl Engine {
    /// Imports a data folder (the official files as published, or a folder with its own
    /// `gapmap-data.toml`) and builds its index in memory.
    pub fn import(data_dir: &Path, options: &ImportOptions) -> Result<Engine, EngineError> {
        Engine::import_with(data_dir, options, &())
    }

    /// [`Engine::import`], telling `steps` of the import and the index build.
    pub fn import_with(
        data_dir: &Path,
        options: &ImportOptions,
        steps: &impl Steps,
    ) -> Result<Engine, EngineError> {
        let dir = DataDir::open(data_dir)?;
        let imported = steps.step("import", || gapmap_ingest::import(&dir, options))?;
        let d = &imported.dataset;
        let mut index = steps.step("build index", || {
            GapmapIndex::build_in_ram(&d.offers, &d.referential)
        })?;
        index.know_words(known_words(d));
        Ok(Engine {
            dataset: imported.dataset,
            report: imported.report,
            index,
            origin: Origin::Data {
                dir: data_dir.to_owned(),
            },
            note: dir.description().map(str::to_owned),
            region: options.region,
            declared: Vec::new(),
            offer_at: OnceLock::new(),
        })
    }

    /// Opens a store (written by `gapmap import --store`) and its index: the index kept in the
    /// store's `index/` folder while it was built for the store's content, rebuilt otherwise.
    pub fn open(store: &Path) -> Result<Engine, EngineError> {
        Engine::open_with(store, &())
    }

    /// [`Engine::open`], telling `steps` of opening the store and the index.
    pub fn open_with(store: &Path, steps: &impl Steps) -> Result<Engine, EngineError> {
        let store = steps.step("open store", || Store::open(store))?;
        let d = &store.dataset;
        let hash = store.manifest.content_hash.clone();
        let folder = store.dir.join("index");
        let current = steps.step("open index", || GapmapIndex::open_current(&folder, &hash));
        let why = match current {
            Ok(Some(index)) => Ok(index),
            Ok(None) => Err("is missing or was built for other data".to_owned()),
            Err(e) => Err(format!("cannot be used ({e})")),
        };
        let mut index = match why {
            Ok(index) => index,
            // Missing, stale or damaged: built again, one builder at a time; in memory when the
            // store's folder cannot take it (read only, full).
            Err(why) => match build_in_store(&folder, &hash, d, steps) {
                Err(IndexError::Io { path, source }) if cannot_write(&source) => {
                    let cause = format!("{} cannot be written ({source})", path.display());
                    index_in_memory(d, &why, &cause, steps)?
                }
                Err(IndexError::Build { reason, .. }) => {
                    let cause = format!("it cannot be built there ({reason})");
                    index_in_memory(d, &why, &cause, steps)?
                }
                built => built?,
            },
        };
        index.know_words(known_words(d));
        Ok(Engine {
            origin: Origin::Store {
                dir: store.dir.clone(),
                content_hash: hash,
            },
            note: store.manifest.data_description.clone(),
            region: store
                .manifest
                .region
                .and_then(|r| r.to_string().parse::<RegionCode>().ok()),
            declared: Vec::new(),
            offer_at: OnceLock::new(),
            dataset: store.dataset,
            report: store.report,
            index,
        })
    }

    /// The data: referential, territory, training offers, survey needs.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// Gives the offers of a capacities file (see [`gapmap_ingest::read_capacities_file`]) the
    /// seats it declares ([`Capacity::Declared`]): the courses whose source publishes no capacity
    /// (the higher-education course list) then supply graduates like the others. Every later
    /// result of the engine uses them; [`Engine::declared`] lists them for reports. An offer the
    /// data do not hold is an error naming the file, the line and the field, and nothing is
    /// changed.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use gapmap_engine::{Engine, ImportOptions};
    /// use gapmap_model::Capacity;
    ///
    /// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    /// let mut engine = Engine::import(&root.join("datasets/demo"), &ImportOptions::default())?;
    /// let course = engine
    ///     .dataset()
    ///     .offers
    ///     .iter()
    ///     .find(|o| o.capacity == Capacity::Unknown)
    ///     .ok_or("a course without capacity")?
    ///     .id
    ///     .clone();
    /// let dir = tempfile::tempdir()?;
    /// let file = dir.path().join("capacites.csv");
    /// std::fs::write(&file, format!("offer;capacity;source\n{course};30;survey 2025\n"))?;
    /// engine.declare_capacities(&file)?;
    /// let offer = engine.dataset().offers.iter().find(|o| o.id == course);
    /// assert_eq!(offer.map(|o| o.capacity), Some(Capacity::Declared(30)));
    ///
    /// std::fs::write(&file, "offer;capacity\nno-such-offer;30\n")?;
    /// let error = engine.declare_capacities(&file).err().ok_or("an error")?;
    /// assert!(error.to_string().contains("capacites.csv: line 2: field \"offer\""));
    /// # Ok(())
    /// # }
    /// ```
    pub fn declare_capacities(&mut self, path: &Path) -> Result<usize, EngineError> {
        let lines = read_capacities_file(path)?;
        let mut at = Vec::with_capacity(lines.len());
        for line in &lines {
            let Some(i) = self.offer_position(&line.offer) else {
                return Err(IngestError::Format {
                    file: line.file.clone(),
                    line: line.line,
                    message: format!(
                        "field \"offer\": no offer {} in the data (identifiers as `gapmap search` prints them)",
                        line.offer
                    ),
                }
                .into());
            };
            at.push(i);
        }
        let count = lines.len();
        for (line, i) in lines.into_iter().zip(at) {
            let offer = &mut self.dataset.offers[i];
            let before = offer.capacity;
            offer.capacity = Capacity::Declared(line.seats);
            self.declared.push(Declaration { line, before });
        }
        Ok(count)
    }

    /// The offer of an identifier (as search hits and explanations give them).
    pub fn offer(&self, id: &OfferId) -> Option<&Offer> {
        self.offer_position(id).map(|i| &self.dataset.offers[i])
    }

    /// The position of an offer in the data's offers (and so in a result's `supplies` over
    /// them).
    pub fn offer_position(&self, id: &OfferId) -> Option<usize> {
        self.offer_at
            .get_or_init(|| {
                self.dataset
                    .offers
                    .iter()
                    .enumerate()
                    .map(|(i, o)| (o.id.clone(), i))
                    .collect()
            })
            .get(id)
            .copied()
    }

    /// The capacities declared by [`Engine::declare_capacities`], in file order, each with the
    /// capacity the data gave before (a published [`Capacity::Seats`] replaced is worth a
    /// warning: front ends say so).
    pub fn declared(&self) -> &[Declaration] {
        &self.declared
    }

    /// What the import read and refused, file by file.
    pub fn report(&self) -> &ImportReport {
        &self.report
    }

    /// The search index of the offers and the ROME referential.
    pub fn index(&self) -> &GapmapIndex {
        &self.index
    }

    /// Where the data came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The data folder's own description (e.g. "illustrative demo data"), if it has one.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The region the data was restricted to (`None`: the whole country).
    pub fn region(&self) -> Option<RegionCode> {
        self.region
    }

    /// Reads a needs file (CSV or XLSX, the format of `datasets/needs/`); refused rows are in
    /// the returned report with their line and field.
    ///
    /// A row whose place the data's territory does not know (`commune:99999`, `region:99`) is
    /// refused: its distances, and so its candidates, would be unknown.
    pub fn needs_from_file(&self, path: &Path) -> Result<Needs, EngineError> {
        let mut report = ImportReport::default();
        let mut needs = read_needs_file(path, &mut report)?;
        needs.retain(|need| {
            let Some(reason) = self.unknown_place(&need.location) else {
                return true;
            };
            report.reject_accepted(gapmap_ingest::Reject {
                file: need.source.file.clone(),
                line: need.source.line,
                field: Some("lieu".to_owned()),
                value: need.location.to_string(),
                reason,
                row_dropped: true,
            });
            false
        });
        Ok(Needs { needs, report })
    }

    /// Why the data's territory does not know `place`, if it does not.
    fn unknown_place(&self, place: &NeedLocation) -> Option<String> {
        let t = &self.dataset.territory;
        let known = match place {
            NeedLocation::Commune(c) => t.commune(c).is_some(),
            NeedLocation::Bassin(b) => t.bassins.contains_key(b),
            NeedLocation::Departement(d) => t.departements.contains_key(d),
            NeedLocation::Region(r) => t.regions.contains_key(r),
        };
        (!known).then(|| {
            let kind = match place {
                NeedLocation::Commune(_) => "commune",
                NeedLocation::Bassin(_) => "employment area",
                NeedLocation::Departement(_) => "département",
                NeedLocation::Region(_) => "region",
            };
            format!("no {kind} of this code in the data's territory (COG, BMO areas)")
        })
    }

    /// The needs of the recruitment survey (BMO) of the data, if it has one.
    pub fn survey_needs(&self) -> &[Need] {
        &self.dataset.needs
    }

    /// A matcher over the engine's offers: compiled once, it runs any needs.
    pub fn matcher(&self, config: &MatchConfig) -> Matcher<'_> {
        self.matcher_over(&self.dataset.offers, config)
    }

    /// A matcher over other offers (a scenario's), with the engine's referential, territory and
    /// index, and the supply rules of the engine's own offers ([`Engine::supply_rules`]).
    pub fn matcher_over<'a>(&'a self, offers: &'a [Offer], config: &MatchConfig) -> Matcher<'a> {
        let d = &self.dataset;
        let rules = self.supply_rules(config);
        Matcher::with_rules(
            &d.referential,
            &d.territory,
            offers,
            &self.index,
            config,
            rules,
        )
    }

    /// The supply rules of `config` measured on the engine's offers (the published map, with the
    /// declared capacities): the rules of every matcher of the engine, a scenario's included.
    pub fn supply_rules(&self, config: &MatchConfig) -> SupplyRules {
        SupplyRules::new(&self.dataset.offers, config)
    }

    /// Matches `needs` against the engine's offers: coverage, gaps, allocation (see
    /// [`MatchOutcome::aggregate`] for tables by axis).
    pub fn gaps(&self, needs: &[Need], config: &MatchConfig) -> MatchOutcome {
        self.matcher(config).run(needs)
    }

    /// Why a need of `outcome` (a result of [`Engine::gaps`] with the same configuration) is
    /// covered or not: every candidate offer with its score breakdown and where its graduates
    /// went. `None` when the outcome has no such need, or was not computed over this engine's
    /// offers (a what-if's: see [`Engine::explain_what_if`]).
    pub fn explain<'o>(
        &self,
        outcome: &'o MatchOutcome,
        need: &NeedId,
        config: &MatchConfig,
    ) -> Option<Explanation<'o>> {
        self.explain_over(&self.dataset.offers, outcome, need, config)
    }

    /// [`Engine::explain`] for a need of a what-if's outcome, over the scenario's offers.
    pub fn explain_what_if<'o>(
        &self,
        what_if: &'o WhatIf,
        need: &NeedId,
        config: &MatchConfig,
    ) -> Option<Explanation<'o>> {
        self.explain_over(&what_if.offers, &what_if.outcome, need, config)
    }

    fn explain_over<'o>(
        &self,
        offers: &[Offer],
        outcome: &'o MatchOutcome,
        need: &NeedId,
        config: &MatchConfig,
    ) -> Option<Explanation<'o>> {
        // An outcome of other offers would point at the wrong offers (or past the end).
        let same_offers = outcome.supplies.len() == offers.len()
            && outcome
                .supplies
                .iter()
                .zip(offers)
                .all(|(s, o)| s.offer == o.id);
        if !same_offers {
            return None;
        }
        self.matcher_over(offers, config).explain(outcome, need)
    }

    /// The engine's offers once `scenario` is applied.
    pub fn apply(&self, scenario: &Scenario) -> Result<Vec<Offer>, EngineError> {
        let d = &self.dataset;
        gapmap_match::apply(scenario, &d.offers, &d.referential, &d.territory).map_err(|cause| {
            EngineError::ScenarioApply {
                name: scenario.name.clone(),
                cause,
            }
        })
    }

    /// Matches `needs` against the training map changed by `scenario`, reusing `base` (the
    /// result of [`Engine::gaps`] for the same needs and configuration): links to unchanged
    /// offers are kept, links to opened ones computed, the allocation solved again. The
    /// configuration must be `base`'s (it is not recorded in an outcome, so not compared); other
    /// needs or changed offers are detected and matched in full.
    pub fn what_if(
        &self,
        needs: &[Need],
        config: &MatchConfig,
        base: &MatchOutcome,
        scenario: &Scenario,
    ) -> Result<WhatIf, EngineError> {
        let offers = self.apply(scenario)?;
        let outcome = self
            .matcher_over(&offers, config)
            .rerun(needs, base, &self.dataset.offers);
        Ok(WhatIf { offers, outcome })
    }

    /// The readable label of a gap row's key, as published (a sheet's title, a département's,
    /// employment area's or competence's name, a level with its typical diploma, a buyer's
    /// name); the key's own text when the data have no label for it (a tag, a need id, an
    /// unknown code).
    pub fn label(&self, key: &GapKey) -> String {
        let (r, t) = (&self.dataset.referential, &self.dataset.territory);
        let found = match key {
            GapKey::Rome(code) => r.metiers.get(code).map(|m| m.label.clone()),
            GapKey::Competence(code) => r.competences.get(code).map(|c| c.label.clone()),
            GapKey::Departement(code) => t.departements.get(code).map(|d| d.name.clone()),
            GapKey::Bassin(code) => t.bassins.get(code).map(|b| b.name.clone()),
            GapKey::Level(l) => Some(format!("Niveau {l} ({})", l.typical_diploma())),
            GapKey::Buyer(buyer) => Some(buyer.label_fr()),
            GapKey::Region => Some("Toute la région".to_owned()),
            GapKey::Total => Some("Total".to_owned()),
            GapKey::None | GapKey::Need(_) | GapKey::Tag(_) => None,
        };
        found.unwrap_or_else(|| key.to_string())
    }

    /// The geography of the data's territory: distances from offers to places, and where a
    /// place is drawn on a map (the one geography of the matcher and the reports).
    pub fn places(&self) -> Places<'_> {
        Places::new(&self.dataset.territory)
    }

    /// Where a place is on the map, from the territory's commune points (the geography of
    /// [`Engine::places`]): a commune's own point, an area's centre; `None` when the data hold no
    /// point for it. This is how a search around a place gets its centre, also around a commune
    /// where no training is given.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::collections::BTreeSet;
    /// use gapmap_engine::{Engine, ImportOptions};
    /// use gapmap_index::{Near, OfferQuery};
    /// use gapmap_model::NeedLocation;
    ///
    /// let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    /// let engine = Engine::import(&root.join("datasets/demo"), &ImportOptions::default())?;
    /// let d = engine.dataset();
    /// let taught: BTreeSet<_> = d.offers.iter().filter_map(|o| o.location.commune).collect();
    /// let quiet = d
    ///     .territory
    ///     .communes
    ///     .values()
    ///     .find(|c| c.point.is_some() && !taught.contains(&c.code))
    ///     .ok_or("a commune without training")?;
    /// let centre = engine.point(&NeedLocation::Commune(quiet.code)).ok_or("its point")?;
    /// let near = Near { center: centre, radius_km: 60.0 };
    /// let hits = engine.search(&OfferQuery { near: Some(near), ..OfferQuery::default() })?;
    /// assert!(!hits.is_empty());
    /// assert!(hits.iter().all(|h| h.breakdown.distance_km.is_some_and(|km| km <= 60.0)));
    /// # Ok(())
    /// # }
    /// ```
    pub fn point(&self, place: &NeedLocation) -> Option<GeoPoint> {
        self.places().centre(place)
    }

    /// Searches the offers: text and filters, ranked by text relevance then offer id. A search
    /// around a place takes its point from [`Engine::point`].
    pub fn search(&self, query: &OfferQuery) -> Result<Vec<OfferHit>, EngineError> {
        Ok(self.index.search_offers(query)?)
    }

    /// The ROME sheets a job title most likely means, best first, at most `limit`.
    pub fn resolve(&self, title: &str, limit: usize) -> Result<Vec<Resolution>, EngineError> {
        Ok(self.index.resolve(title, limit)?)
    }

    /// The competences of the ROME referential that a text names, best first, at most `limit`.
    pub fn competences(&self, text: &str, limit: usize) -> Result<Vec<CompetenceHit>, EngineError> {
        Ok(self.index.competences(text, limit)?)
    }
}

/// Real words a search must not correct that the index's fields may lack: the names of the
/// territory's communes and the short job titles of the referential.
fn known_words(d: &Dataset) -> impl Iterator<Item = &str> {
    let places = d.territory.communes.values().map(|c| c.name.as_str());
    let titles = d
        .referential
        .appellations
        .iter()
        .map(|a| a.short_label.as_str());
    places.chain(titles)
}

/// Builds the index of a store in its `index/` folder (or reuses the one another process
/// built meanwhile), one builder at a time.
fn build_in_store(
    folder: &Path,
    hash: &str,
    d: &Dataset,
    steps: &impl Steps,
) -> Result<GapmapIndex, IndexError> {
    let lock = match GapmapIndex::try_build_lock(folder)? {
        Some(lock) => lock,
        None => {
            steps.note(&format!(
                "waiting for another gapmap process that is building this store's index (it holds {})",
                folder.join("build.lock").display()
            ));
            GapmapIndex::wait_build_lock(folder)?
        }
    };
    steps
        .step("build index", || {
            GapmapIndex::open_or_build_locked(&lock, folder, hash, &d.offers, &d.referential)
        })
        .map(|(index, _)| index)
}

/// The index of `d` built in memory, said: the store's index `why`, and `cause`.
fn index_in_memory(
    d: &Dataset,
    why: &str,
    cause: &str,
    steps: &impl Steps,
) -> Result<GapmapIndex, IndexError> {
    steps.note(&format!(
        "the store's index {why}, and {cause}: the index is built in memory for this run"
    ));
    steps.step("build index", || {
        GapmapIndex::build_in_ram(&d.offers, &d.referential)
    })
}

/// Whether an error says the place cannot be written (permissions, a read-only disk).
fn cannot_write(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    )
}
