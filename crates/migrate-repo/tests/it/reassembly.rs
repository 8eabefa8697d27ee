//! Rebuilding Lucene files from snapshot blobs, checked against the snapshot's lengths and
//! checksums: every file of every real shard, split and inline files, and damaged data.

use migrate_repo::model::{ChecksumBlob, FileInfo, ShardSnapshot};
use migrate_repo::reassemble::{
    FileSource, ReassemblyError, Verifier, parse_base36, plan, reassemble, to_base36,
};
use migrate_repo::{BlobSource, FsBlobs};

use crate::fixtures::{REPOSITORIES, keys, repository};

/// Every shard snapshot of a real repository: (shard folder, model).
pub fn shard_snapshots(repo: &str) -> Vec<(String, ShardSnapshot)> {
    let root = repository(repo);
    keys(&root)
        .into_iter()
        .filter(|(key, _)| key.starts_with("indices/") && key.contains("/snap-"))
        .map(|(key, _)| {
            let bytes = std::fs::read(root.join(&key)).unwrap();
            let dir = key.rsplit_once('/').unwrap().0.to_owned();
            (dir, ShardSnapshot::read(&key, &bytes).unwrap())
        })
        .collect()
}

#[test]
fn every_lucene_file_of_every_real_shard_reassembles_with_its_length_and_checksum() {
    let mut files = 0;
    let mut inline = 0;
    for repo in REPOSITORIES {
        let source = FsBlobs::new(repository(repo));
        for (dir, shard) in shard_snapshots(repo) {
            for file in &shard.files {
                let bytes =
                    reassemble(&source, &dir, file).unwrap_or_else(|e| panic!("{repo}/{dir}: {e}"));
                assert_eq!(bytes.len() as u64, file.length);
                // Every Lucene file starts with the codec magic.
                assert_eq!(
                    bytes[..4],
                    [0x3F, 0xD7, 0x6C, 0x17],
                    "{repo}: {}",
                    file.physical_name
                );
                if let Some(hash) = &file.meta_hash {
                    // Segment infos: the metadata holds the whole file, blob or not.
                    assert_eq!(hash, &bytes, "{repo}: {}", file.physical_name);
                    inline += usize::from(file.is_virtual());
                }
                files += 1;
            }
        }
    }
    assert_eq!(files, 71, "Lucene files across the real shard snapshots");
    assert_eq!(
        inline, 14,
        "7.10 segment infos stored only in metadata (v__)"
    );
}

#[test]
fn checksums_are_java_base36_longs() {
    assert_eq!(parse_base36("tbyg3s"), Some(1_773_602_056));
    assert_eq!(to_base36(1_773_602_056), "tbyg3s");
    assert_eq!(to_base36(0), "0");
    assert_eq!(parse_base36(""), None);
    assert_eq!(parse_base36("x!"), None);
}

fn soft_cfs() -> (FsBlobs, String, FileInfo) {
    let repo = "ES_7_10_Updates_Deletes_w_Soft";
    let (dir, shard) = shard_snapshots(repo).remove(0);
    let file = shard.file("_0.cfs").unwrap().clone();
    (FsBlobs::new(repository(repo)), dir, file)
}

#[test]
fn a_split_file_is_read_from_its_parts_in_order() {
    let (source, dir, mut file) = soft_cfs();
    let whole = reassemble(&source, &dir, &file).unwrap();
    file.part_size = Some(1000);
    let FileSource::Blobs(keys) = plan(&dir, &file).unwrap().source else {
        panic!("a data file");
    };
    let expected: Vec<String> = (0..5)
        .map(|i| format!("{dir}/{}.part{i}", file.name))
        .collect();
    assert_eq!(keys, expected, "4231 bytes in parts of 1000");
    let tmp = tempfile::tempdir().unwrap();
    let parts = FsBlobs::new(tmp.path());
    let blobs: Vec<(String, Vec<u8>)> = keys
        .iter()
        .cloned()
        .zip(whole.chunks(1000).map(<[u8]>::to_vec))
        .collect();
    parts.put_all(&blobs).unwrap();
    assert_eq!(reassemble(&parts, &dir, &file).unwrap(), whole);
    // One part missing: the error names the part.
    std::fs::remove_file(tmp.path().join(&keys[3])).unwrap();
    let err = reassemble(&parts, &dir, &file).unwrap_err();
    assert!(
        matches!(&err, ReassemblyError::Read { key, .. } if key == &keys[3]),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("`_0.cfs`: reading blob `indices/ADqaSwRmQGeZpfc8raDTtA/0/"),
        "{err}"
    );
}

#[test]
fn an_inline_file_reads_no_blob() {
    let (_, dir, _) = soft_cfs();
    let (_, shard) = shard_snapshots("ES_7_10_Updates_Deletes_w_Soft").remove(0);
    let si = shard.file("_0.si").unwrap();
    assert!(si.is_virtual());
    assert!(matches!(
        plan(&dir, si).unwrap().source,
        FileSource::Inline(_)
    ));
    let empty = tempfile::tempdir().unwrap();
    let bytes = reassemble(&FsBlobs::new(empty.path()), &dir, si).unwrap();
    assert_eq!(bytes.len(), 368);
    let mut lost = si.clone();
    lost.meta_hash = None;
    let err = reassemble(&FsBlobs::new(empty.path()), &dir, &lost).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`_0.si` is a metadata-only (`v__`) file but has no `meta_hash` content"
    );
}

#[test]
fn damaged_data_is_a_checksum_or_length_error_naming_the_file() {
    let (source, dir, file) = soft_cfs();
    let whole = source.read(&format!("{dir}/{}", file.name)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let copy = FsBlobs::new(tmp.path());
    let key = format!("{dir}/{}", file.name);
    let mut flipped = whole.clone();
    flipped[100] ^= 0x10;
    copy.put_all(&[(key.clone(), flipped)]).unwrap();
    let err = reassemble(&copy, &dir, &file).unwrap_err();
    assert!(
        matches!(
            err,
            ReassemblyError::Checksum {
                what: "the CRC32 of the file's content",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("`_0.cfs`: the CRC32 of the file's content is "),
        "{err}"
    );
    copy.put_all(&[(key.clone(), whole[..4000].to_vec())])
        .unwrap();
    let err = reassemble(&copy, &dir, &file).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`_0.cfs`: rebuilt 4000 bytes, the snapshot says 4231"
    );
    copy.put_all(&[(key, whole.clone())]).unwrap();
    let mut wrong = file.clone();
    wrong.checksum = "abc".into();
    let err = reassemble(&copy, &dir, &wrong).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`_0.cfs`: the checksum in the file's footer is tbyg3s (base 36), expected abc"
    );
}

#[test]
fn the_verifier_accepts_the_file_in_any_pieces() {
    let (source, dir, file) = soft_cfs();
    let whole = reassemble(&source, &dir, &file).unwrap();
    for piece in [1, 3, 7, 8, 9, 1000] {
        let mut verifier = Verifier::new(&file).unwrap();
        for chunk in whole.chunks(piece) {
            verifier.update(chunk);
        }
        verifier
            .finish()
            .unwrap_or_else(|e| panic!("pieces of {piece}: {e}"));
    }
}
