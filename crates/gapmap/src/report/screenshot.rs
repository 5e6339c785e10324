//! A PNG of `report.html` rendered by headless Chromium, for end-to-end checks by eye.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

/// Where Debian's `chromium` package installs the browser.
const CHROMIUM: &str = "/usr/bin/chromium";

/// Renders the page `html` in headless Chromium (1280 × 2400 window), writes a screenshot to `png`
/// and returns the messages the page wrote to the browser console (none for a sound report: it has
/// no script and loads nothing).
///
/// The browser runs without network features and with a fresh profile in a temporary folder, so
/// that nothing of a previous run or of the user's profile leaks in. Fails when Chromium is missing
/// (install it with `apt-get install chromium`), exits with an error, or writes no PNG.
pub fn screenshot(html: &Path, png: &Path) -> anyhow::Result<Vec<String>> {
    let page = html
        .canonicalize()
        .with_context(|| format!("finding {}", html.display()))?;
    let png_path = if png.is_absolute() {
        png.to_path_buf()
    } else {
        std::env::current_dir()?.join(png)
    };
    if png_path.exists() {
        std::fs::remove_file(&png_path)
            .with_context(|| format!("removing the old {}", png_path.display()))?;
    }
    let profile = FreshDir::new()?;
    let output = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,2400",
            // Console messages go to standard error with this, as `...:CONSOLE...` lines.
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.0.display()))
        .arg(format!("--screenshot={}", png_path.display()))
        .arg(file_url(&page))
        .output()
        .with_context(|| format!("running {CHROMIUM} (apt-get install chromium)"))?;
    if !output.status.success() {
        bail!(
            "{CHROMIUM} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    if !png_path.is_file() {
        bail!(
            "{CHROMIUM} wrote no screenshot at {}: {}",
            png_path.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let console = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    Ok(console)
}

/// `file://` URL of an absolute path, with the characters that would end or break a URL escaped.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => url.push_str("%25"),
            ' ' => url.push_str("%20"),
            '#' => url.push_str("%23"),
            '?' => url.push_str("%3F"),
            other => url.push(other),
        }
    }
    url
}

/// A new empty folder under the system's temporary folder, removed on drop.
struct FreshDir(std::path::PathBuf);

impl FreshDir {
    fn new() -> anyhow::Result<FreshDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default();
        let path =
            std::env::temp_dir().join(format!("gapmap-chromium-{}-{nanos}", std::process::id()));
        // create_dir (not create_dir_all) fails if the folder exists: the profile is always new.
        std::fs::create_dir(&path)
            .with_context(|| format!("creating the Chromium profile {}", path.display()))?;
        Ok(FreshDir(path))
    }
}

impl Drop for FreshDir {
    fn drop(&mut self) {
        // Best effort: a leftover profile in the temporary folder harms nothing.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
