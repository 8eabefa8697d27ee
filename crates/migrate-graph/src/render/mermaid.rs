//! A Mermaid flowchart of the DAG that GitHub renders in a pull-request comment.
//!
//! Node ids are `s<position>` (never the step id, which holds `/` and `*`); labels are quoted and
//! escaped. Mermaid refuses very large graphs (500 edges by default), and a comment-wide graph of
//! more than about 60 steps is scaled down until its labels cannot be read; beyond either limit only
//! the plan-wide steps and the first index's steps are drawn, with a note that every index has the
//! same shape.
//!
//! Step ids are long (`reindex/movies/part-before-2020`) and Mermaid wraps labels at 200 px, which
//! breaks them at a `-`; the init directive widens that so every id stays on one line. The cutover
//! gate is drawn as a hexagon in its own colour: it is where apply stops.

use std::fmt::Write as _;

use petgraph::graph::NodeIndex;

use super::View;
use crate::status::StepStatus;

/// Largest number of edges drawn in full.
const MAX_EDGES: usize = 400;
/// Largest number of steps drawn in full (more is scaled down past legibility in a comment).
const MAX_NODES: usize = 60;

pub(super) fn render(v: &View<'_>, out: &mut String) {
    let g = v.graph;
    let full = g.edge_count() <= MAX_EDGES && g.len() <= MAX_NODES;
    let first_index = g.indexes().first().map(|n| &**n);
    let shown = |pos: usize| -> bool {
        full || {
            let idx = g.step(NodeIndex::new(pos)).index.as_deref();
            idx.is_none() || idx == first_index
        }
    };
    out.push_str(
        "```mermaid\n%%{init: {\"flowchart\": {\"wrappingWidth\": 400}}}%%\nflowchart TD\n",
    );
    if !full && let Some(first) = first_index {
        let _ = writeln!(
            out,
            "  note[\"{} indexes: per-index steps drawn for {} only; every index has the same steps\"]",
            g.indexes().len(),
            escape(first)
        );
    }
    for node in g.topological_order() {
        let pos = node.index();
        if !shown(pos) {
            continue;
        }
        let s = g.step(node);
        let label = escape(s.id.as_str());
        if s.kind.is_gate() {
            let _ = writeln!(out, "  s{pos}{{{{\"{label}\"}}}}");
        } else {
            let _ = writeln!(out, "  s{pos}[\"{label}\"]");
        }
    }
    for node in g.topological_order() {
        let pos = node.index();
        if !shown(pos) {
            continue;
        }
        for dep in g.dependencies(node) {
            if shown(dep.index()) {
                let _ = writeln!(out, "  s{} --> s{pos}", dep.index());
            }
        }
    }
    let gates: Vec<String> = (0..g.len())
        .filter(|&p| shown(p) && g.step(NodeIndex::new(p)).kind.is_gate())
        .map(|p| format!("s{p}"))
        .collect();
    if !gates.is_empty() {
        out.push_str("  classDef gate fill:#fff1d6,stroke:#b7791f,stroke-width:2px\n");
        let _ = writeln!(out, "  class {} gate", gates.join(","));
    }
    if v.with_state {
        out.push_str("  classDef done fill:#d4f7d4,stroke:#2a7a2a\n");
        out.push_str("  classDef running fill:#fff3c4,stroke:#9a7b00\n");
        out.push_str("  classDef failed fill:#ffd6d6,stroke:#a00\n");
        for (status, class) in [
            (StepStatus::Done, "done"),
            (StepStatus::Running, "running"),
            (StepStatus::Failed, "failed"),
        ] {
            let nodes: Vec<String> = (0..g.len())
                .filter(|&p| shown(p) && v.progress.status(p) == status)
                .map(|p| format!("s{p}"))
                .collect();
            if !nodes.is_empty() {
                let _ = writeln!(out, "  class {} {class}", nodes.join(","));
            }
        }
    }
    out.push_str("```\n");
}

/// Makes text safe inside a quoted Mermaid label.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '`' => out.push_str("#96;"),
            c => out.push(c),
        }
    }
    out
}
