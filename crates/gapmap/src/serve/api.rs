//! The routes: `/api/v1/...` (JSON, documented in `assets/openapi.json`) and the planner's page.
//! Every answer of the API is JSON, errors included ([`ApiError`]); the page's files are the only
//! static files, compiled into the binary (no file system path is ever read from a request).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, OriginalUri, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gapmap_engine::{Cell, FRAME_COLUMNS, TableRow};
use gapmap_index::{Near, OfferQuery};
use gapmap_match::{Axis, MatchOutcome, Scenario};
use gapmap_model::{Departement, InseeCommune, NeedId, NeedLocation, TrainingMode};
use serde_json::{Value, json};

use super::error::ApiError;
use super::filter::{NeedFilter, level_range};
use super::map::place_label;
use super::params::Params;
use super::state::AppState;
use crate::commands::gaps::{coverage_rule, explain_json, status_text, total};
use crate::commands::search::{corrections_json, course_json};

type Shared = Arc<AppState>;
type Answer = Result<Response, ApiError>;
type RawQuery = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// The OpenAPI description of the API.
pub const OPENAPI: &str = include_str!("assets/openapi.json");
const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// The router of the API and the page over `state`, with its limits.
pub fn router(state: Shared) -> Router {
    let limits = state.limits;
    let api = Router::new()
        .route("/health", get(health))
        .route("/version", get(version))
        .route("/openapi.json", get(openapi))
        .route("/meta", get(meta))
        .route("/gaps", get(gaps))
        .route("/need", get(need))
        .route("/offers", get(offers))
        .route("/resolve", get(resolve))
        .route("/competences", get(competences))
        .route("/map", get(map))
        .route("/whatif", post(whatif))
        .route("/recommend", get(recommend))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), cached));
    Router::new()
        .nest("/api/v1", api)
        .route("/", get(|| page(INDEX_HTML, "text/html; charset=utf-8")))
        .route(
            "/assets/app.js",
            get(|| page(APP_JS, "text/javascript; charset=utf-8")),
        )
        .route(
            "/assets/app.css",
            get(|| page(APP_CSS, "text/css; charset=utf-8")),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(DefaultBodyLimit::max(limits.max_body))
        .with_state(state)
}

/// Every request: its `Host` checked (a loopback server answers only to loopback names: a web
/// page elsewhere cannot reach it through DNS rebinding), its body read first (within its size and
/// time limits, before it takes a permit: a slow upload holds none), then handled under a permit
/// of bounded concurrency and a time limit covering the wait and the work; a panic becomes a 500.
async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    match admit(&state, request).await {
        Ok(request) => handle(state, request, next).await,
        Err(error) => error.into_response(),
    }
}

async fn admit(state: &AppState, request: Request) -> Result<Request, ApiError> {
    for host in request.headers().get_all(header::HOST) {
        let host = String::from_utf8_lossy(host.as_bytes());
        if !state.allows_host(&host) {
            return Err(ApiError::status(
                StatusCode::MISDIRECTED_REQUEST,
                format!("host {host:?} is not this server's: ask it by its loopback address"),
            ));
        }
    }
    // Only a what-if reads a body; other requests are answered (a 405) without reading theirs.
    let whatif =
        request.method() == axum::http::Method::POST && request.uri().path() == "/api/v1/whatif";
    if !whatif {
        return Ok(request);
    }
    let limits = state.limits;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body as u64) {
        return Err(ApiError::status(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body: over {} bytes", limits.max_body),
        ));
    }
    let (parts, body) = request.into_parts();
    let read = axum::body::to_bytes(body, limits.max_body);
    match tokio::time::timeout(limits.body_timeout, read).await {
        Ok(Ok(bytes)) => Ok(Request::from_parts(parts, axum::body::Body::from(bytes))),
        Ok(Err(_)) => Err(ApiError::status(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body: over {} bytes, or cut short", limits.max_body),
        )),
        Err(_) => Err(ApiError::status(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "request body: not received within {} s",
                limits.body_timeout.as_secs()
            ),
        )),
    }
}

