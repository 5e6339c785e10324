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

/// A quote left open no longer swallows the needs after it silently: the file is refused at its
/// line, naming the field and how many lines it takes in.
#[test]
fn an_unclosed_quote_is_named() {
    check(
        "quote.csv",
        &format!(
            "{HEADER}a;mn;\"Marin;N3102;departement:59;3\nb;mn;Soudeur;H2913;departement:59;5\n"
        ),
        &[],
        false,
        &[
            "quote.csv: line 2: field \"specialite\": a quote (\") opened here is not closed on its line: it takes in the next 1 line(s)",
        ],
    );
    // A quoted cell over two lines of text (a spreadsheet's Alt+Enter) is a cell, not an error.
    check(
        "multiline.csv",
        &format!("{HEADER}a;mn;\"Marin\npont\";N3102;departement:59;3\n"),
        &["--by", "need"],
        true,
        &[],
    );
}

/// A needs file saved as UTF-16 (a spreadsheet's "Unicode text") is read as such: the same gaps
/// as the UTF-8 file (it was refused as empty, and summarised as Windows-1252).
#[test]
fn a_utf16_needs_file_gives_the_same_gaps() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let plan = project_root().join("datasets/needs/armees-hdf-2026.csv");
    let text = std::fs::read_to_string(&plan)?;
    let gaps = |file: &std::path::Path| {
        crate::gapmap_ok(
            tmp.path(),
            &[
                "gaps",
                "--needs",
                file.to_str().unwrap_or_default(),
                "--by",
                "buyer",
                "--format",
                "csv",
                "--quiet",
            ],
        )
    };
    for (name, bom, big_endian) in [
        ("le.csv", &[0xFF, 0xFE][..], false),
        ("be.csv", &[0xFE, 0xFF][..], true),
        ("le-nobom.csv", &[][..], false),
    ] {
        let path = tmp.path().join(name);
        let units = text.encode_utf16().flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        });
        std::fs::write(&path, bom.iter().copied().chain(units).collect::<Vec<u8>>())?;
        assert_eq!(gaps(&path), gaps(&plan), "{name}");
    }
    Ok(())
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
    let store = demo_store(tmp.path())?;
    let store = store.to_str().ok_or("path")?;
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

/// Standard error that cannot be written (`2>/dev/full`) does not crash a run, and a reader that
/// closes the pipe early (`| head -c 1`, on the 150-530 KB of the offers' table, more than a
/// pipe holds) ends it with success in every format.
#[test]
fn closed_outputs_end_runs_cleanly() -> Result<(), Box<dyn std::error::Error>> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full")?;
    let out = Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(["gaps", "--by", "buyer"])
        .current_dir(project_root())
        .env_remove("GAPMAP_DATA")
        .stderr(Stdio::from(full))
        .output()?;
    assert!(out.status.success(), "{:?}", out.status);
    assert!(String::from_utf8_lossy(&out.stdout).contains("armee-de-terre"));
    for format in ["table", "csv", "json"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gapmap"))
            .args(["supply", "--offers", "--quiet", "--format", format])
            .current_dir(project_root())
            .env_remove("GAPMAP_DATA")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut first = [0u8; 1];
        child
            .stdout
            .take()
            .ok_or("stdout")?
            .read_exact(&mut first)?;
        // The reader is gone: the next writes fail with a broken pipe.
        let out = child.wait_with_output()?;
        assert!(
            out.status.success(),
            "{format}: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// Flips one byte in the middle of `path`.
/// The demo imported into `dir/store`.
fn demo_store(dir: &std::path::Path) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    let demo = project_root().join("datasets/demo");
    let store = dir.join("store");
    crate::gapmap_ok(
        dir,
        &[
            "import",
            "--data",
            demo.to_str().ok_or("path")?,
            "--store",
            store.to_str().ok_or("path")?,
            "--quiet",
        ],
    );
    Ok(store)
}

/// `text` (a tantivy `meta.json`) with its first `"max_doc"` one less.
fn one_document_less(text: &str) -> Option<String> {
    let key = text.find("\"max_doc\"")? + "\"max_doc\"".len();
    let start = key + text[key..].find(|c: char| c.is_ascii_digit())?;
    let len = text[start..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len() - start);
    let count: u64 = text[start..start + len].parse().ok()?;
    Some(format!(
        "{}{}{}",
        &text[..start],
        count.checked_sub(1)?,
        &text[start + len..]
    ))
}

fn flip(path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut bytes = std::fs::read(path)?;
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x5a;
    std::fs::write(path, bytes)?;
    Ok(())
}

/// The files under `dir` (recursively) whose name ends with `suffix`.
fn files_ending(dir: &std::path::Path, suffix: &str) -> Vec<std::path::PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(suffix))
        .collect()
}

