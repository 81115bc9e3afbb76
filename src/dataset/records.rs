//! The validated values the rest of the crate works with: units, containment periods, lineage
//! links, maps and reorganisations. Built only by [`super::load_dataset`], so a value of these
//! types has passed every check.

use chrono::NaiveDate;

/// The first day the data covers: law 96-059 created the communes on 1996-11-04.
pub const DATA_START: NaiveDate = match NaiveDate::from_ymd_opt(1996, 11, 4) {
    Some(date) => date,
    None => panic!("1996-11-04 is a valid date"),
};

/// The level of a unit in the administrative tree, from the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Country,
    /// A region or the Bamako District (first-level units).
    Region,
    Cercle,
    Commune,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Country => "country",
            Level::Region => "region",
            Level::Cercle => "cercle",
            Level::Commune => "commune",
        }
    }
}

/// Whether a first-level unit is a region or the capital district.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionKind {
    Region,
    District,
}

/// A half-open interval of dates, `[from, until)`; `None` is unbounded (for `from`: the unit
/// existed before the data begins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Period {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= date) && self.until.is_none_or(|until| date < until)
    }
}

/// How sure the sources are of a fact, as `../shared/reference/` grades it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// The code systems a unit's codes belong to. Never mix them up: Ménaka region is 10 in the
/// seeds and ML-9 in ISO 3166-2; Bankass is 1903 in the 2023 codes and ML0503 in OCHA's p-codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeSystem {
    /// ISO 3166-1 alpha-2 (the country: ML).
    Iso3166_1,
    /// The seeds' region number, "00" (Bamako) to "19" (Douentza): the order of law 2012-017.
    SeedRegionNumber,
    /// Region codes of law 2023-007 (Bandiagara 19), used in the 2023 cercle codes.
    Law2023Region,
    /// The 4-digit cercle codes of the 2023 structure (1903 = Bankass).
    Cercle2023,
    /// OCHA COD-AB p-codes of the pre-2023 map (ML05 = Mopti, ML0503 = Bankass).
    OchaPcode,
    /// ISO 3166-2:ML subdivision codes (ML-9 = Ménaka, ML-10 = Taoudénit).
    Iso3166_2,
    /// This project's own commune codes: `CM-<seed cercle's 2023 code>-<position in the seed>`.
    MaliAdminCommune,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub system: CodeSystem,
    pub value: String,
}

/// What kind of figure a population is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureKind {
    /// A national census (RGPH 1998, RGPH 2009).
    Census,
    /// A projection published for a year without a census.
    Estimate,
    /// A population the source gives for a year without saying how it was obtained (seed 000's
    /// "Population (2023)", which other sources call the 2022 census).
    Reported,
}

/// One published population figure, with where it comes from and what territory it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationFigure {
    pub year: i32,
    pub value: u64,
    pub kind: FigureKind,
    pub source: &'static str,
    /// Which territory the figure describes (the unit at the census, or today's unit).
    pub territory: &'static str,
}

/// Where a record was read: for error messages and provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: &'static str,
    pub line: u64,
}

/// One administrative unit: the country, a region or district, a cercle or a commune.
#[derive(Debug, Clone)]
pub struct UnitRecord {
    /// The unit's primary code, unique across all levels (see `data/README.md`).
    pub code: String,
    pub name: String,
    pub level: Level,
    pub region_kind: Option<RegionKind>,
    /// For communes: an urban commune (`true`) or a rural one.
    pub urban: Option<bool>,
    /// Every code of the unit, the primary one first.
    pub codes: Vec<Code>,
    /// Other spellings and names, from the seeds' variants and other sources.
    pub aliases: Vec<String>,
    pub validity: Period,
    pub area_km2: Option<u64>,
    pub figures: Vec<PopulationFigure>,
    /// How sure the sources are that the unit exists as described on its dates.
    pub confidence: Confidence,
    /// The label the seed gives the unit, verbatim (absent for units the seeds lack).
    pub seed_name: Option<String>,
    pub note: Option<String>,
    pub origin: Origin,
}

