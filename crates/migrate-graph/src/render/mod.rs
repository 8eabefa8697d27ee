//! Dry-run renderers: text, Markdown (with Mermaid), JSON and DOT, all deterministic.
//!
//! Every renderer reads the same [`StepGraph`], an optional [`Progress`] (from a state file) and the
//! redacted requests from `requests`; none of them touches the network or writes anything. Without a
//! progress every step is pending. With one, text and Markdown list only what remains (saying how many
//! steps are done), while JSON, Mermaid and DOT keep every step and mark its status.

mod dot;
mod json;
mod live;
mod markdown;
mod mermaid;
mod parallel;
mod text;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;

use crate::graph::StepGraph;
use crate::phase::Phase;
use crate::status::{Progress, StepStatus};

pub use json::{DryRun, JSON_FORMAT_VERSION, dry_run_schema};
pub use live::{
    LiveCheck, LiveCluster, LiveEstimate, LiveIndex, LiveLint, LivePhase, LiveReport, LiveStore,
    duration, render_live,
};
pub(crate) use parallel::threads_for;

/// An output format of `migrate plan --dry-run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Markdown,
    Json,
    Dot,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Text, Format::Markdown, Format::Json, Format::Dot];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Json => "json",
            Format::Dot => "dot",
        }
    }
}

/// Renders `graph` in `format`. `progress` comes from a state file; `None` means nothing ran yet.
pub fn render(graph: &StepGraph, progress: Option<&Progress>, format: Format) -> String {
    render_split(
        graph,
        progress,
        format,
        parallel::threads_for(graph.len()),
        parallel::RUN,
    )
}

/// Writes what [`render`] returns to `out` as it is produced (every format in bounded memory,
/// several threads for large plans): what `migrate plan` does with stdout.
pub fn render_to(
    graph: &StepGraph,
    progress: Option<&Progress>,
    format: Format,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let split = (parallel::threads_for(graph.len()), parallel::RUN);
    render_split_to(graph, progress, format, split, out)
}

/// The dry run of `graph` followed by the live section of `plan --refresh` ([`LiveReport`]): text
/// and Markdown append it, JSON adds it as the document's `live` member, DOT as a note node.
pub fn render_with_live(
    graph: &StepGraph,
    progress: Option<&Progress>,
    format: Format,
    live: &LiveReport,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Text | Format::Markdown => {
            render_to(graph, progress, format, out)?;
            render_live(live, format, out)
        }
        Format::Json | Format::Dot => {
            // Both documents end with a closing brace and a newline: the live part goes before it.
            let mut buf = Vec::with_capacity(graph.len() * 900);
            render_to(graph, progress, format, &mut buf)?;
            let end = buf.iter().rposition(|&b| b == b'}').unwrap_or(buf.len());
            out.write_all(&buf[..end])?;
            if format == Format::Json {
                out.write_all(b",\n\"live\":")?;
            }
            render_live(live, format, out)?;
            let tail: &[u8] = if format == Format::Json {
                b"\n}\n"
            } else {
                b"}\n"
            };
            out.write_all(tail)
        }
    }
}

/// [`render`] with its list cut into runs of `run` items (steps; index groups for text and
/// Markdown) rendered on `threads` threads (each at least one). The output is the same for every
/// split; this exists so tests can prove it.
#[doc(hidden)]
pub fn render_split(
    graph: &StepGraph,
    progress: Option<&Progress>,
    format: Format,
    threads: usize,
    run: usize,
) -> String {
    let mut out = Vec::with_capacity(graph.len() * 900);
    // Writing into a Vec cannot fail, and every renderer writes UTF-8 text only.
    let _ = render_split_to(graph, progress, format, (threads, run), &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn render_split_to(
    graph: &StepGraph,
    progress: Option<&Progress>,
    format: Format,
    split: (usize, usize),
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let fresh;
    let (progress, with_state) = match progress {
        Some(p) => (p, true),
        None => {
            fresh = Progress::fresh(graph);
            (&fresh, false)
        }
    };
    let view = View {
        graph,
        progress,
        with_state,
        split,
    };
    match format {
        Format::Text => text::render(&view, out),
        Format::Json => json::render(&view, out),
        Format::Markdown => markdown::render(&view, out),
        Format::Dot => dot::render(&view, out),
    }
}

/// What every renderer works from.
pub(crate) struct View<'a> {
    pub graph: &'a StepGraph,
    pub progress: &'a Progress,
    /// True when statuses came from a state file.
    pub with_state: bool,
    /// How many threads the renderers use, and how many items each run has.
    pub split: (usize, usize),
}

impl View<'_> {
    /// Whether the step at `pos` is listed (text, Markdown): everything without state, else what remains.
    pub fn listed(&self, pos: usize) -> bool {
        !self.with_state || self.progress.status(pos) != StepStatus::Done
    }

    /// The status label, `changed` for done steps that run again.
    pub fn status_label(&self, pos: usize) -> &'static str {
        if self.progress.changed(pos) {
            "changed"
        } else {
            self.progress.status(pos).as_str()
        }
    }

    /// Step positions grouped by phase, then plan-wide steps, then indexes in plan order.
    pub fn groups(&self) -> Vec<(Phase, Option<usize>, Vec<usize>)> {
        let index_pos: HashMap<&str, usize> = self
            .graph
            .indexes()
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let mut keyed: Vec<(Phase, usize, usize)> = self
            .graph
            .steps()
            .enumerate()
            .map(|(pos, s)| {
                let idx = s
                    .index
                    .as_deref()
                    .and_then(|i| index_pos.get(i))
                    .map_or(0, |i| i + 1);
                (s.phase, idx, pos)
            })
            .collect();
        keyed.sort_unstable();
        let mut out: Vec<(Phase, Option<usize>, Vec<usize>)> = Vec::new();
        for (phase, idx, pos) in keyed {
            let idx = idx.checked_sub(1);
            match out.last_mut() {
                Some((p, i, v)) if *p == phase && *i == idx => v.push(pos),
                _ => out.push((phase, idx, vec![pos])),
            }
        }
        out
    }

    /// `N steps, M indexes, K gates` (+ what remains when statuses are known).
    pub fn summary(&self) -> String {
        let g = self.graph;
        let mut s = format!(
            "{} step{}, {} index{}, {} gate{}",
            g.len(),
            plural(g.len()),
            g.indexes().len(),
            if g.indexes().len() == 1 { "" } else { "es" },
            g.gates(),
            plural(g.gates())
        );
        if self.with_state {
            let _ = write!(
                s,
                "; {} done, {} to run",
                self.progress.done(),
                self.progress.remaining()
            );
        }
        s
    }
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Appends a body's JSON text to `out`, cut to about `max` bytes (on a character boundary) with `…`
/// when longer.
pub(crate) fn push_body_summary(out: &mut String, body: &str, max: usize) {
    if body.len() <= max {
        out.push_str(body);
        return;
    }
    let mut cut = max;
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    out.push_str(&body[..cut]);
    out.push('…');
}
