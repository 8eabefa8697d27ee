//! The state-store contract both backends must keep, as functions over `Arc<dyn StateStore>`, and
//! the harnesses that open each backend (a fresh store instance stands for another process).

#![allow(dead_code)] // each test binary uses part of this module

use std::sync::Arc;

use migrate_state::{Changes, LockInfo, State, StateError, StateStore, StepStatus};
use migrate_state_remote::ObjectStateStore;
use migrate_store::test_support::S3Server;
use object_store::{ObjectStoreExt, PutPayload, path::Path as Key};

/// Opens a backend's store for a plan, as a new process would.
pub trait Harness {
    fn open(&self, plan: &str) -> Arc<dyn StateStore>;
    /// Writes `bytes` as the plan's committed state, bypassing the store.
    fn put_raw_state(&self, plan: &str, bytes: &[u8]);
}

/// The file backend in a temporary directory.
pub struct FileHarness {
    pub dir: tempfile::TempDir,
}

impl FileHarness {
    pub fn new() -> Self {
        FileHarness {
            dir: tempfile::tempdir().unwrap(),
        }
    }
}

impl Harness for FileHarness {
    fn open(&self, plan: &str) -> Arc<dyn StateStore> {
        Arc::new(migrate_state::FileStore::new(self.dir.path().join(".migrate"), plan).unwrap())
    }

    fn put_raw_state(&self, plan: &str, bytes: &[u8]) {
        let dir = self.dir.path().join(".migrate");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{plan}.state.json")), bytes).unwrap();
    }
}

pub const ACCESS_KEY: &str = "state-remote-key";
/// The secret the server accepts; it must never show up in any message.
pub const CANARY_SECRET: &str = "canary-secret-7f3a9c";
pub const BUCKET: &str = "states";
pub const PREFIX: &str = "ci/plans";

/// The object backend on a real SeaweedFS server.
pub struct ObjectHarness {
    pub runtime: tokio::runtime::Runtime,
    pub server: S3Server,
}

impl ObjectHarness {
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(async {
            let server = S3Server::start(ACCESS_KEY, CANARY_SECRET).await.unwrap();
            server.create_bucket(BUCKET).await.unwrap();
            server
        });
        ObjectHarness { runtime, server }
    }

    pub fn spec(&self) -> migrate_store::StoreSpec {
        self.server.spec(BUCKET, "")
    }

    pub fn store(&self, plan: &str) -> ObjectStateStore {
        ObjectStateStore::open(&self.spec(), PREFIX, plan).unwrap()
    }

    /// The raw object at `key` (relative to the bucket), if any.
    pub fn get_raw(&self, key: &str) -> Option<Vec<u8>> {
        let store = migrate_store::open(&self.spec()).unwrap();
        self.runtime.block_on(async {
            match store.get(&Key::from(key)).await {
                Ok(got) => Some(got.bytes().await.unwrap().to_vec()),
                Err(object_store::Error::NotFound { .. }) => None,
                Err(e) => panic!("{e}"),
            }
        })
    }

    pub fn put_raw(&self, key: &str, bytes: &[u8]) {
        let store = migrate_store::open(&self.spec()).unwrap();
        self.runtime.block_on(async {
            store
                .put(&Key::from(key), PutPayload::from(bytes.to_vec()))
                .await
                .unwrap();
        });
    }
}

impl Harness for ObjectHarness {
    fn open(&self, plan: &str) -> Arc<dyn StateStore> {
        Arc::new(self.store(plan))
    }

    fn put_raw_state(&self, plan: &str, bytes: &[u8]) {
        self.put_raw(&format!("{PREFIX}/{plan}.state.json"), bytes);
    }
}

/// Commits `id` → `status` on top of `state` (the next serial).
pub fn commit_step(store: &dyn StateStore, state: &mut State, id: &str, status: StepStatus) {
    state.serial += 1;
    state.step_mut(id).status = status;
    store
        .commit(state, Changes::Steps(&[id.to_owned()]))
        .unwrap_or_else(|e| panic!("commit of serial {}: {e}", state.serial));
}

/// Every contract check, each on its own plan name.
pub fn run_contract(h: &dyn Harness) {
    round_trip(h);
    stale_writer_cannot_overwrite(h);
    lineage_and_serial_rule(h);
    newer_and_invalid_formats_refused(h);
    lock_contract(h);
    commits_from_the_executors_blocking_thread(h);
}

pub fn round_trip(h: &dyn Harness) {
    let store = h.open("round-trip");
    assert_eq!(store.load().unwrap(), None);
    assert_eq!(store.read_lock().unwrap(), None);
    let mut state = State::new("round-trip");
    state.plan_fingerprint = Some("f00d".into());
    store.commit(&state, Changes::All).unwrap();
    commit_step(&*store, &mut state, "copy/movies", StepStatus::Running);
    state.step_mut("copy/movies").handle = Some(serde_json::json!({"task": "node:42"}));
    commit_step(&*store, &mut state, "copy/movies", StepStatus::Running);
    commit_step(&*store, &mut state, "verify/movies", StepStatus::Done);
    assert_eq!(state.serial, 3);
    // Another process sees exactly the last commit, handle included.
    assert_eq!(h.open("round-trip").load().unwrap(), Some(state.clone()));
    // And can go on from it.
    let other = h.open("round-trip");
    let mut resumed = other.load().unwrap().unwrap();
    commit_step(&*other, &mut resumed, "copy/movies", StepStatus::Done);
    assert_eq!(h.open("round-trip").load().unwrap(), Some(resumed));
}

