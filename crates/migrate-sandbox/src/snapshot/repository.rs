//! A snapshot repository over any object store: reads and writes its blobs in the real layout
//! (`migrate_store::repository::paths`), and commits changes by writing a new root `index-N` (never
//! overwritten; created only if absent) and then `index.latest`.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use futures::TryStreamExt;
use migrate_store::repository::latest::{self, INDEX_LATEST};
use migrate_store::repository::{
    RepositoryData, RepositoryReadError, RepositoryView, paths, read_repository,
};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde_json::Value;
use thiserror::Error;

use super::blob::{self, BlobError, Codec};
use super::info::SnapshotInfo;

/// A repository operation failed.
#[derive(Debug, Error)]
pub enum RepositoryError {
    /// The store failed.
    #[error("{0}")]
    Store(#[from] object_store::Error),
    /// The repository data could not be read.
    #[error("{0}")]
    Read(#[from] RepositoryReadError),
    /// A blob is malformed.
    #[error("[{key}] {source}")]
    Blob {
        /// The key.
        key: String,
        /// What is wrong.
        #[source]
        source: BlobError,
    },
    /// A blob's content does not have the expected fields.
    #[error("[{key}] {reason}")]
    Malformed {
        /// The key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// Another writer committed a generation first.
    #[error(
        "concurrent modification of the index-N file, expected current generation [{expected}], actual current generation [{found}]"
    )]
    Concurrent {
        /// The generation this writer read.
        expected: i64,
        /// The generation found.
        found: i64,
    },
    /// No snapshot by this name.
    #[error("[{0}] is missing")]
    SnapshotMissing(String),
}

/// A snapshot repository rooted at a store's base path.
#[derive(Debug, Clone)]
pub struct BlobRepository {
    store: Arc<dyn ObjectStore>,
}

/// The repository's current state: generation `-1` and no data when empty.
#[derive(Debug, Clone, Default)]
pub struct Current {
    /// The generation of the root `index-N` read (`-1` when the repository is empty).
    pub generation: i64,
    /// The repository data.
    pub data: RepositoryData,
}

impl BlobRepository {
    /// A repository over `store` (already rooted at the base path).
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        BlobRepository { store }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// Reads `index.latest` → `index-N`; an empty repository is generation `-1`.
    pub async fn current(&self) -> Result<Current, RepositoryError> {
        match read_repository(self.store.as_ref()).await {
            Ok(RepositoryView {
                generation, data, ..
            }) => Ok(Current {
                generation: i64::try_from(generation).unwrap_or(i64::MAX),
                data,
            }),
            Err(RepositoryReadError::Empty) => Ok(Current {
                generation: -1,
                data: RepositoryData::default(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Commits `data` as generation `expected + 1`: writes `index-N` only if absent, then
    /// `index.latest`. Fails with [`RepositoryError::Concurrent`] when the generation moved.
    pub async fn commit(
        &self,
        expected: i64,
        data: &RepositoryData,
    ) -> Result<u64, RepositoryError> {
        let now = self.current().await?;
        if now.generation != expected {
            return Err(RepositoryError::Concurrent {
                expected,
                found: now.generation,
            });
        }
        let generation = u64::try_from(expected + 1).unwrap_or(0);
        let key = paths::root_index(generation);
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .store
            .put_opts(
                &Path::from(key.as_str()),
                PutPayload::from(data.to_json()),
                options,
            )
            .await
        {
            Ok(_) => {}
            Err(object_store::Error::AlreadyExists { .. }) => {
                return Err(RepositoryError::Concurrent {
                    expected,
                    found: expected + 1,
                });
            }
            Err(e) => return Err(e.into()),
        }
        self.put(
            INDEX_LATEST,
            Bytes::copy_from_slice(&latest::encode(generation)),
        )
        .await?;
        Ok(generation)
    }

    /// Writes a blob.
    pub async fn put(&self, key: &str, bytes: impl Into<Bytes>) -> Result<(), RepositoryError> {
        self.store
            .put(&Path::from(key), PutPayload::from(bytes.into()))
            .await?;
        Ok(())
    }

    /// Reads a blob.
    pub async fn get(&self, key: &str) -> Result<Bytes, RepositoryError> {
        Ok(self.store.get(&Path::from(key)).await?.bytes().await?)
    }

    /// Reads a blob, `None` when absent.
    pub async fn get_opt(&self, key: &str) -> Result<Option<Bytes>, RepositoryError> {
        match self.store.get(&Path::from(key)).await {
            Ok(result) => Ok(Some(result.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes a framed JSON blob.
    pub async fn put_framed(
        &self,
        key: &str,
        codec: Codec,
        content: &Value,
    ) -> Result<(), RepositoryError> {
        self.put(key, blob::encode(codec, content)).await
    }

    /// Reads a framed JSON blob.
    pub async fn get_framed(&self, key: &str, codec: Codec) -> Result<Value, RepositoryError> {
        let bytes = self.get(key).await?;
        blob::decode(codec, &bytes).map_err(|source| RepositoryError::Blob {
            key: key.to_owned(),
            source,
        })
    }

    /// Deletes a blob; absent is fine.
    pub async fn delete(&self, key: &str) -> Result<(), RepositoryError> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The keys under a folder (recursively), relative to the repository root.
    pub async fn list(&self, folder: &str) -> Result<Vec<String>, RepositoryError> {
        let prefix = Path::from(folder);
        let metas: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
        Ok(metas.into_iter().map(|m| m.location.to_string()).collect())
    }

    /// Deletes everything under a folder.
    pub async fn delete_folder(&self, folder: &str) -> Result<(), RepositoryError> {
        for key in self.list(folder).await? {
            self.delete(&key).await?;
        }
        Ok(())
    }

    /// Reads a snapshot's root `snap-<uuid>.dat`.
    pub async fn snapshot_info(&self, uuid: &str) -> Result<SnapshotInfo, RepositoryError> {
        let key = paths::snapshot_info(uuid);
        let value = self.get_framed(&key, Codec::Snapshot).await?;
        SnapshotInfo::from_blob(value).map_err(|e| RepositoryError::Malformed {
            key,
            reason: e.to_string(),
        })
    }

    /// What registration verification does: writes `tests-<seed>/master.dat` and
    /// `tests-<seed>/data-<node>.dat`, reads them back, deletes them.
    pub async fn verify(&self, node_id: &str) -> Result<(), RepositoryError> {
        let seed = new_id();
        let folder = format!("tests-{seed}");
        let master = format!("{folder}/master.dat");
        let data = format!("{folder}/data-{node_id}.dat");
        self.put(&master, Bytes::from(seed.clone().into_bytes()))
            .await?;
        self.put(&data, Bytes::from(seed.clone().into_bytes()))
            .await?;
        let read = self.get(&master).await?;
        if read.as_ref() != seed.as_bytes() {
            return Err(RepositoryError::Malformed {
                key: master,
                reason: "read back different bytes than written".into(),
            });
        }
        self.delete(&data).await?;
        self.delete(&master).await?;
        Ok(())
    }
}

/// A new 22-character URL-safe id, the form of Elasticsearch's UUIDs.
pub fn new_id() -> String {
    URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
}
