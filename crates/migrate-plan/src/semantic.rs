//! Wire → domain: builds the validated [`Plan`] from a shape-checked [`PlanWire`], filling in defaults
//! and running the checks a schema cannot express. Every check adds to one list; nothing stops at the
//! first finding. A straight list of named checks, easy to read and to extend.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde_json::{Value, json};
use url::Url;

use crate::diagnostic::PlanDiagnostic;
use crate::model::is_pattern;
use crate::model::*;
use crate::node::{Node, Seg, Span};
use crate::wire::*;

/// The conversion context: the document (for spans) and the findings so far.
pub(crate) struct Cx<'d> {
    doc: &'d Node,
    pub diags: Vec<PlanDiagnostic>,
}

/// An owned path into the document.
#[derive(Clone, Default)]
struct Path(Vec<PathSeg>);

#[derive(Clone)]
enum PathSeg {
    Key(&'static str),
    Index(usize),
}

impl Path {
    fn k(&self, key: &'static str) -> Path {
        let mut p = self.clone();
        p.0.push(PathSeg::Key(key));
        p
    }

    fn i(&self, index: usize) -> Path {
        let mut p = self.clone();
        p.0.push(PathSeg::Index(index));
        p
    }

    fn display(&self) -> String {
        let mut out = String::new();
        for s in &self.0 {
            match s {
                PathSeg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                PathSeg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

fn root() -> Path {
    Path::default()
}

impl<'d> Cx<'d> {
    pub(crate) fn new(doc: &'d Node) -> Self {
        Cx {
            doc,
            diags: Vec::new(),
        }
    }

    fn segs(p: &Path) -> Vec<Seg<'_>> {
        p.0.iter()
            .map(|s| match s {
                PathSeg::Key(k) => Seg::Key(k),
                PathSeg::Index(i) => Seg::Index(*i),
            })
            .collect()
    }

    /// The span of the value at `p` (or of the nearest existing parent).
    fn value(&self, p: &Path) -> Span {
        self.doc.find_nearest(&Self::segs(p)).value_span()
    }

    /// The span of the key at `p` (or its value when it has no key).
    fn key(&self, p: &Path) -> Span {
        self.doc.find_nearest(&Self::segs(p)).key_or_value_span()
    }

    fn error(
        &mut self,
        code: &'static str,
        message: String,
        span: Span,
        label: &str,
        help: String,
    ) {
        self.diags.push(
            PlanDiagnostic::error(code, message)
                .label(span, label)
                .help(help),
        );
    }

    fn warn(&mut self, code: &'static str, message: String, span: Span, label: &str, help: String) {
        self.diags.push(
            PlanDiagnostic::warning(code, message)
                .label(span, label)
                .help(help),
        );
    }
}

/// Builds the plan; `None` when a check failed (the findings are in `cx.diags`).
pub(crate) fn build(w: &PlanWire, cx: &mut Cx<'_>) -> Option<Plan> {
    let r = root();
    check_name(&w.name, &r.k("name"), cx);
    let source = cluster(&w.source, &r.k("source"), cx);
    let destination = cluster(&w.destination, &r.k("destination"), cx);
    if let (Some(s), Some(d)) = (&source, &destination) {
        check_distinct(s, d, cx);
    }
    let indexes = indexes(&w.indexes, &r.k("indexes"), cx);
    let strategy = match &w.strategy {
        StrategyWire::Snapshot(s) => {
            snapshot(s, &r.k("strategy").k("snapshot"), cx).map(Strategy::Snapshot)
        }
        StrategyWire::Reindex(x) => {
            reindex(x, &w.source, &r.k("strategy").k("reindex"), cx).map(Strategy::Reindex)
        }
    };
    let cutover = w
        .cutover
        .as_ref()
        .map_or_else(Cutover::default, |c| Cutover {
            approved: c.approved,
            block_source_writes: c.block_source_writes,
        });
    let verify = w.verify.as_ref().map_or_else(Verify::default, |v| Verify {
        doc_count: v.doc_count,
        health: v.health.map(|h| match h {
            HealthWire::Green => Health::Green,
            HealthWire::Yellow => Health::Yellow,
        }),
        recovery: v.recovery,
        sample: v.sample,
    });
    let settings = settings(w.settings.as_ref(), &r.k("settings"), cx);
    if cx.diags.iter().any(PlanDiagnostic::is_error) {
        return None;
    }
    Some(Plan {
        name: w.name.clone(),
        source: source?,
        destination: destination?,
        indexes,
        strategy: strategy?,
        cutover,
        verify,
        settings,
    })
}

fn check_name(name: &str, p: &Path, cx: &mut Cx<'_>) {
    let ok = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        });
    if !ok && !name.is_empty() {
        let span = cx.value(p);
        let suggestion: String = name
            .to_ascii_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        cx.error(
            "plan::name",
            format!("plan name `{name}` cannot be used in snapshot names"),
            span,
            "invalid name",
            format!("use lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit, e.g. `{}`", suggestion.trim_start_matches(['-', '_', '.'])),
        );
    }
}

fn cluster(w: &ClusterWire, p: &Path, cx: &mut Cx<'_>) -> Option<Cluster> {
    let url = cluster_url(&w.url, &p.k("url"), cx);
    let auth = match &w.auth {
        None => Some(Auth::None),
        Some(a) => auth(a, &p.k("auth"), cx),
    };
    let version = w
        .version
        .as_deref()
        .and_then(|v| declared_version(v, &p.k("version"), cx));
    let tls = match &w.tls {
        None => Tls::default(),
        Some(t) => {
            if t.insecure_skip_verify {
                let span = cx.value(&p.k("tls").k("insecure_skip_verify"));
                cx.warn(
                    "plan::insecure-tls",
                    format!("`{}` accepts any TLS certificate", p.k("tls").k("insecure_skip_verify").display()),
                    span,
                    "certificate checks are off",
                    "anyone on the network path can read the traffic and the credentials; set `tls.ca_file` to the cluster's CA instead".into(),
                );
            }
            match (&t.client_cert, &t.client_key) {
                (Some(_), None) | (None, Some(_)) => {
                    let (have, missing) = if t.client_cert.is_some() {
                        ("client_cert", "client_key")
                    } else {
                        ("client_key", "client_cert")
                    };
                    let span = cx.key(&p.k("tls").k(have));
                    cx.error(
                        "plan::tls",
                        format!(
                            "`{}` is set without `{missing}`",
                            p.k("tls").k(have).display()
                        ),
                        span,
                        "half of a client certificate",
                        format!("mutual TLS needs both files: add `{missing}` (the PEM {}) or remove `{have}`", if missing == "client_key" { "private key of the certificate" } else { "certificate chain of the key" }),
                    );
                }
                _ => {}
            }
            for (key, value) in [
                ("client_cert", &t.client_cert),
                ("client_key", &t.client_key),
            ] {
                if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                    let span = cx.value(&p.k("tls").k(key));
                    cx.error(
                        "plan::tls",
                        format!("`{}` is empty", p.k("tls").k(key).display()),
                        span,
                        "empty path",
                        "write the path of the PEM file, e.g. `/etc/migrate/client.pem`".into(),
                    );
                }
            }
            Tls {
                ca_file: t.ca_file.as_ref().map(PathBuf::from),
                insecure_skip_verify: t.insecure_skip_verify,
                client_cert: t.client_cert.as_ref().map(PathBuf::from),
                client_key: t.client_key.as_ref().map(PathBuf::from),
            }
        }
    };
    Some(Cluster {
        url: url?,
        auth: auth?,
        version,
        tls,
    })
}

fn cluster_url(raw: &str, p: &Path, cx: &mut Cx<'_>) -> Option<Url> {
    let span = cx.value(p);
    let name = p.display();
    let help = "write the base URL of the REST API, e.g. `https://es.example.com:9200`".to_owned();
    let url = match Url::parse(raw) {
        Ok(u) => u,
        Err(e) => {
            cx.error(
                "plan::url",
                format!("`{name}` is not a valid URL: {e}"),
                span,
                "invalid URL",
                help,
            );
            return None;
        }
    };
    let problem = if !matches!(url.scheme(), "http" | "https") {
        Some(format!(
            "scheme `{}` is not supported; use `http` or `https`",
            url.scheme()
        ))
    } else if url.host_str().is_none_or(str::is_empty) {
        Some("the URL has no host".into())
    } else if !url.username().is_empty() || url.password().is_some() {
        Some("the URL carries credentials; put them under `auth` as secret references".into())
    } else if url.path() != "/" && !url.path().is_empty() {
        Some(format!(
            "the URL has a path (`{}`); migrate talks to the cluster root",
            url.path()
        ))
    } else if url.query().is_some() || url.fragment().is_some() {
        Some("the URL has a query or fragment".into())
    } else {
        None
    };
    match problem {
        Some(why) => {
            cx.error(
                "plan::url",
                format!("`{name}` is not a cluster base URL: {why}"),
                span,
                "bad URL",
                help,
            );
            None
        }
        None => Some(url),
    }
}

fn check_distinct(s: &Cluster, d: &Cluster, cx: &mut Cx<'_>) {
    let key = |u: &Url| {
        (
            u.scheme().to_owned(),
            u.host_str().unwrap_or("").to_ascii_lowercase(),
            u.port_or_known_default(),
        )
    };
    if key(&s.url) == key(&d.url) {
        let d_span = cx.value(&root().k("destination").k("url"));
        let s_span = cx.value(&root().k("source").k("url"));
        cx.diags.push(
            PlanDiagnostic::error(
                "plan::same-cluster",
                "the source and the destination are the same cluster",
            )
            .label(d_span, "destination")
            .label(s_span, "source")
            .help("a migration copies between two clusters; check `destination.url`"),
        );
    }
}

fn auth(w: &AuthWire, p: &Path, cx: &mut Cx<'_>) -> Option<Auth> {
    Some(match w {
        AuthWire::None => Auth::None,
        AuthWire::Basic(b) => {
            let pp = p.k("basic");
            if b.username.is_empty() {
                let span = cx.value(&pp.k("username"));
                cx.error(
                    "plan::auth",
                    format!("`{}` is empty", pp.k("username").display()),
                    span,
                    "empty user name",
                    "write the user name, e.g. `elastic`".into(),
                );
            }
            Auth::Basic {
                username: b.username.clone(),
                password: secret(&b.password, &pp.k("password"), cx)?,
            }
        }
        AuthWire::ApiKey(k) => Auth::ApiKey {
            key: secret(&k.key, &p.k("api_key").k("key"), cx)?,
        },
        AuthWire::Bearer(t) => Auth::Bearer {
            token: secret(&t.token, &p.k("bearer").k("token"), cx)?,
        },
        AuthWire::AwsSigv4(s) => {
            if s.region.is_empty() {
                let span = cx.value(&p.k("aws_sigv4").k("region"));
                cx.error(
                    "plan::auth",
                    "the AWS region is empty".into(),
                    span,
                    "empty region",
                    "write the domain's region, e.g. `ap-southeast-1`".into(),
                );
            }
            Auth::AwsSigV4 {
                region: s.region.clone(),
                service: match s.service {
                    None | Some(AwsServiceWire::Es) => AwsService::Es,
                    Some(AwsServiceWire::Aoss) => AwsService::Aoss,
                },
            }
        }
    })
}

fn secret(w: &SecretWire, p: &Path, cx: &mut Cx<'_>) -> Option<SecretRef> {
    match w {
        SecretWire::Ref(SecretRefWire::Env(name)) => {
            let ok = name
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !ok {
                let span = cx.value(&p.k("env"));
                cx.error(
                    "plan::secret",
                    format!("`{name}` is not an environment variable name"),
                    span,
                    "invalid variable name",
                    "use letters, digits and `_`, not starting with a digit, e.g. `DEST_PASSWORD`"
                        .into(),
                );
                return None;
            }
            Some(SecretRef::Env(name.clone()))
        }
        SecretWire::Ref(SecretRefWire::File(path)) => {
            if path.is_empty() {
                let span = cx.value(&p.k("file"));
                cx.error("plan::secret", "the secret file path is empty".into(), span, "empty path", "write the path of the file holding the secret, e.g. `/run/secrets/dest-password`".into());
                return None;
            }
            Some(SecretRef::File(PathBuf::from(path)))
        }
        SecretWire::Literal(value) => {
            let span = cx.value(p);
            cx.warn(
                "plan::literal-secret",
                format!("`{}` is a secret written in the plan", p.display()),
                span,
                "literal secret (hidden)",
                "reference it instead, e.g. `{ env: DEST_PASSWORD }` or `{ file: /run/secrets/dest-password }`, so it stays out of version control".into(),
            );
            Some(SecretRef::Inline(InlineSecret::new(value.clone())))
        }
    }
}

fn declared_version(raw: &str, p: &Path, cx: &mut Cx<'_>) -> Option<Release> {
    let span = cx.value(p);
    let Some(v) = Release::parse_declared(raw) else {
        cx.error(
            "plan::version",
            format!("`{raw}` is not a version declaration"),
            span,
            "expected `elasticsearch-X.Y.Z` or `opensearch-X.Y.Z`",
            "write the product and version, e.g. `elasticsearch-5.5.2` or `opensearch-2.11.0`"
                .into(),
        );
        return None;
    };
    let supported = v.flavor.supported_majors();
    if !v.is_supported() {
        let product = v.flavor.name();
        cx.error(
            "plan::unsupported-version",
            format!("{product} {}.x is not supported", v.version.major),
            span,
            "unsupported version",
            format!(
                "migrate supports {product} {}.x to {}.x",
                supported.start(),
                supported.end()
            ),
        );
        return None;
    }
    Some(v)
}

fn indexes(entries: &[IndexEntryWire], p: &Path, cx: &mut Cx<'_>) -> Vec<IndexSelector> {
    let mut out = Vec::with_capacity(entries.len());
    let mut sources: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
    let mut destinations: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        // Paths (for spans) are built only when there is something to report.
        let ep = || p.i(i);
        let (name, rename, exclude, detailed) = match e {
            IndexEntryWire::Name(n) => (n, None, &[][..], false),
            IndexEntryWire::Detailed(d) => (&d.name, d.destination.as_ref(), &d.exclude[..], true),
        };
        let name_path = || if detailed { ep().k("name") } else { ep() };
        if !index_name_ok(name, name_path, cx) {
            continue;
        }
        let pattern = is_pattern(name);
        if pattern && sweeps_system_indexes(name) && !exclude.iter().any(|x| x == ".*") {
            let span = cx.value(&name_path());
            let help = if name.starts_with('.') {
                "system indexes are only migrated when named explicitly: list them one by one (e.g. `.kibana`)".to_owned()
            } else {
                format!(
                    "name the indexes or use a narrower pattern (e.g. `logs-*`); to keep `{name}`, leave system indexes out: `{{ name: \"{name}\", exclude: [\".*\"] }}`"
                )
            };
            cx.error(
                "plan::system-indexes",
                format!("index pattern `{name}` would also match system indexes (names starting with `.`)"),
                span,
                "matches system indexes",
                help,
            );
        }
        if let (true, Some(_)) = (pattern, rename) {
            let span = cx.value(&ep().k("destination"));
            cx.error(
                "plan::rename-pattern",
                format!("the pattern `{name}` cannot be renamed"),
                span,
                "rename of a pattern",
                "`destination` renames one index: list the indexes by name to rename them".into(),
            );
        }
        if !pattern && !exclude.is_empty() {
            let span = cx.key(&ep().k("exclude"));
            cx.error(
                "plan::exclude-name",
                format!("`exclude` only applies to patterns, and `{name}` is a name"),
                span,
                "nothing to exclude from",
                "remove `exclude`, or make `name` a pattern such as `logs-*`".into(),
            );
        }
        if let Some(r) = rename {
            index_name_ok(r, || ep().k("destination"), cx);
        }
        for (j, x) in exclude.iter().enumerate() {
            index_name_ok(x, || ep().k("exclude").i(j), cx);
        }
        if let Some(&first) = sources.get(name.as_str()) {
            let span = cx.value(&name_path());
            let first_span = cx.value(&first_name_path(entries, p, first));
            cx.diags.push(
                PlanDiagnostic::error(
                    "plan::duplicate-index",
                    format!("index `{name}` is listed twice"),
                )
                .label(span, "listed again here")
                .label(first_span, "first listed here")
                .help("list each index once"),
            );
            continue;
        }
        sources.insert(name, i);
        let dest: &str = rename.map_or(name.as_str(), String::as_str);
        if let Some(&first) = destinations.get(dest) {
            let span = cx.value(&name_path());
            cx.error(
                "plan::duplicate-index",
                format!("two entries would write destination index `{dest}`"),
                span,
                "same destination as an earlier entry",
                format!(
                    "entry {first} already writes `{dest}`; rename one of them with `destination`"
                ),
            );
            continue;
        }
        destinations.insert(dest, i);
        out.push(IndexSelector {
            source: name.clone(),
            rename: rename.filter(|r| *r != name).cloned(),
            exclude: exclude.to_vec(),
        });
    }
    out
}

