//! Search results in the schema: units and groups.

use async_graphql::{Context, Enum, Object};

use chrono::NaiveDate;

use super::context::graph;
use super::types::{AdminUnit, Group, PlaceView, UnitAt};
use crate::dataset::Level;
use crate::model::{Found, SearchHit};

/// How a search hit matched, best first.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::model::MatchKind")]
pub enum MatchKind {
    /// The whole name (or alias) is the text, case, accents and punctuation ignored.
    Exact,
    /// The name starts with the text.
    Prefix,
    /// A later word of the name starts with the text.
    Word,
    /// The name is within a small edit distance of the text.
    Fuzzy,
}

/// One search result: a unit or a group, with why it matched and, for a unit, where it lies.
pub struct SearchResult {
    pub hit: SearchHit,
    /// The date the hit's fields answer for.
    pub as_of: NaiveDate,
}

impl SearchResult {
    fn unit_at(&self) -> Option<UnitAt> {
        match self.hit.found {
            Found::Unit(id) => Some(UnitAt {
                id,
                as_of: self.as_of,
            }),
            Found::Group(_) | Found::Place(_) => None,
        }
    }
}

#[Object]
impl SearchResult {
    /// The unit found (null when the hit is a group).
    async fn unit(&self, ctx: &Context<'_>) -> Option<AdminUnit> {
        self.unit_at().map(|at| AdminUnit::new(graph(ctx), at))
    }

    /// The group found (null when the hit is a unit).
    async fn group(&self) -> Option<Group> {
        match self.hit.found {
            Found::Group(id) => Some(Group {
                id,
                as_of: self.as_of,
            }),
            Found::Unit(_) | Found::Place(_) => None,
        }
    }

    /// The populated place found (null unless the hit is a place; places are searched when
    /// `search(places: true)` asks).
    async fn place(&self) -> Option<PlaceView> {
        match self.hit.found {
            Found::Place(index) => Some(PlaceView {
                index,
                as_of: self.as_of,
            }),
            Found::Unit(_) | Found::Group(_) => None,
        }
    }

    /// How it matched.
    async fn match_kind(&self) -> MatchKind {
        self.hit.kind.into()
    }

    /// The name or alias that matched, as the data writes it.
    async fn matched_name(&self) -> &str {
        &self.hit.matched
    }

    /// The matched text is another name of the unit (an alias), not its name.
    async fn matched_alias(&self) -> bool {
        self.hit.alias
    }

    /// The edit distance of a fuzzy match; 0 for other matches.
    async fn distance(&self) -> i32 {
        i32::try_from(self.hit.distance).unwrap_or(i32::MAX)
    }

    /// The units above the hit, nearest first (a commune's cercle, then its region), on the
    /// search date; where the unit is not in force then, on its last day in force. Tells
    /// homonyms apart.
    async fn path(&self, ctx: &Context<'_>) -> Vec<AdminUnit> {
        let graph = graph(ctx);
        let at = match (self.unit_at(), self.hit.found) {
            (Some(at), _) => at,
            // A place's path starts with its commune.
            (None, Found::Place(index)) => {
                let Ok(atlas) = graph.atlas() else {
                    return Vec::new();
                };
                let commune = atlas.place(index).commune;
                let mut path = vec![AdminUnit::new(
                    graph,
                    UnitAt {
                        id: commune,
                        as_of: self.as_of,
                    },
                )];
                let mut current = graph.parent(commune, self.as_of);
                while let Some(id) = current {
                    if graph.unit(id).level == Level::Country {
                        break;
                    }
                    path.push(AdminUnit::new(
                        graph,
                        UnitAt {
                            id,
                            as_of: self.as_of,
                        },
                    ));
                    current = graph.parent(id, self.as_of);
                }
                return path;
            }
            (None, _) => return Vec::new(),
        };
        let date = graph.last_day_in_force(at.id, at.as_of);
        let mut path = Vec::new();
        let mut current = graph.parent(at.id, date);
        while let Some(id) = current {
            if graph.unit(id).level == Level::Country {
                break;
            }
            path.push(AdminUnit::new(graph, UnitAt { id, as_of: date }));
            current = graph.parent(id, date);
        }
        path
    }

    /// The hit and its path as one line: "Diédougou (commune), Kati cercle, Koulikoro region";
    /// "Dogon (people)" for a group.
    async fn label(&self, ctx: &Context<'_>) -> String {
        let graph = graph(ctx);
        let Some(at) = self.unit_at() else {
            return match self.hit.found {
                Found::Group(id) => format!("{} (people)", graph.group(id).name),
                Found::Place(index) => graph.atlas().map_or_else(
                    |_| String::new(),
                    |atlas| {
                        let place = atlas.place(index);
                        let commune = graph.unit(place.commune);
                        let kind = match place.kind {
                            crate::dataset::PlaceKind::Village => "place",
                            _ => "seat",
                        };
                        let rest = graph.describe_location(place.commune, self.as_of);
                        format!("{} ({kind}), {} commune, {rest}", place.name, commune.name)
                    },
                ),
                Found::Unit(_) => String::new(),
            };
        };
        let unit = graph.unit(at.id);
        let location = graph.describe_location(at.id, at.as_of);
        if location.is_empty() {
            format!("{} ({})", unit.name, unit.level.name())
        } else {
            format!("{} ({}), {location}", unit.name, unit.level.name())
        }
    }
}
