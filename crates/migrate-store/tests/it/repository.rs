//! The repository layout module against real repositories written by ES 5.6, 6.8 and 7.10.

use std::collections::BTreeSet;

use crate::common::{FIXTURES, fixture_files, fixture_store, fixtures_dir};
use migrate_store::repository::{
    CopyPhase, KeyClass, RepositoryData, RepositoryReadError, classify, latest, missing_blobs,
    read_repository,
};
use object_store::memory::InMemory;
use object_store::{ObjectStoreExt, PutPayload, path::Path};

#[tokio::test]
async fn reads_snapshots_and_indices_of_every_fixture() {
    for fixture in FIXTURES {
        let view = read_repository(fixture_store(fixture.name).as_ref())
            .await
            .unwrap();
        assert_eq!(view.generation, fixture.generation, "{}", fixture.name);
        assert_eq!(view.latest, Some(latest::encode(fixture.generation)));
        let names: Vec<&str> = view
            .data
            .snapshots
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, fixture.snapshots, "{}", fixture.name);
        let indices: Vec<&str> = view.data.indices.keys().map(String::as_str).collect();
        assert_eq!(indices, fixture.indices, "{}", fixture.name);
        let uuid = &view.data.snapshots[0].uuid;
        assert_eq!(
            view.data.indices_of(uuid),
            fixture.indices,
            "{}",
            fixture.name
        );
    }
}

#[test]
fn every_fixture_key_has_a_known_role_and_nothing_is_missing() {
    for fixture in FIXTURES {
        let files = fixture_files(fixture.name);
        let mut phases = BTreeSet::new();
        for (key, _) in &files {
            let class = classify(key);
            assert!(
                !matches!(class, KeyClass::Unknown | KeyClass::Invalid(_)),
                "{}: {key} is {class:?}",
                fixture.name
            );
            phases.insert(class.phase().unwrap());
        }
        assert_eq!(
            phases.len(),
            CopyPhase::ALL.len(),
            "{}: every phase is represented",
            fixture.name
        );
        let present: BTreeSet<String> = files.into_iter().map(|(k, _)| k).collect();
        let root = fixtures_dir().join(fixture.name);
        let bytes = std::fs::read(root.join(format!("index-{}", fixture.generation))).unwrap();
        let data = RepositoryData::from_json(&bytes).unwrap();
        assert_eq!(
            missing_blobs(fixture.generation, &data, &present),
            Vec::<String>::new(),
            "{}",
            fixture.name
        );
    }
}

#[test]
fn a_missing_referenced_blob_is_reported() {
    let files = fixture_files("ES_7_10_Single");
    let mut present: BTreeSet<String> = files.into_iter().map(|(k, _)| k).collect();
    for gone in [
        "indices/TKzEIy9ASTq-FuWhogYPHw/0/snap-7_1RHMshSc6c0cuzX1NCDg.dat",
        "indices/eQUBLj-GTUWh6FHH9ectQA/meta-ekO-Zo4B5P7rRiUeQFTe.dat",
        "indices/eQUBLj-GTUWh6FHH9ectQA/0/index-kR2pmiZPTLODhFjMy9LK2A",
        "meta-7_1RHMshSc6c0cuzX1NCDg.dat",
    ] {
        assert!(present.remove(gone), "{gone} is in the fixture");
    }
    let bytes = std::fs::read(fixtures_dir().join("ES_7_10_Single/index-1")).unwrap();
    let data = RepositoryData::from_json(&bytes).unwrap();
    assert_eq!(
        missing_blobs(1, &data, &present),
        vec![
            "indices/TKzEIy9ASTq-FuWhogYPHw/0/snap-7_1RHMshSc6c0cuzX1NCDg.dat",
            "indices/eQUBLj-GTUWh6FHH9ectQA/0/index-kR2pmiZPTLODhFjMy9LK2A",
            "indices/eQUBLj-GTUWh6FHH9ectQA/meta-ekO-Zo4B5P7rRiUeQFTe.dat",
            "meta-7_1RHMshSc6c0cuzX1NCDg.dat",
        ]
    );
}

#[test]
fn every_fixture_index_n_round_trips_through_the_types() {
    for fixture in FIXTURES {
        for (key, _) in fixture_files(fixture.name) {
            if !matches!(classify(&key), KeyClass::RootIndex { .. }) {
                continue;
            }
            let bytes = std::fs::read(fixtures_dir().join(fixture.name).join(&key)).unwrap();
            let data = RepositoryData::from_json(&bytes).unwrap();
            let original: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let written: serde_json::Value = serde_json::from_slice(&data.to_json()).unwrap();
            assert_eq!(written, original, "{}/{key}", fixture.name);
        }
    }
}

