//! Which requests only read, whatever their method: the one place that says a `POST _search` or a
//! `DELETE _pit` changes nothing on a cluster. The source's write-guard lets these through and
//! refuses every other non-GET request the plan did not declare.

use super::Method;

/// Endpoints (the path's last one or two segments) a `POST` only reads from: searches, counts,
/// multi-gets, point-in-time and scroll contexts.
const READ_POSTS: &[&str] = &[
    "_search",
    "_msearch",
    "_count",
    "_mget",
    "_pit",
    "_search/point_in_time",
    "_search/scroll",
    "_field_caps",
    "_validate/query",
    "_explain",
];

/// Endpoints a `DELETE` only releases a read context on (a point in time, a scroll): nothing the
/// cluster stores changes.
const READ_DELETES: &[&str] = &["_pit", "_search/point_in_time", "_search/scroll"];

/// Whether `method path` (the encoded path, with or without the query) only reads: `GET` and
/// `HEAD` always; `POST` to a search, count, multi-get, point-in-time or scroll endpoint; `DELETE`
/// of a point in time or a scroll.
pub fn is_read(method: Method, path: &str) -> bool {
    let list = match method {
        Method::Get | Method::Head => return true,
        Method::Post => READ_POSTS,
        Method::Delete => READ_DELETES,
        Method::Put => return false,
    };
    let path = path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let at_end = |segments: &[&str], endpoint: &str| {
        let parts: Vec<&str> = endpoint.split('/').collect();
        segments.ends_with(&parts)
    };
    list.iter().any(|e| {
        at_end(&segments, e)
            // `_search/scroll/<id>` and `_explain/<id>` carry an id after the endpoint.
            || (WITH_ID.contains(e)
                && segments
                    .split_last()
                    .is_some_and(|(_, rest)| at_end(rest, e)))
    })
}

/// Endpoints that may carry one id segment after them.
const WITH_ID: &[&str] = &["_search/scroll", "_explain"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_counts_multi_gets_and_read_contexts_are_reads() {
        for (method, path) in [
            (Method::Get, "/movies/_doc/1"),
            (Method::Head, "/movies"),
            (Method::Post, "/movies/_search"),
            (Method::Post, "/movies/_search?scroll=1m&size=500"),
            (Method::Post, "/_search/scroll"),
            (Method::Post, "/movies/_pit?keep_alive=1m"),
            (Method::Post, "/movies/_search/point_in_time?keep_alive=1m"),
            (Method::Post, "/movies/_count"),
            (Method::Post, "/_mget"),
            (Method::Post, "/movies/_explain/7"),
            (Method::Delete, "/_pit"),
            (Method::Delete, "/_search/point_in_time"),
            (Method::Delete, "/_search/scroll"),
            (Method::Delete, "/_search/scroll/abc"),
        ] {
            assert!(is_read(method, path), "{method:?} {path}");
        }
    }

    #[test]
    fn writes_are_not_reads_even_when_a_read_word_is_in_the_path() {
        for (method, path) in [
            (Method::Put, "/movies/_search"),
            (Method::Post, "/movies/_doc"),
            (Method::Post, "/movies/_refresh"),
            (Method::Post, "/_reindex"),
            (Method::Post, "/_bulk"),
            (Method::Post, "/movies/_close"),
            (Method::Post, "/_snapshot/repo/snap/_restore"),
            (Method::Post, "/movies/_update_by_query"),
            (Method::Post, "/movies/_delete_by_query"),
            (Method::Post, "/_search/template/x/_delete"),
            (Method::Delete, "/movies"),
            (Method::Delete, "/_snapshot/repo/_search"),
            (Method::Put, "/_snapshot/repo"),
        ] {
            assert!(!is_read(method, path), "{method:?} {path}");
        }
    }
}
