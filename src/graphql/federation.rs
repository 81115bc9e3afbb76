//! Apollo Federation v2: the entity resolvers that make the unit types entities of a
//! supergraph, keyed by their stable `code` (`@key(fields: "code")`).
//!
//! They live on their own object, merged into the root only when federation is switched on
//! ([`FederatedQuery`]): async-graphql turns federation on for any schema whose query type has
//! an entity resolver, and the default schema must stay the plain one of `schema.graphql`.

use async_graphql::{Context, MergedObject, Object, Result};

use super::query::{QueryRoot, find_one};
use super::units::{Cercle, Commune, Country, Region};
use crate::dataset::Level;

// Named `Query`, as subgraphs' roots usually are: async-graphql cannot give a merged object the
// name of one of its parts.
/// The root of every query.
#[derive(MergedObject)]
#[graphql(name = "Query")]
pub struct FederatedQuery(pub QueryRoot, pub EntityResolvers);

/// Resolves the representations a router sends to `_entities`. A code is looked up as the root
/// lookups look it up (any code system, current or ended units), and the entity is seen today,
/// as a root lookup without `asOf` is; an unknown code is a `NOT_FOUND` error.
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
