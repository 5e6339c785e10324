//! `gapmap gaps` and `gapmap explain`.
//!
//! JSON of `gaps` (stable, `format_version` 1): `{format_version, by, source, total: Row, rows:
//! [Row]}` with `Row = {key, label, needs, masked_needs, demand, covered, gap, coverage, small}`
//! (volumes in people per year, three decimals; `coverage` in [0, 1] or null).

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Context;
use gapmap_match::{Axis, MatchOutcome, NeedStatus};
use gapmap_model::{Dataset, NeedId, Volume};
use serde::Serialize;

use crate::cli::{ByAxis, ExplainArgs, Format, GapsArgs, MatchArgs, SourceArgs};
use crate::commands::search::cut;
use crate::pipeline::{self, Loaded};
use crate::progress::Progress;

/// Output format version.
pub const FORMAT_VERSION: u32 = 1;

/// One row of a gap table as the app prints and exports it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TableRow {
    /// Value on the axis (`H2903`, `59`, a need id...).
    pub key: String,
    /// Readable label (French, as published).
    pub label: String,
    /// Needs with a known volume.
    pub needs: usize,
    /// Needs with a masked volume (not in the volumes).
    pub masked_needs: usize,
    /// Demand (people per year).
    pub demand: f64,
    /// Covered.
    pub covered: f64,
    /// Gap.
    pub gap: f64,
    /// Covered share.
    pub coverage: Option<f64>,
    /// Below the small-count threshold.
    pub small: bool,
}

fn people(v: Volume) -> f64 {
    v.milli() as f64 / 1000.0
}

fn label_of(dataset: &Dataset, axis: Axis, key: &str) -> String {
    let t = &dataset.territory;
    let found = match axis {
        Axis::Rome => key
            .parse()
            .ok()
            .and_then(|c| dataset.referential.metiers.get(&c))
            .map(|m| m.label.clone()),
        Axis::Departement => key
            .parse()
            .ok()
            .and_then(|d| t.departements.get(&d))
            .map(|d| d.name.clone()),
        Axis::Bassin => key
            .parse()
            .ok()
            .and_then(|b| t.bassins.get(&b))
            .map(|b| b.name.clone()),
        Axis::Level => key
            .parse::<u8>()
            .ok()
            .and_then(gapmap_model::EuropeanLevel::new)
            .map(|l| format!("Niveau {l} ({})", l.typical_diploma())),
        Axis::Buyer => key
            .parse::<gapmap_model::Buyer>()
            .ok()
            .map(|b| b.label_fr()),
        Axis::Tag => None,
    };
    found.unwrap_or_else(|| key.to_owned())
}

fn match_axis(by: ByAxis) -> Option<Axis> {
    match by {
        ByAxis::Rome => Some(Axis::Rome),
        ByAxis::Departement => Some(Axis::Departement),
        ByAxis::Bassin => Some(Axis::Bassin),
        ByAxis::Level => Some(Axis::Level),
        ByAxis::Buyer => Some(Axis::Buyer),
        ByAxis::Tag => Some(Axis::Tag),
        ByAxis::Need | ByAxis::Competence => None,
    }
}

