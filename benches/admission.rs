//! The admission (token count, parse, the limits' walk) over hostile documents up to the body
//! limit, in every mode: the defaults, introspection off (what a public deployment sets), and
//! with the token limit lifted so that the walks themselves are measured. Each must be refused
//! (or admitted) in well under 5 ms. Run with `cargo bench --bench admission`; figures in
//! BENCHMARKS.md.

#[path = "hostile.rs"]
mod hostile;

use std::hint::black_box;
use std::sync::Arc;

use async_graphql::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use mali_admin::dataset::{DataSource, load_dataset};
use mali_admin::graphql::{Api, ApiSettings, Limits, Operations, Policy, build_api_with};
use mali_admin::model::AdminGraph;

/// The modes: a name and the policy.
fn modes() -> Vec<(&'static str, Policy)> {
    vec![
        ("defaults", cold(Limits::default(), true)),
        ("introspection_off", cold(Limits::default(), false)),
        (
            "no_token_limit",
            cold(
                Limits {
                    tokens: usize::MAX,
                    ..Limits::default()
                },
                false,
            ),
        ),
    ]
}

/// A policy with `limits` and no document cache, so that every admission does all its work.
fn cold(limits: Limits, introspection: bool) -> Policy {
    Policy {
        limits: Limits {
            document_cache: 0,
            ..limits
        },
        introspection,
        ..Policy::default()
    }
}

fn admission(c: &mut Criterion) {
    let dataset = load_dataset(&DataSource::Embedded).expect("the embedded data loads");
    let graph = Arc::new(AdminGraph::build(dataset));
    let corpus = hostile::corpus();
    for (mode, policy) in modes() {
        let api: Api = build_api_with(graph.clone(), &ApiSettings::default(), &policy);
        let mut group = c.benchmark_group(format!("admission_{mode}"));
        for (name, text) in &corpus {
            group.bench_function(*name, |b| {
                b.iter(|| {
                    let outcome = api.admit(Request::new(text.as_str()), Operations::Any);
                    black_box(outcome.is_ok())
                })
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_millis(300)).measurement_time(std::time::Duration::from_secs(1));
    targets = admission
}
criterion_main!(benches);
