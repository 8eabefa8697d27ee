//! The writer lays a snapshot out as each real version family does: what it writes reads back with
//! the same readers, and has the keys, blob kinds and fields of the real repository of its family.

use std::collections::BTreeSet;

use migrate_repo::FsBlobs;
use migrate_repo::model::{
    BlobKind, ChecksumBlob, Document, GlobalMetadata, IndexMetadata, RepositoryData, SnapshotInfo,
};
use migrate_repo::reassemble::{number_of_parts, reassemble};
use migrate_repo::smile::Value;
use migrate_repo::writer::{
    Family, LuceneFile, NewIndex, NewSnapshot, RepositoryState, write_snapshot,
};

use crate::fixtures::{keys, repository};
use crate::reassembly::shard_snapshots;

/// A snapshot made of a real repository's own content: its metadata and its shards' Lucene files.
fn snapshot_of(repo: &str, name: &str, uuid: &str) -> NewSnapshot {
    let root = repository(repo);
    let source = FsBlobs::new(&root);
    let read = |key: &str| std::fs::read(root.join(key)).unwrap();
    let data = RepositoryData::from_json(&read(&format!(
        "index-{}",
        migrate_repo::latest::decode(&read("index.latest")).unwrap()
    )))
    .unwrap();
    let real = &data.snapshots[0];
    let info = SnapshotInfo::read("snap", &read(&format!("snap-{}.dat", real.uuid))).unwrap();
    let global = GlobalMetadata::read("meta", &read(&format!("meta-{}.dat", real.uuid))).unwrap();
    let shards = shard_snapshots(repo);
    let indices = data
        .indices
        .values()
        .map(|entry| {
            let key = migrate_repo::layout::paths::index_metadata(
                &entry.id,
                data.index_metadata_blob_id(real, &entry.id).unwrap(),
            );
            let metadata = IndexMetadata::read(&key, &read(&key)).unwrap();
            let dir = format!("indices/{}/0", entry.id);
            let (_, shard) = shards.iter().find(|(d, _)| *d == dir).unwrap();
            let files = shard
                .files
                .iter()
                .map(|f| LuceneFile {
                    physical_name: f.physical_name.clone(),
                    content: reassemble(&source, &dir, f).unwrap(),
                    written_by: f.written_by.clone().unwrap(),
                })
                .collect();
            NewIndex {
                metadata,
                shards: vec![files],
            }
        })
        .collect();
    NewSnapshot {
        name: name.into(),
        uuid: uuid.into(),
        version_id: info.version_id.unwrap(),
        start_time: info.start_time,
        end_time: info.end_time,
        global,
        indices,
    }
}

fn ids() -> impl FnMut() -> String {
    let mut n = 0;
    move || {
        n += 1;
        format!("id{n:04}xxxxxxxxxxxxxxxx")
    }
}