async fn handle(state: Shared, request: Request, next: Next) -> Response {
    let limit = state.limits.timeout;
    // Health answers at once, whatever the load: it is what a supervisor asks.
    let health = request.uri().path() == "/api/v1/health";
    let work = async {
        let _permit = match health {
            true => None,
            false => state.requests.acquire().await.ok(),
        };
        // On a task of its own, so that a panic is a 500 answer, not a closed connection.
        tokio::spawn(next.run(request)).await
    };
    match tokio::time::timeout(limit, work).await {
        Ok(Ok(response)) => response,
        Ok(Err(_)) => ApiError::status(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request failed inside the server (a bug: please report it)",
        )
        .into_response(),
        Err(_) => ApiError::status(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the request took longer than {} s", limit.as_secs_f64()),
        )
        .into_response(),
    }
}

/// The API's GET answers from the cache when asked before; successful ones are kept.
async fn cached(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if request.method() != axum::http::Method::GET {
        return next.run(request).await;
    }
    let key = request
        .uri()
        .path_and_query()
        .map_or_else(String::new, |p| p.as_str().to_owned());
    if let Some(body) = state.cache.get(&key) {
        return ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            state.cache.put(key, bytes.clone());
            Response::from_parts(parts, axum::body::Body::from(bytes))
        }
        Err(e) => ApiError::status(StatusCode::INTERNAL_SERVER_ERROR, format!("answer: {e}"))
            .into_response(),
    }
}

async fn page(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
            ),
        ],
        body,
    )
        .into_response()
}

async fn not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::not_found(format!("no such page: {}", uri.path()))
}

async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::status(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{} is not allowed on {}",
            request.method(),
            request.uri().path()
        ),
    )
}

fn json_answer(value: &impl serde::Serialize) -> Answer {
    Ok(Json(value).into_response())
}

/// The parameters of a request; a query string that cannot be decoded is a 400.
fn params(query: RawQuery) -> Result<Params, ApiError> {
    let Query(pairs) = query.map_err(|e| {
        ApiError::status(
            StatusCode::BAD_REQUEST,
            format!("invalid query string: {e}"),
        )
    })?;
    Ok(Params::new(pairs))
}

fn no_params(query: RawQuery) -> Result<(), ApiError> {
    params(query)?.finish()
}

async fn health(query: RawQuery) -> Answer {
    no_params(query)?;
    json_answer(&json!({"status": "ok"}))
}

async fn version(query: RawQuery) -> Answer {
    no_params(query)?;
    json_answer(&json!({"name": "gapmap", "version": env!("CARGO_PKG_VERSION"), "api": "v1"}))
}

async fn openapi(query: RawQuery) -> Answer {
    no_params(query)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response())
}

async fn map(State(state): State<Shared>, query: RawQuery) -> Answer {
    no_params(query)?;
    let map = state
        .map
        .clone()
        .ok_or_else(|| ApiError::not_found("the data hold no commune points to draw a map"))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], map).into_response())
}

/// What the page needs first: the source, the axes and columns, the values of each filter and
/// the total.
async fn meta(State(state): State<Shared>, query: RawQuery) -> Answer {
    no_params(query)?;
    let engine = state.engine();
    let loaded = &state.prepared.loaded;
    let filter = |axis: Axis| -> Vec<Value> {
        let mut keys: Vec<_> = state
            .outcome
            .needs
            .iter()
            .flat_map(|n| n.keys(axis))
            .filter(|k| !matches!(k, gapmap_match::GapKey::None | gapmap_match::GapKey::Region))
            .collect();
        keys.sort();
        keys.dedup();
        keys.iter()
            .map(|k| json!({"key": k.to_string(), "label": engine.label(k)}))
            .collect()
    };
    json_answer(&json!({
        "api": "v1",
        "version": env!("CARGO_PKG_VERSION"),
        "source": loaded.source_label,
        "region": engine.region().map(|r| r.to_string()),
        "is_demo": loaded.is_demo || engine.note().is_some_and(crate::pipeline::is_illustrative),
        "note": engine.note(),
        "coverage_rule": coverage_rule(&state.outcome),
        "needs": state.outcome.needs.len(),
        "axes": Axis::ALL.iter().map(|a| a.key()).collect::<Vec<_>>(),
        "columns": FRAME_COLUMNS,
        "filters": {
            "departement": filter(Axis::Departement),
            "bassin": filter(Axis::Bassin),
            "buyer": filter(Axis::Buyer),
            "tag": filter(Axis::Tag),
            "level": filter(Axis::Level),
        },
        "total": row_json(&total(&state.outcome)),
    }))
}

