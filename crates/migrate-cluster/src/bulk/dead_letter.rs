//! The dead-letter file: one JSON line per document the destination refused for good (index, type,
//! id, routing, status, error type and reason, redacted), appended and flushed before the batch
//! counts as acknowledged, so a crash never loses a refusal. Never the document, never credentials.
//! One line per document: a document refused again (a later pass, a replayed batch) replaces its
//! earlier line, so the file names each document once, with the latest error.

use std::collections::{BTreeMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One refused document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    pub index: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<String>,
    pub status: u16,
    pub error_type: String,
    pub reason: String,
}

/// Which document a letter names.
type Key = (String, Option<String>, String);

fn key(l: &DeadLetter) -> Key {
    (l.index.clone(), l.ty.clone(), l.id.clone())
}

/// The JSONL file, one line per refused document.
#[derive(Debug)]
pub struct DeadLetters {
    path: PathBuf,
    file: Mutex<Option<Open>>,
}

/// The file open for appending, with the documents it names.
#[derive(Debug)]
struct Open {
    file: File,
    keys: HashSet<Key>,
}

impl DeadLetters {
    /// Letters go to `path` (created with its directory on the first letter).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        DeadLetters {
            path: path.into(),
            file: Mutex::new(None),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records `letters` and syncs them to disk: appended, or, when the file already names one of
    /// the documents, rewritten (through a temporary file renamed over it) with their earlier
    /// lines left out.
    pub fn append(&self, letters: &[DeadLetter]) -> std::io::Result<()> {
        if letters.is_empty() {
            return Ok(());
        }
        // The latest letter of each document of the batch, in first-seen order.
        let mut latest: Vec<&DeadLetter> = Vec::with_capacity(letters.len());
        let mut at: BTreeMap<Key, usize> = BTreeMap::new();
        for l in letters {
            match at.get(&key(l)) {
                Some(&i) => latest[i] = l,
                None => {
                    at.insert(key(l), latest.len());
                    latest.push(l);
                }
            }
        }
        let mut text = Vec::new();
        for l in &latest {
            serde_json::to_writer(&mut text, l)?;
            text.push(b'\n');
        }
        let mut guard = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("dead-letter file lock poisoned"))?;
        if guard.is_none() {
            *guard = Some(self.open()?);
        }
        let Some(open) = guard.as_mut() else {
            return Err(std::io::Error::other("dead-letter file not open"));
        };
        if at.keys().any(|k| open.keys.contains(k)) {
            self.rewrite(&at, &text)?;
            open.file = OpenOptions::new().append(true).open(&self.path)?;
        } else {
            open.file.write_all(&text)?;
            open.file.sync_data()?;
        }
        open.keys.extend(at.into_keys());
        Ok(())
    }

    /// Opens the file for appending (creating it and its directory), reading the documents an
    /// earlier run or pass left in it.
    fn open(&self) -> std::io::Result<Open> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let keys = Self::lines(&self.path)?.iter().map(key).collect();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        Ok(Open { file, keys })
    }

    /// The file without the lines of the documents in `replaced`, then `text`; synced, renamed.
    fn rewrite(&self, replaced: &BTreeMap<Key, usize>, text: &[u8]) -> std::io::Result<()> {
        let mut out = Vec::new();
        for l in Self::lines(&self.path)? {
            if !replaced.contains_key(&key(&l)) {
                serde_json::to_writer(&mut out, &l)?;
                out.push(b'\n');
            }
        }
        out.extend_from_slice(text);
        let tmp = self.path.with_extension("jsonl.tmp");
        let mut f = File::create(&tmp)?;
        f.write_all(&out)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &self.path)
    }

    /// Every letter of the file, in order; missing file: none.
    fn lines(path: &Path) -> std::io::Result<Vec<DeadLetter>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                serde_json::from_str(line).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{}: {e}", path.display()),
                    )
                })
            })
            .collect()
    }

    /// The distinct refused documents in the file, each with its latest letter (a file written
    /// before letters were replaced may name a document twice), by (index, type, id); missing
    /// file: none. Bounded: documents past `limit` are counted, not kept.
    pub fn read(path: &Path, limit: usize) -> std::io::Result<(Vec<DeadLetter>, usize)> {
        let mut at: BTreeMap<Key, usize> = BTreeMap::new();
        let mut out = Vec::new();
        for l in Self::lines(path)? {
            let k = key(&l);
            match at.get(&k) {
                Some(&i) if i < out.len() => out[i] = l,
                Some(_) => {}
                None => {
                    at.insert(k, out.len().min(limit));
                    if out.len() < limit {
                        out.push(l);
                    }
                }
            }
        }
        Ok((out, at.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(id: &str) -> DeadLetter {
        DeadLetter {
            index: "m".into(),
            ty: None,
            id: id.into(),
            routing: None,
            status: 400,
            error_type: "mapper_parsing_exception".into(),
            reason: "failed to parse".into(),
        }
    }

    #[test]
    fn a_document_refused_again_in_a_later_pass_is_named_once_with_the_latest_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dead/copy_m.jsonl");
        // Pass 1 refuses 1 and 2.
        DeadLetters::new(&path)
            .append(&[letter("1"), letter("2")])
            .unwrap();
        // Pass 2 (a new writer on the same file) refuses 2 again, for another reason, and 3.
        let mut again = letter("2");
        again.error_type = "illegal_argument_exception".into();
        again.reason = "a later reason".into();
        let pass2 = DeadLetters::new(&path);
        pass2.append(&[again.clone(), letter("3")]).unwrap();
        pass2.append(&[letter("4")]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 4, "{text}");
        assert_eq!(text.matches("\"id\":\"2\"").count(), 1, "{text}");
        let (read, distinct) = DeadLetters::read(&path, 10).unwrap();
        assert_eq!(distinct, 4);
        assert_eq!(read, vec![letter("1"), again, letter("3"), letter("4")]);
        assert!(!dir.path().join("dead/copy_m.jsonl.tmp").exists());
    }

    #[test]
    fn letters_appended_twice_after_a_replay_are_read_back_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dead/letters.jsonl");
        let d = DeadLetters::new(&path);
        d.append(&[letter("1"), letter("2")]).unwrap();
        d.append(&[letter("2")]).unwrap();
        let (read, distinct) = DeadLetters::read(&path, 10).unwrap();
        assert_eq!(distinct, 2);
        assert_eq!(read, vec![letter("1"), letter("2")]);
        let (none, zero) = DeadLetters::read(&dir.path().join("absent"), 10).unwrap();
        assert!(none.is_empty() && zero == 0);
    }
}
