//! A request body: compact JSON text, built straight from typed data (no intermediate tree, which
//! keeps previews of 5,000-index plans fast), with runtime slots as placeholder strings (see
//! [`super::slot`]). [`Body::fill`] turns it into the value sent; [`Body::accepts`] says whether a
//! body a cluster received is this one with its slots filled somehow (the request-equality test).
//! `Debug` never prints the text: the executor's bodies carry real secrets.

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use super::slot::{Fill, Fills, SPREAD};

#[derive(Clone, PartialEq, Eq)]
pub struct Body(String);

/// A slot in a body had no fill, or a spread's fill was not an object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FillError {
    #[error("the request body's slot `{0}` was not filled")]
    Missing(String),
    #[error("the request body's spread `{0}` needs an object")]
    NotAnObject(String),
    #[error("the request body is not JSON: {0}")]
    NotJson(String),
    #[error("the request's {0} slot `{1}` was not filled")]
    MissingIn(&'static str, &'static str),
}

impl Body {
    /// Serialises `value` as compact JSON.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Self {
        // Serialising plain data (strings, numbers, maps with string keys) cannot fail.
        Body(serde_json::to_string(value).unwrap_or_default())
    }

    /// A body that is a fixed JSON text.
    pub fn fixed(text: &str) -> Self {
        Body(text.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text parsed (placeholders left as they are).
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    /// Whether the body holds any slot.
    pub fn has_slots(&self) -> bool {
        self.0.contains("<run time: ")
    }

    /// Whether the whole body is one slot (a body not known before run time, such as NDJSON lines).
    pub fn is_one_slot(&self) -> bool {
        matches!(self.to_value(), Value::String(s) if placeholder(&s))
    }

    /// The value to send: every slot replaced by its fill.
    pub fn fill(&self, fills: &Fills) -> Result<Value, FillError> {
        let mut v: Value =
            serde_json::from_str(&self.0).map_err(|e| FillError::NotJson(e.to_string()))?;
        if self.has_slots() {
            fill_value(&mut v, fills)?;
        }
        Ok(v)
    }

    /// Whether `received` is this body with its slots filled by some values: everything outside a
    /// slot equal, objects compared member by member (a spread absorbs members the template does not
    /// name; a member holding a slot may be missing).
    pub fn accepts(&self, received: &Value) -> Result<(), String> {
        let template = self.to_value();
        matches(&template, received, "")
    }
}

fn placeholder(text: &str) -> bool {
    text.starts_with("<run time: ") && text.ends_with('>')
}

fn fill_value(v: &mut Value, fills: &Fills) -> Result<(), FillError> {
    match v {
        Value::Object(map) => {
            let spread = match map.get(SPREAD) {
                Some(Value::String(p)) if placeholder(p) => Some(p.clone()),
                _ => None,
            };
            let mut out = Map::with_capacity(map.len());
            if let Some(p) = spread {
                map.shift_remove(SPREAD);
                match fills.by_placeholder(&p) {
                    Some((_, Fill::Value(Value::Object(extra)))) => out.extend(extra.clone()),
                    Some((_, Fill::Absent)) => {}
                    Some((s, Fill::Value(_))) => return Err(FillError::NotAnObject(s.name.into())),
                    None => return Err(FillError::Missing(p)),
                }
            }
            for (k, item) in std::mem::take(map) {
                if let Some(item) = fill_member(item, fills)? {
                    out.insert(k, item);
                }
            }
            *map = out;
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in std::mem::take(items) {
                if let Some(item) = fill_member(item, fills)? {
                    out.push(item);
                }
            }
            *items = out;
        }
        Value::String(s) if placeholder(s) => match fills.by_placeholder(s) {
            Some((_, Fill::Value(x))) => *v = x.clone(),
            _ => return Err(FillError::Missing(s.clone())),
        },
        _ => {}
    }
    Ok(())
}

/// An object member or array element with its slots filled; `None` when it is a whole slot whose
/// value is absent (the member or element is then left out).
fn fill_member(mut item: Value, fills: &Fills) -> Result<Option<Value>, FillError> {
    if let Value::String(s) = &item
        && placeholder(s)
    {
        return match fills.by_placeholder(s) {
            Some((_, Fill::Value(x))) => Ok(Some(x.clone())),
            Some((_, Fill::Absent)) => Ok(None),
            None => Err(FillError::Missing(s.clone())),
        };
    }
    fill_value(&mut item, fills)?;
    Ok(Some(item))
}

fn matches(template: &Value, got: &Value, at: &str) -> Result<(), String> {
    match (template, got) {
        (Value::String(p), _) if placeholder(p) => Ok(()),
        (Value::Object(t), Value::Object(g)) => {
            let spread = t
                .get(SPREAD)
                .is_some_and(|v| v.as_str().is_some_and(placeholder));
            for (k, tv) in t {
                if k == SPREAD && spread {
                    continue;
                }
                match g.get(k) {
                    Some(gv) => matches(tv, gv, &format!("{at}.{k}"))?,
                    None if tv.as_str().is_some_and(placeholder) => {}
                    None => return Err(format!("`{at}.{k}` is missing")),
                }
            }
            if !spread && let Some(extra) = g.keys().find(|k| !t.contains_key(*k)) {
                return Err(format!("`{at}.{extra}` was not in the preview"));
            }
            Ok(())
        }
        (Value::Array(t), Value::Array(g)) => {
            // A slot item may stand for any number of items (an array filled at run time).
            if t.len() == 1 && t[0].as_str().is_some_and(placeholder) {
                return Ok(());
            }
            if t.len() != g.len() {
                return Err(format!(
                    "`{at}` has {} items, the preview {}",
                    g.len(),
                    t.len()
                ));
            }
            for (i, (tv, gv)) in t.iter().zip(g).enumerate() {
                matches(tv, gv, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        (t, g) if t == g => Ok(()),
        (t, g) => Err(format!("`{at}` is {g}, the preview says {t}")),
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Body({} bytes)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::slot::Slot;
    use serde_json::json;

    const MAPPINGS: Slot = Slot::new("mappings", "the source index's mappings");
    const SETTINGS: Slot = Slot::new("settings", "the source index's settings");
    const FROM: Slot = Slot::new("from", "start of the previous pass");

    #[test]
    fn debug_hides_the_text() {
        let b = Body::json(&json!({"password": "hunter2"}));
        assert_eq!(format!("{b:?}"), "Body(22 bytes)");
    }

    #[test]
    fn slots_spreads_and_absent_members_are_filled() {
        let b = Body::json(&json!({
            "settings": {"...": SETTINGS.placeholder(), "index.number_of_replicas": "0"},
            "mappings": MAPPINGS.placeholder(),
            "range": {"gte": FROM.placeholder(), "lt": 5},
        }));
        let fills = Fills::new()
            .set(MAPPINGS, json!({"properties": {}}))
            .set(
                SETTINGS,
                json!({"index.number_of_shards": "3", "index.number_of_replicas": "2"}),
            )
            .maybe(FROM, None);
        let v = b.fill(&fills).unwrap();
        assert_eq!(
            v,
            json!({"settings": {"index.number_of_shards": "3", "index.number_of_replicas": "0"},
                   "mappings": {"properties": {}}, "range": {"lt": 5}})
        );
        assert_eq!(b.accepts(&v), Ok(()));
        let missing = Fills::new().set(MAPPINGS, json!({}));
        assert!(matches!(b.fill(&missing), Err(FillError::Missing(_))));
    }

    #[test]
    fn a_received_body_must_equal_the_preview_outside_its_slots() {
        let b = Body::json(&json!({"indices": "movies", "from": FROM.placeholder()}));
        assert_eq!(b.accepts(&json!({"indices": "movies", "from": 7})), Ok(()));
        assert!(
            b.accepts(&json!({"indices": "movies2", "from": 7}))
                .is_err()
        );
        assert!(
            b.accepts(&json!({"indices": "movies", "from": 7, "extra": 1}))
                .is_err()
        );
    }
}
