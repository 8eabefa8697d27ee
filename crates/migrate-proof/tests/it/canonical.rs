//! Hand-made `_source` pairs that must and must not hash equal.

use migrate_proof::{SourceError, source_hash};

fn h(s: &str) -> u128 {
    source_hash(s.as_bytes()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[track_caller]
fn same(a: &str, b: &str) {
    assert_eq!(h(a), h(b), "`{a}` and `{b}` should be equal");
}

#[track_caller]
fn differ(a: &str, b: &str) {
    assert_ne!(h(a), h(b), "`{a}` and `{b}` should differ");
}

#[test]
fn key_order_and_whitespace_do_not_matter_at_any_depth() {
    same(
        r#"{"a":1,"b":{"c":[1,{"d":2,"e":3}]}}"#,
        "{ \"b\" : {\"c\":[1,{\"e\":3,\n\"d\":2}]},\t\"a\":1 }",
    );
    same("{}", " { } ");
    same("[ ]", "[]");
}

#[test]
fn strings_are_compared_after_unescaping() {
    same(r#"{"k":"\u00e9"}"#, r#"{"k":"é"}"#);
    same(r#"{"k":"a\/b"}"#, r#"{"k":"a/b"}"#);
    same(r#"{"k":"\ud83d\ude00"}"#, r#"{"k":"😀"}"#);
    same(r#"{"\u006b":"v"}"#, r#"{"k":"v"}"#);
    same(r#"{"k":"\n\t\""}"#, "{\"k\":\"\\u000a\\u0009\\u0022\"}");
    // No Unicode normalisation: a precomposed é is not e + combining acute.
    differ(r#"{"k":"é"}"#, r#"{"k":"e\u0301"}"#);
}

#[test]
fn doubles_compare_by_value_as_a_reindex_rewrites_them() {
    same("[1.0]", "[1e0]");
    same("[1.0]", "[10E-1]");
    same("[1.0]", "[1.00]");
    same("[1.0]", "[0.1e1]");
    same("[1.5e3]", "[1500.0]");
    same("[0.1000000000000000001]", "[0.1]");
    differ("[0.1]", "[0.2]");
    differ("[0.0]", "[-0.0]");
}

#[test]
fn integers_compare_exactly_and_never_equal_a_double() {
    differ("[1]", "[1.0]");
    differ("[1]", "[1e0]");
    // 2^53 + 1 is not a double: an exact integer comparison still tells it from 2^53.
    differ("[9007199254740993]", "[9007199254740992]");
    same("[18446744073709551615]", "[18446744073709551615]");
    same("[-9223372036854775808]", "[-9223372036854775808]");
    differ("[1]", "[-1]");
}

#[test]
fn kinds_never_collide() {
    differ(r#"{"a":"1"}"#, r#"{"a":1}"#);
    differ(r#"{"a":null}"#, "{}");
    differ("[]", "{}");
    differ("[]", "null");
    differ("{}", "null");
    differ(r#"{"a":true}"#, r#"{"a":"true"}"#);
    differ(r#"{"a":"b"}"#, r#"{"b":"a"}"#);
    differ(r#"{"a":[]}"#, r#"{"a":{}}"#);
    differ(r#"{"a":[{}]}"#, r#"{"a":{}}"#);
}

#[test]
fn arrays_are_ordered_and_nesting_counts() {
    differ("[1,2]", "[2,1]");
    differ("[[1],2]", "[1,[2]]");
    differ("[1,2]", "[[1,2]]");
    differ(r#"{"a":{"b":1}}"#, r#"{"a":{"c":1}}"#);
    differ(r#"{"a":{"b":{"c":1}}}"#, r#"{"a":{"b":1,"c":1}}"#);
}

#[test]
fn values_moved_between_keys_and_repeated_members_are_detected() {
    differ(r#"{"a":1,"b":2}"#, r#"{"a":2,"b":1}"#);
    differ(r#"{"a":1,"a":2}"#, r#"{"a":1}"#);
    differ(r#"{"a":1,"a":1}"#, r#"{"a":1}"#);
    differ(r#"{"a":1,"a":1,"b":2}"#, r#"{"b":2}"#);
    same(r#"{"a":1,"a":2}"#, r#"{"a":2,"a":1}"#);
}

#[test]
fn smile_and_cbor_are_refused_naming_the_format_and_the_fix() {
    let smile = source_hash(b":)\n\x00\xfa\x80a\x24\xfb").unwrap_err();
    assert_eq!(smile, SourceError::NotJson { format: "SMILE" });
    assert_eq!(
        smile.to_string(),
        "`_source` is SMILE, not JSON; read the documents with `Accept: application/json` (the default) so that Elasticsearch returns `_source` as JSON"
    );
    let cbor = source_hash(&[0xa1, 0x61, b'a', 0x01]).unwrap_err();
    assert_eq!(cbor, SourceError::NotJson { format: "CBOR" });
}

#[test]
fn broken_json_is_refused_with_line_and_column() {
    let e = source_hash(br#"{"a":1} x"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`_source` is not valid JSON at line 1, column 9: trailing characters"
    );
    let e = source_hash(b"{\"a\":").unwrap_err();
    assert!(
        matches!(
            e,
            SourceError::Invalid {
                line: 1,
                column: 5,
                ..
            }
        ),
        "{e:?}"
    );
    // A lone surrogate is not a Unicode string: refused rather than guessed.
    let e = source_hash(br#"{"k":"\ud800"}"#).unwrap_err();
    assert!(matches!(e, SourceError::Invalid { line: 1, .. }), "{e:?}");
}

#[test]
fn nesting_deeper_than_128_levels_is_refused_not_overflowed() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = source_hash(deep.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("recursion limit exceeded"), "{e}");
    let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
    assert!(source_hash(ok.as_bytes()).is_ok());
}
