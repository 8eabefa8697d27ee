//! Resume is grounded in the world, not in the record: a state of another plan is refused by every
//! command and left unchanged; each cluster's identity (`cluster_uuid`, name, flavour, version) is
//! recorded at first contact and a replaced cluster is refused; the same cluster under two host
//! names is refused before any write; a done step whose effect vanished runs again (or the run
//! fails), never a green run over a world that no longer matches the state.

use std::path::Path;

use crate::support::*;

/// A reindex plan named `name` between two URLs nothing listens on (commands that refuse the
/// state never reach them).
fn offline_plan(name: &str) -> String {
    format!(
        "version: 1\nname: {name}\nsource: {{ url: \"http://127.0.0.1:9\" }}\ndestination: {{ url: \"http://127.0.0.1:19\" }}\n\
         indexes: [movies]\nstrategy:\n  reindex:\n    remote_host: http://127.0.0.1:9\n\
         cutover: {{ approved: true, block_source_writes: true }}\n"
    )
}

#[test]
fn a_state_of_another_plan_is_refused_by_every_command_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.yaml"), offline_plan("movies-move")).unwrap();
    let state_dir = dir.path().join(".migrate");
    std::fs::create_dir(&state_dir).unwrap();
    let state = state_dir.join("movies-move.state.json");
    let foreign = "{\n  \"format_version\": 1,\n  \"lineage\": \"6f1c1a52-3d7e-4f0b-9a53-2b8f0d6c9e11\",\n  \"plan_name\": \"books-move\",\n  \"serial\": 7,\n  \"steps\": {\n    \"preflight/versions\": { \"status\": \"done\", \"fingerprint\": \"00\" }\n  }\n}\n";
    std::fs::write(&state, foreign).unwrap();
    let commands: [&[&str]; 6] = [
        &["apply", "plan.yaml"],
        &["cleanup", "--dry-run", "plan.yaml"],
        &["cleanup", "--yes", "--force", "plan.yaml"],
        &["status", "plan.yaml"],
        &["plan", "--dry-run", "plan.yaml"],
        &["state", "show", "plan.yaml"],
    ];
    for args in commands {
        let out = run(dir.path(), args, &[]);
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {shown}");
        assert!(
            shown.contains("belongs to plan `books-move`, not to plan `movies-move`")
                && shown.contains("left unchanged"),
            "{args:?}: {shown}"
        );
        assert_eq!(
            std::fs::read_to_string(&state).unwrap(),
            foreign,
            "{args:?}"
        );
        assert!(!state_dir.join("movies-move.journal").exists(), "{args:?}");
    }
}

