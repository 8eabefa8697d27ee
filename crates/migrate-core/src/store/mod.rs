//! The object stores a snapshot repository lives in, one file per kind (the store registry's pure
//! half; migrate-store holds the half that opens them). A kind's file is the plan's type for that
//! store (its doc comments become the schema and docs/plan-format.md), and implements [`StoreKind`]:
//! the repository settings a cluster is registered with, every secret with its plan field, the plan
//! checks, the plugin rule per flavour and version, and how the location reads.
//!
//! Adding a store: a file here (the type and its `StoreKind`), a variant in [`Store`] and a line in
//! [`Store::kind`]; its opener in `migrate-store/src/kinds/`.

mod azure;
mod cos;
mod fs;
mod gcs;
mod oss;
mod s3;
pub mod url;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use azure::AzureStore;
pub use cos::CosStore;
pub use fs::FsStore;
pub use gcs::GcsStore;
pub use oss::OssStore;
pub use s3::{S3Credentials, S3Store};

use crate::secret::SecretRef;
use crate::version::Release;

/// An object store holding a snapshot repository: exactly one of `s3`, `oss`, `cos`, `azure`, `gcs`, `fs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[schemars(rename = "Store")]
pub enum Store {
    /// Amazon S3 or an S3-compatible store (repository type `s3`).
    S3(S3Store),
    /// Alibaba Cloud OSS (repository type `oss`).
    Oss(OssStore),
    /// Tencent Cloud COS (repository type `cos`).
    Cos(CosStore),
    /// Azure Blob Storage (repository type `azure`).
    Azure(AzureStore),
    /// Google Cloud Storage (repository type `gcs`).
    Gcs(GcsStore),
    /// A shared file system mounted on every node (repository type `fs`, under `path.repo`).
    Fs(FsStore),
}

impl Store {
    /// The kind's behaviour: the one dispatch over the variants.
    pub fn kind(&self) -> &dyn StoreKind {
        match self {
            Store::S3(s) => s,
            Store::Oss(s) => s,
            Store::Cos(s) => s,
            Store::Azure(s) => s,
            Store::Gcs(s) => s,
            Store::Fs(s) => s,
        }
    }

    /// The repository `type` a cluster knows the store by (also the plan's key).
    pub fn repository_type(&self) -> &'static str {
        self.kind().repository_type()
    }

    /// Every repository setting the cluster is registered with, sorted: the kind's own and the
    /// plan's `settings` passthrough (the kind's win on a clash, which the plan refuses anyway).
    pub fn settings(&self) -> BTreeMap<String, Setting> {
        let k = self.kind();
        let mut out: BTreeMap<String, Setting> = k
            .extra()
            .iter()
            .map(|(key, v)| (key.clone(), Setting::Plain(canonical(v))))
            .collect();
        out.extend(k.repository_settings());
        out
    }

    /// Every secret the store holds, with its field in the plan (`credentials.access_key_id`).
    pub fn secrets(&self) -> Vec<(&'static str, &SecretRef)> {
        self.kind().secrets()
    }

    /// The plan checks of this store, plus settings given twice (a store key and under `settings`).
    pub fn checks(&self) -> Vec<Finding> {
        let k = self.kind();
        let mut out = Vec::new();
        k.checks(&mut out);
        let own = k.repository_settings();
        for key in k.extra().keys().filter(|key| own.contains_key(*key)) {
            out.push(Finding {
                path: vec!["settings"],
                at_key: true,
                code: "plan::store",
                message: format!("`{key}` is set twice: as a store key and under `settings`"),
                label: "duplicate setting",
                help: format!("keep `{key}` as a store key and remove it from `settings`"),
            });
        }
        out
    }

    /// Where the secret of a field comes from, for messages (never the value).
    pub fn origin(&self, field: &str) -> Option<String> {
        self.secrets()
            .into_iter()
            .find(|(f, _)| *f == field)
            .map(|(_, r)| r.origin())
    }

    /// What a fingerprint hashes: the kind, the repository settings (secrets as references), the
    /// secrets migrate itself uses for transfers and where its transfer connects beyond the
    /// repository settings.
    pub fn fingerprint(&self) -> StoreFingerprint<'_> {
        let settings = self.settings();
        let transfer: BTreeMap<&'static str, &SecretRef> = self
            .secrets()
            .into_iter()
            .filter(|(field, _)| !settings.contains_key(*field))
            .collect();
        StoreFingerprint {
            kind: self.repository_type(),
            settings,
            credentials: transfer,
            target: self.kind().transfer_target().into_iter().collect(),
        }
    }
}

/// The serialised form fingerprints hash (the same as before stores were typed, plus the transfer
/// credentials when the store has any).
#[derive(Debug, Serialize)]
pub struct StoreFingerprint<'a> {
    kind: &'static str,
    settings: BTreeMap<String, Setting>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    credentials: BTreeMap<&'static str, &'a SecretRef>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    target: BTreeMap<&'static str, &'a str>,
}