/// A gap table: `by` an axis, filtered, sorted, one page of it.
async fn gaps(State(state): State<Shared>, query: RawQuery) -> Answer {
    let mut p = params(query)?;
    let by: Axis = p.parse("by")?.unwrap_or(Axis::Rome);
    let filter = NeedFilter::from_params(&mut p)?;
    state.check_values(&filter)?;
    let sort = p.text("sort")?;
    let column = match &sort {
        Some(name) => Some(
            FRAME_COLUMNS
                .iter()
                .position(|c| c == name)
                .ok_or_else(|| {
                    ApiError::bad(
                        "sort",
                        format!(
                            "sort: unknown column {name:?}; expected one of {}",
                            FRAME_COLUMNS.join(", ")
                        ),
                    )
                })?,
        ),
        None => None,
    };
    let descending = match p.text("order")?.as_deref() {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(other) => {
            return Err(ApiError::bad(
                "order",
                format!("order: expected asc or desc, got {other:?}"),
            ));
        }
    };
    let limit = p.number("limit", 100, 1, 1000)?;
    let offset = p.number("offset", 0, 0, 1_000_000_000)?;
    p.finish()?;
    let engine = state.engine();
    let outcome = &state.outcome;
    let mut rows = if filter.is_empty() {
        engine.table(outcome, by)
    } else {
        engine
            .table_where(outcome, by, |n| filter.keeps(n))
            .ok_or_else(|| ApiError::bad("by", "by=competence cannot be filtered: a competence's graduates are those of every course teaching it, shared by all needs; remove the filters"))?
    };
    // The tables come biggest gap first; `order` alone turns the gap's order.
    let gap_column = FRAME_COLUMNS.iter().position(|c| *c == "gap");
    if let Some(column) = column.or(if descending { None } else { gap_column }) {
        sort_rows(&mut rows, column, descending);
    }
    let total = TableRow {
        row: outcome.total_where(|n| filter.keeps(n)),
        label: "Total".to_owned(),
    };
    let count = rows.len();
    let page: Vec<Value> = rows.iter().skip(offset).take(limit).map(row_json).collect();
    json_answer(&json!({
        "by": by.key(),
        "coverage_rule": coverage_rule(outcome),
        "total": row_json(&total),
        "count": count,
        "offset": offset,
        "limit": limit,
        "rows": page,
    }))
}

/// The figures of a row that are not given when it counts no need of known volume (a filter that
/// keeps nothing, needs whose volume the publisher masks): `null`, never 0.
const FIGURES: [&str; 7] = [
    "demand",
    "covered",
    "covered_direct",
    "covered_adjacent",
    "gap",
    "seasonal_excluded",
    "gap_capacity_unknown",
];

/// A gap row as JSON: the columns of [`FRAME_COLUMNS`], its figures `null` when it counts no
/// need of known volume.
fn row_json(r: &TableRow) -> Value {
    let mut value = serde_json::to_value(r).unwrap_or(Value::Null);
    if r.row.needs == 0 {
        for figure in FIGURES {
            value[figure] = Value::Null;
        }
    }
    value
}

