//! Transfers between local filesystem stores on the real ES 5.6/6.8/7.10 repositories: byte-identical
//! copies, restorable order, incremental second runs, interruption and resume, new generations.

use std::collections::BTreeMap;
use std::path::Path as FsPath;
use std::sync::{Arc, Mutex};

use crate::common::recording::{Event, Recording};
use crate::common::{FIXTURES, fixture_files, fixture_store, fixtures_dir, transfer_all};
use migrate_store::repository::{CopyPhase, classify, latest};
use migrate_store::{
    FsSpec, StoreSpec, TransferError, TransferOptions, TransferProgress, open, transfer,
};
use object_store::ObjectStore;

fn dir_store(dir: &FsPath) -> Arc<dyn ObjectStore> {
    open(&StoreSpec::Fs(FsSpec {
        root: dir.to_path_buf(),
        base_path: String::new(),
    }))
    .unwrap()
}

/// Every file under `dir` with its content.
fn tree(dir: &FsPath) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let key = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(key, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[tokio::test]
async fn copies_every_fixture_byte_for_byte_and_a_second_run_copies_nothing() {
    for fixture in FIXTURES {
        let dest = tempfile::tempdir().unwrap();
        let files = fixture_files(fixture.name);
        let total: u64 = files.iter().map(|(_, s)| s).sum();
        let options = TransferOptions::default();
        let copy = || {
            transfer(
                fixture_store(fixture.name),
                dir_store(dest.path()),
                &options,
                None,
            )
        };
        let report = copy().await.unwrap();
        assert_eq!(
            report.objects_copied,
            files.len() as u64,
            "{}",
            fixture.name
        );
        assert_eq!(report.bytes_copied, total, "{}", fixture.name);
        assert_eq!(
            (report.objects_skipped, report.generation),
            (0, Some(fixture.generation)),
            "{}",
            fixture.name
        );
        assert!(
            !report.has_restore_problems() && report.unknown_keys.is_empty(),
            "{}: {report:?}",
            fixture.name
        );
        assert_eq!(
            tree(dest.path()),
            tree(&fixtures_dir().join(fixture.name)),
            "{}",
            fixture.name
        );

        let again = copy().await.unwrap();
        assert_eq!(
            (again.objects_copied, again.bytes_copied),
            (0, 0),
            "{}",
            fixture.name
        );
        assert_eq!(
            (again.objects_skipped, again.bytes_skipped),
            (files.len() as u64, total),
            "{}",
            fixture.name
        );
    }
}

#[tokio::test]
async fn lands_phase_after_phase_with_index_latest_last() {
    let dest = tempfile::tempdir().unwrap();
    let recording = Recording::new(dir_store(dest.path()), None);
    let options = TransferOptions {
        concurrency: 4,
        ..TransferOptions::default()
    };
    transfer(
        fixture_store("ES_7_10_BWC_Check"),
        recording.clone(),
        &options,
        None,
    )
    .await
    .unwrap();
    let events = recording.events.lock().unwrap().clone();
    let phase = |k: &str| classify(k).phase().unwrap();
    // Every write starts only after every write of an earlier phase has ended.
    for (i, event) in events.iter().enumerate() {
        let Event::Start(key) = event else { continue };
        for later in &events[i + 1..] {
            if let Event::End(other) = later {
                assert!(
                    phase(other) >= phase(key),
                    "{other} ({}) ended after {key} ({}) started",
                    phase(other),
                    phase(key)
                );
            }
        }
    }
    let started = recording.started();
    assert_eq!(started.last().map(String::as_str), Some("index.latest"));
    let phases: Vec<CopyPhase> = started.iter().map(|k| phase(k)).collect();
    assert!(phases.windows(2).all(|w| w[0] <= w[1]), "{phases:?}");
    assert_eq!(phases.first(), Some(&CopyPhase::Data));
}

#[tokio::test]
async fn an_interrupted_transfer_resumes_without_recopying_finished_objects() {
    let name = "ES_6_8_Single";
    let files = fixture_files(name);
    let dest = tempfile::tempdir().unwrap();
    let options = TransferOptions {
        concurrency: 1,
        ..TransferOptions::default()
    };

    let failing = Recording::new(dir_store(dest.path()), Some(9));
    let err = transfer(fixture_store(name), failing.clone(), &options, None)
        .await
        .unwrap_err();
    assert!(matches!(err, TransferError::Copy { .. }), "{err}");
    assert!(err.to_string().contains("injected failure"), "{err}");
    let after_crash = tree(dest.path());
    assert_eq!(after_crash.len(), 9);
    assert!(
        !after_crash.contains_key("index.latest"),
        "index.latest must only land when everything else did"
    );

    let resuming = Recording::new(dir_store(dest.path()), None);
    let report = transfer(fixture_store(name), resuming.clone(), &options, None)
        .await
        .unwrap();
    assert_eq!(report.objects_copied, (files.len() - 9) as u64);
    assert_eq!(report.objects_skipped, 9);
    let rewritten: Vec<String> = resuming
        .started()
        .into_iter()
        .filter(|k| after_crash.contains_key(k))
        .collect();
    assert_eq!(
        rewritten,
        Vec::<String>::new(),
        "finished objects were copied again"
    );
    assert_eq!(tree(dest.path()), tree(&fixtures_dir().join(name)));
}

/// Copies `name` into a scratch directory, minus the given keys, with `index.latest` set to `gen`.
fn scratch_repository(name: &str, without: &[&str], generation: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (key, _) in fixture_files(name) {
        if without.contains(&key.as_str()) {
            continue;
        }
        let target = dir.path().join(&key);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixtures_dir().join(name).join(&key), &target).unwrap();
    }
    std::fs::write(dir.path().join("index.latest"), latest::encode(generation)).unwrap();
    dir
}

