//! Map C commune by commune (issue 14): every sourced 2023 placement applied or listed with its
//! reason, every placement's basis and confidence, complete lists and stated counts, the commune
//! created in 2023 (Iréli), and what follows on map C, with the issue's queries as written.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use axum::http::StatusCode;
use common::http::{GRAPHQL_RESPONSE, app, post_query, send};
use common::{api, data, date, graph, names};
use mali_admin::dataset::{Confidence, Level, PlacementBasis};
use serde_json::{Value, json};

fn manifest(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The rows of a CSV file as maps from column to value.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn the_issue_queries_answer_as_written() {
    let api = api();
    assert_eq!(
        data(&api, r#"{ commune(name: "Bancoumana") { cercle(asOf: "2024-06-01") { name code } in2010: cercle(asOf: "2010-01-01") { name } } }"#).await,
        json!({"commune": {"cercle": {"name": "Siby", "code": "0207"}, "in2010": {"name": "Kati"}}})
    );
    assert_eq!(
        data(
            &api,
            r#"{ cercle(name: "Siby") { communesKnown communes { name } } }"#
        )
        .await,
        json!({"cercle": {"communesKnown": true, "communes": [
            {"name": "Bancoumana"}, {"name": "Nioumamakana"}, {"name": "Siby"}, {"name": "Sobra"}]}})
    );
    assert_eq!(
        data(&api, r#"{ commune(name: "Niagadina") { region { name } in2010: region(asOf: "2010-01-01") { name } } }"#).await,
        json!({"commune": {"region": {"name": "Bougouni"}, "in2010": {"name": "Koulikoro"}}})
    );
    let kignan = data(&api, r#"{ cercle(name: "Kignan") { communes { name } } }"#).await;
    assert_eq!(
        names(&kignan["cercle"]["communes"]),
        [
            "Dialakoro",
            "Dogoni",
            "Doumanaba",
            "Kabarasso",
            "Kignan",
            "Koumankou",
            "Kourouma",
            "Sanzana",
            "Tella"
        ]
    );
    // Issue 13's query: the same period shape as `Cercle.regionHistory`.
    assert_eq!(
        data(
            &api,
            r#"{ commune(name: "Hombori") { cercleHistory { cercle { name } from until basis confidence } } }"#
        )
        .await,
        json!({"commune": {"cercleHistory": [
            {"cercle": {"name": "Douentza"}, "from": null, "until": "2023-03-13", "basis": "SEED", "confidence": "HIGH"},
            {"cercle": {"name": "Hombori"}, "from": "2023-03-13", "until": null, "basis": "SEAT_OF_NEW_CERCLE", "confidence": "MEDIUM"}]}})
    );
}

#[tokio::test]
async fn the_issue_query_answers_through_the_http_endpoint() {
    let reply = send(
        &app(),
        post_query(
            r#"{ commune(name: "Bancoumana") { cercle(asOf: "2024-06-01") { name code } in2010: cercle(asOf: "2010-01-01") { name } } }"#,
            GRAPHQL_RESPONSE,
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    // `data` only: every answer also carries its cost in `extensions` (issue 15).
    assert_eq!(
        reply.json()["data"],
        json!({"commune": {"cercle": {"name": "Siby", "code": "0207"}, "in2010": {"name": "Kati"}}})
    );
}

/// Every row of `reference/communes_2023_sourced.csv` has its row in our match, and every
/// applied row is where the API puts the commune on map C, with the row's confidence; the rows
/// not applied say why.
#[test]
fn every_sourced_placement_is_applied_or_listed_with_its_reason() {
    let reference = manifest("../shared/reference/communes_2023_sourced.csv");
    if !reference.exists() {
        eprintln!("../shared/reference is absent: the reference rows are not checked");
        return;
    }
    let ours = rows(&manifest("data/communes_2023_placed.csv"));
    let reference = rows(&reference);
    assert_eq!(reference.len(), 159);
    let key = |cercle: &str, name: &str| (cercle.to_owned(), name.to_owned());
    let ours_by_key: BTreeMap<_, _> = ours
        .iter()
        .map(|r| (key(&r["cercle"], &r["source_name"]), r))
        .collect();
    for row in &reference {
        let k = key(&row["cercle_code_2023"], &row["commune"]);
        let mine = ours_by_key
            .get(&k)
            .unwrap_or_else(|| panic!("{k:?} of the reference has no row in our match"));
        assert_eq!(mine["source_url"], row["source_url"], "{k:?}");
        assert_eq!(mine["evidence"], row["evidence"], "{k:?}");
    }
    // The one row of ours that is not the reference's: the urban commune of Mopti, which the
    // Mopti page names in its count.
    let extra: Vec<_> = ours_by_key
        .keys()
        .filter(|(c, n)| {
            !reference
                .iter()
                .any(|r| &r["cercle_code_2023"] == c && &r["commune"] == n)
        })
        .collect();
    assert_eq!(extra, [&key("0501", "Mopti")]);

    let graph = graph();
    let start = graph.map_c_start();
    let mut applied = 0;
    for row in &ours {
        let commune = graph.find_by_code(&row["commune"]).unwrap();
        let placement = graph
            .cercle_history(commune)
            .into_iter()
            .find(|p| p.placement.period.contains(start))
            .unwrap();
        let cercle = placement.cercle.map(|c| graph.unit(c).code.as_str());
        if row["applied"] == "yes" {
            applied += 1;
            assert_eq!(cercle, Some(row["cercle"].as_str()), "{row:?}");
            assert_eq!(
                placement.placement.basis,
                PlacementBasis::Sourced,
                "{row:?}"
            );
            let confidence = match row["confidence"].as_str() {
                "medium" => Confidence::Medium,
                "low" => Confidence::Low,
                other => panic!("unexpected confidence {other}"),
            };
            assert_eq!(placement.placement.confidence, confidence, "{row:?}");
        } else {
            assert!(row["note"].contains("not applied: "), "{row:?}");
            // Not placed by this row: by another source (Koréra Koré), a seat or an assumption.
            assert!(
                placement.placement.basis != PlacementBasis::Sourced
                    || cercle != Some(row["cercle"].as_str()),
                "{row:?}"
            );
        }
    }
    assert_eq!(applied, 154);
}

/// How much of map C is known: the table of `data/README.md`.
#[test]
fn map_c_placements_by_basis_are_the_readme_table() {
    let graph = graph();
    let start = graph.map_c_start();
    let mut by_basis: BTreeMap<String, usize> = BTreeMap::new();
    for commune in graph.in_force(Level::Commune, start) {
        let placement = graph
            .cercle_history(commune)
            .into_iter()
            .find(|p| p.placement.period.contains(start))
            .unwrap();
        if matches!(
            placement.placement.basis,
            PlacementBasis::AssumedUnchanged | PlacementBasis::NotInCompleteList
        ) {
            assert_eq!(
                placement.placement.confidence,
                Confidence::Low,
                "assumptions are LOW"
            );
        }
        *by_basis
            .entry(format!(
                "{:?} {:?}",
                placement.placement.basis, placement.placement.confidence
            ))
            .or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = [
        ("Sourced Medium", 127),
        ("Sourced Low", 27),
        ("SeatOfNewCercle Medium", 44),
        ("SeatOfNewCercle Low", 2),
        ("AssumedUnchanged Low", 496),
        // Bamako District's six communes: the district has no cercles.
        ("Seed High", 6),
        ("NotInCompleteList Low", 2),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(by_basis, expected);
    assert_eq!(by_basis.values().sum::<usize>(), 704);

    // Cercles: 8 known complete, 37 with some sourced commune, 78 with seats or assumptions
    // only, 36 with no commune placed.
    let mut complete = BTreeSet::new();
    let (mut partly, mut unsourced, mut empty) = (0, 0, 0);
    for cercle in graph.in_force(Level::Cercle, start) {
        let communes = graph.descendants(cercle, Level::Commune, start);
        let sourced = communes.iter().any(|c| {
            graph.cercle_history(*c).iter().any(|p| {
                p.placement.period.contains(start) && p.placement.basis == PlacementBasis::Sourced
            })
        });
        if graph.communes_known(cercle, start) {
            complete.insert(graph.unit(cercle).name.as_str());
        } else if sourced {
            partly += 1;
        } else if communes.is_empty() {
            empty += 1;
        } else {
            unsourced += 1;
        }
    }
    assert_eq!(
        complete,
        BTreeSet::from([
            "Kignan",
            "Konséguéla",
            "Koro",
            "M'Péssoba",
            "Mopti",
            "Siby",
            "Sy",
            "Zangasso"
        ])
    );
    assert_eq!((partly, unsourced, empty), (37, 78, 36));
}

/// A cercle listed complete holds exactly the communes its list names, and says so.
#[tokio::test]
async fn a_complete_list_is_the_cercles_communes_and_leaves_the_others_out() {
    let api = api();
    let d = data(&api, r#"{ mopti: cercle(name: "Mopti") { communesKnown statedCommunes { stated placed listComplete } communes { name } }
                          borondougou: commune(name: "Borondougou") { cercle { name } region { name } cercleHistory { cercle { name } from until basis confidence } } }"#).await;
    assert_eq!(d["mopti"]["communesKnown"], true);
    assert_eq!(
        d["mopti"]["statedCommunes"],
        json!({"stated": 12, "placed": 12, "listComplete": true})
    );
    assert_eq!(
        names(&d["mopti"]["communes"]),
        [
            "Bassirou",
            "Dialloubé",
            "Fatoma",
            "Koubaye",
            "Kounari",
            "Mopti",
            "Ouro Modi",
            "Ouroubé Douddé",
            "Sasalbé",
            "Sio",
            "Socoura",
            "Soye"
        ]
    );
    // Borondougou is not in Mopti's complete list: its 2023 cercle is unknown (Konna or
    // Korientzé, both of Mopti region, probably).
    assert_eq!(
        d["borondougou"],
        json!({"cercle": null, "region": {"name": "Mopti"}, "cercleHistory": [
            {"cercle": {"name": "Mopti"}, "from": null, "until": "2023-03-13", "basis": "SEED", "confidence": "HIGH"},
            {"cercle": null, "from": "2023-03-13", "until": null, "basis": "NOT_IN_COMPLETE_LIST", "confidence": "LOW"}]})
    );
    // Kayes's table lacks rows (its codes skip 01010101, the urban commune of Kayes): not
    // followed as complete, so Kayes keeps its other communes as assumptions.
    let d = data(&api, r#"{ cercle(name: "Kayes") { communesKnown communes { name } } commune(name: "Kayes") { cercleHistory { cercle { name } basis confidence } } }"#).await;
    assert_eq!(d["cercle"]["communesKnown"], false);
    assert_eq!(d["cercle"]["communes"].as_array().unwrap().len(), 25);
    assert_eq!(
        d["commune"]["cercleHistory"][1],
        json!({"cercle": {"name": "Kayes"}, "basis": "ASSUMED_UNCHANGED", "confidence": "LOW"})
    );
    // Kobri: the transitional Kita list is not followed, and says so on the assumption.
    let d = data(
        &api,
        r#"{ commune(name: "Kobri") { cercleHistory { cercle { name } basis confidence note } } }"#,
    )
    .await;
    let period = &d["commune"]["cercleHistory"][1];
    assert_eq!(period["basis"], "ASSUMED_UNCHANGED");
    assert!(
        period["note"]
            .as_str()
            .unwrap()
            .contains("not applied: the file marks it doubtful")
    );
}

/// Where two sources disagree both stay visible, and the data says which the API follows.
#[tokio::test]
async fn molobala_follows_both_sources_and_shows_the_stated_count() {
    let api = api();
    let d = data(&api, r#"{ cercle(name: "Molobala") { communesKnown statedCommunes { stated placed statedBy } communes { name cercleHistory { basis confidence } } } }"#).await;
    let cercle = &d["cercle"];
    assert_eq!(cercle["communesKnown"], false);
    assert_eq!(
        names(&cercle["communes"]),
        [
            "Diouradougou Kafo",
            "Goudié Sougouna",
            "Kapala",
            "Kolonigué",
            "Konigué"
        ]
    );
    for commune in cercle["communes"].as_array().unwrap() {
        assert_eq!(
            commune["cercleHistory"][1],
            json!({"basis": "SOURCED", "confidence": "LOW"})
        );
    }
    assert_eq!(cercle["statedCommunes"]["stated"], 4);
    assert_eq!(cercle["statedCommunes"]["placed"], 5);
    let ours = rows(&manifest("data/communes_2023_placed.csv"));
    let kolonigue = ours
        .iter()
        .find(|r| r["source_name"] == "Kolonigué")
        .unwrap();
    assert!(kolonigue["note"].contains("sources disagree"));
    // Koréra Koré: the Nioro list keeps it, its own page moves it; the API follows the page, and
    // the list it does not follow stays visible on the placement.
    let d = data(&api, r#"{ commune(name: "Koréra Koré") { cercle { name } cercleHistory { basis note } } cercle(name: "Koutiala") { statedCommunes { stated placed } } }"#).await;
    assert_eq!(d["commune"]["cercle"]["name"], "Troungoumbé");
    let note = d["commune"]["cercleHistory"][1]["note"].as_str().unwrap();
    assert!(note.contains("sources disagree"), "{note}");
    assert!(
        note.contains("maliculture.fr/story/3488-quelle-est-lhistoire-du-cercle-de-nioro-du-sahel places it in Nioro du Sahel (1101), not followed"),
        "{note}"
    );
    assert_eq!(
        d["cercle"]["statedCommunes"],
        json!({"stated": 12, "placed": 16})
    );
}

/// Regions' stated commune counts beside ours: equal where the data is whole (Kayes, Sikasso,
/// Nioro, Kita), apart where placements or created communes are missing.
#[tokio::test]
async fn regions_show_the_stated_commune_counts_beside_ours() {
    let api = api();
    let d = data(
        &api,
        r#"{ regions { name statedCommunes { stated placed listComplete } } }"#,
    )
    .await;
    let counts: Vec<(String, i64, i64)> = d["regions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["statedCommunes"].is_null())
        .map(|r| {
            let c = &r["statedCommunes"];
            assert_eq!(c["listComplete"], false);
            (
                r["name"].as_str().unwrap().to_owned(),
                c["stated"].as_i64().unwrap(),
                c["placed"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, i64, i64)> = [
        ("Kayes", 65, 65),
        ("Koulikoro", 61, 72),
        ("Sikasso", 52, 52),
        ("Ségou", 78, 80),
        ("Mopti", 50, 44),
        ("Tombouctou", 53, 51),
        ("Gao", 43, 19),
        ("Kidal", 30, 11),
        ("Taoudénit", 30, 1),
        ("Nioro", 31, 31),
        ("Kita", 33, 33),
    ]
    .into_iter()
    .map(|(n, s, p)| (n.to_owned(), s, p))
    .collect();
    assert_eq!(counts, expected);
}

#[tokio::test]
async fn ireli_is_a_commune_from_2023_split_from_sangha() {
    let api = api();
    let d = data(&api, r#"{ commune(name: "Iréli") { code validFrom urban populations { year } cercle { name } region { name }
                                 in2010: status(asOf: "2010-01-01")
                                 predecessors { kind date partial confidence unit { name } }
                                 cercleHistory { cercle { name } from until basis confidence } } 
                          sangha: commune(name: "Sangha") { successors { kind unit { name } } }
                          reorganisations { date communesCreated { name } }
                          search(text: "ireli") { unit { name level } } }"#).await;
    assert_eq!(
        d["commune"],
        json!({"code": "CM-1907-N01", "validFrom": "2023-03-13", "urban": false, "populations": [],
               "cercle": {"name": "Sangha"}, "region": {"name": "Bandiagara"}, "in2010": "NOT_YET_CREATED",
               "predecessors": [{"kind": "RECEIVED_PART_FROM", "date": "2023-03-13", "partial": true, "confidence": "LOW", "unit": {"name": "Sangha"}}],
               "cercleHistory": [{"cercle": {"name": "Sangha"}, "from": "2023-03-13", "until": null, "basis": "SOURCED", "confidence": "LOW"}]})
    );
    assert_eq!(
        d["sangha"]["successors"],
        json!([{"kind": "PART_TRANSFERRED_TO", "unit": {"name": "Iréli"}}])
    );
    let created: Vec<&Value> = d["reorganisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["communesCreated"])
        .collect();
    assert_eq!(
        created,
        [
            &json!([{"name": "Alata"}, {"name": "Intadjedite"}]),
            &json!([]),
            &json!([{"name": "Iréli"}])
        ]
    );
    assert_eq!(
        d["search"][0]["unit"],
        json!({"name": "Iréli", "level": "COMMUNE"})
    );
    // Not on the older maps: 703 communes in 2020, 704 today.
    let graph = graph();
    assert_eq!(
        graph.in_force(Level::Commune, date("2020-01-01")).len(),
        703
    );
    assert_eq!(
        graph.in_force(Level::Commune, date("2024-01-01")).len(),
        704
    );
}

/// Sums, projections and the 2023 reorganisation's moves follow the corrected placements.
#[tokio::test]
async fn what_rests_on_map_c_follows_the_placements() {
    let api = api();
    let d = data(&api, r#"{ cercle(name: "Siby") { computedPopulation(year: 2009) { value approximate communesCounted } communes { population(year: 2009) } }
                          region(name: "Bougouni") { communes { name } }
                          kati: cercle(name: "Kati", asOf: "2010-01-01") { projection(onto: "2024-01-01") { cercle { name } sharedCommunes } }
                          reorganisations { date moves { unit { name } from { name } to { name } confidence basis } } }"#).await;
    let sum: i64 = d["cercle"]["communes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["population"].as_i64().unwrap())
        .sum();
    assert_eq!(
        d["cercle"]["computedPopulation"],
        json!({"value": sum, "approximate": true, "communesCounted": 4})
    );
    assert!(names(&d["region"]["communes"]).contains(&"Niagadina"));
    let projection: Vec<(String, i64)> = d["kati"]["projection"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["cercle"]["name"].as_str().unwrap().to_owned(),
                p["sharedCommunes"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        projection,
        [
            ("Kati".to_owned(), 31),
            ("Néguéla".to_owned(), 0),
            ("Ouéléssébougou".to_owned(), 1),
            ("Sélingué".to_owned(), 1),
            ("Siby".to_owned(), 4)
        ]
    );
    let moves_2023 = d["reorganisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["date"] == "2023-03-13")
        .unwrap()["moves"]
        .as_array()
        .unwrap();
    let bancoumana = moves_2023
        .iter()
        .find(|m| m["unit"]["name"] == "Bancoumana")
        .unwrap();
    assert_eq!(
        bancoumana,
        &json!({"unit": {"name": "Bancoumana"}, "from": {"name": "Kati"}, "to": {"name": "Siby"}, "confidence": "MEDIUM", "basis": "SOURCED"})
    );
    let by_basis = |basis: &str| moves_2023.iter().filter(|m| m["basis"] == basis).count();
    assert_eq!(
        (
            by_basis("SOURCED"),
            by_basis("SEAT_OF_NEW_CERCLE"),
            by_basis("NOT_IN_COMPLETE_LIST")
        ),
        (65, 46, 2)
    );
}
