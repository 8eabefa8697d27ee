//! Transfers against a real S3 server (SeaweedFS, installed by `cargo xtask test`) on the real
//! ES 5.6/6.8/7.10 repositories: fs → S3, S3 → S3 between buckets, multipart for large blobs, and a
//! transfer killed mid-way that resumes without rewriting what it finished.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::common::recording::Recording;
use crate::common::{FIXTURES, contents, fixture_contents, fixture_store};
use migrate_store::repository::{latest, paths};
use migrate_store::{TransferOptions, TransferProgress, open, transfer};
use migrate_test_support::S3Server;
use object_store::memory::InMemory;
use object_store::{ObjectStoreExt, PutPayload, path::Path};

async fn server() -> S3Server {
    let server = S3Server::start("transfer-key", "transfer-secret")
        .await
        .unwrap();
    server.create_bucket("first").await.unwrap();
    server.create_bucket("second").await.unwrap();
    server
}

#[tokio::test]
async fn fs_to_s3_and_s3_to_s3_copy_every_fixture_byte_for_byte_once() {
    let server = server().await;
    let options = TransferOptions::default();
    for fixture in FIXTURES {
        let expected = fixture_contents(fixture.name);
        let base = format!("repos/{}", fixture.name);
        let first = open(&server.spec("first", &base)).unwrap();
        let second = open(&server.spec("second", &base)).unwrap();

        let legs = [
            ("fs → s3", fixture_store(fixture.name), Arc::clone(&first)),
            ("s3 → s3", first, second),
        ];
        for (leg, source, dest) in legs {
            let report = transfer(Arc::clone(&source), Arc::clone(&dest), &options, None)
                .await
                .unwrap();
            assert_eq!(
                report.objects_copied,
                expected.len() as u64,
                "{leg} {}",
                fixture.name
            );
            assert_eq!(
                contents(dest.as_ref()).await,
                expected,
                "{leg} {}",
                fixture.name
            );
            let again = transfer(source, dest, &options, None).await.unwrap();
            assert_eq!(
                (again.objects_copied, again.objects_skipped),
                (0, expected.len() as u64),
                "{leg} again {}",
                fixture.name
            );
        }
    }
}

/// Deterministic, non-repeating content.
fn blob(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[tokio::test]
async fn large_blobs_stream_as_multipart_and_arrive_intact() {
    let server = server().await;
    let source = Arc::new(InMemory::new());
    let big = [
        (
            paths::data_blob("idx", 0, "big"),
            blob(17 * 1024 * 1024 + 3, 1),
        ),
        (
            paths::data_blob("idx", 1, "exact"),
            blob(10 * 1024 * 1024, 2),
        ),
        (paths::data_blob("idx", 1, "small"), blob(1000, 3)),
        (
            "index-0".to_owned(),
            br#"{"snapshots":[],"indices":{}}"#.to_vec(),
        ),
        ("index.latest".to_owned(), latest::encode(0).to_vec()),
    ];
    for (key, bytes) in &big {
        source
            .put(&Path::from(key.as_str()), PutPayload::from(bytes.clone()))
            .await
            .unwrap();
    }
    let dest = open(&server.spec("first", "multipart")).unwrap();
    let recording = Recording::new(Arc::clone(&dest), None);
    let options = TransferOptions {
        concurrency: 2,
        part_size: 5 * 1024 * 1024,
        parts_in_flight: 2,
    };
    let report = transfer(source, recording.clone(), &options, None)
        .await
        .unwrap();
    assert_eq!(report.objects_copied, 5);
    let expected: BTreeMap<String, Vec<u8>> = big.into_iter().collect();
    assert_eq!(contents(dest.as_ref()).await, expected);
    let mut multipart = recording.multipart.lock().unwrap().clone();
    multipart.sort();
    assert_eq!(
        multipart,
        vec!["indices/idx/0/__big", "indices/idx/1/__exact"]
    );
}

#[tokio::test]
async fn a_transfer_killed_mid_way_resumes_without_rewriting_finished_objects() {
    let server = server().await;
    let name = "ES_7_10_Updates_Deletes_w_Soft";
    let expected = fixture_contents(name);
    let dest = open(&server.spec("first", "killed")).unwrap();
    let options = TransferOptions {
        concurrency: 2,
        ..TransferOptions::default()
    };

    // Drop the transfer future (as a kill would stop it) once 5 objects are done.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let progress = Arc::new(move |p: &TransferProgress| {
        if p.objects_done >= 5 {
            let _ = stop_tx.send(true);
        }
    });
    let mut stop_rx = stop_rx;
    tokio::select! {
        result = transfer(fixture_store(name), Arc::clone(&dest), &options, Some(progress)) => {
            panic!("the transfer should have been interrupted, it ended with {result:?}");
        }
        _ = stop_rx.wait_for(|stop| *stop) => {}
    }
    let after_kill = contents(dest.as_ref()).await;
    assert!(
        after_kill.len() >= 5 && after_kill.len() < expected.len(),
        "{}",
        after_kill.len()
    );
    assert!(!after_kill.contains_key("index.latest"));
    for (key, bytes) in &after_kill {
        assert_eq!(
            Some(bytes),
            expected.get(key),
            "{key} landed complete or not at all"
        );
    }

    let recording = Recording::new(Arc::clone(&dest), None);
    let report = transfer(fixture_store(name), recording.clone(), &options, None)
        .await
        .unwrap();
    let rewritten: Vec<String> = recording
        .started()
        .into_iter()
        .filter(|k| after_kill.contains_key(k))
        .collect();
    assert_eq!(rewritten, Vec::<String>::new());
    assert_eq!(
        report.objects_copied as usize,
        expected.len() - after_kill.len()
    );
    assert_eq!(contents(dest.as_ref()).await, expected);
}
