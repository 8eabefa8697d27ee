//! [`ObjectStateStore`]: a plan's state on object storage, `<prefix>/<plan>.state.json` and
//! `<prefix>/<plan>.lock`.
//!
//! - The lock is created only if absent (`PutMode::Create`: S3 `If-None-Match: *`; on OSS also
//!   `x-oss-forbid-overwrite: true`, see [`migrate_store::open_write_once`]). A held lock is never
//!   taken over automatically: a pid recorded by another runner means nothing here, so the only way
//!   past a dead holder is `unlock` with its id. Before the first lock the store is checked to
//!   honour both conditions ([`ObjectStateStore::check_conditional_writes`]): a store that ignores
//!   them is refused rather than trusted.
//! - A commit writes the whole state (objects cannot be appended to) as a compare-and-swap on the
//!   ETag this store last saw (`PutMode::Update`: S3 `If-Match`); the first commit is a create.
//!   Whoever holds an old ETag — a run that lost its lock, a second process — gets
//!   [`StateError::Conflict`] and can never replace a newer state. The lineage/serial rule of
//!   [`StateStore::commit`] is checked as well.
//! - One request per commit: the ETag of the last write is remembered, so nothing is read first.
//!   A request that is retried after it already landed reports a failed precondition; the store
//!   then reads the object back and accepts it if it holds exactly what was written.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use migrate_state::{
    Changes, LockAcquired, LockInfo, State, StateError, StateStore, parse_state, to_canonical_json,
};
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};
use uuid::Uuid;

use crate::bridge::Bridge;

/// A plan's state and lock as two objects in an object store.
#[derive(Debug)]
pub struct ObjectStateStore {
    store: Arc<dyn ObjectStore>,
    lock_store: Arc<dyn ObjectStore>,
    plan_name: String,
    state_key: Key,
    lock_key: Key,
    state_location: String,
    lock_location: String,
    bridge: Bridge,
    seen: Mutex<Seen>,
    requests: AtomicU64,
    /// The store was seen to honour both conditions (checked before the first lock).
    checked: std::sync::OnceLock<()>,
}

/// What this store last saw of the state object.
#[derive(Debug, Clone)]
enum Seen {
    /// Nothing yet, or an outcome it cannot know (a failed request, a conflict).
    Unknown,
    /// No state object.
    Absent,
    Present {
        lineage: Uuid,
        serial: u64,
        version: UpdateVersion,
    },
}

/// An object's bytes and version.
type Fetched = Option<(Vec<u8>, UpdateVersion)>;

impl ObjectStateStore {
    /// The state of `plan_name` under `prefix` (`""` for the store's root) in `store`, shown in
    /// messages as `<location>/<prefix>/<plan>.state.json` (`location` without credentials, e.g.
    /// `s3://bucket/base`). The lock is written through `store` too; see [`Self::with_lock_store`].
    pub fn new(
        store: Arc<dyn ObjectStore>,
        location: &str,
        prefix: &str,
        plan_name: &str,
    ) -> Result<Self, StateError> {
        check_plan_name(plan_name)?;
        let prefix = prefix.trim_matches('/');
        let key = |suffix: &str| {
            if prefix.is_empty() {
                format!("{plan_name}.{suffix}")
            } else {
                format!("{prefix}/{plan_name}.{suffix}")
            }
        };
        let shown = |k: &str| format!("{}/{k}", location.trim_end_matches('/'));
        let state_key = key("state.json");
        let lock_key = key("lock");
        let bridge = Bridge::new().map_err(|e| StateError::Io {
            action: "start the runtime of",
            path: PathBuf::from(shown(&state_key)),
            source: e,
        })?;
        Ok(ObjectStateStore {
            lock_store: Arc::clone(&store),
            store,
            plan_name: plan_name.to_owned(),
            state_location: shown(&state_key),
            lock_location: shown(&lock_key),
            state_key: Key::from(state_key),
            lock_key: Key::from(lock_key),
            bridge,
            seen: Mutex::new(Seen::Unknown),
            requests: AtomicU64::new(0),
            checked: std::sync::OnceLock::new(),
        })
    }

    /// Writes the lock object and the first state (every create-if-absent) through `lock_store`:
    /// the same bucket opened with [`migrate_store::open_write_once`], so OSS refuses to
    /// overwrite them natively too.
    pub fn with_lock_store(mut self, lock_store: Arc<dyn ObjectStore>) -> Self {
        self.lock_store = lock_store;
        self
    }

