//! The single writer: one thread owns the state and commits every transition, group-committing
//! whatever arrived while the previous commit was being made durable.
//!
//! A caller waiting on a transition is acknowledged only once a commit that includes it is durable,
//! and the transition's event is emitted then, so events follow commit order. With a journal
//! backend a commit is one fsynced append, and under load one append carries many transitions.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use async_trait::async_trait;
use migrate_state::{Changes, State, StateError, StateStore, StepStatus};
use serde_json::Value;
use time::OffsetDateTime;
use tokio::sync::oneshot;

use crate::contract::HandleSink;
use crate::event::{Event, EventSink};

/// A transition of one step.
#[derive(Debug)]
pub(crate) enum Update {
    Started {
        attempt: u32,
        fingerprint: String,
    },
    Handle(Value),
    Retrying {
        attempt: u32,
        delay: Duration,
        error: String,
    },
    Done {
        outputs: Value,
    },
    Failed {
        error: String,
    },
    Blocked {
        message: String,
    },
    /// The run stopped while the step ran: it stays `running`, its handle kept.
    Interrupted {
        error: Option<String>,
    },
}

type Ack = oneshot::Sender<Result<(), String>>;

enum Msg {
    Update {
        id: String,
        update: Update,
        ack: Option<Ack>,
    },
    Finish(oneshot::Sender<Result<State, StateError>>),
}

/// The handle the executor's tasks send transitions through.
#[derive(Clone)]
pub(crate) struct Writer {
    tx: mpsc::Sender<Msg>,
}

pub(crate) struct WriterThread {
    writer: Writer,
    thread: JoinHandle<()>,
}

impl WriterThread {
    pub(crate) fn spawn(
        store: Arc<dyn StateStore>,
        state: State,
        events: Arc<dyn EventSink>,
    ) -> Self {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("migrate-state-writer".into())
            .spawn(move || run(store, state, events, rx))
            .expect("spawning the state writer thread");
        WriterThread {
            writer: Writer { tx },
            thread,
        }
    }

    pub(crate) fn writer(&self) -> Writer {
        self.writer.clone()
    }

    /// Compacts the state (if anything was committed) and stops the thread.
    pub(crate) async fn finish(self) -> Result<State, StateError> {
        let (tx, rx) = oneshot::channel();
        let sent = self.writer.tx.send(Msg::Finish(tx));
        let result = match sent {
            Ok(()) => rx.await.ok(),
            Err(_) => None,
        };
        let _ = tokio::task::spawn_blocking(move || self.thread.join()).await;
        result.unwrap_or_else(|| {
            Err(StateError::Io {
                action: "commit to",
                path: "the state".into(),
                source: std::io::Error::other("the state writer stopped"),
            })
        })
    }
}

impl Writer {
    /// Sends a transition and waits until it is durable.
    pub(crate) async fn commit(&self, id: &str, update: Update) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Msg::Update {
                id: id.to_owned(),
                update,
                ack: Some(tx),
            })
            .map_err(|_| "the state writer stopped".to_owned())?;
        rx.await
            .unwrap_or_else(|_| Err("the state writer stopped".into()))
    }

    /// Sends a transition without waiting (it is committed in order with later ones).
    pub(crate) fn send(&self, id: &str, update: Update) {
        let _ = self.tx.send(Msg::Update {
            id: id.to_owned(),
            update,
            ack: None,
        });
    }
}

#[async_trait]
impl HandleSink for Writer {
    async fn record_handle(&self, step_id: &str, handle: Value) -> Result<(), String> {
        self.commit(step_id, Update::Handle(handle)).await
    }
}

fn run(
    store: Arc<dyn StateStore>,
    mut state: State,
    events: Arc<dyn EventSink>,
    rx: mpsc::Receiver<Msg>,
) {
    let mut failed: Option<String> = None;
    let mut committed_any = false;
    let mut finish: Option<oneshot::Sender<Result<State, StateError>>> = None;
    while finish.is_none() {
        let Ok(first) = rx.recv() else { return };
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        let mut ids = Vec::new();
        let mut acks = Vec::new();
        let mut pending_events = Vec::new();
        for msg in batch {
            match msg {
                Msg::Finish(tx) => finish = Some(tx),
                Msg::Update { id, update, ack } => {
                    if let Some(e) = apply(&mut state, &id, update) {
                        pending_events.push(e);
                    }
                    ids.push(id);
                    acks.extend(ack);
                }
            }
        }
        if ids.is_empty() {
            continue;
        }
        let result = match &failed {
            Some(e) => Err(e.clone()),
            None => {
                ids.sort_unstable();
                ids.dedup();
                state.serial += 1;
                store
                    .commit(&state, Changes::Steps(&ids))
                    .map_err(|e| e.to_string())
            }
        };
        match &result {
            Ok(()) => {
                committed_any = true;
                for e in &pending_events {
                    events.emit(e);
                }
            }
            Err(e) => failed = Some(e.clone()),
        }
        for ack in acks {
            let _ = ack.send(result.clone());
        }
    }
    let result = match failed {
        Some(e) => Err(StateError::Io {
            action: "commit to",
            path: store.location().into(),
            source: std::io::Error::other(e),
        }),
        None if committed_any => {
            // Fold the journal into the state file, so the plain state file is current.
            state.serial += 1;
            store.commit(&state, Changes::All).map(|()| state)
        }
        None => Ok(state),
    };
    if let Some(tx) = finish {
        let _ = tx.send(result);
    }
}

/// Applies `update` to the step's record and returns the event to emit once it is durable.
fn apply(state: &mut State, id: &str, update: Update) -> Option<Event> {
    let now = OffsetDateTime::now_utc();
    let rec = state.step_mut(id);
    let id = id.to_owned();
    match update {
        Update::Started {
            attempt,
            fingerprint,
        } => {
            rec.status = StepStatus::Running;
            rec.attempts = attempt;
            rec.started_at = Some(now);
            rec.finished_at = None;
            rec.fingerprint = Some(fingerprint);
            Some(Event::StepStarted { id, attempt })
        }
        Update::Handle(handle) => {
            rec.handle = Some(handle);
            None
        }
        Update::Retrying {
            attempt,
            delay,
            error,
        } => {
            rec.error = Some(error.clone());
            Some(Event::StepRetrying {
                id,
                attempt,
                delay,
                error,
            })
        }
        Update::Done { outputs } => {
            rec.status = StepStatus::Done;
            rec.finished_at = Some(now);
            rec.error = None;
            rec.outputs = (!outputs.is_null()).then(|| outputs.clone());
            Some(Event::StepDone { id, outputs })
        }
        Update::Failed { error } => {
            rec.status = StepStatus::Failed;
            rec.finished_at = Some(now);
            rec.error = Some(error.clone());
            Some(Event::StepFailed { id, error })
        }
        Update::Blocked { message } => {
            rec.status = StepStatus::Blocked;
            rec.finished_at = Some(now);
            rec.error = Some(message.clone());
            Some(Event::StepBlocked { id, message })
        }
        Update::Interrupted { error } => {
            if let Some(e) = error {
                rec.error = Some(e);
            }
            Some(Event::StepInterrupted { id })
        }
    }
}
