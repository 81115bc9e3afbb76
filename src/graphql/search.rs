//! Search results in the schema.

use async_graphql::{Context, Enum, Object};

use super::units::{AdminUnit, UnitAt, graph};
use crate::dataset::Level;
use crate::model::SearchHit;

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

/// One search result: a unit (or, later, a group), with why it matched and where it lies.
pub struct SearchResult {
    pub hit: SearchHit,
    pub at: UnitAt,
}

#[Object]
impl SearchResult {
    /// The unit found.
    async fn unit(&self, ctx: &Context<'_>) -> AdminUnit {
        AdminUnit::new(graph(ctx), self.at)
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
        let date = graph.last_day_in_force(self.at.id, self.at.as_of);
        let mut path = Vec::new();
        let mut current = graph.parent(self.at.id, date);
        while let Some(id) = current {
            if graph.unit(id).level == Level::Country {
                break;
            }
            path.push(AdminUnit::new(graph, UnitAt { id, as_of: date }));
            current = graph.parent(id, date);
        }
        path
    }

    /// The hit and its path as one line: "Diédougou, Kati cercle, Koulikoro region".
    async fn label(&self, ctx: &Context<'_>) -> String {
        let graph = graph(ctx);
        let unit = graph.unit(self.at.id);
        let location = graph.describe_location(self.at.id, self.at.as_of);
        if location.is_empty() {
            format!("{} ({})", unit.name, unit.level.name())
        } else {
            format!("{} ({}), {location}", unit.name, unit.level.name())
        }
    }
}