/// Sorts by the cells of `column`; unknown values last whatever the order, ties by key.
fn sort_rows(rows: &mut Vec<TableRow>, column: usize, descending: bool) {
    let mut keyed: Vec<(Option<CellValue>, TableRow)> = rows
        .drain(..)
        .map(|r| (CellValue::of(&r, column), r))
        .collect();
    keyed.sort_by(|(x, a), (y, b)| {
        let by_value = match (x, y) {
            (Some(x), Some(y)) if descending => y.cmp(x),
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_value.then_with(|| a.row.key.cmp(&b.row.key))
    });
    rows.extend(keyed.into_iter().map(|(_, r)| r));
}

/// A sortable cell value.
enum CellValue {
    Number(f64),
    Text(String),
}

impl CellValue {
    /// The value of `row`'s cell in `column`; `None` when unknown.
    fn of(row: &TableRow, column: usize) -> Option<CellValue> {
        let key = row.row.key.to_string();
        match row.cells(&key)[column].clone() {
            Cell::Text(t) => Some(CellValue::Text(t.to_lowercase())),
            Cell::Count(n) => Some(CellValue::Number(n as f64)),
            Cell::People(v) => Some(CellValue::Number(v.as_f64())),
            Cell::Share(s) => s.map(CellValue::Number),
            Cell::Flag(f) => Some(CellValue::Number(f64::from(u8::from(f)))),
            Cell::MaybeCount(n) => n.map(|n| CellValue::Number(n as f64)),
            Cell::MaybePeople(v) => v.map(|v| CellValue::Number(v.as_f64())),
        }
    }

    fn cmp(&self, other: &CellValue) -> Ordering {
        match (self, other) {
            (CellValue::Number(a), CellValue::Number(b)) => a.total_cmp(b),
            (CellValue::Text(a), CellValue::Text(b)) => a.cmp(b),
            (CellValue::Number(_), CellValue::Text(_)) => Ordering::Less,
            (CellValue::Text(_), CellValue::Number(_)) => Ordering::Greater,
        }
    }
}

/// One need with its explanation: direct and adjacent supply, what went where, the competences no
/// candidate teaches.
async fn need(State(state): State<Shared>, query: RawQuery) -> Answer {
    let mut p = params(query)?;
    let id = p
        .text("id")?
        .ok_or_else(|| ApiError::bad("id", "id: the need's identifier is required"))?;
    p.finish()?;
    let id = NeedId(id);
    if state.outcome.need(&id).is_none() {
        return Err(ApiError::not_found(format!(
            "no need {:?} among the server's needs",
            id.as_str()
        )));
    }
    let doc = heavy(&state, move |state| explain(state, &id)).await??;
    json_answer(&doc)
}

fn explain(state: &AppState, id: &NeedId) -> Result<Value, ApiError> {
    let engine = state.engine();
    let config = &state.prepared.config;
    let ex = engine
        .explain(&state.outcome, id, config)
        .ok_or_else(|| ApiError::not_found(format!("no need {:?}", id.as_str())))?;
    let supplies = engine.supplies(config);
    let mut doc = explain_json(&ex, &engine.dataset().offers, supplies.indicators());
    let competences = &engine.dataset().referential.competences;
    let n = ex.need;
    let extra = json!({
        "status_text": status_text(n.status),
        "untaught_labels": n.untaught_competences.iter().map(|c| competences.get(c).map(|k| k.label.clone())).collect::<Vec<_>>(),
        "location": n.location.to_string(),
        "location_label": place_label(engine, &n.location),
        "level": n.level.map(|l| l.get()),
        "tags": n.tags,
    });
    if let (Value::Object(doc), Value::Object(extra)) = (&mut doc, extra) {
        doc.extend(extra);
        // A masked volume: no demand, so no coverage or gap either (not 0).
        if doc.get("demand").is_some_and(Value::is_null) {
            for figure in ["covered", "covered_direct", "covered_adjacent", "gap"] {
                doc.insert(figure.to_owned(), Value::Null);
            }
        }
    }
    Ok(doc)
}

/// Longest a what-if or an explanation waits for a core before a 503 answer.
const HEAVY_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs `work` on a blocking thread under a permit of heavy work.
async fn heavy<T: Send + 'static>(
    state: &Shared,
    work: impl FnOnce(&AppState) -> T + Send + 'static,
) -> Result<T, ApiError> {
    // A short wait at most: queued computations would hold their request permits meanwhile.
    let busy = || {
        ApiError::status(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is busy with other what-ifs and explanations: try again in a moment",
        )
    };
    let wait = state.heavy.clone().acquire_owned();
    let permit = tokio::time::timeout(HEAVY_WAIT, wait)
        .await
        .map_err(|_| busy())?
        .map_err(|_| busy())?;
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work(&state)
    })
    .await
    .map_err(|_| ApiError::status(StatusCode::INTERNAL_SERVER_ERROR, "the computation failed"))
}

