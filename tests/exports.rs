//! `GET /export/{layer}.{geojson|csv}?asOf=`: FeatureCollections and CSV files of the units in
//! force on a date (and the quartiers and places), with codes, names, figures and the
//! attribution; ETag and Cache-Control like `GET /graphql`; errors with codes. In process
//! through the router; CI reads the files back with GDAL (`.ci/exports.sh`).
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::http::{app, send};
use serde_json::Value;

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[tokio::test]
async fn regions_as_geojson_on_each_map() {
    let app = app();
    for (date, count) in [("2010-01-01", 9), ("2020-01-01", 11), ("2024-01-01", 20)] {
        let reply = send(&app, get(&format!("/export/regions.geojson?asOf={date}"))).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.header("content-type"), Some("application/geo+json"));
        let collection: Value = reply.json();
        assert_eq!(collection["type"], "FeatureCollection");
        assert!(collection["attribution"].as_str().unwrap().contains("OCHA"));
        let features = collection["features"].as_array().unwrap();
        assert_eq!(features.len(), count, "{date}");
        for feature in features {
            assert!(feature["geometry"]["coordinates"].is_array());
            assert_eq!(feature["properties"]["as_of"], date);
        }
    }
    let reply = send(&app, get("/export/regions.geojson?asOf=2010-01-01")).await;
    let collection: Value = reply.json();
    let mopti = collection["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["name"] == "Mopti")
        .unwrap();
    assert_eq!(mopti["properties"]["ocha_pcode"], "ML05");
    assert_eq!(mopti["properties"]["census_2009"], 2036209);
    assert_eq!(mopti["properties"]["area_km2_published"], 26550);
}

#[tokio::test]
async fn communes_and_places_as_csv() {
    let app = app();
    let reply = send(&app, get("/export/communes.csv?asOf=2024-01-01")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    let text = reply.text();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().unwrap().clone();
    assert_eq!(&header[0], "code");
    assert_eq!(header.iter().next_back(), Some("attribution"));
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    // The 703 of seed 001 and Iréli, created in 2023 (no shape of its own).
    assert_eq!(records.len(), 704);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let bankass = records
        .iter()
        .find(|r| &r[column("code")] == "CM-1903-01")
        .unwrap();
    assert_eq!(&bankass[column("name")], "Bankass");
    assert_eq!(&bankass[column("ocha_pcode")], "ML050301");
    assert_eq!(&bankass[column("region")], "Bandiagara");

    let places = send(&app, get("/export/places.csv")).await.text();
    assert_eq!(places.lines().count(), 18_769 + 1);
    let quartiers: Value = send(&app, get("/export/quartiers.geojson")).await.json();
    assert_eq!(quartiers["features"].as_array().unwrap().len(), 71);
}

#[tokio::test]
async fn exports_are_cached_like_get_graphql() {
    let app = app();
    let reply = send(&app, get("/export/cercles.geojson?asOf=2010-01-01")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let etag = reply.header("etag").unwrap().to_owned();
    assert!(etag.starts_with("W/\""));
    assert!(
        reply
            .header("cache-control")
            .unwrap()
            .starts_with("public, max-age=")
    );
    assert_eq!(reply.json()["features"].as_array().unwrap().len(), 49);
    let again = send(
        &app,
        Request::get("/export/cercles.geojson?asOf=2010-01-01")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.text().is_empty());
}

#[tokio::test]
async fn a_bad_export_request_gets_its_status_and_code() {
    let app = app();
    for (uri, status, code) in [
        (
            "/export/provinces.geojson",
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        ("/export/regions.kml", StatusCode::NOT_FOUND, "NOT_FOUND"),
        (
            "/export/regions.csv?asOf=2010-13-01",
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (
            "/export/regions.csv?asOf=1990-01-01",
            StatusCode::BAD_REQUEST,
            "OUT_OF_RANGE",
        ),
    ] {
        let reply = send(&app, get(uri)).await;
        assert_eq!(
            (reply.status, reply.code()),
            (status, code.to_owned()),
            "{uri}"
        );
    }
}
