//! Geometry in the schema: the `GeoJSON` scalar, locations and bounding boxes, a unit's shape
//! and what it is made of, populated places, and the root `locate` and `places` fields.
//!
//! A shape is served as a `GeoJSON` scalar (an RFC 7946 geometry object), not as typed
//! objects: a map library takes the object as it is (Leaflet's `L.geoJSON`, OpenLayers,
//! `JSON.parse` into d3), GraphQL has no recursive list type for the nesting of coordinates
//! that a typed form would need (`[[[Float!]!]!]!` for a multipolygon, one type per depth),
//! and a typed form would spend one JSON object per vertex.

use async_graphql::{Context, ErrorExtensions, InputObject, Object, Result};
use chrono::NaiveDate;
use geo::{MultiPolygon, Point, Simplify};
use serde_json::{Value, json};

use super::context::graph;
use super::date::Date;
use super::error::ApiError;
use super::types::{
    AdminUnit, Cercle, Commune, PlaceView, QuartierView, Region, ShapeView, UnitAt,
};
use super::values::{BoundingBox, GeoJson, Location, MAX_PRECISION, PlaceKind};
use crate::dataset::{ATTRIBUTION, Level, PlaceKind as ModelPlaceKind};
use crate::model::{AdminGraph, UnitId, UnitShape};

fn unavailable(error: &crate::dataset::DatasetError) -> async_graphql::Error {
    // The embedded geometry is checked by the tests and by `mali-admin check`; only a bad
    // `--data-dir` can get here.
    async_graphql::Error::new(format!("the geometry could not be loaded: {error}"))
        .extend_with(|_, e| e.set("code", "GEOMETRY_UNAVAILABLE"))
}

/// The unit's shape on the object's date.
pub(crate) fn unit_shape(ctx: &Context<'_>, at: UnitAt) -> Result<std::sync::Arc<UnitShape>> {
    graph(ctx).shape(at.id, at.as_of).map_err(unavailable)
}

/// Checks `simplify` (metres) and `precision` (decimals) and makes the GeoJSON object.
pub(crate) fn geometry(
    shape: &UnitShape,
    simplify: Option<f64>,
    precision: Option<i32>,
) -> Result<Option<GeoJson>> {
    check_tolerances(simplify, precision)?;
    geometry_of(shape.shape.as_ref(), simplify, precision)
}

fn check_tolerances(simplify: Option<f64>, precision: Option<i32>) -> Result<()> {
    let precision = precision.unwrap_or(MAX_PRECISION);
    if !(0..=MAX_PRECISION).contains(&precision) {
        return Err(ApiError::BadInput(format!(
            "`precision` is a number of decimals, 0 to {MAX_PRECISION}"
        ))
        .extend());
    }
    if let Some(metres) = simplify
        && !(metres.is_finite() && (0.0..=100_000.0).contains(&metres))
    {
        return Err(ApiError::BadInput(
            "`simplify` is a tolerance in metres, 0 to 100000".to_owned(),
        )
        .extend());
    }
    Ok(())
}

/// The GeoJSON of `shape`, simplified and rounded as asked (checked by [`geometry`]).
fn geometry_of(
    shape: Option<&MultiPolygon<f64>>,
    simplify: Option<f64>,
    precision: Option<i32>,
) -> Result<Option<GeoJson>> {
    let precision = precision.unwrap_or(MAX_PRECISION);
    Ok(shape.map(|polygons| {
        let simplified;
        let polygons = match simplify {
            Some(metres) if metres > 0.0 => {
                // Douglas-Peucker in degrees: a degree of latitude is 111.32 km (of longitude,
                // 107 km at Mali's latitudes: close enough for a display tolerance).
                simplified = polygons.simplify(metres / 111_320.0);
                &simplified
            }
            _ => polygons,
        };
        GeoJson(to_geojson(polygons, precision))
    }))
}

