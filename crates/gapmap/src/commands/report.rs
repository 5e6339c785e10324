//! `gapmap report`: the main job. Import (or reuse a store), match, and write the report folder.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use gapmap_engine::Supplies;
use gapmap_match::{Axis, GapKey, LinkKind, MatchConfig, MatchOutcome, Matcher, NeedResult};
use gapmap_model::{Dataset, GeoPoint, NeedLocation, Offer};

use crate::cli::{LangArg, ReportArgs};
use crate::commands::gaps;
use crate::pipeline;
use crate::progress::Progress;
use crate::report::{
    self, BigGap, ClosestOffer, CsvDelimiter, DemandPoint, HorizonScenario, HorizonSection, Lang,
    ReportInput, ReportOptions, ScenarioDelta, ScenarioRow, Site, SourceCredit, SupplySection,
    YearFigures, YearSeries,
};

/// Needs shown with their closest offers in the report.
const BIG_GAPS: usize = 10;

/// Runs `gapmap report`.
pub fn run(args: &ReportArgs, progress: &Progress, out: &mut dyn Write) -> anyhow::Result<()> {
    let prepared = pipeline::prepare(&args.source, &args.matching, progress)?;
    if let Some(horizon) = prepared.horizon
        && prepared.steady_needs.is_empty()
    {
        anyhow::bail!(
            "no need is for {}, the first plan year: the report's one-year sections compare that year; start --years at the first year of the needs",
            horizon.first()
        );
    }
    let loaded = &prepared.loaded;
    if loaded.is_demo && !progress.is_quiet() {
        crate::say!(
            "gapmap: no --data or --store given: running on the project's illustrative demo data (datasets/demo)"
        );
    }
    let matcher = prepared.matcher(&loaded.engine.dataset().offers, progress);
    let outcome = prepared.run(&matcher, progress);
    let scenario = match &prepared.scenario {
        Some((scenario, offers)) => {
            let after_matcher = prepared.matcher(offers, progress);
            let after = prepared.rerun(&after_matcher, &outcome, progress);
            let mut delta =
                scenario_delta(&scenario.name, &outcome, &after, loaded.engine.dataset());
            delta.supply_notes = gapmap_match::supply_changes(
                &loaded.engine.dataset().offers,
                offers,
                &loaded.engine.supply_rules(&prepared.config),
            )
            .iter()
            .map(gapmap_match::SupplyChange::note)
            .collect();
            Some(delta)
        }
        None => None,
    };
    let lang = match args.lang {
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    };
    let mut input = report_input(
        &matcher,
        loaded,
        &outcome,
        lang,
        prepared.config_text.clone(),
        scenario,
        &prepared.config,
    );
    if let Some(seats) = args.recommend {
        input.recommendations = Some(recommendations(
            &prepared, args, seats, &outcome, lang, progress,
        )?);
    }
    if let Some(horizon) = prepared.horizon {
        let years = super::horizon::run_years(&prepared, horizon, progress)?;
        input.horizon = Some(horizon_section(&prepared, horizon, &years, lang));
    }
    let delimiter = match args.csv_separator.as_str() {
        ";" => CsvDelimiter::Semicolon,
        "," => CsvDelimiter::Comma,
        other => anyhow::bail!("--csv-separator {other:?}: expected ; or ,"),
    };
    let options = ReportOptions {
        csv_delimiter: delimiter,
        ..ReportOptions::default()
    };
    let files = progress.step("write report", || {
        report::write_report(&input, &args.out, &options)
    })?;
    let total = outcome.total();
    writeln!(
        out,
        "demand {:.0}/yr, covered {:.0}, gap {:.0} ({}); report: {}",
        total.volume.as_f64(),
        total.covered.as_f64(),
        total.gap.as_f64(),
        total
            .coverage()
            .map(|c| format!("{:.0}% covered", c * 100.0))
            .unwrap_or_else(|| "no demand".into()),
        files.html.display()
    )?;
    progress.finish(&format!("report written to {}", args.out.display()));
    Ok(())
}

