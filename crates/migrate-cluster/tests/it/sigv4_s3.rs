//! Our SigV4 signer against a real S3 server (SeaweedFS, verifies signatures): a signed PUT and
//! GET of an object are accepted, the same request signed with a wrong secret is refused (403).

use std::time::SystemTime;

use aws_credential_types::Credentials;
use migrate_cluster::sigv4::{SignInput, SignOptions, sign_request};
use migrate_store::test_support::{REGION, S3Server};

const ACCESS: &str = "sigv4-access";
const SECRET: &str = "sigv4-secret-5a1c";

async fn send(method: &str, url: &str, body: &[u8], secret: &str) -> (u16, Vec<u8>) {
    let parsed: url::Url = url.parse().unwrap();
    let host = match parsed.port() {
        Some(p) => format!("{}:{p}", parsed.host_str().unwrap()),
        None => parsed.host_str().unwrap().to_owned(),
    };
    let creds = Credentials::new(ACCESS, secret, None, None, "test");
    let headers = [("host", host.as_str())];
    let signed = sign_request(
        SignInput {
            method,
            uri: url,
            headers: &headers,
            body,
        },
        &creds,
        &SignOptions {
            region: REGION,
            service: "s3",
            time: SystemTime::now(),
            content_sha256_header: true,
            normalize_path: false,
        },
    )
    .unwrap();
    let client = reqwest::Client::new();
    let mut req = client
        .request(method.parse().unwrap(), url)
        .body(body.to_vec());
    for (k, v) in &signed {
        req = req.header(k.as_str(), v.as_str());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn seaweedfs_accepts_our_s3_signatures_and_refuses_a_wrong_secret() {
    let server = S3Server::start(ACCESS, SECRET)
        .await
        .expect("the S3 test server (run `cargo xtask test`, which installs it)");
    server.create_bucket("signed").await.unwrap();
    let url = format!("{}/signed/dir/object.json", server.endpoint());
    let body = br#"{"signed":true}"#;

    let (put, text) = send("PUT", &url, body, SECRET).await;
    assert_eq!(put, 200, "{}", String::from_utf8_lossy(&text));
    let (get, got) = send("GET", &url, b"", SECRET).await;
    assert_eq!(get, 200);
    assert_eq!(got, body);

    let (bad, text) = send("PUT", &url, b"{}", "not-the-secret").await;
    assert_eq!(bad, 403, "{}", String::from_utf8_lossy(&text));
    let (bad_get, _) = send("GET", &url, b"", "not-the-secret").await;
    assert_eq!(bad_get, 403);
    // The refused write changed nothing.
    let (_, still) = send("GET", &url, b"", SECRET).await;
    assert_eq!(still, body);
}
