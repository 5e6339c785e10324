//! `gapmap search`, `gapmap resolve`, `gapmap competences`: the index from the command line.
//!
//! JSON outputs (stable, `format_version` 2):
//! - search: `{format_version, query, hits: [{offer, label, school, school_code, uai, commune,
//!   departement, level, mode, seats, supply, score, text_score, bm25, distance_km, filters,
//!   matched_terms}]}`, `supply` the per-offer object of `gapmap supply --offers` (entrants,
//!   graduates, pressure, fill rate, outcomes with their peers' means, quadrant; default
//!   configuration);
//! - resolve: `{format_version, text, sheets: [{rome, label, sheet_label, confidence}]}`;
//! - competences: `{format_version, text, competences: [{ogr, label, kind, score}]}`.

use std::io::Write;

use anyhow::{Context, bail};
use gapmap_index::{Near, OfferQuery};
use gapmap_model::{
    Departement, EuropeanLevel, InseeCommune, LevelRangeError, NeedLocation, TrainingMode,
};
use serde_json::json;

use crate::cli::{CompetencesArgs, ResolveArgs, SearchArgs, SourceArgs};
use crate::pipeline;
use crate::progress::Progress;

/// Output format version of these commands.
pub const FORMAT_VERSION: u32 = 2;

fn store_source(store: &std::path::Path) -> SourceArgs {
    SourceArgs {
        data: None,
        store: Some(store.to_owned()),
        region: "all".into(),
    }
}

/// Parses `4-5` or `5`.
fn level_range(arg: &str) -> anyhow::Result<(EuropeanLevel, EuropeanLevel)> {
    match EuropeanLevel::parse_range(arg) {
        Ok(range) => Ok(range),
        Err(LevelRangeError::Unreadable(e)) => {
            Err(anyhow::Error::new(e).context(format!("--level {arg:?}: expected 5 or 4-5")))
        }
        Err(LevelRangeError::Empty) => bail!("--level {arg:?}: the range is empty"),
    }
}

fn mode(arg: &str) -> anyhow::Result<TrainingMode> {
    TrainingMode::from_name(&arg.to_lowercase())
        .with_context(|| format!("--mode {arg:?}: expected scolaire or apprentissage"))
}

/// Runs `gapmap search`.
pub fn search(args: &SearchArgs, progress: &Progress, out: &mut dyn Write) -> anyhow::Result<()> {
    let loaded = pipeline::load(&store_source(&args.store), progress)?;
    let index = loaded.engine.index();
    let mut query = OfferQuery {
        text: args.query.clone(),
        limit: args.limit,
        ..OfferQuery::default()
    };
    if let Some(level) = &args.level {
        let (lo, hi) = level_range(level)?;
        query.min_level = Some(lo);
        query.max_level = Some(hi);
    }
    if let Some(m) = &args.mode {
        query.mode = Some(mode(m)?);
    }
    if let Some(dep) = &args.near {
        let dep: Departement = dep.parse().with_context(|| format!("--near {dep:?}"))?;
        query.departements.push(dep);
    }
    if let Some(commune) = &args.near_commune {
        let code: InseeCommune = commune
            .parse()
            .with_context(|| format!("--near-commune {commune:?}"))?;
        let point = loaded
            .engine
            .point(&NeedLocation::Commune(code))
            .with_context(|| {
                format!("--near-commune {code}: no such commune with a point in the data")
            })?;
        if args.radius.is_nan() || args.radius <= 0.0 {
            bail!("--radius must be positive");
        }
        query.near = Some(Near {
            center: point,
            radius_km: args.radius,
        });
    }
    let hits = index.search_offers(&query)?;
    let supplies = loaded
        .engine
        .supplies(&gapmap_match::MatchConfig::default());
    if args.json {
        let rows: Vec<_> = hits
            .iter()
            .map(|h| {
                let supply = supplies.of(&h.offer).map(|f| f.to_json());
                hit_json(&loaded.engine, h, supply)
            })
            .collect();
        let doc = json!({ "format_version": FORMAT_VERSION, "query": args.query, "hits": rows });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>5}  {:<52} {:<6} {:<34} {:>3} {:>4} {:>6} {:>6} {:>5} {:>5} {:>5}  matched",
        "score", "offer", "mode", "school", "dep", "lvl", "seats", "grads", "press", "fill", "emp6"
    )?;
    for h in &hits {
        let o = loaded.engine.offer(&h.offer);
        // A school without a name in the directories: its code and its commune's name.
        let school = o.and_then(|o| o.school_name.clone()).unwrap_or_else(|| {
            o.map(|o| {
                let commune = o
                    .location
                    .commune
                    .and_then(|c| loaded.engine.dataset().territory.communes.get(&c))
                    .map(|c| format!(" ({})", c.name))
                    .unwrap_or_default();
                format!("{}{commune}", o.school)
            })
            .unwrap_or_default()
        });
        let mode = o.map_or("-", |o| match o.mode {
            TrainingMode::School => "school",
            TrainingMode::Apprenticeship => "appr.",
        });
        let dist = h
            .breakdown
            .distance_km
            .map(|d| format!(" {d:.0} km"))
            .unwrap_or_default();
        let facts = supplies.of(&h.offer);
        let ratio = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
        // A course of unknown capacity has unknown graduates, not 0.
        let graduates = facts.as_ref().filter(|f| f.supply.is_known()).map_or_else(
            || "?".to_owned(),
            |f| format!("{:.1}", f.supply.graduates.as_f64()),
        );
        let indicator = |pick: fn(&gapmap_match::OfferIndicators) -> Option<f64>| {
            ratio(facts.as_ref().and_then(|f| pick(f.indicators)))
        };
        writeln!(
            out,
            "{:>5.2}  {:<52} {:<6} {:<34} {:>3} {:>4} {:>6} {:>6} {:>5} {:>5} {:>5}  {}{dist}",
            h.score,
            cut(&h.label, 52),
            mode,
            cut(&school, 34),
            o.map(|o| o.location.departement.to_string())
                .unwrap_or_default(),
            o.and_then(|o| o.level.map(|l| l.to_string()))
                .unwrap_or_else(|| "-".into()),
            o.and_then(|o| o.capacity.seats().map(|s| s.to_string()))
                .unwrap_or_else(|| "?".into()),
            graduates,
            indicator(|i| i.pressure),
            indicator(|i| i.fill_rate),
            indicator(|i| i.employment_6m),
            h.matched_terms.join(" "),
        )?;
    }
    writeln!(out, "{} offers", hits.len())?;
    Ok(())
}

