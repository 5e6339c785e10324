//! The Python module `gapmap._gapmap`: [`gapmap_engine::Engine`] for Python, wrapped by the pure
//! Python package `gapmap` (`python/gapmap`), which turns gap tables into polars (or pandas) data
//! frames. Errors become `gapmap.GapmapError` with the engine's positioned messages.

use std::path::PathBuf;

use std::collections::HashMap;

use gapmap_engine::{
    Cell, Engine, FRAME_COLUMNS, ImportOptions, OFFER_COLUMNS, TableRow, read_match_config,
};
use gapmap_index::OfferQuery;
use gapmap_match::{
    Axis, Budget, CompetenceGap, Costs, GapKey, Horizon, LinkKind, MatchConfig, Request,
};
use gapmap_model::{Need, NeedId, RegionCode, Volume};
use pyo3::exceptions::{PyException, PyUserWarning};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

pyo3::create_exception!(
    gapmap,
    GapmapError,
    PyException,
    "An error of gapmap: a file that cannot be read, a bad line or field, a bad configuration."
);

fn error(e: impl std::fmt::Display) -> PyErr {
    GapmapError::new_err(e.to_string())
}

/// The data, its index and the matching (see `gapmap_engine::Engine`).
#[pyclass(name = "Engine", module = "gapmap._gapmap", frozen)]
struct PyEngine {
    engine: Engine,
}

/// The needs to match: the needs files, plus the survey's needs with `bmo`. Each refused row
/// of a needs file is a Python `UserWarning` naming the file, line and field (as the command
/// line's warnings).
fn collect_needs(
    py: Python<'_>,
    engine: &Engine,
    files: &[PathBuf],
    bmo: bool,
) -> PyResult<Vec<Need>> {
    let mut needs = Vec::new();
    for file in files {
        let read = engine.needs_from_file(file).map_err(error)?;
        for reject in &read.report.rejects {
            let message = std::ffi::CString::new(reject.to_string()).map_err(error)?;
            PyErr::warn(py, &py.get_type::<PyUserWarning>(), &message, 2)?;
        }
        needs.extend(read.needs);
    }
    if bmo {
        needs.extend(engine.survey_needs().iter().cloned());
    }
    if needs.is_empty() {
        return Err(error("no needs to match: give needs files or bmo=True"));
    }
    Ok(needs)
}

fn config(path: Option<PathBuf>) -> PyResult<MatchConfig> {
    Ok(read_match_config(path.as_deref()).map_err(error)?.0)
}

/// The engine with the seats of a capacities file; a published capacity it replaces is a
/// `UserWarning` naming the file and line.
fn with_capacities(
    py: Python<'_>,
    mut engine: Engine,
    capacities: Option<PathBuf>,
) -> PyResult<PyEngine> {
    if let Some(path) = capacities {
        engine.declare_capacities(&path).map_err(error)?;
        for d in engine.declared() {
            if let Some(published) = d.replaces_published() {
                let message = std::ffi::CString::new(format!(
                    "{}:{}: offer {} publishes {published} seats: the file's {} replace them",
                    d.line.file, d.line.line, d.line.offer, d.line.seats
                ))
                .map_err(error)?;
                PyErr::warn(py, &py.get_type::<PyUserWarning>(), &message, 2)?;
            }
        }
    }
    Ok(PyEngine { engine })
}

fn axis(by: &str) -> PyResult<Axis> {
    by.parse().map_err(|e| error(format!("by={by:?}: {e}")))
}

fn people(v: Volume) -> f64 {
    v.as_f64()
}

#[pymethods]
impl PyEngine {
    /// Opens a store written by `gapmap import --store` (the index beside it is reused, or
    /// rebuilt when the store changed), with the seats of a capacities file if given.
    #[staticmethod]
    #[pyo3(signature = (store, capacities=None))]
    fn open(py: Python<'_>, store: PathBuf, capacities: Option<PathBuf>) -> PyResult<Self> {
        // Without the interpreter's lock: other Python threads go on while the
        // index is built, or while another process's build of it is waited for.
        let engine = py.detach(|| Engine::open(&store)).map_err(error)?;
        with_capacities(py, engine, capacities)
    }

