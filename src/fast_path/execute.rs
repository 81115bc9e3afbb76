//! Running a [`Plan`]: the units of each nesting level are loaded in one batch per loader (as
//! the DataLoaders of the generic executor do, and counted in the same [`LoaderStats`]), then
//! the answer is written depth first, as JSON bytes, into one buffer.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;

use async_graphql::{InputType, ScalarType};
use chrono::NaiveDate;
use serde::Serialize;

use super::plan::{FieldKind, ObjectPlan, Plan, RootKind};
use crate::model::{AdminGraph, UnitId};
use crate::schema::{
    Confidence, Date, Level as LevelEnum, LevelKey, LoaderStats, RegionKind, UnitAt, to_int,
    unit_id,
};

/// What the loaders gave, by key, over all levels.
#[derive(Default)]
struct Loaded {
    inside: HashMap<LevelKey, Vec<UnitId>>,
    above: HashMap<LevelKey, Option<UnitId>>,
}

/// The units a root field answers with.
enum RootUnits {
    Typename,
    List(Vec<UnitAt>),
    One(UnitAt),
}

/// Runs `plan`: the answer's body, `{"data":…,"extensions":{"cost":…}}` with the cost the
/// admission charged (`requested_cost`) and the answer's own, as the generic path gives them.
/// `None` only if the JSON could not be written, which writing into memory never fails.
pub(crate) async fn execute(
    plan: &Plan,
    graph: &AdminGraph,
    stats: &LoaderStats,
    today: NaiveDate,
    requested_cost: u64,
) -> Option<Vec<u8>> {
    let roots: Vec<RootUnits> = plan
        .root
        .iter()
        .map(|field| match &field.kind {
            RootKind::Typename => RootUnits::Typename,
            RootKind::Regions { date, .. } => {
                let date = date.unwrap_or(today);
                RootUnits::List(
                    graph
                        .in_force(crate::dataset::Level::Region, date)
                        .into_iter()
                        .map(|id| UnitAt { id, as_of: date })
                        .collect(),
                )
            }
            RootKind::Country { date, .. } => RootUnits::One(UnitAt {
                id: graph.country(),
                as_of: date.unwrap_or(today),
            }),
            RootKind::Unit { id, date, .. } => RootUnits::One(UnitAt {
                id: *id,
                as_of: date.unwrap_or(today),
            }),
        })
        .collect();

    // Load level by level: the objects of one level ask together, in one batch per loader.
    let mut frontier: Vec<(UnitAt, &ObjectPlan)> = Vec::new();
    for (field, units) in plan.root.iter().zip(&roots) {
        let object = match &field.kind {
            RootKind::Typename => continue,
            RootKind::Regions { object, .. }
            | RootKind::Country { object, .. }
            | RootKind::Unit { object, .. } => object,
        };
        match units {
            RootUnits::Typename => {}
            RootUnits::List(list) => frontier.extend(list.iter().map(|at| (*at, object))),
            RootUnits::One(at) => frontier.push((*at, object)),
        }
    }
    let mut loaded = Loaded::default();
    while !frontier.is_empty() {
        if !load_level(&frontier, graph, stats, &mut loaded) {
            break;
        }
        let mut next = Vec::new();
        for (at, object) in &frontier {
            for field in &object.fields {
                match &field.kind {
                    FieldKind::Inside {
                        level,
                        date,
                        object,
                    } => {
                        let key = key(*at, *level, *date);
                        if let Some(ids) = loaded.inside.get(&key) {
                            next.extend(ids.iter().map(|id| {
                                (
                                    UnitAt {
                                        id: *id,
                                        as_of: key.date,
                                    },
                                    object,
                                )
                            }));
                        }
                    }
                    FieldKind::Above {
                        level,
                        date,
                        object,
                    } => {
                        let key = key(*at, *level, *date);
                        if let Some(Some(id)) = loaded.above.get(&key) {
                            next.push((
                                UnitAt {
                                    id: *id,
                                    as_of: key.date,
                                },
                                object,
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
        frontier = next;
        // As the generic executor does between levels: let the runtime (and the request's time
        // limit) in. tokio's yield runs the timers before the task again, so that a time limit
        // that has passed fires.
        tokio::task::yield_now().await;
    }

    let mut writer = Writer {
        out: Vec::with_capacity(match plan.last_len.load(Ordering::Relaxed) {
            0 => FIRST_ANSWER_CAPACITY,
            last => last + 64,
        }),
        graph,
        loaded: &loaded,
        fields: 0,
    };
    writer.answer(plan, &roots, requested_cost).ok()?;
    plan.last_len.store(writer.out.len(), Ordering::Relaxed);
    Some(writer.out)
}

/// The buffer of a plan's first answer, which has no last length to go by: room for one
/// cercle's communes (1.6 KB) without growing five times on the way from 64 bytes.
const FIRST_ANSWER_CAPACITY: usize = 2048;

fn key(at: UnitAt, level: crate::dataset::Level, date: Option<NaiveDate>) -> LevelKey {
    LevelKey {
        unit: at.id,
        level,
        date: date.unwrap_or(at.as_of),
    }
}

/// Loads what the objects of `frontier` ask of the loaders and has not been loaded: one batch
/// for the descendants, one for the ancestors. Whether anything was asked.
fn load_level(
    frontier: &[(UnitAt, &ObjectPlan)],
    graph: &AdminGraph,
    stats: &LoaderStats,
    loaded: &mut Loaded,
) -> bool {
    let mut inside = HashSet::new();
    let mut above = HashSet::new();
    for (at, object) in frontier {
        for field in &object.fields {
            match &field.kind {
                FieldKind::Inside { level, date, .. } => {
                    inside.insert(key(*at, *level, *date));
                }
                FieldKind::Above { level, date, .. } => {
                    above.insert(key(*at, *level, *date));
                }
                _ => {}
            }
        }
    }
    if !inside.is_empty() {
        stats.descendants.record(inside.len());
        for key in inside.iter() {
            loaded
                .inside
                .insert(*key, graph.descendants(key.unit, key.level, key.date));
        }
    }
    if !above.is_empty() {
        stats.ancestors.record(above.len());
        for key in above.iter() {
            loaded
                .above
                .insert(*key, graph.ancestor(key.unit, key.level, key.date));
        }
    }
    !inside.is_empty() || !above.is_empty()
}

type Written = Result<(), serde_json::Error>;

/// Writes the answer's JSON as async-graphql's values serialize through serde_json: the same
/// escapes, numbers and field order.
struct Writer<'a> {
    out: Vec<u8>,
    graph: &'a AdminGraph,
    loaded: &'a Loaded,
    /// The fields written so far: the answer's actual cost (`limits::actual_cost`: one per
    /// field of every object).
    fields: u64,
}

impl Writer<'_> {
    fn answer(&mut self, plan: &Plan, roots: &[RootUnits], requested_cost: u64) -> Written {
        self.out.extend_from_slice(b"{\"data\":{");
        for (index, (field, units)) in plan.root.iter().zip(roots).enumerate() {
            self.key(index, &field.key);
            let object = match &field.kind {
                RootKind::Typename => {
                    self.out.extend_from_slice(b"\"QueryRoot\"");
                    continue;
                }
                RootKind::Regions { object, .. }
                | RootKind::Country { object, .. }
                | RootKind::Unit { object, .. } => object,
            };
            match units {
                RootUnits::Typename => {}
                RootUnits::List(list) => self.list(list.iter().copied(), object)?,
                RootUnits::One(at) => self.object(*at, object)?,
            }
        }
        self.out
            .extend_from_slice(b"},\"extensions\":{\"cost\":{\"requestedQueryCost\":");
        self.value(&requested_cost)?;
        self.out.extend_from_slice(b",\"actualQueryCost\":");
        let fields = self.fields;
        self.value(&fields)?;
        self.out.extend_from_slice(b"}}}");
        Ok(())
    }

    /// `"key":`, after a comma unless it is the first. Keys are GraphQL names, which need no
    /// escaping.
    fn key(&mut self, index: usize, key: &str) {
        self.fields += 1;
        if index > 0 {
            self.out.push(b',');
        }
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    fn value(&mut self, value: &impl Serialize) -> Written {
        serde_json::to_writer(&mut self.out, value)
    }

    fn list(&mut self, units: impl Iterator<Item = UnitAt>, object: &ObjectPlan) -> Written {
        self.out.push(b'[');
        for (index, at) in units.enumerate() {
            if index > 0 {
                self.out.push(b',');
            }
            self.object(at, object)?;
        }
        self.out.push(b']');
        Ok(())
    }

    fn object(&mut self, at: UnitAt, object: &ObjectPlan) -> Written {
        let unit = self.graph.unit(at.id);
        self.out.push(b'{');
        for (index, field) in object.fields.iter().enumerate() {
            self.key(index, &field.key);
            match &field.kind {
                FieldKind::Typename => self.value(&object.ty.name())?,
                FieldKind::Id => {
                    self.value(&unit_id(unit, at.as_of).as_str())?;
                }
                FieldKind::Code | FieldKind::Number => self.value(&unit.code)?,
                FieldKind::Name => self.value(&unit.name)?,
                FieldKind::Aliases => self.value(&unit.aliases)?,
                FieldKind::Level => self.value(&LevelEnum::from(unit.level).to_value())?,
                FieldKind::AsOf => self.value(&ScalarType::to_value(&Date(at.as_of)))?,
                FieldKind::From => self.date(unit.validity.from)?,
                FieldKind::Until => self.date(unit.validity.until)?,
                FieldKind::Population(year) => self.value(
                    &unit
                        .figures
                        .iter()
                        .find(|f| f.year == *year)
                        .map(|f| to_int(f.value)),
                )?,
                FieldKind::Confidence => {
                    self.value(&Confidence::from(unit.confidence).to_value())?;
                }
                FieldKind::SeedName => self.value(&unit.seed_name)?,
                FieldKind::Note => self.value(&unit.note)?,
                FieldKind::Kind => self.value(
                    &unit
                        .region_kind
                        .map_or(RegionKind::Region, Into::into)
                        .to_value(),
                )?,
                FieldKind::AreaKm2 => self.value(&unit.area_km2.map(to_int))?,
                FieldKind::CommunesKnown => {
                    self.value(&self.graph.communes_known(at.id, at.as_of))?;
                }
                FieldKind::Urban => self.value(&unit.urban.unwrap_or(false))?,
                FieldKind::Inside {
                    level,
                    date,
                    object,
                } => {
                    let key = key(at, *level, *date);
                    let ids = self.loaded.inside.get(&key).map_or(&[][..], Vec::as_slice);
                    self.list(
                        ids.iter().map(|id| UnitAt {
                            id: *id,
                            as_of: key.date,
                        }),
                        object,
                    )?;
                }
                FieldKind::Above {
                    level,
                    date,
                    object,
                } => {
                    let key = key(at, *level, *date);
                    match self.loaded.above.get(&key).copied().flatten() {
                        Some(id) => self.object(
                            UnitAt {
                                id,
                                as_of: key.date,
                            },
                            object,
                        )?,
                        None => self.out.extend_from_slice(b"null"),
                    }
                }
            }
        }
        self.out.push(b'}');
        Ok(())
    }

    fn date(&mut self, date: Option<NaiveDate>) -> Written {
        match date {
            Some(date) => self.value(&ScalarType::to_value(&Date(date))),
            None => {
                self.out.extend_from_slice(b"null");
                Ok(())
            }
        }
    }
}
