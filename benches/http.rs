//! In-process cost of the HTTP layer: a POST to `/graphql` through the whole router (request
//! id, trace, CORS, compression, metrics, the handler, the response cache), without a socket,
//! as the load test sends it. Run with `cargo bench --bench http`; BENCHMARKS.md has the
//! figures beside the load test's.

use std::hint::black_box;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use mali_admin::dataset::{DataSource, load_dataset};
use mali_admin::graphql::{ApiSettings, build_api};
use mali_admin::http::App;
use mali_admin::http::{HttpSettings, router_with};
use mali_admin::model::AdminGraph;
use tower::ServiceExt;

/// The load test's queries (`loadtest/queries/`), with the alias `q`.
const QUERIES: &[(&str, &str)] = &[
    (
        "one_cercle",
        include_str!("../loadtest/queries/cercle2009.graphql"),
    ),
    (
        "full_tree_2009",
        include_str!("../loadtest/queries/tree2009.graphql"),
    ),
];

fn router(response_cache_bytes: usize) -> App {
    let dataset = load_dataset(&DataSource::Embedded).expect("the embedded data loads");
    let api = build_api(
        Arc::new(AdminGraph::build(dataset)),
        &ApiSettings::default(),
    );
    router_with(
        Arc::new(api),
        HttpSettings {
            response_cache_bytes,
            ..HttpSettings::default()
        },
    )
}

/// Sends `body` and returns the answer's bytes, which must be a 200.
async fn post(router: &App, body: &str) -> axum::body::Bytes {
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/graphql-response+json")
        .body(Body::from(body.to_owned()))
        .expect("a request");
    let response = router.clone().oneshot(request).await.expect("an answer");
    assert_eq!(response.status(), StatusCode::OK);
    response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes()
}

fn http(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut group = c.benchmark_group("http");
    // "cached": the response cache answers; "same": the cache off, the document and its plan
    // cached (the load test's `cached` and `cache-off` modes).
    for (mode, cache_bytes) in [("cached", 8 * 1024 * 1024), ("same", 0)] {
        let router = router(cache_bytes);
        for (name, query) in QUERIES {
            let body = serde_json::json!({ "query": query.replace("__ALIAS__", "q") }).to_string();
            // Twice, so the doorkeeper lets the answer into the cache; checked once.
            for _ in 0..2 {
                let answer = runtime.block_on(post(&router, &body));
                assert!(!answer.windows(9).any(|w| w == b"\"errors\":"), "{name}");
            }
            group.bench_function(format!("{mode}/{name}"), |b| {
                b.to_async(&runtime)
                    .iter(|| async { black_box(post(&router, &body).await) })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, http);
criterion_main!(benches);