    /// Imports a data folder, keeping one region (e.g. 32) or the whole country (None), with the
    /// seats of a capacities file if given.
    #[staticmethod]
    #[pyo3(signature = (data, region=None, capacities=None))]
    fn import_data(
        py: Python<'_>,
        data: PathBuf,
        region: Option<u8>,
        capacities: Option<PathBuf>,
    ) -> PyResult<Self> {
        let region = region
            .map(|r| r.to_string().parse::<RegionCode>())
            .transpose()
            .map_err(error)?;
        let options = ImportOptions {
            region,
            ..ImportOptions::default()
        };
        let engine = py
            .detach(|| Engine::import(&data, &options))
            .map_err(error)?;
        with_capacities(py, engine, capacities)
    }

    /// The gap table along `by`, as columns (a dict of lists), one row per key; with `years`
    /// (`2026-2030`), one table per year, a first column `year`.
    #[pyo3(signature = (needs, by="rome", bmo=false, config_file=None, years=None))]
    fn gap_columns<'py>(
        &self,
        py: Python<'py>,
        needs: Vec<PathBuf>,
        by: &str,
        bmo: bool,
        config_file: Option<PathBuf>,
        years: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let axis = axis(by)?;
        let config = config(config_file)?;
        let needs = collect_needs(py, &self.engine, &needs, bmo)?;
        if let Some(years) = years {
            let horizon: Horizon = years.parse().map_err(error)?;
            if let Some(o) =
                gapmap_match::horizon::course_in_several_years(&self.engine.dataset().offers)
            {
                return Err(error(format!(
                    "the data hold the course of offer {} for several intake years: import the latest year (the default) to follow years",
                    o.id
                )));
            }
            let outcome = self.engine.gaps_over(&needs, &config, horizon);
            let tables = self.engine.year_tables(&outcome, axis);
            let year: Vec<u16> = tables
                .iter()
                .flat_map(|t| std::iter::repeat_n(t.year, t.rows.len()))
                .collect();
            let rows: Vec<TableRow> = tables.into_iter().flat_map(|t| t.rows).collect();
            let columns = PyDict::new(py);
            columns.set_item("year", year)?;
            gap_rows(&columns, &rows)?;
            return Ok(columns);
        }
        one_year(&needs, &config)?;
        let outcome = self.engine.gaps(&needs, &config);
        let table = self.engine.table(&outcome, axis);
        let columns = PyDict::new(py);
        gap_rows(&columns, &table)?;
        if axis == Axis::Competence {
            // Beside each competence: the graduates of every offer teaching it, and the demand
            // of the needs none of whose candidates teaches it.
            let of: HashMap<GapKey, &CompetenceGap> = outcome
                .competences
                .iter()
                .map(|c| (GapKey::Competence(c.competence), c))
                .collect();
            let column = |f: fn(&CompetenceGap) -> Volume| -> Vec<Option<f64>> {
                table
                    .iter()
                    .map(|t| of.get(&t.row.key).map(|c| people(f(c))))
                    .collect()
            };
            columns.set_item("graduates", column(|c| c.graduates))?;
            columns.set_item("untaught_demand", column(|c| c.untaught_demand))?;
        }
        Ok(columns)
    }

    /// Why a need is covered or not: a dict with the need's figures and its candidates.
    #[pyo3(signature = (need_id, needs, bmo=false, config_file=None))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        need_id: String,
        needs: Vec<PathBuf>,
        bmo: bool,
        config_file: Option<PathBuf>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let config = config(config_file)?;
        let needs = collect_needs(py, &self.engine, &needs, bmo)?;
        one_year(&needs, &config)?;
        let outcome = self.engine.gaps(&needs, &config);
        let id = NeedId(need_id);
        let why = self
            .engine
            .explain(&outcome, &id, &config)
            .ok_or_else(|| error(format!("no need {:?}", id.0)))?;
        let n = why.need;
        let doc = PyDict::new(py);
        doc.set_item("need", &n.id.0)?;
        doc.set_item("specialty", &n.specialty)?;
        doc.set_item("demand", n.demand.map(people))?;
        doc.set_item("covered_direct", people(n.covered_direct))?;
        doc.set_item("covered_adjacent", people(n.covered_adjacent))?;
        doc.set_item("gap", people(n.gap))?;
        doc.set_item("status", n.status.key())?;
        let offers = &self.engine.dataset().offers;
        let supplies = self.engine.supplies(&config);
        let candidates = PyList::empty(py);
        for c in &why.candidates {
            let offer = &offers[c.offer_index];
            let row = PyDict::new(py);
            row.set_item("offer", offer.id.as_str())?;
            row.set_item("label", &offer.label)?;
            row.set_item("school", offer.school_name.clone())?;
            let link = match c.link.kind {
                LinkKind::Direct => "direct",
                LinkKind::Adjacent => "adjacent",
            };
            row.set_item("link", link)?;
            row.set_item("score", c.score.total.as_f64())?;
            row.set_item("subject", c.score.subject.as_f64())?;
            row.set_item("distance_km", c.score.distance_km)?;
            row.set_item("graduates", people(c.supply.graduates))?;
            row.set_item("to_this_need", people(c.to_this_need))?;
            let facts = supplies.get(c.offer_index).map(|f| f.to_json());
            row.set_item("supply", json_value(py, facts.as_ref())?)?;
            row.set_item("matched_terms", c.matched_terms.clone())?;
            candidates.append(row)?;
        }
        doc.set_item("candidates", candidates)?;
        Ok(doc)
    }

    /// Openings and extensions that close the most direct gap under a budget (seats, euros or
    /// both): a dict with the gap before and after, each action explained, and the scenario file.
    #[pyo3(signature = (needs, seats=None, euros=None, bmo=false, limits=None, costs=None, config_file=None))]
    #[allow(clippy::too_many_arguments)] // the keyword arguments of the Python method
    fn recommend<'py>(
        &self,
        py: Python<'py>,
        needs: Vec<PathBuf>,
        seats: Option<u32>,
        euros: Option<u64>,
        bmo: bool,
        limits: Option<PathBuf>,
        costs: Option<PathBuf>,
        config_file: Option<PathBuf>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let config = config(config_file)?;
        let needs = collect_needs(py, &self.engine, &needs, bmo)?;
        one_year(&needs, &config)?;
        let request = Request {
            budget: Budget { seats, euros },
            limits: match limits {
                Some(path) => gapmap_engine::read_limits(&path).map_err(error)?,
                None => Default::default(),
            },
            costs: match costs {
                Some(path) => gapmap_engine::read_costs(&path).map_err(error)?,
                None => Costs::assumed(),
            },
        };
        let engine = &self.engine;
        let recommended = py
            .detach(|| {
                let base = engine.gaps(&needs, &config);
                engine.recommend(&needs, &config, &base, &request)
            })
            .map_err(error)?;
        json_value(py, Some(&recommendation_json(&recommended)))
    }

    /// Training courses for a text, best first: a list of dicts, one per course at a school
    /// (`Engine::search_courses`), with its seats and graduates (`CourseHit::totals`) and its
    /// offers as `variants`.
    #[pyo3(signature = (text, limit=20))]
    fn search<'py>(
        &self,
        py: Python<'py>,
        text: String,
        limit: usize,
    ) -> PyResult<Bound<'py, PyList>> {
        let query = OfferQuery {
            text,
            limit,
            ..OfferQuery::default()
        };
        let found = self.engine.search_courses(&query).map_err(error)?;
        let supplies = self.engine.supplies(&MatchConfig::default());
        let graduates = |offer: &gapmap_model::OfferId| {
            supplies
                .of(offer)
                .filter(|f| f.supply.is_known())
                .map(|f| f.supply.graduates.as_f64())
        };
        let list = PyList::empty(py);
        for course in &found.courses {
            let best = course.best();
            let offer = self.engine.offer(&best.offer);
            let totals = course.totals(&self.engine, graduates);
            let row = PyDict::new(py);
            row.set_item("label", &best.label)?;
            row.set_item("school", offer.and_then(|o| o.school_name.clone()))?;
            row.set_item("school_code", offer.map(|o| o.school.to_string()))?;
            let communes = &self.engine.dataset().territory.communes;
            row.set_item(
                "commune_name",
                offer
                    .and_then(|o| o.location.commune)
                    .and_then(|c| communes.get(&c))
                    .map(|c| c.name.clone()),
            )?;
            row.set_item("level", offer.and_then(|o| o.level.map(|l| l.get())))?;
            row.set_item("score", course.score())?;
            // Sums over the variants counted; None when none is known.
            row.set_item("seats", totals.seats)?;
            row.set_item("variants_of_unknown_capacity", totals.seats_unknown)?;
            row.set_item("graduates", totals.graduates)?;
            row.set_item("variants_of_unknown_graduates", totals.graduates_unknown)?;
            let variants = PyList::empty(py);
            for (h, repeat) in course.variants().iter().zip(&totals.repeats) {
                let variant = self.hit_dict(py, h, &supplies)?;
                variant.set_item("repeats", repeat.map(gapmap_engine::Repeat::key))?;
                variants.append(variant)?;
            }
            row.set_item("variants", variants)?;
            list.append(row)?;
        }
        Ok(list)
    }

    /// Every offer with its supply and indicators: a dict of columns (`OFFER_COLUMNS`).
    #[pyo3(signature = (config_file=None))]
    fn offer_columns<'py>(
        &self,
        py: Python<'py>,
        config_file: Option<PathBuf>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let config = config(config_file)?;
        let supplies = self.engine.supplies(&config);
        let mut columns: Vec<Vec<serde_json::Value>> =
            vec![Vec::new(); gapmap_engine::OFFER_COLUMN_COUNT];
        for facts in supplies.iter() {
            for (column, value) in columns.iter_mut().zip(facts.values()) {
                column.push(value);
            }
        }
        // In the order of the columns (a JSON object would sort them).
        let doc = PyDict::new(py);
        for (name, values) in OFFER_COLUMNS.iter().zip(columns) {
            doc.set_item(
                name,
                json_value(py, Some(&serde_json::Value::Array(values)))?,
            )?;
        }
        Ok(doc)
    }

    /// ROME sheets for a job title, most likely first: a list of dicts.
    #[pyo3(signature = (text, limit=5))]
    fn resolve<'py>(
        &self,
        py: Python<'py>,
        text: String,
        limit: usize,
    ) -> PyResult<Bound<'py, PyList>> {
        let found = self.engine.resolve(&text, limit).map_err(error)?;
        let list = PyList::empty(py);
        for r in found {
            let row = PyDict::new(py);
            row.set_item("rome", r.rome.as_str())?;
            row.set_item("label", r.label)?;
            row.set_item("confidence", r.confidence)?;
            list.append(row)?;
        }
        Ok(list)
    }
}

