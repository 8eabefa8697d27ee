//! Generated search pages of ~1 KB documents, shared by the criterion bench and the `proof_1m`
//! example (deterministic: document `i` is always the same bytes).

use std::fmt::Write;

const WORDS: [&str; 16] = [
    "migration",
    "cluster",
    "snapshot",
    "restore",
    "index",
    "shard",
    "replica",
    "mapping",
    "setting",
    "alias",
    "document",
    "routing",
    "verify",
    "proof",
    "digest",
    "bucket",
];

/// The `_source` of document `i` (about 1 KB); `changed` alters one field.
pub fn source(out: &mut String, i: u64, changed: bool) {
    let w = |k: u64| WORDS[(k % 16) as usize];
    let _ = write!(
        out,
        r#"{{"id":{i},"title":"Title {i}: the {} of the {}","description":""#,
        w(i),
        w(i / 3)
    );
    for k in 0..80 {
        let _ = write!(out, "{} ", w(i.wrapping_mul(31).wrapping_add(k * 7)));
    }
    let _ = write!(
        out,
        r#"","tags":["t{}","t{}","tag-{}"],"price":{}.{:02},"stock":{},"active":{},"created":"2024-{:02}-{:02}T12:34:56Z","author":{{"name":"Author {}","email":"a{}@example.com","country":"C{}"}},"ratings":[{},{},{},{},{}],"location":{{"lat":{}.{:04},"lon":{}.{:04}}},"version":{}}}"#,
        i % 17,
        i % 31,
        i % 5,
        i % 1000,
        i % 100,
        i % 5000,
        i.is_multiple_of(2),
        i % 12 + 1,
        i % 28 + 1,
        i % 977,
        i % 977,
        i % 50,
        i % 5,
        (i / 5) % 5,
        (i / 25) % 5,
        (i / 125) % 5,
        (i / 625) % 5,
        i % 90,
        i % 10_000,
        i % 180,
        (i * 7) % 10_000,
        if changed { 2 } else { 1 },
    );
}

/// A search response page holding documents `from..to`; `changed(i)` alters document `i`.
pub fn page(out: &mut String, from: u64, to: u64, changed: impl Fn(u64) -> bool) {
    out.clear();
    let _ = write!(
        out,
        r#"{{"took":3,"timed_out":false,"_shards":{{"total":1,"successful":1,"skipped":0,"failed":0}},"hits":{{"total":{{"value":{},"relation":"eq"}},"max_score":null,"hits":["#,
        to - from
    );
    for i in from..to {
        if i > from {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"_index":"bench","_id":"doc-{i}","_score":null,"_source":"#
        );
        source(out, i, changed(i));
        let _ = write!(out, r#","sort":[{i}]}}"#);
    }
    out.push_str("]}}");
}
