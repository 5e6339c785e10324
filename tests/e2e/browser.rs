//! The planner's page in a real browser: `gapmap serve` on a loopback port, Debian's headless
//! Chromium driven through WebDriver (`chromedriver`). The test loads the page, filters the gap
//! table, opens a need, runs a scenario and reads its delta, switches the language, and fails on
//! any console error; the figures the page shows are compared with the API's.

use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gapmap::serve::client::Connection;
use gapmap::serve::serve_on;
use serde_json::{Value, json};

use crate::serve::demo_state;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const TIMEOUT: Duration = Duration::from_secs(30);

/// A WebDriver session; the browser and the driver end with it.
struct Browser {
    driver: Child,
    address: SocketAddr,
    session: String,
}

impl Browser {
    fn start() -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("{e}"));
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let mut browser = Browser {
            driver,
            address,
            session: String::new(),
        };
        browser.wait("chromedriver ready", |b| {
            b.call("GET", "/status", None)
                .ok()
                .map(|v| v["value"]["ready"] == true)
        });
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,900"],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let created = browser
            .call("POST", "/session", Some(&capabilities))
            .unwrap_or_else(|e| panic!("no session: {e}"));
        browser.session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!browser.session.is_empty(), "no session: {created}");
        browser
    }

    /// One WebDriver command; a WebDriver error is an `Err` with its message.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        let body = body.map(|b| b.to_string());
        let reply = Connection::open(self.address, TIMEOUT)
            .and_then(|mut c| c.send(method, path, body.as_deref().map(str::as_bytes)))
            .map_err(|e| e.to_string())?;
        let json = reply.json().map_err(|e| e.to_string())?;
        if reply.status != 200 {
            return Err(format!("{method} {path}: {}", json["value"]));
        }
        Ok(json)
    }

    fn session(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.call(method, &path, body.as_ref())
            .unwrap_or_else(|e| panic!("{e}"))["value"]
            .clone()
    }

    /// Runs a script in the page and returns its value.
    fn script(&self, script: &str) -> Value {
        self.session(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    fn element(&self, css: &str) -> String {
        let found = self.session(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {found}"))
            .to_owned()
    }

    fn click(&self, css: &str) {
        let id = self.element(css);
        self.session("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.session("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.session(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        );
    }

    fn text(&self, css: &str) -> String {
        let id = self.element(css);
        self.session("GET", &format!("/element/{id}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits until `done` says yes (within the timeout).
    fn wait(&mut self, what: &str, done: impl Fn(&Browser) -> Option<bool>) {
        let started = Instant::now();
        while started.elapsed() < TIMEOUT {
            if done(self) == Some(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {what}");
    }

    /// Waits until the page's last action is over.
    fn settle(&mut self) {
        self.wait("the page's action", |b| {
            b.script("return document.body.dataset.busy !== '1'")
                .as_bool()
        });
    }

    /// The console's errors: Chromium's log and what the page caught.
    fn console_errors(&self) -> Vec<String> {
        let log = self.session("POST", "/se/log", Some(json!({"type": "browser"})));
        let mut errors: Vec<String> = log
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].to_string())
            .collect();
        let caught = self.script("return window.__gapmapErrors || ['no error capture']");
        errors.extend(
            caught
                .as_array()
                .into_iter()
                .flatten()
                .map(Value::to_string),
        );
        errors
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Starts the demo server on a loopback port; it stops when the sender is dropped.
fn start_server() -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let state = demo_state();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap_or_else(|e| panic!("{e}"));
    let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let stopped = async {
            let _ = stopped.await;
        };
        runtime.block_on(serve_on(listener, state, stopped))
    });
    (address, stop)
}

fn api(address: SocketAddr, method: &str, path: &str, body: Option<&[u8]>) -> Value {
    let reply = Connection::open(address, TIMEOUT)
        .and_then(|mut c| c.send(method, path, body))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(reply.status, 200, "{path}");
    reply.json().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_planner_filters_opens_a_need_and_runs_a_scenario() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: {CHROMEDRIVER} missing (apt-get install chromium-driver)"
        );
        eprintln!("notice: {CHROMEDRIVER} missing: browser test skipped outside CI");
        return;
    }
    let (server, _stop) = start_server();
    let mut b = Browser::start();
    b.session(
        "POST",
        "/url",
        Some(json!({"url": format!("http://{server}/")})),
    );
    b.wait("the first load", |b| {
        b.script("return document.body.dataset.ready === '1'")
            .as_bool()
    });
    assert_eq!(b.script("return document.documentElement.lang"), "fr");

    // Filter the table on the Somme: the page shows the API's rows.
    b.click("#f-departement option[value='80']");
    b.settle();
    let expected = api(server, "GET", "/api/v1/gaps?by=rome&departement=80", None);
    let keys = b.script(
        "return [...document.querySelectorAll('#gap-body tr[data-key]')].map(r => r.dataset.key)",
    );
    let expected_keys = texts(&expected["rows"], "key");
    assert!(!expected_keys.is_empty());
    assert_eq!(keys, json!(expected_keys), "the filtered table");

    // One need: the table by need, then its detail.
    b.click("#f-departement option[value='']");
    b.settle();
    b.click("#axis option[value='need']");
    b.settle();
    let id = b.script("return document.querySelector('button.open-need').dataset.id");
    let id = id
        .as_str()
        .unwrap_or_else(|| panic!("no need button: {id}"))
        .to_owned();
    b.click("button.open-need");
    b.settle();
    let need = api(server, "GET", &format!("/api/v1/need?id={id}"), None);
    let detail = b.text("#need-detail");
    let specialty = need["specialty"].as_str().unwrap_or_default();
    assert!(
        detail.contains(specialty),
        "{specialty:?} not in the detail:\n{detail}"
    );
    let status =
        b.script("return document.querySelector('#need-detail .need-status').dataset.status");
    assert_eq!(status, need["status"]);

    // A scenario: 24 seats of CAP cuisine at Amiens; the page's delta is the API's.
    b.click("#add-change");
    b.click("#changes li.change-line [data-field=kind] option[value='open']");
    b.type_into("#changes li.change-line [data-field=cfd]", "50022139");
    b.type_into("#changes li.change-line [data-field=place]", "80021");
    b.type_into("#changes li.change-line [data-field=seats]", "24");
    b.click("#run-scenario");
    b.settle();
    let body =
        br#"{"changes": [{"kind": "open", "cfd": "50022139", "commune": "80021", "seats": 24}]}"#;
    let whatif = api(server, "POST", "/api/v1/whatif?by=need", Some(body));
    let delta = whatif["total"]["after"]["gap"].as_f64().unwrap_or(0.0)
        - whatif["total"]["before"]["gap"].as_f64().unwrap_or(0.0);
    assert!(delta < 0.0, "{whatif}");
    let shown = b.script("return document.querySelector('#whatif-delta').dataset.value");
    let shown: f64 = shown
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    assert!((shown - delta).abs() < 1e-3, "page {shown} vs API {delta}");

    // Offers around Saint-Quentin (02691): the page lists the API's hits.
    b.click("#search-mode-offers");
    b.type_into("#search-q", "cuisine");
    b.type_into("#s-near", "02691");
    b.type_into("#s-radius", "40");
    b.click("#search-go");
    b.settle();
    let shown = b.script(
        "return [...document.querySelectorAll('#search-results li.result')].map(li => li.dataset.offer)",
    );
    let hits = api(
        server,
        "GET",
        "/api/v1/offers?q=cuisine&near=02691&radius=40&limit=20",
        None,
    );
    // One line per course, named by its best offer.
    let best = Value::Array(
        hits["courses"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| c["variants"][0].clone())
            .collect(),
    );
    let expected = texts(&best, "offer");
    assert!(!expected.is_empty(), "{hits}");
    assert_eq!(shown, json!(expected), "the search around a commune");

    // A recommendation of 60 seats: the page's actions are the API's.
    b.type_into("#rec-seats", "60");
    b.click("#rec-go");
    b.settle();
    let rec = api(server, "GET", "/api/v1/recommend?seats=60", None);
    let offers = b.script(
        "return [...document.querySelectorAll('#rec-table tr[data-offer]')].map(r => r.dataset.offer)",
    );
    let expected = texts(&rec["actions"], "offer");
    assert!(!expected.is_empty(), "{rec}");
    assert_eq!(offers, json!(expected), "the recommended actions");

    // English, then back.
    b.click("#lang-switch");
    assert_eq!(b.script("return document.documentElement.lang"), "en");
    b.click("#lang-switch");
    assert_eq!(b.script("return document.documentElement.lang"), "fr");

    let errors = b.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    b.script("window.scrollTo(0, 0); return null");
    let png = b.session("GET", "/screenshot", None);
    let png = decode_base64(png.as_str().unwrap_or_default());
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a screenshot of the page"
    );
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-page.png");
    std::fs::write(&path, png).unwrap_or_else(|e| panic!("{e}"));
}

/// The `field` of each object of a JSON array, as text.
fn texts<'a>(array: &'a Value, field: &str) -> Vec<&'a str> {
    array
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item[field].as_str())
        .collect()
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    sextets
        .chunks(4)
        .flat_map(|c| {
            let n = c.iter().fold(0u32, |n, &s| n << 6 | u32::from(s)) << (6 * (4 - c.len()));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            bytes.into_iter().take(c.len().saturating_sub(1))
        })
        .collect()
}
