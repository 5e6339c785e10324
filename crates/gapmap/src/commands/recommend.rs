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
use std::path::Path;

use anyhow::{Context, bail};
use gapmap_engine::{Engine, Recommended};
use gapmap_match::{
    Action, ActionKind, AlternativeReason, Budget, Costs, GapKey, GapTotals, MatchConfig,
    Recommendation, Request, Strategy,
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
    if args.baselines && args.format == Format::Csv {
        bail!("--baselines prints in the table or JSON formats, not in CSV (one row per action)");
    }
    let request = request(
        args.budget,
        args.euros,
        args.limits.as_deref(),
        args.costs.as_deref(),
    )?;
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
                    "scenario written to {} (`gapmap gaps --scenario {}` gives this direct gap)",
                    path.display(),
                    path.display()
                )?;
            }
        }
    }
    Ok(())
}

/// The request of a budget in seats and euros, a limits file and a cost file.
pub fn request(
    seats: Option<u32>,
    euros: Option<u64>,
    limits: Option<&Path>,
    costs: Option<&Path>,
) -> anyhow::Result<Request> {
    if seats.is_none() && euros.is_none() {
        bail!("give a budget: --budget SEATS, --euros EUROS, or both");
    }
    let limits = match limits {
        Some(path) => gapmap_engine::read_limits(path)?,
        None => Default::default(),
    };
    let costs = match costs {
        Some(path) => gapmap_engine::read_costs(path)?,
        None => Costs::assumed(),
    };
    Ok(Request {
        budget: Budget { seats, euros },
        limits,
        costs,
    })
}

/// The assumptions a recommendation's figures rest on, in English or French.
pub fn assumptions(config: &MatchConfig, r: &Recommendation, french: bool) -> Vec<String> {
    let fill = config.fill_without_evidence * 100.0;
    let costs = cost_text(r, french);
    let (dip, sch) = (
        r.request.limits.diplomas_per_need,
        r.request.limits.schools_per_diploma,
    );
    if french {
        vec![
            format!("une formation ouverte remplit {fill:.0} % de ses places (fill_without_evidence : aucune candidature n'est publiée pour elle)"),
            "les places ajoutées à une formation n'accueillent que les candidats qu'elle a refusés".to_owned(),
            "seule la couverture directe compte (diplômés d'une formation qui enseigne le métier), pondérée par la priorité des recruteurs".to_owned(),
            format!("recherche gloutonne (pas un optimum), réallocation exacte après chaque choix ; {dip} diplômes par besoin, {sch} établissements par diplôme, au statut de la plupart des formations de l'établissement"),
            "régime permanent : chaque action en place dès la rentrée de l'année des données, premiers diplômés une durée de formation plus tard ; sur un horizon (gaps --years --scenario), les changements partent de la première rentrée de l'horizon".to_owned(),
            format!("limites : {}", limits_text(r, true)),
            costs,
        ]
    } else {
        vec![
            format!("an opened course fills {fill:.0}% of its seats (fill_without_evidence: no applications are published for it)"),
            "added seats enter only the applicants a course turned away".to_owned(),
            "only direct coverage counts (graduates of a course that teaches the job), weighted by buyer priority".to_owned(),
            format!("greedy search (not an optimum), the allocation solved exactly after each choice; {dip} diplomas per need, {sch} schools per diploma, in the status of most of the school's courses"),
            "steady state: every action in place from the intake of the data's year, first graduates a course length later; over a plan horizon (gaps --years --scenario) the changes start at the horizon's first intake".to_owned(),
            format!("limits: {}", limits_text(r, false)),
            costs,
        ]
    }
}

/// The limits used, in words.
fn limits_text(r: &Recommendation, french: bool) -> String {
    let l = &r.request.limits;
    let deps: Vec<String> = l.departements.iter().map(ToString::to_string).collect();
    let all = if french { "tous" } else { "all" };
    let none = if french { "aucun" } else { "none" };
    let yes_no = |b: bool| match (b, french) {
        (true, true) => "oui",
        (false, true) => "non",
        (true, false) => "yes",
        (false, false) => "no",
    };
    let levels = l.levels.map_or(all.to_owned(), |(lo, hi)| {
        format!("{}-{}", lo.get(), hi.get())
    });
    let deps = if deps.is_empty() {
        all.to_owned()
    } else {
        deps.join(", ")
    };
    let per_school = l
        .max_seats_per_school
        .map_or(none.to_owned(), |n| n.to_string());
    if french {
        format!(
            "départements {deps} ; niveaux {levels} ; places par établissement au plus {per_school} ; extensions seulement {} ; formation ouverte de {} à {} places ; extension de {} places au plus ; places vides redéployées au plus {}",
            yes_no(l.only_extensions),
            l.course_seats.0,
            l.course_seats.1,
            l.max_extension,
            l.redeploy
        )
    } else {
        format!(
            "départements {deps}; levels {levels}; seats per school at most {per_school}; extensions only {}; an opened course {} to {} seats; an extension {} seats at most; empty seats redeployed at most {}",
            yes_no(l.only_extensions),
            l.course_seats.0,
            l.course_seats.1,
            l.max_extension,
            l.redeploy
        )
    }
}

