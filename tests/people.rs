//! Peoples, languages and religions: every figure, alias and place link against seed 002, and
//! the groups served on the units they live in.
#![allow(clippy::unwrap_used)]

mod common;

use common::{api, data, errors, graph, names};
use serde_json::json;

/// Seed 002's text with typographic apostrophes made plain, or `None` when `../shared` is absent.
fn seed_002() -> Option<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seeds/002_3077d37fc210e6b3.txt"
    );
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text.replace('’', "'").replace('\u{a0}', " ")),
        Err(_) => {
            eprintln!("SKIPPED: {path} is absent, so the data cannot be checked against seed 002");
            None
        }
    }
}

#[test]
fn every_name_alias_wording_and_figure_of_the_people_data_is_in_seed_002() {
    let Some(seed) = seed_002() else { return };
    let graph = graph();
    let in_seed =
        |text: &str, what: &str| assert!(seed.contains(text), "{what} `{text}` is not in seed 002");
    // Spellings we add for searching, not taken from the seed.
    let ours = [
        "Peul",
        "Senufo",
        "Sarakolé",
        "Tuaregs",
        "Moor",
        "Haratin",
        "Khassonké",
        "Malinke",
        "Soninke",
        "Bamanankan",
        "Français",
        "Hassaniya Arabic",
        "Muslims",
        "Christians",
        "Christianity",
        "traditional beliefs",
        "Khasso",
        "Khassonke",
    ];
    for id in graph.groups() {
        let group = graph.group(id);
        for name in std::iter::once(&group.name).chain(&group.aliases) {
            if !ours.contains(&name.as_str()) {
                in_seed(name, "group name");
            }
        }
    }
    for id in graph.groups() {
        for place in graph.group_places(id) {
            in_seed(&place.wording, "place wording");
        }
        for share in graph.group_shares(id) {
            in_seed(&share.wording, "share wording");
            if let Some(percent) = share.percent {
                let figure = format!("{percent} per cent");
                assert!(
                    share.wording.contains(&figure),
                    "`{}` should say {figure}",
                    share.wording
                );
            }
        }
    }
    for language in graph.languages() {
        in_seed(&language.wording, "language wording");
        if let Some(percent) = language.speakers_percent {
            assert!(language.wording.contains(&format!("{percent} per cent")));
        }
    }
    for religion in graph.religions() {
        in_seed(&religion.wording, "religion wording");
        assert!(
            religion
                .wording
                .contains(&format!("{} per cent", religion.percent.unwrap()))
        );
    }
}

#[tokio::test]
async fn the_people_queries_answer_as_written() {
    let api = api();
    assert_eq!(
        data(
            &api,
            r#"{ region(name: "Bandiagara") { groups { name } } }"#
        )
        .await,
        json!({"region": {"groups": [{"name": "Dogon"}]}})
    );
    assert_eq!(
        data(
            &api,
            r#"{ group(name: "Fulani") { name share places { name } } }"#
        )
        .await,
        json!({"group": {"name": "Peuhl", "share": 14.7, "places": []}})
    );
}

