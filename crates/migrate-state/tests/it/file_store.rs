//! The local file backend: journal commits, compaction, crash leftovers, compare-and-swap, locks.

use std::sync::Arc;

use migrate_state::{
    Changes, FileStore, LockInfo, State, StateError, StateStore, StepStatus, lock,
};

fn store(dir: &tempfile::TempDir) -> FileStore {
    FileStore::new(dir.path().join(".migrate"), "movies").unwrap()
}

/// Commits a change of step `id` to `status` on top of `state`.
fn commit_step(store: &FileStore, state: &mut State, id: &str, status: StepStatus) {
    state.serial += 1;
    state.step_mut(id).status = status;
    store
        .commit(state, Changes::Steps(&[id.to_owned()]))
        .unwrap();
}

#[test]
fn loading_a_missing_state_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    assert_eq!(s.load().unwrap(), None);
    assert_eq!(s.read_lock().unwrap(), None);
    assert!(!dir.path().join(".migrate").exists());
}

#[test]
fn for_plan_puts_the_files_next_to_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let s = FileStore::for_plan(&dir.path().join("plan.yaml"), "movies").unwrap();
    assert_eq!(
        s.state_path(),
        dir.path().join(".migrate/movies.state.json")
    );
    assert_eq!(s.journal_path(), dir.path().join(".migrate/movies.journal"));
    assert_eq!(s.lock_path(), dir.path().join(".migrate/movies.lock"));
    let again = FileStore::for_state_file(s.state_path()).unwrap();
    assert_eq!(again.journal_path(), s.journal_path());
    let err = FileStore::for_state_file(&dir.path().join("plan.yaml")).unwrap_err();
    assert!(
        err.to_string()
            .contains("a state file is named `<plan>.state.json`"),
        "{err}"
    );
    let err = FileStore::for_plan(&dir.path().join("plan.yaml"), "../etc").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("plan name `../etc` cannot name a state file"),
        "{err}"
    );
}

#[test]
fn commits_append_to_the_journal_and_compaction_folds_it_in() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).with_compact_every(3);
    let mut state = State::new("movies");
    s.commit(&state, Changes::All).unwrap();
    for (i, id) in ["a", "b", "c"].iter().enumerate() {
        commit_step(&s, &mut state, id, StepStatus::Running);
        let journal = std::fs::read_to_string(s.journal_path()).unwrap();
        assert_eq!(journal.lines().count(), i + 1);
        // A fresh store (another process) sees every acknowledged commit.
        assert_eq!(store(&dir).load().unwrap().as_ref(), Some(&state));
    }
    // The fourth commit compacts: the state file has everything, the journal is empty.
    commit_step(&s, &mut state, "a", StepStatus::Done);
    assert_eq!(std::fs::read_to_string(s.journal_path()).unwrap(), "");
    let on_disk = std::fs::read_to_string(s.state_path()).unwrap();
    assert_eq!(on_disk, migrate_state::to_canonical_json(&state));
    assert_eq!(store(&dir).load().unwrap(), Some(state));
}

#[test]
fn a_torn_journal_line_is_ignored_then_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let mut state = State::new("movies");
    s.commit(&state, Changes::All).unwrap();
    commit_step(&s, &mut state, "a", StepStatus::Done);
    let acknowledged = state.clone();
    // A crash in the middle of the next append leaves half a line.
    let mut journal = std::fs::read(s.journal_path()).unwrap();
    let whole = journal.clone();
    journal.extend_from_slice(&whole[..whole.len() / 2]);
    std::fs::write(s.journal_path(), &journal).unwrap();

    let resumed = store(&dir);
    let mut state = resumed.load().unwrap().unwrap();
    assert_eq!(state, acknowledged);
    commit_step(&resumed, &mut state, "b", StepStatus::Done);
    let text = std::fs::read_to_string(resumed.journal_path()).unwrap();
    assert_eq!(
        text.lines().count(),
        2,
        "torn line dropped before appending: {text}"
    );
    assert_eq!(store(&dir).load().unwrap(), Some(state));
}

