//! Identity as a normalising cache (Apollo Client, urql's graphcache, Relay) sees it: a unit
//! object is the unit seen on a date, so its `id` names both, and `node(id)` fetches exactly
//! that object again; `code` is the date-free identity. Groups, languages and religions have
//! ids too, and every unit answers the `AdminUnit` interface's fields.
#![allow(clippy::unwrap_used)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{api, data, names};
use serde_json::json;

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
