//! Elasticsearch's binary `_id` encoding (indexes created by Elasticsearch 6.0+ and OpenSearch).
//!
//! The first byte says how the rest reads:
//! * `0xfe`: a decimal id, two digits per byte (high nibble first); an odd digit count ends with
//!   the nibble `0xf`.
//! * `0xff`: any other id, as UTF-8.
//! * `0xfd`: an escaped URL-safe base64 id whose decoded first byte would read as a marker: the
//!   bytes after the escape, base64-encoded.
//! * anything else: a URL-safe base64 id (no padding) stored as its decoded bytes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const NUMERIC: u8 = 0xfe;
const UTF8: u8 = 0xff;
const BASE64_ESCAPE: u8 = 0xfd;

/// Why a stored `_id` is not a valid encoded id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UidError {
    #[error("the stored `_id` is empty")]
    Empty,
    #[error("the numeric `_id` holds a non-digit nibble 0x{0:x}")]
    BadDigit(u8),
    #[error("the UTF-8 `_id` is not valid UTF-8")]
    BadUtf8,
}

/// Encodes an id the way Elasticsearch stores it in `_id` (`Uid.encodeId`): all digits as packed
/// decimal, canonical URL-safe base64 (no padding) as its decoded bytes (escaped when the first
/// byte would read as a marker), anything else as marked UTF-8. An empty id encodes as a lone
/// UTF-8 marker; Elasticsearch refuses empty ids before they get here.
pub fn encode_id(id: &str) -> Vec<u8> {
    let bytes = id.as_bytes();
    if bytes.is_empty() {
        return vec![UTF8];
    }
    if bytes.iter().all(u8::is_ascii_digit) {
        let mut out = Vec::with_capacity(1 + bytes.len().div_ceil(2));
        out.push(NUMERIC);
        for pair in bytes.chunks(2) {
            let high = pair[0] - b'0';
            let low = pair.get(1).map_or(0x0f, |d| d - b'0');
            out.push((high << 4) | low);
        }
        return out;
    }
    if is_canonical_base64(bytes)
        && let Ok(decoded) = URL_SAFE_NO_PAD.decode(bytes)
    {
        if decoded.first().is_some_and(|&b| b >= BASE64_ESCAPE) {
            let mut out = Vec::with_capacity(decoded.len() + 1);
            out.push(BASE64_ESCAPE);
            out.extend_from_slice(&decoded);
            return out;
        }
        return decoded;
    }
    let mut out = Vec::with_capacity(bytes.len() + 1);
    out.push(UTF8);
    out.extend_from_slice(bytes);
    out
}

