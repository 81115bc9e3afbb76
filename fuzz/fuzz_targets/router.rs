//! The whole router (every route, every layer) over arbitrary methods, paths, headers and
//! bodies: never a panic, never a 5xx other than the execution `TIMEOUT` (503), never a hang.
//! The execution limit is set to 1 s here (10 s by default): a request must end within it, so
//! libFuzzer's timeout (`.ci/fuzz.sh`: 10 s) catches work the limit cannot stop, not a slow
//! machine.
//!
//! The input is read as: one byte for the method, one for the path, then header lines
//! (`name: value`) up to an empty line, then the body. Paths come from the routes, with the
//! rest of the first line as a query string.
#![no_main]

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request};
use libfuzzer_sys::fuzz_target;
use mali_admin::dataset::{DataSource, load_dataset};
use mali_admin::graphql::{ApiSettings, Policy, build_api_with};
use mali_admin::http::{App, HttpSettings, router_with};
use mali_admin::model::AdminGraph;
use tower::ServiceExt;

const METHODS: [&str; 8] = [
    "GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "BREW",
];
const PATHS: [&str; 7] = [
    "/graphql",
    "/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/graphiql/x",
    "/nope",
];

fn router() -> &'static (App, tokio::runtime::Runtime) {
    static ROUTER: OnceLock<(App, tokio::runtime::Runtime)> = OnceLock::new();
    ROUTER.get_or_init(|| {
        let dataset = load_dataset(&DataSource::Embedded).expect("the embedded data loads");
        let graph = Arc::new(AdminGraph::build(dataset));
        let api = build_api_with(graph, &ApiSettings::default(), &Policy::default());
        let settings = HttpSettings {
            batching: true,
            timeout: Some(Duration::from_secs(1)),
            ..HttpSettings::default()
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime");
        (router_with(Arc::new(api), settings), runtime)
    })
}

fuzz_target!(|data: &[u8]| {
    let (Some(&method), Some(&path)) = (data.first(), data.get(1)) else {
        return;
    };
    let rest = &data[2..];
    let (head, body) = match rest.windows(2).position(|pair| pair == b"\n\n") {
        Some(at) => (&rest[..at], &rest[at + 2..]),
        None => (rest, &[][..]),
    };
    let mut lines = head.split(|&byte| byte == b'\n');
    let query = lines.next().unwrap_or_default();
    let mut uri = PATHS[usize::from(path) % PATHS.len()].to_owned();
    if !query.is_empty() {
        uri.push('?');
        uri.push_str(&String::from_utf8_lossy(query));
    }
    let method = Method::from_bytes(METHODS[usize::from(method) % METHODS.len()].as_bytes())
        .expect("a method");
    let Ok(mut request) = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::from(body.to_vec()))
    else {
        // Not a URI http accepts: hyper would have refused it before the router.
        return;
    };
    for line in lines {
        let Some(colon) = line.iter().position(|&byte| byte == b':') else {
            continue;
        };
        let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(&line[..colon]),
            axum::http::HeaderValue::from_bytes(line[colon + 1..].trim_ascii()),
        ) else {
            continue;
        };
        request.headers_mut().append(name, value);
    }
    let (router, runtime) = router();
    let response = runtime
        .block_on(router.clone().oneshot(request))
        .expect("the router is infallible");
    let status = response.status();
    assert!(
        !status.is_server_error() || status.as_u16() == 503,
        "{status} for the input"
    );
    // The body must be readable to its end.
    let _ = runtime.block_on(http_body_util::BodyExt::collect(response.into_body()));
});
