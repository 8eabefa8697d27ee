//! The destination allows remote reindex from the source host (and the source can be reached
//! without signing, which remote reindex cannot do).

use migrate_cluster::api::cluster::allowlist_entries;
use migrate_core::{Flavor, Side};
use migrate_exec::{Outcome, StepError};
use migrate_graph::requests::preflight::allowlist as planned;
use migrate_graph::{RemoteAuth, StepKind};
use serde_json::{Value, json};

use crate::cx::{Cx, none};
use crate::names::admits;

/// `host:port` of a remote host URL (`scheme://host:port`), or why it is not one.
pub(crate) fn host_port(remote_host: &str) -> Result<String, String> {
    let url: url::Url = remote_host
        .parse()
        .map_err(|e| format!("`{remote_host}` is not a URL ({e})"))?;
    let host = url
        .host_str()
        .ok_or_else(|| format!("`{remote_host}` has no host"))?;
    let authority = remote_host
        .split("://")
        .nth(1)
        .unwrap_or_default()
        .split('/')
        .next()
        .unwrap_or_default();
    let explicit = authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok());
    let port = url.port_or_known_default().filter(|_| explicit).ok_or_else(|| {
        format!(
            "`{remote_host}` has no port; remote reindex needs `scheme://host:port` (e.g. `{}://{host}:{}`)",
            url.scheme(),
            if url.scheme() == "https" { 443 } else { 9200 }
        )
    })?;
    Ok(format!("{host}:{port}"))
}

pub(crate) async fn remote_allowlist(cx: &Cx<'_>, remote_host: &str) -> Result<Outcome, StepError> {
    // Remote reindex cannot sign requests: say so before anything is copied.
    for step in cx.graph.steps() {
        if let StepKind::Reindex { remote, .. } = &step.kind
            && let RemoteAuth::Unsupported { reason } = &remote.auth
        {
            return Err(cx.permanent(reason));
        }
    }
    let hp = host_port(remote_host).map_err(|why| {
        cx.permanent(format!(
            "{why}; fix `strategy.reindex.remote_host` in the plan"
        ))
    })?;
    let dst = cx.client(Side::Destination);
    let setting = dst
        .quirks()
        .await
        .map_err(|e| cx.fail(Side::Destination, "detecting the version", &e))?
        .remote_allowlist_setting();
    let r = planned();
    let doing = "reading the remote-reindex allowlist";
    let nodes: Value = cx.json(&r.nodes, &none(), doing).await?;
    let cluster: Value = cx.json(&r.cluster, &none(), doing).await?;
    let allowed = allowlist_entries(&nodes, &cluster, setting);
    if allowed.iter().any(|e| admits(e, &hp)) {
        return Ok(Outcome::Done {
            outputs: json!({"host": hp, "allowlist": allowed, "setting": setting}),
        });
    }
    let file = if setting.ends_with("allowlist")
        || dst
            .server_info()
            .await
            .is_ok_and(|i| i.flavor() != Flavor::Elasticsearch)
    {
        "opensearch.yml"
    } else {
        "elasticsearch.yml"
    };
    let now = if allowed.is_empty() {
        "it allows no remote host now".to_owned()
    } else {
        format!(
            "it allows only {}",
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Err(cx.permanent(format!(
        "the destination cluster ({}) does not allow remote reindex from `{hp}` ({now}); add this line to {file} on every destination node and restart them:\n    {setting}: \"{}\"",
        cx.url(Side::Destination),
        if allowed.is_empty() {
            hp.clone()
        } else {
            format!("{}, {hp}", allowed.join(", "))
        }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_needs_a_port() {
        assert_eq!(host_port("http://10.0.0.1:9200").unwrap(), "10.0.0.1:9200");
        assert_eq!(host_port("https://h.example:443").unwrap(), "h.example:443");
        assert!(
            host_port("https://search-x.es.amazonaws.com")
                .unwrap_err()
                .contains(":443")
        );
    }
}