#[test]
fn a_crash_between_compaction_and_truncation_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let mut state = State::new("movies");
    s.commit(&state, Changes::All).unwrap();
    commit_step(&s, &mut state, "a", StepStatus::Running);
    commit_step(&s, &mut state, "a", StepStatus::Done);
    let journal = std::fs::read(s.journal_path()).unwrap();
    state.serial += 1;
    s.commit(&state, Changes::All).unwrap();
    // Put the old journal back, as if the process died right after the rename.
    std::fs::write(s.journal_path(), journal).unwrap();
    assert_eq!(store(&dir).load().unwrap(), Some(state));
}

#[test]
fn damage_in_the_middle_of_the_journal_is_reported_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let mut state = State::new("movies");
    s.commit(&state, Changes::All).unwrap();
    for id in ["a", "b", "c"] {
        commit_step(&s, &mut state, id, StepStatus::Done);
    }
    let text = std::fs::read_to_string(s.journal_path()).unwrap();
    let damaged = text.replacen("\"b\"", "\"B\"", 1);
    std::fs::write(s.journal_path(), damaged).unwrap();
    let err = store(&dir).load().unwrap_err().to_string();
    let expected = format!(
        "state journal `{}` is damaged at line 2: checksum mismatch",
        s.journal_path().display()
    );
    assert!(err.starts_with(&expected), "{err}");
}

#[test]
fn commits_are_compare_and_swap() {
    let dir = tempfile::tempdir().unwrap();
    let a = store(&dir);
    let mut state = State::new("movies");
    a.commit(&state, Changes::All).unwrap();
    // A serial that does not follow the committed one.
    let mut stale = state.clone();
    stale.serial += 2;
    let err = a.commit(&stale, Changes::All).unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err}");
    assert!(
        err.to_string().contains("expected serial 1 of lineage"),
        "{err}"
    );
    // Another lineage.
    let mut other = State::new("movies");
    other.serial = 1;
    assert!(matches!(
        a.commit(&other, Changes::All).unwrap_err(),
        StateError::Conflict { .. }
    ));

    // Two writers: b loaded the same state, a moves it on, b's commit is refused.
    let b = store(&dir);
    let mut b_state = b.load().unwrap().unwrap();
    commit_step(&a, &mut state, "x", StepStatus::Done);
    b_state.serial += 1;
    b_state.step_mut("y").status = StepStatus::Done;
    let err = b
        .commit(&b_state, Changes::Steps(&["y".into()]))
        .unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err}");
    assert_eq!(store(&dir).load().unwrap(), Some(state));
}

#[test]
fn a_stale_store_cannot_overwrite_a_newer_state_with_a_whole_state_commit() {
    let dir = tempfile::tempdir().unwrap();
    let a = store(&dir);
    let b = store(&dir);
    let mut state = State::new("movies");
    a.commit(&state, Changes::All).unwrap();
    // b sees serial 0 and commits serial 1, so its cached copy says "serial 1 is committed".
    let mut b_state = b.load().unwrap().unwrap();
    b_state.serial += 1;
    b_state.step_mut("b").status = StepStatus::Done;
    b.commit(&b_state, Changes::All).unwrap();
    // a moves on from b's serial 1 through the journal (no state-file rewrite).
    state = a.load().unwrap().unwrap();
    commit_step(&a, &mut state, "x", StepStatus::Done);
    assert_eq!(state.serial, 2);

    // b's whole-state commit of "serial 2" follows its cached serial 1 but not the disk's 2.
    let mut stale = b_state.clone();
    stale.serial += 1;
    stale.step_mut("y").status = StepStatus::Failed;
    let err = b.commit(&stale, Changes::All).unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err:?}");
    assert!(
        err.to_string().contains("expected serial 3 of lineage"),
        "{err}"
    );
    // The same after a compacts (the journal is empty again, the state file replaced).
    commit_step(&a, &mut state, "z", StepStatus::Done);
    a.commit(
        &State {
            serial: state.serial + 1,
            ..state.clone()
        },
        Changes::All,
    )
    .unwrap();
    state.serial += 1;
    let err = b.commit(&stale, Changes::All).unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err:?}");
    let err = b.commit(&stale, Changes::Steps(&["y".into()])).unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err:?}");
    assert_eq!(store(&dir).load().unwrap(), Some(state.clone()));

    // Once b has caught up with the disk, its next commit goes through.
    let mut caught_up = b.load().unwrap().unwrap();
    commit_step(&b, &mut caught_up, "y", StepStatus::Done);
    assert_eq!(store(&dir).load().unwrap(), Some(caught_up));
}