#[tokio::test]
async fn every_group_has_the_shares_of_seed_002_and_conflicting_figures_are_both_kept() {
    let api = api();
    let d = data(
        &api,
        "{ groups { name share shares { percent groups { name } } } }",
    )
    .await;
    let share_of = |name: &str| {
        d["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name)
            .unwrap()["share"]
            .clone()
    };
    for (name, share) in [
        ("Peuhl", json!(14.7)),
        ("Soninké", json!(10.8)),
        ("Senoufo", json!(10.5)),
        ("Dogon", json!(8.9)),
        ("Tuareg", json!(7.7)),
        ("Bozo", json!(2.9)),
        ("Songhai", json!(1.6)),
        ("Bambara", json!(null)),
        ("Malinké", json!(null)),
        ("Maure", json!(null)),
        ("Minianka", json!(null)),
        ("Bobo", json!(null)),
        ("Diawara", json!(null)),
        ("Khassonké", json!(null)),
    ] {
        assert_eq!(share_of(name), share, "{name}");
    }
    let peuhl = data(
        &api,
        r#"{ group(name: "Peul") { shares { percent wording } } }"#,
    )
    .await;
    let percents: Vec<_> = peuhl["group"]["shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["percent"].clone())
        .collect();
    assert_eq!(percents, [json!(14.7), json!(15.0)]);
    let maure = data(
        &api,
        r#"{ group(name: "Moors") { name shares { percent groups { name } } } }"#,
    )
    .await;
    assert_eq!(
        maure["group"],
        json!({"name": "Maure", "shares": [{"percent": 10.0, "groups": [{"name": "Tuareg"}, {"name": "Maure"}]}]})
    );
}

#[tokio::test]
async fn every_alias_finds_its_group() {
    let api = api();
    for (alias, name) in [
        ("Peuhl", "Peuhl"),
        ("Fula", "Peuhl"),
        ("fulani", "Peuhl"),
        ("Saracolé", "Soninké"),
        ("SIENA", "Senoufo"),
        ("Bwa", "Bobo"),
        ("Xaasongaxango", "Khassonké"),
        ("Bamana", "Bambara"),
        ("Mandé", "Manding"),
        ("Moors", "Maure"),
    ] {
        let d = data(&api, &format!(r#"{{ group(name: "{alias}") {{ name }} }}"#)).await;
        assert_eq!(d["group"]["name"], name, "{alias}");
        let hits = data(
            &api,
            &format!(r#"{{ search(text: "{alias}") {{ group {{ name }} matchKind }} }}"#),
        )
        .await;
        let found = hits["search"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["group"]["name"] == name && h["matchKind"] == "EXACT");
        assert!(found, "search `{alias}`: {hits}");
    }
    assert_eq!(
        errors(&api, r#"{ group(name: "Vikings") { name } }"#).await[0]["extensions"]["code"],
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn sub_groups_and_languages_are_linked() {
    let api = api();
    let d = data(
        &api,
        r#"{ senoufo: group(name: "Senoufo") { subgroups { name } }
                           manding: group(name: "Manding") { subgroups { name } }
                           diawara: group(name: "Diawara") { languages { name } parent { name } }
                           languages { name official main speakersPercent groups { name } } }"#,
    )
    .await;
    assert_eq!(names(&d["senoufo"]["subgroups"]), ["Minianka"]);
    assert_eq!(names(&d["manding"]["subgroups"]), ["Bambara", "Malinké"]);
    assert_eq!(
        d["diawara"],
        json!({"languages": [{"name": "Soninké"}], "parent": null})
    );
    let languages = d["languages"].as_array().unwrap();
    assert_eq!(
        languages[0],
        json!({"name": "French", "official": true, "main": true, "speakersPercent": null, "groups": []})
    );
    let bambara = languages.iter().find(|l| l["name"] == "Bambara").unwrap();
    assert_eq!(bambara["speakersPercent"], 80.0);
    let main: Vec<_> = languages
        .iter()
        .filter(|l| l["main"] == true)
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        main,
        ["French", "Bambara", "Fulfulde", "Songhai", "Tamasheq"]
    );
}

#[tokio::test]
async fn the_country_gives_the_religions_shares() {
    let api = api();
    let d = data(
        &api,
        "{ country { religions { name percent } } religions { name } }",
    )
    .await;
    assert_eq!(
        d["country"]["religions"],
        json!([{"name": "Islam", "percent": 94.8}, {"name": "Christianity", "percent": 2.4}, {"name": "Traditional religions", "percent": 2.0}])
    );
}

#[tokio::test]
async fn every_place_link_puts_its_group_in_the_units_of_each_date() {
    let api = api();
    for (query, expected) in [
        (
            r#"{ u: region(name: "Mopti", asOf: "2010-01-01") { groups { name } } }"#,
            vec!["Songhai", "Dogon"],
        ),
        (
            r#"{ u: region(name: "Mopti") { groups { name } } }"#,
            vec!["Songhai"],
        ),
        (
            r#"{ u: region(name: "Gao") { groups { name } } }"#,
            vec!["Songhai"],
        ),
        (
            r#"{ u: region(name: "San") { groups { name } } }"#,
            vec!["Bobo"],
        ),
        (
            r#"{ u: region(name: "Ségou", asOf: "2010-01-01") { groups { name } } }"#,
            vec!["Bobo"],
        ),
        (
            r#"{ u: region(name: "Nioro") { groups { name } } }"#,
            vec!["Diawara"],
        ),
        (
            r#"{ u: region(name: "Kayes", asOf: "2010-01-01") { groups { name } } }"#,
            vec!["Diawara"],
        ),
        (
            r#"{ u: region(name: "Nara") { groups { name } } }"#,
            vec!["Diawara"],
        ),
        (
            r#"{ u: commune(name: "Sangha") { groups { name } } }"#,
            vec![],
        ),
        (
            r#"{ u: commune(name: "Sangha", asOf: "2010-01-01") { groups { name } } }"#,
            vec!["Dogon"],
        ),
        (
            r#"{ u: country { groups { name } } }"#,
            vec!["Songhai", "Dogon", "Diawara", "Bobo"],
        ),
        (
            r#"{ u: region(name: "Bamako") { groups { name } } }"#,
            vec![],
        ),
    ] {
        let d = data(&api, query).await;
        assert_eq!(names(&d["u"]["groups"]), expected, "{query}");
    }
    let d = data(
        &api,
        r#"{ group(name: "Dogon") { placeLinks { unit { name } relation wording } } }"#,
    )
    .await;
    assert_eq!(
        d["group"]["placeLinks"],
        json!([{"unit": {"name": "Bandiagara"}, "relation": "HOMELAND", "wording": "in the Mopti plateau region around Bandiagara"},
               {"unit": {"name": "Bamako"}, "relation": "MIGRATION", "wording": "Some Dogon have also migrated to Bamako"}])
    );
}
