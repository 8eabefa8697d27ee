//! Plan fields that shape a run, end to end between sandboxes: a pattern entry's `exclude`, the
//! remote reindex's own credentials (`reindex.remote_auth`), and `copy_settings` during and after
//! the copy (both `after: original` and explicit values).

use std::collections::BTreeMap;

use crate::common::*;
use migrate_graph::blueprint::{AfterCopy, Auth, CopySettings, SecretRef, Strategy};
use migrate_graph::{Format, compile_blueprint, render};
use migrate_sandbox::{Auth as SandboxAuth, Flavor, RunningSandbox, Sandbox};
use serde_json::{Value, json};

const CANARY: &str = "canary-R3m0te-91ab";

async fn settings(url: &str, index: &str) -> Value {
    let v: Value = http()
        .get(format!("{url}/{index}/_settings?flat_settings=true"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v[index]["settings"].clone()
}

async fn index_exists(url: &str, index: &str) -> bool {
    http()
        .get(format!("{url}/{index}"))
        .send()
        .await
        .unwrap()
        .status()
        .is_success()
}

fn set_copy(plan: &mut migrate_graph::blueprint::Blueprint, copy: CopySettings) {
    let Strategy::Reindex(r) = &mut plan.strategy else {
        panic!("reindex plan")
    };
    r.copy_settings = copy;
}

#[tokio::test]
async fn a_pattern_entry_with_an_exclude_copies_only_the_other_indexes() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox_allowing(Flavor::OpenSearch, "2.11.0", &src).await;
    for name in ["logs-a", "logs-b", "logs-debug-1"] {
        create_index(&src.url(), name, json!({})).await;
        bulk(
            &src.url(),
            name,
            None,
            &docs("d", 0..5, Some("2024-01-01T00:00:00Z")),
        )
        .await;
    }
    let mut plan = reindex_plan(&src, &dst, &["logs-*"], None, 0, true);
    plan.indexes[0].exclude = vec!["logs-debug-*".into()];

    let graph = compile_blueprint(&plan).expect("compiles");
    let preview = render(&graph, None, Format::Text);
    assert!(
        preview.contains("excluding logs-debug-*")
            && preview.contains("the entry's excludes are left out of what the pattern matches"),
        "{preview}"
    );

    let mut d = Driver::new(&plan).await;
    match d.run_all().await {
        Ok(End::Finished) => {}
        other => panic!("{other:?}"),
    }
    let recorded: Vec<&str> = d.output("create-index/logs-*")["indices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(recorded, ["logs-a", "logs-b"]);
    assert_eq!(count(&dst.url(), "logs-a").await, 5);
    assert_eq!(count(&dst.url(), "logs-b").await, 5);
    assert!(!index_exists(&dst.url(), "logs-debug-1").await);
    // The preflight's expansion agrees with the one the copy used.
    assert_eq!(
        d.output("preflight/versions")["indexes"]["logs-*"],
        json!(["logs-a", "logs-b"])
    );
}

async fn authed_source() -> RunningSandbox {
    let src = Sandbox::builder()
        .auth(SandboxAuth::basic("puller", CANARY))
        .start()
        .await
        .unwrap();
    let c = reqwest::Client::new();
    let r = c
        .put(format!("{}/movies", src.url()))
        .basic_auth("puller", Some(CANARY))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let mut body = String::new();
    for (id, doc) in docs("m", 0..12, Some("2024-01-01T00:00:00Z")) {
        body.push_str(&format!(
            "{}\n{doc}\n",
            json!({"index": {"_index": "movies", "_id": id}})
        ));
    }
    let r = c
        .post(format!("{}/_bulk?refresh=true", src.url()))
        .basic_auth("puller", Some(CANARY))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    src
}

#[tokio::test]
async fn remote_auth_is_what_the_destination_sends_to_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("source-password");
    std::fs::write(&own, CANARY).unwrap();
    let remote = dir.path().join("remote-password");
    std::fs::write(&remote, CANARY).unwrap();
    let wrong = dir.path().join("wrong-password");
    std::fs::write(&wrong, "not-the-password").unwrap();
    let src = authed_source().await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;

    let plan_with = |remote_password: &std::path::Path| {
        let mut plan = reindex_plan(&src, &dst, &["movies"], None, 0, true);
        plan.source.auth = Auth::Basic {
            username: "puller".into(),
            password: SecretRef::File(own.clone()),
        };
        let Strategy::Reindex(r) = &mut plan.strategy else {
            panic!("reindex plan")
        };
        r.remote_auth = Some(Auth::Basic {
            username: "puller".into(),
            password: SecretRef::File(remote_password.to_path_buf()),
        });
        plan
    };

    // The wrong remote credentials: create-index (migrate's own `source.auth`) works, the
    // destination's pull is refused, so the remote reindex uses `remote_auth`, not `source.auth`.
    let mut d = Driver::new(&plan_with(&wrong)).await;
    let (step, err) = d.run_all().await.unwrap_err();
    assert_eq!(step, "reindex/movies/part-all", "{err:?}");
    assert!(d.outputs.contains_key("create-index/movies"));
    assert!(!err.message.contains("not-the-password"), "{}", err.message);

    let plan = plan_with(&remote);
    let graph = compile_blueprint(&plan).expect("compiles");
    for format in [Format::Text, Format::Json, Format::Markdown] {
        let preview = render(&graph, None, format);
        assert!(
            preview.contains(&format!("<redacted: file {}>", remote.display())),
            "{preview}"
        );
        assert!(!preview.contains(CANARY), "{format:?} leaks the secret");
    }
    let mut d = Driver::new(&plan).await;
    match d.run_all().await {
        Ok(End::Finished) => {}
        other => panic!("{other:?}"),
    }
    let everything = format!(
        "{:?} {:?} {:?}",
        d.outputs,
        d.handles.map.lock().unwrap(),
        d.errors
    );
    assert!(!everything.contains(CANARY), "{everything}");
    assert_eq!(count(&dst.url(), "movies").await, 12);
}

/// `movies` on the source with 1 replica, a 5 s refresh interval and 8 documents: settings the copy
/// overrides and the finalize step puts back or replaces.
async fn movies_with_replicas_and_refresh(src: &str) {
    create_index(
        src,
        "movies",
        json!({"settings": {"number_of_replicas": 1, "refresh_interval": "5s"}}),
    )
    .await;
    bulk(
        src,
        "movies",
        None,
        &docs("m", 0..8, Some("2024-01-01T00:00:00Z")),
    )
    .await;
}

#[tokio::test]
async fn copy_settings_apply_during_the_copy_and_the_originals_come_back() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    movies_with_replicas_and_refresh(&src.url()).await;
    let mut plan = reindex_plan(&src, &dst, &["movies"], None, 0, true);
    set_copy(
        &mut plan,
        CopySettings {
            number_of_replicas: 0,
            refresh_interval: "30s".into(),
            after: AfterCopy::Original,
        },
    );
    let mut d = Driver::new(&plan).await;
    d.run_until(Some("create-index/movies")).await.unwrap();
    let s = settings(&dst.url(), "movies").await;
    assert_eq!(s["index.number_of_replicas"], "0", "{s}");
    assert_eq!(s["index.refresh_interval"], "30s", "{s}");
    match d.run_all().await {
        Ok(End::Finished) => {}
        other => panic!("{other:?}"),
    }
    let s = settings(&dst.url(), "movies").await;
    assert_eq!(s["index.number_of_replicas"], "1", "{s}");
    assert_eq!(s["index.refresh_interval"], "5s", "{s}");
}

