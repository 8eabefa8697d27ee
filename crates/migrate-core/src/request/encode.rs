//! The one percent-encoder: every path segment and query key/value a step sends or previews goes
//! through [`encode`], so an index named `movies+2024` is `/movies%2B2024/_close` in the dry run and
//! on the wire alike.

/// Appends `text` percent-encoded: ASCII letters, digits and `-` `_` `.` `~` stay (RFC 3986
/// unreserved), and so do `,` and `*`, so multi-index expressions and patterns keep working;
/// every other byte (UTF-8 for non-ASCII) becomes `%XX`.
pub fn encode_into(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b',' | b'*') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
    }
}

/// [`encode_into`] into a new string.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_into(text, &mut out);
    out
}

/// Decodes `%XX` sequences (for reading logged requests back); `None` when the result is not UTF-8
/// or an escape is cut short.
pub fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let s = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(s, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_spaces_and_non_ascii_are_escaped_patterns_are_not() {
        assert_eq!(encode("movies+2024"), "movies%2B2024");
        assert_eq!(encode("a b~c%d#e?f:g"), "a%20b~c%25d%23e%3Ff%3Ag");
        assert_eq!(encode("logs-*,-logs-old"), "logs-*,-logs-old");
        assert_eq!(encode("données"), "donn%C3%A9es");
        assert_eq!(encode("node:42"), "node%3A42");
        for s in ["movies+2024", "a b~c%d#e?f:g", "données", "x/y"] {
            assert_eq!(decode(&encode(s)).as_deref(), Some(s));
        }
        assert_eq!(decode("%4"), None);
    }
}
