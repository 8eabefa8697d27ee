//! The lint report as text (terminals), Markdown (a collapsible `<details>` section for
//! pull-request comments) and DOT comments (a graph has no place for findings, so they ride along
//! as `//` lines). JSON is the report itself, serialised.

use std::fmt::Write as _;

use super::report::LintReport;

/// The heading line shared by every format.
fn heading(r: &LintReport) -> String {
    let pair = match (&r.source, &r.destination) {
        (Some(s), Some(d)) => format!(" ({s} → {d})"),
        (Some(s), None) => format!(" ({s} → destination version unknown)"),
        (None, Some(d)) => format!(" (source version unknown → {d})"),
        (None, None) => String::new(),
    };
    format!("Compatibility lint{pair}: {}", r.summary())
}

/// Where the capture came from, one line.
fn provenance(r: &LintReport) -> Option<String> {
    let c = r.capture.as_ref()?;
    let mut s = format!("from `{}`, read {}", c.file, c.taken_at);
    match (&c.cluster_name, &c.cluster_uuid) {
        (Some(n), Some(u)) => {
            let _ = write!(s, " from cluster `{n}` (uuid {u})");
        }
        (Some(n), None) => {
            let _ = write!(s, " from cluster `{n}`");
        }
        (None, Some(u)) => {
            let _ = write!(s, " from cluster uuid {u}");
        }
        (None, None) => {}
    }
    Some(s)
}

/// One line of text: newlines and tabs become spaces.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r', '\t'], " ")
}

/// The report for a terminal, every line ending in `\n`.
pub fn text(r: &LintReport) -> String {
    let mut out = heading(r);
    out.push('\n');
    if let Some(p) = provenance(r) {
        let _ = writeln!(out, "  {p}");
    }
    for u in r.capture.iter().flat_map(|c| &c.unread) {
        let _ = writeln!(out, "  not read: {}", one_line(u));
    }
    if let Some(note) = &r.note {
        let _ = writeln!(out, "  {}", one_line(note));
    }
    for item in &r.items {
        let _ = writeln!(out, "  {} `{}`", item.kind, item.name);
        for f in &item.findings {
            let at = if f.path.is_empty() { "/" } else { &f.path };
            let _ = writeln!(
                out,
                "    {:<7} {}  {}  {}",
                severity(f.severity),
                f.rule,
                one_line(at),
                one_line(&f.message)
            );
        }
    }
    if r.capture.is_none() && !r.rules.is_empty() {
        out.push_str("  rules for this version pair:\n");
        for rule in &r.rules {
            let _ = writeln!(out, "    {:<7} {}", rule.action, rule.id);
        }
    }
    out
}

fn severity(s: crate::Severity) -> &'static str {
    match s {
        crate::Severity::Info => "info",
        crate::Severity::Warning => "warning",
        crate::Severity::Error => "error",
    }
}

/// A Markdown table cell: `|` escaped, one line.
fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

/// The report as a collapsible Markdown section (open when it has errors).
pub fn markdown(r: &LintReport) -> String {
    let mut out = String::new();
    out.push_str(if r.errors > 0 {
        "<details open>\n"
    } else {
        "<details>\n"
    });
    let _ = writeln!(out, "<summary>{}</summary>\n", cell(&heading(r)));
    if let Some(p) = provenance(r) {
        let _ = writeln!(out, "Capture {}.\n", cell(&p));
    }
    for u in r.capture.iter().flat_map(|c| &c.unread) {
        let _ = writeln!(out, "- not read: {}", cell(u));
    }
    if r.capture.as_ref().is_some_and(|c| !c.unread.is_empty()) {
        out.push('\n');
    }
    if let Some(note) = &r.note {
        let _ = writeln!(out, "{}\n", cell(note));
    }
    if !r.items.is_empty() {
        out.push_str("| object | severity | rule | where | what |\n|---|---|---|---|---|\n");
        for item in &r.items {
            for f in &item.findings {
                let at = if f.path.is_empty() { "/" } else { &f.path };
                let _ = writeln!(
                    out,
                    "| {} `{}` | {} | `{}` | `{}` | {} |",
                    item.kind,
                    cell(&item.name),
                    severity(f.severity),
                    f.rule,
                    cell(at),
                    cell(&f.message)
                );
            }
        }
        out.push('\n');
    }
    if r.capture.is_none() && !r.rules.is_empty() {
        out.push_str("| rule | action | what |\n|---|---|---|\n");
        for rule in &r.rules {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                rule.id,
                rule.action,
                cell(rule.summary)
            );
        }
        out.push('\n');
    }
    out.push_str("</details>\n");
    out
}

/// The report as DOT comment lines: the heading, the capture, and every error and warning (the
/// rewrites are left to the other formats).
pub fn dot_comments(r: &LintReport) -> String {
    let mut out = format!("// {}\n", one_line(&heading(r)));
    if let Some(p) = provenance(r) {
        let _ = writeln!(out, "// {}", one_line(&p));
    }
    if let Some(note) = &r.note {
        let _ = writeln!(out, "// {}", one_line(note));
    }
    for (item, f) in r.at_least(crate::Severity::Warning) {
        let _ = writeln!(
            out,
            "// {} {} `{}`: {} {}",
            severity(f.severity),
            item.kind,
            one_line(&item.name),
            f.rule,
            one_line(&f.message)
        );
    }
    out
}
