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
pub use state::{AppState, Limits};

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
        cache_bytes: args.cache_mb << 20,
        ..Limits::default()
    };
    let state = Arc::new(AppState::new(prepared, limits, progress)?);
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
/// (the tests and the load benchmark run a server this way, on a loopback port).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    stop: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(stop)
        .await
        .context("serving")
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
