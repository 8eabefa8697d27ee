//! The run's environment: both cluster clients (the source one guarded to the writes the plan
//! declares), resolved secrets and the knobs of waits, transfers and incremental passes.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use migrate_cluster::{
    Auth as ClusterAuth, AwsCredentialSource, ClusterClient, ClusterConfig, Limits, MutatingCall,
    Side, SigV4Config, Timeouts, TlsConfig,
};
use migrate_graph::blueprint::{Auth, Blueprint, Cluster, Strategy};
use migrate_graph::requests::{Redacted, requests};
use migrate_store::TransferOptions;

use crate::error::EnvError;
use crate::secrets::SecretBook;
use crate::wait::Backoff;

/// Runtime knobs the CLI passes (none of them belongs in the plan file).
#[derive(Debug, Clone)]
pub struct EnvOptions {
    pub source_tls: TlsConfig,
    pub destination_tls: TlsConfig,
    pub timeouts: Timeouts,
    /// Poll intervals of every wait (task, snapshot, recovery).
    pub backoff: Backoff,
    /// How long a wait's progress may stand still before the wait fails, resumably
    /// (`settings.stall_timeout_s`).
    pub stall_timeout: Duration,
    /// Each cluster's response cap and timeouts (`source.http`, `destination.http`).
    pub source_http: HttpOptions,
    pub destination_http: HttpOptions,
    /// Object-store transfer parallelism and part size.
    pub transfer: TransferOptions,
    /// How far back an incremental pass starts before the previous pass's start, to catch
    /// documents indexed but not yet searchable (refresh interval) or stamped by a skewed clock.
    /// Replays overwrite by `_id`, so the overlap costs copies, never duplicates.
    pub watermark_overlap: Duration,
    /// Server-side wait of one health poll.
    pub health_wait: Duration,
    /// Seed for choosing sampled documents (`None`: random).
    pub sample_seed: Option<u64>,
    /// A local directory for the verification's spill files and findings (`verify/` under it):
    /// the state directory when it is local. `None`: the system's temporary directory.
    pub work_dir: Option<std::path::PathBuf>,
    /// The local directory of the run's state: the copy strategy's dead-letter files go under it
    /// (`None`: `.migrate` in the working directory).
    pub state_dir: Option<std::path::PathBuf>,
    /// The state's short lineage the graph's server-side names carry (`apply` sets it; `None`
    /// for graphs compiled without one).
    pub lineage: Option<String>,
    /// Source writes allowed besides those the compiled graph plans (`migrate cleanup`'s deletes).
    pub source_writes_also: BTreeSet<MutatingCall>,
    /// Both clients send only reads (`migrate plan --refresh`, saved-plan checks).
    pub read_only: bool,
    /// The plan's translation choices (`settings.translate`): create-index and the proof translate
    /// each index definition with them, as `migrate lint` does.
    pub translate: migrate_translate::Options,
}

impl Default for EnvOptions {
    fn default() -> Self {
        EnvOptions {
            source_tls: TlsConfig::default(),
            destination_tls: TlsConfig::default(),
            timeouts: Timeouts::default(),
            backoff: Backoff::default(),
            stall_timeout: crate::wait::DEFAULT_STALL_TIMEOUT,
            source_http: HttpOptions::default(),
            destination_http: HttpOptions::default(),
            transfer: TransferOptions::default(),
            watermark_overlap: Duration::from_secs(60),
            health_wait: Duration::from_secs(30),
            sample_seed: None,
            work_dir: None,
            state_dir: None,
            lineage: None,
            source_writes_also: BTreeSet::new(),
            read_only: false,
            translate: migrate_translate::Options::default(),
        }
    }
}

/// One cluster's HTTP bounds: the timeouts and the response cap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HttpOptions {
    pub timeouts: Option<Timeouts>,
    pub limits: Limits,
}

/// Everything the steps talk to.
pub struct Env {
    pub(crate) plan: String,
    pub(crate) source: ClusterClient,
    pub(crate) destination: ClusterClient,
    pub(crate) source_url: String,
    pub(crate) destination_url: String,
    pub(crate) secrets: SecretBook,
    pub(crate) options: EnvOptions,
    /// Each pattern entry's excludes, by the entry's source pattern.
    pub(crate) excludes: BTreeMap<String, Vec<String>>,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("plan", &self.plan)
            .field("source", &self.source_url)
            .field("destination", &self.destination_url)
            .finish_non_exhaustive()
    }
}

