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
use migrate_translate::LintReport;

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
    render_split_to(graph, progress, format, split, None, out)
}

/// [`render_to`] with the compatibility lint: a section after the steps (text), a collapsible
/// section (Markdown), a `lint` member (JSON), `//` comment lines before the graph (DOT).
pub fn render_with_lint_to(
    graph: &StepGraph,
    progress: Option<&Progress>,
    format: Format,
    lint: &LintReport,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let split = (parallel::threads_for(graph.len()), parallel::RUN);
    render_split_to(graph, progress, format, split, Some(lint), out)
}

/// The dry run of `graph` (with the compatibility lint when given, as [`render_with_lint_to`])
/// followed by the live section of `plan --refresh` ([`LiveReport`]): text and Markdown append it,
/// JSON adds it as the document's `live` member, DOT as a note node.
pub fn render_with_live(
    graph: &StepGraph,
    progress: Option<&Progress>,
    format: Format,
    lint: Option<&LintReport>,
    live: &LiveReport,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let split = (parallel::threads_for(graph.len()), parallel::RUN);
    match format {
        Format::Text | Format::Markdown => {
            render_split_to(graph, progress, format, split, lint, out)?;
            render_live(live, format, out)
        }
        Format::Json | Format::Dot => {
            // Both documents end with a closing brace and a newline: the live part goes before it.
            let mut buf = Vec::with_capacity(graph.len() * 900);
            render_split_to(graph, progress, format, split, lint, &mut buf)?;
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
    let _ = render_split_to(graph, progress, format, (threads, run), None, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn render_split_to(
    graph: &StepGraph,
    progress: Option<&Progress>,
    format: Format,
    split: (usize, usize),
    lint: Option<&LintReport>,
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
        lint,
    };
    use migrate_translate::lint::render as lint_render;
    match (format, lint) {
        (Format::Text, None) => text::render(&view, out),
        (Format::Text, Some(l)) => {
            text::render(&view, out)?;
            write!(out, "\n{}", lint_render::text(l))
        }
        (Format::Json, _) => json::render(&view, out),
        (Format::Markdown, None) => markdown::render(&view, out),
        (Format::Markdown, Some(l)) => {
            markdown::render(&view, out)?;
            write!(out, "\n{}", lint_render::markdown(l))
        }
        (Format::Dot, None) => dot::render(&view, out),
        (Format::Dot, Some(l)) => {
            out.write_all(lint_render::dot_comments(l).as_bytes())?;
            dot::render(&view, out)
        }
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
    /// The compatibility lint to show with the steps, when the caller has one.
    pub lint: Option<&'a LintReport>,
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

    /// The listed steps grouped by phase, plan-wide steps first and then indexes in plan order
    /// within a phase (text); with `index_first`, grouped by owner only: plan-wide steps, then
    /// each index's, in phase order (Markdown).
    pub fn groups(&self, index_first: bool) -> Groups {
        let index_pos: HashMap<&str, u64> = (0u64..)
            .zip(self.graph.indexes())
            .map(|(i, n)| (&**n, i + 1))
            .collect();
        // One sortable word per step, `owner slot | phase | position` or `phase | owner slot |
        // position` (8 bytes a step: a 50,000-index plan has 650,000 steps). The owner slot has 24
        // bits (0 for plan-wide steps), far more index entries than a plan can hold in memory.
        let mut keys: Vec<u64> = (0u64..)
            .zip(self.graph.steps())
            .filter(|&(pos, _)| self.listed(pos as usize))
            .map(|(pos, s)| {
                let slot = s
                    .index
                    .as_deref()
                    .and_then(|i| index_pos.get(i))
                    .map_or(0, |&i| i.min(SLOT_MASK));
                let phase = phase_rank(s.phase);
                let high = if index_first {
                    slot << 8 | phase
                } else {
                    phase << 24 | slot
                };
                high << 32 | pos
            })
            .collect();
        keys.sort_unstable();
        let mut runs: Vec<Group> = Vec::new();
        for (at, key) in keys.iter().enumerate() {
            let slot = if index_first {
                key >> 40
            } else {
                (key >> 32) & SLOT_MASK
            };
            let phase =
                Phase::ALL[((if index_first { key >> 32 } else { key >> 56 }) & 0xff) as usize];
            // Positions fit in 32 bits (see the key), so their places in `keys` do too.
            let (slot, at) = (slot as u32, at as u32);
            match runs.last_mut() {
                Some(g) if g.slot == slot && (index_first || g.phase == phase) => g.end = at + 1,
                _ => runs.push(Group {
                    phase,
                    slot,
                    start: at,
                    end: at + 1,
                }),
            }
        }
        let positions = keys.into_iter().map(|k| k as u32).collect();
        Groups { positions, runs }
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

/// The owner-slot bits of a group key.
const SLOT_MASK: u64 = (1 << 24) - 1;

/// A phase's place in [`Phase::ALL`].
fn phase_rank(phase: Phase) -> u64 {
    Phase::ALL.iter().position(|&p| p == phase).unwrap_or(0) as u64
}

/// Step positions in listing order, cut into groups (see [`View::groups`]).
pub(crate) struct Groups {
    positions: Vec<u32>,
    pub runs: Vec<Group>,
}

/// One group: its phase (the first step's, when grouped by owner), its owner and where its
/// positions are (16 bytes: a large plan has hundreds of thousands of groups).
pub(crate) struct Group {
    pub phase: Phase,
    /// 0 for plan-wide steps, else the index's position + 1.
    slot: u32,
    start: u32,
    end: u32,
}

impl Group {
    /// The group's index (its position in the plan), `None` for plan-wide steps.
    pub fn index(&self) -> Option<usize> {
        (self.slot as usize).checked_sub(1)
    }
}

impl Groups {
    /// The group's step positions, in order.
    pub fn positions(&self, group: &Group) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.positions[group.start as usize..group.end as usize]
            .iter()
            .map(|&p| p as usize)
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