/// The recommendation section of `--recommend SEATS`, from the published map's outcome.
fn recommendations(
    prepared: &pipeline::Prepared,
    args: &ReportArgs,
    seats: u32,
    outcome: &MatchOutcome,
    lang: Lang,
    progress: &Progress,
) -> anyhow::Result<report::RecommendSection> {
    if prepared.scenario.is_some() {
        anyhow::bail!(
            "--recommend starts from the published map: give it without --scenario (then apply recommendation.toml with --scenario)"
        );
    }
    let request = super::recommend::request(
        Some(seats),
        None,
        args.limits.as_deref(),
        args.costs.as_deref(),
    )?;
    let engine = &prepared.loaded.engine;
    let recommended = progress.step("recommend", || {
        engine.recommend(&prepared.steady_needs, &prepared.config, outcome, &request)
    })?;
    Ok(super::recommend::section(
        engine,
        &prepared.config,
        &recommended,
        lang == Lang::Fr,
    ))
}

/// Fills the report's input model from the matcher's outcome.
pub fn report_input(
    matcher: &Matcher<'_>,
    loaded: &pipeline::Loaded,
    outcome: &MatchOutcome,
    lang: Lang,
    config_toml: String,
    scenario: Option<ScenarioDelta>,
    config: &MatchConfig,
) -> ReportInput {
    let d = loaded.engine.dataset();
    let supplies = loaded.engine.supplies(config);
    let region = loaded.engine.region();
    let region_name = region.and_then(|r| d.territory.regions.get(&r).cloned());
    let title = match (&region_name, lang) {
        (Some(name), Lang::Fr) => {
            format!("Besoins de recrutement et carte des formations — {name}")
        }
        (Some(name), _) => format!("Recruitment needs and the training map — {name}"),
        (None, Lang::Fr) => "Besoins de recrutement et carte des formations".to_owned(),
        (None, _) => "Recruitment needs and the training map".to_owned(),
    };
    let gaps_by: BTreeMap<Axis, Vec<report::TableRow>> = Axis::ALL
        .into_iter()
        .map(|axis| (axis, loaded.engine.table(outcome, axis)))
        .collect();
    let summary = gaps_by[&Axis::Buyer].clone();
    let sites = sites(&d.offers);
    // Many needs share a place: each place's point is looked up once.
    let places = loaded.engine.places();
    let mut points: HashMap<&NeedLocation, Option<GeoPoint>> = HashMap::new();
    let uncovered = outcome
        .needs
        .iter()
        .filter(|n| !n.gap.is_zero())
        .filter_map(|n| {
            let p = (*points
                .entry(&n.location)
                .or_insert_with(|| places.centre(&n.location)))?;
            Some(DemandPoint {
                label: n.specialty.clone(),
                lat: p.lat,
                lon: p.lon,
                gap: n.gap.as_f64(),
            })
        })
        .collect();
    let outline_points = match region {
        Some(r) => d
            .territory
            .communes_in(r)
            .filter_map(|c| c.point)
            .map(to_point)
            .collect(),
        None => Vec::new(),
    };
    let mut by_gap: Vec<&NeedResult> = outcome.needs.iter().filter(|n| !n.gap.is_zero()).collect();
    by_gap.sort_by(|a, b| b.gap.cmp(&a.gap).then_with(|| a.id.cmp(&b.id)));
    let big_gaps = by_gap
        .into_iter()
        .take(BIG_GAPS)
        .filter_map(|n| big_gap(matcher, outcome, n, d, &supplies))
        .collect();
    let supply = supply_section(&supplies);
    ReportInput {
        title,
        generated_at: now_utc(),
        lang,
        data_note: loaded
            .engine
            .note()
            .map(str::to_owned)
            .filter(|_| loaded.is_demo)
            .or_else(|| {
                loaded
                    .is_demo
                    .then(|| "données de démonstration illustratives (datasets/demo)".to_owned())
            }),
        config_toml,
        sources: credits()
            .into_iter()
            .chain(declared_credit(loaded.engine.declared()))
            .collect(),
        summary,
        total: gaps::total(outcome),
        count_adjacent: outcome.count_adjacent,
        gaps_by,
        sites,
        uncovered,
        outline_points,
        big_gaps,
        scenario,
        supply: Some(supply),
        horizon: None,
        recommendations: None,
    }
}

