//! A request body: the exact compact JSON text a step sends.
//!
//! Bodies are built straight from typed data into text (no intermediate `serde_json::Value` tree),
//! which keeps previews of 5,000-index plans fast; `to_value` parses one when a tree is wanted.
//! `Debug` never prints the text, because the executor's bodies carry real secrets.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

#[derive(Clone, PartialEq, Eq)]
pub struct Body(String);

impl Body {
    /// Serialises `value` as compact JSON.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Self {
        // Serialising plain data (strings, numbers, maps with string keys) cannot fail.
        Body(serde_json::to_string(value).unwrap_or_default())
    }

    /// A body that is a fixed JSON text.
    pub(crate) fn fixed(text: &str) -> Self {
        Body(text.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The body as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
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

    #[test]
    fn debug_hides_the_text() {
        let b = Body::json(&serde_json::json!({"password": "hunter2"}));
        assert_eq!(b.as_str(), r#"{"password":"hunter2"}"#);
        assert_eq!(format!("{b:?}"), "Body(22 bytes)");
        assert_eq!(b.to_value()["password"], "hunter2");
    }
}
