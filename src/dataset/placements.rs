//! Map C commune by commune. Reads our match of `reference/communes_2023_sourced.csv`
//! (`communes_2023_placed.csv`), the communes created in 2023 (`communes_created_2023.csv`) and
//! the commune counts sources state for 2023 cercles (`stated_communes_2023.csv`), then
//! places every commune on map C in the order `DECISIONS.md` sets:
//! 1. where a public page places it (an applied row of `communes_2023_placed.csv`);
//! 2. else, as the seat of a cercle carved out of its old cercle (`commune_moves.csv`);
//! 3. else where it lay on map B, as an assumption (low); but where a source lists that cercle's
//!    2023 communes complete without it, the cercle cannot be its cercle: it lies in the
//!    cercle's region, its cercle unknown (low).
//!
//! Bamako District's six communes keep seed 001's placement: the district has no cercles.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use super::DatasetError;
use super::files::CommuneMove;
use super::records::{
    Code, CodeSystem, Confidence, ContainmentRecord, Level, ListingRecord, MapCListings, Origin,
    Period, PlacementBasis, UnitRecord,
};
use super::table::Table;

/// One row of `communes_2023_placed.csv`: a commune that a public page places in a 2023 cercle,
/// matched to our code.
pub(super) struct SourcedPlacement {
    pub cercle: String,
    /// The name as the page writes it.
    pub source_name: String,
    /// Our commune's code.
    pub commune: String,
    /// Whether the API follows the row (the `note` says why not).
    pub applied: bool,
    pub confidence: Confidence,
    /// The page lists the cercle's communes complete.
    pub list_complete: bool,
    pub evidence: String,
    pub source_url: String,
    /// The basis of a hand match, a disagreement, why the row is not applied.
    pub note: Option<String>,
    pub origin: Origin,
}

const YES_NO: [(&str, bool); 2] = [("yes", true), ("no", false)];

pub(super) fn read_sourced_placements(
    table: &Table,
) -> Result<Vec<SourcedPlacement>, DatasetError> {
    table
        .rows()
        .map(|row| {
            Ok(SourcedPlacement {
                cercle: row.required("cercle")?,
                source_name: row.required("source_name")?,
                commune: row.required("commune")?,
                applied: row.one_of("applied", &YES_NO)?,
                confidence: row.confidence("confidence")?,
                list_complete: row.one_of("list_complete", &YES_NO)?,
                evidence: row.required("evidence")?,
                source_url: row.required("source_url")?,
                note: row.optional("note"),
                origin: row.origin(),
            })
        })
        .collect()
}

/// The communes created in 2023 that a source names (Iréli): units without figures, placed by
/// their row in `communes_2023_placed.csv`.
pub(super) fn read_created_communes(table: &Table) -> Result<Vec<UnitRecord>, DatasetError> {
    table
        .rows()
        .map(|row| {
            let code = row.required("code")?;
            let source = row.required("source")?;
            let note = row.optional("note");
            Ok(UnitRecord {
                codes: vec![Code {
                    system: CodeSystem::MaliAdminCommune,
                    value: code.clone(),
                }],
                code,
                name: row.required("name")?,
                level: Level::Commune,
                region_kind: None,
                // The sources name them "commune rurale".
                urban: Some(false),
                aliases: row.list("aliases"),
                validity: Period {
                    from: Some(row.date("valid_from")?),
                    until: None,
                },
                area_km2: None,
                figures: Vec::new(),
                confidence: row.confidence("confidence")?,
                seed_name: None,
                note: Some(match note {
                    Some(note) => format!("{note}. Source: {source}"),
                    None => format!("Source: {source}"),
                }),
                origin: row.origin(),
            })
        })
        .collect()
}

/// What is known of each map-C cercle's (or region's) communes as a whole: complete lists
/// (from the rows of `placed`, which must agree within a cercle) and stated counts.
pub(super) fn read_listings(
    stated: &Table,
    placed: &[SourcedPlacement],
    from: NaiveDate,
) -> Result<MapCListings, DatasetError> {
    let mut units: BTreeMap<String, ListingRecord> = BTreeMap::new();
    let blank = |unit: &str, origin: &Origin| ListingRecord {
        unit: unit.to_owned(),
        complete: false,
        stated_communes: None,
        stated_by: None,
        origin: origin.clone(),
    };
    let mut first_row: HashMap<&str, &SourcedPlacement> = HashMap::new();
    for row in placed {
        let first = *first_row.entry(row.cercle.as_str()).or_insert(row);
        if first.list_complete != row.list_complete {
            return Err(DatasetError::invalid(
                row.origin.file,
                row.origin.line,
                "list_complete",
                format!(
                    "differs from line {} for the same cercle {}",
                    first.origin.line, row.cercle
                ),
            ));
        }
        units
            .entry(row.cercle.clone())
            .or_insert_with(|| blank(&row.cercle, &row.origin))
            .complete = row.list_complete;
    }
    for row in stated.rows() {
        let unit = row.required("unit")?;
        let listing = units
            .entry(unit.clone())
            .or_insert_with(|| blank(&unit, &row.origin()));
        if listing.stated_communes.is_some() {
            return Err(row.error("unit", format!("{unit} is listed twice")));
        }
        listing.stated_communes = Some(row.number("stated_communes")?);
        listing.stated_by = Some(row.required("stated_by")?);
    }
    Ok(MapCListings {
        from,
        units: units.into_values().collect(),
    })
}

