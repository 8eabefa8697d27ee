//! Registered repositories: turning `PUT _snapshot/<repo>` settings of type `fs`, `s3`, `oss` or
//! `cos` into an object store (through `migrate_store`), with the real refusals, credentials taken
//! from the sandbox's keystore, and a view of the settings that never shows a secret.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use migrate_store::{
    AzureCredentials, AzureSpec, BucketSpec, Credentials, FsSpec, GcsSpec, Secret, SecretSource,
    StoreSpec,
};
use serde_json::{Map, Value};

use super::repository::BlobRepository;

/// A registered repository.
#[derive(Debug, Clone)]
pub struct Registered {
    /// Its name.
    pub name: String,
    /// `fs`, `s3`, `oss`, `cos`.
    pub kind: String,
    /// The settings as registered, without secrets (what `GET _snapshot` shows).
    pub settings: Map<String, Value>,
    /// `readonly: true`.
    pub readonly: bool,
    /// Where it lives, without credentials.
    pub location: String,
    /// The repository itself.
    pub repository: BlobRepository,
}

/// Why a registration is refused: the reason of a `repository_exception` (or, for an unknown type,
/// of a `repository_exception` too, as Elasticsearch answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationError(pub String);

/// Setting names whose values are secrets.
const SECRET_SETTINGS: [&str; 5] = [
    "access_key_id",
    "secret_access_key",
    "access_key_secret",
    "security_token",
    "secret_key",
];

/// Node-level inputs to registration: `path.repo` and the keystore.
#[derive(Debug, Clone, Default)]
pub struct NodeConfig {
    /// `path.repo` entries.
    pub path_repo: Vec<PathBuf>,
    /// Secure settings, e.g. `s3.client.default.access_key`.
    pub keystore: BTreeMap<String, Secret>,
    /// Plain node settings the s3 client reads (`s3.client.default.endpoint`, `…protocol`).
    pub node_settings: BTreeMap<String, String>,
}

impl NodeConfig {
    /// From the node settings (`path.repo` as a list or comma-separated string, `s3.client.*`)
    /// and the keystore entries.
    pub fn from_settings(
        settings: &BTreeMap<String, Value>,
        keystore: impl IntoIterator<Item = (String, Secret)>,
    ) -> Self {
        let path_repo = match settings.get("path.repo") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(PathBuf::from)
                .collect(),
            Some(Value::String(s)) => s
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .collect(),
            _ => Vec::new(),
        };
        let node_settings = settings
            .iter()
            .filter(|(k, _)| {
                ["s3.client.", "azure.client.", "gcs.client."]
                    .iter()
                    .any(|p| k.starts_with(p))
            })
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect();
        NodeConfig {
            path_repo,
            keystore: keystore.into_iter().collect(),
            node_settings,
        }
    }
}

