//! `gapmap search`, `gapmap resolve`, `gapmap competences`: the index from the command line.
//!
//! JSON outputs (stable, `format_version` 3):
//! - search: `{format_version, query, courses: [{label, school, school_code, uai, commune,
//!   commune_name, departement, level, modes, seats, variants_of_unknown_capacity, score,
//!   variants: [{offer, label, school, school_code, uai, commune, departement, level, mode,
//!   source, year, entry_year, seats, supply, score, text_score, bm25, parts: [{field, term,
//!   words, term_freq, boost, bm25, share}], terms_found, terms_searched, corrections: [{word,
//!   term, searched}], distance_km, filters, matched_terms}]}]}`: one
//!   course per school and diploma ([`gapmap_engine::CourseHit`]), its offers as variants;
//!   `supply` the per-offer object of `gapmap supply --offers` (entrants, graduates, pressure,
//!   fill rate, outcomes with their peers' means, quadrant; default configuration);
//! - resolve: `{format_version, text, sheets: [{rome, label, sheet_label, confidence}]}`;
//! - competences: `{format_version, text, competences: [{ogr, label, kind, score, corrections:
//!   [{word, term, searched}]}]}`.

use std::io::Write;

use anyhow::{Context, bail};
use gapmap_engine::{CourseHit, CourseTotals, Repeat};
use gapmap_index::{Near, OfferHit, OfferQuery};
use gapmap_model::{
    Departement, EuropeanLevel, InseeCommune, LevelRangeError, NeedLocation, TrainingMode,
};
use serde_json::json;

use crate::cli::{CompetencesArgs, ResolveArgs, SearchArgs, SourceArgs};
use crate::pipeline;
use crate::progress::Progress;

/// Output format version of these commands.
pub const FORMAT_VERSION: u32 = 3;

