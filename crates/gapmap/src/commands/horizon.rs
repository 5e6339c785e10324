//! `gapmap gaps --years` and `gapmap explain --years`: the gaps year by year over a plan horizon.
//!
//! JSON of `gaps --years` (`format_version` 4, the rows of `gaps`): `{format_version, kind:
//! "horizon", by, source,
//! coverage_rule, years: "2026-2030", assumptions: {capacity_projection, bmo_growth,
//! default_duration_years}, scenario: null | {name, changes: [{offer, label, kind, intake,
//! first_year}]}, by_year: [{year, buyers_without_demand: [buyer key], supply: {graduates,
//! projected_graduates, covered_direct, covered_direct_projected (null without a need)}, total:
//! null | Row, rows: [Row],
//! before: null | Row}]}`; `before` is the year's total without the scenario; a total is null in
//! a year without a need (its demand is not given, not 0). CSV: the column `year`, then the
//! columns of `gaps`, each year's rows then its total (`not given`, figures empty, in a year
//! without a need).

use std::collections::BTreeMap;
use std::io::Write;

use gapmap_engine::{YEAR_FRAME_COLUMNS, YearTable};
use gapmap_match::{ChangeInTime, Horizon, HorizonOutcome, LinkKind, MatchConfig};
use gapmap_model::{NeedId, Volume};

use crate::cli::{ExplainArgs, Format, GapsArgs};
use crate::commands::gaps::{FORMAT_VERSION, coverage_rule, csv_record, percent, status_text};
use crate::commands::search::cut;
use crate::pipeline::Prepared;
use crate::progress::Progress;

/// The outcomes of a horizon: with the scenario's map when there is one, and before it.
pub struct Years {
    /// The outcome matched (the scenario's map when there is one).
    pub outcome: HorizonOutcome,
    /// Without the scenario, when there is one.
    pub before: Option<HorizonOutcome>,
    /// The scenario's changes in time.
    pub changes: Vec<ChangeInTime>,
    /// The scenario's offers applied over time, when there is one.
    pub scenario_offers: Option<Vec<gapmap_model::Offer>>,
}

impl Years {
    /// The offers `outcome` was matched against (its offer indices point into them): the
    /// scenario's, else the loaded ones.
    pub fn offers<'a>(&'a self, prepared: &'a Prepared) -> &'a [gapmap_model::Offer] {
        match &self.scenario_offers {
            Some(offers) => offers,
            None => &prepared.loaded.engine.dataset().offers,
        }
    }
}

/// Matches the prepared needs year by year, with and without the scenario.
pub fn run_years(
    prepared: &Prepared,
    horizon: Horizon,
    progress: &Progress,
) -> anyhow::Result<Years> {
    let engine = &prepared.loaded.engine;
    let base = prepared.matcher(&engine.dataset().offers, progress);
    let before = prepared.run_over(&base, horizon, progress);
    let Some(offers) = prepared.scenario_over_time(horizon)? else {
        return Ok(Years {
            outcome: before,
            before: None,
            changes: Vec::new(),
            scenario_offers: None,
        });
    };
    let outcome = prepared.run_over(&prepared.matcher(&offers, progress), horizon, progress);
    let changes = gapmap_match::changes_in_time(&offers, prepared.config.default_duration_years);
    Ok(Years {
        outcome,
        before: Some(before),
        changes,
        scenario_offers: Some(offers),
    })
}

/// The assumptions of a horizon, in words.
pub fn assumptions(config: &MatchConfig) -> String {
    let projection = match config.capacity_projection {
        gapmap_match::Projection::Last => "the nearest published year's seats",
        gapmap_match::Projection::Trend => "the least-squares trend of the published years",
    };
    format!(
        "graduates of year Y come from the intake of Y less the years to graduation (the course length, {} years when unknown, less the years before a première entry); seats of intake years the sources do not publish: {projection} (capacity_projection = \"{}\"), flagged as projected; BMO demand: the survey's yearly flow {} (bmo_growth = {}); a need with a year is for that year only, with a growth (croissance) a flow from it",
        config.default_duration_years,
        config.capacity_projection.key(),
        if config.bmo_growth == 0.0 {
            "repeated every year".to_owned()
        } else {
            format!("growing by {:+.1} % a year", config.bmo_growth * 100.0)
        },
        config.bmo_growth,
    )
}

