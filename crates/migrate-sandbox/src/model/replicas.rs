//! Shard allocation on the sandbox's nodes: every primary is on the first node; a replica needs
//! another node (a one-node sandbox leaves replicas unassigned: yellow). An assigned replica first
//! recovers from its primary (peer recovery) and is active once the primary's bytes have been
//! copied at the sandbox's byte rate (immediately without a rate); until then it is initializing
//! and the index is yellow. The state is computed from the clock when observed: no background task.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Cluster, Index};

/// A peer recovery of an index's replicas, started when the replicas were assigned.
#[derive(Debug, Clone)]
pub struct ReplicaRecovery {
    /// When it started.
    pub started: Instant,
    /// Start, epoch milliseconds.
    pub started_ms: i64,
    /// Bytes each replica copies (the primary's size when it started).
    pub bytes: u64,
    /// Bytes per second (`None`: immediate).
    pub rate: Option<u64>,
}

impl ReplicaRecovery {
    /// Bytes copied so far.
    pub fn recovered(&self) -> u64 {
        match self.rate {
            None => self.bytes,
            Some(r) => {
                let moved = self.started.elapsed().as_secs_f64() * r as f64;
                (moved as u64).min(self.bytes)
            }
        }
    }

    /// Whether the replicas are active.
    pub fn done(&self) -> bool {
        self.recovered() >= self.bytes
    }

    /// Time spent so far (or in total, once done).
    pub fn took(&self) -> Duration {
        match self.rate {
            Some(r) if r > 0 && self.done() => {
                Duration::from_secs_f64(self.bytes as f64 / r as f64)
            }
            Some(_) => self.started.elapsed(),
            None => Duration::ZERO,
        }
    }
}

/// Copies of one index's shards by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copies {
    /// Active primaries.
    pub primaries: u32,
    /// Active copies (primaries and recovered replicas).
    pub active: u32,
    /// Replicas recovering.
    pub initializing: u32,
    /// Replicas without a node.
    pub unassigned: u32,
}

impl Cluster {
    /// Replicas of `index` that have a node (at most one copy of a shard per node).
    pub fn assigned_replicas(&self, index: &Index) -> u32 {
        index.replicas().min(self.nodes.max(1) - 1)
    }

    /// The shard copies of an open index by state.
    pub fn copies(&self, index: &Index) -> Copies {
        let shards = index.shards();
        let assigned = self.assigned_replicas(index);
        let recovering = assigned > 0
            && self
                .replica_recoveries
                .get(&index.uuid)
                .is_some_and(|r| !r.done());
        let active_replicas = if recovering { 0 } else { assigned };
        Copies {
            primaries: shards,
            active: shards * (1 + active_replicas),
            initializing: if recovering { shards * assigned } else { 0 },
            unassigned: shards * (index.replicas() - assigned),
        }
    }

    /// Health of an open index from its copies: yellow while a replica is unassigned or recovering.
    pub fn index_health(&self, index: &Index) -> &'static str {
        let c = self.copies(index);
        if c.initializing > 0 || c.unassigned > 0 {
            "yellow"
        } else {
            "green"
        }
    }

    /// Starts the peer recovery of an index's replicas (after creation or more replicas).
    pub fn start_replica_recovery(&mut self, name: &str, rate: Option<u64>) {
        let Some(i) = self.indices.get(name) else {
            return;
        };
        if self.assigned_replicas(i) == 0 {
            self.replica_recoveries.remove(&i.uuid);
            return;
        }
        let recovery = ReplicaRecovery {
            started: Instant::now(),
            started_ms: (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64,
            bytes: i.docs.source_bytes() as u64 / u64::from(i.shards()),
            rate,
        };
        self.replica_recoveries.insert(i.uuid.clone(), recovery);
    }

    /// `_recovery` entries of the replicas of one shard (type `PEER`, from the primary's node).
    pub fn replica_entries(&self, index: &Index, shard: u32, primary_node: &Value) -> Vec<Value> {
        let assigned = self.assigned_replicas(index);
        let r = self.replica_recoveries.get(&index.uuid);
        (0..assigned)
            .map(|n| {
                let (bytes, done_bytes, stage, took, start) = match r {
                    Some(r) => (
                        r.bytes,
                        r.recovered(),
                        if r.done() { "DONE" } else { "INDEX" },
                        r.took().as_millis() as u64,
                        r.started_ms,
                    ),
                    None => (0, 0, "DONE", 0, index.creation_date),
                };
                let pct = if bytes == 0 {
                    100.0
                } else {
                    done_bytes as f64 * 100.0 / bytes as f64
                };
                json!({
                    "id": shard, "type": "PEER", "stage": stage, "primary": false,
                    "start_time_in_millis": start, "total_time_in_millis": took,
                    "source": primary_node,
                    "target": {"id": format!("sandbox-node-{}", n + 2), "host": "127.0.0.1",
                               "transport_address": "127.0.0.1:9300", "ip": "127.0.0.1",
                               "name": format!("sandbox-{}", n + 2)},
                    "index": {
                        "size": {"total_in_bytes": bytes, "reused_in_bytes": 0, "recovered_in_bytes": done_bytes, "percent": format!("{pct:.1}%")},
                        "files": {"total": 1, "reused": 0, "recovered": u32::from(stage == "DONE"), "percent": if stage == "DONE" { "100.0%" } else { "0.0%" }},
                        "total_time_in_millis": took, "source_throttle_time_in_millis": 0, "target_throttle_time_in_millis": 0
                    },
                    "translog": {"recovered": 0, "total": 0, "percent": "100.0%", "total_on_start": 0, "total_time_in_millis": 0},
                    "verify_index": {"check_index_time_in_millis": 0, "total_time_in_millis": 0}
                })
            })
            .collect()
    }
}
