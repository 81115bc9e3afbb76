//! The HTTP server: routes in process with `oneshot`, and the real server on a socket.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use mali_admin::http::{router, serve};
use serde_json::{Value, json};
use tower::ServiceExt;

async fn send(request: Request<Body>) -> (StatusCode, String) {
    let response = router(Arc::new(common::api()))
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

fn post(body: &str) -> Request<Body> {
    Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn fields_come_in_the_order_the_query_asks_for_them() {
    let (status, body) = send(post(
        r#"{"query": "{ cercle(code: \"1903\", asOf: \"2009-04-01\") { region { name } name code population(year: 2009) } }"}"#,
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        r#"{"data":{"cercle":{"region":{"name":"Mopti"},"name":"Bankass","code":"1903","population":264776}},"extensions":{"cost":{"requestedQueryCost":6,"actualQueryCost":6}}}"#
    );
}

#[tokio::test]
async fn post_graphql_answers_a_query() {
    let (status, body) = send(post(
        r#"{"query": "{ cercle(code: \"1903\") { name region { name } } }"}"#,
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body,
        json!({
            "data": {"cercle": {"name": "Bankass", "region": {"name": "Bandiagara"}}},
            "extensions": {"cost": {"requestedQueryCost": 4, "actualQueryCost": 4}},
        })
    );
}

#[tokio::test]
async fn get_graphql_answers_a_query_in_the_url() {
    let uri = "/graphql?query=%7B%20regions(asOf%3A%20%222010-01-01%22)%20%7B%20name%20%7D%20%7D";
    let (status, body) = send(Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["data"]["regions"].as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn graphiql_is_served_at_the_root_and_points_at_the_endpoint() {
    let (status, body) = send(Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("graphiql"), "{body}");
    assert!(body.contains("/graphql"));
}

#[tokio::test]
async fn healthz_says_ok() {
    let (status, body) = send(Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn malformed_json_is_a_client_error_not_a_crash() {
    let (status, _) = send(post(r#"{"query": "{ regions { name } }""#)).await;
    assert!(status.is_client_error(), "{status}");
    let (status, body) = send(post(r#"{"query": "{ regions { name } }"}"#)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_real_server_answers_over_a_socket_and_stops_on_shutdown() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, router(Arc::new(common::api())), async {
        stopped.await.ok();
    }));

    let client = reqwest::Client::new();
    let url = format!("http://{address}/graphql");
    let body: Value = common::http::post_over_socket(&client, &url, r#"{ commune(name: "Diédougou", cercle: "Kati") { name cercle { name } population(year: 2009) } }"#).await;
    assert_eq!(
        body,
        json!({
            "data": {"commune": {"name": "Diédougou", "cercle": {"name": "Kati"}, "population": 10512}},
            "extensions": {"cost": {"requestedQueryCost": 5, "actualQueryCost": 5}},
        })
    );
    let body: Value =
        common::http::post_over_socket(&client, &url, r#"{ commune(name: "Diédougou") { name } }"#)
            .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "AMBIGUOUS");
    let health = client
        .get(format!("http://{address}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[test]
fn the_per_core_server_answers_on_every_worker_and_stops_on_shutdown() {
    use std::sync::mpsc;
    let (bound, address) = mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        mali_admin::http::serve_per_core(
            "127.0.0.1:0".parse().unwrap(),
            2,
            router(Arc::new(common::api())),
            mali_admin::http::ServeSettings::default(),
            async {
                stopped.await.ok();
            },
            move |address| bound.send(address).unwrap(),
        )
    });
    let address = address.recv().unwrap();
    // A second server on the same port is refused, not let in to share the traffic.
    let second = mali_admin::http::serve_per_core(
        address,
        2,
        router(Arc::new(common::api())),
        mali_admin::http::ServeSettings::default(),
        async {},
        |_| panic!("the second server must not start"),
    );
    assert_eq!(
        second.map_err(|error| error.kind()),
        Err(std::io::ErrorKind::AddrInUse)
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        // Connections of their own (no pool), so the kernel spreads them over both sockets.
        for _ in 0..8 {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap();
            let body: Value = common::http::post_over_socket(
                &client,
                &format!("http://{address}/graphql"),
                r#"{ cercle(code: "1903") { name } }"#,
            )
            .await;
            assert_eq!(body["data"], json!({"cercle": {"name": "Bankass"}}));
        }
    });
    stop.send(()).unwrap();
    server.join().unwrap().unwrap();
    // Both sockets are closed: the port is free again.
    assert!(std::net::TcpListener::bind(address).is_ok());
}

// ---------------------------------------------------------------------------------------------
// GraphQL over HTTP: media types and statuses

use common::http::{GRAPHQL_RESPONSE, Reply, app, app_with, get, post_query};
use mali_admin::graphql::Policy;
use mali_admin::http::{Cors, HttpSettings};

async fn send_to(app: &mali_admin::http::App, request: Request<Body>) -> Reply {
    common::http::send(app, request).await
}

#[tokio::test]
async fn accept_chooses_the_response_media_type() {
    let app = app();
    let reply = send_to(&app, post_query("{ __typename }", GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("content-type"),
        Some("application/graphql-response+json; charset=utf-8")
    );
    for accept in ["application/json", "*/*", ""] {
        let reply = send_to(&app, post_query("{ __typename }", accept)).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(
            reply.header("content-type"),
            Some("application/json; charset=utf-8"),
            "Accept: {accept}"
        );
    }
    let reply = send_to(&app, post_query("{ __typename }", "text/html")).await;
    assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(reply.code(), "NOT_ACCEPTABLE");
}

#[tokio::test]
async fn request_errors_are_400_without_data_in_graphql_response_json_and_200_in_json() {
    let app = app();
    for (query, code) in [
        ("{", "GRAPHQL_PARSE_FAILED"),
        ("{ nosuchfield }", "GRAPHQL_VALIDATION_FAILED"),
    ] {
        let reply = send_to(&app, post_query(query, GRAPHQL_RESPONSE)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(reply.json().get("data").is_none());
        assert_eq!(reply.code(), code);
        let reply = send_to(&app, post_query(query, "application/json")).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}");
        assert_eq!(reply.code(), code);
    }
    // An execution error is not a request error: 200 with data in both types.
    let reply = send_to(
        &app,
        post_query(
            r#"{ commune(name: "Diédougou") { name } }"#,
            GRAPHQL_RESPONSE,
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.json().get("data").is_some());
    assert_eq!(reply.code(), "AMBIGUOUS");
}

#[tokio::test]
async fn get_runs_queries_only() {
    let reply = send_to(&app(), get(&[("query", "mutation { __typename }")], "*/*")).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.header("allow"), Some("POST"));
    assert_eq!(reply.code(), "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn variables_and_operation_name_work_in_get_and_post() {
    let query = "query A { __typename } query B($code: String!) { cercle(code: $code) { name } }";
    let reply = send_to(
        &app(),
        get(
            &[
                ("query", query),
                ("operationName", "B"),
                ("variables", r#"{"code": "1903"}"#),
            ],
            GRAPHQL_RESPONSE,
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["data"]["cercle"]["name"], "Bankass");
    let body = json!({"query": query, "operationName": "B", "variables": {"code": "1903"}});
    let reply = send_to(
        &app(),
        common::http::post(body.to_string(), GRAPHQL_RESPONSE),
    )
    .await;
    assert_eq!(reply.json()["data"]["cercle"]["name"], "Bankass");
}

// ---------------------------------------------------------------------------------------------
// Caching

const REGIONS: &str = "{ regions { name } }";

#[tokio::test]
async fn get_answers_carry_an_etag_and_a_conditional_get_is_a_304() {
    let app = app();
    let reply = send_to(&app, get(&[("query", REGIONS)], GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let etag = reply.header("etag").unwrap().to_owned();
    let version = common::graph().version().to_owned();
    assert_eq!(etag, format!("W/\"{version}-{}-gr\"", common::TODAY));
    let cache_control = reply.header("cache-control").unwrap();
    let max_age: u64 = cache_control
        .strip_prefix("public, max-age=")
        .unwrap()
        .parse()
        .unwrap();
    assert!(max_age <= 3600, "{cache_control}");
    assert_eq!(reply.header("vary"), Some("accept"));

    let conditional = Request::get(common::http::get_uri(&[("query", REGIONS)]))
        .header(header::ACCEPT, GRAPHQL_RESPONSE)
        .header(header::IF_NONE_MATCH, &etag)
        .body(Body::empty())
        .unwrap();
    let reply = send_to(&app, conditional).await;
    assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
    assert!(reply.body.is_empty());
    assert_eq!(reply.header("etag"), Some(etag.as_str()));

    // Another media type is another representation: no 304 for the JSON one.
    let other = Request::get(common::http::get_uri(&[("query", REGIONS)]))
        .header(header::ACCEPT, "application/json")
        .header(header::IF_NONE_MATCH, &etag)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send_to(&app, other).await.status, StatusCode::OK);
}

#[tokio::test]
async fn only_a_query_that_would_be_answered_is_a_304() {
    let etag = send_to(&app(), get(&[("query", REGIONS)], GRAPHQL_RESPONSE))
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let conditional = |query: &str| {
        Request::get(common::http::get_uri(&[("query", query)]))
            .header(header::ACCEPT, GRAPHQL_RESPONSE)
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap()
    };
    // A server that has not answered it yet (no response cache entry) revalidates it too.
    let app = app();
    let reply = send_to(&app, conditional(REGIONS)).await;
    assert_eq!(reply.status, StatusCode::NOT_MODIFIED);
    let reply = send_to(&app, conditional("mutation { __typename }")).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    let reply = send_to(&app, conditional("{ regions { name ")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "GRAPHQL_PARSE_FAILED");
}

#[tokio::test]
async fn answers_with_errors_and_posts_are_not_cacheable() {
    let app = app();
    let reply = send_to(
        &app,
        get(
            &[("query", r#"{ cercle(name: "Nowhere") { name } }"#)],
            GRAPHQL_RESPONSE,
        ),
    )
    .await;
    assert_eq!(reply.code(), "NOT_FOUND");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(reply.header("etag").is_none());
    let reply = send_to(&app, post_query(REGIONS, GRAPHQL_RESPONSE)).await;
    assert!(reply.header("etag").is_none());
}

#[tokio::test]
async fn the_response_cache_answers_repeated_queries_without_running_them() {
    // With the cache, the answer is kept the second time the query comes (not the first: see
    // the doorkeeper) and the next two come from it.
    for (size, runs) in [(1 << 20, 2), (0, 4)] {
        let api = common::http::api_with(&Policy::default());
        let settings = HttpSettings {
            response_cache_bytes: size,
            ..HttpSettings::default()
        };
        let app = mali_admin::http::router_with(api.clone(), settings);
        let mut answers = Vec::new();
        for _ in 0..4 {
            let reply = send_to(
                &app,
                post_query("{ regions { cercles { name } } }", GRAPHQL_RESPONSE),
            )
            .await;
            answers.push(reply.json());
        }
        assert!(answers.iter().all(|answer| answer == &answers[0]));
        // The regions' cercles load in one batch per run.
        assert_eq!(
            api.loader_stats.descendants.batches(),
            runs,
            "response cache of {size}"
        );
    }
}

#[tokio::test]
async fn automatic_persisted_queries_keep_get_urls_short() {
    use sha2::{Digest, Sha256};
    let app = app();
    let hash = format!("{:x}", Sha256::digest(REGIONS.as_bytes()));
    let extensions = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}}).to_string();

    // The hash alone, before the server knows it.
    let reply = send_to(&app, get(&[("extensions", &extensions)], GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.code(), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    // The query with its hash registers it.
    let reply = send_to(
        &app,
        get(
            &[("query", REGIONS), ("extensions", &extensions)],
            GRAPHQL_RESPONSE,
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    // Then the hash alone is enough.
    let reply = send_to(&app, get(&[("extensions", &extensions)], GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.json()["data"]["regions"].as_array().unwrap().len(),
        20
    );
    assert!(reply.header("etag").is_some());
    // A hash that does not match its query is refused.
    let wrong = json!({"persistedQuery": {"version": 1, "sha256Hash": "00"}}).to_string();
    let reply = send_to(
        &app,
        get(
            &[("query", REGIONS), ("extensions", &wrong)],
            GRAPHQL_RESPONSE,
        ),
    )
    .await;
    assert!(reply.json()["errors"].is_array(), "{}", reply.text());
}

// ---------------------------------------------------------------------------------------------
// Observability

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_given_one_is_kept() {
    let app = app();
    let reply = send_to(&app, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    let id = reply.header("x-request-id").unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let request = Request::get("/healthz")
        .header("x-request-id", "trace-me-42")
        .body(Body::empty())
        .unwrap();
    let reply = send_to(&app, request).await;
    assert_eq!(reply.header("x-request-id"), Some("trace-me-42"));
}

#[tokio::test]
async fn made_up_methods_are_counted_under_one_label() {
    let app = app();
    for method in ["BREW", "WHEN", "BREW"] {
        let request = Request::builder()
            .method(method)
            .uri("/readyz")
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            send_to(&app, request).await.status,
            StatusCode::METHOD_NOT_ALLOWED
        );
    }
    let text = send_to(&app, Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .text();
    // Counted each time, through the handles registered on the first.
    assert!(
        text.contains(
            r#"mali_admin_http_requests_total{route="/readyz",method="other",status="405"} 3"#
        ),
        "{text}"
    );
    assert!(!text.contains("BREW") && !text.contains("WHEN"), "{text}");
}

#[tokio::test]
async fn metrics_count_requests_errors_and_cache_hits() {
    let app = app();
    send_to(&app, post_query("{ nosuchfield }", GRAPHQL_RESPONSE)).await;
    for _ in 0..3 {
        send_to(&app, post_query(REGIONS, GRAPHQL_RESPONSE)).await;
    }
    let reply = send_to(&app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK);
    let text = reply.text();
    for expected in [
        r#"mali_admin_http_requests_total{route="/graphql",method="POST",status="400"}"#,
        r#"mali_admin_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}"#,
        r#"mali_admin_response_cache_total{result="hit"}"#,
        "mali_admin_http_request_duration_seconds_bucket{",
    ] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
}

#[tokio::test]
async fn readyz_says_the_data_is_loaded() {
    let reply = send_to(&app(), Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["ready"], true);
    assert_eq!(body["dataVersion"], common::graph().version());
    assert!(body["units"].as_u64().unwrap() > 800);
    // The schema serves the same version.
    let answer = send_to(&app(), post_query("{ dataVersion }", GRAPHQL_RESPONSE)).await;
    assert_eq!(answer.json()["data"]["dataVersion"], body["dataVersion"]);
}

#[tokio::test]
async fn cors_admits_any_origin_by_default_or_only_the_configured_ones() {
    let preflight = |origin: &str| {
        Request::options("/graphql")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(Body::empty())
            .unwrap()
    };
    let reply = send_to(&app(), preflight("https://example.org")).await;
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    let settings = HttpSettings {
        cors: Cors::Origins(vec!["https://maps.example.ml".into()]),
        ..HttpSettings::default()
    };
    let app = app_with(&Policy::default(), settings);
    let reply = send_to(&app, preflight("https://maps.example.ml")).await;
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("https://maps.example.ml")
    );
    let reply = send_to(&app, preflight("https://elsewhere.example")).await;
    assert_eq!(reply.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn large_answers_are_compressed_and_small_ones_are_not() {
    let app = app();
    let large = r#"{ regions(asOf: "2010-01-01") { name cercles { name communes { name } } } }"#;
    for encoding in ["gzip", "br"] {
        let mut request = post_query(large, GRAPHQL_RESPONSE);
        request
            .headers_mut()
            .insert(header::ACCEPT_ENCODING, encoding.parse().unwrap());
        let reply = send_to(&app, request).await;
        assert_eq!(reply.header("content-encoding"), Some(encoding));
        assert!(reply.body.len() < 10_000, "{} bytes", reply.body.len());
    }
    let mut request = post_query("{ __typename }", GRAPHQL_RESPONSE);
    request
        .headers_mut()
        .insert(header::ACCEPT_ENCODING, "gzip".parse().unwrap());
    assert_eq!(
        send_to(&app, request).await.header("content-encoding"),
        None
    );
}

#[tokio::test]
async fn graphiql_can_be_switched_off() {
    let settings = HttpSettings {
        graphiql: false,
        ..HttpSettings::default()
    };
    let app = app_with(&Policy::default(), settings);
    let reply = send_to(&app, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn client_mistakes_are_counted_under_their_own_codes_not_as_our_faults() {
    let app = app();
    send_to(
        &app,
        post_query("{ regions(asOf: 2010) { name } }", GRAPHQL_RESPONSE),
    )
    .await;
    let missing =
        json!({"query": "query C($n: String!) { cercle(name: $n) { name } }", "variables": {}});
    send_to(
        &app,
        common::http::post(missing.to_string(), GRAPHQL_RESPONSE),
    )
    .await;
    let text = send_to(&app, Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .text();
    assert!(
        text.contains(r#"mali_admin_graphql_errors_total{code="BAD_USER_INPUT"}"#),
        "{text}"
    );
    assert!(
        !text.contains(r#"mali_admin_graphql_errors_total{code="INTERNAL_SERVER_ERROR"}"#),
        "{text}"
    );
}
