//! Data loading: reads the CSV files of `data/` (embedded in the binary, or from a directory)
//! into typed records and checks them as a whole. A bad file stops loading with an error naming
//! the file, the line, the field and the reason; nothing is half-loaded.

mod files;
mod geo;
mod placements;
mod records;
mod table;
mod validate;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;

pub use geo::{
    ATTRIBUTION, GEO_FILES, GeoRecords, GeoTexts, PlaceKind, PlaceRecord, QuartierRecord,
    ShapeRecord, parse_geo,
};
pub use records::*;

use table::Table;

/// Declares the data files once: their names, and their text embedded in the binary.
macro_rules! data_files {
    ($($file:literal),* $(,)?) => {
        /// The files of a data set, in the order they are read.
        pub const DATA_FILES: &[&str] = &[$($file),*];

        /// The data set shipped with the binary, so it runs from any directory.
        const EMBEDDED: &[(&str, &str)] = &[$(($file, include_str!(concat!("../../data/", $file)))),*];
    };
}

data_files!(
    "country.csv",
    "regions.csv",
    "cercles.csv",
    "cercle_regions.csv",
    "communes.csv",
    "geo/commune_pcodes.csv",
    "commune_moves.csv",
    "communes_created_2023.csv",
    "communes_2023_placed.csv",
    "stated_communes_2023.csv",
    "lineage.csv",
    "maps.csv",
    "stated_counts.csv",
    "reorganisations.csv",
    "groups.csv",
    "group_shares.csv",
    "group_places.csv",
    "languages.csv",
    "religions.csv",
);

/// Where to read the data files from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// The copy compiled into the binary.
    Embedded,
    /// A directory holding the files of [`DATA_FILES`].
    Directory(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("{file}: cannot be read: {source}")]
    Unreadable {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}, line {line}, field `{field}`: {reason}")]
    Invalid {
        file: String,
        line: u64,
        field: String,
        reason: String,
    },
}

