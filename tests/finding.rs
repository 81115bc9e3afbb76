//! Finding things: search with folding and ranking, homonyms, filters, ordering, pagination,
//! global IDs and aggregates.
#![allow(clippy::unwrap_used)]

mod common;

use common::{api, data, errors, graph, names};
use mali_admin::model::{Found, MatchKind};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

fn plain_ascii(name: &str) -> String {
    name.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

#[tokio::test]
async fn the_search_queries_answer_as_written() {
    let api = api();
    let segou = data(
        &api,
        r#"{ search(text: "segou") { unit { __typename name } } }"#,
    )
    .await;
    assert_eq!(
        segou["search"],
        json!([{"unit": {"__typename": "Region", "name": "Ségou"}},
               {"unit": {"__typename": "Cercle", "name": "Ségou"}},
               {"unit": {"__typename": "Commune", "name": "Ségou"}}])
    );
    let timbuktu = data(&api, r#"{ search(text: "timbuktu") { unit { name } } }"#).await;
    assert_eq!(
        timbuktu["search"],
        json!([{"unit": {"name": "Tombouctou"}}, {"unit": {"name": "Tombouctou"}}, {"unit": {"name": "Timbuktu"}}])
    );
    let query = "{ communes(filter: { urban: true }, orderBy: { field: POPULATION, year: 2009, direction: DESC }, first: 5) { edges { node { name population(year: 2009) } } } }";
    let top = data(&api, query).await;
    let rows: Vec<(String, i64)> = top["communes"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["name"].as_str().unwrap().to_owned(),
                e["node"]["population"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Commune VI".to_owned(), 469662),
            ("Commune V".to_owned(), 413266),
            ("Commune I".to_owned(), 334886),
            ("Commune IV".to_owned(), 304526),
            ("Sikasso".to_owned(), 226618)
        ]
    );
}

#[test]
fn every_unit_is_found_exactly_by_its_plain_ascii_spelling() {
    let graph = graph();
    let mut accented = 0;
    for id in graph.units() {
        let unit = graph.unit(id);
        for name in std::iter::once(&unit.name).chain(&unit.aliases) {
            let ascii = plain_ascii(name);
            accented += usize::from(ascii != *name);
            let hits = graph.search(&ascii, &[unit.level], None, 100);
            let hit = hits.iter().find(|h| h.found == Found::Unit(id));
            assert!(
                hit.is_some_and(|h| h.kind == MatchKind::Exact),
                "{} ({}) not found exactly by `{ascii}`",
                unit.name,
                unit.code
            );
        }
    }
    assert!(accented > 150, "only {accented} accented names were tried");
}

#[tokio::test]
async fn folding_ignores_case_apostrophes_hyphens_and_spaces() {
    let api = api();
    for (text, expected) in [
        ("NTillit", "N'Tillit"),
        ("ntillit", "N'Tillit"),
        ("Toubakoro", "Toubacoro"),
        ("bankoumana", "Bancoumana"),
        ("TIN ESSAKO", "Tin-Essako"),
        ("benkadi", "Ben Kadi"),
        ("Nioro du Sahel", "Nioro"),
        ("Taoudeni", "Taoudénit"),
        ("menaka", "Ménaka"),
    ] {
        let query =
            format!(r#"{{ search(text: "{text}", first: 1) {{ unit {{ name }} matchKind }} }}"#);
        let data = data(&api, &query).await;
        assert_eq!(
            data["search"][0],
            json!({"unit": {"name": expected}, "matchKind": "EXACT"}),
            "{text}"
        );
    }
}

#[tokio::test]
async fn hits_are_ranked_exact_then_prefix_then_word_then_fuzzy() {
    let api = api();
    let data = data(
        &api,
        r#"{ search(text: "kou", first: 5) { unit { name } matchKind } }"#,
    )
    .await;
    assert!(
        data["search"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["matchKind"] == "PREFIX")
    );
    assert_eq!(
        data["search"][0]["unit"]["name"], "Koulikoro",
        "the region first among equal matches"
    );
    let data = data_of(
        &api,
        r#"{ search(text: "rharous") { unit { __typename name } matchKind matchedName } }"#,
    )
    .await;
    let kinds: Vec<&str> = data["search"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["matchKind"].as_str().unwrap())
        .collect();
    let mut sorted = kinds.clone();
    sorted.sort_by_key(|k| {
        ["EXACT", "PREFIX", "WORD", "FUZZY"]
            .iter()
            .position(|x| x == k)
    });
    assert_eq!(kinds, sorted);
    assert_eq!(
        data["search"][0],
        json!({"unit": {"__typename": "Commune", "name": "Rharous"}, "matchKind": "EXACT", "matchedName": "Rharous"})
    );
    assert!(
        kinds.contains(&"WORD"),
        "Gourma-Rharous cercle by its second word: {kinds:?}"
    );
    let typo = data_of(
        &api,
        r#"{ search(text: "Tombuctou", first: 1) { unit { name } matchKind distance } }"#,
    )
    .await;
    assert_eq!(
        typo["search"][0],
        json!({"unit": {"name": "Tombouctou"}, "matchKind": "FUZZY", "distance": 1})
    );
}

async fn data_of(api: &mali_admin::graphql::Api, query: &str) -> Value {
    data(api, query).await
}

#[tokio::test]
async fn every_homonym_comes_back_distinguishable_by_its_path() {
    let api = api();
    for name in [
        "Baye",
        "Somo",
        "Bamba",
        "Benkadi",
        "Diédougou",
        "Tilemsi",
        "Bougoula",
        "Faraba",
        "Farako",
        "Koula",
        "Kapala",
        "Dogofry",
        "Niamana",
        "Niono",
    ] {
        let query = format!(
            r#"{{ search(text: "{name}", levels: [COMMUNE], asOf: "2010-01-01") {{ matchKind label unit {{ code }} }} }}"#
        );
        let data = data(&api, &query).await;
        let exact: Vec<&Value> = data["search"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["matchKind"] == "EXACT")
            .collect();
        assert!(exact.len() >= 2, "{name}: {exact:?}");
        let mut labels: Vec<&str> = exact.iter().map(|h| h["label"].as_str().unwrap()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(
            labels.len(),
            exact.len(),
            "{name}: labels must differ: {labels:?}"
        );
    }
}

#[tokio::test]
async fn search_refuses_empty_text_and_absurd_sizes() {
    let api = api();
    for query in [
        r#"{ search(text: "  ") { label } }"#,
        r#"{ search(text: "kati", first: 0) { label } }"#,
        r#"{ search(text: "kati", first: 1000) { label } }"#,
    ] {
        assert_eq!(
            errors(&api, query).await[0]["extensions"]["code"],
            "BAD_USER_INPUT",
            "{query}"
        );
    }
}

#[tokio::test]
async fn lists_filter_by_region_cercle_urban_name_and_population() {
    let api = api();
    let total = |v: &Value, list: &str| v[list]["totalCount"].as_i64().unwrap();
    let d = data(
        &api,
        r#"{ communes(filter: { region: "Bandiagara" }) { totalCount } }"#,
    )
    .await;
    // 49 communes of the old Bandiagara, Bankass and Koro cercles, and Iréli (created in 2023).
    assert_eq!(total(&d, "communes"), 50);
    let d = data(
        &api,
        r#"{ communes(filter: { region: "Mopti" }, asOf: "2010-01-01") { totalCount } }"#,
    )
    .await;
    assert_eq!(total(&d, "communes"), 108);
    let d = data(&api, r#"{ communes(filter: { cercle: "Bankass", urban: false }, asOf: "2010-01-01") { totalCount } }"#).await;
    assert_eq!(total(&d, "communes"), 12);
    let d = data(
        &api,
        r#"{ communes(filter: { urban: true }) { totalCount } }"#,
    )
    .await;
    assert_eq!(total(&d, "communes"), 37);
    let d = data(
        &api,
        r#"{ communes(filter: { name: "diedougou" }) { edges { node { code } } } }"#,
    )
    .await;
    assert_eq!(d["communes"]["edges"].as_array().unwrap().len(), 4);
    let d = data(&api, r#"{ communes(filter: { population: { year: 2009, min: 300000 } }) { edges { node { name } } } }"#).await;
    assert_eq!(
        names(&Value::Array(
            d["communes"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone())
                .collect()
        )),
        ["Commune I", "Commune IV", "Commune V", "Commune VI"]
    );
    let d = data(
        &api,
        r#"{ cercles(filter: { region: "07" }, asOf: "2010-01-01") { totalCount } }"#,
    )
    .await;
    assert_eq!(
        total(&d, "cercles"),
        4,
        "Gao's cercles on map A, region given by code"
    );
    let d = data(
        &api,
        r#"{ units(filter: { levels: [REGION], name: "ko" }) { edges { node { name } } } }"#,
    )
    .await;
    let found: Vec<&str> = d["units"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["Koulikoro", "Koutiala"]);
    let d = data(
        &api,
        r#"{ region(name: "Ségou") { cercles(filter: { name: "ma" }) { name } } }"#,
    )
    .await;
    assert_eq!(names(&d["region"]["cercles"]), ["Macina", "Markala"]);
    assert_eq!(
        errors(
            &api,
            r#"{ communes(filter: { region: "Atlantis" }) { totalCount } }"#
        )
        .await[0]["extensions"]["code"],
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn lists_order_by_name_population_and_code_both_ways() {
    let api = api();
    let first_names = |v: &Value| -> Vec<String> {
        v["cercles"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let d = data(
        &api,
        r#"{ cercles(asOf: "2010-01-01", first: 3) { edges { node { name } } } }"#,
    )
    .await;
    assert_eq!(first_names(&d), ["Abeïbara", "Ansongo", "Bafoulabé"]);
    let d = data(&api, r#"{ cercles(asOf: "2010-01-01", first: 3, orderBy: { direction: DESC }) { edges { node { name } } } }"#).await;
    assert_eq!(first_names(&d), ["Youwarou", "Yorosso", "Yélimané"]);
    let d = data(&api, r#"{ cercles(asOf: "2010-01-01", first: 2, orderBy: { field: POPULATION, year: 1998 }) { edges { node { name population(year: 1998) } } } }"#).await;
    assert_eq!(
        first_names(&d),
        ["Tin-Essako", "Abeïbara"],
        "the two smallest in 1998: 2,923 and 7,629"
    );
    let d = data(
        &api,
        r#"{ cercles(first: 2, orderBy: { field: CODE }) { edges { node { code } } } }"#,
    )
    .await;
    assert_eq!(d["cercles"]["edges"][0]["node"]["code"], "0101");
    let d = data(&api, r#"{ cercles(last: 1, orderBy: { field: POPULATION, year: 2009, direction: DESC }) { edges { node { population(year: 2009) } } } }"#).await;
    assert_eq!(
        d["cercles"]["edges"][0]["node"]["population"],
        json!(null),
        "units without a figure come last"
    );
    assert_eq!(
        errors(
            &api,
            r#"{ cercles(orderBy: { field: POPULATION }) { totalCount } }"#
        )
        .await[0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
}

#[tokio::test]
async fn pages_walk_the_whole_list_and_stop_at_its_ends() {
    let api = api();
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let after_arg = after
            .as_ref()
            .map_or(String::new(), |c| format!(r#", after: "{c}""#));
        let query = format!(
            r#"{{ communes(first: 250{after_arg}) {{ totalCount pageInfo {{ hasNextPage hasPreviousPage endCursor }} edges {{ node {{ code }} }} }} }}"#
        );
        let d = data(&api, &query).await;
        let page = &d["communes"];
        // Map C: the 703 communes of seed 001 and Iréli.
        assert_eq!(page["totalCount"], 704);
        assert_eq!(page["pageInfo"]["hasPreviousPage"], after.is_some());
        seen.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["code"].as_str().unwrap().to_owned()),
        );
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = Some(page["pageInfo"]["endCursor"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen.len(), 704);
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 704, "no commune twice");

    let d = data(&api, r#"{ communes(last: 2) { pageInfo { hasNextPage hasPreviousPage startCursor } edges { node { name } } } }"#).await;
    assert_eq!(d["communes"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(d["communes"]["pageInfo"]["hasPreviousPage"], true);
    let before = d["communes"]["pageInfo"]["startCursor"].as_str().unwrap();
    let d2 = data(
        &api,
        &format!(
            r#"{{ communes(last: 1, before: "{before}") {{ edges {{ node {{ name }} }} }} }}"#
        ),
    )
    .await;
    assert_eq!(d2["communes"]["edges"].as_array().unwrap().len(), 1);
    let d = data(
        &api,
        r#"{ communes(first: 0) { edges { cursor } pageInfo { hasNextPage } } }"#,
    )
    .await;
    assert_eq!(
        d["communes"],
        json!({"edges": [], "pageInfo": {"hasNextPage": true}})
    );
}

#[tokio::test]
async fn bad_page_arguments_get_clear_errors() {
    let api = api();
    for (query, code) in [
        (
            r#"{ communes(after: "not-a-cursor") { totalCount } }"#,
            "INVALID_CURSOR",
        ),
        (
            r#"{ communes(before: "b2Zmc2V0Oi0x") { totalCount } }"#,
            "INVALID_CURSOR",
        ),
        (
            r#"{ communes(first: -1) { totalCount } }"#,
            "BAD_USER_INPUT",
        ),
        (
            r#"{ communes(last: 5000) { totalCount } }"#,
            "BAD_USER_INPUT",
        ),
    ] {
        assert_eq!(
            errors(&api, query).await[0]["extensions"]["code"],
            code,
            "{query}"
        );
    }
}

#[tokio::test]
async fn global_ids_fetch_their_objects_back() {
    let api = api();
    let d = data(
        &api,
        r#"{ cercle(name: "Bankass") { id } commune(code: "CM-0204-09") { id } country { id } }"#,
    )
    .await;
    let ids = [&d["cercle"]["id"], &d["commune"]["id"], &d["country"]["id"]];
    let list = ids
        .iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let query = format!(
        r#"{{ nodes(ids: [{list}]) {{ __typename id ... on AdminUnit {{ code }} }} one: node(id: {}) {{ ... on Cercle {{ name }} }} }}"#,
        ids[0]
    );
    let back = data(&api, &query).await;
    assert_eq!(back["nodes"][0]["code"], "1903");
    assert_eq!(back["nodes"][1]["__typename"], "Commune");
    assert_eq!(back["nodes"][2]["code"], "ML");
    assert_eq!(back["one"]["name"], "Bankass");
    assert_eq!(
        errors(&api, r#"{ node(id: "1903") { id } }"#).await[0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    assert_eq!(
        errors(&api, r#"{ node(id: "Q2VyY2xlOjk5OTk") { id } }"#).await[0]["extensions"]["code"],
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn units_count_their_cercles_and_communes_and_grow_between_censuses() {
    let api = api();
    let d = data(&api, r#"{ country { counts { cercles communes urbanCommunes ruralCommunes } growth { fromValue toValue change } }
                          region(name: "Bandiagara") { counts { cercles communes } } }"#).await;
    assert_eq!(
        d["country"]["counts"],
        json!({"cercles": 159, "communes": 704, "urbanCommunes": 37, "ruralCommunes": 667})
    );
    assert_eq!(
        d["country"]["growth"],
        json!({"fromValue": 9810912, "toValue": 14528662, "change": 4717750})
    );
    assert_eq!(d["region"]["counts"], json!({"cercles": 9, "communes": 50}));
    let d = data(&api, r#"{ cercle(name: "Gao", asOf: "2010-01-01") { published: growth { fromValue toValue } computed: growth(basis: COMPUTED) { fromValue toValue approximate } } }"#).await;
    assert_eq!(
        d["cercle"]["published"],
        json!({"fromValue": 171253, "toValue": 239535})
    );
    assert_eq!(
        d["cercle"]["computed"]["fromValue"], 143300,
        "the communes' 1998 sum, kept apart"
    );
    let d = data(&api, r#"{ region(name: "San") { published: growth { fromValue } computed: growth(basis: COMPUTED) { fromValue toValue approximate } } }"#).await;
    assert_eq!(
        d["region"]["published"],
        json!(null),
        "no published census figures for a 2023 region"
    );
    assert_eq!(
        d["region"]["computed"]["approximate"], true,
        "Yangasso's placement is uncertain"
    );
}

#[tokio::test]
async fn a_cursor_is_bound_to_its_list_and_refused_under_another() {
    let api = api();
    let d = data(
        &api,
        r#"{ communes(filter: { urban: true }, first: 2) { edges { cursor node { name } } } }"#,
    )
    .await;
    let cursor = &d["communes"]["edges"][1]["cursor"];
    // The same list pages on from it.
    let next = data(
        &api,
        &format!(r#"{{ communes(filter: {{ urban: true }}, first: 1, after: {cursor}) {{ nodes {{ urban }} }} }}"#),
    )
    .await;
    assert_eq!(next["communes"]["nodes"][0]["urban"], true);
    // Another filter, another order, another date, another list: refused.
    for other in [
        format!(r#"{{ communes(first: 1, after: {cursor}) {{ totalCount }} }}"#),
        format!(
            r#"{{ communes(filter: {{ urban: true }}, orderBy: {{ field: CODE }}, first: 1, after: {cursor}) {{ totalCount }} }}"#
        ),
        format!(
            r#"{{ communes(filter: {{ urban: true }}, asOf: "2010-01-01", first: 1, after: {cursor}) {{ totalCount }} }}"#
        ),
        format!(
            r#"{{ cercles(filter: {{ urban: true }}, first: 1, before: {cursor}) {{ totalCount }} }}"#
        ),
    ] {
        let errors = errors(&api, &other).await;
        assert_eq!(errors[0]["extensions"]["code"], "INVALID_CURSOR", "{other}");
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap()
                .contains("another list"),
            "{other}: {errors:?}"
        );
    }
}
