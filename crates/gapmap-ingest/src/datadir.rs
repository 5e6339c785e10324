//! A data folder: where each input file is.
//!
//! By default a data folder follows the layout of [`crate::layout`] (that of `../shared/datasets`,
//! i.e. the publishers' own file names). A folder whose files are named otherwise (a newer vintage,
//! the demo's miniature files) maps the standard names to its own in a `gapmap-data.toml` at its
//! root:
//!
//! ```toml
//! [files]
//! "rome-4.0/unix_referentiel_code_rome_v460_utf8.csv" = "rome/metiers_demo.csv"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::IngestError;

/// The manifest file name at the root of a data folder.
pub const DATA_MANIFEST: &str = "gapmap-data.toml";

/// A data folder and its file-name mapping.
#[derive(Clone, Debug)]
pub struct DataDir {
    root: PathBuf,
    renames: BTreeMap<String, String>,
    description: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    description: Option<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
}

impl DataDir {
    /// Opens a data folder, reading its `gapmap-data.toml` if there is one.
    pub fn open(root: impl Into<PathBuf>) -> Result<DataDir, IngestError> {
        let root = root.into();
        if !root.is_dir() {
            return Err(IngestError::Io {
                path: root,
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a folder"),
            });
        }
        let manifest_path = root.join(DATA_MANIFEST);
        let mut manifest_text = String::new();
        let (renames, description) = if manifest_path.is_file() {
            let text =
                std::fs::read_to_string(&manifest_path).map_err(|source| IngestError::Io {
                    path: manifest_path.clone(),
                    source,
                })?;
            let manifest: Manifest = toml::from_str(&text).map_err(|e| IngestError::Format {
                file: DATA_MANIFEST.to_owned(),
                line: e
                    .span()
                    .map_or(1, |s| 1 + text[..s.start].matches('\n').count() as u64),
                message: e.message().to_owned(),
            })?;
            manifest_text = text;
            (manifest.files, manifest.description)
        } else {
            (BTreeMap::new(), None)
        };
        let dir = DataDir {
            root,
            renames,
            description,
        };
        dir.check(&manifest_text)?;
        Ok(dir)
    }

    /// Refuses what would otherwise make sources vanish without a word: a source folder that
    /// cannot be read (permissions), a file the manifest (`manifest_text`) maps that does not
    /// exist (at the line that maps it).
    fn check(&self, manifest_text: &str) -> Result<(), IngestError> {
        let entries = std::fs::read_dir(&self.root).map_err(|source| IngestError::Io {
            path: self.root.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir()
                && let Err(source) = std::fs::read_dir(&path)
            {
                return Err(IngestError::Io { path, source });
            }
        }
        for (standard, own) in &self.renames {
            let path = self.root.join(own);
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_file() => continue,
                Err(source) if source.kind() != std::io::ErrorKind::NotFound => {
                    return Err(IngestError::Io { path, source });
                }
                _ => {}
            }
            let line = manifest_text
                .find(&format!("\"{own}\""))
                .map_or(1, |at| 1 + manifest_text[..at].matches('\n').count() as u64);
            return Err(IngestError::Format {
                file: DATA_MANIFEST.to_owned(),
                line,
                message: format!(
                    "maps {standard:?} to {own:?}, which is not a file of the folder ({})",
                    path.display()
                ),
            });
        }
        Ok(())
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder's own description (from its manifest), e.g. to say that data is illustrative.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The path, relative to the folder, of the input with this standard name.
    pub fn file<'a>(&'a self, standard: &'a str) -> &'a str {
        self.renames.get(standard).map_or(standard, String::as_str)
    }

    /// The absolute path of the input with this standard name.
    pub fn path(&self, standard: &str) -> PathBuf {
        self.root.join(self.file(standard))
    }

    /// Whether the input with this standard name exists in the folder.
    pub fn has(&self, standard: &str) -> bool {
        self.path(standard).is_file()
    }
}
