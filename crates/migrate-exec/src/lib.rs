//! migrate-exec: the tokio executor that runs the step DAG with checkpoints, retries, re-attach,
//! events and progress. Step implementations live in `migrate-steps`, behind [`Runner`].

pub mod contract;

pub use contract::{
    HandleSink, NoProgress, Outcome, ProgressSink, Runner, StepCtx, StepError, StepProgress,
};
