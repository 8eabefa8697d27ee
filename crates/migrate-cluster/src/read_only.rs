//! The read-only guard of `migrate plan --refresh` and saved-plan checks: a client built with
//! `read_only` sends only reads. What a read is is said once, by
//! [`migrate_core::request::is_read`] (which the source's write-guard uses too); a read-only client
//! additionally sends no `DELETE`, not even of a read context.

use migrate_core::request::{Method, is_read};

/// Whether a read-only client may send `method path` (`path` encoded, starting with `/`).
pub fn allows(method: Method, path: &str) -> bool {
    method != Method::Delete && is_read(method, path)
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
