//! What a JSON-schema `type` (as schemars writes it: a name or a list of names) accepts of a YAML
//! node, and how the shape walker names it in "expected …" messages.

use serde_json::Value;

use crate::node::{Node, NodeValue};
use crate::suggest::join_or;

pub(crate) fn accepts_object(schema: &Value) -> bool {
    match schema.get("type") {
        Some(t) => type_names(t).contains(&"object"),
        None => schema.get("properties").is_some(),
    }
}

pub(crate) fn accepts(schema: &Value, node: &Node) -> bool {
    match schema.get("type") {
        Some(t) => type_matches(t, node),
        None => matches!(node.value, NodeValue::Map(_)) && schema.get("properties").is_some(),
    }
}

fn type_names(t: &Value) -> Vec<&str> {
    match t {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn type_matches(t: &Value, node: &Node) -> bool {
    type_names(t).iter().any(|name| {
        matches!(
            (*name, &node.value),
            ("null", NodeValue::Null)
                | ("boolean", NodeValue::Bool(_))
                | ("integer", NodeValue::Int(_))
                | ("number", NodeValue::Int(_) | NodeValue::Float(_))
                | ("string", NodeValue::Str(_))
                | ("array", NodeValue::Seq(_))
                | ("object", NodeValue::Map(_))
        )
    })
}

pub(crate) fn expected_from_type(t: &Value) -> String {
    let names: Vec<String> = type_names(t)
        .into_iter()
        .filter(|n| *n != "null")
        .map(|n| {
            match n {
                "boolean" => "true or false",
                "integer" => "a whole number",
                "number" => "a number",
                "string" => "a string",
                "array" => "a list",
                "object" => "a map",
                _ => "a value",
            }
            .to_owned()
        })
        .collect();
    join_or(&names)
}
