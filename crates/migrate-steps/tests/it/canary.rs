//! No secret in any step error, output or handle: the source's password (a canary, read from a
//! file reference) travels to the destination in every remote reindex body, and must appear nowhere
//! the steps report to.

use crate::common::*;
use migrate_graph::blueprint::{Auth, SecretRef};
use migrate_sandbox::{Auth as SandboxAuth, Flavor, Sandbox};
use serde_json::json;

const CANARY: &str = "canary-Pa55w0rd-7f3e1c";

#[tokio::test]
async fn the_source_password_never_reaches_errors_outputs_or_handles() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("source-password");
    std::fs::write(&secret, format!("{CANARY}\n")).unwrap();
    let src = Sandbox::builder()
        .auth(SandboxAuth::basic("elastic", CANARY))
        .start()
        .await
        .unwrap();
    let dst = sandbox_allowing(Flavor::Elasticsearch, "7.10.2", &src).await;
    let other = sandbox(Flavor::OpenSearch, "2.11.0").await;

    let authed = reqwest::Client::new();
    let r = authed
        .put(format!("{}/movies", src.url()))
        .basic_auth("elastic", Some(CANARY))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let mut body = String::new();
    for (id, doc) in docs("m", 0..20, Some("2024-01-01T00:00:00Z")) {
        body.push_str(&format!(
            "{}\n{doc}\n",
            json!({"index": {"_index": "movies", "_id": id}})
        ));
    }
    let r = authed
        .post(format!("{}/_bulk?refresh=true", src.url()))
        .basic_auth("elastic", Some(CANARY))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());

    let with_auth = |dst: &migrate_sandbox::RunningSandbox| {
        let mut plan = reindex_plan(&src, dst, &["movies"], Some("updated_at"), 1, true);
        plan.source.auth = Auth::Basic {
            username: "elastic".into(),
            password: SecretRef::File(secret.display().to_string()),
        };
        plan
    };

    // A full run: every output and handle is clean.
    let mut d = Driver::new(&with_auth(&dst)).await;
    match d.run_all().await {
        Ok(End::Finished) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&dst.url(), "movies").await, 20);
    let everything = format!(
        "{:?} {:?} {:?} {:?}",
        d.outputs,
        d.handles.map.lock().unwrap(),
        d.errors,
        d.runner.env()
    );
    assert!(!everything.contains(CANARY), "{everything}");

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
    let everything = format!(
        "{:?} {:?} {:?}",
        d.outputs,
        d.handles.map.lock().unwrap(),
        d.errors
    );
    assert!(!everything.contains(CANARY), "{everything}");
}