#[tokio::test]
async fn a_new_generation_copies_only_the_new_root_index_and_index_latest() {
    // Round 1: the repository at generation 0 (index-1 not written yet).
    let round1 = scratch_repository("ES_6_8_Single", &["index-1"], 0);
    let dest = tempfile::tempdir().unwrap();
    transfer_all(dir_store(round1.path()), dir_store(dest.path())).await;
    assert_eq!(
        std::fs::read(dest.path().join("index.latest")).unwrap(),
        latest::encode(0)
    );

    // Round 2: generation 1.
    let recording = Recording::new(dir_store(dest.path()), None);
    let report = transfer_all(fixture_store("ES_6_8_Single"), recording.clone()).await;
    assert_eq!(recording.started(), vec!["index-1", "index.latest"]);
    assert_eq!((report.objects_copied, report.generation), (2, Some(1)));
    assert_eq!(
        tree(dest.path()),
        tree(&fixtures_dir().join("ES_6_8_Single"))
    );
}

#[tokio::test]
async fn a_generation_written_during_the_listing_waits_for_the_next_round() {
    // index.latest still says 0 while index-1 already exists: index-1 may reference blobs that were
    // not listed, so it is not copied, and the destination's index.latest says 0.
    let source = scratch_repository("ES_6_8_Single", &[], 0);
    let dest = tempfile::tempdir().unwrap();
    let report = transfer_all(dir_store(source.path()), dir_store(dest.path())).await;
    assert_eq!(report.newer_generations, vec!["index-1"]);
    assert!(!dest.path().join("index-1").exists());
    assert_eq!(
        std::fs::read(dest.path().join("index.latest")).unwrap(),
        latest::encode(0)
    );
}

#[tokio::test]
async fn blobs_missing_at_the_source_and_unknown_keys_are_reported() {
    let gone = "indices/nkLPabE1RNC2nvGEnmRO2Q/0/snap-5imyqv54TKyHTPTCOAOt2g.dat";
    let source = scratch_repository("ES_6_8_Single", &[gone], 1);
    std::fs::write(source.path().join("notes.txt"), "hand-made").unwrap();
    let dest = tempfile::tempdir().unwrap();
    let report = transfer_all(dir_store(source.path()), dir_store(dest.path())).await;
    assert_eq!(report.missing_at_source, vec![gone]);
    assert_eq!(report.unknown_keys, vec!["notes.txt"]);
    assert!(report.has_restore_problems());
}

#[tokio::test]
async fn progress_counts_up_to_the_totals() {
    let name = "ES_7_10_Single";
    let files = fixture_files(name);
    let total: u64 = files.iter().map(|(_, s)| s).sum();
    let seen: Arc<Mutex<Vec<TransferProgress>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let dest = tempfile::tempdir().unwrap();
    transfer(
        fixture_store(name),
        dir_store(dest.path()),
        &TransferOptions::default(),
        Some(Arc::new(move |p: &TransferProgress| {
            sink.lock().unwrap().push(p.clone())
        })),
    )
    .await
    .unwrap();
    let seen = seen.lock().unwrap();
    let last = seen.last().unwrap();
    assert_eq!(
        (last.objects_done, last.objects_total),
        (files.len() as u64, files.len() as u64)
    );
    assert_eq!((last.bytes_done, last.bytes_total), (total, total));
    assert_eq!(last.phase, CopyPhase::IndexLatest);
    assert!(seen.iter().all(|p| p.bytes_done <= total
        && p.objects_done <= files.len() as u64
        && p.bytes_total == total));
    assert!(last.bytes_per_second > 0.0);
}

#[tokio::test]
async fn the_progress_watch_holds_the_final_report() {
    let name = "ES_6_8_Updates_Deletes_Merged";
    let files = fixture_files(name);
    let (sink, receiver) = migrate_store::transfer::progress_watch();
    assert_eq!(*receiver.borrow(), None);
    let dest = tempfile::tempdir().unwrap();
    transfer(
        fixture_store(name),
        dir_store(dest.path()),
        &TransferOptions::default(),
        Some(sink),
    )
    .await
    .unwrap();
    let last = receiver.borrow().clone().unwrap();
    assert_eq!(
        (last.objects_done, last.objects_total),
        (files.len() as u64, files.len() as u64)
    );
    assert_eq!(last.eta, Some(std::time::Duration::ZERO));
}
