//! One request of a story (prologue, chapter or epilogue): `${id.output}` substitution, the HTTP
//! call with its parameters, payload and headers, body decoding by content type (JSON, YAML, CBOR,
//! Smile, text), the payload comparison and output capture.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::decode::{decode_cbor, decode_smile};

/// A response as the evaluator sees it.
pub struct Call {
    /// Status.
    pub status: u16,
    /// Content type without parameters (`application/json`).
    pub content_type: String,
    /// Decoded body.
    pub body: Value,
}

/// The sandbox version the stories run against.
pub const SANDBOX_VERSION: (u32, u32, u32) = (2, 16, 0);

/// The `fs` repository location the snapshot stories use. Each story runs with `path.repo` set to a
/// fresh temporary directory and this location rewritten to a path inside it (in requests and in
/// expected payloads alike), so runs never share or leave repository data in `/tmp`.
pub const STORY_REPO_LOCATION: &str = "/tmp/opensearch/repo";

fn parse_v(s: &str) -> (u32, u32, u32) {
    let mut it = s.trim().split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
        it.next().unwrap_or(0),
    )
}

/// Evaluates a semver range like `>= 2.4`, `< 2.17`, `>= 2.0 < 3`.
pub fn version_ok(range: Option<&Value>) -> bool {
    let Some(r) = range.and_then(Value::as_str) else {
        return true;
    };
    let tokens: Vec<String> = r
        .replace(">=", " >= ")
        .replace("<=", " <= ")
        .replace("> ", " > ")
        .replace("< ", " < ")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let mut i = 0;
    while i < tokens.len() {
        let (op, ver) = if matches!(tokens[i].as_str(), ">=" | "<=" | ">" | "<" | "=") {
            i += 2;
            (
                tokens[i - 2].as_str(),
                tokens.get(i - 1).map(String::as_str).unwrap_or("0"),
            )
        } else {
            i += 1;
            ("=", tokens[i - 1].as_str())
        };
        let v = parse_v(ver);
        let ok = match op {
            ">=" => SANDBOX_VERSION >= v,
            "<=" => SANDBOX_VERSION <= v,
            ">" => SANDBOX_VERSION > v,
            "<" => SANDBOX_VERSION < v,
            _ => SANDBOX_VERSION.0 == v.0,
        };
        if !ok {
            return false;
        }
    }
    true
}

pub fn distribution_ok(d: Option<&Value>) -> bool {
    let Some(d) = d else { return true };
    if let Some(inc) = d.get("included").and_then(Value::as_array) {
        return inc.iter().any(|x| x == "opensearch.org");
    }
    !d.get("excluded")
        .and_then(Value::as_array)
        .is_some_and(|e| e.iter().any(|x| x == "opensearch.org"))
}