/// A key with its ids replaced by what kind of id they are.
fn shape(key: &str) -> String {
    let segments: Vec<&str> = key.split('/').collect();
    segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if segments[0] == "indices" && i == 1 {
                "<id>".to_owned()
            } else if let Some(rest) = s.strip_prefix("__") {
                let (blob, part) = rest
                    .split_once(".part")
                    .map_or((rest, ""), |(b, _)| (b, ".partK"));
                let numeric = blob.len() < 8 && u64::from_str_radix(blob, 36).is_ok();
                format!("__{}{part}", if numeric { "<n>" } else { "<uuid>" })
            } else if let Some(g) = s.strip_prefix("index-") {
                format!(
                    "index-{}",
                    if g.bytes().all(|b| b.is_ascii_digit()) {
                        "<n>"
                    } else {
                        "<uuid>"
                    }
                )
            } else if s.starts_with("snap-") && s.ends_with(".dat") {
                "snap-<uuid>.dat".to_owned()
            } else if s.starts_with("meta-") && s.ends_with(".dat") {
                "meta-<id>.dat".to_owned()
            } else {
                (*s).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn field_names(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .map(|o| o.iter().map(|(n, _)| n.to_owned()).collect())
        .unwrap_or_default()
}

/// The field names of each kind of document in a repository (inner objects of list entries merged).
fn fields_by_kind(root: &std::path::Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (key, _) in keys(root) {
        let bytes = std::fs::read(root.join(&key)).unwrap();
        let Some(kind) = BlobKind::of_key(&key) else {
            if key.starts_with("index-") {
                let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                let v = Value::from_json(&json);
                for name in field_names(&v) {
                    out.insert(format!("root/{name}"));
                }
                for s in v
                    .as_object()
                    .unwrap()
                    .get("snapshots")
                    .unwrap()
                    .as_array()
                    .unwrap()
                {
                    out.extend(
                        field_names(s)
                            .into_iter()
                            .map(|n| format!("root/snapshots[]/{n}")),
                    );
                }
                for (_, i) in v
                    .as_object()
                    .unwrap()
                    .get("indices")
                    .unwrap()
                    .as_object()
                    .unwrap()
                    .iter()
                {
                    out.extend(
                        field_names(i)
                            .into_iter()
                            .map(|n| format!("root/indices{{}}/{n}")),
                    );
                }
            }
            continue;
        };
        let value = Document::read(kind, &key, &bytes).unwrap().value;
        let top = match kind {
            BlobKind::SnapshotInfo => value.as_object().unwrap().get("snapshot").unwrap().clone(),
            _ => value,
        };
        if matches!(kind, BlobKind::IndexMetadata | BlobKind::GlobalMetadata) {
            continue; // passed through from the real repository
        }
        out.extend(
            field_names(&top)
                .into_iter()
                .map(|n| format!("{kind:?}/{n}")),
        );
        let object = top.as_object().unwrap();
        for file in object
            .get("files")
            .and_then(Value::as_array)
            .unwrap_or_default()
        {
            out.extend(
                field_names(file)
                    .into_iter()
                    .map(|n| format!("{kind:?}/files[]/{n}")),
            );
        }
        if let Some(snapshots) = object.get("snapshots").and_then(Value::as_object) {
            for (_, s) in snapshots.iter() {
                out.extend(
                    field_names(s)
                        .into_iter()
                        .map(|n| format!("{kind:?}/snapshots{{}}/{n}")),
                );
            }
        }
    }
    out
}

/// Writes `repo`'s snapshot as `family` into a fresh directory.
fn write_like(family: Family, repo: &str, part_size: Option<u64>) -> (tempfile::TempDir, FsBlobs) {
    let tmp = tempfile::tempdir().unwrap();
    let fs = FsBlobs::new(tmp.path());
    let snapshot = snapshot_of(repo, "snap-1", "uuid1xxxxxxxxxxxxxxxxx");
    let written = write_snapshot(
        family,
        &RepositoryState::default(),
        &snapshot,
        part_size,
        &mut ids(),
    )
    .unwrap();
    assert_eq!(
        written.blobs.last().unwrap().0,
        "index.latest",
        "index.latest is put last"
    );
    fs.put_all(&written.blobs).unwrap();
    (tmp, fs)
}

fn same_structure_as(family: Family, repo: &str) {
    let (tmp, fs) = write_like(family, repo, None);
    let ours: BTreeSet<String> = keys(tmp.path()).iter().map(|(k, _)| shape(k)).collect();
    let real: BTreeSet<String> = keys(&repository(repo))
        .iter()
        .map(|(k, _)| shape(k))
        .collect();
    assert_eq!(ours, real, "{family:?} keys like {repo}");
    assert_eq!(
        fields_by_kind(tmp.path()),
        fields_by_kind(&repository(repo)),
        "{family:?} fields like {repo}"
    );
    // And the same readers read it: every Lucene file comes back intact.
    let state = RepositoryState::read(&fs).unwrap();
    assert_eq!(state.generation, Some(0));
    assert_eq!(state.data.snapshots[0].name, "snap-1");
    let real_files: usize = shard_snapshots(repo)
        .iter()
        .map(|(_, s)| s.files.len())
        .sum();
    let mut files = 0;
    for (dir, shard) in shard_snapshots_in(tmp.path()) {
        for file in &shard.files {
            reassemble(&fs, &dir, file).unwrap();
            files += 1;
        }
    }
    assert_eq!(files, real_files);
}

fn shard_snapshots_in(root: &std::path::Path) -> Vec<(String, migrate_repo::model::ShardSnapshot)> {
    keys(root)
        .into_iter()
        .filter(|(k, _)| k.starts_with("indices/") && k.contains("/snap-"))
        .map(|(k, _)| {
            let bytes = std::fs::read(root.join(&k)).unwrap();
            (
                k.rsplit_once('/').unwrap().0.to_owned(),
                migrate_repo::model::ShardSnapshot::read(&k, &bytes).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_5x_layout_has_the_keys_and_fields_of_the_real_5_6_repository() {
    same_structure_as(Family::Es5, "ES_5_6_Updates_Deletes");
}

#[test]
fn the_6x_layout_has_the_keys_and_fields_of_the_real_6_8_repository() {
    same_structure_as(Family::Es6, "ES_6_8_Updates_Deletes_Merged");
}

#[test]
fn the_7x_layout_has_the_keys_and_fields_of_the_real_7_10_repository() {
    same_structure_as(Family::Es7, "ES_7_10_Updates_Deletes_w_Soft");
}

#[test]
fn a_small_part_size_splits_data_blobs_and_they_reassemble() {
    let (tmp, fs) = write_like(Family::Es7, "ES_7_10_Updates_Deletes_w_Soft", Some(1000));
    let mut split = 0;
    for (dir, shard) in shard_snapshots_in(tmp.path()) {
        for file in &shard.files {
            assert_eq!(file.part_size, Some(1000));
            let parts = number_of_parts(file).unwrap();
            if parts > 1 && !file.is_virtual() {
                split += 1;
                assert!(
                    tmp.path()
                        .join(format!("{dir}/{}.part{}", file.name, parts - 1))
                        .is_file()
                );
                assert!(!tmp.path().join(format!("{dir}/{}", file.name)).exists());
            }
            assert_eq!(
                reassemble(&fs, &dir, file).unwrap().len() as u64,
                file.length
            );
        }
    }
    assert_eq!(
        split, 4,
        "_0.cfs (4231 bytes), _1.cfs (5211), _1_1.fnm and _0_2.fnm (1197 each)"
    );
}

#[test]
fn a_second_snapshot_reuses_unchanged_files_and_moves_the_generations_on() {
    for (family, repo) in [
        (Family::Es5, "ES_5_6_Updates_Deletes"),
        (Family::Es6, "ES_6_8_Updates_Deletes_Merged"),
        (Family::Es7, "ES_7_10_Updates_Deletes_w_Soft"),
    ] {
        let (tmp, fs) = write_like(family, repo, None);
        let before: BTreeSet<String> = keys(tmp.path()).into_iter().map(|(k, _)| k).collect();
        let state = RepositoryState::read(&fs).unwrap();
        let second = snapshot_of(repo, "snap-2", "uuid2xxxxxxxxxxxxxxxxx");
        let written =
            write_snapshot(family, &state, &second, None, &mut || "second-id".into()).unwrap();
        let new_data: Vec<&String> = written
            .blobs
            .iter()
            .map(|(k, _)| k)
            .filter(|k| k.contains("/__"))
            .collect();
        assert!(
            new_data.is_empty(),
            "{family:?}: unchanged files are not uploaded again: {new_data:?}"
        );
        assert_eq!(written.generation, 1);
        fs.put_all(&written.blobs).unwrap();
        let state = RepositoryState::read(&fs).unwrap();
        assert_eq!(state.generation, Some(1));
        let names: Vec<&str> = state
            .data
            .snapshots
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["snap-1", "snap-2"]);
        let ((_, _), (generation, index)) = state.shards.iter().next().unwrap();
        let listed: Vec<&str> = index
            .snapshots
            .iter()
            .map(|s| s.snapshot.as_str())
            .collect();
        assert_eq!(listed, ["snap-1", "snap-2"], "{family:?}");
        assert_eq!(
            index.snapshot("snap-1").unwrap().files,
            index.snapshot("snap-2").unwrap().files
        );
        match family {
            Family::Es7 => {
                assert_eq!(generation, "second-id");
                let entry = state.data.indices.values().next().unwrap();
                assert_eq!(
                    entry.shard_generations,
                    Some(vec![Some("second-id".into())])
                );
                // Same index metadata: the identifier maps to the first blob id, nothing new.
                assert_eq!(
                    state
                        .data
                        .index_metadata_identifiers
                        .as_ref()
                        .unwrap()
                        .len(),
                    1
                );
                assert_eq!(state.data.min_version.as_deref(), Some("7.9.0"));
            }
            _ => {
                assert_eq!(generation, "1");
                assert!(
                    written
                        .superseded
                        .iter()
                        .all(|k| before.contains(k) && k.ends_with("/index-0"))
                );
            }
        }
    }
}

#[test]
fn an_index_whose_settings_disagree_with_its_shards_is_refused() {
    let mut snapshot = snapshot_of("ES_7_10_Updates_Deletes_w_Soft", "s", "u");
    snapshot.indices[0].shards.push(Vec::new());
    let err = write_snapshot(
        Family::Es7,
        &RepositoryState::default(),
        &snapshot,
        None,
        &mut ids(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "index `test_updates_deletes` has 2 shards to write but its settings say Some(1)"
    );
}
