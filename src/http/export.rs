//! Downloads for GIS and spreadsheets: `GET /export/{regions|cercles|communes|quartiers|places}
//! .{geojson|csv}?asOf=YYYY-MM-DD` (default: today). A GeoJSON FeatureCollection (RFC 7946) or a
//! CSV file of the units in force on the date (or Bamako's quartiers, or the populated places),
//! with their codes, p-codes, names, parents on the date, figures, areas and the attribution the
//! licence asks for. Cached like `GET /graphql` (weak `ETag` of the data version, the date and
//! the file; `Cache-Control: public, max-age` never past midnight UTC; a 304 for a matching
//! `If-None-Match`), made once per file and date and kept (a few MB at most), and streamed in
//! chunks.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::AppState;
use super::cache;
use super::error::HttpError;
use crate::dataset::{ATTRIBUTION, CodeSystem, DATA_START, Level, PlaceKind};
use crate::model::{AdminGraph, UnitId};
use crate::schema::geometry::to_geojson;

/// The exports' path prefix.
pub const EXPORT_PATH: &str = "/export";

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Layer {
    Regions,
    Cercles,
    Communes,
    Quartiers,
    Places,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Format {
    GeoJson,
    Csv,
}

/// The files made so far, by layer, format and date, least recently used first out once
/// they hold more than [`EXPORT_CACHE_BYTES`]: the whole commune map as GeoJSON is 1.5 MB, the
/// places 10 MB, so the files of a few dates are kept.
pub(super) struct Exports(Mutex<Files>);

struct Files {
    lru: lru::LruCache<(Layer, Format, NaiveDate), Bytes>,
    bytes: usize,
}

/// What the made files may hold.
const EXPORT_CACHE_BYTES: usize = 24 * 1024 * 1024;

impl Exports {
    pub(super) fn new() -> Self {
        Exports(Mutex::new(Files {
            lru: lru::LruCache::unbounded(),
            bytes: 0,
        }))
    }

    fn get(&self, key: &(Layer, Format, NaiveDate)) -> Option<Bytes> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .lru
            .get(key)
            .cloned()
    }

    fn put(&self, key: (Layer, Format, NaiveDate), body: Bytes) {
        let mut files = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        files.bytes += body.len();
        if let Some(old) = files.lru.put(key, body) {
            files.bytes -= old.len();
        }
        while files.bytes > EXPORT_CACHE_BYTES {
            match files.lru.pop_lru() {
                Some((_, evicted)) => files.bytes -= evicted.len(),
                None => break,
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct ExportParams {
    #[serde(rename = "asOf")]
    as_of: Option<String>,
}

fn parse_file(file: &str) -> Option<(Layer, Format)> {
    let (layer, format) = file.rsplit_once('.')?;
    let layer = match layer {
        "regions" => Layer::Regions,
        "cercles" => Layer::Cercles,
        "communes" => Layer::Communes,
        "quartiers" => Layer::Quartiers,
        "places" => Layer::Places,
        _ => return None,
    };
    let format = match format {
        "geojson" => Format::GeoJson,
        "csv" => Format::Csv,
        _ => return None,
    };
    Some((layer, format))
}

/// `GET /export/{file}`.
pub(super) async fn export(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, HttpError> {
    let Query(params) = params.map_err(|error| HttpError::BadRequest(error.body_text()))?;
    let (layer, format) = parse_file(&file).ok_or_else(|| {
        HttpError::NotFound(format!(
            "no export `{file}`: ask for regions, cercles, communes, quartiers or places, \
             as .geojson or .csv"
        ))
    })?;
    let today = state.api.today();
    let date = match params.as_of.as_deref() {
        None => today,
        Some(text) => {
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .filter(|_| text.len() == 10)
                .ok_or_else(|| {
                    HttpError::BadRequest(format!("`asOf` is not a date (YYYY-MM-DD): `{text}`"))
                })?;
            if date < DATA_START {
                return Err(HttpError::OutOfRange(format!(
                    "{date} is before the data begins ({DATA_START})"
                )));
            }
            date
        }
    };
    let etag = cache::etag(state.api.data_version(), today, &file);
    let mut response = if cache::not_modified(&headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = file_bytes(&state, layer, format, date).await?;
        let media = match format {
            Format::GeoJson => "application/geo+json",
            Format::Csv => "text/csv; charset=utf-8",
        };
        let stem = file
            .rsplit_once('.')
            .map_or(file.as_str(), |(stem, _)| stem);
        let extension = match format {
            Format::GeoJson => "geojson",
            Format::Csv => "csv",
        };
        let mut response = Response::new(streamed(body));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
        if let Ok(disposition) = HeaderValue::from_str(&format!(
            "attachment; filename=\"mali-{stem}-{date}.{extension}\""
        )) {
            headers.insert(header::CONTENT_DISPOSITION, disposition);
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    headers.insert(
        header::CACHE_CONTROL,
        cache::cache_control(state.settings.cache_max_age),
    );
    Ok(response)
}

/// The body in chunks of 64 KiB: a client starts receiving at once, and the compression layer
/// compresses as it goes.
fn streamed(body: Bytes) -> Body {
    const CHUNK: usize = 64 * 1024;
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..body.len())
        .step_by(CHUNK)
        .map(|start| Ok(body.slice(start..(start + CHUNK).min(body.len()))))
        .collect();
    Body::from_stream(futures_util::stream::iter(chunks))
}

async fn file_bytes(
    state: &Arc<AppState>,
    layer: Layer,
    format: Format,
    date: NaiveDate,
) -> Result<Bytes, HttpError> {
    let key = (layer, format, date);
    if let Some(hit) = state.exports.get(&key) {
        return Ok(hit);
    }
    let graph = state.api.graph().clone();
    // Unions and serialisation take milliseconds to a second: off the async workers.
    let made = tokio::task::spawn_blocking(move || render(&graph, layer, format, date))
        .await
        .map_err(|_| HttpError::Unavailable("the export could not be made".to_owned()))?
        .map_err(HttpError::Unavailable)?;
    let bytes = Bytes::from(made);
    state.exports.put(key, bytes.clone());
    Ok(bytes)
}

/// One row or feature: its properties in order, and its geometry.
struct Record {
    properties: Vec<(&'static str, Value)>,
    geometry: Option<Value>,
}

fn render(
    graph: &AdminGraph,
    layer: Layer,
    format: Format,
    date: NaiveDate,
) -> Result<Vec<u8>, String> {
    let records = match layer {
        Layer::Regions => units(graph, Level::Region, date)?,
        Layer::Cercles => units(graph, Level::Cercle, date)?,
        Layer::Communes => units(graph, Level::Commune, date)?,
        Layer::Quartiers => quartiers(graph, date)?,
        Layer::Places => places(graph, date)?,
    };
    Ok(match format {
        Format::GeoJson => feature_collection(&records, date),
        Format::Csv => csv(&records),
    })
}

fn code(graph: &AdminGraph, id: UnitId, system: CodeSystem) -> Value {
    graph
        .unit(id)
        .codes
        .iter()
        .find(|c| c.system == system)
        .map_or(Value::Null, |c| Value::from(c.value.as_str()))
}

fn figure(graph: &AdminGraph, id: UnitId, year: i32) -> Value {
    graph
        .unit(id)
        .figures
        .iter()
        .find(|f| f.year == year)
        .map_or(Value::Null, |f| Value::from(f.value))
}

fn rounded(value: f64, decimals: i32) -> Value {
    let scale = 10f64.powi(decimals);
    Value::from((value * scale).round() / scale)
}

/// The unit's parent of `level` on `date`: its code and name.
fn parent(graph: &AdminGraph, id: UnitId, level: Level, date: NaiveDate) -> (Value, Value) {
    graph
        .ancestor(id, level, date)
        .map_or((Value::Null, Value::Null), |p| {
            let unit = graph.unit(p);
            (
                Value::from(unit.code.as_str()),
                Value::from(unit.name.as_str()),
            )
        })
}

fn units(graph: &AdminGraph, level: Level, date: NaiveDate) -> Result<Vec<Record>, String> {
    let mut records = Vec::new();
    for id in graph.in_force(level, date) {
        let unit = graph.unit(id);
        let shape = graph.shape(id, date).map_err(|e| e.to_string())?;
        let mut properties = vec![
            ("code", Value::from(unit.code.as_str())),
            ("name", Value::from(unit.name.as_str())),
            ("level", Value::from(level.name())),
            ("ocha_pcode", code(graph, id, CodeSystem::OchaPcode)),
        ];
        match level {
            Level::Region => {
                properties.push(("iso_3166_2", code(graph, id, CodeSystem::Iso3166_2)));
                properties.push((
                    "law_2023_007_code",
                    code(graph, id, CodeSystem::Law2023Region),
                ));
            }
            Level::Cercle => {
                let (code, name) = parent(graph, id, Level::Region, date);
                properties.push(("region_code", code));
                properties.push(("region", name));
            }
            Level::Commune => {
                let (cercle_code, cercle) = parent(graph, id, Level::Cercle, date);
                let (region_code, region) = parent(graph, id, Level::Region, date);
                properties.push(("cercle_code", cercle_code));
                properties.push(("cercle", cercle));
                properties.push(("region_code", region_code));
                properties.push(("region", region));
            }
            Level::Country => {}
        }
        properties.push(("census_1998", figure(graph, id, 1998)));
        properties.push(("census_2009", figure(graph, id, 2009)));
        if level == Level::Region {
            properties.push(("population_2023", figure(graph, id, 2023)));
            properties.push((
                "area_km2_published",
                unit.area_km2.map_or(Value::Null, Value::from),
            ));
        }
        properties.push((
            "area_km2_computed",
            shape.area_km2.map_or(Value::Null, |a| rounded(a, 1)),
        ));
        properties.push((
            "shape_confidence",
            Value::from(format!("{:?}", shape.confidence).to_lowercase()),
        ));
        properties.push(("communes_drawn", Value::from(shape.communes_drawn)));
        properties.push((
            "centroid_latitude",
            shape.centroid.map_or(Value::Null, |c| rounded(c.y(), 6)),
        ));
        properties.push((
            "centroid_longitude",
            shape.centroid.map_or(Value::Null, |c| rounded(c.x(), 6)),
        ));
        properties.push(("as_of", Value::from(date.to_string())));
        records.push(Record {
            properties,
            geometry: shape.shape.as_ref().map(|s| to_geojson(s, 6)),
        });
    }
    Ok(records)
}

fn quartiers(graph: &AdminGraph, date: NaiveDate) -> Result<Vec<Record>, String> {
    let atlas = graph.atlas().map_err(|e| e.to_string())?;
    Ok(atlas
        .quartiers()
        .iter()
        .map(|q| {
            let commune = graph.unit(q.commune);
            Record {
                properties: vec![
                    ("ocha_pcode", Value::from(q.pcode.as_str())),
                    ("name", Value::from(q.name.as_str())),
                    (
                        "other_name",
                        q.other_name.as_deref().map_or(Value::Null, Value::from),
                    ),
                    ("commune_code", Value::from(commune.code.as_str())),
                    ("commune", Value::from(commune.name.as_str())),
                    ("as_of", Value::from(date.to_string())),
                ],
                geometry: Some(to_geojson(&q.shape, 6)),
            }
        })
        .collect())
}

fn places(graph: &AdminGraph, date: NaiveDate) -> Result<Vec<Record>, String> {
    let atlas = graph.atlas().map_err(|e| e.to_string())?;
    Ok(atlas
        .places()
        .iter()
        .map(|p| {
            let commune = graph.unit(p.commune);
            let (cercle_code, cercle) = parent(graph, p.commune, Level::Cercle, date);
            let (region_code, region) = parent(graph, p.commune, Level::Region, date);
            let kind = match p.kind {
                PlaceKind::Capital => "capital",
                PlaceKind::RegionSeat => "region_seat",
                PlaceKind::CercleSeat => "cercle_seat",
                PlaceKind::CommuneSeat => "commune_seat",
                PlaceKind::Village => "village",
            };
            Record {
                properties: vec![
                    ("ocha_pcode", Value::from(p.pcode.as_str())),
                    ("name", Value::from(p.name.as_str())),
                    ("kind", Value::from(kind)),
                    ("latitude", Value::from(p.location.y())),
                    ("longitude", Value::from(p.location.x())),
                    ("commune_code", Value::from(commune.code.as_str())),
                    ("commune", Value::from(commune.name.as_str())),
                    ("cercle_code", cercle_code),
                    ("cercle", cercle),
                    ("region_code", region_code),
                    ("region", region),
                    (
                        "in_shape_of_commune",
                        p.in_shape_of
                            .map_or(Value::Null, |c| Value::from(graph.unit(c).code.as_str())),
                    ),
                    ("as_of", Value::from(date.to_string())),
                ],
                geometry: Some(json!({
                    "type": "Point",
                    "coordinates": [p.location.x(), p.location.y()]
                })),
            }
        })
        .collect())
}

/// One feature a line; the attribution as a foreign member of the collection, and in each
/// feature's properties (so it survives a GIS tool that drops foreign members).
fn feature_collection(records: &[Record], date: NaiveDate) -> Vec<u8> {
    let mut text = format!(
        "{{\"type\":\"FeatureCollection\",\"attribution\":{},\"asOf\":\"{date}\",\"features\":[\n",
        Value::from(ATTRIBUTION)
    );
    for (n, record) in records.iter().enumerate() {
        let mut properties: Map<String, Value> = record
            .properties
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        properties.insert("attribution".to_owned(), Value::from(ATTRIBUTION));
        let feature = json!({
            "type": "Feature",
            "properties": properties,
            "geometry": record.geometry.clone().unwrap_or(Value::Null),
        });
        let _ = writeln!(
            text,
            "{feature}{}",
            if n + 1 < records.len() { "," } else { "" }
        );
    }
    text.push_str("]}\n");
    text.into_bytes()
}

fn csv_cell(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn csv(records: &[Record]) -> Vec<u8> {
    let mut text = String::new();
    if let Some(first) = records.first() {
        let header: Vec<&str> = first.properties.iter().map(|(k, _)| *k).collect();
        text.push_str(&header.join(","));
        text.push_str(",attribution\r\n");
    }
    let attribution = csv_cell(&Value::from(ATTRIBUTION));
    for record in records {
        let cells: Vec<String> = record.properties.iter().map(|(_, v)| csv_cell(v)).collect();
        text.push_str(&cells.join(","));
        text.push(',');
        text.push_str(&attribution);
        text.push_str("\r\n");
    }
    text.into_bytes()
}