/// A damaged store or index never gives other figures: a byte flipped in the document stores of
/// the offers' index (which, unchecked, changed the demo's gaps silently in one segment and
/// crashed in the other) makes the index fail its checksums and be built again, the same gaps; one flipped in the store's report or dataset file is an error naming the file.
#[test]
fn damaged_store_and_index_give_no_other_figures() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let store = demo_store(tmp.path())?;
    let store_arg = store.to_str().ok_or("path")?;
    let plan = project_root().join("datasets/needs/armees-hdf-2026.csv");
    let plan = plan.to_str().ok_or("path")?;
    let gaps = || {
        crate::gapmap_ok(
            tmp.path(),
            &[
                "gaps", "--store", store_arg, "--needs", plan, "--by", "need", "--format", "json",
                "--quiet",
            ],
        )
    };
    let before = gaps();
    let stores = files_ending(&store.join("index"), ".store");
    assert!(!stores.is_empty(), "the index's document stores");
    for file in &stores {
        flip(file)?;
    }
    assert_eq!(gaps(), before, "damaged {stores:?}");
    // A document count one less in each part's meta.json, which tantivy keeps no checksum of
    // (it changed the gaps silently, or made tantivy panic): built again, the same figures.
    let metas = files_ending(&store.join("index"), "meta.json");
    assert_eq!(metas.len(), 2, "{metas:?}");
    for meta in &metas {
        let text = std::fs::read_to_string(meta)?;
        std::fs::write(meta, one_document_less(&text).ok_or("max_doc")?)?;
    }
    assert_eq!(gaps(), before, "damaged {metas:?}");
    // The manifest's region edited: refused, naming the manifest (the report's title and map
    // changed silently).
    let manifest = store.join("manifest.json");
    let text = std::fs::read_to_string(&manifest)?;
    std::fs::write(
        &manifest,
        text.replacen("\"region\": 32", "\"region\": 33", 1),
    )?;
    let out = gapmap(tmp.path(), &["rejects", "--store", store_arg, "--quiet"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && stderr.contains("manifest.json")
            && stderr.contains("does not match its checksum"),
        "{stderr}"
    );
    std::fs::write(&manifest, text)?;
    // A region other than the store's: refused (it was ignored, the store's figures printed).
    let out = gapmap(
        tmp.path(),
        &["gaps", "--store", store_arg, "--region", "11", "--quiet"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("holds region 32"),
        "{stderr}"
    );
    for prefix in ["report-", "dataset-"] {
        let file = std::fs::read_dir(&store)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
            })
            .ok_or(prefix)?;
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        flip(&file)?;
        let out = gapmap(tmp.path(), &["rejects", "--store", store_arg, "--quiet"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}");
        assert!(
            stderr.contains(&name) && stderr.contains("does not match the manifest's hash"),
            "{name}: {stderr}"
        );
        flip(&file)?;
    }
    Ok(())
}

