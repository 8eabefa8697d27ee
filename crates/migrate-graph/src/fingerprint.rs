//! A step's fingerprint: SHA-256 over a canonical serialisation of its inputs.
//!
//! The inputs are the step kind's fields plus the URLs of the clusters the step talks to. Secrets are
//! references, so rotating a secret's value does not re-run anything; changing where it comes from does.
//! Serialisation is canonical because struct fields serialise in declaration order, maps are
//! `BTreeMap`s and free-form JSON values are key-sorted (`blueprint::canonical`) before they get here.

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::kind::StepKind;

/// SHA-256 of a step's inputs.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

#[derive(Serialize)]
struct Inputs<'a> {
    step: &'a StepKind,
    source: Option<&'a str>,
    destination: Option<&'a str>,
}

impl Fingerprint {
    /// What a step holds while the graph is built, before every step is fingerprinted at once.
    pub(crate) const PENDING: Fingerprint = Fingerprint([0; 32]);

    /// Fingerprints `kind` as run against the given cluster URLs (only those it touches count).
    /// `buf` is scratch space reused across calls.
    pub fn of(kind: &StepKind, source_url: &str, destination_url: &str, buf: &mut Vec<u8>) -> Self {
        let (src, dst) = kind.touches();
        let inputs = Inputs {
            step: kind,
            source: src.then_some(source_url),
            destination: dst.then_some(destination_url),
        };
        buf.clear();
        // Serialising plain data into a Vec cannot fail; a failure would only drop bytes from the hash.
        let _ = serde_json::to_writer(&mut *buf, &inputs);
        Fingerprint(Sha256::digest(buf.as_slice()).into())
    }

    /// Lower-case hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex_of(&self.0)
    }

    /// Appends the lower-case hex (64 characters) to `out`, without a temporary string.
    pub fn push_hex(&self, out: &mut String) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0u8; 64];
        for (pair, b) in hex.chunks_exact_mut(2).zip(&self.0) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 0xf)];
        }
        // Hex digits are ASCII, so this is always valid UTF-8.
        out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
    }

    /// The first 12 hex characters, for human-facing output.
    pub fn short(&self) -> String {
        hex_of(&self.0[..6])
    }
}

/// Lower-case hex of `bytes` (a table lookup; this runs for every step of every render).
fn hex_of(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.short())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Round;

    #[test]
    fn depends_on_inputs_and_touched_clusters_only() {
        let mut buf = Vec::new();
        let close = |index: &str| StepKind::CloseIndex {
            index: index.into(),
            round: Round::Number(2),
        };
        let a = Fingerprint::of(&close("movies"), "http://s", "http://d", &mut buf);
        assert_eq!(
            a,
            Fingerprint::of(&close("movies"), "http://s", "http://d", &mut buf)
        );
        assert_ne!(
            a,
            Fingerprint::of(&close("books"), "http://s", "http://d", &mut buf)
        );
        // Close talks to the destination only: the source URL is not one of its inputs.
        assert_eq!(
            a,
            Fingerprint::of(&close("movies"), "http://other", "http://d", &mut buf)
        );
        assert_ne!(
            a,
            Fingerprint::of(&close("movies"), "http://s", "http://other", &mut buf)
        );
        assert_eq!(a.to_hex().len(), 64);
        let mut pushed = String::new();
        a.push_hex(&mut pushed);
        assert_eq!(pushed, a.to_hex());
        assert_eq!(a.short().len(), 12);
        assert_eq!(hex_of(&[0x00, 0x9f, 0xa0]), "009fa0");
    }
}