/// Builds a repository from a registration body.
pub fn register(
    name: &str,
    body: &Value,
    node: &NodeConfig,
) -> Result<Registered, RegistrationError> {
    let refuse = |reason: String| RegistrationError(format!("[{name}] {reason}"));
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| refuse("missing repository type".into()))?
        .to_owned();
    let settings = body
        .get("settings")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let text = |key: &str| -> Option<String> {
        match settings.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    };
    let base_path = text("base_path").unwrap_or_default();
    let spec = match kind.as_str() {
        "fs" => {
            let location = text("location").ok_or_else(|| refuse("missing location".into()))?;
            let dir = resolve_fs(&location, &node.path_repo).ok_or_else(|| {
                let tail = if node.path_repo.is_empty() {
                    " because this setting is empty"
                } else {
                    ""
                };
                refuse(format!(
                    "location [{location}] doesn't match any of the locations specified by path.repo{tail}"
                ))
            })?;
            StoreSpec::Fs(FsSpec {
                root: dir,
                base_path: String::new(),
            })
        }
        "s3" => {
            let bucket = text("bucket")
                .ok_or_else(|| refuse("No bucket defined for s3 repository".into()))?;
            let client = text("client").unwrap_or_else(|| "default".into());
            let key = |suffix: &str| format!("s3.client.{client}.{suffix}");
            let endpoint = text("endpoint")
                .or_else(|| node.node_settings.get(&key("endpoint")).cloned())
                .map(|e| {
                    with_scheme(
                        &e,
                        node.node_settings
                            .get(&key("protocol"))
                            .map_or("https", String::as_str),
                    )
                });
            let credentials = match (
                node.keystore.get(&key("access_key")),
                node.keystore.get(&key("secret_key")),
            ) {
                (Some(access), Some(secret)) => Credentials::Static {
                    access_key_id: SecretSource::Value(access.clone()),
                    secret_access_key: SecretSource::Value(secret.clone()),
                    session_token: node
                        .keystore
                        .get(&key("session_token"))
                        .map(|t| SecretSource::Value(t.clone())),
                },
                _ => Credentials::AwsChain,
            };
            StoreSpec::S3(BucketSpec {
                bucket,
                region: text("region"),
                endpoint,
                base_path,
                credentials,
            })
        }
        "oss" | "cos" => {
            let bucket = text("bucket").ok_or_else(|| refuse("No bucket defined".into()))?;
            let (id_key, secret_key) = if kind == "oss" {
                ("access_key_id", "secret_access_key")
            } else {
                ("access_key_id", "access_key_secret")
            };
            let region = text("region");
            if kind == "cos" && region.is_none() {
                return Err(refuse("region must be set for cos repository".into()));
            }
            let endpoint = text("endpoint").map(|e| with_scheme(&e, "https"));
            let credentials = Credentials::Static {
                access_key_id: SecretSource::Value(Secret::new(
                    text(id_key).ok_or_else(|| refuse(format!("[{id_key}] must be set")))?,
                )),
                secret_access_key: SecretSource::Value(Secret::new(
                    text(secret_key)
                        .ok_or_else(|| refuse(format!("[{secret_key}] must be set")))?,
                )),
                session_token: text("security_token").map(|t| SecretSource::Value(Secret::new(t))),
            };
            let bucket_spec = BucketSpec {
                bucket,
                region: region.or_else(|| Some("us-east-1".into())),
                endpoint: endpoint.clone(),
                base_path,
                credentials,
            };
            // A loopback endpoint is the test S3 server, which cannot serve virtual-hosted buckets
            // (`bucket.127.0.0.1` does not resolve): address it path-style, as plain S3.
            if endpoint.as_deref().is_some_and(is_loopback) {
                StoreSpec::S3(bucket_spec)
            } else if kind == "oss" {
                StoreSpec::Oss(bucket_spec)
            } else {
                StoreSpec::Cos(bucket_spec)
            }
        }
        // Azure Blob Storage: the client's account and key (or SAS token) from the keystore, its
        // blob endpoint from the sandbox's node setting `azure.client.<client>.endpoint`.
        "azure" => {
            let client = text("client").unwrap_or_else(|| "default".into());
            let key = |suffix: &str| format!("azure.client.{client}.{suffix}");
            let account = node
                .keystore
                .get(&key("account"))
                .map(|a| a.expose().to_owned())
                .ok_or_else(|| refuse(format!("missing secure setting [{}]", key("account"))))?;
            let credentials = match (
                node.keystore.get(&key("key")),
                node.keystore.get(&key("sas_token")),
            ) {
                (Some(k), _) => AzureCredentials::Key(SecretSource::Value(k.clone())),
                (None, Some(t)) => AzureCredentials::Sas(SecretSource::Value(t.clone())),
                (None, None) => {
                    return Err(refuse(format!(
                        "neither [{}] nor [{}] is set",
                        key("key"),
                        key("sas_token")
                    )));
                }
            };
            StoreSpec::Azure(AzureSpec {
                account,
                container: text("container").unwrap_or_else(|| "elasticsearch-snapshots".into()),
                endpoint: node.node_settings.get(&key("endpoint")).cloned(),
                base_path,
                credentials,
            })
        }
        // Google Cloud Storage: the client's service account key from the keystore
        // (`gcs.client.<client>.credentials_file`), its endpoint from `gcs.client.<client>.endpoint`.
        "gcs" => {
            let bucket = text("bucket").ok_or_else(|| refuse("missing bucket".into()))?;
            let client = text("client").unwrap_or_else(|| "default".into());
            let key = |suffix: &str| format!("gcs.client.{client}.{suffix}");
            StoreSpec::Gcs(GcsSpec {
                bucket,
                endpoint: node.node_settings.get(&key("endpoint")).cloned(),
                base_path,
                credentials: node
                    .keystore
                    .get(&key("credentials_file"))
                    .map(|c| SecretSource::Value(c.clone())),
            })
        }
        other => {
            return Err(RegistrationError(format!(
                "[{name}] repository type [{other}] does not exist"
            )));
        }
    };
    let readonly = settings
        .get("readonly")
        .or_else(|| settings.get("read_only"))
        .is_some_and(|v| v == &Value::Bool(true) || v.as_str() == Some("true"));
    let location = spec.display_location();
    let store = migrate_store::open(&spec).map_err(|e| refuse(e.to_string()))?;
    let mut shown = settings.clone();
    shown.retain(|k, _| !SECRET_SETTINGS.contains(&k.as_str()));
    Ok(Registered {
        name: name.to_owned(),
        kind,
        settings: shown,
        readonly,
        location,
        repository: BlobRepository::new(store),
    })
}

