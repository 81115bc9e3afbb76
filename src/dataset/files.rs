//! One reader per file of `data/`: rows in, records out. Each file's layout is documented in
//! `data/README.md`.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::DatasetError;
use super::records::{
    Code, CodeSystem, Confidence, ContainmentRecord, FigureKind, Level, LineageKind, LineageRecord,
    MapRecord, Period, PlacementBasis, PopulationFigure, RegionKind, ReorganisationRecord,
    StatedCountRecord, UnitCounts, UnitRecord,
};
use super::table::{Row, Table};

const SEED_000: &str = "seed 000 (Regions of Mali)";
const SEED_001: &str = "seed 001 (Communes of Mali)";
const AT_CENSUS: &str = "the unit as it was at the census";
const MAP_A: &str = "the cercle as it was on map A (before 2016)";
/// Census days, used only to tell whether a region existed when it was counted.
const CENSUS_DAYS: [(i32, (i32, u32, u32)); 2] = [(1998, (1998, 4, 1)), (2009, (2009, 4, 1))];

fn census_day(year: i32) -> Option<NaiveDate> {
    CENSUS_DAYS
        .iter()
        .find(|(y, _)| *y == year)
        .and_then(|(_, (y, m, d))| NaiveDate::from_ymd_opt(*y, *m, *d))
}

fn figure(
    row: &Row<'_>,
    field: &str,
    year: i32,
    kind: FigureKind,
    source: &'static str,
    territory: &'static str,
) -> Result<Option<PopulationFigure>, DatasetError> {
    Ok(row.optional_number(field)?.map(|value| PopulationFigure {
        year,
        value,
        kind,
        source,
        territory,
    }))
}

fn figures(
    row: &Row<'_>,
    columns: &[(&str, i32, FigureKind, &'static str, &'static str)],
) -> Result<Vec<PopulationFigure>, DatasetError> {
    let mut out = Vec::new();
    for &(field, year, kind, source, territory) in columns {
        out.extend(figure(row, field, year, kind, source, territory)?);
    }
    Ok(out)
}

pub(super) fn read_country(table: &Table) -> Result<Vec<UnitRecord>, DatasetError> {
    table
        .rows()
        .map(|row| {
            Ok(UnitRecord {
                code: row.required("code")?,
                name: row.required("name")?,
                level: Level::Country,
                region_kind: None,
                urban: None,
                codes: vec![Code {
                    system: CodeSystem::Iso3166_1,
                    value: row.required("code")?,
                }],
                aliases: Vec::new(),
                validity: Period::default(),
                area_km2: None,
                figures: figures(
                    &row,
                    &[
                        ("census_1998", 1998, FigureKind::Census, SEED_001, AT_CENSUS),
                        ("census_2009", 2009, FigureKind::Census, SEED_001, AT_CENSUS),
                    ],
                )?,
                confidence: Confidence::High,
                seed_name: row.optional("seed_name"),
                note: None,
                origin: row.origin(),
            })
        })
        .collect()
}

/// Regions and the district, and their containment in the country (`country` is its code).
pub(super) fn read_regions(
    table: &Table,
    country: &str,
) -> Result<(Vec<UnitRecord>, Vec<ContainmentRecord>), DatasetError> {
    let mut units = Vec::new();
    let mut containment = Vec::new();
    for row in table.rows() {
        let number = row.required("number")?;
        if number.len() != 2 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(row.error("number", format!("`{number}` is not a two-digit number")));
        }
        let validity = Period {
            from: row.optional_date("valid_from")?,
            until: None,
        };
        let mut codes = vec![Code {
            system: CodeSystem::SeedRegionNumber,
            value: number.clone(),
        }];
        for (field, system) in [
            ("code_2023_007", CodeSystem::Law2023Region),
            ("iso_3166_2", CodeSystem::Iso3166_2),
            ("ocha_pcode", CodeSystem::OchaPcode),
        ] {
            codes.extend(row.optional(field).map(|value| Code { system, value }));
        }
        // A census figure of a region created later counts that region's future territory,
        // which the census counted inside the parent region too (seed 000 counts it twice).
        let census_territory = |year: i32| match (validity.from, census_day(year)) {
            (Some(from), Some(day)) if from > day => {
                "the later region's territory, counted at the census (also inside the region it was part of then)"
            }
            _ => AT_CENSUS,
        };
        let figures = figures(
            &row,
            &[
                (
                    "census_1998",
                    1998,
                    FigureKind::Census,
                    SEED_000,
                    census_territory(1998),
                ),
                (
                    "census_2009",
                    2009,
                    FigureKind::Census,
                    SEED_000,
                    census_territory(2009),
                ),
                (
                    "estimate_2020",
                    2020,
                    FigureKind::Estimate,
                    SEED_000,
                    "the unit on the 2016-2023 map",
                ),
                (
                    "population_2023",
                    2023,
                    FigureKind::Reported,
                    SEED_000,
                    "the unit on the 2023 map (today's territory)",
                ),
            ],
        )?;
        containment.push(ContainmentRecord {
            child: number.clone(),
            parent: country.to_owned(),
            parent_field: "number",
            period: validity,
            confidence: Confidence::High,
            basis: PlacementBasis::Seed,
            source: "data/regions.csv".to_owned(),
            note: None,
            origin: row.origin(),
        });
        units.push(UnitRecord {
            code: number,
            name: row.required("name")?,
            level: Level::Region,
            region_kind: Some(row.one_of(
                "kind",
                &[
                    ("REGION", RegionKind::Region),
                    ("DISTRICT", RegionKind::District),
                ],
            )?),
            urban: None,
            codes,
            aliases: row.list("aliases"),
            validity,
            area_km2: row.optional_number("area_km2")?,
            figures,
            confidence: Confidence::High,
            seed_name: row.optional("seed_name"),
            note: row.optional("note"),
            origin: row.origin(),
        });
    }
    Ok((units, containment))
}

