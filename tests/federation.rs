//! Apollo Federation v2: with `--federation true` the schema is a subgraph whose units are
//! entities keyed by `code`; without it, the schema has no federation fields at all.
#![allow(clippy::unwrap_used)]

mod common;

use async_graphql::{Request, Variables};
use common::{TODAY, data, date, errors, graph};
use mali_admin::graphql::{Api, ApiSettings, Policy, build_api_with, federated_schema_sdl};
use serde_json::json;

fn federated_api() -> Api {
    build_api_with(
        graph(),
        &ApiSettings {
            today: Some(date(TODAY)),
        },
        &Policy {
            federation: true,
            ..Policy::default()
        },
    )
}

const ENTITIES: &str = r#"query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Country { code name }
    ... on Region { code name population(year: 2009) }
    ... on Cercle { code name region { name } }
    ... on Commune { code name population(year: 2009) cercle { name } }
  }
}"#;

async fn entities(api: &Api, representations: serde_json::Value) -> async_graphql::Response {
    let variables = Variables::from_json(json!({ "representations": representations }));
    api.execute(Request::new(ENTITIES).variables(variables))
        .await
}

#[tokio::test]
async fn the_service_sdl_is_a_federation_v2_subgraph_with_keys_on_the_units() {
    let api = federated_api();
    assert!(api.federated());
    let data = data(&api, "{ _service { sdl } }").await;
    let sdl = data["_service"]["sdl"].as_str().unwrap();
    assert!(
        sdl.contains("extend schema @link(\n\turl: \"https://specs.apollo.dev/federation/v2."),
        "{sdl}"
    );
    for unit in ["Country", "Region", "Cercle", "Commune"] {
        let declaration =
            format!("type {unit} implements AdminUnit & Node @key(fields: \"code\") {{");
        assert!(sdl.contains(&declaration), "no {declaration} in the SDL");
    }
    // Only the units are entities.
    assert_eq!(sdl.matches("@key(").count(), 4);
    assert_eq!(sdl, federated_schema_sdl());
}

#[tokio::test]
async fn with_introspection_off_a_router_still_gets_the_subgraph_sdl() {
    let api = build_api_with(
        graph(),
        &ApiSettings {
            today: Some(date(TODAY)),
        },
        &Policy {
            federation: true,
            introspection: false,
            ..Policy::default()
        },
    );
    let refused = errors(&api, "{ __schema { queryType { name } } }").await;
    assert_eq!(refused[0]["extensions"]["code"], "INTROSPECTION_DISABLED");
    let data = data(&api, "{ _service { sdl } }").await;
    assert_eq!(data["_service"]["sdl"], federated_schema_sdl());
}

#[tokio::test]
async fn entities_of_mixed_types_resolve_in_the_order_asked() {
    let api = federated_api();
    let response = entities(
        &api,
        json!([
            { "__typename": "Cercle", "code": "1903" },
            { "__typename": "Region", "code": "05" },
            { "__typename": "Commune", "code": "CM-0204-09" },
            { "__typename": "Country", "code": "ML" },
        ]),
    )
    .await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    assert_eq!(
        response.data.into_json().unwrap(),
        json!({ "_entities": [
            { "__typename": "Cercle", "code": "1903", "name": "Bankass", "region": { "name": "Bandiagara" } },
            { "__typename": "Region", "code": "05", "name": "Mopti", "population": 2036209 },
            { "__typename": "Commune", "code": "CM-0204-09", "name": "Diédougou", "population": 10512, "cercle": { "name": "Kati" } },
            { "__typename": "Country", "code": "ML", "name": "Mali" },
        ]})
    );
}

#[tokio::test]
async fn entities_accept_the_codes_of_every_system_as_the_root_lookups_do() {
    let api = federated_api();
    // The OCHA p-codes of the pre-2023 map and ISO 3166-2, as `cercle(code:)` and
    // `region(code:)` accept them; the entity answers with its primary code.
    let response = entities(
        &api,
        json!([
            { "__typename": "Cercle", "code": "ML0503" },
            { "__typename": "Region", "code": "ML-5" },
        ]),
    )
    .await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().unwrap();
    assert_eq!(data["_entities"][0]["code"], "1903");
    assert_eq!(data["_entities"][0]["name"], "Bankass");
    assert_eq!(data["_entities"][1]["code"], "05");
    let root = common::data(
        &api,
        r#"{ cercle(code: "ML0503") { code } region(code: "ML-5") { code } }"#,
    )
    .await;
    assert_eq!(root["cercle"]["code"], data["_entities"][0]["code"]);
    assert_eq!(root["region"]["code"], data["_entities"][1]["code"]);
}

