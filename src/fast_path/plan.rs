//! Compiling an operation into a [`Plan`]: every field the plan knows, with its arguments
//! resolved, fragments and `@skip`/`@include` applied and fields of one response key merged.
//! Anything else (a field, argument, directive or type the plan does not know, a lookup that
//! fails, a date out of range) means no plan: the request runs on async-graphql's executor,
//! which answers it, errors included.

use std::sync::atomic::AtomicUsize;

use async_graphql::parser::types::{
    Directive, ExecutableDocument, Field, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql::{Name, Positioned, ScalarType, Value as ConstValue, Variables};
use async_graphql_value::Value;
use chrono::NaiveDate;

use crate::dataset::{DATA_START, Level};
use crate::model::{AdminGraph, UnitId};
use crate::schema::{Date, lookup};

/// How deep selections may nest in a plan; the limits refuse deeper documents first.
const MAX_DEPTH: usize = 64;

/// An operation compiled for the fast path.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(super) root: Vec<RootField>,
    /// The length of the last answer, so that the next one's buffer is allocated once.
    pub(super) last_len: AtomicUsize,
}

/// A field of the root query type.
#[derive(Debug)]
pub(super) struct RootField {
    pub(super) key: Name,
    pub(super) kind: RootKind,
}

#[derive(Debug)]
pub(super) enum RootKind {
    Typename,
    /// `regions(asOf:)`: the first-level units in force on the date (today by default).
    Regions {
        date: Option<NaiveDate>,
        object: ObjectPlan,
    },
    /// `country(asOf:)`.
    Country {
        date: Option<NaiveDate>,
        object: ObjectPlan,
    },
    /// `region`, `cercle` or `commune` by name or code: the unit was found when the plan was
    /// compiled (a lookup does not depend on the date).
    Unit {
        id: UnitId,
        date: Option<NaiveDate>,
        object: ObjectPlan,
    },
}

/// The unit types the plan resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnitType {
    Country,
    Region,
    Cercle,
    Commune,
}

impl UnitType {
    pub(super) fn name(self) -> &'static str {
        match self {
            UnitType::Country => "Country",
            UnitType::Region => "Region",
            UnitType::Cercle => "Cercle",
            UnitType::Commune => "Commune",
        }
    }

    /// Whether a fragment on `condition` applies to an object of this type.
    fn matches(self, condition: &str) -> bool {
        condition == self.name() || condition == "AdminUnit" || condition == "Node"
    }

    fn of(level: Level) -> UnitType {
        match level {
            Level::Country => UnitType::Country,
            Level::Region => UnitType::Region,
            Level::Cercle => UnitType::Cercle,
            Level::Commune => UnitType::Commune,
        }
    }
}

/// The selection of one unit object, of a known type.
#[derive(Debug)]
pub(super) struct ObjectPlan {
    pub(super) ty: UnitType,
    pub(super) fields: Vec<PlannedField>,
}

#[derive(Debug)]
pub(super) struct PlannedField {
    pub(super) key: Name,
    pub(super) kind: FieldKind,
}

/// A field of a unit type. The nested ones name the loader that feeds them.
#[derive(Debug)]
pub(super) enum FieldKind {
    Typename,
    Id,
    Code,
    Name,
    Aliases,
    Level,
    AsOf,
    /// `from` and the deprecated `validFrom`.
    From,
    /// `until` and the deprecated `validUntil`.
    Until,
    Population(i32),
    Confidence,
    SeedName,
    Note,
    /// `Region.number`.
    Number,
    /// `Region.kind`.
    Kind,
    AreaKm2,
    CommunesKnown,
    Urban,
    /// The units of `level` inside the unit on `date` (default: the object's), through the
    /// descendants loader: `regions`, `cercles`, `communes`.
    Inside {
        level: Level,
        date: Option<NaiveDate>,
        object: ObjectPlan,
    },
    /// The unit of `level` above the unit on `date`, or null, through the ancestors loader:
    /// `Cercle.region`, `Commune.cercle`, `Commune.region`.
    Above {
        level: Level,
        date: Option<NaiveDate>,
        object: ObjectPlan,
    },
}