/// An RFC 7946 geometry: a `Polygon` when there is one, else a `MultiPolygon`; exteriors
/// counter-clockwise, as the RFC asks.
pub fn to_geojson(shape: &MultiPolygon<f64>, precision: i32) -> Value {
    let scale = 10f64.powi(precision);
    let round = |v: f64| (v * scale).round() / scale;
    let ring = |line: &geo::LineString<f64>| -> Value {
        Value::Array(
            line.coords()
                .map(|c| json!([round(c.x), round(c.y)]))
                .collect(),
        )
    };
    let polygon = |p: &geo::Polygon<f64>| -> Value {
        let mut rings = vec![ring(p.exterior())];
        rings.extend(p.interiors().iter().map(ring));
        Value::Array(rings)
    };
    match shape.0.as_slice() {
        [one] => json!({"type": "Polygon", "coordinates": polygon(one)}),
        many => json!({
            "type": "MultiPolygon",
            "coordinates": many.iter().map(polygon).collect::<Vec<_>>()
        }),
    }
}

pub(crate) fn bbox(shape: &UnitShape) -> Option<BoundingBox> {
    shape.bbox.map(|r| BoundingBox {
        west: r.min().x,
        south: r.min().y,
        east: r.max().x,
        north: r.max().y,
    })
}

/// Territory that passed between two units on a date without any of our communes moving with
/// it: the shapes cannot show it (the Mandé villages that joined Bamako District in 2023).
pub struct ShapeGapView {
    from: UnitAt,
    to: UnitAt,
    date: NaiveDate,
    basis: String,
}

#[Object]
impl ShapeGapView {
    /// The unit that gave the territory.
    async fn from(&self, ctx: &Context<'_>) -> AdminUnit {
        AdminUnit::new(graph(ctx), self.from)
    }

    /// The unit that received it.
    async fn to(&self, ctx: &Context<'_>) -> AdminUnit {
        AdminUnit::new(graph(ctx), self.to)
    }

    /// When.
    async fn date(&self) -> Date {
        Date(self.date)
    }

    /// What the reference says of it.
    async fn basis(&self) -> &str {
        &self.basis
    }
}

#[Object(name = "Shape")]
impl ShapeView {
    /// `false` for a commune (COD-AB's own shape); `true` for every other unit, whose shape
    /// is the union of the communes it holds on the date.
    async fn computed(&self) -> bool {
        !self.shape.from_source
    }

    /// The lowest confidence of the placements the shape is made of: a 2023 cercle made of
    /// medium-confidence placements has a medium-confidence shape.
    async fn confidence(&self) -> super::values::Confidence {
        self.shape.confidence.into()
    }

    /// How many communes are drawn.
    async fn communes_drawn(&self) -> i32 {
        i32::try_from(self.shape.communes_drawn).unwrap_or(i32::MAX)
    }

    /// Communes inside the unit on the date that have no shape of their own (Alata and
    /// Intadjedite, created in 2001: their land lies inside their neighbours' shapes).
    async fn communes_without_shape(&self) -> Vec<Commune> {
        self.shape
            .without_shape
            .iter()
            .map(|id| {
                Commune::from(UnitAt {
                    id: *id,
                    as_of: self.at.as_of,
                })
            })
            .collect()
    }

    /// Territory the shape cannot show: passed to or from the unit with no commune moving.
    async fn gaps(&self) -> Vec<ShapeGapView> {
        self.shape
            .gaps
            .iter()
            .map(|gap| ShapeGapView {
                from: UnitAt {
                    id: gap.from,
                    as_of: self.at.as_of,
                },
                to: UnitAt {
                    id: gap.to,
                    as_of: self.at.as_of,
                },
                date: gap.date,
                basis: gap.basis.clone(),
            })
            .collect()
    }

    /// The area computed from the shape, km² (geodesic, WGS 84); null without a shape.
    async fn area_km2(&self) -> Option<f64> {
        self.shape.area_km2.map(round_km2)
    }

    /// The area the seed publishes, km² (regions, for today's territory); null if none.
    async fn published_area_km2(&self, ctx: &Context<'_>) -> Option<f64> {
        graph(ctx).unit(self.at.id).area_km2.map(|a| a as f64)
    }

    /// `areaKm2` minus `publishedAreaKm2`, in per cent of the published area; null unless both
    /// exist. The seed's area counts today's territory, so compare on today's map.
    async fn area_difference_percent(&self, ctx: &Context<'_>) -> Option<f64> {
        let published = graph(ctx).unit(self.at.id).area_km2? as f64;
        let computed = self.shape.area_km2?;
        Some(((computed - published) / published * 1000.0).round() / 10.0)
    }