fn with_scheme(endpoint: &str, protocol: &str) -> String {
    if endpoint.contains("://") {
        endpoint.to_owned()
    } else {
        format!("{protocol}://{endpoint}")
    }
}

fn is_loopback(endpoint: &str) -> bool {
    let host = endpoint
        .split("://")
        .nth(1)
        .unwrap_or(endpoint)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    host == "localhost" || host.starts_with("127.")
}

/// Resolves an `fs` location against `path.repo`: relative locations are under the first entry;
/// absolute ones must be inside one of them (after removing `.`/`..`).
fn resolve_fs(location: &str, path_repo: &[PathBuf]) -> Option<PathBuf> {
    let first = path_repo.first()?;
    let raw = Path::new(location);
    let candidate = normalise(&if raw.is_absolute() {
        raw.to_path_buf()
    } else {
        first.join(raw)
    })?;
    path_repo
        .iter()
        .filter_map(|root| normalise(root))
        .any(|root| candidate.starts_with(&root))
        .then_some(candidate)
}

fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(dir: &Path) -> NodeConfig {
        NodeConfig {
            path_repo: vec![dir.to_path_buf()],
            ..NodeConfig::default()
        }
    }

    #[test]
    fn fs_locations_must_be_under_path_repo() {
        let dir = tempfile::tempdir().unwrap();
        let ok = register(
            "r",
            &json!({"type": "fs", "settings": {"location": "backups"}}),
            &node(dir.path()),
        )
        .unwrap();
        assert_eq!(ok.kind, "fs");
        assert!(
            ok.location.trim_end_matches('/').ends_with("/backups"),
            "{}",
            ok.location
        );
        let outside = register(
            "r",
            &json!({"type": "fs", "settings": {"location": "/etc"}}),
            &node(dir.path()),
        )
        .unwrap_err();
        assert_eq!(
            outside.0,
            "[r] location [/etc] doesn't match any of the locations specified by path.repo"
        );
        let escape = register(
            "r",
            &json!({"type": "fs", "settings": {"location": "../x"}}),
            &node(dir.path()),
        );
        assert!(escape.is_err());
        let empty = register(
            "r",
            &json!({"type": "fs", "settings": {"location": "/x"}}),
            &NodeConfig::default(),
        )
        .unwrap_err();
        assert!(
            empty.0.ends_with("because this setting is empty"),
            "{}",
            empty.0
        );
        let unknown = register("r", &json!({"type": "hdfs"}), &node(dir.path())).unwrap_err();
        assert_eq!(unknown.0, "[r] repository type [hdfs] does not exist");
    }

    #[test]
    fn secrets_never_show_in_the_registered_settings() {
        let registered = register(
            "oss-repo",
            &json!({"type": "oss", "settings": {"endpoint": "http://127.0.0.1:1", "bucket": "b",
                "access_key_id": "AKID", "secret_access_key": "TOPSECRET", "base_path": "x", "readonly": true}}),
            &NodeConfig::default(),
        )
        .unwrap();
        assert!(registered.readonly);
        let shown = Value::Object(registered.settings.clone()).to_string();
        assert!(
            !shown.contains("TOPSECRET") && !shown.contains("AKID"),
            "{shown}"
        );
        assert!(!format!("{registered:?}").contains("TOPSECRET"));
        let cos = register("c", &json!({"type": "cos", "settings": {"bucket": "b-1250000000", "access_key_id": "a", "access_key_secret": "s"}}), &NodeConfig::default()).unwrap_err();
        assert_eq!(cos.0, "[c] region must be set for cos repository");
    }
}
