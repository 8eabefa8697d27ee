//! Separate processes on one state in a real S3 server (SeaweedFS): 20 seeded lock races between
//! two child processes, and a holder killed with SIGKILL after committing.
//!
//! The children are this test binary again (`current_exe()`), running only the ignored test
//! [`child_process`] in the mode named by `MIGRATE_STATE_REMOTE_CHILD`. They open the state from a `--state`-style URL with credentials
//! from the environment (the AWS chain), as `migrate apply` on a runner would. Parent and children
//! synchronise over the children's stdin/stdout lines (prefixed `proto: `, apart from the test
//! harness's own lines): a child says `ready`, the parent answers
//! `go` to both, each child answers what it got, and the winner holds the lock until told to
//! release it, so the loser's attempt always meets a held lock.

use crate::common;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;

use crate::common::ObjectHarness;
use migrate_state::{Changes, LockInfo, State, StateError, StateStore, StepStatus};

const CHILD_ENV: &str = "MIGRATE_STATE_REMOTE_CHILD";
const RACES: u64 = 20;

#[test]
fn separate_processes_race_for_the_lock_and_a_killed_holder_keeps_it() {
    let h = ObjectHarness::start();
    twenty_seeded_races_have_exactly_one_winner(&h);
    a_killed_holder_keeps_its_lock_until_unlocked_by_id(&h);
}

/// The child processes of the test above: runs only when started by it with
/// `MIGRATE_STATE_REMOTE_CHILD` set.
#[test]
#[ignore = "a child process of the lock race test; started by it"]
fn child_process() {
    if let Ok(mode) = std::env::var(CHILD_ENV) {
        child(&mode);
    }
}

// ---- children ----

fn child(mode: &str) {
    let url = std::env::var("STATE_URL").unwrap();
    let plan = std::env::var("PLAN").unwrap();
    let location = migrate_state_remote::parse_state_url(&url).unwrap();
    let store = migrate_state_remote::open_state_store(&location, &plan).unwrap();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let say = |line: String| {
        let mut out = std::io::stdout().lock();
        writeln!(out, "proto: {line}").unwrap();
        out.flush().unwrap();
    };
    match mode {
        "race" => {
            let seed: u64 = std::env::var("SEED").unwrap().parse().unwrap();
            say("ready".into());
            assert_eq!(lines.next().unwrap().unwrap(), "go");
            // Seeded jitter (0–1.5 ms) so the races interleave differently; not synchronisation.
            std::thread::sleep(std::time::Duration::from_micros(jitter(seed)));
            match store.lock(LockInfo::current("apply")) {
                Ok(got) => {
                    say(format!("got {}", got.info.id));
                    assert_eq!(lines.next().unwrap().unwrap(), "release");
                    store.unlock(&got.info.id.to_string()).unwrap();
                }
                Err(StateError::LockHeld { lock, .. }) => {
                    say(format!("held {}", serde_json::to_string(&lock).unwrap()));
                    assert_eq!(lines.next().unwrap().unwrap(), "release");
                }
                Err(e) => say(format!("error {e}")),
            }
        }
        "hold" => {
            let got = store.lock(LockInfo::current("apply")).unwrap();
            let mut state = State::new(&plan);
            store.commit(&state, Changes::All).unwrap();
            for i in 0..5 {
                common::commit_step(&*store, &mut state, &format!("step-{i}"), StepStatus::Done);
            }
            state.step_mut("step-5").status = StepStatus::Running;
            state.step_mut("step-5").handle = Some(serde_json::json!({"task": "n1:77"}));
            state.serial += 1;
            store
                .commit(&state, Changes::Steps(&["step-5".to_owned()]))
                .unwrap();
            say(format!("committed {} {}", state.serial, got.info.id));
            // Hold the lock until killed.
            let _ = lines.next();
            unreachable!("the parent kills this process");
        }
        other => panic!("unknown child mode `{other}`"),
    }
}

/// 0..1500 µs from a seed (splitmix64).
fn jitter(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) % 1500
}

struct ChildProc {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl ChildProc {
    fn spawn(h: &ObjectHarness, mode: &str, plan: &str, seed: u64) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "processes::child_process", "--include-ignored"])
            .env(CHILD_ENV, mode)
            .env("STATE_URL", h.server.url(common::BUCKET, common::PREFIX))
            .env("PLAN", plan)
            .env("SEED", seed.to_string())
            .env("AWS_ACCESS_KEY_ID", common::ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", common::CANARY_SECRET)
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/aws-credentials",
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        ChildProc {
            child,
            stdin,
            stdout,
        }
    }

    /// The child's next protocol line (the test harness's own lines are skipped).
    fn line(&mut self) -> String {
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).unwrap();
            assert!(!line.is_empty(), "child {} said nothing", self.child.id());
            if let Some(said) = line.trim_end().strip_prefix("proto: ") {
                return said.to_owned();
            }
        }
    }

    fn tell(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }

    fn finish(mut self) {
        let status = self.child.wait().unwrap();
        assert!(status.success(), "child failed: {status}");
    }
}

