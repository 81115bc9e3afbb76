//! Peoples, languages and religions in the schema (seed 002), linked to the units they live in.

use async_graphql::{Context, Enum, ID, Object};
use chrono::NaiveDate;

use super::context::{Today, graph};
use super::date::Date;
use super::types::{AdminUnit, Group, Language, Religion, UnitAt};
use crate::dataset::GroupShareRecord;
use crate::model::{AdminGraph, GroupPlace};

/// How a group is tied to a place.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::dataset::PlaceRelation")]
pub enum PlaceRelation {
    /// Where the group lives.
    Homeland,
    /// Where some of the group have migrated to.
    Migration,
}

impl Group {
    /// The group's own share in the seed's list of groups.
    fn own_percent(&self, graph: &AdminGraph) -> Option<f64> {
        let key = &graph.group(self.id).key;
        graph
            .group_shares(self.id)
            .into_iter()
            .find(|s| s.groups.len() == 1 && &s.groups[0] == key)
            .and_then(|s| s.percent)
    }
}

#[Object]
impl Group {
    /// An opaque global ID (Relay) of the group seen on this object's date (its places
    /// depend on it): `node(id:)` fetches this object again. The date-free key is `key`.
    pub(super) async fn id(&self, ctx: &Context<'_>) -> ID {
        super::node::group_id(&graph(ctx).group(self.id).key, self.as_of)
    }

    /// The date this object answers for: its places are those of this date.
    async fn as_of(&self) -> Date {
        Date(self.as_of)
    }

    /// A stable key ("peuhl").
    async fn key<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx str {
        &graph(ctx).group(self.id).key
    }

    /// The group's name.
    async fn name<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx str {
        &graph(ctx).group(self.id).name
    }

    /// Other names (Peuhl: Fula, Fulani; Soninké: Saracolé; Senoufo: Siena; Bobo: Bwa).
    async fn aliases<'ctx>(&self, ctx: &Context<'ctx>) -> &'ctx [String] {
        &graph(ctx).group(self.id).aliases
    }

    /// The group's share of the population in per cent, as the seed's list of groups gives it;
    /// null where the seed gives none. Other figures the seed gives are in `shares`.
    async fn percent(&self, ctx: &Context<'_>) -> Option<f64> {
        self.own_percent(graph(ctx))
    }

    /// The group's share of the population in per cent (the same as `percent`).
    #[graphql(deprecation = "Use `percent`: every percentage is named `percent`.")]
    async fn share(&self, ctx: &Context<'_>) -> Option<f64> {
        self.own_percent(graph(ctx))
    }

    /// Every share the seed gives for the group, alone or together with others, with the
    /// seed's wording (the Peuhl: 14.7 per cent in the list, 15 per cent in the text).
    async fn shares(&self, ctx: &Context<'_>) -> Vec<GroupShare> {
        graph(ctx)
            .group_shares(self.id)
            .into_iter()
            .map(|record| GroupShare {
                record: record.clone(),
                as_of: self.as_of,
            })
            .collect()
    }

    /// The group this one is a sub-group of (Minianka: Senoufo; Bambara: Manding).
    async fn parent(&self, ctx: &Context<'_>) -> Option<Group> {
        let graph = graph(ctx);
        let parent = graph.group(self.id).parent.as_deref()?;
        graph.group_by_key(parent).map(|id| Group {
            id,
            as_of: self.as_of,
        })
    }

    /// The group's sub-groups.
    async fn subgroups(&self, ctx: &Context<'_>) -> Vec<Group> {
        graph(ctx)
            .subgroups(self.id)
            .into_iter()
            .map(|id| Group {
                id,
                as_of: self.as_of,
            })
            .collect()
    }

    /// The languages the seed says the group speaks.
    async fn languages(&self, ctx: &Context<'_>) -> Vec<Language> {
        let graph = graph(ctx);
        let keys = &graph.group(self.id).languages;
        graph
            .languages()
            .iter()
            .filter(|l| keys.contains(&l.key))
            .map(|l| Language { record: l.clone() })
            .collect()
    }

    /// Where the group lives, in words, as far as the seed says.
    async fn area<'ctx>(&self, ctx: &Context<'ctx>) -> Option<&'ctx str> {
        graph(ctx).group(self.id).area.as_deref()
    }

    /// What else the seed says of the group, briefly.
    async fn note<'ctx>(&self, ctx: &Context<'ctx>) -> Option<&'ctx str> {
        graph(ctx).group(self.id).note.as_deref()
    }

    /// The units the seed ties the group to (homelands and migrations), seen on this object's
    /// date; `placeLinks` gives the seed's words for each.
    async fn places(&self, ctx: &Context<'_>) -> Vec<AdminUnit> {
        let graph = graph(ctx);
        graph
            .group_places(self.id)
            .into_iter()
            .map(|place| {
                AdminUnit::new(
                    graph,
                    UnitAt {
                        id: place.unit,
                        as_of: self.as_of,
                    },
                )
            })
            .collect()
    }

    /// The group's places, each with how it is tied and the seed's words as evidence.
    async fn place_links(&self, ctx: &Context<'_>) -> Vec<GroupPlaceLink> {
        graph(ctx)
            .group_places(self.id)
            .into_iter()
            .map(|place| GroupPlaceLink {
                place: place.clone(),
                as_of: self.as_of,
            })
            .collect()
    }
}

