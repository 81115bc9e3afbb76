//! The server's settings: every one a command-line flag and an environment variable.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;
use clap::{ArgAction, Parser, Subcommand, ValueEnum};

use crate::dataset::DataSource;
use crate::graphql::{ApiSettings, Limits, Policy};
use crate::http::{Cors, HttpSettings, RateKey, RateSettings, ServeSettings};

/// Bytes in a mebibyte, the unit of the response cache's setting.
const MIB: usize = 1024 * 1024;

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

    /// Production (no field suggestions in errors) or development (suggestions on).
    #[arg(long, env = "MALI_ADMIN_MODE", value_enum, default_value_t = Mode::Production)]
    pub mode: Mode,

    /// Answer introspection queries (GraphiQL needs them): `true` or `false`.
    #[arg(long, env = "MALI_ADMIN_INTROSPECTION", default_value_t = true, action = ArgAction::Set)]
    pub introspection: bool,

    /// Run the queries made only of the unit types' common fields on the fast path (a plan per
    /// document, JSON written directly): `true` or `false` (async-graphql's executor runs
    /// every query, to compare them).
    #[arg(long, env = "MALI_ADMIN_FAST_PATH", default_value_t = true, action = ArgAction::Set)]
    pub fast_path: bool,

    /// Serve GraphiQL at `/`: `true` or `false`.
    #[arg(long, env = "MALI_ADMIN_GRAPHIQL", default_value_t = true, action = ArgAction::Set)]
    pub graphiql: bool,

    /// Deepest field nesting a query may have.
    #[arg(long, env = "MALI_ADMIN_MAX_DEPTH", default_value_t = Limits::default().depth)]
    pub max_depth: usize,

    /// Highest cost a query may have; a list field counts its selection once per item it may
    /// return (its `first`/`last` argument, else `--list-factor`).
    #[arg(long, env = "MALI_ADMIN_MAX_COMPLEXITY", default_value_t = Limits::default().complexity)]
    pub max_complexity: u64,

    /// What a list field without a size argument multiplies its selection's cost by.
    #[arg(long, env = "MALI_ADMIN_LIST_FACTOR", default_value_t = Limits::default().list_factor)]
    pub list_factor: u64,

    /// Deepest nesting of selection sets and fragments.
    #[arg(long, env = "MALI_ADMIN_MAX_RECURSION", default_value_t = Limits::default().recursion)]
    pub max_recursion: usize,

    /// Most directives on one field.
    #[arg(long, env = "MALI_ADMIN_MAX_DIRECTIVES", default_value_t = Limits::default().directives)]
    pub max_directives: usize,

    /// Most aliases in one request (a batch's operations together).
    #[arg(long, env = "MALI_ADMIN_MAX_ALIASES", default_value_t = Limits::default().aliases)]
    pub max_aliases: usize,

    /// Most lexical tokens in one request's query texts (a batch's together), counted before
    /// parsing.
    #[arg(long, env = "MALI_ADMIN_MAX_TOKENS", default_value_t = Limits::default().tokens)]
    pub max_tokens: usize,

    /// Most nested introspection lists (`fields`, `interfaces`, `possibleTypes`,
    /// `inputFields`) under `__schema` or `__type`.
    #[arg(long, env = "MALI_ADMIN_MAX_INTROSPECTION_DEPTH", default_value_t = Limits::default().introspection_depth)]
    pub max_introspection_depth: usize,

    /// Largest request body, in bytes.
    #[arg(long, env = "MALI_ADMIN_MAX_BODY_BYTES", default_value_t = HttpSettings::default().max_body_bytes)]
    pub max_body_bytes: usize,

    /// Accept batches (a JSON array of requests in one POST), whose operations share one
    /// request's budget of tokens, aliases and complexity: `true` or `false`.
    #[arg(long, env = "MALI_ADMIN_BATCHING", default_value_t = HttpSettings::default().batching, action = ArgAction::Set)]
    pub batching: bool,

    /// Most operations in one batched (JSON array) request.
    #[arg(long, env = "MALI_ADMIN_MAX_BATCH", default_value_t = HttpSettings::default().max_batch)]
    pub max_batch: usize,

    /// Longest execution of one operation, in milliseconds (0: no limit).
    #[arg(long, env = "MALI_ADMIN_TIMEOUT_MS", default_value_t = 10_000)]
    pub timeout_ms: u64,

    /// Longest wait for a POST body, in milliseconds (0: no limit).
    #[arg(long, env = "MALI_ADMIN_BODY_TIMEOUT_MS", default_value_t = 10_000)]
    pub body_timeout_ms: u64,

    /// Longest wait for a request's headers, and for the next request on an idle keep-alive
    /// connection, in milliseconds (at least 1).
    #[arg(long, env = "MALI_ADMIN_HEADER_TIMEOUT_MS", default_value_t = ServeSettings::default().header_timeout.as_millis() as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_ms: u64,

    /// Most connections open at once; more wait in the listen queue.
    #[arg(long, env = "MALI_ADMIN_MAX_CONNECTIONS", default_value_t = ServeSettings::default().max_connections)]
    pub max_connections: usize,

    /// Most requests on one connection; the last is answered with `Connection: close`.
    #[arg(long, env = "MALI_ADMIN_KEEP_ALIVE_REQUESTS", default_value_t = ServeSettings::default().keep_alive_requests)]
    pub keep_alive_requests: usize,

    /// How long requests are still served once shutdown begins, `/readyz` answering 503, in
    /// milliseconds.
    #[arg(long, env = "MALI_ADMIN_DRAIN_MS", default_value_t = 0)]
    pub drain_ms: u64,

    /// Worker threads, each with its own runtime and listening socket (`SO_REUSEPORT`), a
    /// connection served by one thread from accept to close (default: one per CPU); 0: one
    /// runtime whose threads share all connections (tokio's work-stealing).
    #[arg(long, env = "MALI_ADMIN_WORKERS")]
    pub workers: Option<usize>,

    /// Parsed documents kept in memory, by query text, from the second time a text comes (0: none).
    #[arg(long, env = "MALI_ADMIN_DOCUMENT_CACHE", default_value_t = Limits::default().document_cache)]
    pub document_cache: usize,

    /// Automatic persisted queries kept, by hash (0: APQ off).
    #[arg(long, env = "MALI_ADMIN_PERSISTED_QUERIES", default_value_t = Policy::default().persisted_queries)]
    pub persisted_queries: usize,

    /// MiB of answers kept in memory for queries that come again, from their second time (0: the
    /// response cache is off).
    #[arg(long, env = "MALI_ADMIN_RESPONSE_CACHE", default_value_t = HttpSettings::default().response_cache_bytes / MIB)]
    pub response_cache: usize,

    /// `max-age` of the `Cache-Control` of GET answers, in seconds (never past midnight UTC,
    /// when answers for today change).
    #[arg(long, env = "MALI_ADMIN_CACHE_MAX_AGE", default_value_t = HttpSettings::default().cache_max_age)]
    pub cache_max_age: u64,

    /// Origins allowed by CORS, comma-separated, or `*` for any.
    #[arg(
        long,
        env = "MALI_ADMIN_CORS_ORIGINS",
        default_value = "*",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,

    /// A budget over time per client: the points (requested query cost) a client's bucket
    /// leaks each second; 0: no rate limit.
    #[arg(long, env = "MALI_ADMIN_RATE_LIMIT", default_value_t = 0.0)]
    pub rate_limit: f64,

    /// The points a client's bucket holds: the most it may spend at once.
    #[arg(long, env = "MALI_ADMIN_RATE_BURST", default_value_t = 20_000)]
    pub rate_burst: u64,

    /// Who a client is for the rate limit: `address` (the connection's peer) or the name of a
    /// request header (an API key, or `x-real-ip` behind a proxy that sets it).
    #[arg(long, env = "MALI_ADMIN_RATE_KEY", default_value = "address", value_parser = parse_rate_key)]
    pub rate_key: RateKey,

    /// Serve an Apollo Federation v2 subgraph: `@key(fields: "code")` on the units, and the
    /// `_service` and `_entities` root fields (`true` or `false`). `schema` then prints the
    /// subgraph's SDL.
    #[arg(long, env = "MALI_ADMIN_FEDERATION", default_value_t = false, action = ArgAction::Set, global = true)]
    pub federation: bool,

    /// Log format: `text` or `json`.
    #[arg(long, env = "MALI_ADMIN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// `address`, or a header's name.
