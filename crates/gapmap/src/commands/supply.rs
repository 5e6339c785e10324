//! `gapmap supply`: the training map's supply as the matcher counts it — the students who enter
//! each offer, the graduates who reach the labour market — with where each figure comes from, and
//! the indicators planners steer with.
//!
//! Outputs: a table of totals per source, mode and level (`--format table|csv|json`), or with
//! `--offers` one row per offer with the columns of [`gapmap_engine::OFFER_COLUMNS`]. JSON
//! (`format_version` 1): `{format_version, source, per_application: [{source, value,
//! measured_on}], groups: [...]}` or `{format_version, source, offers: [...]}`.

use std::io::Write;

use anyhow::Context;
use gapmap_engine::{Supplies, SupplyGroup};
use serde_json::json;

use crate::cli::{Format, SupplyArgs};
use crate::pipeline;
use crate::progress::Progress;
use crate::report::tables::{CsvDelimiter, write_offers_csv};

/// Output format version of this command.
pub const FORMAT_VERSION: u32 = 1;

/// Runs `gapmap supply`.
pub fn run(args: &SupplyArgs, progress: &Progress, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut loaded = pipeline::load(&args.source, progress)?;
    if let Some(path) = &args.capacities {
        loaded
            .engine
            .declare_capacities(path)
            .with_context(|| format!("reading capacities {}", path.display()))?;
    }
    let (config, _) = gapmap_engine::read_match_config(args.config.as_deref())?;
    let supplies = loaded.engine.supplies(&config);
    if args.offers {
        return offers(&supplies, &loaded.source_label, args.format, out);
    }
    let groups = supplies.summary();
    match args.format {
        Format::Json => {
            let doc = json!({
                "format_version": FORMAT_VERSION,
                "source": loaded.source_label,
                "per_application": per_application(&supplies),
                "groups": groups,
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        Format::Csv => groups_csv(&groups, out)?,
        Format::Table => table(&supplies, &groups, &loaded.source_label, out)?,
    }
    Ok(())
}

/// The groups as CSV, one column per count.
fn groups_csv(groups: &[SupplyGroup], out: &mut dyn Write) -> anyhow::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(&mut *out);
    w.write_record([
        "source",
        "mode",
        "level",
        "offers",
        "with_seats",
        "seats",
        "with_entrants",
        "entrants",
        "graduates",
        "from_census",
        "from_applications",
        "no_applicants",
        "assumed",
        "capacity_unknown",
        "measured_completion",
        "outcomes_diploma",
        "outcomes_predecessor",
        "outcomes_school",
    ])?;
    for g in groups {
        let (e, o) = (&g.entrants_from, &g.outcomes);
        let counts = [g.offers, g.with_seats, g.seats as usize, g.with_entrants];
        let mut record: Vec<String> = vec![
            g.source.to_owned(),
            g.mode.to_owned(),
            g.level.map(|l| l.to_string()).unwrap_or_default(),
        ];
        record.extend(counts.iter().map(ToString::to_string));
        record.extend([g.entrants.to_string(), g.graduates.to_string()]);
        let tail = [
            e.census,
            e.applications,
            e.no_applicants,
            e.assumed,
            e.capacity_unknown,
            g.measured_completion,
            o.diploma,
            o.predecessor,
            o.school,
        ];
        record.extend(tail.iter().map(ToString::to_string));
        w.write_record(record)?;
    }
    w.flush()?;
    Ok(())
}

fn per_application(supplies: &Supplies<'_>) -> Vec<serde_json::Value> {
    supplies
        .per_application()
        .into_iter()
        .map(|(source, stage, p)| {
            json!({
                "source": source.key(),
                "stage": stage.key(),
                "value": p.value,
                "measured_on": p.measured_on,
            })
        })
        .collect()
}

fn offers(
    supplies: &Supplies<'_>,
    source: &str,
    format: Format,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            let rows: Vec<_> = supplies.iter().map(|f| f.to_json()).collect();
            let doc = json!({"format_version": FORMAT_VERSION, "source": source, "offers": rows});
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
            Ok(())
        }
        // A table of 40 columns is a CSV: read it in a spreadsheet.
        Format::Csv | Format::Table => {
            let rows: Vec<_> = supplies.iter().map(|f| f.values()).collect();
            write_offers_csv(&mut *out, rows.iter(), CsvDelimiter::Semicolon)
        }
    }
}

