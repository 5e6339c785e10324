//! `gapmap serve`: the API answered by the router in-process (no network), on the demo data.
//! Each case is a request and what its answer must hold, through one `check` helper.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use clap::Parser;
use gapmap::cli::{Cli, Command};
use gapmap::serve::{AppState, Limits, router};
use serde_json::Value;
use tower::ServiceExt;

/// The server's state on the demo data with the Ministry plan, built once.
pub fn demo_state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let demo = crate::project_root().join("datasets/demo");
            let demo = demo.to_string_lossy();
            let cli = Cli::try_parse_from(["gapmap", "serve", "--data", &demo])
                .unwrap_or_else(|e| panic!("{e}"));
            let Command::Serve(args) = cli.command else {
                panic!("not serve")
            };
            let progress = gapmap::progress::Progress::new(true);
            let prepared = gapmap::pipeline::prepare(&args.source, &args.matching, &progress)
                .unwrap_or_else(|e| panic!("{e:#}"));
            let limits = Limits {
                max_body: 4096,
                ..Limits::default()
            };
            Arc::new(AppState::new(prepared, limits, &progress).unwrap_or_else(|e| panic!("{e:#}")))
        })
        .clone()
}

/// Sends one request to the router and returns the status and the JSON body.
pub fn request(method: Method, uri: &str, body: &[u8]) -> (StatusCode, Value) {
    request_with(method, uri, body, &[("content-type", "application/json")])
}

/// [`request`] with the given headers.
pub fn request_with(
    method: Method,
    uri: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    runtime.block_on(async {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Body::from(body.to_vec()))
            .unwrap_or_else(|e| panic!("{e}"));
        let response = router(demo_state())
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes))
        });
        (status, json)
    })
}

/// Checks one GET: its status, and for an error, the field named and a word of the message.
#[track_caller]
fn check(uri: &str, status: u16, field: Option<&str>, says: &str) -> Value {
    check_with(Method::GET, uri, b"", status, field, says)
}

