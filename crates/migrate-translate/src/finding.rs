//! What a translation says about the object: a rewrite, a strip or a rejection, each naming its
//! rule, its severity and where in the source object it happened (a JSON pointer).

use schemars::JsonSchema;
use serde::Serialize;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A rewrite or strip that keeps the meaning.
    Info,
    /// A change that can alter behaviour (scoring, query paths, defaults): read it.
    Warning,
    /// The object cannot be migrated as is: the plan must choose, or the object is refused.
    Error,
}

/// One finding of a translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Finding {
    /// The rule's id in the translation table (`string-to-text-keyword`).
    pub rule: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// A JSON pointer into the source object (RFC 6901; `""` is the whole object).
    pub path: String,
    /// What happened and, for errors, what to do.
    pub message: String,
}

/// A JSON pointer being built while walking the source object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ptr(String);

impl Ptr {
    /// The whole object.
    pub fn root() -> Ptr {
        Ptr(String::new())
    }

    /// The pointer to `key` under this one (`~` and `/` escaped).
    pub fn key(&self, key: &str) -> Ptr {
        let mut s = String::with_capacity(self.0.len() + key.len() + 1);
        s.push_str(&self.0);
        s.push('/');
        for c in key.chars() {
            match c {
                '~' => s.push_str("~0"),
                '/' => s.push_str("~1"),
                c => s.push(c),
            }
        }
        Ptr(s)
    }

    /// The pointer to element `i` under this one.
    pub fn index(&self, i: usize) -> Ptr {
        Ptr(format!("{}/{i}", self.0))
    }

    /// A pointer already built (and escaped) elsewhere.
    pub(crate) fn from_raw(raw: String) -> Ptr {
        Ptr(raw)
    }

    /// The pointer as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let p = Ptr::root().key("a/b").key("c~d").index(3);
        assert_eq!(p.as_str(), "/a~1b/c~0d/3");
        let v = serde_json::json!({"a/b": {"c~d": [0, 1, 2, 3]}});
        assert_eq!(v.pointer(p.as_str()), Some(&serde_json::json!(3)));
    }
}
