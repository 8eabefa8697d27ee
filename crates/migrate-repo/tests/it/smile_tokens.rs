//! SMILE tokens one by one, from hand-built bytes (the header `:)\n` + flags, then one value).

use migrate_repo::smile::{Header, Object, Value, decode, encode};

const ES: u8 = 0x05;

fn doc(flags: u8, body: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0x3A, 0x29, 0x0A, flags];
    bytes.extend_from_slice(body);
    bytes
}

fn value(flags: u8, body: &[u8]) -> Value {
    decode(&doc(flags, body)).unwrap().1
}

/// Decodes `body`, checks the value, and checks the encoder writes exactly these bytes back.
fn both_ways(flags: u8, body: &[u8], expected: Value) {
    let (header, decoded) = decode(&doc(flags, body)).unwrap();
    assert_eq!(decoded, expected, "decoding {body:02x?}");
    assert_eq!(
        encode(&decoded, header),
        doc(flags, body),
        "encoding {expected:?}"
    );
}

#[test]
fn the_header_flags_are_read_and_written() {
    let (header, _) = decode(&doc(0x07, &[0x21])).unwrap();
    assert_eq!(
        header,
        Header {
            shared_names: true,
            shared_values: true,
            raw_binary: true
        }
    );
    assert_eq!(Header::ELASTICSEARCH.flags(), 0x05);
    assert!(
        decode(&[0x3A, 0x29, 0x0A])
            .unwrap_err()
            .reason
            .contains("too short")
    );
    let err = decode(&doc(0x15, &[0x21])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid SMILE at byte 3: unsupported SMILE version 1 (only 0 exists)"
    );
    let err = decode(b"{\"a\":1}").unwrap_err();
    assert!(err.reason.contains("no SMILE header"), "{err}");
}

#[test]
fn literals_null_booleans_and_the_empty_string() {
    both_ways(ES, &[0x21], Value::Null);
    both_ways(ES, &[0x22], Value::Bool(false));
    both_ways(ES, &[0x23], Value::Bool(true));
    both_ways(ES, &[0x20], Value::String(String::new()));
}

#[test]
fn small_integers_are_one_zigzag_byte() {
    both_ways(ES, &[0xC0], Value::Integer(0));
    both_ways(ES, &[0xC1], Value::Integer(-1));
    both_ways(ES, &[0xC2], Value::Integer(1));
    both_ways(ES, &[0xDE], Value::Integer(15));
    both_ways(ES, &[0xDF], Value::Integer(-16));
}

#[test]
fn int_and_long_tokens_carry_zigzag_vints() {
    // 16: zigzag 32 = one 6-bit end byte.
    both_ways(ES, &[0x24, 0xA0], Value::Integer(16));
    // 5061699 (ES 5.6.16's version id), as ES 5.6 wrote it.
    both_ways(
        ES,
        &[0x24, 0x09, 0x53, 0x62, 0x86],
        Value::Integer(5_061_699),
    );
    both_ways(
        ES,
        &[0x24, 0x1F, 0x7F, 0x7F, 0x7F, 0xBF],
        Value::Integer(i64::from(i32::MIN)),
    );
    // A start_time in epoch milliseconds, from the ES 5.6 snapshot info.
    both_ways(
        ES,
        &[0x25, 0x01, 0x48, 0x5F, 0x7D, 0x0C, 0x76, 0x86],
        Value::Integer(1_724_427_849_411),
    );
    both_ways(
        ES,
        &[
            0x25, 0x03, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0xBE,
        ],
        Value::Integer(i64::MAX),
    );
    let err = decode(&doc(ES, &[0x24, 0x01, 0x01, 0x01, 0x01, 0x01, 0x80])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid SMILE at byte 5: VInt longer than 5 bytes"
    );
}

#[test]
fn floats_and_doubles_are_seven_bit_groups() {
    // 1.5f = 0x3FC00000: 4 bits then 4 × 7.
    both_ways(ES, &[0x28, 0x03, 0x7E, 0x00, 0x00, 0x00], Value::Float(1.5));
    // 1.5 = 0x3FF8000000000000: 1 bit then 9 × 7.
    both_ways(
        ES,
        &[
            0x29, 0x00, 0x3F, 0x7C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ],
        Value::Double(1.5),
    );
    let nan = value(
        ES,
        &[
            0x29, 0x00, 0x7F, 0x7C, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
        ],
    );
    assert!(matches!(nan, Value::Double(d) if d.is_nan()));
}

