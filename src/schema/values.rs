//! Enums and value objects of the schema that refer to no unit: levels, confidences, codes,
//! figures, counts, growth, links' kinds, placements' bases, locations and GeoJSON.

use async_graphql::{Enum, SimpleObject};
use geo::Point;
use serde_json::Value;

use super::date::Date;
use crate::dataset::{self, DATA_START};

/// The level of a unit in the administrative tree.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "dataset::Level")]
pub enum Level {
    /// Mali.
    Country,
    /// A region or the Bamako District.
    Region,
    /// A cercle (second level).
    Cercle,
    /// A commune (third level).
    Commune,
}

/// Whether a first-level unit is a region or the capital district.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "dataset::RegionKind")]
pub enum RegionKind {
    /// One of the regions.
    Region,
    /// The Bamako capital district: no cercles, six communes.
    District,
}

/// How sure the sources are of a fact (as `shared/reference` grades it).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "dataset::Confidence")]
pub enum Confidence {
    /// Inferred, or from one indirect source.
    Low,
    /// Likely; not confirmed by an official text.
    Medium,
    /// Confirmed by several sources.
    High,
}

/// The code systems of units' codes. Never mix them up: Ménaka region is 10 in the seeds and
/// ML-9 in ISO 3166-2; Bankass is 1903 in the 2023 codes and ML0503 in OCHA's p-codes.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "dataset::CodeSystem")]
pub enum CodeSystem {
    /// ISO 3166-1 alpha-2 (the country: ML).
    #[graphql(name = "ISO_3166_1")]
    Iso3166_1,
    /// The seeds' region number, "00" (Bamako) to "19" (Douentza); the primary code of regions.
    SeedRegionNumber,
    /// Region codes of law 2023-007 (Bandiagara 19), used in the 2023 cercle codes.
    #[graphql(name = "LAW_2023_007_REGION")]
    Law2023Region,
    /// The 4-digit cercle codes of the 2023 structure (1903 = Bankass); the primary code of
    /// cercles, also for the cercles of the older maps that continue in 2023.
    #[graphql(name = "CERCLE_2023")]
    Cercle2023,
    /// OCHA COD-AB p-codes of the pre-2023 map (ML05 = Mopti, ML0503 = Bankass).
    OchaPcode,
    /// ISO 3166-2:ML subdivision codes (ML-9 = Ménaka, ML-10 = Taoudénit).
    #[graphql(name = "ISO_3166_2")]
    Iso3166_2,
    /// This API's own commune codes, `CM-<cercle's 2023 code>-<position in seed 001>` (no source
    /// gives commune codes); the primary code of communes.
    MaliAdminCommune,
}

/// What kind of figure a population is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "dataset::FigureKind")]
pub enum FigureKind {
    /// A national census (RGPH 1998, RGPH 2009).
    Census,
    /// A projection for a year without a census.
    Estimate,
    /// A figure the source gives for a year without saying how it was obtained (seed 000's 2023
    /// column, which other sources call the 2022 census).
    Reported,
}

/// Whether a unit exists on a date.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitStatus {
    /// The unit is in force on the date.
    InForce,
    /// The unit was created after the date.
    NotYetCreated,
    /// The unit had ceased to exist by the date.
    Ended,
}

/// One of a unit's codes, with the system it belongs to.
#[derive(SimpleObject, Debug, Clone)]
pub struct UnitCode {
    /// The code system.
    pub system: CodeSystem,
    /// The code, as that system writes it.
    pub value: String,
}

/// A published population figure, with its source and the territory it counts.
#[derive(SimpleObject, Debug, Clone)]
pub struct PopulationFigure {
    /// The year the figure is for.
    pub year: i32,
    /// The number of inhabitants.
    pub value: i32,
    /// Census, estimate or reported figure.
    pub kind: FigureKind,
    /// The source document.
    pub source: &'static str,
    /// Which territory the figure counts (the unit at the census, or today's unit).
    pub territory: &'static str,
}

pub fn to_int(value: u64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// How many units lie inside a unit on a date.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct UnitCounts {
    /// Cercles.
    pub cercles: i32,
    /// Communes (those of its cercles and those lying in it directly).
    pub communes: i32,
    /// Urban communes.
    pub urban_communes: i32,
    /// Rural communes.
    pub rural_communes: i32,
}

/// Which figures a growth rate is computed from.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FigureBasis {
    /// The unit's published figures.
    #[default]
    Published,
    /// Sums of the communes inside the unit on its date (see `computedPopulation`).
    Computed,
}

