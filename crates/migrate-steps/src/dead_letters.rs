//! Where the copy and snapshot-reindex steps write their dead letters, and the documents a run
//! dead-lettered for one destination index read back from those files, so the proof counts them
//! apart (the run is "not proven", naming them) instead of calling them plain missing documents.

use std::collections::HashSet;
use std::io::BufRead;
use std::path::PathBuf;

use migrate_cluster::bulk::DeadLetter;
use migrate_graph::StepKind;

use crate::cx::Cx;

/// A copy step's dead-letter file: `relative` (its step kind's `dead_letters`) under the state
/// directory.
pub(crate) fn copy_path(cx: &Cx<'_>, relative: &str) -> PathBuf {
    let dir = cx
        .env
        .options
        .state_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(".migrate"));
    dir.join(relative)
}

/// A snapshot-reindex step's dead-letter file, under the state directory like copy's:
/// `dead-letters/<plan>/snapshot_reindex_<destination index>.jsonl`, one per destination index
/// across rounds, the characters outside `[A-Za-z0-9_-]` as `_`.
pub(crate) fn snapshot_reindex_path(cx: &Cx<'_>, destination: &str) -> PathBuf {
    let clean = clean_name;
    copy_path(
        cx,
        &format!(
            "dead-letters/{}/snapshot_reindex_{}.jsonl",
            clean(&cx.env.plan),
            clean(destination)
        ),
    )
}

/// A name as a file name: characters outside `[A-Za-z0-9_-]` as `_`.
pub(crate) fn clean_name(s: &str) -> String {
    s.replace(
        |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_',
        "_",
    )
}

/// The ids dead-lettered into `destination` by the steps of the plan entry `source_entry`. A file
/// that does not exist holds none; a line that is not a dead letter is an error naming the file.
pub(crate) fn for_index(
    cx: &Cx<'_>,
    source_entry: &str,
    destination: &str,
) -> Result<HashSet<String>, String> {
    let mut ids = HashSet::new();
    for step in cx.graph.steps() {
        let path = match &step.kind {
            StepKind::Copy {
                source_index,
                dead_letters,
                ..
            } if &**source_index == source_entry => copy_path(cx, dead_letters),
            StepKind::SnapshotReindex {
                source_index,
                destination_index,
                ..
            } if &**source_index == source_entry => snapshot_reindex_path(cx, destination_index),
            _ => continue,
        };
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("reading `{}`: {e}", path.display())),
        };
        for line in std::io::BufReader::new(file).lines() {
            let line = line.map_err(|e| format!("reading `{}`: {e}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let letter: DeadLetter = serde_json::from_str(&line)
                .map_err(|e| format!("a line of `{}` is not a dead letter: {e}", path.display()))?;
            if letter.index == destination {
                ids.insert(letter.id);
            }
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_becomes_one_safe_file_name() {
        assert_eq!(
            clean_name("snapshot-reindex/logs-*/final"),
            "snapshot-reindex_logs-__final"
        );
        assert_eq!(clean_name("my plan"), "my_plan");
    }
}