#[tokio::test]
async fn explicit_after_copy_settings_replace_the_originals() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox_allowing(Flavor::OpenSearch, "2.11.0", &src).await;
    movies_with_replicas_and_refresh(&src.url()).await;
    let mut plan = reindex_plan(&src, &dst, &["movies"], None, 0, true);
    plan.verify.health = None;
    let after = BTreeMap::from([
        ("number_of_replicas".to_owned(), json!(2)),
        ("refresh_interval".to_owned(), json!("15s")),
    ]);
    set_copy(
        &mut plan,
        CopySettings {
            number_of_replicas: 1,
            refresh_interval: "-1".into(),
            after: AfterCopy::Set(after),
        },
    );
    let mut d = Driver::new(&plan).await;
    d.run_until(Some("create-index/movies")).await.unwrap();
    let s = settings(&dst.url(), "movies").await;
    assert_eq!(s["index.number_of_replicas"], "1", "{s}");
    assert_eq!(s["index.refresh_interval"], "-1", "{s}");
    match d.run_all().await {
        Ok(End::Finished) => {}
        other => panic!("{other:?}"),
    }
    let s = settings(&dst.url(), "movies").await;
    assert_eq!(s["index.number_of_replicas"], "2", "{s}");
    assert_eq!(s["index.refresh_interval"], "15s", "{s}");
    assert_eq!(count(&dst.url(), "movies").await, 8);
}