/// Sources must not vanish without a word: a file the folder's `gapmap-data.toml` maps but does not
/// hold, a source file with only its header, and a store another process is writing are errors
/// naming the file.
#[test]
fn missing_empty_or_locked_sources_are_errors() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let demo = project_root().join("datasets/demo");
    let copy = |name: &str| -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
        let to = tmp.path().join(name);
        copy_dir(&demo.to_string_lossy(), &to.to_string_lossy())?;
        Ok(to)
    };
    let import = |data: &std::path::Path, store: &str| {
        let out = gapmap(
            tmp.path(),
            &[
                "import",
                "--data",
                data.to_str().unwrap_or_default(),
                "--store",
                tmp.path().join(store).to_str().unwrap_or_default(),
                "--quiet",
            ],
        );
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A mapped file that is missing.
    let missing = copy("missing")?;
    std::fs::remove_file(missing.join("offers/affelnet/demo_attractivite_capacite_2022.csv"))?;
    let (ok, err) = import(&missing, "s1");
    assert!(
        !ok && err.contains("gapmap-data.toml") && err.contains("not a file of the folder"),
        "{err}"
    );
    // The latest year's file with its header only.
    let empty = copy("empty")?;
    let latest = empty.join("offers/affelnet/demo_attractivite_capacite_2022.csv");
    let text = std::fs::read_to_string(&latest)?;
    let header = text.lines().next().unwrap_or_default().to_owned();
    std::fs::write(&latest, format!("{header}\n"))?;
    let (ok, err) = import(&empty, "s2");
    assert!(
        !ok && err.contains("demo_attractivite_capacite_2022.csv") && err.contains("no data row"),
        "{err}"
    );
    // A store whose lock another process holds.
    let store = tmp.path().join("s4");
    std::fs::create_dir_all(&store)?;
    let lock = std::fs::File::create(store.join("store.lock"))?;
    lock.try_lock()?;
    let (ok, err) = import(&project_root().join("datasets/demo"), "s4");
    assert!(
        !ok && err.contains("another gapmap process is writing this store"),
        "{err}"
    );
    drop(lock);
    let (ok, err) = import(&project_root().join("datasets/demo"), "s4");
    assert!(ok, "{err}");
    Ok(())
}

const STRACE: &str = "/usr/bin/strace";

/// Runs `gapmap args...` in `dir` under strace, which kills it (SIGKILL) at its `n`-th rename.
fn gapmap_killed_at_rename(
    dir: &std::path::Path,
    n: usize,
    args: &[&str],
) -> std::io::Result<std::process::Output> {
    let inject = format!("inject=rename,renameat,renameat2:signal=SIGKILL:when={n}");
    std::process::Command::new(STRACE)
        .args([
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=rename,renameat,renameat2",
        ])
        .args(["-e", &inject, env!("CARGO_BIN_EXE_gapmap")])
        .args(args)
        .current_dir(dir)
        .env_remove("GAPMAP_DATA")
        .output()
}

/// Whether a run ended by strace's SIGKILL, not failed some other way (ptrace refused...).
fn killed(run: &std::process::Output) -> bool {
    std::os::unix::process::ExitStatusExt::signal(&run.status) == Some(9)
}

/// Copies a folder with `cp -r`.
pub(crate) fn copy_dir(from: &str, to: &str) -> Result<(), Box<dyn std::error::Error>> {
    let copied = std::process::Command::new("cp")
        .args(["-r", from, to])
        .status()?;
    if !copied.success() {
        return Err(format!("cp -r {from} {to}: {copied}").into());
    }
    Ok(())
}

