//! `schema.graphql` is the contract: it must equal the schema the server serves.

#[test]
fn the_checked_in_schema_equals_the_served_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    let served = mali_admin::graphql::schema_sdl();
    assert!(
        checked_in == served,
        "schema.graphql differs from the served schema: run `cargo run -- schema > schema.graphql` and review the diff"
    );
}
