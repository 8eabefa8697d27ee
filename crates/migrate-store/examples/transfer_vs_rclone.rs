//! Benchmark: `migrate`'s repository transfer against `rclone sync`, side by side in one run, on
//! the same SeaweedFS S3 server and the same snapshot-shaped tree (≥ 5,000 small blobs and a few
//! ≥ 64 MiB ones), bucket to bucket. Not part of CI; needs `rclone` on PATH and SeaweedFS
//! (`cargo xtask services`). Run:
//!
//! ```sh
//! cargo xtask services
//! cargo run --release -p migrate-store --features test-support --example transfer_vs_rclone
//! ```
//!
//! rclone gets two remote names for the one server so it streams (no server-side copy), as it
//! must between two providers; both tools use 16 parallel transfers.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use migrate_store::repository::{latest, paths};
use migrate_store::{FsSpec, StoreSpec, TransferOptions, open, transfer};
use migrate_test_support::S3Server;
use object_store::ObjectStore;

const SMALL_BLOBS: usize = 5_000;
const LARGE_BLOBS: usize = 3;
const LARGE_SIZE: usize = 64 * 1024 * 1024;
const CONCURRENCY: usize = 16;
const INDICES: usize = 10;
const SHARDS: u32 = 5;

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1);
    let tree = tempfile::tempdir()?;
    let (objects, bytes) = write_tree(tree.path())?;
    println!(
        "tree: {objects} objects, {:.1} MiB",
        bytes as f64 / 1048576.0
    );

    let server = S3Server::start("bench-key", "bench-secret").await?;
    server.create_bucket("source").await?;
    let local = open(&StoreSpec::Fs(FsSpec {
        root: tree.path().to_path_buf(),
        base_path: String::new(),
    }))?;
    let source = open(&server.spec("source", "repo"))?;
    transfer(
        local,
        Arc::clone(&source),
        &TransferOptions::default(),
        None,
    )
    .await?;

    let mut results = Vec::new();
    for round in 1..=rounds {
        let bucket = format!("migrate-{round}");
        server.create_bucket(&bucket).await?;
        let dest = open(&server.spec(&bucket, "repo"))?;
        let options = TransferOptions {
            concurrency: CONCURRENCY,
            ..TransferOptions::default()
        };
        let started = Instant::now();
        let report = transfer(Arc::clone(&source), Arc::clone(&dest), &options, None).await?;
        let migrate = started.elapsed();
        assert_eq!(report.objects_copied, objects);
        check_copy(dest.as_ref(), objects, bytes).await?;

        let bucket = format!("rclone-{round}");
        server.create_bucket(&bucket).await?;
        let started = Instant::now();
        rclone_sync(&server, &bucket)?;
        let rclone = started.elapsed();
        check_copy(
            open(&server.spec(&bucket, "repo"))?.as_ref(),
            objects,
            bytes,
        )
        .await?;

        let rate = |d: Duration| bytes as f64 / 1048576.0 / d.as_secs_f64();
        println!(
            "round {round}: migrate {:.2} s ({:.1} MiB/s, {:.0} objects/s) | rclone sync {:.2} s ({:.1} MiB/s) | throughput ratio migrate/rclone = {:.2}",
            migrate.as_secs_f64(),
            rate(migrate),
            objects as f64 / migrate.as_secs_f64(),
            rclone.as_secs_f64(),
            rate(rclone),
            rclone.as_secs_f64() / migrate.as_secs_f64()
        );
        results.push((migrate, rclone));
    }
    let total_migrate: f64 = results.iter().map(|(m, _)| m.as_secs_f64()).sum();
    let total_rclone: f64 = results.iter().map(|(_, r)| r.as_secs_f64()).sum();
    println!(
        "overall throughput ratio migrate/rclone = {:.2} over {rounds} round(s)",
        total_rclone / total_migrate
    );
    Ok(())
}