#[track_caller]
fn check_with(
    method: Method,
    uri: &str,
    body: &[u8],
    status: u16,
    field: Option<&str>,
    says: &str,
) -> Value {
    let (got, json) = request(method, uri, body);
    assert_eq!(got.as_u16(), status, "{uri}: {json}");
    if status >= 400 {
        assert_eq!(json["status"], status, "{uri}: {json}");
        assert_eq!(json["field"].as_str(), field, "{uri}: {json}");
        let message = json["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{uri}: {message:?} lacks {says:?}");
    }
    json
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn bad_requests_get_json_errors_naming_the_field() {
    let cases: &[(&str, u16, Option<&str>, &str)] = &[
        ("/api/v1/gaps?by=town", 400, Some("by"), "unknown axis"),
        (
            "/api/v1/gaps?buyer=Armee-de-terre",
            400,
            Some("buyer"),
            "known: ",
        ),
        ("/api/v1/gaps?tag=nope", 400, Some("tag"), "no need has"),
        ("/api/v1/gaps?level=9", 400, Some("level"), "1 to 8"),
        ("/api/v1/gaps?level=5-4", 400, Some("level"), "range"),
        (
            "/api/v1/gaps?departement=999",
            400,
            Some("departement"),
            "departement",
        ),
        ("/api/v1/gaps?rome=Z9999", 400, Some("rome"), "rome"),
        ("/api/v1/gaps?limit=0", 400, Some("limit"), "1 to 1000"),
        ("/api/v1/gaps?limit=5000", 400, Some("limit"), "1 to 1000"),
        (
            "/api/v1/gaps?offset=-1",
            400,
            Some("offset"),
            "whole number",
        ),
        (
            "/api/v1/gaps?sort=nope",
            400,
            Some("sort"),
            "unknown column",
        ),
        ("/api/v1/gaps?order=up", 400, Some("order"), "asc or desc"),
        ("/api/v1/gaps?by=rome&by=need", 400, Some("by"), "twice"),
        (
            "/api/v1/gaps?departemnt=59",
            400,
            Some("departemnt"),
            "unknown parameter",
        ),
        (
            "/api/v1/gaps?by=competence&buyer=marine-nationale",
            400,
            Some("by"),
            "cannot be filtered",
        ),
        ("/api/v1/gaps?by=%FF", 400, Some("by"), "unknown axis"),
        ("/api/v1/need", 400, Some("id"), "required"),
        ("/api/v1/need?id=no-such-need", 404, None, "no need"),
        ("/api/v1/offers?radius=10", 400, Some("radius"), "near"),
        (
            "/api/v1/offers?near=80021&radius=-3",
            400,
            Some("radius"),
            "above 0",
        ),
        (
            "/api/v1/offers?near=80021&radius=NaN",
            400,
            Some("radius"),
            "above 0",
        ),
        ("/api/v1/offers?near=123", 400, Some("near"), "near"),
        (
            "/api/v1/offers?mode=evening",
            400,
            Some("mode"),
            "school or apprenticeship",
        ),
        (
            "/api/v1/offers?q=cuisine&limit=100000",
            400,
            Some("limit"),
            "1 to 200",
        ),
        ("/api/v1/offers?q=%20%2B%2B%20", 400, Some("q"), "q:"),
        ("/api/v1/resolve", 400, Some("q"), "required"),
        (
            "/api/v1/competences?q=soudure&limit=51",
            400,
            Some("limit"),
            "1 to 50",
        ),
        ("/api/v1/health?x=1", 400, Some("x"), "unknown parameter"),
        ("/api/v1/nothing", 404, None, "/api/v1/nothing"),
        ("/assets/../Cargo.toml", 404, None, "no such page"),
        (
            "/assets/%2e%2e/%2e%2e/Cargo.toml",
            404,
            None,
            "no such page",
        ),
        ("/assets/..%2f..%2fCargo.toml", 404, None, "no such page"),
        ("/../../etc/passwd", 404, None, "no such page"),
    ];
    for &(uri, status, field, says) in cases {
        check(uri, status, field, says);
    }
    for endpoint in ["resolve", "competences", "offers"] {
        let long = format!("/api/v1/{endpoint}?q={}", "a".repeat(201));
        check(&long, 400, Some("q"), "200 characters");
    }
    check_with(Method::DELETE, "/api/v1/gaps", b"", 405, None, "DELETE");
    check_with(Method::GET, "/api/v1/whatif", b"", 405, None, "GET");
}

#[test]
fn the_server_answers_only_to_loopback_names_and_json_scenarios() {
    let body = br#"{"changes": [{"kind": "close", "offer": "x"}]}"#;
    let (status, json) = request_with(
        Method::GET,
        "/api/v1/health",
        b"",
        &[("host", "evil.example:8080")],
    );
    assert_eq!(status.as_u16(), 421, "{json}");
    for host in [
        "127.0.0.1.evil.com",
        "127.attacker.example:80",
        "localhost:",
    ] {
        let (status, _) = request_with(Method::GET, "/api/v1/health", b"", &[("host", host)]);
        assert_eq!(status.as_u16(), 421, "{host}");
    }
    for host in ["127.0.0.1:8080", "LOCALHOST:8080", "localhost", "[::1]:80"] {
        let (status, _) = request_with(Method::GET, "/api/v1/health", b"", &[("host", host)]);
        assert_eq!(status.as_u16(), 200, "{host}");
    }
    let (status, json) = request_with(
        Method::POST,
        "/api/v1/whatif",
        body,
        &[("content-type", "text/plain")],
    );
    assert_eq!(status.as_u16(), 415, "{json}");
    assert!(
        json["message"]
            .as_str()
            .is_some_and(|m| m.contains("application/json"))
    );
}

/// Figures that are not given are `null`, never 0: a filter that keeps no need.
#[test]
fn no_need_is_no_figure() {
    let state = demo_state();
    assert!(
        state
            .outcome
            .needs
            .iter()
            .all(|n| n.level.is_none_or(|l| l.get() > 1))
    );
    let empty = check("/api/v1/gaps?by=buyer&level=1", 200, None, "");
    assert_eq!(empty["count"], 0);
    assert_eq!(empty["total"]["needs"], 0);
    for figure in ["demand", "covered", "gap"] {
        assert!(empty["total"][figure].is_null(), "{figure}: {empty}");
    }
    let asc = check("/api/v1/gaps?by=need&order=asc&limit=1000", 200, None, "");
    let gaps: Vec<f64> = asc["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| num(&r["gap"]))
        .collect();
    assert!(
        gaps.windows(2).all(|w| w[0] <= w[1]),
        "order=asc alone turns the gap's order"
    );
}

#[test]
fn bad_scenarios_are_refused_without_harm() {
    let post = |body: &[u8], status: u16, field: Option<&str>, says: &str| {
        check_with(Method::POST, "/api/v1/whatif", body, status, field, says)
    };
    post(b"{\"changes\": [}", 400, Some("body"), "line 1 column");
    post(b"", 400, Some("body"), "invalid scenario");
    post(b"[1, 2]", 400, Some("body"), "invalid scenario");
    post(b"\xff\xfe{}", 400, Some("body"), "UTF-8");
    post(b"{}", 400, Some("changes"), "at least one");
    post(
        b"{\"changes\": [{\"kind\": \"extend\", \"offer\": \"x\"}]}",
        400,
        Some("changes[0]"),
        "`seats` is required",
    );
    post(
        b"{\"changes\": [{\"kind\": \"grow\"}]}",
        400,
        Some("changes[0]"),
        "expected open, extend, reduce or close",
    );
    post(
        b"{\"changes\": [{\"kind\": \"close\", \"offer\": \"x\", \"colour\": 1}]}",
        400,
        Some("body"),
        "unknown field",
    );
    post(
        b"{\"changes\": [{\"kind\": \"close\", \"offer\": \"no-such-offer\"}]}",
        400,
        Some("changes[0]"),
        "no-such-offer",
    );
    post(b"{\"changes\": [{\"kind\": \"open\", \"cfd\": \"50022139\", \"commune\": \"80021\", \"seats\": -4}]}", 400, Some("body"), "invalid");
    let big = format!("{{\"name\": \"{}\", \"changes\": []}}", "x".repeat(5000));
    post(big.as_bytes(), 413, None, "over 4096 bytes");
    // The server's figures are the same after all that.
    let (_, meta) = request(Method::GET, "/api/v1/meta", b"");
    let total = total_gap(&demo_state());
    assert_eq!(num(&meta["total"]["gap"]), total);
}

fn total_gap(state: &AppState) -> f64 {
    state.outcome.total().gap.as_f64()
}

#[test]
fn every_endpoint_answers() {
    let health = check("/api/v1/health", 200, None, "");
    assert_eq!(health["status"], "ok");
    let version = check("/api/v1/version", 200, None, "");
    assert_eq!(version["api"], "v1");
    let meta = check("/api/v1/meta", 200, None, "");
    assert_eq!(meta["needs"], demo_state().outcome.needs.len());
    assert!(
        meta["filters"]["departement"]
            .as_array()
            .is_some_and(|d| d.len() >= 5),
        "{meta}"
    );
    let map = check("/api/v1/map", 200, None, "");
    let deps: Vec<&str> = map["departements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(
        deps,
        ["02", "59", "60", "62", "80"],
        "the region's five départements are drawn"
    );
    let sites = map["sites"].as_array().map_or(0, Vec::len);
    assert!(sites > 10, "{sites} training sites");
    let width = num(&map["width"]);
    let height = num(&map["height"]);
    for s in map["sites"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(map["demand"].as_array().into_iter().flatten())
    {
        let (x, y) = (num(&s["x"]), num(&s["y"]));
        assert!(
            (0.0..=width).contains(&x) && (0.0..=height).contains(&y),
            "{s} outside the map"
        );
    }
    let offers = check(
        "/api/v1/offers?q=cuisine&departement=80&level=3-4&mode=school&limit=5",
        200,
        None,
        "",
    );
    let hits = variants(&offers);
    assert!(!hits.is_empty(), "{offers}");
    for h in &hits {
        assert_eq!(h["departement"], "80");
        assert!((3..=4).contains(&h["level"].as_u64().unwrap_or(0)), "{h}");
        assert_eq!(h["mode"], "school");
    }
    let near = check(
        "/api/v1/offers?near=80021&radius=15&limit=50",
        200,
        None,
        "",
    );
    for h in &variants(&near) {
        assert!(num(&h["distance_km"]) <= 15.0, "{h}");
    }
    let resolve = check("/api/v1/resolve?q=cuisinier&limit=3", 200, None, "");
    assert!(
        resolve["results"]
            .as_array()
            .is_some_and(|r| !r.is_empty() && r.len() <= 3),
        "{resolve}"
    );
    let competences = check("/api/v1/competences?q=soudure&limit=2", 200, None, "");
    assert!(
        competences["results"][0]["label"]
            .as_str()
            .is_some_and(|l| l.to_lowercase().contains("soud")),
        "{competences}"
    );
    let openapi = check("/api/v1/openapi.json", 200, None, "");
    assert_eq!(openapi["openapi"], "3.1.0");
}

/// Every route the router answers is in the OpenAPI file, and every path of the file answers.
#[test]
fn openapi_describes_every_route() {
    let openapi: Value =
        serde_json::from_str(gapmap::serve::OPENAPI).unwrap_or_else(|e| panic!("{e}"));
    let paths: Vec<&str> = openapi["paths"]
        .as_object()
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let routes = [
        "/health",
        "/version",
        "/openapi.json",
        "/meta",
        "/gaps",
        "/need",
        "/offers",
        "/resolve",
        "/competences",
        "/map",
        "/whatif",
        "/recommend",
    ];
    for route in routes {
        assert!(paths.contains(&route), "{route} missing from openapi.json");
    }
    for path in &paths {
        assert!(
            routes.contains(path),
            "openapi.json documents {path}, which is not a route"
        );
        let method = if *path == "/whatif" {
            Method::POST
        } else {
            Method::GET
        };
        let (status, _) = request(method, &format!("/api/v1{path}"), b"");
        assert_ne!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[test]
fn filtered_tables_add_up() {
    let state = demo_state();
    let by_dep = check("/api/v1/gaps?by=departement&limit=1000", 200, None, "");
    let total = num(&by_dep["total"]["gap"]);
    assert!((total - total_gap(&state)).abs() < 1e-6);
    let rows = by_dep["rows"].as_array().cloned().unwrap_or_default();
    let sum: f64 = rows.iter().map(|r| num(&r["gap"])).sum();
    assert!((sum - total).abs() < 1e-6, "rows {sum} != total {total}");
    // The table filtered on one département has that row's figures as its total.
    for row in rows
        .iter()
        .filter(|r| r["key"].as_str().is_some_and(|k| k.len() == 2))
    {
        let key = row["key"].as_str().unwrap_or_default();
        let filtered = check(
            &format!("/api/v1/gaps?by=buyer&departement={key}&limit=1000"),
            200,
            None,
            "",
        );
        for column in ["demand", "covered", "gap", "needs"] {
            assert!(
                (num(&filtered["total"][column]) - num(&row[column])).abs() < 1e-6,
                "{key} {column}"
            );
        }
        let sum: f64 = filtered["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| num(&r["gap"]))
            .sum();
        assert!(
            (sum - num(&row["gap"])).abs() < 1e-6,
            "{key}: buyers add up to the département"
        );
    }
    // Paging and sorting.
    let all = check(
        "/api/v1/gaps?by=need&sort=demand&order=asc&limit=1000",
        200,
        None,
        "",
    );
    let demands: Vec<f64> = all["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["demand"].as_f64())
        .collect();
    assert!(demands.windows(2).all(|w| w[0] <= w[1]), "sorted ascending");
    let page = check(
        "/api/v1/gaps?by=need&sort=demand&order=asc&limit=3&offset=2",
        200,
        None,
        "",
    );
    assert_eq!(page["rows"].as_array().map(Vec::len), Some(3));
    assert_eq!(page["rows"][0]["key"], all["rows"][2]["key"]);
    assert_eq!(page["count"], all["count"]);
    let level = check("/api/v1/gaps?by=level&level=3-4", 200, None, "");
    for r in level["rows"].as_array().into_iter().flatten() {
        assert!(
            ["3", "4"].contains(&r["key"].as_str().unwrap_or_default()),
            "{r}"
        );
    }
}

#[test]
fn a_need_is_explained() {
    let state = demo_state();
    let need = state
        .outcome
        .needs
        .iter()
        .find(|n| !n.covered_direct.is_zero() && !n.gap.is_zero())
        .unwrap_or_else(|| panic!("a partly covered need"));
    let doc = check(
        &format!("/api/v1/need?id={}", need.id.as_str()),
        200,
        None,
        "",
    );
    assert_eq!(num(&doc["gap"]), need.gap.as_f64());
    let candidates = doc["candidates"].as_array().cloned().unwrap_or_default();
    let direct: f64 = candidates
        .iter()
        .filter(|c| c["link"] == "direct")
        .map(|c| num(&c["to_this_need"]))
        .sum();
    assert!(
        (direct - need.covered_direct.as_f64()).abs() < 1e-6,
        "direct supply {direct} adds up"
    );
    assert!(doc["status_text"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(
        doc["untaught_labels"].as_array().map(Vec::len),
        doc["untaught_competences"].as_array().map(Vec::len)
    );
}

#[test]
fn a_what_if_gives_the_delta_and_changes_nothing() {
    let state = demo_state();
    let before = check("/api/v1/gaps?by=buyer", 200, None, "");
    let body = br#"{"name": "CAP cuisine a Amiens", "changes": [{"kind": "open", "cfd": "50022139", "commune": "80021", "seats": 24}]}"#;
    let doc = check_with(Method::POST, "/api/v1/whatif?by=buyer", body, 200, None, "");
    let gap_before = num(&doc["total"]["before"]["gap"]);
    let gap_after = num(&doc["total"]["after"]["gap"]);
    assert_eq!(gap_before, total_gap(&state));
    assert!(
        gap_after < gap_before,
        "24 CAP cuisine seats close part of the cooks' gap"
    );
    let needs_delta: f64 = doc["needs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| num(&n["delta"]))
        .sum();
    assert!(
        (needs_delta - (gap_after - gap_before)).abs() < 1e-6,
        "needs' deltas add up"
    );
    let rows_delta: f64 = doc["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| num(&n["delta"]))
        .sum();
    assert!(
        (rows_delta - (gap_after - gap_before)).abs() < 1e-6,
        "buyers' deltas add up"
    );
    // The same scenario through the engine gives the same figures.
    let scenario = gapmap_engine::scenario_from_json(std::str::from_utf8(body).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    let p = &state.prepared;
    let engine_after = p
        .loaded
        .engine
        .what_if(&p.steady_needs, &p.config, &state.outcome, &scenario)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(engine_after.outcome.total().gap.as_f64(), gap_after);
    let after = check("/api/v1/gaps?by=buyer", 200, None, "");
    assert_eq!(before, after, "the server's own figures do not change");
    assert!(doc["note"].is_null(), "no change gives a year");
    let dated = br#"{"changes": [{"kind": "open", "cfd": "50022139", "commune": "80021", "seats": 24, "year": 2027}]}"#;
    let doc = check_with(
        Method::POST,
        "/api/v1/whatif?by=buyer",
        dated,
        200,
        None,
        "",
    );
    assert_eq!(
        num(&doc["total"]["after"]["gap"]),
        gap_after,
        "one-year figures: the change in place"
    );
    assert!(
        doc["note"].as_str().is_some_and(|n| n.contains("--years")),
        "{doc}"
    );
}

/// `gapmap serve` stops on SIGTERM with success, also with a client holding a half-sent request
/// (its connection is closed once its head is overdue) and after answering a request.
#[test]
fn sigterm_stops_the_server_cleanly() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command as Process, Stdio};
    let mut server = Process::new(env!("CARGO_BIN_EXE_gapmap"))
        .args(["serve", "--bind", "127.0.0.1:0", "-q"])
        .current_dir(crate::project_root())
        .env_remove("GAPMAP_DATA")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut stderr = BufReader::new(server.stderr.take().unwrap_or_else(|| panic!("stderr")));
    let mut line = String::new();
    while !line.contains("serving http://") {
        line.clear();
        let read = stderr.read_line(&mut line).unwrap_or(0);
        assert!(read > 0, "the server stopped before serving");
    }
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|a| a.parse::<std::net::SocketAddr>().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    let mut slow = std::net::TcpStream::connect(address).unwrap_or_else(|e| panic!("{e}"));
    slow.write_all(b"GET /api/v1/gaps HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let timeout = std::time::Duration::from_secs(10);
    let health = gapmap::serve::client::Connection::open(address, timeout)
        .and_then(|mut c| c.send("GET", "/api/v1/health", None))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(health.status, 200);
    let killed = Process::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(killed.success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            break status;
        }
        assert!(
            started.elapsed().as_secs() < 30,
            "still running 30 s after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
    assert!(status.success(), "{status}: {rest}");
    assert!(rest.contains("gapmap: stopped"), "{rest}");
    drop(slow);
}

/// `/recommend`: the engine's recommendation for the server's needs, and each bad parameter
/// refused with its name.
#[test]
fn recommend_answers_the_engine_s_recommendation() {
    let state = demo_state();
    let got = check(
        "/api/v1/recommend?seats=60&departements=59,62&level=3-5",
        200,
        None,
        "",
    );
    let engine = state.engine();
    let mut request = gapmap_match::Request {
        budget: gapmap_match::Budget {
            seats: Some(60),
            euros: None,
        },
        costs: gapmap_match::Costs::assumed(),
        ..Default::default()
    };
    request.limits.departements = vec![
        "59".parse().unwrap_or_else(|e| panic!("{e}")),
        "62".parse().unwrap_or_else(|e| panic!("{e}")),
    ];
    request.limits.levels = gapmap_model::EuropeanLevel::parse_range("3-5").ok();
    let expected = engine
        .recommend(
            &state.prepared.steady_needs,
            &state.prepared.config,
            &state.outcome,
            &request,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        num(&got["applied"]["direct_gap"]),
        expected.applied.direct_gap.as_f64()
    );
    assert_eq!(
        got["actions"].as_array().map(Vec::len),
        Some(expected.recommendation.actions.len())
    );
    assert!(got["assumptions"].as_array().is_some_and(|a| a.len() == 7));
    for (uri, field, says) in [
        ("/api/v1/recommend", "seats", "give seats"),
        ("/api/v1/recommend?seats=x", "seats", "whole number"),
        (
            "/api/v1/recommend?seats=10&euros=-1",
            "euros",
            "whole number",
        ),
        (
            "/api/v1/recommend?seats=10&departements=999",
            "departements",
            "999",
        ),
        ("/api/v1/recommend?seats=10&level=9", "level", "level"),
        (
            "/api/v1/recommend?seats=10&only_extensions=yes",
            "only_extensions",
            "true or false",
        ),
        ("/api/v1/recommend?seats=10&budget=3", "budget", "budget"),
    ] {
        check(uri, 400, Some(field), says);
    }
}

/// The offers of an `/offers` answer: every variant of every course.
fn variants(answer: &Value) -> Vec<Value> {
    answer["courses"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["variants"].as_array().cloned().unwrap_or_default())
        .collect()
}
