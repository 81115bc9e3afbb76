//! Where units lie: the communes' shapes (COD-AB, map A), the shape of every other unit on a
//! date as the union of the communes it holds then (so maps B and C are computed, with the
//! confidence of the placements they are made of), point lookups through an R-tree of the
//! communes' bounding boxes, and the populated places. Geometry types (georust `geo`) stay in
//! here; GeoJSON is made at the edge (the GraphQL and HTTP layers).
//!
//! The atlas is built the first time it is asked for (parsing the embedded GeoJSON takes tens
//! of milliseconds), and each union the first time a unit's shape on a date is: so start-up
//! pays nothing for it. `main` warms it in the background once the server listens.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;
use geo::orient::{Direction as Winding, Orient};
use geo::{
    BoundingRect, Centroid, Contains, Distance, GeodesicArea, Haversine, MultiPolygon, Point, Rect,
    unary_union,
};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::{AdminGraph, UnitId, fold_name};
use crate::dataset::{Confidence, DatasetError, GeoRecords, Level, PlaceKind};

/// A populated place of COD-AB's list, placed in our communes.
#[derive(Debug, Clone)]
pub struct Place {
    pub pcode: String,
    pub name: String,
    pub kind: PlaceKind,
    pub location: Point<f64>,
    /// The commune COD-AB's list puts it in.
    pub commune: UnitId,
    /// The commune whose shape holds the point, where that is another one (the two files were
    /// made apart: about one place in ten).
    pub in_shape_of: Option<UnitId>,
}

/// A quartier of Bamako (COD-AB's fourth level), inside one of the district's communes.
#[derive(Debug, Clone)]
pub struct Quartier {
    pub pcode: String,
    pub name: String,
    /// The name `reference/bamako_quartiers.csv` gives it, where one matches.
    pub other_name: Option<String>,
    pub commune: UnitId,
    pub shape: MultiPolygon<f64>,
}

/// Territory that passed between two units without any of our communes carrying it, so the
/// shapes cannot show it (the Mandé villages that joined Bamako in 2023).
#[derive(Debug, Clone)]
pub struct ShapeGap {
    pub from: UnitId,
    pub to: UnitId,
    pub date: NaiveDate,
    pub basis: String,
}

/// A unit's shape on a date, with what it is made of.
#[derive(Debug)]
pub struct UnitShape {
    /// None when none of the unit's communes on the date has a shape (a 2023 cercle whose
    /// communes we cannot place, a commune without a COD-AB shape).
    pub shape: Option<MultiPolygon<f64>>,
    /// Whether the shape is COD-AB's own (a commune), not a union we computed.
    pub from_source: bool,
    /// The communes drawn.
    pub communes_drawn: usize,
    /// Communes inside the unit on the date that have no shape (Alata, Intadjedite).
    pub without_shape: Vec<UnitId>,
    /// The lowest confidence of the placements the shape is made of.
    pub confidence: Confidence,
    /// Geodesic area on the WGS 84 ellipsoid, km².
    pub area_km2: Option<f64>,
    pub centroid: Option<Point<f64>>,
    pub bbox: Option<Rect<f64>>,
    /// Territory the shape cannot show.
    pub gaps: Vec<ShapeGap>,
}

/// A unit, the communes it holds with their placement's confidence, and its gaps.
type UnionKey = (
    UnitId,
    Vec<(UnitId, Confidence)>,
    Vec<(UnitId, UnitId, NaiveDate)>,
);

type Envelope = GeomWithData<Rectangle<[f64; 2]>, UnitId>;

/// The communes' shapes, the places and the unions made so far.
pub struct Atlas {
    shapes: HashMap<UnitId, MultiPolygon<f64>>,
    tree: RTree<Envelope>,
    country_outline: MultiPolygon<f64>,
    places: Vec<Place>,
    place_tree: RTree<GeomWithData<[f64; 2], usize>>,
    place_names: HashMap<String, Vec<usize>>,
    /// The places of each commune (COD-AB's list's commune), in the list's order.
    places_by_commune: HashMap<UnitId, Vec<usize>>,
    quartiers: Vec<Quartier>,
    /// Unions by unit and the communes (with their placement confidence) they are made of: a
    /// unit whose communes do not change between two dates shares one union.
    unions: Mutex<HashMap<UnionKey, Arc<UnitShape>>>,
}

