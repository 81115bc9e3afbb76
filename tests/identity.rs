//! Identity as a normalising cache (Apollo Client, urql's graphcache, Relay) sees it: a unit
//! object is the unit seen on a date, so its `id` names both, and `node(id)` fetches exactly
//! that object again; `code` is the date-free identity. Groups, languages and religions have
//! ids too, and every unit answers the `AdminUnit` interface's fields.
#![allow(clippy::unwrap_used)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{api, data, names};
use serde_json::{Value, json};

#[tokio::test]
async fn the_same_unit_on_two_dates_has_two_ids_and_one_code() {
    let api = api();
    let d = data(
        &api,
        r#"{ a: region(name: "Mopti", asOf: "2010-01-01") { id code asOf cercles { name } }
             b: region(name: "Mopti", asOf: "2024-06-01") { id code asOf cercles { name } } }"#,
    )
    .await;
    assert_ne!(d["a"]["id"], d["b"]["id"]);
    assert_eq!(d["a"]["code"], d["b"]["code"]);
    assert_eq!(names(&d["a"]["cercles"]).len(), 8);
    assert_ne!(d["a"]["cercles"], d["b"]["cercles"]);

    // node(id) gives back exactly the object the id came from: 2010's Mopti, 2010's cercles.
    for key in ["a", "b"] {
        let query = format!(
            r#"{{ node(id: {}) {{ id ... on Region {{ asOf cercles {{ name }} }} }} }}"#,
            d[key]["id"]
        );
        let back = data(&api, &query).await;
        assert_eq!(back["node"]["id"], d[key]["id"]);
        assert_eq!(back["node"]["asOf"], d[key]["asOf"]);
        assert_eq!(back["node"]["cercles"], d[key]["cercles"]);
    }
}

