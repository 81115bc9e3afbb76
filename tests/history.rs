//! History: dates flowing through nested queries, lineage, region history, projection, computed
//! populations and the reorganisations, with the queries of the history issue as written.
#![allow(clippy::unwrap_used)]

mod common;

use common::{api, data, errors, names};
use serde_json::{Value, json};

#[tokio::test]
async fn the_history_queries_answer_as_written() {
    let api = api();
    let count = |v: &Value| v["regions"].as_array().unwrap().len();
    assert_eq!(
        count(&data(&api, r#"{ regions(asOf: "2010-01-01") { name } }"#).await),
        9
    );
    assert_eq!(
        count(&data(&api, r#"{ regions(asOf: "2017-01-01") { name } }"#).await),
        11
    );
    assert_eq!(
        data(
            &api,
            r#"{ cercle(name: "Bankass") { regionHistory { region { name } from until } } }"#
        )
        .await,
        json!({"cercle": {"regionHistory": [
            {"region": {"name": "Mopti"}, "from": null, "until": "2023-03-13"},
            {"region": {"name": "Bandiagara"}, "from": "2023-03-13", "until": null}]}})
    );
    assert_eq!(
        data(
            &api,
            r#"{ region(name: "Bandiagara") { predecessors { region { name } } } }"#
        )
        .await,
        json!({"region": {"predecessors": [{"region": {"name": "Mopti"}}]}})
    );
    assert_eq!(
        data(
            &api,
            r#"{ region(name: "Mopti") { successors { region { name } } } }"#
        )
        .await,
        json!({"region": {"successors": [{"region": {"name": "Bandiagara"}}, {"region": {"name": "Douentza"}}]}})
    );
    let events = data(&api, "{ reorganisations { date regionsCreated { name } } }").await;
    let dates: Vec<_> = events["reorganisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["date"].clone())
        .collect();
    assert_eq!(
        dates,
        [
            json!("2001-06-07"),
            json!("2016-01-19"),
            json!("2023-03-13")
        ]
    );
    assert_eq!(
        data(
            &api,
            r#"{ cercle(name: "Ménaka", asOf: "2012-06-01") { region { name } } }"#
        )
        .await,
        json!({"cercle": {"region": {"name": "Gao"}}})
    );
    assert_eq!(
        data(
            &api,
            r#"{ commune(name: "Ouélessébougou", cercle: "Kati") { region { name } } }"#
        )
        .await,
        json!({"commune": {"region": {"name": "Bougouni"}}})
    );
}

#[tokio::test]
async fn as_of_flows_down_nested_fields_unless_a_field_sets_its_own() {
    let api = api();
    let query = r#"{ regions(asOf: "2020-01-01") { name asOf cercles { asOf region { name } now: region(asOf: "2024-01-01") { name } } } }"#;
    let data = data(&api, query).await;
    let mopti = data["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Mopti")
        .unwrap();
    let bankass = &mopti["cercles"][1];
    assert_eq!(bankass["asOf"], "2020-01-01");
    assert_eq!(bankass["region"]["name"], "Mopti");
    assert_eq!(bankass["now"]["name"], "Bandiagara");
}

#[tokio::test]
async fn the_boundary_days_belong_to_the_new_map() {
    let api = api();
    let query = r#"{ menaka: cercle(name: "Ménaka") { before: region(asOf: "2016-01-18") { name } on: region(asOf: "2016-01-19") { name } }
                  bankass: cercle(name: "Bankass") { before: region(asOf: "2023-03-12") { name } on: region(asOf: "2023-03-13") { name } }
                  alata: commune(name: "Alata") { before: status(asOf: "2001-06-06") on: status(asOf: "2001-06-07") } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"menaka": {"before": {"name": "Gao"}, "on": {"name": "Ménaka"}},
               "bankass": {"before": {"name": "Mopti"}, "on": {"name": "Bandiagara"}},
               "alata": {"before": "NOT_YET_CREATED", "on": "IN_FORCE"}})
    );
}

#[tokio::test]
async fn each_reorganisation_lists_what_it_created_moved_and_split() {
    let api = api();
    let query = "{ reorganisations { date legalActs dateCertainty regionsCreated { name } cerclesCreated { name }
                   communesCreated { name } moves { unit { name level } from { name } to { name } confidence }
                   splits { from { name } link { kind partial unit { name } } } } }";
    let data = data(&api, query).await;
    let events = data["reorganisations"].as_array().unwrap();

    let communes_2001 = &events[0];
    assert_eq!(
        names(&communes_2001["communesCreated"]),
        ["Alata", "Intadjedite"]
    );
    assert_eq!(
        communes_2001["legalActs"],
        json!(["Law 01-043 of 7 June 2001"])
    );
    assert_eq!(communes_2001["moves"], json!([]));

    let regions_2016 = &events[1];
    assert_eq!(regions_2016["dateCertainty"], "HIGH");
    assert_eq!(
        regions_2016["cerclesCreated"].as_array().unwrap().len(),
        9,
        "3 in Ménaka, 6 in Taoudénit"
    );
    let moves = regions_2016["moves"].as_array().unwrap();
    assert_eq!(
        moves[0],
        json!({"unit": {"name": "Ménaka", "level": "CERCLE"}, "from": {"name": "Gao"}, "to": {"name": "Ménaka"}, "confidence": "HIGH"})
    );
    let salam = moves.iter().find(|m| m["unit"]["name"] == "Salam").unwrap();
    assert_eq!(salam["to"]["name"], "Taoudénit");
    assert_eq!(salam["confidence"], "MEDIUM");
    assert_eq!(
        moves.len(),
        6,
        "Ménaka cercle; Alata, Andéramboukane, Inékar, Tidermène; Salam"
    );

    let map_2023 = &events[2];
    assert_eq!(map_2023["dateCertainty"], "MEDIUM");
    assert_eq!(map_2023["regionsCreated"].as_array().unwrap().len(), 9);
    assert_eq!(
        map_2023["cerclesCreated"].as_array().unwrap().len(),
        101,
        "159 - 58"
    );
    let mut moved_cercles: Vec<_> = map_2023["moves"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["unit"]["level"] == "CERCLE")
        .map(|m| m["unit"]["name"].as_str().unwrap())
        .collect();
    moved_cercles.sort_unstable();
    assert_eq!(
        moved_cercles,
        [
            "Bandiagara",
            "Bankass",
            "Bougouni",
            "Dioïla",
            "Diéma",
            "Douentza",
            "Kita",
            "Kolondiéba",
            "Koro",
            "Koutiala",
            "Nara",
            "Nioro du Sahel",
            "San",
            "Tominian",
            "Yanfolila",
            "Yorosso"
        ],
        "the old cercles that went to the nine new regions"
    );
    let splits = map_2023["splits"].as_array().unwrap();
    assert!(splits.iter().any(|s| s["from"]["name"] == "Koulikoro"
        && s["link"] == json!({"kind": "PART_TRANSFERRED_TO", "partial": true, "unit": {"name": "Bamako"}})));
}

