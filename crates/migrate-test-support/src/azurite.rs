//! Azurite (Azure Blob Storage's emulator, from npm) on a free loopback port, with the well-known
//! development account. The binary comes from `MIGRATE_AZURITE_BIN` or
//! `<repo>/.tools/node/node_modules/.bin/azurite-blob`, where `cargo xtask services` installs the
//! pinned `azurite`; it needs Node on the `PATH`. Killed when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use migrate_store::{AzureCredentials, AzureSpec, Secret, SecretSource, StoreSpec};
use sha2::{Digest, Sha256};

use crate::process::{ServerError, created, free_ports, locate, wait_for_http};

/// The environment variable naming the `azurite-blob` binary.
pub const AZURITE_BIN_ENV: &str = "MIGRATE_AZURITE_BIN";

/// A running Azurite blob service.
pub struct Azurite {
    child: Child,
    endpoint: String,
    dir: tempfile::TempDir,
}

impl Azurite {
    /// The development account every Azurite knows.
    pub const ACCOUNT: &'static str = "devstoreaccount1";
    /// Its well-known key (public, documented by Microsoft).
    pub const KEY: &'static str =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// Finds the binary.
    pub fn bin() -> Result<PathBuf, ServerError> {
        locate(
            "Azurite",
            AZURITE_BIN_ENV,
            ".tools/node/node_modules/.bin/azurite-blob",
        )
    }

    /// Starts Azurite and waits until it answers.
    pub async fn start() -> Result<Azurite, ServerError> {
        let bin = Self::bin()?;
        let fail = |reason: String| ServerError::Start {
            service: "Azurite",
            reason,
        };
        let dir = tempfile::tempdir().map_err(|e| fail(format!("temp dir: {e}")))?;
        let [port] = free_ports::<1>(false).map_err(fail)?;
        let log = std::fs::File::create(dir.path().join("azurite.log"))
            .map_err(|e| fail(format!("log: {e}")))?;
        let log_err = log.try_clone().map_err(|e| fail(format!("log: {e}")))?;
        let child = Command::new(&bin)
            .args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
            .arg("--location")
            .arg(dir.path().join("data"))
            .args([
                "--skipApiVersionCheck",
                "--loose",
                "--disableProductStyleUrl",
            ])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|e| fail(format!("cannot run `{}`: {e}", bin.display())))?;
        let mut server = Azurite {
            child,
            endpoint: format!("http://127.0.0.1:{port}/{}", Self::ACCOUNT),
            dir,
        };
        server.wait_ready().await.map_err(fail)?;
        Ok(server)
    }

    async fn wait_ready(&mut self) -> Result<(), String> {
        // Any HTTP answer (an unsigned listing is refused) means it listens.
        let url = format!("{}?comp=list", self.endpoint);
        let log = self.dir.path().join("azurite.log");
        wait_for_http(
            &mut self.child,
            &url,
            |_| true,
            || std::fs::read_to_string(&log).unwrap_or_default(),
        )
        .await
    }

    /// The blob endpoint, `http://127.0.0.1:<port>/devstoreaccount1`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Creates a container (idempotent), signed with the account key.
    pub async fn create_container(&self, container: &str) -> Result<(), ServerError> {
        let fail = |reason: String| ServerError::Bucket {
            bucket: container.to_owned(),
            reason,
        };
        let date = time::OffsetDateTime::now_utc()
            .format(time::macros::format_description!(
                "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
            ))
            .map_err(|e| fail(e.to_string()))?;
        let version = "2021-08-06";
        let resource = format!("/{a}/{a}/{container}\nrestype:container", a = Self::ACCOUNT);
        let to_sign = format!(
            "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{date}\nx-ms-version:{version}\n{resource}"
        );
        let key = STANDARD
            .decode(Self::KEY)
            .map_err(|e| fail(e.to_string()))?;
        let signature = STANDARD.encode(hmac_sha256(&key, to_sign.as_bytes()));
        let response = reqwest::Client::new()
            .put(format!("{}/{container}?restype=container", self.endpoint))
            .header("x-ms-date", &date)
            .header("x-ms-version", version)
            .header("content-length", "0")
            .header(
                "authorization",
                format!("SharedKey {}:{signature}", Self::ACCOUNT),
            )
            .send()
            .await
            .map_err(|e| fail(e.to_string()))?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        created(container, status, &body)
    }

    /// A spec for `container`/`base_path` with the account key.
    pub fn spec(&self, container: &str, base_path: &str) -> StoreSpec {
        StoreSpec::Azure(AzureSpec {
            account: Self::ACCOUNT.into(),
            container: container.into(),
            endpoint: Some(self.endpoint.clone()),
            base_path: base_path.into(),
            credentials: AzureCredentials::Key(SecretSource::Value(Secret::new(Self::KEY))),
        })
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// HMAC-SHA256 (RFC 2104).
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
