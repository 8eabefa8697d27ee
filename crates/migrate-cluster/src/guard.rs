//! The source write-guard: a source-role client sends only the mutating calls the plan declares.

use std::collections::BTreeSet;

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
}
