//! `copy`: the requests of one client-side copy pass over one index: the update-time field's type
//! (range passes), the source read per slice, and the destination's `_bulk` (its body, the NDJSON
//! lines of one batch, is one runtime slot).

use migrate_core::Side;
use migrate_core::request::scan::SLICE;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role, ScanRequests, Segment};
use serde_json::{Value, json};

use super::endpoint::mapping;
use super::reindex::{is_range, pass_query};
use super::slots::BULK_LINES;
use crate::kind::Pass;

pub struct Copy {
    /// The update-time field's type (dates or epoch milliseconds), for range passes.
    pub field_mapping: Option<Request>,
    /// The field's newest values, for range passes (see [`super::reindex::newest_values`]).
    pub field_values: Option<Request>,
    /// The source read: a point in time or sliced scroll, with the pass's query.
    pub scan: ScanRequests,
    /// `POST /_bulk`: one batch of `index` actions by id.
    pub bulk: Request,
}

/// The requests of one pass of `source_index` into `destination_index`, `page_size` hits a page.
pub fn copy(
    source_index: &str,
    destination_index: &str,
    pass: &Pass,
    update_field: Option<&str>,
    page_size: u32,
) -> Copy {
    let range = is_range(pass, update_field);
    let query = pass_query(pass, update_field, &json!({"match_all": {}}));
    Copy {
        field_values: update_field
            .filter(|_| range)
            .map(|f| super::reindex::newest_values(source_index, f)),
        scan: scan(Side::Source, source_index, page_size, &query),
        field_mapping: range.then(|| {
            mapping(
                Role::Read,
                Side::Source,
                Segment::Name(source_index.to_owned()),
            )
            .note("the update-time field's type decides the range's format: epoch_millis on a date field, none on a numeric one")
        }),
        bulk: bulk(destination_index),
    }
}

/// The scan of `index` restricted to `query` (the pass's, bounds filled at run time). Its PIT
/// page has a `slice` slot: the copy reads a point in time in slices where the version slices one
/// (ES 7.15+; quirks `pit_slicing`), all in the one point in time the step opens.
pub fn scan(side: Side, index: &str, page_size: u32, query: &Value) -> ScanRequests {
    let mut r = super::scan::scan(side, index, page_size);
    for (k, req) in [&mut r.pit_page, &mut r.open_scroll, &mut r.after_page]
        .into_iter()
        .enumerate()
    {
        if let Some(body) = &req.body {
            let mut v = body.to_value();
            if let Value::Object(m) = &mut v {
                m.insert("query".into(), query.clone());
                if k == 0 {
                    m.insert("slice".into(), SLICE.placeholder().into());
                }
            }
            req.body = Some(Body::json(&v));
        }
    }
    r
}

/// `POST /_bulk` into `destination_index`.
pub fn bulk(destination_index: &str) -> Request {
    Request::new(Role::Act, Side::Destination, Method::Post)
        .at("_bulk")
        .body(Body::json(&BULK_LINES.placeholder()))
        .mutates(MutatingCall::IndexDocuments, destination_index)
        .note("once per batch, paced by the adaptive rate; items rejected for load are sent again alone, refused documents go to the dead-letter file")
}

impl Copy {
    pub fn list(self) -> Vec<Request> {
        let mut out: Vec<Request> = self.field_mapping.into_iter().collect();
        out.extend(self.field_values);
        out.extend(self.scan.list());
        out.push(self.bulk);
        out
    }
}