impl fmt::Debug for Atlas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Atlas")
            .field("shapes", &self.shapes.len())
            .field("places", &self.places.len())
            .field("quartiers", &self.quartiers.len())
            .finish_non_exhaustive()
    }
}

fn envelope(shape: &MultiPolygon<f64>) -> Option<AABB<[f64; 2]>> {
    shape
        .bounding_rect()
        .map(|r| AABB::from_corners(r.min().into(), r.max().into()))
}

impl Atlas {
    /// Builds the atlas over the model: every code the geometry files name must be a commune.
    pub(super) fn build(graph: &AdminGraph, records: GeoRecords) -> Result<Atlas, DatasetError> {
        let commune = |file: &str, line: usize, code: &str| {
            graph
                .find_by_code(code)
                .filter(|id| graph.unit(*id).level == Level::Commune)
                .ok_or_else(|| {
                    DatasetError::invalid(
                        file,
                        line as u64 + 2,
                        "commune",
                        format!("`{code}` is not a commune"),
                    )
                })
        };
        let mut shapes = HashMap::new();
        for (n, record) in records.communes.into_iter().enumerate() {
            let id = commune("geo/communes.geojson", n, &record.commune)?;
            // Rings as the boolean operations expect them: exteriors counter-clockwise.
            shapes.insert(id, record.shape.orient(Winding::Default));
        }
        let tree = RTree::bulk_load(
            shapes
                .iter()
                .filter_map(|(id, shape)| {
                    let aabb = envelope(shape)?;
                    Some(GeomWithData::new(
                        Rectangle::from_corners(aabb.lower(), aabb.upper()),
                        *id,
                    ))
                })
                .collect(),
        );
        let mut places = Vec::with_capacity(records.places.len());
        for (n, record) in records.places.into_iter().enumerate() {
            let in_shape_of = match record.in_shape_of.as_deref() {
                None | Some("-") => None,
                Some(code) => Some(commune("geo/places.csv", n, code)?),
            };
            places.push(Place {
                commune: commune("geo/places.csv", n, &record.commune)?,
                in_shape_of,
                pcode: record.pcode,
                name: record.name,
                kind: record.kind,
                location: record.location,
            });
        }
        let place_tree = RTree::bulk_load(
            places
                .iter()
                .enumerate()
                .map(|(i, p)| GeomWithData::new([p.location.x(), p.location.y()], i))
                .collect(),
        );
        let mut place_names: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, place) in places.iter().enumerate() {
            place_names
                .entry(fold_name(&place.name))
                .or_default()
                .push(i);
        }
        let mut places_by_commune: HashMap<UnitId, Vec<usize>> = HashMap::new();
        for (i, place) in places.iter().enumerate() {
            places_by_commune.entry(place.commune).or_default().push(i);
        }
        let mut quartiers = Vec::with_capacity(records.quartiers.len());
        for (n, record) in records.quartiers.into_iter().enumerate() {
            quartiers.push(Quartier {
                commune: commune("geo/quartiers.geojson", n, &record.shape.commune)?,
                pcode: record.shape.pcode,
                name: record.shape.name,
                other_name: record.other_name,
                shape: record.shape.shape.orient(Winding::Default),
            });
        }
        Ok(Atlas {
            shapes,
            tree,
            country_outline: records.country.orient(Winding::Default),
            places,
            place_tree,
            place_names,
            places_by_commune,
            quartiers,
            unions: Mutex::new(HashMap::new()),
        })
    }

    /// A commune's own shape (COD-AB's), if it has one.
    pub fn commune_shape(&self, id: UnitId) -> Option<&MultiPolygon<f64>> {
        self.shapes.get(&id)
    }

    /// COD-AB's outline of the country (not a union: for checks).
    pub fn country_outline(&self) -> &MultiPolygon<f64> {
        &self.country_outline
    }

    /// The communes whose shape contains the point (one, except on a shared border or where
    /// COD-AB's shapes overlap).
    pub fn communes_at(&self, point: Point<f64>) -> Vec<UnitId> {
        let mut found: Vec<UnitId> = self
            .tree
            .locate_all_at_point(&[point.x(), point.y()])
            .map(|e| e.data)
            .filter(|id| self.shapes.get(id).is_some_and(|s| s.contains(&point)))
            .collect();
        found.sort();
        found
    }

    pub fn places(&self) -> &[Place] {
        &self.places
    }

    pub fn place(&self, index: usize) -> &Place {
        &self.places[index]
    }

    /// The places whose name folds to `name`'s key.
    pub fn places_named(&self, name: &str) -> &[usize] {
        self.place_names
            .get(&fold_name(name))
            .map_or(&[], Vec::as_slice)
    }

    /// The places within `radius_km` of `point`, nearest first, with their distance in km.
    pub fn places_near(&self, point: Point<f64>, radius_km: f64) -> Vec<(usize, f64)> {
        let mut found = Vec::new();
        // Nearest first in degrees; stop once even the planar distance is far past the radius
        // (a degree is at least 111 km along a meridian, and less along a parallel).
        for neighbour in self
            .place_tree
            .nearest_neighbor_iter(&[point.x(), point.y()])
        {
            let [x, y] = *neighbour.geom();
            let km = Haversine.distance(point, Point::new(x, y)) / 1000.0;
            let planar = ((x - point.x()).powi(2) + (y - point.y()).powi(2)).sqrt();
            if planar * 100.0 > radius_km * 1.5 + 10.0 {
                break;
            }
            if km <= radius_km {
                found.push((neighbour.data, km));
            }
        }
        found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        found
    }

    /// The places COD-AB's list puts in `commune`.
    pub fn places_of_commune(&self, commune: UnitId) -> Vec<usize> {
        self.places_by_commune
            .get(&commune)
            .cloned()
            .unwrap_or_default()
    }

    pub fn quartiers(&self) -> &[Quartier] {
        &self.quartiers
    }

    /// The quartier of Bamako whose shape holds the point, by its index (71 shapes: each is
    /// tried, its bounding box first).
    pub fn quartier_at(&self, point: Point<f64>) -> Option<usize> {
        self.quartiers.iter().position(|q| {
            q.shape.bounding_rect().is_some_and(|r| r.contains(&point)) && q.shape.contains(&point)
        })
    }
}

