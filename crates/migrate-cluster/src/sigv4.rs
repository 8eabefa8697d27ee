//! AWS SigV4 signing of the exact request bytes (service `es` or `aoss`), credentials from the AWS chain.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, UriPathNormalizationMode,
    sign,
};
use aws_sigv4::sign::v4;
use tokio::sync::Mutex;

use crate::config::{AwsCredentialSource, SigV4Config};
use crate::error::ClusterError;
use migrate_core::Redactor;

/// What to sign: the request exactly as it will be sent.
#[derive(Debug, Clone, Copy)]
pub struct SignInput<'a> {
    pub method: &'a str,
    /// Full URI as sent (`https://host[:port]/path?query`), or a bare path for the test suite.
    pub uri: &'a str,
    /// Headers included in the signature (must include `host` when `uri` has no authority).
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

/// Signing options.
#[derive(Debug, Clone)]
pub struct SignOptions<'a> {
    pub region: &'a str,
    pub service: &'a str,
    pub time: SystemTime,
    /// Add `x-amz-content-sha256` (required by `aoss` and S3).
    pub content_sha256_header: bool,
    /// Normalise the URI path (everything except S3).
    pub normalize_path: bool,
}

/// Sign and return the headers to add (`authorization`, `x-amz-date`, and
/// `x-amz-security-token` / `x-amz-content-sha256` when applicable).
pub fn sign_request(
    input: SignInput<'_>,
    creds: &Credentials,
    opts: &SignOptions<'_>,
) -> Result<Vec<(String, String)>, ClusterError> {
    let mut settings = SigningSettings::default();
    if opts.content_sha256_header {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    settings.uri_path_normalization_mode = if opts.normalize_path {
        UriPathNormalizationMode::Enabled
    } else {
        UriPathNormalizationMode::Disabled
    };
    let identity = creds.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(opts.region)
        .name(opts.service)
        .time(opts.time)
        .settings(settings)
        .build()
        .map_err(|e| ClusterError::Auth(format!("SigV4 parameters: {e}")))?
        .into();
    let signable = SignableRequest::new(
        input.method,
        input.uri,
        input.headers.iter().copied(),
        SignableBody::Bytes(input.body),
    )
    .map_err(|e| ClusterError::Auth(format!("SigV4: request not signable: {e}")))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| ClusterError::Auth(format!("SigV4 signing failed: {e}")))?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}

/// Signs requests for one cluster, fetching and caching credentials.
pub struct SigV4Signer {
    region: String,
    service: String,
    provider: SharedCredentialsProvider,
    cached: Mutex<Option<Credentials>>,
}

impl std::fmt::Debug for SigV4Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigV4Signer")
            .field("region", &self.region)
            .field("service", &self.service)
            .finish_non_exhaustive()
    }
}

impl SigV4Signer {
    /// Build a signer. `host` picks the service when the config leaves it open.
    pub async fn new(
        cfg: &SigV4Config,
        host: &str,
        redactor: &mut Redactor,
    ) -> Result<Self, ClusterError> {
        let service = cfg.service.clone().unwrap_or_else(|| {
            if host.ends_with(".aoss.amazonaws.com") {
                "aoss".to_owned()
            } else {
                "es".to_owned()
            }
        });
        let provider = match &cfg.credentials {
            AwsCredentialSource::Static {
                access_key_id,
                secret_access_key,
                session_token,
            } => {
                redactor.add_secret(secret_access_key);
                if let Some(t) = session_token {
                    redactor.add_secret(t);
                }
                SharedCredentialsProvider::new(Credentials::new(
                    access_key_id.expose(),
                    secret_access_key.expose(),
                    session_token.as_ref().map(|t| t.expose().to_owned()),
                    None,
                    "migrate-static",
                ))
            }
            AwsCredentialSource::DefaultChain | AwsCredentialSource::Profile(_) => {
                let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
                    .region(aws_config::Region::new(cfg.region.clone()));
                if let AwsCredentialSource::Profile(p) = &cfg.credentials {
                    loader = loader.profile_name(p);
                }
                let conf = loader.load().await;
                conf.credentials_provider().ok_or_else(|| {
                    ClusterError::Auth("no AWS credentials provider available".into())
                })?
            }
        };
        Ok(SigV4Signer {
            region: cfg.region.clone(),
            service,
            provider,
            cached: Mutex::new(None),
        })
    }

    /// The signing service name (`es` or `aoss`).
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Current credentials, refreshed five minutes before they expire. Newly seen secrets are added
    /// to `redactor` by the caller via the returned value.
    pub async fn credentials(&self) -> Result<Credentials, ClusterError> {
        let mut cached = self.cached.lock().await;
        let fresh = |c: &Credentials| {
            c.expiry().is_none_or(|e| {
                e.duration_since(SystemTime::now())
                    .is_ok_and(|left| left > Duration::from_secs(300))
            })
        };
        if let Some(c) = cached.as_ref().filter(|c| fresh(c)) {
            return Ok(c.clone());
        }
        let c = self
            .provider
            .provide_credentials()
            .await
            .map_err(|e| ClusterError::Auth(format!("loading AWS credentials: {e}")))?;
        *cached = Some(c.clone());
        Ok(c)
    }

    /// Sign one request now.
    /// Credentials fetched from the chain are registered with `redactor`.
    pub async fn sign(
        &self,
        input: SignInput<'_>,
        redactor: &std::sync::RwLock<Redactor>,
    ) -> Result<Vec<(String, String)>, ClusterError> {
        let creds = self.credentials().await?;
        if let Ok(mut r) = redactor.write() {
            r.add(creds.secret_access_key());
            if let Some(t) = creds.session_token() {
                r.add(t);
            }
        }
        sign_request(
            input,
            &creds,
            &SignOptions {
                region: &self.region,
                service: &self.service,
                time: SystemTime::now(),
                content_sha256_header: self.service == "aoss",
                normalize_path: true,
            },
        )
    }
}