/// The gap table of `outcome` along `by`, biggest gap first (ties by key).
pub fn table(outcome: &MatchOutcome, dataset: &Dataset, by: ByAxis) -> Vec<TableRow> {
    let small = outcome.small_count_threshold as f64;
    let mut rows: Vec<TableRow> = match (by, match_axis(by)) {
        (_, Some(axis)) => outcome
            .aggregate(axis)
            .into_iter()
            .map(|r| TableRow {
                label: label_of(dataset, axis, &r.key),
                coverage: r.coverage(),
                key: r.key,
                needs: r.needs,
                masked_needs: r.masked_needs,
                demand: people(r.volume),
                covered: people(r.covered),
                gap: people(r.gap),
                small: r.small,
            })
            .collect(),
        (ByAxis::Competence, None) => outcome
            .competences
            .iter()
            .map(|c| {
                let demand = people(c.demand);
                let covered = people(c.demand.min(c.graduates));
                TableRow {
                    key: c.competence.to_string(),
                    label: c.label.clone().unwrap_or_default(),
                    needs: c.needs,
                    masked_needs: 0,
                    demand,
                    covered,
                    gap: demand - covered,
                    coverage: (demand > 0.0).then(|| covered / demand),
                    small: demand < small,
                }
            })
            .collect(),
        _ => outcome
            .needs
            .iter()
            .map(|n| TableRow {
                key: n.id.to_string(),
                label: n.specialty.clone(),
                needs: usize::from(n.volume.known().is_some()),
                masked_needs: usize::from(n.volume.known().is_none()),
                demand: people(n.known_volume()),
                covered: people(n.covered),
                gap: people(n.gap),
                coverage: n.coverage(),
                small: n.small,
            })
            .collect(),
    };
    rows.sort_by(|a, b| b.gap.total_cmp(&a.gap).then_with(|| a.key.cmp(&b.key)));
    rows
}

/// The total row of an outcome.
pub fn total(outcome: &MatchOutcome) -> TableRow {
    let t = outcome.total();
    TableRow {
        key: "total".into(),
        label: "Total".into(),
        needs: t.needs,
        masked_needs: t.masked_needs,
        demand: people(t.volume),
        covered: people(t.covered),
        gap: people(t.gap),
        coverage: t.coverage(),
        small: t.small,
    }
}

/// Loads, matches (applying the scenario if any) and returns the data and the outcome.
pub fn compute(
    source: &SourceArgs,
    matching: &MatchArgs,
    progress: &Progress,
) -> anyhow::Result<(Loaded, MatchOutcome)> {
    let loaded = pipeline::load(source, progress)?;
    let (config, _) = pipeline::match_config(matching.config.as_deref())?;
    let (needs, needs_report) = pipeline::needs(matching, &loaded)?;
    warn_rejects(&needs_report);
    let outcome = match &matching.scenario {
        Some(path) => {
            let scenario = pipeline::scenario(path)?;
            let d = &loaded.dataset;
            let offers = gapmap_match::apply(&scenario, &d.offers, &d.referential, &d.territory)
                .with_context(|| format!("applying scenario {}", path.display()))?;
            let index = pipeline::scenario_index(&loaded, &offers, progress)?;
            pipeline::run_match(&loaded, &offers, &needs, &index, &config, progress)
        }
        None => {
            let index = pipeline::index(&loaded, progress)?;
            pipeline::run_match(
                &loaded,
                &loaded.dataset.offers,
                &needs,
                &index,
                &config,
                progress,
            )
        }
    };
    Ok((loaded, outcome))
}

/// Prints the rejected rows of needs files on standard error: never lost, never fatal.
pub fn warn_rejects(report: &gapmap_ingest::ImportReport) {
    for r in &report.rejects {
        eprintln!("gapmap: warning: {r}");
    }
}

