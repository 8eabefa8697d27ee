//! The sandbox's snapshot state: registered repositories, running snapshots (for `_status` and
//! `wait_for_completion`), and restores in progress (for `_recovery` and cluster health).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

use super::info::SnapshotInfo;
use super::lucene::ShardStores;
use super::progress::SnapshotProgress;
use super::registry::{NodeConfig, Registered};

/// How a running snapshot ended: its info, or why it failed.
pub type Outcome = Result<SnapshotInfo, String>;

/// A snapshot being taken.
#[derive(Debug)]
pub struct RunningSnapshot {
    /// Repository name.
    pub repository: String,
    /// The info as of the start (`IN_PROGRESS`).
    pub info: SnapshotInfo,
    /// Per-shard progress.
    pub progress: SnapshotProgress,
    /// Set once when it ends.
    pub done: watch::Sender<Option<Outcome>>,
}

impl RunningSnapshot {
    /// Waits until the snapshot ends.
    pub async fn wait(&self) -> Outcome {
        let mut rx = self.done.subscribe();
        match rx.wait_for(Option::is_some).await {
            Ok(value) => value.clone().unwrap_or_else(|| Err("no outcome".into())),
            Err(_) => Err("the snapshot task stopped".into()),
        }
    }
}

/// The stage of a shard recovery from a snapshot, as `_recovery` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryStage {
    /// Not started.
    Init,
    /// Copying files.
    Index,
    /// Finished.
    Done,
}

impl RecoveryStage {
    /// The name `_recovery` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            RecoveryStage::Init => "INIT",
            RecoveryStage::Index => "INDEX",
            RecoveryStage::Done => "DONE",
        }
    }
}

/// A restore of one index.
#[derive(Debug, Clone, PartialEq)]
pub struct Restore {
    /// Repository name.
    pub repository: String,
    /// Snapshot name.
    pub snapshot: String,
    /// Version that took the snapshot.
    pub version: String,
    /// The index name in the snapshot.
    pub source_index: String,
    /// Stage.
    pub stage: RecoveryStage,
    /// Start, ms since the epoch.
    pub start_time: u64,
    /// End, ms since the epoch (0 while running).
    pub stop_time: u64,
    /// Data blobs and bytes to recover.
    pub files: u64,
    /// Bytes to recover.
    pub bytes: u64,
    /// Bytes recovered so far.
    pub recovered: u64,
    /// Documents recovered.
    pub documents: u64,
    /// Whether it failed.
    pub failed: Option<String>,
}

/// All snapshot state of one sandbox.
#[derive(Debug, Default)]
pub struct SnapshotService {
    node: NodeConfig,
    repositories: Mutex<BTreeMap<String, Arc<Registered>>>,
    running: Mutex<BTreeMap<(String, String), Arc<RunningSnapshot>>>,
    restores: Mutex<BTreeMap<String, Restore>>,
    writers: Mutex<BTreeMap<String, Arc<tokio::sync::Mutex<()>>>>,
    lucene: ShardStores,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl SnapshotService {
    /// A service with the node's `path.repo` and keystore.
    pub fn new(node: NodeConfig) -> Self {
        SnapshotService {
            node,
            ..SnapshotService::default()
        }
    }

    /// The shards' Lucene indexes snapshots copy.
    pub fn lucene(&self) -> &ShardStores {
        &self.lucene
    }

    /// Node configuration.
    pub fn node(&self) -> &NodeConfig {
        &self.node
    }

    /// Registers (or replaces) a repository.
    pub fn put_repository(&self, registered: Registered) {
        lock(&self.repositories).insert(registered.name.clone(), Arc::new(registered));
    }

    /// A repository by name.
    pub fn repository(&self, name: &str) -> Option<Arc<Registered>> {
        lock(&self.repositories).get(name).cloned()
    }

    /// Every repository, by name.
    pub fn repositories(&self) -> Vec<Arc<Registered>> {
        lock(&self.repositories).values().cloned().collect()
    }

    /// Unregisters; `false` when unknown.
    pub fn remove_repository(&self, name: &str) -> bool {
        lock(&self.repositories).remove(name).is_some()
    }

    /// Records a running snapshot. Without `concurrent` (Elasticsearch before 7.7 runs one snapshot
    /// at a time in the whole cluster) `Err` with the running one when any snapshot runs.
    pub fn start(
        &self,
        running: Arc<RunningSnapshot>,
        concurrent: bool,
    ) -> Result<(), Arc<RunningSnapshot>> {
        let mut all = lock(&self.running);
        if !concurrent && let Some(busy) = all.values().next() {
            return Err(Arc::clone(busy));
        }
        all.insert(
            (running.repository.clone(), running.info.name.clone()),
            running,
        );
        Ok(())
    }

    /// The lock that serialises writes to one repository (concurrent snapshots of 7.7+ and
    /// OpenSearch queue their repository work behind each other, as the real finalisation does).
    pub fn writer(&self, repository: &str) -> Arc<tokio::sync::Mutex<()>> {
        Arc::clone(
            lock(&self.writers)
                .entry(repository.to_owned())
                .or_default(),
        )
    }

    /// Forgets a finished snapshot.
    pub fn finish(&self, repository: &str, snapshot: &str) {
        lock(&self.running).remove(&(repository.to_owned(), snapshot.to_owned()));
    }

    /// A running snapshot.
    pub fn running(&self, repository: &str, snapshot: &str) -> Option<Arc<RunningSnapshot>> {
        lock(&self.running)
            .get(&(repository.to_owned(), snapshot.to_owned()))
            .cloned()
    }

    /// Every running snapshot (of one repository when given).
    pub fn running_in(&self, repository: Option<&str>) -> Vec<Arc<RunningSnapshot>> {
        lock(&self.running)
            .values()
            .filter(|r| repository.is_none_or(|name| r.repository == name))
            .cloned()
            .collect()
    }

    /// Records or replaces the restore of an index.
    pub fn set_restore(&self, index: &str, restore: Restore) {
        lock(&self.restores).insert(index.to_owned(), restore);
    }

    /// Changes the restore of an index in place.
    pub fn update_restore(&self, index: &str, change: impl FnOnce(&mut Restore)) {
        if let Some(r) = lock(&self.restores).get_mut(index) {
            change(r);
        }
    }

    /// The restore of an index, if it was restored from a snapshot since the sandbox started.
    pub fn restore(&self, index: &str) -> Option<Restore> {
        lock(&self.restores).get(index).cloned()
    }

    /// Forgets an index's restore (the index was deleted or recreated).
    pub fn forget_restore(&self, index: &str) {
        lock(&self.restores).remove(index);
    }

    /// The health an index has while its restore runs (`red`: primaries not yet recovered), or
    /// `None` when no restore of it is running.
    pub fn restoring_health(&self, index: &str) -> Option<&'static str> {
        lock(&self.restores)
            .get(index)
            .filter(|r| r.stage != RecoveryStage::Done)
            .map(|_| "red")
    }
}
