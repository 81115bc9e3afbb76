//! Structural checks over the whole data set: codes, parents, periods and the counts of units on
//! each map. Populations are never checked to add up: the seeds do not, and the API shows it.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::DatasetError;
use super::files::CommuneMove;
use super::records::{
    DATA_START, Dataset, Level, Origin, PlacementBasis, RegionKind, UnitCounts, UnitRecord,
};

fn at(origin: &Origin, field: &str, reason: impl Into<String>) -> DatasetError {
    DatasetError::invalid(origin.file, origin.line, field, reason)
}

pub(super) fn validate(dataset: &Dataset, moves: &[CommuneMove]) -> Result<(), DatasetError> {
    let units = index_units(&dataset.units)?;
    let dates = check_dates(dataset);
    check_containment(dataset, &units, &dates)?;
    check_moves(dataset, &units, moves)?;
    check_regions_of_unknown_cercles(dataset, &units)?;
    check_listings(dataset, &units)?;
    check_maps(dataset)?;
    check_lineage(dataset, &units)?;
    check_reorganisations(dataset, &units)?;
    check_people(dataset, &units)
}

/// Keys are unique; every group, language and unit a row names exists; sub-groups form no
/// cycle.
fn check_people(dataset: &Dataset, units: &HashMap<&str, &UnitRecord>) -> Result<(), DatasetError> {
    let people = &dataset.people;
    let mut groups = HashMap::new();
    for group in &people.groups {
        if groups.insert(group.key.as_str(), group).is_some() {
            return Err(at(
                &group.origin,
                "key",
                format!("the key `{}` is used twice", group.key),
            ));
        }
    }
    let languages: BTreeSet<&str> = people.languages.iter().map(|l| l.key.as_str()).collect();
    for group in &people.groups {
        if let Some(parent) = &group.parent {
            if !groups.contains_key(parent.as_str()) {
                return Err(at(
                    &group.origin,
                    "parent",
                    format!("no group has the key `{parent}`"),
                ));
            }
            // Walk up: a cycle would come back to this group.
            let mut current = groups.get(parent.as_str()).copied();
            let mut steps = 0;
            while let Some(up) = current {
                steps += 1;
                if up.key == group.key || steps > people.groups.len() {
                    return Err(at(
                        &group.origin,
                        "parent",
                        "the sub-group relation makes a cycle",
                    ));
                }
                current = up.parent.as_deref().and_then(|p| groups.get(p).copied());
            }
        }
        if let Some(language) = group
            .languages
            .iter()
            .find(|l| !languages.contains(l.as_str()))
        {
            return Err(at(
                &group.origin,
                "languages",
                format!("no language has the key `{language}`"),
            ));
        }
    }
    for share in &people.shares {
        if let Some(group) = share
            .groups
            .iter()
            .find(|g| !groups.contains_key(g.as_str()))
        {
            return Err(at(
                &share.origin,
                "groups",
                format!("no group has the key `{group}`"),
            ));
        }
    }
    for place in &people.places {
        if !groups.contains_key(place.group.as_str()) {
            return Err(at(
                &place.origin,
                "group",
                format!("no group has the key `{}`", place.group),
            ));
        }
        if !units.contains_key(place.unit.as_str()) {
            return Err(at(
                &place.origin,
                "unit",
                format!("no unit has the code `{}`", place.unit),
            ));
        }
    }
    Ok(())
}

/// Units by primary code; every code of every system is unique within its system.
fn index_units(units: &[UnitRecord]) -> Result<HashMap<&str, &UnitRecord>, DatasetError> {
    let mut by_code = HashMap::new();
    let mut by_system_code = HashMap::new();
    for unit in units {
        if by_code.insert(unit.code.as_str(), unit).is_some() {
            return Err(at(
                &unit.origin,
                "code",
                format!("the code `{}` is used by another unit", unit.code),
            ));
        }
        for code in &unit.codes {
            if let Some(other) = by_system_code.insert((code.system, code.value.as_str()), unit)
                && other.code != unit.code
            {
                return Err(at(
                    &unit.origin,
                    "code",
                    format!("the code `{}` is also {}'s", code.value, other.name),
                ));
            }
        }
    }
    Ok(by_code)
}

/// Every date on which something changes: checking each of them checks every day.
fn check_dates(dataset: &Dataset) -> BTreeSet<NaiveDate> {
    let mut dates = BTreeSet::from([DATA_START]);
    let periods = dataset
        .units
        .iter()
        .map(|u| u.validity)
        .chain(dataset.containment.iter().map(|c| c.period));
    for period in periods {
        dates.extend(period.from.into_iter().chain(period.until));
    }
    dates.retain(|d| *d >= DATA_START);
    dates
}