/// Whether `id` is URL-safe base64 without padding whose last symbol carries no unused bits (so
/// decoding and re-encoding gives the same text).
fn is_canonical_base64(id: &[u8]) -> bool {
    let last_ok = match (id.len() % 4, id.last()) {
        (0, _) => true,
        (2, Some(c)) => b"AQgw".contains(c),
        (3, Some(c)) => b"AEIMQUYcgkosw048".contains(c),
        _ => false,
    };
    last_ok
        && id
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

/// Decodes a stored `_id` into the id a user sees.
pub fn decode_id(bytes: &[u8]) -> Result<String, UidError> {
    match bytes.first() {
        None => Err(UidError::Empty),
        Some(&NUMERIC) => decode_numeric(&bytes[1..]),
        Some(&UTF8) => std::str::from_utf8(&bytes[1..])
            .map(str::to_owned)
            .map_err(|_| UidError::BadUtf8),
        Some(&BASE64_ESCAPE) => Ok(URL_SAFE_NO_PAD.encode(&bytes[1..])),
        Some(_) => Ok(URL_SAFE_NO_PAD.encode(bytes)),
    }
}

fn decode_numeric(packed: &[u8]) -> Result<String, UidError> {
    let mut out = String::with_capacity(packed.len() * 2);
    for (i, &b) in packed.iter().enumerate() {
        let (high, low) = (b >> 4, b & 0x0f);
        out.push(digit(high)?);
        if i + 1 == packed.len() && low == 0x0f {
            break;
        }
        out.push(digit(low)?);
    }
    Ok(out)
}

fn digit(nibble: u8) -> Result<char, UidError> {
    if nibble <= 9 {
        Ok(char::from(b'0' + nibble))
    } else {
        Err(UidError::BadDigit(nibble))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_ids_unpack_two_digits_a_byte() {
        assert_eq!(decode_id(&[0xfe, 0x42]).unwrap(), "42");
        assert_eq!(decode_id(&[0xfe, 0x00, 0x7f]).unwrap(), "007");
        assert_eq!(decode_id(&[0xfe, 0x1f]).unwrap(), "1");
        assert_eq!(decode_id(&[0xfe, 0x12, 0x34, 0x5f]).unwrap(), "12345");
    }

    #[test]
    fn utf8_ids_follow_their_marker() {
        let mut bytes = vec![0xff];
        bytes.extend_from_slice("naïve-日本語 🙂".as_bytes());
        assert_eq!(decode_id(&bytes).unwrap(), "naïve-日本語 🙂");
        assert_eq!(decode_id(&[0xff, b'a']).unwrap(), "a");
    }

    #[test]
    fn base64_ids_are_their_decoded_bytes() {
        // "AAAA" decodes to three zero bytes; "YWI" to "ab"
        assert_eq!(decode_id(&[0, 0, 0]).unwrap(), "AAAA");
        assert_eq!(decode_id(b"ab").unwrap(), "YWI");
        assert_eq!(
            decode_id(&URL_SAFE_NO_PAD.decode("Xk9fZ3QBk2mB_pLwq1aZ").unwrap()).unwrap(),
            "Xk9fZ3QBk2mB_pLwq1aZ"
        );
    }

    #[test]
    fn escaped_base64_ids_drop_the_escape_byte() {
        // "_-8A" decodes to ff ef 00, which starts like a marker, so it is stored escaped
        assert_eq!(decode_id(&[0xfd, 0xff, 0xef, 0x00]).unwrap(), "_-8A");
        // a decoded first byte of 0xfd is escaped too
        assert_eq!(decode_id(&[0xfd, 0xfd, 0x00]).unwrap(), "_QA");
    }

    #[test]
    fn ids_encode_like_elasticsearch_and_decode_back() {
        assert_eq!(encode_id("42"), [0xfe, 0x42]);
        assert_eq!(encode_id("12345"), [0xfe, 0x12, 0x34, 0x5f]);
        assert_eq!(encode_id("AAAA"), [0, 0, 0]);
        assert_eq!(encode_id("_-8A"), [0xfd, 0xff, 0xef, 0x00]);
        // `YWJ` is not canonical (its last symbol has unused bits set): UTF-8
        assert_eq!(encode_id("YWJ"), [0xff, b'Y', b'W', b'J']);
        assert_eq!(encode_id("a"), [0xff, b'a']);
        for id in [
            "0",
            "007",
            "Xk9fZ3QBk2mB_pLwq1aZ",
            "naïve-日本語 🙂",
            "a#b",
            "AQ",
            "_QA",
            "-",
            "x y",
        ] {
            assert_eq!(decode_id(&encode_id(id)).unwrap(), id, "{id}");
        }
    }

    #[test]
    fn malformed_ids_are_errors() {
        assert_eq!(decode_id(&[]), Err(UidError::Empty));
        assert_eq!(decode_id(&[0xfe, 0x4a]), Err(UidError::BadDigit(0xa)));
        assert_eq!(decode_id(&[0xfe, 0xf1]), Err(UidError::BadDigit(0xf)));
        assert_eq!(decode_id(&[0xff, 0xc3]), Err(UidError::BadUtf8));
    }
}