    /// Who to name wherever the shape is shown (CC BY-IGO).
    async fn attribution(&self) -> &'static str {
        ATTRIBUTION
    }
}

pub(crate) fn round_km2(area: f64) -> f64 {
    (area * 10.0).round() / 10.0
}

impl PlaceView {
    fn place<'a>(&self, graph: &'a AdminGraph) -> Option<&'a crate::model::Place> {
        graph.atlas().ok().map(|atlas| atlas.place(self.index))
    }

    fn commune_id(&self, graph: &AdminGraph) -> Option<UnitId> {
        self.place(graph).map(|p| p.commune)
    }

    fn ancestor(&self, graph: &AdminGraph, level: Level) -> Option<UnitAt> {
        let commune = self.commune_id(graph)?;
        graph.ancestor(commune, level, self.as_of).map(|id| UnitAt {
            id,
            as_of: self.as_of,
        })
    }
}

#[Object(name = "Place")]
impl PlaceView {
    /// OCHA's p-code of the place ("ML050301025").
    async fn pcode<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.place(graph(ctx)).map(|p| p.pcode.as_str())
    }

    /// The name, as the list writes it (unaccented).
    async fn name<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.place(graph(ctx)).map(|p| p.name.as_str())
    }

    /// Capital, seat (of a region, cercle or commune of the pre-2016 map) or village.
    async fn kind(&self, ctx: &Context<'_>) -> Option<PlaceKind> {
        self.place(graph(ctx)).map(|p| p.kind.into())
    }

    /// Where it is.
    async fn location(&self, ctx: &Context<'_>) -> Option<Location> {
        self.place(graph(ctx)).map(|p| p.location.into())
    }

    /// The commune the list puts it in (communes keep their territory across maps).
    async fn commune(&self, ctx: &Context<'_>) -> Option<Commune> {
        self.commune_id(graph(ctx)).map(|id| {
            Commune::from(UnitAt {
                id,
                as_of: self.as_of,
            })
        })
    }

    /// Its cercle on this object's date.
    async fn cercle(&self, ctx: &Context<'_>) -> Option<Cercle> {
        self.ancestor(graph(ctx), Level::Cercle).map(Cercle::from)
    }

    /// Its region (or the district) on this object's date.
    async fn region(&self, ctx: &Context<'_>) -> Option<Region> {
        self.ancestor(graph(ctx), Level::Region).map(Region::from)
    }

    /// "Bankass commune, Bankass cercle, Bandiagara region": where it lies on the date.
    async fn path(&self, ctx: &Context<'_>) -> Option<String> {
        let graph = graph(ctx);
        let commune = self.commune_id(graph)?;
        let mut path = format!("{} commune", graph.unit(commune).name);
        let rest = graph.describe_location(commune, self.as_of);
        if !rest.is_empty() {
            path.push_str(", ");
            path.push_str(&rest);
        }
        Some(path)
    }

    /// Where the point falls inside another commune's shape than the list's commune (about
    /// one place in ten: the list and the shapes were made apart), that commune: a
    /// discrepancy shown, not fixed. Null when the point lies in its own commune's shape.
    async fn in_shape_of(&self, ctx: &Context<'_>) -> Option<Commune> {
        self.place(graph(ctx))?.in_shape_of.map(|id| {
            Commune::from(UnitAt {
                id,
                as_of: self.as_of,
            })
        })
    }

    /// The date this object answers for.
    async fn as_of(&self) -> Date {
        Date(self.as_of)
    }

    /// Who to name wherever the place's coordinates are shown (CC BY-IGO).
    async fn attribution(&self) -> &'static str {
        ATTRIBUTION
    }
}

