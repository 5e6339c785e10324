//! The store: an imported dataset written once per data version, reopened fast.
//!
//! Layout of a store folder:
//! - `manifest.json`: gapmap version, store format, region, the source files with their SHA-256,
//!   counts, and the content hashes of the two files below (readable by analysts and by other
//!   tools);
//! - `dataset-<hash>.bin`: the [`Dataset`] as a compact binary snapshot (postcard), named by the
//!   first 16 hex digits of its SHA-256;
//! - `report-<hash>.bin`: the [`ImportReport`] (per-file counts and every reject), likewise.
//!
//! The switch to a new store is one rename: the data files are written under new names beside
//! the old ones (the names follow the content), then the manifest that names them replaces the
//! old manifest, then the files no manifest names are removed. A process killed at any point
//! leaves the previous store readable, or the new one complete; a store without a manifest is not
//! a store. A reader that finds its files gone (replaced by a writer after it read the manifest)
//! reads the manifest again.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use gapmap_model::Dataset;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{FileReport, ImportReport, IngestError, Reject, TextEncoding};

/// Version of the on-disk format; bumped when the snapshot's shape changes.
pub const STORE_FORMAT: u32 = 7;

const MANIFEST: &str = "manifest.json";

/// The file of the dataset snapshot whose SHA-256 is `hash` (a hash that is not hexadecimal, from
/// a crafted manifest, names no file of the store).
pub fn dataset_file(hash: &str) -> String {
    format!("dataset-{}.bin", short(hash))
}

/// The file of the import report whose SHA-256 is `hash`.
pub fn report_file(hash: &str) -> String {
    format!("report-{}.bin", short(hash))
}

/// The first 16 digits of a hexadecimal hash; `invalid` for anything else (never a path).
fn short(hash: &str) -> &str {
    match hash.get(..16) {
        Some(head) if head.bytes().all(|b| b.is_ascii_hexdigit()) => head,
        _ => "invalid",
    }
}

/// What a store holds and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoreManifest {
    /// Store format version ([`STORE_FORMAT`]).
    pub format: u32,
    /// Version of gapmap that wrote it.
    pub gapmap_version: String,
    /// The data folder imported (as given).
    pub data_dir: String,
    /// The data folder's own description (e.g. "illustrative demo data").
    pub data_description: Option<String>,
    /// Region the offers and survey demand were restricted to.
    pub region: Option<u8>,
    /// Input files with their content hash and counts.
    pub sources: Vec<SourceFile>,
    /// Counts of the imported values.
    pub counts: StoreCounts,
    /// SHA-256 of the dataset file (`dataset-<hash>.bin`): identifies the data version (the index is rebuilt when it changes).
    pub content_hash: String,
    /// SHA-256 of the report file (`report-<hash>.bin`), checked when the store is opened (a damaged account of the
    /// rejects would print other rejects).
    pub report_hash: String,
    /// SHA-256 of this manifest as pretty JSON with this field empty ([`StoreManifest::sealed`]),
    /// checked when the store is opened: a damaged region or data description changed the
    /// report's title and warnings silently.
    #[serde(default)]
    pub checksum: String,
}

impl StoreManifest {
    /// The manifest's JSON with `checksum` empty: what the checksum is computed over.
    fn unsealed_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut open = self.clone();
        open.checksum = String::new();
        serde_json::to_vec_pretty(&open)
    }

    /// The manifest with its checksum set, and its JSON as a store writes it.
    pub fn sealed(mut self) -> Result<(StoreManifest, Vec<u8>), serde_json::Error> {
        self.checksum = hex(&Sha256::digest(self.unsealed_json()?));
        let json = serde_json::to_vec_pretty(&self)?;
        Ok((self, json))
    }
}

/// One input file of a store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Path relative to the data folder.
    pub file: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows accepted.
    pub accepted: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Rows outside the region imported.
    pub outside_region: u64,
}

/// Counts of what a store holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StoreCounts {
    /// ROME sheets.
    pub metiers: usize,
    /// Certifications.
    pub certifications: usize,
    /// Communes.
    pub communes: usize,
    /// Training offers.
    pub offers: usize,
    /// Needs (survey lines apportioned to ROME sheets).
    pub needs: usize,
    /// Rejected rows and fields.
    pub rejects: usize,
}

