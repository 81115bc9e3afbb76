//! The schema's object types that refer to one another: the units (`Country`, `Region`,
//! `Cercle`, `Commune`), the `AdminUnit` and `Node` interfaces, and every type a unit's field
//! returns that leads back to a unit. They are declared together because they form a cycle
//! (a cercle's `regionHistory` holds regions, whose `cercles` hold cercles); their fields are
//! resolved in the modules of their topics (`units.rs`, `history.rs`, `people.rs`,
//! `geometry.rs`, `placement.rs`), which import this module and never each other's types.

use std::sync::Arc;

use async_graphql::{Interface, SimpleObject};
use chrono::NaiveDate;

use super::date::Date;
use super::values::{
    BoundingBox, Confidence, FigureBasis, GeoJson, Growth, Level, LineageDirection, LinkKind,
    Location, PlaceKind, Placement, PopulationFigure, UnitCode, UnitCounts, UnitStatus,
};
use crate::dataset::{self, LanguageRecord, ReligionRecord};
use crate::model::{AdminGraph, GroupId, UnitId, UnitShape};

/// A unit seen on a date: what every unit object wraps.
#[derive(Debug, Clone, Copy)]
pub struct UnitAt {
    pub id: UnitId,
    pub as_of: NaiveDate,
}

/// Declares the unit types: each wraps the unit seen on a date.
macro_rules! unit_types {
    ($($(#[$doc:meta])* $name:ident,)*) => {$(
        $(#[$doc])*
        pub struct $name(pub UnitAt);

        impl From<UnitAt> for $name {
            fn from(at: UnitAt) -> Self {
                $name(at)
            }
        }
    )*};
}

// Their descriptions, as the schema shows them, are on their fields' impls in `units.rs`.
unit_types! {
    /// Mali.
    Country,
    /// A region or the Bamako District.
    Region,
    /// A cercle.
    Cercle,
    /// A commune.
    Commune,
}

/// Any administrative unit: the country, a region or district, a cercle or a commune.
// Clippy takes the interface's repeated `field(ty = ...)` entries for duplicated attributes.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    name = "AdminUnit",
    field(
        name = "id",
        ty = "async_graphql::ID",
        desc = "An opaque global ID of the unit seen on this object's date: `node(id:)` fetches this object again."
    ),
    field(
        name = "parent",
        ty = "Option<AdminUnit>",
        desc = "The unit directly above this one on `asOf` (default: this object's date).",
        arg(
            name = "as_of",
            ty = "Option<Date>",
            desc = "The date to answer for (default: this object's date)."
        )
    ),
    field(
        name = "code",
        ty = "&'ctx str",
        desc = "The unit's primary code, unique across levels."
    ),
    field(
        name = "codes",
        ty = "Vec<UnitCode>",
        desc = "Every code of the unit, with its system."
    ),
    field(name = "name", ty = "&'ctx str", desc = "The unit's name."),
    field(
        name = "aliases",
        ty = "&'ctx [String]",
        desc = "Other names and spellings."
    ),
    field(name = "level", ty = "Level", desc = "The unit's level."),
    field(
        name = "as_of",
        ty = "Date",
        desc = "The date this object answers for."
    ),
    field(
        name = "from",
        method = "validity_from",
        ty = "Option<Date>",
        desc = "The first day in force; null if before 1996-11-04."
    ),
    field(
        name = "until",
        method = "validity_until",
        ty = "Option<Date>",
        desc = "The first day no longer in force; null while in force."
    ),
    field(
        name = "valid_from",
        ty = "Option<Date>",
        desc = "The first day in force (the same as `from`).",
        deprecation = "Use `from`: periods are `from`/`until` everywhere."
    ),
    field(
        name = "valid_until",
        ty = "Option<Date>",
        desc = "The first day no longer in force (the same as `until`).",
        deprecation = "Use `until`: periods are `from`/`until` everywhere."
    ),
    field(
        name = "status",
        ty = "Result<UnitStatus>",
        desc = "Whether the unit is in force on `asOf` (default: this object's date).",
        arg(
            name = "as_of",
            ty = "Option<Date>",
            desc = "The date to answer for (default: this object's date)."
        )
    ),
    field(
        name = "population",
        ty = "Option<i32>",
        desc = "The published population for `year`, or null.",
        arg(
            name = "year",
            ty = "i32",
            desc = "The year of the figure (censuses: 1998, 2009)."
        )
    ),
    field(
        name = "populations",
        ty = "Vec<PopulationFigure>",
        desc = "Every published population figure."
    ),
    field(
        name = "confidence",
        ty = "Confidence",
        desc = "How sure the sources are of the unit."
    ),
    field(
        name = "seed_name",
        ty = "Option<&'ctx str>",
        desc = "The seed's label, verbatim."
    ),
    field(
        name = "note",
        ty = "Option<&'ctx str>",
        desc = "What the sources say that the other fields cannot."
    ),
    field(
        name = "predecessors",
        ty = "Vec<LineageLinkView>",
        desc = "Units of the same level that gave this unit territory."
    ),
    field(
        name = "successors",
        ty = "Vec<LineageLinkView>",
        desc = "Units of the same level that received territory from this unit."
    ),
    field(
        name = "lineage_paths",
        ty = "Vec<LineagePath>",
        desc = "Every walk through lineage links from this unit, each hop later (or earlier) than the one before.",
        arg(
            name = "direction",
            ty = "LineageDirection",
            desc = "Forward (default) or backward in time.",
            default
        )
    ),
    field(
        name = "projection",
        ty = "Result<Vec<ProjectionView>>",
        desc = "The units of `level` in force on `onto` that hold this unit's territory of its date.",
        arg(name = "onto", ty = "Date", desc = "The date to project onto."),
        arg(
            name = "level",
            ty = "Option<Level>",
            desc = "The level of the units to return (default: this unit's)."
        )
    ),
    field(
        name = "computed_population",
        ty = "Option<ComputedPopulation>",
        desc = "The population for a census `year` summed over the communes inside the unit on its date.",
        arg(name = "year", ty = "i32", desc = "The census year (1998 or 2009).")
    ),
    field(
        name = "groups",
        ty = "Result<Vec<Group>>",
        desc = "Peoples whose homeland, on `asOf`, is the unit, lies within it, or contains it.",
        arg(
            name = "as_of",
            ty = "Option<Date>",
            desc = "The date to answer for (default: this object's date)."
        )
    ),
    field(
        name = "counts",
        ty = "Result<UnitCounts>",
        desc = "How many cercles and communes lie inside the unit on `asOf`.",
        arg(
            name = "as_of",
            ty = "Option<Date>",
            desc = "The date to answer for (default: this object's date)."
        )
    ),
    field(
        name = "growth",
        ty = "Option<Growth>",
        desc = "Growth of the population between two years; null when a figure is missing.",
        arg(
            name = "from_year",
            ty = "i32",
            desc = "The first year.",
            default = 1998
        ),
        arg(
            name = "to_year",
            ty = "i32",
            desc = "The second year.",
            default = 2009
        ),
        arg(
            name = "basis",
            ty = "FigureBasis",
            desc = "Published figures (default) or computed sums.",
            default
        )
    ),
    field(
        name = "geometry",
        ty = "Result<Option<GeoJson>>",
        desc = "The unit's shape on its date, as GeoJSON.",
        arg(
            name = "simplify",
            ty = "Option<f64>",
            desc = "Simplify to this tolerance, in metres."
        ),
        arg(
            name = "precision",
            ty = "Option<i32>",
            desc = "Decimals of each coordinate, 0 to 6."
        )
    ),
    field(
        name = "shape",
        ty = "Result<ShapeView>",
        desc = "What the shape is made of, and how far to trust it."
    ),
    field(
        name = "centroid",
        ty = "Result<Option<Location>>",
        desc = "The centroid of the shape."
    ),
    field(
        name = "bbox",
        ty = "Result<Option<BoundingBox>>",
        desc = "The bounding box of the shape."
    ),
    field(
        name = "computed_area",
        ty = "Result<Option<f64>>",
        desc = "The area of the shape, km² (geodesic)."
    ),
    field(
        name = "seat",
        ty = "Option<PlaceView>",
        desc = "The unit's seat, a populated place."
    ),
    field(
        name = "places",
        ty = "Result<Vec<PlaceView>>",
        desc = "The populated places in the unit's communes on its date.",
        arg(
            name = "kind",
            ty = "Option<Vec<PlaceKind>>",
            desc = "Only places of these kinds (default: all)."
        ),
        arg(
            name = "first",
            ty = "i32",
            desc = "How many at most (1 to 1000).",
            default = 100
        )
    )
)]
pub enum AdminUnit {
    Country(Country),
    Region(Region),
    Cercle(Cercle),
    Commune(Commune),
}

