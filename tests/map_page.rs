//! The map page at `/map`: the page, its script and style sheet are served by this server with
//! a Content-Security-Policy that admits this origin only, and every query the script sends
//! runs against the schema (the browser test, `.ci/browser.sh`, draws it in Chromium).
#![allow(clippy::unwrap_used)]

mod common;

use async_graphql::{Request, Variables};
use axum::body::Body;
use axum::http::{Request as HttpRequest, StatusCode};
use common::http::{app, send};
use serde_json::json;

#[tokio::test]
async fn the_page_and_its_assets_are_served_from_this_origin_only() {
    let app = app();
    for (uri, media) in [
        ("/map", "text/html; charset=utf-8"),
        ("/map/map.js", "text/javascript; charset=utf-8"),
        ("/map/map.css", "text/css; charset=utf-8"),
    ] {
        let reply = send(&app, HttpRequest::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}");
        assert_eq!(reply.header("content-type"), Some(media));
        let policy = reply.header("content-security-policy").unwrap();
        assert!(policy.contains("default-src 'none'") && policy.contains("connect-src 'self'"));
    }
    let page = send(&app, HttpRequest::get("/map").body(Body::empty()).unwrap())
        .await
        .text();
    assert!(page.contains("src=\"/map/map.js\"") && !page.contains("http"));
    let missing = send(
        &app,
        HttpRequest::get("/map/other.js")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// The script's queries, taken from the script itself, answer without errors on each map.
#[tokio::test]
async fn the_script_s_queries_run_against_the_schema() {
    let script = include_str!("../map/map.js");
    let queries: Vec<&str> = script
        .split('`')
        .filter(|part| part.trim_start().starts_with("query "))
        .collect();
    assert_eq!(queries.len(), 4, "three levels and the history");
    let api = common::api();
    let fields = "code name codes { system value } population(year: 2009) computedArea";
    for (query, variables) in [
        (
            queries[0].replace("${FIELDS}", fields),
            json!({"d": "2010-01-01"}),
        ),
        (
            queries[1].replace("${FIELDS}", fields),
            json!({"d": "2024-01-01"}),
        ),
        (queries[2].to_owned(), json!({"d": "2020-01-01"})),
        (
            queries[3].to_owned(),
            json!({"code": "1903", "d": "2010-01-01"}),
        ),
    ] {
        let response = api
            .execute(Request::new(query.clone()).variables(Variables::from_json(variables)))
            .await;
        assert!(response.errors.is_empty(), "{query}: {:?}", response.errors);
    }
    let history = api
        .execute(Request::new(queries[3]).variables(Variables::from_json(
            json!({"code": "1903", "d": "2010-01-01"}),
        )))
        .await
        .data
        .into_json()
        .unwrap();
    let regions: Vec<&str> = history["unit"]["regionHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["region"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["Mopti", "Bandiagara"]);
}
