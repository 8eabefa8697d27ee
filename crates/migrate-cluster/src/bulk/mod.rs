//! The bulk writer: documents to the destination's `_bulk` by id, in bounded batches, at an
//! adaptive rate within the plan's ceiling, with items rejected for load retried alone and
//! documents refused for good written to a dead-letter file.

pub mod batch;
pub mod dead_letter;
pub mod rate;
pub mod response;
pub mod writer;

pub use batch::{Bounds, BulkDoc};
pub use dead_letter::{DeadLetter, DeadLetters};
pub use rate::{Aimd, Ceiling, CurrentRate, Signal};
pub use writer::{BulkConfig, BulkError, BulkStats, BulkWriter, Written};
