//! `gapmap import`: read a data folder, write a store, print what was read.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Context;
use gapmap_ingest::{DataDir, ImportOptions, ImportReport, OfferFilter, Store};
use gapmap_model::{Dataset, Need, Offer};
use serde::Serialize;

use crate::cli::ImportArgs;
use crate::config;
use crate::progress::Progress;

/// The import summary, as printed (table) or serialised (`--json`, schema below).
///
/// JSON shape (stable): `{ "data_dir", "demo", "region", "files": [{file, encoding, rows_read,
/// accepted, rejected, outside_region}], "offers_by_source": [{source, offers, seats_known, offers_capacity_unknown}],
/// "needs_by_buyer": [{buyer, needs, volume, masked}], "offers_with_rome_share",
/// "location_precision": {point, commune, postcode, departement}, "rejects", "store" }`.
#[derive(Debug, Serialize)]
pub struct ImportSummary {
    /// Data folder read.
    pub data_dir: String,
    /// Whether it is the illustrative demo.
    pub demo: bool,
    /// Region kept (`null` = all).
    pub region: Option<String>,
    /// Per-file counts.
    pub files: Vec<FileRow>,
    /// Offers per source.
    pub offers_by_source: Vec<SourceRow>,
    /// Survey needs per buyer.
    pub needs_by_buyer: Vec<BuyerRow>,
    /// Share of offers with at least one ROME code (0-1).
    pub offers_with_rome_share: f64,
    /// Offers per location precision.
    pub location_precision: BTreeMap<String, usize>,
    /// Number of rejects (rows and fields).
    pub rejects: usize,
    /// Store written.
    pub store: Option<String>,
}

/// Per-file counts.
#[derive(Debug, Serialize)]
pub struct FileRow {
    file: String,
    encoding: Option<String>,
    rows_read: u64,
    accepted: u64,
    rejected: u64,
    outside_region: u64,
}

/// Offers of one source.
#[derive(Debug, Serialize)]
pub struct SourceRow {
    source: String,
    offers: usize,
    seats_known: u64,
    offers_capacity_unknown: usize,
}

/// Needs of one buyer.
#[derive(Debug, Serialize)]
pub struct BuyerRow {
    buyer: String,
    needs: usize,
    volume: f64,
    masked: usize,
}

