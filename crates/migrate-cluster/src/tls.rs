//! Building the HTTP client: TLS roots, custom CA, client certificates, timeouts.

use crate::config::{Timeouts, TlsConfig};
use crate::error::ClusterError;

/// A PEM file: a regular file of at most 4 MiB, opened without blocking (a FIFO or a device is
/// refused at once).
fn read(path: &std::path::Path, what: &str) -> Result<Vec<u8>, ClusterError> {
    migrate_input::read_limited(path, 4 * 1024 * 1024).map_err(|e| {
        ClusterError::Config(format!(
            "cannot read {what} `{}`: {}",
            path.display(),
            e.reason()
        ))
    })
}

/// A reqwest client for one cluster. `insecure_skip_verify` logs a warning every time.
pub fn build_http_client(
    tls: &TlsConfig,
    timeouts: &Timeouts,
    url: &url::Url,
) -> Result<reqwest::Client, ClusterError> {
    let mut b = reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .user_agent(concat!("migrate/", env!("CARGO_PKG_VERSION")));
    if let Some(ca) = &tls.ca_file {
        let pem = read(ca, "CA file")?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            ClusterError::Config(format!("CA file `{}` is not PEM: {e}", ca.display()))
        })?;
        if certs.is_empty() {
            return Err(ClusterError::Config(format!(
                "CA file `{}` holds no certificate",
                ca.display()
            )));
        }
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    match (&tls.client_cert, &tls.client_key) {
        (Some(cert), Some(key)) => {
            let mut pem = read(cert, "client certificate")?;
            pem.push(b'\n');
            pem.extend(read(key, "client key")?);
            let id = reqwest::Identity::from_pem(&pem).map_err(|e| {
                ClusterError::Config(format!(
                    "client certificate `{}` / key `{}`: {e}",
                    cert.display(),
                    key.display()
                ))
            })?;
            b = b.identity(id);
        }
        (None, None) => {}
        _ => {
            return Err(ClusterError::Config(
                "client certificate and client key must be given together".into(),
            ));
        }
    }
    if tls.insecure_skip_verify {
        tracing::warn!(
            cluster = %url,
            "TLS certificate verification is DISABLED for this cluster (insecure_skip_verify)"
        );
        b = b.danger_accept_invalid_certs(true);
    }
    b.build()
        .map_err(|e| ClusterError::Config(format!("building HTTP client: {e}")))
}