/// Where the sources put communes on map C, gathered per commune.
struct MapCSources<'a> {
    sourced: HashMap<&'a str, &'a SourcedPlacement>,
    seats: HashMap<&'a str, &'a CommuneMove>,
    /// The rows the API does not follow, by commune.
    not_followed: HashMap<&'a str, Vec<&'a SourcedPlacement>>,
    /// The communes an applied row places in each cercle.
    listed: HashMap<&'a str, HashSet<&'a str>>,
}

impl<'a> MapCSources<'a> {
    fn gather(
        placed: &'a [SourcedPlacement],
        seats: &'a [&'a CommuneMove],
        start: NaiveDate,
    ) -> Result<MapCSources<'a>, DatasetError> {
        let mut sourced: HashMap<&str, &SourcedPlacement> = HashMap::new();
        let mut listed: HashMap<&str, HashSet<&str>> = HashMap::new();
        for row in placed.iter().filter(|row| row.applied) {
            if let Some(other) = sourced.insert(row.commune.as_str(), row) {
                return Err(DatasetError::invalid(
                    row.origin.file,
                    row.origin.line,
                    "applied",
                    format!(
                        "{} is placed by line {} already: only one placement can be applied",
                        row.commune, other.origin.line
                    ),
                ));
            }
            listed
                .entry(row.cercle.as_str())
                .or_default()
                .insert(row.commune.as_str());
        }
        let mut by_seat: HashMap<&str, &CommuneMove> = HashMap::new();
        for m in seats {
            if m.date != start {
                return Err(DatasetError::invalid(
                    m.origin.file,
                    m.origin.line,
                    "date",
                    format!("a move on map C must be dated {start}, its first day"),
                ));
            }
            if by_seat.insert(m.commune.as_str(), m).is_some() {
                return Err(DatasetError::invalid(
                    m.origin.file,
                    m.origin.line,
                    "commune",
                    format!("{} moves twice on {start}", m.commune),
                ));
            }
        }
        let mut not_followed: HashMap<&str, Vec<&SourcedPlacement>> = HashMap::new();
        for row in placed.iter().filter(|row| !row.applied) {
            not_followed
                .entry(row.commune.as_str())
                .or_default()
                .push(row);
        }
        Ok(MapCSources {
            sourced,
            seats: by_seat,
            not_followed,
            listed,
        })
    }
}

/// Everything [`place_on_map_c`] reads besides the containment it changes.
pub(super) struct MapCInputs<'a> {
    /// Map C's first day.
    pub start: NaiveDate,
    pub communes: &'a [UnitRecord],
    /// The cercles, by code, for names and to tell a cercle from a region.
    pub cercles: &'a HashMap<String, String>,
    /// The codes of the districts (Bamako): the district has no cercles on any map and no
    /// source changes its six communes in 2023 (some villages of Mandé joined it: a lineage
    /// link), so they keep seed 001's placement rather than becoming assumptions.
    pub districts: &'a HashSet<String>,
    /// The cercles' regions over time (`cercle_regions.csv`).
    pub cercle_regions: &'a [ContainmentRecord],
    pub placed: &'a [SourcedPlacement],
    /// The moves of `commune_moves.csv` dated on or after `start`: seats of new cercles.
    pub seats: &'a [&'a CommuneMove],
    pub listings: &'a MapCListings,
}