/// The costs used, in words: every rate and where it comes from.
fn cost_text(r: &Recommendation, french: bool) -> String {
    let costs = &r.request.costs;
    let d = costs.default;
    let rates = if french {
        format!(
            "{} € pour ouvrir une formation, {} € d'équipement par place, une année d'enseignement d'une promotion (un ETP à {} € par an pour {} places ; le coût de la formation sur toute sa durée n'est pas compté)",
            d.course_opening, d.seat_equipment, d.teacher_fte, d.seats_per_teacher_fte
        )
    } else {
        format!(
            "{} € to open a course, {} € of equipment per seat, a year of teaching one intake (a teacher FTE at {} € a year for {} seats; the course's cost over its whole length is not counted)",
            d.course_opening, d.seat_equipment, d.teacher_fte, d.seats_per_teacher_fte
        )
    };
    let domains: Vec<String> = costs.by_domain.keys().map(char::to_string).collect();
    let source = match (costs.assumed, costs.defaulted.is_empty(), french) {
        (true, _, true) => "coûts supposés (aucun fichier de coûts)".to_owned(),
        (true, _, false) => "costs assumed (no cost file)".to_owned(),
        (false, true, true) => "coûts du fichier donné".to_owned(),
        (false, true, false) => "costs from the cost file".to_owned(),
        (false, false, true) => format!(
            "coûts du fichier donné, valeurs supposées pour {}",
            costs.defaulted.join(", ")
        ),
        (false, false, false) => format!(
            "costs from the cost file, assumed for {}",
            costs.defaulted.join(", ")
        ),
    };
    let by_domain = match (domains.is_empty(), french) {
        (true, _) => String::new(),
        (false, true) => format!(" ; autres taux pour les domaines {}", domains.join(", ")),
        (false, false) => format!("; other rates for domains {}", domains.join(", ")),
    };
    format!("{source}: {rates}{by_domain}")
}

/// The report's section of a recommendation.
pub fn section(
    engine: &Engine,
    config: &MatchConfig,
    recommended: &Recommended,
    french: bool,
) -> crate::report::RecommendSection {
    let r = &recommended.recommendation;
    let budget = match (r.request.budget.seats, french) {
        (Some(s), true) => format!(
            "{} actions, {} places sur {s} ({} €)",
            r.actions.len(),
            r.seats,
            r.euros
        ),
        (Some(s), false) => format!(
            "{} actions, {} of {s} seats ({} €)",
            r.actions.len(),
            r.seats,
            r.euros
        ),
        (None, _) => format!("{} actions, {} €", r.actions.len(), r.euros),
    };
    crate::report::RecommendSection {
        budget,
        direct_gap: (
            r.before.direct_gap.as_f64(),
            recommended.applied.direct_gap.as_f64(),
        ),
        weighted_gap: (r.before.weighted_gap, recommended.applied.weighted_gap),
        assumptions: assumptions(config, r, french),
        rows: r.actions.iter().map(|a| row(engine, a, french)).collect(),
        scenario_toml: gapmap_engine::scenario_toml(&r.scenario),
    }
}