#[tokio::test]
async fn an_unknown_code_or_a_code_of_another_level_is_null_with_its_error_and_the_others_resolve()
{
    let api = federated_api();
    for (typename, code) in [("Region", "99"), ("Cercle", "05"), ("Commune", "1903")] {
        let response = entities(
            &api,
            json!([
                { "__typename": "Region", "code": "05" },
                { "__typename": typename, "code": code },
            ]),
        )
        .await;
        let errors = serde_json::to_value(&response.errors).unwrap();
        assert_eq!(errors.as_array().unwrap().len(), 1, "{errors}");
        assert_eq!(errors[0]["extensions"]["code"], "NOT_FOUND", "{errors}");
        assert_eq!(errors[0]["path"], json!(["_entities", 1]), "{errors}");
        assert!(
            errors[0]["message"].as_str().unwrap().contains(code),
            "{errors}"
        );
        let data = response.data.into_json().unwrap();
        assert_eq!(data["_entities"][0]["name"], "Mopti", "{data}");
        assert_eq!(data["_entities"][1], json!(null), "{data}");
    }
}

#[tokio::test]
async fn the_issues_representations_answer_the_known_cercle_and_null_for_the_unknown_one() {
    // As written in issue 15: Bankass, and a code no cercle has.
    let response = entities(
        &federated_api(),
        json!([{"__typename": "Cercle", "code": "1903"}, {"__typename": "Cercle", "code": "00"}]),
    )
    .await;
    let body = serde_json::to_value(&response).unwrap();
    assert_eq!(
        body["data"]["_entities"],
        json!([{"__typename": "Cercle", "code": "1903", "name": "Bankass", "region": {"name": "Bandiagara"}}, null]),
        "{body}"
    );
    assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["errors"][0]["path"], json!(["_entities", 1]));
    // A representation listed twice gets an error at each of its places.
    let response = entities(
        &federated_api(),
        json!([
            {"__typename": "Cercle", "code": "00"},
            {"__typename": "Cercle", "code": "1903"},
            {"__typename": "Cercle", "code": "00"},
        ]),
    )
    .await;
    let mut paths: Vec<_> = response
        .errors
        .iter()
        .map(|error| serde_json::to_value(&error.path).unwrap())
        .collect();
    paths.sort_by_key(|path| path.to_string());
    assert_eq!(paths, [json!(["_entities", 0]), json!(["_entities", 2])]);
    let data = response.data.into_json().unwrap();
    assert_eq!(data["_entities"][1]["name"], "Bankass");
    assert_eq!(data["_entities"][0], json!(null));
    assert_eq!(data["_entities"][2], json!(null));
}

#[tokio::test]
async fn a_representation_without_its_key_is_refused() {
    let api = federated_api();
    let response = entities(&api, json!([{ "__typename": "Region", "name": "Mopti" }])).await;
    assert_eq!(response.errors.len(), 1, "{:?}", response.errors);
    let response = entities(&api, json!([{ "code": "05" }])).await;
    assert_eq!(response.errors.len(), 1, "{:?}", response.errors);
    assert!(response.errors[0].message.contains("__typename"));
}

#[tokio::test]
async fn the_federated_schema_answers_ordinary_queries_as_the_plain_one() {
    let query = r#"{ regions(asOf: "2010-01-01") { name } cercle(name: "Bankass") { code region { name } } }"#;
    assert_eq!(
        data(&federated_api(), query).await,
        data(&common::api(), query).await
    );
}

#[tokio::test]
async fn without_federation_there_is_no_service_nor_entities_field() {
    let api = common::api();
    assert!(!api.federated());
    for query in [
        "{ _service { sdl } }",
        r#"{ _entities(representations: [{__typename: "Region", code: "05"}]) { __typename } }"#,
    ] {
        let errors = errors(&api, query).await;
        assert_eq!(
            errors[0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{query}: {errors:?}"
        );
    }
    let sdl = mali_admin::graphql::schema_sdl();
    assert!(!sdl.contains("@key") && !sdl.contains("_service") && !sdl.contains("@link"));
}

#[test]
fn the_checked_in_subgraph_schema_equals_the_served_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.federation.graphql");
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == federated_schema_sdl(),
        "schema.federation.graphql differs from the subgraph's SDL: run \
         `cargo run -- --federation true schema > schema.federation.graphql` and review the diff"
    );
}