fn first_name_path(entries: &[IndexEntryWire], p: &Path, i: usize) -> Path {
    match entries.get(i) {
        Some(IndexEntryWire::Detailed(_)) => p.i(i).k("name"),
        _ => p.i(i),
    }
}

/// A pattern that starts with a wildcard (or is `.` followed by one) matches dot-prefixed indexes.
fn sweeps_system_indexes(pattern: &str) -> bool {
    let first = pattern.chars().next();
    matches!(first, Some('*' | '?'))
        || (first == Some('.') && matches!(pattern.chars().nth(1), Some('*' | '?')))
}

/// Elasticsearch index-name rules (wildcards allowed): lowercase, none of `\ / " < > | , # :` or spaces.
fn index_name_ok(name: &str, p: impl FnOnce() -> Path, cx: &mut Cx<'_>) -> bool {
    let bad = if name.is_empty() {
        Some("it is empty".to_owned())
    } else if name.chars().any(|c| c.is_uppercase()) {
        Some("index names are lowercase".to_owned())
    } else if let Some(c) = name.chars().find(|c| r#"\/"<>|,#: "#.contains(*c)) {
        Some(format!("`{c}` is not allowed in index names"))
    } else if name.starts_with(['-', '_', '+']) {
        Some("index names cannot start with `-`, `_` or `+`".to_owned())
    } else if name == "." || name == ".." {
        Some("`.` and `..` are not index names".to_owned())
    } else {
        None
    };
    match bad {
        Some(why) => {
            let span = cx.value(&p());
            cx.error(
                "plan::index-name",
                format!("`{name}` is not a valid index name: {why}"),
                span,
                "invalid index name",
                "use lowercase letters, digits, `-`, `_` and `.`; `*` and `?` make a pattern"
                    .into(),
            );
            false
        }
        None => true,
    }
}

