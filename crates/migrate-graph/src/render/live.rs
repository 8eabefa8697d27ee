//! The live section of `migrate plan --refresh`: what the clusters hold now (expanded patterns,
//! per-index documents, primary bytes and shards), destination conflicts, the preflight checks, the
//! compatibility lint and the duration estimate, rendered after the dry run in each format (text and
//! Markdown as a section, JSON as a `live` member of the dry-run document, DOT as a note node).
//! The report is plain data the CLI fills; nothing here contacts a cluster.

use std::fmt::Write as _;
use std::io;

use schemars::JsonSchema;
use serde::Serialize;

use super::Format;

/// What `plan --refresh` read and concluded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct LiveReport {
    pub clusters: Vec<LiveCluster>,
    /// Every concrete source index, in plan order (patterns expanded).
    pub indexes: Vec<LiveIndex>,
    /// Plan-wide conflicts on the destination (templates that would apply to created indexes).
    pub conflicts: Vec<String>,
    pub preflight: Vec<LiveCheck>,
    pub lint: LiveLint,
    pub estimate: LiveEstimate,
    /// The saved plan's fingerprint (`--out`), if one was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// One cluster as it answered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct LiveCluster {
    pub side: String,
    pub name: Option<String>,
    pub uuid: Option<String>,
    pub version: Option<String>,
}

/// One concrete source index and what waits for it on the destination.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct LiveIndex {
    /// The plan entry it came from (a name or a pattern).
    pub entry: String,
    pub name: String,
    pub uuid: Option<String>,
    /// `open` or `close`.
    pub status: Option<String>,
    pub docs: Option<u64>,
    pub primary_bytes: Option<u64>,
    pub shards: Option<u64>,
    pub destination: String,
    /// `absent`, `open` or `close`.
    pub destination_status: String,
    pub conflicts: Vec<String>,
}

/// One preflight check run against the clusters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct LiveCheck {
    pub step: String,
    pub ok: bool,
    pub message: String,
}

/// The compatibility lint over the source's metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct LiveLint {
    /// Which lint produced the findings.
    pub linter: String,
    pub findings: usize,
    /// One line per finding (index, rule, where).
    pub lines: Vec<String>,
}

/// The duration estimate (docs/estimates.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct LiveEstimate {
    pub phases: Vec<LivePhase>,
    pub total_seconds: f64,
    /// Bytes each object store will hold.
    pub stores: Vec<LiveStore>,
}

/// One phase of the estimate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct LivePhase {
    pub phase: String,
    /// `docs`, `bytes` or `seconds` (a fixed duration).
    pub unit: String,
    pub amount: f64,
    /// Units per second (0 for a fixed duration).
    pub rate: f64,
    /// `plan`, `measured` or `default`.
    pub rate_from: String,
    pub seconds: f64,
}

/// One object store and the bytes it will hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct LiveStore {
    pub store: String,
    pub bytes: u64,
}

/// Writes `report` as the live section of `format` (see the module docs; JSON is the member value).
pub fn render_live(report: &LiveReport, format: Format, out: &mut dyn io::Write) -> io::Result<()> {
    let text = match format {
        Format::Text => text(report),
        Format::Markdown => markdown(report),
        Format::Json => serde_json::to_string(report).unwrap_or_else(|_| "null".into()),
        Format::Dot => dot(report),
    };
    out.write_all(text.as_bytes())
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}

/// `1h 2m 3s`, `4m 5s`, `6s` (whole seconds, at least 1 s for anything above zero).
pub fn duration(seconds: f64) -> String {
    let s = if seconds > 0.0 {
        seconds.ceil().max(1.0) as u64
    } else {
        0
    };
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s}s"),
        _ => format!("{h}h {m}m {s}s"),
    }
}

fn amount(p: &LivePhase) -> String {
    if p.unit == "seconds" {
        String::new()
    } else {
        format!("{} {}", p.amount, p.unit)
    }
}

fn rate(p: &LivePhase) -> String {
    if p.unit == "seconds" {
        format!("fixed ({})", p.rate_from)
    } else {
        format!("{:.1} {}/s ({})", p.rate, p.unit, p.rate_from)
    }
}

fn cluster_line(c: &LiveCluster) -> String {
    format!(
        "{}: {} (cluster {}, uuid {})",
        c.side,
        opt(&c.version),
        opt(&c.name),
        opt(&c.uuid)
    )
}

/// The cells of one index row, shared by text and Markdown.
fn cells(i: &LiveIndex) -> [String; 9] {
    [
        i.name.clone(),
        i.entry.clone(),
        opt(&i.docs),
        opt(&i.primary_bytes),
        opt(&i.shards),
        opt(&i.status),
        i.destination.clone(),
        i.destination_status.clone(),
        index_conflicts(i),
    ]
}

fn index_conflicts(i: &LiveIndex) -> String {
    if i.conflicts.is_empty() {
        "-".into()
    } else {
        i.conflicts.join("; ")
    }
}