/// The switch to a new store is atomic: an import killed at any of its renames (by `strace`, which
/// sends SIGKILL at the n-th one) leaves a store that opens, with the old figures or the new ones,
/// never an error or other figures; an index build killed at any of its renames is built again by
/// the next command, with the same figures.
#[test]
fn a_kill_at_any_rename_leaves_a_readable_store() -> Result<(), Box<dyn std::error::Error>> {
    if !std::path::Path::new(STRACE).exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: {STRACE} missing (apt-get install strace)"
        );
        eprintln!("notice: {STRACE} missing: kill test skipped outside CI");
        return Ok(());
    }
    let tmp = tempfile::tempdir()?;
    let demo = project_root().join("datasets/demo");
    let demo = demo.to_str().ok_or("path")?;
    let plan = project_root().join("datasets/needs/armees-hdf-2026.csv");
    let plan = plan.to_str().ok_or("path")?;
    let path = |name: &str| tmp.path().join(name).to_string_lossy().into_owned();
    let gaps = |store: &str| {
        crate::gapmap(
            tmp.path(),
            &[
                "gaps", "--store", store, "--needs", plan, "--by", "buyer", "--format", "json",
                "--quiet",
            ],
        )
    };
    let import = ["import", "--data", demo, "--quiet", "--store"];
    let (old, new) = (path("old"), path("new"));
    crate::gapmap_ok(tmp.path(), &[&import[..], &[old.as_str()]].concat());
    crate::gapmap_ok(
        tmp.path(),
        &[&import[..], &[new.as_str(), "--all-years"]].concat(),
    );
    // The figures, without the store's path.
    let json = |out: &[u8]| -> serde_json::Value {
        let mut doc: serde_json::Value = serde_json::from_slice(out).unwrap_or_default();
        doc["source"] = serde_json::Value::Null;
        doc
    };
    let figures = |store: &str| json(&gaps(store).stdout);
    let (old_figures, new_figures) = (figures(&old), figures(&new));
    assert_ne!(old_figures, new_figures, "the two imports differ");
    let (mut kills, mut new_files_seen) = (0, false);
    for n in 1..200 {
        let work = path(&format!("work{n}"));
        copy_dir(&old, &work)?;
        let args = [&import[..], &[work.as_str(), "--all-years"]].concat();
        let run = gapmap_killed_at_rename(tmp.path(), n, &args)?;
        if run.status.success() {
            // Fewer than n renames: the import ran to its end.
            assert_eq!(figures(&work), new_figures, "an import run to its end");
            break;
        }
        assert!(
            killed(&run),
            "rename {n}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let data_files = std::fs::read_dir(&work)?
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("dataset-"))
            .count();
        new_files_seen |= data_files > 1;
        kills += 1;
        let after = gaps(&work);
        let stderr = String::from_utf8_lossy(&after.stderr);
        assert!(after.status.success(), "killed at rename {n}: {stderr}");
        let got = json(&after.stdout);
        assert!(
            got == old_figures || got == new_figures,
            "killed at rename {n}: other figures"
        );
        std::fs::remove_dir_all(&work)?;
    }
    assert!(
        kills >= 3,
        "the import renames its dataset, report and manifest: {kills} kills"
    );
    assert!(
        new_files_seen,
        "a kill came after the new store's files were written, before the switch"
    );
    eprintln!("{kills} imports killed, one at each rename, each leaving a readable store");
    // An index build (the first command on a store builds it) killed at each of its renames: the
    // next command builds it again and gives the same figures.
    let mut kills = 0;
    for n in 1..200 {
        let work = path(&format!("index{n}"));
        copy_dir(&new, &work)?;
        std::fs::remove_dir_all(std::path::Path::new(&work).join("index"))?;
        let args = [
            "gaps", "--store", &work, "--needs", plan, "--by", "buyer", "--format", "json",
            "--quiet",
        ];
        let run = gapmap_killed_at_rename(tmp.path(), n, &args)?;
        if run.status.success() {
            assert_eq!(json(&run.stdout), new_figures, "a build run to its end");
            break;
        }
        assert!(
            killed(&run),
            "index rename {n}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        kills += 1;
        assert_eq!(
            figures(&work),
            new_figures,
            "index build killed at rename {n}"
        );
        std::fs::remove_dir_all(&work)?;
    }
    assert!(
        kills >= 2,
        "the build renames its generation and its pointer: {kills} kills"
    );
    eprintln!(
        "{kills} index builds killed, one at each rename, each built again with the same figures"
    );
    Ok(())
}

