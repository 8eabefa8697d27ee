//! The verification result of each index (clean, clean with findings, failed) and of a run, as
//! serde JSON for events; `table` renders the same values as text.

use serde::Serialize;

use crate::compare::DocDiff;

/// A count and the first few ids behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Column {
    pub count: u64,
    pub examples: Vec<String>,
}

/// How the documents were verified (the plan's choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "level", rename_all = "snake_case")]
pub enum Level {
    /// Every id and every document's content, both directions.
    Proof,
    /// A sample of documents compared.
    Sampled { sample_size: u64 },
    /// Only the counts compared.
    Counts,
}

/// One metadata check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum MetaCheck {
    Same,
    Differs { count: usize, examples: Vec<String> },
    NotChecked,
}

/// The result of one index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "result", content = "reasons", rename_all = "snake_case")]
pub enum Verdict {
    Clean,
    /// Nothing differs, but not everything was proven.
    CleanWithFindings(Vec<String>),
    Failed(Vec<String>),
}

impl Verdict {
    pub fn is_failed(&self) -> bool {
        matches!(self, Verdict::Failed(_))
    }
}

/// One index pair's verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct IndexReport {
    pub source_index: String,
    pub destination_index: String,
    #[serde(flatten)]
    pub level: Level,
    pub documents: DocDiff,
    pub mappings: MetaCheck,
    pub settings: MetaCheck,
    pub aliases: MetaCheck,
    /// Failures the caller adds (a check that could not run).
    pub problems: Vec<String>,
    pub verdict: Verdict,
}

fn documents(n: u64) -> String {
    if n == 1 {
        "1 document".into()
    } else {
        format!("{n} documents")
    }
}

fn examples(c: &Column) -> String {
    let mut s: Vec<String> = c.examples.iter().map(|e| format!("`{e}`")).collect();
    if c.count > c.examples.len() as u64 {
        s.push("…".into());
    }
    s.join(", ")
}

impl IndexReport {
    pub fn new(
        source_index: &str,
        destination_index: &str,
        level: Level,
        documents: DocDiff,
        mappings: MetaCheck,
        settings: MetaCheck,
        aliases: MetaCheck,
    ) -> IndexReport {
        let mut r = IndexReport {
            source_index: source_index.to_owned(),
            destination_index: destination_index.to_owned(),
            level,
            documents,
            mappings,
            settings,
            aliases,
            problems: Vec::new(),
            verdict: Verdict::Clean,
        };
        r.verdict = r.judge();
        r
    }

    /// Adds a failure reason (e.g. a check that could not run) and judges again.
    pub fn fail(mut self, reason: impl Into<String>) -> IndexReport {
        self.problems.push(reason.into());
        self.verdict = self.judge();
        self
    }

    fn judge(&self) -> Verdict {
        let d = &self.documents;
        let mut failed = self.problems.clone();
        for (c, what) in [
            (&d.missing, "missing on the destination"),
            (&d.extra, "on the destination only"),
            (&d.differing, "differing"),
        ] {
            if c.count > 0 {
                failed.push(format!("{} {what} ({})", documents(c.count), examples(c)));
            }
        }
        if self.level == Level::Counts && d.source_docs != d.destination_docs {
            failed.push(format!(
                "{} on the source, {} on the destination",
                documents(d.source_docs),
                documents(d.destination_docs)
            ));
        }
        for (m, what) in [
            (&self.mappings, "mappings"),
            (&self.settings, "settings"),
            (&self.aliases, "aliases"),
        ] {
            if let MetaCheck::Differs { count, examples } = m {
                let n = if *count == 1 {
                    "difference"
                } else {
                    "differences"
                };
                match examples.first() {
                    Some(first) => failed.push(format!("{what}: {count} {n} (first: {first})")),
                    None => failed.push(format!("{what}: {count} {n}")),
                }
            }
        }
        if !failed.is_empty() {
            return Verdict::Failed(failed);
        }
        let mut findings = Vec::new();
        match self.level {
            Level::Proof => {}
            Level::Sampled { sample_size } => findings.push(format!(
                "not proven: {} sampled (the plan chose `sampled` verification)",
                documents(sample_size)
            )),
            Level::Counts => findings.push(
                "not proven: only document counts compared (the plan chose `counts` verification)"
                    .to_owned(),
            ),
        }
        if d.dead_lettered.count > 0 {
            findings.push(format!(
                "not proven: {} dead-lettered, differing ({})",
                documents(d.dead_lettered.count),
                examples(&d.dead_lettered)
            ));
        }
        let (s, t) = d.without_source;
        if s + t > 0 {
            findings.push(format!(
                "content not compared for {s} source and {t} destination documents without `_source` (ids and routing were)"
            ));
        }
        if findings.is_empty() {
            Verdict::Clean
        } else {
            Verdict::CleanWithFindings(findings)
        }
    }
}

/// Every index of one verification run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RunReport {
    pub indexes: Vec<IndexReport>,
    /// The JSONL file with every finding, when one was written.
    pub findings_file: Option<String>,
}

impl RunReport {
    pub fn failed(&self) -> bool {
        self.indexes.iter().any(|i| i.verdict.is_failed())
    }

    pub fn all_clean(&self) -> bool {
        self.indexes.iter().all(|i| i.verdict == Verdict::Clean)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_report_read_back_from_its_json_renders_the_same_table() {
        let docs = DocDiff {
            source_docs: 3,
            destination_docs: 2,
            missing: Column {
                count: 1,
                examples: vec!["42".into()],
            },
            ..DocDiff::default()
        };
        let failed = IndexReport::new(
            "movies",
            "movies",
            Level::Proof,
            docs,
            MetaCheck::Same,
            MetaCheck::Same,
            MetaCheck::Differs {
                count: 1,
                examples: vec!["`films`: absent on the destination".into()],
            },
        );
        let sampled = IndexReport::new(
            "books",
            "books",
            Level::Sampled { sample_size: 10 },
            DocDiff::default(),
            MetaCheck::NotChecked,
            MetaCheck::NotChecked,
            MetaCheck::NotChecked,
        );
        let run = RunReport {
            indexes: vec![failed, sampled],
            findings_file: Some("/state/verify/v.jsonl".into()),
        };
        let back: RunReport = serde_json::from_value(serde_json::to_value(&run).unwrap()).unwrap();
        assert_eq!(back, run);
        assert!(back.failed() && !back.all_clean());
        assert_eq!(back.render(), run.render());
        assert!(matches!(
            back.indexes[1].verdict,
            Verdict::CleanWithFindings(_)
        ));
    }
}
