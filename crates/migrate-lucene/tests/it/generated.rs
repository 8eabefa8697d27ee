//! The generated fixtures (Lucene 8.8.1 and 9.12.2, written the way Elasticsearch lays documents
//! out): every live root document comes out with its exact `_source`, deleted and superseded
//! ones and nested children do not.

use std::sync::Arc;

use migrate_lucene::{FsDirectory, Shard};

use crate::support::{
    all_fixtures, assert_documents, assert_documents_of, fixture, memory, read_all,
};

macro_rules! fixture_test {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            let docs = read_all(FsDirectory::new(fixture($name).join("index")));
            assert_documents($name, &docs);
        }
    };
}

fixture_test!(
    lucene8_best_speed_yields_exactly_its_live_documents,
    "lucene8-best-speed"
);
fixture_test!(
    lucene8_best_compression_compound_yields_exactly_its_live_documents,
    "lucene8-best-compression-compound"
);
fixture_test!(
    lucene8_plain_lz4_yields_exactly_its_live_documents,
    "lucene8-lz4-plain"
);
fixture_test!(
    lucene8_plain_deflate_compound_yields_exactly_its_live_documents,
    "lucene8-deflate-plain-compound"
);
fixture_test!(
    lucene8_soft_deletes_leave_only_the_live_versions,
    "lucene8-soft-deletes"
);
fixture_test!(
    lucene8_soft_deletes_kept_through_a_merge_stay_deleted,
    "lucene8-soft-deletes-merged"
);
fixture_test!(lucene8_es5_uid_gives_type_and_id, "lucene8-es5-uid");
fixture_test!(
    lucene8_two_commits_are_read_at_the_newest_by_default,
    "lucene8-two-commits"
);
fixture_test!(
    lucene9_best_speed_yields_exactly_its_live_documents,
    "lucene9-best-speed"
);
fixture_test!(
    lucene9_best_compression_compound_yields_exactly_its_live_documents,
    "lucene9-best-compression-compound"
);
fixture_test!(
    lucene9_soft_deletes_leave_only_the_live_versions,
    "lucene9-soft-deletes"
);
fixture_test!(
    lucene9_soft_deletes_kept_through_a_merge_stay_deleted,
    "lucene9-soft-deletes-merged"
);

#[test]
fn every_generated_fixture_has_a_test_above() {
    let covered = [
        "lucene8-best-compression-compound",
        "lucene8-best-speed",
        "lucene8-deflate-plain-compound",
        "lucene8-es5-uid",
        "lucene8-lz4-plain",
        "lucene8-soft-deletes",
        "lucene8-soft-deletes-merged",
        "lucene8-two-commits",
        "lucene9-best-compression-compound",
        "lucene9-best-speed",
        "lucene9-soft-deletes",
        "lucene9-soft-deletes-merged",
    ];
    assert_eq!(all_fixtures(), covered);
}

#[test]
fn an_older_commit_yields_the_documents_it_held() {
    let name = "lucene8-two-commits";
    let shard = Shard::open_commit(Arc::new(memory(name)), "segments_1").unwrap();
    assert_eq!(shard.commit().generation(), 1);
    let docs: Vec<_> = shard.documents().map(|d| d.unwrap()).collect();
    assert_documents_of(name, "expected-segments_1.jsonl", &docs);
    let newest = Shard::open(Arc::new(memory(name))).unwrap();
    assert_eq!(newest.commit().file_name(), "segments_2");
}

#[test]
fn a_commit_name_that_is_not_segments_n_is_refused() {
    let err = Shard::open_commit(Arc::new(memory("lucene8-two-commits")), "_0.si")
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        err,
        "`_0.si`: not a commit point: the name must be `segments_N` (N in base 36)"
    );
}

#[test]
fn memory_and_filesystem_directories_yield_the_same_documents() {
    let name = "lucene8-best-compression-compound";
    let from_fs = read_all(FsDirectory::new(fixture(name).join("index")));
    let from_memory = read_all(memory(name));
    assert_eq!(from_fs, from_memory);
}

