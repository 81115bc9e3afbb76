//! The HTTP server: GraphQL over `POST` and `GET /graphql`, GraphiQL at `/`, `GET /healthz`.

use std::future::Future;
use std::io;
use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::graphql::Api;

/// The GraphQL endpoint's path.
pub const GRAPHQL_PATH: &str = "/graphql";

/// The application's routes over `api`.
pub fn router(api: Arc<Api>) -> Router {
    Router::new()
        .route("/", get(graphiql))
        .route(GRAPHQL_PATH, get(graphql).post(graphql))
        .route("/healthz", get(healthz))
        .layer(TraceLayer::new_for_http())
        .with_state(api)
}

/// One GraphQL request, from a `GET` query string or a `POST` body.
async fn graphql(State(api): State<Arc<Api>>, request: GraphQLRequest) -> GraphQLResponse {
    api.execute(request.into_inner()).await.into()
}

async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint(GRAPHQL_PATH)
            .title("mali-admin")
            .finish(),
    )
}

/// Alive: the process answers (the data is loaded before the server listens).
async fn healthz() -> &'static str {
    "ok"
}

/// Serves `router` on an already-bound `listener` until `shutdown` completes, then lets the
/// requests under way finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
