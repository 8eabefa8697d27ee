//! Plans a transfer: lists both sides, classifies source keys, decides what to copy in which phase.

use std::collections::{BTreeMap, BTreeSet};

use futures::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};

use super::report::{TransferError, TransferReport};
use crate::repository::latest::{self, INDEX_LATEST};
use crate::repository::{CopyPhase, KeyClass, RepositoryData, classify, missing_blobs, paths};

/// One object to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub key: String,
    pub size: u64,
}

/// What to copy, phase by phase, plus what was found on the way.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub phases: BTreeMap<CopyPhase, Vec<Item>>,
    /// The `index.latest` content to write last (captured before listing), if it differs.
    pub latest: Option<bytes::Bytes>,
    pub report: TransferReport,
}

impl Plan {
    pub(crate) fn objects(&self) -> u64 {
        self.phases.values().map(|v| v.len() as u64).sum::<u64>() + u64::from(self.latest.is_some())
    }

    pub(crate) fn bytes(&self) -> u64 {
        self.phases.values().flatten().map(|i| i.size).sum::<u64>()
            + self.latest.as_ref().map_or(0, |b| b.len() as u64)
    }
}

async fn list_all(
    store: &dyn ObjectStore,
    side: &'static str,
) -> Result<BTreeMap<String, u64>, TransferError> {
    store
        .list(None)
        .map_ok(|meta| (meta.location.to_string(), meta.size))
        .try_collect()
        .await
        .map_err(|source| TransferError::List { side, source })
}

async fn get_optional(
    store: &dyn ObjectStore,
    key: &str,
) -> Result<Option<bytes::Bytes>, TransferError> {
    let copy_error = |source| TransferError::Copy {
        key: key.to_owned(),
        source,
    };
    match store.get(&Path::from(key)).await {
        Ok(result) => Ok(Some(result.bytes().await.map_err(copy_error)?)),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(copy_error(e)),
    }
}

pub(crate) async fn plan(
    source: &dyn ObjectStore,
    destination: &dyn ObjectStore,
) -> Result<Plan, TransferError> {
    // Capture the generation first: anything the source writes after this belongs to a later round.
    let latest_bytes = get_optional(source, INDEX_LATEST).await?;
    let captured = latest_bytes.as_deref().map(latest::decode).transpose()?;
    let (source_keys, dest_keys) = futures::try_join!(
        list_all(source, "source"),
        list_all(destination, "destination")
    )?;

    let mut plan = Plan::default();
    let generation = captured.or_else(|| {
        source_keys
            .keys()
            .filter_map(|k| match classify(k) {
                KeyClass::RootIndex { generation } => Some(generation),
                _ => None,
            })
            .max()
    });
    plan.report.generation = generation;

    for (key, &size) in &source_keys {
        let class = classify(key);
        match &class {
            KeyClass::Invalid(issue) => {
                plan.report.invalid_keys.push((key.clone(), *issue));
                continue;
            }
            KeyClass::Unknown => plan.report.unknown_keys.push(key.clone()),
            KeyClass::RootIndex { generation: g } if captured.is_some_and(|n| *g > n) => {
                plan.report.newer_generations.push(key.clone());
                continue;
            }
            // Written from the captured bytes at the very end.
            KeyClass::IndexLatest => continue,
            _ => {}
        }
        let Some(phase) = class.phase() else { continue };
        if dest_keys.get(key) == Some(&size) {
            plan.report.objects_skipped += 1;
            plan.report.bytes_skipped += size;
        } else {
            plan.phases.entry(phase).or_default().push(Item {
                key: key.clone(),
                size,
            });
        }
    }

    if let Some(bytes) = latest_bytes {
        if dest_keys.contains_key(INDEX_LATEST)
            && get_optional(destination, INDEX_LATEST).await?.as_ref() == Some(&bytes)
        {
            plan.report.objects_skipped += 1;
            plan.report.bytes_skipped += bytes.len() as u64;
        } else {
            plan.latest = Some(bytes);
        }
    }

    if let Some(n) = generation {
        let root = paths::root_index(n);
        if !source_keys.contains_key(&root) {
            if captured.is_some() {
                return Err(TransferError::MissingRootIndex(root));
            }
        } else if let Some(bytes) = get_optional(source, &root).await? {
            // An unparseable index-N is copied as it is; the inspector reports what is wrong with it.
            if let Ok(data) = RepositoryData::from_json(&bytes) {
                let present: BTreeSet<String> = source_keys.keys().cloned().collect();
                plan.report.missing_at_source = missing_blobs(n, &data, &present);
            }
        }
    }
    Ok(plan)
}
