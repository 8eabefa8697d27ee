//! The binary `format=` values of `_cat` APIs: CBOR (RFC 8949) and Smile (Jackson's binary JSON),
//! as Elasticsearch/OpenSearch answer them (`application/cbor`, `application/smile`). Cat values
//! are strings, so the encoders cover strings, booleans, null, arrays and objects; a number is
//! written as its decimal text.

use serde_json::Value;

fn cbor_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend(n.to_be_bytes());
        }
    }
}

fn cbor_text(out: &mut Vec<u8>, s: &str) {
    cbor_head(out, 3, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// CBOR with definite lengths.
pub fn cbor(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_cbor(&mut out, v);
    out
}

fn write_cbor(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(0xf6),
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Number(n) => cbor_text(out, &n.to_string()),
        Value::String(s) => cbor_text(out, s),
        Value::Array(a) => {
            cbor_head(out, 4, a.len() as u64);
            for x in a {
                write_cbor(out, x);
            }
        }
        Value::Object(m) => {
            cbor_head(out, 5, m.len() as u64);
            for (k, x) in m {
                cbor_text(out, k);
                write_cbor(out, x);
            }
        }
    }
}

/// Smile: header `:)\n` + version/flags byte 0 (no shared names or values, no raw binary).
pub fn smile(v: &Value) -> Vec<u8> {
    let mut out = vec![b':', b')', b'\n', 0x00];
    write_smile(&mut out, v);
    out
}

fn smile_value_text(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let ascii = s.is_ascii();
    match (b.len(), ascii) {
        (0, _) => out.push(0x20),
        (1..=32, true) => out.push(0x40 + (b.len() - 1) as u8),
        (33..=64, true) => out.push(0x60 + (b.len() - 33) as u8),
        (2..=33, false) => out.push(0x80 + (b.len() - 2) as u8),
        (34..=65, false) => out.push(0xa0 + (b.len() - 34) as u8),
        (_, true) => {
            out.push(0xe0);
            out.extend_from_slice(b);
            out.push(0xfc);
            return;
        }
        (_, false) => {
            out.push(0xe4);
            out.extend_from_slice(b);
            out.push(0xfc);
            return;
        }
    }
    out.extend_from_slice(b);
}

fn smile_key(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    match (b.len(), s.is_ascii()) {
        (0, _) => {
            out.push(0x20);
            return;
        }
        (1..=64, true) => out.push(0x80 + (b.len() - 1) as u8),
        (2..=57, false) => out.push(0xc0 + (b.len() - 2) as u8),
        _ => {
            out.push(0x34);
            out.extend_from_slice(b);
            out.push(0xfc);
            return;
        }
    }
    out.extend_from_slice(b);
}

fn write_smile(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(0x21),
        Value::Bool(false) => out.push(0x22),
        Value::Bool(true) => out.push(0x23),
        Value::Number(n) => smile_value_text(out, &n.to_string()),
        Value::String(s) => smile_value_text(out, s),
        Value::Array(a) => {
            out.push(0xf8);
            for x in a {
                write_smile(out, x);
            }
            out.push(0xf9);
        }
        Value::Object(m) => {
            out.push(0xfa);
            for (k, x) in m {
                smile_key(out, k);
                write_smile(out, x);
            }
            out.push(0xfb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cbor_matches_rfc_8949_examples() {
        // RFC 8949 appendix A.
        assert_eq!(
            cbor(&json!(["a", {"b": "c"}])),
            [0x82, 0x61, 0x61, 0xa1, 0x61, 0x62, 0x61, 0x63]
        );
        assert_eq!(cbor(&json!("IETF")), [0x64, 0x49, 0x45, 0x54, 0x46]);
        assert_eq!(cbor(&json!("\u{00fc}")), [0x62, 0xc3, 0xbc]);
        assert_eq!(cbor(&json!([true, false, null])), [0x83, 0xf5, 0xf4, 0xf6]);
        let long = "x".repeat(300);
        assert_eq!(cbor(&json!(long))[..3], [0x79, 0x01, 0x2c]);
    }

    #[test]
    fn smile_tokens_follow_the_format_spec() {
        assert_eq!(
            smile(&json!({"a": "b"})),
            [0x3a, 0x29, 0x0a, 0x00, 0xfa, 0x80, b'a', 0x40, b'b', 0xfb]
        );
        assert_eq!(
            smile(&json!(["", null, true, false]))[4..],
            [0xf8, 0x20, 0x21, 0x23, 0x22, 0xf9]
        );
        let long = "y".repeat(70);
        let enc = smile(&json!(long));
        assert_eq!((enc[4], enc[enc.len() - 1]), (0xe0, 0xfc));
        assert_eq!(smile(&json!("é"))[4..], [0x80, 0xc3, 0xa9]);
    }
}
