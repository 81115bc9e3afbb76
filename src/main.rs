//! The `mali-admin` binary: settings → data → model → schema → HTTP server.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use mali_admin::config::{Command, Config, LogFormat};
use mali_admin::dataset::load_dataset;
use mali_admin::graphql::{build_api_with, federated_schema_sdl, schema_sdl};
use mali_admin::http;
use mali_admin::model::AdminGraph;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Log lines are written by a thread of their own, not by the request's: a request log line
    // per answer would otherwise put a write to stderr on every request's path. Not lossy: when
    // its buffer is full, logging waits rather than dropping lines. Flushed when `_log` drops.
    let (writer, _log) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(std::io::stderr());
    // The access log writes its lines itself into the same writer (see `http::AccessLog`).
    let access_log = http::AccessLog::new(writer.clone(), config.log_format == LogFormat::Json);
    match config.log_format {
        LogFormat::Text => tracing_subscriber::fmt()
            .with_writer(writer)
            .with_env_filter(filter)
            .init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_writer(writer)
            .with_env_filter(filter)
            .init(),
    }
    if config.command == Some(Command::Schema) {
        let sdl = if config.federation {
            federated_schema_sdl()
        } else {
            schema_sdl()
        };
        print!("{sdl}");
        return Ok(());
    }

    let started = Instant::now();
    let source = config.data_source();
    let dataset = load_dataset(&source).context("the data could not be loaded")?;
    let graph = Arc::new(AdminGraph::build(dataset));
    tracing::info!(
        units = graph.units().len(),
        version = graph.version(),
        micros = started.elapsed().as_micros() as u64,
        ?source,
        "data loaded and checked"
    );
    if config.command == Some(Command::Check) {
        println!(
            "data OK: {} units, version {}",
            graph.units().len(),
            graph.version()
        );
        return Ok(());
    }

    let api = build_api_with(graph, &config.api_settings(), &config.policy());
    let listener = TcpListener::bind((config.listen, config.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", config.listen, config.port))?;
    let address = listener.local_addr()?;
    tracing::info!(
        "listening: GraphiQL at http://{address}/, GraphQL at http://{address}{}",
        http::GRAPHQL_PATH
    );
    http::serve_with(
        listener,
        http::router_with(
            Arc::new(api),
            http::HttpSettings {
                access_log: Some(access_log),
                ..config.http_settings()
            },
        ),
        config.serve_settings(),
        http::shutdown_signal(),
    )
    .await?;
    Ok(())
}
