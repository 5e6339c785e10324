//! Hostile input: each case is a file or an argument a planner could get wrong, and the clear,
//! positioned refusal it must get (never a figure computed from it).

use crate::{gapmap, project_root};

/// A needs file written in a temporary folder, the command run on the demo data: it must fail
/// (or succeed) with every `expected` text on standard error.
#[track_caller]
fn check(name: &str, needs: &str, args: &[&str], succeeds: bool, expected: &[&str]) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let path = tmp.path().join(name);
    std::fs::write(&path, needs).unwrap_or_else(|e| panic!("write: {e}"));
    let path = path.to_str().unwrap_or_default();
    let mut all = vec!["gaps", "--quiet", "--needs", path];
    all.extend_from_slice(args);
    let out = gapmap(&project_root(), &all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.success(), succeeds, "{name}: {stderr}");
    for text in expected {
        assert!(stderr.contains(text), "{name}: {text:?} not in\n{stderr}");
    }
}

const HEADER: &str = "id;acheteur;specialite;rome;lieu;volume\n";

/// Places the data's territory does not know are refused row by row (their distances would be
/// unknown, and a need at `commune:99999` was "covered"); a file whose every row is refused says
/// why, row by row.
#[test]
fn unknown_places_are_refused_with_their_line() {
    check(
        "places.csv",
        &format!(
            "{HEADER}a;mn;Marin;N3102;commune:99999;3\nb;mn;Marin;N3102;bassin:9999;3\n\
             c;mn;Marin;N3102;region:99;3\nd;mn;Marin;N3102;departement:59;3\n"
        ),
        &[],
        true,
        &[
            "places.csv:2: field \"lieu\": no commune of this code in the data's territory",
            "places.csv:3: field \"lieu\": no employment area of this code",
            "places.csv:4: field \"lieu\": no region of this code",
        ],
    );
    check(
        "all-refused.csv",
        &format!("{HEADER}a;mn;Marin;N3102;region:99;3\n"),
        &[],
        false,
        &[
            "no needs to match: every row of the needs files was refused",
            "all-refused.csv:2: field \"lieu\"",
        ],
    );
}

/// Ambiguous or oversized input: two columns for one field, a field of thousands of characters,
/// a device instead of a file.
#[test]
fn ambiguous_and_oversized_input_is_refused() {
    check(
        "two-volumes.csv",
        "id;acheteur;specialite;lieu;volume;effectif\na;mn;Marin;region:32;3;300\n",
        &[],
        false,
        &[
            "two-volumes.csv: line 1",
            "columns 5 and 6 both give `volume`",
        ],
    );
    let long = "x".repeat(5000);
    check(
        "long.csv",
        &format!("{HEADER}a;mn;{long};N3102;region:32;3\nb;mn;Marin;N3102;region:32;3\n"),
        &[],
        true,
        &["long.csv:2", "field 3 holds 5000 characters: at most 1000"],
    );
    let out = gapmap(
        &project_root(),
        &[
            "gaps",
            "--quiet",
            "--needs",
            "/dev/zero",
            "--no-default-needs",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

/// A search with no searchable word is refused with the reason, not answered with the whole
/// catalogue at score 1.
#[test]
fn search_without_a_searchable_word_is_refused() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let store = tmp.path().join("store");
    let store = store.to_str().ok_or("path")?;
    let demo = project_root().join("datasets/demo");
    crate::gapmap_ok(
        tmp.path(),
        &[
            "import",
            "--data",
            demo.to_str().ok_or("path")?,
            "--store",
            store,
            "--quiet",
        ],
    );
    for (text, expected) in [
        ("!!!", "no searchable word"),
        ("🚁", "no searchable word"),
        (&"a".repeat(45) as &str, "no searchable word"),
        ("", "nothing to search"),
    ] {
        let out = gapmap(tmp.path(), &["search", text, "--store", store, "--quiet"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{text:?}");
        assert!(stderr.contains(expected), "{text:?}: {stderr}");
    }
    Ok(())
}

/// An import for a region the data do not hold would write a store without offers: refused, with
/// the regions it holds.
#[test]
fn import_of_an_unknown_region_is_refused() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let demo = project_root().join("datasets/demo");
    let store = tmp.path().join("store");
    let out = gapmap(
        tmp.path(),
        &[
            "import",
            "--data",
            demo.to_str().ok_or("path")?,
            "--region",
            "99",
            "--store",
            store.to_str().ok_or("path")?,
            "--quiet",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("region 99: not a region of the data's territory (regions: "),
        "{stderr}"
    );
    assert!(!store.join("manifest.json").exists());
    Ok(())
}
