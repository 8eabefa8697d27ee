//! Executes the steps of a YAML test section against a running server: `do` (with `catch`,
//! `warnings`, `allowed_warnings`, `headers`, `ignore`), `set`, `match`, `length`, `is_true`,
//! `is_false`, `gt`/`gte`/`lt`/`lte` and `contains`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::spec::Api;
use super::values::{Stash, as_catch_regex, java_string, length, matches, number, scalar, truthy};

/// What a section runs against.
pub struct Env<'a> {
    /// HTTP client.
    pub client: &'a reqwest::Client,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// API specs by name.
    pub apis: &'a BTreeMap<String, Api>,
}

/// Runs steps in order; the first failing step ends the run with its description.
pub async fn run_steps(env: &Env<'_>, steps: &[Value], stash: &mut Stash) -> Result<(), String> {
    for (i, step) in steps.iter().enumerate() {
        let Some((kind, arg)) = step.as_object().and_then(|m| m.iter().next()) else {
            return Err(format!("step {i} is not a map"));
        };
        let r = match kind.as_str() {
            "skip" => Ok(()),
            "do" => run_do(env, arg, stash).await,
            "set" => set(arg, stash),
            "match" => each(arg, stash, |actual, expected, _| {
                matches(actual.as_ref(), expected)
            }),
            "length" => each(arg, stash, |actual, expected, path| {
                let want = number(Some(expected)).map(|n| n as usize);
                match (length(actual.as_ref()), want) {
                    (Some(l), Some(w)) if l == w => Ok(()),
                    (l, w) => Err(format!("length of {path}: expected {w:?}, got {l:?}")),
                }
            }),
            "is_true" | "is_false" => {
                let path = scalar(arg);
                let v = stash.at(&path);
                let want = kind == "is_true";
                if truthy(v.as_ref()) == want {
                    Ok(())
                } else {
                    Err(format!("{kind} {path}: got {v:?}"))
                }
            }
            "gt" | "gte" | "lt" | "lte" => each(arg, stash, |actual, expected, path| {
                let (Some(a), Some(e)) = (number(actual.as_ref()), number(Some(expected))) else {
                    return Err(format!(
                        "{kind} {path}: {actual:?} vs {expected} not numbers"
                    ));
                };
                let ok = match kind.as_str() {
                    "gt" => a > e,
                    "gte" => a >= e,
                    "lt" => a < e,
                    _ => a <= e,
                };
                if ok {
                    Ok(())
                } else {
                    Err(format!("{kind} {path}: {a} vs {e}"))
                }
            }),
            "contains" => each(arg, stash, |actual, expected, path| {
                let found = actual
                    .as_ref()
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|x| subset(x, expected)));
                if found {
                    Ok(())
                } else {
                    Err(format!("{path} does not contain {expected}"))
                }
            }),
            other => Err(format!("unsupported step `{other}`")),
        };
        r.map_err(|e| format!("step {i} ({kind}): {e}"))?;
    }
    Ok(())
}

fn subset(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, v)| a.get(k).is_some_and(|x| subset(x, v))),
        _ => matches(Some(actual), expected).is_ok(),
    }
}

/// Applies a check to every `{path: expected}` pair (paths and values stash-resolved).
fn each(
    arg: &Value,
    stash: &Stash,
    check: impl Fn(Option<Value>, &Value, &str) -> Result<(), String>,
) -> Result<(), String> {
    let Some(m) = arg.as_object() else {
        return Err(format!("expected a map, got {arg}"));
    };
    for (path, expected) in m {
        let expected = stash.resolve(expected);
        let actual = stash.at(path);
        check(actual, &expected, path).map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(())
}

fn set(arg: &Value, stash: &mut Stash) -> Result<(), String> {
    for (path, name) in arg.as_object().into_iter().flatten() {
        let name = scalar(name);
        let value = if let Some(parent) = path.strip_suffix("._arbitrary_key_") {
            stash
                .at(parent)
                .and_then(|v| v.as_object().and_then(|m| m.keys().next().cloned()))
                .map(Value::String)
        } else {
            stash.at(path)
        };
        let value = value.ok_or_else(|| format!("set: nothing at {path}"))?;
        stash.vars.insert(name, value);
    }
    Ok(())
}

/// The status a `catch` value stands for (`None`: any error, or a message regex).
fn catch_status(catch: &str) -> Option<u16> {
    Some(match catch {
        "bad_request" => 400,
        "unauthorized" => 401,
        "forbidden" => 403,
        "missing" => 404,
        "request_timeout" => 408,
        "conflict" => 409,
        "unavailable" => 503,
        _ => return None,
    })
}

/// The message of each `Warning` header (the first quoted part).
fn warnings(headers: &reqwest::header::HeaderMap) -> Vec<String> {
    headers
        .get_all("warning")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let start = v.find('"')? + 1;
            let end = start + v[start..].find('"')?;
            Some(v[start..end].replace("\\\"", "\""))
        })
        .collect()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(scalar)
        .collect()
}

