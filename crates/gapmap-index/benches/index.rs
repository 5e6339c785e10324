//! Benchmarks of gapmap-index on the real data: build time (Hauts-de-France and national
//! offers), query latency p50/p99 for offer search with filters and for resolve, with one and
//! two concurrent readers.
//!
//! Run: `cargo bench -p gapmap-index --bench index` (reads `GAPMAP_DATA`, default
//! `../shared/datasets` from the workspace root).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use gapmap_index::{GapmapIndex, Near, OfferQuery};
use gapmap_ingest::{
    DataDir, ImportReport, OfferFilter, read_offers, read_referential, read_territory,
};
use gapmap_model::{
    Appellation, EuropeanLevel, GeoPoint, Metier, Offer, Referential, RegionCode, RomeCode,
};

type Error = Box<dyn std::error::Error>;

fn data_dir() -> PathBuf {
    std::env::var_os("GAPMAP_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets"),
        PathBuf::from,
    )
}

/// `read_referential`, or the two ROME files the resolver needs while it is not written yet.
fn referential(dir: &std::path::Path) -> Result<Referential, Error> {
    let data = DataDir::open(dir)?;
    let referential = read_referential(&data, &mut ImportReport::default())?;
    if !referential.metiers.is_empty() {
        return Ok(referential);
    }
    eprintln!("notice: read_referential returned no sheets, reading the ROME files directly");
    let mut r = Referential::default();
    let rome_dir = dir.join("rome-4.0");
    let mut sheets =
        csv::Reader::from_path(rome_dir.join("unix_referentiel_code_rome_v460_utf8.csv"))?;
    for row in sheets.records() {
        let row = row?;
        let code: RomeCode = row[0].parse()?;
        let metier = Metier {
            transitions: Default::default(),
            code,
            parent: row[9].parse()?,
            ogr: row[2].parse()?,
            label: row[3].to_owned(),
            domain: code.domain().to_owned(),
            domain_label: String::new(),
            themes: Vec::new(),
            regulated: false,
            manager: false,
        };
        r.metiers.insert(code, metier);
    }
    let mut titles =
        csv::Reader::from_path(rome_dir.join("unix_referentiel_appellation_v460_utf8.csv"))?;
    for row in titles.records() {
        let row = row?;
        r.appellations.push(Appellation {
            ogr: row[0].parse()?,
            label: row[1].to_owned(),
            short_label: row[2].to_owned(),
            rome: row[3].parse()?,
            rome_parent: row[11].parse()?,
            rare: &row[12] == "O",
        });
    }
    Ok(r)
}

fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    (at(0.5), at(0.99))
}

/// Runs `work` over `inputs` on `threads` threads (each thread the whole list), returns
/// per-call latencies.
fn measure<T: Sync>(threads: usize, inputs: &[T], work: impl Fn(&T) + Sync) -> Vec<Duration> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    inputs
                        .iter()
                        .map(|input| {
                            let start = Instant::now();
                            work(input);
                            start.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn offer_queries(referential: &Referential) -> Vec<OfferQuery> {
    let lille = GeoPoint::new(50.6292, 3.0573);
    // Every 61st appellation label as text, with filters in turn.
    referential
        .appellations
        .iter()
        .step_by(61)
        .enumerate()
        .map(|(i, a)| {
            let mut q = OfferQuery {
                text: a.label.clone(),
                limit: 50,
                ..OfferQuery::default()
            };
            match i % 3 {
                0 => q.regions = vec![RegionCode::HAUTS_DE_FRANCE],
                1 => {
                    q.min_level = EuropeanLevel::new(3);
                    q.max_level = EuropeanLevel::new(5);
                    q.regions = vec![RegionCode::HAUTS_DE_FRANCE];
                }
                _ => {
                    q.near = lille.map(|p| Near {
                        center: p,
                        radius_km: 50.0,
                    })
                }
            }
            q
        })
        .collect()
}

fn titles() -> Result<Vec<String>, Error> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../datasets/fixtures/resolve_titles.csv");
    let text = std::fs::read_to_string(path)?;
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let mut titles = Vec::new();
    for row in reader.records() {
        titles.push(row?[0].to_owned());
    }
    Ok(titles)
}

fn bench_index(
    name: &str,
    offers: &[Offer],
    referential: &Referential,
) -> Result<GapmapIndex, Error> {
    let scratch = tempfile::tempdir()?;
    let start = Instant::now();
    let index = GapmapIndex::build(scratch.path(), name, offers, referential)?;
    println!(
        "build {name}: {} offers + referential in {:.2} s",
        offers.len(),
        start.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    let (reopened, _) = GapmapIndex::open_or_build(scratch.path(), name, offers, referential)?;
    println!(
        "reopen {name}: {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
    drop(reopened);
    drop(index);
    // Searches run on an in-memory copy: the scratch folder goes away with this function.
    Ok(GapmapIndex::build_in_ram(offers, referential)?)
}

fn main() -> Result<(), Error> {
    // `cargo test --benches` runs bench binaries with `--bench` absent: only build, do not run.
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let dir = data_dir();
    if !dir.is_dir() {
        eprintln!(
            "notice: data folder {} missing, nothing measured",
            dir.display()
        );
        return Ok(());
    }
    let referential = referential(&dir)?;
    let data = DataDir::open(&dir)?;
    let territory = read_territory(&data, &mut ImportReport::default())?;
    let national = read_offers(
        &data,
        &referential,
        &territory,
        &OfferFilter::default(),
        &mut ImportReport::default(),
    )?;
    let regional = read_offers(
        &data,
        &referential,
        &territory,
        &OfferFilter {
            region: Some(RegionCode::HAUTS_DE_FRANCE),
            ..OfferFilter::default()
        },
        &mut ImportReport::default(),
    )?;
    println!(
        "data: {} sheets, {} appellations, {} competences, {} offers national, {} Hauts-de-France",
        referential.metiers.len(),
        referential.appellations.len(),
        referential.competences.len(),
        national.len(),
        regional.len()
    );
    let _ = bench_index("hauts-de-france", &regional, &referential)?;
    let index = bench_index("national", &national, &referential)?;
    let queries = offer_queries(&referential);
    let titles = titles()?;
    for threads in [1, 2] {
        let (p50, p99) = percentiles(measure(threads, &queries, |q| {
            let _ = index.search_offers(q);
        }));
        println!(
            "search_offers ({} queries, text + filters, top 50), {threads} reader(s): p50 {p50:.2} ms, p99 {p99:.2} ms",
            queries.len()
        );
        let (p50, p99) = percentiles(measure(threads, &titles, |t| {
            let _ = index.resolve(t, 5);
        }));
        println!(
            "resolve ({} titles, top 5), {threads} reader(s): p50 {p50:.2} ms, p99 {p99:.2} ms",
            titles.len()
        );
    }
    Ok(())
}
