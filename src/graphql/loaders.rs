//! DataLoaders that batch the nested lookups of one nesting level into one call on the model:
//! every cercle's communes in a query are asked for together, not cercle by cercle.
//!
//! The loaders run with no delay: async-graphql polls every sibling field of a level before the
//! batch task it spawned gets to run, so the batch already holds the whole level, and the default
//! 1 ms wait per level would only add latency (see the closing note of issue 2 for the counts).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use chrono::NaiveDate;

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
    fn record(&self, keys: usize) {
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

/// The schema's loaders, shared by all requests (the model is immutable, so there is nothing to
/// cache per request).
pub struct Loaders {
    pub descendants: DataLoader<DescendantsLoader>,
    pub ancestors: DataLoader<AncestorLoader>,
}

impl Loaders {
    pub fn new(graph: Arc<AdminGraph>, stats: Arc<LoaderStats>) -> Loaders {
        Loaders {
            descendants: DataLoader::new(
                DescendantsLoader {
                    graph: graph.clone(),
                    stats: stats.clone(),
                },
                tokio::spawn,
            )
            .delay(Duration::ZERO),
            ancestors: DataLoader::new(AncestorLoader { graph, stats }, tokio::spawn)
                .delay(Duration::ZERO),
        }
    }
}
