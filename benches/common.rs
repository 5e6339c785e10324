//! Helpers shared by the benchmarks of `benches/` (each includes this file as a module).

#![allow(dead_code)] // each benchmark uses a part of it

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The project's root folder (every crate of `crates/` is two folders below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The real data: `$GAPMAP_DATA`, else `../shared/datasets` beside the checkout.
pub fn data_dir() -> PathBuf {
    std::env::var_os("GAPMAP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/datasets"))
}

/// The median of timed runs (the upper one of an even count).
pub fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}