fn rclone_sync(server: &S3Server, bucket: &str) -> Result<(), Error> {
    let mut command = Command::new("rclone");
    // The AWS SDK inside rclone refuses a custom CA bundle with its transport; the endpoint is plain HTTP.
    command.env_remove("AWS_CA_BUNDLE");
    command.args([
        "sync",
        "srcs3:source/repo",
        &format!("dsts3:{bucket}/repo"),
        "--transfers",
        &CONCURRENCY.to_string(),
        "--checkers",
        &CONCURRENCY.to_string(),
        "--config",
        "/dev/null",
    ]);
    for remote in ["SRCS3", "DSTS3"] {
        for (key, value) in [
            ("TYPE", "s3"),
            ("PROVIDER", "Other"),
            ("ENDPOINT", server.endpoint()),
            ("REGION", "us-east-1"),
            ("ACCESS_KEY_ID", server.access_key()),
            ("SECRET_ACCESS_KEY", "bench-secret"),
        ] {
            command.env(format!("RCLONE_CONFIG_{remote}_{key}"), value);
        }
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run rclone (apt-get install rclone): {e}"))?;
    if !status.success() {
        return Err(format!("rclone sync failed: {status}").into());
    }
    Ok(())
}

async fn check_copy(store: &dyn ObjectStore, objects: u64, bytes: u64) -> Result<(), Error> {
    let metas: Vec<_> = store.list(None).try_collect().await?;
    let size: u64 = metas.iter().map(|m| m.size).sum();
    if metas.len() as u64 != objects || size != bytes {
        return Err(format!("incomplete copy: {} objects, {size} bytes", metas.len()).into());
    }
    Ok(())
}

/// Deterministic pseudo-random bytes.
fn fill(buf: &mut [u8], seed: u64) {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for chunk in buf.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let bytes = x.to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
}

fn put(root: &Path, key: &str, bytes: &[u8]) -> Result<(), Error> {
    let path = root.join(key);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)?;
    Ok(())
}

/// A 7.x-shaped repository: data blobs (`__*`) spread over indices and shards, shard metadata,
/// index metadata, snapshot metadata, `index-0` and `index.latest`. Returns (objects, bytes).
fn write_tree(root: &Path) -> Result<(u64, u64), Error> {
    let (mut objects, mut bytes) = (0u64, 0u64);
    let mut record = |root: &Path, key: &str, content: &[u8]| -> Result<(), Error> {
        put(root, key, content)?;
        objects += 1;
        bytes += content.len() as u64;
        Ok(())
    };
    let mut buf = vec![0u8; LARGE_SIZE + LARGE_BLOBS * 4096];
    let snapshot = "benchSnapshotUuid00000";
    let mut indices = serde_json::Map::new();
    for i in 0..SMALL_BLOBS + LARGE_BLOBS {
        let index = format!("index-id-{:02}", i % INDICES);
        let shard = (i / INDICES) as u32 % SHARDS;
        let size = if i < LARGE_BLOBS {
            LARGE_SIZE + i * 4096
        } else {
            1024 + (i * 7919) % (31 * 1024)
        };
        fill(&mut buf[..size], i as u64);
        record(
            root,
            &paths::data_blob(&index, shard, &format!("blob{i:06}")),
            &buf[..size],
        )?;
    }
    for n in 0..INDICES {
        let index = format!("index-id-{n:02}");
        for shard in 0..SHARDS {
            record(
                root,
                &paths::shard_snapshot(&index, shard, snapshot),
                &[7u8; 600],
            )?;
            record(
                root,
                &paths::shard_index(&index, shard, &format!("gen{n}{shard}")),
                &[8u8; 900],
            )?;
        }
        record(
            root,
            &paths::index_metadata(&index, &format!("meta{n}")),
            &[9u8; 2000],
        )?;
        indices.insert(
            format!("bench-{n}"),
            serde_json::json!({"id": index, "snapshots": [snapshot]}),
        );
    }
    record(root, &paths::snapshot_info(snapshot), &[1u8; 300])?;
    record(root, &paths::global_metadata(snapshot), &[2u8; 5000])?;
    let data = serde_json::json!({"snapshots": [{"name": "bench", "uuid": snapshot, "state": 1}], "indices": indices});
    record(root, &paths::root_index(0), data.to_string().as_bytes())?;
    record(root, "index.latest", &latest::encode(0))?;
    Ok((objects, bytes))
}
