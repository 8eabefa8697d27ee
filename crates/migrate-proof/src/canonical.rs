//! The canonical hash of a document's `_source`: equal for JSON texts that denote the same document,
//! whatever their key order, whitespace or string escapes.
//!
//! The text is parsed once by `serde_json` straight into hashes (a `DeserializeSeed` per node), so no
//! tree is built and no string is copied unless it holds escapes. The rules:
//!
//! - **Objects** are order independent: each member is `mix(h(key) ⊕ rot(h(value)))` (`mix` a
//!   bijective 128-bit mixer) and the object's hash is `h(Σ members mod 2¹²⁸, member count)`. A sum,
//!   not a xor, so that a repeated member does not cancel itself out; a member with a different
//!   value changes its term.
//! - **Arrays** are ordered: element hashes folded in turn (`acc = mix(acc ⊕ h(element))`), then
//!   hashed with the element count.
//! - **Strings** are compared after unescaping (`"\u00e9"` equals `"é"`), byte for byte after that
//!   (no Unicode normalisation: ES does none either).
//! - **Numbers** are compared the way Elasticsearch itself re-serialises `_source` when a remote
//!   reindex copies it (Jackson's `copyCurrentStructure`): a literal without fraction or exponent is
//!   an *integer* and is compared exactly; any other literal is the IEEE-754 double it
//!   denotes, so `1.0`, `1e0`, `10E-1` and `1.00` are equal, and `0.1000000000000000001` equals
//!   `0.1` (a reindex writes that double back as `0.1`). An integer never equals a double (`1` ≠
//!   `1.0`): no copy path turns one into the other, and a `keyword` field indexes them differently.
//!   Limit: an integer outside the 64-bit range (`unsigned_long` and `long` both fit) is read as a
//!   double by `serde_json` and so compared to 17 significant digits; and `-0`, which `serde_json`
//!   reads as the double `-0.0`, equals `-0.0` but not `0` (a reindex writes it as `0`: that false
//!   alarm errs on the safe side).
//! - `true`, `false`, `null` are themselves; every kind has its own seed, so `"1"` ≠ `1` and
//!   `[]` ≠ `{}` ≠ `null`.
//!
//! Only JSON is accepted: SMILE and CBOR bodies (what a client asking for those formats gets) are
//! refused with [`SourceError::NotJson`]; nesting deeper than 128 levels is refused by `serde_json`.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use thiserror::Error;
use xxhash_rust::xxh3::xxh3_128_with_seed;

/// Seeds that keep the kinds apart (a string and a key with the same text hash differently, etc.).
const SEED_STRING: u64 = 0x5354_5249_4e47;
const SEED_KEY: u64 = 0x004b_4559;
const SEED_INTEGER: u64 = 0x0049_4e54;
const SEED_DOUBLE: u64 = 0x0044_424c;
const SEED_ARRAY: u64 = 0x0041_5252;
const SEED_OBJECT: u64 = 0x004f_424a;
const SEED_MEMBER: u64 = 0x004d_454d;
const SEED_LITERAL: u64 = 0x004c_4954;
/// The content hash of a document whose `_source` is not available (disabled in the mapping, or
/// not returned): such documents are compared by `_id` and `_routing` only.
pub const NO_SOURCE: u128 = 0x6e6f_2d73_6f75_7263_6500_0000_0000_0001;

/// Why a `_source` could not be hashed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SourceError {
    /// The bytes are another XContent format.
    #[error(
        "`_source` is {format}, not JSON; read the documents with `Accept: application/json` (the default) so that Elasticsearch returns `_source` as JSON"
    )]
    NotJson { format: &'static str },
    /// The bytes are not valid JSON.
    #[error("`_source` is not valid JSON at line {line}, column {column}: {message}")]
    Invalid {
        line: usize,
        column: usize,
        message: String,
    },
}

/// The canonical 128-bit hash of one `_source` (see the module doc for the rules).
pub fn source_hash(bytes: &[u8]) -> Result<u128, SourceError> {
    if let Some(format) = other_format(bytes) {
        return Err(SourceError::NotJson { format });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let hash = Node.deserialize(&mut de).and_then(|h| de.end().map(|()| h));
    hash.map_err(|e| SourceError::Invalid {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })
}

/// SMILE starts with `:)\n`; CBOR's map and array headers have the top bits 101/100, bytes no JSON
/// text can start with.
fn other_format(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [b':', b')', b'\n', ..] => Some("SMILE"),
        [b, ..] if (0x80..=0xbf).contains(b) => Some("CBOR"),
        _ => None,
    }
}

