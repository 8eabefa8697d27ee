//! `migrate cleanup`: lists first (`--dry-run` changes nothing), is gated (`--yes`, and `--force`
//! while the migration has steps left), deletes only the snapshots of its own state's lineage —
//! another run's snapshots in the same repository survive, and so does the repository that holds
//! them — and records what it removed in the state.

use std::path::Path;

use crate::support::*;

/// The snapshot names `GET _snapshot/<repository>/_all` lists on `cluster`.
async fn snapshots(cluster: &Cluster, repository: &str) -> Vec<String> {
    let listed = Http::new(None)
        .get(format!("{}/_snapshot/{repository}/_all", cluster.url))
        .await;
    let mut names: Vec<String> = listed["snapshots"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["snapshot"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

fn lineage_of(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("cleanup-snapshot.state.json")).unwrap();
    let state: serde_json::Value = serde_json::from_str(&text).unwrap();
    state["lineage"].as_str().unwrap()[..8].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_deletes_only_its_own_lineages_snapshots_and_another_runs_survive() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = strategy_pair("snapshot", work.path(), 10, 3).await;
    let plan = campaign_plan("cleanup", "snapshot", &source, &destination, 2, 100)
        .replace("approved: true", "approved: false");
    std::fs::write(work.path().join("plan.yaml"), plan).unwrap();
    let repo = "cleanup-repository";

    // Run A stops at the gate with its two rounds' snapshots.
    let out = run(work.path(), &["apply", "plan.yaml", "--state", "a"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let a = lineage_of(&work.path().join("a"));
    // Run B (another state) takes its own first snapshot, then refuses to restore over A's
    // indexes.
    let out = run(work.path(), &["apply", "plan.yaml", "--state", "b"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let b = lineage_of(&work.path().join("b"));
    let before = snapshots(&source, repo).await;
    let mut expected = vec![
        format!("cleanup-snapshot-{a}-round-1"),
        format!("cleanup-snapshot-{a}-round-2"),
        format!("cleanup-snapshot-{b}-round-1"),
    ];
    expected.sort();
    assert_eq!(before, expected);

    // The dry run lists B's snapshot only and changes nothing.
    let source_sb = source.sandbox.as_ref().unwrap();
    source_sb.request_log().clear();
    let out = run(
        work.path(),
        &["cleanup", "plan.yaml", "--state", "b", "--dry-run"],
        &[],
    );
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(&format!(
            "delete snapshot `cleanup-snapshot-{b}-round-1` in repository `{repo}` on the source"
        )) && shown.contains("dry run: nothing was changed")
            && !shown.contains(&a),
        "{shown}"
    );
    assert!(source_sb.request_log().entries().is_empty());

    // B has steps left: removing its snapshot needs --force, and without a terminal --yes.
    let out = run(
        work.path(),
        &["cleanup", "plan.yaml", "--state", "b", "--yes"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("step(s) left"), "{}", text(&out));
    let out = run(
        work.path(),
        &["cleanup", "plan.yaml", "--state", "b", "--force"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("pass --yes"), "{}", text(&out));
    assert_eq!(snapshots(&source, repo).await, before);

    let out = run(
        work.path(),
        &["cleanup", "plan.yaml", "--state", "b", "--yes", "--force"],
        &[],
    );
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert_eq!(
        snapshots(&source, repo).await,
        [
            format!("cleanup-snapshot-{a}-round-1"),
            format!("cleanup-snapshot-{a}-round-2"),
        ]
    );
    // The only deletes that reached the source are B's.
    let deletes: Vec<String> = source
        .log()
        .unwrap()
        .iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(
        deletes,
        [format!("/_snapshot/{repo}/cleanup-snapshot-{b}-round-1")]
    );
    // The cleanup is recorded in B's state; a second one finds it gone and changes nothing.
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(work.path().join("b/cleanup-snapshot.state.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(state["cleanups"][0]["lineage"], b.as_str());
    assert_eq!(
        state["cleanups"][0]["removed"][0]["snapshot"],
        format!("cleanup-snapshot-{b}-round-1")
    );
    let out = run(
        work.path(),
        &["cleanup", "plan.yaml", "--state", "b", "--yes", "--force"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("already gone"), "{}", text(&out));
    assert_eq!(snapshots(&source, repo).await.len(), 2);
}
