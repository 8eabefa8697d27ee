//! The HTTP requests each step sends, as pure functions of the step's kind.
//!
//! The dry-run renders exactly these, and the executor sends exactly these: the only difference is the
//! [`Secrets`] it passes (the dry-run passes [`Redacted`], which writes `<redacted: env NAME>` where a
//! secret goes). Where part of a body is only known at run time (the source's mappings, a task id, the
//! start time of a pass), the preview holds a `<run time: ...>` placeholder and the request's `runtime`
//! says what fills it.
//!
//! Each step first checks whether its effect already exists (`Role::Check`), acts only if not
//! (`Role::Act`), then waits (`Role::Wait`); `Role::Read` fetches data the act needs.

use std::fmt;

use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::blueprint::{AfterCopy, SecretRef, Setting, Store};
pub use crate::body::Body;
use crate::kind::{Pass, RemoteAuth, Side, StepKind};

/// What a request is for within its step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Looks whether the step's effect already exists (idempotence).
    Check,
    /// Reads data the act needs.
    Read,
    /// Makes the change.
    Act,
    /// Polls until the change is complete.
    Wait,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Check => "check",
            Role::Read => "read",
            Role::Act => "act",
            Role::Wait => "wait",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Put,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One HTTP request a step sends to a cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub role: Role,
    /// The cluster it goes to.
    pub target: Side,
    pub method: Method,
    /// Path and query, relative to the cluster URL.
    pub path: String,
    pub body: Option<Body>,
    /// What is filled in at run time, when something is.
    pub runtime: Option<&'static str>,
}

/// Supplies the text that goes where a secret belongs in a request.
pub trait Secrets {
    fn text(&self, secret: &SecretRef) -> String;
}

/// Writes redacted placeholders instead of secrets: what every preview uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct Redacted;

impl Secrets for Redacted {
    fn text(&self, secret: &SecretRef) -> String {
        secret.to_string()
    }
}

fn req(role: Role, target: Side, method: Method, path: String, body: Option<Body>) -> Request {
    Request {
        role,
        target,
        method,
        path,
        body,
        runtime: None,
    }
}

fn runtime(mut r: Request, what: &'static str) -> Request {
    r.runtime = Some(what);
    r
}

