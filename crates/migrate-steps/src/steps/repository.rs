//! `register-repository`: the source repository writable, the destination's `readonly: true`;
//! nothing is sent when a repository of that name is already registered with the same settings.

use migrate_core::Side;
use migrate_exec::{Outcome, Recheck, StepError};
use migrate_graph::blueprint::{Setting, Store};
use migrate_graph::requests::repository::register as planned;
use serde_json::{Value, json};

use crate::cx::{Cx, none};
use crate::json::text;

/// Whether `existing` (`{type, settings}` from `GET _snapshot/{name}`) already is what the step
/// would register. Secret settings are not compared: clusters do not show them back.
fn same(existing: &Value, store: &Store, readonly: bool) -> bool {
    if existing.get("type").and_then(Value::as_str) != Some(store.repository_type()) {
        return false;
    }
    let have = existing.get("settings").cloned().unwrap_or(Value::Null);
    let plain_match = store.settings().iter().all(|(k, v)| match v {
        Setting::Plain(want) => have.get(k).map(text) == Some(text(want)),
        Setting::Secret(_) => true,
    });
    let ro = have.get("readonly").map(text).is_some_and(|t| t == "true");
    plain_match && ro == readonly
}

pub(super) async fn register(
    cx: &Cx<'_>,
    side: Side,
    name: &str,
    store: &Store,
    readonly: bool,
) -> Result<Outcome, StepError> {
    let r = planned(side, name, store, readonly, &cx.env.secrets);
    let existing: Option<Value> = cx
        .client(side)
        .optional(&r.current, &none())
        .await
        .map_err(|e| cx.fail(side, &format!("reading repository `{name}`"), &e))?;
    let outputs = |registered: bool| json!({"repository": name, "type": store.repository_type(), "readonly": readonly, "registered": registered});
    if let Some(e) = existing.as_ref().and_then(|v| v.get(name))
        && same(e, store, readonly)
    {
        return Ok(Outcome::Done {
            outputs: outputs(false),
        });
    }
    // The source's own repository is never re-pointed: that would hide its snapshots.
    if side == Side::Source
        && let Some(e) = existing.as_ref().and_then(|v| v.get(name))
    {
        let ty = e.get("type").and_then(Value::as_str).unwrap_or("unknown");
        return Err(cx.permanent(format!(
            "the source already has a repository `{name}` (type `{ty}`, settings {}) that differs from the plan's; it is left as it is, with its snapshots — name a repository of its own for the migration in `strategy.snapshot.repository` (for example `{name}-migrate`)",
            e.get("settings").cloned().unwrap_or(Value::Null)
        )));
    }
    cx.try_send(&r.register, &none()).await.map_err(|e| {
        let mut err = cx.fail(side, &format!("registering repository `{name}`"), &e);
        if e.error_type() == Some("repository_verification_exception") {
            err.message.push_str(
                "; the cluster cannot reach the store: check the bucket/location, its credentials and (for `fs`) `path.repo`",
            );
        }
        err
    })?;
    Ok(Outcome::Done {
        outputs: outputs(true),
    })
}

/// The postcondition of a done `register-repository`: the repository is registered with the
/// plan's settings. Gone (unregistered by `migrate cleanup` or by hand): registered again, with
/// everything downstream. Other settings: someone re-pointed it, refused.
pub(crate) async fn recheck(
    cx: &Cx<'_>,
    side: Side,
    name: &str,
    store: &Store,
    readonly: bool,
) -> Result<Recheck, StepError> {
    let r = planned(side, name, store, readonly, &cx.env.secrets);
    let existing: Option<Value> = cx
        .client(side)
        .optional(&r.current, &none())
        .await
        .map_err(|e| cx.fail(side, &format!("re-checking repository `{name}`"), &e))?;
    match existing.as_ref().and_then(|v| v.get(name)) {
        None => Ok(Recheck::Redo {
            reason: format!(
                "repository `{name}` is no longer registered on the {side}; it is registered again"
            ),
        }),
        Some(e) if !same(e, store, readonly) => Ok(Recheck::Broken {
            reason: format!(
                "repository `{name}` on the {side} now has other settings ({}) than this migration registered; it was re-pointed outside the migration and is not used — restore its settings or unregister it, then run apply again",
                e.get("settings").cloned().unwrap_or(Value::Null)
            ),
        }),
        Some(_) => Ok(Recheck::Holds),
    }
}