/// An opened store.
#[derive(Clone, Debug)]
pub struct Store {
    /// The folder.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: StoreManifest,
    /// The imported data.
    pub dataset: Dataset,
    /// What the import read and refused.
    pub report: ImportReport,
}

/// The serialisable mirror of [`ImportReport`] (kept here so that the report type stays plain).
#[derive(Serialize, Deserialize)]
struct StoredReport {
    files: Vec<StoredFile>,
    rejects: Vec<Reject>,
}

#[derive(Serialize, Deserialize)]
struct StoredFile {
    file: String,
    encoding: Option<String>,
    rows_read: u64,
    accepted: u64,
    rejected: u64,
    outside_region: u64,
}

fn encoding_key(e: TextEncoding) -> &'static str {
    match e {
        TextEncoding::Utf8 => "utf-8",
        TextEncoding::Utf8Bom => "utf-8-bom",
        TextEncoding::Windows1252 => "windows-1252",
        TextEncoding::Utf16Le => "utf-16le",
        TextEncoding::Utf16Be => "utf-16be",
    }
}

fn encoding_from_key(k: &str) -> Option<TextEncoding> {
    match k {
        "utf-8" => Some(TextEncoding::Utf8),
        "utf-8-bom" => Some(TextEncoding::Utf8Bom),
        "windows-1252" => Some(TextEncoding::Windows1252),
        "utf-16le" => Some(TextEncoding::Utf16Le),
        "utf-16be" => Some(TextEncoding::Utf16Be),
        _ => None,
    }
}

fn store_err(path: &Path, message: impl Into<String>) -> IngestError {
    IngestError::Store {
        path: path.to_owned(),
        message: message.into(),
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String, IngestError> {
    let bytes = fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(hex(&Sha256::digest(&bytes)))
}

/// The file whose lock a writer of the store holds.
pub const LOCK: &str = "store.lock";

/// Takes the store's write lock, or says who holds it: two imports into one store would mix the
/// files of both.
fn lock(dir: &Path) -> Result<fs::File, IngestError> {
    let path = dir.join(LOCK);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| IngestError::Write {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(store_err(
            &path,
            "another gapmap process is writing this store (it holds this lock): wait for it to finish, or import into another folder",
        )),
        Err(fs::TryLockError::Error(source)) => Err(IngestError::Io { path, source }),
    }
}

/// Writes `bytes` to `path` through a temporary file renamed over it; on failure (a full
/// disk), the temporary file is removed and `path` is left as it was.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IngestError> {
    let tmp = path.with_extension("tmp");
    let written = fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&tmp, path));
    written.map_err(|source| {
        let _ = fs::remove_file(&tmp);
        IngestError::Write {
            path: path.to_owned(),
            source,
        }
    })
}

/// Makes the folder's entries (new names, a rename) durable.
fn sync_dir(dir: &Path) -> Result<(), IngestError> {
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| IngestError::Write {
            path: dir.to_owned(),
            source,
        })
}

/// Removes the data files of earlier stores (and the files of the layout before format 6, and
/// temporary files of interrupted writes): best effort, a file left behind is only space.
fn remove_unnamed(dir: &Path, keep: &[&str]) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let data = (name.starts_with("dataset") || name.starts_with("report"))
            && (name.ends_with(".bin") || name.ends_with(".tmp"));
        if data && !keep.contains(&name) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