fn snapshot(w: &SnapshotWire, p: &Path, cx: &mut Cx<'_>) -> Option<SnapshotStrategy> {
    repository_name(&w.repository, &p.k("repository"), cx);
    if let Some(d) = &w.destination_repository {
        repository_name(d, &p.k("destination_repository"), cx);
    }
    let source_store = store(&w.source_store, &p.k("source_store"), cx);
    let destination_store = w
        .destination_store
        .as_ref()
        .map(|s| store(s, &p.k("destination_store"), cx));
    let copy_settings = copy_settings(w.copy_settings.as_ref());
    Some(SnapshotStrategy {
        repository: w.repository.clone(),
        destination_repository: w
            .destination_repository
            .clone()
            .unwrap_or_else(|| w.repository.clone()),
        source_store: source_store?,
        destination_store: match destination_store {
            None => None,
            Some(s) => Some(s?),
        },
        incremental_rounds: w.incremental_rounds,
        index_settings: w.index_settings.clone(),
        copy_settings,
    })
}

fn repository_name(name: &str, p: &Path, cx: &mut Cx<'_>) {
    let span = cx.value(p);
    if name.is_empty()
        || name
            .chars()
            .any(|c| c.is_whitespace() || r#"\/"<>|,*?#"#.contains(c))
        || name.starts_with('_')
    {
        cx.error(
            "plan::repository",
            format!("`{name}` is not a valid snapshot repository name"),
            span,
            "invalid repository name",
            "use letters, digits, `-` and `_`, e.g. `migration-repo`".into(),
        );
    } else if name.starts_with("cs-") {
        cx.error(
            "plan::repository",
            format!("repository name `{name}` starts with `cs-`"),
            span,
            "reserved prefix",
            "Amazon OpenSearch Service keeps its automated snapshots in `cs-*` repositories; choose another name".into(),
        );
    }
}

fn store(w: &StoreWire, p: &Path, cx: &mut Cx<'_>) -> Option<Store> {
    let mut settings: BTreeMap<String, Setting> = BTreeMap::new();
    let mut ok = true;
    let plain = |settings: &mut BTreeMap<String, Setting>, k: &str, v: Option<Value>| {
        if let Some(v) = v {
            settings.insert(k.to_owned(), Setting::Plain(v));
        }
    };
    let (kind, credentials, extra, kp) = match w {
        StoreWire::S3(s) => {
            let kp = p.k("s3");
            non_empty(&s.bucket, &kp.k("bucket"), "the bucket name", cx);
            plain(&mut settings, "bucket", Some(json!(s.bucket)));
            plain(&mut settings, "region", s.region.as_ref().map(|v| json!(v)));
            plain(
                &mut settings,
                "endpoint",
                s.endpoint.as_ref().map(|v| json!(v)),
            );
            plain(
                &mut settings,
                "base_path",
                s.base_path.as_ref().map(|v| json!(v)),
            );
            plain(
                &mut settings,
                "role_arn",
                s.role_arn.as_ref().map(|v| json!(v)),
            );
            plain(&mut settings, "compress", s.compress.map(|v| json!(v)));
            plain(
                &mut settings,
                "server_side_encryption",
                s.server_side_encryption.map(|v| json!(v)),
            );
            if let Some(arn) = &s.role_arn
                && !arn.starts_with("arn:")
            {
                let span = cx.value(&kp.k("role_arn"));
                cx.error(
                    "plan::store",
                    format!("`{arn}` is not an IAM role ARN"),
                    span,
                    "not an ARN",
                    "write it as `arn:aws:iam::<account-id>:role/<role-name>`".into(),
                );
                ok = false;
            }
            let credentials = match &s.credentials {
                None => None,
                Some(c) => {
                    let cp = kp.k("credentials");
                    let a = secret(&c.access_key_id, &cp.k("access_key_id"), cx);
                    let b = secret(&c.secret_access_key, &cp.k("secret_access_key"), cx);
                    let t = c
                        .session_token
                        .as_ref()
                        .map(|t| secret(t, &cp.k("session_token"), cx));
                    match (a, b, t) {
                        (Some(access_key_id), Some(secret_access_key), None) => {
                            Some(StoreCredentials {
                                access_key_id,
                                secret_access_key,
                                session_token: None,
                            })
                        }
                        (Some(access_key_id), Some(secret_access_key), Some(Some(t))) => {
                            Some(StoreCredentials {
                                access_key_id,
                                secret_access_key,
                                session_token: Some(t),
                            })
                        }
                        _ => {
                            ok = false;
                            None
                        }
                    }
                }
            };
            (StoreKind::S3, credentials, &s.settings, kp)
        }
        StoreWire::Oss(s) => {
            let kp = p.k("oss");
            non_empty(&s.bucket, &kp.k("bucket"), "the bucket name", cx);
            if Url::parse(&s.endpoint)
                .map(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
                != Ok(true)
            {
                let span = cx.value(&kp.k("endpoint"));
                cx.error(
                    "plan::url",
                    format!("OSS endpoint `{}` is not a URL", s.endpoint),
                    span,
                    "bad endpoint",
                    "write it with its scheme, e.g. `http://oss-cn-hangzhou-internal.aliyuncs.com`"
                        .into(),
                );
                ok = false;
            }
            plain(&mut settings, "endpoint", Some(json!(s.endpoint)));
            plain(&mut settings, "bucket", Some(json!(s.bucket)));
            plain(
                &mut settings,
                "base_path",
                s.base_path.as_ref().map(|v| json!(v)),
            );
            plain(&mut settings, "compress", s.compress.map(|v| json!(v)));
            plain(
                &mut settings,
                "ecs_ram_role",
                s.ecs_ram_role.as_ref().map(|v| json!(v)),
            );
            for (key, value) in [
                ("access_key_id", &s.access_key_id),
                ("secret_access_key", &s.secret_access_key),
                ("security_token", &s.security_token),
            ] {
                if let Some(v) = value {
                    match secret(v, &kp.k(key), cx) {
                        Some(sec) => {
                            settings.insert(key.to_owned(), Setting::Secret(sec));
                        }
                        None => ok = false,
                    }
                }
            }
            if s.ecs_ram_role.is_none()
                && (s.access_key_id.is_none() || s.secret_access_key.is_none())
            {
                let span = cx.key(&kp);
                cx.error(
                    "plan::store",
                    "the OSS store has no credentials".into(),
                    span,
                    "no AccessKey pair or RAM role",
                    "add `access_key_id: { env: OSS_KEY_ID }` and `secret_access_key: { env: OSS_SECRET }`, or `ecs_ram_role`".into(),
                );
                ok = false;
            }
            (StoreKind::Oss, None, &s.settings, kp)
        }
        StoreWire::Cos(s) => {
            let kp = p.k("cos");
            non_empty(&s.bucket, &kp.k("bucket"), "the bucket name", cx);
            non_empty(&s.region, &kp.k("region"), "the region", cx);
            plain(&mut settings, "bucket", Some(json!(s.bucket)));
            plain(&mut settings, "region", Some(json!(s.region)));
            plain(
                &mut settings,
                "base_path",
                s.base_path.as_ref().map(|v| json!(v)),
            );
            plain(&mut settings, "compress", s.compress.map(|v| json!(v)));
            for (key, value) in [
                ("access_key_id", &s.access_key_id),
                ("access_key_secret", &s.access_key_secret),
            ] {
                match secret(value, &kp.k(key), cx) {
                    Some(sec) => {
                        settings.insert(key.to_owned(), Setting::Secret(sec));
                    }
                    None => ok = false,
                }
            }
            (StoreKind::Cos, None, &s.settings, kp)
        }
        StoreWire::Fs(s) => {
            let kp = p.k("fs");
            if !s.location.starts_with('/') {
                let span = cx.value(&kp.k("location"));
                cx.error(
                    "plan::store",
                    format!("fs location `{}` is not an absolute path", s.location),
                    span,
                    "relative path",
                    "write the directory as the cluster nodes see it, e.g. `/mnt/snapshots/migration`; it must be listed in `path.repo`".into(),
                );
                ok = false;
            }
            plain(&mut settings, "location", Some(json!(s.location)));
            plain(&mut settings, "compress", s.compress.map(|v| json!(v)));
            (StoreKind::Fs, None, &s.settings, kp)
        }
    };
    for (k, v) in extra {
        if settings.contains_key(k) {
            let span = cx.key(&kp.k("settings"));
            cx.error(
                "plan::store",
                format!("`{k}` is set twice: as a store key and under `settings`"),
                span,
                "duplicate setting",
                format!("keep `{k}` as a store key and remove it from `settings`"),
            );
            ok = false;
            continue;
        }
        settings.insert(k.clone(), Setting::Plain(v.clone()));
    }
    ok.then_some(Store {
        kind,
        settings,
        credentials,
    })
}

fn non_empty(value: &str, p: &Path, what: &str, cx: &mut Cx<'_>) {
    if value.is_empty() {
        let span = cx.value(p);
        cx.error(
            "plan::store",
            format!("`{}` is empty", p.display()),
            span,
            "empty",
            format!("write {what}"),
        );
    }
}

fn reindex(
    w: &ReindexWire,
    source: &ClusterWire,
    p: &Path,
    cx: &mut Cx<'_>,
) -> Option<ReindexStrategy> {
    let mut ok = remote_host(&w.remote_host, &p.k("remote_host"), cx);
    let remote_auth = match &w.remote_auth {
        None => None,
        Some(AuthWire::AwsSigv4(_)) => {
            let span = cx.key(&p.k("remote_auth").k("aws_sigv4"));
            cx.error(
                "plan::remote-auth",
                "remote reindex cannot sign requests with AWS SigV4".into(),
                span,
                "not supported by remote reindex",
                "the destination sends `remote_auth` itself: use `basic`, `api_key`, `bearer` or `none`".into(),
            );
            ok = false;
            None
        }
        Some(a) => {
            let a = auth(a, &p.k("remote_auth"), cx);
            ok &= a.is_some();
            a
        }
    };
    if w.remote_auth.is_none() && matches!(source.auth, Some(AuthWire::AwsSigv4(_))) {
        let span = cx.key(&p.k("remote_host"));
        cx.warn(
            "plan::remote-auth",
            "the source signs requests with AWS SigV4, which remote reindex cannot do".into(),
            span,
            "the destination cannot authenticate to this host",
            "set `remote_auth` (e.g. `{ basic: { username: …, password: { env: … } } }`) or use the snapshot strategy".into(),
        );
    }
    if w.incremental_passes > 0 && w.update_field.is_none() {
        let span = cx.value(&p.k("incremental_passes"));
        cx.error(
            "plan::incremental-field",
            "incremental passes need an update-time field".into(),
            span,
            "no `update_field` to select changed documents",
            "add `update_field: update_time` (the field holding each document's last update time), or remove `incremental_passes`".into(),
        );
        ok = false;
    }
    if let Some(f) = &w.update_field
        && f.is_empty()
    {
        let span = cx.value(&p.k("update_field"));
        cx.error(
            "plan::incremental-field",
            "`update_field` is empty".into(),
            span,
            "empty field name",
            "write the update-time field, e.g. `update_time`".into(),
        );
        ok = false;
    }
    if let Some(rps) = w.requests_per_second
        && !(rps > 0.0 && rps.is_finite())
    {
        let span = cx.value(&p.k("requests_per_second"));
        cx.error(
            "plan::range",
            format!("`requests_per_second` must be positive, found {rps}"),
            span,
            "not a positive rate",
            "omit `requests_per_second` for an unthrottled copy".into(),
        );
        ok = false;
    }
    let mut partitions = Vec::new();
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (i, part) in w.partitions.iter().enumerate() {
        let pp = p.k("partitions").i(i);
        let valid = !part.name.is_empty()
            && part
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            let span = cx.value(&pp.k("name"));
            cx.error(
                "plan::partition",
                format!("partition name `{}` cannot be used in step ids", part.name),
                span,
                "invalid name",
                "use letters, digits, `-` and `_`, e.g. `before-2020`".into(),
            );
            ok = false;
        } else if let Some(&first) = names.get(part.name.as_str()) {
            let span = cx.value(&pp.k("name"));
            cx.error(
                "plan::partition",
                format!("partition name `{}` is used twice", part.name),
                span,
                "duplicate name",
                format!("partition {first} already has this name; names must be unique"),
            );
            ok = false;
        } else {
            names.insert(&part.name, i);
        }
        if !part.query.is_object() {
            let span = cx.value(&pp.k("query"));
            cx.error(
                "plan::partition",
                "a partition query must be a map (query DSL)".into(),
                span,
                "not a query",
                "write a query such as `{ range: { update_time: { lt: 1577836800000 } } }`".into(),
            );
            ok = false;
        }
        partitions.push(Partition {
            name: part.name.clone(),
            query: part.query.clone(),
        });
    }
    if let Some(by) = &w.partition_by {
        if !w.partitions.is_empty() {
            let span = cx.key(&p.k("partition_by"));
            cx.error(
                "plan::partition",
                "`partitions` and `partition_by` are both set".into(),
                span,
                "choose one",
                "keep either the listed `partitions` or `partition_by`".into(),
            );
            ok = false;
        } else {
            match range_partitions(by) {
                Ok(parts) => partitions = parts,
                Err(why) => {
                    let span = cx.key(&p.k("partition_by").k("boundaries"));
                    cx.error(
                        "plan::partition",
                        format!("`partition_by.boundaries`: {why}"),
                        span,
                        "bad boundaries",
                        "list ascending split points, e.g. `[1577836800000, 1609459200000]`".into(),
                    );
                    ok = false;
                }
            }
        }
    }
    if !ok {
        return None;
    }
    Some(ReindexStrategy {
        remote_host: w.remote_host.trim_end_matches('/').to_owned(),
        remote_auth,
        batch_size: w.batch_size,
        requests_per_second: w.requests_per_second,
        partitions,
        update_field: w.update_field.clone(),
        incremental_passes: w.incremental_passes,
        copy_settings: copy_settings(w.copy_settings.as_ref()),
    })
}

/// `[a, b]` → `< a`, `[a, b)`, `>= b`, plus the documents without the field.
fn range_partitions(by: &PartitionByWire) -> Result<Vec<Partition>, String> {
    let b = &by.boundaries;
    if b.iter().any(|v| !(v.is_number() || v.is_string())) {
        return Err("boundaries are numbers or date strings".into());
    }
    let ascending = b.windows(2).all(|w| match (&w[0], &w[1]) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() < y.as_f64(),
        (Value::String(x), Value::String(y)) => x < y,
        _ => false,
    });
    if !ascending {
        return Err("boundaries must be strictly ascending and all of one kind".into());
    }
    let f = &by.field;
    let mut out = Vec::with_capacity(b.len() + 2);
    for i in 0..=b.len() {
        let mut range = serde_json::Map::new();
        if i > 0 {
            range.insert("gte".into(), b[i - 1].clone());
        }
        if i < b.len() {
            range.insert("lt".into(), b[i].clone());
        }
        out.push(Partition {
            name: format!("range-{}", i + 1),
            query: json!({ "range": { f: Value::Object(range) } }),
        });
    }
    out.push(Partition {
        name: "missing".into(),
        query: json!({ "bool": { "must_not": { "exists": { "field": f } } } }),
    });
    Ok(out)
}

