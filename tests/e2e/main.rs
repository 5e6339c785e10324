//! End-to-end tests of the `gapmap` command: each runs the real binary in a temporary folder.
//!
//! One test binary for the whole app (see ENGINEERING notes: each `tests/*.rs` would link again).

mod browser;
mod cli;
mod horizon;
mod hostile;
mod importers;
mod recommend;
mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The real data folder: `$GAPMAP_DATA`, else `../shared/datasets` beside the checkout.
/// `None` (with a notice) when missing outside CI; a failure in CI.
pub fn real_data() -> Option<PathBuf> {
    let dir = std::env::var_os("GAPMAP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"));
    if dir.join("SOURCES.md").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI: real data missing at {}",
        dir.display()
    );
    eprintln!(
        "notice: real data missing at {}: real-data test skipped outside CI",
        dir.display()
    );
    None
}

/// The project's root folder.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `gapmap args...` in `dir` with a clean environment for the data variable.
#[track_caller]
pub fn gapmap(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(args)
        .current_dir(dir)
        .env_remove("GAPMAP_DATA")
        .output()
        .unwrap_or_else(|e| panic!("cannot run gapmap: {e}"))
}

/// Runs gapmap and asserts success, returning standard output.
#[track_caller]
pub fn gapmap_ok(dir: &Path, args: &[&str]) -> String {
    let out = gapmap(dir, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "gapmap {args:?} failed ({}):\n{stderr}\n{stdout}",
        out.status
    );
    stdout
}
