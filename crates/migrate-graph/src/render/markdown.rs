//! Markdown dry-run for a pull-request comment: summary table, Mermaid graph, one collapsible
//! `<details>` block per index (and one for plan-wide steps).

use std::fmt::Write as _;
use std::io;

use petgraph::graph::NodeIndex;

use super::{Group, View, mermaid, parallel, push_body_summary};
use crate::phase::Phase;
use crate::requests::{Redacted, describe, requests};

const BODY_MAX: usize = 300;

pub(super) fn render(v: &View<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let mut head = String::with_capacity(4096);
    summary_table(v, &mut head);
    mermaid::render(v, &mut head);
    out.write_all(head.as_bytes())?;

    // Per group (plan-wide, then each index): the listed steps in phase order, streamed in runs of
    // groups like text.
    let owners = v.groups(true);
    let each = |_: usize, run: &[Group], buf: &mut String| {
        for owner in run {
            details(v, owner.index(), owners.positions(owner), buf);
        }
    };
    parallel::stream_runs(&owners.runs, v.split, each, out)
}

/// The heading and the summary table.
fn summary_table(v: &View<'_>, out: &mut String) {
    let g = v.graph;
    let _ = writeln!(
        out,
        "### `migrate plan --dry-run`: `{}` ({} strategy)\n",
        g.plan_name(),
        g.strategy()
    );
    // A header row of real values: an empty one draws as a blank bar on GitHub.
    let _ = writeln!(out, "| strategy | {} |\n|---|---|", g.strategy());
    let _ = writeln!(out, "| steps | {} |", g.len());
    if v.with_state {
        let _ = writeln!(out, "| done | {} |", v.progress.done());
        let _ = writeln!(out, "| to run | {} |", v.progress.remaining());
    }
    let _ = writeln!(out, "| indexes | {} |", g.indexes().len());
    // One pass over the steps: gates, approved gates and steps per phase.
    let (mut gates, mut approved) = (0usize, 0usize);
    let mut phase_counts = [0usize; Phase::ALL.len()];
    for s in g.steps() {
        if let crate::kind::StepKind::Gate { approved: a } = s.kind {
            gates += 1;
            approved += usize::from(a);
        }
        if let Some(i) = Phase::ALL.iter().position(|&p| p == s.phase) {
            phase_counts[i] += 1;
        }
    }
    let gates = match (gates, approved) {
        (0, _) => "0".to_owned(),
        (1, 0) => "1 (not approved)".to_owned(),
        (1, _) => "1 (approved)".to_owned(),
        (n, k) => format!("{n} ({k} approved)"),
    };
    let _ = writeln!(out, "| gates | {gates} |");
    let mut per_phase = String::new();
    for (phase, n) in Phase::ALL.into_iter().zip(phase_counts) {
        if n > 0 {
            if !per_phase.is_empty() {
                per_phase.push_str(" · ");
            }
            let _ = write!(per_phase, "{phase} {n}");
        }
    }
    let _ = writeln!(out, "| steps per phase | {per_phase} |\n");
}

/// One collapsible block: the plan-wide steps (`index` `None`) or one index's.
fn details(
    v: &View<'_>,
    index: Option<usize>,
    positions: impl ExactSizeIterator<Item = usize>,
    out: &mut String,
) {
    out.push_str("\n<details><summary>");
    match index {
        None => out.push_str("plan-wide steps"),
        Some(i) => {
            out.push_str("index <code>");
            html_into(&v.graph.indexes()[i], out);
            out.push_str("</code>");
        }
    }
    let _ = write!(
        out,
        " ({} step{})</summary>\n\n",
        positions.len(),
        super::plural(positions.len())
    );
    for pos in positions {
        step(v, pos, out);
    }
    out.push_str("\n</details>\n");
}

fn step(v: &View<'_>, pos: usize, out: &mut String) {
    let s = v.graph.step(NodeIndex::new(pos));
    out.push_str("- **`");
    out.push_str(s.id.as_str());
    out.push_str("`** (");
    out.push_str(s.phase.as_str());
    if v.with_state {
        out.push_str(", ");
        out.push_str(v.status_label(pos));
    }
    out.push_str("): ");
    inline_into(&describe(&s.kind), out);
    out.push('\n');
    for r in requests(&s.kind, &Redacted) {
        out.push_str("  - ");
        out.push_str(r.role.as_str());
        out.push_str(" `");
        out.push_str(r.method.as_str());
        out.push(' ');
        r.write_target(out);
        out.push_str("` on ");
        out.push_str(r.side.as_str());
        if let Some(body) = &r.body {
            out.push_str(" `");
            let start = out.len();
            push_body_summary(out, body.as_str(), BODY_MAX);
            // Backticks would end the code span.
            if out[start..].contains('`') {
                let fixed = out[start..].replace('`', "'");
                out.truncate(start);
                out.push_str(&fixed);
            }
            out.push('`');
        }
        if let Some(note) = r.runtime() {
            out.push_str(" — run time: ");
            inline_into(&note, out);
        }
        out.push('\n');
    }
}

/// Free text (a description, a run-time note) as Markdown: code spans (`` `...` ``) are kept, and
/// outside them the characters Markdown would read as markup are escaped, so `version.*` does not
/// turn into italics and `<task>` is not swallowed as an HTML tag.
fn inline_into(s: &str, out: &mut String) {
    for (i, part) in s.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
            continue;
        }
        for c in part.chars() {
            if matches!(c, '\\' | '*' | '_' | '<' | '>' | '[' | ']' | '|' | '~') {
                out.push('\\');
            }
            out.push(c);
        }
    }
}

#[cfg(test)]
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    inline_into(s, &mut out);
    out
}

/// Appends text escaped for HTML inside `<summary>`.
fn html_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::inline;

    #[test]
    fn free_text_is_escaped_outside_code_spans_only() {
        assert_eq!(
            inline("drop version.*, <task> and creation_date; keep `a_b*<c>`"),
            "drop version.\\*, \\<task\\> and creation\\_date; keep `a_b*<c>`"
        );
        assert_eq!(inline("a | b"), "a \\| b");
    }
}
