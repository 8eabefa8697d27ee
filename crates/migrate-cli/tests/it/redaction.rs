//! One process-wide redactor: `migrate apply` at `RUST_LOG=trace` against a destination that
//! echoes the `_reindex` request body (which carries the remote source's password) in its error.
//! No secret the plan resolves (the source's password, used again as the remote-reindex
//! credential, and the destination's) may appear in any output: logs at every level, events,
//! error messages, the state and the report files.

use migrate_sandbox::{Auth, Flavor, Sandbox};
use serde_json::Value;

use crate::hostile_server::fake::{self, Reply};
use crate::hostile_server::files_under;
use crate::support::*;

const SOURCE_PW: &str = "src-canary-pw-41b7";
const DEST_PW: &str = "dst-canary-pw-93d0";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_at_trace_level_against_an_echoing_destination_prints_no_secret_anywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let source = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("7.10.2")
        .auth(Auth::basic("elastic", SOURCE_PW))
        .start()
        .await
        .expect("source sandbox");
    let destination = Sandbox::builder()
        .flavor(Flavor::Elasticsearch)
        .version("7.10.2")
        .auth(Auth::basic("elastic", DEST_PW))
        .remote_allowlist([source.host_port()])
        .start()
        .await
        .expect("destination sandbox");
    let http = Http::new(Some(("elastic", SOURCE_PW)));
    create_movies(&http, &source.url(), "movies", None).await;
    let docs: Vec<_> = (0..10)
        .map(|i| ("movies", None, i.to_string(), movie(i, None)))
        .collect();
    http.bulk(&source.url(), &docs).await;
    // The destination echoes the reindex request body back as its error reason.
    let echo = fake::start(
        std::sync::Arc::new(|r: &fake::Req| {
            if r.method == "POST" && r.path.starts_with("/_reindex") {
                let body = String::from_utf8_lossy(&r.body).into_owned();
                let reason = format!("cannot parse request body: {body}");
                Reply::Json(
                    400,
                    serde_json::json!({"error": {"type": "parse_exception", "reason": reason}, "status": 400})
                        .to_string(),
                )
            } else {
                Reply::Forward
            }
        }),
        Some(destination.url()),
        None,
    )
    .await;
    let plan = work.join("plan.yaml");
    std::fs::write(
        &plan,
        format!(
            "version: 1\nname: echo\n\
             source: {{ url: \"{}\", auth: {{ basic: {{ username: elastic, password: {{ env: SRC_PW }} }} }} }}\n\
             destination: {{ url: \"{}\", auth: {{ basic: {{ username: elastic, password: {{ env: DST_PW }} }} }} }}\n\
             indexes: [movies]\nstrategy:\n  reindex:\n    remote_host: {}\n\
             \x20   remote_auth: {{ basic: {{ username: elastic, password: {{ env: SRC_PW }} }} }}\n\
             settings: {{ retry: {{ max_attempts: 2, initial_backoff_ms: 10, max_backoff_ms: 20 }} }}\n",
            source.url(),
            echo.url,
            source.url()
        ),
    )
    .unwrap();
    let mut outputs = String::new();
    for mode in ["json", "plain"] {
        let out = tokio::task::spawn_blocking({
            let (work, plan) = (work.to_owned(), plan.clone());
            move || {
                let mut c = migrate();
                c.current_dir(&work)
                    .args(["apply", plan.to_str().unwrap(), "--output", mode])
                    .env("RUST_LOG", "trace")
                    .env("SRC_PW", SOURCE_PW)
                    .env("DST_PW", DEST_PW);
                c.output().expect("run migrate")
            }
        })
        .await
        .unwrap();
        let shown = text(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            &shown[..shown.len().min(4000)]
        );
        outputs.push_str(&shown);
    }
    // The echo really happened and really carried the password: the test can fail.
    let echoed = echo
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/_reindex"))
        .any(|r| {
            serde_json::from_slice::<Value>(&r.body)
                .ok()
                .and_then(|v| v.pointer("/source/remote/password").cloned())
                == Some(Value::String(SOURCE_PW.into()))
        });
    assert!(
        echoed,
        "the destination never saw the remote password to echo"
    );
    assert!(
        outputs.contains("parse_exception") && outputs.contains("cannot parse request body"),
        "the echoed error is not shown"
    );
    assert!(outputs.contains("TRACE"), "no trace-level log was written");
    let files = files_under(work);
    for (what, secret) in [("source", SOURCE_PW), ("destination", DEST_PW)] {
        for (place, text) in [("output", &outputs), ("files", &files)] {
            if let Some(at) = text.find(secret) {
                let from = at.saturating_sub(300);
                panic!(
                    "the {what} password is in the {place}: …{}…",
                    text.get(from..(at + 100).min(text.len())).unwrap_or("")
                );
            }
        }
    }
}
