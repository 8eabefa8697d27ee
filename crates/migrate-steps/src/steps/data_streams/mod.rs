//! `copy-data-streams`: each selected source data stream moved to the destination. Its composable
//! template and that template's component templates go first (the `migrate-metadata` comparison:
//! absent → written, equal → nothing, different → a failure unless `replace`), then the stream is
//! created on the destination when absent, then its documents are read whole (every backing
//! index, through the stream's name) and written to the destination's stream with `_bulk`
//! `create` actions by id, `_source` (and so `@timestamp`) as it is. A 409 conflict is a document
//! an earlier run of the step wrote (the destination stream is not rolled over during the
//! migration, so ids are unique in its one write index): counted as present, neither a failure nor
//! a duplicate. The step is resumable by being idempotent: a re-run after a crash sends the stream
//! again and counts what the crashed run wrote as present.

pub(super) mod verify;

use bytes::Bytes;
use migrate_cluster::scan::Scan;
use migrate_core::Side;
use migrate_core::request::{Fills, Request};
use migrate_exec::{Outcome, StepCtx, StepError};
use migrate_graph::metadata::{MetadataObject, MetadataSpec};
use migrate_graph::requests::data_streams::{
    DataStreamRequests, STREAM, StreamInfo, copy as planned, stream_scan, streams_of,
};
use migrate_translate::Target;
use serde_json::{Value, json};

use super::metadata::{absent_kind, apply, first_version, read_all, target};
use crate::cx::{Cx, none};

/// `include`/`exclude` as the step's selection.
pub(super) fn selection(include: &[String], exclude: &[String]) -> MetadataSpec {
    MetadataSpec {
        object: MetadataObject::DataStreams,
        include: include.to_vec(),
        exclude: exclude.to_vec(),
        replace: false,
    }
}

/// The source's streams the plan selects; `Err` with the outcome to return when the source has no
/// data streams at all (a skip with a notice for patterns, a failure for a stream named outright).
pub(super) async fn selected(
    cx: &Cx<'_>,
    ctx: &StepCtx,
    spec: &MetadataSpec,
    src: Target,
    list: &Request,
) -> Result<Result<Vec<StreamInfo>, Outcome>, StepError> {
    if let Some(since) = first_version(MetadataObject::DataStreams, src) {
        return absent_kind(cx, ctx, spec, src, since).map(Err);
    }
    let listed: Option<Value> = cx
        .client(Side::Source)
        .optional(list, &none())
        .await
        .map_err(|e| cx.fail(Side::Source, "listing the source's data streams", &e))?;
    let all = listed.as_ref().map(streams_of).unwrap_or_default();
    let named: Vec<&String> = spec
        .include
        .iter()
        .filter(|n| !n.contains('*'))
        .filter(|n| !all.iter().any(|s| &s.name == *n))
        .collect();
    if let Some(n) = named.first() {
        return Err(cx.permanent(format!(
            "the plan names data stream `{n}`, which the source does not have"
        )));
    }
    Ok(Ok(all
        .into_iter()
        .filter(|s| spec.selects(&s.name))
        .collect()))
}

/// What one stream's copy did.
#[derive(Debug, Default)]
struct Copied {
    created: u64,
    present: u64,
}

