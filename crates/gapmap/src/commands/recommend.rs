//! `gapmap recommend`: the openings and extensions that close the most direct gap under a budget.
//!
//! JSON (`format_version` 1): `{format_version, source, budget: {seats, euros}, costs_assumed,
//! fill_without_evidence, before: Totals, after: Totals, applied: Totals, seats, euros,
//! candidates: {extensions, openings}, steps: {taken, undone}, actions: [Action], baselines:
//! [{strategy, seats, euros, after: Totals}], scenario_toml}` with `Totals = {direct_gap,
//! weighted_gap}` (people a year) and `Action = {rank, kind, offer, label, cfd, school,
//! school_name, departement, level, mode, seats, euros, graduates, closed, length_years,
//! first_graduates, turned_away, applications, fill_rate, needs: [{need, gap_before, closed,
//! distance_km}], competences: [{code, label}], alternative: {kind, offer, label, school_name,
//! reason} | null}`.

use std::io::Write;

use anyhow::{Context, bail};
use gapmap_engine::{Engine, Recommended};
use gapmap_match::{
    Action, Budget, Costs, GapKey, GapTotals, MatchConfig, Recommendation, Request, Strategy,
};
use serde_json::{Value, json};

use crate::cli::{Format, RecommendArgs};
use crate::commands::search::cut;
use crate::pipeline;
use crate::progress::Progress;

/// Output format version.
pub const FORMAT_VERSION: u32 = 1;

/// Runs `gapmap recommend`.
pub fn run(args: &RecommendArgs, progress: &Progress, out: &mut dyn Write) -> anyhow::Result<()> {
    if args.matching.years.is_some() || args.matching.scenario.is_some() {
        bail!(
            "recommend starts from the published map in the steady state: --years and --scenario are refused (apply the recommended scenario with `gaps --scenario`)"
        );
    }
    let request = request(args)?;
    let prepared = pipeline::prepare(&args.source, &args.matching, progress)?;
    let engine = &prepared.loaded.engine;
    let matcher = prepared.matcher(prepared.offers(), progress);
    let base = prepared.run(&matcher, progress);
    let needs = &prepared.steady_needs;
    let config = &prepared.config;
    let recommended = progress.step("recommend", || {
        engine.recommend(needs, config, &base, &request)
    })?;
    let mut baselines = Vec::new();
    if args.baselines {
        for strategy in [Strategy::LargestGap, Strategy::Proportional] {
            let r = progress.step("baseline", || {
                engine.recommend_by(needs, config, &base, &request, strategy)
            })?;
            baselines.push((strategy, r));
        }
    }
    let toml = gapmap_engine::scenario_toml(&recommended.recommendation.scenario);
    if let Some(path) = &args.scenario_out {
        std::fs::write(path, &toml).with_context(|| format!("writing {}", path.display()))?;
    }
    let source = &prepared.loaded.source_label;
    match args.format {
        Format::Json => {
            let mut doc = to_json(engine, config, &recommended, &baselines);
            doc["source"] = json!(source);
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        Format::Csv => csv(engine, &recommended.recommendation, out)?,
        Format::Table => {
            table(engine, config, &recommended, &baselines, out)?;
            if let Some(path) = &args.scenario_out {
                writeln!(
                    out,
                    "scenario written to {} (`gapmap gaps --scenario {}` gives these figures)",
                    path.display(),
                    path.display()
                )?;
            }
        }
    }
    Ok(())
}

/// The request the arguments give.
fn request(args: &RecommendArgs) -> anyhow::Result<Request> {
    if args.budget.is_none() && args.euros.is_none() {
        bail!("give a budget: --budget SEATS, --euros EUROS, or both");
    }
    let limits = match &args.limits {
        Some(path) => gapmap_engine::read_limits(path)?,
        None => Default::default(),
    };
    let costs = match &args.costs {
        Some(path) => gapmap_engine::read_costs(path)?,
        None => Costs::assumed(),
    };
    Ok(Request {
        budget: Budget {
            seats: args.budget,
            euros: args.euros,
        },
        limits,
        costs,
    })
}

fn totals_json(t: &GapTotals) -> Value {
    json!({"direct_gap": t.direct_gap.as_f64(), "weighted_gap": t.weighted_gap})
}

/// The JSON document of a recommendation (without `source`), shared with the HTTP API.
pub fn to_json(
    engine: &Engine,
    config: &MatchConfig,
    recommended: &Recommended,
    baselines: &[(Strategy, Recommended)],
) -> Value {
    let r = &recommended.recommendation;
    json!({
        "format_version": FORMAT_VERSION,
        "budget": {"seats": r.request.budget.seats, "euros": r.request.budget.euros},
        "costs_assumed": r.request.costs.assumed,
        "fill_without_evidence": config.fill_without_evidence,
        "before": totals_json(&r.before),
        "after": totals_json(&r.after),
        "applied": totals_json(&recommended.applied),
        "seats": r.seats,
        "euros": r.euros,
        "candidates": {"extensions": r.candidates.0, "openings": r.candidates.1},
        "steps": {"taken": r.steps.0, "undone": r.steps.1},
        "actions": r.actions.iter().enumerate().map(|(k, a)| action_json(engine, k + 1, a)).collect::<Vec<_>>(),
        "baselines": baselines.iter().map(|(s, b)| json!({
            "strategy": strategy_key(*s),
            "seats": b.recommendation.seats,
            "euros": b.recommendation.euros,
            "after": totals_json(&b.applied),
        })).collect::<Vec<_>>(),
        "scenario_toml": gapmap_engine::scenario_toml(&r.scenario),
    })
}

/// Machine key of a strategy.
pub fn strategy_key(s: Strategy) -> &'static str {
    match s {
        Strategy::Greedy => "recommended",
        Strategy::LargestGap => "largest-gap",
        Strategy::Proportional => "proportional",
    }
}

