//! `gapmap serve`: the HTTP API (`/api/v1`, described by `assets/openapi.json`) and the planner's
//! page, over one [`gapmap_engine::Engine`] loaded once and needs matched once at start-up; every
//! answer comes from memory. A what-if or an explanation runs on a blocking thread under its own
//! bound; the server's figures never change.
//!
//! Hardening: a body limit, a time limit per request, bounded concurrency, validated query
//! strings (unknown or repeated parameters refused), JSON errors naming the bad field, static
//! files compiled in (no path read from a request), loopback by default and a graceful shutdown
//! on Ctrl-C or SIGTERM.

mod api;
mod cache;
pub mod client;
mod error;
mod filter;
mod map;
mod params;
mod state;

use std::sync::Arc;

use anyhow::{Context, bail};

pub use api::{OPENAPI, router};
pub use cache::ResponseCache;
pub use error::ApiError;
pub use filter::NeedFilter;
pub use map::MapData;
pub use state::{AppState, Limits, is_loopback_host};

use crate::cli::ServeArgs;
use crate::pipeline;
use crate::progress::Progress;

/// Runs `gapmap serve` until Ctrl-C or SIGTERM.
pub fn run(args: &ServeArgs, progress: &Progress) -> anyhow::Result<()> {
    if args.matching.years.is_some() {
        bail!("gapmap serve answers the one-year figures: --years is for gaps and report");
    }
    if args.matching.scenario.is_some() {
        bail!("gapmap serve matches the data as they are: post scenarios to /api/v1/whatif");
    }
    let prepared = pipeline::prepare(&args.source, &args.matching, progress)?;
    let limits = Limits {
        timeout: std::time::Duration::from_secs(args.timeout_secs.max(1)),
        max_concurrency: args.max_concurrency.max(1),
        max_heavy: args.max_heavy.max(1),
        cache_bytes: args.cache_mb.saturating_mul(1 << 20),
        ..Limits::default()
    };
    let mut state = AppState::new(prepared, limits, progress)?;
    state.loopback_only = args.bind.ip().is_loopback();
    let state = Arc::new(state);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .with_context(|| format!("listening on {}", args.bind))?;
        let address = listener.local_addr()?;
        crate::say!(
            "gapmap: serving http://{address}/ (API: http://{address}/api/v1/openapi.json); Ctrl-C stops"
        );
        serve_on(listener, state, shutdown()).await?;
        crate::say!("gapmap: stopped");
        Ok(())
    })
}

/// Serves `state` on `listener` until `stop` resolves, then lets the requests under way finish
/// for at most [`Limits::grace`] (the tests and the load benchmark run a server this way, on a
/// loopback port). Each connection gets [`Limits::header_timeout`] to send a request's head (a
/// slow or silent client is closed), and at most [`Limits::max_connections`] are open at once.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    stop: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let limits = state.limits;
    let app = router(state);
    let open = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let (closing, closed) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        while connections.try_join_next().is_some() {}
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit?,
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, a connection reset before accept: wait, go on.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let closed = closed.clone();
        connections.spawn(connection(stream, service, limits, closed, permit));
    }
    // New clients are refused at once from now on; the open connections finish their requests.
    drop(listener);
    let _ = closing.send(true);
    let drained = tokio::time::timeout(limits.grace, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        crate::say!(
            "gapmap: {} connections still open {} s after the stop: closed",
            connections.len(),
            limits.grace.as_secs()
        );
        connections.abort_all();
    }
    Ok(())
}

/// Serves one connection until it ends, or finishes its request under way once `closed` says so.
async fn connection(
    stream: tokio::net::TcpStream,
    service: hyper_util::service::TowerToHyperService<axum::Router>,
    limits: Limits,
    mut closed: tokio::sync::watch::Receiver<bool>,
    _permit: tokio::sync::OwnedSemaphorePermit,
) {
    let io = hyper_util::rt::TokioIo::new(stream);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut conn = std::pin::pin!(builder.serve_connection(io, service));
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = closed.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
