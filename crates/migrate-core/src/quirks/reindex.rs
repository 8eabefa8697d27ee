//! Which releases remote reindex can copy between: the quirks table's second pairwise rule, used
//! by the dry run on declared versions and by preflight on detected ones.

use crate::version::{Flavor, Release};

/// Whether remote reindex from a cluster at `from` into one at `into` is supported. `Ok` carries
/// notes worth showing (a source newer than the Elasticsearch OpenSearch forked from); `Err` says
/// why not.
pub fn reindex_compatibility(from: Release, into: Release) -> Result<Vec<String>, String> {
    let key = |r: Release| (r.version.major, r.version.minor, r.version.patch);
    if from.flavor == into.flavor && key(into) < key(from) {
        return Err(format!(
            "the destination ({into}) is older than the source ({from}); reindexing into an older version is not supported: upgrade the destination"
        ));
    }
    let mut notes = Vec::new();
    if from.flavor == Flavor::Elasticsearch
        && into.flavor == Flavor::OpenSearch
        && key(from) > (7, 10, 2)
    {
        notes.push(format!(
            "{from} is newer than the Elasticsearch 7.10.2 OpenSearch forked from: check mappings for field types OpenSearch lacks"
        ));
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Flavor::{Elasticsearch as Es, OpenSearch as Os};

    #[test]
    fn never_into_an_older_release_of_the_same_product_and_a_note_past_the_fork() {
        let r = Release::new;
        assert!(
            reindex_compatibility(r(Es, 6, 8, 23), r(Es, 7, 10, 2)).is_ok_and(|n| n.is_empty())
        );
        assert_eq!(
            reindex_compatibility(r(Es, 7, 10, 2), r(Es, 6, 8, 23)).unwrap_err(),
            "the destination (Elasticsearch 6.8.23) is older than the source (Elasticsearch 7.10.2); reindexing into an older version is not supported: upgrade the destination"
        );
        assert!(reindex_compatibility(r(Os, 2, 11, 0), r(Es, 7, 10, 2)).is_ok());
        assert!(reindex_compatibility(r(Es, 7, 10, 2), r(Os, 1, 3, 0)).is_ok_and(|n| n.is_empty()));
        let notes = reindex_compatibility(r(Es, 7, 17, 0), r(Os, 2, 11, 0)).unwrap();
        assert!(
            notes[0].starts_with("Elasticsearch 7.17.0 is newer than"),
            "{notes:?}"
        );
    }
}
