//! What every resolver reads from the request's context: the model, today's date and the
//! request's loaders.

use std::sync::Arc;

use async_graphql::Context;
use chrono::NaiveDate;

use super::loaders::Loaders;
use crate::model::AdminGraph;

/// The model the schema answers from.
pub(crate) fn graph<'a>(ctx: &Context<'a>) -> &'a AdminGraph {
    ctx.data_unchecked::<Arc<AdminGraph>>()
}

/// The request's loaders (one set per request: their batches are the request's levels).
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

/// What "today" is for this schema: the real date, or a fixed one (for tests and replays).
#[derive(Debug, Clone, Copy, Default)]
pub struct Today(pub Option<NaiveDate>);

impl Today {
    pub fn date(self) -> NaiveDate {
        // Mali keeps UTC all year, so UTC's date is Mali's date.
        self.0.unwrap_or_else(|| chrono::Utc::now().date_naive())
    }
}