/// Rows of the biggest trades drawn over the years.
const YEAR_CHART_TRADES: usize = 5;
/// Buyers drawn over the years (largest demand first).
const YEAR_CHART_BUYERS: usize = 8;

/// The horizon section: every axis year by year, the charts, a scenario in time.
fn horizon_section(
    prepared: &pipeline::Prepared,
    horizon: gapmap_match::Horizon,
    years: &super::horizon::Years,
    lang: Lang,
) -> HorizonSection {
    let engine = &prepared.loaded.engine;
    let gaps_by: BTreeMap<Axis, Vec<gapmap_engine::YearTable>> = Axis::ALL
        .into_iter()
        .map(|axis| (axis, engine.year_tables(&years.outcome, axis)))
        .collect();
    let total_title = match lang {
        Lang::Fr => "Ensemble des besoins",
        _ => "All needs",
    };
    let mut charts = vec![YearSeries {
        title: total_title.to_owned(),
        points: gaps_by[&Axis::Buyer]
            .iter()
            .map(|t| (t.year, figures(&t.total.row)))
            .collect(),
    }];
    charts.extend(year_series(
        &gaps_by[&Axis::Buyer],
        YEAR_CHART_BUYERS,
        |r| r.volume,
    ));
    charts.extend(year_series(&gaps_by[&Axis::Rome], YEAR_CHART_TRADES, |r| {
        r.gap
    }));
    let scenario = years.before.as_ref().map(|before| {
        let gaps: Vec<(u16, Option<(f64, f64)>)> = before
            .years
            .iter()
            .zip(&years.outcome.years)
            .map(|(b, a)| {
                let year = a.year;
                let (b, a) = (b.outcome.total(), a.outcome.total());
                let given = a.has_needs();
                (year, given.then(|| (b.gap.as_f64(), a.gap.as_f64())))
            })
            .collect();
        HorizonScenario {
            name: prepared
                .scenario
                .as_ref()
                .map(|(s, _)| s.name.clone())
                .unwrap_or_default(),
            changes: years.changes.clone(),
            first_year_it_helps: gaps
                .iter()
                .find(|g| g.1.is_some_and(|(b, a)| a < b))
                .map(|g| g.0),
            gaps,
        }
    });
    HorizonSection {
        years: horizon.to_string(),
        capacity_projection: prepared.config.capacity_projection.key(),
        bmo_growth: prepared.config.bmo_growth,
        default_duration_years: prepared.config.default_duration_years,
        gaps_by,
        charts,
        scenario,
    }
}

/// A row's demand, direct supply and gap, when it has needs.
fn figures(row: &gapmap_match::GapRow) -> Option<YearFigures> {
    row.has_needs().then(|| YearFigures {
        demand: row.volume.as_f64(),
        direct: row.covered_direct.as_f64(),
        gap: row.gap.as_f64(),
    })
}

/// The `count` rows of `tables` with the largest `size` summed over the years, each as a line
/// over the years (a year without the row: not given).
fn year_series(
    tables: &[gapmap_engine::YearTable],
    count: usize,
    size: impl Fn(&gapmap_match::GapRow) -> gapmap_model::Volume,
) -> Vec<YearSeries> {
    let mut sizes: BTreeMap<GapKey, (String, gapmap_model::Volume)> = BTreeMap::new();
    for t in tables {
        for r in &t.rows {
            let entry = sizes
                .entry(r.row.key.clone())
                .or_insert_with(|| (r.label.clone(), gapmap_model::Volume::ZERO));
            entry.1 += size(&r.row);
        }
    }
    let mut ranked: Vec<(GapKey, (String, gapmap_model::Volume))> = sizes.into_iter().collect();
    ranked.sort_by(|a, b| b.1.1.cmp(&a.1.1).then_with(|| a.0.cmp(&b.0)));
    ranked
        .into_iter()
        .take(count)
        .map(|(key, (label, _))| YearSeries {
            title: format!("{label} ({key})"),
            points: tables
                .iter()
                .map(|t| {
                    let row = t.rows.iter().find(|r| r.row.key == key);
                    (t.year, row.and_then(|r| figures(&r.row)))
                })
                .collect(),
        })
        .collect()
}

