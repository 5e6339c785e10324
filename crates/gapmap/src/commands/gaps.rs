//! `gapmap gaps` and `gapmap explain`.
//!
//! JSON of `gaps` (stable, `format_version` 2): `{format_version, by, source, coverage_rule, total:
//! Row, rows: [Row]}` with `Row = {key, label, needs, masked_needs, demand, covered, covered_direct,
//! covered_adjacent, gap, coverage, seasonal_excluded, seasonal_masked, tension, small}` (volumes in
//! people per year; `covered` is the headline: direct supply, plus adjacent supply when the
//! configuration counts it, and `gap = demand - covered`; `coverage` and `tension` (share of
//! projects employers judge difficult, BMO lines only) in [0, 1] or null when unknown).

use std::io::Write;

use gapmap_engine::{Engine, FRAME_COLUMNS, Rows};
use gapmap_match::{Axis, Explanation, LinkKind, MatchOutcome, NeedStatus};
use gapmap_model::{NeedId, Offer, Volume};
use serde::Serialize;

use crate::cli::{ByAxis, ExplainArgs, Format, GapsArgs};
use crate::commands::search::cut;
use crate::pipeline;
use crate::progress::Progress;

/// Output format version.
pub const FORMAT_VERSION: u32 = 2;

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
    /// Covered in the headline (direct, plus adjacent when configured).
    pub covered: f64,
    /// Covered by direct supply: graduates of trainings that teach the job.
    pub covered_direct: f64,
    /// Covered by adjacent supply: graduates who would need retraining.
    pub covered_adjacent: f64,
    /// Demand less the headline coverage.
    pub gap: f64,
    /// Headline covered share.
    pub coverage: Option<f64>,
    /// Seasonal projects left out of the demand.
    pub seasonal_excluded: f64,
    /// Needs whose seasonal share is masked by the publisher.
    pub seasonal_masked: usize,
    /// Share of projects judged difficult to recruit (BMO); `None` when unknown.
    pub tension: Option<f64>,
    /// Below the small-count threshold.
    pub small: bool,
}

impl TableRow {
    fn of(r: gapmap_match::GapRow, label: String) -> TableRow {
        TableRow {
            label,
            coverage: r.coverage(),
            tension: r.tension(),
            needs: r.needs,
            masked_needs: r.masked_needs,
            demand: people(r.volume),
            covered: people(r.covered),
            covered_direct: people(r.covered_direct),
            covered_adjacent: people(r.covered_adjacent),
            gap: people(r.gap),
            seasonal_excluded: people(r.seasonal_excluded),
            seasonal_masked: r.seasonal_masked,
            small: r.small,
            key: r.key,
        }
    }
}

fn people(v: Volume) -> f64 {
    v.milli() as f64 / 1000.0
}

/// The engine's kind of table for `--by`.
pub fn rows_of(by: ByAxis) -> Rows {
    match by {
        ByAxis::Need => Rows::Need,
        ByAxis::Competence => Rows::Competence,
        ByAxis::Rome => Rows::By(Axis::Rome),
        ByAxis::Departement => Rows::By(Axis::Departement),
        ByAxis::Bassin => Rows::By(Axis::Bassin),
        ByAxis::Level => Rows::By(Axis::Level),
        ByAxis::Buyer => Rows::By(Axis::Buyer),
        ByAxis::Tag => Rows::By(Axis::Tag),
    }
}

/// The gap table of `outcome` along `by`, biggest gap first (ties by key), as printed.
pub fn table(outcome: &MatchOutcome, engine: &Engine, by: ByAxis) -> Vec<TableRow> {
    engine
        .table(outcome, rows_of(by))
        .into_iter()
        .map(|t| TableRow::of(t.row, t.label))
        .collect()
}

/// The total row of an outcome.
pub fn total(outcome: &MatchOutcome) -> TableRow {
    TableRow::of(outcome.total(), "Total".into())
}

/// In words, what the headline coverage counts.
pub fn coverage_rule(outcome: &MatchOutcome) -> &'static str {
    if outcome.count_adjacent {
        "direct-and-adjacent"
    } else {
        "direct"
    }
}

