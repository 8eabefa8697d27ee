//! The compiler's DAG: shape, real dependencies only, acyclicity, fingerprints, errors.

use crate::common;
use std::collections::{BTreeMap, HashSet};

use migrate_graph::blueprint::{IndexSpec, Partition, Strategy};
use migrate_graph::{CompileError, StepGraph, compile_blueprint};
use petgraph::algo::{has_path_connecting, is_cyclic_directed};
use serde_json::json;

fn ids(g: &StepGraph) -> Vec<&str> {
    g.steps().map(|s| s.id.as_str()).collect()
}

fn assert_dag(g: &StepGraph) {
    assert!(!is_cyclic_directed(g.petgraph()));
    for e in g.petgraph().raw_edges() {
        assert!(e.source() < e.target(), "edge against insertion order");
    }
}

#[test]
fn snapshot_runbook_has_every_step_in_order() {
    let g = compile_blueprint(&common::snapshot_plan(&["movies"])).expect("compiles");
    assert_dag(&g);
    assert_eq!(
        ids(&g),
        [
            "preflight/versions",
            "preflight/repository-name",
            "register-repository/source",
            "snapshot/round-1",
            "wait-snapshot/round-1",
            "transfer/round-1",
            "register-repository/destination",
            "restore/movies/round-1",
            "wait-recovery/movies/round-1",
            "snapshot/round-2",
            "wait-snapshot/round-2",
            "transfer/round-2",
            "close/movies/round-2",
            "restore/movies/round-2",
            "open/movies/round-2",
            "wait-recovery/movies/round-2",
            "gate/cutover",
            "block-writes/movies",
            "snapshot/final",
            "wait-snapshot/final",
            "transfer/final",
            "close/movies/final",
            "restore/movies/final",
            "open/movies/final",
            "wait-recovery/movies/final",
            "restore-settings/movies",
            "verify/movies",
        ]
    );
    assert_eq!(g.gates(), 1);
}

#[test]
fn shared_store_skips_transfers() {
    let mut bp = common::snapshot_plan(&["movies"]);
    if let Strategy::Snapshot(s) = &mut bp.strategy {
        s.destination_store = None;
    }
    let g = compile_blueprint(&bp).expect("compiles");
    assert!(ids(&g).iter().all(|id| !id.starts_with("transfer/")));
    // The destination repository is registered once the first snapshot is complete.
    let wait = g.node("wait-snapshot/round-1").expect("step");
    let reg = g.node("register-repository/destination").expect("step");
    assert_eq!(g.dependencies(reg), vec![wait]);
}

#[test]
fn indexes_never_wait_for_each_other_directly() {
    for bp in [
        common::snapshot_plan(&["movies", "books", "logs-*"]),
        common::reindex_plan(&["movies", "books"]),
    ] {
        let g = compile_blueprint(&bp).expect("compiles");
        assert_dag(&g);
        for e in g.petgraph().raw_edges() {
            let (a, b) = (&g.step(e.source()).index, &g.step(e.target()).index);
            if let (Some(a), Some(b)) = (a, b) {
                assert_eq!(a, b, "edge between two indexes' steps");
            }
        }
        // No step of one index can reach a step of another before the gate joins them.
        let pg = g.petgraph();
        let gate = g.node("gate/cutover").expect("gate");
        let first_of = |name: &str| {
            g.steps()
                .position(|s| s.index.as_deref() == Some(name))
                .map(petgraph::graph::NodeIndex::new)
        };
        let (movies, books) = (
            first_of("movies").expect("movies"),
            first_of("books").expect("books"),
        );
        assert!(!has_path_connecting(pg, movies, books, None));
        assert!(!has_path_connecting(pg, books, movies, None));
        assert!(
            has_path_connecting(pg, movies, gate, None)
                && has_path_connecting(pg, books, gate, None)
        );
    }
}

#[test]
fn reindex_runbook_steps() {
    let g = compile_blueprint(&common::reindex_plan(&["movies"])).expect("compiles");
    assert_dag(&g);
    assert_eq!(
        ids(&g),
        [
            "preflight/versions",
            "preflight/remote-allowlist",
            "create-index/movies",
            "reindex/movies/part-all",
            "reindex/movies/pass-1",
            "reindex/movies/pass-2",
            "reindex/movies/missing-field",
            "gate/cutover",
            "block-writes/movies",
            "reindex/movies/final",
            "reindex/movies/final-missing-field",
            "reconcile-deletes/movies",
            "restore-settings/movies",
            "verify/movies",
        ]
    );
}

#[test]
fn partitions_run_in_parallel_and_all_feed_the_gate() {
    let mut bp = common::reindex_plan(&["movies"]);
    if let Strategy::Reindex(r) = &mut bp.strategy {
        r.update_field = None;
        r.partitions = vec![
            Partition {
                name: "old".into(),
                query: json!({"range": {"year": {"lt": 2000}}}),
            },
            Partition {
                name: "new".into(),
                query: json!({"range": {"year": {"gte": 2000}}}),
            },
        ];
    }
    let g = compile_blueprint(&bp).expect("compiles");
    let old = g.node("reindex/movies/part-old").expect("step");
    let new = g.node("reindex/movies/part-new").expect("step");
    let create = g.node("create-index/movies").expect("step");
    assert_eq!(g.dependencies(old), vec![create]);
    assert_eq!(g.dependencies(new), vec![create]);
    let gate = g.node("gate/cutover").expect("gate");
    assert_eq!(g.dependencies(gate), vec![old, new]);
    assert!(g.get("reindex/movies/final-missing-field").is_none());
}