pub(super) fn read_cercles(table: &Table) -> Result<Vec<UnitRecord>, DatasetError> {
    table
        .rows()
        .map(|row| {
            let code = row.required("code")?;
            if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(row.error(
                    "code",
                    format!("`{code}` is not a 4-digit 2023 cercle code"),
                ));
            }
            let mut codes = vec![Code {
                system: CodeSystem::Cercle2023,
                value: code.clone(),
            }];
            codes.extend(row.optional("ocha_pcode").map(|value| Code {
                system: CodeSystem::OchaPcode,
                value,
            }));
            Ok(UnitRecord {
                code,
                name: row.required("name")?,
                level: Level::Cercle,
                region_kind: None,
                urban: None,
                codes,
                aliases: row.list("aliases"),
                validity: Period {
                    from: row.optional_date("valid_from")?,
                    until: None,
                },
                area_km2: None,
                figures: figures(
                    &row,
                    &[
                        ("census_1998", 1998, FigureKind::Census, SEED_001, MAP_A),
                        ("census_2009", 2009, FigureKind::Census, SEED_001, MAP_A),
                    ],
                )?,
                confidence: row.confidence("confidence")?,
                seed_name: row.optional("seed_name"),
                note: row.optional("note"),
                origin: row.origin(),
            })
        })
        .collect()
}

pub(super) fn read_cercle_regions(table: &Table) -> Result<Vec<ContainmentRecord>, DatasetError> {
    table
        .rows()
        .map(|row| {
            Ok(ContainmentRecord {
                child: row.required("cercle")?,
                parent: row.required("region")?,
                parent_field: "region",
                period: Period {
                    from: row.optional_date("from")?,
                    until: row.optional_date("until")?,
                },
                confidence: row.confidence("confidence")?,
                basis: PlacementBasis::Reference,
                source: row.required("source")?,
                note: None,
                origin: row.origin(),
            })
        })
        .collect()
}

/// Communes, and where each lies on map A (its `parent` column: a cercle, or the district).
pub(super) fn read_communes(
    table: &Table,
) -> Result<(Vec<UnitRecord>, Vec<ContainmentRecord>), DatasetError> {
    let mut units = Vec::new();
    let mut containment = Vec::new();
    for row in table.rows() {
        let code = row.required("code")?;
        let validity = Period {
            from: row.optional_date("valid_from")?,
            until: None,
        };
        containment.push(ContainmentRecord {
            child: code.clone(),
            parent: row.required("parent")?,
            parent_field: "parent",
            period: validity,
            confidence: Confidence::High,
            basis: PlacementBasis::Seed,
            source: "seed 001".to_owned(),
            note: None,
            origin: row.origin(),
        });
        units.push(UnitRecord {
            codes: vec![Code {
                system: CodeSystem::MaliAdminCommune,
                value: code.clone(),
            }],
            code,
            name: row.required("name")?,
            level: Level::Commune,
            region_kind: None,
            urban: Some(row.boolean("urban")?),
            aliases: row.list("aliases"),
            validity,
            area_km2: None,
            figures: figures(
                &row,
                &[
                    ("census_1998", 1998, FigureKind::Census, SEED_001, AT_CENSUS),
                    ("census_2009", 2009, FigureKind::Census, SEED_001, AT_CENSUS),
                ],
            )?,
            confidence: Confidence::High,
            seed_name: row.optional("seed_name"),
            note: row.optional("note"),
            origin: row.origin(),
        });
    }
    Ok((units, containment))
}

