//! Every committed fuzz input replayed through its check: the seeds and the inputs fuzzing kept
//! (`corpus/<target>/`), and each input that once broke a reader (`regressions/<target>/`,
//! named after what it broke).

use std::path::{Path, PathBuf};

use gapmap_fuzz::{Target, check};

fn inputs(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Replays `corpus/<target>` and `regressions/<target>`; returns how many inputs ran.
#[track_caller]
fn replay(target: Target) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ran = 0;
    for kind in ["corpus", "regressions"] {
        for path in inputs(&root.join(kind).join(target.name())) {
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if let Err(finding) = check(target, &data) {
                panic!("{}: {finding}", path.display());
            }
            ran += 1;
        }
    }
    ran
}

#[test]
fn every_corpus_and_regression_input_passes_its_check() {
    for target in Target::ALL {
        let ran = replay(target);
        // Each target has its seeds committed: an empty folder would test nothing.
        assert!(ran >= 3, "{}: only {ran} inputs", target.name());
    }
}
