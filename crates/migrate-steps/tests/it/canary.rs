//! No secret in any step error, output or handle: the source's password (a canary, read from a
//! file reference) travels to the destination in every remote reindex body, and must appear nowhere
//! the steps report to.

use crate::common::*;
use migrate_graph::blueprint::{Auth, SecretRef};
use migrate_sandbox::Flavor;
use serde_json::json;

const CANARY: &str = "canary-Pa55w0rd-7f3e1c";

#[tokio::test]
async fn the_source_password_never_reaches_errors_outputs_or_handles() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("source-password");
    std::fs::write(&secret, format!("{CANARY}\n")).unwrap();
    let src = authed_movies("elastic", CANARY, 20).await;
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    let other = sandbox(Flavor::OpenSearch, "2.11.0").await;

    let with_auth = |dst: &migrate_sandbox::RunningSandbox| {
        let mut plan = reindex_plan(&src, dst, &["movies"], Some("updated_at"), 1, true);
        plan.source.auth = Auth::Basic {
            username: "elastic".into(),
            password: SecretRef::File(secret.clone()),
        };
        plan
    };

    // A full run: every output and handle is clean.
    let mut d = Driver::new(&with_auth(&dst)).await;
    d.finish().await;
    assert_eq!(count(&dst.url(), "movies").await, 20);
    d.assert_never_shows(CANARY);

    // Failing runs: the destination refuses the remote host; the reindex is started anyway to see
    // the error the destination sends back for a body carrying the password.
    let mut d = Driver::new(&with_auth(&other)).await;
    let (step, err) = d.run_all().await.unwrap_err();
    assert_eq!(step, "preflight/remote-allowlist");
    assert!(!err.message.contains(CANARY), "{}", err.message);
    d.outputs
        .insert("preflight/remote-allowlist".into(), json!(null));
    let (step, err) = d.run_all().await.unwrap_err();
    assert_eq!(step, "reindex/movies/part-all");
    assert!(err.message.contains("allowlist"), "{}", err.message);
    d.assert_never_shows(CANARY);
}
