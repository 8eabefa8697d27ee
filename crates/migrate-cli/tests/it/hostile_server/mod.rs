//! The hostile-server campaign: `migrate apply` (a child process) against loopback servers that
//! answer with huge and endless bodies, drip bytes or go silent, send garbage or truncated JSON,
//! redirect to another origin, storm with 5xx, present self-signed / expired / wrong-name
//! certificates, or run tasks and snapshots that never move. Every case must be bounded: the child
//! ends on its own within the timeouts its plan configures (plus start-up slack), its peak RSS stays
//! under 256 MB, its output says what bounded it, no request reaches the second origin, and the
//! password the plan resolves appears in no output. Prints
//! `hostile-server campaign: N cases, N bounded, N failed` and fails on any unbounded case.

mod certs;
mod child;
pub mod fake;

use std::sync::Arc;
use std::time::Duration;

use fake::{Fake, Reply, Rule};
use migrate_sandbox::{Flavor, RunningSandbox, Sandbox};
use serde_json::json;

use crate::support::*;

const CANARY: &str = "hostile-canary-pw-7c3e";
const PEAK_RSS: u64 = 256 * 1024 * 1024;
/// Start-up, preflight of the healthy cluster and exit, on top of a case's configured timeouts.
const SLACK: Duration = Duration::from_secs(30);

struct Case {
    name: &'static str,
    plan: String,
    /// Texts the output must hold: the error that bounded the case.
    expect: Vec<String>,
    /// What the plan's timeouts, retries and stall timeout allow, before [`SLACK`].
    budget: Duration,
    /// Servers the case needs, kept alive while it runs.
    _keep: Vec<Fake>,
    _clusters: Vec<Cluster>,
    _sandboxes: Vec<RunningSandbox>,
}

fn rule(f: impl Fn(&fake::Req) -> Reply + Send + Sync + 'static) -> Rule {
    Arc::new(f)
}

/// A plan whose source is `source` (with `source_extra` inside its map) and destination `dest`.
fn plan(name: &str, source: &str, source_extra: &str, dest: &str, settings: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!(
        "version: 1\nname: hostile-{name}\n\
         source: {{ url: \"{source}\", auth: {{ basic: {{ username: elastic, password: {{ env: HOSTILE_PW }} }} }}{source_extra} }}\n\
         destination: {{ url: \"{dest}\" }}\nindexes: [movies]\n\
         strategy:\n  reindex:\n    remote_host: {source}\n\
         settings: {{ parallelism: 2, retry: {{ max_attempts: 1, initial_backoff_ms: 10, max_backoff_ms: 50 }}{settings} }}\n"
    )
}

/// A case whose source answers every request with `reply`.
async fn source_case(
    name: &'static str,
    dest: &str,
    reply: impl Fn() -> Reply + Send + Sync + 'static,
    http: &str,
    budget_ms: u64,
    expect: &[&str],
) -> Case {
    let f = fake::start(rule(move |_| reply()), None, None).await;
    Case {
        name,
        plan: plan(name, &f.url, http, dest, ""),
        expect: expect.iter().map(|s| s.to_string()).collect(),
        budget: Duration::from_millis(budget_ms),
        _keep: vec![f],
        _clusters: vec![],
        _sandboxes: vec![],
    }
}

async fn tls_case(
    name: &'static str,
    dest: &str,
    work: &std::path::Path,
    id: certs::Identity,
    trust: bool,
    expect: &[&str],
) -> Case {
    let f = fake::start(
        rule(|_| Reply::Json(200, "{}".into())),
        None,
        Some(id.server),
    )
    .await;
    let ca = work.join(format!("{name}-ca.pem"));
    std::fs::write(&ca, &id.trust_pem).unwrap();
    let extra = if trust {
        format!(", tls: {{ ca_file: \"{}\" }}", ca.display())
    } else {
        String::new()
    };
    Case {
        name,
        plan: plan(name, &f.url, &extra, dest, ""),
        expect: expect.iter().map(|s| s.to_string()).collect(),
        budget: Duration::from_secs(10),
        _keep: vec![f],
        _clusters: vec![],
        _sandboxes: vec![],
    }
}

