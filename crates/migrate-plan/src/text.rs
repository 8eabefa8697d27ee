//! Checks on the raw text before it is parsed: control characters (a NUL byte would silently end
//! the document for the parser) and tabs in indentation (the parser's own message is obscure).
//! Each check reports at most [`MAX_DIAGNOSTICS`] findings and counts the rest.

use crate::diagnostic::PlanDiagnostic;
use crate::limits::MAX_DIAGNOSTICS;
use crate::node::Span;

/// Findings of one check: the first ones in full, and how many more there were.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub items: Vec<PlanDiagnostic>,
    pub more: usize,
}

impl Found {
    pub fn push(&mut self, d: impl FnOnce() -> PlanDiagnostic) {
        if self.items.len() < MAX_DIAGNOSTICS {
            self.items.push(d());
        } else {
            self.more += 1;
        }
    }

    /// Whether further findings are only counted: a caller can then skip building them.
    pub fn full(&self) -> bool {
        self.items.len() >= MAX_DIAGNOSTICS
    }

    /// Adds a finding already built.
    pub fn add(&mut self, d: PlanDiagnostic) {
        self.push(|| d);
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Whether YAML forbids `c` in a stream: the C0 controls other than tab and line breaks, DEL, and
/// the C1 controls other than NEL.
pub(crate) fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{85}')
}

/// Every control character YAML does not allow, each at its place.
pub(crate) fn control_chars(text: &str) -> Found {
    let mut found = Found::default();
    for (at, c) in text
        .char_indices()
        .filter(|(_, c)| is_forbidden_control(*c))
    {
        found.push(|| {
            let code = format!("U+{:04X}", u32::from(c));
            let (message, label, help) = if c == '\0' {
                (
                    format!("NUL byte ({code}) in the plan"),
                    "NUL byte".to_owned(),
                    "a plan is UTF-8 text and a NUL byte would end it early, hiding what follows; NUL bytes usually mean a UTF-16 or non-text file: save the plan as UTF-8 text",
                )
            } else {
                let name = match c {
                    '\u{7}' => " (BEL)",
                    '\u{8}' => " (backspace)",
                    '\u{b}' => " (vertical tab)",
                    '\u{c}' => " (form feed)",
                    '\u{1b}' => " (ESC)",
                    '\u{7f}' => " (DEL)",
                    _ => "",
                };
                (
                    format!("control character {code}{name} in the plan"),
                    "control character".to_owned(),
                    "YAML allows no control characters besides tab and line breaks: remove it (inside a double-quoted value, write it as an escape such as `\\e`)",
                )
            };
            PlanDiagnostic::error("plan::control-character", message)
                .label(Span::new(at, c.len_utf8()), label)
                .help(help)
        });
    }
    found
}

/// Tabs in indentation: YAML forbids them.
pub(crate) fn tab_indents(text: &str) -> Found {
    let mut found = Found::default();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line[..indent].find('\t') {
            found.push(|| {
                PlanDiagnostic::error("plan::tab", "tab character in indentation")
                    .label(Span::new(offset + i, 1), "tab")
                    .help("YAML indentation must use spaces: replace the tab with spaces")
            });
        }
        offset += line.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_byte_and_an_escape_are_each_reported_at_their_byte() {
        let found = control_chars("a: 1\nb: x\0y\nc: \u{1b}[31m\n");
        let at: Vec<(usize, &str)> = found
            .items
            .iter()
            .map(|d| (d.labels[0].span.start, d.message.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (9, "NUL byte (U+0000) in the plan"),
                (15, "control character U+001B (ESC) in the plan")
            ]
        );
    }

    #[test]
    fn tabs_newlines_and_nel_are_allowed() {
        assert!(control_chars("a:\t1\r\nb: x\u{85}y\n").is_empty());
    }

    #[test]
    fn past_the_limit_findings_are_counted_not_kept() {
        let found = control_chars(&"\0".repeat(MAX_DIAGNOSTICS + 7));
        assert_eq!((found.items.len(), found.more), (MAX_DIAGNOSTICS, 7));
    }
}
