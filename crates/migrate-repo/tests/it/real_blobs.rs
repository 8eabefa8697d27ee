//! Every checksummed blob of every real repository decodes, and says what its repository holds.

use migrate_repo::model::{
    BlobKind, ChecksumBlob, Document, GlobalMetadata, IndexMetadata, RepositoryData, ShardSnapshot,
    ShardSnapshots, SnapshotInfo, version_name,
};

use crate::fixtures::{REPOSITORIES, checksummed_blobs, keys, repository};

fn read<T: ChecksumBlob>(repo: &str, key: &str) -> T {
    let bytes = std::fs::read(repository(repo).join(key)).unwrap();
    T::read(key, &bytes).unwrap_or_else(|e| panic!("{repo}: {e}"))
}

fn root_data(repo: &str) -> RepositoryData {
    let latest = migrate_repo::latest::decode(
        &std::fs::read(repository(repo).join("index.latest")).unwrap(),
    )
    .unwrap();
    RepositoryData::from_json(
        &std::fs::read(repository(repo).join(format!("index-{latest}"))).unwrap(),
    )
    .unwrap()
}

#[test]
fn every_checksummed_blob_of_every_real_repository_decodes_into_its_model() {
    let mut count = 0;
    for repo in REPOSITORIES {
        let blobs = checksummed_blobs(repo);
        assert!(blobs.len() >= 5, "{repo}: {} blobs", blobs.len());
        for (key, kind, bytes) in blobs {
            let document =
                Document::read(kind, &key, &bytes).unwrap_or_else(|e| panic!("{repo}: {e}"));
            assert_eq!(
                document.format,
                migrate_repo::xcontent::Format::ELASTICSEARCH,
                "{repo}/{key}"
            );
            let typed = match kind {
                BlobKind::SnapshotInfo => SnapshotInfo::read(&key, &bytes).map(|_| ()),
                BlobKind::GlobalMetadata => GlobalMetadata::read(&key, &bytes).map(|_| ()),
                BlobKind::IndexMetadata => IndexMetadata::read(&key, &bytes).map(|_| ()),
                BlobKind::ShardSnapshot => ShardSnapshot::read(&key, &bytes).map(|_| ()),
                BlobKind::ShardSnapshots => ShardSnapshots::read(&key, &bytes).map(|_| ()),
            };
            typed.unwrap_or_else(|e| panic!("{repo}: {e}"));
            count += 1;
        }
    }
    assert_eq!(count, 45, "the six repositories hold 45 checksummed blobs");
}

#[test]
fn snapshot_infos_name_their_snapshot_version_state_and_indices() {
    let cases = [
        (
            "ES_5_6_Updates_Deletes",
            "FGgvQ_1CTymrGgoBFrwNTg",
            "rfs_snapshot",
            "5.6.16",
            None,
            vec!["test_updates_deletes"],
        ),
        (
            "ES_6_8_Single",
            "5imyqv54TKyHTPTCOAOt2g",
            "global_state_snapshot",
            "6.8.24",
            Some(true),
            vec!["posts_2023_02_25", "posts_2024_01_01"],
        ),
        (
            "ES_6_8_Updates_Deletes_Merged",
            "_OTK5BR2SbSi_1vb0FhIgQ",
            "rfs_snapshot",
            "6.8.23",
            Some(true),
            vec!["test_updates_deletes"],
        ),
        (
            "ES_7_10_BWC_Check",
            "KhcpVj8aRMek0oLMUSPHeg",
            "rfs-snapshot",
            "7.10.2",
            Some(true),
            vec![
                "empty_mappings_no_docs",
                "bwc_index_1",
                "fwc_index_1",
                "no_mappings_no_docs",
            ],
        ),
        (
            "ES_7_10_Single",
            "7_1RHMshSc6c0cuzX1NCDg",
            "global_state_snapshot",
            "7.10.2",
            Some(true),
            vec!["posts_2023_02_25", "posts_2024_01_01"],
        ),
        (
            "ES_7_10_Updates_Deletes_w_Soft",
            "4qK_DdtfTcao0zoxNElf9Q",
            "rfs_snapshot",
            "7.10.2",
            Some(true),
            vec!["test_updates_deletes"],
        ),
    ];
    for (repo, uuid, name, version, global, indices) in cases {
        let info: SnapshotInfo = read(repo, &format!("snap-{uuid}.dat"));
        assert_eq!(info.name, name, "{repo}");
        assert_eq!(info.uuid, uuid, "{repo}");
        assert_eq!(info.state.as_deref(), Some("SUCCESS"), "{repo}");
        assert_eq!(
            info.version_id.map(version_name).as_deref(),
            Some(version),
            "{repo}"
        );
        assert_eq!(info.include_global_state, global, "{repo}");
        let mut got = info.indices.clone();
        let mut want: Vec<String> = indices.iter().map(|s| s.to_string()).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{repo}");
        assert_eq!(info.total_shards as usize, want.len(), "{repo}");
        assert_eq!(info.successful_shards, info.total_shards, "{repo}");
        assert!(
            info.failures.is_empty() && info.end_time >= info.start_time,
            "{repo}"
        );
        assert_eq!(
            info.data_streams.is_some(),
            version.starts_with('7'),
            "{repo}: data_streams from 7.x"
        );
        // The root index-N lists the same snapshot.
        let data = root_data(repo);
        assert!(
            data.snapshots
                .iter()
                .any(|s| s.uuid == uuid && s.name == name),
            "{repo}"
        );
    }
}

