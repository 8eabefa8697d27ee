//! `copy-data-streams` and `verify-data-streams`: the requests of the data-stream migration. Per
//! selected source stream: its composable template and that template's component templates (the
//! `migrate-metadata` requests of those kinds, one object each), the stream created on the
//! destination when absent, the stream read whole by the scan and written to the destination's
//! stream with `_bulk` `create` actions (ids kept: a document sent again is a 409 conflict, counted
//! as present); then the proof reads both streams whole.

use migrate_core::Side;
use migrate_core::request::{
    Body, Method, MutatingCall, Request, Role, ScanRequests, Segment, Slot,
};

use super::metadata::{MetadataRequests, metadata};
use super::scan::{PAGE_SIZE, scan};
use super::slots::BULK_LINES;
use crate::metadata::MetadataObject;

/// One selected data stream (the same name on both sides).
pub const STREAM: Slot = Slot::new("stream", "each selected data stream's name");

/// What the copy of the data streams sends.
pub struct DataStreamRequests {
    /// `GET /_data_stream` on the source: every stream, its template and backing indexes.
    pub list: Request,
    /// The stream's composable template (`GET`/`PUT /_index_template/{name}`).
    pub template: MetadataRequests,
    /// The template's component templates (`GET`/`PUT /_component_template/{name}`).
    pub components: MetadataRequests,
    /// `GET /_data_stream/{stream}` on the destination (404: absent).
    pub existing: Request,
    /// `PUT /_data_stream/{stream}` on the destination.
    pub create: Request,
    /// `POST /{stream}/_bulk`: one batch of `create` actions by id.
    pub bulk: Request,
}

/// The requests of the data-stream copy between clusters of these flavours.
pub fn copy(source_opensearch: bool, destination_opensearch: bool) -> DataStreamRequests {
    let stream = |role, side, method| Request::new(role, side, method).slot(STREAM);
    DataStreamRequests {
        list: Request::new(Role::Read, Side::Source, Method::Get)
            .at("_data_stream")
            .note("the streams the plan selects (include/exclude), each with its template and backing indexes"),
        template: metadata(
            MetadataObject::IndexTemplates,
            source_opensearch,
            destination_opensearch,
        ),
        components: metadata(
            MetadataObject::ComponentTemplates,
            source_opensearch,
            destination_opensearch,
        ),
        existing: Request::new(Role::Check, Side::Destination, Method::Get)
            .at("_data_stream")
            .slot(STREAM)
            .note("404: the stream is created; present: its documents are written to it"),
        create: Request::new(Role::Act, Side::Destination, Method::Put)
            .at("_data_stream")
            .slot(STREAM)
            .mutates(MutatingCall::PutMetadata, STREAM.placeholder())
            .note("after the stream's template (with `data_stream: {}`) is on the destination"),
        bulk: stream(Role::Act, Side::Destination, Method::Post)
            .at("_bulk")
            .body(Body::json(&BULK_LINES.placeholder()))
            .mutates(MutatingCall::IndexDocuments, STREAM.placeholder())
            .note("`create` actions by the source `_id` (data streams refuse `index`), `@timestamp` kept; a 409 conflict is a document already written by an earlier run, counted as present"),
    }
}

/// The scan of one stream on `side`: the real name at run time, the [`STREAM`] slot in previews.
pub fn stream_scan(side: Side, stream: Option<&str>) -> ScanRequests {
    const PREVIEW: &str = "\u{0}stream";
    let Some(name) = stream else {
        let mut r = scan(side, PREVIEW, PAGE_SIZE);
        for req in [
            &mut r.open_pit,
            &mut r.pit_page,
            &mut r.close_pit,
            &mut r.open_scroll,
            &mut r.next_scroll,
            &mut r.clear_scroll,
            &mut r.after_page,
        ] {
            for seg in &mut req.path {
                if matches!(seg, Segment::Name(n) if n == PREVIEW) {
                    *seg = Segment::Slot(STREAM);
                }
            }
        }
        r.index = STREAM.placeholder();
        return r;
    };
    scan(side, name, PAGE_SIZE)
}

