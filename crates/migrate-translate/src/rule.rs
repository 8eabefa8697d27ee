//! What a rule of the translation table is: an id, what it does, where it applies, and the docs
//! it comes from. The table itself is in [`crate::rules`].

use crate::kind::ObjectKind;
use crate::span::Span;
use crate::target::Target;

/// What a rule does to the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Rewrites a construct into the destination's equivalent.
    Rewrite,
    /// Removes a construct the destination refuses or sets itself.
    Strip,
    /// Refuses a construct that has no equivalent (an error finding).
    Reject,
    /// Keeps the construct and warns that its meaning changes.
    Flag,
}

impl Action {
    /// The lower-case name used in the docs.
    pub fn name(self) -> &'static str {
        match self {
            Action::Rewrite => "rewrite",
            Action::Strip => "strip",
            Action::Reject => "reject",
            Action::Flag => "flag",
        }
    }
}

/// One named rule of the translation table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Kebab-case id, as findings name it.
    pub id: &'static str,
    /// What it does.
    pub action: Action,
    /// The kinds of object it reads.
    pub objects: &'static [ObjectKind],
    /// Source versions it applies to.
    pub source: &'static [Span],
    /// Destination versions it applies to.
    pub destination: &'static [Span],
    /// One line: what and why.
    pub summary: &'static str,
    /// The documentation it comes from.
    pub docs: &'static [&'static str],
}

impl Rule {
    /// Does the rule apply between these versions?
    pub fn applies(&self, source: Target, destination: Target) -> bool {
        self.source.iter().any(|s| s.contains(source))
            && self.destination.iter().any(|s| s.contains(destination))
    }
}
