//! The index on disk: "here is my content hash, give me an index built from it".
//!
//! Layout of the index folder:
//! ```text
//! CURRENT                  name of the generation in use (replaced atomically)
//! gen-<nanos>-<pid>/       a complete generation: stamp.json, offers/, referential/
//! .build-<nanos>-<pid>/    a build in progress (or left by a crash: ignored, removed later)
//! build.lock               held by the one process building (another waits for it)
//! ```
//! A build writes a `.build-*` folder, renames it to `gen-*`, then replaces `CURRENT` by
//! renaming a temporary file over it. Until that last rename, openers see the previous
//! generation; after it, the new one. Old generations are removed after the switch (readers that
//! still have them open keep their open files on POSIX systems).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use gapmap_model::{Offer, Referential};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::offers::OffersIndex;
use crate::referential::ReferentialIndex;
use crate::{GapmapIndex, IndexError};

/// Version of the index layout and analysis; bumped when a change needs a rebuild.
pub const SCHEMA_VERSION: u32 = 6;

const CURRENT: &str = "CURRENT";
const STAMP: &str = "stamp.json";
const GENERATION_PREFIX: &str = "gen-";
const BUILD_PREFIX: &str = ".build-";
const BUILD_LOCK: &str = "build.lock";

/// What an index was built from: the caller's content hash and this crate's schema version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexStamp {
    /// Hash of the data the index was built from (e.g. the store's content hash).
    pub content_hash: String,
    /// [`SCHEMA_VERSION`] of the build.
    pub schema_version: u32,
}

impl IndexStamp {
    /// The stamp of a build of `content_hash` by this version of the crate.
    pub fn new(content_hash: &str) -> Self {
        IndexStamp {
            content_hash: content_hash.to_owned(),
            schema_version: SCHEMA_VERSION,
        }
    }
}

/// What `stamp.json` holds: the stamp, and the SHA-256 of each part's `meta.json` (tantivy keeps
/// no checksum of it, and a changed document count in it changed the gaps silently, or made
/// tantivy panic).
#[derive(Serialize, Deserialize)]
struct StampFile {
    #[serde(flatten)]
    stamp: IndexStamp,
    #[serde(default)]
    meta_sha256: std::collections::BTreeMap<String, String>,
}

/// The parts of a generation, each a tantivy index.
const PARTS: [&str; 2] = ["offers", "referential"];

/// The SHA-256 of `generation/part/meta.json`, in hexadecimal.
fn meta_sha256(generation: &Path, part: &str) -> Result<String, IndexError> {
    let path = generation.join(part).join("meta.json");
    let bytes = fs::read(&path).map_err(io(&path))?;
    Ok(Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Whether [`GapmapIndex::open_or_build`] reused the index on disk or built a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenOutcome {
    /// The stamp matched: the index on disk was opened.
    Reused,
    /// The index was missing, stale or damaged: it was rebuilt.
    Built,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + '_ {
    move |source| IndexError::Io {
        path: path.to_owned(),
        source,
    }
}

fn unique_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos}-{}", std::process::id())
}

