//! Bringing a shard's Lucene files from the store into a local directory: each file rebuilt from
//! its blobs (parts joined in order, `v__` files from the metadata), streamed to disk and checked
//! against the snapshot's length and checksum as it arrives (memory stays bounded by the store's
//! chunk size, whatever the shard's size). A file already present with the right length and
//! checksum (an earlier, interrupted run) is kept; a damaged one is fetched again.

use std::io::{Read, Write};
use std::path::{Path as FsPath, PathBuf};

use futures::StreamExt;
use migrate_repo::model::{FileInfo, ShardSnapshot};
use migrate_repo::reassemble::{FileSource, Verifier, plan};
use object_store::ObjectStoreExt;
use object_store::path::Path;

use crate::error::{Result, ShardError};
use crate::snapshot::{ShardRef, SnapshotSource};

/// A shard's files, fetched and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedShard {
    /// The local directory holding them.
    pub dir: PathBuf,
    /// The Lucene files, by name.
    pub files: Vec<String>,
    /// Their total size in bytes.
    pub bytes: u64,
    /// The bytes actually downloaded (files already present and intact are not).
    pub downloaded: u64,
}

impl SnapshotSource {
    /// Fetches every Lucene file of `shard` into `dir` (created if needed), verifying each.
    /// A file whose blob is missing, truncated or altered is an error naming index, shard, file and
    /// blob; the partial file is removed.
    pub async fn fetch(&self, shard: &ShardRef, dir: &FsPath) -> Result<FetchedShard> {
        let snapshot = self.shard_snapshot(shard).await?;
        self.fetch_files(shard, &snapshot, dir).await
    }

    /// As [`SnapshotSource::fetch`], for a shard snapshot already read.
    pub async fn fetch_files(
        &self,
        shard: &ShardRef,
        snapshot: &ShardSnapshot,
        dir: &FsPath,
    ) -> Result<FetchedShard> {
        let scratch = |path: &FsPath, source: std::io::Error| ShardError::Scratch {
            index: shard.index.clone(),
            shard: shard.shard,
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|e| scratch(dir, e))?;
        let mut fetched = FetchedShard {
            dir: dir.to_owned(),
            files: Vec::new(),
            bytes: 0,
            downloaded: 0,
        };
        for file in &snapshot.files {
            if file.physical_name.contains(['/', '\\']) || file.physical_name.starts_with('.') {
                return Err(file_error(
                    shard,
                    file,
                    "is not a Lucene file name".to_owned(),
                ));
            }
            let target = dir.join(&file.physical_name);
            if !already_fetched(&target, file) {
                fetched.downloaded += self.fetch_file(shard, file, &target).await?;
            }
            fetched.files.push(file.physical_name.clone());
            fetched.bytes += file.length;
        }
        Ok(fetched)
    }

    async fn fetch_file(&self, shard: &ShardRef, file: &FileInfo, target: &FsPath) -> Result<u64> {
        let plan =
            plan(&shard.folder(), file).map_err(|e| file_error(shard, file, e.to_string()))?;
        let mut verifier =
            Verifier::new(file).map_err(|e| file_error(shard, file, e.to_string()))?;
        let partial = target.with_extension("partial");
        let scratch = |source: std::io::Error| ShardError::Scratch {
            index: shard.index.clone(),
            shard: shard.shard,
            path: partial.display().to_string(),
            source,
        };
        let mut out = std::io::BufWriter::new(std::fs::File::create(&partial).map_err(scratch)?);
        let mut written = 0u64;
        let result: Result<()> = async {
            match plan.source {
                FileSource::Inline(bytes) => {
                    verifier.update(&bytes);
                    out.write_all(&bytes).map_err(scratch)?;
                }
                FileSource::Blobs(keys) => {
                    for key in keys {
                        let blob = |e: object_store::Error| {
                            file_error(shard, file, format!("reading blob `{key}` failed: {e}"))
                        };
                        let mut stream = self
                            .store()
                            .get(&Path::from(key.as_str()))
                            .await
                            .map_err(blob)?
                            .into_stream();
                        while let Some(chunk) = stream.next().await {
                            let chunk = chunk.map_err(blob)?;
                            written += chunk.len() as u64;
                            if written > file.length {
                                return Err(file_error(
                                    shard,
                                    file,
                                    format!(
                                        "its blobs hold more than the {} bytes the snapshot records (blob `{key}`)",
                                        file.length
                                    ),
                                ));
                            }
                            verifier.update(&chunk);
                            out.write_all(&chunk).map_err(scratch)?;
                        }
                    }
                }
            }
            verifier
                .finish()
                .map_err(|e| file_error(shard, file, e.to_string()))?;
            out.flush().map_err(scratch)?;
            Ok(())
        }
        .await;
        drop(out);
        if let Err(e) = result {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        std::fs::rename(&partial, target).map_err(|e| ShardError::Scratch {
            index: shard.index.clone(),
            shard: shard.shard,
            path: target.display().to_string(),
            source: e,
        })?;
        Ok(written)
    }
}

fn file_error(shard: &ShardRef, file: &FileInfo, detail: String) -> ShardError {
    ShardError::File {
        index: shard.index.clone(),
        shard: shard.shard,
        file: file.physical_name.clone(),
        detail,
    }
}

/// Whether `path` already holds `file` intact (length, footer checksum and CRC32 as recorded).
fn already_fetched(path: &FsPath, file: &FileInfo) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if meta.len() != file.length {
        return false;
    }
    let Ok(mut verifier) = Verifier::new(file) else {
        return false;
    };
    let Ok(mut input) = std::fs::File::open(path) else {
        return false;
    };
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => verifier.update(&buf[..n]),
            Err(_) => return false,
        }
    }
    verifier.finish().is_ok()
}
