//! Conversions between SMILE [`Value`]s and `serde_json` values where the content is JSON.

use thiserror::Error;

use super::value::{Object, Value};

/// A SMILE value with no JSON equivalent, and where it is.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("`{path}` is {what}, which JSON cannot represent")]
pub struct NotJson {
    /// A JSON-pointer-like path to the value (`/mappings/0`).
    pub path: String,
    /// What it is (`binary`, `a non-finite number`, `an integer beyond 64 bits`).
    pub what: &'static str,
}

impl Value {
    /// The same content as JSON, losing nothing: fails on binary, non-finite floats, integers
    /// beyond 64 bits and big decimals (which JSON numbers here cannot hold exactly). A 32-bit float
    /// becomes the equal 64-bit number.
    pub fn to_json(&self) -> Result<serde_json::Value, NotJson> {
        self.to_json_at(&mut String::new())
    }

    fn to_json_at(&self, path: &mut String) -> Result<serde_json::Value, NotJson> {
        let fail = |what| NotJson {
            path: if path.is_empty() {
                "/".into()
            } else {
                path.clone()
            },
            what,
        };
        Ok(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Integer(i) => serde_json::Value::from(*i),
            Value::BigInteger(_) => return Err(fail("an integer beyond 64 bits")),
            Value::BigDecimal { .. } => return Err(fail("a big decimal")),
            Value::Float(f) => serde_json::Number::from_f64(f64::from(*f))
                .map(serde_json::Value::Number)
                .ok_or_else(|| fail("a non-finite number"))?,
            Value::Double(d) => serde_json::Number::from_f64(*d)
                .map(serde_json::Value::Number)
                .ok_or_else(|| fail("a non-finite number"))?,
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Binary(_) => return Err(fail("binary")),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("/{i}"));
                    out.push(item.to_json_at(path)?);
                    path.truncate(len);
                }
                serde_json::Value::Array(out)
            }
            Value::Object(object) => {
                let mut out = serde_json::Map::new();
                for (name, item) in object.iter() {
                    let len = path.len();
                    path.push('/');
                    path.push_str(name);
                    out.insert(name.to_owned(), item.to_json_at(path)?);
                    path.truncate(len);
                }
                serde_json::Value::Object(out)
            }
        })
    }

    /// The SMILE value of a JSON value: integers that fit 64 bits stay integers, other numbers
    /// become doubles (a `u64` above `i64::MAX` becomes a big integer).
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::Integer(i)
                } else if let Some(u) = n.as_u64() {
                    let mut bytes = u.to_be_bytes().to_vec();
                    bytes.insert(0, 0);
                    Value::BigInteger(bytes)
                } else {
                    Value::Double(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => {
                Value::Array(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect::<Object>(),
            ),
        }
    }
}

impl Value {
    /// JSON as Jackson's JSON generator writes this value: binary as a base64 string. Numbers JSON
    /// cannot hold exactly (non-finite floats, big integers beyond 64 bits, big decimals) become
    /// the nearest double or `null`: use [`Value::to_json`] where loss must be an error.
    pub fn to_json_base64(&self) -> serde_json::Value {
        use base64::Engine as _;
        match self {
            Value::Binary(bytes) => {
                serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
            }
            Value::BigInteger(bytes) => big_to_f64(bytes, 0),
            Value::BigDecimal { scale, unscaled } => big_to_f64(unscaled, *scale),
            Value::Float(_) | Value::Double(_) => self.to_json().unwrap_or(serde_json::Value::Null),
            Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json_base64).collect())
            }
            Value::Object(object) => serde_json::Value::Object(
                object
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_json_base64()))
                    .collect(),
            ),
            other => other.to_json().unwrap_or(serde_json::Value::Null),
        }
    }
}

/// A two's-complement big-endian integer times 10^-scale, as the nearest JSON number.
fn big_to_f64(bytes: &[u8], scale: i32) -> serde_json::Value {
    if bytes.is_empty() {
        return serde_json::Value::from(0);
    }
    let negative = bytes[0] & 0x80 != 0;
    let mut magnitude = 0f64;
    for b in bytes {
        let b = if negative { !b } else { *b };
        magnitude = magnitude * 256.0 + f64::from(b);
    }
    let value = if negative {
        -(magnitude + 1.0)
    } else {
        magnitude
    };
    if scale == 0 && value.abs() < 9.0e15 {
        return serde_json::Value::from(value as i64);
    }
    serde_json::Number::from_f64(value / 10f64.powi(scale))
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}