fn store_source(store: &std::path::Path) -> SourceArgs {
    SourceArgs {
        data: None,
        store: Some(store.to_owned()),
        region: None,
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
        let radius = args.radius.unwrap_or(30.0);
        if radius.is_nan() || radius <= 0.0 {
            bail!("--radius must be positive");
        }
        query.near = Some(Near {
            center: point,
            radius_km: radius,
        });
    }
    let found = loaded.engine.search_courses(&query)?;
    let supplies = loaded
        .engine
        .supplies(&gapmap_match::MatchConfig::default());
    let engine = &loaded.engine;
    let graduates = |offer: &gapmap_model::OfferId| {
        supplies
            .of(offer)
            .filter(|f| f.supply.is_known())
            .map(|f| f.supply.graduates.as_f64())
    };
    if args.json {
        let rows: Vec<_> = found
            .courses
            .iter()
            .map(|c| {
                course_json(engine, c, &c.totals(engine, graduates), |h| {
                    supplies.of(&h.offer).map(|f| f.to_json())
                })
            })
            .collect();
        let doc = json!({
            "format_version": FORMAT_VERSION,
            "query": args.query,
            "corrections": corrections_json(&found.corrections),
            "courses": rows,
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
        return Ok(());
    }
    for c in &found.corrections {
        writeln!(
            out,
            "note: {:?} is in neither the training map nor the ROME referential: searched as {:?}, the closest term of the map",
            c.word, c.searched
        )?;
    }
    let courses = &found.courses;
    // Words no course shown holds (a typo left as typed, a word the map does not use): said, so
    // that the rows are not read as matching them.
    let held: std::collections::HashSet<&str> = courses
        .iter()
        .flat_map(|c| c.variants())
        .flat_map(|h| h.matched_terms.iter().map(String::as_str))
        .collect();
    let typed = gapmap_index::query_words(&args.query);
    for word in typed.iter().filter(|w| !held.contains(w.as_str())) {
        if !courses.is_empty() && !found.corrections.iter().any(|c| &c.word == word) {
            writeln!(out, "note: no course shown holds {word:?}")?;
        }
    }
    writeln!(
        out,
        "{:>5}  {:<52} {:<6} {:<34} {:>3} {:>4} {:>6} {:>6} {:>5} {:>5} {:>5}  terms  why (word: field share)",
        "score",
        "course",
        "mode",
        "school",
        "dep",
        "lvl",
        "seats",
        "grads",
        "press",
        "fill",
        "emp6"
    )?;
    let table = CourseTable {
        engine,
        supplies: &supplies,
    };
    for course in courses {
        table.write(out, course, &course.totals(engine, graduates))?;
    }
    let offers: usize = courses.iter().map(|c| c.variants().len()).sum();
    writeln!(out, "{} courses ({offers} offers)", courses.len())?;
    Ok(())
}

/// The table of `gapmap search`: a line per course, and under a course of several offers a
/// line per offer.
struct CourseTable<'a> {
    engine: &'a gapmap_engine::Engine,
    supplies: &'a gapmap_engine::Supplies<'a>,
}

impl CourseTable<'_> {
    fn write(
        &self,
        out: &mut dyn Write,
        course: &CourseHit,
        totals: &CourseTotals,
    ) -> anyhow::Result<()> {
        let best = course.best();
        let o = self.engine.offer(&best.offer);
        let single = course.variants().len() == 1;
        let modes = course_modes(self.engine, course);
        let mode = match modes.as_slice() {
            [TrainingMode::School] => "school",
            [TrainingMode::Apprenticeship] => "appr.",
            [] => "-",
            _ => "both",
        };
        let indicators = if single {
            self.indicators(best)
        } else {
            ["", "", ""].map(str::to_owned)
        };
        writeln!(
            out,
            "{:>5.2}  {:<52} {:<6} {:<34} {:>3} {:>4} {:>6} {:>6} {:>5} {:>5} {:>5}  {:<5}  {}{}",
            course.score(),
            cut(shown_label(&best.label), 52),
            mode,
            cut(&school_name(self.engine, o), 34),
            o.map(|o| o.location.departement.to_string())
                .unwrap_or_default(),
            o.and_then(|o| o.level.map(|l| l.to_string()))
                .unwrap_or_else(|| "-".into()),
            sum(totals.seats.map(f64::from), totals.seats_unknown, 0),
            sum(totals.graduates, totals.graduates_unknown, 1),
            indicators[0],
            indicators[1],
            indicators[2],
            terms(best),
            why(best),
            distance(best),
        )?;
        if single {
            return Ok(());
        }
        for (h, repeat) in course.variants().iter().zip(&totals.repeats) {
            let v = self.engine.offer(&h.offer);
            let seats = v
                .and_then(|o| o.capacity.seats())
                .map_or_else(|| "?".to_owned(), |s| s.to_string());
            let graduates = self
                .graduates(h)
                .map_or_else(|| "?".to_owned(), |g| format!("{g:.1}"));
            let [press, fill, emp6] = self.indicators(h);
            writeln!(
                out,
                "{:>5.2}    - {:<48} {:<6} {:<34} {:>3} {:>4} {:>6} {:>6} {:>5} {:>5} {:>5}  {:<5}  {}  [{}]",
                h.score,
                cut(&variant_text(v, *repeat), 48),
                v.map_or("-", |o| mode_text(o.mode)),
                "",
                "",
                v.and_then(|o| o.level.map(|l| l.to_string()))
                    .unwrap_or_else(|| "-".into()),
                seats,
                graduates,
                press,
                fill,
                emp6,
                terms(h),
                why(h),
                h.offer,
            )?;
        }
        Ok(())
    }

    /// Graduates a year of an offer; `None` when its capacity is unknown (not 0).
    fn graduates(&self, h: &OfferHit) -> Option<f64> {
        self.supplies
            .of(&h.offer)
            .filter(|f| f.supply.is_known())
            .map(|f| f.supply.graduates.as_f64())
    }

    /// Pressure, fill rate and 6-month employment of an offer, `-` when unknown.
    fn indicators(&self, h: &OfferHit) -> [String; 3] {
        let facts = self.supplies.of(&h.offer);
        let show = |pick: fn(&gapmap_match::OfferIndicators) -> Option<f64>| {
            facts
                .as_ref()
                .and_then(|f| pick(f.indicators))
                .map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
        };
        [
            show(|i| i.pressure),
            show(|i| i.fill_rate),
            show(|i| i.employment_6m),
        ]
    }
}

/// A sum of which some values are unknown: shown `12`, `12+?` or `?`.
fn sum(known: Option<f64>, unknown: usize, decimals: usize) -> String {
    match (known, unknown) {
        (None, _) => "?".to_owned(),
        (Some(k), 0) => format!("{k:.decimals$}"),
        (Some(k), _) => format!("{k:.decimals$}+?"),
    }
}

/// The statuses of a course's variants, school first.
fn course_modes(engine: &gapmap_engine::Engine, course: &CourseHit) -> Vec<TrainingMode> {
    let mut modes: Vec<TrainingMode> = course
        .variants()
        .iter()
        .filter_map(|h| engine.offer(&h.offer).map(|o| o.mode))
        .collect();
    modes.sort();
    modes.dedup();
    modes
}

fn mode_text(mode: TrainingMode) -> &'static str {
    match mode {
        TrainingMode::School => "school",
        TrainingMode::Apprenticeship => "appr.",
    }
}

