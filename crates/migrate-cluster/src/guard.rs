//! The source write-guard: a source-role client sends only the mutating calls the plan declares.

use std::collections::BTreeSet;
use std::fmt;

use crate::config::Role;
use crate::error::ClusterError;

/// Every mutating call the client can make, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MutatingCall {
    CreateIndex,
    DeleteIndex,
    PutIndexSettings,
    CloseIndex,
    OpenIndex,
    Refresh,
    UpdateAliases,
    PutClusterSettings,
    Reindex,
    CancelTask,
    PutRepository,
    VerifyRepository,
    CreateSnapshot,
    DeleteSnapshot,
    Restore,
    /// `index.blocks.write: true|false` for the cutover.
    WriteBlock,
}

impl MutatingCall {
    /// The calls a plan is allowed to declare on a source cluster.
    pub const DECLARABLE_ON_SOURCE: &[MutatingCall] = &[
        MutatingCall::PutRepository,
        MutatingCall::VerifyRepository,
        MutatingCall::CreateSnapshot,
        MutatingCall::DeleteSnapshot,
        MutatingCall::WriteBlock,
        MutatingCall::Refresh,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MutatingCall::CreateIndex => "create index",
            MutatingCall::DeleteIndex => "delete index",
            MutatingCall::PutIndexSettings => "put index settings",
            MutatingCall::CloseIndex => "close index",
            MutatingCall::OpenIndex => "open index",
            MutatingCall::Refresh => "refresh",
            MutatingCall::UpdateAliases => "update aliases",
            MutatingCall::PutClusterSettings => "put cluster settings",
            MutatingCall::Reindex => "reindex",
            MutatingCall::CancelTask => "cancel task",
            MutatingCall::PutRepository => "register snapshot repository",
            MutatingCall::VerifyRepository => "verify snapshot repository",
            MutatingCall::CreateSnapshot => "create snapshot",
            MutatingCall::DeleteSnapshot => "delete snapshot",
            MutatingCall::Restore => "restore snapshot",
            MutatingCall::WriteBlock => "write block",
        }
    }
}

impl fmt::Display for MutatingCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Decides, before anything is sent, whether a mutating call may go to this cluster.
#[derive(Debug, Clone)]
pub struct WriteGuard {
    role: Role,
    declared: BTreeSet<MutatingCall>,
}

impl WriteGuard {
    pub fn new(role: Role, declared: BTreeSet<MutatingCall>) -> Self {
        WriteGuard { role, declared }
    }

    /// `Ok` if the call may be sent; otherwise an error naming it.
    pub fn check(&self, call: MutatingCall, target: &str) -> Result<(), ClusterError> {
        match self.role {
            Role::Destination => Ok(()),
            Role::Source if self.declared.contains(&call) => Ok(()),
            Role::Source => Err(ClusterError::WriteRefused {
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
        let g = WriteGuard::new(Role::Source, [MutatingCall::CreateSnapshot].into());
        assert!(g.check(MutatingCall::CreateSnapshot, "repo/snap").is_ok());
        let err = g.check(MutatingCall::DeleteIndex, "logs").unwrap_err();
        assert!(err.to_string().contains("delete index"), "{err}");
        assert!(err.to_string().contains("logs"), "{err}");
        let d = WriteGuard::new(Role::Destination, BTreeSet::new());
        assert!(d.check(MutatingCall::DeleteIndex, "logs").is_ok());
    }
}