#[test]
fn every_document_is_accounted_for_as_yielded_nested_or_deleted() {
    for name in all_fixtures() {
        let shard = Shard::open(Arc::new(memory(&name))).unwrap();
        let (mut roots, mut nested, mut deleted, mut max_doc) = (0u64, 0u64, 0u64, 0u64);
        for seg in shard.commit().segment_names() {
            let segment = shard.segment(seg).unwrap();
            let stats = segment.stats();
            max_doc += u64::from(stats.max_doc);
            deleted += u64::from(stats.hard_deleted + stats.soft_deleted);
            let mut docs = segment.documents();
            for doc in docs.by_ref() {
                doc.unwrap();
                roots += 1;
            }
            nested += docs.nested_skipped();
        }
        assert_eq!(roots + nested + deleted, max_doc, "{name}");
        assert!(nested > 0, "{name}: the fixture has live nested documents");
    }
}

#[test]
fn soft_deleted_documents_are_counted_in_the_segment_stats() {
    for name in ["lucene8-soft-deletes", "lucene9-soft-deletes-merged"] {
        let shard = Shard::open(Arc::new(memory(name))).unwrap();
        let soft: u32 = shard
            .commit()
            .segment_names()
            .map(|s| shard.segment(s).unwrap().stats().soft_deleted)
            .sum();
        assert!(soft > 0, "{name}");
    }
}

#[test]
fn nested_children_come_before_their_root_and_are_not_yielded() {
    // doc-3 was last indexed with no children, doc-10 with two (i % 7 == 3)
    let shard = Shard::open(Arc::new(memory("lucene8-best-speed"))).unwrap();
    let docs: Vec<_> = shard.documents().map(|d| d.unwrap()).collect();
    let doc10 = docs.iter().find(|d| d.id == "doc-10").unwrap();
    let segment = shard.segment(&doc10.position.segment).unwrap();
    assert!(doc10.position.doc >= 2);
    for child in doc10.position.doc - 2..doc10.position.doc {
        assert!(segment.is_live(child), "the children are live documents");
        assert!(
            !docs
                .iter()
                .any(|d| d.position.segment == doc10.position.segment && d.position.doc == child),
            "a nested child was yielded"
        );
    }
}

#[test]
fn resuming_after_a_position_yields_exactly_the_rest() {
    for name in ["lucene8-best-speed", "lucene9-soft-deletes"] {
        let shard = Shard::open(Arc::new(memory(name))).unwrap();
        let all: Vec<_> = shard.documents().map(|d| d.unwrap()).collect();
        for cut in [0, 1, 8, 9, 10, all.len() / 2, all.len() - 2, all.len() - 1] {
            let rest: Vec<_> = shard
                .documents_after(&all[cut].position)
                .unwrap()
                .map(|d| d.unwrap())
                .collect();
            assert_eq!(rest, all[cut + 1..], "{name}: resuming after #{cut}");
        }
    }
}

#[test]
fn resuming_in_a_segment_the_commit_does_not_have_is_an_error() {
    let shard = Shard::open(Arc::new(memory("lucene8-best-speed"))).unwrap();
    let position = migrate_lucene::Position {
        segment: "_zz".into(),
        doc: 3,
    };
    let err = shard.documents_after(&position).err().unwrap().to_string();
    assert!(
        err.starts_with("cannot resume after segment `_zz` doc 3: commit `segments_1` has no such segment (segments: _0, _1"),
        "{err}"
    );
}

#[test]
fn documents_come_in_commit_order_then_doc_order() {
    let shard = Shard::open(Arc::new(memory("lucene9-best-speed"))).unwrap();
    let order: Vec<String> = shard.commit().segment_names().map(str::to_owned).collect();
    let positions: Vec<(usize, u32)> = shard
        .documents()
        .map(|d| {
            let d = d.unwrap();
            let seg = order
                .iter()
                .position(|s| **s == *d.position.segment)
                .unwrap();
            (seg, d.position.doc)
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
}
