//! Shared set-up for the integration tests: the embedded data, built once per test binary.
#![allow(dead_code, clippy::unwrap_used)]

pub mod binary;
pub mod http;

use std::sync::{Arc, OnceLock};

use async_graphql::Request;
use chrono::NaiveDate;
use mali_admin::dataset::{DataSource, load_dataset};
use mali_admin::graphql::{Api, ApiSettings, build_api};
use mali_admin::model::AdminGraph;
use serde_json::Value;

/// "Today" in the tests, so that answers for the default date do not change with the calendar.
pub const TODAY: &str = "2026-11-23";

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub fn graph() -> Arc<AdminGraph> {
    static GRAPH: OnceLock<Arc<AdminGraph>> = OnceLock::new();
    GRAPH
        .get_or_init(|| {
            Arc::new(AdminGraph::build(
                load_dataset(&DataSource::Embedded).unwrap(),
            ))
        })
        .clone()
}

/// A fresh schema (with fresh loader counts) over the shared model.
pub fn api() -> Api {
    build_api(
        graph(),
        &ApiSettings {
            today: Some(date(TODAY)),
        },
    )
}

/// Runs `query`, asserting it has no errors; returns `data` as JSON.
pub async fn data(api: &Api, query: &str) -> Value {
    let response = api.execute(Request::new(query)).await;
    assert!(response.errors.is_empty(), "{query}: {:?}", response.errors);
    response.data.into_json().unwrap()
}

/// Runs `query`, asserting it fails; returns the errors as JSON (with their extensions).
pub async fn errors(api: &Api, query: &str) -> Vec<Value> {
    let response = api.execute(Request::new(query)).await;
    assert!(!response.errors.is_empty(), "{query} should fail");
    serde_json::to_value(&response.errors)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The item named `name` in a JSON list of objects with a `name`.
pub fn named<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|item| item["name"] == name)
        .unwrap_or_else(|| panic!("no `{name}` in {list}"))
}

/// The names in a JSON list of objects with a `name`.
pub fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap())
        .collect()
}