fn parse_rate_key(text: &str) -> Result<RateKey, String> {
    if text.eq_ignore_ascii_case("address") {
        return Ok(RateKey::Address);
    }
    axum::http::HeaderName::try_from(text)
        .map(RateKey::Header)
        .map_err(|_| format!("`{text}` is neither `address` nor a header name"))
}

/// How strict the API is with its hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    Production,
    Development,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
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
    /// The schema's settings.
    pub fn api_settings(&self) -> ApiSettings {
        ApiSettings { today: self.today }
    }

    /// The schema's limits and switches.
    pub fn policy(&self) -> Policy {
        Policy {
            limits: Limits {
                depth: self.max_depth,
                complexity: self.max_complexity,
                list_factor: self.list_factor,
                recursion: self.max_recursion,
                directives: self.max_directives,
                aliases: self.max_aliases,
                tokens: self.max_tokens,
                introspection_depth: self.max_introspection_depth,
                document_cache: self.document_cache,
            },
            introspection: self.introspection,
            suggestions: self.mode == Mode::Development,
            persisted_queries: self.persisted_queries,
            federation: self.federation,
            fast_path: self.fast_path,
        }
    }

    /// The HTTP server's settings.
    pub fn http_settings(&self) -> HttpSettings {
        HttpSettings {
            graphiql: self.graphiql,
            max_body_bytes: self.max_body_bytes,
            batching: self.batching,
            max_batch: self.max_batch,
            timeout: (self.timeout_ms > 0).then(|| Duration::from_millis(self.timeout_ms)),
            body_timeout: (self.body_timeout_ms > 0)
                .then(|| Duration::from_millis(self.body_timeout_ms)),
            response_cache_bytes: self.response_cache.saturating_mul(MIB),
            cache_max_age: self.cache_max_age,
            rate_limit: (self.rate_limit > 0.0).then(|| RateSettings {
                points_per_second: self.rate_limit,
                burst: self.rate_burst,
                key: self.rate_key.clone(),
            }),
            cors: if self.cors_origins.iter().any(|origin| origin == "*") {
                Cors::Any
            } else {
                Cors::Origins(self.cors_origins.clone())
            },
            // The binary gives it its writer (`main.rs`).
            access_log: None,
        }
    }

    /// The socket server's settings.
    pub fn serve_settings(&self) -> ServeSettings {
        ServeSettings {
            header_timeout: Duration::from_millis(self.header_timeout_ms),
            max_connections: self.max_connections,
            keep_alive_requests: self.keep_alive_requests,
            drain: Duration::from_millis(self.drain_ms),
        }
    }

    /// How many per-core workers serve (0: the work-stealing runtime).
    pub fn workers(&self) -> usize {
        self.workers.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        })
    }

    pub fn data_source(&self) -> DataSource {
        match &self.data_dir {
            Some(dir) => DataSource::Directory(dir.clone()),
            None => DataSource::Embedded,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_and_switch_reaches_the_schema_and_the_server() {
        let config = Config::try_parse_from([
            "mali-admin",
            "--max-depth=3",
            "--max-complexity=50",
            "--list-factor=4",
            "--max-recursion=9",
            "--max-directives=1",
            "--max-aliases=2",
            "--max-tokens=70",
            "--max-introspection-depth=1",
            "--document-cache=0",
            "--persisted-queries=0",
            "--introspection=false",
            "--mode=development",
            "--graphiql=false",
            "--max-body-bytes=100",
            "--max-batch=2",
            "--batching=true",
            "--rate-limit=50",
            "--rate-burst=500",
            "--rate-key=X-Api-Key",
            "--timeout-ms=0",
            "--response-cache=0",
            "--cache-max-age=60",
            "--cors-origins=https://a.example,https://b.example",
            "--federation=true",
        ])
        .unwrap();
        let policy = config.policy();
        assert_eq!(
            policy.limits,
            Limits {
                depth: 3,
                complexity: 50,
                list_factor: 4,
                recursion: 9,
                directives: 1,
                aliases: 2,
                tokens: 70,
                introspection_depth: 1,
                document_cache: 0,
            }
        );
        assert!(!policy.introspection && policy.suggestions);
        assert_eq!(policy.persisted_queries, 0);
        assert!(policy.federation);
        let http = config.http_settings();
        assert!(!http.graphiql);
        assert_eq!((http.max_body_bytes, http.max_batch), (100, 2));
        assert!(http.batching);
        assert_eq!(
            http.rate_limit,
            Some(RateSettings {
                points_per_second: 50.0,
                burst: 500,
                key: RateKey::Header(axum::http::HeaderName::from_static("x-api-key")),
            })
        );
        assert_eq!(http.timeout, None);
        assert_eq!((http.response_cache_bytes, http.cache_max_age), (0, 60));
        assert_eq!(
            http.cors,
            Cors::Origins(vec!["https://a.example".into(), "https://b.example".into()])
        );
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let config = Config::try_parse_from(["mali-admin"]).unwrap();
        assert_eq!(config.policy().limits, Limits::default());
        assert!(config.policy().introspection && !config.policy().suggestions);
        assert!(!config.policy().federation);
        let http = config.http_settings();
        assert!(http.graphiql && !http.batching && http.rate_limit.is_none());
        assert_eq!(http.timeout, Some(Duration::from_secs(10)));
        assert_eq!(http.cors, Cors::Any);
        assert_eq!(
            (
                http.max_body_bytes,
                http.max_batch,
                http.response_cache_bytes
            ),
            (131_072, 10, 8 * 1024 * 1024)
        );
    }
}
