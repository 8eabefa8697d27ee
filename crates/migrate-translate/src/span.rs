//! Version ranges a rule applies to: a flavour and `[from, before)` in major.minor, rendered for the
//! docs from the same value the translator checks.

use crate::target::{Flavor, Target};

/// One flavour's range of versions, `from` inclusive, `before` exclusive (open when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The flavour.
    pub flavor: Flavor,
    /// First major.minor in the range.
    pub from: (u32, u32),
    /// First major.minor past the range.
    pub before: Option<(u32, u32)>,
}

/// Elasticsearch from `major.minor` on.
pub const fn es(major: u32, minor: u32) -> Span {
    Span {
        flavor: Flavor::Elasticsearch,
        from: (major, minor),
        before: None,
    }
}

/// OpenSearch from `major.minor` on.
pub const fn os(major: u32, minor: u32) -> Span {
    Span {
        flavor: Flavor::OpenSearch,
        from: (major, minor),
        before: None,
    }
}

impl Span {
    /// The same range, ending before `major.minor`.
    pub const fn before(self, major: u32, minor: u32) -> Span {
        Span {
            before: Some((major, minor)),
            ..self
        }
    }

    /// Is `target` in the range?
    pub fn contains(&self, target: Target) -> bool {
        let v = target.major_minor();
        target.flavor == self.flavor && v >= self.from && self.before.is_none_or(|b| v < b)
    }

    /// `ES ≥ 7.0`, `ES < 7.0`, `OpenSearch 1.0 – < 2.7`, `OpenSearch (all)`.
    pub fn render(&self) -> String {
        let name = self.flavor.short();
        let v = |(a, b): (u32, u32)| format!("{a}.{b}");
        match (self.from, self.before) {
            ((0, 0), None) => format!("{name} (all)"),
            (from, None) => format!("{name} ≥ {}", v(from)),
            ((0, 0), Some(b)) => format!("{name} < {}", v(b)),
            (from, Some(b)) => format!("{name} {} – < {}", v(from), v(b)),
        }
    }
}

/// Every version of both flavours.
pub const ANY: &[Span] = &[es(0, 0), os(0, 0)];
/// Elasticsearch 7+ and every OpenSearch: where ES 7 removals hold.
pub const ES7_OR_OS: &[Span] = &[es(7, 0), os(0, 0)];
/// Every OpenSearch.
pub const OPENSEARCH: &[Span] = &[os(0, 0)];
/// Every Elasticsearch.
pub const ELASTICSEARCH: &[Span] = &[es(0, 0)];

/// A list of spans as one line for the docs (`any` when it covers everything).
pub fn render_all(spans: &[Span]) -> String {
    if spans == ANY {
        return "any".to_string();
    }
    spans
        .iter()
        .map(Span::render)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_holds_its_start_and_not_its_end() {
        let s = es(5, 0).before(7, 0);
        assert!(s.contains(Target::es(5, 0)));
        assert!(s.contains(Target::es(6, 8)));
        assert!(!s.contains(Target::es(7, 0)));
        assert!(!s.contains(Target::os(1, 0)));
        assert_eq!(s.render(), "ES 5.0 – < 7.0");
        assert_eq!(render_all(ES7_OR_OS), "ES ≥ 7.0, OpenSearch (all)");
        assert_eq!(render_all(ANY), "any");
    }
}