fn remote_host(raw: &str, p: &Path, cx: &mut Cx<'_>) -> bool {
    let span = cx.value(p);
    let trimmed = raw.trim_end_matches('/');
    let (scheme, rest) = trimmed.split_once("://").unwrap_or(("", trimmed));
    let has_port = rest.rsplit_once(':').is_some_and(|(host, port)| {
        !host.is_empty()
            && !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
            && !host.ends_with(':')
    });
    let problem = if !matches!(scheme, "http" | "https") {
        Some("it needs the scheme, `http://` or `https://`")
    } else if rest.contains(['/', '?', '#']) {
        Some("remote reindex does not accept a path")
    } else if rest.contains('@') {
        Some("it carries credentials; use `remote_auth` with secret references")
    } else if !has_port {
        Some("the port is required (`:9200`, or `:443` for Amazon OpenSearch Service)")
    } else {
        None
    };
    match problem {
        Some(why) => {
            cx.error(
                "plan::url",
                format!("`{}` must be `scheme://host:port`: {why}", p.display()),
                span,
                "bad remote host",
                "write the source as the destination reaches it, e.g. `http://10.37.1.1:9200`"
                    .into(),
            );
            false
        }
        None => true,
    }
}

fn copy_settings(w: Option<&CopySettingsWire>) -> CopySettings {
    match w {
        None => CopySettings::default(),
        Some(c) => CopySettings {
            number_of_replicas: c.number_of_replicas,
            refresh_interval: c.refresh_interval.clone(),
            after: match &c.after {
                AfterCopyWire::Original => AfterCopy::Original,
                AfterCopyWire::Set(m) => AfterCopy::Set(m.clone()),
            },
        },
    }
}

