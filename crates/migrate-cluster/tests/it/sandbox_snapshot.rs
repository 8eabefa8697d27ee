//! Snapshot → restore through the client against two sandboxes sharing an fs repository, with the
//! source's declared writes limited to repository registration and snapshot creation.

use crate::common::calls::Calls;
use std::collections::BTreeSet;
use std::time::Duration;

use migrate_cluster::api::cluster::HealthStatus;
use migrate_cluster::{Auth, ClusterClient, ClusterConfig, ClusterError, MutatingCall, Side};
use migrate_sandbox::Flavor;
use migrate_test_support::sandboxes::{bulk, with_repo};
use serde_json::json;

#[tokio::test]
async fn snapshot_restore_roundtrip_with_guarded_source() {
    let repo_dir = std::env::temp_dir().join(format!("mc-snap-{}", std::process::id()));
    std::fs::create_dir_all(&repo_dir).unwrap();
    let src = with_repo(Flavor::Elasticsearch, "7.10.2", &repo_dir).await;
    let dst = with_repo(Flavor::Elasticsearch, "7.10.2", &repo_dir).await;

    let mut body = String::new();
    for i in 0..40 {
        body.push_str(&format!(
            "{{\"index\":{{\"_index\":\"movies\",\"_id\":\"m{i}\"}}}}\n{{\"title\":\"movie {i}\"}}\n"
        ));
    }
    bulk(&src.url(), None, body).await;

    let mut sc = ClusterConfig::new(src.url().parse().unwrap(), Side::Source);
    sc.auth = Auth::None;
    sc.declared_source_writes =
        BTreeSet::from([MutatingCall::PutRepository, MutatingCall::CreateSnapshot]);
    let s = ClusterClient::new(&sc).await.unwrap();
    let d = ClusterClient::new(&ClusterConfig::new(
        dst.url().parse().unwrap(),
        Side::Destination,
    ))
    .await
    .unwrap();

    let location = json!({"location": repo_dir.display().to_string()});
    s.put_repository("migrate", "fs", location.clone(), true)
        .await
        .unwrap();
    assert_eq!(
        s.get_repository("migrate").await.unwrap().unwrap()["type"],
        "fs"
    );
    assert!(s.get_repository("nope").await.unwrap().is_none());
    assert!(matches!(
        s.verify_repository("migrate").await,
        Err(ClusterError::WriteRefused { .. })
    ));
    s.create_snapshot("migrate", "snap-1", &["movies".into()], false)
        .await
        .unwrap();
    let mut info = s.get_snapshot("migrate", "snap-1").await.unwrap().unwrap();
    for _ in 0..200 {
        if info.is_done() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        info = s.get_snapshot("migrate", "snap-1").await.unwrap().unwrap();
    }
    assert!(info.is_success(), "{info:?}");
    assert_eq!(info.indices, vec!["movies".to_string()]);
    assert!(
        s.get_snapshot("migrate", "missing")
            .await
            .unwrap()
            .is_none()
    );
    s.snapshot_status("migrate", "snap-1").await.unwrap();
    assert!(matches!(
        s.delete_snapshot("migrate", "snap-1").await,
        Err(ClusterError::WriteRefused { .. })
    ));

    d.put_repository(
        "migrate",
        "fs",
        json!({"location": repo_dir.display().to_string(), "readonly": true}),
        true,
    )
    .await
    .unwrap();
    d.restore(
        "migrate",
        "snap-1",
        json!({"indices": "movies", "include_global_state": false}),
    )
    .await
    .unwrap();
    let h = d
        .health(
            Some("movies"),
            Some(HealthStatus::Yellow),
            Some(Duration::from_secs(10)),
        )
        .await
        .unwrap();
    assert!(!h.timed_out && h.status >= HealthStatus::Yellow, "{h:?}");
    d.recovery("movies", false).await.unwrap();
    assert_eq!(d.count("movies", None).await.unwrap(), 40);

    // Restoring over an open index is the server's typed error.
    let e = d
        .restore("migrate", "snap-1", json!({"indices": "movies"}))
        .await
        .unwrap_err();
    assert_eq!(e.error_type(), Some("snapshot_restore_exception"), "{e}");
    assert!(!e.is_retryable());

    let mutating: Vec<String> = src
        .request_log()
        .mutating_requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .filter(|r| !r.contains("_bulk"))
        .collect();
    assert_eq!(
        mutating,
        ["PUT /_snapshot/migrate", "PUT /_snapshot/migrate/snap-1"]
    );
    std::fs::remove_dir_all(&repo_dir).ok();
}
