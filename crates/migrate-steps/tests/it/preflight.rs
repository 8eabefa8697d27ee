//! Permanent errors that stop a plan before (or instead of) copying, with their rendered text:
//! restore compatibility, a declared version the cluster contradicts, an older reindex destination,
//! and a 5.x index with several mapping types.

use std::collections::BTreeMap;

use crate::common::*;
use migrate_graph::blueprint::Flavor as Flavor2;
use migrate_graph::blueprint::*;
use migrate_sandbox::Flavor;
use migrate_test_support::S3Server;
use serde_json::json;

/// The object store's secret key: a canary that must appear in no error or output.
const STORE_SECRET: &str = "canary-store-secret-3d9a41";

fn snapshot_plan(src: &str, dst: &str) -> Blueprint {
    Blueprint {
        name: "p".into(),
        source: cluster(src),
        destination: cluster(dst),
        indexes: vec![IndexSpec::same("movies")],
        strategy: Strategy::Snapshot(SnapshotStrategy {
            repository: "r".into(),
            destination_repository: "r".into(),
            source_store: fs_store(std::path::Path::new("/tmp/unused")),
            destination_store: None,
            incremental_rounds: 0,
            rounds_until: None,
            index_settings: BTreeMap::new(),
            copy_settings: Default::default(),
        }),
        cutover: Cutover {
            approved: true,
            block_source_writes: false,
        },
        verify: verify_all(0),
        metadata: Vec::new(),
    }
}

