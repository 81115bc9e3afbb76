//! The access log: one line per request (method, path and query, status, body bytes, latency,
//! request id), written straight into the log's non-blocking writer.
//!
//! It was a `tracing` span and event per request (tower-http's `TraceLayer`), which cost about
//! a quarter of the cached answer rate: a span in the subscriber's registry, the `EnvFilter`
//! walk, the formatter's field visitors and its timestamp. This formats the line once into a
//! buffer and hands it to the writer's thread. It is on when `RUST_LOG` enables `info` for the
//! `access` target (the default), in the format of the other lines (`--log-format`).

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{SecondsFormat, Utc};

/// Where access lines go, and how they are written.
#[derive(Clone)]
pub struct AccessLog {
    writer: tracing_appender::non_blocking::NonBlocking,
    json: bool,
}

impl std::fmt::Debug for AccessLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessLog")
            .field("json", &self.json)
            .finish_non_exhaustive()
    }
}

impl AccessLog {
    /// Lines go to `writer` (the non-blocking writer of the other log lines), as JSON objects
    /// when `json`.
    pub fn new(writer: tracing_appender::non_blocking::NonBlocking, json: bool) -> AccessLog {
        AccessLog { writer, json }
    }

    fn enabled() -> bool {
        tracing::enabled!(target: "access", tracing::Level::INFO)
    }

    fn line(&self, entry: &Entry<'_>) -> Vec<u8> {
        let mut line = Vec::with_capacity(160 + entry.target.len());
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
        // Writing into a Vec cannot fail.
        let _ = if self.json {
            serde_json::to_writer(
                &mut line,
                &serde_json::json!({
                    "timestamp": now,
                    "level": "INFO",
                    "target": "access",
                    "method": entry.method,
                    "uri": entry.target,
                    "status": entry.status,
                    "bytes": entry.bytes,
                    "micros": entry.micros,
                    "id": entry.id,
                }),
            )
            .map_err(std::io::Error::other)
        } else {
            write!(
                line,
                "{now}  INFO access: {} {} {} {}",
                entry.method, entry.target, entry.status, entry.micros
            )
            .and_then(|()| match entry.bytes {
                Some(bytes) => write!(line, " µs {bytes} B id={}", entry.id),
                None => write!(line, " µs id={}", entry.id),
            })
        };
        line.push(b'\n');
        line
    }
}

struct Entry<'a> {
    method: &'a str,
    target: &'a str,
    status: u16,
    bytes: Option<u64>,
    micros: u64,
    id: &'a str,
}

/// The middleware: times the request and writes its line once the answer's head is ready.
pub(crate) async fn record(
    State(log): State<Arc<AccessLog>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    if !AccessLog::enabled() {
        return next.run(request).await;
    }
    let started = Instant::now();
    let method = request.method().clone();
    let target = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |pq| pq.as_str().to_owned(),
    );
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let response = next.run(request).await;
    let line = log.line(&Entry {
        method: method.as_str(),
        target: &target,
        status: response.status().as_u16(),
        bytes: response.body().size_hint().exact(),
        micros: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        id: &id,
    });
    // The writer's thread writes it; a full buffer makes this wait rather than drop it.
    let _ = log.writer.clone().write_all(&line);
    response
}
