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
async fn post_graphql_answers_a_query() {
    let (status, body) = send(post(
        r#"{"query": "{ cercle(code: \"1903\") { name region { name } } }"}"#,
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body,
        json!({"data": {"cercle": {"name": "Bankass", "region": {"name": "Bandiagara"}}}})
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
    let body: Value = client
        .post(&url)
        .json(&json!({"query": r#"{ commune(name: "Diédougou", cercle: "Kati") { name cercle { name } population(year: 2009) } }"#}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        body,
        json!({"data": {"commune": {"name": "Diédougou", "cercle": {"name": "Kati"}, "population": 10512}}})
    );
    let body: Value = client
        .post(&url)
        .json(&json!({"query": r#"{ commune(name: "Diédougou") { name } }"#}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
