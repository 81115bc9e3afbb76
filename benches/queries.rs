//! In-process costs of the canonical queries (execution through the request's loaders, then the
//! JSON answer), and of loading the data and building the graph. Run with `cargo bench`; the
//! figures and the HTTP load tests are in BENCHMARKS.md.

use std::hint::black_box;
use std::sync::Arc;

use async_graphql::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use mali_admin::dataset::{DataSource, load_dataset};
use mali_admin::graphql::{Api, ApiSettings, Operations, build_api};
use mali_admin::model::AdminGraph;

/// The queries users send most, by name (the same ones `loadtest/` sends over HTTP).
const QUERIES: &[(&str, &str)] = &[
    (
        "full_tree_2009",
        r#"{ regions(asOf: "2009-04-01") { name cercles { name communes { name population(year: 2009) } } } }"#,
    ),
    (
        "one_cercle",
        r#"{ cercle(code: "1903", asOf: "2009-04-01") { name communes { name population(year: 2009) } } }"#,
    ),
    (
        "search",
        r#"{ search(text: "diedougou") { label matchKind unit { code } } }"#,
    ),
    (
        "lineage",
        r#"{ region(name: "Tombouctou", asOf: "2010-01-01") { lineagePaths { units { name } hops { kind date } } } }"#,
    ),
    (
        "locate",
        r#"{ locate(latitude: 13.954, longitude: -3.570, asOf: "2010-01-01") { commune { name } cercle { name } region { name } } }"#,
    ),
    (
        "bankass_geometry_100m",
        r#"{ cercle(code: "1903", asOf: "2010-01-01") { geometry(simplify: 100) computedArea } }"#,
    ),
    (
        "introspection",
        include_str!("../tests/fixtures/introspection.graphql"),
    ),
];

fn api() -> Api {
    let dataset = load_dataset(&DataSource::Embedded).expect("the embedded data loads");
    build_api(
        Arc::new(AdminGraph::build(dataset)),
        &ApiSettings::default(),
    )
}

fn queries(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let api = api();
    let mut group = c.benchmark_group("query");
    for (name, query) in QUERIES {
        // Every answer is checked once, so a query that fails cannot pass as fast.
        let response = runtime.block_on(api.execute(Request::new(*query)));
        assert!(response.errors.is_empty(), "{name}: {:?}", response.errors);
        group.bench_function(*name, |b| {
            b.to_async(&runtime).iter(|| async {
                let response = api.execute(Request::new(*query)).await;
                black_box(serde_json::to_vec(&response).expect("an answer serializes"))
            })
        });
    }
    group.finish();

    // The same queries through admission and the fast path (its plan cached with the
    // document from the third run), as the HTTP endpoint runs them; the bytes are the answer.
    let mut group = c.benchmark_group("fast_path");
    for (name, query) in &QUERIES[..2] {
        let run = || async {
            let mut admitted = api
                .admit(Request::new(*query), Operations::Any)
                .expect("admitted");
            api.run_fast(&mut admitted).await.expect("on the fast path")
        };
        runtime.block_on(run());
        group.bench_function(*name, |b| {
            b.to_async(&runtime)
                .iter(|| async { black_box(run().await) })
        });
    }
    // What a fresh text costs before anything else: async-graphql's parser alone.
    for (name, query) in &QUERIES[..2] {
        group.bench_function(format!("{name}_parse"), |b| {
            b.iter(|| black_box(async_graphql::parser::parse_query(*query).expect("parses")))
        });
    }
    // A fresh alias in every run: parsed, validated and planned every time.
    for (name, query) in &QUERIES[..2] {
        let mut fresh = 0_u64;
        group.bench_function(format!("{name}_fresh"), |b| {
            b.to_async(&runtime).iter(|| {
                fresh += 1;
                let query = format!("{{ t{fresh}: {}", &query[1..]);
                let api = &api;
                async move {
                    let mut admitted = api
                        .admit(Request::new(query), Operations::Any)
                        .expect("admitted");
                    black_box(api.run_fast(&mut admitted).await.expect("on the fast path"))
                }
            })
        });
    }
    group.finish();
}

fn start_up(c: &mut Criterion) {
    c.bench_function("start_up/load_and_build", |b| {
        b.iter(|| {
            let dataset = load_dataset(&DataSource::Embedded).expect("the embedded data loads");
            black_box(AdminGraph::build(dataset))
        })
    });
}

/// The geometry's own costs: a point lookup in the model (the R-tree, then point in polygon),
/// parsing the embedded geometry and building the atlas (what the first geometry question, or
/// the background warm-up, pays once), and a union made afresh (the country's 701 communes).
fn geometry(c: &mut Criterion) {
    let dataset = load_dataset(&DataSource::Embedded).expect("the embedded data loads");
    let graph = AdminGraph::build(dataset.clone());
    let day = chrono::NaiveDate::from_ymd_opt(2010, 1, 1).expect("a date");
    let point = geo::Point::new(-3.570, 13.954);
    assert_eq!(graph.locate(point, day).expect("geometry").len(), 1);
    c.bench_function("geometry/locate_in_model", |b| {
        b.iter(|| black_box(graph.locate(black_box(point), day).expect("geometry")))
    });
    let mut group = c.benchmark_group("geometry");
    group.sample_size(10);
    group.bench_function("parse_and_build_atlas", |b| {
        b.iter(|| {
            let graph = AdminGraph::build(dataset.clone());
            black_box(graph.atlas().is_ok())
        })
    });
    group.bench_function("atlas_and_country_union", |b| {
        b.iter(|| {
            let graph = AdminGraph::build(dataset.clone());
            black_box(
                graph
                    .shape(graph.country(), day)
                    .expect("geometry")
                    .area_km2,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, queries, start_up, geometry);
criterion_main!(benches);
