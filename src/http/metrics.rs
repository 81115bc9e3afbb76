//! Prometheus metrics: requests and their latency by route, method and status, GraphQL errors
//! by code, response cache hits and misses; rendered at `/metrics`.
//!
//! The `metrics` facade records into one process-wide recorder, installed on first use. Its
//! upkeep runs from the requests themselves (see [`UPKEEP_EVERY`]), not from a timer.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant};

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

pub const REQUESTS: &str = "mali_admin_http_requests_total";
pub const LATENCY: &str = "mali_admin_http_request_duration_seconds";
pub const ERRORS: &str = "mali_admin_graphql_errors_total";
pub const CACHE: &str = "mali_admin_response_cache_total";
pub const NOT_MODIFIED: &str = "mali_admin_http_not_modified_total";

/// Latency samples wait in the recorder until its upkeep folds them into the histograms'
/// buckets. Without upkeep they pile up for as long as nothing scrapes `/metrics`: measured,
/// 8.5 MB of resident memory for 450,000 cached answers, without end. Each thread keeps the
/// recorder every this many requests, so that what waits stays under about 32 KB a thread
/// (8-byte samples) whatever the traffic and however seldom `/metrics` is read.
pub const UPKEEP_EVERY: u32 = 4096;

/// Upkeeps the requests have run (for the test that proves they run).
static UPKEEPS: AtomicU64 = AtomicU64::new(0);

/// The process's recorder, installed on first call.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let builder = match builder.set_buckets_for_metric(
            Matcher::Full(LATENCY.to_owned()),
            &[
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                10.0,
            ],
        ) {
            Ok(builder) => builder,
            Err(error) => {
                tracing::warn!(%error, "latency buckets refused; using summaries");
                PrometheusBuilder::new()
            }
        };
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if let Err(error) = metrics::set_global_recorder(recorder) {
            tracing::warn!(%error, "another metrics recorder is installed; /metrics stays empty");
        }
        metrics::describe_counter!(REQUESTS, "HTTP requests by route, method and status");
        metrics::describe_histogram!(
            LATENCY,
            metrics::Unit::Seconds,
            "HTTP request latency by route and method"
        );
        metrics::describe_counter!(ERRORS, "GraphQL and HTTP errors by extensions.code");
        metrics::describe_counter!(CACHE, "Response cache lookups by result (hit, miss)");
        metrics::describe_counter!(NOT_MODIFIED, "Conditional GETs answered 304");
        handle
    })
}

/// Counts every request of a route and times it, and logs the answers 5xx: a layer over each route (`route_layer`),
/// where the router has matched the route's path. A layer rather than `from_fn`, which clones
/// and boxes the route and boxes its future on every request.
#[derive(Clone, Copy, Default)]
pub struct MetricsLayer;

impl<S> Layer<S> for MetricsLayer {
    type Service = MetricsService<S>;

    fn layer(&self, inner: S) -> MetricsService<S> {
        MetricsService { inner }
    }
}

#[derive(Clone)]
pub struct MetricsService<S> {
    inner: S,
}

impl<S, RequestBody> Service<Request<RequestBody>> for MetricsService<S>
where
    S: Service<Request<RequestBody>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = MetricsFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<RequestBody>) -> Self::Future {
        let started = Instant::now();
        let method = method_label(request.method());
        // A shared string: cloned, not copied.
        let route = request.extensions().get::<MatchedPath>().cloned();
        MetricsFuture {
            inner: self.inner.call(request),
            started,
            method,
            route,
        }
    }
}

pin_project! {
    pub struct MetricsFuture<F> {
        #[pin]
        inner: F,
        started: Instant,
        method: &'static str,
        route: Option<MatchedPath>,
    }
}

impl<F, E> Future for MetricsFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let answered = ready!(this.inner.poll(cx));
        if let Ok(response) = &answered {
            let route = this.route.as_ref().map_or("unmatched", MatchedPath::as_str);
            let status = response.status();
            let latency = this.started.elapsed();
            if status.is_server_error() {
                tracing::error!(
                    route,
                    method = *this.method,
                    status = status.as_u16(),
                    latency_us = latency.as_micros() as u64,
                    "response failed"
                );
            }
            record(route, this.method, status, latency);
        }
        Poll::Ready(answered)
    }
}

