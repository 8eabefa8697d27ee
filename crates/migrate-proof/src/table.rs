//! The compact text table of a verification run: one row per index, then the reasons behind every
//! result that is not clean, then where the full lists are.

use crate::report::{Column, IndexReport, MetaCheck, RunReport, Verdict};

const HEADER: [&str; 10] = [
    "index",
    "docs source",
    "docs destination",
    "missing",
    "extra",
    "differing",
    "mappings",
    "settings",
    "aliases",
    "result",
];

fn ids(c: &Column) -> String {
    if c.count == 0 {
        return "0".into();
    }
    let more = if c.count > c.examples.len() as u64 {
        ", …"
    } else {
        ""
    };
    format!("{} ({}{more})", c.count, c.examples.join(", "))
}

fn meta(m: &MetaCheck) -> String {
    match m {
        MetaCheck::Same => "ok".into(),
        MetaCheck::Differs { count, .. } => format!("{count} differ"),
        MetaCheck::NotChecked => "-".into(),
    }
}

fn name(r: &IndexReport) -> String {
    if r.source_index == r.destination_index {
        r.source_index.clone()
    } else {
        format!("{} → {}", r.source_index, r.destination_index)
    }
}

fn result(v: &Verdict) -> &'static str {
    match v {
        Verdict::Clean => "clean",
        Verdict::CleanWithFindings(_) => "clean, not proven",
        Verdict::Failed(_) => "FAILED",
    }
}

fn row(r: &IndexReport) -> [String; 10] {
    let d = &r.documents;
    [
        name(r),
        d.source_docs.to_string(),
        d.destination_docs.to_string(),
        ids(&d.missing),
        ids(&d.extra),
        ids(&d.differing),
        meta(&r.mappings),
        meta(&r.settings),
        meta(&r.aliases),
        result(&r.verdict).to_owned(),
    ]
}

/// Aligned columns separated by two spaces, trailing spaces trimmed.
pub fn aligned(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, c) in width.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (c, w) in cells.zip(&width) {
            let pad = w - c.chars().count();
            s.push_str(c);
            s.extend(std::iter::repeat_n(' ', pad + 2));
        }
        s.trim_end().to_owned()
    };
    let mut out = line(&mut header.iter().copied());
    for row in rows {
        out.push('\n');
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

impl RunReport {
    /// The table, the reasons of every index that is not clean, and the findings file.
    pub fn render(&self) -> String {
        let rows: Vec<Vec<String>> = self.indexes.iter().map(|r| row(r).to_vec()).collect();
        let mut out = aligned(&HEADER, &rows);
        for r in &self.indexes {
            let reasons = match &r.verdict {
                Verdict::Clean => continue,
                Verdict::CleanWithFindings(v) | Verdict::Failed(v) => v,
            };
            for reason in reasons {
                out.push_str(&format!("\n{}: {reason}", name(r)));
            }
        }
        if let Some(f) = &self.findings_file {
            out.push_str(&format!("\nevery finding: {f}"));
        }
        out
    }
}
