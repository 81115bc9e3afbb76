//! The geometry files of `data/geo/`, written by the `import-geo` binary from OCHA's COD-AB
//! (licence CC BY-IGO; attribution [`ATTRIBUTION`]): the communes' p-codes (read with the rest
//! of the data, into each commune's codes), and the shapes and populated places, kept as text
//! when the data loads and parsed only when the model first needs them ([`parse_geo`]), so
//! they cost start-up nothing.

use std::borrow::Cow;
use std::collections::HashSet;

use geo::{MultiPolygon, Point};

use super::table::Table;
use super::{DataSource, DatasetError};
use crate::dataset::records::{Code, CodeSystem, UnitRecord};

/// Who must be named wherever the shapes or the places' coordinates are served or shown.
pub const ATTRIBUTION: &str = "Boundaries and populated places: OCHA, Direction Nationale des \
     Collectivités Territoriales (DNCT), COD-AB Mali (valid on 2015-04-08), CC BY-IGO";

/// The files parsed lazily, with their text embedded in the binary.
macro_rules! geo_files {
    ($($field:ident: $file:literal),* $(,)?) => {
        /// The lazily parsed geometry files, by their path under `data/`.
        pub const GEO_FILES: &[&str] = &[$($file),*];

        /// The text of the geometry files, read (or borrowed from the binary) at load time.
        #[derive(Debug, Clone, Hash)]
        pub struct GeoTexts {
            $(pub $field: Cow<'static, str>,)*
        }

        impl GeoTexts {
            pub(super) fn read(source: &DataSource) -> Result<GeoTexts, DatasetError> {
                Ok(GeoTexts {
                    $($field: match source {
                        DataSource::Embedded => {
                            Cow::Borrowed(include_str!(concat!("../../data/", $file)))
                        }
                        DataSource::Directory(dir) => {
                            let path = dir.join($file);
                            Cow::Owned(std::fs::read_to_string(&path).map_err(|source| {
                                DatasetError::Unreadable {
                                    file: path.display().to_string(),
                                    source,
                                }
                            })?)
                        }
                    },)*
                })
            }
        }
    };
}

geo_files!(
    communes: "geo/communes.geojson",
    country: "geo/country.geojson",
    quartiers: "geo/quartiers.geojson",
    quartier_names: "geo/quartiers.csv",
    places: "geo/places.csv",
);

/// Adds each commune's OCHA p-code (`geo/commune_pcodes.csv`) to its codes. Every commune
/// must have a row; a row without a p-code must say why (`note`).
pub(super) fn apply_commune_pcodes(
    units: &mut [UnitRecord],
    table: &Table,
) -> Result<(), DatasetError> {
    let communes: &mut Vec<&mut UnitRecord> = &mut units
        .iter_mut()
        .filter(|u| u.level == crate::dataset::Level::Commune)
        .collect();
    let mut seen = HashSet::new();
    let mut pcodes = HashSet::new();
    for row in table.rows() {
        let code = row.required("commune")?;
        let Some(commune) = communes.iter_mut().find(|c| c.code == code) else {
            return Err(row.error("commune", format!("no commune has the code `{code}`")));
        };
        if !seen.insert(code.clone()) {
            return Err(row.error("commune", format!("`{code}` has two rows")));
        }
        match row.optional("pcode") {
            Some(pcode) => {
                if !pcodes.insert(pcode.clone()) {
                    return Err(row.error("pcode", format!("`{pcode}` is given twice")));
                }
                commune.codes.push(Code {
                    system: CodeSystem::OchaPcode,
                    value: pcode,
                });
            }
            None if row.optional("note").is_none() => {
                return Err(row.error("note", "a commune without a p-code must say why"));
            }
            None => {}
        }
    }
    if let Some(missing) = communes.iter().find(|c| !seen.contains(&c.code)) {
        return Err(DatasetError::invalid(
            "geo/commune_pcodes.csv",
            1,
            "commune",
            format!("the commune `{}` has no row", missing.code),
        ));
    }
    Ok(())
}

/// A shape of COD-AB: a commune's or a quartier's.
#[derive(Debug, Clone)]
pub struct ShapeRecord {
    pub pcode: String,
    /// COD-AB's name (unaccented, "Kayes Commune").
    pub name: String,
    /// Our code of the commune: the commune itself, or the quartier's commune.
    pub commune: String,
    pub shape: MultiPolygon<f64>,
}

/// What a populated place is, by COD-AB's `popPlaceCl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceKind {
    Capital,
    RegionSeat,
    CercleSeat,
    CommuneSeat,
    Village,
}

/// A populated place of COD-AB's list (2015).
#[derive(Debug, Clone)]
pub struct PlaceRecord {
    pub pcode: String,
    pub name: String,
    pub kind: PlaceKind,
    pub location: Point<f64>,
    /// Our code of the commune COD-AB's list puts it in.
    pub commune: String,
    /// Where the point falls in another commune's shape (the two files were made apart), that
    /// commune's code.
    pub in_shape_of: Option<String>,
}

