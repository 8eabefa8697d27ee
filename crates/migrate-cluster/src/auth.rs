//! Applying a cluster's authentication to an outgoing request.

use base64::Engine;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::config::Auth;
use crate::error::ClusterError;
use crate::sigv4::{SigV4Signer, SignInput};
use migrate_core::Redactor;

/// Auth ready to use: static headers precomputed, or a SigV4 signer.
#[derive(Debug)]
pub enum Authenticator {
    None,
    /// A fixed `Authorization` header (basic, API key, bearer).
    Header(HeaderValue),
    SigV4(SigV4Signer),
}

impl Authenticator {
    /// Prepare auth for `host`, registering every secret with `redactor`.
    pub async fn new(
        auth: &Auth,
        host: &str,
        redactor: &mut Redactor,
    ) -> Result<Self, ClusterError> {
        let header = |value: String| {
            let mut v = HeaderValue::from_str(&value).map_err(|_| {
                ClusterError::Config(
                    "credential contains characters not allowed in a header".into(),
                )
            })?;
            v.set_sensitive(true);
            Ok::<_, ClusterError>(Authenticator::Header(v))
        };
        match auth {
            Auth::None => Ok(Authenticator::None),
            Auth::Basic { username, password } => {
                redactor.add_secret(password);
                let raw = format!("{username}:{}", password.expose());
                let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
                redactor.add(&encoded);
                header(format!("Basic {encoded}"))
            }
            Auth::ApiKey(key) => {
                redactor.add_secret(key);
                header(format!("ApiKey {}", key.expose()))
            }
            Auth::Bearer(token) => {
                redactor.add_secret(token);
                header(format!("Bearer {}", token.expose()))
            }
            Auth::AwsSigV4(cfg) => Ok(Authenticator::SigV4(
                SigV4Signer::new(cfg, host, redactor).await?,
            )),
        }
    }

    /// Add auth headers for a request about to be sent with exactly these parts.
    pub async fn apply(
        &self,
        headers: &mut HeaderMap,
        method: &str,
        url: &url::Url,
        body: &[u8],
        redactor: &std::sync::RwLock<Redactor>,
    ) -> Result<(), ClusterError> {
        match self {
            Authenticator::None => Ok(()),
            Authenticator::Header(v) => {
                headers.insert(AUTHORIZATION, v.clone());
                Ok(())
            }
            Authenticator::SigV4(signer) => {
                let host = host_header(url);
                let mut signed: Vec<(&str, &str)> = vec![("host", host.as_str())];
                for (k, v) in headers.iter() {
                    if let Ok(v) = v.to_str() {
                        signed.push((k.as_str(), v));
                    }
                }
                let out = signer
                    .sign(
                        SignInput {
                            method,
                            uri: url.as_str(),
                            headers: &signed,
                            body,
                        },
                        redactor,
                    )
                    .await?;
                for (k, v) in out {
                    let name = HeaderName::from_bytes(k.as_bytes())
                        .map_err(|e| ClusterError::Auth(format!("signed header name: {e}")))?;
                    let mut value = HeaderValue::from_str(&v)
                        .map_err(|e| ClusterError::Auth(format!("signed header value: {e}")))?;
                    value.set_sensitive(true);
                    headers.insert(name, value);
                }
                Ok(())
            }
        }
    }
}

/// The `Host` header value the HTTP client will send for `url`.
pub fn host_header(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}
