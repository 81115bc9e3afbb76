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
//! [`serve_per_core`] runs one such server per worker thread, each on its own runtime and
//! socket (the binary's default); [`serve_with`] alone serves on the caller's runtime.
//!
//! On shutdown the server drains: `/readyz` answers 503 at once, requests are served for
//! `drain` more (a load balancer that polls `/readyz` stops sending new ones), then the listener
//! closes and the requests under way finish.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::Poll;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Request, header};
use futures_util::future::{MaybeDone, maybe_done};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Service;

use super::App;

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
    router: App,
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

/// Serves `router` on `address` with `workers` threads, each with a single-threaded runtime and
/// a listening socket of its own on the same address (`SO_REUSEPORT`: the kernel spreads new
/// connections among them), until `shutdown` completes; then every worker drains as
/// [`serve_with`] does. A connection lives on one thread from accept to close, so no request
/// wakes another thread (tokio's work-stealing runtime, on two cores shared with the clients,
/// spent about a tenth of its time waking and parking its workers: BENCHMARKS.md).
///
/// `bound` is called with the address once every worker listens (port 0 takes one free port for
/// all of them); a port in use, or a worker that cannot start, is an error at once.
pub fn serve_per_core(
    address: SocketAddr,
    workers: usize,
    router: App,
    settings: ServeSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
    bound: impl FnOnce(SocketAddr),
) -> io::Result<()> {
    let workers = workers.max(1);
    // `SO_REUSEPORT` would let these sockets join those of another server of the same user on
    // the same port, and share its traffic without a word: a plain bind first refuses a port
    // in use (and picks the port for port 0).
    let address = {
        let probe = plain_socket(address)?;
        probe.bind(address)?;
        probe.local_addr()?
    };
    let sockets = (0..workers)
        .map(|_| {
            let socket = plain_socket(address)?;
            socket.set_reuseport(true)?;
            socket.bind(address)?;
            Ok(socket)
        })
        .collect::<io::Result<Vec<_>>>()?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let stop = Arc::new(stop);
    let (listening, ready) = std::sync::mpsc::channel::<io::Result<()>>();
    let per_worker = ServeSettings {
        max_connections: settings.max_connections.div_ceil(workers).max(1),
        ..settings
    };
    let threads: Vec<_> = sockets
        .into_iter()
        .enumerate()
        .map(|(index, socket)| {
            let router = router.clone();
            let settings = per_worker.clone();
            let mut stopped = stopped.clone();
            let listening = listening.clone();
            let stop = stop.clone();
            std::thread::Builder::new()
                .name(format!("worker-{index}"))
                .spawn(move || -> io::Result<()> {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    let served = runtime.block_on(async move {
                        let listener = match socket.listen(1024) {
                            Ok(listener) => listener,
                            Err(error) => {
                                let copy = io::Error::new(error.kind(), error.to_string());
                                let _ = listening.send(Err(copy));
                                return Err(error);
                            }
                        };
                        let _ = listening.send(Ok(()));
                        let shutdown = async move {
                            let _ = stopped.wait_for(|stop| *stop).await;
                        };
                        serve_with(listener, router, settings, shutdown).await
                    });
                    if served.is_err() {
                        // One worker failing stops the others: the server is whole or down.
                        let _ = stop.send(true);
                    }
                    served
                })
        })
        .collect::<io::Result<_>>()?;
    drop(listening);
    let started = (0..workers).try_for_each(|_| {
        ready
            .recv()
            .unwrap_or_else(|_| Err(io::Error::other("a worker did not start")))
    });
    if let Err(error) = started {
        let _ = stop.send(true);
        for thread in threads {
            let _ = thread.join();
        }
        return Err(error);
    }
    // A thread of its own waits for the shutdown signal, then tells the workers. The signal is
    // armed (its first poll installs the handlers) before the server says it listens: a SIGTERM
    // that comes at once must drain the server, not kill it as the default action would.
    let signalled = stop.clone();
    let (armed, arming) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("shutdown".to_owned())
        .spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                runtime.block_on(async move {
                    let shutdown = armed_signal(shutdown).await;
                    let _ = armed.send(());
                    shutdown.await;
                });
            }
            let _ = signalled.send(true);
        })?;
    // Sent once armed, or dropped if the thread could not make its runtime (the server stops).
    let _ = arming.recv();
    bound(address);
    let mut result = Ok(());
    for thread in threads {
        let ended = thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("a worker thread panicked")));
        if ended.is_err() {
            let _ = stop.send(true);
            result = ended;
        }
    }
    result
}

/// `shutdown` polled once: a signal's first poll installs its handlers, and a server must have
/// them before it says it listens (until then SIGTERM kills it, undrained).
pub async fn armed_signal<F: Future<Output = ()>>(shutdown: F) -> Pin<Box<MaybeDone<F>>> {
    let mut shutdown = Box::pin(maybe_done(shutdown));
    std::future::poll_fn(|cx| {
        // Once done, it stays done (and ready).
        let _ = shutdown.as_mut().poll(cx);
        Poll::Ready(())
    })
    .await;
    shutdown
}

/// A TCP socket for `address`'s family with `SO_REUSEADDR` (as `TcpListener::bind` sets it),
/// not yet bound.
fn plain_socket(address: SocketAddr) -> io::Result<tokio::net::TcpSocket> {
    let socket = if address.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    Ok(socket)
}
