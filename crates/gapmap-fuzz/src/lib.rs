//! Coverage-guided fuzzing of gapmap's readers: what each reader must do with any input.
//!
//! Each check takes the raw bytes of one input, runs a reader on them as gapmap reads a user's
//! file, and returns a [`Finding`] when the reader breaks its contract: an error that does not
//! name the file it read, a reject that names another file, a value out of its range accepted.
//! A panic is a finding too (libFuzzer reports it as a crash; a test fails on it).
//!
//! The same checks run three ways:
//! - the fuzz targets (`fuzz_targets/`, built with sanitizer coverage by `fuzz/run`, on the
//!   stable toolchain) call them under libFuzzer, which mutates its corpus towards new code;
//! - `tests/corpus.rs` replays every input of `corpus/<target>/` (the seeds and what fuzzing
//!   kept) and of `regressions/<target>/` (each input that once broke a reader) in `cargo test`;
//! - CI runs each target for a bounded time (`fuzz/run --ci`).
//!
//! ```
//! // A table whose quote is never closed: read or refused, naming its file.
//! gapmap_fuzz::check(gapmap_fuzz::Target::Table, b"a;b\n\"x;1\n")?;
//! # Ok::<(), gapmap_fuzz::Finding>(())
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gapmap_ingest::{ImportReport, Store, StoreManifest, Table, decode, read_needs_file};
use gapmap_model::Dataset;
use sha2::{Digest, Sha256};

/// A reader under fuzzing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Any bytes as a delimited text table (`decode`, then `Table::from_text` and its rows).
    Table,
    /// Any bytes as a needs file (`besoins.csv`, `read_needs_file`).
    Needs,
    /// Any bytes as a scenario file (`scenario.toml`) and as a scenario posted in JSON.
    Scenario,
    /// Any bytes as a configuration file (`gapmap.toml`: `[match]`, recommendation limits and
    /// costs).
    Config,
    /// Any bytes as a store's manifest, dataset or report file (the first byte chooses which),
    /// the manifest's hashes made to match in the last two cases so that the decoder is reached.
    Store,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 5] = [
        Target::Table,
        Target::Needs,
        Target::Scenario,
        Target::Config,
        Target::Store,
    ];

    /// The target's name: its corpus folder and its fuzz binary (`fuzz_<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Target::Table => "table",
            Target::Needs => "needs",
            Target::Scenario => "scenario",
            Target::Config => "config",
            Target::Store => "store",
        }
    }
}

/// A reader that broke its contract on an input.
#[derive(Debug)]
pub struct Finding(pub String);

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Finding {}

/// Fails with `message` unless `holds`.
fn ensure(holds: bool, message: impl FnOnce() -> String) -> Result<(), Finding> {
    if holds {
        Ok(())
    } else {
        Err(Finding(message()))
    }
}

/// Runs the check of `target` on `data`.
pub fn check(target: Target, data: &[u8]) -> Result<(), Finding> {
    match target {
        Target::Table => table(data),
        Target::Needs => needs(data),
        Target::Scenario => scenario(data),
        Target::Config => config(data),
        Target::Store => store(data),
    }
}

/// A folder of this process's, for the files the readers read (removed at exit by the OS's
/// temporary-file cleaning, or kept for a look after a crash).
fn scratch() -> Result<&'static Path, Finding> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().ok().map(tempfile::TempDir::keep))
        .as_deref()
        .ok_or_else(|| Finding("cannot create a temporary folder".to_owned()))
}

/// Writes `data` as `name` in the scratch folder.
fn write(name: &str, data: &[u8]) -> Result<PathBuf, Finding> {
    let path = scratch()?.join(name);
    std::fs::write(&path, data).map_err(|e| Finding(format!("cannot write {name}: {e}")))?;
    Ok(path)
}

fn table(data: &[u8]) -> Result<(), Finding> {
    const FILE: &str = "fuzz.csv";
    let (text, encoding) = decode(data.to_vec());
    match Table::from_text(FILE, text, encoding) {
        Ok(table) => {
            for row in table.rows() {
                if let Err(reject) = row {
                    ensure(reject.file == FILE, || {
                        format!("a reject names {:?}, not {FILE}", reject.file)
                    })?;
                }
            }
            Ok(())
        }
        Err(e) => ensure(e.to_string().starts_with(FILE), || {
            format!("the error does not start with its file: {e}")
        }),
    }
}

