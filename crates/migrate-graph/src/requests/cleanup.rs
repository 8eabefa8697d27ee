//! `migrate cleanup`: deleting the snapshots a migration took and unregistering the repositories it
//! registered (the store's other objects stay). Each delete is preceded by a check, so a second
//! cleanup changes nothing.

use migrate_core::Side;
use migrate_core::request::{Method, MutatingCall, Request, Role};

pub struct DeleteSnapshot {
    /// `GET /_snapshot/{repository}/{snapshot}` (`snapshot_missing_exception`: already gone).
    pub current: Request,
    /// `DELETE /_snapshot/{repository}/{snapshot}`.
    pub delete: Request,
}

pub fn delete_snapshot(repository: &str, snapshot: &str) -> DeleteSnapshot {
    let at = |role, method| {
        Request::new(role, Side::Source, method)
            .at("_snapshot")
            .name(repository)
            .name(snapshot)
    };
    DeleteSnapshot {
        current: at(Role::Check, Method::Get),
        delete: at(Role::Act, Method::Delete).mutates(
            MutatingCall::DeleteSnapshot,
            format!("{repository}/{snapshot}"),
        ),
    }
}

pub struct DeleteRepository {
    /// `GET /_snapshot/{repository}/_all`: unregistered only when it holds no snapshot any more.
    pub snapshots: Request,
    /// `DELETE /_snapshot/{repository}`.
    pub delete: Request,
}

pub fn delete_repository(side: Side, repository: &str) -> DeleteRepository {
    let at = |role, method| {
        Request::new(role, side, method)
            .at("_snapshot")
            .name(repository)
    };
    DeleteRepository {
        snapshots: at(Role::Check, Method::Get).at("_all"),
        delete: at(Role::Act, Method::Delete)
            .mutates(MutatingCall::DeleteRepository, repository.to_owned()),
    }
}