/// What tells a variant from the others of its course: its source, year and entry year, and
/// why it is not counted in the course's totals when it repeats another.
fn variant_text(offer: Option<&gapmap_model::Offer>, repeat: Option<Repeat>) -> String {
    let Some(o) = offer else {
        return "-".to_owned();
    };
    let entry = match o.intake.entry_year {
        Some(1) => ", first year".to_owned(),
        Some(n) => format!(", entry year {n}"),
        None => String::new(),
    };
    // The course list has no year (0).
    let year = if o.year > 0 {
        format!(" {}", o.year)
    } else {
        String::new()
    };
    let repeat = match repeat {
        Some(Repeat::EarlierYear) => " (earlier year, not added)",
        Some(Repeat::CourseList) => " (course list, not added)",
        Some(Repeat::LaterEntry) => " (newcomers' seats)",
        None => "",
    };
    format!("{}{year}{entry}{repeat}", o.source.key())
}

/// A course's label as the table shows it: without the trailing "- en apprentissage" that the
/// mode column says, so that a label cut to its width keeps its end (the option).
fn shown_label(label: &str) -> &str {
    let trimmed = label.trim_end();
    let lower = trimmed.to_lowercase();
    match lower.strip_suffix("en apprentissage") {
        Some(rest) if lower.len() == trimmed.len() => {
            trimmed[..rest.len()].trim_end_matches([' ', '-', ','])
        }
        _ => trimmed,
    }
}

/// A school's name, or its code and its commune's name when the directories give no name.
fn school_name(engine: &gapmap_engine::Engine, o: Option<&gapmap_model::Offer>) -> String {
    let Some(o) = o else {
        return String::new();
    };
    o.school_name.clone().unwrap_or_else(|| {
        let commune = o
            .location
            .commune
            .and_then(|c| engine.dataset().territory.communes.get(&c))
            .map(|c| format!(" ({})", c.name))
            .unwrap_or_default();
        format!("{}{commune}", o.school)
    })
}

fn distance(h: &OfferHit) -> String {
    h.breakdown
        .distance_km
        .map(|d| format!(" {d:.0} km"))
        .unwrap_or_default()
}

/// The query terms an offer holds, of those searched, those held only outside the fields that
/// name it counting half (`1.5/2`), empty without text.
fn terms(h: &OfferHit) -> String {
    let b = &h.breakdown;
    if b.terms_searched == 0 {
        String::new()
    } else {
        format!("{}/{}", b.terms_held(), b.terms_searched)
    }
}

/// Short names of the text fields in the table.
fn field_name(field: &str) -> &str {
    match field {
        "certification" => "certif",
        "rome_label" => "rome",
        "rome_title" => "titles",
        "skill_block" => "blocks",
        "competence_text" => "skills",
        other => other,
    }
}

