//! The local file backend, the embedded default: `.migrate/` next to the plan holds
//! `<plan>.state.json` (the compacted state, canonical JSON), `<plan>.journal` (commits since the
//! last compaction, one line each) and `<plan>.lock`.
//!
//! A commit appends one checksummed line to the journal and fsyncs it, so checkpointing a
//! transition costs one small write whatever the size of the plan; every `compact_every` commits
//! (and on [`Changes::All`]) the whole state is written to a temporary file, fsynced, renamed over
//! `<plan>.state.json`, the directory fsynced, and the journal emptied. Loading reads the state file
//! and replays journal lines with a higher serial, so a kill at any instant — mid-append, between
//! the rename and the truncation — leaves the last acknowledged commit readable. Loading never
//! writes: `migrate plan --dry-run` can read a state while a run holds it.
//!
//! The compare-and-swap of a commit runs against the disk, not only this store's memory: every
//! commit first checks that the state file is still the one this store last read or wrote (same
//! file identity, length and modification time) and that the journal still has the length it
//! last saw. If either moved, another store committed meanwhile: the state is re-read and the
//! serial/lineage rule checked against it, so a stale store is refused with
//! [`StateError::Conflict`] whether it appends or rewrites the whole state.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use uuid::Uuid;

use crate::atomic;
use crate::error::StateError;
use crate::format::{parse_state, to_canonical_json};
use crate::journal;
use crate::lock::{LockAcquired, LockInfo};
use crate::state::State;
use crate::store::{Changes, StateStore, check_successor};

/// Largest state or journal file read.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Why a state file cannot be read, as the I/O error the state errors carry.
fn unreadable(e: &migrate_input::ReadError) -> io::Error {
    let kind = match e {
        migrate_input::ReadError::Io { kind, .. } => *kind,
        _ => io::ErrorKind::InvalidInput,
    };
    io::Error::new(kind, e.reason())
}

/// Commits between compactions by default.
const COMPACT_EVERY: usize = 4096;

/// State, journal and lock files of one plan in a `.migrate` directory.
#[derive(Debug)]
pub struct FileStore {
    dir: PathBuf,
    plan_name: String,
    state_path: PathBuf,
    journal_path: PathBuf,
    lock_path: PathBuf,
    compact_every: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// What is committed on disk, as last seen by this store.
    known: Option<Known>,
    journal: Option<std::fs::File>,
}

#[derive(Debug, Clone)]
struct Known {
    lineage: Uuid,
    serial: u64,
    /// Length of the journal's intact prefix.
    journal_valid: u64,
    /// Length of the journal file (longer than `journal_valid` after a torn write).
    journal_file: u64,
    journal_lines: usize,
    /// The state file is in an older format: the next commit rewrites it.
    outdated: bool,
    /// The identity of the state file this store last read or wrote.
    stamp: Stamp,
}

/// What identifies one version of the state file on disk without reading it: it is only ever
/// replaced by a rename, which gives it a new inode and modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    dev: u64,
    #[cfg(unix)]
    ino: u64,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            dev: meta.dev(),
            #[cfg(unix)]
            ino: meta.ino(),
        }
    }
}

/// The on-disk facts a commit compares with [`Known`]: the state file's stamp (`None` when it is
/// absent) and the journal's length.
fn disk_view(state: &Path, journal: &Path) -> Result<(Option<Stamp>, u64), StateError> {
    let stamp = match std::fs::metadata(state) {
        Ok(m) => Some(Stamp::of(&m)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(StateError::io("inspect", state, e)),
    };
    let journal_len = match std::fs::metadata(journal) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => 0,
        Err(e) => return Err(StateError::io("inspect", journal, e)),
    };
    Ok((stamp, journal_len))
}

