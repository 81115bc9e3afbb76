//! Every figure and row of `data/` checked against the seed tables it was transcribed from
//! (`../shared/seeds/`): the regions table of seed 000, the cercles, communes, Bamako District
//! and national rows of seed 001. Each table is checked three times: in the CSV file, in the
//! loaded data set, and as the GraphQL API serves it. Without the seeds folder (a checkout of
//! this crate alone) the tests that need it say so and pass.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_graphql::Request;
use chrono::NaiveDate;
use mali_admin::dataset::{DataSource, Dataset, Level, UnitRecord, load_dataset};
use mali_admin::graphql::{Api, ApiSettings, Limits, Policy, build_api_with};
use mali_admin::model::AdminGraph;
use serde_json::{Value, json};

const SEED_REGIONS: &str = "000_e7446acfeac2889c.txt";
const SEED_COMMUNES: &str = "001_9be08bfba498b0c2.txt";

/// The year columns of seed 000 and of `regions.csv`, in table order.
const REGION_YEARS: [(i32, &str); 4] = [
    (1998, "census_1998"),
    (2009, "census_2009"),
    (2020, "estimate_2020"),
    (2023, "population_2023"),
];

/// The two figures of seed 001 (census 1998 and census 2009).
const COMMUNE_YEARS: [(i32, &str); 2] = [(1998, "census_1998"), (2009, "census_2009")];

/// A date on map A, when every commune sits in its seed cercle.
const MAP_A_DAY: &str = "2010-01-01";

// ---------------------------------------------------------------------------------------------
// The seeds, parsed

/// One row of seed 000's regions table.
#[derive(Debug)]
struct SeedRegion {
    name: String,
    number: String,
    area_km2: Option<u64>,
    /// The four population columns, by year: 1998, 2009, 2020, 2023.
    figures: [Option<u64>; 4],
}

/// A cercle row of seed 001 (or the "Capital district" row) and the communes listed after it.
#[derive(Debug)]
struct SeedGroup {
    name: String,
    district: bool,
    census_1998: Option<u64>,
    census_2009: Option<u64>,
    communes: Vec<SeedCommune>,
}

impl SeedGroup {
    fn figures(&self) -> [Option<u64>; 2] {
        [self.census_1998, self.census_2009]
    }
}

#[derive(Debug)]
struct SeedCommune {
    name: String,
    urban: bool,
    census_1998: Option<u64>,
    census_2009: Option<u64>,
}

impl SeedCommune {
    fn figures(&self) -> [Option<u64>; 2] {
        [self.census_1998, self.census_2009]
    }
}

#[derive(Debug)]
struct Seeds {
    regions: Vec<SeedRegion>,
    /// Seed 001's cercles and the district, in the seed's order.
    groups: Vec<SeedGroup>,
    /// The last row of seed 001, "Mali | Republic": census 1998 and 2009.
    national: (String, Option<u64>, Option<u64>),
}

impl Seeds {
    /// Reads both seed tables, or says why not and returns `None` when the folder is absent.
    fn load() -> Option<Seeds> {
        let dir = seeds_dir();
        if !dir.is_dir() {
            eprintln!(
                "SKIPPED: the seeds folder {} is absent, so data/ cannot be checked against \
                 the seeds (this is expected outside the project workspace)",
                dir.display()
            );
            return None;
        }
        // The folder is there: a missing or changed seed file is a failure, not a skip.
        let read = |file: &str| {
            let path = dir.join(file);
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{} cannot be read: {e}", path.display()))
        };
        let (groups, national) = parse_communes(&read(SEED_COMMUNES));
        Some(Seeds {
            regions: parse_regions(&read(SEED_REGIONS)),
            groups,
            national,
        })
    }

    fn cercles(&self) -> impl Iterator<Item = &SeedGroup> {
        self.groups.iter().filter(|g| !g.district)
    }

    fn district(&self) -> &SeedGroup {
        let districts: Vec<_> = self.groups.iter().filter(|g| g.district).collect();
        assert_eq!(districts.len(), 1, "seed 001 has one capital district row");
        districts[0]
    }