fn twenty_seeded_races_have_exactly_one_winner(h: &ObjectHarness) {
    let observer = h.store("raced");
    let mut wins = [0u32; 2];
    for seed in 0..RACES {
        let mut kids = [
            ChildProc::spawn(h, "race", "raced", seed * 2),
            ChildProc::spawn(h, "race", "raced", seed * 2 + 1),
        ];
        for k in &mut kids {
            assert_eq!(k.line(), "ready");
        }
        for k in &mut kids {
            k.tell("go");
        }
        let answers: Vec<String> = kids.iter_mut().map(ChildProc::line).collect();
        let winners: Vec<usize> = (0..2).filter(|&i| answers[i].starts_with("got ")).collect();
        assert_eq!(winners.len(), 1, "race {seed}: {answers:?}");
        let (w, l) = (winners[0], 1 - winners[0]);
        wins[w] += 1;
        let id = answers[w].strip_prefix("got ").unwrap();
        let held: LockInfo = serde_json::from_str(
            answers[l]
                .strip_prefix("held ")
                .unwrap_or_else(|| panic!("race {seed}: loser said {:?}", answers[l])),
        )
        .unwrap();
        // The loser names the holder: its id, pid, host and owner.
        assert_eq!(held.id.to_string(), id, "race {seed}");
        assert_eq!(held.pid, kids[w].child.id(), "race {seed}");
        let me = LockInfo::current("apply");
        assert_eq!((&held.host, &held.owner), (&me.host, &me.owner));
        assert_eq!(observer.read_lock().unwrap().as_ref(), Some(&held));
        for k in &mut kids {
            k.tell("release");
        }
        for k in kids {
            k.finish();
        }
        assert_eq!(observer.read_lock().unwrap(), None, "race {seed}");
    }
    println!("lock races: wins by spawn order {wins:?}");
}

fn a_killed_holder_keeps_its_lock_until_unlocked_by_id(h: &ObjectHarness) {
    let mut holder = ChildProc::spawn(h, "hold", "killed", 0);
    let said = holder.line();
    let mut words = said.split(' ').skip(1);
    let serial: u64 = words.next().unwrap().parse().unwrap();
    let lock_id = words.next().unwrap().to_owned();
    let pid = holder.child.id();
    holder.child.kill().unwrap(); // SIGKILL
    let status = holder.child.wait().unwrap();
    assert!(!status.success());

    let store: Arc<dyn StateStore> = Arc::new(h.store("killed"));
    // The lock outlives its holder; nothing takes it over.
    let err = store.lock(LockInfo::current("apply")).unwrap_err();
    let StateError::LockHeld { lock, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((lock.id.to_string(), lock.pid), (lock_id.clone(), pid));
    assert!(
        err.to_string()
            .contains(&format!("run `migrate state unlock {lock_id}`")),
        "{err}"
    );
    // Unlock with the wrong id is refused and changes nothing.
    let err = store
        .unlock("00000000-0000-0000-0000-000000000000")
        .unwrap_err();
    assert!(matches!(err, StateError::WrongLockId { .. }), "{err:?}");
    assert_eq!(store.read_lock().unwrap().unwrap().id.to_string(), lock_id);
    store.unlock(&lock_id).unwrap();
    // Resume: the last committed state is intact, running step and handle included.
    let guard = migrate_state::lock(&store, LockInfo::current("apply")).unwrap();
    let mut state = store.load().unwrap().unwrap();
    assert_eq!(state.serial, serial);
    assert_eq!(state.steps.len(), 6);
    let running = state.step("step-5").unwrap();
    assert_eq!(running.status, StepStatus::Running);
    assert_eq!(running.handle, Some(serde_json::json!({"task": "n1:77"})));
    state.step_mut("step-5").status = StepStatus::Done;
    state.serial += 1;
    store
        .commit(&state, Changes::Steps(&["step-5".to_owned()]))
        .unwrap();
    guard.release().unwrap();
    assert_eq!(h.store("killed").load().unwrap(), Some(state));
    assert_eq!(store.read_lock().unwrap(), None);
}