/// Places every commune in force on map C's first day: ends its map-B placement the day before
/// and adds its map-C placement, with its basis, confidence and source.
pub(super) fn place_on_map_c(
    containment: &mut Vec<ContainmentRecord>,
    inputs: &MapCInputs<'_>,
) -> Result<(), DatasetError> {
    let start = inputs.start;
    let sources = MapCSources::gather(inputs.placed, inputs.seats, start)?;
    let complete: HashSet<&str> = inputs
        .listings
        .units
        .iter()
        .filter(|l| l.complete)
        .map(|l| l.unit.as_str())
        .collect();
    let day_before = start.pred_opt().unwrap_or(start);
    let mut known: HashSet<&str> = HashSet::new();
    let mut added = Vec::new();
    for commune in inputs
        .communes
        .iter()
        .filter(|c| c.validity.contains(start))
    {
        let code = commune.code.as_str();
        known.insert(code);
        let before = containment
            .iter_mut()
            .find(|c| c.child == commune.code && c.period.contains(day_before));
        // A commune of the district keeps its record, unsplit, unless a source moves it.
        if before
            .as_ref()
            .is_some_and(|b| inputs.districts.contains(&b.parent))
            && !sources.sourced.contains_key(code)
            && !sources.seats.contains_key(code)
        {
            continue;
        }
        let until = before
            .as_ref()
            .map_or(commune.validity.until, |b| b.period.until);
        let placement = if let Some(row) = sources.sourced.get(code) {
            ContainmentRecord {
                child: commune.code.clone(),
                parent: row.cercle.clone(),
                parent_field: "cercle",
                period: Period::default(),
                confidence: row.confidence,
                basis: PlacementBasis::Sourced,
                source: format!(
                    "{} of {} (via reference/communes_2023_sourced.csv, written \"{}\")",
                    row.evidence, row.source_url, row.source_name
                ),
                note: row.note.clone(),
                origin: row.origin.clone(),
            }
        } else if let Some(seat) = sources.seats.get(code) {
            ContainmentRecord {
                child: commune.code.clone(),
                parent: seat.cercle.clone().unwrap_or_else(|| seat.region.clone()),
                parent_field: if seat.cercle.is_some() {
                    "cercle"
                } else {
                    "region"
                },
                period: Period::default(),
                confidence: seat.confidence,
                basis: PlacementBasis::SeatOfNewCercle,
                source: format!("data/commune_moves.csv: {}", seat.basis),
                note: None,
                origin: seat.origin.clone(),
            }
        } else if let Some(before) = before.as_deref() {
            assumed(before, inputs, &complete, &sources.listed, start)?
        } else {
            return Err(DatasetError::invalid(
                commune.origin.file,
                commune.origin.line,
                "code",
                format!(
                    "{} ({code}) begins on map C, but no row of communes_2023_placed.csv places it",
                    commune.name
                ),
            ));
        };
        if let Some(before) = before {
            before.period.until = Some(start);
        }
        // Rows not followed stay visible on the placement the API does follow.
        let note = placement
            .note
            .iter()
            .cloned()
            .chain(
                sources
                    .not_followed
                    .get(code)
                    .into_iter()
                    .flatten()
                    .map(|row| {
                        let cercle = inputs.cercles.get(&row.cercle).map_or("?", String::as_str);
                        format!(
                            "{} places it in {cercle} ({}), not followed: {}",
                            row.source_url,
                            row.cercle,
                            row.note.as_deref().unwrap_or("no reason given")
                        )
                    }),
            )
            .collect::<Vec<_>>();
        added.push(ContainmentRecord {
            period: Period {
                from: Some(start),
                until,
            },
            note: (!note.is_empty()).then(|| note.join("; ")),
            ..placement
        });
    }
    let unknown = inputs
        .placed
        .iter()
        .map(|row| (row.commune.as_str(), &row.origin))
        .chain(inputs.seats.iter().map(|m| (m.commune.as_str(), &m.origin)))
        .find(|(code, _)| !known.contains(code));
    if let Some((code, origin)) = unknown {
        return Err(DatasetError::invalid(
            origin.file,
            origin.line,
            "commune",
            format!("no commune in force on {start} has the code `{code}`"),
        ));
    }
    containment.extend(added);
    Ok(())
}

/// The map-C placement of a commune no source places: where it lay on map B, unless a
/// source lists that cercle complete without it.
fn assumed(
    before: &ContainmentRecord,
    inputs: &MapCInputs<'_>,
    complete: &HashSet<&str>,
    listed: &HashMap<&str, HashSet<&str>>,
    start: NaiveDate,
) -> Result<ContainmentRecord, DatasetError> {
    let parent = before.parent.as_str();
    let parent_name = inputs.cercles.get(parent);
    let excluded = complete.contains(parent)
        && !listed
            .get(parent)
            .is_some_and(|communes| communes.contains(before.child.as_str()));
    let record = |parent: String, parent_field, basis, source| ContainmentRecord {
        child: before.child.clone(),
        parent,
        parent_field,
        period: Period::default(),
        confidence: Confidence::Low,
        basis,
        source,
        note: None,
        origin: before.origin.clone(),
    };
    if !excluded {
        let source = match parent_name {
            Some(name) => format!(
                "no source places it on map C: assumed to stay in {name} cercle, its cercle on map B (DECISIONS.md)"
            ),
            None => "no source places it on map C: assumed to stay in the region it lay in on map B (DECISIONS.md)".to_owned(),
        };
        return Ok(record(
            parent.to_owned(),
            before.parent_field,
            PlacementBasis::AssumedUnchanged,
            source,
        ));
    }
    let region = inputs
        .cercle_regions
        .iter()
        .find(|c| c.child == parent && c.period.contains(start))
        .ok_or_else(|| {
            DatasetError::invalid(
                before.origin.file,
                before.origin.line,
                "parent",
                format!("cercle {parent} lies in no region on {start}"),
            )
        })?;
    Ok(record(
        region.parent.clone(),
        "region",
        PlacementBasis::NotInCompleteList,
        format!(
            "a source lists the 2023 communes of {} cercle complete without it (data/communes_2023_placed.csv): its cercle is unknown; assumed to stay in that cercle's region",
            parent_name.map_or(parent, String::as_str)
        ),
    ))
}
