//! `migrate state pull|push`: copying a state between the file backend and the object backend.

use crate::common;
use crate::common::{FileHarness, Harness, ObjectHarness};
use migrate_state::{Changes, LockInfo, State, StateError, StepStatus};
use migrate_state_remote::{
    CopyError, CopyOutcome, StateBackend, StateLocation, copy_state, open_state_backend,
};

fn file_backend(h: &FileHarness, plan: &str) -> StateBackend {
    open_state_backend(&StateLocation::Dir(h.dir.path().join(".migrate")), plan).unwrap()
}

fn object_backend(h: &ObjectHarness, plan: &str) -> StateBackend {
    StateBackend::Object(h.store(plan))
}

#[test]
fn push_and_pull_keep_lineage_serial_and_steps() {
    let local = FileHarness::new();
    let remote = ObjectHarness::start();

    // A local run with journal commits.
    let file = local.open("movies");
    let mut state = State::new("movies");
    file.commit(&state, Changes::All).unwrap();
    for id in ["a", "b", "c"] {
        common::commit_step(&*file, &mut state, id, StepStatus::Done);
    }

    // push: file → object (nothing there yet).
    let to = object_backend(&remote, "movies");
    let report = copy_state(&*file, &to, false).unwrap();
    assert_eq!(report.outcome, CopyOutcome::Created);
    assert_eq!(
        (report.lineage, report.serial, report.steps),
        (state.lineage, 3, 3)
    );
    assert_eq!(remote.open("movies").load().unwrap(), Some(state.clone()));
    assert_eq!(
        to.as_store().read_lock().unwrap(),
        None,
        "the copy's lock is released"
    );
    // Again: nothing to do.
    assert_eq!(
        copy_state(&*file, &to, false).unwrap().outcome,
        CopyOutcome::UpToDate
    );

    // A runner goes on remotely; pull: object → file, replacing the local journal state.
    let runner = remote.open("movies");
    let mut remote_state = runner.load().unwrap().unwrap();
    common::commit_step(&*runner, &mut remote_state, "d", StepStatus::Running);
    let into = file_backend(&local, "movies");
    let report = copy_state(&*runner, &into, false).unwrap();
    assert_eq!(
        report.outcome,
        CopyOutcome::Replaced {
            lineage: state.lineage,
            serial: 3
        }
    );
    let pulled = local.open("movies");
    assert_eq!(pulled.load().unwrap(), Some(remote_state.clone()));
    // The pulled state is a normal local state: commits go on from it.
    let mut next = remote_state.clone();
    common::commit_step(&*pulled, &mut next, "d", StepStatus::Done);
    assert_eq!(local.open("movies").load().unwrap(), Some(next.clone()));

    // The remote is behind the local state now: pulling it over the newer local state is refused,
    // pushing the local state brings the remote up to date.
    let err = copy_state(&*runner, &file_backend(&local, "movies"), false).unwrap_err();
    assert!(
        matches!(
            err,
            CopyError::DestinationNewer {
                to_serial: 5,
                from_serial: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("pass --force"), "{err}");
    assert_eq!(local.open("movies").load().unwrap(), Some(next.clone()));
    let report = copy_state(
        &*local.open("movies"),
        &object_backend(&remote, "movies"),
        false,
    )
    .unwrap();
    assert_eq!(report.serial, 5);
    assert_eq!(remote.open("movies").load().unwrap(), Some(next));
}

#[test]
fn another_lineage_a_newer_format_and_a_held_lock_are_refused() {
    let local = FileHarness::new();
    let remote = ObjectHarness::start();
    let file = local.open("other");
    let mine = State::new("other");
    file.commit(&mine, Changes::All).unwrap();
    let theirs = State::new("other");
    remote.open("other").commit(&theirs, Changes::All).unwrap();

    let to = object_backend(&remote, "other");
    let err = copy_state(&*file, &to, false).unwrap_err();
    let CopyError::OtherLineage {
        to_lineage,
        from_lineage,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((*to_lineage, *from_lineage), (theirs.lineage, mine.lineage));
    assert!(err.to_string().contains("another history"), "{err}");
    assert_eq!(remote.open("other").load().unwrap(), Some(theirs.clone()));
    // Forced: replaced, lineage and serial of the source kept.
    let report = copy_state(&*file, &to, true).unwrap();
    assert_eq!(
        report.outcome,
        CopyOutcome::Replaced {
            lineage: theirs.lineage,
            serial: 0
        }
    );
    assert_eq!(remote.open("other").load().unwrap(), Some(mine.clone()));

    // A state from a newer format is refused, in either direction, and nothing is written.
    let newer = include_str!("../../../migrate-state/tests/fixtures/newer.json");
    remote.put_raw_state("future", newer.as_bytes());
    let err = copy_state(
        &*remote.open("future"),
        &file_backend(&local, "future"),
        true,
    )
    .unwrap_err();
    assert!(
        matches!(err, CopyError::State(StateError::TooNew { .. })),
        "{err:?}"
    );
    assert!(!local.dir.path().join(".migrate/future.state.json").exists());
    let err = copy_state(&*file, &object_backend(&remote, "future"), true).unwrap_err();
    assert!(
        matches!(err, CopyError::State(StateError::TooNew { .. })),
        "{err:?}"
    );

    // Nothing to copy.
    let err = copy_state(&*local.open("absent"), &to, false).unwrap_err();
    assert!(err.to_string().starts_with("there is no state at"), "{err}");

    // A run holds the destination: the copy does not touch it.
    let run = LockInfo::current("apply");
    remote.open("other").lock(run.clone()).unwrap();
    let mut changed = mine.clone();
    changed.serial += 1;
    file.commit(&changed, Changes::All).unwrap();
    let err = copy_state(&*file, &to, false).unwrap_err();
    assert!(
        matches!(&err, CopyError::State(StateError::LockHeld { lock, .. }) if **lock == run),
        "{err:?}"
    );
    assert_eq!(remote.open("other").load().unwrap(), Some(mine));
}
