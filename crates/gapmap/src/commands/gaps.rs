//! `gapmap gaps` and `gapmap explain`.
//!
//! JSON of `gaps` (stable, `format_version` 4): `{format_version, by, source, coverage_rule, total:
//! Row, rows: [Row]}` with `Row = {key, label, needs, masked_needs, demand, covered, covered_direct,
//! covered_adjacent, gap, coverage, seasonal_excluded, seasonal_masked, tension, small,
//! capacity_unknown_needs, gap_capacity_unknown, transition_ecological, transition_digital,
//! transition_demographic}` (the columns of `FRAME_COLUMNS`; volumes in
//! people per year; `covered` is the headline: direct supply, plus adjacent supply when the
//! configuration counts it, and `gap = demand - covered`; `coverage` and `tension` (share of
//! projects employers judge difficult, BMO lines only) in [0, 1] or null when unknown).

use std::io::Write;

use gapmap_engine::{Cell, FRAME_COLUMNS, OfferFacts, TableRow};
use gapmap_match::{Explanation, Indicators, LinkKind, MatchOutcome, NeedStatus};
use gapmap_model::{NeedId, Offer, Volume};
use serde::Serialize;

use crate::cli::{ExplainArgs, Format, GapsArgs};
use crate::commands::search::cut;
use crate::pipeline;
use crate::progress::Progress;

/// Output format version.
pub const FORMAT_VERSION: u32 = 4;

/// The total row of an outcome, as printed.
pub fn total(outcome: &MatchOutcome) -> TableRow {
    TableRow::total(outcome, "Total")
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
    if let Some(horizon) = prepared.horizon {
        return super::horizon::gaps(args, &prepared, horizon, progress, out);
    }
    let matcher = prepared.matcher(prepared.offers(), progress);
    let outcome = prepared.run(&matcher, progress);
    let loaded = &prepared.loaded;
    let rows = loaded.engine.table(&outcome, args.by);
    let total = total(&outcome);
    match args.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                format_version: u32,
                by: &'static str,
                source: &'a str,
                coverage_rule: &'a str,
                total: &'a TableRow,
                rows: &'a [TableRow],
            }
            let by = args.by.key();
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
            for TableRow { row: r, label } in rows.iter().take(limit).chain(std::iter::once(&total))
            {
                let flag = if r.small { " (small)" } else { "" };
                writeln!(
                    out,
                    "{:<28} {:<44} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>6} {:>7}{flag}",
                    cut(&r.key.to_string(), 28),
                    cut(label, 44),
                    r.volume.as_f64(),
                    r.covered_direct.as_f64(),
                    r.covered_adjacent.as_f64(),
                    r.gap.as_f64(),
                    percent(r.coverage()),
                    percent(r.tension())
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
                if !total.row.seasonal_excluded.is_zero() {
                    format!(
                        "; {:.0} seasonal projects left out of the demand",
                        total.row.seasonal_excluded.as_f64()
                    )
                } else {
                    String::new()
                }
            )?;
            if total.row.seasonal_masked > 0 {
                writeln!(
                    out,
                    "{} needs publish a masked seasonal count: their demand may still hold seasonal projects",
                    total.row.seasonal_masked
                )?;
            }
            if let Some(unknown) = total.row.capacity_unknown.filter(|u| u.needs > 0) {
                writeln!(
                    out,
                    "{:.0} of the gap belong to {} needs that courses of unknown capacity within reach could also serve (higher-education courses, which the course list gives without capacity, and Affelnet placeholders): they count for nothing here, an unknown part of that gap may be theirs (--capacities FILE makes them count)",
                    unknown.gap.as_f64(),
                    unknown.needs
                )?;
            }
            if total.row.masked_needs > 0 {
                writeln!(
                    out,
                    "{} needs with a masked volume are reported apart",
                    total.row.masked_needs
                )?;
            }
            if let Some((scenario, offers)) = &prepared.scenario {
                writeln!(
                    out,
                    "scenario {:?}, supply of the offers it changes:",
                    scenario.name
                )?;
                let before = &loaded.engine.dataset().offers;
                for change in gapmap_match::supply_changes(
                    before,
                    offers,
                    &loaded.engine.supply_rules(&prepared.config),
                ) {
                    writeln!(out, "  {}", change.note())?;
                }
            }
        }
    }
    progress.finish("gaps computed");
    Ok(())
}