impl FieldKind {
    /// Two selections of one response key merge when they are the same field with the same
    /// arguments (validation refuses others; the plan declines them anyway).
    fn merge(&mut self, other: FieldKind) -> Option<()> {
        match (self, other) {
            (
                FieldKind::Inside {
                    level,
                    date,
                    object,
                },
                FieldKind::Inside {
                    level: level2,
                    date: date2,
                    object: object2,
                },
            )
            | (
                FieldKind::Above {
                    level,
                    date,
                    object,
                },
                FieldKind::Above {
                    level: level2,
                    date: date2,
                    object: object2,
                },
            ) if *level == level2 && *date == date2 => {
                for field in object2.fields {
                    object.add(field)?;
                }
                Some(())
            }
            (FieldKind::Population(year), FieldKind::Population(year2)) => {
                (*year == year2).then_some(())
            }
            (FieldKind::Inside { .. } | FieldKind::Above { .. }, _)
            | (_, FieldKind::Inside { .. } | FieldKind::Above { .. }) => None,
            (this, other) => {
                (std::mem::discriminant(this) == std::mem::discriminant(&other)).then_some(())
            }
        }
    }
}

impl ObjectPlan {
    /// Adds a field, merged with an earlier one of the same response key.
    fn add(&mut self, field: PlannedField) -> Option<()> {
        match self.fields.iter_mut().find(|known| known.key == field.key) {
            Some(known) => known.kind.merge(field.kind),
            None => {
                self.fields.push(field);
                Some(())
            }
        }
    }
}

/// What compiling needs besides the selections.
pub(crate) struct Compiler<'a> {
    pub(crate) doc: &'a ExecutableDocument,
    pub(crate) operation: &'a OperationDefinition,
    pub(crate) variables: &'a Variables,
    pub(crate) graph: &'a AdminGraph,
    /// Today, for lookups' error messages only (a lookup that fails has no plan).
    pub(crate) today: NaiveDate,
}