impl DatasetError {
    pub(crate) fn invalid(
        file: &str,
        line: u64,
        field: &str,
        reason: impl Into<String>,
    ) -> DatasetError {
        DatasetError::Invalid {
            file: file.to_owned(),
            line,
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}

fn read_files(source: &DataSource) -> Result<Vec<(&'static str, String)>, DatasetError> {
    match source {
        DataSource::Embedded => Ok(EMBEDDED
            .iter()
            .map(|(name, text)| (*name, (*text).to_owned()))
            .collect()),
        DataSource::Directory(dir) => DATA_FILES
            .iter()
            .map(|name| {
                let path = dir.join(name);
                std::fs::read_to_string(&path)
                    .map(|text| (*name, text))
                    .map_err(|source| DatasetError::Unreadable {
                        file: path.display().to_string(),
                        source,
                    })
            })
            .collect(),
    }
}

/// Reads and checks a whole data set.
pub fn load_dataset(source: &DataSource) -> Result<Dataset, DatasetError> {
    let texts = read_files(source)?;
    // The geometry is kept as text here and parsed when first needed (`parse_geo`); it is part
    // of the version all the same, since the answers and exports depend on it.
    let geo = GeoTexts::read(source)?;
    let mut hasher = DefaultHasher::new();
    texts.hash(&mut hasher);
    geo.hash(&mut hasher);
    let text = |name: &str| {
        texts
            .iter()
            .find(|(file, _)| *file == name)
            .map_or("", |(_, text)| text.as_str())
    };
    let table = |name: &'static str, required: &[&str]| Table::parse(name, text(name), required);

    let country = files::read_country(&table("country.csv", &["code", "name"])?)?;
    let [country_unit] = country.as_slice() else {
        return Err(DatasetError::invalid(
            "country.csv",
            2,
            "code",
            "exactly one country row is expected",
        ));
    };
    let (regions, mut containment) = files::read_regions(
        &table("regions.csv", &["number", "name", "kind", "valid_from"])?,
        &country_unit.code,
    )?;
    let cercles = files::read_cercles(&table(
        "cercles.csv",
        &["code", "name", "valid_from", "confidence"],
    )?)?;
    containment.extend(files::read_cercle_regions(&table(
        "cercle_regions.csv",
        &["cercle", "region", "from", "until", "confidence", "source"],
    )?)?);
    let (mut communes, mut commune_containment) = files::read_communes(&table(
        "communes.csv",
        &["code", "name", "parent", "urban", "valid_from"],
    )?)?;
    let mut maps = files::read_maps(&table(
        "maps.csv",
        &[
            "map",
            "from",
            "until",
            "regions",
            "districts",
            "cercles",
            "communes",
            "stated_by",
        ],
    )?)?;
    let stated_counts = files::read_stated_counts(&table(
        "stated_counts.csv",
        &["map", "from", "source", "confidence"],
    )?)?;
    files::attach_stated_counts(&mut maps, stated_counts)?;
    // Today's map (the open-ended one) is map C: the sourced placements hold from its first day.
    let map_c_start = maps
        .iter()
        .find(|m| m.period.until.is_none())
        .and_then(|m| m.period.from)
        .ok_or_else(|| {
            DatasetError::invalid("maps.csv", 1, "until", "no map is open-ended (today's)")
        })?;
    let moves = files::read_commune_moves(&table(
        "commune_moves.csv",
        &["commune", "date", "cercle", "region", "confidence", "basis"],
    )?)?;
    let (earlier_moves, seats): (Vec<&files::CommuneMove>, Vec<&files::CommuneMove>) =
        moves.iter().partition(|m| m.date < map_c_start);
    files::apply_commune_moves(&mut commune_containment, &earlier_moves)?;
    communes.extend(placements::read_created_communes(&table(
        "communes_created_2023.csv",
        &["code", "name", "valid_from", "confidence", "source"],
    )?)?);
    let placed = placements::read_sourced_placements(&table(
        "communes_2023_placed.csv",
        &[
            "cercle",
            "source_name",
            "commune",
            "applied",
            "confidence",
            "list_complete",
            "evidence",
            "source_url",
        ],
    )?)?;
    let listings = placements::read_listings(
        &table(
            "stated_communes_2023.csv",
            &["unit", "stated_communes", "stated_by"],
        )?,
        &placed,
        map_c_start,
    )?;
    let districts: std::collections::HashSet<String> = regions
        .iter()
        .filter(|r| r.region_kind == Some(RegionKind::District))
        .map(|r| r.code.clone())
        .collect();
    let cercle_names: std::collections::HashMap<String, String> = cercles
        .iter()
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect();
    placements::place_on_map_c(
        &mut commune_containment,
        &placements::MapCInputs {
            start: map_c_start,
            communes: &communes,
            cercles: &cercle_names,
            districts: &districts,
            cercle_regions: &containment,
            placed: &placed,
            seats: &seats,
            listings: &listings,
        },
    )?;
    containment.extend(commune_containment);
    let lineage = files::read_lineage(&table(
        "lineage.csv",
        &[
            "from",
            "to",
            "date",
            "kind",
            "partial",
            "confidence",
            "basis",
        ],
    )?)?;
    let reorganisations = files::read_reorganisations(&table(
        "reorganisations.csv",
        &["date", "name", "legal_acts", "date_confidence", "summary"],
    )?)?;

    let people = files::read_people(
        &table(
            "groups.csv",
            &["key", "name", "aliases", "parent", "languages"],
        )?,
        &table("group_shares.csv", &["groups", "percent", "wording"])?,
        &table(
            "group_places.csv",
            &["group", "unit", "relation", "wording"],
        )?,
        &table(
            "languages.csv",
            &["key", "name", "official", "main", "wording"],
        )?,
        &table("religions.csv", &["key", "name", "percent", "wording"])?,
    )?;

    let mut units = country;
    units.extend(regions);
    units.extend(cercles);
    units.extend(communes);
    let dataset = Dataset {
        units,
        containment,
        lineage,
        maps,
        reorganisations,
        people,
        geo,
        listings,
        version: format!("{:016x}", hasher.finish()),
    };
    validate::validate(&dataset, &moves)?;
    // After the checks of the units themselves, so that an error in `communes.csv` is
    // reported there rather than as a p-code row that names no commune.
    let mut dataset = dataset;
    geo::apply_commune_pcodes(
        &mut dataset.units,
        &table("geo/commune_pcodes.csv", &["commune", "pcode", "note"])?,
    )?;
    Ok(dataset)
}
