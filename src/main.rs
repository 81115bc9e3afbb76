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
        let started = Instant::now();
        let geometry = graph
            .check_geometry()
            .context("the geometry does not pass its checks")?;
        println!(
            "data OK: {} units, version {}",
            graph.units().len(),
            graph.version()
        );
        println!(
            "geometry OK in {} ms: {} communes with a shape, without: {}; {} places, {} in \
             another commune's shape (listed); communes' union vs COD-AB's country: {:+.2}%; \
             rings COD-AB gives that are not valid OGC polygons (kept): {}",
            started.elapsed().as_millis(),
            geometry.communes_with_shape,
            geometry.communes_without_shape.join(", "),
            geometry.places,
            geometry.places_listed_elsewhere,
            geometry.country_area_difference_percent,
            if geometry.invalid_shapes.is_empty() {
                "none".to_owned()
            } else {
                geometry.invalid_shapes.join(", ")
            }
        );
        return Ok(());
    }

    let warm = graph.clone();
    let api = build_api_with(graph, &config.api_settings(), &config.policy());
    let router = http::router_with(
        Arc::new(api),
        http::HttpSettings {
            access_log: Some(access_log),
            ..config.http_settings()
        },
    );
    let workers = config.workers();
    let listening = move |address: std::net::SocketAddr| {
        tracing::info!(
            workers,
            "listening: GraphiQL at http://{address}/, GraphQL at http://{address}{}",
            http::GRAPHQL_PATH
        );
        // The geometry is parsed, and the unions of every unit on one day of each map made, on
        // a thread of its own once the server listens: start-up does not wait for it, and a
        // first geometry question that comes before it is done makes what it needs itself.
        std::thread::spawn(move || {
            let started = Instant::now();
            let units = warm.warm_geometry();
            tracing::info!(
                units,
                millis = started.elapsed().as_millis() as u64,
                "geometry ready"
            );
        });
    };
    let address = std::net::SocketAddr::new(config.listen, config.port);
    if workers > 0 {
        let settings = config.serve_settings();
        tokio::task::block_in_place(move || {
            http::serve_per_core(
                address,
                workers,
                router,
                settings,
                http::shutdown_signal(),
                listening,
            )
        })
        .with_context(|| format!("cannot serve on {address}"))?;
        return Ok(());
    }
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))?;
    let shutdown = http::armed_signal(http::shutdown_signal()).await;
    listening(listener.local_addr()?);
    http::serve_with(listener, router, config.serve_settings(), shutdown).await?;
    Ok(())
}