#[test]
fn changing_one_index_changes_only_its_fingerprints() {
    let before = compile_blueprint(&common::reindex_plan(&["movies", "books"])).expect("compiles");
    let mut bp = common::reindex_plan(&["movies", "books"]);
    bp.indexes[0] = IndexSpec {
        source: "movies".into(),
        destination: "movies-v2".into(),
        exclude: Vec::new(),
    };
    let after = compile_blueprint(&bp).expect("compiles");
    assert_eq!(ids(&before), ids(&after));
    let changed: HashSet<&str> = before
        .steps()
        .zip(after.steps())
        .filter(|(a, b)| a.fingerprint != b.fingerprint)
        .map(|(a, _)| a.id.as_str())
        .collect();
    assert!(!changed.is_empty());
    for id in &changed {
        assert!(
            id.contains("/movies"),
            "{id} changed but does not belong to movies"
        );
    }
    // Every step that writes to the destination index changed.
    assert!(changed.contains("create-index/movies") && changed.contains("reindex/movies/final"));
}

#[test]
fn changing_the_destination_url_leaves_source_only_steps_alone() {
    let before = compile_blueprint(&common::snapshot_plan(&["movies"])).expect("compiles");
    let mut bp = common::snapshot_plan(&["movies"]);
    bp.destination.url = "https://elsewhere:9200".into();
    let after = compile_blueprint(&bp).expect("compiles");
    let same =
        |id: &str| before.get(id).map(|s| s.fingerprint) == after.get(id).map(|s| s.fingerprint);
    assert!(
        same("snapshot/round-1") && same("register-repository/source") && same("transfer/round-1")
    );
    assert!(!same("restore/movies/round-1") && !same("register-repository/destination"));
}

#[test]
fn compiling_twice_gives_the_same_graph() {
    let a = compile_blueprint(&common::snapshot_plan(&["movies", "books"])).expect("compiles");
    let b = compile_blueprint(&common::snapshot_plan(&["movies", "books"])).expect("compiles");
    let fa: Vec<_> = a.steps().map(|s| (s.id.clone(), s.fingerprint)).collect();
    let fb: Vec<_> = b.steps().map(|s| (s.id.clone(), s.fingerprint)).collect();
    assert_eq!(fa, fb);
}

#[test]
fn settings_key_order_does_not_change_fingerprints() {
    let with = |v: serde_json::Value| {
        let mut bp = common::snapshot_plan(&["movies"]);
        if let Strategy::Snapshot(s) = &mut bp.strategy {
            s.index_settings = BTreeMap::from([(
                "analysis".to_owned(),
                migrate_graph::blueprint::canonical(&v),
            )]);
        }
        compile_blueprint(&bp).expect("compiles")
    };
    let a = with(serde_json::from_str(r#"{"a": 1, "b": {"x": 1, "y": 2}}"#).expect("json"));
    let b = with(serde_json::from_str(r#"{"b": {"y": 2, "x": 1}, "a": 1}"#).expect("json"));
    let id = "restore/movies/round-1";
    assert_eq!(
        a.get(id).map(|s| s.fingerprint),
        b.get(id).map(|s| s.fingerprint)
    );
}

#[test]
fn bad_index_lists_are_errors() {
    assert_eq!(
        compile_blueprint(&common::snapshot_plan(&[])).err(),
        Some(CompileError::NoIndexes)
    );
    assert_eq!(
        compile_blueprint(&common::snapshot_plan(&["movies", "movies"])).err(),
        Some(CompileError::DuplicateIndex("movies".into()))
    );
    let mut bp = common::reindex_plan(&["a", "b"]);
    bp.indexes[1].destination = "a".into();
    assert_eq!(
        compile_blueprint(&bp).err().map(|e| e.to_string()),
        Some("indexes `a` and `b` would both be written to destination index `a`".into())
    );
}

#[test]
fn deletes_are_reconciled_after_the_final_pass_under_the_write_block_unless_the_plan_opts_out() {
    let g = compile_blueprint(&common::reindex_plan(&["movies"])).expect("compiles");
    let pg = g.petgraph();
    let node = |id: &str| g.node(id).unwrap_or_else(|| panic!("{id}"));
    let reconcile = node("reconcile-deletes/movies");
    for before in ["block-writes/movies", "reindex/movies/final-missing-field"] {
        assert!(
            has_path_connecting(pg, node(before), reconcile, None),
            "{before}"
        );
    }
    assert!(has_path_connecting(
        pg,
        reconcile,
        node("restore-settings/movies"),
        None
    ));
    let mut bp = common::reindex_plan(&["movies"]);
    if let Strategy::Reindex(r) = &mut bp.strategy {
        r.reconcile_deletes = false;
    }
    let g = compile_blueprint(&bp).expect("compiles");
    assert!(g.node("reconcile-deletes/movies").is_none());
}