async fn run_do(env: &Env<'_>, arg: &Value, stash: &mut Stash) -> Result<(), String> {
    let arg = arg.as_object().ok_or("`do` is not a map")?;
    let catch = arg.get("catch").map(scalar);
    let expected_warnings = arg.get("warnings").map(|w| strings(Some(w)));
    let allowed = strings(arg.get("allowed_warnings"));
    let headers = arg.get("headers").map(|h| stash.resolve(h));
    let (api_name, call) = arg
        .iter()
        .find(|(k, _)| {
            !matches!(
                k.as_str(),
                "catch" | "warnings" | "allowed_warnings" | "headers" | "node_selector"
            )
        })
        .ok_or("`do` names no API")?;
    let api = env
        .apis
        .get(api_name)
        .ok_or_else(|| format!("unknown API `{api_name}` (no spec)"))?;
    let call = stash.resolve(call);
    let mut params: BTreeMap<String, String> = BTreeMap::new();
    let mut body: Option<Value> = None;
    let mut ignore: Vec<u16> = Vec::new();
    for (k, v) in call.as_object().into_iter().flatten() {
        match k.as_str() {
            "body" => body = Some(v.clone()),
            "ignore" => {
                ignore = match v {
                    Value::Array(a) => a
                        .iter()
                        .filter_map(|x| number(Some(x)))
                        .map(|n| n as u16)
                        .collect(),
                    other => number(Some(other))
                        .map(|n| vec![n as u16])
                        .unwrap_or_default(),
                }
            }
            _ => {
                let text = match v {
                    Value::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join(","),
                    Value::Null => String::new(),
                    other => scalar(other),
                };
                params.insert(k.clone(), text);
            }
        }
    }
    // A blank path part is a missing one (the clients refuse to build such a request).
    let all_parts: Vec<String> = api.paths.iter().flat_map(|p| p.parts.clone()).collect();
    params.retain(|k, v| !(v.is_empty() && all_parts.contains(k)));
    let Some((method, path, parts)) = api.pick(&params, body.is_some()) else {
        return if catch.as_deref() == Some("param") {
            Ok(())
        } else {
            Err(format!(
                "{api_name}: no path fits the parameters {params:?}"
            ))
        };
    };
    let query: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| !parts.contains(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some((unknown, _)) = query.iter().find(|(k, _)| !api.params.contains(k)) {
        return if catch.as_deref() == Some("param") {
            Ok(())
        } else {
            Err(format!(
                "{api_name}: parameter `{unknown}` is not in its spec"
            ))
        };
    }
    let m = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let mut req = env
        .client
        .request(m, format!("{}{path}", env.base))
        .query(&query);
    let mut content_type = "application/json".to_string();
    for (k, v) in headers
        .as_ref()
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if k.eq_ignore_ascii_case("content-type") {
            content_type = scalar(v);
        } else {
            req = req.header(k.as_str(), scalar(v));
        }
    }
    if let Some(b) = &body {
        let bytes = match b {
            Value::String(s) => s.clone().into_bytes(),
            Value::Array(lines) => {
                content_type = "application/x-ndjson".into();
                lines
                    .iter()
                    .map(|l| match l {
                        Value::String(s) => format!("{s}\n"),
                        other => format!("{other}\n"),
                    })
                    .collect::<String>()
                    .into_bytes()
            }
            other => other.to_string().into_bytes(),
        };
        req = req.header("content-type", content_type).body(bytes);
    }
    let resp = req.send().await.map_err(|e| format!("{api_name}: {e}"))?;
    let status = resp.status().as_u16();
    let got_warnings = warnings(resp.headers());
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    stash.body = if method == "HEAD" {
        Value::Bool(status == 200)
    } else if ct.contains("json") {
        serde_json::from_str(&text).unwrap_or(Value::String(text.clone()))
    } else if ct.contains("yaml") {
        serde_yaml::from_str(&text).unwrap_or(Value::String(text.clone()))
    } else {
        Value::String(text.clone())
    };
    let is_error =
        status >= 400 && !ignore.contains(&status) && !(method == "HEAD" && status == 404);
    match catch.as_deref() {
        None if is_error => {
            return Err(format!("{api_name} {method} {path}: {status} {text}"));
        }
        None => {}
        Some(c) => {
            if !is_error {
                return Err(format!(
                    "{api_name}: expected error `{c}`, got {status} {text}"
                ));
            }
            match catch_status(c) {
                Some(want) if want != status => {
                    return Err(format!(
                        "{api_name}: expected `{c}` ({want}), got {status} {text}"
                    ));
                }
                Some(_) => {}
                None if c == "request" => {
                    if [400, 401, 403, 404, 408, 409, 503].contains(&status) {
                        return Err(format!("{api_name}: `request` but got {status}"));
                    }
                }
                None if c == "param" => {
                    return Err(format!("{api_name}: expected an unknown-parameter error"));
                }
                None => {
                    let re = as_catch_regex(&Value::String(c.to_string()))
                        .ok_or_else(|| format!("unknown catch `{c}`"))?;
                    // As the Java runner: the `error` of the response, as Java prints a map.
                    let error = java_string(&stash.body["error"]);
                    if !re.is_match(&error) {
                        return Err(format!("{api_name}: error {error} does not match {c}"));
                    }
                }
            }
        }
    }
    if let Some(expected) = expected_warnings {
        let mut want = expected.clone();
        let mut got = got_warnings.clone();
        want.sort();
        got.sort();
        if want != got {
            return Err(format!("{api_name}: warnings {got:?}, expected {want:?}"));
        }
    } else if let Some(w) = got_warnings.iter().find(|w| !allowed.contains(w)) {
        return Err(format!("{api_name}: unexpected warning {w:?}"));
    }
    Ok(())
}