#[test]
fn big_integers_and_decimals_hold_seven_bit_encoded_bytes() {
    // 2^64 = bytes 01 00 00 00 00 00 00 00 00 (9 bytes: one full group of 7, then 2).
    let big = vec![1, 0, 0, 0, 0, 0, 0, 0, 0];
    both_ways(
        ES,
        &[
            0x26, 0x89, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ],
        Value::BigInteger(big),
    );
    // 12.34 = unscaled 1234 (04 d2), scale 2 (zigzag 4).
    both_ways(
        ES,
        &[0x2A, 0x84, 0x82, 0x02, 0x34, 0x02],
        Value::BigDecimal {
            scale: 2,
            unscaled: vec![0x04, 0xD2],
        },
    );
}

#[test]
fn short_and_long_ascii_and_unicode_strings() {
    both_ways(ES, &[0x40, b'a'], Value::from("a"));
    let s64 = "x".repeat(64);
    let mut body = vec![0x7F];
    body.extend_from_slice(s64.as_bytes());
    both_ways(ES, &body, Value::String(s64));
    let s65 = "y".repeat(65);
    let mut body = vec![0xE0];
    body.extend_from_slice(s65.as_bytes());
    body.push(0xFC);
    both_ways(ES, &body, Value::String(s65));
    both_ways(ES, &[0x80, 0xC3, 0xA9], Value::from("é"));
    let long_unicode = "é".repeat(40);
    let mut body = vec![0xE4];
    body.extend_from_slice(long_unicode.as_bytes());
    body.push(0xFC);
    both_ways(ES, &body, Value::String(long_unicode));
    let err = decode(&doc(ES, &[0x41, 0xFF, 0xFE])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid SMILE at byte 5: invalid UTF-8 in a string"
    );
}

#[test]
fn raw_and_seven_bit_binary_follow_the_header() {
    both_ways(
        ES,
        &[0xFD, 0x83, 1, 2, 0xFF],
        Value::Binary(vec![1, 2, 0xFF]),
    );
    // Without the raw-binary flag, binary is 7-bit encoded: 0xFF → 7F 01.
    both_ways(0x01, &[0xE8, 0x81, 0x7F, 0x01], Value::Binary(vec![0xFF]));
    // A 7-bit length near 2^64 is refused before any arithmetic or allocation.
    let huge = [
        0xE8, 0x03, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0xBF,
    ];
    let err = decode(&doc(0x01, &huge)).unwrap_err();
    assert!(
        err.reason
            .starts_with("binary length 18446744073709551615 exceeds"),
        "{err}"
    );
    let err = decode(&doc(0x01, &[0xFD, 0x81, 0])).unwrap_err();
    assert!(err.reason.contains("does not allow raw binary"), "{err}");
    let err = decode(&doc(ES, &[0xFD, 0x01, 0x80])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid SMILE at byte 5: raw binary length 64 exceeds the 0 bytes that remain"
    );
}

#[test]
fn arrays_objects_and_the_optional_end_marker() {
    let mut object = Object::new();
    object.push("a", Value::Array(vec![Value::Integer(1), Value::Null]));
    both_ways(
        ES,
        &[0xFA, 0x80, b'a', 0xF8, 0xC2, 0x21, 0xF9, 0xFB],
        Value::Object(object),
    );
    assert_eq!(value(ES, &[0xF8, 0xF9, 0xFF]), Value::Array(vec![]));
    let err = decode(&doc(ES, &[0xF8, 0xF9, 0x21])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid SMILE at byte 6: 1 bytes follow the end of the document"
    );
    let err = decode(&doc(ES, &[0xFA, 0x80, b'a'])).unwrap_err();
    assert!(err.reason.starts_with("truncated"), "{err}");
}

#[test]
fn shared_names_refer_back_short_and_long() {
    // {"ab":{"ab":1}}: the second "ab" is back-reference 0 (0x40).
    let mut inner = Object::new();
    inner.push("ab", Value::Integer(1));
    let mut outer = Object::new();
    outer.push("ab", Value::Object(inner));
    both_ways(
        ES,
        &[0xFA, 0x81, b'a', b'b', 0xFA, 0x40, 0xC2, 0xFB, 0xFB],
        Value::Object(outer),
    );
    // 70 distinct names, then the 65th again: a long reference 0x30 0x40.
    let mut object = Object::new();
    for i in 0..70 {
        object.push(format!("n{i}"), Value::Null);
    }
    object.push("n64", Value::Null);
    let bytes = encode(&Value::Object(object.clone()), Header::ELASTICSEARCH);
    assert_eq!(&bytes[bytes.len() - 4..], &[0x30, 0x40, 0x21, 0xFB]);
    assert_eq!(decode(&bytes).unwrap().1, Value::Object(object));
    let err = decode(&doc(ES, &[0xFA, 0x45, 0x21, 0xFB])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid SMILE at byte 5: back-reference to shared name #5, but only 0 are known"
    );
    let err = decode(&doc(0x04, &[0xFA, 0x40, 0x21, 0xFB])).unwrap_err();
    assert!(err.reason.contains("header disables shared names"), "{err}");
}