/// The request counter and latency histogram of one route, method and status.
struct Handles {
    method: &'static str,
    status: StatusCode,
    requests: Counter,
    latency: Histogram,
}

/// Counts a request and records its latency, through handles registered on the first request
/// of each route, method and status: registering on every request (the labels' strings, the
/// recorder's lookup of them) cost about 3,000 of a cached answer's 55,700 instructions.
fn record(route: &str, method: &'static str, status: StatusCode, latency: Duration) {
    static ROUTES: OnceLock<RwLock<HashMap<String, Vec<Handles>>>> = OnceLock::new();
    let routes = ROUTES.get_or_init(RwLock::default);
    let is_this = |handles: &&Handles| handles.method == method && handles.status == status;
    let count = |handles: &Handles| {
        handles.requests.increment(1);
        handles.latency.record(latency.as_secs_f64());
        keep_up();
    };
    let known = routes.read().unwrap_or_else(PoisonError::into_inner);
    if let Some(handles) = known.get(route).and_then(|all| all.iter().find(is_this)) {
        count(handles);
        return;
    }
    drop(known);
    let mut known = routes.write().unwrap_or_else(PoisonError::into_inner);
    let all = known.entry(route.to_owned()).or_default();
    // Another request may have registered them between the two locks.
    if let Some(handles) = all.iter().find(is_this) {
        count(handles);
        return;
    }
    let handles = Handles {
        method,
        status,
        requests: metrics::counter!(REQUESTS, "route" => route.to_owned(), "method" => method, "status" => status.as_u16().to_string()),
        latency: metrics::histogram!(LATENCY, "route" => route.to_owned(), "method" => method),
    };
    count(&handles);
    all.push(handles);
}

/// Runs the recorder's upkeep on every [`UPKEEP_EVERY`]th request of this thread.
fn keep_up() {
    thread_local! {
        static SINCE_UPKEEP: Cell<u32> = const { Cell::new(0) };
    }
    let due = SINCE_UPKEEP.with(|since| {
        let count = since.get() + 1;
        since.set(if count == UPKEEP_EVERY { 0 } else { count });
        count == UPKEEP_EVERY
    });
    if due {
        handle().run_upkeep();
        UPKEEPS.fetch_add(1, Ordering::Relaxed);
    }
}

/// The method's label: any method but the standard ones is `other`, so that a client cannot
/// grow the metrics without bound by sending made-up methods.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::OPTIONS => "OPTIONS",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

pub fn count_error(code: &str) {
    metrics::counter!(ERRORS, "code" => code.to_owned()).increment(1);
}

pub fn count_cache(hit: bool) {
    metrics::counter!(CACHE, "result" => if hit { "hit" } else { "miss" }).increment(1);
}

pub fn count_not_modified() {
    metrics::counter!(NOT_MODIFIED).increment(1);
}

/// The text exposition of every metric.
pub fn render() -> String {
    let handle = handle();
    handle.run_upkeep();
    handle.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorder_is_kept_by_the_requests_without_a_scrape() {
        handle();
        let before = UPKEEPS.load(Ordering::Relaxed);
        // On a thread of its own, whose count starts at zero.
        std::thread::spawn(|| {
            for _ in 0..2 * UPKEEP_EVERY {
                record(
                    "/upkeep-test",
                    "GET",
                    StatusCode::OK,
                    Duration::from_micros(40),
                );
            }
        })
        .join()
        .expect("the recording thread");
        assert!(UPKEEPS.load(Ordering::Relaxed) >= before + 2);
        let text = render();
        let line = text
            .lines()
            .find(|line| {
                line.starts_with(LATENCY)
                    && line.contains("/upkeep-test")
                    && line.contains("le=\"+Inf\"")
            })
            .expect("the test route's latency histogram");
        assert!(line.ends_with(&format!(" {}", 2 * UPKEEP_EVERY)), "{line}");
    }
}
