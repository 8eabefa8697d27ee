//! A snapshot plan whose S3 store gives `credentials:` transfers with them, not with the AWS chain:
//! SeaweedFS knows two identities, the plan's (allowed on the bucket) and the environment's chain
//! identity (allowed only on another bucket). With the plan's credentials the run completes; the
//! same plan without them is refused at preflight by the bucket, naming the AWS chain.

use crate::support::*;
use migrate_sandbox::Sandbox;
use migrate_test_support::{Identity, S3Server};
use serde_json::json;

const ADMIN: (&str, &str) = ("admin-key", "admin-secret-0c1d");
const PLAN: (&str, &str) = ("plan-key", "plan-secret-7e21");
const CHAIN: (&str, &str) = ("chain-key", "chain-secret-4b9f");

fn plan(src: &str, dst: &str, repo: &str, endpoint: &str, credentials: bool) -> String {
    let creds = if credentials {
        "\n        credentials: { access_key_id: { env: PLAN_KEY }, secret_access_key: { env: PLAN_SECRET } }"
    } else {
        ""
    };
    format!(
        "version: 1\nname: creds\nsource: {{ url: \"{src}\" }}\ndestination: {{ url: \"{dst}\" }}\nindexes: [movies]\nstrategy:\n  snapshot:\n    repository: local\n    destination_repository: remote\n    source_store: {{ fs: {{ location: \"{repo}\" }} }}\n    destination_store:\n      s3:\n        bucket: creds-b\n        endpoint: \"{endpoint}\"\n        base_path: migrate{creds}\ncutover: {{ approved: true, block_source_writes: false }}\nverify: {{ doc_count: true }}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_s3_store_with_credentials_transfers_with_them_and_not_the_aws_chain() {
    let work = tempfile::tempdir().unwrap();
    let id = |(k, s): (&str, &str), bucket: &str| Identity {
        access_key: k.into(),
        secret_key: s.into(),
        actions: ["Read", "Write", "List", "Tagging"]
            .iter()
            .map(|a| format!("{a}:{bucket}"))
            .collect(),
    };
    let s3 = S3Server::start_with(
        ADMIN.0,
        ADMIN.1,
        &[id(PLAN, "creds-b"), id(CHAIN, "elsewhere")],
    )
    .await
    .expect("the S3 test server (run `cargo xtask test`, which installs it)");
    s3.create_bucket("creds-b").await.unwrap();
    s3.create_bucket("elsewhere").await.unwrap();
    let repo = work.path().join("fs");
    std::fs::create_dir_all(&repo).unwrap();
    let source = Sandbox::builder()
        .version("7.10.2")
        .node_setting("path.repo", json!([repo.display().to_string()]))
        .start()
        .await
        .unwrap();
    // The destination cluster reads the bucket with its own keystore identity (the plan's here).
    let destination = Sandbox::builder()
        .version("7.10.2")
        .node_setting("s3.client.default.endpoint", json!(s3.endpoint()))
        .keystore("s3.client.default.access_key", PLAN.0)
        .keystore("s3.client.default.secret_key", PLAN.1)
        .start()
        .await
        .unwrap();
    let http = Http::new(None);
    http.put(
        format!("{}/movies", source.url()),
        json!({"settings": {"number_of_replicas": 0}}),
    )
    .await;
    let docs: Vec<_> = (0..20)
        .map(|i| ("movies", None, i.to_string(), movie(i, None)))
        .collect();
    http.bulk(&source.url(), &docs).await;
    let envs = [
        ("PLAN_KEY", PLAN.0),
        ("PLAN_SECRET", PLAN.1),
        ("AWS_ACCESS_KEY_ID", CHAIN.0),
        ("AWS_SECRET_ACCESS_KEY", CHAIN.1),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/nonexistent"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
    ];
    let repo_dir = repo.join("repo");

    // Without `credentials:` the transfer would sign with the chain identity: the bucket refuses it.
    let without = work.path().join("without.yaml");
    std::fs::write(
        &without,
        plan(
            &source.url(),
            &destination.url(),
            repo_dir.to_str().unwrap(),
            s3.endpoint(),
            false,
        ),
    )
    .unwrap();
    let out = run(
        work.path(),
        &["apply", without.to_str().unwrap(), "--output", "plain"],
        &envs,
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.contains("the destination store s3://creds-b/migrate")
            && t.contains("accepted the credentials but refused to list the bucket"),
        "{t}"
    );

    // With them the run completes: the transfer and the probe signed with the plan's identity.
    let with = work.path().join("with.yaml");
    std::fs::write(
        &with,
        plan(
            &source.url(),
            &destination.url(),
            repo_dir.to_str().unwrap(),
            s3.endpoint(),
            true,
        ),
    )
    .unwrap();
    let state = work.path().join("state-with");
    let out = run(
        work.path(),
        &[
            "apply",
            with.to_str().unwrap(),
            "--output",
            "plain",
            "--state",
            state.to_str().unwrap(),
        ],
        &envs,
    );
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(!t.contains(PLAN.1) && !t.contains(CHAIN.1), "{t}");
    assert_eq!(http.count(&destination.url(), "movies").await, 20);
}
