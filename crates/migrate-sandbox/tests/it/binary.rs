//! The standalone binary as a child process: it prints `listening on http://127.0.0.1:PORT` once it
//! serves, honours `--path-repo`, `--fault`, `--seed-docs`, `--keystore` (never echoing values) and
//! `--expose-request-log` (`GET`/`DELETE /_sandbox/requests`), and refuses bad flags with exit code 2.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use super::http::call_url as call;

const CANARY: &str = "CANARY-sandbox-secret-7f3a";

struct Child_ {
    child: Child,
    url: String,
}

impl Child_ {
    /// Kills the child and returns everything it wrote (stdout after the readiness line, stderr).
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut text = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut text);
        }
        if let Some(mut o) = self.child.stdout.take() {
            let _ = o.read_to_string(&mut text);
        }
        text
    }
}

/// Starts the binary and waits (bounded) for its readiness line.
fn spawn(args: &[&str]) -> Child_ {
    let mut child = Command::new(env!("CARGO_BIN_EXE_migrate-sandbox"))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn migrate-sandbox");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("readiness line within 60 s");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    Child_ { child, url }
}

#[tokio::test]
async fn binary_serves_with_path_repo_faults_seed_docs_and_request_log() {
    let repo_root = tempfile::tempdir().expect("tempdir");
    let root = repo_root.path().display().to_string();
    let keystore = format!("s3.client.default.secret_key={CANARY}");
    let sb = spawn(&[
        "--flavor",
        "opensearch",
        "--version",
        "2.11.0",
        "--path-repo",
        &root,
        "--expose-request-log",
        "--fault",
        "503:nth=2,path=/_cat/indices",
        "--seed-docs",
        "5",
        "--keystore",
        "s3.client.default.access_key=AKIDSANDBOX",
        "--keystore",
        &keystore,
    ]);
    let url = sb.url.clone();

    let (s, v) = call(&url, Method::GET, "/", None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["version"]["number"], "2.11.0");
    assert_eq!(v["version"]["distribution"], "opensearch");

    let (s, v) = call(&url, Method::GET, "/seed/_count", None).await;
    assert_eq!((s, v["count"].clone()), (200, json!(5)), "{v}");

    // `--path-repo`: inside it an fs repository registers, outside it is the real refusal.
    let inside = repo_root.path().join("repo").display().to_string();
    let (s, v) = call(
        &url,
        Method::PUT,
        "/_snapshot/r",
        Some(json!({"type": "fs", "settings": {"location": inside}})),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = call(
        &url,
        Method::PUT,
        "/_snapshot/outside",
        Some(json!({"type": "fs", "settings": {"location": "/definitely/not/under/path/repo"}})),
    )
    .await;
    assert_eq!(s, 500, "{v}");
    assert_eq!(v["error"]["type"], "repository_exception", "{v}");

    // `--fault 503:nth=2,path=/_cat/indices`: only the second matching call fails.
    let statuses = [
        call(&url, Method::GET, "/_cat/indices", None).await.0,
        call(&url, Method::GET, "/_cat/indices", None).await.0,
        call(&url, Method::GET, "/_cat/indices", None).await.0,
    ];
    assert_eq!(statuses, [200, 503, 200]);

    // The request log over HTTP, without its own calls.
    let (s, log) = call(&url, Method::GET, "/_sandbox/requests", None).await;
    assert_eq!(s, 200, "{log}");
    let entries = log["requests"].as_array().expect("requests");
    let cat: Vec<u64> = entries
        .iter()
        .filter(|r| r["path"] == "/_cat/indices")
        .filter_map(|r| r["status"].as_u64())
        .collect();
    assert_eq!(cat, [200, 503, 200], "{log}");
    assert!(entries.iter().all(|r| r["path"] != "/_sandbox/requests"));
    let (_, mutating) = call(&url, Method::GET, "/_sandbox/requests?mutating=true", None).await;
    let paths: Vec<&str> = mutating["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .filter_map(|r| r["path"].as_str())
        .collect();
    assert_eq!(paths, ["/_snapshot/r", "/_snapshot/outside"], "{mutating}");
    let (s, _) = call(&url, Method::DELETE, "/_sandbox/requests", None).await;
    assert_eq!(s, 200);
    let (_, log) = call(&url, Method::GET, "/_sandbox/requests", None).await;
    assert_eq!(log["requests"], json!([]), "{log}");

    // Keystore values appear in no answer and no output.
    let (_, repos) = call(&url, Method::GET, "/_snapshot", None).await;
    assert!(!repos.to_string().contains(CANARY));
    let (_, settings) = call(
        &url,
        Method::GET,
        "/_nodes/settings?include_defaults=true",
        None,
    )
    .await;
    assert!(!settings.to_string().contains(CANARY));
    let output = sb.stop();
    assert!(!output.contains(CANARY), "{output}");
    assert!(output.contains("opensearch 2.11.0"), "{output}");
}

#[tokio::test]
async fn without_the_flag_there_is_no_sandbox_endpoint() {
    let sb = spawn(&["--version", "7.10.2"]);
    let (s, v) = call(&sb.url, Method::GET, "/_sandbox/requests", None).await;
    // What a real 7.x answers for that path: `/{index}/{type}` exists only for POST.
    assert_eq!(s, 405, "{v}");
    assert!(v.get("requests").is_none(), "{v}");
    sb.stop();
}

#[test]
fn bad_flags_exit_2_with_a_clear_message_and_no_secret() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_migrate-sandbox"))
            .args(["--port", "0"])
            .args(args)
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, err, out) = run(&["--fault", "teapot"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("invalid fault rule `teapot`"), "{err}");
    assert!(out.is_empty(), "{out}");
    let (code, err, _) = run(&["--keystore", CANARY]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--keystore"), "{err}");
    assert!(!err.contains(CANARY), "{err}");
    let (code, err, _) = run(&["--version", "4.0.0"]);
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error:"), "{err}");
}

#[tokio::test]
async fn sigv4_and_basic_flags_guard_every_request_without_printing_secrets() {
    let sigv4 = format!("AKIDEXAMPLE:{CANARY}");
    let sb = spawn(&["--sigv4", &sigv4, "--sigv4-region", "eu-west-1"]);
    let (s, v) = call(&sb.url, Method::GET, "/", None).await;
    assert_eq!(s, 403, "{v}");
    assert!(!v.to_string().contains(CANARY), "{v}");
    let output = sb.stop();
    assert!(!output.contains(CANARY), "{output}");

    let basic = format!("admin:{CANARY}");
    let sb = spawn(&["--basic-auth", &basic]);
    let (s, _) = call(&sb.url, Method::GET, "/", None).await;
    assert_eq!(s, 401);
    let resp = reqwest::Client::new()
        .get(&sb.url)
        .basic_auth("admin", Some(CANARY))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 200);
    let output = sb.stop();
    assert!(!output.contains(CANARY), "{output}");
}