/// What a placement (a unit lying in its parent over a period) rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlacementBasis {
    /// A seed lists the unit there: seed 000's regions, seed 001's communes in their cercles (map
    /// A, and map B for every commune the 2016 changes left alone).
    Seed,
    /// A reference file states it: the cercles' regions, Ménaka's communes and Salam in 2016.
    Reference,
    /// A public page lists the commune in this 2023 cercle (`data/communes_2023_placed.csv`).
    Sourced,
    /// The commune is the seat of a cercle carved out of its old cercle in 2023
    /// (`data/commune_moves.csv`).
    SeatOfNewCercle,
    /// No source places the commune on map C: assumed to stay where it lay on map B (low).
    AssumedUnchanged,
    /// A source lists its old cercle's 2023 communes complete without it: its cercle is unknown,
    /// and it is assumed to stay in that cercle's region (low).
    NotInCompleteList,
}

/// `child` lies in `parent` during `period`.
#[derive(Debug, Clone)]
pub struct ContainmentRecord {
    pub child: String,
    pub parent: String,
    /// The column `parent` was read from, for error messages.
    pub parent_field: &'static str,
    pub period: Period,
    pub confidence: Confidence,
    pub basis: PlacementBasis,
    pub source: String,
    /// What else the sources say of the placement: a hand match, a source that disagrees.
    pub note: Option<String>,
    pub origin: Origin,
}

/// What the sources say of a map-C cercle's or region's communes as a whole: whether one lists
/// them complete (cercles), and how many one says it has.
#[derive(Debug, Clone)]
pub struct ListingRecord {
    /// The unit's code: a cercle, or a region.
    pub unit: String,
    /// A source lists every commune of the cercle (`list_complete` in
    /// `data/communes_2023_placed.csv`).
    pub complete: bool,
    /// The number of communes a source states (`data/stated_communes_2023.csv`).
    pub stated_communes: Option<usize>,
    /// Who states it.
    pub stated_by: Option<String>,
    /// The first row that names the unit.
    pub origin: Origin,
}

/// The sourced picture of map C: from when it holds, and what is known of each cercle's and
/// region's communes as a whole.
#[derive(Debug, Clone)]
pub struct MapCListings {
    /// The first day of map C: the sourced placements hold from then.
    pub from: NaiveDate,
    /// The units a source says anything about as a whole, by code.
    pub units: Vec<ListingRecord>,
}

/// How a unit's territory went to another unit of the same level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineageKind {
    /// `to` was created on `date` from (part of) `from`'s territory.
    CreatedFrom,
    /// Part of `from`'s territory went to the existing unit `to`.
    PartTransferred,
}

/// A history link between two units of the same level.
#[derive(Debug, Clone)]
pub struct LineageRecord {
    pub from: String,
    pub to: String,
    pub date: NaiveDate,
    pub kind: LineageKind,
    /// Only part of `from`'s territory went to `to`.
    pub partial: bool,
    pub confidence: Confidence,
    pub basis: String,
    pub origin: Origin,
}

/// A period of one administrative map, with the counts of units it holds by our facts and as
/// the sources state them.
#[derive(Debug, Clone)]
pub struct MapRecord {
    /// "A", "B" or "C" (map A has two periods: before and after 2001-06-07).
    pub name: String,
    pub period: Period,
    pub counts: UnitCounts,
    pub stated: UnitCounts,
    pub stated_by: String,
    /// Every source's statement of the map's counts (`stated_counts.csv`), in the file's order.
    pub stated_by_sources: Vec<StatedCountRecord>,
    pub origin: Origin,
}