/// The generation folder `CURRENT` names, if any.
fn current_generation(folder: &Path) -> Result<Option<PathBuf>, IndexError> {
    let pointer = folder.join(CURRENT);
    let name = match fs::read_to_string(&pointer) {
        Ok(name) => name.trim().to_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&pointer)(e)),
    };
    let valid = name.starts_with(GENERATION_PREFIX) && !name.contains(['/', '\\']);
    if !valid {
        return Err(IndexError::Damaged {
            path: pointer,
            reason: format!("{CURRENT} names {name:?}, not a generation folder"),
        });
    }
    Ok(Some(folder.join(name)))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, IndexError> {
    let text = fs::read_to_string(path).map_err(io(path))?;
    serde_json::from_str(&text).map_err(|e| IndexError::Damaged {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// Checks every file of `index` against the checksum tantivy wrote in it: a damaged segment would
/// answer searches, and so relevance and gaps, wrong without a word.
pub(crate) fn verify(index: &tantivy::Index, dir: &Path) -> Result<(), IndexError> {
    let damaged = index.validate_checksum()?;
    if damaged.is_empty() {
        return Ok(());
    }
    let mut files: Vec<String> = damaged.iter().map(|p| p.display().to_string()).collect();
    files.sort();
    Err(IndexError::Damaged {
        path: dir.to_owned(),
        reason: format!("files fail their checksum: {}", files.join(", ")),
    })
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), IndexError> {
    let text = serde_json::to_string(value).map_err(|e| IndexError::Damaged {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    fs::write(path, text).map_err(io(path))
}

impl GapmapIndex {
    /// The stamp of the index currently in `folder`, if there is a readable one.
    pub fn current_stamp(folder: &Path) -> Result<Option<IndexStamp>, IndexError> {
        match current_generation(folder)? {
            Some(generation) if generation.join(STAMP).is_file() => {
                read_json::<StampFile>(&generation.join(STAMP)).map(|f| Some(f.stamp))
            }
            _ => Ok(None),
        }
    }

    /// Opens the index in `folder` if it was built from `content_hash` by this schema version;
    /// `None` when there is none or it is stale.
    pub fn open_current(folder: &Path, content_hash: &str) -> Result<Option<Self>, IndexError> {
        let Some(generation) = current_generation(folder)? else {
            return Ok(None);
        };
        if Self::current_stamp(folder)? != Some(IndexStamp::new(content_hash)) {
            return Ok(None);
        }
        Self::open_generation(&generation).map(Some)
    }

    fn open_generation(generation: &Path) -> Result<Self, IndexError> {
        let file: StampFile = read_json(&generation.join(STAMP))?;
        for part in PARTS {
            let recorded = file.meta_sha256.get(part);
            if recorded != Some(&meta_sha256(generation, part)?) {
                return Err(IndexError::Damaged {
                    path: generation.join(part).join("meta.json"),
                    reason: "does not match the checksum its build recorded in stamp.json"
                        .to_owned(),
                });
            }
        }
        let stamp = file.stamp;
        Ok(GapmapIndex {
            offers: OffersIndex::open(&generation.join("offers"))?,
            referential: ReferentialIndex::open(&generation.join("referential"))?,
            stamp: Some(stamp),
            folder: Some(generation.to_owned()),
            offer_ids: std::sync::OnceLock::new(),
            known: crate::KnownWords::default(),
        })
    }

    /// Opens the index in `folder` if its stamp matches `content_hash`, else (missing, stale
    /// or damaged) builds it from `offers` and `referential` and switches to it.
    pub fn open_or_build(
        folder: &Path,
        content_hash: &str,
        offers: &[Offer],
        referential: &Referential,
    ) -> Result<(Self, OpenOutcome), IndexError> {
        // A damaged current index is rebuilt rather than reported: the data can remake it.
        if let Ok(Some(index)) = Self::open_current(folder, content_hash) {
            return Ok((index, OpenOutcome::Reused));
        }
        let lock = Self::wait_build_lock(folder)?;
        Self::open_or_build_locked(&lock, folder, content_hash, offers, referential)
    }

    /// Takes the build lock of `folder` (created if needed) if no other process holds it.
    pub fn try_build_lock(folder: &Path) -> Result<Option<BuildLock>, IndexError> {
        let (file, path) = lock_file(folder)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(BuildLock { _held: file })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(source)) => Err(IndexError::Io { path, source }),
        }
    }

    /// Waits for the build lock of `folder` (the OS releases the lock of a process that dies).
    pub fn wait_build_lock(folder: &Path) -> Result<BuildLock, IndexError> {
        let (file, path) = lock_file(folder)?;
        file.lock().map_err(io(&path))?;
        Ok(BuildLock { _held: file })
    }

    /// [`GapmapIndex::open_or_build`] with the build lock held: the index another process may
    /// have built meanwhile is reused, else it is built.
    pub fn open_or_build_locked(
        _lock: &BuildLock,
        folder: &Path,
        content_hash: &str,
        offers: &[Offer],
        referential: &Referential,
    ) -> Result<(Self, OpenOutcome), IndexError> {
        if let Ok(Some(index)) = Self::open_current(folder, content_hash) {
            return Ok((index, OpenOutcome::Reused));
        }
        let index = Self::build_locked(folder, content_hash, offers, referential)?;
        Ok((index, OpenOutcome::Built))
    }

    /// Builds a new generation in `folder` from `offers` and `referential`, switches to it
    /// atomically and removes the older generations and leftover builds. One builder at a time:
    /// a second one (another process) waits for the first to finish.
    pub fn build(
        folder: &Path,
        content_hash: &str,
        offers: &[Offer],
        referential: &Referential,
    ) -> Result<Self, IndexError> {
        let _lock = Self::wait_build_lock(folder)?;
        Self::build_locked(folder, content_hash, offers, referential)
    }

    fn build_locked(
        folder: &Path,
        content_hash: &str,
        offers: &[Offer],
        referential: &Referential,
    ) -> Result<Self, IndexError> {
        let suffix = unique_suffix();
        let building = folder.join(format!("{BUILD_PREFIX}{suffix}"));
        Self::write_generation(
            folder,
            &building,
            &suffix,
            content_hash,
            offers,
            referential,
        )
        .map_err(|e| {
            // A partial build is only space (on a full disk, the space that is missing).
            let _ = fs::remove_dir_all(&building);
            IndexError::Build {
                folder: folder.to_owned(),
                reason: e.to_string(),
            }
        })
    }

    /// Writes a generation in `building`, renames it and switches `CURRENT` to it.
    fn write_generation(
        folder: &Path,
        building: &Path,
        suffix: &str,
        content_hash: &str,
        offers: &[Offer],
        referential: &Referential,
    ) -> Result<Self, IndexError> {
        let building = building.to_owned();
        fs::create_dir(&building).map_err(io(&building))?;
        for part in ["offers", "referential"] {
            let path = building.join(part);
            fs::create_dir(&path).map_err(io(&path))?;
        }
        // Both parts at the same time; a panic of the other thread goes on as a panic here.
        let (offers_index, sheets) = std::thread::scope(|scope| {
            let sheets = scope.spawn(|| {
                ReferentialIndex::build(Some(&building.join("referential")), referential)
            });
            let offers_index =
                OffersIndex::build(Some(&building.join("offers")), offers, referential);
            let sheets = sheets
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (offers_index, sheets)
        });
        drop(offers_index?);
        drop(sheets?);
        // The stamp is written last: a generation without it is incomplete.
        let mut file = StampFile {
            stamp: IndexStamp::new(content_hash),
            meta_sha256: Default::default(),
        };
        for part in PARTS {
            file.meta_sha256
                .insert(part.to_owned(), meta_sha256(&building, part)?);
        }
        write_json(&building.join(STAMP), &file)?;
        readable_as_folder(&building)?;
        let name = format!("{GENERATION_PREFIX}{suffix}");
        let generation = folder.join(&name);
        fs::rename(&building, &generation).map_err(io(&generation))?;
        let pointer_tmp = folder.join(format!("{CURRENT}.{suffix}.tmp"));
        fs::write(&pointer_tmp, &name).map_err(io(&pointer_tmp))?;
        if let Ok(file) = fs::File::open(&pointer_tmp) {
            // Best effort: make the pointer durable before it replaces the old one.
            let _ = file.sync_all();
        }
        fs::rename(&pointer_tmp, folder.join(CURRENT)).map_err(io(folder))?;
        remove_others(folder, &name);
        Self::open_generation(&generation)
    }
}

/// The build lock of an index folder, held until dropped: without it, a builder finishing
/// removes another's build in progress.
#[derive(Debug)]
pub struct BuildLock {
    /// The locked file: the lock goes with it.
    _held: fs::File,
}

/// The lock file of `folder`'s builders (the folder and the file created if needed).
fn lock_file(folder: &Path) -> Result<(fs::File, PathBuf), IndexError> {
    fs::create_dir_all(folder).map_err(io(folder))?;
    let path = folder.join(BUILD_LOCK);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    Ok((file, path))
}

/// Gives every file under `dir` the read permissions of `dir` itself: tantivy writes some of its
/// files (`meta.json`, `.managed.json`) readable by their owner only, and another user who may
/// read the store (a shared, read-only copy) could not open its index.
#[cfg(unix)]
fn readable_as_folder(dir: &Path) -> Result<(), IndexError> {
    use std::os::unix::fs::PermissionsExt;
    let shared = fs::metadata(dir).map_err(io(dir))?.permissions().mode() & 0o444;
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        let meta = fs::metadata(&path).map_err(io(&path))?;
        if meta.is_dir() {
            readable_as_folder(&path)?;
        } else if meta.permissions().mode() & shared != shared {
            let mode = meta.permissions().mode() | shared;
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).map_err(io(&path))?;
        }
    }
    Ok(())
}

/// Other systems: files keep the permissions they were written with.
#[cfg(not(unix))]
fn readable_as_folder(_: &Path) -> Result<(), IndexError> {
    Ok(())
}

/// Removes generations other than `keep` and leftover builds and pointer files. Best effort: a
/// folder that cannot be removed now will be at the next build.
fn remove_others(folder: &Path, keep: &str) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if (name.starts_with(GENERATION_PREFIX) && name != keep) || name.starts_with(BUILD_PREFIX) {
            let _ = fs::remove_dir_all(&path);
        } else if name.starts_with(&format!("{CURRENT}.")) && name.ends_with(".tmp") {
            let _ = fs::remove_file(&path);
        }
    }
}
