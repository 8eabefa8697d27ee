//! Hostile-input campaign: random bytes, random YAML-ish text, random mutations of a valid plan and
//! the hand-written bad-plan corpus (`tests/bad-plans/`) never panic or hang, and every finding
//! they produce points inside the text. Prints one summary line (see `--nocapture`).
//! `MIGRATE_HOSTILE_CASES` sets the inputs per generator (default 256) for longer runs.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use migrate_plan::{LoadOptions, load_bytes};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

const PLAN: &str = include_str!("../../../../plans/reindex-self-managed-to-aliyun.yaml");
/// Inputs per generator: `MIGRATE_HOSTILE_CASES`, or 256.
fn cases() -> u32 {
    std::env::var("MIGRATE_HOSTILE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}
/// An input that takes longer than this to load counts as a hang.
const HANG: Duration = Duration::from_secs(5);

#[derive(Default)]
struct Tally {
    tried: usize,
    accepted: usize,
    rejected_with_location: usize,
    rejected_without_location: usize,
    panics: usize,
    hangs: usize,
}

/// Loads `bytes` (lenient and strict): `None` when both accept it, else whether every error
/// finding of every rejection points into the text.
fn check(bytes: &[u8]) -> Option<bool> {
    let mut rejected = None;
    for strict in [false, true] {
        if let Err(d) = load_bytes("fuzz.yaml", bytes, &LoadOptions { strict }) {
            assert!(d.has_errors());
            let mut located = true;
            for f in &d {
                assert!(!f.message.is_empty());
                for l in &f.labels {
                    assert!(l.span.start + l.span.len <= bytes.len().max(1), "{f:?}");
                }
                // A file with no document (empty, or only comments) has nothing to point at: its
                // finding names the file, which is its location.
                if f.is_error() && f.labels.is_empty() && f.code != "plan::empty" {
                    eprintln!("no location: {} {}", f.code, f.message);
                    located = false;
                }
                // Rendering never panics either.
                let _ = migrate_plan::render_diagnostic(f, &migrate_plan::RenderOptions::plain());
            }
            rejected = Some(rejected.unwrap_or(true) && located);
        }
    }
    rejected
}

impl Tally {
    fn run(&mut self, bytes: &[u8]) {
        self.tried += 1;
        let start = Instant::now();
        match catch_unwind(AssertUnwindSafe(|| check(bytes))) {
            Ok(None) => self.accepted += 1,
            Ok(Some(true)) => self.rejected_with_location += 1,
            Ok(Some(false)) => self.rejected_without_location += 1,
            Err(_) => {
                // Shown so the input can go into tests/bad-plans/ once fixed.
                eprintln!("panicked on: {:?}", String::from_utf8_lossy(bytes));
                self.panics += 1;
            }
        }
        if start.elapsed() > HANG {
            self.hangs += 1;
        }
    }

    fn generated<S: Strategy>(&mut self, strategy: S, bytes: impl Fn(S::Value) -> Vec<u8>) {
        let cases = cases();
        let mut runner = TestRunner::new(Config::with_cases(cases));
        for _ in 0..cases {
            let tree = strategy
                .new_tree(&mut runner)
                .expect("the strategy generates");
            self.run(&bytes(tree.current()));
        }
    }
}

#[test]
fn hostile_input_campaign() {
    let mut t = Tally::default();
    t.generated(proptest::collection::vec(any::<u8>(), 0..512), |b| b);
    t.generated(
        "[a-z_:{}\\[\\],&*!|>'\"#\\- \n\t0-9.]{0,400}",
        String::into_bytes,
    );
    t.generated(
        proptest::collection::vec(
            (
                0usize..PLAN.len(),
                0usize..8,
                "[ :\\-{}\\[\\]a-z\n\t\"'&*]{0,4}",
            ),
            1..6,
        ),
        |cuts| {
            let mut text = PLAN.as_bytes().to_vec();
            for (at, del, ins) in cuts {
                let at = at.min(text.len());
                let end = (at + del).min(text.len());
                text.splice(at..end, ins.bytes());
            }
            text
        },
    );
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-plans");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("tests/bad-plans")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 16, "{names:?}");
    for p in &names {
        t.run(&std::fs::read(p).expect("fixture"));
    }
    println!(
        "hostile-input campaign: {} inputs tried, {} accepted, {} rejected with a location, {} rejected without one, {} panics, {} hangs",
        t.tried,
        t.accepted,
        t.rejected_with_location,
        t.rejected_without_location,
        t.panics,
        t.hangs
    );
    assert_eq!((t.rejected_without_location, t.panics, t.hangs), (0, 0, 0));
    assert_eq!(t.tried, 3 * cases() as usize + names.len());
}