/// The seat of a unit: among the places of the communes it holds on the date, the one named
/// like the unit, of the highest kind (Bandiagara town for Bandiagara region); else the one of
/// the highest kind for the unit's level (a cercle's seat of 2015).
pub(crate) fn seat(graph: &AdminGraph, at: UnitAt) -> Option<PlaceView> {
    let atlas = graph.atlas().ok()?;
    let unit = graph.unit(at.id);
    let date = graph.last_day_in_force(at.id, at.as_of);
    let communes: Vec<UnitId> = if unit.level == Level::Commune {
        vec![at.id]
    } else {
        graph.descendants(at.id, Level::Commune, date)
    };
    let rank = |kind: ModelPlaceKind| match kind {
        ModelPlaceKind::Capital => 0,
        ModelPlaceKind::RegionSeat => 1,
        ModelPlaceKind::CercleSeat => 2,
        ModelPlaceKind::CommuneSeat => 3,
        ModelPlaceKind::Village => 4,
    };
    let highest_for_level = match unit.level {
        Level::Country => 0,
        Level::Region => 1,
        Level::Cercle => 2,
        Level::Commune => 3,
    };
    let names: Vec<String> = std::iter::once(&unit.name)
        .chain(&unit.aliases)
        .map(|n| crate::model::fold_name(n))
        .collect();
    let candidates: Vec<usize> = communes
        .iter()
        .flat_map(|c| atlas.places_of_commune(*c))
        .filter(|i| rank(atlas.place(*i).kind) <= 3)
        .collect();
    let by_name = candidates
        .iter()
        .filter(|i| names.contains(&crate::model::fold_name(&atlas.place(**i).name)))
        .min_by_key(|i| (rank(atlas.place(**i).kind), **i));
    let by_kind = || {
        candidates
            .iter()
            .filter(|i| rank(atlas.place(**i).kind) <= highest_for_level)
            .min_by_key(|i| (rank(atlas.place(**i).kind), **i))
    };
    by_name.or_else(by_kind).map(|i| PlaceView {
        index: *i,
        as_of: at.as_of,
    })
}

/// The places COD-AB's list puts in the communes of a unit on a date.
pub(crate) fn places_of_unit(
    graph: &AdminGraph,
    at: UnitAt,
    kind: Option<Vec<PlaceKind>>,
    first: i32,
) -> Result<Vec<PlaceView>> {
    let first = check_first(first)?;
    let atlas = graph.atlas().map_err(unavailable)?;
    let date = graph.last_day_in_force(at.id, at.as_of);
    let communes: Vec<UnitId> = if graph.unit(at.id).level == Level::Commune {
        vec![at.id]
    } else {
        graph.descendants(at.id, Level::Commune, date)
    };
    let kinds: Option<Vec<ModelPlaceKind>> = kind.map(|k| k.into_iter().map(Into::into).collect());
    let mut found: Vec<usize> = communes
        .iter()
        .flat_map(|c| atlas.places_of_commune(*c))
        .filter(|i| {
            kinds
                .as_ref()
                .is_none_or(|k| k.contains(&atlas.place(*i).kind))
        })
        .collect();
    found.sort_by(|a, b| {
        let (pa, pb) = (atlas.place(*a), atlas.place(*b));
        (pa.kind as u8, &pa.name, &pa.pcode).cmp(&(pb.kind as u8, &pb.name, &pb.pcode))
    });
    Ok(found
        .into_iter()
        .take(first)
        .map(|index| PlaceView {
            index,
            as_of: at.as_of,
        })
        .collect())
}

/// The most places one list returns.
pub const MAX_PLACES: i32 = 1000;

fn check_first(first: i32) -> Result<usize> {
    if (1..=MAX_PLACES).contains(&first) {
        Ok(first as usize)
    } else {
        Err(ApiError::BadInput(format!("`first` must be between 1 and {MAX_PLACES}")).extend())
    }
}

/// A point and a distance, for `places(near:)`.
#[derive(InputObject, Debug, Clone, Copy)]
pub struct NearInput {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// How far from the point, km (default 10, at most 500).
    #[graphql(default = 10.0)]
    pub radius_km: f64,
}

/// Checks a latitude/longitude pair from a client.
pub(crate) fn point(latitude: f64, longitude: f64) -> Result<Point<f64>> {
    if !(latitude.is_finite() && (-90.0..=90.0).contains(&latitude)) {
        return Err(ApiError::BadInput(format!(
            "`latitude` must be between -90 and 90 (got {latitude})"
        ))
        .extend());
    }
    if !(longitude.is_finite() && (-180.0..=180.0).contains(&longitude)) {
        return Err(ApiError::BadInput(format!(
            "`longitude` must be between -180 and 180 (got {longitude})"
        ))
        .extend());
    }
    Ok(Point::new(longitude, latitude))
}

