//! The dead-letter file: one JSON line per document the destination refused for good (index, type,
//! id, routing, status, error type and reason, redacted), appended and flushed before the batch
//! counts as acknowledged, so a crash never loses a refusal. Never the document, never credentials.

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

/// The append-only JSONL file.
#[derive(Debug)]
pub struct DeadLetters {
    path: PathBuf,
    file: Mutex<Option<File>>,
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

    /// Appends `letters` and syncs them to disk.
    pub fn append(&self, letters: &[DeadLetter]) -> std::io::Result<()> {
        if letters.is_empty() {
            return Ok(());
        }
        let mut text = Vec::new();
        for l in letters {
            serde_json::to_writer(&mut text, l)?;
            text.push(b'\n');
        }
        let mut guard = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("dead-letter file lock poisoned"))?;
        if guard.is_none() {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            *guard = Some(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)?,
            );
        }
        let Some(f) = guard.as_mut() else {
            return Err(std::io::Error::other("dead-letter file not open"));
        };
        f.write_all(&text)?;
        f.sync_data()
    }

    /// The distinct refused documents in the file (a batch replayed after a crash may have written
    /// the same refusal twice), by (index, type, id); missing file: none. Bounded: lines past
    /// `limit` distinct letters are counted, not kept.
    pub fn read(path: &Path, limit: usize) -> std::io::Result<(Vec<DeadLetter>, usize)> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
            Err(e) => return Err(e),
        };
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let l: DeadLetter = serde_json::from_str(line).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: {e}", path.display()),
                )
            })?;
            if seen.insert((l.index.clone(), l.ty.clone(), l.id.clone())) && out.len() < limit {
                out.push(l);
            }
        }
        Ok((out, seen.len()))
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