/// The supply section: totals per group, entrants per application, every offer.
fn supply_section(supplies: &Supplies<'_>) -> SupplySection {
    SupplySection {
        groups: supplies.summary(),
        per_application: supplies
            .per_application()
            .into_iter()
            .map(|(source, stage, p)| {
                let key = format!("{} ({})", source.key(), stage.key());
                (key, p.value, p.measured_on)
            })
            .collect(),
        offers: supplies.iter().map(|f| f.values()).collect(),
    }
}

fn to_point(p: GeoPoint) -> report::GeoPoint {
    report::GeoPoint {
        lat: p.lat,
        lon: p.lon,
    }
}

/// Training sites: one per school and point, with the seats of its offers.
fn sites(offers: &[Offer]) -> Vec<Site> {
    let mut by_school: BTreeMap<(String, String), (String, GeoPoint, Option<u64>)> =
        BTreeMap::new();
    for o in offers {
        let Some(p) = o.location.point else { continue };
        let key = (o.school.to_string(), format!("{:.4},{:.4}", p.lat, p.lon));
        let entry = by_school.entry(key).or_insert_with(|| {
            (
                o.school_name
                    .clone()
                    .unwrap_or_else(|| o.school.to_string()),
                p,
                None,
            )
        });
        if let Some(seats) = o.capacity.seats() {
            entry.2 = Some(entry.2.unwrap_or(0) + u64::from(seats));
        }
    }
    by_school
        .into_values()
        .map(|(label, p, seats)| Site {
            label,
            lat: p.lat,
            lon: p.lon,
            seats: seats.map(|s| s as f64),
        })
        .collect()
}

fn big_gap(
    matcher: &Matcher<'_>,
    outcome: &MatchOutcome,
    n: &NeedResult,
    d: &Dataset,
    supplies: &Supplies<'_>,
) -> Option<BigGap> {
    let untaught: Vec<String> = n
        .untaught_competences
        .iter()
        .take(3)
        .filter_map(|c| d.referential.competences.get(c).map(|k| k.label.clone()))
        .collect();
    let explanation = matcher.explain(outcome, &n.id)?;
    let offers = matcher.offers();
    let closest_offers = explanation
        .candidates
        .iter()
        .take(3)
        .map(|c| {
            let o = &offers[c.offer_index];
            let facts = supplies.get(c.offer_index);
            let mut lacks: Vec<String> = Vec::new();
            if c.link.kind == LinkKind::Adjacent {
                lacks.push("formation voisine: reconversion nécessaire".to_owned());
            }
            lacks.extend(
                c.score
                    .components
                    .iter()
                    .filter(|k| k.sub_score < 0.999)
                    .map(|k| format!("{}: {}", k.kind.key(), k.note)),
            );
            lacks.extend(
                c.score
                    .factors
                    .iter()
                    .filter(|f| f.value < 0.999)
                    .map(|f| format!("{}: {}", f.kind.key(), f.note)),
            );
            lacks.extend(
                untaught
                    .iter()
                    .map(|u| format!("compétence non enseignée: {u}")),
            );
            ClosestOffer {
                label: o.label.clone(),
                school: o
                    .school_name
                    .clone()
                    .unwrap_or_else(|| o.school.to_string()),
                distance_km: c.score.distance_km,
                score: c.score.total.as_f64(),
                lacks,
                graduates: c.supply.graduates.as_f64(),
                pressure: facts.as_ref().and_then(|f| f.indicators.pressure),
                pressure_mean: facts.as_ref().and_then(|f| f.peers.pressure),
                employment_6m: facts.as_ref().and_then(|f| f.indicators.employment_6m),
                employment_6m_mean: facts.as_ref().and_then(|f| f.peers.employment_6m),
            }
        })
        .collect();
    Some(BigGap {
        need_label: format!("{} — {}", n.specialty, n.buyer.label_fr()),
        gap: n.gap.as_f64(),
        closest_offers,
    })
}