#[tokio::test]
async fn lineage_walks_go_forward_in_time_and_may_return_to_a_unit() {
    let api = api();
    let query = r#"{ region(name: "Tombouctou", asOf: "2010-01-01") { lineagePaths { units { name } hops { kind date partial } } } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"region": {"lineagePaths": [{"units": [{"name": "Tombouctou"}, {"name": "Taoudénit"}, {"name": "Tombouctou"}],
            "hops": [{"kind": "SPLIT_INTO", "date": "2016-01-19", "partial": true},
                     {"kind": "PART_TRANSFERRED_TO", "date": "2023-03-13", "partial": true}]}]}})
    );
    let query = r#"{ region(name: "Bamako") { lineagePaths(direction: BACKWARD) { units { name } hops { kind confidence } } } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"region": {"lineagePaths": [{"units": [{"name": "Bamako"}, {"name": "Koulikoro"}],
            "hops": [{"kind": "RECEIVED_PART_FROM", "confidence": "MEDIUM"}]}]}})
    );
}

#[tokio::test]
async fn lineage_links_carry_the_unit_under_its_level_and_the_event() {
    let api = api();
    let query = r#"{ cercle(name: "Bankass") { successors { kind date partial confidence unit { __typename name } cercle { name } region { name } event { date } } } }"#;
    let data = data(&api, query).await;
    let links = data["cercle"]["successors"].as_array().unwrap();
    let names: Vec<_> = links
        .iter()
        .map(|l| l["cercle"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Dialassagou", "Kani", "Sokoura"]);
    assert_eq!(
        links[1]["confidence"], "LOW",
        "Kani is probable, not verified"
    );
    assert_eq!(links[0]["unit"]["__typename"], "Cercle");
    assert_eq!(links[0]["region"], json!(null));
    assert_eq!(links[0]["event"]["date"], "2023-03-13");
}

#[tokio::test]
async fn communes_carry_their_region_history() {
    let api = api();
    let query = r#"{ commune(name: "Yangasso") { regionHistory { region { name } from until confidence } } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"commune": {"regionHistory": [
            {"region": {"name": "Ségou"}, "from": null, "until": "2023-03-13", "confidence": "HIGH"},
            {"region": {"name": "San"}, "from": "2023-03-13", "until": null, "confidence": "LOW"}]}})
    );
}