/// A scenario year far outside the data (a typo) is refused with the change and the valid range,
/// not applied as if it were near.
#[test]
fn a_scenario_year_far_outside_the_data_is_refused() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let scenario = tmp.path().join("s.toml");
    for year in ["20266", "1990"] {
        std::fs::write(
            &scenario,
            format!(
                "[[change]]\nkind = \"open\"\ncfd = \"50022139\"\ncommune = \"80021\"\nseats = 24\nyear = {year}\n"
            ),
        )?;
        let out = gapmap(
            tmp.path(),
            &[
                "gaps",
                "--scenario",
                scenario.to_str().ok_or("path")?,
                "--quiet",
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{year}");
        assert!(
            stderr.contains(&format!(
                "change 1: year {year} is outside the data's reach: give a year from "
            )),
            "{stderr}"
        );
    }
    Ok(())
}

/// A command that finds the index being built by another process says so and waits for it (the
/// lock was held without a word), then answers with the figures of the store.
#[test]
fn a_command_waiting_for_another_index_build_says_so() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let store = demo_store(tmp.path())?;
    let store_arg = store.to_str().ok_or("path")?;
    let gaps = [
        "gaps", "--store", store_arg, "--by", "buyer", "--format", "json", "--quiet",
    ];
    let expected = crate::gapmap_ok(tmp.path(), &gaps);
    std::fs::remove_dir_all(store.join("index"))?;
    std::fs::create_dir_all(store.join("index"))?;
    let lock = std::fs::File::create(store.join("index").join("build.lock"))?;
    lock.lock()?;
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(gaps)
        .current_dir(tmp.path())
        .env_remove("GAPMAP_DATA")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    std::thread::sleep(std::time::Duration::from_millis(1500));
    drop(lock);
    let out = child.wait_with_output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("waiting for another gapmap process that is building this store's index"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    Ok(())
}

/// The user id of this process (from `/proc/self/status`; 0 where that is not readable).
fn user_id() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

/// Runs a copy of gapmap in `dir` so that it cannot write `store`: as another user (`nobody`,
/// through `setpriv`) when the tests run as root, whom permissions do not stop; otherwise with
/// the store's write permissions removed (given back at the end).
fn gapmap_read_only(
    dir: &std::path::Path,
    store: &std::path::Path,
    args: &[&str],
) -> Result<std::process::Output, Box<dyn std::error::Error>> {
    use std::os::unix::fs::PermissionsExt;
    let binary = dir.join("gapmap-copy");
    if !binary.exists() {
        std::fs::copy(env!("CARGO_BIN_EXE_gapmap"), &binary)?;
    }
    for path in [dir, binary.as_path()] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    }
    let set_writable = |writable: bool| -> Result<(), Box<dyn std::error::Error>> {
        for entry in walk(store) {
            let mut permissions = std::fs::metadata(&entry)?.permissions();
            permissions.set_readonly(!writable);
            std::fs::set_permissions(&entry, permissions)?;
        }
        Ok(())
    };
    let out = if user_id() == 0 {
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary)
            .args(args)
            .current_dir(dir)
            .env_remove("GAPMAP_DATA")
            .output()
            .map_err(|e| format!("setpriv (util-linux) is needed to run as another user: {e}"))?
    } else {
        set_writable(false)?;
        let out = std::process::Command::new(&binary)
            .args(args)
            .current_dir(dir)
            .env_remove("GAPMAP_DATA")
            .output();
        set_writable(true)?;
        out?
    };
    Ok(out)
}

/// Runs `script` with bash in `dir` (for the shell's `ulimit`, `trap` and redirections), the
/// data variable unset.
fn bash(dir: &std::path::Path, script: &str) -> std::io::Result<std::process::Output> {
    std::process::Command::new("bash")
        .args(["-c", script])
        .current_dir(dir)
        .env_remove("GAPMAP_DATA")
        .output()
}

