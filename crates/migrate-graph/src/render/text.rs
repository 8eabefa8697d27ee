//! Plain-text dry-run: steps grouped by phase and index, each with the requests it sends.

use std::fmt::Write as _;
use std::io;

use super::{Group, View, parallel, push_body_summary};
use crate::requests::{Redacted, describe, requests};

const BODY_MAX: usize = 400;

pub(super) fn render(v: &View<'_>, out: &mut dyn io::Write) -> io::Result<()> {
    let g = v.graph;
    writeln!(
        out,
        "Plan `{}` ({} strategy): dry run, nothing is changed.",
        g.plan_name(),
        g.strategy()
    )?;
    if v.with_state {
        let done = v.progress.done();
        writeln!(out, "{done} of {} steps done (not shown).", g.len())?;
    }
    // The groups of listed steps; a phase heading goes before the first group of each phase.
    let groups = v.groups(false);
    let each = |first: usize, run: &[Group], buf: &mut String| {
        for (i, group) in run.iter().enumerate() {
            let k = first + i;
            if k == 0 || groups.runs[k - 1].phase != group.phase {
                buf.push_str("\n== ");
                buf.push_str(group.phase.as_str());
                buf.push_str(" ==\n");
            }
            match group.index() {
                Some(i) => {
                    buf.push_str("\n  index ");
                    buf.push_str(&g.indexes()[i]);
                    buf.push('\n');
                }
                None => buf.push_str("\n  plan-wide\n"),
            }
            for pos in groups.positions(group) {
                step(v, pos, buf);
            }
        }
    };
    parallel::stream_runs(&groups.runs, v.split, each, out)?;
    writeln!(out, "\n{}", v.summary())
}

fn step(v: &View<'_>, pos: usize, out: &mut String) {
    let g = v.graph;
    let node = petgraph::graph::NodeIndex::new(pos);
    let s = g.step(node);
    out.push_str("    ");
    out.push_str(s.id.as_str());
    if v.with_state {
        let _ = write!(out, " [{}]", v.status_label(pos));
    }
    let _ = writeln!(
        out,
        "  ({}, fingerprint {})",
        s.kind.name(),
        s.fingerprint.short()
    );
    out.push_str("      ");
    out.push_str(&describe(&s.kind));
    out.push('\n');
    let deps = g.dependencies(node);
    if !deps.is_empty() {
        let _ = write!(out, "      after: ");
        for (i, d) in deps.iter().take(3).enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(g.step(*d).id.as_str());
        }
        if deps.len() > 3 {
            let _ = write!(out, " and {} more", deps.len() - 3);
        }
        out.push('\n');
    }
    for r in requests(&s.kind, &Redacted) {
        out.push_str("      ");
        padded(out, r.role.as_str(), 5);
        out.push(' ');
        out.push_str(r.method.as_str());
        out.push(' ');
        out.push_str(r.side.as_str());
        out.push(' ');
        r.write_target(out);
        if let Some(body) = &r.body {
            out.push_str("  ");
            push_body_summary(out, body.as_str(), BODY_MAX);
        }
        out.push('\n');
        if let Some(note) = r.runtime() {
            out.push_str("            (run time: ");
            out.push_str(&note);
            out.push_str(")\n");
        }
    }
}

/// `text` left-aligned in `width` columns (what `{:<width$}` does, without the formatting machinery).
fn padded(out: &mut String, text: &str, width: usize) {
    out.push_str(text);
    for _ in text.chars().count()..width {
        out.push(' ');
    }
}
