//! Damaged indexes: a flipped byte, a truncated file, an unknown codec, a missing file — each an
//! error naming the file; and damage hidden behind a recomputed checksum never panics.

use std::sync::Arc;

use migrate_lucene::{Directory, Error, MemoryDirectory, Shard};

use crate::support::memory;

/// Reads every document, returning the first error.
fn read(dir: MemoryDirectory) -> Result<usize, Error> {
    let shard = Shard::open(Arc::new(dir))?;
    let mut n = 0;
    for doc in shard.documents() {
        doc?;
        n += 1;
    }
    Ok(n)
}

fn names(dir: &MemoryDirectory) -> Vec<String> {
    let mut names = dir.list().unwrap();
    names.sort();
    names
}

fn edit(dir: &mut MemoryDirectory, name: &str, f: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = dir.get(name).unwrap().to_vec();
    f(&mut bytes);
    dir.insert(name, bytes);
}

/// Rewrites the CRC32 in the footer so the damage passes the checksum.
fn reseal(bytes: &mut [u8]) {
    let n = bytes.len();
    let crc = crc32fast::hash(&bytes[..n - 8]);
    bytes[n - 8..].copy_from_slice(&u64::from(crc).to_be_bytes());
}

#[test]
fn a_flipped_byte_in_a_stored_fields_file_is_a_checksum_error_naming_the_file() {
    let mut dir = memory("lucene8-best-speed");
    edit(&mut dir, "_3.fdt", |b| {
        let middle = b.len() / 2;
        b[middle] ^= 0x10;
    });
    let err = read(dir).unwrap_err().to_string();
    assert!(
        err.starts_with("`_3.fdt`: checksum mismatch (footer says 0x"),
        "{err}"
    );
    assert!(err.contains(", content hashes to 0x"), "{err}");
}

#[test]
fn a_flipped_byte_inside_a_compound_file_is_a_checksum_error_naming_the_compound_file() {
    let mut dir = memory("lucene9-best-compression-compound");
    edit(&mut dir, "_2.cfs", |b| b[200] ^= 0x01);
    let err = read(dir).unwrap_err().to_string();
    assert!(err.starts_with("`_2.cfs`: checksum mismatch"), "{err}");
}