/// `dir` and everything under it.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = vec![dir.to_owned()];
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Every file under `dir` with its size and modification time.
fn listing(dir: &std::path::Path) -> Vec<(std::path::PathBuf, u64, std::time::SystemTime)> {
    walk(dir)
        .into_iter()
        .filter_map(|p| {
            let meta = std::fs::metadata(&p).ok()?;
            Some((p, meta.len(), meta.modified().ok()?))
        })
        .collect()
}

/// A store that cannot be written is searched and matched as a writable one: with its index
/// current, nothing is written (tantivy's lock files are not needed to read, and the index's
/// files are readable by whoever may read the store); with its index missing, it is built in
/// memory for the run, said. Before, the search failed on `build.lock`, and the index, had it
/// been readable, was built anew.
#[test]
fn a_read_only_store_is_read_without_writing() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let store = demo_store(tmp.path())?;
    let store_arg = store.to_str().ok_or("path")?;
    let search = [
        "search",
        "maintenance",
        "--store",
        store_arg,
        "--limit",
        "5",
    ];
    let gaps = [
        "gaps", "--quiet", "--bmo", "--store", store_arg, "--format", "csv",
    ];
    // Writable: the index is built beside the store.
    let expected_search = crate::gapmap_ok(tmp.path(), &search);
    let expected_gaps = crate::gapmap_ok(tmp.path(), &gaps);
    let before = listing(&store);
    for args in [&search[..], &gaps[..]] {
        let out = gapmap_read_only(tmp.path(), &store, args)?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(!stderr.contains("in memory"), "{args:?}: {stderr}");
        let expected = if args[0] == "search" {
            &expected_search
        } else {
            &expected_gaps
        };
        assert_eq!(&String::from_utf8_lossy(&out.stdout), expected, "{args:?}");
    }
    assert_eq!(listing(&store), before, "a read wrote in the store");
    // Without its index: built in memory, said, nothing written.
    std::fs::remove_dir_all(store.join("index"))?;
    let before = listing(&store);
    let out = gapmap_read_only(tmp.path(), &store, &search)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("index is missing or was built for other data")
            && stderr.contains("cannot be written")
            && stderr.contains("built in memory for this run"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected_search);
    assert_eq!(listing(&store), before, "a read wrote in the store");
    Ok(())
}

/// A full disk (simulated by a file size limit: `ulimit -f`, the signal it sends ignored so
/// that writes fail with "File too large" as on a full disk) during an import over a store:
/// the import fails naming the file it could not write, leaves no partial file, and the previous
/// store opens with its figures. A full standard output fails the run with the reason, never a
/// success or a panic.
#[test]
fn a_full_disk_leaves_the_previous_store() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let store = demo_store(tmp.path())?;
    let store_arg = store.to_str().ok_or("path")?;
    let gaps = [
        "gaps", "--quiet", "--bmo", "--store", store_arg, "--format", "csv",
    ];
    let before = crate::gapmap_ok(tmp.path(), &gaps);
    // Files only: the folder's own time changes with the temporary file made and removed.
    let files = || -> Vec<_> {
        listing(&store)
            .into_iter()
            .filter(|(p, _, _)| p.is_file())
            .collect()
    };
    let files_before = files();
    // The demo's dataset file is 1.2 MB: 300 KB are written, then the disk is "full".
    let demo = project_root().join("datasets/demo");
    let import = format!(
        "trap '' XFSZ; ulimit -f 300; exec {} import --data {} --store {store_arg} --all-years --quiet",
        env!("CARGO_BIN_EXE_gapmap"),
        demo.display()
    );
    let out = bash(tmp.path(), &import)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot write: File too large") && stderr.contains("dataset-"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("File too large").count(), 1, "{stderr}");
    assert_eq!(
        files(),
        files_before,
        "the failed import left or changed files"
    );
    assert_eq!(crate::gapmap_ok(tmp.path(), &gaps), before);
    // The index built again on a full disk: in memory for the run, said, the same answers, no
    // partial build left (it was, and the error named no file).
    std::fs::remove_dir_all(store.join("index"))?;
    let limited = format!(
        "trap '' XFSZ; ulimit -f 50; exec {} gaps --quiet --bmo --store {store_arg} --format csv",
        env!("CARGO_BIN_EXE_gapmap")
    );
    let out = bash(tmp.path(), &limited)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("cannot be built there") && stderr.contains("built in memory"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), before);
    let leftovers: Vec<_> = std::fs::read_dir(store.join("index"))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".build-") || n.starts_with("gen-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Standard output on a full device.
    let out = bash(
        tmp.path(),
        &format!(
            "exec {} gaps --quiet --bmo --store {store_arg} --format csv > /dev/full",
            env!("CARGO_BIN_EXE_gapmap")
        ),
    )?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot write standard output: No space left on device"),
        "{stderr}"
    );
    Ok(())
}

