//! The `until` threshold a pass or snapshot round carries: the measures its predecessor's delta
//! must all be below for it to be skipped. A threshold of documents alone serialises as the bare
//! number (as it did before bytes and seconds), so fingerprints of such plans do not change.

use std::fmt;
use std::num::NonZeroU64;

use serde::Serialize;
use serde::ser::SerializeMap;

/// At least one measure is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Until {
    /// Documents copied by a pass, or changed on the source since the round before.
    pub documents: Option<NonZeroU64>,
    /// Bytes a round's snapshot added to the repository.
    pub bytes: Option<NonZeroU64>,
    /// Whole seconds a pass (a round's snapshot) took.
    pub seconds: Option<NonZeroU64>,
}

impl Until {
    /// The plan's threshold; `None` when it gives no (non-zero) measure.
    pub fn from_plan(u: &migrate_plan::Until) -> Option<Until> {
        let until = Until {
            documents: u.documents.and_then(NonZeroU64::new),
            bytes: u.bytes.and_then(NonZeroU64::new),
            seconds: u.seconds.and_then(NonZeroU64::new),
        };
        (until != Until::default()).then_some(until)
    }
}

impl Serialize for Until {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let (Some(d), None, None) = (self.documents, self.bytes, self.seconds) {
            return d.serialize(s);
        }
        let mut m = s.serialize_map(None)?;
        for (k, v) in [
            ("documents", self.documents),
            ("bytes", self.bytes),
            ("seconds", self.seconds),
        ] {
            if let Some(v) = v {
                m.serialize_entry(k, &v)?;
            }
        }
        m.end()
    }
}

/// `fewer than 7 documents and 30 s` — the measures, as the dry run and the notices say them.
impl fmt::Display for Until {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            self.documents.map(|d| format!("{d} documents")),
            self.bytes.map(|b| format!("{b} bytes")),
            self.seconds.map(|s| format!("{s} s")),
        ]
        .into_iter()
        .flatten()
        .collect();
        write!(f, "fewer than {}", parts.join(" and "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: u64) -> Option<NonZeroU64> {
        NonZeroU64::new(v)
    }

    #[test]
    fn documents_alone_serialise_as_the_number_and_more_measures_as_a_map() {
        let docs = Until {
            documents: n(500),
            ..Until::default()
        };
        assert_eq!(serde_json::to_string(&docs).ok().as_deref(), Some("500"));
        let all = Until {
            documents: n(5),
            bytes: n(10),
            seconds: n(3),
        };
        assert_eq!(
            serde_json::to_string(&all).ok().as_deref(),
            Some(r#"{"documents":5,"bytes":10,"seconds":3}"#)
        );
        assert_eq!(
            all.to_string(),
            "fewer than 5 documents and 10 bytes and 3 s"
        );
    }
}
