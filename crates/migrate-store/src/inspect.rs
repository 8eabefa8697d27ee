//! The read-only repository inspector behind `migrate repo ls`: which snapshots and indexes a
//! repository holds, read from `index.latest` and the root `index-N` only (5.x–7.x layouts).

use std::fmt::Write as _;

use object_store::ObjectStore;
use serde::Serialize;

use crate::repository::{RepositoryReadError, read_repository};

/// What a repository holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    /// The generation `N` of the root `index-N` read.
    pub generation: u64,
    /// Whether `index.latest` exists (else the highest root `index-N` was used).
    pub has_index_latest: bool,
    /// `7.x` when the repository data carries shard generations / `min_version`, else `5.x/6.x`.
    pub format: &'static str,
    /// 7.x: the oldest version the repository format needs.
    pub min_version: Option<String>,
    /// Snapshots, oldest first.
    pub snapshots: Vec<SnapshotSummary>,
    /// Indexes, by name.
    pub indices: Vec<IndexSummary>,
}

/// One snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotSummary {
    /// Its name.
    pub name: String,
    /// Its uuid.
    pub uuid: String,
    /// `SUCCESS`, `PARTIAL`, … when recorded.
    pub state: Option<&'static str>,
    /// 7.x: the version that took it.
    pub version: Option<String>,
    /// The indexes it contains, sorted.
    pub indices: Vec<String>,
}

/// One index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexSummary {
    /// Its name.
    pub name: String,
    /// The repository's id for it (`indices/<id>/`).
    pub id: String,
    /// 7.x: its number of shards.
    pub shards: Option<usize>,
    /// The names of the snapshots that contain it.
    pub snapshots: Vec<String>,
}

/// Reads what the repository at `store` holds.
pub async fn inspect(store: &dyn ObjectStore) -> Result<Inspection, RepositoryReadError> {
    let view = read_repository(store).await?;
    let data = &view.data;
    let seven =
        data.min_version.is_some() || data.indices.values().any(|i| i.shard_generations.is_some());
    let snapshots = data
        .snapshots
        .iter()
        .map(|s| SnapshotSummary {
            name: s.name.clone(),
            uuid: s.uuid.clone(),
            state: s.state.map(|st| st.as_str()),
            version: s.version.clone(),
            indices: data
                .indices_of(&s.uuid)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        })
        .collect();
    let indices = data
        .indices
        .iter()
        .map(|(name, entry)| IndexSummary {
            name: name.clone(),
            id: entry.id.clone(),
            shards: entry.shard_generations.as_ref().map(Vec::len),
            snapshots: entry
                .snapshots
                .iter()
                .map(|uuid| {
                    data.snapshots
                        .iter()
                        .find(|s| &s.uuid == uuid)
                        .map_or_else(|| uuid.clone(), |s| s.name.clone())
                })
                .collect(),
        })
        .collect();
    Ok(Inspection {
        generation: view.generation,
        has_index_latest: view.latest.is_some(),
        format: if seven { "7.x" } else { "5.x/6.x" },
        min_version: data.min_version.clone(),
        snapshots,
        indices,
    })
}

impl Inspection {
    /// A plain-text rendering: a header line, then a snapshot table and an index table.
    pub fn render_text(&self, location: &str) -> String {
        let mut out = String::new();
        let source = if self.has_index_latest {
            "index.latest"
        } else {
            "highest index-N, no index.latest"
        };
        let _ = write!(
            out,
            "repository {location}: generation {} ({source}), format {}",
            self.generation, self.format
        );
        if let Some(v) = &self.min_version {
            let _ = write!(out, ", min_version {v}");
        }
        out.push('\n');
        let snapshot_rows: Vec<[String; 4]> = self
            .snapshots
            .iter()
            .map(|s| {
                [
                    s.name.clone(),
                    s.state.unwrap_or("-").to_owned(),
                    s.version.clone().unwrap_or_else(|| "-".into()),
                    s.indices.join(","),
                ]
            })
            .collect();
        out.push_str(&table(
            ["SNAPSHOT", "STATE", "VERSION", "INDICES"],
            &snapshot_rows,
        ));
        let index_rows: Vec<[String; 4]> = self
            .indices
            .iter()
            .map(|i| {
                [
                    i.name.clone(),
                    i.id.clone(),
                    i.shards.map_or_else(|| "-".into(), |n| n.to_string()),
                    i.snapshots.join(","),
                ]
            })
            .collect();
        out.push_str(&table(["INDEX", "ID", "SHARDS", "SNAPSHOTS"], &index_rows));
        out
    }
}

fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(str::len);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == N {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<w$}  ");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    out
}