#[test]
fn index_metadata_holds_the_settings_shards_aliases_and_ids_of_each_index() {
    for repo in REPOSITORIES {
        let data = root_data(repo);
        let snapshot = &data.snapshots[0];
        for (name, entry) in &data.indices {
            let blob_id = data.index_metadata_blob_id(snapshot, &entry.id).unwrap();
            let key = migrate_repo::layout::paths::index_metadata(&entry.id, blob_id);
            let meta: IndexMetadata = read(repo, &key);
            assert_eq!(&meta.name, name, "{repo}");
            assert_eq!(meta.number_of_shards(), Some(1), "{repo}/{name}");
            assert_eq!(
                meta.setting("index.provided_name"),
                Some(name.as_str()),
                "{repo}"
            );
            assert_eq!(meta.state, "open");
            assert_eq!(meta.primary_terms.len(), 1, "{repo}/{name}");
            assert_eq!(meta.in_sync_allocations.len(), 1, "{repo}/{name}");
            assert_eq!(meta.in_sync_allocations[0].0, "0");
            assert_eq!(meta.in_sync_allocations[0].1.len(), 1);
        }
    }
    let posts: IndexMetadata = read(
        "ES_6_8_Single",
        "indices/d3oMxx4IROOWpmPdoY9f_Q/meta-5imyqv54TKyHTPTCOAOt2g.dat",
    );
    let aliases: Vec<&str> = posts.aliases.iter().map(|(n, _)| n).collect();
    assert_eq!(
        aliases,
        [
            "another_alias",
            "alias2",
            "posts_2024_01_01-alias",
            "alias1"
        ]
    );
    assert_eq!(
        posts.version_created().map(version_name).as_deref(),
        Some("6.8.24")
    );
    let bwc: IndexMetadata = read(
        "ES_7_10_BWC_Check",
        "indices/a5ONDmS2RmmN1GEZMRCJRg/meta-31iaNJIBxXZFvc_xLY-F.dat",
    );
    assert_eq!(bwc.name, "no_mappings_no_docs");
    assert!(bwc.mappings().unwrap().is_empty());
    assert_eq!(bwc.routing_num_shards, Some(1024));
}

#[test]
fn the_mappings_of_test_updates_deletes_in_each_version() {
    let es56: IndexMetadata = read(
        "ES_5_6_Updates_Deletes",
        "indices/-KQKQKwfQ8-nhYQ8JfijxQ/meta-FGgvQ_1CTymrGgoBFrwNTg.dat",
    );
    let types: Vec<String> = es56
        .mappings()
        .unwrap()
        .into_iter()
        .map(|m| m.type_name)
        .collect();
    assert_eq!(types, ["type2", "type1"]);
    assert_eq!(es56.version_created(), Some(5_061_699));
    let merged: IndexMetadata = read(
        "ES_6_8_Updates_Deletes_Merged",
        "indices/9wdOMjbGRE-G8Z6QhGXNiQ/meta-_OTK5BR2SbSi_1vb0FhIgQ.dat",
    );
    let mappings = merged.mappings().unwrap();
    let types: Vec<&str> = mappings.iter().map(|m| m.type_name.as_str()).collect();
    assert_eq!(
        types,
        ["type1", "type2"],
        "the ES 6.8 merged repository keeps both 5.x types"
    );
    assert_eq!(mappings[0].mapping["properties"]["title"]["type"], "text");
    assert_eq!(
        mappings[1].mapping["properties"]["content"]["fields"]["keyword"]["ignore_above"],
        256
    );
    assert_eq!(mappings[1].mapping["_all"]["enabled"], true);
    assert_eq!(merged.setting("index.version.upgraded"), Some("6082399"));
    assert_eq!(merged.primary_terms, [3]);
    let soft: IndexMetadata = read(
        "ES_7_10_Updates_Deletes_w_Soft",
        "indices/ADqaSwRmQGeZpfc8raDTtA/meta-xGqBTJEBlF9Q9SH0yNGX.dat",
    );
    let mappings = soft.mappings().unwrap();
    assert_eq!(mappings.len(), 1);
    assert_eq!(mappings[0].type_name, "_doc");
    assert_eq!(
        mappings[0].mapping,
        serde_json::json!({"properties": {
            "content": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
            "title": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}}
        }})
    );
    assert_eq!(soft.mapping_version, Some(2));
}