/// Offers search: text and filters.
async fn offers(State(state): State<Shared>, query: RawQuery) -> Answer {
    let mut p = params(query)?;
    let text = p.text("q")?.unwrap_or_default();
    if text.chars().count() > MAX_TEXT {
        return Err(ApiError::bad(
            "q",
            format!("q: at most {MAX_TEXT} characters"),
        ));
    }
    let mut q = OfferQuery {
        text: text.clone(),
        limit: p.number("limit", 20, 1, 200)?,
        ..OfferQuery::default()
    };
    if let Some(d) = p.parse::<Departement>("departement")? {
        q.departements.push(d);
    }
    if let Some((lo, hi)) = p.text("level")?.map(|t| level_range(&t)).transpose()? {
        q.min_level = Some(lo);
        q.max_level = Some(hi);
    }
    q.mode = p
        .text("mode")?
        .map(|name| {
            TrainingMode::from_name(&name).ok_or_else(|| {
                ApiError::bad(
                    "mode",
                    format!("mode: expected school or apprenticeship, got {name:?}"),
                )
            })
        })
        .transpose()?;
    let near = p.parse::<InseeCommune>("near")?;
    let radius = p.text("radius")?;
    p.finish()?;
    let engine = state.engine();
    if let Some(code) = near {
        let center = engine.point(&NeedLocation::Commune(code)).ok_or_else(|| {
            ApiError::bad(
                "near",
                format!("near: no commune {code} with a point in the data"),
            )
        })?;
        q.near = Some(Near {
            center,
            radius_km: radius_km(radius.as_deref())?,
        });
    } else if radius.is_some() {
        return Err(ApiError::bad(
            "radius",
            "radius: give near (a commune's INSEE code) with it",
        ));
    }
    let found = engine
        .search_courses(&q)
        .map_err(|e| ApiError::bad("q", format!("q: {e}")))?;
    let graduates = |offer: &gapmap_model::OfferId| {
        engine
            .offer_position(offer)
            .and_then(|i| state.outcome.supplies.get(i))
            .filter(|s| s.is_known())
            .map(|s| s.graduates.as_f64())
    };
    let rows: Vec<Value> = found
        .courses
        .iter()
        .map(|course| {
            let mut row = course_json(engine, course, &course.totals(engine, graduates), |_| None);
            for (variant, hit) in row["variants"]
                .as_array_mut()
                .into_iter()
                .flatten()
                .zip(course.variants())
            {
                variant["graduates"] = json!(graduates(&hit.offer));
            }
            row
        })
        .collect();
    json_answer(&json!({
        "query": text,
        "corrections": corrections_json(&found.corrections),
        "courses": rows,
    }))
}

fn radius_km(text: Option<&str>) -> Result<f64, ApiError> {
    let Some(text) = text else { return Ok(30.0) };
    match text.parse::<f64>() {
        Ok(km) if km > 0.0 && km <= 300.0 => Ok(km),
        _ => Err(ApiError::bad(
            "radius",
            format!("radius: expected kilometres above 0 and at most 300, got {text:?}"),
        )),
    }
}

/// Longest text of a search, in characters.
const MAX_TEXT: usize = 200;

/// The text of `q` and a `limit`, both required or bounded.
fn text_query(query: RawQuery, default_limit: usize) -> Result<(String, usize), ApiError> {
    let mut p = params(query)?;
    let text = p
        .text("q")?
        .ok_or_else(|| ApiError::bad("q", "q: a text is required"))?;
    if text.chars().count() > MAX_TEXT {
        return Err(ApiError::bad(
            "q",
            format!("q: at most {MAX_TEXT} characters"),
        ));
    }
    let limit = p.number("limit", default_limit, 1, 50)?;
    p.finish()?;
    Ok((text, limit))
}

