//! Prometheus metrics: requests and their latency by route, method and status, GraphQL errors
//! by code, response cache hits and misses; rendered at `/metrics`.
//!
//! The `metrics` facade records into one process-wide recorder, installed on first use.

use std::collections::HashMap;
use std::sync::{OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

pub const REQUESTS: &str = "mali_admin_http_requests_total";
pub const LATENCY: &str = "mali_admin_http_request_duration_seconds";
pub const ERRORS: &str = "mali_admin_graphql_errors_total";
pub const CACHE: &str = "mali_admin_response_cache_total";
pub const NOT_MODIFIED: &str = "mali_admin_http_not_modified_total";

/// The process's recorder, installed on first call.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new();
            let builder = match builder.set_buckets_for_metric(
                Matcher::Full(LATENCY.to_owned()),
                &[
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                    5.0, 10.0,
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
        .clone()
}

/// Middleware: counts every request and times it.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    // A shared string: cloned, not copied.
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    record(route, method, response.status(), started.elapsed());
    response
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
