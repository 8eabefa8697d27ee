//! `register-repository`: look at what is registered under the name, register it if it differs.

use migrate_core::Side;
use migrate_core::request::{Body, Method, MutatingCall, Request, Role};
use serde_json::{Map, Value, json};

use super::Secrets;
use crate::blueprint::{Setting, Store};

pub struct Register {
    /// `GET /_snapshot/{name}` (404: nothing registered).
    pub current: Request,
    /// `PUT /_snapshot/{name}` with the store's type and settings (`readonly` on the reading side).
    pub register: Request,
}

pub fn register(
    side: Side,
    name: &str,
    store: &Store,
    readonly: bool,
    secrets: &dyn Secrets,
) -> Register {
    let at = |role, method| Request::new(role, side, method).at("_snapshot").name(name);
    Register {
        current: at(Role::Check, Method::Get),
        register: at(Role::Act, Method::Put)
            .body(Body::json(&body(store, readonly, secrets)))
            .mutates(MutatingCall::PutRepository, name),
    }
}

impl Register {
    pub fn list(self) -> Vec<Request> {
        vec![self.current, self.register]
    }
}

/// `{"type", "settings"}` for a store: its settings in their fixed order, secrets written by
/// `secrets`, `readonly: true` last on the reading side.
fn body(store: &Store, readonly: bool, secrets: &dyn Secrets) -> Value {
    let mut settings = Map::new();
    for (k, v) in &store.settings() {
        let v = match v {
            Setting::Plain(v) => v.clone(),
            Setting::Secret(s) => Value::from(secrets.text(s)),
        };
        settings.insert(k.clone(), v);
    }
    if readonly {
        settings.insert("readonly".into(), Value::Bool(true));
    }
    json!({"type": store.repository_type(), "settings": Value::Object(settings)})
}
