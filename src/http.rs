//! The HTTP server: GraphQL at `/graphql` (`GET` and `POST`, see `graphql.rs`),
//! GraphiQL at `/` (with its assets, see `graphiql.rs`), `/healthz` (alive),
//! `/readyz` (data loaded), `/metrics` (Prometheus), `/export/…` (GeoJSON and CSV downloads,
//! see `export.rs`), the map page at `/map` (see `map.rs`); with request ids, structured request logs,
//! CORS and compression (see `compression.rs`) around them all.

mod access_log;
mod cache;
mod compression;
mod cors;
mod error;
mod export;
mod graphiql;
mod graphql;
mod map;
mod metrics;
mod rate;
mod server;

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::map_response_body::MapResponseBodyLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use access_log::AccessLog;
pub use cors::Cors;
pub use error::HttpError;
pub use graphiql::ASSET_PATH as GRAPHIQL_ASSET_PATH;
pub use graphql::{Media, TIMEOUT, negotiate};
pub use rate::{RateKey, RateSettings};
pub use server::{Connection, ServeSettings, armed_signal, serve_per_core, serve_with};

use crate::graphql::Api;

/// The GraphQL endpoint's path.
pub const GRAPHQL_PATH: &str = "/graphql";

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Serve GraphiQL at `/`.
    pub graphiql: bool,
    /// Largest request body, in bytes (`REQUEST_TOO_LARGE` above it).
    pub max_body_bytes: usize,
    /// Accept batches (a JSON array of requests in one POST), whose operations share one
    /// budget; off: `BATCHING_DISABLED`.
    pub batching: bool,
    /// Most operations in one batch (`BATCH_TOO_LARGE` above it).
    pub max_batch: usize,
    /// Longest execution of one operation (`TIMEOUT` past it); `None`: no limit.
    pub timeout: Option<Duration>,
    /// Longest wait for a POST body (`REQUEST_TIMEOUT` past it); `None`: no limit.
    pub body_timeout: Option<Duration>,
    /// Bytes of answers kept by the in-process response cache (0: off).
    pub response_cache_bytes: usize,
    /// `max-age` of cacheable GET answers, in seconds.
    pub cache_max_age: u64,
    /// Origins CORS admits.
    pub cors: Cors,
    /// Where a line per request goes (`None`: no access log). Left out, too, when the log's
    /// filter (`RUST_LOG`, fixed for the process) turns access lines off as the router is built.
    pub access_log: Option<AccessLog>,
    /// A budget over time per client (`RATE_LIMITED` past it); `None`: off.
    pub rate_limit: Option<RateSettings>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            graphiql: true,
            max_body_bytes: 128 * 1024,
            batching: false,
            max_batch: 10,
            timeout: Some(Duration::from_secs(10)),
            body_timeout: Some(Duration::from_secs(10)),
            response_cache_bytes: 8 * 1024 * 1024,
            cache_max_age: 3_600,
            cors: Cors::Any,
            access_log: None,
            rate_limit: None,
        }
    }
}

/// What the handlers share.
pub(crate) struct AppState {
    api: Arc<Api>,
    settings: HttpSettings,
    cache: cache::ResponseCache,
    exports: export::Exports,
    rate: Option<rate::RateLimiter>,
}

impl AppState {
    fn new(api: Arc<Api>, settings: HttpSettings) -> AppState {
        AppState {
            api,
            cache: cache::ResponseCache::new(settings.response_cache_bytes),
            exports: export::Exports::new(),
            rate: settings.rate_limit.clone().map(rate::RateLimiter::new),
            settings,
        }
    }
}

/// The application: its routes inside the layers every answer goes through, as one service
/// that hyper (or a test) calls, cloned for each request.
pub type App = tower::util::BoxCloneSyncService<Request<Body>, Response, std::convert::Infallible>;

/// The application's routes over `api`, with the default settings.
pub fn router(api: Arc<Api>) -> App {
    router_with(api, HttpSettings::default())
}

