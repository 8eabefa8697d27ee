//! Plain-text dry-run: steps grouped by phase and index, each with the requests it sends.

use std::fmt::Write as _;

use super::{View, push_body_summary};
use crate::requests::{Redacted, describe, requests};

const BODY_MAX: usize = 400;

pub(super) fn render(v: &View<'_>) -> String {
    let g = v.graph;
    let mut out = String::with_capacity(g.len() * 720);
    let _ = writeln!(
        out,
        "Plan `{}` ({} strategy): dry run, nothing is changed.",
        g.plan_name(),
        g.strategy()
    );
    if v.with_state {
        let done = v.progress.done();
        let _ = writeln!(out, "{done} of {} steps done (not shown).", g.len());
    }
    let mut current_phase = None;
    for (phase, index, positions) in v.groups() {
        let listed: Vec<usize> = positions.into_iter().filter(|&p| v.listed(p)).collect();
        if listed.is_empty() {
            continue;
        }
        if current_phase != Some(phase) {
            let _ = writeln!(out, "\n== {phase} ==");
            current_phase = Some(phase);
        }
        match index {
            Some(i) => {
                let _ = writeln!(out, "\n  index {}", g.indexes()[i]);
            }
            None => {
                let _ = writeln!(out, "\n  plan-wide");
            }
        }
        for pos in listed {
            step(v, pos, &mut out);
        }
    }
    let _ = writeln!(out, "\n{}", v.summary());
    out
}

fn step(v: &View<'_>, pos: usize, out: &mut String) {
    let g = v.graph;
    let node = petgraph::graph::NodeIndex::new(pos);
    let s = g.step(node);
    let _ = write!(out, "    {}", s.id);
    if v.with_state {
        let _ = write!(out, " [{}]", v.status_label(pos));
    }
    let _ = writeln!(
        out,
        "  ({}, fingerprint {})",
        s.kind.name(),
        s.fingerprint.short()
    );
    let _ = writeln!(out, "      {}", describe(&s.kind));
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
        let _ = write!(
            out,
            "      {:<5} {:<4} {} {}",
            r.role.as_str(),
            r.method,
            r.target.as_str(),
            r.path
        );
        if let Some(body) = &r.body {
            out.push_str("  ");
            push_body_summary(out, body.as_str(), BODY_MAX);
        }
        out.push('\n');
        if let Some(note) = r.runtime {
            let _ = writeln!(out, "            (run time: {note})");
        }
    }
}
