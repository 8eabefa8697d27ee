//! The exact requests steps send, checked against the runbooks and REFERENCE.md.

use crate::common;
use migrate_graph::requests::{Method, Redacted, Role, requests};
use migrate_graph::{Side, StepGraph, compile_blueprint};
use serde_json::json;

fn act(g: &StepGraph, id: &str) -> (Side, Method, String, serde_json::Value) {
    let step = g.get(id).unwrap_or_else(|| panic!("no step {id}"));
    let r = requests(&step.kind, &Redacted)
        .into_iter()
        .find(|r| r.role == Role::Act)
        .expect("an act request");
    (
        r.side,
        r.method,
        r.target(),
        r.body.map(|b| b.to_value()).unwrap_or_default(),
    )
}

#[test]
fn snapshot_requests_follow_the_runbook() {
    let g = compile_blueprint(&common::snapshot_plan(&["movies"])).expect("compiles");
    let (side, method, path, body) = act(&g, "register-repository/destination");
    assert_eq!(
        (side, method, path.as_str()),
        (
            Side::Destination,
            Method::Put,
            "/_snapshot/eric-snapshot-repository"
        )
    );
    assert_eq!(
        body,
        json!({"type": "oss", "settings": {
            "access_key_id": "<redacted: env OSS_KEY_ID>",
            "base_path": "my/snapshot/directory",
            "bucket": "eric-oss-aws-es-snapshot-s3",
            "compress": true,
            "endpoint": "http://oss-cn-hangzhou-internal.aliyuncs.com",
            "secret_access_key": "<redacted: env OSS_SECRET>",
            "readonly": true,
        }})
    );
    let (side, _, path, body) = act(&g, "snapshot/round-2");
    assert_eq!(side, Side::Source);
    assert_eq!(
        path,
        "/_snapshot/eric-snapshot-repository/movies-aws-to-hangzhou-round-2?wait_for_completion=false"
    );
    assert_eq!(body["indices"], "movies");
    assert_eq!(body["include_global_state"], false);
    // An incremental restore goes over a closed index (restoring over an open one fails).
    let (_, method, path, _) = act(&g, "close/movies/round-2");
    assert_eq!((method, path.as_str()), (Method::Post, "/movies/_close"));
    let (_, _, path, body) = act(&g, "restore/movies/round-2");
    assert_eq!(
        path,
        "/_snapshot/eric-snapshot-repository/movies-aws-to-hangzhou-round-2/_restore?wait_for_completion=false"
    );
    assert_eq!(
        body["index_settings"],
        json!({"index.number_of_replicas": 0, "index.refresh_interval": "-1"})
    );
    assert!(body.get("rename_pattern").is_none());
    let (side, _, path, body) = act(&g, "block-writes/movies");
    assert_eq!((side, path.as_str()), (Side::Source, "/movies/_settings"));
    assert_eq!(body, json!({"index": {"blocks": {"write": true}}}));
}

#[test]
fn renamed_indexes_restore_under_their_new_name() {
    let mut bp = common::snapshot_plan(&["logs.2026"]);
    bp.indexes[0].destination = "logs-2026-v2".into();
    let g = compile_blueprint(&bp).expect("compiles");
    let (_, _, _, body) = act(&g, "restore/logs.2026/round-1");
    assert_eq!(body["indices"], "logs.2026");
    assert_eq!(body["rename_pattern"], r"^logs\.2026$");
    assert_eq!(body["rename_replacement"], "logs-2026-v2");
    let (_, _, path, _) = act(&g, "close/logs.2026/round-2");
    assert_eq!(path, "/logs-2026-v2/_close");
}

#[test]
fn reindex_passes_query_what_they_should() {
    let g = compile_blueprint(&common::reindex_plan(&["movies"])).expect("compiles");
    let (side, method, path, body) = act(&g, "reindex/movies/part-all");
    assert_eq!(
        (side, method, path.as_str()),
        (
            Side::Destination,
            Method::Post,
            "/_reindex?wait_for_completion=false"
        )
    );
    assert_eq!(
        body,
        json!({
            "conflicts": "proceed",
            "source": {
                "remote": {"host": "http://10.37.1.1:9200", "username": "old-user", "password": "<redacted: env SOURCE_PASSWORD>"},
                "index": "movies",
                "size": 1000,
                "query": {"match_all": {}},
            },
            "dest": {"index": "movies"},
        })
    );
    let (_, _, _, body) = act(&g, "reindex/movies/pass-2");
    assert_eq!(
        body["source"]["query"],
        json!({"range": {"update_time": {
            "gte": "<run time: start of the previous pass (left out when no earlier pass recorded one)>",
            "lt": "<run time: start of this pass>",
            "format": "<run time: epoch_millis on a date field (the bounds are epoch milliseconds, whatever the field's own format); absent on a numeric field>",
        }}})
    );
    for id in [
        "reindex/movies/missing-field",
        "reindex/movies/final-missing-field",
    ] {
        let (_, _, _, body) = act(&g, id);
        assert_eq!(
            body["source"]["query"],
            json!({"bool": {"must_not": {"exists": {"field": "update_time"}}}})
        );
    }
    // Remote reindex cannot slice: parallelism is separate tasks, never `slices`.
    assert!(!path.contains("slices") && body.get("slices").is_none());
    let (_, _, path, body) = act(&g, "create-index/movies");
    assert_eq!(path, "/movies");
    assert_eq!(body["settings"]["index.number_of_replicas"], "0");
    assert_eq!(body["settings"]["index.refresh_interval"], "-1");
}

#[test]
fn a_renamed_snapshot_index_changes_only_its_own_fingerprints() {
    let before = compile_blueprint(&common::snapshot_plan(&["movies", "books"])).expect("compiles");
    let mut bp = common::snapshot_plan(&["movies", "books"]);
    bp.indexes[1].destination = "books-v2".into();
    let after = compile_blueprint(&bp).expect("compiles");
    for (a, b) in before.steps().zip(after.steps()) {
        assert_eq!(a.id, b.id);
        let books = a.index.as_deref() == Some("books");
        let restore_side = !a.id.as_str().starts_with("block-writes/");
        assert_eq!(
            a.fingerprint != b.fingerprint,
            books && restore_side,
            "{}",
            a.id
        );
    }
}