impl Store {
    /// Writes a store into `dir` (created if needed) and returns its manifest.
    ///
    /// `data_root` is the imported folder: every file named in `report` is hashed from there.
    pub fn write(
        dir: &Path,
        data_root: &Path,
        data_description: Option<&str>,
        region: Option<u8>,
        dataset: &Dataset,
        report: &ImportReport,
    ) -> Result<StoreManifest, IngestError> {
        fs::create_dir_all(dir).map_err(|source| IngestError::Write {
            path: dir.to_owned(),
            source,
        })?;
        // One writer at a time (held until the store is written; the OS releases it if the
        // process dies).
        let _lock = lock(dir)?;
        let snapshot = postcard::to_stdvec(dataset)
            .map_err(|e| store_err(dir, format!("cannot encode the dataset: {e}")))?;
        let stored = StoredReport {
            files: report
                .files
                .iter()
                .map(|f| StoredFile {
                    file: f.file.clone(),
                    encoding: f.encoding.map(|e| encoding_key(e).to_owned()),
                    rows_read: f.rows_read,
                    accepted: f.accepted,
                    rejected: f.rejected,
                    outside_region: f.outside_region,
                })
                .collect(),
            rejects: report.rejects.clone(),
        };
        let report_bytes = postcard::to_stdvec(&stored)
            .map_err(|e| store_err(dir, format!("cannot encode the import report: {e}")))?;
        let mut sources = Vec::with_capacity(report.files.len());
        for f in &report.files {
            let path = data_root.join(&f.file);
            let sha256 = if path.is_file() {
                sha256_file(&path)?
            } else {
                String::new()
            };
            sources.push(SourceFile {
                file: f.file.clone(),
                sha256,
                rows_read: f.rows_read,
                accepted: f.accepted,
                rejected: f.rejected,
                outside_region: f.outside_region,
            });
        }
        let manifest = StoreManifest {
            format: STORE_FORMAT,
            gapmap_version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: data_root.display().to_string(),
            data_description: data_description.map(str::to_owned),
            region,
            sources,
            counts: StoreCounts {
                metiers: dataset.referential.metiers.len(),
                certifications: dataset.referential.certifications.len(),
                communes: dataset.territory.communes.len(),
                offers: dataset.offers.len(),
                needs: dataset.needs.len(),
                rejects: report.rejects.len(),
            },
            content_hash: hex(&Sha256::digest(&snapshot)),
            report_hash: hex(&Sha256::digest(&report_bytes)),
            checksum: String::new(),
        };
        let (manifest, manifest_json) = manifest
            .sealed()
            .map_err(|e| store_err(dir, format!("cannot encode the manifest: {e}")))?;
        let dataset_name = dataset_file(&manifest.content_hash);
        let report_name = report_file(&manifest.report_hash);
        // Files this import adds (a store of the same content has them already): removed again
        // if the switch does not happen, so that a failed import leaves the folder as it was.
        let added: Vec<PathBuf> = [&dataset_name, &report_name]
            .into_iter()
            .map(|name| dir.join(name))
            .filter(|path| !path.exists())
            .collect();
        let switched = write_atomic(&dir.join(&dataset_name), &snapshot)
            .and_then(|()| write_atomic(&dir.join(&report_name), &report_bytes))
            .and_then(|()| sync_dir(dir))
            // The switch: one rename.
            .and_then(|()| write_atomic(&dir.join(MANIFEST), &manifest_json));
        if let Err(e) = switched {
            for path in &added {
                let _ = fs::remove_file(path);
            }
            return Err(e);
        }
        sync_dir(dir)?;
        remove_unnamed(dir, &[&dataset_name, &report_name]);
        Ok(manifest)
    }

    /// Reads only the manifest of the store in `dir`.
    pub fn read_manifest(dir: &Path) -> Result<StoreManifest, IngestError> {
        let path = dir.join(MANIFEST);
        let bytes = fs::read(&path).map_err(|source| IngestError::Io {
            path: path.clone(),
            source,
        })?;
        let manifest: StoreManifest = serde_json::from_slice(&bytes)
            .map_err(|e| store_err(&path, format!("not a gapmap store manifest: {e}")))?;
        if manifest.format != STORE_FORMAT {
            return Err(store_err(
                &path,
                format!(
                    "store format {} but this gapmap reads format {STORE_FORMAT}: import the data again",
                    manifest.format
                ),
            ));
        }
        let expected = manifest
            .unsealed_json()
            .map(|json| hex(&Sha256::digest(json)))
            .map_err(|e| store_err(&path, format!("cannot check: {e}")))?;
        if expected != manifest.checksum {
            return Err(store_err(
                &path,
                "does not match its checksum (damaged or edited): import the data again",
            ));
        }
        Ok(manifest)
    }

    /// Opens the store in `dir`, checking the snapshot against the manifest's hash.
    pub fn open(dir: &Path) -> Result<Store, IngestError> {
        match Store::open_once(dir) {
            // A writer replaced the store between our reading its manifest and its files.
            Err(IngestError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                Store::open_once(dir)
            }
            other => other,
        }
    }

