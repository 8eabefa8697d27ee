//! Google Cloud Storage (repository type `gcs`; a module from Elasticsearch 8, the
//! `repository-gcs` plugin before and on OpenSearch).

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

/// A Google Cloud Storage bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "GcsStore")]
pub struct GcsStore {
    /// The bucket name.
    pub bucket: String,
    /// The object prefix of the repository inside the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
    /// Compress snapshot metadata files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compress: Option<bool>,
    /// The cluster's GCS client (its keystore's `gcs.client.<name>.credentials_file`) the repository uses; `default` when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// The storage endpoint `migrate` transfers through, when not `https://storage.googleapis.com` (a private endpoint or an emulator). Clusters take theirs from their client settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The service account's JSON key `migrate` uses for transfers, as a reference (usually `{ file: /path/key.json }`); never sent to a cluster. Application Default Credentials when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<SecretRef>,
    /// Further repository settings passed through unchanged (e.g. `chunk_size`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Value>,
}

impl StoreKind for GcsStore {
    fn repository_type(&self) -> &'static str {
        "gcs"
    }

    fn repository_settings(&self) -> BTreeMap<String, Setting> {
        settings([
            ("bucket", plain(self.bucket.as_str())),
            ("base_path", optional(&self.base_path)),
            ("compress", optional(&self.compress)),
            ("client", optional(&self.client)),
        ])
    }

    fn extra(&self) -> &BTreeMap<String, Value> {
        &self.settings
    }

    fn secrets(&self) -> Vec<(&'static str, &SecretRef)> {
        given([("credentials", self.credentials.as_ref())])
    }

    fn checks(&self, out: &mut Vec<Finding>) {
        if self.bucket.is_empty() {
            out.push(empty("bucket", "the bucket name"));
        }
        if let Some(e) = &self.endpoint
            && !http_url(e)
        {
            out.push(bad_endpoint("GCS", e, "https://storage.googleapis.com"));
        }
    }

    fn plugin(&self, release: Option<Release>, _: &str) -> Plugin {
        if bundled_from_es8(release) {
            Plugin::BuiltIn
        } else {
            Plugin::Needs("repository-gcs")
        }
    }

    fn location(&self) -> String {
        location("gs", &self.bucket, self.base_path.as_deref())
    }

    fn transfer_target(&self) -> Vec<(&'static str, &str)> {
        self.endpoint
            .as_deref()
            .map(|e| ("endpoint", e))
            .into_iter()
            .collect()
    }

    fn credentials(&self) -> Credentials {
        Credentials {
            fields: &["credentials"],
            chain: "Application Default Credentials (`GOOGLE_APPLICATION_CREDENTIALS`, the metadata server)",
        }
    }
}
