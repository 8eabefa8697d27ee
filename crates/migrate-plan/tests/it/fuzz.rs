//! Hostile-input campaign: random bytes, random YAML-ish text, random mutations of a valid plan,
//! control characters (NUL among them) dropped into it, a literal secret in every YAML form and
//! place (`hostile.rs`), flow collections of 4–8 MB, paths that are not regular files (a FIFO,
//! devices, a directory, a socket) and the hand-written bad-plan corpus (`tests/bad-plans/`).
//! None may panic or hang; every finding must point inside the text; no output may show a piece of
//! the canary secret or exceed 1 MB; no text with a control character may be accepted. Prints one
//! summary line (see `--nocapture`), and how long each big input took.
//! `MIGRATE_HOSTILE_CASES` sets the inputs per generator (default 256) for longer runs.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use migrate_plan::{Diagnostics, LoadOptions, RenderOptions, load_bytes, load_file, render};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

use crate::diagnostics::leaked;
use crate::hostile;

const PLAN: &str = include_str!("../../../../plans/reindex-self-managed-to-aliyun.yaml");
/// Inputs per generator: `MIGRATE_HOSTILE_CASES`, or 256.
fn cases() -> u32 {
    std::env::var("MIGRATE_HOSTILE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}
/// An input that takes longer than this to load counts as a hang (generous: tests run unoptimised).
const HANG: Duration = Duration::from_secs(20);
/// Everything shown for one input (lenient and strict) must stay under this.
const FLOOD: usize = 1024 * 1024;

#[derive(Default)]
struct Tally {
    tried: usize,
    accepted: usize,
    rejected_with_location: usize,
    rejected_without_location: usize,
    panics: usize,
    hangs: usize,
    leaks: usize,
    floods: usize,
    controls_accepted: usize,
}

/// What loading one input (lenient, then strict when there are warnings) gave.
struct Outcome {
    /// Both loads accepted it.
    accepted: bool,
    /// Every error finding of every rejection points into the text.
    located: bool,
    /// Everything rendered, warnings included.
    shown: String,
}

fn shown(d: &Diagnostics) -> String {
    render(d, &RenderOptions::plain())
}

fn check(bytes: &[u8]) -> Outcome {
    let mut out = Outcome {
        accepted: true,
        located: true,
        shown: String::new(),
    };
    for strict in [false, true] {
        let result = load_bytes("fuzz.yaml", bytes, &LoadOptions { strict });
        let warned = match &result {
            Ok(loaded) => !loaded.warnings.is_empty(),
            Err(d) => d.warnings().next().is_some(),
        };
        match result {
            Ok(loaded) => out.shown.push_str(&shown(&loaded.warnings)),
            Err(d) => {
                out.accepted = false;
                assert!(d.has_errors());
                for f in &d {
                    assert!(!f.message.is_empty());
                    for l in &f.labels {
                        assert!(l.span.start + l.span.len <= bytes.len().max(1), "{f:?}");
                    }
                    // A file with no document (empty, or only comments) has nothing to point at:
                    // its finding names the file. The count of findings not shown is no finding.
                    if f.is_error()
                        && f.labels.is_empty()
                        && !matches!(f.code, "plan::empty" | "plan::too-many")
                    {
                        eprintln!("no location: {} {}", f.code, f.message);
                        out.located = false;
                    }
                }
                out.shown.push_str(&shown(&d));
            }
        }
        // `--strict` only turns warnings into errors: without warnings it finds the same.
        if !warned {
            break;
        }
    }
    out
}

impl Tally {
    /// Loads one input; returns how long it took and what it showed.
    fn run(&mut self, what: &str, bytes: &[u8]) -> (Duration, String) {
        self.tried += 1;
        let start = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| check(bytes)));
        let took = start.elapsed();
        if took > HANG {
            eprintln!("hang ({took:?}): {what}");
            self.hangs += 1;
        }
        let Ok(o) = outcome else {
            // Shown so the input can go into tests/bad-plans/ once fixed.
            eprintln!(
                "panicked on {what}: {:?}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(2000)])
            );
            self.panics += 1;
            return (took, String::new());
        };
        match (o.accepted, o.located) {
            (true, _) => self.accepted += 1,
            (false, true) => self.rejected_with_location += 1,
            (false, false) => self.rejected_without_location += 1,
        }
        if let Some(piece) = leaked(&o.shown) {
            eprintln!("leaked `{piece}` for {what}:\n{}", o.shown);
            self.leaks += 1;
        }
        if o.shown.len() > FLOOD {
            eprintln!("{} bytes shown for {what}", o.shown.len());
            self.floods += 1;
        }
        let text = String::from_utf8_lossy(bytes);
        if o.accepted
            && text
                .chars()
                .any(|c| c.is_control() && !"\t\n\r\u{85}".contains(c))
        {
            eprintln!("accepted with a control character: {what}");
            self.controls_accepted += 1;
        }
        (took, o.shown)
    }

    /// Loads a path that is not a regular file: it must be refused at once, naming the path.
    fn run_path(&mut self, path: &Path) {
        self.tried += 1;
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.to_owned();
        // On its own thread, so a read that blocks shows as a hang instead of stopping the run.
        std::thread::spawn(move || {
            let result = catch_unwind(|| load_file(&p, &LoadOptions::default()).map(|_| ()));
            let _ = tx.send(result);
        });
        match rx.recv_timeout(HANG) {
            Err(_) => {
                eprintln!("hang: {}", path.display());
                self.hangs += 1;
            }
            Ok(Err(_)) => self.panics += 1,
            Ok(Ok(Ok(()))) => self.accepted += 1,
            Ok(Ok(Err(d))) => {
                let named = d
                    .iter()
                    .all(|f| f.message.contains(&path.display().to_string()));
                if named {
                    self.rejected_with_location += 1;
                } else {
                    eprintln!("path not named: {}", shown(&d));
                    self.rejected_without_location += 1;
                }
            }
        }
    }

    fn generated<S: Strategy>(&mut self, strategy: S, bytes: impl Fn(S::Value) -> Vec<u8>) {
        let cases = cases();
        let mut runner = TestRunner::new(Config::with_cases(cases));
        for _ in 0..cases {
            let tree = strategy
                .new_tree(&mut runner)
                .expect("the strategy generates");
            self.run("a generated input", &bytes(tree.current()));
        }
    }
}