#[test]
fn the_7x_index_metadata_blob_comes_from_the_identifiers() {
    let bytes = std::fs::read(fixtures_dir().join("ES_7_10_BWC_Check/index-0")).unwrap();
    let data = RepositoryData::from_json(&bytes).unwrap();
    let snapshot = data.snapshot("rfs-snapshot").unwrap();
    assert_eq!(
        data.index_metadata_blob_id(snapshot, "0edrmuSPR1CIr2B6BZbMJA"),
        Some("4FiaNJIBxXZFvc_xLY-F")
    );
    assert_eq!(
        data.indices["bwc_index_1"].shard_generations,
        Some(vec![Some("tGRrEPUKTuWK_eyviXSHvg".to_owned())])
    );
    assert_eq!(data.min_version.as_deref(), Some("7.9.0"));
}

#[tokio::test]
async fn without_index_latest_the_highest_root_generation_is_read() {
    let store = InMemory::new();
    let old = br#"{"snapshots":[],"indices":{}}"#.to_vec();
    let new = br#"{"snapshots":[{"name":"b","uuid":"U","state":1}],"indices":{}}"#.to_vec();
    store
        .put(&Path::from("index-2"), PutPayload::from(old))
        .await
        .unwrap();
    store
        .put(&Path::from("index-10"), PutPayload::from(new))
        .await
        .unwrap();
    let view = read_repository(&store).await.unwrap();
    assert_eq!((view.generation, view.latest), (10, None));
    assert_eq!(view.data.snapshots[0].name, "b");
}

#[tokio::test]
async fn read_errors_say_what_is_wrong() {
    let store = InMemory::new();
    let err = read_repository(&store).await.unwrap_err();
    assert!(matches!(err, RepositoryReadError::Empty));
    assert_eq!(
        err.to_string(),
        "no snapshot repository here: neither `index.latest` nor any root `index-N` exists"
    );

    store
        .put(
            &Path::from("index.latest"),
            PutPayload::from(latest::encode(4).to_vec()),
        )
        .await
        .unwrap();
    let err = read_repository(&store).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "`index.latest` points at `index-4`, which does not exist"
    );

    store
        .put(
            &Path::from("index-4"),
            PutPayload::from_static(b"{not json"),
        )
        .await
        .unwrap();
    let err = read_repository(&store).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("`index-4` is not valid snapshot repository data: "),
        "{err}"
    );

    store
        .put(
            &Path::from("index.latest"),
            PutPayload::from_static(b"\x01"),
        )
        .await
        .unwrap();
    let err = read_repository(&store).await.unwrap_err();
    assert!(err.to_string().contains("found 1 bytes"), "{err}");
}

#[tokio::test]
async fn the_inspector_lists_each_fixture_exactly() {
    for fixture in FIXTURES {
        let inspection = migrate_store::inspect(fixture_store(fixture.name).as_ref())
            .await
            .unwrap();
        assert_eq!(inspection.generation, fixture.generation);
        let snapshots: Vec<&str> = inspection
            .snapshots
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(snapshots, fixture.snapshots, "{}", fixture.name);
        let indices: Vec<&str> = inspection.indices.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(indices, fixture.indices, "{}", fixture.name);
        assert_eq!(
            inspection.snapshots[0].indices, fixture.indices,
            "{}",
            fixture.name
        );
        assert_eq!(
            inspection.snapshots[0].state,
            Some("SUCCESS"),
            "{}",
            fixture.name
        );
        let seven = fixture.name.starts_with("ES_7");
        assert_eq!(
            inspection.format,
            if seven { "7.x" } else { "5.x/6.x" },
            "{}",
            fixture.name
        );
    }
}

#[tokio::test]
async fn the_inspector_renders_a_table() {
    let inspection = migrate_store::inspect(fixture_store("ES_7_10_Single").as_ref())
        .await
        .unwrap();
    assert_eq!(
        inspection.render_text("file:///repo"),
        "repository file:///repo: generation 1 (index.latest), format 7.x, min_version 7.9.0\n\
         SNAPSHOT               STATE    VERSION  INDICES\n\
         global_state_snapshot  SUCCESS  7.10.2   posts_2023_02_25,posts_2024_01_01\n\
         INDEX             ID                      SHARDS  SNAPSHOTS\n\
         posts_2023_02_25  eQUBLj-GTUWh6FHH9ectQA  1       global_state_snapshot\n\
         posts_2024_01_01  TKzEIy9ASTq-FuWhogYPHw  1       global_state_snapshot\n"
    );
    let inspection = migrate_store::inspect(fixture_store("ES_5_6_Updates_Deletes").as_ref())
        .await
        .unwrap();
    assert_eq!(
        inspection.render_text("x"),
        "repository x: generation 0 (index.latest), format 5.x/6.x\n\
         SNAPSHOT      STATE    VERSION  INDICES\n\
         rfs_snapshot  SUCCESS  -        test_updates_deletes\n\
         INDEX                 ID                      SHARDS  SNAPSHOTS\n\
         test_updates_deletes  -KQKQKwfQ8-nhYQ8JfijxQ  -       rfs_snapshot\n"
    );
}
