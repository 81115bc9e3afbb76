//! Prometheus metrics: requests and their latency by route, method and status, GraphQL errors
//! by code, response cache hits and misses; rendered at `/metrics`.
//!
//! The `metrics` facade records into one process-wide recorder, installed on first use.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
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
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "route" => route.clone(), "method" => method.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(LATENCY, "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    response
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