/// Why a hit ranks where it does: each typed word with the fields it was found in and their
/// shares of the score (in the score's unit, so that they add up to it), strongest first.
fn why(h: &OfferHit) -> String {
    // word -> (field -> share), in order of first appearance (parts come largest first).
    let mut by_word: Vec<(String, Vec<(&str, f64)>)> = Vec::new();
    for (part, share) in h.breakdown.parts.iter().zip(shares(h)) {
        let word = part.words.join("/");
        let at = match by_word.iter().position(|(w, _)| *w == word) {
            Some(at) => at,
            None => {
                by_word.push((word, Vec::new()));
                by_word.len() - 1
            }
        };
        let fields = &mut by_word[at].1;
        match fields.iter_mut().find(|(f, _)| *f == part.field) {
            Some((_, total)) => *total += share,
            None => fields.push((part.field, share)),
        }
    }
    let total = |fields: &[(&str, f64)]| fields.iter().map(|(_, s)| s).sum::<f64>();
    by_word.sort_by(|a, b| total(&b.1).total_cmp(&total(&a.1)));
    by_word
        .iter()
        .map(|(word, fields)| {
            let fields: Vec<String> = fields
                .iter()
                .map(|(f, share)| format!("{} {share:.2}", field_name(f)))
                .collect();
            format!("{word}: {}", fields.join(" "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Each part's share of the hit's score: its BM25 divided by the search's best BM25.
fn shares(h: &OfferHit) -> Vec<f64> {
    let b = &h.breakdown;
    let scale = if b.bm25 > 0.0 { h.score / b.bm25 } else { 0.0 };
    b.parts.iter().map(|p| p.bm25 * scale).collect()
}

/// One course of a search as JSON (`gapmap search --json`, the HTTP API): the best variant's
/// label, school and place, the statuses, the seats and graduates of its `totals` (`null` when
/// none is known, with the number of variants of unknown value left out), and every variant as
/// [`hit_json`] with the supply `supply` gives and `repeats` (why it is not added, or `null`).
pub fn course_json(
    engine: &gapmap_engine::Engine,
    course: &CourseHit,
    totals: &CourseTotals,
    supply: impl Fn(&OfferHit) -> Option<serde_json::Value>,
) -> serde_json::Value {
    let best = course.best();
    let o = engine.offer(&best.offer);
    let variants: Vec<_> = course
        .variants()
        .iter()
        .zip(&totals.repeats)
        .map(|(h, repeat)| {
            let mut row = hit_json(engine, h, supply(h));
            row["repeats"] = json!(repeat.map(Repeat::key));
            row
        })
        .collect();
    json!({
        "label": best.label,
        "school": o.and_then(|o| o.school_name.clone()),
        "school_code": o.map(|o| o.school.to_string()),
        "uai": o.and_then(|o| o.school.uai()).map(|u| u.to_string()),
        "commune": o.and_then(|o| o.location.commune.map(|c| c.to_string())),
        "commune_name": o.and_then(|o| o.location.commune)
            .and_then(|c| engine.dataset().territory.communes.get(&c))
            .map(|c| c.name.clone()),
        "departement": o.map(|o| o.location.departement.to_string()),
        "level": o.and_then(|o| o.level.map(|l| l.get())),
        "modes": course_modes(engine, course).iter().map(|m| m.key()).collect::<Vec<_>>(),
        "seats": totals.seats,
        "variants_of_unknown_capacity": totals.seats_unknown,
        "graduates": totals.graduates,
        "variants_of_unknown_graduates": totals.graduates_unknown,
        "score": course.score(),
        "variants": variants,
    })
}

/// Words searched as another term, as JSON.
pub fn corrections_json(corrections: &[gapmap_index::Correction]) -> serde_json::Value {
    json!(
        corrections
            .iter()
            .map(|c| json!({"word": c.word, "term": c.term, "searched": c.searched}))
            .collect::<Vec<_>>()
    )
}

/// One hit of a search as JSON (a variant of [`course_json`]): the offer, its school and place,
/// its level, mode and seats, `supply` (the per-offer object of `gapmap supply --offers`, when
/// given) and the score's breakdown: `parts`, each (field, term) that matched with the words
/// typed that gave it, its BM25 (the field's weight included) and its `share` of `score` (the
/// shares add up to the score); `terms_found` of `terms_searched`, `terms_named` of them in a
/// field naming the offer (the score is the BM25 times the share of terms held, those not named
/// counting half, over the best's); `corrections`, the words searched as another term.
pub fn hit_json(
    engine: &gapmap_engine::Engine,
    h: &gapmap_index::OfferHit,
    supply: Option<serde_json::Value>,
) -> serde_json::Value {
    let o = engine.offer(&h.offer);
    let parts: Vec<_> = h
        .breakdown
        .parts
        .iter()
        .zip(shares(h))
        .map(|(p, share)| {
            json!({
                "field": p.field,
                "term": p.term,
                "words": p.words,
                "term_freq": p.term_freq,
                "boost": p.boost,
                "bm25": p.bm25,
                "share": share,
            })
        })
        .collect();
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
        "source": o.map(|o| o.source.key()),
        "year": o.map(|o| o.year),
        "entry_year": o.and_then(|o| o.intake.entry_year),
        "seats": o.and_then(|o| o.capacity.seats()),
        "supply": supply,
        "score": h.score,
        "text_score": h.breakdown.text,
        "bm25": h.breakdown.bm25,
        "parts": parts,
        "terms_found": h.breakdown.terms_found,
        "terms_named": h.breakdown.terms_named,
        "terms_searched": h.breakdown.terms_searched,
        "corrections": corrections_json(&h.breakdown.corrections),
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
            .map(|c| json!({"ogr": c.ogr.get(), "label": c.label, "kind": format!("{:?}", c.kind), "score": c.relevance, "corrections": c.corrections.iter().map(|c| json!({"word": c.word, "term": c.term, "searched": c.searched})).collect::<Vec<_>>()}))
            .collect();
        serde_json::to_writer_pretty(
            &mut *out,
            &json!({"format_version": FORMAT_VERSION, "text": args.text, "competences": rows}),
        )?;
        writeln!(out)?;
        return Ok(());
    }
    for c in found
        .first()
        .map(|c| c.corrections.as_slice())
        .unwrap_or_default()
    {
        writeln!(
            out,
            "note: {:?} is in no label of the ROME referential: searched as {:?}, its closest term",
            c.word, c.searched
        )?;
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

/// At most `max` characters: a longer text keeps its start and its end around a `…`, the end
/// telling apart what the start does not ("… option A" / "… option B" of one diploma).
pub fn cut(s: &str, max: usize) -> String {
    let count = s.chars().count();
    if count <= max {
        return s.to_owned();
    }
    let kept = max.saturating_sub(1);
    let tail = kept / 3;
    let head = kept - tail;
    let mut t: String = s.chars().take(head).collect();
    t.push('…');
    t.extend(s.chars().skip(count - tail));
    t
}
