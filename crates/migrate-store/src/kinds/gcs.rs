//! Google Cloud Storage through `object_store`'s GCS client: the service account key the plan
//! references, else Application Default Credentials; an explicit endpoint for private endpoints
//! and emulators (fake-gcs-server).

use std::sync::Arc;

use migrate_core::store::GcsStore;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::{ClientOptions, ObjectStore};

use super::{Resolve, required};
use crate::open::OpenError;
use crate::secret::SecretSource;
use crate::spec::StoreSpec;
use migrate_core::store::url::{StoreUrl, UrlError};

/// A Google Cloud Storage bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcsSpec {
    /// The bucket.
    pub bucket: String,
    /// The storage endpoint, when not `https://storage.googleapis.com`.
    pub endpoint: Option<String>,
    /// The prefix inside the bucket (`""` for its root).
    pub base_path: String,
    /// The service account's JSON key; Application Default Credentials when `None`.
    pub credentials: Option<SecretSource>,
}

/// A GCS store of a plan.
pub(super) fn spec(s: &GcsStore, resolve: Resolve<'_>) -> Result<StoreSpec, String> {
    let credentials = match &s.credentials {
        Some(c) => Some(required(resolve, c, "credentials")?),
        None => None,
    };
    Ok(StoreSpec::Gcs(GcsSpec {
        bucket: s.bucket.clone(),
        endpoint: s.endpoint.clone(),
        base_path: s.base_path.clone().unwrap_or_default(),
        credentials,
    }))
}

/// `gs://bucket/prefix[?endpoint=URL]`: Application Default Credentials.
pub(super) fn from_url(u: &StoreUrl) -> Result<StoreSpec, UrlError> {
    Ok(StoreSpec::Gcs(GcsSpec {
        bucket: u.bucket.clone().unwrap_or_default(),
        endpoint: u.params.get("endpoint").cloned(),
        base_path: u.path.clone(),
        credentials: None,
    }))
}

/// Opens the bucket.
pub(super) fn open(g: &GcsSpec, location: &str) -> Result<Arc<dyn ObjectStore>, OpenError> {
    let allow_http = g
        .endpoint
        .as_deref()
        .is_some_and(|e| e.starts_with("http://"));
    // Without a plan key: the `GOOGLE_*` environment (service account file or key), then the
    // application-default credentials.
    let base = match g.credentials {
        None => {
            // The builder reads these files itself when it is built.
            super::chain_files(
                location,
                "Google",
                &[
                    ("GOOGLE_SERVICE_ACCOUNT", None),
                    ("GOOGLE_SERVICE_ACCOUNT_PATH", None),
                    ("SERVICE_ACCOUNT", None),
                    (
                        "GOOGLE_APPLICATION_CREDENTIALS",
                        Some(".config/gcloud/application_default_credentials.json"),
                    ),
                ],
            )?;
            GoogleCloudStorageBuilder::from_env()
        }
        Some(_) => GoogleCloudStorageBuilder::new(),
    };
    let mut b = base
        .with_bucket_name(&g.bucket)
        .with_client_options(
            ClientOptions::new()
                .with_connect_timeout(super::bounded::CONNECT_TIMEOUT)
                .with_timeout(super::bounded::TOTAL_TIMEOUT)
                .with_allow_http(allow_http),
        )
        .with_http_connector(super::bounded::Bounded::default());
    if let Some(e) = &g.endpoint {
        b = b.with_base_url(&super::endpoint(e, location)?);
    }
    if let Some(c) = &g.credentials {
        let key = c.resolve().map_err(|source| OpenError::Secret {
            location: location.to_owned(),
            source,
        })?;
        b = b.with_service_account_key(key.expose());
    }
    let client = b.build().map_err(|source| OpenError::Client {
        location: location.to_owned(),
        source,
    })?;
    Ok(Arc::new(client))
}
