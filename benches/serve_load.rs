//! Load benchmark of `gapmap serve` on loopback: the Hauts-de-France data (the Ministry plan and
//! the BMO demand of region 32) served in-process on `127.0.0.1`, then
//!
//! 1. 64 concurrent clients (keep-alive connections) on the gap tables, then on the offers search:
//!    throughput and p50 / p99 / max latency (goal: p99 under 50 ms on 2 cores);
//! 2. hostile traffic: oversized bodies, malformed JSON, slow clients holding half-sent requests,
//!    a burst of connections; then the server must still answer, with the same figures.
//!
//! Bounded: every phase stops after its request count or its time budget, whichever comes first;
//! it only ever connects to the loopback address the server was given.
//!
//! `cargo bench -p gapmap --bench serve_load` (reads `$GAPMAP_DATA`, else `../shared/datasets`;
//! `-- --clients N --requests N` to change the load).

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use gapmap::cli::{Cli, Command};
use gapmap::serve::client::Connection;
use gapmap::serve::{AppState, Limits, serve_on};

#[path = "common.rs"]
mod common;
use common::{data_dir, root};

const TIMEOUT: Duration = Duration::from_secs(10);
/// Time budget of one load phase.
const PHASE_BUDGET: Duration = Duration::from_secs(60);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let clients = option("--clients", 64);
    let requests = option("--requests", 100);
    let state = load()?;
    let needs = state.outcome.needs.len();
    let (address, stop) = start(state)?;
    println!("server on {address}: Hauts-de-France, {needs} needs (Ministry plan + BMO)");
    let gap_paths = [
        "/api/v1/gaps?by=rome",
        "/api/v1/gaps?by=departement",
        "/api/v1/gaps?by=bassin&buyer=armee-de-terre",
        "/api/v1/gaps?by=need&departement=59&sort=demand&limit=50",
        "/api/v1/gaps?by=level&tag=cyber",
        "/api/v1/gaps?by=buyer&level=3-4",
    ];
    let search_paths = [
        "/api/v1/offers?q=maintenance%20a%C3%A9ronautique",
        "/api/v1/offers?q=cuisine&departement=80",
        "/api/v1/offers?q=cybers%C3%A9curit%C3%A9&level=5-6",
        "/api/v1/offers?q=soudure&near=59183&radius=30",
        "/api/v1/offers?q=logistique&mode=apprentissage",
        "/api/v1/resolve?q=t%C3%A9l%C3%A9pilote%20de%20drone",
    ];
    let reference = get(address, "/api/v1/gaps?by=departement")?;
    println!(
        "\n| one client, one request at a time | first, computed (ms) | then, kept: median of 20 (ms) | max of 20 (ms) |"
    );
    println!("|---|---:|---:|---:|");
    for path in gap_paths.iter().chain(&search_paths) {
        service_time(address, path)?;
    }
    println!(
        "\n| endpoints | clients | requests | errors | throughput (req/s) | p50 (ms) | p99 (ms) | max (ms) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let (cold_gaps, cold_search) = distinct_queries();
    let owned = |paths: &[&str]| paths.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
    let phases = [
        ("gap tables, 6 repeated queries", owned(&gap_paths)),
        ("gap tables, every query new (computed)", cold_gaps),
        ("search, 6 repeated queries", owned(&search_paths)),
        ("search, every query new (computed)", cold_search),
    ];
    for (name, paths) in &phases {
        load_phase(name, address, paths, clients, requests);
    }
    println!();
    hostile(address)?;
    let after = get(address, "/api/v1/gaps?by=departement")?;
    if after != reference {
        return Err("the gap table changed under hostile traffic".into());
    }
    println!("after the hostile traffic: health ok, the gap table by département unchanged");
    stop.send(()).ok();
    Ok(())
}