/// The root `places` field: places by name, near a point, within a unit, of some kinds.
pub(crate) fn find_places(
    graph: &AdminGraph,
    date: NaiveDate,
    name: Option<String>,
    near: Option<NearInput>,
    within: Option<UnitId>,
    kind: Option<Vec<PlaceKind>>,
    first: i32,
) -> Result<Vec<PlaceView>> {
    let first = check_first(first)?;
    let atlas = graph.atlas().map_err(unavailable)?;
    if name.is_none() && near.is_none() && within.is_none() {
        return Err(ApiError::BadInput(
            "give `name`, `near` or `within` (18,769 places are too many for one list)".to_owned(),
        )
        .extend());
    }
    // Candidates in their order: nearest first when `near` is given, else by kind and name.
    let mut candidates: Vec<usize> = match (&name, near) {
        (_, Some(near)) => {
            let centre = point(near.latitude, near.longitude)?;
            if !(near.radius_km.is_finite() && (0.0..=500.0).contains(&near.radius_km)) {
                return Err(ApiError::BadInput(
                    "`near.radiusKm` must be between 0 and 500".to_owned(),
                )
                .extend());
            }
            atlas
                .places_near(centre, near.radius_km)
                .into_iter()
                .map(|(i, _)| i)
                .collect()
        }
        (Some(name), None) => {
            if name.trim().is_empty() {
                return Err(ApiError::BadInput("`name` is empty".to_owned()).extend());
            }
            atlas.places_named(name).to_vec()
        }
        (None, None) => (0..atlas.places().len()).collect(),
    };
    if near.is_none() {
        candidates.sort_by(|a, b| {
            let (pa, pb) = (atlas.place(*a), atlas.place(*b));
            (pa.kind as u8, &pa.name, &pa.pcode).cmp(&(pb.kind as u8, &pb.name, &pb.pcode))
        });
    }
    let folded = name.as_deref().map(crate::model::fold_name);
    let kinds: Option<Vec<ModelPlaceKind>> = kind.map(|k| k.into_iter().map(Into::into).collect());
    let within_level = within.map(|id| (id, graph.unit(id).level));
    Ok(candidates
        .into_iter()
        .filter(|i| {
            let place = atlas.place(*i);
            folded
                .as_ref()
                .is_none_or(|f| crate::model::fold_name(&place.name) == *f)
                && kinds.as_ref().is_none_or(|k| k.contains(&place.kind))
                && within_level.is_none_or(|(unit, level)| {
                    graph.ancestor(place.commune, level, date) == Some(unit)
                })
        })
        .take(first)
        .map(|index| PlaceView { index, as_of: date })
        .collect())
}

/// Where a point lies on a date: its commune, cercle and region.
pub struct LocationView {
    pub(super) commune: UnitAt,
    pub(super) others: Vec<UnitId>,
    pub(super) point: Point<f64>,
}

#[Object(name = "Located")]
impl LocationView {
    /// The commune whose shape holds the point.
    async fn commune(&self) -> Commune {
        Commune::from(self.commune)
    }

    /// Its cercle on the date (null for Bamako's communes, and for Salam from 2016).
    async fn cercle(&self, ctx: &Context<'_>) -> Option<Cercle> {
        graph(ctx)
            .ancestor(self.commune.id, Level::Cercle, self.commune.as_of)
            .map(|id| {
                Cercle::from(UnitAt {
                    id,
                    as_of: self.commune.as_of,
                })
            })
    }

    /// Its region (or the district) on the date.
    async fn region(&self, ctx: &Context<'_>) -> Option<Region> {
        graph(ctx)
            .ancestor(self.commune.id, Level::Region, self.commune.as_of)
            .map(|id| {
                Region::from(UnitAt {
                    id,
                    as_of: self.commune.as_of,
                })
            })
    }

    /// The quartier of Bamako whose shape holds the point (null outside the district).
    async fn quartier(&self, ctx: &Context<'_>) -> Option<QuartierView> {
        let atlas = graph(ctx).atlas().ok()?;
        atlas.quartier_at(self.point).map(|index| QuartierView {
            index,
            as_of: self.commune.as_of,
        })
    }