/// A recommendation as plain values (the fields of `gapmap recommend --format json`).
fn recommendation_json(recommended: &gapmap_engine::Recommended) -> serde_json::Value {
    let r = &recommended.recommendation;
    let totals = |t: &gapmap_match::GapTotals| serde_json::json!({"direct_gap": people(t.direct_gap), "weighted_gap": t.weighted_gap});
    let actions: Vec<serde_json::Value> = r
        .actions
        .iter()
        .map(|a| {
            serde_json::json!({
                "kind": a.kind.key(),
                "offer": a.offer.as_str(),
                "label": a.label,
                "school": a.school.as_str(),
                "school_name": a.school_name,
                "departement": a.departement.to_string(),
                "level": a.level.map(|l| l.get()),
                "seats": a.seats,
                "euros": a.euros,
                "graduates": people(a.graduates),
                "closed": people(a.closed()),
                "length_years": a.length_years,
                "first_graduates": a.first_graduates,
                "needs": a.effects.iter().map(|e| serde_json::json!({
                    "need": e.need.0,
                    "gap_before": people(e.gap_before),
                    "closed": e.closed_milli as f64 / 1000.0,
                    "distance_km": e.distance_km,
                })).collect::<Vec<_>>(),
                "alternative": a.alternative.as_ref().map(|alt| serde_json::json!({
                    "offer": alt.offer.as_str(),
                    "label": alt.label,
                    "reason": alt.reason().to_string(),
                })),
            })
        })
        .collect();
    serde_json::json!({
        "before": totals(&r.before),
        "after": totals(&recommended.applied),
        "seats": r.seats,
        "seats_removed": r.seats_removed,
        "euros": r.euros,
        "costs_assumed": r.request.costs.assumed,
        "actions": actions,
        "scenario_toml": gapmap_engine::scenario_toml(&r.scenario),
    })
}

