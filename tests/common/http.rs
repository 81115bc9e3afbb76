//! Helpers for the HTTP tests: the router over the test data with chosen settings, requests,
//! and replies read as JSON.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use mali_admin::graphql::{Api, ApiSettings, Policy, build_api_with};
use mali_admin::http::App;
use mali_admin::http::{HttpSettings, router_with};
use serde_json::Value;
use tower::ServiceExt;

pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// The API over the test data (today fixed) with `policy`.
pub fn api_with(policy: &Policy) -> Arc<Api> {
    Arc::new(build_api_with(
        super::graph(),
        &ApiSettings {
            today: Some(super::date(super::TODAY)),
        },
        policy,
    ))
}

/// The router with the default settings.
pub fn app() -> App {
    router_with(api_with(&Policy::default()), HttpSettings::default())
}

pub fn app_with(policy: &Policy, settings: HttpSettings) -> App {
    router_with(api_with(policy), settings)
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.text()))
    }

    /// `errors[0].extensions.code`.
    pub fn code(&self) -> String {
        self.json()["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.text()))
            .to_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }
}

pub async fn send(app: &App, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: body.to_vec(),
    }
}

/// A POST of `body` as `application/json`, accepting `accept`.
pub fn post(body: impl Into<Body>, accept: &str) -> Request<Body> {
    Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, accept)
        .body(body.into())
        .unwrap()
}

/// A POST of `{"query": query}`.
pub fn post_query(query: &str, accept: &str) -> Request<Body> {
    post(serde_json::json!({ "query": query }).to_string(), accept)
}

/// The path and query string of a GET with these parameters.
pub fn get_uri(params: &[(&str, &str)]) -> String {
    let url = reqwest::Url::parse_with_params("http://localhost/graphql", params).unwrap();
    format!("{}?{}", url.path(), url.query().unwrap_or(""))
}

pub fn get(params: &[(&str, &str)], accept: &str) -> Request<Body> {
    Request::get(get_uri(params))
        .header(header::ACCEPT, accept)
        .body(Body::empty())
        .unwrap()
}

/// The JSON answer to `query`, POSTed by `client` to a running server's GraphQL `url` over its
/// socket.
pub async fn post_over_socket(client: &reqwest::Client, url: &str, query: &str) -> Value {
    client
        .post(url)
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