/// Percent-encodes what an index, repository or snapshot name must not carry raw in a path
/// (patterns keep their `*` and `?`; `?` is encoded because it would start the query).
pub fn segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'*' | b'+' | b',') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The requests `kind` sends, in order, with secrets written by `secrets`.
pub fn requests(kind: &StepKind, secrets: &dyn Secrets) -> Vec<Request> {
    use Method::{Get, Post, Put};
    use Role::{Act, Check, Read, Wait};
    use Side::{Destination as D, Source as S};
    match kind {
        StepKind::CheckVersions { strategy, .. } => {
            let mut out = vec![
                runtime(
                    req(Read, S, Get, "/".into(), None),
                    "Serverless collections have no `GET /`; the version is then taken from the plan",
                ),
                req(Read, D, Get, "/".into(), None),
            ];
            if strategy == "snapshot" {
                let cat = "/_cat/indices?format=json&bytes=b&expand_wildcards=all";
                out.push(runtime(
                    req(Read, D, Get, cat.into(), None),
                    "`expand_wildcards=all` only on Elasticsearch >= 7.7 and OpenSearch (earlier versions refuse it and list closed indexes anyway)",
                ));
                out.push(runtime(
                    req(Read, S, Get, cat.into(), None),
                    "only when the destination has closed indexes: their primary shard counts must match the source's; `expand_wildcards=all` as above",
                ));
                out.push(runtime(
                    req(Read, D, Get, "/_cat/plugins?format=json".into(), None),
                    "only for s3, oss and cos destination repositories (not s3 on Elasticsearch >= 8.0 or Amazon OpenSearch Service, where it is built in): the repository plugin is installed",
                ));
            } else {
                out.push(runtime(
                    req(
                        Read,
                        S,
                        Get,
                        "/_cat/indices/{index}?bytes=b&h=index,pri.store.size&format=json".into(),
                        None,
                    ),
                    "once per plan index entry: the source's primary store size",
                ));
                out.push(runtime(
                    req(Read, D, Get, "/_nodes/stats/fs".into(), None),
                    "free disk on the destination's data nodes must be at least 1.2 x the source's primary store size (not checked where there are no fs stats, e.g. Serverless)",
                ));
            }
            out
        }
        StepKind::CheckRepositoryName { .. }
        | StepKind::Gate { .. }
        | StepKind::TransferObjects { .. } => Vec::new(),
        StepKind::CheckRemoteAllowlist { .. } => vec![
            req(
                Read,
                D,
                Get,
                "/_nodes/settings?flat_settings=true".into(),
                None,
            ),
            runtime(
                req(
                    Read,
                    D,
                    Get,
                    "/_cluster/settings?include_defaults=true&flat_settings=true".into(),
                    None,
                ),
                "the setting is `reindex.remote.whitelist`, or `reindex.remote.allowlist` on OpenSearch 2 and later",
            ),
        ],
        StepKind::RegisterRepository {
            side,
            name,
            store,
            readonly,
        } => {
            let path = format!("/_snapshot/{}", segment(name));
            vec![
                req(Check, *side, Get, path.clone(), None),
                req(
                    Act,
                    *side,
                    Put,
                    path,
                    Some(Body::json(&repository_body(store, *readonly, secrets))),
                ),
            ]
        }
        StepKind::CreateSnapshot {
            repository,
            snapshot,
            indices,
            ..
        } => {
            let path = format!("/_snapshot/{}/{}", segment(repository), segment(snapshot));
            let body = json!({
                "indices": indices.join(","),
                "ignore_unavailable": false,
                "include_global_state": false,
            });
            vec![
                req(Check, S, Get, path.clone(), None),
                req(
                    Act,
                    S,
                    Put,
                    format!("{path}?wait_for_completion=false"),
                    Some(Body::json(&body)),
                ),
            ]
        }
        StepKind::WaitSnapshot {
            repository,
            snapshot,
            ..
        } => {
            let path = format!("/_snapshot/{}/{}", segment(repository), segment(snapshot));
            vec![
                req(Wait, S, Get, path.clone(), None),
                runtime(
                    req(Read, S, Get, format!("{path}/_status"), None),
                    "once the snapshot is SUCCESS, for its file and byte counts",
                ),
            ]
        }
        StepKind::CloseIndex { index, .. } => vec![
            runtime(
                req(
                    Check,
                    D,
                    Get,
                    format!("/{}/_recovery", segment(index)),
                    None,
                ),
                "done when the index was already restored from this round's snapshot or a later one",
            ),
            req(
                Check,
                D,
                Get,
                format!(
                    "/_cat/indices/{}?h=index,status&format=json",
                    segment(index)
                ),
                None,
            ),
            req(Act, D, Post, format!("/{}/_close", segment(index)), None),
        ],
        StepKind::Restore {
            repository,
            snapshot,
            source_index,
            destination_index,
            index_settings,
            ..
        } => {
            let renamed = source_index != destination_index;
            let body = RestoreBody {
                indices: source_index,
                ignore_unavailable: false,
                include_global_state: false,
                include_aliases: true,
                rename_pattern: renamed.then(|| format!("^{}$", regex_escape(source_index))),
                rename_replacement: renamed.then_some(destination_index.as_str()),
                index_settings,
            };
            vec![
                runtime(
                    req(
                        Check,
                        D,
                        Get,
                        format!("/{}/_recovery", segment(destination_index)),
                        None,
                    ),
                    "done when the index's recovery source is this snapshot",
                ),
                req(
                    Act,
                    D,
                    Post,
                    format!(
                        "/_snapshot/{}/{}/_restore?wait_for_completion=false",
                        segment(repository),
                        segment(snapshot)
                    ),
                    Some(Body::json(&body)),
                ),
            ]
        }
        StepKind::OpenIndex { index, .. } => vec![
            req(
                Check,
                D,
                Get,
                format!(
                    "/_cat/indices/{}?h=index,status&format=json",
                    segment(index)
                ),
                None,
            ),
            req(Act, D, Post, format!("/{}/_open", segment(index)), None),
        ],
        StepKind::WaitRecovery { index, .. } => vec![
            req(
                Wait,
                D,
                Get,
                format!(
                    "/_cluster/health/{}?wait_for_status=yellow&timeout=30s",
                    segment(index)
                ),
                None,
            ),
            req(
                Wait,
                D,
                Get,
                format!("/{}/_recovery?active_only=true", segment(index)),
                None,
            ),
        ],
        StepKind::CreateIndex {
            source_index,
            destination_index,
            exclude,
            number_of_replicas,
            refresh_interval,
        } => {
            let body = Body::fixed(&format!(
                r#"{{"settings":{{"index":{{"number_of_replicas":{number_of_replicas},"refresh_interval":{}}}}},"mappings":"<run time: the source index's mappings>"}}"#,
                Value::from(refresh_interval.as_str())
            ));
            // The expansion, shown with its exclusions (`-name` targets) when the entry has any.
            let expansion = (!exclude.is_empty()).then(|| {
                let targets: Vec<String> = std::iter::once(source_index.clone())
                    .chain(exclude.iter().map(|x| format!("-{x}")))
                    .collect();
                req(
                    Read,
                    S,
                    Get,
                    format!(
                        "/_cat/indices/{}?h=index&format=json",
                        segment(&targets.join(","))
                    ),
                    None,
                )
            });
            expansion
                .into_iter()
                .chain(vec![
                req(
                    Check,
                    D,
                    Get,
                    format!("/{}", segment(destination_index)),
                    None,
                ),
                req(
                    Read,
                    S,
                    Get,
                    format!("/{}/_settings?flat_settings=true", segment(source_index)),
                    None,
                ),
                req(
                    Read,
                    S,
                    Get,
                    format!("/{}/_mapping", segment(source_index)),
                    None,
                ),
                runtime(
                    req(
                        Act,
                        D,
                        Put,
                        format!("/{}", segment(destination_index)),
                        Some(body),
                    ),
                    "merged over the source index's settings and mappings, read just before: creation_date, uuid, history.uuid, \
                     provided_name, version.*, resize.*, shrink.*, blocks.*, routing.allocation.initial_recovery.* \
                     and verified_before_close are dropped with settings the destination does not know; a 5.x/6.x \
                     single mapping type is unwrapped",
                ),
            ])
            .collect()
        }
        StepKind::Reindex { .. } => reindex_requests(kind, secrets),
        StepKind::BlockWrites { index } => vec![
            req(
                Check,
                S,
                Get,
                format!("/{}/_settings/index.blocks.write", segment(index)),
                None,
            ),
            req(
                Act,
                S,
                Put,
                format!("/{}/_settings", segment(index)),
                Some(Body::fixed(r#"{"index":{"blocks":{"write":true}}}"#)),
            ),
        ],
        StepKind::RestoreSettings {
            destination_index,
            after: AfterCopy::Set(values),
            ..
        } => vec![
            req(
                Check,
                D,
                Get,
                format!(
                    "/{}/_settings?flat_settings=true",
                    segment(destination_index)
                ),
                None,
            ),
            runtime(
                req(
                    Act,
                    D,
                    Put,
                    format!("/{}/_settings", segment(destination_index)),
                    Some(Body::json(&json!({ "index": values }))),
                ),
                "the plan's `copy_settings.after` values; a write block the restore brought from the source's cutover is lifted too (`blocks.write: false`)",
            ),
        ],
        StepKind::RestoreSettings {
            source_index,
            destination_index,
            ..
        } => vec![
            runtime(
                req(
                    Read,
                    S,
                    Get,
                    format!("/{}/_settings?flat_settings=true", segment(source_index)),
                    None,
                ),
                "for the reindex strategy the values `create-index` recorded are used instead",
            ),
            req(
                Check,
                D,
                Get,
                format!(
                    "/{}/_settings?flat_settings=true",
                    segment(destination_index)
                ),
                None,
            ),
            runtime(
                req(
                    Act,
                    D,
                    Put,
                    format!("/{}/_settings", segment(destination_index)),
                    Some(Body::fixed(
                        r#"{"index":{"number_of_replicas":"<run time: the source's number_of_replicas>","refresh_interval":"<run time: the source's refresh_interval>"}}"#,
                    )),
                ),
                "values are the source index's own settings; a write block the restore brought from the source's cutover is lifted too (`blocks.write: false`)",
            ),
            runtime(
                req(
                    Read,
                    S,
                    Get,
                    format!("/{}/_alias", segment(source_index)),
                    None,
                ),
                "reindex strategy only (a restore brings its aliases itself)",
            ),
            req(
                Check,
                D,
                Get,
                format!("/{}/_alias", segment(destination_index)),
                None,
            ),
            runtime(
                req(
                    Act,
                    D,
                    Post,
                    "/_aliases".into(),
                    Some(Body::fixed(
                        r#"{"actions":"<run time: an add for each alias of the source index the destination lacks>"}"#,
                    )),
                ),
                "sent only when the destination lacks one of the source index's aliases",
            ),
        ],
        StepKind::Verify {
            source_index,
            destination_index,
            checks,
        } => {
            let (s, d) = (segment(source_index), segment(destination_index));
            let mut out = Vec::new();
            if checks.doc_count {
                out.push(req(Act, D, Post, format!("/{d}/_refresh"), None));
                out.push(req(Read, S, Post, format!("/{s}/_count"), None));
                out.push(req(Read, D, Post, format!("/{d}/_count"), None));
            }
            if let Some(colour) = &checks.health {
                out.push(req(
                    Wait,
                    D,
                    Get,
                    format!(
                        "/_cluster/health/{d}?wait_for_status={}&timeout=60s",
                        segment(colour)
                    ),
                    None,
                ));
            }
            if checks.recovery {
                out.push(req(
                    Read,
                    D,
                    Get,
                    format!("/{d}/_recovery?active_only=true"),
                    None,
                ));
            }
            if checks.sample > 0 {
                out.push(runtime(
                    req(
                        Read,
                        S,
                        Post,
                        format!("/{s}/_search"),
                        Some(Body::json(&json!({"size": checks.sample, "from": "<run time: random offset>", "sort": ["_doc"]}))),
                    ),
                    "the offset is drawn within the first 10000 documents",
                ));
                out.push(runtime(
                    req(
                        Read,
                        D,
                        Post,
                        format!("/{d}/_search"),
                        Some(Body::json(&json!({"size": checks.sample, "query": {"ids": {"values": "<run time: ids of the sampled documents>"}}}))),
                    ),
                    "each sampled document's _source must hash the same on both sides",
                ));
            }
            out
        }
    }
}

fn reindex_requests(kind: &StepKind, secrets: &dyn Secrets) -> Vec<Request> {
    let StepKind::Reindex {
        source_index,
        destination_index,
        remote,
        pass,
        query,
        update_field,
        batch_size,
        requests_per_second,
    } = kind
    else {
        return Vec::new();
    };
    let mut remote_body = RemoteBody {
        host: &remote.host,
        username: None,
        password: None,
        headers: None,
    };
    match &remote.auth {
        RemoteAuth::None | RemoteAuth::Unsupported { .. } => {}
        RemoteAuth::Basic { username, password } => {
            remote_body.username = Some(username);
            remote_body.password = Some(secrets.text(password));
        }
        RemoteAuth::Header { scheme, value } => {
            remote_body.headers = Some(AuthHeader {
                authorization: format!("{scheme} {}", secrets.text(value)),
            });
        }
    }
    let field = update_field.as_deref().unwrap_or("");
    const SINCE: &str =
        "the range starts where the previous pass started, so nothing falls between passes";
    let (query, note) = match pass {
        Pass::Initial { .. } => (QueryBody::Given(query), None),
        Pass::Incremental { .. } => (QueryBody::Range(field, true), Some(SINCE)),
        // Writes are stopped: no upper bound, so documents stamped by a clock ahead of ours come too.
        Pass::Final if update_field.is_some() => (QueryBody::Range(field, false), Some(SINCE)),
        Pass::Final => (QueryBody::Given(query), None),
        Pass::MissingField | Pass::FinalMissingField => (QueryBody::Missing(field), None),
    };
    let range = matches!(query, QueryBody::Range(..));
    let body = ReindexBody {
        conflicts: "proceed",
        source: ReindexSource {
            remote: remote_body,
            index: source_index,
            size: *batch_size,
            query,
        },
        dest: IndexRef {
            index: destination_index,
        },
    };
    let mut path = "/_reindex?wait_for_completion=false".to_owned();
    if let Some(rps) = requests_per_second {
        path.push_str(&format!("&requests_per_second={rps}"));
    }
    let act = req(
        Role::Act,
        Side::Destination,
        Method::Post,
        path,
        Some(Body::json(&body)),
    );
    let act = match note {
        Some(n) => runtime(act, n),
        None => act,
    };
    let mut out = Vec::with_capacity(3);
    if range {
        out.push(runtime(
            req(
                Role::Read,
                Side::Source,
                Method::Get,
                format!("/{}/_mapping", segment(source_index)),
                None,
            ),
            "the update-time field's type decides whether the bounds are dates or epoch milliseconds",
        ));
    }
    out.push(act);
    out.push(runtime(
        req(
            Role::Wait,
            Side::Destination,
            Method::Get,
            "/_tasks/<task>".into(),
            None,
        ),
        "<task> is the task id the reindex returned, recorded in the state before waiting",
    ));
    out
}

#[derive(Serialize)]
struct RestoreBody<'a> {
    indices: &'a str,
    ignore_unavailable: bool,
    include_global_state: bool,
    include_aliases: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    rename_pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rename_replacement: Option<&'a str>,
    index_settings: &'a BTreeMap<String, Value>,
}

#[derive(Serialize)]
struct ReindexBody<'a> {
    conflicts: &'static str,
    source: ReindexSource<'a>,
    dest: IndexRef<'a>,
}