#[test]
fn a_state_file_in_an_older_format_is_rewritten_on_the_next_commit() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    std::fs::create_dir_all(dir.path().join(".migrate")).unwrap();
    std::fs::write(s.state_path(), r#"{"a": "done"}"#).unwrap();
    let mut state = s.load().unwrap().unwrap();
    commit_step(&s, &mut state, "b", StepStatus::Done);
    let text = std::fs::read_to_string(s.state_path()).unwrap();
    assert!(text.contains("\"format_version\": 1"), "{text}");
    assert_eq!(store(&dir).load().unwrap(), Some(state));
}

#[test]
fn a_held_lock_is_refused_with_its_id_and_how_to_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let s: Arc<dyn StateStore> = Arc::new(store(&dir));
    let guard = lock(&s, LockInfo::current("apply")).unwrap();
    let id = guard.info().id.to_string();
    let err = s.lock(LockInfo::current("apply")).unwrap_err();
    assert!(matches!(err, StateError::LockHeld { .. }));
    let text = err.to_string();
    assert!(text.contains(&format!("lock id `{id}`")), "{text}");
    assert!(
        text.ends_with(&format!("run `migrate state unlock {id}`")),
        "{text}"
    );
    assert!(
        text.contains(&format!("pid {}", std::process::id())),
        "{text}"
    );
    assert_eq!(s.read_lock().unwrap().map(|l| l.id), Some(guard.info().id));
    guard.release().unwrap();
    assert_eq!(s.read_lock().unwrap(), None);
}

#[test]
fn unlock_needs_the_right_id() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let err = s.unlock("nope").unwrap_err();
    assert!(matches!(err, StateError::NotLocked { .. }), "{err}");
    let info = s.lock(LockInfo::current("apply")).unwrap().info;
    let err = s.unlock("0000").unwrap_err();
    assert!(
        err.to_string().contains(&format!(
            "has id `{}`, not `0000`; nothing was unlocked",
            info.id
        )),
        "{err}"
    );
    assert!(s.read_lock().unwrap().is_some());
    s.unlock(&info.id.to_string()).unwrap();
    assert!(!s.lock_path().exists());
}

#[test]
fn a_lock_of_a_dead_process_on_this_host_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    let mut dead = LockInfo::current("apply");
    dead.pid = dead_pid;
    s.lock(dead.clone()).unwrap();

    let acquired = s.lock(LockInfo::current("apply")).unwrap();
    assert_eq!(acquired.took_over, Some(dead));
    assert_eq!(s.read_lock().unwrap(), Some(acquired.info));
}

#[test]
fn a_lock_of_another_host_is_never_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir);
    let mut remote = LockInfo::current("apply");
    remote.host = "ci-runner-7.invalid".into();
    remote.pid = u32::MAX;
    s.lock(remote.clone()).unwrap();
    let err = s.lock(LockInfo::current("apply")).unwrap_err();
    assert!(err.to_string().contains("@ci-runner-7.invalid"), "{err}");
    assert_eq!(s.read_lock().unwrap(), Some(remote));
}
