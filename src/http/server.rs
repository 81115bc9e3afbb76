//! Serving the router on a socket, with the limits that keep slow or idle clients from holding
//! the server: `axum::serve` installs no timer, so hyper applies no header-read timeout and a
//! client that never finishes its headers holds its connection for ever. Here each connection is
//! hyper's HTTP/1.1 with tokio's timer:
//! - its request headers must arrive within `header_timeout` of the connection's opening or of
//!   the previous answer (so an idle keep-alive connection is closed after as long);
//! - a body is read within the POST handler's `body_timeout` (`graphql.rs`);
//! - at most `max_connections` are open at once: past that, new ones wait in the listen queue;
//! - a connection serves at most `keep_alive_requests` requests, the last answered with
//!   `Connection: close`.
//!
//! On shutdown the server drains: `/readyz` answers 503 at once, requests are served for
//! `drain` more (a load balancer that polls `/readyz` stops sending new ones), then the listener
//! closes and the requests under way finish.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Service;

/// Settings of the socket server.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// Longest wait for a request's headers (and for the next request on an idle connection).
    pub header_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Most requests on one connection.
    pub keep_alive_requests: usize,
    /// How long requests are still served after shutdown begins, `/readyz` answering 503.
    pub drain: Duration,
}

impl Default for ServeSettings {
    fn default() -> Self {
        ServeSettings {
            header_timeout: Duration::from_secs(10),
            max_connections: 4_096,
            keep_alive_requests: 1_000,
            drain: Duration::ZERO,
        }
    }
}

/// What a request knows of the connection it came on: the client's address (for the rate
/// limit) and whether the server is draining (for `/readyz`). Requests that do not come
/// through [`serve_with`] (tests in process) have none.
#[derive(Debug, Clone)]
pub struct Connection {
    pub peer: SocketAddr,
    pub draining: Arc<AtomicBool>,
}

impl Connection {
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }
}

/// Serves `router` on `listener` with the limits of `settings` until `shutdown` completes, then
/// drains (see the module's doc) and lets the requests under way finish.
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    settings: ServeSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let draining = Arc::new(AtomicBool::new(false));
    let slots = Arc::new(Semaphore::new(settings.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let drain = settings.drain;
    let flag = draining.clone();
    let mut stop = pin!(async move {
        shutdown.await;
        flag.store(true, Ordering::Relaxed);
        tracing::info!(drain_ms = drain.as_millis() as u64, "draining");
        tokio::time::sleep(drain).await;
    });
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a little rather than spin, and go on.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = Connection {
            peer,
            draining: draining.clone(),
        };
        let served = Arc::new(AtomicUsize::new(0));
        let limit = settings.keep_alive_requests.max(1);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(connection.clone());
            let count = served.fetch_add(1, Ordering::Relaxed) + 1;
            let mut router = router.clone();
            async move {
                let mut response = match router.call(request.map(Body::new)).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                if count >= limit {
                    response
                        .headers_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                }
                Ok::<_, Infallible>(response)
            }
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(settings.header_timeout)
            .keep_alive(true);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A connection that fails (reset, timed out, bad HTTP) only ends itself.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