/// A quartier of Bamako: its COD-AB shape and the name another list gives it.
#[derive(Debug, Clone)]
pub struct QuartierRecord {
    pub shape: ShapeRecord,
    /// The name `reference/bamako_quartiers.csv` gives it, where one matches.
    pub other_name: Option<String>,
}

/// The parsed geometry files.
#[derive(Debug, Clone)]
pub struct GeoRecords {
    pub communes: Vec<ShapeRecord>,
    pub country: MultiPolygon<f64>,
    pub quartiers: Vec<QuartierRecord>,
    pub places: Vec<PlaceRecord>,
}

/// Parses the geometry files. Their structure is checked here (GeoJSON polygons, known kinds,
/// numbers); that every code names a unit is the model's check.
pub fn parse_geo(texts: &GeoTexts) -> Result<GeoRecords, DatasetError> {
    let communes = shapes("geo/communes.geojson", &texts.communes)?;
    let country = shapes("geo/country.geojson", &texts.country)?
        .into_iter()
        .map(|s| s.shape)
        .reduce(|mut a, b| {
            a.0.extend(b.0);
            a
        })
        .ok_or_else(|| DatasetError::invalid("geo/country.geojson", 1, "-", "no feature"))?;
    let names = Table::parse("geo/quartiers.csv", &texts.quartier_names, &["pcode"])?;
    let mut quartiers: Vec<QuartierRecord> = shapes("geo/quartiers.geojson", &texts.quartiers)?
        .into_iter()
        .map(|shape| QuartierRecord {
            shape,
            other_name: None,
        })
        .collect();
    for row in names.rows() {
        if let Some(pcode) = row.optional("pcode")
            && let Some(q) = quartiers.iter_mut().find(|q| q.shape.pcode == pcode)
        {
            q.other_name = row.optional("other_name");
        }
    }
    let table = Table::parse(
        "geo/places.csv",
        &texts.places,
        &[
            "pcode",
            "name",
            "kind",
            "longitude",
            "latitude",
            "commune",
            "in_shape_of",
        ],
    )?;
    let places = table
        .rows()
        .map(|row| {
            let kind = row.one_of(
                "kind",
                &[
                    ("capital", PlaceKind::Capital),
                    ("region_seat", PlaceKind::RegionSeat),
                    ("cercle_seat", PlaceKind::CercleSeat),
                    ("commune_seat", PlaceKind::CommuneSeat),
                    ("village", PlaceKind::Village),
                ],
            )?;
            let longitude: f64 = row.number("longitude")?;
            let latitude: f64 = row.number("latitude")?;
            if !(-180.0..=180.0).contains(&longitude) || !(-90.0..=90.0).contains(&latitude) {
                return Err(row.error("longitude", "not a longitude/latitude pair"));
            }
            Ok(PlaceRecord {
                pcode: row.required("pcode")?,
                name: row.required("name")?,
                kind,
                location: Point::new(longitude, latitude),
                commune: row.required("commune")?,
                in_shape_of: row.optional("in_shape_of"),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(GeoRecords {
        communes,
        country,
        quartiers,
        places,
    })
}

/// The features of one of `import-geo`'s GeoJSON files: `pcode`, `name` and `commune`
/// properties, a polygon or multipolygon each. The file has one feature a line, so an error
/// names the line.
fn shapes(file: &'static str, text: &str) -> Result<Vec<ShapeRecord>, DatasetError> {
    let collection: geojson::FeatureCollection = text
        .parse()
        .map_err(|e| DatasetError::invalid(file, 1, "-", format!("not GeoJSON: {e}")))?;
    collection
        .features
        .into_iter()
        .enumerate()
        .map(|(n, feature)| {
            // Line 1 opens the collection; feature n is on line n + 2.
            let line = n as u64 + 2;
            let property = |key: &str| {
                feature
                    .property(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .ok_or_else(|| DatasetError::invalid(file, line, key, "missing"))
            };
            let geometry = feature
                .geometry
                .clone()
                .ok_or_else(|| DatasetError::invalid(file, line, "geometry", "missing"))?;
            let shape = match geo::Geometry::<f64>::try_from(geometry.value) {
                Ok(geo::Geometry::Polygon(p)) => MultiPolygon(vec![p]),
                Ok(geo::Geometry::MultiPolygon(m)) => m,
                _ => {
                    return Err(DatasetError::invalid(
                        file,
                        line,
                        "geometry",
                        "not a polygon or multipolygon",
                    ));
                }
            };
            Ok(ShapeRecord {
                pcode: property("pcode")?,
                name: property("name")?,
                commune: property("commune").unwrap_or_default(),
                shape,
            })
        })
        .collect()
}