/// An object with a global ID (Relay).
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "async_graphql::ID",
    desc = "An opaque global ID: pass it to `node(id:)` to fetch the object again."
))]
pub enum Node {
    Country(Country),
    Region(Region),
    Cercle(Cercle),
    Commune(Commune),
    Group(Group),
    Language(Language),
    Religion(Religion),
}

impl Node {
    /// The object of the unit's own type.
    pub fn new(graph: &AdminGraph, at: UnitAt) -> Node {
        match graph.unit(at.id).level {
            dataset::Level::Country => Node::Country(at.into()),
            dataset::Level::Region => Node::Region(at.into()),
            dataset::Level::Cercle => Node::Cercle(at.into()),
            dataset::Level::Commune => Node::Commune(at.into()),
        }
    }
}

/// A history link to another unit of the same level that gave or received territory.
pub struct LineageLinkView {
    pub(crate) other: UnitId,
    pub(crate) kind: LinkKind,
    pub(crate) date: NaiveDate,
    pub(crate) partial: bool,
    pub(crate) confidence: dataset::Confidence,
    pub(crate) basis: String,
}

/// A walk through lineage links, each hop later (or earlier) than the one before.
pub struct LineagePath {
    pub start: UnitAt,
    pub hops: Vec<LineageLinkView>,
}