pub fn stale_writer_cannot_overwrite(h: &dyn Harness) {
    let a = h.open("stale");
    let mut state = State::new("stale");
    a.commit(&state, Changes::All).unwrap();
    commit_step(&*a, &mut state, "s1", StepStatus::Done);
    // B read serial 1 (it holds that version), then A moved on to serial 2.
    let b = h.open("stale");
    let mut stale = b.load().unwrap().unwrap();
    commit_step(&*a, &mut state, "s2", StepStatus::Done);
    stale.serial += 1;
    stale.step_mut("s1").status = StepStatus::Failed;
    let err = b
        .commit(&stale, Changes::Steps(&["s1".to_owned()]))
        .unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(
        shown.contains("was changed by someone else") && shown.contains("stale"),
        "{shown}"
    );
    assert!(
        shown.contains(&b.location()) || shown.contains("stale.journal"),
        "{shown}"
    );
    // The newer state is intact.
    assert_eq!(h.open("stale").load().unwrap(), Some(state.clone()));
    // After reloading, B can go on from the newer state.
    let mut fresh = b.load().unwrap().unwrap();
    commit_step(&*b, &mut fresh, "s3", StepStatus::Done);
    // Now A is the stale one.
    let mut late = state.clone();
    late.serial += 1;
    late.step_mut("s2").status = StepStatus::Failed;
    let err = a
        .commit(&late, Changes::Steps(&["s2".to_owned()]))
        .unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err:?}");
    assert_eq!(h.open("stale").load().unwrap(), Some(fresh));
}

pub fn lineage_and_serial_rule(h: &dyn Harness) {
    let store = h.open("cas-rule");
    let mut state = State::new("cas-rule");
    state.serial = 7; // any serial and lineage when nothing is committed
    store.commit(&state, Changes::All).unwrap();
    let mut skipped = state.clone();
    skipped.serial += 2;
    let err = store.commit(&skipped, Changes::All).unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("expected serial 8 of lineage {}", state.lineage)),
        "{err}"
    );
    let mut other = State::new("cas-rule");
    other.serial = 8;
    let err = store.commit(&other, Changes::All).unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err}");
    assert_eq!(h.open("cas-rule").load().unwrap(), Some(state));
}

pub fn newer_and_invalid_formats_refused(h: &dyn Harness) {
    let newer = include_str!("../../../../migrate-state/tests/fixtures/newer.json");
    h.put_raw_state("newer", newer.as_bytes());
    let store = h.open("newer");
    let err = store.load().unwrap_err();
    assert!(
        matches!(err, StateError::TooNew { found: 2, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("was written by a newer migrate (state format 2"),
        "{err}"
    );
    assert!(err.to_string().contains("newer.state.json"), "{err}");
    // A commit refuses too: it never replaces a state it cannot read.
    let err = store
        .commit(&State::new("newer"), Changes::All)
        .unwrap_err();
    assert!(matches!(err, StateError::TooNew { .. }), "{err:?}");
    h.put_raw_state("garbage", b"{not json");
    let err = h.open("garbage").load().unwrap_err();
    assert!(matches!(err, StateError::Invalid { .. }), "{err:?}");
    assert!(err.is_refused_state());
}

pub fn lock_contract(h: &dyn Harness) {
    let a = h.open("locked");
    let b = h.open("locked");
    let mine = LockInfo::current("apply");
    let got = a.lock(mine.clone()).unwrap();
    assert_eq!(got.info, mine);
    assert_eq!(got.took_over, None);
    let err = b.lock(LockInfo::current("apply")).unwrap_err();
    let StateError::LockHeld { lock, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(**lock, mine);
    let shown = err.to_string();
    for part in [
        mine.id.to_string(),
        mine.owner.clone(),
        mine.host.clone(),
        format!("pid {}", mine.pid),
        format!("migrate state unlock {}", mine.id),
    ] {
        assert!(shown.contains(&part), "`{part}` missing from: {shown}");
    }
    assert_eq!(b.read_lock().unwrap(), Some(mine.clone()));
    let wrong = uuid::Uuid::new_v4().to_string();
    let err = b.unlock(&wrong).unwrap_err();
    assert!(matches!(err, StateError::WrongLockId { .. }), "{err:?}");
    assert!(err.to_string().contains(&wrong), "{err}");
    assert_eq!(a.read_lock().unwrap(), Some(mine.clone()));
    b.unlock(&mine.id.to_string()).unwrap();
    assert_eq!(a.read_lock().unwrap(), None);
    let err = a.unlock(&mine.id.to_string()).unwrap_err();
    assert!(matches!(err, StateError::NotLocked { .. }), "{err:?}");
    // Free again; the guard releases on drop.
    {
        let guard = migrate_state::lock(&b, LockInfo::current("apply")).unwrap();
        assert_eq!(a.read_lock().unwrap().as_ref(), Some(guard.info()));
    }
    assert_eq!(a.read_lock().unwrap(), None);
}

/// The executor calls the store from `spawn_blocking`; a call from inside an async task must not
/// panic either.
pub fn commits_from_the_executors_blocking_thread(h: &dyn Harness) {
    let store = h.open("from-blocking");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let writer = Arc::clone(&store);
    let state = runtime
        .block_on(runtime.spawn_blocking(move || {
            let mut state = State::new("from-blocking");
            writer.commit(&state, Changes::All).unwrap();
            for i in 0..20 {
                commit_step(&*writer, &mut state, &format!("step-{i}"), StepStatus::Done);
            }
            state
        }))
        .unwrap();
    let reader = Arc::clone(&store);
    let loaded = runtime
        .block_on(runtime.spawn(async move { reader.load().unwrap() }))
        .unwrap();
    assert_eq!(loaded, Some(state));
    // Dropping the last reference inside the runtime is fine too.
    runtime.block_on(async move { drop(store) });
}
