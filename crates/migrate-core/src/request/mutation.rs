//! Mutating calls: every request that changes cluster state names one, and the source's write-guard
//! lets through only those the plan declares.

use std::fmt;

/// Every kind of change a request can make, by name.
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
    /// Unregistering a repository (`migrate cleanup`; the store's objects stay).
    DeleteRepository,
    VerifyRepository,
    CreateSnapshot,
    DeleteSnapshot,
    Restore,
    /// `index.blocks.write: true|false` for the cutover.
    WriteBlock,
    /// `_bulk` index actions: documents written by id (the copy strategy).
    IndexDocuments,
    /// A template, ingest pipeline, stored script or lifecycle policy written on the destination.
    PutMetadata,
    /// `_bulk` delete actions: documents deleted by id (deletes reconciliation).
    DeleteDocuments,
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
            MutatingCall::DeleteRepository => "unregister snapshot repository",
            MutatingCall::VerifyRepository => "verify snapshot repository",
            MutatingCall::CreateSnapshot => "create snapshot",
            MutatingCall::DeleteSnapshot => "delete snapshot",
            MutatingCall::Restore => "restore snapshot",
            MutatingCall::WriteBlock => "write block",
            MutatingCall::IndexDocuments => "index documents",
            MutatingCall::PutMetadata => "put metadata",
            MutatingCall::DeleteDocuments => "delete documents",
        }
    }
}

impl fmt::Display for MutatingCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a mutating request changes: the call and what it targets (an index, `repo/snapshot`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutation {
    pub call: MutatingCall,
    pub target: String,
}
