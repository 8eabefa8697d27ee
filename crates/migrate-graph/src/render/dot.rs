//! Graphviz DOT of the DAG: every step, every edge, the gate as a hexagon, statuses as fill colours.
//! Streamed like text and JSON: node lines, then edge lines, each in runs on several threads.

use std::io;

use petgraph::graph::NodeIndex;

use super::{View, parallel};
use crate::status::StepStatus;

pub(super) fn render(v: &View<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let g = v.graph;
    let mut head = String::with_capacity(96);
    head.push_str("digraph \"");
    escape_into(g.plan_name(), &mut head);
    head.push_str("\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
    out.write_all(head.as_bytes())?;
    let nodes: Vec<NodeIndex> = g.topological_order().collect();
    let node_lines = |_: usize, run: &[NodeIndex], buf: &mut String| {
        for &node in run {
            node_line(v, node, buf);
        }
    };
    parallel::stream_runs(&nodes, v.split, node_lines, out)?;
    let edge_lines = |_: usize, run: &[NodeIndex], buf: &mut String| {
        for &node in run {
            let to = g.step(node).id.as_str();
            for dep in g.dependencies(node) {
                buf.push_str("  \"");
                escape_into(g.step(dep).id.as_str(), buf);
                buf.push_str("\" -> \"");
                escape_into(to, buf);
                buf.push_str("\";\n");
            }
        }
    };
    parallel::stream_runs(&nodes, v.split, edge_lines, out)?;
    out.write_all(b"}\n")
}

/// `  "id" [label="id\nkind", …];`
fn node_line(v: &View<'_>, node: NodeIndex, out: &mut String) {
    let s = v.graph.step(node);
    out.push_str("  \"");
    escape_into(s.id.as_str(), out);
    out.push_str("\" [label=\"");
    escape_into(s.id.as_str(), out);
    out.push_str("\\n");
    out.push_str(s.kind.name());
    out.push('"');
    if s.kind.is_gate() {
        out.push_str(", shape=hexagon");
    }
    if v.with_state {
        let fill = match v.progress.status(node.index()) {
            StepStatus::Done => "#d4f7d4",
            StepStatus::Running => "#fff3c4",
            StepStatus::Failed => "#ffd6d6",
            StepStatus::Pending => "#ffffff",
        };
        out.push_str(", style=filled, fillcolor=\"");
        out.push_str(fill);
        out.push('"');
    }
    out.push_str("];\n");
}

/// Appends `s` escaped for a DOT quoted string.
fn escape_into(s: &str, out: &mut String) {
    if !s.contains(['\\', '"']) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        if matches!(c, '\\' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
}
