//! The source write-guard, deny by default: a source-role client sends reads (GET, HEAD and the
//! read-only POSTs and DELETEs [`migrate_core::request::is_read`] names) and the mutating calls the
//! compiled plan declares for the source; any other request is refused before it is sent.

use std::collections::BTreeSet;

use migrate_core::request::{Method, Mutation, is_read};
use migrate_core::{MutatingCall, Side};

use crate::error::ClusterError;

/// Decides, before anything is sent, whether a mutating call may go to this cluster.
#[derive(Debug, Clone)]
pub struct WriteGuard {
    side: Side,
    declared: BTreeSet<MutatingCall>,
}

impl WriteGuard {
    pub fn new(side: Side, declared: BTreeSet<MutatingCall>) -> Self {
        WriteGuard { side, declared }
    }

    /// `Ok` if `method path` may be sent to this cluster: anything to the destination; to the
    /// source, a read or a declared mutating call. Otherwise an error naming the request.
    pub fn check_request(
        &self,
        method: Method,
        path: &str,
        mutates: Option<&Mutation>,
    ) -> Result<(), ClusterError> {
        match (self.side, mutates) {
            (Side::Destination, _) => Ok(()),
            (Side::Source, Some(m)) => self.check(m.call, &m.target),
            (Side::Source, None) if is_read(method, path) => Ok(()),
            (Side::Source, None) => Err(ClusterError::UnplannedRequest {
                method: method.as_str().to_owned(),
                path: path.to_owned(),
            }),
        }
    }

    /// `Ok` if the call may be sent; otherwise an error naming it.
    pub fn check(&self, call: MutatingCall, target: &str) -> Result<(), ClusterError> {
        match self.side {
            Side::Destination => Ok(()),
            Side::Source if self.declared.contains(&call) => Ok(()),
            Side::Source => Err(ClusterError::WriteRefused {
                call,
                target: target.to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_refuses_undeclared() {
        let g = WriteGuard::new(Side::Source, [MutatingCall::CreateSnapshot].into());
        assert!(g.check(MutatingCall::CreateSnapshot, "repo/snap").is_ok());
        let err = g.check(MutatingCall::DeleteIndex, "logs").unwrap_err();
        assert!(err.to_string().contains("delete index"), "{err}");
        assert!(err.to_string().contains("logs"), "{err}");
        let d = WriteGuard::new(Side::Destination, BTreeSet::new());
        assert!(d.check(MutatingCall::DeleteIndex, "logs").is_ok());
    }

    #[test]
    fn the_source_takes_reads_and_declared_calls_and_refuses_any_other_request_by_name() {
        let g = WriteGuard::new(Side::Source, [MutatingCall::CreateSnapshot].into());
        assert!(
            g.check_request(Method::Post, "/movies/_search", None)
                .is_ok()
        );
        assert!(g.check_request(Method::Delete, "/_pit", None).is_ok());
        let snap = Mutation {
            call: MutatingCall::CreateSnapshot,
            target: "repo/snap".into(),
        };
        assert!(
            g.check_request(Method::Put, "/_snapshot/repo/snap", Some(&snap))
                .is_ok()
        );
        let err = g
            .check_request(Method::Post, "/movies/_doc", None)
            .unwrap_err();
        assert!(err.to_string().contains("POST /movies/_doc"), "{err}");
        let d = WriteGuard::new(Side::Destination, BTreeSet::new());
        assert!(d.check_request(Method::Post, "/movies/_doc", None).is_ok());
    }
}
