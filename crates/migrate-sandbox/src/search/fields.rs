//! Field access in a JSON source (dotted paths, arrays flattened) and value comparison, including dates.

use std::cmp::Ordering;

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// All values at a dotted path; arrays are flattened, objects with literal dotted keys are honoured.
pub fn values<'a>(src: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut out = Vec::new();
    collect(src, path, &mut out);
    out
}

fn collect<'a>(node: &'a Value, path: &str, out: &mut Vec<&'a Value>) {
    match node {
        Value::Array(items) => {
            for i in items {
                collect(i, path, out);
            }
        }
        Value::Object(m) => {
            if let Some(v) = m.get(path) {
                push_leaf(v, out);
            }
            let mut split = path.char_indices().filter(|(_, c)| *c == '.');
            for (pos, _) in split.by_ref() {
                let (head, tail) = (&path[..pos], &path[pos + 1..]);
                if let Some(child) = m.get(head) {
                    collect(child, tail, out);
                }
            }
        }
        _ => {}
    }
}

fn push_leaf<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(items) => {
            for i in items {
                push_leaf(i, out);
            }
        }
        Value::Null => {}
        other => out.push(other),
    }
}

/// Parses a date string (RFC 3339, `yyyy-MM-dd`, `yyyy-MM-ddTHH:mm:ss` without zone, or `now`) to epoch millis.
pub fn parse_date_millis(s: &str) -> Option<f64> {
    let s = s.trim();
    if s == "now" {
        return Some((OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as f64);
    }
    if let Some(rest) = s.strip_prefix("now") {
        let base = (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as f64;
        let rest = rest.split('/').next().unwrap_or(rest);
        let (sign, num) = match rest.as_bytes().first()? {
            b'-' => (-1.0, &rest[1..]),
            b'+' => (1.0, &rest[1..]),
            _ => return None,
        };
        let unit = num.chars().last()?;
        let n: f64 = num[..num.len() - unit.len_utf8()].parse().ok()?;
        let ms = match unit {
            's' => 1e3,
            'm' => 6e4,
            'h' => 3.6e6,
            'd' => 8.64e7,
            'w' => 6.048e8,
            'M' => 2.592e9,
            'y' => 3.1536e10,
            _ => return None,
        };
        return Some(base + sign * n * ms);
    }
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some((t.unix_timestamp_nanos() / 1_000_000) as f64);
    }
    if s.as_bytes().get(4) == Some(&b'-')
        && let Some(date) = s.get(..10)
    {
        let time_part = s.get(11..).filter(|t| !t.is_empty()).unwrap_or("00:00:00");
        for candidate in [
            format!("{date}T{}Z", time_part.trim_end_matches('Z')),
            format!("{date}T{}.000Z", time_part.trim_end_matches('Z')),
        ] {
            if let Ok(t) = OffsetDateTime::parse(&candidate, &Rfc3339) {
                return Some((t.unix_timestamp_nanos() / 1_000_000) as f64);
            }
        }
    }
    None
}

/// A comparable form of a value: a number (dates as epoch millis) or a string.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    /// Numeric (numbers, dates, booleans as 0/1).
    Num(f64),
    /// Text.
    Str(String),
}

impl Key {
    /// Orders two keys; numbers before strings when mixed.
    pub fn order(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Num(a), Key::Num(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            (Key::Str(a), Key::Str(b)) => a.cmp(b),
            (Key::Num(_), Key::Str(_)) => Ordering::Less,
            (Key::Str(_), Key::Num(_)) => Ordering::Greater,
        }
    }
}

/// How to read numbers of a date field given a `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumUnit {
    /// Numbers are plain numbers (or epoch millis for dates).
    Millis,
    /// Numbers are epoch seconds.
    Seconds,
}

/// Converts a document or query value to a key; `date` means the field is a date (strings parse as dates).
pub fn key_of(v: &Value, date: bool, unit: NumUnit) -> Option<Key> {
    match v {
        Value::Number(n) => {
            let f = n.as_f64()?;
            Some(Key::Num(if date && unit == NumUnit::Seconds {
                f * 1000.0
            } else {
                f
            }))
        }
        Value::Bool(b) => Some(Key::Num(if *b { 1.0 } else { 0.0 })),
        Value::String(s) => {
            if date {
                if let Some(ms) = parse_date_millis(s) {
                    return Some(Key::Num(ms));
                }
                if let Ok(f) = s.parse::<f64>() {
                    return Some(Key::Num(if unit == NumUnit::Seconds {
                        f * 1000.0
                    } else {
                        f
                    }));
                }
            } else if let Ok(f) = s.parse::<f64>() {
                return Some(Key::Num(f));
            }
            Some(Key::Str(s.clone()))
        }
        _ => None,
    }
}

/// Equality used by `term`/`terms`: numbers numerically, strings exactly (and case-insensitively for
/// analysed `text` fields, token-wise).
pub fn term_eq(doc: &Value, wanted: &Value, text_field: bool) -> bool {
    match (doc, wanted) {
        (Value::String(d), Value::String(w)) => {
            if d == w {
                return true;
            }
            text_field
                && d.split(|c: char| !c.is_alphanumeric())
                    .any(|t| t.to_lowercase() == *w)
        }
        (Value::Number(d), Value::Number(w)) => d.as_f64() == w.as_f64(),
        (Value::Number(d), Value::String(w)) => w.parse::<f64>().ok() == d.as_f64(),
        (Value::String(d), Value::Number(w)) => d.parse::<f64>().ok() == w.as_f64(),
        (Value::Bool(d), Value::Bool(w)) => d == w,
        (Value::Bool(d), Value::String(w)) => d.to_string() == *w,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_paths_and_arrays() {
        let v = json!({"a": {"b": [1, 2]}, "c.d": "x", "e": [{"f": 1}, {"f": 2}]});
        assert_eq!(values(&v, "a.b"), vec![&json!(1), &json!(2)]);
        assert_eq!(values(&v, "c.d"), vec![&json!("x")]);
        assert_eq!(values(&v, "e.f").len(), 2);
    }

    #[test]
    fn dates_parse_to_millis() {
        assert_eq!(parse_date_millis("1970-01-02"), Some(86_400_000.0));
        assert_eq!(
            parse_date_millis("2024-01-0\u{e9}xyz"),
            None,
            "no panic on a multi-byte boundary"
        );
        assert_eq!(parse_date_millis("1970-01-01T00:00:01Z"), Some(1000.0));
        assert_eq!(
            parse_date_millis("1970-01-01T00:00:01.5+00:00"),
            Some(1500.0)
        );
        assert_eq!(
            key_of(&json!(2), true, NumUnit::Seconds),
            Some(Key::Num(2000.0))
        );
    }
}