/// Builds the summary of an import.
pub fn summarize(
    dataset: &Dataset,
    report: &ImportReport,
    data_dir: &str,
    demo: bool,
    region: Option<String>,
) -> ImportSummary {
    let files = report
        .files
        .iter()
        .map(|f| FileRow {
            file: f.file.clone(),
            encoding: f.encoding.map(|e| format!("{e:?}")),
            rows_read: f.rows_read,
            accepted: f.accepted,
            rejected: f.rejected,
            outside_region: f.outside_region,
        })
        .collect();
    ImportSummary {
        data_dir: data_dir.to_owned(),
        demo,
        region,
        files,
        offers_by_source: offers_by_source(&dataset.offers),
        needs_by_buyer: needs_by_buyer(&dataset.needs),
        offers_with_rome_share: share(
            dataset.offers.iter().filter(|o| !o.rome.is_empty()).count(),
            dataset.offers.len(),
        ),
        location_precision: dataset.offers.iter().fold(BTreeMap::new(), |mut m, o| {
            *m.entry(o.location.precision.key().to_owned()).or_insert(0) += 1;
            m
        }),
        rejects: report.rejects.len(),
        store: None,
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn offers_by_source(offers: &[Offer]) -> Vec<SourceRow> {
    let mut rows: BTreeMap<&str, SourceRow> = BTreeMap::new();
    for o in offers {
        let row = rows.entry(o.source.key()).or_insert_with(|| SourceRow {
            source: o.source.key().to_owned(),
            offers: 0,
            seats_known: 0,
            offers_capacity_unknown: 0,
        });
        row.offers += 1;
        match o.capacity.seats() {
            Some(n) => row.seats_known += u64::from(n),
            None => row.offers_capacity_unknown += 1,
        }
    }
    rows.into_values().collect()
}

fn needs_by_buyer(needs: &[Need]) -> Vec<BuyerRow> {
    let mut rows: BTreeMap<String, BuyerRow> = BTreeMap::new();
    for n in needs {
        let key = n.buyer.key();
        let row = rows.entry(key.clone()).or_insert_with(|| BuyerRow {
            buyer: key,
            needs: 0,
            volume: 0.0,
            masked: 0,
        });
        row.needs += 1;
        match n.volume.known() {
            Some(v) => row.volume += v.as_f64(),
            None => row.masked += 1,
        }
    }
    rows.into_values().collect()
}

/// Prints a summary as a readable table.
pub fn print_summary(s: &ImportSummary, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "Data: {}{}",
        s.data_dir,
        if s.demo {
            " (illustrative demo data)"
        } else {
            ""
        }
    )?;
    writeln!(out, "Region: {}", s.region.as_deref().unwrap_or("all"))?;
    writeln!(
        out,
        "\n{:<72} {:>9} {:>9} {:>9} {:>9}",
        "file", "read", "accepted", "rejected", "elsewhere"
    )?;
    for f in &s.files {
        writeln!(
            out,
            "{:<72} {:>9} {:>9} {:>9} {:>9}",
            f.file, f.rows_read, f.accepted, f.rejected, f.outside_region
        )?;
    }
    writeln!(
        out,
        "\n{:<16} {:>8} {:>12} {:>18}",
        "offers", "count", "seats", "capacity unknown"
    )?;
    for r in &s.offers_by_source {
        writeln!(
            out,
            "{:<16} {:>8} {:>12} {:>18}",
            r.source, r.offers, r.seats_known, r.offers_capacity_unknown
        )?;
    }
    writeln!(
        out,
        "offers with ROME codes: {:.1} %",
        s.offers_with_rome_share * 100.0
    )?;
    let precision: Vec<String> = s
        .location_precision
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    writeln!(out, "location precision: {}", precision.join(", "))?;
    writeln!(
        out,
        "\n{:<24} {:>8} {:>12} {:>8}",
        "needs (survey)", "count", "volume/yr", "masked"
    )?;
    for r in &s.needs_by_buyer {
        writeln!(
            out,
            "{:<24} {:>8} {:>12.0} {:>8}",
            r.buyer, r.needs, r.volume, r.masked
        )?;
    }
    writeln!(out, "\nrejects: {} (see `gapmap rejects`)", s.rejects)?;
    if let Some(store) = &s.store {
        writeln!(out, "store: {store}")?;
    }
    Ok(())
}

/// Reads `data` with `options`.
pub fn import_folder(
    data: &config::DataChoice,
    options: &ImportOptions,
    progress: &Progress,
) -> anyhow::Result<(DataDir, gapmap_ingest::Import)> {
    let dir = DataDir::open(&data.dir)?;
    let imported = progress
        .step("import", || gapmap_ingest::import(&dir, options))
        .with_context(|| format!("importing {}", data.dir.display()))?;
    Ok((dir, imported))
}

/// Runs `gapmap import`.
pub fn run(args: &ImportArgs, progress: &Progress, out: &mut dyn Write) -> anyhow::Result<()> {
    let data = config::data_dir(args.data.as_deref())?;
    let region = config::region(&args.region)?;
    let options = ImportOptions {
        region,
        offers: OfferFilter {
            region,
            all_years: args.all_years,
        },
        skip_bmo: false,
    };
    let (dir, imported) = import_folder(&data, &options, progress)?;
    let manifest = progress.step("write store", || {
        Store::write(
            &args.store,
            dir.root(),
            dir.description(),
            region.map(|r| r.get()),
            &imported.dataset,
            &imported.report,
        )
    })?;
    let mut summary = summarize(
        &imported.dataset,
        &imported.report,
        &data.dir.display().to_string(),
        data.is_demo,
        region.map(|r| r.to_string()),
    );
    summary.store = Some(format!(
        "{} (content {})",
        args.store.display(),
        &manifest.content_hash[..12]
    ));
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &summary)?;
        writeln!(out)?;
    } else {
        print_summary(&summary, out)?;
    }
    progress.finish("imported");
    Ok(())
}
