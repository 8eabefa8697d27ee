//! Story runner: every story file under `stories/tests` of `../shared/conformance` (or
//! `CONFORMANCE_DIR`) runs against the sandbox as OpenSearch 2.16, scored by the upstream
//! evaluator's rules: a failed prologue fails the story's chapters; after a chapter whose status is
//! wrong the following chapters fail (upstream skips them and fails the story); each chapter's
//! operation and parameters must be in the OpenAPI spec, its request payload must fit the request
//! schema, its status must be the expected one (a list allowed), the response content type must be
//! the expected one (`application/json` by default), the spec must describe that status and content
//! type (a status without a schema fails) and the body must validate; the expected payload must be
//! contained in the response; epilogues are checked (status 200/201 by default) and scored. Prints
//! `N passed, N failed` with the failing chapters, and asserts ≥ 95 % pass.

mod chapter;
mod decode;
mod spec;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use migrate_sandbox::{Flavor, Sandbox};
use serde_json::{Value, json};

use chapter::{
    Call, capture, collect_yaml, contains, distribution_ok, execute_one, methods, relocate,
    version_ok,
};
use spec::Spec;

fn conformance_dir() -> PathBuf {
    match std::env::var_os("CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
    }
}

fn load_yaml(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    serde_yaml::from_str(&text).map_err(|e| format!("cannot parse: {e}"))
}

fn statuses(v: Option<&Value>, default: &[u64]) -> Vec<u64> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_u64).collect(),
        Some(Value::Number(n)) => n.as_u64().into_iter().collect(),
        _ => default.to_vec(),
    }
}

/// A prologue or epilogue: its status must be one of `status` (default 200, 201), its payload (if
/// given) contained, its outputs present.
async fn run_supplemental(
    client: &reqwest::Client,
    base: &str,
    step: &Value,
    outputs: &mut HashMap<String, Value>,
) -> Result<(), String> {
    let ok = statuses(step.get("status"), &[200, 201]);
    let mut result = Ok(());
    for method in methods(step) {
        let call = execute_one(client, base, step, &method, outputs).await?;
        if !ok.contains(&u64::from(call.status)) {
            result = Err(format!("status {}: {}", call.status, call.body));
            continue;
        }
        if let Some(p) = step.get("response").and_then(|r| r.get("payload")) {
            contains(&call.body, &chapter::substitute(p, outputs))
                .map_err(|e| format!("payload: {e}"))?;
        }
        capture(step, &call, outputs)?;
    }
    result
}

/// Why a chapter ended: a wrong status (later chapters then fail) or another failure.
enum Failure {
    Status(String),
    Other(String),
}

async fn run_chapter(
    client: &reqwest::Client,
    base: &str,
    ch: &Value,
    outputs: &mut HashMap<String, Value>,
    spec: &mut Spec,
) -> Result<(), Failure> {
    let mut path = ch["path"].as_str().unwrap_or("/").to_string();
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    let expected = statuses(ch.get("response").and_then(|r| r.get("status")), &[200]);
    let expected_type = ch
        .get("response")
        .and_then(|r| r.get("content_type"))
        .and_then(Value::as_str)
        .unwrap_or("application/json");
    for method in methods(ch) {
        let m = method.to_ascii_lowercase();
        if !spec.has_operation(&path, &m) {
            return Err(Failure::Other(format!(
                "operation \"{method} {path}\" not found in the spec"
            )));
        }
        let params: Vec<String> = ch
            .get("parameters")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let unknown = spec.unknown_params(&path, &m, params.iter());
        if !unknown.is_empty() {
            return Err(Failure::Other(format!(
                "schema for parameters {unknown:?} not found"
            )));
        }
        if let Some(p) = ch.get("request").and_then(|r| r.get("payload")) {
            let ct = ch["request"]
                .get("content_type")
                .and_then(Value::as_str)
                .unwrap_or("application/json");
            spec.check_request(&path, &m, ct, &chapter::substitute(p, outputs))
                .map_err(Failure::Other)?;
        }
        let call: Call = execute_one(client, base, ch, &method, outputs)
            .await
            .map_err(Failure::Status)?;
        if !expected.contains(&u64::from(call.status)) {
            return Err(Failure::Status(format!(
                "expected status {expected:?}, but received {}: {} {}",
                call.status, call.content_type, call.body
            )));
        }
        spec.check_response(
            &path,
            &m,
            call.status,
            expected_type,
            &call.content_type,
            &call.body,
        )
        .map_err(Failure::Other)?;
        if let Some(p) = ch.get("response").and_then(|r| r.get("payload")) {
            contains(&call.body, &chapter::substitute(p, outputs))
                .map_err(|e| Failure::Other(format!("payload: {e}")))?;
        }
        capture(ch, &call, outputs).map_err(Failure::Other)?;
    }
    Ok(())
}

