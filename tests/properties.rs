//! Properties of the HTTP endpoint over generated queries (proptest): a batch's answer i is
//! request i's answer alone; GET answers what POST does; for one URL, ETags are equal exactly
//! when the answers (body and media type) are; the response cache changes no answer.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::http::{app_with, get, post, send};
use mali_admin::graphql::Policy;
use mali_admin::http::HttpSettings;
use proptest::prelude::*;

/// Queries over the data, right and wrong: lookups by code and name (some unknown, some
/// ambiguous), lists with sizes, dates in and out of range, aliases, variables.
fn query() -> impl Strategy<Value = (String, serde_json::Value)> {
    let code = prop::sample::select(vec!["1903", "05", "ML0502", "00", "99", "CM-0102-01", "x"]);
    let name = prop::sample::select(vec![
        "Bankass",
        "Mopti",
        "Diédougou",
        "Kati",
        "Nowhere",
        "tombouctou",
    ]);
    let date = prop::sample::select(vec![
        "2010-01-01",
        "2020-06-30",
        "2024-01-01",
        "1990-01-01",
        "2016-01-19",
    ]);
    let year = prop::sample::select(vec![1998, 2009, 2020, 2023, 1900]);
    let first = 0u32..40;
    prop_oneof![
        (code.clone(), date.clone()).prop_map(|(code, date)| (
            format!(r#"{{ cercle(code: "{code}", asOf: "{date}") {{ name region {{ name }} }} }}"#),
            serde_json::json!({})
        )),
        (name.clone(), year).prop_map(|(name, year)| (
            format!(r#"{{ a: region(name: "{name}") {{ name population(year: {year}) }} b: commune(name: "{name}") {{ name }} }}"#),
            serde_json::json!({})
        )),
        (first, date.clone()).prop_map(|(first, date)| (
            "query($n: Int!, $d: Date) { communes(first: $n, asOf: $d) { totalCount edges { node { name } } } }".to_owned(),
            serde_json::json!({"n": first, "d": date})
        )),
        (name, date).prop_map(|(name, date)| (
            format!(r#"{{ search(text: "{name}") {{ label }} regions(asOf: "{date}") {{ number }} }}"#),
            serde_json::json!({})
        )),
        code.prop_map(|code| (
            format!(r#"{{ cercle(code: "{code}") {{ nope }} }}"#),
            serde_json::json!({})
        )),
    ]
}

fn body(query: &str, variables: &serde_json::Value) -> String {
    serde_json::json!({"query": query, "variables": variables}).to_string()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn settings(response_cache_bytes: usize) -> HttpSettings {
    HttpSettings {
        batching: true,
        response_cache_bytes,
        ..HttpSettings::default()
    }
}

const ACCEPTS: [&str; 2] = ["application/graphql-response+json", "application/json"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_batchs_answer_i_is_request_i_alone(queries in prop::collection::vec(query(), 1..5)) {
        let runtime = runtime();
        let app = app_with(&Policy::default(), settings(0));
        let bodies: Vec<String> = queries.iter().map(|(q, v)| body(q, v)).collect();
        let batch = runtime.block_on(send(&app, post(format!("[{}]", bodies.join(",")), ACCEPTS[0])));
        prop_assert_eq!(batch.status, StatusCode::OK);
        let answers = batch.json();
        for (i, one) in bodies.iter().enumerate() {
            let alone = runtime.block_on(send(&app, post(one.clone(), ACCEPTS[1]))).json();
            prop_assert_eq!(&answers[i], &alone, "operation {}", i);
        }
    }

    #[test]
    fn get_answers_what_post_does((query, variables) in query(), accept in prop::sample::select(ACCEPTS.to_vec())) {
        let runtime = runtime();
        let app = app_with(&Policy::default(), settings(0));
        let variables_text = variables.to_string();
        let by_get = runtime.block_on(send(&app, get(&[("query", &query), ("variables", &variables_text)], accept)));
        let by_post = runtime.block_on(send(&app, post(body(&query, &variables), accept)));
        prop_assert_eq!(by_get.status, by_post.status);
        prop_assert_eq!(by_get.header("content-type"), by_post.header("content-type"));
        prop_assert_eq!(by_get.text(), by_post.text());
    }

    #[test]
    fn for_one_url_etags_are_equal_exactly_when_the_answers_are(
        (query, variables) in query(),
        accepts in prop::collection::vec(prop::sample::select(ACCEPTS.to_vec()), 2..4),
    ) {
        let runtime = runtime();
        let app = app_with(&Policy::default(), settings(8 << 20));
        let variables_text = variables.to_string();
        let replies: Vec<_> = accepts
            .iter()
            .map(|accept| runtime.block_on(send(&app, get(&[("query", &query), ("variables", &variables_text)], accept))))
            .collect();
        for a in &replies {
            for b in &replies {
                // Only answers without errors carry an ETag.
                if let (Some(tag_a), Some(tag_b)) = (a.header("etag"), b.header("etag")) {
                    let same_answer = a.text() == b.text() && a.header("content-type") == b.header("content-type");
                    prop_assert_eq!(tag_a == tag_b, same_answer, "{} / {}", tag_a, tag_b);
                }
            }
        }
    }

    #[test]
    fn the_response_cache_changes_no_answer(queries in prop::collection::vec(query(), 1..6)) {
        let runtime = runtime();
        let cached = app_with(&Policy::default(), settings(8 << 20));
        let uncached = app_with(&Policy::default(), settings(0));
        // Each query three times, so that the cache keeps it and answers from it.
        for _ in 0..3 {
            for (query, variables) in &queries {
                let with = runtime.block_on(send(&cached, post(body(query, variables), ACCEPTS[0])));
                let without = runtime.block_on(send(&uncached, post(body(query, variables), ACCEPTS[0])));
                prop_assert_eq!(with.status, without.status);
                prop_assert_eq!(with.text(), without.text());
            }
        }
    }
}