impl AdminGraph {
    /// The atlas, built on first use; an error if the geometry files are bad (the embedded
    /// ones are checked by the tests and by `mali-admin check`).
    pub fn atlas(&self) -> Result<&Atlas, &DatasetError> {
        self.atlas
            .get_or_init(|| {
                crate::dataset::parse_geo(&self.geo).and_then(|records| Atlas::build(self, records))
            })
            .as_ref()
    }

    /// The unit's shape on `date` (or on its last day in force): a commune's own, else the
    /// union of the communes it holds then, made once and kept.
    pub fn shape(&self, id: UnitId, date: NaiveDate) -> Result<Arc<UnitShape>, &DatasetError> {
        let atlas = self.atlas()?;
        let date = self.last_day_in_force(id, date);
        let level = self.unit(id).level;
        let communes: Vec<UnitId> = if level == Level::Commune {
            vec![id]
        } else {
            self.descendants(id, Level::Commune, date)
        };
        let key: Vec<(UnitId, Confidence)> = communes
            .iter()
            .map(|c| (*c, self.placement_confidence(*c, level, date)))
            .collect();
        let gaps = self.shape_gaps(id, date);
        let cache_key = (
            id,
            key,
            gaps.iter().map(|g| (g.from, g.to, g.date)).collect(),
        );
        if let Some(shape) = atlas
            .unions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&cache_key)
        {
            return Ok(shape.clone());
        }
        let drawn: Vec<&MultiPolygon<f64>> = communes
            .iter()
            .filter_map(|c| atlas.shapes.get(c))
            .collect();
        let without_shape: Vec<UnitId> = communes
            .iter()
            .filter(|c| !atlas.shapes.contains_key(c))
            .copied()
            .collect();
        let from_source = level == Level::Commune;
        let union = match drawn.as_slice() {
            [] => None,
            [one] => Some((*one).clone()),
            many => Some(unary_union(many.iter().flat_map(|m| m.0.iter()))),
        };
        let area_km2 = union.as_ref().map(|s| s.geodesic_area_unsigned() / 1e6);
        let centroid = union.as_ref().and_then(|s| s.centroid());
        let bbox = union.as_ref().and_then(|s| s.bounding_rect());
        let confidence = cache_key
            .1
            .iter()
            .map(|(_, c)| *c)
            .min()
            .unwrap_or(Confidence::High);
        let made = Arc::new(UnitShape {
            shape: union,
            from_source,
            communes_drawn: drawn.len(),
            without_shape,
            confidence,
            area_km2,
            centroid,
            bbox,
            gaps,
        });
        atlas
            .unions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(cache_key, made.clone());
        Ok(made)
    }

    /// Lineage links of `id` in force by `date` that no commune of ours carried: territory
    /// passed between the two units, but every commune stayed where it was, so the shapes
    /// cannot show it.
    fn shape_gaps(&self, id: UnitId, date: NaiveDate) -> Vec<ShapeGap> {
        let level = self.unit(id).level;
        if level == Level::Commune || level == Level::Country {
            return Vec::new();
        }
        let mut gaps = Vec::new();
        let links = self
            .successors(id)
            .into_iter()
            .map(|(other, link)| (id, other, link))
            .chain(
                self.predecessors(id)
                    .into_iter()
                    .map(|(other, link)| (other, id, link)),
            );
        for (from, to, link) in links {
            if link.date > date || !link.partial {
                continue;
            }
            let Some(before) = link.date.pred_opt() else {
                continue;
            };
            let moved: BTreeSet<UnitId> = self
                .descendants(from, Level::Commune, before)
                .into_iter()
                .filter(|c| self.ancestor(*c, level, link.date) == Some(to))
                .collect();
            if moved.is_empty() {
                gaps.push(ShapeGap {
                    from,
                    to,
                    date: link.date,
                    basis: link.basis.clone(),
                });
            }
        }
        gaps
    }

    /// The commune containing the point on `date`, and where the point falls in more than
    /// one shape (a shared border), the others.
    pub fn locate(&self, point: Point<f64>, date: NaiveDate) -> Result<Vec<UnitId>, &DatasetError> {
        Ok(self
            .atlas()?
            .communes_at(point)
            .into_iter()
            .filter(|c| self.unit(*c).validity.contains(date))
            .collect())
    }
}

