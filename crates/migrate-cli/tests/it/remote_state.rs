//! State on object storage through the real `migrate` binary, against a real S3 server (SeaweedFS,
//! installed by `cargo xtask test`): 20 seeded races of two `migrate apply --state s3://…` processes
//! on the same plan — exactly one runs, the other exits 3 naming the holder; then the holder is
//! killed with SIGKILL, the next apply exits 3 (a remote lock is never taken over by itself),
//! `migrate state unlock ID` with the printed id releases it, and the resumed apply completes.

use std::process::{Child, Stdio};

use std::time::Duration;

use crate::support::*;
use migrate_sandbox::{FaultRule, Flavor};
use migrate_store::test_support::S3Server;

const ACCESS: &str = "migrate-e2e";
const SECRET: &str = "remote-state-canary-93b1";

fn spawn(dir: &std::path::Path, plan: &str, state: &str) -> Child {
    migrate()
        .current_dir(dir)
        .args(["apply", plan, "--output", "plain", "--state", state])
        .envs(aws_env())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn apply")
}

fn aws_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AWS_ACCESS_KEY_ID", ACCESS),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_CONFIG_FILE", "/nonexistent/aws-config"),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws-credentials",
        ),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]
}

fn stderr_of(child: Child) -> (Option<i32>, String) {
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_applies_on_one_remote_state_exactly_one_runs_and_unlock_recovers_a_killed_holder() {
    if real_clusters() {
        return; // the holder is slowed by sandbox latency faults
    }
    let server = match S3Server::start(ACCESS, SECRET).await {
        Ok(s) => s,
        Err(e) => panic!("the S3 test server is needed (run `cargo xtask test`): {e}"),
    };
    server.create_bucket("states").await.unwrap();
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "7.10.2"),
            destination: (Flavor::OpenSearch, "2.11.0"),
            source_auth: None,
            snapshot_dirs: false,
        },
        work.path(),
    )
    .await;
    let http = Http::new(None);
    create_movies(&http, &source.url, "movies", None).await;
    let docs: Vec<_> = (0..30)
        .map(|i| {
            (
                "movies",
                None,
                i.to_string(),
                movie(i, Some(1_700_000_000_000 + i as u64)),
            )
        })
        .collect();
    http.bulk(&source.url, &docs).await;
    let plan = work.path().join("plan.yaml");
    std::fs::write(
        &plan,
        format!(
            "version: 1\nname: raced\nsource: {{ url: \"{}\" }}\ndestination: {{ url: \"{}\" }}\n\
             indexes: [movies]\nstrategy: {{ reindex: {{ remote_host: \"{}\" }} }}\n\
             cutover: {{ approved: true }}\nverify: {{ doc_count: true }}\n",
            source.url, destination.url, source.url
        ),
    )
    .unwrap();
    let p = plan.to_str().unwrap();
    // Every destination request is slow, so a winner holds its lock for seconds.
    let slow = destination.sandbox.as_ref().unwrap();
    slow.faults()
        .add(FaultRule::latency(Duration::from_millis(400)));

    let mut wins = [0usize; 2];
    let mut last = None;
    for race in 0..20 {
        let state = server.url("states", &format!("race-{race}"));
        // Each child is waited for on its own thread; the first to exit must be the loser (3).
        let (tx, rx) = std::sync::mpsc::channel();
        let mut pids = [0u32; 2];
        for (slot, pid) in pids.iter_mut().enumerate() {
            let child = spawn(work.path(), p, &state);
            *pid = child.id();
            let tx = tx.clone();
            std::thread::spawn(move || {
                let _ = tx.send((slot, stderr_of(child)));
            });
        }
        let (loser, (code, err)) = rx.recv().unwrap();
        assert_eq!(
            code,
            Some(3),
            "race {race}: the first to exit must be the loser: {err}"
        );
        assert!(err.contains("migrate state unlock"), "race {race}: {err}");
        assert!(!err.contains(SECRET), "race {race}: secret in output");
        let winner = 1 - loser;
        wins[winner] += 1;
        // SIGKILL the winner while it holds the lock.
        let killed = std::process::Command::new("kill")
            .args(["-9", &pids[winner].to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let (_, (code, _)) = rx.recv().unwrap();
        assert_ne!(
            code,
            Some(0),
            "race {race}: the holder finished before it was killed"
        );
        last = Some(state);
    }
    assert_eq!(wins[0] + wins[1], 20);

    // The last holder was killed: its lock stays until someone removes it by id.
    let state = last.unwrap();
    slow.faults().clear();
    let blocked = run(
        work.path(),
        &["apply", p, "--output", "plain", "--state", &state],
        &aws_env(),
    );
    let t = text(&blocked);
    assert_eq!(blocked.status.code(), Some(3), "{t}");
    let id = t
        .split("migrate state unlock ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map(|id| id.trim_matches(|c: char| c == '`' || c == '\'' || c == '.'))
        .expect("the unlock hint names the lock id")
        .to_owned();
    let wrong = run(
        work.path(),
        &["state", "unlock", "0000", p, "--state", &state],
        &aws_env(),
    );
    assert_ne!(wrong.status.code(), Some(0), "{}", text(&wrong));
    let unlock = run(
        work.path(),
        &["state", "unlock", &id, p, "--state", &state],
        &aws_env(),
    );
    assert_eq!(unlock.status.code(), Some(0), "{}", text(&unlock));
    let resumed = run(
        work.path(),
        &["apply", p, "--output", "plain", "--state", &state],
        &aws_env(),
    );
    let t = text(&resumed);
    assert_eq!(resumed.status.code(), Some(0), "{t}");
    assert!(t.contains("complete"), "{t}");
    assert!(!t.contains(SECRET));
    assert_eq!(http.count(&destination.url, "movies").await, 30);
    println!("remote-state races: 20 of 20 had exactly one runner (wins by spawn order {wins:?})");
}