async fn resolve(State(state): State<Shared>, query: RawQuery) -> Answer {
    let (text, limit) = text_query(query, 5)?;
    let found = state
        .engine()
        .resolve(&text, limit)
        .map_err(|e| ApiError::bad("q", format!("q: {e}")))?;
    let rows: Vec<Value> = found
        .iter()
        .map(|r| {
            let sheet = state.engine().label(&gapmap_match::GapKey::Rome(r.rome));
            json!({"rome": r.rome.to_string(), "label": r.label, "sheet_label": sheet, "confidence": r.confidence})
        })
        .collect();
    json_answer(&json!({"query": text, "results": rows}))
}

async fn competences(State(state): State<Shared>, query: RawQuery) -> Answer {
    let (text, limit) = text_query(query, 10)?;
    let found = state
        .engine()
        .competences(&text, limit)
        .map_err(|e| ApiError::bad("q", format!("q: {e}")))?;
    let rows: Vec<Value> = found
        .iter()
        .map(|c| json!({"code": c.ogr.get(), "label": c.label, "kind": format!("{:?}", c.kind), "score": c.relevance}))
        .collect();
    let corrections = found
        .first()
        .map_or_else(|| json!([]), |c| corrections_json(&c.corrections));
    json_answer(&json!({"query": text, "corrections": corrections, "results": rows}))
}

/// Most seats or euros a recommendation may be asked to spend.
const MAX_RECOMMEND_SEATS: usize = 5_000;
const MAX_RECOMMEND_EUROS: usize = 1_000_000_000;

/// A recommendation: `seats` and/or `euros`, optional `departements` (`59,62`), `level` (`3-5`),
/// `max_per_school`, `only_extensions` (`true`); the costs are the built-in assumptions.
async fn recommend(State(state): State<Shared>, query: RawQuery) -> Answer {
    let request = recommend_request(query)?;
    let doc = heavy(&state, move |state| {
        let engine = state.engine();
        let prepared = &state.prepared;
        engine
            .recommend(
                &prepared.steady_needs,
                &prepared.config,
                &state.outcome,
                &request,
            )
            .map(|r| {
                let mut doc =
                    crate::commands::recommend::to_json(engine, &prepared.config, &r, &[]);
                doc["assumptions"] = json!(crate::commands::recommend::assumptions(
                    &prepared.config,
                    &r.recommendation,
                    false
                ));
                doc
            })
            .map_err(|e| ApiError::bad("seats", e.to_string()))
    })
    .await??;
    json_answer(&doc)
}

/// A `true`/`false` parameter (absent: false).
fn flag(p: &mut Params, name: &str) -> Result<bool, ApiError> {
    match p.text(name)?.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::bad(
            name,
            format!("{name}: expected true or false, got {other:?}"),
        )),
    }
}

/// The recommendation request of a query string.
fn recommend_request(query: RawQuery) -> Result<gapmap_match::Request, ApiError> {
    let mut p = params(query)?;
    let seats = p.text("seats")?;
    let euros = p.text("euros")?;
    let number = |name: &str, text: Option<String>, max: usize| {
        text.map(|t| match t.parse::<usize>() {
            Ok(n) if n <= max => Ok(n),
            _ => Err(ApiError::bad(
                name,
                format!("{name}: expected a whole number from 0 to {max}, got {t:?}"),
            )),
        })
        .transpose()
    };
    let seats = number("seats", seats, MAX_RECOMMEND_SEATS)?.map(|n| n as u32);
    let euros = number("euros", euros, MAX_RECOMMEND_EUROS)?.map(|n| n as u64);
    if seats.is_none() && euros.is_none() {
        return Err(ApiError::bad("seats", "seats: give seats, euros or both"));
    }
    let mut limits = gapmap_match::Limits::default();
    if let Some(list) = p.text("departements")? {
        for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let dep: Departement = code.parse().map_err(|e| {
                ApiError::bad("departements", format!("departements: {code:?}: {e}"))
            })?;
            limits.departements.push(dep);
        }
    }
    if let Some(text) = p.text("level")? {
        limits.levels = Some(level_range(&text)?);
    }
    let max = number(
        "max_per_school",
        p.text("max_per_school")?,
        MAX_RECOMMEND_SEATS,
    )?;
    limits.max_seats_per_school = max.map(|n| n as u32);
    limits.only_extensions = flag(&mut p, "only_extensions")?;
    let redeploy = number("redeploy", p.text("redeploy")?, MAX_RECOMMEND_SEATS)?;
    limits.redeploy = redeploy.unwrap_or(0) as u32;
    p.finish()?;
    Ok(gapmap_match::Request {
        budget: gapmap_match::Budget { seats, euros },
        limits,
        costs: gapmap_match::Costs::assumed(),
    })
}

