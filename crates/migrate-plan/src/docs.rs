//! The format reference (`docs/plan-format.md`), generated from the schema's descriptions so the
//! docs cannot drift from the types (a test compares the checked-in file).

use std::collections::{BTreeSet, VecDeque};
use std::fmt::Write;

use serde_json::Value;

use crate::schema::schema;

/// The Markdown reference of the plan format.
pub fn reference_markdown() -> String {
    let root = schema();
    let defs = root.get("$defs").and_then(Value::as_object);
    let mut out = String::new();
    out.push_str("<!-- Generated from schemas/plan.schema.json by migrate-plan (`UPDATE_SCHEMA=1 cargo test -p migrate-plan`); do not edit. -->\n\n");
    out.push_str("# Plan format reference\n\n");
    out.push_str("A plan is one YAML document. Start the file with\n`# yaml-language-server: $schema=../schemas/plan.schema.json` so editors complete and check it,\n");
    out.push_str("and run `migrate validate PLAN` to check it with exact diagnostics. Secrets are references\n(`{ env: NAME }`, `{ file: PATH }`), never literals. Examples are in `plans/`.\n\n");
    out.push_str("A \"one of\" type is written as a map with exactly one of the listed keys, e.g.\n`auth: { basic: { username: elastic, password: { env: DEST_PASSWORD } } }`; kinds without\nsettings are written as plain words (`auth: none`).\n\n");
    let mut queue: VecDeque<(String, &Value)> = VecDeque::new();
    let mut seen = BTreeSet::new();
    queue.push_back(("Plan".into(), root));
    seen.insert("Plan".to_owned());
    while let Some((name, s)) = queue.pop_front() {
        section(&mut out, &name, s);
        let mut refs = Vec::new();
        collect_refs(s, &mut refs);
        for r in refs {
            if seen.insert(r.clone())
                && let Some(def) = defs.and_then(|d| d.get(&r))
            {
                queue.push_back((r, def));
            }
        }
    }
    out
}

fn section(out: &mut String, name: &str, s: &Value) {
    let title = if name == "Plan" {
        "Plan (the top level)"
    } else {
        name
    };
    let _ = writeln!(out, "## {title}\n");
    if let Some(d) = s.get("description").and_then(Value::as_str) {
        let _ = writeln!(out, "{d}\n");
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        out.push_str("| key | type | required | default | description |\n|---|---|---|---|---|\n");
        for (k, p) in props {
            let req = if required.contains(&k.as_str()) {
                "yes"
            } else {
                "no"
            };
            let default = p
                .get("default")
                .map_or_else(String::new, |d| format!("`{d}`"));
            let desc = p.get("description").and_then(Value::as_str).unwrap_or("");
            let _ = writeln!(
                out,
                "| `{k}` | {} | {req} | {default} | {} |",
                type_of(p),
                cell(desc)
            );
        }
        out.push('\n');
    }
    if let Some(alts) = s
        .get("oneOf")
        .or_else(|| s.get("anyOf"))
        .and_then(Value::as_array)
    {
        out.push_str("| kind | written as | description |\n|---|---|---|\n");
        for a in alts {
            let desc = a.get("description").and_then(Value::as_str).unwrap_or("");
            let (kind, written) = variant(a);
            let _ = writeln!(out, "| {kind} | {written} | {} |", cell(desc));
        }
        out.push('\n');
    }
    if s.get("properties").is_none() && s.get("oneOf").is_none() && s.get("anyOf").is_none() {
        let _ = writeln!(out, "Type: {}.\n", type_of(s));
    }
}

fn variant(a: &Value) -> (String, String) {
    if let Some(c) = a.get("const").and_then(Value::as_str) {
        return (format!("`{c}`"), format!("`{c}`"));
    }
    if let (Some(props), Some(_)) = (
        a.get("properties").and_then(Value::as_object),
        a.get("required"),
    ) && props.len() == 1
        && let Some((k, v)) = props.iter().next()
    {
        return (
            format!("`{k}`"),
            format!("`{{ {k}: … }}` with {}", type_of(v)),
        );
    }
    ("—".into(), type_of(a))
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

fn type_of(p: &Value) -> String {
    if let Some(r) = p.get("$ref").and_then(Value::as_str) {
        let n = ref_name(r);
        return format!("[{n}](#{})", n.to_ascii_lowercase());
    }
    if let Some(alts) = p
        .get("anyOf")
        .or_else(|| p.get("oneOf"))
        .and_then(Value::as_array)
    {
        let parts: Vec<String> = alts
            .iter()
            .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            .map(|a| {
                if let Some(c) = a.get("const").and_then(Value::as_str) {
                    format!("`{c}`")
                } else {
                    type_of(a)
                }
            })
            .collect();
        return parts.join(" or ");
    }
    if p.get("type").and_then(Value::as_str) == Some("array") {
        let item = p.get("items").map_or_else(|| "any".into(), type_of);
        return format!("list of {item}");
    }
    if p.get("type").and_then(Value::as_str) == Some("object") {
        if let Some(a) = p.get("additionalProperties").filter(|a| a.is_object()) {
            return format!("map of {}", type_of(a));
        }
        return "map".into();
    }
    let mut names: Vec<&str> = match p.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => vec![],
    };
    if names.is_empty() {
        return "any".into();
    }
    names.dedup();
    let mut t = names.join(" or ");
    let min = p.get("minimum").and_then(Value::as_f64);
    let max = p.get("maximum").and_then(Value::as_f64);
    match (min, max) {
        (Some(a), Some(b)) if a == b => t.push_str(&format!(" (= {a})")),
        (Some(a), Some(b)) => t.push_str(&format!(" ({a}–{b})")),
        (Some(a), None) if a > 0.0 => t.push_str(&format!(" (≥ {a})")),
        (None, Some(b)) => t.push_str(&format!(" (≤ {b})")),
        _ => {}
    }
    t
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$defs" {
                    continue;
                }
                if k == "$ref"
                    && let Some(r) = x.as_str()
                {
                    out.push(ref_name(r).to_owned());
                }
                collect_refs(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}
