//! Shared helpers: the committed fixtures, their expected documents, and reading a directory.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use migrate_lucene::{Directory, Document, MemoryDirectory, Shard};
use sha2::{Digest, Sha256};

/// `fixtures/generated/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/generated")
        .join(name)
}

/// The index of a generated fixture, in memory.
pub fn memory(name: &str) -> MemoryDirectory {
    MemoryDirectory::read_from(&fixture(name).join("index")).unwrap()
}

/// What `expected.jsonl` says of one live document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub id: String,
    pub doc_type: Option<String>,
    pub routing: Option<String>,
    /// `None`: the document has no `_source`.
    pub source: Option<SourceCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceCheck {
    Bytes(Vec<u8>),
    Digest { len: usize, sha256: String },
}

impl SourceCheck {
    pub fn matches(&self, bytes: &[u8]) -> bool {
        match self {
            SourceCheck::Bytes(b) => b == bytes,
            SourceCheck::Digest { len, sha256 } => {
                bytes.len() == *len && hex::encode(Sha256::digest(bytes)) == *sha256
            }
        }
    }
}

/// The live documents (by type and id) and the absent ones of a fixture.
pub struct Expectations {
    pub live: BTreeMap<(Option<String>, String), Expected>,
    pub absent: Vec<(Option<String>, String)>,
}

pub fn expectations(name: &str, file: &str) -> Expectations {
    let text = std::fs::read_to_string(fixture(name).join(file)).unwrap();
    let mut live = BTreeMap::new();
    let mut absent = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let doc_type = v["type"].as_str().map(str::to_owned);
        if let Some(id) = v["absent"].as_str() {
            absent.push((doc_type, id.to_owned()));
            continue;
        }
        let id = v["id"].as_str().unwrap().to_owned();
        let source = if let Some(len) = v["source_len"].as_u64() {
            Some(SourceCheck::Digest {
                len: len as usize,
                sha256: v["source_sha256"].as_str().unwrap().to_owned(),
            })
        } else {
            v["source"]
                .as_str()
                .map(|s| SourceCheck::Bytes(s.as_bytes().to_vec()))
        };
        let expected = Expected {
            id: id.clone(),
            doc_type: doc_type.clone(),
            routing: v["routing"].as_str().map(str::to_owned),
            source,
        };
        assert!(live.insert((doc_type, id), expected).is_none());
    }
    Expectations { live, absent }
}

/// Every document of the newest commit of `dir`.
pub fn read_all(dir: impl Directory + 'static) -> Vec<Document> {
    let shard = Shard::open(Arc::new(dir)).unwrap();
    shard.documents().collect::<Result<_, _>>().unwrap()
}

/// Asserts that `docs` are exactly the expected live documents: each once, with its routing,
/// type and source bytes, and none of the absent ones.
pub fn assert_documents(name: &str, docs: &[Document]) {
    assert_documents_of(name, "expected.jsonl", docs);
}

/// [`assert_documents`] against another expectations file of the fixture.
pub fn assert_documents_of(name: &str, file: &str, docs: &[Document]) {
    let expected = expectations(name, file);
    let mut seen = BTreeMap::new();
    for doc in docs {
        let key = (doc.doc_type.clone(), doc.id.clone());
        assert!(
            seen.insert(key.clone(), doc).is_none(),
            "{name}: {key:?} yielded twice (an older version not deleted?)"
        );
        assert!(
            !expected.absent.contains(&key),
            "{name}: deleted document {key:?} yielded"
        );
        let Some(want) = expected.live.get(&key) else {
            panic!("{name}: unexpected document {key:?} at {}", doc.position);
        };
        assert_eq!(doc.routing, want.routing, "{name}: routing of {key:?}");
        match (&want.source, &doc.source) {
            (None, None) => {}
            (Some(check), Some(bytes)) => assert!(
                check.matches(bytes),
                "{name}: _source of {key:?} differs: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            ),
            (want, got) => panic!(
                "{name}: _source of {key:?}: expected {}, got {}",
                if want.is_some() { "some" } else { "none" },
                if got.is_some() { "some" } else { "none" }
            ),
        }
    }
    let missing: Vec<_> = expected
        .live
        .keys()
        .filter(|k| !seen.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "{name}: documents not yielded: {missing:?}"
    );
}

/// The names of every generated fixture.
pub fn all_fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