/// A commune's move to another cercle (or, cercle unknown, straight into a region).
pub(super) struct CommuneMove {
    pub commune: String,
    pub date: NaiveDate,
    pub cercle: Option<String>,
    pub region: String,
    pub confidence: Confidence,
    pub basis: String,
    pub origin: super::records::Origin,
}

pub(super) fn read_commune_moves(table: &Table) -> Result<Vec<CommuneMove>, DatasetError> {
    table
        .rows()
        .map(|row| {
            Ok(CommuneMove {
                commune: row.required("commune")?,
                date: row.date("date")?,
                cercle: row.optional("cercle"),
                region: row.required("region")?,
                confidence: row.confidence("confidence")?,
                basis: row.required("basis")?,
                origin: row.origin(),
            })
        })
        .collect()
}

/// Splits each commune's map-A containment at its moves before map C (Ménaka's communes and
/// Salam in 2016): the seed cercle until the first move, then each move's cercle (or region)
/// until the next. Map C's placements are [`super::placements::place_on_map_c`]'s.
pub(super) fn apply_commune_moves(
    containment: &mut Vec<ContainmentRecord>,
    moves: &[&CommuneMove],
) -> Result<(), DatasetError> {
    let mut by_commune: HashMap<&str, Vec<&CommuneMove>> = HashMap::new();
    for m in moves.iter().copied() {
        by_commune.entry(m.commune.as_str()).or_default().push(m);
    }
    for list in by_commune.values_mut() {
        list.sort_by_key(|m| m.date);
    }
    let mut added = Vec::new();
    for record in containment.iter_mut() {
        let Some(list) = by_commune.remove(record.child.as_str()) else {
            continue;
        };
        let validity_end = record.period.until;
        for (i, m) in list.iter().enumerate() {
            if !record.period.contains(m.date) && i == 0 {
                return Err(DatasetError::invalid(
                    m.origin.file,
                    m.origin.line,
                    "date",
                    format!("{} is outside the commune's validity", m.date),
                ));
            }
            let until = list.get(i + 1).map(|next| next.date).or(validity_end);
            added.push(ContainmentRecord {
                child: m.commune.clone(),
                parent: m.cercle.clone().unwrap_or_else(|| m.region.clone()),
                parent_field: if m.cercle.is_some() {
                    "cercle"
                } else {
                    "region"
                },
                period: Period {
                    from: Some(m.date),
                    until,
                },
                confidence: m.confidence,
                basis: PlacementBasis::Reference,
                source: format!("data/commune_moves.csv: {}", m.basis),
                note: None,
                origin: m.origin.clone(),
            });
        }
        if let Some(first) = list.first() {
            record.period.until = Some(first.date);
        }
    }
    if let Some(m) = by_commune.values().flatten().next() {
        return Err(DatasetError::invalid(
            m.origin.file,
            m.origin.line,
            "commune",
            format!("no commune has the code `{}`", m.commune),
        ));
    }
    containment.extend(added);
    Ok(())
}

pub(super) fn read_lineage(table: &Table) -> Result<Vec<LineageRecord>, DatasetError> {
    table
        .rows()
        .map(|row| {
            Ok(LineageRecord {
                from: row.required("from")?,
                to: row.required("to")?,
                date: row.date("date")?,
                kind: row.one_of(
                    "kind",
                    &[
                        ("CREATED_FROM", LineageKind::CreatedFrom),
                        ("PART_TRANSFERRED", LineageKind::PartTransferred),
                    ],
                )?,
                partial: row.boolean("partial")?,
                confidence: row.confidence("confidence")?,
                basis: row.required("basis")?,
                origin: row.origin(),
            })
        })
        .collect()
}

pub(super) fn read_maps(table: &Table) -> Result<Vec<MapRecord>, DatasetError> {
    table
        .rows()
        .map(|row| {
            let counts = |prefix: &str| -> Result<UnitCounts, DatasetError> {
                Ok(UnitCounts {
                    regions: row.number(&format!("{prefix}regions"))?,
                    districts: if prefix.is_empty() {
                        row.number("districts")?
                    } else {
                        0
                    },
                    cercles: row.number(&format!("{prefix}cercles"))?,
                    communes: row.number(&format!("{prefix}communes"))?,
                })
            };
            Ok(MapRecord {
                name: row.required("map")?,
                period: Period {
                    from: Some(row.date("from")?),
                    until: row.optional_date("until")?,
                },
                counts: counts("")?,
                stated: counts("stated_")?,
                stated_by: row.required("stated_by")?,
                stated_by_sources: Vec::new(),
                origin: row.origin(),
            })
        })
        .collect()
}

