//! The repository layout (5.x–7.x): what each key is ([`classify`]), the order a copy must land in
//! ([`CopyPhase`]), and the keys writers build ([`paths`]).
//!
//! A repository is a tree of blobs under a base path. Only `index.latest` is ever overwritten; every
//! other blob is written once under a fresh name, which is what makes "same key, same size" a safe
//! test for "already copied".

mod key;
pub mod paths;

pub use key::{CopyPhase, KeyClass, KeyIssue, classify};