#[test]
fn a_truncated_stored_fields_file_is_an_error_naming_the_file() {
    let mut dir = memory("lucene8-best-speed");
    edit(&mut dir, "_1.fdt", |b| b.truncate(b.len() - 100));
    let err = read(dir).unwrap_err().to_string();
    assert!(err.starts_with("`_1.fdt`: codec footer magic"), "{err}");
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn a_truncated_segment_info_is_an_error_naming_the_file() {
    let mut dir = memory("lucene9-soft-deletes");
    edit(&mut dir, "_0.si", |b| b.truncate(10));
    let err = read(dir).unwrap_err().to_string();
    assert!(err.starts_with("`_0.si`: truncated: 10 bytes"), "{err}");
}

#[test]
fn an_unknown_stored_fields_codec_is_an_unsupported_error_naming_file_and_codec() {
    let mut dir = memory("lucene8-best-speed");
    edit(&mut dir, "_0.fdt", |b| {
        // same length as Lucene87StoredFieldsFastData; resealed so only the name is wrong
        let at = b.windows(8).position(|w| w == b"Lucene87").unwrap();
        b[at..at + 8].copy_from_slice(b"Lucene95");
        reseal(b);
    });
    let err = read(dir).unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    let err = err.to_string();
    assert!(
        err.starts_with("`_0.fdt`: unsupported codec `Lucene95StoredFieldsFastData` (this reader knows `Lucene50StoredFieldsFastData`"),
        "{err}"
    );
}

#[test]
fn an_unknown_segment_info_codec_is_an_unsupported_error() {
    let mut dir = memory("lucene9-best-speed");
    edit(&mut dir, "_4.si", |b| {
        let at = b.windows(8).position(|w| w == b"Lucene90").unwrap();
        b[at..at + 8].copy_from_slice(b"Lucene10");
        reseal(b);
    });
    let err = read(dir).unwrap_err().to_string();
    assert!(
        err.starts_with("`_4.si`: unsupported codec `Lucene10SegmentInfo`"),
        "{err}"
    );
}

#[test]
fn a_chunk_whose_header_disagrees_with_the_index_is_an_error_naming_the_chunk() {
    let mut dir = memory("lucene8-lz4-plain");
    edit(&mut dir, "_0.fdt", |b| {
        // the first chunk starts right after the header; its first vint is its first doc
        let header = 4 + 1 + usize::from(b[4]) + 4 + 16 + 1;
        let at = header + usize::from(b[header - 1]);
        assert_eq!(b[at], 0, "the first chunk starts at doc 0");
        b[at] = 5;
        reseal(b);
    });
    let err = read(dir).unwrap_err().to_string();
    assert!(err.starts_with("`_0.fdt (chunk 0 at byte "), "{err}");
    assert!(
        err.contains("chunk holds docs 5..") && err.contains("the stored-fields index says 0.."),
        "{err}"
    );
}

#[test]
fn a_segment_the_commit_does_not_list_is_named_with_the_ones_it_does() {
    let shard = Shard::open(Arc::new(memory("lucene8-es5-uid"))).unwrap();
    let err = shard.segment("_9").err().unwrap().to_string();
    assert_eq!(
        err,
        "commit `segments_1` has no segment `_9` (segments: _0, _1, _2)"
    );
}

#[test]
fn a_missing_file_is_named_with_the_file_that_needs_it() {
    let mut dir = memory("lucene8-soft-deletes");
    dir.remove("_2_2_Lucene80_0.dvd").unwrap();
    let err = read(dir).unwrap_err().to_string();
    assert_eq!(
        err,
        "`_2_2_Lucene80_0.dvd` is missing from the Lucene directory (referenced by `_2_2.fnm`)"
    );
}

#[test]
fn a_live_docs_file_disagreeing_with_the_commit_is_an_error() {
    let mut dir = memory("lucene8-best-speed");
    let liv = names(&dir)
        .into_iter()
        .find(|n| n.ends_with(".liv"))
        .unwrap();
    edit(&mut dir, &liv, |b| {
        // resurrect the deleted documents: set every bit between the header and the footer
        let name_len = usize::from(b[4]);
        let suffix_at = 4 + 1 + name_len + 4 + 16;
        let start = suffix_at + 1 + usize::from(b[suffix_at]);
        let end = b.len() - 16;
        b[start..end].fill(0xff);
        reseal(b);
    });
    let err = read(dir).unwrap_err().to_string();
    assert!(err.contains("the commit says"), "{err}");
}

#[test]
fn a_directory_without_a_commit_says_so() {
    let mut dir = memory("lucene8-es5-uid");
    dir.remove("segments_1").unwrap();
    let err = Shard::open(Arc::new(dir)).err().unwrap().to_string();
    assert!(
        err.starts_with("no Lucene commit (`segments_N` file) in the directory; files: _0.fdm"),
        "{err}"
    );
}

/// Files the reader always reads: cutting one short must be an error.
fn always_read(name: &str) -> bool {
    name.starts_with("segments_")
        || [".si", ".fdt", ".fdx", ".fdm", ".cfs", ".cfe", ".liv"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Every file of a fixture, damaged at many offsets and resealed (so the checksum passes), then
/// truncated at many lengths: reading never panics, and any error names a file.
#[test]
fn resealed_damage_and_truncation_anywhere_never_panic() {
    for fixture in [
        "lucene8-soft-deletes-merged",
        "lucene9-soft-deletes-merged",
        "lucene8-es5-uid",
    ] {
        let clean = memory(fixture);
        let mut outcomes = (0, 0);
        for name in names(&clean) {
            let len = clean.get(&name).unwrap().len();
            let step = (len / 11).max(1);
            for at in (0..len.saturating_sub(16)).step_by(step) {
                for flip in [0x01u8, 0xff] {
                    let mut dir = clean.clone();
                    edit(&mut dir, &name, |b| {
                        b[at] ^= flip;
                        reseal(b);
                    });
                    match read(dir) {
                        Ok(_) => outcomes.0 += 1,
                        Err(e) => {
                            assert!(e.to_string().contains('`'), "{fixture} {name}@{at}: {e}");
                            outcomes.1 += 1;
                        }
                    }
                }
            }
            for cut in (0..len).step_by(step) {
                let mut dir = clean.clone();
                edit(&mut dir, &name, |b| b.truncate(cut));
                let result = read(dir);
                if always_read(&name) {
                    assert!(
                        result.is_err(),
                        "{fixture}: `{name}` cut to {cut} bytes read fine"
                    );
                }
            }
        }
        assert!(outcomes.1 > 0, "{fixture}: some damage must be detected");
    }
}
