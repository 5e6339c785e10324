//! Test helpers shared by the referential's modules, and the tests on the real data.

use std::fmt::Write as _;
use std::path::PathBuf;

use expect_test::Expect;

use crate::{DataDir, ImportReport, IngestError};

/// A file of a sample data folder: its standard name and its bytes.
pub(super) struct Sample {
    path: &'static str,
    bytes: Vec<u8>,
}

impl Sample {
    /// UTF-8 without BOM.
    pub fn utf8(path: &'static str, text: &str) -> Sample {
        Sample {
            path,
            bytes: text.as_bytes().to_vec(),
        }
    }

    /// UTF-8 with a BOM and CRLF line ends, as France Compétences and the DARES publish.
    pub fn bom_crlf(path: &'static str, text: &str) -> Sample {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
        Sample { path, bytes }
    }

    /// Windows-1252, as the BCN's `nFormationDiplome_` (and Latin-1 files) are published.
    pub fn windows_1252(path: &'static str, text: &str) -> Sample {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
        assert!(!unmappable, "sample not encodable in Windows-1252");
        Sample {
            path,
            bytes: bytes.into_owned(),
        }
    }
}

/// Writes `samples` to a temporary data folder, runs `read` on it, and compares with `expect`
/// what it printed, then the report: per-file counts and encodings, and every reject.
#[track_caller]
pub(super) fn check(
    samples: &[Sample],
    read: impl FnOnce(&DataDir, &mut ImportReport) -> Result<String, IngestError>,
    expect: Expect,
) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary folder: {e}"));
    for sample in samples {
        let path = dir.path().join(sample.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&path, &sample.bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let data = DataDir::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let mut report = ImportReport::default();
    let mut out = match read(&data, &mut report) {
        Ok(out) => out,
        Err(e) => format!("error: {e}\n"),
    };
    out += &print_report(&report);
    expect.assert_eq(&out);
}

fn print_report(report: &ImportReport) -> String {
    let mut out = String::new();
    for f in &report.files {
        let _ = writeln!(
            out,
            "file {} {:?}: read {} accepted {} rejected {}",
            f.file, f.encoding, f.rows_read, f.accepted, f.rejected
        );
    }
    for r in &report.rejects {
        let _ = writeln!(out, "reject {r}");
    }
    out
}

/// The real data folder: `GAPMAP_DATA`, else `../shared/datasets` of the workspace. `None` (with
/// a notice) when it is missing, unless `CI` is set: then the test fails.
pub(super) fn real_data() -> Option<DataDir> {
    let path = std::env::var_os("GAPMAP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets")
        });
    if !path.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "data folder {} missing (CI is set)",
            path.display()
        );
        eprintln!(
            "notice: data folder {} missing: real-data test skipped",
            path.display()
        );
        return None;
    }
    Some(DataDir::open(path).unwrap_or_else(|e| panic!("{e}")))
}

mod on_real_data;
