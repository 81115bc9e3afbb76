//! The GraphQL spec's error rules, answer by answer ("Handling Field Errors", "Errors and
//! Non-Null Fields"): an errored nullable field is present as `null` with an error at its
//! path; null propagates only through non-null positions; request errors (validation,
//! variables) have no `data` and are a 400 under `application/graphql-response+json`. Each
//! case asserts the exact JSON of the answer.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::http::{GRAPHQL_RESPONSE, app, post, send};
use serde_json::{Value, json};

/// The status and the answer, without the `extensions.cost` every executed answer carries
/// (issue 15), which is checked here to hold the two figures and nothing else.
async fn answer(query: &str, variables: Value) -> (StatusCode, Value) {
    let body = json!({"query": query, "variables": variables}).to_string();
    let reply = send(&app(), post(body, GRAPHQL_RESPONSE)).await;
    let mut body = reply.json();
    if let Some(extensions) = body
        .as_object_mut()
        .and_then(|body| body.remove("extensions"))
    {
        let cost = extensions.as_object().unwrap();
        assert_eq!(cost.len(), 1, "{extensions}");
        assert!(cost["cost"]["requestedQueryCost"].is_u64(), "{extensions}");
        assert!(cost["cost"]["actualQueryCost"].is_u64(), "{extensions}");
    }
    (reply.status, body)
}

fn error(message: &str, line: u64, column: u64, path: Value, code: &str) -> Value {
    json!({
        "message": message,
        "locations": [{"line": line, "column": column}],
        "path": path,
        "extensions": {"code": code},
    })
}

const NOWHERE: &str = "no cercle is or was named or coded `Nowhere`";
const BEFORE_1996: &str = "1990-01-01 is before the data begins (1996-11-04): the communes were created by law 96-059 on 1996-11-04";

#[tokio::test]
async fn an_errored_nullable_root_field_is_null_beside_its_siblings() {
    let (status, body) = answer(
        r#"{ dataStarts x: cercle(name: "Nowhere") { name } }"#,
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "data": {"dataStarts": "1996-11-04", "x": null},
            "errors": [error(NOWHERE, 1, 14, json!(["x"]), "NOT_FOUND")],
        })
    );
}

#[tokio::test]
async fn an_errored_nullable_field_alone_leaves_data_an_object() {
    let (status, body) = answer(r#"{ x: cercle(name: "Nowhere") { name } }"#, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "data": {"x": null},
            "errors": [error(NOWHERE, 1, 3, json!(["x"]), "NOT_FOUND")],
        })
    );
}

#[tokio::test]
async fn an_errored_nested_nullable_field_is_null_and_its_parent_stays() {
    let (status, body) = answer(
        r#"{ cercle(name: "Kati") { name region(asOf: "1990-01-01") { name } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "data": {"cercle": {"name": "Kati", "region": null}},
            "errors": [error(BEFORE_1996, 1, 31, json!(["cercle", "region"]), "OUT_OF_RANGE")],
        })
    );
}

#[tokio::test]
async fn an_errored_non_null_field_nulls_its_nearest_nullable_parent() {
    // `communes` is `[Commune!]!`: its error makes the cercle (nullable) null, not the root.
    let (status, body) = answer(
        r#"{ dataStarts cercle(name: "Kati") { name communes(asOf: "1990-01-01") { name } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "data": {"dataStarts": "1996-11-04", "cercle": null},
            "errors": [error(BEFORE_1996, 1, 42, json!(["cercle", "communes"]), "OUT_OF_RANGE")],
        })
    );
}

#[tokio::test]
async fn an_errored_non_null_root_field_nulls_data() {
    // `regions` is non-null at the root: `data` itself becomes null (an execution error: 200).
    let (status, body) = answer(
        r#"{ dataStarts regions(asOf: "1990-01-01") { name } }"#,
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "data": null,
            "errors": [error(BEFORE_1996, 1, 14, json!(["regions"]), "OUT_OF_RANGE")],
        })
    );
}

#[tokio::test]
async fn nodes_gives_one_null_per_unknown_id_with_an_error_at_its_index() {
    let (status, body) = answer(
        r#"{ nodes(ids: ["Q2VyY2xlOjE5MDM", "Q2VyY2xlOjk5OTk", "not an id"]) { ... on Cercle { name } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "data": {"nodes": [{"name": "Bankass"}, null, null]},
            "errors": [
                error("no object of this API has this ID", 1, 3, json!(["nodes", 1]), "NOT_FOUND"),
                error("this is not a global ID of this API", 1, 3, json!(["nodes", 2]), "BAD_USER_INPUT"),
            ],
        })
    );
}

#[tokio::test]
async fn not_found_suggests_the_nearest_names_and_what_a_name_is_elsewhere() {
    let (_, body) = answer(
        r#"{ region(name: "Sikaso") { name } cercle(name: "Bamako") { name } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        body,
        json!({
            "data": {"region": null, "cercle": null},
            "errors": [
                {
                    "message": "no region is or was named or coded `Sikaso`; did you mean `Sikasso`?",
                    "locations": [{"line": 1, "column": 3}],
                    "path": ["region"],
                    "extensions": {
                        "code": "NOT_FOUND",
                        "suggestions": [{"code": "03", "name": "Sikasso", "within": ""}],
                    },
                },
                error(
                    "no cercle is or was named or coded `Bamako` (`Bamako` is the District: ask `region(name: \"Bamako\")`)",
                    1,
                    35,
                    json!(["cercle"]),
                    "NOT_FOUND",
                ),
            ],
        })
    );
}

#[tokio::test]
async fn argument_and_variable_mistakes_are_request_errors_without_data() {
    for (query, variables, message, code) in [
        (
            "{ regions(asOf: 2010) { name } }",
            json!({}),
            "invalid value for argument `asOf` of type `Date`: 2010 is not a valid `Date`",
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "query C($n: String!) { cercle(name: $n) { name } }",
            json!({}),
            "variable `$n` of type `String!`: required, but not given",
            "BAD_USER_INPUT",
        ),
        (
            "query C($n: String!) { cercle(name: $n) { name } }",
            json!({"n": null}),
            "variable `$n` of type `String!`: null where a value is required",
            "BAD_USER_INPUT",
        ),
    ] {
        let (status, body) = answer(query, variables).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body.get("data"), None, "{query}: {body}");
        assert_eq!(body["errors"][0]["message"], message, "{query}");
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{query}");
        assert_eq!(body["errors"][0].get("path"), None, "{query}");
    }
}