/// Runs `preflight/versions` of `plan` and returns its outputs; any other outcome fails the test.
async fn preflight_outputs(plan: &Blueprint) -> serde_json::Value {
    let mut d = Driver::new(plan).await;
    match d.step("preflight/versions").await.unwrap() {
        migrate_exec::Outcome::Done { outputs } => outputs,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn versions_are_checked_against_the_rules_and_the_plan() {
    let es710 = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let es68 = sandbox(Flavor::Elasticsearch, "6.8.23").await;
    create_index(&es710.url(), "movies", json!({})).await;
    create_index(&es68.url(), "movies", json!({})).await;

    let mut d = Driver::new(&snapshot_plan(&es710.url(), &es68.url())).await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert!(!err.retryable);
    assert_eq!(
        err.message,
        "step `preflight/versions`: Elasticsearch 6.8.23 cannot restore a snapshot of Elasticsearch 7.10.2: restores never go to an older version; use `strategy: reindex` or a destination version that can restore it"
    );

    let mut plan = snapshot_plan(&es68.url(), &es710.url());
    plan.source.version = Some(Release::new(Flavor2::Elasticsearch, 6, 7, 0));
    let mut d = Driver::new(&plan).await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert_eq!(
        err.message,
        "step `preflight/versions`: the plan declares Elasticsearch 6.7.0 for the source cluster but it reports Elasticsearch 6.8.23; fix `source.version` in the plan (compatibility was judged on it)"
    );
    plan.source.version = None;
    let mut d = Driver::new(&plan).await;
    assert!(d.step("preflight/versions").await.is_ok());

    let mut d = Driver::new(&reindex_plan(&es710, &es68, &["movies"], None, 0, true)).await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert!(
        err.message.contains(
            "the destination (Elasticsearch 6.8.23) is older than the source (Elasticsearch 7.10.2)"
        ),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn several_mapping_types_need_a_choice() {
    let src = sandbox(Flavor::Elasticsearch, "5.6.16").await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    create_index(
        &src.url(),
        "movies",
        json!({"mappings": {"film": {"properties": {"t": {"type": "text"}}}, "serie": {"properties": {"s": {"type": "text"}}}}}),
    )
    .await;
    let mut d = Driver::new(&reindex_plan(&src, &dst, &["movies"], None, 0, true)).await;
    let (step, err) = d.run_all().await.unwrap_err();
    assert_eq!(step, "create-index/movies");
    assert!(!err.retryable);
    assert!(
        err.message.contains("index `movies`")
            && err.message.contains("rule `multi-type`")
            && err.message.contains("`film`, `serie`")
            && err.message.contains("settings.translate.multi_type"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn the_update_field_must_be_a_mapped_date_or_number() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    create_index(
        &src.url(),
        "movies",
        json!({"mappings": {"properties": {"updated_at": {"type": "keyword"}, "seq": {"type": "long"}, "at": {"type": "date"}}}}),
    )
    .await;
    let mut d = Driver::new(&reindex_plan(
        &src,
        &dst,
        &["movies"],
        Some("updated_at"),
        1,
        true,
    ))
    .await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert!(!err.retryable);
    assert_eq!(
        err.message,
        "step `preflight/versions`: the update-time field `updated_at` of source index `movies` has type `keyword`; incremental passes need a `date` or numeric field: set `update_field` in the plan to one, or reindex `movies` with `updated_at` mapped as `date`"
    );

    let mut d = Driver::new(&reindex_plan(
        &src,
        &dst,
        &["movies"],
        Some("missing"),
        1,
        true,
    ))
    .await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert_eq!(
        err.message,
        "step `preflight/versions`: the update-time field `missing` is not in the mapping of source index `movies`; set `update_field` in the plan to a `date` or numeric field the documents carry, or remove `incremental_passes`"
    );

    // A numeric update field needs values that say their unit (here milliseconds since the
    // epoch); an empty index's numeric field is refused at preflight (`update_field_unit::*`).
    bulk(
        &src.url(),
        "movies",
        None,
        &[(
            "1".to_owned(),
            json!({"seq": 1_733_000_000_000_i64, "at": "2024-12-01T00:00:00Z"}),
        )],
    )
    .await;
    for (field, expected) in [
        (
            "seq",
            json!({"field": "seq", "type": "long", "unit": "millis"}),
        ),
        ("at", json!({"field": "at", "type": "date"})),
    ] {
        let mut d = Driver::new(&reindex_plan(&src, &dst, &["movies"], Some(field), 1, true)).await;
        let out = d.step("preflight/versions").await.unwrap();
        let migrate_exec::Outcome::Done { outputs } = out else {
            panic!("{out:?}")
        };
        assert_eq!(outputs["update_fields"]["movies"], expected);
    }
}

#[tokio::test]
async fn a_closed_destination_index_needs_the_source_shard_count() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    create_index(
        &src.url(),
        "movies",
        json!({"settings": {"number_of_shards": 5}}),
    )
    .await;
    create_index(
        &dst.url(),
        "movies",
        json!({"settings": {"number_of_shards": 3}}),
    )
    .await;
    let plan = snapshot_plan(&src.url(), &dst.url());
    // Open with a different count: left to the restore step.
    let mut d = Driver::new(&plan).await;
    assert!(d.step("preflight/versions").await.is_ok());

    let r = http()
        .post(format!("{}/movies/_close", dst.url()))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let mut d = Driver::new(&plan).await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert!(!err.retryable);
    assert_eq!(
        err.message,
        "step `preflight/versions`: `movies` on the destination is closed with 3 primary shards but the source index has 5: a restore needs the same count — delete or rename the destination index"
    );

    // Same count, closed: fine.
    let other = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    create_index(
        &other.url(),
        "movies",
        json!({"settings": {"number_of_shards": 3}}),
    )
    .await;
    let mut d = Driver::new(&snapshot_plan(&other.url(), &dst.url())).await;
    assert!(d.step("preflight/versions").await.is_ok());
}

/// A bucket store on `server` (bucket `bucket`, base path `migrate/p`), the secret key read from
/// the file `secret_file`.
fn bucket_store(
    kind: &str,
    server: &S3Server,
    bucket: &str,
    secret_file: &std::path::Path,
) -> Store {
    let key = json!(server.access_key());
    let secret = json!({"file": secret_file.display().to_string()});
    let store = match kind {
        "s3" => {
            json!({"s3": {"bucket": bucket, "endpoint": server.endpoint(), "base_path": "migrate/p",
            "credentials": {"access_key_id": key, "secret_access_key": secret}}})
        }
        _ => {
            json!({ kind: {"bucket": bucket, "endpoint": server.endpoint(), "base_path": "migrate/p",
            "access_key_id": key, "secret_access_key": secret}})
        }
    };
    serde_json::from_value(store).expect("a bucket store")
}

/// A snapshot plan whose transfer copies from `source` to `destination`.
fn with_stores(mut plan: Blueprint, source: Store, destination: Store) -> Blueprint {
    if let Strategy::Snapshot(s) = &mut plan.strategy {
        s.source_store = source;
        s.destination_store = Some(destination);
    }
    plan
}

/// An S3 server with the bucket `snaps`, and a file holding its secret key.
async fn s3_with_bucket(dir: &std::path::Path) -> (S3Server, std::path::PathBuf) {
    let server = S3Server::start("preflight-key", STORE_SECRET)
        .await
        .expect("S3 server (run `cargo xtask services`)");
    server.create_bucket("snaps").await.unwrap();
    let secret = dir.join("store-secret");
    std::fs::write(&secret, STORE_SECRET).unwrap();
    (server, secret)
}

fn with_destination_store(
    plan: Blueprint,
    kind: &str,
    server: &S3Server,
    secret: &std::path::Path,
) -> Blueprint {
    let source = fs_store(&std::env::temp_dir());
    with_stores(plan, source, bucket_store(kind, server, "snaps", secret))
}

#[tokio::test]
async fn the_destination_needs_the_repository_plugin() {
    let tmp = tempfile::tempdir().unwrap();
    let (server, secret) = s3_with_bucket(tmp.path()).await;
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    create_index(&src.url(), "movies", json!({})).await;
    let without = migrate_sandbox::Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("7.10.2")
        .without_plugin("repository-s3")
        .start()
        .await
        .unwrap();
    let plan = with_destination_store(
        snapshot_plan(&src.url(), &without.url()),
        "s3",
        &server,
        &secret,
    );
    let mut d = Driver::new(&plan).await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert!(!err.retryable);
    assert_eq!(
        err.message,
        format!(
            "step `preflight/versions`: the destination cluster ({}) has no `repository-s3` plugin, which `s3` repositories need: install it on every destination node (`bin/elasticsearch-plugin install repository-s3`, or `bin/opensearch-plugin` on OpenSearch) and restart them",
            without.url()
        )
    );
    assert!(
        without
            .request_log()
            .entries()
            .iter()
            .any(|r| r.path == "/_cat/plugins")
    );

    // The same sandbox has the OSS plugin; a full one has s3; ES 8 ships s3 as a module; fs needs none.
    let plan = with_destination_store(
        snapshot_plan(&src.url(), &without.url()),
        "oss",
        &server,
        &secret,
    );
    let outputs = preflight_outputs(&plan).await;
    assert_eq!(outputs["repository_plugin"], "elasticsearch-repository-oss");
    let full = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let plan = with_destination_store(
        snapshot_plan(&src.url(), &full.url()),
        "s3",
        &server,
        &secret,
    );
    let outputs = preflight_outputs(&plan).await;
    assert_eq!(outputs["repository_plugin"], "repository-s3");
    let es8 = sandbox(Flavor::Elasticsearch, "8.11.0").await;
    let plan = with_destination_store(
        snapshot_plan(&src.url(), &es8.url()),
        "s3",
        &server,
        &secret,
    );
    let outputs = preflight_outputs(&plan).await;
    assert_eq!(outputs["repository_plugin"], "built in");
    let outputs = preflight_outputs(&snapshot_plan(&src.url(), &full.url())).await;
    assert_eq!(outputs["repository_plugin"], serde_json::Value::Null);
}

#[tokio::test]
async fn the_destination_needs_disk_for_the_source() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    create_index(&src.url(), "movies", json!({})).await;
    let docs: Vec<(String, serde_json::Value)> = (0..200)
        .map(|i| (format!("{i}"), json!({"title": "x".repeat(100), "n": i})))
        .collect();
    bulk(&src.url(), "movies", None, &docs).await;
    let cat = "/_cat/indices/movies?bytes=b&h=index,pri.store.size&format=json";
    let rows = get_json(&src.url(), cat).await;
    let size: u64 = rows[0]["pri.store.size"].as_str().unwrap().parse().unwrap();
    assert_eq!(size, 24_120, "the sandbox's store size accounting changed");

    let small = migrate_sandbox::Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("7.10.2")
        .remote_allowlist([src.host_port()])
        .disk_available(size)
        .start()
        .await
        .unwrap();
    let mut d = Driver::new(&reindex_plan(&src, &small, &["movies"], None, 0, true)).await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert!(!err.retryable);
    assert_eq!(
        err.message,
        format!(
            "step `preflight/versions`: the destination cluster ({}) has 23.6 KiB of free disk on its data nodes but the source indexes' primary store size is 23.6 KiB (at least 28.3 KiB free is needed, 1.2 × the source): free disk space or add data nodes on the destination, or migrate fewer indexes per plan",
            small.url()
        )
    );

    let roomy = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    let outputs = preflight_outputs(&reindex_plan(&src, &roomy, &["movies"], None, 0, true)).await;
    assert_eq!(outputs["disk"]["source_primary_bytes"], size);
    assert_eq!(outputs["disk"]["needed"], size * 6 / 5);
    assert_eq!(outputs["disk"]["available"], 1u64 << 40);

    // No fs stats (as on Serverless): recorded, not failed.
    roomy
        .faults()
        .add(migrate_sandbox::FaultRule::status(404).path("/_nodes/stats"));
    let outputs = preflight_outputs(&reindex_plan(&src, &roomy, &["movies"], None, 0, true)).await;
    assert_eq!(outputs["disk"], "not checked");
}

const NOT_CHECKED: &str = "not checked: transfer skipped, the clusters read the store themselves";

#[tokio::test]
async fn the_stores_the_transfer_copies_between_must_be_reachable_with_the_plan_credentials() {
    let tmp = tempfile::tempdir().unwrap();
    let (server, secret) = s3_with_bucket(tmp.path()).await;
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let dst = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    create_index(&src.url(), "movies", json!({})).await;
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let plan = |source: Store, destination: Store| {
        with_stores(snapshot_plan(&src.url(), &dst.url()), source, destination)
    };
    let s3 = |bucket: &str, secret: &std::path::Path| bucket_store("s3", &server, bucket, secret);
    let mut seen = String::new();

    // Both reachable (the bucket's base path is still empty): recorded in the outputs.
    let out = preflight_outputs(&plan(fs_store(&repo), s3("snaps", &secret))).await;
    assert_eq!(
        out["stores"],
        json!({"source": "reachable", "destination": "reachable"})
    );
    seen.push_str(&out.to_string());

    // A source directory the cluster has not created yet passes when its parent exists.
    let out = preflight_outputs(&plan(fs_store(&repo.join("new")), s3("snaps", &secret))).await;
    assert_eq!(
        out["stores"]["source"],
        "reachable (the directory is not created yet; its parent exists)"
    );

    // A wrong secret key: permanent, naming the store and the credential fields, no secret shown.
    const WRONG: &str = "canary-wrong-store-secret-51e0";
    let wrong = tmp.path().join("wrong-secret");
    std::fs::write(&wrong, WRONG).unwrap();
    let mut d = Driver::new(&plan(fs_store(&repo), s3("snaps", &wrong))).await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert!(!err.retryable, "{}", err.message);
    assert!(
        err.message.starts_with(&format!(
            "step `preflight/versions`: the destination store s3://snaps/migrate/p at `{}` refused the plan's credentials (HTTP 403 SignatureDoesNotMatch: ",
            server.endpoint()
        )),
        "{}",
        err.message
    );
    assert!(
        err.message.ends_with(&format!(
            "): check `strategy.snapshot.destination_store.s3.credentials.access_key_id` (written in the plan) and `strategy.snapshot.destination_store.s3.credentials.secret_access_key` (file `{}`) — they must be valid credentials for `snaps`",
            wrong.display()
        )),
        "{}",
        err.message
    );
    seen.push_str(&err.message);

    // A bucket that does not exist.
    let mut d = Driver::new(&plan(fs_store(&repo), s3("no-such-bucket", &secret))).await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert!(!err.retryable);
    assert!(
        err.message.starts_with(&format!(
            "step `preflight/versions`: the destination store's bucket `no-such-bucket` does not exist at `{}` (HTTP 404 NoSuchBucket",
            server.endpoint()
        )),
        "{}",
        err.message
    );
    assert!(
        err.message.ends_with(
            "create it, or fix `strategy.snapshot.destination_store.s3.bucket` (and `strategy.snapshot.destination_store.s3.endpoint`/`strategy.snapshot.destination_store.s3.region`)"
        ),
        "{}",
        err.message
    );
    seen.push_str(&err.message);

    // Nothing listens on the endpoint: retryable, naming the endpoint (one attempt, no retries).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = format!("http://127.0.0.1:{port}");
    let mut store = s3("snaps", &secret);
    if let Store::S3(s) = &mut store {
        s.endpoint = Some(closed.clone());
    }
    let mut d = Driver::new(&plan(fs_store(&repo), store)).await;
    let err = d
        .attempt(
            "preflight/versions",
            tokio_util::sync::CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert!(err.retryable, "{}", err.message);
    assert!(
        err.message.starts_with(&format!(
            "step `preflight/versions`: the destination store s3://snaps/migrate/p at `{closed}`: cannot connect to the endpoint ("
        )),
        "{}",
        err.message
    );
    assert!(
        err.message.ends_with(
            "); check `strategy.snapshot.destination_store.s3.endpoint` and that the store is up and reachable from this machine"
        ),
        "{}",
        err.message
    );
    seen.push_str(&err.message);

    // An fs source whose directory (and its parent) is missing on this machine.
    let missing = tmp.path().join("not-mounted/repo");
    let mut d = Driver::new(&plan(fs_store(&missing), s3("snaps", &secret))).await;
    let err = d.step("preflight/versions").await.unwrap_err();
    assert!(!err.retryable);
    assert_eq!(
        err.message,
        format!(
            "step `preflight/versions`: the source store file://{}: the directory `{}` does not exist, nor does its parent `{}`; migrate reads the repository directory for the transfer, so `strategy.snapshot.source_store.fs.location` must be the directory as this machine sees it (mount it here, or fix the path)",
            missing.display(),
            missing.display(),
            tmp.path().join("not-mounted").display()
        )
    );
    assert!(!missing.exists(), "the check creates nothing");
    seen.push_str(&err.message);

    // No transfer: one store both clusters read (even an unreachable one) is not migrate's to check.
    assert_eq!(
        preflight_outputs(&snapshot_plan(&src.url(), &dst.url())).await["stores"],
        NOT_CHECKED
    );
    assert_eq!(
        preflight_outputs(&plan(fs_store(&missing), fs_store(&missing))).await["stores"],
        NOT_CHECKED
    );

    for canary in [STORE_SECRET, WRONG] {
        assert!(!seen.contains(canary), "{seen}");
    }
}