impl FileStore {
    /// The store for the plan named `plan_name` whose file is `plan_path`: `.migrate/` next to it.
    pub fn for_plan(plan_path: &Path, plan_name: &str) -> Result<Self, StateError> {
        let dir = match plan_path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.join(".migrate"),
            _ => PathBuf::from(".migrate"),
        };
        Self::new(dir, plan_name)
    }

    /// The store for `plan_name` in directory `dir` (created on the first write, never on a read).
    pub fn new(dir: impl Into<PathBuf>, plan_name: &str) -> Result<Self, StateError> {
        let valid = !plan_name.is_empty()
            && !plan_name.starts_with('.')
            && plan_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(StateError::BadPlanName {
                name: plan_name.to_owned(),
            });
        }
        let dir = dir.into();
        Ok(FileStore {
            state_path: dir.join(format!("{plan_name}.state.json")),
            journal_path: dir.join(format!("{plan_name}.journal")),
            lock_path: dir.join(format!("{plan_name}.lock")),
            dir,
            plan_name: plan_name.to_owned(),
            compact_every: COMPACT_EVERY,
            inner: Mutex::new(Inner::default()),
        })
    }

    /// The store whose state file is `path` (`<dir>/<plan>.state.json`), e.g. from
    /// `migrate plan --dry-run --state PATH`: loading it replays that state's journal too.
    pub fn for_state_file(path: &Path) -> Result<Self, StateError> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some(plan) = name.strip_suffix(".state.json") else {
            return Err(StateError::Invalid {
                path: path.to_owned(),
                message: "a state file is named `<plan>.state.json`".into(),
            });
        };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        Self::new(dir, plan)
    }

    /// Compacts after this many journal lines (at least 1).
    pub fn with_compact_every(mut self, commits: usize) -> Self {
        self.compact_every = commits.max(1);
        self
    }

    pub fn state_path(&self) -> &Path {
        &self.state_path
    }

    pub fn journal_path(&self) -> &Path {
        &self.journal_path
    }

    pub fn lock_path(&self) -> &Path {
        &self.lock_path
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, StateError> {
        // A regular file of bounded size: a FIFO or a device is refused, never waited on.
        match migrate_input::read_limited(path, MAX_FILE_BYTES) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(migrate_input::ReadError::Io {
                kind: io::ErrorKind::NotFound,
                ..
            }) => Ok(None),
            Err(e) => Err(StateError::io("read", path, unreadable(&e))),
        }
    }

    /// The state file's bytes and the stamp of the very file they were read from.
    fn read_state_file(&self) -> Result<Option<(Vec<u8>, Stamp)>, StateError> {
        use std::io::Read;
        let path = &self.state_path;
        // A regular file of bounded size: a FIFO or a device is refused, never waited on.
        let file = match migrate_input::open_limited(path, MAX_FILE_BYTES) {
            Ok(f) => f,
            Err(migrate_input::ReadError::Io {
                kind: io::ErrorKind::NotFound,
                ..
            }) => return Ok(None),
            Err(e) => return Err(StateError::io("read", path, unreadable(&e))),
        };
        let meta = file
            .metadata()
            .map_err(|e| StateError::io("inspect", path, e))?;
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| StateError::io("read", path, e))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            let e = migrate_input::ReadError::TooLarge {
                path: path.clone(),
                limit: MAX_FILE_BYTES,
            };
            return Err(StateError::io("read", path, unreadable(&e)));
        }
        Ok(Some((bytes, Stamp::of(&meta))))
    }

    fn load_full(&self) -> Result<(Option<State>, Option<Known>), StateError> {
        let journal = Self::read_optional(&self.journal_path)?.unwrap_or_default();
        let Some((bytes, stamp)) = self.read_state_file()? else {
            if journal.iter().any(|b| !b.is_ascii_whitespace()) {
                return Err(StateError::Invalid {
                    path: self.state_path.clone(),
                    message: format!(
                        "it is missing but the journal `{}` has commits",
                        self.journal_path.display()
                    ),
                });
            }
            return Ok((None, None));
        };
        let text = String::from_utf8(bytes).map_err(|_| StateError::Invalid {
            path: self.state_path.clone(),
            message: "not UTF-8".into(),
        })?;
        let (mut state, outdated) = parse_state(&self.state_path, &text, &self.plan_name)?;
        StateError::check_plan(&self.state_path, &state, &self.plan_name)?;
        let (entries, valid) = journal::decode(&self.journal_path, &journal)?;
        let lines = entries.len();
        for (n, entry) in entries.into_iter().enumerate() {
            if entry.serial <= state.serial {
                continue; // compacted into the state file already
            }
            let bad = |message: String| StateError::CorruptJournal {
                path: self.journal_path.clone(),
                line: n + 1,
                message,
            };
            if entry.lineage != state.lineage {
                return Err(bad(format!(
                    "it belongs to lineage {}, the state file to {}",
                    entry.lineage, state.lineage
                )));
            }
            if entry.serial != state.serial + 1 {
                return Err(bad(format!(
                    "serial {} follows serial {}",
                    entry.serial, state.serial
                )));
            }
            state.serial = entry.serial;
            state.steps.extend(entry.steps);
        }
        let known = Known {
            lineage: state.lineage,
            serial: state.serial,
            journal_valid: valid,
            journal_file: journal.len() as u64,
            journal_lines: lines,
            outdated,
            stamp,
        };
        Ok((Some(state), Some(known)))
    }

    fn write_snapshot(&self, inner: &mut Inner, state: &State) -> Result<(), StateError> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| StateError::io("create the state directory", &self.dir, e))?;
        atomic::replace(&self.state_path, to_canonical_json(state).as_bytes())?;
        let stamp = std::fs::metadata(&self.state_path)
            .map(|m| Stamp::of(&m))
            .map_err(|e| StateError::io("inspect", &self.state_path, e))?;
        // The journal's lines are all in the state file now (a crash before this truncation
        // leaves lines with serials the state file already has; loading skips them).
        inner.journal = None;
        match std::fs::OpenOptions::new()
            .write(true)
            .open(&self.journal_path)
        {
            Ok(f) => f
                .set_len(0)
                .and_then(|()| f.sync_all())
                .map_err(|e| StateError::io("empty", &self.journal_path, e))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(StateError::io("open", &self.journal_path, e)),
        }
        inner.known = Some(Known {
            lineage: state.lineage,
            serial: state.serial,
            journal_valid: 0,
            journal_file: 0,
            journal_lines: 0,
            outdated: false,
            stamp,
        });
        Ok(())
    }

    fn append(
        &self,
        inner: &mut Inner,
        known: Known,
        state: &State,
        ids: &[String],
    ) -> Result<(), StateError> {
        let path = &self.journal_path;
        if inner.journal.is_none() {
            let existed = path.exists();
            let f = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
                .map_err(|e| StateError::io("open", path, e))?;
            if !existed {
                atomic::sync_dir(path)?;
            }
            inner.journal = Some(f);
        }
        let file = inner.journal.as_mut().expect("opened above");
        let len = file
            .metadata()
            .map_err(|e| StateError::io("inspect", path, e))?
            .len();
        if len != known.journal_file {
            return Err(StateError::Conflict {
                path: path.clone(),
                expected: format!("a journal of {} bytes", known.journal_file),
                found: format!("{len} bytes"),
            });
        }
        if known.journal_file > known.journal_valid {
            // Drop the torn line a crash left, so the next line starts clean.
            file.set_len(known.journal_valid)
                .map_err(|e| StateError::io("truncate the torn end of", path, e))?;
        }
        let line = journal::encode(
            state.lineage,
            state.serial,
            ids.iter()
                .filter_map(|id| state.steps.get(id).map(|s| (id.as_str(), s))),
        );
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| StateError::io("append to", path, e))?;
        let end = known.journal_valid + line.len() as u64;
        inner.known = Some(Known {
            serial: state.serial,
            journal_valid: end,
            journal_file: end,
            journal_lines: known.journal_lines + 1,
            ..known
        });
        Ok(())
    }

    fn lock_file_info(&self) -> Result<Option<LockInfo>, StateError> {
        let Some(bytes) = Self::read_optional(&self.lock_path)? else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| StateError::Invalid {
                path: self.lock_path.clone(),
                message: format!(
                    "the lock file is unreadable ({e}); remove it if no run is using this state"
                ),
            })
    }

    /// Moves a stale lock aside, making sure it is still the stale one. `false` if another run
    /// replaced it meanwhile.
    fn take_over(&self, stale: &LockInfo) -> Result<bool, StateError> {
        let aside = self.dir.join(format!(
            ".{}.lock.stale-{}",
            self.plan_name,
            Uuid::new_v4().simple()
        ));
        match std::fs::rename(&self.lock_path, &aside) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
            Err(e) => {
                return Err(StateError::io(
                    "move aside the stale lock",
                    &self.lock_path,
                    e,
                ));
            }
        }
        let moved: Option<LockInfo> = std::fs::read(&aside)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let same = moved.as_ref().is_some_and(|m| m.id == stale.id);
        if !same {
            // Someone took the stale lock over between our read and the rename: put theirs back.
            let _ = std::fs::hard_link(&aside, &self.lock_path);
        }
        let _ = std::fs::remove_file(&aside);
        Ok(same)
    }
}

