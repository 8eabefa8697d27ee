//! Helpers of the integration tests: generated documents and a whole proof run.

use migrate_proof::{
    DeadLetters, DocDiff, Findings, NoDeadLetters, Proof, ProofConfig, Record, Side,
};

/// A document as a test holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub id: String,
    pub routing: Option<String>,
    pub source: Option<String>,
}

impl Doc {
    pub fn new(id: &str, source: &str) -> Doc {
        Doc {
            id: id.to_owned(),
            routing: None,
            source: Some(source.to_owned()),
        }
    }

    pub fn routed(mut self, routing: &str) -> Doc {
        self.routing = Some(routing.to_owned());
        self
    }

    pub fn record(&self) -> Record<'_> {
        Record {
            id: &self.id,
            routing: self.routing.as_deref(),
            source: self.source.as_deref().map(str::as_bytes),
        }
    }
}

/// `n` documents with distinct ids and contents, in id order.
pub fn docs(n: usize) -> Vec<Doc> {
    (0..n)
        .map(|i| {
            Doc::new(
                &format!("doc-{i:07}"),
                &format!(
                    r#"{{"title":"title {i}","n":{i},"tags":["a","b{}"],"nested":{{"x":{}.5}}}}"#,
                    i % 7,
                    i % 100
                ),
            )
        })
        .collect()
}

/// Feeds `docs` into one side, split round-robin over `threads` slices fed from as many threads.
pub fn feed(proof: &Proof, side: Side, docs: &[Doc], threads: usize) {
    let feed = proof.side(side);
    std::thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                let mut slice = feed.slice();
                for d in docs.iter().skip(t).step_by(threads) {
                    slice.add(d.record()).unwrap();
                }
                slice.commit().unwrap();
            });
        }
    });
}

/// The outcome of a run: the document diff and the findings file's lines.
pub struct Outcome {
    pub diff: DocDiff,
    pub lines: Vec<String>,
}

impl Outcome {
    /// The ids of every finding line of one kind, sorted.
    pub fn ids(&self, kind: &str) -> Vec<String> {
        let mut ids: Vec<String> = self
            .lines
            .iter()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| v["kind"] == kind)
            .map(|v| v["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    }
}

/// A whole proof of `src` against `dst` with `cfg`, fed from `threads` threads per side.
pub fn prove_with(
    cfg: ProofConfig,
    src: &[Doc],
    dst: &[Doc],
    threads: usize,
    dead: &dyn DeadLetters,
) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let proof = Proof::new(cfg, dir.path()).unwrap();
    feed(&proof, Side::Source, src, threads);
    feed(&proof, Side::Destination, dst, threads);
    let mut findings = Findings::new(Vec::new(), 3);
    let diff = proof.compare("idx", &mut findings, dead).unwrap();
    let out = findings.finish().unwrap();
    let lines = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    Outcome { diff, lines }
}

/// [`prove_with`] with the default configuration, two threads a side, no dead letters.
pub fn prove(src: &[Doc], dst: &[Doc]) -> Outcome {
    prove_with(ProofConfig::default(), src, dst, 2, &NoDeadLetters)
}
