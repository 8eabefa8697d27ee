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
    fn malformed_ids_are_errors() {
        assert_eq!(decode_id(&[]), Err(UidError::Empty));
        assert_eq!(decode_id(&[0xfe, 0x4a]), Err(UidError::BadDigit(0xa)));
        assert_eq!(decode_id(&[0xfe, 0xf1]), Err(UidError::BadDigit(0xf)));
        assert_eq!(decode_id(&[0xff, 0xc3]), Err(UidError::BadUtf8));
    }
}
