//! The compatibility lint: what a version jump forces on each captured index and metadata object,
//! rule by rule. A [`Capture`] is the source's metadata as `migrate lint` read it (plain data, no
//! secrets); a [`LintReport`] is that capture translated for the plan's destination — or, without
//! a capture, the rules that will be checked for the version pair. The dry run, `migrate lint` and
//! `migrate validate` all render the same report ([`render`]).

mod capture;
pub mod render;
mod report;

pub use capture::{
    CAPTURE_FORMAT_VERSION, Capture, CaptureError, CapturedCluster, CapturedItem, Unread,
};
pub use report::{CaptureInfo, LintItem, LintReport, RuleRef};
