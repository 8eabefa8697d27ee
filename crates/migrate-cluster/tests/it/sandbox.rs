//! The client against the ES/OpenSearch-compatible sandbox: SigV4 verified by the sandbox (wrong
//! secret rejected), version detection and quirks per flavour, a remote reindex followed through
//! the task API, and the write-guard judged from the sandbox's request log.

use crate::common::calls::Calls;
use std::collections::BTreeSet;
use std::time::Duration;

use migrate_cluster::api::reindex::TaskState;
use migrate_cluster::{
    Auth, AwsCredentialSource, ClusterClient, ClusterConfig, Flavor, MappingTypes, MutatingCall,
    Secret, Side, SigV4Config, Version,
};
use migrate_sandbox::Sandbox;
use serde_json::json;

fn config(url: &str, role: Side, auth: Auth) -> ClusterConfig {
    let mut c = ClusterConfig::new(url.parse().expect("url"), role);
    c.auth = auth;
    c
}

fn sigv4(secret: &str) -> Auth {
    Auth::AwsSigV4(SigV4Config {
        region: "eu-west-1".into(),
        service: Some("es".into()),
        credentials: AwsCredentialSource::Static {
            access_key_id: Secret::new("AKIDEXAMPLE"),
            secret_access_key: Secret::new(secret),
            session_token: None,
        },
    })
}

#[tokio::test]
async fn sandbox_accepts_our_sigv4_and_rejects_a_wrong_secret() {
    let sb = Sandbox::builder()
        .auth(migrate_sandbox::Auth::sigv4(
            "AKIDEXAMPLE",
            "right-secret",
            "eu-west-1",
        ))
        .start()
        .await
        .expect("sandbox");
    let good = ClusterClient::new(&config(&sb.url(), Side::Destination, sigv4("right-secret")))
        .await
        .unwrap();
    good.server_info().await.unwrap();
    good.create_index(
        "signed-index",
        Some(json!({"number_of_shards": 1})),
        Some(json!({"properties": {"t": {"type": "keyword"}}})),
        None,
    )
    .await
    .unwrap();
    let names: Vec<String> = good
        .cat_indices(None)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.index)
        .collect();
    assert!(names.contains(&"signed-index".to_string()), "{names:?}");

    let bad = ClusterClient::new(&config(&sb.url(), Side::Destination, sigv4("wrong-secret")))
        .await
        .unwrap();
    let e = bad.server_info().await.unwrap_err();
    assert_eq!(e.status(), Some(403), "{e}");
    assert!(!e.is_retryable());
    assert!(!e.to_string().contains("wrong-secret"));
}

async fn bulk(url: &str, index: &str, n: usize, doc_type: Option<&str>) {
    let ty = doc_type
        .map(|t| format!(",\"_type\":\"{t}\""))
        .unwrap_or_default();
    let mut body = String::new();
    for i in 0..n {
        body.push_str(&format!(
            "{{\"index\":{{\"_index\":\"{index}\",\"_id\":\"{i}\"{ty}}}}}\n"
        ));
        body.push_str(&format!("{{\"n\":{i},\"t\":\"v{i}\"}}\n"));
    }
    migrate_test_support::sandboxes::bulk(url, None, body).await;
}

