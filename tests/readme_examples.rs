//! The README's example queries run without errors: the examples are a promise.
#![allow(clippy::unwrap_used)]

mod common;

#[tokio::test]
async fn every_example_query_of_the_readme_answers_without_errors() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("```graphql")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let queries: Vec<&str> = block.lines().filter(|l| l.starts_with('{')).collect();
    assert!(
        queries.len() >= 15,
        "only {} example queries found",
        queries.len()
    );
    let api = common::api();
    for query in queries {
        let data = common::data(&api, query).await;
        assert!(!data.is_null(), "{query}");
    }
}