impl Compiler<'_> {
    /// The plan of the operation, or `None` when any part of it is not for the fast path.
    pub(crate) fn compile(&self) -> Option<Plan> {
        if self.operation.ty != OperationType::Query || !self.operation.directives.is_empty() {
            return None;
        }
        let mut root = Vec::new();
        self.root_fields(&self.operation.selection_set.node, &mut root, 0)?;
        Some(Plan {
            root,
            last_len: AtomicUsize::new(0),
        })
    }

    fn root_fields(
        &self,
        set: &SelectionSet,
        out: &mut Vec<RootField>,
        depth: usize,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if !self.included(&field.node.directives)? {
                        continue;
                    }
                    let planned = self.root_field(&field.node)?;
                    match out.iter_mut().find(|known| known.key == planned.key) {
                        // The same root field twice (validation made sure it is the same): its
                        // selections merge.
                        Some(known) => merge_root(&mut known.kind, planned.kind)?,
                        None => out.push(planned),
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    if !self.included(&fragment.directives)? {
                        continue;
                    }
                    let applies = fragment
                        .type_condition
                        .as_ref()
                        .is_none_or(|condition| condition.node.on.node == "QueryRoot");
                    if applies {
                        self.root_fields(&fragment.selection_set.node, out, depth + 1)?;
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if !self.included(&spread.node.directives)? {
                        continue;
                    }
                    let fragment = self.doc.fragments.get(&spread.node.fragment_name.node)?;
                    if !fragment.node.directives.is_empty() {
                        return None;
                    }
                    if fragment.node.type_condition.node.on.node == "QueryRoot" {
                        self.root_fields(&fragment.node.selection_set.node, out, depth + 1)?;
                    }
                }
            }
        }
        Some(())
    }

    fn root_field(&self, field: &Field) -> Option<RootField> {
        let key = field.response_key().node.clone();
        let args = Arguments::of(self, field)?;
        let kind = match field.name.node.as_str() {
            "__typename" => {
                args.none()?;
                RootKind::Typename
            }
            "regions" => {
                let date = args.date("asOf")?;
                args.only(&["asOf"])?;
                RootKind::Regions {
                    date,
                    object: self.object(UnitType::Region, &field.selection_set.node)?,
                }
            }
            "country" => {
                let date = args.date("asOf")?;
                args.only(&["asOf"])?;
                RootKind::Country {
                    date,
                    object: self.object(UnitType::Country, &field.selection_set.node)?,
                }
            }
            name @ ("region" | "cercle" | "commune") => {
                let (level, within_arg, within_level) = match name {
                    "region" => (Level::Region, None, Level::Region),
                    "cercle" => (Level::Cercle, Some("region"), Level::Region),
                    _ => (Level::Commune, Some("cercle"), Level::Cercle),
                };
                let date = args.date("asOf")?;
                let mut known = vec!["asOf", "name", "code"];
                known.extend(within_arg);
                args.only(&known)?;
                let within = match within_arg {
                    Some(arg) => args.string(arg)?,
                    None => None,
                };
                let id = lookup(
                    self.graph,
                    level,
                    args.string("name")?.as_deref(),
                    args.string("code")?.as_deref(),
                    within.as_deref().map(|w| (within_level, w)),
                    date.unwrap_or(self.today),
                )
                .ok()?;
                RootKind::Unit {
                    id,
                    date,
                    object: self.object(UnitType::of(level), &field.selection_set.node)?,
                }
            }
            _ => return None,
        };
        Some(RootField { key, kind })
    }

    fn object(&self, ty: UnitType, set: &SelectionSet) -> Option<ObjectPlan> {
        let mut object = ObjectPlan {
            ty,
            fields: Vec::new(),
        };
        self.fields_into(&mut object, set, 0)?;
        Some(object)
    }

    fn fields_into(&self, object: &mut ObjectPlan, set: &SelectionSet, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if self.included(&field.node.directives)? {
                        let planned = self.unit_field(object.ty, &field.node, depth)?;
                        object.add(planned)?;
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    if !self.included(&fragment.directives)? {
                        continue;
                    }
                    let applies = fragment
                        .type_condition
                        .as_ref()
                        .is_none_or(|condition| object.ty.matches(&condition.node.on.node));
                    if applies {
                        self.fields_into(object, &fragment.selection_set.node, depth + 1)?;
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if !self.included(&spread.node.directives)? {
                        continue;
                    }
                    let fragment = self.doc.fragments.get(&spread.node.fragment_name.node)?;
                    if !fragment.node.directives.is_empty() {
                        return None;
                    }
                    if object
                        .ty
                        .matches(&fragment.node.type_condition.node.on.node)
                    {
                        self.fields_into(object, &fragment.node.selection_set.node, depth + 1)?;
                    }
                }
            }
        }
        Some(())
    }

    fn unit_field(&self, ty: UnitType, field: &Field, depth: usize) -> Option<PlannedField> {
        let key = field.response_key().node.clone();
        let args = Arguments::of(self, field)?;
        let scalar = |kind: FieldKind| -> Option<FieldKind> {
            args.none()?;
            field.selection_set.node.items.is_empty().then_some(kind)
        };
        let nested = |level: Level, inside: bool| -> Option<FieldKind> {
            let date = args.date("asOf")?;
            args.only(&["asOf"])?;
            let mut object = ObjectPlan {
                ty: UnitType::of(level),
                fields: Vec::new(),
            };
            self.fields_into(&mut object, &field.selection_set.node, depth + 1)?;
            Some(if inside {
                FieldKind::Inside {
                    level,
                    date,
                    object,
                }
            } else {
                FieldKind::Above {
                    level,
                    date,
                    object,
                }
            })
        };
        use UnitType::{Cercle, Commune, Country, Region};
        let kind = match (ty, field.name.node.as_str()) {
            (_, "__typename") => scalar(FieldKind::Typename)?,
            (_, "id") => scalar(FieldKind::Id)?,
            (_, "code") => scalar(FieldKind::Code)?,
            (_, "name") => scalar(FieldKind::Name)?,
            (_, "aliases") => scalar(FieldKind::Aliases)?,
            (_, "level") => scalar(FieldKind::Level)?,
            (_, "asOf") => scalar(FieldKind::AsOf)?,
            (_, "from" | "validFrom") => scalar(FieldKind::From)?,
            (_, "until" | "validUntil") => scalar(FieldKind::Until)?,
            (_, "confidence") => scalar(FieldKind::Confidence)?,
            (_, "seedName") => scalar(FieldKind::SeedName)?,
            (_, "note") => scalar(FieldKind::Note)?,
            (_, "population") => {
                let year = args.int("year")??;
                args.only(&["year"])?;
                field
                    .selection_set
                    .node
                    .items
                    .is_empty()
                    .then_some(FieldKind::Population(year))?
            }
            (Region, "number") => scalar(FieldKind::Number)?,
            (Region, "kind") => scalar(FieldKind::Kind)?,
            (Region, "areaKm2") => scalar(FieldKind::AreaKm2)?,
            (Cercle, "communesKnown") => scalar(FieldKind::CommunesKnown)?,
            (Commune, "urban") => scalar(FieldKind::Urban)?,
            (Country, "regions") => nested(Level::Region, true)?,
            (Region, "cercles") => nested(Level::Cercle, true)?,
            (Region | Cercle, "communes") => nested(Level::Commune, true)?,
            (Cercle | Commune, "region") => nested(Level::Region, false)?,
            (Commune, "cercle") => nested(Level::Cercle, false)?,
            _ => return None,
        };
        Some(PlannedField { key, kind })
    }

    /// Whether `@skip`/`@include` keep a selection; `None` for any other directive.
    fn included(&self, directives: &[Positioned<Directive>]) -> Option<bool> {
        let mut included = true;
        for directive in directives {
            let directive = &directive.node;
            let condition = match directive.arguments.as_slice() {
                [(name, value)] if name.node == "if" => match self.value(&value.node)? {
                    ConstValue::Boolean(condition) => condition,
                    _ => return None,
                },
                _ => return None,
            };
            match directive.name.node.as_str() {
                "skip" => included &= !condition,
                "include" => included &= condition,
                _ => return None,
            }
        }
        Some(included)
    }

    /// An argument's value with its variables replaced: the request's value, else the
    /// definition's default (null for a nullable variable).
    fn value(&self, value: &Value) -> Option<ConstValue> {
        match value {
            Value::Variable(name) => {
                if let Some(given) = self.variables.get(name) {
                    return Some(given.clone());
                }
                self.operation
                    .variable_definitions
                    .iter()
                    .find(|definition| definition.node.name.node == *name)?
                    .node
                    .default_value()
                    .cloned()
            }
            Value::Null => Some(ConstValue::Null),
            Value::Number(number) => Some(ConstValue::Number(number.clone())),
            Value::String(text) => Some(ConstValue::String(text.clone())),
            Value::Boolean(flag) => Some(ConstValue::Boolean(*flag)),
            // Enums, lists, objects and uploads: not an argument of a planned field.
            _ => None,
        }
    }
}