#[derive(Serialize)]
struct ReindexSource<'a> {
    remote: RemoteBody<'a>,
    index: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u32>,
    query: QueryBody<'a>,
}

#[derive(Serialize)]
struct RemoteBody<'a> {
    host: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headers: Option<AuthHeader>,
}

#[derive(Serialize)]
struct AuthHeader {
    #[serde(rename = "Authorization")]
    authorization: String,
}

#[derive(Serialize)]
struct IndexRef<'a> {
    index: &'a str,
}

/// A reindex pass's query: the partition's own, a range on the update-time field, or "field missing".
enum QueryBody<'a> {
    Given(&'a Value),
    /// The field, and whether the range ends at the start of this pass.
    Range(&'a str, bool),
    Missing(&'a str),
}

impl Serialize for QueryBody<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        #[derive(Serialize)]
        struct Bounds {
            gte: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            lt: Option<&'static str>,
            format: &'static str,
        }
        #[derive(Serialize)]
        struct Exists<'a> {
            exists: Field<'a>,
        }
        #[derive(Serialize)]
        struct Field<'a> {
            field: &'a str,
        }
        #[derive(Serialize)]
        struct MustNot<'a> {
            must_not: Exists<'a>,
        }
        match self {
            QueryBody::Given(v) => v.serialize(s),
            QueryBody::Range(field, bounded) => {
                let bounds = Bounds {
                    gte: "<run time: start of the previous pass>",
                    lt: bounded.then_some("<run time: start of this pass>"),
                    format: "<run time: epoch_millis on a date field (the bounds are epoch milliseconds, whatever the field's own format); absent on a numeric field>",
                };
                let mut inner = BTreeMap::new();
                inner.insert(*field, bounds);
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("range", &inner)?;
                m.end()
            }
            QueryBody::Missing(field) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(
                    "bool",
                    &MustNot {
                        must_not: Exists {
                            exists: Field { field },
                        },
                    },
                )?;
                m.end()
            }
        }
    }
}

