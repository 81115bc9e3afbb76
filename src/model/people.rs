//! Seed 002's peoples, languages and religions, tied to the units where the seed names a place.
//! A group's homeland is a unit (the Dogon's: Bandiagara cercle), so where the group lives on a
//! date follows the tree: Bandiagara region today, Mopti region in 2010.

use chrono::NaiveDate;

use super::name::{NameKey, name_keys_of};
use super::{AdminGraph, UnitId};
use crate::dataset::{
    GroupRecord, GroupShareRecord, LanguageRecord, PeopleRecords, PlaceRelation, ReligionRecord,
};

/// A group of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(pub(super) usize);

/// A place the seed ties a group to.
#[derive(Debug, Clone)]
pub struct GroupPlace {
    pub unit: UnitId,
    pub relation: PlaceRelation,
    /// The seed's words, kept as the evidence of the link.
    pub wording: String,
}

/// Peoples, languages and religions, with the groups' places resolved to units.
#[derive(Debug, Default)]
pub struct Peoples {
    groups: Vec<GroupRecord>,
    shares: Vec<GroupShareRecord>,
    places: Vec<(GroupId, GroupPlace)>,
    languages: Vec<LanguageRecord>,
    religions: Vec<ReligionRecord>,
    pub(super) group_keys: Vec<Vec<NameKey>>,
}

impl Peoples {
    /// Resolves the records against the units (`unit` gives a code's unit); the data set's
    /// checks guarantee every code and key exists.
    pub(super) fn build(records: PeopleRecords, unit: impl Fn(&str) -> Option<UnitId>) -> Peoples {
        let PeopleRecords {
            groups,
            shares,
            places,
            languages,
            religions,
        } = records;
        let index = |key: &str| groups.iter().position(|g| g.key == key).map(GroupId);
        let places = places
            .into_iter()
            .filter_map(|p| {
                Some((
                    index(&p.group)?,
                    GroupPlace {
                        unit: unit(&p.unit)?,
                        relation: p.relation,
                        wording: p.wording,
                    },
                ))
            })
            .collect();
        let group_keys = groups
            .iter()
            .map(|g| name_keys_of(&g.name, &g.aliases))
            .collect();
        Peoples {
            groups,
            shares,
            places,
            languages,
            religions,
            group_keys,
        }
    }
}

impl AdminGraph {
    /// Every group, in the data's order.
    pub fn groups(&self) -> Vec<GroupId> {
        (0..self.peoples.groups.len()).map(GroupId).collect()
    }

    pub fn group(&self, id: GroupId) -> &GroupRecord {
        &self.peoples.groups[id.0]
    }

    pub fn group_by_key(&self, key: &str) -> Option<GroupId> {
        self.peoples
            .groups
            .iter()
            .position(|g| g.key == key)
            .map(GroupId)
    }

    /// The group whose name or alias folds to the same key as `name`.
    pub fn find_group(&self, name: &str) -> Option<GroupId> {
        let key = super::fold_name(name).replace(' ', "");
        self.peoples
            .group_keys
            .iter()
            .position(|keys| keys.iter().any(|k| k.compact == key))
            .map(GroupId)
    }

    /// The shares the seed gives for the group (alone or with others).
    pub fn group_shares(&self, id: GroupId) -> Vec<&GroupShareRecord> {
        let key = &self.group(id).key;
        self.peoples
            .shares
            .iter()
            .filter(|s| s.groups.contains(key))
            .collect()
    }

    /// The group's sub-groups.
    pub fn subgroups(&self, id: GroupId) -> Vec<GroupId> {
        let key = &self.group(id).key;
        self.groups()
            .into_iter()
            .filter(|g| self.group(*g).parent.as_ref() == Some(key))
            .collect()
    }

    /// The places the seed ties the group to.
    pub fn group_places(&self, id: GroupId) -> Vec<&GroupPlace> {
        self.peoples
            .places
            .iter()
            .filter(|(g, _)| *g == id)
            .map(|(_, p)| p)
            .collect()
    }

    /// Whether `a` is `b` or lies inside it on `date`.
    fn within(&self, a: UnitId, b: UnitId, date: NaiveDate) -> bool {
        let mut current = Some(a);
        while let Some(unit) = current {
            if unit == b {
                return true;
            }
            current = self.parent(unit, date);
        }
        false
    }

    /// Groups whose homeland, on `date`, is `unit`, lies within it, or contains it.
    pub fn groups_at(&self, unit: UnitId, date: NaiveDate) -> Vec<GroupId> {
        let mut found: Vec<GroupId> = self
            .peoples
            .places
            .iter()
            .filter(|(_, place)| place.relation == PlaceRelation::Homeland)
            .filter(|(_, place)| {
                self.within(place.unit, unit, date) || self.within(unit, place.unit, date)
            })
            .map(|(group, _)| *group)
            .collect();
        found.sort();
        found.dedup();
        found
    }

    pub fn languages(&self) -> &[LanguageRecord] {
        &self.peoples.languages
    }

    pub fn religions(&self) -> &[ReligionRecord] {
        &self.peoples.religions
    }
}
