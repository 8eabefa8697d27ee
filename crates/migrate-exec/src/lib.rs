//! migrate-exec: the tokio executor that runs the step DAG with checkpoints, retries, re-attach,
//! events and progress. Step implementations live in `migrate-steps` behind the [`Runner`]
//! contract.

pub mod contract;
mod dag;
mod event;
mod executor;
mod recheck;
mod resolve;
mod retry;
mod summary;
mod writer;

pub use contract::{
    HandleSink, NoProgress, Outcome, Postconditions, ProgressSink, Recheck, Runner, StepCtx,
    StepError, StepProgress,
};
pub use dag::{Dag, DagError, DagNode};
pub use event::{Event, EventLog, EventSink, FnSink, NoEvents, describe, json_line, plain_line};
pub use executor::{ExecConfig, ExecError, Executor, exit_code};
pub use resolve::{graph_status, resolve, status_map};
pub use retry::RetryPolicy;
pub use summary::{RunOutcome, RunSummary, StepMessage};
