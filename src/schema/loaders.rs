//! DataLoaders that batch the nested lookups of one nesting level into one call on the model:
//! every cercle's communes in a query are asked for together, not cercle by cercle.
//!
//! Each request gets its own loaders, whose batches are not spawned on the runtime but queued in
//! a [`BatchQueue`] that [`super::Api::execute`] runs only when the query can make no more
//! progress, that is once every field of the level has asked. Neither of async-graphql's usual
//! set-ups does this: with the default 1 ms delay every level waits for a timer, and with no
//! delay the spawned batch runs as soon as futures' `FuturesUnordered` yields (it does after two
//! of its children wake themselves, which every object's field set does), splitting a level
//! into several batches.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::runtime::Timer;
use chrono::NaiveDate;
use futures_util::FutureExt;
use futures_util::future::{self, BoxFuture};
use futures_util::task::{FutureObj, Spawn, SpawnError};

use crate::dataset::Level;
use crate::model::{AdminGraph, UnitId};

/// What a loader is asked: the units of `level` inside (or above) `unit` on `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LevelKey {
    pub unit: UnitId,
    pub level: Level,
    pub date: NaiveDate,
}

/// How many batches and keys a loader has served.
#[derive(Debug, Default)]
pub struct BatchCounter {
    batches: AtomicU64,
    keys: AtomicU64,
}

impl BatchCounter {
    pub(crate) fn record(&self, keys: usize) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.keys.fetch_add(keys as u64, Ordering::Relaxed);
    }

    pub fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    pub fn keys(&self) -> u64 {
        self.keys.load(Ordering::Relaxed)
    }
}

/// Batch counts of the schema's loaders, for tests and metrics.
#[derive(Debug, Default)]
pub struct LoaderStats {
    pub descendants: BatchCounter,
    pub ancestors: BatchCounter,
}

/// The units of a level inside a unit: a region's cercles, a cercle's communes, the country's
/// regions.
pub struct DescendantsLoader {
    graph: Arc<AdminGraph>,
    stats: Arc<LoaderStats>,
}

impl Loader<LevelKey> for DescendantsLoader {
    type Value = Arc<[UnitId]>;
    type Error = Infallible;

    async fn load(&self, keys: &[LevelKey]) -> Result<HashMap<LevelKey, Self::Value>, Self::Error> {
        self.stats.descendants.record(keys.len());
        Ok(keys
            .iter()
            .map(|key| {
                let ids = self.graph.descendants(key.unit, key.level, key.date);
                (*key, Arc::from(ids))
            })
            .collect())
    }
}

/// The unit of a level above a unit: a commune's cercle, a cercle's region.
pub struct AncestorLoader {
    graph: Arc<AdminGraph>,
    stats: Arc<LoaderStats>,
}

impl Loader<LevelKey> for AncestorLoader {
    type Value = UnitId;
    type Error = Infallible;

    async fn load(&self, keys: &[LevelKey]) -> Result<HashMap<LevelKey, Self::Value>, Self::Error> {
        self.stats.ancestors.record(keys.len());
        Ok(keys
            .iter()
            .filter_map(|key| {
                let found = self.graph.ancestor(key.unit, key.level, key.date)?;
                Some((*key, found))
            })
            .collect())
    }
}

/// Batch tasks waiting for their request to run them.
#[derive(Clone, Default)]
pub struct BatchQueue(Arc<Mutex<Vec<BoxFuture<'static, ()>>>>);

impl BatchQueue {
    fn push(&self, batch: BoxFuture<'static, ()>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(batch);
    }

    /// Takes the batches queued so far.
    pub fn take(&self) -> Vec<BoxFuture<'static, ()>> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The loaders "spawn" their batches into the request's queue.
impl Spawn for BatchQueue {
    fn spawn_obj(&self, batch: FutureObj<'static, ()>) -> Result<(), SpawnError> {
        self.push(batch.boxed());
        Ok(())
    }
}

/// No timer: a queued batch runs when its level is complete, so it has nothing to wait for.
struct NoDelay;

impl Timer for NoDelay {
    fn delay(&self, _: Duration) -> BoxFuture<'static, ()> {
        future::ready(()).boxed()
    }
}

/// One request's loaders.
pub struct Loaders {
    pub descendants: DataLoader<DescendantsLoader>,
    pub ancestors: DataLoader<AncestorLoader>,
}

impl Loaders {
    pub fn new(graph: Arc<AdminGraph>, stats: Arc<LoaderStats>, queue: &BatchQueue) -> Loaders {
        Loaders {
            descendants: DataLoader::new(
                DescendantsLoader {
                    graph: graph.clone(),
                    stats: stats.clone(),
                },
                queue.clone(),
                NoDelay,
            )
            .delay(Duration::ZERO),
            ancestors: DataLoader::new(AncestorLoader { graph, stats }, queue.clone(), NoDelay)
                .delay(Duration::ZERO),
        }
    }
}