fn needs(data: &[u8]) -> Result<(), Finding> {
    const FILE: &str = "besoins.csv";
    let path = write(FILE, data)?;
    let mut report = ImportReport::default();
    match read_needs_file(&path, &mut report) {
        Ok(needs) => {
            for r in &report.rejects {
                ensure(r.file.ends_with(FILE), || {
                    format!("a reject names {:?}, not {FILE}", r.file)
                })?;
                ensure(r.line >= 1, || format!("a reject at line 0: {r:?}"))?;
            }
            for need in &needs {
                // A growth is a yearly rate: a finite number.
                ensure(need.growth.is_none_or(f64::is_finite), || {
                    format!("need {} grows by {:?}", need.id, need.growth)
                })?;
            }
            Ok(())
        }
        Err(e) => ensure(e.to_string().contains(FILE), || {
            format!("the error does not name {FILE}: {e}")
        }),
    }
}

fn scenario(data: &[u8]) -> Result<(), Finding> {
    const FILE: &str = "scenario.toml";
    let path = write(FILE, data)?;
    if let Err(e) = gapmap_engine::read_scenario(&path) {
        ensure(e.to_string().contains(FILE), || {
            format!("the error does not name {FILE}: {e}")
        })?;
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(e) = gapmap_engine::scenario_from_json(text)
    {
        ensure(!e.to_string().trim().is_empty(), || {
            "a JSON scenario refused without a message".to_owned()
        })?;
    }
    Ok(())
}

fn config(data: &[u8]) -> Result<(), Finding> {
    const FILE: &str = "gapmap.toml";
    let path = write(FILE, data)?;
    match gapmap_engine::read_match_config(Some(&path)) {
        Ok((config, _)) => ensure(config.validate().is_ok(), || {
            format!("an invalid configuration was accepted: {config:?}")
        })?,
        Err(e) => ensure(e.to_string().contains(FILE), || {
            format!("the error does not name {FILE}: {e}")
        })?,
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for refused in [
            gapmap_engine::limits_from_toml(text).err(),
            gapmap_engine::costs_from_toml(text).err(),
        ]
        .into_iter()
        .flatten()
        {
            ensure(!refused.trim().is_empty(), || {
                "recommendation settings refused without a message".to_owned()
            })?;
        }
    }
    Ok(())
}

/// The manifest of an empty store written once in the scratch folder.
fn template_manifest() -> Result<&'static StoreManifest, Finding> {
    static MANIFEST: OnceLock<Result<StoreManifest, String>> = OnceLock::new();
    MANIFEST
        .get_or_init(|| {
            let dir = scratch().map_err(|f| f.0)?.join("template-store");
            Store::write(
                &dir,
                &dir,
                None,
                None,
                &Dataset::default(),
                &ImportReport::default(),
            )
            .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Finding(format!("cannot write the template store: {e}")))
}

fn hex_sha256(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn store(data: &[u8]) -> Result<(), Finding> {
    let Some((&mode, body)) = data.split_first() else {
        return Ok(());
    };
    let dir = scratch()?.join("store");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| Finding(format!("cannot create the store: {e}")))?;
    let mut manifest = template_manifest()?.clone();
    let template = scratch()?.join("template-store");
    // The template's dataset and report, under their names.
    for entry in std::fs::read_dir(&template).map_err(|e| Finding(e.to_string()))? {
        let entry = entry.map_err(|e| Finding(e.to_string()))?;
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(".bin") {
            std::fs::copy(entry.path(), dir.join(&name)).map_err(|e| Finding(e.to_string()))?;
        }
    }
    let file = match mode % 3 {
        0 => {
            std::fs::write(dir.join("manifest.json"), body).map_err(|e| Finding(e.to_string()))?;
            "manifest.json".to_owned()
        }
        kind => {
            let hash = hex_sha256(body);
            let name = if kind == 1 {
                format!("dataset-{}.bin", &hash[..16])
            } else {
                format!("report-{}.bin", &hash[..16])
            };
            if kind == 1 {
                manifest.content_hash = hash;
            } else {
                manifest.report_hash = hash;
            }
            std::fs::write(dir.join(&name), body).map_err(|e| Finding(e.to_string()))?;
            // Sealed again: the manifest's own checksum covers the hashes.
            let (_, text) = manifest.sealed().map_err(|e| Finding(e.to_string()))?;
            std::fs::write(dir.join("manifest.json"), text).map_err(|e| Finding(e.to_string()))?;
            name
        }
    };
    match Store::open(&dir) {
        // A manifest naming the template's files, or bytes that decode: a store.
        Ok(_) => Ok(()),
        Err(e) => {
            let message = e.to_string();
            ensure(
                message.contains(&file)
                    || (mode % 3 == 0
                        && (message.contains("dataset-") || message.contains("report-"))),
                || format!("the error does not name {file}: {message}"),
            )
        }
    }
}