/// Readers while imports replace the store: every search run during two imports of other data
/// into the same store succeeds and prints the old store's answer or the new one's, whole, never
/// an error or a mixture (the store's switch is one rename, each index generation is complete
/// before it is named, and a reader whose index was built for another content builds its own).
#[test]
fn readers_during_imports_see_one_store_or_the_other() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let store = demo_store(tmp.path())?;
    let store_arg = store.to_str().ok_or("path")?.to_owned();
    let search = [
        "search",
        "maintenance",
        "--store",
        &store_arg,
        "--limit",
        "20",
        "--json",
    ];
    let old = crate::gapmap_ok(tmp.path(), &search);
    // Other data: the demo without its 2022 Affelnet file's last 40 offers.
    let other = tmp.path().join("other");
    copy_dir(
        &project_root().join("datasets/demo").to_string_lossy(),
        &other.to_string_lossy(),
    )?;
    let affelnet = other.join("offers/affelnet/demo_attractivite_capacite_2022.csv");
    let text = std::fs::read_to_string(&affelnet)?;
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&affelnet, lines[..lines.len() - 40].join("\n") + "\n")?;
    let other_arg = other.to_str().ok_or("path")?.to_owned();
    let import = |data: &str| {
        crate::gapmap_ok(
            tmp.path(),
            &["import", "--data", data, "--store", &store_arg, "--quiet"],
        )
    };
    let demo = project_root().join("datasets/demo");
    let demo_arg = demo.to_str().ok_or("path")?.to_owned();
    let new = {
        // The new store's answer, measured in a store of its own.
        let alone = tmp.path().join("alone");
        crate::gapmap_ok(
            tmp.path(),
            &[
                "import",
                "--data",
                &other_arg,
                "--store",
                alone.to_str().ok_or("path")?,
                "--quiet",
            ],
        );
        let alone_arg = alone.to_str().ok_or("path")?.to_owned();
        let mut args = search;
        args[3] = &alone_arg;
        crate::gapmap_ok(tmp.path(), &args)
    };
    assert_ne!(old, new, "the two data folders must answer differently");
    let answers = std::thread::scope(|scope| {
        let readers: Vec<_> = (0..3)
            .map(|_| {
                scope.spawn(|| {
                    (0..6)
                        .map(|_| crate::gapmap(tmp.path(), &search))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        import(&other_arg);
        import(&demo_arg);
        import(&other_arg);
        readers
            .into_iter()
            .flat_map(|r| r.join().unwrap_or_default())
            .collect::<Vec<_>>()
    });
    assert_eq!(answers.len(), 18);
    for out in &answers {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout == old || stdout == new, "a mixed answer:\n{stdout}");
    }
    assert_eq!(crate::gapmap_ok(tmp.path(), &search), new);
    Ok(())
}
