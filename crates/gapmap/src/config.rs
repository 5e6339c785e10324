//! Validated configuration built from the raw arguments of [`crate::cli`].

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use gapmap_model::RegionCode;

/// Environment variable naming the default data folder.
pub const DATA_ENV: &str = "GAPMAP_DATA";

/// The project's illustrative demo data, used when no data folder is given.
pub fn demo_data_dir() -> PathBuf {
    let local = Path::new("datasets/demo");
    if local.join("gapmap-data.toml").is_file() {
        return local.to_owned();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/demo")
}

/// The project's illustrative Ministry plan, used when no needs file is given.
pub fn default_needs_file() -> PathBuf {
    let local = Path::new("datasets/needs/armees-hdf-2026.csv");
    if local.is_file() {
        return local.to_owned();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/needs/armees-hdf-2026.csv")
}

/// A data folder and whether it is the demo.
#[derive(Debug, Clone)]
pub struct DataChoice {
    /// The folder.
    pub dir: PathBuf,
    /// Whether it was chosen by default (the demo data).
    pub is_demo: bool,
}

/// `--data`, else `$GAPMAP_DATA`, else the demo folder.
pub fn data_dir(arg: Option<&Path>) -> anyhow::Result<DataChoice> {
    let (dir, is_demo) = match (arg, std::env::var_os(DATA_ENV)) {
        (Some(dir), _) => (dir.to_owned(), false),
        (None, Some(env)) if !env.is_empty() => (PathBuf::from(env), false),
        _ => (demo_data_dir(), true),
    };
    if !dir.is_dir() {
        bail!("data folder {} does not exist", dir.display());
    }
    Ok(DataChoice { dir, is_demo })
}

/// `32` -> Hauts-de-France, `all` -> no restriction.
pub fn region(arg: &str) -> anyhow::Result<Option<RegionCode>> {
    if arg.eq_ignore_ascii_case("all") {
        return Ok(None);
    }
    let code = arg.parse::<RegionCode>().with_context(|| {
        format!("--region {arg:?}: expected a region code such as 32, or `all`")
    })?;
    Ok(Some(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_argument() {
        assert_eq!(
            region("32").ok().flatten(),
            Some(RegionCode::HAUTS_DE_FRANCE)
        );
        assert_eq!(region("ALL").ok(), Some(None));
        let err = region("Hauts")
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            err.starts_with("--region \"Hauts\": expected a region code"),
            "{err}"
        );
    }
}