    /// Where the lock object is, for messages.
    pub fn lock_location(&self) -> &str {
        &self.lock_location
    }

    /// Requests sent to the object store so far (each commit costs one).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Checks, with a scratch object next to the lock, that the store honours both conditions this
    /// backend relies on: a second create-if-absent of one object is refused, and so is a write
    /// with an ETag the object does not have. A store that ignores either could let two runs hold
    /// the lock, or a stale run replace a newer state; it is refused. Four requests; [`lock`]
    /// runs it once per store before taking the lock.
    ///
    /// [`lock`]: StateStore::lock
    pub fn check_conditional_writes(&self) -> Result<(), StateError> {
        if self.checked.get().is_some() {
            return Ok(());
        }
        let probe = Key::from(format!(
            "{}.probe-{}",
            self.lock_key.as_ref().trim_end_matches(".lock"),
            Uuid::new_v4().simple()
        ));
        let shown = format!("{}.probe", self.lock_location.trim_end_matches(".lock"));
        let result = self.probe(&probe, &shown);
        let (store, key) = (Arc::clone(&self.store), probe);
        let _ = self.request("remove", &shown, async move { store.delete(&key).await });
        result?;
        let _ = self.checked.set(());
        Ok(())
    }

    fn probe(&self, key: &Key, shown: &str) -> Result<(), StateError> {
        let unsafe_store = |what: &str| {
            self.failed(
                "check the conditional writes of",
                shown,
                format!(
                    "the store accepted {what}, so it cannot hold a migrate state safely (two runs could both lock it, or a stale run overwrite it); use another store or the local file backend"
                ),
            )
        };
        let first = self.put(
            &self.lock_store,
            key,
            shown,
            b"probe".to_vec(),
            PutMode::Create,
        )?;
        let version =
            first.map_err(|e| self.failed("check the conditional writes of", shown, e))?;
        match self.put(
            &self.lock_store,
            key,
            shown,
            b"again".to_vec(),
            PutMode::Create,
        )? {
            Ok(_) => {
                return Err(unsafe_store(
                    "a second create-if-absent (`If-None-Match: *`) of one object",
                ));
            }
            Err(
                object_store::Error::AlreadyExists { .. }
                | object_store::Error::Precondition { .. },
            ) => {}
            Err(e) => return Err(self.failed("check the conditional writes of", shown, e)),
        }
        // A version no object has: an ETag for S3 and Azure (`If-Match`), a generation for GCS
        // (`x-goog-if-generation-match`).
        let nonce = Uuid::new_v4();
        let wrong = UpdateVersion {
            e_tag: Some(format!("\"{}\"", nonce.simple())),
            version: Some((nonce.as_u64_pair().0 >> 1).to_string()),
        };
        if version.e_tag == wrong.e_tag {
            return Ok(());
        }
        match self.put(
            &self.store,
            key,
            shown,
            b"stale".to_vec(),
            PutMode::Update(wrong),
        )? {
            Ok(_) => Err(unsafe_store(
                "a write with an ETag the object does not have (`If-Match`)",
            )),
            Err(
                object_store::Error::Precondition { .. }
                | object_store::Error::AlreadyExists { .. },
            ) => Ok(()),
            Err(e) => Err(self.failed("check the conditional writes of", shown, e)),
        }
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn failed(&self, action: &'static str, location: &str, e: impl ToString) -> StateError {
        StateError::Io {
            action,
            path: PathBuf::from(location),
            source: io::Error::other(e.to_string()),
        }
    }

    /// Runs one request on the store's runtime.
    fn request<T: Send + 'static>(
        &self,
        action: &'static str,
        location: &str,
        future: impl Future<Output = object_store::Result<T>> + Send + 'static,
    ) -> Result<object_store::Result<T>, StateError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.bridge
            .run(future)
            .map_err(|e| self.failed(action, location, e))
    }

    /// Reads an object: `None` if it does not exist.
    fn fetch(
        &self,
        store: &Arc<dyn ObjectStore>,
        key: &Key,
        location: &str,
    ) -> Result<Fetched, StateError> {
        let (store, key) = (Arc::clone(store), key.clone());
        let got = self.request("read", location, async move {
            let got = store.get(&key).await?;
            let version = UpdateVersion {
                e_tag: got.meta.e_tag.clone(),
                version: got.meta.version.clone(),
            };
            let bytes = got.bytes().await?;
            Ok((bytes.to_vec(), version))
        })?;
        match got {
            Ok(found) => Ok(Some(found)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.failed("read", location, e)),
        }
    }

    fn put(
        &self,
        store: &Arc<dyn ObjectStore>,
        key: &Key,
        location: &str,
        body: Vec<u8>,
        mode: PutMode,
    ) -> Result<object_store::Result<UpdateVersion>, StateError> {
        let (store, key) = (Arc::clone(store), key.clone());
        self.request("write", location, async move {
            let opts = PutOptions {
                mode,
                ..PutOptions::default()
            };
            let done = store.put_opts(&key, PutPayload::from(body), opts).await?;
            Ok(UpdateVersion::from(done))
        })
    }

    fn parse(&self, bytes: Vec<u8>) -> Result<State, StateError> {
        let path = PathBuf::from(&self.state_location);
        let text = String::from_utf8(bytes).map_err(|_| StateError::Invalid {
            path: path.clone(),
            message: "not UTF-8".into(),
        })?;
        let state = parse_state(&path, &text, &self.plan_name)?.0;
        StateError::check_plan(path, &state, &self.plan_name)?;
        Ok(state)
    }

    /// Reads the state object and remembers its version.
    fn refresh(&self, seen: &mut Seen) -> Result<Option<State>, StateError> {
        *seen = Seen::Unknown;
        let Some((bytes, version)) =
            self.fetch(&self.store, &self.state_key, &self.state_location)?
        else {
            *seen = Seen::Absent;
            return Ok(None);
        };
        let state = self.parse(bytes)?;
        *seen = Seen::Present {
            lineage: state.lineage,
            serial: state.serial,
            version,
        };
        Ok(Some(state))
    }

    /// Writes `state` over the version last seen. `successor_only`: refuse unless it is the next
    /// serial of the same lineage (a commit); otherwise any state replaces it (a copy).
    pub(crate) fn write(&self, state: &State, successor_only: bool) -> Result<(), StateError> {
        let mut seen = self.seen();
        if matches!(*seen, Seen::Unknown) {
            self.refresh(&mut seen)?;
        }
        if successor_only {
            check_successor(&self.state_location, &seen, state)?;
        }
        let body = to_canonical_json(state).into_bytes();
        let mode = match &*seen {
            Seen::Present { version, .. } => PutMode::Update(version.clone()),
            _ => PutMode::Create,
        };
        let expected = describe_seen(&seen);
        // A create goes through the write-once client (OSS: `x-oss-forbid-overwrite` as well).
        let client = match mode {
            PutMode::Create => &self.lock_store,
            _ => &self.store,
        };
        let outcome = self.put(
            client,
            &self.state_key,
            &self.state_location,
            body.clone(),
            mode,
        )?;
        *seen = Seen::Unknown;
        let version = match outcome {
            Ok(version) => version,
            Err(
                object_store::Error::AlreadyExists { .. }
                | object_store::Error::Precondition { .. },
            ) => {
                // Someone else wrote it — or our own request landed and was retried. Look.
                let current = self.fetch(&self.store, &self.state_key, &self.state_location)?;
                match current {
                    Some((bytes, version)) if bytes == body => version,
                    Some((bytes, _)) => {
                        let found = match self.parse(bytes) {
                            Ok(s) => format!("serial {} of lineage {}", s.serial, s.lineage),
                            Err(e) => format!("a state this migrate cannot read ({e})"),
                        };
                        return Err(conflict(&self.state_location, expected, found));
                    }
                    None => {
                        return Err(conflict(
                            &self.state_location,
                            expected,
                            "no state (it was deleted)".into(),
                        ));
                    }
                }
            }
            Err(e) => return Err(self.failed("write", &self.state_location, e)),
        };
        if version.e_tag.is_none() {
            return Err(self.failed(
                "write",
                &self.state_location,
                "the store returned no ETag, so commits cannot be compare-and-swap",
            ));
        }
        *seen = Seen::Present {
            lineage: state.lineage,
            serial: state.serial,
            version,
        };
        Ok(())
    }

    fn lock_info(&self) -> Result<Option<LockInfo>, StateError> {
        let Some((bytes, _)) = self.fetch(&self.store, &self.lock_key, &self.lock_location)? else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| StateError::Invalid {
                path: PathBuf::from(&self.lock_location),
                message: format!(
                    "the lock object is unreadable ({e}); delete it if no run is using this state"
                ),
            })
    }
}

