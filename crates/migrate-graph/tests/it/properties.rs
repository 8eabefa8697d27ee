//! Properties of every compiled graph, over generated plans.

use crate::common;
use migrate_graph::blueprint::{Partition, Strategy};
use migrate_graph::compile_blueprint;
use petgraph::algo::has_path_connecting;
use proptest::prelude::*;
use serde_json::json;

fn plan(
    snapshot: bool,
    n: usize,
    rounds: u32,
    parts: usize,
    field: bool,
    shared: bool,
    block: bool,
) -> migrate_graph::blueprint::Blueprint {
    let names: Vec<String> = (0..n).map(|i| format!("idx-{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut bp = if snapshot {
        common::snapshot_plan(&refs)
    } else {
        common::reindex_plan(&refs)
    };
    bp.cutover.block_source_writes = block;
    match &mut bp.strategy {
        Strategy::Snapshot(s) => {
            s.incremental_rounds = rounds;
            if shared {
                s.destination_store = None;
            }
        }
        Strategy::Reindex(r) => {
            r.incremental_passes = rounds;
            r.partitions = (0..parts)
                .map(|p| Partition {
                    name: format!("p{p}"),
                    query: json!({"term": {"p": p}}),
                })
                .collect();
            if !field {
                r.update_field = None;
            }
        }
        Strategy::Copy(c) => {
            c.incremental_passes = rounds;
            if !field {
                c.update_field = None;
            }
        }
        Strategy::SnapshotReindex(s) => s.incremental_rounds = rounds,
    }
    bp
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn graphs_are_acyclic_and_indexes_independent(
        snapshot in any::<bool>(), n in 1usize..6, rounds in 0u32..4, parts in 0usize..4,
        field in any::<bool>(), shared in any::<bool>(), block in any::<bool>(),
    ) {
        let g = compile_blueprint(&plan(snapshot, n, rounds, parts, field, shared, block)).expect("compiles");
        let pg = g.petgraph();
        for e in pg.raw_edges() {
            // Insertion order is topological, so there is no cycle.
            prop_assert!(e.source() < e.target());
            let (a, b) = (&g.step(e.source()).index, &g.step(e.target()).index);
            if let (Some(a), Some(b)) = (a, b) {
                prop_assert_eq!(a, b);
            }
        }
        prop_assert_eq!(g.gates(), 1);
        let gate = g.node("gate/cutover").expect("gate");
        let preflight = g.node("preflight/versions").expect("preflight");
        for node in g.topological_order() {
            let step = g.step(node);
            // Everything runs after the version check; verification runs after the cutover.
            if node != preflight && !step.id.as_str().starts_with("preflight/") {
                prop_assert!(has_path_connecting(pg, preflight, node, None), "{} not after preflight", step.id);
            }
            if step.id.as_str().starts_with("verify/") {
                prop_assert!(has_path_connecting(pg, gate, node, None));
            }
        }
        prop_assert_eq!(g.steps().filter(|s| s.id.as_str().starts_with("transfer/")).count() == 0, !snapshot || shared);
    }
}
