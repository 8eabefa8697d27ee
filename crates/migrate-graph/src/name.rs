//! [`Name`]: shared text that many steps hold (an index, repository, snapshot or field name), one
//! pointer wide.
//!
//! A 50,000-index plan has about 650,000 steps and most kinds hold two or more names, so the width
//! of a name sets the width of every step: a `Name` is 8 bytes (an `Arc<str>` is 16), which keeps
//! the largest kinds, and with them every step, about a third smaller. The text is one allocation
//! per distinct name behind one shared handle; reading it follows two pointers.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::Serialize;

/// Shared text. Cloning copies a pointer; compared, hashed, ordered and serialised as its text
/// (so fingerprints are those of a `String`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Arc<String>);

impl Name {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(Arc::new(s.to_owned()))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(Arc::new(s))
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name(Arc::new(s.clone()))
    }
}

impl From<&Name> for String {
    fn from(n: &Name) -> Self {
        n.as_str().to_owned()
    }
}

impl From<Name> for String {
    fn from(n: Name) -> Self {
        Arc::unwrap_or_clone(n.0)
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Name;

    #[test]
    fn a_name_is_one_pointer_wide_and_reads_compares_and_serialises_as_its_text() {
        assert_eq!(std::mem::size_of::<Name>(), 8);
        assert_eq!(std::mem::size_of::<Option<Name>>(), 8);
        let n = Name::from("logs-2026.*");
        assert_eq!(&*n, "logs-2026.*");
        assert_eq!(n, Name::from(String::from("logs-2026.*")));
        let (a, b) = (Name::from("a"), Name::from("b"));
        assert!(a < b, "names order as their text");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"logs-2026.*\"");
        assert_eq!(format!("{n} {n:?}"), "logs-2026.* \"logs-2026.*\"");
    }
}
