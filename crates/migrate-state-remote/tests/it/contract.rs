//! The same state-store contract on both backends: the local file backend and the object backend
//! on a real S3 server (SeaweedFS).

use crate::common;
use crate::common::{FileHarness, ObjectHarness};
use migrate_state::{Changes, LockInfo, State, StateError, StateStore, StepStatus};

#[test]
fn the_file_backend_keeps_the_contract() {
    let h = FileHarness::new();
    common::run_contract(&h);
    a_stale_whole_state_write_is_refused(&h);
}

#[test]
fn the_object_backend_keeps_the_contract() {
    let h = ObjectHarness::start();
    common::run_contract(&h);
    one_request_per_commit(&h);
    a_stale_whole_state_write_is_refused(&h);
    keys_and_bytes_on_the_server(&h);
    a_dead_holder_is_never_taken_over(&h);
    first_commits_race_and_one_wins(&h);
    secrets_never_show(&h);
}

/// The checkpoint path costs one request per commit: the ETag of the last write is remembered.
fn one_request_per_commit(h: &ObjectHarness) {
    let store = h.store("requests");
    assert_eq!(store.load().unwrap(), None);
    let before = store.requests();
    let mut state = State::new("requests");
    store.commit(&state, Changes::All).unwrap();
    for i in 0..10 {
        common::commit_step(&store, &mut state, &format!("s{i}"), StepStatus::Done);
    }
    assert_eq!(store.requests() - before, 11);
    // A store that has not loaded reads once before its first commit, then one each.
    let fresh = h.store("requests");
    common::commit_step(&fresh, &mut state, "s0", StepStatus::Failed);
    common::commit_step(&fresh, &mut state, "s1", StepStatus::Failed);
    assert_eq!(fresh.requests(), 3);
}

/// A stale writer rewriting the whole state (`Changes::All`) is refused as well: the object
/// backend compares ETags on every write, whatever the change; the file backend compares what is
/// on disk (the state file's identity and the journal's length) with what it last saw.
fn a_stale_whole_state_write_is_refused(h: &dyn common::Harness) {
    let a = h.open("stale-all");
    let b = h.open("stale-all");
    let mut state = State::new("stale-all");
    a.commit(&state, Changes::All).unwrap();
    let mut stale = b.load().unwrap().unwrap();
    common::commit_step(&*a, &mut state, "x", StepStatus::Done);
    stale.serial += 1;
    let err = b.commit(&stale, Changes::All).unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains(&format!("found serial 1 of lineage {}", state.lineage)),
        "{err}"
    );
    assert_eq!(h.open("stale-all").load().unwrap(), Some(state));
}

/// The objects are where the docs say, and the state object is the canonical JSON.
fn keys_and_bytes_on_the_server(h: &ObjectHarness) {
    let store = h.store("layout");
    let mut state = State::new("layout");
    store.commit(&state, Changes::All).unwrap();
    common::commit_step(&store, &mut state, "a", StepStatus::Done);
    assert_eq!(
        store.location(),
        format!(
            "s3://{}/{}/layout.state.json",
            common::BUCKET,
            common::PREFIX
        )
    );
    assert_eq!(
        h.get_raw(&format!("{}/layout.state.json", common::PREFIX)),
        Some(migrate_state::to_canonical_json(&state).into_bytes())
    );
    let info = LockInfo::current("apply");
    store.lock(info.clone()).unwrap();
    let raw = h
        .get_raw(&format!("{}/layout.lock", common::PREFIX))
        .unwrap();
    assert_eq!(serde_json::from_slice::<LockInfo>(&raw).unwrap(), info);
    store.unlock(&info.id.to_string()).unwrap();
    assert_eq!(h.get_raw(&format!("{}/layout.lock", common::PREFIX)), None);
}

/// A lock whose pid is dead on this very host is still not taken over: remote locks are released
/// only by `unlock` with their id (the file backend would take it over, which is why this is not
/// part of the shared contract).
fn a_dead_holder_is_never_taken_over(h: &ObjectHarness) {
    let mut dead = LockInfo::current("apply");
    dead.pid = u32::MAX;
    assert!(dead.is_stale());
    h.put_raw(
        &format!("{}/orphan.lock", common::PREFIX),
        &serde_json::to_vec(&dead).unwrap(),
    );
    let store = h.store("orphan");
    let err = store.lock(LockInfo::current("apply")).unwrap_err();
    assert!(
        matches!(&err, StateError::LockHeld { lock, .. } if **lock == dead),
        "{err:?}"
    );
    store.unlock(&dead.id.to_string()).unwrap();
    store.lock(LockInfo::current("apply")).unwrap();
}

/// Two stores that both saw no state commit a first state: `If-None-Match` lets one win.
fn first_commits_race_and_one_wins(h: &ObjectHarness) {
    let a = h.store("first");
    let b = h.store("first");
    assert_eq!(a.load().unwrap(), None);
    assert_eq!(b.load().unwrap(), None);
    let sa = State::new("first");
    let sb = State::new("first");
    a.commit(&sa, Changes::All).unwrap();
    let err = b.commit(&sb, Changes::All).unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err:?}");
    assert!(err.to_string().contains("expected no state yet"), "{err}");
    assert_eq!(h.store("first").load().unwrap(), Some(sa));
}

fn secrets_never_show(h: &ObjectHarness) {
    let store = h.store("secret");
    let mut shown = format!("{store:?} {}", store.location());
    let info = LockInfo::current("apply");
    store.lock(info.clone()).unwrap();
    shown += &store
        .lock(LockInfo::current("apply"))
        .unwrap_err()
        .to_string();
    shown += &store.unlock("nope").unwrap_err().to_string();
    // A wrong secret: the server refuses, the message names the object, not the secret.
    let bad = migrate_state_remote::ObjectStateStore::open(
        &h.server
            .spec_with_secret(common::BUCKET, "", "wrong-secret"),
        common::PREFIX,
        "secret",
    )
    .unwrap();
    let err = bad.load().unwrap_err();
    assert!(err.to_string().contains("secret.state.json"), "{err}");
    shown += &format!("{err} {err:?}");
    assert!(!shown.contains(common::CANARY_SECRET), "{shown}");
}
