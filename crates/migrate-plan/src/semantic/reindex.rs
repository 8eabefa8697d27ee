//! The reindex strategy: remote host, remote auth, partitions (listed or by range), the
//! update-time field and passes; copy settings (both strategies).

use std::collections::HashMap;

use serde_json::{Value, json};

use super::cluster::auth;
use super::passes::passes;
use super::{Cx, Path};
use crate::model::*;
use crate::wire::*;

pub(super) fn reindex(
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
    let (passes_ok, passes_until) = passes(w.update_field.as_deref(), &w.incremental_passes, p, cx);
    ok &= passes_ok;
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
        update_field_unit: w.update_field_unit,
        incremental_passes: w.incremental_passes.max(),
        passes_until,
        reconcile_deletes: w.reconcile_deletes.unwrap_or(true),
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

pub(super) fn copy_settings(w: Option<&CopySettingsWire>) -> CopySettings {
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
