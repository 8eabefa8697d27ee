//! What `migrate` prints at runtime, asserted whole: `apply` to the cutover gate and to the end,
//! `status` before and after, a held lock, an unreachable cluster and a plan error. Ports, temporary
//! paths, times, durations, UUIDs and process ids are filtered (migrate-test-support's filters), so
//! any other change to the output shows in the snapshot diff.

use std::path::Path;

use crate::support::*;
use migrate_sandbox::Flavor;

/// Snapshots `out` (exit code, stdout, stderr) with the runtime filters, plus the work directory.
fn assert_output(name: &str, out: &std::process::Output, work: &Path) {
    let mut filters = migrate_test_support::filters::all();
    let dir = work.display().to_string();
    filters.insert(0, (dir.as_str(), "[WORK]"));
    insta::with_settings!({ filters => filters }, {
        insta::assert_snapshot!(name, in_step_order(&text(out)));
    });
}

/// A step's permit is released before its checkpoint is written and its `done` printed, so the
/// next step's `started` may come first (even at parallelism 1): move each `done`/`failed` line
/// before a `started` line of another step, so the snapshot does not depend on that race.
fn in_step_order(text: &str) -> String {
    let mut lines: Vec<Option<&str>> = text.lines().map(Some).collect();
    // An event line: `<RFC 3339 time> <word> <step id>[ …]`.
    let step = |l: &str, word: &str| {
        let mut tokens = l.split_whitespace();
        let time = tokens.next()?;
        (time.ends_with('Z') && tokens.next()? == word)
            .then(|| tokens.next().map(|s| s.trim_end_matches(':').to_owned()))?
    };
    let ended = |l: &str| step(l, "done").or_else(|| step(l, "failed"));
    // Each step's end line is pulled up to right after its start line: with one permit the next
    // step may start (and even end) before the previous step's end is printed.
    let mut out = Vec::with_capacity(lines.len());
    for i in 0..lines.len() {
        let Some(line) = lines[i].take() else {
            continue;
        };
        out.push(line);
        if let Some(started) = step(line, "started")
            && let Some(j) = (i + 1..lines.len())
                .find(|&j| lines[j].is_some_and(|l| ended(l).as_deref() == Some(&started)))
            && let Some(end) = lines[j].take()
        {
            out.push(end);
        }
    }
    let mut out = out.join("\n");
    out.push('\n');
    out
}

fn plan(work: &Path, source: &str, destination: &str) -> std::path::PathBuf {
    let plan = work.join("plan.yaml");
    std::fs::write(
        &plan,
        format!(
            "version: 1\nname: runtime-output\nsource: {{ url: \"{source}\" }}\ndestination: {{ url: \"{destination}\" }}\n\
             indexes: [movies]\n\
             strategy: {{ reindex: {{ remote_host: \"{source}\", batch_size: 100, update_field: updated_at, incremental_passes: 1 }} }}\n\
             cutover: {{ approved: false, block_source_writes: true }}\n\
             verify: {{ doc_count: true, health: yellow }}\n\
             settings: {{ parallelism: 1, retry: {{ max_attempts: 2, initial_backoff_ms: 10, max_backoff_ms: 20 }} }}\n"
        ),
    )
    .unwrap();
    plan
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_and_status_print_the_same_lines_run_after_run() {
    if real_clusters() {
        return; // the snapshots hold the sandboxes' versions
    }
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "6.8.23"),
            destination: (Flavor::OpenSearch, "2.11.1"),
            source_auth: None,
            snapshot_dirs: false,
        },
        work.path(),
    )
    .await;
    let http = Http::new(None);
    source.test_writes_begin();
    create_movies(&http, &source.url, "movies", Some("_doc")).await;
    let docs: Vec<_> = (0..50)
        .map(|i| {
            (
                "movies",
                Some("_doc"),
                i.to_string(),
                movie(i, Some(1_700_000_000_000 + i as u64)),
            )
        })
        .collect();
    http.bulk(&source.url, &docs).await;
    source.test_writes_done();
    let plan = plan(work.path(), &source.url, &destination.url);
    let p = plan.to_str().unwrap();

    let gate = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_output("apply_to_the_gate", &gate, work.path());
    let status = run(work.path(), &["status", p], &[]);
    assert_output("status_at_the_gate", &status, work.path());

    approve(&plan);
    let done = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_output("apply_after_approval", &done, work.path());
    let status = run(work.path(), &["status", p], &[]);
    assert_output("status_when_complete", &status, work.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_lock_prints_its_holder_and_the_unlock_command() {
    let work = tempfile::tempdir().unwrap();
    let plan = plan(work.path(), "http://127.0.0.1:9", "http://127.0.0.1:10");
    let store =
        std::sync::Arc::new(migrate_state::FileStore::for_plan(&plan, "runtime-output").unwrap())
            as std::sync::Arc<dyn migrate_state::StateStore>;
    let mut info = migrate_state::LockInfo::current("apply");
    info.host = "another-runner".into();
    info.pid = 4242;
    let guard = migrate_state::lock(&store, info).unwrap();
    let p = plan.to_str().unwrap();
    let apply = run(work.path(), &["apply", p, "--output", "plain"], &[]);
    assert_output("apply_with_the_lock_held", &apply, work.path());
    let status = run(work.path(), &["status", p], &[]);
    assert_output("status_with_the_lock_held", &status, work.path());
    drop(guard);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_source_fails_preflight_naming_the_cluster_and_what_to_check() {
    let work = tempfile::tempdir().unwrap();
    // Ports 9 and 10 are closed on loopback: connections are refused at once.
    let plan = plan(work.path(), "http://127.0.0.1:9", "http://127.0.0.1:10");
    // One attempt per step, so the two preflight steps fail one after the other.
    let yaml = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, yaml.replace("max_attempts: 2", "max_attempts: 1")).unwrap();
    let out = run(
        work.path(),
        &["apply", plan.to_str().unwrap(), "--output", "plain"],
        &[],
    );
    assert_output("apply_with_an_unreachable_source", &out, work.path());
}

#[test]
fn a_plan_error_prints_where_what_and_how_to_fix() {
    let work = tempfile::tempdir().unwrap();
    let plan = work.path().join("plan.yaml");
    std::fs::write(
        &plan,
        "version: 1\nname: runtime-output\nsource: { url: \"http://127.0.0.1:9\" }\n\
         destination: { url: \"http://127.0.0.1:10\" }\nindexes: [movies]\n\
         strategy: { reindex: { remote_host: \"http://127.0.0.1:9\", batch_sise: 100 } }\n",
    )
    .unwrap();
    let out = run(work.path(), &["apply", plan.to_str().unwrap()], &[]);
    assert_output("apply_with_a_misspelled_field", &out, work.path());
}