#[test]
fn global_metadata_holds_the_cluster_uuid_and_templates() {
    let es56: GlobalMetadata = read("ES_5_6_Updates_Deletes", "meta-FGgvQ_1CTymrGgoBFrwNTg.dat");
    assert_eq!(es56.cluster_uuid, "0N918bp6T5-u-kvyNJeF7g");
    assert!(es56.templates.get(".ml-anomalies-").is_some());
    let bwc: GlobalMetadata = read("ES_7_10_BWC_Check", "meta-KhcpVj8aRMek0oLMUSPHeg.dat");
    assert!(bwc.templates.get("bwc_template").is_some());
    assert!(
        bwc.extra.get("index_template").is_some() && bwc.extra.get("component_template").is_some()
    );
    let merged: GlobalMetadata = read(
        "ES_6_8_Updates_Deletes_Merged",
        "meta-_OTK5BR2SbSi_1vb0FhIgQ.dat",
    );
    assert!(merged.templates.is_empty());
}

#[test]
fn shard_file_lists_match_the_blobs_on_disk_and_name_lucene_files() {
    for repo in REPOSITORIES {
        let root = repository(repo);
        let on_disk: std::collections::BTreeMap<String, u64> = keys(&root).into_iter().collect();
        let data = root_data(repo);
        let snapshot = &data.snapshots[0];
        for entry in data.indices.values() {
            let dir = format!("indices/{}/0", entry.id);
            let shard: ShardSnapshot = read(repo, &format!("{dir}/snap-{}.dat", snapshot.uuid));
            assert_eq!(shard.name, snapshot.name, "{repo}");
            assert!(
                shard
                    .files
                    .iter()
                    .any(|f| f.physical_name.starts_with("segments_")),
                "{repo}: a segments_N"
            );
            for file in &shard.files {
                if file.is_virtual() {
                    assert_eq!(
                        file.meta_hash.as_ref().map(Vec::len),
                        Some(file.length as usize),
                        "{repo}: {}",
                        file.name
                    );
                    assert!(
                        !on_disk.contains_key(&format!("{dir}/{}", file.name)),
                        "{repo}: a v__ file has no blob"
                    );
                } else {
                    assert_eq!(
                        on_disk.get(&format!("{dir}/{}", file.name)),
                        Some(&file.length),
                        "{repo}: {} ({})",
                        file.name,
                        file.physical_name
                    );
                }
            }
            // The shard's index-<gen> lists this snapshot with the same files.
            let generation = entry.shard_generations.as_ref().and_then(|g| g[0].clone());
            let index_key = match generation {
                Some(g) => format!("{dir}/index-{g}"),
                None => on_disk
                    .keys()
                    .filter(|k| k.starts_with(&format!("{dir}/index-")))
                    .max()
                    .unwrap()
                    .clone(),
            };
            let index: ShardSnapshots = read(repo, &index_key);
            let files = index
                .files_of(&snapshot.name)
                .unwrap_or_else(|| panic!("{repo}: {index_key}"));
            let mut listed: Vec<&str> = files.iter().map(|f| f.physical_name.as_str()).collect();
            let mut in_snap: Vec<&str> = shard
                .files
                .iter()
                .map(|f| f.physical_name.as_str())
                .collect();
            listed.sort();
            in_snap.sort();
            assert_eq!(listed, in_snap, "{repo}");
        }
    }
    let soft: ShardSnapshot = read(
        "ES_7_10_Updates_Deletes_w_Soft",
        "indices/ADqaSwRmQGeZpfc8raDTtA/0/snap-4qK_DdtfTcao0zoxNElf9Q.dat",
    );
    let cfs = soft.file("_0.cfs").unwrap();
    assert_eq!(
        (cfs.length, cfs.checksum.as_str(), cfs.part_size),
        (4231, "tbyg3s", Some(1_073_741_824))
    );
    assert_eq!(cfs.written_by.as_deref(), Some("8.7.0"));
    assert!(soft.file("_0.si").unwrap().is_virtual());
    let es56: ShardSnapshot = read(
        "ES_5_6_Updates_Deletes",
        "indices/-KQKQKwfQ8-nhYQ8JfijxQ/0/snap-FGgvQ_1CTymrGgoBFrwNTg.dat",
    );
    let names: Vec<&str> = es56.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "__0", "__1", "__2", "__3", "__4", "__5", "__6", "__7", "__8", "__9"
        ]
    );
    assert_eq!(es56.file("_6.cfs").map(|f| f.length), Some(3297));
}

#[test]
fn shard_indexes_keep_snapshots_the_root_no_longer_lists() {
    let index: ShardSnapshots = read("ES_6_8_Single", "indices/d3oMxx4IROOWpmPdoY9f_Q/0/index-1");
    let names: Vec<&str> = index
        .snapshots
        .iter()
        .map(|s| s.snapshot.as_str())
        .collect();
    assert_eq!(
        names,
        ["another_global_state_snapshot", "global_state_snapshot"]
    );
    assert_eq!(index.files.len(), 11);
    let bwc: ShardSnapshots = read(
        "ES_7_10_BWC_Check",
        "indices/a5ONDmS2RmmN1GEZMRCJRg/0/index-cbs2bGwwSy66JeQOO9vNbQ",
    );
    assert_eq!(
        bwc.snapshots[0].shard_state_id.as_deref(),
        Some("fb0MOC8XRyqoK-ZoHAlojA-na--1")
    );
}