/// Paths that name no regular file: a FIFO with no writer, devices, a directory, a socket, a
/// symlink to a device, a sparse file past the size limit and a missing file.
#[cfg(unix)]
fn odd_paths(dir: &Path) -> Vec<PathBuf> {
    let fifo = dir.join("fifo.yaml");
    hostile::mkfifo(&fifo);
    let socket = dir.join("socket.yaml");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("a socket");
    let link = dir.join("link.yaml");
    std::os::unix::fs::symlink("/dev/zero", &link).expect("a symlink");
    let huge = dir.join("huge.yaml");
    std::fs::File::create(&huge)
        .and_then(|f| f.set_len(migrate_plan::MAX_BYTES as u64 + 1))
        .expect("a sparse file");
    vec![
        fifo,
        PathBuf::from("/dev/zero"),
        PathBuf::from("/dev/null"),
        PathBuf::from("/dev/urandom"),
        dir.to_owned(),
        socket,
        link,
        huge,
        dir.join("missing.yaml"),
    ]
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
    // NUL and the other control characters YAML forbids, anywhere in a valid plan.
    t.generated(
        (
            0usize..PLAN.len(),
            prop::sample::select(vec![
                '\0', '\u{1}', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{9b}',
            ]),
        ),
        |(at, c)| hostile::with_control(PLAN, at, c),
    );
    let secrets = hostile::secret_plans();
    let mut silent = Vec::new();
    for (what, text) in &secrets {
        // Each shows a snippet near its secret (a warning for the literal secret at least), so
        // the absence of leaks means something.
        if !t.run(what, text.as_bytes()).1.contains("╭─[") {
            silent.push(what.as_str());
        }
    }
    let flows = hostile::big_flows();
    let mut timings = Vec::new();
    for (what, text) in &flows {
        let (took, shown) = t.run(what, text.as_bytes());
        timings.push(format!(
            "  {what}: {:.1} MB, loaded and rendered in {} ms (test build), {} KB shown",
            text.len() as f64 / (1024.0 * 1024.0),
            took.as_millis(),
            shown.len() / 1024
        ));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    #[cfg(unix)]
    let paths = odd_paths(dir.path());
    #[cfg(not(unix))]
    let paths: Vec<PathBuf> = vec![dir.path().to_owned()];
    for p in &paths {
        t.run_path(p);
    }
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-plans");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("tests/bad-plans")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 16, "{names:?}");
    for p in &names {
        t.run(
            &p.display().to_string(),
            &std::fs::read(p).expect("fixture"),
        );
    }
    println!(
        "hostile-input campaign: {} inputs tried, {} accepted, {} rejected with a location, {} rejected without one, {} panics, {} hangs, {} leaks, {} floods, {} accepted with a control character",
        t.tried,
        t.accepted,
        t.rejected_with_location,
        t.rejected_without_location,
        t.panics,
        t.hangs,
        t.leaks,
        t.floods,
        t.controls_accepted,
    );
    println!("{}", timings.join("\n"));
    assert_eq!(
        silent,
        Vec::<&str>::new(),
        "secret plans that showed no snippet"
    );
    assert_eq!(
        (
            t.rejected_without_location,
            t.panics,
            t.hangs,
            t.leaks,
            t.floods,
            t.controls_accepted
        ),
        (0, 0, 0, 0, 0, 0)
    );
    assert_eq!(
        t.tried,
        4 * cases() as usize + secrets.len() + flows.len() + paths.len() + names.len()
    );
}