/// `PUT _snapshot/<name>` body for a store: its type and settings (`readonly` on the reading side).
fn repository_body(store: &Store, readonly: bool, secrets: &dyn Secrets) -> Value {
    let mut settings = Map::new();
    for (k, v) in &store.settings {
        let v = match v {
            Setting::Plain(v) => v.clone(),
            Setting::Secret(s) => Value::from(secrets.text(s)),
        };
        settings.insert(k.clone(), v);
    }
    if readonly {
        settings.insert("readonly".into(), Value::Bool(true));
    }
    json!({"type": store.kind.repository_type(), "settings": Value::Object(settings)})
}

/// Escapes regex metacharacters (for `rename_pattern`).
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A one-line description of what the step does, for every renderer.
pub fn describe(kind: &StepKind) -> String {
    match kind {
        StepKind::CheckVersions {
            strategy,
            declared_source,
            declared_destination,
        } => {
            let mut s = format!(
                "detect both cluster versions and check the {strategy} strategy can move data between them"
            );
            if let (Some(from), Some(into)) = (declared_source, declared_destination)
                && strategy == "snapshot"
            {
                match crate::preflight::restore_compatibility(*from, *into) {
                    Ok(()) => s.push_str(&format!(" (declared: {from} -> {into}, compatible)")),
                    Err(why) => s.push_str(&format!(" (declared: INCOMPATIBLE: {why})")),
                }
            }
            if strategy == "snapshot" {
                s.push_str("; both stores reachable with the plan's credentials (LIST one key each; not checked when both clusters share one store)");
            }
            s
        }
        StepKind::CheckRepositoryName {
            source,
            destination,
        } => {
            let problems: Vec<String> = [source, destination]
                .iter()
                .filter_map(|n| crate::preflight::repository_name_problem(n))
                .collect();
            if problems.is_empty() {
                format!("check repository names `{source}` and `{destination}` (ok)")
            } else {
                format!("check repository names: {}", problems.join("; "))
            }
        }
        StepKind::CheckRemoteAllowlist { remote_host } => {
            let host = remote_host.split("://").nth(1).unwrap_or(remote_host);
            format!(
                "check the destination allows `{host}` in reindex.remote.whitelist / reindex.remote.allowlist"
            )
        }
        StepKind::RegisterRepository {
            side,
            name,
            store,
            readonly,
        } => format!(
            "register {} repository `{name}` ({}{})",
            side.as_str(),
            store_location(store),
            if *readonly { ", read-only" } else { "" }
        ),
        StepKind::CreateSnapshot {
            snapshot, indices, ..
        } => {
            format!(
                "snapshot {} index entr{} as `{snapshot}`",
                indices.len(),
                if indices.len() == 1 { "y" } else { "ies" }
            )
        }
        StepKind::WaitSnapshot { snapshot, .. } => {
            format!("wait until snapshot `{snapshot}` is SUCCESS")
        }
        StepKind::TransferObjects { from, to, round } => format!(
            "copy the repository's new objects for {round} from {} to {} (data first, index.latest last)",
            store_location(from),
            store_location(to)
        ),
        StepKind::CloseIndex { index, .. } => {
            format!("close destination index `{index}` for the incremental restore")
        }
        StepKind::Restore {
            snapshot,
            source_index,
            destination_index,
            ..
        } => {
            if source_index == destination_index {
                format!("restore `{source_index}` from `{snapshot}` (replicas 0, refresh -1)")
            } else {
                format!(
                    "restore `{source_index}` as `{destination_index}` from `{snapshot}` (replicas 0, refresh -1)"
                )
            }
        }
        StepKind::OpenIndex { index, .. } => format!("open destination index `{index}`"),
        StepKind::WaitRecovery { index, .. } => format!("wait until `{index}` has recovered"),
        StepKind::CreateIndex {
            source_index,
            destination_index,
            exclude,
            number_of_replicas,
            refresh_interval,
        } => {
            let excluded = if exclude.is_empty() {
                String::new()
            } else {
                format!(", excluding {}", exclude.join(", "))
            };
            format!(
                "create `{destination_index}` from `{source_index}`'s settings and mappings{excluded} (replicas {number_of_replicas}, refresh {refresh_interval})"
            )
        }
        StepKind::Reindex {
            source_index,
            pass,
            update_field,
            remote,
            ..
        } => {
            let what = match pass {
                Pass::Initial { partition } => {
                    format!("copy partition `{partition}` of `{source_index}`")
                }
                Pass::Incremental { n } => format!(
                    "incremental pass {n} of `{source_index}` on `{}`",
                    update_field.as_deref().unwrap_or("")
                ),
                Pass::MissingField => format!(
                    "copy `{source_index}` documents without `{}`",
                    update_field.as_deref().unwrap_or("")
                ),
                Pass::Final if update_field.is_some() => {
                    format!("final incremental pass of `{source_index}`")
                }
                Pass::Final => format!("final full pass of `{source_index}`"),
                Pass::FinalMissingField => {
                    format!(
                        "final pass over `{source_index}` documents without `{}`",
                        update_field.as_deref().unwrap_or("")
                    )
                }
            };
            match &remote.auth {
                RemoteAuth::Unsupported { reason } => {
                    format!("{what} with remote reindex (WILL FAIL: {reason})")
                }
                _ => format!("{what} with remote reindex"),
            }
        }
        StepKind::Gate { approved: true } => {
            "cutover gate: approved (cutover.approved: true)".into()
        }
        StepKind::Gate { approved: false } => {
            "cutover gate: apply stops here until the plan sets cutover.approved: true".into()
        }
        StepKind::BlockWrites { index } => format!("block writes on source index `{index}`"),
        StepKind::RestoreSettings {
            destination_index,
            after: AfterCopy::Set(values),
            ..
        } => {
            let list: Vec<String> = values.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!(
                "set `{destination_index}`'s settings after the copy: {}",
                list.join(", ")
            )
        }
        StepKind::RestoreSettings {
            destination_index, ..
        } => {
            format!(
                "put back `{destination_index}`'s replica count and refresh interval from the source"
            )
        }
        StepKind::Verify {
            destination_index,
            checks,
            ..
        } => {
            let mut parts = Vec::new();
            if checks.doc_count {
                parts.push("document count".to_owned());
            }
            if let Some(h) = &checks.health {
                parts.push(format!("health {h}"));
            }
            if checks.recovery {
                parts.push("recovery".to_owned());
            }
            if checks.sample > 0 {
                parts.push(format!("{} sampled documents", checks.sample));
            }
            format!("verify `{destination_index}`: {}", parts.join(", "))
        }
    }
}

fn store_location(store: &Store) -> String {
    let plain = |k: &str| match store.settings.get(k) {
        Some(Setting::Plain(Value::String(s))) => Some(s.as_str()),
        _ => None,
    };
    let kind = store.kind.repository_type();
    let bucket = plain("bucket").or_else(|| plain("location")).unwrap_or("?");
    match plain("base_path") {
        Some(base) if !base.is_empty() => format!("{kind}://{bucket}/{base}"),
        _ => format!("{kind}://{bucket}"),
    }
}