    fn communes(&self) -> impl Iterator<Item = (&SeedGroup, usize, &SeedCommune)> {
        self.groups.iter().flat_map(|g| {
            g.communes
                .iter()
                .enumerate()
                .map(move |(i, c)| (g, i + 1, c))
        })
    }

    fn region(&self, number: &str) -> &SeedRegion {
        self.regions
            .iter()
            .find(|r| r.number == number)
            .unwrap_or_else(|| panic!("seed 000 has no region {number}"))
    }
}

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds")
}

/// The rows of the markdown table whose header line starts with `header`, with their line
/// numbers, each split into exactly `width` trimmed cells.
fn table_rows<'a>(text: &'a str, header: &str, width: usize) -> Vec<(usize, Vec<&'a str>)> {
    let mut lines = text.lines().enumerate();
    lines
        .by_ref()
        .find(|(_, line)| line.starts_with(header))
        .unwrap_or_else(|| panic!("no table with the header `{header}`"));
    let rows: Vec<_> = lines
        .take_while(|(_, line)| line.starts_with('|'))
        .map(|(i, line)| {
            let inner = line
                .trim()
                .strip_prefix('|')
                .and_then(|l| l.strip_suffix('|'))
                .unwrap_or_else(|| panic!("line {}: not a table row", i + 1));
            let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
            assert_eq!(cells.len(), width, "line {}: {} cells", i + 1, cells.len());
            (i + 1, cells)
        })
        // A markdown separator row (`| --- | --- |`) holds no data.
        .filter(|(_, cells)| !cells.iter().all(|c| c.chars().all(|ch| "-: ".contains(ch))))
        .collect();
    assert!(!rows.is_empty(), "the table `{header}` has no rows");
    rows
}

/// A seed figure: digits with thousands commas; `–`, `...` or nothing for an absent figure.
fn seed_figure(cell: &str) -> Option<u64> {
    if matches!(cell, "" | "–" | "..." | "…") {
        return None;
    }
    let digits: String = cell.chars().filter(|c| *c != ',').collect();
    assert!(
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()),
        "`{cell}` is not a seed figure"
    );
    Some(digits.parse().unwrap())
}

fn parse_regions(text: &str) -> Vec<SeedRegion> {
    table_rows(text, "| Region name | Region number |", 7)
        .into_iter()
        .map(|(_, cells)| SeedRegion {
            name: cells[0].to_owned(),
            number: cells[1].to_owned(),
            area_km2: seed_figure(cells[2]),
            figures: [3, 4, 5, 6].map(|i| seed_figure(cells[i])),
        })
        .collect()
}

/// Seed 001's table: the cercles and the district with their communes, and the national row.
fn parse_communes(text: &str) -> (Vec<SeedGroup>, (String, Option<u64>, Option<u64>)) {
    let mut groups: Vec<SeedGroup> = Vec::new();
    let mut national = None;
    for (line, cells) in table_rows(text, "| Name | Status |", 4) {
        assert!(
            national.is_none(),
            "seed 001 line {line}: a row after the national row"
        );
        let [name, status, p1998, p2009] = cells[..] else {
            unreachable!("table_rows checks the width")
        };
        let (census_1998, census_2009) = (seed_figure(p1998), seed_figure(p2009));
        match status {
            "Cercle" | "Capital district" => groups.push(SeedGroup {
                name: name.to_owned(),
                district: status == "Capital district",
                census_1998,
                census_2009,
                communes: Vec::new(),
            }),
            "Commune" | "Urban commune" => groups
                .last_mut()
                .unwrap_or_else(|| panic!("seed 001 line {line}: a commune before any cercle"))
                .communes
                .push(SeedCommune {
                    name: name.to_owned(),
                    urban: status == "Urban commune",
                    census_1998,
                    census_2009,
                }),
            "Republic" => national = Some((name.to_owned(), census_1998, census_2009)),
            other => panic!("seed 001 line {line}: unknown status `{other}`"),
        }
    }
    let national = national.expect("seed 001 has a national (Republic) row");
    (groups, national)
}

