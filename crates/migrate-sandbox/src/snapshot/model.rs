//! What a snapshot takes from the cluster and what a restore gives back: an index's definition and
//! its documents, independent of how the cluster model stores them.

use serde_json::{Map, Value};

/// One index as captured at snapshot time, or as read back from a repository for a restore.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexImage {
    /// The index name.
    pub name: String,
    /// The index uuid (`index.uuid`).
    pub uuid: String,
    /// Settings, flat (`index.number_of_shards` → `"1"`), as `GET <index>/_settings?flat_settings` shows.
    pub settings: Map<String, Value>,
    /// Mappings as the cluster stores them (keyed by type on 5.x/6.x).
    pub mappings: Value,
    /// Aliases: alias name → alias definition.
    pub aliases: Map<String, Value>,
    /// The number of primary shards.
    pub number_of_shards: u32,
    /// The documents, in the order they were last written (oldest first), the order they enter a
    /// new Lucene segment at snapshot time.
    pub documents: Vec<Document>,
}

/// One document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// `_id`.
    pub id: String,
    /// `_type` where the version has mapping types.
    pub doc_type: Option<String>,
    /// `_routing`, when given at index time.
    pub routing: Option<String>,
    /// `_version`.
    pub version: u64,
    /// `_seq_no` of the write that produced this version: a snapshot rewrites a document into its
    /// shard's Lucene index only when it moved since the last snapshot.
    pub seq_no: u64,
    /// `_source`, as raw JSON text.
    pub source: String,
}

impl IndexImage {
    /// The shard a document lives in: a stable hash of its routing (or id) modulo the shard count.
    pub fn shard_of(&self, document: &Document) -> u32 {
        let key = document.routing.as_deref().unwrap_or(&document.id);
        // FNV-1a: stable across runs and platforms.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in key.as_bytes() {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        (hash % u64::from(self.number_of_shards.max(1))) as u32
    }

    /// The documents of each shard, in order.
    pub fn shards(&self) -> Vec<Vec<&Document>> {
        let mut shards = vec![Vec::new(); self.number_of_shards.max(1) as usize];
        for document in &self.documents {
            shards[self.shard_of(document) as usize].push(document);
        }
        shards
    }
}
