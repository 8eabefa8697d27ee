//! Crash test: the executor in a child process over a file-backed state is killed with SIGKILL at
//! many points chosen by a seeded RNG and resumed each time. After every kill the state must
//! parse; at the end every step's act ran exactly once and the run is complete.
//!
//! The test binary is both sides: the parent runs it again with `MIGRATE_EXEC_CRASH_CHILD=<dir>`
//! and only the ignored test [`child_process`] selected, which runs the plan below and exits. The child's steps follow check → act →
//! wait like real ones: check for the effect marker; otherwise take the recorded handle or record
//! a fresh one *before* acting; act (append `<id> <handle>` to the acts log, fsynced) only if the
//! "server" (the acts log) has no act under that handle; then complete the effect (marker file).
//! If the executor lost a recorded handle, or re-ran a done step without its check, an act would
//! run twice and the test would fail.
//!
//! `CRASH_SEED` picks another seed; the kill points are printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use migrate_exec::{Dag, DagNode, ExecConfig, Executor, Outcome, Runner, StepCtx, StepError};
use migrate_state::{FileStore, StateStore, StepStatus};
use rand::{RngExt, SeedableRng};
use serde_json::json;

const CHILD_ENV: &str = "MIGRATE_EXEC_CRASH_CHILD";
const PAUSE_ENV: &str = "MIGRATE_EXEC_CRASH_PAUSE";
const CHAINS: usize = 4;
const CHAIN_LEN: usize = 6;
const MIN_KILLS: usize = 24;

fn plan() -> Dag {
    let mut nodes = Vec::new();
    for c in 0..CHAINS {
        for s in 0..CHAIN_LEN {
            let mut deps = Vec::new();
            if s > 0 {
                deps.push(nodes.len() - 1);
            }
            if c > 0 && s == CHAIN_LEN / 2 {
                deps.push((c - 1) * CHAIN_LEN + 1); // a cross edge between chains
            }
            nodes.push(DagNode::new(
                format!("chain-{c}/step-{s}"),
                format!("fp-{c}-{s}"),
                deps,
            ));
        }
    }
    let ends: Vec<usize> = (0..CHAINS).map(|c| c * CHAIN_LEN + CHAIN_LEN - 1).collect();
    nodes.push(DagNode::new("join", "fp-join", ends));
    Dag::new(nodes).unwrap()
}

fn store(dir: &Path) -> FileStore {
    FileStore::new(dir.join(".migrate"), "crash")
        .unwrap()
        .with_compact_every(5)
}

fn acts_log(dir: &Path) -> PathBuf {
    dir.join("acts.log")
}

fn marker(dir: &Path, id: &str) -> PathBuf {
    dir.join("effects").join(id.replace('/', "__"))
}

// ---------------------------------------------------------------- child

struct CrashStep {
    dir: PathBuf,
    ids: Vec<String>,
    /// `kind:n`: stop forever at the n-th time a step passes point `kind`, for the parent to kill.
    pause: Option<(String, u32)>,
    passed: AtomicU32,
    acts: std::sync::Mutex<()>,
}

impl CrashStep {
    async fn point(&self, kind: &str) {
        if let Some((k, n)) = &self.pause
            && k == kind
            && self.passed.fetch_add(1, Ordering::SeqCst) + 1 == *n
        {
            std::fs::write(self.dir.join("paused"), kind).unwrap();
            std::future::pending::<()>().await;
        }
    }

    fn acted(&self, handle: &str) -> bool {
        std::fs::read_to_string(acts_log(&self.dir))
            .unwrap_or_default()
            .lines()
            .any(|l| l.split_once(' ').is_some_and(|(_, h)| h == handle))
    }

    fn act(&self, id: &str, handle: &str) {
        let _one_at_a_time = self.acts.lock().unwrap();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(acts_log(&self.dir))
            .unwrap();
        f.write_all(format!("{id} {handle}\n").as_bytes()).unwrap();
        f.sync_all().unwrap();
    }
}

#[async_trait]
impl Runner for CrashStep {
    async fn run(&self, node: usize, ctx: &mut StepCtx) -> Result<Outcome, StepError> {
        let id = &self.ids[node];
        let effect = marker(&self.dir, id);
        // check
        if let Ok(handle) = std::fs::read_to_string(&effect) {
            return Ok(Outcome::Done {
                outputs: json!({"handle": handle}),
            });
        }
        // the handle before the act
        let handle = match ctx.handle().and_then(|h| h.as_str()) {
            Some(h) => h.to_owned(),
            None => {
                let h = format!("{id}#{}", uuid::Uuid::new_v4().simple());
                ctx.record_handle(json!(h)).await?;
                self.point("handle").await;
                h
            }
        };
        // act, unless the server already has it
        if !self.acted(&handle) {
            self.act(id, &handle);
            self.point("act").await;
        }
        // wait: the effect completes
        let tmp = effect.with_extension("tmp");
        std::fs::write(&tmp, &handle).unwrap();
        std::fs::rename(&tmp, &effect).unwrap();
        self.point("effect").await;
        Ok(Outcome::Done {
            outputs: json!({"handle": handle}),
        })
    }
}