    /// Other communes whose shape also holds the point (on a shared border, or where
    /// COD-AB's shapes overlap); usually empty.
    async fn also_in(&self) -> Vec<Commune> {
        self.others
            .iter()
            .map(|id| {
                Commune::from(UnitAt {
                    id: *id,
                    as_of: self.commune.as_of,
                })
            })
            .collect()
    }

    /// The point asked about.
    async fn point(&self) -> Location {
        self.point.into()
    }

    /// The date the answer is for.
    async fn as_of(&self) -> Date {
        Date(self.commune.as_of)
    }

    /// Who to name wherever the answer is shown (CC BY-IGO).
    async fn attribution(&self) -> &'static str {
        ATTRIBUTION
    }
}

/// The root `locate` field.
pub(crate) fn locate(
    graph: &AdminGraph,
    latitude: f64,
    longitude: f64,
    date: NaiveDate,
) -> Result<Option<LocationView>> {
    let point = point(latitude, longitude)?;
    let found = graph.locate(point, date).map_err(unavailable)?;
    Ok(found.split_first().map(|(first, rest)| LocationView {
        commune: UnitAt {
            id: *first,
            as_of: date,
        },
        others: rest.to_vec(),
        point,
    }))
}

impl QuartierView {
    fn quartier<'a>(&self, graph: &'a AdminGraph) -> Option<&'a crate::model::Quartier> {
        graph
            .atlas()
            .ok()
            .and_then(|atlas| atlas.quartiers().get(self.index))
    }
}

#[Object(name = "Quartier")]
impl QuartierView {
    /// OCHA's p-code ("ML090104223").
    async fn pcode<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.quartier(graph(ctx)).map(|q| q.pcode.as_str())
    }

    /// COD-AB's name.
    async fn name<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.quartier(graph(ctx)).map(|q| q.name.as_str())
    }

    /// The name `reference/bamako_quartiers.csv` gives it, where one matches (null: none does).
    async fn other_name<'a>(&self, ctx: &Context<'a>) -> Option<&'a str> {
        self.quartier(graph(ctx))?.other_name.as_deref()
    }

    /// The commune it lies in.
    async fn commune(&self, ctx: &Context<'_>) -> Option<Commune> {
        self.quartier(graph(ctx)).map(|q| {
            Commune::from(UnitAt {
                id: q.commune,
                as_of: self.as_of,
            })
        })
    }

    /// Its shape (COD-AB's), as GeoJSON.
    async fn geometry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Simplify to this tolerance, in metres (0 to 100000).")] simplify: Option<
            f64,
        >,
        #[graphql(desc = "Decimals of each coordinate, 0 to 6 (default 6).")] precision: Option<
            i32,
        >,
    ) -> Result<Option<GeoJson>> {
        check_tolerances(simplify, precision)?;
        geometry_of(
            self.quartier(graph(ctx)).map(|q| &q.shape),
            simplify,
            precision,
        )
    }

    /// The area of its shape, km² (geodesic).
    async fn computed_area(&self, ctx: &Context<'_>) -> Option<f64> {
        use geo::GeodesicArea;
        self.quartier(graph(ctx))
            .map(|q| round_km2(q.shape.geodesic_area_unsigned() / 1e6))
    }

    /// Who to name wherever the shape is shown (CC BY-IGO).
    async fn attribution(&self) -> &'static str {
        ATTRIBUTION
    }
}

/// The quartiers of a commune (Bamako's six have them; no other does).
pub(crate) fn quartiers_of(graph: &AdminGraph, at: UnitAt) -> Result<Vec<QuartierView>> {
    let atlas = graph.atlas().map_err(unavailable)?;
    let mut found: Vec<usize> = (0..atlas.quartiers().len())
        .filter(|i| atlas.quartiers()[*i].commune == at.id)
        .collect();
    found.sort_by(|a, b| atlas.quartiers()[*a].name.cmp(&atlas.quartiers()[*b].name));
    Ok(found
        .into_iter()
        .map(|index| QuartierView {
            index,
            as_of: at.as_of,
        })
        .collect())
}