/// Runs `gapmap gaps`.
pub fn run(args: &GapsArgs, progress: &Progress, out: &mut dyn Write) -> anyhow::Result<()> {
    let (loaded, outcome) = compute(&args.source, &args.matching, progress)?;
    let rows = table(&outcome, &loaded.dataset, args.by);
    let total = total(&outcome);
    match args.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                format_version: u32,
                by: String,
                source: &'a str,
                total: &'a TableRow,
                rows: &'a [TableRow],
            }
            let by = format!("{:?}", args.by).to_lowercase();
            let doc = Doc {
                format_version: FORMAT_VERSION,
                by,
                source: &loaded.source_label,
                total: &total,
                rows: &rows,
            };
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        Format::Csv => {
            // Same conventions as the report's tables: BOM, `;`, text cells neutralised.
            out.write_all("\u{FEFF}".as_bytes())?;
            let mut writer = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(&mut *out);
            writer.write_record(csv_header())?;
            for r in rows.iter().chain(std::iter::once(&total)) {
                writer.write_record(csv_record(r))?;
            }
            writer.flush()?;
        }
        Format::Table => {
            let limit = if args.limit == 0 {
                usize::MAX
            } else {
                args.limit
            };
            writeln!(
                out,
                "{:<28} {:<50} {:>9} {:>9} {:>9} {:>6}",
                "key", "label", "demand", "covered", "gap", "cover"
            )?;
            for r in rows.iter().take(limit).chain(std::iter::once(&total)) {
                let cover = r
                    .coverage
                    .map(|c| format!("{:.0}%", c * 100.0))
                    .unwrap_or_else(|| "-".into());
                let flag = if r.small { " (small)" } else { "" };
                writeln!(
                    out,
                    "{:<28} {:<50} {:>9.1} {:>9.1} {:>9.1} {:>6}{flag}",
                    cut(&r.key, 28),
                    cut(&r.label, 50),
                    r.demand,
                    r.covered,
                    r.gap,
                    cover
                )?;
            }
            if rows.len() > limit {
                writeln!(
                    out,
                    "({} more rows: --limit 0 shows all)",
                    rows.len() - limit
                )?;
            }
            if total.masked_needs > 0 {
                writeln!(
                    out,
                    "{} needs with a masked volume are reported apart",
                    total.masked_needs
                )?;
            }
        }
    }
    progress.finish("gaps computed");
    Ok(())
}

/// Column names of gap tables in CSV.
pub fn csv_header() -> Vec<String> {
    [
        "key",
        "label",
        "needs",
        "masked_needs",
        "demand",
        "covered",
        "gap",
        "coverage",
        "small",
    ]
    .map(String::from)
    .to_vec()
}

fn csv_record(r: &TableRow) -> Vec<String> {
    vec![
        crate::report::text_cell(&r.key),
        crate::report::text_cell(&r.label),
        r.needs.to_string(),
        r.masked_needs.to_string(),
        format!("{:.3}", r.demand),
        format!("{:.3}", r.covered),
        format!("{:.3}", r.gap),
        r.coverage.map(|c| format!("{c:.4}")).unwrap_or_default(),
        r.small.to_string(),
    ]
}