fn row(engine: &Engine, a: &Action, french: bool) -> crate::report::RecommendRow {
    if matches!(a.kind, ActionKind::Reduce | ActionKind::Close) {
        let school = a.school_name.as_deref().unwrap_or(a.school.as_str());
        return crate::report::RecommendRow {
            action: kind_text(a.kind, french).to_owned(),
            course: a.label.clone(),
            school: format!("{school} ({}, {})", a.school.as_str(), a.departement),
            seats: a.seats,
            euros: 0,
            graduates: 0.0,
            closed: 0.0,
            first_graduates: a.first_graduates,
            needs: String::new(),
            why: match (&a.moved_to, french) {
                (Some(to), true) => format!(
                    "{} ; places déplacées vers {to} (même diplôme, même établissement, autre statut)",
                    reduction_reason(a, true)
                ),
                (Some(to), false) => format!(
                    "{}; seats moved to {to} (same diploma and school, other status)",
                    reduction_reason(a, false)
                ),
                (None, _) => reduction_reason(a, french),
            },
        };
    }
    let needs: Vec<String> = a
        .effects
        .iter()
        .map(|e| {
            let resolved = e.resolved.map(|c| {
                if french {
                    format!(", métier déduit de l'intitulé, confiance {c:.2}")
                } else {
                    format!(", job resolved from its title, confidence {c:.2}")
                }
            });
            format!(
                "{} {:+.1} / {:.1}{}{}",
                e.need,
                -(e.closed_milli as f64) / 1000.0,
                e.gap_before.as_f64(),
                e.distance_km
                    .map(|d| format!(" ({d:.0} km)"))
                    .unwrap_or_default(),
                resolved.unwrap_or_default()
            )
        })
        .collect();
    let mut why = Vec::new();
    if let Some(turned) = a.turned_away {
        why.push(if french {
            format!(
                "{} candidatures, {:.1} refusées (candidatures au-delà des places) : les places ajoutées les accueillent",
                a.applications.map_or("?".to_owned(), |n| n.to_string()),
                turned.as_f64()
            )
        } else {
            format!(
                "{} applications, {:.1} turned away: the added seats enter them",
                a.applications.map_or("?".to_owned(), |n| n.to_string()),
                turned.as_f64()
            )
        });
    }
    if !a.competences.is_empty() {
        let names: Vec<String> = (a.competences.iter().take(3))
            .map(|c| engine.label(&GapKey::Competence(*c)))
            .collect();
        let head = if french { "apporte : " } else { "brings: " };
        why.push(format!("{head}{}", names.join(", ")));
    }
    if let Some(alt) = &a.alternative {
        let head = if french {
            "non retenu : "
        } else {
            "not chosen: "
        };
        why.push(format!(
            "{head}{} ({}) — {}",
            alt.label,
            alt.school_name.as_deref().unwrap_or("?"),
            reason_text(alt.reason(), french)
        ));
    }
    let school = a.school_name.as_deref().unwrap_or(a.school.as_str());
    crate::report::RecommendRow {
        action: kind_text(a.kind, french).to_owned(),
        course: a.label.clone(),
        school: format!("{school} ({}, {})", a.school.as_str(), a.departement),
        seats: a.seats,
        euros: a.euros,
        graduates: a.graduates.as_f64(),
        closed: a.closed().as_f64(),
        first_graduates: a.first_graduates,
        needs: needs.join("; "),
        why: why.join(" · "),
    }
}

/// An action's kind in words.
fn kind_text(kind: ActionKind, french: bool) -> &'static str {
    match (kind, french) {
        (ActionKind::Open, true) => "ouvrir",
        (ActionKind::Extend, true) => "étendre",
        (ActionKind::Reduce, true) => "réduire (places vides)",
        (ActionKind::Close, true) => "fermer (aucun entrant)",
        (kind, false) => kind.key(),
    }
}

/// Why seats can go, in English or French: the course's fill, measured.
fn reduction_reason(a: &Action, french: bool) -> String {
    let fill = a
        .fill_rate
        .map_or("?".to_owned(), |f| format!("{:.0}", f * 100.0));
    match (a.kind, french) {
        (ActionKind::Close, false) => "it enters nobody (measured)".to_owned(),
        (ActionKind::Close, true) => "elle n'accueille personne (mesuré)".to_owned(),
        (_, false) => format!("its entrants fill {fill}% of its seats (census or applications)"),
        (_, true) => {
            format!("ses entrants remplissent {fill} % de ses places (recensement ou candidatures)")
        }
    }
}