/// A share as a whole percentage, `-` when unknown (never 0).
pub(crate) fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "-".to_owned(), |c| format!("{:.0}%", c * 100.0))
}

/// Column names of gap tables in CSV: the engine's table columns.
pub fn csv_header() -> Vec<String> {
    FRAME_COLUMNS.map(String::from).to_vec()
}

/// A CSV record: text cells neutralised, people a year exact to the thousandth, shares in full
/// (empty when unknown), flags `true`/`false`.
pub(crate) fn csv_record(r: &TableRow) -> Vec<String> {
    let key = r.row.key.to_string();
    r.cells(&key)
        .into_iter()
        .map(|cell| match cell {
            Cell::Text(text) => crate::report::text_cell(text),
            Cell::Count(n) => n.to_string(),
            Cell::People(v) => v.to_string(),
            Cell::Share(share) => share.map(|c| c.to_string()).unwrap_or_default(),
            Cell::Flag(flag) => flag.to_string(),
            Cell::MaybeCount(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Cell::MaybePeople(v) => v.map(|v| v.to_string()).unwrap_or_default(),
        })
        .collect()
}

/// Runs `gapmap explain`.
pub fn explain(args: &ExplainArgs, progress: &Progress, out: &mut dyn Write) -> anyhow::Result<()> {
    let prepared = pipeline::prepare(&args.source, &args.matching, progress)?;
    if let Some(horizon) = prepared.horizon {
        return super::horizon::explain(args, &prepared, horizon, progress, out);
    }
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
    let indicators = Indicators::new(offers, &prepared.config);
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &explain_json(&ex, offers, &indicators))?;
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
        let school = o
            .school_name
            .clone()
            .unwrap_or_else(|| o.school.to_string());
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
        if let Some(f) = facts(c, offers, &indicators) {
            writeln!(out, "      supply {}", super::supply::facts_line(&f))?;
        }
        // An offer whose supply no data gives has allocated nothing; what it has left is unknown.
        let left = if c.supply.is_known() {
            c.offer_remaining.to_string()
        } else {
            "unknown (supply unknown)".to_owned()
        };
        writeln!(
            out,
            "      to this need {}; to all needs {}; left {left}",
            c.to_this_need, c.offer_allocated
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

/// A candidate's offer with its supply and indicators (`None` if `offers` and `indicators` are
/// not those the candidate was found in).
fn facts<'a>(
    c: &gapmap_match::CandidateExplanation,
    offers: &'a [Offer],
    indicators: &'a Indicators,
) -> Option<OfferFacts<'a>> {
    let own = indicators.get(c.offer_index)?;
    Some(OfferFacts {
        offer: offers.get(c.offer_index)?,
        supply: c.supply.clone(),
        indicators: own,
        peers: indicators.means(&own.peers),
    })
}

/// The JSON of `gapmap explain --json` (`format_version` 4): each candidate's `supply` is the
/// per-offer object of `gapmap supply --offers` (the columns of `gapmap_engine::OFFER_COLUMNS`).
pub fn explain_json(
    ex: &Explanation<'_>,
    offers: &[Offer],
    indicators: &Indicators,
) -> serde_json::Value {
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
                "graduates": c.supply.is_known().then(|| c.supply.graduates.as_f64()),
                "supply": facts(c, offers, indicators).map(|f| f.to_json()),
                "to_this_need": c.to_this_need.as_f64(),
                "offer_allocated": c.offer_allocated.as_f64(),
                "offer_remaining": c.supply.is_known().then(|| c.offer_remaining.as_f64()),
            })
        })
        .collect();
    serde_json::json!({
        "format_version": FORMAT_VERSION,
        "need": n.id.as_str(), "buyer": n.buyer.key(), "specialty": n.specialty,
        "volume": n.volume.known().map(Volume::as_f64),
        "seasonal_excluded": n.seasonal_excluded.as_f64(),
        "demand": n.demand.map(Volume::as_f64),
        "covered_direct": n.covered_direct.as_f64(),
        "covered_adjacent": n.covered_adjacent.as_f64(),
        "covered": n.covered.as_f64(),
        "gap": n.gap.as_f64(),
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
