//! Azure Blob Storage through `object_store`'s Azure client: the account key or a SAS token from
//! the plan, else the Azure credential chain; an explicit blob endpoint for private endpoints and
//! Azurite (`http://127.0.0.1:10000/devstoreaccount1`).

use std::sync::Arc;

use migrate_core::store::AzureStore;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::{ClientOptions, ObjectStore};

use super::{Resolve, required};
use crate::open::OpenError;
use crate::secret::SecretSource;
use crate::spec::StoreSpec;
use migrate_core::store::url::{StoreUrl, UrlError};

/// An Azure Blob Storage container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureSpec {
    /// The storage account name.
    pub account: String,
    /// The container.
    pub container: String,
    /// The blob service endpoint, when not `https://<account>.blob.core.windows.net`.
    pub endpoint: Option<String>,
    /// The prefix inside the container (`""` for its root).
    pub base_path: String,
    /// How requests are authorised.
    pub credentials: AzureCredentials,
}

/// How requests to Azure Blob Storage are authorised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AzureCredentials {
    /// The Azure credential chain (environment, managed identity, Azure CLI).
    Chain,
    /// The account key.
    Key(SecretSource),
    /// A shared access signature (its query string).
    Sas(SecretSource),
}

/// An Azure store of a plan.
pub(super) fn spec(s: &AzureStore, resolve: Resolve<'_>) -> Result<StoreSpec, String> {
    let credentials = match (&s.key, &s.sas_token) {
        (Some(key), _) => AzureCredentials::Key(required(resolve, key, "key")?),
        (None, Some(sas)) => AzureCredentials::Sas(required(resolve, sas, "sas_token")?),
        (None, None) => AzureCredentials::Chain,
    };
    Ok(StoreSpec::Azure(AzureSpec {
        account: s.account.clone(),
        container: s.container.clone(),
        endpoint: s.endpoint.clone(),
        base_path: s.base_path.clone().unwrap_or_default(),
        credentials,
    }))
}

/// `azure://container/prefix?account=NAME[&endpoint=URL]`: credentials from the Azure chain.
pub(super) fn from_url(u: &StoreUrl) -> Result<StoreSpec, UrlError> {
    Ok(StoreSpec::Azure(AzureSpec {
        account: u.params.get("account").cloned().unwrap_or_default(),
        container: u.bucket.clone().unwrap_or_default(),
        endpoint: u.params.get("endpoint").cloned(),
        base_path: u.path.clone(),
        credentials: AzureCredentials::Chain,
    }))
}

/// Opens the container.
pub(super) fn open(a: &AzureSpec, location: &str) -> Result<Arc<dyn ObjectStore>, OpenError> {
    let secret = |s: &SecretSource| {
        s.resolve().map_err(|source| OpenError::Secret {
            location: location.to_owned(),
            source,
        })
    };
    let allow_http = a
        .endpoint
        .as_deref()
        .is_some_and(|e| e.starts_with("http://"));
    // The chain: the `AZURE_*` environment (account key, SAS, service principal, …), then a
    // managed identity; a plan's key or SAS token replaces it.
    let base = match a.credentials {
        AzureCredentials::Chain => {
            // Workload identity reads this token file at each token request.
            super::chain_files(location, "Azure", &[("AZURE_FEDERATED_TOKEN_FILE", None)])?;
            MicrosoftAzureBuilder::from_env()
        }
        _ => MicrosoftAzureBuilder::new(),
    };
    let mut b = base
        .with_account(&a.account)
        .with_container_name(&a.container)
        .with_client_options(
            ClientOptions::new()
                .with_connect_timeout(super::bounded::CONNECT_TIMEOUT)
                .with_timeout(super::bounded::TOTAL_TIMEOUT)
                .with_allow_http(allow_http),
        )
        .with_http_connector(super::bounded::Bounded::default());
    if let Some(e) = &a.endpoint {
        b = b.with_endpoint(super::endpoint(e, location)?);
    }
    b = match &a.credentials {
        AzureCredentials::Chain => b,
        AzureCredentials::Key(k) => b.with_access_key(secret(k)?.expose()),
        AzureCredentials::Sas(s) => {
            let token = secret(s)?;
            let pairs: Vec<(String, String)> =
                url::form_urlencoded::parse(token.expose().trim_start_matches('?').as_bytes())
                    .into_owned()
                    .collect();
            b.with_sas_authorization(pairs)
        }
    };
    let client = b.build().map_err(|source| OpenError::Client {
        location: location.to_owned(),
        source,
    })?;
    Ok(Arc::new(client))
}