/// Runs `gapmap gaps`.
pub fn run(args: &GapsArgs, progress: &Progress, out: &mut dyn Write) -> anyhow::Result<()> {
    let prepared = pipeline::prepare(&args.source, &args.matching, progress)?;
    let matcher = prepared.matcher(prepared.offers(), progress);
    let outcome = prepared.run(&matcher, progress);
    let loaded = &prepared.loaded;
    let rows = table(&outcome, &loaded.engine, args.by);
    let total = total(&outcome);
    match args.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                format_version: u32,
                by: String,
                source: &'a str,
                coverage_rule: &'a str,
                total: &'a TableRow,
                rows: &'a [TableRow],
            }
            let by = format!("{:?}", args.by).to_lowercase();
            let doc = Doc {
                format_version: FORMAT_VERSION,
                by,
                source: &loaded.source_label,
                coverage_rule: coverage_rule(&outcome),
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
                "{:<28} {:<44} {:>9} {:>9} {:>9} {:>9} {:>6} {:>7}",
                "key", "label", "demand", "direct", "adjacent", "gap", "cover", "tension"
            )?;
            for r in rows.iter().take(limit).chain(std::iter::once(&total)) {
                let cover = r
                    .coverage
                    .map(|c| format!("{:.0}%", c * 100.0))
                    .unwrap_or_else(|| "-".into());
                let tension = r
                    .tension
                    .map(|c| format!("{:.0}%", c * 100.0))
                    .unwrap_or_else(|| "-".into());
                let flag = if r.small { " (small)" } else { "" };
                writeln!(
                    out,
                    "{:<28} {:<44} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>6} {:>7}{flag}",
                    cut(&r.key, 28),
                    cut(&r.label, 44),
                    r.demand,
                    r.covered_direct,
                    r.covered_adjacent,
                    r.gap,
                    cover,
                    tension
                )?;
            }
            if rows.len() > limit {
                writeln!(
                    out,
                    "({} more rows: --limit 0 shows all)",
                    rows.len() - limit
                )?;
            }
            writeln!(
                out,
                "covered = {}; adjacent = graduates of related trainings who would need retraining{}",
                if outcome.count_adjacent {
                    "direct + adjacent supply"
                } else {
                    "direct supply only (adjacent supply is part of the gap)"
                },
                if total.seasonal_excluded > 0.0 {
                    format!(
                        "; {:.0} seasonal projects left out of the demand",
                        total.seasonal_excluded
                    )
                } else {
                    String::new()
                }
            )?;
            if total.seasonal_masked > 0 {
                writeln!(
                    out,
                    "{} needs publish a masked seasonal count: their demand may still hold seasonal projects",
                    total.seasonal_masked
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

/// Column names of gap tables in CSV: the engine's table columns.
pub fn csv_header() -> Vec<String> {
    FRAME_COLUMNS.map(String::from).to_vec()
}

fn csv_record(r: &TableRow) -> Vec<String> {
    vec![
        crate::report::text_cell(&r.key),
        crate::report::text_cell(&r.label),
        r.needs.to_string(),
        r.masked_needs.to_string(),
        format!("{:.3}", r.demand),
        format!("{:.3}", r.covered),
        format!("{:.3}", r.covered_direct),
        format!("{:.3}", r.covered_adjacent),
        format!("{:.3}", r.gap),
        r.coverage.map(|c| format!("{c:.4}")).unwrap_or_default(),
        format!("{:.3}", r.seasonal_excluded),
        r.seasonal_masked.to_string(),
        r.tension.map(|c| format!("{c:.4}")).unwrap_or_default(),
        r.small.to_string(),
    ]
}

/// Runs `gapmap explain`.
pub fn explain(args: &ExplainArgs, progress: &Progress, out: &mut dyn Write) -> anyhow::Result<()> {
    let prepared = pipeline::prepare(&args.source, &args.matching, progress)?;
    let matcher = prepared.matcher(prepared.offers(), progress);
    let outcome = prepared.run(&matcher, progress);
    let id = NeedId(args.need_id.clone());
    let Some(ex) = matcher.explain(&outcome, &id) else {
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
    let offers = matcher.offers();
    let d = prepared.loaded.engine.dataset();
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &explain_json(&ex, offers))?;
        writeln!(out)?;
        return Ok(());
    }
    let n = ex.need;
    let volume = n
        .demand
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
        "demand {volume}/yr: direct {}, adjacent {}, gap {} ({})",
        n.covered_direct,
        n.covered_adjacent,
        n.gap,
        status_text(n.status)
    )?;
    if !n.seasonal_excluded.is_zero() {
        writeln!(
            out,
            "{} seasonal projects left out of the demand",
            n.seasonal_excluded
        )?;
    }
    let rome: Vec<String> = n
        .rome()
        .map(|r| {
            let label = d
                .referential
                .metiers
                .get(&r)
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
                d.referential
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
    let direct = ex
        .candidates
        .iter()
        .filter(|c| c.link.kind == LinkKind::Direct)
        .count();
    writeln!(
        out,
        "\ncandidates within reach: {direct} direct, {} adjacent",
        ex.candidates.len() - direct
    )?;
    for c in ex.candidates.iter().take(15) {
        let o = &offers[c.offer_index];
        let school = o.school_name.clone().unwrap_or_else(|| o.uai.to_string());
        writeln!(
            out,
            "  {} {} {} — {}",
            c.score.total,
            c.link.kind.key(),
            cut(&o.label, 60),
            cut(&school, 40)
        )?;
        let parts: Vec<String> = c
            .score
            .components
            .iter()
            .map(|k| format!("{} {} ({})", k.kind.key(), k.points, k.note))
            .collect();
        let factors: Vec<String> = c
            .score
            .factors
            .iter()
            .map(|f| format!("{} x{:.2} ({})", f.kind.key(), f.value, f.note))
            .collect();
        writeln!(
            out,
            "      subject {} = {}; {}",
            c.score.subject,
            parts.join(" + "),
            factors.join(", ")
        )?;
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
    if ex.candidates.len() > 15 {
        writeln!(
            out,
            "  ({} more: --json lists all)",
            ex.candidates.len() - 15
        )?;
    }
    Ok(())
}

/// The JSON of `gapmap explain --json` (`format_version` 2).
pub fn explain_json(ex: &Explanation<'_>, offers: &[Offer]) -> serde_json::Value {
    let n = ex.need;
    let candidates: Vec<_> = ex
        .candidates
        .iter()
        .map(|c| {
            let o = &offers[c.offer_index];
            serde_json::json!({
                "offer": o.id.as_str(),
                "label": o.label,
                "school": o.school_name,
                "link": c.link.kind.key(),
                "score": c.score.total.as_f64(),
                "subject": c.score.subject.as_f64(),
                "components": c.score.components.iter().map(|k| serde_json::json!({
                    "kind": k.kind.key(), "weight": k.weight, "sub_score": k.sub_score,
                    "points": k.points.as_f64(), "note": k.note,
                })).collect::<Vec<_>>(),
                "factors": c.score.factors.iter().map(|f| serde_json::json!({
                    "kind": f.kind.key(), "value": f.value, "note": f.note,
                })).collect::<Vec<_>>(),
                "matched_terms": c.matched_terms,
                "distance_km": c.score.distance_km,
                "capacity": format!("{:?}", c.supply.capacity),
                "graduates": people(c.supply.graduates),
                "to_this_need": people(c.to_this_need),
                "offer_allocated": people(c.offer_allocated),
                "offer_remaining": people(c.offer_remaining),
            })
        })
        .collect();
    serde_json::json!({
        "format_version": FORMAT_VERSION,
        "need": n.id.as_str(), "buyer": n.buyer.key(), "specialty": n.specialty,
        "volume": n.volume.known().map(people),
        "seasonal_excluded": people(n.seasonal_excluded),
        "demand": n.demand.map(people),
        "covered_direct": people(n.covered_direct),
        "covered_adjacent": people(n.covered_adjacent),
        "covered": people(n.covered),
        "gap": people(n.gap),
        "status": n.status.key(),
        "rome": n.rome().map(|r| r.to_string()).collect::<Vec<_>>(),
        "resolved": n.resolved,
        "resolutions": n.resolutions.iter().map(|r| serde_json::json!({"rome": r.rome.to_string(), "label": r.label, "confidence": r.confidence})).collect::<Vec<_>>(),
        "untaught_competences": n.untaught_competences.iter().map(|c| c.get()).collect::<Vec<_>>(),
        "candidates": candidates,
    })
}

/// Why a need is not (fully) covered, in words.
pub fn status_text(status: NeedStatus) -> String {
    match status {
        NeedStatus::Covered => "fully covered".into(),
        NeedStatus::Masked => "volume masked by the publisher".into(),
        NeedStatus::NoVolume => "no volume".into(),
        NeedStatus::NoCandidate => "no training offer in reach teaches this job".into(),
        NeedStatus::AdjacentOnly => {
            "only related trainings are in reach (graduates would need retraining)".into()
        }
        NeedStatus::CapacityUnknown => {
            "the trainings that teach the job publish no capacity".into()
        }
        NeedStatus::SupplyExhausted => {
            "the graduates of the trainings that teach the job are all allocated".into()
        }
    }
}