impl StateStore for FileStore {
    fn location(&self) -> String {
        self.state_path.display().to_string()
    }

    fn load(&self) -> Result<Option<State>, StateError> {
        let (state, known) = self.load_full()?;
        let mut inner = self.inner();
        inner.known = known;
        inner.journal = None;
        Ok(state)
    }

    fn commit(&self, state: &State, changes: Changes<'_>) -> Result<(), StateError> {
        let mut inner = self.inner();
        // Compare-and-swap against the disk: if the state file or the journal is not what this
        // store last saw, another store committed since, so re-read what is committed.
        let (stamp, journal_len) = disk_view(&self.state_path, &self.journal_path)?;
        let current = match (&inner.known, &stamp) {
            (Some(k), Some(s)) => k.stamp == *s && k.journal_file == journal_len,
            _ => false,
        };
        if !current {
            let (_, known) = self.load_full()?;
            inner.known = known;
            inner.journal = None;
        }
        let known = inner.known.clone();
        check_successor(
            &self.location(),
            known.as_ref().map(|k| (k.lineage, k.serial)),
            state,
        )?;
        match (changes, known) {
            (Changes::Steps(ids), Some(known))
                if !known.outdated && known.journal_lines < self.compact_every =>
            {
                self.append(&mut inner, known, state, ids)
            }
            _ => self.write_snapshot(&mut inner, state),
        }
    }