/// Runs `gapmap explain`.
pub fn explain(args: &ExplainArgs, progress: &Progress, out: &mut dyn Write) -> anyhow::Result<()> {
    let (loaded, outcome) = compute(&args.source, &args.matching, progress)?;
    let id = NeedId(args.need_id.clone());
    let Some(ex) = outcome.explain(&id) else {
        let known: Vec<&str> = outcome
            .needs
            .iter()
            .take(5)
            .map(|n| n.id.as_str())
            .collect();
        anyhow::bail!(
            "no need {:?} (ids look like: {})",
            args.need_id,
            known.join(", ")
        );
    };
    let offers: BTreeMap<_, _> = loaded.dataset.offers.iter().map(|o| (&o.id, o)).collect();
    let n = ex.need;
    if args.json {
        let candidates: Vec<_> = ex
            .candidates
            .iter()
            .map(|c| {
                serde_json::json!({
                    "offer": c.candidate.offer.as_str(),
                    "label": c.candidate.label,
                    "school": offers.get(&c.candidate.offer).and_then(|o| o.school_name.clone()),
                    "score": c.candidate.score.total.as_f64(),
                    "components": c.candidate.score.components.iter().map(|k| serde_json::json!({
                        "kind": k.kind.key(), "weight": k.weight, "sub_score": k.sub_score,
                        "points": k.points.as_f64(), "note": k.note,
                    })).collect::<Vec<_>>(),
                    "distance_km": c.candidate.score.distance_km,
                    "above_threshold": c.candidate.above_threshold,
                    "capacity": format!("{:?}", c.supply.capacity),
                    "graduates": people(c.supply.graduates),
                    "to_this_need": people(c.to_this_need),
                    "offer_allocated": people(c.offer_allocated),
                    "offer_remaining": people(c.offer_remaining),
                })
            })
            .collect();
        let doc = serde_json::json!({
            "format_version": FORMAT_VERSION,
            "need": n.id.as_str(), "buyer": n.buyer.key(), "specialty": n.specialty,
            "volume": n.volume.known().map(people), "covered": people(n.covered), "gap": people(n.gap),
            "status": n.status.key(),
            "rome": n.rome.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            "resolved": n.resolved,
            "resolutions": n.resolutions.iter().map(|r| serde_json::json!({"rome": r.rome.to_string(), "label": r.label, "confidence": r.confidence})).collect::<Vec<_>>(),
            "untaught_competences": n.untaught_competences.iter().map(|c| c.get()).collect::<Vec<_>>(),
            "candidates": candidates,
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
        return Ok(());
    }
    let volume = n
        .volume
        .known()
        .map_or_else(|| "masked".to_owned(), |v| v.to_string());
    writeln!(
        out,
        "Need {} — {} — {}",
        n.id,
        n.buyer.label_fr(),
        n.specialty
    )?;
    writeln!(
        out,
        "volume {volume}/yr, covered {}, gap {} ({})",
        n.covered,
        n.gap,
        status_text(n.status)
    )?;
    let rome: Vec<String> = n
        .rome
        .iter()
        .map(|r| {
            let label = loaded
                .dataset
                .referential
                .metiers
                .get(r)
                .map(|m| m.label.as_str())
                .unwrap_or("");
            format!("{r} {label}")
        })
        .collect();
    writeln!(
        out,
        "ROME: {}{}",
        rome.join("; "),
        if n.resolved {
            " (resolved from the text)"
        } else {
            ""
        }
    )?;
    for r in &n.resolutions {
        writeln!(
            out,
            "  resolution {} {:?} confidence {:.2}",
            r.rome, r.label, r.confidence
        )?;
    }
    if !n.untaught_competences.is_empty() {
        let names: Vec<String> = n
            .untaught_competences
            .iter()
            .take(8)
            .map(|c| {
                loaded
                    .dataset
                    .referential
                    .competences
                    .get(c)
                    .map_or_else(|| c.to_string(), |k| k.label.clone())
            })
            .collect();
        writeln!(
            out,
            "competences no candidate teaches ({}): {}",
            n.untaught_competences.len(),
            names.join("; ")
        )?;
    }
    writeln!(out, "\ncandidates ({}):", ex.candidates.len())?;
    for c in ex.candidates.iter().take(15) {
        let o = offers.get(&c.candidate.offer);
        let school = o.and_then(|o| o.school_name.clone()).unwrap_or_default();
        writeln!(
            out,
            "  {} {}{} — {}",
            c.candidate.score.total,
            cut(&c.candidate.label, 60),
            if c.candidate.above_threshold {
                ""
            } else {
                " [below threshold]"
            },
            cut(&school, 40)
        )?;
        let parts: Vec<String> = c
            .candidate
            .score
            .components
            .iter()
            .map(|k| format!("{} {} ({})", k.kind.key(), k.points, k.note))
            .collect();
        writeln!(out, "      {}", parts.join(" + "))?;
        writeln!(
            out,
            "      supply {}/yr ({:?}); to this need {}; to all needs {}; left {}",
            c.supply.graduates,
            c.supply.capacity,
            c.to_this_need,
            c.offer_allocated,
            c.offer_remaining
        )?;
    }
    Ok(())
}

/// Why a need is not (fully) covered, in words.
pub fn status_text(status: NeedStatus) -> String {
    match status {
        NeedStatus::Covered => "fully covered".into(),
        NeedStatus::Masked => "volume masked by the publisher".into(),
        NeedStatus::NoVolume => "no volume".into(),
        NeedStatus::NoCandidate => "no training offer in reach leads to this job".into(),
        NeedStatus::BelowThreshold(p) => {
            format!("closest offers score below the threshold (best {p})")
        }
        NeedStatus::CapacityUnknown => "the matching offers publish no capacity".into(),
        NeedStatus::SupplyExhausted => "the matching offers' graduates are all allocated".into(),
    }
}
