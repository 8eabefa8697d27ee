//! Interim plan reader for `plan --dry-run` until the `migrate-plan` crate (issue 2) lands: reads the
//! plan format sketched in DESIGN.md into the graph compiler's `Blueprint`. Errors carry the YAML
//! line and column. When `migrate-plan` lands, its loader and diagnostics replace this file and the
//! Blueprint comes from `migrate_plan::Plan`.

use std::collections::BTreeMap;
use std::path::Path;

use migrate_graph::blueprint::{
    Auth, Blueprint, Cluster, Cutover, Flavor, IndexSpec, Partition, ReindexStrategy, SecretRef,
    Setting, SnapshotStrategy, Store, StoreKind, Strategy, Verify, Version, canonical,
};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanWire {
    version: u32,
    name: String,
    source: ClusterWire,
    destination: ClusterWire,
    indexes: Vec<IndexWire>,
    strategy: StrategyWire,
    #[serde(default)]
    cutover: CutoverWire,
    #[serde(default)]
    verify: VerifyWire,
    #[serde(default)]
    #[allow(dead_code)]
    settings: Option<serde_yaml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClusterWire {
    url: String,
    #[serde(default)]
    auth: Option<AuthWire>,
    /// `elasticsearch-5.5.2` or `opensearch-2.11.0`, when declared.
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum AuthWire {
    Basic {
        username: String,
        password: SecretWire,
    },
    ApiKey {
        key: SecretWire,
    },
    Bearer {
        token: SecretWire,
    },
    AwsSigv4 {
        region: String,
        #[serde(default = "es_service")]
        service: String,
    },
}

fn es_service() -> String {
    "es".into()
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum SecretWire {
    Env(String),
    File(String),
}

impl From<SecretWire> for SecretRef {
    fn from(s: SecretWire) -> Self {
        match s {
            SecretWire::Env(n) => SecretRef::Env(n),
            SecretWire::File(p) => SecretRef::File(p),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum IndexWire {
    Name(String),
    Renamed { name: String, destination: String },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum StrategyWire {
    Snapshot(SnapshotWire),
    Reindex(ReindexWire),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotWire {
    repository: String,
    #[serde(default)]
    destination_repository: Option<String>,
    source_store: BTreeMap<String, BTreeMap<String, serde_yaml::Value>>,
    #[serde(default)]
    destination_store: Option<BTreeMap<String, BTreeMap<String, serde_yaml::Value>>>,
    #[serde(default)]
    incremental_rounds: u32,
    #[serde(default)]
    index_settings: BTreeMap<String, serde_yaml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReindexWire {
    remote_host: String,
    #[serde(default)]
    update_field: Option<String>,
    #[serde(default)]
    incremental_passes: u32,
    #[serde(default)]
    partitions: Vec<PartitionWire>,
    #[serde(default)]
    batch_size: Option<u32>,
    #[serde(default)]
    requests_per_second: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartitionWire {
    name: String,
    query: serde_yaml::Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CutoverWire {
    #[serde(default)]
    approved: bool,
    #[serde(default = "yes")]
    block_source_writes: bool,
}

impl Default for CutoverWire {
    fn default() -> Self {
        CutoverWire {
            approved: false,
            block_source_writes: true,
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct VerifyWire {
    #[serde(default)]
    doc_count: bool,
    #[serde(default)]
    health: Option<String>,
    #[serde(default)]
    recovery: bool,
    #[serde(default)]
    sample: u32,
}

/// Reads and converts a plan file; the error says what is wrong and where.
pub fn load(path: &Path) -> Result<Blueprint, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read plan `{}`: {e}", path.display()))?;
    // Enums are written as one-key maps (`auth: { basic: {...} }`), not YAML tags.
    let wire: PlanWire = serde_yaml::with::singleton_map_recursive::deserialize(
        serde_yaml::Deserializer::from_str(&text),
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    convert(wire).map_err(|e| format!("{}: {e}", path.display()))
}

fn convert(w: PlanWire) -> Result<Blueprint, String> {
    if w.version != 1 {
        return Err(format!(
            "plan version {} is not supported; this migrate reads version 1",
            w.version
        ));
    }
    let strategy = match w.strategy {
        StrategyWire::Snapshot(s) => Strategy::Snapshot(SnapshotStrategy {
            destination_repository: s
                .destination_repository
                .unwrap_or_else(|| s.repository.clone()),
            repository: s.repository,
            source_store: store(s.source_store)?,
            destination_store: s.destination_store.map(store).transpose()?,
            incremental_rounds: s.incremental_rounds,
            index_settings: s
                .index_settings
                .into_iter()
                .map(|(k, v)| Ok((k, json(v)?)))
                .collect::<Result<_, String>>()?,
        }),
        StrategyWire::Reindex(r) => Strategy::Reindex(ReindexStrategy {
            remote_host: r.remote_host,
            update_field: r.update_field,
            incremental_passes: r.incremental_passes,
            partitions: r
                .partitions
                .into_iter()
                .map(|p| {
                    Ok(Partition {
                        name: p.name,
                        query: json(p.query)?,
                    })
                })
                .collect::<Result<_, String>>()?,
            batch_size: r.batch_size,
            requests_per_second: r.requests_per_second,
        }),
    };
    Ok(Blueprint {
        name: w.name,
        source: cluster(w.source)?,
        destination: cluster(w.destination)?,
        indexes: w
            .indexes
            .into_iter()
            .map(|i| match i {
                IndexWire::Name(n) => IndexSpec::same(n),
                IndexWire::Renamed { name, destination } => IndexSpec {
                    source: name,
                    destination,
                },
            })
            .collect(),
        strategy,
        cutover: Cutover {
            approved: w.cutover.approved,
            block_source_writes: w.cutover.block_source_writes,
        },
        verify: Verify {
            doc_count: w.verify.doc_count,
            health: w.verify.health,
            recovery: w.verify.recovery,
            sample: w.verify.sample,
        },
    })
}

fn cluster(c: ClusterWire) -> Result<Cluster, String> {
    let auth = match c.auth {
        None => Auth::None,
        Some(AuthWire::Basic { username, password }) => Auth::Basic {
            username,
            password: password.into(),
        },
        Some(AuthWire::ApiKey { key }) => Auth::ApiKey { key: key.into() },
        Some(AuthWire::Bearer { token }) => Auth::Bearer {
            token: token.into(),
        },
        Some(AuthWire::AwsSigv4 { region, service }) => Auth::AwsSigv4 { region, service },
    };
    let version = c.version.as_deref().map(version).transpose()?;
    Ok(Cluster {
        url: c.url,
        auth,
        version,
    })
}

fn version(s: &str) -> Result<Version, String> {
    let bad = || format!("version `{s}`: expected `elasticsearch-X.Y.Z` or `opensearch-X.Y.Z`");
    let (flavor, number) = s.split_once('-').ok_or_else(bad)?;
    let flavor = match flavor {
        "elasticsearch" => Flavor::Elasticsearch,
        "opensearch" => Flavor::Opensearch,
        _ => return Err(bad()),
    };
    let mut parts = number
        .split('.')
        .map(|p| p.parse::<u32>().map_err(|_| bad()));
    let major = parts.next().ok_or_else(bad)??;
    let minor = parts.next().transpose()?.unwrap_or(0);
    let patch = parts.next().transpose()?.unwrap_or(0);
    Ok(Version {
        flavor,
        major,
        minor,
        patch,
    })
}

fn store(map: BTreeMap<String, BTreeMap<String, serde_yaml::Value>>) -> Result<Store, String> {
    let mut entries = map.into_iter();
    let (Some((kind, settings)), None) = (entries.next(), entries.next()) else {
        return Err("a store names exactly one kind: s3, oss, cos or fs".into());
    };
    let kind = match kind.as_str() {
        "s3" => StoreKind::S3,
        "oss" => StoreKind::Oss,
        "cos" => StoreKind::Cos,
        "fs" => StoreKind::Fs,
        other => {
            return Err(format!(
                "unknown store kind `{other}`; use s3, oss, cos or fs"
            ));
        }
    };
    let mut out = BTreeMap::new();
    for (key, value) in settings {
        let setting = match serde_yaml::with::singleton_map::deserialize::<SecretWire, _>(
            value.clone(),
        ) {
            Ok(secret) => Setting::Secret(secret.into()),
            Err(_) if value.is_mapping() => {
                return Err(format!(
                    "store setting `{key}`: expected a value or {{ env: NAME }} / {{ file: PATH }}"
                ));
            }
            Err(_) => Setting::Plain(json(value)?),
        };
        out.insert(key, setting);
    }
    Ok(Store {
        kind,
        settings: out,
    })
}

fn json(v: serde_yaml::Value) -> Result<Value, String> {
    serde_json::to_value(v)
        .map(|v| canonical(&v))
        .map_err(|e| format!("not representable as JSON: {e}"))
}