    fn lock(&self, info: LockInfo) -> Result<LockAcquired, StateError> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| StateError::io("create the state directory", &self.dir, e))?;
        let bytes = serde_json::to_vec_pretty(&info).unwrap_or_default();
        let mut took_over = None;
        for _ in 0..3 {
            if atomic::create_exclusive(&self.lock_path, &bytes)? {
                return Ok(LockAcquired { info, took_over });
            }
            let Some(held) = self.lock_file_info()? else {
                continue; // released meanwhile
            };
            if !held.is_stale() || !self.take_over(&held)? {
                return Err(StateError::LockHeld {
                    path: self.lock_path.clone(),
                    lock: Box::new(held),
                });
            }
            took_over = Some(held);
        }
        match self.lock_file_info()? {
            Some(held) => Err(StateError::LockHeld {
                path: self.lock_path.clone(),
                lock: Box::new(held),
            }),
            None => Err(StateError::io(
                "take the lock",
                &self.lock_path,
                io::Error::other("other runs keep taking and releasing it"),
            )),
        }
    }

    fn unlock(&self, lock_id: &str) -> Result<(), StateError> {
        let Some(held) = self.lock_file_info()? else {
            return Err(StateError::NotLocked {
                path: self.lock_path.clone(),
            });
        };
        if held.id.to_string() != lock_id.trim() {
            return Err(StateError::WrongLockId {
                path: self.lock_path.clone(),
                given: lock_id.to_owned(),
                held: Box::new(held),
            });
        }
        std::fs::remove_file(&self.lock_path)
            .map_err(|e| StateError::io("remove", &self.lock_path, e))?;
        atomic::sync_dir(&self.lock_path)
    }

    fn read_lock(&self) -> Result<Option<LockInfo>, StateError> {
        self.lock_file_info()
    }
}
