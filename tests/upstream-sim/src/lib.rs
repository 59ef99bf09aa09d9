//! The upstream simulator: one HTTP server that speaks the QTickets Partners API
//! (under `/qtickets`) and the TicketsCloud distributor API (under
//! `/ticketscloud`) closely enough that the edge proxy can be pointed at it by
//! configuration alone — reads and writes: seats and tickets are held, paid
//! and released, and holds expire — plus an admin surface under `/_sim` that
//! tests use to reset data, move the simulated clock, inject faults, sell
//! seats behind the proxy's back and read the log of upstream calls.
//!
//! Everything is in memory, seeded deterministically (see [`demo_data`]), and
//! guarded by one mutex ([`state::SharedSimState`]): the simulator is a test
//! tool, so simplicity beats throughput. Time comes from one
//! [`clock::SimClock`]; expiry happens lazily whenever the state is locked.

pub mod admin;
pub mod barcodes;
pub mod calendar;
pub mod clock;
pub mod config;
pub mod demo_data;
pub mod faults;
pub mod gate;
pub mod money;
pub mod prng;
pub mod processing_times;
pub mod qtickets;
pub mod state;
pub mod ticketscloud;

use std::io::Write;
use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use config::SimConfig;
pub use state::{SharedSimState, SimState};

/// Builds the whole simulator router around an existing shared state.
///
/// Tests keep a clone of `state` to look inside; the binary builds it from
/// [`SimConfig`].
pub fn app(state: SharedSimState) -> Router {
    Router::new()
        .nest("/qtickets", qtickets::router(state.clone()))
        .nest("/ticketscloud", ticketscloud::router(state.clone()))
        .nest("/_sim", admin::router(state))
}

/// Binds the configured address, prints the single readiness line scripts wait
/// for (`upstream-sim listening on http://ADDR`), and serves until Ctrl-C or
/// SIGTERM.
pub async fn serve(config: SimConfig) -> std::io::Result<()> {
    let listener = TcpListener::bind(config.listen_address).await?;
    let bound_address = listener.local_addr()?;
    let state = SimState::seeded_with_listing(config.upstream_keys(), config.ticketscloud_listing).into_shared();

    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "upstream-sim listening on http://{bound_address}")?;
    stdout.flush()?;
    drop(stdout);

    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown_signal()).await
}

/// Starts the simulator on a background task, for in-process integration
/// tests. Pass port 0 in `config.listen_address` to get a free port; the real
/// address is returned together with the state (for peeking) and the task.
pub async fn spawn(config: SimConfig) -> std::io::Result<(SocketAddr, SharedSimState, JoinHandle<()>)> {
    let listener = TcpListener::bind(config.listen_address).await?;
    let bound_address = listener.local_addr()?;
    let state = SimState::seeded_with_listing(config.upstream_keys(), config.ticketscloud_listing).into_shared();
    let router = app(state.clone());
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            eprintln!("upstream-sim stopped: {error}");
        }
    });
    Ok((bound_address, state, task))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