/// The state file of `plan` under `dir`, parsed.
fn state_json(dir: &Path, plan: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join(format!(".migrate/{plan}.state.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The reindex campaign pair (ES 5.6 → 7.10, `movies` and `books`) and its plan in `work`, with
/// the cutover not yet approved, applied once: everything before the gate is done.
async fn reindex_to_the_gate(name: &str, work: &Path) -> (Cluster, Cluster, std::path::PathBuf) {
    let (source, destination) = strategy_pair("reindex", work, 40, 7).await;
    let plan = work.join("plan.yaml");
    let text = campaign_plan(name, "reindex", &source, &destination, 3, 100)
        .replace("approved: true", "approved: false");
    std::fs::write(&plan, text).unwrap();
    let out = run(work, &["apply", "plan.yaml"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("gate/cutover")
            || String::from_utf8_lossy(&out.stderr).contains("gate/cutover"),
        "{}",
        text_of(&out)
    );
    (source, destination, plan)
}

/// The requests in `log` other than GET and HEAD, as `METHOD path`.
fn non_reads(log: &[migrate_sandbox::LoggedRequest]) -> Vec<String> {
    log.iter()
        .filter(|r| r.method != "GET" && r.method != "HEAD")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn text_of(out: &std::process::Output) -> String {
    text(out)
}

/// The destination's mapping of `movies` (typeless, 7.x).
async fn movies_mapping(base: &str) -> serde_json::Value {
    let v = Http::new(None).get(format!("{base}/movies/_mapping")).await;
    v["movies"]["mappings"]["properties"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_destination_index_deleted_after_create_index_is_created_again_with_the_source_mappings()
{
    let work = tempfile::tempdir().unwrap();
    let (source, destination, plan) = reindex_to_the_gate("vanished", work.path()).await;
    delete(format!("{}/movies", destination.url)).await;
    approve(&plan);
    let out = run(work.path(), &["apply", "plan.yaml"], &[]);
    let shown = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("re-check create-index/movies: destination index `movies`")
            && shown.contains("no longer exists; it is created again"),
        "{shown}"
    );
    let props = movies_mapping(&destination.url).await;
    assert_eq!(props["genre"]["type"], "keyword", "{props}");
    assert_eq!(props["year"]["type"], "integer", "{props}");
    let settings = Http::new(None)
        .get(format!("{}/movies/_settings", destination.url))
        .await;
    assert_eq!(
        settings["movies"]["settings"]["index"]["number_of_shards"], "2",
        "{settings}"
    );
    let http = Http::new(None);
    assert_eq!(
        http.count(&destination.url, "movies").await,
        http.count(&source.url, "movies").await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_destination_index_recreated_outside_the_migration_fails_the_run_and_is_never_copied_into()
 {
    let work = tempfile::tempdir().unwrap();
    let (_source, destination, plan) = reindex_to_the_gate("recreated", work.path()).await;
    delete(format!("{}/movies", destination.url)).await;
    // What `_reindex`'s auto-create (or a person) leaves behind: dynamic mappings.
    Http::new(None)
        .put(
            format!("{}/movies/_doc/x", destination.url),
            serde_json::json!({"genre": "drama"}),
        )
        .await;
    let sandbox = destination.sandbox.as_ref().unwrap();
    sandbox.request_log().clear();
    approve(&plan);
    let out = run(work.path(), &["apply", "plan.yaml"], &[]);
    let shown = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("it was deleted and created again outside the migration")
            && shown.contains("delete `movies` on the destination and run apply again"),
        "{shown}"
    );
    let writes = non_reads(&sandbox.request_log().entries());
    assert!(writes.is_empty(), "{writes:?}");
    assert_eq!(
        movies_mapping(&destination.url).await["genre"]["type"],
        "text"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_destination_replaced_behind_the_same_url_is_refused_before_anything_runs() {
    let work = tempfile::tempdir().unwrap();
    let (_source, destination, plan) = reindex_to_the_gate("replaced", work.path()).await;
    let before =
        std::fs::read_to_string(work.path().join(".migrate/replaced-reindex.state.json")).unwrap();
    let port = destination.sandbox.as_ref().unwrap().addr().port();
    let Cluster { sandbox, .. } = destination;
    sandbox.unwrap().shutdown().await;
    let other = migrate_sandbox::Sandbox::builder()
        .flavor(migrate_sandbox::Flavor::Elasticsearch)
        .version("7.10.2")
        .cluster_name("e2e-destination")
        .port(port)
        .start()
        .await
        .unwrap();
    approve(&plan);
    let out = run(work.path(), &["apply", "plan.yaml"], &[]);
    let shown = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("the destination cluster at")
            && shown.contains("it is another cluster behind the same URL")
            && shown.contains("`destination.url`"),
        "{shown}"
    );
    let writes = non_reads(&other.request_log().entries());
    assert!(writes.is_empty(), "{writes:?}");
    let state = state_json(work.path(), "replaced-reindex");
    assert_eq!(state["steps"]["preflight/versions"]["status"], "done");
    let recorded = &state["steps"]["preflight/versions"]["outputs"]["clusters"];
    assert_eq!(
        recorded["destination"]["name"], "e2e-destination",
        "{recorded}"
    );
    assert_eq!(recorded["destination"]["version"], "7.10.2", "{recorded}");
    assert_eq!(recorded["source"]["flavor"], "Elasticsearch", "{recorded}");
    assert!(recorded["source"]["cluster_uuid"].is_string(), "{recorded}");
    assert_eq!(
        std::fs::read_to_string(work.path().join(".migrate/replaced-reindex.state.json")).unwrap(),
        before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_cluster_under_two_host_names_is_refused_with_no_write_reaching_it() {
    let work = tempfile::tempdir().unwrap();
    let (source, _destination) = strategy_pair("reindex", work.path(), 10, 3).await;
    let port = source.sandbox.as_ref().unwrap().addr().port();
    let text = format!(
        "version: 1\nname: one-cluster\nsource: {{ url: \"http://127.0.0.1:{port}\" }}\ndestination: {{ url: \"http://localhost:{port}\" }}\n\
         indexes: [movies]\nstrategy:\n  reindex:\n    remote_host: http://127.0.0.1:{port}\n\
         cutover: {{ approved: true, block_source_writes: true }}\n"
    );
    std::fs::write(work.path().join("plan.yaml"), text).unwrap();
    let sandbox = source.sandbox.as_ref().unwrap();
    sandbox.request_log().clear();
    let out = run(work.path(), &["apply", "plan.yaml"], &[]);
    let shown = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains(&format!(
            "the source (http://127.0.0.1:{port}) and the destination (http://localhost:{port}) are the same cluster"
        )),
        "{shown}"
    );
    let log = sandbox.request_log().entries();
    assert!(
        log.iter().any(|r| r.method == "GET" && r.path == "/"),
        "{log:?}"
    );
    let writes = non_reads(&log);
    assert!(writes.is_empty(), "{writes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_source_repository_with_other_settings_keeps_its_settings_and_snapshots() {
    let work = tempfile::tempdir().unwrap();
    let (source, _destination) = strategy_pair("snapshot", work.path(), 10, 3).await;
    let http = Http::new(None);
    let theirs = source.repo_dir.as_ref().unwrap().join("their-backups");
    std::fs::create_dir_all(&theirs).unwrap();
    let repo = format!("{}/_snapshot/kept-repository", source.url);
    source.test_writes_begin();
    http.put(
        repo.clone(),
        serde_json::json!({"type": "fs", "settings": {"location": theirs.display().to_string()}}),
    )
    .await;
    http.put(
        format!("{repo}/nightly?wait_for_completion=true"),
        serde_json::json!({"indices": "movies"}),
    )
    .await;
    source.test_writes_done();
    let before = http.get(repo.clone()).await;
    let plan = campaign_plan("kept", "snapshot", &source, &_destination, 2, 100);
    std::fs::write(work.path().join("plan.yaml"), plan).unwrap();
    let out = run(work.path(), &["apply", "plan.yaml"], &[]);
    let shown = text_of(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("the source already has a repository `kept-repository`")
            && shown.contains("`kept-repository-migrate`"),
        "{shown}"
    );
    assert_eq!(http.get(repo.clone()).await, before);
    let snapshots = http.get(format!("{repo}/_all")).await;
    assert_eq!(
        snapshots["snapshots"][0]["snapshot"], "nightly",
        "{snapshots}"
    );
    let source_writes: Vec<_> = source
        .mutating()
        .unwrap()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(source_writes.is_empty(), "{source_writes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_state_is_lost_an_earlier_runs_snapshot_is_never_restored() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = strategy_pair("snapshot", work.path(), 20, 3).await;
    let plan = work.path().join("plan.yaml");
    let text = campaign_plan("lost", "snapshot", &source, &destination, 2, 100)
        .replace("approved: true", "approved: false");
    std::fs::write(&plan, text).unwrap();
    let out = run(work.path(), &["apply", "plan.yaml"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
    let earlier = state_json(work.path(), "lost-snapshot")["lineage"]
        .as_str()
        .unwrap()[..8]
        .to_owned();
    // The state directory is lost; the source changes meanwhile.
    std::fs::remove_dir_all(work.path().join(".migrate")).unwrap();
    let sandbox = destination.sandbox.as_ref().unwrap();
    sandbox.request_log().clear();
    let out = run(work.path(), &["apply", "plan.yaml"], &[]);
    let shown = text_of(&out);
    let now = state_json(work.path(), "lost-snapshot")["lineage"]
        .as_str()
        .unwrap()[..8]
        .to_owned();
    assert_ne!(now, earlier);
    // The earlier run's snapshots are reported with the cleanup advice, never adopted: this run
    // takes its own, and its restore refuses to replace the indexes the lost run left open.
    assert!(
        shown.contains(&format!(
            "repository `lost-repository` holds 2 snapshot(s) of this plan from earlier runs (lineage {earlier}; this run is {now}): lost-snapshot-{earlier}-round-1, lost-snapshot-{earlier}-round-2"
        )) && shown.contains("`migrate cleanup`"),
        "{shown}"
    );
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("`movies` is open on the destination"),
        "{shown}"
    );
    let restores: Vec<_> = sandbox
        .request_log()
        .entries()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.contains("_snapshot"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        !restores.is_empty()
            && restores
                .iter()
                .all(|r| r.contains(&now) && !r.contains(&earlier)),
        "{restores:?}"
    );
}

/// `(time, what)` of the requests in `log` that `pick` names.
fn times(
    log: &[migrate_sandbox::LoggedRequest],
    pick: impl Fn(&migrate_sandbox::LoggedRequest) -> bool,
) -> Vec<std::time::SystemTime> {
    log.iter().filter(|r| pick(r)).map(|r| r.at).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_two_snapshot_is_taken_only_after_round_one_is_restored_every_time() {
    for attempt in 0..20 {
        let work = tempfile::tempdir().unwrap();
        let (source, destination) = strategy_pair("snapshot", work.path(), 10, 3).await;
        let text = campaign_plan("paced", "snapshot", &source, &destination, 2, 100);
        std::fs::write(work.path().join("plan.yaml"), text).unwrap();
        let out = run(work.path(), &["apply", "plan.yaml"], &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "attempt {attempt}: {}",
            text_of(&out)
        );
        let (src, dst) = (source.log().unwrap(), destination.log().unwrap());
        let round_two = times(&src, |r| {
            r.method == "PUT" && r.path.starts_with("/_snapshot/") && r.path.ends_with("-round-2")
        });
        assert_eq!(round_two.len(), 1, "attempt {attempt}");
        let restored = times(&dst, |r| {
            r.method == "POST" && r.path.ends_with("-round-1/_restore")
        });
        assert_eq!(
            restored.len(),
            2,
            "attempt {attempt}: one restore per index"
        );
        let recovered = times(&dst, |r| r.method == "GET" && r.path.contains("_recovery"));
        assert!(
            restored.iter().all(|t| *t < round_two[0])
                && recovered.iter().any(|t| *t < round_two[0]),
            "attempt {attempt}: round 2's snapshot started before round 1 was restored"
        );
        // Nothing of round 1 reaches the destination once round 2 has started.
        let late: Vec<_> = dst
            .iter()
            .filter(|r| r.at > round_two[0] && r.path.contains("round-1"))
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(late.is_empty(), "attempt {attempt}: {late:?}");
        let missing: Vec<_> = dst
            .iter()
            .chain(&src)
            .filter(|r| r.status == 404 && r.path.contains("/_snapshot/"))
            .filter(|r| r.method != "GET")
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(missing.is_empty(), "attempt {attempt}: {missing:?}");
        // A transfer that met a vanished object (a concurrent snapshot deleting what it copies)
        // fails and is retried; no transfer of any round needed a second attempt.
        let shown = text_of(&out);
        let retried: Vec<&str> = shown
            .lines()
            .filter(|l| {
                l.contains("retrying transfer/")
                    || l.contains("started  transfer/") && l.contains("(attempt")
            })
            .collect();
        assert!(retried.is_empty(), "attempt {attempt}: {retried:?}");
        assert!(
            shown.contains("done     transfer/round-2"),
            "attempt {attempt}: the output lists the transfers: {shown}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_deleted_under_a_done_step_is_taken_again_before_the_run_goes_on() {
    let work = tempfile::tempdir().unwrap();
    let (source, destination) = strategy_pair("snapshot", work.path(), 10, 3).await;
    let plan = work.path().join("plan.yaml");
    let text = campaign_plan("gone", "snapshot", &source, &destination, 2, 100)
        .replace("approved: true", "approved: false");
    std::fs::write(&plan, text).unwrap();
    let out = run(work.path(), &["apply", "plan.yaml"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text_of(&out));
    let lineage = state_json(work.path(), "gone-snapshot")["lineage"]
        .as_str()
        .unwrap()[..8]
        .to_owned();
    let round_two = format!("gone-snapshot-{lineage}-round-2");
    delete(format!(
        "{}/_snapshot/gone-repository/{round_two}",
        source.url
    ))
    .await;
    approve(&plan);
    let before = source.log().unwrap().len();
    let out = run(work.path(), &["apply", "plan.yaml"], &[]);
    let shown = text_of(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(&format!(
            "re-check snapshot/round-2: snapshot `{round_two}` is no longer in repository `gone-repository`; it is taken again"
        )),
        "{shown}"
    );
    let retaken: Vec<_> = source.log().unwrap()[before..]
        .iter()
        .filter(|r| r.method == "PUT" && r.path.ends_with(&round_two))
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(retaken.len(), 1, "{retaken:?}");
    // Round 1's snapshot held: it was not taken again.
    assert!(
        !source.log().unwrap()[before..]
            .iter()
            .any(|r| r.method == "PUT" && r.path.ends_with("-round-1")),
        "{shown}"
    );
}
