//! The request model. A step kind's requests are constructed once (migrate-graph), with names as
//! typed path segments, query parameters (some only for some versions), a body whose runtime parts
//! are named [`Slot`]s, the [`Mutation`] it makes and the [`Side`] it goes to. The dry run renders
//! that value ([`Request::target`]); at run time the step fills the slots ([`Request::fill`]) and
//! migrate-cluster sends the resulting [`Wire`], with the write-guard reading `mutates` from it.
//! Both go through the one encoder, [`encode`].

mod body;
mod encode;
mod matching;
mod mutation;
mod reads;
pub mod scan;
mod slot;

use std::borrow::Cow;
use std::fmt;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

pub use body::{Body, FillError};
pub use encode::{decode, encode, encode_into};
pub use matching::{Received, Verdict};
pub use mutation::{MutatingCall, Mutation};
pub use reads::is_read;
pub use scan::ScanRequests;
pub use slot::{Fill, Fills, SPREAD, Slot};

use crate::quirks::Quirks;
use crate::side::Side;
use crate::version::Product;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Head,
    Put,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One segment of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An API word (`_snapshot`, `_close`): written as it is.
    Fixed(&'static str),
    /// A name (index, pattern, repository, snapshot, alias): percent-encoded.
    Name(String),
    /// Filled at run time (a task id): percent-encoded.
    Slot(Slot),
}

/// A query parameter's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    Text(Cow<'static, str>),
    Slot(Slot),
}

/// When a query parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Always,
    /// Only where `_cat/indices` accepts `expand_wildcards` ([`Quirks::cat_indices_expand_wildcards`]).
    CatIndicesExpandWildcards,
}

impl Condition {
    /// Whether the parameter goes to a cluster running `product` (`None`: not known yet, sent).
    pub fn holds(self, product: Option<Product>) -> bool {
        match (self, product) {
            (Condition::Always, _) | (_, None) => true,
            (Condition::CatIndicesExpandWildcards, Some(p)) => {
                Quirks::new(p).cat_indices_expand_wildcards()
            }
        }
    }

    /// Why a parameter is only sometimes sent, for previews.
    pub fn about(self) -> Option<&'static str> {
        match self {
            Condition::Always => None,
            Condition::CatIndicesExpandWildcards => Some(
                "not sent to Elasticsearch before 7.7, which rejects it (and lists closed indexes anyway)",
            ),
        }
    }
}

/// One query parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub key: &'static str,
    pub value: ParamValue,
    pub when: Condition,
}

/// One HTTP request a step sends to a cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub role: Role,
    /// The cluster it goes to.
    pub side: Side,
    pub method: Method,
    /// Path segments after the cluster URL (none for `/`).
    pub path: Vec<Segment>,
    pub query: Vec<Param>,
    pub body: Option<Body>,
    /// `Some` for a request that changes the cluster: the write-guard checks it before sending.
    pub mutates: Option<Mutation>,
    /// A request header filled at run time (`X-Opaque-Id`).
    pub header: Option<(&'static str, Slot)>,
    /// What is decided at run time, shown under the request in previews.
    pub note: Option<&'static str>,
}

impl Request {
    pub fn new(role: Role, side: Side, method: Method) -> Self {
        Request {
            role,
            side,
            method,
            path: Vec::new(),
            query: Vec::new(),
            body: None,
            mutates: None,
            header: None,
            note: None,
        }
    }

    /// `GET /`: the flavour and version a cluster answers with. The client sends it before any
    /// other request (filling one may need the version); the dry run shows it in preflight.
    pub fn root(side: Side) -> Self {
        Request::new(Role::Read, side, Method::Get)
    }

    /// Appends an API word to the path.
    pub fn at(mut self, word: &'static str) -> Self {
        self.path.push(Segment::Fixed(word));
        self
    }