impl StateStore for ObjectStateStore {
    fn location(&self) -> String {
        self.state_location.clone()
    }

    fn load(&self) -> Result<Option<State>, StateError> {
        let mut seen = self.seen();
        self.refresh(&mut seen)
    }

    /// One conditional PUT of the whole state; `changes` does not matter to an object store.
    fn commit(&self, state: &State, _changes: Changes<'_>) -> Result<(), StateError> {
        self.write(state, true)
    }

    fn lock(&self, info: LockInfo) -> Result<LockAcquired, StateError> {
        self.check_conditional_writes()?;
        let body = serde_json::to_vec_pretty(&info).unwrap_or_default();
        for _ in 0..3 {
            let created = self.put(
                &self.lock_store,
                &self.lock_key,
                &self.lock_location,
                body.clone(),
                PutMode::Create,
            )?;
            match created {
                Ok(_) => {
                    return Ok(LockAcquired {
                        info,
                        took_over: None,
                    });
                }
                Err(
                    object_store::Error::AlreadyExists { .. }
                    | object_store::Error::Precondition { .. },
                ) => match self.lock_info()? {
                    // Our own create, retried after it landed.
                    Some(held) if held.id == info.id => {
                        return Ok(LockAcquired {
                            info,
                            took_over: None,
                        });
                    }
                    Some(held) => {
                        return Err(StateError::LockHeld {
                            path: PathBuf::from(&self.lock_location),
                            lock: Box::new(held),
                        });
                    }
                    None => continue, // released meanwhile: try again
                },
                Err(e) => return Err(self.failed("create the lock", &self.lock_location, e)),
            }
        }
        Err(self.failed(
            "take the lock",
            &self.lock_location,
            "other runs keep taking and releasing it",
        ))
    }

