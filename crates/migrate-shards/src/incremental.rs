//! Incremental rounds: which segments of a shard's commit are new since an earlier snapshot of the
//! same shard. Lucene never rewrites a segment's files (deletes go to new `.liv` generations), so a
//! segment whose `.si` the earlier snapshot holds with the same checksum was read then.

use std::collections::BTreeSet;

use migrate_repo::model::ShardSnapshot;

/// The names of the segments of `current` whose segment info `previous` does not hold.
pub fn new_segments(previous: &ShardSnapshot, current: &ShardSnapshot) -> BTreeSet<String> {
    let known: BTreeSet<(&str, &str)> = previous
        .files
        .iter()
        .filter(|f| f.physical_name.ends_with(".si"))
        .map(|f| (f.physical_name.as_str(), f.checksum.as_str()))
        .collect();
    current
        .files
        .iter()
        .filter(|f| f.physical_name.ends_with(".si"))
        .filter(|f| !known.contains(&(f.physical_name.as_str(), f.checksum.as_str())))
        .filter_map(|f| f.physical_name.strip_suffix(".si").map(str::to_owned))
        .collect()
}