/// Runs `gapmap gaps --years`.
pub fn gaps(
    args: &GapsArgs,
    prepared: &Prepared,
    horizon: Horizon,
    progress: &Progress,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let years = run_years(prepared, horizon, progress)?;
    let engine = &prepared.loaded.engine;
    let tables = engine.year_tables(&years.outcome, args.by);
    let before: Option<Vec<YearTable>> = years
        .before
        .as_ref()
        .map(|b| engine.year_tables(b, gapmap_match::Axis::Buyer));
    let rule = years
        .outcome
        .years
        .first()
        .map_or("direct", |y| coverage_rule(&y.outcome));
    match args.format {
        Format::Json => write_json(
            args,
            prepared,
            horizon,
            &years,
            &tables,
            before.as_deref(),
            rule,
            out,
        )?,
        Format::Csv => write_csv(&tables, out)?,
        Format::Table => write_table(args, prepared, &years, &tables, before.as_deref(), out)?,
    }
    progress.finish("gaps computed year by year");
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_json(
    args: &GapsArgs,
    prepared: &Prepared,
    horizon: Horizon,
    years: &Years,
    tables: &[YearTable],
    before: Option<&[YearTable]>,
    rule: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let config = &prepared.config;
    let by_year: Vec<serde_json::Value> = tables
        .iter()
        .enumerate()
        .map(|(k, t)| {
            serde_json::json!({
                "year": t.year,
                "buyers_without_demand": t.buyers_without_demand.iter().map(|b| b.key()).collect::<Vec<_>>(),
                "supply": {
                    "graduates": t.supply.graduates.as_f64(),
                    "projected_graduates": t.supply.projected.as_f64(),
                    "covered_direct": given(&t.total).map(|_| t.supply.covered_direct.as_f64()),
                    "covered_direct_projected": given(&t.total)
                        .map(|_| t.supply.covered_direct_projected.as_f64()),
                },
                "total": given(&t.total),
                "rows": t.rows,
                "before": before.and_then(|b| b.get(k)).and_then(|b| given(&b.total)),
            })
        })
        .collect();
    let scenario = prepared.scenario.as_ref().map(|(s, _)| {
        serde_json::json!({
            "name": s.name,
            "changes": years.changes.iter().map(|c| serde_json::json!({
                "offer": c.offer.as_str(), "label": c.label, "kind": c.kind.key(),
                "intake": c.intake, "first_year": c.first_year,
            })).collect::<Vec<_>>(),
        })
    });
    let doc = serde_json::json!({
        "format_version": FORMAT_VERSION,
        "kind": "horizon",
        "by": args.by.key(),
        "source": prepared.loaded.source_label,
        "coverage_rule": rule,
        "years": horizon.to_string(),
        "assumptions": {
            "capacity_projection": config.capacity_projection.key(),
            "bmo_growth": config.bmo_growth,
            "default_duration_years": config.default_duration_years,
        },
        "scenario": scenario,
        "by_year": by_year,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}

/// A year's total row, `None` when the year has no need (its demand is not given, not 0).
fn given(total: &gapmap_engine::TableRow) -> Option<&gapmap_engine::TableRow> {
    total.row.has_needs().then_some(total)
}

/// The CSV of a horizon: `year`, then the columns of `gaps`; each year's rows, then its total (a
/// year without a need: a total row labelled `not given`, its figures empty).
fn write_csv(tables: &[YearTable], out: &mut dyn Write) -> anyhow::Result<()> {
    out.write_all("\u{FEFF}".as_bytes())?;
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(&mut *out);
    writer.write_record(YEAR_FRAME_COLUMNS)?;
    for t in tables {
        for r in &t.rows {
            let mut record = vec![t.year.to_string()];
            record.extend(csv_record(r));
            writer.write_record(record)?;
        }
        let mut record = vec![t.year.to_string()];
        match given(&t.total) {
            Some(total) => record.extend(csv_record(total)),
            None => {
                record.extend(["total".to_owned(), "not given".to_owned()]);
                record.resize(YEAR_FRAME_COLUMNS.len(), String::new());
            }
        }
        writer.write_record(record)?;
    }
    writer.flush()?;
    Ok(())
}

fn write_table(
    args: &GapsArgs,
    prepared: &Prepared,
    years: &Years,
    tables: &[YearTable],
    before: Option<&[YearTable]>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "{:<6} {:>9} {:>9} {:>9} {:>9} {:>6} {:>10} {:>10}",
        "year", "demand", "direct", "adjacent", "gap", "cover", "graduates", "projected"
    )?;
    for t in tables {
        let r = &t.total.row;
        if !r.has_needs() {
            writeln!(
                out,
                "{:<6} {:>9} {:>9} {:>9} {:>9} {:>6} {:>10.1} {:>10}",
                t.year,
                "not given",
                "-",
                "-",
                "-",
                "-",
                t.supply.graduates.as_f64(),
                "-"
            )?;
            continue;
        }
        let partial = if t.buyers_without_demand.is_empty() {
            ""
        } else {
            "*"
        };
        writeln!(
            out,
            "{:<6} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>6} {:>10.1} {:>10}",
            format!("{}{partial}", t.year),
            r.volume.as_f64(),
            r.covered_direct.as_f64(),
            r.covered_adjacent.as_f64(),
            r.gap.as_f64(),
            percent(r.coverage()),
            t.supply.graduates.as_f64(),
            percent(t.supply.projected_share()),
        )?;
    }
    writeln!(
        out,
        "projected = share of the direct coverage by cohorts whose seats are projected (not published for their intake year)"
    )?;
    for t in tables
        .iter()
        .filter(|t| !t.buyers_without_demand.is_empty())
    {
        let keys: Vec<String> = t.buyers_without_demand.iter().map(|b| b.key()).collect();
        writeln!(
            out,
            "{}*: no need given for {} (their demand that year is unknown, not 0: the year's totals leave them out)",
            t.year,
            keys.join(", ")
        )?;
    }
    writeln!(out, "assumptions: {}", assumptions(&prepared.config))?;
    writeln!(out, "\ngap by {}:", args.by.key())?;
    write_pivot(args, tables, out)?;
    if let (Some((scenario, _)), Some(before)) = (&prepared.scenario, before) {
        writeln!(out, "\nscenario {:?}:", scenario.name)?;
        for c in &years.changes {
            let when = match (c.intake, c.first_year) {
                (Some(i), Some(y)) => {
                    format!("from the {i} intake: first effect on graduates in {y}")
                }
                _ => "in every year".to_owned(),
            };
            writeln!(out, "  {} {} — {when}", c.kind.key(), cut(&c.label, 60))?;
        }
        for (t, b) in tables.iter().zip(before) {
            match (given(&b.total), given(&t.total)) {
                (Some(b), Some(a)) => writeln!(
                    out,
                    "  {}: gap {:.1} -> {:.1}",
                    t.year,
                    b.row.gap.as_f64(),
                    a.row.gap.as_f64()
                )?,
                _ => writeln!(out, "  {}: no need given", t.year)?,
            }
        }
        let helps = tables
            .iter()
            .zip(before)
            .find(|(t, b)| given(&t.total).is_some() && t.total.row.gap < b.total.row.gap)
            .map(|(t, _)| t.year);
        match helps {
            Some(y) => writeln!(out, "  first year it lowers the gap: {y}")?,
            None => writeln!(out, "  it lowers the gap in no year of the horizon")?,
        }
    }
    Ok(())
}

/// The rows of every year as one table: a key per line, its gap per year.
fn write_pivot(args: &GapsArgs, tables: &[YearTable], out: &mut dyn Write) -> anyhow::Result<()> {
    let mut keys: BTreeMap<String, (String, Volume, Vec<Option<Volume>>)> = BTreeMap::new();
    for (k, t) in tables.iter().enumerate() {
        for r in &t.rows {
            let entry = keys
                .entry(r.row.key.to_string())
                .or_insert_with(|| (r.label.clone(), Volume::ZERO, vec![None; tables.len()]));
            entry.1 += r.row.gap;
            entry.2[k] = Some(r.row.gap);
        }
    }
    let mut rows: Vec<_> = keys.into_iter().collect();
    rows.sort_by(|a, b| b.1.1.cmp(&a.1.1).then_with(|| a.0.cmp(&b.0)));
    let limit = if args.limit == 0 {
        usize::MAX
    } else {
        args.limit
    };
    write!(out, "{:<28} {:<40}", "key", "label")?;
    for t in tables {
        write!(out, " {:>8}", t.year)?;
    }
    writeln!(out)?;
    for (key, (label, _, gaps)) in rows.iter().take(limit) {
        write!(out, "{:<28} {:<40}", cut(key, 28), cut(label, 40))?;
        for g in gaps {
            match g {
                Some(g) => write!(out, " {:>8.1}", g.as_f64())?,
                None => write!(out, " {:>8}", "-")?,
            }
        }
        writeln!(out)?;
    }
    if rows.len() > limit {
        writeln!(
            out,
            "({} more rows: --limit 0 shows all)",
            rows.len() - limit
        )?;
    }
    writeln!(out, "- = no need of this row that year")?;
    Ok(())
}

/// Runs `gapmap explain --years`: the need year by year, with the cohorts that supply it.
pub fn explain(
    args: &ExplainArgs,
    prepared: &Prepared,
    horizon: Horizon,
    progress: &Progress,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let years = run_years(prepared, horizon, progress)?;
    let id = NeedId(args.need_id.clone());
    let same_id: Vec<&gapmap_model::Need> = prepared.needs.iter().filter(|n| n.id == id).collect();
    let Some(&need) = same_id.first() else {
        anyhow::bail!("no need {:?}", args.need_id);
    };
    // Needs files may give one id to rows of different years: each rule is said.
    let rules: Vec<String> = same_id
        .iter()
        .map(|n| {
            let rule = rule_text(gapmap_match::DemandRule::of(n, &prepared.config));
            if same_id.len() > 1 {
                format!("{}:{}: {rule}", n.source.file, n.source.line)
            } else {
                rule
            }
        })
        .collect();
    let offers = years.offers(prepared);
    let mut doc_years = Vec::new();
    for y in &years.outcome.years {
        let Some(n) = y.outcome.needs.iter().find(|n| n.id == id) else {
            doc_years.push(serde_json::json!({"year": y.year, "demand": null, "note": "no need for this year"}));
            continue;
        };
        let cohorts: Vec<serde_json::Value> = n
            .allocations
            .iter()
            .map(|a| {
                let s = &y.outcome.supplies[a.offer_index];
                let o = &offers[a.offer_index];
                let cohort = s.cohort;
                serde_json::json!({
                    "offer": o.id.as_str(),
                    "label": o.label,
                    "school": o.school_name,
                    "link": a.kind.key(),
                    "volume": a.volume.as_f64(),
                    "intake": cohort.map(|c| c.intake),
                    "seats": cohort.and_then(|c| c.seats.seats()),
                    "seats_basis": cohort.map(|c| c.seats.key()),
                    "projected": cohort.is_some_and(|c| c.is_projected()),
                    "graduates": s.graduates.as_f64(),
                })
            })
            .collect();
        doc_years.push(serde_json::json!({
            "year": y.year,
            "demand": n.demand.map(Volume::as_f64),
            "covered_direct": n.covered_direct.as_f64(),
            "covered_adjacent": n.covered_adjacent.as_f64(),
            "gap": n.gap.as_f64(),
            "status": n.status.key(),
            "cohorts": cohorts,
        }));
    }
    if args.json {
        let doc = serde_json::json!({
            "format_version": FORMAT_VERSION,
            "need": need.id.as_str(),
            "buyer": need.buyer.key(),
            "specialty": need.specialty,
            "demand_rule": rules.join("; "),
            "years": doc_years,
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "Need {} — {} — {}\ndemand: {}",
        need.id,
        need.buyer.label_fr(),
        need.specialty,
        rules.join("; ")
    )?;
    for y in &years.outcome.years {
        let Some(n) = y.outcome.needs.iter().find(|n| n.id == id) else {
            writeln!(out, "\n{}: no need for this year", y.year)?;
            continue;
        };
        let demand = n
            .demand
            .map_or_else(|| "masked".to_owned(), |v| v.to_string());
        writeln!(
            out,
            "\n{}: demand {demand}, direct {}, adjacent {}, gap {} ({})",
            y.year,
            n.covered_direct,
            n.covered_adjacent,
            n.gap,
            status_text(n.status)
        )?;
        for a in n.allocations.iter().take(10) {
            let s = &y.outcome.supplies[a.offer_index];
            let o = &offers[a.offer_index];
            let cohort = s.cohort.map_or_else(String::new, |c| {
                let seats = c
                    .seats
                    .seats()
                    .map_or_else(|| "unknown".to_owned(), |n| n.to_string());
                let basis = match c.seats {
                    gapmap_match::IntakeSeats::Projected { from, .. } => {
                        format!("projected from {from}")
                    }
                    other => other.key().to_owned(),
                };
                format!("intake {} ({seats} seats, {basis})", c.intake)
            });
            let kind = if a.kind == LinkKind::Direct {
                "direct"
            } else {
                "adjacent"
            };
            writeln!(
                out,
                "  {} {kind} {} — {} — {cohort}",
                a.volume,
                cut(&o.label, 50),
                cut(o.school_name.as_deref().unwrap_or(""), 30)
            )?;
        }
        if n.allocations.len() > 10 {
            writeln!(
                out,
                "  ({} more: --json lists all)",
                n.allocations.len() - 10
            )?;
        }
    }
    Ok(())
}

/// A demand rule in words.
fn rule_text(rule: gapmap_match::DemandRule) -> String {
    use gapmap_match::DemandRule;
    match rule {
        DemandRule::EveryYear => "the same volume every year (no year given)".to_owned(),
        DemandRule::Year(y) => format!("for {y} only"),
        DemandRule::Flow {
            from,
            growth,
            until,
        } => format!(
            "a yearly flow from {from}{}, {:+.1} % a year",
            until.map_or_else(String::new, |u| format!(" to {u}")),
            growth * 100.0
        ),
    }
}
