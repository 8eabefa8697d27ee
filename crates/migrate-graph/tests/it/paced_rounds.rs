//! Snapshot rounds are paced: round N+1's snapshot waits for round N's restores of every index,
//! and the final snapshot for the last round's, so no snapshot runs while a transfer or restore
//! of the round before still reads the repository.

use crate::common;
use migrate_graph::blueprint::Strategy;
use migrate_graph::compile_blueprint;
use petgraph::algo::has_path_connecting;

#[test]
fn round_two_snapshot_starts_after_every_index_of_round_one_is_restored_and_transferred() {
    let mut bp = common::snapshot_plan(&["movies", "books"]);
    if let Strategy::Snapshot(s) = &mut bp.strategy {
        s.incremental_rounds = 2;
    }
    let g = compile_blueprint(&bp).expect("compiles");
    let pg = g.petgraph();
    let node = |id: &str| g.node(id).unwrap_or_else(|| panic!("no step `{id}`"));
    for (round, next) in [
        ("round-1", "round-2"),
        ("round-2", "round-3"),
        ("round-3", "final"),
    ] {
        let snapshot = node(&format!("snapshot/{next}"));
        for index in ["movies", "books"] {
            for before in [
                format!("restore/{index}/{round}"),
                format!("wait-recovery/{index}/{round}"),
                format!("transfer/{round}"),
            ] {
                assert!(
                    has_path_connecting(pg, node(&before), snapshot, None),
                    "`snapshot/{next}` does not wait for `{before}`"
                );
            }
        }
    }
}