/// On every date, every unit in force but the country has exactly one parent, in force, at a
/// higher level. Parents are always a level up, so containment can have no cycle.
fn check_containment(
    dataset: &Dataset,
    units: &HashMap<&str, &UnitRecord>,
    dates: &BTreeSet<NaiveDate>,
) -> Result<(), DatasetError> {
    let mut parents_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, record) in dataset.containment.iter().enumerate() {
        let child = units.get(record.child.as_str()).ok_or_else(|| {
            at(
                &record.origin,
                "child",
                format!("no unit has the code `{}`", record.child),
            )
        })?;
        let parent_field = record.parent_field;
        let parent = units.get(record.parent.as_str()).ok_or_else(|| {
            at(
                &record.origin,
                parent_field,
                format!("no unit has the code `{}`", record.parent),
            )
        })?;
        if parent.level >= child.level {
            return Err(at(
                &record.origin,
                parent_field,
                format!(
                    "a {} cannot lie in a {} ({})",
                    child.level.name(),
                    parent.level.name(),
                    parent.name
                ),
            ));
        }
        if let (Some(from), Some(until)) = (record.period.from, record.period.until)
            && from >= until
        {
            return Err(at(&record.origin, "until", "is not after `from`"));
        }
        parents_of.entry(child.code.as_str()).or_default().push(i);
    }
    for unit in &dataset.units {
        if unit.level == Level::Country {
            continue;
        }
        let records = parents_of
            .get(unit.code.as_str())
            .map_or(&[][..], Vec::as_slice);
        for &date in dates.iter().filter(|d| unit.validity.contains(**d)) {
            let holding: Vec<_> = records
                .iter()
                .map(|&i| &dataset.containment[i])
                .filter(|c| c.period.contains(date))
                .collect();
            match holding.as_slice() {
                [] => {
                    return Err(at(
                        &unit.origin,
                        "code",
                        format!("{} ({}) lies in no unit on {date}", unit.name, unit.code),
                    ));
                }
                [record] => {
                    let parent = units[record.parent.as_str()];
                    if !parent.validity.contains(date) {
                        return Err(at(
                            &record.origin,
                            "from",
                            format!("its parent {} is not in force on {date}", parent.name),
                        ));
                    }
                }
                [_, second, ..] => {
                    return Err(at(
                        &second.origin,
                        "from",
                        format!("{} lies in two units on {date}", unit.name),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A move's region must be the region of its cercle on the day of the move.
fn check_moves(
    dataset: &Dataset,
    units: &HashMap<&str, &UnitRecord>,
    moves: &[CommuneMove],
) -> Result<(), DatasetError> {
    for m in moves {
        let Some(cercle) = &m.cercle else { continue };
        let region = dataset
            .containment
            .iter()
            .find(|c| &c.child == cercle && c.period.contains(m.date))
            .map(|c| c.parent.as_str());
        if region != Some(m.region.as_str()) {
            let cercle_name = units.get(cercle.as_str()).map_or("?", |u| u.name.as_str());
            return Err(at(
                &m.origin,
                "region",
                format!(
                    "`{}` is not the region of cercle {cercle_name} ({cercle}) on {}",
                    m.region, m.date
                ),
            ));
        }
    }
    Ok(())
}

/// A commune that a complete 2023 list leaves out of its old cercle is assumed to stay in that
/// cercle's region: only sound if every cercle carved out of the old one that day lies in that
/// region too (Mopti's Konna and Korientzé do).
fn check_regions_of_unknown_cercles(
    dataset: &Dataset,
    units: &HashMap<&str, &UnitRecord>,
) -> Result<(), DatasetError> {
    let region_of = |cercle: &str, date: NaiveDate| {
        dataset
            .containment
            .iter()
            .find(|c| c.child == cercle && c.period.contains(date))
            .map(|c| c.parent.as_str())
    };
    for record in dataset
        .containment
        .iter()
        .filter(|c| c.basis == PlacementBasis::NotInCompleteList)
    {
        let Some(from) = record.period.from else {
            continue;
        };
        let Some(old) = dataset
            .containment
            .iter()
            .find(|c| c.child == record.child && c.period.until == Some(from))
        else {
            continue;
        };
        for link in dataset
            .lineage
            .iter()
            .filter(|l| l.from == old.parent && l.date == from)
        {
            if region_of(&link.to, from) != Some(record.parent.as_str()) {
                let name = units.get(link.to.as_str()).map_or("?", |u| u.name.as_str());
                return Err(at(
                    &record.origin,
                    "code",
                    format!(
                        "a complete 2023 list leaves {} out of its cercle, but {name}, carved out of that cercle, lies in another region: its region cannot be assumed",
                        record.child
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// What a source says of a unit's communes as a whole is about a cercle or region in force on
/// map C; only a cercle's list can be complete.
fn check_listings(
    dataset: &Dataset,
    units: &HashMap<&str, &UnitRecord>,
) -> Result<(), DatasetError> {
    let from = dataset.listings.from;
    for listing in &dataset.listings.units {
        let field = if listing.origin.file == "communes_2023_placed.csv" {
            "cercle"
        } else {
            "unit"
        };
        match units.get(listing.unit.as_str()) {
            None => {
                return Err(at(
                    &listing.origin,
                    field,
                    format!("no unit has the code `{}`", listing.unit),
                ));
            }
            Some(unit)
                if !unit.validity.contains(from)
                    || !matches!(unit.level, Level::Cercle | Level::Region)
                    || (listing.complete && unit.level != Level::Cercle) =>
            {
                return Err(at(
                    &listing.origin,
                    field,
                    format!(
                        "{} is not a cercle (or, for a count, a region) in force on {from}",
                        unit.name
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Counts the units in force on `date`.
fn count_units(units: &[UnitRecord], date: NaiveDate) -> UnitCounts {
    let mut counts = UnitCounts::default();
    for unit in units.iter().filter(|u| u.validity.contains(date)) {
        match (unit.level, unit.region_kind) {
            (Level::Region, Some(RegionKind::District)) => counts.districts += 1,
            (Level::Region, _) => counts.regions += 1,
            (Level::Cercle, _) => counts.cercles += 1,
            (Level::Commune, _) => counts.communes += 1,
            (Level::Country, _) => {}
        }
    }
    counts
}

/// The maps follow each other without gaps, and each holds the units it says it does.
fn check_maps(dataset: &Dataset) -> Result<(), DatasetError> {
    let mut expected_from = Some(DATA_START);
    for map in &dataset.maps {
        if map.period.from != expected_from {
            return Err(at(
                &map.origin,
                "from",
                "does not start where the previous map ends",
            ));
        }
        expected_from = map.period.until;
        let Some(from) = map.period.from else {
            continue;
        };
        let found = count_units(&dataset.units, from);
        for (field, want, got) in [
            ("regions", map.counts.regions, found.regions),
            ("districts", map.counts.districts, found.districts),
            ("cercles", map.counts.cercles, found.cercles),
            ("communes", map.counts.communes, found.communes),
        ] {
            if want != got {
                return Err(at(
                    &map.origin,
                    field,
                    format!(
                        "map {} should hold {want} {field} but the data has {got} on {from}",
                        map.name
                    ),
                ));
            }
        }
    }
    match dataset.maps.last() {
        Some(last) if last.period.until.is_some() => {
            Err(at(&last.origin, "until", "the last map must be open-ended"))
        }
        None => Err(DatasetError::invalid(
            "maps.csv",
            1,
            "-",
            "no map is described",
        )),
        _ => Ok(()),
    }
}

fn check_lineage(
    dataset: &Dataset,
    units: &HashMap<&str, &UnitRecord>,
) -> Result<(), DatasetError> {
    for link in &dataset.lineage {
        let find = |field: &str, code: &str| {
            units.get(code).copied().ok_or_else(|| {
                at(
                    &link.origin,
                    field,
                    format!("no unit has the code `{code}`"),
                )
            })
        };
        let (from, to) = (find("from", &link.from)?, find("to", &link.to)?);
        if from.level != to.level || from.code == to.code {
            return Err(at(
                &link.origin,
                "to",
                "a lineage link joins two different units of the same level",
            ));
        }
    }
    Ok(())
}

fn check_reorganisations(
    dataset: &Dataset,
    units: &HashMap<&str, &UnitRecord>,
) -> Result<(), DatasetError> {
    for event in &dataset.reorganisations {
        for code in &event.regions_created {
            match units.get(code.as_str()) {
                Some(unit)
                    if unit.level == Level::Region && unit.validity.from == Some(event.date) => {}
                Some(unit) => {
                    return Err(at(
                        &event.origin,
                        "regions_created",
                        format!(
                            "{} is not a region that came into force on {}",
                            unit.name, event.date
                        ),
                    ));
                }
                None => {
                    return Err(at(
                        &event.origin,
                        "regions_created",
                        format!("no unit has the code `{code}`"),
                    ));
                }
            }
        }
    }
    Ok(())
}
