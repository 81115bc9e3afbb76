//! mali-admin: Mali's administrative divisions (regions, cercles, communes) and their history,
//! served as a GraphQL API.
//!
//! # Layout
//! The modules follow the data's path through the server:
//! - [`dataset`]: reads the CSV files of `data/` into typed, checked records;
//! - [`model`]: the petgraph model built from them and its queries (knows nothing of GraphQL);
//! - [`schema`]: the GraphQL types over the model and their fields, with batched loaders and
//!   coded errors (knows nothing of HTTP);
//! - [`admission`]: what a request passes before execution: persisted queries, the document
//!   cache, the limits, input values;
//! - [`fast_path`]: plans of the common queries, run without async-graphql's executor;
//! - [`graphql`]: the served API: the root query, and [`graphql::Api`], which admits a request
//!   and runs it;
//! - [`http`]: the axum router and server;
//! - [`config`]: the command line and environment settings;
//! - [`doorkeeper`]: lets keys into the caches of documents and answers on their second coming.

pub mod admission;
pub mod config;
pub mod dataset;
pub mod doorkeeper;
pub mod fast_path;
pub mod graphql;
pub mod http;
pub mod model;
pub mod schema;