/// Merges two selections of one root response key.
fn merge_root(known: &mut RootKind, other: RootKind) -> Option<()> {
    match (known, other) {
        (RootKind::Typename, RootKind::Typename) => Some(()),
        (
            RootKind::Regions { date, object },
            RootKind::Regions {
                date: date2,
                object: object2,
            },
        )
        | (
            RootKind::Country { date, object },
            RootKind::Country {
                date: date2,
                object: object2,
            },
        ) if *date == date2 => object2.fields.into_iter().try_for_each(|f| object.add(f)),
        (
            RootKind::Unit { id, date, object },
            RootKind::Unit {
                id: id2,
                date: date2,
                object: object2,
            },
        ) if *id == id2 && *date == date2 && object.ty == object2.ty => {
            object2.fields.into_iter().try_for_each(|f| object.add(f))
        }
        _ => None,
    }
}

/// A field's arguments, with variables replaced; an argument given as `null` counts as absent,
/// as async-graphql reads an `Option`.
struct Arguments(Vec<(Name, ConstValue)>);

impl Arguments {
    fn of(compiler: &Compiler<'_>, field: &Field) -> Option<Arguments> {
        let mut values = Vec::with_capacity(field.arguments.len());
        for (name, value) in &field.arguments {
            values.push((name.node.clone(), compiler.value(&value.node)?));
        }
        Some(Arguments(values))
    }

    fn get(&self, name: &str) -> Option<&ConstValue> {
        self.0
            .iter()
            .find(|(known, value)| known == name && *value != ConstValue::Null)
            .map(|(_, value)| value)
    }

    /// `Some(())` when no argument is given.
    fn none(&self) -> Option<()> {
        self.0.is_empty().then_some(())
    }

    /// `Some(())` when every argument given is one of `known`.
    fn only(&self, known: &[&str]) -> Option<()> {
        self.0
            .iter()
            .all(|(name, _)| known.contains(&name.as_str()))
            .then_some(())
    }

    /// A `Date` argument: `Some(None)` when absent, `None` when it is not a date or is before
    /// the data begins (an error the generic executor reports).
    fn date(&self, name: &str) -> Option<Option<NaiveDate>> {
        match self.get(name) {
            None => Some(None),
            Some(value) => {
                let Date(date) = <Date as ScalarType>::parse(value.clone()).ok()?;
                (date >= DATA_START).then_some(Some(date))
            }
        }
    }

    fn string(&self, name: &str) -> Option<Option<String>> {
        match self.get(name) {
            None => Some(None),
            Some(ConstValue::String(text)) => Some(Some(text.clone())),
            Some(_) => None,
        }
    }

    fn int(&self, name: &str) -> Option<Option<i32>> {
        match self.get(name) {
            None => Some(None),
            Some(ConstValue::Number(number)) => Some(Some(i32::try_from(number.as_i64()?).ok()?)),
            Some(_) => None,
        }
    }
}
