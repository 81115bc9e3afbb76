//! Apollo Federation v2: the entity resolvers that make the unit types entities of a
//! supergraph, keyed by their stable `code` (`@key(fields: "code")`).
//!
//! They live on their own object, merged into the root only when federation is switched on
//! ([`FederatedQuery`]): async-graphql turns federation on for any schema whose query type has
//! an entity resolver, and the default schema must stay the plain one of `schema.graphql`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{ContainerType, resolve_container};
use async_graphql::{
    Context, ContextSelectionSet, MergedObject, Object, ObjectType, OutputType, PathSegment,
    Positioned, Result, ServerResult, Value,
};

use super::query::{QueryRoot, find_one};
use crate::dataset::Level;
use crate::schema::{Cercle, Commune, Country, Region};

// Named `Query`, as subgraphs' roots usually are: async-graphql cannot give a merged object the
// name of one of its parts.
/// The root of every query.
#[derive(MergedObject)]
#[graphql(name = "Query")]
pub struct FederatedQuery(pub QueryRoot, pub EntityResolvers);

/// The federated root: [`FederatedQuery`], but an `_entities` representation whose code is
/// unknown becomes `null` with its own error at `["_entities", i]`, the others resolved.
/// async-graphql joins the representations with `try_join_all`, so one unknown code would
/// otherwise fail the whole field and, `[_Entity]!` being non-null, the whole answer.
pub struct FederatedRoot(pub FederatedQuery);

/// The indices of `_entities` representations already given an error in this request, so that
/// a representation listed twice gets an error at each of its places, once.
#[derive(Default)]
pub(crate) struct EntityErrors(Mutex<HashSet<usize>>);

impl OutputType for FederatedRoot {
    fn type_name() -> Cow<'static, str> {
        FederatedQuery::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        FederatedQuery::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl ContainerType for FederatedRoot {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        self.0.resolve_field(ctx).await
    }

    async fn find_entity(&self, ctx: &Context<'_>, params: &Value) -> ServerResult<Option<Value>> {
        match self.0.find_entity(ctx, params).await {
            // Our resolvers' errors have a code (NOT_FOUND); anything else (a representation
            // without its key, an unknown type) is a router's mistake and fails the field.
            Err(error)
                if error
                    .extensions
                    .as_ref()
                    .is_some_and(|e| e.get("code").is_some()) =>
            {
                let mut error = error;
                let key = ctx.item.node.response_key().node.to_string();
                let index = representation_index(ctx, params);
                error.path = vec![PathSegment::Field(key), PathSegment::Index(index)];
                ctx.add_error(error);
                Ok(Some(Value::Null))
            }
            other => other,
        }
    }
}

impl ObjectType for FederatedRoot {}

/// The place of `params` in the `_entities` field's representations: the first equal one not
/// already given an error.
fn representation_index(ctx: &Context<'_>, params: &Value) -> usize {
    let Ok((_, representations)) =
        ctx.param_value::<Vec<async_graphql::Any>>("representations", None)
    else {
        return 0;
    };
    let mut places = representations
        .iter()
        .enumerate()
        .filter(|(_, representation)| representation.0 == *params)
        .map(|(index, _)| index);
    let first = places.clone().next().unwrap_or(0);
    match ctx.data_opt::<EntityErrors>() {
        Some(EntityErrors(taken)) => {
            let mut taken = taken.lock().unwrap_or_else(PoisonError::into_inner);
            let index = places.find(|index| !taken.contains(index)).unwrap_or(first);
            taken.insert(index);
            index
        }
        None => first,
    }
}

/// Resolves the representations a router sends to `_entities`. A code is looked up as the root
/// lookups look it up (any code system, current or ended units), and the entity is seen today,
/// as a root lookup without `asOf` is; an unknown code is a `NOT_FOUND` error (at its place in
/// the list, see [`FederatedRoot`]).
pub struct EntityResolvers;

#[Object]
impl EntityResolvers {
    #[graphql(entity)]
    async fn country_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Country> {
        find_one(ctx, Level::Country, None, Some(&code), None, None).map(Country::from)
    }

    #[graphql(entity)]
    async fn region_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Region> {
        find_one(ctx, Level::Region, None, Some(&code), None, None).map(Region::from)
    }

    #[graphql(entity)]
    async fn cercle_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Cercle> {
        find_one(ctx, Level::Cercle, None, Some(&code), None, None).map(Cercle::from)
    }

    #[graphql(entity)]
    async fn commune_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Commune> {
        find_one(ctx, Level::Commune, None, Some(&code), None, None).map(Commune::from)
    }
}
