//! GraphiQL is served whole by the server: the page refers to nothing but our own assets, each
//! served with its media type and cached for good; the example queries the page opens as tabs
//! (`graphiql/examples/`) are in the bundle and answer with the expected figures.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::http::{Reply, app, send};
use mali_admin::http::{GRAPHIQL_ASSET_PATH, GRAPHQL_PATH};
use serde_json::Value;

async fn get(path: &str) -> Reply {
    send(&app(), Request::get(path).body(Body::empty()).unwrap()).await
}

/// The values of every `src="…"` and `href="…"` attribute of `html`.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (start, _) in html.match_indices(attribute) {
            let rest = &html[start + attribute.len()..];
            found.push(rest[..rest.find('"').unwrap()].to_owned());
        }
    }
    found
}

/// Where the page loads GraphiQL's script from.
async fn script_path() -> String {
    let html = get("/").await.text();
    references(&html)
        .into_iter()
        .find(|reference| reference.ends_with(".js"))
        .unwrap()
}

/// The example queries, by file name, as the bundle reads them.
fn examples() -> Vec<(String, String)> {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/graphiql/examples");
    let mut files: Vec<(String, String)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "graphql"))
        .map(|path| {
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn example(file: &str) -> String {
    examples()
        .into_iter()
        .find(|(name, _)| name == file)
        .unwrap_or_else(|| panic!("no example {file}"))
        .1
}

#[tokio::test]
async fn the_page_refers_only_to_assets_the_server_serves_itself() {
    let page = get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"),
        "{html}"
    );
    assert!(html.contains(&format!("data-endpoint=\"{GRAPHQL_PATH}\"")));

    let references = references(&html);
    assert_eq!(references.len(), 2, "one script, one style sheet: {html}");
    let mut media_types = Vec::new();
    for reference in &references {
        assert!(
            reference.starts_with(&format!("{GRAPHIQL_ASSET_PATH}/")),
            "{reference} is not one of ours"
        );
        let asset = get(reference).await;
        assert_eq!(asset.status, StatusCode::OK, "{reference}");
        assert!(asset.body.len() > 100_000, "{reference} is nearly empty");
        assert_eq!(
            asset.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(asset.header("x-content-type-options"), Some("nosniff"));
        media_types.push(asset.header("content-type").unwrap().to_owned());
    }
    media_types.sort();
    assert_eq!(
        media_types,
        ["text/css; charset=utf-8", "text/javascript; charset=utf-8"]
    );
}

#[tokio::test]
async fn the_page_lets_the_browser_reach_this_origin_only() {
    let page = get("/").await;
    let policy = page.header("content-security-policy").unwrap();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "font-src 'self' data:",
    ] {
        assert!(policy.contains(directive), "{directive} missing: {policy}");
    }
    assert_eq!(page.header("cache-control"), Some("no-cache"));
}

#[tokio::test]
async fn the_bundle_is_compressed_on_request_and_unknown_assets_are_not_found() {
    let script = script_path().await;
    let request = Request::get(&script)
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let reply = send(&app(), request).await;
    assert_eq!(reply.header("content-encoding"), Some("gzip"));

    let missing = get(&format!("{GRAPHIQL_ASSET_PATH}/graphiql-NOTAHASH.js")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_bundle_carries_every_example_query() {
    let script = script_path().await;
    let bundle = get(&script).await.text();
    let examples = examples();
    assert_eq!(examples.len(), 5, "{examples:?}");
    for (file, query) in &examples {
        // The minifier may turn a string into a template literal, so look for each line.
        for line in query.lines().filter(|line| !line.trim().is_empty()) {
            assert!(
                bundle.contains(line),
                "{file}: `{line}` is not in the bundle"
            );
        }
    }
}

fn sum(list: &Value, field: &str) -> usize {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_array().unwrap().len())
        .sum()
}

#[tokio::test]
async fn the_full_tree_example_gives_map_a_with_the_2009_census() {
    let data = common::data(&common::api(), &example("1-full-tree.graphql")).await;
    let regions = &data["regions"];
    assert_eq!(regions.as_array().unwrap().len(), 9);
    assert_eq!(sum(regions, "cercles"), 49);
    // A region's `communes` are all its communes; Bamako's six have no cercle.
    assert_eq!(sum(regions, "communes"), 703);
    let in_cercles: usize = regions
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|region| region["cercles"].as_array().unwrap())
        .map(|cercle| cercle["communes"].as_array().unwrap().len())
        .sum();
    assert_eq!(in_cercles, 697);
    let mopti = common::named(regions, "Mopti");
    let bankass = common::named(&mopti["cercles"], "Bankass");
    assert_eq!(bankass["population"], 264_776);
}

#[tokio::test]
async fn the_cercle_example_follows_bankass_from_mopti_to_bandiagara() {
    let data = common::data(
        &common::api(),
        &example("2-where-did-this-cercle-go.graphql"),
    )
    .await;
    let cercle = &data["cercle"];
    assert_eq!(cercle["name"], "Bankass");
    assert_eq!(cercle["in2010"]["name"], "Mopti");
    assert_eq!(cercle["today"]["name"], "Bandiagara");
    let history: Vec<(&str, &str)> = cercle["regionHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|period| {
            (
                period["region"]["name"].as_str().unwrap(),
                period["from"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(history.last(), Some(&("Bandiagara", "2023-03-13")));
    assert!(!cercle["projection"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_map_example_gives_map_b_on_its_date() {
    let data = common::data(&common::api(), &example("3-map-as-of-a-date.graphql")).await;
    assert_eq!(data["regions"].as_array().unwrap().len(), 11);
    assert_eq!(sum(&data["regions"], "cercles"), 58);
    let map_b = common::named(&data["maps"], "B");
    assert_eq!(map_b["from"], "2016-01-19");
    assert_eq!(map_b["counts"]["regions"], 10);
    assert_eq!(map_b["counts"]["cercles"], 58);
}

#[tokio::test]
async fn the_search_example_finds_the_four_diedougous() {
    let data = common::data(&common::api(), &example("4-search.graphql")).await;
    let communes = data["search"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|hit| hit["unit"]["name"] == "Diédougou" && hit["unit"]["level"] == "COMMUNE")
        .count();
    assert_eq!(communes, 4, "{data}");
}

#[tokio::test]
async fn the_homeland_example_ties_the_dogon_to_bandiagara() {
    let data = common::data(&common::api(), &example("5-a-groups-homeland.graphql")).await;
    let links = data["group"]["placeLinks"].as_array().unwrap();
    assert!(
        links
            .iter()
            .any(|link| link["relation"] == "HOMELAND" && link["unit"]["name"] == "Bandiagara"),
        "{data}"
    );
    let groups = common::names(&data["region"]["groups"]);
    assert!(groups.contains(&"Dogon"), "{groups:?}");
}