/// Scores one story file; returns (passed, failures) and whether it was skipped whole.
async fn run_story(
    client: &reqwest::Client,
    stories: &Path,
    file: &str,
    spec: &mut Spec,
) -> (usize, Vec<String>, Vec<String>) {
    let (mut passed, mut failed, mut skipped) = (0, Vec::new(), Vec::new());
    let repo_root = tempfile::tempdir().expect("tempdir");
    let location = repo_root.path().join("repo");
    let story = match load_yaml(&stories.join(file)) {
        Ok(s) => relocate(&s, &location.display().to_string()),
        Err(e) => return (0, vec![format!("{file}: {e}")], skipped),
    };
    if !version_ok(story.get("version")) || !distribution_ok(story.get("distributions")) {
        skipped.push(format!("{file}: whole story (version/distribution)"));
        return (0, failed, skipped);
    }
    let sb = Sandbox::builder()
        .flavor(Flavor::OpenSearch)
        .version("2.16.0")
        .node_setting("path.repo", json!([repo_root.path()]))
        .start()
        .await
        .expect("sandbox");
    let base = sb.url();
    let mut outputs = HashMap::new();
    let list = |key: &str| {
        story
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut blocked: Option<String> = None;
    for p in list("prologues") {
        if let Err(e) = run_supplemental(client, &base, &p, &mut outputs).await {
            blocked.get_or_insert(format!(
                "prologue {} {} failed: {e}",
                p["method"], p["path"]
            ));
        }
    }
    for ch in list("chapters") {
        let name = format!("{file}: {}", ch["synopsis"].as_str().unwrap_or("?"));
        if !version_ok(ch.get("version")) || !distribution_ok(ch.get("distributions")) {
            skipped.push(name);
            continue;
        }
        if let Some(why) = &blocked {
            failed.push(format!("{name}\n      {why}"));
            continue;
        }
        let retries = ch["retry"]["count"].as_u64().unwrap_or(0);
        let wait = ch["retry"]["wait"].as_u64().unwrap_or(1000);
        let mut result = Ok(());
        for attempt in 0..=retries {
            if attempt > 0 {
                // The story's own retry rule (upstream waits `retry.wait` ms between tries).
                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
            }
            result = run_chapter(client, &base, &ch, &mut outputs, spec).await;
            if result.is_ok() {
                break;
            }
        }
        match result {
            Ok(()) => passed += 1,
            Err(Failure::Status(e)) => {
                blocked = Some(format!("an earlier chapter failed: {name}"));
                failed.push(format!(
                    "{name}\n      {}",
                    e.chars().take(400).collect::<String>()
                ));
            }
            Err(Failure::Other(e)) => {
                failed.push(format!(
                    "{name}\n      {}",
                    e.chars().take(400).collect::<String>()
                ));
            }
        }
    }
    for e in list("epilogues") {
        let name = format!("{file}: epilogue {} {}", e["method"], e["path"]);
        match run_supplemental(client, &base, &e, &mut outputs).await {
            Ok(()) => passed += 1,
            Err(why) => failed.push(format!("{name}\n      {why}")),
        }
    }
    sb.shutdown().await;
    (passed, failed, skipped)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opensearch_api_stories_pass_against_the_sandbox() {
    let dir = conformance_dir();
    let stories = dir.join("stories/tests");
    assert!(
        stories.is_dir(),
        "conformance stories not found at {} (set CONFORMANCE_DIR)",
        stories.display()
    );
    let openapi = load_yaml(&dir.join("opensearch-openapi.yaml")).expect("openapi");
    let mut spec = Spec::new(openapi);
    let mut all = Vec::new();
    collect_yaml(&stories, &stories, &mut all);
    all.sort();
    let client = reqwest::Client::new();
    let (mut passed, mut failed, mut skipped) = (0, Vec::new(), Vec::new());
    for file in &all {
        let (p, f, s) = run_story(&client, &stories, file, &mut spec).await;
        passed += p;
        failed.extend(f);
        skipped.extend(s);
    }
    println!(
        "skipped (version/distribution constraints): {}",
        skipped.len()
    );
    for s in &skipped {
        println!("  skipped: {s}");
    }
    for f in &failed {
        println!("  FAILED {f}");
    }
    println!("stories: {passed} passed, {} failed", failed.len());
    let total = passed + failed.len();
    assert!(total > 0);
    let ratio = passed as f64 / total as f64;
    assert!(
        ratio >= 0.95,
        "only {passed}/{total} chapters and epilogues pass ({:.1}%)",
        ratio * 100.0
    );
}