pub fn substitute(v: &Value, outputs: &HashMap<String, Value>) -> Value {
    match v {
        Value::String(s) if s.contains("${") => {
            let start = s.find("${").unwrap_or(0);
            let end = s[start..].find('}').map(|e| start + e).unwrap_or(s.len());
            let key = &s[start + 2..end];
            match outputs.get(key) {
                Some(Value::String(r)) => Value::String(format!(
                    "{}{}{}",
                    &s[..start],
                    r,
                    &s[(end + 1).min(s.len())..]
                )),
                Some(other) if start == 0 && end + 1 == s.len() => other.clone(),
                Some(other) => Value::String(format!(
                    "{}{}{}",
                    &s[..start],
                    other,
                    &s[(end + 1).min(s.len())..]
                )),
                None => v.clone(),
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| substitute(x, outputs)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), substitute(x, outputs)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn param_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(param_str).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// Expected ⊆ actual: objects by key, arrays element-wise, scalars equal.
pub fn contains(actual: &Value, expected: &Value) -> Result<(), String> {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                let av = a.get(k).ok_or_else(|| format!("missing key `{k}`"))?;
                contains(av, ev).map_err(|m| format!("{k}: {m}"))?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(e)) => {
            for (i, ev) in e.iter().enumerate() {
                let av = a.get(i).ok_or_else(|| format!("missing element {i}"))?;
                contains(av, ev).map_err(|m| format!("[{i}]: {m}"))?;
            }
            Ok(())
        }
        (a, e) if a == e => Ok(()),
        (a, e) => Err(format!("expected {e}, got {a}")),
    }
}

/// The methods of a step (`method` may be a list: the chapter runs once per method).
pub fn methods(step: &Value) -> Vec<String> {
    match &step["method"] {
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => vec!["GET".to_string()],
    }
}

pub async fn execute_one(
    client: &reqwest::Client,
    base: &str,
    step: &Value,
    method: &str,
    outputs: &HashMap<String, Value>,
) -> Result<Call, String> {
    let step = substitute(step, outputs);
    let method = method.to_string();
    let mut path = step["path"].as_str().unwrap_or("/").to_string();
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    let mut query = Vec::new();
    if let Some(params) = step.get("parameters").and_then(Value::as_object) {
        for (k, v) in params {
            let placeholder = format!("{{{k}}}");
            if path.contains(&placeholder) {
                path = path.replace(&placeholder, &param_str(v));
            } else {
                query.push((k.clone(), param_str(v)));
            }
        }
    }
    let m = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let mut req = client.request(m, format!("{base}{path}")).query(&query);
    if let Some(r) = step.get("request") {
        let ct = r
            .get("content_type")
            .and_then(Value::as_str)
            .unwrap_or("application/json");
        if let Some(p) = r.get("payload") {
            let body = if ct.contains("ndjson") {
                p.as_array()
                    .map(|a| a.iter().map(|l| format!("{l}\n")).collect::<String>())
                    .unwrap_or_default()
            } else if let Value::String(s) = p {
                s.clone()
            } else {
                p.to_string()
            };
            req = req.header("content-type", ct).body(body);
        }
        if let Some(h) = r.get("headers").and_then(Value::as_object) {
            for (k, v) in h {
                req = req.header(k, param_str(v));
            }
        }
    }
    let resp = req
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let empty = bytes.is_empty();
    let body = match content_type.as_str() {
        "application/json" if empty => Value::Object(Default::default()),
        "application/json" => serde_json::from_str(&text)
            .map_err(|e| format!("the JSON body does not parse ({e}): {text}"))?,
        "application/yaml" if empty => Value::Object(Default::default()),
        "application/yaml" => serde_yaml::from_str(&text)
            .map_err(|e| format!("the YAML body does not parse ({e}): {text}"))?,
        "application/cbor" => {
            decode_cbor(&bytes).ok_or_else(|| format!("undecodable CBOR body: {bytes:02x?}"))?
        }
        "application/smile" => {
            decode_smile(&bytes).ok_or_else(|| format!("undecodable Smile body: {bytes:02x?}"))?
        }
        _ => Value::String(text),
    };
    Ok(Call {
        status,
        content_type,
        body,
    })
}

/// Stores a request's `output` values (`payload.<path>`, or `{path, default}`) under
/// `<id>.<name>`; a path with nothing there (and no default) is an error, as upstream.
pub fn capture(
    step: &Value,
    call: &Call,
    outputs: &mut HashMap<String, Value>,
) -> Result<(), String> {
    let Some(out) = step.get("output").and_then(Value::as_object) else {
        return Ok(());
    };
    let id = step
        .get("id")
        .and_then(Value::as_str)
        .ok_or("a chapter must have an id to store its output")?;
    for (name, spec) in out {
        let (path, default) = match spec {
            Value::String(p) => (p.as_str(), None),
            other => (other["path"].as_str().unwrap_or(""), other.get("default")),
        };
        let Some(rest) = path.strip_prefix("payload") else {
            return Err(format!("unknown output source: {path}"));
        };
        let mut v = Some(&call.body);
        for part in rest.split(['.', '[', ']']).filter(|p| !p.is_empty()) {
            v = v.and_then(|node| match node {
                Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
                other => other.get(part),
            });
        }
        let value = v
            .cloned()
            .or_else(|| default.cloned())
            .ok_or_else(|| format!("expected to find non undefined value at `{path}`"))?;
        outputs.insert(format!("{id}.{name}"), value);
    }
    Ok(())
}

/// The story with every occurrence of [`STORY_REPO_LOCATION`] replaced by `location`.
pub fn relocate(story: &Value, location: &str) -> Value {
    match story {
        Value::String(s) => Value::String(s.replace(STORY_REPO_LOCATION, location)),
        Value::Array(a) => Value::Array(a.iter().map(|x| relocate(x, location)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), relocate(x, location)))
                .collect(),
        ),
        other => other.clone(),
    }
}

pub fn collect_yaml(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_yaml(root, &p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(
                p.strip_prefix(root)
                    .map(|r| r.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
        }
    }
}