fn scenario_delta(
    name: &str,
    before: &MatchOutcome,
    after: &MatchOutcome,
    d: &Dataset,
) -> ScenarioDelta {
    let comparison = gapmap_match::compare(before, after);
    let mut rows = vec![ScenarioRow {
        label: "Total".to_owned(),
        before: comparison.total.before.gap.as_f64(),
        after: comparison.total.after.gap.as_f64(),
        delta: comparison.total.gap_delta_milli() as f64 / 1000.0,
    }];
    let specialty: HashMap<_, _> = after
        .needs
        .iter()
        .map(|n| (&n.id, n.specialty.as_str()))
        .collect();
    rows.extend(comparison.needs.iter().map(|n| ScenarioRow {
        label: format!("{} ({})", specialty.get(&n.id).copied().unwrap_or(""), n.id),
        before: n.gap_before.as_f64(),
        after: n.gap_after.as_f64(),
        delta: n.gap_delta_milli() as f64 / 1000.0,
    }));
    for (axis, deltas) in &comparison.aggregates {
        if *axis != Axis::Rome {
            continue;
        }
        rows.extend(deltas.iter().filter(|r| r.gap_delta_milli() != 0).map(|r| {
            let label = match &r.key {
                GapKey::Rome(code) => d
                    .referential
                    .metiers
                    .get(code)
                    .map_or_else(|| code.to_string(), |m| format!("{code} {}", m.label)),
                key => key.to_string(),
            };
            ScenarioRow {
                label,
                before: r.before.gap.as_f64(),
                after: r.after.gap.as_f64(),
                delta: r.gap_delta_milli() as f64 / 1000.0,
            }
        }));
    }
    ScenarioDelta {
        description: name.to_owned(),
        supply_notes: Vec::new(),
        rows,
    }
}

/// The user's capacities file, credited with what it declares (none when no file was given).
fn declared_credit(declared: &[gapmap_engine::Declaration]) -> Option<SourceCredit> {
    let first = &declared.first()?.line;
    let seats: u64 = declared.iter().map(|d| u64::from(d.line.seats)).sum();
    let replaced = declared
        .iter()
        .filter(|d| d.replaces_published().is_some())
        .count();
    let mut sources: Vec<&str> = declared
        .iter()
        .filter_map(|d| d.line.source.as_deref())
        .collect();
    sources.sort_unstable();
    sources.dedup();
    Some(SourceCredit {
        publisher: if sources.is_empty() {
            "capacités déclarées par l'utilisateur".to_owned()
        } else {
            sources.join(", ")
        },
        dataset: format!(
            "{} : {} offres, {seats} places déclarées{}",
            first.file,
            declared.len(),
            match replaced {
                0 => " (formations sans capacité publiée)".to_owned(),
                n => format!(", dont {n} à la place d'une capacité publiée"),
            }
        ),
        licence: "—".to_owned(),
    })
}

/// The publishers of the data, credited in every report (Licence Ouverte / Open Licence 2.0 unless
/// noted).
pub fn credits() -> Vec<SourceCredit> {
    let lo = "Licence Ouverte / Open Licence 2.0 (Etalab)";
    [
        (
            "France Travail",
            "ROME 4.0 (v460), enquête Besoins en Main-d'Œuvre 2024, bassins d'emploi",
            lo,
        ),
        ("Carif-Oref / Onisep", "Certif Info", lo),
        (
            "France Compétences",
            "RNCP (blocs de compétences), kit apprentissage",
            lo,
        ),
        (
            "Ministère de l'Éducation nationale",
            "BCN, Affelnet (capacités), annuaires des lycées et CFA",
            lo,
        ),
        (
            "Ministère de l'Enseignement supérieur",
            "Parcoursup (capacités BTS, formations)",
            lo,
        ),
        ("DEPP", "InserJeunes", lo),
        (
            "DARES",
            "Nomenclature FAP 2021 et table de passage ROME -> FAP",
            lo,
        ),
        (
            "INSEE / IGN / Etalab",
            "Code officiel géographique, points des communes",
            "Licence Ouverte 2.0; découpage administratif: MIT",
        ),
    ]
    .into_iter()
    .map(|(publisher, dataset, licence)| SourceCredit {
        publisher: publisher.to_owned(),
        dataset: dataset.to_owned(),
        licence: licence.to_owned(),
    })
    .collect()
}

/// The current time, ISO 8601 UTC, without a date library.
fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
