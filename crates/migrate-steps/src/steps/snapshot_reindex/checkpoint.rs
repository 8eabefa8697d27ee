//! The step's checkpoint, kept as its handle in the state: which snapshot it reads and, per shard,
//! the last document written (segment and document number) or that the shard is done. A run
//! killed at any instant resumes each shard after its last acknowledged batch.

use std::collections::BTreeMap;

use migrate_shards::Position;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where one shard is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ShardMark {
    /// Every document is written.
    #[serde(default)]
    pub done: bool,
    /// The segment of the last document written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Its document number in the segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<u32>,
    /// Documents written from this shard (across runs).
    #[serde(default)]
    pub docs: u64,
    /// `_source` bytes written from this shard.
    #[serde(default)]
    pub bytes: u64,
}

impl ShardMark {
    /// The position to resume after.
    pub fn position(&self) -> Option<Position> {
        Some(Position {
            segment: self.segment.as_deref()?.into(),
            doc: self.doc?,
        })
    }
}

/// The whole checkpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Checkpoint {
    /// The snapshot the positions belong to.
    pub snapshot: String,
    /// By `<index>/<shard>`.
    pub shards: BTreeMap<String, ShardMark>,
}

impl Checkpoint {
    /// The recorded checkpoint when it is for `snapshot`, else a fresh one.
    pub fn resume(handle: Option<&Value>, snapshot: &str) -> Self {
        handle
            .and_then(|h| serde_json::from_value::<Checkpoint>(h.clone()).ok())
            .filter(|c| c.snapshot == snapshot)
            .unwrap_or_else(|| Checkpoint {
                snapshot: snapshot.to_owned(),
                shards: BTreeMap::new(),
            })
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    pub fn totals(&self) -> (u64, u64) {
        self.shards
            .values()
            .fold((0, 0), |(d, b), m| (d + m.docs, b + m.bytes))
    }
}

/// A shard's key in the checkpoint.
pub(super) fn key(index: &str, shard: u32) -> String {
    format!("{index}/{shard}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_of_another_snapshot_is_not_resumed() {
        let mut c = Checkpoint::resume(None, "s1");
        c.shards.insert(
            key("i", 0),
            ShardMark {
                segment: Some("_3".into()),
                doc: Some(7),
                docs: 10,
                ..ShardMark::default()
            },
        );
        let v = c.to_value();
        assert_eq!(Checkpoint::resume(Some(&v), "s1"), c);
        assert!(Checkpoint::resume(Some(&v), "s2").shards.is_empty());
        let p = c.shards[&key("i", 0)].position().unwrap();
        assert_eq!((&*p.segment, p.doc), ("_3", 7));
    }
}
