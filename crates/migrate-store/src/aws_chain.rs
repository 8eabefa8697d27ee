//! Credentials for S3-compatible stores from the AWS default chain (aws-config), cached until near
//! their expiry, adapted to `object_store`'s credential provider.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_credential_types::provider::ProvideCredentials;
use object_store::CredentialProvider;
use object_store::aws::AwsCredential;
use tokio::sync::{Mutex, OnceCell};

/// Credentials are refreshed this long before they expire.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// The AWS default credential chain as an `object_store` credential provider.
#[derive(Debug)]
pub(crate) struct AwsChainProvider {
    region: Option<String>,
    chain: OnceCell<DefaultCredentialsChain>,
    cached: Mutex<Option<(Arc<AwsCredential>, Option<SystemTime>)>>,
}

impl AwsChainProvider {
    pub(crate) fn new(region: Option<String>) -> Self {
        AwsChainProvider {
            region,
            chain: OnceCell::new(),
            cached: Mutex::new(None),
        }
    }
}

#[async_trait]
impl CredentialProvider for AwsChainProvider {
    type Credential = AwsCredential;

    async fn get_credential(&self) -> object_store::Result<Arc<AwsCredential>> {
        let mut cached = self.cached.lock().await;
        if let Some((credential, expiry)) = cached.as_ref() {
            let fresh = expiry.is_none_or(|at| SystemTime::now() + REFRESH_MARGIN < at);
            if fresh {
                return Ok(Arc::clone(credential));
            }
        }
        refuse_odd_files()?;
        let chain = self
            .chain
            .get_or_init(|| async {
                let mut builder = DefaultCredentialsChain::builder();
                if let Some(region) = &self.region {
                    builder = builder.region(aws_config::Region::new(region.clone()));
                }
                builder.build().await
            })
            .await;
        let credentials = chain.provide_credentials().await.map_err(|e| object_store::Error::Generic {
            store: "S3",
            source: format!("no AWS credentials from the default chain (environment, profile, SSO, web identity, instance): {e}").into(),
        })?;
        // Both go into HTTP headers, where the signer cannot take a line break (it would panic).
        let unusable = |what: &str| {
            object_store::Error::Generic {
            store: "S3",
            source: format!("the {what} from the AWS default chain holds characters an HTTP header cannot carry (check AWS_ACCESS_KEY_ID, AWS_SESSION_TOKEN and the profile)").into(),
        }
        };
        if http::HeaderValue::from_str(credentials.access_key_id()).is_err() {
            return Err(unusable("access key id"));
        }
        if credentials
            .session_token()
            .is_some_and(|t| http::HeaderValue::from_str(t).is_err())
        {
            return Err(unusable("session token"));
        }
        let credential = Arc::new(AwsCredential {
            key_id: credentials.access_key_id().to_owned(),
            secret_key: credentials.secret_access_key().to_owned(),
            token: credentials.session_token().map(str::to_owned),
        });
        *cached = Some((Arc::clone(&credential), credentials.expiry()));
        Ok(credential)
    }
}

/// The files the AWS SDK reads for the chain must be regular files (see [`crate::chain_files`]).
fn refuse_odd_files() -> object_store::Result<()> {
    crate::chain_files::check(&[
        ("AWS_CONFIG_FILE", Some(".aws/config")),
        ("AWS_SHARED_CREDENTIALS_FILE", Some(".aws/credentials")),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", None),
    ])
    .map_err(|e| object_store::Error::Generic {
        store: "S3",
        source: format!(
            "the AWS configuration ({}) cannot be used: {}",
            e.var, e.reason
        )
        .into(),
    })
}