// ---------------------------------------------------------------------------------------------
// data/, read as files and as the loaded data set

type Row = HashMap<String, String>;

/// The rows of `data/<file>`, each a map from column name to cell.
fn data_rows(file: &str) -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(file);
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            header
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn cell<'a>(row: &'a Row, column: &str) -> &'a str {
    row.get(column)
        .unwrap_or_else(|| panic!("no column `{column}` in {row:?}"))
}

/// A figure cell of `data/`: plain digits, or empty when absent (never 0 for absent).
fn data_figure(row: &Row, column: &str) -> Option<u64> {
    let text = cell(row, column);
    if text.is_empty() {
        return None;
    }
    assert!(
        text.chars().all(|c| c.is_ascii_digit()),
        "`{text}` in `{column}` of {row:?} is not a plain number"
    );
    Some(text.parse().unwrap())
}

fn dataset() -> Dataset {
    load_dataset(&DataSource::Embedded).unwrap()
}

fn units(dataset: &Dataset, level: Level) -> Vec<&UnitRecord> {
    dataset.units.iter().filter(|u| u.level == level).collect()
}

/// A unit's figures by year (each year once).
fn figures_by_year(unit: &UnitRecord) -> BTreeMap<i32, u64> {
    let by_year: BTreeMap<i32, u64> = unit.figures.iter().map(|f| (f.year, f.value)).collect();
    assert_eq!(
        by_year.len(),
        unit.figures.len(),
        "{}: a year twice",
        unit.code
    );
    by_year
}

/// The figures a seed row gives, by year, leaving out the absent ones.
fn present<const N: usize>(years: [i32; N], values: [Option<u64>; N]) -> BTreeMap<i32, u64> {
    years
        .into_iter()
        .zip(values)
        .filter_map(|(year, value)| value.map(|v| (year, v)))
        .collect()
}

/// Our commune code for the `position`-th commune (1-based) listed under a seed group.
fn commune_code(group_code: &str, position: usize) -> String {
    format!("CM-{group_code}-{position:02}")
}

/// The 2023 codes of seed 001's cercles, keyed by their seed label (from `cercles.csv`), and
/// "BKO" for the capital district, as the commune codes use it.
fn group_codes(seeds: &Seeds) -> HashMap<String, String> {
    let mut codes: HashMap<String, String> = data_rows("cercles.csv")
        .iter()
        .filter(|r| !cell(r, "seed_name").is_empty())
        .map(|r| (cell(r, "seed_name").to_owned(), cell(r, "code").to_owned()))
        .collect();
    codes.insert(seeds.district().name.clone(), "BKO".to_owned());
    codes
}

/// The `parent` column of a commune listed under `group_code` ("00" for the district's).
fn parent_code(group_code: &str) -> &str {
    if group_code == "BKO" {
        "00"
    } else {
        group_code
    }
}

// ---------------------------------------------------------------------------------------------
// The API

/// The API, with the alias and token limits lifted: these checks ask for a seed's every row in
/// one document of hundreds of aliases, which no client would send.
fn api() -> Api {
    let graph = Arc::new(AdminGraph::build(dataset()));
    build_api_with(
        graph,
        &ApiSettings {
            today: NaiveDate::from_ymd_opt(2026, 1, 1),
        },
        &Policy {
            limits: Limits {
                aliases: usize::MAX,
                tokens: usize::MAX,
                ..Limits::default()
            },
            ..Policy::default()
        },
    )
}

