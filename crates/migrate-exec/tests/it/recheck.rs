//! Postconditions: before anything runs, the done steps a pending step builds on are re-checked;
//! a vanished effect runs again with everything downstream, a broken one stops the run untouched.

use std::sync::{Arc, Mutex};

use crate::support::{Script, dag, strings};
use async_trait::async_trait;
use migrate_exec::{Outcome, Postconditions, Recheck, RunOutcome, StepError};
use migrate_state::{FileStore, StateStore, StepStatus};
use serde_json::Value;

/// Answers `verdict(node)` and logs which nodes were asked.
struct World {
    verdict: Box<dyn Fn(usize) -> Recheck + Send + Sync>,
    asked: Mutex<Vec<usize>>,
}

#[async_trait]
impl Postconditions for World {
    async fn recheck(&self, node: usize, _: &Value) -> Result<Recheck, StepError> {
        self.asked.lock().unwrap().push(node);
        Ok((self.verdict)(node))
    }
}

fn world(verdict: impl Fn(usize) -> Recheck + Send + Sync + 'static) -> Arc<World> {
    Arc::new(World {
        verdict: Box::new(verdict),
        asked: Mutex::new(Vec::new()),
    })
}

/// `create` → `copy` → `gate`: the first run stops at the gate (blocked), the second resumes.
fn chain() -> migrate_exec::Dag {
    dag(&[
        ("create", &[]),
        ("copy", &[0]),
        ("gate", &[1]),
        ("other", &[]),
    ])
}

async fn first_run(store: &Arc<dyn StateStore>) {
    let d = chain();
    let runner = Script::new(&d, |id, _| {
        Ok(if id == "gate" {
            Outcome::Blocked {
                message: "approve".into(),
            }
        } else {
            Outcome::done()
        })
    });
    let summary = migrate_exec::Executor::new("test-plan", d, runner, store.clone())
        .run()
        .await
        .unwrap();
    assert_eq!(summary.outcome(), RunOutcome::Blocked);
}

/// The second run, every step done when it runs, with `checks` as the world.
async fn resume(
    store: &Arc<dyn StateStore>,
    checks: &Arc<World>,
) -> (migrate_exec::RunSummary, Arc<Script>) {
    let d = chain();
    let runner = Script::all_done(&d);
    let summary = migrate_exec::Executor::new("test-plan", d, runner.clone(), store.clone())
        .with_postconditions(checks.clone())
        .run()
        .await
        .unwrap();
    (summary, runner)
}

fn store(dir: &tempfile::TempDir) -> Arc<dyn StateStore> {
    Arc::new(FileStore::new(dir.path().join(".migrate"), "test-plan").unwrap())
}

#[tokio::test]
async fn a_vanished_effect_runs_again_with_everything_downstream_and_only_needed_steps_are_asked() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    first_run(&store).await;
    let checks = world(|node| {
        if node == 0 {
            Recheck::Redo {
                reason: "the index is gone".into(),
            }
        } else {
            Recheck::Holds
        }
    });
    let (summary, runner) = resume(&store, &checks).await;
    assert_eq!(summary.outcome(), RunOutcome::Complete);
    assert_eq!(runner.ran(), strings(&["copy", "create", "gate"]));
    // `other` has nothing pending downstream: it is not asked.
    assert_eq!(*checks.asked.lock().unwrap(), vec![0]);
}

#[tokio::test]
async fn a_broken_postcondition_stops_the_run_before_anything_starts_and_keeps_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir);
    first_run(&store).await;
    let before = store.load().unwrap().unwrap();
    let checks = world(|node| {
        if node == 1 {
            Recheck::Broken {
                reason: "another cluster".into(),
            }
        } else {
            Recheck::Holds
        }
    });
    let (summary, runner) = resume(&store, &checks).await;
    assert_eq!(summary.outcome(), RunOutcome::Failed);
    assert_eq!(summary.failed[0].id, "copy");
    assert_eq!(summary.failed[0].message, "another cluster");
    assert!(runner.ran().is_empty(), "{:?}", runner.ran());
    let after = store.load().unwrap().unwrap();
    assert_eq!(after.steps, before.steps);
    assert_eq!(after.step("copy").unwrap().status, StepStatus::Done);
}
