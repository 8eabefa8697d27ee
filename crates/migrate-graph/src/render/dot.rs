//! Graphviz DOT of the DAG: every step, every edge, the gate as a hexagon, statuses as fill colours.

use std::fmt::Write as _;

use super::View;
use crate::status::StepStatus;

pub(super) fn render(v: &View<'_>) -> String {
    let g = v.graph;
    let mut out = String::with_capacity(g.len() * 96);
    let _ = writeln!(out, "digraph \"{}\" {{", escape(g.plan_name()));
    out.push_str("  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
    for node in g.topological_order() {
        let pos = node.index();
        let s = g.step(node);
        let _ = write!(
            out,
            "  \"{}\" [label=\"{}\\n{}\"",
            escape(s.id.as_str()),
            escape(s.id.as_str()),
            s.kind.name()
        );
        if s.kind.is_gate() {
            out.push_str(", shape=hexagon");
        }
        if v.with_state {
            let fill = match v.progress.status(pos) {
                StepStatus::Done => "#d4f7d4",
                StepStatus::Running => "#fff3c4",
                StepStatus::Failed => "#ffd6d6",
                StepStatus::Pending => "#ffffff",
            };
            let _ = write!(out, ", style=filled, fillcolor=\"{fill}\"");
        }
        out.push_str("];\n");
    }
    for node in g.topological_order() {
        let to = escape(g.step(node).id.as_str());
        for dep in g.dependencies(node) {
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{to}\";",
                escape(g.step(dep).id.as_str())
            );
        }
    }
    out.push_str("}\n");
    out
}

/// Escapes a DOT quoted string.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
