//! The access log: one line per request (method, path and query, status, body bytes, latency,
//! request id), written straight into the log's non-blocking writer.
//!
//! It was a `tracing` span and event per request (tower-http's `TraceLayer`), which cost about
//! a quarter of the cached answer rate: a span in the subscriber's registry, the `EnvFilter`
//! walk, the formatter's field visitors and its timestamp. This formats the line once into a
//! buffer and hands it to the writer's thread. It is on when `RUST_LOG` enables `info` for the
//! `access` target (the default), in the format of the other lines (`--log-format`).
//!
//! Lines are handed over in batches: one hand-over per line woke the writer's thread and made
//! one write to stderr per request, which cost up to a third of the cached rate with stderr to
//! a file (BENCHMARKS.md). A batch goes when it holds [`BATCH_BYTES`], or [`BATCH_DELAY`] after
//! its first line, so that no line waits longer when traffic stops; what is left goes when
//! the log is dropped.

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::HttpBody;
use axum::http::{HeaderValue, Method, Request, Uri};
use axum::response::Response;
use chrono::{SecondsFormat, Utc};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

/// A batch is handed over once it holds this many bytes (about a hundred lines)...
const BATCH_BYTES: usize = 16 * 1024;
/// ...or this long after its first line.
const BATCH_DELAY: Duration = Duration::from_millis(10);

/// Where access lines go, and how they are written.
#[derive(Clone)]
pub struct AccessLog {
    batch: Arc<Batch>,
    json: bool,
}

/// The lines not yet handed to the writer's thread.
struct Batch {
    lines: Mutex<Vec<u8>>,
    writer: tracing_appender::non_blocking::NonBlocking,
}

impl Batch {
    /// Adds `line`; hands the batch over if it is full. Whether the batch was empty before (its
    /// first line starts the delay).
    fn push(&self, line: &[u8]) -> bool {
        let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        let first = lines.is_empty();
        lines.extend_from_slice(line);
        if lines.len() >= BATCH_BYTES {
            self.hand_over(&mut lines);
        }
        first
    }

    fn flush(&self) {
        let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        self.hand_over(&mut lines);
    }

    /// Under the lock, so that batches reach the writer in the order they were filled. The
    /// writer's thread writes them; a full queue makes this wait rather than drop lines.
    fn hand_over(&self, lines: &mut Vec<u8>) {
        if !lines.is_empty() {
            let _ = self.writer.clone().write_all(lines);
            lines.clear();
        }
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        self.flush();
    }
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
        AccessLog {
            batch: Arc::new(Batch {
                lines: Mutex::new(Vec::with_capacity(BATCH_BYTES + 512)),
                writer,
            }),
            json,
        }
    }

    /// Adds `line` to the batch, and sees that the batch goes within [`BATCH_DELAY`].
    fn write(&self, line: &[u8]) {
        if self.batch.push(line) {
            let batch = Arc::downgrade(&self.batch);
            tokio::spawn(async move {
                tokio::time::sleep(BATCH_DELAY).await;
                if let Some(batch) = batch.upgrade() {
                    batch.flush();
                }
            });
        }
    }

    /// Whether the log's filter lets access lines through (`RUST_LOG`, fixed at start-up).
    pub(crate) fn enabled() -> bool {
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

/// The layer around the routes: times each request and writes its line once the answer's
/// head is ready. A layer of its own rather than axum's `from_fn`, which clones the inner
/// service and boxes two futures on every request; with the request's target and id shared
/// rather than copied, a logged cached answer went from 55,306 to 50,903 instructions
/// (BENCHMARKS.md, "Issue 17, sixth session").
#[derive(Clone)]
pub(crate) struct AccessLogLayer(Arc<AccessLog>);

impl AccessLogLayer {
    pub(crate) fn new(log: AccessLog) -> AccessLogLayer {
        AccessLogLayer(Arc::new(log))
    }
}

impl<S> Layer<S> for AccessLogLayer {
    type Service = AccessLogService<S>;

    fn layer(&self, inner: S) -> AccessLogService<S> {
        AccessLogService {
            inner,
            log: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct AccessLogService<S> {
    inner: S,
    log: Arc<AccessLog>,
}

/// What the line needs of the request, taken before the request goes on (shared, not copied).
struct Started {
    at: Instant,
    method: Method,
    uri: Uri,
    id: Option<HeaderValue>,
}

impl<S, RequestBody> Service<Request<RequestBody>> for AccessLogService<S>
where
    S: Service<Request<RequestBody>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = AccessLogFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<RequestBody>) -> Self::Future {
        let started = Some(Started {
            at: Instant::now(),
            method: request.method().clone(),
            uri: request.uri().clone(),
            id: request.headers().get("x-request-id").cloned(),
        });
        AccessLogFuture {
            inner: self.inner.call(request),
            log: self.log.clone(),
            started,
        }
    }
}

pin_project! {
    pub(crate) struct AccessLogFuture<F> {
        #[pin]
        inner: F,
        log: Arc<AccessLog>,
        started: Option<Started>,
    }
}

impl<F, E> Future for AccessLogFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let response = std::task::ready!(this.inner.poll(cx))?;
        if let Some(started) = this.started.take() {
            let target = started
                .uri
                .path_and_query()
                .map_or_else(|| started.uri.path(), |pq| pq.as_str());
            let line = this.log.line(&Entry {
                method: started.method.as_str(),
                target,
                status: response.status().as_u16(),
                bytes: response.body().size_hint().exact(),
                micros: u64::try_from(started.at.elapsed().as_micros()).unwrap_or(u64::MAX),
                id: started
                    .id
                    .as_ref()
                    .and_then(|id| id.to_str().ok())
                    .unwrap_or(""),
            });
            this.log.write(&line);
        }
        Poll::Ready(Ok(response))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the writer's thread wrote, shared with the test.
    #[derive(Clone, Default)]
    struct Written(Arc<Mutex<Vec<u8>>>);

    impl Write for Written {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn pending(log: &AccessLog) -> usize {
        log.batch
            .lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    #[test]
    fn a_batch_goes_when_full_and_the_rest_when_the_log_is_dropped() {
        let written = Written::default();
        let (writer, guard) = tracing_appender::non_blocking(written.clone());
        let log = AccessLog::new(writer, false);
        let line = [b'x'; 99].iter().chain(b"\n").copied().collect::<Vec<u8>>();
        assert!(log.batch.push(&line), "the first line starts the delay");
        assert!(!log.batch.push(&line));
        assert_eq!(pending(&log), 200);
        let full = BATCH_BYTES.div_ceil(line.len());
        for _ in 2..full {
            log.batch.push(&line);
        }
        assert_eq!(
            pending(&log),
            0,
            "handed over once it held {BATCH_BYTES} bytes"
        );
        log.batch.push(b"last\n");
        assert_eq!(pending(&log), 5);
        // No runtime, so no timer: only dropping the log can hand the last line over.
        drop(log);
        drop(guard);
        let written = written.0.lock().unwrap_or_else(PoisonError::into_inner);
        assert_eq!(written.len(), full * line.len() + 5);
        assert!(written.ends_with(b"x\nlast\n"));
    }
}