/// A place a group is tied to.
pub struct GroupPlaceLink {
    place: GroupPlace,
    as_of: NaiveDate,
}

#[Object(name = "GroupPlace")]
impl GroupPlaceLink {
    /// The unit.
    async fn unit(&self, ctx: &Context<'_>) -> AdminUnit {
        AdminUnit::new(
            graph(ctx),
            UnitAt {
                id: self.place.unit,
                as_of: self.as_of,
            },
        )
    }

    /// Homeland or migration.
    async fn relation(&self) -> PlaceRelation {
        self.place.relation.into()
    }

    /// The seed's words that tie the group to the unit.
    async fn wording(&self) -> &str {
        &self.place.wording
    }
}

/// A share of the population the seed gives.
pub struct GroupShare {
    record: GroupShareRecord,
    as_of: NaiveDate,
}

#[Object]
impl GroupShare {
    /// Per cent of the population; null where the seed gives words only ("close to half").
    async fn percent(&self) -> Option<f64> {
        self.record.percent
    }

    /// The seed's words.
    async fn wording(&self) -> &str {
        &self.record.wording
    }

    /// The groups the figure counts (the Tuareg and the Maure together: 10 per cent).
    async fn groups(&self, ctx: &Context<'_>) -> Vec<Group> {
        let graph = graph(ctx);
        self.record
            .groups
            .iter()
            .filter_map(|key| graph.group_by_key(key))
            .map(|id| Group {
                id,
                as_of: self.as_of,
            })
            .collect()
    }
}

impl Language {
    /// Every language of the data, in its order.
    pub fn all(graph: &AdminGraph) -> Vec<Language> {
        graph
            .languages()
            .iter()
            .map(|l| Language { record: l.clone() })
            .collect()
    }
}

#[Object]
impl Language {
    /// An opaque global ID (Relay): `node(id:)` fetches the language again.
    pub(super) async fn id(&self) -> ID {
        super::node::language_id(&self.record.key)
    }

    /// A stable key ("bambara").
    async fn key(&self) -> &str {
        &self.record.key
    }

    /// The language's name.
    async fn name(&self) -> &str {
        &self.record.name
    }

    /// Other names.
    async fn aliases(&self) -> &[String] {
        &self.record.aliases
    }

    /// The official language (French).
    async fn official(&self) -> bool {
        self.record.official
    }

    /// One of the seed's main languages.
    async fn main(&self) -> bool {
        self.record.main
    }

    /// Per cent of Malians who speak it, where the seed says (Bambara: about 80, as a lingua
    /// franca).
    async fn percent(&self) -> Option<f64> {
        self.record.speakers_percent
    }

    /// Per cent of Malians who speak it (the same as `percent`).
    #[graphql(deprecation = "Use `percent`: every percentage is named `percent`.")]
    async fn speakers_percent(&self) -> Option<f64> {
        self.record.speakers_percent
    }

    /// The seed's words.
    async fn wording(&self) -> &str {
        &self.record.wording
    }

    /// What else the seed says of the language.
    async fn note(&self) -> Option<&str> {
        self.record.note.as_deref()
    }

    /// The groups the seed says speak it.
    async fn groups(&self, ctx: &Context<'_>) -> Vec<Group> {
        let graph = graph(ctx);
        let today = ctx.data_unchecked::<Today>().date();
        graph
            .groups()
            .into_iter()
            .filter(|g| graph.group(*g).languages.contains(&self.record.key))
            .map(|id| Group { id, as_of: today })
            .collect()
    }
}

impl Religion {
    /// Every religion of the data, in its order.
    pub fn all(graph: &AdminGraph) -> Vec<Religion> {
        graph
            .religions()
            .iter()
            .map(|r| Religion { record: r.clone() })
            .collect()
    }
}

#[Object]
impl Religion {
    /// An opaque global ID (Relay): `node(id:)` fetches the religion again.
    pub(super) async fn id(&self) -> ID {
        super::node::religion_id(&self.record.key)
    }

    /// A stable key ("islam").
    async fn key(&self) -> &str {
        &self.record.key
    }

    /// The religion's name.
    async fn name(&self) -> &str {
        &self.record.name
    }

    /// Other names.
    async fn aliases(&self) -> &[String] {
        &self.record.aliases
    }

    /// Per cent of the population.
    async fn percent(&self) -> Option<f64> {
        self.record.percent
    }

    /// The seed's words.
    async fn wording(&self) -> &str {
        &self.record.wording
    }
}
