//! Markdown dry-run for a pull-request comment: summary table, Mermaid graph, one collapsible
//! `<details>` block per index (and one for plan-wide steps).

use std::fmt::Write as _;

use petgraph::graph::NodeIndex;

use super::{View, mermaid, push_body_summary};
use crate::phase::Phase;
use crate::requests::{Redacted, describe, requests};

const BODY_MAX: usize = 300;

pub(super) fn render(v: &View<'_>) -> String {
    let g = v.graph;
    let mut out = String::with_capacity(g.len() * 256);
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
    let approved = g
        .steps()
        .filter(|s| matches!(s.kind, crate::kind::StepKind::Gate { approved: true }))
        .count();
    let gates = match (g.gates(), approved) {
        (0, _) => "0".to_owned(),
        (1, 0) => "1 (not approved)".to_owned(),
        (1, _) => "1 (approved)".to_owned(),
        (n, k) => format!("{n} ({k} approved)"),
    };
    let _ = writeln!(out, "| gates | {gates} |");
    let mut per_phase = String::new();
    for phase in Phase::ALL {
        let n = g.steps().filter(|s| s.phase == phase).count();
        if n > 0 {
            if !per_phase.is_empty() {
                per_phase.push_str(" · ");
            }
            let _ = write!(per_phase, "{phase} {n}");
        }
    }
    let _ = writeln!(out, "| steps per phase | {per_phase} |\n");

    mermaid::render(v, &mut out);

    // Per group (plan-wide, then each index): the listed steps in phase order.
    let groups = v.groups();
    let mut by_owner: Vec<Vec<usize>> = vec![Vec::new(); g.indexes().len() + 1];
    for (_, index, positions) in groups {
        let slot = index.map_or(0, |i| i + 1);
        by_owner[slot].extend(positions.into_iter().filter(|&p| v.listed(p)));
    }
    for (slot, positions) in by_owner.iter().enumerate() {
        if positions.is_empty() {
            continue;
        }
        let title = match slot {
            0 => "plan-wide steps".to_owned(),
            i => format!("index <code>{}</code>", html(&g.indexes()[i - 1])),
        };
        let _ = writeln!(
            out,
            "\n<details><summary>{title} ({} step{})</summary>\n",
            positions.len(),
            super::plural(positions.len())
        );
        for &pos in positions {
            step(v, pos, &mut out);
        }
        out.push_str("\n</details>\n");
    }
    out
}

fn step(v: &View<'_>, pos: usize, out: &mut String) {
    let s = v.graph.step(NodeIndex::new(pos));
    let _ = write!(out, "- **`{}`** ({}", s.id, s.phase);
    if v.with_state {
        let _ = write!(out, ", {}", v.status_label(pos));
    }
    let _ = writeln!(out, "): {}", inline(&describe(&s.kind)));
    for r in requests(&s.kind, &Redacted) {
        let _ = write!(
            out,
            "  - {} `{} {}` on {}",
            r.role.as_str(),
            r.method,
            r.target(),
            r.side.as_str()
        );
        if let Some(body) = &r.body {
            let mut summary = String::new();
            push_body_summary(&mut summary, body.as_str(), BODY_MAX);
            let _ = write!(out, " `{}`", summary.replace('`', "'"));
        }
        if let Some(note) = r.runtime() {
            let _ = write!(out, " — run time: {}", inline(&note));
        }
        out.push('\n');
    }
}

/// Free text (a description, a run-time note) as Markdown: code spans (`` `...` ``) are kept, and
/// outside them the characters Markdown would read as markup are escaped, so `version.*` does not
/// turn into italics and `<task>` is not swallowed as an HTML tag.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
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
    out
}

/// Escapes text for HTML inside `<summary>`.
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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
