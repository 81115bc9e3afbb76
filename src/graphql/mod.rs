//! The GraphQL API over the model: schema types, batched loaders, dates and coded errors.

mod date;
mod error;
mod loaders;
mod query;
mod units;

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    EmptyMutation, EmptySubscription, ErrorExtensionValues, Schema, ServerError, ServerResult,
    ValidationResult, Variables,
};
use chrono::NaiveDate;

pub use date::Date;
pub use error::ApiError;
pub use loaders::{BatchCounter, LoaderStats};
pub use query::{QueryRoot, Today};

use crate::model::AdminGraph;

pub type AppSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Settings of the schema.
#[derive(Debug, Clone, Default)]
pub struct ApiSettings {
    /// Fix "today" (the default `asOf`) instead of reading the clock.
    pub today: Option<NaiveDate>,
}

/// The schema, and the batch counts of its loaders.
pub struct Api {
    pub schema: AppSchema,
    pub loader_stats: Arc<LoaderStats>,
}

/// Builds the schema over `graph`.
pub fn build_api(graph: Arc<AdminGraph>, settings: &ApiSettings) -> Api {
    let loader_stats = Arc::new(LoaderStats::default());
    let loaders = loaders::Loaders::new(graph.clone(), loader_stats.clone());
    let schema = schema_builder()
        .data(graph)
        .data(loaders)
        .data(Today(settings.today))
        .finish();
    Api {
        schema,
        loader_stats,
    }
}

fn schema_builder() -> async_graphql::SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    Schema::build(QueryRoot, EmptyMutation, EmptySubscription).extension(ErrorCodes)
}

/// The schema's SDL, as served (checked into `schema.graphql`).
pub fn schema_sdl() -> String {
    schema_builder().finish().sdl()
}

/// Gives the errors async-graphql raises before execution an `extensions.code`, as resolver
/// errors have: `GRAPHQL_PARSE_FAILED` and `GRAPHQL_VALIDATION_FAILED` (Apollo's names).
struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

fn with_code(mut error: ServerError, code: &str) -> ServerError {
    let extensions = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables)
            .await
            .map_err(|e| with_code(e, "GRAPHQL_PARSE_FAILED"))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|e| with_code(e, "GRAPHQL_VALIDATION_FAILED"))
                .collect()
        })
    }
}