/// What each store kind knows about itself.
pub trait StoreKind {
    /// The repository `type` (`s3`), which is also the plan's key.
    fn repository_type(&self) -> &'static str;
    /// The kind's own repository settings (secrets the cluster needs as references).
    fn repository_settings(&self) -> BTreeMap<String, Setting>;
    /// The plan's `settings` passthrough.
    fn extra(&self) -> &BTreeMap<String, Value>;
    /// Every secret, with its field in the plan.
    fn secrets(&self) -> Vec<(&'static str, &SecretRef)>;
    /// The plan checks a schema cannot express.
    fn checks(&self, out: &mut Vec<Finding>);
    /// The plugin a destination of `release` (at `url`) needs for this repository type.
    fn plugin(&self, release: Option<Release>, url: &str) -> Plugin;
    /// The location as messages and previews show it (`s3://bucket/base`).
    fn location(&self) -> String;
    /// The plan fields that carry migrate's own credentials for this kind, and what it uses
    /// without them.
    fn credentials(&self) -> Credentials;
    /// Where migrate's own transfer connects that the repository settings do not say (an Azure
    /// account and endpoint, a GCS endpoint: the cluster takes those from its keystore client),
    /// fingerprinted so that moving it runs the transfer again.
    fn transfer_target(&self) -> Vec<(&'static str, &str)> {
        Vec::new()
    }
}

/// Where migrate's credentials for a store come from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credentials {
    /// The plan fields that give them (`credentials.access_key_id`, …).
    pub fields: &'static [&'static str],
    /// What is used when the plan gives none.
    pub chain: &'static str,
}

/// The AWS default chain, which S3, OSS and COS stores fall back to.
pub(crate) const AWS_CHAIN: &str = "the AWS default chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, SSO, the instance role)";

/// A repository setting: a plain value or a secret reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    Plain(Value),
    Secret(SecretRef),
}

impl Setting {
    pub fn text(value: impl Into<Value>) -> Setting {
        Setting::Plain(value.into())
    }
}

/// Whether the destination needs a plugin for a repository type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plugin {
    /// Nothing to install (`fs`).
    None,
    /// Shipped with the destination (a module, or a hosted service's built-in).
    BuiltIn,
    /// This plugin must be installed on every destination node.
    Needs(&'static str),
}

/// A plan finding about a store, relative to the store's kind key (`s3`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The field, e.g. `["credentials", "access_key_id"]`; empty for the store itself.
    pub path: Vec<&'static str>,
    /// Label the key rather than the value.
    pub at_key: bool,
    pub code: &'static str,
    pub message: String,
    pub label: &'static str,
    pub help: String,
}

/// A finding that `field` holds an empty string.
pub(crate) fn empty(field: &'static str, what: &str) -> Finding {
    Finding {
        path: vec![field],
        at_key: false,
        code: "plan::store",
        message: format!("`{field}` is empty"),
        label: "empty",
        help: format!("write {what}"),
    }
}

/// `kind://bucket[/base]`.
pub(crate) fn location(kind: &str, bucket: &str, base: Option<&str>) -> String {
    match base.filter(|b| !b.is_empty()) {
        Some(base) => format!("{kind}://{bucket}/{base}"),
        None => format!("{kind}://{bucket}"),
    }
}

/// The repository settings among `pairs` that have a value.
pub(crate) fn settings<'a>(
    pairs: impl IntoIterator<Item = (&'a str, Option<Setting>)>,
) -> BTreeMap<String, Setting> {
    pairs
        .into_iter()
        .filter_map(|(key, v)| v.map(|v| (key.to_owned(), v)))
        .collect()
}

/// A plain setting that is always there.
pub(crate) fn plain(value: impl Into<Value>) -> Option<Setting> {
    Some(Setting::Plain(value.into()))
}

/// A plain setting when the plan gives one.
pub(crate) fn optional<T: Clone + Into<Value>>(value: &Option<T>) -> Option<Setting> {
    value.clone().map(|v| Setting::Plain(v.into()))
}

/// A secret setting (a reference) when the plan gives one.
pub(crate) fn secret(value: Option<&SecretRef>) -> Option<Setting> {
    value.map(|v| Setting::Secret(v.clone()))
}

/// The secrets among `fields` that the plan gives, with their plan field.
pub(crate) fn given<'a>(
    fields: impl IntoIterator<Item = (&'static str, Option<&'a SecretRef>)>,
) -> Vec<(&'static str, &'a SecretRef)> {
    fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
}

/// A finding that the `endpoint` of a `kind` store (`GCS`) is not an http(s) URL.
pub(crate) fn bad_endpoint(kind: &str, endpoint: &str, example: &str) -> Finding {
    Finding {
        path: vec!["endpoint"],
        at_key: false,
        code: "plan::url",
        message: format!("{kind} endpoint `{endpoint}` is not a URL"),
        label: "bad endpoint",
        help: format!("write it with its scheme, e.g. `{example}`"),
    }
}

/// Sorts every object's keys recursively, so equal values serialise to identical bytes.
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> =
                map.iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// Whether `url` is `http(s)://host[...]`.
pub(crate) fn http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        !host.is_empty() && !host.starts_with(':')
    })
}

/// Whether the repository-type modules ship with the destination: Elasticsearch 8 bundles s3,
/// azure and gcs as modules.
pub(crate) fn bundled_from_es8(release: Option<Release>) -> bool {
    release.is_some_and(|r| r.is_elasticsearch() && r.version.major >= 8)
}

#[cfg(test)]
mod tests;
