//! Azure Blob Storage (repository type `azure`; a module from Elasticsearch 8, the
//! `repository-azure` plugin before and on OpenSearch).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    Credentials, Finding, Plugin, Setting, StoreKind, bad_endpoint, bundled_from_es8, empty, given,
    http_url, location, optional, plain, settings,
};
use crate::secret::SecretRef;
use crate::version::Release;

/// An Azure Blob Storage container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AzureStore")]
pub struct AzureStore {
    /// The storage account name.
    pub account: String,
    /// The blob container.
    pub container: String,
    /// The blob prefix of the repository inside the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
    /// Compress snapshot metadata files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
    /// The cluster's Azure client (its keystore's `azure.client.<name>.account` / `.key`) the repository uses; `default` when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// The blob service endpoint `migrate` transfers through, when not `https://<account>.blob.core.windows.net` (a private endpoint, or Azurite's `http://127.0.0.1:10000/devstoreaccount1`). Clusters take theirs from their client settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The account key `migrate` uses for transfers, as a reference; never sent to a cluster. Without `key` or `sas_token`, the Azure credential chain (environment, managed identity, Azure CLI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<SecretRef>,
    /// A shared access signature `migrate` uses for transfers instead of the key, as a reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sas_token: Option<SecretRef>,
    /// Further repository settings passed through unchanged (e.g. `chunk_size`, `location_mode`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Value>,
}

impl StoreKind for AzureStore {
    fn repository_type(&self) -> &'static str {
        "azure"
    }

    fn repository_settings(&self) -> BTreeMap<String, Setting> {
        settings([
            ("container", plain(self.container.as_str())),
            ("base_path", optional(&self.base_path)),
            ("compress", optional(&self.compress)),
            ("client", optional(&self.client)),
        ])
    }

    fn extra(&self) -> &BTreeMap<String, Value> {
        &self.settings
    }

    fn secrets(&self) -> Vec<(&'static str, &SecretRef)> {
        given([
            ("key", self.key.as_ref()),
            ("sas_token", self.sas_token.as_ref()),
        ])
    }

    fn checks(&self, out: &mut Vec<Finding>) {
        if self.account.is_empty() {
            out.push(empty("account", "the storage account name"));
        }
        if self.container.is_empty() {
            out.push(empty("container", "the container name"));
        }
        if self.key.is_some() && self.sas_token.is_some() {
            out.push(Finding {
                path: vec!["sas_token"],
                at_key: true,
                code: "plan::store",
                message: "the Azure store gives both `key` and `sas_token`".into(),
                label: "two credentials",
                help: "keep one: the account key or a SAS token".into(),
            });
        }
        if let Some(e) = &self.endpoint
            && !http_url(e)
        {
            out.push(bad_endpoint(
                "Azure",
                e,
                "https://myaccount.blob.core.windows.net",
            ));
        }
    }

    fn plugin(&self, release: Option<Release>, _: &str) -> Plugin {
        if bundled_from_es8(release) {
            Plugin::BuiltIn
        } else {
            Plugin::Needs("repository-azure")
        }
    }

    fn location(&self) -> String {
        location("azure", &self.container, self.base_path.as_deref())
    }

    fn transfer_target(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![("account", self.account.as_str())];
        out.extend(self.endpoint.as_deref().map(|e| ("endpoint", e)));
        out
    }

    fn credentials(&self) -> Credentials {
        Credentials {
            fields: &["key", "sas_token"],
            chain: "the Azure credential chain (`AZURE_*` variables, managed identity, Azure CLI)",
        }
    }
}
