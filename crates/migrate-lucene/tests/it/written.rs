//! The writer against the reader: generated histories of adds, replacements, deletions, flushes
//! and commits, in every format, read back after each commit must give exactly the live
//! documents of the history — and a later commit must share every file of the segments it did
//! not touch, byte for byte.

use std::collections::BTreeMap;
use std::sync::Arc;

use migrate_lucene::Shard;
use migrate_lucene::write::{
    Commit, IdEncoding, IndexWriter, Layout, LuceneFormat, NewDocument, WriteError,
};
use proptest::prelude::*;

const FORMATS: [LuceneFormat; 4] = [
    LuceneFormat::Lucene6,
    LuceneFormat::Lucene7,
    LuceneFormat::Lucene87,
    LuceneFormat::Lucene9,
];

/// What a key's live document holds: routing and source.
type Model = BTreeMap<(Option<String>, String), (Option<String>, Option<Vec<u8>>)>;

#[derive(Debug, Clone)]
enum Op {
    Add {
        id: String,
        doc_type: String,
        routing: Option<String>,
        source: Option<Vec<u8>>,
    },
    Delete {
        id: String,
        doc_type: String,
    },
    Flush,
    Commit,
}

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..40).prop_map(|n| n.to_string()),
        "[A-Za-z0-9_-]{1,24}",
        "\\PC{1,12}",
    ]
}

fn source() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        1 => Just(None),
        6 => "[ -~]{0,300}".prop_map(|s| Some(format!("{{\"text\":{s:?}}}").into_bytes())),
        2 => proptest::collection::vec(any::<u8>(), 0..400).prop_map(Some),
        1 => (1usize..40_000).prop_map(|n| Some(
            (0..n).map(|i| b"abcdefgh {}\n"[(i * 7 + i / 13) % 12]).collect()
        )),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let doc_type = prop_oneof![Just("doc".to_owned()), Just("other".to_owned())];
    prop_oneof![
        10 => (id(), doc_type.clone(), proptest::option::of("[a-z0-9]{1,8}"), source()).prop_map(
            |(id, doc_type, routing, source)| Op::Add { id, doc_type, routing, source }
        ),
        3 => (id(), doc_type).prop_map(|(id, doc_type)| Op::Delete { id, doc_type }),
        1 => Just(Op::Flush),
        2 => Just(Op::Commit),
    ]
}

fn read_back(commit: &Commit, ids: IdEncoding) -> Model {
    let shard = Shard::open(Arc::new(commit.to_directory())).unwrap();
    assert_eq!(shard.commit().file_name(), commit.segments_file());
    let mut model = Model::new();
    for doc in shard.documents() {
        let doc = doc.unwrap_or_else(|e| panic!("{e}"));
        let key = match ids {
            IdEncoding::Uid => (doc.doc_type.clone(), doc.id.clone()),
            IdEncoding::Id => {
                assert_eq!(doc.doc_type, None);
                (None, doc.id.clone())
            }
        };
        let previous = model.insert(key.clone(), (doc.routing, doc.source));
        assert!(previous.is_none(), "{key:?} read twice");
    }
    model
}

/// Runs `ops`, checking every commit; returns how many commits were checked.
fn run(layout: Layout, ops: &[Op]) -> usize {
    let mut writer = IndexWriter::seeded(layout, 42);
    let mut model = Model::new();
    let mut previous: Option<Commit> = None;
    let mut commits = 0;
    let key = |doc_type: &str, id: &str| match layout.ids {
        IdEncoding::Uid => (Some(doc_type.to_owned()), id.to_owned()),
        IdEncoding::Id => (None, id.to_owned()),
    };
    let check = |writer: &mut IndexWriter, model: &Model, previous: &mut Option<Commit>| {
        let commit = writer.commit(&[("history_uuid", "h")]).unwrap();
        assert_eq!(&read_back(&commit, layout.ids), model);
        assert_eq!(writer.live_documents(), model.len());
        if let Some(before) = previous.as_ref() {
            for file in commit.files() {
                if let Some(old) = before.files().iter().find(|f| f.name == file.name) {
                    assert_eq!(
                        old.bytes, file.bytes,
                        "{} changed between commits",
                        file.name
                    );
                }
            }
        }
        *previous = Some(commit);
    };
    for op in ops {
        match op {
            Op::Add {
                id,
                doc_type,
                routing,
                source,
            } => {
                writer
                    .add(NewDocument {
                        id,
                        doc_type: Some(doc_type),
                        routing: routing.as_deref(),
                        source: source.as_deref(),
                    })
                    .unwrap();
                model.insert(key(doc_type, id), (routing.clone(), source.clone()));
            }
            Op::Delete { id, doc_type } => {
                let existed = writer.delete(Some(doc_type), id);
                assert_eq!(existed, model.remove(&key(doc_type, id)).is_some());
            }
            Op::Flush => writer.flush().unwrap(),
            Op::Commit => {
                check(&mut writer, &model, &mut previous);
                commits += 1;
            }
        }
    }
    check(&mut writer, &model, &mut previous);
    commits + 1
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_commit_reads_back_as_the_live_documents_of_its_history(
        ops in proptest::collection::vec(op(), 0..120),
        format in 0usize..4,
        uid in any::<bool>(),
    ) {
        let ids = if uid { IdEncoding::Uid } else { IdEncoding::Id };
        run(Layout { format: FORMATS[format], ids }, &ops);
    }
}