#[tokio::test]
async fn a_snapshot_run_leaves_out_excluded_indexes_and_applies_copy_settings() {
    use migrate_graph::blueprint::{Cutover, IndexSpec, SnapshotStrategy};
    let dirs = tempfile::tempdir().unwrap();
    let (a, b) = (dirs.path().join("a"), dirs.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let with_repo = |dir: std::path::PathBuf| async move {
        Sandbox::builder()
            .flavor(Flavor::Elasticsearch)
            .version("7.10.2")
            .node_setting("path.repo", json!([dir.display().to_string()]))
            .start()
            .await
            .expect("sandbox")
    };
    let src = with_repo(a.clone()).await;
    let dst = with_repo(b.clone()).await;
    for name in ["logs-a", "logs-debug-1"] {
        create_index(
            &src.url(),
            name,
            json!({"settings": {"number_of_shards": 1, "number_of_replicas": 1}}),
        )
        .await;
        bulk(&src.url(), name, None, &docs("d", 0..6, None)).await;
    }
    let plan = migrate_graph::blueprint::Blueprint {
        name: "logs".into(),
        source: cluster(&src.url()),
        destination: cluster(&dst.url()),
        indexes: vec![IndexSpec {
            exclude: vec!["logs-debug-*".into()],
            ..IndexSpec::same("logs-*")
        }],
        strategy: Strategy::Snapshot(SnapshotStrategy {
            repository: "migrate-a".into(),
            destination_repository: "migrate-b".into(),
            source_store: fs_store(&a.join("repo")),
            destination_store: Some(fs_store(&b.join("repo"))),
            incremental_rounds: 0,
            rounds_until: None,
            index_settings: BTreeMap::new(),
            copy_settings: CopySettings {
                number_of_replicas: 0,
                refresh_interval: "20s".into(),
                after: AfterCopy::Set(BTreeMap::from([(
                    "refresh_interval".to_owned(),
                    json!("2s"),
                )])),
            },
        }),
        cutover: Cutover {
            approved: true,
            block_source_writes: true,
        },
        verify: verify_all(3),
        metadata: Vec::new(),
    };
    let mut d = Driver::new(&plan).await;
    d.run_until(Some("wait-recovery/logs-*/round-1"))
        .await
        .unwrap();
    let s = settings(&dst.url(), "logs-a").await;
    assert_eq!(s["index.refresh_interval"], "20s", "{s}");
    match d.run_all().await {
        Ok(End::Finished) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&dst.url(), "logs-a").await, 6);
    assert!(!index_exists(&dst.url(), "logs-debug-1").await);
    let s = settings(&dst.url(), "logs-a").await;
    assert_eq!(s["index.refresh_interval"], "2s", "{s}");
}
