//! Before anything runs, the done steps that something pending depends on (directly or not) are
//! re-checked against the world through [`Postconditions`]: a record is never trusted over the
//! clusters. A step whose effect vanished and can be redone safely is reset to pending with
//! everything downstream of it; one that cannot stops the run with its reason.

use migrate_state::{State, StepStatus};

use crate::contract::{Postconditions, Recheck};
use crate::dag::Dag;
use crate::event::{Event, EventSink};
use crate::summary::StepMessage;

/// What the re-check found.
#[derive(Debug, Default)]
pub(crate) struct Rechecked {
    /// Done steps reset to pending (their effect vanished), with the steps downstream of them.
    pub redo: Vec<String>,
    /// Postconditions that do not hold and cannot be restored: the run stops.
    pub broken: Vec<StepMessage>,
}

/// Re-checks, in plan order, each done step (`skip[i]`) with a descendant that runs; updates
/// `skip` and the records of the steps that run again.
pub(crate) async fn recheck_done(
    dag: &Dag,
    checks: &dyn Postconditions,
    state: &mut State,
    skip: &mut [bool],
    events: &dyn EventSink,
) -> Rechecked {
    let mut out = Rechecked::default();
    for i in 0..dag.len() {
        if !skip[i] {
            continue;
        }
        let descendants = dag.descendants(i);
        if descendants.iter().all(|&d| skip[d]) {
            continue;
        }
        let id = dag.node(i).id.clone();
        let outputs = state
            .step(&id)
            .and_then(|r| r.outputs.clone())
            .unwrap_or_default();
        let verdict = match checks.recheck(i, &outputs).await {
            Ok(v) => v,
            Err(e) => Recheck::Broken {
                reason: format!(
                    "could not re-check that its effect still holds: {}",
                    e.message
                ),
            },
        };
        match verdict {
            Recheck::Holds => {}
            Recheck::Redo { reason } => {
                events.emit(&Event::PostconditionBroken {
                    id: id.clone(),
                    reason,
                    redo: true,
                });
                for n in std::iter::once(i).chain(descendants) {
                    skip[n] = false;
                    if let Some(rec) = state.steps.get_mut(&dag.node(n).id)
                        && rec.status == StepStatus::Done
                    {
                        rec.status = StepStatus::Pending;
                        rec.outputs = None;
                        rec.handle = None;
                        out.redo.push(dag.node(n).id.clone());
                    }
                }
            }
            Recheck::Broken { reason } => {
                events.emit(&Event::PostconditionBroken {
                    id: id.clone(),
                    reason: reason.clone(),
                    redo: false,
                });
                out.broken.push(StepMessage {
                    id,
                    message: reason,
                });
                // Nothing downstream is asked of a world that is not the recorded one.
                break;
            }
        }
    }
    out
}
