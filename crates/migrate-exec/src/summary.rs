//! What a run ended with, and the exit codes the CLI maps it to.

use serde::Serialize;

/// A step id with a message (an error, or what to change in the plan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepMessage {
    pub id: String,
    pub message: String,
}

/// How a run ended, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// Ctrl-C or cancellation: state checkpointed, resumable. Exit 130.
    Interrupted,
    /// At least one step failed; independent branches finished. Exit 1.
    Failed,
    /// Stopped at a gate (the cutover approval). Exit 0.
    Blocked,
    /// Every step is done. Exit 0.
    Complete,
}

impl RunOutcome {
    pub fn exit_code(self) -> u8 {
        match self {
            RunOutcome::Interrupted => 130,
            RunOutcome::Failed => 1,
            RunOutcome::Blocked | RunOutcome::Complete => 0,
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunSummary {
    /// Steps in the plan.
    pub steps: usize,
    /// Steps this run took to done.
    pub done: usize,
    /// Steps already done and unchanged.
    pub skipped: usize,
    pub failed: Vec<StepMessage>,
    pub blocked: Vec<StepMessage>,
    /// Steps not started because something upstream failed or blocked, or the run stopped.
    pub not_started: Vec<String>,
    pub interrupted: bool,
}

impl RunSummary {
    pub fn outcome(&self) -> RunOutcome {
        if self.interrupted {
            RunOutcome::Interrupted
        } else if !self.failed.is_empty() {
            RunOutcome::Failed
        } else if !self.blocked.is_empty() {
            RunOutcome::Blocked
        } else {
            RunOutcome::Complete
        }
    }

    pub fn exit_code(&self) -> u8 {
        self.outcome().exit_code()
    }

    /// One line (plus one per failed or blocked step) for the end of a run.
    pub fn describe(&self) -> String {
        let head = match self.outcome() {
            RunOutcome::Complete => "complete".to_owned(),
            RunOutcome::Blocked => "stopped at a gate".to_owned(),
            RunOutcome::Failed => format!("{} step(s) failed", self.failed.len()),
            RunOutcome::Interrupted => {
                "interrupted; state checkpointed, run apply again to resume".to_owned()
            }
        };
        let mut out = format!(
            "{head}: {} done now, {} already done, {} not started, of {} steps",
            self.done,
            self.skipped,
            self.not_started.len(),
            self.steps
        );
        for f in &self.failed {
            out.push_str(&format!("\n  failed  {}: {}", f.id, f.message));
        }
        for b in &self.blocked {
            out.push_str(&format!("\n  blocked {}: {}", b.id, b.message));
        }
        out
    }
}