/// The application's routes over `api`.
pub fn router_with(api: Arc<Api>, settings: HttpSettings) -> App {
    // Install the recorder before the first request is counted.
    metrics::handle();
    let state = Arc::new(AppState::new(api, settings));
    let mut routes = axum::Router::new()
        .route(GRAPHQL_PATH, get(graphql::get).post(graphql::post))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route(
            &format!("{}/{{file}}", export::EXPORT_PATH),
            get(export::export),
        )
        .route(map::MAP_PATH, get(map::page))
        .route(&format!("{}/{{file}}", map::MAP_PATH), get(map::asset));
    if state.settings.graphiql {
        routes = routes.route("/", get(graphiql::page)).route(
            &format!("{}/{{name}}", graphiql::ASSET_PATH),
            get(graphiql::asset),
        );
    }
    let request_id = HeaderName::from_static("x-request-id");
    let routes = routes
        .route_layer(metrics::MetricsLayer)
        .with_state(state.clone());
    // The layers every answer goes through, as one stack around the routes. `Router::layer`
    // would wrap each route in each layer, boxed, and clone and box the whole nest again for
    // every request; here one box is cloned per request (measured in BENCHMARKS.md, "The HTTP
    // layer").
    let middleware = ServiceBuilder::new()
        // Catching panics boxes the body of every answer in a type of its own.
        .layer(MapResponseBodyLayer::new(Body::new))
        .layer(CatchPanicLayer::custom(|_| {
            // Never reached by design; if a handler panics the client still gets an answer.
            error::internal_error()
        }))
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(PropagateRequestIdLayer::new(request_id))
        // A span per request, and a line per answer, for debugging: left out unless the log's
        // filter (fixed for the process) lets them through, as they cost 1,200 of a cached
        // answer's 38,000 instructions doing nothing. Answers 5xx are logged by the metrics
        // layer, whatever the filter.
        .option_layer(debugging_requests().then(|| {
            let trace = TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or("");
                    // At debug level: the access log writes the line per request, and a span
                    // per request at the default level cost a quarter of a cached answer.
                    tracing::debug_span!(
                        "request",
                        id,
                        method = %request.method(),
                        uri = %request.uri(),
                    )
                })
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::DEBUG)
                        .latency_unit(LatencyUnit::Micros),
                )
                .on_failure(());
            // Its body boxed, so that the stack's answers have one type with or without it.
            ServiceBuilder::new()
                .layer(MapResponseBodyLayer::new(Body::new))
                .layer(trace)
                .into_inner()
        }))
        .layer(cors::CorsLayer::new(&state.settings.cors))
        .layer(compression::CompressionLayer)
        // The access log's line per request: inside the request id's layers, which set the
        // id, and inside compression, so that it counts the answer's own bytes.
        .option_layer(
            state
                .settings
                .access_log
                .clone()
                .filter(|_| AccessLog::enabled())
                .map(access_log::AccessLogLayer::new),
        );
    // Served as it is, not as a router's fallback: a router around it would route every
    // request again (about 1,500 instructions of a cached answer).
    App::new(middleware.service(routes))
}

/// Whether the log's filter lets through the request spans or the answers' debug lines.
fn debugging_requests() -> bool {
    tracing::enabled!(Level::DEBUG)
        || tracing::enabled!(target: "tower_http::trace::on_response", Level::DEBUG)
}

/// Alive: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Ready: the data is loaded (it is before the server listens; this says what it holds) and
/// the server is not shutting down (503 from the moment it begins to drain).
async fn readyz(
    State(state): State<Arc<AppState>>,
    connection: Option<axum::Extension<Connection>>,
) -> Response {
    let units = state.api.unit_count();
    let draining = connection.is_some_and(|connection| connection.is_draining());
    let ready = units > 0 && !draining;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "ready": ready,
        "draining": draining,
        "units": units,
        "dataVersion": state.api.data_version(),
    });
    (status, axum::Json(body)).into_response()
}

async fn metrics_text() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        metrics::render(),
    )
        .into_response()
}

/// Serves `router` on an already-bound `listener` with the default [`ServeSettings`] until
/// `shutdown` completes, then lets the requests under way finish.
pub async fn serve(
    listener: TcpListener,
    router: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    serve_with(listener, router, ServeSettings::default(), shutdown).await
}

/// Completes on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
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
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Status, headers (sorted, `name: first | second`) and body of an answer: what the tests of
/// a layer compare with the answer of the tower-http layer it replaces.
#[cfg(test)]
async fn answer_parts(response: Response) -> (StatusCode, Vec<String>, Vec<u8>) {
    use http_body_util::BodyExt;
    let status = response.status();
    let headers = response.headers();
    let mut lines: Vec<String> = headers
        .keys()
        .map(|name| {
            let values: Vec<&str> = headers
                .get_all(name)
                .iter()
                .map(|value| value.to_str().unwrap_or("(not text)"))
                .collect();
            format!("{name}: {}", values.join(" | "))
        })
        .collect();
    lines.sort();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes()
        .to_vec();
    (status, lines, body)
}