/// What `mali-admin check` found in the geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct GeometryReport {
    pub communes_with_shape: usize,
    pub communes_without_shape: Vec<String>,
    /// Communes whose COD-AB rings are not valid OGC polygons (self-touching rings and the
    /// like), kept as the source gives them: unions and point lookups still work.
    pub invalid_shapes: Vec<String>,
    pub places: usize,
    /// Places whose point falls in another commune's shape, as `geo/places.csv` lists them.
    pub places_listed_elsewhere: usize,
    /// Area of the union of the communes against COD-AB's outline of the country, per cent.
    pub country_area_difference_percent: f64,
}

/// Why the geometry fails its checks.
#[derive(Debug, thiserror::Error)]
pub enum GeometryError {
    #[error("the geometry files could not be loaded: {0}")]
    Unloadable(String),
    #[error("the commune {0} lies outside the country's outline")]
    OutsideCountry(String),
    #[error("the place {pcode} ({name}) is not in {commune}'s shape, and not listed elsewhere")]
    PlaceMisplaced {
        pcode: String,
        name: String,
        commune: String,
    },
    #[error("the place {pcode} is listed in {listed}'s shape but does not fall in it")]
    PlaceListing { pcode: String, listed: String },
    #[error("the union of the communes differs from the country's outline by {0:.2}%")]
    CountryArea(f64),
}

