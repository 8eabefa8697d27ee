//! A page of search hits (`POST /{index}/_search` with PIT/search_after, or a scroll page), read
//! from the response bytes: `_source` stays a borrowed slice of the body, never a tree.
//!
//! Works for every version the engine reads: `_routing` is a hit field from 5.x on (also accepted
//! under `fields._routing`); `_type` is ignored (a 5.x/6.x caller with several types per index
//! prefixes the ids itself).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use thiserror::Error;

use crate::canonical::strip_position;
use crate::record::Record;

/// The body is not a search response with hits.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "the search response is not a page of hits (line {line}, column {column}): {message}; the request must be a search with `_source` and JSON output"
)]
pub struct PageError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Deserialize)]
struct Response<'a> {
    #[serde(borrow)]
    hits: Hits<'a>,
    #[serde(default, borrow, rename = "_scroll_id")]
    scroll_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pit_id: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Hits<'a> {
    #[serde(borrow)]
    hits: Vec<Hit<'a>>,
}

/// One hit: what the proof needs of it.
#[derive(Debug, Deserialize)]
pub struct Hit<'a> {
    #[serde(borrow, rename = "_id")]
    pub id: Cow<'a, str>,
    #[serde(default, borrow, rename = "_routing")]
    routing: Option<Cow<'a, str>>,
    #[serde(default, borrow, rename = "_source")]
    source: Option<&'a RawValue>,
    #[serde(default, borrow)]
    fields: Option<Fields<'a>>,
    #[serde(default, borrow)]
    sort: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
struct Fields<'a> {
    #[serde(default, borrow, rename = "_routing")]
    routing: Option<OneOrMany<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany<'a> {
    One(#[serde(borrow)] Cow<'a, str>),
    Many(#[serde(borrow)] Vec<Cow<'a, str>>),
}

impl<'a> Hit<'a> {
    pub fn routing(&self) -> Option<&str> {
        if let Some(r) = &self.routing {
            return Some(r);
        }
        match self.fields.as_ref()?.routing.as_ref()? {
            OneOrMany::One(r) => Some(r),
            OneOrMany::Many(v) => v.first().map(|r| &**r),
        }
    }

    /// The record the proof takes.
    pub fn record(&self) -> Record<'_> {
        Record {
            id: &self.id,
            routing: self.routing(),
            source: self.source.map(|s| s.get().as_bytes()),
        }
    }
}

/// A parsed page: its hits and what the caller needs to ask for the next one.
#[derive(Debug)]
pub struct Page<'a> {
    pub hits: Vec<Hit<'a>>,
    /// The raw JSON `sort` array of the last hit: the next request's `search_after`.
    pub last_sort: Option<&'a str>,
    pub scroll_id: Option<Cow<'a, str>>,
    pub pit_id: Option<Cow<'a, str>>,
}

impl<'a> Page<'a> {
    pub fn parse(body: &'a [u8]) -> Result<Page<'a>, PageError> {
        let r: Response<'a> = serde_json::from_slice(body).map_err(|e| PageError {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?;
        let last_sort = r.hits.hits.last().and_then(|h| h.sort).map(RawValue::get);
        Ok(Page {
            hits: r.hits.hits,
            last_sort,
            scroll_id: r.scroll_id,
            pit_id: r.pit_id,
        })
    }
}

/// What a fed page leaves the caller: where to continue.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor {
    pub hits: usize,
    pub last_sort: Option<String>,
    pub scroll_id: Option<String>,
    pub pit_id: Option<String>,
}

impl From<&Page<'_>> for Cursor {
    fn from(p: &Page<'_>) -> Cursor {
        Cursor {
            hits: p.hits.len(),
            last_sort: p.last_sort.map(str::to_owned),
            scroll_id: p.scroll_id.as_deref().map(str::to_owned),
            pit_id: p.pit_id.as_deref().map(str::to_owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_yields_ids_routings_sources_and_the_next_search_after() {
        let body = br#"{"pit_id":"p1","took":1,"hits":{"total":{"value":3},"hits":[
            {"_index":"i","_id":"a","_source":{"x":1},"sort":[1,"a"]},
            {"_index":"i","_id":"b\u0031","_routing":"r","_source":{"y":[1,2]},"sort":[2,"b"]},
            {"_index":"i","_id":"c","fields":{"_routing":["r2"]},"sort":[3,"c"]}]}}"#;
        let page = Page::parse(body).unwrap();
        let records: Vec<Record> = page.hits.iter().map(Hit::record).collect();
        assert_eq!(records[0].source, Some(&br#"{"x":1}"#[..]));
        assert_eq!((records[1].id, records[1].routing), ("b1", Some("r")));
        assert_eq!((records[2].routing, records[2].source), (Some("r2"), None));
        assert_eq!(page.last_sort, Some(r#"[3,"c"]"#));
        assert_eq!(Cursor::from(&page).pit_id.as_deref(), Some("p1"));
    }

    #[test]
    fn an_error_body_is_a_page_error() {
        let e =
            Page::parse(br#"{"error":{"type":"search_context_missing_exception"},"status":404}"#)
                .unwrap_err();
        assert!(e.message.contains("missing field `hits`"), "{e}");
    }
}
