//! mali-admin: Mali's administrative divisions (regions, cercles, communes) and their history,
//! served as a GraphQL API.
//!
//! # Layout
//! The modules follow the data's path through the server:
//! - [`dataset`]: reads the CSV files of `data/` into typed, checked records;
//! - [`model`]: the petgraph model built from them and its queries (knows nothing of GraphQL);
//! - [`graphql`]: the schema over the model, with batched loaders and coded errors;
//! - [`http`]: the axum router and server;
//! - [`config`]: the command line and environment settings;
//! - [`doorkeeper`]: lets keys into the caches of documents and answers on their second coming.

pub mod config;
pub mod dataset;
pub mod doorkeeper;
pub mod graphql;
pub mod http;
pub mod model;
