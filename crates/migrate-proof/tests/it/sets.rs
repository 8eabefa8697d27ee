//! Whole proofs over document sets: clean when equal in any order and split, and every kind of
//! difference named with its exact id.

use std::collections::HashSet;

use migrate_proof::{Findings, NoDeadLetters, Proof, ProofConfig, Side};

use crate::support::{Doc, docs, prove, prove_with};

#[test]
fn equal_sets_in_different_orders_and_split_across_threads_are_clean() {
    let src = docs(20_000);
    let mut dst = src.clone();
    dst.reverse();
    dst.rotate_left(7_777);
    for threads in [1, 3] {
        let o = prove_with(ProofConfig::default(), &src, &dst, threads, &NoDeadLetters);
        assert!(o.lines.is_empty(), "{:?}", &o.lines[..o.lines.len().min(3)]);
        assert_eq!(
            (o.diff.source_docs, o.diff.destination_docs),
            (20_000, 20_000)
        );
        assert_eq!(o.diff.buckets_drilled, 0);
        assert_eq!(o.diff.failures(), 0);
    }
}

#[test]
fn content_changed_first_middle_and_last_of_100_000_is_named_exactly() {
    let src = docs(100_000);
    let mut dst = src.clone();
    for i in [0, 50_000, 99_999] {
        dst[i].source = Some(r#"{"title":"changed"}"#.into());
    }
    let o = prove(&src, &dst);
    assert_eq!(
        o.ids("differing"),
        ["doc-0000000", "doc-0050000", "doc-0099999"]
    );
    assert_eq!(o.lines.len(), 3);
    assert_eq!(o.diff.differing.count, 3);
    assert_eq!(o.diff.differing.examples.len(), 3);
    assert!(o.diff.buckets_drilled <= 3);
}

#[test]
fn a_missing_document_is_named_missing_with_its_routing() {
    let src: Vec<Doc> = docs(1_000)
        .into_iter()
        .map(|d| {
            if d.id == "doc-0000500" {
                d.routed("r7")
            } else {
                d
            }
        })
        .collect();
    let dst: Vec<Doc> = src
        .iter()
        .filter(|d| d.id != "doc-0000500")
        .cloned()
        .collect();
    let o = prove(&src, &dst);
    assert_eq!(
        o.lines,
        [r#"{"index":"idx","id":"doc-0000500","kind":"missing","routing":"r7"}"#]
    );
    assert_eq!(o.diff.missing.count, 1);
    assert_eq!((o.diff.source_docs, o.diff.destination_docs), (1_000, 999));
}

#[test]
fn an_extra_document_is_named_extra() {
    let src = docs(1_000);
    let mut dst = src.clone();
    dst.insert(321, Doc::new("deleted-on-source", "{}"));
    let o = prove(&src, &dst);
    assert_eq!(
        o.lines,
        [r#"{"index":"idx","id":"deleted-on-source","kind":"extra"}"#]
    );
    assert_eq!(o.diff.extra.examples, ["deleted-on-source"]);
}

#[test]
fn a_different_routing_is_named_with_both_routings() {
    let src: Vec<Doc> = docs(500).into_iter().map(|d| d.routed("a")).collect();
    let mut dst = src.clone();
    dst[42].routing = Some("b".into());
    dst[43].routing = None;
    let o = prove(&src, &dst);
    assert_eq!(
        o.lines,
        [
            r#"{"index":"idx","id":"doc-0000042","kind":"differing","routing":"a","destination_routing":"b","differs":["routing"]}"#,
            r#"{"index":"idx","id":"doc-0000043","kind":"differing","routing":"a","differs":["routing"]}"#,
        ]
    );
}

#[test]
fn two_ids_with_swapped_contents_are_both_differing() {
    let src = docs(10_000);
    let mut dst = src.clone();
    let (a, b) = (dst[10].source.clone(), dst[9_000].source.clone());
    dst[10].source = b;
    dst[9_000].source = a;
    let o = prove(&src, &dst);
    assert_eq!(o.ids("differing"), ["doc-0000010", "doc-0009000"]);
    assert!(
        o.lines[0].ends_with(r#""differs":["content"]}"#),
        "{}",
        o.lines[0]
    );
}

#[test]
fn key_order_whitespace_escapes_and_number_spelling_are_clean() {
    let src = vec![
        Doc::new("a", r#"{"x":1,"y":"é","z":[1.0,2.5]}"#),
        Doc::new("b", r#"{"p":{"q":0.1000000000000000001}}"#),
    ];
    let dst = vec![
        Doc::new("b", r#"{ "p" : { "q" : 0.1 } }"#),
        Doc::new("a", r#"{"z":[1e0,25E-1],"y":"\u00e9","x":1}"#),
    ];
    let o = prove(&src, &dst);
    assert!(o.lines.is_empty(), "{:?}", o.lines);
}

#[test]
fn an_integer_turned_double_is_differing() {
    let src = vec![Doc::new("a", r#"{"x":1}"#), Doc::new("b", r#"{"x":2}"#)];
    let dst = vec![Doc::new("a", r#"{"x":1.0}"#), Doc::new("b", r#"{"x":2}"#)];
    assert_eq!(prove(&src, &dst).ids("differing"), ["a"]);
}

#[test]
fn one_id_on_two_shards_is_compared_as_a_multiset() {
    // The same `_id` under two routings is two documents in two shards.
    let src = vec![
        Doc::new("a", "{}").routed("1"),
        Doc::new("a", r#"{"v":2}"#).routed("2"),
    ];
    let swapped = vec![src[1].clone(), src[0].clone()];
    assert!(prove(&src, &swapped).lines.is_empty());
    let o = prove(&src, &src[..1]);
    assert_eq!(
        o.lines,
        [r#"{"index":"idx","id":"a","kind":"differing","routing":"1","differs":["copies"]}"#]
    );
}

#[test]
fn documents_without_source_are_compared_by_id_and_routing() {
    let mut src = docs(100);
    src.iter_mut().for_each(|d| d.source = None);
    let mut dst = src.clone();
    assert!(prove(&src, &dst).lines.is_empty());
    assert_eq!(prove(&src, &dst).diff.without_source, (100, 100));
    dst[5].routing = Some("x".into());
    dst.pop();
    let o = prove(&src, &dst);
    assert_eq!(o.ids("differing"), ["doc-0000005"]);
    assert_eq!(o.ids("missing"), ["doc-0000099"]);
}

#[test]
fn dead_lettered_ids_are_counted_apart_and_flagged_in_the_findings() {
    let src = docs(100);
    let mut dst = src.clone();
    dst.remove(3);
    dst.remove(3);
    let dead: HashSet<String> = ["doc-0000003".to_owned()].into();
    let o = prove_with(ProofConfig::default(), &src, &dst, 2, &dead);
    assert_eq!((o.diff.missing.count, o.diff.dead_lettered.count), (1, 1));
    assert!(o.lines.contains(
        &r#"{"index":"idx","id":"doc-0000003","kind":"missing","dead_lettered":true}"#.to_owned()
    ));
    assert_eq!(o.diff.missing.examples, ["doc-0000004"]);
}

#[test]
fn examples_stop_at_the_configured_count_while_the_file_has_every_id() {
    let src = docs(50);
    let o = prove(&src, &[]);
    assert_eq!(o.diff.missing.count, 50);
    assert_eq!(o.diff.missing.examples.len(), 3);
    assert_eq!(o.lines.len(), 50);
}

#[test]
fn a_slice_dropped_before_its_commit_counts_nothing() {
    let src = docs(2_000);
    let dir = tempfile::tempdir().unwrap();
    let cfg = ProofConfig {
        slice_memory: 1_000,
        ..ProofConfig::default()
    };
    let proof = Proof::new(cfg, dir.path()).unwrap();
    // A first attempt at the source dies half-way (its scroll expired) after spilling.
    let mut dead = proof.source().slice();
    for d in &src[..1_000] {
        dead.add(d.record()).unwrap();
    }
    drop(dead);
    crate::support::feed(&proof, Side::Source, &src, 2);
    crate::support::feed(&proof, Side::Destination, &src, 1);
    assert_eq!(proof.source().stats().records, 2_000);
    let mut findings = Findings::new(Vec::new(), 3);
    let diff = proof.compare("idx", &mut findings, &NoDeadLetters).unwrap();
    assert_eq!(diff.failures(), 0);
    assert_eq!(findings.lines(), 0);
}

#[test]
fn a_page_of_hits_feeds_the_slice_and_returns_the_next_search_after() {
    let dir = tempfile::tempdir().unwrap();
    let proof = Proof::new(ProofConfig::default(), dir.path()).unwrap();
    let body = br#"{"pit_id":"p","hits":{"hits":[
        {"_id":"1","_source":{"a":1},"sort":[1]},
        {"_id":"2","_routing":"r","_source":{"a":2},"sort":[2]}]}}"#;
    let mut slice = proof.source().slice();
    let cursor = slice.add_page(body).unwrap();
    assert_eq!((cursor.hits, cursor.last_sort.as_deref()), (2, Some("[2]")));
    slice.commit().unwrap();
    let mut slice = proof.destination().slice();
    slice
        .add(migrate_proof::Record {
            id: "2",
            routing: Some("r"),
            source: Some(br#"{ "a" : 2 }"#),
        })
        .unwrap();
    slice.commit().unwrap();
    let mut findings = Findings::new(Vec::new(), 3);
    let diff = proof.compare("idx", &mut findings, &NoDeadLetters).unwrap();
    assert_eq!(diff.missing.examples, ["1"]);
    assert_eq!(diff.failures(), 1);
}

#[test]
fn a_document_that_is_not_json_is_an_error_naming_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let proof = Proof::new(ProofConfig::default(), dir.path()).unwrap();
    let mut slice = proof.source().slice();
    let e = slice
        .add(migrate_proof::Record {
            id: "bad-1",
            routing: None,
            source: Some(b"{\"a\":"),
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "document `bad-1`: `_source` is not valid JSON at line 1, column 5: EOF while parsing a value"
    );
}

#[test]
fn a_slice_moves_into_a_detached_thread_and_back_like_a_blocking_task() {
    let dir = tempfile::tempdir().unwrap();
    let proof = Proof::new(ProofConfig::default(), dir.path()).unwrap();
    let src = docs(300);
    let mut slice = proof.source().slice();
    // What an async caller does per page: move the slice into `spawn_blocking`, get it back.
    for chunk in src.chunks(100) {
        let chunk = chunk.to_vec();
        slice = std::thread::spawn(move || {
            for d in &chunk {
                slice.add(d.record()).unwrap();
            }
            slice
        })
        .join()
        .unwrap();
    }
    slice.commit().unwrap();
    let feed = proof.destination().clone();
    let src2 = src.clone();
    std::thread::spawn(move || {
        let mut s = feed.slice();
        src2.iter().for_each(|d| s.add(d.record()).unwrap());
        s.commit().unwrap();
    })
    .join()
    .unwrap();
    // A slice still open at compare time is not part of the comparison.
    let mut open = proof.destination().slice();
    open.add(Doc::new("late", "{}").record()).unwrap();
    let mut findings = Findings::new(Vec::new(), 3);
    let diff = proof.compare("idx", &mut findings, &NoDeadLetters).unwrap();
    assert_eq!(
        (diff.source_docs, diff.destination_docs, diff.failures()),
        (300, 300, 0)
    );
}

#[test]
fn a_page_whose_source_cannot_be_hashed_names_the_document_and_takes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let proof = Proof::new(ProofConfig::default(), dir.path()).unwrap();
    let body = br#"{"hits":{"hits":[
        {"_id":"fine","_source":{"a":1}},
        {"_id":"broken","_source":{"k":"\ud800"}}]}}"#;
    let mut slice = proof.source().slice();
    let e = slice.add_page(body).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("document `broken`: `_source` is not valid JSON at line 1, column 13:"),
        "{e}"
    );
    assert_eq!(slice.records(), 0);
    let e = slice
        .add_page(br#"{"hits":{"hits":[{"_id":"x"}]},"#)
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("the search response is not a page of hits (line 1, column 31): EOF while parsing a value; "),
        "{e}"
    );
}

#[test]
fn an_id_longer_than_the_limit_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let proof = Proof::new(ProofConfig::default(), dir.path()).unwrap();
    let long = "x".repeat(migrate_proof::MAX_KEY_BYTES + 1);
    let e = proof
        .source()
        .slice()
        .add(migrate_proof::Record {
            id: &long,
            routing: None,
            source: Some(b"{}"),
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "document `{}`: its `_id` is 65537 bytes, more than the 65536 accepted",
            "x".repeat(64)
        )
    );
}

#[test]
fn findings_go_to_the_file_the_caller_names_one_json_line_each() {
    let state = tempfile::tempdir().unwrap();
    let path = state.path().join("verify-findings.jsonl");
    let mut findings = Findings::create(&path, 2).unwrap();
    for index in ["a", "b"] {
        let proof = Proof::new(ProofConfig::default(), state.path()).unwrap();
        crate::support::feed(&proof, Side::Source, &docs(3), 1);
        let diff = proof.compare(index, &mut findings, &NoDeadLetters).unwrap();
        assert_eq!(diff.missing.examples.len(), 2);
    }
    findings.finish().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6);
    assert!(
        lines.contains(&r#"{"index":"b","id":"doc-0000002","kind":"missing"}"#),
        "{text}"
    );
    // Only the findings file is left in the state directory: spill directories went with their proofs.
    assert_eq!(std::fs::read_dir(state.path()).unwrap().count(), 1);
}

#[test]
fn a_findings_file_that_cannot_be_created_says_where_and_what_to_check() {
    let state = tempfile::tempdir().unwrap();
    let path = state.path().join("missing-dir/findings.jsonl");
    let e = Findings::create(&path, 2).err().unwrap();
    assert_eq!(
        e.to_string(),
        format!(
            "creating findings file `{}`: No such file or directory (os error 2); check that the state directory is writable and has free space",
            path.display()
        )
    );
}