/// Why an alternative was not chosen, in English or French.
fn reason_text(reason: AlternativeReason, french: bool) -> String {
    if !french {
        return reason.to_string();
    }
    match reason {
        AlternativeReason::FewerGraduatesPerSeat { theirs, ours } => format!(
            "moins de diplômés par place ({theirs:.2} contre {ours:.2} : moins de candidats pour remplir les places ajoutées, ou moins de réussite)"
        ),
        AlternativeReason::LessDemandReached { theirs, ours } => format!(
            "ses diplômés servent moins de besoin encore découvert ({theirs:.2} contre {ours:.2} personnes pondérées par diplômé)"
        ),
        AlternativeReason::DearerPerSeat { theirs, ours } => {
            format!("plus cher par place ({theirs:.0} € contre {ours:.0} €)")
        }
        AlternativeReason::Tie => {
            "aussi bon : le premier candidat dans un ordre fixe a été retenu".to_owned()
        }
    }
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
        "costs_defaulted": r.request.costs.defaulted,
        "fill_without_evidence": config.fill_without_evidence,
        "before": totals_json(&r.before),
        "after": totals_json(&r.after),
        "applied": totals_json(&recommended.applied),
        "seats": r.seats,
        "seats_removed": r.seats_removed,
        "euros": r.euros,
        "candidates": {"extensions": r.candidates.0, "openings": r.candidates.1},
        "steps": {"taken": r.steps.0, "undone": r.steps.1, "pruned": r.pruned},
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
        "length_assumed": a.length_assumed,
        "intake_year": a.intake_year,
        "first_graduates": a.first_graduates,
        "turned_away": a.turned_away.map(|v| v.as_f64()),
        "applications": a.applications,
        "fill_rate": a.fill_rate,
        "moved_to": a.moved_to.as_ref().map(|o| o.as_str()),
        "needs": a.effects.iter().map(|e| json!({
            "need": e.need.to_string(),
            "gap_before": e.gap_before.as_f64(),
            "closed": e.closed_milli as f64 / 1000.0,
            "distance_km": e.distance_km.map(|d| (d * 10.0).round() / 10.0),
            "resolved_confidence": e.resolved,
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
            "value": alt.value.0,
            "chosen_value": alt.value.1,
            "reason": alt.reason().to_string(),
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
        "length_assumed",
        "intake_year",
        "first_graduates",
        "turned_away",
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
            a.length_assumed.to_string(),
            a.intake_year.to_string(),
            a.first_graduates.to_string(),
            a.turned_away
                .map(|v| format!("{:.3}", v.as_f64()))
                .unwrap_or_default(),
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
    if r.seats_removed > 0 {
        writeln!(
            out,
            "Recommendation: {} actions, {} seats added and {} empty seats removed to fund them (redeploy): {} seats net, budget {}, {} €",
            r.actions.len(),
            r.seats,
            r.seats_removed,
            i64::from(r.seats) - i64::from(r.seats_removed),
            budget.seats.map_or("-".to_owned(), |s| s.to_string()),
            r.euros
        )?;
    } else {
        writeln!(out, "Recommendation: {} actions, {spent}", r.actions.len())?;
    }
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
        "candidates: {} extensions, {} openings; {} choices ({} undone: their graduates only displaced others; {} dropped at the end: a later choice took over their demand)",
        r.candidates.0, r.candidates.1, r.steps.0, r.steps.1, r.pruned
    )?;
    for (k, a) in r.actions.iter().enumerate() {
        writeln!(out)?;
        action_lines(engine, k + 1, a, out)?;
    }
    if r.actions.is_empty() {
        let why = if r.before.direct_gap.is_zero() {
            "no action: the needs have no direct gap"
        } else if r.candidates == (0, 0) {
            "no action: no candidate extension or opening serves a need with a gap within these limits"
        } else {
            "no action closes any direct gap within this budget and these limits"
        };
        writeln!(out, "{why}")?;
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
    writeln!(out, "\nassumptions:")?;
    for a in assumptions(config, r, false) {
        writeln!(out, "  - {a}")?;
    }
    Ok(())
}

/// `LABEL at SCHOOL (CODE, DEP), level L`, label and name cut for a table.
fn course_text(a: &Action) -> String {
    let school = a.school_name.as_deref().unwrap_or(a.school.as_str());
    format!(
        "{} at {} ({}, {}), level {}",
        cut(&a.label, 60),
        cut(school, 40),
        a.school.as_str(),
        a.departement,
        a.level.map_or("?".to_owned(), |l| l.get().to_string())
    )
}

fn action_lines(
    engine: &Engine,
    rank: usize,
    a: &Action,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let course = course_text(a);
    if matches!(a.kind, ActionKind::Reduce | ActionKind::Close) {
        writeln!(
            out,
            "{rank:>2}. {} {} empty seats of {course}: {}; its graduates do not change",
            a.kind.key(),
            a.seats,
            reduction_reason(a, false)
        )?;
        writeln!(out, "    offer {}", a.offer)?;
        if let Some(to) = &a.moved_to {
            writeln!(
                out,
                "    moved to {to}: the same diploma at the same school, in the other status"
            )?;
        }
        return Ok(());
    }
    writeln!(
        out,
        "{rank:>2}. {} {} seat(s) of {course}: +{:.1} graduates a year from {} (intake {}, {}-year course{}), {} €",
        a.kind.key(),
        a.seats,
        a.graduates.as_f64(),
        a.first_graduates,
        a.intake_year,
        a.length_years,
        if a.length_assumed {
            ", length assumed"
        } else {
            ""
        },
        a.euros
    )?;
    writeln!(out, "    offer {}", a.offer)?;
    if let Some(turned) = a.turned_away {
        writeln!(
            out,
            "    pressure: {} applications, {:.1} turned away (applications beyond the seats, at the source's entrants per application){}: the added seats fill from them",
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
                "{} {:+.1} of {:.1}{}{}",
                e.need,
                -(e.closed_milli as f64) / 1000.0,
                e.gap_before.as_f64(),
                e.distance_km
                    .map(|d| format!(" at {d:.0} km"))
                    .unwrap_or_default(),
                e.resolved
                    .map(|c| format!(" (job resolved from its title, confidence {c:.2})"))
                    .unwrap_or_default()
            )
        })
        .collect();
    writeln!(
        out,
        "    closes {:.1} a year, the other actions in place: {}{}",
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
