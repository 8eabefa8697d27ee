//! Property tests: any value encodes and decodes back to itself, under every header.

use migrate_repo::smile::{Header, Object, Value, decode, encode};
use proptest::prelude::*;

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Integer),
        (-20i64..20).prop_map(Value::Integer),
        any::<i32>().prop_map(|i| Value::Integer(i64::from(i))),
        any::<u32>().prop_map(|b| Value::Float(f32::from_bits(b))),
        any::<u64>().prop_map(|b| Value::Double(f64::from_bits(b))),
        proptest::collection::vec(any::<u8>(), 0..20).prop_map(Value::BigInteger),
        (any::<i32>(), proptest::collection::vec(any::<u8>(), 0..12))
            .prop_map(|(scale, unscaled)| Value::BigDecimal { scale, unscaled }),
        ".{0,80}".prop_map(Value::String),
        "[a-c]{1,3}".prop_map(Value::String),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Binary),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::vec(("[a-e]{0,3}|.{0,70}", inner), 0..8)
                .prop_map(|fields| Value::Object(Object(fields))),
        ]
    })
}

fn header() -> impl Strategy<Value = Header> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(shared_names, shared_values, raw_binary)| Header {
            shared_names,
            shared_values,
            raw_binary,
        },
    )
}

/// Floats compared by bits, so NaN payloads count.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((n, a), (m, b))| n == m && same(a, b))
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_value_round_trips_under_any_header(v in value(), h in header()) {
        let bytes = encode(&v, h);
        let (header, back) = decode(&bytes).unwrap();
        prop_assert_eq!(header, h);
        prop_assert!(same(&v, &back), "{:?} != {:?}", v, back);
        // And encoding what was decoded gives the same bytes again.
        prop_assert_eq!(encode(&back, header), bytes);
    }

    #[test]
    fn any_bytes_decode_or_fail_without_panicking(tail in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut bytes = vec![0x3A, 0x29, 0x0A, 0x07];
        bytes.extend(tail);
        let _ = decode(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Real blob bodies with random bytes changed, re-sealed with a valid checksum: the decoder and
    /// the models see hostile content and must answer with an error or a value, never a panic.
    #[test]
    fn damaged_real_bodies_never_panic_the_readers(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        which in any::<prop::sample::Index>(),
    ) {
        use migrate_repo::compress::Compression;
        use migrate_repo::model::{BlobKind, ChecksumBlob, Document, IndexMetadata, ShardSnapshot, ShardSnapshots, SnapshotInfo};
        let blobs = crate::fixtures::checksummed_blobs("ES_7_10_BWC_Check");
        let (key, kind, bytes) = &blobs[which.index(blobs.len())];
        let un = migrate_repo::envelope::unwrap(key, kind.codec(), bytes).unwrap();
        let mut body = un.body;
        for (at, byte) in edits {
            let i = at.index(body.len());
            body[i] = byte;
        }
        let blob = migrate_repo::envelope::wrap(kind.codec(), &body, Compression::None);
        let _ = Document::read(*kind, key, &blob);
        match kind {
            BlobKind::SnapshotInfo => { let _ = SnapshotInfo::read(key, &blob); }
            BlobKind::IndexMetadata => { let _ = IndexMetadata::read(key, &blob).map(|m| m.mappings()); }
            BlobKind::ShardSnapshot => { let _ = ShardSnapshot::read(key, &blob); }
            BlobKind::ShardSnapshots => { let _ = ShardSnapshots::read(key, &blob); }
            BlobKind::GlobalMetadata => {}
        }
    }
}
