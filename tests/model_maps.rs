//! The graph model on each of the three maps, without GraphQL.
#![allow(clippy::unwrap_used)]

mod common;

use common::{date, graph};
use mali_admin::dataset::Level;
use mali_admin::model::AdminGraph;

fn names(graph: &AdminGraph, ids: &[mali_admin::model::UnitId]) -> Vec<String> {
    ids.iter().map(|id| graph.unit(*id).name.clone()).collect()
}

fn count(graph: &AdminGraph, level: Level, day: &str) -> usize {
    graph.in_force(level, date(day)).len()
}

#[test]
fn map_a_has_nine_first_level_units_49_cercles_and_701_then_703_communes() {
    let graph = graph();
    assert_eq!(count(&graph, Level::Region, "1996-11-04"), 9);
    assert_eq!(count(&graph, Level::Cercle, "1996-11-04"), 49);
    assert_eq!(count(&graph, Level::Commune, "2001-06-06"), 701);
    assert_eq!(count(&graph, Level::Commune, "2001-06-07"), 703);
    assert_eq!(count(&graph, Level::Cercle, "2016-01-18"), 49);
}

#[test]
fn map_b_has_eleven_first_level_units_and_58_cercles() {
    let graph = graph();
    assert_eq!(count(&graph, Level::Region, "2016-01-19"), 11);
    assert_eq!(count(&graph, Level::Cercle, "2016-01-19"), 58);
    assert_eq!(count(&graph, Level::Commune, "2016-01-19"), 703);
    let menaka = graph.find_by_name("Ménaka", Level::Region)[0];
    assert_eq!(
        names(&graph, &graph.children(menaka, date("2020-01-01"))),
        ["Andéramboukane", "Inékar", "Ménaka", "Tidermène"]
    );
}

#[test]
fn map_c_has_twenty_first_level_units_and_159_cercles() {
    let graph = graph();
    assert_eq!(count(&graph, Level::Region, "2023-03-13"), 20);
    assert_eq!(count(&graph, Level::Cercle, "2023-03-13"), 159);
    // The 703 communes of seed 001 and Iréli, created in 2023 from part of Sangha.
    assert_eq!(count(&graph, Level::Commune, "2023-03-13"), 704);
}

#[test]
fn every_commune_lies_in_exactly_one_region_on_every_map() {
    let graph = graph();
    for day in ["2000-01-01", "2010-01-01", "2020-01-01", "2024-01-01"] {
        for commune in graph.in_force(Level::Commune, date(day)) {
            let region = graph.ancestor(commune, Level::Region, date(day));
            assert!(region.is_some(), "{} on {day}", graph.unit(commune).name);
        }
    }
}

#[test]
fn the_bamako_district_holds_six_communes_and_no_cercle() {
    let graph = graph();
    let bamako = graph.find_by_code("00").unwrap();
    for day in ["2000-01-01", "2024-01-01"] {
        assert!(
            graph
                .descendants(bamako, Level::Cercle, date(day))
                .is_empty()
        );
        assert_eq!(
            graph.descendants(bamako, Level::Commune, date(day)).len(),
            6
        );
    }
}

#[test]
fn a_commune_s_ancestors_change_with_its_cercle_s_region() {
    let graph = graph();
    let sokoura = graph.find_by_code("CM-1903-10").unwrap();
    assert_eq!(graph.unit(sokoura).name, "Sokoura");
    let cercle_and_region = |day: &str| {
        let c = graph.ancestor(sokoura, Level::Cercle, date(day)).unwrap();
        let r = graph.ancestor(sokoura, Level::Region, date(day)).unwrap();
        (graph.unit(c).name.clone(), graph.unit(r).name.clone())
    };
    assert_eq!(
        cercle_and_region("2010-01-01"),
        ("Bankass".into(), "Mopti".into())
    );
    assert_eq!(
        cercle_and_region("2023-03-12"),
        ("Bankass".into(), "Mopti".into())
    );
    assert_eq!(
        cercle_and_region("2023-03-13"),
        ("Sokoura".into(), "Bandiagara".into())
    );
}

#[test]
fn lineage_links_old_regions_to_the_regions_made_from_them() {
    let graph = graph();
    let mopti = graph.find_by_name("Mopti", Level::Region)[0];
    let successors: Vec<_> = graph
        .successors(mopti)
        .iter()
        .map(|(id, _)| graph.unit(*id).name.clone())
        .collect();
    assert_eq!(successors, ["Bandiagara", "Douentza"]);
    let tombouctou = graph.find_by_name("Tombouctou", Level::Region)[0];
    let predecessors: Vec<_> = graph
        .predecessors(tombouctou)
        .iter()
        .map(|(id, link)| {
            (
                graph.unit(*id).name.clone(),
                link.date.to_string(),
                link.partial,
            )
        })
        .collect();
    assert_eq!(
        predecessors,
        [("Taoudénit".to_owned(), "2023-03-13".to_owned(), true)]
    );
}

/// Each of the 49 seed cercles lies in the region the reference gives, on each map.
#[test]
fn every_seed_cercle_lies_in_the_reference_s_region_on_each_map() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference/cercles_history.csv"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("{path} is absent: the reference check is skipped");
        return;
    };
    let graph = graph();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut checked = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let cercle = graph
            .find_by_code(&row[column("continues_as_2023")])
            .unwrap();
        for (field, day) in [
            ("region_pre2016", "2010-01-01"),
            ("region_2016", "2020-01-01"),
            ("region_2023", "2024-01-01"),
        ] {
            let region = graph.parent(cercle, date(day)).unwrap();
            let expected = graph.find_by_name(&row[column(field)], Level::Region);
            assert_eq!(expected, [region], "{} on {day}", &row[column("cercle")]);
        }
        checked += 1;
    }
    assert_eq!(checked, 49);
}
