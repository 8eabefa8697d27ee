//! Building the HTTP client: TLS roots, custom CA, client certificates, timeouts, header bounds,
//! no redirects; and naming why a server certificate was rejected.

use crate::config::{Limits, Timeouts, TlsConfig};
use crate::error::{ClusterError, TlsProblem};

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

/// A reqwest client for one cluster. `insecure_skip_verify` logs a warning every time. Redirects
/// are never followed (the client turns a 3xx into an error naming its `Location`).
pub fn build_http_client(
    tls: &TlsConfig,
    timeouts: &Timeouts,
    limits: &Limits,
    url: &url::Url,
) -> Result<reqwest::Client, ClusterError> {
    let mut b = reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .read_timeout(timeouts.read)
        .timeout(timeouts.request)
        .redirect(reqwest::redirect::Policy::none())
        .http1_max_headers(limits.max_headers)
        .http2_max_header_list_size(Limits::MAX_HEADER_LIST_BYTES)
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

/// Why the server's certificate was rejected, when `err` (or any error it wraps) is a rustls
/// certificate error; `None` for every other failure. The connector may wrap the rustls error in
/// ways no downcast reaches, so its words (rustls' own `Display`) are recognised too.
pub fn tls_problem(err: &(dyn std::error::Error + 'static)) -> Option<TlsProblem> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut words = String::new();
    while let Some(e) = cur {
        words.push_str(&e.to_string());
        words.push('\n');
        // `io::Error::source` skips the error it wraps, so look inside it explicitly.
        let inner = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|i| i as &(dyn std::error::Error + 'static));
        for candidate in std::iter::once(e).chain(inner) {
            if let Some(r) = candidate.downcast_ref::<rustls::Error>() {
                return Some(classify(r));
            }
        }
        cur = e.source();
    }
    from_words(&words)
}

/// The problem rustls' messages name (`invalid peer certificate: …`).
fn from_words(text: &str) -> Option<TlsProblem> {
    let at = text.find("invalid peer certificate")?;
    let rest = &text[at..];
    Some(if rest.contains("UnknownIssuer") {
        TlsProblem::UnknownIssuer
    } else if rest.contains("not valid for name") || rest.contains("NotValidForName") {
        TlsProblem::NameMismatch
    } else if rest.contains("certificate expired")
        || rest.contains("certificate not valid yet")
        || rest.contains("Expired")
        || rest.contains("NotValidYet")
    {
        TlsProblem::Expired
    } else {
        TlsProblem::Other
    })
}

fn classify(err: &rustls::Error) -> TlsProblem {
    use rustls::CertificateError as C;
    match err {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => TlsProblem::UnknownIssuer,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsProblem::NameMismatch,
            C::Expired
            | C::ExpiredContext { .. }
            | C::NotValidYet
            | C::NotValidYetContext { .. } => TlsProblem::Expired,
            _ => TlsProblem::Other,
        },
        _ => TlsProblem::Other,
    }
}

/// What to change in the plan for a rejected certificate; `prefix` is the cluster's plan key
/// (`source`, `destination`).
pub fn tls_help(problem: TlsProblem, prefix: &str, host: &str) -> String {
    match problem {
        TlsProblem::UnknownIssuer => format!(
            "the certificate of `{host}` is not signed by a trusted CA: set `{prefix}.tls.ca_file` to the PEM file of the CA that signed it"
        ),
        TlsProblem::NameMismatch => format!(
            "the certificate of `{host}` does not list that name: use a host name the certificate names in `{prefix}.url`, or reissue the certificate with `{host}` in its subject alternative names"
        ),
        TlsProblem::Expired => format!(
            "the certificate of `{host}` is outside its validity period: renew it on the server (or check this machine's clock); `{prefix}.tls.insecure_skip_verify` skips every check and is for tests only"
        ),
        TlsProblem::Other => format!(
            "the TLS handshake with `{host}` failed: check `{prefix}.tls` (`ca_file`, `client_cert`, `client_key`) and that the server speaks TLS on that port"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustls_certificate_errors_are_classified_wrapped_or_by_their_words() {
        use rustls::CertificateError as C;
        let io =
            |c: C| std::io::Error::new(std::io::ErrorKind::InvalidData, rustls::Error::from(c));
        assert_eq!(
            tls_problem(&io(C::UnknownIssuer)),
            Some(TlsProblem::UnknownIssuer)
        );
        assert_eq!(
            tls_problem(&io(C::NotValidForName)),
            Some(TlsProblem::NameMismatch)
        );
        assert_eq!(tls_problem(&io(C::Expired)), Some(TlsProblem::Expired));
        assert_eq!(tls_problem(&io(C::BadSignature)), Some(TlsProblem::Other));
        let said = |t: &str| std::io::Error::other(t.to_owned());
        assert_eq!(
            tls_problem(&said(
                "client error (Connect): invalid peer certificate: UnknownIssuer"
            )),
            Some(TlsProblem::UnknownIssuer)
        );
        assert_eq!(
            tls_problem(&said(
                "invalid peer certificate: certificate not valid for name \"127.0.0.1\"; certificate is only valid for DnsName(\"other.example\")"
            )),
            Some(TlsProblem::NameMismatch)
        );
        assert_eq!(
            tls_problem(&said(
                "invalid peer certificate: certificate expired: verification time 1 (UNIX), but certificate is not valid after 0 (1 seconds ago)"
            )),
            Some(TlsProblem::Expired)
        );
        assert_eq!(tls_problem(&said("connection refused")), None);
    }
}
