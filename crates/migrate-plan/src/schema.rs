//! The plan's JSON schema, generated from the wire types (and their doc comments) by schemars.
//!
//! `schemas/plan.schema.json` is this output, checked in; a test fails when it drifts from the types
//! (`UPDATE_SCHEMA=1 cargo test -p migrate-plan` rewrites it).

use std::sync::OnceLock;

use serde_json::Value;

use crate::wire::PlanWire;

/// The schema's `$id`, as editors see it.
pub const SCHEMA_ID: &str = "https://example.invalid/migrate/schemas/plan.schema.json";

/// The plan's JSON schema (draft 2020-12).
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let generated = schemars::schema_for!(PlanWire);
        let mut value = serde_json::to_value(generated).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut value {
            map.insert("$id".into(), Value::String(SCHEMA_ID.into()));
            map.insert("title".into(), Value::String("migrate plan".into()));
        }
        value
    })
}

/// The schema as pretty-printed JSON with a trailing newline: the contents of `schemas/plan.schema.json`.
pub fn schema_json() -> String {
    let mut text = serde_json::to_string_pretty(schema()).unwrap_or_default();
    text.push('\n');
    text
}