#[test]
fn large_documents_go_into_sliced_chunks_and_many_small_ones_into_many_chunks() {
    for format in FORMATS {
        let layout = Layout {
            format,
            ids: IdEncoding::Id,
        };
        let big: Vec<u8> = (0..700_000u32)
            .map(|i| (i % 97 + (i / 1000) % 29) as u8)
            .collect();
        let mut ops = vec![Op::Add {
            id: "big".into(),
            doc_type: "doc".into(),
            routing: None,
            source: Some(big),
        }];
        for i in 0..6000 {
            ops.push(Op::Add {
                id: format!("small-{i}"),
                doc_type: "doc".into(),
                routing: (i % 3 == 0).then(|| format!("r{}", i % 7)),
                source: Some(
                    format!("{{\"n\":{i},\"pad\":\"{}\"}}", "x".repeat(i % 50)).into_bytes(),
                ),
            });
            if i % 900 == 0 {
                ops.push(Op::Delete {
                    id: format!("small-{}", i / 2),
                    doc_type: "doc".into(),
                });
            }
        }
        ops.push(Op::Commit);
        ops.push(Op::Delete {
            id: "big".into(),
            doc_type: "doc".into(),
        });
        assert_eq!(run(layout, &ops), 2, "{format}");
    }
}

#[test]
fn an_empty_index_commits_a_commit_point_without_segments() {
    for format in FORMATS {
        let mut writer = IndexWriter::seeded(
            Layout {
                format,
                ids: IdEncoding::Id,
            },
            1,
        );
        let commit = writer.commit(&[]).unwrap();
        assert_eq!(commit.files().len(), 1);
        let shard = Shard::open(Arc::new(commit.to_directory())).unwrap();
        assert_eq!(shard.commit().segment_names().count(), 0);
        assert_eq!(shard.commit().lucene_version(), format.version_name());
    }
}

#[test]
fn a_later_commit_adds_a_segment_and_a_deletion_generation_and_keeps_the_other_files() {
    let mut writer = IndexWriter::seeded(
        Layout {
            format: LuceneFormat::Lucene87,
            ids: IdEncoding::Id,
        },
        9,
    );
    for i in 0..10 {
        let source = format!("{{\"n\":{i}}}");
        writer
            .add(NewDocument {
                id: &i.to_string(),
                doc_type: None,
                routing: None,
                source: Some(source.as_bytes()),
            })
            .unwrap();
    }
    let first = writer.commit(&[]).unwrap();
    let names = |c: &Commit| c.files().iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&first),
        [
            "_0.fnm",
            "_0.fdt",
            "_0.fdx",
            "_0.fdm",
            "_0.si",
            "segments_1"
        ]
    );
    writer
        .add(NewDocument {
            id: "3",
            doc_type: None,
            routing: None,
            source: Some(b"{\"n\":33}"),
        })
        .unwrap();
    let second = writer.commit(&[]).unwrap();
    assert_eq!(
        names(&second),
        [
            "_0.fnm",
            "_0.fdt",
            "_0.fdx",
            "_0.fdm",
            "_0.si",
            "_0_1.liv",
            "_1.fnm",
            "_1.fdt",
            "_1.fdx",
            "_1.fdm",
            "_1.si",
            "segments_2"
        ]
    );
    let shard = Shard::open(Arc::new(second.to_directory())).unwrap();
    let stats = shard.segment("_0").unwrap().stats();
    assert_eq!((stats.max_doc, stats.hard_deleted), (10, 1));
}

#[test]
fn refused_documents_say_why() {
    let mut uid = IndexWriter::seeded(
        Layout {
            format: LuceneFormat::Lucene6,
            ids: IdEncoding::Uid,
        },
        1,
    );
    let err = uid
        .add(NewDocument {
            id: "1",
            doc_type: None,
            routing: None,
            source: None,
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "document `1` needs a mapping type without `#` to be stored in `_uid` (got None); indexes created by Elasticsearch 5.x key documents by type and id"
    );
    let err = uid
        .add(NewDocument {
            id: "",
            doc_type: Some("t"),
            routing: None,
            source: None,
        })
        .unwrap_err();
    assert_eq!(err, WriteError::EmptyId);
}