/// The server's state: the real data imported in memory, the plan and the BMO demand matched.
fn load() -> Result<Arc<AppState>, Box<dyn std::error::Error>> {
    let data = data_dir();
    let plan = root().join("datasets/needs/armees-hdf-2026.csv");
    let (data, plan) = (data.to_string_lossy(), plan.to_string_lossy());
    let argv = [
        "gapmap", "serve", "--data", &data, "--region", "32", "--needs", &plan, "--bmo",
    ];
    let Command::Serve(args) = Cli::try_parse_from(argv)?.command else {
        return Err("not serve".into());
    };
    let progress = gapmap::progress::Progress::new(true);
    let started = Instant::now();
    let prepared = gapmap::pipeline::prepare(&args.source, &args.matching, &progress)?;
    let state = AppState::new(prepared, Limits::default(), &progress)?;
    println!(
        "loaded and matched in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(Arc::new(state))
}

/// Starts the server on a loopback port in its own runtime (2 worker threads, as on the target
/// machine); sending on the channel stops it.
fn start(
    state: Arc<AppState>,
) -> Result<(SocketAddr, tokio::sync::oneshot::Sender<()>), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let address = listener.local_addr()?;
    let (send, receive) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let stop = async {
            let _ = receive.await;
        };
        if let Err(e) = runtime.block_on(serve_on(listener, state, stop)) {
            eprintln!("server: {e:#}");
        }
    });
    Ok((address, send))
}

fn get(address: SocketAddr, path: &str) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let reply = Connection::open(address, TIMEOUT)?.send("GET", path, None)?;
    if reply.status != 200 {
        return Err(format!("{path}: status {}", reply.status).into());
    }
    Ok(reply.json()?)
}

/// Gap tables and searches that differ from each other (more than a phase sends), so that no
/// answer comes from the cache: every axis but competences with a département and a level range
/// filter and a page offset; search words with a département, a level range and a limit.
fn distinct_queries() -> (Vec<String>, Vec<String>) {
    let axes = [
        "rome",
        "departement",
        "bassin",
        "need",
        "level",
        "buyer",
        "tag",
    ];
    let deps = ["", "02", "59", "60", "62", "80"];
    let levels = [
        "", "3", "4", "5", "6", "3-4", "3-5", "4-5", "5-6", "6-7", "7-8", "3-8",
    ];
    let mut gaps = Vec::new();
    for offset in 0..20 {
        for axis in axes {
            for dep in deps {
                for level in levels {
                    gaps.push(format!(
                        "/api/v1/gaps?by={axis}&departement={dep}&level={level}&offset={offset}"
                    ));
                }
            }
        }
    }
    let words = [
        "maintenance",
        "cuisine",
        "soudure",
        "logistique",
        "commerce",
        "informatique",
        "electricite",
        "mecanique",
        "aeronautique",
        "securite",
        "sante",
        "batiment",
        "transport",
        "comptabilite",
        "reseaux",
        "chaudronnerie",
        "usinage",
        "vente",
        "hotellerie",
        "agriculture",
    ];
    let mut search = Vec::new();
    for limit in 10..30 {
        for word in words {
            for dep in deps {
                for level in ["", "3-4", "4-5", "5-6"] {
                    search.push(format!(
                        "/api/v1/offers?q={word}&departement={dep}&level={level}&limit={limit}"
                    ));
                }
            }
        }
    }
    (gaps, search)
}