fn action_json(engine: &Engine, rank: usize, a: &Action) -> Value {
    json!({
        "rank": rank,
        "kind": a.kind.key(),
        "offer": a.offer.0,
        "label": a.label,
        "cfd": a.cfd.map(|c| c.to_string()),
        "school": a.school.as_str(),
        "school_name": a.school_name,
        "departement": a.departement.to_string(),
        "level": a.level.map(|l| l.get()),
        "mode": a.mode.key(),
        "seats": a.seats,
        "euros": a.euros,
        "graduates": a.graduates.as_f64(),
        "closed": a.closed().as_f64(),
        "length_years": a.length_years,
        "first_graduates": a.first_graduates,
        "turned_away": a.turned_away.map(|v| v.as_f64()),
        "applications": a.applications,
        "fill_rate": a.fill_rate,
        "needs": a.effects.iter().map(|e| json!({
            "need": e.need.to_string(),
            "gap_before": e.gap_before.as_f64(),
            "closed": e.closed_milli as f64 / 1000.0,
            "distance_km": e.distance_km.map(|d| (d * 10.0).round() / 10.0),
        })).collect::<Vec<_>>(),
        "competences": a.competences.iter().map(|c| json!({
            "code": c.to_string(),
            "label": engine.label(&GapKey::Competence(*c)),
        })).collect::<Vec<_>>(),
        "alternative": a.alternative.as_ref().map(|alt| json!({
            "kind": alt.kind.key(),
            "offer": alt.offer.0,
            "label": alt.label,
            "school_name": alt.school_name,
            "reason": alt.reason(),
        })),
    })
}

