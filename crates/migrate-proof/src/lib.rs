//! Proof that a destination index holds exactly its source's documents — every `_id` both ways and
//! every document's canonical content, in bounded memory — plus metadata diffs and the report.
//!
//! The caller streams both sides (PIT/search_after or sliced scroll pages) into a [`Proof`] from as
//! many threads as it likes, then compares; see `proof` for the flow and `canonical` for what
//! "equal content" means. A cluster-side caller, per index pair:
//!
//! ```text
//! let proof = Proof::new(ProofConfig::for_documents(source_count), state_dir)?;
//! for side in [Source, Destination], for slice k of n (both sides at once, any n per side):
//!     let mut s = proof.side(side).slice();          // Send + 'static
//!     loop {                                          // PIT + `slice:{id:k,max:n}` + search_after,
//!         let body = search(page request).await?;    //   or a sliced scroll on 5.x/6.x;
//!         let (s2, cursor) = spawn_blocking(move || { let c = s.add_page(&body); (s, c) }).await;
//!         s = s2; let cursor = cursor?;              // hashing is CPU work: off the runtime
//!         if cursor.hits == 0 { break }              // next: cursor.last_sort / scroll_id / pit_id
//!     }
//!     s.commit()?;                                    // scroll lost? drop `s`, restart the slice
//! let mut findings = Findings::create(&state_dir.join("verify-findings.jsonl"), 5)?;
//! let docs = proof.compare(index, &mut findings, &dead_letters)?;
//! let report = IndexReport::new(src, dst, Level::Proof, docs,
//!     metadata::check(ObjectKind::Mappings, &intended, &actual, &KeyFilter::default(), 5), …);
//! ```

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
pub use metadata::KeyFilter;
pub use page::{Cursor, Hit, Page, PageError};
pub use proof::Proof;
pub use record::{MAX_KEY_BYTES, Record, RecordError, bucket_of};
pub use report::{Column, IndexReport, Level, MetaCheck, RunReport, Verdict};
pub use side::{Side, SideFeed, SideStats, Slice};
pub use table::aligned;