    fn unlock(&self, lock_id: &str) -> Result<(), StateError> {
        let Some(held) = self.lock_info()? else {
            return Err(StateError::NotLocked {
                path: PathBuf::from(&self.lock_location),
            });
        };
        if held.id.to_string() != lock_id.trim() {
            return Err(StateError::WrongLockId {
                path: PathBuf::from(&self.lock_location),
                given: lock_id.to_owned(),
                held: Box::new(held),
            });
        }
        let (store, key) = (Arc::clone(&self.store), self.lock_key.clone());
        match self.request("remove", &self.lock_location, async move {
            store.delete(&key).await
        })? {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.failed("remove", &self.lock_location, e)),
        }
    }

    fn read_lock(&self) -> Result<Option<LockInfo>, StateError> {
        self.lock_info()
    }
}

/// The same plan-name rule as the file backend: the name becomes part of an object key.
fn check_plan_name(name: &str) -> Result<(), StateError> {
    let valid = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(())
    } else {
        Err(StateError::BadPlanName {
            name: name.to_owned(),
        })
    }
}

/// The compare-and-swap rule of [`StateStore::commit`] (the same rule as migrate-state's own
/// backends): the next serial of the committed lineage, anything when nothing is committed.
fn check_successor(location: &str, seen: &Seen, next: &State) -> Result<(), StateError> {
    match seen {
        Seen::Present {
            lineage, serial, ..
        } if !(*lineage == next.lineage && serial + 1 == next.serial) => Err(conflict(
            location,
            format!("serial {} of lineage {lineage}", serial + 1),
            format!("serial {} of lineage {}", next.serial, next.lineage),
        )),
        _ => Ok(()),
    }
}

fn describe_seen(seen: &Seen) -> String {
    match seen {
        Seen::Present {
            lineage,
            serial,
            version,
        } => format!(
            "serial {serial} of lineage {lineage} at ETag {}",
            version.e_tag.as_deref().unwrap_or("?")
        ),
        _ => "no state yet".into(),
    }
}

fn conflict(location: &str, expected: String, found: String) -> StateError {
    StateError::Conflict {
        path: PathBuf::from(location),
        expected,
        found,
    }
}
