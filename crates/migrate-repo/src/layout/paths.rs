//! Builders for the keys of a snapshot repository, relative to its base path.
//!
//! Writers (the sandbox's repositories) use these so that what they write is what [`super::classify`]
//! and Elasticsearch expect.

/// Root `index-N`: the repository data of generation `N`.
pub fn root_index(generation: u64) -> String {
    format!("index-{generation}")
}

/// Root `snap-<uuid>.dat`: the snapshot info of one snapshot.
pub fn snapshot_info(snapshot_uuid: &str) -> String {
    format!("snap-{snapshot_uuid}.dat")
}

/// Root `meta-<uuid>.dat`: the global cluster metadata of one snapshot.
pub fn global_metadata(snapshot_uuid: &str) -> String {
    format!("meta-{snapshot_uuid}.dat")
}

/// `indices/<index-id>/meta-<blob-id>.dat`: an index's metadata. `blob_id` is the snapshot uuid in
/// 5.x/6.x layouts and the index metadata identifier in 7.x layouts
/// (see [`crate::model::RepositoryData::index_metadata_blob_id`]).
pub fn index_metadata(index_id: &str, blob_id: &str) -> String {
    format!("indices/{index_id}/meta-{blob_id}.dat")
}

/// `indices/<index-id>/<shard>/snap-<uuid>.dat`: one shard's part of one snapshot.
pub fn shard_snapshot(index_id: &str, shard: u32, snapshot_uuid: &str) -> String {
    format!("indices/{index_id}/{shard}/snap-{snapshot_uuid}.dat")
}

/// `indices/<index-id>/<shard>/index-<generation>`: the shard's list of snapshots and files
/// (a number in 5.x/6.x, a uuid in 7.x).
pub fn shard_index(index_id: &str, shard: u32, generation: &str) -> String {
    format!("indices/{index_id}/{shard}/index-{generation}")
}

/// `indices/<index-id>/<shard>/__<name>`: a write-once segment data blob.
pub fn data_blob(index_id: &str, shard: u32, name: &str) -> String {
    format!("indices/{index_id}/{shard}/__{name}")
}

#[cfg(test)]
mod tests {
    use super::super::{KeyClass, classify};
    use super::*;

    #[test]
    fn built_keys_classify_as_what_they_are() {
        assert_eq!(
            classify(&root_index(7)),
            KeyClass::RootIndex { generation: 7 }
        );
        assert_eq!(classify(&snapshot_info("u")), KeyClass::SnapshotInfo);
        assert_eq!(classify(&global_metadata("u")), KeyClass::GlobalMetadata);
        assert_eq!(classify(&index_metadata("i", "m")), KeyClass::IndexMetadata);
        assert_eq!(
            classify(&shard_snapshot("i", 3, "u")),
            KeyClass::ShardSnapshot
        );
        assert_eq!(classify(&shard_index("i", 0, "5")), KeyClass::ShardIndex);
        assert_eq!(classify(&data_blob("i", 0, "abc")), KeyClass::DataBlob);
    }
}
