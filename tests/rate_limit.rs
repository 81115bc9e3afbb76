//! The budget over time per client (off by default): a leaky bucket of requested query cost
//! per client address or API-key header; past it, 429 with `Retry-After` and `RATE_LIMITED`.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, StatusCode};
use common::http::{GRAPHQL_RESPONSE, app, app_with, post, post_query, send};
use mali_admin::graphql::Policy;
use mali_admin::http::{HttpSettings, RateKey, RateSettings, ServeSettings, router_with};

/// `{ regions { name } }` costs 1 + 10 × 1.
const ELEVEN: &str = "{ regions { name } }";

fn limited(key: RateKey, batching: bool) -> mali_admin::http::App {
    app_with(
        &Policy::default(),
        HttpSettings {
            rate_limit: Some(RateSettings {
                points_per_second: 10.0,
                burst: 100,
                key,
            }),
            batching,
            ..HttpSettings::default()
        },
    )
}

fn with_key(
    key: &str,
    request: axum::http::Request<axum::body::Body>,
) -> axum::http::Request<axum::body::Body> {
    let mut request = request;
    request
        .headers_mut()
        .insert("x-api-key", key.parse().unwrap());
    request
}

#[tokio::test]
async fn a_client_past_its_budget_gets_429_with_retry_after_and_others_do_not() {
    let app = limited(RateKey::Header(HeaderName::from_static("x-api-key")), false);
    // Nine queries of 11 points fit in a bucket of 100; the tenth would need 10 more points,
    // a second of leaking at 10 points a second.
    for n in 0..9 {
        let reply = send(
            &app,
            with_key("alice", post_query(ELEVEN, GRAPHQL_RESPONSE)),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "query {n}: {}", reply.text());
    }
    let reply = send(
        &app,
        with_key("alice", post_query(ELEVEN, GRAPHQL_RESPONSE)),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        reply.text()
    );
    assert_eq!(reply.code(), "RATE_LIMITED");
    assert_eq!(reply.header("retry-after"), Some("1"));
    // GETs, answered from the response cache or not, are charged alike.
    let reply = send(
        &app,
        with_key(
            "alice",
            common::http::get(&[("query", ELEVEN)], GRAPHQL_RESPONSE),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    // Another key has a bucket of its own.
    let reply = send(&app, with_key("bob", post_query(ELEVEN, GRAPHQL_RESPONSE))).await;
    assert_eq!(reply.status, StatusCode::OK);
    // A second later alice has 10 points back: one more query of 11 does not fit yet, 1.1 s
    // later it does.
    tokio::time::sleep(Duration::from_millis(1_150)).await;
    let reply = send(
        &app,
        with_key("alice", post_query(ELEVEN, GRAPHQL_RESPONSE)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

#[tokio::test]
async fn a_batch_is_charged_its_operations_together_before_any_runs() {
    let app = limited(RateKey::Header(HeaderName::from_static("x-api-key")), true);
    let one = serde_json::json!({ "query": ELEVEN }).to_string();
    let batch = |count: usize| {
        post(
            format!("[{}]", vec![one.as_str(); count].join(",")),
            GRAPHQL_RESPONSE,
        )
    };
    // 9 × 11 = 99 points: admitted.
    let reply = send(&app, with_key("carol", batch(9))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    // Two more (22 points) would overflow: the whole batch is refused.
    let reply = send(&app, with_key("carol", batch(2))).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.code(), "RATE_LIMITED");
    assert_eq!(reply.header("retry-after"), Some("3"));
}

#[tokio::test]
async fn it_is_off_by_default() {
    let app = app();
    for _ in 0..50 {
        let reply = send(&app, post_query(ELEVEN, GRAPHQL_RESPONSE)).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn over_a_socket_the_client_is_its_address() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let settings = HttpSettings {
        rate_limit: Some(RateSettings {
            points_per_second: 1.0,
            burst: 30,
            key: RateKey::Address,
        }),
        ..HttpSettings::default()
    };
    let router = router_with(Arc::new(common::api()), settings);
    tokio::spawn(mali_admin::http::serve_with(
        listener,
        router,
        ServeSettings::default(),
        async {
            stopped.await.ok();
        },
    ));
    let client = reqwest::Client::new();
    let url = format!("http://{address}/graphql");
    let statuses: Vec<u16> = {
        let mut statuses = Vec::new();
        for _ in 0..3 {
            // A fresh connection each time: the bucket follows the address, not the connection.
            let reply = reqwest::Client::new()
                .post(&url)
                .json(&serde_json::json!({ "query": ELEVEN }))
                .send()
                .await
                .unwrap();
            statuses.push(reply.status().as_u16());
        }
        statuses
    };
    assert_eq!(statuses, [200, 200, 429]);
    let reply = client
        .post(&url)
        .json(&serde_json::json!({ "query": ELEVEN }))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 429);
    let retry: u64 = reply.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=12).contains(&retry), "{retry}");
    let body: serde_json::Value = reply.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
}