    fn open_once(dir: &Path) -> Result<Store, IngestError> {
        let manifest = Store::read_manifest(dir)?;
        let dataset_path = dir.join(dataset_file(&manifest.content_hash));
        let snapshot = read_verified(&dataset_path, &manifest.content_hash)?;
        let dataset: Dataset = postcard::from_bytes(&snapshot)
            .map_err(|e| store_err(&dataset_path, format!("cannot decode: {e}")))?;
        let report_path = dir.join(report_file(&manifest.report_hash));
        let report_bytes = read_verified(&report_path, &manifest.report_hash)?;
        let stored: StoredReport = postcard::from_bytes(&report_bytes)
            .map_err(|e| store_err(&report_path, format!("cannot decode: {e}")))?;
        let report = ImportReport {
            files: stored
                .files
                .into_iter()
                .map(|f| FileReport {
                    file: f.file,
                    encoding: f.encoding.as_deref().and_then(encoding_from_key),
                    rows_read: f.rows_read,
                    accepted: f.accepted,
                    rejected: f.rejected,
                    outside_region: f.outside_region,
                })
                .collect(),
            rejects: stored.rejects,
        };
        Ok(Store {
            dir: dir.to_owned(),
            manifest,
            dataset,
            report,
        })
    }
}

/// The bytes of `path`, checked against the SHA-256 `hash` of the manifest.
fn read_verified(path: &Path, hash: &str) -> Result<Vec<u8>, IngestError> {
    let bytes = fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_owned(),
        source,
    })?;
    if hex(&Sha256::digest(&bytes)) != hash {
        return Err(store_err(
            path,
            "content does not match the manifest's hash: import again",
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gapmap_model::{Metier, RomeCode};

    #[test]
    fn store_round_trips_and_detects_tampering() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let data = tmp.path().join("data");
        fs::create_dir_all(&data)?;
        fs::write(data.join("a.csv"), "x;y\n1;2\n")?;
        let mut dataset = Dataset::default();
        let code: RomeCode = "M1844".parse()?;
        dataset.referential.metiers.insert(
            code,
            Metier {
                transitions: Default::default(),
                code,
                parent: code,
                ogr: "38".parse()?,
                label: "Analyste en cybersécurité".into(),
                domain: "M18".into(),
                domain_label: "Systèmes d'information".into(),
                themes: vec!["002".into()],
                regulated: false,
                manager: true,
            },
        );
        let mut report = ImportReport::default();
        report.accept("a.csv");
        report.reject(Reject {
            file: "a.csv".into(),
            line: 3,
            field: Some("x".into()),
            value: "?".into(),
            reason: "bad".into(),
            row_dropped: true,
        });
        let dir = tmp.path().join("store");
        let manifest = Store::write(&dir, &data, Some("demo"), Some(32), &dataset, &report)?;
        assert_eq!(manifest.counts.metiers, 1);
        assert_eq!(manifest.sources[0].rows_read, 2);
        assert_eq!(manifest.sources[0].sha256.len(), 64);
        let store = Store::open(&dir)?;
        assert_eq!(store.dataset, dataset);
        assert_eq!(store.report, report);
        assert_eq!(store.manifest, manifest);

        // A second store with other content replaces the first at once: the old files go.
        let mut other = dataset.clone();
        other.referential.metiers.clear();
        let second = Store::write(&dir, &data, Some("demo"), Some(32), &other, &report)?;
        assert_ne!(second.content_hash, manifest.content_hash);
        assert_eq!(Store::open(&dir)?.dataset, other);
        let mut names: Vec<String> = fs::read_dir(&dir)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()?;
        names.sort();
        let expected = [
            dataset_file(&second.content_hash),
            "manifest.json".to_owned(),
            report_file(&second.report_hash),
            LOCK.to_owned(),
        ];
        assert_eq!(names, expected);

        fs::write(dir.join(dataset_file(&second.content_hash)), b"garbage")?;
        let err = Store::open(&dir)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("does not match the manifest's hash"), "{err}");
        Ok(())
    }
}