fn raw(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

async fn cases(work: &std::path::Path, dest: &str, second: &str) -> Vec<Case> {
    let capped = ", http: { max_response_bytes: 1048576 }";
    let elsewhere = format!("{second}/stolen");
    let (l1, l2) = (elsewhere.clone(), elsewhere.clone());
    vec![
        source_case("announced 2 GiB body", dest, || Reply::Announced(2 << 30), "", 10_000,
            &["larger than 104857600 bytes", "source.http.max_response_bytes"]).await,
        source_case("endless chunked body, default cap", dest, || Reply::Endless, "", 120_000,
            &["larger than 104857600 bytes"]).await,
        source_case("endless chunked body, 1 MiB cap", dest, || Reply::Endless, capped, 10_000,
            &["larger than 1048576 bytes"]).await,
        source_case("slow drip", dest, || Reply::Drip,
            ", http: { read_timeout_ms: 1000, request_timeout_ms: 1500 }", 1_500, &["timed out"]).await,
        source_case("silence after the headers", dest, || Reply::Silent,
            ", http: { read_timeout_ms: 500, request_timeout_ms: 600000 }", 500, &["timed out"]).await,
        source_case("10000 header fields", dest, || Reply::ManyHeaders(10_000), "", 10_000,
            &["GET /"]).await,
        source_case("garbage JSON", dest,
            || Reply::Raw(raw("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 12\r\nconnection: close\r\n\r\n{\"version\":[")),
            "", 10_000, &["unexpected response"]).await,
        source_case("truncated JSON", dest,
            || Reply::Raw(raw("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4000\r\nconnection: close\r\n\r\n{\"name\":\"n\",\"version\":{\"num")),
            "", 10_000, &["connection closed before the response completed"]).await,
        source_case("not HTTP at all", dest, || Reply::Raw(b"\x00\xffSSH-2.0\r\n\r\n".to_vec()), "",
            10_000, &["GET /"]).await,
        source_case("301 to another origin", dest, move || Reply::Redirect(301, l1.clone()), "",
            10_000, &["HTTP 301 redirect to", "redirects are never followed"]).await,
        source_case("302 to another origin", dest, move || Reply::Redirect(302, l2.clone()), "",
            10_000, &["HTTP 302 redirect to"]).await,
        source_case("503 storm", dest, || Reply::Json(503, r#"{"error":"busy"}"#.into()), "",
            10_000, &["HTTP 503"]).await,
        tls_case("self-signed certificate", dest, work, certs::self_signed(), false,
            &["unknown issuer", "`source.tls.ca_file`"]).await,
        tls_case("certificate for another name", dest, work, certs::ca_signed("other.example", false),
            true, &["not valid for the host name", "`source.url`"]).await,
        tls_case("expired certificate", dest, work, certs::ca_signed("127.0.0.1", true), true,
            &["expired or not yet valid"]).await,
    ]
}

/// `POST _reindex` (whose body carries the source password) answered 307 to another origin.
async fn reindex_redirect_case(work: &std::path::Path, second: &str) -> Case {
    let (source, destination) = secured_pair(work).await;
    let to = format!("{second}/_reindex");
    let f = fake::start(
        rule(move |r| {
            if r.method == "POST" && r.path.starts_with("/_reindex") {
                Reply::Redirect(307, to.clone())
            } else {
                Reply::Forward
            }
        }),
        Some(destination.url.clone()),
        None,
    )
    .await;
    let mut p = plan("307 on reindex", &source.url, "", &f.url, "");
    p = p.replace(
        "    remote_host",
        "    remote_auth: { basic: { username: elastic, password: { env: HOSTILE_PW } } }\n    remote_host",
    );
    Case {
        name: "307 on POST _reindex to another origin",
        plan: p,
        expect: vec!["HTTP 307 redirect to".into(), "_reindex".into()],
        budget: Duration::from_secs(10),
        _keep: vec![f],
        _clusters: vec![source, destination],
        _sandboxes: vec![],
    }
}

/// A source sandbox (basic auth, `movies` seeded) and a destination, optionally paced.
async fn secured_pair(work: &std::path::Path) -> (Cluster, Cluster) {
    let (source, destination) = clusters(
        Pair {
            source: (Flavor::Elasticsearch, "7.10.2"),
            destination: (Flavor::Elasticsearch, "7.10.2"),
            source_auth: Some(("elastic", CANARY.to_owned())),
            snapshot_dirs: false,
        },
        work,
    )
    .await;
    let http = Http::new(Some(("elastic", CANARY)));
    create_movies(&http, &source.url, "movies", None).await;
    let docs = movie_docs(0..20, None);
    http.bulk(&source.url, &docs).await;
    (source, destination)
}

/// A reindex task that never moves: one document per batch at one request per 1000 s.
async fn stuck_task_case(work: &std::path::Path) -> Case {
    let (source, destination) = secured_pair(work).await;
    let mut p = plan(
        "stuck task",
        &source.url,
        "",
        &destination.url,
        ", stall_timeout_s: 1",
    );
    p = p.replace(
        "    remote_host",
        "    batch_size: 1\n    requests_per_second: 0.001\n    remote_host",
    );
    Case {
        name: "reindex task that never moves",
        plan: p,
        expect: vec!["is stuck".into(), "settings.stall_timeout_s".into()],
        budget: Duration::from_secs(15),
        _keep: vec![],
        _clusters: vec![source, destination],
        _sandboxes: vec![],
    }
}

/// A snapshot whose shards upload at one byte per second: it never finishes.
async fn stuck_snapshot_case(work: &std::path::Path) -> Case {
    let dir = work.join("stuck-snapshot-repo");
    std::fs::create_dir_all(&dir).unwrap();
    let source = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("7.10.2")
        .node_setting("path.repo", json!([dir.display().to_string()]))
        .byte_rate(1)
        .start()
        .await
        .expect("source sandbox");
    let destination = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("7.10.2")
        .node_setting("path.repo", json!([dir.display().to_string()]))
        .start()
        .await
        .expect("destination sandbox");
    let http = Http::new(None);
    create_movies(&http, &source.url(), "movies", None).await;
    let docs: Vec<_> = (0..50)
        .map(|i| ("movies", None, i.to_string(), movie(i, None)))
        .collect();
    http.bulk(&source.url(), &docs).await;
    let p = format!(
        "version: 1\nname: hostile-stuck-snapshot\nsource: {{ url: \"{}\" }}\ndestination: {{ url: \"{}\" }}\n\
         indexes: [movies]\nstrategy:\n  snapshot:\n    repository: stuck\n\
         \x20   source_store: {{ fs: {{ location: \"{}\" }} }}\n\
         settings: {{ retry: {{ max_attempts: 1 }}, stall_timeout_s: 1 }}\n",
        source.url(),
        destination.url(),
        dir.display()
    );
    Case {
        name: "snapshot that never finishes",
        plan: p,
        expect: vec!["snapshot".into(), "is stuck".into()],
        budget: Duration::from_secs(15),
        _keep: vec![],
        _clusters: vec![],
        _sandboxes: vec![source, destination],
    }
}

/// Every file the run left under `dir` (state, reports, its output), as text.
pub fn files_under(dir: &std::path::Path) -> String {
    let mut out = String::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.push_str(&files_under(&p));
        } else if let Ok(bytes) = std::fs::read(&p) {
            out.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_server_campaign_every_case_is_bounded_and_leaks_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let second = fake::start(rule(|_| Reply::Json(200, "{}".into())), None, None).await;
    let healthy = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("7.10.2")
        .start()
        .await
        .expect("destination sandbox");
    let mut all = cases(work, &healthy.url(), &second.url).await;
    all.push(reindex_redirect_case(&work.join("redirect"), &second.url).await);
    all.push(stuck_task_case(&work.join("task")).await);
    all.push(stuck_snapshot_case(&work.join("snapshot")).await);

    let (mut bounded, mut failed) = (0, Vec::new());
    for (i, case) in all.iter().enumerate() {
        let dir = work.join(format!("case-{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        let plan_path = dir.join("plan.yaml");
        std::fs::write(&plan_path, &case.plan).unwrap();
        let deadline = case.budget + SLACK;
        let ran = tokio::task::spawn_blocking({
            let dir = dir.clone();
            move || {
                child::run(
                    &dir,
                    &[
                        "apply",
                        plan_path.to_str().unwrap(),
                        "--output",
                        "plain",
                        "-vv",
                    ],
                    &[("HOSTILE_PW", CANARY)],
                    deadline,
                )
            }
        })
        .await
        .unwrap();
        let mut problems = Vec::new();
        if ran.code.is_none() {
            problems.push(format!(
                "killed after {:?} (budget {deadline:?})",
                ran.elapsed
            ));
        } else if ran.code != Some(1) {
            problems.push(format!("exit {:?}, expected 1 (a failed step)", ran.code));
        }
        if ran.max_rss >= PEAK_RSS {
            problems.push(format!("peak RSS {} MB", ran.max_rss >> 20));
        }
        let state = files_under(&dir);
        if ran.output.contains(CANARY) || state.contains(CANARY) {
            problems.push("the password appears in the output or the state".into());
        }
        for e in &case.expect {
            if !ran.output.contains(e.as_str()) {
                problems.push(format!("the output does not say `{e}`"));
            }
        }
        let ok = ran.code.is_some() && ran.max_rss < PEAK_RSS;
        bounded += usize::from(ok);
        // What bounded it: the first failed step's message, shortened.
        let why: String = ran
            .output
            .lines()
            .filter(|l| l.contains("failed ") && l.contains("step `"))
            // The healthy destination refuses remote reindex from the fakes: not the point.
            .find(|l| !l.contains("preflight/remote-allowlist"))
            .and_then(|l| l.split_once(": step `").map(|(_, m)| m))
            .unwrap_or("")
            .chars()
            .take(220)
            .collect();
        eprintln!(
            "  {}: exit {:?} in {} ms, peak RSS {} MB: {why}{}",
            case.name,
            ran.code,
            ran.elapsed.as_millis(),
            ran.max_rss >> 20,
            if problems.is_empty() {
                String::new()
            } else {
                format!(" — {}", problems.join("; "))
            }
        );
        if !problems.is_empty() {
            let tail: String = ran
                .output
                .chars()
                .rev()
                .take(3000)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            failed.push(format!("{}: {}\n{tail}", case.name, problems.join("; ")));
        }
    }
    let reached = second.requests();
    if !reached.is_empty() {
        failed.push(format!(
            "the second origin received {} request(s): {:?}",
            reached.len(),
            reached
                .iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect::<Vec<_>>()
        ));
    }
    println!(
        "hostile-server campaign: {} cases, {bounded} bounded, {} failed",
        all.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}