#[tokio::test]
async fn projection_finds_the_units_of_another_date_that_hold_a_territory() {
    let api = api();
    // The 2023 region of a 2009 commune.
    let query = r#"{ commune(name: "Sokoura", asOf: "2009-04-01") { projection(onto: "2024-01-01", level: REGION) { region { name } partial } } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"commune": {"projection": [{"region": {"name": "Bandiagara"}, "partial": false}]}})
    );
    // The 2023 cercles that came out of an old cercle.
    let query = r#"{ cercle(name: "Bankass", asOf: "2010-01-01") { projection(onto: "2024-01-01") { cercle { name } sharedCommunes partial } } }"#;
    let data_bankass = data(&api, query).await;
    let projection = &data_bankass["cercle"]["projection"];
    assert_eq!(
        names(
            &projection
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["cercle"].clone())
                .collect()
        ),
        ["Bankass", "Dialassagou", "Kani", "Sokoura"]
    );
    // 8: Koulogon Habbé went to Dialassagou (its commune page), Kani Bozon to Kani and the
    // seats to their cercles.
    assert_eq!(projection[0]["sharedCommunes"], 8);
    // The old cercles that make up a new region, each entirely within it.
    let query = r#"{ region(name: "Bandiagara") { projection(onto: "2010-01-01", level: CERCLE) { cercle { name } entirelyWithin } } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"region": {"projection": [
            {"cercle": {"name": "Bandiagara"}, "entirelyWithin": true},
            {"cercle": {"name": "Bankass"}, "entirelyWithin": true},
            {"cercle": {"name": "Koro"}, "entirelyWithin": true}]}})
    );
    // Territory no commune carries is found through lineage: Taoudénit gave much back in 2023.
    let query = r#"{ region(name: "Taoudénit", asOf: "2020-01-01") { projection(onto: "2024-01-01") { region { name } throughLineageOnly } } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"region": {"projection": [
            {"region": {"name": "Tombouctou"}, "throughLineageOnly": true},
            {"region": {"name": "Taoudénit"}, "throughLineageOnly": false}]}})
    );
}

#[tokio::test]
async fn a_new_region_gets_computed_census_figures_kept_apart_from_published_ones() {
    let api = api();
    let query = r#"{ region(name: "Douentza") { population(year: 2009) computedPopulation(year: 2009) { value computed approximate communesCounted published } } }"#;
    let data_douentza = data(&api, query).await;
    let region = &data_douentza["region"];
    assert_eq!(
        region["population"],
        json!(null),
        "no published 2009 figure"
    );
    let computed = &region["computedPopulation"];
    assert_eq!(computed["computed"], true);
    assert_eq!(computed["communesCounted"], 15);
    // Douentza region is the old Douentza cercle: its communes' 2009 figures.
    let cercle = data(&api, r#"{ cercle(name: "Douentza", asOf: "2010-01-01") { computedPopulation(year: 2009) { value } } }"#).await;
    assert_eq!(
        computed["value"],
        cercle["cercle"]["computedPopulation"]["value"]
    );
    // Where the sources do not add up, the difference is shown: Gao cercle in 1998.
    let gao = data(&api, r#"{ cercle(code: "0701", asOf: "2000-01-01") { computedPopulation(year: 1998) { value published difference } } }"#).await;
    assert_eq!(
        gao["cercle"]["computedPopulation"],
        json!({"value": 143300, "published": 171253, "difference": -27953})
    );
}

#[tokio::test]
async fn old_names_and_codes_find_their_units_with_validity_and_lineage() {
    let api = api();
    let query = r#"{ old: cercle(code: "ML0503") { name validFrom validUntil status }
                  nioro: cercle(name: "Nioro") { name codes { system value } }
                  timbuktu: region(name: "Timbuktu") { name successors { region { name } } } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"old": {"name": "Bankass", "validFrom": null, "validUntil": null, "status": "IN_FORCE"},
               "nioro": {"name": "Nioro du Sahel", "codes": [{"system": "CERCLE_2023", "value": "1101"}, {"system": "OCHA_PCODE", "value": "ML0106"}]},
               "timbuktu": {"name": "Tombouctou", "successors": [{"region": {"name": "Taoudénit"}}]}})
    );
}

#[tokio::test]
async fn a_2023_cercle_whose_communes_are_unknown_says_so() {
    let api = api();
    let query = r#"{ neguela: cercle(name: "Néguéla") { communesKnown communes { name } predecessors { cercle { name } } }
                  sokoura: cercle(name: "Sokoura") { communesKnown communes { name } } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"neguela": {"communesKnown": false, "communes": [], "predecessors": [{"cercle": {"name": "Kati"}}]},
               "sokoura": {"communesKnown": false, "communes": [{"name": "Sokoura"}]}})
    );
}

#[tokio::test]
async fn a_projection_before_the_data_is_out_of_range() {
    let api = api();
    let errors = errors(
        &api,
        r#"{ cercle(name: "Kati") { projection(onto: "1990-01-01") { unit { name } } } }"#,
    )
    .await;
    assert_eq!(errors[0]["extensions"]["code"], "OUT_OF_RANGE");
}

#[tokio::test]
async fn salam_stays_in_taoudenit_after_2023_with_low_confidence() {
    let api = api();
    let query = r#"{ commune(name: "Salam") { regionHistory { region { name } from until confidence } cercle { name } } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"commune": {"cercle": null, "regionHistory": [
            {"region": {"name": "Tombouctou"}, "from": null, "until": "2016-01-19", "confidence": "HIGH"},
            {"region": {"name": "Taoudénit"}, "from": "2016-01-19", "until": "2023-03-13", "confidence": "MEDIUM"},
            {"region": {"name": "Taoudénit"}, "from": "2023-03-13", "until": null, "confidence": "LOW"}]}})
    );
}