    /// Appends a name to the path.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.path.push(Segment::Name(name.into()));
        self
    }

    /// Appends a runtime segment to the path.
    pub fn slot(mut self, slot: Slot) -> Self {
        self.path.push(Segment::Slot(slot));
        self
    }

    /// Appends a segment.
    pub fn segment(mut self, segment: Segment) -> Self {
        self.path.push(segment);
        self
    }

    pub fn query(mut self, key: &'static str, value: impl Into<Cow<'static, str>>) -> Self {
        self.query.push(Param {
            key,
            value: ParamValue::Text(value.into()),
            when: Condition::Always,
        });
        self
    }

    /// A parameter sent only where `when` holds (conditional parameters go last).
    pub fn query_when(
        mut self,
        when: Condition,
        key: &'static str,
        value: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.query.push(Param {
            key,
            value: ParamValue::Text(value.into()),
            when,
        });
        self
    }

    pub fn query_slot(mut self, key: &'static str, slot: Slot) -> Self {
        self.query.push(Param {
            key,
            value: ParamValue::Slot(slot),
            when: Condition::Always,
        });
        self
    }

    pub fn body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }

    pub fn mutates(mut self, call: MutatingCall, target: impl Into<String>) -> Self {
        self.mutates = Some(Mutation {
            call,
            target: target.into(),
        });
        self
    }

    pub fn header(mut self, name: &'static str, slot: Slot) -> Self {
        self.header = Some((name, slot));
        self
    }

    pub fn note(mut self, note: &'static str) -> Self {
        self.note = Some(note);
        self
    }

    /// What previews say under the request: its note, and why a bracketed parameter is sometimes
    /// left out.
    pub fn runtime(&self) -> Option<std::borrow::Cow<'static, str>> {
        let conditions: Vec<String> = self
            .query
            .iter()
            .filter_map(|p| p.when.about().map(|why| format!("`{}` is {why}", p.key)))
            .collect();
        match (self.note, conditions.is_empty()) {
            (None, true) => None,
            (Some(n), true) => Some(n.into()),
            (None, false) => Some(conditions.join("; ").into()),
            (Some(n), false) => Some(format!("{n}; {}", conditions.join("; ")).into()),
        }
    }

    /// Whether a query parameter depends on the cluster's version.
    pub fn has_conditions(&self) -> bool {
        self.query.iter().any(|p| p.when != Condition::Always)
    }

    /// The path and query as previews show them: names encoded, slots as `<name>`, conditional
    /// parameters in brackets.
    pub fn target(&self) -> String {
        let mut out = String::with_capacity(48);
        self.write_target(&mut out);
        out
    }

    /// Appends [`Self::target`] to `out`.
    pub fn write_target(&self, out: &mut String) {
        write_path(&self.path, out, |s, out| {
            out.push('<');
            out.push_str(s.name);
            out.push('>');
        });
        let mut first = true;
        for p in &self.query {
            let conditional = p.when != Condition::Always;
            if conditional {
                out.push('[');
            }
            out.push(if first { '?' } else { '&' });
            first = false;
            encode_into(p.key, out);
            out.push('=');
            match &p.value {
                ParamValue::Text(t) => encode_into(t, out),
                ParamValue::Slot(s) => {
                    out.push('<');
                    out.push_str(s.name);
                    out.push('>');
                }
            }
            if conditional {
                out.push(']');
            }
        }
    }

    /// The request to send: slots filled from `fills`, conditional parameters decided by the
    /// product in `fills`.
    pub fn fill(&self, fills: &Fills) -> Result<Wire, FillError> {
        let mut path = String::with_capacity(48);
        let mut missing = None;
        write_path(&self.path, &mut path, |s, out| match fills.get(s) {
            Some(Fill::Value(v)) => encode_into(&text_of(v), out),
            _ => missing = Some(s.name),
        });
        if let Some(name) = missing {
            return Err(FillError::MissingIn("path", name));
        }
        let mut query = String::new();
        for p in &self.query {
            if !p.when.holds(fills.product_of()) {
                continue;
            }
            if !query.is_empty() {
                query.push('&');
            }
            encode_into(p.key, &mut query);
            query.push('=');
            match &p.value {
                ParamValue::Text(t) => encode_into(t, &mut query),
                ParamValue::Slot(s) => match fills.get(s) {
                    Some(Fill::Value(v)) => encode_into(&text_of(v), &mut query),
                    _ => return Err(FillError::MissingIn("query", s.name)),
                },
            }
        }
        let body = match &self.body {
            Some(b) => Some(b.fill(fills)?),
            None => None,
        };
        let header = match self.header {
            Some((name, slot)) => match fills.get(&slot) {
                Some(Fill::Value(v)) => Some((name, text_of(v))),
                _ => return Err(FillError::MissingIn("header", slot.name)),
            },
            None => None,
        };
        Ok(Wire {
            side: self.side,
            method: self.method,
            path,
            query,
            body,
            mutates: self.mutates.clone(),
            header,
        })
    }
}

