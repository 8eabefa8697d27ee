//! The clusters: URL, authentication (and its secrets), declared version, TLS; source and
//! destination must differ.

use std::path::PathBuf;

use url::Url;

use super::{Cx, Path, root};
use crate::diagnostic::PlanDiagnostic;
use crate::model::*;
use crate::wire::*;

pub(super) fn cluster(w: &ClusterWire, p: &Path, cx: &mut Cx<'_>) -> Option<Cluster> {
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
    let http = w.http.as_ref().map_or_else(Http::default, |h| Http {
        max_response_bytes: h.max_response_bytes,
        connect_timeout_ms: h.connect_timeout_ms,
        read_timeout_ms: h.read_timeout_ms,
        request_timeout_ms: h.request_timeout_ms,
    });
    Some(Cluster {
        url: url?,
        auth: auth?,
        version,
        tls,
        http,
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

pub(super) fn check_distinct(s: &Cluster, d: &Cluster, cx: &mut Cx<'_>) {
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

pub(super) fn auth(w: &AuthWire, p: &Path, cx: &mut Cx<'_>) -> Option<Auth> {
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

/// Checks a secret as the plan spells it: an environment variable's name, a file's path, or a
/// literal (a warning: it belongs in the environment or a file).
pub(super) fn secret(r: &SecretRef, p: &Path, cx: &mut Cx<'_>) -> Option<SecretRef> {
    match r {
        SecretRef::Env(name) => {
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
        }
        SecretRef::File(path) => {
            if path.as_os_str().is_empty() {
                let span = cx.value(&p.k("file"));
                cx.error("plan::secret", "the secret file path is empty".into(), span, "empty path", "write the path of the file holding the secret, e.g. `/run/secrets/dest-password`".into());
                return None;
            }
        }
        SecretRef::Inline(_) => {
            let span = cx.value(p);
            cx.warn(
                "plan::literal-secret",
                format!("`{}` is a secret written in the plan", p.display()),
                span,
                "literal secret (hidden)",
                "reference it instead, e.g. `{ env: DEST_PASSWORD }` or `{ file: /run/secrets/dest-password }`, so it stays out of version control".into(),
            );
        }
    }
    Some(r.clone())
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