/// A JSON value as the Python object `json.loads` makes of it (`None` for none).
fn json_value<'py>(
    py: Python<'py>,
    value: Option<&serde_json::Value>,
) -> PyResult<Bound<'py, PyAny>> {
    let text = value.map_or_else(|| "null".to_owned(), serde_json::Value::to_string);
    py.import("json")?.call_method1("loads", (text,))
}

/// Columns of a gap table: those of `gapmap_engine::FRAME_COLUMNS`, in that order.
fn gap_rows(columns: &Bound<'_, PyDict>, table: &[TableRow]) -> PyResult<()> {
    let keys: Vec<String> = table.iter().map(|t| t.row.key.to_string()).collect();
    let cells: Vec<[Cell<'_>; gapmap_engine::COLUMN_COUNT]> =
        table.iter().zip(&keys).map(|(t, k)| t.cells(k)).collect();
    for (i, name) in FRAME_COLUMNS.iter().enumerate() {
        let column = PyList::empty(columns.py());
        for row in &cells {
            match &row[i] {
                Cell::Text(text) => column.append(text)?,
                Cell::Count(n) => column.append(n)?,
                Cell::People(v) => column.append(v.as_f64())?,
                Cell::Share(share) => column.append(share)?,
                Cell::Flag(flag) => column.append(flag)?,
                Cell::MaybeCount(n) => column.append(n)?,
                Cell::MaybePeople(v) => column.append(v.map(|v| v.as_f64()))?,
            }
        }
        columns.set_item(name, column)?;
    }
    Ok(())
}

/// Refuses needs whose dated rows are for several years: their volumes are not one year's.
fn one_year(needs: &[Need], config: &MatchConfig) -> PyResult<()> {
    match gapmap_match::horizon::dated_years(needs, config).as_slice() {
        [first, .., last] => Err(error(format!(
            "the needs are for several years ({first} to {last}): give years=\"{first}-{last}\" to follow them year by year"
        ))),
        _ => Ok(()),
    }
}

/// The module.
#[pymodule]
fn _gapmap(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEngine>()?;
    m.add("FRAME_COLUMNS", FRAME_COLUMNS.to_vec())?;
    m.add("OFFER_COLUMNS", OFFER_COLUMNS.to_vec())?;
    m.add("GapmapError", m.py().get_type::<GapmapError>())?;
    Ok(())
}

impl PyEngine {
    /// One offer of a search as a dict: its id, seats, supply, label, score, the words it
    /// matched and the parts of its score (`field`, `term`, `words`, `bm25`), whose BM25s add up
    /// to its `bm25`.
    fn hit_dict<'py>(
        &self,
        py: Python<'py>,
        h: &gapmap_index::OfferHit,
        supplies: &gapmap_engine::Supplies<'_>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let row = PyDict::new(py);
        let offer = self.engine.offer(&h.offer);
        row.set_item("offer", h.offer.as_str())?;
        row.set_item("mode", offer.map(|o| o.mode.key()))?;
        // Seats per intake (published or declared); None when unknown.
        row.set_item("seats", offer.and_then(|o| o.capacity.seats()))?;
        let facts = supplies.of(&h.offer).map(|f| f.to_json());
        row.set_item("supply", json_value(py, facts.as_ref())?)?;
        row.set_item("label", &h.label)?;
        row.set_item("score", h.score)?;
        row.set_item("bm25", h.breakdown.bm25)?;
        row.set_item("matched_terms", h.matched_terms.clone())?;
        let parts = PyList::empty(py);
        for p in &h.breakdown.parts {
            let part = PyDict::new(py);
            part.set_item("field", p.field)?;
            part.set_item("term", &p.term)?;
            part.set_item("words", p.words.clone())?;
            part.set_item("bm25", p.bm25)?;
            parts.append(part)?;
        }
        row.set_item("parts", parts)?;
        Ok(row)
    }
}