/// One hit of a search as JSON (`gapmap search --json`, the HTTP API): the offer, its school and
/// place, its level, mode and seats, `supply` (the per-offer object of `gapmap supply --offers`,
/// when given) and the score's breakdown.
pub fn hit_json(
    engine: &gapmap_engine::Engine,
    h: &gapmap_index::OfferHit,
    supply: Option<serde_json::Value>,
) -> serde_json::Value {
    let o = engine.offer(&h.offer);
    json!({
        "offer": h.offer.as_str(),
        "label": h.label,
        "school": o.and_then(|o| o.school_name.clone()),
        "school_code": o.map(|o| o.school.to_string()),
        "uai": o.and_then(|o| o.school.uai()).map(|u| u.to_string()),
        "commune": o.and_then(|o| o.location.commune.map(|c| c.to_string())),
        "departement": o.map(|o| o.location.departement.to_string()),
        "level": o.and_then(|o| o.level.map(|l| l.get())),
        "mode": o.map(|o| o.mode.key()),
        "seats": o.and_then(|o| o.capacity.seats()),
        "supply": supply,
        "score": h.score,
        "text_score": h.breakdown.text,
        "bm25": h.breakdown.bm25,
        "distance_km": h.breakdown.distance_km,
        "filters": h.breakdown.filters,
        "matched_terms": h.matched_terms,
    })
}

/// Runs `gapmap resolve`.
pub fn resolve(args: &ResolveArgs, progress: &Progress, out: &mut dyn Write) -> anyhow::Result<()> {
    let loaded = pipeline::load(&store_source(&args.store), progress)?;
    let index = loaded.engine.index();
    let found = index.resolve(&args.text, args.limit)?;
    let sheet_label = |code| {
        loaded
            .engine
            .dataset()
            .referential
            .metiers
            .get(&code)
            .map(|m| m.label.clone())
            .unwrap_or_default()
    };
    if args.json {
        let rows: Vec<_> = found
            .iter()
            .map(|r| json!({"rome": r.rome.to_string(), "label": r.label, "sheet_label": sheet_label(r.rome), "confidence": r.confidence}))
            .collect();
        serde_json::to_writer_pretty(
            &mut *out,
            &json!({"format_version": FORMAT_VERSION, "text": args.text, "sheets": rows}),
        )?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>10}  {:<6} {:<50} sheet",
        "confidence", "rome", "matched title"
    )?;
    for r in &found {
        writeln!(
            out,
            "{:>10.2}  {:<6} {:<50} {}",
            r.confidence,
            r.rome,
            cut(&r.label, 50),
            sheet_label(r.rome)
        )?;
    }
    Ok(())
}

/// Runs `gapmap competences`.
pub fn competences(
    args: &CompetencesArgs,
    progress: &Progress,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let loaded = pipeline::load(&store_source(&args.store), progress)?;
    let index = loaded.engine.index();
    let found = index.competences(&args.text, args.limit)?;
    if args.json {
        let rows: Vec<_> = found
            .iter()
            .map(|c| json!({"ogr": c.ogr.get(), "label": c.label, "kind": format!("{:?}", c.kind), "score": c.relevance}))
            .collect();
        serde_json::to_writer_pretty(
            &mut *out,
            &json!({"format_version": FORMAT_VERSION, "text": args.text, "competences": rows}),
        )?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>5}  {:>7}  {:<10} competence",
        "score", "ogr", "kind"
    )?;
    for c in &found {
        writeln!(
            out,
            "{:>5.2}  {:>7}  {:<10} {}",
            c.relevance,
            c.ogr,
            format!("{:?}", c.kind),
            c.label
        )?;
    }
    Ok(())
}

/// At most `max` characters.
pub fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
