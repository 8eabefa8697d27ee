//! Whether a request a cluster received is a planned [`Request`] with its slots filled: the check
//! behind the request-equality test (every request the sandboxes log during apply must be one the
//! dry run previewed). Paths and queries are compared as sent (encoded), bodies as JSON.

use serde_json::Value;

use super::{ParamValue, Request, Segment, encode};
use crate::version::Product;

/// A request as a server logged it.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    pub method: &'a str,
    /// The raw (still encoded) path.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    pub body: &'a [u8],
}

/// The outcome of comparing a received request with a planned one.
pub type Verdict = Result<(), String>;

impl Request {
    /// `Ok` when `got` is this request with its slots filled, as sent to a cluster running
    /// `product`; otherwise what differs.
    pub fn accepts(&self, got: &Received<'_>, product: Option<Product>) -> Verdict {
        if got.method != self.method.as_str() {
            return Err(format!("method {} is not {}", got.method, self.method));
        }
        let segments: Vec<&str> = got.path.trim_start_matches('/').split('/').collect();
        let segments: &[&str] = if segments == [""] { &[] } else { &segments };
        if segments.len() != self.path.len() {
            return Err(format!("path `{}` is not `{}`", got.path, self.target()));
        }
        for (want, have) in self.path.iter().zip(segments) {
            let ok = match want {
                Segment::Fixed(w) => w == have,
                Segment::Name(n) => encode(n) == *have,
                Segment::Slot(_) => !have.is_empty(),
            };
            if !ok {
                return Err(format!("path `{}` is not `{}`", got.path, self.target()));
            }
        }
        let pairs: Vec<(&str, &str)> = if got.query.is_empty() {
            Vec::new()
        } else {
            got.query
                .split('&')
                .map(|p| p.split_once('=').unwrap_or((p, "")))
                .collect()
        };
        let wanted: Vec<_> = self
            .query
            .iter()
            .filter(|p| p.when.holds(product))
            .collect();
        let query_differs = || {
            format!(
                "query `{}` is not the one previewed in `{}` (for {})",
                got.query,
                self.target(),
                product.map_or_else(|| "an unknown version".to_owned(), |p| p.to_string())
            )
        };
        if pairs.len() != wanted.len() {
            return Err(query_differs());
        }
        for (p, (k, v)) in wanted.iter().zip(&pairs) {
            let ok = encode(p.key) == *k
                && match &p.value {
                    ParamValue::Text(t) => encode(t) == *v,
                    ParamValue::Slot(_) => true,
                };
            if !ok {
                return Err(query_differs());
            }
        }
        match (&self.body, got.body.is_empty()) {
            (None, true) => Ok(()),
            (None, false) => Err(format!(
                "a body was sent to `{}`, the preview has none",
                self.target()
            )),
            (Some(_), true) => Err(format!("no body was sent to `{}`", self.target())),
            // A body that is one slot as a whole stands for any body, JSON or not (the NDJSON
            // lines of a `_bulk`).
            (Some(b), false) if b.is_one_slot() => Ok(()),
            (Some(b), false) => {
                let v: Value = serde_json::from_slice(got.body).map_err(|e| {
                    format!("the body sent to `{}` is not JSON: {e}", self.target())
                })?;
                b.accepts(&v)
                    .map_err(|why| format!("the body sent to `{}`: {why}", self.target()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Body, Method, Role, Slot};
    use crate::side::Side;
    use crate::version::{Flavor, Release};
    use serde_json::json;

    #[test]
    fn a_received_request_matches_only_its_own_preview() {
        const TASK: Slot = Slot::new("task", "the task id");
        let poll = Request::new(Role::Wait, Side::Destination, Method::Get)
            .at("_tasks")
            .slot(TASK);
        let got = |path, query, body: &'static [u8]| Received {
            method: "GET",
            path,
            query,
            body,
        };
        assert_eq!(poll.accepts(&got("/_tasks/n%3A1", "", b""), None), Ok(()));
        assert!(poll.accepts(&got("/_tasks", "", b""), None).is_err());
        assert!(
            poll.accepts(&got("/_tasks/n%3A1", "x=1", b""), None)
                .is_err()
        );

        let close = Request::new(Role::Act, Side::Destination, Method::Post)
            .name("a+b")
            .at("_close");
        let post = |path| Received {
            method: "POST",
            path,
            query: "",
            body: b"",
        };
        assert_eq!(close.accepts(&post("/a%2Bb/_close"), None), Ok(()));
        assert!(close.accepts(&post("/a+b/_close"), None).is_err());

        let cat = Request::new(Role::Read, Side::Source, Method::Get)
            .at("_cat")
            .at("indices")
            .query("format", "json")
            .query_when(
                crate::request::Condition::CatIndicesExpandWildcards,
                "expand_wildcards",
                "all",
            );
        let es6 = Some(Product::Release(Release::new(
            Flavor::Elasticsearch,
            6,
            8,
            0,
        )));
        assert_eq!(
            cat.accepts(&got("/_cat/indices", "format=json", b""), es6),
            Ok(())
        );
        assert!(
            cat.accepts(
                &got("/_cat/indices", "format=json&expand_wildcards=all", b""),
                es6
            )
            .is_err()
        );

        let put = Request::new(Role::Act, Side::Source, Method::Put).body(Body::json(
            &json!({"a": Slot::new("a", "x").placeholder(), "b": 1}),
        ));
        let sent = |body| Received {
            method: "PUT",
            path: "/",
            query: "",
            body,
        };
        assert_eq!(put.accepts(&sent(br#"{"a":[1],"b":1}"#), None), Ok(()));
        assert!(put.accepts(&sent(br#"{"a":[1],"b":2}"#), None).is_err());
    }

    #[test]
    fn a_body_that_is_one_slot_accepts_ndjson_lines_but_not_no_body() {
        let bulk = Request::new(Role::Act, Side::Destination, Method::Post)
            .at("_bulk")
            .body(Body::json(
                &Slot::new("lines", "the batch's lines").placeholder(),
            ));
        let sent = |body| Received {
            method: "POST",
            path: "/_bulk",
            query: "",
            body,
        };
        let lines: &[u8] = b"{\"index\":{\"_index\":\"m\",\"_id\":\"1\"}}\n{}\n";
        assert_eq!(bulk.accepts(&sent(lines), None), Ok(()));
        assert!(bulk.accepts(&sent(b""), None).is_err());
    }
}
