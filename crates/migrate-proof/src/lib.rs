//! Proof that a destination index holds exactly its source's documents — every `_id` both ways and
//! every document's canonical content, in bounded memory — plus metadata diffs and the report.
//!
//! The caller streams both sides (PIT/search_after or sliced scroll pages) into a [`Proof`] from as
//! many threads as it likes, then compares; see `proof` for the flow and `canonical` for what
//! "equal content" means.

pub mod canonical;
mod compare;
mod config;
mod digest;
mod error;
mod findings;
pub mod metadata;
mod page;
mod proof;
mod record;
mod report;
mod side;
mod spill;
mod table;

pub use canonical::{NO_SOURCE, SourceError, source_hash};
pub use compare::DocDiff;
pub use config::ProofConfig;
pub use error::ProofError;
pub use findings::{DeadLetters, Finding, Findings, Kind, NoDeadLetters};
pub use metadata::{KeyFilter, MetaDiff};
pub use page::{Cursor, Hit, Page, PageError};
pub use proof::Proof;
pub use record::{MAX_KEY_BYTES, Record, RecordError, bucket_of};
pub use report::{Column, IndexReport, Level, MetaCheck, RunReport, Verdict};
pub use side::{Side, SideFeed, SideStats, Slice};
pub use table::aligned;
