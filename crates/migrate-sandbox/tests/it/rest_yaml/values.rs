//! Values in the YAML tests: the stash (`set`, `$name`, `${name}`), paths into a response
//! (`hits.hits.0._source`, `\.` for dots in keys, `$body`), and the comparisons of `match`,
//! `length`, `is_true`/`is_false` and `gt`/`gte`/`lt`/`lte`.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value;

/// Stashed values and the last response.
#[derive(Debug, Default)]
pub struct Stash {
    /// Named values.
    pub vars: HashMap<String, Value>,
    /// The last response body (parsed, or a string for text bodies).
    pub body: Value,
}

impl Stash {
    /// A value with every `$name` (whole string) and `${name}` (embedded) replaced.
    pub fn resolve(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => self.resolve_str(s),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.resolve(x)).collect()),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, x)| {
                        let key = match self.resolve_str(k) {
                            Value::String(s) => s,
                            other => scalar(&other),
                        };
                        (key, self.resolve(x))
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn lookup(&self, name: &str) -> Option<Value> {
        if name == "body" {
            return Some(self.body.clone());
        }
        self.vars.get(name).cloned()
    }

    fn resolve_str(&self, s: &str) -> Value {
        if let Some(name) = s.strip_prefix('$')
            && !name.starts_with('{')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            && let Some(v) = self.lookup(name)
        {
            return v;
        }
        if !s.contains("${") {
            return Value::String(s.to_string());
        }
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find('}') {
                Some(end) => {
                    let name = &after[..end];
                    match self.lookup(name) {
                        Some(v) => out.push_str(&scalar(&v)),
                        None => out.push_str(&rest[start..start + 3 + end]),
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    out.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        Value::String(out)
    }

    /// The value at a path of the last response (`None`: absent).
    pub fn at(&self, path: &str) -> Option<Value> {
        if path == "$body" {
            return Some(self.body.clone());
        }
        let mut node = self.body.clone();
        if path.is_empty() {
            return Some(node);
        }
        for part in split_path(path) {
            let part = match self.resolve_str(&part) {
                Value::String(s) => s,
                other => scalar(&other),
            };
            node = match node {
                Value::Object(mut m) => m.remove(&part)?,
                Value::Array(mut a) => {
                    let i: usize = part.parse().ok()?;
                    if i >= a.len() {
                        return None;
                    }
                    a.swap_remove(i)
                }
                _ => return None,
            };
        }
        Some(node)
    }
}

/// Splits `a.b\.c.0` into `["a", "b.c", "0"]`.
fn split_path(path: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                chars.next();
                if let Some(last) = parts.last_mut() {
                    last.push('.');
                }
            }
            '.' => parts.push(String::new()),
            other => {
                if let Some(last) = parts.last_mut() {
                    last.push(other);
                }
            }
        }
    }
    parts
}

/// A scalar as text (strings without quotes).
pub fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

/// Java's `toString` of a parsed value (`{key=value, ...}`, strings unquoted): what the Java
/// runner matches a `catch` regex against (the response's `error`).
pub fn java_string(v: &Value) -> String {
    match v {
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, x)| format!("{k}={}", java_string(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(java_string).collect::<Vec<_>>().join(", ")
        ),
        other => scalar(other),
    }
}

/// `is_true`: present and not `false`, `0`, `""`, `"false"` or `null`.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.is_empty() && s != "false",
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(_) => true,
    }
}

/// A `/regex/` expectation of `match` (with the `x` flag: whitespace and `#` comments ignored).
pub fn as_regex(expected: &Value) -> Option<Regex> {
    regex_with(expected, "(?sx)")
}

/// A `/regex/` of `catch` (no `x` flag: its spaces are literal, as in the Java runner).
pub fn as_catch_regex(expected: &Value) -> Option<Regex> {
    regex_with(expected, "(?s)")
}

fn regex_with(expected: &Value, flags: &str) -> Option<Regex> {
    let s = expected.as_str()?.trim();
    if s.len() < 2 || !s.starts_with('/') || !s.ends_with('/') {
        return None;
    }
    Regex::new(&format!("{flags}{}", &s[1..s.len() - 1])).ok()
}

/// `match`: equal (numbers by value), or the regex matches the text.
pub fn matches(actual: Option<&Value>, expected: &Value) -> Result<(), String> {
    if let Some(re) = as_regex(expected) {
        let text = actual.map(scalar).unwrap_or_default();
        // Java's `$` also matches before a final line terminator.
        let java_end = text.strip_suffix('\n').is_some_and(|t| re.is_match(t));
        return if actual.is_some() && (re.is_match(&text) || java_end) {
            Ok(())
        } else {
            Err(format!("{text:?} does not match {expected}"))
        };
    }
    let Some(actual) = actual else {
        return if expected.is_null() {
            Ok(())
        } else {
            Err(format!("expected {expected}, found nothing"))
        };
    };
    if equal(actual, expected) {
        Ok(())
    } else {
        Err(format!("expected {expected}, got {actual}"))
    }
}

fn equal(a: &Value, e: &Value) -> bool {
    match (a, e) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && y.iter()
                    .all(|(k, ev)| x.get(k).is_some_and(|av| equal(av, ev)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        // The Java runner compares a number with its text form as equal strings.
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => {
            s.parse::<f64>().ok() == n.as_f64()
        }
        _ => a == e,
    }
}

/// `length`: elements of an array, keys of an object, characters of a string.
pub fn length(v: Option<&Value>) -> Option<usize> {
    match v? {
        Value::Array(a) => Some(a.len()),
        Value::Object(m) => Some(m.len()),
        Value::String(s) => Some(s.chars().count()),
        _ => None,
    }
}

/// A number, from a number or its text.
pub fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}