/// `serde_json` appends " at line L column C"; the error says it once, in its own words.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

fn literal(text: &[u8]) -> u128 {
    xxh3_128_with_seed(text, SEED_LITERAL)
}

fn string(s: &str) -> u128 {
    xxh3_128_with_seed(s.as_bytes(), SEED_STRING)
}

fn integer(v: i128) -> u128 {
    xxh3_128_with_seed(&v.to_le_bytes(), SEED_INTEGER)
}

fn double(v: f64) -> u128 {
    xxh3_128_with_seed(&v.to_bits().to_le_bytes(), SEED_DOUBLE)
}

/// A bijective 128-bit mixer (xorshift-multiply rounds with odd multipliers): combines hashes
/// that xxh3 already produced, where a full xxh3 call per member or element would cost more than
/// the parsing.
fn mix(mut x: u128) -> u128 {
    const K1: u128 = 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835;
    const K2: u128 = 0xbf58_476d_1ce4_e5b9_94d0_49bb_1331_11eb;
    x ^= x >> 64;
    x = x.wrapping_mul(K1);
    x ^= x >> 61;
    x = x.wrapping_mul(K2);
    x ^ (x >> 64)
}

/// One object member: its key hash and value hash bound together (the halves of the value hash
/// swapped, so that `h(k) == h(v)` members do not vanish).
fn member(key: u128, value: u128) -> u128 {
    mix(key ^ value.rotate_left(64) ^ SEED_MEMBER as u128)
}

/// One more array element folded into the running hash (ordered: each step mixes).
fn element(acc: u128, value: u128) -> u128 {
    mix(acc ^ value)
}

fn object(sum: u128, members: u64) -> u128 {
    let mut buf = [0u8; 24];
    buf[..16].copy_from_slice(&sum.to_le_bytes());
    buf[16..].copy_from_slice(&members.to_le_bytes());
    xxh3_128_with_seed(&buf, SEED_OBJECT)
}

/// Any JSON value, hashed as it is parsed.
struct Node;

impl<'de> DeserializeSeed<'de> for Node {
    type Value = u128;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u128, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node {
    type Value = u128;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<u128, E> {
        Ok(literal(if v { b"true" } else { b"false" }))
    }

    fn visit_unit<E>(self) -> Result<u128, E> {
        Ok(literal(b"null"))
    }

    fn visit_u64<E>(self, v: u64) -> Result<u128, E> {
        Ok(integer(i128::from(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<u128, E> {
        Ok(integer(i128::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<u128, E> {
        Ok(double(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<u128, E> {
        Ok(string(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u128, A::Error> {
        let (mut acc, mut n) = (u128::from(SEED_ARRAY), 0u64);
        while let Some(value) = seq.next_element_seed(Node)? {
            acc = element(acc, value);
            n += 1;
        }
        let mut buf = [0u8; 24];
        buf[..16].copy_from_slice(&acc.to_le_bytes());
        buf[16..].copy_from_slice(&n.to_le_bytes());
        Ok(xxh3_128_with_seed(&buf, SEED_ARRAY))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u128, A::Error> {
        let (mut sum, mut members) = (0u128, 0u64);
        while let Some(key) = map.next_key_seed(Key)? {
            let value = map.next_value_seed(Node)?;
            sum = sum.wrapping_add(member(key, value));
            members += 1;
        }
        Ok(object(sum, members))
    }
}

/// An object key (a string, hashed with its own seed).
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = u128;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u128, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = u128;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u128, E> {
        Ok(xxh3_128_with_seed(v.as_bytes(), SEED_KEY))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> u128 {
        source_hash(s.as_bytes()).unwrap()
    }

    #[test]
    fn minus_zero_is_the_double_minus_zero_and_not_zero() {
        assert_eq!(h("-0"), h("-0.0"));
        assert_ne!(h("-0"), h("0"));
        assert_ne!(h("-0.0"), h("0.0"));
    }

    #[test]
    fn the_error_names_line_and_column_once() {
        let e = source_hash(b"{\n  \"a\": tru }").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`_source` is not valid JSON at line 2, column 11: expected ident"
        );
    }
}
