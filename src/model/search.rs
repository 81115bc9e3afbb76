//! Finding units by what people type: case, accents, apostrophes, hyphens and spaces are folded
//! away, and hits are ranked exact > prefix > word > fuzzy (a small edit distance), then by
//! level (regions, the district, cercles, communes) and name. Every name and alias a unit ever
//! had is searched, whatever the date.

use chrono::NaiveDate;

use super::name::{NameKey, fold_name, name_keys_of};
use super::people::GroupId;
use super::{AdminGraph, UnitId};
use crate::dataset::{Level, RegionKind, UnitRecord};

/// How a hit matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    /// The whole name, folded, is the text.
    Exact,
    /// The name starts with the text.
    Prefix,
    /// A later word of the name starts with the text ("rharous" in Gourma-Rharous).
    Word,
    /// The name is within a small edit distance of the text (a typo, a spelling variant).
    Fuzzy,
}

/// What a search hit found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Unit(UnitId),
    Group(GroupId),
    /// A populated place, by its index in the atlas ([`AdminGraph::search_places`]).
    Place(usize),
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub found: Found,
    pub kind: MatchKind,
    /// The name or alias that matched, as the data writes it.
    pub matched: String,
    /// The matched text is an alias, not the unit's name.
    pub alias: bool,
    /// The edit distance of a fuzzy match (0 otherwise).
    pub distance: usize,
}

pub(super) fn name_keys(unit: &UnitRecord) -> Vec<NameKey> {
    name_keys_of(&unit.name, &unit.aliases)
}

/// The largest edit distance a fuzzy match may have for a text of `len` characters: none for
/// short texts, where a typo makes another word.
fn fuzzy_budget(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

/// How `key` matches the folded text (`words`, `compact`), if it does.
fn match_key(key: &NameKey, words: &str, compact: &str) -> Option<(MatchKind, usize)> {
    if key.compact == compact {
        return Some((MatchKind::Exact, 0));
    }
    if key.compact.starts_with(compact) {
        return Some((MatchKind::Prefix, 0));
    }
    if key
        .words
        .match_indices(' ')
        .any(|(i, _)| key.words[i + 1..].starts_with(words))
    {
        return Some((MatchKind::Word, 0));
    }
    let budget = fuzzy_budget(compact.chars().count());
    if budget > 0 {
        let distance = strsim::damerau_levenshtein(&key.compact, compact);
        if distance <= budget {
            return Some((MatchKind::Fuzzy, distance));
        }
    }
    None
}

/// Sort position of a level in ranked results: regions, then the district, cercles, communes.
fn level_order(unit: &UnitRecord) -> u8 {
    match (unit.level, unit.region_kind) {
        (Level::Country, _) => 0,
        (Level::Region, Some(RegionKind::District)) => 2,
        (Level::Region, _) => 1,
        (Level::Cercle, _) => 3,
        (Level::Commune, _) => 4,
    }
}

impl AdminGraph {
    /// Units (and, when `levels` is empty, groups) whose name or alias matches `text`, best
    /// first; only units of `levels` and, with `date`, only units in force on that date.
    /// Groups come after communes among equal matches.
    pub fn search(
        &self,
        text: &str,
        levels: &[Level],
        date: Option<NaiveDate>,
        limit: usize,
    ) -> Vec<SearchHit> {
        let words = fold_name(text);
        let compact = words.replace(' ', "");
        if compact.is_empty() {
            return Vec::new();
        }
        let best = |keys: &[NameKey], found: Found| {
            keys.iter()
                .filter_map(|key| {
                    let (kind, distance) = match_key(key, &words, &compact)?;
                    Some(SearchHit {
                        found,
                        kind,
                        matched: key.text.clone(),
                        alias: key.alias,
                        distance,
                    })
                })
                .min_by_key(|hit| (hit.kind, hit.distance, hit.alias))
        };
        let mut hits: Vec<SearchHit> = self
            .graph
            .node_indices()
            .map(UnitId)
            .filter(|id| levels.is_empty() || levels.contains(&self.unit(*id).level))
            .filter(|id| date.is_none_or(|d| self.unit(*id).validity.contains(d)))
            .filter_map(|id| best(&self.name_keys[id.0.index()], Found::Unit(id)))
            .collect();
        if levels.is_empty() {
            hits.extend(
                self.peoples
                    .group_keys
                    .iter()
                    .enumerate()
                    .filter_map(|(i, keys)| best(keys, Found::Group(GroupId(i)))),
            );
        }
        hits.sort_by_key(|hit| {
            let (order, rank) = match hit.found {
                Found::Unit(id) => (level_order(self.unit(id)), self.rank_of(id) as usize),
                Found::Group(id) => (5, id.0),
                Found::Place(index) => (6, index),
            };
            (hit.kind, hit.distance, order, rank)
        });
        hits.truncate(limit);
        hits
    }

    /// A test of whether a unit's name or an alias matches `text` exactly, by prefix or by
    /// word (no fuzzy matching): the `name` filter of lists. The text is folded once.
    pub fn name_matcher(&self, text: &str) -> impl Fn(UnitId) -> bool + '_ {
        let words = fold_name(text);
        let compact = words.replace(' ', "");
        move |id| {
            self.name_keys[id.0.index()].iter().any(|key| {
                matches!(match_key(key, &words, &compact), Some((kind, _)) if kind != MatchKind::Fuzzy)
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> NameKey {
        let words = fold_name(text);
        NameKey {
            text: text.to_owned(),
            compact: words.replace(' ', ""),
            words,
            alias: false,
        }
    }

    fn kind(name: &str, query: &str) -> Option<MatchKind> {
        let words = fold_name(query);
        match_key(&key(name), &words, &words.replace(' ', "")).map(|(k, _)| k)
    }

    #[test]
    fn matches_are_ranked_exact_prefix_word_fuzzy() {
        assert_eq!(kind("Ségou", "segou"), Some(MatchKind::Exact));
        assert_eq!(kind("N'Tillit", "NTillit"), Some(MatchKind::Exact));
        assert_eq!(kind("Ben Kadi", "benkadi"), Some(MatchKind::Exact));
        assert_eq!(kind("Tombouctou", "tombo"), Some(MatchKind::Prefix));
        assert_eq!(kind("Gourma-Rharous", "rharous"), Some(MatchKind::Word));
        assert_eq!(kind("Tombouctou", "tombuctou"), Some(MatchKind::Fuzzy));
        assert_eq!(kind("Kati", "kita"), None, "short names get no fuzzy match");
    }
}
