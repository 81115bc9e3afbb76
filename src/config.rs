//! The server's settings: every one a command-line flag and an environment variable.

use std::net::IpAddr;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::dataset::DataSource;

#[derive(Debug, Parser)]
#[command(
    name = "mali-admin",
    version,
    about = "GraphQL server for Mali's administrative divisions and their history"
)]
pub struct Config {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Read the data files from this directory instead of the copy embedded in the binary.
    #[arg(long, env = "MALI_ADMIN_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    /// The address to listen on (0.0.0.0 in a container).
    #[arg(long, env = "MALI_ADMIN_LISTEN", default_value = "127.0.0.1")]
    pub listen: IpAddr,

    /// The port to listen on.
    #[arg(long, env = "PORT", default_value_t = 8000)]
    pub port: u16,

    /// Answer as if today were this date (YYYY-MM-DD): the default `asOf`. For replays and tests.
    #[arg(long, env = "MALI_ADMIN_TODAY")]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum Command {
    /// Serve the API (the default).
    Serve,
    /// Print the GraphQL schema (SDL), as `schema.graphql` holds it.
    Schema,
    /// Load and check the data, print a summary, and exit.
    Check,
}

impl Config {
    pub fn data_source(&self) -> DataSource {
        match &self.data_dir {
            Some(dir) => DataSource::Directory(dir.clone()),
            None => DataSource::Embedded,
        }
    }
}
