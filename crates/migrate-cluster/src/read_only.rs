//! The read-only guard of `migrate plan --refresh` and saved-plan checks: a client built with
//! `read_only` sends only reads. This is the one place that says what a read is: `GET`, `HEAD`,
//! and `POST` to the search-like endpoints that take their query as a body and change nothing.

use migrate_core::request::Method;

/// The last path segments of `POST` endpoints that only read (a body-carrying search or count).
const READ_ONLY_POSTS: [&str; 5] = ["_search", "_count", "_msearch", "_mget", "_field_caps"];

/// Whether a read-only client may send `method path` (`path` encoded, starting with `/`).
pub fn allows(method: Method, path: &str) -> bool {
    match method {
        Method::Get | Method::Head => true,
        Method::Post => {
            let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            READ_ONLY_POSTS.contains(&last)
        }
        Method::Put | Method::Delete => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pass_and_every_write_is_refused() {
        assert!(allows(Method::Get, "/_cat/indices/logs-*"));
        assert!(allows(Method::Head, "/movies"));
        assert!(allows(Method::Post, "/movies/_search"));
        assert!(allows(Method::Post, "/movies/_count"));
        assert!(allows(Method::Post, "/_msearch"));
        assert!(!allows(Method::Post, "/_bulk"));
        assert!(!allows(Method::Post, "/_reindex"));
        assert!(!allows(Method::Post, "/_aliases"));
        assert!(!allows(Method::Post, "/movies/_close"));
        assert!(!allows(Method::Post, "/_snapshot/repo/snap/_restore"));
        assert!(!allows(Method::Post, "/movies/_search/scroll_not_really"));
        assert!(!allows(Method::Put, "/movies"));
        assert!(!allows(Method::Put, "/movies/_settings"));
        assert!(!allows(Method::Delete, "/_search/scroll"));
        assert!(!allows(Method::Delete, "/movies"));
    }
}
