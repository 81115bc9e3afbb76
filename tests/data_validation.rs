//! Bad data stops loading with an error naming the file, the line and the field; the shipped
//! data loads.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use mali_admin::dataset::{DATA_FILES, DataSource, DatasetError, GEO_FILES, load_dataset};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Loads a copy of `data/` in which `file` has been edited by `edit`.
fn load_with(file: &str, edit: impl FnOnce(String) -> String) -> Result<(), DatasetError> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("geo")).unwrap();
    for name in DATA_FILES.iter().chain(GEO_FILES).copied() {
        std::fs::copy(data_dir().join(name), dir.path().join(name)).unwrap();
    }
    let edited = edit(std::fs::read_to_string(data_dir().join(file)).unwrap());
    std::fs::write(dir.path().join(file), edited).unwrap();
    load_dataset(&DataSource::Directory(dir.path().to_owned())).map(|_| ())
}

fn replace_once(text: String, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` is not in the file");
    text.replacen(from, to, 1)
}

/// Asserts the edit is refused with an error at `file`, `line`, `field`, whose reason contains
/// `reason`.
fn assert_refused(
    result: Result<(), DatasetError>,
    file: &str,
    line: u64,
    field: &str,
    reason: &str,
) {
    match result {
        Err(DatasetError::Invalid {
            file: f,
            line: l,
            field: fi,
            reason: r,
        }) => {
            assert_eq!((f.as_str(), l, fi.as_str()), (file, line, field), "{r}");
            assert!(r.contains(reason), "`{r}` should say `{reason}`");
        }
        other => panic!("expected an error at {file}:{line} `{field}`, got {other:?}"),
    }
}

#[test]
fn the_shipped_data_loads_from_the_binary_and_from_the_directory() {
    let embedded = load_dataset(&DataSource::Embedded).unwrap();
    let from_dir = load_dataset(&DataSource::Directory(data_dir())).unwrap();
    // The 703 communes of seed 001 and Iréli, created in 2023.
    assert_eq!(embedded.units.len(), 1 + 20 + 159 + 703 + 1);
    assert_eq!(embedded.version, from_dir.version);
}

#[test]
fn a_duplicate_code_is_refused() {
    let result = load_with("communes.csv", |t| {
        replace_once(t, "CM-0802-02,Boghassa", "CM-0802-01,Boghassa")
    });
    assert_refused(result, "communes.csv", 3, "code", "used by another unit");
}

#[test]
fn a_commune_whose_cercle_does_not_exist_is_refused() {
    let result = load_with("communes.csv", |t| {
        replace_once(t, "CM-0802-01,Abeïbara,0802", "CM-0802-01,Abeïbara,0899")
    });
    assert_refused(
        result,
        "communes.csv",
        2,
        "parent",
        "no unit has the code `0899`",
    );
}

#[test]
fn a_commune_inside_a_commune_is_refused() {
    let result = load_with("communes.csv", |t| {
        replace_once(
            t,
            "CM-0802-01,Abeïbara,0802",
            "CM-0802-01,Abeïbara,CM-0802-02",
        )
    });
    assert_refused(
        result,
        "communes.csv",
        2,
        "parent",
        "a commune cannot lie in a commune",
    );
}

#[test]
fn a_figure_that_is_not_a_number_is_refused() {
    let result = load_with("communes.csv", |t| {
        replace_once(t, "3679,4549", "3 679,4549")
    });
    assert_refused(
        result,
        "communes.csv",
        2,
        "census_1998",
        "not a non-negative number",
    );
}

#[test]
fn a_bad_date_is_refused() {
    let result = load_with("regions.csv", |t| {
        replace_once(t, "2016-01-19", "2016-13-19")
    });
    assert_refused(result, "regions.csv", 11, "valid_from", "not a date");
}

#[test]
fn an_unknown_kind_is_refused() {
    let result = load_with("regions.csv", |t| replace_once(t, "DISTRICT", "CAPITAL"));
    assert_refused(
        result,
        "regions.csv",
        2,
        "kind",
        "not one of REGION, DISTRICT",
    );
}

#[test]
fn a_missing_column_is_refused() {
    let result = load_with("communes.csv", |t| replace_once(t, ",urban,", ",urbain,"));
    assert_refused(result, "communes.csv", 1, "urban", "lacks this column");
}

#[test]
fn a_csv_syntax_error_is_refused() {
    let result = load_with("cercles.csv", |t| {
        replace_once(t, "0101,Kayes,", "0101,Kayes,,")
    });
    assert_refused(result, "cercles.csv", 2, "-", "not valid CSV");
}

#[test]
fn a_cercle_in_two_regions_at_once_is_refused() {
    let result = load_with("cercle_regions.csv", |t| {
        format!("{t}0502,04,,,high,test\n")
    });
    assert_refused(
        result,
        "cercle_regions.csv",
        178,
        "from",
        "lies in two units on 1996-11-04",
    );
}

#[test]
fn a_cercle_without_a_region_on_some_day_is_refused() {
    let result = load_with("cercle_regions.csv", |t| {
        replace_once(t, "1903,05,,2023-03-13", "1903,05,,2020-01-01")
    });
    assert_refused(
        result,
        "cercles.csv",
        154,
        "code",
        "Bankass (1903) lies in no unit on 2020-01-01",
    );
}

#[test]
fn a_parent_not_yet_in_force_is_refused() {
    let result = load_with("cercle_regions.csv", |t| {
        replace_once(t, "1903,05,,2023-03-13", "1903,17,,2023-03-13")
    });
    assert_refused(
        result,
        "cercle_regions.csv",
        170,
        "from",
        "its parent Bandiagara is not in force on 1996-11-04",
    );
}

#[test]
fn a_map_whose_counts_do_not_add_up_is_refused() {
    let result = load_with("maps.csv", |t| {
        replace_once(
            t,
            "B,2016-01-19,2023-03-13,10,1,58",
            "B,2016-01-19,2023-03-13,10,1,56",
        )
    });
    assert_refused(
        result,
        "maps.csv",
        4,
        "cercles",
        "should hold 56 cercles but the data has 58",
    );
}

#[test]
fn a_lineage_link_between_levels_is_refused() {
    let result = load_with("lineage.csv", |t| {
        replace_once(t, "06,09,2016-01-19", "0601,09,2016-01-19")
    });
    assert_refused(result, "lineage.csv", 2, "to", "same level");
}

#[test]
fn a_commune_move_to_a_cercle_of_another_region_is_refused() {
    let result = load_with("commune_moves.csv", |t| {
        replace_once(
            t,
            "CM-1102-02,2023-03-13,1103,13",
            "CM-1102-02,2023-03-13,1103,01",
        )
    });
    assert_refused(
        result,
        "commune_moves.csv",
        2,
        "region",
        "is not the region of cercle Diangounté Camara",
    );
}

#[test]
fn a_missing_file_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    match load_dataset(&DataSource::Directory(dir.path().to_owned())) {
        Err(err @ DatasetError::Unreadable { .. }) => {
            assert!(err.to_string().contains("country.csv"), "{err}")
        }
        other => panic!("expected Unreadable, got {other:?}"),
    }
}

#[test]
fn a_group_place_in_an_unknown_unit_is_refused() {
    let result = load_with("group_places.csv", |t| {
        replace_once(t, "dogon,1901,", "dogon,1999,")
    });
    assert_refused(
        result,
        "group_places.csv",
        2,
        "unit",
        "no unit has the code `1999`",
    );
}

#[test]
fn a_share_that_is_not_a_percentage_is_refused() {
    let result = load_with("group_shares.csv", |t| {
        replace_once(t, "peuhl,14.7,", "peuhl,147,")
    });
    assert_refused(
        result,
        "group_shares.csv",
        2,
        "percent",
        "is not a percentage",
    );
}

#[test]
fn a_sub_group_cycle_is_refused() {
    let result = load_with("groups.csv", |t| {
        replace_once(
            t,
            "manding,Manding,Mandé,,",
            "manding,Manding,Mandé,bambara,",
        )
    });
    assert_refused(result, "groups.csv", 2, "parent", "cycle");
}

#[test]
fn a_commune_moved_into_an_unknown_cercle_names_the_cercle_column() {
    let result = load_with("commune_moves.csv", |t| {
        replace_once(
            t,
            "CM-0101-03,2023-03-13,0107,01",
            "CM-0101-03,2023-03-13,0199,01",
        )
    });
    assert_refused(
        result,
        "commune_moves.csv",
        4,
        "cercle",
        "no unit has the code `0199`",
    );
}

#[test]
fn a_sourced_placement_of_an_unknown_commune_is_refused() {
    let result = load_with("communes_2023_placed.csv", |t| {
        replace_once(
            t,
            "0207,Bancoumana,CM-0204-02",
            "0207,Bancoumana,CM-0204-99",
        )
    });
    assert_refused(
        result,
        "communes_2023_placed.csv",
        23,
        "commune",
        "no commune in force on 2023-03-13 has the code `CM-0204-99`",
    );
}

#[test]
fn two_applied_placements_of_one_commune_are_refused() {
    // Koréra Koré's Nioro du Sahel row is not applied: its own page's row is.
    let result = load_with("communes_2023_placed.csv", |t| {
        replace_once(
            t,
            "1101,Koréra Koré,CM-1101-09,name,no",
            "1101,Koréra Koré,CM-1101-09,name,yes",
        )
    });
    assert_refused(
        result,
        "communes_2023_placed.csv",
        76,
        "applied",
        "CM-1101-09 is placed by line 61 already",
    );
}

#[test]
fn a_commune_created_in_2023_without_a_placement_is_refused() {
    let result = load_with("communes_2023_placed.csv", |t| {
        replace_once(
            t,
            "1907,Iréli,CM-1907-N01,new commune,yes",
            "1907,Iréli,CM-1907-N01,new commune,no",
        )
    });
    assert_refused(
        result,
        "communes_created_2023.csv",
        2,
        "code",
        "begins on map C, but no row of communes_2023_placed.csv places it",
    );
}

#[test]
fn a_cercle_listed_complete_in_one_row_only_is_refused() {
    let result = load_with("communes_2023_placed.csv", |t| {
        replace_once(
            t,
            "0207,Siby,CM-0204-33,name,yes,medium,yes",
            "0207,Siby,CM-0204-33,name,yes,medium,no",
        )
    });
    assert_refused(
        result,
        "communes_2023_placed.csv",
        22,
        "list_complete",
        "differs from line 21 for the same cercle 0207",
    );
}

#[test]
fn a_stated_count_for_a_commune_is_refused() {
    let result = load_with("stated_communes_2023.csv", |t| {
        replace_once(t, "0207,4,", "CM-0204-02,4,")
    });
    assert_refused(
        result,
        "stated_communes_2023.csv",
        3,
        "unit",
        "Bancoumana is not a cercle (or, for a count, a region) in force on 2023-03-13",
    );
}