/// A period during which a cercle or commune lay in one region.
#[derive(SimpleObject)]
pub struct RegionPeriod {
    /// The region (or district), seen at the start of the period.
    pub region: Region,
    #[graphql(flatten)]
    pub placement: Placement,
}

/// A unit of another date that holds (part of) a unit's territory.
pub struct ProjectionView {
    pub at: UnitAt,
    pub projection: crate::model::Projection,
}

/// A population computed by summing the communes inside a unit on a date: not a published
/// figure.
#[derive(SimpleObject)]
pub struct ComputedPopulation {
    /// The census year summed.
    pub year: i32,
    /// The sum of the communes' figures for the year.
    pub value: i32,
    /// Always true: this figure is computed, not published.
    pub computed: bool,
    /// A medium- or low-confidence placement, a commune without a figure, or a transfer of
    /// territory that no commune carries makes the sum approximate.
    pub approximate: bool,
    /// Communes summed.
    pub communes_counted: i32,
    /// Communes inside the unit without a figure for the year (created later).
    pub communes_without_figure: i32,
    /// The unit's published figure for the year, if any, for comparison.
    pub published: Option<i32>,
    /// `value - published`, when both exist: where the sources do not add up.
    pub difference: Option<i32>,
}

/// A people (ethnic group) of Mali, as seed 002 describes it.
pub struct Group {
    pub id: GroupId,
    /// The date its places are seen on.
    pub as_of: NaiveDate,
}

/// A language of Mali, as seed 002 gives it.
pub struct Language {
    pub record: LanguageRecord,
}

/// A religion of Mali, with its share as seed 002 gives it.
pub struct Religion {
    pub record: ReligionRecord,
}

/// What a unit's shape on a date is made of, and how far to trust it.
pub struct ShapeView {
    pub(crate) at: UnitAt,
    pub(crate) shape: Arc<UnitShape>,
}

/// A populated place of OCHA's list (COD-AB, 2015), seen on a date.
pub struct PlaceView {
    pub(crate) index: usize,
    pub(crate) as_of: NaiveDate,
}

/// A quartier of Bamako (COD-AB's fourth level), inside one of the district's communes. Not an
/// `AdminUnit`: no source gives quartiers codes, figures or history of our kind.
pub struct QuartierView {
    pub(crate) index: usize,
    pub(crate) as_of: NaiveDate,
}

/// A period during which a commune lay in one cercle (or, its cercle unknown, directly in a
/// region).
#[derive(SimpleObject)]
pub struct CerclePeriod {
    /// The cercle, seen at the start of the period; null where the commune lies directly in a
    /// region or the district (Bamako's communes, Salam since 2016, the communes a complete
    /// 2023 list leaves out).
    pub cercle: Option<Cercle>,
    #[graphql(flatten)]
    pub placement: Placement,
}

/// How many communes a source says a cercle or region of map C has, beside the number placed
/// here.
#[derive(SimpleObject)]
pub struct StatedCommunes {
    /// The number of communes the source states.
    pub stated: i32,
    /// Who states it.
    pub stated_by: String,
    /// The communes this API places in the unit on the object's date (on map C's first day for
    /// an earlier date): where it differs from `stated`, placements are missing or wrong, or
    /// communes were created that our sources do not name.
    pub placed: i32,
    /// Whether a source lists the cercle's communes complete (then `communes` is that list;
    /// always false for a region).
    pub list_complete: bool,
}

impl AdminUnit {
    /// The object of the unit's own type.
    pub fn new(graph: &AdminGraph, at: UnitAt) -> AdminUnit {
        match graph.unit(at.id).level {
            dataset::Level::Country => AdminUnit::Country(at.into()),
            dataset::Level::Region => AdminUnit::Region(at.into()),
            dataset::Level::Cercle => AdminUnit::Cercle(at.into()),
            dataset::Level::Commune => AdminUnit::Commune(at.into()),
        }
    }
}