fn csv(engine: &Engine, r: &Recommendation, out: &mut dyn Write) -> anyhow::Result<()> {
    out.write_all("\u{FEFF}".as_bytes())?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(&mut *out);
    w.write_record([
        "rank",
        "kind",
        "offer",
        "label",
        "school",
        "school_name",
        "departement",
        "level",
        "mode",
        "seats",
        "euros",
        "graduates",
        "closed",
        "length_years",
        "first_graduates",
        "needs",
        "competences",
    ])?;
    for (k, a) in r.actions.iter().enumerate() {
        let needs: Vec<String> = a.effects.iter().map(|e| e.need.to_string()).collect();
        let competences: Vec<String> = a
            .competences
            .iter()
            .map(|c| engine.label(&GapKey::Competence(*c)))
            .collect();
        w.write_record([
            (k + 1).to_string(),
            a.kind.key().to_owned(),
            a.offer.0.clone(),
            crate::report::tables::text_cell(&a.label),
            a.school.as_str().to_owned(),
            crate::report::tables::text_cell(a.school_name.as_deref().unwrap_or("")),
            a.departement.to_string(),
            a.level.map(|l| l.get().to_string()).unwrap_or_default(),
            a.mode.key().to_owned(),
            a.seats.to_string(),
            a.euros.to_string(),
            format!("{:.3}", a.graduates.as_f64()),
            format!("{:.3}", a.closed().as_f64()),
            a.length_years.to_string(),
            a.first_graduates.to_string(),
            needs.join(" "),
            crate::report::tables::text_cell(&competences.join(" | ")),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn table(
    engine: &Engine,
    config: &MatchConfig,
    recommended: &Recommended,
    baselines: &[(Strategy, Recommended)],
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let r = &recommended.recommendation;
    let budget = &r.request.budget;
    let spent = match (budget.seats, budget.euros) {
        (Some(s), Some(e)) => format!("{} of {s} seats, {} of {e} €", r.seats, r.euros),
        (Some(s), None) => format!("{} of {s} seats ({} €)", r.seats, r.euros),
        (None, Some(e)) => format!("{} of {e} € ({} seats)", r.euros, r.seats),
        (None, None) => String::new(),
    };
    writeln!(out, "Recommendation: {} actions, {spent}", r.actions.len())?;
    writeln!(
        out,
        "direct gap {:.1} -> {:.1} people a year ({:+.1}); weighted by buyer priority {:.1} -> {:.1}",
        r.before.direct_gap.as_f64(),
        recommended.applied.direct_gap.as_f64(),
        recommended.applied.direct_gap.as_f64() - r.before.direct_gap.as_f64(),
        r.before.weighted_gap,
        recommended.applied.weighted_gap
    )?;
    writeln!(
        out,
        "candidates: {} extensions, {} openings; {} choices ({} undone: their graduates only displaced others)",
        r.candidates.0, r.candidates.1, r.steps.0, r.steps.1
    )?;
    for (k, a) in r.actions.iter().enumerate() {
        writeln!(out)?;
        action_lines(engine, k + 1, a, out)?;
    }
    if r.actions.is_empty() {
        writeln!(
            out,
            "no action closes any direct gap within this budget and these limits"
        )?;
    }
    for (s, b) in baselines {
        writeln!(
            out,
            "baseline {}: {} seats, {} €, direct gap {:.1} (weighted {:.1})",
            strategy_key(*s),
            b.recommendation.seats,
            b.recommendation.euros,
            b.applied.direct_gap.as_f64(),
            b.applied.weighted_gap
        )?;
    }
    writeln!(
        out,
        "\nassumptions: an opened course fills {:.0}% of its seats (fill_without_evidence; no applications are published for it); added seats enter only the applicants a course turned away; costs: {}",
        config.fill_without_evidence * 100.0,
        if r.request.costs.assumed {
            "built-in assumptions (150,000 € to open a course, 2,000 € of equipment per seat, a teacher FTE at 60,000 € a year for 12 seats; give yours with --costs)"
        } else {
            "from --costs"
        }
    )?;
    Ok(())
}

fn action_lines(
    engine: &Engine,
    rank: usize,
    a: &Action,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let school = a.school_name.as_deref().unwrap_or(a.school.as_str());
    writeln!(
        out,
        "{rank:>2}. {} {} seats of {} at {} ({}, {}), level {}: +{:.1} graduates a year from {} ({}-year course), {} €",
        a.kind.key(),
        a.seats,
        cut(&a.label, 60),
        cut(school, 40),
        a.school.as_str(),
        a.departement,
        a.level.map_or("?".to_owned(), |l| l.get().to_string()),
        a.graduates.as_f64(),
        a.first_graduates,
        a.length_years,
        a.euros
    )?;
    writeln!(out, "    offer {}", a.offer)?;
    if let Some(turned) = a.turned_away {
        writeln!(
            out,
            "    pressure: {} applications, {:.0} turned away{}: the added seats fill from them",
            a.applications.map_or("?".to_owned(), |n| n.to_string()),
            turned.as_f64(),
            a.fill_rate
                .map(|f| format!(", seats filled {:.0}%", f * 100.0))
                .unwrap_or_default()
        )?;
    }
    let closes: Vec<String> = a
        .effects
        .iter()
        .take(6)
        .map(|e| {
            format!(
                "{} {:+.1} of {:.1}{}",
                e.need,
                -(e.closed_milli as f64) / 1000.0,
                e.gap_before.as_f64(),
                e.distance_km
                    .map(|d| format!(" at {d:.0} km"))
                    .unwrap_or_default()
            )
        })
        .collect();
    writeln!(
        out,
        "    closes {:.1} a year: {}{}",
        a.closed().as_f64(),
        closes.join("; "),
        if a.effects.len() > 6 {
            format!(" (and {} more needs)", a.effects.len() - 6)
        } else {
            String::new()
        }
    )?;
    if !a.competences.is_empty() {
        let names: Vec<String> = a
            .competences
            .iter()
            .take(5)
            .map(|c| engine.label(&GapKey::Competence(*c)))
            .collect();
        writeln!(out, "    brings: {}", names.join("; "))?;
    }
    if let Some(alt) = &a.alternative {
        writeln!(
            out,
            "    not chosen: {} {} at {}: {}",
            alt.kind.key(),
            cut(&alt.label, 50),
            alt.school_name.as_deref().unwrap_or("?"),
            alt.reason()
        )?;
    }
    Ok(())
}