/// Population growth between two years.
#[derive(SimpleObject, Debug, Clone)]
pub struct Growth {
    /// The first year.
    pub from_year: i32,
    /// The second year.
    pub to_year: i32,
    /// Published figures or computed sums.
    pub basis: FigureBasis,
    /// The population of the first year.
    pub from_value: i32,
    /// The population of the second year.
    pub to_value: i32,
    /// `toValue - fromValue`.
    pub change: i32,
    /// The change in per cent of `fromValue`.
    pub percent: f64,
    /// The compound annual growth rate, in per cent.
    pub annual_rate_percent: f64,
    /// A computed sum involved is approximate.
    pub approximate: bool,
}

/// The first date the data covers, as the schema reports it.
pub fn data_start() -> Date {
    Date(DATA_START)
}

/// How two units of the same level are linked, seen from the unit the link is listed on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// This unit was created from (part of) the other's territory.
    CreatedFrom,
    /// This unit received part of the other's territory.
    ReceivedPartFrom,
    /// (Part of) this unit's territory became the new other unit.
    SplitInto,
    /// Part of this unit's territory went to the existing other unit.
    PartTransferredTo,
}

/// Which way to walk lineage links in time.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineageDirection {
    /// Towards the units that received territory, later and later.
    #[default]
    Forward,
    /// Towards the units that gave territory, earlier and earlier.
    Backward,
}

/// When a placement (a unit lying in its parent) held, and what it rests on: the fields of
/// every `regionHistory` and `cercleHistory` period.
#[derive(SimpleObject, Debug, Clone)]
pub struct Placement {
    /// The first day; null if the period began before the data (1996-11-04).
    pub from: Option<Date>,
    /// The first day after the period; null if it lasts.
    pub until: Option<Date>,
    /// How sure the sources are of the placement (assumptions are LOW; a region period takes
    /// the weakest on the way up: a commune's own or its cercle's).
    pub confidence: Confidence,
    /// What the placement rests on (for a region period, the commune's own where both are as
    /// sure).
    pub basis: PlacementBasis,
    /// Where it comes from: the seed, the reference file, or the page that lists the commune.
    pub source: String,
    /// What else the sources say of it: how a page's name was matched to ours, a source that
    /// disagrees and is not followed (Koréra Koré: Nioro du Sahel's list against its own page).
    pub note: Option<String>,
}

/// What a placement (a unit lying in its parent over a period) rests on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "dataset::PlacementBasis")]
pub enum PlacementBasis {
    /// A seed lists the unit there: seed 000's regions, seed 001's communes in their cercles
    /// (map A, and map B for every commune the 2016 changes left alone).
    Seed,
    /// A reference file states it: the cercles' regions, Ménaka's communes and Salam in 2016.
    Reference,
    /// A public page lists the commune in this 2023 cercle (French Wikipedia, Malian press;
    /// `data/communes_2023_placed.csv`).
    Sourced,
    /// The commune is the seat of a cercle carved out of its old cercle in 2023.
    SeatOfNewCercle,
    /// No source places the commune on map C: it is assumed to stay where it lay on map B.
    /// Always LOW: where sources do place communes, they contradict this about one time in four.
    AssumedUnchanged,
    /// A source lists its old cercle's 2023 communes complete without it: its cercle is
    /// unknown, and it is assumed to stay in that cercle's region (LOW).
    NotInCompleteList,
}

/// A GeoJSON geometry object (RFC 7946, WGS 84 longitude/latitude): a `Polygon` or a
/// `MultiPolygon`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct GeoJson(pub Value);

/// The most decimals a coordinate is written with (6: about 0.1 m, past the source's
/// precision).
pub const MAX_PRECISION: i32 = 6;

/// A point on the WGS 84 ellipsoid.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct Location {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
}

/// A bounding box, in degrees.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct BoundingBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

/// What a populated place is (COD-AB's `popPlaceCl`, 2015). The seats of the units created
/// in 2016 and 2023 are not flagged: they are among the villages and commune seats.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::dataset::PlaceKind")]
pub enum PlaceKind {
    /// Bamako, the national capital.
    Capital,
    /// The seat of a region of the pre-2016 map.
    RegionSeat,
    /// The seat of a cercle of the pre-2016 map.
    CercleSeat,
    /// The seat of a commune.
    CommuneSeat,
    /// Any other village or town.
    Village,
}

async_graphql::scalar!(
    GeoJson,
    "GeoJSON",
    "A GeoJSON geometry object (RFC 7946; WGS 84 longitude, latitude), as a map library takes it."
);

impl From<Point<f64>> for Location {
    fn from(point: Point<f64>) -> Self {
        Location {
            latitude: point.y(),
            longitude: point.x(),
        }
    }
}