/// The counts of a map as one source states them; a count the source does not give is `None`.
#[derive(Debug, Clone)]
pub struct StatedCountRecord {
    /// The map ("A", "B", "C") and the first day of its period.
    pub map: String,
    pub from: NaiveDate,
    /// Who states the counts, and when.
    pub source: String,
    /// The source's words, where it has them.
    pub stated: Option<String>,
    pub regions: Option<u32>,
    pub districts: Option<u32>,
    pub cercles: Option<u32>,
    pub arrondissements: Option<u32>,
    pub communes: Option<u32>,
    pub urban_communes: Option<u32>,
    pub villages: Option<u32>,
    pub confidence: Confidence,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnitCounts {
    pub regions: usize,
    pub districts: usize,
    pub cercles: usize,
    pub communes: usize,
}

/// A change of the map: the creation of communes or regions.
#[derive(Debug, Clone)]
pub struct ReorganisationRecord {
    pub date: NaiveDate,
    pub name: String,
    pub legal_acts: Vec<String>,
    pub date_confidence: Confidence,
    /// Codes of the regions that came into force on `date`.
    pub regions_created: Vec<String>,
    pub summary: String,
    pub sources: Vec<String>,
    pub origin: Origin,
}

/// Everything in `data/`, checked.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub units: Vec<UnitRecord>,
    pub containment: Vec<ContainmentRecord>,
    pub lineage: Vec<LineageRecord>,
    pub maps: Vec<MapRecord>,
    pub reorganisations: Vec<ReorganisationRecord>,
    pub people: PeopleRecords,
    /// The shapes and places, as text until the model first needs them.
    pub geo: super::GeoTexts,
    /// What the sources say of map C's cercles as wholes.
    pub listings: MapCListings,
    /// A digest of the files' bytes: changes whenever the data does.
    pub version: String,
}

/// A people (ethnic group) of seed 002.
#[derive(Debug, Clone)]
pub struct GroupRecord {
    /// Our stable key ("peuhl").
    pub key: String,
    pub name: String,
    /// Other names the seed gives (Fula, Fulani) and common spellings.
    pub aliases: Vec<String>,
    /// The key of the group this one is a sub-group of (Minianka: senoufo).
    pub parent: Option<String>,
    /// Keys of the languages the seed says the group speaks.
    pub languages: Vec<String>,
    /// Where the group lives, in words, where the seed names no unit ("northern Mali").
    pub area: Option<String>,
    pub note: Option<String>,
    pub origin: Origin,
}

/// A share of the population the seed gives for one group (or several together), with its
/// wording: the seed gives the Peuhl 14.7 per cent in one place and 15 in another.
#[derive(Debug, Clone)]
pub struct GroupShareRecord {
    pub groups: Vec<String>,
    /// Absent where the seed gives words only ("close to half").
    pub percent: Option<f64>,
    pub wording: String,
    pub origin: Origin,
}

/// How a group is tied to a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceRelation {
    /// Where the group lives.
    Homeland,
    /// Where some of the group have migrated to.
    Migration,
}

/// A place the seed ties a group to, with the seed's wording as evidence.
#[derive(Debug, Clone)]
pub struct GroupPlaceRecord {
    pub group: String,
    /// The code of the unit.
    pub unit: String,
    pub relation: PlaceRelation,
    pub wording: String,
    pub origin: Origin,
}

/// A language of seed 002.
#[derive(Debug, Clone)]
pub struct LanguageRecord {
    pub key: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub official: bool,
    /// One of the seed's "main languages".
    pub main: bool,
    pub speakers_percent: Option<f64>,
    pub wording: String,
    pub note: Option<String>,
    pub origin: Origin,
}

/// A religion of seed 002, with its share.
#[derive(Debug, Clone)]
pub struct ReligionRecord {
    pub key: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub percent: Option<f64>,
    pub wording: String,
    pub origin: Origin,
}

/// Seed 002's peoples, languages and religions.
#[derive(Debug, Clone, Default)]
pub struct PeopleRecords {
    pub groups: Vec<GroupRecord>,
    pub shares: Vec<GroupShareRecord>,
    pub places: Vec<GroupPlaceRecord>,
    pub languages: Vec<LanguageRecord>,
    pub religions: Vec<ReligionRecord>,
}
