//! Permanent errors that stop a plan before (or instead of) copying, with their rendered text:
//! restore compatibility, a declared version the cluster contradicts, an older reindex destination,
//! and a 5.x index with several mapping types.

mod common;

use std::collections::BTreeMap;

use common::*;
use migrate_graph::blueprint::Flavor as Flavor2;
use migrate_graph::blueprint::*;
use migrate_sandbox::Flavor;
use serde_json::json;

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
            index_settings: BTreeMap::new(),
            copy_settings: Default::default(),
        }),
        cutover: Cutover {
            approved: true,
            block_source_writes: false,
        },
        verify: verify_all(0),
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
    plan.source.version = Some(Version {
        flavor: Flavor2::Elasticsearch,
        major: 6,
        minor: 7,
        patch: 0,
    });
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
        err.message
            .contains("has several mapping types (film, serie)"),
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

    for (field, ty) in [("seq", "long"), ("at", "date")] {
        let mut d = Driver::new(&reindex_plan(&src, &dst, &["movies"], Some(field), 1, true)).await;
        let out = d.step("preflight/versions").await.unwrap();
        let migrate_exec::Outcome::Done { outputs } = out else {
            panic!("{out:?}")
        };
        assert_eq!(
            outputs["update_fields"]["movies"],
            json!({"field": field, "type": ty})
        );
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

fn with_destination_store(mut plan: Blueprint, kind: StoreKind) -> Blueprint {
    if let Strategy::Snapshot(s) = &mut plan.strategy {
        s.destination_store = Some(Store {
            kind,
            settings: BTreeMap::from([("bucket".to_string(), Setting::Plain(json!("b")))]),
        });
    }
    plan
}

#[tokio::test]
async fn the_destination_needs_the_repository_plugin() {
    let src = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    create_index(&src.url(), "movies", json!({})).await;
    let without = migrate_sandbox::Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("7.10.2")
        .without_plugin("repository-s3")
        .start()
        .await
        .unwrap();
    let plan = with_destination_store(snapshot_plan(&src.url(), &without.url()), StoreKind::S3);
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
    let plan = with_destination_store(snapshot_plan(&src.url(), &without.url()), StoreKind::Oss);
    let mut d = Driver::new(&plan).await;
    let migrate_exec::Outcome::Done { outputs } = d.step("preflight/versions").await.unwrap()
    else {
        panic!()
    };
    assert_eq!(outputs["repository_plugin"], "elasticsearch-repository-oss");
    let full = sandbox(Flavor::Elasticsearch, "7.10.2").await;
    let plan = with_destination_store(snapshot_plan(&src.url(), &full.url()), StoreKind::S3);
    let mut d = Driver::new(&plan).await;
    let migrate_exec::Outcome::Done { outputs } = d.step("preflight/versions").await.unwrap()
    else {
        panic!()
    };
    assert_eq!(outputs["repository_plugin"], "repository-s3");
    let es8 = sandbox(Flavor::Elasticsearch, "8.11.0").await;
    let plan = with_destination_store(snapshot_plan(&src.url(), &es8.url()), StoreKind::S3);
    let mut d = Driver::new(&plan).await;
    let migrate_exec::Outcome::Done { outputs } = d.step("preflight/versions").await.unwrap()
    else {
        panic!()
    };
    assert_eq!(outputs["repository_plugin"], "built in");
    let mut d = Driver::new(&snapshot_plan(&src.url(), &full.url())).await;
    let migrate_exec::Outcome::Done { outputs } = d.step("preflight/versions").await.unwrap()
    else {
        panic!()
    };
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
    let rows: serde_json::Value = http()
        .get(format!(
            "{}/_cat/indices/movies?bytes=b&h=index,pri.store.size&format=json",
            src.url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    let mut d = Driver::new(&reindex_plan(&src, &roomy, &["movies"], None, 0, true)).await;
    let migrate_exec::Outcome::Done { outputs } = d.step("preflight/versions").await.unwrap()
    else {
        panic!()
    };
    assert_eq!(outputs["disk"]["source_primary_bytes"], size);
    assert_eq!(outputs["disk"]["needed"], size * 6 / 5);
    assert_eq!(outputs["disk"]["available"], 1u64 << 40);

    // No fs stats (as on Serverless): recorded, not failed.
    roomy
        .faults()
        .add(migrate_sandbox::FaultRule::status(404).path("/_nodes/stats"));
    let mut d = Driver::new(&reindex_plan(&src, &roomy, &["movies"], None, 0, true)).await;
    let migrate_exec::Outcome::Done { outputs } = d.step("preflight/versions").await.unwrap()
    else {
        panic!()
    };
    assert_eq!(outputs["disk"], "not checked");
}