fn settings(w: Option<&SettingsWire>, p: &Path, cx: &mut Cx<'_>) -> Settings {
    let d = Settings::default();
    let Some(w) = w else { return d };
    let r = w.retry.clone().unwrap_or_default();
    let retry = Retry {
        max_attempts: r.max_attempts.unwrap_or(d.retry.max_attempts),
        initial_backoff_ms: r.initial_backoff_ms.unwrap_or(d.retry.initial_backoff_ms),
        max_backoff_ms: r.max_backoff_ms.unwrap_or(d.retry.max_backoff_ms),
    };
    if retry.initial_backoff_ms > retry.max_backoff_ms {
        let span = cx.value(&p.k("retry").k("initial_backoff_ms"));
        cx.error(
            "plan::range",
            format!(
                "the first backoff ({} ms) is longer than the longest ({} ms)",
                retry.initial_backoff_ms, retry.max_backoff_ms
            ),
            span,
            "longer than `max_backoff_ms`",
            "make `initial_backoff_ms` at most `max_backoff_ms`".into(),
        );
    }
    let state = w
        .state
        .as_deref()
        .and_then(|s| state_location(s, &p.k("state"), cx));
    Settings {
        parallelism: w.parallelism.unwrap_or(d.parallelism),
        retry,
        state,
    }
}

