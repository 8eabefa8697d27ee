//! `restore-settings`: the copy-time replicas and refresh interval back to the source's (or the
//! plan's `copy_settings.after`), a write block a restore brought lifted, and (indexes create-index
//! made) the source index's aliases added.

use migrate_core::Side;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role, Segment};
use serde_json::{Map, Value, json};

use super::endpoint::{aliases, settings};
use super::expand;
use super::slots::{ALIAS_ACTIONS, LIFT_WRITE_BLOCK, REFRESH, REPLICAS};
use crate::blueprint::AfterCopy;

pub struct RestoreSettings {
    pub source_aliases: Request,
    pub destination_aliases: Request,
    pub add_aliases: Request,
    /// The source's own values (restored indexes, `after: original`).
    pub source_settings: Request,
    pub destination_settings: Request,
    pub put: Request,
}

/// A setting value as sent: strings as they are, other values as their JSON text.
pub fn setting_text(v: &Value) -> Value {
    match v {
        Value::String(_) => v.clone(),
        other => Value::from(other.to_string()),
    }
}

pub fn restore_settings(source: &str, destination: &str, after: &AfterCopy) -> RestoreSettings {
    let src = || Segment::Name(source.to_owned());
    let dst = || Segment::Name(destination.to_owned());
    let mut index = Map::new();
    match after {
        AfterCopy::Set(values) => {
            for (k, v) in values {
                index.insert(k.clone(), setting_text(v));
            }
        }
        AfterCopy::Original => {
            index.insert("number_of_replicas".into(), REPLICAS.placeholder().into());
            index.insert("refresh_interval".into(), REFRESH.placeholder().into());
        }
    }
    index.insert("...".into(), LIFT_WRITE_BLOCK.placeholder().into());
    let put_note = match after {
        AfterCopy::Set(_) => "sent when the destination's values differ or it has a write block",
        AfterCopy::Original => {
            "sent when the destination's values differ or it has a write block; the values are the source index's own (for the reindex strategy, what create-index recorded)"
        }
    };
    RestoreSettings {
        source_aliases: aliases(Role::Read, Side::Source, src())
            .note("reindex strategy only (a restore brings its aliases itself)"),
        destination_aliases: aliases(Role::Check, Side::Destination, dst())
            .note("only when the source index has aliases"),
        add_aliases: Request::new(Role::Act, Side::Destination, Method::Post)
            .at("_aliases")
            .body(Body::json(&json!({"actions": ALIAS_ACTIONS.placeholder()})))
            .mutates(MutatingCall::UpdateAliases, destination)
            .note("sent only when the destination lacks one of the source index's aliases"),
        source_settings: settings(Role::Read, Side::Source, src())
            .note("snapshot strategy with `after: original` only"),
        destination_settings: settings(Role::Check, Side::Destination, dst()),
        put: Request::new(Role::Act, Side::Destination, Method::Put)
            .name(destination)
            .at("_settings")
            .body(Body::json(&json!({ "index": Value::Object(index) })))
            .mutates(MutatingCall::PutIndexSettings, destination)
            .note(put_note),
    }
}

impl RestoreSettings {
    pub fn list(self) -> Vec<Request> {
        vec![
            self.source_aliases,
            self.destination_aliases,
            self.add_aliases,
            self.source_settings,
            self.destination_settings,
            self.put,
        ]
    }
}

pub fn preview(source: &str, destination: &str, after: &AfterCopy) -> Vec<Request> {
    let mut out: Vec<Request> = expand::for_pairs(source).into_iter().collect();
    let r = restore_settings(source, destination, after);
    out.extend([r.source_aliases, r.destination_aliases, r.add_aliases]);
    // With `copy_settings.after: { set }` the plan gives the values: the source's are not read.
    if matches!(after, AfterCopy::Original) {
        out.push(r.source_settings);
    }
    out.extend([r.destination_settings, r.put]);
    out
}