pub(super) async fn run(
    cx: &Cx<'_>,
    ctx: &StepCtx,
    include: &[String],
    exclude: &[String],
    replace: bool,
) -> Result<Outcome, StepError> {
    let (src, dst) = (
        target(cx, Side::Source).await?,
        target(cx, Side::Destination).await?,
    );
    if first_version(MetadataObject::DataStreams, dst).is_some() {
        return Err(cx.permanent(format!(
            "the destination ({dst}) has no data streams (Elasticsearch 7.9+ or OpenSearch): leave `metadata.data_streams` out of the plan"
        )));
    }
    let r = planned(src.is_opensearch(), dst.is_opensearch());
    let spec = selection(include, exclude);
    let streams = match selected(cx, ctx, &spec, src, &r.list).await? {
        Ok(s) => s,
        Err(skipped) => return Ok(skipped),
    };
    let templates = read_all(cx, MetadataObject::IndexTemplates, &r.template).await?;
    let components = read_all(cx, MetadataObject::ComponentTemplates, &r.components).await?;
    let mut report = Vec::with_capacity(streams.len());
    for s in &streams {
        let Some(tname) = &s.template else {
            return Err(cx.permanent(format!(
                "the source reports no template for data stream `{}`",
                s.name
            )));
        };
        let Some((_, template)) = templates.iter().find(|(n, _)| n == tname) else {
            return Err(cx.permanent(format!(
                "data stream `{}`'s template `{tname}` is not among the source's composable templates",
                s.name
            )));
        };
        let uses: Vec<&str> = template["composed_of"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let parts: Vec<(String, Value)> = components
            .iter()
            .filter(|(n, _)| uses.contains(&n.as_str()))
            .cloned()
            .collect();
        let comps = apply(
            cx,
            MetadataObject::ComponentTemplates,
            &r.components,
            (&src, &dst),
            parts,
            replace,
        )
        .await?;
        let tpl = apply(
            cx,
            MetadataObject::IndexTemplates,
            &r.template,
            (&src, &dst),
            vec![(tname.clone(), template.clone())],
            replace,
        )
        .await?;
        let created_stream = ensure_stream(cx, &r, &s.name).await?;
        let copied = copy_documents(cx, &r, &s.name).await?;
        let written = [comps.created, comps.replaced].concat();
        report.push(json!({
            "stream": s.name,
            "backing_indexes": s.indices,
            "template": tname,
            "template_written": !tpl.created.is_empty() || !tpl.replaced.is_empty(),
            "component_templates_written": written,
            "stream_created": created_stream,
            "documents_created": copied.created,
            "documents_present": copied.present,
        }));
    }
    Ok(Outcome::Done {
        outputs: json!({ "streams": report }),
    })
}

/// Whether the destination has `stream`.
pub(super) async fn stream_exists(
    cx: &Cx<'_>,
    r: &DataStreamRequests,
    stream: &str,
) -> Result<bool, StepError> {
    Ok(destination_stream(cx, r, stream).await?.is_some())
}

/// The destination's stream `stream` (`None`: absent), as `GET /_data_stream/{stream}` lists it.
async fn destination_stream(
    cx: &Cx<'_>,
    r: &DataStreamRequests,
    stream: &str,
) -> Result<Option<StreamInfo>, StepError> {
    let fills = Fills::new().set(STREAM, stream);
    let doing = format!("reading the destination's data stream `{stream}`");
    let existing: Option<Value> = cx
        .client(Side::Destination)
        .optional(&r.existing, &fills)
        .await
        .map_err(|e| cx.fail(Side::Destination, &doing, &e))?;
    Ok(existing
        .as_ref()
        .map(streams_of)
        .and_then(|l| l.into_iter().find(|s| s.name == stream)))
}

/// Creates `stream` on the destination unless it is there; whether it was created.
async fn ensure_stream(
    cx: &Cx<'_>,
    r: &DataStreamRequests,
    stream: &str,
) -> Result<bool, StepError> {
    if let Some(existing) = destination_stream(cx, r, stream).await? {
        // Ids are unique per backing index only: after a rollover, documents sent again would
        // land in the new write index next to their first copies.
        if existing.indices.len() > 1 {
            return Err(cx.permanent(format!(
                "the destination's data stream `{stream}` has {} backing indexes (it was rolled over): writing its documents again could duplicate them; delete the destination stream and run again, or leave `{stream}` out of `metadata.data_streams`",
                existing.indices.len()
            )));
        }
        return Ok(false);
    }
    let fills = Fills::new().set(STREAM, stream);
    cx.send(
        &r.create,
        &fills,
        &format!("creating data stream `{stream}` on the destination"),
    )
    .await?;
    Ok(true)
}

/// Reads `stream` whole on the source and writes its documents to the destination's stream.
async fn copy_documents(
    cx: &Cx<'_>,
    r: &DataStreamRequests,
    stream: &str,
) -> Result<Copied, StepError> {
    let scan = Scan::new(
        cx.client(Side::Source),
        stream_scan(Side::Source, Some(stream)),
        1,
    )
    .await
    .map_err(|e| cx.retryable(format!("scanning data stream `{stream}`: {e}")))?;
    let fills = Fills::new().set(STREAM, stream);
    let mut out = Copied::default();
    let mut reader = scan.slice(0);
    while let Some(page) = reader
        .next_page()
        .await
        .map_err(|e| cx.retryable(format!("scanning data stream `{stream}`: {e}")))?
    {
        let docs = page
            .docs()
            .map_err(|e| cx.permanent(format!("a page of data stream `{stream}`: {e}")))?;
        if docs.is_empty() {
            continue;
        }
        let mut lines = Vec::with_capacity(page.body.len());
        for d in &docs {
            let Some(source) = d.source else {
                return Err(cx.permanent(format!(
                    "document `{}` of data stream `{stream}` has no `_source`: it cannot be copied",
                    d.id
                )));
            };
            lines.extend_from_slice(create_action(&d.id, d.routing.as_deref()).as_bytes());
            lines.push(b'\n');
            lines.extend_from_slice(source.get().trim().as_bytes());
            lines.push(b'\n');
        }
        let doing = format!("writing documents to data stream `{stream}`");
        let (status, body) = cx
            .client(Side::Destination)
            .send_ndjson(&r.bulk, &fills, Bytes::from(lines))
            .await
            .map_err(|e| cx.fail(Side::Destination, &doing, &e))?;
        if matches!(status, 429 | 502..=504) {
            return Err(cx.retryable(format!("{doing}: HTTP {status}")));
        }
        if !(200..300).contains(&status) {
            return Err(cx.permanent(format!(
                "{doing}: HTTP {status}: {}",
                cx.client(Side::Destination)
                    .redact(&String::from_utf8_lossy(&body))
            )));
        }
        let tally = tally(&body, docs.len()).map_err(|e| cx.permanent(format!("{doing}: {e}")))?;
        out.created += tally.created;
        out.present += tally.present;
        if let Some((status, why)) = tally.failed {
            let msg = format!(
                "{doing}: {} document(s) refused, first HTTP {status}: {}",
                tally.failures,
                cx.client(Side::Destination).redact(&why)
            );
            return Err(if status == 429 {
                cx.retryable(msg)
            } else {
                cx.permanent(msg)
            });
        }
    }
    Ok(out)
}

/// The `create` action line of one document (its id, its routing when it has one).
fn create_action(id: &str, routing: Option<&str>) -> String {
    let mut meta = serde_json::Map::new();
    meta.insert("_id".into(), json!(id));
    if let Some(r) = routing {
        meta.insert("routing".into(), json!(r));
    }
    json!({ "create": meta }).to_string()
}

/// A `_bulk` answer of `create` actions, counted.
#[derive(Debug, Default, PartialEq)]
struct Tally {
    created: u64,
    /// 409: written by an earlier run.
    present: u64,
    failures: u64,
    /// The first refusal: its status and reason.
    failed: Option<(u64, String)>,
}

fn tally(body: &[u8], sent: usize) -> Result<Tally, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
    let items = v["items"].as_array().ok_or("the answer has no `items`")?;
    if items.len() != sent {
        return Err(format!(
            "{} items answered for {sent} documents sent",
            items.len()
        ));
    }
    let mut t = Tally::default();
    for item in items {
        let c = &item["create"];
        match c["status"].as_u64() {
            Some(200 | 201) => t.created += 1,
            Some(409) => t.present += 1,
            other => {
                t.failures += 1;
                if t.failed.is_none() {
                    let e = &c["error"];
                    t.failed = Some((
                        other.unwrap_or(0),
                        format!(
                            "{}: {}",
                            e["type"].as_str().unwrap_or("unknown"),
                            e["reason"].as_str().unwrap_or("no reason given")
                        ),
                    ));
                }
            }
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_is_counted_as_present_and_a_refusal_as_a_failure() {
        let body = json!({"errors": true, "items": [
            {"create": {"_id": "1", "status": 201}},
            {"create": {"_id": "2", "status": 409, "error": {"type": "version_conflict_engine_exception", "reason": "document already exists"}}},
            {"create": {"_id": "3", "status": 400, "error": {"type": "mapper_parsing_exception", "reason": "bad @timestamp"}}}
        ]})
        .to_string();
        let t = tally(body.as_bytes(), 3).unwrap();
        assert_eq!((t.created, t.present, t.failures), (1, 1, 1));
        assert_eq!(
            t.failed,
            Some((400, "mapper_parsing_exception: bad @timestamp".into()))
        );
        assert!(tally(body.as_bytes(), 2).is_err());
    }

    #[test]
    fn the_create_action_keeps_the_id_and_any_routing() {
        assert_eq!(create_action("a\"b", None), r#"{"create":{"_id":"a\"b"}}"#);
        assert_eq!(
            create_action("1", Some("r")),
            r#"{"create":{"_id":"1","routing":"r"}}"#
        );
    }
}