fn child(dir: PathBuf) -> i32 {
    let dag = plan();
    std::fs::create_dir_all(dir.join("effects")).unwrap();
    let pause = std::env::var(PAUSE_ENV).ok().and_then(|p| {
        let (k, n) = p.split_once(':')?;
        Some((k.to_owned(), n.parse().ok()?))
    });
    let runner = Arc::new(CrashStep {
        ids: dag.nodes().iter().map(|n| n.id.clone()).collect(),
        dir: dir.clone(),
        pause,
        passed: AtomicU32::new(0),
        acts: std::sync::Mutex::new(()),
    });
    let store: Arc<dyn StateStore> = Arc::new(store(&dir));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let result = rt.block_on(
        Executor::new("crash", dag, runner, store)
            .with_config(ExecConfig {
                parallelism: 3,
                ..ExecConfig::default()
            })
            .run(),
    );
    match &result {
        Ok(summary) => eprintln!("{}", summary.describe()),
        Err(e) => eprintln!("error: {e}"),
    }
    i32::from(migrate_exec::exit_code(&result))
}

// ---------------------------------------------------------------- parent

/// Where the parent kills the child.
#[derive(Debug, Clone)]
enum KillPoint {
    /// The child stops at the n-th pass of a point inside the steps (after recording a handle,
    /// after acting, after completing the effect) and is killed there.
    Pause(&'static str, u32),
    /// Killed as soon as the acts log has this many lines.
    Acts(usize),
    /// Killed as soon as the state journal has this many lines (commits since the last compaction).
    JournalLines(usize),
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |t| t.lines().count())
}

fn spawn_child(dir: &Path, point: &KillPoint) -> Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "crash::child_process", "--include-ignored"])
        .env(CHILD_ENV, dir)
        .env_remove(PAUSE_ENV)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("child.stderr")).unwrap());
    if let KillPoint::Pause(kind, n) = point {
        cmd.env(PAUSE_ENV, format!("{kind}:{n}"));
    }
    cmd.spawn().unwrap()
}

/// Runs the child until the kill point is reached (then SIGKILLs it: `true`) or it exits (`false`).
fn run_to(dir: &Path, point: &KillPoint) -> bool {
    let _ = std::fs::remove_file(dir.join("paused"));
    let acts_before = lines(&acts_log(dir));
    let mut child = spawn_child(dir, point);
    let journal = store(dir).journal_path().to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let reached = match point {
            KillPoint::Pause(..) => dir.join("paused").exists(),
            KillPoint::Acts(k) => lines(&acts_log(dir)) >= acts_before + k,
            KillPoint::JournalLines(k) => lines(&journal) >= *k,
        };
        if reached {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            return true;
        }
        if let Some(status) = child.try_wait().unwrap() {
            let stderr = std::fs::read_to_string(dir.join("child.stderr")).unwrap_or_default();
            assert!(status.success(), "child failed ({status}): {stderr}");
            return false;
        }
        assert!(
            Instant::now() < deadline,
            "child neither reached {point:?} nor finished"
        );
        std::thread::sleep(Duration::from_millis(1)); // polling interval, not synchronisation
    }
}

/// After any kill: the state parses and no act ran twice.
fn check_invariants(dir: &Path) {
    let state = store(dir).load();
    assert!(
        state.is_ok(),
        "state unreadable after a kill: {}",
        state.unwrap_err()
    );
    let text = std::fs::read_to_string(acts_log(dir)).unwrap_or_default();
    let mut ids: Vec<&str> = text.lines().filter_map(|l| l.split(' ').next()).collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "an act ran twice:\n{text}");
}

fn check_complete(dir: &Path, dag: &Dag) {
    let state = store(dir).load().unwrap().expect("a state");
    let text = std::fs::read_to_string(acts_log(dir)).unwrap();
    for node in dag.nodes() {
        let acts = text
            .lines()
            .filter(|l| l.split(' ').next() == Some(node.id.as_str()))
            .count();
        assert_eq!(acts, 1, "step {} acted {acts} times", node.id);
        let rec = state.step(&node.id).unwrap();
        assert_eq!(rec.status, StepStatus::Done, "{}", node.id);
        let handle = std::fs::read_to_string(marker(dir, &node.id)).unwrap();
        assert_eq!(rec.outputs, Some(json!({"handle": handle})));
        assert!(text.contains(&format!("{} {handle}\n", node.id)));
    }
    assert_eq!(store(dir).read_lock().unwrap(), None);
}

fn parent() {
    let seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_201);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dag = plan();
    let steps = dag.len();
    let mut kills = 0;
    let mut episodes = 0;
    while kills < MIN_KILLS {
        episodes += 1;
        let dir = tempfile::tempdir().unwrap();
        let mut runs = 0;
        loop {
            runs += 1;
            assert!(runs < 200, "episode {episodes} does not converge");
            let point = match rng.random_range(0..4) {
                0 => KillPoint::Pause(
                    ["handle", "act", "effect"][rng.random_range(0..3)],
                    rng.random_range(1..=8),
                ),
                1 => KillPoint::Acts(rng.random_range(1..=6)),
                2 => KillPoint::JournalLines(rng.random_range(1..=5)),
                _ => KillPoint::Pause("effect", rng.random_range(1..=steps as u32)),
            };
            let killed = run_to(dir.path(), &point);
            check_invariants(dir.path());
            if killed {
                kills += 1;
                println!("crash: episode {episodes} run {runs}: killed at {point:?}");
            } else {
                println!("crash: episode {episodes} run {runs}: completed before {point:?}");
                break;
            }
        }
        check_complete(dir.path(), &dag);
    }
    println!("crash: seed {seed}: {kills} kills over {episodes} episodes, every act exactly once");
}

#[test]
fn killed_at_seeded_points_every_act_runs_exactly_once_and_the_run_completes() {
    parent();
}

/// The child process of the test above: it runs only when the parent starts this binary with
/// `MIGRATE_EXEC_CRASH_CHILD` set, and exits with the executor's exit code.
#[test]
#[ignore = "the child process of the crash test; started by it"]
fn child_process() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    std::process::exit(child(PathBuf::from(dir)));
}