/// `settings.state`: an object-store URL with a bucket, a `file://` URL or a plain directory path.
fn state_location(s: &str, p: &Path, cx: &mut Cx<'_>) -> Option<String> {
    const FORMS: &str = "write `s3://bucket/prefix?region=REGION`, `oss://bucket/prefix?endpoint=HOST`, `cos://bucket/prefix?region=REGION`, `file:///dir` or a directory path; credentials come from the AWS chain or the environment, never from the plan";
    let problem = if s.trim().is_empty() {
        Some("the state location is empty".to_owned())
    } else if let Some((scheme, rest)) = s.split_once("://") {
        match scheme {
            "s3" | "oss" | "cos" => {
                let bucket = rest.split(['/', '?']).next().unwrap_or("");
                if bucket.is_empty() {
                    Some(format!("`{scheme}://` needs a bucket name"))
                } else if bucket.contains('@') {
                    Some("the state location must not carry credentials".to_owned())
                } else {
                    None
                }
            }
            "file" => {
                if rest.starts_with('/') {
                    None
                } else {
                    Some("a `file://` location needs an absolute path (`file:///dir`)".to_owned())
                }
            }
            other => Some(format!("unknown state location scheme `{other}://`")),
        }
    } else {
        None
    };
    match problem {
        None => Some(s.to_owned()),
        Some(message) => {
            let span = cx.value(p);
            cx.error(
                "plan::state",
                format!("`{}`: {message}", p.display()),
                span,
                "not a state location",
                FORMS.into(),
            );
            None
        }
    }
}