/// The dry run's requests of `copy-data-streams` (Elasticsearch paths on both sides).
pub fn preview_copy() -> Vec<Request> {
    let r = copy(false, false);
    let mut out = vec![r.list];
    out.extend(r.template.list());
    out.extend(r.components.list());
    out.push(r.existing);
    out.push(r.create);
    out.extend(stream_scan(Side::Source, None).list());
    out.push(r.bulk);
    out
}

/// The proof's requests of one stream pair: both refreshed, both read whole.
pub struct VerifyStreams {
    pub list: Request,
    pub refresh: Request,
    pub source: ScanRequests,
    pub destination: ScanRequests,
}

/// The requests of `verify-data-streams` for `stream` (`None`: the preview).
pub fn verify(stream: Option<&str>) -> VerifyStreams {
    let refresh = Request::new(Role::Read, Side::Destination, Method::Post);
    let refresh = match stream {
        Some(s) => refresh.name(s),
        None => refresh.slot(STREAM),
    };
    VerifyStreams {
        list: Request::new(Role::Read, Side::Source, Method::Get)
            .at("_data_stream")
            .note("the streams the plan selects; each must exist on the destination"),
        refresh: refresh.at("_refresh").mutates(
            MutatingCall::Refresh,
            stream.unwrap_or("<stream>").to_owned(),
        ),
        source: stream_scan(Side::Source, stream),
        destination: stream_scan(Side::Destination, stream),
    }
}

/// The dry run's requests of `verify-data-streams`.
pub fn preview_verify() -> Vec<Request> {
    let v = verify(None);
    let mut out = vec![v.list, v.refresh];
    out.extend(v.source.list());
    out.extend(v.destination.list());
    out
}

/// The source stream's name in a `GET /_data_stream` answer's entry, its template and backing
/// indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamInfo {
    pub name: String,
    pub template: Option<String>,
    pub indices: Vec<String>,
}

/// The streams of a `GET /_data_stream` answer (entries without a name are left out).
pub fn streams_of(answer: &serde_json::Value) -> Vec<StreamInfo> {
    answer["data_streams"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| {
            Some(StreamInfo {
                name: d.get("name")?.as_str()?.to_owned(),
                template: d
                    .get("template")
                    .and_then(|t| t.as_str())
                    .map(str::to_owned),
                indices: d["indices"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|i| i.get("index_name")?.as_str().map(str::to_owned))
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_scans_the_stream_slot_and_writes_create_actions_to_the_stream() {
        let copy = preview_copy();
        let targets: Vec<String> = copy
            .iter()
            .map(|r| format!("{} {}", r.method.as_str(), r.target()))
            .collect();
        assert!(targets.contains(&"PUT /_data_stream/<stream>".to_owned()));
        assert!(targets.contains(&"POST /<stream>/_bulk".to_owned()));
        assert!(
            targets
                .iter()
                .any(|t| t.starts_with("POST /<stream>/_search")),
            "{targets:?}"
        );
        assert!(
            targets.iter().any(|t| t.starts_with("POST /<stream>/_pit")),
            "{targets:?}"
        );
        let real = stream_scan(Side::Source, Some("logs-app"));
        assert_eq!(real.open_pit.target(), "/logs-app/_pit?keep_alive=5m");
    }

    #[test]
    fn a_data_stream_listing_gives_each_streams_template_and_backing_indexes() {
        let answer = serde_json::json!({"data_streams": [
            {"name": "logs-a", "template": "logs", "indices": [{"index_name": ".ds-logs-a-000001"}]},
            {"template": "nameless"}
        ]});
        assert_eq!(
            streams_of(&answer),
            [StreamInfo {
                name: "logs-a".into(),
                template: Some("logs".into()),
                indices: vec![".ds-logs-a-000001".into()]
            }]
        );
    }
}