impl AdminGraph {
    /// Checks the geometry: every shape's rings, every commune inside the country (its
    /// interior point, and the communes' union within 0.5% of COD-AB's outline), every place
    /// inside its commune's shape or listed with the commune whose shape holds it.
    pub fn check_geometry(&self) -> Result<GeometryReport, GeometryError> {
        use geo::{InteriorPoint, Validation};
        let atlas = self
            .atlas()
            .map_err(|e| GeometryError::Unloadable(e.to_string()))?;
        let communes = self.units_of_level(Level::Commune);
        let mut invalid_shapes = Vec::new();
        let mut without = Vec::new();
        for id in &communes {
            let unit = self.unit(*id);
            let Some(shape) = atlas.shapes.get(id) else {
                without.push(unit.name.clone());
                continue;
            };
            if !shape.is_valid() {
                invalid_shapes.push(format!("{} {}", unit.code, unit.name));
            }
            let inside = shape
                .interior_point()
                .is_some_and(|p| atlas.country_outline.contains(&p));
            if !inside {
                return Err(GeometryError::OutsideCountry(unit.code.clone()));
            }
        }
        // On 2001-06-07 and after, all 703 communes are in force (701 with a shape).
        let all_communes =
            NaiveDate::from_ymd_opt(2010, 1, 1).unwrap_or(crate::dataset::DATA_START);
        let country = self
            .shape(self.country, all_communes)
            .map_err(|e| GeometryError::Unloadable(e.to_string()))?;
        let outline = atlas.country_outline.geodesic_area_unsigned() / 1e6;
        let difference = (country.area_km2.unwrap_or(0.0) - outline) / outline * 100.0;
        if difference.abs() > 0.5 {
            return Err(GeometryError::CountryArea(difference));
        }
        let mut listed_elsewhere = 0;
        for place in &atlas.places {
            let inside = atlas.communes_at(place.location);
            match place.in_shape_of {
                None if inside.contains(&place.commune)
                    || !atlas.shapes.contains_key(&place.commune) => {}
                None => {
                    return Err(GeometryError::PlaceMisplaced {
                        pcode: place.pcode.clone(),
                        name: place.name.clone(),
                        commune: self.unit(place.commune).code.clone(),
                    });
                }
                Some(other) if inside.contains(&other) => listed_elsewhere += 1,
                Some(other) => {
                    return Err(GeometryError::PlaceListing {
                        pcode: place.pcode.clone(),
                        listed: self.unit(other).code.clone(),
                    });
                }
            }
        }
        Ok(GeometryReport {
            communes_with_shape: communes.len() - without.len(),
            communes_without_shape: without,
            invalid_shapes,
            places: atlas.places.len(),
            places_listed_elsewhere: listed_elsewhere,
            country_area_difference_percent: (difference * 100.0).round() / 100.0,
        })
    }

    fn units_of_level(&self, level: Level) -> Vec<UnitId> {
        self.units()
            .into_iter()
            .filter(|id| self.unit(*id).level == level)
            .collect()
    }
}

impl AdminGraph {
    /// Parses the geometry and makes the shape of every unit on one day of each map (the
    /// maps' first days, and today's map on its first day): what `main` runs in the background.
    /// Returns how many shapes it made; nothing if the geometry cannot be loaded (the error
    /// comes with the first question that needs it).
    pub fn warm_geometry(&self) -> usize {
        if self.atlas().is_err() {
            return 0;
        }
        let mut made = 0;
        for map in &self.maps {
            let day = map.period.from.unwrap_or(crate::dataset::DATA_START);
            for level in [Level::Region, Level::Cercle] {
                for id in self.in_force(level, day) {
                    made += usize::from(self.shape(id, day).is_ok());
                }
            }
            made += usize::from(self.shape(self.country, day).is_ok());
        }
        made
    }
}

impl AdminGraph {
    /// Populated places whose name is the text or starts with it (folded: case, accents,
    /// apostrophes and hyphens ignored), exact matches first, then seats before villages, then
    /// by name; at most `limit`. Empty if the geometry cannot be loaded.
    pub fn search_places(&self, text: &str, limit: usize) -> Vec<super::SearchHit> {
        let Ok(atlas) = self.atlas() else {
            return Vec::new();
        };
        let key = fold_name(text);
        if key.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(super::MatchKind, u8, &str, usize)> = atlas
            .places
            .iter()
            .enumerate()
            .filter_map(|(i, place)| {
                let name = fold_name(&place.name);
                let kind = if name == key {
                    super::MatchKind::Exact
                } else if name.starts_with(&key) {
                    super::MatchKind::Prefix
                } else {
                    return None;
                };
                Some((kind, place.kind as u8, place.name.as_str(), i))
            })
            .collect();
        hits.sort();
        hits.into_iter()
            .take(limit)
            .map(|(kind, _, name, i)| super::SearchHit {
                found: super::Found::Place(i),
                kind,
                matched: name.to_owned(),
                alias: false,
                distance: 0,
            })
            .collect()
    }
}