async fn query(api: &Api, query: &str) -> Value {
    let response = api.execute(Request::new(query)).await;
    assert!(response.errors.is_empty(), "{query}: {:?}", response.errors);
    response.data.into_json().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Seed 000: the regions table

#[test]
fn every_row_of_seed_000_is_the_regions_csv_row_of_its_number_figure_for_figure() {
    let Some(seeds) = Seeds::load() else { return };
    let rows = data_rows("regions.csv");
    assert_eq!(seeds.regions.len(), 20, "seed 000: 19 regions and Bamako");
    assert_eq!(rows.len(), seeds.regions.len());
    let seed_numbers: Vec<&str> = seeds.regions.iter().map(|r| r.number.as_str()).collect();
    let data_numbers: Vec<&str> = rows.iter().map(|r| cell(r, "number")).collect();
    assert_eq!(
        data_numbers, seed_numbers,
        "same numbers, in the same order"
    );
    for (seed, row) in seeds.regions.iter().zip(&rows) {
        let n = &seed.number;
        assert_eq!(cell(row, "seed_name"), seed.name, "region {n}: seed_name");
        assert_eq!(
            data_figure(row, "area_km2"),
            seed.area_km2,
            "region {n}: area"
        );
        for ((year, column), value) in REGION_YEARS.into_iter().zip(seed.figures) {
            assert_eq!(data_figure(row, column), value, "region {n}: {year}");
        }
    }
}

#[test]
fn every_region_is_loaded_with_exactly_the_area_and_figures_of_seed_000() {
    let Some(seeds) = Seeds::load() else { return };
    let dataset = dataset();
    let regions = units(&dataset, Level::Region);
    assert_eq!(regions.len(), seeds.regions.len());
    for seed in &seeds.regions {
        let unit = regions
            .iter()
            .find(|u| u.code == seed.number)
            .unwrap_or_else(|| panic!("no region loaded with number {}", seed.number));
        assert_eq!(unit.seed_name.as_deref(), Some(seed.name.as_str()));
        assert_eq!(unit.area_km2, seed.area_km2, "region {}: area", seed.number);
        assert_eq!(
            figures_by_year(unit),
            present(REGION_YEARS.map(|(y, _)| y), seed.figures),
            "region {}: figures (an absent seed figure must be absent, not 0)",
            seed.number
        );
    }
    // The gaps of the table stay gaps: Taoudénit has no 1998 or 2020 figure, Dioïla only 2023.
    let taoudenit = regions.iter().find(|u| u.code == "09").unwrap();
    assert_eq!(
        figures_by_year(taoudenit).keys().collect::<Vec<_>>(),
        [&2009, &2023]
    );
    let dioila = regions.iter().find(|u| u.code == "12").unwrap();
    assert_eq!(figures_by_year(dioila), BTreeMap::from([(2023, 675_965)]));
}

#[tokio::test]
async fn the_api_serves_every_region_figure_and_area_of_seed_000() {
    let Some(seeds) = Seeds::load() else { return };
    let fields = "code seedName p1998: population(year: 1998) p2009: population(year: 2009) \
                  p2020: population(year: 2020) p2023: population(year: 2023) \
                  ... on Region { number areaKm2 }";
    let body: String = seeds
        .regions
        .iter()
        .map(|r| {
            format!(
                "r{}: unit(code: \"{}\") {{ {fields} }} ",
                r.number, r.number
            )
        })
        .collect();
    let data = query(&api(), &format!("{{ {body} }}")).await;
    for seed in &seeds.regions {
        let served = &data[format!("r{}", seed.number)];
        let [p1998, p2009, p2020, p2023] = seed.figures;
        assert_eq!(
            *served,
            json!({
                "code": seed.number,
                "number": seed.number,
                "seedName": seed.name,
                "areaKm2": seed.area_km2,
                "p1998": p1998,
                "p2009": p2009,
                "p2020": p2020,
                "p2023": p2023,
            }),
            "region {}",
            seed.number
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Seed 001: cercles

#[test]
fn the_49_cercles_of_seed_001_are_exactly_the_cercles_csv_rows_with_a_seed_name() {
    let Some(seeds) = Seeds::load() else { return };
    let rows = data_rows("cercles.csv");
    assert_eq!(rows.len(), 159, "cercles.csv holds the 159 cercles of 2023");
    let seed_labels: Vec<&str> = seeds.cercles().map(|g| g.name.as_str()).collect();
    assert_eq!(seed_labels.len(), 49);
    let unique: BTreeSet<&str> = seed_labels.iter().copied().collect();
    assert_eq!(unique.len(), 49, "seed 001's cercle labels are unique");
    let with_seed_name: Vec<&Row> = rows
        .iter()
        .filter(|r| !cell(r, "seed_name").is_empty())
        .collect();
    let data_labels: BTreeSet<&str> = with_seed_name
        .iter()
        .map(|r| cell(r, "seed_name"))
        .collect();
    assert_eq!(with_seed_name.len(), 49);
    assert_eq!(data_labels, unique, "the same 49 labels, verbatim");
    for seed in seeds.cercles() {
        let row = with_seed_name
            .iter()
            .find(|r| cell(r, "seed_name") == seed.name)
            .unwrap();
        for ((year, column), value) in COMMUNE_YEARS.into_iter().zip(seed.figures()) {
            assert_eq!(data_figure(row, column), value, "{}: {year}", seed.name);
        }
    }
    // The 110 cercles the seeds lack have no seed figures.
    for row in rows.iter().filter(|r| cell(r, "seed_name").is_empty()) {
        assert_eq!(data_figure(row, "census_1998"), None, "{row:?}");
        assert_eq!(data_figure(row, "census_2009"), None, "{row:?}");
    }
}

#[test]
fn every_seed_cercle_is_loaded_with_its_two_census_figures_and_no_other_cercle_has_one() {
    let Some(seeds) = Seeds::load() else { return };
    let dataset = dataset();
    let cercles = units(&dataset, Level::Cercle);
    assert_eq!(cercles.len(), 159);
    for seed in seeds.cercles() {
        let found: Vec<_> = cercles
            .iter()
            .filter(|u| u.seed_name.as_deref() == Some(seed.name.as_str()))
            .collect();
        assert_eq!(found.len(), 1, "one cercle loaded for `{}`", seed.name);
        assert_eq!(
            figures_by_year(found[0]),
            present(COMMUNE_YEARS.map(|(y, _)| y), seed.figures()),
            "{}",
            seed.name
        );
    }
    let without_seed: Vec<_> = cercles.iter().filter(|u| u.seed_name.is_none()).collect();
    assert_eq!(without_seed.len(), 110);
    for unit in without_seed {
        assert!(unit.figures.is_empty(), "{} has figures", unit.code);
    }
}

#[test]
fn cercle_names_follow_the_seed_labels_with_the_decided_exceptions() {
    let Some(seeds) = Seeds::load() else { return };
    let dataset = dataset();
    for seed in seeds.cercles() {
        let unit = dataset
            .units
            .iter()
            .find(|u| u.level == Level::Cercle && u.seed_name.as_deref() == Some(&seed.name))
            .unwrap();
        let (name, aliases): (&str, &[&str]) = match seed.name.as_str() {
            "Tombouctou [Timbuktu]" => ("Tombouctou", &["Timbuktu"]),
            // The cercle keeps its full name; the seed's short one is an alias (the region
            // created from it in 2023 is "Nioro").
            "Nioro" => ("Nioro du Sahel", &["Nioro"]),
            label => (label, &[]),
        };
        assert_eq!(unit.name, name, "{}", seed.name);
        assert_eq!(unit.aliases, aliases, "{}", seed.name);
    }
}

// ---------------------------------------------------------------------------------------------
// Seed 001: communes

#[test]
fn every_commune_of_seed_001_is_one_csv_row_with_its_position_code_parent_flag_and_figures() {
    let Some(seeds) = Seeds::load() else { return };
    let rows = data_rows("communes.csv");
    let groups = group_codes(&seeds);
    assert_eq!(seeds.communes().count(), 703);
    assert_eq!(rows.len(), 703);
    let by_code: HashMap<&str, &Row> = rows.iter().map(|r| (cell(r, "code"), r)).collect();
    assert_eq!(by_code.len(), rows.len(), "commune codes are unique");
    for (group, position, seed) in seeds.communes() {
        let group_code = &groups[&group.name];
        let code = commune_code(group_code, position);
        let what = format!("{code} ({} in {})", seed.name, group.name);
        let row = by_code
            .get(code.as_str())
            .unwrap_or_else(|| panic!("{what}: no row"));
        let same_label: Vec<_> = rows
            .iter()
            .filter(|r| {
                cell(r, "seed_name") == seed.name && cell(r, "parent") == parent_code(group_code)
            })
            .collect();
        assert_eq!(
            same_label.len(),
            1,
            "{what}: one row for the label in its cercle"
        );
        assert_eq!(cell(row, "seed_name"), seed.name, "{what}: seed_name");
        assert_eq!(
            cell(row, "parent"),
            parent_code(group_code),
            "{what}: parent"
        );
        let urban = if seed.urban { "true" } else { "false" };
        assert_eq!(cell(row, "urban"), urban, "{what}: urban");
        for ((year, column), value) in COMMUNE_YEARS.into_iter().zip(seed.figures()) {
            assert_eq!(data_figure(row, column), value, "{what}: {year}");
        }
    }
}

#[test]
fn communes_csv_lists_the_communes_in_the_order_of_seed_001() {
    let Some(seeds) = Seeds::load() else { return };
    let groups = group_codes(&seeds);
    let expected: Vec<String> = seeds
        .communes()
        .map(|(g, position, _)| commune_code(&groups[&g.name], position))
        .collect();
    let listed: Vec<String> = data_rows("communes.csv")
        .iter()
        .map(|r| cell(r, "code").to_owned())
        .collect();
    assert_eq!(listed, expected);
    // So the cercles' first communes come in the seed's order of cercles too.
    let mut cercle_order: Vec<&str> = Vec::new();
    for code in &listed {
        let group = &code[3..code.len() - 3];
        if cercle_order.last() != Some(&group) {
            cercle_order.push(group);
        }
    }
    let seed_order: Vec<&str> = seeds
        .groups
        .iter()
        .map(|g| groups[&g.name].as_str())
        .collect();
    assert_eq!(cercle_order, seed_order);
}

#[test]
fn every_commune_of_seed_001_is_loaded_with_its_label_flag_and_figures() {
    let Some(seeds) = Seeds::load() else { return };
    let groups = group_codes(&seeds);
    let dataset = dataset();
    let (seeded, created): (Vec<&UnitRecord>, Vec<&UnitRecord>) = units(&dataset, Level::Commune)
        .into_iter()
        .partition(|u| u.seed_name.is_some());
    // The one commune without a seed label is Iréli, created in 2023 (communes_created_2023.csv).
    assert_eq!(
        created.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["Iréli"]
    );
    let communes: HashMap<&str, &UnitRecord> =
        seeded.into_iter().map(|u| (u.code.as_str(), u)).collect();
    assert_eq!(communes.len(), 703);
    for (group, position, seed) in seeds.communes() {
        let code = commune_code(&groups[&group.name], position);
        let unit = communes[code.as_str()];
        assert_eq!(
            unit.seed_name.as_deref(),
            Some(seed.name.as_str()),
            "{code}"
        );
        assert_eq!(unit.urban, Some(seed.urban), "{code}");
        assert_eq!(
            figures_by_year(unit),
            present(COMMUNE_YEARS.map(|(y, _)| y), seed.figures()),
            "{code} ({})",
            seed.name
        );
    }
}

#[test]
fn seed_001_counts_37_urban_communes_and_only_alata_and_intadjedite_lack_a_1998_figure() {
    let Some(seeds) = Seeds::load() else { return };
    let seed_urban = seeds.communes().filter(|(_, _, c)| c.urban).count();
    assert_eq!(
        seed_urban, 37,
        "37 `Urban commune` rows (its introduction says 36)"
    );
    let rows = data_rows("communes.csv");
    let data_urban = rows.iter().filter(|r| cell(r, "urban") == "true").count();
    assert_eq!(data_urban, seed_urban);
    assert_eq!(rows.len() - data_urban, 666);

    let seed_without_1998: Vec<&str> = seeds
        .communes()
        .filter(|(_, _, c)| c.census_1998.is_none())
        .map(|(_, _, c)| c.name.as_str())
        .collect();
    assert_eq!(seed_without_1998, ["Alata", "Intadjedite"]);
    assert!(seeds.communes().all(|(_, _, c)| c.census_2009.is_some()));
    let data_without_1998: Vec<&str> = rows
        .iter()
        .filter(|r| data_figure(r, "census_1998").is_none())
        .map(|r| cell(r, "seed_name"))
        .collect();
    assert_eq!(data_without_1998, seed_without_1998);
    // Created in 2001 (law 01-043), after the 1998 census: the only communes with a start date.
    let created_later: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| !cell(r, "valid_from").is_empty())
        .map(|r| (cell(r, "seed_name"), cell(r, "valid_from")))
        .collect();
    assert_eq!(
        created_later,
        [("Alata", "2001-06-07"), ("Intadjedite", "2001-06-07")]
    );
}

#[test]
fn commune_names_move_the_seeds_parenthesised_variants_to_aliases_except_seat_notes() {
    let Some(seeds) = Seeds::load() else { return };
    let dataset = dataset();
    // A parenthesis naming the seat or cercle, not a variant spelling: kept as a note.
    let notes = ["Minidian (Kangaba)", "Rharous (Gourma-Rharous)"];
    for (_, _, seed) in seeds.communes() {
        let unit = dataset
            .units
            .iter()
            .find(|u| u.level == Level::Commune && u.seed_name.as_deref() == Some(&seed.name))
            .unwrap();
        match seed.name.split_once(" (") {
            Some((name, rest)) => {
                let variants: Vec<&str> = rest.strip_suffix(')').unwrap().split(", ").collect();
                assert_eq!(unit.name, name, "{}", seed.name);
                if notes.contains(&seed.name.as_str()) {
                    assert!(unit.aliases.is_empty(), "{}", seed.name);
                    assert!(unit.note.is_some(), "{}: a note", seed.name);
                } else {
                    assert_eq!(unit.aliases, variants, "{}", seed.name);
                }
            }
            None => assert_eq!(unit.name, seed.name, "the name is the seed's label"),
        }
    }
}

#[tokio::test]
async fn every_cercle_and_commune_of_seed_001_is_served_with_its_figures_and_map_a_parent() {
    let Some(seeds) = Seeds::load() else { return };
    let groups = group_codes(&seeds);
    let api = api();
    let figures = "code seedName p1998: population(year: 1998) p2009: population(year: 2009)";
    // One query per seed cercle (and for the district): the cercle (or district) on map A with
    // its communes, then each commune by its code.
    for group in &seeds.groups {
        let group_code = &groups[&group.name];
        let unit_code = parent_code(group_code);
        let mut body = format!(
            "group: unit(code: \"{unit_code}\", asOf: \"{MAP_A_DAY}\") {{ {figures} name \
             ... on Cercle {{ communes {{ code }} }} ... on Region {{ communes {{ code }} }} }} "
        );
        for position in 1..=group.communes.len() {
            let code = commune_code(group_code, position);
            body.push_str(&format!(
                "c{position}: unit(code: \"{code}\", asOf: \"{MAP_A_DAY}\") {{ {figures} \
                 ... on Commune {{ urban cercle {{ code }} region {{ code }} }} }} "
            ));
        }
        let data = query(&api, &format!("{{ {body} }}")).await;

        let served = &data["group"];
        assert_eq!(served["code"], unit_code);
        if group.district {
            // The district's seed name is seed 000's label ("Bamako - Capital District"); its
            // name is seed 001's.
            assert_eq!(served["name"], group.name);
        } else {
            assert_eq!(served["seedName"], group.name);
        }
        assert_eq!(served["p1998"], json!(group.census_1998), "{}", group.name);
        assert_eq!(served["p2009"], json!(group.census_2009), "{}", group.name);
        let expected: BTreeSet<String> = (1..=group.communes.len())
            .map(|p| commune_code(group_code, p))
            .collect();
        let children: BTreeSet<String> = served["communes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(children, expected, "{}'s communes on map A", group.name);

        for (i, seed) in group.communes.iter().enumerate() {
            let position = i + 1;
            let served = &data[format!("c{position}")];
            let code = commune_code(group_code, position);
            let cercle = if group.district {
                Value::Null
            } else {
                json!({ "code": group_code })
            };
            assert_eq!(served["code"], code.as_str());
            assert_eq!(served["seedName"], seed.name, "{code}");
            assert_eq!(served["urban"], seed.urban, "{code}");
            assert_eq!(served["p1998"], json!(seed.census_1998), "{code}");
            assert_eq!(served["p2009"], json!(seed.census_2009), "{code}");
            assert_eq!(served["cercle"], cercle, "{code}: its cercle on map A");
            if group.district {
                assert_eq!(served["region"], json!({ "code": "00" }), "{code}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bamako District and the national row

#[test]
fn bamako_district_figures_of_seed_001_equal_seed_000_and_regions_row_00() {
    let Some(seeds) = Seeds::load() else { return };
    let district = seeds.district();
    let seed_000 = seeds.region("00");
    let [r1998, r2009, _, _] = seed_000.figures;
    assert_eq!((district.census_1998, district.census_2009), (r1998, r2009));
    let rows = data_rows("regions.csv");
    let row = rows.iter().find(|r| cell(r, "number") == "00").unwrap();
    assert_eq!(cell(row, "kind"), "DISTRICT");
    assert_eq!(data_figure(row, "census_1998"), district.census_1998);
    assert_eq!(data_figure(row, "census_2009"), district.census_2009);
    // Its six communes, all urban, lie directly in the district.
    let names: Vec<&str> = district.communes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Commune I",
            "Commune II",
            "Commune III",
            "Commune IV",
            "Commune V",
            "Commune VI"
        ]
    );
    assert!(district.communes.iter().all(|c| c.urban));
    let in_district: Vec<(String, String)> = data_rows("communes.csv")
        .iter()
        .filter(|r| cell(r, "parent") == "00")
        .map(|r| (cell(r, "code").to_owned(), cell(r, "seed_name").to_owned()))
        .collect();
    let expected: Vec<(String, String)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (commune_code("BKO", i + 1), (*name).to_owned()))
        .collect();
    assert_eq!(in_district, expected);
}

#[test]
fn the_national_row_of_seed_001_is_country_csv() {
    let Some(seeds) = Seeds::load() else { return };
    let (name, census_1998, census_2009) = &seeds.national;
    let rows = data_rows("country.csv");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(cell(row, "code"), "ML");
    assert_eq!(cell(row, "seed_name"), name);
    assert_eq!(data_figure(row, "census_1998"), *census_1998);
    assert_eq!(data_figure(row, "census_2009"), *census_2009);
    let dataset = dataset();
    let [country] = units(&dataset, Level::Country)[..] else {
        panic!("one country")
    };
    assert_eq!(
        figures_by_year(country),
        present([1998, 2009], [*census_1998, *census_2009])
    );
}

#[tokio::test]
async fn the_api_serves_the_national_figures_of_seed_001() {
    let Some(seeds) = Seeds::load() else { return };
    let (name, census_1998, census_2009) = &seeds.national;
    let data = query(
        &api(),
        "{ country { code seedName p1998: population(year: 1998) p2009: population(year: 2009) } }",
    )
    .await;
    assert_eq!(
        data["country"],
        json!({ "code": "ML", "seedName": name, "p1998": census_1998, "p2009": census_2009 })
    );
}

/// Guards the checks above against a parser that silently reads nothing: a few figures as the
/// seeds print them.
#[test]
fn the_seed_parser_reads_known_rows() {
    let Some(seeds) = Seeds::load() else { return };
    let bandiagara = seeds.region("17");
    assert_eq!(bandiagara.name, "Bandiagara");
    assert_eq!(bandiagara.area_km2, Some(24_850));
    assert_eq!(bandiagara.figures, [None, None, None, Some(868_916)]);
    let bougouni = seeds.region("11");
    assert_eq!(
        bougouni.figures,
        [Some(1_500_900), None, None, Some(1_570_979)]
    );
    let bankass = seeds.cercles().find(|g| g.name == "Bankass").unwrap();
    assert_eq!(
        (bankass.census_1998, bankass.census_2009),
        (Some(195_582), Some(264_776))
    );
    assert_eq!(bankass.communes.len(), 12);
    assert_eq!(seeds.national.1, Some(9_810_912));
}