fn table(
    supplies: &Supplies<'_>,
    groups: &[SupplyGroup],
    source: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(out, "supply of {source}")?;
    writeln!(
        out,
        "{:<15} {:<14} {:>3} {:>6} {:>8} {:>10} {:>10}  entrants from (census/applications/none/assumed/unknown)  measured completion  outcomes (diploma/predecessor/school)",
        "source", "mode", "lvl", "offers", "seats", "entrants", "graduates"
    )?;
    let (mut seats, mut entrants, mut graduates) = (0u64, 0.0, 0.0);
    for g in groups {
        let (e, o) = (&g.entrants_from, &g.outcomes);
        // A group whose entrants no data gives prints "unknown", never 0.
        let people = |v: f64| {
            if g.with_entrants == 0 {
                "unknown".to_owned()
            } else {
                format!("{v:.1}")
            }
        };
        writeln!(
            out,
            "{:<15} {:<14} {:>3} {:>6} {:>8} {:>10} {:>10}  {:>5}/{}/{}/{}/{}  {:>5}  {}/{}/{}",
            g.source,
            g.mode,
            g.level.map(|l| l.to_string()).unwrap_or_else(|| "-".into()),
            g.offers,
            g.seats,
            people(g.entrants),
            people(g.graduates),
            e.census,
            e.applications,
            e.no_applicants,
            e.assumed,
            e.capacity_unknown,
            g.measured_completion,
            o.diploma,
            o.predecessor,
            o.school,
        )?;
        seats += g.seats;
        entrants += g.entrants;
        graduates += g.graduates;
    }
    writeln!(
        out,
        "{:<15} {:<14} {:>3} {:>6} {:>8} {:>10.1} {:>10.1}",
        "total",
        "",
        "",
        supplies.iter().count(),
        seats,
        entrants,
        graduates
    )?;
    for p in per_application(supplies) {
        writeln!(
            out,
            "entrants per application, {} {}: {:.3} ({})",
            p["source"].as_str().unwrap_or(""),
            p["stage"].as_str().unwrap_or(""),
            p["value"].as_f64().unwrap_or(f64::NAN),
            match p["measured_on"].as_u64() {
                Some(n) => format!(
                    "calibrated on the {n} offers the census counts: their entrants by this rule add up to the census's"
                ),
                None => "configured, or 1 when too few offers allow the measure".to_owned(),
            }
        )?;
    }
    Ok(())
}

/// An offer's supply and indicators in one readable line: each factor with its source, then the
/// indicators beside its peers' means, its quadrant and small-count flags.
pub fn facts_line(f: &gapmap_engine::OfferFacts<'_>) -> String {
    format!(
        "{}\n      {}",
        supply_text(&f.supply),
        indicators_text(f.indicators, &f.peers)
    )
}

/// The supply factor by factor, each with its source.
fn supply_text(s: &gapmap_match::Supply) -> String {
    use gapmap_match::{CompletionSource, RateSource};
    if !s.is_known() {
        return "unknown: no capacity published and no pupils in the census".to_owned();
    }
    let completion = match &s.completion_source {
        CompletionSource::Measured(_) => "measured retention",
        CompletionSource::Configured => "configured",
        CompletionSource::CommonYear => {
            "a seconde commune: its pupils graduate from the premières of its family, counted there"
        }
    };
    let further = match &s.rate_source {
        RateSource::Outcomes(_) => "InserJeunes",
        RateSource::LevelDefault(_) | RateSource::Default => "configured",
    };
    let mut line = format!(
        "entrants {} of {} seats ({}) x completion {:.2} ({completion}) x (1 - further study {:.2} ({further})) = {} graduates/yr",
        s.entrants,
        s.seats
            .map_or_else(|| "unknown".to_owned(), |n| n.to_string()),
        entrants_text(&s.entrants_source),
        s.completion_factor,
        s.further_study_rate,
        s.graduates,
    );
    if !s.turned_away.is_zero() {
        line.push_str(&format!("; turns away {} applicants", s.turned_away));
    }
    line
}

/// Where the entrants come from, in words.
fn entrants_text(source: &gapmap_match::EntrantsSource) -> String {
    use gapmap_match::EntrantsSource;
    match source {
        EntrantsSource::Census { year, pupils, .. } => {
            format!("census {year}: {pupils} pupils entered")
        }
        EntrantsSource::Applications {
            applications,
            per_application,
            measured,
        } => format!(
            "{applications} applications x {per_application:.2} entrants per application{}",
            if *measured { " (measured)" } else { "" }
        ),
        EntrantsSource::NoApplicants { fill } => format!("no applicant: {fill} of the seats"),
        EntrantsSource::Assumed { fill } => {
            format!("nothing tells the entrants: {fill} of the seats assumed")
        }
        EntrantsSource::CapacityUnknown => "capacity unknown".to_owned(),
    }
}

/// The indicators beside their peers' means, the quadrant and the small-count flags.
fn indicators_text(i: &gapmap_match::OfferIndicators, m: &gapmap_match::PeerMeans) -> String {
    let pair = |name: &str, own: Option<f64>, mean: Option<f64>, percent: bool| {
        let show = |v: Option<f64>| match (v, percent) {
            (Some(v), true) => format!("{:.0} %", v * 100.0),
            (Some(v), false) => format!("{v:.2}"),
            (None, _) => "unknown".to_owned(),
        };
        format!("{name} {} (peers {})", show(own), show(mean))
    };
    let mut fill = pair("fill rate", i.fill_rate, m.fill_rate, false);
    if let Some(gap) = i
        .census_gap_years
        .filter(|g| *g != 0 && i.fill_rate.is_some())
    {
        fill.push_str(&format!(" (census {gap} years before the intake)"));
    }
    let mut parts = vec![
        pair("pressure", i.pressure, m.pressure, false),
        fill,
        pair(
            "employment 6 months",
            i.employment_6m,
            m.employment_6m,
            true,
        ),
        pair("12 months", i.employment_12m, m.employment_12m, true),
        pair("24 months", i.employment_24m, m.employment_24m, true),
    ];
    parts.extend(i.quadrant.map(|q| q.key().to_owned()));
    if i.small_capacity == Some(true) {
        parts.push("few seats: pressure and fill rate on small numbers".to_owned());
    }
    if i.small_cohort == Some(true) {
        parts.push("outcomes of a small cohort".to_owned());
    }
    parts.join(", ")
}
