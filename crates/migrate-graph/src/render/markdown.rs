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
    out.push_str("| | |\n|---|---|\n");
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
    let _ = writeln!(out, "| gates | {} ({} approved) |", g.gates(), approved);
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
    let _ = writeln!(out, "{}\n", v.summary());

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
    let _ = writeln!(out, "): {}", describe(&s.kind).replace('|', "\\|"));
    for r in requests(&s.kind, &Redacted) {
        let _ = write!(
            out,
            "  - {} `{} {}` on {}",
            r.role.as_str(),
            r.method,
            r.path,
            r.target.as_str()
        );
        if let Some(body) = &r.body {
            let mut summary = String::new();
            push_body_summary(&mut summary, body.as_str(), BODY_MAX);
            let _ = write!(out, " `{}`", summary.replace('`', "'"));
        }
        if let Some(note) = r.runtime {
            let _ = write!(out, " — run time: {note}");
        }
        out.push('\n');
    }
}

/// Escapes text for HTML inside `<summary>`.
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
