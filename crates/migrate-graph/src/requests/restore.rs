//! Restoring a round: `close-index`, `restore`, `open-index`, `wait-recovery`.

use std::collections::BTreeMap;

use migrate_core::Side;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role, Segment};
use serde::Serialize;
use serde_json::Value;

use super::endpoint::{Wait, health, recovery, status};
use super::slots::HEALTH_WAIT;

fn name(index: &str) -> Segment {
    Segment::Name(index.to_owned())
}

fn post(index: &str, action: &'static str, call: MutatingCall) -> Request {
    Request::new(Role::Act, Side::Destination, Method::Post)
        .name(index)
        .at(action)
        .mutates(call, index)
}

pub struct Close {
    /// Which snapshot the index was last restored from.
    pub recovery: Request,
    /// Open or closed.
    pub status: Request,
    pub close: Request,
}

pub fn close(index: &str) -> Close {
    Close {
        recovery: recovery(Role::Check, name(index), false).note(
            "done when the index was already restored from this round's snapshot or a later one",
        ),
        status: status(name(index)),
        close: post(index, "_close", MutatingCall::CloseIndex),
    }
}

impl Close {
    pub fn list(self) -> Vec<Request> {
        vec![self.recovery, self.status, self.close]
    }
}

pub struct Restore {
    pub recovery: Request,
    pub restore: Request,
    /// The restored index's uuid, recorded when the restore is done and compared on resume.
    pub identity: Request,
    /// `GET /_snapshot/{repository}/{plan}-*` on the destination: on resume, whether a later round
    /// of this plan reached the destination repository (then that round's restore answers for the
    /// index, not this one).
    pub later: Request,
}

#[derive(Serialize)]
struct RestoreBody<'a> {
    indices: &'a str,
    ignore_unavailable: bool,
    include_global_state: bool,
    include_aliases: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    rename_pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rename_replacement: Option<&'a str>,
    index_settings: &'a BTreeMap<String, Value>,
}

pub fn restore(
    repository: &str,
    snapshot: &str,
    source_index: &str,
    destination_index: &str,
    index_settings: &BTreeMap<String, Value>,
    round: crate::Round,
) -> Restore {
    let renamed = source_index != destination_index;
    let body = RestoreBody {
        indices: source_index,
        ignore_unavailable: false,
        include_global_state: false,
        include_aliases: true,
        rename_pattern: renamed.then(|| format!("^{}$", regex_escape(source_index))),
        rename_replacement: renamed.then_some(destination_index),
        index_settings,
    };
    Restore {
        recovery: recovery(Role::Check, name(destination_index), false)
            .note("done when the index's recovery source is this snapshot"),
        restore: Request::new(Role::Act, Side::Destination, Method::Post)
            .at("_snapshot")
            .name(repository)
            .name(snapshot)
            .at("_restore")
            .query("wait_for_completion", "false")
            .body(Body::json(&body))
            .mutates(MutatingCall::Restore, format!("{repository}/{snapshot}")),
        identity: super::create_index::identity(destination_index)
            .note("its uuid, recorded when the restore is done and compared on resume (404: the index is gone, it is restored again)"),
        later: Request::new(Role::Check, Side::Destination, Method::Get)
            .at("_snapshot")
            .name(repository)
            .name(crate::preflight::plan_snapshots_pattern(snapshot, round))
            .note("on resume only: whether a later round's snapshot reached the destination repository"),
    }
}

impl Restore {
    pub fn list(self) -> Vec<Request> {
        vec![self.recovery, self.restore, self.identity, self.later]
    }
}

pub struct Open {
    pub status: Request,
    pub open: Request,
}

pub fn open(index: &str) -> Open {
    Open {
        status: status(name(index)),
        open: post(index, "_open", MutatingCall::OpenIndex),
    }
}

impl Open {
    pub fn list(self) -> Vec<Request> {
        vec![self.status, self.open]
    }
}

pub struct WaitRecovery {
    /// At least yellow (blocks server-side up to the health wait).
    pub health: Request,
    /// No shard still recovering.
    pub recovery: Request,
}

pub fn wait_recovery(index: &str) -> WaitRecovery {
    WaitRecovery {
        health: health(Role::Wait, name(index), "yellow", Wait::Slot(HEALTH_WAIT)),
        recovery: recovery(Role::Wait, name(index), true),
    }
}

impl WaitRecovery {
    pub fn list(self) -> Vec<Request> {
        vec![self.health, self.recovery]
    }
}

/// Escapes regex metacharacters (for `rename_pattern`).
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