fn text(r: &LiveReport) -> String {
    let mut o = String::from("\nLive (read now, nothing written):\n");
    for c in &r.clusters {
        let _ = writeln!(o, "  {}", cluster_line(c));
    }
    let _ = writeln!(o, "\nIndexes ({}):", r.indexes.len());
    for i in &r.indexes {
        let [
            name,
            entry,
            docs,
            bytes,
            shards,
            status,
            dest,
            dest_status,
            conflicts,
        ] = cells(i);
        let _ = writeln!(
            o,
            "  {name} ← {entry}: {docs} docs, {bytes} primary bytes, {shards} shards, {status}; destination {dest} ({dest_status}); conflicts: {conflicts}",
        );
    }
    let _ = writeln!(o, "\nConflicts ({}):", r.conflicts.len());
    for c in &r.conflicts {
        let _ = writeln!(o, "  {c}");
    }
    let _ = writeln!(o, "\nPreflight ({} checks):", r.preflight.len());
    for c in &r.preflight {
        let mark = if c.ok { "ok" } else { "FAILED" };
        let _ = writeln!(o, "  {mark:<6} {}: {}", c.step, c.message);
    }
    let _ = writeln!(
        o,
        "\nLint ({}): {} findings",
        r.lint.linter, r.lint.findings
    );
    for l in &r.lint.lines {
        let _ = writeln!(o, "  {l}");
    }
    let _ = writeln!(o, "\nEstimate (docs/estimates.md):");
    for p in &r.estimate.phases {
        let _ = writeln!(
            o,
            "  {:<9} {:>20} at {:<32} {}",
            p.phase,
            amount(p),
            rate(p),
            duration(p.seconds)
        );
    }
    let _ = writeln!(o, "  total     {}", duration(r.estimate.total_seconds));
    for s in &r.estimate.stores {
        let _ = writeln!(o, "  store {} will hold {} bytes", s.store, s.bytes);
    }
    if let Some(f) = &r.fingerprint {
        let _ = writeln!(o, "\nSaved plan fingerprint: {f}");
    }
    o
}

fn markdown(r: &LiveReport) -> String {
    let mut o = String::from("\n## Live (read now, nothing written)\n\n");
    for c in &r.clusters {
        let _ = writeln!(o, "- {}", cluster_line(c));
    }
    o.push_str("\n| index | from entry | docs | primary bytes | shards | status | destination | conflicts |\n|---|---|---:|---:|---:|---|---|---|\n");
    for i in &r.indexes {
        let [
            name,
            entry,
            docs,
            bytes,
            shards,
            status,
            dest,
            dest_status,
            conflicts,
        ] = cells(i);
        let _ = writeln!(
            o,
            "| `{name}` | `{entry}` | {docs} | {bytes} | {shards} | {status} | `{dest}` ({dest_status}) | {conflicts} |",
        );
    }
    let _ = writeln!(o, "\n**Conflicts:** {}", r.conflicts.len());
    for c in &r.conflicts {
        let _ = writeln!(o, "- {c}");
    }
    o.push_str("\n**Preflight**\n\n| check | result | detail |\n|---|---|---|\n");
    for c in &r.preflight {
        let mark = if c.ok { "ok" } else { "**failed**" };
        let _ = writeln!(
            o,
            "| `{}` | {mark} | {} |",
            c.step,
            c.message.replace('|', "\\|")
        );
    }
    let _ = writeln!(
        o,
        "\n**Lint ({}):** {} findings",
        r.lint.linter, r.lint.findings
    );
    for l in &r.lint.lines {
        let _ = writeln!(o, "- {l}");
    }
    o.push_str("\n**Estimate** ([model](docs/estimates.md))\n\n| phase | amount | rate | duration |\n|---|---:|---|---:|\n");
    for p in &r.estimate.phases {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            p.phase,
            amount(p),
            rate(p),
            duration(p.seconds)
        );
    }
    let _ = writeln!(
        o,
        "| **total** | | | **{}** |",
        duration(r.estimate.total_seconds)
    );
    for s in &r.estimate.stores {
        let _ = writeln!(o, "\nStore `{}` will hold {} bytes.", s.store, s.bytes);
    }
    if let Some(f) = &r.fingerprint {
        let _ = writeln!(o, "\nSaved plan fingerprint: `{f}`");
    }
    o
}

/// A note node placed inside the dry run's digraph (before its closing brace).
fn dot(r: &LiveReport) -> String {
    let docs: u64 = r.indexes.iter().filter_map(|i| i.docs).sum();
    let failed = r.preflight.iter().filter(|c| !c.ok).count();
    let label = format!(
        "live: {} indexes, {} docs\\nconflicts: {}\\npreflight failed: {}\\nlint findings: {}\\nestimate: {}",
        r.indexes.len(),
        docs,
        r.conflicts.len() + r.indexes.iter().map(|i| i.conflicts.len()).sum::<usize>(),
        failed,
        r.lint.findings,
        duration(r.estimate.total_seconds)
    );
    format!("  \"live\" [shape=note, label=\"{label}\"];\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_hours_minutes_seconds() {
        assert_eq!(duration(0.0), "0s");
        assert_eq!(duration(0.2), "1s");
        assert_eq!(duration(61.0), "1m 1s");
        assert_eq!(duration(3725.0), "1h 2m 5s");
    }
}
