//! The store: an imported dataset written once per data version, reopened fast.
//!
//! Layout of a store folder:
//! - `manifest.json`: gapmap version, store format, region, the source files with their SHA-256,
//!   counts, and the content hash of the snapshot (readable by analysts and by other tools);
//! - `dataset.bin`: the [`Dataset`] as a compact binary snapshot (postcard);
//! - `report.bin`: the [`ImportReport`] (per-file counts and every reject).
//!
//! Writes go to temporary files renamed into place, the manifest last: a crash mid-write leaves
//! the previous store readable, and a store without a manifest is not a store.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use gapmap_model::Dataset;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{FileReport, ImportReport, IngestError, Reject, TextEncoding};

/// Version of the on-disk format; bumped when the snapshot's shape changes.
pub const STORE_FORMAT: u32 = 5;

const MANIFEST: &str = "manifest.json";
const DATASET: &str = "dataset.bin";
const REPORT: &str = "report.bin";

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
    /// SHA-256 of `dataset.bin`: identifies the data version (the index is rebuilt when it changes).
    pub content_hash: String,
    /// SHA-256 of `report.bin`, checked when the store is opened (a damaged account of the
    /// rejects would print other rejects).
    pub report_hash: String,
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
    }
}

fn encoding_from_key(k: &str) -> Option<TextEncoding> {
    match k {
        "utf-8" => Some(TextEncoding::Utf8),
        "utf-8-bom" => Some(TextEncoding::Utf8Bom),
        "windows-1252" => Some(TextEncoding::Windows1252),
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
        .map_err(|source| IngestError::Io {
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

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IngestError> {
    let tmp = path.with_extension("tmp");
    let io = |source| IngestError::Io {
        path: tmp.clone(),
        source,
    };
    let mut f = fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    fs::rename(&tmp, path).map_err(|source| IngestError::Io {
        path: path.to_owned(),
        source,
    })
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
        fs::create_dir_all(dir).map_err(|source| IngestError::Io {
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
        };
        let manifest_json = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| store_err(dir, format!("cannot encode the manifest: {e}")))?;
        write_atomic(&dir.join(DATASET), &snapshot)?;
        write_atomic(&dir.join(REPORT), &report_bytes)?;
        write_atomic(&dir.join(MANIFEST), &manifest_json)?;
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
        Ok(manifest)
    }

    /// Opens the store in `dir`, checking the snapshot against the manifest's hash.
    pub fn open(dir: &Path) -> Result<Store, IngestError> {
        let manifest = Store::read_manifest(dir)?;
        let dataset_path = dir.join(DATASET);
        let snapshot = fs::read(&dataset_path).map_err(|source| IngestError::Io {
            path: dataset_path.clone(),
            source,
        })?;
        if hex(&Sha256::digest(&snapshot)) != manifest.content_hash {
            return Err(store_err(
                &dataset_path,
                "content does not match the manifest's hash: import again",
            ));
        }
        let dataset: Dataset = postcard::from_bytes(&snapshot)
            .map_err(|e| store_err(&dataset_path, format!("cannot decode: {e}")))?;
        let report_path = dir.join(REPORT);
        let report_bytes = fs::read(&report_path).map_err(|source| IngestError::Io {
            path: report_path.clone(),
            source,
        })?;
        if hex(&Sha256::digest(&report_bytes)) != manifest.report_hash {
            return Err(store_err(
                &report_path,
                "content does not match the manifest's hash: import again",
            ));
        }
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

        fs::write(dir.join(DATASET), b"garbage")?;
        let err = Store::open(&dir)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("does not match the manifest's hash"), "{err}");
        Ok(())
    }
}