#[tokio::test]
async fn ids_handed_out_before_dates_were_added_resolve_as_of_today() {
    let api = api();
    let old = URL_SAFE_NO_PAD.encode("Region:05");
    let d = data(
        &api,
        &format!(r#"{{ node(id: "{old}") {{ ... on Region {{ name asOf }} }} }}"#),
    )
    .await;
    assert_eq!(d["node"], json!({"name": "Mopti", "asOf": common::TODAY}));
}

#[tokio::test]
async fn an_explicit_as_of_sees_the_object_of_an_id_on_another_date() {
    let api = api();
    let d = data(
        &api,
        r#"{ region(name: "Mopti", asOf: "2010-01-01") { id } }"#,
    )
    .await;
    let query = format!(
        r#"{{ node(id: {}, asOf: "2024-06-01") {{ ... on Region {{ asOf }} }} }}"#,
        d["region"]["id"]
    );
    assert_eq!(data(&api, &query).await["node"]["asOf"], "2024-06-01");
}

#[tokio::test]
async fn groups_languages_and_religions_have_ids_that_node_fetches() {
    let api = api();
    let d = data(
        &api,
        r#"{ a: group(name: "Dogon", asOf: "2010-01-01") { id key }
             b: group(name: "Dogon", asOf: "2024-06-01") { id key }
             languages { id key } religions { id key } }"#,
    )
    .await;
    assert_ne!(d["a"]["id"], d["b"]["id"]);
    let mut ids = vec![d["a"]["id"].clone()];
    ids.extend(
        d["languages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].clone()),
    );
    ids.extend(
        d["religions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].clone()),
    );
    let list = ids
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let back = data(
        &api,
        &format!(
            r#"{{ nodes(ids: [{list}]) {{ __typename id ... on Group {{ asOf }} ... on Language {{ key }} ... on Religion {{ key }} }} }}"#
        ),
    )
    .await;
    let nodes = back["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), ids.len());
    for (node, id) in nodes.iter().zip(&ids) {
        assert_eq!(&node["id"], id);
    }
    assert_eq!(nodes[0]["__typename"], "Group");
    assert_eq!(nodes[0]["asOf"], "2010-01-01");
    assert_eq!(nodes[1]["__typename"], "Language");
    assert_eq!(nodes[1]["key"], d["languages"][0]["key"]);
}

#[tokio::test]
async fn every_unit_answers_the_interface_with_its_parent() {
    let api = api();
    let d = data(
        &api,
        r#"{ search(text: "kolondieba") { unit { id code parent { name } } }
             units(first: 3, filter: { levels: [COMMUNE] }) { nodes {
               id from until parent { name level } counts { communes } growth { percent }
               predecessors { kind } successors { kind } lineagePaths { hops { kind } }
               projection(onto: "2010-01-01") { partial } computedPopulation(year: 2009) { value }
               groups { key } } }
             bamako: commune(name: "Commune I") { parent { name level } }
             country { parent { name } } }"#,
    )
    .await;
    assert_eq!(d["search"][0]["unit"]["parent"]["name"], "Bougouni");
    assert_eq!(d["search"][1]["unit"]["parent"]["name"], "Kolondiéba");
    assert_eq!(d["units"]["nodes"][0]["parent"]["level"], "CERCLE");
    assert_eq!(
        d["bamako"]["parent"],
        json!({"name": "Bamako", "level": "REGION"})
    );
    assert_eq!(d["country"]["parent"], json!(null));
}

/// Issue 13's queries "as written", verbatim, through the HTTP endpoint: the public contract.
#[tokio::test]
async fn the_issue_s_queries_answer_as_written_over_http() {
    use axum::http::StatusCode;
    use common::http::{GRAPHQL_RESPONSE, app, post, post_query, send};

    let app = app();
    let ask = |query: &'static str| {
        let app = app.clone();
        async move {
            let reply = send(&app, post_query(query, GRAPHQL_RESPONSE)).await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text());
            let body = reply.json();
            assert!(body.get("errors").is_none(), "{query}: {body}");
            body["data"].clone()
        }
    };

    let d = ask(r#"{ a: region(name: "Mopti", asOf: "2010-01-01") { id asOf } b: region(name: "Mopti", asOf: "2024-06-01") { id asOf } }"#).await;
    assert_eq!(d["a"]["asOf"], "2010-01-01");
    assert_eq!(d["b"]["asOf"], "2024-06-01");
    assert_ne!(d["a"]["id"], d["b"]["id"]);

    // Mopti of 2010 held Bankass; Mopti of 2024 holds Konna, one of the cercles of 2023.
    for (key, date, holds, lacks) in [
        ("a", "2010-01-01", "Bankass", "Konna"),
        ("b", "2024-06-01", "Konna", "Bankass"),
    ] {
        let body = json!({
            "query": "query($id: ID!) { node(id: $id) { ... on Region { asOf cercles { name } } } }",
            "variables": { "id": d[key]["id"] },
        });
        let reply = send(&app, post(body.to_string(), GRAPHQL_RESPONSE)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let node = &reply.json()["data"]["node"];
        assert_eq!(node["asOf"], date);
        let cercles = names(&node["cercles"]);
        assert!(
            cercles.contains(&holds) && !cercles.contains(&lacks),
            "{node}"
        );
    }

    let d = ask(r#"{ search(text: "kolondieba") { unit { id code parent { name } } } }"#).await;
    let parents: Vec<&Value> = d["search"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| &hit["unit"]["parent"]["name"])
        .collect();
    assert_eq!(parents, [&json!("Bougouni"), &json!("Kolondiéba")]);
    assert!(d["search"][0]["unit"]["id"].is_string());
    assert!(d["search"][0]["unit"]["code"].is_string());

    let d = ask(r#"{ commune(name: "Hombori") { cercleHistory { cercle { name } from until } } }"#)
        .await;
    let cercles: Vec<&Value> = d["commune"]["cercleHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|period| &period["cercle"]["name"])
        .collect();
    assert_eq!(cercles, [&json!("Douentza"), &json!("Hombori")]);
    assert_eq!(d["commune"]["cercleHistory"][1]["from"], "2023-03-13");
    assert_eq!(d["commune"]["cercleHistory"][1]["until"], Value::Null);

    let d =
        ask(r#"{ regions(orderBy: { field: POPULATION, year: 2009, direction: DESC }) { name } }"#)
            .await;
    assert_eq!(names(&d["regions"]).len(), 20);
    // The 2009 census's order, largest first; the regions of 2023 had no census then, and
    // come last.
    let figures = ask(r#"{ regions(orderBy: { field: POPULATION, year: 2009, direction: DESC }) { name population(year: 2009) } }"#)
        .await;
    assert_eq!(names(&figures["regions"]), names(&d["regions"]));
    let populations: Vec<i64> = figures["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|region| region["population"].as_i64().unwrap_or(-1))
        .collect();
    assert!(
        populations.windows(2).all(|pair| pair[0] >= pair[1]),
        "{populations:?}"
    );
    assert_eq!(d["regions"][0]["name"], "Sikasso");

    let d = ask(r#"{ cercle(code: "ML0503") { name } }"#).await;
    assert_eq!(d, json!({"cercle": {"name": "Bankass"}}));
}