#[tokio::test]
async fn flavours_versions_quirks_and_remote_reindex() {
    for (flavor, version, flavour, types, allowlist) in [
        (
            migrate_sandbox::Flavor::Elasticsearch,
            "6.8.23",
            Flavor::Elasticsearch,
            MappingTypes::Single,
            "reindex.remote.whitelist",
        ),
        (
            migrate_sandbox::Flavor::Elasticsearch,
            "7.10.2",
            Flavor::Elasticsearch,
            MappingTypes::TypelessWithParam,
            "reindex.remote.whitelist",
        ),
        (
            migrate_sandbox::Flavor::OpenSearch,
            "2.11.0",
            Flavor::OpenSearch,
            MappingTypes::Typeless,
            "reindex.remote.allowlist",
        ),
    ] {
        let src = Sandbox::builder()
            .flavor(flavor)
            .version(version)
            .start()
            .await
            .expect("src");
        let dst = Sandbox::builder()
            .flavor(flavor)
            .version(version)
            .remote_allowlist([src.host_port()])
            .start()
            .await
            .expect("dst");
        let s = ClusterClient::new(&config(&src.url(), Side::Source, Auth::None))
            .await
            .unwrap();
        let d = ClusterClient::new(&config(&dst.url(), Side::Destination, Auth::None))
            .await
            .unwrap();
        let info = d.server_info().await.unwrap();
        assert_eq!(info.flavor(), flavour);
        assert_eq!(info.release().map(|r| r.version), Version::parse(version));
        let q = d.quirks().await.unwrap();
        assert_eq!(q.mapping_types(), types, "{version}");
        assert_eq!(q.remote_allowlist_setting(), allowlist);
        assert_eq!(
            d.remote_reindex_allowlist().await.unwrap(),
            vec![src.host_port()],
            "{version}"
        );

        // 6.x: one type per index, named explicitly in the bulk request.
        let doc_type = (types == MappingTypes::Single).then_some("_doc");
        bulk(&src.url(), "logs", 25, doc_type).await;
        assert_eq!(s.count("logs", None).await.unwrap(), 25);
        let res = s
            .search("logs", json!({"size": 3, "query": {"match_all": {}}}))
            .await
            .unwrap();
        assert_eq!(res.total, Some(25), "{version}: hits.total in either shape");
        let sample = s
            .search_by_ids("logs", &["3".into(), "7".into()])
            .await
            .unwrap();
        assert_eq!(sample.len(), 2);
        assert!(sample.iter().all(|h| h.source_sha256().is_some()));

        let mapping = json!({"properties": {"n": {"type": "long"}, "t": {"type": "keyword"}}});
        // The sandbox writes reindexed 6.x documents as type `doc` (it maps `_doc` to `doc`), so the
        // destination is created with that type name.
        d.create_index_typed(
            "logs",
            Some(json!({"number_of_shards": 1})),
            Some(mapping.clone()),
            None,
            Some("doc"),
        )
        .await
        .unwrap();
        let got = d.get_mappings("logs").await.unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].1.mapping.as_ref().and_then(|m| m.get("properties")),
            mapping.get("properties"),
            "{version}"
        );

        let dest = json!({"index": "logs"});
        let task = d
            .start_reindex(json!({
                "source": {"remote": {"host": src.url()}, "index": "logs", "size": 10},
                "dest": dest
            }))
            .await
            .unwrap();
        let mut state = d.task(&task).await.unwrap();
        for _ in 0..200 {
            if !matches!(state, TaskState::Running { .. }) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
            state = d.task(&task).await.unwrap();
        }
        match state {
            TaskState::Completed {
                status, failures, ..
            } => {
                assert!(failures.is_empty(), "{version}: {:?}", failures.first());
                assert_eq!(status.created, 25, "{version}");
            }
            other => panic!("{version}: {other:?}"),
        }
        d.refresh("logs").await.unwrap();
        assert_eq!(d.count("logs", None).await.unwrap(), 25);
        let copied = d
            .search_by_ids("logs", &["3".into(), "7".into()])
            .await
            .unwrap();
        let hashes = |v: &[migrate_cluster::api::search::Hit]| {
            let mut h: Vec<_> = v
                .iter()
                .map(|h| (h.id.clone(), h.source_sha256()))
                .collect();
            h.sort();
            h
        };
        assert_eq!(hashes(&copied), hashes(&sample));

        // Not allowlisted: the error comes back typed, synchronously or as the task's error.
        let other = Sandbox::builder()
            .flavor(flavor)
            .version(version)
            .start()
            .await
            .expect("other");
        let started = d
            .start_reindex(json!({"source": {"remote": {"host": other.url()}, "index": "logs"}, "dest": {"index": "x"}}))
            .await;
        let (ty, reason) = match started {
            Err(e) => (
                e.error_type().map(str::to_owned),
                e.reason().unwrap_or_default().to_owned(),
            ),
            Ok(id) => {
                let mut st = d.task(&id).await.unwrap();
                for _ in 0..200 {
                    if !matches!(st, TaskState::Running { .. }) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(25)).await;
                    st = d.task(&id).await.unwrap();
                }
                match st {
                    TaskState::Failed { error_type, reason } => (error_type, reason),
                    other => panic!("{version}: {other:?}"),
                }
            }
        };
        assert_eq!(
            ty.as_deref(),
            Some("illegal_argument_exception"),
            "{version}: {reason}"
        );
        assert!(reason.contains(allowlist), "{reason}");
    }
}

#[tokio::test]
async fn source_receives_only_declared_mutations() {
    let sb =
        migrate_test_support::sandboxes::sandbox(migrate_sandbox::Flavor::Elasticsearch, "7.10.2")
            .await;
    bulk(&sb.url(), "logs", 5, None).await;
    sb.request_log().clear();
    let mut c = config(&sb.url(), Side::Source, Auth::None);
    c.declared_source_writes = BTreeSet::from([MutatingCall::WriteBlock]);
    let s = ClusterClient::new(&c).await.unwrap();
    s.set_write_block("logs", true).await.unwrap();
    assert!(s.delete_index("logs").await.is_err());
    assert!(
        s.put_settings("logs", json!({"index.number_of_replicas": 0}))
            .await
            .is_err()
    );
    assert!(s.create_index("other", None, None, None).await.is_err());
    assert!(
        s.start_reindex(json!({"dest": {"index": "logs"}}))
            .await
            .is_err()
    );
    assert_eq!(s.count("logs", None).await.unwrap(), 5);
    let mutating: Vec<String> = sb
        .request_log()
        .mutating_requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(mutating, ["PUT /logs/_settings"]);
    assert!(s.index_exists("logs").await.unwrap());
}