/// `/a/b`, or `/` for no segments; `slot` writes a runtime segment.
fn write_path(segments: &[Segment], out: &mut String, mut slot: impl FnMut(&Slot, &mut String)) {
    if segments.is_empty() {
        out.push('/');
    }
    for s in segments {
        out.push('/');
        match s {
            Segment::Fixed(w) => out.push_str(w),
            Segment::Name(n) => encode_into(n, out),
            Segment::Slot(x) => slot(x, out),
        }
    }
}

/// A string value as it is, anything else as JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A request ready to send: everything encoded and filled.
#[derive(Debug, Clone, PartialEq)]
pub struct Wire {
    pub side: Side,
    pub method: Method,
    /// The encoded path, starting with `/`.
    pub path: String,
    /// The encoded query string without `?` (empty for none).
    pub query: String,
    pub body: Option<Value>,
    pub mutates: Option<Mutation>,
    pub header: Option<(&'static str, String)>,
}

impl Wire {
    /// `path?query`.
    pub fn target(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::{Flavor, Release};
    use serde_json::json;

    const TASK: Slot = Slot::new("task", "the task id the reindex returned");

    #[test]
    fn the_preview_and_the_wire_encode_names_alike() {
        let r = Request::new(Role::Act, Side::Destination, Method::Post)
            .name("movies+2024 é")
            .at("_close")
            .mutates(MutatingCall::CloseIndex, "movies+2024 é");
        assert_eq!(r.target(), "/movies%2B2024%20%C3%A9/_close");
        let w = r.fill(&Fills::new()).unwrap();
        assert_eq!(w.target(), r.target());
        assert_eq!(w.mutates.unwrap().call, MutatingCall::CloseIndex);
    }

    #[test]
    fn runtime_segments_and_conditional_parameters_are_filled_per_product() {
        let r = Request::new(Role::Wait, Side::Destination, Method::Get)
            .at("_tasks")
            .slot(TASK);
        assert_eq!(r.target(), "/_tasks/<task>");
        assert!(r.fill(&Fills::new()).is_err());
        let w = r.fill(&Fills::new().set(TASK, "n1:42")).unwrap();
        assert_eq!(w.path, "/_tasks/n1%3A42");

        let cat = Request::new(Role::Read, Side::Source, Method::Get)
            .at("_cat")
            .at("indices")
            .query("format", "json")
            .query("h", "index,status")
            .query_when(
                Condition::CatIndicesExpandWildcards,
                "expand_wildcards",
                "all",
            );
        assert_eq!(
            cat.target(),
            "/_cat/indices?format=json&h=index,status[&expand_wildcards=all]"
        );
        let es6 = Product::Release(Release::new(Flavor::Elasticsearch, 6, 8, 0));
        let es7 = Product::Release(Release::new(Flavor::Elasticsearch, 7, 10, 2));
        assert_eq!(
            cat.fill(&Fills::new().product(es6)).unwrap().query,
            "format=json&h=index,status"
        );
        assert_eq!(
            cat.fill(&Fills::new().product(es7)).unwrap().query,
            "format=json&h=index,status&expand_wildcards=all"
        );
    }

    #[test]
    fn the_root_path_is_a_slash() {
        let r = Request::new(Role::Read, Side::Source, Method::Get);
        assert_eq!(r.target(), "/");
        let body = Request::new(Role::Act, Side::Source, Method::Put)
            .body(Body::json(&json!({"a": 1})))
            .fill(&Fills::new())
            .unwrap()
            .body;
        assert_eq!(body, Some(json!({"a": 1})));
    }
}
