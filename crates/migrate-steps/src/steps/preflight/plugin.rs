//! The destination repository's type has its plugin installed on the destination.

use migrate_core::request::Request;
use migrate_core::store::Plugin;
use migrate_core::{Release, Side};
use migrate_exec::StepError;
use migrate_graph::StepKind;
use serde_json::Value;

use crate::cx::{Cx, none};

/// The destination repository's type has its plugin installed on the destination
/// (`GET /_cat/plugins?format=json`, `component` column; a component ending in the plugin's
/// `repository-<type>` suffix counts). Returns the plugin found, `"built in"`, or `"not checked"`
/// when the cluster does not list plugins.
pub(super) async fn repository_plugin(
    cx: &Cx<'_>,
    req: &Request,
    dst: Option<Release>,
) -> Result<Value, StepError> {
    // The store registry's rule for the destination repository's type, on this destination.
    let url = cx.url(Side::Destination);
    let rule = cx.graph.steps().find_map(|step| match &step.kind {
        StepKind::RegisterRepository {
            side: Side::Destination,
            store,
            ..
        } => Some(store.kind().plugin(dst, url)),
        _ => None,
    });
    let plugin = match rule {
        None | Some(Plugin::None) => return Ok(Value::Null),
        Some(Plugin::BuiltIn) => return Ok(Value::from("built in")),
        Some(Plugin::Needs(plugin)) => plugin,
    };
    let suffix = plugin.trim_start_matches("elasticsearch-");
    let rows: Vec<Value> = match cx.try_json(req, &none()).await {
        Ok(rows) => rows,
        Err(e) if matches!(e.status(), Some(400 | 403 | 404 | 405)) => {
            return Ok(Value::from("not checked"));
        }
        Err(e) => {
            return Err(cx.fail(
                Side::Destination,
                "listing plugins (`GET /_cat/plugins`)",
                &e,
            ));
        }
    };
    let installed = rows
        .iter()
        .filter_map(|r| r.get("component").and_then(Value::as_str))
        .any(|c| c.ends_with(suffix));
    if installed {
        Ok(Value::from(plugin))
    } else {
        Err(cx.permanent(format!(
            "the destination cluster ({}) has no `{plugin}` plugin, which `{}` repositories need: install it on every destination node (`bin/elasticsearch-plugin install {plugin}`, or `bin/opensearch-plugin` on OpenSearch) and restart them",
            cx.url(Side::Destination),
            suffix.trim_start_matches("repository-")
        )))
    }
}