#[test]
fn long_and_unicode_names_take_their_own_tokens() {
    let name = "k".repeat(57);
    let mut object = Object::new();
    object.push(name.clone(), Value::Null);
    let mut body = vec![0xFA, 0x34];
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(&[0xFC, 0x21, 0xFB]);
    both_ways(ES, &body, Value::Object(object));
    let mut object = Object::new();
    object.push("ü", Value::Null);
    both_ways(
        ES,
        &[0xFA, 0xC0, 0xC3, 0xBC, 0x21, 0xFB],
        Value::Object(object),
    );
    let mut object = Object::new();
    object.push("", Value::Null);
    both_ways(ES, &[0xFA, 0x20, 0x21, 0xFB], Value::Object(object));
}

#[test]
fn shared_string_values_refer_back_short_and_long() {
    let flags = 0x03;
    // ["x","x"]: the second is short reference 1 (index 0).
    both_ways(
        flags,
        &[0xF8, 0x40, b'x', 0x01, 0xF9],
        Value::Array(vec![Value::from("x"), Value::from("x")]),
    );
    // 40 distinct values then the 32nd again: long reference 0xEC 0x1F.
    let mut items: Vec<Value> = (0..40).map(|i| Value::String(format!("v{i}"))).collect();
    items.push(Value::from("v31"));
    let header = Header {
        shared_names: true,
        shared_values: true,
        raw_binary: true,
    };
    let bytes = encode(&Value::Array(items.clone()), header);
    assert_eq!(&bytes[bytes.len() - 3..], &[0xEC, 0x1F, 0xF9]);
    assert_eq!(decode(&bytes).unwrap().1, Value::Array(items));
    let err = decode(&doc(ES, &[0xF8, 0x01, 0xF9])).unwrap_err();
    assert!(
        err.reason.contains("header disables shared values"),
        "{err}"
    );
}

#[test]
fn the_shared_window_restarts_after_1024_entries_and_skips_fe_ff_indexes() {
    // 1100 distinct names then the 1050th and the 10th: after the restart at 1024, "n1050" is
    // entry 26 and "n10" (lost with the restart) is written in full again.
    let mut object = Object::new();
    for i in 0..1100 {
        object.push(format!("n{i}"), Value::Null);
    }
    object.push("n1050", Value::Null);
    object.push("n10", Value::Null);
    let bytes = encode(&Value::Object(object.clone()), Header::ELASTICSEARCH);
    assert_eq!(
        &bytes[bytes.len() - 8..],
        &[0x40 + 26, 0x21, 0x82, b'n', b'1', b'0', 0x21, 0xFB]
    );
    assert_eq!(decode(&bytes).unwrap().1, Value::Object(object));
    // Name #254 (index 0xFE) is never referenced: written in full the second time.
    let mut object = Object::new();
    for i in 0..300 {
        object.push(format!("m{i}"), Value::Null);
    }
    object.push("m254", Value::Null);
    object.push("m253", Value::Null);
    let bytes = encode(&Value::Object(object.clone()), Header::ELASTICSEARCH);
    assert_eq!(
        &bytes[bytes.len() - 10..],
        &[0x83, b'm', b'2', b'5', b'4', 0x21, 0x30, 0xFD, 0x21, 0xFB]
    );
    assert_eq!(decode(&bytes).unwrap().1, Value::Object(object));
}

#[test]
fn nesting_is_bounded() {
    let mut body = vec![0xF8; 300];
    body.extend(vec![0xF9; 300]);
    let err = decode(&doc(ES, &body)).unwrap_err();
    assert!(err.reason.contains("nested deeper than 256"), "{err}");
}

#[test]
fn json_conversion_is_lossless_or_says_where_it_cannot_be() {
    let json = serde_json::json!({"a": [1, -2, 2.5, "s", null, true], "b": {"c": 9_007_199_254_740_993_i64}});
    let value = Value::from_json(&json);
    assert_eq!(value.to_json().unwrap(), json);
    let mut object = Object::new();
    object.push("hash", Value::Binary(vec![1]));
    let mut outer = Object::new();
    outer.push("files", Value::Array(vec![Value::Object(object)]));
    let err = Value::Object(outer).to_json().unwrap_err();
    assert_eq!(
        err.to_string(),
        "`/files/0/hash` is binary, which JSON cannot represent"
    );
}