impl Env {
    /// Resolves every secret the plan references (cluster auth, store settings), builds both
    /// clients and the source write-guard, deny by default: the source accepts reads and the
    /// mutating calls the compiled graph's requests make on it ([`planned_source_writes`]), e.g.
    /// repository registration and snapshot creation for the snapshot strategy, and the write
    /// block when `cutover.block_source_writes`.
    pub async fn from_blueprint(bp: &Blueprint, options: &EnvOptions) -> Result<Env, EnvError> {
        let mut secrets = SecretBook::default();
        if let Strategy::Snapshot(s) = &bp.strategy {
            let stores = std::iter::once(&s.source_store).chain(s.destination_store.as_ref());
            for store in stores {
                for (field, r) in store.secrets() {
                    secrets.resolve(r, &format!("store setting `{field}`"))?;
                }
            }
        }
        if let Strategy::SnapshotReindex(s) = &bp.strategy {
            for (field, r) in s.store.secrets() {
                secrets.resolve(r, &format!("store setting `{field}`"))?;
            }
        }
        if let Strategy::Reindex(r) = &bp.strategy
            && let Some(a) = &r.remote_auth
        {
            match a {
                Auth::Basic { password, .. } => {
                    secrets.resolve(
                        password,
                        "the remote reindex password (`reindex.remote_auth`)",
                    )?;
                }
                Auth::ApiKey { key: s } | Auth::Bearer { token: s } => {
                    secrets.resolve(s, "the remote reindex credential (`reindex.remote_auth`)")?;
                }
                Auth::None | Auth::AwsSigv4 { .. } => {}
            }
        }
        let mut declared = planned_source_writes(bp, options.lineage.as_deref())?;
        declared.extend(options.source_writes_also.iter().copied());
        let mut source_cfg = config(&bp.source, Side::Source, &mut secrets)?;
        source_cfg.declared_source_writes = declared;
        source_cfg.tls = options.source_tls.clone();
        source_cfg.timeouts = options.source_http.timeouts.unwrap_or(options.timeouts);
        source_cfg.limits = options.source_http.limits;
        let mut dest_cfg = config(&bp.destination, Side::Destination, &mut secrets)?;
        dest_cfg.tls = options.destination_tls.clone();
        dest_cfg.timeouts = options
            .destination_http
            .timeouts
            .unwrap_or(options.timeouts);
        dest_cfg.limits = options.destination_http.limits;
        source_cfg.read_only = options.read_only;
        dest_cfg.read_only = options.read_only;
        let source = ClusterClient::new(&source_cfg)
            .await
            .map_err(|source| EnvError::Client {
                side: "source",
                source,
            })?;
        let destination =
            ClusterClient::new(&dest_cfg)
                .await
                .map_err(|source| EnvError::Client {
                    side: "destination",
                    source,
                })?;
        Ok(Env {
            plan: bp.name.clone(),
            source,
            destination,
            source_url: bp.source.url.clone(),
            destination_url: bp.destination.url.clone(),
            secrets,
            options: options.clone(),
            excludes: bp
                .indexes
                .iter()
                .filter(|i| !i.exclude.is_empty())
                .map(|i| (i.source.to_string(), i.exclude.clone()))
                .collect(),
        })
    }

    /// The source cluster's client (guarded).
    pub fn source(&self) -> &ClusterClient {
        &self.source
    }

    /// The destination cluster's client.
    pub fn destination(&self) -> &ClusterClient {
        &self.destination
    }

    /// Scrubs every secret of the run from `text`.
    pub fn redact(&self, text: &str) -> String {
        let once = self.secrets.redact(text);
        self.destination.redact(&self.source.redact(&once))
    }
}

/// A client for one cluster of the plan that may only read: no write is declared, so the
/// write-guard refuses every mutating call on the source (what `migrate lint` uses). Resolves only
/// that cluster's secrets; the strategy's stores are not touched.
pub async fn read_only_client(
    bp: &Blueprint,
    side: Side,
    options: &EnvOptions,
) -> Result<ClusterClient, EnvError> {
    let mut secrets = SecretBook::default();
    let (cluster, tls, http) = match side {
        Side::Source => (&bp.source, &options.source_tls, &options.source_http),
        Side::Destination => (
            &bp.destination,
            &options.destination_tls,
            &options.destination_http,
        ),
    };
    let mut cfg = config(cluster, side, &mut secrets)?;
    cfg.tls = tls.clone();
    cfg.timeouts = http.timeouts.unwrap_or(options.timeouts);
    cfg.limits = http.limits;
    ClusterClient::new(&cfg)
        .await
        .map_err(|source| EnvError::Client {
            side: side.as_str(),
            source,
        })
}

fn config(c: &Cluster, side: Side, secrets: &mut SecretBook) -> Result<ClusterConfig, EnvError> {
    let url = c.url.parse::<url::Url>().map_err(|e| EnvError::Url {
        side: side.as_str(),
        url: c.url.clone(),
        reason: e.to_string(),
    })?;
    if let Some(p) = url.password() {
        secrets.add_redaction(p);
    }
    let auth = match &c.auth {
        Auth::None => ClusterAuth::None,
        Auth::Basic { username, password } => ClusterAuth::Basic {
            username: username.clone(),
            password: secrets.resolve(password, &format!("the {side} cluster's password"))?,
        },
        Auth::ApiKey { key } => {
            ClusterAuth::ApiKey(secrets.resolve(key, &format!("the {side} cluster's API key"))?)
        }
        Auth::Bearer { token } => ClusterAuth::Bearer(
            secrets.resolve(token, &format!("the {side} cluster's bearer token"))?,
        ),
        Auth::AwsSigv4 { region, service } => ClusterAuth::AwsSigV4(SigV4Config {
            region: region.clone(),
            service: Some(service.clone()),
            credentials: AwsCredentialSource::DefaultChain,
        }),
    };
    let mut cfg = ClusterConfig::new(url, side);
    cfg.auth = auth;
    Ok(cfg)
}

/// The mutating calls the steps of `bp`'s compiled graph send to the source: every request the
/// request model lists for a step, on the source side, that names one. The write-guard lets only
/// these (and reads) through.
pub fn planned_source_writes(
    bp: &Blueprint,
    lineage: Option<&str>,
) -> Result<BTreeSet<MutatingCall>, EnvError> {
    let graph = migrate_graph::compile_blueprint_in(bp, lineage)
        .map_err(|e| EnvError::Plan(e.to_string()))?;
    Ok(graph
        .steps()
        .flat_map(|step| requests(&step.kind, &Redacted))
        .filter(|r| r.side == Side::Source)
        .filter_map(|r| r.mutates.map(|m| m.call))
        .collect())
}
