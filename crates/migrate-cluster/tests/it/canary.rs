//! A unique canary secret never appears in Debug output, errors, or tracing output at trace level,
//! even when the server echoes the credentials back in an error body.

use crate::common::calls::Calls;
use crate::common::logs::Logs;

use crate::common::{ES7_ROOT, TestServer};
use base64::Engine;
use migrate_cluster::{
    Auth, AwsCredentialSource, ClusterClient, ClusterConfig, SecretRef, Side, SigV4Config,
};

#[tokio::test]
async fn canary_secret_never_shown() {
    let (logs, _guard) = Logs::capture(tracing::Level::TRACE);

    let canary = format!(
        "canary-{}-{:x}",
        std::process::id(),
        std::ptr::addr_of!(logs) as usize
    );
    let var = format!("MIGRATE_CLUSTER_CANARY_{}", std::process::id());
    // `std::env::set_var` is unsafe in edition 2024 and the workspace forbids unsafe code, so the
    // canary comes through a file reference; the env path is exercised by the missing-variable error.
    let dir = std::env::temp_dir().join(format!("mc-canary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("secret");
    std::fs::write(&file, format!("{canary}\n")).unwrap();
    let secret = SecretRef::File(file.clone()).resolve().unwrap();
    let missing = SecretRef::Env(var.clone()).resolve().unwrap_err();

    // The server rejects everything and echoes the credentials it got.
    let server = TestServer::start(|r| {
        if r.uri == "/" && r.header("authorization").is_none() {
            return (200, ES7_ROOT.into());
        }
        let echoed = r.header("authorization").unwrap_or_default().to_owned();
        let token = r.header("x-amz-security-token").unwrap_or_default().to_owned();
        (
            401,
            serde_json::json!({"error": {"type": "security_exception",
                "reason": format!("unable to authenticate with [{echoed}] token [{token}]")}, "status": 401})
            .to_string(),
        )
    })
    .await;

    let auths = [
        Auth::Basic {
            username: "elastic".into(),
            password: secret.clone(),
        },
        Auth::ApiKey(secret.clone()),
        Auth::Bearer(secret.clone()),
        Auth::AwsSigV4(SigV4Config {
            region: "us-east-1".into(),
            service: None,
            credentials: AwsCredentialSource::Static {
                access_key_id: migrate_cluster::Secret::new("AKIDEXAMPLE"),
                secret_access_key: secret.clone(),
                session_token: Some(secret.clone()),
            },
        }),
    ];
    let mut rendered = vec![
        format!("{missing}"),
        format!("{missing:?}"),
        format!("{secret:?} {secret}"),
    ];
    for auth in auths {
        let mut cfg = ClusterConfig::new(server.url.clone(), Side::Source);
        cfg.auth = auth;
        rendered.push(format!("{cfg:?}"));
        let client = ClusterClient::new(&cfg).await.unwrap();
        rendered.push(format!("{client:?}"));
        let err = client.server_info().await.unwrap_err();
        assert_eq!(err.status(), Some(401));
        assert!(err.to_string().contains("***"), "echo not redacted: {err}");
        rendered.push(format!("{err}"));
        rendered.push(format!("{err:?}"));
        let err = client.count("logs", None).await.unwrap_err();
        rendered.push(format!("{err} {err:?}"));
        let refused = client.delete_index("logs").await.unwrap_err();
        rendered.push(format!("{refused} {refused:?}"));
    }
    // The credentials really were sent (the test is not vacuous).
    let sent: Vec<String> = server
        .requests()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert!(
        sent.iter().any(|a| a.contains(&canary)),
        "canary never sent"
    );

    let logs = logs.text();
    assert!(
        logs.contains("cluster request"),
        "trace output not captured"
    );
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("elastic:{canary}"));
    for needle in [canary.as_str(), basic.as_str()] {
        assert!(!logs.contains(needle), "secret in trace logs");
        for r in &rendered {
            assert!(!r.contains(needle), "secret in output: {r}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