/// A what-if: the posted scenario applied to the training map, the needs matched again; the
/// server's own figures are not changed.
async fn whatif(
    State(state): State<Shared>,
    query: RawQuery,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let mut p = params(query)?;
    let by: Axis = p.parse("by")?.unwrap_or(Axis::Rome);
    p.finish()?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("the scenario must be sent as application/json, not {content_type:?}"),
        ));
    }
    let body =
        body.map_err(|e| ApiError::status(e.status(), format!("request body: {}", e.body_text())))?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::bad("body", "the body is not UTF-8 text"))?;
    let scenario = gapmap_engine::scenario_from_json(text).map_err(|e| match &e {
        gapmap_engine::EngineError::ScenarioJson { field, .. } => {
            ApiError::bad(field.as_deref().unwrap_or("body"), e.to_string())
        }
        _ => ApiError::bad("body", e.to_string()),
    })?;
    if scenario.changes.is_empty() {
        return Err(ApiError::bad(
            "changes",
            "changes: give at least one change",
        ));
    }
    if scenario.changes.len() > 200 {
        return Err(ApiError::bad("changes", "changes: at most 200 changes"));
    }
    let doc = heavy(&state, move |state| what_if(state, &scenario, by)).await??;
    json_answer(&doc)
}

fn what_if(state: &AppState, scenario: &Scenario, by: Axis) -> Result<Value, ApiError> {
    let engine = state.engine();
    let prepared = &state.prepared;
    let base = &state.outcome;
    let result = engine
        .what_if(&prepared.steady_needs, &prepared.config, base, scenario)
        .map_err(|e| {
            let message = e.to_string();
            ApiError::bad(&change_field(&message), message)
        })?;
    let after = &result.outcome;
    Ok(json!({
        "scenario": scenario.name,
        "by": by.key(),
        "coverage_rule": coverage_rule(base),
        "total": {"before": row_json(&total(base)), "after": row_json(&total(after))},
        "needs": changed_needs(base, after),
        "rows": changed_rows(engine, base, after, by),
        "changes": changes_json(engine, scenario),
        "note": dated(scenario).then_some(YEAR_NOTE),
    }))
}

/// Said when a change has a year: the server's figures are one year's, every change in place.
const YEAR_NOTE: &str = "one-year figures: each change counts as in place, every offer with its graduates of its seats; a change's year matters over a plan horizon (gapmap gaps --years)";

/// Whether a change of `scenario` gives a year.
fn dated(scenario: &Scenario) -> bool {
    use gapmap_match::Change;
    scenario.changes.iter().any(|c| match c {
        Change::Open(o) => o.year.is_some(),
        Change::Extend { year, .. } | Change::Close { year, .. } => year.is_some(),
        Change::Reduce { .. } => false,
    })
}

/// The change an engine's message names (`change 2: ...`, counted from 1) as a JSON field
/// (`changes[1]`); `changes` when it names none.
fn change_field(message: &str) -> String {
    let number = message.split("change ").nth(1).and_then(|rest| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<usize>().ok()
    });
    match number {
        Some(n) if n > 0 => format!("changes[{}]", n - 1),
        _ => "changes".to_owned(),
    }
}

