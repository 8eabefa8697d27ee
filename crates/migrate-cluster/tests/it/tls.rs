//! TLS configuration: bad CA / client-certificate files fail with the path named, and
//! `insecure_skip_verify` warns every time a client is built.

use crate::common::logs::Logs;
use migrate_cluster::{ClusterClient, ClusterConfig, ClusterError, Side};

fn cfg() -> ClusterConfig {
    ClusterConfig::new(
        "https://127.0.0.1:9200/".parse().unwrap(),
        Side::Destination,
    )
}

#[tokio::test]
async fn insecure_skip_verify_warns_on_every_build() {
    let (logs, _guard) = Logs::capture(tracing::Level::WARN);
    let mut c = cfg();
    ClusterClient::new(&c).await.unwrap();
    let count = || logs.text().matches("verification is DISABLED").count();
    assert_eq!(count(), 0);
    c.tls.insecure_skip_verify = true;
    ClusterClient::new(&c).await.unwrap();
    ClusterClient::new(&c).await.unwrap();
    assert_eq!(count(), 2);
}

#[tokio::test]
async fn bad_tls_files_name_the_path() {
    let dir = std::env::temp_dir().join(format!("mc-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("missing-ca.pem");
    let mut c = cfg();
    c.tls.ca_file = Some(missing.clone());
    let e = ClusterClient::new(&c).await.unwrap_err();
    assert!(matches!(e, ClusterError::Config(_)));
    assert!(
        e.to_string().contains(&missing.display().to_string()),
        "{e}"
    );

    let not_pem = dir.join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    c.tls.ca_file = Some(not_pem.clone());
    let e = ClusterClient::new(&c).await.unwrap_err();
    assert!(
        e.to_string().contains(&not_pem.display().to_string()),
        "{e}"
    );

    let mut c = cfg();
    c.tls.client_cert = Some(not_pem.clone());
    let e = ClusterClient::new(&c).await.unwrap_err();
    assert!(e.to_string().contains("together"), "{e}");
    c.tls.client_key = Some(not_pem.clone());
    let e = ClusterClient::new(&c).await.unwrap_err();
    assert!(
        e.to_string().contains(&not_pem.display().to_string()),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn url_with_embedded_credentials_is_refused_without_echo() {
    let c = ClusterConfig::new(
        "https://user:pa55-canary@127.0.0.1:9200/".parse().unwrap(),
        Side::Destination,
    );
    assert!(!format!("{c:?}").contains("pa55-canary"), "{c:?}");
    let e = ClusterClient::new(&c).await.unwrap_err();
    assert!(!e.to_string().contains("pa55-canary"));
    assert!(e.to_string().contains("must not embed credentials"));
}
