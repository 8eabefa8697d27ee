//! The runbook plans in `plans/` run for real: the remote-reindex runbook's plan file, with its
//! cluster URLs pointed at sandboxes of the versions it declares (or at real clusters from
//! `MIGRATE_E2E_*`), goes through apply to the gate, then through the approved cutover. And the
//! README's first command, `migrate demo`, completes for both strategies.

use std::path::Path;

use crate::support::*;
use migrate_sandbox::{Auth, Flavor, Sandbox};
use serde_json::json;

fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_remote_reindex_runbook_plan_runs_against_clusters_of_its_versions() {
    if real_clusters() {
        return; // the plan declares versions and credentials the sandboxes are started with
    }
    let work = tempfile::tempdir().unwrap();
    let source = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("6.8.23")
        .auth(Auth::basic("old-user", "old-secret-5d1f"))
        .start()
        .await
        .unwrap();
    let destination = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("7.10.0")
        .auth(Auth::basic("elastic", "new-secret-77ac"))
        .remote_allowlist([source.host_port()])
        .start()
        .await
        .unwrap();
    let hs = Http::new(Some(("old-user", "old-secret-5d1f")));
    let hd = Http::new(Some(("elastic", "new-secret-77ac")));
    // The runbook's data: `update_time` in epoch millis on both sides of the 2020 partition split.
    for index in ["movies", "books"] {
        hs.put(
            format!("{}/{index}", source.url()),
            // No replicas: the plan verifies `health: green`, which a one-node cluster reaches only so.
            json!({"settings": {"number_of_replicas": 0}, "mappings": {"_doc": {"properties": {
                "title": {"type": "text"}, "update_time": {"type": "date", "format": "epoch_millis"}
            }}}}),
        )
        .await;
        let docs: Vec<_> = (0..200)
            .map(|i| {
                let t = 1_500_000_000_000u64 + i as u64 * 1_000_000_000; // 2017 → 2023
                let mut doc = json!({"title": format!("{index} {i}")});
                if i % 13 != 0 {
                    doc["update_time"] = json!(t);
                }
                (index, Some("_doc"), i.to_string(), doc)
            })
            .collect();
        hs.bulk(&source.url(), &docs).await;
    }

    let secret_file = work.path().join("dest-password");
    std::fs::write(&secret_file, "new-secret-77ac").unwrap();
    let text =
        std::fs::read_to_string(repo_root().join("plans/reindex-self-managed-to-aliyun.yaml"))
            .unwrap()
            .replace("http://10.37.1.1:9200", &source.url())
            .replace(
                "https://es-cn-xyz.elasticsearch.aliyuncs.com:9200",
                &destination.url(),
            )
            .replace("/run/secrets/dest-password", secret_file.to_str().unwrap());
    let plan = work.path().join("plan.yaml");
    std::fs::write(&plan, text).unwrap();
    let p = plan.to_str().unwrap();
    let envs = [("SOURCE_PASSWORD", "old-secret-5d1f")];

    let first = run(work.path(), &["apply", p, "--output", "plain"], &envs);
    let t = text_of(&first);
    assert_eq!(first.status.code(), Some(0), "{t}");
    assert!(t.contains("cutover.approved: true"), "{t}");
    approve(&plan);
    let second = run(work.path(), &["apply", p, "--output", "plain"], &envs);
    let t = text_of(&second);
    assert_eq!(second.status.code(), Some(0), "{t}");
    assert!(
        !t.contains("old-secret-5d1f") && !t.contains("new-secret-77ac"),
        "{t}"
    );
    assert_eq!(hd.count(&destination.url(), "movies").await, 200);
    assert_eq!(hd.count(&destination.url(), "books-v2").await, 200);
    // Both partitions of the initial copy ran as separate tasks.
    let reindexes = destination
        .request_log()
        .matching("POST", "/_reindex")
        .len();
    assert!(reindexes >= 4, "{reindexes}");
}

fn text_of(out: &std::process::Output) -> String {
    text(out)
}

#[test]
fn the_demo_completes_for_both_strategies() {
    for strategy in ["snapshot", "reindex"] {
        let dir = tempfile::tempdir().unwrap();
        let out = run(
            dir.path(),
            &[
                "demo",
                "--strategy",
                strategy,
                "--docs",
                "400",
                "--output",
                "plain",
            ],
            &[],
        );
        let t = text(&out);
        assert_eq!(out.status.code(), Some(0), "{strategy}: {t}");
        assert!(t.contains("stopped at a gate"), "{strategy}: {t}");
        assert!(
            t.contains("verification") && t.contains("doc count"),
            "{strategy}: {t}"
        );
        assert!(!t.contains("DIFFERS"), "{strategy}: {t}");
        assert!(dir.path().join("migrate-demo/plan.yaml").exists());
        // The state the demo left is readable by `status`, which reports nothing left to do.
        let status = run(dir.path(), &["status", "migrate-demo/plan.yaml"], &[]);
        assert!(
            text(&status).contains("nothing left to do"),
            "{}",
            text(&status)
        );
    }
}