fn rounded(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The needs whose figures the scenario changed, biggest change of gap first.
fn changed_needs(base: &MatchOutcome, after: &MatchOutcome) -> Vec<Value> {
    let mut changed: Vec<_> = base
        .needs
        .iter()
        .zip(&after.needs)
        .filter(|(b, a)| {
            b.gap != a.gap || b.covered != a.covered || b.covered_adjacent != a.covered_adjacent
        })
        .collect();
    changed.sort_by_key(|(b, a)| std::cmp::Reverse(b.gap.milli().abs_diff(a.gap.milli())));
    changed
        .iter()
        .map(|(b, a)| {
            json!({
                "key": b.id.as_str(), "label": b.specialty,
                "gap_before": b.gap.as_f64(), "gap_after": a.gap.as_f64(),
                "delta": rounded(a.gap.as_f64() - b.gap.as_f64()),
                "covered_before": b.covered.as_f64(), "covered_after": a.covered.as_f64(),
                "covered_adjacent_before": b.covered_adjacent.as_f64(), "covered_adjacent_after": a.covered_adjacent.as_f64(),
            })
        })
        .collect()
}

/// The rows of the table `by` whose figures the scenario changed, biggest change of gap first.
fn changed_rows(
    engine: &gapmap_engine::Engine,
    base: &MatchOutcome,
    after: &MatchOutcome,
    by: Axis,
) -> Vec<Value> {
    let mut rows: BTreeMap<String, (Option<TableRow>, Option<TableRow>)> = BTreeMap::new();
    for r in engine.table(base, by) {
        let key = r.row.key.to_string();
        rows.entry(key).or_default().0 = Some(r);
    }
    for r in engine.table(after, by) {
        let key = r.row.key.to_string();
        rows.entry(key).or_default().1 = Some(r);
    }
    let gap = |r: &Option<TableRow>| r.as_ref().map_or(0.0, |r| r.row.gap.as_f64());
    let mut changed: Vec<(f64, Value)> = rows
        .into_iter()
        .filter(|(_, (b, a))| b.as_ref().map(|r| &r.row) != a.as_ref().map(|r| &r.row))
        .map(|(key, (b, a))| {
            let delta = rounded(gap(&a) - gap(&b));
            let label = a.as_ref().or(b.as_ref()).map(|r| r.label.clone());
            (delta, json!({"key": key, "label": label, "gap_before": gap(&b), "gap_after": gap(&a), "delta": delta, "before": b.as_ref().map(row_json), "after": a.as_ref().map(row_json)}))
        })
        .collect();
    changed.sort_by(|x, y| y.0.abs().total_cmp(&x.0.abs()));
    changed.into_iter().map(|(_, v)| v).collect()
}

fn changes_json(engine: &gapmap_engine::Engine, scenario: &Scenario) -> Vec<Value> {
    use gapmap_match::{Change, Place};
    let offer = |id: &gapmap_model::OfferId| engine.offer(id);
    scenario
        .changes
        .iter()
        .map(|c| match c {
            Change::Open(o) => json!({
                "kind": "open", "cfd": o.cfd.to_string(), "seats": o.seats, "mode": o.mode.key(), "year": o.year,
                "place": match &o.place { Place::School(u) => format!("uai:{u}"), Place::Commune(c) => format!("commune:{c}") },
            }),
            Change::Extend { offer: id, seats, year } => json!({
                "kind": "extend", "offer": id.as_str(), "seats": seats, "year": year,
                "label": offer(id).map(|o| o.label.clone()), "school": offer(id).and_then(|o| o.school_name.clone()),
            }),
            Change::Close { offer: id, year } => json!({
                "kind": "close", "offer": id.as_str(), "year": year,
                "label": offer(id).map(|o| o.label.clone()), "school": offer(id).and_then(|o| o.school_name.clone()),
            }),
            Change::Reduce { offer: id, seats } => json!({
                "kind": "reduce", "offer": id.as_str(), "seats": seats,
                "label": offer(id).map(|o| o.label.clone()), "school": offer(id).and_then(|o| o.school_name.clone()),
            }),
        })
        .collect()
}