pub(super) fn read_stated_counts(table: &Table) -> Result<Vec<StatedCountRecord>, DatasetError> {
    table
        .rows()
        .map(|row| {
            Ok(StatedCountRecord {
                map: row.required("map")?,
                from: row.date("from")?,
                source: row.required("source")?,
                stated: row.optional("stated"),
                regions: row.optional_number("regions")?,
                districts: row.optional_number("districts")?,
                cercles: row.optional_number("cercles")?,
                arrondissements: row.optional_number("arrondissements")?,
                communes: row.optional_number("communes")?,
                urban_communes: row.optional_number("urban_communes")?,
                villages: row.optional_number("villages")?,
                confidence: row.confidence("confidence")?,
                origin: row.origin(),
            })
        })
        .collect()
}

/// Gives each map the statements of its counts; a statement of no map is an error.
pub(super) fn attach_stated_counts(
    maps: &mut [MapRecord],
    stated: Vec<StatedCountRecord>,
) -> Result<(), DatasetError> {
    for record in stated {
        let map = maps
            .iter_mut()
            .find(|map| map.name == record.map && map.period.from == Some(record.from));
        match map {
            Some(map) => map.stated_by_sources.push(record),
            None => {
                return Err(DatasetError::invalid(
                    "stated_counts.csv",
                    record.origin.line,
                    "from",
                    "names no map of maps.csv (map and first day)",
                ));
            }
        }
    }
    Ok(())
}

pub(super) fn read_reorganisations(
    table: &Table,
) -> Result<Vec<ReorganisationRecord>, DatasetError> {
    table
        .rows()
        .map(|row| {
            Ok(ReorganisationRecord {
                date: row.date("date")?,
                name: row.required("name")?,
                legal_acts: row.list("legal_acts"),
                date_confidence: row.confidence("date_confidence")?,
                regions_created: row.list("regions_created"),
                summary: row.required("summary")?,
                sources: row.list("sources"),
                origin: row.origin(),
            })
        })
        .collect()
}

pub(super) fn read_people(
    groups: &Table,
    shares: &Table,
    places: &Table,
    languages: &Table,
    religions: &Table,
) -> Result<super::records::PeopleRecords, DatasetError> {
    use super::records::{
        GroupPlaceRecord, GroupRecord, GroupShareRecord, LanguageRecord, PeopleRecords,
        PlaceRelation, ReligionRecord,
    };
    let percent = |row: &Row<'_>, field: &str| -> Result<Option<f64>, DatasetError> {
        let value: Option<f64> = row.optional_number(field)?;
        match value {
            Some(p) if !(0.0..=100.0).contains(&p) => {
                Err(row.error(field, format!("{p} is not a percentage")))
            }
            other => Ok(other),
        }
    };
    Ok(PeopleRecords {
        groups: groups
            .rows()
            .map(|row| {
                Ok(GroupRecord {
                    key: row.required("key")?,
                    name: row.required("name")?,
                    aliases: row.list("aliases"),
                    parent: row.optional("parent"),
                    languages: row.list("languages"),
                    area: row.optional("area"),
                    note: row.optional("note"),
                    origin: row.origin(),
                })
            })
            .collect::<Result<_, DatasetError>>()?,
        shares: shares
            .rows()
            .map(|row| {
                Ok(GroupShareRecord {
                    groups: row.list("groups"),
                    percent: percent(&row, "percent")?,
                    wording: row.required("wording")?,
                    origin: row.origin(),
                })
            })
            .collect::<Result<_, DatasetError>>()?,
        places: places
            .rows()
            .map(|row| {
                Ok(GroupPlaceRecord {
                    group: row.required("group")?,
                    unit: row.required("unit")?,
                    relation: row.one_of(
                        "relation",
                        &[
                            ("HOMELAND", PlaceRelation::Homeland),
                            ("MIGRATION", PlaceRelation::Migration),
                        ],
                    )?,
                    wording: row.required("wording")?,
                    origin: row.origin(),
                })
            })
            .collect::<Result<_, DatasetError>>()?,
        languages: languages
            .rows()
            .map(|row| {
                Ok(LanguageRecord {
                    key: row.required("key")?,
                    name: row.required("name")?,
                    aliases: row.list("aliases"),
                    official: row.boolean("official")?,
                    main: row.boolean("main")?,
                    speakers_percent: percent(&row, "speakers_percent")?,
                    wording: row.required("wording")?,
                    note: row.optional("note"),
                    origin: row.origin(),
                })
            })
            .collect::<Result<_, DatasetError>>()?,
        religions: religions
            .rows()
            .map(|row| {
                Ok(ReligionRecord {
                    key: row.required("key")?,
                    name: row.required("name")?,
                    aliases: row.list("aliases"),
                    percent: percent(&row, "percent")?,
                    wording: row.required("wording")?,
                    origin: row.origin(),
                })
            })
            .collect::<Result<_, DatasetError>>()?,
    })
}
