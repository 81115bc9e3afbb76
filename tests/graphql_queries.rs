//! The GraphQL API in process: the queries of the foundation issue as written, lookups, dates
//! and coded errors.
#![allow(clippy::unwrap_used)]

mod common;

use common::{api, data, errors, names};
use serde_json::json;

#[tokio::test]
async fn regions_today_are_the_twenty_units_of_the_2023_map_with_their_2023_population() {
    let api = api();
    let data = data(&api, "{ regions { number name population(year: 2023) } }").await;
    let regions = data["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 20);
    assert_eq!(
        regions[0],
        json!({"number": "00", "name": "Bamako", "population": 4227569})
    );
    assert_eq!(
        regions[17],
        json!({"number": "17", "name": "Bandiagara", "population": 868916})
    );
    assert_eq!(
        regions[19],
        json!({"number": "19", "name": "Douentza", "population": 170189})
    );
    let numbers: Vec<_> = regions
        .iter()
        .map(|r| r["number"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..20).map(|n| format!("{n:02}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn the_2010_tree_holds_nine_first_level_units_49_cercles_and_703_communes() {
    let api = api();
    let query = r#"{ regions(asOf: "2010-01-01") { name cercles { name communes { name urban population(year: 2009) } } communes { name } } }"#;
    let data = data(&api, query).await;
    let regions = data["regions"].as_array().unwrap();
    assert_eq!(
        names(&data["regions"]),
        [
            "Bamako",
            "Kayes",
            "Koulikoro",
            "Sikasso",
            "Ségou",
            "Mopti",
            "Tombouctou",
            "Gao",
            "Kidal"
        ]
    );
    let cercles: Vec<_> = regions
        .iter()
        .flat_map(|r| r["cercles"].as_array().unwrap())
        .collect();
    assert_eq!(cercles.len(), 49);
    let in_cercles: usize = cercles
        .iter()
        .map(|c| c["communes"].as_array().unwrap().len())
        .sum();
    let in_regions: usize = regions
        .iter()
        .map(|r| r["communes"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        in_cercles, 697,
        "703 communes less Bamako's six, which have no cercle"
    );
    assert_eq!(in_regions, 703);
    let bamako = &regions[0];
    assert_eq!(bamako["cercles"], json!([]));
    assert_eq!(
        names(&bamako["communes"]),
        [
            "Commune I",
            "Commune II",
            "Commune III",
            "Commune IV",
            "Commune V",
            "Commune VI"
        ]
    );
    let mopti = regions.iter().find(|r| r["name"] == "Mopti").unwrap();
    assert_eq!(
        names(&mopti["cercles"]),
        [
            "Bandiagara",
            "Bankass",
            "Djenné",
            "Douentza",
            "Koro",
            "Mopti",
            "Ténenkou",
            "Youwarou"
        ]
    );
    let bankass = common::named(&mopti["cercles"], "Bankass");
    let sokoura = common::named(&bankass["communes"], "Sokoura");
    assert_eq!(
        sokoura,
        &json!({"name": "Sokoura", "urban": false, "population": 38565})
    );
}

#[tokio::test]
async fn bandiagara_region_has_its_nine_cercles_today() {
    let api = api();
    let data = data(
        &api,
        r#"{ region(name: "Bandiagara") { number cercles { name } } }"#,
    )
    .await;
    assert_eq!(data["region"]["number"], "17");
    assert_eq!(
        names(&data["region"]["cercles"]),
        [
            "Bandiagara",
            "Bankass",
            "Dialassagou",
            "Kani",
            "Kendié",
            "Koro",
            "Ningari",
            "Sangha",
            "Sokoura"
        ]
    );
}

#[tokio::test]
async fn bankass_is_one_cercle_that_moved_from_mopti_to_bandiagara() {
    let api = api();
    let query = r#"{ cercle(name: "Bankass") { name in2010: region(asOf: "2010-01-01") { name } region { name } population(year: 1998) } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"cercle": {"name": "Bankass", "in2010": {"name": "Mopti"}, "region": {"name": "Bandiagara"}, "population": 195582}})
    );
}

#[tokio::test]
async fn diedougou_of_kati_is_found_by_its_cercle() {
    let api = api();
    let query = r#"{ commune(name: "Diédougou", cercle: "Kati") { name urban cercle { name } population(year: 2009) } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"commune": {"name": "Diédougou", "urban": false, "cercle": {"name": "Kati"}, "population": 10512}})
    );
}

#[tokio::test]
async fn a_homonym_without_its_cercle_is_ambiguous_and_lists_the_four_candidates() {
    let api = api();
    let errors = errors(&api, r#"{ commune(name: "Diédougou") { name } }"#).await;
    let extensions = &errors[0]["extensions"];
    assert_eq!(extensions["code"], "AMBIGUOUS");
    let within: Vec<_> = extensions["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["within"].as_str().unwrap())
        .collect();
    assert_eq!(
        within,
        [
            "Kati cercle, Koulikoro region",
            "Ségou cercle, Ségou region",
            "Dioïla cercle, Dioïla region",
            // Koutiala's Diédougou lies in Konséguéla since 2023 (French Wikipedia's Cercle de
            // Koutiala page).
            "Konséguéla cercle, Koutiala region"
        ]
    );
}

#[tokio::test]
async fn names_match_without_case_or_accents_and_through_aliases() {
    let api = api();
    for (query, expected) in [
        (
            r#"{ region(name: "segou") { number } }"#,
            json!({"region": {"number": "04"}}),
        ),
        (
            r#"{ region(name: "TOMBOUCTOU") { number } }"#,
            json!({"region": {"number": "06"}}),
        ),
        (
            r#"{ region(name: "Timbuktu") { number } }"#,
            json!({"region": {"number": "06"}}),
        ),
        (
            r#"{ region(name: "Dioila") { number } }"#,
            json!({"region": {"number": "12"}}),
        ),
        (
            r#"{ cercle(name: "Nioro") { code name } }"#,
            json!({"cercle": {"code": "1101", "name": "Nioro du Sahel"}}),
        ),
        (
            r#"{ commune(name: "Toubakoro") { name } }"#,
            json!({"commune": {"name": "Toubacoro"}}),
        ),
        (
            r#"{ commune(name: "ntillit") { name } }"#,
            json!({"commune": {"name": "N'Tillit"}}),
        ),
    ] {
        assert_eq!(data(&api, query).await, expected, "{query}");
    }
}

#[tokio::test]
async fn units_are_found_by_codes_of_every_system() {
    let api = api();
    for (query, expected) in [
        (r#"{ cercle(code: "ML0503") { name } }"#, "Bankass"),
        (r#"{ cercle(code: "1903") { name } }"#, "Bankass"),
        (r#"{ region(code: "ML-9") { name } }"#, "Ménaka"),
        (r#"{ cercle(code: "ML0704") { name } }"#, "Ménaka"),
        (r#"{ cercle(code: "ML0502") { name } }"#, "Bandiagara"),
        (r#"{ region(code: "10") { name } }"#, "Ménaka"),
        (r#"{ commune(code: "CM-0204-09") { name } }"#, "Diédougou"),
    ] {
        let data = data(&api, query).await;
        let unit = data.as_object().unwrap().values().next().unwrap();
        assert_eq!(unit["name"], expected, "{query}");
    }
    let data = data(&api, r#"{ unit(code: "ML") { __typename name } }"#).await;
    assert_eq!(
        data,
        json!({"unit": {"__typename": "Country", "name": "Mali"}})
    );
}

#[tokio::test]
async fn a_unit_is_found_whatever_the_date_and_says_whether_it_is_in_force() {
    let api = api();
    let query = r#"{ region(name: "Bandiagara", asOf: "2010-01-01") { validFrom status cercles { name } now: status(asOf: "2024-01-01") } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"region": {"validFrom": "2023-03-13", "status": "NOT_YET_CREATED", "cercles": [], "now": "IN_FORCE"}})
    );
}

#[tokio::test]
async fn the_map_changes_on_its_boundary_days() {
    let api = api();
    for (date, count) in [
        ("1996-11-04", 9),
        ("2016-01-18", 9),
        ("2016-01-19", 11),
        ("2023-03-12", 11),
        ("2023-03-13", 20),
    ] {
        let query = format!(r#"{{ regions(asOf: "{date}") {{ name }} }}"#);
        let data = data(&api, &query).await;
        assert_eq!(data["regions"].as_array().unwrap().len(), count, "{date}");
    }
}

#[tokio::test]
async fn absent_figures_are_null_never_zero() {
    let api = api();
    let query = r#"{ alata: commune(name: "Alata") { p1998: population(year: 1998) p2009: population(year: 2009) validFrom }
                  bougouni: region(name: "Bougouni") { p1998: population(year: 1998) p2009: population(year: 2009) }
                  kayes: region(name: "Kayes") { p2015: population(year: 2015) } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"alata": {"p1998": null, "p2009": 2856, "validFrom": "2001-06-07"},
               "bougouni": {"p1998": 1500900, "p2009": null},
               "kayes": {"p2015": null}})
    );
}

#[tokio::test]
async fn every_population_figure_says_its_source_and_territory() {
    let api = api();
    let data = data(
        &api,
        r#"{ region(name: "Ménaka") { populations { year value kind source territory } } }"#,
    )
    .await;
    let figures = data["region"]["populations"].as_array().unwrap();
    assert_eq!(figures.len(), 3);
    assert_eq!(figures[0]["year"], 2009);
    assert_eq!(figures[0]["value"], 54456);
    assert_eq!(figures[0]["kind"], "CENSUS");
    assert!(
        figures[0]["territory"]
            .as_str()
            .unwrap()
            .contains("later region")
    );
    assert_eq!(figures[2]["kind"], "REPORTED");
}

#[tokio::test]
async fn maps_show_our_counts_beside_the_counts_the_sources_state() {
    let api = api();
    let data = data(&api, "{ maps { name from until counts { regions districts cercles communes } statedCounts { cercles communes } } }").await;
    let maps = data["maps"].as_array().unwrap();
    assert_eq!(maps.len(), 4);
    assert_eq!(maps[0]["from"], "1996-11-04");
    assert_eq!(maps[0]["counts"]["communes"], 701);
    assert_eq!(maps[2]["name"], "B");
    assert_eq!(maps[2]["counts"]["cercles"], 58);
    assert_eq!(maps[2]["statedCounts"]["cercles"], 56);
    assert_eq!(
        maps[3]["counts"],
        json!({"regions": 19, "districts": 1, "cercles": 159, "communes": 704})
    );
    assert_eq!(maps[3]["until"], json!(null));
}

#[tokio::test]
async fn reorganisations_list_the_three_changes_of_the_map() {
    let api = api();
    let data = data(&api, "{ reorganisations { date regionsCreated { name } } }").await;
    let events = data["reorganisations"].as_array().unwrap();
    let dates: Vec<_> = events.iter().map(|e| e["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2001-06-07", "2016-01-19", "2023-03-13"]);
    assert_eq!(names(&events[1]["regionsCreated"]), ["Taoudénit", "Ménaka"]);
    assert_eq!(events[2]["regionsCreated"].as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn communes_sit_where_decisions_put_them_on_maps_b_and_c() {
    let api = api();
    let query = r#"{ alata: commune(name: "Alata") { a: cercle(asOf: "2010-01-01") { name } b: cercle(asOf: "2017-01-01") { name } region { name } }
                  salam: commune(name: "Salam") { a: region(asOf: "2010-01-01") { name } b: cercle(asOf: "2017-01-01") { name } bRegion: region(asOf: "2017-01-01") { name } }
                  ouel: commune(name: "Ouélessébougou", cercle: "Kati") { region { name } cercle { name } in2010: cercle(asOf: "2010-01-01") { name } } }"#;
    assert_eq!(
        data(&api, query).await,
        json!({"alata": {"a": {"name": "Ménaka"}, "b": {"name": "Tidermène"}, "region": {"name": "Ménaka"}},
               "salam": {"a": {"name": "Tombouctou"}, "b": null, "bRegion": {"name": "Taoudénit"}},
               "ouel": {"region": {"name": "Bougouni"}, "cercle": {"name": "Ouéléssébougou"}, "in2010": {"name": "Kati"}}})
    );
}

#[tokio::test]
async fn nested_lists_are_loaded_in_one_batch_per_level() {
    assert_one_batch_per_level().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_lists_are_loaded_in_one_batch_per_level_on_a_multi_threaded_runtime() {
    assert_one_batch_per_level().await;
}

async fn assert_one_batch_per_level() {
    let api = api();
    let query =
        r#"{ regions(asOf: "2010-01-01") { cercles { communes { name region { name } } } } }"#;
    data(&api, query).await;
    let stats = &api.loader_stats;
    // One batch for the 9 first-level units' cercles, one for the 49 cercles' communes.
    assert_eq!(stats.descendants.batches(), 2);
    assert_eq!(stats.descendants.keys(), 9 + 49);
    // One batch for the regions of all 697 communes in cercles.
    assert_eq!(stats.ancestors.batches(), 1);
    assert_eq!(stats.ancestors.keys(), 697);
}

#[tokio::test]
async fn bad_arguments_get_coded_errors() {
    let api = api();
    for (query, code) in [
        (r#"{ region(name: "Atlantis") { name } }"#, "NOT_FOUND"),
        (r#"{ cercle(code: "9999") { name } }"#, "NOT_FOUND"),
        (
            r#"{ commune(name: "Diédougou", cercle: "Bankass") { name } }"#,
            "NOT_FOUND",
        ),
        (r#"{ unit(code: "XX") { name } }"#, "NOT_FOUND"),
        (r#"{ region { name } }"#, "BAD_USER_INPUT"),
        (
            r#"{ regions(asOf: "1996-11-03") { name } }"#,
            "OUT_OF_RANGE",
        ),
        (
            r#"{ cercle(name: "Kati") { region(asOf: "1980-01-01") { name } } }"#,
            "OUT_OF_RANGE",
        ),
        // A literal that is no date is refused by validation, before execution.
        (
            r#"{ regions(asOf: "2010-1-1") { name } }"#,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            r#"{ regions(asOf: "2010-02-30") { name } }"#,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (r#"{ regions { nom } }"#, "GRAPHQL_VALIDATION_FAILED"),
        (r#"{ regions { name "#, "GRAPHQL_PARSE_FAILED"),
    ] {
        let errors = errors(&api, query).await;
        assert_eq!(errors[0]["extensions"]["code"], code, "{query}: {errors:?}");
    }
}

#[tokio::test]
async fn every_map_has_a_key_and_every_source_of_its_counts() {
    let api = api();
    let d = data(
        &api,
        "{ maps { key name statedCountsBySource { source cercles arrondissements communes villages confidence } } }",
    )
    .await;
    let maps = d["maps"].as_array().unwrap();
    let keys: Vec<&str> = maps.iter().map(|m| m["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "A:1996-11-04",
            "A:2001-06-07",
            "B:2016-01-19",
            "C:2023-03-13"
        ]
    );
    let c = maps[3]["statedCountsBySource"].as_array().unwrap();
    let column =
        |field: &str| -> Vec<serde_json::Value> { c.iter().map(|s| s[field].clone()).collect() };
    assert_eq!(
        column("cercles"),
        [json!(159), json!(156), json!(156), json!(159), json!(159)]
    );
    assert_eq!(
        column("communes"),
        [json!(819), json!(819), json!(807), json!(815), json!(815)]
    );
    assert_eq!(
        column("arrondissements"),
        [json!(466), json!(466), json!(null), json!(474), json!(481)]
    );
    assert_eq!(c[0]["source"], "seed 000");
    assert_eq!(c[4]["confidence"], "LOW");
    let b = maps[2]["statedCountsBySource"].as_array().unwrap();
    assert!(b.iter().all(|s| s["cercles"] == 56));
}