/// The time one request takes alone (20 runs on one connection).
fn service_time(address: SocketAddr, path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut connection = Connection::open(address, TIMEOUT)?;
    let sent = Instant::now();
    connection.send("GET", path, None)?;
    let first = sent.elapsed();
    let mut runs = Vec::new();
    for _ in 0..20 {
        let sent = Instant::now();
        let reply = connection.send("GET", path, None)?;
        runs.push(sent.elapsed());
        if reply.status != 200 {
            return Err(format!("{path}: status {}", reply.status).into());
        }
    }
    let max = runs.iter().max().copied().unwrap_or_default();
    let median = common::median(runs);
    println!(
        "| `{path}` | {:.2} | {:.2} | {:.2} |",
        first.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
    Ok(())
}

/// `clients` threads, each on its own connection, `requests` requests each over `paths` in turn.
fn load_phase(name: &str, address: SocketAddr, paths: &[String], clients: usize, requests: usize) {
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let paths = paths.to_vec();
            std::thread::spawn(move || client(address, &paths, c * requests, requests, started))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in threads {
        match t.join() {
            Ok((l, e)) => {
                latencies.extend(l);
                errors += e;
            }
            Err(_) => errors += requests,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "| {name} | {clients} | {} | {errors} | {:.0} | {:.1} | {:.1} | {:.1} |",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

/// One client: its latencies and its count of failed requests.
fn client(
    address: SocketAddr,
    paths: &[String],
    seed: usize,
    requests: usize,
    started: Instant,
) -> (Vec<Duration>, usize) {
    let mut latencies = Vec::with_capacity(requests);
    let mut errors = 0;
    let Ok(mut connection) = Connection::open(address, TIMEOUT) else {
        return (latencies, requests);
    };
    for i in 0..requests {
        if started.elapsed() > PHASE_BUDGET {
            break;
        }
        let path = &paths[(seed + i) % paths.len()];
        let sent = Instant::now();
        match connection.send("GET", path, None) {
            Ok(reply) if reply.status == 200 => latencies.push(sent.elapsed()),
            _ => {
                errors += 1;
                match Connection::open(address, TIMEOUT) {
                    Ok(c) => connection = c,
                    Err(_) => return (latencies, errors + requests - i - 1),
                }
            }
        }
    }
    (latencies, errors)
}

/// Oversized bodies, malformed JSON, slow clients, a burst: each answered with its 4xx, and the
/// server still up.
fn hostile(address: SocketAddr) -> Result<(), Box<dyn std::error::Error>> {
    let mut c = Connection::open(address, TIMEOUT)?;
    let big = vec![b'x'; 1 << 20];
    let oversized = c.send("POST", "/api/v1/whatif", Some(&big))?;
    println!("oversized body (1 MiB): {}", oversized.status);
    let mut c = Connection::open(address, TIMEOUT)?;
    let malformed = c.send(
        "POST",
        "/api/v1/whatif",
        Some(b"{\"changes\": [{\"kind\": "),
    )?;
    println!("malformed JSON: {}", malformed.status);
    let bad_query = c.send("GET", "/api/v1/gaps?limit=99999999999999999999", None)?;
    println!("out-of-range query: {}", bad_query.status);
    if (oversized.status, malformed.status, bad_query.status) != (413, 400, 400) {
        return Err("hostile requests not refused with 413 / 400 / 400".into());
    }
    // Slow clients: half-sent requests held open while others are served.
    let slow: Vec<TcpStream> = (0..32)
        .filter_map(|_| {
            let mut s = TcpStream::connect_timeout(&address, TIMEOUT).ok()?;
            s.write_all(b"GET /api/v1/gaps HTTP/1.1\r\nHost: x\r\n")
                .ok()?;
            Some(s)
        })
        .collect();
    let sent = Instant::now();
    get(address, "/api/v1/health")?;
    println!(
        "{} slow clients holding half-sent requests: health answered in {:.1} ms",
        slow.len(),
        sent.elapsed().as_secs_f64() * 1e3
    );
    drop(slow);
    // A burst: 256 connections at once, one request each.
    let started = Instant::now();
    let burst: Vec<_> = (0..256)
        .map(|_| std::thread::spawn(move || get(address, "/api/v1/gaps?by=level").is_ok()))
        .collect();
    let ok = burst
        .into_iter()
        .filter_map(|t| t.join().ok())
        .filter(|ok| *ok)
        .count();
    println!(
        "burst of 256 connections: {ok} answered in {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    if ok != 256 {
        return Err(format!("only {ok} of 256 burst requests answered").into());
    }
    get(address, "/api/v1/health")?;
    Ok(())
}
